"""Tests of the webhook example host: real HTTP requests on loopback against
a server whose engine runs on a simulated clock (SimHost: nothing sleeps),
fed with the real payloads of ../shared/corpus/triggers/; and the incident
page in headless Chromium (skipped when no chromium is on PATH).

    SIREN_LIBRARY=build/libsiren.so.0 PYTHONPATH=bindings/python:examples/webhook \\
        python3 -m unittest -v examples/webhook/test_webhook.py

WEBHOOK_CORPUS names the triggers directory when it is not at
../shared/corpus/triggers from the repository's parent.
"""
from __future__ import annotations

import copy
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from siren.host import SimHost

import webhook

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "ec2-high-cpu"
CORPUS = pathlib.Path(os.environ.get("WEBHOOK_CORPUS")
                      or HERE.parents[2] / "shared" / "corpus" / "triggers")

AM_ONE = "alertmanager-webhook-prometheus-msteams-prom_post_request.json"
AM_MULTI = "alertmanager-webhook-prometheus-msteams-multi-alert-payload.json"
CW_SNS = "cloudwatch-alarm-sns-lambda-event-single-metric.json"
CW_EB = "cloudwatch-eventbridge-alarm-state-change-single-metric.json"
CW_COMPOSITE = "cloudwatch-eventbridge-alarm-state-change-composite-suppressor.json"


# Payloads written here, in the documented shapes, so that the responder and
# browser tests run where the third-party corpus is not present.
OWN = {
    CW_EB: {
        "version": "0", "id": "00000000-0000-0000-0000-000000000001",
        "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch",
        "account": "111122223333", "time": "2026-01-05T09:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:cloudwatch:us-east-1:111122223333:alarm:EC2HighCPU"],
        "detail": {
            "alarmName": "EC2HighCPU",
            "configuration": {"description": "CPU above 85% for 5 minutes"},
            "previousState": {"value": "OK", "reason": "fine",
                              "timestamp": "2026-01-05T08:55:00.000+0000"},
            "state": {"value": "ALARM", "reason": "Threshold Crossed: 91.2 > 85.0",
                      "timestamp": "2026-01-05T09:00:00.000+0000"}}},
}


def corpus(name: str):
    path = CORPUS / name
    if not path.exists():
        if name in OWN:
            return copy.deepcopy(OWN[name])
        raise unittest.SkipTest("corpus payload %s not found (set WEBHOOK_CORPUS)" % path)
    return json.loads(path.read_text())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


class ServerCase(unittest.TestCase):
    def setUp(self) -> None:
        self.host = SimHost()
        self.app = webhook.App(
            self.host, default_plan="EC2HighCPU",
            configs=(str(EXAMPLE / "contacts.yaml"), str(EXAMPLE / "response-plan.yaml")),
            runbooks=(("ec2-cpu-util-runbook", str(EXAMPLE / "ec2-cpu-util-runbook.yaml")),))
        self.srv = webhook.make_server(self.app, "127.0.0.1", 0)
        self.base = "http://127.0.0.1:%d" % self.srv.server_address[1]
        self.thread = threading.Thread(target=self.srv.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def tearDown(self) -> None:
        self.srv.shutdown()
        self.srv.server_close()
        self.thread.join(5)
        self.app.engine.close()

    def request(self, method: str, path: str, body=None, *, form: bool = False):
        """(status, headers, parsed JSON or text) of one real HTTP request."""
        data, headers = None, {}
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            resp = opener.open(req, timeout=10)
            status, hdrs, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            status, hdrs, raw = err.code, err.headers, err.read()
        if hdrs.get("Content-Type", "").startswith("application/json"):
            return status, hdrs, json.loads(raw)
        return status, hdrs, raw.decode()

    def post(self, path: str, body, **kw):
        return self.request("POST", path, body, **kw)

    def incidents(self):
        status, _, body = self.request("GET", "/incidents")
        self.assertEqual(status, 200)
        return body["incidents"]


class AlertmanagerTest(ServerCase):
    def test_firing_starts_then_dedupes_then_resolves(self):
        payload = corpus(AM_ONE)
        status, _, body = self.post("/alertmanager", payload)
        self.assertEqual(status, 200, body)
        (r,) = body["results"]
        self.assertEqual(r["action"], "started")
        inc = r["incident"]
        self.assertIn('alertname="high_memory_load"', r["trigger"])

        status, _, body = self.post("/alertmanager", payload)   # Alertmanager repeats
        self.assertEqual(body["results"][0], dict(r, action="deduplicated"))
        (i,) = self.incidents()
        self.assertEqual((i["id"], i["status"], i["triggerCount"]), (inc, "OPEN", 2))
        self.assertEqual(i["triggerSource"], "prometheus.alertmanager")
        self.assertEqual(i["title"], "Server High Memory usage")
        self.assertEqual(i["impact"], 3)                         # severity: warning
        self.assertEqual(len(self.app.outbox), 1)                # one page, not two

        resolved = copy.deepcopy(payload)
        resolved["status"] = "resolved"
        resolved["alerts"][0]["endsAt"] = "2018-03-07T06:43:21.873077559-05:00"
        status, _, body = self.post("/alertmanager", resolved)
        self.assertEqual(body["results"][0]["action"], "resolved")
        (i,) = self.incidents()
        self.assertEqual(i["status"], "RESOLVED")
        # Nothing open any more: a second resolved notification changes nothing,
        # a new firing opens a new incident.
        _, _, body = self.post("/alertmanager", resolved)
        self.assertEqual(body["results"][0]["action"], "none")
        _, _, body = self.post("/alertmanager", payload)
        self.assertEqual(body["results"][0]["action"], "started")
        self.assertNotEqual(body["results"][0]["incident"], inc)

    def test_each_alert_of_a_group_is_its_own_incident(self):
        payload = corpus(AM_MULTI)
        status, _, body = self.post("/alertmanager", payload)
        self.assertEqual(status, 200, body)
        self.assertEqual([r["action"] for r in body["results"]], ["started"] * 3)
        self.assertEqual(len({r["incident"] for r in body["results"]}), 3)
        incs = self.incidents()
        self.assertEqual([i["impact"] for i in incs], [4, 4, 4])   # severity: info
        # One alert of the group resolves (per-alert status): only its incident.
        payload["alerts"][1]["status"] = "resolved"
        _, _, body = self.post("/alertmanager", payload)
        self.assertEqual([r["action"] for r in body["results"]],
                         ["deduplicated", "resolved", "deduplicated"])
        self.assertEqual([i["status"] for i in self.incidents()],
                         ["OPEN", "RESOLVED", "OPEN"])

    def test_plan_from_label_query_or_default(self):
        payload = corpus(AM_ONE)
        payload["alerts"][0]["labels"]["siren_response_plan"] = "NoSuchPlan"
        status, _, body = self.post("/alertmanager", payload)
        self.assertEqual(status, 404, body)
        self.app.default_plan = None
        status, _, body = self.post("/alertmanager", corpus(AM_ONE))
        self.assertEqual(status, 422, body)
        status, _, body = self.post("/alertmanager?plan=EC2HighCPU", corpus(AM_ONE))
        self.assertEqual(status, 200, body)

    def test_bad_payloads(self):
        self.assertEqual(self.post("/alertmanager", {"status": "firing"})[0], 400)
        self.assertEqual(self.post("/cloudwatch", {"hello": 1})[0], 400)
        req = urllib.request.Request(self.base + "/alertmanager", data=b"{not json",
                                     method="POST")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 400)
        self.assertEqual(self.request("GET", "/incidents/99")[0], 404)
        self.assertEqual(self.request("GET", "/nope")[0], 404)


class CloudWatchTest(ServerCase):
    def test_sns_alarm_then_ok(self):
        payload = corpus(CW_SNS)
        status, _, body = self.post("/cloudwatch", payload)
        self.assertEqual(status, 200, body)
        (r,) = body["results"]
        self.assertEqual(r["action"], "started")
        self.assertEqual(r["trigger"], "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE")
        self.assertEqual(self.post("/cloudwatch", payload)[2]["results"][0]["action"],
                         "deduplicated")
        # The same alarm as SNS delivers it over HTTP (the Sns object itself), OK.
        sns = payload["Records"][0]["Sns"]
        msg = json.loads(sns["Message"])
        msg.update(NewStateValue="OK", OldStateValue="ALARM")
        ok = dict(sns, Message=json.dumps(msg))
        _, _, body = self.post("/cloudwatch", ok)
        self.assertEqual(body["results"][0], dict(r, action="resolved"))
        (i,) = self.incidents()
        self.assertEqual((i["status"], i["triggerSource"]), ("RESOLVED", "aws.cloudwatch"))

    def test_eventbridge_alarm_state_changes(self):
        single = corpus(CW_EB)
        _, _, body = self.post("/cloudwatch", single)
        self.assertEqual(body["results"][0]["action"], "started")
        _, _, body = self.post("/cloudwatch", corpus(CW_COMPOSITE))
        self.assertEqual(body["results"][0]["action"], "started")
        incs = self.incidents()
        self.assertEqual([i["triggerArn"] for i in incs],
                         ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh",
                          "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
                          "ServiceAggregatedAlarm"])
        self.assertTrue(incs[0]["title"].startswith("ServerCpuTooHigh: Goes into alarm"))
        back = copy.deepcopy(single)
        back["detail"]["state"], back["detail"]["previousState"] = \
            single["detail"]["previousState"], single["detail"]["state"]
        _, _, body = self.post("/cloudwatch", back)
        self.assertEqual(body["results"][0]["action"], "resolved")
        self.assertEqual([i["status"] for i in self.incidents()], ["RESOLVED", "OPEN"])
        insufficient = copy.deepcopy(single)
        insufficient["detail"]["state"]["value"] = "INSUFFICIENT_DATA"
        _, _, body = self.post("/cloudwatch", insufficient)
        self.assertEqual(body["results"][0]["action"], "ignored")


class OwnPayloadTest(ServerCase):
    """Alertmanager's webhook (version 4) in a payload written here: firing,
    repeated, resolved."""

    def payload(self, status: str):
        alert = {"status": status,
                 "labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "critical"},
                 "annotations": {"summary": "Disk full on db-1"},
                 "startsAt": "2026-01-05T09:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}
        return {"version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "status": status,
                "receiver": "siren", "groupLabels": {"alertname": "DiskFull"},
                "commonLabels": alert["labels"], "commonAnnotations": alert["annotations"],
                "externalURL": "http://alertmanager.example:9093", "alerts": [alert]}

    def test_firing_repeated_resolved(self):
        status, _, body = self.post("/alertmanager", self.payload("firing"))
        self.assertEqual(status, 200, body)
        (r,) = body["results"]
        self.assertEqual(r["action"], "started")
        _, _, body = self.post("/alertmanager", self.payload("firing"))
        self.assertEqual(body["results"][0]["action"], "deduplicated")
        (i,) = self.incidents()
        self.assertEqual((i["title"], i["impact"], i["triggerCount"]),
                         ("Disk full on db-1", 1, 2))
        self.assertEqual(len(self.app.outbox), 1)
        _, _, body = self.post("/alertmanager", self.payload("resolved"))
        self.assertEqual(body["results"][0]["action"], "resolved")
        self.assertEqual([i["status"] for i in self.incidents()], ["RESOLVED"])


class ResponderTest(ServerCase):
    def start(self) -> int:
        _, _, body = self.post("/cloudwatch", corpus(CW_EB))
        return body["results"][0]["incident"]

    def test_accept_with_code_stops_escalation(self):
        inc = self.start()
        (n,) = self.app.outbox
        self.assertEqual(n.contact, "incident-responder")
        status, _, body = self.post("/pages/%d/accept" % n.page, {"code": "000000"})
        self.assertEqual(status, 403, body)
        status, _, body = self.post("/pages/%d/accept" % n.page,
                                    {"code": n.code, "note": "on it"})
        self.assertEqual((status, body), (200, {"page": n.page, "incident": inc,
                                                "accepted": True}))
        self.app.run_until(self.host.minute(30))
        self.assertEqual(len(self.app.outbox), 1)   # accepted: no stage 2, no retries
        _, _, d = self.request("GET", "/incidents/%d.json" % inc)
        self.assertTrue(d["acknowledged"])
        (p,) = d["pages"]
        self.assertEqual(p["acceptedTime"], self.host.minute(0))
        self.assertIn("SENT", [r["type"] for r in p["receipts"]])
        self.assertEqual(self.post("/pages/999/accept", {"code": "1"})[0], 404)

    def test_escalation_on_the_simulated_clock(self):
        inc = self.start()
        self.app.run_until(self.host.minute(7))
        self.assertEqual([n.contact for n in self.app.outbox],
                         ["incident-responder", "sr-incident-responder"])
        _, _, body = self.request("GET", "/outbox")
        self.assertEqual([p["incident"] for p in body["pages"]], [inc, inc])

    def test_deadline_thread(self):
        """The background loop of a real-time server, here on the simulated
        clock: once now passes the stage-2 deadline it pages by itself."""
        self.start()
        stop = threading.Event()
        t = threading.Thread(target=self.app.deadline_loop, args=(stop, 0.02), daemon=True)
        t.start()
        try:
            with self.app.lock:
                self.host.now = self.host.minute(5)
            deadline = time.monotonic() + 10
            while len(self.app.outbox) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            stop.set()
            t.join(5)
        self.assertEqual([n.contact for n in self.app.outbox],
                         ["incident-responder", "sr-incident-responder"])

    def test_forms_redirect_to_the_page(self):
        inc = self.start()
        (n,) = self.app.outbox
        status, hdrs, _ = self.post("/pages/%d/accept" % n.page, {"code": "1"}, form=True)
        self.assertEqual(status, 303)
        self.assertTrue(hdrs["Location"].startswith("/incidents/%d?msg=" % inc))
        status, _, page = self.request("GET", hdrs["Location"])
        self.assertIn("not acknowledged", page)
        status, hdrs, _ = self.post("/pages/%d/accept" % n.page, {"code": n.code}, form=True)
        self.assertEqual((status, hdrs["Location"]),
                         (303, "/incidents/%d?msg=page%%20%d%%20acknowledged" % (inc, n.page)))
        status, hdrs, _ = self.post("/incidents/%d/resolve" % inc, {}, form=True)
        self.assertEqual((status, hdrs["Location"]), (303, "/incidents/%d?msg=resolved" % inc))
        self.assertEqual(self.incidents()[0]["status"], "RESOLVED")
        _, _, page = self.request("GET", "/incidents/%d" % inc)
        self.assertNotIn("id='resolve'", page)

    def test_resolve_json(self):
        inc = self.start()
        status, _, body = self.post("/incidents/%d/resolve" % inc, {})
        self.assertEqual((status, body), (200, {"incident": inc, "status": "RESOLVED"}))

    def test_incident_page(self):
        inc = self.start()
        self.app.run_until(self.host.minute(6))
        status, hdrs, page = self.request("GET", "/incidents/%d" % inc)
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["Content-Type"].startswith("text/html"))
        for needle in ("<svg id=\"timeline-chart\"", "class=\"event\"", "incident.created",
                       "page.sent", "id='status' class='OPEN'", "3 (Medium)",
                       "action='/pages/1/accept'", "action='/pages/2/accept'",
                       "Acknowledge</button>", "id='resolve'", "SENT"):
            self.assertIn(needle, page)


# --------------------------------------------------------------- Chromium

def find_chromium():
    for name in ("chromium", "chromium-headless-shell", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """The Chrome DevTools protocol over --remote-debugging-pipe: JSON
    messages separated by NUL bytes, Chromium reading fd 3 and writing fd 4
    (no websocket, so the standard library is enough)."""

    def __init__(self, exe: str, profile: str) -> None:
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # A small Python trampoline puts Chromium's ends on fds 3 and 4 and
        # execs it (a POSIX shell's redirections take single-digit fds only).
        trampoline = ("import os, sys\n"
                      "r, w = int(sys.argv[1]), int(sys.argv[2])\n"
                      "r3, w4 = os.dup(r), os.dup(w)\n"
                      "os.dup2(r3, 3); os.dup2(w4, 4)\n"
                      "os.set_inheritable(3, True); os.set_inheritable(4, True)\n"
                      "for fd in {r, w, r3, w4} - {3, 4}: os.close(fd)\n"
                      "os.execv(sys.argv[3], sys.argv[3:])\n")
        cmd = [sys.executable, "-c", trampoline, str(to_r), str(from_w),
               exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--no-default-browser-check", "--disable-extensions",
               "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(cmd, pass_fds=(to_r, from_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_r)
        os.close(from_w)
        self._id = 0
        self._buf = b""
        self.events: list = []

    def _read(self, deadline: float):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            r, _, _ = select.select([self._from_r], [], [], left)
            if r:
                chunk = os.read(self._from_r, 65536)
                if not chunk:
                    try:
                        self.proc.wait(5)
                    except subprocess.TimeoutExpired:
                        pass
                    err = self.proc.stderr.read().decode(errors="replace") \
                        if self.proc.poll() is not None else "(still running)"
                    raise EOFError("chromium closed the pipe: " + err[-3000:])
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params=None, session=None, timeout: float = 20):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, session=None, timeout: float = 20):
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and (session is None
                                                 or m.get("sessionId") == session):
                    return self.events.pop(i)
            self.events.append(self._read(deadline))

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()
        os.close(self._to_w)
        os.close(self._from_r)


class ChromiumTest(ServerCase):
    """Loads the incident page in headless Chromium, types the page's code
    and presses Acknowledge, then reads the page it lands on."""

    def setUp(self) -> None:
        self.exe = find_chromium()
        if self.exe is None:
            print("\nskipped: no chromium on PATH (Debian: apt-get install chromium)")
            raise unittest.SkipTest("no chromium (or chromium-headless-shell) on PATH")
        super().setUp()

    def test_acknowledge_in_the_browser(self):
        t0 = time.monotonic()
        _, _, body = self.post("/cloudwatch", corpus(CW_EB))
        inc = body["results"][0]["incident"]
        self.app.run_until(self.host.minute(6))           # page 2 to the senior responder
        n = self.app.outbox[-1]
        with tempfile.TemporaryDirectory() as profile:
            cdp = DevTools(self.exe, profile)
            try:
                target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
                s = cdp.send("Target.attachToTarget",
                             {"targetId": target, "flatten": True})["sessionId"]
                cdp.send("Page.enable", session=s)

                def js(expr: str):
                    r = cdp.send("Runtime.evaluate", {"expression": expr,
                                                      "returnByValue": True}, session=s)
                    if "exceptionDetails" in r:
                        raise AssertionError("%s: %s" % (expr, r["exceptionDetails"]))
                    return r["result"].get("value")

                cdp.send("Page.navigate", {"url": "%s/incidents/%d" % (self.base, inc)},
                         session=s)
                cdp.wait_event("Page.loadEventFired", s)
                row = "#page-%d" % n.page
                self.assertEqual(js("document.querySelector('#acknowledged').textContent"),
                                 "no")
                self.assertEqual(js("document.querySelector('%s .state').textContent" % row),
                                 "waiting")
                self.assertGreaterEqual(
                    js("document.querySelectorAll('#timeline-chart circle.event').length"), 4)
                # Type the code into the page's field, then click Acknowledge.
                js("document.querySelector('%s input[name=code]').focus()" % row)
                cdp.send("Input.insertText", {"text": n.code}, session=s)
                box = js("(() => { const r = document.querySelector('%s button')"
                         ".getBoundingClientRect(); return [r.x + r.width / 2,"
                         " r.y + r.height / 2]; })()" % row)
                for kind in ("mousePressed", "mouseReleased"):
                    cdp.send("Input.dispatchMouseEvent",
                             {"type": kind, "x": box[0], "y": box[1], "button": "left",
                              "clickCount": 1}, session=s)
                cdp.wait_event("Page.loadEventFired", s)   # POST, 303, GET
                self.assertEqual(js("location.pathname"), "/incidents/%d" % inc)
                self.assertEqual(js("document.querySelector('#acknowledged').textContent"),
                                 "yes")
                self.assertEqual(js("document.querySelector('%s .state').textContent" % row),
                                 "accepted")
                self.assertIn("acknowledged", js("document.querySelector('#message')"
                                                 ".textContent"))
                self.assertIsNone(js("document.querySelector('%s form')" % row))
                # Resolve from the page too.
                js("document.querySelector('#resolve').click()")
                cdp.wait_event("Page.loadEventFired", s)
                self.assertEqual(js("document.querySelector('#status').textContent"),
                                 "RESOLVED")
            finally:
                cdp.close()
        self.assertTrue(self.app.engine.incident(inc).info().acknowledged)
        self.assertNotEqual(self.app.engine.page(n.page).info().accepted_time, 0)
        print("\nchromium test: %.1f s (%s)" % (time.monotonic() - t0, self.exe))


if __name__ == "__main__":
    unittest.main()
