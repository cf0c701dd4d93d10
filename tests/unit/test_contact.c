/*
 * Unit tests of the directory: contacts, channels, activation codes, and
 * plans (validation, read-back, cycles), plus deletion rules.
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
#define DAY_MS (INT64_C(24) * 3600 * 1000)

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

static siren_engine *engine_with(const siren_options *o) {
  siren_host h;
  th_setup(&th, &h, 1, 0);
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, o, &th), SIREN_OK);
  th.engine = e;
  return e;
}

/* The index of the last ACTIVATION_CODE notice for a channel, or -1. */
static int last_code(const char *contact, const char *channel) {
  for (size_t i = th.notice_count; i-- > 0;) {
    const th_notice *n = &th.notices[i];
    if (n->kind == SIREN_NOTIFY_ACTIVATION_CODE && strcmp(n->contact, contact) == 0 &&
        strcmp(n->channel, channel) == 0)
      return (int)i;
  }
  return -1;
}

static size_t count_codes(void) {
  size_t n = 0;
  for (size_t i = 0; i < th.notice_count; i++) n += th.notices[i].kind == SIREN_NOTIFY_ACTIVATION_CODE;
  return n;
}

static void wrong_of(const char *right, char out[8]) {
  snprintf(out, 8, "%s", right);
  out[0] = out[0] == '9' ? '0' : (char)(out[0] + 1);
}

static siren_channel_info chan(siren_engine *e, const char *contact, const char *name) {
  siren_channel_info ci = SIREN_CHANNEL_INFO_INIT;
  assert_int_equal(siren_channel_get(&ci, e, contact, name), SIREN_OK);
  return ci;
}

static void personal_with_email(siren_engine *e, const char *alias, uint32_t flags) {
  char ch[64];
  snprintf(ch, sizeof ch, "%s-email", alias);
  assert_int_equal(siren_contact_create(e, alias, NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, alias, ch, "EMAIL", "p@example.com", flags), SIREN_OK);
}

/* Sets a plan of one stage per duration on a personal contact, each stage
 * paging channel ch with the given retry interval. */
static int set_personal_plan(siren_engine *e, const char *alias, const char *ch, const uint32_t *dur,
                             size_t n, uint32_t retry) {
  siren_target t = SIREN_TARGET_INIT;
  t.channel = ch;
  t.retry_interval_minutes = retry;
  siren_stage st[8];
  for (size_t i = 0; i < n; i++) {
    siren_stage s = SIREN_STAGE_INIT;
    s.duration_minutes = dur[i];
    s.target_count = 1;
    s.targets = &t;
    st[i] = s;
  }
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = n;
  p.stages = st;
  return siren_contact_set_plan(e, alias, &p);
}

/* An escalation plan of one stage per target alias (5 minutes, essential). */
static int set_escalation_plan(siren_engine *e, const char *alias, const char *const *targets, size_t n) {
  siren_target t[8];
  siren_stage st[8];
  for (size_t i = 0; i < n; i++) {
    siren_target x = SIREN_TARGET_INIT;
    x.contact = targets[i];
    x.essential = 1;
    t[i] = x;
    siren_stage s = SIREN_STAGE_INIT;
    s.duration_minutes = 5;
    s.target_count = 1;
    s.targets = &t[i];
    st[i] = s;
  }
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = n;
  p.stages = st;
  return siren_contact_set_plan(e, alias, &p);
}

/* ------------------------------------------------------------- aliases */

static void alias_validation(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  char a255[256], a256[257];
  memset(a255, 'a', 255);
  a255[255] = '\0';
  memset(a256, 'b', 256);
  a256[256] = '\0';
  const char *bad[] = {"", a256, "Upper", "UPPER", "has space", " lead", "trail ", "dot.ted",
                       "slash/x", "caf\xc3\xa9", "tab\t"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(siren_contact_create(e, bad[i], NULL, SIREN_CONTACT_PERSONAL), SIREN_EINVAL);
    assert_true(strlen(siren_errmsg(e)) > 0);
  }
  assert_int_equal(siren_contact_create(e, NULL, NULL, SIREN_CONTACT_PERSONAL), SIREN_EINVAL);
  assert_int_equal(siren_contact_count(e), 0);
  assert_int_equal(th.record_count, 0);

  const char *good[] = {a255, "a", "0", "ok_alias-1", "x-y_z-9", "_", "-"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_int_equal(siren_contact_create(e, good[i], "Display Name", SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 7);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, a255), SIREN_OK);
  assert_string_equal(ci.alias, a255);
  assert_string_equal(ci.display_name, "Display Name");
  assert_int_equal(ci.type, SIREN_CONTACT_PERSONAL);
  assert_int_equal(ci.stage_count, 0);
  assert_int_equal(ci.channel_count, 0);

  /* Duplicates, whatever the type or display name. */
  assert_int_equal(siren_contact_create(e, "a", NULL, SIREN_CONTACT_PERSONAL), SIREN_EEXISTS);
  assert_int_equal(siren_contact_create(e, "a", "Other", SIREN_CONTACT_ESCALATION), SIREN_EEXISTS);
  assert_int_equal(siren_contact_create(e, a255, NULL, SIREN_CONTACT_PERSONAL), SIREN_EEXISTS);
  assert_int_equal(siren_contact_count(e), 7);
  /* An unknown type. */
  assert_int_equal(siren_contact_create(e, "typeless", NULL, (siren_contact_type)4), SIREN_EINVAL);
  assert_int_equal(siren_contact_create(e, "typeless", NULL, (siren_contact_type)0), SIREN_EINVAL);
  assert_int_equal(siren_contact_get(&ci, e, "typeless"), SIREN_ENOTFOUND);
  assert_int_equal(th.record_count, 7);
  drop_engine(&th, e);
}

static void count_and_alias_at(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 0, 0);
  assert_int_equal(siren_contact_count(e), 0);
  assert_null(siren_contact_alias_at(e, 0));
  const char *names[] = {"zulu", "alpha", "mike", "bravo"};
  for (int i = 0; i < 4; i++)
    assert_int_equal(siren_contact_create(e, names[i], NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 4);
  for (uint32_t i = 0; i < 4; i++) assert_string_equal(siren_contact_alias_at(e, i), names[i]);
  assert_null(siren_contact_alias_at(e, 4));
  assert_null(siren_contact_alias_at(e, UINT32_MAX));
  /* Deleted contacts are not counted. */
  assert_int_equal(siren_contact_delete(e, "alpha"), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 3);
  assert_string_equal(siren_contact_alias_at(e, 0), "zulu");
  assert_string_equal(siren_contact_alias_at(e, 1), "mike");
  assert_string_equal(siren_contact_alias_at(e, 2), "bravo");
  assert_null(siren_contact_alias_at(e, 3));
  assert_int_equal(siren_contact_delete(e, "alpha"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_delete(e, NULL), SIREN_ENOTFOUND);
  /* Re-created: it comes last in creation order. */
  assert_int_equal(siren_contact_create(e, "alpha", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  assert_int_equal(siren_contact_count(e), 4);
  assert_string_equal(siren_contact_alias_at(e, 3), "alpha");
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "alpha"), SIREN_OK);
  assert_int_equal(ci.type, SIREN_CONTACT_ESCALATION);
  assert_null(siren_contact_alias_at(NULL, 0));
  assert_int_equal(siren_contact_count(NULL), 0);
  drop_engine(&th, e);
}

/* ------------------------------------------------------------ channels */

static void channel_validation(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "esc", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  const uint32_t A = SIREN_CHANNEL_ACTIVATED;
  /* EMAIL: exactly one '@' with text on both sides. */
  const char *bad_mail[] = {"no-at.example.com", "two@@example.com", "a@b@example.com", "@example.com",
                            "user@", ""};
  for (size_t i = 0; i < sizeof bad_mail / sizeof bad_mail[0]; i++)
    assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", bad_mail[i], A), SIREN_EINVAL);
  /* SMS and VOICE: E.164, '+' then 8-15 digits. */
  const char *bad_phone[] = {"12065550100", "+1206555010x", "+1234567", "+1234567890123456",
                             "+1 206 555 0100", "+", "", "phone"};
  for (size_t i = 0; i < sizeof bad_phone / sizeof bad_phone[0]; i++) {
    assert_int_equal(siren_channel_create(e, "p", "sms", "SMS", bad_phone[i], A), SIREN_EINVAL);
    assert_int_equal(siren_channel_create(e, "p", "voice", "VOICE", bad_phone[i], A), SIREN_EINVAL);
  }
  /* Bad names and types. */
  assert_int_equal(siren_channel_create(e, "p", "", "EMAIL", "a@b", A), SIREN_EINVAL);
  assert_int_equal(siren_channel_create(e, "p", NULL, "EMAIL", "a@b", A), SIREN_EINVAL);
  assert_int_equal(siren_channel_create(e, "p", "x", "web hook", "anything", A), SIREN_EINVAL);
  assert_int_equal(siren_channel_create(e, "p", "x", "", "anything", A), SIREN_EINVAL);
  assert_int_equal(siren_channel_create(e, "p", "x", NULL, "anything", A), SIREN_EINVAL);
  assert_int_equal(siren_channel_create(e, "p", "x", "EMAIL", NULL, A), SIREN_EINVAL);
  /* Unknown contact; escalation contacts have no channels. */
  assert_int_equal(siren_channel_create(e, "nobody", "mail", "EMAIL", "a@example.com", A), SIREN_ENOTFOUND);
  assert_int_equal(siren_channel_create(e, "esc", "mail", "EMAIL", "a@example.com", A), SIREN_EINVAL);
  assert_int_equal(siren_channel_create(e, "esc", "hook", "webhook", "opaque", A), SIREN_EINVAL);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_OK);
  assert_int_equal(ci.channel_count, 0);
  assert_int_equal(siren_contact_get(&ci, e, "esc"), SIREN_OK);
  assert_int_equal(ci.channel_count, 0);
  assert_int_equal(th.notice_count, 0);

  /* Valid ones. */
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "first.last+tag@example.co.uk", A), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "sms", "SMS", "+12345678", A), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "voice", "VOICE", "+123456789012345", A), SIREN_OK);
  /* A host-defined type with an opaque address. */
  const char *opaque = "https://hooks.example.com/services/T0/B1?token=a b@c@d";
  assert_int_equal(siren_channel_create(e, "p", "hook", "webhook", opaque, A), SIREN_OK);
  siren_channel_info info = chan(e, "p", "hook");
  assert_string_equal(info.type, "webhook");
  assert_string_equal(info.address, opaque);
  assert_string_equal(info.contact, "p");
  assert_string_equal(info.name, "hook");
  info = chan(e, "p", "sms");
  assert_string_equal(info.type, "SMS");
  assert_string_equal(info.address, "+12345678");
  /* Duplicate names within the contact, whatever the type. */
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "other@example.com", A), SIREN_EEXISTS);
  assert_int_equal(siren_channel_create(e, "p", "mail", "SMS", "+12065550100", A), SIREN_EEXISTS);
  /* The same name on another contact is fine. */
  assert_int_equal(siren_contact_create(e, "q", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "q", "mail", "EMAIL", "q@example.com", A), SIREN_OK);
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_OK);
  assert_int_equal(ci.channel_count, 4);
  assert_string_equal(siren_channel_name_at(e, "p", 0), "mail");
  assert_string_equal(siren_channel_name_at(e, "p", 3), "hook");
  assert_null(siren_channel_name_at(e, "p", 4));
  assert_null(siren_channel_name_at(e, "nobody", 0));
  assert_int_equal(siren_channel_get(&info, e, "p", "nope"), SIREN_ENOTFOUND);
  assert_int_equal(siren_channel_get(&info, e, "nobody", "mail"), SIREN_ENOTFOUND);
  /* Activated channels sent no code. */
  assert_int_equal(th.notice_count, 0);
  drop_engine(&th, e);
}

/* ---------------------------------------------------------- activation */

static void activation_code_arrives_through_notify(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "sms", "SMS", "+12065550100", 0), SIREN_OK);
  assert_int_equal(th.notice_count, 1);
  const th_notice *n = &th.notices[0];
  assert_int_equal(n->kind, SIREN_NOTIFY_ACTIVATION_CODE);
  assert_string_equal(n->contact, "p");
  assert_string_equal(n->channel, "sms");
  assert_string_equal(n->channel_type, "SMS");
  assert_string_equal(n->address, "+12065550100");
  assert_int_equal(n->page, 0);
  assert_int_equal(n->engagement, 0);
  assert_int_equal(n->time, TH_T0);
  assert_int_equal(strlen(n->code), 6);
  for (int i = 0; i < 6; i++) assert_true(n->code[i] >= '0' && n->code[i] <= '9');
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ACTIVATION_CODE_SENT), 1);
  siren_channel_info ci = chan(e, "p", "sms");
  assert_int_equal(ci.activation, SIREN_NOT_ACTIVATED);
  assert_int_equal(ci.attempts_left, 5);
  assert_int_equal(ci.code_expires, TH_T0 + DAY_MS);
  th_at_minute(&th, 1);
  assert_int_equal(siren_channel_activate(e, "p", "sms", n->code), SIREN_OK);
  ci = chan(e, "p", "sms");
  assert_int_equal(ci.activation, SIREN_ACTIVATED);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_CHANNEL_ACTIVATED), 1);
  /* Already activated. */
  assert_int_equal(siren_channel_activate(e, "p", "sms", n->code), SIREN_ESTATE);
  assert_int_equal(siren_channel_activate(e, "p", "sms", "000000"), SIREN_ESTATE);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_CHANNEL_ACTIVATED), 1);
  /* Unknown channel / contact. */
  assert_int_equal(siren_channel_activate(e, "p", "nope", "123456"), SIREN_ENOTFOUND);
  assert_int_equal(siren_channel_activate(e, "nobody", "sms", "123456"), SIREN_ENOTFOUND);
  drop_engine(&th, e);
}

static void wrong_codes_use_up_attempts(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0), SIREN_OK);
  int i = last_code("p", "mail");
  assert_true(i >= 0);
  char right[8], wrong[8];
  snprintf(right, sizeof right, "%s", th.notices[i].code);
  wrong_of(right, wrong);

  assert_int_equal(siren_channel_activate(e, "p", "mail", wrong), SIREN_EDENIED);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 4);
  /* Codes of the wrong length or shape count as wrong too. */
  assert_int_equal(siren_channel_activate(e, "p", "mail", ""), SIREN_EDENIED);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 3);
  char longer[16];
  snprintf(longer, sizeof longer, "%s0", right);
  assert_int_equal(siren_channel_activate(e, "p", "mail", longer), SIREN_EDENIED);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 2);
  assert_int_equal(siren_channel_activate(e, "p", "mail", wrong), SIREN_EDENIED);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 1);
  assert_int_equal(siren_channel_activate(e, "p", "mail", wrong), SIREN_EDENIED);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 0);
  /* Five wrong codes: now even the right one is denied. */
  assert_int_equal(siren_channel_activate(e, "p", "mail", right), SIREN_EDENIED);
  assert_int_equal(chan(e, "p", "mail").activation, SIREN_NOT_ACTIVATED);

  /* A new code: different, attempts reset, the old one void. */
  size_t codes = count_codes();
  assert_int_equal(siren_channel_send_activation_code(e, "p", "mail"), SIREN_OK);
  assert_int_equal(count_codes(), codes + 1);
  int j = last_code("p", "mail");
  assert_true(j > i);
  assert_string_not_equal(th.notices[j].code, right);
  assert_int_equal(strlen(th.notices[j].code), 6);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 5);
  assert_int_equal(siren_channel_activate(e, "p", "mail", right), SIREN_EDENIED);
  assert_int_equal(chan(e, "p", "mail").attempts_left, 4);
  assert_int_equal(siren_channel_activate(e, "p", "mail", th.notices[j].code), SIREN_OK);
  assert_int_equal(chan(e, "p", "mail").activation, SIREN_ACTIVATED);
  drop_engine(&th, e);
}

static void send_code_replaces_the_old_one(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0), SIREN_OK);
  char old[8];
  snprintf(old, sizeof old, "%s", th.notices[last_code("p", "mail")].code);
  th_at_minute(&th, 30);
  assert_int_equal(siren_channel_send_activation_code(e, "p", "mail"), SIREN_OK);
  const char *fresh = th.notices[last_code("p", "mail")].code;
  assert_string_not_equal(fresh, old);
  assert_int_equal(chan(e, "p", "mail").code_expires, TH_T0 + 30 * MIN_MS + DAY_MS);
  assert_int_equal(siren_channel_activate(e, "p", "mail", old), SIREN_EDENIED);
  assert_int_equal(siren_channel_activate(e, "p", "mail", fresh), SIREN_OK);
  assert_int_equal(siren_channel_send_activation_code(e, "p", "nope"), SIREN_ENOTFOUND);
  drop_engine(&th, e);
}

static void expired_code_is_denied(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "late", "EMAIL", "p@example.com", 0), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "early", "EMAIL", "q@example.com", 0), SIREN_OK);
  char late[8], early[8];
  snprintf(late, sizeof late, "%s", th.notices[last_code("p", "late")].code);
  snprintf(early, sizeof early, "%s", th.notices[last_code("p", "early")].code);
  /* Just inside the lifetime. */
  th.now = TH_T0 + DAY_MS - 1;
  assert_int_equal(siren_channel_activate(e, "p", "early", early), SIREN_OK);
  /* 24 h + 1 ms later: expired. */
  th.now = TH_T0 + DAY_MS + 1;
  assert_int_equal(siren_channel_activate(e, "p", "late", late), SIREN_EDENIED);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_int_equal(chan(e, "p", "late").activation, SIREN_NOT_ACTIVATED);
  /* A new code works. */
  assert_int_equal(siren_channel_send_activation_code(e, "p", "late"), SIREN_OK);
  assert_int_equal(siren_channel_activate(e, "p", "late", th.notices[last_code("p", "late")].code), SIREN_OK);
  assert_int_equal(chan(e, "p", "late").activation, SIREN_ACTIVATED);
  drop_engine(&th, e);
}

static void options_change_attempts_and_lifetime(void **state) {
  (void)state;
  siren_options o = SIREN_OPTIONS_INIT;
  o.activation_max_attempts = 2;
  o.activation_code_ttl_ms = 60000;
  siren_engine *e = engine_with(&o);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "a", "EMAIL", "a@example.com", 0), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "b", "EMAIL", "b@example.com", 0), SIREN_OK);
  char a[8], wrong[8];
  snprintf(a, sizeof a, "%s", th.notices[last_code("p", "a")].code);
  wrong_of(a, wrong);
  siren_channel_info ci = chan(e, "p", "a");
  assert_int_equal(ci.attempts_left, 2);
  assert_int_equal(ci.code_expires, TH_T0 + 60000);
  assert_int_equal(siren_channel_activate(e, "p", "a", wrong), SIREN_EDENIED);
  assert_int_equal(siren_channel_activate(e, "p", "a", wrong), SIREN_EDENIED);
  assert_int_equal(siren_channel_activate(e, "p", "a", a), SIREN_EDENIED);
  th.now = TH_T0 + 60001;
  assert_int_equal(siren_channel_activate(e, "p", "b", th.notices[last_code("p", "b")].code), SIREN_EDENIED);
  drop_engine(&th, e);
}

static void flag_activated_sends_no_code(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  assert_int_equal(th.notice_count, 0);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ACTIVATION_CODE_SENT), 0);
  siren_channel_info ci = chan(e, "p", "mail");
  assert_int_equal(ci.activation, SIREN_ACTIVATED);
  assert_int_equal(ci.attempts_left, 0);
  assert_int_equal(ci.code_expires, 0);
  assert_int_equal(siren_channel_activate(e, "p", "mail", "123456"), SIREN_ESTATE);
  /* Unknown flags are refused. */
  assert_int_equal(siren_channel_create(e, "p", "other", "EMAIL", "p@example.com", 0x2u), SIREN_EINVAL);
  assert_int_equal(siren_channel_get(&ci, e, "p", "other"), SIREN_ENOTFOUND);
  drop_engine(&th, e);
}

static void deactivated_channel_is_skipped(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  uint32_t d[1] = {5};
  assert_int_equal(set_personal_plan(e, "p", "p-email", d, 1, 0), SIREN_OK);
  assert_int_equal(siren_channel_deactivate(e, "p", "p-email"), SIREN_OK);
  assert_int_equal(chan(e, "p", "p-email").activation, SIREN_NOT_ACTIVATED);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_CHANNEL_DEACTIVATED), 1);
  size_t notices = th.notice_count;
  siren_id id = th_engage(e, "p");
  th_run_until(&th, e, 10);
  assert_int_equal(th.notice_count, notices); /* nothing was paged */
  int sk = th_find_event(&th, SIREN_EVENT_CHANNEL_SKIPPED, 0);
  assert_true(sk >= 0);
  assert_non_null(strstr(th.ev_lines[sk], "p-email"));
  assert_non_null(strstr(th.ev_lines[sk], "not activated"));
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.page_count, 0);
  /* Activated again through a new code, it is paged. */
  assert_int_equal(siren_channel_send_activation_code(e, "p", "p-email"), SIREN_OK);
  assert_int_equal(siren_channel_activate(e, "p", "p-email", th.notices[last_code("p", "p-email")].code), SIREN_OK);
  th_engage(e, "p");
  assert_int_equal(th_last_page(&th, "p", "p-email"), (int)th.notice_count - 1);
  drop_engine(&th, e);
}

/* --------------------------------------------------------------- plans */

static void stage_duration_limits(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  uint32_t d31[2] = {5, 31};
  assert_int_equal(set_personal_plan(e, "p", "p-email", d31, 2, 0), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "stages[1]"));
  uint32_t dmax[1] = {UINT32_MAX};
  assert_int_equal(set_personal_plan(e, "p", "p-email", dmax, 1, 0), SIREN_EINVAL);
  uint32_t d30[1] = {30};
  assert_int_equal(set_personal_plan(e, "p", "p-email", d30, 1, 0), SIREN_OK);
  drop_engine(&th, e);
  teardown(NULL);

  siren_options o = SIREN_OPTIONS_INIT;
  o.max_stage_minutes = UINT32_MAX;
  e = engine_with(&o);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  assert_int_equal(set_personal_plan(e, "p", "p-email", d31, 2, 0), SIREN_OK);
  uint32_t dlong[2] = {100000, 1440};
  assert_int_equal(set_personal_plan(e, "p", "p-email", dlong, 2, 0), SIREN_OK);
  siren_stage s = SIREN_STAGE_INIT;
  assert_int_equal(siren_contact_plan_stage(&s, e, "p", 0), SIREN_OK);
  assert_int_equal(s.duration_minutes, 100000);
  /* The long stage really lasts that long. */
  th_engage(e, "p");
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + INT64_C(100000) * MIN_MS);
  drop_engine(&th, e);
  teardown(NULL);

  /* A lower cap. */
  o.max_stage_minutes = 10;
  e = engine_with(&o);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  uint32_t d11[1] = {11}, d10[1] = {10};
  assert_int_equal(set_personal_plan(e, "p", "p-email", d11, 1, 0), SIREN_EINVAL);
  assert_int_equal(set_personal_plan(e, "p", "p-email", d10, 1, 0), SIREN_OK);
  drop_engine(&th, e);
}

static void zero_minute_stage_needs_a_target(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  siren_target t = SIREN_TARGET_INIT;
  t.channel = "p-email";
  siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  st[0].duration_minutes = 5;
  st[0].target_count = 1;
  st[0].targets = &t;
  st[1].duration_minutes = 0;
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = 2;
  p.stages = st;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "stages[1]"));
  /* A stage without targets but with a duration is fine (a pause). */
  st[1].duration_minutes = 3;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_OK);
  st[1].duration_minutes = 0;
  st[1].target_count = 1;
  st[1].targets = &t;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_OK);
  siren_stage s = SIREN_STAGE_INIT;
  assert_int_equal(siren_contact_plan_stage(&s, e, "p", 1), SIREN_OK);
  assert_int_equal(s.duration_minutes, 0);
  assert_int_equal(s.target_count, 1);
  drop_engine(&th, e);
}

static void retry_interval_limits(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  uint32_t d[2] = {5, 5};
  assert_int_equal(set_personal_plan(e, "p", "p-email", d, 2, 61), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "stages[0].targets[0]"));
  assert_int_equal(set_personal_plan(e, "p", "p-email", d, 2, UINT32_MAX), SIREN_EINVAL);
  assert_int_equal(set_personal_plan(e, "p", "p-email", d, 2, 60), SIREN_OK);
  siren_target t = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&t, e, "p", 1, 0), SIREN_OK);
  assert_int_equal(t.retry_interval_minutes, 60);
  drop_engine(&th, e);
}

static void unknown_references_name_their_position(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  siren_target good = SIREN_TARGET_INIT, bad = SIREN_TARGET_INIT;
  good.channel = "p-email";
  bad.channel = "p-pager";
  siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  st[0].duration_minutes = 5;
  st[0].target_count = 1;
  st[0].targets = &good;
  st[1].duration_minutes = 5;
  st[1].target_count = 1;
  st[1].targets = &bad;
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = 2;
  p.stages = st;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_ENOTFOUND);
  assert_non_null(strstr(siren_errmsg(e), "stages[1].targets[0]"));
  assert_non_null(strstr(siren_errmsg(e), "p-pager"));
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_OK);
  assert_int_equal(ci.stage_count, 0);

  assert_int_equal(siren_contact_create(e, "esc", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  siren_target tg[2] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  tg[0].contact = "p";
  tg[1].contact = "ghost";
  siren_target only_p = SIREN_TARGET_INIT;
  only_p.contact = "p";
  st[0].targets = &only_p;
  st[1].target_count = 2;
  st[1].targets = tg;
  assert_int_equal(siren_contact_set_plan(e, "esc", &p), SIREN_ENOTFOUND);
  assert_non_null(strstr(siren_errmsg(e), "stages[1].targets[1]"));
  assert_non_null(strstr(siren_errmsg(e), "ghost"));
  tg[0].contact = "ghost";
  tg[1].contact = "p";
  assert_int_equal(siren_contact_set_plan(e, "esc", &p), SIREN_ENOTFOUND);
  assert_non_null(strstr(siren_errmsg(e), "stages[1].targets[0]"));
  assert_int_equal(siren_contact_get(&ci, e, "esc"), SIREN_OK);
  assert_int_equal(ci.stage_count, 0);
  /* Unknown contact for the plan itself. */
  assert_int_equal(siren_contact_set_plan(e, "nobody", &p), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_set_plan(e, "esc", NULL), SIREN_EINVAL);
  drop_engine(&th, e);
}

static void plan_read_back(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  assert_int_equal(siren_channel_create(e, "p", "sms", "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  siren_target pt[3] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  pt[0].channel = "mail";
  pt[0].retry_interval_minutes = 3;
  pt[1].channel = "sms";
  pt[1].retry_interval_minutes = 0;
  pt[2].channel = "mail";
  pt[2].retry_interval_minutes = 60;
  siren_stage ps[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  ps[0].duration_minutes = 7;
  ps[0].target_count = 2;
  ps[0].targets = pt;
  ps[1].duration_minutes = 0;
  ps[1].target_count = 1;
  ps[1].targets = &pt[2];
  siren_plan pp = SIREN_PLAN_INIT;
  pp.stage_count = 2;
  pp.stages = ps;
  pp.repeat_count = 4;
  assert_int_equal(siren_contact_set_plan(e, "p", &pp), SIREN_OK);

  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_OK);
  assert_int_equal(ci.stage_count, 2);
  assert_int_equal(ci.repeat_count, 4);
  assert_int_equal(ci.channel_count, 2);
  siren_stage s;
  memset(&s, 0x5A, sizeof s);
  s.version = SIREN_STAGE_VERSION;
  assert_int_equal(siren_contact_plan_stage(&s, e, "p", 0), SIREN_OK);
  assert_int_equal(s.duration_minutes, 7);
  assert_int_equal(s.flags, 0);
  assert_int_equal(s.target_count, 2);
  assert_null(s.targets);
  assert_int_equal(siren_contact_plan_stage(&s, e, "p", 1), SIREN_OK);
  assert_int_equal(s.duration_minutes, 0);
  assert_int_equal(s.target_count, 1);
  assert_int_equal(siren_contact_plan_stage(&s, e, "p", 2), SIREN_ENOTFOUND);
  siren_target t = SIREN_TARGET_INIT;
  const char *want_ch[3] = {"mail", "sms", "mail"};
  const uint32_t want_retry[3] = {3, 0, 60};
  const uint32_t where[3][2] = {{0, 0}, {0, 1}, {1, 0}};
  for (int k = 0; k < 3; k++) {
    memset(&t, 0x5A, sizeof t);
    t.version = SIREN_TARGET_VERSION;
    assert_int_equal(siren_contact_plan_target(&t, e, "p", where[k][0], where[k][1]), SIREN_OK);
    assert_non_null(t.channel);
    assert_string_equal(t.channel, want_ch[k]);
    assert_int_equal(t.retry_interval_minutes, want_retry[k]);
    assert_null(t.contact);
  }
  assert_int_equal(siren_contact_plan_target(&t, e, "p", 0, 2), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_plan_target(&t, e, "p", 2, 0), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_plan_target(&t, e, "nobody", 0, 0), SIREN_ENOTFOUND);

  /* An escalation plan with essential flags and ALL_ESSENTIAL. */
  assert_int_equal(siren_contact_create(e, "q", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "esc", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  siren_target et[2] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  et[0].contact = "p";
  et[0].essential = 1;
  et[1].contact = "q";
  et[1].essential = 0;
  siren_stage es = SIREN_STAGE_INIT;
  es.duration_minutes = 30;
  es.flags = SIREN_STAGE_ALL_ESSENTIAL;
  es.target_count = 2;
  es.targets = et;
  siren_plan ep = SIREN_PLAN_INIT;
  ep.stage_count = 1;
  ep.stages = &es;
  assert_int_equal(siren_contact_set_plan(e, "esc", &ep), SIREN_OK);
  assert_int_equal(siren_contact_plan_stage(&s, e, "esc", 0), SIREN_OK);
  assert_int_equal(s.flags, SIREN_STAGE_ALL_ESSENTIAL);
  assert_int_equal(s.duration_minutes, 30);
  assert_int_equal(siren_contact_plan_target(&t, e, "esc", 0, 0), SIREN_OK);
  assert_string_equal(t.contact, "p");
  assert_null(t.channel);
  assert_int_equal(t.essential, 1);
  assert_int_equal(siren_contact_plan_target(&t, e, "esc", 0, 1), SIREN_OK);
  assert_string_equal(t.contact, "q");
  assert_int_equal(t.essential, 0);
  /* Unknown stage flags are refused. */
  es.flags = 0x4u;
  assert_int_equal(siren_contact_set_plan(e, "esc", &ep), SIREN_EINVAL);
  assert_int_equal(siren_contact_plan_stage(&s, e, "esc", 0), SIREN_OK);
  assert_int_equal(s.flags, SIREN_STAGE_ALL_ESSENTIAL);
  drop_engine(&th, e);
}

static void cycles_are_refused_and_change_nothing(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  const char *names[] = {"a", "b", "c"};
  for (int i = 0; i < 3; i++)
    assert_int_equal(siren_contact_create(e, names[i], NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  const char *to_b[] = {"b"}, *to_a[] = {"a"}, *to_p[] = {"p"}, *to_c[] = {"c"}, *b_then_p[] = {"p", "a"};
  assert_int_equal(set_escalation_plan(e, "b", to_p, 1), SIREN_OK);
  assert_int_equal(set_escalation_plan(e, "a", to_b, 1), SIREN_OK);
  uint64_t records = th.record_count;
  /* B -> A closes A -> B -> A. */
  assert_int_equal(set_escalation_plan(e, "b", b_then_p, 2), SIREN_EINVAL);
  assert_true(strlen(siren_errmsg(e)) > 0);
  assert_int_equal(set_escalation_plan(e, "b", to_a, 1), SIREN_EINVAL);
  assert_int_equal(th.record_count, records);
  /* B's plan is unchanged: one stage targeting p. */
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "b"), SIREN_OK);
  assert_int_equal(ci.stage_count, 1);
  siren_target t = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&t, e, "b", 0, 0), SIREN_OK);
  assert_string_equal(t.contact, "p");
  /* A plan that targets itself. */
  assert_int_equal(set_escalation_plan(e, "c", to_c, 1), SIREN_EINVAL);
  assert_int_equal(siren_contact_get(&ci, e, "c"), SIREN_OK);
  assert_int_equal(ci.stage_count, 0);
  /* A longer loop: C -> A, then B -> C would close B -> C -> A -> B. */
  assert_int_equal(set_escalation_plan(e, "c", to_a, 1), SIREN_OK);
  assert_int_equal(set_escalation_plan(e, "b", to_c, 1), SIREN_EINVAL);
  assert_int_equal(siren_contact_plan_target(&t, e, "b", 0, 0), SIREN_OK);
  assert_string_equal(t.contact, "p");
  /* A diamond is not a cycle: D -> A and D -> C (C -> A too). */
  assert_int_equal(siren_contact_create(e, "d", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  const char *diamond[] = {"a", "c"};
  assert_int_equal(set_escalation_plan(e, "d", diamond, 2), SIREN_OK);
  drop_engine(&th, e);
}

/* ------------------------------------------------------------ deletion */

static void delete_rules(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  /* A contact that is a target of an escalation plan. */
  assert_int_equal(siren_contact_delete(e, "incident-responder"), SIREN_ESTATE);
  assert_true(strlen(siren_errmsg(e)) > 0);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "incident-responder"), SIREN_OK);
  /* A channel in its contact's plan. */
  assert_int_equal(siren_channel_delete(e, "incident-responder", "incident-responder-email"), SIREN_ESTATE);
  siren_channel_info chi = SIREN_CHANNEL_INFO_INIT;
  assert_int_equal(siren_channel_get(&chi, e, "incident-responder", "incident-responder-email"), SIREN_OK);
  assert_int_equal(siren_channel_delete(e, "incident-responder", "nope"), SIREN_ENOTFOUND);
  /* A channel not in the plan can go. */
  assert_int_equal(siren_channel_create(e, "incident-responder", "spare", "EMAIL", "s@example.com", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  assert_int_equal(siren_channel_delete(e, "incident-responder", "spare"), SIREN_OK);
  assert_int_equal(siren_channel_get(&chi, e, "incident-responder", "spare"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_get(&ci, e, "incident-responder"), SIREN_OK);
  assert_int_equal(ci.channel_count, 2);
  /* ... and be created again. */
  assert_int_equal(siren_channel_create(e, "incident-responder", "spare", "SMS", "+12065550199", SIREN_CHANNEL_ACTIVATED), SIREN_OK);
  assert_string_equal(chan(e, "incident-responder", "spare").type, "SMS");

  /* An engaged contact cannot be deleted. */
  siren_id id = th_engage(e, "app-escalation-plan");
  assert_int_equal(siren_contact_delete(e, "app-escalation-plan"), SIREN_ESTATE);
  assert_int_equal(siren_engagement_stop(e, id, "done"), SIREN_OK);

  /* Once nothing refers to them, they can go, and come back empty. */
  assert_int_equal(siren_contact_delete(e, "app-escalation-plan"), SIREN_OK);
  assert_int_equal(siren_contact_get(&ci, e, "app-escalation-plan"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_delete(e, "incident-responder"), SIREN_OK);
  assert_int_equal(siren_contact_get(&ci, e, "incident-responder"), SIREN_ENOTFOUND);
  assert_int_equal(siren_channel_get(&chi, e, "incident-responder", "incident-responder-email"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_count(e), 1);
  assert_int_equal(siren_contact_create(e, "incident-responder", "Back", SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(siren_contact_get(&ci, e, "incident-responder"), SIREN_OK);
  assert_string_equal(ci.display_name, "Back");
  assert_int_equal(ci.stage_count, 0);
  assert_int_equal(ci.channel_count, 0);
  assert_int_equal(siren_channel_create(e, "incident-responder", "incident-responder-email", "EMAIL", "new@example.com", 0), SIREN_OK);
  assert_string_equal(chan(e, "incident-responder", "incident-responder-email").address, "new@example.com");
  assert_int_equal(chan(e, "incident-responder", "incident-responder-email").activation, SIREN_NOT_ACTIVATED);
  /* The re-created contact can be engaged on its own new plan. */
  assert_int_equal(siren_channel_activate(e, "incident-responder", "incident-responder-email",
                                          th.notices[last_code("incident-responder", "incident-responder-email")].code),
                   SIREN_OK);
  uint32_t d[1] = {5};
  assert_int_equal(set_personal_plan(e, "incident-responder", "incident-responder-email", d, 1, 0), SIREN_OK);
  size_t before = th.notice_count;
  th_engage(e, "incident-responder");
  assert_int_equal(th.notice_count, before + 1);
  assert_string_equal(th.notices[before].address, "new@example.com");
  /* The old pages still name the contact. */
  siren_page_info pi = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&pi, e, 1), SIREN_OK);
  assert_string_equal(pi.contact, "incident-responder");
  drop_engine(&th, e);
}

/* ------------------------------------------------------------ more */

static void notify_failure_on_channel_create(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "p", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  th.fail_notify = 1;
  assert_int_equal(siren_channel_create(e, "p", "mail", "EMAIL", "p@example.com", 0), SIREN_ECALLBACK);
  /* The channel exists; a new code can be sent. */
  siren_channel_info ci = chan(e, "p", "mail");
  assert_int_equal(ci.activation, SIREN_NOT_ACTIVATED);
  th.fail_notify = 0;
  assert_int_equal(siren_channel_send_activation_code(e, "p", "mail"), SIREN_OK);
  int i = last_code("p", "mail");
  assert_true(i >= 1);
  assert_int_equal(siren_channel_activate(e, "p", "mail", th.notices[i].code), SIREN_OK);
  assert_int_equal(chan(e, "p", "mail").activation, SIREN_ACTIVATED);
  drop_engine(&th, e);
}

static void plan_size_limits(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  personal_with_email(e, "p", SIREN_CHANNEL_ACTIVATED);
  static siren_target t[65];
  static siren_stage st[65];
  for (int i = 0; i < 65; i++) {
    siren_target x = SIREN_TARGET_INIT;
    x.channel = "p-email";
    x.retry_interval_minutes = (uint32_t)(i % 61);
    t[i] = x;
  }
  for (int i = 0; i < 65; i++) {
    siren_stage s = SIREN_STAGE_INIT;
    s.duration_minutes = 1;
    s.target_count = 64;
    s.targets = t;
    st[i] = s;
  }
  siren_plan p = SIREN_PLAN_INIT;
  p.stages = st;
  p.stage_count = 65;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_EINVAL);
  p.stage_count = 64;
  st[10].target_count = 65;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_EINVAL);
  st[10].target_count = 64;
  p.repeat_count = 100;
  assert_int_equal(siren_contact_set_plan(e, "p", &p), SIREN_OK);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "p"), SIREN_OK);
  assert_int_equal(ci.stage_count, 64);
  assert_int_equal(ci.repeat_count, 100);
  siren_target r = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&r, e, "p", 63, 63), SIREN_OK);
  assert_int_equal(r.retry_interval_minutes, 63 % 61);
  /* Engaged, the 64 targets of stage 0 are paged at once. */
  th_engage(e, "p");
  assert_int_equal(th.notice_count, 64);
  drop_engine(&th, e);
}

static void alias_churn_keeps_lookups_right(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 0, 0);
  char a[32];
  for (int i = 0; i < 20; i++) {
    snprintf(a, sizeof a, "keep-%d", i);
    assert_int_equal(siren_contact_create(e, a, NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  }
  for (int round = 0; round < 300; round++) {
    snprintf(a, sizeof a, "tmp-%d", round % 7);
    assert_int_equal(siren_contact_create(e, a, NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
    assert_int_equal(siren_contact_create(e, a, NULL, SIREN_CONTACT_PERSONAL), SIREN_EEXISTS);
    assert_int_equal(siren_contact_delete(e, a), SIREN_OK);
  }
  assert_int_equal(siren_contact_count(e), 20);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  for (int i = 0; i < 20; i++) {
    snprintf(a, sizeof a, "keep-%d", i);
    assert_int_equal(siren_contact_get(&ci, e, a), SIREN_OK);
    assert_string_equal(ci.alias, a);
  }
  for (int i = 0; i < 7; i++) {
    snprintf(a, sizeof a, "tmp-%d", i);
    assert_int_equal(siren_contact_get(&ci, e, a), SIREN_ENOTFOUND);
  }
  drop_engine(&th, e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(alias_validation, teardown),
      cmocka_unit_test_teardown(count_and_alias_at, teardown),
      cmocka_unit_test_teardown(channel_validation, teardown),
      cmocka_unit_test_teardown(activation_code_arrives_through_notify, teardown),
      cmocka_unit_test_teardown(wrong_codes_use_up_attempts, teardown),
      cmocka_unit_test_teardown(send_code_replaces_the_old_one, teardown),
      cmocka_unit_test_teardown(expired_code_is_denied, teardown),
      cmocka_unit_test_teardown(options_change_attempts_and_lifetime, teardown),
      cmocka_unit_test_teardown(flag_activated_sends_no_code, teardown),
      cmocka_unit_test_teardown(deactivated_channel_is_skipped, teardown),
      cmocka_unit_test_teardown(stage_duration_limits, teardown),
      cmocka_unit_test_teardown(zero_minute_stage_needs_a_target, teardown),
      cmocka_unit_test_teardown(retry_interval_limits, teardown),
      cmocka_unit_test_teardown(unknown_references_name_their_position, teardown),
      cmocka_unit_test_teardown(plan_read_back, teardown),
      cmocka_unit_test_teardown(cycles_are_refused_and_change_nothing, teardown),
      cmocka_unit_test_teardown(delete_rules, teardown),
      cmocka_unit_test_teardown(notify_failure_on_channel_create, teardown),
      cmocka_unit_test_teardown(plan_size_limits, teardown),
      cmocka_unit_test_teardown(alias_churn_keeps_lookups_right, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
