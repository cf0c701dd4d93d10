#!/usr/bin/env python3
"""Drives cpu-agent with a fake /proc/stat and a recording delivery command.

usage: test-cpu-agent.py CPU_AGENT CONFIG_DIR WORK_DIR

One siren minute = MINUTE_MS real ms, sampling every 100 ms, window 0.5 s.
  1. busy: an incident opens from EC2HighCPU; incident-responder is paged by
     EMAIL through the recording command (every SIREN_* variable checked);
     still busy: the trigger repeats and is deduplicated (same incident);
     minute 5: stage 2 pages sr-incident-responder; minute 10: the SMS
     command fails (exit 3) -> an ERROR receipt, and siren retries it.
  2. SIGKILL, restart on the same SQLite store, still busy: the agent finds
     its open incident, the trigger is deduplicated into it (no new one).
  3. idle: the incident is resolved.
  4. busy again: a new incident, id 2 (ids continue); page ids keep growing.
  5. SIGTERM: a clean exit.
"""
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

MINUTE_MS = 400

agent_bin, config_dir, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
stat_path = os.path.join(work, "stat")
record = os.path.join(work, "record")
store = os.path.join(work, "journal.db")

recorder = os.path.join(work, "record.sh")
with open(recorder, "w") as f:
    f.write('#!/bin/sh\n{ env | grep "^SIREN_" | sort; echo "EXIT=${1:-0}"; echo --; } >> "$RECORD_FILE"\n'
            'exit "${1:-0}"\n')
os.chmod(recorder, 0o755)


class FakeStat(threading.Thread):
    """Rewrites a /proc/stat look-alike every 20 ms; busy sets ~95 % use."""

    def __init__(self):
        super().__init__(daemon=True)
        self.busy = False
        self.user = self.idle = 1000
        self.stopped = False
        self.write()

    def write(self):
        tmp = stat_path + ".tmp"
        with open(tmp, "w") as f:
            f.write("cpu  %d 0 %d %d 0 0 0 0 0 0\ncpu0 %d 0 0 %d 0 0 0 0 0 0\nintr 0\n"
                    % (self.user, self.user // 10, self.idle, self.user, self.idle))
        os.replace(tmp, stat_path)

    def run(self):
        while not self.stopped:
            if self.busy:
                self.user += 95
                self.idle += 5
            else:
                self.user += 5
                self.idle += 95
            self.write()
            time.sleep(0.02)


class Agent:
    def __init__(self):
        env = dict(os.environ, RECORD_FILE=record)
        self.p = subprocess.Popen(
            [agent_bin, "--config-dir", config_dir, "--store", "sqlite:" + store,
             "--proc-stat", stat_path, "--interval-ms", "100", "--window-s", "0.5",
             "--minute-ms", str(MINUTE_MS), "--host-name", "test-host",
             "--deliver", "EMAIL=" + recorder, "--deliver", "SMS=%s 3" % recorder,
             "--max-seconds", "50"],
            stdout=subprocess.PIPE, env=env, text=True)
        self.q = queue.Queue()
        self.lines = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.p.stdout:
            self.q.put(json.loads(line))
        self.q.put(None)

    def wait(self, pred, what, timeout=10, seen=False):
        if seen:  # also a line already read (a page is delivered before its
            for m in self.lines:  # incident_start returns)
                if pred(m):
                    return m
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                fail("timed out waiting for " + what)
            try:
                m = self.q.get(timeout=left)
            except queue.Empty:
                fail("timed out waiting for " + what)
            if m is None:
                fail("agent exited (%s) waiting for %s" % (self.p.wait(), what))
            self.lines.append(m)
            if pred(m):
                return m

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                m = self.q.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                continue
            if m is None:
                break
            self.lines.append(m)


agent = None


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    if agent is not None:
        for m in agent.lines[-30:]:
            print("  ", m, file=sys.stderr)
        agent.p.kill()
    sys.exit(1)


def records():
    """The recorded deliveries, each a dict of SIREN_* and EXIT."""
    out, cur = [], {}
    if not os.path.exists(record):
        return out
    with open(record) as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "--":
                out.append(cur)
                cur = {}
            elif "=" in line:
                k, v = line.split("=", 1)
                cur[k] = v
    return out


def check(cond, msg):
    if not cond:
        fail(msg)


stat = FakeStat()
stat.start()
t0 = time.monotonic()

# 1. busy -> incident, pages, dedupe, stage 2, a failing SMS.
agent = Agent()
ready = agent.wait(lambda m: m["kind"] == "ready", "ready")
check(ready["first_start"] and ready["open_incident"] == 0, "first start: %s" % ready)
check(ready["trigger_arn"] == "host:test-host:cpu", "trigger arn")
agent.drain(0.6)
check(not any(m["kind"] == "incident" for m in agent.lines), "an incident while idle")
stat.busy = True
inc = agent.wait(lambda m: m["kind"] == "incident", "the incident")
check(inc["incident"] == 1 and not inc["deduplicated"] and inc["value"] > 85, "opened: %s" % inc)
arn = inc["arn"]
d1 = agent.wait(lambda m: m["kind"] == "delivered" and m["contact"] == "incident-responder",
                "the first page", seen=True)
check(d1["ok"] and d1["channel_type"] == "EMAIL", "first page: %s" % d1)
r = records()[0]
check(r["SIREN_KIND"] == "page" and r["SIREN_CONTACT"] == "incident-responder"
      and r["SIREN_CHANNEL"] == "incident-responder-email" and r["SIREN_CHANNEL_TYPE"] == "EMAIL"
      and r["SIREN_ADDRESS"] == "incident-responder@example.com"
      and r["SIREN_PAGE_ID"] == str(d1["page"]) and r["SIREN_INCIDENT"] == arn
      and r["SIREN_INCIDENT_ID"] == "1" and len(r["SIREN_CODE"]) >= 6
      and r["SIREN_SUBJECT"] != "" and "SIREN_CONTENT" in r and r["EXIT"] == "0",
      "recorded environment: %s" % r)
dd = agent.wait(lambda m: m["kind"] == "incident", "the repeated trigger")
check(dd["incident"] == 1 and dd["deduplicated"] and dd["trigger_count"] >= 2, "dedupe: %s" % dd)
d2 = agent.wait(lambda m: m["kind"] == "delivered" and m["contact"] == "sr-incident-responder",
                "stage 2 (minute 5)")
check(d2["ok"] and d2["channel_type"] == "EMAIL", "stage 2: %s" % d2)
sms = agent.wait(lambda m: m["kind"] == "delivered" and m["channel_type"] == "SMS",
                 "the SMS stage (minute 10)")
check(not sms["ok"] and "exit 3" in sms["info"], "a failing command is an ERROR: %s" % sms)
retry = agent.wait(lambda m: m["kind"] == "delivered" and m["channel_type"] == "SMS",
                   "the SMS retry after the ERROR receipt", timeout=5)
check(retry["page"] > sms["page"], "retry is a new page")
check(sum(1 for m in agent.lines if m["kind"] == "incident" and not m["deduplicated"]) == 1,
      "one incident while busy")
pages_before = [m["page"] for m in agent.lines if m["kind"] == "delivered"]

# 2. SIGKILL and restart on the same store, still busy.
agent.p.send_signal(signal.SIGKILL)
agent.p.wait()
agent = Agent()
ready = agent.wait(lambda m: m["kind"] == "ready", "ready after restart")
check(not ready["first_start"] and ready["replayed"] > 0 and ready["open_incident"] == 1,
      "reopen: %s" % ready)
inc = agent.wait(lambda m: m["kind"] == "incident", "the trigger after restart")
check(inc["incident"] == 1 and inc["deduplicated"], "no duplicate incident: %s" % inc)

# 3. idle -> resolved.
stat.busy = False
res = agent.wait(lambda m: m["kind"] == "resolved", "the resolution")
check(res["incident"] == 1 and res["value"] < 85, "resolved: %s" % res)
check(not any(m["kind"] == "incident" and not m["deduplicated"] for m in agent.lines),
      "a new incident after the restart while the old one was open")

# 4. busy again -> a new incident, ids continue.
stat.busy = True
inc2 = agent.wait(lambda m: m["kind"] == "incident", "the second incident")
check(inc2["incident"] == 2 and not inc2["deduplicated"], "second incident: %s" % inc2)
d3 = agent.wait(lambda m: m["kind"] == "delivered" and not m["repeat"]
                and m["contact"] == "incident-responder" and m["channel_type"] == "EMAIL"
                and m["page"] > max(pages_before),
                "the second incident's page", seen=True)
check(d3["page"] > max(pages_before), "page ids continue: %s after %s" % (d3, pages_before))
last = [r for r in records() if r["SIREN_PAGE_ID"] == str(d3["page"])]
check(last and last[-1]["SIREN_INCIDENT_ID"] == "2", "recorded page of incident 2: %s" % last)

# 5. a clean stop.
agent.p.send_signal(signal.SIGTERM)
agent.wait(lambda m: m["kind"] == "bye", "bye")
check(agent.p.wait() == 0, "exit status")
stat.stopped = True
print("ok: %d deliveries recorded, %.1f s" % (len(records()), time.monotonic() - t0))
