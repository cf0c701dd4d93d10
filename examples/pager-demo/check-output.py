#!/usr/bin/env python3
"""Runs pager-demo twice and checks what it printed.

usage: check-output.py PAGER_DEMO

With the acceptance: the pages are exactly incident-responder EMAIL at 09:00
and sr-incident-responder EMAIL at 09:05, page.accepted at 09:07 by
sr-incident-responder, then engagement.completed (acknowledged). With --no-ack:
four pages, at 09:00, 09:05, 09:10 and 09:15, and engagement.completed at 09:20
(not acknowledged). Every line must be an event line, a delivery line or a
'#' comment, and each page.sent must have its delivery line.
"""
import re
import subprocess
import sys

EVENT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([a-z_]+\.[a-z_]+)((?: [a-z_]+=(?:\"[^\"]*\"|\S+))*)$")
NOTICE = re.compile(r"-> (\S+) (\S+): (?:\[(.*)\] \(page (\d+), code (\S+)\)|activation code (\d{6}))$")
FIELD = re.compile(r" ([a-z_]+)=(\"[^\"]*\"|\S+)")

failures = []


def check(cond, msg):
    print(("ok:   " if cond else "FAIL: ") + msg)
    if not cond:
        failures.append(msg)


def run(exe, *args):
    r = subprocess.run([exe] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=60)
    label = " ".join(["pager-demo"] + list(args))
    check(r.returncode == 0, "%s exits 0 (got %d)" % (label, r.returncode))
    if r.stderr:
        print("stderr:\n" + r.stderr)
    events, notices, pages, sent = [], [], [], []
    lines = r.stdout.splitlines()
    for line in lines:
        if line.startswith("#"):
            continue
        m = EVENT.match(line)
        if m:
            f = {k: v.strip('"') for k, v in FIELD.findall(m.group(3))}
            events.append((m.group(1)[11:16], m.group(2), f))
            if m.group(2) == "page.sent":
                pages.append((m.group(1)[11:16], f.get("contact"), f.get("type")))
                sent.append((f.get("page"), f.get("type")))
            continue
        m = NOTICE.match(line)
        if m:
            notices.append(m)
            continue
        check(False, "%s: unexpected line %r" % (label, line))
    delivered = [(n.group(4), n.group(1)) for n in notices if n.group(4) is not None]
    check(sorted(sent) == sorted(delivered),
          "%s: each page.sent (page, type) has one delivery line: %s" % (label, sorted(sent)))
    print("--- %s: %d lines, %d events, %d deliveries" % (label, len(lines), len(events), len(notices)))
    return events, notices, pages


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    exe = sys.argv[1]

    events, notices, pages = run(exe)
    want = [("09:00", "incident-responder", "EMAIL"), ("09:05", "sr-incident-responder", "EMAIL")]
    check(pages == want, "pages are %s (got %s)" % (want, pages))
    page_lines = [n for n in notices if n.group(3) is not None]
    check(len(page_lines) == 2 and all(n.group(3) == "EC2 CPU above 85%" for n in page_lines),
          "two page deliveries with subject [EC2 CPU above 85%]")
    check(len(page_lines) == 2 and page_lines[0].group(2) == "responder@example.com",
          "the first page goes to responder@example.com")
    acc = [e for e in events if e[1] == "page.accepted"]
    check(len(acc) == 1 and acc[0][0] == "09:07" and acc[0][2].get("contact") == "sr-incident-responder"
          and acc[0][2].get("essential") == "1",
          "one page.accepted at 09:07 by sr-incident-responder, essential")
    done = [e for e in events if e[1] == "engagement.completed"]
    check(len(done) == 1 and done[0][0] == "09:07" and done[0][2].get("acknowledged") == "1",
          "engagement.completed at 09:07, acknowledged=1")
    check(bool(events) and events[-1][1] == "engagement.completed", "engagement.completed is the last event")
    started = [e for e in events if e[1] == "engagement.started"]
    check(len(started) == 1 and started[0][2].get("incident") == "cpu-incident-1",
          "engagement.started with incident cpu-incident-1")

    events, notices, pages = run(exe, "--no-ack")
    want = [("09:00", "incident-responder", "EMAIL"), ("09:05", "sr-incident-responder", "EMAIL"),
            ("09:10", "incident-responder", "SMS"), ("09:15", "sr-incident-responder", "SMS")]
    check(pages == want, "--no-ack: pages are %s (got %s)" % (want, pages))
    check(not [e for e in events if e[1] == "page.accepted"], "--no-ack: no page.accepted")
    done = [e for e in events if e[1] == "engagement.completed"]
    check(len(done) == 1 and done[0][0] == "09:20" and done[0][2].get("acknowledged") == "0",
          "--no-ack: engagement.completed at 09:20, acknowledged=0")

    if failures:
        print("\n%d check(s) failed" % len(failures))
        return 1
    print("\npager-demo output as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
