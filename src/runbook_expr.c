/*
 * runbook_expr.c: the expression side of runbooks. {{ variable }} references
 * and rendering step inputs to JSON, aws:branch conditions, ISO 8601
 * durations and timestamps (aws:sleep), and the text of global:DATE and
 * global:DATE_TIME.
 *
 * Pure: nothing here reads a clock or the locale (ASCII tests are written
 * out; numbers are formatted with the "C" locale that src/doc assumes), and
 * every allocation goes through the sr_mem of the sr_buf (rendering) or the
 * one given (evaluation). Variable values arrive from the host's lookup as
 * JSON text and are read back with sr_doc_parse_json.
 *
 * AWS references below are to the AWS Systems Manager User Guide,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ :
 *   [variables] automation-variables.html ("Automation system variables"),
 *   [branch]    automation-action-branch.html and automation-branchdocs.html,
 *   [sleep]     automation-action-sleep.html.
 *
 * References. A reference is "{{", optional blanks (space, tab), a name,
 * optional blanks, "}}". A name starts with an ASCII letter, digit or '_' and
 * goes on with those and '.', ':', '-' (Param, step.Output, global:DATE_TIME,
 * automation:EXECUTION_ID, LoopStep.CurrentIteratorValue). Anything else that
 * starts with "{{" (no closing "}}", an empty or malformed name as in
 * "{{ a b }}" or a Go template's "{{ .Values }}") is literal text: it is not
 * a reference we could resolve, and failing the whole step for text that only
 * looks like one would break scripts that carry other template languages. A
 * well-formed reference that does not resolve is an error.
 *
 * Values are substituted once: a value that itself contains "{{ x }}" is not
 * expanded again ([variables], "Multi-level expansion" is unsupported).
 *
 * A string that is exactly one reference (blanks and line breaks around
 * allowed) takes the value's JSON type. As a sequence item, a reference whose
 * value is a list is spliced into the enclosing list instead of nesting:
 * AWS's own example writes InstanceIds: ["{{LaunchInstance.InstanceIds}}"]
 * for a StringList output ([variables], "Refer to output from previous
 * step"), which only works if the list is flattened.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runbook.h"
#include "util/civil.h"

/* Nesting bound for rendering (document depth plus a variable value's depth,
 * both at most SR_DOC_DEFAULT_MAX_DEPTH) and for conditions. */
#define EXPR_MAX_DEPTH 512
/* Bytes of a value shown in an error message. */
#define SHOW_MAX 80

static int fail(char *err, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(char *err, size_t cap, const char *fmt, ...) {
  if (err && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
  }
  return SIREN_EINVAL;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c == ' ' || c == '\t'; }
static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int name_first(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static int name_char(char c) { return name_first(c) || c == '.' || c == ':' || c == '-'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Names in error messages are clipped so that a huge one cannot make the
 * length overflow an int. */
static int clip(size_t n) { return n > 200 ? 200 : (int)n; }

static void cat(sr_buf *b, const char *s, size_t n) {
  if (n) sr_buf_cat(b, s, n);
}

/* ------------------------------------------------------------ references */

typedef struct ref {
  size_t start, end; /* "{{" .. past "}}" */
  size_t name, nlen; /* the trimmed name */
} ref;

/* The first well-formed reference in s[from..n); 1 when found. A malformed
 * "{{" is skipped one byte at a time so that "{{{x}}}" finds "{{x}}". */
static int find_ref(const char *s, size_t n, size_t from, ref *r) {
  for (size_t i = from; i + 1 < n; i++) {
    if (s[i] != '{' || s[i + 1] != '{') continue;
    size_t j = i + 2;
    while (j < n && is_blank(s[j])) j++;
    if (j >= n || !name_first(s[j])) continue;
    size_t a = j;
    while (j < n && name_char(s[j])) j++;
    size_t e = j;
    while (j < n && is_blank(s[j])) j++;
    if (j + 1 >= n || s[j] != '}' || s[j + 1] != '}') continue;
    r->start = i;
    r->end = j + 2;
    r->name = a;
    r->nlen = e - a;
    return 1;
  }
  return 0;
}

/* Whether s is exactly one reference, blanks and line breaks around. */
static int whole_ref(const char *s, size_t n, ref *r) {
  size_t a = 0, b = n;
  while (a < b && is_ws(s[a])) a++;
  while (b > a && is_ws(s[b - 1])) b--;
  return find_ref(s, b, a, r) && r->start == a && r->end == b;
}

/* --------------------------------------------------------- JSON writing */

/* A JSON string body for n bytes (NUL bytes included: sr_buf_json stops at
 * the first). Line breaks and tabs get their short escapes, since step
 * inputs are often multi-line scripts; other control bytes are \u00XX. */
static void json_text(sr_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
  for (; p < end; p++) {
    if (*p != '"' && *p != '\\' && *p >= 0x20) continue;
    cat(b, (const char *)run, (size_t)(p - run));
    char esc[6] = {'\\', (char)*p, 0, 0, 0, 0};
    size_t len = 2;
    switch (*p) {
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '"':
    case '\\': break;
    default:
      esc[1] = 'u';
      esc[2] = esc[3] = '0';
      esc[4] = hex[*p >> 4];
      esc[5] = hex[*p & 15];
      len = 6;
    }
    sr_buf_cat(b, esc, len);
    run = p + 1;
  }
  cat(b, (const char *)run, (size_t)(p - run));
}

static void json_str(sr_buf *b, const char *s, size_t n) {
  sr_buf_cat(b, "\"", 1);
  json_text(b, s, n);
  sr_buf_cat(b, "\"", 1);
}

/* Whether s is a YAML 1.2 core-schema decimal float (what the readers
 * accept as DOUBLE, and a superset of JSON numbers). */
static int decimal_text(const char *s) {
  size_t i = 0, d = 0;
  if (s[i] == '+' || s[i] == '-') i++;
  while (is_digit(s[i])) i++, d++;
  if (s[i] == '.') {
    i++;
    while (is_digit(s[i])) i++, d++;
  }
  if (!d) return 0;
  if (s[i] == 'e' || s[i] == 'E') {
    i++;
    if (s[i] == '+' || s[i] == '-') i++;
    if (!is_digit(s[i])) return 0;
    while (is_digit(s[i])) i++;
  }
  return s[i] == '\0';
}

/* A number as JSON. INT: its value (YAML 0x1F, +5 and 007 become 31, 5, 7).
 * DOUBLE: its source text made into a JSON number without changing its value
 * ("+1.5" -> "1.5", ".5" -> "0.5", "1." -> "1", "01.5" -> "1.5"); JSON
 * has no infinity or NaN, so YAML .inf and .nan are an error. */
static int emit_number(sr_buf *b, const sr_doc_node *n, char *err, size_t cap) {
  if (n->kind == SR_DOC_INT) {
    sr_buf_fmt(b, "%lld", (long long)n->i);
    return 0;
  }
  double d = n->d;
  if (d != d || d - d != 0)
    return fail(err, cap, "%s cannot be written as JSON", n->str ? n->str : "number");
  const char *s = n->str;
  if (!s || !decimal_text(s)) {
    sr_buf_fmt(b, "%.17g", d);
    return 0;
  }
  size_t i = 0;
  if (s[i] == '+')
    i++;
  else if (s[i] == '-')
    sr_buf_cat(b, s + i++, 1);
  size_t a = i;
  while (is_digit(s[i])) i++;
  size_t e = i;
  while (a + 1 < e && s[a] == '0') a++;
  if (a == e)
    sr_buf_cat(b, "0", 1);
  else
    sr_buf_cat(b, s + a, e - a);
  if (s[i] == '.') {
    size_t f = ++i;
    while (is_digit(s[i])) i++;
    if (i > f) sr_buf_cat(b, s + f - 1, i - f + 1);
  }
  cat(b, s + i, strlen(s + i)); /* the exponent, as JSON allows it */
  return 0;
}

static const char *key_str(const sr_doc_node *k, size_t *len) {
  *len = k && k->str ? k->len : 0;
  return k && k->str ? k->str : "";
}

/* A node as compact JSON, strings as they are (values are not expanded). */
static int emit(sr_buf *b, const sr_doc_node *n, int depth, char *err, size_t cap) {
  if (depth > EXPR_MAX_DEPTH) return fail(err, cap, "value nested too deeply");
  size_t kl;
  const char *k;
  switch (n->kind) {
  case SR_DOC_NULL:
    sr_buf_cat(b, "null", 4);
    return 0;
  case SR_DOC_BOOL:
    sr_buf_str(b, n->boolean ? "true" : "false");
    return 0;
  case SR_DOC_INT:
  case SR_DOC_DOUBLE:
    return emit_number(b, n, err, cap);
  case SR_DOC_STRING:
    json_str(b, n->str ? n->str : "", n->str ? n->len : 0);
    return 0;
  case SR_DOC_SEQ:
    sr_buf_cat(b, "[", 1);
    for (size_t i = 0; i < n->count; i++) {
      if (i) sr_buf_cat(b, ",", 1);
      int rc = emit(b, n->items[i], depth + 1, err, cap);
      if (rc) return rc;
      if (b->failed) return SIREN_ENOMEM;
    }
    sr_buf_cat(b, "]", 1);
    return 0;
  case SR_DOC_MAP:
    sr_buf_cat(b, "{", 1);
    for (size_t i = 0; i < n->count; i++) {
      if (i) sr_buf_cat(b, ",", 1);
      k = key_str(n->pairs[i].key, &kl);
      json_str(b, k, kl);
      sr_buf_cat(b, ":", 1);
      int rc = emit(b, n->pairs[i].value, depth + 1, err, cap);
      if (rc) return rc;
      if (b->failed) return SIREN_ENOMEM;
    }
    sr_buf_cat(b, "}", 1);
    return 0;
  }
  return fail(err, cap, "unknown node kind %d", (int)n->kind);
}

/* ------------------------------------------------------------- rendering */

typedef struct rx {
  const sr_mem *m;
  const sr_rb_vars *vars;
  char *err;
  size_t cap;
} rx;

/* The value of the reference r in s, parsed; the caller frees *out. */
static int resolve(const rx *x, const char *s, const ref *r, sr_doc **out) {
  const char *name = s + r->name, *json = NULL;
  size_t jlen = 0;
  *out = NULL;
  if (!x->vars || !x->vars->lookup ||
      x->vars->lookup(x->vars->ctx, name, r->nlen, &json, &jlen) != 0 || !json)
    return fail(x->err, x->cap, "unknown variable {{ %.*s }}", clip(r->nlen), name);
  sr_doc_error e;
  int rc = sr_doc_parse_json(out, x->m, json, jlen, NULL, &e);
  if (rc == SIREN_EINVAL)
    return fail(x->err, x->cap, "variable {{ %.*s }} is not valid JSON: %s", clip(r->nlen), name,
                e.msg);
  return rc;
}

/* A string with its references resolved, as JSON. */
static int render_string(const rx *x, sr_buf *out, const char *s, size_t n, int depth) {
  ref r;
  sr_doc *d = NULL;
  int rc;
  if (whole_ref(s, n, &r)) {
    rc = resolve(x, s, &r, &d);
    if (!rc) rc = emit(out, sr_doc_root(d), depth, x->err, x->cap);
    sr_doc_free(d);
    return rc;
  }
  if (!find_ref(s, n, 0, &r)) {
    json_str(out, s, n);
    return 0;
  }
  /* Spliced: strings without their quotes, anything else as its JSON. */
  sr_buf t = {x->m, NULL, 0, 0, 0};
  size_t at = 0;
  sr_buf_cat(out, "\"", 1);
  do {
    json_text(out, s + at, r.start - at);
    rc = resolve(x, s, &r, &d);
    if (rc) break;
    const sr_doc_node *v = sr_doc_root(d);
    if (v->kind == SR_DOC_STRING) {
      json_text(out, v->str, v->len);
    } else {
      t.n = 0;
      rc = emit(&t, v, depth, x->err, x->cap);
      if (!rc && t.failed) rc = SIREN_ENOMEM;
      if (!rc) json_text(out, t.p, t.n);
    }
    sr_doc_free(d);
    at = r.end;
  } while (!rc && !out->failed && find_ref(s, n, at, &r));
  if (!rc) {
    json_text(out, s + at, n - at);
    sr_buf_cat(out, "\"", 1);
  }
  sr_free(x->m, t.p);
  return rc;
}

static int render_node(const rx *x, sr_buf *out, const sr_doc_node *n, int depth) {
  if (depth > EXPR_MAX_DEPTH) return fail(x->err, x->cap, "value nested too deeply");
  int rc = 0, first = 1;
  size_t kl;
  const char *k;
  ref r;
  switch (n->kind) {
  case SR_DOC_STRING:
    return render_string(x, out, n->str ? n->str : "", n->str ? n->len : 0, depth);
  case SR_DOC_SEQ:
    sr_buf_cat(out, "[", 1);
    for (size_t i = 0; i < n->count && !rc; i++) {
      const sr_doc_node *it = n->items[i];
      if (it->kind == SR_DOC_STRING && it->str && whole_ref(it->str, it->len, &r)) {
        sr_doc *d = NULL;
        rc = resolve(x, it->str, &r, &d);
        if (rc) break;
        const sr_doc_node *v = sr_doc_root(d);
        if (v->kind == SR_DOC_SEQ) { /* spliced, see the top of the file */
          for (size_t j = 0; j < v->count && !rc; j++, first = 0) {
            if (!first) sr_buf_cat(out, ",", 1);
            rc = emit(out, v->items[j], depth + 1, x->err, x->cap);
          }
        } else {
          if (!first) sr_buf_cat(out, ",", 1);
          first = 0;
          rc = emit(out, v, depth + 1, x->err, x->cap);
        }
        sr_doc_free(d);
      } else {
        if (!first) sr_buf_cat(out, ",", 1);
        first = 0;
        rc = render_node(x, out, it, depth + 1);
      }
      if (!rc && out->failed) rc = SIREN_ENOMEM;
    }
    if (!rc) sr_buf_cat(out, "]", 1);
    return rc;
  case SR_DOC_MAP:
    sr_buf_cat(out, "{", 1);
    for (size_t i = 0; i < n->count && !rc; i++) {
      if (i) sr_buf_cat(out, ",", 1);
      k = key_str(n->pairs[i].key, &kl); /* keys are never resolved */
      json_str(out, k, kl);
      sr_buf_cat(out, ":", 1);
      rc = render_node(x, out, n->pairs[i].value, depth + 1);
      if (!rc && out->failed) rc = SIREN_ENOMEM;
    }
    if (!rc) sr_buf_cat(out, "}", 1);
    return rc;
  default:
    return emit(out, n, depth, x->err, x->cap);
  }
}

/* On failure b is put back as it was (its failed flag stays set after an
 * allocation failure in it). */
static int finish(sr_buf *b, size_t n0, int rc, char *err, size_t cap) {
  if (!rc && b->failed) rc = SIREN_ENOMEM;
  if (rc) {
    if (b->p) {
      b->n = n0;
      b->p[n0] = '\0';
    }
    if (rc == SIREN_ENOMEM) fail(err, cap, "out of memory");
  }
  return rc;
}

int sr_rb_render(sr_buf *b, const sr_doc_node *n, const sr_rb_vars *vars, char *err,
                 size_t errcap) {
  if (err && errcap) err[0] = '\0';
  if (!b || !n) return fail(err, errcap, "nothing to render");
  rx x = {b->m, vars, err, errcap};
  size_t n0 = b->n;
  return finish(b, n0, render_node(&x, b, n, 0), err, errcap);
}

int sr_rb_render_str(sr_buf *b, const char *s, const sr_rb_vars *vars, char *err,
                     size_t errcap) {
  if (err && errcap) err[0] = '\0';
  if (!b || !s) return fail(err, errcap, "nothing to render");
  rx x = {b->m, vars, err, errcap};
  size_t n0 = b->n;
  return finish(b, n0, render_string(&x, b, s, strlen(s), 0), err, errcap);
}

/*
 * A node as compact JSON with strings as they are (nothing resolved): the
 * writer sr_rb_render uses for variable values. Not yet declared in
 * runbook.h; proposed there as
 *   int sr_rb_json(sr_buf *b, const sr_doc_node *n, char *err, size_t errcap);
 * 0, SIREN_EINVAL (.inf/.nan, nesting beyond 512), SIREN_ENOMEM; on failure
 * b is as it was.
 */
int sr_rb_json(sr_buf *b, const sr_doc_node *n, char *err, size_t errcap);
int sr_rb_json(sr_buf *b, const sr_doc_node *n, char *err, size_t errcap) {
  if (err && errcap) err[0] = '\0';
  if (!b || !n) return fail(err, errcap, "nothing to write");
  size_t n0 = b->n;
  return finish(b, n0, emit(b, n, 0, err, errcap), err, errcap);
}

/* ------------------------------------------------------------ conditions */

/*
 * aws:branch ([branch]) lists the operators and no more: string operations
 * StringEquals, EqualsIgnoreCase, StartsWith, EndsWith, Contains; numeric
 * NumericEquals, NumericGreater, NumericLesser, NumericGreaterOrEquals,
 * NumericLesserOrEquals; BooleanEquals; combined with And, Or, Not. Choices
 * are evaluated in order until one is true, so And and Or stop at the first
 * operand that decides them: a reference on the side never evaluated is never
 * looked up (it may name the output of a step that did not run).
 *
 * What is compared, where the guide is silent:
 *  - the Variable side is the Variable text rendered like an input (so
 *    "{{ n }}" keeps its JSON type and "{{ a }}-{{ b }}" is a string);
 *  - string operations compare bytes: a string's content, any other scalar's
 *    JSON text (5, 2.5, true, null); a list or map is an error;
 *    EqualsIgnoreCase folds ASCII letters only;
 *  - numeric operations take JSON numbers and strings whose whole content is
 *    a JSON number (whitespace around allowed; no '+', hex or inf): String
 *    parameters and String outputs carry numbers as text. Integers compare
 *    exactly (no rounding through double). Anything else is an error, not
 *    false, so that a typo in a runbook shows instead of silently taking
 *    the Default branch;
 *  - BooleanEquals takes JSON booleans and the strings "true" and "false" in
 *    any ASCII case (Boolean parameters and outputs are often strings).
 */

static const char *const op_names[] = {
    "condition",      "And",          "Or",
    "Not",            "StringEquals", "EqualsIgnoreCase",
    "StartsWith",     "EndsWith",     "Contains",
    "NumericEquals",  "NumericGreater", "NumericLesser",
    "NumericGreaterOrEquals", "NumericLesserOrEquals", "BooleanEquals"};

static const char *op_name(uint8_t op) {
  return op < sizeof op_names / sizeof op_names[0] ? op_names[op] : op_names[0];
}

typedef struct ev {
  const sr_mem *m;
  const sr_rb_vars *vars;
  char *err;
  size_t cap;
} ev;

/* "NumericGreater: "abc" is not a number", the value shown as JSON. */
static int not_a(const ev *e, const char *opn, const sr_doc_node *n, const char *what) {
  sr_buf t = {e->m, NULL, 0, 0, 0};
  if (emit(&t, n, 0, NULL, 0) || t.failed) {
    sr_free(e->m, t.p);
    return t.failed ? SIREN_ENOMEM : fail(e->err, e->cap, "%s: value is not %s", opn, what);
  }
  size_t len = t.n;
  const char *more = "";
  if (len > SHOW_MAX) {
    len = SHOW_MAX;
    while (len && ((unsigned char)t.p[len] & 0xC0) == 0x80) len--; /* whole characters */
    more = "...";
  }
  fail(e->err, e->cap, "%s: %.*s%s is not %s", opn, (int)len, t.p, more, what);
  sr_free(e->m, t.p);
  return SIREN_EINVAL;
}

/* The text a string operation compares; scratch holds non-string JSON. */
static int text_of(const ev *e, const char *opn, const sr_doc_node *n, sr_buf *scratch,
                   const char **s, size_t *len) {
  if (n->kind == SR_DOC_STRING) {
    *s = n->str ? n->str : "";
    *len = n->str ? n->len : 0;
    return 0;
  }
  if (n->kind == SR_DOC_SEQ || n->kind == SR_DOC_MAP) return not_a(e, opn, n, "a string");
  int rc = emit(scratch, n, 0, e->err, e->cap);
  if (!rc && scratch->failed) rc = SIREN_ENOMEM;
  *s = scratch->p;
  *len = scratch->n;
  return rc;
}

static int has_prefix(const char *a, size_t an, const char *b, size_t bn) {
  return bn <= an && (!bn || memcmp(a, b, bn) == 0);
}

static int has_suffix(const char *a, size_t an, const char *b, size_t bn) {
  return bn <= an && (!bn || memcmp(a + an - bn, b, bn) == 0);
}

static int contains(const char *a, size_t an, const char *b, size_t bn) {
  for (size_t i = 0; bn <= an && i <= an - bn; i++)
    if (has_prefix(a + i, an - i, b, bn)) return 1;
  return 0;
}

static int equals_ci(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn) return 0;
  for (size_t i = 0; i < an; i++)
    if (lower(a[i]) != lower(b[i])) return 0;
  return 1;
}

static int string_op(const ev *e, uint8_t op, const sr_doc_node *v, const sr_doc_node *o,
                     int *res) {
  const char *opn = op_name(op), *a = NULL, *b = NULL;
  size_t an = 0, bn = 0;
  sr_buf sa = {e->m, NULL, 0, 0, 0}, sb = {e->m, NULL, 0, 0, 0};
  int rc = text_of(e, opn, v, &sa, &a, &an);
  if (!rc) rc = text_of(e, opn, o, &sb, &b, &bn);
  if (!rc) {
    switch (op) {
    case SR_C_STRING_EQUALS: *res = an == bn && (!an || memcmp(a, b, an) == 0); break;
    case SR_C_EQUALS_IGNORE_CASE: *res = equals_ci(a, an, b, bn); break;
    case SR_C_STARTS_WITH: *res = has_prefix(a, an, b, bn); break;
    case SR_C_ENDS_WITH: *res = has_suffix(a, an, b, bn); break;
    default: *res = contains(a, an, b, bn); break;
    }
  }
  sr_free(e->m, sa.p);
  sr_free(e->m, sb.p);
  return rc;
}

typedef struct num {
  int is_int;
  int64_t i;
  double d;
} num;

/* 0 and *out, 1 when n is not a number, SIREN_ENOMEM. */
static int num_of(const ev *e, const sr_doc_node *n, num *out) {
  if (n->kind == SR_DOC_INT) {
    out->is_int = 1;
    out->i = n->i;
    return 0;
  }
  if (n->kind == SR_DOC_DOUBLE) {
    if (n->d != n->d) return 1;
    out->is_int = 0;
    out->d = n->d;
    return 0;
  }
  if (n->kind != SR_DOC_STRING || !n->str || n->len > 400) return 1;
  /* Only text that could be a number goes to the reader. */
  int digits = 0;
  for (size_t i = 0; i < n->len; i++) {
    char c = n->str[i];
    if (is_digit(c))
      digits = 1;
    else if (!is_ws(c) && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E')
      return 1;
  }
  if (!digits) return 1;
  sr_doc *d = NULL;
  int rc = sr_doc_parse_json(&d, e->m, n->str, n->len, NULL, NULL);
  if (rc == SIREN_ENOMEM) return rc;
  if (rc) return 1;
  const sr_doc_node *r = sr_doc_root(d);
  rc = r->kind == SR_DOC_INT || r->kind == SR_DOC_DOUBLE ? num_of(e, r, out) : 1;
  sr_doc_free(d);
  return rc;
}

/* Compares an integer with a double exactly: -1, 0, 1. */
static int cmp_int_double(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  int64_t t = (int64_t)d; /* exact: |d| < 2^63 */
  if (i != t) return i < t ? -1 : 1;
  double f = d - (double)t; /* the fraction, exactly */
  return f > 0 ? -1 : f < 0 ? 1 : 0;
}

static int cmp_num(const num *a, const num *b) {
  if (a->is_int && b->is_int) return (a->i > b->i) - (a->i < b->i);
  if (a->is_int) return cmp_int_double(a->i, b->d);
  if (b->is_int) return -cmp_int_double(b->i, a->d);
  return (a->d > b->d) - (a->d < b->d);
}

static int numeric_op(const ev *e, uint8_t op, const sr_doc_node *v, const sr_doc_node *o,
                      int *res) {
  num a, b;
  int rc = num_of(e, v, &a);
  if (rc == 1) return not_a(e, op_name(op), v, "a number");
  if (rc) return rc;
  rc = num_of(e, o, &b);
  if (rc == 1) return not_a(e, op_name(op), o, "a number");
  if (rc) return rc;
  int c = cmp_num(&a, &b);
  switch (op) {
  case SR_C_NUM_EQ: *res = c == 0; break;
  case SR_C_NUM_GT: *res = c > 0; break;
  case SR_C_NUM_LT: *res = c < 0; break;
  case SR_C_NUM_GE: *res = c >= 0; break;
  default: *res = c <= 0; break;
  }
  return 0;
}

/* 1 or 0, or -1 when n is not a boolean. */
static int bool_of(const sr_doc_node *n) {
  if (n->kind == SR_DOC_BOOL) return n->boolean != 0;
  if (n->kind != SR_DOC_STRING || !n->str) return -1;
  if (equals_ci(n->str, n->len, "true", 4)) return 1;
  if (equals_ci(n->str, n->len, "false", 5)) return 0;
  return -1;
}

static int compare(const ev *e, const sr_rb_cond *c, int *res) {
  const char *opn = op_name(c->op);
  if (!c->variable) return fail(e->err, e->cap, "%s: no Variable", opn);
  if (!c->operand) return fail(e->err, e->cap, "%s: no value to compare with", opn);
  sr_buf vb = {e->m, NULL, 0, 0, 0};
  sr_doc *vd = NULL;
  int rc = sr_rb_render_str(&vb, c->variable, e->vars, e->err, e->cap);
  if (!rc) {
    rc = sr_doc_parse_json(&vd, e->m, vb.p, vb.n, NULL, NULL);
    if (rc == SIREN_EINVAL) rc = fail(e->err, e->cap, "%s: Variable did not render", opn);
  }
  if (!rc) {
    const sr_doc_node *v = sr_doc_root(vd);
    if (c->op <= SR_C_CONTAINS) {
      rc = string_op(e, c->op, v, c->operand, res);
    } else if (c->op <= SR_C_NUM_LE) {
      rc = numeric_op(e, c->op, v, c->operand, res);
    } else {
      int a = bool_of(v), b = bool_of(c->operand);
      if (a < 0)
        rc = not_a(e, opn, v, "a boolean");
      else if (b < 0)
        rc = not_a(e, opn, c->operand, "a boolean");
      else
        *res = a == b;
    }
  }
  sr_doc_free(vd);
  sr_free(e->m, vb.p);
  return rc;
}

static int eval(const ev *e, const sr_rb_cond *c, int depth, int *res) {
  if (!c) return fail(e->err, e->cap, "missing condition");
  if (depth > EXPR_MAX_DEPTH) return fail(e->err, e->cap, "conditions nested too deeply");
  int r = 0, rc;
  switch (c->op) {
  case SR_C_AND:
  case SR_C_OR:
    if (!c->sub || !c->sub_count) return fail(e->err, e->cap, "%s: no conditions", op_name(c->op));
    for (size_t i = 0; i < c->sub_count; i++) {
      if ((rc = eval(e, &c->sub[i], depth + 1, &r)) != 0) return rc;
      if (r != (c->op == SR_C_AND)) break; /* decided */
    }
    *res = r;
    return 0;
  case SR_C_NOT:
    /* sub_count may say 1 or be left 0: Not has exactly one operand. */
    if (!c->sub || c->sub_count > 1)
      return fail(e->err, e->cap, "Not: needs exactly one condition");
    if ((rc = eval(e, c->sub, depth + 1, &r)) != 0) return rc;
    *res = !r;
    return 0;
  case SR_C_STRING_EQUALS:
  case SR_C_EQUALS_IGNORE_CASE:
  case SR_C_STARTS_WITH:
  case SR_C_ENDS_WITH:
  case SR_C_CONTAINS:
  case SR_C_NUM_EQ:
  case SR_C_NUM_GT:
  case SR_C_NUM_LT:
  case SR_C_NUM_GE:
  case SR_C_NUM_LE:
  case SR_C_BOOL_EQ:
    return compare(e, c, res);
  default:
    return fail(e->err, e->cap, "unknown condition operator %u", (unsigned)c->op);
  }
}

int sr_rb_eval(const sr_mem *m, const sr_rb_cond *c, const sr_rb_vars *vars, int *result,
               char *err, size_t errcap) {
  if (err && errcap) err[0] = '\0';
  int r = 0;
  ev e = {m, vars, err, errcap};
  int rc = m ? eval(&e, c, 0, &r) : fail(err, errcap, "no allocator");
  if (rc == SIREN_ENOMEM) fail(err, errcap, "out of memory");
  if (result) *result = rc ? 0 : r;
  return rc;
}

/* ------------------------------------------------------ ISO 8601 durations */

/*
 * [sleep]: "Duration: An ISO 8601 duration. You can't specify a negative
 * duration", with examples such as PT10M and PT3S. Accepted here:
 * P[nW][nD][T[nH][nM][nS]] with at least one component, components in that
 * order and each at most once, letters upper case. Years and months are
 * rejected: their length depends on the calendar position the duration
 * starts from, which an aws:sleep duration does not have. The lowest
 * component given may have a fraction ('.' or ','; ISO 8601 allows it on
 * the last component only), e.g. PT0.5S or PT1.5H; the fraction is exact to
 * nine digits and the result is truncated to whole milliseconds. A sign,
 * blanks, or a total beyond INT64_MAX ms are errors.
 */
int sr_rb_duration(const char *s, int64_t *ms) {
  /* ms per component, indexed by rank: W D H M S (Y and M-months never get here) */
  static const int64_t unit[7] = {0, 0, INT64_C(604800000), INT64_C(86400000),
                                  INT64_C(3600000), INT64_C(60000), INT64_C(1000)};
  if (!s || !ms || *s != 'P') return SIREN_EINVAL;
  const char *p = s + 1;
  int in_time = 0, rank = -1, parts = 0;
  int64_t total = 0;
  while (*p) {
    if (*p == 'T') {
      if (in_time || !p[1]) return SIREN_EINVAL;
      in_time = 1;
      p++;
      continue;
    }
    if (!is_digit(*p)) return SIREN_EINVAL;
    int64_t v = 0, frac = 0;
    while (is_digit(*p)) {
      int dg = *p++ - '0';
      if (v > (INT64_MAX - dg) / 10) return SIREN_EINVAL;
      v = v * 10 + dg;
    }
    int has_frac = 0, k = 0;
    if (*p == '.' || *p == ',') {
      if (!is_digit(*++p)) return SIREN_EINVAL;
      has_frac = 1;
      for (; is_digit(*p); p++)
        if (k < 9) frac = frac * 10 + (*p - '0'), k++;
      for (; k < 9; k++) frac *= 10;
    }
    int r;
    switch (*p) {
    case 'W': r = 2; break;
    case 'D': r = 3; break;
    case 'H': r = 4; break;
    case 'M': r = in_time ? 5 : 1; break;
    case 'S': r = 6; break;
    default: return SIREN_EINVAL; /* includes Y */
    }
    if (r < 2 || (r >= 4) != in_time || r <= rank) return SIREN_EINVAL;
    rank = r;
    p++;
    parts++;
    if (has_frac && *p) return SIREN_EINVAL;
    int64_t u = unit[r];
    if (v > INT64_MAX / u) return SIREN_EINVAL;
    int64_t add = v * u, f = frac * u / 1000000000; /* frac * u < 2^60 */
    if (add > INT64_MAX - f) return SIREN_EINVAL;
    add += f;
    if (total > INT64_MAX - add) return SIREN_EINVAL;
    total += add;
  }
  if (!parts) return SIREN_EINVAL;
  *ms = total;
  return 0;
}

/* ----------------------------------------------------- ISO 8601 timestamps */

/* n digits at *p into *v; advances. Stops at the first non-digit, so a NUL
 * is never read past. */
static int digits(const char **p, int n, int *v) {
  *v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (!is_digit(**p)) return -1;
    *v = *v * 10 + (**p - '0');
  }
  return 0;
}

static int expect(const char **p, char c) { return **p == c ? ((*p)++, 0) : -1; }

/*
 * [sleep]: "Timestamp: An ISO 8601 timestamp", e.g. 2020-01-01T01:00:00Z.
 * Accepted: the RFC 3339 profile of ISO 8601, YYYY-MM-DDTHH:MM:SS, an
 * optional fraction ('.' or ',', any number of digits, truncated to ms), and
 * a zone Z or +HH:MM / -HH:MM (T and Z may be lower case, as RFC 3339
 * allows). A time without a zone is rejected: it names no instant. Years
 * 0000-9999, days checked against the month (Feb 29 in Gregorian leap years
 * only), hours 00-23, no leap second (:60) and no 24:00.
 */
int sr_rb_timestamp(const char *s, int64_t *ms) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!s || !ms) return SIREN_EINVAL;
  const char *p = s;
  int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, frac = 0;
  if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
      digits(&p, 2, &d))
    return SIREN_EINVAL;
  if (*p != 'T' && *p != 't') return SIREN_EINVAL;
  p++;
  if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') ||
      digits(&p, 2, &sec))
    return SIREN_EINVAL;
  if (*p == '.' || *p == ',') {
    if (!is_digit(*++p)) return SIREN_EINVAL;
    for (int k = 0; k < 3; k++) frac = frac * 10 + (is_digit(*p) ? *p++ - '0' : 0);
    while (is_digit(*p)) p++;
  }
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    sign = *p++ == '-' ? -1 : 1;
    if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om) || oh > 23 || om > 59)
      return SIREN_EINVAL;
  } else {
    return SIREN_EINVAL;
  }
  if (*p) return SIREN_EINVAL;
  int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 ||
      sec > 59)
    return SIREN_EINVAL;
  int64_t t =
      sr_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
  t -= (int64_t)sign * (oh * 3600 + om * 60);
  *ms = t * 1000 + frac;
  return 0;
}

/* Writes v with at least width digits; returns the end. */
static char *put_uint(char *p, uint64_t v, int width) {
  char tmp[24];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (n < width) tmp[n++] = '0';
  while (n) *p++ = tmp[--n];
  return p;
}

/*
 * [variables]: global:DATE is "yyyy-MM-dd" and global:DATE_TIME is
 * "yyyy-MM-dd_HH.mm.ss" (an underscore, then dots between the time fields:
 * 2026-01-05_09.00.00), so that is what with_time writes, in UTC. Years
 * outside 0000-9999 get more digits or a leading '-'; every int64 fits in
 * out.
 */
void sr_rb_format_date(int64_t ms, int with_time, char out[32]) {
  int64_t days = ms / 86400000, rem = ms % 86400000;
  if (rem < 0) rem += 86400000, days--;
  int64_t y;
  unsigned m, d;
  sr_civil_from_days(days, &y, &m, &d);
  char *p = out;
  if (y < 0) *p++ = '-';
  p = put_uint(p, y < 0 ? (uint64_t)-y : (uint64_t)y, 4);
  *p++ = '-';
  p = put_uint(p, m, 2);
  *p++ = '-';
  p = put_uint(p, d, 2);
  if (with_time) {
    int64_t sec = rem / 1000;
    *p++ = '_';
    p = put_uint(p, (uint64_t)(sec / 3600), 2);
    *p++ = '.';
    p = put_uint(p, (uint64_t)(sec / 60 % 60), 2);
    *p++ = '.';
    p = put_uint(p, (uint64_t)(sec % 60), 2);
  }
  *p = '\0';
}
