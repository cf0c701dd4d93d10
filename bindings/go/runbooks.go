package siren

/*
#include <stdlib.h>
#include <siren/siren.h>
*/
import "C"

import "time"

// Runbook is what Runbook reads (siren_runbook_info).
type Runbook struct {
	Name           string
	Description    string
	AssumeRole     string
	ParameterCount int
	StepCount      int // mainSteps, not counting loop bodies
	OutputCount    int
}

// LoadRunbook loads (or replaces) a runbook from an SSM Automation document
// (schemaVersion 0.3, YAML or JSON). On ErrInvalid the *Error's Problems
// list every problem with its line:column.
func (e *Engine) LoadRunbook(name string, text []byte) error {
	err := e.call("LoadRunbook", func(en *C.siren_engine, a *arena) C.int {
		p, n := a.bytes(text)
		return C.siren_runbook_load(en, a.str(name), p, n)
	})
	return e.withProblems(err)
}

// DeleteRunbook deletes a runbook; running executions keep it.
func (e *Engine) DeleteRunbook(name string) error {
	return e.call("DeleteRunbook", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_runbook_delete(en, a.str(name))
	})
}

// Runbook reads a runbook.
func (e *Engine) Runbook(name string) (Runbook, error) {
	var r Runbook
	err := e.call("Runbook", func(en *C.siren_engine, a *arena) C.int {
		var i C.siren_runbook_info
		C.siren_runbook_info_init(&i, C.SIREN_RUNBOOK_INFO_VERSION)
		if rc := C.siren_runbook_get(&i, en, a.str(name)); rc != 0 {
			return rc
		}
		r = Runbook{gs(i.name), gs(i.description), gs(i.assume_role), int(i.parameter_count),
			int(i.step_count), int(i.output_count)}
		return 0
	})
	return r, err
}

// Runbooks iterates over the runbooks in load order.
func (e *Engine) Runbooks() *Iter[Runbook] {
	names, err := e.names(
		func(en *C.siren_engine) C.uint32_t { return C.siren_runbook_count(en) },
		func(en *C.siren_engine, i C.uint32_t) *C.char { return C.siren_runbook_name_at(en, i) })
	return nameIter(names, err, e.Runbook)
}

// ExecStatus is an execution's or a step's status, as AWS names them.
type ExecStatus int

// Execution statuses.
const (
	ExecPending    ExecStatus = C.SIREN_EXEC_PENDING
	ExecInProgress ExecStatus = C.SIREN_EXEC_IN_PROGRESS
	ExecWaiting    ExecStatus = C.SIREN_EXEC_WAITING
	ExecSuccess    ExecStatus = C.SIREN_EXEC_SUCCESS
	ExecTimedOut   ExecStatus = C.SIREN_EXEC_TIMED_OUT
	ExecCancelling ExecStatus = C.SIREN_EXEC_CANCELLING
	ExecCancelled  ExecStatus = C.SIREN_EXEC_CANCELLED
	ExecFailed     ExecStatus = C.SIREN_EXEC_FAILED
	ExecExited     ExecStatus = C.SIREN_EXEC_EXITED
)

// String is the AWS name ("InProgress").
func (s ExecStatus) String() string {
	return C.GoString(C.siren_exec_status_name(C.siren_exec_status(s)))
}

// ExecMode is AUTO or INTERACTIVE.
type ExecMode int

// Execution modes.
const (
	ModeAuto        ExecMode = C.SIREN_MODE_AUTO
	ModeInteractive ExecMode = C.SIREN_MODE_INTERACTIVE
)

// ExecutionParams starts an execution (AWS StartAutomationExecution).
type ExecutionParams struct {
	Runbook     string
	Params      []RunbookParam // Dynamic must be DynamicNone
	Mode        ExecMode       // 0 = auto
	ClientToken string
	Incident    ID // step changes go on its timeline
}

// StartExecution starts an execution of a runbook. Errors: ErrInvalid,
// ErrNotFound, ErrCallback (a notify failed; it runs).
func (e *Engine) StartExecution(p ExecutionParams) (ID, error) {
	var id C.siren_id
	err := e.call("StartExecution", func(en *C.siren_engine, a *arena) C.int {
		var x C.siren_execution_params
		C.siren_execution_params_init(&x, C.SIREN_EXECUTION_PARAMS_VERSION)
		x.runbook = a.str(p.Runbook)
		x.params, x.param_count = a.params(p.Params)
		x.mode, x.client_token, x.incident = C.siren_exec_mode(p.Mode), a.opt(p.ClientToken), C.siren_id(p.Incident)
		return C.siren_execution_start(&id, en, &x)
	})
	return ID(id), err
}

// Signal is an automation signal (AWS SendAutomationSignal).
type Signal int

// Signals.
const (
	SignalApprove   Signal = C.SIREN_SIGNAL_APPROVE
	SignalReject    Signal = C.SIREN_SIGNAL_REJECT
	SignalResume    Signal = C.SIREN_SIGNAL_RESUME
	SignalStartStep Signal = C.SIREN_SIGNAL_START_STEP
	SignalStopStep  Signal = C.SIREN_SIGNAL_STOP_STEP
)

// SignalOptions go with a signal: Step ("" = the current one), Approver
// (required for Approve and Reject), Comment.
type SignalOptions struct {
	Step     string
	Approver string
	Comment  string
}

// SendSignal sends a signal to an execution. Errors: ErrNotFound, ErrState
// (not waiting for that signal), ErrDenied (approver), ErrInvalid.
func (e *Engine) SendSignal(execution ID, s Signal, o SignalOptions) error {
	return e.call("SendSignal", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_execution_signal(en, C.siren_id(execution), C.siren_signal(s), a.opt(o.Step),
			a.opt(o.Approver), a.opt(o.Comment))
	})
}

// StopType says how StopExecution stops.
type StopType int

// Stop types.
const (
	StopCancel   StopType = C.SIREN_STOP_CANCEL   // the running step is cancelled, onCancel runs
	StopComplete StopType = C.SIREN_STOP_COMPLETE // ends now as Success
)

// StopExecution stops an execution. ErrState when it has ended.
func (e *Engine) StopExecution(execution ID, t StopType) error {
	return e.call("StopExecution", func(en *C.siren_engine, _ *arena) C.int {
		return C.siren_execution_stop(en, C.siren_id(execution), C.siren_stop_type(t))
	})
}

// ActionResult reports the outcome of a host action (a NotifyAction
// notification). Failure "" is success with Outputs (a JSON object, "" for
// none); otherwise the attempt failed with that message.
type ActionResult struct {
	Execution ID
	Step      string
	Attempt   int
	Outputs   string
	Failure   string
}

// ReportAction reports a host action's outcome. Errors: ErrNotFound,
// ErrState (the attempt is no longer running), ErrInvalid.
func (e *Engine) ReportAction(r ActionResult) error {
	return e.call("ReportAction", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_action_result(en, C.siren_id(r.Execution), a.str(r.Step), C.uint32_t(r.Attempt),
			a.opt(r.Outputs), a.opt(r.Failure))
	})
}

// Step is one step of an execution.
type Step struct {
	Name           string
	Action         string
	Status         ExecStatus
	Attempts       int
	StartTime      time.Time
	EndTime        time.Time
	Inputs         string
	Outputs        string
	FailureMessage string
	Iteration      int
}

// Execution is what Execution reads, with its steps.
type Execution struct {
	ID             ID
	Runbook        string
	Status         ExecStatus
	Mode           ExecMode
	Incident       ID
	StartTime      time.Time
	EndTime        time.Time
	CurrentStep    string
	FailureMessage string
	Parameters     string // JSON object
	Outputs        string // JSON object
	Steps          []Step
}

// Execution reads an execution and its steps.
func (e *Engine) Execution(id ID) (Execution, error) {
	var x Execution
	err := e.call("Execution", func(en *C.siren_engine, _ *arena) C.int {
		var i C.siren_execution_info
		C.siren_execution_info_init(&i, C.SIREN_EXECUTION_INFO_VERSION)
		if rc := C.siren_execution_get(&i, en, C.siren_id(id)); rc != 0 {
			return rc
		}
		x = Execution{ID: ID(i.id), Runbook: gs(i.runbook), Status: ExecStatus(i.status), Mode: ExecMode(i.mode),
			Incident: ID(i.incident), StartTime: goTime(i.start_time), EndTime: goTime(i.end_time),
			CurrentStep: gs(i.current_step), FailureMessage: gs(i.failure_message),
			Parameters: gs(i.parameters), Outputs: gs(i.outputs)}
		for k := C.uint32_t(0); k < i.step_count; k++ {
			var s C.siren_step_info
			C.siren_step_info_init(&s, C.SIREN_STEP_INFO_VERSION)
			if rc := C.siren_execution_step_at(&s, en, C.siren_id(id), k); rc != 0 {
				return rc
			}
			x.Steps = append(x.Steps, Step{gs(s.name), gs(s.action), ExecStatus(s.status), int(s.attempts),
				goTime(s.start_time), goTime(s.end_time), gs(s.inputs), gs(s.outputs), gs(s.failure_message),
				int(s.iteration)})
		}
		return 0
	})
	return x, err
}

// Executions iterates over every execution, oldest first.
func (e *Engine) Executions() *Iter[Execution] {
	ids, err := e.listIDs("Executions", func(en *C.siren_engine, _ *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		return C.siren_executions(ids, n, total, en)
	})
	return idIter(ids, err, e.Execution)
}
