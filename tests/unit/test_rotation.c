/*
 * Rotations, overrides, shifts, schedules and coverage gaps (src/rotation.c).
 *
 * Expected instants are written out by hand from the tz database's rules
 * (2026: New York springs forward 8 March 02:00 EST and falls back 1 November
 * 02:00 EDT; London 29 March 01:00 GMT and 25 October 02:00 BST; Lord Howe
 * 5 April 02:00 +11 -> 01:30 +1030 and 4 October 02:00 +1030 -> 02:30 +11).
 * The property test at the end compares shift boundaries with the C library's
 * own conversions (localtime_r with TZ set; allowed in tests).
 */
#define _GNU_SOURCE /* timegm, setenv */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "siren/siren.h"
#include "testhost.h"

static th_host th;

#define H (INT64_C(3600000))
#define MIN (INT64_C(60000))
#define DAY (24 * H)

static int have_zones(void) {
  FILE *f = fopen("/usr/share/zoneinfo/America/New_York", "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
}
#define NEED_ZONES()                                                  \
  do {                                                                \
    if (!have_zones()) {                                              \
      print_message("no /usr/share/zoneinfo: skipped\n");            \
      skip();                                                         \
    }                                                                 \
  } while (0)

/* "2026-03-06T14:00" (UTC) -> ms. */
static int64_t utc(const char *s) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int y, mo, d, h, mi;
  assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi), 5);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return (int64_t)timegm(&tm) * 1000;
}

static siren_engine *engine_at(const char *now) {
  memset(&th, 0, sizeof th);
  th.now = utc(now);
  siren_engine *e = th_engine(&th, 1, 1);
  return e;
}

static void drop(siren_engine *e) {
  siren_engine_free(e);
  assert_int_equal(th.live_allocs, 0);
  free(th.records);
  th.records = NULL;
}

static void people(siren_engine *e, const char *const *aliases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(siren_contact_create(e, aliases[i], NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
    char ch[64];
    snprintf(ch, sizeof ch, "%s-email", aliases[i]);
    char addr[80];
    snprintf(addr, sizeof addr, "%s@example.com", aliases[i]);
    assert_int_equal(siren_channel_create(e, aliases[i], ch, "EMAIL", addr, SIREN_CHANNEL_ACTIVATED),
                     SIREN_OK);
    siren_target t = SIREN_TARGET_INIT;
    t.channel = ch;
    siren_stage st = SIREN_STAGE_INIT;
    st.duration_minutes = 5;
    st.target_count = 1;
    st.targets = &t;
    siren_plan p = SIREN_PLAN_INIT;
    p.stage_count = 1;
    p.stages = &st;
    assert_int_equal(siren_contact_set_plan(e, aliases[i], &p), SIREN_OK);
  }
}

typedef struct rot_spec {
  const char *name, *zone, *start;
  const char *const *contacts;
  size_t ncontacts;
  siren_recurrence recur;
  uint32_t mult, on_calls;
  const siren_handoff *h;
  size_t nh;
  const siren_coverage *cov;
  size_t ncov;
  uint32_t notice;
} rot_spec;

static siren_rotation rot_of(const rot_spec *s) {
  siren_rotation r = SIREN_ROTATION_INIT;
  r.name = s->name;
  r.time_zone = s->zone;
  r.start_time = utc(s->start);
  r.contact_count = s->ncontacts;
  r.contacts = s->contacts;
  r.recurrence = s->recur;
  r.multiplier = s->mult ? s->mult : 1;
  r.on_calls = s->on_calls ? s->on_calls : 1;
  r.handoff_count = s->nh;
  r.handoffs = s->h;
  r.coverage_count = s->ncov;
  r.coverages = s->cov;
  r.notice_minutes = s->notice;
  return r;
}

static int make_rot(siren_engine *e, const rot_spec *s) {
  siren_rotation r = rot_of(s);
  return siren_rotation_create(e, &r);
}

static siren_handoff ho(uint32_t day, uint32_t hh, uint32_t mm) {
  siren_handoff h = SIREN_HANDOFF_INIT;
  h.day = day;
  h.minute = hh * 60 + mm;
  return h;
}

static siren_coverage cv(uint32_t day, uint32_t h0, uint32_t m0, uint32_t h1, uint32_t m1) {
  siren_coverage c = SIREN_COVERAGE_INIT;
  c.day = day;
  c.start_minute = h0 * 60 + m0;
  c.end_minute = h1 * 60 + m1;
  return c;
}

#define MAXS 512
static siren_shift S[MAXS];
static size_t NS;

static void shifts(siren_engine *e, const char *rot, const char *from, const char *to) {
  assert_int_equal(siren_rotation_shifts(S, MAXS, &NS, e, rot, utc(from), utc(to)), SIREN_OK);
  assert_true(NS <= MAXS);
}

/* "a,b" for shift i. */
static const char *who(size_t i) {
  static char buf[512];
  size_t o = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < S[i].contact_count; k++)
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? "," : "", S[i].contacts[k]);
  return buf;
}

static const char *const ABC[] = {"alice", "bob", "carol"};

/* ------------------------------------------------------------ recurrence */

static void daily_across_spring_forward(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = engine_at("2026-03-01T00:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 9, 0);
  rot_spec s = {"ny-daily", "America/New_York", "2026-03-06T14:00", ABC, 3, SIREN_RECUR_DAILY,
                1, 1, &h, 1, NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  shifts(e, "ny-daily", "2026-03-06T00:00", "2026-03-10T00:00");
  /* Before the start: nobody. Then 09:00 local every day: 14:00Z while EST,
   * 13:00Z from 8 March (EDT), so the shift over the change is 23 hours. */
  assert_int_equal(NS, 4);
  assert_int_equal(S[0].start, utc("2026-03-06T14:00"));
  assert_int_equal(S[0].end, utc("2026-03-07T14:00"));
  assert_string_equal(who(0), "alice");
  assert_int_equal(S[1].start, utc("2026-03-07T14:00"));
  assert_int_equal(S[1].end, utc("2026-03-08T13:00"));
  assert_int_equal(S[1].end - S[1].start, 23 * H);
  assert_string_equal(who(1), "bob");
  assert_int_equal(S[2].end - S[2].start, 24 * H);
  assert_string_equal(who(2), "carol");
  assert_int_equal(S[2].index, 2);
  assert_string_equal(who(3), "alice");
  assert_int_equal(S[3].end, utc("2026-03-10T00:00")); /* clipped to the window */
  assert_int_equal(S[0].type, SIREN_SHIFT_REGULAR);
  /* Fall back: the shift over 1 November is 25 hours. */
  shifts(e, "ny-daily", "2026-10-31T13:00", "2026-11-02T15:00");
  assert_int_equal(NS, 3);
  assert_int_equal(S[0].start, utc("2026-10-31T13:00"));
  assert_int_equal(S[0].end, utc("2026-11-01T14:00"));
  assert_int_equal(S[0].end - S[0].start, 25 * H);
  drop(e);
}

static void weekly_two_oncall(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-01T00:00");
  people(e, ABC, 3);
  /* Monday 09:00 and Thursday 17:00 UTC; two on call at once. */
  siren_handoff h[2] = {ho(SIREN_THU, 17, 0), ho(SIREN_MON, 9, 0)};
  rot_spec s = {"weekly", "UTC", "2026-01-05T09:00", ABC, 3, SIREN_RECUR_WEEKLY, 1, 2, h, 2,
                NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  shifts(e, "weekly", "2026-01-05T09:00", "2026-01-19T09:00");
  assert_int_equal(NS, 4);
  assert_int_equal(S[0].end, utc("2026-01-08T17:00"));
  assert_string_equal(who(0), "alice,bob");
  assert_int_equal(S[1].start, utc("2026-01-08T17:00"));
  assert_int_equal(S[1].end, utc("2026-01-12T09:00"));
  assert_string_equal(who(1), "carol,alice");
  assert_string_equal(who(2), "bob,carol");
  assert_string_equal(who(3), "alice,bob");
  /* Multiplier 2: the duty changes at every second point. */
  siren_rotation r = rot_of(&s);
  r.multiplier = 2;
  assert_int_equal(siren_rotation_update(e, &r), SIREN_OK);
  shifts(e, "weekly", "2026-01-05T09:00", "2026-01-19T09:00");
  assert_int_equal(NS, 2);
  assert_int_equal(S[0].end, utc("2026-01-12T09:00"));
  assert_int_equal(S[1].end, utc("2026-01-19T09:00"));
  assert_string_equal(who(1), "carol,alice");
  drop(e);
}

static void monthly_31st(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-01T00:00");
  people(e, ABC, 2);
  siren_handoff h = ho(31, 9, 0);
  rot_spec s = {"month-end", "UTC", "2026-01-31T09:00", ABC, 2, SIREN_RECUR_MONTHLY, 1, 1, &h, 1,
                NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  shifts(e, "month-end", "2026-01-31T09:00", "2026-05-31T09:00");
  /* The 31st in a shorter month is its last day. */
  assert_int_equal(NS, 4);
  assert_int_equal(S[0].end, utc("2026-02-28T09:00"));
  assert_int_equal(S[1].end, utc("2026-03-31T09:00"));
  assert_int_equal(S[2].end, utc("2026-04-30T09:00"));
  assert_int_equal(S[3].end, utc("2026-05-31T09:00"));
  assert_string_equal(who(0), "alice");
  assert_string_equal(who(1), "bob");
  /* 2028 is a leap year. */
  shifts(e, "month-end", "2028-02-01T00:00", "2028-03-01T00:00");
  assert_int_equal(NS, 2);
  assert_int_equal(S[0].end, utc("2028-02-29T09:00"));
  drop(e);
}

static void daily_multiplier_and_start_between_points(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-01T00:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 8, 0);
  /* Starts at 12:00, between hand-offs: shift 0 runs to the second 08:00. */
  rot_spec s = {"two-days", "UTC", "2026-01-05T12:00", ABC, 3, SIREN_RECUR_DAILY, 2, 1, &h, 1,
                NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  shifts(e, "two-days", "2026-01-05T00:00", "2026-01-11T08:00");
  assert_int_equal(NS, 3);
  assert_int_equal(S[0].start, utc("2026-01-05T12:00"));
  assert_int_equal(S[0].end, utc("2026-01-07T08:00"));
  assert_int_equal(S[1].end, utc("2026-01-09T08:00"));
  assert_string_equal(who(1), "bob");
  assert_int_equal(S[2].end, utc("2026-01-11T08:00"));
  /* Many years on, the arithmetic skips whole weeks and still agrees with a
   * walk: 2026-01-07 + 2k days. */
  shifts(e, "two-days", "2031-06-01T00:00", "2031-06-05T00:00");
  assert_true(NS >= 2);
  int64_t days = (S[1].start - utc("2026-01-07T08:00")) / DAY;
  assert_int_equal(S[1].start % DAY, 8 * H);
  assert_int_equal(days % 2, 0);
  const char *expect = ABC[(1 + days / 2) % 3];
  assert_string_equal(who(1), expect);
  drop(e);
}

/* ------------------------------------------------------- DST hand-offs */

static void dst_gap_and_overlap_rules(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = engine_at("2026-01-01T00:00");
  people(e, ABC, 2);
  struct {
    const char *zone;
    uint32_t hh, mm;
    const char *from, *to, *expect;
  } cases[] = {
      /* New York 02:30 on 8 March does not exist: 03:00 EDT = 07:00Z. */
      {"America/New_York", 2, 30, "2026-03-08T00:00", "2026-03-08T12:00", "2026-03-08T07:00"},
      /* 01:30 on 1 November happens twice: the first (EDT) = 05:30Z. */
      {"America/New_York", 1, 30, "2026-11-01T00:00", "2026-11-01T12:00", "2026-11-01T05:30"},
      /* London 01:30 on 29 March: gap, 02:00 BST = 01:00Z. */
      {"Europe/London", 1, 30, "2026-03-29T00:00", "2026-03-29T12:00", "2026-03-29T01:00"},
      /* 01:30 on 25 October: first occurrence (BST) = 00:30Z. */
      {"Europe/London", 1, 30, "2026-10-25T00:00", "2026-10-25T12:00", "2026-10-25T00:30"},
      /* Lord Howe, 30-minute DST: 02:15 on 4 October is in the gap:
       * 02:30 +11 = 3 October 15:30Z. */
      {"Australia/Lord_Howe", 2, 15, "2026-10-03T12:00", "2026-10-04T00:00", "2026-10-03T15:30"},
      /* 01:45 on 5 April happens at +11 and at +1030: the first = 4 April 14:45Z. */
      {"Australia/Lord_Howe", 1, 45, "2026-04-04T12:00", "2026-04-05T00:00", "2026-04-04T14:45"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "dst-%zu", i);
    siren_handoff h = ho(0, cases[i].hh, cases[i].mm);
    rot_spec s = {name, cases[i].zone, "2025-12-01T00:00", ABC, 2, SIREN_RECUR_DAILY, 1, 1, &h, 1,
                  NULL, 0, 0};
    assert_int_equal(make_rot(e, &s), SIREN_OK);
    shifts(e, name, cases[i].from, cases[i].to);
    assert_int_equal(NS, 2);
    if (S[0].end != utc(cases[i].expect))
      fail_msg("%s %02u:%02u: hand-off at %lld, expected %s", cases[i].zone, cases[i].hh,
               cases[i].mm, (long long)S[0].end, cases[i].expect);
  }
  drop(e);
}

static void historic_offset_change(void **state) {
  (void)state;
  NEED_ZONES();
  /* Samoa skipped 30 December 2011 (UTC-10 -> UTC+14): the 09:00 hand-off
   * of that day falls in the gap and moves to its end, 31 December 00:00
   * local = 30 December 10:00Z. */
  siren_engine *e = engine_at("2011-12-01T00:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 9, 0);
  rot_spec s = {"apia", "Pacific/Apia", "2011-12-28T19:00", ABC, 3, SIREN_RECUR_DAILY, 1, 1, &h, 1,
                NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  shifts(e, "apia", "2011-12-28T19:00", "2011-12-31T19:00");
  assert_int_equal(NS, 4);
  assert_int_equal(S[0].end, utc("2011-12-29T19:00"));
  assert_int_equal(S[1].end, utc("2011-12-30T10:00"));
  assert_int_equal(S[1].end - S[1].start, 15 * H);
  assert_int_equal(S[2].end, utc("2011-12-30T19:00")); /* 31 Dec 09:00 +14 */
  assert_int_equal(S[2].end - S[2].start, 9 * H);
  drop(e);
}

/* --------------------------------------------------------------- coverage */

static void coverage_business_hours(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = engine_at("2026-06-01T00:00");
  people(e, ABC, 2);
  siren_handoff h = ho(SIREN_MON, 9, 0);
  siren_coverage c[5];
  for (uint32_t d = 0; d < 5; d++) c[d] = cv(SIREN_MON + d, 9, 0, 17, 0);
  /* London in June is BST (UTC+1): 09:00-17:00 local = 08:00-16:00Z. */
  rot_spec s = {"office", "Europe/London", "2026-06-01T08:00", ABC, 2, SIREN_RECUR_WEEKLY, 1, 1,
                &h, 1, c, 5, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  shifts(e, "office", "2026-06-01T00:00", "2026-06-15T00:00");
  assert_int_equal(NS, 10);
  assert_int_equal(S[0].start, utc("2026-06-01T08:00"));
  assert_int_equal(S[0].end, utc("2026-06-01T16:00"));
  assert_string_equal(who(0), "alice");
  assert_int_equal(S[4].start, utc("2026-06-05T08:00")); /* Friday */
  assert_int_equal(S[5].start, utc("2026-06-08T08:00")); /* then Monday, bob */
  assert_string_equal(who(5), "bob");
  assert_int_equal(S[5].index, 1);
  /* A window past midnight: Friday 22:00 - 02:00. */
  siren_coverage night = cv(SIREN_FRI, 22, 0, 2, 0);
  rot_spec s2 = {"night", "UTC", "2026-06-01T00:00", ABC, 2, SIREN_RECUR_WEEKLY, 1, 1, &h, 1,
                 &night, 1, 0};
  assert_int_equal(make_rot(e, &s2), SIREN_OK);
  shifts(e, "night", "2026-06-01T00:00", "2026-06-08T00:00");
  assert_int_equal(NS, 1);
  assert_int_equal(S[0].start, utc("2026-06-05T22:00"));
  assert_int_equal(S[0].end, utc("2026-06-06T02:00"));
  drop(e);
}

/* -------------------------------------------------------------- overrides */

static void overrides_split_and_merge(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-01T00:00");
  const char *four[] = {"alice", "bob", "carol", "dave"};
  people(e, four, 4);
  siren_handoff h = ho(0, 9, 0);
  rot_spec s = {"r", "UTC", "2026-01-05T09:00", four, 3, SIREN_RECUR_DAILY, 1, 1, &h, 1, NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  /* Inside alice's shift: carol instead, 12:00-15:00. */
  const char *carol[] = {"carol"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "r";
  o.contact_count = 1;
  o.contacts = carol;
  o.start = utc("2026-01-05T12:00");
  o.end = utc("2026-01-05T15:00");
  siren_id id1 = 0;
  assert_int_equal(siren_override_create(&id1, e, &o), SIREN_OK);
  assert_true(id1 > 0);
  shifts(e, "r", "2026-01-05T09:00", "2026-01-06T09:00");
  assert_int_equal(NS, 3);
  assert_string_equal(who(0), "alice");
  assert_int_equal(S[0].end, utc("2026-01-05T12:00"));
  assert_int_equal(S[1].type, SIREN_SHIFT_OVERRIDDEN);
  assert_string_equal(who(1), "carol");
  assert_int_equal(S[1].overridden_count, 1);
  assert_string_equal(S[1].overridden[0], "alice");
  assert_int_equal(S[2].start, utc("2026-01-05T15:00"));
  assert_string_equal(who(2), "alice");
  assert_int_equal(S[2].index, S[0].index);
  /* Across a hand-off: alice's and bob's shifts both become carol's; the
   * two overridden pieces stay apart (different regular shifts). */
  o.start = utc("2026-01-06T06:00");
  o.end = utc("2026-01-06T12:00");
  siren_id id2 = 0;
  assert_int_equal(siren_override_create(&id2, e, &o), SIREN_OK);
  shifts(e, "r", "2026-01-06T00:00", "2026-01-06T18:00");
  assert_int_equal(NS, 4);
  assert_int_equal(S[1].start, utc("2026-01-06T06:00"));
  assert_int_equal(S[1].end, utc("2026-01-06T09:00"));
  assert_int_equal(S[2].end, utc("2026-01-06T12:00"));
  assert_string_equal(S[2].overridden[0], "bob");
  /* ADD someone outside the rotation; REMOVE a member. */
  const char *dave[] = {"dave"};
  o.mode = SIREN_OVERRIDE_ADD;
  o.contacts = dave;
  o.start = utc("2026-01-07T10:00");
  o.end = utc("2026-01-07T11:00");
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
  shifts(e, "r", "2026-01-07T09:00", "2026-01-07T12:00");
  assert_int_equal(NS, 3);
  assert_string_equal(who(1), "carol,dave");
  /* REPLACE and REMOVE take members only. */
  o.mode = SIREN_OVERRIDE_REMOVE;
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_EINVAL);
  o.mode = SIREN_OVERRIDE_REPLACE;
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "not a member"));
  /* An empty REPLACE: nobody, so no shift then. */
  o.contact_count = 0;
  o.contacts = NULL;
  o.start = utc("2026-01-08T10:00");
  o.end = utc("2026-01-08T11:00");
  siren_id id3 = 0;
  assert_int_equal(siren_override_create(&id3, e, &o), SIREN_OK);
  shifts(e, "r", "2026-01-08T09:00", "2026-01-08T12:00");
  assert_int_equal(NS, 2);
  assert_int_equal(S[0].end, utc("2026-01-08T10:00"));
  assert_int_equal(S[1].start, utc("2026-01-08T11:00"));
  /* Listing, reading back, deleting. */
  siren_id ids[8];
  size_t n = 0;
  assert_int_equal(siren_overrides(ids, 8, &n, e, "r", utc("2026-01-05T00:00"),
                                   utc("2026-01-07T00:00")), SIREN_OK);
  assert_int_equal(n, 2);
  assert_int_equal(ids[0], id1);
  assert_int_equal(ids[1], id2);
  siren_override got = SIREN_OVERRIDE_INIT;
  assert_int_equal(siren_override_get(&got, e, "r", id1), SIREN_OK);
  assert_string_equal(got.contacts[0], "carol");
  assert_int_equal(got.start, utc("2026-01-05T12:00"));
  assert_int_equal(siren_override_delete(e, "r", id1), SIREN_OK);
  assert_int_equal(siren_override_delete(e, "r", id1), SIREN_ENOTFOUND);
  shifts(e, "r", "2026-01-05T09:00", "2026-01-06T06:00");
  assert_int_equal(NS, 1);
  assert_string_equal(who(0), "alice");
  /* A contact in an override cannot be deleted. */
  assert_int_equal(siren_contact_delete(e, "dave"), SIREN_ESTATE);
  drop(e);
}

static void preview_matches_saved(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-01T00:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 9, 0);
  rot_spec s = {"saved", "UTC", "2026-01-05T09:00", ABC, 3, SIREN_RECUR_DAILY, 1, 1, &h, 1, NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  const char *bob[] = {"bob"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "saved";
  o.contact_count = 1;
  o.contacts = bob;
  o.start = utc("2026-01-05T20:00");
  o.end = utc("2026-01-06T20:00");
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
  shifts(e, "saved", "2026-01-05T00:00", "2026-01-09T00:00");
  siren_shift saved[MAXS];
  size_t ns = NS;
  char names[MAXS][64];
  for (size_t i = 0; i < ns; i++) {
    saved[i] = S[i];
    snprintf(names[i], sizeof names[i], "%s", who(i));
  }
  siren_rotation r = rot_of(&s);
  r.name = NULL;
  size_t np = 0;
  assert_int_equal(siren_rotation_preview_shifts(S, MAXS, &np, e, &r, &o, 1, utc("2026-01-05T00:00"),
                                                 utc("2026-01-09T00:00")),
                   SIREN_OK);
  assert_int_equal(np, ns);
  for (size_t i = 0; i < ns; i++) {
    assert_int_equal(S[i].start, saved[i].start);
    assert_int_equal(S[i].end, saved[i].end);
    assert_int_equal(S[i].type, saved[i].type);
    NS = np;
    assert_string_equal(who(i), names[i]);
  }
  /* The preview checks like create does. */
  r.on_calls = 4;
  assert_int_equal(siren_rotation_preview_shifts(S, MAXS, &np, e, &r, NULL, 0, utc("2026-01-05T00:00"),
                                                 utc("2026-01-09T00:00")),
                   SIREN_EINVAL);
  drop(e);
}

/* ------------------------------------------------------------ validation */

static void definitions_are_checked(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-01T00:00");
  people(e, ABC, 3);
  assert_int_equal(siren_contact_create(e, "team", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  siren_handoff h = ho(0, 9, 0);
  rot_spec s = {"ok", "UTC", "2026-01-05T09:00", ABC, 3, SIREN_RECUR_DAILY, 1, 1, &h, 1, NULL, 0, 0};
  siren_rotation r = rot_of(&s);
  r.time_zone = "PST";
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "IANA"));
  r.time_zone = "Mars/Olympus_Mons";
  assert_int_equal(siren_rotation_create(e, &r), have_zones() ? SIREN_ENOTFOUND : SIREN_ENOTFOUND);
  r.time_zone = "../etc/passwd";
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  r = rot_of(&s);
  r.on_calls = 4;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  r = rot_of(&s);
  r.multiplier = 101;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  r = rot_of(&s);
  siren_handoff bad = ho(0, 24, 0);
  r.handoffs = &bad;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "handoffs[0]"));
  r = rot_of(&s);
  r.recurrence = SIREN_RECUR_WEEKLY;
  siren_handoff noday = ho(0, 9, 0);
  r.handoffs = &noday;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  r = rot_of(&s);
  siren_handoff twice[2] = {ho(0, 9, 0), ho(0, 9, 0)};
  r.handoffs = twice;
  r.handoff_count = 2;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  r = rot_of(&s);
  const char *withteam[] = {"alice", "team"};
  r.contacts = withteam;
  r.contact_count = 2;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  const char *ghost[] = {"ghost"};
  r.contacts = ghost;
  r.contact_count = 1;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_ENOTFOUND);
  r = rot_of(&s);
  r.name = "bad/name";
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EINVAL);
  r = rot_of(&s);
  r.version = 99;
  assert_int_equal(siren_rotation_create(e, &r), SIREN_EVERSION);
  /* Nothing was stored by the refused calls. */
  assert_int_equal(siren_rotation_count(e), 0);
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  assert_int_equal(make_rot(e, &s), SIREN_EEXISTS);
  assert_int_equal(siren_rotation_count(e), 1);
  assert_string_equal(siren_rotation_name_at(e, 0), "ok");
  siren_rotation got = SIREN_ROTATION_INIT;
  assert_int_equal(siren_rotation_get(&got, e, "ok"), SIREN_OK);
  assert_string_equal(got.time_zone, "UTC");
  assert_int_equal(got.contact_count, 3);
  assert_string_equal(got.contacts[2], "carol");
  assert_int_equal(got.handoffs[0].minute, 9 * 60);
  /* Members cannot be deleted; a deleted rotation frees them. */
  assert_int_equal(siren_contact_delete(e, "carol"), SIREN_ESTATE);
  assert_int_equal(siren_rotation_delete(e, "ok"), SIREN_OK);
  assert_int_equal(siren_rotation_delete(e, "ok"), SIREN_ENOTFOUND);
  assert_int_equal(siren_contact_delete(e, "carol"), SIREN_OK);
  assert_int_equal(siren_rotation_count(e), 0);
  /* Windows. */
  assert_int_equal(make_rot(e, &(rot_spec){"w", "UTC", "2026-01-05T09:00", ABC, 2,
                                            SIREN_RECUR_DAILY, 1, 1, &h, 1, NULL, 0, 0}),
                   SIREN_OK);
  size_t n;
  assert_int_equal(siren_rotation_shifts(S, MAXS, &n, e, "w", 10, 10), SIREN_EINVAL);
  assert_int_equal(siren_rotation_shifts(S, MAXS, &n, e, "w", 0, INT64_MAX), SIREN_EINVAL);
  drop(e);
}

/* -------------------------------------------------------------- schedules */

/* alice, bob, carol personal; "day" rotation alice->bob daily 09:00 UTC with
 * coverage 09:00-17:00 every day; schedule "oncall" of it; escalation
 * "esc": stage 1 the schedule (essential), stage 2 carol. */
static siren_engine *schedule_world(uint32_t sched_flags) {
  siren_engine *e = engine_at("2026-01-05T08:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 9, 0);
  siren_coverage c[7];
  for (uint32_t d = 0; d < 7; d++) c[d] = cv(SIREN_MON + d, 9, 0, 17, 0);
  rot_spec s = {"day", "UTC", "2026-01-05T09:00", ABC, 2, SIREN_RECUR_DAILY, 1, 1, &h, 1, c, 7, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "oncall", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), SIREN_OK);
  const char *rots[] = {"day"};
  assert_int_equal(siren_schedule_set(e, "oncall", rots, 1, sched_flags), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "esc", NULL, SIREN_CONTACT_ESCALATION), SIREN_OK);
  siren_target t1 = SIREN_TARGET_INIT, t2 = SIREN_TARGET_INIT;
  t1.contact = "oncall";
  t1.essential = 1;
  t2.contact = "carol";
  t2.essential = 1;
  siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  st[0].duration_minutes = 10;
  st[0].target_count = 1;
  st[0].targets = &t1;
  st[1].duration_minutes = 10;
  st[1].target_count = 1;
  st[1].targets = &t2;
  siren_plan p = SIREN_PLAN_INIT;
  p.stage_count = 2;
  p.stages = st;
  assert_int_equal(siren_contact_set_plan(e, "esc", &p), SIREN_OK);
  return e;
}

static siren_id engage(siren_engine *e, const char *contact) {
  siren_engagement_params ep = SIREN_ENGAGEMENT_PARAMS_INIT;
  ep.contact = contact;
  ep.sender = "monitor";
  ep.subject = "disk full";
  ep.content = "disk full on db-1";
  siren_id id = 0;
  assert_int_equal(siren_engagement_start(&id, e, &ep), SIREN_OK);
  return id;
}

static void escalation_through_schedule(void **state) {
  (void)state;
  siren_engine *e = schedule_world(0);
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  assert_int_equal(siren_contact_get(&ci, e, "oncall"), SIREN_OK);
  assert_int_equal(ci.type, SIREN_CONTACT_ONCALL_SCHEDULE);
  assert_int_equal(ci.rotation_count, 1);
  assert_string_equal(siren_schedule_rotation_at(e, "oncall", 0), "day");
  /* Tuesday 10:00: bob's shift. */
  th.now = utc("2026-01-06T10:00");
  engage(e, "esc");
  int p = th_last_page(&th, "bob", NULL);
  assert_true(p >= 0);
  assert_int_equal(th_last_page(&th, "alice", NULL), -1);
  int r = th_find_event(&th, SIREN_EVENT_SCHEDULE_RESOLVED, 0);
  assert_true(r >= 0);
  assert_non_null(strstr(th.ev_lines[r], ":bob:"));
  assert_non_null(strstr(th.ev_lines[r], ":day:oncall:"));
  siren_resolution res = SIREN_RESOLUTION_INIT;
  assert_int_equal(siren_page_resolution(&res, e, th.notices[p].page), SIREN_OK);
  assert_string_equal(res.schedule, "oncall");
  assert_string_equal(res.rotation, "day");
  assert_string_equal(res.contact, "bob");
  /* The shift as listed: coverage ends it at 17:00. */
  assert_int_equal(res.shift_start, utc("2026-01-06T09:00"));
  assert_int_equal(res.shift_end, utc("2026-01-06T17:00"));
  const char *rot_name = res.rotation;
  /* bob accepts: the essential schedule stops the plan; carol is never paged. */
  assert_int_equal(siren_page_accept(e, th.notices[p].page, SIREN_ACCEPT_READ, th.notices[p].code,
                                     SIREN_ACCEPT_ENFORCE, NULL),
                   SIREN_OK);
  th.now = utc("2026-01-06T11:00");
  th_run_until(&th, e, (double)(th.now - TH_T0) / 60000.0);
  assert_int_equal(th_last_page(&th, "carol", NULL), -1);
  siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&ei, e, 1), SIREN_OK);
  assert_int_equal(ei.acknowledged, 1);
  /* A page not reached through a schedule has an empty resolution. */
  th.now = utc("2026-01-06T12:00");
  engage(e, "carol");
  p = th_last_page(&th, "carol", NULL);
  assert_int_equal(siren_page_resolution(&res, e, th.notices[p].page), SIREN_OK);
  assert_string_equal(res.schedule, "");
  assert_int_equal(siren_page_resolution(&res, e, 9999), SIREN_ENOTFOUND);
  /* Through an override: the resolution is the override's piece. An update
   * of the rotation keeps the name pointers callers hold. */
  const char *carol[] = {"carol"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "day";
  o.mode = SIREN_OVERRIDE_ADD;
  o.contact_count = 1;
  o.contacts = carol;
  o.start = utc("2026-01-07T10:00");
  o.end = utc("2026-01-07T12:00");
  siren_id oid = 0;
  assert_int_equal(siren_override_create(&oid, e, &o), SIREN_OK);
  siren_override og = SIREN_OVERRIDE_INIT;
  assert_int_equal(siren_override_get(&og, e, "day", oid), SIREN_OK);
  th.now = utc("2026-01-07T11:00");
  engage(e, "oncall");
  p = th_last_page(&th, "carol", NULL);
  assert_true(p >= 0);
  assert_int_equal(siren_page_resolution(&res, e, th.notices[p].page), SIREN_OK);
  assert_int_equal(res.shift_start, utc("2026-01-07T10:00"));
  assert_int_equal(res.shift_end, utc("2026-01-07T12:00"));
  siren_rotation again;
  siren_rotation_init(&again, SIREN_ROTATION_VERSION);
  assert_int_equal(siren_rotation_get(&again, e, "day"), SIREN_OK);
  siren_handoff h10 = ho(0, 10, 0);
  again.handoffs = &h10;
  assert_int_equal(siren_rotation_update(e, &again), SIREN_OK);
  assert_string_equal(rot_name, "day");
  assert_string_equal(og.rotation, "day");
  drop(e);
}

static void nobody_on_call_skips_or_holds(void **state) {
  (void)state;
  /* 20:00: outside coverage. Skipped: stage 2 (carol) at +10 min. */
  siren_engine *e = schedule_world(0);
  th.now = utc("2026-01-06T20:00");
  engage(e, "esc");
  int n = th_find_event(&th, SIREN_EVENT_SCHEDULE_NOBODY, 0);
  assert_true(n >= 0);
  assert_non_null(strstr(th.ev_lines[n], "skipped"));
  assert_int_equal(th_last_page(&th, "alice", NULL), -1);
  assert_int_equal(th_last_page(&th, "bob", NULL), -1);
  th_run_until(&th, e, (double)(utc("2026-01-06T20:10") - TH_T0) / 60000.0);
  int c = th_last_page(&th, "carol", NULL);
  assert_true(c >= 0);
  assert_int_equal(th.notices[c].time, utc("2026-01-06T20:10"));
  drop(e);

  /* Held: whoever comes on call first (alice, Wednesday 09:00) is paged
   * then, as long as the engagement is still active; carol's stage moved on
   * meanwhile. A contact with a long plan keeps it active. */
  e = schedule_world(SIREN_SCHEDULE_HOLD);
  th.now = utc("2026-01-06T20:00");
  siren_id id = engage(e, "esc");
  (void)id;
  n = th_find_event(&th, SIREN_EVENT_SCHEDULE_NOBODY, 0);
  assert_true(n >= 0);
  assert_non_null(strstr(th.ev_lines[n], "held"));
  th_run_until(&th, e, (double)(utc("2026-01-07T10:00") - TH_T0) / 60000.0);
  int a = th_last_page(&th, "alice", NULL);
  assert_true(a >= 0);
  assert_int_equal(th.notices[a].time, utc("2026-01-07T09:00"));
  siren_resolution res = SIREN_RESOLUTION_INIT;
  assert_int_equal(siren_page_resolution(&res, e, th.notices[a].page), SIREN_OK);
  assert_string_equal(res.rotation, "day");
  assert_int_equal(res.resolved, utc("2026-01-07T09:00"));
  drop(e);
}

/* An incident whose response plan engages the schedule when nobody is on
 * call: the timeline says so. */
static void nobody_goes_on_the_incident_timeline(void **state) {
  (void)state;
  siren_engine *e = schedule_world(0);
  siren_response_plan p;
  siren_response_plan_init(&p, SIREN_RESPONSE_PLAN_VERSION);
  static const char *const eng[] = {"oncall"};
  p.name = "DiskFull";
  p.title = "Disk full";
  p.impact = 3;
  p.engagement_count = 1;
  p.engagements = eng;
  assert_int_equal(siren_response_plan_create(e, &p), SIREN_OK);
  th.now = utc("2026-01-06T20:00");
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "DiskFull";
  ip.trigger_source = "test";
  siren_id inc = 0;
  assert_int_equal(siren_incident_start(&inc, NULL, e, &ip), SIREN_OK);
  const char *type = "schedule.nobody";
  siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
  f.event_type_count = 1;
  f.event_types = &type;
  siren_id id = 0;
  size_t n = 0;
  assert_int_equal(siren_timeline_events(&id, 1, &n, e, inc, &f), SIREN_OK);
  assert_int_equal(n, 1);
  siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
  assert_int_equal(siren_timeline_event_get(&ev, e, inc, id), SIREN_OK);
  assert_string_equal(ev.event_data, "{\"schedule\":\"oncall\",\"skipped\":true}");
  assert_int_equal(ev.event_time, utc("2026-01-06T20:00"));
  /* Inside coverage the schedule resolves: alice (Wednesday) is paged for it. */
  th.now = utc("2026-01-07T10:00");
  ip.trigger_arn = "arn:second";
  assert_int_equal(siren_incident_start(&inc, NULL, e, &ip), SIREN_OK);
  int a = th_last_page(&th, "alice", NULL);
  assert_true(a >= 0);
  assert_int_equal(th.notices[a].incident, inc);
  drop(e);
}

/* A rotation that has not started: nobody on call (and no endless search
 * back through coverage edges); an ADD override still puts someone on. */
static void before_the_rotation_starts(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-05T08:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 9, 0);
  siren_coverage c = cv(SIREN_TUE, 9, 0, 17, 0);
  rot_spec s = {"later", "UTC", "2026-02-02T09:00", ABC, 2, SIREN_RECUR_DAILY, 1, 1, &h, 1, &c, 1, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "sch", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), SIREN_OK);
  const char *rots[] = {"later"};
  assert_int_equal(siren_schedule_set(e, "sch", rots, 1, 0), SIREN_OK);
  th.now = utc("2026-01-06T10:30");
  engage(e, "sch");
  assert_true(th_find_event(&th, SIREN_EVENT_SCHEDULE_NOBODY, 0) >= 0);
  const char *carol[] = {"carol"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "later";
  o.mode = SIREN_OVERRIDE_ADD;
  o.contact_count = 1;
  o.contacts = carol;
  o.start = utc("2026-01-06T10:00");
  o.end = utc("2026-01-06T12:00");
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
  th.now = utc("2026-01-06T11:00");
  engage(e, "sch");
  int p = th_last_page(&th, "carol", NULL);
  assert_true(p >= 0);
  siren_resolution res = SIREN_RESOLUTION_INIT;
  assert_int_equal(siren_page_resolution(&res, e, th.notices[p].page), SIREN_OK);
  assert_int_equal(res.shift_start, utc("2026-01-06T10:00"));
  assert_int_equal(res.shift_end, utc("2026-01-06T12:00"));
  shifts(e, "later", "2026-01-01T00:00", "2026-02-04T00:00");
  assert_int_equal(NS, 2); /* the override, then Tuesday 3 February 09-17 */
  assert_int_equal(S[0].type, SIREN_SHIFT_OVERRIDDEN);
  assert_int_equal(S[1].start, utc("2026-02-03T09:00"));
  assert_string_equal(who(1), "bob");
  drop(e);
}

static void shift_events_and_notices(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-05T00:00");
  people(e, ABC, 2);
  siren_handoff h = ho(0, 9, 0);
  rot_spec s = {"n", "UTC", "2026-01-05T09:00", ABC, 2, SIREN_RECUR_DAILY, 1, 1, &h, 1, NULL, 0, 30};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  th_run_until(&th, e, (double)(utc("2026-01-06T12:00") - TH_T0) / 60000.0);
  /* Notices: alice "starting" at 08:30, "started" at 09:00; bob the same a
   * day later. Events: shift.started at each hand-off. */
  size_t k = 0;
  const char *expect[][3] = {{"alice", "starting", "2026-01-05T08:30"},
                             {"alice", "started", "2026-01-05T09:00"},
                             {"bob", "starting", "2026-01-06T08:30"},
                             {"bob", "started", "2026-01-06T09:00"}};
  for (size_t i = 0; i < th.notice_count; i++) {
    const th_notice *x = &th.notices[i];
    if (x->kind != SIREN_NOTIFY_SHIFT) continue;
    assert_true(k < 4);
    assert_string_equal(x->contact, expect[k][0]);
    assert_string_equal(x->message, expect[k][1]);
    assert_int_equal(x->time, utc(expect[k][2]));
    assert_string_equal(x->rotation, "n");
    k++;
  }
  assert_int_equal(k, 4);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_SHIFT_STARTED), 2);
  int ev = th_find_event(&th, SIREN_EVENT_SHIFT_STARTED, 0);
  assert_non_null(strstr(th.ev_lines[ev], "REGULAR:alice"));
  /* A change that takes effect at once is announced at once: an override in
   * force from now, then its deletion while in force. */
  const char *alice[] = {"alice"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "n";
  o.contact_count = 1;
  o.contacts = alice;
  o.start = th.now - H;
  o.end = th.now + 3 * H;
  siren_id id = 0;
  size_t before = th.ev_count;
  assert_int_equal(siren_override_create(&id, e, &o), SIREN_OK);
  int at = th_find_event(&th, SIREN_EVENT_SHIFT_STARTED, before);
  assert_true(at >= 0);
  assert_int_equal(th.ev_times[at], th.now);
  assert_non_null(strstr(th.ev_lines[at], "OVERRIDDEN:alice"));
  assert_int_equal(th.notices[th.notice_count - 1].kind, SIREN_NOTIFY_SHIFT);
  assert_string_equal(th.notices[th.notice_count - 1].contact, "alice");
  th.now += H;
  before = th.ev_count;
  assert_int_equal(siren_override_delete(e, "n", id), SIREN_OK);
  at = th_find_event(&th, SIREN_EVENT_SHIFT_STARTED, before);
  assert_true(at >= 0);
  assert_non_null(strstr(th.ev_lines[at], "REGULAR:bob"));
  drop(e);
}

static void follow_the_sun(void **state) {
  (void)state;
  NEED_ZONES();
  siren_engine *e = engine_at("2026-06-01T00:00");
  const char *who3[] = {"tokyo", "london", "la"};
  people(e, who3, 3);
  const char *zones[] = {"Asia/Tokyo", "Europe/London", "America/Los_Angeles"};
  siren_handoff h = ho(SIREN_MON, 9, 0);
  siren_coverage c[7];
  for (uint32_t d = 0; d < 7; d++) c[d] = cv(SIREN_MON + d, 9, 0, 17, 0);
  for (int i = 0; i < 3; i++) {
    rot_spec s = {who3[i], zones[i], "2026-05-01T00:00", &who3[i], 1, SIREN_RECUR_WEEKLY, 1, 1, &h,
                  1, c, 7, 0};
    assert_int_equal(make_rot(e, &s), SIREN_OK);
  }
  assert_int_equal(siren_contact_create(e, "sun", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), SIREN_OK);
  assert_int_equal(siren_schedule_set(e, "sun", who3, 3, 0), SIREN_OK);
  /* Tokyo 09-17 = 00-08Z; London (BST) 09-17 = 08-16Z; LA (PDT) 09-17 =
   * 16-24Z: the day is covered end to end. */
  const char *out[4];
  size_t n;
  struct {
    const char *at, *expect;
  } probes[] = {{"2026-06-03T03:00", "tokyo"}, {"2026-06-03T12:00", "london"},
                {"2026-06-03T20:00", "la"}, {"2026-06-03T08:00", "london"}};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(siren_oncall(out, 4, &n, e, "sun", utc(probes[i].at)), SIREN_OK);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], probes[i].expect);
  }
  siren_gap g[16];
  assert_int_equal(siren_schedule_gaps(g, 16, &n, e, "sun", utc("2026-06-01T00:00"),
                                       utc("2026-06-08T00:00")), SIREN_OK);
  assert_int_equal(n, 0);
  /* In winter London is on GMT (09-17 = 09-17Z) and LA on PST (17-01Z):
   * 08:00-09:00Z is uncovered every day. */
  assert_int_equal(siren_schedule_gaps(g, 16, &n, e, "sun", utc("2026-12-07T00:00"),
                                       utc("2026-12-09T00:00")), SIREN_OK);
  assert_int_equal(n, 2);
  assert_int_equal(g[0].type, SIREN_GAP_NOBODY);
  assert_int_equal(g[0].start, utc("2026-12-07T08:00"));
  assert_int_equal(g[0].end, utc("2026-12-07T09:00"));
  assert_int_equal(g[1].start, utc("2026-12-08T08:00"));
  drop(e);
}

static void gaps_nobody_and_short(void **state) {
  (void)state;
  siren_engine *e = engine_at("2026-01-05T00:00");
  people(e, ABC, 3);
  siren_handoff h = ho(0, 0, 0);
  rot_spec s = {"pair", "UTC", "2026-01-05T00:00", ABC, 3, SIREN_RECUR_DAILY, 1, 2, &h, 1, NULL, 0, 0};
  assert_int_equal(make_rot(e, &s), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "sch", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), SIREN_OK);
  const char *rots[] = {"pair"};
  assert_int_equal(siren_schedule_set(e, "sch", rots, 1, 0), SIREN_OK);
  /* Day 1: alice+bob. Remove bob 10-12 (SHORT, 1 on call); replace with
   * nobody 14-15 (NOBODY). */
  const char *bob[] = {"bob"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "pair";
  o.mode = SIREN_OVERRIDE_REMOVE;
  o.contact_count = 1;
  o.contacts = bob;
  o.start = utc("2026-01-05T10:00");
  o.end = utc("2026-01-05T12:00");
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
  o.mode = SIREN_OVERRIDE_REPLACE;
  o.contact_count = 0;
  o.contacts = NULL;
  o.start = utc("2026-01-05T14:00");
  o.end = utc("2026-01-05T15:00");
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
  siren_gap g[8];
  size_t n;
  assert_int_equal(siren_schedule_gaps(g, 8, &n, e, "sch", utc("2026-01-04T22:00"),
                                       utc("2026-01-06T00:00")), SIREN_OK);
  assert_int_equal(n, 3);
  assert_int_equal(g[0].type, SIREN_GAP_NOBODY); /* before the rotation starts */
  assert_int_equal(g[0].end, utc("2026-01-05T00:00"));
  assert_int_equal(g[1].type, SIREN_GAP_SHORT);
  assert_int_equal(g[1].on_call, 1);
  assert_int_equal(g[1].start, utc("2026-01-05T10:00"));
  assert_int_equal(g[1].end, utc("2026-01-05T12:00"));
  assert_int_equal(g[2].type, SIREN_GAP_NOBODY);
  assert_int_equal(g[2].start, utc("2026-01-05T14:00"));
  const char *out[4];
  assert_int_equal(siren_oncall(out, 4, &n, e, "pair", utc("2026-01-05T11:00")), SIREN_OK);
  assert_int_equal(n, 1);
  assert_string_equal(out[0], "alice");
  /* A rotation that lists a contact twice can hold fewer than on_calls. */
  const char *twice[] = {"carol", "carol"};
  rot_spec s2 = {"twice", "UTC", "2026-01-05T00:00", twice, 2, SIREN_RECUR_DAILY, 1, 2, &h, 1,
                 NULL, 0, 0};
  assert_int_equal(make_rot(e, &s2), SIREN_OK);
  assert_int_equal(siren_contact_create(e, "sch2", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), SIREN_OK);
  const char *rots2[] = {"twice"};
  assert_int_equal(siren_schedule_set(e, "sch2", rots2, 1, 0), SIREN_OK);
  assert_int_equal(siren_schedule_gaps(g, 8, &n, e, "sch2", utc("2026-01-05T00:00"),
                                       utc("2026-01-06T00:00")), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(g[0].type, SIREN_GAP_SHORT);
  assert_int_equal(g[0].on_call, 1);
  assert_int_equal(g[0].end - g[0].start, DAY);
  /* A schedule can be emptied on purpose, and refilled. */
  assert_int_equal(siren_schedule_set(e, "sch2", NULL, 0, 0), SIREN_OK);
  assert_null(siren_schedule_rotation_at(e, "sch2", 0));
  assert_int_equal(siren_schedule_gaps(g, 8, &n, e, "sch2", utc("2026-01-05T00:00"),
                                       utc("2026-01-06T00:00")), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(g[0].type, SIREN_GAP_NOBODY);
  const char *nine[9] = {"twice", "twice", "twice", "twice", "twice", "twice", "twice", "twice",
                         "twice"};
  assert_int_equal(siren_schedule_set(e, "sch2", nine, 9, 0), SIREN_EINVAL);
  assert_int_equal(siren_schedule_set(e, "sch2", nine, 2, 0), SIREN_EINVAL); /* twice */
  assert_int_equal(siren_schedule_set(e, "sch2", nine, 1, 0), SIREN_OK);
  assert_string_equal(siren_schedule_rotation_at(e, "sch2", 0), "twice");
  /* Deleting the rotation empties the schedule: nobody all along. */
  assert_int_equal(siren_rotation_delete(e, "pair"), SIREN_OK);
  assert_null(siren_schedule_rotation_at(e, "sch", 0));
  assert_int_equal(siren_schedule_gaps(g, 8, &n, e, "sch", utc("2026-01-05T00:00"),
                                       utc("2026-01-06T00:00")), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(g[0].type, SIREN_GAP_NOBODY);
  drop(e);
}

static void replay_reproduces_rotations(void **state) {
  (void)state;
  siren_engine *e = schedule_world(SIREN_SCHEDULE_HOLD);
  const char *carol[] = {"carol"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "day";
  o.mode = SIREN_OVERRIDE_ADD;
  o.contact_count = 1;
  o.contacts = carol;
  o.start = utc("2026-01-06T12:00");
  o.end = utc("2026-01-06T13:00");
  assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
  th.now = utc("2026-01-06T20:00");
  engage(e, "esc");
  th_run_until(&th, e, (double)(utc("2026-01-07T10:00") - TH_T0) / 60000.0);
  shifts(e, "day", "2026-01-05T00:00", "2026-01-09T00:00");
  size_t ns = NS;
  int64_t ends[MAXS];
  for (size_t i = 0; i < ns; i++) ends[i] = S[i].end;
  /* Keep the records so far, then let the original run two more days. */
  size_t len = th.records_len;
  uint8_t *copy = malloc(len);
  memcpy(copy, th.records, len);
  int64_t cut = th.now;
  size_t from = th.ev_count;
  th_run_until(&th, e, (double)(utc("2026-01-09T12:00") - TH_T0) / 60000.0);
  size_t n1 = th.ev_count - from;
  assert_true(n1 >= 4); /* shift.started at each hand-off and coverage edge */
  static char lines[64][160];
  assert_true(n1 <= 64);
  for (size_t i = 0; i < n1; i++) snprintf(lines[i], sizeof lines[i], "%s", th.ev_lines[from + i]);
  siren_engine_free(e);
  free(th.records);
  th.records = NULL;
  th.records_len = th.records_cap = 0;
  /* Reopen from the kept records at the cut: the same shifts, and the next
   * two days give the same events. */
  th.now = cut;
  th.ev_count = 0;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *r = NULL;
  int orc = th_open(&th, copy, len, 1, &rep, &r);
  if (orc != SIREN_OK) fail_msg("open: %d after %llu records: %s", orc, (unsigned long long)rep.records, r ? siren_errmsg(r) : "(no engine)");
  shifts(r, "day", "2026-01-05T00:00", "2026-01-09T00:00");
  assert_int_equal(NS, ns);
  for (size_t i = 0; i < ns; i++) assert_int_equal(S[i].end, ends[i]);
  assert_int_equal(th.ev_count, 0); /* replay is silent */
  /* Snapshot format 1 cannot hold rotations: refused, nothing written. */
  size_t before = th.record_count;
  assert_int_equal(siren_engine_snapshot(r), SIREN_ESTATE);
  assert_int_equal(th.record_count, before);
  th_run_until(&th, r, (double)(utc("2026-01-09T12:00") - TH_T0) / 60000.0);
  assert_int_equal(th.ev_count, n1);
  for (size_t i = 0; i < n1; i++) assert_string_equal(th.ev_lines[i], lines[i]);
  siren_engine_free(r);
  free(copy);
  free(th.records);
  th.records = NULL;
}

/* Every allocation of a rotation scenario fails in turn: each call gives
 * SIREN_ENOMEM or succeeds; a failed call is made again once allocations
 * work, and the end state (shifts, events) is the one a clean run reaches. */
typedef int (*step_fn)(siren_engine *e);
static int st_people(siren_engine *e) {
  int rc = SIREN_OK;
  for (int i = 0; i < 3 && rc == SIREN_OK; i++) {
    siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
    if (siren_contact_get(&ci, e, ABC[i]) == SIREN_OK) continue;
    rc = siren_contact_create(e, ABC[i], NULL, SIREN_CONTACT_PERSONAL);
  }
  return rc;
}
static int st_rot(siren_engine *e) {
  siren_handoff h = ho(0, 9, 0);
  siren_coverage c = cv(SIREN_TUE, 9, 0, 17, 0);
  rot_spec s = {"am", "America/New_York", "2026-01-05T14:00", ABC, 3, SIREN_RECUR_DAILY, 1, 1, &h,
                1, &c, 1, 15};
  return make_rot(e, &s);
}
static int st_ovr(siren_engine *e) {
  const char *c1[] = {"carol", "alice"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "am";
  o.mode = SIREN_OVERRIDE_ADD;
  o.contact_count = 2;
  o.contacts = c1;
  o.start = utc("2026-01-06T15:00");
  o.end = utc("2026-01-06T16:00");
  return siren_override_create(NULL, e, &o);
}
static int st_sched(siren_engine *e) {
  siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
  int rc = SIREN_OK;
  if (siren_contact_get(&ci, e, "oc") != SIREN_OK)
    rc = siren_contact_create(e, "oc", NULL, SIREN_CONTACT_ONCALL_SCHEDULE);
  const char *rots[] = {"am"};
  return rc ? rc : siren_schedule_set(e, "oc", rots, 1, SIREN_SCHEDULE_HOLD);
}
static int st_engage(siren_engine *e) {
  siren_engagement_params ep = SIREN_ENGAGEMENT_PARAMS_INIT;
  ep.contact = "oc";
  ep.sender = "m";
  ep.subject = "s";
  ep.content = "c";
  ep.idempotency_token = "once";
  siren_id id = 0;
  return siren_engagement_start(&id, e, &ep);
}
static int st_update(siren_engine *e) {
  siren_handoff h = ho(0, 10, 0);
  siren_coverage c = cv(SIREN_TUE, 9, 0, 17, 0);
  rot_spec s = {"am", "America/New_York", "2026-01-05T14:00", ABC, 3, SIREN_RECUR_DAILY, 1, 2, &h,
                1, &c, 1, 15};
  siren_rotation r = rot_of(&s);
  return siren_rotation_update(e, &r);
}

static void run_alloc_scenario(long fail_at, char *out, size_t cap) {
  memset(&th, 0, sizeof th);
  th.now = utc("2026-01-06T13:00");
  siren_engine *e = NULL;
  siren_host host;
  th_setup(&th, &host, 1, 1);
  assert_int_equal(siren_engine_new(&e, &host, NULL, &th), SIREN_OK);
  th.engine = e;
  step_fn steps[] = {st_people, st_rot, st_ovr, st_sched, st_engage, st_update};
  int failed = 0;
  th.fail_alloc_at = fail_at ? th.alloc_count + fail_at : 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    if (i == 4) {
      th.now = utc("2026-01-06T20:00"); /* outside coverage: held */
    }
    int rc = steps[i](e);
    if (rc == SIREN_ENOMEM) {
      failed = 1;
      th.fail_alloc_at = 0;
      rc = steps[i](e);
    }
    if (rc != SIREN_OK) fail_msg("k=%ld step %zu: %d %s", fail_at, i, rc, siren_errmsg(e));
  }
  th.fail_alloc_at = 0;
  th_run_until(&th, e, (double)(utc("2026-01-08T00:00") - TH_T0) / 60000.0);
  size_t n = 0, o = 0;
  assert_int_equal(siren_rotation_shifts(S, MAXS, &n, e, "am", utc("2026-01-05T00:00"),
                                         utc("2026-01-12T00:00")), SIREN_OK);
  NS = n;
  for (size_t i = 0; i < n && o < cap; i++)
    o += (size_t)snprintf(out + o, cap - o, "%lld-%lld:%s;", (long long)S[i].start,
                          (long long)S[i].end, who(i));
  /* Events after the last step (the held engagement, the shifts). */
  int p = th_last_page(&th, "bob", NULL);
  o += (size_t)snprintf(out + o, cap - o, "page:%lld", p >= 0 ? (long long)th.notices[p].time : -1LL);
  (void)failed;
  siren_engine_free(e);
  assert_int_equal(th.live_allocs, 0);
  free(th.records);
  th.records = NULL;
}

static void allocation_failures(void **state) {
  (void)state;
  NEED_ZONES();
  static char ref[8192], got[8192];
  run_alloc_scenario(0, ref, sizeof ref);
  assert_non_null(strstr(ref, "page:"));
  long k = 1;
  for (;; k++) {
    run_alloc_scenario(k, got, sizeof got);
    if (strcmp(ref, got) != 0) fail_msg("k=%ld:\n%s\n!=\n%s", k, got, ref);
    if (th.alloc_count < k) break; /* no allocation failed: every k was tried */
  }
  print_message("allocation failure: %ld runs\n", k);
  assert_true(k > 20); /* the loop went through the scenario's allocations */
}

/* ----------------------------------------------------------- properties */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

/* Local wall clock of t in zone (C library). */
static void local_of(const char *zone, int64_t t_ms, struct tm *out) {
  time_t t = (time_t)(t_ms / 1000);
  localtime_r(&t, out);
  (void)zone;
}

static void property_shifts_agree_with_libc(void **state) {
  (void)state;
  NEED_ZONES();
  const char *zones[] = {"America/New_York", "Europe/London", "Australia/Lord_Howe",
                         "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham",
                         "Europe/Dublin", "America/St_Johns", "Asia/Tehran", "UTC"};
  const char *five[] = {"p1", "p2", "p3", "p4", "p5"};
  size_t checked = 0;
  /* SIREN_TESTS_QUICK (CI's valgrind pass): fewer rounds. */
  int rounds = getenv("SIREN_TESTS_QUICK") ? 12 : 60;
  for (int round = 0; round < rounds; round++) {
    siren_engine *e = engine_at("2000-01-01T00:00");
    people(e, five, 5);
    const char *zone = zones[rnd(10)];
    siren_handoff h[3];
    siren_recurrence rec = (siren_recurrence)(1 + rnd(3));
    size_t nh = 1 + rnd(3);
    for (size_t i = 0; i < nh; i++) {
      uint32_t day = rec == SIREN_RECUR_WEEKLY ? 1 + rnd(7) : rec == SIREN_RECUR_MONTHLY ? 1 + rnd(31) : 0;
      uint32_t hh = rnd(24), mm = rnd(4) * 15;
      h[i] = ho(day, hh, mm);
      for (size_t j = 0; j < i; j++)
        if (h[j].day == h[i].day && h[j].minute == h[i].minute) h[i].minute = (h[i].minute + 7) % 1440;
    }
    int year = 1975 + (int)rnd(60);
    char start[32];
    /* (Each draw its own statement: argument order is unspecified in C.) */
    uint32_t mo = 1 + rnd(12), dd = 1 + rnd(28), hr = rnd(24);
    snprintf(start, sizeof start, "%04d-%02u-%02uT%02u:00", year, mo, dd, hr);
    size_t ncontacts = 2 + rnd(4);
    uint32_t mult = 1 + rnd(3);
    rot_spec s = {"p", zone, start, five, ncontacts, rec, mult, 1, h, nh, NULL, 0, 0};
    s.on_calls = 1 + rnd((uint32_t)s.ncontacts);
    /* Every other round: coverage windows and overrides too. */
    int plain = round % 2 == 0;
    siren_coverage c[4];
    if (!plain) {
      s.ncov = 1 + rnd(4);
      for (size_t i = 0; i < s.ncov; i++) {
        uint32_t d = 1 + rnd(7), h0 = rnd(24), m0 = rnd(2) * 30, h1 = rnd(24), m1 = rnd(2) * 30;
        c[i] = cv(d, h0, m0, h1, m1);
      }
      s.cov = c;
    }
    assert_int_equal(make_rot(e, &s), SIREN_OK);
    int64_t from = utc(start) + (int64_t)rnd(400) * DAY, to = from + 120 * DAY;
    for (int k = 0; !plain && k < 3; k++) {
      siren_override o = SIREN_OVERRIDE_INIT;
      o.rotation = "p";
      o.mode = (siren_override_mode)rnd(3);
      o.contact_count = rnd(3);
      o.contacts = five; /* p1 and p2: members of every round's rotation */
      o.start = from + (int64_t)rnd(100 * 24) * H;
      o.end = o.start + (int64_t)(1 + rnd(72)) * H;
      assert_int_equal(siren_override_create(NULL, e, &o), SIREN_OK);
    }
    assert_int_equal(siren_rotation_shifts(S, MAXS, &NS, e, "p", from, to), SIREN_OK);
    assert_true(NS > 0 && NS <= MAXS);
    /* Shift contact names are valid only until the next call: keep them. */
    static char kept[MAXS][160];
    for (size_t i = 0; i < NS; i++) snprintf(kept[i], sizeof kept[i], "%s", who(i));
    char tzenv[64];
    snprintf(tzenv, sizeof tzenv, ":%s", zone);
    setenv("TZ", tzenv, 1);
    tzset();
    for (size_t i = 0; i < NS; i++) {
      /* Contiguous (no coverage, no overrides), and each boundary is a
       * hand-off: its local time is a setting's time, or the end of a gap
       * that swallowed one (then the minute before it is not that time). */
      const char *o1[16];
      size_t n1;
      if (i && S[i].start != S[i - 1].end) { /* between shifts nobody is on call */
        assert_false(plain);
        assert_int_equal(siren_oncall(o1, 16, &n1, e, "p", S[i - 1].end), SIREN_OK);
        assert_int_equal(n1, 0);
        assert_int_equal(siren_oncall(o1, 16, &n1, e, "p", S[i].start - 1), SIREN_OK);
        assert_int_equal(n1, 0);
      }
      int64_t probes[3] = {S[i].start, S[i].start + (S[i].end - S[i].start) / 2, S[i].end - 1};
      for (int q = 0; q < 3; q++) {
        assert_int_equal(siren_oncall(o1, 16, &n1, e, "p", probes[q]), SIREN_OK);
        char got[160];
        size_t o = 0;
        got[0] = '\0';
        for (size_t k = 0; k < n1 && k < 16; k++)
          o += (size_t)snprintf(got + o, sizeof got - o, "%s%s", k ? "," : "", o1[k]);
        if (strcmp(got, kept[i]) != 0)
          fail_msg("round %d %s: shift %zu [%lld,%lld) '%s' but on call at %lld: '%s'", round,
                   zone, i, (long long)S[i].start, (long long)S[i].end, kept[i],
                   (long long)probes[q], got);
      }
      if (!plain) continue;
      if (i) assert_int_equal(S[i].start, S[i - 1].end);
      if (i + 1 < NS) {
        struct tm lt;
        local_of(zone, S[i].end, &lt);
        uint32_t minute = (uint32_t)(lt.tm_hour * 60 + lt.tm_min);
        int ok = 0;
        for (size_t k = 0; k < nh; k++) {
          int day_ok = rec == SIREN_RECUR_DAILY ||
                       (rec == SIREN_RECUR_WEEKLY && (uint32_t)(lt.tm_wday == 0 ? 7 : lt.tm_wday) == h[k].day);
          if (rec == SIREN_RECUR_MONTHLY) {
            static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int y = lt.tm_year + 1900, mdays = md[lt.tm_mon] +
                (lt.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
            day_ok = (int)(h[k].day < (uint32_t)mdays ? h[k].day : (uint32_t)mdays) == lt.tm_mday;
          }
          if (day_ok && h[k].minute == minute) ok = 1;
        }
        if (!ok) {
          /* A moved hand-off: the offset changed at this very instant. */
          struct tm before;
          local_of(zone, S[i].end - 1000, &before);
          ok = before.tm_gmtoff != lt.tm_gmtoff;
        }
        if (!ok)
          fail_msg("%s %s rec %d: boundary %lld at local %02d:%02d wday %d mday %d matches no hand-off",
                   zone, start, rec, (long long)S[i].end, lt.tm_hour, lt.tm_min, lt.tm_wday, lt.tm_mday);
        checked++;
      }
      /* Who: consecutive shifts follow the order, on_calls at a time. */
      uint32_t first = (uint32_t)((uint64_t)S[i].index * s.on_calls % s.ncontacts);
      assert_memory_equal(kept[i], five[first], strlen(five[first]));
    }
    drop(e);
  }
  unsetenv("TZ");
  tzset();
  print_message("property: %zu hand-off boundaries checked against the C library\n", checked);
  assert_true(checked > (size_t)rounds * 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(daily_across_spring_forward),
      cmocka_unit_test(weekly_two_oncall),
      cmocka_unit_test(monthly_31st),
      cmocka_unit_test(daily_multiplier_and_start_between_points),
      cmocka_unit_test(dst_gap_and_overlap_rules),
      cmocka_unit_test(historic_offset_change),
      cmocka_unit_test(coverage_business_hours),
      cmocka_unit_test(overrides_split_and_merge),
      cmocka_unit_test(preview_matches_saved),
      cmocka_unit_test(definitions_are_checked),
      cmocka_unit_test(escalation_through_schedule),
      cmocka_unit_test(nobody_on_call_skips_or_holds),
      cmocka_unit_test(nobody_goes_on_the_incident_timeline),
      cmocka_unit_test(before_the_rotation_starts),
      cmocka_unit_test(shift_events_and_notices),
      cmocka_unit_test(follow_the_sun),
      cmocka_unit_test(gaps_nobody_and_short),
      cmocka_unit_test(replay_reproduces_rotations),
      cmocka_unit_test(allocation_failures),
      cmocka_unit_test(property_shifts_agree_with_libc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
