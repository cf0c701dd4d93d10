/*
 * Snapshots: the engine's whole state as one record, and back.
 *
 * siren_engine_snapshot() (replay.c) stores what sr_snapshot_build() puts in
 * a SNAPSHOT record; siren_engine_open() hands that record to
 * sr_snapshot_restore() when it comes first in the stream and replays what
 * follows. The restored engine must be the engine that wrote the record:
 * same indexes (ids), same timers in the same heap order, same counters, so
 * that the records it writes next are byte for byte the writer's.
 *
 * What is kept is what cannot be derived. The rest is rebuilt: the lookup
 * maps, the intrusive lists (pages and runs of an engagement, pages of a
 * contact, children of a run, channels of a contact, engagements and
 * timeline events of an incident), live-run counts, plan reference counts,
 * the heartbeat count of response plans, an incident's analysis. Those lists
 * are in index order (a run's children in reverse index order) by
 * construction, which is what makes rebuilding them exact. The failed-notify
 * list is in the order notify failed: it is kept.
 *
 * Layout (SNAP_VERSION 1). Everything is in the record's integers, in the
 * order below; a "string" is an integer too: the position of its text among
 * the record's strings, where each distinct text is stored once, in the
 * order first used (a position equal to the number of texts read so far
 * takes the next one). (x) is there when the flag before it says so.
 *   format version, det_rng, timer_seq
 *   counts: plans, contacts, channels, engagements, runs, pages, timers,
 *     failed pages, response plans, incidents, timeline events, heartbeats,
 *     analyses
 *   plans (a plan shared by contacts and runs is written once): repeat,
 *     stages; per stage: minutes, flags, targets; per target: ref, retry
 *     minutes, essential
 *   contacts: type, deleted, plan, "alias", "display name"
 *   channels: contact, activated, deleted, has code, code expiry, attempts,
 *     "name", "type", "address", "code"
 *   engagements: contact, state, acknowledged, any accepted, start, stop,
 *     root run, incident (1-based), has stop reason, "sender", "subject",
 *     "content", "public subject", "public content", "incident id", "token",
 *     ("stop reason")
 *   runs: engagement, contact, plan, parent (-1: none), parent stage, parent
 *     loop, essential, state, acked, stage, loop, gen, stage start
 *   pages: engagement, run, contact, channel, stage, retry minutes, retry of,
 *     sent, delivered, read, accepted, is accepted, retry pending, has note,
 *     receipts, "code", ("note"); per receipt: type, time, has info, ("info")
 *   timers, in the writer's heap order (restore re-heaps): due, seq, ref, gen, kind
 *   failed pages, in list order
 *   response plans: present; when present, the integer and text counts of
 *     the plan in its RPLAN_SET layout (incident.c), then that layout: its
 *     integers here, its texts appended to the record's strings
 *   incidents: plan, impact, status, acknowledged, maintenance, in dedupe,
 *     created, modified, resolved, trigger time, last trigger, trigger count,
 *     ack gen, resolve gen, chat channels, targets, items, per item: type;
 *     the fixed "strings", "title", "summary", "chat channel"...,
 *     "target"..., per item: "value", "title"
 *   timeline events: incident, kind, deleted, time, updated, a, b,
 *     references, strings (0: none), "string"...
 *   heartbeats: plan, interval, resolve on beat, deleted, missed, last beat,
 *     gen, incident (1-based), "name"
 *   analyses: incident, created, questions; per question: has answer,
 *     "section", "text", ("answer"); frozen events; per event: id, time,
 *     updated, automatic, references, "type", "data", "reference"...; items;
 *     per item: type, "value", "title"; actions; per action: due, status,
 *     "title", "owner"
 *
 * A snapshot is fuzz input like any record: every index and count is checked
 * as it is read, and a record that does not describe a state siren could be
 * in is refused (SIREN_ECORRUPT). Restoring is all or nothing: the state is
 * built in a scratch engine and moved into the real one only when complete.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Version 1: the layout above. A later layout bumps this; restore refuses a
 * version it does not know. */
#define SNAP_VERSION 1
#define SNAP_MAX_REFS 10        /* timeline.c TL_MAX_REFS: references of an event */
#define SNAP_MAX_QUESTIONS 100  /* analysis.c MAX_QUESTIONS */
#define SNAP_ENG_STRS EN_COUNT  /* sender ... token */

/* ------------------------------------------------------------ building */

typedef struct wr {
  siren_engine *e;
  sr_rec *r;
  sr_map strings; /* string -> its position in r->strs */
  int bad;
} wr;

static void wi(wr *w, int64_t v) {
  if (sr_rec_int(&w->e->mem, w->r, v)) w->bad = 1;
}
static void wu(wr *w, uint64_t v) { wi(w, (int64_t)v); }
static void wref(wr *w, uint32_t ix) { wi(w, ix == SR_NONE ? -1 : (int64_t)ix); }
/* A string is written as the position of its text among the record's
 * strings; a text seen before is not written again (the state repeats
 * titles, addresses, ARNs, rendered timeline data). */
static void ws(wr *w, const char *s) {
  uint32_t at;
  if (!s) s = "";
  if (sr_map_get(&w->strings, s, &at)) {
    wi(w, at);
    return;
  }
  at = (uint32_t)w->r->str_count;
  wi(w, at);
  if (sr_map_reserve(&w->e->mem, &w->strings, 1) || sr_rec_str(&w->e->mem, w->r, s)) {
    w->bad = 1;
    return;
  }
  sr_map_put(&w->strings, s, at);
}

/* Plans are shared by reference (contacts and runs): each distinct plan is
 * written once, numbered in the order contacts then runs first mention it,
 * so that the same state always writes the same bytes. */
typedef struct plan_key {
  uintptr_t p;
  uint32_t id;
} plan_key;

typedef struct plan_table {
  plan_key *keys;
  size_t n;
  const sr_plan **order;
  size_t count;
} plan_table;

static int key_cmp(const void *a, const void *b) {
  uintptr_t x = ((const plan_key *)a)->p, y = ((const plan_key *)b)->p;
  return x < y ? -1 : x > y;
}

static plan_key *plan_lookup(const plan_table *t, const sr_plan *p) {
  plan_key k = {(uintptr_t)p, 0};
  return bsearch(&k, t->keys, t->n, sizeof k, key_cmp);
}

static void plan_number(plan_table *t, const sr_plan *p) {
  plan_key *k = plan_lookup(t, p);
  if (k->id != SR_NONE) return;
  k->id = (uint32_t)t->count;
  t->order[t->count++] = p;
}

static int plan_table_build(siren_engine *e, plan_table *t) {
  size_t n = e->contact_count + e->rt.run_count;
  memset(t, 0, sizeof *t);
  t->keys = sr_calloc(&e->mem, n ? n : 1, sizeof *t->keys);
  t->order = sr_calloc(&e->mem, n ? n : 1, sizeof *t->order);
  if (!t->keys || !t->order) return SIREN_ENOMEM;
  for (size_t i = 0; i < e->contact_count; i++) t->keys[t->n++].p = (uintptr_t)e->contacts[i].plan;
  for (size_t i = 0; i < e->rt.run_count; i++) t->keys[t->n++].p = (uintptr_t)SR_AT(e->rt.runs, i).plan;
  qsort(t->keys, t->n, sizeof *t->keys, key_cmp);
  size_t u = 0;
  for (size_t i = 0; i < t->n; i++)
    if (u == 0 || t->keys[u - 1].p != t->keys[i].p) t->keys[u++] = t->keys[i];
  t->n = u;
  for (size_t i = 0; i < u; i++) t->keys[i].id = SR_NONE;
  for (size_t i = 0; i < e->contact_count; i++) plan_number(t, e->contacts[i].plan);
  for (size_t i = 0; i < e->rt.run_count; i++) plan_number(t, SR_AT(e->rt.runs, i).plan);
  return SIREN_OK;
}

static void plan_table_free(siren_engine *e, plan_table *t) {
  sr_free(&e->mem, t->keys);
  sr_free(&e->mem, (void *)t->order);
}

static uint32_t plan_id(const plan_table *t, const sr_plan *p) { return plan_lookup(t, p)->id; }

static void put_plans(wr *w, const plan_table *t) {
  for (size_t i = 0; i < t->count; i++) {
    const sr_plan *p = t->order[i];
    wu(w, p->repeat_count);
    wu(w, p->stage_count);
    for (uint32_t s = 0; s < p->stage_count; s++) {
      const sr_stage *st = &p->stages[s];
      wu(w, st->duration_minutes);
      wu(w, st->flags);
      wu(w, st->target_count);
      for (uint32_t k = 0; k < st->target_count; k++) {
        wu(w, st->targets[k].ref);
        wu(w, st->targets[k].retry_minutes);
        wu(w, st->targets[k].essential);
      }
    }
  }
}

static void put_directory(wr *w, const plan_table *t) {
  siren_engine *e = w->e;
  for (size_t i = 0; i < e->contact_count; i++) {
    const sr_contact *c = &e->contacts[i];
    wu(w, c->type);
    wu(w, c->deleted);
    wu(w, plan_id(t, c->plan));
    ws(w, c->alias);
    ws(w, c->display);
  }
  for (size_t i = 0; i < e->channel_count; i++) {
    const sr_channel *ch = &e->channels[i];
    wu(w, ch->contact);
    wu(w, ch->activated);
    wu(w, ch->deleted);
    wu(w, ch->has_code);
    wi(w, ch->code_expires);
    wu(w, ch->attempts_left);
    ws(w, ch->name);
    ws(w, ch->type);
    ws(w, ch->address);
    ws(w, ch->code);
  }
}

static void put_runtime(wr *w, const plan_table *t) {
  siren_engine *e = w->e;
  const sr_runtime *rt = &e->rt;
  for (size_t i = 0; i < rt->engagement_count; i++) {
    const sr_engagement *en = &SR_AT(rt->engagements, i);
    wu(w, en->contact);
    wu(w, en->state);
    wu(w, en->acknowledged);
    wu(w, en->any_accepted);
    wi(w, en->start);
    wi(w, en->stop);
    wref(w, en->root);
    wu(w, en->incident_ix);
    wu(w, en->stop_reason != NULL);
    for (int k = 0; k < SNAP_ENG_STRS; k++) ws(w, en->strs[k]);
    if (en->stop_reason) ws(w, en->stop_reason);
  }
  for (size_t i = 0; i < rt->run_count; i++) {
    const sr_run *ru = &SR_AT(rt->runs, i);
    wu(w, ru->engagement);
    wu(w, ru->contact);
    wu(w, plan_id(t, ru->plan));
    wref(w, ru->parent);
    wi(w, ru->parent_stage);
    wu(w, ru->parent_loop);
    wu(w, ru->essential);
    wu(w, ru->state);
    wu(w, ru->acked);
    wu(w, ru->stage);
    wu(w, ru->loop);
    wu(w, ru->gen);
    wi(w, ru->stage_start);
  }
  for (size_t i = 0; i < rt->page_count; i++) {
    const sr_page *pg = &SR_AT(rt->pages, i);
    wu(w, pg->engagement);
    wu(w, pg->run);
    wu(w, SR_PAGE_CONTACT(e, pg));
    wu(w, pg->channel);
    wu(w, pg->stage);
    wu(w, pg->retry_minutes);
    wu(w, pg->retry_of);
    /* No sr_page_x is the same as an all-zero one. */
    static const sr_page_x none;
    const sr_page_x *px = pg->x ? pg->x : &none;
    wi(w, pg->sent);
    wi(w, px->delivered);
    wi(w, px->read);
    wi(w, px->accepted);
    wu(w, pg->is_accepted);
    wu(w, pg->retry_pending);
    wu(w, px->note != NULL);
    wu(w, px->receipt_count);
    ws(w, pg->code);
    if (px->note) ws(w, px->note);
    for (size_t k = 0; k < px->receipt_count; k++) {
      const sr_receipt *rc = &px->receipts[k];
      wu(w, rc->type);
      wi(w, rc->time);
      wu(w, rc->info != NULL);
      if (rc->info) ws(w, rc->info);
    }
  }
  for (size_t i = 0; i < rt->heap_count; i++) {
    const sr_timer *tm = &rt->heap[i];
    wi(w, tm->due);
    wu(w, sr_timer_seq(tm));
    wu(w, tm->ref);
    wu(w, tm->gen);
    wu(w, sr_timer_kind(tm));
  }
  for (uint32_t p = rt->failed_head; p != SR_NONE; p = SR_AT(rt->pages, p).next_failed) wu(w, p);
}

static void put_incidents(wr *w) {
  siren_engine *e = w->e;
  for (size_t i = 0; i < e->rplan_count; i++) {
    const siren_response_plan *p = e->rplans[i].p;
    wu(w, p != NULL);
    if (!p || w->bad) continue;
    /* Two counts, filled in once the plan's own layout is written. */
    size_t at_i = w->r->int_count, at_s = w->r->str_count;
    wi(w, 0);
    wi(w, 0);
    if (sr_rplan_encode(e, w->r, p)) w->bad = 1;
    if (w->bad) continue;
    w->r->ints[at_i] = (int64_t)(w->r->int_count - at_i - 2);
    w->r->ints[at_i + 1] = (int64_t)(w->r->str_count - at_s);
  }
  size_t nfixed = sr_incident_fixed_count();
  for (size_t i = 0; i < e->incident_count; i++) {
    const sr_incident *inc = &SR_AT(e->incidents, i);
    wu(w, inc->plan);
    wi(w, inc->impact);
    wu(w, inc->status);
    wu(w, inc->acknowledged);
    wu(w, inc->maintenance);
    wu(w, inc->in_dedupe);
    wi(w, inc->created);
    wi(w, inc->modified);
    wi(w, inc->resolved);
    wi(w, inc->trigger_time);
    wi(w, inc->last_trigger);
    wu(w, inc->trigger_count);
    wu(w, inc->ack_gen);
    wu(w, inc->resolve_gen);
    wu(w, inc->chat_count);
    wu(w, inc->target_count);
    wu(w, inc->item_count);
    for (size_t k = 0; k < inc->item_count; k++) wu(w, inc->items[k].type);
    for (size_t k = 0; k < nfixed; k++) ws(w, inc->fixed[k]);
    ws(w, inc->title);
    ws(w, inc->summary);
    for (size_t k = 0; k < inc->chat_count; k++) ws(w, inc->chat[k]);
    for (size_t k = 0; k < inc->target_count; k++) ws(w, inc->targets[k]);
    for (size_t k = 0; k < inc->item_count; k++) {
      ws(w, inc->items[k].s[0]);
      ws(w, inc->items[k].s[1]);
    }
  }
}

/* How many strings a timeline event's pack holds (0: none). */
static size_t tl_strings(const sr_tl *t) {
  if (!t->s) return 0;
  return (t->kind == SR_TL_CUSTOM ? 2 : 1) + t->ref_count;
}

static void put_timeline(wr *w) {
  siren_engine *e = w->e;
  for (size_t i = 0; i < e->tl_count; i++) {
    const sr_tl *t = &SR_AT(e->tl, i);
    size_t n = tl_strings(t);
    wu(w, t->incident);
    wu(w, t->kind);
    wu(w, t->deleted);
    wi(w, t->time);
    wi(w, t->updated);
    wi(w, t->a);
    wi(w, t->b);
    wu(w, t->ref_count);
    wu(w, n);
    for (size_t k = 0; k < n; k++) ws(w, t->s[k]);
  }
  for (size_t i = 0; i < e->heartbeat_count; i++) {
    const sr_heartbeat *hb = &e->heartbeats[i];
    wu(w, hb->plan);
    wu(w, hb->interval);
    wu(w, hb->resolve_on_beat);
    wu(w, hb->deleted);
    wu(w, hb->missed);
    wi(w, hb->last_beat);
    wu(w, hb->gen);
    wu(w, hb->incident);
    ws(w, hb->name);
  }
}

static void put_analyses(wr *w) {
  siren_engine *e = w->e;
  for (size_t i = 0; i < e->analysis_count; i++) {
    const sr_analysis *a = &e->analyses[i];
    wu(w, a->incident);
    wi(w, a->created);
    wu(w, a->question_count);
    for (size_t k = 0; k < a->question_count; k++) {
      const sr_question *q = &a->questions[k];
      wu(w, q->answer != NULL);
      ws(w, q->s[0]);
      ws(w, q->s[1]);
      if (q->answer) ws(w, q->answer);
    }
    wu(w, a->tl_count);
    for (size_t k = 0; k < a->tl_count; k++) {
      const sr_frozen *f = &a->tl[k];
      wu(w, f->id);
      wi(w, f->time);
      wi(w, f->updated);
      wu(w, f->automatic);
      wu(w, f->ref_count);
      for (uint32_t j = 0; j < 2 + f->ref_count; j++) ws(w, f->s[j]);
    }
    wu(w, a->item_count);
    for (size_t k = 0; k < a->item_count; k++) {
      wu(w, a->items[k].type);
      ws(w, a->items[k].s[0]);
      ws(w, a->items[k].s[1]);
    }
    wu(w, a->action_count);
    for (size_t k = 0; k < a->action_count; k++) {
      wi(w, a->actions[k].due);
      wu(w, a->actions[k].status);
      ws(w, a->actions[k].s[0]);
      ws(w, a->actions[k].s[1]);
    }
  }
}

int sr_snapshot_build(siren_engine *e, sr_rec *r) {
  /* Runbooks and their executions are not in format version 1: refuse
   * rather than write a snapshot that would lose them. */
  if (sr_runbooks_present(e))
    return sr_err(e, SIREN_ESTATE, "snapshots do not cover runbooks and executions yet");
  /* Nor rotations, overrides and schedules. */
  int schedules = sr_rotations_present(e);
  for (size_t i = 0; i < e->contact_count && !schedules; i++)
    schedules = e->contacts[i].type == SIREN_CONTACT_ONCALL_SCHEDULE;
  if (schedules)
    return sr_err(e, SIREN_ESTATE, "snapshots do not cover rotations and schedules yet");
  plan_table t;
  int rc = plan_table_build(e, &t);
  if (rc) {
    plan_table_free(e, &t);
    return sr_err(e, rc, "out of memory");
  }
  const sr_runtime *rt = &e->rt;
  size_t failed = 0;
  for (uint32_t p = rt->failed_head; p != SR_NONE; p = SR_AT(rt->pages, p).next_failed) failed++;
  wr w;
  memset(&w, 0, sizeof w);
  w.e = e;
  w.r = r;
  wi(&w, SNAP_VERSION);
  wu(&w, e->det_rng);
  wu(&w, rt->timer_seq);
  size_t counts[] = {t.count,         e->contact_count,  e->channel_count, rt->engagement_count,
                     rt->run_count,   rt->page_count,    rt->heap_count,   failed,
                     e->rplan_count,  e->incident_count, e->tl_count,      e->heartbeat_count,
                     e->analysis_count};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) wu(&w, counts[i]);
  put_plans(&w, &t);
  put_directory(&w, &t);
  put_runtime(&w, &t);
  put_incidents(&w);
  put_timeline(&w);
  put_analyses(&w);
  plan_table_free(e, &t);
  sr_map_free(&e->mem, &w.strings);
  return w.bad ? sr_err(e, SIREN_ENOMEM, "out of memory") : SIREN_OK;
}

/* ----------------------------------------------------------- restoring */

typedef struct rd {
  siren_engine *e; /* the scratch engine being filled */
  const sr_rec *r;
  size_t i, s;     /* next integer, next string */
  int rc;          /* the first failure: SIREN_ECORRUPT or SIREN_ENOMEM */
} rd;

static int corrupt(rd *d, const char *what) {
  if (!d->rc) d->rc = sr_err(d->e, SIREN_ECORRUPT, "snapshot: %s", what);
  return d->rc;
}

static int nomem(rd *d) {
  if (!d->rc) d->rc = sr_err(d->e, SIREN_ENOMEM, "out of memory");
  return d->rc;
}

/* The next integer, which must lie in [lo, hi]; lo after a failure. */
static int64_t get(rd *d, int64_t lo, int64_t hi, const char *what) {
  if (d->rc) return lo;
  if (d->i >= d->r->int_count) {
    corrupt(d, "too short");
    return lo;
  }
  int64_t v = d->r->ints[d->i++];
  if (v < lo || v > hi) {
    corrupt(d, what);
    return lo;
  }
  return v;
}

static int64_t get_any(rd *d) { return get(d, INT64_MIN, INT64_MAX, ""); }
static uint32_t get_u32(rd *d, const char *what) { return (uint32_t)get(d, 0, UINT32_MAX, what); }
static uint8_t get_flag(rd *d, const char *what) { return (uint8_t)get(d, 0, 1, what); }

/* An index below n (n == 0: nothing is valid). */
static uint32_t get_ix(rd *d, size_t n, const char *what) {
  return (uint32_t)get(d, 0, (int64_t)(n < UINT32_MAX ? n : UINT32_MAX) - 1, what);
}

/* An index below n, or -1 for SR_NONE. */
static uint32_t get_ref(rd *d, size_t n, const char *what) {
  int64_t v = get(d, -1, (int64_t)(n < UINT32_MAX ? n : UINT32_MAX) - 1, what);
  return v < 0 ? SR_NONE : (uint32_t)v;
}

/* A count of things that take at least one integer each: no more than the
 * integers left, so that a damaged count cannot ask for a huge allocation. */
static size_t get_count(rd *d, size_t max, const char *what) {
  size_t left = d->r->int_count - (d->i < d->r->int_count ? d->i : d->r->int_count);
  if (left < max) max = left;
  return (size_t)get(d, 0, (int64_t)(max < INT64_MAX ? max : INT64_MAX), what);
}

/* The next string: a position among the record's strings, either of one
 * read before or of the next one. */
static const sr_str *get_str(rd *d) {
  static const sr_str none = {"", 0};
  int64_t at = get(d, 0, (int64_t)d->s, "string reference");
  if (d->rc) return &none;
  if ((size_t)at == d->s) {
    if (d->s >= d->r->str_count) {
      corrupt(d, "too few strings");
      return &none;
    }
    d->s++;
  }
  return &d->r->strs[at];
}

static char *get_dup(rd *d) {
  const sr_str *s = get_str(d);
  if (d->rc) return NULL;
  char *p = sr_strndup(&d->e->mem, s->p, s->n);
  if (!p) nomem(d);
  return p;
}

/* n strings packed in one allocation (sr_pack). n is at most the integers
 * left: each string takes one. shared = 1 lets a string that ends another
 * share its bytes (sr_pack_suffixes_str), as the engine packs an incident's
 * fixed strings. */
static char **get_pack_as(rd *d, size_t n, int shared) {
  sr_str local[16] = {{"", 0}}, *v = local;
  if (d->rc) return NULL;
  if (n > d->r->int_count - d->i) {
    corrupt(d, "too short");
    return NULL;
  }
  if (n > 16 && !(v = sr_calloc(&d->e->mem, n, sizeof *v))) {
    nomem(d);
    return NULL;
  }
  for (size_t k = 0; k < n; k++) v[k] = *get_str(d);
  char **p = NULL;
  if (!d->rc && !(p = shared ? sr_pack_suffixes_str(&d->e->mem, v, n) : sr_pack(&d->e->mem, v, n)))
    nomem(d);
  if (v != local) sr_free(&d->e->mem, v);
  return p;
}

static char **get_pack(rd *d, size_t n) { return get_pack_as(d, n, 0); }

static void get_code(rd *d, char out[8]) {
  const sr_str *s = get_str(d);
  memset(out, 0, 8);
  if (d->rc) return;
  if (s->n > 7) {
    corrupt(d, "code too long");
    return;
  }
  memcpy(out, s->p, s->n);
}

/* Puts key in a map that must not have it yet (every map is one-to-one). */
static void map_add(rd *d, sr_map *map, const char *key, uint32_t value, const char *what) {
  uint32_t old;
  if (d->rc) return;
  if (sr_map_get(map, key, &old)) {
    corrupt(d, what);
    return;
  }
  if (sr_map_reserve(&d->e->mem, map, 1) || sr_map_put(map, key, value)) nomem(d);
}

/* What restore needs besides the engine: the counts of the header, and the
 * plans, each held once here until restore ends. */
enum { N_PLANS, N_CONTACTS, N_CHANNELS, N_ENGAGEMENTS, N_RUNS, N_PAGES, N_TIMERS, N_FAILED,
       N_RPLANS, N_INCIDENTS, N_TL, N_HEARTBEATS, N_ANALYSES, N_COUNT };

typedef struct restore {
  rd d;
  size_t n[N_COUNT];
  sr_plan **plans;
  size_t plan_count;
  uint8_t *plan_use; /* 1: a personal contact's plan, 2: an escalation's */
} restore;

static int get_plans(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  for (size_t i = 0; i < x->n[N_PLANS] && !d->rc; i++) {
    /* Measure first so that the plan is one allocation, as build_plan makes. */
    size_t at = d->i, targets = 0;
    get(d, 0, SR_MAX_REPEAT, "plan repeat count");
    int64_t stages = get(d, 0, SR_MAX_STAGES, "plan stage count");
    for (int64_t s = 0; s < stages && !d->rc; s++) {
      get(d, 0, UINT32_MAX, "stage duration");
      get(d, 0, SIREN_STAGE_ALL_ESSENTIAL, "stage flags");
      int64_t n = get(d, 0, SR_MAX_TARGETS, "stage target count");
      targets += (size_t)n;
      for (int64_t k = 0; k < n; k++) {
        get_u32(d, "target");
        get_u32(d, "retry interval"); /* 0-60 for channels: check_links */
        get_flag(d, "essential");
      }
    }
    if (d->rc) return d->rc;
    d->i = at;
    size_t bytes =
        sizeof(sr_plan) + (size_t)stages * sizeof(sr_stage) + targets * sizeof(sr_target);
    sr_plan *p = sr_calloc(&e->mem, 1, bytes);
    if (!p) {
      nomem(d);
      return d->rc;
    }
    p->refs = 1; /* restore's own hold */
    x->plans[x->plan_count++] = p;
    p->repeat_count = (uint32_t)get_any(d);
    p->stage_count = (uint32_t)get_any(d);
    p->stages = (sr_stage *)(p + 1);
    sr_target *tg = (sr_target *)(p->stages + p->stage_count);
    for (uint32_t s = 0; s < p->stage_count; s++) {
      sr_stage *st = &p->stages[s];
      st->duration_minutes = (uint32_t)get_any(d);
      st->flags = (uint32_t)get_any(d);
      st->target_count = (uint32_t)get_any(d);
      st->targets = tg;
      tg += st->target_count;
      if (st->duration_minutes == 0 && st->target_count == 0)
        corrupt(d, "a stage of 0 minutes without targets");
      for (uint32_t k = 0; k < st->target_count; k++) {
        st->targets[k].ref = (uint32_t)get_any(d);
        st->targets[k].retry_minutes = (uint32_t)get_any(d);
        st->targets[k].essential = (uint8_t)get_any(d);
      }
    }
  }
  return d->rc;
}

static sr_plan *link_plan(restore *x, uint32_t id, uint8_t contact_type) {
  sr_plan *p = x->plans[id];
  p->refs++;
  x->plan_use[id] |= contact_type == SIREN_CONTACT_PERSONAL ? 1 : 2;
  return p;
}

static int get_directory(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  size_t nc = x->n[N_CONTACTS], nch = x->n[N_CHANNELS];
  if (d->rc) return d->rc;
  e->contacts = sr_calloc(&e->mem, nc ? nc : 1, sizeof *e->contacts);
  e->channels = sr_calloc(&e->mem, nch ? nch : 1, sizeof *e->channels);
  if (!e->contacts || !e->channels) {
    nomem(d);
    return d->rc;
  }
  e->contact_cap = nc ? nc : 1;
  e->channel_cap = nch ? nch : 1;
  for (size_t i = 0; i < nc && !d->rc; i++) {
    sr_contact *c = &e->contacts[e->contact_count++];
    c->first_page = c->last_page = SR_NONE;
    c->type = (uint8_t)get(d, SIREN_CONTACT_PERSONAL, SIREN_CONTACT_ESCALATION, "contact type");
    c->deleted = get_flag(d, "contact deleted");
    uint32_t plan = get_ix(d, x->plan_count, "contact plan");
    if (d->rc) return d->rc;
    c->plan = link_plan(x, plan, c->type);
    c->alias = get_dup(d);
    c->display = get_dup(d);
    if (d->rc) return d->rc;
    if (!sr_valid_alias(c->alias)) corrupt(d, "contact alias");
    if (!c->deleted) {
      map_add(d, &e->aliases, c->alias, (uint32_t)i, "two contacts with one alias");
      e->live_contacts++;
    }
  }
  for (size_t i = 0; i < nch && !d->rc; i++) {
    sr_channel *ch = &e->channels[e->channel_count++];
    ch->contact = get_ix(d, nc, "channel contact");
    ch->activated = get_flag(d, "channel activation");
    ch->deleted = get_flag(d, "channel deleted");
    ch->has_code = get_flag(d, "channel has code");
    ch->code_expires = get_any(d);
    ch->attempts_left = get_u32(d, "activation attempts");
    ch->name = get_dup(d);
    ch->type = get_dup(d);
    ch->address = get_dup(d);
    get_code(d, ch->code);
    if (d->rc) return d->rc;
    ch->kind = sr_kind_of(ch->type);
    const sr_contact *c = &e->contacts[ch->contact];
    if (c->type != SIREN_CONTACT_PERSONAL) corrupt(d, "a channel of an escalation plan");
    if (c->deleted && !ch->deleted) corrupt(d, "a live channel of a deleted contact");
  }
  /* A contact's channel list: its live channels, in the order created. */
  for (size_t i = 0; i < nch && !d->rc; i++) {
    const sr_channel *ch = &e->channels[i];
    if (!ch->deleted) e->contacts[ch->contact].channel_cap++;
  }
  for (size_t i = 0; i < nc && !d->rc; i++) {
    sr_contact *c = &e->contacts[i];
    if (!c->channel_cap) continue;
    c->channels = sr_calloc(&e->mem, c->channel_cap, sizeof *c->channels);
    if (!c->channels) {
      c->channel_cap = 0;
      nomem(d);
    }
  }
  for (size_t i = 0; i < nch && !d->rc; i++) {
    const sr_channel *ch = &e->channels[i];
    if (ch->deleted) continue;
    sr_contact *c = &e->contacts[ch->contact];
    if (sr_channel_find(e, c, ch->name, NULL)) corrupt(d, "two live channels with one name");
    c->channels[c->channel_count++] = (uint32_t)i;
  }
  return d->rc;
}

static int get_engagements(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  sr_runtime *rt = &e->rt;
  size_t n = x->n[N_ENGAGEMENTS];
  if (d->rc) return d->rc;
  if (sr_chunks_grow(&e->mem, (void ***)&rt->engagements, &rt->engagement_cap, n ? n : 1, sizeof **rt->engagements)) {
    nomem(d);
    return d->rc;
  }
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_engagement *en = &SR_AT(rt->engagements, rt->engagement_count);
    rt->engagement_count++;
    memset(en, 0, sizeof *en);
    en->newest_page = en->first_run = en->last_run = SR_NONE;
    en->next_in_incident = SR_NONE;
    en->contact = get_ix(d, x->n[N_CONTACTS], "engagement contact");
    en->state = (uint8_t)get(d, SIREN_ENGAGEMENT_ACTIVE, SIREN_ENGAGEMENT_COMPLETED,
                             "engagement state");
    en->acknowledged = get_flag(d, "engagement acknowledged");
    en->any_accepted = get_flag(d, "engagement accepted");
    en->start = get_any(d);
    en->stop = get_any(d);
    en->root = get_ix(d, x->n[N_RUNS], "engagement root run");
    en->incident_ix = (uint32_t)get(d, 0, (int64_t)x->n[N_INCIDENTS], "engagement incident");
    uint8_t has_reason = get_flag(d, "engagement stop reason");
    en->strs = get_pack(d, SNAP_ENG_STRS);
    if (d->rc) return d->rc;
    if (has_reason) en->stop_reason = get_dup(d);
    if (en->strs[EN_TOKEN][0]) map_add(d, &rt->tokens, en->strs[EN_TOKEN], (uint32_t)i, "two engagements with one token");
  }
  return d->rc;
}

static int get_runs(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  sr_runtime *rt = &e->rt;
  size_t n = x->n[N_RUNS];
  if (d->rc) return d->rc;
  if (sr_chunks_grow(&e->mem, (void ***)&rt->runs, &rt->run_cap, n ? n : 1, sizeof **rt->runs)) {
    nomem(d);
    return d->rc;
  }
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_run *ru = &SR_AT(rt->runs, rt->run_count);
    memset(ru, 0, sizeof *ru);
    ru->first_child = ru->next_sibling = ru->next_in_engagement = SR_NONE;
    ru->engagement = get_ix(d, x->n[N_ENGAGEMENTS], "run engagement");
    ru->contact = get_ix(d, x->n[N_CONTACTS], "run contact");
    uint32_t plan = get_ix(d, x->plan_count, "run plan");
    ru->parent = get_ref(d, i, "run parent"); /* parents are started first */
    ru->parent_stage = (int32_t)get(d, -1, SR_MAX_STAGES - 1, "run parent stage");
    ru->parent_loop = get_u32(d, "run parent loop");
    ru->essential = get_flag(d, "run essential");
    ru->state = (uint8_t)get(d, SR_RUN_ACTIVE, SR_RUN_STOPPED, "run state");
    ru->acked = get_flag(d, "run acked");
    ru->stage = (uint32_t)get(d, 0, SR_MAX_STAGES - 1, "run stage");
    ru->loop = (uint32_t)get(d, 0, SR_MAX_REPEAT, "run loop");
    ru->gen = get_u32(d, "run gen");
    ru->stage_start = get_any(d);
    if (d->rc) return d->rc;
    const sr_contact *c = &e->contacts[ru->contact];
    ru->plan = link_plan(x, plan, c->type);
    rt->run_count++;
    const sr_plan *p = ru->plan;
    if (p->stage_count ? ru->stage >= p->stage_count : ru->stage != 0)
      return corrupt(d, "run stage");
    if (p->stage_count == 0 && ru->state == SR_RUN_ACTIVE)
      return corrupt(d, "an active run of an empty plan");
    if (ru->loop > p->repeat_count) return corrupt(d, "run loop");
    sr_engagement *en = &SR_AT(rt->engagements, ru->engagement);
    if (ru->parent == SR_NONE) {
      if (ru->parent_stage != -1 || ru->essential) return corrupt(d, "root run");
    } else {
      sr_run *pa = &SR_AT(rt->runs, ru->parent);
      if (pa->engagement != ru->engagement || e->contacts[pa->contact].type != SIREN_CONTACT_ESCALATION ||
          ru->parent_stage < 0 || (uint32_t)ru->parent_stage >= pa->plan->stage_count)
        return corrupt(d, "run parent");
      ru->depth = (uint8_t)(pa->depth + 1);
      if (ru->depth > SR_MAX_DEPTH) return corrupt(d, "runs nested too deep");
      ru->next_sibling = pa->first_child;
      pa->first_child = (uint32_t)i;
    }
    if (en->last_run == SR_NONE)
      en->first_run = (uint32_t)i;
    else
      SR_AT(rt->runs, en->last_run).next_in_engagement = (uint32_t)i;
    en->last_run = (uint32_t)i;
    if (ru->state == SR_RUN_ACTIVE) {
      en->live_runs++;
      e->contacts[ru->contact].live_runs++;
    }
  }
  return d->rc;
}

static int get_pages(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  sr_runtime *rt = &e->rt;
  size_t n = x->n[N_PAGES];
  if (d->rc) return d->rc;
  if (sr_chunks_grow(&e->mem, (void ***)&rt->pages, &rt->page_cap, n ? n : 1, sizeof **rt->pages)) {
    nomem(d);
    return d->rc;
  }
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_page *pg = &SR_AT(rt->pages, rt->page_count);
    rt->page_count++;
    memset(pg, 0, sizeof *pg);
    pg->next_in_engagement = pg->next_in_contact = pg->next_failed = SR_NONE;
    pg->engagement = get_ix(d, x->n[N_ENGAGEMENTS], "page engagement");
    pg->run = get_ix(d, x->n[N_RUNS], "page run");
    uint32_t contact = get_ix(d, x->n[N_CONTACTS], "page contact");
    pg->channel = get_ix(d, x->n[N_CHANNELS], "page channel");
    pg->stage = (uint16_t)get(d, 0, SR_MAX_STAGES - 1, "page stage");
    pg->retry_minutes = (uint8_t)get(d, 0, 60, "page retry interval");
    pg->retry_of = (uint32_t)get(d, 0, (int64_t)i, "page retry of");
    pg->sent = get_any(d);
    int64_t delivered = get_any(d), read = get_any(d), accepted = get_any(d);
    pg->is_accepted = get_flag(d, "page accepted");
    pg->retry_pending = get_flag(d, "page retry pending");
    uint8_t has_note = get_flag(d, "page note");
    size_t receipts = get_count(d, UINT32_MAX - 1, "page receipts");
    get_code(d, pg->code);
    if (d->rc) return d->rc;
    if (delivered || read || accepted || has_note || receipts) {
      pg->x = sr_calloc(&e->mem, 1, sizeof(sr_page_x) + receipts * sizeof(sr_receipt));
      if (!pg->x) return nomem(d);
      pg->x->delivered = delivered;
      pg->x->read = read;
      pg->x->accepted = accepted;
    }
    if (has_note) pg->x->note = get_dup(d);
    if (d->rc) return d->rc;
    for (size_t k = 0; k < receipts && !d->rc; k++) {
      sr_receipt *rc = &pg->x->receipts[pg->x->receipt_count++];
      rc->type = (uint8_t)get(d, SIREN_RECEIPT_SENT, SIREN_RECEIPT_STOP, "receipt type");
      rc->time = get_any(d);
      if (get_flag(d, "receipt info")) rc->info = get_dup(d);
    }
    if (d->rc) return d->rc;
    const sr_run *ru = &SR_AT(rt->runs, pg->run);
    if (ru->engagement != pg->engagement || ru->contact != contact)
      return corrupt(d, "page run");
    sr_engagement *en = &SR_AT(rt->engagements, pg->engagement);
    pg->next_in_engagement = en->newest_page;
    en->newest_page = (uint32_t)i;
    en->page_count++;
    sr_contact *c = &e->contacts[contact];
    if (c->last_page == SR_NONE)
      c->first_page = (uint32_t)i;
    else
      SR_AT(rt->pages, c->last_page).next_in_contact = (uint32_t)i;
    c->last_page = (uint32_t)i;
  }
  return d->rc;
}

static int get_timers(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  sr_runtime *rt = &e->rt;
  size_t n = x->n[N_TIMERS];
  if (d->rc) return d->rc;
  rt->heap = sr_calloc(&e->mem, n ? n : 1, sizeof *rt->heap);
  if (!rt->heap) {
    nomem(d);
    return d->rc;
  }
  rt->heap_cap = n ? n : 1;
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_timer *t = &rt->heap[i];
    t->due = get_any(d);
    uint64_t seq = (uint64_t)get_any(d);
    int64_t ref = get_any(d);
    t->gen = get_u32(d, "timer gen");
    uint8_t kind = (uint8_t)get(d, SR_TIMER_STAGE, SR_TIMER_HEARTBEAT, "timer kind");
    if (d->rc) return d->rc;
    size_t limit = kind == SR_TIMER_STAGE     ? x->n[N_RUNS]
                   : kind == SR_TIMER_RETRY   ? x->n[N_PAGES]
                   : kind == SR_TIMER_HEARTBEAT ? x->n[N_HEARTBEATS]
                                                 : x->n[N_INCIDENTS];
    if (ref < 0 || (uint64_t)ref >= limit) return corrupt(d, "timer reference");
    if (seq >= rt->timer_seq) return corrupt(d, "timer sequence");
    t->order = seq << 8 | kind;
    t->ref = (uint32_t)ref;
    rt->heap_count++;
  }
  /* Written in the writer's heap order (a binary heap before 0.4, 4-ary
   * since): whatever it was, the queue is put in this build's order. A
   * valid 4-ary heap stays as it is, so a snapshot of the restored engine
   * repeats the one restored. */
  if (!d->rc) sr_timer_heapify(e);
  for (size_t i = 0; i < x->n[N_FAILED] && !d->rc; i++) {
    uint32_t p = get_ix(d, x->n[N_PAGES], "failed page");
    if (d->rc) return d->rc;
    sr_page *pg = &SR_AT(rt->pages, p);
    if (pg->failed_queued) return corrupt(d, "a page twice in the failed list");
    pg->failed_queued = 1;
    if (rt->failed_tail == SR_NONE)
      rt->failed_head = p;
    else
      SR_AT(rt->pages, rt->failed_tail).next_failed = p;
    rt->failed_tail = p;
  }
  return d->rc;
}

static int get_rplans(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  size_t n = x->n[N_RPLANS];
  if (d->rc) return d->rc;
  e->rplans = sr_calloc(&e->mem, n ? n : 1, sizeof *e->rplans);
  if (!e->rplans) {
    nomem(d);
    return d->rc;
  }
  e->rplan_cap = n ? n : 1;
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_rplan *rp = &e->rplans[e->rplan_count++];
    if (!get_flag(d, "response plan present")) continue;
    size_t ni = get_count(d, SIZE_MAX, "response plan integers");
    size_t ns = (size_t)get(d, 0, (int64_t)(d->r->str_count - d->s), "response plan strings");
    if (d->rc) return d->rc;
    if (ni > d->r->int_count - d->i) return corrupt(d, "response plan integers");
    /* A view of the plan's part, as its own record. */
    sr_rec v;
    sr_rec_init(&v, SR_REC_RPLAN_SET);
    v.ints = d->r->ints + d->i;
    v.int_count = ni;
    v.strs = d->r->strs + d->s;
    v.str_count = ns;
    d->i += ni;
    d->s += ns;
    int rc = sr_rplan_decode(e, &v, &rp->p);
    if (rc == SIREN_ENOMEM) return nomem(d);
    if (rc) return corrupt(d, "response plan");
    map_add(d, &e->rplan_names, rp->p->name, (uint32_t)i, "two response plans with one name");
  }
  return d->rc;
}

static int get_incidents(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  size_t n = x->n[N_INCIDENTS], nfixed = sr_incident_fixed_count();
  if (d->rc) return d->rc;
  if (sr_chunks_grow(&e->mem, (void ***)&e->incidents, &e->incident_cap, n ? n : 1, sizeof **e->incidents)) {
    nomem(d);
    return d->rc;
  }
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_incident *inc = &SR_AT(e->incidents, e->incident_count);
    e->incident_count++;
    memset(inc, 0, sizeof *inc);
    inc->first_eng = inc->last_eng = inc->first_tl = inc->last_tl = SR_NONE;
    inc->plan = get_ix(d, x->n[N_RPLANS], "incident response plan");
    inc->impact = (int)get(d, 0, 5, "incident impact"); /* 0: an update record may say so */
    inc->status = (uint8_t)get(d, SIREN_INCIDENT_OPEN, SIREN_INCIDENT_RESOLVED, "incident status");
    inc->acknowledged = get_flag(d, "incident acknowledged");
    inc->maintenance = get_flag(d, "incident maintenance");
    inc->in_dedupe = get_flag(d, "incident dedupe");
    inc->created = get_any(d);
    inc->modified = get_any(d);
    inc->resolved = get_any(d);
    inc->trigger_time = get_any(d);
    inc->last_trigger = get_any(d);
    inc->trigger_count = get_u32(d, "incident trigger count");
    inc->ack_gen = get_u32(d, "incident ack gen");
    inc->resolve_gen = get_u32(d, "incident resolve gen");
    size_t nchat = get_count(d, UINT32_MAX, "incident chat channels");
    size_t ntargets = get_count(d, UINT32_MAX, "incident notification targets");
    size_t nitems = get_count(d, UINT32_MAX, "incident related items");
    if (d->rc) return d->rc;
    inc->items = sr_calloc(&e->mem, nitems ? nitems : 1, sizeof *inc->items);
    if (!inc->items) return nomem(d);
    inc->item_cap = (uint32_t)(nitems ? nitems : 1);
    for (size_t k = 0; k < nitems; k++)
      inc->items[k].type = (uint8_t)get(d, SIREN_ITEM_ANALYSIS, SIREN_ITEM_INVOLVED_RESOURCE,
                                        "related item type");
    inc->fixed = get_pack_as(d, nfixed, 1);
    inc->title = get_dup(d);
    /* Unchanged since it opened: the title is the fixed one, as in the engine. */
    if (inc->fixed && inc->title && strcmp(inc->title, inc->fixed[IF_TITLE0]) == 0) {
      sr_free(&e->mem, inc->title);
      inc->title = inc->fixed[IF_TITLE0];
    }
    inc->summary = get_dup(d);
    inc->chat = get_pack(d, nchat);
    if (inc->chat) inc->chat_count = nchat;
    inc->targets = get_pack(d, ntargets);
    if (inc->targets) inc->target_count = ntargets;
    for (size_t k = 0; k < nitems && !d->rc; k++) {
      inc->items[k].s = get_pack(d, 2);
      if (inc->items[k].s) inc->item_count++;
    }
    if (d->rc) return d->rc;
    const char *dd = sr_incident_dedupe(inc), *token = sr_incident_token(inc);
    if (inc->in_dedupe) {
      if (!dd[0] || inc->status != SIREN_INCIDENT_OPEN) return corrupt(d, "incident dedupe");
      map_add(d, &e->dedupe, dd, (uint32_t)i, "two open incidents with one dedupe string");
    }
    if (token[0]) map_add(d, &e->incident_tokens, token, (uint32_t)i, "two incidents with one token");
  }
  /* An incident's engagements, in the order engaged. */
  sr_runtime *rt = &e->rt;
  for (size_t i = 0; i < rt->engagement_count && !d->rc; i++) {
    sr_engagement *en = &SR_AT(rt->engagements, i);
    if (!en->incident_ix) continue;
    sr_incident *inc = &SR_AT(e->incidents, en->incident_ix - 1);
    if (inc->last_eng == SR_NONE)
      inc->first_eng = (uint32_t)i;
    else
      SR_AT(rt->engagements, inc->last_eng).next_in_incident = (uint32_t)i;
    inc->last_eng = (uint32_t)i;
    inc->engagement_count++;
  }
  return d->rc;
}

/* Engagements were restored before their incidents, with strings of their
 * own; an incident's engagements point at its ARN, plan name and opening
 * title instead (sr_pack_shared), as when the engine started them. */
static int share_engagement_strings(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  sr_runtime *rt = &e->rt;
  for (size_t i = 0; i < rt->engagement_count && !d->rc; i++) {
    sr_engagement *en = &SR_AT(rt->engagements, i);
    if (!en->incident_ix || en->incident_ix > e->incident_count || !en->strs) continue;
    const sr_incident *inc = &SR_AT(e->incidents, en->incident_ix - 1);
    if (!inc->fixed) continue;
    char **p = sr_pack_shared(&e->mem, (const char *const *)en->strs, EN_COUNT, inc->fixed,
                              sr_incident_fixed_count());
    if (!p) return nomem(d);
    if (en->strs[EN_TOKEN][0]) sr_map_put(&rt->tokens, p[EN_TOKEN], (uint32_t)i);
    sr_free(&e->mem, en->strs);
    en->strs = p;
  }
  return d->rc;
}

static int get_timeline(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  size_t n = x->n[N_TL];
  if (d->rc) return d->rc;
  if (sr_chunks_grow(&e->mem, (void ***)&e->tl, &e->tl_cap, n ? n : 1, sizeof **e->tl)) {
    nomem(d);
    return d->rc;
  }
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_tl *t = &SR_AT(e->tl, e->tl_count);
    e->tl_count++;
    memset(t, 0, sizeof *t);
    t->next = SR_NONE;
    t->incident = get_ix(d, x->n[N_INCIDENTS], "timeline incident");
    t->kind = (uint8_t)get(d, 0, SR_TL_KIND_COUNT - 1, "timeline event kind");
    t->deleted = get_flag(d, "timeline event deleted");
    t->time = get_any(d);
    t->updated = get_any(d);
    t->a = (uint32_t)get(d, 0, UINT32_MAX, "timeline event value");
    t->b = (uint32_t)get(d, 0, UINT32_MAX, "timeline event value");
    t->ref_count = (uint32_t)get(d, 0, SNAP_MAX_REFS, "timeline references");
    size_t ns = (size_t)get(d, 0, 2 + SNAP_MAX_REFS, "timeline strings");
    if (d->rc) return d->rc;
    if (ns) t->s = get_pack(d, ns);
    if (d->rc) return d->rc;
    int custom = t->kind == SR_TL_CUSTOM;
    if (custom ? ns != 2 + t->ref_count : (ns ? ns != 1 + t->ref_count : t->ref_count != 0))
      return corrupt(d, "timeline event strings");
    if (t->deleted && !custom) return corrupt(d, "a deleted automatic event");
    if (!custom && !ns) {
      /* Rendered when read, from the engagement or page it names. */
      int eng = t->kind == SR_TL_ENG_STARTED || t->kind == SR_TL_ESCALATED ||
                t->kind == SR_TL_COMPLETED;
      int page = t->kind == SR_TL_PAGE_SENT || t->kind == SR_TL_PAGE_ACCEPTED;
      size_t limit = eng ? x->n[N_ENGAGEMENTS] : x->n[N_PAGES];
      if ((eng || page) && (t->a < 1 || (uint64_t)t->a > limit))
        return corrupt(d, "timeline event reference");
    }
    sr_incident *inc = &SR_AT(e->incidents, t->incident);
    if (inc->last_tl == SR_NONE)
      inc->first_tl = (uint32_t)i;
    else
      SR_AT(e->tl, inc->last_tl).next = (uint32_t)i;
    inc->last_tl = (uint32_t)i;
    if (!t->deleted) inc->tl_live++;
  }
  return d->rc;
}

static int get_heartbeats(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  size_t n = x->n[N_HEARTBEATS];
  if (d->rc) return d->rc;
  e->heartbeats = sr_calloc(&e->mem, n ? n : 1, sizeof *e->heartbeats);
  if (!e->heartbeats) {
    nomem(d);
    return d->rc;
  }
  e->heartbeat_cap = n ? n : 1;
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_heartbeat *hb = &e->heartbeats[e->heartbeat_count++];
    hb->plan = get_ix(d, x->n[N_RPLANS], "heartbeat response plan");
    hb->interval = (uint32_t)get(d, 1, 43200, "heartbeat interval");
    hb->resolve_on_beat = get_flag(d, "heartbeat resolve on beat");
    hb->deleted = get_flag(d, "heartbeat deleted");
    hb->missed = get_flag(d, "heartbeat missed");
    hb->last_beat = get_any(d);
    hb->gen = get_u32(d, "heartbeat gen");
    hb->incident = (uint32_t)get(d, 0, (int64_t)x->n[N_INCIDENTS], "heartbeat incident");
    hb->name = get_dup(d);
    if (d->rc) return d->rc;
    if (hb->deleted) continue;
    sr_rplan *rp = &e->rplans[hb->plan];
    if (!rp->p) return corrupt(d, "a heartbeat of a deleted response plan");
    rp->heartbeats++;
    map_add(d, &e->heartbeat_names, hb->name, (uint32_t)i, "two heartbeats with one name");
  }
  return d->rc;
}

static int get_analyses(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  size_t n = x->n[N_ANALYSES];
  if (d->rc) return d->rc;
  e->analyses = sr_calloc(&e->mem, n ? n : 1, sizeof *e->analyses);
  if (!e->analyses) {
    nomem(d);
    return d->rc;
  }
  e->analysis_cap = n ? n : 1;
  for (size_t i = 0; i < n && !d->rc; i++) {
    sr_analysis *a = &e->analyses[e->analysis_count++];
    a->incident = get_ix(d, x->n[N_INCIDENTS], "analysis incident");
    a->created = get_any(d);
    if (d->rc) return d->rc;
    sr_incident *inc = &SR_AT(e->incidents, a->incident);
    if (inc->analysis) return corrupt(d, "two analyses of one incident");
    inc->analysis = (uint32_t)i + 1;
    size_t nq = get_count(d, SNAP_MAX_QUESTIONS, "analysis questions");
    if (d->rc) return d->rc;
    a->questions = sr_calloc(&e->mem, nq ? nq : 1, sizeof *a->questions);
    if (!a->questions) return nomem(d);
    for (size_t k = 0; k < nq && !d->rc; k++) {
      sr_question *q = &a->questions[a->question_count++];
      uint8_t has_answer = get_flag(d, "analysis answer");
      q->s = get_pack(d, 2);
      if (has_answer) q->answer = get_dup(d);
    }
    size_t nt = get_count(d, SIZE_MAX, "analysis timeline");
    if (d->rc) return d->rc;
    a->tl = sr_calloc(&e->mem, nt ? nt : 1, sizeof *a->tl);
    if (!a->tl) return nomem(d);
    for (size_t k = 0; k < nt && !d->rc; k++) {
      sr_frozen *f = &a->tl[a->tl_count++];
      f->id = (siren_id)get(d, 1, INT64_MAX, "frozen event id");
      f->time = get_any(d);
      f->updated = get_any(d);
      f->automatic = get_flag(d, "frozen event automatic");
      f->ref_count = (uint32_t)get(d, 0, SNAP_MAX_REFS, "frozen event references");
      if (d->rc) return d->rc;
      f->s = get_pack(d, 2 + f->ref_count);
    }
    size_t ni = get_count(d, SIZE_MAX, "analysis related items");
    if (d->rc) return d->rc;
    a->items = sr_calloc(&e->mem, ni ? ni : 1, sizeof *a->items);
    if (!a->items) return nomem(d);
    for (size_t k = 0; k < ni && !d->rc; k++) {
      sr_item *it = &a->items[a->item_count++];
      it->type = (uint8_t)get(d, SIREN_ITEM_ANALYSIS, SIREN_ITEM_INVOLVED_RESOURCE,
                              "analysis item type");
      it->s = get_pack(d, 2);
    }
    size_t na = get_count(d, SIZE_MAX, "analysis action items");
    if (d->rc) return d->rc;
    if (na) {
      a->actions = sr_calloc(&e->mem, na, sizeof *a->actions);
      if (!a->actions) return nomem(d);
      a->action_cap = na;
    }
    for (size_t k = 0; k < na && !d->rc; k++) {
      sr_action *ac = &a->actions[a->action_count++];
      ac->due = get_any(d);
      ac->status = (uint8_t)get(d, SIREN_ACTION_OPEN, SIREN_ACTION_CLOSED, "action item status");
      ac->s = get_pack(d, 2);
    }
  }
  return d->rc;
}

/* What can be checked only once everything is read: plan targets against
 * what they name, escalation plans free of cycles (build_plan's rule, which
 * keeps plan walks finite), every engagement's root run. */
static int check_links(restore *x) {
  rd *d = &x->d;
  siren_engine *e = d->e;
  if (d->rc) return d->rc;
  for (size_t i = 0; i < x->plan_count; i++) {
    const sr_plan *p = x->plans[i];
    for (uint32_t s = 0; s < p->stage_count; s++)
      for (uint32_t k = 0; k < p->stages[s].target_count; k++) {
        uint32_t ref = p->stages[s].targets[k].ref;
        if (((x->plan_use[i] & 1) &&
             (ref >= e->channel_count || p->stages[s].targets[k].retry_minutes > 60)) ||
            ((x->plan_use[i] & 2) && ref >= e->contact_count))
          return corrupt(d, "plan target");
      }
  }
  /* Kahn's algorithm over "escalation contact -> target contact". */
  size_t n = e->contact_count;
  uint32_t *indeg = sr_calloc(&e->mem, n ? n : 1, sizeof *indeg);
  uint32_t *queue = sr_calloc(&e->mem, n ? n : 1, sizeof *queue);
  if (!indeg || !queue) {
    nomem(d);
  } else {
    size_t head = 0, tail = 0;
    for (size_t c = 0; c < n; c++) {
      const sr_contact *ct = &e->contacts[c];
      if (ct->type != SIREN_CONTACT_ESCALATION) continue;
      for (uint32_t s = 0; s < ct->plan->stage_count; s++)
        for (uint32_t k = 0; k < ct->plan->stages[s].target_count; k++)
          indeg[ct->plan->stages[s].targets[k].ref]++;
    }
    for (size_t c = 0; c < n; c++)
      if (!indeg[c]) queue[tail++] = (uint32_t)c;
    while (head < tail) {
      const sr_contact *ct = &e->contacts[queue[head++]];
      if (ct->type != SIREN_CONTACT_ESCALATION) continue;
      for (uint32_t s = 0; s < ct->plan->stage_count; s++)
        for (uint32_t k = 0; k < ct->plan->stages[s].target_count; k++)
          if (--indeg[ct->plan->stages[s].targets[k].ref] == 0)
            queue[tail++] = ct->plan->stages[s].targets[k].ref;
    }
    if (tail != n) corrupt(d, "escalation plans in a cycle");
  }
  sr_free(&e->mem, indeg);
  sr_free(&e->mem, queue);
  for (size_t i = 0; i < e->rt.engagement_count && !d->rc; i++) {
    const sr_engagement *en = &SR_AT(e->rt.engagements, i);
    const sr_run *root = &SR_AT(e->rt.runs, en->root);
    if (root->engagement != i || root->parent != SR_NONE || root->contact != en->contact)
      corrupt(d, "engagement root run");
  }
  if (!d->rc && (d->i != d->r->int_count || d->s != d->r->str_count))
    corrupt(d, "data after the end");
  return d->rc;
}

static int empty(const siren_engine *e) {
  return !e->contacts && !e->channels && !e->aliases.slots && !e->rt.engagements && !e->rt.runs &&
         !e->rt.pages && !e->rt.heap && !e->rt.tokens.slots && !e->rplans && !e->rplan_names.slots &&
         !e->incidents && !e->dedupe.slots && !e->incident_tokens.slots && !e->tl &&
         !e->heartbeats && !e->heartbeat_names.slots && !e->analyses;
}

int sr_snapshot_restore(siren_engine *e, const sr_rec *r) {
  if (r->type != SR_REC_SNAPSHOT) return sr_err(e, SIREN_ECORRUPT, "not a snapshot");
  if (!empty(e)) return sr_err(e, SIREN_ECORRUPT, "a snapshot restores into an empty engine only");
  /* The scratch engine shares the host table, allocator and clock; it gets
   * none of e's buffers, so that freeing it after a failure cannot touch
   * them. */
  siren_engine *t = sr_alloc(&e->mem, sizeof *t);
  if (!t) return sr_err(e, SIREN_ENOMEM, "out of memory");
  memcpy(t, e, sizeof *t);
  t->busy = 0;
  t->prep = NULL;
  t->prep_count = t->prep_cap = 0;
  t->recbuf = t->sealbuf = NULL;
  t->recbuf_cap = t->sealbuf_cap = 0;
  t->problems = NULL;
  t->problems_len = t->problems_cap = 0;
  t->render = NULL;
  t->render_cap = 0;
  t->stash_frozen = NULL;
  t->preview_out = NULL;
  t->preview_cap = 0;

  restore x;
  memset(&x, 0, sizeof x);
  x.d.e = t;
  x.d.r = r;
  rd *d = &x.d;
  if (get(d, SNAP_VERSION, SNAP_VERSION, "unknown snapshot format version") == SNAP_VERSION) {
    t->det_rng = (uint64_t)get_any(d);
    t->rt.timer_seq = (uint64_t)get(d, 0, (int64_t)SR_TIMER_SEQ_MAX - 1, "timer sequence");
    for (int k = 0; k < N_COUNT; k++) x.n[k] = get_count(d, UINT32_MAX - 1, "count");
    /* Failed pages are pages: a longer list repeats one. */
    if (!d->rc && x.n[N_FAILED] > x.n[N_PAGES]) corrupt(d, "failed list");
  }
  if (!d->rc) {
    size_t np = x.n[N_PLANS];
    x.plans = sr_calloc(&t->mem, np ? np : 1, sizeof *x.plans);
    x.plan_use = sr_calloc(&t->mem, np ? np : 1, 1);
    if (!x.plans || !x.plan_use) nomem(d);
  }
  get_plans(&x);
  get_directory(&x);
  get_engagements(&x);
  get_runs(&x);
  get_pages(&x);
  get_timers(&x);
  get_rplans(&x);
  get_incidents(&x);
  share_engagement_strings(&x);
  get_timeline(&x);
  get_heartbeats(&x);
  get_analyses(&x);
  check_links(&x);

  /* Restore's own hold on each plan goes; contacts and runs hold the rest. */
  for (size_t i = 0; i < x.plan_count; i++) sr_plan_release(t, x.plans[i]);
  sr_free(&t->mem, x.plans);
  sr_free(&t->mem, x.plan_use);
  int rc = d->rc;
  if (rc) {
    memcpy(e->errmsg, t->errmsg, sizeof e->errmsg);
    siren_engine_free(t);
    return rc;
  }
  /* Move the state in; e keeps its own buffers. */
  t->prep = e->prep;
  t->prep_count = e->prep_count;
  t->prep_cap = e->prep_cap;
  t->recbuf = e->recbuf;
  t->recbuf_cap = e->recbuf_cap;
  t->sealbuf = e->sealbuf;
  t->sealbuf_cap = e->sealbuf_cap;
  t->problems = e->problems;
  t->problems_len = e->problems_len;
  t->problems_cap = e->problems_cap;
  t->render = e->render;
  t->render_cap = e->render_cap;
  t->stash_frozen = e->stash_frozen;
  t->preview_out = e->preview_out;
  t->preview_cap = e->preview_cap;
  t->busy = e->busy;
  memcpy(t->errmsg, e->errmsg, sizeof e->errmsg);
  sr_mem mem = e->mem;
  memcpy(e, t, sizeof *e);
  sr_free(&mem, t);
  return SIREN_OK;
}
