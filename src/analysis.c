/*
 * Post-incident analysis: made once an incident is RESOLVED, it freezes a
 * copy of the incident's timeline (rendered as it read at that moment) and
 * related items, and holds the answers to a question template and the
 * action items that came out of the review.
 *
 * Records: ANALYSIS_CREATE (incident; questions as section/text pairs, none
 * for the default template), ANALYSIS_ANSWER, ACTION_ADD, ACTION_STATUS.
 */
#include <string.h>

#include "internal.h"

#define MAX_QUESTIONS 100
#define MAX_ANSWER 12000

/* The default template: the four sections AWS's default analysis template
 * walks through, with questions a review should answer. */
static const char *const default_questions[][2] = {
    {"Detection", "How was the incident detected, and by whom or what?"},
    {"Detection", "How long after the impact began was it detected?"},
    {"Detection", "Could it have been detected sooner? How?"},
    {"Diagnosis", "How long did it take to find the cause?"},
    {"Diagnosis", "What information or tools were missing or misleading?"},
    {"Mitigation", "What mitigated the impact, and when?"},
    {"Mitigation", "Could a runbook or automation have mitigated it sooner?"},
    {"Prevention", "What was the root cause?"},
    {"Prevention", "What changes will prevent it from happening again?"},
    {"Prevention", "Could a similar incident happen elsewhere?"},
};
#define DEFAULT_COUNT (sizeof default_questions / sizeof default_questions[0])

static int find_analysis(siren_engine *e, siren_id id, sr_analysis **out) {
  if (id == 0 || id > e->analysis_count)
    return sr_err(e, SIREN_ENOTFOUND, "no analysis %llu", (unsigned long long)id);
  *out = &e->analyses[id - 1];
  return SIREN_OK;
}

/* --------------------------------------------------------------- commands */

SIREN_EXTERN int siren_analysis_create(siren_id *id, siren_engine *e, siren_id incident,
                                       const siren_question *q, size_t n) {
  if (id) *id = 0;
  if (!id || !e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (incident == 0 || incident > e->incident_count)
    return sr_err(e, SIREN_ENOTFOUND, "no incident %llu", (unsigned long long)incident);
  const sr_incident *inc = &SR_AT(e->incidents, incident - 1);
  if (inc->status != SIREN_INCIDENT_RESOLVED)
    return sr_err(e, SIREN_ESTATE, "incident %llu is not resolved", (unsigned long long)incident);
  if (inc->analysis)
    return sr_err(e, SIREN_ESTATE, "incident %llu already has analysis %u",
                  (unsigned long long)incident, inc->analysis);
  if (n > MAX_QUESTIONS) return sr_err(e, SIREN_EINVAL, "at most %d questions", MAX_QUESTIONS);
  if (n && !q) return sr_err(e, SIREN_EINVAL, "questions is NULL");
  for (size_t i = 0; i < n; i++) {
    if (q[i].version == 0 || q[i].version > SIREN_QUESTION_VERSION)
      return sr_err(e, SIREN_EVERSION, "questions[%zu]: version %u", i, q[i].version);
    size_t sl = q[i].section ? strlen(q[i].section) : 0, tl = q[i].text ? strlen(q[i].text) : 0;
    if (sl < 1 || sl > 200) return sr_err(e, SIREN_EINVAL, "questions[%zu].section must be 1-200 bytes", i);
    if (tl < 1 || tl > 2000) return sr_err(e, SIREN_EINVAL, "questions[%zu].text must be 1-2000 bytes", i);
  }
  sr_rec r;
  sr_rec_init(&r, SR_REC_ANALYSIS_CREATE);
  r.time = e->now;
  int bad = sr_rec_int(&e->mem, &r, (int64_t)incident);
  for (size_t i = 0; i < n; i++)
    bad |= sr_rec_str(&e->mem, &r, q[i].section) | sr_rec_str(&e->mem, &r, q[i].text);
  if (bad) {
    sr_rec_free(&e->mem, &r);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  if (rc == SIREN_OK) *id = (siren_id)e->analysis_count;
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_analysis_answer(siren_engine *e, siren_id analysis, uint32_t i,
                                       const char *answer) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_analysis *a = NULL;
  if ((rc = find_analysis(e, analysis, &a))) return rc;
  if (i >= a->question_count)
    return sr_err(e, SIREN_ENOTFOUND, "analysis %llu has no question %u",
                  (unsigned long long)analysis, i);
  if (!answer || strlen(answer) > MAX_ANSWER)
    return sr_err(e, SIREN_EINVAL, "answer must be 0-%d bytes", MAX_ANSWER);
  sr_rec r;
  sr_rec_init(&r, SR_REC_ANALYSIS_ANSWER);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)analysis);
  sr_rec_int(&e->mem, &r, i);
  sr_rec_str(&e->mem, &r, answer);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_analysis_add_action_item(uint32_t *index, siren_engine *e,
                                                siren_id analysis,
                                                const siren_action_item *item) {
  if (index) *index = 0;
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_analysis *a = NULL;
  if ((rc = find_analysis(e, analysis, &a))) return rc;
  if (!item) return sr_err(e, SIREN_EINVAL, "item is NULL");
  if (item->version == 0 || item->version > SIREN_ACTION_ITEM_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_action_item version %u", item->version);
  size_t tl = item->title ? strlen(item->title) : 0, ol = item->owner ? strlen(item->owner) : 0;
  if (tl < 1 || tl > 200) return sr_err(e, SIREN_EINVAL, "title must be 1-200 bytes");
  if (ol > 255) return sr_err(e, SIREN_EINVAL, "owner must be at most 255 bytes");
  if (item->due_time < 0) return sr_err(e, SIREN_EINVAL, "due_time must not be negative");
  if (a->action_count >= 1000) return sr_err(e, SIREN_EINVAL, "at most 1000 action items");
  sr_rec r;
  sr_rec_init(&r, SR_REC_ACTION_ADD);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)analysis);
  sr_rec_int(&e->mem, &r, item->due_time);
  sr_rec_str(&e->mem, &r, item->title);
  sr_rec_str(&e->mem, &r, item->owner);
  rc = sr_exec(e, &r);
  if (rc == SIREN_OK && index) *index = (uint32_t)e->analyses[analysis - 1].action_count - 1;
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_analysis_set_action_item_status(siren_engine *e, siren_id analysis,
                                                       uint32_t index,
                                                       siren_action_status status) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_analysis *a = NULL;
  if ((rc = find_analysis(e, analysis, &a))) return rc;
  if (index >= a->action_count)
    return sr_err(e, SIREN_ENOTFOUND, "analysis %llu has no action item %u",
                  (unsigned long long)analysis, index);
  if (status != SIREN_ACTION_OPEN && status != SIREN_ACTION_CLOSED)
    return sr_err(e, SIREN_EINVAL, "status must be OPEN or CLOSED");
  if (a->actions[index].status == status)
    return sr_err(e, SIREN_ESTATE, "action item %u is already %s", index,
                  status == SIREN_ACTION_OPEN ? "OPEN" : "CLOSED");
  sr_rec r;
  sr_rec_init(&r, SR_REC_ACTION_STATUS);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)analysis);
  sr_rec_int(&e->mem, &r, index);
  sr_rec_int(&e->mem, &r, status);
  return sr_end(e, sr_exec(e, &r));
}

/* -------------------------------------------------------- prepare/commit */

/* The frozen copy of an incident's timeline, in time order, and of its
 * related items: everything allocated here, kept as one prep block. */
typedef struct frozen_set {
  sr_frozen *tl;
  size_t tl_count;
  sr_item *items;
  size_t item_count;
  sr_question *questions;
  size_t question_count;
} frozen_set;

static void frozen_free(const sr_mem *m, frozen_set *f) {
  if (!f) return;
  for (size_t i = 0; i < f->tl_count; i++) sr_free(m, f->tl[i].s);
  for (size_t i = 0; i < f->item_count; i++) sr_free(m, f->items[i].s);
  for (size_t i = 0; i < f->question_count; i++) sr_free(m, f->questions[i].s);
  sr_free(m, f->tl);
  sr_free(m, f->items);
  sr_free(m, f->questions);
  memset(f, 0, sizeof *f);
}

static int freeze(siren_engine *e, const sr_rec *r, frozen_set *f) {
  const sr_mem *m = &e->mem;
  uint32_t ii = (uint32_t)(r->ints[0] - 1);
  const sr_incident *inc = &SR_AT(e->incidents, ii);
  siren_timeline_filter all = SIREN_TIMELINE_FILTER_INIT;
  size_t n = 0;
  /* The query's own sort and filter, so the copy reads as the timeline did. */
  siren_id *ids = sr_calloc(m, inc->tl_live ? inc->tl_live : 1, sizeof *ids);
  if (!ids) return SIREN_ENOMEM;
  int rc = siren_timeline_events(ids, inc->tl_live, &n, e, (siren_id)ii + 1, &all);
  if (rc) {
    sr_free(m, ids);
    return rc == SIREN_ENOMEM ? rc : SIREN_ERROR;
  }
  f->tl = sr_calloc(m, n ? n : 1, sizeof *f->tl);
  f->items = sr_calloc(m, inc->item_count ? inc->item_count : 1, sizeof *f->items);
  size_t nq = r->str_count ? r->str_count / 2 : DEFAULT_COUNT;
  f->questions = sr_calloc(m, nq, sizeof *f->questions);
  if (!f->tl || !f->items || !f->questions) goto nomem;
  for (size_t k = 0; k < n; k++) {
    const sr_tl *t = &SR_AT(e->tl, ids[k] - 1);
    const char *data = sr_tl_render(e, t);
    if (!data) goto nomem;
    const char *const *refs =
        t->ref_count ? (const char *const *)(t->kind == SR_TL_CUSTOM ? t->s + 2 : t->s + 1) : NULL;
    const char *v[2 + 10];
    v[0] = sr_tl_type_name(t);
    v[1] = data;
    for (uint32_t j = 0; j < t->ref_count && j < 10; j++) v[2 + j] = refs[j];
    sr_frozen *fz = &f->tl[f->tl_count];
    fz->s = sr_pack_cstr(m, v, 2 + t->ref_count);
    if (!fz->s) goto nomem;
    fz->id = ids[k];
    fz->time = t->time;
    fz->updated = t->updated;
    fz->automatic = t->kind != SR_TL_CUSTOM;
    fz->ref_count = t->ref_count;
    f->tl_count++;
  }
  for (size_t k = 0; k < inc->item_count; k++) {
    const char *v[2] = {inc->items[k].s[0], inc->items[k].s[1]};
    f->items[k].s = sr_pack_cstr(m, v, 2);
    if (!f->items[k].s) goto nomem;
    f->items[k].type = inc->items[k].type;
    f->item_count++;
  }
  for (size_t k = 0; k < nq; k++) {
    const char *v[2] = {r->str_count ? r->strs[2 * k].p : default_questions[k][0],
                        r->str_count ? r->strs[2 * k + 1].p : default_questions[k][1]};
    f->questions[k].s = sr_pack_cstr(m, v, 2);
    if (!f->questions[k].s) goto nomem;
    f->questions[k].answer = NULL;
    f->question_count++;
  }
  sr_free(m, ids);
  return SIREN_OK;
nomem:
  sr_free(m, ids);
  frozen_free(m, f);
  return SIREN_ENOMEM;
}

int sr_analysis_prepare(siren_engine *e, sr_rec *r) {
  switch (r->type) {
  case SR_REC_ANALYSIS_CREATE: {
    if (r->int_count != 1 || r->ints[0] < 1 || (uint64_t)r->ints[0] > e->incident_count ||
        (r->str_count & 1) || r->str_count > 2 * MAX_QUESTIONS)
      return SIREN_ECORRUPT;
    const sr_incident *inc = &SR_AT(e->incidents, r->ints[0] - 1);
    if (inc->status != SIREN_INCIDENT_RESOLVED || inc->analysis) return SIREN_ECORRUPT;
    if (sr_grow(&e->mem, (void **)&e->analyses, &e->analysis_cap, e->analysis_count + 1,
                sizeof(sr_analysis)))
      return SIREN_ENOMEM;
    frozen_set *f = sr_calloc(&e->mem, 1, sizeof *f);
    if (!f) return SIREN_ENOMEM;
    int rc = freeze(e, r, f);
    if (rc) {
      sr_free(&e->mem, f);
      return rc;
    }
    /* Held until commit; a record that is not applied frees it through
     * sr_analysis_discard(). */
    e->stash_frozen = f;
    return SIREN_OK;
  }
  case SR_REC_ANALYSIS_ANSWER:
  case SR_REC_ACTION_STATUS:
  case SR_REC_ACTION_ADD: {
    size_t want_ints = r->type == SR_REC_ACTION_STATUS ? 3 : 2;
    size_t want_strs = r->type == SR_REC_ACTION_STATUS ? 0 : r->type == SR_REC_ACTION_ADD ? 2 : 1;
    if (r->int_count != want_ints || r->str_count != want_strs || r->ints[0] < 1 ||
        (uint64_t)r->ints[0] > e->analysis_count)
      return SIREN_ECORRUPT;
    sr_analysis *a = &e->analyses[r->ints[0] - 1];
    if (r->type == SR_REC_ANALYSIS_ANSWER) {
      if (r->ints[1] < 0 || (uint64_t)r->ints[1] >= a->question_count) return SIREN_ECORRUPT;
      return sr_prep_str(e, &r->strs[0]);
    }
    if (r->type == SR_REC_ACTION_STATUS) {
      if (r->ints[1] < 0 || (uint64_t)r->ints[1] >= a->action_count ||
          (r->ints[2] != SIREN_ACTION_OPEN && r->ints[2] != SIREN_ACTION_CLOSED))
        return SIREN_ECORRUPT;
      return SIREN_OK;
    }
    if (sr_grow(&e->mem, (void **)&a->actions, &a->action_cap, a->action_count + 1,
                sizeof(sr_action)))
      return SIREN_ENOMEM;
    return sr_prep_keep(e, sr_pack(&e->mem, r->strs, 2));
  }
  default:
    return SIREN_ECORRUPT;
  }
}

void sr_analysis_discard(siren_engine *e) {
  if (!e->stash_frozen) return;
  frozen_free(&e->mem, e->stash_frozen);
  sr_free(&e->mem, e->stash_frozen);
  e->stash_frozen = NULL;
}

void sr_analysis_commit(siren_engine *e, sr_rec *r) {
  switch (r->type) {
  case SR_REC_ANALYSIS_CREATE: {
    frozen_set *f = e->stash_frozen;
    e->stash_frozen = NULL;
    uint32_t ai = (uint32_t)e->analysis_count++;
    sr_analysis *a = &e->analyses[ai];
    memset(a, 0, sizeof *a);
    a->incident = (uint32_t)(r->ints[0] - 1);
    a->created = r->time;
    a->tl = f->tl;
    a->tl_count = f->tl_count;
    a->items = f->items;
    a->item_count = f->item_count;
    a->questions = f->questions;
    a->question_count = f->question_count;
    sr_free(&e->mem, f);
    sr_incident *inc = &SR_AT(e->incidents, a->incident);
    inc->analysis = ai + 1;
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_ANALYSIS_CREATED, r->time);
    ev.incident = (siren_id)a->incident + 1;
    ev.incident_id = inc->fixed[0];
    ev.title = inc->title;
    ev.impact = inc->impact;
    ev.related = (siren_id)ai + 1;
    sr_emit(e, &ev);
    break;
  }
  case SR_REC_ANALYSIS_ANSWER: {
    sr_question *q = &e->analyses[r->ints[0] - 1].questions[r->ints[1]];
    sr_free(&e->mem, q->answer);
    q->answer = sr_prep_take(e, 0);
    break;
  }
  case SR_REC_ACTION_ADD: {
    sr_analysis *a = &e->analyses[r->ints[0] - 1];
    sr_action *ac = &a->actions[a->action_count++];
    ac->s = sr_prep_take(e, 0);
    ac->due = r->ints[1];
    ac->status = SIREN_ACTION_OPEN;
    break;
  }
  case SR_REC_ACTION_STATUS:
    e->analyses[r->ints[0] - 1].actions[r->ints[1]].status = (uint8_t)r->ints[2];
    break;
  default:
    break;
  }
}

void sr_analyses_free(siren_engine *e) {
  for (size_t i = 0; i < e->analysis_count; i++) {
    sr_analysis *a = &e->analyses[i];
    frozen_set f = {a->tl, a->tl_count, a->items, a->item_count, a->questions, a->question_count};
    for (size_t k = 0; k < a->question_count; k++) sr_free(&e->mem, a->questions[k].answer);
    frozen_free(&e->mem, &f);
    for (size_t k = 0; k < a->action_count; k++) sr_free(&e->mem, a->actions[k].s);
    sr_free(&e->mem, a->actions);
  }
  sr_free(&e->mem, e->analyses);
  sr_analysis_discard(e);
}

/* ---------------------------------------------------------------- queries */

SIREN_EXTERN int siren_analysis_get(siren_analysis_info *out, siren_engine *e, siren_id analysis) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_ANALYSIS_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_analysis_info version %u", out->version);
  sr_analysis *a = NULL;
  if ((rc = find_analysis(e, analysis, &a))) return rc;
  out->id = analysis;
  out->incident = (siren_id)a->incident + 1;
  out->creation_time = a->created;
  out->question_count = (uint32_t)a->question_count;
  out->answered_count = 0;
  for (size_t k = 0; k < a->question_count; k++)
    out->answered_count += a->questions[k].answer && a->questions[k].answer[0];
  out->timeline_event_count = (uint32_t)a->tl_count;
  out->related_item_count = (uint32_t)a->item_count;
  out->action_item_count = (uint32_t)a->action_count;
  out->open_action_item_count = 0;
  for (size_t k = 0; k < a->action_count; k++)
    out->open_action_item_count += a->actions[k].status == SIREN_ACTION_OPEN;
  return SIREN_OK;
}

static int item_query(siren_engine *e, unsigned int version, unsigned int max, const char *what,
                      siren_id analysis, sr_analysis **a) {
  int rc = sr_query(e);
  if (rc) return rc;
  if (version == 0 || version > max) return sr_err(e, SIREN_EVERSION, "%s version %u", what, version);
  return find_analysis(e, analysis, a);
}

SIREN_EXTERN int siren_analysis_question_at(siren_question *out, siren_engine *e,
                                            siren_id analysis, uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  sr_analysis *a = NULL;
  int rc = item_query(e, out->version, SIREN_QUESTION_VERSION, "siren_question", analysis, &a);
  if (rc) return rc;
  if (i >= a->question_count) return sr_err(e, SIREN_ENOTFOUND, "no question %u", i);
  out->section = a->questions[i].s[0];
  out->text = a->questions[i].s[1];
  out->answer = a->questions[i].answer ? a->questions[i].answer : "";
  return SIREN_OK;
}

SIREN_EXTERN int siren_analysis_timeline_at(siren_timeline_event *out, siren_engine *e,
                                            siren_id analysis, uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  sr_analysis *a = NULL;
  int rc = item_query(e, out->version, SIREN_TIMELINE_EVENT_VERSION, "siren_timeline_event",
                      analysis, &a);
  if (rc) return rc;
  if (i >= a->tl_count) return sr_err(e, SIREN_ENOTFOUND, "no timeline event %u", i);
  const sr_frozen *f = &a->tl[i];
  out->id = f->id;
  out->incident = (siren_id)a->incident + 1;
  out->event_type = f->s[0];
  out->event_time = f->time;
  out->updated_time = f->updated;
  out->event_data = f->s[1];
  out->reference_count = f->ref_count;
  out->references = f->ref_count ? (const char *const *)(f->s + 2) : NULL;
  out->automatic = f->automatic;
  return SIREN_OK;
}

SIREN_EXTERN int siren_analysis_related_item_at(siren_related_item *out, siren_engine *e,
                                                siren_id analysis, uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  sr_analysis *a = NULL;
  int rc = item_query(e, out->version, SIREN_RELATED_ITEM_VERSION, "siren_related_item",
                      analysis, &a);
  if (rc) return rc;
  if (i >= a->item_count) return sr_err(e, SIREN_ENOTFOUND, "no related item %u", i);
  out->type = (siren_related_item_type)a->items[i].type;
  out->value = a->items[i].s[0];
  out->title = a->items[i].s[1];
  return SIREN_OK;
}

SIREN_EXTERN int siren_analysis_action_item_at(siren_action_item *out, siren_engine *e,
                                               siren_id analysis, uint32_t index) {
  if (!out || !e) return SIREN_EINVAL;
  sr_analysis *a = NULL;
  int rc = item_query(e, out->version, SIREN_ACTION_ITEM_VERSION, "siren_action_item", analysis,
                      &a);
  if (rc) return rc;
  if (index >= a->action_count) return sr_err(e, SIREN_ENOTFOUND, "no action item %u", index);
  const sr_action *ac = &a->actions[index];
  out->title = ac->s[0];
  out->owner = ac->s[1];
  out->due_time = ac->due;
  out->status = (siren_action_status)ac->status;
  return SIREN_OK;
}
