/* String-keyed open-addressing hash map (linear probing, tombstones). */
#include "util/map.h"

#include <string.h>

static const char tombstone_mark = 0;
#define TOMBSTONE (&tombstone_mark)

uint64_t sr_hash_str(const char *s) {
  /* FNV-1a, finished with a 64-bit mix so that linear probing sees spread bits. */
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

void sr_map_free(const sr_mem *m, sr_map *map) {
  sr_free(m, map->slots);
  memset(map, 0, sizeof *map);
}

static void insert_slot(sr_map_slot *slots, size_t cap, const char *key, uint64_t h, uint32_t v) {
  size_t i = (size_t)h & (cap - 1);
  while (slots[i].key != NULL) i = (i + 1) & (cap - 1);
  slots[i].key = key;
  slots[i].hash = (uint32_t)h;
  slots[i].value = v;
}

int sr_map_reserve(const sr_mem *m, sr_map *map, size_t extra) {
  /* Keep the load (live + tombstones) at most 3/4. */
  size_t need = map->used + extra;
  if (map->cap && need * 4 <= map->cap * 3) return 0;
  size_t cap = map->cap ? map->cap : 16;
  while ((map->live + extra) * 4 > cap * 3) {
    if (cap > ((size_t)-1) / (2 * sizeof(sr_map_slot)) || cap >= ((size_t)1 << 31)) return -1;
    cap *= 2;
  }
  sr_map_slot *slots = sr_calloc(m, cap, sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < map->cap; i++) {
    const char *k = map->slots[i].key;
    if (k && k != TOMBSTONE) insert_slot(slots, cap, k, map->slots[i].hash, map->slots[i].value);
  }
  sr_free(m, map->slots);
  map->slots = slots;
  map->cap = cap;
  map->used = map->live;
  return 0;
}

static sr_map_slot *find(const sr_map *map, const char *key, uint64_t h) {
  if (!map->cap) return NULL;
  size_t i = (size_t)h & (map->cap - 1);
  for (;;) {
    sr_map_slot *s = &map->slots[i];
    if (s->key == NULL) return NULL;
    if (s->key != TOMBSTONE && s->hash == (uint32_t)h && strcmp(s->key, key) == 0) return s;
    i = (i + 1) & (map->cap - 1);
  }
}

int sr_map_put(sr_map *map, const char *key, uint32_t value) {
  uint64_t h = sr_hash_str(key);
  sr_map_slot *s = find(map, key, h);
  if (s) {
    s->key = key;
    s->value = value;
    return 0;
  }
  if (!map->cap || (map->used + 1) * 4 > map->cap * 3) return -1;
  insert_slot(map->slots, map->cap, key, h, value);
  map->used++;
  map->live++;
  return 0;
}

int sr_map_get(const sr_map *map, const char *key, uint32_t *value) {
  sr_map_slot *s = find(map, key, sr_hash_str(key));
  if (!s) return 0;
  *value = s->value;
  return 1;
}

void sr_map_del(sr_map *map, const char *key) {
  sr_map_slot *s = find(map, key, sr_hash_str(key));
  if (!s) return;
  s->key = TOMBSTONE;
  map->live--;
}
