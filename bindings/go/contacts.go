package siren

/*
#include <stdlib.h>
#include <siren/siren.h>
*/
import "C"

import (
	"time"
	"unsafe"
)

// ContactType is PERSONAL, ESCALATION or ONCALL_SCHEDULE.
type ContactType int

// Contact types.
const (
	Personal       ContactType = C.SIREN_CONTACT_PERSONAL
	Escalation     ContactType = C.SIREN_CONTACT_ESCALATION
	OnCallSchedule ContactType = C.SIREN_CONTACT_ONCALL_SCHEDULE // its plan is rotations: SetSchedule
)

func (t ContactType) String() string {
	switch t {
	case Personal:
		return "PERSONAL"
	case Escalation:
		return "ESCALATION"
	case OnCallSchedule:
		return "ONCALL_SCHEDULE"
	}
	return "UNKNOWN"
}

// Contact is what Contact and Contacts read (siren_contact_info).
type Contact struct {
	Alias        string
	DisplayName  string
	Type         ContactType
	StageCount   int
	ChannelCount int
	RepeatCount  int
	// OnCallSchedule contacts: the number of rotations (ScheduleRotations)
	// and whether the schedule holds when nobody is on call (SetSchedule).
	RotationCount int
	ScheduleHold  bool
}

// CreateContact creates a contact with an empty plan. alias: 1-255 of
// [a-z0-9_-], unique; displayName may be "". Errors: ErrInvalid, ErrExists.
func (e *Engine) CreateContact(alias, displayName string, typ ContactType) error {
	return e.call("CreateContact", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_contact_create(en, a.str(alias), a.opt(displayName), C.siren_contact_type(typ))
	})
}

// DeleteContact deletes a contact and its channels. ErrState when a plan
// targets it or an engagement still runs for it.
func (e *Engine) DeleteContact(alias string) error {
	return e.call("DeleteContact", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_contact_delete(en, a.str(alias))
	})
}

// Contact reads one contact. ErrNotFound when there is none.
func (e *Engine) Contact(alias string) (Contact, error) {
	var c Contact
	err := e.call("Contact", func(en *C.siren_engine, a *arena) C.int {
		var info C.siren_contact_info
		C.siren_contact_info_init(&info, C.SIREN_CONTACT_INFO_VERSION)
		if rc := C.siren_contact_get(&info, en, a.str(alias)); rc != 0 {
			return rc
		}
		c = Contact{Alias: gs(info.alias), DisplayName: gs(info.display_name), Type: ContactType(info._type),
			StageCount: int(info.stage_count), ChannelCount: int(info.channel_count), RepeatCount: int(info.repeat_count),
			RotationCount: int(info.rotation_count), ScheduleHold: info.schedule_flags&C.SIREN_SCHEDULE_HOLD != 0}
		return 0
	})
	return c, err
}

// Contacts iterates over the contacts in creation order.
func (e *Engine) Contacts() *Iter[Contact] {
	names, err := e.names(
		func(en *C.siren_engine) C.uint32_t { return C.siren_contact_count(en) },
		func(en *C.siren_engine, i C.uint32_t) *C.char { return C.siren_contact_alias_at(en, i) })
	return nameIter(names, err, e.Contact)
}

// Activation is a channel's activation status.
type Activation int

// Activation statuses.
const (
	NotActivated Activation = C.SIREN_NOT_ACTIVATED
	Activated    Activation = C.SIREN_ACTIVATED
)

// Channel is what Channel and Channels read (siren_channel_info).
type Channel struct {
	Contact      string
	Name         string
	Type         string // "EMAIL", "SMS", "VOICE" or host-defined
	Address      string
	Activation   Activation
	AttemptsLeft int       // wrong codes still allowed for the current code
	CodeExpires  time.Time // when the current code expires, or zero
}

// CreateChannel adds a channel to a PERSONAL contact. Unless activated is
// true, the channel starts NotActivated and an activation code is notified.
// Errors: ErrInvalid, ErrNotFound, ErrExists, ErrCallback (notify failed:
// the channel exists; SendActivationCode again).
func (e *Engine) CreateChannel(contact, name, channelType, address string, activated bool) error {
	flags := C.uint32_t(0)
	if activated {
		flags = C.SIREN_CHANNEL_ACTIVATED
	}
	return e.call("CreateChannel", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_channel_create(en, a.str(contact), a.str(name), a.str(channelType), a.str(address), flags)
	})
}

// DeleteChannel removes a channel. ErrState when the contact's plan targets it.
func (e *Engine) DeleteChannel(contact, name string) error {
	return e.call("DeleteChannel", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_channel_delete(en, a.str(contact), a.str(name))
	})
}

// SendActivationCode sends a new activation code; the old one stops working.
func (e *Engine) SendActivationCode(contact, name string) error {
	return e.call("SendActivationCode", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_channel_send_activation_code(en, a.str(contact), a.str(name))
	})
}

// ActivateChannel activates a channel with the code that was sent. Errors:
// ErrDenied (wrong, expired or exhausted code), ErrState (already activated).
func (e *Engine) ActivateChannel(contact, name, code string) error {
	return e.call("ActivateChannel", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_channel_activate(en, a.str(contact), a.str(name), a.str(code))
	})
}

// DeactivateChannel stops paging a channel until it is activated again.
func (e *Engine) DeactivateChannel(contact, name string) error {
	return e.call("DeactivateChannel", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_channel_deactivate(en, a.str(contact), a.str(name))
	})
}

// Channel reads one channel.
func (e *Engine) Channel(contact, name string) (Channel, error) {
	var c Channel
	err := e.call("Channel", func(en *C.siren_engine, a *arena) C.int {
		var info C.siren_channel_info
		C.siren_channel_info_init(&info, C.SIREN_CHANNEL_INFO_VERSION)
		if rc := C.siren_channel_get(&info, en, a.str(contact), a.str(name)); rc != 0 {
			return rc
		}
		c = Channel{Contact: gs(info.contact), Name: gs(info.name), Type: gs(info._type),
			Address: gs(info.address), Activation: Activation(info.activation),
			AttemptsLeft: int(info.attempts_left), CodeExpires: goTime(info.code_expires)}
		return 0
	})
	return c, err
}

// Channels iterates over a contact's channels.
func (e *Engine) Channels(contact string) *Iter[Channel] {
	var names []string
	err := e.call("Channels", func(en *C.siren_engine, a *arena) C.int {
		c := a.str(contact)
		var info C.siren_contact_info
		C.siren_contact_info_init(&info, C.SIREN_CONTACT_INFO_VERSION)
		if rc := C.siren_contact_get(&info, en, c); rc != 0 {
			return rc
		}
		for i := C.uint32_t(0); i < info.channel_count; i++ {
			if p := C.siren_channel_name_at(en, c, i); p != nil {
				names = append(names, C.GoString(p))
			}
		}
		return 0
	})
	return nameIter(names, err, func(n string) (Channel, error) { return e.Channel(contact, n) })
}

// Target is a target of a plan stage: in a PERSONAL contact's plan a Channel
// (with RetryInterval, 0-60 whole minutes, 0 = no retry after an ERROR
// receipt); in an ESCALATION contact's plan a Contact (Essential: its
// acceptance stops the plan).
type Target struct {
	Channel       string
	RetryInterval time.Duration
	Contact       string
	Essential     bool
}

// Stage is a plan stage. Duration runs from this stage's start to the next
// one's (whole minutes, at most the engine's maximum stage duration).
type Stage struct {
	Duration     time.Duration
	AllEssential bool // every essential contact must accept before the plan stops
	Targets      []Target
}

// Plan is a contact's engagement or escalation plan. RepeatCount (beyond
// AWS): start again from stage 0 at most this many times.
type Plan struct {
	Stages      []Stage
	RepeatCount int
}

// SetPlan replaces a contact's plan. Running engagements keep theirs.
// Errors: ErrInvalid, ErrNotFound (the message names the position).
func (e *Engine) SetPlan(alias string, plan Plan) error {
	for _, s := range plan.Stages {
		if _, err := minutes("SetPlan", s.Duration); err != nil {
			return err
		}
		for _, t := range s.Targets {
			if _, err := minutes("SetPlan", t.RetryInterval); err != nil {
				return err
			}
		}
	}
	return e.call("SetPlan", func(en *C.siren_engine, a *arena) C.int {
		var p C.siren_plan
		C.siren_plan_init(&p, C.SIREN_PLAN_VERSION)
		p.repeat_count = C.uint32_t(plan.RepeatCount)
		if n := len(plan.Stages); n > 0 {
			sp := (*C.siren_stage)(a.calloc(n, C.sizeof_siren_stage))
			stages := unsafe.Slice(sp, n)
			for i, s := range plan.Stages {
				st := &stages[i]
				C.siren_stage_init(st, C.SIREN_STAGE_VERSION)
				st.duration_minutes, _ = minutes("SetPlan", s.Duration)
				if s.AllEssential {
					st.flags = C.SIREN_STAGE_ALL_ESSENTIAL
				}
				if k := len(s.Targets); k > 0 {
					tp := (*C.siren_target)(a.calloc(k, C.sizeof_siren_target))
					targets := unsafe.Slice(tp, k)
					for j, t := range s.Targets {
						ct := &targets[j]
						C.siren_target_init(ct, C.SIREN_TARGET_VERSION)
						ct.channel = a.opt(t.Channel)
						ct.contact = a.opt(t.Contact)
						ct.retry_interval_minutes, _ = minutes("SetPlan", t.RetryInterval)
						if t.Essential {
							ct.essential = 1
						}
					}
					st.target_count = C.size_t(k)
					st.targets = tp
				}
			}
			p.stage_count = C.size_t(n)
			p.stages = sp
		}
		return C.siren_contact_set_plan(en, a.str(alias), &p)
	})
}

// Plan reads a contact's plan back.
func (e *Engine) Plan(alias string) (Plan, error) {
	var plan Plan
	err := e.call("Plan", func(en *C.siren_engine, a *arena) C.int {
		c := a.str(alias)
		var info C.siren_contact_info
		C.siren_contact_info_init(&info, C.SIREN_CONTACT_INFO_VERSION)
		if rc := C.siren_contact_get(&info, en, c); rc != 0 {
			return rc
		}
		plan.RepeatCount = int(info.repeat_count)
		for i := C.uint32_t(0); i < info.stage_count; i++ {
			var s C.siren_stage
			C.siren_stage_init(&s, C.SIREN_STAGE_VERSION)
			if rc := C.siren_contact_plan_stage(&s, en, c, i); rc != 0 {
				return rc
			}
			stage := Stage{Duration: time.Duration(s.duration_minutes) * time.Minute,
				AllEssential: s.flags&C.SIREN_STAGE_ALL_ESSENTIAL != 0}
			for j := C.uint32_t(0); j < C.uint32_t(s.target_count); j++ {
				var t C.siren_target
				C.siren_target_init(&t, C.SIREN_TARGET_VERSION)
				if rc := C.siren_contact_plan_target(&t, en, c, i, j); rc != 0 {
					return rc
				}
				stage.Targets = append(stage.Targets, Target{Channel: gs(t.channel),
					RetryInterval: time.Duration(t.retry_interval_minutes) * time.Minute,
					Contact:       gs(t.contact), Essential: t.essential != 0})
			}
			plan.Stages = append(plan.Stages, stage)
		}
		return 0
	})
	return plan, err
}
