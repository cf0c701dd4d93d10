/*
 * Helpers the fuzz targets share: a counting allocator that can be told to
 * fail one allocation (so targets walk the out-of-memory paths and prove
 * they free everything), and an invariant check that aborts with a message
 * (so a broken invariant is a crash to libFuzzer and a failure to replay).
 */
#ifndef SIREN_FUZZ_COMMON_H
#define SIREN_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FZ_CHECK(cond)                                                             \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                     \
    }                                                                              \
  } while (0)

typedef struct fz_alloc {
  size_t live;      /* allocations not yet freed */
  size_t count;     /* allocations made (alloc, and realloc that allocates) */
  size_t fail_at;   /* the count-th allocation (1-based) that fails; 0: none */
  int failed;       /* one did fail */
} fz_alloc;

/* A header keeps the live count exact even when realloc moves a block. */
static inline void *fz_alloc_fn(size_t n, void *ud) {
  fz_alloc *a = ud;
  if (++a->count == a->fail_at) {
    a->failed = 1;
    return NULL;
  }
  void *p = malloc(n);
  if (p) a->live++;
  return p;
}
static inline void *fz_realloc_fn(void *p, size_t n, void *ud) {
  fz_alloc *a = ud;
  if (++a->count == a->fail_at) {
    a->failed = 1;
    return NULL;
  }
  void *q = realloc(p, n);
  if (q && !p) a->live++;
  return q;
}
static inline void fz_free_fn(void *p, void *ud) {
  fz_alloc *a = ud;
  if (p) {
    a->live--;
    free(p);
  }
}

#endif
