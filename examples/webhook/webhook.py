#!/usr/bin/env python3
"""webhook: an example siren host that receives alerts over HTTP.

Prometheus Alertmanager webhooks (POST /alertmanager) and CloudWatch alarm
notifications (POST /cloudwatch: an SNS HTTP notification, SNS records as a
Lambda receives them, or an EventBridge "CloudWatch Alarm State Change"
event) become StartIncident calls when they fire and resolve the incident
they started when they clear. Responders acknowledge pages with the code
their page carried (POST /pages/<id>/accept) and see each incident on a
small page (GET /incidents/<id>): status, impact, the timeline (an SVG
chart and the events), the pages with their receipts, an Acknowledge form
per page and a Resolve button.

    python3 webhook.py --config contacts.yaml --config response-plan.yaml \\
        --runbook ec2-cpu-util-runbook=ec2-cpu-util-runbook.yaml \\
        --plan EC2HighCPU --db siren.db --port 8080

Standard library only (plus the siren binding: PYTHONPATH=bindings/python,
SIREN_LIBRARY=build/libsiren.so.0). The engine is not thread-safe: every
engine call here holds App.lock, and one background thread sleeps until
the engine's next deadline and advances it. Pages are "delivered" to an
outbox (printed, and listed at GET /outbox): a real host would send email
or SMS there.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import logging
import pathlib
import re
import signal
import sys
import threading
import urllib.parse
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

import siren
from siren.host import RealTimeHost
from siren.types import (NO_DEADLINE, IncidentStatus, PageNotification, ReceiptType)

log = logging.getLogger("webhook")

SOURCE_ALERTMANAGER = "prometheus.alertmanager"
SOURCE_CLOUDWATCH = "aws.cloudwatch"
PLAN_LABEL = "siren_response_plan"
# Alertmanager severity label -> Incident Manager impact (1 critical .. 5 none).
SEVERITY_IMPACT = {"critical": 1, "page": 1, "high": 2, "error": 2, "major": 2,
                   "warning": 3, "medium": 3, "minor": 4, "low": 4, "info": 4,
                   "none": 5}
IMPACT_NAMES = {1: "Critical", 2: "High", 3: "Medium", 4: "Low", 5: "No impact"}


class BadRequest(Exception):
    """A payload or request the server refuses (HTTP 400 unless status)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def parse_time(s: Optional[str]) -> int:
    """An RFC 3339 / ISO 8601 time ("2018-03-07T06:33:21.873077559-05:00",
    "2015-06-03T17:43:27.123+0000") in ms since the epoch; 0 when absent,
    unparsable or before 1970 (Alertmanager's "0001-01-01T00:00:00Z")."""
    if not s:
        return 0
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[.,](\d+))?"
                     r"(Z|[+-]\d\d:?\d\d)?", s.strip())
    if not m:
        return 0
    try:
        base = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return 0
    tz = m.group(3) or "Z"
    offset = 0
    if tz != "Z":
        digits = tz[1:].replace(":", "")
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60
        if tz[0] == "-":
            offset = -offset
    ms = int(((m.group(2) or "") + "000")[:3])
    t = int(base.replace(tzinfo=timezone.utc).timestamp()) - offset
    return t * 1000 + ms if t > 0 else 0


def fmt_time(ms: int) -> str:
    if not ms:
        return ""
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def alert_identity(labels: Dict[str, str]) -> str:
    """The trigger ARN of an Alertmanager alert: its label set, sorted (what
    Alertmanager's own fingerprint is computed from, so the firing and the
    resolved notifications of one alert agree, with or without a
    fingerprint member), hashed when too long for a trigger ARN."""
    text = "{" + ",".join('%s="%s"' % (k, labels[k]) for k in sorted(labels)) + "}"
    if len(text) > 900:
        text = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return "alertmanager:" + text


def incident_number(arn: str) -> int:
    """The id at the end of an incident ARN ("siren:incident/PLAN/7")."""
    m = re.search(r"/(\d+)$", arn or "")
    return int(m.group(1)) if m else 0


class App:
    """The engine, its lock and the webhook mappings. ``host`` is any siren
    host (RealTimeHost in production, SimHost in tests); the App wraps its
    notify to keep an outbox and record SENT receipts."""

    def __init__(self, host: Any, *, default_plan: Optional[str] = None,
                 configs: Tuple[str, ...] = (), runbooks: Tuple[Tuple[str, str], ...] = (),
                 reopen: bool = False) -> None:
        self.host = host
        self.default_plan = default_plan
        self.lock = threading.RLock()
        self.wake = threading.Condition(self.lock)
        self.outbox: List[PageNotification] = []
        self._unreceipted: List[PageNotification] = []
        self.report = None
        if reopen:  # rebuild from the host's records (Engine.open)
            self.engine, self.report = siren.Engine.open(host, notify=self._notify)
            self._after()
        else:
            self.engine = siren.Engine(host, notify=self._notify)
        for name, path in runbooks:
            self.engine.load_runbook(name, pathlib.Path(path))
        for path in configs:
            res = self.engine.load_config(pathlib.Path(path))
            if res.errors:
                raise SystemExit("%s: %s" % (path, "; ".join(res.problems)))

    # -- host side ---------------------------------------------------------

    def _notify(self, n: Any) -> None:
        # Called by siren inside an engine call: only collect here (a
        # callback must not call back into the engine).
        host_notify = getattr(self.host, "notify", None)
        if host_notify is not None and host_notify is not self._notify:
            host_notify(n)
        if isinstance(n, PageNotification):
            self.outbox.append(n)
            self._unreceipted.append(n)
            log.info("page %d to %s (%s %s): %s [code %s]", n.page, n.contact,
                     n.channel_type, n.address, n.subject, n.code)

    def _after(self) -> None:
        """Records the SENT receipt of each page delivered during the last
        engine call (the outbox took it)."""
        while self._unreceipted:
            n = self._unreceipted.pop(0)
            try:
                self.engine.page(n.page).receipt(ReceiptType.SENT, "outbox")
            except siren.SirenError as exc:
                log.warning("receipt of page %d: %s", n.page, exc)

    def call(self, fn, *args, **kw):
        """Runs fn (an engine operation) under the lock, then the receipts;
        wakes the deadline thread (the next deadline may have moved)."""
        with self.lock:
            try:
                return fn(*args, **kw)
            finally:
                self._after()
                self.wake.notify_all()

    def advance_due(self) -> int:
        """Fires everything due at the host clock's now."""
        with self.lock:
            fired = 0
            while True:
                d = self.engine.next_deadline()
                if d == NO_DEADLINE or d > self.host.clock():
                    break
                fired += self.engine.advance()
                self._after()
            return fired

    def run_until(self, t: int) -> int:
        """For a simulated host (SimHost): moves its clock to t, firing
        everything due on the way."""
        with self.lock:
            try:
                return self.host.run_until(self.engine, t)
            finally:
                self._after()

    def deadline_loop(self, stop: threading.Event, poll_s: float = 5.0) -> None:
        """Sleeps until the next deadline (or a change, or poll_s) and
        advances: the background thread of a real-time server."""
        while not stop.is_set():
            with self.lock:
                d = self.engine.next_deadline()
                wait = poll_s if d == NO_DEADLINE else \
                    max(0.0, min(poll_s, (d - self.host.clock()) / 1000.0))
                if wait > 0:
                    self.wake.wait(wait)
            if not stop.is_set():
                try:
                    self.advance_due()
                except Exception:  # keep serving; siren logged the cause
                    log.exception("advance")

    # -- triggers ----------------------------------------------------------

    def _plan(self, *candidates: Optional[str]) -> str:
        for c in candidates + (self.default_plan,):
            if c:
                return c
        raise BadRequest("no response plan: give --plan, ?plan= or the label "
                         + PLAN_LABEL, 422)

    def _open_incident(self, source: str, arn: str) -> Optional[siren.Incident]:
        for inc in self.engine.incidents(statuses=[IncidentStatus.OPEN]):
            info = inc.info()
            if info.trigger_source == source and info.trigger_arn == arn:
                return inc
        return None

    def _start(self, plan: str, source: str, arn: str, title: str, impact: int,
               when: int, raw: str) -> Dict[str, Any]:
        inc = self.engine.start_incident(plan, source, title=title[:200] or None,
                                         impact=impact, trigger_arn=arn,
                                         trigger_time=min(when, self.host.clock()),
                                         trigger_raw_data=raw[:10000])
        return {"trigger": arn, "incident": inc.id,
                "action": "deduplicated" if inc.deduplicated else "started"}

    def _resolve(self, source: str, arn: str) -> Dict[str, Any]:
        inc = self._open_incident(source, arn)
        if inc is None:
            return {"trigger": arn, "action": "none", "incident": 0}
        inc.resolve()
        return {"trigger": arn, "action": "resolved", "incident": inc.id}

    def alertmanager(self, body: Any, plan: Optional[str] = None) -> List[Dict[str, Any]]:
        """One Alertmanager webhook (version 4): each firing alert starts (or
        merges into) an incident, each resolved alert resolves its own."""
        if not isinstance(body, dict) or not isinstance(body.get("alerts"), list):
            raise BadRequest("not an Alertmanager webhook payload (no alerts list)")
        out = []
        for alert in body["alerts"]:
            if not isinstance(alert, dict):
                raise BadRequest("an alert is not an object")
            labels = {str(k): str(v) for k, v in (alert.get("labels") or {}).items()}
            notes = alert.get("annotations") or {}
            status = alert.get("status") or body.get("status")
            arn = alert_identity(labels)
            if status == "resolved":
                out.append(self.call(self._resolve, SOURCE_ALERTMANAGER, arn))
            elif status == "firing":
                title = str(notes.get("summary") or notes.get("title")
                            or labels.get("alertname") or "Alertmanager alert")
                impact = SEVERITY_IMPACT.get(labels.get("severity", "").lower(), 0)
                raw = json.dumps(dict(alert, receiver=body.get("receiver"),
                                      groupKey=body.get("groupKey")), sort_keys=True)
                p = self._plan(labels.get(PLAN_LABEL), plan)
                out.append(self.call(self._start, p, SOURCE_ALERTMANAGER, arn, title,
                                     impact, parse_time(alert.get("startsAt")), raw))
            else:
                out.append({"trigger": arn, "action": "ignored", "incident": 0})
        return out

    @staticmethod
    def _alarms(body: Any) -> List[Dict[str, Any]]:
        """The alarm state changes in a CloudWatch delivery, whatever its
        wrapping: name, arn, state, reason, time, raw."""
        if not isinstance(body, dict):
            raise BadRequest("not a JSON object")
        if isinstance(body.get("Records"), list):           # SNS -> Lambda records
            alarms = []
            for r in body["Records"]:
                alarms += App._alarms((r or {}).get("Sns") or {})
            return alarms
        if body.get("Type") == "SubscriptionConfirmation":
            # Confirming means fetching SubscribeURL: left to the operator.
            log.warning("SNS subscription confirmation: visit %s", body.get("SubscribeURL"))
            return []
        if body.get("Type") == "Notification" and "Message" in body:  # SNS over HTTP
            try:
                msg = json.loads(body["Message"])
            except (TypeError, ValueError):
                raise BadRequest("SNS Message is not a CloudWatch alarm (not JSON)")
            if not isinstance(msg, dict) or "NewStateValue" not in msg:
                raise BadRequest("SNS Message is not a CloudWatch alarm")
            name = str(msg.get("AlarmName") or "")
            return [{"name": name, "arn": str(msg.get("AlarmArn") or "alarm:" + name),
                     "state": msg.get("NewStateValue"),
                     "reason": str(msg.get("NewStateReason") or ""),
                     "description": str(msg.get("AlarmDescription") or ""),
                     "time": parse_time(msg.get("StateChangeTime")),
                     "raw": body["Message"]}]
        if body.get("detail-type") == "CloudWatch Alarm State Change":  # EventBridge
            d = body.get("detail") or {}
            name = str(d.get("alarmName") or "")
            res = body.get("resources") or []
            state = d.get("state") or {}
            return [{"name": name, "arn": str(res[0] if res else "alarm:" + name),
                     "state": state.get("value"), "reason": str(state.get("reason") or ""),
                     "description": str((d.get("configuration") or {}).get("description")
                                        or ""),
                     "time": parse_time(state.get("timestamp") or body.get("time")),
                     "raw": json.dumps(body, sort_keys=True)}]
        raise BadRequest("not a CloudWatch alarm notification (SNS or EventBridge)")

    def cloudwatch(self, body: Any, plan: Optional[str] = None) -> List[Dict[str, Any]]:
        out = []
        for a in self._alarms(body):
            if a["state"] == "ALARM":
                p = self._plan(plan)
                title = a["name"] + (": " + a["description"] if a["description"] else "")
                out.append(self.call(self._start, p, SOURCE_CLOUDWATCH, a["arn"], title, 0,
                                     a["time"], a["raw"]))
            elif a["state"] == "OK":
                out.append(self.call(self._resolve, SOURCE_CLOUDWATCH, a["arn"]))
            else:
                out.append({"trigger": a["arn"], "action": "ignored", "incident": 0})
        return out

    # -- responders --------------------------------------------------------

    def accept(self, page: int, code: str, note: Optional[str] = None) -> int:
        """Acknowledges a page with its code; returns its incident's id."""
        def run():
            p = self.engine.page(page)
            p.accept(code, note=note or None)
            eng = self.engine.engagement(p.info().engagement)
            return incident_number(eng.info().incident_id)
        return self.call(run)

    def page_incident(self, page: int) -> int:
        def run():
            p = self.engine.page(page)
            return incident_number(self.engine.engagement(p.info().engagement)
                                   .info().incident_id)
        return self.call(run)

    def resolve(self, incident: int) -> None:
        self.call(lambda: self.engine.incident(incident).resolve())

    # -- views -------------------------------------------------------------

    def incidents_json(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [incident_dict(i.info()) for i in self.engine.incidents()]

    def incident_view(self, incident: int) -> Dict[str, Any]:
        """Everything the incident page shows, read under the lock."""
        with self.lock:
            inc = self.engine.incident(incident)
            info = inc.info()
            pages = []
            for eng in inc.engagements():
                einfo = eng.info()
                for p in eng.pages():
                    pi = p.info()
                    pages.append({"page": pi, "engagement": einfo,
                                  "receipts": list(p.receipts())})
            return {"info": info, "timeline": list(inc.timeline()), "pages": pages,
                    "now": self.host.clock()}


def incident_dict(info) -> Dict[str, Any]:
    return {"id": info.id, "arn": info.arn, "title": info.title,
            "responsePlan": info.response_plan, "impact": info.impact,
            "status": info.status.name, "acknowledged": info.acknowledged,
            "creationTime": info.creation_time, "resolvedTime": info.resolved_time,
            "triggerSource": info.trigger_source, "triggerArn": info.trigger_arn,
            "triggerCount": info.trigger_count, "dedupeString": info.dedupe_string}


# ---------------------------------------------------------------- the page

_COLOURS = {"incident": "#c0392b", "engagement": "#8e44ad", "page": "#2471a3",
            "runbook": "#117a65"}


def timeline_svg(events, start: int, end: int) -> str:
    """The timeline as a simple chart: a time axis and one marker per event,
    one row per event kind (incident, engagement, page, runbook, other)."""
    rows = ["incident", "engagement", "page", "runbook", "other"]
    width, left, right, row_h, top = 720, 90, 20, 26, 10
    end = max(end, start + 60_000)
    span = end - start

    def x(t: int) -> float:
        return left + (width - left - right) * (max(start, min(t, end)) - start) / span

    out = ['<svg id="timeline-chart" xmlns="http://www.w3.org/2000/svg" width="%d" '
           'height="%d" role="img" aria-label="timeline">' % (width, top + row_h * len(rows) + 30)]
    for i, r in enumerate(rows):
        y = top + row_h * i + row_h / 2
        out.append('<text x="4" y="%.0f" font-size="12" dominant-baseline="middle">%s</text>'
                   % (y, r))
        out.append('<line x1="%d" y1="%.0f" x2="%d" y2="%.0f" stroke="#ddd"/>'
                   % (left, y, width - right, y))
    axis_y = top + row_h * len(rows) + 4
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>'
               % (left, axis_y, width - right, axis_y))
    for k in range(5):
        t = start + span * k // 4
        out.append('<text x="%.0f" y="%d" font-size="10" text-anchor="middle">+%dm</text>'
                   % (x(t), axis_y + 14, (t - start) // 60_000))
    for ev in events:
        kind = ev.event_type.split(".")[0]
        row = rows.index(kind) if kind in rows else len(rows) - 1
        y = top + row_h * row + row_h / 2
        out.append('<circle class="event" cx="%.1f" cy="%.0f" r="5" fill="%s">'
                   '<title>%s %s</title></circle>'
                   % (x(ev.event_time), y, _COLOURS.get(kind, "#666"),
                      html.escape(fmt_time(ev.event_time)), html.escape(ev.event_type)))
    out.append("</svg>")
    return "".join(out)


def incident_page(view: Dict[str, Any], message: str = "") -> str:
    e = html.escape
    info = view["info"]
    status = info.status.name
    end = info.resolved_time or view["now"]
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
             "<title>Incident %d: %s</title>" % (info.id, e(info.title)),
             "<style>body{font-family:sans-serif;margin:1.5em;max-width:60em}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;"
             "vertical-align:top}.OPEN{color:#c0392b}.RESOLVED{color:#1e8449}"
             ".msg{background:#fef9e7;padding:.5em}</style></head><body>",
             "<h1>%s</h1>" % e(info.title)]
    if message:
        parts.append("<p class='msg' id='message'>%s</p>" % e(message))
    parts.append(
        "<dl><dt>Status</dt><dd id='status' class='%s'>%s</dd>"
        "<dt>Acknowledged</dt><dd id='acknowledged'>%s</dd>"
        "<dt>Impact</dt><dd id='impact'>%d (%s)</dd>"
        "<dt>Response plan</dt><dd>%s</dd><dt>Summary</dt><dd>%s</dd>"
        "<dt>Trigger</dt><dd>%s %s (%d trigger%s)</dd>"
        "<dt>Created</dt><dd>%s</dd>%s</dl>"
        % (status, status, "yes" if info.acknowledged else "no", info.impact,
           IMPACT_NAMES.get(info.impact, "?"), e(info.response_plan), e(info.summary),
           e(info.trigger_source), e(info.trigger_arn), info.trigger_count,
           "" if info.trigger_count == 1 else "s", fmt_time(info.creation_time),
           "<dt>Resolved</dt><dd>%s</dd>" % fmt_time(info.resolved_time)
           if info.resolved_time else ""))
    if info.status == IncidentStatus.OPEN:
        parts.append("<form method='post' action='/incidents/%d/resolve'>"
                     "<button id='resolve' type='submit'>Resolve</button></form>" % info.id)
    parts.append("<h2>Timeline</h2>")
    parts.append(timeline_svg(view["timeline"], info.creation_time, end))
    parts.append("<ol id='events'>")
    for ev in view["timeline"]:
        parts.append("<li data-type='%s'><time>%s</time> <b>%s</b> <code>%s</code></li>"
                     % (e(ev.event_type), fmt_time(ev.event_time), e(ev.event_type),
                        e(ev.event_data)))
    parts.append("</ol><h2>Pages</h2><table id='pages'><tr><th>Page</th><th>Contact</th>"
                 "<th>Channel</th><th>Sent</th><th>Receipts</th><th>State</th></tr>")
    for row in view["pages"]:
        p, eng = row["page"], row["engagement"]
        receipts = "<br>".join("%s %s %s" % (r.type.name, fmt_time(r.time), e(r.info))
                               for r in row["receipts"]) or "none"
        if p.accepted_time:
            state = "<span class='state'>accepted</span> %s %s" % (
                fmt_time(p.accepted_time), e(p.accept_note))
        elif eng.state.name != "ACTIVE":
            state = "<span class='state'>%s</span>" % e(eng.state.name.lower())
        else:
            state = ("<span class='state'>waiting</span>"
                     "<form method='post' action='/pages/%d/accept'>"
                     "<label>Code <input name='code' size='8' autocomplete='off' required>"
                     "</label> <button type='submit'>Acknowledge</button></form>" % p.id)
        parts.append("<tr id='page-%d' data-page='%d'><td>%d</td><td>%s<br><small>by %s, "
                     "stage %d</small></td><td>%s %s</td><td>%s</td><td>%s</td><td>%s</td>"
                     "</tr>" % (p.id, p.id, p.id, e(p.contact), e(p.engaged_by),
                                p.escalation_stage, e(p.channel_type), e(p.channel),
                                fmt_time(p.sent_time), receipts, state))
    parts.append("</table><p><a href='/incidents'>all incidents (JSON)</a></p>"
                 "</body></html>")
    return "".join(parts)


# ---------------------------------------------------------------- HTTP

class Handler(BaseHTTPRequestHandler):
    server_version = "siren-webhook/0.1"
    app: App  # set on the class made by make_server

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("%s " + fmt, self.address_string(), *args)

    def _send(self, status: int, body: bytes, ctype: str,
              headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode() + b"\n", "application/json")

    def _redirect(self, where: str) -> None:
        self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": where})

    def _body(self) -> Tuple[Any, bool]:
        """The request body: (parsed, is_form). JSON unless form-encoded."""
        n = int(self.headers.get("Content-Length") or 0)
        if n > 1 << 20:
            raise BadRequest("body too large", 413)
        raw = self.rfile.read(n) if n else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype == "application/x-www-form-urlencoded":
            return dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"))), True
        try:
            return (json.loads(raw) if raw else {}), False
        except ValueError:
            raise BadRequest("body is not JSON")

    def _route(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path.rstrip("/") or "/"
        app = self.app
        if self.command == "POST":
            body, form = self._body()
            if path == "/alertmanager":
                return self._json(200, {"results": app.alertmanager(body, query.get("plan"))})
            if path == "/cloudwatch":
                return self._json(200, {"results": app.cloudwatch(body, query.get("plan"))})
            m = re.fullmatch(r"/pages/(\d+)/accept", path)
            if m:
                page = int(m.group(1))
                if not isinstance(body, dict) or not isinstance(body.get("code", ""), str):
                    raise BadRequest("expected {\"code\": \"...\"}")
                try:
                    inc = app.accept(page, body.get("code", ""), body.get("note"))
                except siren.SirenError as exc:
                    if not form:
                        raise
                    inc = app.page_incident(page)
                    return self._redirect("/incidents/%d?msg=%s" % (inc, urllib.parse.quote(
                        "page %d not acknowledged: %s" % (page, exc.errmsg or exc))))
                if form:
                    return self._redirect("/incidents/%d?msg=%s" % (
                        inc, urllib.parse.quote("page %d acknowledged" % page)))
                return self._json(200, {"page": page, "incident": inc, "accepted": True})
            m = re.fullmatch(r"/incidents/(\d+)/resolve", path)
            if m:
                inc = int(m.group(1))
                app.resolve(inc)
                if form:
                    return self._redirect("/incidents/%d?msg=resolved" % inc)
                return self._json(200, {"incident": inc, "status": "RESOLVED"})
            raise BadRequest("no such endpoint", 404)
        if self.command in ("GET", "HEAD"):
            if path in ("/", "/incidents"):
                return self._json(200, {"incidents": app.incidents_json()})
            if path == "/outbox":
                with app.lock:
                    box = [{"page": n.page, "incident": n.incident, "contact": n.contact,
                            "channelType": n.channel_type, "address": n.address,
                            "subject": n.subject, "time": n.time} for n in app.outbox]
                return self._json(200, {"pages": box})
            m = re.fullmatch(r"/incidents/(\d+)(\.json)?", path)
            if m:
                view = app.incident_view(int(m.group(1)))
                if m.group(2):
                    d = incident_dict(view["info"])
                    d["timeline"] = [{"type": t.event_type, "time": t.event_time,
                                      "data": t.event_data} for t in view["timeline"]]
                    d["pages"] = [{"page": r["page"].id, "contact": r["page"].contact,
                                   "channel": r["page"].channel,
                                   "acceptedTime": r["page"].accepted_time,
                                   "receipts": [{"type": x.type.name, "time": x.time,
                                                 "info": x.info} for x in r["receipts"]]}
                                  for r in view["pages"]]
                    return self._json(200, d)
                page = incident_page(view, query.get("msg", ""))
                return self._send(200, page.encode(), "text/html; charset=utf-8")
            raise BadRequest("not found", 404)
        raise BadRequest("method not allowed", 405)

    def _handle(self) -> None:
        try:
            self._route()
        except BadRequest as exc:
            self._json(exc.status, {"error": str(exc)})
        except siren.NotFoundError as exc:
            self._json(404, {"error": exc.errmsg or str(exc), "code": exc.code})
        except siren.SirenError as exc:
            self._json(403 if isinstance(exc, siren.DeniedError) else
                       409 if isinstance(exc, siren.StateError) else 400,
                       {"error": exc.errmsg or str(exc), "code": exc.code,
                        "strerror": exc.strerror})
        except Exception as exc:  # noqa: BLE001 (a server answers 500, keeps serving)
            log.exception("%s %s", self.command, self.path)
            self._json(500, {"error": "%s: %s" % (type(exc).__name__, exc)})

    do_GET = do_POST = do_HEAD = _handle


def make_server(app: App, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = type("AppHandler", (Handler,), {"app": app})
    srv = ThreadingHTTPServer((host, port), handler)
    srv.daemon_threads = True
    return srv


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", action="append", default=[],
                    help="contacts / response plans file (repeatable, in order)")
    ap.add_argument("--runbook", action="append", default=[], metavar="NAME=FILE",
                    help="an SSM Automation document to load (repeatable)")
    ap.add_argument("--plan", help="response plan of alerts that name none")
    ap.add_argument("--db", default="siren-webhook.db", help="SQLite record store")
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    runbooks = []
    for r in args.runbook:
        name, sep, path = r.partition("=")
        if not sep:
            ap.error("--runbook wants NAME=FILE")
        runbooks.append((name, path))

    # The App's outbox is the delivery here; a real host would send from
    # this notify function (raise to report a failed delivery).
    host = RealTimeHost(args.db, lambda n: None)
    if host.record_count():
        app = App(host, default_plan=args.plan, reopen=True)
        report = app.report
        if report.stopped:
            log.warning("record store cut at record %d: %s", report.records, report.stop_reason)
            host.cut(report.records)
        log.info("reopened %s: %d records (configuration comes from them)",
                 args.db, report.records)
    else:
        app = App(host, default_plan=args.plan, configs=tuple(args.config),
                  runbooks=tuple(runbooks))
    srv = make_server(app, args.listen, args.port)
    stop = threading.Event()
    ticker = threading.Thread(target=app.deadline_loop, args=(stop,), daemon=True)
    ticker.start()
    log.info("listening on http://%s:%d/", *srv.server_address[:2])

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        with app.lock:
            app.wake.notify_all()
        ticker.join(timeout=2)
        srv.server_close()
        app.engine.close()
        host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
