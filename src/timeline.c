/*
 * Incident timelines: the automatic events siren writes as an incident moves
 * (incident.c and the scheduler hooks call sr_tl_add), the custom events
 * hosts add, change and delete (records TL_*), and the queries.
 *
 * Events live in one engine-wide vector, numbered from 1 in the order they
 * were written, chained per incident. An automatic event whose data is known
 * only from the engine's state (a page, an engagement) keeps two integers and
 * is rendered when read; the others keep the JSON text prepared with their
 * record. A custom event is (type, data, references) in one allocation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TL_MAX_DATA 12000
#define TL_MAX_REFS 10

/* ------------------------------------------------------------- helpers */

char **sr_pack(const sr_mem *m, const sr_str *v, size_t n) {
  size_t bytes = n * sizeof(char *);
  for (size_t i = 0; i < n; i++) bytes += v[i].n + 1;
  char **out = sr_alloc(m, bytes ? bytes : 1);
  if (!out) return NULL;
  char *p = (char *)(out + n);
  for (size_t i = 0; i < n; i++) {
    memcpy(p, v[i].p, v[i].n);
    p[v[i].n] = '\0';
    out[i] = p;
    p += v[i].n + 1;
  }
  return out;
}

char **sr_pack_cstr(const sr_mem *m, const char *const *v, size_t n) {
  sr_str tmp[64] = {{0, 0}};
  sr_str *s = n <= 64 ? tmp : sr_calloc(m, n, sizeof *s);
  if (!s) return NULL;
  for (size_t i = 0; i < n; i++) {
    s[i].p = v[i] ? v[i] : "";
    s[i].n = strlen(s[i].p);
  }
  char **out = sr_pack(m, s, n);
  if (s != tmp) sr_free(m, s);
  return out;
}

char **sr_pack_shared(const sr_mem *m, const char *const *v, size_t n, char *const *pool,
                      size_t pool_n) {
  static char empty[1];
  enum { MAX_SHARED = 16 };
  char *shared[MAX_SHARED];
  size_t bytes = n * sizeof(char *);
  if (n > MAX_SHARED) return sr_pack_cstr(m, v, n);
  for (size_t i = 0; i < n; i++) {
    const char *s = v[i] ? v[i] : "";
    shared[i] = s[0] ? NULL : empty;
    for (size_t k = 0; !shared[i] && k < pool_n; k++)
      if (pool[k] && strcmp(pool[k], s) == 0) shared[i] = pool[k];
    if (!shared[i]) bytes += strlen(s) + 1;
  }
  char **out = sr_alloc(m, bytes);
  if (!out) return NULL;
  char *p = (char *)(out + n);
  for (size_t i = 0; i < n; i++) {
    if (shared[i]) {
      out[i] = shared[i];
      continue;
    }
    size_t len = strlen(v[i]);
    memcpy(p, v[i], len + 1);
    out[i] = p;
    p += len + 1;
  }
  return out;
}

char **sr_pack_suffixes_str(const sr_mem *m, const sr_str *v, size_t n) {
  enum { MAX_STRS = 16 };
  size_t owner[MAX_STRS];
  if (n > MAX_STRS) return sr_pack(m, v, n);
  size_t bytes = n * sizeof(char *);
  for (size_t i = 0; i < n; i++) {
    /* The longest string (first of equals) that ends with this one owns
     * it; "ends with" is transitive, so an owner owns itself. */
    owner[i] = i;
    for (size_t k = 0; k < n; k++) {
      size_t o = owner[i];
      if (v[k].n < v[i].n || (v[k].n == v[o].n && k >= o) || v[k].n < v[o].n) continue;
      if (v[i].n == 0 || memcmp(v[k].p + v[k].n - v[i].n, v[i].p, v[i].n) == 0) owner[i] = k;
    }
    if (owner[i] == i) bytes += v[i].n + 1;
  }
  char **out = sr_alloc(m, bytes);
  if (!out) return NULL;
  char *p = (char *)(out + n);
  for (size_t i = 0; i < n; i++) {
    if (owner[i] != i) continue;
    if (v[i].n) memcpy(p, v[i].p, v[i].n);
    p[v[i].n] = '\0';
    out[i] = p;
    p += v[i].n + 1;
  }
  for (size_t i = 0; i < n; i++)
    if (owner[i] != i) out[i] = out[owner[i]] + v[owner[i]].n - v[i].n;
  return out;
}

char **sr_pack_suffixes(const sr_mem *m, const char *const *v, size_t n) {
  sr_str s[16];
  if (n > 16) return sr_pack_cstr(m, v, n);
  for (size_t i = 0; i < n; i++) {
    s[i].p = v[i] ? v[i] : "";
    s[i].n = strlen(s[i].p);
  }
  return sr_pack_suffixes_str(m, s, n);
}

static void buf_room(sr_buf *b, size_t extra) {
  if (b->failed) return;
  if (b->n + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + extra + 1) cap *= 2;
  char *p = sr_realloc(b->m, b->p, cap);
  if (!p) {
    b->failed = 1;
    return;
  }
  b->p = p;
  b->cap = cap;
}

void sr_buf_cat(sr_buf *b, const char *s, size_t n) {
  buf_room(b, n);
  if (b->failed) return;
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

void sr_buf_str(sr_buf *b, const char *s) { sr_buf_cat(b, s, strlen(s)); }

void sr_buf_json(sr_buf *b, const char *s) {
  sr_buf_cat(b, "\"", 1);
  const unsigned char *p = (const unsigned char *)s, *run = p;
  for (; *p; p++) {
    if (*p != '"' && *p != '\\' && *p >= 0x20) continue;
    /* Copy the run of plain bytes before it in one go, then the escape. */
    sr_buf_cat(b, (const char *)run, (size_t)(p - run));
    char esc[8];
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\';
      esc[1] = (char)*p;
      sr_buf_cat(b, esc, 2);
    } else {
      snprintf(esc, sizeof esc, "\\u%04x", *p);
      sr_buf_cat(b, esc, 6);
    }
    run = p + 1;
  }
  sr_buf_cat(b, (const char *)run, (size_t)(p - run));
  sr_buf_cat(b, "\"", 1);
}

void sr_buf_fmt(sr_buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = 1;
    return;
  }
  sr_buf_cat(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ------------------------------------------------------------ the vector */

int sr_tl_reserve(siren_engine *e, size_t extra) {
  return sr_chunks_grow(&e->mem, (void ***)&e->tl, &e->tl_cap, e->tl_count + extra, sizeof(sr_tl))
             ? SIREN_ENOMEM
             : SIREN_OK;
}

static void tl_link(siren_engine *e, uint32_t i) {
  sr_incident *inc = &SR_AT(e->incidents, SR_AT(e->tl, i).incident);
  if (inc->last_tl == SR_NONE)
    inc->first_tl = i;
  else
    SR_AT(e->tl, inc->last_tl).next = i;
  inc->last_tl = i;
  inc->tl_live++;
}

uint32_t sr_tl_add(siren_engine *e, uint32_t incident, uint8_t kind, int64_t t, uint32_t a,
                   uint32_t b, char **s, uint32_t ref_count) {
  uint32_t i = (uint32_t)e->tl_count++;
  sr_tl *ev = &SR_AT(e->tl, i);
  memset(ev, 0, sizeof *ev);
  ev->incident = incident;
  ev->kind = kind;
  ev->time = ev->updated = t;
  ev->a = a;
  ev->b = b;
  ev->s = s;
  ev->ref_count = ref_count;
  ev->next = SR_NONE;
  tl_link(e, i);
  return i;
}

void sr_timeline_free(siren_engine *e) {
  for (size_t i = 0; i < e->tl_count; i++) sr_free(&e->mem, SR_AT(e->tl, i).s);
  sr_chunks_free(&e->mem, (void **)e->tl, e->tl_cap);
  sr_free(&e->mem, e->render);
}

static const char *const kind_names[SR_TL_KIND_COUNT] = {
    "", "incident.created", "incident.deduplicated", "incident.updated", "incident.resolved",
    "incident.reopened", "incident.maintenance", "incident.reengaged", "engagement.started",
    "engagement.escalated", "engagement.completed", "page.sent",
    "page.accepted", "related_item.added", "related_item.removed", "runbook.pending",
    "runbook.started", "runbook.step", "runbook.finished", "schedule.nobody"};

const char *sr_tl_type_name(const sr_tl *t) {
  return t->kind == SR_TL_CUSTOM ? t->s[0] : kind_names[t->kind];
}

/* The references of an event: custom events keep them after type and data;
 * automatic ones after their data. */
static const char *const *tl_refs(const sr_tl *t) {
  if (!t->ref_count) return NULL;
  return (const char *const *)(t->kind == SR_TL_CUSTOM ? t->s + 2 : t->s + 1);
}

const char *sr_tl_render(siren_engine *e, const sr_tl *t) {
  if (t->kind == SR_TL_CUSTOM) return t->s[1];
  if (t->s) return t->s[0];
  sr_buf b = {&e->mem, e->render, 0, e->render_cap, 0};
  switch (t->kind) {
  case SR_TL_CREATED: {
    /* From the incident's unchanging strings: nothing stored per event. */
    char *const *f = SR_AT(e->incidents, t->incident).fixed;
    sr_buf_str(&b, "{\"title\":");
    sr_buf_json(&b, f[IF_TITLE0]);
    sr_buf_fmt(&b, ",\"impact\":%lld,\"responsePlan\":", (long long)t->a);
    sr_buf_json(&b, f[IF_PLAN]);
    sr_buf_str(&b, ",\"source\":");
    sr_buf_json(&b, f[IF_SOURCE]);
    sr_buf_str(&b, ",\"triggerArn\":");
    sr_buf_json(&b, f[IF_TRIGGER_ARN]);
    sr_buf_str(&b, "}");
    break;
  }
  case SR_TL_SCHEDULE_NOBODY:
    sr_tl_nobody_render(e, &b, t->a, t->b);
    break;
  case SR_TL_ENG_STARTED:
  case SR_TL_ESCALATED:
  case SR_TL_COMPLETED: {
    const sr_engagement *en = &SR_AT(e->rt.engagements, t->a - 1);
    sr_buf_fmt(&b, "{\"engagement\":%lld,\"contact\":", (long long)t->a);
    sr_buf_json(&b, e->contacts[en->contact].alias);
    if (t->kind == SR_TL_ESCALATED) sr_buf_fmt(&b, ",\"stage\":%lld", (long long)t->b);
    if (t->kind == SR_TL_COMPLETED)
      sr_buf_str(&b, t->b ? ",\"acknowledged\":true" : ",\"acknowledged\":false");
    sr_buf_str(&b, "}");
    break;
  }
  case SR_TL_PAGE_SENT:
  case SR_TL_PAGE_ACCEPTED: {
    const sr_page *pg = &SR_AT(e->rt.pages, t->a - 1);
    const sr_channel *ch = &e->channels[pg->channel];
    sr_buf_fmt(&b, "{\"page\":%lld,\"engagement\":%u,\"contact\":", (long long)t->a,
               pg->engagement + 1);
    sr_buf_json(&b, e->contacts[SR_PAGE_CONTACT(e, pg)].alias);
    sr_buf_str(&b, ",\"channel\":");
    sr_buf_json(&b, ch->name);
    sr_buf_str(&b, ",\"channelType\":");
    sr_buf_json(&b, ch->type);
    if (t->kind == SR_TL_PAGE_ACCEPTED)
      sr_buf_str(&b, t->b ? ",\"essential\":true" : ",\"essential\":false");
    sr_buf_str(&b, "}");
    break;
  }
  case SR_TL_RUNBOOK_FINISHED:
    /* Written without data only when a resolution cancelled the execution. */
    sr_buf_fmt(&b, "{\"execution\":%lld,\"runbook\":", (long long)t->a);
    sr_buf_json(&b, sr_exec_runbook_name(e, (uint64_t)t->a));
    sr_buf_str(&b, ",\"status\":");
    sr_buf_json(&b, siren_exec_status_name((siren_exec_status)t->b));
    sr_buf_str(&b, ",\"reason\":\"the incident was resolved\"}");
    break;
  default:
    sr_buf_str(&b, "{}");
    break;
  }
  e->render = b.p;
  e->render_cap = b.cap;
  return b.failed ? NULL : b.p;
}

/* ------------------------------------------------------------- commands */

static int find_incident(siren_engine *e, siren_id id, sr_incident **out) {
  if (id == 0 || id > e->incident_count)
    return sr_err(e, SIREN_ENOTFOUND, "no incident %llu", (unsigned long long)id);
  *out = &SR_AT(e->incidents, id - 1);
  return SIREN_OK;
}

static int find_event(siren_engine *e, siren_id incident, siren_id id, sr_tl **out) {
  if (id == 0 || id > e->tl_count || SR_AT(e->tl, id - 1).incident != incident - 1 ||
      SR_AT(e->tl, id - 1).deleted)
    return sr_err(e, SIREN_ENOTFOUND, "incident %llu has no timeline event %llu",
                  (unsigned long long)incident, (unsigned long long)id);
  *out = &SR_AT(e->tl, id - 1);
  return SIREN_OK;
}

static int check_input(siren_engine *e, const siren_timeline_event *in) {
  if (!in) return sr_err(e, SIREN_EINVAL, "event is NULL");
  if (in->version == 0 || in->version > SIREN_TIMELINE_EVENT_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_timeline_event version %u", in->version);
  if (!in->event_type ||
      (strcmp(in->event_type, "Custom Event") != 0 && strcmp(in->event_type, "Note") != 0))
    return sr_err(e, SIREN_EINVAL, "event_type must be \"Custom Event\" or \"Note\"");
  if (in->event_data && strlen(in->event_data) > TL_MAX_DATA)
    return sr_err(e, SIREN_EINVAL, "event_data must be at most %d bytes", TL_MAX_DATA);
  if (in->event_time < 0) return sr_err(e, SIREN_EINVAL, "event_time must not be negative");
  if (in->reference_count > TL_MAX_REFS)
    return sr_err(e, SIREN_EINVAL, "at most %d event references", TL_MAX_REFS);
  if (in->reference_count && !in->references)
    return sr_err(e, SIREN_EINVAL, "references is NULL");
  for (size_t i = 0; i < in->reference_count; i++) {
    size_t n = in->references[i] ? strlen(in->references[i]) : 0;
    if (n < 1 || n > 2048)
      return sr_err(e, SIREN_EINVAL, "references[%zu] must be 1-2048 bytes", i);
  }
  return SIREN_OK;
}

static int add_input(siren_engine *e, sr_rec *r, const siren_timeline_event *in) {
  int64_t t = in->event_time ? in->event_time : e->now;
  if (sr_rec_int(&e->mem, r, t) || sr_rec_int(&e->mem, r, (int64_t)in->reference_count) ||
      sr_rec_str(&e->mem, r, in->event_type) || sr_rec_str(&e->mem, r, in->event_data))
    return SIREN_ENOMEM;
  for (size_t i = 0; i < in->reference_count; i++)
    if (sr_rec_str(&e->mem, r, in->references[i])) return SIREN_ENOMEM;
  return SIREN_OK;
}

SIREN_EXTERN int siren_timeline_event_create(siren_id *id, siren_engine *e, siren_id incident,
                                             const siren_timeline_event *in) {
  if (id) *id = 0;
  if (!id || !e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc)) || (rc = check_input(e, in))) return rc;
  sr_rec r;
  sr_rec_init(&r, SR_REC_TL_CREATE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)incident);
  if (add_input(e, &r, in)) {
    sr_rec_free(&e->mem, &r);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  if (rc == SIREN_OK) *id = (siren_id)e->tl_count;
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_timeline_event_update(siren_engine *e, siren_id incident, siren_id event,
                                             const siren_timeline_event *in) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  sr_tl *t = NULL;
  if ((rc = find_incident(e, incident, &inc)) || (rc = find_event(e, incident, event, &t)))
    return rc;
  if (t->kind != SR_TL_CUSTOM)
    return sr_err(e, SIREN_ESTATE, "timeline event %llu is automatic: it cannot be changed",
                  (unsigned long long)event);
  if ((rc = check_input(e, in))) return rc;
  siren_timeline_event copy = *in;
  if (!copy.event_time) copy.event_time = t->time;
  sr_rec r;
  sr_rec_init(&r, SR_REC_TL_UPDATE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)incident);
  sr_rec_int(&e->mem, &r, (int64_t)event);
  if (add_input(e, &r, &copy)) {
    sr_rec_free(&e->mem, &r);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_timeline_event_delete(siren_engine *e, siren_id incident,
                                             siren_id event) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  sr_tl *t = NULL;
  if ((rc = find_incident(e, incident, &inc)) || (rc = find_event(e, incident, event, &t)))
    return rc;
  if (t->kind != SR_TL_CUSTOM)
    return sr_err(e, SIREN_ESTATE, "timeline event %llu is automatic: it cannot be deleted",
                  (unsigned long long)event);
  sr_rec r;
  sr_rec_init(&r, SR_REC_TL_DELETE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)incident);
  sr_rec_int(&e->mem, &r, (int64_t)event);
  return sr_end(e, sr_exec(e, &r));
}

/* -------------------------------------------------------- prepare/commit */

/* ints: incident, [event,] time, ref count; strs: type, data, refs. */
int sr_timeline_prepare(siren_engine *e, sr_rec *r) {
  size_t base = r->type == SR_REC_TL_UPDATE ? 1 : 0;
  if (r->int_count < 1 || r->ints[0] < 1 || (uint64_t)r->ints[0] > e->incident_count)
    return SIREN_ECORRUPT;
  if (r->type != SR_REC_TL_CREATE) {
    if (r->int_count < 2 || r->ints[1] < 1 || (uint64_t)r->ints[1] > e->tl_count ||
        SR_AT(e->tl, r->ints[1] - 1).incident != (uint32_t)(r->ints[0] - 1) ||
        SR_AT(e->tl, r->ints[1] - 1).kind != SR_TL_CUSTOM || SR_AT(e->tl, r->ints[1] - 1).deleted)
      return SIREN_ECORRUPT;
    if (r->type == SR_REC_TL_DELETE) return r->int_count == 2 ? SIREN_OK : SIREN_ECORRUPT;
  }
  if (r->int_count != base + 3 || r->ints[base + 2] < 0 || r->ints[base + 2] > TL_MAX_REFS ||
      r->str_count != 2 + (size_t)r->ints[base + 2])
    return SIREN_ECORRUPT;
  if (r->type == SR_REC_TL_CREATE && sr_tl_reserve(e, 1)) return SIREN_ENOMEM;
  return sr_prep_keep(e, sr_pack(&e->mem, r->strs, r->str_count));
}

static void tl_event(siren_engine *e, int64_t t, siren_id incident, siren_id id, const char *what) {
  siren_event ev;
  sr_event_init(&ev, SIREN_EVENT_TIMELINE_EVENT, t);
  ev.incident = incident;
  ev.related = id;
  ev.reason = what;
  ev.incident_id = SR_AT(e->incidents, incident - 1).fixed[0];
  sr_emit(e, &ev);
}

void sr_timeline_commit(siren_engine *e, sr_rec *r) {
  uint32_t inc = (uint32_t)(r->ints[0] - 1);
  if (r->type == SR_REC_TL_CREATE) {
    uint32_t i = sr_tl_add(e, inc, SR_TL_CUSTOM, r->ints[1], 0, 0, sr_prep_take(e, 0),
                           (uint32_t)r->ints[2]);
    SR_AT(e->tl, i).updated = r->time;
    tl_event(e, r->time, inc + 1, i + 1, "created");
    return;
  }
  sr_tl *t = &SR_AT(e->tl, r->ints[1] - 1);
  if (r->type == SR_REC_TL_DELETE) {
    t->deleted = 1;
    SR_AT(e->incidents, inc).tl_live--;
    tl_event(e, r->time, inc + 1, (siren_id)r->ints[1], "deleted");
    return;
  }
  sr_free(&e->mem, t->s);
  t->s = sr_prep_take(e, 0);
  t->time = r->ints[2];
  t->ref_count = (uint32_t)r->ints[3];
  t->updated = r->time;
  tl_event(e, r->time, inc + 1, (siren_id)r->ints[1], "updated");
}

/* --------------------------------------------------------------- queries */

SIREN_EXTERN int siren_timeline_event_get(siren_timeline_event *out, siren_engine *e,
                                          siren_id incident, siren_id event) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_TIMELINE_EVENT_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_timeline_event version %u", out->version);
  sr_incident *inc = NULL;
  sr_tl *t = NULL;
  if ((rc = find_incident(e, incident, &inc)) || (rc = find_event(e, incident, event, &t)))
    return rc;
  const char *data = sr_tl_render(e, t);
  if (!data) return sr_err(e, SIREN_ENOMEM, "out of memory");
  out->id = event;
  out->incident = incident;
  out->event_type = sr_tl_type_name(t);
  out->event_time = t->time;
  out->updated_time = t->updated;
  out->event_data = data;
  out->reference_count = t->ref_count;
  out->references = tl_refs(t);
  out->automatic = t->kind != SR_TL_CUSTOM;
  return SIREN_OK;
}

static int matches(const sr_tl *t, const siren_timeline_filter *f) {
  if (t->deleted) return 0;
  if (!f) return 1;
  if (f->after && !(t->time > f->after)) return 0;
  if (f->before && !(t->time < f->before)) return 0;
  if (f->event_type_count) {
    const char *type = sr_tl_type_name(t);
    size_t i = 0;
    while (i < f->event_type_count && strcmp(f->event_types[i], type) != 0) i++;
    if (i == f->event_type_count) return 0;
  }
  if (f->reference_count) {
    const char *const *refs = tl_refs(t);
    for (uint32_t k = 0; k < t->ref_count; k++)
      for (size_t i = 0; i < f->reference_count; i++)
        if (strcmp(refs[k], f->references[i]) == 0) return 1;
    return 0;
  }
  return 1;
}

typedef struct {
  int64_t time;
  uint32_t index;
} tl_key;

static int key_cmp(const void *a, const void *b) {
  const tl_key *x = a, *y = b;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

SIREN_EXTERN int siren_timeline_events(siren_id *ids, size_t cap, size_t *total, siren_engine *e,
                                       siren_id incident, const siren_timeline_filter *f) {
  if (!total || !e || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  if (f) {
    if (f->version == 0 || f->version > SIREN_TIMELINE_FILTER_VERSION)
      return sr_err(e, SIREN_EVERSION, "siren_timeline_filter version %u", f->version);
    if ((f->event_type_count && !f->event_types) || (f->reference_count && !f->references))
      return sr_err(e, SIREN_EINVAL, "a filter count is set with a NULL array");
    for (size_t i = 0; i < f->event_type_count; i++)
      if (!f->event_types[i]) return sr_err(e, SIREN_EINVAL, "event_types[%zu] is NULL", i);
    for (size_t i = 0; i < f->reference_count; i++)
      if (!f->references[i]) return sr_err(e, SIREN_EINVAL, "references[%zu] is NULL", i);
  }
  size_t n = 0;
  for (uint32_t i = inc->first_tl; i != SR_NONE; i = SR_AT(e->tl, i).next) n += matches(&SR_AT(e->tl, i), f);
  tl_key *keys = sr_calloc(&e->mem, n ? n : 1, sizeof *keys);
  if (!keys) return sr_err(e, SIREN_ENOMEM, "out of memory");
  n = 0;
  for (uint32_t i = inc->first_tl; i != SR_NONE; i = SR_AT(e->tl, i).next)
    if (matches(&SR_AT(e->tl, i), f)) keys[n++] = (tl_key){SR_AT(e->tl, i).time, i};
  qsort(keys, n, sizeof *keys, key_cmp);
  size_t skip = f ? f->skip : 0;
  size_t left = n > skip ? n - skip : 0;
  for (size_t k = 0; k < left && k < cap; k++) {
    size_t at = f && f->descending ? n - 1 - (skip + k) : skip + k;
    ids[k] = (siren_id)keys[at].index + 1;
  }
  sr_free(&e->mem, keys);
  *total = left;
  return SIREN_OK;
}
