/*
 * Tests of src/runbook_expr.c: rendering {{ references }} into JSON, branch
 * conditions, ISO 8601 durations and timestamps, and global:DATE(_TIME)
 * text. Expected epoch values were computed independently (Python's
 * datetime) and are written out as a table, not derived from the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "counting.h"
#include "runbook.h"

/* ------------------------------------------------------------- variables */

typedef struct var {
  const char *name, *json;
} var;

typedef struct vtab {
  const var *v;
  size_t n;
  int calls;
  char last[64];
} vtab;

static int lookup(void *ctx, const char *name, size_t len, const char **json, size_t *jlen) {
  vtab *t = ctx;
  t->calls++;
  snprintf(t->last, sizeof t->last, "%.*s", (int)len, name);
  for (size_t i = 0; i < t->n; i++) {
    if (strlen(t->v[i].name) == len && memcmp(t->v[i].name, name, len) == 0) {
      *json = t->v[i].json;
      *jlen = strlen(t->v[i].json);
      return 0;
    }
  }
  return -1;
}

static const var VARS[] = {
    {"Str", "\"x\""},
    {"Count", "5"},
    {"Flag", "true"},
    {"Off", "false"},
    {"List", "[\"a\",\"b\"]"},
    {"Empty", "[]"},
    {"Map", "{\"k\":\"v\",\"n\":[1,2.50]}"},
    {"Null", "null"},
    {"Quote", "\"say \\\"hi\\\"\\n\\ttab\\\\\""},
    {"Nul", "\"a\\u0000b\""},
    {"Pretty", " [ 1 ,\n 2 ] "},
    {"Ref", "\"{{ Str }}\""},
    {"Bad", "{oops"},
    {"global:DATE", "\"2026-01-05\""},
    {"global:DATE_TIME", "\"2026-01-05_09.00.00\""},
    {"automation:EXECUTION_ID", "\"exec-1\""},
    {"step.Output", "\"out\""},
    {"LoopStep.CurrentIteratorValue", "\"i-1\""},
    {"LoopStep.CurrentIteration", "2"},
    {"Num", "\"42\""},
    {"NumStr", "\" 7 \""},
    {"Dbl", "2.5"},
    {"Big", "9007199254740993"},
    {"BigD", "9007199254740992.0"},
    {"Neg", "\"-1e3\""},
    {"Abc", "\"abc\""},
    {"Win", "\"Windows\""},
    {"T", "\"TRUE\""},
    {"F", "\"False\""},
    {"Yes", "\"yes\""},
    {"Utf", "\"\xc3\x89t\xc3\xa9\""},
};

static vtab V;
static sr_rb_vars VV;

static int setup(void **state) {
  (void)state;
  memset(&V, 0, sizeof V);
  V.v = VARS;
  V.n = sizeof VARS / sizeof VARS[0];
  VV.lookup = lookup;
  VV.ctx = &V;
  return 0;
}

/* ------------------------------------------------------------- helpers */

static sr_doc *yaml(const char *s) {
  sr_doc *d = NULL;
  sr_doc_error e;
  int rc = sr_doc_parse_yaml(&d, &sr_mem_libc, s, strlen(s), NULL, &e);
  if (rc) print_error("yaml %u:%u %s\n", e.line, e.col, e.msg);
  assert_int_equal(rc, SIREN_OK);
  return d;
}

static void assert_json(const char *s, size_t n) {
  sr_doc *d = NULL;
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, s, n, NULL, NULL), SIREN_OK);
  sr_doc_free(d);
}

/* Renders the YAML document's root; checks the JSON text (want may hold
 * NUL bytes only through escapes, so strcmp is enough). */
static void render_ok(const char *src, const char *want) {
  sr_doc *d = yaml(src);
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[256] = "untouched";
  int rc = sr_rb_render(&b, sr_doc_root(d), &VV, err, sizeof err);
  if (rc) print_error("render %s: %d %s\n", src, rc, err);
  assert_int_equal(rc, SIREN_OK);
  assert_string_equal(err, "");
  assert_string_equal(b.p, want);
  assert_int_equal(b.n, strlen(want));
  assert_json(b.p, b.n);
  sr_free(&sr_mem_libc, b.p);
  sr_doc_free(d);
}

static void render_fails(const char *src, int want_rc, const char *want_err) {
  sr_doc *d = yaml(src);
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  sr_buf_str(&b, "PRE");
  char err[256];
  int rc = sr_rb_render(&b, sr_doc_root(d), &VV, err, sizeof err);
  assert_int_equal(rc, want_rc);
  assert_string_equal(err, want_err);
  /* the buffer is as it was */
  assert_int_equal(b.n, 3);
  assert_string_equal(b.p, "PRE");
  sr_free(&sr_mem_libc, b.p);
  sr_doc_free(d);
}

static void render_str_ok(const char *s, const char *want) {
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[256];
  assert_int_equal(sr_rb_render_str(&b, s, &VV, err, sizeof err), SIREN_OK);
  assert_string_equal(b.p, want);
  assert_json(b.p, b.n);
  sr_free(&sr_mem_libc, b.p);
}

/* ------------------------------------------------------------- rendering */

static void test_whole_reference_keeps_type(void **state) {
  (void)state;
  render_ok("'{{ Count }}'", "5");
  render_ok("'{{Count}}'", "5");
  render_ok("'{{ \t Count \t}}'", "5");
  render_ok("\"  {{ Count }}\\n \"", "5"); /* blanks and line breaks around */
  render_ok("'{{ Flag }}'", "true");
  render_ok("'{{ Null }}'", "null");
  render_ok("'{{ Str }}'", "\"x\"");
  render_ok("'{{ Dbl }}'", "2.5");
  render_ok("'{{ List }}'", "[\"a\",\"b\"]");
  render_ok("'{{ Map }}'", "{\"k\":\"v\",\"n\":[1,2.50]}");
  render_ok("'{{ Pretty }}'", "[1,2]"); /* the host's JSON is made compact */
  render_ok("'{{ Quote }}'", "\"say \\\"hi\\\"\\n\\ttab\\\\\"");
  render_ok("'{{ Nul }}'", "\"a\\u0000b\"");
  /* values are substituted once ("Multi-level expansion" is unsupported) */
  render_ok("'{{ Ref }}'", "\"{{ Str }}\"");
}

static void test_names_reach_lookup_trimmed(void **state) {
  (void)state;
  static const struct {
    const char *src, *name, *want;
  } t[] = {
      {"'{{ global:DATE }}'", "global:DATE", "\"2026-01-05\""},
      {"'{{global:DATE_TIME}}'", "global:DATE_TIME", "\"2026-01-05_09.00.00\""},
      {"'{{ automation:EXECUTION_ID }}'", "automation:EXECUTION_ID", "\"exec-1\""},
      {"'{{ step.Output }}'", "step.Output", "\"out\""},
      {"'{{ LoopStep.CurrentIteratorValue }}'", "LoopStep.CurrentIteratorValue", "\"i-1\""},
      {"'n={{ LoopStep.CurrentIteration }}'", "LoopStep.CurrentIteration", "\"n=2\""},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    V.calls = 0;
    render_ok(t[i].src, t[i].want);
    assert_int_equal(V.calls, 1);
    assert_string_equal(V.last, t[i].name);
  }
}

static void test_splice(void **state) {
  (void)state;
  render_ok("'id-{{ Str }}-{{Count}}'", "\"id-x-5\"");
  render_ok("'{{ Str }}{{ Str }}'", "\"xx\"");
  render_ok("'on={{ Flag }} off={{Off}} none={{ Null }} d={{ Dbl }}'",
            "\"on=true off=false none=null d=2.5\"");
  render_ok("'ids: {{ List }}'", "\"ids: [\\\"a\\\",\\\"b\\\"]\"");
  render_ok("'m={{ Map }}'", "\"m={\\\"k\\\":\\\"v\\\",\\\"n\\\":[1,2.50]}\"");
  render_ok("'p={{ Pretty }}'", "\"p=[1,2]\"");
  render_ok("'q={{ Quote }}'", "\"q=say \\\"hi\\\"\\n\\ttab\\\\\"");
  render_ok("'z={{ Nul }}!'", "\"z=a\\u0000b!\"");
  render_ok("'r={{ Ref }}'", "\"r={{ Str }}\"");
  render_ok("'{{ Utf }}!'", "\"\xc3\x89t\xc3\xa9!\"");
  /* AWS's example: braces around a reference stay */
  render_ok("'echo {Hello {{Str}}}'", "\"echo {Hello x}\"");
}

static void test_not_references(void **state) {
  (void)state;
  render_ok("'abc {{ Str'", "\"abc {{ Str\"");          /* unterminated */
  render_ok("'abc {{ Str }'", "\"abc {{ Str }\"");      /* half closed */
  render_ok("'{{'", "\"{{\"");
  render_ok("'{{}}'", "\"{{}}\"");                      /* no name */
  render_ok("'{{  }}'", "\"{{  }}\"");
  render_ok("'{{ a b }}'", "\"{{ a b }}\"");            /* not a name */
  render_ok("'{{ .Values.x }}'", "\"{{ .Values.x }}\""); /* another template language */
  render_ok("'}}{{'", "\"}}{{\"");
  render_ok("'{{{ Str }}}'", "\"{x}\"");
  render_ok("'{{ Str }}}}'", "\"x}}\"");
  render_ok("'{ { Str } }'", "\"{ { Str } }\"");
  render_ok("'{{ {{ Str }} }}'", "\"{{ x }}\"");
  render_ok("'{{ Str }} {{ unterminated'", "\"x {{ unterminated\"");
}

static void test_tree(void **state) {
  (void)state;
  render_ok("Service: ec2\n"
            "Api: DescribeInstances\n"
            "InstanceIds:\n"
            "  - '{{ Str }}'\n"
            "Count: '{{ Count }}'\n"
            "Filters:\n"
            "  - Name: tag\n"
            "    Values: ['{{ List }}', 'lit-{{ Count }}']\n"
            "Nested: {a: {b: [[1, '{{ Flag }}'], {}], c: []}}\n"
            "'{{ Str }}': keys are not resolved\n"
            "Plain: [1, -2, 0x1F, 0o17, +5, 007, 1.50, .5, -.5, +1.5, 1., 01.5, 1e3, 2.5E-3, "
            "true, false, null, ~, '', \"\"]\n",
            "{\"Service\":\"ec2\",\"Api\":\"DescribeInstances\",\"InstanceIds\":[\"x\"],"
            "\"Count\":5,\"Filters\":[{\"Name\":\"tag\",\"Values\":[\"a\",\"b\",\"lit-5\"]}],"
            "\"Nested\":{\"a\":{\"b\":[[1,true],{}],\"c\":[]}},"
            "\"{{ Str }}\":\"keys are not resolved\","
            "\"Plain\":[1,-2,31,15,5,7,1.50,0.5,-0.5,1.5,1,1.5,1e3,2.5E-3,true,false,null,null,"
            "\"\",\"\"]}");
  /* JSON documents render as themselves, compact */
  render_ok("{\"a\": [1, 2.0, -0.5e+2, \"s\", null], \"b\": {}}",
            "{\"a\":[1,2.0,-0.5e+2,\"s\",null],\"b\":{}}");
  render_ok("[]", "[]");
  render_ok("{}", "{}");
  render_ok("42", "42");
  render_ok("plain text", "\"plain text\"");
}

static void test_list_items_are_spliced(void **state) {
  (void)state;
  /* InstanceIds: ["{{LaunchInstance.InstanceIds}}"] passes the list itself */
  render_ok("['{{ List }}']", "[\"a\",\"b\"]");
  render_ok("['{{ List }}', c]", "[\"a\",\"b\",\"c\"]");
  render_ok("[c, '{{ List }}', d, '{{List}}']", "[\"c\",\"a\",\"b\",\"d\",\"a\",\"b\"]");
  render_ok("['{{ Empty }}']", "[]");
  render_ok("['{{ Empty }}', x]", "[\"x\"]");
  render_ok("[x, '{{ Empty }}']", "[\"x\"]");
  render_ok("['{{ Empty }}', '{{ Empty }}']", "[]");
  render_ok("['{{ Str }}', '{{ Map }}']", "[\"x\",{\"k\":\"v\",\"n\":[1,2.50]}]");
  /* only one level: a list inside a list item stays nested */
  render_ok("[['{{ List }}']]", "[[\"a\",\"b\"]]");
  render_ok("['x{{ List }}']", "[\"x[\\\"a\\\",\\\"b\\\"]\"]");
}

static void test_escaping(void **state) {
  (void)state;
  render_ok("\"tab\\there \\\"q\\\" back\\\\slash \\u0001 \\x7f nul\\0 \\u00e9\"",
            "\"tab\\there \\\"q\\\" back\\\\slash \\u0001 \x7f nul\\u0000 \xc3\xa9\"");
  render_ok("\"{{ Str }}\\n\\u0002\"", "\"x\\n\\u0002\"");
  render_ok("{\"k\\\"ey\\n\": v}", "{\"k\\\"ey\\n\":\"v\"}");
  render_ok("|\n  line1\n  line2\n", "\"line1\\nline2\\n\"");
  render_ok("\"\\b\\f\\r\\n\\t\\e\\x1f\"", "\"\\b\\f\\r\\n\\t\\u001b\\u001f\"");
  /* a hand-built number without source text */
  sr_doc_node n = {.kind = SR_DOC_DOUBLE, .d = 0.25};
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[64];
  assert_int_equal(sr_rb_render(&b, &n, NULL, err, sizeof err), SIREN_OK);
  assert_string_equal(b.p, "0.25");
  sr_free(&sr_mem_libc, b.p);
}

static void test_render_errors(void **state) {
  (void)state;
  render_fails("'{{ Foo }}'", SIREN_EINVAL, "unknown variable {{ Foo }}");
  render_fails("'{{Foo}}'", SIREN_EINVAL, "unknown variable {{ Foo }}");
  render_fails("'a {{ Str }} b {{ Foo.Bar }} c'", SIREN_EINVAL, "unknown variable {{ Foo.Bar }}");
  render_fails("{a: [1, {b: 'x{{ Missing }}'}]}", SIREN_EINVAL, "unknown variable {{ Missing }}");
  render_fails("['{{ Missing }}']", SIREN_EINVAL, "unknown variable {{ Missing }}");
  render_fails("'{{ Bad }}'", SIREN_EINVAL,
               "variable {{ Bad }} is not valid JSON: expected a string key or '}' after '{'");
  render_fails("[1, .inf]", SIREN_EINVAL, ".inf cannot be written as JSON");
  render_fails("x: -.Inf", SIREN_EINVAL, "-.Inf cannot be written as JSON");
  render_fails("[.nan]", SIREN_EINVAL, ".nan cannot be written as JSON");

  /* no variables at all */
  sr_doc *d = yaml("['{{ Str }}']");
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[64];
  assert_int_equal(sr_rb_render(&b, sr_doc_root(d), NULL, err, sizeof err), SIREN_EINVAL);
  assert_string_equal(err, "unknown variable {{ Str }}");
  sr_rb_vars none = {NULL, NULL};
  assert_int_equal(sr_rb_render(&b, sr_doc_root(d), &none, err, sizeof err), SIREN_EINVAL);
  /* err may be NULL or tiny */
  assert_int_equal(sr_rb_render(&b, sr_doc_root(d), NULL, NULL, 0), SIREN_EINVAL);
  char small[8];
  assert_int_equal(sr_rb_render(&b, sr_doc_root(d), NULL, small, sizeof small), SIREN_EINVAL);
  assert_string_equal(small, "unknown");
  assert_int_equal(sr_rb_render(&b, NULL, &VV, err, sizeof err), SIREN_EINVAL);
  assert_int_equal(sr_rb_render_str(&b, NULL, &VV, err, sizeof err), SIREN_EINVAL);
  assert_int_equal(b.n, 0);
  sr_doc_free(d);
  /* without references no variables are needed */
  d = yaml("[a, '{{ not a ref }}']");
  assert_int_equal(sr_rb_render(&b, sr_doc_root(d), NULL, err, sizeof err), SIREN_OK);
  assert_string_equal(b.p, "[\"a\",\"{{ not a ref }}\"]");
  sr_free(&sr_mem_libc, b.p);
  sr_doc_free(d);
}

static void test_render_appends(void **state) {
  (void)state;
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[64];
  sr_buf_str(&b, "{\"in\":");
  assert_int_equal(sr_rb_render_str(&b, "{{ List }}", &VV, err, sizeof err), SIREN_OK);
  sr_buf_str(&b, "}");
  assert_string_equal(b.p, "{\"in\":[\"a\",\"b\"]}");
  sr_free(&sr_mem_libc, b.p);
  render_str_ok("{{ Count }}", "5");
  render_str_ok(" {{ Count }} ", "5");
  render_str_ok("plain", "\"plain\"");
  render_str_ok("", "\"\"");
  render_str_ok("[\"{{ Str }}\"]", "\"[\\\"x\\\"]\""); /* a string, not a document */
}

static void test_depth(void **state) {
  (void)state;
  /* a hand-built chain deeper than any reader produces */
  enum { N = 700 };
  sr_doc_node *nodes = calloc(N, sizeof *nodes);
  sr_doc_node **items = calloc(N, sizeof *items);
  assert_non_null(nodes);
  assert_non_null(items);
  for (int i = 0; i < N; i++) {
    nodes[i].kind = i + 1 < N ? SR_DOC_SEQ : SR_DOC_NULL;
    if (i + 1 < N) {
      items[i] = &nodes[i + 1];
      nodes[i].items = &items[i];
      nodes[i].count = 1;
    }
  }
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[64];
  assert_int_equal(sr_rb_render(&b, nodes, &VV, err, sizeof err), SIREN_EINVAL);
  assert_string_equal(err, "value nested too deeply");
  assert_int_equal(b.n, 0);
  /* 400 levels are fine */
  assert_int_equal(sr_rb_render(&b, &nodes[N - 400], &VV, err, sizeof err), SIREN_OK);
  assert_int_equal(b.n, 399 * 2 + 4);
  sr_free(&sr_mem_libc, b.p);
  free(nodes);
  free(items);

  /* a deep variable value inside a nested document */
  char deep[300];
  for (int i = 0; i < 100; i++) deep[i] = '[', deep[100 + i] = ']';
  deep[200] = '\0';
  var dv[] = {{"Deep", deep}};
  vtab t = {dv, 1, 0, ""};
  sr_rb_vars vars = {lookup, &t};
  sr_doc *d = yaml("[[[[['{{ Deep }}']]]]]");
  b = (sr_buf){&sr_mem_libc, NULL, 0, 0, 0};
  assert_int_equal(sr_rb_render(&b, sr_doc_root(d), &vars, err, sizeof err), SIREN_OK);
  assert_int_equal(b.n, 5 * 2 + 99 * 2); /* the value's outer list is spliced */
  sr_free(&sr_mem_libc, b.p);
  sr_doc_free(d);
}

/* Defined in runbook_expr.c; proposed for runbook.h. */
int sr_rb_json(sr_buf *b, const sr_doc_node *n, char *err, size_t errcap);

static void test_plain_json(void **state) {
  (void)state;
  sr_doc *d = yaml("{a: '{{ Str }}', b: ['{{ List }}', 'x{{ Nope }}'], c: [0x10, .5, ~]}");
  sr_buf b = {&sr_mem_libc, NULL, 0, 0, 0};
  char err[64];
  V.calls = 0;
  assert_int_equal(sr_rb_json(&b, sr_doc_root(d), err, sizeof err), SIREN_OK);
  assert_string_equal(b.p, "{\"a\":\"{{ Str }}\",\"b\":[\"{{ List }}\",\"x{{ Nope }}\"],"
                           "\"c\":[16,0.5,null]}");
  assert_int_equal(V.calls, 0);
  sr_doc_free(d);
  d = yaml("[1, .inf]");
  size_t n0 = b.n;
  assert_int_equal(sr_rb_json(&b, sr_doc_root(d), err, sizeof err), SIREN_EINVAL);
  assert_string_equal(err, ".inf cannot be written as JSON");
  assert_int_equal(b.n, n0);
  assert_int_equal(sr_rb_json(&b, NULL, err, sizeof err), SIREN_EINVAL);
  sr_free(&sr_mem_libc, b.p);
  sr_doc_free(d);
}

/* ------------------------------------------------------------ conditions */

static const char *OPS_YAML = "{s: abc, e: '', n: 5, ns: '5', d: 2.5, t: true, f: false, "
                              "ts: 'true', fs: 'FALSE', x: x, win: windows, neg: -3, "
                              "big: 9007199254740992, bigd: 9007199254740992.0, list: [1], "
                              "inf: .inf, nul: null, six: '6', e3: 1e3, lit: '{{ Str }}', "
                              "utf: \"\xc3\xa9t\xc3\xa9\", long: "
                              "'0123456789012345678901234567890123456789012345678901234567890123"
                              "456789012345678901234567890123456789'}";

static sr_doc *OPS;

static const sr_doc_node *op(const char *k) {
  const sr_doc_node *n = sr_doc_get(sr_doc_root(OPS), k);
  assert_non_null(n);
  return n;
}

static int setup_ops(void **state) {
  setup(state);
  OPS = yaml(OPS_YAML);
  return 0;
}

static int teardown_ops(void **state) {
  (void)state;
  sr_doc_free(OPS);
  OPS = NULL;
  return 0;
}

static sr_rb_cond cmp(uint8_t o, const char *variable, const char *operand) {
  sr_rb_cond c = {o, variable, op(operand), NULL, 0};
  return c;
}

static int eval(const sr_rb_cond *c, char *err) {
  int r = -1;
  int rc = sr_rb_eval(&sr_mem_libc, c, &VV, &r, err, 256);
  if (rc) {
    assert_int_equal(r, 0);
    return rc;
  }
  assert_true(r == 0 || r == 1);
  return r ? 1 : 0; /* 1 true, 0 false, negative an error code */
}

#define IS(expect, o, var, operand)                                                            \
  do {                                                                                         \
    sr_rb_cond c_ = cmp(o, var, operand);                                                      \
    char e_[256] = "";                                                                         \
    int r_ = eval(&c_, e_);                                                                    \
    if (r_ != (expect)) print_error("%s %d %s -> %d (%s)\n", var, o, operand, r_, e_);         \
    assert_int_equal(r_, expect);                                                              \
  } while (0)

#define ERR(o, var, operand, want)                                                             \
  do {                                                                                         \
    sr_rb_cond c_ = cmp(o, var, operand);                                                      \
    char e_[256] = "";                                                                         \
    assert_int_equal(eval(&c_, e_), SIREN_EINVAL);                                             \
    assert_string_equal(e_, want);                                                             \
  } while (0)

static void test_string_ops(void **state) {
  (void)state;
  IS(1, SR_C_STRING_EQUALS, "{{ Abc }}", "s");
  IS(1, SR_C_STRING_EQUALS, "abc", "s"); /* a literal Variable */
  IS(0, SR_C_STRING_EQUALS, "{{ Str }}", "s");
  IS(0, SR_C_STRING_EQUALS, "ABC", "s");
  IS(0, SR_C_STRING_EQUALS, "abcd", "s");
  IS(0, SR_C_STRING_EQUALS, "{{ Num }}", "ns"); /* "42" */
  IS(0, SR_C_STRING_EQUALS, "42", "n");
  IS(1, SR_C_STRING_EQUALS, "{{ Count }}", "n");  /* number: its JSON text */
  IS(1, SR_C_STRING_EQUALS, "{{ Count }}", "ns"); /* 5 vs '5' */
  IS(0, SR_C_STRING_EQUALS, "{{ Num }}", "n");    /* "42" vs 5 */
  IS(1, SR_C_STRING_EQUALS, "{{ Flag }}", "ts");
  IS(1, SR_C_STRING_EQUALS, "{{ Flag }}", "t");
  IS(1, SR_C_STRING_EQUALS, "{{ Dbl }}", "d");
  IS(1, SR_C_STRING_EQUALS, "1e3", "e3");
  IS(1, SR_C_STRING_EQUALS, "", "e");
  IS(0, SR_C_STRING_EQUALS, "{{ Str }}-{{ Count }}", "x"); /* "x-5" */
  IS(1, SR_C_STRING_EQUALS, "{{ Ref }}", "lit"); /* not expanded twice */
  IS(0, SR_C_STRING_EQUALS, "{{ Utf }}", "utf"); /* bytes differ */

  IS(1, SR_C_EQUALS_IGNORE_CASE, "{{ Win }}", "win");
  IS(1, SR_C_EQUALS_IGNORE_CASE, "WINDOWS", "win");
  IS(0, SR_C_EQUALS_IGNORE_CASE, "windowz", "win");
  IS(0, SR_C_EQUALS_IGNORE_CASE, "window", "win");
  IS(1, SR_C_EQUALS_IGNORE_CASE, "{{ T }}", "t");
  IS(0, SR_C_EQUALS_IGNORE_CASE, "\xc3\x89T\xc3\x89", "utf"); /* ASCII folding only */
  IS(1, SR_C_EQUALS_IGNORE_CASE, "\xc3\xa9T\xc3\xa9", "utf");

  IS(0, SR_C_STARTS_WITH, "{{ Win }}", "x");
  IS(1, SR_C_STARTS_WITH, "{{ Str }}-{{ Count }}", "x");
  IS(1, SR_C_STARTS_WITH, "abcdef", "s");
  IS(1, SR_C_STARTS_WITH, "abc", "s");
  IS(0, SR_C_STARTS_WITH, "ab", "s");
  IS(0, SR_C_STARTS_WITH, "xabc", "s");
  IS(1, SR_C_STARTS_WITH, "anything", "e");

  IS(1, SR_C_ENDS_WITH, "xyzabc", "s");
  IS(1, SR_C_ENDS_WITH, "abc", "s");
  IS(0, SR_C_ENDS_WITH, "abcx", "s");
  IS(0, SR_C_ENDS_WITH, "bc", "s");
  IS(1, SR_C_ENDS_WITH, "", "e");

  IS(1, SR_C_CONTAINS, "xxabcxx", "s");
  IS(1, SR_C_CONTAINS, "abc", "s");
  IS(1, SR_C_CONTAINS, "aababc", "s");
  IS(0, SR_C_CONTAINS, "ab c", "s");
  IS(0, SR_C_CONTAINS, "ab", "s");
  IS(1, SR_C_CONTAINS, "", "e");
  IS(1, SR_C_CONTAINS, "{{ Str }}-{{ Count }}", "n"); /* "x-5" contains "5" */

  ERR(SR_C_STRING_EQUALS, "{{ List }}", "s", "StringEquals: [\"a\",\"b\"] is not a string");
  ERR(SR_C_CONTAINS, "{{ List }}", "x", "Contains: [\"a\",\"b\"] is not a string");
  ERR(SR_C_STARTS_WITH, "abc", "list", "StartsWith: [1] is not a string");
  ERR(SR_C_STRING_EQUALS, "{{ Nope }}", "s", "unknown variable {{ Nope }}");
}

static void test_numeric_ops(void **state) {
  (void)state;
  IS(1, SR_C_NUM_EQ, "{{ Count }}", "n");
  IS(1, SR_C_NUM_EQ, "{{ Count }}", "ns");  /* '5' */
  IS(1, SR_C_NUM_EQ, "5", "n");            /* literal text */
  IS(1, SR_C_NUM_EQ, "5.0", "n");
  IS(1, SR_C_NUM_EQ, "5e0", "n");
  IS(0, SR_C_NUM_EQ, "{{ NumStr }}", "six"); /* " 7 " vs 6 */
  IS(1, SR_C_NUM_GT, "{{ NumStr }}", "six");
  IS(0, SR_C_NUM_EQ, "{{ Count }}", "d");
  IS(0, SR_C_NUM_EQ, "{{ Neg }}", "e3"); /* -1000 vs 1000 */
  IS(1, SR_C_NUM_LT, "{{ Neg }}", "neg");

  IS(1, SR_C_NUM_GT, "{{ Dbl }}", "neg");
  IS(0, SR_C_NUM_GT, "{{ Dbl }}", "d");
  IS(1, SR_C_NUM_GT, "{{ Count }}", "d");
  IS(0, SR_C_NUM_GT, "{{ Dbl }}", "n");

  IS(1, SR_C_NUM_LT, "{{ Dbl }}", "n");
  IS(0, SR_C_NUM_LT, "{{ Dbl }}", "d");
  IS(0, SR_C_NUM_LT, "{{ Count }}", "d");

  IS(1, SR_C_NUM_GE, "{{ Dbl }}", "d");
  IS(1, SR_C_NUM_GE, "{{ Count }}", "d");
  IS(0, SR_C_NUM_GE, "{{ Dbl }}", "n");

  IS(1, SR_C_NUM_LE, "{{ Dbl }}", "d");
  IS(1, SR_C_NUM_LE, "{{ Dbl }}", "n");
  IS(0, SR_C_NUM_LE, "{{ Count }}", "neg");

  /* integers compare exactly, also against doubles */
  IS(0, SR_C_NUM_EQ, "{{ Big }}", "big");  /* 2^53+1 vs 2^53 */
  IS(1, SR_C_NUM_GT, "{{ Big }}", "big");
  IS(1, SR_C_NUM_GT, "{{ Big }}", "bigd"); /* 2^53+1 vs 2^53 as a double */
  IS(1, SR_C_NUM_EQ, "{{ BigD }}", "big");
  IS(1, SR_C_NUM_LT, "9223372036854775807", "inf");
  IS(1, SR_C_NUM_LT, "-5", "neg");
  IS(0, SR_C_NUM_GT, "-5", "neg");
  IS(1, SR_C_NUM_LT, "-3.5", "neg");
  IS(1, SR_C_NUM_GT, "-2.5", "neg");

  ERR(SR_C_NUM_GT, "{{ Abc }}", "n", "NumericGreater: \"abc\" is not a number");
  ERR(SR_C_NUM_EQ, "{{ Count }}", "x", "NumericEquals: \"x\" is not a number");
  ERR(SR_C_NUM_LT, "{{ Flag }}", "n", "NumericLesser: true is not a number");
  ERR(SR_C_NUM_LE, "{{ Null }}", "n", "NumericLesserOrEquals: null is not a number");
  ERR(SR_C_NUM_GE, "{{ List }}", "n", "NumericGreaterOrEquals: [\"a\",\"b\"] is not a number");
  ERR(SR_C_NUM_EQ, "{{ Count }}", "t", "NumericEquals: true is not a number");
  ERR(SR_C_NUM_EQ, "0x10", "n", "NumericEquals: \"0x10\" is not a number");
  ERR(SR_C_NUM_EQ, "+5", "n", "NumericEquals: \"+5\" is not a number");
  ERR(SR_C_NUM_EQ, "5 5", "n", "NumericEquals: \"5 5\" is not a number");
  ERR(SR_C_NUM_EQ, "1e999", "n", "NumericEquals: \"1e999\" is not a number");
  ERR(SR_C_NUM_EQ, "", "n", "NumericEquals: \"\" is not a number");
  ERR(SR_C_NUM_EQ, "-", "n", "NumericEquals: \"-\" is not a number");
  ERR(SR_C_NUM_EQ, "{{ Quote }}", "n",
      "NumericEquals: \"say \\\"hi\\\"\\n\\ttab\\\\\" is not a number");
  /* long values are cut in the message: 80 bytes of JSON, then "..." */
  char want[160];
  snprintf(want, sizeof want, "NumericEquals: \"%.79s... is not a number", op("long")->str);
  ERR(SR_C_NUM_EQ, "{{ Count }}", "long", want);
}

static void test_boolean_equals(void **state) {
  (void)state;
  IS(1, SR_C_BOOL_EQ, "{{ Flag }}", "t");
  IS(0, SR_C_BOOL_EQ, "{{ Flag }}", "f");
  IS(1, SR_C_BOOL_EQ, "{{ Off }}", "f");
  IS(1, SR_C_BOOL_EQ, "{{ T }}", "t");  /* "TRUE" */
  IS(1, SR_C_BOOL_EQ, "{{ F }}", "f");  /* "False" */
  IS(0, SR_C_BOOL_EQ, "{{ F }}", "t");
  IS(1, SR_C_BOOL_EQ, "true", "ts");
  IS(1, SR_C_BOOL_EQ, "tRuE", "t");
  IS(1, SR_C_BOOL_EQ, "false", "fs");   /* operand 'FALSE' */
  IS(0, SR_C_BOOL_EQ, "{{ Flag }}", "fs");
  ERR(SR_C_BOOL_EQ, "{{ Yes }}", "t", "BooleanEquals: \"yes\" is not a boolean");
  ERR(SR_C_BOOL_EQ, " true", "t", "BooleanEquals: \" true\" is not a boolean");
  ERR(SR_C_BOOL_EQ, "{{ Count }}", "t", "BooleanEquals: 5 is not a boolean");
  ERR(SR_C_BOOL_EQ, "{{ Null }}", "t", "BooleanEquals: null is not a boolean");
  ERR(SR_C_BOOL_EQ, "{{ Flag }}", "s", "BooleanEquals: \"abc\" is not a boolean");
  ERR(SR_C_BOOL_EQ, "{{ Flag }}", "n", "BooleanEquals: 5 is not a boolean");
}

static void test_logic(void **state) {
  (void)state;
  char err[256];
  int r;
  sr_rb_cond T1 = cmp(SR_C_STRING_EQUALS, "{{ Str }}", "x");
  sr_rb_cond F1 = cmp(SR_C_STRING_EQUALS, "{{ Str }}", "s");
  sr_rb_cond U = cmp(SR_C_STRING_EQUALS, "{{ Nope }}", "s");

  sr_rb_cond tt[] = {T1, T1}, tf[] = {T1, F1}, ft[] = {F1, T1}, ff[] = {F1, F1};
  sr_rb_cond and_tt = {SR_C_AND, NULL, NULL, tt, 2}, and_tf = {SR_C_AND, NULL, NULL, tf, 2};
  sr_rb_cond or_ft = {SR_C_OR, NULL, NULL, ft, 2}, or_ff = {SR_C_OR, NULL, NULL, ff, 2};
  assert_int_equal(eval(&and_tt, err), 1);
  assert_int_equal(eval(&and_tf, err), 0);
  assert_int_equal(eval(&or_ft, err), 1);
  assert_int_equal(eval(&or_ff, err), 0);
  sr_rb_cond one_t = {SR_C_AND, NULL, NULL, &T1, 1}, one_f = {SR_C_OR, NULL, NULL, &F1, 1};
  assert_int_equal(eval(&one_t, err), 1);
  assert_int_equal(eval(&one_f, err), 0);

  sr_rb_cond not_t = {SR_C_NOT, NULL, NULL, &T1, 1}, not_f = {SR_C_NOT, NULL, NULL, &F1, 1};
  assert_int_equal(eval(&not_t, err), 0);
  assert_int_equal(eval(&not_f, err), 1);
  sr_rb_cond not_f0 = {SR_C_NOT, NULL, NULL, &F1, 0}; /* sub_count left 0 */
  assert_int_equal(eval(&not_f0, err), 1);

  /* Or(And(T, Not(F)), U) is true without looking at U */
  sr_rb_cond inner[] = {T1, not_f};
  sr_rb_cond and_in = {SR_C_AND, NULL, NULL, inner, 2};
  sr_rb_cond outer[] = {and_in, U};
  sr_rb_cond or_out = {SR_C_OR, NULL, NULL, outer, 2};
  V.calls = 0;
  assert_int_equal(eval(&or_out, err), 1);
  assert_int_equal(V.calls, 2);

  /* short circuit: the unknown variable is never looked up */
  sr_rb_cond fu[] = {F1, U}, tu[] = {T1, U};
  sr_rb_cond and_fu = {SR_C_AND, NULL, NULL, fu, 2}, or_tu = {SR_C_OR, NULL, NULL, tu, 2};
  V.calls = 0;
  assert_int_equal(eval(&and_fu, err), 0);
  assert_int_equal(V.calls, 1);
  V.calls = 0;
  assert_int_equal(eval(&or_tu, err), 1);
  assert_int_equal(V.calls, 1);
  /* ... but it is an error when evaluated */
  sr_rb_cond and_tu = {SR_C_AND, NULL, NULL, tu, 2}, or_fu = {SR_C_OR, NULL, NULL, fu, 2};
  assert_int_equal(eval(&and_tu, err), SIREN_EINVAL);
  assert_string_equal(err, "unknown variable {{ Nope }}");
  assert_int_equal(eval(&or_fu, err), SIREN_EINVAL);
  assert_string_equal(err, "unknown variable {{ Nope }}");
  sr_rb_cond not_u = {SR_C_NOT, NULL, NULL, &U, 1};
  assert_int_equal(eval(&not_u, err), SIREN_EINVAL);

  /* Not(Or(F, Not(And(T, T)))) = Not(Or(F, F)) = true */
  sr_rb_cond not_and = {SR_C_NOT, NULL, NULL, &and_tt, 1};
  sr_rb_cond o2[] = {F1, not_and};
  sr_rb_cond or2 = {SR_C_OR, NULL, NULL, o2, 2};
  sr_rb_cond top = {SR_C_NOT, NULL, NULL, &or2, 1};
  assert_int_equal(eval(&top, err), 1);

  /* malformed conditions */
  sr_rb_cond and_none = {SR_C_AND, NULL, NULL, NULL, 0};
  assert_int_equal(eval(&and_none, err), SIREN_EINVAL);
  assert_string_equal(err, "And: no conditions");
  sr_rb_cond or_none = {SR_C_OR, NULL, NULL, tt, 0};
  assert_int_equal(eval(&or_none, err), SIREN_EINVAL);
  assert_string_equal(err, "Or: no conditions");
  sr_rb_cond not_two = {SR_C_NOT, NULL, NULL, tt, 2};
  assert_int_equal(eval(&not_two, err), SIREN_EINVAL);
  assert_string_equal(err, "Not: needs exactly one condition");
  sr_rb_cond bad_op = {99, "x", op("s"), NULL, 0};
  assert_int_equal(eval(&bad_op, err), SIREN_EINVAL);
  assert_string_equal(err, "unknown condition operator 99");
  sr_rb_cond no_var = {SR_C_CONTAINS, NULL, op("s"), NULL, 0};
  assert_int_equal(eval(&no_var, err), SIREN_EINVAL);
  assert_string_equal(err, "Contains: no Variable");
  sr_rb_cond no_operand = {SR_C_NUM_EQ, "1", NULL, NULL, 0};
  assert_int_equal(eval(&no_operand, err), SIREN_EINVAL);
  assert_string_equal(err, "NumericEquals: no value to compare with");
  assert_int_equal(sr_rb_eval(&sr_mem_libc, NULL, &VV, &r, err, sizeof err), SIREN_EINVAL);
  assert_int_equal(r, 0);
  assert_int_equal(sr_rb_eval(&sr_mem_libc, &T1, &VV, &r, NULL, 0), SIREN_OK);
  assert_int_equal(r, 1);

  /* nesting is bounded */
  enum { N = 600 };
  sr_rb_cond *chain = calloc(N + 1, sizeof *chain);
  assert_non_null(chain);
  for (int i = 0; i < N; i++) chain[i] = (sr_rb_cond){SR_C_NOT, NULL, NULL, &chain[i + 1], 1};
  chain[N] = T1;
  assert_int_equal(eval(&chain[0], err), SIREN_EINVAL);
  assert_string_equal(err, "conditions nested too deeply");
  assert_int_equal(eval(&chain[N - 300], err), 1); /* 300 Nots of true */
  assert_int_equal(eval(&chain[N - 301], err), 0);
  free(chain);
}

/* --------------------------------------------------------------- ISO 8601 */

static void test_durations(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t ms;
  } ok[] = {
      {"PT10M", 600000},
      {"PT3S", 3000},
      {"P1DT2H", 93600000},
      {"PT0.5S", 500},
      {"PT0,5S", 500},
      {"PT1.5M", 90000},
      {"PT1.5H", 5400000},
      {"P1.5D", 129600000},
      {"P1W", 604800000},
      {"P2W3D", 1468800000},
      {"PT0S", 0},
      {"P0D", 0},
      {"PT1H30M15.25S", 5415250},
      {"PT0.0001S", 0},
      {"PT0.9999S", 999},
      {"PT1.123456789999S", 1123},
      {"PT0.000000001H", 0},
      {"PT0.000001H", 3},
      {"PT604799S", INT64_C(604799000)},
      {"P7D", INT64_C(604800000)},
      {"PT00010M", 600000},
      {"PT9223372036854775.807S", INT64_MAX},
      {"P106751991167D", INT64_C(9223372036828800000)},
      {"P106751991167DT7H", INT64_C(9223372036854000000)},
      {"P15250284452W", INT64_C(9223372036569600000)},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    int64_t ms = -1;
    int rc = sr_rb_duration(ok[i].s, &ms);
    if (rc || ms != ok[i].ms) print_error("%s -> %d %lld\n", ok[i].s, rc, (long long)ms);
    assert_int_equal(rc, SIREN_OK);
    assert_true(ms == ok[i].ms);
  }
  static const char *const bad[] = {
      "", "P", "PT", "P1DT", "1D", "T1H", "-PT1S", "PT-1S", "+PT1S", "P-1D",
      "P1Y", "P1M", "P1Y2M", "P1M2D", "PT1.5H30M", "PT1.5S1M", "PT1H1H", "PT1M1H", "PT1S1M",
      "P1D1W", "P1D1D", "PT1D", "P1H", "P1S", "PT.5S", "PT5.S", "PT5,S", "pt5s", "Pt5S",
      "PT5s", "PT5S ", " PT5S", "PT 5S", "PT5", "P5", "PTT5S", "P1DTT1H", "PT1HT1M", "P1,5",
      "PT9223372036854775.808S", "PT9223372036854776S", "P106751991168D",
      "P106751991167DT8H", "P15250284453W", "PT99999999999999999999S", "P1W1W", "PT1H\n",
      "PT1.5.5S", "PT1e3S",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t ms = 77;
    int rc = sr_rb_duration(bad[i], &ms);
    if (rc != SIREN_EINVAL) print_error("accepted %s -> %lld\n", bad[i], (long long)ms);
    assert_int_equal(rc, SIREN_EINVAL);
    assert_true(ms == 77); /* untouched */
  }
  int64_t ms;
  assert_int_equal(sr_rb_duration(NULL, &ms), SIREN_EINVAL);
  assert_int_equal(sr_rb_duration("PT1S", NULL), SIREN_EINVAL);
}

/* Computed with Python: datetime.fromisoformat(s) - epoch, in ms. */
static const struct {
  const char *s;
  int64_t ms;
} TS[] = {
    {"1970-01-01T00:00:00Z", INT64_C(0)},
    {"2026-01-05T09:00:00Z", INT64_C(1767603600000)},
    {"2020-01-01T01:00:00Z", INT64_C(1577840400000)},
    {"2024-02-29T12:34:56Z", INT64_C(1709210096000)},
    {"2000-02-29T00:00:00Z", INT64_C(951782400000)},
    {"1900-03-01T00:00:00Z", INT64_C(-2203891200000)},
    {"1969-12-31T23:59:59.999Z", INT64_C(-1)},
    {"0001-01-01T00:00:00Z", INT64_C(-62135596800000)},
    {"0000-01-01T00:00:00Z", INT64_C(-62167219200000)}, /* 0001 minus 366 days */
    {"0000-02-29T00:00:00Z", INT64_C(-62167219200000) + INT64_C(59) * 86400000},
    {"9999-12-31T23:59:59.999Z", INT64_C(253402300799999)},
    {"2026-01-05T14:30:00+05:30", INT64_C(1767603600000)},
    {"2026-01-05T01:00:00-08:00", INT64_C(1767603600000)},
    {"2026-01-05T09:00:00+00:00", INT64_C(1767603600000)},
    {"2026-01-05T09:00:00-00:00", INT64_C(1767603600000)},
    {"2026-01-05t09:00:00z", INT64_C(1767603600000)},
    {"2026-01-05T09:00:00.5Z", INT64_C(1767603600500)},
    {"2026-01-05T09:00:00,25Z", INT64_C(1767603600250)},
    {"2026-01-05T09:00:00.123456789Z", INT64_C(1767603600123)},
    {"2026-01-05T09:00:00.0009Z", INT64_C(1767603600000)},
    {"2026-01-05T09:00:00.999+01:00", INT64_C(1767600000999)},
    {"2026-01-04T23:59:59-23:59", INT64_C(1767657539000)},
    {"2038-01-19T03:14:08Z", INT64_C(2147483648000)},
    {"1600-02-29T00:00:00Z", INT64_C(-11670998400000)},
    {"2100-02-28T23:59:59Z", INT64_C(4107542399000)},
    {"2100-03-01T00:00:00Z", INT64_C(4107542400000)},
    {"1999-12-31T23:59:59Z", INT64_C(946684799000)},
    {"2000-01-01T00:00:00Z", INT64_C(946684800000)},
    {"2024-12-31T23:59:59Z", INT64_C(1735689599000)},
};

static void test_timestamps(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof TS / sizeof TS[0]; i++) {
    int64_t ms = 0;
    int rc = sr_rb_timestamp(TS[i].s, &ms);
    if (rc || ms != TS[i].ms) print_error("%s -> %d %lld\n", TS[i].s, rc, (long long)ms);
    assert_int_equal(rc, SIREN_OK);
    assert_true(ms == TS[i].ms);
  }
  static const char *const bad[] = {
      "", "2026", "2026-01-05", "2026-01-05T09:00", "2026-01-05T09:00:00",
      "2026-01-05 09:00:00Z", "2026-01-05T09:00:00ZZ", "2026-01-05T09:00:00Z ",
      " 2026-01-05T09:00:00Z", "2026-1-05T09:00:00Z", "26-01-05T09:00:00Z",
      "+2026-01-05T09:00:00Z", "2026/01/05T09:00:00Z", "2026-01-05T9:00:00Z",
      "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
      "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z", "2024-06-31T00:00:00Z",
      "2024-09-31T00:00:00Z", "2024-11-31T00:00:00Z", "2024-01-32T00:00:00Z",
      "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z",
      "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z",
      "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.5", "2024-01-01T00:00:00+24:00",
      "2024-01-01T00:00:00+05:60", "2024-01-01T00:00:00+0530", "2024-01-01T00:00:00+05",
      "2024-01-01T00:00:00+05:3", "2024-01-01T00:00:00UTC", "2024-01-01T00:00:00.5.5Z",
      "2024-01-01T00:00:00Z\n", "2024-01-01X00:00:00Z", "2024-01-01T00-00-00Z",
      "2024-01-01T00:00:00\xc2\xa0Z",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t ms = 77;
    int rc = sr_rb_timestamp(bad[i], &ms);
    if (rc != SIREN_EINVAL) print_error("accepted %s -> %lld\n", bad[i], (long long)ms);
    assert_int_equal(rc, SIREN_EINVAL);
    assert_true(ms == 77);
  }
  int64_t ms;
  assert_int_equal(sr_rb_timestamp(NULL, &ms), SIREN_EINVAL);
  assert_int_equal(sr_rb_timestamp("2026-01-05T09:00:00Z", NULL), SIREN_EINVAL);
  /* Feb 29 in every leap year of a 400-year cycle, and never otherwise */
  for (int y = 1600; y < 2000; y++) {
    char s[32];
    snprintf(s, sizeof s, "%04d-02-29T00:00:00Z", y);
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    assert_int_equal(sr_rb_timestamp(s, &ms), leap ? SIREN_OK : SIREN_EINVAL);
  }
}

static void test_format_date(void **state) {
  (void)state;
  /* Expected text computed with Python (400-year cycles for far years). */
  static const struct {
    int64_t ms;
    const char *date, *date_time;
  } t[] = {
      {0, "1970-01-01", "1970-01-01_00.00.00"},
      {INT64_C(1767603600000), "2026-01-05", "2026-01-05_09.00.00"},
      {INT64_C(1767603600999), "2026-01-05", "2026-01-05_09.00.00"},
      {-1, "1969-12-31", "1969-12-31_23.59.59"},
      {INT64_C(951782400000), "2000-02-29", "2000-02-29_00.00.00"},
      {INT64_C(1709210096000), "2024-02-29", "2024-02-29_12.34.56"},
      {INT64_C(4107542399000), "2100-02-28", "2100-02-28_23.59.59"},
      {INT64_C(-2203891200000), "1900-03-01", "1900-03-01_00.00.00"},
      {INT64_C(-62167219200000), "0000-01-01", "0000-01-01_00.00.00"},
      {INT64_C(-62167219200001), "-0001-12-31", "-0001-12-31_23.59.59"},
      {INT64_C(253402300800000), "10000-01-01", "10000-01-01_00.00.00"},
      {INT64_MAX, "292278994-08-17", "292278994-08-17_07.12.55"},
      {INT64_MIN, "-292275055-05-16", "-292275055-05-16_16.47.04"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char out[32];
    memset(out, 'X', sizeof out);
    sr_rb_format_date(t[i].ms, 0, out);
    assert_string_equal(out, t[i].date);
    sr_rb_format_date(t[i].ms, 1, out);
    assert_string_equal(out, t[i].date_time);
  }
}

/* format -> parse gives back the instant, floored to the second or day. */
static void test_format_round_trip(void **state) {
  (void)state;
  const int64_t lo = INT64_C(-62167219200000), hi = INT64_C(253402300800000); /* 0000..9999 */
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (int i = 0; i < 20000; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    int64_t ms = lo + (int64_t)((x >> 11) % (uint64_t)(hi - lo));
    if (i < 4) ms = i == 0 ? lo : i == 1 ? hi - 1 : i == 2 ? 0 : -1;
    char out[32], iso[40];
    int64_t back = 0;
    sr_rb_format_date(ms, 1, out);
    assert_int_equal(strlen(out), 19);
    /* yyyy-MM-dd_HH.mm.ss -> yyyy-MM-ddTHH:mm:ssZ */
    snprintf(iso, sizeof iso, "%sZ", out);
    iso[10] = 'T';
    iso[13] = iso[16] = ':';
    assert_int_equal(sr_rb_timestamp(iso, &back), SIREN_OK);
    int64_t sec = ms - ((ms % 1000) + 1000) % 1000;
    assert_true(back == sec);
    sr_rb_format_date(ms, 0, out);
    assert_int_equal(strlen(out), 10);
    snprintf(iso, sizeof iso, "%sT00:00:00Z", out);
    assert_int_equal(sr_rb_timestamp(iso, &back), SIREN_OK);
    int64_t day = ms - ((ms % 86400000) + 86400000) % 86400000;
    assert_true(back == day);
  }
}

/* ------------------------------------------------------ allocation failure */

static void test_render_alloc_failures(void **state) {
  (void)state;
  static const struct {
    const char *src, *err; /* err: the render fails with it */
  } cases[] = {
      {"Ids: ['{{ List }}', '{{ Str }}', '{{ Empty }}']\n"
       "Text: 'a {{ Str }} b {{ Map }} c {{ Count }} d {{ Quote }}'\n"
       "Whole: '{{ Map }}'\n"
       "Nested: {x: [1, 2.5, true, null, '{{ Pretty }}', [['{{ Flag }}']]]}\n"
       "Long: '" /* long enough to make the buffer grow */
       "0123456789012345678901234567890123456789012345678901234567890123456789"
       "0123456789012345678901234567890123456789012345678901234567890123456789"
       "0123456789012345678901234567890123456789012345678901234567890123456789"
       "0123456789012345678901234567890123456789012345678901234567890123456789'\n",
       NULL},
      {"[a, 'x{{ Str }}', {b: 'y{{ Missing }}'}]", "unknown variable {{ Missing }}"},
      {"'{{ Bad }}'",
       "variable {{ Bad }} is not valid JSON: expected a string key or '}' after '{'"},
  };
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    sr_doc *d = yaml(cases[ci].src);
    /* the expected text, from an allocator that never fails */
    sr_buf ref = {&sr_mem_libc, NULL, 0, 0, 0};
    char err[256];
    int want_rc = sr_rb_render(&ref, sr_doc_root(d), &VV, err, sizeof err);
    assert_int_equal(want_rc, cases[ci].err ? SIREN_EINVAL : SIREN_OK);
    counting c;
    sr_mem m = counting_mem(&c);
    int failures = 0;
    for (long k = 1;; k++) {
      memset(&c, 0, sizeof c);
      c.fail_at = k;
      sr_buf b = {&m, NULL, 0, 0, 0};
      int rc = sr_rb_render(&b, sr_doc_root(d), &VV, err, sizeof err);
      if (rc == SIREN_ENOMEM) {
        failures++;
        assert_string_equal(err, "out of memory");
        assert_int_equal(b.n, 0);
      } else {
        assert_int_equal(rc, want_rc);
        if (rc == SIREN_OK)
          assert_string_equal(b.p, ref.p);
        else
          assert_string_equal(err, cases[ci].err);
      }
      sr_free(&m, b.p);
      assert_int_equal(c.allocs, c.frees);
      if (c.calls < k) {
        assert_int_equal(rc, want_rc); /* nothing failed this time */
        break;
      }
    }
    assert_true(failures >= (ci == 0 ? 20 : 2)); /* every allocation was failed once */
    sr_free(&sr_mem_libc, ref.p);
    sr_doc_free(d);
  }
}

static void test_eval_alloc_failures(void **state) {
  (void)state;
  /* Or(And(StringEquals "x-5", NumericGreater " 7 " > 6, Not(BooleanEquals)),
   *    Contains) -> true via the And; and a numeric error. */
  sr_rb_cond not_sub = cmp(SR_C_BOOL_EQ, "{{ F }}", "t");
  sr_rb_cond and_subs[] = {cmp(SR_C_STRING_EQUALS, "{{ Str }}-{{ Count }}", "x"),
                           cmp(SR_C_NUM_GT, "{{ NumStr }}", "six"),
                           {SR_C_NOT, NULL, NULL, &not_sub, 1},
                           cmp(SR_C_NUM_GT, "{{ Big }}", "big")};
  sr_doc *xd = yaml("x-5");
  and_subs[0].operand = sr_doc_root(xd);
  sr_rb_cond or_subs[] = {{SR_C_AND, NULL, NULL, and_subs, 4},
                          cmp(SR_C_CONTAINS, "{{ Nope }}", "s")};
  sr_rb_cond top = {SR_C_OR, NULL, NULL, or_subs, 2};
  sr_rb_cond err_c = cmp(SR_C_NUM_GT, "{{ Map }}", "n");
  sr_rb_cond str_c = cmp(SR_C_STRING_EQUALS, "{{ Count }}", "n");
  static const char *const map_err =
      "NumericGreater: {\"k\":\"v\",\"n\":[1,2.50]} is not a number";
  const struct {
    const sr_rb_cond *c;
    int rc, result;
    const char *err;
  } cases[] = {
      {&top, SIREN_OK, 1, NULL},
      {&err_c, SIREN_EINVAL, 0, map_err},
      {&str_c, SIREN_OK, 1, NULL},
  };
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    char err[256];
    int r = -1;
    assert_int_equal(sr_rb_eval(&sr_mem_libc, cases[ci].c, &VV, &r, err, sizeof err),
                     cases[ci].rc);
    assert_int_equal(r, cases[ci].result);
    counting c;
    sr_mem m = counting_mem(&c);
    int failures = 0;
    for (long k = 1;; k++) {
      memset(&c, 0, sizeof c);
      c.fail_at = k;
      r = -1;
      int rc = sr_rb_eval(&m, cases[ci].c, &VV, &r, err, sizeof err);
      if (rc == SIREN_ENOMEM) {
        failures++;
        assert_int_equal(r, 0);
        assert_string_equal(err, "out of memory");
      } else {
        assert_int_equal(rc, cases[ci].rc);
        assert_int_equal(r, cases[ci].result);
        if (cases[ci].err) assert_string_equal(err, cases[ci].err);
      }
      assert_int_equal(c.allocs, c.frees);
      if (c.calls < k) {
        assert_int_equal(rc, cases[ci].rc);
        break;
      }
    }
    assert_true(failures >= (ci == 0 ? 20 : 2)); /* every allocation was failed once */
  }
  sr_doc_free(xd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_whole_reference_keeps_type, setup),
      cmocka_unit_test_setup(test_names_reach_lookup_trimmed, setup),
      cmocka_unit_test_setup(test_splice, setup),
      cmocka_unit_test_setup(test_not_references, setup),
      cmocka_unit_test_setup(test_tree, setup),
      cmocka_unit_test_setup(test_list_items_are_spliced, setup),
      cmocka_unit_test_setup(test_escaping, setup),
      cmocka_unit_test_setup(test_render_errors, setup),
      cmocka_unit_test_setup(test_render_appends, setup),
      cmocka_unit_test_setup(test_depth, setup),
      cmocka_unit_test_setup(test_plain_json, setup),
      cmocka_unit_test_setup_teardown(test_string_ops, setup_ops, teardown_ops),
      cmocka_unit_test_setup_teardown(test_numeric_ops, setup_ops, teardown_ops),
      cmocka_unit_test_setup_teardown(test_boolean_equals, setup_ops, teardown_ops),
      cmocka_unit_test_setup_teardown(test_logic, setup_ops, teardown_ops),
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_timestamps),
      cmocka_unit_test(test_format_date),
      cmocka_unit_test(test_format_round_trip),
      cmocka_unit_test_setup(test_render_alloc_failures, setup),
      cmocka_unit_test_setup_teardown(test_eval_alloc_failures, setup_ops, teardown_ops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
