/* Tests of the JSON reader (src/doc/json.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc/doc.h"
#include "siren/siren.h"
#include "counting.h"

/* Parses a copy of s in a buffer of exactly strlen(s) bytes, so that reading
 * past the end is caught by AddressSanitizer / valgrind. */
static int parse_exact(sr_doc **out, const char *s, size_t len, const sr_doc_limits *lim,
                       sr_doc_error *err) {
  char *copy = malloc(len ? len : 1);
  assert_non_null(copy);
  memcpy(copy, s, len);
  int rc = sr_doc_parse_json(out, &sr_mem_libc, copy, len, lim, err);
  free(copy);
  return rc;
}

static sr_doc *parse_ok(const char *s) {
  sr_doc *d = NULL;
  sr_doc_error e;
  int rc = parse_exact(&d, s, strlen(s), NULL, &e);
  if (rc != SIREN_OK) print_error("unexpected error %d at %u:%u: %s\n", rc, e.line, e.col, e.msg);
  assert_int_equal(rc, SIREN_OK);
  assert_non_null(d);
  assert_non_null(sr_doc_root(d));
  return d;
}

static void assert_str(const sr_doc_node *n, const char *s) {
  assert_non_null(n);
  assert_int_equal(n->kind, SR_DOC_STRING);
  assert_int_equal(n->quoted, 1);
  assert_int_equal(n->len, strlen(s));
  assert_string_equal(n->str, s);
}

/* ------------------------------------------------------------- valid input */

static void test_object_tree(void **state) {
  (void)state;
  const char *src =
      "{\n"
      "  \"name\": \"siren\",\n"
      "  \"count\": 3,\n"
      "  \"ratio\": -2.5e-1,\n"
      "  \"on\": true, \"off\": false,\n"
      "  \"none\": null,\n"
      "  \"list\": [1, \"two\", [], {}],\n"
      "  \"nested\": {\"a\": {\"b\": [null]}}\n"
      "}\n";
  sr_doc *d = parse_ok(src);
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(r->kind, SR_DOC_MAP);
  assert_int_equal(r->count, 8);
  assert_int_equal(r->line, 1);
  assert_int_equal(r->col, 1);
  assert_null(r->str);
  assert_null(r->tag);

  assert_str(r->pairs[0].key, "name");
  assert_int_equal(r->pairs[0].key->line, 2);
  assert_int_equal(r->pairs[0].key->col, 3);
  assert_str(sr_doc_get(r, "name"), "siren");
  assert_int_equal(sr_doc_get(r, "name")->col, 11);

  const sr_doc_node *n = sr_doc_get(r, "count");
  assert_int_equal(n->kind, SR_DOC_INT);
  assert_int_equal(n->i, 3);
  assert_true(n->d == 3.0);
  assert_string_equal(n->str, "3");
  assert_int_equal(n->quoted, 0);

  n = sr_doc_get(r, "ratio");
  assert_int_equal(n->kind, SR_DOC_DOUBLE);
  assert_true(n->d == -0.25);
  assert_string_equal(n->str, "-2.5e-1");
  assert_int_equal(n->line, 4);
  assert_int_equal(n->col, 12);

  n = sr_doc_get(r, "on");
  assert_int_equal(n->kind, SR_DOC_BOOL);
  assert_int_equal(n->boolean, 1);
  assert_string_equal(n->str, "true");
  n = sr_doc_get(r, "off");
  assert_int_equal(n->kind, SR_DOC_BOOL);
  assert_int_equal(n->boolean, 0);
  assert_int_equal(n->line, 5);
  assert_int_equal(n->col, 22);
  n = sr_doc_get(r, "none");
  assert_int_equal(n->kind, SR_DOC_NULL);
  assert_string_equal(n->str, "null");
  assert_true(sr_doc_is_scalar(n));

  n = sr_doc_get(r, "list");
  assert_int_equal(n->kind, SR_DOC_SEQ);
  assert_false(sr_doc_is_scalar(n));
  assert_int_equal(n->count, 4);
  assert_int_equal(n->items[0]->i, 1);
  assert_str(n->items[1], "two");
  assert_int_equal(n->items[2]->kind, SR_DOC_SEQ);
  assert_int_equal(n->items[2]->count, 0);
  assert_null(n->items[2]->items);
  assert_int_equal(n->items[3]->kind, SR_DOC_MAP);
  assert_int_equal(n->items[3]->count, 0);
  assert_int_equal(n->items[3]->col, 26);

  n = sr_doc_get(sr_doc_get(sr_doc_get(r, "nested"), "a"), "b");
  assert_non_null(n);
  assert_int_equal(n->kind, SR_DOC_SEQ);
  assert_int_equal(n->items[0]->kind, SR_DOC_NULL);

  assert_null(sr_doc_get(r, "missing"));
  assert_null(sr_doc_get(r, "NAME"));
  assert_str(sr_doc_get_ci(r, "NAME"), "siren");
  assert_null(sr_doc_get(sr_doc_get(r, "list"), "name")); /* not a map */
  assert_null(sr_doc_get(NULL, "name"));
  assert_false(sr_doc_is_scalar(NULL));
  sr_doc_free(d);
}

static void test_strings(void **state) {
  (void)state;
  sr_doc *d = parse_ok("[\"\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\", "
                       "\"\\ud83d\\ude00\", \"a\\u0000b\", \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
                       " \"\x7f\"]");
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(r->count, 7);
  assert_str(r->items[0], "");
  assert_str(r->items[1], "\"\\/\b\f\n\r\t");
  assert_str(r->items[2], "\xc3\xa9\xe2\x82\xac");
  assert_str(r->items[3], "\xf0\x9f\x98\x80");
  assert_int_equal(r->items[4]->len, 3);
  assert_memory_equal(r->items[4]->str, "a\0b", 4);
  assert_str(r->items[5], "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  assert_str(r->items[6], "\x7f");
  sr_doc_free(d);
}

static void test_numbers(void **state) {
  (void)state;
  sr_doc *d = parse_ok("[0, -0, 123, -9223372036854775808, 9223372036854775807, "
                       "9223372036854775808, 1.5, 1e3, 1E+2, -2.5E-3, 0.0, 1e-400, "
                       "123456789012345678901234567890]");
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(r->count, 13);
  assert_int_equal(r->items[0]->kind, SR_DOC_INT);
  assert_int_equal(r->items[0]->i, 0);
  assert_int_equal(r->items[1]->kind, SR_DOC_INT);
  assert_string_equal(r->items[1]->str, "-0");
  assert_int_equal(r->items[2]->i, 123);
  assert_int_equal(r->items[3]->kind, SR_DOC_INT);
  assert_true(r->items[3]->i == INT64_MIN);
  assert_int_equal(r->items[4]->kind, SR_DOC_INT);
  assert_true(r->items[4]->i == INT64_MAX);
  assert_int_equal(r->items[5]->kind, SR_DOC_DOUBLE);
  assert_true(r->items[5]->d == 9223372036854775808.0);
  assert_int_equal(r->items[6]->kind, SR_DOC_DOUBLE);
  assert_true(r->items[6]->d == 1.5);
  assert_int_equal(r->items[7]->kind, SR_DOC_DOUBLE);
  assert_true(r->items[7]->d == 1000.0);
  assert_true(r->items[8]->d == 100.0);
  assert_true(r->items[9]->d == -0.0025);
  assert_int_equal(r->items[10]->kind, SR_DOC_DOUBLE);
  assert_true(r->items[11]->d == 0.0); /* underflow is fine */
  assert_int_equal(r->items[12]->kind, SR_DOC_DOUBLE);
  assert_true(r->items[12]->d > 1.2e29 && r->items[12]->d < 1.3e29);
  sr_doc_free(d);
}

static void test_top_level_scalars_and_ws(void **state) {
  (void)state;
  sr_doc *d = parse_ok(" \t\r\n 42 \r\n");
  assert_int_equal(sr_doc_root(d)->kind, SR_DOC_INT);
  assert_int_equal(sr_doc_root(d)->line, 2);
  assert_int_equal(sr_doc_root(d)->col, 2);
  sr_doc_free(d);
  d = parse_ok("\"just a string\"");
  assert_str(sr_doc_root(d), "just a string");
  sr_doc_free(d);
  d = parse_ok("null");
  assert_int_equal(sr_doc_root(d)->kind, SR_DOC_NULL);
  sr_doc_free(d);
  /* a UTF-8 byte order mark is skipped */
  d = parse_ok("\xef\xbb\xbf{\"a\": 1}");
  assert_int_equal(sr_doc_get(sr_doc_root(d), "a")->i, 1);
  sr_doc_free(d);
}

static void test_duplicate_keys(void **state) {
  (void)state;
  sr_doc *d = parse_ok("{\"k\": 1, \"K\": 2, \"k\": 3}");
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(r->count, 3);
  assert_int_equal(sr_doc_get(r, "k")->i, 1);
  assert_int_equal(sr_doc_get(r, "K")->i, 2);
  assert_int_equal(sr_doc_get_ci(r, "K")->i, 1);
  assert_int_equal(r->pairs[2].value->i, 3);
  sr_doc_free(d);
}

static void test_not_nul_terminated(void **state) {
  (void)state;
  /* Only len bytes count: what follows is not read. */
  const char buf[] = "[1]]]]";
  sr_doc *d = NULL;
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, buf, 3, NULL, NULL), SIREN_OK);
  assert_int_equal(sr_doc_root(d)->count, 1);
  sr_doc_free(d);
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, "12345", 2, NULL, NULL), SIREN_OK);
  assert_int_equal(sr_doc_root(d)->i, 12);
  sr_doc_free(d);
  sr_doc_error e;
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, "\"abc\"", 4, NULL, &e), SIREN_EINVAL);
  assert_int_equal(e.col, 5);
  assert_null(d);
}

static void test_dispatch(void **state) {
  (void)state;
  sr_doc *d = NULL;
  sr_doc_error e;
  /* JSON when the first non-blank byte is { or [ */
  const char *j = "\xef\xbb\xbf \n [1, 2]";
  assert_int_equal(sr_doc_parse(&d, &sr_mem_libc, j, strlen(j), NULL, &e), SIREN_OK);
  assert_int_equal(sr_doc_root(d)->kind, SR_DOC_SEQ);
  sr_doc_free(d);
  /* JSON rules apply: a trailing comma is an error even though YAML allows it */
  j = "{\"a\": 1,}";
  assert_int_equal(sr_doc_parse(&d, &sr_mem_libc, j, strlen(j), NULL, &e), SIREN_EINVAL);
  assert_int_equal(e.col, 9);
  /* else YAML */
  j = "a: [1, 2,]\n";
  assert_int_equal(sr_doc_parse(&d, &sr_mem_libc, j, strlen(j), NULL, &e), SIREN_OK);
  assert_int_equal(sr_doc_get(sr_doc_root(d), "a")->count, 2);
  sr_doc_free(d);
  assert_int_equal(sr_doc_parse(&d, &sr_mem_libc, "", 0, NULL, &e), SIREN_OK);
  assert_int_equal(sr_doc_root(d)->kind, SR_DOC_NULL);
  sr_doc_free(d);
}

static void test_bad_arguments(void **state) {
  (void)state;
  sr_doc *d = (sr_doc *)&d;
  sr_doc_error e;
  assert_int_equal(sr_doc_parse_json(NULL, &sr_mem_libc, "1", 1, NULL, &e), SIREN_EINVAL);
  assert_int_equal(sr_doc_parse_json(&d, NULL, "1", 1, NULL, &e), SIREN_EINVAL);
  assert_null(d);
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, NULL, 1, NULL, &e), SIREN_EINVAL);
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, NULL, 0, NULL, &e), SIREN_EINVAL);
  assert_string_equal(e.msg, "expected a JSON value");
  /* err may be NULL */
  assert_int_equal(sr_doc_parse_json(&d, &sr_mem_libc, "[", 1, NULL, NULL), SIREN_EINVAL);
  assert_null(d);
  sr_doc_free(NULL);
  assert_null(sr_doc_root(NULL));
}

/* --------------------------------------------------------- malformed input */

typedef struct bad {
  const char *src;
  size_t len; /* 0: strlen(src) */
  uint32_t line, col;
  const char *msg; /* a part of the message */
} bad;

static const bad bad_cases[] = {
    {"", 0, 1, 1, "expected a JSON value"},
    {"  \n  ", 0, 2, 3, "expected a JSON value"},
    {"[1,]", 0, 1, 4, "trailing commas are not allowed"},
    {"{\"a\":1,}", 0, 1, 8, "trailing commas are not allowed"},
    {"{\"a\" 1}", 0, 1, 6, "expected ':' after object key"},
    {"{\"a\":1 \"b\":2}", 0, 1, 8, "expected ',' or '}' after object member"},
    {"[1 2]", 0, 1, 4, "expected ',' or ']' after array element"},
    {"[1,\n  2,\n  ]", 0, 3, 3, "expected a value after ','"},
    {"{1:2}", 0, 1, 2, "expected a string key or '}'"},
    {"{\"a\":}", 0, 1, 6, "expected a JSON value"},
    {"[", 0, 1, 2, "unexpected end of input"},
    {"{\"a\":1", 0, 1, 7, "expected ',' or '}'"},
    {"01", 0, 1, 1, "leading zeros"},
    {"-01", 0, 1, 2, "leading zeros"},
    {"-", 0, 1, 2, "expected a digit after '-'"},
    {"1.", 0, 1, 3, "expected a digit after '.'"},
    {"1.e5", 0, 1, 3, "expected a digit after '.'"},
    {"1e", 0, 1, 3, "expected a digit in the exponent"},
    {"1e+", 0, 1, 4, "expected a digit in the exponent"},
    {"+1", 0, 1, 1, "expected a JSON value"},
    {".5", 0, 1, 1, "expected a JSON value"},
    {"NaN", 0, 1, 1, "expected a JSON value"},
    {"[1e999]", 0, 1, 2, "number out of range"},
    {"tru", 0, 1, 1, "expected 'true'"},
    {"nul", 0, 1, 1, "expected 'null'"},
    {"[fals]", 0, 1, 2, "expected 'false'"},
    {"truex", 0, 1, 5, "expected the end of input"},
    {"[1] x", 0, 1, 5, "expected the end of input"},
    {"{\"a\":1}\n\n  }", 0, 3, 3, "expected the end of input"},
    {"// comment\n1", 0, 1, 1, "expected a JSON value"},
    {"[1, /* c */ 2]", 0, 1, 5, "expected a JSON value"},
    {"\"abc", 0, 1, 5, "unterminated string"},
    {"\"abc\\", 0, 1, 6, "unterminated string"},
    {"\"a\nb\"", 0, 1, 3, "unterminated string"},
    {"\"a\tb\"", 0, 1, 3, "control character U+0009"},
    {"\"\\x41\"", 0, 1, 2, "invalid escape '\\x'"},
    {"\"\\u12\"", 0, 1, 2, "expected 4 hex digits"},
    {"\"\\u12", 0, 1, 2, "expected 4 hex digits"},
    {"\"\\ud800\"", 0, 1, 2, "unpaired high surrogate"},
    {"\"\\ud800\\u0041\"", 0, 1, 2, "unpaired high surrogate"},
    {"\"\\ud800\\", 0, 1, 2, "unpaired high surrogate"},
    {"\"\\udc00\"", 0, 1, 2, "unpaired low surrogate"},
    {"\"\xc0\xaf\"", 0, 1, 2, "invalid UTF-8"},         /* overlong '/' */
    {"\"\xe0\x80\xaf\"", 0, 1, 2, "invalid UTF-8"},     /* overlong, 3 bytes */
    {"\"\xed\xa0\x80\"", 0, 1, 2, "invalid UTF-8"},     /* encoded surrogate */
    {"\"\xf4\x90\x80\x80\"", 0, 1, 2, "invalid UTF-8"}, /* above U+10FFFF */
    {"\"\xe2\x82\"", 0, 1, 2, "invalid UTF-8"},         /* truncated */
    {"[\"ok\", \"\x80\"]", 0, 1, 9, "invalid UTF-8"},   /* lone continuation */
    {"\xff", 0, 1, 1, "expected a JSON value"},
    {"[1]\0", 4, 1, 4, "expected the end of input"},
    {"{\"a\":1,\n \"b\":[true,\n  false,,\n ]}", 0, 3, 9, "expected a JSON value"},
    {"{'a':1}", 0, 1, 2, "expected a string key"},
};

static void test_malformed(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad *b = &bad_cases[i];
    size_t len = b->len ? b->len : strlen(b->src);
    sr_doc *d = (sr_doc *)&d;
    sr_doc_error e;
    memset(&e, 0x55, sizeof e);
    int rc = parse_exact(&d, b->src, len, NULL, &e);
    if (rc != SIREN_EINVAL || e.line != b->line || e.col != b->col || !strstr(e.msg, b->msg))
      print_error("case %zu: rc %d at %u:%u: %s (want %u:%u: %s)\n", i, rc, e.line, e.col, e.msg,
                  b->line, b->col, b->msg);
    assert_int_equal(rc, SIREN_EINVAL);
    assert_null(d);
    assert_int_equal(e.line, b->line);
    assert_int_equal(e.col, b->col);
    assert_non_null(strstr(e.msg, b->msg));
  }
}

/* ------------------------------------------------------------------ limits */

static char *repeat(const char *unit, size_t times, const char *tail) {
  size_t u = strlen(unit), t = strlen(tail);
  char *s = malloc(u * times + t + 1);
  assert_non_null(s);
  for (size_t i = 0; i < times; i++) memcpy(s + i * u, unit, u);
  memcpy(s + u * times, tail, t + 1);
  return s;
}

static void test_depth_bomb(void **state) {
  (void)state;
  sr_doc *d = NULL;
  sr_doc_error e;
  char *s = repeat("[", 100000, "");
  assert_int_equal(parse_exact(&d, s, strlen(s), NULL, &e), SIREN_EINVAL);
  assert_null(d);
  assert_int_equal(e.line, 1);
  assert_int_equal(e.col, 129);
  assert_non_null(strstr(e.msg, "max_depth"));
  free(s);

  s = repeat("{\"a\":", 100000, "1");
  assert_int_equal(parse_exact(&d, s, strlen(s), NULL, &e), SIREN_EINVAL);
  assert_int_equal(e.col, 128 * 5 + 1);
  free(s);

  /* exactly the default depth is fine */
  s = repeat("[", 128, "");
  char *t = repeat("]", 128, "");
  char *both = malloc(strlen(s) + strlen(t) + 1);
  strcpy(both, s);
  strcat(both, t);
  d = parse_ok(both);
  sr_doc_free(d);
  free(both);
  free(s);
  free(t);

  /* a smaller limit; and a larger one does not recurse (no stack overflow) */
  sr_doc_limits lim = {0, 2, 0};
  assert_int_equal(parse_exact(&d, "[[1]]", 5, &lim, &e), SIREN_OK);
  sr_doc_free(d);
  assert_int_equal(parse_exact(&d, "[[[1]]]", 7, &lim, &e), SIREN_EINVAL);
  assert_int_equal(e.col, 3);
  lim.max_depth = 300000;
  s = repeat("[", 200000, "");
  t = repeat("]", 200000, "");
  both = malloc(400001);
  strcpy(both, s);
  strcat(both, t);
  assert_int_equal(parse_exact(&d, both, 400000, &lim, &e), SIREN_OK);
  sr_doc_free(d);
  free(both);
  free(s);
  free(t);
}

static void test_node_and_byte_limits(void **state) {
  (void)state;
  sr_doc *d = NULL;
  sr_doc_error e;
  sr_doc_limits lim = {0, 0, 3};
  assert_int_equal(parse_exact(&d, "[1,2]", 5, &lim, &e), SIREN_OK);
  sr_doc_free(d);
  assert_int_equal(parse_exact(&d, "[1,2,3]", 7, &lim, &e), SIREN_EINVAL);
  assert_int_equal(e.line, 1);
  assert_int_equal(e.col, 6);
  assert_non_null(strstr(e.msg, "max_nodes"));
  lim.max_nodes = 0;
  lim.max_bytes = 4;
  assert_int_equal(parse_exact(&d, "[1,2]", 5, &lim, &e), SIREN_EINVAL);
  assert_int_equal(e.line, 1);
  assert_int_equal(e.col, 1);
  assert_non_null(strstr(e.msg, "max_bytes"));
  assert_int_equal(parse_exact(&d, "[12]", 4, &lim, &e), SIREN_OK);
  sr_doc_free(d);
}

/* ---------------------------------------------------- allocation failures */

static char *medium_document(void) {
  size_t cap = 64 * 1024, len = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  len += (size_t)snprintf(s + len, cap - len, "{\"schemaVersion\": \"0.3\", \"steps\": [");
  for (int i = 0; i < 60; i++) {
    len += (size_t)snprintf(s + len, cap - len,
                            "%s{\"name\": \"step%d\", \"action\": \"aws:sleep\", \"n\": %d, "
                            "\"d\": %d.5, \"esc\": \"\\u00e9\\n\\ud83d\\ude00\", \"ok\": true, "
                            "\"inputs\": {\"Duration\": \"PT%dM\", \"list\": [1, [2, [3]], null]}}",
                            i ? ", " : "", i, i, i, i);
    assert_true(len < cap - 512);
  }
  len += (size_t)snprintf(s + len, cap - len, "], \"empty\": {}, \"none\": []}");
  return s;
}

static void test_allocation_failures(void **state) {
  (void)state;
  char *src = medium_document();
  size_t len = strlen(src);
  long k;
  for (k = 1;; k++) {
    counting c = {0, k, 0, 0};
    sr_mem m = counting_mem(&c);
    sr_doc *d = (sr_doc *)&d;
    sr_doc_error e;
    int rc = sr_doc_parse_json(&d, &m, src, len, NULL, &e);
    if (rc == SIREN_OK) {
      assert_true(c.calls < k); /* no call failed */
      assert_int_equal(sr_doc_root(d)->kind, SR_DOC_MAP);
      assert_int_equal(sr_doc_get(sr_doc_root(d), "steps")->count, 60);
      sr_doc_free(d);
      assert_int_equal(c.allocs, c.frees);
      break;
    }
    assert_int_equal(rc, SIREN_ENOMEM);
    assert_null(d);
    assert_string_equal(e.msg, "out of memory");
    assert_int_equal(c.allocs, c.frees);
  }
  assert_true(k > 5); /* the document needed several allocations */
  free(src);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_object_tree),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_top_level_scalars_and_ws),
      cmocka_unit_test(test_duplicate_keys),
      cmocka_unit_test(test_not_nul_terminated),
      cmocka_unit_test(test_dispatch),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_depth_bomb),
      cmocka_unit_test(test_node_and_byte_limits),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
