"""Records: reopen from SimHost's stored stream and from RealTimeHost's SQLite."""
import os
import tempfile
import unittest

import siren
from siren import EngagementState
from siren.host import MINUTE, T0, RealTimeHost, SimHost

from .common import engage, last_page, pages_text, seed


class ReopenTest(unittest.TestCase):
    def test_reopen_resumes_escalation(self):
        host = SimHost()
        e = siren.Engine(host)
        seed(e)
        eng = engage(e)
        host.run_until(e, host.minute(7))
        count = e.record_count
        self.assertEqual(count, len(host.records))
        for r in host.records:
            siren.record_check(r)
        e.close()  # "crash" at minute 7
        e2, report = siren.Engine.open(host)
        self.addCleanup(e2.close)
        self.assertEqual(report.records, count)
        self.assertFalse(report.stopped)
        self.assertEqual(report.last_sequence, count)
        self.assertEqual(report.bytes, sum(len(r) for r in host.records))
        self.assertEqual(e2.engagement(eng.id).info().state, EngagementState.ACTIVE)
        self.assertEqual(e2.next_deadline(), T0 + 10 * MINUTE)
        # Pages with no receipt are announced again, with their ids (at least once).
        self.assertEqual(report.reannounced, 2)
        first = [n.page for n in host.pages()]
        self.assertEqual(first[2:], first[:2])
        del host.notifications[2:]
        # sr accepts on the reopened engine; ids are those of the first run.
        n = last_page(host, "sr-incident-responder")
        e2.page(n.page).accept(n.code)
        host.run_until(e2, host.minute(60))
        self.assertEqual(pages_text(host),
                         "0:incident-responder/incident-responder-email "
                         "5:sr-incident-responder/sr-incident-responder-email")
        self.assertTrue(e2.engagement(eng.id).info().acknowledged)
        self.assertEqual(e2.record_count, len(host.records))

    def test_unconfirmed_pages_are_reannounced(self):
        host = SimHost()
        with siren.Engine(host) as e:
            seed(e)
            engage(e)
        before = len(host.pages())
        e2, report = siren.Engine.open(host)
        self.addCleanup(e2.close)
        self.assertEqual(report.reannounced, 1)
        self.assertEqual(host.pages()[-1].page, host.pages()[before - 1].page)

    def test_snapshot_and_damaged_tail(self):
        host = SimHost()
        with siren.Engine(host) as e:
            seed(e)
            e.snapshot()
            self.assertEqual(e.records_since_snapshot, 0)
            engage(e)
            self.assertGreater(e.records_since_snapshot, 0)
        good = len(host.records)
        host.records.append(host.records[-1][:-1] + bytes([host.records[-1][-1] ^ 1]))
        with self.assertRaises(siren.CorruptError):
            siren.record_check(host.records[-1])
        e2, report = siren.Engine.open(host)
        self.addCleanup(e2.close)
        self.assertTrue(report.stopped)
        self.assertEqual(report.stop_index, good)
        self.assertEqual(report.stop_code, siren.CorruptError.code)
        self.assertTrue(report.stop_reason)
        self.assertEqual(report.records, good)

    def test_open_needs_records(self):
        with self.assertRaises(ValueError):
            siren.Engine.open(SimHost(storage=False))

    def test_storage_records_exception_reraised_from_open(self):
        host = SimHost()
        with siren.Engine(host) as e:
            seed(e)

        def broken():
            yield host.records[0]
            raise OSError("read error")
        with self.assertRaises(OSError) as cm:
            siren.Engine.open(host, storage_records=broken)
        self.assertEqual(cm.exception.siren_code, siren.CallbackError.code)

    def test_sealed_records(self):
        key = 0x5A
        host = SimHost()
        seal = lambda b: b"S" + bytes(x ^ key for x in b)  # noqa: E731
        unseal = lambda b: bytes(x ^ key for x in b[1:])  # noqa: E731
        with siren.Engine(host, seal=seal, unseal=unseal) as e:
            seed(e)
            engage(e)
            n = e.record_count
        self.assertTrue(all(r[:1] == b"S" for r in host.records))
        e2, report = siren.Engine.open(host, seal=seal, unseal=unseal)
        self.addCleanup(e2.close)
        self.assertEqual(report.records, n)


class RealTimeHostTest(unittest.TestCase):
    def test_sqlite_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "siren.db")
            sent = []
            host = RealTimeHost(path, sent.append)
            with siren.Engine(host) as e:
                seed(e)
                eng = engage(e)
                n = e.record_count
            self.assertEqual(host.record_count(), n)
            host.close()
            host2 = RealTimeHost(path, sent.append)
            e2, report = siren.Engine.open(host2)
            with e2:
                self.assertEqual(report.records, n)
                self.assertEqual(e2.engagement(eng.id).info().state, EngagementState.ACTIVE)
                self.assertEqual(sent[-1].page, sent[0].page)  # re-announced
            host2.cut(3)
            self.assertEqual(host2.record_count(), 3)
            host2.close()


if __name__ == "__main__":
    unittest.main()
