"""Ready-made hosts for siren.Engine.

- :class:`SimHost`: a manual clock that starts at a fixed instant and only
  moves when told to, an in-memory record store, and lists of everything
  notified and every event: for tests and simulations (no sleeping).
- :class:`RealTimeHost`: the wall clock, os.urandom, records in an SQLite
  database (stdlib sqlite3; one table ``records(seq INTEGER PRIMARY KEY,
  body BLOB)``) and notifications handed to a function of yours.

Either is given to ``Engine(host)`` / ``Engine.open(host)``. Both leave
time zones to :func:`load_system_zone`, which an Engine uses when its host
has no ``load_zone`` of its own.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from typing import Callable, Iterator, List, Optional

from .types import NO_DEADLINE, Event, LogLevel, Notification, PageNotification

_log = logging.getLogger("siren")
_LEVELS = {LogLevel.ERROR: logging.ERROR, LogLevel.WARN: logging.WARNING,
           LogLevel.INFO: logging.INFO, LogLevel.DEBUG: logging.DEBUG}

T0 = 1767603600000
"""2026-01-05T09:00:00Z, where SimHost starts by default (as siren's own tests)."""

MINUTE = 60_000

ZONEINFO = "/usr/share/zoneinfo"
"""Where load_system_zone looks when $TZDIR is not set."""

_MAX_ZONE_BYTES = 256 * 1024  # siren refuses larger TZif input


def load_system_zone(name: str) -> Optional[bytes]:
    """The TZif bytes of the IANA time zone ``name`` ("America/New_York")
    from the system's zoneinfo directory ($TZDIR, else /usr/share/zoneinfo),
    or None when it has no such zone. A name with ".." in it, an absolute
    name or one with a NUL or a backslash is never looked up (None). Other
    I/O errors are raised (siren then sees a failed load_zone callback).
    This is the default ``load_zone`` of every Engine."""
    if (not name or name.startswith("/") or ".." in name or "\\" in name
            or "\0" in name):
        return None
    root = os.environ.get("TZDIR") or ZONEINFO
    try:
        with open(os.path.join(root, name), "rb") as f:
            data = f.read(_MAX_ZONE_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    if not data.startswith(b"TZif") or len(data) > _MAX_ZONE_BYTES:
        return None  # zone1970.tab, a directory index...: not a zone
    return data


class SimHost:
    """A host on a simulated clock. ``now`` (ms) moves only through
    :meth:`run_until` / :meth:`run_for` / by assignment. ``notifications``
    and ``events`` collect what siren sent; ``records`` is the record stream
    when ``storage`` is true (then Engine.open(host) reads it back).
    ``on_notify`` (optional) is called with each notification after it is
    collected; exceptions it raises reach siren as a failed notify."""

    def __init__(self, start: int = T0, *, storage: bool = True,
                 on_notify: Optional[Callable[[Notification], None]] = None,
                 random: Optional[Callable[[int], bytes]] = None) -> None:
        self.now = start
        self.start = start
        self.notifications: List[Notification] = []
        self.events: List[Event] = []
        self.records: List[bytes] = []
        self.on_notify = on_notify
        if storage:
            self.storage_append = self._append
            self.storage_records = self._records
        if random is not None:
            self.random = random

    # host callbacks
    def clock(self) -> int:
        return self.now

    def notify(self, n: Notification) -> None:
        if self.on_notify is not None:
            self.on_notify(n)
        self.notifications.append(n)

    def event(self, ev: Event) -> None:
        self.events.append(ev)

    def log(self, level: LogLevel, message: str) -> None:
        _log.log(_LEVELS.get(level, logging.DEBUG), "%s", message)

    def _append(self, record: bytes) -> None:
        self.records.append(record)

    def _records(self) -> Iterator[bytes]:
        return iter(list(self.records))

    # driving the clock
    def minute(self, m: float) -> int:
        """The instant m minutes after start."""
        return self.start + int(m * MINUTE)

    def run_until(self, engine, t: int) -> int:
        """Fires, in order, everything due up to t (moving now to each
        deadline in turn), then sets now to t. Returns the firings."""
        fired = 0
        while True:
            d = engine.next_deadline()
            if d == NO_DEADLINE or d > t:
                break
            self.now = max(self.now, d)
            fired += engine.advance()
        self.now = max(self.now, t)
        return fired

    def run_for(self, engine, minutes: float) -> int:
        return self.run_until(engine, self.now + int(minutes * MINUTE))

    def pages(self) -> List[PageNotification]:
        return [n for n in self.notifications if isinstance(n, PageNotification)]


class RealTimeHost:
    """A production-shaped host: wall clock, os.urandom, SQLite records and a
    notify function of yours (``notify(n)``; raise to report a failed
    delivery). ``path`` is the SQLite database file (":memory:" for none).
    Every append is committed before siren goes on (durable per record).
    """

    def __init__(self, path: str, notify: Callable[[Notification], None], *,
                 event: Optional[Callable[[Event], None]] = None) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS records "
                         "(seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        self._notify = notify
        if event is not None:
            self.event = event

    def clock(self) -> int:
        return time.time_ns() // 1_000_000

    def random(self, n: int) -> bytes:
        return os.urandom(n)

    def notify(self, n: Notification) -> None:
        self._notify(n)

    def log(self, level: LogLevel, message: str) -> None:
        _log.log(_LEVELS.get(level, logging.DEBUG), "%s", message)

    def storage_append(self, record: bytes) -> None:
        self._db.execute("INSERT INTO records (body) VALUES (?)", (sqlite3.Binary(record),))

    def storage_records(self) -> Iterator[bytes]:
        rows = self._db.execute("SELECT body FROM records ORDER BY seq").fetchall()
        return (bytes(r[0]) for r in rows)

    def record_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def cut(self, keep: int) -> None:
        """Keeps the first `keep` records and deletes the rest: after an
        Engine.open() whose report says stopped, call cut(report.records)."""
        rows = self._db.execute("SELECT seq FROM records ORDER BY seq LIMIT 1 OFFSET ?",
                                (keep,)).fetchone()
        if rows is not None:
            self._db.execute("DELETE FROM records WHERE seq >= ?", (rows[0],))

    def close(self) -> None:
        self._db.close()

    def run(self, engine, stop: threading.Event, poll_ms: int = 1000) -> None:
        """Advances the engine at each deadline until stop is set. Commands
        from other threads must hold a lock of their own around the engine;
        this loop wakes at least every poll_ms to see new deadlines."""
        while not stop.is_set():
            d = engine.next_deadline()
            wait = poll_ms if d == NO_DEADLINE else max(0, min(poll_ms, d - self.clock()))
            if wait and stop.wait(wait / 1000.0):
                break
            if engine.next_deadline() <= self.clock():
                engine.advance()
