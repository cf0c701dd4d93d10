package siren_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"siren"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// manualHost is a host whose clock moves only by hand (no test sleeps) and
// which records every notification and, when store is set, every record.
type manualHost struct {
	mu      sync.Mutex
	now     time.Time
	sent    []siren.Notification
	records [][]byte
	read    int
	panicOn siren.NotifyKind
	hook    func(n *siren.Notification) error
}

func (h *manualHost) Now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *manualHost) set(t time.Time) {
	h.mu.Lock()
	h.now = t
	h.mu.Unlock()
}

func (h *manualHost) Notify(n *siren.Notification) error {
	if n.Kind == h.panicOn {
		panic("notify exploded")
	}
	h.mu.Lock()
	h.sent = append(h.sent, *n)
	h.mu.Unlock()
	if h.hook != nil {
		return h.hook(n)
	}
	return nil
}

func (h *manualHost) pages() []siren.Notification {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []siren.Notification
	for _, n := range h.sent {
		if n.Kind == siren.NotifyPage {
			out = append(out, n)
		}
	}
	return out
}

// storingHost adds Storage and StorageReader.
type storingHost struct{ manualHost }

func (h *storingHost) Append(rec []byte) error {
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	return nil
}

func (h *storingHost) Next() ([]byte, error) {
	if h.read >= len(h.records) {
		return nil, nil
	}
	h.read++
	return h.records[h.read-1], nil
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "ec2-high-cpu", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newEngine(t *testing.T, h siren.Host) *siren.Engine {
	t.Helper()
	e, err := siren.NewEngine(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// runUntil advances the manual clock deadline by deadline up to end.
func runUntil(t *testing.T, e *siren.Engine, h *manualHost, end time.Time) {
	t.Helper()
	for {
		d, ok := e.NextDeadline()
		if !ok || d.After(end) {
			break
		}
		h.set(d)
		if _, err := e.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	h.set(end)
}

func minute(n time.Time) int { return int(n.Sub(t0) / time.Minute) }

func startSeedEngagement(t *testing.T, e *siren.Engine) siren.ID {
	t.Helper()
	res, err := e.LoadConfig(example(t, "contacts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Contacts != 3 || res.Channels != 4 {
		t.Fatalf("config result %+v", res)
	}
	id, err := e.StartEngagement(siren.EngagementParams{Contact: "app-escalation-plan", Sender: "cpu-agent",
		Subject: "EC2 CPU above 85%", Content: "i-0123: CPUUtilization 91%"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The README's host: the seed escalation pages at minutes 0, 5, 10 and 15.
// meson runs these tests against full builds only.
func TestBuildFeatures(t *testing.T) {
	if got, want := siren.BuildFeatures(), siren.FeatureConfigImport|siren.FeatureRunbooks; got != want {
		t.Fatalf("BuildFeatures() = %#x, want %#x", got, want)
	}
	if siren.CodeUnsupported.String() != "not in this build of siren" {
		t.Fatalf("CodeUnsupported = %q", siren.CodeUnsupported.String())
	}
}

func TestSeedWalkthrough(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	id := startSeedEngagement(t, e)
	runUntil(t, e, h, t0.Add(time.Hour))
	var got []string
	for _, n := range h.pages() {
		got = append(got, fmt.Sprintf("%d %s %s %s", minute(n.Time), n.ChannelType, n.Contact, n.Address))
		if n.Engagement != id || n.Code == "" || n.Subject != "EC2 CPU above 85%" {
			t.Errorf("page %+v", n)
		}
	}
	want := []string{
		"0 EMAIL incident-responder incident-responder@example.com",
		"5 EMAIL sr-incident-responder sr-incident-responder@example.com",
		"10 SMS incident-responder +12065550100",
		"15 SMS sr-incident-responder +12065550101",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("pages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	eg, err := e.Engagement(id)
	if err != nil || eg.State != siren.EngagementCompleted || eg.Acknowledged || eg.PageCount != 4 {
		t.Fatalf("engagement %+v %v", eg, err)
	}
	pages, err := e.EngagementPages(id).All()
	if err != nil || len(pages) != 4 || pages[1].EngagedBy != "app-escalation-plan" || pages[1].EscalationStage != 1 {
		t.Fatalf("pages %+v %v", pages, err)
	}
}

// The ec2-high-cpu walkthrough: incident, escalation, acceptance at minute
// 7, the runbook's five pauses resumed, resolution and analysis.
func TestEC2HighCPUWalkthrough(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	if _, err := e.LoadConfig(example(t, "contacts.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := e.LoadRunbook("ec2-cpu-util-runbook", example(t, "ec2-cpu-util-runbook.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err := e.LoadConfig(example(t, "response-plan.yaml"))
	if err != nil || res.ResponsePlans != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	rp, err := e.ResponsePlan("EC2HighCPU")
	if err != nil || rp.Impact != 3 || len(rp.Engagements) != 1 || rp.Engagements[0] != "app-escalation-plan" ||
		rp.Runbook != "ec2-cpu-util-runbook" || len(rp.RunbookParams) != 1 ||
		rp.RunbookParams[0].Dynamic != siren.DynamicIncidentRecordARN {
		t.Fatalf("response plan %+v %v", rp, err)
	}
	started, err := e.StartIncident(siren.IncidentParams{ResponsePlan: "EC2HighCPU", TriggerSource: "aws.cloudwatch",
		TriggerARN: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:EC2HighCPU",
		RelatedItems: []siren.RelatedItem{{Type: siren.ItemInvolvedResource,
			Value: "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", Title: "application instance"}}})
	if err != nil || started.Deduplicated {
		t.Fatal(started, err)
	}
	inc := started.ID
	// The same alarm again merges into the open incident.
	again, err := e.StartIncident(siren.IncidentParams{ResponsePlan: "EC2HighCPU", TriggerSource: "aws.cloudwatch",
		TriggerARN: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:EC2HighCPU"})
	if err != nil || !again.Deduplicated || again.ID != inc {
		t.Fatal(again, err)
	}
	execs, err := e.Executions().All()
	if err != nil || len(execs) != 1 || execs[0].Status != siren.ExecWaiting || execs[0].CurrentStep != "Inspect" ||
		execs[0].Incident != inc || len(execs[0].Steps) != 5 {
		t.Fatalf("executions %+v %v", execs, err)
	}
	ex := execs[0].ID

	runUntil(t, e, h, t0.Add(7*time.Minute))
	var accept *siren.Notification
	for _, n := range h.pages() {
		n := n
		if n.Contact == "sr-incident-responder" {
			accept = &n
		}
	}
	if accept == nil || minute(accept.Time) != 5 || accept.IncidentID == "" {
		t.Fatalf("no page for sr-incident-responder by minute 7: %+v", h.pages())
	}
	if err := e.AcceptPage(accept.Page, siren.AcceptRead, "000000", ""); !errors.Is(err, siren.ErrDenied) {
		t.Fatalf("wrong code: %v", err)
	}
	if err := e.AcceptPage(accept.Page, siren.AcceptRead, accept.Code, "Looking at the instance now"); err != nil {
		t.Fatal(err)
	}
	if err := e.AcceptPage(accept.Page, siren.AcceptRead, accept.Code, ""); !errors.Is(err, siren.ErrState) {
		t.Fatalf("second accept: %v", err)
	}
	pg, err := e.Page(accept.Page)
	if err != nil || minute(pg.AcceptedTime) != 7 || pg.AcceptNote != "Looking at the instance now" || !pg.Essential {
		t.Fatalf("page %+v %v", pg, err)
	}
	for i, step := range []string{"Inspect", "AddMetrics", "AttachToAutoScalingGroup", "Validate", "CloseIncident"} {
		h.set(t0.Add(time.Duration([]int{8, 9, 14, 19, 20}[i]) * time.Minute))
		if step == "AddMetrics" {
			if err := e.AddRelatedItem(inc, siren.RelatedItem{Type: siren.ItemMetric,
				Value: "AWS/EC2 CPUUtilization InstanceId=i-0123456789abcdef0", Title: "CPU utilization"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.SendSignal(ex, siren.SignalResume, siren.SignalOptions{Step: step}); err != nil {
			t.Fatalf("resume %s: %v", step, err)
		}
	}
	x, err := e.Execution(ex)
	if err != nil || x.Status != siren.ExecSuccess || minute(x.EndTime) != 20 {
		t.Fatalf("execution %+v %v", x, err)
	}
	summary := "Instance attached to an Auto Scaling group"
	resolved := siren.IncidentResolved
	if err := e.UpdateIncident(inc, siren.IncidentChanges{Status: &resolved, Summary: &summary}); err != nil {
		t.Fatal(err)
	}
	if err := e.ResolveIncident(inc); !errors.Is(err, siren.ErrState) {
		t.Fatalf("resolving twice: %v", err)
	}
	runUntil(t, e, h, t0.Add(25*time.Minute))
	an, err := e.CreateAnalysis(inc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Incident(inc)
	if err != nil || got.Status != siren.IncidentResolved || minute(got.ResolvedTime) != 20 || got.Summary != summary ||
		!got.Acknowledged || got.TriggerCount != 2 || len(got.RelatedItems) != 2 || len(got.Engagements) != 1 ||
		got.Analysis != an || got.ARN == "" {
		t.Fatalf("incident %+v %v", got, err)
	}
	a, err := e.Analysis(an)
	if err != nil || len(a.Questions) == 0 || a.Incident != inc || minute(a.CreationTime) != 25 {
		t.Fatalf("analysis %+v %v", a, err)
	}
	// No page after the acceptance at minute 7.
	for _, n := range h.pages() {
		if minute(n.Time) > 7 {
			t.Errorf("page after the acceptance: %+v", n)
		}
	}
	// The timeline: automatic events, plus a note of ours.
	note, err := e.CreateTimelineEvent(inc, siren.TimelineEvent{Type: "Note", Data: `{"text":"handed over"}`})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := e.TimelineEvents(inc, nil).All()
	if err != nil || len(evs) < 5 || evs[0].Type != "incident.created" || !evs[0].Automatic {
		t.Fatalf("timeline %+v %v", evs, err)
	}
	notes, err := e.TimelineEvents(inc, &siren.TimelineFilter{Types: []string{"Note"}}).All()
	if err != nil || len(notes) != 1 || notes[0].ID != note || notes[0].Automatic || minute(notes[0].Time) != 25 {
		t.Fatalf("notes %+v %v", notes, err)
	}
	if err := e.DeleteTimelineEvent(inc, evs[0].ID); !errors.Is(err, siren.ErrState) {
		t.Fatalf("deleting an automatic event: %v", err)
	}
	if err := e.DeleteTimelineEvent(inc, note); err != nil {
		t.Fatal(err)
	}
	open, err := e.Incidents(&siren.IncidentFilter{Statuses: []siren.IncidentStatus{siren.IncidentOpen}}).All()
	if err != nil || len(open) != 0 {
		t.Fatalf("open incidents %+v %v", open, err)
	}
}

// A panic in Notify is recovered: the call fails with ErrCallback, which
// wraps a *PanicError.
func TestNotifyPanicBecomesErrCallback(t *testing.T) {
	h := &manualHost{now: t0, panicOn: siren.NotifyPage}
	e := newEngine(t, h)
	if _, err := e.LoadConfig(example(t, "contacts.yaml")); err != nil {
		t.Fatal(err)
	}
	id, err := e.StartEngagement(siren.EngagementParams{Contact: "incident-responder", Sender: "s", Subject: "s", Content: "c"})
	if !errors.Is(err, siren.ErrCallback) {
		t.Fatalf("want ErrCallback, got %v", err)
	}
	var pe *siren.PanicError
	if !errors.As(err, &pe) || pe.Value != "notify exploded" || pe.Callback != "Notify" {
		t.Fatalf("want a *PanicError in %v", err)
	}
	var se *siren.Error
	if !errors.As(err, &se) || se.Op != "StartEngagement" || se.Code != siren.CodeCallback {
		t.Fatalf("error %#v", err)
	}
	// As documented: the engagement runs, and the failed page got an
	// automatic ERROR receipt.
	pages, err := e.EngagementPages(id).All()
	if err != nil || len(pages) != 1 || len(pages[0].Receipts) != 1 || pages[0].Receipts[0].Type != siren.ReceiptError {
		t.Fatalf("pages %+v %v", pages, err)
	}
	// A plain error from Notify is wrapped the same way.
	boom := errors.New("smtp down")
	h.panicOn = 0
	h.hook = func(*siren.Notification) error { return boom }
	_, err = e.StartEngagement(siren.EngagementParams{Contact: "sr-incident-responder", Sender: "s", Subject: "s", Content: "c"})
	if !errors.Is(err, siren.ErrCallback) || !errors.Is(err, boom) {
		t.Fatalf("want ErrCallback wrapping %v, got %v", boom, err)
	}
}

// A callback that calls its own engine gets ErrBusy, not a deadlock.
func TestCallbackReentryIsBusy(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	var inner error
	h.hook = func(*siren.Notification) error {
		_, inner = e.Contact("incident-responder")
		return nil
	}
	startSeedEngagement(t, e)
	if !errors.Is(inner, siren.ErrBusy) {
		t.Fatalf("inner call: %v", inner)
	}
}

// An engine reopened from its records has the same state and re-announces
// the pages that have no receipt.
func TestReopenFromRecords(t *testing.T) {
	h := &storingHost{manualHost{now: t0}}
	e := newEngine(t, h)
	id := startSeedEngagement(t, e)
	runUntil(t, e, &h.manualHost, t0.Add(6*time.Minute))
	before, err := e.EngagementPages(id).All()
	if err != nil || len(before) != 2 {
		t.Fatalf("%+v %v", before, err)
	}
	if err := e.PageReceipt(before[0].ID, siren.ReceiptSent, ""); err != nil {
		t.Fatal(err)
	}
	n := e.RecordCount()
	if n == 0 || uint64(len(h.records)) != n {
		t.Fatalf("records %d, stored %d", n, len(h.records))
	}
	if typ, err := siren.CheckRecord(h.records[0]); err != nil || typ == 0 {
		t.Fatalf("record 0: %d %v", typ, err)
	}
	e.Close()
	if _, err := e.Engagement(id); err != siren.ErrClosed {
		t.Fatalf("after Close: %v", err)
	}

	h2 := &storingHost{manualHost{now: t0.Add(6 * time.Minute), records: h.records}}
	e2, rep, err := siren.Open(h2)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if rep.Records != n || rep.Stopped || rep.Reannounced != 1 || minute(rep.LastTime) != 6 {
		t.Fatalf("report %+v", rep)
	}
	if p := h2.pages(); len(p) != 1 || p[0].Page != before[1].ID {
		t.Fatalf("re-announced %+v", p)
	}
	after, err := e2.EngagementPages(id).All()
	if err != nil || len(after) != 2 || after[0].ID != before[0].ID ||
		after[0].Receipts[0].Type != siren.ReceiptSent || after[1].SentTime != before[1].SentTime {
		t.Fatalf("after reopen %+v %v", after, err)
	}
	// It goes on where it stopped: minute 10 and 15.
	runUntil(t, e2, &h2.manualHost, t0.Add(time.Hour))
	var mins []int
	for _, p := range h2.pages()[1:] {
		mins = append(mins, minute(p.Time))
	}
	if fmt.Sprint(mins) != "[10 15]" {
		t.Fatalf("pages after reopen at minutes %v", mins)
	}
	// A damaged record stops replay there.
	bad := append([][]byte{}, h.records...)
	last := append([]byte{}, bad[len(bad)-1]...)
	last[len(last)-1] ^= 0xff
	bad[len(bad)-1] = last
	h3 := &storingHost{manualHost{now: t0.Add(6 * time.Minute), records: bad}}
	e3, rep, err := siren.Open(h3)
	if err != nil {
		t.Fatal(err)
	}
	defer e3.Close()
	if !rep.Stopped || rep.StopCode != siren.CodeCorrupt || rep.StopIndex != uint64(len(bad)-1) {
		t.Fatalf("report %+v", rep)
	}
}

func TestConfigProblems(t *testing.T) {
	e := newEngine(t, &manualHost{now: t0})
	_, err := e.LoadConfig([]byte(`{"contacts":[{"Alias":"a","Type":"ESCALATION","Plan":{"Stages":[{"DurationInMinutes":5,"Targets":[{"ContactTargetInfo":{"ContactId":"nobody"}}]}]}}]}`))
	var se *siren.Error
	if !errors.Is(err, siren.ErrInvalid) || !errors.As(err, &se) || len(se.Problems) == 0 ||
		!strings.Contains(se.Problems[0], "nobody") {
		t.Fatalf("%v %#v", err, se)
	}
	if p := e.ConfigProblems(); len(p) != len(se.Problems) {
		t.Fatalf("ConfigProblems %q", p)
	}
	if _, err := e.Contact("a"); !errors.Is(err, siren.ErrNotFound) {
		t.Fatalf("all or nothing: %v", err)
	}
	err = e.LoadRunbook("bad", []byte("schemaVersion: '0.2'\nmainSteps: []\n"))
	if !errors.As(err, &se) || se.Code != siren.CodeInvalid || len(se.Problems) == 0 {
		t.Fatalf("runbook: %v", err)
	}
}
