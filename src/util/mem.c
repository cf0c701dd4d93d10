/* The default libc allocator and small allocation helpers. */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_alloc(size_t n, void *ud) {
  (void)ud;
  return malloc(n);
}
static void *libc_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  return realloc(p, n);
}
static void libc_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

const sr_mem sr_mem_libc = {libc_alloc, libc_realloc, libc_free, NULL};

void *sr_calloc(const sr_mem *m, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  size_t total = n * size;
  void *p = sr_alloc(m, total);
  if (p && total) memset(p, 0, total);
  return p;
}

char *sr_strndup(const sr_mem *m, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *p = sr_alloc(m, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *sr_strdup(const sr_mem *m, const char *s) { return sr_strndup(m, s, strlen(s)); }

int sr_grow(const sr_mem *m, void **items, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 8;
  while (n < need) {
    if (n > SIZE_MAX / 2) return -1;
    n *= 2;
  }
  if (n > SIZE_MAX / elem) return -1;
  void *p = sr_realloc(m, *items, n * elem);
  if (!p) return -1;
  *items = p;
  *cap = n;
  return 0;
}

/* Chunks in use for a capacity; the table holds a power of two of them. */
static size_t chunk_count(size_t cap) { return (cap + SR_CHUNK - 1) >> SR_CHUNK_SHIFT; }
static size_t table_slots(size_t chunks) {
  size_t n = 1;
  while (n < chunks) n *= 2;
  return n;
}

int sr_chunks_grow(const sr_mem *m, void ***table, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  if (elem == 0 || elem > SIZE_MAX / SR_CHUNK || need > SIZE_MAX - SR_CHUNK) return -1;
  if (!*table) {
    void **t = sr_alloc(m, sizeof *t);
    if (!t) return -1;
    t[0] = NULL;
    *table = t;
  }
  if (*cap < SR_CHUNK) {
    /* The first chunk doubles until it is full size. */
    size_t n = *cap ? *cap : 8;
    while (n < need && n < SR_CHUNK) n *= 2;
    void *p = sr_realloc(m, (*table)[0], n * elem);
    if (!p) return -1;
    (*table)[0] = p;
    *cap = n;
  }
  while (*cap < need) {
    size_t have = chunk_count(*cap), slots = table_slots(have);
    if (have == slots) {
      if (slots > SIZE_MAX / (2 * sizeof(void *))) return -1;
      void **t = sr_realloc(m, *table, 2 * slots * sizeof *t);
      if (!t) return -1;
      *table = t;
    }
    void *p = sr_alloc(m, SR_CHUNK * elem);
    if (!p) return -1;
    memset(p, 0, SR_CHUNK * elem); /* first touch now: see mem.h */
    (*table)[have] = p;
    *cap += SR_CHUNK;
  }
  return 0;
}

void sr_chunks_free(const sr_mem *m, void **table, size_t cap) {
  if (!table) return;
  for (size_t k = 0, n = chunk_count(cap); k < n; k++) sr_free(m, table[k]);
  sr_free(m, table);
}
