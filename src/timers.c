/*
 * The deadline queue: a 4-ary min-heap ordered by (due, seq), so timers due
 * at the same instant fire in the order they were scheduled. Four children
 * per node halve the depth of a binary heap, and the children share one or
 * two cache lines: a busy engine's heap holds millions of timers, and each
 * level of a sift is a likely cache miss. Cancelling is
 * lazy: a timer names the run (or page) it belongs to and that object's
 * generation; when the object has moved on, the timer is stale and dropped as
 * it reaches the top.
 */
#include "internal.h"

#define ARITY 4

static int before(const sr_timer *a, const sr_timer *b) {
  return a->due < b->due || (a->due == b->due && a->order < b->order);
}

/* Moves t down from slot i of a heap of n until its children are not before it. */
static void sift_down(sr_timer *heap, size_t n, size_t i, sr_timer t) {
  for (;;) {
    size_t first = ARITY * i + 1, m = i;
    const sr_timer *best = &t;
    size_t end = first + ARITY < n ? first + ARITY : n;
    for (size_t c = first; c < end; c++)
      if (before(&heap[c], best)) {
        m = c;
        best = &heap[c];
      }
    if (m == i) break;
    heap[i] = heap[m];
    i = m;
  }
  heap[i] = t;
}

void sr_timer_heapify(siren_engine *e) {
  sr_runtime *rt = &e->rt;
  size_t n = rt->heap_count;
  if (n < 2) return;
  for (size_t i = (n - 2) / ARITY + 1; i-- > 0;) sift_down(rt->heap, n, i, rt->heap[i]);
}

int sr_timer_reserve(siren_engine *e, size_t extra) {
  sr_runtime *rt = &e->rt;
  return sr_grow(&e->mem, (void **)&rt->heap, &rt->heap_cap, rt->heap_count + extra,
                 sizeof(sr_timer))
             ? SIREN_ENOMEM
             : SIREN_OK;
}

void sr_timer_push(siren_engine *e, int64_t due, uint8_t kind, uint32_t ref, uint32_t gen) {
  sr_runtime *rt = &e->rt;
  /* Capacity was reserved by the prepare step of the record being applied. */
  size_t i = rt->heap_count++;
  sr_timer t = {due, (rt->timer_seq++ << 8) | kind, ref, gen};
  while (i > 0) {
    size_t parent = (i - 1) / ARITY;
    if (!before(&t, &rt->heap[parent])) break;
    rt->heap[i] = rt->heap[parent];
    i = parent;
  }
  rt->heap[i] = t;
}

void sr_timer_pop(siren_engine *e) {
  sr_runtime *rt = &e->rt;
  if (rt->heap_count == 0) return;
  sr_timer last = rt->heap[--rt->heap_count];
  if (rt->heap_count == 0) return;
  sift_down(rt->heap, rt->heap_count, 0, last);
}

int sr_timer_valid(const siren_engine *e, const sr_timer *t) {
  const sr_runtime *rt = &e->rt;
  switch (sr_timer_kind(t)) {
  case SR_TIMER_STAGE: {
    const sr_run *run = &SR_AT(rt->runs, t->ref);
    return run->state == SR_RUN_ACTIVE && run->gen == t->gen;
  }
  case SR_TIMER_RETRY: {
    const sr_page *pg = &SR_AT(rt->pages, t->ref);
    const sr_run *run = &SR_AT(rt->runs, pg->run);
    return pg->retry_pending && run->state == SR_RUN_ACTIVE;
  }
  case SR_TIMER_SHIFT:
  case SR_TIMER_ONCALL:
    return sr_rotation_timer_valid(e, t);
  default:
    return sr_incident_timer_valid(e, t);
  }
}

const sr_timer *sr_timer_peek(siren_engine *e) {
  sr_runtime *rt = &e->rt;
  while (rt->heap_count > 0) {
    if (sr_timer_valid(e, &rt->heap[0])) return &rt->heap[0];
    /* A stale retry leaves its page free to be retried again later. */
    if (sr_timer_kind(&rt->heap[0]) == SR_TIMER_RETRY) SR_AT(rt->pages, rt->heap[0].ref).retry_pending = 0;
    sr_timer_pop(e);
  }
  return NULL;
}
