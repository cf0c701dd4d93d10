/*
 * Unit tests of engagements and pages: starting (idempotency), stopping,
 * receipts, acceptance and what it stops, repeats, ALL_ESSENTIAL stages,
 * nested escalations, 0-minute stages, listings, page info, notify failures,
 * and siren_engagement_preview() against real engagements.
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

/* Frees the engine registered on a host (if a test stopped early on a
 * failed assertion, teardown still frees it). */
static void drop_engine(th_host *h, siren_engine *e) {
  siren_engine_free(e);
  if (h->engine == e) h->engine = NULL;
}

static void reset(void) {
  siren_engine_free(th.engine);
  free(th.records);
  memset(&th, 0, sizeof th);
}

static int teardown(void **state) {
  (void)state;
  reset();
  return 0;
}

/* ------------------------------------------------------------- helpers */

/* A personal contact with activated channels "mail" (EMAIL) and "sms" (SMS)
 * and a plan of n stages, stage i paging chans[i] for durs[i] minutes. */
static void person(siren_engine *e, const char *alias, const char *const *chans, const uint32_t *durs,
                   size_t n, uint32_t repeat, uint32_t retry) {
  assert_int_equal(siren_contact_create(e, alias, NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, alias, "mail", "EMAIL", "p@example.com", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  assert_int_equal(siren_channel_create(e, alias, "sms", "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  siren_target t[8];
  siren_stage st[8];
  assert_true(n <= 8);
  for (size_t i = 0; i < n; i++) {
    siren_target x = SIREN_TARGET_INIT;
    x.channel = chans[i];
    x.retry_interval_minutes = retry;
    t[i] = x;
    siren_stage s = SIREN_STAGE_INIT;
    s.duration_minutes = durs[i];
    s.target_count = 1;
    s.targets = &t[i];
    st[i] = s;
  }
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = n;
  p.stages = st;
  p.repeat_count = repeat;
  assert_int_equal(siren_contact_set_plan(e, alias, &p), SIREN_OK);
}

/* mail for `mail` minutes, then sms for `sms` minutes. */
static void person2(siren_engine *e, const char *alias, uint32_t mail, uint32_t sms) {
  const char *ch[2] = {"mail", "sms"};
  uint32_t d[2] = {mail, sms};
  person(e, alias, ch, d, 2, 0, 0);
}

/* mail only, for `mail` minutes. */
static void person1(siren_engine *e, const char *alias, uint32_t mail) {
  const char *ch[1] = {"mail"};
  uint32_t d[1] = {mail};
  person(e, alias, ch, d, 1, 0, 0);
}

typedef struct estage {
  uint32_t dur;
  uint32_t flags;
  const char *t[4]; /* NULL-terminated */
  int ess[4];
} estage;

static int escalation_plan(siren_engine *e, const char *alias, const estage *s, size_t n, uint32_t repeat) {
  siren_target t[8][4];
  siren_stage st[8];
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    for (; k < 4 && s[i].t[k]; k++) {
      siren_target x = SIREN_TARGET_INIT;
      x.contact = s[i].t[k];
      x.essential = s[i].ess[k];
      t[i][k] = x;
    }
    siren_stage y = SIREN_STAGE_INIT;
    y.duration_minutes = s[i].dur;
    y.flags = s[i].flags;
    y.target_count = k;
    y.targets = t[i];
    st[i] = y;
  }
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = n;
  p.stages = st;
  p.repeat_count = repeat;
  return siren_contact_set_plan(e, alias, &p);
}

static void escalation(siren_engine *e, const char *alias, const estage *s, size_t n, uint32_t repeat) {
  assert_int_equal(siren_contact_create(e, alias, NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  assert_int_equal(escalation_plan(e, alias, s, n, repeat), SIREN_OK);
}

static siren_engagement_info einfo(siren_engine *e, siren_id id) {
  siren_engagement_info i = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&i, e, id), SIREN_OK);
  return i;
}

static siren_page_info pinfo(siren_engine *e, siren_id id) {
  siren_page_info i = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&i, e, id), SIREN_OK);
  return i;
}

static siren_id last_page_id(const char *contact) {
  int i = th_last_page(&th, contact, NULL);
  assert_true(i >= 0);
  return th.notices[i].page;
}

static void accept_last(siren_engine *e, const char *contact) {
  int i = th_last_page(&th, contact, NULL);
  assert_true(i >= 0);
  assert_int_equal(siren_page_accept(e, th.notices[i].page, SIREN_ACCEPT_READ, th.notices[i].code,
                                     SIREN_ACCEPT_ENFORCE, NULL),
                   SIREN_OK);
}

static siren_engagement_params params(const char *contact) {
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = contact;
  p.sender = "monitor";
  p.subject = "disk full";
  p.content = "/var is 100% full";
  return p;
}

/* Activated seed + the host ready at T0. */
static siren_engine *seeded(void) {
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  return e;
}

static const char *SEED_ALL =
    "0:incident-responder/incident-responder-email "
    "5:sr-incident-responder/sr-incident-responder-email "
    "10:incident-responder/incident-responder-mobile "
    "15:sr-incident-responder/sr-incident-responder-mobile";

/* ---------------------------------------------------------- start, stop */

static void start_validates_params(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id id = 99;
  siren_engagement_params p = params("app-escalation-plan");
  p.sender = NULL;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EINVAL);
  assert_int_equal(id, 0);
  p = params("app-escalation-plan");
  p.subject = "";
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EINVAL);
  p = params("app-escalation-plan");
  p.content = NULL;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EINVAL);
  p = params("nobody");
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_ENOTFOUND);
  p = params(NULL);
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_ENOTFOUND);
  p = params("app-escalation-plan");
  p.version = 0;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EVERSION);
  assert_int_equal(siren_engagement_start(&id, e, NULL), SIREN_EINVAL);
  p = params("app-escalation-plan");
  assert_int_equal(siren_engagement_start(NULL, e, &p), SIREN_EINVAL);
  size_t total = 9;
  assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
  assert_int_equal(total, 0);
  assert_int_equal(th.notice_count, 0);
  /* Optional strings land in the engagement and the pages. */
  p.public_subject = "short";
  p.incident_id = "INC-7";
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_OK);
  assert_int_equal(id, 1);
  siren_engagement_info i = einfo(e, id);
  assert_string_equal(i.contact, "app-escalation-plan");
  assert_string_equal(i.sender, "monitor");
  assert_string_equal(i.subject, "disk full");
  assert_string_equal(i.content, "/var is 100% full");
  assert_string_equal(i.public_subject, "short");
  assert_string_equal(i.public_content, "");
  assert_string_equal(i.incident_id, "INC-7");
  assert_int_equal(i.state, SIREN_ENGAGEMENT_ACTIVE);
  assert_int_equal(i.start_time, TH_T0);
  assert_int_equal(i.stop_time, 0);
  assert_int_equal(i.page_count, 1);
  assert_string_equal(th.notices[0].subject, "disk full"); /* email: the secure subject */
  th_run_until(&th, e, 10);
  int sms = th_last_page(&th, "incident-responder", "incident-responder-mobile");
  assert_true(sms >= 0);
  assert_string_equal(th.notices[sms].subject, "short");
  assert_string_equal(th.notices[sms].content, "/var is 100% full"); /* no public content: the content */
  assert_int_equal(siren_engagement_get(&i, e, 2), SIREN_ENOTFOUND);
  assert_int_equal(siren_engagement_get(&i, e, 0), SIREN_ENOTFOUND);
  drop_engine(&th, e);
}

static void idempotency_token_returns_the_first_engagement(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_engagement_params p = params("app-escalation-plan");
  p.idempotency_token = "alarm-123";
  siren_id a = 0, b = 0, c = 0;
  assert_int_equal(siren_engagement_start(&a, e, &p), SIREN_OK);
  size_t notices = th.notice_count;
  uint64_t records = siren_engine_record_count(e);
  assert_int_equal(notices, 1);
  th_at_minute(&th, 2);
  p.subject = "a different subject";
  assert_int_equal(siren_engagement_start(&b, e, &p), SIREN_OK);
  assert_int_equal(b, a);
  assert_int_equal(th.notice_count, notices);
  assert_int_equal(siren_engine_record_count(e), records);
  size_t total = 0;
  assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
  assert_int_equal(total, 1);
  assert_string_equal(einfo(e, a).subject, "disk full");
  /* Another token, or none, starts a new one. */
  p.idempotency_token = "alarm-124";
  assert_int_equal(siren_engagement_start(&c, e, &p), SIREN_OK);
  assert_true(c != a);
  assert_int_equal(th.notice_count, notices + 1);
  p.idempotency_token = NULL;
  siren_id d = 0;
  assert_int_equal(siren_engagement_start(&d, e, &p), SIREN_OK);
  assert_true(d != a && d != c);
  /* Still the same after the first engagement has finished. */
  assert_int_equal(siren_engagement_stop(e, a, NULL), SIREN_OK);
  p.idempotency_token = "alarm-123";
  assert_int_equal(siren_engagement_start(&b, e, &p), SIREN_OK);
  assert_int_equal(b, a);
  assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
  assert_int_equal(total, 3);
  drop_engine(&th, e);
}

static void stop_stops_further_pages(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 7);
  assert_int_equal(th.notice_count, 2);
  assert_int_equal(siren_engagement_stop(e, id, "false alarm"), SIREN_OK);
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_STOPPED);
  assert_int_equal(i.stop_time, TH_T0 + 7 * MIN_MS);
  assert_string_equal(i.stop_reason, "false alarm");
  assert_int_equal(i.acknowledged, 0);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  th_run_until(&th, e, 60);
  assert_int_equal(th.notice_count, 2);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ENGAGEMENT_STOPPED), 1);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ENGAGEMENT_COMPLETED), 0);
  /* Twice: ESTATE, and nothing changes. */
  assert_int_equal(siren_engagement_stop(e, id, "again"), SIREN_ESTATE);
  assert_string_equal(einfo(e, id).stop_reason, "false alarm");
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ENGAGEMENT_STOPPED), 1);
  assert_int_equal(siren_engagement_stop(e, 42, NULL), SIREN_ENOTFOUND);
  assert_int_equal(siren_engagement_stop(e, 0, NULL), SIREN_ENOTFOUND);
  /* A completed engagement cannot be stopped either. */
  siren_id other = th_engage(e, "incident-responder");
  th_run_until(&th, e, 200);
  assert_int_equal(einfo(e, other).state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(siren_engagement_stop(e, other, NULL), SIREN_ESTATE);
  assert_int_equal(einfo(e, other).state, SIREN_ENGAGEMENT_COMPLETED);
  /* NULL reason is fine. */
  siren_id third = th_engage(e, "incident-responder");
  assert_int_equal(siren_engagement_stop(e, third, NULL), SIREN_OK);
  assert_string_equal(einfo(e, third).stop_reason, "");
  drop_engine(&th, e);
}

/* ------------------------------------------------------------ receipts */

static void stop_receipt_deactivates_the_channel(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  const char *ch[3] = {"mail", "sms", "mail"};
  uint32_t d[3] = {5, 5, 5};
  person(e, "p", ch, d, 3, 0, 0);
  siren_id id = th_engage(e, "p");
  th_at_minute(&th, 1);
  siren_id first = last_page_id("p");
  assert_int_equal(siren_page_receipt(e, first, SIREN_RECEIPT_STOP, "STOP"), SIREN_OK);
  siren_channel_info ci = SIREN_CHANNEL_INFO_INIT;
  assert_int_equal(siren_channel_get(&ci, e, "p", "mail"), SIREN_OK);
  assert_int_equal(ci.activation, SIREN_NOT_ACTIVATED);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_CHANNEL_DEACTIVATED), 1);
  th_run_until(&th, e, 60);
  /* The mail stage at 10 is skipped; the SMS stage is not. */
  assert_string_equal(th_pages_text(&th), "0:p/mail 5:p/sms");
  int sk = th_find_event(&th, SIREN_EVENT_CHANNEL_SKIPPED, 0);
  assert_true(sk >= 0);
  assert_int_equal(th.ev_times[sk], TH_T0 + 10 * MIN_MS);
  assert_non_null(strstr(th.ev_lines[sk], ":p:mail:"));
  assert_int_equal(einfo(e, id).page_count, 2);
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_COMPLETED);
  drop_engine(&th, e);
}

static void receipts_fill_page_info(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id eng = th_engage(e, "app-escalation-plan");
  siren_id pg = last_page_id("incident-responder");
  siren_page_info i = pinfo(e, pg);
  assert_int_equal(i.id, pg);
  assert_int_equal(i.engagement, eng);
  assert_int_equal(i.retry_of, 0);
  assert_string_equal(i.contact, "incident-responder");
  assert_string_equal(i.channel, "incident-responder-email");
  assert_string_equal(i.channel_type, "EMAIL");
  assert_string_equal(i.engaged_by, "app-escalation-plan");
  assert_int_equal(i.escalation_stage, 0);
  assert_int_equal(i.stage, 0);
  assert_int_equal(i.essential, 1);
  assert_int_equal(i.sent_time, TH_T0);
  assert_int_equal(i.delivered_time, 0);
  assert_int_equal(i.read_time, 0);
  assert_int_equal(i.accepted_time, 0);
  assert_string_equal(i.accept_note, "");
  assert_int_equal(i.receipt_count, 0);

  th_at_minute(&th, 0.5);
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_SENT, NULL), SIREN_OK);
  th_at_minute(&th, 1);
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_DELIVERED, "250 OK"), SIREN_OK);
  th_at_minute(&th, 2);
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_DELIVERED, "dup"), SIREN_OK);
  th_at_minute(&th, 3);
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_READ, NULL), SIREN_OK);
  th_at_minute(&th, 4);
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_READ, NULL), SIREN_OK);
  i = pinfo(e, pg);
  assert_int_equal(i.delivered_time, TH_T0 + MIN_MS); /* the first DELIVERED */
  assert_int_equal(i.read_time, TH_T0 + 3 * MIN_MS);  /* the first READ */
  assert_int_equal(i.receipt_count, 5);
  siren_receipt_info r = SIREN_RECEIPT_INFO_INIT;
  const siren_receipt_type types[5] = {SIREN_RECEIPT_SENT, SIREN_RECEIPT_DELIVERED, SIREN_RECEIPT_DELIVERED,
                                       SIREN_RECEIPT_READ, SIREN_RECEIPT_READ};
  const char *infos[5] = {"", "250 OK", "dup", "", ""};
  const double at[5] = {0.5, 1, 2, 3, 4};
  for (uint32_t k = 0; k < 5; k++) {
    assert_int_equal(siren_page_receipt_at(&r, e, pg, k), SIREN_OK);
    assert_int_equal(r.type, types[k]);
    assert_int_equal(r.time, TH_T0 + (int64_t)(at[k] * 60000.0));
    assert_string_equal(r.info, infos[k]);
  }
  assert_int_equal(siren_page_receipt_at(&r, e, pg, 5), SIREN_ENOTFOUND);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PAGE_RECEIPT), 5);
  /* Delivery receipts do not acknowledge anything. */
  assert_int_equal(einfo(e, eng).state, SIREN_ENGAGEMENT_ACTIVE);
  /* Bad receipts. */
  assert_int_equal(siren_page_receipt(e, 999, SIREN_RECEIPT_READ, NULL), SIREN_ENOTFOUND);
  assert_int_equal(siren_page_receipt(e, 0, SIREN_RECEIPT_READ, NULL), SIREN_ENOTFOUND);
  assert_int_equal(siren_page_receipt(e, pg, (siren_receipt_type)9, NULL), SIREN_EINVAL);
  assert_int_equal(siren_page_receipt(e, pg, (siren_receipt_type)0, NULL), SIREN_EINVAL);
  assert_int_equal(pinfo(e, pg).receipt_count, 5);
  /* Acceptance fills accepted_time and the note. */
  th_at_minute(&th, 4.5);
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, th.notices[0].code, SIREN_ACCEPT_ENFORCE, "looking"),
                   SIREN_OK);
  i = pinfo(e, pg);
  assert_int_equal(i.accepted_time, TH_T0 + 270000);
  assert_string_equal(i.accept_note, "looking");
  drop_engine(&th, e);
}

/* --------------------------------------------------------- acceptance */

static void wrong_code_stops_nothing(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 3);
  siren_id pg = th.notices[0].page;
  char wrong[8];
  snprintf(wrong, sizeof wrong, "%s", th.notices[0].code);
  wrong[5] = wrong[5] == '0' ? '1' : '0';
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, wrong, SIREN_ACCEPT_ENFORCE, NULL), SIREN_EDENIED);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_ENFORCE, NULL), SIREN_EDENIED);
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_DELIVERED, "", SIREN_ACCEPT_ENFORCE, NULL), SIREN_EDENIED);
  assert_int_equal(pinfo(e, pg).accepted_time, 0);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PAGE_ACCEPTED), 0);
  /* Another page's code is wrong for this one. */
  th_run_until(&th, e, 6);
  int sr = th_last_page(&th, "sr-incident-responder", NULL);
  assert_true(sr >= 0);
  if (strcmp(th.notices[sr].code, th.notices[0].code) != 0)
    assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, th.notices[sr].code, SIREN_ACCEPT_ENFORCE, NULL),
                     SIREN_EDENIED);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), SEED_ALL);
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.acknowledged, 0);
  assert_int_equal(i.stop_time, TH_T0 + 20 * MIN_MS);
  /* Bad arguments. */
  assert_int_equal(siren_page_accept(e, 999, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, NULL), SIREN_ENOTFOUND);
  assert_int_equal(siren_page_accept(e, pg, (siren_accept_type)7, NULL, SIREN_ACCEPT_IGNORE, NULL), SIREN_EINVAL);
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, NULL, (siren_accept_validation)7, NULL), SIREN_EINVAL);
  drop_engine(&th, e);
}

static void ignore_accepts_without_code_and_twice_is_estate(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id id = th_engage(e, "app-escalation-plan");
  th_at_minute(&th, 3);
  siren_id pg = th.notices[0].page;
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_DELIVERED, NULL, SIREN_ACCEPT_IGNORE, NULL), SIREN_OK);
  assert_int_equal(pinfo(e, pg).accepted_time, TH_T0 + 3 * MIN_MS);
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 1);
  /* Accepting again, with the right code or without: ESTATE. */
  th_at_minute(&th, 4);
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, th.notices[0].code, SIREN_ACCEPT_ENFORCE, "x"),
                   SIREN_ESTATE);
  assert_int_equal(siren_page_accept(e, pg, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, NULL), SIREN_ESTATE);
  assert_int_equal(pinfo(e, pg).accepted_time, TH_T0 + 3 * MIN_MS);
  assert_string_equal(pinfo(e, pg).accept_note, "");
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PAGE_ACCEPTED), 1);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:incident-responder/incident-responder-email");
  drop_engine(&th, e);
}

/* Two personal contacts a and b, mail for 1 minute each; an escalation e of
 * two 5-minute stages (a, then b, both essential), repeated twice. */
static void repeat_count_pages_the_stages_again(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  person1(e, "a", 1);
  person1(e, "b", 1);
  const estage s[2] = {{5, 0, {"a", NULL}, {1}}, {5, 0, {"b", NULL}, {1}}};
  escalation(e, "esc", s, 2, 2);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "esc"), SIREN_OK);
  assert_int_equal(ci.repeat_count, 2);
  siren_id id = th_engage(e, "esc");
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th), "0:a/mail 5:b/mail 10:a/mail 15:b/mail 20:a/mail 25:b/mail");
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PLAN_REPEATED), 2);
  int r1 = th_find_event(&th, SIREN_EVENT_PLAN_REPEATED, 0);
  int r2 = th_find_event(&th, SIREN_EVENT_PLAN_REPEATED, (size_t)r1 + 1);
  assert_int_equal(th.ev_times[r1], TH_T0 + 10 * MIN_MS);
  assert_int_equal(th.ev_times[r2], TH_T0 + 20 * MIN_MS);
  assert_non_null(strstr(th.ev_lines[r1], ":esc::1:"));
  assert_non_null(strstr(th.ev_lines[r2], ":esc::2:"));
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 0);
  assert_int_equal(i.stop_time, TH_T0 + 30 * MIN_MS);
  assert_int_equal(i.page_count, 6);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ENGAGEMENT_COMPLETED), 1);

  /* An essential acceptance in the second round ends it there. */
  reset();
  e = th_engine(&th, 1, 0);
  person1(e, "a", 1);
  person1(e, "b", 1);
  escalation(e, "esc", s, 2, 2);
  id = th_engage(e, "esc");
  th_run_until(&th, e, 16);
  accept_last(e, "b");
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th), "0:a/mail 5:b/mail 10:a/mail 15:b/mail");
  i = einfo(e, id);
  assert_int_equal(i.acknowledged, 1);
  assert_int_equal(i.stop_time, TH_T0 + 16 * MIN_MS);
  drop_engine(&th, e);
}

static siren_engine *all_essential_setup(uint32_t flags) {
  siren_engine *e = th_engine(&th, 1, 0);
  person2(e, "a", 10, 5);
  person2(e, "b", 10, 5);
  person2(e, "c", 10, 5);
  const estage s[2] = {{5, flags, {"a", "b", NULL}, {1, 1}}, {5, 0, {"c", NULL}, {1}}};
  escalation(e, "esc", s, 2, 0);
  return e;
}

static void all_essential_waits_for_every_essential_contact(void **state) {
  (void)state;
  siren_engine *e = all_essential_setup(SIREN_STAGE_ALL_ESSENTIAL);
  siren_id id = th_engage(e, "esc");
  th_run_until(&th, e, 1);
  accept_last(e, "a");
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_ACTIVE);
  assert_int_equal(einfo(e, id).acknowledged, 0);
  th_run_until(&th, e, 7);
  /* The plan went on: c was paged at 5; a is paged no more. */
  assert_string_equal(th_pages_text(&th), "0:a/mail 0:b/mail 5:c/mail");
  accept_last(e, "b");
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 1);
  assert_int_equal(i.stop_time, TH_T0 + 7 * MIN_MS);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:a/mail 0:b/mail 5:c/mail");
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  drop_engine(&th, e);

  /* Without the flag, the first essential acceptance stops it. */
  reset();
  e = all_essential_setup(0);
  id = th_engage(e, "esc");
  th_run_until(&th, e, 1);
  accept_last(e, "a");
  i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 1);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:a/mail 0:b/mail");
  drop_engine(&th, e);
}

static void all_essential_ignores_non_essential_targets(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  person2(e, "a", 10, 5);
  person2(e, "b", 10, 5);
  person2(e, "n", 10, 5);
  const estage s[1] = {{20, SIREN_STAGE_ALL_ESSENTIAL, {"a", "n", "b", NULL}, {1, 0, 1}}};
  escalation(e, "esc", s, 1, 0);
  siren_id id = th_engage(e, "esc");
  th_at_minute(&th, 1);
  accept_last(e, "b");
  th_at_minute(&th, 2);
  accept_last(e, "n");
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_ACTIVE);
  th_at_minute(&th, 3);
  accept_last(e, "a");
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(einfo(e, id).acknowledged, 1);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:a/mail 0:n/mail 0:b/mail");
  drop_engine(&th, e);
}

/* top: stage 1 (5 min) p1, stage 2 (10 min) inner; inner: stage 1 (5 min)
 * p2, stage 2 (5 min) p3. Every target essential. */
static siren_engine *nested_setup(void) {
  siren_engine *e = th_engine(&th, 1, 0);
  person2(e, "p1", 10, 5);
  person2(e, "p2", 10, 5);
  person2(e, "p3", 10, 5);
  const estage in[2] = {{5, 0, {"p2", NULL}, {1}}, {5, 0, {"p3", NULL}, {1}}};
  escalation(e, "inner", in, 2, 0);
  const estage top[2] = {{5, 0, {"p1", NULL}, {1}}, {10, 0, {"inner", NULL}, {1}}};
  escalation(e, "top", top, 2, 0);
  return e;
}

static void nested_escalation_pages_through_both(void **state) {
  (void)state;
  siren_engine *e = nested_setup();
  siren_id id = th_engage(e, "top");
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th), "0:p1/mail 5:p2/mail 10:p1/sms 10:p3/mail 15:p2/sms 20:p3/sms");
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 0);
  assert_int_equal(i.stop_time, TH_T0 + 25 * MIN_MS);
  siren_page_info pi = pinfo(e, last_page_id("p3"));
  assert_string_equal(pi.engaged_by, "inner");
  assert_int_equal(pi.escalation_stage, 1);
  assert_int_equal(pi.stage, 1);
  pi = pinfo(e, th.notices[0].page);
  assert_string_equal(pi.engaged_by, "top");
  assert_int_equal(pi.escalation_stage, 0);
  /* CONTACT_ENGAGED for p1, inner, p2, p3. */
  assert_int_equal(th_count_events(&th, SIREN_EVENT_CONTACT_ENGAGED), 4);
  drop_engine(&th, e);
}

static void nested_essential_ack_stops_the_top(void **state) {
  (void)state;
  siren_engine *e = nested_setup();
  siren_id id = th_engage(e, "top");
  th_run_until(&th, e, 12);
  accept_last(e, "p3");
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 1);
  assert_int_equal(i.stop_time, TH_T0 + 12 * MIN_MS);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th), "0:p1/mail 5:p2/mail 10:p1/sms 10:p3/mail");
  drop_engine(&th, e);
}

static void nested_non_essential_inner_does_not_stop_the_top(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  person2(e, "p1", 10, 5);
  person2(e, "p2", 10, 5);
  person2(e, "p3", 10, 5);
  const estage in[1] = {{5, 0, {"p2", NULL}, {1}}};
  escalation(e, "inner", in, 1, 0);
  /* inner is not essential for top. */
  const estage top[2] = {{5, 0, {"inner", NULL}, {0}}, {5, 0, {"p3", NULL}, {1}}};
  escalation(e, "top", top, 2, 0);
  siren_id id = th_engage(e, "top");
  th_at_minute(&th, 2);
  accept_last(e, "p2"); /* stops inner, not top */
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th), "0:p2/mail 5:p3/mail 15:p3/sms");
  assert_int_equal(einfo(e, id).acknowledged, 0);
  drop_engine(&th, e);
}

static void zero_minute_stage_starts_the_next_at_once(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  const char *ch[3] = {"mail", "sms", "mail"};
  uint32_t d[3] = {0, 0, 5};
  person(e, "p", ch, d, 3, 0, 0);
  siren_id id = th_engage(e, "p");
  /* All three stages started before engagement_start returned. */
  assert_string_equal(th_pages_text(&th), "0:p/mail 0:p/sms 0:p/mail");
  assert_int_equal(th_count_events(&th, SIREN_EVENT_STAGE_STARTED), 3);
  for (size_t k = 0; k < th.notice_count; k++) assert_int_equal(th.notices[k].stage, k);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 5 * MIN_MS);
  th_run_until(&th, e, 60);
  assert_int_equal(einfo(e, id).stop_time, TH_T0 + 5 * MIN_MS);

  /* In an escalation: stage 1 of 0 minutes, both stages page at once. */
  reset();
  e = th_engine(&th, 1, 0);
  person1(e, "a", 10);
  person1(e, "b", 10);
  const estage s[2] = {{0, 0, {"a", NULL}, {1}}, {5, 0, {"b", NULL}, {1}}};
  escalation(e, "esc", s, 2, 0);
  id = th_engage(e, "esc");
  assert_string_equal(th_pages_text(&th), "0:a/mail 0:b/mail");
  siren_page_info pi = pinfo(e, last_page_id("b"));
  assert_int_equal(pi.escalation_stage, 1);
  /* A 0-minute stage reached from a timer also runs at the same instant. */
  reset();
  e = th_engine(&th, 1, 0);
  const char *ch2[3] = {"mail", "sms", "mail"};
  uint32_t d2[3] = {5, 0, 5};
  person(e, "p", ch2, d2, 3, 0, 0);
  th_engage(e, "p");
  th_at_minute(&th, 5);
  uint32_t fired = 0;
  assert_int_equal(siren_engine_advance(e, &fired), SIREN_OK);
  assert_int_equal(fired, 2);
  assert_string_equal(th_pages_text(&th), "0:p/mail 5:p/sms 5:p/mail");
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 10 * MIN_MS);
  drop_engine(&th, e);
}

static void personal_contact_engaged_directly(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  const char *ch[2] = {"mail", "sms"};
  uint32_t d[2] = {10, 5};
  person(e, "p", ch, d, 2, 1, 0);
  siren_id id = th_engage(e, "p");
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th), "0:p/mail 10:p/sms 15:p/mail 25:p/sms");
  const uint32_t stages[4] = {0, 1, 0, 1};
  for (size_t k = 0; k < 4; k++) {
    assert_int_equal(th.notices[k].stage, stages[k]);
    assert_string_equal(th.notices[k].channel_type, k % 2 ? "SMS" : "EMAIL");
    siren_page_info pi = pinfo(e, th.notices[k].page);
    assert_string_equal(pi.engaged_by, "");
    assert_int_equal(pi.escalation_stage, -1);
    assert_int_equal(pi.stage, stages[k]);
  }
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.stop_time, TH_T0 + 30 * MIN_MS);
  assert_int_equal(i.acknowledged, 0);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PLAN_REPEATED), 1);

  /* Accepting stops the personal plan and acknowledges the engagement. */
  siren_id id2 = th_engage(e, "p");
  th_run_until(&th, e, 131);
  accept_last(e, "p");
  i = einfo(e, id2);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 1);
  assert_int_equal(i.stop_time, TH_T0 + 131 * MIN_MS);
  th_run_until(&th, e, 300);
  assert_string_equal(th_pages_text(&th), "0:p/mail 10:p/sms 15:p/mail 25:p/sms 120:p/mail 130:p/sms");
  drop_engine(&th, e);
}

/* The header: "The accepting contact is paged no more in this engagement."
 * A non-essential acceptance lets the escalation go on; a later stage (or
 * repetition) that targets the same contact must not page it again. */
static void accepting_contact_is_paged_no_more(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  person1(e, "a", 1);
  person1(e, "b", 1);
  const estage s[2] = {{5, 0, {"a", NULL}, {0}}, {5, 0, {"a", "b", NULL}, {0, 1}}};
  escalation(e, "esc", s, 2, 0);
  th_engage(e, "esc");
  th_at_minute(&th, 1);
  accept_last(e, "a");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:a/mail 5:b/mail");
  drop_engine(&th, e);
}

static void accepting_contact_is_paged_no_more_after_repeat(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  person1(e, "a", 1);
  person1(e, "b", 1);
  const estage s[2] = {{5, 0, {"a", NULL}, {0}}, {5, 0, {"b", NULL}, {1}}};
  escalation(e, "esc", s, 2, 1);
  th_engage(e, "esc");
  th_at_minute(&th, 1);
  accept_last(e, "a");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:a/mail 5:b/mail 15:b/mail");
  drop_engine(&th, e);
}

/* The header: acknowledged means "an acceptance stopped the engaged
 * contact's plan". Accepting a page after the plan ran out (or after the
 * engagement was stopped) stops nothing. */
static void late_acceptance_does_not_acknowledge(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 30);
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 0);
  int rc = siren_page_accept(e, th.notices[0].page, SIREN_ACCEPT_READ, th.notices[0].code, SIREN_ACCEPT_ENFORCE, NULL);
  assert_true(rc == SIREN_OK || rc == SIREN_ESTATE);
  i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.stop_time, TH_T0 + 20 * MIN_MS);
  assert_int_equal(i.acknowledged, 0);
  drop_engine(&th, e);
}

static void acceptance_after_stop_does_not_acknowledge(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_engagement_info i;
  int rc;
  siren_id id2 = th_engage(e, "incident-responder");
  th_at_minute(&th, 2);
  assert_int_equal(siren_engagement_stop(e, id2, "manual"), SIREN_OK);
  th_at_minute(&th, 3);
  int k = th_last_page(&th, "incident-responder", NULL);
  rc = siren_page_accept(e, th.notices[k].page, SIREN_ACCEPT_READ, th.notices[k].code, SIREN_ACCEPT_ENFORCE, NULL);
  assert_true(rc == SIREN_OK || rc == SIREN_ESTATE);
  i = einfo(e, id2);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_STOPPED);
  assert_int_equal(i.acknowledged, 0);
  drop_engine(&th, e);
}

/* PAGE_ACCEPTED: "essential says whether it stops the plan". */
static struct {
  int n;
  char contact[8][32];
  int essential[8];
} accepted;

static int record_accept_event(const siren_event *ev, void *ud) {
  (void)ud;
  if (ev->type == SIREN_EVENT_PAGE_ACCEPTED && accepted.n < 8) {
    snprintf(accepted.contact[accepted.n], sizeof accepted.contact[0], "%s", ev->contact);
    accepted.essential[accepted.n] = ev->essential;
    accepted.n++;
  }
  return 0;
}

static siren_engine *engine_recording_accepts(void) {
  siren_host h;
  th_setup(&th, &h, 1, 0);
  h.event = record_accept_event;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
  th.engine = e;
  memset(&accepted, 0, sizeof accepted);
  return e;
}

static void accepted_event_essential_marks_essential_targets(void **state) {
  (void)state;
  siren_engine *e = engine_recording_accepts();
  person2(e, "a", 10, 5);
  person2(e, "b", 10, 5);
  person2(e, "n", 10, 5);
  const estage s[1] = {{20, SIREN_STAGE_ALL_ESSENTIAL, {"a", "n", "b", NULL}, {1, 0, 1}}};
  escalation(e, "esc", s, 1, 0);
  siren_id id = th_engage(e, "esc");
  th_at_minute(&th, 1);
  accept_last(e, "n"); /* non-essential: stops nothing */
  th_at_minute(&th, 2);
  accept_last(e, "a"); /* essential target, but b must accept too: stops nothing */
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_ACTIVE);
  th_at_minute(&th, 3);
  accept_last(e, "b"); /* the last essential one: stops the plan */
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(accepted.n, 3);
  assert_string_equal(accepted.contact[0], "n");
  assert_int_equal(accepted.essential[0], 0);
  assert_string_equal(accepted.contact[2], "b");
  assert_int_equal(accepted.essential[2], 1);
  /* a is an essential target (the header's meaning of the flag), even
   * though with ALL_ESSENTIAL its acceptance alone stopped nothing. */
  assert_string_equal(accepted.contact[1], "a");
  assert_int_equal(accepted.essential[1], 1);
  drop_engine(&th, e);
}

static void empty_plan_completes_at_once(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "idle", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  siren_id id = th_engage(e, "idle");
  siren_engagement_info i = einfo(e, id);
  assert_int_equal(i.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(i.acknowledged, 0);
  assert_int_equal(i.page_count, 0);
  assert_int_equal(i.stop_time, TH_T0);
  assert_int_equal(th.notice_count, 0);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  assert_int_equal(siren_contact_delete(e, "idle"), SIREN_OK);
  drop_engine(&th, e);
}

static void length_limits(void **state) {
  (void)state;
  siren_engine *e = seeded();
  static char big[9000];
  memset(big, 'x', sizeof big - 1);
  siren_id id = 0;
  siren_engagement_params p = params("incident-responder");
  big[256] = '\0';
  p.sender = big;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EINVAL);
  big[256] = 'x';
  big[255] = '\0';
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_OK);
  big[255] = 'x';
  p = params("incident-responder");
  big[2049] = '\0';
  p.subject = big;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EINVAL);
  big[2049] = 'x';
  p = params("incident-responder");
  big[8193] = '\0';
  p.content = big;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_EINVAL);
  big[8192] = '\0';
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_OK);
  big[8192] = 'x';
  big[8193] = 'x';
  siren_id pg = th.notices[th.notice_count - 1].page;
  big[2049] = '\0';
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_DELIVERED, big), SIREN_EINVAL);
  big[2049] = 'x';
  big[2048] = '\0';
  assert_int_equal(siren_page_receipt(e, pg, SIREN_RECEIPT_DELIVERED, big), SIREN_OK);
  siren_receipt_info r = SIREN_RECEIPT_INFO_INIT;
  assert_int_equal(siren_page_receipt_at(&r, e, pg, 0), SIREN_OK);
  assert_int_equal(strlen(r.info), 2048);
  big[2048] = 'x';
  drop_engine(&th, e);
}

/* ------------------------------------------------------------ listings */

static void listings_count_first_then_ids(void **state) {
  (void)state;
  siren_engine *e = seeded();
  size_t total = 99;
  assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
  assert_int_equal(total, 0);
  siren_id a = th_engage(e, "app-escalation-plan");
  th_at_minute(&th, 1);
  siren_id b = th_engage(e, "sr-incident-responder");
  th_run_until(&th, e, 60);
  assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
  assert_int_equal(total, 2);
  siren_id ids[8] = {0};
  assert_int_equal(siren_engagements(ids, 8, &total, e), SIREN_OK);
  assert_int_equal(total, 2);
  assert_int_equal(ids[0], a);
  assert_int_equal(ids[1], b);
  assert_int_equal(ids[2], 0);
  memset(ids, 0, sizeof ids);
  assert_int_equal(siren_engagements(ids, 1, &total, e), SIREN_OK);
  assert_int_equal(total, 2);
  assert_int_equal(ids[0], a);
  assert_int_equal(ids[1], 0); /* cap respected */
  assert_int_equal(siren_engagements(NULL, 1, &total, e), SIREN_EINVAL);
  assert_int_equal(siren_engagements(ids, 1, NULL, e), SIREN_EINVAL);

  /* Pages of engagement a: the four seed pages, oldest first. */
  assert_int_equal(siren_engagement_pages(NULL, 0, &total, e, a), SIREN_OK);
  assert_int_equal(total, 4);
  assert_int_equal(einfo(e, a).page_count, 4);
  assert_int_equal(siren_engagement_pages(ids, 8, &total, e, a), SIREN_OK);
  size_t k = 0;
  for (size_t n = 0; n < th.notice_count; n++)
    if (th.notices[n].engagement == a) {
      assert_true(k < 4);
      assert_int_equal(ids[k], th.notices[n].page);
      k++;
    }
  assert_int_equal(k, 4);
  memset(ids, 0, sizeof ids);
  assert_int_equal(siren_engagement_pages(ids, 2, &total, e, a), SIREN_OK);
  assert_int_equal(total, 4);
  assert_int_equal(ids[2], 0);
  assert_int_equal(siren_engagement_pages(ids, 8, &total, e, 77), SIREN_ENOTFOUND);

  /* Pages of sr-incident-responder across both engagements. */
  assert_int_equal(siren_contact_pages(NULL, 0, &total, e, "sr-incident-responder"), SIREN_OK);
  assert_int_equal(total, 4);
  assert_int_equal(siren_contact_pages(ids, 8, &total, e, "sr-incident-responder"), SIREN_OK);
  k = 0;
  for (size_t n = 0; n < th.notice_count; n++)
    if (th.notices[n].kind == SIREN_NOTIFY_PAGE && strcmp(th.notices[n].contact, "sr-incident-responder") == 0)
      assert_int_equal(ids[k++], th.notices[n].page);
  assert_int_equal(k, 4);
  for (size_t n = 1; n < k; n++) assert_true(ids[n] > ids[n - 1]);
  assert_int_equal(siren_contact_pages(NULL, 0, &total, e, "incident-responder"), SIREN_OK);
  assert_int_equal(total, 2);
  assert_int_equal(siren_contact_pages(NULL, 0, &total, e, "app-escalation-plan"), SIREN_OK);
  assert_int_equal(total, 0);
  assert_int_equal(siren_contact_pages(NULL, 0, &total, e, "nobody"), SIREN_ENOTFOUND);
  drop_engine(&th, e);
}

/* ------------------------------------------------------ notify failure */

static void notify_failure_gets_error_receipt_and_retry(void **state) {
  (void)state;
  siren_engine *e = seeded();
  th.fail_notify = 5;
  siren_engagement_params p = params("app-escalation-plan");
  siren_id id = 0;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_ECALLBACK);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_true(id != 0);
  assert_int_equal(th.notice_count, 1); /* it was attempted */
  siren_id first = th.notices[0].page;
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_ACTIVE);
  siren_page_info pi = pinfo(e, first);
  assert_int_equal(pi.receipt_count, 1);
  siren_receipt_info r = SIREN_RECEIPT_INFO_INIT;
  assert_int_equal(siren_page_receipt_at(&r, e, first, 0), SIREN_OK);
  assert_int_equal(r.type, SIREN_RECEIPT_ERROR);
  assert_int_equal(r.time, TH_T0);
  /* The retry interval of the seed is 1 minute. */
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + MIN_MS);

  /* Still failing at the retry: a second ERROR, a second retry. */
  th_at_minute(&th, 1);
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_ECALLBACK);
  assert_int_equal(th.notice_count, 2);
  siren_id second = th.notices[1].page;
  assert_int_equal(th.notices[1].retry_of, first);
  assert_int_equal(pinfo(e, second).receipt_count, 1);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 2 * MIN_MS);

  /* Notify works again: the retry goes out and the plan goes on. */
  th.fail_notify = 0;
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "1:incident-responder/incident-responder-email "
                      "2:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  assert_int_equal(th.notices[2].retry_of, second);
  assert_int_equal(pinfo(e, th.notices[2].page).receipt_count, 0);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PAGE_RETRY), 2);
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_COMPLETED);
  drop_engine(&th, e);
}

static void notify_failure_without_retry_interval(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  person1(e, "p", 5); /* retry interval 0: no retry */
  th.fail_notify = 1;
  siren_engagement_params p = params("p");
  siren_id id = 0;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_ECALLBACK);
  assert_int_equal(pinfo(e, th.notices[0].page).receipt_count, 1);
  th.fail_notify = 0;
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 5 * MIN_MS);
  th_run_until(&th, e, 60);
  assert_int_equal(th.notice_count, 1);
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_COMPLETED);
  drop_engine(&th, e);
}

/* A late host whose notify fails at the first firing: the automatic ERROR
 * receipt belongs to that firing, so the retry is due one retry interval
 * after the failed page (minute 6), as for a punctual host; the header says
 * schedules never drift when the host calls late. */
static void late_host_notify_failure_retry_does_not_drift(void **state) {
  (void)state;
  /* Punctual host for reference. */
  siren_engine *e = seeded();
  th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 4);
  th.fail_notify = 1;
  th_at_minute(&th, 5);
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_ECALLBACK);
  th.fail_notify = 0;
  th_run_until(&th, e, 60);
  static char punctual[1024];
  snprintf(punctual, sizeof punctual, "%s", th_pages_text(&th));
  assert_string_equal(punctual,
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "6:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  drop_engine(&th, e);

  /* Late host: nothing between minute 0 and minute 30. */
  reset();
  e = seeded();
  th_engage(e, "app-escalation-plan");
  th.fail_notify = 1;
  th_at_minute(&th, 30);
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_ECALLBACK);
  th.fail_notify = 0;
  for (int i = 0; i < 10 && siren_engine_next_deadline(e) <= th.now; i++)
    assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), punctual);
  drop_engine(&th, e);
}

/* -------------------------------------------------------------- preview */

static void preview_text(char *buf, size_t cap, const siren_preview_page *out, size_t n) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && o < cap; i++)
    o += (size_t)snprintf(buf + o, cap - o, "%s%lld:%s/%s@%s#%d.%u", i ? " " : "",
                          (long long)(out[i].offset_ms / 1000), out[i].contact, out[i].channel,
                          out[i].engaged_by, (int)out[i].escalation_stage, (unsigned)out[i].stage);
}

static size_t preview(siren_engine *e, const char *contact, const siren_preview_ack *acks, size_t n,
                      siren_preview_page *out, size_t cap) {
  for (size_t i = 0; i < cap; i++) {
    siren_preview_page p = SIREN_PREVIEW_PAGE_INIT;
    out[i] = p;
  }
  size_t total = 0;
  int rc = siren_engagement_preview(out, cap, &total, e, contact, acks, n);
  if (rc != SIREN_OK) fail_msg("preview: %s", siren_errmsg(e));
  return total;
}

static void preview_seed_offsets(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_preview_page out[16];
  size_t n = preview(e, "app-escalation-plan", NULL, 0, out, 16);
  assert_int_equal(n, 4);
  const int64_t want[4] = {0, 5, 10, 15};
  const char *who[4] = {"incident-responder", "sr-incident-responder", "incident-responder",
                        "sr-incident-responder"};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(out[i].offset_ms, want[i] * MIN_MS);
    assert_string_equal(out[i].contact, who[i]);
    assert_string_equal(out[i].engaged_by, "app-escalation-plan");
    assert_int_equal(out[i].stage, i < 2 ? 0 : 1);
    assert_int_equal(out[i].escalation_stage, (int32_t)(i % 2));
    assert_string_equal(out[i].channel_type, i < 2 ? "EMAIL" : "SMS");
  }
  assert_string_equal(out[0].channel, "incident-responder-email");
  assert_string_equal(out[3].channel, "sr-incident-responder-mobile");

  siren_preview_ack ack = SIREN_PREVIEW_ACK_INIT;
  ack.contact = "incident-responder";
  ack.after_minutes = 3;
  n = preview(e, "app-escalation-plan", &ack, 1, out, 16);
  assert_int_equal(n, 1);
  assert_string_equal(out[0].contact, "incident-responder");
  assert_int_equal(out[0].offset_ms, 0);

  ack.contact = "sr-incident-responder";
  ack.after_minutes = 7;
  n = preview(e, "app-escalation-plan", &ack, 1, out, 16);
  assert_int_equal(n, 2);
  assert_string_equal(out[1].contact, "sr-incident-responder");
  assert_int_equal(out[1].offset_ms, 5 * MIN_MS);

  /* A personal contact previewed directly. */
  n = preview(e, "incident-responder", NULL, 0, out, 16);
  assert_int_equal(n, 2);
  assert_string_equal(out[0].engaged_by, "");
  assert_int_equal(out[0].escalation_stage, -1);
  assert_int_equal(out[1].offset_ms, 10 * MIN_MS);

  /* cap smaller than the total, and cap 0 with no buffer. */
  size_t total = 0;
  siren_preview_page two[2] = {SIREN_PREVIEW_PAGE_INIT, SIREN_PREVIEW_PAGE_INIT};
  assert_int_equal(siren_engagement_preview(two, 2, &total, e, "app-escalation-plan", NULL, 0), SIREN_OK);
  assert_int_equal(total, 4);
  assert_int_equal(two[1].offset_ms, 5 * MIN_MS);
  assert_int_equal(siren_engagement_preview(NULL, 0, &total, e, "app-escalation-plan", NULL, 0), SIREN_OK);
  assert_int_equal(total, 4);
  /* Errors. */
  assert_int_equal(siren_engagement_preview(NULL, 0, &total, e, "nobody", NULL, 0), SIREN_ENOTFOUND);
  ack.contact = "nobody";
  assert_int_equal(siren_engagement_preview(NULL, 0, &total, e, "app-escalation-plan", &ack, 1), SIREN_ENOTFOUND);
  assert_int_equal(siren_engagement_preview(NULL, 0, &total, e, "app-escalation-plan", NULL, 1), SIREN_EINVAL);
  assert_int_equal(siren_engagement_preview(NULL, 1, &total, e, "app-escalation-plan", NULL, 0), SIREN_EINVAL);
  assert_int_equal(siren_engagement_preview(NULL, 0, NULL, e, "app-escalation-plan", NULL, 0), SIREN_EINVAL);
  drop_engine(&th, e);
}

typedef void (*setup_fn)(siren_engine *e);
typedef struct ack {
  const char *contact;
  uint32_t minute;
} ack;

static void setup_seed(siren_engine *e) { th_seed(e, 1); }

static void setup_seed_repeat(siren_engine *e) {
  th_seed(e, 1);
  const estage s[2] = {{5, 0, {"incident-responder", NULL}, {1}}, {5, 0, {"sr-incident-responder", NULL}, {1}}};
  assert_int_equal(escalation_plan(e, "app-escalation-plan", s, 2, 2), SIREN_OK);
}

static void setup_seed_non_essential(siren_engine *e) {
  th_seed(e, 1);
  const estage s[2] = {{5, 0, {"incident-responder", NULL}, {0}}, {5, 0, {"sr-incident-responder", NULL}, {1}}};
  assert_int_equal(escalation_plan(e, "app-escalation-plan", s, 2, 0), SIREN_OK);
}

static void setup_seed_partly_activated(siren_engine *e) {
  th_seed(e, 0);
  for (size_t i = 0; i < th.notice_count; i++)
    if (th.notices[i].kind == SIREN_NOTIFY_ACTIVATION_CODE &&
        (strcmp(th.notices[i].channel, "incident-responder-email") == 0 ||
         strcmp(th.notices[i].channel, "sr-incident-responder-mobile") == 0))
      assert_int_equal(siren_channel_activate(e, th.notices[i].contact, th.notices[i].channel, th.notices[i].code),
                       SIREN_OK);
}

static void setup_all_essential(siren_engine *e) {
  person2(e, "a", 10, 5);
  person2(e, "b", 10, 5);
  person2(e, "c", 10, 5);
  const estage s[2] = {{5, SIREN_STAGE_ALL_ESSENTIAL, {"a", "b", NULL}, {1, 1}}, {5, 0, {"c", NULL}, {1}}};
  escalation(e, "esc", s, 2, 1);
}

static void setup_nested(siren_engine *e) {
  person2(e, "p1", 10, 5);
  person2(e, "p2", 10, 5);
  person2(e, "p3", 10, 5);
  const estage in[2] = {{5, 0, {"p2", NULL}, {1}}, {5, 0, {"p3", NULL}, {1}}};
  escalation(e, "inner", in, 2, 1);
  const estage top[2] = {{5, 0, {"p1", NULL}, {1}}, {10, 0, {"inner", NULL}, {1}}};
  escalation(e, "top", top, 2, 0);
}

static void setup_repeat_non_essential(siren_engine *e) {
  person2(e, "a", 2, 2);
  person2(e, "b", 2, 2);
  const estage s[2] = {{5, 0, {"a", NULL}, {0}}, {5, 0, {"a", "b", NULL}, {0, 1}}};
  escalation(e, "esc", s, 2, 2);
}

static void setup_personal_repeat(siren_engine *e) {
  const char *ch[3] = {"mail", "sms", "mail"};
  uint32_t d[3] = {3, 0, 4};
  person(e, "p", ch, d, 3, 3, 1);
}

/* Preview with the acks, then a real engagement in the same engine with the
 * same acks at the same minutes: the pages must be the same. */
static void compare_preview_with_real(setup_fn setup, const char *contact, const ack *acks, size_t n) {
  reset();
  siren_engine *e = th_engine(&th, 1, 0);
  setup(e);
  siren_preview_ack pa[8];
  assert_true(n <= 8);
  for (size_t i = 0; i < n; i++) {
    siren_preview_ack a = SIREN_PREVIEW_ACK_INIT;
    a.contact = acks[i].contact;
    a.after_minutes = acks[i].minute;
    pa[i] = a;
  }
  static siren_preview_page out[256];
  size_t total = preview(e, contact, n ? pa : NULL, n, out, 256);
  assert_true(total <= 256);
  static char want[8192], got[8192];
  preview_text(want, sizeof want, out, total);

  size_t n0 = th.notice_count;
  int64_t start = th.now;
  siren_id id = th_engage(e, contact);
  /* acks in time order (stable) */
  int done[8] = {0};
  for (size_t k = 0; k < n; k++) {
    size_t next = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
      if (!done[i] && (next == SIZE_MAX || acks[i].minute < acks[next].minute)) next = i;
    done[next] = 1;
    th_run_until(&th, e, acks[next].minute);
    int idx = th_last_page(&th, acks[next].contact, NULL);
    if (idx < 0 || (size_t)idx < n0) continue;
    if (einfo(e, id).state != SIREN_ENGAGEMENT_ACTIVE) continue;
    int rc = siren_page_accept(e, th.notices[idx].page, SIREN_ACCEPT_DELIVERED, NULL, SIREN_ACCEPT_IGNORE, NULL);
    assert_true(rc == SIREN_OK || rc == SIREN_ESTATE);
  }
  th_run_until(&th, e, 24 * 60);
  assert_int_equal(einfo(e, id).state, SIREN_ENGAGEMENT_COMPLETED);
  size_t o = 0, pages = 0;
  got[0] = '\0';
  for (size_t i = n0; i < th.notice_count; i++) {
    const th_notice *x = &th.notices[i];
    if (x->kind != SIREN_NOTIFY_PAGE) continue;
    siren_page_info pi = pinfo(e, x->page);
    o += (size_t)snprintf(got + o, sizeof got - o, "%s%lld:%s/%s@%s#%d.%u", pages ? " " : "",
                          (long long)((x->time - start) / 1000), x->contact, x->channel, pi.engaged_by,
                          (int)pi.escalation_stage, (unsigned)pi.stage);
    pages++;
  }
  if (strcmp(want, got) != 0)
    fail_msg("preview of %s differs from the real engagement\npreview: %s\nreal:    %s", contact, want, got);
  assert_int_equal(total, pages);
  assert_int_equal(einfo(e, id).page_count, pages);
  drop_engine(&th, e);
}

static void preview_equals_real_engagements(void **state) {
  (void)state;
  const ack none[1] = {{NULL, 0}};
  compare_preview_with_real(setup_seed, "app-escalation-plan", none, 0);
  const ack ir3[1] = {{"incident-responder", 3}};
  compare_preview_with_real(setup_seed, "app-escalation-plan", ir3, 1);
  const ack sr7[1] = {{"sr-incident-responder", 7}};
  compare_preview_with_real(setup_seed, "app-escalation-plan", sr7, 1);
  const ack sr5[1] = {{"sr-incident-responder", 5}}; /* at the instant its page is sent */
  compare_preview_with_real(setup_seed, "app-escalation-plan", sr5, 1);
  const ack ir12[1] = {{"incident-responder", 12}};
  compare_preview_with_real(setup_seed, "app-escalation-plan", ir12, 1);
  const ack late[1] = {{"incident-responder", 40}};
  compare_preview_with_real(setup_seed, "app-escalation-plan", late, 1);
  compare_preview_with_real(setup_seed_repeat, "app-escalation-plan", none, 0);
  const ack rep[2] = {{"sr-incident-responder", 27}, {"incident-responder", 12}};
  compare_preview_with_real(setup_seed_repeat, "app-escalation-plan", rep, 2);
  compare_preview_with_real(setup_seed_non_essential, "app-escalation-plan", ir3, 1);
  const ack ne2[2] = {{"incident-responder", 3}, {"sr-incident-responder", 16}};
  compare_preview_with_real(setup_seed_non_essential, "app-escalation-plan", ne2, 2);
  compare_preview_with_real(setup_seed_partly_activated, "app-escalation-plan", none, 0);
  const ack ae[2] = {{"a", 1}, {"b", 7}};
  compare_preview_with_real(setup_all_essential, "esc", ae, 2);
  const ack ae1[1] = {{"b", 2}};
  compare_preview_with_real(setup_all_essential, "esc", ae1, 1);
  compare_preview_with_real(setup_nested, "top", none, 0);
  const ack deep[1] = {{"p3", 12}};
  compare_preview_with_real(setup_nested, "top", deep, 1);
  const ack mid[2] = {{"p1", 11}, {"p2", 6}};
  compare_preview_with_real(setup_nested, "top", mid, 2);
  compare_preview_with_real(setup_repeat_non_essential, "esc", none, 0);
  const ack rne[2] = {{"a", 1}, {"b", 21}};
  compare_preview_with_real(setup_repeat_non_essential, "esc", rne, 2);
  compare_preview_with_real(setup_personal_repeat, "p", none, 0);
  const ack pr[1] = {{"p", 16}};
  compare_preview_with_real(setup_personal_repeat, "p", pr, 1);
  const ack twice[2] = {{"incident-responder", 1}, {"incident-responder", 11}};
  compare_preview_with_real(setup_seed_non_essential, "app-escalation-plan", twice, 2);
}

static void preview_changes_nothing(void **state) {
  (void)state;
  siren_engine *e = seeded();
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 3);
  siren_page_receipt(e, th.notices[0].page, SIREN_RECEIPT_DELIVERED, NULL);

  uint64_t records = siren_engine_record_count(e);
  size_t stored = th.record_count, notices = th.notice_count, events = th.ev_count;
  int64_t deadline = siren_engine_next_deadline(e);
  size_t engagements = 0, ir_pages = 0, eng_pages = 0;
  assert_int_equal(siren_engagements(NULL, 0, &engagements, e), SIREN_OK);
  assert_int_equal(siren_contact_pages(NULL, 0, &ir_pages, e, "incident-responder"), SIREN_OK);
  assert_int_equal(siren_engagement_pages(NULL, 0, &eng_pages, e, id), SIREN_OK);
  siren_engagement_info before = einfo(e, id);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;

  siren_preview_ack acks[2] = {SIREN_PREVIEW_ACK_INIT, SIREN_PREVIEW_ACK_INIT};
  acks[0].contact = "incident-responder";
  acks[0].after_minutes = 12;
  acks[1].contact = "sr-incident-responder";
  acks[1].after_minutes = 6;
  siren_preview_page out[16];
  for (int round = 0; round < 3; round++) {
    size_t n = preview(e, "app-escalation-plan", acks, 2, out, 16);
    assert_int_equal(n, 2);
    n = preview(e, "incident-responder", NULL, 0, out, 16);
    assert_int_equal(n, 2);
  }
  assert_int_equal(siren_engine_record_count(e), records);
  assert_int_equal(th.record_count, stored);
  assert_int_equal(th.notice_count, notices);
  assert_int_equal(th.ev_count, events);
  assert_int_equal(siren_engine_next_deadline(e), deadline);
  size_t x = 0;
  assert_int_equal(siren_engagements(NULL, 0, &x, e), SIREN_OK);
  assert_int_equal(x, engagements);
  assert_int_equal(siren_contact_pages(NULL, 0, &x, e, "incident-responder"), SIREN_OK);
  assert_int_equal(x, ir_pages);
  assert_int_equal(siren_engagement_pages(NULL, 0, &x, e, id), SIREN_OK);
  assert_int_equal(x, eng_pages);
  siren_engagement_info after = einfo(e, id);
  assert_int_equal(after.state, before.state);
  assert_int_equal(after.page_count, before.page_count);
  assert_int_equal(siren_contact_get(&ci, e, "incident-responder"), SIREN_OK);
  /* The engaged contacts are still engaged (cannot be deleted). */
  assert_int_equal(siren_contact_delete(e, "app-escalation-plan"), SIREN_ESTATE);

  /* The real engagement continues exactly as without the previews, and new
   * ids continue where they were. */
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), SEED_ALL);
  for (size_t i = 1; i < th.notice_count; i++) assert_int_equal(th.notices[i].page, th.notices[i - 1].page + 1);
  siren_id next = th_engage(e, "incident-responder");
  assert_int_equal(next, id + 1);
  assert_int_equal(th.notices[th.notice_count - 1].page, th.notices[th.notice_count - 2].page + 1);
  drop_engine(&th, e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(start_validates_params, teardown),
      cmocka_unit_test_teardown(idempotency_token_returns_the_first_engagement, teardown),
      cmocka_unit_test_teardown(stop_stops_further_pages, teardown),
      cmocka_unit_test_teardown(stop_receipt_deactivates_the_channel, teardown),
      cmocka_unit_test_teardown(receipts_fill_page_info, teardown),
      cmocka_unit_test_teardown(wrong_code_stops_nothing, teardown),
      cmocka_unit_test_teardown(ignore_accepts_without_code_and_twice_is_estate, teardown),
      cmocka_unit_test_teardown(repeat_count_pages_the_stages_again, teardown),
      cmocka_unit_test_teardown(all_essential_waits_for_every_essential_contact, teardown),
      cmocka_unit_test_teardown(all_essential_ignores_non_essential_targets, teardown),
      cmocka_unit_test_teardown(nested_escalation_pages_through_both, teardown),
      cmocka_unit_test_teardown(nested_essential_ack_stops_the_top, teardown),
      cmocka_unit_test_teardown(nested_non_essential_inner_does_not_stop_the_top, teardown),
      cmocka_unit_test_teardown(zero_minute_stage_starts_the_next_at_once, teardown),
      cmocka_unit_test_teardown(personal_contact_engaged_directly, teardown),
      cmocka_unit_test_teardown(accepting_contact_is_paged_no_more, teardown),
      cmocka_unit_test_teardown(accepting_contact_is_paged_no_more_after_repeat, teardown),
      cmocka_unit_test_teardown(late_acceptance_does_not_acknowledge, teardown),
      cmocka_unit_test_teardown(acceptance_after_stop_does_not_acknowledge, teardown),
      cmocka_unit_test_teardown(accepted_event_essential_marks_essential_targets, teardown),
      cmocka_unit_test_teardown(empty_plan_completes_at_once, teardown),
      cmocka_unit_test_teardown(length_limits, teardown),
      cmocka_unit_test_teardown(listings_count_first_then_ids, teardown),
      cmocka_unit_test_teardown(notify_failure_gets_error_receipt_and_retry, teardown),
      cmocka_unit_test_teardown(notify_failure_without_retry_interval, teardown),
      cmocka_unit_test_teardown(late_host_notify_failure_retry_does_not_drift, teardown),
      cmocka_unit_test_teardown(preview_seed_offsets, teardown),
      cmocka_unit_test_teardown(preview_equals_real_engagements, teardown),
      cmocka_unit_test_teardown(preview_changes_nothing, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
