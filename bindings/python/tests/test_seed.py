"""The seed walkthrough (tests/scenario/test_seed.c) through the Python API."""
import pathlib
import unittest

import siren
from siren import (AcceptValidation, Activation, EngagementState, EventType, NO_DEADLINE,
                   ReceiptType)
from siren.host import MINUTE, T0, SimHost

from .common import EXAMPLE, engage, last_page, pages_text, seed


class SeedTest(unittest.TestCase):
    def setUp(self):
        self.host = SimHost()
        self.e = siren.Engine(self.host)
        self.addCleanup(self.e.close)

    def run_until(self, minutes):
        self.host.run_until(self.e, self.host.minute(minutes))

    def accept_last(self, contact):
        n = last_page(self.host, contact)
        self.assertIsNotNone(n)
        self.e.page(n.page).accept(n.code, note="on it")

    def test_no_ack_pages_everyone(self):
        seed(self.e)
        eng = engage(self.e)
        self.run_until(60)
        self.assertEqual(pages_text(self.host),
                         "0:incident-responder/incident-responder-email "
                         "5:sr-incident-responder/sr-incident-responder-email "
                         "10:incident-responder/incident-responder-mobile "
                         "15:sr-incident-responder/sr-incident-responder-mobile")
        info = eng.info()
        self.assertEqual(info.state, EngagementState.COMPLETED)
        self.assertFalse(info.acknowledged)
        self.assertEqual(info.stop_time, T0 + 20 * MINUTE)
        self.assertEqual(info.page_count, 4)
        self.assertEqual([p.id for p in eng.pages()], [n.page for n in self.host.pages()])
        done = [ev for ev in self.host.events if ev.type == EventType.ENGAGEMENT_COMPLETED]
        self.assertEqual(len(done), 1)
        self.assertEqual(done[0].name, "engagement.completed")
        self.assertEqual(self.e.next_deadline(), NO_DEADLINE)
        mail = last_page(self.host, "incident-responder", "incident-responder-email")
        self.assertEqual(mail.subject, "EC2 CPU above 85%")
        self.assertEqual(mail.address, "responder@example.com")
        self.assertEqual(mail.incident, 0)  # a version 2 member, no incident here
        sms = last_page(self.host, "incident-responder", "incident-responder-mobile")
        self.assertEqual(sms.subject, "CPU alarm")

    def test_essential_ack_at_minute_3_stops_everything(self):
        seed(self.e)
        eng = engage(self.e)
        self.run_until(3)
        self.accept_last("incident-responder")
        self.run_until(60)
        self.assertEqual(pages_text(self.host), "0:incident-responder/incident-responder-email")
        info = eng.info()
        self.assertEqual(info.state, EngagementState.COMPLETED)
        self.assertTrue(info.acknowledged)
        self.assertEqual(info.stop_time, T0 + 3 * MINUTE)
        self.assertEqual(self.e.next_deadline(), NO_DEADLINE)
        pi = self.e.page(last_page(self.host, "incident-responder").page).info()
        self.assertEqual(pi.accepted_time, T0 + 3 * MINUTE)
        self.assertEqual(pi.accept_note, "on it")
        self.assertEqual(pi.engaged_by, "app-escalation-plan")
        self.assertEqual(pi.escalation_stage, 0)
        self.assertTrue(pi.essential)

    def test_sr_accepts_at_minute_7(self):
        seed(self.e)
        eng = engage(self.e)
        self.run_until(7)
        self.accept_last("sr-incident-responder")
        self.run_until(60)
        self.assertEqual(pages_text(self.host),
                         "0:incident-responder/incident-responder-email "
                         "5:sr-incident-responder/sr-incident-responder-email")
        self.assertTrue(eng.info().acknowledged)
        self.assertEqual(eng.info().stop_time, T0 + 7 * MINUTE)

    def test_non_essential_ack_does_not_stop_stage_2(self):
        seed(self.e, essential=(False, True))
        eng = engage(self.e)
        self.run_until(3)
        self.accept_last("incident-responder")
        self.run_until(60)
        self.assertEqual(pages_text(self.host),
                         "0:incident-responder/incident-responder-email "
                         "5:sr-incident-responder/sr-incident-responder-email "
                         "15:sr-incident-responder/sr-incident-responder-mobile")
        self.assertEqual(eng.info().state, EngagementState.COMPLETED)
        self.assertFalse(eng.info().acknowledged)

    def test_wrong_code_is_denied(self):
        seed(self.e)
        engage(self.e)
        n = last_page(self.host, "incident-responder")
        with self.assertRaises(siren.DeniedError) as cm:
            self.e.page(n.page).accept("000000" if n.code != "000000" else "111111")
        self.assertEqual(cm.exception.code, -9)
        self.assertEqual(cm.exception.strerror, siren.strerror(-9))
        # IGNORE accepts without the code.
        self.e.page(n.page).accept(None, validation=AcceptValidation.IGNORE)
        with self.assertRaises(siren.StateError):
            self.e.page(n.page).accept(n.code)

    def test_error_receipt_retries_after_interval(self):
        seed(self.e)
        engage(self.e)
        self.host.now = self.host.minute(0.5)
        first = last_page(self.host, "incident-responder").page
        self.e.page(first).receipt(ReceiptType.ERROR, "mailbox full")
        self.assertEqual(self.e.next_deadline(), T0 + 90000)
        self.run_until(3)
        self.assertEqual(pages_text(self.host),
                         "0:incident-responder/incident-responder-email "
                         "90s:incident-responder/incident-responder-email")
        retry = last_page(self.host, "incident-responder")
        self.assertEqual(retry.retry_of, first)
        self.assertNotEqual(retry.page, first)
        receipts = list(self.e.page(first).receipts())
        self.assertEqual(receipts[0].type, ReceiptType.ERROR)
        self.assertEqual(receipts[0].info, "mailbox full")

    def test_not_activated_channel_is_skipped(self):
        seed(self.e, activated=False)
        codes = [n for n in self.host.notifications
                 if n.kind == siren.NotifyKind.ACTIVATION_CODE]
        self.assertEqual(len(codes), 4)
        email = [n for n in codes if n.channel == "incident-responder-email"][0]
        self.assertEqual(len(email.code), 6)
        ch = self.e.contact("incident-responder").channel("incident-responder-email")
        self.assertEqual(ch.info().activation, Activation.NOT_ACTIVATED)
        ch.activate(email.code)
        self.assertEqual(ch.info().activation, Activation.ACTIVATED)
        self.host.notifications.clear()
        engage(self.e)
        self.run_until(60)
        self.assertEqual(pages_text(self.host), "0:incident-responder/incident-responder-email")
        skipped = [ev for ev in self.host.events if ev.type == EventType.CHANNEL_SKIPPED]
        self.assertEqual(len(skipped), 3)
        self.assertIn("not activated", skipped[0].reason)

    def test_plan_reads_back_and_preview(self):
        seed(self.e)
        plan = self.e.contact("incident-responder").plan()
        self.assertEqual(plan.stages[0].duration_minutes, 10)
        self.assertEqual(plan.stages[1].targets[0],
                         siren.ChannelTarget("incident-responder-mobile", 1))
        self.assertEqual([c.alias for c in self.e.contacts()],
                         ["incident-responder", "sr-incident-responder", "app-escalation-plan"])
        self.assertEqual([c.name for c in self.e.contact("incident-responder").channels()],
                         ["incident-responder-email", "incident-responder-mobile"])
        pv = self.e.preview("app-escalation-plan", [("sr-incident-responder", 7)])
        self.assertEqual([(p.offset_ms // MINUTE, p.channel) for p in pv],
                         [(0, "incident-responder-email"), (5, "sr-incident-responder-email")])
        self.assertEqual(self.host.pages(), [])  # a preview sends nothing

    def test_errors_carry_code_and_errmsg(self):
        seed(self.e)
        with self.assertRaises(siren.ExistsError) as cm:
            self.e.create_contact("incident-responder")
        self.assertEqual(cm.exception.code, -4)
        with self.assertRaises(siren.NotFoundError):
            self.e.contact("nobody")
        with self.assertRaises(siren.NotFoundError) as cm:
            self.e.contact("app-escalation-plan").set_plan(
                [siren.Stage(5, [siren.ContactTarget("ghost", True)])])
        self.assertIn("stages[0].targets[0]", cm.exception.errmsg)
        with self.assertRaises(siren.InvalidError) as cm:
            self.e.create_contact("Bad Alias")
        self.assertIsInstance(cm.exception, ValueError)

    def test_options(self):
        long_stage = [siren.Stage(45, [siren.ChannelTarget("incident-responder-email")])]
        seed(self.e)
        with self.assertRaises(siren.InvalidError):
            self.e.contact("incident-responder").set_plan(long_stage)
        with siren.Engine(SimHost(), options=siren.Options(max_stage_minutes=60)) as e2:
            seed(e2)
            e2.contact("incident-responder").set_plan(long_stage)
            self.assertEqual(e2.contact("incident-responder").plan().stages[0].duration_minutes,
                             45)

    def test_stop_and_idempotency(self):
        seed(self.e)
        a = self.e.engage("incident-responder", "s", "subj", "c", idempotency_token="t1")
        b = self.e.engage("incident-responder", "s", "subj", "c", idempotency_token="t1")
        self.assertEqual(a, b)
        a.stop("false alarm")
        self.assertEqual(a.info().state, EngagementState.STOPPED)
        self.assertEqual(a.info().stop_reason, "false alarm")
        with self.assertRaises(siren.StateError):
            a.stop()
        self.assertEqual([p.id for p in self.e.contact("incident-responder").pages()],
                         [p.id for p in a.pages()])

    def test_config_from_path_str_and_bytes(self):
        r = self.e.load_config(pathlib.Path(EXAMPLE / "contacts.yaml"))
        self.assertEqual((r.contacts, r.channels, r.plans), (3, 4, 3))
        other = siren.Engine(SimHost())
        self.addCleanup(other.close)
        text = (EXAMPLE / "contacts.yaml").read_text()
        self.assertEqual(other.load_config(text.encode()).contacts, 3)
        bad = siren.Engine(SimHost())
        self.addCleanup(bad.close)
        with self.assertRaises(siren.ConfigError) as cm:
            bad.load_config('{"contacts": [{"Alias": "a", "Type": "ESCALATION", "Plan": '
                            '{"Stages": [{"DurationInMinutes": 5, "Targets": [{"ContactTargetInfo":'
                            ' {"ContactId": "ghost", "IsEssential": true}}]}]}}]}')
        self.assertTrue(cm.exception.problems)
        self.assertIn("ghost", cm.exception.problems[0])
        self.assertEqual(bad.config_problems(), cm.exception.problems)
        self.assertEqual(list(bad.contacts()), [])  # all or nothing

    def test_seed_from_example_config_matches(self):
        self.e.load_config(EXAMPLE / "contacts.yaml")
        eng = self.e.engage("app-escalation-plan", "cpu-agent", "EC2 CPU above 85%", "x")
        self.run_until(60)
        self.assertEqual(eng.info().page_count, 4)
        self.assertEqual(pages_text(self.host).split()[1],
                         "5:sr-incident-responder/sr-incident-responder-email")


if __name__ == "__main__":
    unittest.main()
