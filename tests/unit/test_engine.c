/*
 * Unit tests of the engine as a whole: creation and its argument checks,
 * error names and messages, the versioned *_init functions, the re-entry
 * guard, and time (next_deadline / advance, late hosts, a clock that goes
 * backwards). The clock only moves by hand.
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

#define MIN_MS INT64_C(60000)

static th_host th;
static th_host th2;

/* Frees the engine registered on a host (if a test stopped early on a
 * failed assertion, teardown still frees it). */
static void drop_engine(th_host *h, siren_engine *e) {
  siren_engine_free(e);
  if (h->engine == e) h->engine = NULL;
}

static void reset(th_host *h) {
  siren_engine_free(h->engine);
  free(h->records);
  memset(h, 0, sizeof *h);
}

static int teardown(void **state) {
  (void)state;
  reset(&th);
  reset(&th2);
  return 0;
}

/* A personal contact with one activated EMAIL channel "<alias>-email" and a
 * plan of one stage per duration, each paging that channel. */
static void personal(siren_engine *e, const char *alias, const uint32_t *durations, size_t n) {
  char ch[80];
  snprintf(ch, sizeof ch, "%s-email", alias);
  assert_int_equal(siren_contact_create(e, alias, NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, alias, ch, "EMAIL", "x@example.com", SIREN_CHANNEL_ACTIVATED),
                   SIREN_OK);
  siren_target t = SIREN_TARGET_INIT;
  t.channel = ch;
  siren_stage st[8];
  assert_true(n <= 8);
  for (size_t i = 0; i < n; i++) {
    siren_stage s = SIREN_STAGE_INIT;
    s.duration_minutes = durations[i];
    s.target_count = 1;
    s.targets = &t;
    st[i] = s;
  }
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = n;
  plan.stages = st;
  assert_int_equal(siren_contact_set_plan(e, alias, &plan), SIREN_OK);
}

static siren_id engage(siren_engine *e, const char *contact) {
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = contact;
  p.sender = "unit";
  p.subject = "subject";
  p.content = "content";
  siren_id id = 0;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_OK);
  assert_true(id != 0);
  return id;
}

/* ------------------------------------------------------------ creation */

static int clock_ok(int64_t *now, void *ud) {
  (void)ud;
  *now = TH_T0;
  return 0;
}
static int notify_ok(const siren_notification *n, void *ud) {
  (void)n;
  (void)ud;
  return 0;
}
static void *alloc_only(size_t n, void *ud) {
  (void)ud;
  return malloc(n);
}
static void *realloc_only(void *p, size_t n, void *ud) {
  (void)ud;
  return realloc(p, n);
}
static void free_only(void *p, void *ud) {
  (void)ud;
  free(p);
}

static siren_host good_host(void) {
  siren_host h = SIREN_HOST_INIT;
  h.clock = clock_ok;
  h.notify = notify_ok;
  return h;
}

/* Calls siren_engine_new with *out preset to garbage and checks the code and
 * that *out came back NULL. */
static void expect_new_fails(const siren_host *host, const siren_options *opts, int want) {
  static int dummy;
  siren_engine *e = (siren_engine *)(void *)&dummy;
  assert_int_equal(siren_engine_new(&e, host, opts, NULL), want);
  assert_null(e);
}

static void engine_new_rejects_bad_arguments(void **state) {
  (void)state;
  siren_host h = good_host();
  /* NULL out and NULL host. */
  assert_int_equal(siren_engine_new(NULL, &h, NULL, NULL), SIREN_EINVAL);
  expect_new_fails(NULL, NULL, SIREN_EINVAL);
  /* Host table versions. */
  h.version = 0;
  expect_new_fails(&h, NULL, SIREN_EVERSION);
  h.version = SIREN_HOST_VERSION + 1;
  expect_new_fails(&h, NULL, SIREN_EVERSION);
  h.version = 1000;
  expect_new_fails(&h, NULL, SIREN_EVERSION);
  /* Required callbacks. */
  h = good_host();
  h.clock = NULL;
  expect_new_fails(&h, NULL, SIREN_EINVAL);
  h = good_host();
  h.notify = NULL;
  expect_new_fails(&h, NULL, SIREN_EINVAL);
  /* Half an allocator: every incomplete combination. */
  for (int mask = 1; mask < 7; mask++) {
    h = good_host();
    if (mask & 1) h.mem_alloc = alloc_only;
    if (mask & 2) h.mem_realloc = realloc_only;
    if (mask & 4) h.mem_free = free_only;
    expect_new_fails(&h, NULL, SIREN_EINVAL);
  }
  /* Options versions. */
  h = good_host();
  siren_options o = SIREN_OPTIONS_INIT;
  o.version = 0;
  expect_new_fails(&h, &o, SIREN_EVERSION);
  o.version = SIREN_OPTIONS_VERSION + 1;
  expect_new_fails(&h, &o, SIREN_EVERSION);

  /* The whole allocator works, and options NULL or current are fine. */
  h.mem_alloc = alloc_only;
  h.mem_realloc = realloc_only;
  h.mem_free = free_only;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, NULL), SIREN_OK);
  assert_non_null(e);
  assert_int_equal(siren_contact_create(e, "someone", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 1);
  drop_engine(&th, e);
  o = (siren_options)SIREN_OPTIONS_INIT;
  e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, &o, NULL), SIREN_OK);
  assert_non_null(e);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  drop_engine(&th, e);
}

static void failed_new_allocates_nothing(void **state) {
  (void)state;
  siren_host h;
  th_setup(&th, &h, 0, 1);
  h.notify = NULL;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_EINVAL);
  assert_null(e);
  assert_int_equal(th.alloc_count, 0);
  assert_int_equal(th.live_allocs, 0);
  /* The host table is copied: changing ours after creation does nothing. */
  th_setup(&th, &h, 0, 1);
  assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
  th.engine = e;
  h.clock = NULL;
  h.notify = NULL;
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0), SIREN_OK);
  assert_int_equal(th.notice_count, 1); /* the activation code went through our notify */
  assert_true(th.live_allocs > 0);
  drop_engine(&th, e);
  assert_int_equal(th.live_allocs, 0);
}

static void engine_free_null_and_version(void **state) {
  (void)state;
  siren_engine_free(NULL);
  assert_non_null(siren_errmsg(NULL));
  assert_true(strlen(siren_errmsg(NULL)) > 0);
  assert_string_equal(siren_version(), SIREN_VERSION_STRING);
  assert_int_equal(siren_version_number(), SIREN_VERSION_NUMBER);
  assert_int_equal(SIREN_VERSION_NUMBER,
                   SIREN_VERSION_MAJOR * 10000 + SIREN_VERSION_MINOR * 100 + SIREN_VERSION_PATCH);
  char buf[32];
  snprintf(buf, sizeof buf, "%d.%d.%d", SIREN_VERSION_MAJOR, SIREN_VERSION_MINOR, SIREN_VERSION_PATCH);
  assert_string_equal(siren_version(), buf);
}

/* -------------------------------------------------------------- errors */

static void strerror_names_every_code(void **state) {
  (void)state;
  const int codes[] = {SIREN_OK,     SIREN_ERROR,    SIREN_EINVAL,   SIREN_ENOTFOUND,
                       SIREN_EEXISTS, SIREN_ENOMEM,  SIREN_EBUSY,    SIREN_ECALLBACK,
                       SIREN_ESTATE, SIREN_EDENIED,  SIREN_ECORRUPT, SIREN_EVERSION,
                       SIREN_EUNSUPPORTED};
  const size_t n = sizeof codes / sizeof codes[0];
  for (size_t i = 0; i < n; i++) {
    const char *s = siren_strerror(codes[i]);
    assert_non_null(s);
    assert_true(strlen(s) > 0);
    assert_string_not_equal(s, "unknown error");
    for (size_t j = 0; j < i; j++) assert_string_not_equal(s, siren_strerror(codes[j]));
  }
  /* The header's own example. */
  assert_string_equal(siren_strerror(SIREN_ENOTFOUND), "not found");
  const int unknown[] = {1, 42, -13, -100, INT32_MIN, INT32_MAX};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    assert_string_equal(siren_strerror(unknown[i]), "unknown error");
}

static void errmsg_describes_last_failure(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 0, 0);
  assert_string_equal(siren_errmsg(e), "");
  assert_int_equal(siren_contact_create(e, "Bad Alias", NULL, SIREN_CONTACT_PERSONAL), SIREN_EINVAL);
  assert_true(strlen(siren_errmsg(e)) > 0);
  /* A success clears it. */
  assert_int_equal(siren_contact_create(e, "good", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_string_equal(siren_errmsg(e), "");
  assert_int_equal(siren_contact_create(e, "good", NULL, SIREN_CONTACT_PERSONAL), SIREN_EEXISTS);
  assert_non_null(strstr(siren_errmsg(e), "good"));
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "missing"), SIREN_ENOTFOUND);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_int_equal(siren_contact_get(&ci, e, "good"), SIREN_OK);
  assert_string_equal(siren_errmsg(e), "");
  siren_id id = 0;
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "nobody";
  p.sender = "s";
  p.subject = "s";
  p.content = "c";
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_ENOTFOUND);
  assert_int_equal(id, 0);
  assert_true(strlen(siren_errmsg(e)) > 0);
  drop_engine(&th, e);
}

/* --------------------------------------------------------------- inits */

#define CHECK_INIT(type, fn, current)                                          \
  do {                                                                         \
    type v;                                                                    \
    memset(&v, 0xAB, sizeof v);                                                \
    assert_int_equal(fn(&v, 0), SIREN_EVERSION);                               \
    assert_int_equal(fn(&v, (current) + 1), SIREN_EVERSION);                   \
    assert_int_equal(fn(&v, 0xFFFFFFFFu), SIREN_EVERSION);                     \
    assert_int_equal(fn(&v, (current)), SIREN_OK);                             \
    assert_int_equal(v.version, (current));                                    \
    /* everything after the version is zeroed */                               \
    const unsigned char *b = (const unsigned char *)&v;                        \
    for (size_t i = offsetof(type, version) + sizeof v.version; i < sizeof v; i++) \
      if (b[i] == 0xAB) fail_msg(#fn ": byte %zu not cleared", i);             \
  } while (0)

static void init_functions_check_versions(void **state) {
  (void)state;
  CHECK_INIT(siren_host, siren_host_init, SIREN_HOST_VERSION);
  CHECK_INIT(siren_options, siren_options_init, SIREN_OPTIONS_VERSION);
  CHECK_INIT(siren_contact_info, siren_contact_info_init, SIREN_CONTACT_INFO_VERSION);
  CHECK_INIT(siren_channel_info, siren_channel_info_init, SIREN_CHANNEL_INFO_VERSION);
  CHECK_INIT(siren_target, siren_target_init, SIREN_TARGET_VERSION);
  CHECK_INIT(siren_stage, siren_stage_init, SIREN_STAGE_VERSION);
  CHECK_INIT(siren_plan, siren_plan_init, SIREN_PLAN_VERSION);
  CHECK_INIT(siren_engagement_params, siren_engagement_params_init, SIREN_ENGAGEMENT_PARAMS_VERSION);
  CHECK_INIT(siren_engagement_info, siren_engagement_info_init, SIREN_ENGAGEMENT_INFO_VERSION);
  CHECK_INIT(siren_page_info, siren_page_info_init, SIREN_PAGE_INFO_VERSION);
  CHECK_INIT(siren_receipt_info, siren_receipt_info_init, SIREN_RECEIPT_INFO_VERSION);
  CHECK_INIT(siren_preview_ack, siren_preview_ack_init, SIREN_PREVIEW_ACK_VERSION);
  CHECK_INIT(siren_preview_page, siren_preview_page_init, SIREN_PREVIEW_PAGE_VERSION);
}

static void init_host_is_usable(void **state) {
  (void)state;
  /* A host filled with siren_host_init() (the FFI path) creates an engine. */
  siren_host h;
  memset(&h, 0x5A, sizeof h);
  assert_int_equal(siren_host_init(&h, SIREN_HOST_VERSION), SIREN_OK);
  assert_null(h.random);
  assert_null(h.storage_append);
  assert_null(h.mem_alloc);
  h.clock = clock_ok;
  h.notify = notify_ok;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, NULL), SIREN_OK);
  assert_int_equal(siren_engine_record_count(e), 0);
  drop_engine(&th, e);
}

/* ------------------------------------------------------------ re-entry */

static void notify_reentry_gets_ebusy(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  uint32_t contacts = siren_contact_count(e);
  uint64_t records = siren_engine_record_count(e);
  th.reenter = 1;
  th.reenter_rc = 0;
  siren_id id = th_engage(e, "app-escalation-plan");
  assert_int_equal(th.reenter_rc, SIREN_EBUSY);
  /* The inner call changed nothing; the outer one completed. */
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "intruder"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_count(e), contacts);
  assert_int_equal(siren_engine_record_count(e), records + 1);
  assert_int_equal(siren_engine_record_count(e), th.record_count);
  assert_string_equal(th_pages_text(&th), "0:incident-responder/incident-responder-email");

  /* The same happens for a notification sent from advance(). */
  th.reenter_rc = 0;
  th_run_until(&th, e, 5);
  assert_int_equal(th.reenter_rc, SIREN_EBUSY);
  assert_int_equal(siren_contact_count(e), contacts);

  /* The engine remains fully usable. */
  th.reenter = 0;
  assert_int_equal(siren_contact_create(e, "intruder", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_count(e), contacts + 1);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  drop_engine(&th, e);
}

/* A notify that tries many entry points, recording what they return. */
static struct {
  int armed;
  int calls;
  int rc_advance, rc_stop, rc_accept, rc_receipt, rc_get, rc_page_get, rc_preview, rc_list, rc_set_plan;
  int64_t deadline;
} rx;

static int reentrant_notify(const siren_notification *n, void *ud) {
  th_host *h = ud;
  if (rx.armed && n->kind == SIREN_NOTIFY_PAGE) {
    siren_engine *e = h->engine;
    rx.calls++;
    uint32_t fired = 99;
    rx.rc_advance = siren_engine_advance(e, &fired);
    rx.rc_stop = siren_engagement_stop(e, n->engagement, "from callback");
    rx.rc_accept = siren_page_accept(e, n->page, SIREN_ACCEPT_READ, n->code, SIREN_ACCEPT_ENFORCE, NULL);
    rx.rc_receipt = siren_page_receipt(e, n->page, SIREN_RECEIPT_DELIVERED, NULL);
    siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
    rx.rc_get = siren_engagement_get(&info, e, n->engagement);
    siren_page_info pi = SIREN_PAGE_INFO_INIT;
    rx.rc_page_get = siren_page_get(&pi, e, n->page);
    size_t total = 0;
    rx.rc_preview = siren_engagement_preview(NULL, 0, &total, e, "app-escalation-plan", NULL, 0);
    rx.rc_list = siren_engagements(NULL, 0, &total, e);
    siren_plan plan = SIREN_PLAN_INIT;
    rx.rc_set_plan = siren_contact_set_plan(e, "incident-responder", &plan);
  }
  /* record like the test host does */
  if (h->notice_count < TH_MAX_LINES) {
    th_notice *x = &h->notices[h->notice_count++];
    memset(x, 0, sizeof *x);
    x->kind = n->kind;
    x->time = n->time;
    x->page = n->page;
    x->engagement = n->engagement;
    snprintf(x->contact, sizeof x->contact, "%s", n->contact);
    snprintf(x->channel, sizeof x->channel, "%s", n->channel);
    snprintf(x->code, sizeof x->code, "%s", n->code);
  }
  return 0;
}

static void every_entry_point_is_busy_inside_a_callback(void **state) {
  (void)state;
  siren_host h;
  th_setup(&th, &h, 1, 0);
  h.notify = reentrant_notify;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
  th.engine = e;
  th_seed(e, 1);
  memset(&rx, 0, sizeof rx);
  rx.armed = 1;
  uint64_t records = siren_engine_record_count(e);
  siren_id id = th_engage(e, "app-escalation-plan");
  assert_int_equal(rx.calls, 1);
  assert_int_equal(rx.rc_advance, SIREN_EBUSY);
  assert_int_equal(rx.rc_stop, SIREN_EBUSY);
  assert_int_equal(rx.rc_accept, SIREN_EBUSY);
  assert_int_equal(rx.rc_receipt, SIREN_EBUSY);
  assert_int_equal(rx.rc_get, SIREN_EBUSY);
  assert_int_equal(rx.rc_page_get, SIREN_EBUSY);
  assert_int_equal(rx.rc_preview, SIREN_EBUSY);
  assert_int_equal(rx.rc_list, SIREN_EBUSY);
  assert_int_equal(rx.rc_set_plan, SIREN_EBUSY);
  rx.armed = 0;
  /* Nothing the inner calls asked for happened. */
  assert_int_equal(siren_engine_record_count(e), records + 1);
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_ACTIVE);
  siren_page_info pi = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&pi, e, th.notices[0].page), SIREN_OK);
  assert_int_equal(pi.accepted_time, 0);
  assert_int_equal(pi.receipt_count, 0);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "incident-responder"), SIREN_OK);
  assert_int_equal(ci.stage_count, 2);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 5 * MIN_MS);
  /* And the engagement goes on normally. */
  th_run_until(&th, e, 60);
  assert_int_equal(th.notice_count, 4);
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  drop_engine(&th, e);
}

/* ---------------------------------------------------------------- time */

static void fresh_engine_has_no_deadline(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 0, 0);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  uint32_t fired = 77;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 0);
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  th_seed(e, 1);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  siren_id id = th_engage(e, "app-escalation-plan");
  /* Stage 1 of the escalation ends at 5 minutes. */
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 5 * MIN_MS);
  /* Advancing before the deadline fires nothing. */
  th_at_minute(&th, 4.99);
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 0);
  assert_int_equal(th.notice_count, 1);
  /* At the deadline exactly it fires. */
  th_at_minute(&th, 5);
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_true(fired >= 1);
  assert_int_equal(th.notice_count, 2);
  assert_int_equal(th.notices[1].time, TH_T0 + 5 * MIN_MS);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 10 * MIN_MS);
  assert_int_equal(siren_engagement_stop(e, id, NULL), SIREN_OK);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  drop_engine(&th, e);
}

/* 20 engagements whose stage timers all fall due at minute 20, scheduled in
 * an order that is neither creation nor alias order: they fire in scheduling
 * order. */
static void same_instant_fires_in_scheduling_order(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  enum { N = 20 };
  char alias[N][16];
  /* k-th engagement: contact p(k) = (7k+3) mod 20, engaged at minute k/2,
   * first stage of 20 - k/2 minutes, second of 5. */
  for (int c = 0; c < N; c++) snprintf(alias[c], sizeof alias[c], "c%02d", c);
  for (int c = 0; c < N; c++) {
    int k = 0;
    while ((7 * k + 3) % N != c) k++;
    uint32_t d[2] = {(uint32_t)(20 - k / 2), 5};
    personal(e, alias[c], d, 2);
  }
  for (int k = 0; k < N; k++) {
    th_at_minute(&th, k / 2);
    assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
    engage(e, alias[(7 * k + 3) % N]);
  }
  assert_int_equal(th.notice_count, N);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 20 * MIN_MS);
  th_at_minute(&th, 20);
  uint64_t before = siren_engine_record_count(e);
  uint32_t fired = 0;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, N);
  assert_int_equal(siren_engine_record_count(e), before + N);
  assert_int_equal(th.notice_count, 2 * N);
  for (int k = 0; k < N; k++) {
    const th_notice *n = &th.notices[N + k];
    assert_int_equal(n->time, TH_T0 + 20 * MIN_MS);
    assert_string_equal(n->contact, alias[(7 * k + 3) % N]);
    assert_int_equal(n->stage, 1);
  }
  /* The second stages were scheduled in the same order and end together. */
  th_at_minute(&th, 25);
  size_t ev0 = th.ev_count;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, N);
  int k = 0;
  for (size_t i = ev0; i < th.ev_count; i++) {
    if (th.ev_types[i] != SIREN_EVENT_ENGAGEMENT_COMPLETED) continue;
    char want[64];
    snprintf(want, sizeof want, "1500:engagement.completed:%s:", alias[(7 * k + 3) % N]);
    assert_true(strncmp(th.ev_lines[i], want, strlen(want)) == 0);
    k++;
  }
  assert_int_equal(k, N);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  drop_engine(&th, e);
}

static void late_advance_fires_everything_at_its_due_time(void **state) {
  (void)state;
  /* Reference: a host that advances exactly at each deadline. */
  siren_engine *ref = th_engine(&th2, 1, 0);
  th_seed(ref, 1);
  size_t ref_ev0 = th2.ev_count, ref_n0 = th2.notice_count;
  uint64_t ref_rec0 = siren_engine_record_count(ref);
  siren_id ref_id = th_engage(ref, "app-escalation-plan");
  th_run_until(&th2, ref, 30);

  /* Late host: nothing between the engagement and minute 30. */
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  size_t ev0 = th.ev_count, n0 = th.notice_count;
  uint64_t rec0 = siren_engine_record_count(e);
  siren_id id = th_engage(e, "app-escalation-plan");
  uint64_t rec1 = siren_engine_record_count(e);
  th_at_minute(&th, 30);
  uint32_t fired = 0;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_true(fired >= 4);
  assert_int_equal(siren_engine_record_count(e), rec1 + fired);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);

  /* Every page at its due time, not at the late clock. */
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  assert_int_equal(th.notice_count - n0, th2.notice_count - ref_n0);
  /* The events are exactly those of the punctual host, times included. */
  assert_int_equal(th.ev_count - ev0, th2.ev_count - ref_ev0);
  for (size_t i = 0; i < th.ev_count - ev0; i++) {
    assert_string_equal(th.ev_lines[ev0 + i], th2.ev_lines[ref_ev0 + i]);
    assert_int_equal(th.ev_times[ev0 + i], th2.ev_times[ref_ev0 + i]);
    if (i) assert_true(th.ev_times[ev0 + i] >= th.ev_times[ev0 + i - 1]);
    assert_true(th.ev_times[ev0 + i] <= TH_T0 + 20 * MIN_MS);
  }
  int started = 0;
  for (size_t i = ev0; i < th.ev_count; i++) started += th.ev_types[i] == SIREN_EVENT_STAGE_STARTED;
  assert_true(started >= 6);
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(info.stop_time, TH_T0 + 20 * MIN_MS);
  siren_engagement_info rinfo = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&rinfo, ref, ref_id), SIREN_OK);
  assert_int_equal(rinfo.stop_time, info.stop_time);
  /* Same number of records as the punctual host, and the same logical times
   * in them (i64 at offset 16). */
  assert_int_equal(siren_engine_record_count(e) - rec0, siren_engine_record_count(ref) - ref_rec0);
  assert_int_equal(th.records_len, th2.records_len);
  size_t o1 = 0, o2 = 0;
  while (o1 < th.records_len) {
    uint32_t l1 = (uint32_t)th.records[o1] | (uint32_t)th.records[o1 + 1] << 8 |
                  (uint32_t)th.records[o1 + 2] << 16 | (uint32_t)th.records[o1 + 3] << 24;
    uint32_t l2 = (uint32_t)th2.records[o2] | (uint32_t)th2.records[o2 + 1] << 8 |
                  (uint32_t)th2.records[o2 + 2] << 16 | (uint32_t)th2.records[o2 + 3] << 24;
    assert_int_equal(l1, l2);
    assert_memory_equal(th.records + o1 + 16, th2.records + o2 + 16, 8);
    o1 += l1;
    o2 += l2;
  }
  drop_engine(&th, e);
  drop_engine(&th2, ref);
}

static void late_advance_with_retries_in_between(void **state) {
  (void)state;
  /* An ERROR receipt at 0.5 schedules a retry at 1.5; the host next calls at
   * minute 12: the retry happens at 1.5, the SMS stage at 10, in order. */
  siren_engine *e = th_engine(&th, 0, 0);
  th_seed(e, 1);
  assert_int_equal(siren_contact_create(e, "solo", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  siren_target t = SIREN_TARGET_INIT;
  t.channel = "mail";
  t.retry_interval_minutes = 1;
  assert_int_equal(siren_channel_create(e, "solo", "mail", "EMAIL", "s@example.com", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  st[0].duration_minutes = 10;
  st[0].target_count = 1;
  st[0].targets = &t;
  st[1].duration_minutes = 5;
  st[1].target_count = 1;
  st[1].targets = &t;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 2;
  plan.stages = st;
  assert_int_equal(siren_contact_set_plan(e, "solo", &plan), SIREN_OK);
  engage(e, "solo");
  th_at_minute(&th, 0.5);
  assert_int_equal(siren_page_receipt(e, th.notices[0].page, SIREN_RECEIPT_ERROR, "bounce"), SIREN_OK);
  th_at_minute(&th, 12);
  uint32_t fired = 0;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 2);
  assert_string_equal(th_pages_text(&th), "0:solo/mail 90s:solo/mail 10:solo/mail");
  assert_int_equal(th.notices[1].retry_of, th.notices[0].page);
  drop_engine(&th, e);
}

static void clock_going_backwards_is_no_time_passing(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  th_at_minute(&th, 10);
  siren_id a = th_engage(e, "incident-responder");
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 20 * MIN_MS);
  /* The clock jumps back to minute 2. */
  th_at_minute(&th, 2);
  uint32_t fired = 9;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 0);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 20 * MIN_MS);
  siren_id b = th_engage(e, "sr-incident-responder");
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, b), SIREN_OK);
  assert_int_equal(info.start_time, TH_T0 + 10 * MIN_MS);
  int last = th_last_page(&th, "sr-incident-responder", NULL);
  assert_int_equal(th.notices[last].time, TH_T0 + 10 * MIN_MS);
  /* Receipts are timed at the engine's time too, not the earlier clock. */
  assert_int_equal(siren_page_receipt(e, th.notices[last].page, SIREN_RECEIPT_DELIVERED, NULL), SIREN_OK);
  siren_page_info pi = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&pi, e, th.notices[last].page), SIREN_OK);
  assert_int_equal(pi.delivered_time, TH_T0 + 10 * MIN_MS);
  /* Moving on from minute 10 again works as usual. */
  th_at_minute(&th, 19.99);
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 0);
  th_at_minute(&th, 20);
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 2); /* both SMS stages */
  assert_string_equal(th_pages_text(&th),
                      "10:incident-responder/incident-responder-email "
                      "10:sr-incident-responder/sr-incident-responder-email "
                      "20:incident-responder/incident-responder-mobile "
                      "20:sr-incident-responder/sr-incident-responder-mobile");
  assert_int_equal(siren_engagement_get(&info, e, a), SIREN_OK);
  assert_int_equal(info.start_time, TH_T0 + 10 * MIN_MS);
  /* No record carries a time earlier than one before it. */
  int64_t prev = INT64_MIN;
  for (size_t o = 0; o < th.records_len;) {
    uint32_t len = (uint32_t)th.records[o] | (uint32_t)th.records[o + 1] << 8 |
                   (uint32_t)th.records[o + 2] << 16 | (uint32_t)th.records[o + 3] << 24;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) u = (u << 8) | th.records[o + 16 + (size_t)i];
    int64_t t = (int64_t)u;
    assert_true(t >= prev);
    prev = t;
    o += len;
  }
  drop_engine(&th, e);
}

/* --------------------------------------------------- failing callbacks */

static int clock_fails;
static int failing_clock(int64_t *now, void *ud) {
  th_host *h = ud;
  *now = h->now;
  return clock_fails;
}

static void clock_failure_fails_the_call_and_changes_nothing(void **state) {
  (void)state;
  siren_host h;
  th_setup(&th, &h, 1, 0);
  h.clock = failing_clock;
  clock_fails = 0;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
  th.engine = e;
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  uint64_t records = siren_engine_record_count(e);
  clock_fails = 3;
  th_at_minute(&th, 6);
  assert_int_equal(siren_contact_create(e, "x", NULL, SIREN_CONTACT_PERSONAL), SIREN_ECALLBACK);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_ECALLBACK);
  assert_int_equal(siren_engine_record_count(e), records);
  assert_int_equal(th.notice_count, 1);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "x"), SIREN_ENOTFOUND);
  clock_fails = 0;
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  assert_int_equal(th.notice_count, 2);
  assert_int_equal(th.notices[1].time, TH_T0 + 5 * MIN_MS);
  drop_engine(&th, e);
  clock_fails = 0;
}

/* advance: "If a callback fails, advance stops after the firing whose record
 * was stored and returns SIREN_ECALLBACK; call it again to continue (nothing
 * is lost)." */
static void advance_after_a_failed_event_callback_continues(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  th.fail_event = 1;
  th_at_minute(&th, 30);
  int calls = 0, failed = 0;
  uint32_t total = 0;
  while (siren_engine_next_deadline(e) <= th.now && calls < 50) {
    uint32_t fired = 0;
    int rc = siren_engine_advance(e, &fired);
    assert_true(rc == SIREN_OK || rc == SIREN_ECALLBACK);
    failed += rc == SIREN_ECALLBACK;
    assert_true(fired >= 1);
    total += fired;
    calls++;
  }
  assert_true(failed >= 1);
  assert_true(total >= 4);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  th.fail_event = 0;
  drop_engine(&th, e);
}

/* A command first fires what is already due (so that it never lands before
 * a stage that was due earlier). A notify failing during that catch-up must
 * not let the command overtake the remaining due stages: with the clock at
 * 30, the stages due at 5, 10 and 15 come before a stop at 30. */
static void catch_up_failure_does_not_let_a_command_overtake(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  siren_id id = th_engage(e, "app-escalation-plan");
  th.fail_notify = 1;
  th_at_minute(&th, 30);
  uint64_t before = siren_engine_record_count(e);
  /* Catching up fires the minute-5 stage, whose notify fails: the stop is
   * not applied (it would land before the stages due at 10 and 15). */
  assert_int_equal(siren_engagement_stop(e, id, "late stop"), SIREN_ECALLBACK);
  assert_non_null(strstr(siren_errmsg(e), "the command was not applied"));
  assert_true(siren_engine_record_count(e) > before); /* the stage and its receipt */
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_ACTIVE);
  th.fail_notify = 0;
  /* The host catches up: every page due before 30 at its due time, the
   * failed one retried one minute after its own time. */
  for (int i = 0; i < 20 && siren_engine_next_deadline(e) <= th.now; i++)
    assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "6:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  /* The plan had run out at 20, before the stop. */
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(info.stop_time, TH_T0 + 20 * MIN_MS);
  assert_int_equal(siren_engagement_stop(e, id, "late stop"), SIREN_ESTATE);
  /* Records stay in time order. */
  int64_t prev = INT64_MIN;
  for (size_t o = 0; o < th.records_len;) {
    uint32_t len = (uint32_t)th.records[o] | (uint32_t)th.records[o + 1] << 8 |
                   (uint32_t)th.records[o + 2] << 16 | (uint32_t)th.records[o + 3] << 24;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) u = (u << 8) | th.records[o + 16 + (size_t)i];
    assert_true((int64_t)u >= prev);
    prev = (int64_t)u;
    o += len;
  }
  drop_engine(&th, e);
}

/* A caller built against version 1 of a struct that has grown since has a
 * smaller struct: initialising it as version 1 must not write past it. */
static void init_of_an_older_version_stays_in_bounds(void **state) {
  (void)state;
  size_t v1 = offsetof(siren_config_result, response_plans);
  unsigned char buf[sizeof(siren_config_result) + 8];
  memset(buf, 0xAB, sizeof buf);
  assert_int_equal(siren_config_result_init((siren_config_result *)(void *)buf, 1), SIREN_OK);
  for (size_t i = v1; i < sizeof buf; i++) assert_int_equal(buf[i], 0xAB);
  assert_int_equal(((siren_config_result *)(void *)buf)->version, 1);
  assert_int_equal(siren_config_result_init((siren_config_result *)(void *)buf, 2), SIREN_OK);
  assert_int_equal(((siren_config_result *)(void *)buf)->response_plans, 0);
  assert_int_equal(siren_config_result_init((siren_config_result *)(void *)buf, 3), SIREN_EVERSION);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(engine_new_rejects_bad_arguments, teardown),
      cmocka_unit_test_teardown(failed_new_allocates_nothing, teardown),
      cmocka_unit_test_teardown(engine_free_null_and_version, teardown),
      cmocka_unit_test_teardown(strerror_names_every_code, teardown),
      cmocka_unit_test_teardown(errmsg_describes_last_failure, teardown),
      cmocka_unit_test_teardown(init_functions_check_versions, teardown),
      cmocka_unit_test_teardown(init_host_is_usable, teardown),
      cmocka_unit_test_teardown(notify_reentry_gets_ebusy, teardown),
      cmocka_unit_test_teardown(every_entry_point_is_busy_inside_a_callback, teardown),
      cmocka_unit_test_teardown(fresh_engine_has_no_deadline, teardown),
      cmocka_unit_test_teardown(same_instant_fires_in_scheduling_order, teardown),
      cmocka_unit_test_teardown(late_advance_fires_everything_at_its_due_time, teardown),
      cmocka_unit_test_teardown(late_advance_with_retries_in_between, teardown),
      cmocka_unit_test_teardown(clock_going_backwards_is_no_time_passing, teardown),
      cmocka_unit_test_teardown(clock_failure_fails_the_call_and_changes_nothing, teardown),
      cmocka_unit_test_teardown(advance_after_a_failed_event_callback_continues, teardown),
      cmocka_unit_test_teardown(catch_up_failure_does_not_let_a_command_overtake, teardown),
      cmocka_unit_test(init_of_an_older_version_stays_in_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
