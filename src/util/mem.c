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
