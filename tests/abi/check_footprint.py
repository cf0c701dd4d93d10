#!/usr/bin/env python3
"""Footprint of the built shared library.

usage: check_footprint.py LIBSIREN_SO MAX_KIB B_SANITIZE B_COVERAGE OPTIMIZATION

Checks, and prints what it measured:
  - NEEDED (readelf -d) lists only libc and libm (and the dynamic loader); a
    sanitized build may also need its sanitizer runtime. `ldd` is printed too,
    for the reader, but not relied on (it runs the loader and depends on the
    machine);
  - a copy stripped of everything not needed at run time (strip --strip-all)
    is smaller than MAX_KIB KiB. Measured only in an optimized (-O1 and up, or
    -Os), uninstrumented build: -O0, sanitizers and gcov inflate the code, so
    there the size is printed and not judged.
Exit 0 when all hold, 1 otherwise, 77 (skipped) when binutils are missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    lib, max_kib, sanitize, coverage, optimization = argv
    max_bytes = int(max_kib) * 1024
    for tool in ("readelf", "strip"):
        if not shutil.which(tool):
            print("SKIP: %s not found (install binutils)" % tool)
            return 77
    failures = 0
    print("library: %s (%d bytes as built)" % (lib, os.path.getsize(lib)))

    dyn = run(["readelf", "-d", "-W", lib]).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn)
    allowed = re.compile(r"(libc|libm)\.so\.\d+|ld-linux[-\w.]*\.so\.\d+")
    runtime = re.compile(r"lib(clang_rt\.\w+-\w+|asan|ubsan|tsan|lsan|gcc_s|stdc\+\+|dl|pthread|rt)\b.*\.so.*")
    sanitized = sanitize not in ("", "none")
    extra = [n for n in needed if not allowed.fullmatch(n)
             and not (sanitized and runtime.fullmatch(n))]
    if extra:
        print("FAIL: NEEDED lists more than libc/libm: %s" % ", ".join(extra))
        failures += 1
    else:
        print("ok:   NEEDED: %s" % (", ".join(needed) or "(nothing)"))
    if shutil.which("ldd"):
        print("ldd:\n  " + "\n  ".join(run(["ldd", lib]).stdout.strip().splitlines()))

    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, os.path.basename(lib))
        r = run(["strip", "--strip-all", "-o", copy, lib])
        if r.returncode != 0:
            print("FAIL: strip failed:\n" + r.stdout)
            return 1
        size = os.path.getsize(copy)
        sections = run(["size", "-A", copy]).stdout if shutil.which("size") else ""
    kib = size / 1024.0
    print("stripped: %d bytes = %.1f KiB (budget %s KiB)" % (size, kib, max_kib))
    for name in (".text", ".rodata", ".eh_frame", ".data.rel.ro", ".dynsym", ".dynstr"):
        m = re.search(r"^%s\s+(\d+)" % re.escape(name), sections, flags=re.M)
        if m:
            print("  %-13s %7d bytes" % (name, int(m.group(1))))

    instrumented = sanitized or coverage == "true"
    if instrumented or optimization in ("0", "g", "plain"):
        print("note: size not judged in this build (optimization=%s, b_sanitize=%s, "
              "b_coverage=%s); the budget applies to an optimized, uninstrumented build"
              % (optimization, sanitize, coverage))
    elif size >= max_bytes:
        print("FAIL: the stripped library is %.1f KiB, over the %s KiB budget"
              % (kib, max_kib))
        failures += 1
    else:
        print("ok:   the stripped library is under %s KiB" % max_kib)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
