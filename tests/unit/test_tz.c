/*
 * Tests of src/tz.c (TZif reader, conversions) and src/util/civil.c.
 *
 *  - civil: fixed dates, and every day of 1600..2400 against gmtime_r;
 *  - property tests against the C library: every zone of /usr/share/zoneinfo
 *    (skipped when the directory is absent), offsets at every transition
 *    +-1 s, at pseudo-random instants and weekly from 1970 to 2100, and
 *    local -> UTC for wall times around every transition and at random,
 *    checked against localtime_r's tm_gmtoff (all solutions of
 *    t + offset(t) == wall) and against mktime for wall times that happen
 *    once. Pass "--quick" (valgrind) to check about 30 zones;
 *  - explicit DST cases (New York, London, Lord Howe, Apia, Moscow, Dublin)
 *    with expected instants computed independently (Python's datetime);
 *  - TZif built in memory (v1 only, v2 with only a footer) and malformed
 *    bytes: every truncation of a real file, bad headers, counts, tables
 *    and footers, each EINVAL with a reason;
 *  - failing each allocation in turn: ENOMEM and no leak.
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "counting.h"
#include "siren/siren.h"
#include "tz.h"
#include "util/civil.h"

#define ZONEINFO "/usr/share/zoneinfo"
#define DAY INT64_C(86400)

static int quick;

/* Seconds since the epoch of a UTC date-time (civil.h is tested first). */
static int64_t utc(int64_t y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sr_days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + s;
}
/* A local wall time in the tz.h convention (the same arithmetic). */
#define WALL utc

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static int64_t rand_in(int64_t lo, int64_t hi) {
  return lo + (int64_t)(next_rand() % (uint64_t)(hi - lo));
}

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    unsigned char *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int zoneinfo_present(void) {
  struct stat st;
  return stat(ZONEINFO "/America/New_York", &st) == 0;
}

/* The parsed system zone, or a skip when the files are absent. */
static sr_zone *sys_zone(const char *name) {
  char path[512], why[128];
  snprintf(path, sizeof path, "%s/%s", ZONEINFO, name);
  size_t len;
  unsigned char *data = read_all(path, &len);
  if (!data) return NULL;
  sr_zone *z = NULL;
  int rc = sr_zone_parse(&sr_mem_libc, data, len, &z, why, sizeof why);
  free(data);
  if (rc != 0) fail_msg("%s: %s", name, why);
  return z;
}

/* ================================================================ civil */

static void test_civil(void **state) {
  (void)state;
  assert_int_equal(sr_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(sr_days_from_civil(1969, 12, 31), -1);
  assert_int_equal(sr_days_from_civil(2000, 3, 1), 11017);
  assert_int_equal(sr_days_from_civil(0, 3, 1), -719468);
  assert_int_equal(sr_days_from_civil(2026, 3, 8), 20520);
  assert_int_equal(sr_weekday(0), 4);                               /* Thursday */
  assert_int_equal(sr_weekday(sr_days_from_civil(2026, 3, 8)), 0);  /* Sunday */
  assert_int_equal(sr_weekday(sr_days_from_civil(1969, 12, 27)), 6); /* Saturday */
  assert_int_equal(sr_weekday(INT64_MIN), (unsigned)((INT64_MIN % 7 + 7 + 4) % 7));
  assert_true(sr_is_leap(2000) && sr_is_leap(2024) && sr_is_leap(0) && sr_is_leap(-4));
  assert_false(sr_is_leap(1900) || sr_is_leap(2100) || sr_is_leap(2023) || sr_is_leap(-1));
  assert_int_equal(sr_month_days(2024, 2), 29);
  assert_int_equal(sr_month_days(2100, 2), 28);
  assert_int_equal(sr_month_days(2026, 4), 30);
  assert_int_equal(sr_month_days(2026, 12), 31);
  assert_int_equal(sr_month_days(2026, 0), 0);
  assert_int_equal(sr_month_days(2026, 13), 0);
  int64_t y;
  unsigned m, d;
  sr_civil_from_days(-719468, &y, &m, &d);
  assert_true(y == 0 && m == 3 && d == 1);
  sr_civil_from_days(INT64_C(1) << 40, &y, &m, &d);
  assert_int_equal(sr_days_from_civil(y, m, d), INT64_C(1) << 40);
  sr_civil_from_days(-(INT64_C(1) << 40), &y, &m, &d);
  assert_int_equal(sr_days_from_civil(y, m, d), -(INT64_C(1) << 40));
  /* Every day of 1600..2400 against the C library's calendar. */
  int64_t from = sr_days_from_civil(1600, 1, 1), to = sr_days_from_civil(2400, 12, 31);
  for (int64_t z = from; z <= to; z++) {
    time_t t = (time_t)(z * DAY);
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    sr_civil_from_days(z, &y, &m, &d);
    if (y != tm.tm_year + 1900 || m != (unsigned)tm.tm_mon + 1 || d != (unsigned)tm.tm_mday ||
        sr_weekday(z) != (unsigned)tm.tm_wday)
      fail_msg("day %lld", (long long)z);
    assert_int_equal(sr_days_from_civil(y, m, d), z);
    assert_true(d <= sr_month_days(y, m));
  }
}

/* ======================================================= TZif in memory */

typedef struct ttype {
  int32_t off;
  uint8_t dst, abbr;
} ttype;

typedef struct tzb {
  uint8_t version; /* 0, '2', '3', '4' */
  size_t ntrans;
  const int64_t *trans;
  const uint8_t *idx;
  size_t ntypes;
  const ttype *types;
  const char *chars; /* NULs included */
  size_t nchars;
  size_t nleap;
  const int64_t *leap;
  const uint8_t *isstd, *isut; /* ntypes each, or NULL */
  const char *footer;          /* v2+: NULL is an empty footer */
} tzb;

static unsigned char *put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
  return p + 4;
}
static unsigned char *put64(unsigned char *p, int64_t v) {
  uint64_t u = (uint64_t)v;
  return put32(put32(p, (uint32_t)(u >> 32)), (uint32_t)u);
}

static unsigned char *header(unsigned char *p, uint8_t version, const tzb *b) {
  memcpy(p, "TZif", 4);
  p[4] = version;
  memset(p + 5, 0, 15);
  p += 20;
  p = put32(p, b->isut ? (uint32_t)b->ntypes : 0);
  p = put32(p, b->isstd ? (uint32_t)b->ntypes : 0);
  p = put32(p, (uint32_t)b->nleap);
  p = put32(p, (uint32_t)b->ntrans);
  p = put32(p, (uint32_t)b->ntypes);
  return put32(p, (uint32_t)b->nchars);
}

static unsigned char *block(unsigned char *p, const tzb *b, int tsz) {
  for (size_t i = 0; i < b->ntrans; i++)
    p = tsz == 4 ? put32(p, (uint32_t)b->trans[i]) : put64(p, b->trans[i]);
  for (size_t i = 0; i < b->ntrans; i++) *p++ = b->idx[i];
  for (size_t i = 0; i < b->ntypes; i++) {
    p = put32(p, (uint32_t)b->types[i].off);
    *p++ = b->types[i].dst;
    *p++ = b->types[i].abbr;
  }
  memcpy(p, b->chars, b->nchars);
  p += b->nchars;
  for (size_t i = 0; i < b->nleap; i++) {
    p = tsz == 4 ? put32(p, (uint32_t)b->leap[i]) : put64(p, b->leap[i]);
    p = put32(p, (uint32_t)(i + 1));
  }
  if (b->isstd) memcpy(p, b->isstd, b->ntypes), p += b->ntypes;
  if (b->isut) memcpy(p, b->isut, b->ntypes), p += b->ntypes;
  return p;
}

/* Offset of the v2 header in what build() writes for a v2+ file. */
#define V2_AT (44 + 6 + 4)

/* Writes the file into buf (big enough); returns its length. A v2+ file
 * gets a minimal v1 block (one type "UTC", as zic -b slim writes). */
static size_t build(unsigned char *buf, const tzb *b) {
  unsigned char *p = buf;
  if (b->version == 0) {
    p = header(p, 0, b);
    return (size_t)(block(p, b, 4) - buf);
  }
  static const ttype t0 = {0, 0, 0};
  tzb v1 = {0};
  v1.ntypes = 1;
  v1.types = &t0;
  v1.chars = "UTC";
  v1.nchars = 4;
  p = header(p, b->version, &v1);
  p = block(p, &v1, 4);
  assert_int_equal(p - buf, V2_AT);
  p = header(p, b->version, b);
  p = block(p, b, 8);
  *p++ = '\n';
  size_t fl = b->footer ? strlen(b->footer) : 0;
  memcpy(p, b->footer ? b->footer : "", fl);
  p += fl;
  *p++ = '\n';
  return (size_t)(p - buf);
}

static const ttype EST_EDT[] = {{-18000, 0, 0}, {-14400, 1, 4}};
static const char EST_EDT_CHARS[] = "EST\0EDT"; /* 8 bytes with the final NUL */

static sr_zone *parse_ok(const unsigned char *buf, size_t len) {
  char why[160] = "";
  sr_zone *z = NULL;
  int rc = sr_zone_parse(&sr_mem_libc, buf, len, &z, why, sizeof why);
  if (rc != 0) fail_msg("parse: %d %s", rc, why);
  assert_non_null(z);
  return z;
}

static sr_zone *footer_zone(const char *footer) {
  unsigned char buf[512];
  tzb b = {0};
  b.version = '3';
  b.ntypes = 1;
  b.types = EST_EDT;
  b.chars = EST_EDT_CHARS;
  b.nchars = 8;
  b.footer = footer;
  return parse_ok(buf, build(buf, &b));
}

static void test_v1_only(void **state) {
  (void)state;
  unsigned char buf[512];
  static const int64_t tr[] = {1000000000, 1010000000};
  static const uint8_t ix[] = {1, 0};
  tzb b = {0};
  b.version = 0;
  b.ntrans = 2;
  b.trans = tr;
  b.idx = ix;
  b.ntypes = 2;
  b.types = EST_EDT;
  b.chars = EST_EDT_CHARS;
  b.nchars = 8;
  sr_zone *z = parse_ok(buf, build(buf, &b));
  int dst = -1;
  assert_int_equal(sr_zone_offset(z, 0, &dst), -18000); /* type 0 before the first */
  assert_int_equal(dst, 0);
  assert_int_equal(sr_zone_offset(z, 999999999999, &dst), -18000);
  assert_int_equal(sr_zone_offset(z, 1000000000000, &dst), -14400);
  assert_int_equal(dst, 1);
  assert_int_equal(sr_zone_offset(z, 1009999999999, NULL), -14400);
  assert_int_equal(sr_zone_offset(z, 1010000000000, &dst), -18000);
  assert_int_equal(dst, 0);
  assert_int_equal(sr_zone_offset(z, INT64_MAX, NULL), -18000); /* last type forever */
  assert_int_equal(sr_zone_offset(z, INT64_MIN, NULL), -18000);
  assert_int_equal(sr_zone_next_transition(z, INT64_MIN), 1000000000000);
  assert_int_equal(sr_zone_next_transition(z, 999999999999), 1000000000000);
  assert_int_equal(sr_zone_next_transition(z, 1000000000000), 1010000000000);
  assert_int_equal(sr_zone_next_transition(z, 1010000000000), INT64_MAX);
  /* The gap: wall times [T - 5 h, T - 4 h) do not happen. */
  int kind = -1;
  assert_int_equal(sr_zone_to_utc(z, 1000000000 - 18000 + 1800, &kind), 1000000000000);
  assert_int_equal(kind, SR_LOCAL_GAP);
  assert_int_equal(sr_zone_to_utc(z, 1000000000 - 18000 - 1, &kind), 999999999000);
  assert_int_equal(kind, SR_LOCAL_UNIQUE);
  /* The overlap: [T - 4 h, T - 5 h + 1 h) happens twice. */
  assert_int_equal(sr_zone_to_utc(z, 1010000000 - 14400 - 1800, &kind),
                   (1010000000 - 1800) * INT64_C(1000));
  assert_int_equal(kind, SR_LOCAL_OVERLAP);
  assert_int_equal(sr_zone_to_local(z, 1010000000000 - 1), 1010000000 - 1 - 14400);
  assert_int_equal(sr_zone_to_local(z, -1), -1 - 18000); /* floors the ms */
  sr_zone_free(&sr_mem_libc, z);

  /* The same as version 2 with an empty footer: the same answers. */
  b.version = '2';
  z = parse_ok(buf, build(buf, &b));
  assert_int_equal(sr_zone_offset(z, INT64_MAX, NULL), -18000);
  assert_int_equal(sr_zone_next_transition(z, 1000000000000), 1010000000000);
  assert_int_equal(sr_zone_next_transition(z, 1010000000000), INT64_MAX);
  sr_zone_free(&sr_mem_libc, z);
}

static void test_footer_only(void **state) {
  (void)state;
  int kind = -1, dst = -1;
  sr_zone *z = footer_zone("UTC0");
  assert_int_equal(sr_zone_offset(z, 1234567890123, &dst), 0);
  assert_int_equal(dst, 0);
  assert_int_equal(sr_zone_next_transition(z, 0), INT64_MAX);
  assert_int_equal(sr_zone_to_utc(z, 1234567890, &kind), 1234567890000);
  assert_int_equal(kind, SR_LOCAL_UNIQUE);
  sr_zone_free(&sr_mem_libc, z);

  z = footer_zone("<+03>-3");
  assert_int_equal(sr_zone_offset(z, 0, NULL), 10800);
  assert_int_equal(sr_zone_to_local(z, 0), 10800);
  assert_int_equal(sr_zone_next_transition(z, 0), INT64_MAX);
  sr_zone_free(&sr_mem_libc, z);

  z = footer_zone("<+0545>-5:45");
  assert_int_equal(sr_zone_offset(z, 0, NULL), 20700);
  sr_zone_free(&sr_mem_libc, z);

  /* US rules with no transitions at all: the rule holds everywhere. */
  z = footer_zone("EST5EDT,M3.2.0,M11.1.0");
  assert_int_equal(sr_zone_offset(z, utc(2026, 7, 1, 0, 0, 0) * 1000, &dst), -14400);
  assert_int_equal(dst, 1);
  assert_int_equal(sr_zone_offset(z, utc(2026, 1, 1, 0, 0, 0) * 1000, &dst), -18000);
  assert_int_equal(dst, 0);
  assert_int_equal(sr_zone_offset(z, utc(1800, 7, 1, 0, 0, 0) * 1000, NULL), -14400);
  assert_int_equal(sr_zone_to_utc(z, WALL(2026, 3, 8, 2, 30, 0), &kind), 1772953200000);
  assert_int_equal(kind, SR_LOCAL_GAP);
  assert_int_equal(sr_zone_to_utc(z, WALL(2026, 11, 1, 1, 30, 0), &kind), 1793511000000);
  assert_int_equal(kind, SR_LOCAL_OVERLAP);
  assert_int_equal(sr_zone_next_transition(z, 1772953200000 - 1), 1772953200000);
  assert_int_equal(sr_zone_next_transition(z, 1772953200000), 1793512800000);
  assert_int_equal(sr_zone_next_transition(z, 1793512800000), 1805007600000); /* 2027-03-14 */
  /* Against the system New York file, whose table ends in 2037. */
  sr_zone *ny = sys_zone("America/New_York");
  if (ny) {
    for (int64_t t = utc(2007, 1, 1, 0, 0, 0); t < utc(2200, 1, 1, 0, 0, 0); t += DAY + 3613) {
      assert_int_equal(sr_zone_offset(z, t * 1000, NULL), sr_zone_offset(ny, t * 1000, NULL));
      if (t % 97 == 0)
        assert_int_equal(sr_zone_next_transition(z, t * 1000),
                         sr_zone_next_transition(ny, t * 1000));
    }
    sr_zone_free(&sr_mem_libc, ny);
  }
  sr_zone_free(&sr_mem_libc, z);

  /* DST all year (version 3): always -4, no transitions. */
  z = footer_zone("EST5EDT,0/0,J365/25");
  for (int64_t y = 1900; y < 2500; y += 7) {
    assert_int_equal(sr_zone_offset(z, utc(y, 1, 1, 0, 0, 0) * 1000, &dst), -14400);
    assert_int_equal(dst, 1);
    assert_int_equal(sr_zone_offset(z, utc(y, 12, 31, 23, 59, 59) * 1000, NULL), -14400);
  }
  assert_int_equal(sr_zone_next_transition(z, 0), INT64_MAX);
  assert_int_equal(sr_zone_to_utc(z, WALL(2026, 1, 1, 0, 0, 0), &kind),
                   (utc(2026, 1, 1, 0, 0, 0) + 14400) * 1000);
  assert_int_equal(kind, SR_LOCAL_UNIQUE);
  sr_zone_free(&sr_mem_libc, z);

  /* A DST period longer than a year is DST all year too (as tzcode reads it),
   * not a short standard time after each overlong summer. */
  z = footer_zone("EST5EDT,0/0,J365/26");
  for (int64_t y = 1990; y < 2100; y += 3)
    assert_int_equal(sr_zone_offset(z, utc(y, 7, 1, 0, 0, 0) * 1000, NULL), -14400);
  assert_int_equal(sr_zone_next_transition(z, 0), INT64_MAX);
  sr_zone_free(&sr_mem_libc, z);

  /* Changes of one year that fall in the next (times past 24 h): on
   * 2026-01-03 the latest change is the start of 2024's DST, on 2025-01-06
   * 23:00Z; standard time lasts 15:00Z-23:00Z on each January 6. */
  z = footer_zone("AAA0BBB,J365/167,J365/160");
  assert_int_equal(sr_zone_offset(z, utc(2026, 1, 3, 0, 0, 0) * 1000, NULL), 3600);
  assert_int_equal(sr_zone_offset(z, utc(2026, 1, 6, 16, 0, 0) * 1000, NULL), 0);
  assert_int_equal(sr_zone_offset(z, utc(2026, 7, 1, 0, 0, 0) * 1000, NULL), 3600);
  assert_int_equal(sr_zone_next_transition(z, utc(2026, 1, 1, 0, 0, 0) * 1000),
                   utc(2026, 1, 6, 15, 0, 0) * 1000);
  assert_int_equal(sr_zone_next_transition(z, utc(2026, 1, 6, 15, 0, 0) * 1000),
                   utc(2026, 1, 6, 23, 0, 0) * 1000);
  sr_zone_free(&sr_mem_libc, z);

  /* Negative DST (Ireland): "DST" is winter, one hour behind. */
  z = footer_zone("IST-1GMT0,M10.5.0,M3.5.0/1");
  assert_int_equal(sr_zone_offset(z, utc(2050, 1, 15, 0, 0, 0) * 1000, &dst), 0);
  assert_int_equal(dst, 1);
  assert_int_equal(sr_zone_offset(z, utc(2050, 7, 15, 0, 0, 0) * 1000, &dst), 3600);
  assert_int_equal(dst, 0);
  sr_zone_free(&sr_mem_libc, z);

  /* Rule times outside 0..24 h (version 3): Greenland, Palestine. */
  z = footer_zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  /* 2026-03-29 is the last Sunday of March: at -1:00 of it in -02 = 01:00Z. */
  assert_int_equal(sr_zone_next_transition(z, utc(2026, 3, 1, 0, 0, 0) * 1000),
                   utc(2026, 3, 29, 1, 0, 0) * 1000);
  /* 2026-10-25 00:00 in -01 = 01:00Z. */
  assert_int_equal(sr_zone_next_transition(z, utc(2026, 7, 1, 0, 0, 0) * 1000),
                   utc(2026, 10, 25, 1, 0, 0) * 1000);
  sr_zone_free(&sr_mem_libc, z);
  z = footer_zone("EET-2EEST,M3.4.4/50,M10.4.4/50");
  /* 4th Thursday of March 2026 is the 26th; +50 h = Sat 28th 02:00 in +2. */
  assert_int_equal(sr_zone_next_transition(z, utc(2026, 3, 1, 0, 0, 0) * 1000),
                   utc(2026, 3, 28, 0, 0, 0) * 1000);
  sr_zone_free(&sr_mem_libc, z);
  /* Julian and zero-based days: J60 is March 1 even in leap years, 59 is
   * February 29 in them (March 1 otherwise). */
  z = footer_zone("AAA0BBB,J60/0,59/0");
  assert_int_equal(sr_zone_next_transition(z, utc(2024, 1, 1, 0, 0, 0) * 1000),
                   utc(2024, 2, 28, 23, 0, 0) * 1000); /* end: 59 = Feb 29 00:00 in +1 */
  assert_int_equal(sr_zone_next_transition(z, utc(2024, 2, 28, 23, 0, 0) * 1000),
                   utc(2024, 3, 1, 0, 0, 0) * 1000); /* start: J60 = March 1 */
  assert_int_equal(sr_zone_next_transition(z, utc(2023, 1, 1, 0, 0, 0) * 1000),
                   utc(2023, 2, 28, 23, 0, 0) * 1000); /* end: 59 = March 1 00:00 in +1 */
  assert_int_equal(sr_zone_next_transition(z, utc(2023, 2, 28, 23, 0, 0) * 1000),
                   utc(2023, 3, 1, 0, 0, 0) * 1000);
  sr_zone_free(&sr_mem_libc, z);
}

/* Extreme instants and wall times never overflow and keep the invariants. */
static void test_extremes(void **state) {
  (void)state;
  static const char *footers[] = {"", "UTC0", "EST5EDT,M3.2.0,M11.1.0",
                                  "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
                                  "<-02>2<-01>,M3.5.0/-167,M10.5.0/167", "EST5EDT,0/0,J365/25",
                                  "<-24>24<+24>-24:59:59,J1/167,J365/-167"};
  static const int64_t ts[] = {INT64_MIN, INT64_MIN + 999, -1, 0, 1, INT64_MAX - 1000, INT64_MAX};
  for (size_t f = 0; f < sizeof footers / sizeof *footers; f++) {
    sr_zone *z = footer_zone(footers[f]);
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
      int32_t off = sr_zone_offset(z, ts[i], NULL);
      assert_true(off >= -89999 && off <= 93599);
      (void)sr_zone_to_local(z, ts[i]);
      int64_t n = sr_zone_next_transition(z, ts[i]);
      assert_true(n > ts[i] || (n == INT64_MAX && ts[i] == INT64_MAX));
      int kind;
      int64_t r = sr_zone_to_utc(z, ts[i], &kind);
      assert_true(kind >= SR_LOCAL_UNIQUE && kind <= SR_LOCAL_OVERLAP);
      if (ts[i] > 0 && ts[i] > INT64_MAX / 2) assert_int_equal(r, INT64_MAX);
      if (ts[i] < 0 && ts[i] < INT64_MIN / 2) assert_int_equal(r, INT64_MIN);
    }
    sr_zone_free(&sr_mem_libc, z);
  }
  /* Transition times at the ends of int64 (in seconds: far beyond the ms
   * range), with a rule after them. */
  static const int64_t tr[] = {INT64_MIN, -(INT64_C(1) << 62), INT64_C(1) << 62, INT64_MAX};
  static const uint8_t ix[] = {1, 0, 1, 0};
  for (int with_rule = 0; with_rule < 2; with_rule++) {
    unsigned char buf[512];
    tzb b = {0};
    b.version = '2';
    b.ntrans = 4;
    b.trans = tr;
    b.idx = ix;
    b.ntypes = 2;
    b.types = EST_EDT;
    b.chars = EST_EDT_CHARS;
    b.nchars = 8;
    b.footer = with_rule ? "EST5EDT,M3.2.0,M11.1.0" : "";
    sr_zone *z = parse_ok(buf, build(buf, &b));
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
      /* Every ms instant is between the 2nd and 3rd transition: EST. */
      assert_int_equal(sr_zone_offset(z, ts[i], NULL), -18000);
      assert_int_equal(sr_zone_next_transition(z, ts[i]), INT64_MAX);
      int kind;
      (void)sr_zone_to_utc(z, ts[i], &kind);
      assert_int_equal(kind, SR_LOCAL_UNIQUE);
    }
    sr_zone_free(&sr_mem_libc, z);
  }

  sr_zone *u = sr_zone_utc(&sr_mem_libc);
  assert_non_null(u);
  assert_int_equal(sr_zone_offset(u, 12345, NULL), 0);
  assert_int_equal(sr_zone_to_local(u, -1), -1);
  assert_int_equal(sr_zone_to_utc(u, 5, NULL), 5000);
  assert_int_equal(sr_zone_next_transition(u, 0), INT64_MAX);
  sr_zone_free(&sr_mem_libc, u);
  sr_zone_free(&sr_mem_libc, NULL);
}

/* =========================================================== malformed */

static void expect_bad(const unsigned char *buf, size_t len, const char *what) {
  char why[160];
  memset(why, 'x', sizeof why);
  sr_zone *z = (sr_zone *)(uintptr_t)1;
  int rc = sr_zone_parse(&sr_mem_libc, buf, len, &z, why, sizeof why);
  if (rc != SIREN_EINVAL) fail_msg("%s: rc %d, want EINVAL", what, rc);
  assert_null(z);
  assert_non_null(memchr(why, 0, sizeof why));
  if (strncmp(why, "TZif: ", 6) != 0 || strlen(why) <= 6) fail_msg("%s: why \"%s\"", what, why);
}

static void test_truncations(void **state) {
  (void)state;
  if (!zoneinfo_present()) skip();
  static const char *names[] = {"America/New_York", "Australia/Lord_Howe", "Etc/UTC"};
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", ZONEINFO, names[k]);
    size_t len;
    unsigned char *data = read_all(path, &len);
    assert_non_null(data);
    for (size_t n = 0; n < len; n++) {
      /* An exact-size copy, so that ASan and valgrind see any overread. */
      unsigned char *cut = malloc(n ? n : 1);
      assert_non_null(cut);
      memcpy(cut, data, n);
      expect_bad(cut, n, names[k]);
      free(cut);
    }
    /* One byte more is also wrong. */
    unsigned char *more = malloc(len + 1);
    assert_non_null(more);
    memcpy(more, data, len);
    more[len] = '\n';
    expect_bad(more, len + 1, "trailing byte");
    free(more);
    free(data);
  }
  /* And a v1 file built here. */
  unsigned char buf[256];
  static const int64_t tr[] = {100, 200};
  static const uint8_t ix[] = {1, 0};
  tzb b = {0};
  b.ntrans = 2;
  b.trans = tr;
  b.idx = ix;
  b.ntypes = 2;
  b.types = EST_EDT;
  b.chars = EST_EDT_CHARS;
  b.nchars = 8;
  size_t len = build(buf, &b);
  for (size_t n = 0; n < len; n++) expect_bad(buf, n, "v1 truncated");
  sr_zone_free(&sr_mem_libc, parse_ok(buf, len));
}

/* A valid v3 file with two transitions, to be broken one field at a time. */
typedef struct fixture {
  int64_t tr[2];
  uint8_t ix[2];
  ttype ty[2];
  uint8_t isstd[2], isut[2];
  int64_t leap[2];
  tzb b;
} fixture;

static void fixture_init(fixture *f) {
  memset(f, 0, sizeof *f);
  f->tr[0] = 100;
  f->tr[1] = 200;
  f->ix[0] = 1;
  f->ix[1] = 0;
  memcpy(f->ty, EST_EDT, sizeof f->ty);
  f->isstd[0] = 1;
  f->isut[0] = 1;
  f->leap[0] = 50;
  f->leap[1] = 60;
  f->b.version = '3';
  f->b.ntrans = 2;
  f->b.trans = f->tr;
  f->b.idx = f->ix;
  f->b.ntypes = 2;
  f->b.types = f->ty;
  f->b.chars = EST_EDT_CHARS;
  f->b.nchars = 8;
  f->b.nleap = 2;
  f->b.leap = f->leap;
  f->b.isstd = f->isstd;
  f->b.isut = f->isut;
  f->b.footer = "EST5EDT,M3.2.0,M11.1.0";
}

static void test_malformed(void **state) {
  (void)state;
  unsigned char buf[1024];
  fixture f;
  fixture_init(&f);
  size_t len = build(buf, &f.b);
  sr_zone_free(&sr_mem_libc, parse_ok(buf, len));

  /* Headers. */
  expect_bad(NULL, 0, "empty");
  buf[0] = 'X';
  expect_bad(buf, len, "bad magic");
  buf[0] = 'T';
  buf[V2_AT + 1] = 'X';
  expect_bad(buf, len, "bad v2 magic");
  buf[V2_AT + 1] = 'Z';
  static const uint8_t versions[] = {'1', '5', 2, 0xff};
  for (size_t i = 0; i < sizeof versions; i++) {
    buf[4] = versions[i];
    expect_bad(buf, len, "bad version");
    buf[4] = '3';
  }
  buf[V2_AT + 4] = '2';
  expect_bad(buf, len, "versions differ");
  buf[V2_AT + 4] = '3';
  /* Counts too big for the bytes (timecnt, typecnt, charcnt, leapcnt), in
   * the v1 header and in the v2 one: no arithmetic may wrap. */
  for (int h = 0; h < 2; h++) {
    for (int c = 0; c < 6; c++) {
      unsigned char save[4];
      unsigned char *p = buf + (h ? V2_AT : 0) + 20 + 4 * c;
      memcpy(save, p, 4);
      put32(p, 0xFFFFFFFFu);
      expect_bad(buf, len, "huge count");
      put32(p, 0x40000000u);
      expect_bad(buf, len, "big count");
      memcpy(p, save, 4);
    }
  }
  sr_zone_free(&sr_mem_libc, parse_ok(buf, len));
  /* Larger than SR_ZONE_MAX_BYTES, whatever the content. */
  unsigned char *huge = calloc(1, SR_ZONE_MAX_BYTES + 1);
  assert_non_null(huge);
  memcpy(huge, buf, len);
  expect_bad(huge, SR_ZONE_MAX_BYTES + 1, "too big");
  free(huge);

  /* Tables. */
  fixture_init(&f);
  f.tr[1] = 100;
  expect_bad(buf, build(buf, &f.b), "equal transitions");
  fixture_init(&f);
  f.tr[1] = 99;
  expect_bad(buf, build(buf, &f.b), "descending transitions");
  fixture_init(&f);
  f.ix[1] = 2;
  expect_bad(buf, build(buf, &f.b), "type index");
  fixture_init(&f);
  f.b.ntypes = 0;
  f.b.ntrans = 0;
  f.b.isstd = f.b.isut = NULL;
  expect_bad(buf, build(buf, &f.b), "typecnt 0");
  fixture_init(&f);
  f.b.nchars = 0;
  expect_bad(buf, build(buf, &f.b), "charcnt 0");
  fixture_init(&f);
  f.ty[1].off = INT32_MIN;
  expect_bad(buf, build(buf, &f.b), "offset -2^31");
  fixture_init(&f);
  f.ty[1].off = 93600;
  expect_bad(buf, build(buf, &f.b), "offset 26 h");
  fixture_init(&f);
  f.ty[1].off = -90000;
  expect_bad(buf, build(buf, &f.b), "offset -25 h");
  fixture_init(&f);
  f.ty[1].off = 93599;
  f.ty[0].off = -89999;
  f.b.footer = "";
  sr_zone_free(&sr_mem_libc, parse_ok(buf, build(buf, &f.b)));
  fixture_init(&f);
  f.ty[1].dst = 2;
  expect_bad(buf, build(buf, &f.b), "isdst 2");
  fixture_init(&f);
  f.ty[1].abbr = 8;
  expect_bad(buf, build(buf, &f.b), "abbreviation index");
  fixture_init(&f);
  f.b.chars = "ESTX";
  f.b.nchars = 4;
  f.ty[1].abbr = 0;
  expect_bad(buf, build(buf, &f.b), "abbreviation without NUL");
  fixture_init(&f);
  f.isstd[1] = 2;
  expect_bad(buf, build(buf, &f.b), "isstd 2");
  fixture_init(&f);
  f.isut[1] = 2;
  expect_bad(buf, build(buf, &f.b), "isut 2");
  fixture_init(&f);
  f.isstd[0] = 0;
  expect_bad(buf, build(buf, &f.b), "isut without isstd");
  fixture_init(&f);
  f.b.isstd = NULL;
  expect_bad(buf, build(buf, &f.b), "isut without any isstd");
  fixture_init(&f);
  f.b.isut = NULL;
  sr_zone_free(&sr_mem_libc, parse_ok(buf, build(buf, &f.b)));
  fixture_init(&f);
  len = build(buf, &f.b);
  put32(buf + V2_AT + 20, 1); /* isutcnt 1 of 2 types, and one UT indicator */
  size_t last_ut = len - strlen(f.b.footer) - 3;
  memmove(buf + last_ut, buf + last_ut + 1, len - last_ut - 1);
  expect_bad(buf, len - 1, "isutcnt");
  put32(buf + V2_AT + 20, 2);
  put32(buf + V2_AT + 24, 1); /* isstdcnt 1 */
  expect_bad(buf, len - 1, "isstdcnt");
  fixture_init(&f);
  f.leap[1] = 50;
  expect_bad(buf, build(buf, &f.b), "leap seconds out of order");

  /* Footers: framing. */
  fixture_init(&f);
  len = build(buf, &f.b);
  buf[len - 1] = 'x';
  expect_bad(buf, len, "footer without final newline");
  expect_bad(buf, len - 1, "footer cut");
  fixture_init(&f);
  len = build(buf, &f.b);
  size_t start = len - strlen(f.b.footer) - 2;
  buf[start] = 'x';
  expect_bad(buf, len, "footer without leading newline");
  fixture_init(&f);
  len = build(buf, &f.b);
  buf[len] = 'x';
  expect_bad(buf, len + 1, "bytes after the footer");

  /* Footers: the POSIX string. */
  static const char *bad_footers[] = {
      "EST5EDT,M3.2.0", "<+03", "X99", "EST", "EST5EDT", "EST5EDT,", "EST5EDT,M3.2.0,",
      "EST5EDT,M3.2.0,M11.1", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M0.2.0,M11.1.0",
      "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.0.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
      "EST5EDT,J0,J365", "EST5EDT,J366,J1", "EST5EDT,366,1", "EST5EDT,M3.2.0/168,M11.1.0",
      "EST5EDT,M3.2.0/-168,M11.1.0", "EST5EDT,M3.2.0/2:60,M11.1.0", "EST5EDT,M3.2.0/2:5,M11.1.0",
      "EST25", "EST-25", "EST5:60", "EST5:00:60", "EST5EDT25,M3.2.0,M11.1.0",
      "<>0", "<AB>0", "<A_B>0", "AB0", "EST", "EST5EDT,M3.2.0,M11.1.0,", "EST5EDT,M3.2.0,M11.1.0x",
      "EST5 ", " EST5", "EST5\r", "5EST", "EST+", "EST5EDT,M3.2.0M11.1.0", "EST5EDT;M3.2.0,M11.1.0",
      "EST5EDT,M3..0,M11.1.0", "EST5EDT,M03.2.0,M11.1.0x", "EST0005", "EST5EDT,J60/1:2,J100",
      "<-24>24<+26>-26,M3.2.0,M11.1.0",
  };
  for (size_t i = 0; i < sizeof bad_footers / sizeof *bad_footers; i++) {
    fixture_init(&f);
    f.b.footer = bad_footers[i];
    expect_bad(buf, build(buf, &f.b), bad_footers[i]);
  }
  static const char *good_footers[] = {
      "UTC0", "<+03>-3", "<-0330>3:30", "EST5EDT,M3.2.0,M11.1.0",
      "EST+5EDT+4,M3.2.0/2,M11.1.0/2:00",
      "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "EST5EDT,0/0,J365/25", "IST-1GMT0,M10.5.0,M3.5.0/1",
      "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "EET-2EEST,M3.4.4/50,M10.4.4/50", "AAA24BBB,J1,J365",
      "AAA-24:59:59", "AAA24:59:59", "AAA0BBB-24:59:59,0,365", "WET0WEST,M3.5.0/1,M10.5.0",
      "<-00>0", "<A-B+c1>0", "EST5EDT,M3.2.0/167,M11.1.0/-167", "EST5EDT,M3.2.0/+1:30:05,M11.1.0",
      "<+24>-24:59:59<+2600>,M3.2.0,M11.1.0", /* DST 25:59:59, the most there is */
  };
  for (size_t i = 0; i < sizeof good_footers / sizeof *good_footers; i++) {
    fixture_init(&f);
    f.b.footer = good_footers[i];
    len = build(buf, &f.b);
    char why[160] = "";
    sr_zone *z = NULL;
    int rc = sr_zone_parse(&sr_mem_libc, buf, len, &z, why, sizeof why);
    if (rc != 0) fail_msg("footer \"%s\": %s", good_footers[i], why);
    sr_zone_free(&sr_mem_libc, z);
  }
  /* The reason shows the string, without its control characters. */
  fixture_init(&f);
  f.b.footer = "EST5\x1b[2J";
  len = build(buf, &f.b);
  char why[160];
  sr_zone *zz = NULL;
  assert_int_equal(sr_zone_parse(&sr_mem_libc, buf, len, &zz, why, sizeof why), SIREN_EINVAL);
  assert_non_null(strstr(why, "\"EST5?[2J\""));
  /* A why buffer of any size is filled safely; NULL is fine. */
  f.b.footer = "X99";
  len = build(buf, &f.b);
  sr_zone *z = NULL;
  char small[8];
  for (size_t cap = 0; cap <= sizeof small; cap++) {
    memset(small, 'x', sizeof small);
    assert_int_equal(sr_zone_parse(&sr_mem_libc, buf, len, &z, small, cap), SIREN_EINVAL);
    if (cap) assert_non_null(memchr(small, 0, cap));
    if (cap < sizeof small) assert_int_equal(small[cap], 'x');
  }
  assert_int_equal(sr_zone_parse(&sr_mem_libc, buf, len, &z, NULL, 0), SIREN_EINVAL);
  assert_int_equal(sr_zone_parse(&sr_mem_libc, buf, len, NULL, NULL, 0), SIREN_EINVAL);
}

/* ===================================================== allocation failure */

static void test_alloc_failures(void **state) {
  (void)state;
  unsigned char buf[1024];
  fixture f;
  fixture_init(&f);
  size_t len = build(buf, &f.b);
  int succeeded = 0;
  for (long k = 1; k < 100 && !succeeded; k++) {
    counting c = {0, k, 0, 0};
    sr_mem m = counting_mem(&c);
    sr_zone *z = (sr_zone *)(uintptr_t)1;
    char why[64];
    int rc = sr_zone_parse(&m, buf, len, &z, why, sizeof why);
    if (c.calls < k) {
      assert_int_equal(rc, 0); /* fewer than k allocations: nothing failed */
      assert_int_equal(sr_zone_offset(z, 150000, NULL), -14400);
      sr_zone_free(&m, z);
      succeeded = 1;
    } else {
      assert_int_equal(rc, SIREN_ENOMEM);
      assert_null(z);
    }
    assert_int_equal(c.allocs, c.frees);
  }
  assert_true(succeeded);
  counting c = {0, 1, 0, 0};
  sr_mem m = counting_mem(&c);
  assert_null(sr_zone_utc(&m));
  assert_int_equal(c.allocs, 0);
  c.fail_at = 0;
  sr_zone *u = sr_zone_utc(&m);
  assert_non_null(u);
  sr_zone_free(&m, u);
  assert_int_equal(c.allocs, c.frees);
}

/* ====================================================== explicit cases */

static void expect_to_utc(const sr_zone *z, int64_t wall, int64_t want_s, int want_kind) {
  int kind = -1;
  int64_t r = sr_zone_to_utc(z, wall, &kind);
  if (r != want_s * 1000 || kind != want_kind)
    fail_msg("wall %lld: got %lld kind %d, want %lld kind %d", (long long)wall, (long long)r, kind,
             (long long)want_s * 1000, want_kind);
}

static void test_dst_cases(void **state) {
  (void)state;
  if (!zoneinfo_present()) skip();
  sr_zone *z = sys_zone("America/New_York");
  int dst;
  /* Spring forward: 02:30 does not exist; the gap opened at 07:00Z. */
  expect_to_utc(z, WALL(2026, 3, 8, 2, 30, 0), 1772953200, SR_LOCAL_GAP);
  assert_int_equal(sr_zone_to_local(z, 1772953200000), WALL(2026, 3, 8, 3, 0, 0));
  expect_to_utc(z, WALL(2026, 3, 8, 2, 0, 0), 1772953200, SR_LOCAL_GAP);
  expect_to_utc(z, WALL(2026, 3, 8, 1, 59, 59), 1772953199, SR_LOCAL_UNIQUE);
  expect_to_utc(z, WALL(2026, 3, 8, 3, 0, 0), 1772953200, SR_LOCAL_UNIQUE);
  /* Fall back: 01:30 happens twice; the EDT one (05:30Z) first. */
  expect_to_utc(z, WALL(2026, 11, 1, 1, 30, 0), 1793511000, SR_LOCAL_OVERLAP);
  expect_to_utc(z, WALL(2026, 11, 1, 1, 0, 0), 1793509200, SR_LOCAL_OVERLAP);
  expect_to_utc(z, WALL(2026, 11, 1, 2, 0, 0), 1793516400, SR_LOCAL_UNIQUE);
  expect_to_utc(z, WALL(2026, 11, 1, 0, 59, 59), 1793509199, SR_LOCAL_UNIQUE);
  assert_int_equal(sr_zone_offset(z, 1793512800000 - 1, &dst), -14400);
  assert_int_equal(dst, 1);
  assert_int_equal(sr_zone_offset(z, 1793512800000, &dst), -18000);
  assert_int_equal(dst, 0);
  /* Past the table (2037): the footer rule. */
  assert_int_equal(sr_zone_offset(z, utc(2100, 7, 1, 0, 0, 0) * 1000, &dst), -14400);
  assert_int_equal(dst, 1);
  assert_int_equal(sr_zone_offset(z, utc(2100, 1, 1, 0, 0, 0) * 1000, &dst), -18000);
  assert_int_equal(sr_zone_offset(z, utc(2200, 1, 15, 0, 0, 0) * 1000, NULL), -18000);
  assert_int_equal(sr_zone_offset(z, utc(2200, 7, 15, 0, 0, 0) * 1000, NULL), -14400);
  assert_int_equal(sr_zone_offset(z, utc(9999, 12, 31, 0, 0, 0) * 1000, NULL), -18000);
  assert_int_equal(sr_zone_next_transition(z, utc(2099, 12, 31, 0, 0, 0) * 1000),
                   INT64_C(4108690800) * 1000);
  expect_to_utc(z, WALL(2100, 3, 14, 2, 30, 0), 4108690800, SR_LOCAL_GAP);
  /* next_transition across years, and across the end of the table. */
  assert_int_equal(sr_zone_next_transition(z, 1793512800000), 1805007600000);
  assert_int_equal(sr_zone_next_transition(z, utc(2037, 11, 2, 0, 0, 0) * 1000),
                   INT64_C(2152162800) * 1000);
  int64_t t = utc(2030, 1, 1, 0, 0, 0) * 1000;
  for (int i = 0; i < 40; i++) { /* 2030..2049: two a year, alternating */
    int64_t n = sr_zone_next_transition(z, t);
    assert_true(n > t);
    assert_int_equal(sr_zone_offset(z, n - 1000, NULL), sr_zone_offset(z, t, NULL));
    assert_int_equal(sr_zone_offset(z, n, NULL), i % 2 ? -18000 : -14400);
    t = n;
  }
  assert_true(t > utc(2049, 11, 1, 0, 0, 0) * 1000 && t < utc(2049, 11, 8, 0, 0, 0) * 1000);
  sr_zone_free(&sr_mem_libc, z);

  z = sys_zone("Europe/London");
  expect_to_utc(z, WALL(2026, 3, 29, 1, 30, 0), 1774746000, SR_LOCAL_GAP);
  expect_to_utc(z, WALL(2026, 10, 25, 1, 30, 0), 1792888200, SR_LOCAL_OVERLAP);
  expect_to_utc(z, WALL(2026, 7, 1, 12, 0, 0), utc(2026, 7, 1, 11, 0, 0), SR_LOCAL_UNIQUE);
  sr_zone_free(&sr_mem_libc, z);

  /* Lord Howe: +10:30 standard, +11 summer, a 30-minute change. */
  z = sys_zone("Australia/Lord_Howe");
  assert_int_equal(sr_zone_offset(z, utc(2026, 7, 1, 0, 0, 0) * 1000, NULL), 37800);
  assert_int_equal(sr_zone_offset(z, utc(2026, 1, 1, 0, 0, 0) * 1000, NULL), 39600);
  expect_to_utc(z, WALL(2026, 10, 4, 2, 15, 0), 1791041400, SR_LOCAL_GAP);
  expect_to_utc(z, WALL(2026, 10, 4, 2, 0, 0), 1791041400, SR_LOCAL_GAP);
  expect_to_utc(z, WALL(2026, 10, 4, 2, 30, 0), 1791041400, SR_LOCAL_UNIQUE);
  expect_to_utc(z, WALL(2026, 4, 5, 1, 45, 0), 1775313900, SR_LOCAL_OVERLAP);
  expect_to_utc(z, WALL(2026, 4, 5, 2, 0, 0), 1775313900 + 900 + 1800, SR_LOCAL_UNIQUE);
  assert_int_equal(sr_zone_next_transition(z, utc(2026, 4, 6, 0, 0, 0) * 1000),
                   INT64_C(1791041400) * 1000);
  assert_int_equal(sr_zone_offset(z, utc(2300, 1, 1, 0, 0, 0) * 1000, NULL), 39600);
  assert_int_equal(sr_zone_offset(z, utc(2300, 7, 1, 0, 0, 0) * 1000, NULL), 37800);
  sr_zone_free(&sr_mem_libc, z);

  /* Apia skipped Friday 2011-12-30: every wall time of it is in the gap. */
  z = sys_zone("Pacific/Apia");
  assert_int_equal(sr_zone_offset(z, INT64_C(1325239200) * 1000 - 1, NULL), -36000);
  assert_int_equal(sr_zone_offset(z, INT64_C(1325239200) * 1000, NULL), 50400);
  for (int h = 0; h < 24; h++)
    expect_to_utc(z, WALL(2011, 12, 30, h, 17, 0), 1325239200, SR_LOCAL_GAP);
  expect_to_utc(z, WALL(2011, 12, 29, 23, 59, 59), 1325239199, SR_LOCAL_UNIQUE);
  expect_to_utc(z, WALL(2011, 12, 31, 0, 0, 0), 1325239200, SR_LOCAL_UNIQUE);
  assert_int_equal(sr_zone_next_transition(z, utc(2011, 12, 1, 0, 0, 0) * 1000),
                   INT64_C(1325239200) * 1000);
  sr_zone_free(&sr_mem_libc, z);

  /* Moscow: +4 all year from 2011, back to +3 on 2014-10-26 (no DST). */
  z = sys_zone("Europe/Moscow");
  assert_int_equal(sr_zone_offset(z, utc(2012, 1, 1, 0, 0, 0) * 1000, &dst), 14400);
  assert_int_equal(dst, 0);
  assert_int_equal(sr_zone_offset(z, utc(2015, 1, 1, 0, 0, 0) * 1000, &dst), 10800);
  assert_int_equal(dst, 0);
  assert_int_equal(sr_zone_next_transition(z, utc(2012, 1, 1, 0, 0, 0) * 1000),
                   INT64_C(1414274400) * 1000);
  expect_to_utc(z, WALL(2014, 10, 26, 1, 30, 0), 1414272600, SR_LOCAL_OVERLAP);
  assert_int_equal(sr_zone_next_transition(z, INT64_C(1414274400) * 1000), INT64_MAX);
  sr_zone_free(&sr_mem_libc, z);

  /* Dublin: the offsets matter, not isdst (winter is "DST" at +0). */
  z = sys_zone("Europe/Dublin");
  assert_int_equal(sr_zone_offset(z, utc(2026, 1, 15, 0, 0, 0) * 1000, &dst), 0);
  assert_int_equal(sr_zone_offset(z, utc(2026, 7, 15, 0, 0, 0) * 1000, NULL), 3600);
  assert_int_equal(sr_zone_offset(z, utc(2060, 1, 15, 0, 0, 0) * 1000, NULL), 0);
  assert_int_equal(sr_zone_offset(z, utc(2060, 7, 15, 0, 0, 0) * 1000, NULL), 3600);
  expect_to_utc(z, WALL(2026, 3, 29, 1, 30, 0), 1774746000, SR_LOCAL_GAP);
  expect_to_utc(z, WALL(2026, 10, 25, 1, 30, 0), 1792888200, SR_LOCAL_OVERLAP);
  sr_zone_free(&sr_mem_libc, z);
}

/* ========================================= property tests against libc */

typedef struct zlist {
  char **names;
  size_t n, cap;
} zlist;

static zlist zones;
static long parsed_only; /* posix/ and right/ files: parsed, not compared */

static void parse_file(const char *path) {
  size_t len;
  unsigned char *data = read_all(path, &len);
  assert_non_null(data);
  sr_zone *z = NULL;
  char why[160];
  int rc = sr_zone_parse(&sr_mem_libc, data, len, &z, why, sizeof why);
  free(data);
  if (rc != 0) fail_msg("%s: %s", path, why);
  sr_zone_free(&sr_mem_libc, z);
  parsed_only++;
}

/* Regular files and symbolic links to them (aliases such as US/Eastern):
 * FTW_PHYS, because without it nftw visits each file only once, under
 * whichever of its names comes first. */
static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)ftw;
  struct stat target;
  if (flag == FTW_SL) {
    if (stat(path, &target) != 0) return 0;
    st = &target;
  } else if (flag != FTW_F) {
    return 0;
  }
  if (!S_ISREG(st->st_mode)) return 0;
  const char *rel = path + strlen(ZONEINFO) + 1;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char magic[4] = {0};
  size_t got = fread(magic, 1, 4, f);
  fclose(f);
  if (got != 4 || memcmp(magic, "TZif", 4) != 0) return 0;
  size_t rl = strlen(rel);
  if (strncmp(rel, "posix/", 6) == 0 || strncmp(rel, "right/", 6) == 0 ||
      strcmp(rel, "posixrules") == 0 || strcmp(rel, "localtime") == 0) {
    /* Not compared with libc (right/ counts leap seconds, the others are
     * copies), but every TZif file must parse. */
    if (!quick) parse_file(path);
    return 0;
  }
  if (rl > 4 && strcmp(rel + rl - 4, ".tab") == 0) return 0;
  if (zones.n == zones.cap) {
    zones.cap = zones.cap ? zones.cap * 2 : 256;
    zones.names = realloc(zones.names, zones.cap * sizeof *zones.names);
    if (!zones.names) return -1;
  }
  zones.names[zones.n] = strdup(rel);
  return zones.names[zones.n++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct stats {
  long zones, offsets, walls, mktimes, gaps, overlaps, transitions;
} stats;

static long libc_off(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) fail_msg("localtime_r(%lld)", (long long)t);
  return tm.tm_gmtoff;
}

static void check_offset(const char *zn, const sr_zone *z, int64_t t, stats *s) {
  long want = libc_off(t);
  int32_t got = sr_zone_offset(z, t * 1000, NULL);
  if (got != want) fail_msg("%s: offset at %lld: siren %d, libc %ld", zn, (long long)t, got, want);
  if (sr_zone_to_local(z, t * 1000 + 999) != t + want)
    fail_msg("%s: to_local %lld", zn, (long long)t);
  s->offsets++;
}

/* Wall time L: all t with t + offset(t) == L by the C library (offsets found
 * by probing the 2-day window and iterating), against sr_zone_to_utc. */
static void check_wall(const char *zn, const sr_zone *z, int64_t L, stats *s) {
  long offs[16];
  int no = 0;
  static const int64_t probes[] = {-93599, -86400, -43200, -21600, 0, 21600, 43200, 86400, 89999};
  for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
    long o = libc_off(L + probes[i]);
    int seen = 0;
    for (int k = 0; k < no; k++) seen |= offs[k] == o;
    if (!seen && no < 16) offs[no++] = o;
  }
  for (int k = 0; k < no; k++) { /* the offset at each candidate, until stable */
    long o = libc_off(L - offs[k]);
    int seen = 0;
    for (int j = 0; j < no; j++) seen |= offs[j] == o;
    if (!seen && no < 16) offs[no++] = o;
  }
  int64_t sols[16];
  int ns = 0;
  for (int k = 0; k < no; k++)
    if (libc_off(L - offs[k]) == offs[k]) sols[ns++] = L - offs[k];
  int64_t lo = INT64_MAX;
  for (int k = 0; k < ns; k++) lo = sols[k] < lo ? sols[k] : lo;
  int kind = -1;
  int64_t r = sr_zone_to_utc(z, L, &kind);
  s->walls++;
  if (ns == 0) {
    s->gaps++;
    if (kind != SR_LOCAL_GAP) fail_msg("%s: wall %lld: kind %d, libc: gap", zn, (long long)L, kind);
    int64_t rs = r / 1000;
    if (r % 1000 != 0 || sr_zone_to_local(z, r) <= L || sr_zone_to_local(z, r - 1000) >= L ||
        libc_off(rs) == libc_off(rs - 1) || libc_off(rs) + rs <= L)
      fail_msg("%s: wall %lld in a gap: got %lld, not the transition after it", zn, (long long)L,
               (long long)r);
    return;
  }
  if (ns == 1) {
    if (kind != SR_LOCAL_UNIQUE || r != sols[0] * 1000)
      fail_msg("%s: wall %lld: got %lld kind %d, libc: %lld once", zn, (long long)L, (long long)r,
               kind, (long long)sols[0]);
    time_t lt = (time_t)L;
    struct tm tm;
    assert_non_null(gmtime_r(&lt, &tm));
    tm.tm_isdst = -1;
    time_t mk = mktime(&tm);
    if ((int64_t)mk != sols[0])
      fail_msg("%s: wall %lld: mktime %lld, siren %lld", zn, (long long)L, (long long)mk,
               (long long)sols[0]);
    s->mktimes++;
    return;
  }
  s->overlaps++;
  if (kind != SR_LOCAL_OVERLAP || r != lo * 1000)
    fail_msg("%s: wall %lld: got %lld kind %d, libc: %d times, first %lld", zn, (long long)L,
             (long long)r, kind, ns, (long long)lo);
}

static void check_zone(const char *zn, stats *s) {
  char path[512], tzv[520], why[160];
  snprintf(path, sizeof path, "%s/%s", ZONEINFO, zn);
  size_t len;
  unsigned char *data = read_all(path, &len);
  assert_non_null(data);
  sr_zone *z = NULL;
  int rc = sr_zone_parse(&sr_mem_libc, data, len, &z, why, sizeof why);
  free(data);
  if (rc != 0) fail_msg("%s: %s", zn, why);
  snprintf(tzv, sizeof tzv, ":%s", path);
  setenv("TZ", tzv, 1);
  tzset();
  s->zones++;
  const int64_t from = utc(1970, 1, 1, 0, 0, 0), to = utc(2100, 1, 1, 0, 0, 0);
  const int64_t to37 = utc(2038, 1, 1, 0, 0, 0);

  /* Every transition siren reports: libc agrees on both sides, and it
   * really changes the offset; wall times around it. */
  int64_t t = from;
  for (;;) {
    int64_t n = sr_zone_next_transition(z, t * 1000);
    if (n == INT64_MAX || n / 1000 >= to) break;
    assert_int_equal(n % 1000, 0);
    int64_t T = n / 1000;
    assert_true(T > t);
    check_offset(zn, z, T - 1, s);
    check_offset(zn, z, T, s);
    check_offset(zn, z, T + 1, s);
    int64_t o1 = sr_zone_offset(z, (T - 1) * 1000, NULL), o2 = sr_zone_offset(z, T * 1000, NULL);
    if (o1 == o2) fail_msg("%s: transition %lld does not change the offset", zn, (long long)T);
    /* The offset is the same from t to T. */
    if (sr_zone_offset(z, t * 1000 + (T - t) * 500, NULL) != sr_zone_offset(z, t * 1000, NULL))
      fail_msg("%s: offset changes between %lld and the next transition", zn, (long long)t);
    s->transitions++;
    if (!quick || T < to37) {
      int64_t lo = o1 < o2 ? o1 : o2, hi = o1 < o2 ? o2 : o1;
      const int64_t walls[] = {T + lo - 1, T + lo, T + (lo + hi) / 2, T + hi - 1, T + hi};
      for (size_t i = 0; i < sizeof walls / sizeof *walls; i++) check_wall(zn, z, walls[i], s);
    }
    t = T;
  }
  /* Pseudo-random instants and wall times. */
  for (int i = 0; i < 250; i++) {
    int64_t r = rand_in(from, i < 200 ? to37 : to);
    check_offset(zn, z, r, s);
    /* Round trip: a unique wall time gives back the instant. */
    int kind;
    int64_t back = sr_zone_to_utc(z, sr_zone_to_local(z, r * 1000), &kind);
    if (kind == SR_LOCAL_GAP || (kind == SR_LOCAL_UNIQUE && back != r * 1000) ||
        (kind == SR_LOCAL_OVERLAP && back > r * 1000))
      fail_msg("%s: round trip of %lld: %lld kind %d", zn, (long long)r, (long long)back, kind);
    if (i % 2 == 0) check_wall(zn, z, rand_in(from, i < 200 ? to37 : to), s);
  }
  /* Weekly: the offsets agree, and every change libc sees between two
   * samples is a transition siren reports. */
  long prev = libc_off(from);
  for (int64_t w = from; w + 7 * DAY < to; w += 7 * DAY + 3607) {
    long cur = libc_off(w + 7 * DAY + 3607);
    int32_t mine = sr_zone_offset(z, w * 1000, NULL);
    if (mine != prev)
      fail_msg("%s: offset at %lld: siren %d, libc %ld", zn, (long long)w, mine, prev);
    s->offsets++;
    if (cur != prev && sr_zone_next_transition(z, w * 1000) > (w + 7 * DAY + 3607) * 1000)
      fail_msg("%s: libc changes offset after %lld, siren reports no transition", zn, (long long)w);
    prev = cur;
  }
  sr_zone_free(&sr_mem_libc, z);
}

static void test_system_zones(void **state) {
  (void)state;
  if (!zoneinfo_present()) skip();
  zones.n = 0;
  parsed_only = 0;
  assert_int_equal(nftw(ZONEINFO, collect, 16, FTW_PHYS), 0);
  assert_true(zones.n > 0);
  qsort(zones.names, zones.n, sizeof *zones.names, cmp_str);
  size_t step = quick && zones.n > 30 ? zones.n / 30 : 1;
  stats s = {0};
  char *old_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
  for (size_t i = 0; i < zones.n; i += step) check_zone(zones.names[i], &s);
  if (quick) {
    static const char *must[] = {"America/New_York", "Australia/Lord_Howe", "Pacific/Apia",
                                 "Europe/Dublin", "Africa/Casablanca", "America/Nuuk"};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++) {
      char p[256];
      snprintf(p, sizeof p, "%s/%s", ZONEINFO, must[i]);
      struct stat st;
      if (stat(p, &st) == 0) check_zone(must[i], &s);
    }
  }
  if (old_tz) {
    setenv("TZ", old_tz, 1);
    free(old_tz);
  } else {
    unsetenv("TZ");
  }
  tzset();
  for (size_t i = 0; i < zones.n; i++) free(zones.names[i]);
  free(zones.names);
  zones.names = NULL;
  zones.n = zones.cap = 0;
  printf("tz: %ld zones (of %s), %ld transitions, %ld offset checks, %ld wall times "
         "(%ld unique checked with mktime, %ld gaps, %ld overlaps); %ld more files only parsed\n",
         s.zones, ZONEINFO, s.transitions, s.offsets, s.walls, s.mktimes, s.gaps, s.overlaps,
         parsed_only);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
  /* CI sets this for its valgrind pass. */
  if (getenv("SIREN_TESTS_QUICK")) quick = 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_civil),
      cmocka_unit_test(test_v1_only),
      cmocka_unit_test(test_footer_only),
      cmocka_unit_test(test_extremes),
      cmocka_unit_test(test_truncations),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_alloc_failures),
      cmocka_unit_test(test_dst_cases),
      cmocka_unit_test(test_system_zones),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
