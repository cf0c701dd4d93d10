package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"siren"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// simClock is the simulated clock: it moves only when the test says so.
type simClock struct{ now time.Time }

func (c *simClock) Now() time.Time { return c.now }

// sim is a Service on a simulated clock, with its output captured.
type sim struct {
	*Service
	clock *simClock
	out   *bytes.Buffer
	seen  int
}

func newSim(t *testing.T, journal string, at time.Time) *sim {
	t.Helper()
	s := &sim{clock: &simClock{now: at}, out: &bytes.Buffer{}}
	var err error
	s.Service, err = NewService(Config{ConfigDir: filepath.Join("..", "ec2-high-cpu"), Journal: journal,
		Clock: s.clock, Out: s.out})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lines returns the output lines printed since the last call.
func (s *sim) lines() []string {
	text := s.out.String()[s.seen:]
	s.seen += len(text)
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// runTo moves the clock deadline by deadline up to end, advancing the
// engine at each, as main's loop does on the wall clock.
func (s *sim) runTo(t *testing.T, end time.Time) {
	t.Helper()
	for {
		d, ok := s.NextDeadline()
		if !ok || d.After(end) {
			break
		}
		s.clock.now = d
		if _, err := s.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	s.clock.now = end
}

func (s *sim) cmd(t *testing.T, line string) []string {
	t.Helper()
	if err := s.Command(line); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return s.lines()
}

// page is a PAGE line taken apart.
type page struct {
	time                   time.Time
	id, contact, code, typ string
}

func pages(t *testing.T, lines []string) []page {
	t.Helper()
	var out []page
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) < 2 || f[1] != "PAGE" {
			continue
		}
		kv := map[string]string{}
		for _, x := range f[2:] {
			if k, v, ok := strings.Cut(x, "="); ok {
				kv[k] = v
			}
		}
		ts, err := time.Parse(time.RFC3339, f[0])
		if err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, page{ts, kv["page"], kv["contact"], kv["code"], kv["type"]})
	}
	return out
}

func atoi(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

func mustContain(t *testing.T, lines []string, want string) {
	t.Helper()
	for _, l := range lines {
		if l == want {
			return
		}
	}
	t.Fatalf("no line %q in:\n%s", want, strings.Join(lines, "\n"))
}

// The walkthrough: the EC2HighCPU alarm starts an incident, nobody answers
// the minute-0 page, the escalation plan's stage 2 pages the senior
// responder at minute 5, who accepts and walks the runbook's five pauses;
// the incident is resolved and no page follows.
func TestWalkthrough(t *testing.T) {
	s := newSim(t, "", t0)
	defer s.Close()

	out := s.cmd(t, "start-incident")
	ps := pages(t, out)
	if len(ps) != 1 || ps[0].contact != "incident-responder" || ps[0].typ != "EMAIL" || !ps[0].time.Equal(t0) {
		t.Fatalf("minute 0: %q", out)
	}
	mustContain(t, out, "incident 1 started")
	mustContain(t, out, "execution 1 (ec2-cpu-util-runbook) waiting at Inspect")

	s.runTo(t, t0.Add(5*time.Minute))
	out = s.lines()
	ps = pages(t, out)
	if len(ps) != 1 || ps[0].contact != "sr-incident-responder" || !ps[0].time.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("minutes 0-5: %q", out)
	}
	pg, err := s.Engine.Page(siren.ID(atoi(ps[0].id)))
	if err != nil || pg.EngagedBy != "app-escalation-plan" || pg.EscalationStage != 1 || !pg.Essential ||
		len(pg.Receipts) != 1 || pg.Receipts[0].Type != siren.ReceiptSent {
		t.Fatalf("page %+v %v", pg, err)
	}

	s.clock.now = t0.Add(7 * time.Minute)
	if err := s.Command("accept " + ps[0].id + " 000000"); !errors.Is(err, siren.ErrDenied) {
		t.Fatalf("wrong code: %v", err)
	}
	mustContain(t, s.cmd(t, "accept "+ps[0].id+" "+ps[0].code), "page "+ps[0].id+" accepted")

	for i, next := range []string{"waiting at AddMetrics", "waiting at AttachToAutoScalingGroup",
		"waiting at Validate", "waiting at CloseIncident", "Success"} {
		s.clock.now = t0.Add(time.Duration([]int{8, 9, 14, 19, 20}[i]) * time.Minute)
		mustContain(t, s.cmd(t, "resume 1"), "execution 1 (ec2-cpu-util-runbook) "+next)
	}
	mustContain(t, s.cmd(t, "resolve 1"), "incident 1 resolved")
	if err := s.Command("resolve 1"); !errors.Is(err, siren.ErrState) {
		t.Fatalf("resolving twice: %v", err)
	}

	s.runTo(t, t0.Add(30*time.Minute))
	if ps := pages(t, s.lines()); len(ps) != 0 {
		t.Fatalf("pages after the acceptance: %+v", ps)
	}
	inc, err := s.Engine.Incident(1)
	if err != nil || inc.Status != siren.IncidentResolved || !inc.ResolvedTime.Equal(t0.Add(20*time.Minute)) ||
		!inc.Acknowledged {
		t.Fatalf("incident %+v %v", inc, err)
	}
	for _, bad := range []string{"", "frobnicate", "accept x 1", "resume"} {
		if err := s.Command(bad); (err == nil) != (bad == "") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := s.Command("quit"); err != ErrQuit {
		t.Fatalf("quit: %v", err)
	}
}

// state is what must survive a restart.
type state struct {
	Records    uint64
	Incident   siren.Incident
	Execution  siren.Execution
	Engagement []siren.Page
}

func snapshot(t *testing.T, s *sim) state {
	t.Helper()
	inc, err := s.Engine.Incident(1)
	if err != nil {
		t.Fatal(err)
	}
	x, err := s.Engine.Execution(1)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Engine.EngagementPages(inc.Engagements[0]).All()
	if err != nil {
		t.Fatal(err)
	}
	return state{s.Engine.RecordCount(), inc, x, ps}
}

// The journal: close at minute 7 with a page accepted and the runbook at its
// second pause, leave a torn frame behind as a crash would, reopen from the
// file: the same state, the tail cut, the ids carry on.
func TestJournalReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "siren.journal")
	s := newSim(t, path, t0)
	ps := pages(t, s.cmd(t, "start-incident"))
	s.runTo(t, t0.Add(7*time.Minute))
	ps = append(ps, pages(t, s.lines())...)
	if len(ps) != 2 {
		t.Fatalf("pages %+v", ps)
	}
	s.cmd(t, "accept "+ps[1].id+" "+ps[1].code)
	s.cmd(t, "resume 1")
	before := snapshot(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	size := fi.Size()

	// A crash in the middle of an append: a frame announcing 256 bytes, 3 there.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0, 0, 1, 0, 1, 2, 3})
	f.Close()

	s = newSim(t, path, t0.Add(8*time.Minute))
	defer func() { s.Close() }()
	if s.Report.Records != before.Records || s.Report.Stopped || s.Report.Reannounced != 0 {
		t.Fatalf("open report %+v, %d records before", s.Report, before.Records)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != size {
		t.Fatalf("torn tail not cut: %v %v, want %d bytes", fi.Size(), err, size)
	}
	if after := snapshot(t, s); !reflect.DeepEqual(after, before) {
		t.Fatalf("state after reopen:\n%+v\nbefore:\n%+v", after, before)
	}
	if out := s.lines(); len(out) != 1 || out[0] != "" {
		t.Fatalf("output on reopen (nothing to announce again): %q", out)
	}

	// Carry on: the runbook continues, and a new incident takes the next ids.
	mustContain(t, s.cmd(t, "resume 1"), "execution 1 (ec2-cpu-util-runbook) waiting at AttachToAutoScalingGroup")
	s.cmd(t, "resolve 1")
	out := s.cmd(t, "start-incident")
	mustContain(t, out, "incident 2 started")
	mustContain(t, out, "execution 2 (ec2-cpu-util-runbook) waiting at Inspect")
	if np := pages(t, out); len(np) != 1 || atoi(np[0].id) <= atoi(ps[1].id) {
		t.Fatalf("new page %+v after %+v", np, ps)
	}
	records := s.Engine.RecordCount()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// And once more, from a clean file.
	s = newSim(t, path, t0.Add(9*time.Minute))
	if s.Report.Records != records || s.Report.Stopped {
		t.Fatalf("second reopen %+v, want %d records", s.Report, records)
	}
	if inc, err := s.Engine.Incident(2); err != nil || inc.Status != siren.IncidentOpen {
		t.Fatalf("incident 2 %+v %v", inc, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A damaged last record (whole frame, bad content): siren stops the
	// replay before it, and the file is cut to the prefix it applied.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s = newSim(t, path, t0.Add(10*time.Minute))
	if !s.Report.Stopped || s.Report.Records != records-1 || s.Report.StopIndex != records-1 {
		t.Fatalf("damaged record: %+v, %d records", s.Report, records)
	}
	// The damaged record was the SENT receipt of incident 2's page: the page
	// is announced again (printed once more) and its new receipt appended
	// after the cut.
	cut := int(s.Report.Bytes + 4*s.Report.Records)
	now, err := os.ReadFile(path)
	if err != nil || len(now) <= cut || !bytes.Equal(now[:cut], data[:cut]) || bytes.Equal(now[cut:], data[cut:]) {
		t.Fatalf("damaged record not replaced: %d bytes, cut at %d of %d (%v)", len(now), cut, len(data), err)
	}
	if s.Report.Reannounced != 1 || len(pages(t, s.lines())) != 1 {
		t.Fatalf("page not announced again: %+v", s.Report)
	}
	mustContain(t, s.cmd(t, "resume 2"), "execution 2 (ec2-cpu-util-runbook) waiting at AddMetrics")
	records = s.Engine.RecordCount()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = newSim(t, path, t0.Add(11*time.Minute))
	if s.Report.Records != records || s.Report.Stopped {
		t.Fatalf("after the cut: %+v, want %d records", s.Report, records)
	}
}
