"""siren: an embeddable incident-response scheduler (AWS Incident Manager
semantics), bound with ctypes.

Loads libsiren.so.0 from $SIREN_LIBRARY, the source tree's build directory
or the system, and checks its version (LibraryVersionError, an ImportError,
when it cannot serve this binding). Start from :class:`Engine` and a host
from :mod:`siren.host`::

    from siren import Engine
    from siren.host import SimHost
    host = SimHost()
    with Engine(host) as e:
        e.load_config(pathlib.Path("contacts.yaml"))
        e.engage("app-escalation-plan", "cpu-agent", "EC2 CPU above 85%", "...")
        host.run_until(e, host.minute(60))

On-call rotations, overrides and ONCALL_SCHEDULE contacts are Engine
methods (create_rotation, rotation_shifts, set_schedule, oncall, ...); time
zones come from the system's zoneinfo unless the host has a load_zone of its
own (:func:`siren.host.load_system_zone`).
"""
from ._ffi import LibraryVersionError, WRITTEN_FOR
from .engine import (FEATURE_CONFIG_IMPORT, FEATURE_RUNBOOKS, Analysis, Channel, Contact,
                     Engagement, Engine, Execution, Incident, Page, Runbook, build_features,
                     record_check, strerror, version, version_number)
from .errors import (BusyError, CallbackError, ConfigError, CorruptError, DeniedError,
                     ExistsError, InternalError, InvalidError, NoMemoryError, NotFoundError,
                     SirenError, StateError, UnsupportedError, VersionError)
from .types import *  # noqa: F401,F403 (enums and dataclasses)
from .types import NO_DEADLINE

__version__ = "0.1.0"
