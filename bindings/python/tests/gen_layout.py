"""Writes tests/layout.c from the structs siren/_ffi.py mirrors:
``python3 tests/gen_layout.py > tests/layout.c`` (from bindings/python).
Run it after adding a struct or a member to _ffi.STRUCTS; test_layout then
compares the result with ctypes."""
import importlib.util
import os
import sys

# siren/_ffi.py alone: importing the package would load libsiren.
_spec = importlib.util.spec_from_file_location(
    "siren_ffi", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "siren",
                              "_ffi.py"))
_ffi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ffi)

HEAD = """/* Prints sizeof and offsetof of every public struct the Python binding
 * mirrors, one "name size" or "name.member offset" line each; the test
 * test_layout.py compares them with ctypes. Generated from siren/_ffi.py by
 * tests/gen_layout.py; a member missing from siren.h fails to compile. */
#include <stddef.h>
#include <stdio.h>
#include <siren/siren.h>

#define S(t) printf(#t " %zu\\n", sizeof(t))
#define M(t, m) printf(#t "." #m " %zu\\n", offsetof(t, m))

int main(void) {"""


def main() -> None:
    out = [HEAD]
    for cls, (name, _version, _init) in _ffi.STRUCTS.items():
        out.append("  S(%s);" % name)
        for field, _t in cls._fields_:
            out.append("  M(%s, %s);" % (name, field))
    out.append("  return 0;\n}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
