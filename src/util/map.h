/*
 * A string-keyed open-addressing hash map from a borrowed key (the caller keeps
 * the key string alive while it is in the map) to a uint32_t value. Used for
 * contact aliases and idempotency tokens. Deletion uses tombstones.
 */
#ifndef SIREN_UTIL_MAP_H
#define SIREN_UTIL_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

typedef struct sr_map_slot {
  const char *key; /* NULL: empty; sr_map_tombstone: deleted */
  uint32_t hash;   /* the key hash's low 32 bits: enough, tables stay under 2^32 slots */
  uint32_t value;
} sr_map_slot;

typedef struct sr_map {
  sr_map_slot *slots;
  size_t cap;  /* power of two, or 0 */
  size_t used; /* live + tombstones */
  size_t live;
} sr_map;

void sr_map_free(const sr_mem *m, sr_map *map);
/* Makes room so that `extra` more inserts cannot fail. 0 or -1 (no memory). */
int sr_map_reserve(const sr_mem *m, sr_map *map, size_t extra);
/* Inserts or replaces; never allocates when sr_map_reserve(…, 1) succeeded
 * before. Returns 0, or -1 when there was no room. */
int sr_map_put(sr_map *map, const char *key, uint32_t value);
/* 1 and *value when found, else 0. */
int sr_map_get(const sr_map *map, const char *key, uint32_t *value);
void sr_map_del(sr_map *map, const char *key);

uint64_t sr_hash_str(const char *s);

#endif
