/*
 * The fan-out storage adapter (replication set): one record stream kept on up
 * to 16 backends, an append committed when a quorum of them stored it.
 *
 * Each backend is in one of two states:
 *
 *   IN_STEP  it holds exactly the records the engine committed, in order;
 *            appends go to it and reads may come from it.
 *   BEHIND   it may lack committed records, or hold one the engine never
 *            committed; it gets nothing until siren_fanout_catch_up()
 *            proves its records a prefix of an in-step backend's and copies
 *            the rest.
 *
 * Transitions (siren_fanout_append() and siren_fanout_catch_up() are the
 * only places a state changes):
 *
 *   IN_STEP -> BEHIND   its append failed while a quorum stored the record
 *                       (it misses a committed record), or its append
 *                       succeeded while no quorum did (it holds a record the
 *                       engine discards and will re-issue, maybe different).
 *   BEHIND  -> IN_STEP  a catch-up finished.
 *
 * A backend whose append failed while no quorum was reached stays IN_STEP:
 * the engine's stream did not move, so neither did it (a failed append must
 * store nothing, the rule host->storage_append already has). With that rule,
 * and no append attempted when fewer than quorum backends are in step, the
 * set of in-step backends is never empty: a quorum failure leaves in step the
 * backends that failed, and there is at least one of them.
 *
 * The fan-out allocates once, itself, in siren_fanout_new(); it keeps no copy
 * of any record: the catch-up compares and copies straight from one backend's
 * read to the other's.
 */
#include <string.h>

#include "internal.h"

#define FANOUT_MAX 16

typedef enum fan_state { FAN_IN_STEP = 1, FAN_BEHIND = 2 } fan_state;

struct siren_fanout {
  sr_mem mem;
  size_t count;
  size_t quorum;
  int reading;  /* the backend being read, or -1: the next read picks one and rewinds it */
  int busy;     /* inside a backend callback: re-entry gets SIREN_EBUSY */
  uint8_t state[FANOUT_MAX]; /* fan_state */
  siren_storage backends[FANOUT_MAX];
};

/* ---------------------------------------------------------- backend calls */

static int call_append(siren_fanout *f, size_t i, const void *record, size_t len) {
  const siren_storage *b = &f->backends[i];
  f->busy++;
  int rc = b->append(record, len, b->user_data);
  f->busy--;
  return rc;
}

static int call_next(siren_fanout *f, size_t i, const void **record, size_t *len) {
  const siren_storage *b = &f->backends[i];
  *record = NULL;
  *len = 0;
  f->busy++;
  int rc = b->next(record, len, b->user_data);
  f->busy--;
  if (rc == 0 && !*record) *len = 0;
  return rc;
}

static int call_rewind(siren_fanout *f, size_t i) {
  const siren_storage *b = &f->backends[i];
  f->busy++;
  int rc = b->rewind(b->user_data);
  f->busy--;
  return rc;
}

/* The first in-step backend, or -1 (never, under the rules above). */
static int first_in_step(const siren_fanout *f) {
  for (size_t i = 0; i < f->count; i++)
    if (f->state[i] == FAN_IN_STEP) return (int)i;
  return -1;
}

/* -------------------------------------------------------------- lifetime */

SIREN_EXTERN int siren_fanout_new(siren_fanout **out, const siren_storage *const *backends,
                                  size_t count, size_t quorum, const siren_host *host) {
  if (!out) return SIREN_EINVAL;
  *out = NULL;
  if (!backends || count == 0 || count > FANOUT_MAX || quorum == 0 || quorum > count)
    return SIREN_EINVAL;

  sr_mem mem = sr_mem_libc;
  if (host) {
    if (host->version == 0 || host->version > SIREN_HOST_VERSION) return SIREN_EVERSION;
    /* The allocator members are in every host version. */
    int allocs = !!host->mem_alloc + !!host->mem_realloc + !!host->mem_free;
    if (allocs != 0 && allocs != 3) return SIREN_EINVAL;
    if (allocs == 3) {
      mem.alloc = host->mem_alloc;
      mem.realloc = host->mem_realloc;
      mem.free = host->mem_free;
      mem.ud = NULL; /* the fan-out has no user_data of its own: see the header */
    }
  }
  for (size_t i = 0; i < count; i++) {
    const siren_storage *b = backends[i];
    if (!b) return SIREN_EINVAL;
    if (b->version == 0 || b->version > SIREN_STORAGE_VERSION) return SIREN_EVERSION;
    if (!b->append || !b->next || !b->rewind) return SIREN_EINVAL;
  }

  siren_fanout *f = sr_calloc(&mem, 1, sizeof *f);
  if (!f) return SIREN_ENOMEM;
  f->mem = mem;
  f->count = count;
  f->quorum = quorum;
  f->reading = -1;
  for (size_t i = 0; i < count; i++) {
    f->backends[i] = *backends[i];
    f->state[i] = FAN_IN_STEP;
  }
  *out = f;
  return SIREN_OK;
}

SIREN_EXTERN void siren_fanout_free(siren_fanout *f) {
  if (!f || f->busy) return;
  sr_mem mem = f->mem;
  sr_free(&mem, f);
}

/* ---------------------------------------------------------------- append */

SIREN_EXTERN int siren_fanout_append(siren_fanout *f, const void *record, size_t len) {
  if (!f || (!record && len)) return SIREN_EINVAL;
  if (f->busy) return SIREN_EBUSY;

  size_t in_step = 0;
  for (size_t i = 0; i < f->count; i++) in_step += f->state[i] == FAN_IN_STEP;
  /* Writing now could only leave records the engine will discard. */
  if (in_step < f->quorum) return SIREN_ECALLBACK;

  uint8_t stored[FANOUT_MAX] = {0};
  size_t ok = 0;
  for (size_t i = 0; i < f->count; i++) {
    if (f->state[i] != FAN_IN_STEP) continue;
    if (call_append(f, i, record, len) == 0) {
      stored[i] = 1;
      ok++;
    }
  }
  int committed = ok >= f->quorum;
  for (size_t i = 0; i < f->count; i++) {
    if (f->state[i] != FAN_IN_STEP) continue;
    /* Committed: the ones that missed it fall behind. Not committed: the
     * ones that hold it are ahead of the engine, which is behind too. */
    if (stored[i] != committed) f->state[i] = FAN_BEHIND;
  }
  return committed ? SIREN_OK : SIREN_ECALLBACK;
}

/* ------------------------------------------------------------------ read */

SIREN_EXTERN int siren_fanout_next(siren_fanout *f, const void **record, size_t *len) {
  if (record) *record = NULL;
  if (len) *len = 0;
  if (!f || !record || !len) return SIREN_EINVAL;
  if (f->busy) return SIREN_EBUSY;
  if (f->reading < 0) {
    int k = first_in_step(f);
    if (k < 0) return SIREN_ECALLBACK;
    if (call_rewind(f, (size_t)k)) return SIREN_ECALLBACK;
    f->reading = k;
  } else if (f->state[f->reading] != FAN_IN_STEP) {
    /* Going on from another backend's start would repeat records. */
    return SIREN_ECALLBACK;
  }
  if (call_next(f, (size_t)f->reading, record, len)) {
    *record = NULL;
    *len = 0;
    return SIREN_ECALLBACK;
  }
  return SIREN_OK;
}

SIREN_EXTERN int siren_fanout_reading(const siren_fanout *f) {
  if (!f) return -1;
  if (f->reading < 0) return first_in_step(f);
  return f->state[f->reading] == FAN_IN_STEP ? f->reading : -1;
}

SIREN_EXTERN int siren_fanout_in_step(const siren_fanout *f, size_t i) {
  return f && i < f->count && f->state[i] == FAN_IN_STEP;
}

/* -------------------------------------------------------------- catch-up */

SIREN_EXTERN int siren_fanout_catch_up(siren_fanout *f, size_t i, uint64_t *copied) {
  if (copied) *copied = 0;
  if (!f || i >= f->count) return SIREN_EINVAL;
  if (f->busy) return SIREN_EBUSY;
  if (f->state[i] == FAN_IN_STEP) return SIREN_OK;
  int src = first_in_step(f);
  if (src < 0) return SIREN_ESTATE;
  size_t s = (size_t)src;

  /* Rewinding the source loses any read in progress, even if this fails. */
  f->reading = -1;
  if (call_rewind(f, s) || call_rewind(f, i)) return SIREN_ECALLBACK;

  /* i's records must be the source's first ones, byte for byte. Each
   * backend's bytes stay valid until its own next read, so the two records
   * can be held side by side. */
  const void *rs, *ri;
  size_t ls, li;
  for (;;) {
    if (call_next(f, i, &ri, &li)) return SIREN_ECALLBACK;
    if (!ri) break;
    if (call_next(f, s, &rs, &ls)) return SIREN_ECALLBACK;
    if (!rs || ls != li || (li && memcmp(rs, ri, li) != 0)) return SIREN_ECORRUPT;
  }

  uint64_t n = 0;
  for (;;) {
    if (call_next(f, s, &rs, &ls)) return SIREN_ECALLBACK;
    if (!rs) break;
    if (call_append(f, i, rs, ls)) {
      if (copied) *copied = n;
      return SIREN_ECALLBACK;
    }
    n++;
  }
  if (copied) *copied = n;
  f->state[i] = FAN_IN_STEP;
  return SIREN_OK;
}
