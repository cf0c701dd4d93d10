/*
 * A strict RFC 8259 JSON reader. It does not recurse: open containers live on
 * an explicit stack that max_depth bounds.
 */
#define SR_DOC_IMPL
#include "doc/doc.h"

#include <string.h>

#include "siren/siren.h"

typedef sr_doc_parser P;

typedef struct frame {
  sr_doc_node *node;
  size_t base; /* p->slen when the container opened */
} frame;

static void skip_ws(P *p) {
  while (p->pos < p->n) {
    char c = p->s[p->pos];
    if (c == '\n') {
      p->pos++;
      sr_doc__newline(p, p->pos);
    } else if (c == ' ' || c == '\t' || c == '\r') {
      p->pos++;
    } else {
      break;
    }
  }
}

static int is_digit(const P *p, size_t i) { return i < p->n && p->s[i] >= '0' && p->s[i] <= '9'; }

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Four hex digits at s[i..i+4) as a value, or -1. */
static long hex4(const P *p, size_t i) {
  if (i > p->n || p->n - i < 4) return -1;
  long v = 0;
  for (size_t k = 0; k < 4; k++) {
    int h = hexval((unsigned char)p->s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* A string at pos (the opening quote); the text goes to a new STRING node. */
static sr_doc_node *string(P *p) {
  uint32_t line = p->line, col = sr_doc__col(p, p->pos);
  p->pos++;
  sr_doc__bclear(p);
  for (;;) {
    if (p->pos >= p->n) {
      sr_doc__fail_at(p, p->pos, "unterminated string: expected '\"'");
      return NULL;
    }
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == '"') {
      p->pos++;
      break;
    }
    if (c == '\\') {
      size_t at = p->pos;
      if (at + 1 >= p->n) {
        sr_doc__fail_at(p, at + 1, "unterminated string: expected an escape character and '\"'");
        return NULL;
      }
      char e = p->s[at + 1], out = 0;
      switch (e) {
      case '"': out = '"'; break;
      case '\\': out = '\\'; break;
      case '/': out = '/'; break;
      case 'b': out = '\b'; break;
      case 'f': out = '\f'; break;
      case 'n': out = '\n'; break;
      case 'r': out = '\r'; break;
      case 't': out = '\t'; break;
      case 'u': {
        long v = hex4(p, at + 2);
        if (v < 0) {
          sr_doc__fail_at(p, at, "invalid \\u escape: expected 4 hex digits after \\u");
          return NULL;
        }
        size_t used = 6;
        if (v >= 0xDC00 && v <= 0xDFFF) {
          sr_doc__fail_at(p, at, "unpaired low surrogate \\u%04lX: expected a high surrogate before it",
                          (unsigned long)v);
          return NULL;
        }
        if (v >= 0xD800 && v <= 0xDBFF) {
          long lo = -1;
          if (at + 7 < p->n && p->s[at + 6] == '\\' && p->s[at + 7] == 'u') lo = hex4(p, at + 8);
          if (lo < 0xDC00 || lo > 0xDFFF) {
            sr_doc__fail_at(p, at,
                            "unpaired high surrogate \\u%04lX: expected a low surrogate "
                            "\\uDC00-\\uDFFF right after it",
                            (unsigned long)v);
            return NULL;
          }
          v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
          used = 12;
        }
        if (sr_doc__bpututf8(p, (uint32_t)v) != SIREN_OK) return NULL;
        p->pos = at + used;
        continue;
      }
      default:
        if ((unsigned char)e < 0x20 || (unsigned char)e >= 0x7F)
          sr_doc__fail_at(p, at,
                          "invalid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u "
                          "after '\\'");
        else
          sr_doc__fail_at(p, at,
                          "invalid escape '\\%c': expected one of \\\" \\\\ \\/ \\b \\f \\n \\r "
                          "\\t \\u after '\\'",
                          e);
        return NULL;
      }
      if (sr_doc__bputc(p, out) != SIREN_OK) return NULL;
      p->pos = at + 2;
      continue;
    }
    if (c < 0x20) {
      if (c == '\n')
        sr_doc__fail_at(p, p->pos, "unterminated string: expected '\"' before the end of the line");
      else
        sr_doc__fail_at(p, p->pos, "control character U+%04X in string: expected it escaped",
                        (unsigned)c);
      return NULL;
    }
    if (c < 0x80) {
      size_t i = p->pos + 1;
      while (i < p->n) {
        unsigned char d = (unsigned char)p->s[i];
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
        i++;
      }
      if (sr_doc__bput(p, p->s + p->pos, i - p->pos) != SIREN_OK) return NULL;
      p->pos = i;
      continue;
    }
    uint32_t cp;
    size_t k = sr_doc__utf8_decode((const unsigned char *)p->s + p->pos, p->n - p->pos, &cp);
    if (!k) {
      sr_doc__fail_at(p, p->pos, "invalid UTF-8 in string: expected a well-formed UTF-8 sequence");
      return NULL;
    }
    if (sr_doc__bput(p, p->s + p->pos, k) != SIREN_OK) return NULL;
    p->pos += k;
  }
  sr_doc_node *n = sr_doc__node(p, SR_DOC_STRING, line, col);
  if (!n) return NULL;
  n->quoted = 1;
  n->str = sr_doc__strdup(p, p->buf ? p->buf : "", p->blen);
  if (!n->str) return NULL;
  n->len = p->blen;
  return n;
}

static sr_doc_node *number(P *p) {
  size_t st = p->pos;
  uint32_t line = p->line, col = sr_doc__col(p, st);
  int isint = 1;
  if (p->s[p->pos] == '-') p->pos++;
  if (!is_digit(p, p->pos)) {
    sr_doc__fail_at(p, p->pos, "invalid number: expected a digit after '-'");
    return NULL;
  }
  if (p->s[p->pos] == '0') {
    p->pos++;
    if (is_digit(p, p->pos)) {
      sr_doc__fail_at(p, p->pos - 1, "invalid number: leading zeros are not allowed");
      return NULL;
    }
  } else {
    while (is_digit(p, p->pos)) p->pos++;
  }
  if (p->pos < p->n && p->s[p->pos] == '.') {
    isint = 0;
    p->pos++;
    if (!is_digit(p, p->pos)) {
      sr_doc__fail_at(p, p->pos, "invalid number: expected a digit after '.'");
      return NULL;
    }
    while (is_digit(p, p->pos)) p->pos++;
  }
  if (p->pos < p->n && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
    isint = 0;
    p->pos++;
    if (p->pos < p->n && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
    if (!is_digit(p, p->pos)) {
      sr_doc__fail_at(p, p->pos, "invalid number: expected a digit in the exponent");
      return NULL;
    }
    while (is_digit(p, p->pos)) p->pos++;
  }
  sr_doc_node *n = sr_doc__node(p, SR_DOC_INT, line, col);
  if (!n) return NULL;
  n->len = p->pos - st;
  n->str = sr_doc__strdup(p, p->s + st, n->len);
  if (!n->str) return NULL;
  if (isint && sr_doc__parse_int(n->str, n->len, &n->i) == 0) {
    n->d = (double)n->i;
    return n;
  }
  n->kind = SR_DOC_DOUBLE;
  if (sr_doc__strtod(n->str, &n->d) != 0) {
    sr_doc__fail_at(p, st, "number out of range: expected a magnitude below 1.8e308");
    return NULL;
  }
  return n;
}

static sr_doc_node *literal(P *p) {
  static const char *const words[] = {"true", "false", "null"};
  char c = p->s[p->pos];
  int w = c == 't' ? 0 : c == 'f' ? 1 : 2;
  size_t k = strlen(words[w]);
  if (p->n - p->pos < k || memcmp(p->s + p->pos, words[w], k) != 0) {
    sr_doc__fail_at(p, p->pos, "invalid literal: expected '%s'", words[w]);
    return NULL;
  }
  sr_doc_node *n = sr_doc__node(p, w == 2 ? SR_DOC_NULL : SR_DOC_BOOL, p->line,
                                sr_doc__col(p, p->pos));
  if (!n) return NULL;
  n->boolean = w == 0;
  n->str = sr_doc__strdup(p, p->s + p->pos, k);
  if (!n->str) return NULL;
  n->len = k;
  p->pos += k;
  return n;
}

static int run(P *p, sr_doc_node **root) {
  frame *fr = NULL;
  size_t nfr = 0, cfr = 0;
  int rc = SIREN_OK;
  sr_doc_node *v = NULL;
  const char *key_expect = NULL;

  if (p->n >= 3 && (unsigned char)p->s[0] == 0xEF && (unsigned char)p->s[1] == 0xBB &&
      (unsigned char)p->s[2] == 0xBF) {
    p->pos = 3;
    p->lstart = 3;
  }

value:
  skip_ws(p);
  if (p->pos >= p->n) {
    rc = sr_doc__fail_at(p, p->pos, nfr ? "unexpected end of input: expected a value"
                                        : "expected a JSON value");
    goto done;
  }
  switch (p->s[p->pos]) {
  case '{':
  case '[': {
    sr_doc_kind kind = p->s[p->pos] == '{' ? SR_DOC_MAP : SR_DOC_SEQ;
    if ((rc = sr_doc__enter(p, p->pos)) != SIREN_OK) goto done;
    sr_doc_node *c = sr_doc__node(p, kind, p->line, sr_doc__col(p, p->pos));
    if (!c) {
      rc = p->rc;
      goto done;
    }
    if (sr_grow(p->mem, (void **)&fr, &cfr, nfr + 1, sizeof *fr) != 0) {
      rc = sr_doc__nomem(p);
      goto done;
    }
    fr[nfr].node = c;
    fr[nfr].base = p->slen;
    nfr++;
    p->pos++;
    skip_ws(p);
    if (kind == SR_DOC_SEQ) {
      if (p->pos < p->n && p->s[p->pos] == ']') {
        p->pos++;
        goto close;
      }
      goto value;
    }
    if (p->pos < p->n && p->s[p->pos] == '}') {
      p->pos++;
      goto close;
    }
    key_expect = "expected a string key or '}' after '{'";
    goto key;
  }
  case '"':
    v = string(p);
    break;
  case '-':
  case '0': case '1': case '2': case '3': case '4':
  case '5': case '6': case '7': case '8': case '9':
    v = number(p);
    break;
  case 't':
  case 'f':
  case 'n':
    v = literal(p);
    break;
  default:
    if (nfr && p->s[p->pos] == ']' && fr[nfr - 1].node->kind == SR_DOC_SEQ &&
        p->slen > fr[nfr - 1].base)
      rc = sr_doc__fail_at(p, p->pos,
                           "expected a value after ',' (trailing commas are not allowed)");
    else
      rc = sr_doc__fail_at(p, p->pos,
                           "expected a JSON value (object, array, string, number, true, false "
                           "or null)");
    goto done;
  }
  if (!v) {
    rc = p->rc;
    goto done;
  }

have_value:
  if (nfr == 0) {
    *root = v;
    skip_ws(p);
    if (p->pos < p->n)
      rc = sr_doc__fail_at(p, p->pos, "expected the end of input after the JSON value");
    goto done;
  }
  if ((rc = sr_doc__push(p, v)) != SIREN_OK) goto done;
  skip_ws(p);
  if (fr[nfr - 1].node->kind == SR_DOC_SEQ) {
    if (p->pos < p->n && p->s[p->pos] == ',') {
      p->pos++;
      goto value;
    }
    if (p->pos < p->n && p->s[p->pos] == ']') {
      p->pos++;
      goto close;
    }
    rc = sr_doc__fail_at(p, p->pos, "expected ',' or ']' after array element");
    goto done;
  }
  if (p->pos < p->n && p->s[p->pos] == ',') {
    p->pos++;
    skip_ws(p);
    key_expect = p->pos < p->n && p->s[p->pos] == '}'
                     ? "expected a string key after ',' (trailing commas are not allowed)"
                     : "expected a string key after ','";
    goto key;
  }
  if (p->pos < p->n && p->s[p->pos] == '}') {
    p->pos++;
    goto close;
  }
  rc = sr_doc__fail_at(p, p->pos, "expected ',' or '}' after object member");
  goto done;

key:
  if (p->pos >= p->n || p->s[p->pos] != '"') {
    rc = sr_doc__fail_at(p, p->pos, "%s", key_expect);
    goto done;
  }
  v = string(p);
  if (!v) {
    rc = p->rc;
    goto done;
  }
  if ((rc = sr_doc__push(p, v)) != SIREN_OK) goto done;
  skip_ws(p);
  if (p->pos >= p->n || p->s[p->pos] != ':') {
    rc = sr_doc__fail_at(p, p->pos, "expected ':' after object key");
    goto done;
  }
  p->pos++;
  goto value;

close:
  nfr--;
  if ((rc = sr_doc__close(p, fr[nfr].node, fr[nfr].base)) != SIREN_OK) goto done;
  sr_doc__leave(p);
  v = fr[nfr].node;
  goto have_value;

done:
  sr_free(p->mem, fr);
  return rc;
}

int sr_doc_parse_json(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
                      const sr_doc_limits *limits, sr_doc_error *err) {
  sr_doc_parser p;
  sr_doc_node *root = NULL;
  if (!out) {
    if (err) {
      err->line = err->col = 0;
      strcpy(err->msg, "invalid argument: out is NULL");
    }
    return SIREN_EINVAL;
  }
  *out = NULL;
  int rc = sr_doc__begin(&p, mem, text, len, limits, err, 0);
  if (rc == SIREN_OK) rc = run(&p, &root);
  return sr_doc__end(&p, rc, root, out);
}
