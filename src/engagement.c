/*
 * Engagements and pages: the commands (start, stop, receipt, accept), the
 * records they become, timer firings, the queries, and the preview.
 *
 * An engagement is ACTIVE from its start until either StopEngagement
 * (STOPPED) or its last plan run finishes (COMPLETED, acknowledged or not).
 * A page is sent, then collects receipts; an ERROR receipt schedules a retry of
 * the same channel, a STOP receipt deactivates the channel, an acceptance
 * acknowledges the contact (escalation.c decides what that stops).
 */
#include <string.h>

#include "internal.h"

enum { ES_CONTACT, ES_SENDER, ES_SUBJECT, ES_CONTENT, ES_PSUBJECT, ES_PCONTENT, ES_INCIDENT, ES_TOKEN,
       ES_COUNT };

/* ---------------------------------------------------------------- helpers */

static int get_engagement(siren_engine *e, siren_id id, sr_engagement **out) {
  if (id == 0 || id > e->rt.engagement_count)
    return sr_err(e, SIREN_ENOTFOUND, "no engagement %llu", (unsigned long long)id);
  *out = &SR_AT(e->rt.engagements, id - 1);
  return SIREN_OK;
}

static int get_page(siren_engine *e, siren_id id, sr_page **out) {
  if (id == 0 || id > e->rt.page_count)
    return sr_err(e, SIREN_ENOTFOUND, "no page %llu", (unsigned long long)id);
  *out = &SR_AT(e->rt.pages, id - 1);
  return SIREN_OK;
}

static int check_len(siren_engine *e, const char *what, const char *s, size_t min, size_t max) {
  size_t n = s ? strlen(s) : 0;
  if (n < min || n > max)
    return sr_err(e, SIREN_EINVAL, "%s must be %zu-%zu bytes", what, min, max);
  return SIREN_OK;
}

/* ------------------------------------------------------------- commands */

SIREN_EXTERN int siren_engagement_start(siren_id *id, siren_engine *e,
                                        const siren_engagement_params *p) {
  if (id) *id = 0;
  if (!id || !e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!p) return sr_err(e, SIREN_EINVAL, "params is NULL");
  if (p->version == 0 || p->version > SIREN_ENGAGEMENT_PARAMS_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_engagement_params version %u", p->version);
  uint32_t ci;
  if (!sr_contact_find(e, p->contact, &ci))
    return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", p->contact ? p->contact : "(null)");
  if ((rc = check_len(e, "sender", p->sender, 1, 255)) ||
      (rc = check_len(e, "subject", p->subject, 1, 2048)) ||
      (rc = check_len(e, "content", p->content, 1, 8192)) ||
      (rc = check_len(e, "public_subject", p->public_subject, 0, 2048)) ||
      (rc = check_len(e, "public_content", p->public_content, 0, 8192)) ||
      (rc = check_len(e, "incident_id", p->incident_id, 0, 1024)) ||
      (rc = check_len(e, "idempotency_token", p->idempotency_token, 0, 2048)))
    return rc;
  uint32_t prior;
  if (p->idempotency_token && *p->idempotency_token &&
      sr_map_get(&e->rt.tokens, p->idempotency_token, &prior)) {
    *id = (siren_id)prior + 1;
    return sr_end(e, SIREN_OK);
  }
  sr_rec r;
  sr_rec_init(&r, SR_REC_ENGAGEMENT_START);
  r.time = e->now;
  const char *s[ES_COUNT] = {p->contact, p->sender, p->subject, p->content, p->public_subject,
                             p->public_content, p->incident_id, p->idempotency_token};
  for (int i = 0; i < ES_COUNT; i++) sr_rec_str(&e->mem, &r, s[i]);
  rc = sr_exec(e, &r);
  if (rc == SIREN_OK) *id = (siren_id)e->rt.engagement_count;
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_engagement_stop(siren_engine *e, siren_id engagement, const char *reason) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_engagement *en = NULL;
  if ((rc = get_engagement(e, engagement, &en))) return rc;
  if (en->state != SIREN_ENGAGEMENT_ACTIVE)
    return sr_err(e, SIREN_ESTATE, "engagement %llu has already %s", (unsigned long long)engagement,
                  en->state == SIREN_ENGAGEMENT_STOPPED ? "stopped" : "completed");
  if ((rc = check_len(e, "reason", reason, 0, 255))) return rc;
  sr_rec r;
  sr_rec_init(&r, SR_REC_ENGAGEMENT_STOP);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)engagement);
  sr_rec_str(&e->mem, &r, reason);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_page_receipt(siren_engine *e, siren_id page, siren_receipt_type type,
                                    const char *info) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_page *pg = NULL;
  if ((rc = get_page(e, page, &pg))) return rc;
  if (type < SIREN_RECEIPT_SENT || type > SIREN_RECEIPT_STOP)
    return sr_err(e, SIREN_EINVAL, "unknown receipt type %d", (int)type);
  if ((rc = check_len(e, "receipt info", info, 0, 2048))) return rc;
  sr_rec r;
  sr_rec_init(&r, SR_REC_RECEIPT);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)page);
  sr_rec_int(&e->mem, &r, type);
  sr_rec_str(&e->mem, &r, info);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_page_accept(siren_engine *e, siren_id page, siren_accept_type type,
                                   const char *code, siren_accept_validation validation,
                                   const char *note) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_page *pg = NULL;
  if ((rc = get_page(e, page, &pg))) return rc;
  if (type != SIREN_ACCEPT_DELIVERED && type != SIREN_ACCEPT_READ)
    return sr_err(e, SIREN_EINVAL, "unknown accept type %d", (int)type);
  if (validation != SIREN_ACCEPT_ENFORCE && validation != SIREN_ACCEPT_IGNORE)
    return sr_err(e, SIREN_EINVAL, "unknown accept code validation %d", (int)validation);
  if ((rc = check_len(e, "note", note, 0, 2048))) return rc;
  if (pg->is_accepted)
    return sr_err(e, SIREN_ESTATE, "page %llu was already accepted", (unsigned long long)page);
  if (validation == SIREN_ACCEPT_ENFORCE && (!code || !sr_code_equal(pg->code, code)))
    return sr_err(e, SIREN_EDENIED, "wrong accept code for page %llu", (unsigned long long)page);
  sr_rec r;
  sr_rec_init(&r, SR_REC_ACCEPT);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)page);
  sr_rec_int(&e->mem, &r, type);
  sr_rec_str(&e->mem, &r, note);
  return sr_end(e, sr_exec(e, &r));
}

/* -------------------------------------------------------- prepare/commit */

/* The page or engagement named by a record's first integer (1-based). */
static int rec_ref(const sr_rec *r, size_t count, uint32_t *out) {
  if (r->int_count < 1 || r->ints[0] < 1 || (uint64_t)r->ints[0] > count) return SIREN_ECORRUPT;
  *out = (uint32_t)(r->ints[0] - 1);
  return SIREN_OK;
}

/* Prepares the page's sr_page_x with room for extra more receipts: a copy of
 * the current one (its note and receipt infos move over with the pointers),
 * or a zeroed one. */
static int prep_page_x(siren_engine *e, const sr_page *pg, uint32_t extra) {
  uint32_t n = pg->x ? pg->x->receipt_count : 0;
  if (n > UINT32_MAX - extra) return SIREN_ECORRUPT;
  size_t have = sizeof(sr_page_x) + (size_t)n * sizeof(sr_receipt);
  sr_page_x *x = sr_alloc(&e->mem, have + (size_t)extra * sizeof(sr_receipt));
  if (!x) return SIREN_ENOMEM;
  if (pg->x)
    memcpy(x, pg->x, have);
  else
    memset(x, 0, sizeof *x);
  return sr_prep_keep(e, x);
}

int sr_engagement_prepare(siren_engine *e, sr_rec *r) {
  sr_runtime *rt = &e->rt;
  uint32_t i;
  switch (r->type) {
  case SR_REC_ENGAGEMENT_START: {
    if (r->str_count != ES_COUNT) return SIREN_ECORRUPT;
    uint32_t ci;
    if (!sr_contact_find(e, r->strs[ES_CONTACT].p, &ci))
      return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", r->strs[ES_CONTACT].p);
    size_t runs = 0, pages = 0;
    sr_start_cost(e, ci, 0, &runs, &pages);
    if (sr_chunks_grow(&e->mem, (void ***)&rt->engagements, &rt->engagement_cap,
                rt->engagement_count + 1, sizeof(sr_engagement)) ||
        sr_map_reserve(&e->mem, &rt->tokens, 1) || sr_runtime_reserve(e, runs, pages))
      return SIREN_ENOMEM;
    return sr_prep_keep(e, sr_pack(&e->mem, &r->strs[ES_SENDER], ES_COUNT - ES_SENDER));
  }
  case SR_REC_ENGAGEMENT_STOP:
    if (rec_ref(r, rt->engagement_count, &i) || r->str_count != 1) return SIREN_ECORRUPT;
    return sr_prep_str(e, &r->strs[0]);
  case SR_REC_RECEIPT: {
    if (rec_ref(r, rt->page_count, &i) || r->int_count != 2 || r->str_count != 1)
      return SIREN_ECORRUPT;
    const sr_page *pg = &SR_AT(rt->pages, i);
    if (sr_timer_reserve(e, 1)) return SIREN_ENOMEM;
    if (r->strs[0].n && sr_prep_str(e, &r->strs[0])) return SIREN_ENOMEM;
    return prep_page_x(e, pg, 1);
  }
  case SR_REC_ACCEPT:
    /* The API refuses a second acceptance; a stream that holds one is damaged. */
    if (rec_ref(r, rt->page_count, &i) || r->str_count != 1 || SR_AT(rt->pages, i).is_accepted)
      return SIREN_ECORRUPT;
    /* Timeline: the acceptance and completions; an acknowledgement timeout. */
    if (sr_tl_reserve(e, 2 + SR_AT(rt->engagements, SR_AT(rt->pages, i).engagement).live_runs) ||
        sr_timer_reserve(e, 1))
      return SIREN_ENOMEM;
    if (r->strs[0].n && sr_prep_str(e, &r->strs[0])) return SIREN_ENOMEM;
    return SR_AT(rt->pages, i).x ? SIREN_OK : prep_page_x(e, &SR_AT(rt->pages, i), 0);
  case SR_REC_TIMER: {
    if (r->int_count != 3) return SIREN_ECORRUPT;
    size_t runs = 0, pages = 0;
    if (r->ints[0] == SR_TIMER_STAGE) {
      if (r->ints[1] < 0 || (uint64_t)r->ints[1] >= rt->run_count) return SIREN_ECORRUPT;
      const sr_run *ru = &SR_AT(rt->runs, r->ints[1]);
      uint32_t next = ru->stage + 1 < ru->plan->stage_count ? ru->stage + 1 : 0;
      sr_stage_cost(e, ru->plan, e->contacts[ru->contact].type == SIREN_CONTACT_PERSONAL, next,
                    ru->depth, &runs, &pages);
    } else if (r->ints[0] == SR_TIMER_RETRY) {
      if (r->ints[1] < 0 || (uint64_t)r->ints[1] >= rt->page_count) return SIREN_ECORRUPT;
      pages = 1;
    } else if (r->ints[0] == SR_TIMER_SHIFT || r->ints[0] == SR_TIMER_ONCALL) {
      return sr_rotation_timer_prepare(e, r);
    } else {
      return sr_incident_timer_prepare(e, r);
    }
    return sr_runtime_reserve(e, runs, pages);
  }
  default:
    return SIREN_ECORRUPT;
  }
}

static void unlink_failed(sr_runtime *rt, uint32_t page) {
  uint32_t prev = SR_NONE;
  for (uint32_t i = rt->failed_head; i != SR_NONE; prev = i, i = SR_AT(rt->pages, i).next_failed) {
    if (i != page) continue;
    if (prev == SR_NONE)
      rt->failed_head = SR_AT(rt->pages, i).next_failed;
    else
      SR_AT(rt->pages, prev).next_failed = SR_AT(rt->pages, i).next_failed;
    if (rt->failed_tail == i) rt->failed_tail = prev;
    SR_AT(rt->pages, i).failed_queued = 0;
    return;
  }
}

static void page_event(siren_engine *e, siren_event *ev, siren_event_type type, int64_t t,
                       uint32_t page) {
  const sr_page *pg = &SR_AT(e->rt.pages, page);
  const sr_channel *ch = &e->channels[pg->channel];
  sr_event_init(ev, type, t);
  ev->engagement = (uint64_t)pg->engagement + 1;
  ev->page = (uint64_t)page + 1;
  ev->contact = e->contacts[SR_PAGE_CONTACT(e, pg)].alias;
  ev->channel = ch->name;
  ev->channel_type = ch->type;
  ev->stage = (int32_t)pg->stage;
  ev->essential = SR_AT(e->rt.runs, pg->run).essential;
  ev->incident_id = SR_AT(e->rt.engagements, pg->engagement).strs[EN_INCIDENT];
  ev->incident = SR_AT(e->rt.engagements, pg->engagement).incident_ix;
}

static void commit_receipt(siren_engine *e, sr_rec *r, uint32_t i) {
  sr_runtime *rt = &e->rt;
  sr_page *pg = &SR_AT(rt->pages, i);
  uint8_t type = (uint8_t)r->ints[1];
  char *info = r->strs[0].n ? sr_prep_take(e, 0) : NULL;
  /* The prepared copy, with room for this receipt, replaces the old. */
  sr_page_x *x = sr_prep_take(e, r->strs[0].n ? 1 : 0);
  sr_free(&e->mem, pg->x);
  pg->x = x;
  sr_receipt *rc = &x->receipts[x->receipt_count++];
  rc->type = type;
  rc->time = r->time;
  rc->info = info;
  if (pg->failed_queued) unlink_failed(rt, i);
  if (type == SIREN_RECEIPT_DELIVERED && !x->delivered) x->delivered = r->time;
  if (type == SIREN_RECEIPT_READ && !x->read) x->read = r->time;
  siren_event ev;
  page_event(e, &ev, SIREN_EVENT_PAGE_RECEIPT, r->time, i);
  ev.reason = siren_receipt_type_name((siren_receipt_type)type);
  sr_emit(e, &ev);
  const sr_run *ru = &SR_AT(rt->runs, pg->run);
  sr_channel *ch = &e->channels[pg->channel];
  if (type == SIREN_RECEIPT_ERROR && ru->state == SR_RUN_ACTIVE && pg->retry_minutes > 0 &&
      !pg->retry_pending && !pg->is_accepted) {
    pg->retry_pending = 1;
    sr_timer_push(e, r->time + (int64_t)pg->retry_minutes * SR_MINUTE_MS, SR_TIMER_RETRY, i, 0);
  } else if (type == SIREN_RECEIPT_STOP && ch->activated) {
    ch->activated = SIREN_NOT_ACTIVATED;
    sr_event_init(&ev, SIREN_EVENT_CHANNEL_DEACTIVATED, r->time);
    ev.contact = e->contacts[ch->contact].alias;
    ev.channel = ch->name;
    ev.channel_type = ch->type;
    ev.reason = "STOP receipt";
    sr_emit(e, &ev);
  }
}

uint32_t sr_engagement_open(siren_engine *e, sr_rec *r, uint32_t ci, char **strs,
                            uint32_t incident) {
  /* strs is the pack: its pointers lead the allocation. */
  sr_runtime *rt = &e->rt;
  uint32_t i = (uint32_t)rt->engagement_count++;
  sr_engagement *en = &SR_AT(rt->engagements, i);
  memset(en, 0, sizeof *en);
  en->contact = ci;
  en->strs = strs;
  en->state = SIREN_ENGAGEMENT_ACTIVE;
  en->start = r->time;
  en->newest_page = en->first_run = en->last_run = SR_NONE;
  en->next_in_incident = SR_NONE;
  en->incident_ix = incident;
  if (en->strs[EN_TOKEN][0]) sr_map_put(&rt->tokens, en->strs[EN_TOKEN], i);
  if (SR_EVENTS_ON(e)) {
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_ENGAGEMENT_STARTED, r->time);
    ev.engagement = (uint64_t)i + 1;
    ev.contact = e->contacts[ci].alias;
    ev.incident_id = en->strs[EN_INCIDENT];
    ev.incident = incident;
    sr_emit(e, &ev);
  }
  en->root = sr_run_start(e, r, i, ci, SR_NONE, -1, 0);
  return i;
}

void sr_engagement_commit(siren_engine *e, sr_rec *r) {
  sr_runtime *rt = &e->rt;
  uint32_t i = 0;
  switch (r->type) {
  case SR_REC_ENGAGEMENT_START: {
    uint32_t ci = 0;
    sr_contact_find(e, r->strs[ES_CONTACT].p, &ci);
    sr_engagement_open(e, r, ci, sr_prep_take(e, 0), 0);
    break;
  }
  case SR_REC_ENGAGEMENT_STOP: {
    rec_ref(r, rt->engagement_count, &i);
    sr_engagement *en = &SR_AT(rt->engagements, i);
    en->state = SIREN_ENGAGEMENT_STOPPED;
    en->stop = r->time;
    en->stop_reason = sr_prep_take(e, 0);
    sr_run_stop(e, en->root, r->time);
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_ENGAGEMENT_STOPPED, r->time);
    ev.engagement = (uint64_t)i + 1;
    ev.contact = e->contacts[en->contact].alias;
    ev.reason = en->stop_reason;
    ev.incident_id = en->strs[EN_INCIDENT];
    sr_emit(e, &ev);
    break;
  }
  case SR_REC_RECEIPT:
    rec_ref(r, rt->page_count, &i);
    commit_receipt(e, r, i);
    break;
  case SR_REC_ACCEPT: {
    rec_ref(r, rt->page_count, &i);
    sr_page *pg = &SR_AT(rt->pages, i);
    char *note = r->strs[0].n ? sr_prep_take(e, 0) : NULL;
    if (!pg->x) pg->x = sr_prep_take(e, r->strs[0].n ? 1 : 0);
    pg->is_accepted = 1;
    pg->x->accepted = r->time;
    pg->x->note = note;
    pg->retry_pending = 0;
    siren_event ev;
    page_event(e, &ev, SIREN_EVENT_PAGE_ACCEPTED, r->time, i);
    ev.reason = r->ints[1] == SIREN_ACCEPT_READ ? "READ" : "DELIVERED";
    sr_emit(e, &ev);
    int was = SR_AT(rt->engagements, pg->engagement).acknowledged;
    sr_incident_on_accept(e, r, i, -1); /* on the timeline before what it stops */
    sr_page_accepted(e, r, i);
    sr_incident_on_accept(e, r, i, was);
    break;
  }
  case SR_REC_TIMER: {
    /* Pop the timer this record fired: it is the valid top of the heap. */
    const sr_timer *t = sr_timer_peek(e);
    if (t && sr_timer_kind(t) == r->ints[0] && t->ref == (uint32_t)r->ints[1]) sr_timer_pop(e);
    if (r->ints[0] == SR_TIMER_STAGE)
      sr_run_timer(e, r, (uint32_t)r->ints[1]);
    else if (r->ints[0] == SR_TIMER_RETRY)
      sr_page_retry_fire(e, r, (uint32_t)r->ints[1]);
    else if (r->ints[0] == SR_TIMER_SHIFT || r->ints[0] == SR_TIMER_ONCALL)
      sr_rotation_timer_fire(e, r);
    else
      sr_incident_timer_fire(e, r);
    break;
  }
  default:
    break;
  }
}

void sr_runtime_free(siren_engine *e, sr_runtime *rt) {
  for (size_t i = 0; i < rt->engagement_count; i++) {
    sr_engagement *en = &SR_AT(rt->engagements, i);
    sr_free(&e->mem, en->strs);
    sr_free(&e->mem, en->stop_reason);
  }
  for (size_t i = 0; i < rt->run_count; i++) sr_plan_release(e, SR_AT(rt->runs, i).plan);
  for (size_t i = 0; i < rt->page_count; i++) {
    sr_page_x *x = SR_AT(rt->pages, i).x;
    if (!x) continue;
    for (size_t k = 0; k < x->receipt_count; k++) sr_free(&e->mem, x->receipts[k].info);
    sr_free(&e->mem, x->note);
    sr_free(&e->mem, x);
  }
  sr_chunks_free(&e->mem, (void **)rt->engagements, rt->engagement_cap);
  sr_chunks_free(&e->mem, (void **)rt->runs, rt->run_cap);
  sr_chunks_free(&e->mem, (void **)rt->pages, rt->page_cap);
  sr_free(&e->mem, rt->heap);
  sr_free(&e->mem, rt->resol);
  sr_map_free(&e->mem, &rt->tokens);
  memset(rt, 0, sizeof *rt);
}

/* --------------------------------------------------------------- queries */

SIREN_EXTERN int siren_engagement_get(siren_engagement_info *out, siren_engine *e,
                                      siren_id engagement) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_ENGAGEMENT_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_engagement_info version %u", out->version);
  sr_engagement *en = NULL;
  if ((rc = get_engagement(e, engagement, &en))) return rc;
  out->id = engagement;
  out->contact = e->contacts[en->contact].alias;
  out->sender = en->strs[EN_SENDER];
  out->subject = en->strs[EN_SUBJECT];
  out->content = en->strs[EN_CONTENT];
  out->public_subject = en->strs[EN_PSUBJECT];
  out->public_content = en->strs[EN_PCONTENT];
  out->incident_id = en->strs[EN_INCIDENT];
  out->state = (siren_engagement_state)en->state;
  out->acknowledged = en->acknowledged;
  out->start_time = en->start;
  out->stop_time = en->stop;
  out->stop_reason = en->stop_reason ? en->stop_reason : "";
  out->page_count = en->page_count;
  return SIREN_OK;
}

SIREN_EXTERN int siren_page_get(siren_page_info *out, siren_engine *e, siren_id page) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_PAGE_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_page_info version %u", out->version);
  sr_page *pg = NULL;
  if ((rc = get_page(e, page, &pg))) return rc;
  const sr_run *ru = &SR_AT(e->rt.runs, pg->run);
  const sr_channel *ch = &e->channels[pg->channel];
  out->id = page;
  out->engagement = (uint64_t)pg->engagement + 1;
  out->retry_of = pg->retry_of;
  out->contact = e->contacts[SR_PAGE_CONTACT(e, pg)].alias;
  out->channel = ch->name;
  out->channel_type = ch->type;
  out->engaged_by = ru->parent == SR_NONE ? "" : e->contacts[SR_AT(e->rt.runs, ru->parent).contact].alias;
  out->escalation_stage = ru->parent == SR_NONE ? -1 : ru->parent_stage;
  out->stage = pg->stage;
  out->essential = ru->essential;
  out->sent_time = pg->sent;
  const sr_page_x *x = pg->x;
  out->delivered_time = x ? x->delivered : 0;
  out->read_time = x ? x->read : 0;
  out->accepted_time = x && pg->is_accepted ? x->accepted : 0;
  out->accept_note = x && x->note ? x->note : "";
  out->receipt_count = x ? x->receipt_count : 0;
  return SIREN_OK;
}

SIREN_EXTERN int siren_page_receipt_at(siren_receipt_info *out, siren_engine *e, siren_id page,
                                       uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_RECEIPT_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_receipt_info version %u", out->version);
  sr_page *pg = NULL;
  if ((rc = get_page(e, page, &pg))) return rc;
  if (!pg->x || i >= pg->x->receipt_count)
    return sr_err(e, SIREN_ENOTFOUND, "page has no receipt %u", i);
  const sr_receipt *got = &pg->x->receipts[i];
  out->type = (siren_receipt_type)got->type;
  out->time = got->time;
  out->info = got->info ? got->info : "";
  return SIREN_OK;
}

static int list_start(siren_id *ids, size_t cap, size_t *total, siren_engine *e) {
  if (!total || !e || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  return sr_query(e);
}

SIREN_EXTERN int siren_engagement_pages(siren_id *ids, size_t cap, size_t *total, siren_engine *e,
                                        siren_id engagement) {
  int rc = list_start(ids, cap, total, e);
  if (rc) return rc;
  sr_engagement *en = NULL;
  if ((rc = get_engagement(e, engagement, &en))) return rc;
  /* Newest first in the list; listed oldest first. */
  size_t k = en->page_count;
  for (uint32_t p = en->newest_page; p != SR_NONE; p = SR_AT(e->rt.pages, p).next_in_engagement)
    if (--k < cap) ids[k] = (siren_id)p + 1;
  *total = en->page_count;
  return SIREN_OK;
}

SIREN_EXTERN int siren_contact_pages(siren_id *ids, size_t cap, size_t *total, siren_engine *e,
                                     const char *contact) {
  int rc = list_start(ids, cap, total, e);
  if (rc) return rc;
  const sr_contact *c = sr_contact_find(e, contact, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", contact ? contact : "(null)");
  size_t n = 0;
  for (uint32_t p = c->first_page; p != SR_NONE; p = SR_AT(e->rt.pages, p).next_in_contact, n++)
    if (n < cap) ids[n] = (siren_id)p + 1;
  *total = n;
  return SIREN_OK;
}

SIREN_EXTERN int siren_engagements(siren_id *ids, size_t cap, size_t *total, siren_engine *e) {
  int rc = list_start(ids, cap, total, e);
  if (rc) return rc;
  size_t n = e->rt.engagement_count;
  for (size_t i = 0; i < n && i < cap; i++) ids[i] = (siren_id)i + 1;
  *total = n;
  return SIREN_OK;
}

/* ---------------------------------------------------------------- preview */

SIREN_EXTERN int siren_engagement_preview(siren_preview_page *out, size_t cap, size_t *total,
                                          siren_engine *e, const char *contact,
                                          const siren_preview_ack *acks, size_t ack_count) {
  if (!total || !e || (cap && !out) || (ack_count && !acks)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  uint32_t ci;
  if (!sr_contact_find(e, contact, &ci))
    return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", contact ? contact : "(null)");
  for (size_t i = 0; i < cap; i++)
    if (out[i].version == 0 || out[i].version > SIREN_PREVIEW_PAGE_VERSION)
      return sr_err(e, SIREN_EVERSION, "out[%zu]: siren_preview_page version %u", i, out[i].version);
  uint32_t *ack_contact = NULL;
  if (ack_count) {
    ack_contact = sr_calloc(&e->mem, ack_count, sizeof *ack_contact);
    if (!ack_contact) return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < ack_count; i++) {
    if (acks[i].version == 0 || acks[i].version > SIREN_PREVIEW_ACK_VERSION) {
      sr_free(&e->mem, ack_contact);
      return sr_err(e, SIREN_EVERSION, "acks[%zu]: version %u", i, acks[i].version);
    }
    if (!sr_contact_find(e, acks[i].contact, &ack_contact[i])) {
      sr_free(&e->mem, ack_contact);
      return sr_err(e, SIREN_ENOTFOUND, "acks[%zu]: no contact \"%s\"", i,
                    acks[i].contact ? acks[i].contact : "(null)");
    }
  }

  /* Swap in a scratch runtime and run the real scheduling code on it, with
   * storage and callbacks off. Contacts' live_runs are restored afterwards. */
  sr_runtime saved = e->rt;
  memset(&e->rt, 0, sizeof e->rt);
  e->rt.failed_head = e->rt.failed_tail = SR_NONE;
  int64_t saved_now = e->now;
  uint64_t saved_seq = e->seq;
  uint32_t *saved_live = sr_calloc(&e->mem, e->contact_count ? e->contact_count : 1, sizeof(uint32_t));
  if (!saved_live) {
    e->rt = saved;
    sr_free(&e->mem, ack_contact);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < e->contact_count; i++) {
    saved_live[i] = e->contacts[i].live_runs;
    e->contacts[i].live_runs = 0;
  }
  uint32_t *saved_pages = sr_calloc(&e->mem, e->contact_count ? e->contact_count * 2 : 2, sizeof(uint32_t));
  if (!saved_pages) {
    rc = SIREN_ENOMEM;
    goto restore;
  }
  for (size_t i = 0; i < e->contact_count; i++) {
    saved_pages[2 * i] = e->contacts[i].first_page;
    saved_pages[2 * i + 1] = e->contacts[i].last_page;
    e->contacts[i].first_page = e->contacts[i].last_page = SR_NONE;
  }
  e->quiet = 1;
  e->preview_out = out;
  e->preview_cap = cap;
  e->preview_total = 0;
  e->preview_origin = saved_now == INT64_MIN ? 0 : saved_now;
  e->now = e->preview_origin;

  sr_rec r;
  sr_rec_init(&r, SR_REC_ENGAGEMENT_START);
  r.time = e->now;
  const char *s[ES_COUNT] = {contact, "preview", "preview", "preview", "", "", "", ""};
  for (int i = 0; i < ES_COUNT; i++) sr_rec_str(&e->mem, &r, s[i]);
  rc = sr_exec(e, &r);
  /* Acknowledgements in time order; timers due at the same instant fire first,
   * as they would for a host that advances before it reports. */
  uint8_t *done = rc ? NULL : sr_calloc(&e->mem, ack_count ? ack_count : 1, 1);
  if (!rc && !done) rc = SIREN_ENOMEM;
  while (!rc) {
    size_t next = SIZE_MAX;
    for (size_t i = 0; i < ack_count; i++)
      if (!done[i] && (next == SIZE_MAX || acks[i].after_minutes < acks[next].after_minutes))
        next = i;
    int64_t until = next == SIZE_MAX ? INT64_MAX
                                     : e->preview_origin + (int64_t)acks[next].after_minutes * SR_MINUTE_MS;
    rc = sr_fire_due(e, until, NULL);
    if (rc || next == SIZE_MAX) break;
    done[next] = 1;
    e->now = until;
    /* The contact's page list is the scratch runtime's during a preview. */
    uint32_t p = e->contacts[ack_contact[next]].last_page;
    if (p == SR_NONE || SR_AT(e->rt.pages, p).is_accepted || SR_AT(e->rt.engagements, 0).state != SIREN_ENGAGEMENT_ACTIVE)
      continue;
    sr_rec a;
    sr_rec_init(&a, SR_REC_ACCEPT);
    a.time = until;
    sr_rec_int(&e->mem, &a, (int64_t)p + 1);
    sr_rec_int(&e->mem, &a, SIREN_ACCEPT_DELIVERED);
    sr_rec_str(&e->mem, &a, "");
    rc = sr_exec(e, &a);
  }
  sr_free(&e->mem, done);
  *total = e->preview_total;
  sr_runtime_free(e, &e->rt);
  for (size_t i = 0; i < e->contact_count; i++) {
    e->contacts[i].first_page = saved_pages[2 * i];
    e->contacts[i].last_page = saved_pages[2 * i + 1];
  }
restore:
  for (size_t i = 0; i < e->contact_count; i++) e->contacts[i].live_runs = saved_live[i];
  sr_free(&e->mem, saved_live);
  sr_free(&e->mem, saved_pages);
  sr_free(&e->mem, ack_contact);
  e->rt = saved;
  e->now = saved_now;
  e->seq = saved_seq;
  e->quiet = 0;
  e->preview_out = NULL;
  e->preview_cap = 0;
  if (rc) {
    *total = 0;
    return sr_err(e, rc, "preview failed: %s", siren_strerror(rc));
  }
  return SIREN_OK;
}
