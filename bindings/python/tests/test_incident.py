"""An incident from the walkthrough's response plan, its runbook driven from
Python, then resolution and the post-incident analysis."""
import json
import unittest

import siren
from siren import (ChatNotification, ExecStatus, IncidentStatus, RelatedItemType, Signal,
                   ActionNotification)
from siren.host import MINUTE, T0, SimHost

from .common import EXAMPLE, last_page

ALARM = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:EC2HighCPU"
INSTANCE = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"

SCRIPT_RUNBOOK = """
schemaVersion: '0.3'
parameters:
  InstanceId: {type: String}
mainSteps:
  - name: Diagnose
    action: aws:executeScript
    maxAttempts: 2
    inputs: {Runtime: python3.11, Handler: main, Script: x, InputPayload: {id: '{{ InstanceId }}'}}
    outputs: [{Name: Load, Selector: $.Payload.load, Type: String}]
  - name: Approve
    action: aws:approve
    inputs: {Approvers: [alice], MinRequiredApprovals: 1}
"""


class IncidentTest(unittest.TestCase):
    def setUp(self):
        self.host = SimHost()
        self.e = siren.Engine(self.host)
        self.addCleanup(self.e.close)
        self.e.load_config(EXAMPLE / "contacts.yaml")
        self.e.load_runbook("ec2-cpu-util-runbook", EXAMPLE / "ec2-cpu-util-runbook.yaml")
        r = self.e.load_config(EXAMPLE / "response-plan.yaml")
        self.assertEqual(r.response_plans, 1)

    def at(self, m):
        self.host.run_until(self.e, self.host.minute(m))

    def start(self, **kw):
        return self.e.start_incident(
            "EC2HighCPU", "aws.cloudwatch", trigger_arn=ALARM,
            trigger_raw_data='{"detail": {"alarmName": "EC2HighCPU"}}',
            related_items=[siren.RelatedItem(RelatedItemType.INVOLVED_RESOURCE, INSTANCE,
                                             "application instance")], **kw)

    def test_walkthrough(self):
        plan = self.e.response_plan("EC2HighCPU")
        self.assertEqual(plan.title, "cpu-incident-1")
        self.assertEqual(plan.engagements, ["app-escalation-plan"])
        self.assertEqual(plan.runbook, "ec2-cpu-util-runbook")
        self.assertEqual(plan.runbook_params[0].dynamic, siren.DynamicValue.INCIDENT_RECORD_ARN)
        inc = self.start()
        self.assertFalse(inc.deduplicated)
        again = self.start()
        self.assertEqual(again.id, inc.id)
        self.assertTrue(again.deduplicated)
        info = inc.info()
        self.assertEqual(info.status, IncidentStatus.OPEN)
        self.assertEqual(info.arn, "siren:incident/EC2HighCPU/%d" % inc.id)
        self.assertEqual(info.trigger_count, 2)
        self.assertEqual(info.impact, 3)
        [ex] = list(self.e.executions())
        self.assertEqual(ex.info().incident, inc.id)
        self.assertEqual(json.loads(ex.info().parameters)["IncidentRecordArn"], info.arn)
        self.at(7)
        n = last_page(self.host, "sr-incident-responder")
        self.assertEqual(n.time, T0 + 5 * MINUTE)
        self.assertEqual(n.incident, inc.id)
        self.e.page(n.page).accept(n.code, note="Looking at the instance now")
        self.assertTrue(inc.info().acknowledged)
        steps = ["Inspect", "AddMetrics", "AttachToAutoScalingGroup", "Validate",
                 "CloseIncident"]
        for minute, step in zip([8, 9, 14, 19, 20], steps):
            self.at(minute)
            self.assertEqual(ex.info().current_step, step)
            ex.signal(Signal.RESUME, step)
        self.assertEqual(ex.info().status, ExecStatus.SUCCESS)
        self.assertEqual(ex.info().end_time, T0 + 20 * MINUTE)
        self.assertEqual([s.status for s in ex.steps()], [ExecStatus.SUCCESS] * 5)
        inc.add_related_item(RelatedItemType.METRIC, "AWS/EC2 CPUUtilization", "CPU")
        with self.assertRaises(siren.ExistsError):
            inc.add_related_item(RelatedItemType.METRIC, "AWS/EC2 CPUUtilization")
        self.assertEqual([r.type for r in inc.related_items()],
                         [RelatedItemType.INVOLVED_RESOURCE, RelatedItemType.METRIC])
        note = inc.add_timeline_event("restarted the agent", event_type="Note",
                                      references=["related_item:" + INSTANCE])
        inc.update(summary="CPU back under 50 %", impact=4)
        inc.resolve()
        info = inc.info()
        self.assertEqual(info.status, IncidentStatus.RESOLVED)
        self.assertEqual(info.resolved_time, T0 + 20 * MINUTE)
        self.assertEqual(info.impact, 4)
        with self.assertRaises(siren.StateError):
            inc.resolve()
        types = [ev.event_type for ev in inc.timeline()]
        self.assertEqual(types[0], "incident.created")
        self.assertIn("incident.deduplicated", types)
        self.assertIn("page.accepted", types)
        self.assertEqual(types[-1], "incident.resolved")
        notes = list(inc.timeline(event_types=["Note"]))
        self.assertEqual([ev.id for ev in notes], [note])
        self.assertFalse(notes[0].automatic)
        newest = next(inc.timeline(descending=True))
        self.assertEqual(newest.event_type, "incident.resolved")
        with self.assertRaises(siren.StateError):
            inc.delete_timeline_event(next(inc.timeline()).id)
        self.assertEqual([i.id for i in self.e.incidents(statuses=[IncidentStatus.RESOLVED])],
                         [inc.id])
        self.assertEqual(list(self.e.incidents(statuses=[IncidentStatus.OPEN])), [])
        self.assertEqual(list(self.e.incidents(impacts=[1, 2])), [])
        self.at(25)
        an = inc.create_analysis()
        self.assertEqual(inc.info().analysis, an.id)
        qs = an.questions()
        self.assertEqual(qs[0].section, "Detection")
        an.answer(0, "The CloudWatch alarm")
        idx = an.add_action_item("Alarm on the ASG", owner="sr-incident-responder")
        an.set_action_item_status(idx, siren.ActionStatus.CLOSED)
        ai = an.info()
        self.assertEqual((ai.answered_count, ai.action_item_count, ai.open_action_item_count),
                         (1, 1, 0))
        self.assertEqual(len(an.timeline()), ai.timeline_event_count)
        self.assertEqual(an.related_items()[1].value, "AWS/EC2 CPUUtilization")

    def test_chat_and_response_plan_from_python(self):
        self.e.create_response_plan(siren.ResponsePlan(
            name="Disk", title="disk full", impact=2, chat_channels=["#ops"],
            notification_targets=["arn:aws:sns:us-east-1:1:ops"],
            engagements=["incident-responder"], incident_tags={"team": "ops"},
            dedupe_string="disk", maintenance=[siren.Window(T0 + 60 * MINUTE,
                                                            T0 + 120 * MINUTE)]))
        got = self.e.response_plan("Disk")
        self.assertEqual(got.incident_tags, {"team": "ops"})
        self.assertEqual(got.maintenance, [siren.Window(T0 + 60 * MINUTE, T0 + 120 * MINUTE)])
        self.assertEqual([p.name for p in self.e.response_plans()], ["EC2HighCPU", "Disk"])
        inc = self.e.start_incident("Disk", "custom.monitor")
        chat = [n for n in self.host.notifications if isinstance(n, ChatNotification)]
        self.assertEqual([(type(n).__name__, n.channel, n.message) for n in chat],
                         [("ChatNotification", "#ops", "opened"),
                          ("TargetNotification", "arn:aws:sns:us-east-1:1:ops", "opened")])
        self.assertEqual(chat[0].incident, inc.id)
        self.assertEqual(inc.info().incident_tags, {"team": "ops"})
        self.assertEqual(len(list(inc.engagements())), 1)
        inc.update(chat_channels=["#ops", "#sre"])
        self.assertEqual(inc.info().chat_channels, ("#ops", "#sre"))
        ev = inc.add_timeline_event("first guess: log rotation")
        inc.update_timeline_event(ev, "it was the backups", event_type="Note")
        got = inc.timeline_event(ev)
        self.assertEqual((got.event_type, got.event_data), ("Note", "it was the backups"))
        inc.delete_timeline_event(ev)
        with self.assertRaises(siren.NotFoundError):
            inc.timeline_event(ev)
        inc.resolve()
        inc.reopen()
        self.assertEqual(inc.info().status, IncidentStatus.OPEN)
        self.assertEqual(self.e.start_incident("Disk", "custom.monitor").id, inc.id)

    def test_heartbeat_opens_incident(self):
        self.e.create_heartbeat("agent", "EC2HighCPU", 10, resolve_on_beat=True)
        self.at(9)
        self.e.beat("agent")
        self.at(18)
        self.assertEqual(list(self.e.incidents()), [])
        self.at(20)
        hb = self.e.heartbeat("agent")
        self.assertNotEqual(hb.incident, 0)
        inc = self.e.incident(hb.incident)
        self.assertEqual(inc.info().trigger_source, "siren.heartbeat")
        self.e.beat("agent")
        self.assertEqual(inc.info().status, IncidentStatus.RESOLVED)

    def test_host_action_runbook(self):
        actions = []
        self.host.on_notify = lambda n: actions.append(n) if isinstance(
            n, ActionNotification) else None
        rb = self.e.load_runbook("diag", SCRIPT_RUNBOOK)
        self.assertEqual(rb.info().step_count, 2)
        with self.assertRaises(siren.InvalidError):
            self.e.start_execution("diag")  # InstanceId is required
        ex = self.e.start_execution("diag", {"InstanceId": "i-1"})
        self.assertEqual(len(actions), 1)
        a = actions[0]
        self.assertEqual((a.execution, a.step, a.action, a.attempt),
                         (ex.id, "Diagnose", "aws:executeScript", 1))
        self.assertEqual(json.loads(a.inputs)["InputPayload"], {"id": "i-1"})
        ex.action_result("Diagnose", 1, failure="boom")  # attempt 2 follows
        self.assertEqual(actions[-1].attempt, 2)
        ex.action_result("Diagnose", 2, {"Load": "0.9"})
        self.assertEqual(ex.info().status, ExecStatus.WAITING)
        with self.assertRaises(siren.DeniedError):
            ex.signal(Signal.APPROVE, approver="mallory")
        ex.signal(Signal.APPROVE, approver="alice", comment="ok")
        self.assertEqual(ex.info().status, ExecStatus.SUCCESS)
        steps = list(ex.steps())
        self.assertEqual(steps[0].attempts, 2)
        self.assertEqual(json.loads(steps[0].outputs), {"Load": "0.9"})

    def test_runbook_problems(self):
        with self.assertRaises(siren.ConfigError) as cm:
            self.e.load_runbook("bad", "schemaVersion: '0.3'\nmainSteps:\n  - name: a b\n"
                                       "    action: aws:pause\n")
        self.assertTrue(cm.exception.problems)
        self.assertRegex(cm.exception.problems[0], r"\d+:\d+")


if __name__ == "__main__":
    unittest.main()
