"""Rotations, overrides and ONCALL_SCHEDULE contacts through the Python API:
shifts across daylight saving time (checked against the stdlib's zoneinfo,
which reads the same system tzdata), overrides, an escalation through a
schedule and its page resolution, coverage gaps, shift notices, and errors."""
import datetime as dt
import os
import shutil
import tempfile
import unittest
from unittest import mock
from zoneinfo import ZoneInfo

import siren
from siren import (ContactTarget, ContactType, Day, EngagementState, EventType, GapType,
                   NotifyKind, OverrideMode, Recurrence, ShiftNotification, ShiftType, Stage)
from siren.host import MINUTE, SimHost, load_system_zone

NY = ZoneInfo("America/New_York")
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


def local(t_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t_ms / 1000, NY)


def ny(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


# Monday 2026-02-23 09:00 in New York; the US springs forward on Sunday
# 2026-03-08 and falls back on Sunday 2026-11-01.
MON0 = ny(2026, 2, 23, 9, 0)


def people(e: siren.Engine, *aliases: str) -> None:
    for a in aliases:
        c = e.create_contact(a)
        c.add_channel(a + "-email", "EMAIL", a + "@example.com", activated=True)
        c.set_plan([Stage(10, [siren.ChannelTarget(a + "-email", 1)])])


class RotationTestCase(unittest.TestCase):
    def setUp(self):
        self.host = SimHost(start=ms(MON0) - HOUR)
        self.e = siren.Engine(self.host)
        self.addCleanup(self.e.close)
        people(self.e, "alice", "bob", "carol")

    def weekly(self, name="primary", **kw):
        args = dict(time_zone="America/New_York", start=MON0,
                    contacts=["alice", "bob", "carol"], recurrence="WEEKLY",
                    handoffs=[("MON", "09:00")])
        args.update(kw)
        self.e.create_rotation(name, **args)


class DaylightSavingTest(RotationTestCase):
    def test_weekly_handoff_stays_at_local_nine_across_dst(self):
        self.weekly()
        shifts = self.e.rotation_shifts("primary", MON0, MON0 + dt.timedelta(weeks=4))
        self.assertEqual([s.contacts for s in shifts],
                         [("alice",), ("bob",), ("carol",), ("alice",)])
        self.assertEqual([s.index for s in shifts], [0, 1, 2, 3])
        self.assertTrue(all(s.type == ShiftType.REGULAR for s in shifts))
        # Every hand-off is Monday 09:00 New York time, as zoneinfo computes it.
        expected = [ms(ny(2026, 2, 23, 9)), ms(ny(2026, 3, 2, 9)), ms(ny(2026, 3, 9, 9)),
                    ms(ny(2026, 3, 16, 9)), ms(ny(2026, 3, 23, 9))]
        self.assertEqual([s.start for s in shifts] + [shifts[-1].end], expected)
        for s in shifts:
            t = local(s.start)
            self.assertEqual((t.weekday(), t.hour, t.minute), (0, 9, 0))
        # The week that holds the spring-forward is an hour short.
        hours = [(s.end - s.start) / HOUR for s in shifts]
        self.assertEqual(hours, [168, 167, 168, 168])

    def test_daily_shifts_are_23_and_25_hours_on_dst_days(self):
        start = ny(2026, 3, 6, 9)
        self.e.create_rotation("daily", "America/New_York", start, ["alice", "bob"], "DAILY",
                               ["09:00"])
        shifts = self.e.rotation_shifts("daily", start, ny(2026, 11, 3, 9))
        hours = {}
        for s in shifts:
            hours.setdefault((s.end - s.start) / HOUR, []).append(local(s.start).date())
            t = local(s.start)
            self.assertEqual((t.hour, t.minute), (9, 0), t)
        self.assertEqual(hours[23], [dt.date(2026, 3, 7)])
        self.assertEqual(hours[25], [dt.date(2026, 10, 31)])
        self.assertEqual(set(hours), {23, 24, 25})
        self.assertEqual(len(shifts), (dt.date(2026, 11, 3) - dt.date(2026, 3, 6)).days)
        # The 23-hour shift, in UTC: 13:00Z (EST) to 12:00Z (EDT).
        short = next(s for s in shifts if s.end - s.start == 23 * HOUR)
        self.assertEqual(dt.datetime.fromtimestamp(short.start / 1000, dt.timezone.utc).hour, 14)
        self.assertEqual(dt.datetime.fromtimestamp(short.end / 1000, dt.timezone.utc).hour, 13)

    def test_handoff_in_the_gap_and_in_the_overlap(self):
        # 02:30 does not exist on 8 March (first instant after the gap: 03:00
        # EDT); 01:30 happens twice on 1 November (the first one, EDT).
        self.e.create_rotation("night", "America/New_York", ny(2026, 3, 1, 12),
                               ["alice", "bob"], "DAILY", ["02:30"])
        [_, s] = self.e.rotation_shifts("night", ms(ny(2026, 3, 7, 12)),
                                        ms(ny(2026, 3, 8, 12)))
        self.assertEqual(s.start, ms(dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.timezone.utc)))
        self.e.update_rotation("night", "America/New_York", ny(2026, 3, 1, 12),
                               ["alice", "bob"], "DAILY", ["01:30"])
        [_, s] = self.e.rotation_shifts("night", ms(ny(2026, 10, 31, 12)),
                                        ms(ny(2026, 11, 1, 12)))
        self.assertEqual(s.start, ms(dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.timezone.utc)))
        self.assertEqual(local(s.start).utcoffset(), dt.timedelta(hours=-4))


class DefinitionTest(RotationTestCase):
    def test_round_trip_update_delete(self):
        self.weekly(coverages=[(d, "09:00", "17:00") for d in ("MON", "TUE", "WED")],
                    on_calls=2, multiplier=2, notice_minutes=15)
        r = self.e.get_rotation("primary")
        self.assertEqual(r, siren.Rotation(
            name="primary", time_zone="America/New_York", start=ms(MON0),
            contacts=["alice", "bob", "carol"], recurrence=Recurrence.WEEKLY,
            handoffs=[siren.Handoff(Day.MON, "09:00")], on_calls=2, multiplier=2,
            coverages=[siren.Coverage(Day.MON, "09:00", "17:00"),
                       siren.Coverage(Day.TUE, "09:00", "17:00"),
                       siren.Coverage(Day.WED, "09:00", "17:00")],
            notice_minutes=15))
        # What get_rotation returns is what update_rotation takes.
        r.contacts = ["carol", "bob"]
        r.handoffs = [siren.Handoff(Day.MON, "09:00"), siren.Handoff("THU", "18:30")]
        r.on_calls = 1
        self.e.update_rotation(r)
        self.assertEqual(self.e.get_rotation("primary").handoffs,
                         [siren.Handoff(Day.MON, "09:00"), siren.Handoff(Day.THU, "18:30")])
        self.e.create_rotation("monthly", "UTC", 0, ["alice"], "MONTHLY", [(31, "00:00")])
        self.assertEqual(self.e.rotation_names(), ["primary", "monthly"])
        self.assertEqual([r.name for r in self.e.rotations()], ["primary", "monthly"])
        # "31st" hands off on the month's last day.
        shifts = self.e.rotation_shifts("monthly", ms(dt.datetime(2026, 2, 1,
                                                                  tzinfo=dt.timezone.utc)),
                                        ms(dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)))
        self.assertEqual([dt.datetime.fromtimestamp(s.start / 1000, dt.timezone.utc).day
                          for s in shifts], [1, 28, 31, 30])
        self.e.delete_rotation("monthly")
        self.assertEqual(self.e.rotation_names(), ["primary"])
        with self.assertRaises(siren.NotFoundError):
            self.e.get_rotation("monthly")

    def test_preview_changes_nothing(self):
        shifts = self.e.preview_shifts(
            dict(time_zone="UTC", start=0, contacts=["alice", "bob"], recurrence="DAILY",
                 handoffs=["00:00"], coverages=[("MON", "09:00", "17:00")]),
            0, 14 * DAY,
            overrides=[dict(contacts=["bob"], start=4 * DAY + 12 * HOUR, end=4 * DAY + 13 * HOUR)])
        # 1970-01-05 and -12 are Mondays; shift 4 (alice) has bob for an hour.
        self.assertEqual([(s.start, s.end, s.contacts, s.type) for s in shifts], [
            (4 * DAY + 9 * HOUR, 4 * DAY + 12 * HOUR, ("alice",), ShiftType.REGULAR),
            (4 * DAY + 12 * HOUR, 4 * DAY + 13 * HOUR, ("bob",), ShiftType.OVERRIDDEN),
            (4 * DAY + 13 * HOUR, 4 * DAY + 17 * HOUR, ("alice",), ShiftType.REGULAR),
            (11 * DAY + 9 * HOUR, 11 * DAY + 17 * HOUR, ("bob",), ShiftType.REGULAR)])
        self.assertEqual(shifts[1].overridden, ("alice",))
        self.assertEqual(self.e.rotation_names(), [])


class OverrideTest(RotationTestCase):
    def test_replace_shows_overridden_with_the_contacts_it_took_off(self):
        self.weekly()
        start, end = MON0 + dt.timedelta(days=1), MON0 + dt.timedelta(days=2)
        oid = self.e.create_override("primary", ["carol"], start, end)
        o = self.e.get_override("primary", oid)
        self.assertEqual((o.id, o.rotation, o.mode, o.contacts, o.start, o.end, o.created),
                         (oid, "primary", OverrideMode.REPLACE, ["carol"], ms(start), ms(end),
                          self.host.now))
        shifts = self.e.rotation_shifts("primary", MON0, MON0 + dt.timedelta(weeks=1))
        self.assertEqual([(s.start, s.end, s.type, s.contacts, s.overridden, s.index)
                          for s in shifts], [
            (ms(MON0), ms(start), ShiftType.REGULAR, ("alice",), (), 0),
            (ms(start), ms(end), ShiftType.OVERRIDDEN, ("carol",), ("alice",), 0),
            (ms(end), ms(MON0 + dt.timedelta(weeks=1)), ShiftType.REGULAR, ("alice",), (), 0)])
        self.assertEqual(self.e.oncall("primary", start + dt.timedelta(hours=1)), ["carol"])
        self.assertEqual(self.e.oncall("primary", end), ["alice"])
        # ADD and REMOVE; overrides() lists those overlapping the window.
        add = self.e.create_override("primary", ["bob"], end, end + dt.timedelta(hours=1),
                                     mode="ADD")
        self.assertEqual(self.e.oncall("primary", end), ["alice", "bob"])
        rm = self.e.create_override("primary", ["alice"], end, end + dt.timedelta(hours=1),
                                    mode=OverrideMode.REMOVE)
        self.assertEqual(self.e.oncall("primary", end), ["bob"])
        self.assertEqual([o.id for o in self.e.overrides("primary")], [oid, add, rm])
        self.assertEqual([o.id for o in self.e.overrides("primary", end, ms(end) + 1)], [add, rm])
        self.e.delete_override("primary", oid)
        self.assertEqual(self.e.oncall("primary", start), ["alice"])
        with self.assertRaises(siren.NotFoundError):
            self.e.get_override("primary", oid)
        # REPLACE with nobody: nobody on call, so no shift is listed then.
        self.e.create_override("primary", [], start, end)
        shifts = self.e.rotation_shifts("primary", start, end)
        self.assertEqual(shifts, [])
        people(self.e, "dave")
        with self.assertRaises(siren.InvalidError):  # REPLACE: not a member of the rotation
            self.e.create_override("primary", ["dave"], start, end)
        with self.assertRaises(siren.NotFoundError):
            self.e.create_override("primary", ["nobody-here"], start, end, mode="ADD")


class ScheduleTest(RotationTestCase):
    def setUp(self):
        super().setUp()
        self.weekly()
        self.e.create_contact("primary-oncall", "Primary on call", ContactType.ONCALL_SCHEDULE)
        self.e.set_schedule("primary-oncall", ["primary"])
        esc = self.e.create_contact("app-escalation", None, ContactType.ESCALATION)
        esc.set_plan([Stage(5, [ContactTarget("primary-oncall", essential=True)]),
                      Stage(5, [ContactTarget("carol")])])

    def test_escalation_pages_the_oncall_contact_and_resolution_names_the_rotation(self):
        # Tuesday of the second week: bob is on call.
        self.host.run_until(self.e, ms(MON0 + dt.timedelta(days=8)))
        self.assertEqual(self.e.oncall("primary-oncall", self.host.now), ["bob"])
        eng = self.e.engage("app-escalation", "cpu-monitor", "CPU", "CPU above 85%")
        [n] = self.host.pages()
        self.assertEqual((n.contact, n.engagement), ("bob", eng.id))
        page = self.e.page(n.page)
        self.assertEqual(page.info().engaged_by, "primary-oncall")
        r = page.resolution()
        self.assertEqual(r, siren.Resolution(
            schedule="primary-oncall", rotation="primary", contact="bob",
            shift_start=ms(ny(2026, 3, 2, 9)), shift_end=ms(ny(2026, 3, 9, 9)),
            resolved=self.host.now))
        [ev] = [ev for ev in self.host.events if ev.type == EventType.SCHEDULE_RESOLVED]
        self.assertEqual((ev.schedule, ev.rotation, ev.contact, ev.until, ev.engagement),
                         ("primary-oncall", "primary", "bob", ms(ny(2026, 3, 9, 9)), eng.id))
        # bob accepts: the schedule target was essential, so carol is never paged.
        page.accept(n.code)
        self.host.run_for(self.e, 30)
        self.assertEqual([p.contact for p in self.host.pages()], ["bob"])
        self.assertTrue(eng.info().acknowledged)
        self.assertEqual(eng.info().state, EngagementState.COMPLETED)

    def test_page_not_through_a_schedule_has_empty_resolution(self):
        eng = self.e.engage("carol", "s", "subject", "content")
        r = self.e.page_resolution(next(eng.pages()))
        self.assertEqual((r.schedule, r.rotation, r.contact, r.shift_start), ("", "", "carol", 0))
        with self.assertRaises(siren.NotFoundError):
            self.e.page_resolution(999)

    def test_nobody_on_call_is_skipped_or_held(self):
        self.e.update_rotation("primary", "America/New_York", MON0, ["alice", "bob", "carol"],
                               "WEEKLY", [("MON", "09:00")],
                               coverages=[("TUE", "09:00", "17:00")])
        self.host.run_until(self.e, ms(MON0 + dt.timedelta(hours=2)))  # Monday 11:00
        self.e.engage("primary-oncall", "s", "subject", "content")
        [ev] = [ev for ev in self.host.events if ev.type == EventType.SCHEDULE_NOBODY]
        self.assertEqual((ev.schedule, ev.reason), ("primary-oncall", "skipped"))
        self.assertEqual(self.host.pages(), [])
        self.e.set_schedule("primary-oncall", ["primary"], hold=True)
        self.assertEqual(self.e.contact("primary-oncall").info().schedule_flags,
                         siren.SCHEDULE_HOLD)
        self.e.engage("primary-oncall", "s", "subject", "content")
        held = [ev for ev in self.host.events if ev.type == EventType.SCHEDULE_NOBODY][-1]
        tuesday = ms(ny(2026, 2, 24, 9))
        self.assertEqual((held.reason, held.until), ("held", tuesday))
        self.host.run_until(self.e, tuesday)
        [n] = self.host.pages()
        self.assertEqual((n.contact, n.time), ("alice", tuesday))

    def test_schedule_rotations_and_delete(self):
        self.weekly("secondary", contacts=["carol"])
        self.e.set_schedule("primary-oncall", ["primary", "secondary"])
        self.assertEqual(self.e.schedule_rotations("primary-oncall"), ["primary", "secondary"])
        self.assertEqual(self.e.oncall("primary-oncall", MON0), ["alice", "carol"])
        self.e.delete_rotation("primary")
        self.assertEqual(self.e.schedule_rotations("primary-oncall"), ["secondary"])
        with self.assertRaises(siren.NotFoundError):
            self.e.set_schedule("primary-oncall", ["primary"])
        with self.assertRaises(siren.InvalidError):  # not a schedule
            self.e.set_schedule("alice", ["secondary"])
        with self.assertRaises(siren.InvalidError):
            self.e.oncall("alice", MON0)


class GapTest(RotationTestCase):
    def test_nobody_outside_coverage_and_short_under_remove(self):
        self.weekly(coverages=[(d, "09:00", "17:00") for d in ("MON", "TUE", "WED", "THU",
                                                              "FRI")],
                    on_calls=2)
        self.e.create_contact("team", None, ContactType.ONCALL_SCHEDULE)
        self.e.set_schedule("team", ["primary"])
        gaps = self.e.schedule_gaps("team", MON0, MON0 + dt.timedelta(days=1))
        self.assertEqual([(local(g.start), local(g.end), g.type, g.on_call) for g in gaps],
                         [(ny(2026, 2, 23, 17), ny(2026, 2, 24, 9), GapType.NOBODY, 0)])
        # Saturday and Sunday have no window: one gap from Friday 17:00 to Monday 09:00.
        gaps = self.e.schedule_gaps("team", ny(2026, 2, 27, 12), ny(2026, 3, 2, 12))
        self.assertEqual([(local(g.start), local(g.end)) for g in gaps],
                         [(ny(2026, 2, 27, 17), ny(2026, 3, 2, 9))])
        self.assertEqual(gaps[0].end - gaps[0].start, 64 * HOUR)
        # REMOVE one of the two on call: SHORT, with one contact on call.
        self.e.create_override("primary", ["bob"], ny(2026, 2, 23, 10), ny(2026, 2, 23, 11),
                               mode="REMOVE")
        gaps = self.e.schedule_gaps("team", MON0, ny(2026, 2, 23, 12))
        self.assertEqual([(local(g.start), local(g.end), g.type, g.on_call) for g in gaps],
                         [(ny(2026, 2, 23, 10), ny(2026, 2, 23, 11), GapType.SHORT, 1)])
        with self.assertRaises(siren.InvalidError):
            self.e.schedule_gaps("alice", MON0, MON0 + dt.timedelta(days=1))


class ShiftNoticeTest(RotationTestCase):
    def test_starting_and_started_notices_and_events(self):
        self.weekly(notice_minutes=30)
        second = ms(ny(2026, 3, 2, 9))
        self.host.run_until(self.e, second + HOUR)
        shifts = [n for n in self.host.notifications if n.kind == NotifyKind.SHIFT]
        self.assertTrue(all(isinstance(n, ShiftNotification) for n in shifts))
        self.assertEqual([(n.contact, n.message, n.time, n.shift_start, n.shift_end)
                          for n in shifts], [
            ("alice", "starting", ms(MON0) - 30 * MINUTE, ms(MON0), second),
            ("alice", "started", ms(MON0), ms(MON0), second),
            ("bob", "starting", second - 30 * MINUTE, second, ms(ny(2026, 3, 9, 9))),
            ("bob", "started", second, second, ms(ny(2026, 3, 9, 9)))])
        self.assertEqual({n.rotation for n in shifts}, {"primary"})
        evs = [ev for ev in self.host.events if ev.type == EventType.SHIFT_STARTED]
        self.assertEqual([(ev.rotation, ev.text, ev.reason, ev.time, ev.until, ev.name)
                          for ev in evs], [
            ("primary", "alice", "REGULAR", ms(MON0), second, "shift.started"),
            ("primary", "bob", "REGULAR", second, ms(ny(2026, 3, 9, 9)), "shift.started")])


class ErrorTest(RotationTestCase):
    def test_errors_map_to_exceptions(self):
        with self.assertRaises(siren.InvalidError) as cm:
            self.weekly(time_zone="PST")
        self.assertIn("IANA", cm.exception.errmsg)
        self.assertEqual(cm.exception.code, -2)
        with self.assertRaises(siren.NotFoundError) as cm:
            self.weekly(time_zone="Mars/Olympus_Mons")
        self.assertIn("Mars/Olympus_Mons", str(cm.exception))
        with self.assertRaises(siren.NotFoundError):
            self.weekly(contacts=["alice", "zed"])
        self.weekly()
        with self.assertRaises(siren.ExistsError):
            self.weekly()
        with self.assertRaises(siren.NotFoundError):
            self.e.rotation_shifts("nope", MON0, MON0 + dt.timedelta(days=1))
        with self.assertRaises(siren.InvalidError):  # start >= end
            self.e.rotation_shifts("primary", MON0, MON0)
        with self.assertRaises(siren.InvalidError):  # siren: minute out of range
            self.weekly("b", handoffs=[("MON", 1440)])
        # Refused by the binding before siren sees them, as the same exception.
        for bad in ([("MON", "25:00")], [("FUNDAY", "09:00")], [("MON", "9h")]):
            with self.assertRaises(siren.InvalidError):
                self.weekly("b", handoffs=bad)
        with self.assertRaises(siren.InvalidError):
            self.weekly("b", recurrence="HOURLY")
        with self.assertRaises(siren.InvalidError):
            self.weekly("b", start=dt.datetime(2026, 2, 23, 9))  # naive
        with self.assertRaises(siren.InvalidError):
            self.e.create_override("primary", ["bob"], MON0, MON0 + dt.timedelta(hours=1),
                                   mode="SWAP")
        with self.assertRaises(TypeError):
            self.weekly("b", contacts="alice")
        with self.assertRaises(siren.StateError):  # a rotation member
            self.e.contact("alice").delete()
        self.assertEqual(self.e.rotation_names(), ["primary"])


class ZoneTest(unittest.TestCase):
    def engine(self, **kw):
        host = SimHost(start=ms(MON0))
        e = siren.Engine(host, **kw)
        self.addCleanup(e.close)
        people(e, "alice")
        return host, e

    def test_without_load_zone_only_utc(self):
        host, e = self.engine(load_zone=False)
        with self.assertRaises(siren.NotFoundError) as cm:
            e.create_rotation("r", "America/New_York", MON0, ["alice"], "DAILY", ["09:00"])
        self.assertIn("only UTC", cm.exception.errmsg)
        e.create_rotation("r", "UTC", MON0, ["alice"], "DAILY", ["09:00"])

    def test_host_load_zone_is_used_and_its_failure_reraised(self):
        asked = []

        def load_zone(name):
            asked.append(name)
            if name == "Europe/Broken":
                raise OSError("tzdata unreadable")
            return load_system_zone("America/New_York") if name == "Test/Zone" else None
        host, e = self.engine(load_zone=load_zone)
        e.create_rotation("r", "Test/Zone", MON0, ["alice"], "DAILY", ["09:00"])
        [s] = e.rotation_shifts("r", MON0, ny(2026, 2, 24, 9))
        self.assertEqual(s.end, ms(ny(2026, 2, 24, 9)))  # New York's rules, by another name
        with self.assertRaises(siren.NotFoundError):
            e.create_rotation("r2", "Europe/Nowhere", MON0, ["alice"], "DAILY", ["09:00"])
        with self.assertRaises(OSError) as cm:
            e.create_rotation("r3", "Europe/Broken", MON0, ["alice"], "DAILY", ["09:00"])
        self.assertEqual(cm.exception.siren_code, siren.CallbackError.code)
        self.assertEqual(asked, ["Test/Zone", "Europe/Nowhere", "Europe/Broken"])
        self.assertEqual(e.rotation_names(), ["r"])

    def test_garbage_zone_bytes_are_invalid(self):
        host, e = self.engine(load_zone=lambda name: b"TZif not really")
        with self.assertRaises(siren.InvalidError):
            e.create_rotation("r", "Europe/Paris", MON0, ["alice"], "DAILY", ["09:00"])

    def test_load_system_zone_reads_tzdir_and_refuses_escapes(self):
        with open(os.path.join(os.environ.get("TZDIR") or "/usr/share/zoneinfo",
                               "America", "New_York"), "rb") as f:
            self.assertEqual(load_system_zone("America/New_York"), f.read())
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        os.makedirs(os.path.join(d, "Test"))
        shutil.copy(os.path.join(os.environ.get("TZDIR") or "/usr/share/zoneinfo", "UTC"),
                    os.path.join(d, "Test", "Zone"))
        with open(os.path.join(d, "Test", "notes.txt"), "w") as f:
            f.write("not a zone")
        with mock.patch.dict(os.environ, {"TZDIR": d}):
            self.assertTrue(load_system_zone("Test/Zone").startswith(b"TZif"))
            self.assertIsNone(load_system_zone("America/New_York"))  # not in this TZDIR
            self.assertIsNone(load_system_zone("Test/notes.txt"))
            self.assertIsNone(load_system_zone("Test"))  # a directory
            for bad in ("../Test/Zone", "Test/../Test/Zone", "/etc/passwd", d + "/Test/Zone"):
                self.assertIsNone(load_system_zone(bad), bad)
            host, e = self.engine()
            e.create_rotation("r", "Test/Zone", MON0, ["alice"], "DAILY", ["09:00"])

    def test_replay_carries_the_zone(self):
        host, e = self.engine()
        e.create_rotation("r", "America/New_York", ny(2026, 3, 6, 9), ["alice"], "DAILY",
                          ["09:00"])
        before = e.rotation_shifts("r", ny(2026, 3, 6, 9), ny(2026, 3, 10, 9))
        e.close()
        # The records hold the zone's bytes: a host without tzdata replays them.
        e2, report = siren.Engine.open(host, load_zone=False)
        self.addCleanup(e2.close)
        self.assertFalse(report.stopped)
        self.assertEqual(e2.rotation_shifts("r", ny(2026, 3, 6, 9), ny(2026, 3, 10, 9)), before)
        self.assertIn(23 * HOUR, [s.end - s.start for s in before])


if __name__ == "__main__":
    unittest.main()
