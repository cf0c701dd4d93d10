/*
 * libFuzzer target: the TZif reader (sr_zone_parse) and the conversions. The
 * input is the file. Invariants: a parse either succeeds or is EINVAL with a
 * "TZif: " reason; a parse that fails its allocation is ENOMEM and frees
 * everything; on a parsed zone, at instants derived from the input, at fixed
 * ones and around the transitions found from them:
 *  - offsets lie within RFC 8536's range and to_local is instant + offset;
 *  - next_transition(t) > t, the offset is the same from t up to it and
 *    differs on either side of it;
 *  - to_utc(to_local(t)) gives t back when the wall time is unique, an
 *    earlier instant with the same wall time when it happens twice, and
 *    never "gap";
 *  - for any wall time: a unique or repeated one maps to an instant showing
 *    that wall time; one in a gap maps to the transition that jumped over it.
 */
#include <string.h>

#include "fuzz_common.h"
#include "siren/siren.h"
#include "tz.h"

static int64_t floor_s(int64_t ms) { return ms / 1000 - (ms % 1000 < 0); }

/* Seconds to ms as tz.c does it: saturated. */
static int64_t ms_of(int64_t s) {
  if (s > INT64_MAX / 1000) return INT64_MAX;
  if (s < INT64_MIN / 1000) return INT64_MIN;
  return s * 1000;
}

/* Wall times whose instants are all well inside the int64 ms range. */
#define WALL_LIMIT (INT64_C(1) << 52)

static void check_instant(const sr_zone *z, int64_t t) {
  int dst = -1;
  int32_t off = sr_zone_offset(z, t, &dst);
  FZ_CHECK(off >= -89999 && off <= 93599);
  FZ_CHECK(dst == 0 || dst == 1);
  int64_t local = sr_zone_to_local(z, t);
  FZ_CHECK(local == floor_s(t) + off);

  int64_t n = sr_zone_next_transition(z, t);
  FZ_CHECK(n > t || (n == INT64_MAX && t == INT64_MAX));
  if (n != INT64_MAX) {
    FZ_CHECK(n % 1000 == 0);
    FZ_CHECK(sr_zone_offset(z, n - 1, NULL) == off);
    FZ_CHECK(sr_zone_offset(z, n, NULL) != off);
    FZ_CHECK(sr_zone_offset(z, t + (int64_t)(((uint64_t)n - (uint64_t)t) / 2), NULL) == off);
  }

  int kind = -1;
  int64_t back = sr_zone_to_utc(z, local, &kind);
  FZ_CHECK(kind == SR_LOCAL_UNIQUE || kind == SR_LOCAL_OVERLAP);
  int64_t exact = ms_of(floor_s(t));
  if (kind == SR_LOCAL_UNIQUE) FZ_CHECK(back == exact);
  else FZ_CHECK(back <= exact);
  if (kind == SR_LOCAL_OVERLAP && back != INT64_MIN) FZ_CHECK(sr_zone_to_local(z, back) == local);
}

static void check_wall(const sr_zone *z, int64_t wall) {
  int kind = -1;
  int64_t r = sr_zone_to_utc(z, wall, &kind);
  FZ_CHECK(kind >= SR_LOCAL_UNIQUE && kind <= SR_LOCAL_OVERLAP);
  if (wall < -WALL_LIMIT || wall > WALL_LIMIT) return; /* the result may saturate */
  FZ_CHECK(r % 1000 == 0);
  if (kind == SR_LOCAL_GAP) {
    FZ_CHECK(sr_zone_to_local(z, r) > wall);
    FZ_CHECK(sr_zone_to_local(z, r - 1000) < wall);
    FZ_CHECK(sr_zone_next_transition(z, r - 1) == r);
  } else {
    FZ_CHECK(kind == SR_LOCAL_UNIQUE || kind == SR_LOCAL_OVERLAP);
    FZ_CHECK(sr_zone_to_local(z, r) == wall);
  }
}

static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_alloc a = {0};
  sr_mem m = {fz_alloc_fn, fz_realloc_fn, fz_free_fn, &a};
  sr_zone *z = NULL;
  char why[128];
  int rc = sr_zone_parse(&m, data, size, &z, why, sizeof why);
  FZ_CHECK(rc == 0 || rc == SIREN_EINVAL);
  if (rc != 0) {
    FZ_CHECK(z == NULL);
    FZ_CHECK(strncmp(why, "TZif: ", 6) == 0 && why[6] != '\0');
    FZ_CHECK(a.live == 0);
    return 0;
  }
  FZ_CHECK(z != NULL);

  /* The same bytes with the allocation failing. */
  fz_alloc fa = {0};
  fa.fail_at = 1;
  sr_mem fm = {fz_alloc_fn, fz_realloc_fn, fz_free_fn, &fa};
  sr_zone *fz = (sr_zone *)(uintptr_t)1;
  FZ_CHECK(sr_zone_parse(&fm, data, size, &fz, NULL, 0) == SIREN_ENOMEM);
  FZ_CHECK(fz == NULL && fa.live == 0);

  /* Instants: fixed ones, and some from a hash of the input (spread over
   * about +-35000 years, or anywhere for one of them). */
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3u;
  int64_t ts[12] = {INT64_MIN, INT64_MAX, 0, -1, INT64_C(1774746000000), INT64_C(4102444800000)};
  int nt = 6;
  for (int i = 0; i < 5; i++) {
    h = mix(h + (uint64_t)i);
    ts[nt++] = (int64_t)(h % (UINT64_C(1) << 50)) - (INT64_C(1) << 49);
  }
  ts[nt++] = (int64_t)mix(h + 99);
  for (int i = 0; i < nt; i++) {
    check_instant(z, ts[i]);
    check_wall(z, floor_s(ts[i]));
    check_wall(z, floor_s(ts[i]) + (int64_t)(mix(h + (uint64_t)i) % 200000) - 100000);
  }
  /* Around the first transitions after two starting points. */
  static const int64_t starts[2] = {INT64_C(-4000000000000), INT64_C(1600000000000)};
  for (int s = 0; s < 2; s++) {
    int64_t t = starts[s];
    for (int k = 0; k < 6; k++) {
      int64_t n = sr_zone_next_transition(z, t);
      if (n == INT64_MAX) break;
      int64_t T = n / 1000;
      int32_t o1 = sr_zone_offset(z, n - 1, NULL), o2 = sr_zone_offset(z, n, NULL);
      check_instant(z, n - 1);
      check_instant(z, n);
      /* Wall times at the edges of the gap or overlap it makes. */
      int64_t lo = o1 < o2 ? o1 : o2, hi = o1 < o2 ? o2 : o1;
      check_wall(z, T + lo - 1);
      check_wall(z, T + lo);
      check_wall(z, T + (lo + hi) / 2);
      check_wall(z, T + hi - 1);
      check_wall(z, T + hi);
      t = n;
    }
  }
  sr_zone_free(&m, z);
  FZ_CHECK(a.live == 0);
  return 0;
}
