package siren_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"siren"
)

// rotHost adds events and, when load is set, a ZoneLoader of its own.
type rotHost struct {
	manualHost
	events []siren.Event
}

func (h *rotHost) Event(ev *siren.Event) error {
	h.mu.Lock()
	h.events = append(h.events, *ev)
	h.mu.Unlock()
	return nil
}

func (h *rotHost) eventsOf(typ siren.EventType) []siren.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []siren.Event
	for _, ev := range h.events {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

func (h *rotHost) kind(k siren.NotifyKind) []siren.Notification {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []siren.Notification
	for _, n := range h.sent {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

type zoneHost struct {
	manualHost
	load func(name string) ([]byte, error)
}

func (h *zoneHost) LoadZone(name string) ([]byte, error) { return h.load(name) }

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	return loc
}

func people(t *testing.T, e *siren.Engine, aliases ...string) {
	t.Helper()
	for _, a := range aliases {
		if err := e.CreateContact(a, "", siren.Personal); err != nil {
			t.Fatal(err)
		}
		if err := e.CreateChannel(a, "email", "EMAIL", a+"@example.com", true); err != nil {
			t.Fatal(err)
		}
		if err := e.SetPlan(a, siren.Plan{Stages: []siren.Stage{{Duration: 10 * time.Minute,
			Targets: []siren.Target{{Channel: "email", RetryInterval: time.Minute}}}}}); err != nil {
			t.Fatal(err)
		}
	}
}

// weekly is a Monday 09:00 New York rotation of alice, bob and carol that
// starts on Monday 2026-02-23 (the US springs forward on 2026-03-08).
func weekly(loc *time.Location) siren.Rotation {
	return siren.Rotation{Name: "primary", TimeZone: "America/New_York",
		Start: time.Date(2026, 2, 23, 9, 0, 0, 0, loc), Contacts: []string{"alice", "bob", "carol"},
		Recurrence: siren.Weekly, Handoffs: []siren.Handoff{{Weekday: time.Monday, TimeOfDay: 9 * time.Hour}}}
}

func rotEngine(t *testing.T, loc *time.Location) (*rotHost, *siren.Engine) {
	h := &rotHost{manualHost: manualHost{now: time.Date(2026, 2, 23, 8, 0, 0, 0, loc)}}
	e := newEngine(t, h)
	people(t, e, "alice", "bob", "carol")
	return h, e
}

func TestRotationShiftsAcrossDST(t *testing.T) {
	loc := newYork(t)
	_, e := rotEngine(t, loc)
	r := weekly(loc)
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	shifts, err := e.RotationShifts("primary", r.Start, r.Start.AddDate(0, 0, 28))
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{}
	for d := 0; d <= 28; d += 7 {
		want = append(want, time.Date(2026, 2, 23+d, 9, 0, 0, 0, loc)) // time normalises the day
	}
	if len(shifts) != 4 {
		t.Fatalf("%d shifts: %+v", len(shifts), shifts)
	}
	var hours []float64
	for i, s := range shifts {
		if !s.Start.Equal(want[i]) || !s.End.Equal(want[i+1]) {
			t.Errorf("shift %d: %v - %v, want %v - %v", i, s.Start.In(loc), s.End.In(loc), want[i], want[i+1])
		}
		if l := s.Start.In(loc); l.Weekday() != time.Monday || l.Hour() != 9 || l.Minute() != 0 {
			t.Errorf("shift %d starts at %v local", i, l)
		}
		if s.Index != i || s.Type != siren.ShiftRegular || !reflect.DeepEqual(s.Contacts, []string{r.Contacts[i%3]}) {
			t.Errorf("shift %d: %+v", i, s)
		}
		hours = append(hours, s.End.Sub(s.Start).Hours())
	}
	if !reflect.DeepEqual(hours, []float64{168, 167, 168, 168}) {
		t.Errorf("hours %v: the week of the spring-forward should be 167", hours)
	}

	// Daily: the shifts that hold a change are 23 and 25 hours long.
	daily := siren.Rotation{Name: "daily", TimeZone: "America/New_York", Start: time.Date(2026, 3, 6, 9, 0, 0, 0, loc),
		Contacts: []string{"alice", "bob"}, Recurrence: siren.Daily, Handoffs: []siren.Handoff{{TimeOfDay: 9 * time.Hour}}}
	if err := e.CreateRotation(daily); err != nil {
		t.Fatal(err)
	}
	shifts, err = e.RotationShifts("daily", daily.Start, time.Date(2026, 11, 3, 9, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	byLen := map[time.Duration][]string{}
	for _, s := range shifts {
		l := s.Start.In(loc)
		if l.Hour() != 9 || l.Minute() != 0 {
			t.Errorf("hand-off at %v local", l)
		}
		byLen[s.End.Sub(s.Start)] = append(byLen[s.End.Sub(s.Start)], l.Format("2006-01-02"))
	}
	if got := byLen[23*time.Hour]; !reflect.DeepEqual(got, []string{"2026-03-07"}) {
		t.Errorf("23-hour shifts %v", got)
	}
	if got := byLen[25*time.Hour]; !reflect.DeepEqual(got, []string{"2026-10-31"}) {
		t.Errorf("25-hour shifts %v", got)
	}
	if len(byLen) != 3 || len(shifts) != 242 {
		t.Errorf("%d shifts, lengths %v", len(shifts), byLen)
	}

	// Read back as given (0 OnCalls and Multiplier meant 1).
	got, err := e.Rotation("primary")
	r.OnCalls, r.Multiplier = 1, 1
	if err != nil || !got.Start.Equal(r.Start) {
		t.Fatalf("%+v %v", got, err)
	}
	got.Start = r.Start
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
	}
	all, err := e.Rotations().All()
	if err != nil || len(all) != 2 || all[1].Name != "daily" || all[1].Handoffs[0].TimeOfDay != 9*time.Hour {
		t.Errorf("rotations %+v %v", all, err)
	}
}

func TestOverrideReplace(t *testing.T) {
	loc := newYork(t)
	_, e := rotEngine(t, loc)
	r := weekly(loc)
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	start, end := r.Start.Add(24*time.Hour), r.Start.Add(48*time.Hour)
	id, err := e.CreateOverride(siren.Override{Rotation: "primary", Contacts: []string{"carol"}, Start: start, End: end})
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	o, err := e.Override("primary", id)
	if err != nil || o.Mode != siren.OverrideReplace || !o.Start.Equal(start) || !o.End.Equal(end) ||
		!reflect.DeepEqual(o.Contacts, []string{"carol"}) || o.Rotation != "primary" {
		t.Fatalf("%+v %v", o, err)
	}
	shifts, err := e.RotationShifts("primary", r.Start, r.Start.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		start, end      time.Time
		typ             siren.ShiftType
		who, overridden string
	}
	var got []row
	for _, s := range shifts {
		got = append(got, row{s.Start, s.End, s.Type, strings.Join(s.Contacts, ","), strings.Join(s.Overridden, ",")})
	}
	want := []row{
		{r.Start.UTC(), start.UTC(), siren.ShiftRegular, "alice", ""},
		{start.UTC(), end.UTC(), siren.ShiftOverridden, "carol", "alice"},
		{end.UTC(), r.Start.AddDate(0, 0, 7).UTC(), siren.ShiftRegular, "alice", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shifts\n got %+v\nwant %+v", got, want)
	}
	if who, err := e.OnCall("primary", start.Add(time.Hour)); err != nil || !reflect.DeepEqual(who, []string{"carol"}) {
		t.Errorf("on call %v %v", who, err)
	}
	// ADD, then the listing of overrides; delete brings the regular shift back.
	add, err := e.CreateOverride(siren.Override{Rotation: "primary", Mode: siren.OverrideAdd, Contacts: []string{"bob"},
		Start: end, End: end.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if who, _ := e.OnCall("primary", end); !reflect.DeepEqual(who, []string{"alice", "bob"}) {
		t.Errorf("ADD: %v", who)
	}
	ovs, err := e.Overrides("primary", time.Time{}, time.Time{}).All()
	if err != nil || len(ovs) != 2 || ovs[0].ID != id || ovs[1].ID != add {
		t.Errorf("overrides %+v %v", ovs, err)
	}
	if ovs, _ := e.Overrides("primary", end, time.Time{}).All(); len(ovs) != 1 || ovs[0].ID != add {
		t.Errorf("overrides from end %+v", ovs)
	}
	if err := e.DeleteOverride("primary", id); err != nil {
		t.Fatal(err)
	}
	if who, _ := e.OnCall("primary", start); !reflect.DeepEqual(who, []string{"alice"}) {
		t.Errorf("after delete: %v", who)
	}
	if _, err := e.Override("primary", id); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("deleted override: %v", err)
	}
	people(t, e, "dave")
	if _, err := e.CreateOverride(siren.Override{Rotation: "primary", Contacts: []string{"dave"}, Start: start, End: end}); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("REPLACE with a non-member: %v", err)
	}
	if _, err := e.CreateOverride(siren.Override{Rotation: "primary", Start: end, End: start}); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("end before start: %v", err)
	}
	// A preview with a hypothetical override changes nothing.
	prev, err := e.PreviewShifts(siren.Rotation{TimeZone: "UTC", Start: time.UnixMilli(0), Contacts: []string{"alice", "bob"},
		Recurrence: siren.Daily, Handoffs: []siren.Handoff{{}}},
		[]siren.Override{{Contacts: []string{"bob"}, Start: time.UnixMilli(0).Add(time.Hour), End: time.UnixMilli(0).Add(2 * time.Hour)}},
		time.UnixMilli(0), time.UnixMilli(0).Add(48*time.Hour))
	// [0,1h) alice, [1h,2h) bob instead of alice, [2h,24h) alice, [24h,48h) bob.
	if err != nil || len(prev) != 4 || prev[1].Type != siren.ShiftOverridden || prev[1].Contacts[0] != "bob" ||
		prev[1].Overridden[0] != "alice" || prev[3].Contacts[0] != "bob" || prev[3].Index != 1 ||
		!prev[0].Start.Equal(time.UnixMilli(0)) || prev[2].End.Sub(prev[2].Start) != 22*time.Hour {
		t.Errorf("preview %+v %v", prev, err)
	}
	if n := e.Rotations().Len(); n != 1 {
		t.Errorf("%d rotations after a preview", n)
	}
}

func TestScheduleEscalationAndResolution(t *testing.T) {
	loc := newYork(t)
	h, e := rotEngine(t, loc)
	r := weekly(loc)
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateContact("primary-oncall", "", siren.OnCallSchedule); err != nil {
		t.Fatal(err)
	}
	if err := e.SetSchedule("primary-oncall", []string{"primary"}, false); err != nil {
		t.Fatal(err)
	}
	if c, err := e.Contact("primary-oncall"); err != nil || c.Type != siren.OnCallSchedule || c.RotationCount != 1 || c.ScheduleHold {
		t.Fatalf("%+v %v", c, err)
	}
	if err := e.CreateContact("app-escalation", "", siren.Escalation); err != nil {
		t.Fatal(err)
	}
	if err := e.SetPlan("app-escalation", siren.Plan{Stages: []siren.Stage{
		{Duration: 5 * time.Minute, Targets: []siren.Target{{Contact: "primary-oncall", Essential: true}}},
		{Duration: 5 * time.Minute, Targets: []siren.Target{{Contact: "carol"}}}}}); err != nil {
		t.Fatal(err)
	}
	// Tuesday of the second week: bob is on call.
	runUntil(t, e, &h.manualHost, time.Date(2026, 3, 3, 9, 0, 0, 0, loc))
	id, err := e.StartEngagement(siren.EngagementParams{Contact: "app-escalation", Sender: "cpu-monitor",
		Subject: "CPU", Content: "CPU above 85%"})
	if err != nil {
		t.Fatal(err)
	}
	pages := h.pages()
	if len(pages) != 1 || pages[0].Contact != "bob" || pages[0].Engagement != id {
		t.Fatalf("pages %+v", pages)
	}
	res, err := e.PageResolution(pages[0].Page)
	want := siren.Resolution{Schedule: "primary-oncall", Rotation: "primary", Contact: "bob",
		ShiftStart: time.Date(2026, 3, 2, 9, 0, 0, 0, loc).UTC(), ShiftEnd: time.Date(2026, 3, 9, 9, 0, 0, 0, loc).UTC(),
		Resolved: h.Now().UTC()}
	if err != nil || !reflect.DeepEqual(res, want) {
		t.Fatalf("resolution\n got %+v\nwant %+v (%v)", res, want, err)
	}
	evs := h.eventsOf(siren.EventScheduleResolved)
	if len(evs) != 1 || evs[0].Schedule != "primary-oncall" || evs[0].Rotation != "primary" || evs[0].Contact != "bob" ||
		!evs[0].Until.Equal(want.ShiftEnd) || evs[0].Engagement != id || evs[0].Name != "schedule.resolved" {
		t.Errorf("events %+v", evs)
	}
	if err := e.AcceptPage(pages[0].Page, siren.AcceptRead, pages[0].Code, "on it"); err != nil {
		t.Fatal(err)
	}
	runUntil(t, e, &h.manualHost, h.Now().Add(30*time.Minute))
	if n := len(h.pages()); n != 1 {
		t.Errorf("%d pages: the schedule's acceptance was essential", n)
	}
	if g, err := e.Engagement(id); err != nil || !g.Acknowledged {
		t.Errorf("%+v %v", g, err)
	}
	// A page that no schedule reached; an unknown page.
	direct, err := e.StartEngagement(siren.EngagementParams{Contact: "carol", Sender: "s", Subject: "s", Content: "c"})
	if err != nil {
		t.Fatal(err)
	}
	dp, _ := e.EngagementPages(direct).All()
	if res, err := e.PageResolution(dp[0].ID); err != nil || res.Rotation != "" || res.Schedule != "" || res.Contact != "carol" || !res.ShiftStart.IsZero() {
		t.Errorf("direct page %+v %v", res, err)
	}
	if _, err := e.PageResolution(999); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("unknown page: %v", err)
	}
	if got, err := e.ScheduleRotations("primary-oncall"); err != nil || !reflect.DeepEqual(got, []string{"primary"}) {
		t.Errorf("schedule rotations %v %v", got, err)
	}
	if err := e.SetSchedule("alice", []string{"primary"}, false); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("not a schedule: %v", err)
	}
	if err := e.SetSchedule("primary-oncall", []string{"nope"}, true); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("unknown rotation: %v", err)
	}
}

func TestScheduleGaps(t *testing.T) {
	loc := newYork(t)
	_, e := rotEngine(t, loc)
	r := weekly(loc)
	r.OnCalls = 2
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		r.Coverages = append(r.Coverages, siren.Coverage{Weekday: d, Start: 9 * time.Hour, End: 17 * time.Hour})
	}
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateContact("team", "", siren.OnCallSchedule); err != nil {
		t.Fatal(err)
	}
	if err := e.SetSchedule("team", []string{"primary"}, true); err != nil {
		t.Fatal(err)
	}
	at := func(d, h int) time.Time { return time.Date(2026, 2, d, h, 0, 0, 0, loc) }
	gaps, err := e.ScheduleGaps("team", at(23, 9), at(24, 9))
	if err != nil || len(gaps) != 1 || !gaps[0].Start.Equal(at(23, 17)) || !gaps[0].End.Equal(at(24, 9)) ||
		gaps[0].Type != siren.GapNobody || gaps[0].OnCall != 0 {
		t.Fatalf("gaps %+v %v", gaps, err)
	}
	// The weekend: Friday 17:00 to Monday 09:00, 64 hours.
	gaps, err = e.ScheduleGaps("team", at(27, 12), time.Date(2026, 3, 2, 12, 0, 0, 0, loc))
	if err != nil || len(gaps) != 1 || gaps[0].End.Sub(gaps[0].Start) != 64*time.Hour {
		t.Fatalf("weekend gaps %+v %v", gaps, err)
	}
	if _, err := e.CreateOverride(siren.Override{Rotation: "primary", Mode: siren.OverrideRemove, Contacts: []string{"bob"},
		Start: at(23, 10), End: at(23, 11)}); err != nil {
		t.Fatal(err)
	}
	gaps, err = e.ScheduleGaps("team", at(23, 9), at(23, 12))
	if err != nil || len(gaps) != 1 || gaps[0].Type != siren.GapShort || gaps[0].OnCall != 1 ||
		!gaps[0].Start.Equal(at(23, 10)) || !gaps[0].End.Equal(at(23, 11)) {
		t.Fatalf("short gaps %+v %v", gaps, err)
	}
	if c, _ := e.Contact("team"); !c.ScheduleHold {
		t.Errorf("hold flag not read back: %+v", c)
	}
	if _, err := e.ScheduleGaps("alice", at(23, 9), at(24, 9)); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("gaps of a personal contact: %v", err)
	}
	if _, err := e.ScheduleGaps("team", at(24, 9), at(23, 9)); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("reversed window: %v", err)
	}
}

func TestShiftNotices(t *testing.T) {
	loc := newYork(t)
	h, e := rotEngine(t, loc)
	r := weekly(loc)
	r.Notice = 30 * time.Minute
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	second := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	runUntil(t, e, &h.manualHost, second.Add(time.Hour))
	var got []string
	for _, n := range h.kind(siren.NotifyShift) {
		if n.Rotation != "primary" || n.Kind.String() != "SHIFT" {
			t.Errorf("%+v", n)
		}
		got = append(got, fmt.Sprintf("%s %s %s [%s, %s)", n.Time.In(loc).Format("01-02 15:04"), n.Contact, n.Message,
			n.ShiftStart.In(loc).Format("01-02 15:04"), n.ShiftEnd.In(loc).Format("01-02 15:04")))
	}
	want := []string{
		"02-23 08:30 alice starting [02-23 09:00, 03-02 09:00)",
		"02-23 09:00 alice started [02-23 09:00, 03-02 09:00)",
		"03-02 08:30 bob starting [03-02 09:00, 03-09 09:00)",
		"03-02 09:00 bob started [03-02 09:00, 03-09 09:00)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shift notices\n got %q\nwant %q", got, want)
	}
	evs := h.eventsOf(siren.EventShiftStarted)
	if len(evs) != 2 || evs[1].Text != "bob" || evs[1].Reason != "REGULAR" || evs[1].Rotation != "primary" ||
		!evs[1].Until.Equal(time.Date(2026, 3, 9, 9, 0, 0, 0, loc)) || evs[1].Name != "shift.started" {
		t.Errorf("events %+v", evs)
	}
}

func TestRotationErrors(t *testing.T) {
	loc := newYork(t)
	_, e := rotEngine(t, loc)
	r := weekly(loc)
	bad := r
	bad.TimeZone = "PST"
	if err := e.CreateRotation(bad); !errors.Is(err, siren.ErrInvalid) || !strings.Contains(err.Error(), "IANA") {
		t.Errorf("PST: %v", err)
	}
	bad.TimeZone = "Mars/Olympus_Mons"
	if err := e.CreateRotation(bad); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("unknown zone: %v", err)
	}
	bad = r
	bad.Handoffs = []siren.Handoff{{Weekday: time.Monday, TimeOfDay: 9*time.Hour + 30*time.Second}}
	if err := e.CreateRotation(bad); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("hand-off not in whole minutes: %v", err)
	}
	bad.Handoffs = []siren.Handoff{{Weekday: 9, TimeOfDay: 9 * time.Hour}}
	if err := e.CreateRotation(bad); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("weekday 9: %v", err)
	}
	bad = r
	bad.Contacts = []string{"alice", "zed"}
	if err := e.CreateRotation(bad); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("unknown contact: %v", err)
	}
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateRotation(r); !errors.Is(err, siren.ErrExists) {
		t.Errorf("twice: %v", err)
	}
	if _, err := e.RotationShifts("nope", r.Start, r.Start.Add(time.Hour)); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("unknown rotation: %v", err)
	}
	if _, err := e.OnCall("alice", r.Start); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("on call of a personal contact: %v", err)
	}
	if err := e.DeleteContact("alice"); !errors.Is(err, siren.ErrState) {
		t.Errorf("delete a rotation member: %v", err)
	}
	r.Contacts = []string{"carol", "bob"}
	if err := e.UpdateRotation(r); err != nil {
		t.Fatal(err)
	}
	if who, _ := e.OnCall("primary", r.Start); !reflect.DeepEqual(who, []string{"carol"}) {
		t.Errorf("after update: %v", who)
	}
	if err := e.DeleteRotation("primary"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Rotation("primary"); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("deleted: %v", err)
	}
}

func TestZoneLoader(t *testing.T) {
	loc := newYork(t)
	ny, err := siren.LoadSystemZone("America/New_York")
	if err != nil || len(ny) < 44 || string(ny[:4]) != "TZif" {
		t.Fatalf("system zone: %d bytes, %v", len(ny), err)
	}
	var asked []string
	h := &zoneHost{manualHost: manualHost{now: time.Date(2026, 2, 23, 8, 0, 0, 0, loc)}}
	h.load = func(name string) ([]byte, error) {
		asked = append(asked, name)
		switch name {
		case "Test/Zone":
			return ny, nil
		case "Test/Broken":
			return nil, os.ErrPermission
		case "Test/Panic":
			panic("tzdata exploded")
		case "Test/Garbage":
			return []byte("TZif not really"), nil
		}
		return nil, nil
	}
	e := newEngine(t, h)
	people(t, e, "alice")
	r := siren.Rotation{Name: "r", TimeZone: "Test/Zone", Start: time.Date(2026, 2, 23, 9, 0, 0, 0, loc),
		Contacts: []string{"alice"}, Recurrence: siren.Daily, Handoffs: []siren.Handoff{{TimeOfDay: 9 * time.Hour}}}
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	shifts, err := e.RotationShifts("r", r.Start, r.Start.Add(24*time.Hour))
	if err != nil || len(shifts) != 1 || !shifts[0].End.Equal(time.Date(2026, 2, 24, 9, 0, 0, 0, loc)) {
		t.Fatalf("%+v %v", shifts, err)
	}
	r.Name, r.TimeZone = "r2", "Test/Broken"
	if err := e.CreateRotation(r); !errors.Is(err, siren.ErrCallback) || !errors.Is(err, os.ErrPermission) {
		t.Errorf("failing LoadZone: %v", err)
	}
	r.TimeZone = "Test/Panic"
	var pe *siren.PanicError
	if err := e.CreateRotation(r); !errors.Is(err, siren.ErrCallback) || !errors.As(err, &pe) || pe.Callback != "LoadZone" {
		t.Errorf("panicking LoadZone: %v", err)
	}
	r.TimeZone = "Test/Missing"
	if err := e.CreateRotation(r); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("missing zone: %v", err)
	}
	r.TimeZone = "Test/Garbage"
	if err := e.CreateRotation(r); !errors.Is(err, siren.ErrInvalid) {
		t.Errorf("garbage zone: %v", err)
	}
	if want := []string{"Test/Zone", "Test/Broken", "Test/Panic", "Test/Missing", "Test/Garbage"}; !reflect.DeepEqual(asked, want) {
		t.Errorf("asked %v", asked)
	}
	if n := e.Rotations().Len(); n != 1 {
		t.Errorf("%d rotations", n)
	}
}

func TestLoadSystemZoneTZDIR(t *testing.T) {
	src := os.Getenv("TZDIR")
	if src == "" {
		src = siren.ZoneInfoDir
	}
	utc, err := os.ReadFile(filepath.Join(src, "UTC"))
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Test"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Test", "Zone"), utc, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Test", "notes.txt"), []byte("not a zone"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TZDIR", dir)
	if b, err := siren.LoadSystemZone("Test/Zone"); err != nil || !reflect.DeepEqual(b, utc) {
		t.Errorf("TZDIR zone: %d bytes %v", len(b), err)
	}
	for _, name := range []string{"America/New_York", "Test/notes.txt", "Test", "Test/Zone/x", "../Test/Zone",
		"Test/../Test/Zone", "/etc/passwd", filepath.Join(dir, "Test", "Zone")} {
		if b, err := siren.LoadSystemZone(name); b != nil || err != nil {
			t.Errorf("%q: %d bytes, %v", name, len(b), err)
		}
	}
	// The default loader of an engine reads the same directory.
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	people(t, e, "alice")
	if err := e.CreateRotation(siren.Rotation{Name: "r", TimeZone: "Test/Zone", Start: t0, Contacts: []string{"alice"},
		Recurrence: siren.Daily, Handoffs: []siren.Handoff{{TimeOfDay: 9 * time.Hour}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateRotation(siren.Rotation{Name: "r2", TimeZone: "America/New_York", Start: t0, Contacts: []string{"alice"},
		Recurrence: siren.Daily, Handoffs: []siren.Handoff{{TimeOfDay: 9 * time.Hour}}}); !errors.Is(err, siren.ErrNotFound) {
		t.Errorf("a zone outside TZDIR: %v", err)
	}
}

// Rotations replay from the records without the host's tzdata: the zone
// travels in the record.
func TestRotationReplayCarriesZone(t *testing.T) {
	loc := newYork(t)
	h := &storingHost{manualHost: manualHost{now: time.Date(2026, 3, 6, 8, 0, 0, 0, loc)}}
	e, err := siren.NewEngine(h)
	if err != nil {
		t.Fatal(err)
	}
	people(t, e, "alice", "bob")
	r := siren.Rotation{Name: "daily", TimeZone: "America/New_York", Start: time.Date(2026, 3, 6, 9, 0, 0, 0, loc),
		Contacts: []string{"alice", "bob"}, Recurrence: siren.Daily, Handoffs: []siren.Handoff{{TimeOfDay: 9 * time.Hour}}}
	if err := e.CreateRotation(r); err != nil {
		t.Fatal(err)
	}
	before, err := e.RotationShifts("daily", r.Start, r.Start.AddDate(0, 0, 4))
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	t.Setenv("TZDIR", t.TempDir()) // an empty zoneinfo
	e2, rep, err := siren.Open(h)
	if err != nil || rep.Stopped {
		t.Fatal(rep, err)
	}
	defer e2.Close()
	after, err := e2.RotationShifts("daily", r.Start, r.Start.AddDate(0, 0, 4))
	if err != nil || !reflect.DeepEqual(before, after) || after[1].End.Sub(after[1].Start) != 23*time.Hour {
		t.Errorf("after replay %+v %v (before %+v)", after, err, before)
	}
}

// Several goroutines creating rotations and listing shifts at once: each
// call's zone bytes are its own (go test -race).
func TestRotationsConcurrent(t *testing.T) {
	loc := newYork(t)
	_, e := rotEngine(t, loc)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := weekly(loc)
			r.Name = fmt.Sprintf("r%d", i)
			if i%2 == 1 {
				r.TimeZone = "Europe/Paris"
			}
			if err := e.CreateRotation(r); err != nil {
				errs <- err
				return
			}
			s, err := e.RotationShifts(r.Name, r.Start, r.Start.AddDate(0, 0, 14))
			if err != nil || len(s) < 2 {
				errs <- fmt.Errorf("%s: %+v %v", r.Name, s, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := e.Rotations().Len(); n != 8 {
		t.Errorf("%d rotations", n)
	}
}

// README.md shows ExampleEngine_CreateRotation's body as it is.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_rotation_test.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	s = s[strings.Index(s, "func ExampleEngine_CreateRotation() {\n")+len("func ExampleEngine_CreateRotation() {\n"):]
	s = s[:strings.Index(s, "\t// Output:")]
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	if want := "```go\n" + strings.Join(lines, "\n") + "\n```"; !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show the example as it is:\n%s", want)
	}
}
