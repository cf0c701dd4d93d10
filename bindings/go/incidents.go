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

// Tag is a key/value pair.
type Tag struct{ Key, Value string }

// Dynamic is a value siren fills in for a runbook parameter.
type Dynamic int

// Dynamic values.
const (
	DynamicNone              Dynamic = C.SIREN_DYNAMIC_NONE
	DynamicIncidentRecordARN Dynamic = C.SIREN_DYNAMIC_INCIDENT_RECORD_ARN
	DynamicInvolvedResources Dynamic = C.SIREN_DYNAMIC_INVOLVED_RESOURCES
)

// RunbookParam is one parameter of a runbook action: Values, or Dynamic.
type RunbookParam struct {
	Name    string
	Values  []string
	Dynamic Dynamic
}

// Window is a half-open interval [Start, End).
type Window struct{ Start, End time.Time }

// ResponsePlan is an AWS SSM Incidents response plan; AckTimeout,
// AutoResolve (whole minutes) and Maintenance go beyond AWS.
type ResponsePlan struct {
	Name                string
	DisplayName         string
	Title               string
	Impact              int // 1 Critical ... 5 No impact
	Summary             string
	DedupeString        string
	IncidentTags        []Tag
	NotificationTargets []string
	ChatChannels        []string
	Engagements         []string // contact aliases
	Runbook             string
	RunbookParams       []RunbookParam
	Tags                []Tag
	AckTimeout          time.Duration
	AutoResolve         time.Duration
	Maintenance         []Window
}

func (a *arena) tags(ts []Tag) (*C.siren_tag, C.size_t) {
	if len(ts) == 0 {
		return nil, 0
	}
	p := (*C.siren_tag)(a.calloc(len(ts), C.sizeof_siren_tag))
	for i, t := range ts {
		x := &unsafe.Slice(p, len(ts))[i]
		C.siren_tag_init(x, C.SIREN_TAG_VERSION)
		x.key, x.value = a.str(t.Key), a.str(t.Value)
	}
	return p, C.size_t(len(ts))
}

func goTags(p *C.siren_tag, n C.size_t) []Tag {
	if p == nil || n == 0 {
		return nil
	}
	var out []Tag
	for _, t := range unsafe.Slice(p, int(n)) {
		out = append(out, Tag{gs(t.key), gs(t.value)})
	}
	return out
}

func (a *arena) plan(rp *ResponsePlan) (*C.siren_response_plan, error) {
	p := (*C.siren_response_plan)(a.calloc(1, C.sizeof_siren_response_plan))
	C.siren_response_plan_init(p, C.SIREN_RESPONSE_PLAN_VERSION)
	p.name, p.display_name, p.title = a.str(rp.Name), a.opt(rp.DisplayName), a.str(rp.Title)
	p.impact, p.summary, p.dedupe_string = C.int(rp.Impact), a.opt(rp.Summary), a.opt(rp.DedupeString)
	p.incident_tags, p.incident_tag_count = a.tags(rp.IncidentTags)
	p.notification_targets, p.notification_target_count = a.strs(rp.NotificationTargets)
	p.chat_channels, p.chat_channel_count = a.strs(rp.ChatChannels)
	p.engagements, p.engagement_count = a.strs(rp.Engagements)
	p.runbook = a.opt(rp.Runbook)
	p.runbook_params, p.runbook_param_count = a.params(rp.RunbookParams)
	p.tags, p.tag_count = a.tags(rp.Tags)
	var err error
	if p.ack_timeout_minutes, err = minutes("ResponsePlan.AckTimeout", rp.AckTimeout); err != nil {
		return nil, err
	}
	if p.auto_resolve_minutes, err = minutes("ResponsePlan.AutoResolve", rp.AutoResolve); err != nil {
		return nil, err
	}
	if n := len(rp.Maintenance); n > 0 {
		w := (*C.siren_window)(a.calloc(n, C.sizeof_siren_window))
		for i, m := range rp.Maintenance {
			x := &unsafe.Slice(w, n)[i]
			C.siren_window_init(x, C.SIREN_WINDOW_VERSION)
			x.start, x.end = ms(m.Start), ms(m.End)
		}
		p.maintenance, p.maintenance_count = w, C.size_t(n)
	}
	return p, nil
}

func (a *arena) params(ps []RunbookParam) (*C.siren_runbook_param, C.size_t) {
	if len(ps) == 0 {
		return nil, 0
	}
	p := (*C.siren_runbook_param)(a.calloc(len(ps), C.sizeof_siren_runbook_param))
	for i, rp := range ps {
		x := &unsafe.Slice(p, len(ps))[i]
		C.siren_runbook_param_init(x, C.SIREN_RUNBOOK_PARAM_VERSION)
		x.name = a.str(rp.Name)
		x.values, x.value_count = a.strs(rp.Values)
		x.dynamic = C.siren_dynamic_value(rp.Dynamic)
	}
	return p, C.size_t(len(ps))
}

func (e *Engine) planCall(op string, rp ResponsePlan, f func(*C.siren_engine, *C.siren_response_plan) C.int) error {
	var a0 arena
	defer a0.free()
	p, err := a0.plan(&rp)
	if err != nil {
		return err
	}
	return e.call(op, func(en *C.siren_engine, _ *arena) C.int { return f(en, p) })
}

// CreateResponsePlan creates a response plan. Errors: ErrInvalid (the
// message names the member), ErrExists.
func (e *Engine) CreateResponsePlan(rp ResponsePlan) error {
	return e.planCall("CreateResponsePlan", rp, func(en *C.siren_engine, p *C.siren_response_plan) C.int {
		return C.siren_response_plan_create(en, p)
	})
}

// UpdateResponsePlan replaces the response plan of that name.
func (e *Engine) UpdateResponsePlan(rp ResponsePlan) error {
	return e.planCall("UpdateResponsePlan", rp, func(en *C.siren_engine, p *C.siren_response_plan) C.int {
		return C.siren_response_plan_update(en, p)
	})
}

// DeleteResponsePlan deletes a response plan; its incidents stay.
func (e *Engine) DeleteResponsePlan(name string) error {
	return e.call("DeleteResponsePlan", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_response_plan_delete(en, a.str(name))
	})
}

// ResponsePlan reads a response plan.
func (e *Engine) ResponsePlan(name string) (ResponsePlan, error) {
	var rp ResponsePlan
	err := e.call("ResponsePlan", func(en *C.siren_engine, a *arena) C.int {
		var p C.siren_response_plan
		C.siren_response_plan_init(&p, C.SIREN_RESPONSE_PLAN_VERSION)
		if rc := C.siren_response_plan_get(&p, en, a.str(name)); rc != 0 {
			return rc
		}
		rp = ResponsePlan{Name: gs(p.name), DisplayName: gs(p.display_name), Title: gs(p.title),
			Impact: int(p.impact), Summary: gs(p.summary), DedupeString: gs(p.dedupe_string),
			IncidentTags:        goTags(p.incident_tags, p.incident_tag_count),
			NotificationTargets: goStrs(p.notification_targets, p.notification_target_count),
			ChatChannels:        goStrs(p.chat_channels, p.chat_channel_count),
			Engagements:         goStrs(p.engagements, p.engagement_count),
			Runbook:             gs(p.runbook), Tags: goTags(p.tags, p.tag_count),
			AckTimeout:  time.Duration(p.ack_timeout_minutes) * time.Minute,
			AutoResolve: time.Duration(p.auto_resolve_minutes) * time.Minute}
		if p.runbook_params != nil {
			for _, x := range unsafe.Slice(p.runbook_params, int(p.runbook_param_count)) {
				rp.RunbookParams = append(rp.RunbookParams, RunbookParam{Name: gs(x.name),
					Values: goStrs(x.values, x.value_count), Dynamic: Dynamic(x.dynamic)})
			}
		}
		if p.maintenance != nil {
			for _, w := range unsafe.Slice(p.maintenance, int(p.maintenance_count)) {
				rp.Maintenance = append(rp.Maintenance, Window{goTime(w.start), goTime(w.end)})
			}
		}
		return 0
	})
	return rp, err
}

// ResponsePlans iterates over the response plans in creation order.
func (e *Engine) ResponsePlans() *Iter[ResponsePlan] {
	names, err := e.names(
		func(en *C.siren_engine) C.uint32_t { return C.siren_response_plan_count(en) },
		func(en *C.siren_engine, i C.uint32_t) *C.char { return C.siren_response_plan_name_at(en, i) })
	return nameIter(names, err, e.ResponsePlan)
}

// IncidentStatus is OPEN or RESOLVED.
type IncidentStatus int

// Incident statuses.
const (
	IncidentOpen     IncidentStatus = C.SIREN_INCIDENT_OPEN
	IncidentResolved IncidentStatus = C.SIREN_INCIDENT_RESOLVED
)

// RelatedItemType is the type of a related item.
type RelatedItemType int

// Related item types.
const (
	ItemAnalysis         RelatedItemType = C.SIREN_ITEM_ANALYSIS
	ItemAttachment       RelatedItemType = C.SIREN_ITEM_ATTACHMENT
	ItemAutomation       RelatedItemType = C.SIREN_ITEM_AUTOMATION
	ItemIncident         RelatedItemType = C.SIREN_ITEM_INCIDENT
	ItemMetric           RelatedItemType = C.SIREN_ITEM_METRIC
	ItemParent           RelatedItemType = C.SIREN_ITEM_PARENT
	ItemTask             RelatedItemType = C.SIREN_ITEM_TASK
	ItemOther            RelatedItemType = C.SIREN_ITEM_OTHER
	ItemInvolvedResource RelatedItemType = C.SIREN_ITEM_INVOLVED_RESOURCE
)

func (t RelatedItemType) String() string {
	return C.GoString(C.siren_related_item_type_name(C.siren_related_item_type(t)))
}

// RelatedItem is an item related to an incident; Value identifies it.
type RelatedItem struct {
	Type  RelatedItemType
	Value string
	Title string
}

func (a *arena) item(it RelatedItem, x *C.siren_related_item) {
	C.siren_related_item_init(x, C.SIREN_RELATED_ITEM_VERSION)
	x._type, x.value, x.title = C.siren_related_item_type(it.Type), a.str(it.Value), a.opt(it.Title)
}

// IncidentParams starts an incident (AWS StartIncident).
type IncidentParams struct {
	ResponsePlan   string    // required
	Title          string    // optional: overrides the plan's
	Impact         int       // 0 = the plan's
	TriggerSource  string    // required, e.g. "aws.cloudwatch"
	TriggerTime    time.Time // zero = now
	TriggerARN     string
	TriggerRawData string
	RelatedItems   []RelatedItem
	ClientToken    string
}

// StartedIncident is what StartIncident returns.
type StartedIncident struct {
	ID           ID
	Deduplicated bool // merged into an incident that was already open
}

// StartIncident starts an incident from a response plan, or merges the
// trigger into an open incident with the same dedupe string. Errors:
// ErrInvalid, ErrNotFound, ErrCallback (the incident exists).
func (e *Engine) StartIncident(p IncidentParams) (StartedIncident, error) {
	var id C.siren_id
	var dedup C.int
	err := e.call("StartIncident", func(en *C.siren_engine, a *arena) C.int {
		var cp C.siren_incident_params
		C.siren_incident_params_init(&cp, C.SIREN_INCIDENT_PARAMS_VERSION)
		cp.response_plan, cp.title, cp.impact = a.str(p.ResponsePlan), a.opt(p.Title), C.int(p.Impact)
		cp.trigger_source, cp.trigger_time = a.str(p.TriggerSource), ms(p.TriggerTime)
		cp.trigger_arn, cp.trigger_raw_data = a.opt(p.TriggerARN), a.opt(p.TriggerRawData)
		cp.client_token = a.opt(p.ClientToken)
		if n := len(p.RelatedItems); n > 0 {
			items := (*C.siren_related_item)(a.calloc(n, C.sizeof_siren_related_item))
			for i, it := range p.RelatedItems {
				a.item(it, &unsafe.Slice(items, n)[i])
			}
			cp.related_items, cp.related_item_count = items, C.size_t(n)
		}
		return C.siren_incident_start(&id, &dedup, en, &cp)
	})
	return StartedIncident{ID(id), dedup != 0}, err
}

// IncidentChanges says what UpdateIncident changes: nil members stay.
type IncidentChanges struct {
	Title               *string
	Summary             *string
	Impact              *int
	Status              *IncidentStatus
	ChatChannels        *[]string
	NotificationTargets *[]string
}

// UpdateIncident updates an incident record (AWS UpdateIncidentRecord).
// Status IncidentResolved resolves it. Errors: ErrInvalid, ErrNotFound,
// ErrState (setting the status it already has).
func (e *Engine) UpdateIncident(id ID, c IncidentChanges) error {
	return e.call("UpdateIncident", func(en *C.siren_engine, a *arena) C.int {
		var u C.siren_incident_changes
		C.siren_incident_changes_init(&u, C.SIREN_INCIDENT_CHANGES_VERSION)
		if c.Title != nil {
			u.fields |= C.SIREN_UPDATE_TITLE
			u.title = a.str(*c.Title)
		}
		if c.Summary != nil {
			u.fields |= C.SIREN_UPDATE_SUMMARY
			u.summary = a.str(*c.Summary)
		}
		if c.Impact != nil {
			u.fields |= C.SIREN_UPDATE_IMPACT
			u.impact = C.int(*c.Impact)
		}
		if c.Status != nil {
			u.fields |= C.SIREN_UPDATE_STATUS
			u.status = C.siren_incident_status(*c.Status)
		}
		if c.ChatChannels != nil {
			u.fields |= C.SIREN_UPDATE_CHAT_CHANNELS
			u.chat_channels, u.chat_channel_count = a.strs(*c.ChatChannels)
		}
		if c.NotificationTargets != nil {
			u.fields |= C.SIREN_UPDATE_NOTIFICATION_TARGETS
			u.notification_targets, u.notification_target_count = a.strs(*c.NotificationTargets)
		}
		return C.siren_incident_update(en, C.siren_id(id), &u)
	})
}

// ResolveIncident is UpdateIncident with only the status RESOLVED.
func (e *Engine) ResolveIncident(id ID) error {
	s := IncidentResolved
	return e.UpdateIncident(id, IncidentChanges{Status: &s})
}

// AddRelatedItem adds a related item. ErrExists for a value it has already.
func (e *Engine) AddRelatedItem(incident ID, it RelatedItem) error {
	return e.call("AddRelatedItem", func(en *C.siren_engine, a *arena) C.int {
		var x C.siren_related_item
		a.item(it, &x)
		return C.siren_incident_add_related_item(en, C.siren_id(incident), &x)
	})
}

// RemoveRelatedItem removes the related item with that value.
func (e *Engine) RemoveRelatedItem(incident ID, value string) error {
	return e.call("RemoveRelatedItem", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_incident_remove_related_item(en, C.siren_id(incident), a.str(value))
	})
}

// Incident is what Incident reads (siren_incident_info), with its related
// items and engagements.
type Incident struct {
	ID                  ID
	ARN                 string
	ResponsePlan        string
	Title               string
	Summary             string
	Impact              int
	Status              IncidentStatus
	CreationTime        time.Time
	LastModifiedTime    time.Time
	ResolvedTime        time.Time
	TriggerSource       string
	TriggerARN          string
	TriggerTime         time.Time
	TriggerRawData      string
	DedupeString        string
	TriggerCount        int
	LastTriggerTime     time.Time
	ChatChannels        []string
	NotificationTargets []string
	IncidentTags        []Tag
	TimelineEventCount  int
	Acknowledged        bool
	Maintenance         bool   // started in a maintenance window
	Runbook             string // the pending runbook action, or ""
	Analysis            ID
	RelatedItems        []RelatedItem
	Engagements         []ID
}

func goItem(x *C.siren_related_item) RelatedItem {
	return RelatedItem{RelatedItemType(x._type), gs(x.value), gs(x.title)}
}

// Incident reads one incident.
func (e *Engine) Incident(id ID) (Incident, error) {
	var in Incident
	err := e.call("Incident", func(en *C.siren_engine, a *arena) C.int {
		var i C.siren_incident_info
		C.siren_incident_info_init(&i, C.SIREN_INCIDENT_INFO_VERSION)
		if rc := C.siren_incident_get(&i, en, C.siren_id(id)); rc != 0 {
			return rc
		}
		in = Incident{ID: ID(i.id), ARN: gs(i.arn), ResponsePlan: gs(i.response_plan), Title: gs(i.title),
			Summary: gs(i.summary), Impact: int(i.impact), Status: IncidentStatus(i.status),
			CreationTime: goTime(i.creation_time), LastModifiedTime: goTime(i.last_modified_time),
			ResolvedTime: goTime(i.resolved_time), TriggerSource: gs(i.trigger_source),
			TriggerARN: gs(i.trigger_arn), TriggerTime: goTime(i.trigger_time),
			TriggerRawData: gs(i.trigger_raw_data), DedupeString: gs(i.dedupe_string),
			TriggerCount: int(i.trigger_count), LastTriggerTime: goTime(i.last_trigger_time),
			ChatChannels:        goStrs(i.chat_channels, i.chat_channel_count),
			NotificationTargets: goStrs(i.notification_targets, i.notification_target_count),
			IncidentTags:        goTags(i.incident_tags, i.incident_tag_count),
			TimelineEventCount:  int(i.timeline_event_count), Acknowledged: i.acknowledged != 0,
			Maintenance: i.maintenance != 0, Runbook: gs(i.runbook), Analysis: ID(i.analysis)}
		for k := C.uint32_t(0); k < i.related_item_count; k++ {
			var x C.siren_related_item
			C.siren_related_item_init(&x, C.SIREN_RELATED_ITEM_VERSION)
			if rc := C.siren_incident_related_item_at(&x, en, C.siren_id(id), k); rc != 0 {
				return rc
			}
			in.RelatedItems = append(in.RelatedItems, goItem(&x))
		}
		var total C.size_t
		if rc := C.siren_incident_engagements(nil, 0, &total, en, C.siren_id(id)); rc != 0 {
			return rc
		}
		if total > 0 {
			buf := make([]C.siren_id, int(total))
			if rc := C.siren_incident_engagements(&buf[0], total, &total, en, C.siren_id(id)); rc != 0 {
				return rc
			}
			for _, v := range buf[:min(int(total), len(buf))] {
				in.Engagements = append(in.Engagements, ID(v))
			}
		}
		return 0
	})
	return in, err
}

// IncidentFilter selects incidents; zero members do not filter.
type IncidentFilter struct {
	CreatedAfter  time.Time
	CreatedBefore time.Time
	Impacts       []int
	Statuses      []IncidentStatus
}

// Incidents iterates over the incidents matching filter (nil: all), oldest
// first.
func (e *Engine) Incidents(filter *IncidentFilter) *Iter[Incident] {
	ids, err := e.listIDs("Incidents", func(en *C.siren_engine, a *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		if filter == nil {
			return C.siren_incidents(ids, n, total, en, nil)
		}
		var f C.siren_incident_filter
		C.siren_incident_filter_init(&f, C.SIREN_INCIDENT_FILTER_VERSION)
		f.created_after, f.created_before = ms(filter.CreatedAfter), ms(filter.CreatedBefore)
		for _, i := range filter.Impacts {
			f.impacts |= 1 << uint(i)
		}
		for _, s := range filter.Statuses {
			f.statuses |= 1 << uint(s)
		}
		return C.siren_incidents(ids, n, total, en, &f)
	})
	return idIter(ids, err, e.Incident)
}

// TimelineEvent is an event on an incident's timeline. For
// CreateTimelineEvent set Type ("Custom Event" or "Note"), Time (zero =
// now), Data and References.
type TimelineEvent struct {
	ID         ID
	Incident   ID
	Type       string
	Time       time.Time
	Updated    time.Time
	Data       string
	References []string
	Automatic  bool // written by siren: cannot be changed
}

func (a *arena) timelineEvent(ev TimelineEvent) *C.siren_timeline_event {
	x := (*C.siren_timeline_event)(a.calloc(1, C.sizeof_siren_timeline_event))
	C.siren_timeline_event_init(x, C.SIREN_TIMELINE_EVENT_VERSION)
	x.event_type, x.event_time, x.event_data = a.str(ev.Type), ms(ev.Time), a.str(ev.Data)
	x.references, x.reference_count = a.strs(ev.References)
	return x
}

func goTimelineEvent(x *C.siren_timeline_event) TimelineEvent {
	return TimelineEvent{ID: ID(x.id), Incident: ID(x.incident), Type: gs(x.event_type),
		Time: goTime(x.event_time), Updated: goTime(x.updated_time), Data: gs(x.event_data),
		References: goStrs(x.references, x.reference_count), Automatic: x.automatic != 0}
}

// CreateTimelineEvent adds a custom event to an incident's timeline.
func (e *Engine) CreateTimelineEvent(incident ID, ev TimelineEvent) (ID, error) {
	var id C.siren_id
	err := e.call("CreateTimelineEvent", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_timeline_event_create(&id, en, C.siren_id(incident), a.timelineEvent(ev))
	})
	return ID(id), err
}

// UpdateTimelineEvent replaces a custom event's type, time (zero keeps
// it), data and references. ErrState for an automatic event.
func (e *Engine) UpdateTimelineEvent(incident, event ID, ev TimelineEvent) error {
	return e.call("UpdateTimelineEvent", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_timeline_event_update(en, C.siren_id(incident), C.siren_id(event), a.timelineEvent(ev))
	})
}

// DeleteTimelineEvent deletes a custom event. ErrState for an automatic one.
func (e *Engine) DeleteTimelineEvent(incident, event ID) error {
	return e.call("DeleteTimelineEvent", func(en *C.siren_engine, _ *arena) C.int {
		return C.siren_timeline_event_delete(en, C.siren_id(incident), C.siren_id(event))
	})
}

// TimelineEvent reads one timeline event.
func (e *Engine) TimelineEvent(incident, event ID) (TimelineEvent, error) {
	var ev TimelineEvent
	err := e.call("TimelineEvent", func(en *C.siren_engine, _ *arena) C.int {
		var x C.siren_timeline_event
		C.siren_timeline_event_init(&x, C.SIREN_TIMELINE_EVENT_VERSION)
		if rc := C.siren_timeline_event_get(&x, en, C.siren_id(incident), C.siren_id(event)); rc != 0 {
			return rc
		}
		ev = goTimelineEvent(&x)
		return 0
	})
	return ev, err
}

// TimelineFilter selects timeline events: within (After, Before), of one
// of Types (when given), with one of References (when given).
type TimelineFilter struct {
	After      time.Time
	Before     time.Time
	Types      []string
	References []string
	Descending bool
	Skip       int
}

// TimelineEvents iterates over an incident's timeline in time order.
func (e *Engine) TimelineEvents(incident ID, filter *TimelineFilter) *Iter[TimelineEvent] {
	ids, err := e.listIDs("TimelineEvents", func(en *C.siren_engine, a *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		if filter == nil {
			return C.siren_timeline_events(ids, n, total, en, C.siren_id(incident), nil)
		}
		var f C.siren_timeline_filter
		C.siren_timeline_filter_init(&f, C.SIREN_TIMELINE_FILTER_VERSION)
		f.after, f.before = ms(filter.After), ms(filter.Before)
		f.event_types, f.event_type_count = a.strs(filter.Types)
		f.references, f.reference_count = a.strs(filter.References)
		if filter.Descending {
			f.descending = 1
		}
		f.skip = C.size_t(filter.Skip)
		return C.siren_timeline_events(ids, n, total, en, C.siren_id(incident), &f)
	})
	return idIter(ids, err, func(id ID) (TimelineEvent, error) { return e.TimelineEvent(incident, id) })
}

// Heartbeat is a heartbeat monitor (beyond AWS): when no beat arrives for
// Interval (whole minutes), an incident starts from ResponsePlan.
type Heartbeat struct {
	Name          string
	ResponsePlan  string
	Interval      time.Duration
	ResolveOnBeat bool
	LastBeat      time.Time // read back
	Incident      ID        // read back: the incident its last miss opened
}

// CreateHeartbeat creates a heartbeat; its first interval starts now.
func (e *Engine) CreateHeartbeat(hb Heartbeat) error {
	m, err := minutes("CreateHeartbeat", hb.Interval)
	if err != nil {
		return err
	}
	return e.call("CreateHeartbeat", func(en *C.siren_engine, a *arena) C.int {
		var h C.siren_heartbeat
		C.siren_heartbeat_init(&h, C.SIREN_HEARTBEAT_VERSION)
		h.name, h.response_plan, h.interval_minutes = a.str(hb.Name), a.str(hb.ResponsePlan), m
		if hb.ResolveOnBeat {
			h.resolve_on_beat = 1
		}
		return C.siren_heartbeat_create(en, &h)
	})
}

// Beat records a beat now: the next interval starts.
func (e *Engine) Beat(name string) error {
	return e.call("Beat", func(en *C.siren_engine, a *arena) C.int { return C.siren_heartbeat_beat(en, a.str(name)) })
}

// DeleteHeartbeat deletes a heartbeat.
func (e *Engine) DeleteHeartbeat(name string) error {
	return e.call("DeleteHeartbeat", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_heartbeat_delete(en, a.str(name))
	})
}

// Heartbeat reads a heartbeat.
func (e *Engine) Heartbeat(name string) (Heartbeat, error) {
	var hb Heartbeat
	err := e.call("Heartbeat", func(en *C.siren_engine, a *arena) C.int {
		var h C.siren_heartbeat
		C.siren_heartbeat_init(&h, C.SIREN_HEARTBEAT_VERSION)
		if rc := C.siren_heartbeat_get(&h, en, a.str(name)); rc != 0 {
			return rc
		}
		hb = Heartbeat{Name: gs(h.name), ResponsePlan: gs(h.response_plan),
			Interval: time.Duration(h.interval_minutes) * time.Minute, ResolveOnBeat: h.resolve_on_beat != 0,
			LastBeat: goTime(h.last_beat), Incident: ID(h.incident)}
		return 0
	})
	return hb, err
}

// Question is a question of a post-incident analysis.
type Question struct{ Section, Text, Answer string }

// Analysis is a post-incident analysis, with its questions.
type Analysis struct {
	ID                  ID
	Incident            ID
	CreationTime        time.Time
	AnsweredCount       int
	TimelineEventCount  int
	RelatedItemCount    int
	ActionItemCount     int
	OpenActionItemCount int
	Questions           []Question
}

// CreateAnalysis creates the post-incident analysis of a resolved incident
// with the given questions (none: siren's default template). ErrState when
// the incident is not resolved or has one.
func (e *Engine) CreateAnalysis(incident ID, questions ...Question) (ID, error) {
	var id C.siren_id
	err := e.call("CreateAnalysis", func(en *C.siren_engine, a *arena) C.int {
		var qp *C.siren_question
		if n := len(questions); n > 0 {
			qp = (*C.siren_question)(a.calloc(n, C.sizeof_siren_question))
			for i, q := range questions {
				x := &unsafe.Slice(qp, n)[i]
				C.siren_question_init(x, C.SIREN_QUESTION_VERSION)
				x.section, x.text = a.str(q.Section), a.str(q.Text)
			}
		}
		return C.siren_analysis_create(&id, en, C.siren_id(incident), qp, C.size_t(len(questions)))
	})
	return ID(id), err
}

// Analysis reads an analysis and its questions.
func (e *Engine) Analysis(id ID) (Analysis, error) {
	var an Analysis
	err := e.call("Analysis", func(en *C.siren_engine, _ *arena) C.int {
		var i C.siren_analysis_info
		C.siren_analysis_info_init(&i, C.SIREN_ANALYSIS_INFO_VERSION)
		if rc := C.siren_analysis_get(&i, en, C.siren_id(id)); rc != 0 {
			return rc
		}
		an = Analysis{ID: ID(i.id), Incident: ID(i.incident), CreationTime: goTime(i.creation_time),
			AnsweredCount: int(i.answered_count), TimelineEventCount: int(i.timeline_event_count),
			RelatedItemCount: int(i.related_item_count), ActionItemCount: int(i.action_item_count),
			OpenActionItemCount: int(i.open_action_item_count)}
		for k := C.uint32_t(0); k < i.question_count; k++ {
			var q C.siren_question
			C.siren_question_init(&q, C.SIREN_QUESTION_VERSION)
			if rc := C.siren_analysis_question_at(&q, en, C.siren_id(id), k); rc != 0 {
				return rc
			}
			an.Questions = append(an.Questions, Question{gs(q.section), gs(q.text), gs(q.answer)})
		}
		return 0
	})
	return an, err
}

// AnswerQuestion answers (or re-answers) question i of an analysis.
func (e *Engine) AnswerQuestion(analysis ID, i int, answer string) error {
	return e.call("AnswerQuestion", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_analysis_answer(en, C.siren_id(analysis), C.uint32_t(i), a.str(answer))
	})
}

// AnalysisTimeline is the analysis's frozen copy of the timeline.
func (e *Engine) AnalysisTimeline(analysis ID) ([]TimelineEvent, error) {
	an, err := e.Analysis(analysis)
	if err != nil {
		return nil, err
	}
	var out []TimelineEvent
	err = e.call("AnalysisTimeline", func(en *C.siren_engine, _ *arena) C.int {
		for k := 0; k < an.TimelineEventCount; k++ {
			var x C.siren_timeline_event
			C.siren_timeline_event_init(&x, C.SIREN_TIMELINE_EVENT_VERSION)
			if rc := C.siren_analysis_timeline_at(&x, en, C.siren_id(analysis), C.uint32_t(k)); rc != 0 {
				return rc
			}
			out = append(out, goTimelineEvent(&x))
		}
		return 0
	})
	return out, err
}

// ActionItemStatus is OPEN or CLOSED.
type ActionItemStatus int

// Action item statuses.
const (
	ActionOpen   ActionItemStatus = C.SIREN_ACTION_OPEN
	ActionClosed ActionItemStatus = C.SIREN_ACTION_CLOSED
)

// ActionItem is a follow-up of an analysis.
type ActionItem struct {
	Title  string
	Owner  string
	Due    time.Time
	Status ActionItemStatus // read back
}

// AddActionItem adds an OPEN action item and returns its index.
func (e *Engine) AddActionItem(analysis ID, item ActionItem) (int, error) {
	var idx C.uint32_t
	err := e.call("AddActionItem", func(en *C.siren_engine, a *arena) C.int {
		var x C.siren_action_item
		C.siren_action_item_init(&x, C.SIREN_ACTION_ITEM_VERSION)
		x.title, x.owner, x.due_time = a.str(item.Title), a.opt(item.Owner), ms(item.Due)
		return C.siren_analysis_add_action_item(&idx, en, C.siren_id(analysis), &x)
	})
	return int(idx), err
}

// SetActionItemStatus sets an action item's status.
func (e *Engine) SetActionItemStatus(analysis ID, index int, s ActionItemStatus) error {
	return e.call("SetActionItemStatus", func(en *C.siren_engine, _ *arena) C.int {
		return C.siren_analysis_set_action_item_status(en, C.siren_id(analysis), C.uint32_t(index), C.siren_action_status(s))
	})
}

// ActionItem reads action item index of an analysis.
func (e *Engine) ActionItem(analysis ID, index int) (ActionItem, error) {
	var it ActionItem
	err := e.call("ActionItem", func(en *C.siren_engine, _ *arena) C.int {
		var x C.siren_action_item
		C.siren_action_item_init(&x, C.SIREN_ACTION_ITEM_VERSION)
		if rc := C.siren_analysis_action_item_at(&x, en, C.siren_id(analysis), C.uint32_t(index)); rc != 0 {
			return rc
		}
		it = ActionItem{gs(x.title), gs(x.owner), goTime(x.due_time), ActionItemStatus(x.status)}
		return 0
	})
	return it, err
}
