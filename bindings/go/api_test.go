package siren_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"siren"
)

func TestContactsChannelsPlans(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	if err := e.CreateContact("alice", "Alice", siren.Personal); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateContact("alice", "", siren.Personal); !errors.Is(err, siren.ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := e.CreateChannel("alice", "mail", "EMAIL", "alice@example.com", false); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateChannel("alice", "phone", "SMS", "not-a-number", true); !errors.Is(err, siren.ErrInvalid) {
		t.Fatalf("bad SMS address: %v", err)
	}
	if len(h.sent) != 1 || h.sent[0].Kind != siren.NotifyActivationCode || len(h.sent[0].Code) != 6 {
		t.Fatalf("activation code: %+v", h.sent)
	}
	if err := e.ActivateChannel("alice", "mail", "x"); !errors.Is(err, siren.ErrDenied) {
		t.Fatalf("wrong code: %v", err)
	}
	if err := e.ActivateChannel("alice", "mail", h.sent[0].Code); err != nil {
		t.Fatal(err)
	}
	ch, err := e.Channel("alice", "mail")
	if err != nil || ch.Activation != siren.Activated || ch.Address != "alice@example.com" {
		t.Fatalf("%+v %v", ch, err)
	}
	if err := e.SetPlan("alice", siren.Plan{Stages: []siren.Stage{{Duration: 90 * time.Second}}}); !errors.Is(err, siren.ErrInvalid) {
		t.Fatalf("non-whole minutes: %v", err)
	}
	plan := siren.Plan{RepeatCount: 1, Stages: []siren.Stage{{Duration: 5 * time.Minute,
		Targets: []siren.Target{{Channel: "mail", RetryInterval: time.Minute}}}}}
	if err := e.SetPlan("alice", plan); err != nil {
		t.Fatal(err)
	}
	got, err := e.Plan("alice")
	if err != nil || got.RepeatCount != 1 || len(got.Stages) != 1 || got.Stages[0].Duration != 5*time.Minute ||
		got.Stages[0].Targets[0] != plan.Stages[0].Targets[0] {
		t.Fatalf("plan %+v %v", got, err)
	}
	prev, err := e.Preview("alice")
	if err != nil || len(prev) != 2 || prev[1].Offset != 5*time.Minute || prev[0].Channel != "mail" {
		t.Fatalf("preview %+v %v", prev, err)
	}
	prev, err = e.Preview("alice", siren.PreviewAck{Contact: "alice", After: time.Minute})
	if err != nil || len(prev) != 1 {
		t.Fatalf("preview with ack %+v %v", prev, err)
	}
	cs, err := e.Contacts().All()
	if err != nil || len(cs) != 1 || cs[0].Alias != "alice" || cs[0].ChannelCount != 1 || cs[0].Type != siren.Personal {
		t.Fatalf("contacts %+v %v", cs, err)
	}
	chs, err := e.Channels("alice").All()
	if err != nil || len(chs) != 1 {
		t.Fatalf("channels %+v %v", chs, err)
	}
	if err := e.DeleteChannel("alice", "mail"); !errors.Is(err, siren.ErrState) {
		t.Fatalf("delete a targeted channel: %v", err)
	}
	if _, err := e.Contact("bob"); !errors.Is(err, siren.ErrNotFound) {
		t.Fatal(err)
	}
	// An ERROR receipt makes siren page again after the retry interval.
	id, err := e.StartEngagement(siren.EngagementParams{Contact: "alice", Sender: "s", Subject: "s", Content: "c"})
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := e.EngagementPages(id).All()
	if err := e.PageReceipt(pages[0].ID, siren.ReceiptError, "bounced"); err != nil {
		t.Fatal(err)
	}
	runUntil(t, e, h, t0.Add(time.Minute))
	p := h.pages()
	if len(p) != 2 || p[1].RetryOf != pages[0].ID || minute(p[1].Time) != 1 {
		t.Fatalf("retry %+v", p)
	}
	if err := e.StopEngagement(id, "fixed"); err != nil {
		t.Fatal(err)
	}
	if err := e.StopEngagement(id, ""); !errors.Is(err, siren.ErrState) {
		t.Fatal(err)
	}
	if d, ok := e.NextDeadline(); ok {
		t.Fatalf("deadline %v after stop", d)
	}
}

const hostRunbook = `schemaVersion: '0.3'
parameters:
  InstanceId: {type: String}
mainSteps:
  - name: Restart
    action: 'aws:executeScript'
    maxAttempts: 2
    inputs: {Runtime: python3.8, Handler: h, Script: 'x', InputPayload: {id: '{{ InstanceId }}'}}
`

func TestRunbookHostActions(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	if err := e.LoadRunbook("restart", []byte(hostRunbook)); err != nil {
		t.Fatal(err, e.ConfigProblems())
	}
	rb, err := e.Runbook("restart")
	if err != nil || rb.StepCount != 1 || rb.ParameterCount != 1 {
		t.Fatalf("%+v %v", rb, err)
	}
	ex, err := e.StartExecution(siren.ExecutionParams{Runbook: "restart",
		Params: []siren.RunbookParam{{Name: "InstanceId", Values: []string{"i-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	act := h.sent[len(h.sent)-1]
	if act.Kind != siren.NotifyAction || act.Step != "Restart" || act.Attempt != 1 || act.Execution != ex {
		t.Fatalf("action %+v", act)
	}
	if err := e.ReportAction(siren.ActionResult{Execution: ex, Step: "Restart", Attempt: 1, Failure: "no such instance"}); err != nil {
		t.Fatal(err)
	}
	act = h.sent[len(h.sent)-1]
	if act.Attempt != 2 {
		t.Fatalf("second attempt %+v", act)
	}
	if err := e.ReportAction(siren.ActionResult{Execution: ex, Step: "Restart", Attempt: 2, Outputs: `{}`}); err != nil {
		t.Fatal(err)
	}
	x, err := e.Execution(ex)
	if err != nil || x.Status != siren.ExecSuccess || x.Steps[0].Attempts != 2 || x.Status.String() != "Success" {
		t.Fatalf("%+v %v", x, err)
	}
	if err := e.StopExecution(ex, siren.StopCancel); !errors.Is(err, siren.ErrState) {
		t.Fatal(err)
	}
}

func TestHeartbeat(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	if err := e.CreateContact("ops", "", siren.Personal); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateResponsePlan(siren.ResponsePlan{Name: "agent-down", Title: "agent silent", Impact: 2,
		ChatChannels: []string{"#ops"}, IncidentTags: []siren.Tag{{"team", "ops"}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateHeartbeat(siren.Heartbeat{Name: "agent", ResponsePlan: "agent-down",
		Interval: 10 * time.Minute, ResolveOnBeat: true}); err != nil {
		t.Fatal(err)
	}
	runUntil(t, e, h, t0.Add(11*time.Minute))
	hb, err := e.Heartbeat("agent")
	if err != nil || hb.Incident == 0 {
		t.Fatalf("%+v %v", hb, err)
	}
	inc, err := e.Incident(hb.Incident)
	if err != nil || inc.TriggerSource != "siren.heartbeat" || minute(inc.CreationTime) != 10 || inc.Impact != 2 ||
		len(inc.IncidentTags) != 1 {
		t.Fatalf("%+v %v", inc, err)
	}
	var chat bool
	for _, n := range h.sent {
		chat = chat || (n.Kind == siren.NotifyChat && n.Channel == "#ops" && n.Message == "opened")
	}
	if !chat {
		t.Fatalf("no chat message: %+v", h.sent)
	}
	if err := e.Beat("agent"); err != nil {
		t.Fatal(err)
	}
	if inc, _ = e.Incident(hb.Incident); inc.Status != siren.IncidentResolved {
		t.Fatalf("not resolved on beat: %+v", inc)
	}
	if err := e.DeleteResponsePlan("agent-down"); !errors.Is(err, siren.ErrState) {
		t.Fatal(err)
	}
}

// Several goroutines share one engine (run with -race).
func TestConcurrentUse(t *testing.T) {
	h := &manualHost{now: t0}
	e := newEngine(t, h)
	startSeedEngagement(t, e)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				switch g % 3 {
				case 0:
					if _, err := e.Engagements().All(); err != nil {
						t.Error(err)
					}
				case 1:
					e.NextDeadline()
					if _, err := e.Contact("incident-responder"); err != nil {
						t.Error(err)
					}
				default:
					h.set(t0.Add(time.Duration(i) * time.Minute / 5))
					if _, err := e.Advance(); err != nil {
						t.Error(err)
					}
				}
			}
		}(g)
	}
	wg.Wait()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}
