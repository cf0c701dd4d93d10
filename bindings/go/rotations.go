package siren

/*
#include <stdlib.h>
#include <siren/siren.h>
*/
import "C"

import (
	"fmt"
	"math"
	"time"
	"unsafe"
)

// Recurrence is how a rotation's hand-off settings recur.
type Recurrence int

// Recurrences (DailySettings, WeeklySettings, MonthlySettings).
const (
	Daily   Recurrence = C.SIREN_RECUR_DAILY
	Weekly  Recurrence = C.SIREN_RECUR_WEEKLY
	Monthly Recurrence = C.SIREN_RECUR_MONTHLY
)

func (r Recurrence) String() string {
	switch r {
	case Daily:
		return "DAILY"
	case Weekly:
		return "WEEKLY"
	case Monthly:
		return "MONTHLY"
	}
	return "UNKNOWN"
}

// Handoff is one hand-off setting of a rotation: at TimeOfDay (local
// wall-clock time since midnight in the rotation's zone, whole minutes,
// under 24 hours) every day (Daily), on Weekday (Weekly), or on DayOfMonth
// (Monthly, 1-31; a day past the month's end means its last day).
type Handoff struct {
	Weekday    time.Weekday
	DayOfMonth int
	TimeOfDay  time.Duration
}

// Coverage is a window of a rotation's on-call coverage: on Weekday, from
// local time Start to End (whole minutes under 24 hours; an End at or
// before Start runs past midnight, 0 to 0 is the whole day).
type Coverage struct {
	Weekday    time.Weekday
	Start, End time.Duration
}

// Rotation is an on-call rotation (the SSM Contacts shape). Shift k is held
// by OnCalls contacts from Contacts, starting at Contacts[k*OnCalls mod n];
// the duty changes at every Multiplier-th hand-off point. Hand-offs and
// coverage are wall-clock times in TimeZone (an IANA name; "PST" and the
// like are refused), so a 09:00 hand-off stays at 09:00 across daylight
// saving changes. OnCalls and Multiplier 0 mean 1; Notice (whole minutes,
// at most 24 hours) is how long before their shift contacts are told
// (NotifyShift "starting").
type Rotation struct {
	Name       string
	TimeZone   string
	Start      time.Time
	Contacts   []string
	Recurrence Recurrence
	Handoffs   []Handoff
	OnCalls    int
	Multiplier int
	Coverages  []Coverage
	Notice     time.Duration
}

func invalid(op, format string, args ...interface{}) error {
	return &Error{Code: CodeInvalid, Op: op, Message: fmt.Sprintf(format, args...)}
}

// isoDay maps a time.Weekday (Sunday 0) to siren's ISO day (Monday 1, Sunday 7).
func isoDay(w time.Weekday) (C.uint32_t, bool) {
	if w < time.Sunday || w > time.Saturday {
		return 0, false
	}
	if w == time.Sunday {
		return 7, true
	}
	return C.uint32_t(w), true
}

func goWeekday(d C.uint32_t) time.Weekday { return time.Weekday(d % 7) }

// minuteOfDay checks a local time of day and gives its minute.
func minuteOfDay(op, what string, d time.Duration) (C.uint32_t, error) {
	if d < 0 || d >= 24*time.Hour || d%time.Minute != 0 {
		return 0, invalid(op, "%s: %v is not a time of day in whole minutes (0 to 23h59m)", what, d)
	}
	return C.uint32_t(d / time.Minute), nil
}

func orOne(n int) C.uint32_t {
	if n == 0 {
		return 1
	}
	if n < 0 || n > math.MaxUint32 {
		return 0 // siren refuses it, naming the member
	}
	return C.uint32_t(n)
}

// rotation builds r as a siren_rotation in the arena's C memory.
func (a *arena) rotation(op string, r *Rotation) (*C.siren_rotation, error) {
	p := (*C.siren_rotation)(a.calloc(1, C.sizeof_siren_rotation))
	C.siren_rotation_init(p, C.SIREN_ROTATION_VERSION)
	p.name, p.time_zone, p.start_time = a.str(r.Name), a.str(r.TimeZone), ms(r.Start)
	p.contacts, p.contact_count = a.strs(r.Contacts)
	p.recurrence = C.siren_recurrence(r.Recurrence)
	p.multiplier, p.on_calls = orOne(r.Multiplier), orOne(r.OnCalls)
	var err error
	if p.notice_minutes, err = minutes(op, r.Notice); err != nil {
		return nil, err
	}
	if n := len(r.Handoffs); n > 0 {
		hp := (*C.siren_handoff)(a.calloc(n, C.sizeof_siren_handoff))
		for i, h := range r.Handoffs {
			x := &unsafe.Slice(hp, n)[i]
			C.siren_handoff_init(x, C.SIREN_HANDOFF_VERSION)
			what := fmt.Sprintf("Handoffs[%d]", i)
			if x.minute, err = minuteOfDay(op, what, h.TimeOfDay); err != nil {
				return nil, err
			}
			switch r.Recurrence {
			case Weekly:
				d, ok := isoDay(h.Weekday)
				if !ok {
					return nil, invalid(op, "%s: %v is not a day of the week", what, h.Weekday)
				}
				x.day = d
			case Monthly:
				if h.DayOfMonth < 1 || h.DayOfMonth > 31 {
					return nil, invalid(op, "%s: DayOfMonth %d is not 1-31", what, h.DayOfMonth)
				}
				x.day = C.uint32_t(h.DayOfMonth)
			}
		}
		p.handoffs, p.handoff_count = hp, C.size_t(n)
	}
	if n := len(r.Coverages); n > 0 {
		cp := (*C.siren_coverage)(a.calloc(n, C.sizeof_siren_coverage))
		for i, c := range r.Coverages {
			x := &unsafe.Slice(cp, n)[i]
			C.siren_coverage_init(x, C.SIREN_COVERAGE_VERSION)
			what := fmt.Sprintf("Coverages[%d]", i)
			d, ok := isoDay(c.Weekday)
			if !ok {
				return nil, invalid(op, "%s: %v is not a day of the week", what, c.Weekday)
			}
			x.day = d
			if x.start_minute, err = minuteOfDay(op, what+".Start", c.Start); err != nil {
				return nil, err
			}
			if x.end_minute, err = minuteOfDay(op, what+".End", c.End); err != nil {
				return nil, err
			}
		}
		p.coverages, p.coverage_count = cp, C.size_t(n)
	}
	return p, nil
}

func (e *Engine) rotationCall(op string, r Rotation, f func(*C.siren_engine, *C.siren_rotation) C.int) error {
	var a arena
	defer a.free()
	p, err := a.rotation(op, &r)
	if err != nil {
		return err
	}
	return e.call(op, func(en *C.siren_engine, _ *arena) C.int { return f(en, p) })
}

// CreateRotation creates a rotation (CreateRotation); its zone is loaded
// through the host's ZoneLoader (SystemZones by default). Errors:
// ErrInvalid (a rule of siren.h, e.g. "PST" is not an IANA name),
// ErrExists, ErrNotFound (a contact, or a zone the host does not have),
// ErrCallback (LoadZone failed).
func (e *Engine) CreateRotation(r Rotation) error {
	return e.rotationCall("CreateRotation", r, func(en *C.siren_engine, p *C.siren_rotation) C.int {
		return C.siren_rotation_create(en, p)
	})
}

// UpdateRotation replaces the definition of the rotation r.Name
// (UpdateRotation); its overrides are kept. Errors as CreateRotation.
func (e *Engine) UpdateRotation(r Rotation) error {
	return e.rotationCall("UpdateRotation", r, func(en *C.siren_engine, p *C.siren_rotation) C.int {
		return C.siren_rotation_update(en, p)
	})
}

// DeleteRotation deletes a rotation with its overrides and takes it out of
// every schedule.
func (e *Engine) DeleteRotation(name string) error {
	return e.call("DeleteRotation", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_rotation_delete(en, a.str(name))
	})
}

// instant converts siren's milliseconds to a UTC time (0 is the epoch).
func instant(v C.int64_t) time.Time { return time.UnixMilli(int64(v)).UTC() }

func goRotation(p *C.siren_rotation) Rotation {
	r := Rotation{Name: gs(p.name), TimeZone: gs(p.time_zone), Start: instant(p.start_time),
		Contacts: goStrs(p.contacts, p.contact_count), Recurrence: Recurrence(p.recurrence),
		OnCalls: int(p.on_calls), Multiplier: int(p.multiplier),
		Notice: time.Duration(p.notice_minutes) * time.Minute}
	if p.handoffs != nil {
		for _, h := range unsafe.Slice(p.handoffs, int(p.handoff_count)) {
			x := Handoff{TimeOfDay: time.Duration(h.minute) * time.Minute}
			switch r.Recurrence {
			case Weekly:
				x.Weekday = goWeekday(h.day)
			case Monthly:
				x.DayOfMonth = int(h.day)
			}
			r.Handoffs = append(r.Handoffs, x)
		}
	}
	if p.coverages != nil {
		for _, c := range unsafe.Slice(p.coverages, int(p.coverage_count)) {
			r.Coverages = append(r.Coverages, Coverage{Weekday: goWeekday(c.day),
				Start: time.Duration(c.start_minute) * time.Minute,
				End:   time.Duration(c.end_minute) * time.Minute})
		}
	}
	return r
}

// Rotation reads a rotation back. ErrNotFound when there is none.
func (e *Engine) Rotation(name string) (Rotation, error) {
	var r Rotation
	err := e.call("Rotation", func(en *C.siren_engine, a *arena) C.int {
		var p C.siren_rotation
		C.siren_rotation_init(&p, C.SIREN_ROTATION_VERSION)
		if rc := C.siren_rotation_get(&p, en, a.str(name)); rc != 0 {
			return rc
		}
		r = goRotation(&p)
		return 0
	})
	return r, err
}

// Rotations iterates over the rotations in creation order.
func (e *Engine) Rotations() *Iter[Rotation] {
	names, err := e.names(
		func(en *C.siren_engine) C.uint32_t { return C.siren_rotation_count(en) },
		func(en *C.siren_engine, i C.uint32_t) *C.char { return C.siren_rotation_name_at(en, i) })
	return nameIter(names, err, e.Rotation)
}

// OverrideMode says how an override changes who is on call.
type OverrideMode int

// Override modes.
const (
	OverrideReplace OverrideMode = C.SIREN_OVERRIDE_REPLACE // exactly Contacts (none: nobody)
	OverrideAdd     OverrideMode = C.SIREN_OVERRIDE_ADD     // Contacts as well
	OverrideRemove  OverrideMode = C.SIREN_OVERRIDE_REMOVE  // not Contacts
)

func (m OverrideMode) String() string {
	switch m {
	case OverrideReplace:
		return "REPLACE"
	case OverrideAdd:
		return "ADD"
	case OverrideRemove:
		return "REMOVE"
	}
	return "UNKNOWN"
}

// Override changes who is on call in Rotation over [Start, End). For
// Replace and Remove, Contacts must be members of the rotation. ID and
// Created are set by siren.
type Override struct {
	ID         ID
	Rotation   string
	Mode       OverrideMode
	Contacts   []string
	Start, End time.Time
	Created    time.Time
}

func (a *arena) override(x *C.siren_override, o *Override) {
	C.siren_override_init(x, C.SIREN_OVERRIDE_VERSION)
	x.rotation = a.opt(o.Rotation)
	x.mode = C.siren_override_mode(o.Mode)
	x.contacts, x.contact_count = a.strs(o.Contacts)
	x.start, x.end = ms(o.Start), ms(o.End)
}

// CreateOverride creates an override (CreateRotationOverride) and returns
// its id. Errors: ErrInvalid (Start not before End, a contact that is not
// allowed), ErrNotFound (rotation or contact).
func (e *Engine) CreateOverride(o Override) (ID, error) {
	var id C.siren_id
	err := e.call("CreateOverride", func(en *C.siren_engine, a *arena) C.int {
		var x C.siren_override
		a.override(&x, &o)
		return C.siren_override_create(&id, en, &x)
	})
	return ID(id), err
}

// DeleteOverride deletes one of a rotation's overrides.
func (e *Engine) DeleteOverride(rotation string, id ID) error {
	return e.call("DeleteOverride", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_override_delete(en, a.str(rotation), C.siren_id(id))
	})
}

// Override reads one override.
func (e *Engine) Override(rotation string, id ID) (Override, error) {
	var o Override
	err := e.call("Override", func(en *C.siren_engine, a *arena) C.int {
		var x C.siren_override
		C.siren_override_init(&x, C.SIREN_OVERRIDE_VERSION)
		if rc := C.siren_override_get(&x, en, a.str(rotation), C.siren_id(id)); rc != 0 {
			return rc
		}
		o = Override{ID: ID(x.id), Rotation: gs(x.rotation), Mode: OverrideMode(x.mode),
			Contacts: goStrs(x.contacts, x.contact_count), Start: instant(x.start),
			End: instant(x.end), Created: instant(x.created)}
		return 0
	})
	return o, err
}

// bounds maps a query window to milliseconds; a zero start or end leaves
// that side open.
func bounds(start, end time.Time) (C.int64_t, C.int64_t) {
	s, en := C.int64_t(math.MinInt64), C.int64_t(math.MaxInt64)
	if !start.IsZero() {
		s = C.int64_t(start.UnixMilli())
	}
	if !end.IsZero() {
		en = C.int64_t(end.UnixMilli())
	}
	return s, en
}

// Overrides iterates over a rotation's overrides that overlap [start, end)
// (a zero start or end leaves that side open), oldest first.
func (e *Engine) Overrides(rotation string, start, end time.Time) *Iter[Override] {
	s, en := bounds(start, end)
	ids, err := e.listIDs("Overrides", func(eng *C.siren_engine, a *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		return C.siren_overrides(ids, n, total, eng, a.str(rotation), s, en)
	})
	return idIter(ids, err, func(id ID) (Override, error) { return e.Override(rotation, id) })
}

// ShiftType says whether an override changed a shift.
type ShiftType int

// Shift types.
const (
	ShiftRegular    ShiftType = C.SIREN_SHIFT_REGULAR
	ShiftOverridden ShiftType = C.SIREN_SHIFT_OVERRIDDEN
)

func (t ShiftType) String() string {
	switch t {
	case ShiftRegular:
		return "REGULAR"
	case ShiftOverridden:
		return "OVERRIDDEN"
	}
	return "UNKNOWN"
}

// Shift is who is on call over [Start, End). Index is the regular shift's
// number; Overridden the regular contacts an override took off.
type Shift struct {
	Start, End time.Time
	Type       ShiftType
	Index      int
	Contacts   []string
	Overridden []string
}

// shifts runs a count-then-fill shift listing and copies the result before
// the engine is unlocked (the names point into the engine until its next
// call).
func (e *Engine) shifts(op string, f func(en *C.siren_engine, out *C.siren_shift, n C.size_t, total *C.size_t) C.int) ([]Shift, error) {
	var out []Shift
	err := e.call(op, func(en *C.siren_engine, a *arena) C.int {
		var total C.size_t
		if rc := f(en, nil, 0, &total); rc != 0 || total == 0 {
			return rc
		}
		n := int(total)
		sp := (*C.siren_shift)(a.calloc(n, C.sizeof_siren_shift))
		shifts := unsafe.Slice(sp, n)
		for i := range shifts {
			C.siren_shift_init(&shifts[i], C.SIREN_SHIFT_VERSION)
		}
		if rc := f(en, sp, total, &total); rc != 0 {
			return rc
		}
		for _, s := range shifts[:min(n, int(total))] {
			out = append(out, Shift{Start: instant(s.start), End: instant(s.end), Type: ShiftType(s._type),
				Index: int(s.index), Contacts: goStrs(s.contacts, C.size_t(s.contact_count)),
				Overridden: goStrs(s.overridden, C.size_t(s.overridden_count))})
		}
		return 0
	})
	return out, err
}

// RotationShifts lists who is on call in a rotation over [start, end)
// (ListRotationShifts): shifts clipped to the window, in time order; times
// with nobody on call are not shifts. Errors: ErrInvalid (start not before
// end, a window over 10 years), ErrNotFound.
func (e *Engine) RotationShifts(rotation string, start, end time.Time) ([]Shift, error) {
	var a arena
	defer a.free()
	name := a.str(rotation)
	return e.shifts("RotationShifts", func(en *C.siren_engine, out *C.siren_shift, n C.size_t, total *C.size_t) C.int {
		return C.siren_rotation_shifts(out, n, total, en, name, ms(start), ms(end))
	})
}

// PreviewShifts lists the shifts a rotation that is not saved would have
// over [start, end) with the given overrides (ListPreviewRotationShifts;
// r.Name may be "" and the overrides' Rotation is ignored). Nothing changes.
func (e *Engine) PreviewShifts(r Rotation, overrides []Override, start, end time.Time) ([]Shift, error) {
	const op = "PreviewShifts"
	if r.Name == "" {
		r.Name = "preview"
	}
	var a arena
	defer a.free()
	rp, err := a.rotation(op, &r)
	if err != nil {
		return nil, err
	}
	var ov *C.siren_override
	if n := len(overrides); n > 0 {
		ov = (*C.siren_override)(a.calloc(n, C.sizeof_siren_override))
		for i := range overrides {
			a.override(&unsafe.Slice(ov, n)[i], &overrides[i])
		}
	}
	return e.shifts(op, func(en *C.siren_engine, out *C.siren_shift, n C.size_t, total *C.size_t) C.int {
		return C.siren_rotation_preview_shifts(out, n, total, en, rp, ov, C.size_t(len(overrides)), ms(start), ms(end))
	})
}

// SetSchedule sets an OnCallSchedule contact's rotations (0-8, by name; none: nobody on call).
// hold: when nobody is on call, wait (up to 31 days) for the first to come
// on call instead of skipping the schedule. Errors: ErrInvalid (not a
// schedule, count, repeats), ErrNotFound (contact or rotation).
func (e *Engine) SetSchedule(alias string, rotations []string, hold bool) error {
	flags := C.uint32_t(0)
	if hold {
		flags = C.SIREN_SCHEDULE_HOLD
	}
	return e.call("SetSchedule", func(en *C.siren_engine, a *arena) C.int {
		p, n := a.strs(rotations)
		return C.siren_schedule_set(en, a.str(alias), p, n, flags)
	})
}

// ScheduleRotations gives the names of an OnCallSchedule contact's rotations.
func (e *Engine) ScheduleRotations(alias string) ([]string, error) {
	var out []string
	err := e.call("ScheduleRotations", func(en *C.siren_engine, a *arena) C.int {
		c := a.str(alias)
		var info C.siren_contact_info
		C.siren_contact_info_init(&info, C.SIREN_CONTACT_INFO_VERSION)
		if rc := C.siren_contact_get(&info, en, c); rc != 0 {
			return rc
		}
		for i := C.uint32_t(0); i < info.rotation_count; i++ {
			if p := C.siren_schedule_rotation_at(en, c, i); p != nil {
				out = append(out, C.GoString(p))
			}
		}
		return 0
	})
	return out, err
}

// OnCall gives who is on call at t in the schedule alias, or in the rotation
// of that name when no contact has it as alias. Errors: ErrNotFound,
// ErrInvalid (a contact that is not a schedule).
func (e *Engine) OnCall(aliasOrRotation string, t time.Time) ([]string, error) {
	var out []string
	err := e.call("OnCall", func(en *C.siren_engine, a *arena) C.int {
		name := a.str(aliasOrRotation)
		var total C.size_t
		if rc := C.siren_oncall(nil, 0, &total, en, name, ms(t)); rc != 0 || total == 0 {
			return rc
		}
		p := (**C.char)(a.calloc(int(total), unsafe.Sizeof((*C.char)(nil))))
		if rc := C.siren_oncall(p, total, &total, en, name, ms(t)); rc != 0 {
			return rc
		}
		out = goStrs(p, total)
		return 0
	})
	return out, err
}

// GapType says what a coverage gap lacks.
type GapType int

// Gap types.
const (
	GapNobody GapType = C.SIREN_GAP_NOBODY // nobody on call in any of the schedule's rotations
	GapShort  GapType = C.SIREN_GAP_SHORT  // a rotation has fewer than its OnCalls on call
)

func (t GapType) String() string {
	switch t {
	case GapNobody:
		return "NOBODY"
	case GapShort:
		return "SHORT"
	}
	return "UNKNOWN"
}

// Gap is a coverage gap of a schedule over [Start, End).
type Gap struct {
	Start, End time.Time
	Type       GapType
	OnCall     int // contacts on call during it
}

// ScheduleGaps analyses a schedule's coverage over [start, end): the NOBODY
// and SHORT intervals in time order. Errors: ErrInvalid (not a schedule, a
// bad window), ErrNotFound.
func (e *Engine) ScheduleGaps(alias string, start, end time.Time) ([]Gap, error) {
	var out []Gap
	err := e.call("ScheduleGaps", func(en *C.siren_engine, a *arena) C.int {
		name := a.str(alias)
		var total C.size_t
		if rc := C.siren_schedule_gaps(nil, 0, &total, en, name, ms(start), ms(end)); rc != 0 || total == 0 {
			return rc
		}
		n := int(total)
		gp := (*C.siren_gap)(a.calloc(n, C.sizeof_siren_gap))
		gaps := unsafe.Slice(gp, n)
		for i := range gaps {
			C.siren_gap_init(&gaps[i], C.SIREN_GAP_VERSION)
		}
		if rc := C.siren_schedule_gaps(gp, total, &total, en, name, ms(start), ms(end)); rc != 0 {
			return rc
		}
		for _, g := range gaps[:min(n, int(total))] {
			out = append(out, Gap{Start: instant(g.start), End: instant(g.end), Type: GapType(g._type),
				OnCall: int(g.on_call)})
		}
		return 0
	})
	return out, err
}

// Resolution says how a page was reached (ListPageResolutions): through
// which schedule, rotation and shift. Schedule and Rotation are "" for a
// page that was not reached through a schedule.
type Resolution struct {
	Schedule   string
	Rotation   string
	Contact    string
	ShiftStart time.Time
	ShiftEnd   time.Time
	Resolved   time.Time // when the schedule was resolved
}

// PageResolution reads how a page was reached. ErrNotFound for an unknown page.
func (e *Engine) PageResolution(page ID) (Resolution, error) {
	var r Resolution
	err := e.call("PageResolution", func(en *C.siren_engine, _ *arena) C.int {
		var x C.siren_resolution
		C.siren_resolution_init(&x, C.SIREN_RESOLUTION_VERSION)
		if rc := C.siren_page_resolution(&x, en, C.siren_id(page)); rc != 0 {
			return rc
		}
		r = Resolution{Schedule: gs(x.schedule), Rotation: gs(x.rotation), Contact: gs(x.contact),
			ShiftStart: goTime(x.shift_start), ShiftEnd: goTime(x.shift_end), Resolved: goTime(x.resolved)}
		return 0
	})
	return r, err
}
