"""ctypes layouts against the C compiler's: tests/layout.c, built by meson
(SIREN_LAYOUT_HELPER), prints sizeof and offsetof of every mirrored struct."""
import ctypes
import os
import subprocess
import unittest

from siren import _ffi


class LayoutTest(unittest.TestCase):
    def test_layouts_match_c(self):
        helper = os.environ.get("SIREN_LAYOUT_HELPER")
        if not helper:
            self.skipTest("SIREN_LAYOUT_HELPER not set (meson test sets it)")
        # The helper is an ordinary executable: a sanitizer runtime preloaded
        # for python3 (meson does that for sanitized builds) must not reach it.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        out = subprocess.run([helper], check=True, capture_output=True, text=True,
                             env=env).stdout
        c = dict(line.rsplit(" ", 1) for line in out.splitlines())
        seen = 0
        for cls, (name, _v, _i) in _ffi.STRUCTS.items():
            self.assertEqual(ctypes.sizeof(cls), int(c[name]), "sizeof(%s)" % name)
            for field, _t in cls._fields_:
                key = "%s.%s" % (name, field)
                self.assertEqual(getattr(cls, field).offset, int(c[key]), key)
                seen += 1
            seen += 1
        self.assertEqual(seen, len(c))


if __name__ == "__main__":
    unittest.main()


class PrototypeTest(unittest.TestCase):
    def test_every_header_function_is_declared(self):
        import re
        from siren.engine import lib
        header = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include", "siren",
                              "siren.h")
        if not os.path.exists(header):
            self.skipTest("not in the source tree")
        with open(header) as f:
            text = f.read()
        names = set(re.findall(r"SIREN_EXTERN[^;]*?\b(siren_[a-z0-9_]+)\s*\(", text))
        self.assertGreater(len(names), 100)
        self.assertEqual(names - set(_ffi._PROTOTYPES), set(), "functions not declared")
        self.assertEqual(set(_ffi._PROTOTYPES) - names, set(), "declared but not in siren.h")
        for name in names:
            fn = getattr(lib, name)
            self.assertIsNotNone(fn.argtypes, name)
