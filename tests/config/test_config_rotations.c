/*
 * Configuration import of rotations and ONCALL_SCHEDULE contacts: the SSM
 * Contacts API shape (CreateRotation requests, Plan.RotationIds) and the
 * CloudFormation shape (AWS::SSMContacts::Rotation, a schedule contact's
 * Plan list, AWS::SSMContacts::Plan with RotationIds), read back through
 * siren_rotation_get and siren_rotation_shifts; schedules engaged through an
 * escalation plan; every problem with its path; all or nothing.
 *
 * Expected instants are worked out by hand from the tz rules: in 2026 New
 * York is UTC-5 until 8 March 02:00 EST (then UTC-4 until 1 November 02:00
 * EDT); Los Angeles is UTC-8 in January. 2026-01-05 is a Monday. The zones
 * come from /usr/share/zoneinfo through the test host's load_zone; without
 * it, the tests that need a zone other than UTC skip.
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

#define MIN INT64_C(60000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static int have_zones(void) {
  const char *dir = getenv("TZDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/America/New_York", dir && *dir ? dir : "/usr/share/zoneinfo");
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
}

#define NEED_ZONES()                                        \
  do {                                                      \
    if (!have_zones()) {                                    \
      print_message("no zoneinfo directory: skipped\n");   \
      skip();                                               \
    }                                                       \
  } while (0)

/* y-m-d h:mi UTC in ms (proleptic Gregorian; no libc). */
static int64_t utc(int64_t y, int64_t m, int64_t d, int64_t h, int64_t mi) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  return ((days * 24 + h) * 60 + mi) * MIN;
}

static th_host th;

static siren_engine *fresh(int64_t now) {
  free(th.records);
  memset(&th, 0, sizeof th);
  th.now = now;
  return th_engine(&th, 1, 1);
}

static void drop(siren_engine *e) {
  siren_engine_free(e);
  assert_int_equal(th.live_allocs, 0);
  free(th.records);
  th.records = NULL;
}

static void load_ok(siren_engine *e, const char *text, siren_config_result *res) {
  int rc = siren_config_load(res, e, text, strlen(text));
  if (rc != SIREN_OK) fail_msg("load: %s\n%s", siren_errmsg(e), siren_config_problems(e));
}

static siren_shift S[64];
static size_t NS;

static void shifts(siren_engine *e, const char *rotation, int64_t from, int64_t to) {
  NS = 0;
  int rc = siren_rotation_shifts(S, 64, &NS, e, rotation, from, to);
  if (rc != SIREN_OK) fail_msg("shifts: %s", siren_errmsg(e));
  assert_true(NS <= 64);
}

/* The shift's contacts, comma-separated (static buffer). */
static const char *who(size_t i) {
  static char buf[256];
  size_t o = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < S[i].contact_count; k++)
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? "," : "", S[i].contacts[k]);
  return buf;
}

static void expect_shift(size_t i, int64_t start, int64_t end, const char *contacts, uint32_t index) {
  assert_true(i < NS);
  if (S[i].start != start || S[i].end != end)
    fail_msg("shift %zu: [%lld, %lld), expected [%lld, %lld)", i, (long long)S[i].start,
             (long long)S[i].end, (long long)start, (long long)end);
  assert_string_equal(who(i), contacts);
  assert_int_equal(S[i].index, index);
  assert_int_equal(S[i].type, SIREN_SHIFT_REGULAR);
}

/* The first event line of a type at or after from that contains text. */
static const char *event_with(siren_event_type type, const char *text) {
  for (int i = th_find_event(&th, type, 0); i >= 0; i = th_find_event(&th, type, (size_t)i + 1))
    if (strstr(th.ev_lines[i], text)) return th.ev_lines[i];
  return NULL;
}

/* ------------------------------------------------------------ API shape */

static const char api_doc[] =
    "contacts:\n"
    "  - Alias: alice\n"
    "    Type: PERSONAL\n"
    "    ContactChannels: [{Name: mail, Type: EMAIL, DeliveryAddress: {SimpleAddress: alice@example.com}, ActivationStatus: ACTIVATED}]\n"
    "    Plan: {Stages: [{DurationInMinutes: 10, Targets: [{ChannelTargetInfo: {ContactChannelId: mail}}]}]}\n"
    "  - Alias: bob\n"
    "    Type: PERSONAL\n"
    "    ContactChannels: [{Name: mail, Type: EMAIL, DeliveryAddress: {SimpleAddress: bob@example.com}, ActivationStatus: ACTIVATED}]\n"
    "    Plan: {Stages: [{DurationInMinutes: 10, Targets: [{ChannelTargetInfo: {ContactChannelId: mail}}]}]}\n"
    "  - Alias: carol\n"
    "    Type: PERSONAL\n"
    "    ContactChannels: [{Name: mail, Type: EMAIL, DeliveryAddress: {SimpleAddress: carol@example.com}, ActivationStatus: ACTIVATED}]\n"
    "    Plan: {Stages: [{DurationInMinutes: 10, Targets: [{ChannelTargetInfo: {ContactChannelId: mail}}]}]}\n"
    "  - Alias: support-oncall\n"
    "    Type: ONCALL_SCHEDULE\n"
    "    Plan:\n"
    "      Stages: []\n"
    "      RotationIds: [\"arn:aws:ssm-contacts:us-east-1:111122223333:rotation/Weekday support\"]\n"
    "      HoldWhenNobodyOnCall: true\n"
    "  - Alias: support-escalation\n"
    "    Type: ESCALATION\n"
    "    Plan:\n"
    "      Stages:\n"
    "        - DurationInMinutes: 5\n"
    "          Targets:\n"
    "            - ContactTargetInfo: {ContactId: \"arn:aws:ssm-contacts:us-east-1:111122223333:contact/support-oncall\", IsEssential: true}\n"
    "        - DurationInMinutes: 5\n"
    "          Targets: [{ContactTargetInfo: {ContactId: carol, IsEssential: true}}]\n"
    "rotations:\n"
    "  - Name: Weekday support\n"
    "    ContactIds: [alice, \"arn:aws:ssm-contacts:us-east-1:111122223333:contact/bob\", carol]\n"
    "    StartTime: \"2026-01-05T09:00:00-05:00\"\n"
    "    TimeZoneId: America/New_York\n"
    "    Recurrence:\n"
    "      NumberOfOnCalls: 2\n"
    "      RecurrenceMultiplier: 1\n"
    "      WeeklySettings:\n"
    "        - {DayOfWeek: MON, HandOffTime: {HourOfDay: 9, MinuteOfHour: 0}}\n"
    "      ShiftCoverages:\n"
    "        MON: [{Start: {HourOfDay: 9, MinuteOfHour: 0}, End: {HourOfDay: 17, MinuteOfHour: 0}}]\n"
    "        TUE: [{Start: {HourOfDay: 9, MinuteOfHour: 0}, End: {HourOfDay: 17, MinuteOfHour: 0}}]\n"
    "        WED: [{Start: {HourOfDay: 9, MinuteOfHour: 0}, End: {HourOfDay: 17, MinuteOfHour: 0}}]\n"
    "        THU: [{Start: {HourOfDay: 9, MinuteOfHour: 0}, End: {HourOfDay: 17, MinuteOfHour: 0}}]\n"
    "        FRI: [{Start: {HourOfDay: 9, MinuteOfHour: 0}, End: {HourOfDay: 17, MinuteOfHour: 0}}]\n"
    "responsePlans:\n"
    "  - name: support-down\n"
    "    incidentTemplate: {title: Support tooling down, impact: 2}\n"
    "    engagements: [support-oncall]\n";

/* A weekly rotation (Monday 09:00 hand-off, 2 on call, Mon-Fri 09:00-17:00
 * coverage) reads back as written and lists the shifts the rules give. */
static void api_weekly_rotation_reads_back(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = fresh(TH_T0);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, api_doc, &res);
  assert_int_equal(res.contacts, 5);
  assert_int_equal(res.channels, 3);
  assert_int_equal(res.plans, 5); /* 3 personal, 1 escalation, 1 schedule */
  assert_int_equal(res.response_plans, 1);
  assert_int_equal(res.unsupported, 0);
  assert_string_equal(siren_config_problems(e), "");
  assert_int_equal(siren_rotation_count(e), 1);

  siren_rotation r = SIREN_ROTATION_INIT;
  assert_int_equal(siren_rotation_get(&r, e, "Weekday support"), SIREN_OK);
  assert_string_equal(r.time_zone, "America/New_York");
  /* Monday 09:00 EST = 14:00Z. */
  assert_int_equal(r.start_time, utc(2026, 1, 5, 14, 0));
  assert_int_equal(r.contact_count, 3);
  assert_string_equal(r.contacts[0], "alice");
  assert_string_equal(r.contacts[1], "bob");
  assert_string_equal(r.contacts[2], "carol");
  assert_int_equal(r.recurrence, SIREN_RECUR_WEEKLY);
  assert_int_equal(r.multiplier, 1);
  assert_int_equal(r.on_calls, 2);
  assert_int_equal(r.notice_minutes, 0);
  assert_int_equal(r.handoff_count, 1);
  assert_int_equal(r.handoffs[0].day, SIREN_MON);
  assert_int_equal(r.handoffs[0].minute, 9 * 60);
  assert_int_equal(r.coverage_count, 5);
  for (uint32_t i = 0; i < 5; i++) {
    assert_int_equal(r.coverages[i].day, SIREN_MON + i);
    assert_int_equal(r.coverages[i].start_minute, 9 * 60);
    assert_int_equal(r.coverages[i].end_minute, 17 * 60);
  }

  /* Week 1 (shift 0): alice and bob, 09:00-17:00 EST (14:00-22:00Z) Monday
   * to Friday; week 2 (shift 1): contacts 2 and 3 mod 3, carol and alice. */
  shifts(e, "Weekday support", utc(2026, 1, 5, 14, 0), utc(2026, 1, 13, 14, 0));
  assert_int_equal(NS, 6);
  for (int d = 0; d < 5; d++)
    expect_shift((size_t)d, utc(2026, 1, 5 + d, 14, 0), utc(2026, 1, 5 + d, 22, 0), "alice,bob", 0);
  expect_shift(5, utc(2026, 1, 12, 14, 0), utc(2026, 1, 12, 22, 0), "carol,alice", 1);

  /* The schedule contact: its rotation and the hold flag. */
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "support-oncall"), SIREN_OK);
  assert_int_equal(ci.type, SIREN_CONTACT_ONCALL_SCHEDULE);
  assert_int_equal(ci.rotation_count, 1);
  assert_int_equal(ci.schedule_flags, SIREN_SCHEDULE_HOLD);
  assert_string_equal(siren_schedule_rotation_at(e, "support-oncall", 0), "Weekday support");
  siren_target t = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&t, e, "support-escalation", 0, 0), SIREN_OK);
  assert_string_equal(t.contact, "support-oncall");
  assert_int_equal(t.essential, 1);
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  assert_int_equal(siren_response_plan_get(&rp, e, "support-down"), SIREN_OK);
  assert_string_equal(rp.engagements[0], "support-oncall");
  drop(e);
}

/* The escalation plan's stage 1 engages the schedule: whoever is on call is
 * paged, the resolution is an event and is kept per page, and an acceptance
 * by one of them stops the plan (carol, stage 2, is never paged). */
static void api_schedule_engaged_by_escalation_plan(void **state) {
  (void)state;
  NEED_ZONES();
  /* Tuesday 6 January, 10:00 EST: inside coverage, shift 0. */
  int64_t at = utc(2026, 1, 6, 15, 0);
  siren_engine *e = fresh(at);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, api_doc, &res);
  siren_id eng = th_engage(e, "support-escalation");
  const char *line = event_with(SIREN_EVENT_SCHEDULE_RESOLVED, ":alice:");
  assert_non_null(line);
  assert_non_null(strstr(line, ":Weekday support:support-oncall:"));
  assert_non_null(event_with(SIREN_EVENT_SCHEDULE_RESOLVED, ":bob:"));
  int pa = th_last_page(&th, "alice", "mail"), pb = th_last_page(&th, "bob", "mail");
  assert_true(pa >= 0 && pb >= 0);
  assert_int_equal(th.notices[pa].time, at);
  siren_resolution rs = SIREN_RESOLUTION_INIT;
  assert_int_equal(siren_page_resolution(&rs, e, th.notices[pa].page), SIREN_OK);
  assert_string_equal(rs.schedule, "support-oncall");
  assert_string_equal(rs.rotation, "Weekday support");
  assert_string_equal(rs.contact, "alice");
  /* The shift as siren_rotation_shifts lists it: Tuesday's coverage. */
  assert_int_equal(rs.shift_start, utc(2026, 1, 6, 14, 0));
  assert_int_equal(rs.shift_end, utc(2026, 1, 6, 22, 0));
  assert_int_equal(rs.resolved, at);
  th.now = at + 2 * MIN;
  assert_int_equal(siren_page_accept(e, th.notices[pa].page, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, NULL),
                   SIREN_OK);
  th.now = at + 30 * MIN;
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  assert_int_equal(th_last_page(&th, "carol", NULL), -1);
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, eng), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(info.acknowledged, 1);
  drop(e);
}

/* Outside coverage nobody is on call: with HoldWhenNobodyOnCall the
 * schedule holds until Monday 09:00 EST and the escalation moves on. */
static void api_schedule_holds_outside_coverage(void **state) {
  (void)state;
  NEED_ZONES();
  int64_t at = utc(2026, 1, 10, 15, 0); /* Saturday */
  siren_engine *e = fresh(at);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, api_doc, &res);
  th_engage(e, "support-escalation");
  const char *line = event_with(SIREN_EVENT_SCHEDULE_NOBODY, "schedule.nobody");
  assert_non_null(line);
  assert_non_null(strstr(line, ":held:"));
  char want[64];
  snprintf(want, sizeof want, ":support-oncall:%lld", (long long)((utc(2026, 1, 12, 14, 0) - TH_T0) / 1000));
  assert_non_null(strstr(line, want));
  assert_int_equal(th_last_page(&th, "alice", NULL), -1);
  /* Stage 2 (carol) at minute 5, as the plan says. */
  th.now = at + 6 * MIN;
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  int pc = th_last_page(&th, "carol", "mail");
  assert_true(pc >= 0);
  assert_int_equal(th.notices[pc].time, at + 5 * MIN);
  drop(e);
}

/* ----------------------------------------------------- CloudFormation */

static const char cfn_doc[] =
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Resources:\n"
    "  Alice: {Type: 'AWS::SSMContacts::Contact', Properties: {Alias: alice, DisplayName: Alice, Type: PERSONAL}}\n"
    "  Bob: {Type: 'AWS::SSMContacts::Contact', Properties: {Alias: bob, DisplayName: Bob, Type: PERSONAL}}\n"
    "  AliceMail:\n"
    "    Type: 'AWS::SSMContacts::ContactChannel'\n"
    "    Properties: {ContactId: {Ref: Alice}, ChannelName: mail, ChannelType: EMAIL, ChannelAddress: alice@example.com, ActivationStatus: ACTIVATED}\n"
    "  BobMail:\n"
    "    Type: 'AWS::SSMContacts::ContactChannel'\n"
    "    Properties: {ContactId: !Ref Bob, ChannelName: mail, ChannelType: EMAIL, ChannelAddress: bob@example.com, ActivationStatus: ACTIVATED}\n"
    "  AlicePlan:\n"
    "    Type: 'AWS::SSMContacts::Plan'\n"
    "    Properties:\n"
    "      ContactId: {Ref: Alice}\n"
    "      Stages: [{DurationInMinutes: 10, Targets: [{ChannelTargetInfo: {ChannelId: {Ref: AliceMail}, RetryIntervalInMinutes: 1}}]}]\n"
    "  BobPlan:\n"
    "    Type: 'AWS::SSMContacts::Plan'\n"
    "    Properties:\n"
    "      ContactId: !GetAtt Bob.Arn\n"
    "      Stages: [{DurationInMinutes: 10, Targets: [{ChannelTargetInfo: {ChannelId: !GetAtt BobMail.Arn}}]}]\n"
    "  MyDailyRotation:\n"
    "    Type: 'AWS::SSMContacts::Rotation'\n"
    "    Properties:\n"
    "      Name: My_daily_rotation\n"
    "      ContactIds: [{Ref: Alice}, !GetAtt Bob.Arn]\n"
    "      StartTime: '2026-03-07T09:00:00'\n"
    "      TimeZoneId: America/New_York\n"
    "      Recurrence:\n"
    "        NumberOfOnCalls: 1\n"
    "        RecurrenceMultiplier: 1\n"
    "        DailySettings: ['09:00']\n"
    "  MyWeeklyRotation:\n"
    "    Type: 'AWS::SSMContacts::Rotation'\n"
    "    Properties:\n"
    "      Name: My_weekly_rotation\n"
    "      ContactIds: ['arn:aws:ssm-contacts:us-west-2:123456789012:contact/bob']\n"
    "      StartTime: '2026-01-05T09:00:00Z'\n"
    "      TimeZoneId: Europe/London\n"
    "      Recurrence:\n"
    "        NumberOfOnCalls: 1\n"
    "        RecurrenceMultiplier: 2\n"
    "        WeeklySettings: [{DayOfWeek: MON, HandOffTime: '13:00'}, {DayOfWeek: THU, HandOffTime: '9:30'}]\n"
    "  MyMonthlyRotation:\n"
    "    Type: 'AWS::SSMContacts::Rotation'\n"
    "    Properties:\n"
    "      Name: My_monthly_rotation\n"
    "      ContactIds: [!Ref Alice]\n"
    "      StartTime: '2026-01-05T09:00:00'\n"
    "      TimeZoneId: America/Los_Angeles\n"
    "      Recurrence:\n"
    "        ShiftCoverages:\n"
    "          - DayOfWeek: MON\n"
    "            CoverageTimes: [{StartTime: '10:00', EndTime: '18:00'}]\n"
    "        NumberOfOnCalls: 1\n"
    "        RecurrenceMultiplier: 1\n"
    "        MonthlySettings: [{DayOfMonth: 31, HandOffTime: '13:00'}]\n"
    "      NoticeMinutes: 30\n"
    "  MyOncallSchedule:\n"
    "    Type: 'AWS::SSMContacts::Contact'\n"
    "    Properties:\n"
    "      Alias: my-oncall-schedule\n"
    "      DisplayName: My_on-call_schedule\n"
    "      Type: ONCALL_SCHEDULE\n"
    "      Plan: [{RotationIds: [{Ref: MyDailyRotation}]}]\n"
    "  OtherSchedule: {Type: 'AWS::SSMContacts::Contact', Properties: {Alias: other-schedule, Type: ONCALL_SCHEDULE}}\n"
    "  OtherSchedulePlan:\n"
    "    Type: 'AWS::SSMContacts::Plan'\n"
    "    Properties:\n"
    "      ContactId: !Ref OtherSchedule\n"
    "      RotationIds: [!GetAtt MyWeeklyRotation.Arn, 'arn:aws:ssm-contacts:us-west-2:123456789012:rotation/My_monthly_rotation']\n"
    "      HoldWhenNobodyOnCall: true\n"
    "  MyEscalationPlan: {Type: 'AWS::SSMContacts::Contact', Properties: {Alias: my-escalation-plan, Type: ESCALATION}}\n"
    "  MyEscalationPlanStages:\n"
    "    Type: 'AWS::SSMContacts::Plan'\n"
    "    Properties:\n"
    "      ContactId: {Ref: MyEscalationPlan}\n"
    "      Stages:\n"
    "        - DurationInMinutes: 5\n"
    "          Targets: [{ContactTargetInfo: {ContactId: {Ref: MyOncallSchedule}, IsEssential: true}}]\n";

/* Every rotation form of a template: local StartTime in TimeZoneId, "HH:MM"
 * hand-offs, ShiftCoverages as a list, references by Ref, GetAtt and ARN;
 * a schedule in a contact's Plan list and one in an AWS::SSMContacts::Plan. */
static void cloudformation_rotations_read_back(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = fresh(TH_T0);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, cfn_doc, &res);
  assert_int_equal(res.contacts, 5);
  assert_int_equal(res.channels, 2);
  assert_int_equal(res.plans, 5); /* alice, bob, the escalation, two schedules */
  assert_int_equal(res.unsupported, 0);
  assert_int_equal(siren_rotation_count(e), 3);
  assert_string_equal(siren_rotation_name_at(e, 0), "My_daily_rotation");

  siren_rotation r = SIREN_ROTATION_INIT;
  assert_int_equal(siren_rotation_get(&r, e, "My_daily_rotation"), SIREN_OK);
  /* 09:00 in New York on 7 March is EST: 14:00Z. */
  assert_int_equal(r.start_time, utc(2026, 3, 7, 14, 0));
  assert_int_equal(r.recurrence, SIREN_RECUR_DAILY);
  assert_int_equal(r.handoff_count, 1);
  assert_int_equal(r.handoffs[0].minute, 9 * 60);
  assert_int_equal(r.contact_count, 2);
  assert_string_equal(r.contacts[0], "alice");
  assert_string_equal(r.contacts[1], "bob");
  assert_int_equal(r.coverage_count, 0);
  /* Across the spring-forward night: the first shift is 23 hours. */
  shifts(e, "My_daily_rotation", utc(2026, 3, 7, 14, 0), utc(2026, 3, 10, 13, 0));
  assert_int_equal(NS, 3);
  expect_shift(0, utc(2026, 3, 7, 14, 0), utc(2026, 3, 8, 13, 0), "alice", 0);
  assert_int_equal(S[0].end - S[0].start, 23 * HOUR);
  expect_shift(1, utc(2026, 3, 8, 13, 0), utc(2026, 3, 9, 13, 0), "bob", 1);
  expect_shift(2, utc(2026, 3, 9, 13, 0), utc(2026, 3, 10, 13, 0), "alice", 2);

  assert_int_equal(siren_rotation_get(&r, e, "My_weekly_rotation"), SIREN_OK);
  assert_int_equal(r.start_time, TH_T0);
  assert_string_equal(r.time_zone, "Europe/London");
  assert_int_equal(r.recurrence, SIREN_RECUR_WEEKLY);
  assert_int_equal(r.multiplier, 2);
  assert_int_equal(r.contact_count, 1);
  assert_string_equal(r.contacts[0], "bob");
  /* Read back in the order of the local day (Thursday 09:30 first). */
  assert_int_equal(r.handoff_count, 2);
  assert_int_equal(r.handoffs[0].day, SIREN_THU);
  assert_int_equal(r.handoffs[0].minute, 9 * 60 + 30);
  assert_int_equal(r.handoffs[1].day, SIREN_MON);
  assert_int_equal(r.handoffs[1].minute, 13 * 60);

  assert_int_equal(siren_rotation_get(&r, e, "My_monthly_rotation"), SIREN_OK);
  /* 09:00 in Los Angeles in January is PST: 17:00Z. */
  assert_int_equal(r.start_time, utc(2026, 1, 5, 17, 0));
  assert_int_equal(r.recurrence, SIREN_RECUR_MONTHLY);
  assert_int_equal(r.handoff_count, 1);
  assert_int_equal(r.handoffs[0].day, 31);
  assert_int_equal(r.handoffs[0].minute, 13 * 60);
  assert_int_equal(r.coverage_count, 1);
  assert_int_equal(r.coverages[0].day, SIREN_MON);
  assert_int_equal(r.coverages[0].start_minute, 10 * 60);
  assert_int_equal(r.coverages[0].end_minute, 18 * 60);
  assert_int_equal(r.notice_minutes, 30);

  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "my-oncall-schedule"), SIREN_OK);
  assert_int_equal(ci.type, SIREN_CONTACT_ONCALL_SCHEDULE);
  assert_int_equal(ci.rotation_count, 1);
  assert_int_equal(ci.schedule_flags, 0);
  assert_string_equal(siren_schedule_rotation_at(e, "my-oncall-schedule", 0), "My_daily_rotation");
  assert_int_equal(siren_contact_get(&ci, e, "other-schedule"), SIREN_OK);
  assert_int_equal(ci.rotation_count, 2);
  assert_int_equal(ci.schedule_flags, SIREN_SCHEDULE_HOLD);
  assert_string_equal(siren_schedule_rotation_at(e, "other-schedule", 0), "My_weekly_rotation");
  assert_string_equal(siren_schedule_rotation_at(e, "other-schedule", 1), "My_monthly_rotation");
  siren_target t = SIREN_TARGET_INIT;
  assert_int_equal(siren_contact_plan_target(&t, e, "alice", 0, 0), SIREN_OK);
  assert_string_equal(t.channel, "mail");
  assert_int_equal(t.retry_interval_minutes, 1);
  assert_int_equal(siren_contact_plan_target(&t, e, "bob", 0, 0), SIREN_OK);
  assert_string_equal(t.channel, "mail");
  drop(e);
}

/* The template's escalation plan pages whoever the daily rotation has on
 * call: on 8 March at 11:00 EDT that is bob (shift 1, from 09:00 EDT). */
static void cloudformation_schedule_pages_who_is_on_call(void **state) {
  (void)state;
  NEED_ZONES();
  int64_t at = utc(2026, 3, 8, 15, 0);
  siren_engine *e = fresh(at);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, cfn_doc, &res);
  const char *oncall[4];
  size_t n = 0;
  assert_int_equal(siren_oncall(oncall, 4, &n, e, "my-oncall-schedule", at), SIREN_OK);
  assert_int_equal(n, 1);
  assert_string_equal(oncall[0], "bob");
  th_engage(e, "my-escalation-plan");
  assert_non_null(event_with(SIREN_EVENT_SCHEDULE_RESOLVED, "schedule.resolved:bob:"));
  int pb = th_last_page(&th, "bob", "mail");
  assert_true(pb >= 0);
  assert_int_equal(th_last_page(&th, "alice", NULL), -1);
  siren_resolution rs = SIREN_RESOLUTION_INIT;
  assert_int_equal(siren_page_resolution(&rs, e, th.notices[pb].page), SIREN_OK);
  assert_string_equal(rs.rotation, "My_daily_rotation");
  assert_int_equal(rs.shift_start, utc(2026, 3, 8, 13, 0));
  assert_int_equal(rs.shift_end, utc(2026, 3, 9, 13, 0));
  drop(e);
}

/* --------------------------------------------------------- StartTime */

/* Each form of StartTime gives the instant it names. */
static void start_time_forms(void **state) {
  (void)state;
  NEED_ZONES();
  int64_t now = TH_T0 + 7 * MIN;
  siren_engine *e = fresh(now);
  const char *doc =
      "contacts: [{Alias: alice, Type: PERSONAL}]\n"
      "rotations:\n"
      "  - {Name: z, ContactIds: [alice], TimeZoneId: UTC, StartTime: '2026-01-05T09:00:00Z', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: [{HourOfDay: 9, MinuteOfHour: 0}]}}\n"
      "  - {Name: plus, ContactIds: [alice], TimeZoneId: Asia/Tokyo, StartTime: '2026-01-05T18:00:00+09:00', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  - {Name: compact, ContactIds: [alice], TimeZoneId: Asia/Tokyo, StartTime: '2026-01-05T18:00+0900', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  - {Name: minus, ContactIds: [alice], TimeZoneId: America/New_York, StartTime: '2026-01-05T04:00:00.250-05:00', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  - {Name: seconds, ContactIds: [alice], TimeZoneId: UTC, StartTime: 1767603600, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  - {Name: millis, ContactIds: [alice], TimeZoneId: UTC, StartTime: 1767603600000, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  - {Name: fraction, ContactIds: [alice], TimeZoneId: UTC, StartTime: 1767603600.5, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  - {Name: absent, ContactIds: [alice], TimeZoneId: UTC, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "Resources:\n"
      "  Gap:\n"
      "    Type: AWS::SSMContacts::Rotation\n"
      "    Properties: {Name: gap, ContactIds: [alice], TimeZoneId: America/New_York, StartTime: '2026-03-08T02:30:00', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  Overlap:\n"
      "    Type: AWS::SSMContacts::Rotation\n"
      "    Properties: {Name: overlap, ContactIds: [alice], TimeZoneId: America/New_York, StartTime: '2026-11-01T01:30:00', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
      "  Zoned:\n"
      "    Type: AWS::SSMContacts::Rotation\n"
      "    Properties: {Name: zoned, ContactIds: [alice], TimeZoneId: America/New_York, StartTime: '2026-01-05T09:00:00Z', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  load_ok(e, doc, &res);
  const struct {
    const char *name;
    int64_t start;
  } want[] = {
      {"z", TH_T0},
      {"plus", TH_T0},
      {"compact", TH_T0},
      {"minus", TH_T0 + 250},
      {"seconds", TH_T0},
      {"millis", TH_T0},
      {"fraction", TH_T0 + 500},
      {"absent", TH_T0 + 7 * MIN}, /* the host clock when it was loaded */
      /* 02:30 does not happen on 8 March in New York: 03:00 EDT = 07:00Z. */
      {"gap", utc(2026, 3, 8, 7, 0)},
      /* 01:30 happens twice on 1 November: the first, EDT, = 05:30Z. */
      {"overlap", utc(2026, 11, 1, 5, 30)},
      {"zoned", TH_T0},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    siren_rotation r = SIREN_ROTATION_INIT;
    assert_int_equal(siren_rotation_get(&r, e, want[i].name), SIREN_OK);
    if (r.start_time != want[i].start)
      fail_msg("%s: start %lld, expected %lld", want[i].name, (long long)r.start_time,
               (long long)want[i].start);
  }
  drop(e);
}

/* ------------------------------------------------------------ problems */

/* Every problem, each with its path; nothing is created, no record is
 * written. */
static void rotation_problems_have_paths(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = fresh(TH_T0);
  assert_int_equal(siren_contact_create(e, "dora", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  const char *dora[] = {"dora"};
  siren_handoff h = SIREN_HANDOFF_INIT;
  h.minute = 540;
  siren_rotation taken = SIREN_ROTATION_INIT;
  taken.name = "taken";
  taken.time_zone = "UTC";
  taken.start_time = TH_T0;
  taken.contact_count = 1;
  taken.contacts = dora;
  taken.recurrence = SIREN_RECUR_DAILY;
  taken.multiplier = 1;
  taken.on_calls = 1;
  taken.handoff_count = 1;
  taken.handoffs = &h;
  assert_int_equal(siren_rotation_create(e, &taken), SIREN_OK);
  uint64_t records = siren_engine_record_count(e);
  const char *doc =
      "contacts:\n"
      "  - {Alias: alice, Type: PERSONAL}\n"
      "  - {Alias: esc, Type: ESCALATION}\n"
      "  - Alias: sched\n"
      "    Type: ONCALL_SCHEDULE\n"
      "    Plan: {Stages: [{DurationInMinutes: 5, Targets: [{ContactTargetInfo: {ContactId: alice}}]}], RotationIds: [nowhere, taken, taken]}\n"
      "  - {Alias: bob, Type: PERSONAL, Plan: {RotationIds: [r1]}}\n"
      "  - {Alias: sched2, Type: ONCALL_SCHEDULE, Plan: {RotationIds: [taken], HoldWhenNobodyOnCall: maybe}}\n"
      "rotations:\n"
      "  - Name: r1\n"
      "    ContactIds: [alice, nobody, esc]\n"
      "    StartTime: '2026-01-05T09:00:00'\n"
      "    TimeZoneId: PST\n"
      "    Recurrence:\n"
      "      NumberOfOnCalls: 3\n"
      "      RecurrenceMultiplier: 1\n"
      "      WeeklySettings: [{DayOfWeek: MONDAY, HandOffTime: {HourOfDay: 9, MinuteOfHour: 0}}]\n"
      "  - Name: r2\n"
      "    ContactIds: [alice]\n"
      "    StartTime: 1767603600\n"
      "    TimeZoneId: Mars/Olympus_Mons\n"
      "    Recurrence:\n"
      "      NumberOfOnCalls: 2\n"
      "      RecurrenceMultiplier: 101\n"
      "      DailySettings: ['24:00', {HourOfDay: 9}]\n"
      "      ShiftCoverages: {MON: [{Start: {HourOfDay: 9, MinuteOfHour: 0}, End: '17:60'}], FUNDAY: []}\n"
      "  - Name: r1\n"
      "    ContactIds: [alice]\n"
      "    StartTime: 2026-01-05T09:00:00Z\n"
      "    TimeZoneId: UTC\n"
      "    Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00'], MonthlySettings: [{DayOfMonth: 1, HandOffTime: '09:00'}]}\n"
      "  - Name: taken\n"
      "    ContactIds: [alice]\n"
      "    StartTime: yesterday\n"
      "    TimeZoneId: UTC\n"
      "    Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, MonthlySettings: [{DayOfMonth: 32, HandOffTime: '09:00'}]}\n"
      "  - {Name: 'bad/name', ContactIds: [alice], TimeZoneId: UTC, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1}}\n"
      "Resources:\n"
      "  P: {Type: AWS::SSMContacts::Plan, Properties: {ContactId: dora, RotationIds: [taken]}}\n"
      "  W:\n"
      "    Type: AWS::SSMContacts::Rotation\n"
      "    Properties:\n"
      "      Name: w\n"
      "      ContactIds: [!Ref Missing]\n"
      "      StartTime: '2026-02-30T09:00:00'\n"
      "      TimeZoneId: Europe/London\n"
      "      Recurrence:\n"
      "        NumberOfOnCalls: 1\n"
      "        RecurrenceMultiplier: 1\n"
      "        WeeklySettings: [{DayOfWeek: SUN, HandOffTime: '09:00'}, {DayOfWeek: SUN, HandOffTime: '9:00'}]\n"
      "        ShiftCoverages: [{DayOfWeek: Sunday, CoverageTimes: [{StartTime: '09:00', EndTime: '17:00'}]}]\n";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  assert_int_equal(siren_config_load(&res, e, doc, strlen(doc)), SIREN_EINVAL);
  const char *p = siren_config_problems(e);
  static const char *const want[] = {
      "contacts[2].Plan: an ONCALL_SCHEDULE contact's plan is its RotationIds: it has no stages, targets or durations\n",
      "contacts[3].Plan.RotationIds: RotationIds belong to an ONCALL_SCHEDULE contact's plan\n",
      "rotations[0].ContactIds[1]: unknown contact \"nobody\"\n",
      "rotations[0].ContactIds[2]: contact \"esc\" is not PERSONAL: a rotation's contacts are people\n",
      "rotations[0].TimeZoneId: \"PST\" is not an IANA time zone name such as America/Los_Angeles (abbreviations such as PST are ambiguous and refused)\n",
      "rotations[0].StartTime: \"2026-01-05T09:00:00\" has no zone designator: add Z or an offset such as -05:00 (only a CloudFormation StartTime is a wall-clock time in TimeZoneId)\n",
      "rotations[0].Recurrence.WeeklySettings[0].DayOfWeek: \"MONDAY\" must be MON, TUE, WED, THU, FRI, SAT or SUN\n",
      "rotations[1].TimeZoneId: unknown time zone \"Mars/Olympus_Mons\"\n",
      "rotations[1].Recurrence.NumberOfOnCalls: 2 on call at once, but the rotation has 1 contact\n",
      "rotations[1].Recurrence.RecurrenceMultiplier: must be 1-100\n",
      "rotations[1].Recurrence.DailySettings[0]: expected \"HH:MM\" (00:00-23:59) or {HourOfDay, MinuteOfHour}\n",
      "rotations[1].Recurrence.DailySettings[1].MinuteOfHour: is required (0-59)\n",
      "rotations[1].Recurrence.ShiftCoverages.MON[0].End: expected \"HH:MM\" (00:00-23:59) or {HourOfDay, MinuteOfHour}\n",
      "rotations[1].Recurrence.ShiftCoverages.FUNDAY: \"FUNDAY\" must be MON, TUE, WED, THU, FRI, SAT or SUN\n",
      "rotations[2].Name: rotation \"r1\" is defined twice (also at rotations[0])\n",
      "rotations[2].Recurrence: only one of DailySettings, WeeklySettings or MonthlySettings may be given\n",
      "rotations[3].Name: rotation \"taken\" already exists\n",
      "rotations[3].StartTime: \"yesterday\" is not a time such as 2026-03-02T09:00:00-05:00 or 2026-03-02T14:00:00Z, or epoch seconds\n",
      "rotations[3].Recurrence.MonthlySettings[0].DayOfMonth: must be 1-31\n",
      "rotations[4].Name: \"bad/name\" must be 1-255 characters of [A-Za-z0-9_.-] or space\n",
      "rotations[4].Recurrence: one of DailySettings, WeeklySettings or MonthlySettings is required\n",
      "Resources.W.Properties.ContactIds[0]: unknown contact \"Missing\"\n",
      "Resources.W.Properties.StartTime: \"2026-02-30T09:00:00\" is not a time such as 2026-03-02T09:00:00 (in TimeZoneId) or 2026-03-02T09:00:00-05:00\n",
      "Resources.W.Properties.Recurrence.WeeklySettings[1]: the same hand-off is given twice\n",
      "Resources.W.Properties.Recurrence.ShiftCoverages[0].DayOfWeek: \"Sunday\" must be MON, TUE, WED, THU, FRI, SAT or SUN\n",
      "contacts[2].Plan.RotationIds[0]: unknown rotation \"nowhere\"\n",
      "contacts[2].Plan.RotationIds[2]: rotation \"taken\" is listed twice\n",
      "contacts[4].Plan.HoldWhenNobodyOnCall: must be true or false\n",
      "Resources.P.Properties: contact \"dora\" is not an ONCALL_SCHEDULE contact: only a schedule's plan has RotationIds\n",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!strstr(p, want[i])) fail_msg("missing: %s\nproblems:\n%s", want[i], p);
  if (res.errors != sizeof want / sizeof want[0])
    fail_msg("%u problems, expected %zu:\n%s", res.errors, sizeof want / sizeof want[0], p);
  assert_int_equal(siren_rotation_count(e), 1);
  assert_int_equal(siren_contact_count(e), 1);
  assert_int_equal(siren_engine_record_count(e), records);
  drop(e);
}

/* A host without load_zone knows UTC only; a load_zone that fails makes the
 * load fail with SIREN_ECALLBACK, the problem at the zone's path. */
static int failing_zone(const char *name, const void **data, size_t *len, void *ud) {
  (void)name;
  (void)ud;
  *data = NULL;
  *len = 0;
  return -1;
}

static void zone_hosts(void **state) {
  (void)state;
  const char *doc =
      "contacts: [{Alias: alice, Type: PERSONAL}]\n"
      "rotations:\n"
      "  - {Name: r, ContactIds: [alice], TimeZoneId: America/New_York, StartTime: 1767603600, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n";
  const char *utc_doc =
      "contacts: [{Alias: alice, Type: PERSONAL}]\n"
      "rotations:\n"
      "  - {Name: r, ContactIds: [alice], TimeZoneId: Etc/UTC, StartTime: 1767603600, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n";
  for (int variant = 0; variant < 2; variant++) {
    free(th.records);
    memset(&th, 0, sizeof th);
    siren_host h;
    th_setup(&th, &h, 1, 1);
    h.load_zone = variant == 0 ? NULL : failing_zone;
    siren_engine *e = NULL;
    assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
    th.engine = e;
    siren_config_result res = SIREN_CONFIG_RESULT_INIT;
    int rc = siren_config_load(&res, e, doc, strlen(doc));
    if (variant == 0) {
      assert_int_equal(rc, SIREN_EINVAL);
      assert_string_equal(siren_config_problems(e),
                          "rotations[0].TimeZoneId: unknown time zone \"America/New_York\" (the host "
                          "has no load_zone: only UTC is known)\n");
      assert_int_equal(siren_contact_count(e), 0);
      /* The built-in UTC needs no host. */
      load_ok(e, utc_doc, &res);
      assert_int_equal(siren_rotation_count(e), 1);
    } else {
      assert_int_equal(rc, SIREN_ECALLBACK);
      assert_string_equal(siren_config_problems(e),
                          "rotations[0].TimeZoneId: the load_zone callback failed (-1)\n");
      assert_int_equal(siren_contact_count(e), 0);
      assert_int_equal(siren_rotation_count(e), 0);
    }
    drop(e);
  }
}

/* ------------------------------------------------------------- rollback */

static const char small_doc[] =
    "contacts:\n"
    "  - {Alias: alice, Type: PERSONAL}\n"
    "  - {Alias: bob, Type: PERSONAL}\n"
    "  - {Alias: sched, Type: ONCALL_SCHEDULE, Plan: {RotationIds: [one, two]}}\n"
    "  - Alias: esc\n"
    "    Type: ESCALATION\n"
    "    Plan: {Stages: [{DurationInMinutes: 5, Targets: [{ContactTargetInfo: {ContactId: sched, IsEssential: true}}]}]}\n"
    "rotations:\n"
    "  - {Name: one, ContactIds: [alice, bob], TimeZoneId: UTC, StartTime: 1767603600, Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
    "  - {Name: two, ContactIds: [bob], TimeZoneId: America/New_York, StartTime: '2026-01-05T09:00:00-05:00', Recurrence: {NumberOfOnCalls: 1, RecurrenceMultiplier: 1, DailySettings: ['09:00']}}\n"
    "Resources:\n"
    "  Old: {Type: AWS::SSMContacts::Plan, Properties: {ContactId: old-sched, RotationIds: [two]}}\n"
    "responsePlans:\n"
    "  - {name: p, incidentTemplate: {title: t, impact: 3}, engagements: [esc]}\n";

/* Storage failing at each record of the load in turn: what was created
 * (rotations included) is removed again, and an existing schedule gets its
 * rotations back; with storage healthy the same document loads. */
static void failure_part_way_rolls_back(void **state) {
  (void)state;
  NEED_ZONES();
  /* Records of the load: 4 contacts, 2 rotations, 2 schedules, 1 plan,
   * 1 response plan. */
  for (size_t nth = 1; nth <= 10; nth++) {
    siren_engine *e = fresh(TH_T0);
    assert_int_equal(siren_contact_create(e, "olga", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
    assert_int_equal(siren_contact_create(e, "old-sched", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), SIREN_OK);
    const char *olga[] = {"olga"};
    siren_handoff h = SIREN_HANDOFF_INIT;
    siren_rotation r = SIREN_ROTATION_INIT;
    r.name = "old";
    r.time_zone = "UTC";
    r.contact_count = 1;
    r.contacts = olga;
    r.recurrence = SIREN_RECUR_DAILY;
    r.multiplier = 1;
    r.on_calls = 1;
    r.handoff_count = 1;
    r.handoffs = &h;
    assert_int_equal(siren_rotation_create(e, &r), SIREN_OK);
    const char *old[] = {"old"};
    assert_int_equal(siren_schedule_set(e, "old-sched", old, 1, SIREN_SCHEDULE_HOLD), SIREN_OK);
    th.fail_storage_nth = th.append_calls + nth;
    siren_config_result res = SIREN_CONFIG_RESULT_INIT;
    int rc = siren_config_load(&res, e, small_doc, strlen(small_doc));
    if (rc != SIREN_ECALLBACK) fail_msg("record %zu: %s (%s)", nth, siren_strerror(rc), siren_errmsg(e));
    assert_non_null(strstr(siren_config_problems(e), "loading stopped part-way"));
    assert_int_equal(res.contacts, 0);
    assert_int_equal(res.plans, 0);
    assert_int_equal(siren_contact_count(e), 2);
    assert_int_equal(siren_rotation_count(e), 1);
    assert_string_equal(siren_rotation_name_at(e, 0), "old");
    assert_int_equal(siren_response_plan_count(e), 0);
    siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
    assert_int_equal(siren_contact_get(&ci, e, "old-sched"), SIREN_OK);
    assert_int_equal(ci.rotation_count, 1);
    assert_int_equal(ci.schedule_flags, SIREN_SCHEDULE_HOLD);
    assert_string_equal(siren_schedule_rotation_at(e, "old-sched", 0), "old");
    th.fail_storage_nth = 0;
    load_ok(e, small_doc, &res);
    assert_int_equal(res.contacts, 4);
    assert_int_equal(res.plans, 3);
    assert_int_equal(siren_rotation_count(e), 3);
    assert_int_equal(siren_contact_get(&ci, e, "old-sched"), SIREN_OK);
    assert_int_equal(ci.rotation_count, 1);
    assert_int_equal(ci.schedule_flags, 0);
    assert_string_equal(siren_schedule_rotation_at(e, "old-sched", 0), "two");
    drop(e);
  }
}

/* One allocation fails, each in turn (the zone's parse included): the load
 * gives SIREN_ENOMEM and leaves the engine as it was, or succeeds
 * completely; nothing leaks. Only the k-th allocation fails, so that a
 * rollback after a failure part-way can run. */
static siren_host os_base;
static long os_at, os_calls;
static void *os_alloc(size_t n, void *ud) {
  if (++os_calls == os_at) return NULL;
  return os_base.mem_alloc(n, ud);
}
static void *os_realloc(void *p, size_t n, void *ud) {
  if (++os_calls == os_at) return NULL;
  return os_base.mem_realloc(p, n, ud);
}

static void allocation_failures(void **state) {
  (void)state;
  NEED_ZONES();
  int succeeded = 0;
  for (long k = 1; k < 20000 && !succeeded; k++) {
    free(th.records);
    memset(&th, 0, sizeof th);
    siren_host h;
    th_setup(&th, &h, 1, 1);
    os_base = h;
    h.mem_alloc = os_alloc;
    h.mem_realloc = os_realloc;
    os_at = 0;
    siren_engine *e = NULL;
    assert_int_equal(siren_engine_new(&e, &h, NULL, &th), SIREN_OK);
    th.engine = e;
    os_at = os_calls + k;
    siren_config_result res = SIREN_CONFIG_RESULT_INIT;
    int rc = siren_config_load(&res, e, cfn_doc, strlen(cfn_doc));
    int injected = os_calls >= os_at;
    os_at = 0;
    if (rc == SIREN_OK) {
      if (injected) fail_msg("k=%ld: an allocation failed and the load said OK", k);
      succeeded = 1;
      assert_int_equal(siren_rotation_count(e), 3);
      siren_rotation r = SIREN_ROTATION_INIT;
      assert_int_equal(siren_rotation_get(&r, e, "My_daily_rotation"), SIREN_OK);
      assert_int_equal(r.start_time, utc(2026, 3, 7, 14, 0));
    } else {
      if (rc != SIREN_ENOMEM) fail_msg("k=%ld: %s (%s)", k, siren_strerror(rc), siren_errmsg(e));
      assert_true(injected);
      assert_int_equal(siren_rotation_count(e), 0);
      assert_int_equal(siren_contact_count(e), 0);
    }
    drop(e);
  }
  assert_true(succeeded);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(api_weekly_rotation_reads_back),
      cmocka_unit_test(api_schedule_engaged_by_escalation_plan),
      cmocka_unit_test(api_schedule_holds_outside_coverage),
      cmocka_unit_test(cloudformation_rotations_read_back),
      cmocka_unit_test(cloudformation_schedule_pages_who_is_on_call),
      cmocka_unit_test(start_time_forms),
      cmocka_unit_test(rotation_problems_have_paths),
      cmocka_unit_test(zone_hosts),
      cmocka_unit_test(failure_part_way_rolls_back),
      cmocka_unit_test(allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
