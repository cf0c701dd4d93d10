package siren

/*
#include <stdint.h>
#include <stdlib.h>
#include <siren/siren.h>

enum { GO_RANDOM = 1, GO_APPEND = 2, GO_LOG = 4, GO_EVENT = 8, GO_NEXT = 16, GO_SEAL = 32,
       GO_ZONE = 64 };
int siren_go_host(siren_host *h, int which);
int siren_go_new(siren_engine **out, const siren_host *h, const siren_options *o, uintptr_t ud);
int siren_go_open(siren_engine **out, const siren_host *h, const siren_options *o, uintptr_t ud,
                  siren_open_report *r);
*/
import "C"

import (
	"bytes"
	"math"
	"runtime"
	"runtime/cgo"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// state is what the cgo.Handle given to C as user_data refers to. It never
// refers back to the Engine, so an Engine that is dropped without Close is
// finalized.
type state struct {
	mu sync.Mutex
	e  *C.siren_engine
	h  cgo.Handle

	host    Host
	storage Storage
	reader  StorageReader
	random  RandomSource
	events  EventHandler
	logger  Logger
	sealer  Sealer
	zones   ZoneLoader

	cbErr   error          // the first callback failure of the call in progress
	nextBuf unsafe.Pointer // C copy of the last record StorageReader.Next gave
	// C copies of the zone bytes LoadZone gave during the call in progress:
	// siren reads them after the callback returns, so they are freed when
	// the call returns (or on Close).
	zoneBufs []unsafe.Pointer

	inCallback  int32  // atomic: a callback is running
	cbGoroutine uint64 // atomic: on this goroutine
}

func (st *state) enterCallback() {
	atomic.StoreUint64(&st.cbGoroutine, goid())
	atomic.AddInt32(&st.inCallback, 1)
}

func (st *state) leaveCallback() { atomic.AddInt32(&st.inCallback, -1) }

func (st *state) fail(err error) {
	if st.cbErr == nil {
		st.cbErr = err
	}
}

func (st *state) result(err error) C.int {
	if err == nil {
		return 0
	}
	st.fail(err)
	return -1
}

func (st *state) freeZones() {
	for _, p := range st.zoneBufs {
		C.free(p)
	}
	st.zoneBufs = nil
}

func (st *state) freeNext() {
	if st.nextBuf != nil {
		C.free(st.nextBuf)
		st.nextBuf = nil
	}
}

// goid is the current goroutine's id, read from its stack header
// ("goroutine 18 [running]:"). Used only to tell a callback calling its own
// engine (ErrBusy, as C gives) from another goroutine waiting its turn.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// lock takes the engine for one call.
func (st *state) lock(op string) error {
	if !st.mu.TryLock() {
		if atomic.LoadInt32(&st.inCallback) != 0 && atomic.LoadUint64(&st.cbGoroutine) == goid() {
			return &Error{Code: CodeBusy, Op: op, Message: "called from inside one of this engine's callbacks"}
		}
		st.mu.Lock()
	}
	if st.e == nil {
		st.mu.Unlock()
		return ErrClosed
	}
	st.cbErr = nil
	return nil
}

// check turns a status into an error, attaching the callback's failure.
func (st *state) check(op string, rc C.int) error {
	if rc == 0 {
		st.cbErr = nil
		return nil
	}
	err := &Error{Code: Code(rc), Op: op}
	if st.e != nil {
		err.Message = C.GoString(C.siren_errmsg(st.e))
	}
	if err.Code == CodeCallback {
		err.Err = st.cbErr
	}
	st.cbErr = nil
	return err
}

// Engine is one siren engine. Create it with NewEngine or Open; Close it.
type Engine struct {
	st *state
}

// call runs f with the engine locked and an arena for its arguments.
func (e *Engine) call(op string, f func(en *C.siren_engine, a *arena) C.int) error {
	st := e.st
	if err := st.lock(op); err != nil {
		return err
	}
	defer st.mu.Unlock()
	defer st.freeZones()
	var a arena
	defer a.free()
	return st.check(op, f(st.e, &a))
}

// read runs f with the engine locked; for calls that cannot fail.
func (e *Engine) read(f func(en *C.siren_engine)) error {
	st := e.st
	if err := st.lock(""); err != nil {
		return err
	}
	defer st.mu.Unlock()
	f(st.e)
	return nil
}

// Option changes an engine's options.
type Option func(*C.siren_options)

// WithActivationMaxAttempts sets the wrong activation codes allowed per code
// (default 5).
func WithActivationMaxAttempts(n uint32) Option {
	return func(o *C.siren_options) { o.activation_max_attempts = C.uint32_t(n) }
}

// WithActivationCodeTTL sets an activation code's lifetime (default 24 h).
func WithActivationCodeTTL(d time.Duration) Option {
	return func(o *C.siren_options) { o.activation_code_ttl_ms = C.int64_t(d.Milliseconds()) }
}

// WithMaxStageDuration caps a plan stage's duration (default 30 minutes, as
// AWS); it is counted in whole minutes. A negative d lifts the cap.
func WithMaxStageDuration(d time.Duration) Option {
	return func(o *C.siren_options) {
		if d < 0 {
			o.max_stage_minutes = C.uint32_t(math.MaxUint32)
		} else {
			o.max_stage_minutes = C.uint32_t(d / time.Minute)
		}
	}
}

func newState(host Host) (*state, C.int) {
	st := &state{host: host}
	which := C.int(0)
	if v, ok := host.(RandomSource); ok {
		st.random, which = v, which|C.GO_RANDOM
	}
	if v, ok := host.(Storage); ok {
		st.storage, which = v, which|C.GO_APPEND
	}
	if v, ok := host.(Logger); ok {
		st.logger, which = v, which|C.GO_LOG
	}
	if v, ok := host.(EventHandler); ok {
		st.events, which = v, which|C.GO_EVENT
	}
	if v, ok := host.(StorageReader); ok {
		st.reader, which = v, which|C.GO_NEXT
	}
	if v, ok := host.(Sealer); ok {
		st.sealer, which = v, which|C.GO_SEAL
	}
	// Time zones: the host's own LoadZone, else the system's zoneinfo.
	st.zones, which = SystemZones{}, which|C.GO_ZONE
	if v, ok := host.(ZoneLoader); ok {
		st.zones = v
	}
	return st, which
}

func options(opts []Option) C.siren_options {
	var o C.siren_options
	C.siren_options_init(&o, C.SIREN_OPTIONS_VERSION)
	for _, f := range opts {
		f(&o)
	}
	return o
}

func (st *state) engine() *Engine {
	e := &Engine{st: st}
	runtime.SetFinalizer(e, (*Engine).Close)
	return e
}

// NewEngine creates an engine whose host is host. Errors: ErrInvalid (nil
// host), ErrVersion, ErrNoMem.
func NewEngine(host Host, opts ...Option) (*Engine, error) {
	if host == nil {
		return nil, &Error{Code: CodeInvalid, Op: "NewEngine", Message: "nil host"}
	}
	st, which := newState(host)
	var h C.siren_host
	if rc := C.siren_go_host(&h, which); rc != 0 {
		return nil, newError("NewEngine", rc, "")
	}
	o := options(opts)
	st.h = cgo.NewHandle(st)
	st.mu.Lock()
	defer st.mu.Unlock()
	rc := C.siren_go_new(&st.e, &h, &o, C.uintptr_t(st.h))
	st.freeZones()
	if rc != 0 {
		err := st.check("NewEngine", rc)
		st.h.Delete()
		return nil, err
	}
	return st.engine(), nil
}

// OpenReport says what Open read back (siren_open_report).
type OpenReport struct {
	Records       uint64    // records read and applied
	Bytes         uint64    // their stored bytes: the valid prefix
	LastSequence  uint64    // sequence number of the last one applied
	LastTime      time.Time // its logical time
	Stopped       bool      // replay stopped at a damaged record...
	StopCode      Code      // ...with ErrCorrupt or ErrVersion
	StopIndex     uint64    // ...at this 0-based index
	StopReason    string    // ...for this reason
	SinceSnapshot uint64    // records after the last snapshot (all when none)
	Reannounced   int       // pages announced again
}

// Open rebuilds an engine from the records host's StorageReader gives (host
// must implement it). When replay stops at a damaged record the engine opens
// with what came before it and the report says where: cut the storage to
// report.Bytes before appending again. When re-announcing a page fails, Open
// returns the engine AND an ErrCallback error. Errors: ErrInvalid,
// ErrVersion, ErrNoMem, ErrCallback.
func Open(host Host, opts ...Option) (*Engine, OpenReport, error) {
	var rep OpenReport
	if host == nil {
		return nil, rep, &Error{Code: CodeInvalid, Op: "Open", Message: "nil host"}
	}
	st, which := newState(host)
	if st.reader == nil {
		return nil, rep, &Error{Code: CodeInvalid, Op: "Open", Message: "the host is not a StorageReader"}
	}
	var h C.siren_host
	if rc := C.siren_go_host(&h, which); rc != 0 {
		return nil, rep, newError("Open", rc, "")
	}
	o := options(opts)
	var r C.siren_open_report
	C.siren_open_report_init(&r, C.SIREN_OPEN_REPORT_VERSION)
	st.h = cgo.NewHandle(st)
	st.mu.Lock()
	defer st.mu.Unlock()
	rc := C.siren_go_open(&st.e, &h, &o, C.uintptr_t(st.h), &r)
	st.freeNext()
	st.freeZones()
	rep = OpenReport{
		Records: uint64(r.records), Bytes: uint64(r.bytes), LastSequence: uint64(r.last_sequence),
		LastTime: goTime(r.last_time), Stopped: r.stopped != 0, StopCode: Code(r.stop_code),
		StopIndex: uint64(r.stop_index), SinceSnapshot: uint64(r.since_snapshot),
		Reannounced: int(r.reannounced),
	}
	if r.stop_reason != nil {
		rep.StopReason = C.GoString(r.stop_reason)
	}
	err := st.check("Open", rc)
	if st.e == nil {
		st.h.Delete()
		return nil, rep, err
	}
	return st.engine(), rep, err
}

// Close frees the engine. Calls after Close return ErrClosed; Close again
// does nothing. It must not be called from a callback.
func (e *Engine) Close() error {
	st := e.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.e == nil {
		return nil
	}
	runtime.SetFinalizer(e, nil)
	C.siren_engine_free(st.e)
	st.e = nil
	st.freeNext()
	st.freeZones()
	st.h.Delete()
	return nil
}

// NextDeadline is when the engine next needs Advance; false when nothing
// is scheduled (or the engine is closed). Ask again after every command.
func (e *Engine) NextDeadline() (time.Time, bool) {
	var d C.int64_t = C.SIREN_NO_DEADLINE
	if e.read(func(en *C.siren_engine) { d = C.siren_engine_next_deadline(en) }) != nil || d == C.SIREN_NO_DEADLINE {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(d)).UTC(), true
}

// Advance fires everything due at the host's Now and returns how many
// firings there were. On ErrCallback what is still due stays due: call
// Advance again.
func (e *Engine) Advance() (int, error) {
	var n C.uint32_t
	err := e.call("Advance", func(en *C.siren_engine, _ *arena) C.int {
		return C.siren_engine_advance(en, &n)
	})
	return int(n), err
}

// RecordCount is the number of records in the engine's stream.
func (e *Engine) RecordCount() uint64 {
	var n C.uint64_t
	_ = e.read(func(en *C.siren_engine) { n = C.siren_engine_record_count(en) })
	return uint64(n)
}

// RecordsSinceSnapshot is the number of records appended since the last
// snapshot (all of them when there is none).
func (e *Engine) RecordsSinceSnapshot() uint64 {
	var n C.uint64_t
	_ = e.read(func(en *C.siren_engine) { n = C.siren_engine_records_since_snapshot(en) })
	return uint64(n)
}

// Snapshot appends a snapshot record: replay can start there, and the host
// may drop every record before it.
func (e *Engine) Snapshot() error {
	return e.call("Snapshot", func(en *C.siren_engine, _ *arena) C.int {
		return C.siren_engine_snapshot(en)
	})
}

// LastError is siren_errmsg(): the last failure on the engine in words.
func (e *Engine) LastError() string {
	var s string
	_ = e.read(func(en *C.siren_engine) { s = C.GoString(C.siren_errmsg(en)) })
	return s
}

func gs(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

func goNotification(n *C.siren_notification) Notification {
	g := Notification{
		Kind: NotifyKind(n.kind), Time: goTime(n.time), Page: ID(n.page),
		Engagement: ID(n.engagement), RetryOf: ID(n.retry_of), Contact: gs(n.contact),
		Channel: gs(n.channel), ChannelType: gs(n.channel_type), Address: gs(n.address),
		Sender: gs(n.sender), Subject: gs(n.subject), Content: gs(n.content),
		IncidentID: gs(n.incident_id), Code: gs(n.code), Stage: int(n.stage),
	}
	if n.version >= 2 {
		g.Incident, g.Text, g.Message = ID(n.incident), gs(n.text), gs(n.message)
		g.Execution, g.Step, g.Action = ID(n.execution), gs(n.step), gs(n.action)
		g.Inputs, g.Attempt = gs(n.inputs), int(n.attempt)
	}
	if n.version >= 3 {
		g.Rotation, g.ShiftStart, g.ShiftEnd = gs(n.rotation), goTime(n.shift_start), goTime(n.shift_end)
	}
	return g
}

func goEvent(ev *C.siren_event) Event {
	g := Event{
		Type: EventType(ev._type), Name: C.GoString(C.siren_event_type_name(ev._type)),
		Time: goTime(ev.time), Engagement: ID(ev.engagement), Page: ID(ev.page),
		Related: ID(ev.related), Contact: gs(ev.contact), Channel: gs(ev.channel),
		ChannelType: gs(ev.channel_type), Reason: gs(ev.reason), IncidentID: gs(ev.incident_id),
		Stage: int(ev.stage), Essential: ev.essential != 0, Acknowledged: ev.acknowledged != 0,
	}
	if ev.version >= 2 {
		g.Incident, g.ResponsePlan, g.Title = ID(ev.incident), gs(ev.response_plan), gs(ev.title)
		g.Impact, g.Text = int(ev.impact), gs(ev.text)
	}
	if ev.version >= 3 {
		g.Rotation, g.Schedule, g.Until = gs(ev.rotation), gs(ev.schedule), goTime(ev.until)
	}
	return g
}

// String is the event type's name ("page.sent").
func (t EventType) String() string { return C.GoString(C.siren_event_type_name(C.siren_event_type(t))) }

// Iter walks the result of a query: the ids or names are taken when the
// query is made, each item is read when Next reaches it.
//
//	it := eng.Engagements()
//	for it.Next() {
//		eg := it.Value()
//	}
//	if err := it.Err(); err != nil { ... }
type Iter[T any] struct {
	n   int
	i   int
	get func(i int) (T, error)
	cur T
	err error
}

func newIter[T any](n int, get func(i int) (T, error), err error) *Iter[T] {
	return &Iter[T]{n: n, get: get, err: err}
}

// Next reads the next item; false at the end or on an error.
func (it *Iter[T]) Next() bool {
	if it.err != nil || it.i >= it.n {
		return false
	}
	v, err := it.get(it.i)
	it.i++
	if err != nil {
		it.err = err
		return false
	}
	it.cur = v
	return true
}

// Value is the item Next read.
func (it *Iter[T]) Value() T { return it.cur }

// Err is the error that stopped the iteration, or nil.
func (it *Iter[T]) Err() error { return it.err }

// Len is the number of items the query found.
func (it *Iter[T]) Len() int { return it.n }

// All reads the remaining items into a slice.
func (it *Iter[T]) All() ([]T, error) {
	var out []T
	for it.Next() {
		out = append(out, it.Value())
	}
	return out, it.Err()
}

// listIDs runs a count-then-fill listing under the engine's lock.
func (e *Engine) listIDs(op string, f func(en *C.siren_engine, a *arena, ids *C.siren_id, cap C.size_t, total *C.size_t) C.int) ([]ID, error) {
	var out []ID
	err := e.call(op, func(en *C.siren_engine, a *arena) C.int {
		var total C.size_t
		if rc := f(en, a, nil, 0, &total); rc != 0 {
			return rc
		}
		if total == 0 {
			return 0
		}
		buf := make([]C.siren_id, int(total))
		if rc := f(en, a, &buf[0], total, &total); rc != 0 {
			return rc
		}
		if int(total) < len(buf) {
			buf = buf[:int(total)]
		}
		out = make([]ID, len(buf))
		for i, v := range buf {
			out[i] = ID(v)
		}
		return 0
	})
	return out, err
}

// idIter is an Iter over ids read one by one with get.
func idIter[T any](ids []ID, err error, get func(ID) (T, error)) *Iter[T] {
	return newIter(len(ids), func(i int) (T, error) { return get(ids[i]) }, err)
}

// names snapshots count/name_at listings.
func (e *Engine) names(count func(en *C.siren_engine) C.uint32_t, at func(en *C.siren_engine, i C.uint32_t) *C.char) ([]string, error) {
	var out []string
	err := e.read(func(en *C.siren_engine) {
		n := count(en)
		for i := C.uint32_t(0); i < n; i++ {
			if p := at(en, i); p != nil {
				out = append(out, C.GoString(p))
			}
		}
	})
	return out, err
}

func nameIter[T any](names []string, err error, get func(string) (T, error)) *Iter[T] {
	return newIter(len(names), func(i int) (T, error) { return get(names[i]) }, err)
}

// minutes converts a duration to whole minutes, refusing anything else.
func minutes(what string, d time.Duration) (C.uint32_t, error) {
	if d < 0 || d%time.Minute != 0 || d/time.Minute > math.MaxUint32 {
		return 0, &Error{Code: CodeInvalid, Op: what, Message: "duration " + d.String() + " is not a whole number of minutes"}
	}
	return C.uint32_t(d / time.Minute), nil
}
