/*
 * A host for the engine targets: a clock the target moves, notify that
 * remembers the last host action, storage that keeps every record in memory
 * (so a target can reopen an engine from what it wrote), and the counting
 * allocator from fuzz_common.h.
 */
#ifndef SIREN_FUZZ_HOST_H
#define SIREN_FUZZ_HOST_H

#include <string.h>

#include "fuzz_common.h"
#include "siren/siren.h"

#define FZ_T0 INT64_C(1767603600000) /* 2026-01-05T09:00:00Z */

/* A list of records: one byte buffer and each record's offset and length. */
typedef struct fz_records {
  uint8_t *bytes;
  size_t len, cap;
  size_t *off, *rlen;
  size_t n, ncap;
  size_t next; /* storage_next's position */
} fz_records;

typedef struct fz_host {
  int64_t now;
  fz_alloc alloc;
  fz_records rec;       /* what storage_append stored */
  const fz_records *in; /* what storage_next reads, or NULL */
  int fail_storage;     /* storage_append fails */
  /* the last SIREN_NOTIFY_ACTION */
  siren_id exec;
  char step[128];
  uint32_t attempt;
  uint32_t notified;
} fz_host;

static inline void fz_records_add(fz_records *r, const void *p, size_t n) {
  if (r->len + n > r->cap) {
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < r->len + n) cap *= 2;
    r->bytes = realloc(r->bytes, cap);
    FZ_CHECK(r->bytes != NULL);
    r->cap = cap;
  }
  if (r->n == r->ncap) {
    r->ncap = r->ncap ? r->ncap * 2 : 64;
    r->off = realloc(r->off, r->ncap * sizeof *r->off);
    r->rlen = realloc(r->rlen, r->ncap * sizeof *r->rlen);
    FZ_CHECK(r->off && r->rlen);
  }
  if (n) memcpy(r->bytes + r->len, p, n);
  r->off[r->n] = r->len;
  r->rlen[r->n] = n;
  r->n++;
  r->len += n;
}

static inline void fz_records_free(fz_records *r) {
  free(r->bytes);
  free(r->off);
  free(r->rlen);
  memset(r, 0, sizeof *r);
}

static int fz_cb_clock(int64_t *now, void *ud) {
  *now = ((fz_host *)ud)->now;
  return 0;
}

static int fz_cb_notify(const siren_notification *n, void *ud) {
  fz_host *h = ud;
  h->notified++;
  if (n->kind == SIREN_NOTIFY_ACTION) {
    h->exec = n->execution;
    snprintf(h->step, sizeof h->step, "%s", n->step ? n->step : "");
    h->attempt = n->attempt;
  }
  return 0;
}

static int fz_cb_append(const void *rec, size_t len, void *ud) {
  fz_host *h = ud;
  if (h->fail_storage) return -1;
  FZ_CHECK(siren_record_check(rec, len, NULL) == SIREN_OK);
  fz_records_add(&h->rec, rec, len);
  return 0;
}

static int fz_cb_next(const void **rec, size_t *len, void *ud) {
  fz_host *h = ud;
  const fz_records *r = h->in;
  if (!r || r->next >= r->n) {
    *rec = NULL;
    *len = 0;
    return 0;
  }
  size_t i = ((fz_records *)r)->next++;
  *rec = r->bytes + r->off[i];
  *len = r->rlen[i];
  return 0;
}

static void *fz_host_alloc(size_t n, void *ud) { return fz_alloc_fn(n, &((fz_host *)ud)->alloc); }
static void *fz_host_realloc(void *p, size_t n, void *ud) {
  return fz_realloc_fn(p, n, &((fz_host *)ud)->alloc);
}
static void fz_host_free(void *p, void *ud) { fz_free_fn(p, &((fz_host *)ud)->alloc); }

static inline siren_host fz_host_table(int with_storage) {
  siren_host t = SIREN_HOST_INIT;
  t.clock = fz_cb_clock;
  t.notify = fz_cb_notify;
  if (with_storage) t.storage_append = fz_cb_append;
  t.storage_next = fz_cb_next;
  t.mem_alloc = fz_host_alloc;
  t.mem_realloc = fz_host_realloc;
  t.mem_free = fz_host_free;
  return t;
}

static inline void fz_host_setup(fz_host *h) {
  memset(h, 0, sizeof *h);
  h->now = FZ_T0;
}

/* A hash of the input, to pick things (which allocation fails) from it. */
static inline uint32_t fz_hash(const uint8_t *data, size_t size) {
  uint32_t x = 2166136261u;
  for (size_t i = 0; i < size; i++) x = (x ^ data[i]) * 16777619u;
  return x;
}

/* Opens an engine from recs (all of them), checks the report against the
 * stream, and returns it (or NULL when open failed). */
static inline siren_engine *fz_reopen(fz_host *h, const fz_records *recs, siren_open_report *rep) {
  siren_host t = fz_host_table(1);
  siren_engine *e = NULL;
  ((fz_records *)recs)->next = 0;
  h->in = recs;
  siren_open_report_init(rep, SIREN_OPEN_REPORT_VERSION);
  int rc = siren_engine_open(&e, &t, NULL, h, rep);
  h->in = NULL;
  if (getenv("FZ_DEBUG")) fprintf(stderr, "snapshot: %d %s\n", rc, siren_errmsg(e));
  /* A build without runbooks refuses a stream with runbook records. */
  int refused = rc == SIREN_EUNSUPPORTED && !(siren_build_features() & SIREN_FEATURE_RUNBOOKS);
  FZ_CHECK(rc == SIREN_OK || rc == SIREN_ENOMEM || rc == SIREN_ECALLBACK || refused);
  if (rc == SIREN_ENOMEM) {
    FZ_CHECK(e == NULL);
    return NULL;
  }
  if (refused) {
    FZ_CHECK(e == NULL);
    FZ_CHECK(rep->stopped && rep->stop_code == rc && rep->stop_index == rep->records);
    FZ_CHECK(rep->stop_index < recs->n && rep->bytes == recs->off[rep->stop_index]);
    return NULL;
  }
  FZ_CHECK(e != NULL);
  FZ_CHECK(rep->records <= recs->n);
  FZ_CHECK(rep->stop_reason != NULL);
  if (!rep->stopped) {
    FZ_CHECK(rep->records == recs->n);
    FZ_CHECK(rep->bytes == recs->len);
    FZ_CHECK(rep->stop_reason[0] == '\0');
  } else {
    FZ_CHECK(rep->stop_code == SIREN_ECORRUPT || rep->stop_code == SIREN_EVERSION);
    FZ_CHECK(rep->stop_index == rep->records);
    FZ_CHECK(rep->stop_index < recs->n);
    FZ_CHECK(rep->bytes == recs->off[rep->stop_index]);
    FZ_CHECK(rep->stop_reason[0] != '\0');
  }
  uint64_t valid = 0;
  for (size_t i = 0; i < recs->n; i++) {
    if (siren_record_check(recs->bytes + recs->off[i], recs->rlen[i], NULL) != SIREN_OK) break;
    valid++;
  }
  /* A record siren_record_check refuses is never applied. */
  FZ_CHECK(rep->records <= valid);
  FZ_CHECK(siren_engine_record_count(e) == rep->last_sequence);
  FZ_CHECK((rep->records == 0) == (rep->last_sequence == 0));
  FZ_CHECK(rep->since_snapshot <= rep->records);
  return e;
}

static inline int fz_has_runbooks(siren_engine *e) {
  size_t n = 0;
  siren_executions(NULL, 0, &n, e);
  return siren_runbook_count(e) > 0 || n > 0;
}

/* Snapshots e into a fresh stream, reopens an engine from that one record
 * and checks that it holds the same named objects. */
static inline void fz_snapshot_roundtrip(fz_host *h, siren_engine *e) {
  fz_records saved = h->rec;
  memset(&h->rec, 0, sizeof h->rec);
  int rc = siren_engine_snapshot(e);
  /* Snapshot format 1 refuses engines with runbooks, rotations or
   * ONCALL_SCHEDULE contacts (ESTATE). Read the reason before another
   * call clears it. */
  int uncovered = rc == SIREN_ESTATE && strstr(siren_errmsg(e), "do not cover rotations");
  FZ_CHECK(rc == SIREN_OK || rc == SIREN_ENOMEM ||
           (rc == SIREN_ESTATE && (uncovered || fz_has_runbooks(e))));
  if (rc == SIREN_OK) {
    FZ_CHECK(h->rec.n == 1);
    unsigned type = 0;
    FZ_CHECK(siren_record_check(h->rec.bytes, h->rec.rlen[0], &type) == SIREN_OK);
    FZ_CHECK(type == SIREN_RECORD_SNAPSHOT);
    siren_open_report rep;
    siren_engine *e2 = fz_reopen(h, &h->rec, &rep);
    if (e2) {
      FZ_CHECK(!rep.stopped);
      FZ_CHECK(rep.records == 1);
      FZ_CHECK(siren_contact_count(e2) == siren_contact_count(e));
      for (uint32_t i = 0; i < siren_contact_count(e); i++)
        FZ_CHECK(strcmp(siren_contact_alias_at(e, i), siren_contact_alias_at(e2, i)) == 0);
      FZ_CHECK(siren_response_plan_count(e2) == siren_response_plan_count(e));
      FZ_CHECK(siren_runbook_count(e2) == siren_runbook_count(e));
      size_t n1 = 0, n2 = 0;
      siren_executions(NULL, 0, &n1, e);
      siren_executions(NULL, 0, &n2, e2);
      FZ_CHECK(n1 == n2);
      siren_id *ids = calloc(n1 + 1, sizeof *ids);
      FZ_CHECK(ids != NULL);
      siren_executions(ids, n1, &n1, e);
      for (size_t i = 0; i < n1; i++) {
        siren_execution_info a = SIREN_EXECUTION_INFO_INIT, b = SIREN_EXECUTION_INFO_INIT;
        int ra = siren_execution_get(&a, e, ids[i]), rb = siren_execution_get(&b, e2, ids[i]);
        FZ_CHECK(ra == SIREN_OK && rb == SIREN_OK);
        FZ_CHECK(a.status == b.status);
        FZ_CHECK(strcmp(a.current_step, b.current_step) == 0);
      }
      free(ids);
      siren_engine_free(e2);
    }
  }
  fz_records_free(&h->rec);
  h->rec = saved;
}

#endif
