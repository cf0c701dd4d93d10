"""siren's error codes as a Python exception hierarchy."""
from __future__ import annotations

from typing import Dict, List, Optional, Type

OK = 0


class SirenError(Exception):
    """A siren call failed. ``code`` is the negative SIREN_E* code,
    ``strerror`` its short name and ``errmsg`` siren's description of this
    failure (siren_errmsg() right after the call)."""

    code: int = -1

    def __init__(self, code: int, errmsg: str = "", strerror: str = "",
                 function: str = "") -> None:
        self.code = code
        self.errmsg = errmsg
        self.strerror = strerror
        self.function = function
        text = errmsg or strerror or ("siren error %d" % code)
        if function:
            text = "%s: %s" % (function, text)
        super().__init__(text)


class InternalError(SirenError):
    """SIREN_ERROR: an internal inconsistency (please report it)."""
    code = -1


class InvalidError(SirenError, ValueError):
    """SIREN_EINVAL: an argument or a definition is not valid."""
    code = -2


class NotFoundError(SirenError, LookupError):
    """SIREN_ENOTFOUND: no such object."""
    code = -3


class ExistsError(SirenError):
    """SIREN_EEXISTS: an object with that name already exists."""
    code = -4


class NoMemoryError(SirenError, MemoryError):
    """SIREN_ENOMEM: the allocator failed; nothing was changed."""
    code = -5


class BusyError(SirenError):
    """SIREN_EBUSY: called from inside one of this engine's callbacks."""
    code = -6


class CallbackError(SirenError):
    """SIREN_ECALLBACK: a host callback returned non-zero. When the callback
    was a Python callable that raised, the binding re-raises that exception
    instead (see Engine)."""
    code = -7


class StateError(SirenError):
    """SIREN_ESTATE: not possible in the object's current state."""
    code = -8


class DeniedError(SirenError):
    """SIREN_EDENIED: a wrong, expired or exhausted code."""
    code = -9


class CorruptError(SirenError):
    """SIREN_ECORRUPT: a record or document is damaged."""
    code = -10


class VersionError(SirenError):
    """SIREN_EVERSION: a struct or host table version siren does not know."""
    code = -11


class UnsupportedError(SirenError):
    """SIREN_EUNSUPPORTED: this build of siren left the feature out (see
    siren_build_features())."""
    code = -12


class ConfigError(InvalidError):
    """A configuration document or runbook was refused; ``problems`` lists
    every problem siren found (siren_config_problems(), one per line)."""

    def __init__(self, code: int, errmsg: str = "", strerror: str = "",
                 function: str = "", problems: Optional[List[str]] = None) -> None:
        self.problems = list(problems or [])
        super().__init__(code, errmsg or "; ".join(self.problems), strerror, function)


_BY_CODE: Dict[int, Type[SirenError]] = {
    cls.code: cls for cls in (InternalError, InvalidError, NotFoundError, ExistsError,
                              NoMemoryError, BusyError, CallbackError, StateError,
                              DeniedError, CorruptError, VersionError,
                              UnsupportedError)
}


def error_class(code: int) -> Type[SirenError]:
    """The exception class for a SIREN_E* code (SirenError for an unknown one)."""
    return _BY_CODE.get(code, SirenError)
