/*
 * The fan-out storage adapter (replication set): quorum appends, backends
 * that fall behind and are caught up, the rule for an append that misses its
 * quorum, divergence, allocation failure, and an engine running the seed
 * scenario on three backends, one failing half-way, then opened from each.
 *
 * The backends are in-memory record arrays with a read cursor and knobs that
 * make their append, next or rewind fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testhost.h"

#define MAX_RECORDS 1024

typedef struct mstore {
  uint8_t *rec[MAX_RECORDS];
  size_t len[MAX_RECORDS];
  size_t n, cur;
  int fail_append, fail_next, fail_rewind;
  int limited;           /* with it, only `allow` more appends succeed */
  size_t allow;
  int reenter;           /* append tries to call back into the fan-out */
  size_t appends;        /* append calls, failed ones included */
  size_t rewinds;
} mstore;

static mstore st[3];
static siren_fanout *g_fan;
static int g_reenter_rc;

static th_host th, th2;
static siren_engine *g_engine, *g_engine2;

static void ms_push(mstore *m, const void *rec, size_t len) {
  assert_true(m->n < MAX_RECORDS);
  uint8_t *p = malloc(len ? len : 1);
  assert_non_null(p);
  if (len) memcpy(p, rec, len);
  m->rec[m->n] = p;
  m->len[m->n] = len;
  m->n++;
}

static void ms_clear(mstore *m) {
  for (size_t i = 0; i < m->n; i++) free(m->rec[i]);
  m->n = 0;
  m->cur = 0;
}

static int ms_append(const void *rec, size_t len, void *ud) {
  mstore *m = ud;
  m->appends++;
  if (m->reenter) {
    g_reenter_rc = siren_fanout_append(g_fan, "x", 1);
    siren_fanout_free(g_fan); /* must be ignored */
  }
  if (m->fail_append) return -1;
  if (m->limited) {
    if (m->allow == 0) return -1;
    m->allow--;
  }
  ms_push(m, rec, len);
  return 0;
}

static int ms_next(const void **rec, size_t *len, void *ud) {
  mstore *m = ud;
  if (m->fail_next) return -1;
  if (m->cur >= m->n) {
    *rec = NULL;
    *len = 0;
    return 0;
  }
  *rec = m->rec[m->cur];
  *len = m->len[m->cur];
  m->cur++;
  return 0;
}

static int ms_rewind(void *ud) {
  mstore *m = ud;
  if (m->fail_rewind) return -1;
  m->rewinds++;
  m->cur = 0;
  return 0;
}

static siren_storage backend(mstore *m) {
  siren_storage s = SIREN_STORAGE_INIT;
  s.append = ms_append;
  s.next = ms_next;
  s.rewind = ms_rewind;
  s.user_data = m;
  return s;
}

/* siren_fanout_new() takes pointers: an array of them over b[0..n-1]. */
static const siren_storage *const *ptrs(const siren_storage *b, size_t n) {
  static const siren_storage *p[17];
  for (size_t i = 0; i < n && i < 17; i++) p[i] = &b[i];
  return p;
}

/* A fan-out over the first n stores with the libc allocator. */
static siren_fanout *fan(size_t n, size_t quorum) {
  siren_storage b[3];
  for (size_t i = 0; i < n; i++) b[i] = backend(&st[i]);
  assert_int_equal(siren_fanout_new(&g_fan, ptrs(b, n), n, quorum, NULL), SIREN_OK);
  return g_fan;
}

static void put(siren_fanout *f, const char *s, int expect) {
  assert_int_equal(siren_fanout_append(f, s, strlen(s)), expect);
}

/* Store m holds exactly the records listed (NULL-terminated). */
static void holds(const mstore *m, const char *const *want) {
  size_t n = 0;
  for (; want[n]; n++) {
    assert_true(n < m->n);
    assert_int_equal(m->len[n], strlen(want[n]));
    assert_memory_equal(m->rec[n], want[n], m->len[n]);
  }
  assert_int_equal(m->n, n);
}

static void same_records(const mstore *a, const mstore *b) {
  assert_int_equal(a->n, b->n);
  for (size_t i = 0; i < a->n; i++) {
    assert_int_equal(a->len[i], b->len[i]);
    assert_memory_equal(a->rec[i], b->rec[i], a->len[i]);
  }
}

/* Reads the fan-out to its end; the records must be the listed ones. */
static void reads(siren_fanout *f, const char *const *want) {
  const void *r;
  size_t len;
  for (size_t i = 0; want[i]; i++) {
    assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_OK);
    assert_non_null(r);
    assert_int_equal(len, strlen(want[i]));
    assert_memory_equal(r, want[i], len);
  }
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_OK);
  assert_null(r);
  assert_int_equal(len, 0);
}

static int teardown(void **state) {
  (void)state;
  siren_fanout_free(g_fan);
  g_fan = NULL;
  for (size_t i = 0; i < 3; i++) {
    ms_clear(&st[i]);
    memset(&st[i], 0, sizeof st[i]);
  }
  siren_engine_free(g_engine);
  siren_engine_free(g_engine2);
  g_engine = g_engine2 = NULL;
  free(th.records);
  free(th2.records);
  memset(&th, 0, sizeof th);
  memset(&th2, 0, sizeof th2);
  g_reenter_rc = 0;
  return 0;
}

/* ----------------------------------------------------------- allocation */

static long a_count, a_live, a_fail_at;
static int a_bad_ud;

static void *t_alloc(size_t n, void *ud) {
  if (ud) a_bad_ud = 1;
  a_count++;
  if (a_fail_at && a_count >= a_fail_at) return NULL;
  void *p = malloc(n);
  if (p) a_live++;
  return p;
}

static void *t_realloc(void *p, size_t n, void *ud) {
  if (ud) a_bad_ud = 1;
  a_count++;
  if (a_fail_at && a_count >= a_fail_at) return NULL;
  void *q = realloc(p, n);
  if (q && !p) a_live++;
  return q;
}

static void t_free(void *p, void *ud) {
  if (ud) a_bad_ud = 1;
  if (p) a_live--;
  free(p);
}

static void *malloc_for_half_allocator_test(size_t n, void *ud) { return t_alloc(n, ud); }

/* ------------------------------------------------------------- creation */

static void new_rejects_bad_arguments(void **state) {
  (void)state;
  siren_storage b[17];
  for (size_t i = 0; i < 17; i++) b[i] = backend(&st[i % 3]);
  siren_fanout *f = (siren_fanout *)b; /* any non-NULL value: must be reset */
  assert_int_equal(siren_fanout_new(NULL, ptrs(b, 1), 1, 1, NULL), SIREN_EINVAL);
  assert_int_equal(siren_fanout_new(&f, NULL, 1, 1, NULL), SIREN_EINVAL);
  const siren_storage *holes[2] = {&b[0], NULL};
  assert_int_equal(siren_fanout_new(&f, holes, 2, 1, NULL), SIREN_EINVAL);
  assert_null(f);
  f = (siren_fanout *)b;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 0), 0, 0, NULL), SIREN_EINVAL);
  assert_null(f);
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 17), 17, 1, NULL), SIREN_EINVAL);
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 0, NULL), SIREN_EINVAL);
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 4, NULL), SIREN_EINVAL);
  assert_null(f);

  b[1].version = 0;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, NULL), SIREN_EVERSION);
  b[1].version = SIREN_STORAGE_VERSION + 1;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, NULL), SIREN_EVERSION);
  b[1] = backend(&st[1]);
  b[2].append = NULL;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, NULL), SIREN_EINVAL);
  b[2] = backend(&st[2]);
  b[2].next = NULL;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, NULL), SIREN_EINVAL);
  b[2] = backend(&st[2]);
  b[2].rewind = NULL;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, NULL), SIREN_EINVAL);
  b[2] = backend(&st[2]);
  assert_null(f);

  siren_host host = SIREN_HOST_INIT;
  host.version = 0;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, &host), SIREN_EVERSION);
  host.version = SIREN_HOST_VERSION + 1;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, &host), SIREN_EVERSION);
  host.version = SIREN_HOST_VERSION;
  host.mem_alloc = malloc_for_half_allocator_test;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 3), 3, 2, &host), SIREN_EINVAL);
  assert_null(f);

  /* 16 backends, quorum 16; a host with no allocator means libc; version 1
   * host tables are accepted. */
  host.mem_alloc = NULL;
  host.version = 1;
  assert_int_equal(siren_fanout_new(&f, ptrs(b, 16), 16, 16, &host), SIREN_OK);
  assert_non_null(f);
  for (size_t i = 0; i < 16; i++) assert_int_equal(siren_fanout_in_step(f, i), 1);
  assert_int_equal(siren_fanout_in_step(f, 16), 0);
  assert_int_equal(siren_fanout_reading(f), 0);
  siren_fanout_free(f);
  siren_fanout_free(NULL);

  /* NULL fan-out everywhere. */
  const void *r = b;
  size_t len = 9;
  uint64_t copied = 9;
  assert_int_equal(siren_fanout_append(NULL, "x", 1), SIREN_EINVAL);
  assert_int_equal(siren_fanout_next(NULL, &r, &len), SIREN_EINVAL);
  assert_null(r);
  assert_int_equal(len, 0);
  assert_int_equal(siren_fanout_reading(NULL), -1);
  assert_int_equal(siren_fanout_in_step(NULL, 0), 0);
  assert_int_equal(siren_fanout_catch_up(NULL, 0, &copied), SIREN_EINVAL);
  assert_int_equal(copied, 0);
}

/* The caller's array may change or go away after creation. */
static void new_copies_the_backends(void **state) {
  (void)state;
  siren_storage b[2] = {backend(&st[0]), backend(&st[1])};
  assert_int_equal(siren_fanout_new(&g_fan, ptrs(b, 2), 2, 2, NULL), SIREN_OK);
  memset(b, 0, sizeof b);
  put(g_fan, "r1", SIREN_OK);
  holds(&st[0], (const char *const[]){"r1", NULL});
  holds(&st[1], (const char *const[]){"r1", NULL});
  holds(&st[2], (const char *const[]){NULL});
  assert_int_equal(siren_fanout_append(g_fan, NULL, 1), SIREN_EINVAL);
  assert_int_equal(siren_fanout_append(g_fan, NULL, 0), SIREN_OK); /* an empty record */
  assert_int_equal(st[0].n, 2);
  assert_int_equal(st[0].len[1], 0);
}

/* Fails each allocation in turn: every failure is SIREN_ENOMEM with nothing
 * left allocated; the run that succeeds works and frees everything. The
 * allocator is the host's, called with user_data NULL. */
static void allocation_failure_in_new(void **state) {
  (void)state;
  siren_storage b[3] = {backend(&st[0]), backend(&st[1]), backend(&st[2])};
  siren_host host = SIREN_HOST_INIT;
  host.mem_alloc = t_alloc;
  host.mem_realloc = t_realloc;
  host.mem_free = t_free;
  int ok = 0;
  for (long k = 1; k < 100 && !ok; k++) {
    a_count = a_live = 0;
    a_fail_at = k;
    siren_fanout *f = (siren_fanout *)b;
    int rc = siren_fanout_new(&f, ptrs(b, 3), 3, 2, &host);
    if (rc == SIREN_ENOMEM) {
      assert_null(f);
      assert_int_equal(a_live, 0);
      continue;
    }
    assert_int_equal(rc, SIREN_OK);
    assert_int_equal(k, 2); /* one allocation: the fan-out itself */
    ok = 1;
    assert_int_equal(a_live, 1);
    long before = a_count;
    put(f, "r1", SIREN_OK);
    st[1].fail_append = 1;
    put(f, "r2", SIREN_OK);
    st[1].fail_append = 0;
    uint64_t copied = 0;
    assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_OK);
    assert_int_equal(copied, 1);
    reads(f, (const char *const[]){"r1", "r2", NULL});
    assert_int_equal(a_count, before); /* appends, reads, catch-ups allocate nothing */
    siren_fanout_free(f);
    assert_int_equal(a_live, 0);
  }
  assert_true(ok);
  assert_int_equal(a_bad_ud, 0);
}

/* --------------------------------------------------------------- quorum */

/* Quorum 2 of 3 with backend 1 failing: appends succeed, 1 falls behind and
 * gets nothing more; the catch-up copies exactly what it missed. */
static void quorum_two_of_three_one_failing(void **state) {
  (void)state;
  siren_fanout *f = fan(3, 2);
  put(f, "r1", SIREN_OK);
  put(f, "r2", SIREN_OK);
  st[1].fail_append = 1;
  put(f, "r3", SIREN_OK);
  assert_int_equal(siren_fanout_in_step(f, 0), 1);
  assert_int_equal(siren_fanout_in_step(f, 1), 0);
  assert_int_equal(siren_fanout_in_step(f, 2), 1);
  size_t calls = st[1].appends;
  st[1].fail_append = 0; /* recovered, but not caught up: still no appends */
  put(f, "r4", SIREN_OK);
  put(f, "r5", SIREN_OK);
  assert_int_equal(st[1].appends, calls);
  holds(&st[1], (const char *const[]){"r1", "r2", NULL});
  holds(&st[0], (const char *const[]){"r1", "r2", "r3", "r4", "r5", NULL});
  same_records(&st[0], &st[2]);

  /* Reads come from backend 0, rewound first. */
  assert_int_equal(siren_fanout_reading(f), 0);
  st[0].cur = 3;
  size_t rewinds = st[0].rewinds;
  const void *r;
  size_t len;
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_OK);
  assert_int_equal(st[0].rewinds, rewinds + 1);
  assert_int_equal(len, 2);
  assert_memory_equal(r, "r1", 2);
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_OK);
  assert_memory_equal(r, "r2", 2);
  assert_int_equal(st[0].rewinds, rewinds + 1); /* only the first call rewinds */

  uint64_t copied = 0;
  assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_OK);
  assert_int_equal(copied, 3);
  assert_int_equal(siren_fanout_in_step(f, 1), 1);
  same_records(&st[0], &st[1]);
  /* Caught up twice: nothing to do. */
  assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_OK);
  assert_int_equal(copied, 0);
  assert_int_equal(st[1].n, 5);
  /* Nor for the backend that would be the source. */
  copied = 9;
  assert_int_equal(siren_fanout_catch_up(f, 0, &copied), SIREN_OK);
  assert_int_equal(copied, 0);
  assert_int_equal(st[0].n, 5);

  /* In step again: appends reach it; the read started over. */
  put(f, "r6", SIREN_OK);
  for (size_t i = 0; i < 3; i++)
    holds(&st[i], (const char *const[]){"r1", "r2", "r3", "r4", "r5", "r6", NULL});
  reads(f, (const char *const[]){"r1", "r2", "r3", "r4", "r5", "r6", NULL});
}

/* When backend 0 falls behind, reads come from the next one in step. */
static void reading_skips_a_backend_that_fell_behind(void **state) {
  (void)state;
  siren_fanout *f = fan(3, 2);
  put(f, "r1", SIREN_OK);
  st[0].fail_append = 1;
  put(f, "r2", SIREN_OK);
  assert_int_equal(siren_fanout_in_step(f, 0), 0);
  assert_int_equal(siren_fanout_reading(f), 1);
  reads(f, (const char *const[]){"r1", "r2", NULL});
  assert_int_equal(st[0].rewinds, 0);
  assert_int_equal(st[1].rewinds, 1);
  /* 0 is caught up from 1 (the first in step). */
  st[0].fail_append = 0;
  uint64_t copied = 0;
  assert_int_equal(siren_fanout_catch_up(f, 0, &copied), SIREN_OK);
  assert_int_equal(copied, 1);
  assert_int_equal(siren_fanout_reading(f), 0);
  reads(f, (const char *const[]){"r1", "r2", NULL});
}

/* The read in progress falls behind: going on elsewhere would repeat
 * records, so it fails until a catch-up starts it over. */
static void a_read_does_not_switch_backends(void **state) {
  (void)state;
  siren_fanout *f = fan(2, 1);
  put(f, "r1", SIREN_OK);
  put(f, "r2", SIREN_OK);
  const void *r;
  size_t len;
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_OK);
  assert_memory_equal(r, "r1", 2);
  st[0].fail_append = 1;
  put(f, "r3", SIREN_OK); /* quorum 1: backend 1 alone */
  assert_int_equal(siren_fanout_in_step(f, 0), 0);
  assert_int_equal(siren_fanout_reading(f), -1);
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_ECALLBACK);
  assert_null(r);
  st[0].fail_append = 0;
  assert_int_equal(siren_fanout_catch_up(f, 0, NULL), SIREN_OK);
  reads(f, (const char *const[]){"r1", "r2", "r3", NULL});
}

/* Quorum missed: the backend that stored the record is ahead of the engine,
 * so it falls behind; the ones that failed stay in step. The engine
 * re-issues the sequence number with other bytes: the catch-up finds the
 * stray record (SIREN_ECORRUPT) until the backend is emptied. */
static void quorum_not_met_then_reissued_differently(void **state) {
  (void)state;
  siren_fanout *f = fan(3, 2);
  put(f, "r1", SIREN_OK);
  st[1].fail_append = 1;
  st[2].fail_append = 1;
  put(f, "r2-first", SIREN_ECALLBACK);
  assert_int_equal(siren_fanout_in_step(f, 0), 0);
  assert_int_equal(siren_fanout_in_step(f, 1), 1);
  assert_int_equal(siren_fanout_in_step(f, 2), 1);
  holds(&st[0], (const char *const[]){"r1", "r2-first", NULL});
  holds(&st[1], (const char *const[]){"r1", NULL});
  assert_int_equal(siren_fanout_reading(f), 1);
  reads(f, (const char *const[]){"r1", NULL}); /* what the engine has */

  st[1].fail_append = 0;
  st[2].fail_append = 0;
  size_t calls0 = st[0].appends;
  put(f, "r2-again", SIREN_OK);
  assert_int_equal(st[0].appends, calls0);
  holds(&st[1], (const char *const[]){"r1", "r2-again", NULL});
  same_records(&st[1], &st[2]);

  uint64_t copied = 9;
  assert_int_equal(siren_fanout_catch_up(f, 0, &copied), SIREN_ECORRUPT);
  assert_int_equal(copied, 0);
  assert_int_equal(siren_fanout_in_step(f, 0), 0);
  holds(&st[0], (const char *const[]){"r1", "r2-first", NULL}); /* untouched */

  ms_clear(&st[0]); /* the host rebuilds it from empty */
  assert_int_equal(siren_fanout_catch_up(f, 0, &copied), SIREN_OK);
  assert_int_equal(copied, 2);
  same_records(&st[0], &st[1]);
  reads(f, (const char *const[]){"r1", "r2-again", NULL});
}

/* The same, but the engine re-issues identical bytes: the stray record is
 * the right one after all, and the catch-up accepts it. */
static void quorum_not_met_then_reissued_identically(void **state) {
  (void)state;
  siren_fanout *f = fan(3, 2);
  put(f, "r1", SIREN_OK);
  st[1].fail_append = 1;
  st[2].fail_append = 1;
  put(f, "r2", SIREN_ECALLBACK);
  st[1].fail_append = 0;
  st[2].fail_append = 0;
  put(f, "r2", SIREN_OK);
  put(f, "r3", SIREN_OK);
  uint64_t copied = 9;
  assert_int_equal(siren_fanout_catch_up(f, 0, &copied), SIREN_OK);
  assert_int_equal(copied, 1);
  for (size_t i = 0; i < 3; i++) holds(&st[i], (const char *const[]){"r1", "r2", "r3", NULL});
}

/* Fewer in step than the quorum: no backend is called. And whatever fails,
 * one backend stays in step to catch the others up from. */
static void too_few_in_step_calls_no_backend(void **state) {
  (void)state;
  siren_fanout *f = fan(2, 2);
  st[1].fail_append = 1;
  put(f, "r1", SIREN_ECALLBACK);
  assert_int_equal(siren_fanout_in_step(f, 0), 0); /* it stored r1: ahead */
  assert_int_equal(siren_fanout_in_step(f, 1), 1); /* it failed: as the engine */
  st[1].fail_append = 0;
  size_t c0 = st[0].appends, c1 = st[1].appends;
  put(f, "r1", SIREN_ECALLBACK);
  assert_int_equal(st[0].appends, c0);
  assert_int_equal(st[1].appends, c1);
  assert_int_equal(siren_fanout_catch_up(f, 0, NULL), SIREN_ECORRUPT); /* holds more */
  ms_clear(&st[0]);
  assert_int_equal(siren_fanout_catch_up(f, 0, NULL), SIREN_OK);
  put(f, "r1", SIREN_OK);
  holds(&st[0], (const char *const[]){"r1", NULL});
  holds(&st[1], (const char *const[]){"r1", NULL});

  /* One backend, quorum 1: a failed append leaves it in step, as plain
   * storage would be. */
  siren_fanout_free(g_fan);
  f = fan(1, 1);
  st[0].fail_append = 1;
  put(f, "r2", SIREN_ECALLBACK);
  assert_int_equal(siren_fanout_in_step(f, 0), 1);
  st[0].fail_append = 0;
  put(f, "r2", SIREN_OK);
  reads(f, (const char *const[]){"r1", "r2", NULL});

  /* Every backend failing at once: all stay in step. */
  siren_fanout_free(g_fan);
  f = fan(3, 2);
  for (size_t i = 0; i < 3; i++) st[i].fail_append = 1;
  put(f, "r3", SIREN_ECALLBACK);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(siren_fanout_in_step(f, i), 1);
    st[i].fail_append = 0;
  }
  put(f, "r3", SIREN_OK);
  holds(&st[2], (const char *const[]){"r3", NULL});
}

/* ------------------------------------------------------------ divergence */

static void divergence_is_corrupt(void **state) {
  (void)state;
  siren_fanout *f = fan(2, 1);
  put(f, "r1", SIREN_OK);
  st[1].fail_append = 1;
  put(f, "r2", SIREN_OK);
  put(f, "r3", SIREN_OK);
  st[1].fail_append = 0;

  /* A different record at the same place. */
  ms_push(&st[1], "rX", 2);
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECORRUPT);
  assert_int_equal(siren_fanout_in_step(f, 1), 0);
  assert_int_equal(st[1].n, 2);
  /* A torn record: a strict prefix of the source's. */
  ms_clear(&st[1]);
  ms_push(&st[1], "r1", 2);
  ms_push(&st[1], "r", 1);
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECORRUPT);
  /* More records than the source. */
  ms_clear(&st[1]);
  ms_push(&st[1], "r1", 2);
  ms_push(&st[1], "r2", 2);
  ms_push(&st[1], "r3", 2);
  ms_push(&st[1], "r4", 2);
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECORRUPT);
  assert_int_equal(siren_fanout_in_step(f, 1), 0);
  /* A true prefix, even a complete one. */
  ms_clear(&st[1]);
  ms_push(&st[1], "r1", 2);
  ms_push(&st[1], "r2", 2);
  ms_push(&st[1], "r3", 2);
  uint64_t copied = 9;
  assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_OK);
  assert_int_equal(copied, 0);
  assert_int_equal(siren_fanout_in_step(f, 1), 1);
}

/* -------------------------------------------------------- backend errors */

static void backend_call_failures(void **state) {
  (void)state;
  siren_fanout *f = fan(2, 1);
  const void *r;
  size_t len;
  uint64_t copied;
  put(f, "r1", SIREN_OK);
  st[1].fail_append = 1;
  put(f, "r2", SIREN_OK);
  put(f, "r3", SIREN_OK);
  st[1].fail_append = 0;
  assert_int_equal(siren_fanout_catch_up(f, 2, NULL), SIREN_EINVAL);

  /* Reads. */
  st[0].fail_rewind = 1;
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_ECALLBACK);
  st[0].fail_rewind = 0;
  st[0].fail_next = 1;
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_ECALLBACK);
  assert_null(r);
  st[0].fail_next = 0;
  assert_int_equal(siren_fanout_next(f, NULL, &len), SIREN_EINVAL);
  assert_int_equal(siren_fanout_next(f, &r, NULL), SIREN_EINVAL);
  assert_int_equal(siren_fanout_next(f, &r, &len), SIREN_OK);
  assert_memory_equal(r, "r1", 2);

  /* Catch-up: each backend call failing leaves 1 behind. */
  st[0].fail_rewind = 1;
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECALLBACK);
  st[0].fail_rewind = 0;
  st[1].fail_rewind = 1;
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECALLBACK);
  st[1].fail_rewind = 0;
  st[1].fail_next = 1;
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECALLBACK);
  st[1].fail_next = 0;
  st[0].fail_next = 1;
  assert_int_equal(siren_fanout_catch_up(f, 1, NULL), SIREN_ECALLBACK);
  st[0].fail_next = 0;
  st[1].fail_append = 1;
  assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_ECALLBACK);
  assert_int_equal(copied, 0);
  assert_int_equal(siren_fanout_in_step(f, 1), 0);
  st[1].fail_append = 0;
  holds(&st[1], (const char *const[]){"r1", NULL});
  /* The copy stops part way: what was copied is counted, and checked again
   * by the next catch-up. */
  st[1].limited = 1;
  st[1].allow = 1;
  assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_ECALLBACK);
  assert_int_equal(copied, 1);
  assert_int_equal(siren_fanout_in_step(f, 1), 0);
  holds(&st[1], (const char *const[]){"r1", "r2", NULL});
  st[1].limited = 0;
  assert_int_equal(siren_fanout_catch_up(f, 1, &copied), SIREN_OK);
  assert_int_equal(copied, 1);
  /* The failed catch-ups restarted the read, as the good one did. */
  reads(f, (const char *const[]){"r1", "r2", "r3", NULL});
}

/* A backend callback that calls back into the fan-out gets SIREN_EBUSY, and
 * its siren_fanout_free() is ignored. */
static void reentry_is_busy(void **state) {
  (void)state;
  siren_fanout *f = fan(2, 2);
  st[1].reenter = 1;
  put(f, "r1", SIREN_OK);
  assert_int_equal(g_reenter_rc, SIREN_EBUSY);
  st[1].reenter = 0;
  holds(&st[0], (const char *const[]){"r1", NULL});
  holds(&st[1], (const char *const[]){"r1", NULL});
  assert_int_equal(siren_fanout_in_step(f, 1), 1);
}

/* ------------------------------------------------------------ end to end */

static int fan_append(const void *rec, size_t len, void *ud) {
  assert_ptr_equal(ud, &th);
  return siren_fanout_append(g_fan, rec, len);
}

static int fan_next(const void **rec, size_t *len, void *ud) {
  (void)ud;
  return siren_fanout_next(g_fan, rec, len);
}

static mstore *g_direct;
static int direct_next(const void **rec, size_t *len, void *ud) {
  (void)ud;
  return ms_next(rec, len, g_direct);
}

static int str_same(const char *a, const char *b) {
  if (!a || !b) return (!a || !*a) && (!b || !*b);
  return strcmp(a, b) == 0;
}

/* Two engines hold the same engagements, pages and receipts. */
static void assert_same_engines(siren_engine *a, siren_engine *b) {
  siren_id ea[64], eb[64];
  size_t na = 0, nb = 0;
  assert_int_equal(siren_engagements(ea, 64, &na, a), SIREN_OK);
  assert_int_equal(siren_engagements(eb, 64, &nb, b), SIREN_OK);
  assert_true(na > 0);
  assert_int_equal(na, nb);
  assert_memory_equal(ea, eb, na * sizeof ea[0]);
  for (size_t k = 0; k < na; k++) {
    siren_engagement_info x = SIREN_ENGAGEMENT_INFO_INIT, y = SIREN_ENGAGEMENT_INFO_INIT;
    assert_int_equal(siren_engagement_get(&x, a, ea[k]), SIREN_OK);
    assert_int_equal(siren_engagement_get(&y, b, ea[k]), SIREN_OK);
    assert_int_equal(x.id, y.id);
    assert_true(str_same(x.contact, y.contact));
    assert_true(str_same(x.sender, y.sender));
    assert_true(str_same(x.subject, y.subject));
    assert_true(str_same(x.content, y.content));
    assert_true(str_same(x.public_subject, y.public_subject));
    assert_true(str_same(x.public_content, y.public_content));
    assert_true(str_same(x.incident_id, y.incident_id));
    assert_int_equal(x.state, y.state);
    assert_int_equal(x.acknowledged, y.acknowledged);
    assert_int_equal(x.start_time, y.start_time);
    assert_int_equal(x.stop_time, y.stop_time);
    assert_true(str_same(x.stop_reason, y.stop_reason));
    assert_int_equal(x.page_count, y.page_count);

    siren_id pa[64], pb[64];
    size_t npa = 0, npb = 0;
    assert_int_equal(siren_engagement_pages(pa, 64, &npa, a, ea[k]), SIREN_OK);
    assert_int_equal(siren_engagement_pages(pb, 64, &npb, b, ea[k]), SIREN_OK);
    assert_int_equal(npa, npb);
    assert_int_equal(npa, x.page_count);
    assert_memory_equal(pa, pb, npa * sizeof pa[0]);
    for (size_t j = 0; j < npa; j++) {
      siren_page_info p = SIREN_PAGE_INFO_INIT, q = SIREN_PAGE_INFO_INIT;
      assert_int_equal(siren_page_get(&p, a, pa[j]), SIREN_OK);
      assert_int_equal(siren_page_get(&q, b, pa[j]), SIREN_OK);
      assert_int_equal(p.id, q.id);
      assert_int_equal(p.engagement, q.engagement);
      assert_int_equal(p.retry_of, q.retry_of);
      assert_true(str_same(p.contact, q.contact));
      assert_true(str_same(p.channel, q.channel));
      assert_true(str_same(p.channel_type, q.channel_type));
      assert_true(str_same(p.engaged_by, q.engaged_by));
      assert_int_equal(p.escalation_stage, q.escalation_stage);
      assert_int_equal(p.stage, q.stage);
      assert_int_equal(p.essential, q.essential);
      assert_int_equal(p.sent_time, q.sent_time);
      assert_int_equal(p.delivered_time, q.delivered_time);
      assert_int_equal(p.read_time, q.read_time);
      assert_int_equal(p.accepted_time, q.accepted_time);
      assert_true(str_same(p.accept_note, q.accept_note));
      assert_int_equal(p.receipt_count, q.receipt_count);
      for (uint32_t i = 0; i < p.receipt_count; i++) {
        siren_receipt_info u = SIREN_RECEIPT_INFO_INIT, v = SIREN_RECEIPT_INFO_INIT;
        assert_int_equal(siren_page_receipt_at(&u, a, pa[j], i), SIREN_OK);
        assert_int_equal(siren_page_receipt_at(&v, b, pa[j], i), SIREN_OK);
        assert_int_equal(u.type, v.type);
        assert_int_equal(u.time, v.time);
        assert_true(str_same(u.info, v.info));
      }
    }
  }
  assert_int_equal(siren_engine_record_count(a), siren_engine_record_count(b));
  assert_int_equal(siren_engine_next_deadline(a), siren_engine_next_deadline(b));
}

/* Opens an engine on th2 whose storage_next is next; checks it matches e. */
static void open_and_compare(siren_engine *e,
                             int (*next)(const void **, size_t *, void *), uint64_t records) {
  memset(&th2, 0, sizeof th2);
  siren_host host;
  th_setup(&th2, &host, 0, 0);
  host.storage_next = next;
  th2.now = th.now;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  int rc = siren_engine_open(&g_engine2, &host, NULL, &th2, &rep);
  if (rc != SIREN_OK) fail_msg("open: %s (%s)", siren_strerror(rc), siren_errmsg(g_engine2));
  assert_int_equal(rep.records, records);
  assert_int_equal(rep.stopped, 0);
  assert_int_equal(rep.last_sequence, records);
  assert_same_engines(e, g_engine2);
  siren_engine_free(g_engine2);
  g_engine2 = NULL;
}

/* The seed scenario on three backends, quorum 2: backend 1 fails from minute
 * 3 to minute 12 (a receipt command lands meanwhile), is caught up with what
 * it missed and takes part again; the engine opened from each backend, and
 * through the fan-out, equals the one that ran. */
static void end_to_end_seed_with_a_failing_backend(void **state) {
  (void)state;
  fan(3, 2);
  siren_host host;
  th_setup(&th, &host, 1, 0);
  host.version = SIREN_HOST_VERSION;
  host.storage_append = fan_append;
  host.storage_next = fan_next;
  assert_int_equal(siren_engine_new(&g_engine, &host, NULL, &th), SIREN_OK);
  siren_engine *e = g_engine;
  th.engine = e;
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 3);
  assert_int_equal(st[0].n, siren_engine_record_count(e));

  size_t before = st[1].n;
  st[1].fail_append = 1;
  th_run_until(&th, e, 6);
  int i = th_last_page(&th, "incident-responder", NULL);
  assert_true(i >= 0);
  assert_int_equal(siren_page_receipt(e, th.notices[i].page, SIREN_RECEIPT_DELIVERED, "mx"), SIREN_OK);
  th_run_until(&th, e, 12);
  assert_int_equal(siren_fanout_in_step(g_fan, 1), 0);
  assert_int_equal(st[1].n, before);
  assert_int_equal(st[1].appends, before + 1); /* one failed try, then nothing */
  assert_int_equal(st[0].n, siren_engine_record_count(e));
  same_records(&st[0], &st[2]);
  assert_true(st[0].n >= before + 3);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile");

  st[1].fail_append = 0;
  uint64_t copied = 0;
  assert_int_equal(siren_fanout_catch_up(g_fan, 1, &copied), SIREN_OK);
  assert_int_equal(copied, st[0].n - before);
  assert_int_equal(siren_fanout_in_step(g_fan, 1), 1);
  same_records(&st[0], &st[1]);

  /* On to the end: sr-incident-responder accepts at minute 13. */
  th_at_minute(&th, 13);
  i = th_last_page(&th, "sr-incident-responder", NULL);
  assert_true(i >= 0);
  assert_int_equal(siren_page_accept(e, th.notices[i].page, SIREN_ACCEPT_READ, th.notices[i].code,
                                     SIREN_ACCEPT_ENFORCE, "on it"),
                   SIREN_OK);
  th_run_until(&th, e, 30);
  uint64_t n = siren_engine_record_count(e);
  for (size_t k = 0; k < 3; k++) {
    assert_int_equal(st[k].n, n);
    assert_int_equal(siren_fanout_in_step(g_fan, k), 1);
  }
  same_records(&st[0], &st[1]);
  same_records(&st[0], &st[2]);

  for (size_t k = 0; k < 3; k++) {
    assert_int_equal(ms_rewind(&st[k]), 0);
    g_direct = &st[k];
    open_and_compare(e, direct_next, n);
  }
  /* Through the fan-out: the read starts over after the catch-up. */
  assert_int_equal(siren_fanout_reading(g_fan), 0);
  open_and_compare(e, fan_next, n);
}

/* The engine loses its quorum: backends 1 and 2 fail a receipt that backend
 * 0 stored. The command fails; the engine then stores a different record
 * under the same sequence number. Backend 0 diverged: opened alone it is not
 * the engine, its catch-up says SIREN_ECORRUPT, and once emptied it is
 * caught up whole; then every backend opens to the engine that ran. */
static void end_to_end_quorum_lost_and_rebuilt(void **state) {
  (void)state;
  fan(3, 2);
  siren_host host;
  th_setup(&th, &host, 1, 0);
  host.version = SIREN_HOST_VERSION;
  host.storage_append = fan_append;
  assert_int_equal(siren_engine_new(&g_engine, &host, NULL, &th), SIREN_OK);
  siren_engine *e = g_engine;
  th.engine = e;
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 4);
  uint64_t n = siren_engine_record_count(e);
  int i = th_last_page(&th, "incident-responder", NULL);
  assert_true(i >= 0);
  siren_id page = th.notices[i].page;

  st[1].fail_append = st[2].fail_append = 1;
  assert_int_equal(siren_page_receipt(e, page, SIREN_RECEIPT_DELIVERED, "first"), SIREN_ECALLBACK);
  assert_int_equal(siren_engine_record_count(e), n);
  assert_int_equal(st[0].n, n + 1); /* the stray record */
  assert_int_equal(siren_fanout_in_step(g_fan, 0), 0);
  assert_int_equal(siren_fanout_in_step(g_fan, 1), 1);
  assert_int_equal(siren_fanout_in_step(g_fan, 2), 1);
  /* Still failing: the command fails again and backend 0 gets nothing. */
  assert_int_equal(siren_page_receipt(e, page, SIREN_RECEIPT_DELIVERED, "first"), SIREN_ECALLBACK);
  assert_int_equal(st[0].n, n + 1);

  st[1].fail_append = st[2].fail_append = 0;
  assert_int_equal(siren_page_receipt(e, page, SIREN_RECEIPT_READ, "second"), SIREN_OK);
  assert_int_equal(siren_engine_record_count(e), n + 1);
  assert_int_equal(st[1].n, n + 1);
  same_records(&st[1], &st[2]);
  assert_int_equal(st[0].len[n] == st[1].len[n] &&
                       memcmp(st[0].rec[n], st[1].rec[n], st[0].len[n]) == 0,
                   0);
  uint64_t copied = 9;
  assert_int_equal(siren_fanout_catch_up(g_fan, 0, &copied), SIREN_ECORRUPT);
  assert_int_equal(copied, 0);

  /* Opened alone, the diverged backend is not the engine: its stray record
   * is the receipt the engine never took. */
  memset(&th2, 0, sizeof th2);
  siren_host h2;
  th_setup(&th2, &h2, 0, 0);
  h2.storage_next = direct_next;
  th2.now = th.now;
  assert_int_equal(ms_rewind(&st[0]), 0);
  g_direct = &st[0];
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  assert_int_equal(siren_engine_open(&g_engine2, &h2, NULL, &th2, &rep), SIREN_OK);
  siren_receipt_info ri = SIREN_RECEIPT_INFO_INIT;
  assert_int_equal(siren_page_receipt_at(&ri, g_engine2, page, 0), SIREN_OK);
  assert_string_equal(ri.info, "first");
  assert_int_equal(siren_page_receipt_at(&ri, e, page, 0), SIREN_OK);
  assert_string_equal(ri.info, "second");
  siren_engine_free(g_engine2);
  g_engine2 = NULL;

  ms_clear(&st[0]);
  assert_int_equal(siren_fanout_catch_up(g_fan, 0, &copied), SIREN_OK);
  assert_int_equal(copied, n + 1);
  th_run_until(&th, e, 30);
  n = siren_engine_record_count(e);
  for (size_t k = 0; k < 3; k++) {
    assert_int_equal(st[k].n, n);
    assert_int_equal(ms_rewind(&st[k]), 0);
    g_direct = &st[k];
    open_and_compare(e, direct_next, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(new_rejects_bad_arguments, teardown),
      cmocka_unit_test_teardown(new_copies_the_backends, teardown),
      cmocka_unit_test_teardown(allocation_failure_in_new, teardown),
      cmocka_unit_test_teardown(quorum_two_of_three_one_failing, teardown),
      cmocka_unit_test_teardown(reading_skips_a_backend_that_fell_behind, teardown),
      cmocka_unit_test_teardown(a_read_does_not_switch_backends, teardown),
      cmocka_unit_test_teardown(quorum_not_met_then_reissued_differently, teardown),
      cmocka_unit_test_teardown(quorum_not_met_then_reissued_identically, teardown),
      cmocka_unit_test_teardown(too_few_in_step_calls_no_backend, teardown),
      cmocka_unit_test_teardown(divergence_is_corrupt, teardown),
      cmocka_unit_test_teardown(backend_call_failures, teardown),
      cmocka_unit_test_teardown(reentry_is_busy, teardown),
      cmocka_unit_test_teardown(end_to_end_seed_with_a_failing_backend, teardown),
      cmocka_unit_test_teardown(end_to_end_quorum_lost_and_rebuilt, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
