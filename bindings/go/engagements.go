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

// EngagementParams starts an engagement (AWS StartEngagement).
type EngagementParams struct {
	Contact          string // required: a personal or escalation contact
	Sender           string // required, 1-255
	Subject          string // required, 1-2048
	Content          string // required, 1-8192
	PublicSubject    string // optional: what SMS gets instead of Subject
	PublicContent    string // optional: what SMS gets instead of Content
	IncidentID       string // optional
	IdempotencyToken string // optional: a repeat returns the first engagement
}

// StartEngagement starts an engagement now; stage 0's pages are notified
// before it returns. Errors: ErrInvalid, ErrNotFound, ErrCallback (a notify
// failed: the engagement runs, and its id is returned with the error).
func (e *Engine) StartEngagement(p EngagementParams) (ID, error) {
	var id C.siren_id
	err := e.call("StartEngagement", func(en *C.siren_engine, a *arena) C.int {
		var cp C.siren_engagement_params
		C.siren_engagement_params_init(&cp, C.SIREN_ENGAGEMENT_PARAMS_VERSION)
		cp.contact, cp.sender = a.str(p.Contact), a.str(p.Sender)
		cp.subject, cp.content = a.str(p.Subject), a.str(p.Content)
		cp.public_subject, cp.public_content = a.opt(p.PublicSubject), a.opt(p.PublicContent)
		cp.incident_id, cp.idempotency_token = a.opt(p.IncidentID), a.opt(p.IdempotencyToken)
		return C.siren_engagement_start(&id, en, &cp)
	})
	return ID(id), err
}

// StopEngagement stops an engagement; reason may be "". ErrState when it
// has already stopped or completed.
func (e *Engine) StopEngagement(id ID, reason string) error {
	return e.call("StopEngagement", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_engagement_stop(en, C.siren_id(id), a.opt(reason))
	})
}

// EngagementState is an engagement's state.
type EngagementState int

// Engagement states.
const (
	EngagementActive    EngagementState = C.SIREN_ENGAGEMENT_ACTIVE
	EngagementStopped   EngagementState = C.SIREN_ENGAGEMENT_STOPPED
	EngagementCompleted EngagementState = C.SIREN_ENGAGEMENT_COMPLETED
)

// Engagement is what Engagement reads (siren_engagement_info).
type Engagement struct {
	ID            ID
	Contact       string
	Sender        string
	Subject       string
	Content       string
	PublicSubject string
	PublicContent string
	IncidentID    string
	State         EngagementState
	Acknowledged  bool
	StartTime     time.Time
	StopTime      time.Time // zero while active
	StopReason    string
	PageCount     int
}

// Engagement reads one engagement.
func (e *Engine) Engagement(id ID) (Engagement, error) {
	var g Engagement
	err := e.call("Engagement", func(en *C.siren_engine, a *arena) C.int {
		var i C.siren_engagement_info
		C.siren_engagement_info_init(&i, C.SIREN_ENGAGEMENT_INFO_VERSION)
		if rc := C.siren_engagement_get(&i, en, C.siren_id(id)); rc != 0 {
			return rc
		}
		g = Engagement{ID: ID(i.id), Contact: gs(i.contact), Sender: gs(i.sender), Subject: gs(i.subject),
			Content: gs(i.content), PublicSubject: gs(i.public_subject), PublicContent: gs(i.public_content),
			IncidentID: gs(i.incident_id), State: EngagementState(i.state), Acknowledged: i.acknowledged != 0,
			StartTime: goTime(i.start_time), StopTime: goTime(i.stop_time), StopReason: gs(i.stop_reason),
			PageCount: int(i.page_count)}
		return 0
	})
	return g, err
}

// Engagements iterates over every engagement, oldest first.
func (e *Engine) Engagements() *Iter[Engagement] {
	ids, err := e.listIDs("Engagements", func(en *C.siren_engine, _ *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		return C.siren_engagements(ids, n, total, en)
	})
	return idIter(ids, err, e.Engagement)
}

// EngagementPages iterates over an engagement's pages, oldest first.
func (e *Engine) EngagementPages(id ID) *Iter[Page] {
	ids, err := e.listIDs("EngagementPages", func(en *C.siren_engine, _ *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		return C.siren_engagement_pages(ids, n, total, en, C.siren_id(id))
	})
	return idIter(ids, err, e.Page)
}

// ContactPages iterates over the pages sent to a personal contact.
func (e *Engine) ContactPages(contact string) *Iter[Page] {
	ids, err := e.listIDs("ContactPages", func(en *C.siren_engine, a *arena, ids *C.siren_id, n C.size_t, total *C.size_t) C.int {
		return C.siren_contact_pages(ids, n, total, en, a.str(contact))
	})
	return idIter(ids, err, e.Page)
}

// ReceiptType is a delivery outcome.
type ReceiptType int

// Receipt types.
const (
	ReceiptSent      ReceiptType = C.SIREN_RECEIPT_SENT
	ReceiptDelivered ReceiptType = C.SIREN_RECEIPT_DELIVERED
	ReceiptRead      ReceiptType = C.SIREN_RECEIPT_READ
	ReceiptError     ReceiptType = C.SIREN_RECEIPT_ERROR // paged again after the retry interval
	ReceiptStop      ReceiptType = C.SIREN_RECEIPT_STOP  // opted out: the channel is deactivated
)

func (t ReceiptType) String() string {
	return C.GoString(C.siren_receipt_type_name(C.siren_receipt_type(t)))
}

// PageReceipt records a delivery outcome for a page at the host's Now; info
// may be "" (at most 2048 bytes).
func (e *Engine) PageReceipt(page ID, typ ReceiptType, info string) error {
	return e.call("PageReceipt", func(en *C.siren_engine, a *arena) C.int {
		return C.siren_page_receipt(en, C.siren_id(page), C.siren_receipt_type(typ), a.opt(info))
	})
}

// AcceptType says how a page was accepted.
type AcceptType int

// Accept types.
const (
	AcceptDelivered AcceptType = C.SIREN_ACCEPT_DELIVERED
	AcceptRead      AcceptType = C.SIREN_ACCEPT_READ
)

// AcceptPage accepts (acknowledges) a page with its code, which must match.
// An essential contact's acceptance stops the escalation. note may be "".
// Errors: ErrDenied (wrong code), ErrState (already accepted), ErrNotFound.
func (e *Engine) AcceptPage(page ID, typ AcceptType, code, note string) error {
	return e.accept("AcceptPage", page, typ, code, C.SIREN_ACCEPT_ENFORCE, note)
}

// AcceptPageUnchecked accepts a page without checking its code
// (AcceptCodeValidation IGNORE).
func (e *Engine) AcceptPageUnchecked(page ID, typ AcceptType, note string) error {
	return e.accept("AcceptPageUnchecked", page, typ, "", C.SIREN_ACCEPT_IGNORE, note)
}

func (e *Engine) accept(op string, page ID, typ AcceptType, code string, v C.siren_accept_validation, note string) error {
	return e.call(op, func(en *C.siren_engine, a *arena) C.int {
		return C.siren_page_accept(en, C.siren_id(page), C.siren_accept_type(typ), a.opt(code), v, a.opt(note))
	})
}

// Receipt is one delivery outcome of a page.
type Receipt struct {
	Type ReceiptType
	Time time.Time
	Info string
}

// Page is what Page reads (siren_page_info), with its receipts.
type Page struct {
	ID              ID
	Engagement      ID
	RetryOf         ID
	Contact         string // the personal contact paged
	Channel         string
	ChannelType     string
	EngagedBy       string // the escalation contact whose stage paged it, or ""
	EscalationStage int    // that stage, or -1
	Stage           int    // the personal plan stage
	Essential       bool
	SentTime        time.Time
	DeliveredTime   time.Time
	ReadTime        time.Time
	AcceptedTime    time.Time
	AcceptNote      string
	Receipts        []Receipt
}

// Page reads one page and its receipts.
func (e *Engine) Page(id ID) (Page, error) {
	var p Page
	err := e.call("Page", func(en *C.siren_engine, a *arena) C.int {
		var i C.siren_page_info
		C.siren_page_info_init(&i, C.SIREN_PAGE_INFO_VERSION)
		if rc := C.siren_page_get(&i, en, C.siren_id(id)); rc != 0 {
			return rc
		}
		p = Page{ID: ID(i.id), Engagement: ID(i.engagement), RetryOf: ID(i.retry_of), Contact: gs(i.contact),
			Channel: gs(i.channel), ChannelType: gs(i.channel_type), EngagedBy: gs(i.engaged_by),
			EscalationStage: int(i.escalation_stage), Stage: int(i.stage), Essential: i.essential != 0,
			SentTime: goTime(i.sent_time), DeliveredTime: goTime(i.delivered_time), ReadTime: goTime(i.read_time),
			AcceptedTime: goTime(i.accepted_time), AcceptNote: gs(i.accept_note)}
		for k := C.uint32_t(0); k < i.receipt_count; k++ {
			var r C.siren_receipt_info
			C.siren_receipt_info_init(&r, C.SIREN_RECEIPT_INFO_VERSION)
			if rc := C.siren_page_receipt_at(&r, en, C.siren_id(id), k); rc != 0 {
				return rc
			}
			p.Receipts = append(p.Receipts, Receipt{Type: ReceiptType(r._type), Time: goTime(r.time), Info: gs(r.info)})
		}
		return 0
	})
	return p, err
}

// PreviewAck is a hypothetical acceptance: Contact accepts its latest page
// After the engagement starts (whole minutes).
type PreviewAck struct {
	Contact string
	After   time.Duration
}

// PreviewPage is one page a preview predicts.
type PreviewPage struct {
	Offset          time.Duration // from the engagement's start
	Contact         string
	Channel         string
	ChannelType     string
	EngagedBy       string
	EscalationStage int
	Stage           int
}

// Preview predicts the pages an engagement of contact would send, with
// the given acceptances, assuming every page is delivered. Nothing changes.
func (e *Engine) Preview(contact string, acks ...PreviewAck) ([]PreviewPage, error) {
	for _, k := range acks {
		if _, err := minutes("Preview", k.After); err != nil {
			return nil, err
		}
	}
	var out []PreviewPage
	err := e.call("Preview", func(en *C.siren_engine, a *arena) C.int {
		c := a.str(contact)
		var ap *C.siren_preview_ack
		if len(acks) > 0 {
			ap = (*C.siren_preview_ack)(a.calloc(len(acks), C.sizeof_siren_preview_ack))
			for i, k := range acks {
				x := &unsafe.Slice(ap, len(acks))[i]
				C.siren_preview_ack_init(x, C.SIREN_PREVIEW_ACK_VERSION)
				x.contact = a.str(k.Contact)
				x.after_minutes, _ = minutes("Preview", k.After)
			}
		}
		var total C.size_t
		if rc := C.siren_engagement_preview(nil, 0, &total, en, c, ap, C.size_t(len(acks))); rc != 0 {
			return rc
		}
		if total == 0 {
			return 0
		}
		pp := (*C.siren_preview_page)(a.calloc(int(total), C.sizeof_siren_preview_page))
		pages := unsafe.Slice(pp, int(total))
		for i := range pages {
			C.siren_preview_page_init(&pages[i], C.SIREN_PREVIEW_PAGE_VERSION)
		}
		if rc := C.siren_engagement_preview(pp, total, &total, en, c, ap, C.size_t(len(acks))); rc != 0 {
			return rc
		}
		for _, p := range pages[:min(int(total), len(pages))] {
			out = append(out, PreviewPage{Offset: time.Duration(p.offset_ms) * time.Millisecond,
				Contact: gs(p.contact), Channel: gs(p.channel), ChannelType: gs(p.channel_type),
				EngagedBy: gs(p.engaged_by), EscalationStage: int(p.escalation_stage), Stage: int(p.stage)})
		}
		return 0
	})
	return out, err
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// ConfigResult counts what LoadConfig created.
type ConfigResult struct {
	Contacts      int
	Channels      int
	Plans         int
	ResponsePlans int
	Errors        int // problems that stopped the load
	Unsupported   int // definitions skipped as not supported yet
}

// LoadConfig loads AWS-shaped definitions (SSM Contacts and SSM Incidents
// API shapes, or a CloudFormation template; JSON or YAML), all or nothing.
// On ErrInvalid the *Error's Problems list every problem with its path;
// they are also kept for ConfigProblems.
func (e *Engine) LoadConfig(text []byte) (ConfigResult, error) {
	var r C.siren_config_result
	C.siren_config_result_init(&r, C.SIREN_CONFIG_RESULT_VERSION)
	err := e.call("LoadConfig", func(en *C.siren_engine, a *arena) C.int {
		p, n := a.bytes(text)
		return C.siren_config_load(&r, en, p, n)
	})
	res := ConfigResult{Contacts: int(r.contacts), Channels: int(r.channels), Plans: int(r.plans),
		ResponsePlans: int(r.response_plans), Errors: int(r.errors), Unsupported: int(r.unsupported)}
	return res, e.withProblems(err)
}

// ConfigProblems lists the problems of the last LoadConfig or LoadRunbook
// (unsupported definitions included), one per element.
func (e *Engine) ConfigProblems() []string {
	var s string
	_ = e.read(func(en *C.siren_engine) { s = C.GoString(C.siren_config_problems(en)) })
	return splitLines(s)
}

func (e *Engine) withProblems(err error) error {
	if x, ok := err.(*Error); ok && x.Code != CodeBusy {
		x.Problems = e.ConfigProblems()
	}
	return err
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		if i > 0 {
			out = append(out, s[:i])
		}
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
