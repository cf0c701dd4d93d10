/*
 * The allocator every part of siren allocates through. An engine owns one
 * (the host's, or libc's by default); helpers that run without an engine
 * (the document readers) take one as an argument. Nothing in src/ calls
 * malloc directly except the libc default in mem.c.
 */
#ifndef SIREN_UTIL_MEM_H
#define SIREN_UTIL_MEM_H

#include <stddef.h>

typedef struct sr_mem {
  void *(*alloc)(size_t size, void *ud);
  void *(*realloc)(void *ptr, size_t size, void *ud);
  void (*free)(void *ptr, void *ud);
  void *ud;
} sr_mem;

/* The libc allocator. */
extern const sr_mem sr_mem_libc;

static inline void *sr_alloc(const sr_mem *m, size_t n) { return m->alloc(n ? n : 1, m->ud); }
static inline void *sr_realloc(const sr_mem *m, void *p, size_t n) {
  return m->realloc(p, n ? n : 1, m->ud);
}
static inline void sr_free(const sr_mem *m, void *p) {
  if (p) m->free(p, m->ud);
}
/* Zeroed allocation of n * size bytes; NULL on overflow or failure. */
void *sr_calloc(const sr_mem *m, size_t n, size_t size);
/* A copy of s (len bytes, NUL added); NULL on failure. */
char *sr_strndup(const sr_mem *m, const char *s, size_t len);
char *sr_strdup(const sr_mem *m, const char *s);

/*
 * Grows *items (element size elem) so that it holds at least need elements.
 * Capacity doubles; returns 0 or -1 on overflow/failure (then *items and *cap
 * are unchanged).
 */
int sr_grow(const sr_mem *m, void **items, size_t *cap, size_t need, size_t elem);

/*
 * Chunked arrays, for the engine's big collections (incidents, engagements,
 * runs, pages, timeline events): a table of chunks of SR_CHUNK elements, so
 * that growing never copies what is there, capacity runs at most one chunk
 * ahead of use (no doubling slack), and the host's allocator sees fixed-size
 * requests. Element i is SR_AT(table, i), an lvalue. The first chunk starts
 * small and doubles up to SR_CHUNK elements (small engines stay small); from
 * then on elements never move. Full-size chunks are zeroed when allocated:
 * their pages are first touched together there, not one by one by later
 * operations (a first touch costs 10 µs on the VM siren is measured on, so
 * this takes StartIncident's p99 from ~23 µs to ~15 µs; the allocation that
 * adds a chunk pays for all its pages, raising p99.9 from ~70 µs to ~0.5 ms).
 */
#define SR_CHUNK_SHIFT 10
#define SR_CHUNK ((size_t)1 << SR_CHUNK_SHIFT)
#define SR_AT(table, i) ((table)[(size_t)(i) >> SR_CHUNK_SHIFT][(size_t)(i) & (SR_CHUNK - 1)])

/*
 * Grows a chunked array (*table, element size elem, *cap elements allocated)
 * to hold at least need elements. Returns 0, or -1 on overflow/failure: the
 * array is then as it was or has some more capacity, never less.
 */
int sr_chunks_grow(const sr_mem *m, void ***table, size_t *cap, size_t need, size_t elem);
/* Frees the chunks and the table (not what elements point to). */
void sr_chunks_free(const sr_mem *m, void **table, size_t cap);

#endif
