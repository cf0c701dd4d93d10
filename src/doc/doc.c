/*
 * The document tree shared by the JSON and YAML readers: the arena that owns
 * every node and string, node and string construction, limits, error
 * reporting, and lookups.
 */
#define SR_DOC_IMPL
#include "doc/doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siren/siren.h"

/* One arena block; the data follows the header, maximally aligned. */
typedef union sr_doc_chunk {
  struct {
    union sr_doc_chunk *next;
    size_t size;
  } h;
  max_align_t align;
} sr_doc_chunk;

struct sr_doc {
  sr_mem mem;
  sr_doc_node *root;
  sr_doc_chunk *chunks;
  char *cur;      /* free space in the newest chunk */
  size_t left;    /* bytes free at cur */
  size_t next_sz; /* size of the next chunk */
};

#define SR_DOC_ALIGN (sizeof(max_align_t))
#define SR_DOC_FIRST_CHUNK ((size_t)4096)
#define SR_DOC_MAX_CHUNK ((size_t)1 << 20)

/* ------------------------------------------------------------------ arena */

static void *arena_alloc(sr_doc *doc, size_t size) {
  if (size > SIZE_MAX - SR_DOC_ALIGN) return NULL;
  size = (size + SR_DOC_ALIGN - 1) & ~(SR_DOC_ALIGN - 1);
  if (size == 0) size = SR_DOC_ALIGN;
  if (size > doc->left) {
    size_t want = doc->next_sz;
    if (want < size) want = size;
    if (want > SIZE_MAX - sizeof(sr_doc_chunk)) return NULL;
    sr_doc_chunk *c = sr_alloc(&doc->mem, sizeof(sr_doc_chunk) + want);
    if (!c) return NULL;
    c->h.next = doc->chunks;
    c->h.size = want;
    doc->chunks = c;
    doc->cur = (char *)(c + 1);
    doc->left = want;
    if (doc->next_sz < SR_DOC_MAX_CHUNK) doc->next_sz *= 2;
  }
  void *r = doc->cur;
  doc->cur += size;
  doc->left -= size;
  memset(r, 0, size);
  return r;
}

const sr_doc_node *sr_doc_root(const sr_doc *doc) { return doc ? doc->root : NULL; }

void sr_doc_free(sr_doc *doc) {
  if (!doc) return;
  sr_mem mem = doc->mem;
  sr_doc_chunk *c = doc->chunks;
  while (c) {
    sr_doc_chunk *next = c->h.next;
    sr_free(&mem, c);
    c = next;
  }
  sr_free(&mem, doc);
}

/* ---------------------------------------------------------------- errors */

uint32_t sr_doc__col(const sr_doc_parser *p, size_t off) {
  size_t c = off >= p->lstart ? off - p->lstart + 1 : 1;
  return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

void sr_doc__newline(sr_doc_parser *p, size_t next_line_start) {
  if (p->line < UINT32_MAX) p->line++;
  p->lstart = next_line_start;
}

int sr_doc__fail_at(sr_doc_parser *p, size_t off, const char *fmt, ...) {
  if (p->rc != SIREN_OK) return p->rc;
  p->rc = SIREN_EINVAL;
  if (p->err) {
    p->err->line = p->line;
    p->err->col = sr_doc__col(p, off);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
  }
  return SIREN_EINVAL;
}

int sr_doc__nomem(sr_doc_parser *p) {
  if (p->rc != SIREN_OK) return p->rc;
  p->rc = SIREN_ENOMEM;
  if (p->err) {
    p->err->line = p->line;
    p->err->col = sr_doc__col(p, p->pos);
    snprintf(p->err->msg, sizeof p->err->msg, "out of memory");
  }
  return SIREN_ENOMEM;
}

/* ---------------------------------------------------------- parser setup */

int sr_doc__begin(sr_doc_parser *p, const sr_mem *mem, const char *text, size_t len,
                  const sr_doc_limits *limits, sr_doc_error *err, uint32_t depth_cap) {
  memset(p, 0, sizeof *p);
  p->line = 1;
  p->err = err;
  p->rc = SIREN_OK;
  if (err) {
    err->line = 0;
    err->col = 0;
    err->msg[0] = '\0';
  }
  size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : SR_DOC_DEFAULT_MAX_BYTES;
  p->max_depth = limits && limits->max_depth ? limits->max_depth : SR_DOC_DEFAULT_MAX_DEPTH;
  if (depth_cap && p->max_depth > depth_cap) p->max_depth = depth_cap;
  p->max_nodes = limits && limits->max_nodes ? limits->max_nodes : SR_DOC_DEFAULT_MAX_NODES;
  if (!mem || !mem->alloc || !mem->realloc || !mem->free || (!text && len)) {
    return sr_doc__fail_at(p, 0, "invalid argument: %s",
                           !text && len ? "text is NULL" : "no allocator");
  }
  p->mem = mem;
  p->s = text ? text : "";
  p->n = len;
  if (len > max_bytes) {
    return sr_doc__fail_at(p, 0, "input is %zu bytes, more than the limit of %zu (max_bytes)",
                           len, max_bytes);
  }
  sr_doc *doc = sr_alloc(mem, sizeof *doc);
  if (!doc) return sr_doc__nomem(p);
  memset(doc, 0, sizeof *doc);
  doc->mem = *mem;
  doc->next_sz = SR_DOC_FIRST_CHUNK;
  p->doc = doc;
  return SIREN_OK;
}

int sr_doc__end(sr_doc_parser *p, int rc, sr_doc_node *root, sr_doc **out) {
  if (rc == SIREN_OK && p->rc != SIREN_OK) rc = p->rc;
  if (rc == SIREN_OK && !root) rc = SIREN_ERROR;
  if (p->mem) {
    sr_free(p->mem, p->buf);
    sr_free(p->mem, p->stk);
  }
  p->buf = NULL;
  p->stk = NULL;
  if (rc == SIREN_OK) {
    p->doc->root = root;
    *out = p->doc;
  } else {
    sr_doc_free(p->doc);
  }
  p->doc = NULL;
  return rc;
}

/* ----------------------------------------------------- nodes and strings */

sr_doc_node *sr_doc__node(sr_doc_parser *p, sr_doc_kind kind, uint32_t line, uint32_t col) {
  if (p->nodes >= p->max_nodes) {
    /* Report at the node's own position, which is on the current line or an
     * earlier one; keep the error line consistent with it. */
    if (p->rc == SIREN_OK) {
      p->rc = SIREN_EINVAL;
      if (p->err) {
        p->err->line = line;
        p->err->col = col;
        snprintf(p->err->msg, sizeof p->err->msg,
                 "more than %zu nodes (max_nodes)", p->max_nodes);
      }
    }
    return NULL;
  }
  sr_doc_node *n = arena_alloc(p->doc, sizeof *n);
  if (!n) {
    sr_doc__nomem(p);
    return NULL;
  }
  p->nodes++;
  n->kind = kind;
  n->line = line;
  n->col = col;
  return n;
}

char *sr_doc__strdup(sr_doc_parser *p, const char *s, size_t len) {
  if (len == SIZE_MAX) {
    sr_doc__nomem(p);
    return NULL;
  }
  char *r = arena_alloc(p->doc, len + 1);
  if (!r) {
    sr_doc__nomem(p);
    return NULL;
  }
  if (len) memcpy(r, s, len);
  r[len] = '\0';
  return r;
}

int sr_doc__bput(sr_doc_parser *p, const char *s, size_t len) {
  if (len > SIZE_MAX - p->blen - 1) return sr_doc__nomem(p);
  if (sr_grow(p->mem, (void **)&p->buf, &p->bcap, p->blen + len + 1, 1) != 0)
    return sr_doc__nomem(p);
  if (len) memcpy(p->buf + p->blen, s, len);
  p->blen += len;
  return SIREN_OK;
}

int sr_doc__bputc(sr_doc_parser *p, char c) {
  if (p->blen + 1 < p->bcap) {
    p->buf[p->blen++] = c;
    return SIREN_OK;
  }
  return sr_doc__bput(p, &c, 1);
}

int sr_doc__bpututf8(sr_doc_parser *p, uint32_t cp) {
  char b[4];
  size_t k;
  if (cp < 0x80) {
    b[0] = (char)cp;
    k = 1;
  } else if (cp < 0x800) {
    b[0] = (char)(0xC0 | (cp >> 6));
    b[1] = (char)(0x80 | (cp & 0x3F));
    k = 2;
  } else if (cp < 0x10000) {
    b[0] = (char)(0xE0 | (cp >> 12));
    b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[2] = (char)(0x80 | (cp & 0x3F));
    k = 3;
  } else {
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    k = 4;
  }
  return sr_doc__bput(p, b, k);
}

int sr_doc__push(sr_doc_parser *p, sr_doc_node *n) {
  if (sr_grow(p->mem, (void **)&p->stk, &p->scap, p->slen + 1, sizeof *p->stk) != 0)
    return sr_doc__nomem(p);
  p->stk[p->slen++] = n;
  return SIREN_OK;
}

int sr_doc__close(sr_doc_parser *p, sr_doc_node *c, size_t base) {
  size_t k = p->slen - base;
  if (c->kind == SR_DOC_SEQ) {
    c->count = k;
    if (k) {
      if (k > SIZE_MAX / sizeof *c->items) return sr_doc__nomem(p);
      c->items = arena_alloc(p->doc, k * sizeof *c->items);
      if (!c->items) return sr_doc__nomem(p);
      memcpy(c->items, p->stk + base, k * sizeof *c->items);
    }
  } else {
    c->count = k / 2;
    if (k) {
      if (c->count > SIZE_MAX / sizeof *c->pairs) return sr_doc__nomem(p);
      c->pairs = arena_alloc(p->doc, c->count * sizeof *c->pairs);
      if (!c->pairs) return sr_doc__nomem(p);
      for (size_t j = 0; j < c->count; j++) {
        c->pairs[j].key = p->stk[base + 2 * j];
        c->pairs[j].value = p->stk[base + 2 * j + 1];
      }
    }
  }
  p->slen = base;
  return SIREN_OK;
}

int sr_doc__enter(sr_doc_parser *p, size_t off) {
  if (p->depth >= p->max_depth)
    return sr_doc__fail_at(p, off, "nesting deeper than %u levels (max_depth)",
                           (unsigned)p->max_depth);
  p->depth++;
  return SIREN_OK;
}

/* ------------------------------------------------------------- encodings */

size_t sr_doc__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  if (n == 0) return 0;
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t k;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) {
    k = 2;
    v = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    k = 3;
    v = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    k = 4;
    v = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n < k) return 0;
  for (size_t j = 1; j < k; j++) {
    if ((s[j] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[j] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return k;
}

int sr_doc__strtod(const char *s, double *out) {
  errno = 0;
  char *end = NULL;
  double d = strtod(s, &end);
  *out = d;
  return errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL) ? -1 : 0;
}

int sr_doc__parse_int(const char *s, size_t len, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == len) return -1;
  /* Accumulate as a negative number so INT64_MIN fits. */
  int64_t v = 0;
  for (; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    int dgt = s[i] - '0';
    if (v < (INT64_MIN + dgt) / 10) return -1;
    v = v * 10 - dgt;
  }
  if (!neg) {
    if (v == INT64_MIN) return -1;
    v = -v;
  }
  *out = v;
  return 0;
}

/* ----------------------------------------------------------------- lookup */

int sr_doc_is_scalar(const sr_doc_node *n) {
  return n && n->kind != SR_DOC_SEQ && n->kind != SR_DOC_MAP;
}

static int key_eq(const sr_doc_node *k, const char *key, size_t klen, int ci) {
  if (!k || !k->str || k->len != klen) return 0;
  if (!ci) return memcmp(k->str, key, klen) == 0;
  for (size_t i = 0; i < klen; i++) {
    unsigned char a = (unsigned char)k->str[i], b = (unsigned char)key[i];
    if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
    if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
    if (a != b) return 0;
  }
  return 1;
}

static const sr_doc_node *get(const sr_doc_node *map, const char *key, int ci) {
  if (!map || map->kind != SR_DOC_MAP || !key) return NULL;
  size_t klen = strlen(key);
  for (size_t i = 0; i < map->count; i++)
    if (key_eq(map->pairs[i].key, key, klen, ci)) return map->pairs[i].value;
  return NULL;
}

const sr_doc_node *sr_doc_get(const sr_doc_node *map, const char *key) { return get(map, key, 0); }

const sr_doc_node *sr_doc_get_ci(const sr_doc_node *map, const char *key) {
  return get(map, key, 1);
}

const char *sr_doc_kind_name(sr_doc_kind kind) {
  switch (kind) {
  case SR_DOC_NULL: return "null";
  case SR_DOC_BOOL: return "bool";
  case SR_DOC_INT: return "int";
  case SR_DOC_DOUBLE: return "double";
  case SR_DOC_STRING: return "string";
  case SR_DOC_SEQ: return "sequence";
  case SR_DOC_MAP: return "mapping";
  }
  return "unknown";
}

/* ------------------------------------------------------------ dispatcher */

int sr_doc_parse(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
                 const sr_doc_limits *limits, sr_doc_error *err) {
  size_t i = 0;
  if (text && len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
      (unsigned char)text[2] == 0xBF)
    i = 3;
  while (text && i < len &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
    i++;
  if (text && i < len && (text[i] == '{' || text[i] == '['))
    return sr_doc_parse_json(out, mem, text, len, limits, err);
  return sr_doc_parse_yaml(out, mem, text, len, limits, err);
}
