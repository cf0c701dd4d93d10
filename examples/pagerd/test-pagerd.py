#!/usr/bin/env python3
"""Kills pagerd with SIGKILL in the middle of an escalation and checks the restart.

usage: test-pagerd.py PAGERD CONFIG_DIR file|sqlite WORK_DIR

Real processes, a real (scaled) clock: one siren minute is MINUTE_MS real ms.
The configuration is examples/ec2-high-cpu: an incident from response plan
EC2HighCPU engages app-escalation-plan, which pages incident-responder by
EMAIL at minute 0, sr-incident-responder by EMAIL at 5, then their personal
plans move on to SMS at 10 and 15; the engagement completes at 20.

  A. uninterrupted: the four pages at +0, +5, +10, +15 and nothing after.
  B. killed: SIGKILL at +3 (page 1 printed and its SENT receipt confirmed),
     restarted on the same store after a gap (file: at +6, after the
     minute-5 stage fell due, so it fires on restart; sqlite: at +4.5, before
     it). After the restart: nothing re-announced (every page printed was
     confirmed), page ids continue (no id reused or skipped), each remaining
     page carries its exact logical time and arrives at its siren minute (or,
     if it fell due while pagerd was down, right after the restart), and the
     page set equals run A's. The file run also takes a snapshot before the
     kill.
  C. crash between print and receipt (--crash-after-print 2): the restart
     announces page 2 again, same id, code and time, marked repeat; accepting
     it with its code (a wrong code is refused) stops the escalation (no page
     at +10); resolve works; nothing is left scheduled.
  D. recovery corners on the stores left behind: a store without its time
     base file (a first start killed while loading the configuration) is
     emptied and configured again; file: a torn tail is cut and reported;
     sqlite: a damaged last record stops replay and pagerd cuts the store to
     report.bytes, after which the store opens cleanly.

Timing tolerance: a page is printed only once the daemon's clock has reached
its due time, so it can never arrive early; EARLY_EPS only absorbs rounding
and the daemon's clock (realtime at start + CLOCK_MONOTONIC) drifting from
the test's realtime clock, well under a millisecond here. It arrives late by
the poll wake-up (rounded up to 1 ms), the store sync before printing (an
fdatasync or a WAL COMMIT: 1-10 ms on a local disk, tens of ms on a slow CI
volume), the pipe and this script's reader thread. LATE_TOL = 0.75 minute
(150 ms) covers that with room to spare, and stays below what the test must
catch, which is always a minute or more: siren time restarting at 0 after the
restart (3+ minutes off), the downtime not counted (1.5 or 3 minutes off), a
stage fired at the restart instead of at its minute. The logical times are
checked exactly, to the millisecond.
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

MINUTE_MS = 200
LATE_TOL = 0.75
EARLY_EPS = 0.02
MIN = 60000
SIREN_EDENIED = -9
TRIGGER = ["start-incident", "EC2HighCPU", "aws.cloudwatch",
           "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu"]
# (offset minutes, contact, channel type): the escalation of the seed walkthrough.
EXPECTED = [(0, "incident-responder", "EMAIL"), (5, "sr-incident-responder", "EMAIL"),
            (10, "incident-responder", "SMS"), (15, "sr-incident-responder", "SMS")]

failures = []
daemons = []  # every process started, killed at the end if still running


def check(cond, msg):
    print(("ok:   " if cond else "FAIL: ") + msg, flush=True)
    if not cond:
        failures.append(msg)
    return cond


class Daemon:
    """One pagerd process; every stdout line is kept with its arrival time."""

    def __init__(self, exe, store, config=None, extra=(), label=""):
        args = [exe, "--store", store, "--minute-ms", str(MINUTE_MS)] + list(extra)
        if config:
            args += ["--config", config]
        self.label = label
        self.started = time.time()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, universal_newlines=True, bufsize=1)
        daemons.append(self)
        self.q = queue.Queue()
        self.lines = []  # (arrival time, object)
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        self.ready = self.wait(lambda o: o["kind"] == "ready", 10, "ready")
        self.ready_time = self.lines[-1][0]

    def _read(self):
        for line in self.proc.stdout:
            t = time.time()
            try:
                obj = json.loads(line)
            except ValueError:
                obj = {"kind": "garbage", "line": line}
            self.q.put((t, obj))
        self.q.put(None)

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def _take(self, timeout):
        try:
            item = self.q.get(timeout=max(timeout, 0))
        except queue.Empty:
            return False
        if item is None:
            self.q.put(None)  # stays at the end
            return None
        self.lines.append(item)
        return item

    def wait(self, pred, timeout, what):
        """Returns the object of the first line (from now on) that pred accepts."""
        end = time.time() + timeout
        while True:
            item = self._take(end - time.time())
            if item and pred(item[1]):
                return item[1]
            if item is None or (item is False and time.time() >= end):
                self.dump()
                raise RuntimeError("%s: no %s line (%s)" % (self.label, what,
                                   "exited" if item is None else "timeout"))

    def pump_until(self, wall):
        """Collects lines until the wall-clock instant wall."""
        while time.time() < wall:
            if self._take(wall - time.time()) is None:
                time.sleep(max(0, min(0.01, wall - time.time())))

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.pump_until(time.time() + 0.05)  # whatever was already in the pipe

    def quit(self):
        self.send("quit")
        bye = self.wait(lambda o: o["kind"] == "bye", 10, "bye")
        self.proc.wait(10)
        check(self.proc.returncode == 0, "%s: exits 0 after quit (%s)" % (self.label,
              self.proc.returncode))
        return bye

    def objs(self, kind):
        return [(t, o) for t, o in self.lines if o["kind"] == kind]

    def dump(self):
        print("--- %s stdout:" % self.label)
        for t, o in self.lines:
            print("  %.3f %s" % (t - self.started, json.dumps(o)))
        if self.stderr:
            print("--- %s stderr:\n  " % self.label + "\n  ".join(self.stderr))


def observed_minute(ready, wall):
    """The siren minute (since the epoch) at wall-clock instant wall, by the
    time base the daemon announced."""
    siren_ms = ready["anchor_siren_ms"] + (wall * 1e6 - ready["anchor_wall_us"]) * 60 / ready["minute_ms"]
    return (siren_ms - ready["epoch_ms"]) / MIN


def wall_at_minute(ready, minute):
    siren_ms = ready["epoch_ms"] + minute * MIN
    return (ready["anchor_wall_us"] + (siren_ms - ready["anchor_siren_ms"]) * ready["minute_ms"] / 60) / 1e6


def start_incident(d):
    d.send(" ".join(TRIGGER))
    ok = d.wait(lambda o: o["kind"] in ("ok", "error"), 10, "start-incident reply")
    check(ok["kind"] == "ok" and ok["incident"] == 1 and not ok["deduplicated"],
          "%s: incident 1 started at minute %.3f" % (d.label, ok.get("minute", -1)))
    return ok


def page_set(pages, t0_ms):
    return sorted((o["page"], o["engagement"], o["incident"], o["contact"], o["channel"],
                   o["channel_type"], o["time_ms"] - t0_ms) for _, o in pages)


def check_expected(label, pages, t0_ms):
    got = [(o["page"], (o["time_ms"] - t0_ms) / MIN, o["contact"], o["channel_type"])
           for _, o in pages]
    want = [(i + 1, float(m), c, ty) for i, (m, c, ty) in enumerate(EXPECTED)]
    check(got == want, "%s: pages (id, exact minute offset, contact, type) are %s (got %s)"
          % (label, want, got))


def check_arrivals(label, ready, pages, t0_min, not_before=None):
    """Each page arrives at its siren minute (or right after not_before, when
    the restarted daemon was ready, if it fell due while it was down)."""
    for t, o in pages:
        due = o["minute"]
        expect = due if not_before is None else max(due, not_before)
        seen = observed_minute(ready, t)
        check(-EARLY_EPS <= seen - expect <= LATE_TOL,
              "%s: page %d (due +%.2f) arrived at +%.3f, %+.3f min from +%.3f (tolerance -%.2f/+%.2f)"
              % (label, o["page"], due - t0_min, seen - t0_min, seen - expect, expect - t0_min,
                 EARLY_EPS, LATE_TOL))


def nothing_scheduled(d):
    d.send("time")
    o = d.wait(lambda o: o["kind"] == "time", 10, "time")
    return "next_deadline_minute" not in o


def fresh(work, name):
    path = os.path.join(work, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def store_spec(kind, path):
    return "%s:%s" % (kind, os.path.join(path, "store." + ("db" if kind == "sqlite" else "log")))


def run_a(exe, config, kind, work):
    label = "A/%s uninterrupted" % kind
    d = Daemon(exe, store_spec(kind, fresh(work, "a")), config, label=label)
    check(d.ready["first_start"], "%s: first start" % label)
    ok = start_incident(d)
    t0_min, t0_ms = ok["minute"], ok["time_ms"]
    d.pump_until(wall_at_minute(d.ready, t0_min + 20.5))
    check(nothing_scheduled(d), "%s: nothing scheduled after the engagement completed" % label)
    d.quit()
    pages = d.objs("page")
    check_expected(label, pages, t0_ms)
    check_arrivals(label, d.ready, pages, t0_min)
    receipts = sorted(o["page"] for _, o in d.objs("receipt"))
    check(receipts == [1, 2, 3, 4], "%s: a SENT receipt for each page (%s)" % (label, receipts))
    return page_set(pages, t0_ms)


def run_b(exe, config, kind, work, reference):
    label = "B/%s killed" % kind
    kill_at, restart_at = 3.0, (6.0 if kind == "file" else 4.5)
    store = store_spec(kind, fresh(work, "b"))
    d = Daemon(exe, store, config, label=label + " (first)")
    ok = start_incident(d)
    t0_min, t0_ms = ok["minute"], ok["time_ms"]
    if kind == "file":
        d.pump_until(wall_at_minute(d.ready, t0_min + 2))
        d.send("snapshot")
        snap = d.wait(lambda o: o["kind"] in ("ok", "error"), 10, "snapshot reply")
        check(snap["kind"] == "ok", "%s: snapshot at +2 (%s)" % (label, snap))
    d.pump_until(wall_at_minute(d.ready, t0_min + kill_at))
    killed_at = observed_minute(d.ready, time.time())
    d.kill()
    check(d.proc.returncode == -signal.SIGKILL, "%s: SIGKILL at +%.3f" % (label, killed_at - t0_min))
    before = d.objs("page")
    confirmed = {o["page"] for _, o in d.objs("receipt")}
    check([o["page"] for _, o in before] == [1] and confirmed == {1},
          "%s: before the kill page 1 was printed and confirmed SENT (pages %s, receipts %s)"
          % (label, [o["page"] for _, o in before], sorted(confirmed)))

    # Down for a while, then the same store again (no --config: not needed).
    time.sleep(max(0, wall_at_minute(d.ready, t0_min + restart_at) - time.time()))
    restarted_at = observed_minute(d.ready, time.time())
    r = Daemon(exe, store, None, label=label + " (restarted)")
    rd = r.ready
    check(not rd["first_start"] and not rd["stopped"] and rd["replayed"] > 0,
          "%s: reopened from the store, %d records replayed, not stopped" % (label, rd["replayed"]))
    check(all(rd[k] == d.ready[k] for k in ("epoch_ms", "anchor_siren_ms", "anchor_wall_us",
                                              "minute_ms")),
          "%s: the same time base after the restart" % label)
    check(abs(rd["minute"] - observed_minute(d.ready, time.time())) < LATE_TOL and
          rd["minute"] >= restarted_at - EARLY_EPS,
          "%s: siren time went on while down: restarted at +%.3f (killed at +%.3f)"
          % (label, rd["minute"] - t0_min, killed_at - t0_min))
    check(rd["reannounced"] == 0, "%s: nothing re-announced (%d)" % (label, rd["reannounced"]))
    r.pump_until(wall_at_minute(rd, t0_min + 20.5))
    check(nothing_scheduled(r), "%s: nothing scheduled after the engagement completed" % label)
    r.bye = r.quit()
    after = r.objs("page")
    check(not any(o["repeat"] for _, o in after), "%s: no page marked repeat" % label)
    check(not [o["page"] for _, o in after if o["page"] in confirmed],
          "%s: pages confirmed SENT before the kill are not announced again" % label)
    ids_before = [o["page"] for _, o in before]
    ids_after = [o["page"] for _, o in after]
    check(ids_after and min(ids_after) == max(ids_before) + 1 and
          sorted(ids_before + ids_after) == list(range(1, len(ids_before) + len(ids_after) + 1)),
          "%s: page ids continue: %s then %s (none reused, none skipped)"
          % (label, ids_before, ids_after))
    check_expected(label, before + after, t0_ms)
    # A stage that fell due while pagerd was down fires on its first advance,
    # right after "ready" (process start-up and replay are not clock error).
    check_arrivals(label + " after restart", rd, after, t0_min,
                   not_before=observed_minute(rd, r.ready_time))
    if kind == "file":
        late = [o for _, o in after if o["page"] == 2]
        check(late and late[0]["time_ms"] - t0_ms == 5 * MIN and
              late[0]["now_minute"] >= restarted_at - EARLY_EPS,
              "%s: the minute-5 stage that fell due while down fired on restart with its own time"
              % label)
    check(page_set(before + after, t0_ms) == reference,
          "%s: the final page set equals the uninterrupted run's" % label)
    return restarted_at - killed_at, store


def run_c(exe, config, kind, work):
    label = "C/%s crash after print" % kind
    store = store_spec(kind, fresh(work, "c"))
    d = Daemon(exe, store, config, extra=["--crash-after-print", "2"], label=label + " (first)")
    ok = start_incident(d)
    t0_min = ok["minute"]
    try:
        d.proc.wait(wall_at_minute(d.ready, t0_min + 8) - time.time())
    except subprocess.TimeoutExpired:
        pass
    d.pump_until(time.time() + 0.05)
    check(d.proc.returncode == -signal.SIGKILL, "%s: died right after printing page 2 (%s)"
          % (label, d.proc.returncode))
    p2 = [o for _, o in d.objs("page") if o["page"] == 2]
    check(len(p2) == 1 and 2 not in {o["page"] for _, o in d.objs("receipt")},
          "%s: page 2 printed, no SENT receipt" % label)
    r = Daemon(exe, store, None, label=label + " (restarted)")
    check(r.ready["reannounced"] == 1, "%s: one page re-announced (%s)"
          % (label, r.ready.get("reannounced")))
    again = [o for _, o in r.objs("page")]
    check(len(again) == 1 and p2 and again[0]["page"] == 2 and again[0]["repeat"] and
          again[0]["code"] == p2[0]["code"] and again[0]["time_ms"] == p2[0]["time_ms"],
          "%s: page 2 announced again before ready, same id, code and time, marked repeat" % label)
    check([o["page"] for _, o in r.objs("receipt")] == [2],
          "%s: its SENT receipt is stored before ready" % label)
    r.send("accept 2 000000" if p2 and p2[0]["code"] != "000000" else "accept 2 111111")
    bad = r.wait(lambda o: o["kind"] in ("ok", "error"), 10, "accept reply")
    check(bad["kind"] == "error" and bad["status"] == SIREN_EDENIED,
          "%s: a wrong code is denied (%s)" % (label, bad.get("error")))
    r.send("accept 2 %s" % (p2[0]["code"] if p2 else "x"))
    acc = r.wait(lambda o: o["kind"] in ("ok", "error"), 10, "accept reply")
    check(acc["kind"] == "ok", "%s: page 2 accepted with its code (%s)" % (label, acc))
    r.pump_until(wall_at_minute(r.ready, t0_min + 10.5))
    check(not [o for _, o in r.objs("page") if o["page"] != 2],
          "%s: the acceptance stopped the escalation: no page at +10" % label)
    r.send("resolve 1")
    res = r.wait(lambda o: o["kind"] in ("ok", "error"), 10, "resolve reply")
    check(res["kind"] == "ok", "%s: incident 1 resolved (%s)" % (label, res))
    r.send("resolve 1")
    res = r.wait(lambda o: o["kind"] in ("ok", "error"), 10, "resolve reply")
    check(res["kind"] == "error", "%s: resolving it twice is an error (%s)" % (label, res.get("error")))
    check(nothing_scheduled(r), "%s: nothing scheduled" % label)
    r.quit()


def run_d(exe, config, kind, work, store_b):
    """Recovery corners on stores the runs above left behind."""
    label = "D/%s" % kind
    # A store without its time base file: a first start that did not finish
    # (killed while loading the configuration). It is emptied and redone.
    store_a = store_spec(kind, os.path.join(work, "a"))
    os.unlink(store_a.split(":", 1)[1] + ".pagerd")
    d = Daemon(exe, store_a, config, label=label + " unfinished first start")
    d.quit()
    check(d.ready["first_start"] and d.ready["records"] == 11 and
          any("did not finish" in e for e in d.stderr),
          "%s: a store without its time base is emptied and configured again (%d records; %s)"
          % (label, d.ready["records"], d.stderr))
    path_b = store_b.split(":", 1)[1]
    d = Daemon(exe, store_b, None, label=label + " count")
    records = d.quit()["records"]
    if kind == "file":
        # A torn tail (a frame that was being written): cut by the store.
        with open(path_b, "ab") as f:
            f.write(b"\x40\x00\x00\x00torn")
        d = Daemon(exe, store_b, None, label=label + " torn tail")
        d.quit()
        check(not d.ready["stopped"] and d.ready["replayed"] == records and
              any("cut 8 bytes" in e for e in d.stderr),
              "%s: a torn tail is cut and reported, all %d records replay (%s)"
              % (label, records, d.stderr))
    else:
        try:
            import sqlite3
        except ImportError:
            print("skip: %s: no sqlite3 module in this Python" % label)
            return
        # A damaged last record (what a bad disk or a bad seal looks like):
        # replay stops there, pagerd cuts the store to report.bytes.
        db = sqlite3.connect(path_b)
        db.execute("UPDATE records SET body = substr(body, 1, 20) || "
                   "(CASE WHEN substr(body, 21, 1) = x'00' THEN x'01' ELSE x'00' END) || "
                   "substr(body, 22) WHERE seq = (SELECT max(seq) FROM records)")
        db.commit()
        db.close()
        d = Daemon(exe, store_b, None, label=label + " damaged record")
        # (What the lost record did is done again now, if it was a firing:
        # the engine appends after the cut.)
        records = d.quit()["records"]
        check(d.ready["stopped"] and d.ready["replayed"] == d.ready["records"] and
              any("cutting the store to %d records" % d.ready["records"] in e for e in d.stderr),
              "%s: replay stops at the damaged record, the store is cut to the %d before it (%s)"
              % (label, d.ready["replayed"], d.stderr))
        d = Daemon(exe, store_b, None, label=label + " after the cut")
        d.quit()
        check(not d.ready["stopped"] and d.ready["replayed"] == records,
              "%s: the next start replays all %d records cleanly (%d)"
              % (label, records, d.ready["replayed"]))


def main():
    if len(sys.argv) != 5 or sys.argv[3] not in ("file", "sqlite"):
        print(__doc__, file=sys.stderr)
        return 2
    exe, config, kind, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    started = time.time()
    try:
        reference = run_a(exe, config, kind, work)
        gap, store_b = run_b(exe, config, kind, work, reference)
        print("(%s: down for %.2f siren minutes between the kill and the restart)" % (kind, gap))
        run_c(exe, config, kind, work)
        run_d(exe, config, kind, work, store_b)
    except RuntimeError as e:
        check(False, str(e))
    finally:
        for d in daemons:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()
    print("%s: %.1f s" % (kind, time.time() - started))
    if failures:
        print("\n%d check(s) failed" % len(failures))
        return 1
    print("\npagerd on the %s store survives kill -9" % kind)
    return 0


if __name__ == "__main__":
    sys.exit(main())
