#!/usr/bin/env python3
"""Every *_INIT macro of the public header, in C and in C++.

usage: check_init_macros.py SIREN_H INCLUDE_DIR LANG STD -- COMPILER...

Finds each `#define SIREN_X_INIT {...}` in the header and compiles, with
-fsyntax-only -Wall -Wextra -Wpedantic -Werror, a translation unit that
includes only <siren/siren.h> and initialises a `siren_x` with the macro.
One unit per macro, so that one broken macro does not hide another. It also
checks that each has a SIREN_X_VERSION macro and a siren_x_init() function.
The macros are discovered from the header: a new struct is covered without
editing this test. LANG is c or c++ (the compiler must be of that language).
Exit 0 when every macro compiles cleanly, 1 otherwise.
"""
import os
import re
import subprocess
import sys
import tempfile


def main():
    if "--" not in sys.argv or sys.argv.index("--") != 5:
        print(__doc__, file=sys.stderr)
        return 2
    header, incdir, lang, std = sys.argv[1:5]
    compiler = sys.argv[6:]
    with open(header, encoding="utf-8") as f:
        text = f.read()
    macros = re.findall(r"^\s*#\s*define\s+(SIREN_(\w+)_INIT)\s+\{", text, flags=re.M)
    if not macros:
        print("FAIL: no *_INIT macros found in " + header)
        return 1
    flags = ["-std=" + std, "-Wall", "-Wextra", "-Wpedantic", "-Werror",
             "-fsyntax-only", "-I", incdir]
    print("compiler: %s %s" % (" ".join(compiler), " ".join(flags)))
    failures = 0
    suffix = ".c" if lang == "c" else ".cpp"
    with tempfile.TemporaryDirectory() as tmp:
        for macro, stem in macros:
            typ = "siren_" + stem.lower()
            problems = []
            if not re.search(r"#\s*define\s+SIREN_%s_VERSION\b" % stem, text):
                problems.append("no SIREN_%s_VERSION macro" % stem)
            if not re.search(r"\b%s_init\s*\(" % typ, text):
                problems.append("no %s_init() function" % typ)
            src = os.path.join(tmp, stem.lower() + suffix)
            with open(src, "w", encoding="utf-8") as f:
                f.write("#include <siren/siren.h>\n"
                        "%s x_%s(void);\n"
                        "%s x_%s(void) {\n"
                        "  %s v = %s;\n"
                        "  return v;\n"
                        "}\n" % (typ, stem.lower(), typ, stem.lower(), typ, macro))
            r = subprocess.run(compiler + flags + ["-x", lang, src], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True)
            if r.returncode != 0:
                problems.append("does not compile as %s (%s):\n%s" % (lang, std, r.stdout.rstrip()))
            if problems:
                failures += 1
                print("FAIL: %s (%s): %s" % (macro, typ, "; ".join(problems)))
            else:
                print("ok:   %s initialises %s" % (macro, typ))
    print("\n%d of %d *_INIT macros fail as %s (%s)" % (failures, len(macros), lang, std)
          if failures else "\nall %d *_INIT macros compile cleanly as %s (%s)" % (len(macros), lang, std))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
