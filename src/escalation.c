/*
 * Plan runs: the state machine that walks a contact's plan within an
 * engagement, and the pages it sends.
 *
 *   ACTIVE --stage timer, more stages-------> ACTIVE (next stage)
 *   ACTIVE --stage timer, last stage, repeats left--> ACTIVE (stage 0 again)
 *   ACTIVE --stage timer, last stage---------> DONE (ran out)
 *   ACTIVE --acceptance / stop---------------> STOPPED
 *
 * A PERSONAL run sends one page per channel target as each stage starts. An
 * ESCALATION run starts one child run per target contact as each stage
 * starts. When a child's contact accepts and the child is an essential target,
 * the parent run is acknowledged: it stops together with all its descendants,
 * and the acknowledgement moves up if the parent is itself essential. An
 * engagement completes when its last active run finishes.
 */
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------------ cost */

void sr_stage_cost(const siren_engine *e, const sr_plan *plan, uint8_t personal, uint32_t s,
                   uint32_t depth, size_t *runs, size_t *pages) {
  if (s >= plan->stage_count) return;
  const sr_stage *st = &plan->stages[s];
  if (personal) {
    *pages += st->target_count;
    return;
  }
  for (uint32_t t = 0; t < st->target_count; t++)
    sr_start_cost(e, st->targets[t].ref, depth + 1, runs, pages);
}

void sr_start_cost(const siren_engine *e, uint32_t contact, uint32_t depth, size_t *runs,
                   size_t *pages) {
  if (depth > SR_MAX_DEPTH) return;
  const sr_contact *c = &e->contacts[contact];
  if (c->type == SIREN_CONTACT_ONCALL_SCHEDULE) {
    sr_schedule_cost(e, contact, depth, runs, pages);
    return;
  }
  *runs += 1;
  sr_stage_cost(e, c->plan, c->type == SIREN_CONTACT_PERSONAL, 0, depth, runs, pages);
}

int sr_runtime_reserve(siren_engine *e, size_t runs, size_t pages) {
  sr_runtime *rt = &e->rt;
  if (sr_chunks_grow(&e->mem, (void ***)&rt->runs, &rt->run_cap, rt->run_count + runs, sizeof(sr_run)) ||
      sr_chunks_grow(&e->mem, (void ***)&rt->pages, &rt->page_cap, rt->page_count + pages,
              sizeof(sr_page)) ||
      (e->rots && sr_grow(&e->mem, (void **)&rt->resol, &rt->resol_cap, rt->resol_count + runs,
                          sizeof(sr_resol))))
    return SIREN_ENOMEM;
  /* Timeline events of an incident's engagement: a page or a stage each,
   * and a completion. */
  if (sr_tl_reserve(e, runs + pages + 2)) return SIREN_ENOMEM;
  /* One stage timer per run, plus the timer of the run whose stage fired. */
  return sr_timer_reserve(e, runs + 1);
}

/* ----------------------------------------------------------------- pages */

static void send_page(siren_engine *e, sr_rec *r, uint32_t run, uint32_t channel,
                      uint32_t retry_minutes, uint32_t stage, uint32_t retry_of) {
  sr_runtime *rt = &e->rt;
  sr_run *ru = &SR_AT(rt->runs, run);
  sr_engagement *en = &SR_AT(rt->engagements, ru->engagement);
  sr_channel *ch = &e->channels[channel];
  sr_contact *c = &e->contacts[ru->contact];
  if (ch->deleted || !ch->activated) {
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_CHANNEL_SKIPPED, r->time);
    ev.engagement = ru->engagement + 1;
    ev.contact = c->alias;
    ev.channel = ch->name;
    ev.channel_type = ch->type;
    ev.stage = (int32_t)stage;
    ev.incident_id = en->strs[EN_INCIDENT];
    ev.reason = ch->deleted ? "channel deleted" : "not activated";
    sr_emit(e, &ev);
    return;
  }
  uint32_t pi = (uint32_t)rt->page_count++;
  sr_page *pg = &SR_AT(rt->pages, pi);
  memset(pg, 0, sizeof *pg);
  pg->engagement = ru->engagement;
  pg->run = run;
  pg->channel = channel;
  pg->stage = (uint16_t)stage;
  pg->retry_minutes = (uint8_t)retry_minutes;
  pg->retry_of = retry_of == SR_NONE ? 0 : retry_of + 1;
  pg->sent = r->time;
  pg->next_in_contact = pg->next_failed = SR_NONE;
  sr_code(e, r, pg->code);
  pg->next_in_engagement = en->newest_page;
  en->newest_page = pi;
  en->page_count++;
  if (c->last_page == SR_NONE)
    c->first_page = pi;
  else
    SR_AT(rt->pages, c->last_page).next_in_contact = pi;
  c->last_page = pi;

  if (e->quiet) {
    if (e->preview_total < e->preview_cap) {
      siren_preview_page *out = &e->preview_out[e->preview_total];
      const sr_run *parent = ru->parent == SR_NONE ? NULL : &SR_AT(rt->runs, ru->parent);
      out->offset_ms = r->time - e->preview_origin;
      out->contact = c->alias;
      out->channel = ch->name;
      out->channel_type = ch->type;
      out->engaged_by = parent ? e->contacts[parent->contact].alias : "";
      out->escalation_stage = parent ? ru->parent_stage : -1;
      out->stage = stage;
    }
    e->preview_total++;
    return;
  }

  if (SR_EVENTS_ON(e)) {
    siren_event ev;
    if (retry_of != SR_NONE) {
      sr_event_init(&ev, SIREN_EVENT_PAGE_RETRY, r->time);
      ev.engagement = ru->engagement + 1;
      ev.page = (uint64_t)pi + 1;
      ev.related = (uint64_t)retry_of + 1;
      ev.contact = c->alias;
      ev.channel = ch->name;
      ev.channel_type = ch->type;
      ev.stage = (int32_t)stage;
      ev.incident_id = en->strs[EN_INCIDENT];
      sr_emit(e, &ev);
    }
    sr_event_init(&ev, SIREN_EVENT_PAGE_SENT, r->time);
    ev.engagement = ru->engagement + 1;
    ev.page = (uint64_t)pi + 1;
    ev.related = pg->retry_of;
    ev.contact = c->alias;
    ev.channel = ch->name;
    ev.channel_type = ch->type;
    ev.stage = (int32_t)stage;
    ev.essential = ru->essential;
    ev.incident_id = en->strs[EN_INCIDENT];
    sr_emit(e, &ev);
  }

  sr_page_announce(e, pi, r->time);
  sr_incident_on_page(e, r, pi);
}

void sr_page_announce(siren_engine *e, uint32_t pi, int64_t t) {
  const sr_runtime *rt = &e->rt;
  const sr_page *pg = &SR_AT(rt->pages, pi);
  const sr_engagement *en = &SR_AT(rt->engagements, pg->engagement);
  const sr_channel *ch = &e->channels[pg->channel];
  int sms = ch->kind == SR_CH_SMS;
  siren_notification n;
  memset(&n, 0, sizeof n);
  n.version = SIREN_NOTIFICATION_VERSION;
  n.kind = SIREN_NOTIFY_PAGE;
  n.time = t;
  n.page = (uint64_t)pi + 1;
  n.engagement = (uint64_t)pg->engagement + 1;
  n.retry_of = pg->retry_of;
  n.contact = e->contacts[SR_PAGE_CONTACT(e, pg)].alias;
  n.channel = ch->name;
  n.channel_type = ch->type;
  n.address = ch->address;
  n.sender = en->strs[EN_SENDER];
  n.subject = sms && en->strs[EN_PSUBJECT][0] ? en->strs[EN_PSUBJECT] : en->strs[EN_SUBJECT];
  n.content = sms && en->strs[EN_PCONTENT][0] ? en->strs[EN_PCONTENT] : en->strs[EN_CONTENT];
  n.incident_id = en->strs[EN_INCIDENT];
  n.code = pg->code;
  n.stage = pg->stage;
  n.incident = en->incident_ix;
  n.text = n.message = "";
  sr_notify(e, &n, pi);
}

void sr_page_retry_fire(siren_engine *e, sr_rec *r, uint32_t page) {
  sr_page *pg = &SR_AT(e->rt.pages, page);
  pg->retry_pending = 0;
  send_page(e, r, pg->run, pg->channel, pg->retry_minutes, pg->stage, page);
}

/* ------------------------------------------------------------------ runs */

static void finish_run(siren_engine *e, uint32_t run, uint8_t state, int64_t t) {
  sr_runtime *rt = &e->rt;
  sr_run *ru = &SR_AT(rt->runs, run);
  if (ru->state != SR_RUN_ACTIVE) return;
  ru->state = state;
  ru->gen++;
  e->contacts[ru->contact].live_runs--;
  sr_engagement *en = &SR_AT(rt->engagements, ru->engagement);
  if (--en->live_runs == 0 && en->state == SIREN_ENGAGEMENT_ACTIVE) {
    en->state = SIREN_ENGAGEMENT_COMPLETED;
    en->stop = t;
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_ENGAGEMENT_COMPLETED, t);
    ev.engagement = ru->engagement + 1;
    ev.contact = e->contacts[en->contact].alias;
    ev.incident_id = en->strs[EN_INCIDENT];
    ev.acknowledged = en->acknowledged;
    ev.incident = en->incident_ix;
    sr_emit(e, &ev);
    sr_incident_on_complete(e, t, ru->engagement);
  }
}

void sr_run_finish(siren_engine *e, uint32_t run, int64_t t) {
  finish_run(e, run, SR_RUN_DONE, t);
}

void sr_run_stop(siren_engine *e, uint32_t run, int64_t t) {
  /* Children first, so that the run itself finishes last and an engagement
   * completes only when everything under it has stopped. */
  for (uint32_t c = SR_AT(e->rt.runs, run).first_child; c != SR_NONE; c = SR_AT(e->rt.runs, c).next_sibling)
    sr_run_stop(e, c, t);
  finish_run(e, run, SR_RUN_STOPPED, t);
}

static void start_stage(siren_engine *e, sr_rec *r, uint32_t run, uint32_t s) {
  sr_runtime *rt = &e->rt;
  sr_run *ru = &SR_AT(rt->runs, run);
  const sr_plan *plan = ru->plan;
  const sr_stage *st = &plan->stages[s];
  const sr_contact *c = &e->contacts[ru->contact];
  ru->stage = s;
  ru->stage_start = r->time;
  if (SR_EVENTS_ON(e)) {
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_STAGE_STARTED, r->time);
    ev.engagement = ru->engagement + 1;
    ev.contact = c->alias;
    ev.stage = (int32_t)s;
    ev.incident_id = SR_AT(rt->engagements, ru->engagement).strs[EN_INCIDENT];
    ev.incident = SR_AT(rt->engagements, ru->engagement).incident_ix;
    sr_emit(e, &ev);
  }
  if (ru->parent == SR_NONE && (s > 0 || ru->loop > 0)) sr_incident_on_escalate(e, r, run);
  sr_timer_push(e, r->time + (int64_t)st->duration_minutes * SR_MINUTE_MS, SR_TIMER_STAGE, run,
                ru->gen);
  uint8_t personal = c->type == SIREN_CONTACT_PERSONAL;
  for (uint32_t t = 0; t < st->target_count; t++) {
    const sr_target *tg = &st->targets[t];
    if (personal) {
      send_page(e, r, run, tg->ref, tg->retry_minutes, s, SR_NONE);
    } else {
      /* ru may move if runs grew: capacity was reserved, but re-read anyway. */
      uint32_t engagement = SR_AT(rt->runs, run).engagement;
      sr_run_start(e, r, engagement, tg->ref, run, (int32_t)s, tg->essential);
    }
    if (SR_AT(rt->runs, run).state != SR_RUN_ACTIVE) break;
  }
}

uint32_t sr_run_start(siren_engine *e, sr_rec *r, uint32_t engagement, uint32_t contact,
                      uint32_t parent, int32_t parent_stage, uint8_t essential) {
  sr_runtime *rt = &e->rt;
  uint8_t depth = parent == SR_NONE ? 0 : (uint8_t)(SR_AT(rt->runs, parent).depth + 1);
  sr_contact *c = &e->contacts[contact];
  sr_engagement *en = &SR_AT(rt->engagements, engagement);
  if (depth > SR_MAX_DEPTH) {
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_CHANNEL_SKIPPED, r->time);
    ev.engagement = engagement + 1;
    ev.contact = c->alias;
    ev.reason = "escalation plans nested too deep";
    sr_emit(e, &ev);
    return SR_NONE;
  }
  /* A contact that accepted a page of this engagement is paged no more in
   * it, even when a later stage (or a repetition) targets it again. */
  for (uint32_t i = en->any_accepted ? en->first_run : SR_NONE; i != SR_NONE;
       i = SR_AT(rt->runs, i).next_in_engagement)
    if (SR_AT(rt->runs, i).contact == contact && SR_AT(rt->runs, i).acked &&
        e->contacts[contact].type == SIREN_CONTACT_PERSONAL) {
      siren_event ev;
      sr_event_init(&ev, SIREN_EVENT_CHANNEL_SKIPPED, r->time);
      ev.engagement = engagement + 1;
      ev.contact = c->alias;
      ev.stage = parent_stage;
      ev.reason = "contact already accepted";
      ev.incident_id = en->strs[EN_INCIDENT];
      sr_emit(e, &ev);
      return SR_NONE;
    }
  uint32_t idx = (uint32_t)rt->run_count++;
  sr_run *ru = &SR_AT(rt->runs, idx);
  memset(ru, 0, sizeof *ru);
  ru->engagement = engagement;
  ru->contact = contact;
  ru->plan = c->plan;
  ru->plan->refs++;
  ru->parent = parent;
  ru->parent_stage = parent_stage;
  ru->parent_loop = parent == SR_NONE ? 0 : SR_AT(rt->runs, parent).loop;
  ru->essential = essential;
  ru->depth = depth;
  ru->state = SR_RUN_ACTIVE;
  ru->first_child = ru->next_sibling = ru->next_in_engagement = SR_NONE;
  if (parent != SR_NONE) {
    /* Prepend: sibling order does not matter for stopping. */
    ru->next_sibling = SR_AT(rt->runs, parent).first_child;
    SR_AT(rt->runs, parent).first_child = idx;
  }
  if (en->last_run == SR_NONE)
    en->first_run = idx;
  else
    SR_AT(rt->runs, en->last_run).next_in_engagement = idx;
  en->last_run = idx;
  en->live_runs++;
  c->live_runs++;

  if (parent != SR_NONE && SR_EVENTS_ON(e)) {
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_CONTACT_ENGAGED, r->time);
    ev.engagement = engagement + 1;
    ev.contact = c->alias;
    ev.reason = e->contacts[SR_AT(rt->runs, parent).contact].alias;
    ev.stage = parent_stage;
    ev.essential = essential;
    ev.incident_id = en->strs[EN_INCIDENT];
    sr_emit(e, &ev);
  }
  if (c->type == SIREN_CONTACT_ONCALL_SCHEDULE) {
    sr_schedule_engage(e, r, idx);
    return idx;
  }
  if (ru->plan->stage_count == 0) {
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_CHANNEL_SKIPPED, r->time);
    ev.engagement = engagement + 1;
    ev.contact = c->alias;
    ev.reason = "contact has no engagement plan";
    ev.incident_id = en->strs[EN_INCIDENT];
    sr_emit(e, &ev);
    finish_run(e, idx, SR_RUN_DONE, r->time);
    return idx;
  }
  start_stage(e, r, idx, 0);
  return idx;
}

void sr_run_timer(siren_engine *e, sr_rec *r, uint32_t run) {
  sr_run *ru = &SR_AT(e->rt.runs, run);
  if (ru->stage + 1 < ru->plan->stage_count) {
    start_stage(e, r, run, ru->stage + 1);
    return;
  }
  if (ru->loop < ru->plan->repeat_count) {
    ru->loop++;
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_PLAN_REPEATED, r->time);
    ev.engagement = ru->engagement + 1;
    ev.contact = e->contacts[ru->contact].alias;
    ev.stage = (int32_t)ru->loop;
    ev.incident_id = SR_AT(e->rt.engagements, ru->engagement).strs[EN_INCIDENT];
    sr_emit(e, &ev);
    start_stage(e, r, run, 0);
    return;
  }
  finish_run(e, run, SR_RUN_DONE, r->time);
}

/* ------------------------------------------------------- acknowledgement */

static int stage_fully_acked(const siren_engine *e, uint32_t run, int32_t stage, uint32_t loop) {
  const sr_runtime *rt = &e->rt;
  for (uint32_t c = SR_AT(rt->runs, run).first_child; c != SR_NONE; c = SR_AT(rt->runs, c).next_sibling) {
    const sr_run *ch = &SR_AT(rt->runs, c);
    if (ch->parent_stage == stage && ch->parent_loop == loop && ch->essential && !ch->acked)
      return 0;
  }
  return 1;
}

/* An essential child of `run`, engaged by stage/loop, was acknowledged. */
static void essential_ack(siren_engine *e, uint32_t run, int32_t stage, uint32_t loop, int64_t t) {
  sr_runtime *rt = &e->rt;
  for (;;) {
    sr_run *ru = &SR_AT(rt->runs, run);
    if (ru->acked) return;
    /* A schedule run has no stages: any one of its contacts acknowledges it. */
    if ((uint32_t)stage < ru->plan->stage_count &&
        (ru->plan->stages[stage].flags & SIREN_STAGE_ALL_ESSENTIAL) &&
        !stage_fully_acked(e, run, stage, loop))
      return;
    ru->acked = 1;
    if (ru->parent == SR_NONE) SR_AT(rt->engagements, ru->engagement).acknowledged = 1;
    sr_run_stop(e, run, t);
    ru = &SR_AT(rt->runs, run);
    if (ru->parent == SR_NONE || !ru->essential) return;
    stage = ru->parent_stage;
    loop = ru->parent_loop;
    run = ru->parent;
  }
}

void sr_page_accepted(siren_engine *e, sr_rec *r, uint32_t page) {
  sr_runtime *rt = &e->rt;
  sr_page *pg = &SR_AT(rt->pages, page);
  sr_engagement *en = &SR_AT(rt->engagements, pg->engagement);
  /* After a stop or completion an acceptance is recorded on the page only:
   * it cannot acknowledge an engagement that is over. */
  if (en->state != SIREN_ENGAGEMENT_ACTIVE) return;
  en->any_accepted = 1;
  /* The accepting contact is paged no more in this engagement: every run of
   * its plan here is acknowledged, and each essential one acknowledges its
   * parent. */
  for (uint32_t i = en->first_run; i != SR_NONE; i = SR_AT(rt->runs, i).next_in_engagement) {
    sr_run *ru = &SR_AT(rt->runs, i);
    if (ru->contact != SR_PAGE_CONTACT(e, pg) || ru->acked) continue;
    ru->acked = 1;
    if (ru->parent == SR_NONE) en->acknowledged = 1;
    /* The parent first: its acknowledgement must be known before stopping
     * this run can complete the engagement (a schedule's run has finished
     * once it engaged its contacts, so this run may be the last one live). */
    if (ru->parent != SR_NONE && ru->essential)
      essential_ack(e, ru->parent, ru->parent_stage, ru->parent_loop, r->time);
    sr_run_stop(e, i, r->time);
  }
}
