/*
 * Unit tests of the record stream: one record per command and per timer
 * firing, the documented layout (length, version, reserved, sequence, time,
 * CRC-32C), siren_record_check() against damaged and truncated records, and
 * storage failures that must leave the engine unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h" /* SR_REC_* record type numbers */
#include "testhost.h"

#define MIN_MS INT64_C(60000)

static th_host th;

/* Frees the engine registered on a host (if a test stopped early on a
 * failed assertion, teardown still frees it). */
static void drop_engine(th_host *h, siren_engine *e) {
  siren_engine_free(e);
  if (h->engine == e) h->engine = NULL;
}

static int teardown(void **state) {
  (void)state;
  siren_engine_free(th.engine);
  free(th.records);
  memset(&th, 0, sizeof th);
  return 0;
}

/* --------------------------------------------------------- record bytes */

static uint64_t le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static void put_le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* CRC-32C written independently of the library (bitwise, reflected
 * Castagnoli polynomial 0x82F63B78, init and final xor 0xFFFFFFFF). */
static uint32_t crc32c(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
  }
  return ~c;
}

/* The offsets of the records stored so far; returns their number. */
static size_t record_offsets(size_t *off, size_t cap) {
  size_t n = 0, o = 0;
  while (o < th.records_len) {
    assert_true(th.records_len - o >= 4);
    uint32_t len = (uint32_t)le(th.records + o, 4);
    assert_true(len >= 4 && len <= th.records_len - o);
    if (n < cap) off[n] = o;
    n++;
    o += len;
  }
  assert_int_equal(o, th.records_len);
  return n;
}

static const uint8_t *last_record(size_t *len) {
  static size_t off[4096];
  size_t n = record_offsets(off, 4096);
  assert_true(n > 0 && n <= 4096);
  *len = (size_t)le(th.records + off[n - 1], 4);
  return th.records + off[n - 1];
}

/* Runs one command and checks that exactly one record of `type` was stored,
 * numbered in sequence, at the engine's time `t`. */
#define ONE_RECORD(e, type, t, call)                                              \
  do {                                                                            \
    uint64_t before_ = siren_engine_record_count(e);                              \
    assert_int_equal(before_, th.record_count);                                   \
    int rc_ = (call);                                                             \
    if (rc_ != SIREN_OK && rc_ != SIREN_EDENIED)                                  \
      fail_msg("%s: %s (%s)", #call, siren_strerror(rc_), siren_errmsg(e));       \
    assert_int_equal(siren_engine_record_count(e), before_ + 1);                  \
    assert_int_equal(th.record_count, before_ + 1);                               \
    size_t len_;                                                                  \
    const uint8_t *r_ = last_record(&len_);                                       \
    unsigned int type_ = 0;                                                       \
    assert_int_equal(siren_record_check(r_, len_, &type_), SIREN_OK);            \
    assert_int_equal(type_, (type));                                              \
    assert_int_equal(le(r_ + 8, 8), before_ + 1);                                 \
    assert_int_equal((int64_t)le(r_ + 16, 8), (t));                               \
  } while (0)

#define NO_RECORD(e, call)                                                        \
  do {                                                                            \
    uint64_t before_ = siren_engine_record_count(e);                              \
    (void)(call);                                                                 \
    assert_int_equal(siren_engine_record_count(e), before_);                      \
    assert_int_equal(th.record_count, before_);                                   \
  } while (0)

static void every_command_appends_one_record(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_engine_record_count(e), 0);
  int64_t t = TH_T0;
  ONE_RECORD(e, SR_REC_CONTACT_CREATE, t, siren_contact_create(e, "p", "P", SIREN_CONTACT_PERSONAL));
  ONE_RECORD(e, SR_REC_CONTACT_CREATE, t, siren_contact_create(e, "q", NULL, SIREN_CONTACT_PERSONAL));
  ONE_RECORD(e, SR_REC_CONTACT_CREATE, t, siren_contact_create(e, "esc", NULL, SIREN_CONTACT_ESCALATION));
  ONE_RECORD(e, SR_REC_CHANNEL_CREATE, t, siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0));
  char code[8];
  snprintf(code, sizeof code, "%s", th.notices[th.notice_count - 1].code);
  th_at_minute(&th, 1);
  t = TH_T0 + MIN_MS;
  char wrong[8];
  snprintf(wrong, sizeof wrong, "%s", code);
  wrong[0] = wrong[0] == '1' ? '2' : '1';
  ONE_RECORD(e, SR_REC_ACTIVATE, t, siren_channel_activate(e, "p", "mail", wrong)); /* counted attempt */
  ONE_RECORD(e, SR_REC_CODE_SEND, t, siren_channel_send_activation_code(e, "p", "mail"));
  snprintf(code, sizeof code, "%s", th.notices[th.notice_count - 1].code);
  ONE_RECORD(e, SR_REC_ACTIVATE, t, siren_channel_activate(e, "p", "mail", code));
  ONE_RECORD(e, SR_REC_DEACTIVATE, t, siren_channel_deactivate(e, "p", "mail"));
  ONE_RECORD(e, SR_REC_CODE_SEND, t, siren_channel_send_activation_code(e, "p", "mail"));
  snprintf(code, sizeof code, "%s", th.notices[th.notice_count - 1].code);
  ONE_RECORD(e, SR_REC_ACTIVATE, t, siren_channel_activate(e, "p", "mail", code));
  ONE_RECORD(e, SR_REC_CHANNEL_CREATE, t, siren_channel_create(e, "p", "spare", "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED));
  ONE_RECORD(e, SR_REC_CHANNEL_DELETE, t, siren_channel_delete(e, "p", "spare"));
  ONE_RECORD(e, SR_REC_CHANNEL_CREATE, t, siren_channel_create(e, "q", "mail", "EMAIL", "q@example.com", SIREN_CHANNEL_ACTIVATED));

  siren_target pt = SIREN_TARGET_INIT;
  pt.channel = "mail";
  pt.retry_interval_minutes = 2;
  siren_stage ps = SIREN_STAGE_INIT;
  ps.duration_minutes = 10;
  ps.target_count = 1;
  ps.targets = &pt;
  siren_plan pp = SIREN_PLAN_INIT;
  pp.stage_count = 1;
  pp.stages = &ps;
  ONE_RECORD(e, SR_REC_PLAN_SET, t, siren_contact_set_plan(e, "p", &pp));
  ONE_RECORD(e, SR_REC_PLAN_SET, t, siren_contact_set_plan(e, "q", &pp));
  siren_target et[2] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  et[0].contact = "p";
  et[0].essential = 1;
  et[1].contact = "q";
  et[1].essential = 1;
  siren_stage es[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  es[0].duration_minutes = 5;
  es[0].target_count = 1;
  es[0].targets = &et[0];
  es[1].duration_minutes = 5;
  es[1].target_count = 1;
  es[1].targets = &et[1];
  siren_plan ep = SIREN_PLAN_INIT;
  ep.stage_count = 2;
  ep.stages = es;
  ONE_RECORD(e, SR_REC_PLAN_SET, t, siren_contact_set_plan(e, "esc", &ep));

  /* Engagement commands. */
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "esc";
  p.sender = "s";
  p.subject = "subject";
  p.content = "content";
  p.idempotency_token = "tok";
  siren_id id = 0;
  ONE_RECORD(e, SR_REC_ENGAGEMENT_START, t, siren_engagement_start(&id, e, &p));
  siren_id page = th.notices[th.notice_count - 1].page;
  th_at_minute(&th, 2);
  t = TH_T0 + 2 * MIN_MS;
  ONE_RECORD(e, SR_REC_RECEIPT, t, siren_page_receipt(e, page, SIREN_RECEIPT_DELIVERED, "ok"));
  ONE_RECORD(e, SR_REC_RECEIPT, t, siren_page_receipt(e, page, SIREN_RECEIPT_ERROR, NULL));

  /* A timer firing appends one record, timed at its due time even when the
   * host calls late: the retry is due at 4, the host calls at 4.5. */
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 4 * MIN_MS);
  th_at_minute(&th, 4.5);
  uint32_t fired = 0;
  ONE_RECORD(e, SR_REC_TIMER, TH_T0 + 4 * MIN_MS, siren_engine_advance(e, &fired));
  assert_int_equal(fired, 1);
  /* The escalation's first stage (started at 1) ends at 6: q is paged. */
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 6 * MIN_MS);
  th_at_minute(&th, 6);
  ONE_RECORD(e, SR_REC_TIMER, TH_T0 + 6 * MIN_MS, siren_engine_advance(e, &fired));
  assert_int_equal(fired, 1);
  assert_string_equal(th.notices[th.notice_count - 1].contact, "q");
  page = th.notices[th.notice_count - 1].page;
  t = TH_T0 + 6 * MIN_MS;
  ONE_RECORD(e, SR_REC_ACCEPT, t, siren_page_accept(e, page, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, "note"));
  siren_id id2 = 0;
  p.idempotency_token = NULL;
  p.contact = "p";
  ONE_RECORD(e, SR_REC_ENGAGEMENT_START, t, siren_engagement_start(&id2, e, &p));
  ONE_RECORD(e, SR_REC_ENGAGEMENT_STOP, t, siren_engagement_stop(e, id2, "done"));
  ONE_RECORD(e, SR_REC_CONTACT_CREATE, t, siren_contact_create(e, "gone", NULL, SIREN_CONTACT_PERSONAL));
  ONE_RECORD(e, SR_REC_CONTACT_DELETE, t, siren_contact_delete(e, "gone"));

  /* Failed commands, queries, a repeated token and previews store nothing. */
  NO_RECORD(e, siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL));
  NO_RECORD(e, siren_contact_create(e, "Bad", NULL, SIREN_CONTACT_PERSONAL));
  NO_RECORD(e, siren_channel_create(e, "p", "x", "EMAIL", "no-at", 0));
  NO_RECORD(e, siren_channel_activate(e, "p", "mail", "123456"));
  NO_RECORD(e, siren_engagement_stop(e, id2, NULL));
  NO_RECORD(e, siren_page_accept(e, page, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, NULL));
  NO_RECORD(e, siren_contact_delete(e, "p"));
  p.contact = "esc";
  p.idempotency_token = "tok";
  siren_id again = 0;
  NO_RECORD(e, siren_engagement_start(&again, e, &p));
  assert_int_equal(again, id);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  NO_RECORD(e, siren_contact_get(&ci, e, "p"));
  size_t total = 0;
  NO_RECORD(e, siren_engagements(NULL, 0, &total, e));
  NO_RECORD(e, siren_engagement_preview(NULL, 0, &total, e, "esc", NULL, 0));
  NO_RECORD(e, siren_engine_advance(e, NULL));
  drop_engine(&th, e);
}

static void stored_records_follow_the_documented_layout(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 0);
  for (size_t i = 0; i < th.notice_count; i++)
    if (th.notices[i].kind == SIREN_NOTIFY_ACTIVATION_CODE)
      assert_int_equal(siren_channel_activate(e, th.notices[i].contact, th.notices[i].channel, th.notices[i].code),
                       SIREN_OK);
  th_engage(e, "app-escalation-plan");
  th_at_minute(&th, 1);
  assert_int_equal(siren_page_receipt(e, th.notices[th.notice_count - 1].page, SIREN_RECEIPT_ERROR, "x"), SIREN_OK);
  th_run_until(&th, e, 7);
  int k = th_last_page(&th, "sr-incident-responder", NULL);
  assert_int_equal(siren_page_accept(e, th.notices[k].page, SIREN_ACCEPT_READ, th.notices[k].code,
                                     SIREN_ACCEPT_ENFORCE, "ack"),
                   SIREN_OK);
  th_run_until(&th, e, 30);

  static size_t off[1024];
  size_t n = record_offsets(off, 1024);
  assert_true(n >= 18);
  assert_int_equal(n, th.record_count);
  assert_int_equal(n, siren_engine_record_count(e));
  int64_t prev_time = INT64_MIN;
  size_t timers = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *r = th.records + off[i];
    size_t len = (size_t)le(r, 4);
    assert_true(len >= 28);
    unsigned int type = 0;
    if (siren_record_check(r, len, &type) != SIREN_OK) fail_msg("record %zu does not check", i);
    assert_true(type >= 1 && type <= SR_REC_TYPE_MAX);
    assert_int_equal(r[4], SIREN_RECORD_VERSION);
    assert_int_equal(r[5], type);
    assert_int_equal(le(r + 6, 2), 0);
    assert_int_equal(le(r + 8, 8), i + 1);
    int64_t time = (int64_t)le(r + 16, 8);
    assert_true(time >= TH_T0 && time <= TH_T0 + 30 * MIN_MS);
    assert_true(time >= prev_time);
    prev_time = time;
    /* The trailer is the CRC-32C of every byte before it. */
    assert_int_equal(le(r + len - 4, 4), crc32c(r, len - 4));
    timers += type == SR_REC_TIMER;
    /* A NULL type pointer is allowed. */
    assert_int_equal(siren_record_check(r, len, NULL), SIREN_OK);
  }
  assert_int_equal(timers, 2); /* the retry at 2 and the escalation stage at 5 */
  assert_int_equal(siren_record_check(NULL, 10, NULL), SIREN_EINVAL);
  drop_engine(&th, e);
}

static void every_single_byte_flip_is_detected(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 30);
  static size_t off[1024];
  size_t n = record_offsets(off, 1024);
  assert_true(n > 10);
  static uint8_t buf[65536];
  size_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = (size_t)le(th.records + off[i], 4);
    assert_true(len <= sizeof buf);
    memcpy(buf, th.records + off[i], len);
    for (size_t b = 0; b < len; b++) {
      for (unsigned x = 1; x < 256; x++) {
        buf[b] ^= (uint8_t)x;
        int rc = siren_record_check(buf, len, NULL);
        buf[b] ^= (uint8_t)x;
        if (b == 4 ? (rc != SIREN_ECORRUPT && rc != SIREN_EVERSION) : rc != SIREN_ECORRUPT)
          fail_msg("record %zu (type %u, %zu bytes): byte %zu ^ 0x%02x gives %s", i, buf[5], len, b, x,
                   siren_strerror(rc));
        checked++;
      }
    }
    assert_memory_equal(buf, th.records + off[i], len);
    assert_int_equal(siren_record_check(buf, len, NULL), SIREN_OK);
  }
  assert_true(checked > 1000);
  drop_engine(&th, e);
}

static void version_and_truncation(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  static size_t off[256];
  size_t n = record_offsets(off, 256);
  assert_true(n > 3);
  static uint8_t buf[4096];
  for (size_t i = 0; i < n; i++) {
    const uint8_t *r = th.records + off[i];
    size_t len = (size_t)le(r, 4);
    /* Another record format version with a valid checksum: EVERSION. */
    const uint8_t versions[] = {0, 2, 3, 0x7F, 0xFF};
    for (size_t v = 0; v < sizeof versions; v++) {
      memcpy(buf, r, len);
      buf[4] = versions[v];
      put_le32(buf + len - 4, crc32c(buf, len - 4));
      assert_int_equal(siren_record_check(buf, len, NULL), SIREN_EVERSION);
    }
    /* Truncated anywhere: ECORRUPT. */
    for (size_t cut = 0; cut < len; cut++)
      if (siren_record_check(r, cut, NULL) != SIREN_ECORRUPT) fail_msg("record %zu cut to %zu checks", i, cut);
    /* A truncated copy whose length field was made to match is still
     * caught by the checksum. */
    memcpy(buf, r, len);
    put_le32(buf, (uint32_t)(len - 1));
    assert_int_equal(siren_record_check(buf, len - 1, NULL), SIREN_ECORRUPT);
    /* Extra bytes after a record. */
    memcpy(buf, r, len);
    buf[len] = 0;
    assert_int_equal(siren_record_check(buf, len + 1, NULL), SIREN_ECORRUPT);
  }
  /* Two records given as one. */
  size_t two = (size_t)le(th.records + off[0], 4) + (size_t)le(th.records + off[1], 4);
  assert_int_equal(siren_record_check(th.records, two, NULL), SIREN_ECORRUPT);
  drop_engine(&th, e);
}

/* ------------------------------------------------------ storage failure */

static void storage_failure_changes_nothing(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th.fail_storage = 3;

  /* contact_create */
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_ECALLBACK);
  assert_true(strlen(siren_errmsg(e)) > 0);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_count(e), 0);
  assert_int_equal(siren_engine_record_count(e), 0);
  assert_int_equal(th.ev_count, 0);
  th.fail_storage = 0;
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 1);

  /* channel_create: no channel, no activation code */
  th.fail_storage = 1;
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0), SIREN_ECALLBACK);
  siren_channel_info chi = SIREN_CHANNEL_INFO_INIT;
  assert_int_equal(siren_channel_get(&chi, e, "p", "mail"), SIREN_ENOTFOUND);
  assert_int_equal(th.notice_count, 0);
  th.fail_storage = 0;
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0), SIREN_OK);
  assert_int_equal(th.notice_count, 1);
  char code[8];
  snprintf(code, sizeof code, "%s", th.notices[0].code);

  /* activate, right and wrong code: nothing counted */
  th.fail_storage = 1;
  char wrong[8];
  snprintf(wrong, sizeof wrong, "%s", code);
  wrong[0] = wrong[0] == '1' ? '2' : '1';
  assert_int_equal(siren_channel_activate(e, "p", "mail", wrong), SIREN_ECALLBACK);
  assert_int_equal(siren_channel_activate(e, "p", "mail", code), SIREN_ECALLBACK);
  assert_int_equal(siren_channel_get(&chi, e, "p", "mail"), SIREN_OK);
  assert_int_equal(chi.activation, SIREN_NOT_ACTIVATED);
  assert_int_equal(chi.attempts_left, 5);
  /* send_activation_code: no code sent */
  assert_int_equal(siren_channel_send_activation_code(e, "p", "mail"), SIREN_ECALLBACK);
  assert_int_equal(th.notice_count, 1);
  th.fail_storage = 0;
  assert_int_equal(siren_channel_activate(e, "p", "mail", code), SIREN_OK);

  /* set_plan: the plan is unchanged */
  siren_target t = SIREN_TARGET_INIT;
  t.channel = "mail";
  t.retry_interval_minutes = 1;
  siren_stage st = SIREN_STAGE_INIT;
  st.duration_minutes = 10;
  st.target_count = 1;
  st.targets = &t;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 1;
  plan.stages = &st;
  th.fail_storage = 1;
  assert_int_equal(siren_contact_set_plan(e, "p", &plan), SIREN_ECALLBACK);
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_OK);
  assert_int_equal(ci.stage_count, 0);
  th.fail_storage = 0;
  assert_int_equal(siren_contact_set_plan(e, "p", &plan), SIREN_OK);

  /* engagement_start: no engagement, no page */
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "p";
  p.sender = "s";
  p.subject = "subject";
  p.content = "content";
  p.idempotency_token = "once";
  siren_id id = 77;
  size_t notices = th.notice_count, events = th.ev_count, total = 9;
  th.fail_storage = 1;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_ECALLBACK);
  assert_int_equal(id, 0);
  assert_int_equal(th.notice_count, notices);
  assert_int_equal(th.ev_count, events);
  assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
  assert_int_equal(total, 0);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  th.fail_storage = 0;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_OK);
  assert_int_equal(id, 1);
  assert_int_equal(th.notice_count, notices + 1);
  siren_id page = th.notices[notices].page;
  assert_int_equal(page, 1);

  /* receipt: not recorded, no retry scheduled */
  th_at_minute(&th, 1);
  th.fail_storage = 1;
  assert_int_equal(siren_page_receipt(e, page, SIREN_RECEIPT_ERROR, "bounce"), SIREN_ECALLBACK);
  siren_page_info pi = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&pi, e, page), SIREN_OK);
  assert_int_equal(pi.receipt_count, 0);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 10 * MIN_MS);

  /* accept: not accepted, the engagement goes on */
  assert_int_equal(siren_page_accept(e, page, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, NULL), SIREN_ECALLBACK);
  assert_int_equal(siren_page_get(&pi, e, page), SIREN_OK);
  assert_int_equal(pi.accepted_time, 0);
  siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&ei, e, id), SIREN_OK);
  assert_int_equal(ei.state, SIREN_ENGAGEMENT_ACTIVE);

  /* stop: still active */
  assert_int_equal(siren_engagement_stop(e, id, "x"), SIREN_ECALLBACK);
  assert_int_equal(siren_engagement_get(&ei, e, id), SIREN_OK);
  assert_int_equal(ei.state, SIREN_ENGAGEMENT_ACTIVE);

  /* delete: still there */
  assert_int_equal(siren_contact_create(e, "other", NULL, SIREN_CONTACT_PERSONAL), SIREN_ECALLBACK);
  th.fail_storage = 0;
  assert_int_equal(siren_contact_create(e, "other", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  th.fail_storage = 1;
  assert_int_equal(siren_contact_delete(e, "other"), SIREN_ECALLBACK);
  assert_int_equal(siren_contact_get(&ci, e, "other"), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 2);

  /* A timer firing: advance fails, nothing fired, the deadline stays. */
  th_at_minute(&th, 10);
  uint32_t fired = 9;
  notices = th.notice_count;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_ECALLBACK);
  assert_int_equal(fired, 0);
  assert_int_equal(th.notice_count, notices);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 10 * MIN_MS);
  uint64_t records = siren_engine_record_count(e);
  assert_int_equal(records, th.record_count);

  /* Storage is back: each command now succeeds. */
  th.fail_storage = 0;
  th_at_minute(&th, 12);
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 1); /* the plan ran out at its due time */
  assert_int_equal(siren_engagement_get(&ei, e, id), SIREN_OK);
  assert_int_equal(ei.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(ei.stop_time, TH_T0 + 10 * MIN_MS);
  assert_int_equal(siren_page_receipt(e, page, SIREN_RECEIPT_ERROR, "bounce"), SIREN_OK);
  assert_int_equal(siren_page_get(&pi, e, page), SIREN_OK);
  assert_int_equal(pi.receipt_count, 1);
  assert_int_equal(siren_page_accept(e, page, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, NULL), SIREN_OK);
  assert_int_equal(siren_contact_delete(e, "other"), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 1);
  assert_int_equal(siren_engine_record_count(e), th.record_count);
  drop_engine(&th, e);
}

/* A storage failure in the middle of advance: it stops after the last
 * firing whose record was stored; calling again continues, and every page
 * keeps its due time. */
static void storage_failure_during_advance_loses_nothing(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  th_at_minute(&th, 30);
  th.fail_storage = 1;
  uint32_t fired = 5;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_ECALLBACK);
  assert_int_equal(fired, 0);
  assert_int_equal(th.notice_count, 1);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 5 * MIN_MS);
  /* A command while storage fails: fails too, nothing fires. */
  assert_int_equal(siren_contact_create(e, "late", NULL, SIREN_CONTACT_PERSONAL), SIREN_ECALLBACK);
  assert_int_equal(th.notice_count, 1);
  th.fail_storage = 0;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_true(fired >= 4);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  assert_int_equal(siren_engine_record_count(e), th.record_count);
  drop_engine(&th, e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(every_command_appends_one_record, teardown),
      cmocka_unit_test_teardown(stored_records_follow_the_documented_layout, teardown),
      cmocka_unit_test_teardown(every_single_byte_flip_is_detected, teardown),
      cmocka_unit_test_teardown(version_and_truncation, teardown),
      cmocka_unit_test_teardown(storage_failure_changes_nothing, teardown),
      cmocka_unit_test_teardown(storage_failure_during_advance_loses_nothing, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
