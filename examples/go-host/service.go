package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"siren"
)

// Clock is where the service reads the time: the wall clock in main, a
// simulated one in the tests.
type Clock interface {
	Now() time.Time
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// Config configures a Service.
type Config struct {
	// ConfigDir holds contacts.yaml, the runbooks (*-runbook.yaml, each
	// loaded under its file name less ".yaml") and response-plan.yaml, loaded
	// in that order into a new engine. A journal that already holds records
	// carries its configuration: the files are not read again.
	ConfigDir string
	// Journal is the journal file; "" runs in memory only.
	Journal string
	// Clock defaults to the wall clock.
	Clock Clock
	// Out receives one line per notification and per command result.
	Out io.Writer
	// Random feeds accept codes; nil is crypto/rand.
	Random io.Reader
	// DefaultPlan is the response plan "start-incident" uses without an
	// argument (default EC2HighCPU).
	DefaultPlan string
}

// Service is the host: an engine, its journal, and the command set main
// feeds from stdin. Every method runs on the caller's goroutine; it is not
// meant to be shared between goroutines.
type Service struct {
	Engine  *siren.Engine
	Report  siren.OpenReport // what Open read back from the journal
	journal *Journal
	host    *host
	plan    string
}

// host implements siren.Host, Storage, StorageReader and RandomSource.
type host struct {
	clock   Clock
	out     io.Writer
	random  io.Reader
	journal *Journal
	sent    []siren.ID // pages printed, to confirm with a SENT receipt
}

func (h *host) Now() time.Time { return h.clock.Now() }

func (h *host) Random(p []byte) error {
	_, err := io.ReadFull(h.random, p)
	return err
}

func (h *host) Append(rec []byte) error {
	if h.journal == nil {
		return nil
	}
	return h.journal.Append(rec)
}

func (h *host) Next() ([]byte, error) {
	if h.journal == nil {
		return nil, nil
	}
	return h.journal.Next()
}

// Notify prints the notification as one line. Pages are "sent" once the
// line is written; the receipt is recorded after the engine call returns
// (a callback must not call its engine).
func (h *host) Notify(n *siren.Notification) error {
	if _, err := fmt.Fprintln(h.out, FormatNotification(n)); err != nil {
		return err
	}
	if n.Kind == siren.NotifyPage {
		h.sent = append(h.sent, n.Page)
	}
	return nil
}

// FormatNotification is the line printed for n.
func FormatNotification(n *siren.Notification) string {
	ts := n.Time.UTC().Format(time.RFC3339)
	switch n.Kind {
	case siren.NotifyPage:
		s := fmt.Sprintf("%s PAGE page=%d contact=%s channel=%s type=%s address=%s stage=%d code=%s",
			ts, n.Page, n.Contact, n.Channel, n.ChannelType, n.Address, n.Stage, n.Code)
		if n.Incident != 0 {
			s += fmt.Sprintf(" incident=%d", n.Incident)
		}
		if n.RetryOf != 0 {
			s += fmt.Sprintf(" retry-of=%d", n.RetryOf)
		}
		return s + fmt.Sprintf(" subject=%q", n.Subject)
	case siren.NotifyChat, siren.NotifyTarget:
		return fmt.Sprintf("%s %s incident=%d channel=%s message=%s text=%q",
			ts, n.Kind, n.Incident, n.Channel, n.Message, n.Text)
	case siren.NotifyAction:
		return fmt.Sprintf("%s ACTION execution=%d step=%s action=%s attempt=%d inputs=%s",
			ts, n.Execution, n.Step, n.Action, n.Attempt, n.Inputs)
	case siren.NotifyActivationCode:
		return fmt.Sprintf("%s ACTIVATION_CODE contact=%s channel=%s address=%s code=%s",
			ts, n.Contact, n.Channel, n.Address, n.Code)
	}
	return fmt.Sprintf("%s %s", ts, n.Kind)
}

// NewService opens the journal (when configured), rebuilds the engine from
// it with siren.Open and cuts a torn or damaged tail off; when the journal
// is empty (or there is none) it loads the configuration.
func NewService(c Config) (*Service, error) {
	h := &host{clock: c.Clock, out: c.Out, random: c.Random}
	if h.clock == nil {
		h.clock = wallClock{}
	}
	if h.out == nil {
		h.out = io.Discard
	}
	if h.random == nil {
		h.random = rand.Reader
	}
	s := &Service{host: h, plan: c.DefaultPlan}
	if s.plan == "" {
		s.plan = "EC2HighCPU"
	}
	var err error
	if c.Journal != "" {
		if s.journal, err = OpenJournal(c.Journal); err != nil {
			return nil, err
		}
		h.journal = s.journal
		s.Engine, s.Report, err = siren.Open(h)
		if s.Engine == nil {
			s.journal.Close()
			return nil, err
		}
		// err here is a failed re-announce: the engine is open, and the
		// pages are announced again by the next run at the latest.
		if _, terr := s.journal.Truncate(s.Report.Bytes); terr != nil {
			s.Close()
			return nil, terr
		}
	} else if s.Engine, err = siren.NewEngine(h); err != nil {
		return nil, err
	}
	if s.Engine.RecordCount() == 0 {
		if lerr := s.loadConfig(c.ConfigDir); lerr != nil {
			s.Close()
			return nil, lerr
		}
	}
	return s, s.flush(err)
}

func (s *Service) loadConfig(dir string) error {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	text, err := read("contacts.yaml")
	if err != nil {
		return err
	}
	if _, err := s.Engine.LoadConfig(text); err != nil {
		return configError("contacts.yaml", err)
	}
	runbooks, err := filepath.Glob(filepath.Join(dir, "*-runbook.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(runbooks)
	for _, path := range runbooks {
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if err := s.Engine.LoadRunbook(name, text); err != nil {
			return configError(filepath.Base(path), err)
		}
	}
	if text, err = read("response-plan.yaml"); err != nil {
		return err
	}
	if _, err := s.Engine.LoadConfig(text); err != nil {
		return configError("response-plan.yaml", err)
	}
	return nil
}

func configError(file string, err error) error {
	var se *siren.Error
	if errors.As(err, &se) && len(se.Problems) > 0 {
		return fmt.Errorf("%s: %w\n  %s", file, err, strings.Join(se.Problems, "\n  "))
	}
	return fmt.Errorf("%s: %w", file, err)
}

// Close closes the engine and the journal.
func (s *Service) Close() error {
	err := s.Engine.Close()
	if s.journal != nil {
		if jerr := s.journal.Close(); err == nil {
			err = jerr
		}
	}
	return err
}

// flush records a SENT receipt for every page printed since the last
// flush, and returns err (or the first receipt failure).
func (s *Service) flush(err error) error {
	for len(s.host.sent) > 0 {
		sent := s.host.sent
		s.host.sent = nil
		for _, p := range sent {
			if rerr := s.Engine.PageReceipt(p, siren.ReceiptSent, "printed"); rerr != nil && err == nil {
				err = rerr
			}
		}
	}
	return err
}

// NextDeadline is when the engine next needs Advance.
func (s *Service) NextDeadline() (time.Time, bool) { return s.Engine.NextDeadline() }

// Advance fires what is due at the clock's Now.
func (s *Service) Advance() (int, error) {
	n, err := s.Engine.Advance()
	return n, s.flush(err)
}

// ErrQuit is what Command returns for "quit".
var ErrQuit = errors.New("quit")

// Command runs one command line and prints its result:
//
//	start-incident [PLAN]   start an incident (the EC2HighCPU alarm)
//	accept PAGE CODE        accept a page with its code
//	resume EXECUTION        resume the step an execution waits at
//	resolve INCIDENT        resolve an incident
//	quit
func (s *Service) Command(line string) error {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	out := s.host.out
	id := func(i int) (siren.ID, error) {
		if len(f) <= i {
			return 0, fmt.Errorf("%s: missing argument", f[0])
		}
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil || n == 0 {
			return 0, fmt.Errorf("%s: %q is not an id", f[0], f[i])
		}
		return siren.ID(n), nil
	}
	switch f[0] {
	case "quit", "exit":
		return ErrQuit
	case "start-incident":
		plan := s.plan
		if len(f) > 1 {
			plan = f[1]
		}
		started, err := s.Engine.StartIncident(siren.IncidentParams{
			ResponsePlan:  plan,
			TriggerSource: "aws.cloudwatch",
			TriggerARN:    "arn:aws:cloudwatch:us-east-1:111122223333:alarm:" + plan,
		})
		if err = s.flush(err); started.ID == 0 {
			return err
		}
		verb := "started"
		if started.Deduplicated {
			verb = "deduplicated into open"
		}
		fmt.Fprintf(out, "incident %d %s\n", started.ID, verb)
		if !started.Deduplicated {
			s.printExecutions(started.ID)
		}
		return err
	case "accept":
		page, err := id(1)
		if err != nil {
			return err
		}
		if len(f) < 3 {
			return errors.New("accept: missing code")
		}
		if err := s.flush(s.Engine.AcceptPage(page, siren.AcceptRead, f[2], "")); err != nil {
			return err
		}
		fmt.Fprintf(out, "page %d accepted\n", page)
		return nil
	case "resume":
		ex, err := id(1)
		if err != nil {
			return err
		}
		if err := s.flush(s.Engine.SendSignal(ex, siren.SignalResume, siren.SignalOptions{})); err != nil {
			return err
		}
		return s.printExecution(ex)
	case "resolve":
		inc, err := id(1)
		if err != nil {
			return err
		}
		if err := s.flush(s.Engine.ResolveIncident(inc)); err != nil {
			return err
		}
		fmt.Fprintf(out, "incident %d resolved\n", inc)
		return nil
	}
	return fmt.Errorf("unknown command %q (start-incident [PLAN], accept PAGE CODE, resume EXECUTION, resolve INCIDENT, quit)", f[0])
}

func (s *Service) printExecutions(inc siren.ID) {
	it := s.Engine.Executions()
	for it.Next() {
		if x := it.Value(); x.Incident == inc {
			_ = s.printExecution(x.ID)
		}
	}
}

func (s *Service) printExecution(ex siren.ID) error {
	x, err := s.Engine.Execution(ex)
	if err != nil {
		return err
	}
	if x.Status == siren.ExecWaiting {
		fmt.Fprintf(s.host.out, "execution %d (%s) waiting at %s\n", x.ID, x.Runbook, x.CurrentStep)
	} else {
		fmt.Fprintf(s.host.out, "execution %d (%s) %s\n", x.ID, x.Runbook, x.Status)
	}
	return nil
}
