/*
 * The engine's storage helpers: chunked arrays (src/util/mem.c) and the
 * string packs that share bytes (src/timeline.c). The memory benchmark's
 * per-incident figure rests on both, so their edge cases are pinned here:
 * chunk boundaries, allocation failure at every step, and which strings
 * share which bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* A counting allocator that can fail its k-th request (k = 0: never). */
typedef struct counter {
  size_t live, calls, fail_at;
} counter;

static void *c_alloc(size_t n, void *ud) {
  counter *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  size_t *p = malloc(n + sizeof(size_t) * 2);
  if (!p) return NULL;
  p[0] = n;
  c->live += n;
  return p + 2;
}
static void *c_realloc(void *q, size_t n, void *ud) {
  counter *c = ud;
  if (!q) return c_alloc(n, ud);
  if (++c->calls == c->fail_at) return NULL;
  size_t *p = (size_t *)q - 2, old = p[0];
  size_t *r = realloc(p, n + sizeof(size_t) * 2);
  if (!r) return NULL;
  r[0] = n;
  c->live = c->live - old + n;
  return r + 2;
}
static void c_free(void *q, void *ud) {
  counter *c = ud;
  if (!q) return;
  size_t *p = (size_t *)q - 2;
  c->live -= p[0];
  free(p);
}

static sr_mem mem_of(counter *c) {
  sr_mem m = {c_alloc, c_realloc, c_free, c};
  return m;
}

typedef struct item {
  uint32_t v;
  char pad[20];
} item;

static void chunks_hold_every_element_across_boundaries(void **state) {
  (void)state;
  counter c = {0, 0, 0};
  sr_mem m = mem_of(&c);
  item **t = NULL;
  size_t cap = 0;
  assert_int_equal(sr_chunks_grow(&m, (void ***)&t, &cap, 1, sizeof(item)), 0);
  assert_int_equal(cap, 8); /* small engines stay small */
  size_t n = 0;
  item *first_of_chunk1 = NULL;
  for (size_t want = 2; want <= 5 * SR_CHUNK + 3; want = want * 3 / 2 + 1) {
    assert_int_equal(sr_chunks_grow(&m, (void ***)&t, &cap, want, sizeof(item)), 0);
    assert_true(cap >= want);
    /* Never more than one chunk (or the first chunk's doubling) ahead. */
    assert_true(cap < want + SR_CHUNK || cap <= SR_CHUNK);
    for (; n < want; n++) SR_AT(t, n).v = (uint32_t)(n * 2654435761u);
    if (!first_of_chunk1 && n > SR_CHUNK) first_of_chunk1 = &SR_AT(t, SR_CHUNK);
  }
  for (size_t i = 0; i < n; i++) assert_int_equal(SR_AT(t, i).v, (uint32_t)(i * 2654435761u));
  /* Once the first chunk is full size, elements never move. */
  assert_ptr_equal(first_of_chunk1, &SR_AT(t, SR_CHUNK));
  /* The bytes held are the elements' plus a table of chunk pointers. */
  size_t chunks = (cap + SR_CHUNK - 1) / SR_CHUNK;
  assert_true(c.live >= cap * sizeof(item));
  assert_true(c.live <= cap * sizeof(item) + 2 * chunks * sizeof(void *) + sizeof(void *));
  sr_chunks_free(&m, (void **)t, cap);
  assert_int_equal(c.live, 0);
}

static void chunks_survive_allocation_failure_at_every_step(void **state) {
  (void)state;
  size_t failures = 0;
  for (size_t k = 1;; k++) {
    counter c = {0, 0, 0};
    sr_mem m = mem_of(&c);
    item **t = NULL;
    size_t cap = 0, n = 0;
    int failed = 0;
    c.fail_at = k;
    for (size_t want = 1; want <= 4 * SR_CHUNK; want += 300) {
      size_t before = cap;
      if (sr_chunks_grow(&m, (void ***)&t, &cap, want, sizeof(item))) {
        failed = 1;
        /* As it was, or with more room: never less. */
        assert_true(cap >= before);
        continue;
      }
      for (; n < want; n++) SR_AT(t, n).v = (uint32_t)n;
    }
    for (size_t i = 0; i < n; i++) assert_int_equal(SR_AT(t, i).v, (uint32_t)i);
    sr_chunks_free(&m, (void **)t, cap);
    assert_int_equal(c.live, 0);
    if (!failed) break;
    failures++;
  }
  assert_true(failures >= 5); /* table, first chunk, its doublings, later chunks */
}

static void chunks_refuse_overflow(void **state) {
  (void)state;
  counter c = {0, 0, 0};
  sr_mem m = mem_of(&c);
  item **t = NULL;
  size_t cap = 0;
  assert_int_equal(sr_chunks_grow(&m, (void ***)&t, &cap, SIZE_MAX, sizeof(item)), -1);
  assert_int_equal(sr_chunks_grow(&m, (void ***)&t, &cap, 10, SIZE_MAX / 16), -1);
  assert_int_equal(cap, 0);
  sr_chunks_free(&m, (void **)t, cap);
  assert_int_equal(c.live, 0);
}

static int inside(const char *p, char *const *pack, size_t n, size_t bytes) {
  return p >= (const char *)(pack + n) && p < (const char *)pack + bytes;
}

static void suffix_pack_shares_endings(void **state) {
  (void)state;
  counter c = {0, 0, 0};
  sr_mem m = mem_of(&c);
  const char *v[] = {"siren:incident/HostDown/7",
                     "HostDown",
                     "aws.ec2",
                     "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                     "",
                     "aws.ec2:arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                     "Down",
                     "HostDown"};
  size_t n = sizeof v / sizeof v[0];
  char **p = sr_pack_suffixes(&m, v, n);
  assert_non_null(p);
  size_t bytes = c.live;
  for (size_t i = 0; i < n; i++) assert_string_equal(p[i], v[i]);
  /* The trigger ARN is the end of the dedupe string, "" the end of anything,
   * "Down" the end of "HostDown", and the second "HostDown" the first's. */
  assert_ptr_equal(p[3], p[5] + strlen("aws.ec2:"));
  assert_ptr_equal(p[6], p[1] + 4);
  assert_ptr_equal(p[7], p[1]);
  assert_true(inside(p[4], p, n, bytes));
  /* Stored: the pointers, the ARN, "HostDown", "aws.ec2", the dedupe string. */
  size_t want = n * sizeof(char *) + strlen(v[0]) + 1 + strlen(v[1]) + 1 + strlen(v[2]) + 1 +
                strlen(v[5]) + 1;
  assert_int_equal(bytes, want);
  for (size_t i = 0; i < n; i++) assert_true(inside(p[i], p, n, bytes));
  sr_free(&m, p);
  assert_int_equal(c.live, 0);
  /* No sharing possible: as sr_pack_cstr. */
  const char *w[] = {"ab", "cd"};
  p = sr_pack_suffixes(&m, w, 2);
  assert_int_equal(c.live, 2 * sizeof(char *) + 6);
  assert_string_equal(p[0], "ab");
  assert_string_equal(p[1], "cd");
  sr_free(&m, p);
  c.fail_at = c.calls + 1;
  assert_null(sr_pack_suffixes(&m, w, 2));
  assert_int_equal(c.live, 0);
}

static void shared_pack_points_into_its_pool(void **state) {
  (void)state;
  counter c = {0, 0, 0};
  sr_mem m = mem_of(&c);
  const char *pool_src[] = {"siren:incident/P/1", "P", "Title"};
  char **pool = sr_pack_cstr(&m, pool_src, 3);
  size_t pool_bytes = c.live;
  const char *v[] = {"P", "Title", "Summary", "", NULL, "siren:incident/P/1", "tok"};
  char **p = sr_pack_shared(&m, v, 7, pool, 3);
  assert_non_null(p);
  assert_ptr_equal(p[0], pool[1]);
  assert_ptr_equal(p[1], pool[2]);
  assert_ptr_equal(p[5], pool[0]);
  assert_string_equal(p[2], "Summary");
  assert_string_equal(p[3], "");
  assert_string_equal(p[4], "");
  assert_string_equal(p[6], "tok");
  /* Only what the pool lacks is copied. */
  assert_int_equal(c.live - pool_bytes, 7 * sizeof(char *) + strlen("Summary") + 1 + 4);
  sr_free(&m, p);
  sr_free(&m, pool);
  assert_int_equal(c.live, 0);
}

/* ---- the memory budget, end to end ---- */

static int64_t budget_now = INT64_C(1767603600000);
static int b_clock(int64_t *now, void *ud) {
  (void)ud;
  *now = budget_now;
  return 0;
}
static int b_notify(const siren_notification *n, void *ud) {
  (void)n;
  (void)ud;
  return 0;
}

/* Storage that keeps only the last record (the snapshot, when one is taken
 * last) and reads it back as the whole stream. */
static uint8_t *last_rec;
static size_t last_len;
static int last_read;
static int b_append(const void *rec, size_t len, void *ud) {
  (void)ud;
  uint8_t *p = realloc(last_rec, len);
  if (!p) return -1;
  memcpy(p, rec, len);
  last_rec = p;
  last_len = len;
  return 0;
}
static int b_next(const void **rec, size_t *len, void *ud) {
  (void)ud;
  *rec = last_read ? NULL : last_rec;
  *len = last_read ? 0 : last_len;
  last_read = 1;
  return 0;
}

/* What the memory benchmark measures (bytes per open incident, counted
 * through the engine's allocator, target 1 KiB), at a size the test suite
 * can afford: a regression guard. The benchmark's figures at 100k and 1M
 * are lower (less chunk slack). An engine reopened from a snapshot of it
 * shares strings the same way, so it costs about the same. */
static void an_open_incident_costs_under_1_kib(void **state) {
  (void)state;
  counter c = {0, 0, 0};
  siren_host h;
  siren_host_init(&h, SIREN_HOST_VERSION);
  h.clock = b_clock;
  h.notify = b_notify;
  h.mem_alloc = c_alloc;
  h.mem_realloc = c_realloc;
  h.mem_free = c_free;
  h.storage_append = b_append;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &c), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "oncall", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "oncall", "mail", "EMAIL", "oncall@example.com",
                                        SIREN_CHANNEL_ACTIVATED),
                   SIREN_OK);
  assert_int_equal(siren_channel_create(e, "oncall", "sms", "SMS", "+12065550100",
                                        SIREN_CHANNEL_ACTIVATED),
                   SIREN_OK);
  siren_target t[2] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  t[0].channel = "mail";
  t[1].channel = "sms";
  siren_stage st = SIREN_STAGE_INIT;
  st.duration_minutes = 5;
  st.target_count = 2;
  st.targets = t;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 1;
  plan.stages = &st;
  assert_int_equal(siren_contact_set_plan(e, "oncall", &plan), SIREN_OK);
  static const char *const eng[] = {"oncall"};
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  rp.name = "HostDown";
  rp.title = "Host down";
  rp.impact = 2;
  rp.engagement_count = 1;
  rp.engagements = eng;
  assert_int_equal(siren_response_plan_create(e, &rp), SIREN_OK);
  size_t base = c.live;
  const long n = getenv("SIREN_TESTS_QUICK") ? 2048 : 8192;
  for (long i = 0; i < n; i++) {
    char arn[64];
    snprintf(arn, sizeof arn, "arn:aws:ec2:us-east-1:111122223333:instance/i-%08lx", i);
    siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
    ip.response_plan = "HostDown";
    ip.trigger_source = "aws.ec2";
    ip.trigger_arn = arn;
    siren_id id = 0;
    assert_int_equal(siren_incident_start(&id, NULL, e, &ip), SIREN_OK);
  }
  size_t pages = 0;
  assert_int_equal(siren_contact_pages(NULL, 0, &pages, e, "oncall"), SIREN_OK);
  assert_int_equal(pages, 2 * (size_t)n); /* each: one engagement, two pages */
  double per = (double)(c.live - base) / (double)n;
  print_message("%ld open incidents: %.0f bytes each\n", n, per);
  assert_true(per <= 1024.0);

  assert_int_equal(siren_engine_snapshot(e), SIREN_OK);
  siren_engine_free(e);
  assert_int_equal(c.live, 0);
  counter c2 = {0, 0, 0};
  h.storage_next = b_next;
  last_read = 0;
  siren_engine *e2 = NULL;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  assert_int_equal(siren_engine_open(&e2, &h, NULL, &c2, &rep), SIREN_OK);
  assert_int_equal(rep.stopped, 0);
  size_t incidents = 0;
  assert_int_equal(siren_incidents(NULL, 0, &incidents, e2, NULL), SIREN_OK);
  assert_int_equal(incidents, (size_t)n);
  double restored = ((double)c2.live - (double)base) / (double)n;
  print_message("reopened from a snapshot: %.0f bytes each\n", restored);
  assert_true(restored <= 1024.0);
  /* Within a few bytes of the engine it was taken from (the summary "" is
   * one byte of its own after a restore). */
  assert_true(restored <= per + 4.0);
  siren_engine_free(e2);
  assert_int_equal(c2.live, 0);
  free(last_rec);
  last_rec = NULL;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(chunks_hold_every_element_across_boundaries),
      cmocka_unit_test(chunks_survive_allocation_failure_at_every_step),
      cmocka_unit_test(chunks_refuse_overflow),
      cmocka_unit_test(suffix_pack_shares_endings),
      cmocka_unit_test(shared_pack_points_into_its_pool),
      cmocka_unit_test(an_open_incident_costs_under_1_kib),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
