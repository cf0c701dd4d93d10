/*
 * Records: the unit of change. A command or a timer firing is described by an
 * sr_rec (a type, a logical time, a nonce for derived codes, and typed lists of
 * integers and strings whose meaning each type fixes), encoded into the
 * versioned, checksummed layout documented in siren.h, and handed to storage.
 *
 * Body after the fixed 24-byte header:
 *   16 bytes nonce
 *   varint n, then n zigzag varints
 *   varint m, then m times: varint length, bytes, NUL
 *   u32 CRC-32C of everything before it
 * Strings keep their NUL so a decoder can point into the buffer.
 */
#include <string.h>

#include "internal.h"
#include "util/hash.h"

#define HEADER 24
#define TRAILER 4

void sr_rec_init(sr_rec *r, uint8_t type) {
  memset(r, 0, sizeof *r);
  r->type = type;
  r->ints = r->int_inline;
  r->int_cap = SR_REC_INLINE_INTS;
  r->strs = r->str_inline;
  r->str_cap = SR_REC_INLINE_STRS;
}

void sr_rec_free(const sr_mem *m, sr_rec *r) {
  if (r->ints != r->int_inline) sr_free(m, r->ints);
  if (r->strs != r->str_inline) sr_free(m, r->strs);
  r->ints = r->int_inline;
  r->strs = r->str_inline;
  r->int_cap = SR_REC_INLINE_INTS;
  r->str_cap = SR_REC_INLINE_STRS;
  r->int_count = r->str_count = 0;
}

/* Grows an inline-first array: the first growth copies out of the inline part. */
static int grow_inline(const sr_mem *m, void **items, void *inline_items, size_t *cap,
                       size_t elem) {
  size_t ncap = *cap * 2;
  void *p;
  if (*items == inline_items) {
    p = sr_alloc(m, ncap * elem);
    if (!p) return -1;
    memcpy(p, inline_items, *cap * elem);
  } else {
    p = sr_realloc(m, *items, ncap * elem);
    if (!p) return -1;
  }
  *items = p;
  *cap = ncap;
  return 0;
}

int sr_rec_int(const sr_mem *m, sr_rec *r, int64_t v) {
  if (r->int_count == r->int_cap) {
    void *p = r->ints;
    if (grow_inline(m, &p, r->int_inline, &r->int_cap, sizeof(int64_t))) return -1;
    r->ints = p;
  }
  r->ints[r->int_count++] = v;
  return 0;
}

int sr_rec_str(const sr_mem *m, sr_rec *r, const char *s) {
  if (r->str_count == r->str_cap) {
    void *p = r->strs;
    if (grow_inline(m, &p, r->str_inline, &r->str_cap, sizeof(sr_str))) return -1;
    r->strs = p;
  }
  if (!s) s = "";
  r->strs[r->str_count].p = s;
  r->strs[r->str_count].n = strlen(s);
  r->str_count++;
  return 0;
}

static void put_le(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static size_t varint_len(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

static size_t put_varint(uint8_t *p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  p[n++] = (uint8_t)v;
  return n;
}

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

int sr_rec_encode(siren_engine *e, const sr_rec *r, size_t *len) {
  size_t n = HEADER + 16 + varint_len(r->int_count) + varint_len(r->str_count) + TRAILER;
  for (size_t i = 0; i < r->int_count; i++) n += varint_len(zigzag(r->ints[i]));
  for (size_t i = 0; i < r->str_count; i++) n += varint_len(r->strs[i].n) + r->strs[i].n + 1;
  if (n > UINT32_MAX) return SIREN_EINVAL;
  if (sr_grow(&e->mem, (void **)&e->recbuf, &e->recbuf_cap, n, 1)) return SIREN_ENOMEM;
  uint8_t *p = e->recbuf;
  put_le(p, n, 4);
  p[4] = SIREN_RECORD_VERSION;
  p[5] = r->type;
  put_le(p + 6, 0, 2);
  put_le(p + 8, r->seq, 8);
  put_le(p + 16, (uint64_t)r->time, 8);
  size_t o = HEADER;
  memcpy(p + o, r->nonce, 16);
  o += 16;
  o += put_varint(p + o, r->int_count);
  for (size_t i = 0; i < r->int_count; i++) o += put_varint(p + o, zigzag(r->ints[i]));
  o += put_varint(p + o, r->str_count);
  for (size_t i = 0; i < r->str_count; i++) {
    o += put_varint(p + o, r->strs[i].n);
    memcpy(p + o, r->strs[i].p, r->strs[i].n);
    o += r->strs[i].n;
    p[o++] = 0;
  }
  put_le(p + o, sr_crc32c(0, p, o), 4);
  *len = n;
  return SIREN_OK;
}

static int check_frame(const uint8_t *p, size_t len, unsigned int *type) {
  if (len < HEADER + 16 + 2 + TRAILER) return SIREN_ECORRUPT;
  if (get_le(p, 4) != len) return SIREN_ECORRUPT;
  uint32_t crc = (uint32_t)get_le(p + len - 4, 4);
  if (sr_crc32c(0, p, len - 4) != crc) return SIREN_ECORRUPT;
  if (p[4] != SIREN_RECORD_VERSION) return SIREN_EVERSION;
  if (p[5] == 0 || p[5] > SR_REC_TYPE_MAX) return SIREN_ECORRUPT;
  if (type) *type = p[5];
  return SIREN_OK;
}

SIREN_EXTERN int siren_record_check(const void *record, size_t len, unsigned int *type) {
  if (!record) return SIREN_EINVAL;
  return check_frame(record, len, type);
}

static int get_varint(const uint8_t *p, size_t end, size_t *o, uint64_t *v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*o >= end) return -1;
    uint8_t b = p[(*o)++];
    x |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = x;
      return 0;
    }
  }
  return -1;
}

int sr_rec_decode(const sr_mem *m, sr_rec *r, const uint8_t *p, size_t len) {
  unsigned int type;
  int rc = check_frame(p, len, &type);
  if (rc) return rc;
  sr_rec_init(r, (uint8_t)type);
  r->seq = get_le(p + 8, 8);
  r->time = (int64_t)get_le(p + 16, 8);
  memcpy(r->nonce, p + HEADER, 16);
  size_t o = HEADER + 16, end = len - TRAILER;
  uint64_t n, v;
  if (get_varint(p, end, &o, &n) || n > end - o) goto corrupt;
  for (uint64_t i = 0; i < n; i++) {
    if (get_varint(p, end, &o, &v)) goto corrupt;
    if (sr_rec_int(m, r, unzigzag(v))) goto nomem;
  }
  if (get_varint(p, end, &o, &n) || n > end - o) goto corrupt;
  for (uint64_t i = 0; i < n; i++) {
    if (get_varint(p, end, &o, &v) || v >= end - o || p[o + v] != 0) goto corrupt;
    if (memchr(p + o, 0, v)) goto corrupt;
    if (sr_rec_str(m, r, (const char *)p + o)) goto nomem;
    o += v + 1;
  }
  if (o != end) goto corrupt;
  return SIREN_OK;
corrupt:
  sr_rec_free(m, r);
  return SIREN_ECORRUPT;
nomem:
  sr_rec_free(m, r);
  return SIREN_ENOMEM;
}
