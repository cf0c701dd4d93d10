"""Exceptions raised by Python callbacks: caught in the trampoline, seen by
siren as a failed callback, re-raised from the call that triggered them."""
import gc
import unittest

import siren
from siren import EngagementState, ReceiptType
from siren.host import MINUTE, T0, SimHost

from .common import engage, last_page, pages_text, seed


class Boom(Exception):
    pass


class CallbackTest(unittest.TestCase):
    def setUp(self):
        self.fail_next = 0
        self.host = SimHost(on_notify=self.maybe_fail)
        self.e = siren.Engine(self.host)
        self.addCleanup(self.e.close)
        seed(self.e)

    def maybe_fail(self, n):
        if self.fail_next:
            self.fail_next -= 1
            raise Boom("smtp down for %s" % n.channel)

    def test_notify_exception_reraised_from_engage(self):
        self.fail_next = 1
        with self.assertRaises(Boom) as cm:
            engage(self.e)
        exc = cm.exception
        self.assertEqual(exc.siren_code, siren.CallbackError.code)
        eng = exc.siren_result
        self.assertIsInstance(eng, siren.Engagement)
        # The engine is consistent: the engagement runs and the page whose
        # notify failed has its automatic ERROR receipt, so it is retried.
        self.assertEqual(eng.info().state, EngagementState.ACTIVE)
        [page] = list(eng.pages())
        self.assertEqual([r.type for r in page.receipts()], [ReceiptType.ERROR])
        self.assertEqual(self.host.pages(), [])  # the failed notify delivered nothing
        self.assertEqual(self.e.next_deadline(), T0 + MINUTE)  # retry interval 1 minute
        self.host.run_until(self.e, self.host.minute(3))
        self.assertEqual(pages_text(self.host), "1:incident-responder/incident-responder-email")
        self.assertEqual(last_page(self.host, "incident-responder").retry_of, page.id)

    def test_notify_exception_reraised_from_advance(self):
        engage(self.e)
        self.fail_next = 1
        self.host.now = self.host.minute(5)
        with self.assertRaises(Boom):
            self.e.advance()
        # Nothing is lost: what was due is still due, or retried.
        self.host.run_until(self.e, self.host.minute(60))
        self.assertIn("sr-incident-responder/sr-incident-responder-email",
                      pages_text(self.host))
        self.assertEqual(next(self.e.engagements()).info().state, EngagementState.COMPLETED)

    def test_reentrant_call_is_busy(self):
        seen = []

        def reenter(n):
            try:
                self.e.contact("incident-responder").info()
            except siren.SirenError as exc:
                seen.append(exc)
                raise
        self.host.on_notify = reenter
        with self.assertRaises(siren.BusyError):
            engage(self.e)
        self.assertEqual(seen[0].code, siren.BusyError.code)
        # The outer call's engine still works afterwards.
        self.host.on_notify = None
        self.assertEqual(self.e.contact("incident-responder").info().channel_count, 2)

    def test_clock_exception(self):
        def bad_clock():
            raise Boom("no time")
        e = siren.Engine(clock=bad_clock, notify=lambda n: None)
        self.addCleanup(e.close)
        with self.assertRaises(Boom) as cm:
            e.create_contact("x")
        self.assertEqual(cm.exception.siren_code, siren.CallbackError.code)

    def test_storage_exception_changes_nothing(self):
        fail = []

        def append(rec):
            if fail:
                raise OSError("disk full")
            self.host.records.append(rec)
        e = siren.Engine(self.host, storage_append=append)
        self.addCleanup(e.close)
        e.create_contact("a")
        fail.append(1)
        with self.assertRaises(OSError):
            e.create_contact("b")
        self.assertEqual([c.alias for c in e.contacts()], ["a"])
        fail.clear()
        e.create_contact("b")

    def test_callbacks_outlive_garbage_collection(self):
        host = SimHost()
        e = siren.Engine(clock=lambda: host.now, notify=lambda n: host.notify(n))
        self.addCleanup(e.close)
        gc.collect()
        seed(e)
        engage(e)
        self.assertEqual(len(host.pages()), 1)

    def test_host_needs_clock_and_notify(self):
        with self.assertRaises(TypeError):
            siren.Engine(clock=lambda: 0)
        with self.assertRaises(TypeError):
            siren.Engine(self.host, bogus=lambda: 0)

    def test_closed_engine(self):
        e = siren.Engine(SimHost())
        with e:
            pass
        self.assertTrue(e.closed)
        with self.assertRaises(ValueError):
            e.create_contact("x")
        e.close()


if __name__ == "__main__":
    unittest.main()
