#!/usr/bin/env python3
"""ABI check of the built shared library.

usage: check_exports.py LIBSIREN_SO SIREN_MAP SIREN_H PROJECT_VERSION [B_SANITIZE]

Checks, and prints what it checked:
  - every exported symbol (nm -D --defined-only) starts with siren_ and carries
    the version node of src/siren.map;
  - the exported set equals the names in the map's global: sections;
  - the exported set equals the SIREN_EXTERN functions of include/siren/siren.h,
    and no function is declared there without SIREN_EXTERN;
  - the SONAME is libsiren.so.<major> (libsiren.so.0);
  - NEEDED lists only libc (and libm, the dynamic loader); a sanitized build may
    also need its sanitizer runtime;
  - SIREN_VERSION_* in the header agree with the meson project version.
Exit 0 when all hold, 1 otherwise, 77 (skipped) when binutils are missing.
"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def ok(msg):
    print("ok:   " + msg)


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        print("command failed: %s\n%s" % (" ".join(cmd), r.stderr), file=sys.stderr)
        sys.exit(1)
    return r.stdout


def strip_c_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def show(names):
    return ", ".join(sorted(names)) if names else "(none)"


# ------------------------------------------------------------------ the map

def parse_map(path):
    """Returns (global names, version node names) of a GNU ld version script."""
    with open(path, encoding="utf-8") as f:
        text = strip_c_comments(f.read())
    text = re.sub(r"#[^\n]*", " ", text)
    names, nodes = [], []
    for m in re.finditer(r"([A-Za-z_][\w.]*)\s*\{(.*?)\}\s*[\w.]*\s*;", text, flags=re.S):
        nodes.append(m.group(1))
        body = m.group(2)
        for sec in re.finditer(r"global\s*:(.*?)(?=local\s*:|$)", body, flags=re.S):
            for item in sec.group(1).split(";"):
                item = item.strip()
                if item:
                    names.append(item)
    return names, nodes


# --------------------------------------------------------------- the header

def parse_header(path):
    """Returns (SIREN_EXTERN function names, functions declared without it)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("\\\n", " ")
    text = strip_c_comments(text)
    # Preprocessor lines (the SIREN_EXTERN definitions among them) are not
    # declarations; extern "C" { ... } does not nest anything.
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    text = re.sub(r'extern\s+"C"\s*\{', " ", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    statements, cur, depth = [], [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)  # the closing brace of extern "C"
        if ch == ";" and depth == 0:
            statements.append(" ".join("".join(cur).split()))
            cur = []
        else:
            cur.append(ch)
    exported, bare = [], []
    for st in statements:
        if not st or re.match(r"(typedef|enum|struct|union)\b", st) or "(" not in st:
            continue
        m = re.match(r"([^(]*?)\b([A-Za-z_]\w*)\s*\(", st)
        if not m:
            continue
        (exported if re.search(r"\bSIREN_EXTERN\b", m.group(1)) else bare).append(m.group(2))
    return exported, bare


def header_version(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    v = {}
    for key in ("MAJOR", "MINOR", "PATCH", "NUMBER", "STRING"):
        m = re.search(r"#\s*define\s+SIREN_VERSION_%s\s+(\S+)" % key, text)
        v[key] = m.group(1).strip('"') if m else None
    return v


# ------------------------------------------------------------------- main

def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    lib, mapfile, header, project_version = sys.argv[1:5]
    sanitize = sys.argv[5] if len(sys.argv) > 5 else "none"
    for tool in ("nm", "readelf"):
        if not shutil.which(tool):
            print("SKIP: %s not found (install binutils)" % tool)
            return 77
    print("library: %s" % lib)
    print("map:     %s" % mapfile)
    print("header:  %s" % header)

    # -- exported dynamic symbols
    exported, versions, kinds = set(), {}, {}
    for line in run(["nm", "-D", "--defined-only", lib]).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, sym = parts[-2], parts[-1]
        if kind == "A":  # a version node definition such as SIREN_0
            continue
        name, _, ver = sym.partition("@")
        exported.add(name)
        versions[name] = ver.lstrip("@")
        kinds[name] = kind
    print("exported: %d symbols" % len(exported))

    bad = sorted(n for n in exported if not n.startswith("siren_"))
    if bad:
        fail("exported symbols without the siren_ prefix: " + show(bad))
    else:
        ok("all %d exported symbols start with siren_" % len(exported))
    data = sorted(n for n in exported if kinds[n] not in ("T", "W", "i"))
    if data:
        fail("exported symbols that are not functions (nm types %s): %s"
             % (show({kinds[n] for n in data}), show(data)))
    else:
        ok("every exported symbol is a function (nm type T)")

    # -- the version script
    map_names, nodes = parse_map(mapfile)
    map_set = set(map_names)
    print("map: version nodes %s; %d names in global:" % (show(nodes), len(map_names)))
    dups = sorted({n for n in map_names if map_names.count(n) > 1})
    if dups:
        fail("names listed twice in %s: %s" % (os.path.basename(mapfile), show(dups)))
    wild = sorted(n for n in map_set if re.search(r"[*?\[]", n))
    if wild:
        fail("wildcards in global: (the export list must be explicit): " + show(wild))
    not_c = sorted(n for n in map_set if not re.fullmatch(r"siren_[a-z0-9_]+", n))
    if not_c:
        fail("map global: lists names that are not siren_ functions: " + show(not_c))
    missing = map_set - exported
    extra = exported - map_set
    if missing:
        fail("listed in the map but not exported: " + show(missing))
    if extra:
        fail("exported but not listed in the map: " + show(extra))
    if not missing and not extra:
        ok("exported set equals the map's global: list (%d names)" % len(map_set))
    unversioned = sorted(n for n in exported if versions.get(n) not in nodes)
    if unversioned:
        fail("exported without a version node of the map: " + show(unversioned))
    else:
        ok("every export carries version node %s" % show(nodes))

    # -- the public header
    decl, bare = parse_header(header)
    decl_set = set(decl)
    print("header: %d SIREN_EXTERN functions" % len(decl_set))
    if bare:
        fail("functions declared in the header without SIREN_EXTERN: " + show(bare))
    hdr_missing = decl_set - exported
    hdr_extra = exported - decl_set
    if hdr_missing:
        fail("declared SIREN_EXTERN in the header but not exported: " + show(hdr_missing))
    if hdr_extra:
        fail("exported but not declared SIREN_EXTERN in the header: " + show(hdr_extra))
    if not hdr_missing and not hdr_extra:
        ok("exported set equals the header's SIREN_EXTERN functions (%d)" % len(decl_set))

    # -- dynamic section
    dyn = run(["readelf", "-d", "-W", lib])
    sonames = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", dyn)
    major = project_version.split(".")[0]
    want = "libsiren.so." + major
    if sonames == [want]:
        ok("SONAME is %s" % want)
    else:
        fail("SONAME is %s, expected %s" % (show(sonames), want))
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn)
    allowed = re.compile(r"(libc|libm)\.so\.\d+|ld-linux[-\w.]*\.so\.\d+")
    runtime = re.compile(r"lib(clang_rt\.\w+-\w+|asan|ubsan|tsan|lsan|gcc_s|stdc\+\+|dl|pthread|rt)\b.*\.so.*")
    unexpected = []
    for n in needed:
        if allowed.fullmatch(n):
            continue
        if sanitize not in ("", "none") and runtime.fullmatch(n):
            print("note: NEEDED %s allowed in a build with b_sanitize=%s" % (n, sanitize))
            continue
        unexpected.append(n)
    if unexpected:
        fail("NEEDED lists more than libc/libm: " + show(unexpected))
    else:
        ok("NEEDED: %s" % ", ".join(needed))

    # -- version macros against the project version
    v = header_version(header)
    try:
        pmaj, pmin, ppat = (int(x) for x in project_version.split(".")[:3])
    except ValueError:
        pmaj = pmin = ppat = None
    exp = {"MAJOR": str(pmaj), "MINOR": str(pmin), "PATCH": str(ppat),
           "NUMBER": str(pmaj * 10000 + pmin * 100 + ppat) if pmaj is not None else None,
           "STRING": project_version}
    wrong = ["SIREN_VERSION_%s is %s, expected %s" % (k, v[k], exp[k]) for k in exp if v[k] != exp[k]]
    if wrong:
        fail("; ".join(wrong))
    else:
        ok("SIREN_VERSION_* match the project version %s (number %s)" % (project_version, v["NUMBER"]))

    if failures:
        print("\n%d ABI check(s) failed" % len(failures))
        return 1
    print("\nall ABI checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
