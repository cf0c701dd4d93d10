#!/usr/bin/env python3
"""Compares the ABI of a built libsiren.so with the committed baseline.

usage: check_abi.py [--update] LIBSIREN_SO SOURCE_ROOT

Builds nothing. Serialises the library's ABI with abidw (only the exported
functions and the types reachable from SOURCE_ROOT/include/siren), compares it
with SOURCE_ROOT/tests/abi/libsiren.abi using abidiff, and applies siren's ABI
rules (README, "ABI rules") on top of abidiff's verdict:

  exit 0   no change; or only changes the rules allow: functions added, members
           appended at the end of a struct that is never an array element, a
           host-table member appended, enumerators appended. The report and a
           reminder to update the baseline in the same commit are printed.
           (SIREN_ABI_STRICT=1 makes an allowed but not yet recorded change
           fail as well.)
  exit 1   an incompatible change: a function removed (abidiff sets its
           INCOMPATIBLE bit) or a change abidiff only calls a "change" but the
           rules forbid: a member inserted, removed, retyped or moved; an array
           element struct that changed size; a changed function signature; an
           enumerator renumbered. Or abidiff itself failed.
  exit 77  skipped: abidw/abidiff missing, or the library has no DWARF (a
           build without -g). SIREN_ABI_REQUIRED=1 turns both into failures.

--update rewrites the baseline from the library (on purpose, see the README).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ABIDW_OPTS = ["--drop-private-types", "--exported-interfaces-only", "--no-show-locs",
              "--no-corpus-path", "--no-comp-dir-path", "--type-id-style", "hash"]
# abidiff's exit status is a bit field (libabigail manual, abidiff "Return values").
ABIDIFF_ERROR, ABIDIFF_USAGE_ERROR, ABIDIFF_ABI_CHANGE, ABIDIFF_ABI_INCOMPATIBLE_CHANGE = 1, 2, 4, 8

UPDATE_CMD = "python3 tests/abi/check_abi.py --update BUILDDIR/libsiren.so.0 ."


def env_flag(name):
    return os.environ.get(name, "0") not in ("", "0")


def skip_or_fail(msg):
    if env_flag("SIREN_ABI_REQUIRED"):
        print("FAIL: %s (SIREN_ABI_REQUIRED=1)" % msg)
        return 1
    print("SKIP: " + msg)
    return 77


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)


# --------------------------------------------------------------- the header

def strip_c_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def array_element_structs(header):
    """Public structs that travel in arrays: a struct member `const siren_x *xs;`
    or a parameter `siren_x *xs` followed by a size_t. siren indexes such an
    array with its own sizeof, so their size is frozen within a soname."""
    with open(header, encoding="utf-8") as f:
        text = strip_c_comments(f.read())
    bodies = dict((m.group(1), m.group(2)) for m in re.finditer(
        r"typedef\s+struct\s+(siren_\w+)\s*\{(.*?)\}\s*\1\s*;", text, flags=re.S))
    frozen = {}
    for owner, body in bodies.items():
        for m in re.finditer(r"(siren_\w+)\s*\*\s*(?:const\s*)?(\w+)\s*;", body):
            if m.group(1) in bodies:
                frozen.setdefault(m.group(1), "%s.%s" % (owner, m.group(2)))
    for m in re.finditer(r"SIREN_EXTERN[^;(]*\b(siren_\w+)\s*\(([^;]*?)\)\s*;", text, flags=re.S):
        params = [" ".join(p.split()) for p in m.group(2).split(",")]
        for i, p in enumerate(params[:-1]):
            pm = re.match(r"(?:const\s+)?(siren_\w+)\s*\*\s*(\w+)$", p)
            if pm and pm.group(1) in bodies and re.match(r"size_t\s+\w+$", params[i + 1]):
                frozen.setdefault(pm.group(1), "%s(%s)" % (m.group(1), pm.group(2)))
    return frozen


# ------------------------------------------------------------- the baseline

def struct_layouts(abi_file):
    """{struct name: (size in bits, [(member, offset in bits)])} from abidw XML."""
    layouts = {}
    for el in ET.parse(abi_file).iter("class-decl"):
        name = el.get("name")
        if not name or el.get("is-declaration-only") == "yes" or name in layouts:
            continue
        members = []
        for dm in el.findall("data-member"):
            var = dm.find("var-decl")
            members.append((var.get("name") if var is not None else "?",
                            int(dm.get("layout-offset-in-bits", "0"))))
        layouts[name] = (int(el.get("size-in-bits", "0")), members)
    return layouts


# -------------------------------------------------------- siren's ABI rules

def rule_violations(leaf_report, old_layouts, frozen):
    """Reads abidiff's --leaf-changes-only report; returns (violations, allowed)."""
    violations, allowed = [], []
    section = None          # what the current top-level list is about
    listing = None          # what the current list inside a type block holds
    block = None            # [kind, name, old_size, new_size, inserted, other]
    blocks = []

    for line in leaf_report.splitlines():
        if not line.strip():
            continue
        if re.match(r"[A-Za-z/ ]+ summary: ", line):  # the counts; the lists follow
            continue
        m = re.match(r"'(struct|union|enum|typedef|class)?\s*([^']+)' changed:$", line)
        if m:
            block = [m.group(1) or "type", m.group(2).strip(), None, None, [], []]
            listing = None
            blocks.append(block)
            section = "type"
            continue
        m = re.match(r"\d+ (Added|Removed|Changed)? ?(functions?|variables?)"
                     r"( symbols? not referenced by debug info)?(?: with some (?:indirect )?sub-type changes?)?:$",
                     line)
        if m:
            what, kind = m.group(1), m.group(2)
            if what is None:
                what = "Changed"
            section = "%s %s" % (what, kind.rstrip("s"))
            block = None
            continue
        if section == "type" and block is not None and line.startswith("  "):
            body = line.strip()
            sm = re.match(r"type size changed from (\d+) to (\d+) \(in bits\)", body)
            if sm:
                block[2], block[3] = int(sm.group(1)), int(sm.group(2))
            elif body == "type size hasn't changed":
                pass
            elif not line.startswith("    "):
                # the head of a list: insertions are what the rules allow
                listing = re.match(r"\d+ (data member|enumerator) insertions?:$", body)
                listing = listing.group(1) if listing else None
                if listing is None:
                    block[5].append(body)
            elif listing == "data member":
                im = re.match(r"'(.*)', at offset (\d+) \(in bits\)", body)
                if im:
                    block[4].append((im.group(1), int(im.group(2))))
                else:
                    block[5].append(body)
            elif listing != "enumerator":
                block[5].append(body)
            continue
        if section == "Added function":
            allowed.append("function added: " + line.strip())
        elif section == "Added function symbol not referenced by debug info":
            allowed.append("function symbol added: " + line.strip())
        elif section is not None:
            # one entry per function or variable ("[C] ..."), not per detail line
            if line.lstrip().startswith("[") or not violations or \
                    not violations[-1].startswith(section.lower()):
                violations.append("%s: %s" % (section.lower(), line.strip()))
        else:
            violations.append("unrecognised abidiff output (review by hand): " + line.strip())

    for kind, name, old_size, new_size, inserted, other in blocks:
        what = "%s %s" % (kind, name)
        if other:
            violations.append("%s: %s" % (what, "; ".join(other)))
            continue
        if kind == "enum":
            allowed.append("%s: enumerators appended" % what)
            continue
        if kind not in ("struct", "class"):
            violations.append("%s changed (review by hand)" % what)
            continue
        old = old_layouts.get(name)
        last_old = max((off for _, off in old[1]), default=-1) if old else None
        bad = [m for m, off in inserted if last_old is None or off <= last_old]
        if bad:
            violations.append("%s: members inserted before its last member (%s); "
                              "members may only be appended" % (what, ", ".join(bad)))
            continue
        if new_size is not None and old_size is not None and new_size < old_size:
            violations.append("%s shrank from %d to %d bits" % (what, old_size, new_size))
            continue
        if name in frozen and new_size is not None and new_size != old_size:
            violations.append("%s grew from %d to %d bits, but it is an array element (%s): "
                              "siren indexes such arrays with its own sizeof, so a caller "
                              "built with the old header would be misread"
                              % (what, old_size, new_size, frozen[name]))
            continue
        allowed.append("%s: appended %s%s" % (
            what, ", ".join(m for m, _ in inserted) or "(nothing?)",
            "" if new_size is None else " (%d -> %d bits)" % (old_size, new_size)))
    return violations, allowed


# --------------------------------------------------------------------- main

def main(argv):
    update = False
    if argv and argv[0] == "--update":
        update, argv = True, argv[1:]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lib, root = argv
    headers = os.path.join(root, "include", "siren")
    header = os.path.join(headers, "siren.h")
    baseline = os.path.join(root, "tests", "abi", "libsiren.abi")

    for tool in ("abidw", "abidiff", "readelf"):
        if not shutil.which(tool):
            return skip_or_fail("%s not found (apt-get install abigail-tools binutils)" % tool)
    if not os.path.isfile(lib):
        print("FAIL: no library at %s" % lib)
        return 1
    sections = run(["readelf", "-S", "-W", lib]).stdout
    if ".debug_info" not in sections:
        return skip_or_fail("%s has no .debug_info; abidiff needs DWARF "
                            "(buildtype debug or debugoptimized)" % lib)

    print("library:  %s (%s)" % (lib, run(["abidw", "--version"]).stdout.strip()))
    print("headers:  %s" % headers)
    print("baseline: %s" % baseline)

    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.abi")
        current = os.path.join(tmp, "current.abi")
        r = run(["abidw", "--headers-dir", headers] + ABIDW_OPTS + ["--out-file", raw, lib])
        if r.returncode != 0:
            print(r.stdout)
            print("FAIL: abidw failed (exit status %d)" % r.returncode)
            return 1
        # Translation unit names depend on where the build directory is; cut
        # them back to src/... so that the file only changes with the ABI.
        with open(raw, encoding="utf-8") as f:
            text = re.sub(r"path='[^']*?/(src/[^']*)'", r"path='\1'", f.read())
        with open(current, "w", encoding="utf-8") as f:
            f.write(text)

        if update:
            shutil.copyfile(current, baseline)
            print("baseline rewritten (%d function symbols)" % text.count("<elf-symbol "))
            print("review it with `git diff -- tests/abi/libsiren.abi` and commit it "
                  "with the change that caused it")
            return 0
        if not os.path.isfile(baseline):
            print("FAIL: no baseline; create it with: " + UPDATE_CMD)
            return 1

        full = run(["abidiff", "--no-show-locs", baseline, current])
        print(full.stdout.rstrip())
        status = full.returncode
        if status & (ABIDIFF_ERROR | ABIDIFF_USAGE_ERROR):
            print("FAIL: abidiff failed (exit status %d)" % status)
            return 1
        if status == 0:
            print("ok: the ABI matches the baseline (changes abidiff filters as "
                  "harmless, if any, are not counted)")
            return 0
        if status & ABIDIFF_ABI_INCOMPATIBLE_CHANGE:
            print("""
FAIL: incompatible ABI change (abidiff exit status %d): a program built
against libsiren.so.0 may no longer load. Within soname 0 a function is never
removed or renamed (README, "ABI rules"): keep it, and add a new one beside it.
Breaking on purpose means a new soname (soversion in meson.build,
SIREN_VERSION_MAJOR, a new version node in src/siren.map) and a new baseline:
  %s""" % (status, UPDATE_CMD))
            return 1

        leaf = run(["abidiff", "--leaf-changes-only", "--no-show-locs", baseline, current])
        violations, allowed = rule_violations(leaf.stdout, struct_layouts(baseline),
                                              array_element_structs(header))
        print("\nsiren's ABI rules, change by change:")
        for a in allowed:
            print("  allowed:   " + a)
        for v in violations:
            print("  FORBIDDEN: " + v)
        if violations:
            print("""
FAIL: abidiff calls this an ABI change (exit status %d, not its INCOMPATIBLE
bit), but siren's ABI rules forbid it within soname 0 (README, "ABI rules"):
a program built with the old header would read or write the wrong bytes.
Append members instead (and bump the struct's *_VERSION), add a new function
instead of changing one, or break on purpose with a new soname and:
  %s""" % (status, UPDATE_CMD))
            return 1
        print("""
NOTE: compatible ABI change. Check that every grown struct's *_VERSION (or
SIREN_HOST_VERSION) was bumped and that siren reads the new members only when
the caller's version declares them; then record the change in this commit:
  %s""" % UPDATE_CMD)
        if env_flag("SIREN_ABI_STRICT"):
            print("FAIL: SIREN_ABI_STRICT=1 and the baseline does not record this change yet")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
