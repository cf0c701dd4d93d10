/*
 * The body of the JSON and YAML reader targets: parse with the default
 * limits and with small ones, check the tree against what doc.h promises,
 * then parse again failing one allocation and check that nothing leaks.
 */
#ifndef SIREN_FUZZ_DOC_H
#define SIREN_FUZZ_DOC_H

#include <string.h>

#include "doc/doc.h"
#include "fuzz_common.h"
#include "siren/siren.h"

typedef int (*fz_parse_fn)(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
                           const sr_doc_limits *limits, sr_doc_error *err);

/* Walks n (depth: its nesting level, 0 for the root's); returns the number of
 * nodes and raises *maxdepth to the deepest container level seen. */
static size_t fz_doc_walk(const sr_doc_node *n, uint32_t depth, uint32_t *maxdepth) {
  FZ_CHECK(n != NULL);
  FZ_CHECK(n->line >= 1 && n->col >= 1);
  size_t count = 1;
  switch (n->kind) {
  case SR_DOC_NULL:
  case SR_DOC_BOOL:
  case SR_DOC_INT:
  case SR_DOC_DOUBLE:
  case SR_DOC_STRING:
    FZ_CHECK(sr_doc_is_scalar(n));
    FZ_CHECK(n->str != NULL);
    FZ_CHECK(n->str[n->len] == '\0');
    FZ_CHECK(n->count == 0);
    if (n->kind == SR_DOC_BOOL) FZ_CHECK(n->boolean == 0 || n->boolean == 1);
    if (n->kind == SR_DOC_INT) FZ_CHECK(n->d == (double)n->i);
    if (n->kind == SR_DOC_DOUBLE) FZ_CHECK(n->i == 0);
    break;
  case SR_DOC_SEQ:
  case SR_DOC_MAP:
    FZ_CHECK(!sr_doc_is_scalar(n));
    FZ_CHECK(n->str == NULL && n->len == 0);
    if (depth + 1 > *maxdepth) *maxdepth = depth + 1;
    if (n->kind == SR_DOC_SEQ) {
      FZ_CHECK(n->count == 0 || n->items != NULL);
      for (size_t i = 0; i < n->count; i++) count += fz_doc_walk(n->items[i], depth + 1, maxdepth);
    } else {
      FZ_CHECK(n->count == 0 || n->pairs != NULL);
      for (size_t i = 0; i < n->count; i++) {
        FZ_CHECK(sr_doc_is_scalar(n->pairs[i].key));
        count += fz_doc_walk(n->pairs[i].key, depth + 1, maxdepth);
        count += fz_doc_walk(n->pairs[i].value, depth + 1, maxdepth);
      }
      /* The first pair with a key is what sr_doc_get finds. */
      if (n->count > 0 && strlen(n->pairs[0].key->str) == n->pairs[0].key->len) {
        const sr_doc_node *v = sr_doc_get(n, n->pairs[0].key->str);
        FZ_CHECK(v == n->pairs[0].value);
      }
    }
    break;
  default:
    FZ_CHECK(!"unknown node kind");
  }
  FZ_CHECK(strcmp(sr_doc_kind_name(n->kind), "") != 0);
  return count;
}

static void fz_doc_one(fz_parse_fn parse, const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  fz_alloc a = {0, 0, 0, 0};
  sr_mem mem = {fz_alloc_fn, fz_realloc_fn, fz_free_fn, &a};
  sr_doc *doc = (sr_doc *)1;
  sr_doc_error err;
  memset(&err, 0xAA, sizeof err);

  /* Default limits. */
  int rc = parse(&doc, &mem, text, size, NULL, &err);
  FZ_CHECK(rc == SIREN_OK || rc == SIREN_EINVAL);
  size_t allocs = a.count;
  if (rc == SIREN_OK) {
    FZ_CHECK(doc != NULL);
    uint32_t depth = 0;
    size_t nodes = fz_doc_walk(sr_doc_root(doc), 0, &depth);
    FZ_CHECK(nodes <= SR_DOC_DEFAULT_MAX_NODES);
    FZ_CHECK(depth <= SR_DOC_DEFAULT_MAX_DEPTH);
    sr_doc_free(doc);
  } else {
    FZ_CHECK(doc == NULL);
    FZ_CHECK(err.line >= 1 && err.col >= 1);
    FZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL && err.msg[0] != '\0');
  }
  FZ_CHECK(a.live == 0);

  /* Small limits: they hold, and a document within them parses the same. */
  sr_doc_limits lim = {0, 4, 40};
  a.count = 0;
  doc = (sr_doc *)1;
  int rc2 = parse(&doc, &mem, text, size, &lim, &err);
  FZ_CHECK(rc2 == SIREN_OK || rc2 == SIREN_EINVAL);
  if (rc2 == SIREN_OK) {
    FZ_CHECK(rc == SIREN_OK);
    uint32_t depth = 0;
    size_t nodes = fz_doc_walk(sr_doc_root(doc), 0, &depth);
    FZ_CHECK(nodes <= lim.max_nodes);
    FZ_CHECK(depth <= lim.max_depth);
    sr_doc_free(doc);
  } else {
    FZ_CHECK(doc == NULL);
  }
  FZ_CHECK(a.live == 0);

  /* One allocation fails (chosen from the input): ENOMEM or, when the
   * failure comes after the reader already found an error, EINVAL. */
  if (allocs > 0) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
    a.count = 0;
    a.fail_at = 1 + h % allocs;
    a.failed = 0;
    doc = (sr_doc *)1;
    int rc3 = parse(&doc, &mem, text, size, NULL, &err);
    if (a.failed) {
      FZ_CHECK(rc3 == SIREN_ENOMEM || (rc == SIREN_EINVAL && rc3 == SIREN_EINVAL));
      FZ_CHECK(doc == NULL);
    } else {
      FZ_CHECK(rc3 == rc);
      sr_doc_free(doc);
    }
    FZ_CHECK(a.live == 0);
  }
}

#endif
