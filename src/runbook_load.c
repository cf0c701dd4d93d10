/*
 * runbook_load.c: an SSM Automation document (schemaVersion 0.3, YAML or
 * JSON) read and checked as a whole into an sr_runbook (see runbook.h).
 *
 * The parsed document (an sr_doc) stays with the runbook: names, inputs and
 * operands point into it. What this file allocates (the arrays of
 * parameters, steps, outputs, branch choices and condition trees, the JSON
 * text of a literal Iterators list) goes through the sr_mem given and is
 * freed by sr_runbook_release.
 *
 * Four passes over the document, every problem reported rather than the
 * first, one line each: "LINE:COL: path: message":
 *   1. tags: a YAML tag the reader keeps but does not apply (!Ref, !GetAtt:
 *      a CloudFormation template's Content pasted as it is) is refused, since
 *      the value written is not the value meant;
 *   2. the document's own properties and its parameters;
 *   3. layout: steps are counted and laid out (mainSteps first, then the
 *      Steps of each aws:loop in document order) and every name checked and
 *      registered, so that
 *   4. every step can be read and every reference resolved in one walk in
 *      document order; then the document's outputs.
 *
 * Rules decided here where AWS's documentation leaves room:
 *  - Steps inside an aws:loop refer only to steps of the same loop (nextStep,
 *    onFailure/onCancel step:X, a branch's NextStep and Default), and main
 *    steps only to main steps: a loop's body is entered by the loop alone
 *    and left when an iteration ends (AWS: the Steps "function like a nested
 *    runbook"). Names are unique across the whole document all the same. An
 *    aws:loop inside a loop's Steps is refused (nesting is not supported).
 *  - Step properties are read the way AWS's JSON reader coerces them: isEnd
 *    and isCritical take true/false or the strings "true"/"false" (the corpus
 *    has isCritical: 'true'); integers may be written as decimal strings;
 *    text properties take any scalar but null. Parameter defaults and
 *    allowedValues are stricter: their JSON type must be the parameter's
 *    (text for a String, so a YAML 5 must be quoted; a number for an Integer;
 *    true/false for a Boolean), since a default is handed to an execution as
 *    the JSON it is written as, and must look like a value the host supplies.
 *  - Parameter types are the six AWS data types plus the AWS resource types
 *    AWS::EC2::Instance::Id, AWS::S3::Bucket::Name and AWS::IAM::Role::Arn
 *    (read as String) and List<...> of them (read as StringList).
 *  - allowedPattern is stored, not checked: AWS patterns are Java regular
 *    expressions (the corpus has (?i:...) groups and lookaheads), and a
 *    partial matcher would wrongly accept or refuse. The host may check
 *    values against it when an execution starts.
 *  - A literal aws:sleep Duration is checked here (ISO 8601 days, hours,
 *    minutes and seconds, a fraction on seconds; at most 604799 s), a literal
 *    Timestamp for its form only (UTC: Z or +00:00); values built from {{ }}
 *    references are left to run time. MinRequiredApprovals and MaxIterations
 *    must be literal numbers.
 *  - Unknown properties of the document, of parameters, of steps, of step
 *    outputs, and unknown inputs of the five actions siren runs itself are
 *    refused (a misspelt onFailure must not silently become Abort). Inputs of
 *    every other action belong to the host and are not looked at, except
 *    that a reference {{ name.Output }} in them must name a step or a
 *    parameter.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runbook.h"
#include "util/map.h"

#if defined(__GNUC__)
#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTF(a, b)
#endif

#define QCAP 112  /* echoed text is cut to about 100 bytes */
#define PCAP 400  /* a path */
#define MAX_NAME 128
#define MAX_APPROVERS 10
#define MAX_MESSAGE 4096

typedef struct ld {
  const sr_mem *m;
  sr_buf *pb;
  sr_runbook *rb;
  const sr_doc_node **snode; /* the mapping of each step */
  sr_map names;              /* step name -> step index */
  sr_map pnames;             /* parameter name -> parameter index */
  size_t problems;
  int nomem;
} ld;

/* ------------------------------------------------------------- problems */

/* s as text for a message, escaped (control bytes, quotes) and cut short, so
 * that whatever a document holds cannot break the line-per-problem format. */
static const char *quote(char *out, const char *s, int quoted) {
  size_t o = 0;
  if (quoted) out[o++] = '"';
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    /* Cut between characters; the reader's strings are valid UTF-8, the
     * second bound holds whatever they are. */
    if (o >= QCAP - 12 && ((c & 0xC0) != 0x80 || o >= QCAP - 8)) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20 || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    } else {
      out[o++] = (char)c;
    }
  }
  if (quoted) out[o++] = '"';
  out[o] = '\0';
  return out;
}
#define Q(s) quote((char[QCAP]){0}, (s), 1)
#define E(s) quote((char[QCAP]){0}, (s), 0)

/* What a node is, for "expected X, not ...": a scalar's text, else its kind. */
static const char *what(char *out, const sr_doc_node *n) {
  if (!n) return "nothing";
  switch (n->kind) {
  case SR_DOC_NULL: return "null";
  case SR_DOC_SEQ: return "a list";
  case SR_DOC_MAP: return "a mapping";
  case SR_DOC_STRING: return quote(out, n->str, 1);
  default: return quote(out, n->str, 0);
  }
}
#define W(n) what((char[QCAP]){0}, (n))

static void problem(ld *L, const sr_doc_node *at, const char *path, const char *fmt, ...)
    PRINTF(4, 5);
static void problem(ld *L, const sr_doc_node *at, const char *path, const char *fmt, ...) {
  char msg[700], line[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *sep = *path ? ": " : "";
  int n = at ? snprintf(line, sizeof line - 1, "%u:%u: %s%s%s", (unsigned)at->line,
                        (unsigned)at->col, path, sep, msg)
             : snprintf(line, sizeof line - 1, "%s%s%s", path, sep, msg);
  size_t k = n < 0 ? 0 : (size_t)n >= sizeof line - 1 ? sizeof line - 2 : (size_t)n;
  line[k++] = '\n';
  sr_buf_cat(L->pb, line, k);
  L->problems++;
}

/* path + suffix into out (PCAP bytes). */
static const char *sub(char *out, const char *path, const char *fmt, ...) PRINTF(3, 4);
static const char *sub(char *out, const char *path, const char *fmt, ...) {
  int n = snprintf(out, PCAP, "%s", path);
  if (n >= 0 && n < PCAP) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + n, PCAP - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return out;
}
#define P(path, ...) sub((char[PCAP]){0}, (path), __VA_ARGS__)

/* A path built while walking a tree. */
typedef struct pathb {
  char s[PCAP];
  size_t n;
} pathb;

static size_t pb_push(pathb *p, const char *fmt, ...) PRINTF(2, 3);
static size_t pb_push(pathb *p, const char *fmt, ...) {
  size_t old = p->n;
  if (old + 1 < sizeof p->s) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(p->s + old, sizeof p->s - old, fmt, ap);
    va_end(ap);
    if (k > 0) p->n = old + (size_t)k < sizeof p->s ? old + (size_t)k : sizeof p->s - 1;
  }
  return old;
}
static void pb_pop(pathb *p, size_t old) {
  p->n = old;
  p->s[old] = '\0';
}
static size_t pb_key(pathb *p, const char *key) {
  return pb_push(p, p->n ? ".%s" : "%s", E(key));
}

/* -------------------------------------------------------------- values */

static int is_null(const sr_doc_node *n) { return !n || n->kind == SR_DOC_NULL; }

/* Optional properties: null counts as absent. */
static const sr_doc_node *get(const sr_doc_node *map, const char *key) {
  const sr_doc_node *v = sr_doc_get(map, key);
  return is_null(v) ? NULL : v;
}

/* Any scalar but null, as its text. */
static const char *text(const sr_doc_node *n) {
  return n && sr_doc_is_scalar(n) && n->kind != SR_DOC_NULL ? n->str : NULL;
}

static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a | 0x20) : *a;
    char y = *b >= 'A' && *b <= 'Z' ? (char)(*b | 0x20) : *b;
    if (x != y) return 0;
  }
  return *a == *b;
}

static int has_ref(const char *s) { return s && strstr(s, "{{") != NULL; }

static int name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* An integer: INT, or a decimal string. 0 or -1. */
static int int_of(const sr_doc_node *n, int64_t *v) {
  if (!n) return -1;
  if (n->kind == SR_DOC_INT) {
    *v = n->i;
    return 0;
  }
  if (n->kind != SR_DOC_STRING) return -1;
  const char *s = n->str;
  int neg = *s == '-';
  if (*s == '-' || *s == '+') s++;
  size_t d = strspn(s, "0123456789");
  if (d == 0 || d > 18 || (size_t)(s - n->str) + d != n->len) return -1;
  int64_t x = 0;
  for (size_t i = 0; i < d; i++) x = x * 10 + (s[i] - '0');
  *v = neg ? -x : x;
  return 0;
}

/* A boolean: BOOL, or the string true/false (any case). 0 or -1. */
static int bool_of(const sr_doc_node *n, int *b) {
  if (!n) return -1;
  if (n->kind == SR_DOC_BOOL) {
    *b = n->boolean != 0;
    return 0;
  }
  if (n->kind != SR_DOC_STRING) return -1;
  if (ieq(n->str, "true")) *b = 1;
  else if (ieq(n->str, "false")) *b = 0;
  else return -1;
  return 0;
}

/* Decimal number text: [-+]?digits[.digits]([eE][-+]?digits)? */
static int is_number_text(const char *s) {
  if (*s == '-' || *s == '+') s++;
  size_t a = strspn(s, "0123456789");
  s += a;
  size_t b = 0;
  if (*s == '.') {
    s++;
    b = strspn(s, "0123456789");
    s += b;
  }
  if (a + b == 0) return 0;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '-' || *s == '+') s++;
    size_t c = strspn(s, "0123456789");
    if (!c) return 0;
    s += c;
  }
  return *s == '\0';
}

static int valid_name(const sr_doc_node *n) {
  if (n->len == 0 || n->len > MAX_NAME || strlen(n->str) != n->len) return 0;
  for (const char *s = n->str; *s; s++)
    if (!name_char(*s)) return 0;
  return 1;
}

/* Characters (UTF-8 code points) in s. */
static size_t chars(const char *s, size_t len) {
  size_t k = 0;
  for (size_t i = 0; i < len; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

/* Reports keys of map that are not in known[] and known keys given twice. */
static void check_keys(ld *L, const sr_doc_node *map, const char *path, const char *const *known,
                       size_t nknown, const char *what_) {
  uint64_t seen = 0;
  for (size_t i = 0; i < map->count; i++) {
    const sr_doc_node *k = map->pairs[i].key;
    size_t j;
    for (j = 0; j < nknown; j++)
      if (strcmp(known[j], k->str) == 0) break;
    if (j < nknown) {
      if (seen & ((uint64_t)1 << j)) problem(L, k, path, "%s %s is given twice", what_, Q(k->str));
      seen |= (uint64_t)1 << j;
      continue;
    }
    for (j = 0; j < nknown; j++)
      if (ieq(known[j], k->str)) break;
    if (j < nknown)
      problem(L, k, path, "unknown %s %s (did you mean \"%s\"?)", what_, Q(k->str), known[j]);
    else
      problem(L, k, path, "unknown %s %s", what_, Q(k->str));
  }
}
#define KEYS(a) (a), (sizeof(a) / sizeof(a)[0])

/* An optional text property: its text, or NULL (absent or reported). */
static const char *opt_text(ld *L, const sr_doc_node *map, const char *path, const char *key) {
  const sr_doc_node *v = get(map, key);
  if (!v) return NULL;
  const char *s = text(v);
  /* The document's own properties are named without a leading dot. */
  if (!s) problem(L, v, *path ? P(path, ".%s", key) : key, "expected text, not %s", W(v));
  return s;
}

/* ---------------------------------------------------------------- tags */

static const char *const CFN_TAGS[] = {
    "!Ref", "!GetAtt", "!Sub", "!Join", "!Select", "!Split", "!FindInMap", "!ImportValue",
    "!If", "!Equals", "!And", "!Or", "!Not", "!Base64", "!Cidr", "!GetAZs", "!Condition",
    "!Transform", "!Length", "!ToJsonString"};

static void check_tag(ld *L, const sr_doc_node *n, const char *path) {
  const char *t = n->tag;
  static const struct {
    const char *tag;
    int kind, kind2;
  } core[] = {
      {"!", SR_DOC_STRING, -1},     {"!!str", SR_DOC_STRING, -1}, {"!!int", SR_DOC_INT, -1},
      {"!!float", SR_DOC_DOUBLE, SR_DOC_INT}, {"!!bool", SR_DOC_BOOL, -1},
      {"!!null", SR_DOC_NULL, -1},  {"!!seq", SR_DOC_SEQ, -1},    {"!!map", SR_DOC_MAP, -1},
  };
  for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
    if (strcmp(core[i].tag, t) != 0) continue;
    /* "!" is the non-specific tag: on a container it changes nothing. */
    if ((int)n->kind == core[i].kind || (int)n->kind == core[i].kind2 ||
        (i == 0 && !sr_doc_is_scalar(n)))
      return;
    problem(L, n, path, "YAML tag %s does not match the value (%s)", E(t),
            sr_doc_kind_name(n->kind));
    return;
  }
  for (size_t i = 0; i < sizeof CFN_TAGS / sizeof CFN_TAGS[0]; i++)
    if (strcmp(CFN_TAGS[i], t) == 0) {
      problem(L, n, path,
              "YAML tag %s is a CloudFormation function: this is a template's Content, to be "
              "resolved before it is loaded", t);
      return;
    }
  problem(L, n, path, "YAML tag %s is not supported", E(t));
}

static void walk_tags(ld *L, const sr_doc_node *n, pathb *p) {
  if (n->tag) check_tag(L, n, p->s);
  if (n->kind == SR_DOC_SEQ) {
    for (size_t i = 0; i < n->count; i++) {
      size_t old = pb_push(p, "[%zu]", i);
      walk_tags(L, n->items[i], p);
      pb_pop(p, old);
    }
  } else if (n->kind == SR_DOC_MAP) {
    for (size_t i = 0; i < n->count; i++) {
      if (n->pairs[i].key->tag) check_tag(L, n->pairs[i].key, p->s);
      size_t old = pb_key(p, n->pairs[i].key->str);
      walk_tags(L, n->pairs[i].value, p);
      pb_pop(p, old);
    }
  }
}

/* ----------------------------------------------------------- references */

/* Every {{ name.X }} in s must name a step or a parameter. Other references
 * ({{ Param }}, {{ global:DATE }}, {{ ssm:/path }}) are left to run time. */
static void check_refs_in(ld *L, const sr_doc_node *at, const char *path, const char *s) {
  if (L->nomem) return;
  for (const char *o = strstr(s, "{{"); o; o = strstr(o, "{{")) {
    const char *c = strstr(o + 2, "}}");
    if (!c) return;
    const char *a = o + 2, *b = c;
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    size_t head = 0;
    while (a + head < b && name_char(a[head])) head++;
    o = c + 2;
    if (head == 0 || head > MAX_NAME || a + head >= b || a[head] != '.') continue;
    int rest_ok = a + head + 1 < b;
    for (const char *r = a + head + 1; r < b; r++)
      if (!name_char(*r) && *r != '.') rest_ok = 0;
    if (!rest_ok) continue;
    char name[MAX_NAME + 1], ref[QCAP];
    uint32_t ix;
    memcpy(name, a, head);
    name[head] = '\0';
    if (sr_map_get(&L->names, name, &ix) || sr_map_get(&L->pnames, name, &ix)) continue;
    size_t rl = (size_t)(b - a) < sizeof ref - 1 ? (size_t)(b - a) : sizeof ref - 1;
    memcpy(ref, a, rl);
    ref[rl] = '\0';
    problem(L, at, path, "{{ %s }}: no step or parameter %s", E(ref), Q(name));
  }
}

static void walk_refs(ld *L, const sr_doc_node *n, pathb *p) {
  if (n->kind == SR_DOC_STRING) {
    check_refs_in(L, n, p->s, n->str);
  } else if (n->kind == SR_DOC_SEQ) {
    for (size_t i = 0; i < n->count; i++) {
      size_t old = pb_push(p, "[%zu]", i);
      walk_refs(L, n->items[i], p);
      pb_pop(p, old);
    }
  } else if (n->kind == SR_DOC_MAP) {
    for (size_t i = 0; i < n->count; i++) {
      size_t old = pb_key(p, n->pairs[i].key->str);
      walk_refs(L, n->pairs[i].value, p);
      pb_pop(p, old);
    }
  }
}

/* ----------------------------------------------------------- parameters */

static const char *const PARAM_KEYS[] = {"type",     "description", "default",  "allowedValues",
                                         "allowedPattern", "minItems", "maxItems", "minChars",
                                         "maxChars", "displayType"};

static const struct {
  const char *name;
  uint8_t type;
} PTYPES[] = {
    {"String", SR_PT_STRING},
    {"StringList", SR_PT_STRINGLIST},
    {"Integer", SR_PT_INTEGER},
    {"Boolean", SR_PT_BOOLEAN},
    {"MapList", SR_PT_MAPLIST},
    {"StringMap", SR_PT_STRINGMAP},
    {"AWS::EC2::Instance::Id", SR_PT_STRING},
    {"AWS::S3::Bucket::Name", SR_PT_STRING},
    {"AWS::IAM::Role::Arn", SR_PT_STRING},
    {"List<AWS::EC2::Instance::Id>", SR_PT_STRINGLIST},
    {"List<AWS::S3::Bucket::Name>", SR_PT_STRINGLIST},
    {"List<AWS::IAM::Role::Arn>", SR_PT_STRINGLIST},
};

static const char *type_name(uint8_t t) {
  for (size_t i = 0; i < sizeof PTYPES / sizeof PTYPES[0]; i++)
    if (PTYPES[i].type == t) return PTYPES[i].name;
  return "?";
}

/* A non-negative count property (minItems, ...); -1 when absent. */
static int64_t count_prop(ld *L, const sr_doc_node *map, const char *path, const char *key) {
  const sr_doc_node *v = get(map, key);
  int64_t x;
  if (!v) return -1;
  if (int_of(v, &x) || x < 0 || x > INT32_MAX) {
    problem(L, v, P(path, ".%s", key), "expected a count (0 or more), not %s", W(v));
    return -1;
  }
  return x;
}

/* The JSON kind a scalar value of a parameter type must have. */
static sr_doc_kind value_kind(uint8_t type) {
  return type == SR_PT_INTEGER ? SR_DOC_INT : type == SR_PT_BOOLEAN ? SR_DOC_BOOL : SR_DOC_STRING;
}

static const char *value_what(uint8_t type) {
  return type == SR_PT_INTEGER   ? "an Integer"
         : type == SR_PT_BOOLEAN ? "a Boolean (true or false)"
                                 : "text";
}

/* A scalar of the wrong kind: say so, and how to write it. */
static void wrong_value(ld *L, const sr_doc_node *v, const char *path, uint8_t type) {
  problem(L, v, path, "expected %s, not %s%s", value_what(type), W(v),
          value_kind(type) == SR_DOC_STRING && sr_doc_is_scalar(v) && v->kind != SR_DOC_NULL
              ? " (quote it to make it text)"
              : "");
}

/* 1 when value v (of the parameter's kind) is one of allowed's items. */
static int allowed_has(const sr_doc_node *allowed, const sr_doc_node *v) {
  for (size_t i = 0; i < allowed->count; i++) {
    const sr_doc_node *a = allowed->items[i];
    if (a->kind != v->kind) continue;
    if (a->kind == SR_DOC_INT ? a->i == v->i
        : a->kind == SR_DOC_BOOL
            ? a->boolean == v->boolean
            : a->len == v->len && memcmp(a->str, v->str, a->len) == 0)
      return 1;
  }
  return 0;
}

/* A default's text against min/maxChars. */
static void check_chars(ld *L, const sr_rb_param *p, const sr_doc_node *v, const char *path) {
  if (has_ref(v->str)) return;
  size_t k = chars(v->str, v->len);
  if (p->min_chars >= 0 && k < (uint64_t)p->min_chars)
    problem(L, v, path, "%s has %zu characters, fewer than minChars %" PRId64, Q(v->str), k,
            p->min_chars);
  if (p->max_chars >= 0 && k > (uint64_t)p->max_chars)
    problem(L, v, path, "%s has %zu characters, more than maxChars %" PRId64, Q(v->str), k,
            p->max_chars);
}

static void check_default(ld *L, const sr_rb_param *p, const sr_doc_node *d, const char *path) {
  const char *dp = P(path, ".default");
  switch (p->type) {
  case SR_PT_STRING:
  case SR_PT_INTEGER:
  case SR_PT_BOOLEAN:
    if (d->kind != value_kind(p->type)) {
      wrong_value(L, d, dp, p->type);
      return;
    }
    if (p->type == SR_PT_STRING) check_chars(L, p, d, dp);
    break;
  case SR_PT_STRINGLIST:
  case SR_PT_MAPLIST:
    if (d->kind != SR_DOC_SEQ) {
      problem(L, d, dp, "expected a %s (a list), not %s", type_name(p->type), W(d));
      return;
    }
    if (p->min_items >= 0 && d->count < (uint64_t)p->min_items)
      problem(L, d, dp, "has %zu items, fewer than minItems %" PRId64, d->count, p->min_items);
    if (p->max_items >= 0 && d->count > (uint64_t)p->max_items)
      problem(L, d, dp, "has %zu items, more than maxItems %" PRId64, d->count, p->max_items);
    for (size_t i = 0; i < d->count; i++) {
      const sr_doc_node *it = d->items[i];
      const char *ip = P(dp, "[%zu]", i);
      if (p->type == SR_PT_MAPLIST) {
        if (it->kind != SR_DOC_MAP) problem(L, it, ip, "expected a mapping, not %s", W(it));
        continue;
      }
      if (it->kind != SR_DOC_STRING) {
        wrong_value(L, it, ip, p->type);
        continue;
      }
      check_chars(L, p, it, ip);
      if (p->allowed && !allowed_has(p->allowed, it))
        problem(L, it, ip, "%s is not one of allowedValues", Q(it->str));
    }
    return;
  case SR_PT_STRINGMAP:
    if (d->kind != SR_DOC_MAP) problem(L, d, dp, "expected a StringMap (a mapping), not %s", W(d));
    return;
  }
  if (p->allowed && !allowed_has(p->allowed, d))
    problem(L, d, dp, "%s is not one of allowedValues", W(d));
}

static void load_param(ld *L, sr_rb_param *p, const sr_doc_pair *pair) {
  const sr_doc_node *k = pair->key, *v = pair->value;
  char path[PCAP];
  sub(path, "parameters", ".%s", E(k->str));
  p->name = k->str;
  p->min_items = p->max_items = p->min_chars = p->max_chars = -1;
  uint32_t other;
  if (!valid_name(k))
    problem(L, k, path, "a parameter name must be 1-%d characters of a-z, A-Z, 0-9 and _",
            MAX_NAME);
  else if (sr_map_get(&L->pnames, k->str, &other))
    problem(L, k, path, "parameter %s is defined twice", Q(k->str));
  else
    sr_map_put(&L->pnames, k->str, (uint32_t)(p - L->rb->params));
  if (v->kind != SR_DOC_MAP) {
    problem(L, v, path, "expected a mapping (type, description, default, ...), not %s", W(v));
    return;
  }
  check_keys(L, v, path, KEYS(PARAM_KEYS), "property");
  const sr_doc_node *t = get(v, "type");
  const char *ts = text(t);
  if (!t) {
    problem(L, v, P(path, ".type"), "is required");
  } else if (!ts) {
    problem(L, t, P(path, ".type"), "expected text, not %s", W(t));
  } else {
    for (size_t i = 0; i < sizeof PTYPES / sizeof PTYPES[0]; i++)
      if (strcmp(PTYPES[i].name, ts) == 0) p->type = PTYPES[i].type;
    if (!p->type)
      problem(L, t, P(path, ".type"),
              "unknown type %s (String, StringList, Integer, Boolean, MapList, StringMap, or an "
              "AWS resource type such as AWS::EC2::Instance::Id)", Q(ts));
  }
  p->description = opt_text(L, v, path, "description");
  p->pattern = opt_text(L, v, path, "allowedPattern");
  opt_text(L, v, path, "displayType");
  p->min_items = count_prop(L, v, path, "minItems");
  p->max_items = count_prop(L, v, path, "maxItems");
  p->min_chars = count_prop(L, v, path, "minChars");
  p->max_chars = count_prop(L, v, path, "maxChars");
  if (p->min_items >= 0 && p->max_items >= 0 && p->min_items > p->max_items)
    problem(L, get(v, "maxItems"), P(path, ".maxItems"), "is less than minItems");
  if (p->min_chars >= 0 && p->max_chars >= 0 && p->min_chars > p->max_chars)
    problem(L, get(v, "maxChars"), P(path, ".maxChars"), "is less than minChars");
  const sr_doc_node *a = get(v, "allowedValues");
  if (a) {
    const char *ap = P(path, ".allowedValues");
    if (a->kind != SR_DOC_SEQ) {
      problem(L, a, ap, "expected a list of values, not %s", W(a));
    } else if (a->count == 0) {
      problem(L, a, ap, "is empty");
    } else if (p->type == SR_PT_MAPLIST || p->type == SR_PT_STRINGMAP) {
      problem(L, a, ap, "does not apply to a %s parameter", type_name(p->type));
    } else {
      int ok = 1;
      for (size_t i = 0; i < a->count; i++)
        if (a->items[i]->kind != value_kind(p->type)) {
          wrong_value(L, a->items[i], P(ap, "[%zu]", i), p->type);
          ok = 0;
        }
      if (ok) p->allowed = a;
    }
  }
  /* A null default is refused rather than read as "no default", which would
   * silently make the parameter required. */
  const sr_doc_node *d = sr_doc_get(v, "default");
  if (d && d->kind == SR_DOC_NULL) {
    problem(L, d, P(path, ".default"),
            "is null: give a value, or leave default out to make the parameter required");
  } else if (d) {
    p->def = d;
    if (p->type) check_default(L, p, d, path);
  }
}

static void load_params(ld *L, const sr_doc_node *ps) {
  if (ps->kind != SR_DOC_MAP) {
    problem(L, ps, "parameters", "expected a mapping of parameter names to definitions, not %s",
            W(ps));
    return;
  }
  if (ps->count == 0) return;
  sr_runbook *rb = L->rb;
  rb->params = sr_calloc(L->m, ps->count, sizeof *rb->params);
  if (!rb->params || sr_map_reserve(L->m, &L->pnames, ps->count)) {
    L->nomem = 1;
    return;
  }
  rb->param_count = ps->count;
  for (size_t i = 0; i < ps->count; i++) load_param(L, &rb->params[i], &ps->pairs[i]);
}

/* --------------------------------------------------------------- layout */

static const struct {
  const char *name;
  uint8_t kind;
} ACTIONS[] = {
    {"aws:pause", SR_ACT_PAUSE},   {"aws:sleep", SR_ACT_SLEEP}, {"aws:approve", SR_ACT_APPROVE},
    {"aws:branch", SR_ACT_BRANCH}, {"aws:loop", SR_ACT_LOOP},
};

static uint8_t kind_of(const char *action) {
  if (action)
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
      if (strcmp(ACTIONS[i].name, action) == 0) return ACTIONS[i].kind;
  return SR_ACT_HOST;
}

/* The Steps of an aws:loop step node, or NULL. */
static const sr_doc_node *loop_body(const sr_doc_node *s) {
  if (s->kind != SR_DOC_MAP || kind_of(text(sr_doc_get(s, "action"))) != SR_ACT_LOOP) return NULL;
  const sr_doc_node *b = sr_doc_get(sr_doc_get(s, "inputs"), "Steps");
  return b && b->kind == SR_DOC_SEQ ? b : NULL;
}

static void step_path(const ld *L, uint32_t i, char *out) {
  const sr_rb_step *s = &L->rb->steps[i];
  if (s->loop == SR_NONE)
    snprintf(out, PCAP, "mainSteps[%u]", (unsigned)i);
  else
    snprintf(out, PCAP, "mainSteps[%u].inputs.Steps[%u]", (unsigned)s->loop,
             (unsigned)(i - L->rb->steps[s->loop].body_first));
}

static void init_step(sr_rb_step *st, uint32_t loop) {
  memset(st, 0, sizeof *st);
  st->name = "";
  st->action = "";
  st->max_attempts = 1;
  st->on_failure = SR_ON_ABORT;
  st->on_failure_step = SR_NONE;
  st->on_cancel = SR_ON_ABORT;
  st->on_cancel_step = SR_NONE;
  st->is_critical = 1;
  st->next_step = SR_NONE;
  st->loop = loop;
  st->branch_default = SR_NONE;
  st->max_iterations = SR_RB_MAX_ITERATIONS;
  st->min_approvals = 1;
}

/* Registers step i's name (the first of two steps of one name keeps it). */
static void register_name(ld *L, uint32_t i) {
  const sr_doc_node *n = L->snode[i], *v = sr_doc_get(n, "name");
  uint32_t j;
  if (n->kind != SR_DOC_MAP || !text(v) || !valid_name(v)) return;
  L->rb->steps[i].name = v->str;
  if (!sr_map_get(&L->names, v->str, &j)) sr_map_put(&L->names, v->str, i);
}

/* Reports what is wrong with step i's name. */
static void check_name(ld *L, uint32_t i, const char *path) {
  const sr_doc_node *n = L->snode[i], *v = sr_doc_get(n, "name");
  const char *s = text(v);
  uint32_t j;
  if (is_null(v)) {
    problem(L, n, P(path, ".name"), "is required");
  } else if (!s) {
    problem(L, v, P(path, ".name"), "expected text, not %s", W(v));
  } else if (!valid_name(v)) {
    problem(L, v, P(path, ".name"), "must be 1-%d characters of a-z, A-Z, 0-9 and _, not %s",
            MAX_NAME, Q(s));
  } else if (sr_map_get(&L->names, s, &j) && j != i) {
    char other[PCAP];
    const sr_doc_node *o = sr_doc_get(L->snode[j], "name");
    step_path(L, j, other);
    problem(L, v, P(path, ".name"), "step %s is already defined at %s (%u:%u)", Q(s), other,
            (unsigned)o->line, (unsigned)o->col);
  }
}

/* Lays the steps out and registers their names; 0, or -1 when the steps
 * cannot be checked (too many, or no memory). */
static int layout(ld *L, const sr_doc_node *ms) {
  sr_runbook *rb = L->rb;
  size_t total = ms->count;
  for (size_t i = 0; i < ms->count; i++) {
    const sr_doc_node *b = loop_body(ms->items[i]);
    if (b) total += b->count;
  }
  if (total > SR_RB_MAX_STEPS) {
    problem(L, ms, "mainSteps", "at most %d steps (mainSteps and the Steps of loops), not %zu",
            SR_RB_MAX_STEPS, total);
    return -1;
  }
  rb->steps = sr_calloc(L->m, total, sizeof *rb->steps);
  L->snode = sr_calloc(L->m, total, sizeof *L->snode);
  if (!rb->steps || !L->snode || sr_map_reserve(L->m, &L->names, total)) {
    L->nomem = 1;
    return -1;
  }
  rb->step_count = total;
  rb->main_count = ms->count;
  uint32_t next = (uint32_t)ms->count;
  for (uint32_t i = 0; i < ms->count; i++) {
    const sr_doc_node *b = loop_body(ms->items[i]);
    init_step(&rb->steps[i], SR_NONE);
    L->snode[i] = ms->items[i];
    if (!b) continue;
    rb->steps[i].body_first = next;
    rb->steps[i].body_count = (uint32_t)b->count;
    for (size_t j = 0; j < b->count; j++, next++) {
      init_step(&rb->steps[next], i);
      L->snode[next] = b->items[j];
    }
  }
  for (uint32_t i = 0; i < ms->count; i++) {
    register_name(L, i);
    for (uint32_t j = 0; j < rb->steps[i].body_count; j++)
      register_name(L, rb->steps[i].body_first + j);
  }
  return 0;
}

/* The step that name refers to from a step in scope (a loop's index, or
 * SR_NONE for the main steps); SR_NONE when there is none (reported). */
static uint32_t target(ld *L, const sr_doc_node *at, const char *path, const char *name,
                       uint32_t scope) {
  uint32_t j;
  if (!sr_map_get(&L->names, name, &j)) {
    problem(L, at, path, "no step %s", Q(name));
    return SR_NONE;
  }
  uint32_t in = L->rb->steps[j].loop;
  if (in == scope) return j;
  if (scope == SR_NONE)
    problem(L, at, path,
            "step %s is inside the aws:loop %s: only steps of that loop can go to it", Q(name),
            Q(L->rb->steps[in].name));
  else
    problem(L, at, path,
            "step %s is not in this aws:loop's Steps: a step inside a loop can only go to "
            "steps of the same loop", Q(name));
  return SR_NONE;
}

/* A property naming a step: its index, or SR_NONE (absent or reported). */
static uint32_t step_ref(ld *L, const sr_doc_node *map, const char *path, const char *key,
                         uint32_t scope) {
  const sr_doc_node *v = get(map, key);
  if (!v) return SR_NONE;
  const char *s = text(v);
  if (!s) {
    problem(L, v, P(path, ".%s", key), "expected a step name, not %s", W(v));
    return SR_NONE;
  }
  return target(L, v, P(path, ".%s", key), s, scope);
}

/* ----------------------------------------------------------- conditions */

static const struct {
  const char *name;
  uint8_t op;
} OPS[] = {
    {"StringEquals", SR_C_STRING_EQUALS},
    {"EqualsIgnoreCase", SR_C_EQUALS_IGNORE_CASE},
    {"StartsWith", SR_C_STARTS_WITH},
    {"EndsWith", SR_C_ENDS_WITH},
    {"Contains", SR_C_CONTAINS},
    {"NumericEquals", SR_C_NUM_EQ},
    {"NumericGreater", SR_C_NUM_GT},
    {"NumericLesser", SR_C_NUM_LT},
    {"NumericGreaterOrEquals", SR_C_NUM_GE},
    {"NumericLesserOrEquals", SR_C_NUM_LE},
    {"BooleanEquals", SR_C_BOOL_EQ},
    {"And", SR_C_AND},
    {"Or", SR_C_OR},
    {"Not", SR_C_NOT},
};
#define OP_LIST                                                                                 \
  "StringEquals, EqualsIgnoreCase, StartsWith, EndsWith, Contains, NumericEquals, "             \
  "NumericGreater, NumericLesser, NumericGreaterOrEquals, NumericLesserOrEquals, "              \
  "BooleanEquals, And, Or or Not"

static uint8_t op_of(const char *name) {
  for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
    if (strcmp(OPS[i].name, name) == 0) return OPS[i].op;
  return 0;
}

static void cond(ld *L, sr_rb_cond *c, const sr_doc_node *n, const char *path, uint32_t *next,
                 uint32_t scope);

static void cond_list(ld *L, sr_rb_cond *c, const sr_doc_node *v, const char *path,
                      uint32_t scope) {
  if (v->kind != SR_DOC_SEQ) {
    problem(L, v, path, "expected a list of conditions, not %s", W(v));
    return;
  }
  if (v->count == 0) {
    problem(L, v, path, "is empty");
    return;
  }
  c->sub = sr_calloc(L->m, v->count, sizeof *c->sub);
  if (!c->sub) {
    L->nomem = 1;
    return;
  }
  c->sub_count = v->count;
  for (size_t i = 0; i < v->count; i++)
    cond(L, &c->sub[i], v->items[i], P(path, "[%zu]", i), NULL, scope);
}

static void operand(ld *L, const sr_rb_cond *c, const sr_doc_node *v, const char *path,
                    const char *op) {
  const char *s = text(v);
  int b;
  if (!s) {
    problem(L, v, path, "expected a value to compare with, not %s", W(v));
  } else if (c->op >= SR_C_NUM_EQ && c->op <= SR_C_NUM_LE) {
    if (v->kind != SR_DOC_INT && v->kind != SR_DOC_DOUBLE && !has_ref(s) && !is_number_text(s))
      problem(L, v, path, "%s compares numbers: %s is not a number", op, Q(s));
  } else if (c->op == SR_C_BOOL_EQ) {
    if (bool_of(v, &b) && !has_ref(s))
      problem(L, v, path, "BooleanEquals takes true or false, not %s", Q(s));
  }
}

/* Reads the condition in n into c. A Choice (next != NULL) also has a
 * NextStep, resolved into *next. */
static void cond(ld *L, sr_rb_cond *c, const sr_doc_node *n, const char *path, uint32_t *next,
                 uint32_t scope) {
  const sr_doc_node *var = NULL, *opk = NULL, *opv = NULL, *nxt = NULL;
  int unknown = 0;
  if (next) *next = SR_NONE;
  if (n->kind != SR_DOC_MAP) {
    problem(L, n, path, "expected a condition (a mapping with Variable and an operator), not %s",
            W(n));
    return;
  }
  for (size_t i = 0; i < n->count; i++) {
    const sr_doc_node *k = n->pairs[i].key, *v = n->pairs[i].value;
    uint8_t op;
    if (strcmp(k->str, "NextStep") == 0) {
      if (!next)
        problem(L, k, path, "NextStep only goes in a Choice of aws:branch");
      else if (nxt)
        problem(L, k, path, "NextStep is given twice");
      else
        nxt = v;
    } else if (strcmp(k->str, "Variable") == 0) {
      if (var)
        problem(L, k, path, "Variable is given twice");
      else
        var = v;
    } else if ((op = op_of(k->str)) == 0) {
      size_t j = 0;
      while (j < sizeof OPS / sizeof OPS[0] && !ieq(OPS[j].name, k->str)) j++;
      if (j < sizeof OPS / sizeof OPS[0])
        problem(L, k, path, "unknown operator %s (did you mean \"%s\"?)", Q(k->str), OPS[j].name);
      else
        problem(L, k, path, "unknown operator %s", Q(k->str));
      unknown = 1;
    } else if (opk) {
      problem(L, k, path,
              "has two operators, %s and %s: a condition has one (combine conditions with And "
              "or Or)", opk->str, k->str);
    } else {
      opk = k;
      opv = v;
      c->op = op;
    }
  }
  if (next) {
    const char *s = text(nxt);
    if (!nxt)
      problem(L, n, P(path, ".NextStep"), "is required");
    else if (!s)
      problem(L, nxt, P(path, ".NextStep"), "expected a step name, not %s", W(nxt));
    else
      *next = target(L, nxt, P(path, ".NextStep"), s, scope);
  }
  if (!opk) {
    if (!unknown) problem(L, n, path, "needs an operator: %s", OP_LIST);
    return;
  }
  const char *op_path = P(path, ".%s", opk->str);
  if (c->op == SR_C_AND || c->op == SR_C_OR || c->op == SR_C_NOT) {
    if (var)
      problem(L, var, P(path, ".Variable"),
              "does not go with %s (each condition in it has its own Variable)", opk->str);
    if (c->op != SR_C_NOT) {
      cond_list(L, c, opv, op_path, scope);
      return;
    }
    const sr_doc_node *one = opv;
    if (opv->kind == SR_DOC_SEQ) {
      if (opv->count != 1) {
        problem(L, opv, op_path, "Not takes one condition, not %zu", opv->count);
        return;
      }
      one = opv->items[0];
    }
    c->sub = sr_calloc(L->m, 1, sizeof *c->sub);
    if (!c->sub) {
      L->nomem = 1;
      return;
    }
    c->sub_count = 1;
    cond(L, c->sub, one, one == opv ? op_path : P(op_path, "[0]"), NULL, scope);
    return;
  }
  const char *vs = text(var);
  if (!var)
    problem(L, n, P(path, ".Variable"), "is required: the value that %s compares", opk->str);
  else if (!vs || !*vs)
    problem(L, var, P(path, ".Variable"), "expected text such as \"{{ step.Output }}\", not %s",
            W(var));
  else {
    c->variable = vs;
    check_refs_in(L, var, P(path, ".Variable"), vs);
  }
  operand(L, c, opv, op_path, opk->str);
  c->operand = opv;
}

static void cond_free(const sr_mem *m, sr_rb_cond *c) {
  for (size_t i = 0; i < c->sub_count; i++) cond_free(m, &c->sub[i]);
  sr_free(m, c->sub);
}

/* -------------------------------------------------------- time literals */

/* A minimal ISO 8601 duration: P[nD][T[nH][nM][n[.f]S]] with at least one
 * part, into ms: the forms runbook.h promises sr_rb_duration reads, so that
 * nothing loaded here fails to parse at run time. Years, months and weeks
 * are refused (any one of them exceeds aws:sleep's limit anyway). 0 or -1. */
static int duration_ms(const char *s, int64_t *ms) {
  static const char date_units[] = "D", time_units[] = "HMS";
  static const int64_t date_ms[] = {86400000LL};
  static const int64_t time_ms[] = {3600000LL, 60000LL, 1000LL};
  int64_t total = 0;
  int parts = 0, in_time = 0;
  size_t unit = 0; /* next unit allowed, in order */
  if (*s++ != 'P') return -1;
  while (*s) {
    if (*s == 'T') {
      if (in_time) return -1;
      in_time = 1;
      unit = 0;
      s++;
      if (!*s) return -1;
      continue;
    }
    size_t d = strspn(s, "0123456789");
    if (d == 0 || d > 9) return -1;
    int64_t x = 0, frac = 0, scale = 1;
    for (size_t i = 0; i < d; i++) x = x * 10 + (s[i] - '0');
    s += d;
    if (*s == '.') {
      s++;
      size_t f = strspn(s, "0123456789");
      if (f == 0) return -1;
      for (size_t i = 0; i < f; i++)
        if (i < 3) {
          frac = frac * 10 + (s[i] - '0');
          scale *= 10;
        }
      s += f;
      if (*s != 'S' || !in_time) return -1; /* a fraction on seconds only */
    }
    const char *units = in_time ? time_units : date_units;
    const int64_t *per = in_time ? time_ms : date_ms;
    const char *u = *s ? strchr(units, *s) : NULL;
    if (!u || (size_t)(u - units) < unit) return -1;
    unit = (size_t)(u - units) + 1;
    total += x * per[u - units] + frac * 1000 / scale;
    parts++;
    s++;
  }
  if (!parts) return -1;
  *ms = total;
  return 0;
}

static int digits(const char *s, size_t n, int lo, int hi) {
  int x = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    x = x * 10 + (s[i] - '0');
  }
  return x >= lo && x <= hi;
}

/* YYYY-MM-DDTHH:MM:SS[.f](Z|+00:00), UTC as runbook.h's sr_rb_timestamp
 * reads it: the form only (not, say, February 30th). */
static int timestamp_form(const char *s) {
  size_t n = strlen(s);
  if (n < 20 || !digits(s, 4, 0, 9999) || s[4] != '-' || !digits(s + 5, 2, 1, 12) ||
      s[7] != '-' || !digits(s + 8, 2, 1, 31) || s[10] != 'T' || !digits(s + 11, 2, 0, 23) ||
      s[13] != ':' || !digits(s + 14, 2, 0, 59) || s[16] != ':' || !digits(s + 17, 2, 0, 60))
    return 0;
  s += 19;
  if (*s == '.') {
    size_t f = strspn(s + 1, "0123456789");
    if (!f) return 0;
    s += 1 + f;
  }
  return strcmp(s, "Z") == 0 || strcmp(s, "+00:00") == 0;
}

/* --------------------------------------------------------------- actions */

/* The key of map's member key (present), to point at it. */
static const sr_doc_node *key_of(const sr_doc_node *map, const char *key) {
  for (size_t i = 0; i < map->count; i++)
    if (strcmp(map->pairs[i].key->str, key) == 0) return map->pairs[i].key;
  return map;
}

/* Of two members of map, the key written later: where a pair that must not
 * both be given becomes wrong. */
static const sr_doc_node *later(const sr_doc_node *map, const char *a, const char *b) {
  const sr_doc_node *x = key_of(map, a), *y = key_of(map, b);
  return x->line > y->line || (x->line == y->line && x->col > y->col) ? x : y;
}

static const char *const SLEEP_KEYS[] = {"Duration", "Timestamp"};
static const char *const APPROVE_KEYS[] = {"Approvers", "MinRequiredApprovals", "Message",
                                           "NotificationArn"};
static const char *const BRANCH_KEYS[] = {"Choices", "Default"};
static const char *const LOOP_KEYS[] = {"Steps", "Iterators", "IteratorDataType",
                                        "LoopCondition", "MaxIterations"};

static void check_sleep(ld *L, const sr_doc_node *sn, const sr_doc_node *in, const char *ip) {
  const sr_doc_node *d = get(in, "Duration"), *t = get(in, "Timestamp");
  if (in) check_keys(L, in, ip, KEYS(SLEEP_KEYS), "input");
  if (d && t) {
    problem(L, later(in, "Duration", "Timestamp"), ip, "has both Duration and Timestamp: give one");
  } else if (!d && !t) {
    problem(L, in ? in : sn, ip, "aws:sleep needs Duration or Timestamp");
    return;
  }
  if (d) {
    const char *s = text(d);
    int64_t ms;
    if (!s)
      problem(L, d, P(ip, ".Duration"), "expected an ISO 8601 duration, not %s", W(d));
    else if (has_ref(s))
      ; /* resolved at run time */
    else if (duration_ms(s, &ms))
      problem(L, d, P(ip, ".Duration"), "%s is not an ISO 8601 duration (such as PT10M or PT30S)",
              Q(s));
    else if (ms > (int64_t)SR_RB_MAX_SLEEP_S * 1000)
      problem(L, d, P(ip, ".Duration"), "%s is longer than aws:sleep's limit of %d seconds", Q(s),
              SR_RB_MAX_SLEEP_S);
  }
  if (t) {
    const char *s = text(t);
    if (!s)
      problem(L, t, P(ip, ".Timestamp"), "expected an ISO 8601 timestamp, not %s", W(t));
    else if (!has_ref(s) && !timestamp_form(s))
      problem(L, t, P(ip, ".Timestamp"),
              "%s is not an ISO 8601 UTC timestamp (such as 2026-01-05T09:00:00Z)", Q(s));
  }
}

static void check_approve(ld *L, sr_rb_step *st, const sr_doc_node *sn, const sr_doc_node *in,
                          const char *ip) {
  size_t approvers = 0;
  const sr_doc_node *a = get(in, "Approvers"), *mr = get(in, "MinRequiredApprovals");
  if (in) check_keys(L, in, ip, KEYS(APPROVE_KEYS), "input");
  const char *ap = P(ip, ".Approvers");
  if (!a) {
    problem(L, in ? in : sn, ap, "is required");
  } else if (a->kind == SR_DOC_SEQ) {
    if (a->count == 0 || a->count > MAX_APPROVERS)
      problem(L, a, ap, "must list 1-%d approvers, not %zu", MAX_APPROVERS, a->count);
    else
      approvers = a->count;
    for (size_t i = 0; i < a->count; i++) {
      const char *s = text(a->items[i]);
      if (!s || !*s)
        problem(L, a->items[i], P(ap, "[%zu]", i),
                "expected an IAM user, group or role, not %s", W(a->items[i]));
    }
  } else if (!text(a) || !has_ref(a->str)) {
    problem(L, a, ap,
            "expected a list of IAM users, groups or roles, or a {{ }} reference to one, not %s",
            W(a));
  }
  if (mr) {
    int64_t x;
    if (int_of(mr, &x) || x < 1 || x > MAX_APPROVERS)
      problem(L, mr, P(ip, ".MinRequiredApprovals"), "must be a number from 1 to %d, not %s",
              MAX_APPROVERS, W(mr));
    else if (approvers && (uint64_t)x > approvers)
      problem(L, mr, P(ip, ".MinRequiredApprovals"),
              "is %" PRId64 " but only %zu approver%s listed", x, approvers,
              approvers == 1 ? " is" : "s are");
    else
      st->min_approvals = (uint32_t)x;
  }
  const char *msg = opt_text(L, in, ip, "Message");
  if (msg && strlen(msg) > MAX_MESSAGE)
    problem(L, get(in, "Message"), P(ip, ".Message"), "is longer than %d bytes", MAX_MESSAGE);
  opt_text(L, in, ip, "NotificationArn");
}

static void check_branch(ld *L, sr_rb_step *st, const sr_doc_node *sn, const sr_doc_node *in,
                         const char *ip) {
  const sr_doc_node *ch = get(in, "Choices");
  const char *cp = P(ip, ".Choices");
  if (in) check_keys(L, in, ip, KEYS(BRANCH_KEYS), "input");
  if (!ch) {
    problem(L, in ? in : sn, cp, "is required");
  } else if (ch->kind != SR_DOC_SEQ) {
    problem(L, ch, cp, "expected a list of choices, not %s", W(ch));
  } else if (ch->count == 0) {
    problem(L, ch, cp, "is empty");
  } else {
    st->choices = sr_calloc(L->m, ch->count, sizeof *st->choices);
    if (!st->choices) {
      L->nomem = 1;
      return;
    }
    st->choice_count = ch->count;
    for (size_t k = 0; k < ch->count; k++)
      cond(L, &st->choices[k].cond, ch->items[k], P(cp, "[%zu]", k), &st->choices[k].next,
           st->loop);
  }
  if (in) st->branch_default = step_ref(L, in, ip, "Default", st->loop);
}

/* Appends n as JSON. */
static void json_node(sr_buf *b, const sr_doc_node *n) {
  char num[40];
  switch (n->kind) {
  case SR_DOC_NULL: sr_buf_str(b, "null"); break;
  case SR_DOC_BOOL: sr_buf_str(b, n->boolean ? "true" : "false"); break;
  case SR_DOC_INT:
    snprintf(num, sizeof num, "%" PRId64, n->i);
    sr_buf_str(b, num);
    break;
  case SR_DOC_DOUBLE:
    if (n->d == n->d && n->d - n->d == 0) {
      snprintf(num, sizeof num, "%.17g", n->d);
      sr_buf_str(b, num);
    } else {
      sr_buf_json(b, n->str); /* .inf, .nan: JSON has no such numbers */
    }
    break;
  case SR_DOC_STRING: sr_buf_json(b, n->str); break;
  case SR_DOC_SEQ:
    sr_buf_cat(b, "[", 1);
    for (size_t i = 0; i < n->count; i++) {
      if (i) sr_buf_cat(b, ",", 1);
      json_node(b, n->items[i]);
    }
    sr_buf_cat(b, "]", 1);
    break;
  case SR_DOC_MAP:
    sr_buf_cat(b, "{", 1);
    for (size_t i = 0; i < n->count; i++) {
      if (i) sr_buf_cat(b, ",", 1);
      sr_buf_json(b, n->pairs[i].key->str);
      sr_buf_cat(b, ":", 1);
      json_node(b, n->pairs[i].value);
    }
    sr_buf_cat(b, "}", 1);
    break;
  }
}

static void check_loop(ld *L, sr_rb_step *st, uint32_t i, const sr_doc_node *sn,
                       const sr_doc_node *in, const char *ip) {
  static const char *const DTYPES[] = {"Boolean", "Integer", "String", "StringMap"};
  const sr_doc_node *steps = sr_doc_get(in, "Steps"), *it = get(in, "Iterators"),
                    *lc = get(in, "LoopCondition"), *dt = get(in, "IteratorDataType"),
                    *mi = get(in, "MaxIterations");
  if (in) check_keys(L, in, ip, KEYS(LOOP_KEYS), "input");
  if (is_null(steps))
    problem(L, in ? in : sn, P(ip, ".Steps"), "is required");
  else if (steps->kind != SR_DOC_SEQ)
    problem(L, steps, P(ip, ".Steps"), "expected a list of steps, not %s", W(steps));
  else if (steps->count == 0)
    problem(L, steps, P(ip, ".Steps"), "is empty");
  if (it && lc)
    problem(L, later(in, "Iterators", "LoopCondition"), ip,
            "has both Iterators and LoopCondition: a loop runs for each item of Iterators, or "
            "while LoopCondition holds");
  else if (!it && !lc)
    problem(L, in ? in : sn, ip, "aws:loop needs Iterators or LoopCondition");
  if (it) {
    const char *s = text(it);
    const char *ipath = P(ip, ".Iterators");
    st->iterators_node = it;
    if (it->kind == SR_DOC_SEQ) {
      if (it->count > SR_RB_MAX_ITERATIONS) {
        problem(L, it, ipath, "has %zu items; at most %d", it->count, SR_RB_MAX_ITERATIONS);
      } else {
        sr_buf b = {L->m, NULL, 0, 0, 0};
        json_node(&b, it);
        if (b.failed) {
          sr_free(L->m, b.p);
          L->nomem = 1;
          st->iterators_node = NULL;
          return;
        }
        st->iterators = b.p;
      }
    } else if (s && has_ref(s)) {
      st->iterators = s;
      check_refs_in(L, it, ipath, s);
    } else {
      problem(L, it, ipath, "expected a list, or a {{ }} reference to one, not %s", W(it));
    }
  }
  if (lc) {
    st->has_condition = 1;
    cond(L, &st->loop_condition, lc, P(ip, ".LoopCondition"), NULL, i);
  }
  if (dt) {
    const char *s = text(dt);
    size_t k = 0;
    while (s && k < sizeof DTYPES / sizeof DTYPES[0] && strcmp(DTYPES[k], s) != 0) k++;
    if (!s || k == sizeof DTYPES / sizeof DTYPES[0])
      problem(L, dt, P(ip, ".IteratorDataType"),
              "must be Boolean, Integer, String or StringMap, not %s", W(dt));
    else if (!it)
      problem(L, dt, P(ip, ".IteratorDataType"), "goes with Iterators only");
  }
  if (mi) {
    int64_t x;
    if (int_of(mi, &x) || x < 1 || x > SR_RB_MAX_ITERATIONS)
      problem(L, mi, P(ip, ".MaxIterations"), "must be a number from 1 to %d, not %s",
              SR_RB_MAX_ITERATIONS, W(mi));
    else
      st->max_iterations = (uint32_t)x;
  }
}

/* ----------------------------------------------------------------- steps */

static const char *const STEP_KEYS[] = {"name",       "action",      "description", "inputs",
                                        "timeoutSeconds", "maxAttempts", "onFailure", "onCancel",
                                        "isEnd",      "nextStep",    "isCritical",  "outputs"};
static const char *const OUTPUT_KEYS[] = {"Name", "Selector", "Type"};
static const char *const OUTPUT_TYPES[] = {"String",    "Integer",   "Boolean",
                                           "StringList", "StringMap", "MapList"};

/* onFailure (cancel == 0) or onCancel. */
static void on_what(ld *L, sr_rb_step *st, const sr_doc_node *sn, const char *path, int cancel) {
  const char *key = cancel ? "onCancel" : "onFailure";
  const sr_doc_node *v = get(sn, key);
  if (!v) return;
  const char *s = text(v), *kp = P(path, ".%s", key);
  uint8_t *how = cancel ? &st->on_cancel : &st->on_failure;
  uint32_t *to = cancel ? &st->on_cancel_step : &st->on_failure_step;
  if (cancel && st->kind == SR_ACT_LOOP) {
    problem(L, v, kp, "is not supported on aws:loop (give onCancel to the steps inside it)");
    return;
  }
  if (s && strcmp(s, "Abort") == 0) {
    *how = SR_ON_ABORT;
  } else if (s && !cancel && strcmp(s, "Continue") == 0) {
    *how = SR_ON_CONTINUE;
  } else if (s && strncmp(s, "step:", 5) == 0) {
    *how = SR_ON_STEP;
    *to = target(L, v, kp, s + 5, st->loop);
  } else {
    problem(L, v, kp, "must be %s or step:<name>, not %s", cancel ? "Abort" : "Abort, Continue",
            W(v));
  }
}

static void step_outputs(ld *L, sr_rb_step *st, const sr_doc_node *o, const char *path) {
  const char *op = P(path, ".outputs");
  if (o->kind != SR_DOC_SEQ) {
    problem(L, o, op, "expected a list of outputs (Name, Selector, Type), not %s", W(o));
    return;
  }
  if (o->count == 0) return;
  sr_map seen = {0};
  st->outputs = sr_calloc(L->m, o->count, sizeof *st->outputs);
  if (!st->outputs || sr_map_reserve(L->m, &seen, o->count)) {
    sr_map_free(L->m, &seen);
    L->nomem = 1;
    return;
  }
  st->output_count = o->count;
  for (size_t k = 0; k < o->count; k++) {
    const sr_doc_node *it = o->items[k];
    const char *ip = P(op, "[%zu]", k);
    sr_rb_output *out = &st->outputs[k];
    uint32_t prev;
    if (it->kind != SR_DOC_MAP) {
      problem(L, it, ip, "expected an output (Name, Selector, Type), not %s", W(it));
      continue;
    }
    check_keys(L, it, ip, KEYS(OUTPUT_KEYS), "property");
    for (size_t f = 0; f < 3; f++) {
      const sr_doc_node *v = get(it, OUTPUT_KEYS[f]);
      const char *s = text(v), *fp = P(ip, ".%s", OUTPUT_KEYS[f]);
      if (!v) {
        problem(L, it, fp, "is required");
        continue;
      }
      if (!s || !*s) {
        problem(L, v, fp, "expected text, not %s", W(v));
        continue;
      }
      if (f == 0) {
        out->name = s;
        if (sr_map_get(&seen, s, &prev))
          problem(L, v, fp, "output %s is declared twice", Q(s));
        else
          sr_map_put(&seen, s, (uint32_t)k);
      } else if (f == 1) {
        out->selector = s;
      } else {
        size_t t = 0;
        while (t < sizeof OUTPUT_TYPES / sizeof OUTPUT_TYPES[0] && strcmp(OUTPUT_TYPES[t], s))
          t++;
        if (t == sizeof OUTPUT_TYPES / sizeof OUTPUT_TYPES[0])
          problem(L, v, fp,
                  "must be String, Integer, Boolean, StringList, StringMap or MapList, not %s",
                  Q(s));
        out->type = s;
      }
    }
  }
  sr_map_free(L->m, &seen);
}

static void check_step(ld *L, uint32_t i) {
  sr_rb_step *st = &L->rb->steps[i];
  const sr_doc_node *sn = L->snode[i], *v;
  char path[PCAP];
  int64_t x;
  int b;
  step_path(L, i, path);
  if (sn->kind != SR_DOC_MAP) {
    problem(L, sn, path, "expected a step (a mapping with name and action), not %s", W(sn));
    return;
  }
  check_keys(L, sn, path, KEYS(STEP_KEYS), "property");
  check_name(L, i, path);

  v = get(sn, "action");
  const char *act = text(v);
  if (!v)
    problem(L, sn, P(path, ".action"), "is required");
  else if (!act || !*act)
    problem(L, v, P(path, ".action"), "expected an action such as aws:pause, not %s", W(v));
  else {
    st->action = act;
    st->kind = kind_of(act);
    if (st->kind == SR_ACT_LOOP && st->loop != SR_NONE)
      problem(L, v, P(path, ".action"), "an aws:loop cannot be inside another aws:loop");
  }
  opt_text(L, sn, path, "description");

  const sr_doc_node *in = get(sn, "inputs");
  const char *ip = P(path, ".inputs");
  if (in && in->kind != SR_DOC_MAP) {
    problem(L, in, ip, "expected a mapping, not %s", W(in));
    in = NULL;
  }
  st->inputs = in;

  if ((v = get(sn, "timeoutSeconds")) != NULL) {
    if (int_of(v, &x) || x < 1 || x > INT32_MAX)
      problem(L, v, P(path, ".timeoutSeconds"), "must be a positive number of seconds, not %s",
              W(v));
    else
      st->timeout_s = x;
  }
  if ((v = get(sn, "maxAttempts")) != NULL) {
    if (int_of(v, &x) || x < 1 || x > 100)
      problem(L, v, P(path, ".maxAttempts"), "must be a number from 1 to 100, not %s", W(v));
    else
      st->max_attempts = (uint32_t)x;
  }
  on_what(L, st, sn, path, 0);
  on_what(L, st, sn, path, 1);
  if ((v = get(sn, "isEnd")) != NULL) {
    if (bool_of(v, &b))
      problem(L, v, P(path, ".isEnd"), "expected true or false, not %s", W(v));
    else
      st->is_end = (uint8_t)b;
  }
  st->next_step = step_ref(L, sn, path, "nextStep", st->loop);
  if ((v = get(sn, "isCritical")) != NULL) {
    if (bool_of(v, &b))
      problem(L, v, P(path, ".isCritical"), "expected true or false, not %s", W(v));
    else
      st->is_critical = (uint8_t)b;
  } else if (st->on_failure == SR_ON_CONTINUE) {
    st->is_critical = 0;
  }
  if ((v = get(sn, "outputs")) != NULL) step_outputs(L, st, v, path);

  switch (st->kind) {
  case SR_ACT_PAUSE:
    if (in) check_keys(L, in, ip, NULL, 0, "input");
    break;
  case SR_ACT_SLEEP: check_sleep(L, sn, in, ip); break;
  case SR_ACT_APPROVE: check_approve(L, st, sn, in, ip); break;
  case SR_ACT_BRANCH: check_branch(L, st, sn, in, ip); break;
  case SR_ACT_LOOP:
    if (st->loop == SR_NONE) check_loop(L, st, i, sn, in, ip);
    break;
  default:
    if (in) {
      pathb p;
      p.n = 0;
      p.s[0] = '\0';
      pb_push(&p, "%s", ip);
      walk_refs(L, in, &p);
    }
    break;
  }
}

static void load_steps(ld *L, const sr_doc_node *ms) {
  if (!ms) {
    problem(L, sr_doc_root(L->rb->doc), "mainSteps", "is required");
    return;
  }
  if (ms->kind != SR_DOC_SEQ) {
    problem(L, ms, "mainSteps", "expected a list of steps, not %s", W(ms));
    return;
  }
  if (ms->count == 0) {
    problem(L, ms, "mainSteps", "is empty");
    return;
  }
  if (layout(L, ms)) return;
  for (uint32_t i = 0; i < L->rb->main_count; i++) {
    const sr_rb_step *st = &L->rb->steps[i];
    check_step(L, i);
    for (uint32_t j = 0; j < st->body_count; j++) check_step(L, st->body_first + j);
  }
}

/* -------------------------------------------------------------- document */

static const char *const TOP_KEYS[] = {"schemaVersion", "description", "assumeRole",
                                       "parameters",    "mainSteps",   "outputs", "files"};

static void load_outputs(ld *L, const sr_doc_node *o) {
  sr_runbook *rb = L->rb;
  if (o->kind != SR_DOC_SEQ) {
    problem(L, o, "outputs", "expected a list of \"step.Output\" texts, not %s", W(o));
    return;
  }
  if (o->count == 0) return;
  rb->outputs = sr_calloc(L->m, o->count, sizeof *rb->outputs);
  if (!rb->outputs) {
    L->nomem = 1;
    return;
  }
  rb->output_count = o->count;
  for (size_t k = 0; k < o->count; k++) {
    const sr_doc_node *v = o->items[k];
    const char *s = text(v), *dot = s ? strchr(s, '.') : NULL, *path = P("outputs", "[%zu]", k);
    char name[MAX_NAME + 1];
    uint32_t ix;
    rb->outputs[k] = s ? s : "";
    if (!s || !dot || dot == s || !dot[1]) {
      problem(L, v, path, "must be \"step.Output\", not %s", W(v));
      continue;
    }
    size_t n = (size_t)(dot - s);
    if (n > MAX_NAME) n = MAX_NAME;
    memcpy(name, s, n);
    name[n] = '\0';
    if (rb->steps && !sr_map_get(&L->names, name, &ix)) problem(L, v, path, "no step %s", Q(name));
  }
}

static void load(ld *L, const sr_doc_node *root) {
  sr_runbook *rb = L->rb;
  pathb p;
  p.n = 0;
  p.s[0] = '\0';
  walk_tags(L, root, &p);
  if (root->kind != SR_DOC_MAP) {
    problem(L, root, "", "expected an Automation document (a mapping), not %s", W(root));
    return;
  }
  check_keys(L, root, "", KEYS(TOP_KEYS), "property");

  const sr_doc_node *v = get(root, "schemaVersion");
  if (!v)
    problem(L, root, "schemaVersion", "is required (\"0.3\": an Automation document)");
  else if (!(v->kind == SR_DOC_STRING && strcmp(v->str, "0.3") == 0) &&
           !(v->kind == SR_DOC_DOUBLE && v->d == 0.3))
    problem(L, v, "schemaVersion", "must be \"0.3\" (an Automation document), not %s", W(v));

  rb->description = opt_text(L, root, "", "description");
  rb->assume_role = opt_text(L, root, "", "assumeRole");
  if ((v = get(root, "parameters")) != NULL) load_params(L, v);
  if (L->nomem) return;
  load_steps(L, get(root, "mainSteps"));
  if (L->nomem) return;
  if ((v = get(root, "outputs")) != NULL) load_outputs(L, v);
}

/* ------------------------------------------------------------ interface */

static void free_steps(const sr_mem *m, sr_runbook *rb) {
  for (size_t i = 0; rb->steps && i < rb->step_count; i++) {
    sr_rb_step *st = &rb->steps[i];
    sr_free(m, st->outputs);
    for (size_t k = 0; k < st->choice_count; k++) cond_free(m, &st->choices[k].cond);
    sr_free(m, st->choices);
    cond_free(m, &st->loop_condition);
    if (st->iterators_node && st->iterators_node->kind == SR_DOC_SEQ)
      sr_free(m, (void *)(uintptr_t)st->iterators);
  }
  sr_free(m, rb->steps);
}

void sr_runbook_release(const sr_mem *m, sr_runbook *rb) {
  if (!rb) return;
  if (rb->refs > 1) {
    rb->refs--;
    return;
  }
  free_steps(m, rb);
  sr_free(m, rb->params);
  sr_free(m, (void *)(uintptr_t)rb->outputs);
  sr_free(m, rb->name);
  sr_doc_free(rb->doc);
  sr_free(m, rb);
}

uint32_t sr_runbook_step(const sr_runbook *rb, const char *name) {
  if (!rb || !name) return SR_NONE;
  for (size_t i = 0; i < rb->step_count; i++)
    if (strcmp(rb->steps[i].name, name) == 0) return (uint32_t)i;
  return SR_NONE;
}

static int build(const sr_mem *m, const char *name, const char *text_, size_t len,
                 sr_runbook **out, sr_buf *pb) {
  sr_doc *doc = NULL;
  sr_doc_error err;
  int rc = sr_doc_parse(&doc, m, text_, len, NULL, &err);
  if (rc == SIREN_EINVAL) {
    ld L = {m, pb, NULL, NULL, {0}, {0}, 0, 0};
    sr_doc_node at = {0};
    at.line = err.line;
    at.col = err.col;
    problem(&L, &at, "", "%s", err.msg);
  }
  if (rc != SIREN_OK) return rc;

  sr_runbook *rb = sr_calloc(m, 1, sizeof *rb);
  if (!rb) {
    sr_doc_free(doc);
    return SIREN_ENOMEM;
  }
  rb->refs = 1;
  rb->doc = doc;
  rb->name = sr_strdup(m, name ? name : "");
  ld L = {m, pb, rb, NULL, {0}, {0}, 0, rb->name == NULL};
  if (!L.nomem) load(&L, sr_doc_root(doc));
  sr_free(m, L.snode);
  sr_map_free(m, &L.names);
  sr_map_free(m, &L.pnames);
  if (L.nomem || pb->failed) {
    rc = SIREN_ENOMEM;
  } else if (L.problems) {
    rc = SIREN_EINVAL;
  } else {
    *out = rb;
    return SIREN_OK;
  }
  sr_runbook_release(m, rb);
  return rc;
}

int sr_runbook_build(const sr_mem *m, const char *name, const char *text_, size_t len,
                     sr_runbook **out, sr_buf *problems) {
  /* Problems are counted even when the caller does not want their text. */
  sr_buf scratch = {m, NULL, 0, 0, 0};
  sr_buf *pb = problems ? problems : &scratch;
  *out = NULL;
  int rc = build(m, name, text_, len, out, pb);
  if (rc == SIREN_EINVAL && pb->failed) rc = SIREN_ENOMEM;
  sr_free(m, scratch.p);
  return rc;
}
