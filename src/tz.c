/*
 * tz.c: time zones from TZif bytes (RFC 8536) and the conversions between
 * instants and local wall-clock times (see tz.h for the interface and the
 * semantic choices).
 *
 * A parsed zone is one allocation: the transition table (times, the offset
 * and DST flag in force from each one, and for each index the next index at
 * which the offset really changes) followed by the footer's POSIX TZ rule,
 * kept in parsed form and evaluated per year on demand. Lookups are a binary
 * search in the table, or a handful of date computations for the rule; no
 * lookup allocates or caches.
 *
 * Everything is computed in whole seconds. Instants the caller gives in
 * milliseconds are floored to seconds (every int64 millisecond value is
 * within +-2^54 s); local times are clamped to +-2^54 s, so no sum of an
 * instant, an offset (|offset| < 26 h) and a rule time (|time| < 168 h)
 * can overflow int64. Results are saturated when converted back to ms.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "siren/siren.h"
#include "tz.h"
#include "util/civil.h"

#define DAY INT64_C(86400)
/* Offsets a TZif local time type may have (RFC 8536 3.2: more than -25 h and
 * less than 26 h); the POSIX footer cannot go beyond them either. */
#define OFF_MIN (-89999)
#define OFF_MAX 93599
/* Local times (s) are clamped to this; see the top of the file. */
#define LOCAL_LIMIT (INT64_C(1) << 54)
/* The footer rule is evaluated at instants clamped to this (2^56 s, some
 * 2.3e9 years): the date arithmetic of a year near the int64 limit of
 * seconds would overflow. Only transition times from the file (any int64)
 * get that far; instants from the caller are within 2^54. */
#define RULE_LIMIT (INT64_C(1) << 56)
/* "No transition" in seconds. */
#define NONE INT64_MAX

/* ------------------------------------------------------------- the rule */

enum { D_JULIAN = 1, D_ZERO = 2, D_MWD = 3 };

/* One end of the DST period: Jn, n or Mm.w.d, at secs after local midnight
 * (-167 h .. 167 h) of the offset in force before the change. */
typedef struct tz_date {
  uint8_t kind, mon, week, wday;
  uint16_t day;
  int32_t secs;
} tz_date;

typedef struct tz_rule {
  uint8_t present; /* a non-empty footer */
  uint8_t has_dst;
  uint8_t changes; /* the rule changes the offset at some instant */
  int32_t std_off, dst_off;
  tz_date start, end;
} tz_rule;

struct sr_zone {
  size_t n;           /* transitions */
  int32_t type0_off;  /* before the first transition (RFC 8536: type 0) */
  uint8_t type0_dst;
  tz_rule rule;
  int32_t *off;       /* offset from trans[i] on (the rule's at trans[n-1]) */
  uint32_t *chg;      /* least j >= i where the offset changes, or n */
  uint8_t *dst;       /* isdst from trans[i] on */
  int64_t trans[];    /* strictly ascending, seconds */
};

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b < 0) ? q - 1 : q;
}

static int64_t year_of(int64_t t) {
  int64_t y;
  unsigned m, d;
  sr_civil_from_days(floor_div(t, DAY), &y, &m, &d);
  return y;
}

/* Day (since the epoch) on which date d falls in year y. */
static int64_t rule_day(const tz_date *d, int64_t y) {
  int64_t jan1 = sr_days_from_civil(y, 1, 1);
  switch (d->kind) {
  case D_JULIAN: /* 1..365, February 29 never counted */
    return jan1 + d->day - 1 + (sr_is_leap(y) && d->day >= 60);
  case D_ZERO: /* 0..365, February 29 counted */
    return jan1 + d->day;
  default: {
    int64_t first = sr_days_from_civil(y, d->mon, 1);
    int64_t day = first + (int64_t)((d->wday + 7 - sr_weekday(first)) % 7) + 7 * (d->week - 1);
    int64_t lim = first + sr_month_days(y, d->mon);
    while (day >= lim) day -= 7; /* week 5: the last such weekday */
    return day;
  }
  }
}

static int64_t rule_instant(const tz_date *d, int64_t y, int32_t off_before) {
  return rule_day(d, y) * DAY + d->secs - off_before;
}

typedef struct tz_ev {
  int64_t t;
  int dst; /* the state from t on */
} tz_ev;

/*
 * The changes of year y, in time order. A year whose DST period is empty or
 * lasts at least the whole year (start == end, or end - start >= the year's
 * length, as in "EST5EDT,0/0,J365/25") has only its start: DST all year, as
 * tzcode reads it.
 */
static int year_events(const tz_rule *r, int64_t y, tz_ev ev[2]) {
  int64_t s = rule_instant(&r->start, y, r->std_off);
  int64_t e = rule_instant(&r->end, y, r->dst_off);
  int64_t len = (365 + sr_is_leap(y)) * DAY;
  if (s < e && e - s < len) {
    ev[0] = (tz_ev){s, 1};
    ev[1] = (tz_ev){e, 0};
    return 2;
  }
  if (e < s) {
    ev[0] = (tz_ev){e, 0};
    ev[1] = (tz_ev){s, 1};
    return 2;
  }
  ev[0] = (tz_ev){s, 1};
  return 1;
}

/*
 * The rule's state at t: that of the latest change at or before t (ties go
 * to the later year). Changes of year y lie within 9 days of that year
 * (|time| < 168 h, |offset| < 26 h), so the latest one at or before a t in
 * year Y is among those of years Y-3..Y+1 (Y-2 always has one at or before
 * t, and nothing from year Y-3 or earlier can come after those of Y-2).
 */
static int rule_dst_at(const tz_rule *r, int64_t t) {
  t = t < -RULE_LIMIT ? -RULE_LIMIT : t > RULE_LIMIT ? RULE_LIMIT : t;
  int64_t y0 = year_of(t), best = 0;
  int found = 0, dst = 0;
  for (int64_t y = y0 - 3; y <= y0 + 1; y++) {
    tz_ev ev[2];
    int n = year_events(r, y, ev);
    for (int i = 0; i < n; i++) {
      if (ev[i].t <= t && (!found || ev[i].t >= best)) {
        best = ev[i].t;
        dst = ev[i].dst;
        found = 1;
      }
    }
  }
  return dst;
}

static int32_t rule_off(const tz_rule *r, int64_t t, int *isdst) {
  int d = r->has_dst && rule_dst_at(r, t);
  if (isdst) *isdst = d;
  return d ? r->dst_off : r->std_off;
}

/*
 * The least T > t at which the rule's offset changes, or NONE. The rule
 * repeats every 400 years (146097 days, a whole number of weeks), so if
 * there is a change at all there is one within 401 years of t.
 */
static int64_t rule_next(const tz_rule *r, int64_t t) {
  if (!r->changes || t >= RULE_LIMIT) return NONE;
  if (t < -RULE_LIMIT) t = -RULE_LIMIT; /* constant before, as rule_dst_at sees it */
  int64_t y0 = year_of(t), best = NONE;
  for (int64_t y = y0 - 1; y <= y0 + 402; y++) {
    /* Every change of year y comes after its January 1 minus 9 days. */
    if (best != NONE && sr_days_from_civil(y, 1, 1) * DAY - 10 * DAY > best) break;
    tz_ev ev[2];
    int n = year_events(r, y, ev);
    for (int i = 0; i < n; i++) {
      int64_t c = ev[i].t;
      if (c > t && c < best && rule_off(r, c, NULL) != rule_off(r, c - 1, NULL)) best = c;
    }
  }
  return best;
}

/* Whether the rule ever changes the offset: a DST offset different from
 * standard time, and at least one year of the 400-year cycle that is not
 * DST all year. */
static int rule_changes(const tz_rule *r) {
  if (!r->has_dst || r->std_off == r->dst_off) return 0;
  for (int64_t y = 2000; y < 2400; y++) {
    tz_ev ev[2];
    if (year_events(r, y, ev) == 2) return 1;
  }
  return 0;
}

/* ------------------------------------------------------ the POSIX string */

typedef struct tz_text {
  const char *p, *e;
} tz_text;

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int at(const tz_text *s, char c) { return s->p < s->e && *s->p == c; }

/* 1..maxd digits, value <= max. */
static int num(tz_text *s, int maxd, int max, int *v) {
  int n = 0, x = 0;
  while (s->p < s->e && is_digit(*s->p) && n < maxd) {
    x = x * 10 + (*s->p++ - '0');
    n++;
  }
  if (n == 0 || x > max || (s->p < s->e && is_digit(*s->p))) return -1;
  *v = x;
  return 0;
}

/* A zone name: <...> of letters, digits, '+' and '-', or letters; at least
 * three characters (POSIX). */
static int name(tz_text *s) {
  const char *b;
  size_t len;
  if (at(s, '<')) {
    b = ++s->p;
    while (s->p < s->e && (is_alpha(*s->p) || is_digit(*s->p) || *s->p == '+' || *s->p == '-'))
      s->p++;
    if (!at(s, '>')) return -1;
    len = (size_t)(s->p++ - b);
  } else {
    b = s->p;
    while (s->p < s->e && is_alpha(*s->p)) s->p++;
    len = (size_t)(s->p - b);
  }
  return len >= 3 ? 0 : -1;
}

/* [+-]hh[:mm[:ss]], hh <= maxh; seconds (sign applied). */
static int hms(tz_text *s, int maxh, int32_t *out) {
  int sign = 1, h, mi = 0, se = 0;
  if (at(s, '+') || at(s, '-')) sign = *s->p++ == '-' ? -1 : 1;
  if (num(s, 3, maxh, &h)) return -1;
  if (at(s, ':')) {
    s->p++;
    if (s->e - s->p < 2 || !is_digit(s->p[0]) || !is_digit(s->p[1]) || num(s, 2, 59, &mi))
      return -1;
    if (at(s, ':')) {
      s->p++;
      if (s->e - s->p < 2 || !is_digit(s->p[0]) || !is_digit(s->p[1]) || num(s, 2, 59, &se))
        return -1;
    }
  }
  *out = sign * (h * 3600 + mi * 60 + se);
  return 0;
}

/* date[/time] */
static int rule_date(tz_text *s, tz_date *d) {
  int a, b, c;
  memset(d, 0, sizeof *d);
  if (at(s, 'J')) {
    s->p++;
    if (num(s, 3, 365, &a) || a < 1) return -1;
    d->kind = D_JULIAN;
    d->day = (uint16_t)a;
  } else if (at(s, 'M')) {
    s->p++;
    if (num(s, 2, 12, &a) || a < 1 || !at(s, '.')) return -1;
    s->p++;
    if (num(s, 1, 5, &b) || b < 1 || !at(s, '.')) return -1;
    s->p++;
    if (num(s, 1, 6, &c)) return -1;
    d->kind = D_MWD;
    d->mon = (uint8_t)a;
    d->week = (uint8_t)b;
    d->wday = (uint8_t)c;
  } else {
    if (num(s, 3, 365, &a)) return -1;
    d->kind = D_ZERO;
    d->day = (uint16_t)a;
  }
  d->secs = 2 * 3600;
  if (at(s, '/')) {
    s->p++;
    /* RFC 8536 3.3.1 (version 3): -167..167 hours; accepted in any version. */
    if (hms(s, 167, &d->secs)) return -1;
  }
  return 0;
}

static const char *parse_posix(const char *text, size_t len, tz_rule *r) {
  memset(r, 0, sizeof *r);
  if (len == 0) return NULL; /* text may be NULL (version 1) */
  tz_text s = {text, text + len};
  int32_t v;
  r->present = 1;
  if (name(&s)) return "footer: bad standard time name";
  if (hms(&s, 24, &v)) return "footer: bad standard time offset";
  r->std_off = -v; /* POSIX offsets are west of Greenwich */
  if (s.p == s.e) return NULL;
  if (name(&s)) return "footer: bad daylight time name";
  r->has_dst = 1;
  r->dst_off = r->std_off + 3600;
  if (s.p < s.e && (is_digit(*s.p) || *s.p == '+' || *s.p == '-')) {
    if (hms(&s, 24, &v)) return "footer: bad daylight time offset";
    r->dst_off = -v;
  }
  if (r->dst_off < OFF_MIN || r->dst_off > OFF_MAX) return "footer: daylight offset out of range";
  if (!at(&s, ',')) return "footer: daylight time without rules";
  s.p++;
  if (rule_date(&s, &r->start)) return "footer: bad start rule";
  if (!at(&s, ',')) return "footer: missing end rule";
  s.p++;
  if (rule_date(&s, &r->end)) return "footer: bad end rule";
  if (s.p != s.e) return "footer: trailing characters";
  r->changes = (uint8_t)rule_changes(r);
  return NULL;
}

/* ---------------------------------------------------------- TZif parsing */

static int bad(char *why, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int bad(char *why, size_t cap, const char *fmt, ...) {
  if (why && cap) {
    va_list ap;
    va_start(ap, fmt);
    int k = snprintf(why, cap, "TZif: ");
    if (k >= 0 && (size_t)k < cap) vsnprintf(why + k, cap - (size_t)k, fmt, ap);
    va_end(ap);
  }
  return SIREN_EINVAL;
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Two's complement without implementation-defined conversions. */
static int32_t s32(uint32_t u) { return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1; }

static int64_t be_time(const uint8_t *p, unsigned tsz) {
  if (tsz == 4) return s32(be32(p));
  uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);
  return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

typedef struct tz_hdr {
  uint8_t version;
  uint32_t isut, isstd, leap, time, type, chr;
} tz_hdr;

#define HDR_LEN 44u

static void read_hdr(const uint8_t *p, tz_hdr *h) {
  h->version = p[4];
  h->isut = be32(p + 20);
  h->isstd = be32(p + 24);
  h->leap = be32(p + 28);
  h->time = be32(p + 32);
  h->type = be32(p + 36);
  h->chr = be32(p + 40);
}

/* Bytes of the data block after header h (at most ~ 2^36: no overflow). */
static uint64_t block_len(const tz_hdr *h, unsigned tsz) {
  return (uint64_t)h->time * (tsz + 1) + (uint64_t)h->type * 6 + h->chr +
         (uint64_t)h->leap * (tsz + 4) + h->isstd + h->isut;
}

/* Checks the data block b (whose length block_len() was checked). */
static int check_block(const uint8_t *b, const tz_hdr *h, unsigned tsz, char *why, size_t cap) {
  if (h->type == 0) return bad(why, cap, "typecnt is zero");
  if (h->type > 256) return bad(why, cap, "typecnt %u is more than 256", (unsigned)h->type);
  if (h->chr == 0) return bad(why, cap, "charcnt is zero");
  if (h->isut != 0 && h->isut != h->type)
    return bad(why, cap, "isutcnt %u is neither 0 nor typecnt", (unsigned)h->isut);
  if (h->isstd != 0 && h->isstd != h->type)
    return bad(why, cap, "isstdcnt %u is neither 0 nor typecnt", (unsigned)h->isstd);
  const uint8_t *tt = b, *ti = tt + (size_t)h->time * tsz, *ty = ti + h->time;
  const uint8_t *ch = ty + (size_t)h->type * 6, *lp = ch + h->chr;
  const uint8_t *sd = lp + (size_t)h->leap * (tsz + 4), *ut = sd + h->isstd;
  for (uint32_t i = 0; i < h->time; i++) {
    if (i > 0 && be_time(tt + (size_t)i * tsz, tsz) <= be_time(tt + (size_t)(i - 1) * tsz, tsz))
      return bad(why, cap, "transition %u is not after the one before", (unsigned)i);
    if (ti[i] >= h->type)
      return bad(why, cap, "transition %u has type %u of %u", (unsigned)i, ti[i],
                 (unsigned)h->type);
  }
  for (uint32_t i = 0; i < h->type; i++) {
    const uint8_t *t = ty + (size_t)i * 6;
    int64_t off = s32(be32(t));
    if (off < OFF_MIN || off > OFF_MAX)
      return bad(why, cap, "type %u offset %lld out of range", (unsigned)i, (long long)off);
    if (t[4] > 1) return bad(why, cap, "type %u isdst is %u", (unsigned)i, t[4]);
    if (t[5] >= h->chr || !memchr(ch + t[5], 0, h->chr - t[5]))
      return bad(why, cap, "type %u has a bad abbreviation index", (unsigned)i);
  }
  /* Leap second records are read and ignored (siren uses POSIX time), but
   * they must be in order. */
  for (uint32_t i = 1; i < h->leap; i++)
    if (be_time(lp + (size_t)i * (tsz + 4), tsz) <= be_time(lp + (size_t)(i - 1) * (tsz + 4), tsz))
      return bad(why, cap, "leap second record %u is not after the one before", (unsigned)i);
  for (uint32_t i = 0; i < h->isstd; i++)
    if (sd[i] > 1) return bad(why, cap, "standard/wall indicator %u is %u", (unsigned)i, sd[i]);
  for (uint32_t i = 0; i < h->isut; i++) {
    if (ut[i] > 1) return bad(why, cap, "UT/local indicator %u is %u", (unsigned)i, ut[i]);
    if (ut[i] && (h->isstd == 0 || !sd[i]))
      return bad(why, cap, "UT indicator %u set without its standard indicator", (unsigned)i);
  }
  return 0;
}

static int version_ok(uint8_t v) { return v == 0 || v == '2' || v == '3' || v == '4'; }

static int64_t off_at(const sr_zone *z, int64_t t, int *isdst);

int sr_zone_parse(const sr_mem *m, const void *data, size_t len, sr_zone **out, char *why,
                  size_t whycap) {
  if (why && whycap) why[0] = '\0';
  if (!out) return SIREN_EINVAL;
  *out = NULL;
  if (!m) return SIREN_EINVAL;
  const uint8_t *d = data;
  if (len > SR_ZONE_MAX_BYTES)
    return bad(why, whycap, "%zu bytes is more than the %u accepted", len, SR_ZONE_MAX_BYTES);
  if (!d || len < HDR_LEN) return bad(why, whycap, "truncated header");
  if (memcmp(d, "TZif", 4) != 0) return bad(why, whycap, "bad magic");
  tz_hdr h;
  read_hdr(d, &h);
  if (!version_ok(h.version)) return bad(why, whycap, "unknown version byte 0x%02x", h.version);
  uint64_t pos = HDR_LEN, blen = block_len(&h, 4);
  if (blen > len - pos) return bad(why, whycap, "truncated v1 data block");
  unsigned tsz = 4;
  const char *foot = NULL;
  size_t footlen = 0;
  if (h.version == 0) {
    if (pos + blen != len) return bad(why, whycap, "bytes after the v1 data block");
  } else {
    /* Version 2+: the v1 block is only skipped (RFC 8536 4: readers of
     * version 2+ ignore it); the 64-bit block and the footer follow. */
    pos += blen;
    if (len - pos < HDR_LEN) return bad(why, whycap, "truncated v2 header");
    if (memcmp(d + pos, "TZif", 4) != 0) return bad(why, whycap, "bad v2 magic");
    uint8_t v1 = h.version;
    read_hdr(d + pos, &h);
    if (h.version != v1) return bad(why, whycap, "v2 header version differs from the first");
    pos += HDR_LEN;
    tsz = 8;
    blen = block_len(&h, 8);
    if (blen > len - pos) return bad(why, whycap, "truncated v2 data block");
    size_t fp = (size_t)(pos + blen);
    if (fp >= len || d[fp] != '\n') return bad(why, whycap, "missing footer");
    const uint8_t *nl = memchr(d + fp + 1, '\n', len - fp - 1);
    if (!nl) return bad(why, whycap, "unterminated footer");
    if ((size_t)(nl - d) + 1 != len) return bad(why, whycap, "bytes after the footer");
    foot = (const char *)d + fp + 1;
    footlen = (size_t)(nl - (d + fp + 1));
  }
  const uint8_t *b = d + pos;
  int rc = check_block(b, &h, tsz, why, whycap);
  if (rc) return rc;
  tz_rule rule;
  const char *ferr = parse_posix(foot, footlen, &rule);
  if (ferr) {
    char shown[48]; /* the string, cut, with anything unprintable as '?' */
    size_t k = 0;
    for (; k < footlen && k < sizeof shown - 1; k++)
      shown[k] = foot[k] >= 0x20 && foot[k] < 0x7f ? foot[k] : '?';
    shown[k] = '\0';
    return bad(why, whycap, "%s \"%s%s\"", ferr, shown, k < footlen ? "..." : "");
  }

  size_t n = h.time;
  size_t size = sizeof(sr_zone) + n * (sizeof(int64_t) + sizeof(int32_t) + sizeof(uint32_t) + 1);
  sr_zone *z = sr_alloc(m, size);
  if (!z) return SIREN_ENOMEM;
  memset(z, 0, sizeof *z);
  z->n = n;
  z->rule = rule;
  z->off = (int32_t *)(void *)(z->trans + n);
  z->chg = (uint32_t *)(void *)(z->off + n);
  z->dst = (uint8_t *)(z->chg + n);
  const uint8_t *ti = b + n * tsz, *ty = ti + n;
  z->type0_off = s32(be32(ty));
  z->type0_dst = ty[4];
  for (size_t i = 0; i < n; i++) {
    const uint8_t *t = ty + (size_t)ti[i] * 6;
    z->trans[i] = be_time(b + i * tsz, tsz);
    z->off[i] = s32(be32(t));
    z->dst[i] = t[4];
  }
  if (n > 0 && rule.present) {
    /* The rule, not the table, holds from the last transition on. */
    int isdst;
    z->off[n - 1] = (int32_t)off_at(z, z->trans[n - 1], &isdst);
    z->dst[n - 1] = (uint8_t)isdst;
  }
  uint32_t next = (uint32_t)n;
  for (size_t i = n; i-- > 0;) {
    int32_t before = i ? z->off[i - 1] : z->type0_off;
    if (z->off[i] != before) next = (uint32_t)i;
    z->chg[i] = next;
  }
  *out = z;
  return 0;
}

sr_zone *sr_zone_utc(const sr_mem *m) {
  sr_zone *z = sr_alloc(m, sizeof *z);
  if (!z) return NULL;
  memset(z, 0, sizeof *z); /* no transitions, no rule: type 0 is UTC */
  return z;
}

void sr_zone_free(const sr_mem *m, sr_zone *z) { sr_free(m, z); }

/* ------------------------------------------------------------ conversions */

/* Index of the last transition at or before t (the caller knows trans[0] <= t). */
static size_t last_at_or_before(const sr_zone *z, int64_t t) {
  size_t lo = 0, hi = z->n; /* trans[lo] <= t < trans[hi] (hi = n: +inf) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (z->trans[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/* The offset in force at t (seconds). */
static int64_t off_at(const sr_zone *z, int64_t t, int *isdst) {
  size_t n = z->n;
  if (n == 0 || t < z->trans[0]) {
    if (n == 0 && z->rule.present) return rule_off(&z->rule, t, isdst);
    if (isdst) *isdst = z->type0_dst;
    return z->type0_off;
  }
  if (t >= z->trans[n - 1] && z->rule.present) return rule_off(&z->rule, t, isdst);
  size_t i = last_at_or_before(z, t);
  if (isdst) *isdst = z->dst[i];
  return z->off[i];
}

/* The least T > t at which the offset changes, or NONE. */
static int64_t next_change(const sr_zone *z, int64_t t) {
  size_t n = z->n;
  if (n > 0 && t < z->trans[n - 1]) {
    size_t i = t < z->trans[0] ? 0 : last_at_or_before(z, t) + 1; /* first trans > t */
    uint32_t j = z->chg[i];
    if (j < n) return z->trans[j];
    if (!z->rule.present) return NONE;
    t = z->trans[n - 1];
  }
  return z->rule.present ? rule_next(&z->rule, t) : NONE;
}

static int64_t sec_of(int64_t ms) { return floor_div(ms, 1000); }

static int64_t ms_of(int64_t s) {
  if (s > INT64_MAX / 1000) return INT64_MAX;
  if (s < INT64_MIN / 1000) return INT64_MIN;
  return s * 1000;
}

int32_t sr_zone_offset(const sr_zone *z, int64_t t_ms, int *isdst) {
  return (int32_t)off_at(z, sec_of(t_ms), isdst);
}

int64_t sr_zone_to_local(const sr_zone *z, int64_t t_ms) {
  int64_t t = sec_of(t_ms);
  return t + off_at(z, t, NULL);
}

/*
 * Every instant t with t + offset(t) == L lies in [L - OFF_MAX, L - OFF_MIN].
 * Walk the pieces of constant offset that cover that window in time order:
 * each piece [a, b) with offset o holds the solution L - o when a <= L - o
 * < b. No solution: the wall clock jumped over L at a change b, from below
 * (b + o_before <= L) to above (L < b + o_after); the first such b is the
 * transition that opened the gap.
 */
int64_t sr_zone_to_utc(const sr_zone *z, int64_t local_s, int *kind) {
  int64_t L = local_s < -LOCAL_LIMIT ? -LOCAL_LIMIT : local_s > LOCAL_LIMIT ? LOCAL_LIMIT : local_s;
  int64_t lo = L - OFF_MAX, hi = L - OFF_MIN;
  int64_t t = lo, o = off_at(z, t, NULL), first = 0, gap = NONE;
  int count = 0;
  for (;;) {
    int64_t b = next_change(z, t), c = L - o;
    if (c >= t && c < b && count++ == 0) first = c;
    if (b == NONE || b > hi) break;
    int64_t o2 = off_at(z, b, NULL);
    if (gap == NONE && b + o <= L && L < b + o2) gap = b;
    t = b;
    o = o2;
  }
  int k = count == 1 ? SR_LOCAL_UNIQUE : count > 1 ? SR_LOCAL_OVERLAP : SR_LOCAL_GAP;
  if (kind) *kind = k;
  if (count) return ms_of(first);
  if (gap != NONE) return ms_of(gap);
  return ms_of(L - off_at(z, L, NULL)); /* not reached: see above */
}

int64_t sr_zone_next_transition(const sr_zone *z, int64_t t_ms) {
  int64_t t = next_change(z, sec_of(t_ms));
  return t == NONE ? INT64_MAX : ms_of(t);
}
