/*
 * On-call rotations, their overrides, and ONCALL_SCHEDULE contacts.
 *
 * Who is on call is a pure function of a rotation's definition, its zone, its
 * overrides and an instant (state_at below). Everything else is built on it:
 *
 *   - listings (shifts, coverage gaps) walk from boundary to boundary, where a
 *     boundary is a hand-off point, a coverage edge or an override edge;
 *   - a schedule run resolves who is on call at the instant it starts and
 *     engages them (sr_schedule_engage), or holds until someone is;
 *   - each rotation keeps one SHIFT timer at its next change (or the notice
 *     before it): firing it announces the shift that starts.
 *
 * The state functions never allocate: commit steps call them with scratch
 * buffers that prepare steps sized (rs->scratch, 5 sets of rot_bound()).
 * Zones come from the host as TZif bytes and travel hex-encoded inside the
 * rotation's record, so replay does not depend on the host's tzdata.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tz.h"
#include "util/civil.h"

#define SR_MAX_ROT_CONTACTS 30
#define SR_MAX_HANDOFFS 64
#define SR_MAX_COVERAGES 64
#define SR_MAX_SCHED_ROTATIONS 8
#define SR_DAY_S INT64_C(86400)
#define SR_DAY_MS (SR_DAY_S * 1000)
#define SR_HOLD_HORIZON_MS (INT64_C(31) * SR_DAY_MS)
/* Instants siren accepts in rotations: years 1-9999, far enough from the
 * ends of int64 that day arithmetic never overflows. */
#define SR_TIME_MIN (-INT64_C(62135596800000))
#define SR_TIME_MAX INT64_C(253402300799000)

typedef struct sr_ovr {
  uint64_t id;
  uint8_t mode;
  int64_t start, end, created;
  uint32_t count;
  uint32_t *contacts;  /* contact indices */
  const char **names;  /* their aliases, for get */
} sr_ovr;

typedef struct sr_rot {
  char *name;                  /* its own allocation: stable while the engine lives */
  char *zone_name;             /* in block */
  void *block;                 /* one allocation for the arrays below */
  sr_zone *zone;
  int64_t start;
  uint8_t recurrence, deleted;
  uint32_t multiplier, on_calls, notice;
  uint32_t contact_count, handoff_count, coverage_count;
  uint32_t *contacts;          /* contact indices, shift order */
  const char **names;          /* their aliases */
  siren_handoff *handoffs;     /* sorted by minute */
  siren_coverage *coverages;
  sr_ovr *ovr;                 /* creation order */
  size_t ovr_count, ovr_cap;
  uint32_t gen;                /* bumped when the definition or overrides change */
  int64_t next_change;         /* the SHIFT timer's boundary, or INT64_MAX */
  uint8_t notice_done;         /* the notice before next_change went out */
} sr_rot;

typedef struct sr_rotstate {
  sr_rot *rots;
  size_t count, cap;
  uint32_t live;
  sr_map names;
  uint64_t next_override_id;
  uint32_t *scratch;           /* 4 sets of the largest rot_bound() */
  size_t scratch_cap;
  /* prepare -> commit */
  sr_rot pending;              /* ROTATION_SET: the new definition */
  sr_ovr pending_ovr;          /* OVERRIDE_CREATE */
  uint32_t *pending_rots;      /* SCHEDULE_SET */
  char *text;                  /* commit: "a,b,c" of a shift's contacts */
  size_t text_cap;
  /* Query results: valid until the next call. */
  const char **qnames;
  size_t qnames_cap;
} sr_rotstate;

/* One rotation's on-call state at an instant. */
typedef struct rstate {
  uint32_t *set, n;   /* on call, after overrides */
  uint32_t *reg, nreg; /* the regular contacts (inside coverage) */
  int64_t index;      /* regular shift number, -1 before the start */
  uint8_t overridden; /* an override is in force */
  int64_t reg_end;    /* end of the regular shift (next hand-off), INT64_MAX none */
} rstate;

/* ------------------------------------------------------------ utilities */

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static unsigned iso_weekday(int64_t day) {
  unsigned w = sr_weekday(day); /* 0 = Sunday */
  return w == 0 ? 7 : w;
}

static uint32_t rot_bound(const sr_rot *ro) {
  size_t b = ro->contact_count;
  for (size_t i = 0; i < ro->ovr_count; i++) b += ro->ovr[i].count;
  return (uint32_t)b;
}

int sr_valid_rotation_name(const char *s, size_t n) {
  if (n < 1 || n > SR_MAX_NAME) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '.' || c == '-' || c == ' '))
      return 0;
  }
  return 1;
}

/* IANA names only: "UTC" or Area/Location. Abbreviations ("PST", "EST") are
 * ambiguous or legacy and refused. */
int sr_valid_zone_name(const char *s) {
  size_t n = strlen(s);
  if (strcmp(s, "UTC") == 0) return 1;
  if (n < 3 || n > 64 || s[0] == '/' || s[n - 1] == '/' || !strchr(s, '/') || strstr(s, ".."))
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-' || *s == '+' || *s == '/'))
      return 0;
  return 1;
}

static int is_builtin_utc(const char *s) {
  return strcmp(s, "UTC") == 0 || strcmp(s, "Etc/UTC") == 0;
}

static sr_rotstate *rs_get(siren_engine *e) {
  if (!e->rots) {
    e->rots = sr_calloc(&e->mem, 1, sizeof(sr_rotstate));
    if (e->rots) e->rots->next_override_id = 1;
  }
  return e->rots;
}

static sr_rot *rot_find(const siren_engine *e, const char *name, uint32_t *index) {
  uint32_t i;
  if (!e->rots || !name || !sr_map_get(&e->rots->names, name, &i)) return NULL;
  if (index) *index = i;
  return &e->rots->rots[i];
}

int sr_rotations_present(const siren_engine *e) { return e->rots && e->rots->count > 0; }

/* --------------------------------------------------------- hand-off points */

/* The hand-off points on local day `day`, as instants (ms), non-decreasing.
 * out holds SR_MAX_HANDOFFS. */
static size_t day_points(const sr_rot *ro, int64_t day, int64_t *out) {
  unsigned wd = iso_weekday(day), m = 0, d = 0, md = 0;
  int64_t y = 0;
  if (ro->recurrence == SIREN_RECUR_MONTHLY) {
    sr_civil_from_days(day, &y, &m, &d);
    md = sr_month_days(y, m);
  }
  size_t n = 0;
  for (uint32_t i = 0; i < ro->handoff_count; i++) {
    const siren_handoff *h = &ro->handoffs[i];
    int match = ro->recurrence == SIREN_RECUR_DAILY ||
                (ro->recurrence == SIREN_RECUR_WEEKLY && h->day == wd) ||
                (ro->recurrence == SIREN_RECUR_MONTHLY && (h->day < md ? h->day : md) == d);
    if (match) out[n++] = sr_zone_to_utc(ro->zone, day * SR_DAY_S + (int64_t)h->minute * 60, NULL);
  }
  return n;
}

/* How many points fall on local days d0..d1, all of them counted. */
static int64_t full_days_count(const sr_rot *ro, int64_t d0, int64_t d1) {
  int64_t total = 0, H = ro->handoff_count;
  if (d1 < d0) return 0;
  if (ro->recurrence == SIREN_RECUR_DAILY) return (d1 - d0 + 1) * H;
  int64_t pts[SR_MAX_HANDOFFS];
  int64_t d = d0;
  while (d <= d1) {
    if (ro->recurrence == SIREN_RECUR_WEEKLY && iso_weekday(d) == 1 && d + 6 <= d1) {
      int64_t weeks = (d1 - d + 1) / 7;
      total += weeks * H;
      d += weeks * 7;
      continue;
    }
    if (ro->recurrence == SIREN_RECUR_MONTHLY) {
      int64_t y;
      unsigned m, dd;
      sr_civil_from_days(d, &y, &m, &dd);
      unsigned md = sr_month_days(y, m);
      if (dd == 1 && d + md - 1 <= d1) {
        total += H;
        d += md;
        continue;
      }
    }
    total += (int64_t)day_points(ro, d, pts);
    d++;
  }
  return total;
}

static int64_t local_day(const sr_rot *ro, int64_t t) {
  return floordiv(sr_zone_to_local(ro->zone, t), SR_DAY_S);
}

/* Points p with a < p <= b. Days within two of either end are checked point by
 * point (an offset change moves a point by up to a day); the days between are
 * counted whole. */
static int64_t points_between(const sr_rot *ro, int64_t a, int64_t b) {
  if (b <= a) return 0;
  int64_t la = local_day(ro, a), lb = local_day(ro, b), pts[SR_MAX_HANDOFFS], n = 0;
  int64_t lo_end = lb - la <= 8 ? lb + 2 : la + 2;
  for (int64_t d = la - 2; d <= lo_end; d++) {
    size_t k = day_points(ro, d, pts);
    for (size_t i = 0; i < k; i++) n += pts[i] > a && pts[i] <= b;
  }
  if (lb - la <= 8) return n;
  n += full_days_count(ro, la + 3, lb - 3);
  for (int64_t d = lb - 2; d <= lb + 2; d++) {
    size_t k = day_points(ro, d, pts);
    for (size_t i = 0; i < k; i++) n += pts[i] > a && pts[i] <= b;
  }
  return n;
}

/* The j-th point strictly after t (j >= 1). Points recur at least monthly, so
 * the walk ends. */
static int64_t nth_point_after(const sr_rot *ro, int64_t t, int64_t j) {
  int64_t pts[SR_MAX_HANDOFFS];
  for (int64_t d = local_day(ro, t) - 2;; d++) {
    size_t k = day_points(ro, d, pts);
    for (size_t i = 0; i < k; i++)
      if (pts[i] > t && --j == 0) return pts[i];
  }
}

/* The j-th point at or before t counting back (j = 1: the last one <= t). */
static int64_t nth_point_back(const sr_rot *ro, int64_t t, int64_t j) {
  int64_t pts[SR_MAX_HANDOFFS];
  for (int64_t d = local_day(ro, t) + 2;; d--) {
    size_t k = day_points(ro, d, pts);
    for (size_t i = k; i-- > 0;)
      if (pts[i] <= t && --j == 0) return pts[i];
  }
}

/* ---------------------------------------------------------------- state */

static int covered(const sr_rot *ro, int64_t t) {
  if (ro->coverage_count == 0) return 1;
  int64_t w = sr_zone_to_local(ro->zone, t);
  int64_t day = floordiv(w, SR_DAY_S);
  int64_t sod = w - day * SR_DAY_S;
  unsigned wd = iso_weekday(day), yd = wd == 1 ? 7 : wd - 1;
  for (uint32_t i = 0; i < ro->coverage_count; i++) {
    const siren_coverage *c = &ro->coverages[i];
    int64_t s = (int64_t)c->start_minute * 60, en = (int64_t)c->end_minute * 60;
    if (en > s) {
      if (c->day == wd && sod >= s && sod < en) return 1;
    } else { /* past midnight */
      if (c->day == wd && sod >= s) return 1;
      if (c->day == yd && sod < en) return 1;
    }
  }
  return 0;
}

/* The next coverage edge strictly after t, or INT64_MAX. */
static int64_t next_coverage_edge(const sr_rot *ro, int64_t t) {
  if (ro->coverage_count == 0) return INT64_MAX;
  int64_t best = INT64_MAX, d0 = local_day(ro, t);
  for (int64_t d = d0 - 1; d <= d0 + 8; d++) {
    unsigned wd = iso_weekday(d);
    for (uint32_t i = 0; i < ro->coverage_count; i++) {
      const siren_coverage *c = &ro->coverages[i];
      if (c->day != wd) continue;
      int64_t s = d * SR_DAY_S + (int64_t)c->start_minute * 60;
      int64_t en = (c->end_minute > c->start_minute ? d : d + 1) * SR_DAY_S +
                   (int64_t)c->end_minute * 60;
      int64_t u = sr_zone_to_utc(ro->zone, s, NULL);
      if (u > t && u < best) best = u;
      u = sr_zone_to_utc(ro->zone, en, NULL);
      if (u > t && u < best) best = u;
    }
  }
  return best;
}

static int has(const uint32_t *v, uint32_t n, uint32_t x) {
  for (uint32_t i = 0; i < n; i++)
    if (v[i] == x) return 1;
  return 0;
}

/* Who is on call in ro at t (st->set and st->reg sized rot_bound()). */
static void state_at(const sr_rot *ro, const sr_ovr *ovr, size_t novr, int64_t t, rstate *st) {
  st->n = st->nreg = 0;
  st->overridden = 0;
  st->index = -1;
  st->reg_end = INT64_MAX;
  if (t >= ro->start) {
    int64_t n = points_between(ro, ro->start, t);
    int64_t k = n / ro->multiplier;
    st->index = k;
    st->reg_end = nth_point_after(ro, t, (k + 1) * ro->multiplier - n);
    if (covered(ro, t)) {
      uint64_t base = (uint64_t)(k % ro->contact_count) * ro->on_calls;
      for (uint32_t i = 0; i < ro->on_calls; i++) {
        uint32_t c = ro->contacts[(base + i) % ro->contact_count];
        if (!has(st->reg, st->nreg, c)) st->reg[st->nreg++] = c;
      }
    }
  } else {
    st->reg_end = ro->start;
  }
  memcpy(st->set, st->reg, st->nreg * sizeof(uint32_t));
  st->n = st->nreg;
  for (size_t i = 0; i < novr; i++) {
    const sr_ovr *o = &ovr[i];
    if (t < o->start || t >= o->end) continue;
    st->overridden = 1;
    if (o->mode == SIREN_OVERRIDE_REPLACE) st->n = 0;
    if (o->mode == SIREN_OVERRIDE_REMOVE) {
      uint32_t w = 0;
      for (uint32_t j = 0; j < st->n; j++)
        if (!has(o->contacts, o->count, st->set[j])) st->set[w++] = st->set[j];
      st->n = w;
    } else {
      for (uint32_t j = 0; j < o->count; j++)
        if (!has(st->set, st->n, o->contacts[j])) st->set[st->n++] = o->contacts[j];
    }
  }
}

static int same_state(const rstate *a, const rstate *b) {
  return a->n == b->n && a->index == b->index && a->overridden == b->overridden &&
         memcmp(a->set, b->set, a->n * sizeof(uint32_t)) == 0;
}

/* The next instant after t where the state may change. */
static int64_t next_boundary(const sr_rot *ro, const sr_ovr *ovr, size_t novr, int64_t t,
                             const rstate *st) {
  int64_t best = st->reg_end;
  int64_t c = next_coverage_edge(ro, t);
  if (c < best) best = c;
  for (size_t i = 0; i < novr; i++) {
    if (ovr[i].start > t && ovr[i].start < best) best = ovr[i].start;
    if (ovr[i].end > t && ovr[i].end < best) best = ovr[i].end;
  }
  return best;
}

/* The next instant after t where the state changes; cur gets the state at
 * t and nx the state from the change on. */
static int64_t next_change(const sr_rot *ro, int64_t t, rstate *cur, rstate *nx) {
  state_at(ro, ro->ovr, ro->ovr_count, t, cur);
  int64_t b = t;
  for (;;) {
    b = next_boundary(ro, ro->ovr, ro->ovr_count, b, b == t ? cur : nx);
    if (b == INT64_MAX) return b;
    state_at(ro, ro->ovr, ro->ovr_count, b, nx);
    if (!same_state(cur, nx)) return b;
  }
}

/* -------------------------------------------------------------- building */

/* Record layout of ROTATION_SET:
 *   ints: is_update, start, recurrence, multiplier, on_calls, notice,
 *         ncontacts, nhandoffs, ncoverages, (day, minute) * nhandoffs,
 *         (day, start, end) * ncoverages
 *   strs: name, zone name, zone TZif bytes in hex ("" = built-in UTC),
 *         contacts...
 */
enum { RI_UPDATE, RI_START, RI_RECUR, RI_MULT, RI_ONCALLS, RI_NOTICE, RI_NC, RI_NH, RI_NCOV,
       RI_FIXED };

static void rot_free(const sr_mem *m, sr_rot *ro) {
  for (size_t i = 0; i < ro->ovr_count; i++) sr_free(m, (void *)ro->ovr[i].names);
  sr_free(m, ro->ovr);
  sr_zone_free(m, ro->zone);
  sr_free(m, ro->name);
  sr_free(m, ro->block);
  memset(ro, 0, sizeof *ro);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Parses the zone carried in a record. */
static int zone_from_rec(siren_engine *e, const sr_str *hex, const char *name, sr_zone **out) {
  if (hex->n == 0) {
    if (!is_builtin_utc(name)) return sr_err(e, SIREN_ECORRUPT, "zone bytes missing");
    *out = sr_zone_utc(&e->mem);
    return *out ? SIREN_OK : SIREN_ENOMEM;
  }
  if (hex->n % 2 || hex->n / 2 > SR_ZONE_MAX_BYTES)
    return sr_err(e, SIREN_ECORRUPT, "zone bytes malformed");
  size_t n = hex->n / 2;
  uint8_t *b = sr_alloc(&e->mem, n);
  if (!b) return SIREN_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(hex->p[2 * i]), lo = hexval(hex->p[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      sr_free(&e->mem, b);
      return sr_err(e, SIREN_ECORRUPT, "zone bytes malformed");
    }
    b[i] = (uint8_t)(hi << 4 | lo);
  }
  char why[160] = "";
  int rc = sr_zone_parse(&e->mem, b, n, out, why, sizeof why);
  sr_free(&e->mem, b);
  if (rc == SIREN_EINVAL) return sr_err(e, SIREN_EINVAL, "time zone \"%s\": %s", name, why);
  return rc;
}

static int cmp_handoff(const siren_handoff *a, const siren_handoff *b) {
  if (a->minute != b->minute) return a->minute < b->minute ? -1 : 1;
  return a->day < b->day ? -1 : a->day > b->day;
}

/* Builds (and validates: the record must obey every rule the command
 * checks) a rotation from a ROTATION_SET record into *ro. */
static int build_rot(siren_engine *e, const sr_rec *r, sr_rot *ro) {
  memset(ro, 0, sizeof *ro);
  const int64_t *v = r->ints;
  if (r->int_count < RI_FIXED || r->str_count < 3)
    return sr_err(e, SIREN_ECORRUPT, "rotation record too short");
  int64_t nc = v[RI_NC], nh = v[RI_NH], ncov = v[RI_NCOV];
  if (nc < 0 || nh < 0 || ncov < 0 || nh > SR_MAX_HANDOFFS || ncov > SR_MAX_COVERAGES ||
      nc > SR_MAX_ROT_CONTACTS || r->int_count != (size_t)(RI_FIXED + 2 * nh + 3 * ncov) ||
      r->str_count != (size_t)(3 + nc))
    return sr_err(e, SIREN_EINVAL, "rotation record malformed: at most %d contacts, %d "
                  "handoffs and %d coverages", SR_MAX_ROT_CONTACTS, SR_MAX_HANDOFFS,
                  SR_MAX_COVERAGES);
  const char *name = r->strs[0].p, *zname = r->strs[1].p;
  if (!sr_valid_rotation_name(name, r->strs[0].n))
    return sr_err(e, SIREN_EINVAL, "name must be 1-255 characters of [A-Za-z0-9_.-] or space");
  if (!sr_valid_zone_name(zname))
    return sr_err(e, SIREN_EINVAL, "time_zone \"%s\" is not an IANA name such as "
                  "America/New_York (abbreviations like PST are ambiguous)", zname);
  if (nc < 1) return sr_err(e, SIREN_EINVAL, "a rotation needs 1-%d contacts", SR_MAX_ROT_CONTACTS);
  int64_t recur = v[RI_RECUR], mult = v[RI_MULT], oc = v[RI_ONCALLS], notice = v[RI_NOTICE];
  if (recur < SIREN_RECUR_DAILY || recur > SIREN_RECUR_MONTHLY)
    return sr_err(e, SIREN_EINVAL, "recurrence must be DAILY, WEEKLY or MONTHLY");
  if (mult < 1 || mult > 100) return sr_err(e, SIREN_EINVAL, "multiplier must be 1-100");
  if (oc < 1 || oc > nc)
    return sr_err(e, SIREN_EINVAL, "on_calls must be 1 to the number of contacts (%d)", (int)nc);
  if (notice < 0 || notice > 1440) return sr_err(e, SIREN_EINVAL, "notice_minutes must be 0-1440");
  if (nh < 1) return sr_err(e, SIREN_EINVAL, "a rotation needs 1-%d handoffs", SR_MAX_HANDOFFS);
  /* Far enough from the ends of int64 that day arithmetic never overflows. */
  if (v[RI_START] < SR_TIME_MIN || v[RI_START] > SR_TIME_MAX)
    return sr_err(e, SIREN_EINVAL, "start_time must be within years 1-9999");
  size_t bytes = r->strs[1].n + 1, pad;
  pad = (8 - bytes % 8) % 8;
  size_t total = bytes + pad + (size_t)nc * (sizeof(uint32_t) + sizeof(char *)) +
                 (size_t)nh * sizeof(siren_handoff) + (size_t)ncov * sizeof(siren_coverage) + 16;
  char *block = sr_alloc(&e->mem, total);
  if (!block) return SIREN_ENOMEM;
  memset(block, 0, total);
  ro->block = block;
  ro->zone_name = block;
  memcpy(ro->zone_name, zname, r->strs[1].n + 1);
  ro->name = sr_strndup(&e->mem, name, r->strs[0].n);
  if (!ro->name) {
    sr_free(&e->mem, block);
    memset(ro, 0, sizeof *ro);
    return SIREN_ENOMEM;
  }
  char *p = block + bytes + pad;
  ro->names = (const char **)(void *)p;
  p += (size_t)nc * sizeof(char *);
  ro->handoffs = (siren_handoff *)(void *)p;
  p += (size_t)nh * sizeof(siren_handoff);
  ro->coverages = (siren_coverage *)(void *)p;
  p += (size_t)ncov * sizeof(siren_coverage);
  ro->contacts = (uint32_t *)(void *)p;
  ro->start = v[RI_START];
  ro->recurrence = (uint8_t)recur;
  ro->multiplier = (uint32_t)mult;
  ro->on_calls = (uint32_t)oc;
  ro->notice = (uint32_t)notice;
  ro->contact_count = (uint32_t)nc;
  ro->handoff_count = (uint32_t)nh;
  ro->coverage_count = (uint32_t)ncov;
  ro->next_change = INT64_MAX;
  int rc = SIREN_OK;
  for (int64_t i = 0; i < nc && !rc; i++) {
    const char *alias = r->strs[3 + i].p;
    const sr_contact *c = sr_contact_find(e, alias, &ro->contacts[i]);
    if (!c)
      rc = sr_err(e, SIREN_ENOTFOUND, "contacts[%d]: unknown contact \"%s\"", (int)i, alias);
    else if (c->type != SIREN_CONTACT_PERSONAL)
      rc = sr_err(e, SIREN_EINVAL, "contacts[%d]: \"%s\" is not a PERSONAL contact", (int)i, alias);
    else
      ro->names[i] = c->alias;
  }
  const int64_t *h = v + RI_FIXED;
  for (int64_t i = 0; i < nh && !rc; i++) {
    int64_t day = h[2 * i], minute = h[2 * i + 1];
    siren_handoff *x = &ro->handoffs[i];
    x->version = SIREN_HANDOFF_VERSION;
    x->minute = (uint32_t)minute;
    x->day = recur == SIREN_RECUR_DAILY ? 0 : (uint32_t)day;
    if (minute < 0 || minute > 1439)
      rc = sr_err(e, SIREN_EINVAL, "handoffs[%d]: minute must be 0-1439", (int)i);
    else if (recur == SIREN_RECUR_WEEKLY && (day < SIREN_MON || day > SIREN_SUN))
      rc = sr_err(e, SIREN_EINVAL, "handoffs[%d]: day must be a day of the week (1-7)", (int)i);
    else if (recur == SIREN_RECUR_MONTHLY && (day < 1 || day > 31))
      rc = sr_err(e, SIREN_EINVAL, "handoffs[%d]: day must be 1-31", (int)i);
    for (int64_t j = 0; j < i && !rc; j++)
      if (cmp_handoff(&ro->handoffs[j], x) == 0)
        rc = sr_err(e, SIREN_EINVAL, "handoffs[%d]: the same as handoffs[%d]", (int)i, (int)j);
  }
  /* Insertion sort by minute: day_points() yields each day's points in order. */
  for (uint32_t i = 1; i < ro->handoff_count && !rc; i++) {
    siren_handoff x = ro->handoffs[i];
    uint32_t j = i;
    for (; j > 0 && cmp_handoff(&ro->handoffs[j - 1], &x) > 0; j--)
      ro->handoffs[j] = ro->handoffs[j - 1];
    ro->handoffs[j] = x;
  }
  const int64_t *cv = h + 2 * nh;
  for (int64_t i = 0; i < ncov && !rc; i++) {
    siren_coverage *x = &ro->coverages[i];
    x->version = SIREN_COVERAGE_VERSION;
    if (cv[3 * i] < SIREN_MON || cv[3 * i] > SIREN_SUN)
      rc = sr_err(e, SIREN_EINVAL, "coverages[%d]: day must be a day of the week (1-7)", (int)i);
    else if (cv[3 * i + 1] < 0 || cv[3 * i + 1] > 1439 || cv[3 * i + 2] < 0 || cv[3 * i + 2] > 1439)
      rc = sr_err(e, SIREN_EINVAL, "coverages[%d]: start and end must be 0-1439", (int)i);
    x->day = (uint32_t)cv[3 * i];
    x->start_minute = (uint32_t)cv[3 * i + 1];
    x->end_minute = (uint32_t)cv[3 * i + 2];
  }
  if (!rc) rc = zone_from_rec(e, &r->strs[2], zname, &ro->zone);
  if (rc) {
    rot_free(&e->mem, ro);
    return rc;
  }
  return SIREN_OK;
}

static const char hexdigits[] = "0123456789abcdef";

int sr_zone_fetch(siren_engine *e, const char *name, const void **data, size_t *len) {
  *data = NULL;
  *len = 0;
  if (e->host.version >= 3 && e->host.load_zone) {
    e->busy++;
    int rc = e->host.load_zone(name, data, len, e->ud);
    e->busy--;
    if (rc) {
      *data = NULL;
      return sr_err(e, SIREN_ECALLBACK, "the load_zone callback failed (%d)", rc);
    }
  }
  if (!*data) {
    if (is_builtin_utc(name)) return SIREN_OK;
    return sr_err(e, SIREN_ENOTFOUND, "unknown time zone \"%s\"%s", name,
                  e->host.version >= 3 && e->host.load_zone
                      ? ""
                      : " (the host has no load_zone: only UTC is known)");
  }
  if (*len == 0 || *len > SR_ZONE_MAX_BYTES)
    return sr_err(e, SIREN_EINVAL, "time zone \"%s\": %zu bytes is not a TZif file", name, *len);
  return SIREN_OK;
}

/* Loads a zone's bytes through the host into a hex string (NULL = built-in). */
static int load_zone_hex(siren_engine *e, const char *name, char **hex) {
  *hex = NULL;
  const void *data;
  size_t len;
  int rc = sr_zone_fetch(e, name, &data, &len);
  if (rc || !data) return rc;
  char *h = sr_alloc(&e->mem, 2 * len + 1);
  if (!h) return sr_err(e, SIREN_ENOMEM, "out of memory");
  const uint8_t *b = data;
  for (size_t i = 0; i < len; i++) {
    h[2 * i] = hexdigits[b[i] >> 4];
    h[2 * i + 1] = hexdigits[b[i] & 15];
  }
  h[2 * len] = '\0';
  *hex = h;
  return SIREN_OK;
}

/* Fills a ROTATION_SET record from the public struct (the zone loaded).
 * *hex is owned by the caller afterwards. */
static int put_rotation(siren_engine *e, sr_rec *r, const siren_rotation *d, int update,
                        char **hex) {
  *hex = NULL;
  if (d->version == 0 || d->version > SIREN_ROTATION_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_rotation version %u", d->version);
  if (!d->name) return sr_err(e, SIREN_EINVAL, "name is NULL");
  if (!d->time_zone) return sr_err(e, SIREN_EINVAL, "time_zone is NULL");
  if (d->contact_count > SR_MAX_ROT_CONTACTS || (d->contact_count && !d->contacts))
    return sr_err(e, SIREN_EINVAL, "contacts: 1-%d aliases", SR_MAX_ROT_CONTACTS);
  if (d->handoff_count > SR_MAX_HANDOFFS || (d->handoff_count && !d->handoffs))
    return sr_err(e, SIREN_EINVAL, "handoffs: 1-%d settings", SR_MAX_HANDOFFS);
  if (d->coverage_count > SR_MAX_COVERAGES || (d->coverage_count && !d->coverages))
    return sr_err(e, SIREN_EINVAL, "coverages: 0-%d windows", SR_MAX_COVERAGES);
  for (size_t i = 0; i < d->contact_count; i++)
    if (!d->contacts[i]) return sr_err(e, SIREN_EINVAL, "contacts[%zu] is NULL", i);
  for (size_t i = 0; i < d->handoff_count; i++)
    if (d->handoffs[i].version != SIREN_HANDOFF_VERSION)
      return sr_err(e, SIREN_EVERSION, "handoffs[%zu]: version %u", i, d->handoffs[i].version);
  for (size_t i = 0; i < d->coverage_count; i++)
    if (d->coverages[i].version != SIREN_COVERAGE_VERSION)
      return sr_err(e, SIREN_EVERSION, "coverages[%zu]: version %u", i, d->coverages[i].version);
  if (!sr_valid_zone_name(d->time_zone))
    return sr_err(e, SIREN_EINVAL, "time_zone \"%s\" is not an IANA name such as "
                  "America/New_York (abbreviations like PST are ambiguous)", d->time_zone);
  int rc = load_zone_hex(e, d->time_zone, hex);
  if (rc) return rc;
  const sr_mem *m = &e->mem;
  int bad = sr_rec_int(m, r, update) | sr_rec_int(m, r, d->start_time) |
            sr_rec_int(m, r, d->recurrence) | sr_rec_int(m, r, d->multiplier) |
            sr_rec_int(m, r, d->on_calls) | sr_rec_int(m, r, d->notice_minutes) |
            sr_rec_int(m, r, (int64_t)d->contact_count) |
            sr_rec_int(m, r, (int64_t)d->handoff_count) |
            sr_rec_int(m, r, (int64_t)d->coverage_count);
  for (size_t i = 0; i < d->handoff_count; i++)
    bad |= sr_rec_int(m, r, d->handoffs[i].day) | sr_rec_int(m, r, d->handoffs[i].minute);
  for (size_t i = 0; i < d->coverage_count; i++)
    bad |= sr_rec_int(m, r, d->coverages[i].day) | sr_rec_int(m, r, d->coverages[i].start_minute) |
           sr_rec_int(m, r, d->coverages[i].end_minute);
  bad |= sr_rec_str(m, r, d->name) | sr_rec_str(m, r, d->time_zone) |
         sr_rec_str(m, r, *hex ? *hex : "");
  for (size_t i = 0; i < d->contact_count; i++) bad |= sr_rec_str(m, r, d->contacts[i]);
  return bad ? sr_err(e, SIREN_ENOMEM, "out of memory") : SIREN_OK;
}

/* Builds an override from an OVERRIDE_CREATE record (ints: mode, start, end;
 * strs: rotation, contacts...) for rotation ro. */
static int build_ovr(siren_engine *e, const sr_rec *r, size_t first, const sr_rot *ro,
                     sr_ovr *o) {
  memset(o, 0, sizeof *o);
  if (r->int_count != 3) return sr_err(e, SIREN_ECORRUPT, "override record malformed");
  int64_t mode = r->ints[0], start = r->ints[1], end = r->ints[2];
  size_t n = r->str_count - first;
  if (mode < SIREN_OVERRIDE_REPLACE || mode > SIREN_OVERRIDE_REMOVE)
    return sr_err(e, SIREN_EINVAL, "mode must be REPLACE, ADD or REMOVE");
  if (start >= end) return sr_err(e, SIREN_EINVAL, "an override needs start < end");
  if (start < SR_TIME_MIN || end > SR_TIME_MAX)
    return sr_err(e, SIREN_EINVAL, "an override must lie within years 1-9999");
  if (n > SR_MAX_ROT_CONTACTS)
    return sr_err(e, SIREN_EINVAL, "an override has at most %d contacts", SR_MAX_ROT_CONTACTS);
  /* One block: the alias pointers, then the indices (freed through names). */
  void *block = sr_alloc(&e->mem, n * (sizeof(char *) + sizeof(uint32_t)));
  if (!block) return SIREN_ENOMEM;
  o->names = block;
  o->contacts = (uint32_t *)(void *)(o->names + n);
  o->mode = (uint8_t)mode;
  o->start = start;
  o->end = end;
  o->count = (uint32_t)n;
  for (size_t i = 0; i < n; i++) {
    uint32_t ci;
    const char *alias = r->strs[first + i].p;
    const sr_contact *c = sr_contact_find(e, alias, &ci);
    int rc = SIREN_OK;
    if (!c)
      rc = sr_err(e, SIREN_ENOTFOUND, "contacts[%zu]: unknown contact \"%s\"", i, alias);
    else if (c->type != SIREN_CONTACT_PERSONAL)
      rc = sr_err(e, SIREN_EINVAL, "contacts[%zu]: \"%s\" is not a PERSONAL contact", i, alias);
    else if (mode != SIREN_OVERRIDE_ADD && !has(ro->contacts, ro->contact_count, ci))
      rc = sr_err(e, SIREN_EINVAL, "contacts[%zu]: \"%s\" is not a member of rotation \"%s\"",
                  i, alias, ro->name);
    if (rc) {
      sr_free(&e->mem, o->names);
      o->names = NULL;
      return rc;
    }
    o->contacts[i] = ci;
    o->names[i] = c->alias;
  }
  return SIREN_OK;
}

/* Grows the shared scratch to 5 sets of `bound` (two states and one more). */
static int scratch_reserve(siren_engine *e, sr_rotstate *rs, size_t bound) {
  return sr_grow(&e->mem, (void **)&rs->scratch, &rs->scratch_cap, 5 * bound + 5,
                 sizeof(uint32_t))
             ? SIREN_ENOMEM
             : SIREN_OK;
}

static void states(sr_rotstate *rs, uint32_t bound, rstate *a, rstate *b) {
  uint32_t *s = rs->scratch;
  a->set = s;
  a->reg = s + bound;
  if (b) {
    b->set = s + 2 * bound;
    b->reg = s + 3 * bound;
  }
}

/* ------------------------------------------------------- prepare/commit */

/* The SHIFT timer: at the next change, or at the notice before it. */
static void arm(siren_engine *e, uint32_t ri, int64_t now) {
  sr_rot *ro = &e->rots->rots[ri];
  if (ro->next_change == INT64_MAX) return;
  int64_t due = ro->next_change;
  int64_t lead = (int64_t)ro->notice * SR_MINUTE_MS;
  if (lead && !ro->notice_done && due - lead > now) due -= lead;
  else ro->notice_done = 1;
  sr_timer_push(e, due, SR_TIMER_SHIFT, ri, ro->gen);
}

/* Who was on call before a change. The contacts are kept at the end of the
 * scratch: states() uses at most the first four sets of the largest bound
 * reserved, and an update's old and new definitions may differ in bound. */
typedef struct before_state {
  uint32_t *set, n;
  int64_t index;
  uint8_t overridden;
} before_state;

static void keep_before(sr_rotstate *rs, const rstate *st, before_state *b) {
  b->set = rs->scratch + (rs->scratch_cap - st->n);
  memcpy(b->set, st->set, st->n * sizeof(uint32_t));
  b->n = st->n;
  b->index = st->index;
  b->overridden = st->overridden;
}

static void join_names(const siren_engine *e, const uint32_t *set, uint32_t n, char *out);
static void shift_notice(siren_engine *e, const sr_rot *ro, int64_t t, uint32_t contact,
                         const char *message, int64_t start, int64_t end);

/* Announces the shift that starts at t when it differs from *b: a
 * SHIFT_STARTED event and a "started" notice to each contact coming on. A
 * hand-off between two empty periods (outside coverage) is no shift. */
static void announce(siren_engine *e, int64_t t, uint32_t ri, const rstate *cur,
                     const before_state *b) {
  sr_rotstate *rs = e->rots;
  const sr_rot *ro = &rs->rots[ri];
  int same = cur->n == b->n && memcmp(cur->set, b->set, b->n * sizeof(uint32_t)) == 0 &&
             cur->index == b->index && cur->overridden == b->overridden;
  if (same || (cur->n == 0 && b->n == 0)) return;
  join_names(e, cur->set, cur->n, rs->text);
  siren_event ev;
  sr_event_init(&ev, SIREN_EVENT_SHIFT_STARTED, t);
  ev.rotation = ro->name;
  ev.text = rs->text;
  ev.reason = cur->overridden ? "OVERRIDDEN" : "REGULAR";
  ev.until = ro->next_change == INT64_MAX ? 0 : ro->next_change;
  sr_emit(e, &ev);
  for (uint32_t i = 0; i < cur->n; i++)
    if (!has(b->set, b->n, cur->set[i]))
      shift_notice(e, ro, t, cur->set[i], "started", t, ev.until);
}

/* After a definition or override change at time t (b: who was on call under
 * the old one): a new generation (the old timer goes stale), the next change
 * from t, and the shift that starts now if the change made one. */
static void rearm(siren_engine *e, uint32_t ri, int64_t t, const before_state *b) {
  sr_rotstate *rs = e->rots;
  sr_rot *ro = &rs->rots[ri];
  ro->gen++;
  rstate a, c;
  states(rs, rot_bound(ro), &a, &c);
  ro->next_change = next_change(ro, t, &a, &c); /* a: the state at t */
  ro->notice_done = 0;
  announce(e, t, ri, &a, b);
  arm(e, ri, t);
}

/* The state of rotation ri at t, kept as a before_state. */
static void before_at(siren_engine *e, uint32_t ri, int64_t t, before_state *b) {
  sr_rotstate *rs = e->rots;
  const sr_rot *ro = &rs->rots[ri];
  uint32_t bound = rot_bound(ro);
  rstate a;
  states(rs, bound, &a, NULL);
  state_at(ro, ro->ovr, ro->ovr_count, t, &a);
  keep_before(rs, &a, b);
}

/* Room for the "a,b,c" text of rotation ro's contacts plus extra names. */
static size_t names_len(const sr_rot *ro);
static int text_reserve(siren_engine *e, sr_rotstate *rs, size_t n) {
  return sr_grow(&e->mem, (void **)&rs->text, &rs->text_cap, n + 1, 1) ? SIREN_ENOMEM : SIREN_OK;
}

void sr_rotation_discard(siren_engine *e) {
  sr_rotstate *rs = e->rots;
  if (!rs) return;
  if (rs->pending.name) rot_free(&e->mem, &rs->pending);
  sr_free(&e->mem, (void *)rs->pending_ovr.names);
  memset(&rs->pending_ovr, 0, sizeof rs->pending_ovr);
  sr_free(&e->mem, rs->pending_rots);
  rs->pending_rots = NULL;
}

int sr_rotation_prepare(siren_engine *e, sr_rec *r) {
  sr_rotstate *rs = rs_get(e);
  if (!rs) return SIREN_ENOMEM;
  sr_rot *ro = NULL;
  uint32_t ri = 0;
  if (r->type != SR_REC_SCHEDULE_SET && r->type != SR_REC_ROTATION_SET) {
    if (r->str_count < 1 || !(ro = rot_find(e, r->strs[0].p, &ri)))
      return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", r->str_count ? r->strs[0].p : "");
  }
  switch (r->type) {
  case SR_REC_ROTATION_SET: {
    if (r->int_count < 1) return SIREN_ECORRUPT;
    int update = r->ints[RI_UPDATE] != 0;
    sr_rot *old = r->str_count ? rot_find(e, r->strs[0].p, &ri) : NULL;
    if (update && !old)
      return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", r->str_count ? r->strs[0].p : "");
    if (!update && old)
      return sr_err(e, SIREN_EEXISTS, "rotation \"%s\" already exists", r->strs[0].p);
    int rc = build_rot(e, r, &rs->pending);
    if (rc) return rc;
    if (old) { /* overrides move over: the bound counts them */
      rs->pending.ovr = old->ovr;
      rs->pending.ovr_count = old->ovr_count;
    }
    uint32_t bound = rot_bound(&rs->pending);
    size_t text = names_len(&rs->pending);
    rs->pending.ovr = NULL;
    rs->pending.ovr_count = 0;
    /* The old definition's state is kept in the same scratch. */
    if (old && rot_bound(old) > bound) bound = rot_bound(old);
    if (scratch_reserve(e, rs, bound) || text_reserve(e, rs, text) || sr_timer_reserve(e, 1))
      return SIREN_ENOMEM;
    if ((!update &&
         sr_grow(&e->mem, (void **)&rs->rots, &rs->cap, rs->count + 1, sizeof(sr_rot))) ||
        sr_map_reserve(&e->mem, &rs->names, 1))
      return SIREN_ENOMEM;
    return SIREN_OK;
  }
  case SR_REC_ROTATION_DELETE:
    return r->str_count == 1 && r->int_count == 0 ? SIREN_OK : SIREN_ECORRUPT;
  case SR_REC_OVERRIDE_CREATE: {
    int rc = build_ovr(e, r, 1, ro, &rs->pending_ovr);
    if (rc) return rc;
    size_t text = names_len(ro);
    for (uint32_t i = 0; i < rs->pending_ovr.count; i++) text += strlen(rs->pending_ovr.names[i]) + 1;
    if (sr_grow(&e->mem, (void **)&ro->ovr, &ro->ovr_cap, ro->ovr_count + 1, sizeof(sr_ovr)) ||
        scratch_reserve(e, rs, rot_bound(ro) + rs->pending_ovr.count) ||
        text_reserve(e, rs, text) || sr_timer_reserve(e, 1))
      return SIREN_ENOMEM;
    return SIREN_OK;
  }
  case SR_REC_OVERRIDE_DELETE: {
    if (r->int_count != 1 || r->str_count != 1) return SIREN_ECORRUPT;
    for (size_t i = 0; i < ro->ovr_count; i++)
      if (ro->ovr[i].id == (uint64_t)r->ints[0])
        return text_reserve(e, rs, names_len(ro)) || sr_timer_reserve(e, 1) ? SIREN_ENOMEM
                                                                               : SIREN_OK;
    return sr_err(e, SIREN_ENOTFOUND, "rotation \"%s\" has no override %lld", ro->name,
                  (long long)r->ints[0]);
  }
  case SR_REC_SCHEDULE_SET: {
    uint32_t ci;
    const sr_contact *c = r->str_count ? sr_contact_find(e, r->strs[0].p, &ci) : NULL;
    if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", r->str_count ? r->strs[0].p : "");
    if (c->type != SIREN_CONTACT_ONCALL_SCHEDULE)
      return sr_err(e, SIREN_EINVAL, "\"%s\" is not an ONCALL_SCHEDULE contact", c->alias);
    size_t n = r->str_count - 1;
    if (r->int_count != 1 || (r->ints[0] & ~(int64_t)SIREN_SCHEDULE_HOLD))
      return sr_err(e, SIREN_EINVAL, "unknown schedule flags");
    if (n > SR_MAX_SCHED_ROTATIONS)
      return sr_err(e, SIREN_EINVAL, "a schedule has 0-%d rotations", SR_MAX_SCHED_ROTATIONS);
    rs->pending_rots = sr_alloc(&e->mem, n * sizeof(uint32_t));
    if (!rs->pending_rots) return SIREN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
      if (!rot_find(e, r->strs[1 + i].p, &rs->pending_rots[i]))
        return sr_err(e, SIREN_ENOTFOUND, "rotations[%zu]: no rotation \"%s\"", i,
                      r->strs[1 + i].p);
      for (size_t j = 0; j < i; j++)
        if (rs->pending_rots[j] == rs->pending_rots[i])
          return sr_err(e, SIREN_EINVAL, "rotations[%zu]: listed twice", i);
    }
    return SIREN_OK;
  }
  default:
    return SIREN_ECORRUPT;
  }
}

void sr_rotation_commit(siren_engine *e, sr_rec *r) {
  sr_rotstate *rs = e->rots;
  uint32_t ri = 0;
  sr_rot *ro = r->type == SR_REC_SCHEDULE_SET ? NULL : rot_find(e, r->strs[0].p, &ri);
  switch (r->type) {
  case SR_REC_ROTATION_SET: {
    before_state b;
    if (ro) { /* update: keep the name, the overrides and the timer generation */
      before_at(e, ri, r->time, &b); /* under the old definition */
      sr_rot fresh = rs->pending;
      fresh.ovr = ro->ovr;
      fresh.ovr_count = ro->ovr_count;
      fresh.ovr_cap = ro->ovr_cap;
      fresh.gen = ro->gen;
      ro->ovr = NULL;
      ro->ovr_count = ro->ovr_cap = 0;
      /* The old name stays: it keys the map and callers may hold it. */
      sr_free(&e->mem, fresh.name);
      fresh.name = ro->name;
      ro->name = NULL;
      rot_free(&e->mem, ro);
      *ro = fresh;
    } else {
      ri = (uint32_t)rs->count++;
      ro = &rs->rots[ri];
      *ro = rs->pending;
      sr_map_put(&rs->names, ro->name, ri);
      rs->live++;
      /* A new rotation announces a shift only when one starts right now. */
      before_at(e, ri, r->time - 1, &b);
    }
    memset(&rs->pending, 0, sizeof rs->pending);
    rearm(e, ri, r->time, &b);
    break;
  }
  case SR_REC_ROTATION_DELETE:
    /* A tombstone: schedules drop it now; resolutions keep its name. */
    for (size_t i = 0; i < e->contact_count; i++) {
      sr_contact *c = &e->contacts[i];
      uint32_t w = 0;
      for (uint32_t j = 0; j < c->rotation_count; j++)
        if (c->rotations[j] != ri) c->rotations[w++] = c->rotations[j];
      c->rotation_count = w;
    }
    sr_map_del(&rs->names, ro->name);
    for (size_t i = 0; i < ro->ovr_count; i++) sr_free(&e->mem, (void *)ro->ovr[i].names);
    ro->ovr_count = 0;
    ro->deleted = 1;
    ro->gen++;
    rs->live--;
    break;
  case SR_REC_OVERRIDE_CREATE: {
    before_state b;
    before_at(e, ri, r->time, &b);
    sr_ovr *o = &ro->ovr[ro->ovr_count++];
    *o = rs->pending_ovr;
    memset(&rs->pending_ovr, 0, sizeof rs->pending_ovr);
    o->id = rs->next_override_id++;
    o->created = r->time;
    rearm(e, ri, r->time, &b);
    break;
  }
  case SR_REC_OVERRIDE_DELETE: {
    before_state b;
    before_at(e, ri, r->time, &b);
    for (size_t i = 0; i < ro->ovr_count; i++) {
      if (ro->ovr[i].id != (uint64_t)r->ints[0]) continue;
      sr_free(&e->mem, (void *)ro->ovr[i].names);
      memmove(&ro->ovr[i], &ro->ovr[i + 1], (ro->ovr_count - i - 1) * sizeof(sr_ovr));
      ro->ovr_count--;
      break;
    }
    rearm(e, ri, r->time, &b);
    break;
  }
  case SR_REC_SCHEDULE_SET: {
    sr_contact *c = sr_contact_find(e, r->strs[0].p, NULL);
    sr_free(&e->mem, c->rotations);
    c->rotations = rs->pending_rots;
    c->rotation_count = (uint32_t)(r->str_count - 1);
    c->sched_flags = (uint32_t)r->ints[0];
    rs->pending_rots = NULL;
    break;
  }
  default:
    break;
  }
}

void sr_rotations_free(siren_engine *e) {
  sr_rotstate *rs = e->rots;
  for (size_t i = 0; i < e->contact_count; i++) sr_free(&e->mem, e->contacts[i].rotations);
  if (!rs) return;
  sr_rotation_discard(e);
  for (size_t i = 0; i < rs->count; i++) rot_free(&e->mem, &rs->rots[i]);
  sr_free(&e->mem, rs->rots);
  sr_map_free(&e->mem, &rs->names);
  sr_free(&e->mem, rs->scratch);
  sr_free(&e->mem, rs->text);
  sr_free(&e->mem, (void *)rs->qnames);
  sr_free(&e->mem, rs);
  e->rots = NULL;
}

int sr_rotation_uses_contact(const siren_engine *e, uint32_t ci) {
  const sr_rotstate *rs = e->rots;
  if (!rs) return 0;
  for (size_t i = 0; i < rs->count; i++) {
    const sr_rot *ro = &rs->rots[i];
    if (ro->deleted) continue;
    if (has(ro->contacts, ro->contact_count, ci)) return 1;
    for (size_t j = 0; j < ro->ovr_count; j++)
      if (has(ro->ovr[j].contacts, ro->ovr[j].count, ci)) return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- timers */

int sr_rotation_timer_valid(const siren_engine *e, const sr_timer *t) {
  if (sr_timer_kind(t) == SR_TIMER_SHIFT) {
    const sr_rotstate *rs = e->rots;
    return rs && t->ref < rs->count && !rs->rots[t->ref].deleted && rs->rots[t->ref].gen == t->gen;
  }
  const sr_run *ru = &SR_AT(e->rt.runs, t->ref);
  return ru->state == SR_RUN_ACTIVE && ru->gen == t->gen;
}

/* The bytes a "contacts on call" text of ro can need. */
static size_t names_len(const sr_rot *ro) {
  size_t n = 1;
  for (uint32_t i = 0; i < ro->contact_count; i++) n += strlen(ro->names[i]) + 1;
  for (size_t i = 0; i < ro->ovr_count; i++)
    for (uint32_t j = 0; j < ro->ovr[i].count; j++) n += strlen(ro->ovr[i].names[j]) + 1;
  return n;
}

int sr_rotation_timer_prepare(siren_engine *e, sr_rec *r) {
  int64_t ref = r->ints[1];
  sr_timer t = {r->time, (uint8_t)r->ints[0], (uint32_t)ref, (uint32_t)r->ints[2]};
  if (r->ints[0] == SR_TIMER_SHIFT) {
    if (!e->rots || ref < 0 || (uint64_t)ref >= e->rots->count || !sr_rotation_timer_valid(e, &t))
      return SIREN_ECORRUPT;
    const sr_rot *ro = &e->rots->rots[ref];
    /* The text of the event: the contacts, comma-separated. */
    return text_reserve(e, e->rots, names_len(ro)) || sr_timer_reserve(e, 1) ? SIREN_ENOMEM
                                                                              : SIREN_OK;
  }
  if (r->ints[0] == SR_TIMER_ONCALL) {
    if (ref < 0 || (uint64_t)ref >= e->rt.run_count || !sr_rotation_timer_valid(e, &t) ||
        e->contacts[SR_AT(e->rt.runs, ref).contact].type != SIREN_CONTACT_ONCALL_SCHEDULE)
      return SIREN_ECORRUPT;
    size_t runs = 0, pages = 0;
    sr_schedule_cost(e, SR_AT(e->rt.runs, ref).contact, SR_AT(e->rt.runs, ref).depth, &runs, &pages);
    return sr_runtime_reserve(e, runs, pages);
  }
  return SIREN_ECORRUPT;
}

static void join_names(const siren_engine *e, const uint32_t *set, uint32_t n, char *out) {
  size_t o = 0;
  for (uint32_t i = 0; i < n; i++) {
    const char *a = e->contacts[set[i]].alias;
    size_t k = strlen(a);
    if (i) out[o++] = ',';
    memcpy(out + o, a, k);
    o += k;
  }
  out[o] = '\0';
}

static void shift_notice(siren_engine *e, const sr_rot *ro, int64_t t, uint32_t contact,
                         const char *message, int64_t start, int64_t end) {
  char text[2 * SR_MAX_NAME + 64];
  siren_notification n;
  memset(&n, 0, sizeof n);
  n.version = SIREN_NOTIFICATION_VERSION;
  n.kind = SIREN_NOTIFY_SHIFT;
  n.time = t;
  n.contact = e->contacts[contact].alias;
  n.channel = n.channel_type = n.address = n.sender = n.subject = n.content = "";
  n.incident_id = n.code = n.step = n.action = n.inputs = "";
  snprintf(text, sizeof text, "Your on-call shift in %s %s", ro->name,
           message[5] == 'i' ? "starts soon" : "has started");
  n.text = text;
  n.message = message;
  n.rotation = ro->name;
  n.shift_start = start;
  n.shift_end = end;
  sr_notify(e, &n, SR_NONE);
}

void sr_rotation_timer_fire(siren_engine *e, sr_rec *r) {
  sr_rotstate *rs = e->rots;
  if (r->ints[0] == SR_TIMER_ONCALL) {
    sr_schedule_engage(e, r, (uint32_t)r->ints[1]);
    return;
  }
  uint32_t ri = (uint32_t)r->ints[1];
  sr_rot *ro = &rs->rots[ri];
  rstate cur, nx;
  states(rs, rot_bound(ro), &cur, &nx);
  if (r->time < ro->next_change) { /* the notice before a change */
    int64_t at = ro->next_change;
    uint32_t *now_on = rs->scratch + 4 * rot_bound(ro), nnow;
    state_at(ro, ro->ovr, ro->ovr_count, r->time, &cur);
    memcpy(now_on, cur.set, cur.n * sizeof(uint32_t));
    nnow = cur.n;
    int64_t end = next_change(ro, at, &cur, &nx); /* cur: the state at `at` */
    if (end == INT64_MAX) end = 0;
    for (uint32_t i = 0; i < cur.n; i++)
      if (!has(now_on, nnow, cur.set[i]))
        shift_notice(e, ro, r->time, cur.set[i], "starting", at, end);
    ro->notice_done = 1;
    arm(e, ri, r->time);
    return;
  }
  /* A change: who was on call just before, who is now, and until when. */
  before_state b;
  before_at(e, ri, r->time - 1, &b);
  ro->next_change = next_change(ro, r->time, &cur, &nx); /* cur: the state now */
  ro->notice_done = 0;
  announce(e, r->time, ri, &cur, &b);
  arm(e, ri, r->time);
}

/* ------------------------------------------------------------- schedules */

void sr_schedule_cost(const siren_engine *e, uint32_t ci, uint32_t depth, size_t *runs,
                      size_t *pages) {
  const sr_contact *c = &e->contacts[ci];
  *runs += 1;
  for (uint32_t i = 0; i < c->rotation_count; i++) {
    const sr_rot *ro = &e->rots->rots[c->rotations[i]];
    for (uint32_t j = 0; j < ro->contact_count; j++)
      sr_start_cost(e, ro->contacts[j], depth + 1, runs, pages);
    for (size_t k = 0; k < ro->ovr_count; k++)
      for (uint32_t j = 0; j < ro->ovr[k].count; j++)
        sr_start_cost(e, ro->ovr[k].contacts[j], depth + 1, runs, pages);
  }
}

/* The last coverage edge at or before t, or INT64_MIN. */
static int64_t prev_coverage_edge(const sr_rot *ro, int64_t t) {
  if (ro->coverage_count == 0) return INT64_MIN;
  int64_t best = INT64_MIN, d0 = local_day(ro, t);
  for (int64_t d = d0 - 8; d <= d0 + 1; d++) {
    unsigned wd = iso_weekday(d);
    for (uint32_t i = 0; i < ro->coverage_count; i++) {
      const siren_coverage *c = &ro->coverages[i];
      if (c->day != wd) continue;
      int64_t s0 = d * SR_DAY_S + (int64_t)c->start_minute * 60;
      int64_t s1 = (c->end_minute > c->start_minute ? d : d + 1) * SR_DAY_S +
                   (int64_t)c->end_minute * 60;
      int64_t u = sr_zone_to_utc(ro->zone, s0, NULL);
      if (u <= t && u > best) best = u;
      u = sr_zone_to_utc(ro->zone, s1, NULL);
      if (u <= t && u > best) best = u;
    }
  }
  return best;
}

/* The last instant at or before t where the state may have changed (st is
 * the state at t), or INT64_MIN. */
static int64_t prev_boundary(const sr_rot *ro, int64_t t, const rstate *st) {
  int64_t best = INT64_MIN;
  if (st->index == 0) {
    best = ro->start;
  } else if (st->index > 0) {
    int64_t n = points_between(ro, ro->start, t);
    best = nth_point_back(ro, t, n - st->index * ro->multiplier + 1);
  }
  int64_t c = prev_coverage_edge(ro, t);
  if (c > best) best = c;
  for (size_t i = 0; i < ro->ovr_count; i++) {
    if (ro->ovr[i].start <= t && ro->ovr[i].start > best) best = ro->ovr[i].start;
    if (ro->ovr[i].end <= t && ro->ovr[i].end > best) best = ro->ovr[i].end;
  }
  return best;
}

/* The shift (as siren_rotation_shifts lists it) around t: [*start, *end),
 * 0 for an end that is not known. Uses both states of the scratch. */
static void shift_bounds(const sr_rot *ro, int64_t t, rstate *cur, rstate *nx, int64_t *start,
                         int64_t *end) {
  int64_t e = next_change(ro, t, cur, nx); /* cur: the state at t */
  *end = e == INT64_MAX ? 0 : e;
  *start = 0;
  /* Boundaries that change nothing (coverage edges before the rotation
   * starts, say) could go back forever: a year of them is enough. */
  for (int64_t b = t; b > t - INT64_C(366) * SR_DAY_MS;) {
    state_at(ro, ro->ovr, ro->ovr_count, b, nx);
    int64_t p = prev_boundary(ro, b, nx);
    if (p == INT64_MIN) return;
    state_at(ro, ro->ovr, ro->ovr_count, p - 1, nx);
    if (!same_state(cur, nx)) {
      *start = p;
      return;
    }
    b = p - 1;
  }
}

static int child_of(const siren_engine *e, uint32_t run, uint32_t contact) {
  for (uint32_t c = SR_AT(e->rt.runs, run).first_child; c != SR_NONE; c = SR_AT(e->rt.runs, c).next_sibling)
    if (SR_AT(e->rt.runs, c).contact == contact) return 1;
  return 0;
}

/* The first instant in (t, t + horizon] when someone is on call in one of
 * the schedule's rotations, or INT64_MAX. */
static int64_t next_oncall(siren_engine *e, const sr_contact *sc, int64_t t) {
  sr_rotstate *rs = e->rots;
  int64_t best = INT64_MAX;
  for (uint32_t i = 0; i < sc->rotation_count; i++) {
    const sr_rot *ro = &rs->rots[sc->rotations[i]];
    rstate a, b;
    states(rs, rot_bound(ro), &a, &b);
    int64_t at = t;
    while (at < best && at <= t + SR_HOLD_HORIZON_MS) {
      at = next_change(ro, at, &a, &b);
      if (at == INT64_MAX) break;
      if (b.n > 0) {
        if (at < best && at <= t + SR_HOLD_HORIZON_MS) best = at;
        break;
      }
    }
  }
  return best;
}

void sr_schedule_engage(siren_engine *e, sr_rec *r, uint32_t run) {
  sr_runtime *rt = &e->rt;
  sr_rotstate *rs = e->rots;
  uint32_t sci = SR_AT(rt->runs, run).contact, engagement = SR_AT(rt->runs, run).engagement;
  const sr_contact *sc = &e->contacts[sci];
  const sr_engagement *en = &SR_AT(rt->engagements, engagement);
  uint32_t found = 0;
  for (uint32_t i = 0; rs && i < sc->rotation_count; i++) {
    uint32_t ri = sc->rotations[i];
    const sr_rot *ro = &rs->rots[ri];
    rstate st, other;
    states(rs, rot_bound(ro), &st, &other);
    state_at(ro, ro->ovr, ro->ovr_count, r->time, &st);
    if (st.n == 0) continue;
    int64_t s0, s1;
    shift_bounds(ro, r->time, &st, &other, &s0, &s1); /* st: the state at r->time */
    for (uint32_t j = 0; j < st.n; j++) {
      uint32_t c = st.set[j];
      found++;
      if (child_of(e, run, c)) continue; /* on call in two rotations: engaged once */
      siren_event ev;
      sr_event_init(&ev, SIREN_EVENT_SCHEDULE_RESOLVED, r->time);
      ev.engagement = engagement + 1;
      ev.contact = e->contacts[c].alias;
      ev.schedule = sc->alias;
      ev.rotation = ro->name;
      ev.until = s1;
      ev.incident_id = en->strs[EN_INCIDENT];
      ev.incident = en->incident_ix;
      sr_emit(e, &ev);
      uint32_t child = sr_run_start(e, r, engagement, c, run, -1, 1);
      if (child == SR_NONE) continue;
      sr_resol *x = &rt->resol[rt->resol_count++];
      x->run = child;
      x->schedule = sci;
      x->rotation = ri;
      x->at = r->time;
      x->shift_start = s0;
      x->shift_end = s1;
      if (SR_AT(rt->runs, run).state != SR_RUN_ACTIVE) return; /* someone accepted already */
    }
  }
  if (found == 0) {
    int hold = (sc->sched_flags & SIREN_SCHEDULE_HOLD) != 0;
    int64_t next = hold ? next_oncall(e, sc, r->time) : INT64_MAX;
    siren_event ev;
    sr_event_init(&ev, SIREN_EVENT_SCHEDULE_NOBODY, r->time);
    ev.engagement = engagement + 1;
    ev.schedule = sc->alias;
    ev.contact = sc->alias;
    ev.reason = next != INT64_MAX ? "held" : "skipped";
    ev.until = next != INT64_MAX ? next : 0;
    ev.incident_id = en->strs[EN_INCIDENT];
    ev.incident = en->incident_ix;
    sr_emit(e, &ev);
    if (en->incident_ix)
      sr_tl_add(e, en->incident_ix - 1, SR_TL_SCHEDULE_NOBODY, r->time, sci,
                next != INT64_MAX ? next : 0, NULL, 0);
    if (next != INT64_MAX) {
      sr_timer_push(e, next, SR_TIMER_ONCALL, run, SR_AT(rt->runs, run).gen);
      return;
    }
  }
  sr_run_finish(e, run, r->time);
}

void sr_tl_nobody_render(siren_engine *e, sr_buf *b, int64_t schedule, int64_t held) {
  sr_buf_str(b, "{\"schedule\":");
  sr_buf_json(b, e->contacts[schedule].alias);
  if (held)
    sr_buf_fmt(b, ",\"heldUntil\":%lld}", (long long)held);
  else
    sr_buf_str(b, ",\"skipped\":true}");
}

/* -------------------------------------------------------------- commands */

static int rotation_set(siren_engine *e, const siren_rotation *d, int update) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!d) return sr_err(e, SIREN_EINVAL, "rotation is NULL");
  sr_rec r;
  sr_rec_init(&r, SR_REC_ROTATION_SET);
  r.time = e->now;
  char *hex = NULL;
  rc = put_rotation(e, &r, d, update, &hex);
  if (!rc) rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  sr_free(&e->mem, hex);
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_rotation_create(siren_engine *e, const siren_rotation *rotation) {
  return rotation_set(e, rotation, 0);
}

SIREN_EXTERN int siren_rotation_update(siren_engine *e, const siren_rotation *rotation) {
  return rotation_set(e, rotation, 1);
}

SIREN_EXTERN int siren_rotation_delete(siren_engine *e, const char *name) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!rot_find(e, name, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", name ? name : "(null)");
  sr_rec r;
  sr_rec_init(&r, SR_REC_ROTATION_DELETE);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, name);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_override_create(siren_id *id, siren_engine *e, const siren_override *o) {
  if (id) *id = 0;
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!o) return sr_err(e, SIREN_EINVAL, "override is NULL");
  if (o->version == 0 || o->version > SIREN_OVERRIDE_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_override version %u", o->version);
  if (!rot_find(e, o->rotation, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", o->rotation ? o->rotation : "(null)");
  if (o->contact_count > SR_MAX_ROT_CONTACTS || (o->contact_count && !o->contacts))
    return sr_err(e, SIREN_EINVAL, "an override has 0-%d contacts", SR_MAX_ROT_CONTACTS);
  for (size_t i = 0; i < o->contact_count; i++)
    if (!o->contacts[i]) return sr_err(e, SIREN_EINVAL, "contacts[%zu] is NULL", i);
  sr_rec r;
  sr_rec_init(&r, SR_REC_OVERRIDE_CREATE);
  r.time = e->now;
  int bad = sr_rec_int(&e->mem, &r, o->mode) | sr_rec_int(&e->mem, &r, o->start) |
            sr_rec_int(&e->mem, &r, o->end) | sr_rec_str(&e->mem, &r, o->rotation);
  for (size_t i = 0; i < o->contact_count; i++) bad |= sr_rec_str(&e->mem, &r, o->contacts[i]);
  rc = bad ? sr_err(e, SIREN_ENOMEM, "out of memory") : sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  if (!rc && id) *id = e->rots->next_override_id - 1;
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_override_delete(siren_engine *e, const char *rotation, siren_id id) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!rot_find(e, rotation, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", rotation ? rotation : "(null)");
  if (id > INT64_MAX) return sr_err(e, SIREN_ENOTFOUND, "no override %llu", (unsigned long long)id);
  sr_rec r;
  sr_rec_init(&r, SR_REC_OVERRIDE_DELETE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)id);
  sr_rec_str(&e->mem, &r, rotation);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_schedule_set(siren_engine *e, const char *alias,
                                    const char *const *rotations, size_t n, uint32_t flags) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!sr_contact_find(e, alias, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  if (n > SR_MAX_SCHED_ROTATIONS || (n && !rotations))
    return sr_err(e, SIREN_EINVAL, "a schedule has 0-%d rotations", SR_MAX_SCHED_ROTATIONS);
  for (size_t i = 0; i < n; i++)
    if (!rotations[i]) return sr_err(e, SIREN_EINVAL, "rotations[%zu] is NULL", i);
  sr_rec r;
  sr_rec_init(&r, SR_REC_SCHEDULE_SET);
  r.time = e->now;
  int bad = sr_rec_int(&e->mem, &r, flags) | sr_rec_str(&e->mem, &r, alias);
  for (size_t i = 0; i < n; i++) bad |= sr_rec_str(&e->mem, &r, rotations[i]);
  rc = bad ? sr_err(e, SIREN_ENOMEM, "out of memory") : sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  return sr_end(e, rc);
}

/* --------------------------------------------------------------- queries */

SIREN_EXTERN int siren_rotation_get(siren_rotation *out, siren_engine *e, const char *name) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_ROTATION_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_rotation version %u", out->version);
  const sr_rot *ro = rot_find(e, name, NULL);
  if (!ro) return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", name ? name : "(null)");
  out->name = ro->name;
  out->time_zone = ro->zone_name;
  out->start_time = ro->start;
  out->contact_count = ro->contact_count;
  out->contacts = ro->names;
  out->recurrence = (siren_recurrence)ro->recurrence;
  out->multiplier = ro->multiplier;
  out->on_calls = ro->on_calls;
  out->handoff_count = ro->handoff_count;
  out->handoffs = ro->handoffs;
  out->coverage_count = ro->coverage_count;
  out->coverages = ro->coverages;
  out->notice_minutes = ro->notice;
  return SIREN_OK;
}

SIREN_EXTERN uint32_t siren_rotation_count(const siren_engine *e) {
  return e && e->rots ? e->rots->live : 0;
}

SIREN_EXTERN const char *siren_rotation_name_at(const siren_engine *e, uint32_t i) {
  if (!e || !e->rots) return NULL;
  for (size_t k = 0; k < e->rots->count; k++) {
    if (e->rots->rots[k].deleted) continue;
    if (i-- == 0) return e->rots->rots[k].name;
  }
  return NULL;
}

static const sr_ovr *ovr_find(const sr_rot *ro, siren_id id) {
  for (size_t i = 0; i < ro->ovr_count; i++)
    if (ro->ovr[i].id == id) return &ro->ovr[i];
  return NULL;
}

SIREN_EXTERN int siren_override_get(siren_override *out, siren_engine *e, const char *rotation,
                                    siren_id id) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_OVERRIDE_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_override version %u", out->version);
  const sr_rot *ro = rot_find(e, rotation, NULL);
  if (!ro) return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", rotation ? rotation : "(null)");
  const sr_ovr *o = ovr_find(ro, id);
  if (!o) return sr_err(e, SIREN_ENOTFOUND, "no override %llu", (unsigned long long)id);
  out->id = o->id;
  out->rotation = ro->name;
  out->mode = (siren_override_mode)o->mode;
  out->contact_count = o->count;
  out->contacts = o->names;
  out->start = o->start;
  out->end = o->end;
  out->created = o->created;
  return SIREN_OK;
}

SIREN_EXTERN int siren_overrides(siren_id *ids, size_t cap, size_t *total, siren_engine *e,
                                 const char *rotation, int64_t start, int64_t end) {
  if (!e || !total || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  const sr_rot *ro = rot_find(e, rotation, NULL);
  if (!ro) return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", rotation ? rotation : "(null)");
  for (size_t i = 0; i < ro->ovr_count; i++) {
    if (ro->ovr[i].end <= start || ro->ovr[i].start >= end) continue;
    if (*total < cap) ids[*total] = ro->ovr[i].id;
    (*total)++;
  }
  return SIREN_OK;
}

static int check_window(siren_engine *e, int64_t start, int64_t end) {
  if (start >= end) return sr_err(e, SIREN_EINVAL, "the window needs start < end");
  if (end - start > SIREN_MAX_QUERY_WINDOW_MS || start < SR_TIME_MIN ||
      end > SR_TIME_MAX)
    return sr_err(e, SIREN_EINVAL, "the window is longer than 10 years or outside years 1-9999");
  return SIREN_OK;
}

/* Room for n names in rs->qnames (the listing's contact arrays). */
static int qnames_reserve(siren_engine *e, size_t n) {
  sr_rotstate *rs = e->rots;
  return sr_grow(&e->mem, (void **)&rs->qnames, &rs->qnames_cap, n + 1, sizeof(char *))
             ? sr_err(e, SIREN_ENOMEM, "out of memory")
             : SIREN_OK;
}

/* Lists the shifts of ro (with overrides ovr) over [start, end): pass 0
 * counts the names the first cap shifts need, pass 1 fills out. */
static size_t list_shifts(siren_engine *e, const sr_rot *ro, const sr_ovr *ovr, size_t novr,
                          int64_t start, int64_t end, siren_shift *out, size_t cap,
                          uint32_t *buf, uint32_t bound, size_t *names, int fill) {
  rstate a = {buf, 0, buf + bound, 0, 0, 0, 0}, b = {buf + 2 * bound, 0, buf + 3 * bound, 0, 0, 0, 0};
  size_t count = 0, k = 0;
  int64_t t = start;
  state_at(ro, ovr, novr, t, &a);
  while (t < end) {
    int64_t nb = next_boundary(ro, ovr, novr, t, &a);
    while (nb < end) {
      state_at(ro, ovr, novr, nb, &b);
      if (!same_state(&a, &b)) break;
      nb = next_boundary(ro, ovr, novr, nb, &b);
    }
    int64_t stop = nb < end ? nb : end;
    if (a.n > 0) {
      if (count < cap) {
        uint32_t over = 0;
        for (uint32_t i = 0; i < a.nreg; i++) over += !has(a.set, a.n, a.reg[i]);
        if (fill) {
          siren_shift *s = &out[count];
          const char **q = e->rots->qnames + k;
          memset(s, 0, sizeof *s);
          s->version = SIREN_SHIFT_VERSION;
          s->start = t;
          s->end = stop;
          s->type = a.overridden ? SIREN_SHIFT_OVERRIDDEN : SIREN_SHIFT_REGULAR;
          s->index = a.index < 0 ? 0 : (uint32_t)(a.index > UINT32_MAX ? UINT32_MAX : a.index);
          s->contact_count = a.n;
          s->contacts = q;
          for (uint32_t i = 0; i < a.n; i++) q[i] = e->contacts[a.set[i]].alias;
          s->overridden_count = over;
          s->overridden = q + a.n;
          uint32_t w = 0;
          for (uint32_t i = 0; i < a.nreg; i++)
            if (!has(a.set, a.n, a.reg[i])) q[a.n + w++] = e->contacts[a.reg[i]].alias;
        }
        k += a.n + over;
      }
      count++;
    }
    if (nb >= end) break;
    t = nb;
    rstate tmp = a;
    a = b;
    b = tmp;
  }
  if (names) *names = k;
  return count;
}

static int shifts_of(siren_shift *out, size_t cap, size_t *total, siren_engine *e,
                     const sr_rot *ro, const sr_ovr *ovr, size_t novr, int64_t start,
                     int64_t end) {
  uint32_t bound = (uint32_t)ro->contact_count;
  for (size_t i = 0; i < novr; i++) bound += ovr[i].count;
  uint32_t *buf = sr_alloc(&e->mem, (4 * (size_t)bound + 4) * sizeof(uint32_t));
  if (!buf) return sr_err(e, SIREN_ENOMEM, "out of memory");
  size_t names = 0;
  *total = list_shifts(e, ro, ovr, novr, start, end, out, cap, buf, bound, &names, 0);
  int rc = qnames_reserve(e, names);
  if (!rc && cap) list_shifts(e, ro, ovr, novr, start, end, out, cap, buf, bound, NULL, 1);
  sr_free(&e->mem, buf);
  return rc;
}

SIREN_EXTERN int siren_rotation_shifts(siren_shift *out, size_t cap, size_t *total,
                                       siren_engine *e, const char *rotation, int64_t start,
                                       int64_t end) {
  if (!e || !total || (cap && !out)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  const sr_rot *ro = rot_find(e, rotation, NULL);
  if (!ro) return sr_err(e, SIREN_ENOTFOUND, "no rotation \"%s\"", rotation ? rotation : "(null)");
  if ((rc = check_window(e, start, end))) return rc;
  return shifts_of(out, cap, total, e, ro, ro->ovr, ro->ovr_count, start, end);
}

SIREN_EXTERN int siren_rotation_preview_shifts(siren_shift *out, size_t cap, size_t *total,
                                               siren_engine *e, const siren_rotation *d,
                                               const siren_override *ov, size_t nov,
                                               int64_t start, int64_t end) {
  if (!e || !total || (cap && !out) || (nov && !ov)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  if (!d) return sr_err(e, SIREN_EINVAL, "rotation is NULL");
  if ((rc = check_window(e, start, end))) return rc;
  if (!rs_get(e)) return sr_err(e, SIREN_ENOMEM, "out of memory");
  /* Built from the records a create would store, so the same rules apply. */
  siren_rotation named = *d;
  if (!named.name) named.name = "preview";
  sr_rec r;
  sr_rec_init(&r, SR_REC_ROTATION_SET);
  char *hex = NULL;
  sr_rot ro;
  memset(&ro, 0, sizeof ro);
  rc = put_rotation(e, &r, &named, 0, &hex);
  if (!rc) rc = build_rot(e, &r, &ro);
  sr_rec_free(&e->mem, &r);
  sr_free(&e->mem, hex);
  if (rc) return rc;
  sr_ovr *ovr = sr_calloc(&e->mem, nov ? nov : 1, sizeof(sr_ovr));
  if (!ovr) rc = sr_err(e, SIREN_ENOMEM, "out of memory");
  size_t built = 0;
  for (; !rc && built < nov; built++) {
    const siren_override *o = &ov[built];
    if (o->version == 0 || o->version > SIREN_OVERRIDE_VERSION) {
      rc = sr_err(e, SIREN_EVERSION, "overrides[%zu]: version %u", built, o->version);
      break;
    }
    if (o->contact_count > SR_MAX_ROT_CONTACTS || (o->contact_count && !o->contacts)) {
      rc = sr_err(e, SIREN_EINVAL, "overrides[%zu]: 0-%d contacts", built, SR_MAX_ROT_CONTACTS);
      break;
    }
    sr_rec_init(&r, SR_REC_OVERRIDE_CREATE);
    int bad = sr_rec_int(&e->mem, &r, o->mode) | sr_rec_int(&e->mem, &r, o->start) |
              sr_rec_int(&e->mem, &r, o->end);
    for (size_t i = 0; i < o->contact_count; i++)
      bad |= sr_rec_str(&e->mem, &r, o->contacts[i] ? o->contacts[i] : "");
    rc = bad ? sr_err(e, SIREN_ENOMEM, "out of memory") : build_ovr(e, &r, 0, &ro, &ovr[built]);
    sr_rec_free(&e->mem, &r);
    if (rc) break;
  }
  if (!rc) rc = shifts_of(out, cap, total, e, &ro, ovr, nov, start, end);
  for (size_t i = 0; ovr && i < nov; i++) sr_free(&e->mem, (void *)ovr[i].names);
  sr_free(&e->mem, ovr);
  rot_free(&e->mem, &ro);
  return rc;
}

SIREN_EXTERN const char *siren_schedule_rotation_at(siren_engine *e, const char *alias,
                                                    uint32_t i) {
  if (!e || e->busy) return NULL;
  const sr_contact *c = sr_contact_find(e, alias, NULL);
  if (!c || i >= c->rotation_count) return NULL;
  return e->rots->rots[c->rotations[i]].name;
}

SIREN_EXTERN int siren_oncall(const char **out, size_t cap, size_t *total, siren_engine *e,
                              const char *alias, int64_t t) {
  if (!e || !total || (cap && !out)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  uint32_t one, *list = NULL, n = 0;
  const sr_contact *c = sr_contact_find(e, alias, NULL);
  if (c) {
    if (c->type != SIREN_CONTACT_ONCALL_SCHEDULE)
      return sr_err(e, SIREN_EINVAL, "\"%s\" is not an ONCALL_SCHEDULE contact", alias);
    list = c->rotations;
    n = c->rotation_count;
  } else if (rot_find(e, alias, &one)) {
    list = &one;
    n = 1;
  } else {
    return sr_err(e, SIREN_ENOTFOUND, "no schedule or rotation \"%s\"", alias ? alias : "(null)");
  }
  size_t bound = 0;
  for (uint32_t i = 0; i < n; i++) bound += rot_bound(&e->rots->rots[list[i]]);
  uint32_t *buf = sr_alloc(&e->mem, (2 * bound + 2) * sizeof(uint32_t));
  uint32_t *all = sr_alloc(&e->mem, (bound + 1) * sizeof(uint32_t));
  if (!buf || !all || qnames_reserve(e, bound)) {
    sr_free(&e->mem, buf);
    sr_free(&e->mem, all);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  uint32_t nall = 0;
  for (uint32_t i = 0; i < n; i++) {
    const sr_rot *ro = &e->rots->rots[list[i]];
    rstate st = {buf, 0, buf + bound, 0, 0, 0, 0};
    state_at(ro, ro->ovr, ro->ovr_count, t, &st);
    for (uint32_t j = 0; j < st.n; j++)
      if (!has(all, nall, st.set[j])) all[nall++] = st.set[j];
  }
  for (uint32_t i = 0; i < nall; i++) {
    e->rots->qnames[i] = e->contacts[all[i]].alias;
    if (i < cap) out[i] = e->rots->qnames[i];
  }
  *total = nall;
  sr_free(&e->mem, buf);
  sr_free(&e->mem, all);
  return SIREN_OK;
}

SIREN_EXTERN int siren_schedule_gaps(siren_gap *out, size_t cap, size_t *total, siren_engine *e,
                                     const char *alias, int64_t start, int64_t end) {
  if (!e || !total || (cap && !out)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  const sr_contact *c = sr_contact_find(e, alias, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  if (c->type != SIREN_CONTACT_ONCALL_SCHEDULE)
    return sr_err(e, SIREN_EINVAL, "\"%s\" is not an ONCALL_SCHEDULE contact", alias);
  if ((rc = check_window(e, start, end))) return rc;
  size_t bound = 0;
  for (uint32_t i = 0; i < c->rotation_count; i++) bound += rot_bound(&e->rots->rots[c->rotations[i]]);
  uint32_t *buf = sr_alloc(&e->mem, (3 * bound + 3) * sizeof(uint32_t));
  if (!buf) return sr_err(e, SIREN_ENOMEM, "out of memory");
  uint32_t *all = buf + 2 * bound + 1;
  size_t count = 0;
  int have = 0;
  siren_gap cur;
  memset(&cur, 0, sizeof cur);
  for (int64_t t = start; t < end;) {
    int64_t nb = end;
    uint32_t nall = 0;
    int short_ = 0;
    for (uint32_t i = 0; i < c->rotation_count; i++) {
      const sr_rot *ro = &e->rots->rots[c->rotations[i]];
      rstate st = {buf, 0, buf + bound, 0, 0, 0, 0};
      state_at(ro, ro->ovr, ro->ovr_count, t, &st);
      for (uint32_t j = 0; j < st.n; j++)
        if (!has(all, nall, st.set[j])) all[nall++] = st.set[j];
      if (st.nreg > 0 && st.n < ro->on_calls) short_ = 1; /* in a covered shift */
      int64_t b = next_boundary(ro, ro->ovr, ro->ovr_count, t, &st);
      if (b < nb) nb = b;
    }
    siren_gap_type type = nall == 0 ? SIREN_GAP_NOBODY : short_ ? SIREN_GAP_SHORT : 0;
    if (have && (!type || type != cur.type || nall != cur.on_call || cur.end != t)) {
      if (count < cap) out[count] = cur;
      count++;
      have = 0;
    }
    if (type && !have) {
      memset(&cur, 0, sizeof cur);
      cur.version = SIREN_GAP_VERSION;
      cur.start = t;
      cur.type = type;
      cur.on_call = nall;
      have = 1;
    }
    if (have) cur.end = nb;
    t = nb;
  }
  if (have) {
    if (count < cap) out[count] = cur;
    count++;
  }
  *total = count;
  sr_free(&e->mem, buf);
  return SIREN_OK;
}

static const sr_resol *resol_find(const sr_runtime *rt, uint32_t run) {
  size_t lo = 0, hi = rt->resol_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rt->resol[mid].run < run)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < rt->resol_count && rt->resol[lo].run == run ? &rt->resol[lo] : NULL;
}

SIREN_EXTERN int siren_page_resolution(siren_resolution *out, siren_engine *e, siren_id page) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_RESOLUTION_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_resolution version %u", out->version);
  if (page == 0 || page > e->rt.page_count)
    return sr_err(e, SIREN_ENOTFOUND, "no page %llu", (unsigned long long)page);
  const sr_page *pg = &SR_AT(e->rt.pages, page - 1);
  const sr_resol *x = resol_find(&e->rt, pg->run);
  out->contact = e->contacts[SR_PAGE_CONTACT(e, pg)].alias;
  out->schedule = x ? e->contacts[x->schedule].alias : "";
  out->rotation = x ? e->rots->rots[x->rotation].name : "";
  out->shift_start = x ? x->shift_start : 0;
  out->shift_end = x ? x->shift_end : 0;
  out->resolved = x ? x->at : 0;
  return SIREN_OK;
}
