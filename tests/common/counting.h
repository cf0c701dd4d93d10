/*
 * A counting allocator for tests that exercise code without an engine (the
 * document readers): it counts blocks handed out and given back, and fails
 * exactly one call when fail_at is set. Header-only so that any test folder
 * can use it; pass it as the ud of an sr_mem built with counting_mem().
 */
#ifndef SIREN_TEST_COUNTING_H
#define SIREN_TEST_COUNTING_H

#include <stdlib.h>

#include "util/mem.h"

typedef struct counting {
  long calls;   /* alloc + realloc calls */
  long fail_at; /* fail that call (1-based); 0 = never */
  long allocs;  /* blocks handed out */
  long frees;   /* blocks given back */
} counting;

static inline void *c_alloc(size_t n, void *ud) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  void *p = malloc(n);
  if (p) c->allocs++;
  return p;
}
static inline void *c_realloc(void *p, size_t n, void *ud) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  void *q = realloc(p, n);
  if (q && !p) c->allocs++;
  return q;
}
static inline void c_free(void *p, void *ud) {
  counting *c = ud;
  if (p) c->frees++;
  free(p);
}
static inline sr_mem counting_mem(counting *c) {
  sr_mem m = {c_alloc, c_realloc, c_free, c};
  return m;
}

#endif
