"""Library version check at load, and struct version handling."""
import ctypes
import unittest
from unittest import mock

import siren
from siren import _ffi
from siren.engine import _event, _new, _notification, lib


class FakeLib:
    def __init__(self, number):
        self.siren_version_number = lambda: number


class LibraryVersionTest(unittest.TestCase):
    def test_loaded_library_matches(self):
        self.assertEqual(siren.version_number(), _ffi.WRITTEN_FOR)
        self.assertEqual(siren.version(), "%d.%d.%d" % (_ffi.WRITTEN_FOR // 10000, _ffi.WRITTEN_FOR // 100 % 100, _ffi.WRITTEN_FOR % 100))

    def test_build_features(self):
        # meson runs these tests against full builds only.
        self.assertEqual(siren.build_features(),
                         siren.FEATURE_CONFIG_IMPORT | siren.FEATURE_RUNBOOKS)
        self.assertIs(siren.errors.error_class(-12), siren.UnsupportedError)

    def test_check_version(self):
        w = _ffi.WRITTEN_FOR
        _ffi.check_version(w)
        _ffi.check_version(w + 5)  # a newer patch serves
        for bad in (w - 1, w + 100, w + 10000, 0):
            with self.assertRaises(siren.LibraryVersionError):
                _ffi.check_version(bad)

    def test_load_refuses_other_version(self):
        with mock.patch.object(_ffi.ctypes, "CDLL", lambda path: FakeLib(_ffi.WRITTEN_FOR + 100)):
            with self.assertRaises(siren.LibraryVersionError) as cm:
                _ffi.load_library("libsiren.so.0")
        self.assertIn("0.%d.0" % (_ffi.WRITTEN_FOR // 100 % 100 + 1), str(cm.exception))
        self.assertIsInstance(cm.exception, ImportError)

    def test_load_refuses_when_binding_is_newer(self):
        with mock.patch.object(_ffi, "WRITTEN_FOR", _ffi.WRITTEN_FOR + 1):
            with self.assertRaises(siren.LibraryVersionError):
                _ffi.load_library()

    def test_stale_library_missing_functions(self):
        class Stale:
            _name = "stale"

            def __init__(self, path):
                self.siren_version_number = lambda: _ffi.WRITTEN_FOR

            def __getattr__(self, name):
                raise AttributeError(name)
        with mock.patch.object(_ffi.ctypes, "CDLL", Stale):
            with self.assertRaises(siren.LibraryVersionError) as cm:
                _ffi.load_library("stale")
        self.assertIn("lacks", str(cm.exception))

    def test_missing_library(self):
        with self.assertRaises(ImportError):
            _ffi.load_library("/nonexistent/libsiren.so.0")


class StructVersionTest(unittest.TestCase):
    def test_init_functions_refuse_unknown_versions(self):
        for cls, (name, version, init) in _ffi.STRUCTS.items():
            if init is None:
                continue
            s = cls()
            fn = getattr(lib, init)
            self.assertEqual(fn(ctypes.byref(s), version), 0, name)
            self.assertEqual(s.version, version, name)
            self.assertEqual(fn(ctypes.byref(s), 0), siren.VersionError.code, name)
            self.assertEqual(fn(ctypes.byref(s), version + 1), siren.VersionError.code, name)

    def test_new_raises_version_error(self):
        with mock.patch.dict(_ffi.STRUCTS, {_ffi.Tag: ("siren_tag", 9, "siren_tag_init")}):
            with self.assertRaises(siren.VersionError) as cm:
                _new(_ffi.Tag)
        self.assertEqual(cm.exception.code, -11)

    def test_version_1_notification_ignores_v2_members(self):
        n = _ffi.Notification(version=1, kind=1, time=5, page=7, engagement=3,
                              contact=b"c", channel=b"ch", code=b"123456")
        n.incident = 99  # garbage a version 1 struct would not have
        p = _notification(n)
        self.assertIsInstance(p, siren.PageNotification)
        self.assertEqual((p.version, p.page, p.code, p.incident), (1, 7, "123456", 0))
        n.version = 2
        self.assertEqual(_notification(n).incident, 99)
        n.kind = 3  # CHAT needs version 2 members
        n.version = 1
        self.assertIsInstance(_notification(n), siren.UnknownNotification)
        n.kind = 42
        n.version = 2
        self.assertEqual(_notification(n).kind, 42)

    def test_version_1_event_ignores_v2_members(self):
        ev = _ffi.Event(version=1, type=3, time=1, title=b"t", impact=3)
        got = _event(ev)
        self.assertEqual((got.type, got.name, got.title, got.impact),
                         (siren.EventType.PAGE_SENT, "page.sent", "", 0))

    def test_version_2_notification_ignores_v3_members(self):
        n = _ffi.Notification(version=2, kind=6, time=5, contact=b"alice", rotation=b"primary",
                              shift_start=10, shift_end=20, message=b"started")
        self.assertIsInstance(_notification(n), siren.UnknownNotification)  # SHIFT needs v3
        n.version = 3
        got = _notification(n)
        self.assertIsInstance(got, siren.ShiftNotification)
        self.assertEqual((got.kind, got.contact, got.rotation, got.shift_start, got.shift_end,
                          got.message), (siren.NotifyKind.SHIFT, "alice", "primary", 10, 20,
                                         "started"))

    def test_version_2_event_ignores_v3_members(self):
        ev = _ffi.Event(version=2, type=32, time=1, rotation=b"r", schedule=b"s", until=9,
                        contact=b"bob")
        got = _event(ev)
        self.assertEqual((got.type, got.name, got.contact, got.rotation, got.schedule,
                          got.until), (siren.EventType.SCHEDULE_RESOLVED, "schedule.resolved",
                                       "bob", "", "", 0))
        ev.version = 3
        got = _event(ev)
        self.assertEqual((got.rotation, got.schedule, got.until, got.version), ("r", "s", 9, 3))

    def test_host_table_is_current(self):
        h = _new(_ffi.Host)
        self.assertEqual(h.version, 3)


if __name__ == "__main__":
    unittest.main()
