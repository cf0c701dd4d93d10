/*
 * A load_zone callback for example hosts: reads the TZif file of an IANA
 * zone from the system's zoneinfo directory ($TZDIR, else
 * /usr/share/zoneinfo). Copy it into your host as it is; siren itself never
 * opens a file.
 *
 *   static zoneinfo_cache zc;                     // one per engine
 *   host.load_zone = zoneinfo_load;               // user_data must start
 *                                                 // with or be a zoneinfo_cache*
 * The bytes stay in the cache until the next call or zoneinfo_release().
 */
#ifndef SIREN_EXAMPLES_ZONEINFO_H
#define SIREN_EXAMPLES_ZONEINFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct zoneinfo_cache {
  unsigned char *bytes;
  size_t len;
} zoneinfo_cache;

static inline void zoneinfo_release(zoneinfo_cache *zc) {
  free(zc->bytes);
  zc->bytes = NULL;
  zc->len = 0;
}

/* Reads zone `name` into zc. Returns 0 and sets *data (NULL when there is no
 * such zone), or -1 on a read error. Names with ".." or a leading '/' are
 * refused (as unknown), so a name can never leave the directory. */
static inline int zoneinfo_read(zoneinfo_cache *zc, const char *name, const void **data,
                                size_t *len) {
  *data = NULL;
  *len = 0;
  zoneinfo_release(zc);
  if (!name || !*name || name[0] == '/' || strstr(name, "..")) return 0;
  const char *dir = getenv("TZDIR");
  if (!dir || !*dir) dir = "/usr/share/zoneinfo";
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t cap = 4096, n = 0;
  unsigned char *b = malloc(cap);
  while (b) {
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    if (cap >= (size_t)1 << 20) { /* no zone file is this large */
      free(b);
      b = NULL;
      break;
    }
    unsigned char *nb = realloc(b, cap * 2);
    if (!nb) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  int bad = ferror(f) || !b;
  fclose(f);
  if (bad) {
    free(b);
    return -1;
  }
  zc->bytes = b;
  zc->len = n;
  *data = b;
  *len = n;
  return 0;
}

/* A siren_host.load_zone callback whose user_data is a zoneinfo_cache*. */
static inline int zoneinfo_load(const char *name, const void **data, size_t *len,
                                void *user_data) {
  return zoneinfo_read((zoneinfo_cache *)user_data, name, data, len);
}

#endif
