"""The engine and the handles onto its objects (contacts, engagements, pages,
incidents, runbooks, executions, analyses)."""
from __future__ import annotations

import ctypes
import dataclasses
import datetime as _dt
import os
from ctypes import byref, c_char_p, c_int, c_size_t, c_uint, c_uint32, c_void_p
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional,
                    Sequence, Tuple, Union)

from . import _ffi
from . import types as T
from .errors import ConfigError, InvalidError, SirenError, error_class
from .host import load_system_zone

lib = _ffi.load_library()

Source = Union[str, bytes, "os.PathLike[str]"]


# ----------------------------------------------------------------- helpers

def _b(s: Optional[Union[str, bytes]]) -> Optional[bytes]:
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


def _s(b: Optional[bytes]) -> str:
    return "" if b is None else b.decode("utf-8", "replace")


def _new(cls):
    """A struct of the version this binding was written for, through its
    *_init function (FFI callers cannot use the *_INIT macros)."""
    name, version, init = _ffi.STRUCTS[cls]
    s = cls()
    rc = getattr(lib, init)(byref(s), version)
    if rc != 0:
        raise error_class(rc)(rc, "%s version %d refused" % (name, version),
                              strerror(rc), init)
    return s


def _set_strs(st, count_field: str, ptr_field: str, items) -> None:
    """Sets a (count, const char *const *) pair of members. Assigning ctypes
    objects to members makes ctypes keep them alive as long as st (or the
    array st is an element of)."""
    items = [_b(x) for x in (items or [])]
    setattr(st, count_field, len(items))
    if items:
        setattr(st, ptr_field, (c_char_p * len(items))(*items))


def _array(cls, n: int, fill: Callable[[Any, int], None]):
    arr = (cls * n)()
    name, version, init = _ffi.STRUCTS[cls]
    for i in range(n):
        getattr(lib, init)(byref(arr[i]), version)
        fill(arr[i], i)
    return arr


def _read_strs(ptr, n: int) -> Tuple[str, ...]:
    return tuple(_s(ptr[i]) for i in range(n)) if n and ptr else ()


def _read_tags(ptr, n: int) -> Dict[str, str]:
    return {_s(ptr[i].key): _s(ptr[i].value) for i in range(n)} if n and ptr else {}


def strerror(code: int) -> str:
    """siren_strerror(code)."""
    return _s(lib.siren_strerror(code))


def version() -> str:
    """The version of the libsiren loaded ("0.1.0")."""
    return _s(lib.siren_version())


def version_number() -> int:
    return int(lib.siren_version_number())


FEATURE_CONFIG_IMPORT = 0x1  # SIREN_FEATURE_CONFIG_IMPORT: Engine.load_config
FEATURE_RUNBOOKS = 0x2       # SIREN_FEATURE_RUNBOOKS: runbooks and executions


def build_features() -> int:
    """The FEATURE_* bits this build of libsiren has (siren_build_features());
    what it leaves out raises UnsupportedError."""
    return int(lib.siren_build_features())


def record_check(record: bytes) -> int:
    """Checks one stored record (length, version, checksum) and returns its
    type. Raises CorruptError or VersionError."""
    t = c_uint()
    rc = lib.siren_record_check(record, len(record), byref(t))
    if rc != 0:
        raise error_class(rc)(rc, strerror(rc), strerror(rc), "siren_record_check")
    return int(t.value)


def _source(src: Source) -> bytes:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src)
    if isinstance(src, str):
        return src.encode("utf-8")
    with open(os.fspath(src), "rb") as f:
        return f.read()


def _notification(n: _ffi.Notification) -> T.Notification:
    v = int(n.version)
    kind = T._enum(T.NotifyKind, n.kind)
    v2 = v >= 2
    common = dict(kind=kind, time=int(n.time), version=v)
    if kind == T.NotifyKind.PAGE:
        return T.PageNotification(
            page=int(n.page), engagement=int(n.engagement), retry_of=int(n.retry_of),
            contact=_s(n.contact), channel=_s(n.channel), channel_type=_s(n.channel_type),
            address=_s(n.address), sender=_s(n.sender), subject=_s(n.subject),
            content=_s(n.content), incident_id=_s(n.incident_id), code=_s(n.code),
            stage=int(n.stage), incident=int(n.incident) if v2 else 0, **common)
    if kind == T.NotifyKind.ACTIVATION_CODE:
        return T.ActivationCodeNotification(
            contact=_s(n.contact), channel=_s(n.channel), channel_type=_s(n.channel_type),
            address=_s(n.address), code=_s(n.code), **common)
    if kind in (T.NotifyKind.CHAT, T.NotifyKind.TARGET) and v2:
        cls = T.ChatNotification if kind == T.NotifyKind.CHAT else T.TargetNotification
        return cls(incident=int(n.incident), channel=_s(n.channel),
                   channel_type=_s(n.channel_type), address=_s(n.address),
                   text=_s(n.text), message=_s(n.message), **common)
    if kind == T.NotifyKind.ACTION and v2:
        return T.ActionNotification(execution=int(n.execution), step=_s(n.step),
                                    action=_s(n.action), inputs=_s(n.inputs),
                                    attempt=int(n.attempt), **common)
    if kind == T.NotifyKind.SHIFT and v >= 3:
        return T.ShiftNotification(contact=_s(n.contact), rotation=_s(n.rotation),
                                   shift_start=int(n.shift_start), shift_end=int(n.shift_end),
                                   text=_s(n.text), message=_s(n.message), **common)
    return T.UnknownNotification(**common)


def _event(e: _ffi.Event) -> T.Event:
    v = int(e.version)
    v2, v3 = v >= 2, v >= 3
    return T.Event(
        type=T._enum(T.EventType, e.type), name=_s(lib.siren_event_type_name(e.type)),
        time=int(e.time), engagement=int(e.engagement), page=int(e.page),
        related=int(e.related), contact=_s(e.contact), channel=_s(e.channel),
        channel_type=_s(e.channel_type), reason=_s(e.reason), incident_id=_s(e.incident_id),
        stage=int(e.stage), essential=bool(e.essential), acknowledged=bool(e.acknowledged),
        incident=int(e.incident) if v2 else 0, response_plan=_s(e.response_plan) if v2 else "",
        title=_s(e.title) if v2 else "", impact=int(e.impact) if v2 else 0,
        text=_s(e.text) if v2 else "", rotation=_s(e.rotation) if v3 else "",
        schedule=_s(e.schedule) if v3 else "", until=int(e.until) if v3 else 0, version=v)


def _options(opts: Optional[Union[T.Options, Mapping[str, int]]]):
    if opts is None:
        return None
    if isinstance(opts, Mapping):
        opts = T.Options(**opts)
    o = _new(_ffi.Options)
    o.activation_max_attempts = opts.activation_max_attempts
    o.activation_code_ttl_ms = opts.activation_code_ttl_ms
    o.max_stage_minutes = opts.max_stage_minutes
    return o


# ------------------------------------------------------------------ engine

_CALLBACKS = ("clock", "notify", "random", "storage_append", "storage_records", "log",
              "event", "seal", "unseal", "load_zone")


class Engine:
    """One siren engine (siren_engine), used as a context manager or closed
    with close().

    The host is given as an object with any of the methods below (see
    siren.host for ready-made ones) and/or as keyword arguments, which win:

    - ``clock() -> int``: now, in ms since the epoch (required);
    - ``notify(n: Notification) -> None``: deliver one message (required);
    - ``random(n: int) -> bytes``: n unpredictable bytes (optional: siren
      then uses a fixed deterministic sequence, fine for tests only);
    - ``storage_append(record: bytes) -> None``: store one record durably;
    - ``storage_records() -> Iterable[bytes]``: the stored records, oldest
      first (read by Engine.open());
    - ``log(level: LogLevel, message: str)``, ``event(ev: Event)``;
    - ``seal(record: bytes) -> bytes`` and ``unseal(blob: bytes) -> bytes``
      (both or neither; at most len + 1024 bytes);
    - ``load_zone(name: str) -> Optional[bytes]``: the TZif bytes of an IANA
      time zone, None when the host does not have it. Without one the engine
      uses :func:`siren.host.load_system_zone` ($TZDIR or
      /usr/share/zoneinfo); ``load_zone=False`` leaves siren with UTC only.

    A callback reports failure by raising: siren sees the callback-failed
    code and the exception is re-raised from the Engine method that caused
    the callback, carrying ``siren_code`` (the code siren returned) and,
    where the call left a result behind (an engagement or incident that
    runs although its notify failed), ``siren_result``. (An exception from
    ``log``, whose failure siren ignores, is re-raised too, after a call that
    succeeded: ``siren_code`` is then 0.) Callbacks must not call back into
    the engine (BusyError).

    Not thread-safe: use an engine from one thread at a time.
    """

    def __init__(self, host: Any = None, *, options: Optional[T.Options] = None,
                 **callbacks: Any) -> None:
        self._ptr = None
        self._setup(host, callbacks)
        ptr = c_void_p()
        rc = lib.siren_engine_new(byref(ptr), byref(self._host), _options(options), None)
        self._raise_pending(rc, "siren_engine_new")
        if rc != 0:
            raise error_class(rc)(rc, strerror(rc), strerror(rc), "siren_engine_new")
        self._ptr = ptr

    @classmethod
    def open(cls, host: Any = None, *, options: Optional[T.Options] = None,
             **callbacks: Any) -> Tuple["Engine", T.OpenReport]:
        """Rebuilds an engine from the host's stored records
        (siren_engine_open) and returns it with the open report. When
        report.stopped, the host must cut its storage to report.records
        records (report.bytes bytes) before appending again."""
        self = cls.__new__(cls)
        self._ptr = None
        self._setup(host, callbacks)
        records = self._cb.get("storage_records")
        if records is None:
            raise ValueError("Engine.open needs a host with storage_records()")
        self._records_iter = iter(records())
        ptr = c_void_p()
        rep = _new(_ffi.OpenReport)
        self._depth += 1
        try:
            rc = lib.siren_engine_open(byref(ptr), byref(self._host), _options(options), None,
                                       byref(rep))
        finally:
            self._depth -= 1
            self._records_iter = None
            self._next_buf = None
            self._zone_bufs.clear()
        if ptr.value:
            self._ptr = ptr
        report = T.OpenReport(
            records=rep.records, bytes=rep.bytes, last_sequence=rep.last_sequence,
            last_time=rep.last_time, stopped=bool(rep.stopped), stop_code=rep.stop_code,
            stop_index=rep.stop_index, stop_reason=_s(rep.stop_reason),
            since_snapshot=rep.since_snapshot, reannounced=rep.reannounced)
        partial = (self, report) if self._ptr else None
        self._raise_pending(rc, "siren_engine_open", partial)
        if rc != 0:
            msg = _s(lib.siren_errmsg(self._ptr)) if self._ptr else strerror(rc)
            err = error_class(rc)(rc, msg, strerror(rc), "siren_engine_open")
            err.siren_result = partial
            raise err
        return self, report

    # -- callbacks --------------------------------------------------------

    def _setup(self, host: Any, callbacks: Dict[str, Any]) -> None:
        unknown = set(callbacks) - set(_CALLBACKS)
        if unknown:
            raise TypeError("unknown host callbacks: " + ", ".join(sorted(unknown)))
        cb: Dict[str, Callable] = {}
        for name in _CALLBACKS:
            fn = callbacks.get(name)
            if fn is None and host is not None:
                fn = getattr(host, name, None)
            if fn is not None:
                cb[name] = fn
        if callbacks.get("load_zone") is False:
            cb.pop("load_zone", None)
        elif "load_zone" not in cb:
            cb["load_zone"] = load_system_zone
        if "clock" not in cb or "notify" not in cb:
            raise TypeError("a siren host needs clock and notify")
        if ("seal" in cb) != ("unseal" in cb):
            raise TypeError("seal and unseal go together")
        self._cb = cb
        self._pending: Optional[BaseException] = None
        self._pending_cb = ""
        self._depth = 0
        self._records_iter: Optional[Iterator[bytes]] = None
        self._next_buf = None
        # Zone bytes handed to siren by load_zone: siren reads them after the
        # callback has returned, so they live until the C call returns.
        self._zone_bufs: List[Any] = []
        h = _new(_ffi.Host)
        # Every CFUNCTYPE object is kept in self._fns for the engine's life.
        self._fns: Dict[str, Any] = {}

        def guard(name: str, body: Callable[..., None]):
            def tramp(*args):
                try:
                    body(*args)
                    return 0
                except BaseException as exc:  # re-raised from the API call
                    if self._pending is None:
                        self._pending = exc
                        self._pending_cb = name
                    return -1
            return tramp

        def clock(now_p, ud):
            now_p[0] = int(cb["clock"]())

        def notify(n_p, ud):
            cb["notify"](_notification(n_p.contents))

        def random(buf, n, ud):
            data = bytes(cb["random"](n))
            if len(data) != n:
                raise ValueError("random() returned %d bytes, %d wanted" % (len(data), n))
            ctypes.memmove(buf, data, n)

        def append(rec, n, ud):
            cb["storage_append"](ctypes.string_at(rec, n))

        def log(level, msg, ud):
            cb["log"](T._enum(T.LogLevel, level), _s(msg))

        def event(ev_p, ud):
            cb["event"](_event(ev_p.contents))

        def next_(rec_p, len_p, ud):
            it = self._records_iter
            data = next(it, None) if it is not None else None
            if data is None:
                rec_p[0] = None
                len_p[0] = 0
                return
            data = bytes(data)
            buf = ctypes.create_string_buffer(data, max(1, len(data)))
            self._next_buf = buf  # valid until the next call, as siren needs
            rec_p[0] = ctypes.addressof(buf)
            len_p[0] = len(data)

        def load_zone(name_p, data_p, len_p, ud):
            data_p[0] = None
            len_p[0] = 0
            data = cb["load_zone"](_s(name_p))
            if data is None:
                return
            data = bytes(data)
            buf = ctypes.create_string_buffer(data, max(1, len(data)))
            self._zone_bufs.append(buf)
            data_p[0] = ctypes.addressof(buf)
            len_p[0] = len(data)

        def sealer(name):
            def body(inp, n, out, cap, out_len, ud):
                res = bytes(cb[name](ctypes.string_at(inp, n)))
                if len(res) > cap:
                    raise ValueError("%s() returned %d bytes, at most %d allowed"
                                     % (name, len(res), cap))
                ctypes.memmove(out, res, len(res))
                out_len[0] = len(res)
            return body

        table = [("clock", _ffi.CLOCK_FN, clock), ("notify", _ffi.NOTIFY_FN, notify),
                 ("random", _ffi.RANDOM_FN, random),
                 ("storage_append", _ffi.APPEND_FN, append), ("log", _ffi.LOG_FN, log),
                 ("event", _ffi.EVENT_FN, event),
                 ("storage_records", _ffi.NEXT_FN, next_),
                 ("seal", _ffi.SEAL_FN, sealer("seal")),
                 ("unseal", _ffi.SEAL_FN, sealer("unseal")),
                 ("load_zone", _ffi.LOAD_ZONE_FN, load_zone)]
        for name, proto, body in table:
            if name in cb:
                fn = proto(guard(name, body))
                self._fns[name] = fn
                setattr(h, "storage_next" if name == "storage_records" else name, fn)
        self._host = h

    def _raise_pending(self, rc: int, function: str, partial: Any = None) -> None:
        exc = self._pending
        if exc is None or self._depth > 0:
            return
        self._pending = None
        try:
            exc.siren_code = rc  # type: ignore[attr-defined]
            exc.siren_result = partial  # type: ignore[attr-defined]
            if hasattr(exc, "add_note"):
                exc.add_note("raised by the host %s callback during %s (siren: %s)"
                             % (self._pending_cb, function, strerror(rc)))
        except Exception:
            pass
        raise exc

    def _call(self, function: str, *args: Any, partial: Optional[Callable[[], Any]] = None,
              problems: bool = False) -> int:
        """Calls a siren function that takes the engine and returns a status;
        raises the pending callback exception or the SirenError."""
        if self._ptr is None:
            raise ValueError("the engine is closed")
        self._depth += 1
        try:
            rc = getattr(lib, function)(*args)
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._zone_bufs.clear()
        if self._pending is not None and self._depth == 0:
            self._raise_pending(rc, function, partial() if partial else None)
        if rc < 0:
            msg = _s(lib.siren_errmsg(self._ptr))
            cls = error_class(rc)
            if problems and rc == -2:
                probs = [p for p in _s(lib.siren_config_problems(self._ptr)).splitlines() if p]
                err: SirenError = ConfigError(rc, msg, strerror(rc), function, probs)
            else:
                err = cls(rc, msg, strerror(rc), function)
            err.siren_result = partial() if partial else None  # type: ignore[attr-defined]
            raise err
        return rc

    @property
    def _e(self):
        if self._ptr is None:
            raise ValueError("the engine is closed")
        return self._ptr

    # -- life -------------------------------------------------------------

    def close(self) -> None:
        """Frees the engine (siren_engine_free). Idempotent. Not from a callback."""
        if self._depth:
            raise RuntimeError("Engine.close() from inside one of its callbacks")
        if self._ptr is not None:
            lib.siren_engine_free(self._ptr)
            self._ptr = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_ptr", None) is not None and not self._depth:
                self.close()
        except Exception:
            pass

    @property
    def closed(self) -> bool:
        return self._ptr is None

    @property
    def errmsg(self) -> str:
        """siren_errmsg(): the last failure on this engine, in words."""
        return _s(lib.siren_errmsg(self._e))

    def next_deadline(self) -> int:
        """When siren next needs advance(): ms since the epoch, or NO_DEADLINE."""
        return int(lib.siren_engine_next_deadline(self._e))

    def advance(self) -> int:
        """Fires everything due at the host clock's now; returns how many fired."""
        fired = c_uint32()
        self._call("siren_engine_advance", self._e, byref(fired))
        return int(fired.value)

    @property
    def record_count(self) -> int:
        return int(lib.siren_engine_record_count(self._e))

    @property
    def records_since_snapshot(self) -> int:
        return int(lib.siren_engine_records_since_snapshot(self._e))

    def snapshot(self) -> None:
        """Appends a snapshot record (the whole state in one record)."""
        self._call("siren_engine_snapshot", self._e)

    # -- contacts -----------------------------------------------------------

    def create_contact(self, alias: str, display_name: Optional[str] = None,
                       type: T.ContactType = T.ContactType.PERSONAL) -> "Contact":
        self._call("siren_contact_create", self._e, _b(alias), _b(display_name), int(type))
        return Contact(self, alias)

    def contact(self, alias: str) -> "Contact":
        """The contact called alias (NotFoundError when there is none)."""
        c = Contact(self, alias)
        c.info()
        return c

    def contacts(self) -> Iterator["Contact"]:
        """The contacts, in creation order."""
        n = lib.siren_contact_count(self._e)
        aliases = [_s(lib.siren_contact_alias_at(self._e, i)) for i in range(n)]
        for a in aliases:
            yield Contact(self, a)

    # -- engagements and pages ------------------------------------------------

    def engage(self, contact: str, sender: str, subject: str, content: str, *,
               public_subject: Optional[str] = None, public_content: Optional[str] = None,
               incident_id: Optional[str] = None,
               idempotency_token: Optional[str] = None) -> "Engagement":
        """Starts an engagement of contact now (siren_engagement_start)."""
        p = _new(_ffi.EngagementParams)
        p.contact, p.sender, p.subject, p.content = (_b(contact), _b(sender), _b(subject),
                                                     _b(content))
        p.public_subject, p.public_content = _b(public_subject), _b(public_content)
        p.incident_id, p.idempotency_token = _b(incident_id), _b(idempotency_token)
        out = _ffi.c_id()
        self._call("siren_engagement_start", byref(out), self._e, byref(p),
                   partial=lambda: Engagement(self, out.value) if out.value else None)
        return Engagement(self, int(out.value))

    def engagement(self, id: int) -> "Engagement":
        e = Engagement(self, id)
        e.info()
        return e

    def page(self, id: int) -> "Page":
        p = Page(self, id)
        p.info()
        return p

    def _ids(self, function: str, *args: Any) -> List[int]:
        total = c_size_t()
        self._call(function, None, 0, byref(total), self._e, *args)
        n = total.value
        if n == 0:
            return []
        buf = (_ffi.c_id * n)()
        self._call(function, buf, n, byref(total), self._e, *args)
        return [int(buf[i]) for i in range(min(n, total.value))]

    def engagements(self) -> Iterator["Engagement"]:
        """Every engagement, oldest first."""
        for i in self._ids("siren_engagements"):
            yield Engagement(self, i)

    def preview(self, contact: str,
                acks: Iterable[Tuple[str, int]] = ()) -> List[T.PreviewPage]:
        """The pages an engagement of contact would send, given hypothetical
        acceptances (contact, after_minutes); nothing changes."""
        acks = list(acks)
        arr = _array(_ffi.PreviewAck, len(acks), lambda a, i: (
            setattr(a, "contact", _b(acks[i][0])), setattr(a, "after_minutes", acks[i][1])))
        ackp = arr if acks else None
        total = c_size_t()
        self._call("siren_engagement_preview", None, 0, byref(total), self._e, _b(contact),
                   ackp, len(acks))
        n = total.value
        out = _array(_ffi.PreviewPage, max(n, 1), lambda p, i: None)
        self._call("siren_engagement_preview", out, n, byref(total), self._e, _b(contact),
                   ackp, len(acks))
        return [T.PreviewPage(offset_ms=p.offset_ms, contact=_s(p.contact),
                              channel=_s(p.channel), channel_type=_s(p.channel_type),
                              engaged_by=_s(p.engaged_by),
                              escalation_stage=p.escalation_stage, stage=p.stage)
                for p in out[:min(n, total.value)]]

    # -- rotations and schedules ---------------------------------------------

    def create_rotation(self, name: Union[str, T.Rotation, Mapping[str, Any]],
                        time_zone: Optional[str] = None, start: Optional[TimeSpec] = None,
                        contacts: Optional[Sequence[str]] = None,
                        recurrence: Optional[Union[str, T.Recurrence]] = None,
                        handoffs: Optional[Sequence[HandoffSpec]] = None, on_calls: int = 1,
                        multiplier: int = 1, coverages: Sequence[CoverageSpec] = (),
                        notice_minutes: int = 0) -> None:
        """Creates a rotation (CreateRotation). name may instead be a
        Rotation (as get_rotation() returns) or a dict of these arguments.
        start: ms since the epoch or an aware datetime. recurrence: "DAILY",
        "WEEKLY" or "MONTHLY". handoffs: (day, "HH:MM") pairs, day "MON".."SUN"
        (WEEKLY), 1-31 (MONTHLY) or anything (DAILY, where a bare "HH:MM"
        also does). coverages: (day, "HH:MM", "HH:MM") windows. Raises
        InvalidError (PST is not an IANA name, a bad hand-off, ...),
        ExistsError, NotFoundError (a contact, or a zone the host lacks)."""
        rot = _rotation_arg("siren_rotation_create", name, time_zone, start, contacts,
                            recurrence, handoffs, on_calls, multiplier, coverages,
                            notice_minutes)
        self._call("siren_rotation_create", self._e,
                   byref(_rotation_struct(rot, "siren_rotation_create")))

    def update_rotation(self, name: Union[str, T.Rotation, Mapping[str, Any]],
                        time_zone: Optional[str] = None, start: Optional[TimeSpec] = None,
                        contacts: Optional[Sequence[str]] = None,
                        recurrence: Optional[Union[str, T.Recurrence]] = None,
                        handoffs: Optional[Sequence[HandoffSpec]] = None, on_calls: int = 1,
                        multiplier: int = 1, coverages: Sequence[CoverageSpec] = (),
                        notice_minutes: int = 0) -> None:
        """Replaces the definition of the rotation of that name
        (UpdateRotation); its overrides are kept. Arguments as create_rotation."""
        rot = _rotation_arg("siren_rotation_update", name, time_zone, start, contacts,
                            recurrence, handoffs, on_calls, multiplier, coverages,
                            notice_minutes)
        self._call("siren_rotation_update", self._e,
                   byref(_rotation_struct(rot, "siren_rotation_update")))

    def delete_rotation(self, name: str) -> None:
        """Deletes a rotation with its overrides and takes it out of every schedule."""
        self._call("siren_rotation_delete", self._e, _b(name))

    def get_rotation(self, name: str) -> T.Rotation:
        """Reads a rotation back (NotFoundError when there is none)."""
        s = _new(_ffi.Rotation)
        self._call("siren_rotation_get", byref(s), self._e, _b(name))
        recur = T._enum(T.Recurrence, s.recurrence)
        handoffs = []
        for i in range(s.handoff_count):
            h = s.handoffs[i]
            day: Union[T.Day, int] = (T._enum(T.Day, h.day) if recur == T.Recurrence.WEEKLY
                                      else int(h.day))
            handoffs.append(T.Handoff(day, _hhmm(h.minute)))
        coverages = [T.Coverage(T._enum(T.Day, c.day), _hhmm(c.start_minute),
                                _hhmm(c.end_minute))
                     for c in (s.coverages[i] for i in range(s.coverage_count))]
        return T.Rotation(name=_s(s.name), time_zone=_s(s.time_zone), start=int(s.start_time),
                          contacts=list(_read_strs(s.contacts, s.contact_count)),
                          recurrence=recur, handoffs=handoffs, on_calls=int(s.on_calls),
                          multiplier=int(s.multiplier), coverages=coverages,
                          notice_minutes=int(s.notice_minutes))

    def rotation_names(self) -> List[str]:
        """The names of the rotations, in creation order."""
        n = lib.siren_rotation_count(self._e)
        return [_s(lib.siren_rotation_name_at(self._e, i)) for i in range(n)]

    def rotations(self) -> Iterator[T.Rotation]:
        """Every rotation (as get_rotation reads it), in creation order."""
        for name in self.rotation_names():
            yield self.get_rotation(name)

    def create_override(self, rotation: str, contacts: Sequence[str], start: TimeSpec,
                        end: TimeSpec,
                        mode: Union[str, T.OverrideMode] = T.OverrideMode.REPLACE) -> int:
        """Overrides who is on call in rotation over [start, end)
        (CreateRotationOverride); mode "REPLACE" (exactly contacts, maybe
        none), "ADD" or "REMOVE". Returns the override's id."""
        fn = "siren_override_create"
        o = _new(_ffi.Override)
        _fill_override(o, T.Override(contacts, start, end, mode), fn)
        o.rotation = _b(rotation)
        out = _ffi.c_id()
        self._call(fn, byref(out), self._e, byref(o))
        return int(out.value)

    def delete_override(self, rotation: str, id: int) -> None:
        self._call("siren_override_delete", self._e, _b(rotation), int(id))

    def get_override(self, rotation: str, id: int) -> T.Override:
        o = _new(_ffi.Override)
        self._call("siren_override_get", byref(o), self._e, _b(rotation), int(id))
        return T.Override(contacts=list(_read_strs(o.contacts, o.contact_count)),
                          start=int(o.start), end=int(o.end),
                          mode=T._enum(T.OverrideMode, o.mode), id=int(o.id),
                          rotation=_s(o.rotation), created=int(o.created))

    def overrides(self, rotation: str, start: TimeSpec = -2**63,
                  end: TimeSpec = 2**63 - 1) -> List[T.Override]:
        """The rotation's overrides that overlap [start, end) (all by
        default), oldest first."""
        fn = "siren_overrides"
        ids = self._ids(fn, _b(rotation), _ms(start, fn), _ms(end, fn))
        return [self.get_override(rotation, i) for i in ids]

    def rotation_shifts(self, rotation: str, start: TimeSpec, end: TimeSpec) -> List[T.Shift]:
        """ListRotationShifts: who is on call in rotation over [start, end),
        clipped to it, in time order (at most 10 years)."""
        fn = "siren_rotation_shifts"
        return self._shifts(fn, _b(rotation), _ms(start, fn), _ms(end, fn))

    def preview_shifts(self, rotation: Union[T.Rotation, Mapping[str, Any]], start: TimeSpec,
                       end: TimeSpec,
                       overrides: Sequence[Union[T.Override, Mapping[str, Any]]] = ()
                       ) -> List[T.Shift]:
        """ListPreviewRotationShifts: the shifts of a rotation that is not
        saved (a Rotation, or a dict of create_rotation's arguments; the name
        may be left out) with hypothetical overrides (Override, or dicts of
        contacts, start, end and mode)."""
        fn = "siren_rotation_preview_shifts"
        if isinstance(rotation, Mapping):
            rotation = dict(rotation)
            rotation.setdefault("name", "preview")
        rot = _rotation_arg(fn, rotation)
        if not rot.name:  # a preview needs no name, siren's rules one
            rot = dataclasses.replace(rot, name="preview")
        ovs = []
        for o in overrides:
            if isinstance(o, Mapping):
                o = T.Override(**o)
            ovs.append(o)
        arr = _array(_ffi.Override, len(ovs), lambda x, i: _fill_override(x, ovs[i], fn))
        rs = _rotation_struct(rot, fn)
        return self._shifts(fn, byref(rs), arr if ovs else None, len(ovs), _ms(start, fn),
                            _ms(end, fn))

    def _shifts(self, function: str, *args: Any) -> List[T.Shift]:
        total = c_size_t()
        self._call(function, None, 0, byref(total), self._e, *args)
        n = total.value
        if n == 0:
            return []
        out = _array(_ffi.Shift, n, lambda s, i: None)
        self._call(function, out, n, byref(total), self._e, *args)
        # The contact names point into the engine until its next call: copy now.
        return [T.Shift(start=int(s.start), end=int(s.end), type=T._enum(T.ShiftType, s.type),
                        index=int(s.index), contacts=_read_strs(s.contacts, s.contact_count),
                        overridden=_read_strs(s.overridden, s.overridden_count))
                for s in out[:min(n, total.value)]]

    def set_schedule(self, alias: str, rotations: Sequence[str], hold: bool = False) -> None:
        """Sets an ONCALL_SCHEDULE contact's rotations (0-8). hold: when
        nobody is on call, wait for the first to come on call (up to 31 days)
        instead of skipping the schedule."""
        names = [_b(r) for r in rotations]
        arr = (c_char_p * max(1, len(names)))(*names)
        self._call("siren_schedule_set", self._e, _b(alias), arr, len(names),
                   T.SCHEDULE_HOLD if hold else 0)

    def schedule_rotations(self, alias: str) -> List[str]:
        """The names of an ONCALL_SCHEDULE contact's rotations, in order."""
        n = Contact(self, alias).info().rotation_count
        out = []
        for i in range(n):
            name = lib.siren_schedule_rotation_at(self._e, _b(alias), i)
            if name is None:
                break
            out.append(_s(name))
        return out

    def oncall(self, alias_or_rotation: str, t: TimeSpec) -> List[str]:
        """Who is on call at t in the schedule alias_or_rotation, or in the
        rotation of that name when no contact has it as alias."""
        fn = "siren_oncall"
        args = (_b(alias_or_rotation), _ms(t, fn))
        total = c_size_t()
        self._call(fn, None, 0, byref(total), self._e, *args)
        n = total.value
        if n == 0:
            return []
        out = (c_char_p * n)()
        self._call(fn, out, n, byref(total), self._e, *args)
        return [_s(out[i]) for i in range(min(n, total.value))]

    def schedule_gaps(self, alias: str, start: TimeSpec, end: TimeSpec) -> List[T.Gap]:
        """Coverage gaps of a schedule over [start, end): NOBODY and SHORT
        intervals in time order."""
        fn = "siren_schedule_gaps"
        args = (_b(alias), _ms(start, fn), _ms(end, fn))
        total = c_size_t()
        self._call(fn, None, 0, byref(total), self._e, *args)
        n = total.value
        if n == 0:
            return []
        out = _array(_ffi.Gap, n, lambda g, i: None)
        self._call(fn, out, n, byref(total), self._e, *args)
        return [T.Gap(int(g.start), int(g.end), T._enum(T.GapType, g.type), int(g.on_call))
                for g in out[:min(n, total.value)]]

    def page_resolution(self, page: Union[int, "Page"]) -> T.Resolution:
        """Which schedule, rotation and shift reached a page (schedule and
        rotation "" when it was not reached through a schedule)."""
        r = _new(_ffi.Resolution)
        pid = page.id if isinstance(page, Page) else int(page)
        self._call("siren_page_resolution", byref(r), self._e, pid)
        return T.Resolution(schedule=_s(r.schedule), rotation=_s(r.rotation),
                            contact=_s(r.contact), shift_start=int(r.shift_start),
                            shift_end=int(r.shift_end), resolved=int(r.resolved))

    # -- configuration --------------------------------------------------------

    def load_config(self, source: Source) -> T.ConfigResult:
        """Loads AWS-shaped definitions (siren_config_load), all or nothing.
        source is the document as str or bytes, or a path (os.PathLike) to
        read. Raises ConfigError (with .problems) when siren refuses it."""
        text = _source(source)
        r = _new(_ffi.ConfigResult)
        self._call("siren_config_load", byref(r), self._e, text, len(text), problems=True)
        return T.ConfigResult(contacts=r.contacts, channels=r.channels, plans=r.plans,
                              errors=r.errors, unsupported=r.unsupported,
                              response_plans=r.response_plans,
                              problems=tuple(self.config_problems()))

    def config_problems(self) -> List[str]:
        """The problems of the last load_config()/load_runbook(), one per item."""
        return [p for p in _s(lib.siren_config_problems(self._e)).splitlines() if p]

    # -- response plans -------------------------------------------------------

    def _plan_struct(self, plan: Union[T.ResponsePlan, Mapping[str, Any]]):
        if isinstance(plan, Mapping):
            plan = T.ResponsePlan(**plan)
        s = _new(_ffi.ResponsePlan)
        s.name, s.display_name, s.title = _b(plan.name), _b(plan.display_name), _b(plan.title)
        s.impact, s.summary, s.dedupe_string = plan.impact, _b(plan.summary), _b(plan.dedupe_string)
        for cnt, ptr, tags in (("incident_tag_count", "incident_tags", plan.incident_tags),
                               ("tag_count", "tags", plan.tags)):
            items = list(dict(tags).items())
            if items:
                arr = _array(_ffi.Tag, len(items), lambda t, i: (
                    setattr(t, "key", _b(items[i][0])), setattr(t, "value", _b(items[i][1]))))
                setattr(s, cnt, len(items))
                setattr(s, ptr, arr)
        _set_strs(s, "notification_target_count", "notification_targets",
                  plan.notification_targets)
        _set_strs(s, "chat_channel_count", "chat_channels", plan.chat_channels)
        _set_strs(s, "engagement_count", "engagements", plan.engagements)
        s.runbook = _b(plan.runbook)
        if plan.runbook_params:
            s.runbook_param_count = len(plan.runbook_params)
            s.runbook_params = _runbook_params(plan.runbook_params, s)
        s.ack_timeout_minutes = plan.ack_timeout_minutes
        s.auto_resolve_minutes = plan.auto_resolve_minutes
        if plan.maintenance:
            ws = [w if isinstance(w, T.Window) else T.Window(*w) for w in plan.maintenance]
            s.maintenance_count = len(ws)
            s.maintenance = _array(_ffi.Window, len(ws), lambda w, i: (
                setattr(w, "start", ws[i].start), setattr(w, "end", ws[i].end)))
        return s

    def create_response_plan(self, plan: Union[T.ResponsePlan, Mapping[str, Any]]) -> None:
        self._call("siren_response_plan_create", self._e, byref(self._plan_struct(plan)))

    def update_response_plan(self, plan: Union[T.ResponsePlan, Mapping[str, Any]]) -> None:
        self._call("siren_response_plan_update", self._e, byref(self._plan_struct(plan)))

    def delete_response_plan(self, name: str) -> None:
        self._call("siren_response_plan_delete", self._e, _b(name))

    def response_plan(self, name: str) -> T.ResponsePlan:
        s = _new(_ffi.ResponsePlan)
        self._call("siren_response_plan_get", byref(s), self._e, _b(name))
        params = []
        for i in range(s.runbook_param_count):
            p = s.runbook_params[i]
            params.append(T.RunbookParam(name=_s(p.name),
                                         values=list(_read_strs(p.values, p.value_count)),
                                         dynamic=T._enum(T.DynamicValue, p.dynamic)))
        return T.ResponsePlan(
            name=_s(s.name), title=_s(s.title), impact=s.impact,
            display_name=_s(s.display_name), summary=_s(s.summary),
            dedupe_string=_s(s.dedupe_string),
            incident_tags=_read_tags(s.incident_tags, s.incident_tag_count),
            notification_targets=list(_read_strs(s.notification_targets,
                                                 s.notification_target_count)),
            chat_channels=list(_read_strs(s.chat_channels, s.chat_channel_count)),
            engagements=list(_read_strs(s.engagements, s.engagement_count)),
            runbook=_s(s.runbook), runbook_params=params,
            tags=_read_tags(s.tags, s.tag_count), ack_timeout_minutes=s.ack_timeout_minutes,
            auto_resolve_minutes=s.auto_resolve_minutes,
            maintenance=[T.Window(s.maintenance[i].start, s.maintenance[i].end)
                         for i in range(s.maintenance_count)])

    def response_plans(self) -> Iterator[T.ResponsePlan]:
        n = lib.siren_response_plan_count(self._e)
        names = [_s(lib.siren_response_plan_name_at(self._e, i)) for i in range(n)]
        for name in names:
            yield self.response_plan(name)

    # -- incidents --------------------------------------------------------------

    def start_incident(self, response_plan: str, trigger_source: str, *,
                       title: Optional[str] = None, impact: int = 0, trigger_time: int = 0,
                       trigger_arn: Optional[str] = None,
                       trigger_raw_data: Optional[str] = None,
                       related_items: Iterable[Union[T.RelatedItem, Tuple]] = (),
                       client_token: Optional[str] = None) -> "Incident":
        """Starts an incident (AWS StartIncident). The returned Incident's
        ``deduplicated`` says whether the trigger merged into an open one."""
        p = _new(_ffi.IncidentParams)
        p.response_plan, p.title, p.impact = _b(response_plan), _b(title), impact
        p.trigger_source, p.trigger_time = _b(trigger_source), trigger_time
        p.trigger_arn, p.trigger_raw_data = _b(trigger_arn), _b(trigger_raw_data)
        p.client_token = _b(client_token)
        items = [x if isinstance(x, T.RelatedItem) else T.RelatedItem(*x) for x in related_items]
        if items:
            p.related_item_count = len(items)
            p.related_items = _array(_ffi.RelatedItem, len(items),
                                     lambda r, i: _fill_item(r, items[i]))
        out, dedup = _ffi.c_id(), c_int()
        self._call("siren_incident_start", byref(out), byref(dedup), self._e, byref(p),
                   partial=lambda: Incident(self, out.value, bool(dedup.value))
                   if out.value else None)
        return Incident(self, int(out.value), bool(dedup.value))

    def incident(self, id: int) -> "Incident":
        inc = Incident(self, id)
        inc.info()
        return inc

    def incidents(self, *, created_after: int = 0, created_before: int = 0,
                  impacts: Iterable[int] = (),
                  statuses: Iterable[T.IncidentStatus] = ()) -> Iterator["Incident"]:
        """Incidents matching the filter, oldest first."""
        f = _new(_ffi.IncidentFilter)
        f.created_after, f.created_before = created_after, created_before
        f.impacts = sum(1 << int(i) for i in set(impacts))
        f.statuses = sum(1 << int(s) for s in set(statuses))
        for i in self._ids("siren_incidents", byref(f)):
            yield Incident(self, i)

    # -- heartbeats -------------------------------------------------------------

    def create_heartbeat(self, name: str, response_plan: str, interval_minutes: int,
                         resolve_on_beat: bool = False) -> None:
        h = _new(_ffi.Heartbeat)
        h.name, h.response_plan = _b(name), _b(response_plan)
        h.interval_minutes, h.resolve_on_beat = interval_minutes, int(resolve_on_beat)
        self._call("siren_heartbeat_create", self._e, byref(h))

    def beat(self, name: str) -> None:
        self._call("siren_heartbeat_beat", self._e, _b(name))

    def delete_heartbeat(self, name: str) -> None:
        self._call("siren_heartbeat_delete", self._e, _b(name))

    def heartbeat(self, name: str) -> T.HeartbeatInfo:
        h = _new(_ffi.Heartbeat)
        self._call("siren_heartbeat_get", byref(h), self._e, _b(name))
        return T.HeartbeatInfo(name=_s(h.name), response_plan=_s(h.response_plan),
                               interval_minutes=h.interval_minutes,
                               resolve_on_beat=bool(h.resolve_on_beat), last_beat=h.last_beat,
                               incident=int(h.incident))

    def analysis(self, id: int) -> "Analysis":
        a = Analysis(self, id)
        a.info()
        return a

    # -- runbooks ---------------------------------------------------------------

    def load_runbook(self, name: str, source: Source) -> "Runbook":
        """Loads (or replaces) a runbook from an SSM Automation document
        (str/bytes text or a path). Raises ConfigError with .problems."""
        text = _source(source)
        self._call("siren_runbook_load", self._e, _b(name), text, len(text), problems=True)
        return Runbook(self, name)

    def runbook(self, name: str) -> "Runbook":
        r = Runbook(self, name)
        r.info()
        return r

    def runbooks(self) -> Iterator["Runbook"]:
        n = lib.siren_runbook_count(self._e)
        names = [_s(lib.siren_runbook_name_at(self._e, i)) for i in range(n)]
        for name in names:
            yield Runbook(self, name)

    def start_execution(self, runbook: str,
                        params: Union[Mapping[str, Union[str, Sequence[str]]],
                                      Sequence[T.RunbookParam], None] = None, *,
                        mode: T.ExecMode = T.ExecMode.AUTO, client_token: Optional[str] = None,
                        incident: Optional[Union[int, "Incident"]] = None) -> "Execution":
        """Starts an execution of a loaded runbook (StartAutomationExecution).
        params maps a parameter name to a value or a list of values."""
        p = _new(_ffi.ExecutionParams)
        p.runbook, p.mode, p.client_token = _b(runbook), int(mode), _b(client_token)
        p.incident = int(incident.id if isinstance(incident, Incident) else (incident or 0))
        plist = _param_list(params)
        if plist:
            p.param_count = len(plist)
            p.params = _runbook_params(plist, p)
        out = _ffi.c_id()
        self._call("siren_execution_start", byref(out), self._e, byref(p),
                   partial=lambda: Execution(self, out.value) if out.value else None)
        return Execution(self, int(out.value))

    def execution(self, id: int) -> "Execution":
        x = Execution(self, id)
        x.info()
        return x

    def executions(self) -> Iterator["Execution"]:
        for i in self._ids("siren_executions"):
            yield Execution(self, i)


def _param_list(params) -> List[T.RunbookParam]:
    if not params:
        return []
    if isinstance(params, Mapping):
        return [T.RunbookParam(k, [v] if isinstance(v, (str, bytes)) else list(v))
                for k, v in params.items()]
    return list(params)


def _runbook_params(plist: Sequence[T.RunbookParam], owner):
    def fill(p, i):
        rp = plist[i]
        p.name = _b(rp.name)
        p.dynamic = int(rp.dynamic)
        _set_strs(p, "value_count", "values", rp.values)
    arr = _array(_ffi.RunbookParam, len(plist), fill)
    return arr


def _fill_item(r, item: T.RelatedItem) -> None:
    r.type, r.value, r.title = int(item.type), _b(item.value), _b(item.title)


# ------------------------------------------------- rotations: argument forms

TimeSpec = Union[int, _dt.datetime]
HandoffSpec = Union[T.Handoff, Tuple[Any, Union[str, int]], str]
CoverageSpec = Union[T.Coverage, Tuple[Any, Union[str, int], Union[str, int]]]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_DAY_NAMES = {d.name: int(d) for d in T.Day}


def _invalid(function: str, message: str) -> InvalidError:
    """An argument the binding refuses before siren sees it: the same
    InvalidError siren's own SIREN_EINVAL gives."""
    return InvalidError(-2, message, strerror(-2), function)


def _ms(t: TimeSpec, function: str) -> int:
    """ms since the epoch from an int or an aware datetime (a naive one is
    refused: it would silently mean the machine's local time)."""
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None or t.tzinfo.utcoffset(t) is None:
            raise _invalid(function, "datetime %s has no time zone: give an aware one "
                           "(tzinfo=...) or ms since the epoch" % t.isoformat())
        return (t - _EPOCH) // _dt.timedelta(milliseconds=1)
    if isinstance(t, bool) or not isinstance(t, int):
        raise TypeError("%s: a time is ms since the epoch (int) or an aware datetime, not %r"
                        % (function, t))
    return t


def _hhmm(minute: int) -> str:
    return "%02d:%02d" % divmod(int(minute), 60)


def _minute(v: Union[str, int], what: str, function: str) -> int:
    """Minute of the local day from "HH:MM" (or an int minute, passed on)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str):
        hh, sep, mm = v.partition(":")
        if (sep and hh.isdigit() and mm.isdigit() and len(hh) in (1, 2) and len(mm) == 2
                and int(hh) < 24 and int(mm) < 60):
            return int(hh) * 60 + int(mm)
    raise _invalid(function, "%s: %r is not a time of day \"HH:MM\"" % (what, v))


def _weekday(v: Any, what: str, function: str) -> int:
    if isinstance(v, str):
        d = _DAY_NAMES.get(v.strip().upper())
        if d is None:
            raise _invalid(function, "%s: %r is not a day (MON..SUN)" % (what, v))
        return d
    if isinstance(v, int) and not isinstance(v, bool):
        return int(v)
    raise _invalid(function, "%s: %r is not a day (MON..SUN)" % (what, v))


def _named(cls, v: Any, what: str, function: str) -> int:
    if isinstance(v, str):
        try:
            return int(cls[v.strip().upper()])
        except KeyError:
            raise _invalid(function, "%s must be one of %s, not %r"
                           % (what, ", ".join(m.name for m in cls), v)) from None
    return int(v)


def _override_mode(m: Any, function: str) -> int:
    return _named(T.OverrideMode, m, "mode", function)


def _strs_arg(v: Any, what: str, function: str) -> List[str]:
    if isinstance(v, (str, bytes)):
        raise TypeError("%s: %s is a list of aliases, not one string" % (function, what))
    return list(v)


def _rotation_arg(function: str, name: Any, time_zone: Optional[str] = None,
                  start: Optional[TimeSpec] = None, contacts: Optional[Sequence[str]] = None,
                  recurrence: Any = None, handoffs: Optional[Sequence[HandoffSpec]] = None,
                  on_calls: int = 1, multiplier: int = 1, coverages: Sequence[CoverageSpec] = (),
                  notice_minutes: int = 0) -> T.Rotation:
    if isinstance(name, T.Rotation):
        rest = (time_zone, start, contacts, recurrence, handoffs)
        if any(x is not None for x in rest):
            raise TypeError("%s: give a Rotation or its fields, not both" % function)
        return name
    if isinstance(name, Mapping):
        return T.Rotation(**name)
    missing = [n for n, v in (("time_zone", time_zone), ("start", start),
                              ("contacts", contacts), ("recurrence", recurrence),
                              ("handoffs", handoffs)) if v is None]
    if missing:
        raise TypeError("%s: missing %s" % (function, ", ".join(missing)))
    return T.Rotation(name=name, time_zone=time_zone, start=start, contacts=contacts,
                      recurrence=recurrence, handoffs=handoffs, on_calls=on_calls,
                      multiplier=multiplier, coverages=list(coverages),
                      notice_minutes=notice_minutes)


def _rotation_struct(rot: T.Rotation, function: str = "siren_rotation_create"):
    """The siren_rotation for rot; the arrays it points to are kept alive by
    the struct (ctypes keeps what is assigned to a member)."""
    s = _new(_ffi.Rotation)
    s.name, s.time_zone = _b(rot.name), _b(rot.time_zone)
    s.start_time = _ms(rot.start, function)
    _set_strs(s, "contact_count", "contacts", _strs_arg(rot.contacts, "contacts", function))
    recur = _named(T.Recurrence, rot.recurrence, "recurrence", function)
    s.recurrence, s.multiplier, s.on_calls = recur, rot.multiplier, rot.on_calls
    s.notice_minutes = rot.notice_minutes
    hs = []
    for i, h in enumerate(rot.handoffs):
        what = "handoffs[%d]" % i
        if isinstance(h, T.Handoff):
            day, at = h.day, h.time
        elif isinstance(h, (str, int)):
            day, at = 0, h
        else:
            day, at = h
        if recur == T.Recurrence.WEEKLY:
            day = _weekday(day, what, function)
        elif recur == T.Recurrence.MONTHLY:
            if isinstance(day, bool) or not isinstance(day, int):
                raise _invalid(function, "%s: a MONTHLY day is 1-31, not %r" % (what, day))
        else:
            day = 0
        hs.append((int(day), _minute(at, what, function)))
    if hs:
        s.handoff_count = len(hs)
        s.handoffs = _array(_ffi.Handoff, len(hs), lambda x, i: (
            setattr(x, "day", hs[i][0]), setattr(x, "minute", hs[i][1])))
    cs = []
    for i, c in enumerate(rot.coverages):
        what = "coverages[%d]" % i
        day, a, b = (c.day, c.start, c.end) if isinstance(c, T.Coverage) else c
        cs.append((_weekday(day, what, function), _minute(a, what, function),
                   _minute(b, what, function)))
    if cs:
        s.coverage_count = len(cs)
        s.coverages = _array(_ffi.Coverage, len(cs), lambda x, i: (
            setattr(x, "day", cs[i][0]), setattr(x, "start_minute", cs[i][1]),
            setattr(x, "end_minute", cs[i][2])))
    return s


def _fill_override(o, ov: T.Override, function: str) -> None:
    o.mode = _override_mode(ov.mode, function)
    o.start, o.end = _ms(ov.start, function), _ms(ov.end, function)
    _set_strs(o, "contact_count", "contacts", _strs_arg(ov.contacts, "contacts", function))


# ---------------------------------------------------------------- handles

class _Handle:
    __slots__ = ("engine",)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine


class Contact(_Handle):
    """A contact (PERSONAL, ESCALATION or ONCALL_SCHEDULE), by alias."""
    __slots__ = ("alias",)

    def __init__(self, engine: Engine, alias: str) -> None:
        super().__init__(engine)
        self.alias = alias

    def __repr__(self) -> str:
        return "Contact(%r)" % self.alias

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Contact) and other.engine is self.engine and \
            other.alias == self.alias

    def __hash__(self) -> int:
        return hash(("contact", self.alias))

    def info(self) -> T.ContactInfo:
        e = self.engine
        s = _new(_ffi.ContactInfo)
        e._call("siren_contact_get", byref(s), e._e, _b(self.alias))
        return T.ContactInfo(alias=_s(s.alias), display_name=_s(s.display_name),
                             type=T._enum(T.ContactType, s.type), stage_count=s.stage_count,
                             channel_count=s.channel_count, repeat_count=s.repeat_count,
                             rotation_count=s.rotation_count, schedule_flags=s.schedule_flags)

    def delete(self) -> None:
        self.engine._call("siren_contact_delete", self.engine._e, _b(self.alias))

    def add_channel(self, name: str, type: str, address: str,
                    activated: bool = False) -> "Channel":
        """Adds a channel (EMAIL, SMS, VOICE or host-defined). Unless
        activated, an activation code goes out through notify."""
        e = self.engine
        e._call("siren_channel_create", e._e, _b(self.alias), _b(name), _b(type), _b(address),
                1 if activated else 0, partial=lambda: Channel(e, self.alias, name))
        return Channel(e, self.alias, name)

    def channel(self, name: str) -> "Channel":
        c = Channel(self.engine, self.alias, name)
        c.info()
        return c

    def channels(self) -> Iterator["Channel"]:
        e = self.engine
        names = []
        i = 0
        while True:
            n = lib.siren_channel_name_at(e._e, _b(self.alias), i)
            if n is None:
                break
            names.append(_s(n))
            i += 1
        for n in names:
            yield Channel(e, self.alias, n)

    def set_plan(self, plan: Union[T.Plan, Sequence[Union[T.Stage, Mapping]], Mapping]) -> None:
        """Replaces the contact's plan. plan is a Plan, a list of stages, or a
        dict {"stages": [...], "repeat_count": n}; a stage is a Stage or a dict
        {"duration_minutes", "targets", "all_essential"}; a target is a
        ChannelTarget, a ContactTarget or a dict with "channel" (and
        "retry_interval_minutes") or "contact" (and "essential")."""
        if isinstance(plan, Mapping):
            plan = T.Plan(stages=list(plan.get("stages", [])),
                          repeat_count=plan.get("repeat_count", 0))
        elif not isinstance(plan, T.Plan):
            plan = T.Plan(stages=list(plan))
        stages = [st if isinstance(st, T.Stage) else T.Stage(**st) for st in plan.stages]
        p = _new(_ffi.Plan)
        p.repeat_count = plan.repeat_count
        def fill_stage(s, i):
            st = stages[i]
            s.duration_minutes = st.duration_minutes
            s.flags = 1 if st.all_essential else 0
            targets = [_target(t) for t in st.targets]
            s.target_count = len(targets)
            if targets:
                s.targets = _array(_ffi.Target, len(targets),
                                   lambda t, j: _fill_target(t, targets[j]))
        arr = _array(_ffi.Stage, len(stages), fill_stage)
        p.stage_count = len(stages)
        if stages:
            p.stages = arr
        e = self.engine
        e._call("siren_contact_set_plan", e._e, _b(self.alias), byref(p))

    def plan(self) -> T.Plan:
        """Reads the contact's plan back."""
        e = self.engine
        info = self.info()
        stages = []
        for i in range(info.stage_count):
            s = _new(_ffi.Stage)
            e._call("siren_contact_plan_stage", byref(s), e._e, _b(self.alias), i)
            targets: List[T.TargetSpec] = []
            for j in range(s.target_count):
                t = _new(_ffi.Target)
                e._call("siren_contact_plan_target", byref(t), e._e, _b(self.alias), i, j)
                if t.channel:
                    targets.append(T.ChannelTarget(_s(t.channel), t.retry_interval_minutes))
                else:
                    targets.append(T.ContactTarget(_s(t.contact), bool(t.essential)))
            stages.append(T.Stage(s.duration_minutes, targets, bool(s.flags & 1)))
        return T.Plan(stages, info.repeat_count)

    def pages(self) -> Iterator["Page"]:
        for i in self.engine._ids("siren_contact_pages", _b(self.alias)):
            yield Page(self.engine, i)

    def engage(self, sender: str, subject: str, content: str, **kw: Any) -> "Engagement":
        return self.engine.engage(self.alias, sender, subject, content, **kw)


def _target(t: T.TargetSpec) -> Union[T.ChannelTarget, T.ContactTarget]:
    if isinstance(t, (T.ChannelTarget, T.ContactTarget)):
        return t
    if "channel" in t:
        return T.ChannelTarget(t["channel"], t.get("retry_interval_minutes", 0))
    return T.ContactTarget(t["contact"], bool(t.get("essential", False)))


def _fill_target(s, t) -> None:
    if isinstance(t, T.ChannelTarget):
        s.channel, s.retry_interval_minutes = _b(t.channel), t.retry_interval_minutes
    else:
        s.contact, s.essential = _b(t.contact), int(t.essential)


class Channel(_Handle):
    """A contact channel, by contact alias and name."""
    __slots__ = ("contact", "name")

    def __init__(self, engine: Engine, contact: str, name: str) -> None:
        super().__init__(engine)
        self.contact, self.name = contact, name

    def __repr__(self) -> str:
        return "Channel(%r, %r)" % (self.contact, self.name)

    def info(self) -> T.ChannelInfo:
        e = self.engine
        s = _new(_ffi.ChannelInfo)
        e._call("siren_channel_get", byref(s), e._e, _b(self.contact), _b(self.name))
        return T.ChannelInfo(contact=_s(s.contact), name=_s(s.name), type=_s(s.type),
                             address=_s(s.address),
                             activation=T._enum(T.Activation, s.activation),
                             attempts_left=s.attempts_left, code_expires=s.code_expires)

    def _do(self, fn: str, *extra: Any) -> None:
        e = self.engine
        e._call(fn, e._e, _b(self.contact), _b(self.name), *extra)

    def activate(self, code: str) -> None:
        self._do("siren_channel_activate", _b(code))

    def deactivate(self) -> None:
        self._do("siren_channel_deactivate")

    def send_activation_code(self) -> None:
        self._do("siren_channel_send_activation_code")

    def delete(self) -> None:
        self._do("siren_channel_delete")


class Engagement(_Handle):
    """An engagement, by id."""
    __slots__ = ("id",)

    def __init__(self, engine: Engine, id: int) -> None:
        super().__init__(engine)
        self.id = int(id)

    def __repr__(self) -> str:
        return "Engagement(%d)" % self.id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Engagement) and other.id == self.id and \
            other.engine is self.engine

    def __hash__(self) -> int:
        return hash(("engagement", self.id))

    def info(self) -> T.EngagementInfo:
        e = self.engine
        s = _new(_ffi.EngagementInfo)
        e._call("siren_engagement_get", byref(s), e._e, self.id)
        return T.EngagementInfo(
            id=int(s.id), contact=_s(s.contact), sender=_s(s.sender), subject=_s(s.subject),
            content=_s(s.content), public_subject=_s(s.public_subject),
            public_content=_s(s.public_content), incident_id=_s(s.incident_id),
            state=T._enum(T.EngagementState, s.state), acknowledged=bool(s.acknowledged),
            start_time=s.start_time, stop_time=s.stop_time, stop_reason=_s(s.stop_reason),
            page_count=s.page_count)

    def stop(self, reason: Optional[str] = None) -> None:
        self.engine._call("siren_engagement_stop", self.engine._e, self.id, _b(reason))

    def pages(self) -> Iterator["Page"]:
        for i in self.engine._ids("siren_engagement_pages", self.id):
            yield Page(self.engine, i)


class Page(_Handle):
    """A page, by id."""
    __slots__ = ("id",)

    def __init__(self, engine: Engine, id: int) -> None:
        super().__init__(engine)
        self.id = int(id)

    def __repr__(self) -> str:
        return "Page(%d)" % self.id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Page) and other.id == self.id and other.engine is self.engine

    def __hash__(self) -> int:
        return hash(("page", self.id))

    def info(self) -> T.PageInfo:
        e = self.engine
        s = _new(_ffi.PageInfo)
        e._call("siren_page_get", byref(s), e._e, self.id)
        return T.PageInfo(
            id=int(s.id), engagement=int(s.engagement), retry_of=int(s.retry_of),
            contact=_s(s.contact), channel=_s(s.channel), channel_type=_s(s.channel_type),
            engaged_by=_s(s.engaged_by), escalation_stage=s.escalation_stage, stage=s.stage,
            essential=bool(s.essential), sent_time=s.sent_time,
            delivered_time=s.delivered_time, read_time=s.read_time,
            accepted_time=s.accepted_time, accept_note=_s(s.accept_note),
            receipt_count=s.receipt_count)

    def accept(self, code: Optional[str], *, type: T.AcceptType = T.AcceptType.READ,
               validation: T.AcceptValidation = T.AcceptValidation.ENFORCE,
               note: Optional[str] = None) -> None:
        """Accepts (acknowledges) the page (siren_page_accept)."""
        e = self.engine
        e._call("siren_page_accept", e._e, self.id, int(type), _b(code), int(validation),
                _b(note))

    def resolution(self) -> T.Resolution:
        """How this page was reached: Engine.page_resolution(self)."""
        return self.engine.page_resolution(self.id)

    def receipt(self, type: T.ReceiptType, info: Optional[str] = None) -> None:
        """Records a delivery outcome at the host clock's now."""
        e = self.engine
        e._call("siren_page_receipt", e._e, self.id, int(type), _b(info))

    def receipts(self) -> Iterator[T.Receipt]:
        e = self.engine
        n = self.info().receipt_count
        out = []
        for i in range(n):
            r = _new(_ffi.ReceiptInfo)
            e._call("siren_page_receipt_at", byref(r), e._e, self.id, i)
            out.append(T.Receipt(T._enum(T.ReceiptType, r.type), r.time, _s(r.info)))
        yield from out


def _timeline_event(s) -> T.TimelineEvent:
    return T.TimelineEvent(id=int(s.id), incident=int(s.incident), event_type=_s(s.event_type),
                           event_time=s.event_time, updated_time=s.updated_time,
                           event_data=_s(s.event_data),
                           references=_read_strs(s.references, s.reference_count),
                           automatic=bool(s.automatic))


def _related_item(r) -> T.RelatedItem:
    return T.RelatedItem(T._enum(T.RelatedItemType, r.type), _s(r.value), _s(r.title))


_UPDATE_TITLE, _UPDATE_SUMMARY, _UPDATE_IMPACT, _UPDATE_STATUS = 0x01, 0x02, 0x04, 0x08
_UPDATE_CHAT, _UPDATE_TARGETS = 0x10, 0x20
_UNSET: Any = object()


class Incident(_Handle):
    """An incident, by id. ``deduplicated`` is set by Engine.start_incident."""
    __slots__ = ("id", "deduplicated")

    def __init__(self, engine: Engine, id: int, deduplicated: bool = False) -> None:
        super().__init__(engine)
        self.id = int(id)
        self.deduplicated = deduplicated

    def __repr__(self) -> str:
        return "Incident(%d)" % self.id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Incident) and other.id == self.id and \
            other.engine is self.engine

    def __hash__(self) -> int:
        return hash(("incident", self.id))

    def info(self) -> T.IncidentInfo:
        e = self.engine
        s = _new(_ffi.IncidentInfo)
        e._call("siren_incident_get", byref(s), e._e, self.id)
        return T.IncidentInfo(
            id=int(s.id), arn=_s(s.arn), response_plan=_s(s.response_plan), title=_s(s.title),
            summary=_s(s.summary), impact=s.impact,
            status=T._enum(T.IncidentStatus, s.status), creation_time=s.creation_time,
            last_modified_time=s.last_modified_time, resolved_time=s.resolved_time,
            trigger_source=_s(s.trigger_source), trigger_arn=_s(s.trigger_arn),
            trigger_time=s.trigger_time, trigger_raw_data=_s(s.trigger_raw_data),
            dedupe_string=_s(s.dedupe_string), trigger_count=s.trigger_count,
            last_trigger_time=s.last_trigger_time,
            chat_channels=_read_strs(s.chat_channels, s.chat_channel_count),
            notification_targets=_read_strs(s.notification_targets,
                                            s.notification_target_count),
            incident_tags=_read_tags(s.incident_tags, s.incident_tag_count),
            engagement_count=s.engagement_count, related_item_count=s.related_item_count,
            timeline_event_count=s.timeline_event_count, acknowledged=bool(s.acknowledged),
            maintenance=bool(s.maintenance), runbook=_s(s.runbook), analysis=int(s.analysis))

    def update(self, *, title: Any = _UNSET, summary: Any = _UNSET, impact: Any = _UNSET,
               status: Any = _UNSET, chat_channels: Any = _UNSET,
               notification_targets: Any = _UNSET) -> None:
        """Updates the fields given (AWS UpdateIncidentRecord)."""
        u = _new(_ffi.IncidentChanges)
        if title is not _UNSET:
            u.fields |= _UPDATE_TITLE
            u.title = _b(title)
        if summary is not _UNSET:
            u.fields |= _UPDATE_SUMMARY
            u.summary = _b(summary)
        if impact is not _UNSET:
            u.fields |= _UPDATE_IMPACT
            u.impact = int(impact)
        if status is not _UNSET:
            u.fields |= _UPDATE_STATUS
            u.status = int(status)
        if chat_channels is not _UNSET:
            u.fields |= _UPDATE_CHAT
            _set_strs(u, "chat_channel_count", "chat_channels", chat_channels)
        if notification_targets is not _UNSET:
            u.fields |= _UPDATE_TARGETS
            _set_strs(u, "notification_target_count", "notification_targets",
                      notification_targets)
        e = self.engine
        e._call("siren_incident_update", e._e, self.id, byref(u))

    def resolve(self) -> None:
        self.update(status=T.IncidentStatus.RESOLVED)

    def reopen(self) -> None:
        self.update(status=T.IncidentStatus.OPEN)

    def add_related_item(self, type: T.RelatedItemType, value: str,
                         title: Optional[str] = None) -> None:
        r = _new(_ffi.RelatedItem)
        _fill_item(r, T.RelatedItem(type, value, title))
        e = self.engine
        e._call("siren_incident_add_related_item", e._e, self.id, byref(r))

    def remove_related_item(self, value: str) -> None:
        e = self.engine
        e._call("siren_incident_remove_related_item", e._e, self.id, _b(value))

    def related_items(self) -> Iterator[T.RelatedItem]:
        e = self.engine
        out = []
        for i in range(self.info().related_item_count):
            r = _new(_ffi.RelatedItem)
            e._call("siren_incident_related_item_at", byref(r), e._e, self.id, i)
            out.append(_related_item(r))
        yield from out

    def engagements(self) -> Iterator[Engagement]:
        for i in self.engine._ids("siren_incident_engagements", self.id):
            yield Engagement(self.engine, i)

    def timeline(self, *, after: int = 0, before: int = 0, event_types: Iterable[str] = (),
                 references: Iterable[str] = (), descending: bool = False,
                 skip: int = 0) -> Iterator[T.TimelineEvent]:
        """Timeline events sorted by time, filtered (siren_timeline_events)."""
        f = _new(_ffi.TimelineFilter)
        f.after, f.before, f.descending, f.skip = after, before, int(descending), skip
        _set_strs(f, "event_type_count", "event_types", list(event_types))
        _set_strs(f, "reference_count", "references", list(references))
        ids = self.engine._ids("siren_timeline_events", self.id, byref(f))
        events = [self.timeline_event(i) for i in ids]
        yield from events

    def timeline_event(self, event: int) -> T.TimelineEvent:
        e = self.engine
        s = _new(_ffi.TimelineEvent)
        e._call("siren_timeline_event_get", byref(s), e._e, self.id, event)
        return _timeline_event(s)

    def _event_struct(self, event_type, event_data, event_time, references):
        s = _new(_ffi.TimelineEvent)
        s.event_type, s.event_data, s.event_time = _b(event_type), _b(event_data), event_time
        _set_strs(s, "reference_count", "references", list(references))
        return s

    def add_timeline_event(self, event_data: str, *, event_type: str = "Custom Event",
                           event_time: int = 0, references: Iterable[str] = ()) -> int:
        """Adds a custom event ("Custom Event" or "Note"); returns its id."""
        e = self.engine
        s = self._event_struct(event_type, event_data, event_time, references)
        out = _ffi.c_id()
        e._call("siren_timeline_event_create", byref(out), e._e, self.id, byref(s))
        return int(out.value)

    def update_timeline_event(self, event: int, event_data: str, *,
                              event_type: str = "Custom Event", event_time: int = 0,
                              references: Iterable[str] = ()) -> None:
        e = self.engine
        s = self._event_struct(event_type, event_data, event_time, references)
        e._call("siren_timeline_event_update", e._e, self.id, event, byref(s))

    def delete_timeline_event(self, event: int) -> None:
        e = self.engine
        e._call("siren_timeline_event_delete", e._e, self.id, event)

    def create_analysis(self, questions: Optional[Sequence[T.Question]] = None) -> "Analysis":
        """Creates the post-incident analysis of this RESOLVED incident
        (questions None: siren's default template)."""
        e = self.engine
        qs = list(questions) if questions is not None else None
        arr = None
        if qs:
            arr = _array(_ffi.Question, len(qs), lambda q, i: (
                setattr(q, "section", _b(qs[i].section)), setattr(q, "text", _b(qs[i].text))))
        out = _ffi.c_id()
        e._call("siren_analysis_create", byref(out), e._e, self.id, arr, len(qs or ()))
        return Analysis(e, int(out.value))


class Analysis(_Handle):
    """A post-incident analysis, by id."""
    __slots__ = ("id",)

    def __init__(self, engine: Engine, id: int) -> None:
        super().__init__(engine)
        self.id = int(id)

    def __repr__(self) -> str:
        return "Analysis(%d)" % self.id

    def info(self) -> T.AnalysisInfo:
        e = self.engine
        s = _new(_ffi.AnalysisInfo)
        e._call("siren_analysis_get", byref(s), e._e, self.id)
        return T.AnalysisInfo(
            id=int(s.id), incident=int(s.incident), creation_time=s.creation_time,
            question_count=s.question_count, answered_count=s.answered_count,
            timeline_event_count=s.timeline_event_count,
            related_item_count=s.related_item_count, action_item_count=s.action_item_count,
            open_action_item_count=s.open_action_item_count)

    def answer(self, i: int, answer: str) -> None:
        e = self.engine
        e._call("siren_analysis_answer", e._e, self.id, i, _b(answer))

    def questions(self) -> List[T.Question]:
        e = self.engine
        out = []
        for i in range(self.info().question_count):
            q = _new(_ffi.Question)
            e._call("siren_analysis_question_at", byref(q), e._e, self.id, i)
            out.append(T.Question(_s(q.section), _s(q.text), _s(q.answer)))
        return out

    def timeline(self) -> List[T.TimelineEvent]:
        e = self.engine
        out = []
        for i in range(self.info().timeline_event_count):
            s = _new(_ffi.TimelineEvent)
            e._call("siren_analysis_timeline_at", byref(s), e._e, self.id, i)
            out.append(_timeline_event(s))
        return out

    def related_items(self) -> List[T.RelatedItem]:
        e = self.engine
        out = []
        for i in range(self.info().related_item_count):
            r = _new(_ffi.RelatedItem)
            e._call("siren_analysis_related_item_at", byref(r), e._e, self.id, i)
            out.append(_related_item(r))
        return out

    def add_action_item(self, title: str, owner: Optional[str] = None,
                        due_time: int = 0) -> int:
        e = self.engine
        a = _new(_ffi.ActionItem)
        a.title, a.owner, a.due_time = _b(title), _b(owner), due_time
        idx = c_uint32()
        e._call("siren_analysis_add_action_item", byref(idx), e._e, self.id, byref(a))
        return int(idx.value)

    def set_action_item_status(self, index: int, status: T.ActionStatus) -> None:
        e = self.engine
        e._call("siren_analysis_set_action_item_status", e._e, self.id, index, int(status))

    def action_items(self) -> List[T.ActionItem]:
        e = self.engine
        out = []
        for i in range(self.info().action_item_count):
            a = _new(_ffi.ActionItem)
            e._call("siren_analysis_action_item_at", byref(a), e._e, self.id, i)
            out.append(T.ActionItem(_s(a.title), _s(a.owner), a.due_time,
                                    T._enum(T.ActionStatus, a.status)))
        return out


class Runbook(_Handle):
    """A loaded runbook (SSM Automation document), by name."""
    __slots__ = ("name",)

    def __init__(self, engine: Engine, name: str) -> None:
        super().__init__(engine)
        self.name = name

    def __repr__(self) -> str:
        return "Runbook(%r)" % self.name

    def info(self) -> T.RunbookInfo:
        e = self.engine
        s = _new(_ffi.RunbookInfo)
        e._call("siren_runbook_get", byref(s), e._e, _b(self.name))
        return T.RunbookInfo(name=_s(s.name), description=_s(s.description),
                             assume_role=_s(s.assume_role), parameter_count=s.parameter_count,
                             step_count=s.step_count, output_count=s.output_count)

    def delete(self) -> None:
        self.engine._call("siren_runbook_delete", self.engine._e, _b(self.name))

    def start(self, params=None, **kw: Any) -> "Execution":
        return self.engine.start_execution(self.name, params, **kw)


class Execution(_Handle):
    """A runbook execution, by id."""
    __slots__ = ("id",)

    def __init__(self, engine: Engine, id: int) -> None:
        super().__init__(engine)
        self.id = int(id)

    def __repr__(self) -> str:
        return "Execution(%d)" % self.id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Execution) and other.id == self.id and \
            other.engine is self.engine

    def __hash__(self) -> int:
        return hash(("execution", self.id))

    def info(self) -> T.ExecutionInfo:
        e = self.engine
        s = _new(_ffi.ExecutionInfo)
        e._call("siren_execution_get", byref(s), e._e, self.id)
        return T.ExecutionInfo(
            id=int(s.id), runbook=_s(s.runbook), status=T._enum(T.ExecStatus, s.status),
            mode=T._enum(T.ExecMode, s.mode), incident=int(s.incident),
            start_time=s.start_time, end_time=s.end_time, current_step=_s(s.current_step),
            failure_message=_s(s.failure_message), parameters=_s(s.parameters),
            outputs=_s(s.outputs), step_count=s.step_count)

    def steps(self) -> Iterator[T.StepInfo]:
        e = self.engine
        out = []
        for i in range(self.info().step_count):
            s = _new(_ffi.StepInfo)
            e._call("siren_execution_step_at", byref(s), e._e, self.id, i)
            out.append(T.StepInfo(
                name=_s(s.name), action=_s(s.action), status=T._enum(T.ExecStatus, s.status),
                attempts=s.attempts, start_time=s.start_time, end_time=s.end_time,
                inputs=_s(s.inputs), outputs=_s(s.outputs),
                failure_message=_s(s.failure_message), iteration=s.iteration))
        yield from out

    def signal(self, signal: T.Signal, step: Optional[str] = None, *,
               approver: Optional[str] = None, comment: Optional[str] = None) -> None:
        """Sends a signal (AWS SendAutomationSignal)."""
        e = self.engine
        e._call("siren_execution_signal", e._e, self.id, int(signal), _b(step), _b(approver),
                _b(comment))

    def stop(self, type: T.StopType = T.StopType.CANCEL) -> None:
        e = self.engine
        e._call("siren_execution_stop", e._e, self.id, int(type))

    def action_result(self, step: str, attempt: int, outputs: Optional[str] = None,
                      failure: Optional[str] = None) -> None:
        """Reports a host action's outcome: failure None means success with
        outputs (a JSON object text, or a dict that is JSON-encoded)."""
        if isinstance(outputs, Mapping):
            import json
            outputs = json.dumps(outputs)
        e = self.engine
        e._call("siren_action_result", e._e, self.id, _b(step), attempt, _b(outputs),
                _b(failure))
