/*
 * A reader for the YAML subset that SSM Automation documents and
 * CloudFormation templates use (the list is in doc.h).
 *
 * Recursive descent over the raw bytes. Block structure is driven by
 * indentation: a block collection at indentation n reads entries whose lines
 * start at column n and returns to its parent at the first content line
 * indented less. Every function that reads a value leaves pos at the start of
 * a line (or at the end of input), with the rest of the value's last line
 * consumed. Recursion happens once per nesting level (each level is counted
 * against max_depth before it recurses further) plus a bounded constant.
 */
#define SR_DOC_IMPL
#include "doc/doc.h"

#include <math.h>
#include <string.h>

#include "siren/siren.h"

typedef sr_doc_parser P;
typedef int64_t ind_t; /* an indentation; -1 for the document level */

enum {
  CTX_MAP_VALUE, /* after "key:" */
  CTX_SEQ_ITEM,  /* after "-" */
  CTX_DOC_LINE,  /* after "---" on the same line */
  CTX_ROOT,      /* the document's root node, from a line start */
  CTX_OWN_LINE   /* a node that starts a line of its own */
};

enum { STYLE_PLAIN, STYLE_QUOTED, STYLE_BLOCK };

/* -------------------------------------------------------------- characters */

/* The byte at i, or -1 at or past the end. */
static int at(const P *p, size_t i) { return i < p->n ? (unsigned char)p->s[i] : -1; }

/* Length of the line break at i (2 for \r\n, 1 for \n or \r), or 0. */
static size_t brk(const P *p, size_t i) {
  if (i >= p->n) return 0;
  char c = p->s[i];
  if (c == '\n') return 1;
  if (c == '\r') return i + 1 < p->n && p->s[i + 1] == '\n' ? 2 : 1;
  return 0;
}

static int is_blank(int c) { return c == ' ' || c == '\t'; }
static int is_eol(const P *p, size_t i) { return i >= p->n || brk(p, i) != 0; }
static int is_ws_eol(const P *p, size_t i) { return is_eol(p, i) || is_blank(at(p, i)); }
static int is_flow_ind(int c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

static void skip_blanks(P *p) {
  while (is_blank(at(p, p->pos))) p->pos++;
}

/* Consumes the line break at pos (if any). */
static void eat_break(P *p) {
  size_t k = brk(p, p->pos);
  if (k) {
    p->pos += k;
    sr_doc__newline(p, p->pos);
  }
}

/* 1 for "---", 2 for "..." at the start of the line at i, followed by a blank
 * or the end of the line; else 0. */
static int marker(const P *p, size_t i) {
  if (i != p->lstart || p->n - i < 3 || !is_ws_eol(p, i + 3)) return 0;
  if (memcmp(p->s + i, "---", 3) == 0) return 1;
  if (memcmp(p->s + i, "...", 3) == 0) return 2;
  return 0;
}

/* A '#' at i starts a comment (it is first on its line or follows a blank). */
static int is_comment(const P *p, size_t i) {
  return at(p, i) == '#' && (i == p->lstart || (i > 0 && is_blank(at(p, i - 1))));
}

static int is_seq_entry(const P *p, size_t i) { return at(p, i) == '-' && is_ws_eol(p, i + 1); }

static ind_t column0(const P *p, size_t i) { return (ind_t)(i - p->lstart); }

typedef struct mark {
  size_t pos, lstart;
  uint32_t line;
} mark;

static mark save(const P *p) {
  mark m = {p->pos, p->lstart, p->line};
  return m;
}
static void restore(P *p, mark m) {
  p->pos = m.pos;
  p->lstart = m.lstart;
  p->line = m.line;
}

static int fail_anchor(P *p, size_t i) {
  return sr_doc__fail_at(p, i, "anchors and aliases are not supported ('%c'): expected a value "
                               "without '&anchor' or '*alias'",
                         at(p, i));
}

/*
 * pos is at a line start. Skips blank and comment-only lines. Returns the
 * indentation of the next content line (pos at its start), -1 at the end of
 * input or at a "---" / "..." line, or -2 after reporting a tab used as
 * indentation.
 */
static ind_t next_line(P *p) {
  for (;;) {
    if (p->pos >= p->n || marker(p, p->pos)) return -1;
    size_t i = p->pos;
    while (at(p, i) == ' ') i++;
    size_t j = i;
    while (is_blank(at(p, j))) j++;
    if (is_eol(p, j) || is_comment(p, j)) {
      while (!is_eol(p, j)) j++;
      p->pos = j;
      if (j >= p->n) return -1;
      eat_break(p);
      continue;
    }
    if (j != i) {
      sr_doc__fail_at(p, i, "tabs are not allowed for indentation: expected spaces");
      return -2;
    }
    return (ind_t)(i - p->pos);
  }
}

/* After a value on the current line: blanks, an optional comment, and the line
 * break (or the end of input). */
static int rest_of_line(P *p, const char *after) {
  skip_blanks(p);
  if (is_comment(p, p->pos))
    while (!is_eol(p, p->pos)) p->pos++;
  if (p->pos >= p->n) return SIREN_OK;
  if (brk(p, p->pos)) {
    eat_break(p);
    return SIREN_OK;
  }
  if (at(p, p->pos) == ':')
    return sr_doc__fail_at(p, p->pos,
                           "mapping values are not allowed here: expected the end of the line "
                           "after %s",
                           after);
  return sr_doc__fail_at(p, p->pos, "expected the end of the line after %s", after);
}

/*
 * Lookahead: does the line from i start an implicit mapping key ("key:",
 * "'key':", "\"key\":", optionally after a tag), i.e. a single-line scalar
 * followed by ':' and a blank or the end of the line?
 */
static int is_implicit_key(const P *p, size_t i) {
  if (at(p, i) == '!') {
    while (!is_ws_eol(p, i)) i++;
    while (is_blank(at(p, i))) i++;
  }
  int c = at(p, i);
  if (c == '"' || c == '\'') {
    i++;
    for (;;) {
      if (is_eol(p, i)) return 0;
      int d = at(p, i);
      if (c == '\'' && d == '\'') {
        if (at(p, i + 1) == '\'') {
          i += 2;
          continue;
        }
        i++;
        break;
      }
      if (c == '"' && d == '\\') {
        if (is_eol(p, i + 1)) return 0;
        i += 2;
        continue;
      }
      if (c == '"' && d == '"') {
        i++;
        break;
      }
      i++;
    }
    while (is_blank(at(p, i))) i++;
    return at(p, i) == ':' && is_ws_eol(p, i + 1);
  }
  if (c <= 0 || is_ws_eol(p, i) || strchr("[]{},#&*!|>%@`", c)) return 0;
  if ((c == '-' || c == '?' || c == ':') && is_ws_eol(p, i + 1)) return 0;
  for (i++;; i++) {
    if (is_eol(p, i)) return 0;
    int d = at(p, i);
    if (d == ':' && is_ws_eol(p, i + 1)) return 1;
    if (d == '#' && is_blank(at(p, i - 1))) return 0;
  }
}

/* ----------------------------------------------------------------- scalars */

static int eq(const char *s, size_t n, const char *w) { return strlen(w) == n && memcmp(s, w, n) == 0; }

static int all_digits(const char *s, size_t n, int base) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = base == 16 ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
           : base == 8  ? (c >= '0' && c <= '7')
                        : (c >= '0' && c <= '9');
    if (!ok) return 0;
  }
  return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float(const char *s, size_t n) {
  size_t i = 0, d = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) i++;
  while (i < n && s[i] >= '0' && s[i] <= '9') i++, d++;
  if (i < n && s[i] == '.') {
    i++;
    size_t f = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, f++;
    if (!d && !f) return 0;
  } else if (!d) {
    return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    size_t e = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, e++;
    if (!e) return 0;
  }
  return i == n;
}

/* Types a plain scalar with the YAML 1.2 core schema. */
static void resolve(sr_doc_node *nd) {
  const char *s = nd->str;
  size_t n = nd->len;
  if (n == 0 || eq(s, n, "~") || eq(s, n, "null") || eq(s, n, "Null") || eq(s, n, "NULL")) {
    nd->kind = SR_DOC_NULL;
    return;
  }
  if (eq(s, n, "true") || eq(s, n, "True") || eq(s, n, "TRUE")) {
    nd->kind = SR_DOC_BOOL;
    nd->boolean = 1;
    return;
  }
  if (eq(s, n, "false") || eq(s, n, "False") || eq(s, n, "FALSE")) {
    nd->kind = SR_DOC_BOOL;
    return;
  }
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    int base = s[1] == 'x' ? 16 : 8;
    if (all_digits(s + 2, n - 2, base)) {
      uint64_t v = 0;
      for (size_t i = 2; i < n; i++) {
        int dg = s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10;
        if (v > ((uint64_t)INT64_MAX - (uint64_t)dg) / (uint64_t)base) return; /* STRING */
        v = v * (uint64_t)base + (uint64_t)dg;
      }
      nd->kind = SR_DOC_INT;
      nd->i = (int64_t)v;
      nd->d = (double)nd->i;
    }
    return;
  }
  if (sr_doc__parse_int(s, n, &nd->i) == 0) {
    nd->kind = SR_DOC_INT;
    nd->d = (double)nd->i;
    return;
  }
  if (is_float(s, n)) {
    nd->kind = SR_DOC_DOUBLE;
    sr_doc__strtod(s, &nd->d); /* an overflow gives +-HUGE_VAL, an infinity */
    return;
  }
  size_t k = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (eq(s + k, n - k, ".inf") || eq(s + k, n - k, ".Inf") || eq(s + k, n - k, ".INF")) {
    nd->kind = SR_DOC_DOUBLE;
    nd->d = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return;
  }
  if (!k && (eq(s, n, ".nan") || eq(s, n, ".NaN") || eq(s, n, ".NAN"))) {
    nd->kind = SR_DOC_DOUBLE;
    nd->d = NAN;
  }
}

static int forces_string(const char *tag) {
  return tag && (strcmp(tag, "!!str") == 0 || strcmp(tag, "!") == 0 ||
                 strcmp(tag, "!<tag:yaml.org,2002:str>") == 0);
}

/* A scalar node holding the scratch buffer's text. */
static sr_doc_node *scalar(P *p, uint32_t line, uint32_t col, int style, const char *tag) {
  sr_doc_node *nd = sr_doc__node(p, SR_DOC_STRING, line, col);
  if (!nd) return NULL;
  nd->tag = tag;
  nd->quoted = style == STYLE_QUOTED;
  nd->str = sr_doc__strdup(p, p->buf ? p->buf : "", p->blen);
  if (!nd->str) return NULL;
  nd->len = p->blen;
  if (style == STYLE_PLAIN && !forces_string(tag)) resolve(nd);
  return nd;
}

static sr_doc_node *empty(P *p, uint32_t line, uint32_t col, const char *tag) {
  sr_doc__bclear(p);
  return scalar(p, line, col, STYLE_PLAIN, tag);
}

/* A tag at pos ('!'); returns its text (in the arena) or NULL (reported). */
static const char *tag(P *p, int flow) {
  size_t st = p->pos, i;
  if (at(p, st + 1) == '<') {
    i = st + 2;
    while (!is_ws_eol(p, i) && at(p, i) != '>') i++;
    if (at(p, i) != '>') {
      sr_doc__fail_at(p, i, "expected '>' to close the verbatim tag");
      return NULL;
    }
    i++;
  } else {
    i = st + 1;
    while (!is_ws_eol(p, i) && !(flow && is_flow_ind(at(p, i)))) i++;
  }
  if (!is_ws_eol(p, i) && !(flow && is_flow_ind(at(p, i)))) {
    sr_doc__fail_at(p, i, "expected a blank after the tag");
    return NULL;
  }
  p->pos = i;
  return sr_doc__strdup(p, p->s + st, i - st);
}

/*
 * A plain scalar from pos into the scratch buffer. In block context the
 * continuation lines must be indented more than indent; in flow context
 * (flow != 0) the scalar also ends at , [ ] { }. multi == 0 reads one line
 * only (implicit keys). pos ends after the last non-blank character.
 */
static int plain(P *p, ind_t indent, int flow, int multi) {
  sr_doc__bclear(p);
  for (;;) {
    size_t st = p->pos, i = p->pos, end = p->pos;
    for (;;) {
      if (is_eol(p, i)) break;
      int c = at(p, i);
      if (c == ':' && (is_ws_eol(p, i + 1) || (flow && is_flow_ind(at(p, i + 1))))) break;
      if (flow && is_flow_ind(c)) break;
      if (c == '#' && i > st && is_blank(at(p, i - 1))) break;
      i++;
      if (!is_blank(c)) end = i;
    }
    if (sr_doc__bput(p, p->s + st, end - st) != SIREN_OK) return p->rc;
    p->pos = end;
    if (!multi) return SIREN_OK;
    /* Continuation: only when the line ended here. */
    size_t j = end;
    while (is_blank(at(p, j))) j++;
    if (j >= p->n || !brk(p, j)) return SIREN_OK;
    mark m = save(p);
    p->pos = j;
    eat_break(p);
    size_t breaks = 0;
    for (;;) {
      if (p->pos >= p->n || (!flow && marker(p, p->pos))) {
        restore(p, m);
        return SIREN_OK;
      }
      size_t k = p->pos;
      while (at(p, k) == ' ') k++;
      size_t l = k;
      while (is_blank(at(p, l))) l++;
      if (is_eol(p, l)) {
        if (l >= p->n) {
          restore(p, m);
          return SIREN_OK;
        }
        p->pos = l;
        eat_break(p);
        breaks++;
        continue;
      }
      int c = at(p, l);
      if ((!flow && (ind_t)(k - p->pos) <= indent) || c == '#' ||
          (flow && (is_flow_ind(c) ||
                    (c == ':' && (is_ws_eol(p, l + 1) || is_flow_ind(at(p, l + 1))))))) {
        restore(p, m);
        return SIREN_OK;
      }
      if (flow && marker(p, p->pos)) {
        restore(p, m);
        return SIREN_OK;
      }
      if (breaks == 0) {
        if (sr_doc__bputc(p, ' ') != SIREN_OK) return p->rc;
      }
      for (size_t b = 0; b < breaks; b++)
        if (sr_doc__bputc(p, '\n') != SIREN_OK) return p->rc;
      p->pos = l;
      break;
    }
  }
}

static int hexdigit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* k hex digits at i as a value, or -1. */
static long hexn(const P *p, size_t i, int k) {
  long v = 0;
  for (int j = 0; j < k; j++) {
    int h = hexdigit(at(p, i + (size_t)j));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* An escape at pos ('\\', not followed by a line break) into the buffer. */
static int escape(P *p) {
  size_t st = p->pos;
  int e = at(p, st + 1);
  uint32_t cp;
  int k = 0;
  switch (e) {
  case '0': cp = 0; break;
  case 'a': cp = 7; break;
  case 'b': cp = 8; break;
  case 't':
  case '\t': cp = 9; break;
  case 'n': cp = 10; break;
  case 'v': cp = 11; break;
  case 'f': cp = 12; break;
  case 'r': cp = 13; break;
  case 'e': cp = 27; break;
  case ' ': cp = ' '; break;
  case '"': cp = '"'; break;
  case '/': cp = '/'; break;
  case '\\': cp = '\\'; break;
  case 'N': cp = 0x85; break;
  case '_': cp = 0xA0; break;
  case 'L': cp = 0x2028; break;
  case 'P': cp = 0x2029; break;
  case 'x': k = 2; cp = 0; break;
  case 'u': k = 4; cp = 0; break;
  case 'U': k = 8; cp = 0; break;
  default:
    return sr_doc__fail_at(p, st,
                           "invalid escape: expected one of 0 a b t n v f r e space \" / \\ N _ "
                           "L P xXX uXXXX UXXXXXXXX after '\\'");
  }
  size_t used = 2;
  if (k) {
    long v = hexn(p, st + 2, k);
    if (v < 0)
      return sr_doc__fail_at(p, st, "invalid escape: expected %d hex digits after \\%c", k, e);
    used += (size_t)k;
    if (k == 8 && (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)))
      return sr_doc__fail_at(p, st, "invalid escape: \\U%08lX is not a Unicode scalar value",
                             (unsigned long)v);
    if (k == 4 && v >= 0xDC00 && v <= 0xDFFF)
      return sr_doc__fail_at(p, st,
                             "unpaired low surrogate \\u%04lX: expected a high surrogate before it",
                             (unsigned long)v);
    if (k == 4 && v >= 0xD800 && v <= 0xDBFF) {
      long lo = -1;
      if (at(p, st + 6) == '\\' && at(p, st + 7) == 'u') lo = hexn(p, st + 8, 4);
      if (lo < 0xDC00 || lo > 0xDFFF)
        return sr_doc__fail_at(p, st,
                               "unpaired high surrogate \\u%04lX: expected a low surrogate "
                               "\\uDC00-\\uDFFF right after it",
                               (unsigned long)v);
      v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
      used += 6;
    }
    cp = (uint32_t)v;
  }
  p->pos = st + used;
  return sr_doc__bpututf8(p, cp);
}

/*
 * After a line break inside a quoted scalar (pos at the next line's start):
 * skips the leading blanks of following lines and emits the folded breaks.
 * escaped: the break was escaped with '\' (no space for a single break).
 */
static int quoted_fold(P *p, int escaped, int q) {
  size_t breaks = 0;
  for (;;) {
    if (marker(p, p->pos))
      return sr_doc__fail_at(p, p->pos,
                             "document marker inside a quoted scalar: expected a closing %c", q);
    skip_blanks(p);
    if (p->pos < p->n && brk(p, p->pos)) {
      eat_break(p);
      breaks++;
      continue;
    }
    break;
  }
  if (breaks == 0 && !escaped) return sr_doc__bputc(p, ' ');
  for (size_t b = 0; b < breaks; b++)
    if (sr_doc__bputc(p, '\n') != SIREN_OK) return p->rc;
  return SIREN_OK;
}

/* A single- or double-quoted scalar at pos into the scratch buffer. */
static int quoted(P *p) {
  int q = at(p, p->pos);
  uint32_t oline = p->line, ocol = sr_doc__col(p, p->pos);
  size_t keep = 0; /* buffer length that trailing-blank stripping may not cut */
  p->pos++;
  sr_doc__bclear(p);
  for (;;) {
    if (p->pos >= p->n)
      return sr_doc__fail_at(p, p->pos,
                             "unterminated quoted scalar: expected a closing %c for the one "
                             "opened at line %u, column %u",
                             q, (unsigned)oline, (unsigned)ocol);
    int c = at(p, p->pos);
    if (c == q) {
      if (q == '\'' && at(p, p->pos + 1) == '\'') {
        if (sr_doc__bputc(p, '\'') != SIREN_OK) return p->rc;
        p->pos += 2;
        keep = p->blen;
        continue;
      }
      p->pos++;
      return SIREN_OK;
    }
    if (q == '"' && c == '\\') {
      if (p->pos + 1 < p->n && brk(p, p->pos + 1)) {
        keep = p->blen;
        p->pos++;
        eat_break(p);
        if (quoted_fold(p, 1, q) != SIREN_OK) return p->rc;
        keep = p->blen;
        continue;
      }
      if (p->pos + 1 >= p->n)
        return sr_doc__fail_at(p, p->pos + 1,
                               "unterminated quoted scalar: expected an escape character and a "
                               "closing \" for the one opened at line %u, column %u",
                               (unsigned)oline, (unsigned)ocol);
      if (escape(p) != SIREN_OK) return p->rc;
      keep = p->blen;
      continue;
    }
    if (brk(p, p->pos)) {
      p->blen = keep;
      eat_break(p);
      if (quoted_fold(p, 0, q) != SIREN_OK) return p->rc;
      keep = p->blen;
      continue;
    }
    if (is_blank(c)) {
      if (sr_doc__bputc(p, (char)c) != SIREN_OK) return p->rc;
      p->pos++;
      continue;
    }
    size_t i = p->pos + 1;
    while (i < p->n) {
      int d = at(p, i);
      if (d == q || (q == '"' && d == '\\') || is_blank(d) || brk(p, i)) break;
      i++;
    }
    if (sr_doc__bput(p, p->s + p->pos, i - p->pos) != SIREN_OK) return p->rc;
    p->pos = i;
    keep = p->blen;
  }
}

/* A literal (|) or folded (>) block scalar at pos. indent is the enclosing
 * block collection's indentation. */
static int block_scalar(P *p, ind_t indent, const char *tg, sr_doc_node **out) {
  uint32_t line = p->line, col = sr_doc__col(p, p->pos);
  int folded = at(p, p->pos) == '>';
  int chomp = 0; /* -1 strip, 0 clip, 1 keep */
  int explicit_ind = 0;
  p->pos++;
  for (int k = 0; k < 2; k++) {
    int c = at(p, p->pos);
    if ((c == '-' || c == '+') && !chomp) {
      chomp = c == '-' ? -1 : 1;
      p->pos++;
    } else if (c >= '1' && c <= '9' && !explicit_ind) {
      explicit_ind = c - '0';
      p->pos++;
    } else if (c == '0') {
      return sr_doc__fail_at(p, p->pos, "invalid indentation indicator: expected 1-9");
    }
  }
  if (!is_ws_eol(p, p->pos))
    return sr_doc__fail_at(p, p->pos,
                           "expected a chomping indicator (+ or -), an indentation indicator "
                           "(1-9), a comment or the end of the line after '%c'",
                           folded ? '>' : '|');
  if (rest_of_line(p, "the block scalar header") != SIREN_OK) return p->rc;

  /* Content indentation: explicit, or that of the first non-empty line. */
  ind_t base = indent < 0 ? 0 : indent;
  ind_t ci;
  if (explicit_ind) {
    ci = base + explicit_ind;
  } else {
    /* Leading lines of spaces only are empty; one of them may not have more
     * spaces than the first content line. */
    ci = indent + 1;
    size_t i = p->pos, most = 0, most_at = 0, lines = 0, most_line = 0;
    int found = 0;
    while (i < p->n) {
      size_t sp = 0;
      while (at(p, i + sp) == ' ') sp++;
      size_t l = i + sp;
      if (!is_eol(p, l)) {
        if ((ind_t)sp > indent) {
          ci = (ind_t)sp;
          found = 1;
        }
        break;
      }
      if (sp > most) {
        most = sp;
        most_at = i;
        most_line = lines;
      }
      if (l >= p->n) break;
      i = l + brk(p, l);
      lines++;
    }
    if (!found && (ind_t)most > ci) ci = (ind_t)most; /* no content: all lines empty */
    if (found && (ind_t)most > ci) {
      for (size_t k = 0; k < most_line; k++) {
        while (!is_eol(p, p->pos)) p->pos++;
        eat_break(p);
      }
      return sr_doc__fail_at(p, most_at + (size_t)ci,
                             "a leading empty line of a block scalar has more spaces than its "
                             "first line: expected at most %lld",
                             (long long)ci);
    }
  }

  sr_doc__bclear(p);
  size_t pending = 0; /* empty lines since the last content line */
  int have = 0, prev_more = 0, last_break = 0;
  while (p->pos < p->n) {
    if (marker(p, p->pos)) break;
    size_t k = p->pos;
    while (at(p, k) == ' ' && (ind_t)(k - p->pos) < ci) k++;
    if ((ind_t)(k - p->pos) < ci) {
      size_t l = k;
      while (is_blank(at(p, l))) l++;
      if (!is_eol(p, l)) break; /* less indented content ends the scalar */
      p->pos = l;
      if (l >= p->n) break;
      eat_break(p);
      pending++;
      continue;
    }
    if (is_eol(p, k)) {
      p->pos = k;
      if (k >= p->n) break;
      eat_break(p);
      pending++;
      continue;
    }
    size_t e = k;
    while (!is_eol(p, e)) e++;
    int more = is_blank(at(p, k));
    size_t nl;
    if (!have)
      nl = pending;
    else if (folded && !more && !prev_more)
      nl = pending;
    else
      nl = pending + 1;
    if (have && folded && !more && !prev_more && pending == 0) {
      if (sr_doc__bputc(p, ' ') != SIREN_OK) return p->rc;
    }
    for (size_t b = 0; b < nl; b++)
      if (sr_doc__bputc(p, '\n') != SIREN_OK) return p->rc;
    if (sr_doc__bput(p, p->s + k, e - k) != SIREN_OK) return p->rc;
    have = 1;
    prev_more = more;
    pending = 0;
    p->pos = e;
    last_break = e < p->n;
    eat_break(p);
  }
  if (chomp >= 0) {
    size_t nl = 0;
    if (have && last_break) nl = 1;
    if (chomp > 0) nl += pending;
    for (size_t b = 0; b < nl; b++)
      if (sr_doc__bputc(p, '\n') != SIREN_OK) return p->rc;
  }
  *out = scalar(p, line, col, STYLE_BLOCK, tg);
  return *out ? SIREN_OK : p->rc;
}

/* ------------------------------------------------------------------- flow */

/* Skips blanks, line breaks and comments inside a flow collection. */
static int flow_ws(P *p, int close) {
  for (;;) {
    int c = at(p, p->pos);
    if (is_blank(c)) {
      p->pos++;
    } else if (c >= 0 && brk(p, p->pos)) {
      eat_break(p);
      if (marker(p, p->pos))
        return sr_doc__fail_at(p, p->pos,
                               "document marker inside a flow collection: expected '%c'", close);
    } else if (is_comment(p, p->pos)) {
      while (!is_eol(p, p->pos)) p->pos++;
    } else {
      return SIREN_OK;
    }
  }
}

static int flow_seq(P *p, const char *tg, sr_doc_node **out);
static int flow_map(P *p, const char *tg, sr_doc_node **out);

/* One node inside a flow collection, at pos (not at , ] } or the end). */
static int flow_node(P *p, int close, sr_doc_node **out) {
  const char *tg = NULL;
  uint32_t line = p->line, col = sr_doc__col(p, p->pos);
  if (at(p, p->pos) == '!') {
    if (!(tg = tag(p, 1))) return p->rc;
    if (flow_ws(p, close) != SIREN_OK) return p->rc;
    if (at(p, p->pos) == '!') return sr_doc__fail_at(p, p->pos, "a node may have only one tag");
  }
  int c = at(p, p->pos);
  if (c == '&' || c == '*') return fail_anchor(p, p->pos);
  if (tg) {
    line = p->line;
    col = sr_doc__col(p, p->pos);
  }
  if (c == '[') return flow_seq(p, tg, out);
  if (c == '{') return flow_map(p, tg, out);
  if (c == '"' || c == '\'') {
    if (quoted(p) != SIREN_OK) return p->rc;
    *out = scalar(p, line, col, STYLE_QUOTED, tg);
    return *out ? SIREN_OK : p->rc;
  }
  if (c < 0 || c == ',' || c == ']' || c == '}' ||
      (c == ':' && (is_ws_eol(p, p->pos + 1) || is_flow_ind(at(p, p->pos + 1))))) {
    if (!tg)
      return sr_doc__fail_at(p, p->pos, c < 0 ? "unexpected end of input: expected '%c'"
                                              : "expected a value or '%c'",
                             close);
    *out = empty(p, line, col, tg);
    return *out ? SIREN_OK : p->rc;
  }
  if ((c == '?' || c == '-') && is_ws_eol(p, p->pos + 1))
    return sr_doc__fail_at(p, p->pos,
                           c == '?' ? "explicit mapping keys ('?') are not supported"
                                    : "block sequence entries are not allowed in a flow "
                                      "collection: expected a value");
  if (c == '|' || c == '>' || c == '%' || c == '@' || c == '`' || c == '#')
    return sr_doc__fail_at(p, p->pos, "unexpected '%c' in a flow collection: expected a value",
                           c);
  if (plain(p, -1, 1, 1) != SIREN_OK) return p->rc;
  *out = scalar(p, line, col, STYLE_PLAIN, tg);
  return *out ? SIREN_OK : p->rc;
}

static int unterminated(P *p, const sr_doc_node *c) {
  int seq = c->kind == SR_DOC_SEQ;
  return sr_doc__fail_at(p, p->pos,
                         "unterminated flow %s: expected '%c' to close the '%c' at line %u, "
                         "column %u",
                         seq ? "sequence" : "mapping", seq ? ']' : '}', seq ? '[' : '{',
                         (unsigned)c->line, (unsigned)c->col);
}

/* After an item of flow collection c: consumes ',' (1: another item may
 * follow) or the closing bracket (0: done); -1 with p->rc set otherwise. */
static int flow_next(P *p, const sr_doc_node *c) {
  int seq = c->kind == SR_DOC_SEQ;
  int ch = at(p, p->pos);
  if (ch == ',' || ch == (seq ? ']' : '}')) {
    p->pos++;
    return ch == ',';
  }
  if (ch < 0) {
    unterminated(p, c);
  } else {
    sr_doc__fail_at(p, p->pos, seq ? "expected ',' or ']' in a flow sequence"
                                   : "expected ',' or '}' in a flow mapping");
  }
  return -1;
}

static int flow_seq(P *p, const char *tg, sr_doc_node **out) {
  if (sr_doc__enter(p, p->pos) != SIREN_OK) return p->rc;
  sr_doc_node *seq = sr_doc__node(p, SR_DOC_SEQ, p->line, sr_doc__col(p, p->pos));
  if (!seq) return p->rc;
  seq->tag = tg;
  size_t base = p->slen;
  p->pos++;
  for (;;) {
    if (flow_ws(p, ']') != SIREN_OK) return p->rc;
    int c = at(p, p->pos);
    if (c < 0) return unterminated(p, seq);
    if (c == ']') {
      p->pos++;
      break;
    }
    if (c == ',') return sr_doc__fail_at(p, p->pos, "expected a value or ']' before ','");
    sr_doc_node *item;
    if (flow_node(p, ']', &item) != SIREN_OK) return p->rc;
    if (flow_ws(p, ']') != SIREN_OK) return p->rc;
    if (at(p, p->pos) == ':') {
      /* [key: value] is a single-pair mapping. */
      if (!sr_doc_is_scalar(item))
        return sr_doc__fail_at(p, p->pos,
                               "flow collections as mapping keys are not supported");
      if (sr_doc__enter(p, p->pos) != SIREN_OK) return p->rc;
      sr_doc_node *m = sr_doc__node(p, SR_DOC_MAP, item->line, item->col);
      if (!m) return p->rc;
      size_t b2 = p->slen;
      if (sr_doc__push(p, item) != SIREN_OK) return p->rc;
      p->pos++;
      if (flow_ws(p, ']') != SIREN_OK) return p->rc;
      c = at(p, p->pos);
      sr_doc_node *v;
      if (c == ',' || c == ']') {
        v = empty(p, p->line, sr_doc__col(p, p->pos), NULL);
        if (!v) return p->rc;
      } else if (flow_node(p, ']', &v) != SIREN_OK) {
        return p->rc;
      }
      if (sr_doc__push(p, v) != SIREN_OK) return p->rc;
      if (sr_doc__close(p, m, b2) != SIREN_OK) return p->rc;
      sr_doc__leave(p);
      item = m;
      if (flow_ws(p, ']') != SIREN_OK) return p->rc;
    }
    if (sr_doc__push(p, item) != SIREN_OK) return p->rc;
    int more = flow_next(p, seq);
    if (more < 0) return p->rc;
    if (!more) break;
  }
  if (sr_doc__close(p, seq, base) != SIREN_OK) return p->rc;
  sr_doc__leave(p);
  *out = seq;
  return SIREN_OK;
}

static int flow_map(P *p, const char *tg, sr_doc_node **out) {
  if (sr_doc__enter(p, p->pos) != SIREN_OK) return p->rc;
  sr_doc_node *map = sr_doc__node(p, SR_DOC_MAP, p->line, sr_doc__col(p, p->pos));
  if (!map) return p->rc;
  map->tag = tg;
  size_t base = p->slen;
  p->pos++;
  for (;;) {
    if (flow_ws(p, '}') != SIREN_OK) return p->rc;
    int c = at(p, p->pos);
    if (c < 0) return unterminated(p, map);
    if (c == '}') {
      p->pos++;
      break;
    }
    if (c == ',') return sr_doc__fail_at(p, p->pos, "expected a key or '}' before ','");
    if (c == '?' && is_ws_eol(p, p->pos + 1))
      return sr_doc__fail_at(p, p->pos, "explicit mapping keys ('?') are not supported");
    if (c == ':' && (is_ws_eol(p, p->pos + 1) || is_flow_ind(at(p, p->pos + 1))))
      return sr_doc__fail_at(p, p->pos, "empty mapping keys are not supported: expected a key");
    sr_doc_node *key, *v;
    if (flow_node(p, '}', &key) != SIREN_OK) return p->rc;
    if (!sr_doc_is_scalar(key))
      return sr_doc__fail_at(p, p->pos, "flow collections as mapping keys are not supported");
    if (sr_doc__push(p, key) != SIREN_OK) return p->rc;
    if (flow_ws(p, '}') != SIREN_OK) return p->rc;
    c = at(p, p->pos);
    if (c == ':') {
      p->pos++;
      if (flow_ws(p, '}') != SIREN_OK) return p->rc;
      c = at(p, p->pos);
      if (c == ',' || c == '}') {
        v = empty(p, p->line, sr_doc__col(p, p->pos), NULL);
        if (!v) return p->rc;
      } else {
        if (flow_node(p, '}', &v) != SIREN_OK) return p->rc;
        if (flow_ws(p, '}') != SIREN_OK) return p->rc;
      }
    } else {
      v = empty(p, p->line, sr_doc__col(p, p->pos), NULL);
      if (!v) return p->rc;
    }
    if (sr_doc__push(p, v) != SIREN_OK) return p->rc;
    int more = flow_next(p, map);
    if (more < 0) return p->rc;
    if (!more) break;
  }
  if (sr_doc__close(p, map, base) != SIREN_OK) return p->rc;
  sr_doc__leave(p);
  *out = map;
  return SIREN_OK;
}

/* ------------------------------------------------------------------ block */

static int block_value(P *p, ind_t indent, int ctx, const char *tg, sr_doc_node **out);

/* A mapping key at pos (is_implicit_key holds) and its ':'. */
static int block_key(P *p, sr_doc_node **out) {
  const char *tg = NULL;
  if (at(p, p->pos) == '!') {
    if (!(tg = tag(p, 0))) return p->rc;
    skip_blanks(p);
  }
  uint32_t line = p->line, col = sr_doc__col(p, p->pos);
  int c = at(p, p->pos);
  if (c == '!') return sr_doc__fail_at(p, p->pos, "a node may have only one tag");
  if (c == '&' || c == '*') return fail_anchor(p, p->pos);
  if (c == '"' || c == '\'') {
    if (quoted(p) != SIREN_OK) return p->rc;
    *out = scalar(p, line, col, STYLE_QUOTED, tg);
  } else {
    if (plain(p, 0, 0, 0) != SIREN_OK) return p->rc;
    *out = scalar(p, line, col, STYLE_PLAIN, tg);
  }
  if (!*out) return p->rc;
  skip_blanks(p);
  if (at(p, p->pos) != ':')
    return sr_doc__fail_at(p, p->pos, "expected ':' after the mapping key");
  p->pos++;
  return SIREN_OK;
}

/* Reports a line at indentation n of a block mapping that is not "key:". */
static int bad_key_line(P *p, size_t c0) {
  int c = at(p, c0);
  if (c == '&' || c == '*') return fail_anchor(p, c0);
  if (is_seq_entry(p, c0))
    return sr_doc__fail_at(p, c0,
                           "expected a mapping key ('key: value'), found a sequence entry at the "
                           "indentation of the mapping");
  if (c == '?' && is_ws_eol(p, c0 + 1))
    return sr_doc__fail_at(p, c0, "explicit mapping keys ('?') are not supported");
  if (c == ':' && is_ws_eol(p, c0 + 1))
    return sr_doc__fail_at(p, c0, "empty mapping keys are not supported: expected a key");
  if (c == '!' || c == '"' || c == '\'' || strchr("[]{},#|>%@`", c))
    return sr_doc__fail_at(p, c0, "expected a mapping key ('key: value')");
  /* A plain scalar without ':': point just after it. */
  size_t i = c0, end = c0;
  while (!is_eol(p, i) && !(at(p, i) == '#' && is_blank(at(p, i - 1)))) {
    if (!is_blank(at(p, i))) end = i + 1;
    i++;
  }
  return sr_doc__fail_at(p, end, "expected ':' after the mapping key");
}

/* A block mapping at indentation n; pos is at its first key. */
static int block_map(P *p, ind_t n, sr_doc_node **out) {
  if (sr_doc__enter(p, p->pos) != SIREN_OK) return p->rc;
  sr_doc_node *map = sr_doc__node(p, SR_DOC_MAP, p->line, sr_doc__col(p, p->pos));
  if (!map) return p->rc;
  size_t base = p->slen;
  for (;;) {
    sr_doc_node *k = NULL, *v = NULL;
    if (block_key(p, &k) != SIREN_OK) return p->rc;
    if (sr_doc__push(p, k) != SIREN_OK) return p->rc;
    if (block_value(p, n, CTX_MAP_VALUE, NULL, &v) != SIREN_OK) return p->rc;
    if (sr_doc__push(p, v) != SIREN_OK) return p->rc;
    ind_t m = next_line(p);
    if (m == -2) return p->rc;
    if (m < n) break;
    size_t c0 = p->pos + (size_t)m;
    if (m > n)
      return sr_doc__fail_at(p, c0,
                             "bad indentation: expected a mapping key at column %lld or a less "
                             "indented line",
                             (long long)n + 1);
    if (!is_implicit_key(p, c0)) return bad_key_line(p, c0);
    p->pos = c0;
  }
  if (sr_doc__close(p, map, base) != SIREN_OK) return p->rc;
  sr_doc__leave(p);
  *out = map;
  return SIREN_OK;
}

/* A block sequence at indentation n; pos is at its first '-'. same_indent: it
 * is a mapping value at the indentation of its key, so a non-entry line at n
 * ends it. */
static int block_seq(P *p, ind_t n, int same_indent, sr_doc_node **out) {
  if (sr_doc__enter(p, p->pos) != SIREN_OK) return p->rc;
  sr_doc_node *seq = sr_doc__node(p, SR_DOC_SEQ, p->line, sr_doc__col(p, p->pos));
  if (!seq) return p->rc;
  size_t base = p->slen;
  for (;;) {
    sr_doc_node *v;
    p->pos++; /* the '-' */
    if (block_value(p, n, CTX_SEQ_ITEM, NULL, &v) != SIREN_OK) return p->rc;
    if (sr_doc__push(p, v) != SIREN_OK) return p->rc;
    ind_t m = next_line(p);
    if (m == -2) return p->rc;
    if (m < n) break;
    size_t c0 = p->pos + (size_t)m;
    if (m > n)
      return sr_doc__fail_at(p, c0,
                             "bad indentation: expected '- ' at column %lld or a less indented "
                             "line",
                             (long long)n + 1);
    if (!is_seq_entry(p, c0)) {
      if (same_indent) break;
      if (at(p, c0) == '&' || at(p, c0) == '*') return fail_anchor(p, c0);
      return sr_doc__fail_at(p, c0,
                             "expected '- ' (a sequence entry) at this indentation, or a less "
                             "indented line");
    }
    p->pos = c0;
  }
  if (sr_doc__close(p, seq, base) != SIREN_OK) return p->rc;
  sr_doc__leave(p);
  *out = seq;
  return SIREN_OK;
}

/*
 * The value of a key or sequence entry whose line ended right after the
 * indicator (and maybe a tag): pos is at a line start. The value is a block
 * collection or a node on the following, more indented lines; a block
 * sequence may also sit at the indentation of its key. Else it is empty.
 */
static int block_lines(P *p, ind_t indent, int ctx, const char *tg, uint32_t eline, uint32_t ecol,
                       sr_doc_node **out) {
  ind_t m = next_line(p);
  if (m == -2) return p->rc;
  if (m >= 0) {
    size_t c0 = p->pos + (size_t)m;
    int entry = is_seq_entry(p, c0);
    if (m > indent || (m == indent && entry && ctx == CTX_MAP_VALUE)) {
      int rc;
      p->pos = c0;
      if (entry)
        rc = block_seq(p, m, m == indent, out);
      else if (is_implicit_key(p, c0))
        rc = block_map(p, m, out);
      else
        return block_value(p, indent, CTX_OWN_LINE, tg, out);
      if (rc == SIREN_OK) (*out)->tag = tg;
      return rc;
    }
  }
  *out = empty(p, eline, ecol, tg);
  return *out ? SIREN_OK : p->rc;
}

/*
 * A node after an indicator ("key:", "-", "---") on the current line, or one
 * that starts its own line (CTX_OWN_LINE, maybe with a tag read before).
 * indent is the indentation of the enclosing block collection (-1 for the
 * document).
 */
static int block_value(P *p, ind_t indent, int ctx, const char *tg, sr_doc_node **out) {
  skip_blanks(p);
  uint32_t line = p->line, col = sr_doc__col(p, p->pos);
  if (ctx == CTX_SEQ_ITEM) {
    /* Compact forms: "- - x" and "- key: value". */
    if (is_seq_entry(p, p->pos)) return block_seq(p, column0(p, p->pos), 0, out);
    if (is_implicit_key(p, p->pos)) return block_map(p, column0(p, p->pos), out);
  }
  if (is_seq_entry(p, p->pos))
    return sr_doc__fail_at(p, p->pos,
                           "block sequence entries are not allowed here: expected a value (start "
                           "the sequence on the next line)");
  if (at(p, p->pos) == '!') {
    if (tg) return sr_doc__fail_at(p, p->pos, "a node may have only one tag");
    if (!(tg = tag(p, 0))) return p->rc;
    skip_blanks(p);
    if (at(p, p->pos) == '!') return sr_doc__fail_at(p, p->pos, "a node may have only one tag");
    if (is_seq_entry(p, p->pos))
      return sr_doc__fail_at(p, p->pos,
                             "block sequence entries are not allowed here: expected a value "
                             "(start the sequence on the next line)");
  }
  int c = at(p, p->pos);
  if (c == '&' || c == '*') return fail_anchor(p, p->pos);
  if (is_eol(p, p->pos) || is_comment(p, p->pos)) {
    while (!is_eol(p, p->pos)) p->pos++;
    eat_break(p);
    return block_lines(p, indent, ctx, tg, line, col, out);
  }
  line = p->line;
  col = sr_doc__col(p, p->pos);
  switch (c) {
  case '|':
  case '>':
    return block_scalar(p, indent, tg, out);
  case '[':
  case '{':
    if ((c == '[' ? flow_seq(p, tg, out) : flow_map(p, tg, out)) != SIREN_OK) return p->rc;
    skip_blanks(p);
    if (at(p, p->pos) == ':')
      return sr_doc__fail_at(p, p->pos, "flow collections as mapping keys are not supported");
    return rest_of_line(p, c == '[' ? "the flow sequence" : "the flow mapping");
  case '"':
  case '\'':
    if (quoted(p) != SIREN_OK) return p->rc;
    if (!(*out = scalar(p, line, col, STYLE_QUOTED, tg))) return p->rc;
    return rest_of_line(p, "the quoted scalar");
  case '?':
  case ':':
    if (is_ws_eol(p, p->pos + 1))
      return sr_doc__fail_at(p, p->pos,
                             c == '?' ? "explicit mapping keys ('?') are not supported"
                                      : "mapping values are not allowed here: expected a value");
    break;
  case ',':
  case ']':
  case '}':
  case '%':
  case '@':
  case '`':
  case '#':
    return sr_doc__fail_at(p, p->pos,
                           "unexpected '%c': expected a value (quote a scalar that starts with "
                           "it)",
                           c);
  default:
    break;
  }
  if (plain(p, indent, 0, 1) != SIREN_OK) return p->rc;
  if (!(*out = scalar(p, line, col, STYLE_PLAIN, tg))) return p->rc;
  return rest_of_line(p, "the value");
}

/* --------------------------------------------------------------- document */

static int validate(P *p) {
  size_t i = p->pos;
  while (i < p->n) {
    unsigned char c = (unsigned char)p->s[i];
    if (c == '\n' || (c == '\r' && !(i + 1 < p->n && p->s[i + 1] == '\n'))) {
      i++;
      sr_doc__newline(p, i);
      continue;
    }
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
        return sr_doc__fail_at(p, i,
                               "control character U+%04X: expected printable text (escape it in "
                               "a double-quoted scalar)",
                               (unsigned)c);
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = sr_doc__utf8_decode((const unsigned char *)p->s + i, p->n - i, &cp);
    if (!k) return sr_doc__fail_at(p, i, "invalid UTF-8: expected a well-formed UTF-8 sequence");
    i += k;
  }
  return SIREN_OK;
}

static int document(P *p, sr_doc_node **root) {
  if (p->n >= 3 && memcmp(p->s, "\xEF\xBB\xBF", 3) == 0) p->pos = p->lstart = 3;
  size_t start = p->pos;
  if (validate(p) != SIREN_OK) return p->rc;
  p->pos = p->lstart = start;
  p->line = 1;

  int directives = 0;
  ind_t m;
  for (;;) {
    m = next_line(p);
    if (m == -2) return p->rc;
    if (m == 0 && at(p, p->pos) == '%') {
      while (!is_eol(p, p->pos)) p->pos++;
      eat_break(p);
      directives = 1;
      continue;
    }
    break;
  }
  int mk = m == -1 ? marker(p, p->pos) : 0;
  if (mk == 1) {
    p->pos += 3;
    if (block_value(p, -1, CTX_DOC_LINE, NULL, root) != SIREN_OK) return p->rc;
  } else if (directives) {
    return sr_doc__fail_at(p, p->pos, "expected '---' after the directives");
  } else if (mk == 2 || p->pos >= p->n) {
    if (!(*root = empty(p, p->line, sr_doc__col(p, p->pos), NULL))) return p->rc;
  } else {
    if (block_lines(p, -1, CTX_ROOT, NULL, p->line, sr_doc__col(p, p->pos), root) != SIREN_OK)
      return p->rc;
  }

  /* After the root node: only an optional "..." and comments. */
  int ended = 0;
  for (;;) {
    m = next_line(p);
    if (m == -2) return p->rc;
    if (m >= 0) {
      size_t c0 = p->pos + (size_t)m;
      if (ended)
        return sr_doc__fail_at(p, c0,
                               "only one YAML document is supported: expected only comments "
                               "after '...'");
      return sr_doc__fail_at(p, c0,
                             "expected the end of the document after its root node (check "
                             "the indentation of this line)");
    }
    if (p->pos >= p->n) return SIREN_OK;
    if (marker(p, p->pos) == 1)
      return sr_doc__fail_at(p, p->pos,
                             "only one YAML document is supported: expected the end of input "
                             "instead of a second '---'");
    p->pos += 3;
    ended = 1;
    if (rest_of_line(p, "'...'") != SIREN_OK) return p->rc;
  }
}

int sr_doc_parse_yaml(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
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
  int rc = sr_doc__begin(&p, mem, text, len, limits, err, SR_DOC_YAML_DEPTH_CAP);
  if (rc == SIREN_OK) rc = document(&p, &root);
  return sr_doc__end(&p, rc, root, out);
}
