/* Tests of the YAML-subset reader (src/doc/yaml.c). */
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

/* Parses a copy of s in a buffer of exactly len bytes, so that reading past
 * the end is caught by AddressSanitizer / valgrind. */
static int parse_exact(sr_doc **out, const char *s, size_t len, const sr_doc_limits *lim,
                       sr_doc_error *err) {
  char *copy = malloc(len ? len : 1);
  assert_non_null(copy);
  memcpy(copy, s, len);
  int rc = sr_doc_parse_yaml(out, &sr_mem_libc, copy, len, lim, err);
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

static void assert_kind_str(const sr_doc_node *n, sr_doc_kind kind, const char *s) {
  assert_non_null(n);
  if (n->kind != kind || n->len != strlen(s) || strcmp(n->str, s) != 0)
    print_error("got %s \"%s\", want %s \"%s\"\n", sr_doc_kind_name(n->kind),
                n->str ? n->str : "(null)", sr_doc_kind_name(kind), s);
  assert_int_equal(n->kind, kind);
  assert_int_equal(n->len, strlen(s));
  assert_string_equal(n->str, s);
}

/* A string scalar; quoted says whether it was quoted. */
static void assert_s(const sr_doc_node *n, const char *s, int quoted) {
  assert_kind_str(n, SR_DOC_STRING, s);
  assert_int_equal(n->quoted, quoted);
}

static void assert_pos(const sr_doc_node *n, uint32_t line, uint32_t col) {
  assert_non_null(n);
  if (n->line != line || n->col != col)
    print_error("node at %u:%u, want %u:%u\n", n->line, n->col, line, col);
  assert_int_equal(n->line, line);
  assert_int_equal(n->col, col);
}

static const sr_doc_node *item(const sr_doc_node *seq, size_t i) {
  assert_non_null(seq);
  assert_int_equal(seq->kind, SR_DOC_SEQ);
  assert_true(i < seq->count);
  return seq->items[i];
}

static const sr_doc_node *get(const sr_doc_node *map, const char *key) {
  const sr_doc_node *n = sr_doc_get(map, key);
  if (!n) print_error("no key '%s'\n", key);
  assert_non_null(n);
  return n;
}

/* The value of "v" in a one-line document "v: ...". */
static void scalar_case(const char *src, sr_doc_kind kind, const char *str) {
  sr_doc *d = parse_ok(src);
  assert_kind_str(get(sr_doc_root(d), "v"), kind, str);
  sr_doc_free(d);
}

/* ------------------------------------------------------------- valid input */

static void test_runbook(void **state) {
  (void)state;
  const char *src =
      "# A comment before the document\n"
      "---\n"
      "description: |\n"
      "  Restarts an instance.\n"
      "\n"
      "  Second paragraph.\n"
      "schemaVersion: '0.3'\n"
      "assumeRole: \"{{ AutomationAssumeRole }}\"\n"
      "parameters:\n"
      "  InstanceId:\n"
      "    type: String\n"
      "    allowedPattern: ^i-[a-z0-9]{8,17}$\n"
      "  Wait:\n"
      "    type: Integer\n"
      "    default: 30 # seconds\n"
      "mainSteps:\n"
      "- name: stop\n"
      "  action: aws:changeInstanceState\n"
      "  maxAttempts: 3\n"
      "  inputs:\n"
      "    InstanceIds:\n"
      "    - '{{ InstanceId }}'\n"
      "    DesiredState: stopped\n"
      "  isEnd: false\n"
      "\n"
      "  # a comment between keys\n"
      "- name: wait\n"
      "  action: aws:sleep\n"
      "  inputs: {Duration: PT1M}\n"
      "  isEnd: true\n"
      "outputs:\n";
  sr_doc *d = parse_ok(src);
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(r->kind, SR_DOC_MAP);
  assert_int_equal(r->count, 6);
  assert_pos(r, 3, 1);
  assert_pos(r->pairs[0].key, 3, 1);
  assert_s(r->pairs[0].key, "description", 0);

  const sr_doc_node *n = get(r, "description");
  assert_s(n, "Restarts an instance.\n\nSecond paragraph.\n", 0);
  assert_pos(n, 3, 14);
  n = get(r, "schemaVersion");
  assert_s(n, "0.3", 1);
  assert_pos(n, 7, 16);
  assert_s(get(r, "assumeRole"), "{{ AutomationAssumeRole }}", 1);

  const sr_doc_node *params = get(r, "parameters");
  assert_int_equal(params->kind, SR_DOC_MAP);
  assert_int_equal(params->count, 2);
  assert_pos(params, 10, 3);
  assert_s(get(get(params, "InstanceId"), "allowedPattern"), "^i-[a-z0-9]{8,17}$", 0);
  n = get(get(params, "Wait"), "default");
  assert_kind_str(n, SR_DOC_INT, "30");
  assert_int_equal(n->i, 30);
  assert_true(n->d == 30.0);

  const sr_doc_node *steps = get(r, "mainSteps");
  assert_int_equal(steps->kind, SR_DOC_SEQ);
  assert_int_equal(steps->count, 2);
  assert_pos(steps, 17, 1);
  const sr_doc_node *s0 = item(steps, 0);
  assert_int_equal(s0->kind, SR_DOC_MAP);
  assert_int_equal(s0->count, 5);
  assert_pos(s0, 17, 3);
  assert_s(get(s0, "action"), "aws:changeInstanceState", 0);
  assert_int_equal(get(s0, "maxAttempts")->i, 3);
  const sr_doc_node *ids = get(get(s0, "inputs"), "InstanceIds");
  assert_int_equal(ids->count, 1);
  assert_pos(ids, 22, 5);
  assert_s(item(ids, 0), "{{ InstanceId }}", 1);
  assert_pos(item(ids, 0), 22, 7);
  assert_s(get(get(s0, "inputs"), "DesiredState"), "stopped", 0);
  n = get(s0, "isEnd");
  assert_int_equal(n->kind, SR_DOC_BOOL);
  assert_int_equal(n->boolean, 0);

  const sr_doc_node *s1 = item(steps, 1);
  assert_pos(s1, 27, 3);
  n = get(s1, "inputs");
  assert_int_equal(n->kind, SR_DOC_MAP);
  assert_pos(n, 29, 11);
  assert_s(get(n, "Duration"), "PT1M", 0);
  assert_pos(get(n, "Duration"), 29, 22);
  assert_int_equal(get(s1, "isEnd")->boolean, 1);

  n = get(r, "outputs");
  assert_kind_str(n, SR_DOC_NULL, "");
  assert_pos(n, 31, 9);
  sr_doc_free(d);
}

static void test_cloudformation_tags(void **state) {
  (void)state;
  const char *src =
      "AWSTemplateFormatVersion: 2010-09-09\n"
      "Resources:\n"
      "  Plan:\n"
      "    Type: AWS::SSMContacts::Plan\n"
      "    Properties:\n"
      "      ContactId: !Ref Contact\n"
      "      Arn: !GetAtt Role.Arn\n"
      "      Name: !Sub '${AWS::StackName}-plan'\n"
      "      Joined: !Join ['', [a, !Ref B, \"c\"]]\n"
      "      Az: !Select [0, !GetAZs '']\n"
      "      Cond: !If\n"
      "        - IsProd\n"
      "        - !Ref Big\n"
      "        - !Ref AWS::NoValue\n"
      "      Eq: !Equals [!Ref Env, prod]\n"
      "      Script: !Sub |\n"
      "        echo ${AWS::Region}\n"
      "      Map: !FindInMap [M, !Ref AWS::Region, Ami]\n"
      "      Flow: !Base64 {\"Fn::Sub\": x}\n"
      "      Str: !!str 123\n"
      "      Bare: !Ref\n"
      "      Imp: !ImportValue\n"
      "        Fn::Sub: '${Net}-Id'\n"
      "      Seq: !Not\n"
      "      - !Condition C\n"
      "      Cidr: !Cidr [!GetAtt V.CidrBlock, 6, 5]\n"
      "      Verbatim: !<tag:yaml.org,2002:str> 42\n"
      "      Local: !e!foo x\n";
  sr_doc *d = parse_ok(src);
  const sr_doc_node *r = sr_doc_root(d);
  const sr_doc_node *v = get(r, "AWSTemplateFormatVersion");
  assert_s(v, "2010-09-09", 0);
  assert_null(v->tag);
  const sr_doc_node *p = get(get(get(r, "Resources"), "Plan"), "Properties");

  v = get(p, "ContactId");
  assert_s(v, "Contact", 0);
  assert_string_equal(v->tag, "!Ref");
  assert_pos(v, 6, 23);
  v = get(p, "Arn");
  assert_s(v, "Role.Arn", 0);
  assert_string_equal(v->tag, "!GetAtt");
  v = get(p, "Name");
  assert_s(v, "${AWS::StackName}-plan", 1);
  assert_string_equal(v->tag, "!Sub");

  v = get(p, "Joined");
  assert_string_equal(v->tag, "!Join");
  assert_int_equal(v->count, 2);
  assert_s(item(v, 0), "", 1);
  const sr_doc_node *inner = item(v, 1);
  assert_null(inner->tag);
  assert_int_equal(inner->count, 3);
  assert_s(item(inner, 1), "B", 0);
  assert_string_equal(item(inner, 1)->tag, "!Ref");
  assert_s(item(inner, 2), "c", 1);

  v = get(p, "Az");
  assert_string_equal(v->tag, "!Select");
  assert_kind_str(item(v, 0), SR_DOC_INT, "0");
  assert_s(item(v, 1), "", 1);
  assert_string_equal(item(v, 1)->tag, "!GetAZs");

  v = get(p, "Cond");
  assert_int_equal(v->kind, SR_DOC_SEQ);
  assert_string_equal(v->tag, "!If");
  assert_int_equal(v->count, 3);
  assert_pos(v, 12, 9);
  assert_s(item(v, 2), "AWS::NoValue", 0);
  assert_string_equal(item(v, 2)->tag, "!Ref");

  v = get(p, "Eq");
  assert_string_equal(v->tag, "!Equals");
  assert_string_equal(item(v, 0)->tag, "!Ref");

  v = get(p, "Script");
  assert_s(v, "echo ${AWS::Region}\n", 0);
  assert_string_equal(v->tag, "!Sub");

  v = get(p, "Map");
  assert_string_equal(v->tag, "!FindInMap");
  assert_int_equal(v->count, 3);

  v = get(p, "Flow");
  assert_int_equal(v->kind, SR_DOC_MAP);
  assert_string_equal(v->tag, "!Base64");
  assert_s(get(v, "Fn::Sub"), "x", 0);

  v = get(p, "Str");
  assert_s(v, "123", 0); /* !!str keeps it a string */
  assert_string_equal(v->tag, "!!str");

  v = get(p, "Bare");
  assert_kind_str(v, SR_DOC_NULL, "");
  assert_string_equal(v->tag, "!Ref");

  v = get(p, "Imp");
  assert_int_equal(v->kind, SR_DOC_MAP);
  assert_string_equal(v->tag, "!ImportValue");
  assert_s(get(v, "Fn::Sub"), "${Net}-Id", 1);

  v = get(p, "Seq");
  assert_int_equal(v->kind, SR_DOC_SEQ);
  assert_string_equal(v->tag, "!Not");
  assert_string_equal(item(v, 0)->tag, "!Condition");

  v = get(p, "Cidr");
  assert_string_equal(item(v, 0)->tag, "!GetAtt");
  assert_s(item(v, 0), "V.CidrBlock", 0);
  assert_int_equal(item(v, 1)->i, 6);

  v = get(p, "Verbatim");
  assert_s(v, "42", 0);
  assert_string_equal(v->tag, "!<tag:yaml.org,2002:str>");
  v = get(p, "Local");
  assert_s(v, "x", 0);
  assert_string_equal(v->tag, "!e!foo");
  sr_doc_free(d);
}

static void test_plain_typing(void **state) {
  (void)state;
  static const struct {
    const char *src;
    sr_doc_kind kind;
    const char *str;
  } cases[] = {
      {"v:", SR_DOC_NULL, ""},
      {"v: ~", SR_DOC_NULL, "~"},
      {"v: null", SR_DOC_NULL, "null"},
      {"v: Null", SR_DOC_NULL, "Null"},
      {"v: NULL", SR_DOC_NULL, "NULL"},
      {"v: nULL", SR_DOC_STRING, "nULL"},
      {"v: true", SR_DOC_BOOL, "true"},
      {"v: True", SR_DOC_BOOL, "True"},
      {"v: TRUE", SR_DOC_BOOL, "TRUE"},
      {"v: false", SR_DOC_BOOL, "false"},
      {"v: False", SR_DOC_BOOL, "False"},
      {"v: FALSE", SR_DOC_BOOL, "FALSE"},
      {"v: yes", SR_DOC_STRING, "yes"},
      {"v: off", SR_DOC_STRING, "off"},
      {"v: 42", SR_DOC_INT, "42"},
      {"v: -17", SR_DOC_INT, "-17"},
      {"v: +5", SR_DOC_INT, "+5"},
      {"v: 012", SR_DOC_INT, "012"},
      {"v: 0x1F", SR_DOC_INT, "0x1F"},
      {"v: 0o17", SR_DOC_INT, "0o17"},
      {"v: 0x7FFFFFFFFFFFFFFF", SR_DOC_INT, "0x7FFFFFFFFFFFFFFF"},
      {"v: 0x8000000000000000", SR_DOC_STRING, "0x8000000000000000"},
      {"v: 0o8", SR_DOC_STRING, "0o8"},
      {"v: 0x", SR_DOC_STRING, "0x"},
      {"v: -9223372036854775808", SR_DOC_INT, "-9223372036854775808"},
      {"v: 9223372036854775808", SR_DOC_DOUBLE, "9223372036854775808"},
      {"v: 1.5", SR_DOC_DOUBLE, "1.5"},
      {"v: .5", SR_DOC_DOUBLE, ".5"},
      {"v: 1.", SR_DOC_DOUBLE, "1."},
      {"v: -1e3", SR_DOC_DOUBLE, "-1e3"},
      {"v: 2E-2", SR_DOC_DOUBLE, "2E-2"},
      {"v: 1e", SR_DOC_STRING, "1e"},
      {"v: .", SR_DOC_STRING, "."},
      {"v: .inf", SR_DOC_DOUBLE, ".inf"},
      {"v: -.Inf", SR_DOC_DOUBLE, "-.Inf"},
      {"v: +.INF", SR_DOC_DOUBLE, "+.INF"},
      {"v: .NaN", SR_DOC_DOUBLE, ".NaN"},
      {"v: -.nan", SR_DOC_STRING, "-.nan"},
      {"v: 2010-09-09", SR_DOC_STRING, "2010-09-09"},
      {"v: 1_000", SR_DOC_STRING, "1_000"},
      {"v: 12:30", SR_DOC_STRING, "12:30"},
      {"v: '42'", SR_DOC_STRING, "42"},
      {"v: \"true\"", SR_DOC_STRING, "true"},
      {"v: ''", SR_DOC_STRING, ""},
      {"v: ! 42", SR_DOC_STRING, "42"},
      {"v: !Ref 42", SR_DOC_INT, "42"},
      {"v: !!str", SR_DOC_STRING, ""},
      {"v: -x", SR_DOC_STRING, "-x"},
      {"v: :x", SR_DOC_STRING, ":x"},
      {"v: ?x", SR_DOC_STRING, "?x"},
      {"v: a#b", SR_DOC_STRING, "a#b"},
      {"v: a # b", SR_DOC_STRING, "a"},
      {"v: x\t# tab before comment", SR_DOC_STRING, "x"},
      {"v:\tx\ty\t", SR_DOC_STRING, "x\ty"},
      {"v: http://h/p?q=1#f", SR_DOC_STRING, "http://h/p?q=1#f"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    scalar_case(cases[i].src, cases[i].kind, cases[i].str);

  sr_doc *d = parse_ok("a: 0x1F\nb: 0o17\nc: 1.5\nd: .inf\ne: -.inf\nf: .nan\ng: 1e999\nh: -0\n");
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(get(r, "a")->i, 31);
  assert_true(get(r, "a")->d == 31.0);
  assert_int_equal(get(r, "b")->i, 15);
  assert_true(get(r, "c")->d == 1.5);
  assert_true(isinf(get(r, "d")->d) && get(r, "d")->d > 0);
  assert_true(isinf(get(r, "e")->d) && get(r, "e")->d < 0);
  assert_true(isnan(get(r, "f")->d));
  assert_true(isinf(get(r, "g")->d));
  assert_int_equal(get(r, "h")->kind, SR_DOC_INT);
  assert_int_equal(get(r, "h")->i, 0);
  sr_doc_free(d);
}

static void test_block_scalars(void **state) {
  (void)state;
  sr_doc *d = parse_ok("lit: |\n"
                       "  one\n"
                       "    two\n"
                       "\n"
                       "  three\n"
                       "fold: >\n"
                       "  a\n"
                       "  b\n"
                       "\n"
                       "  c\n"
                       "   d\n"
                       "  e\n"
                       "strip: |-\n"
                       "  text\n"
                       "\n"
                       "keep: |+\n"
                       "  text\n"
                       "\n"
                       "\n"
                       "fstrip: >-\n"
                       "  x\n"
                       "  y\n"
                       "fkeep: >+\n"
                       "  x\n"
                       "\n"
                       "ind: |2\n"
                       "    indented\n"
                       "  base\n"
                       "ind2: |-1 # comment\n"
                       "  x\n"
                       "lead: |\n"
                       "\n"
                       "  x\n"
                       "empty: |\n"
                       "empty_keep: |+\n"
                       "\n"
                       "hash: |\n"
                       "  # not a comment\n"
                       "  tab\there\n"
                       "seq:\n"
                       "- |\n"
                       "  in seq\n"
                       "- >-\n"
                       "   folded\n"
                       "   in seq\n"
                       "last: |\n"
                       "  no newline at end");
  const sr_doc_node *r = sr_doc_root(d);
  assert_s(get(r, "lit"), "one\n  two\n\nthree\n", 0);
  assert_pos(get(r, "lit"), 1, 6);
  assert_s(get(r, "fold"), "a b\nc\n d\ne\n", 0);
  assert_s(get(r, "strip"), "text", 0);
  assert_s(get(r, "keep"), "text\n\n\n", 0);
  assert_s(get(r, "fstrip"), "x y", 0);
  assert_s(get(r, "fkeep"), "x\n\n", 0);
  assert_s(get(r, "ind"), "  indented\nbase\n", 0);
  assert_s(get(r, "ind2"), " x", 0);
  assert_s(get(r, "lead"), "\nx\n", 0);
  assert_s(get(r, "empty"), "", 0);
  assert_s(get(r, "empty_keep"), "\n", 0);
  assert_s(get(r, "hash"), "# not a comment\ntab\there\n", 0);
  assert_s(item(get(r, "seq"), 0), "in seq\n", 0);
  assert_s(item(get(r, "seq"), 1), "folded in seq", 0);
  assert_s(get(r, "last"), "no newline at end", 0);
  sr_doc_free(d);

  /* spaces then a tab: content; lines of spaces only before any content */
  d = parse_ok("a: |\n  \t\nb: >-\n  \t\nc: |\n    \nd: |+\n    \n\ne: 1\nf: |\n  \n  x\n");
  r = sr_doc_root(d);
  assert_s(get(r, "a"), "\t\n", 0);
  assert_s(get(r, "b"), "\t", 0);
  assert_s(get(r, "c"), "", 0);
  assert_s(get(r, "d"), "\n\n", 0);
  assert_int_equal(get(r, "e")->i, 1);
  assert_s(get(r, "f"), "\nx\n", 0);
  sr_doc_free(d);

  d = parse_ok("--- |\n  root text\n...\n");
  assert_s(sr_doc_root(d), "root text\n", 0);
  sr_doc_free(d);
}

static void test_quoted_scalars(void **state) {
  (void)state;
  sr_doc *d = parse_ok(
      "sq: 'it''s # not a comment'\n"
      "dq: \"q\\\" b\\\\ s\\/ n\\n t\\t 0\\0 a\\a b\\b e\\e f\\f r\\r v\\v sp\\ \"\n"
      "hex: \"\\x41\\u00e9\\U0001F600\\ud83d\\ude00\"\n"
      "named: \"\\N\\_\\L\\P\"\n"
      "fold: \"a\n"
      "   b  \n"
      "\n"
      "   c\"\n"
      "esc: \"x\\\n"
      "    y \\\n"
      "    z\"\n"
      "sfold: 'one\n"
      "  two\n"
      "\n"
      "\n"
      "  three  '\n"
      "keep: \"a\\t\n"
      "  b\"\n"
      "'quoted key': 1\n"
      "\"dq key\": 2\n"
      "\"\": empty key is fine when quoted\n");
  const sr_doc_node *r = sr_doc_root(d);
  assert_s(get(r, "sq"), "it's # not a comment", 1);
  const sr_doc_node *dq = get(r, "dq");
  assert_int_equal(dq->kind, SR_DOC_STRING);
  const char want[] = "q\" b\\ s/ n\n t\t 0\0 a\a b\b e\x1b f\f r\r v\v sp ";
  assert_int_equal(dq->len, sizeof want - 1);
  assert_memory_equal(dq->str, want, sizeof want);
  assert_s(get(r, "hex"), "A\xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 1);
  assert_s(get(r, "named"), "\xc2\x85\xc2\xa0\xe2\x80\xa8\xe2\x80\xa9", 1);
  assert_s(get(r, "fold"), "a b\nc", 1);
  assert_s(get(r, "esc"), "xy z", 1);
  assert_s(get(r, "sfold"), "one two\n\nthree  ", 1);
  assert_s(get(r, "keep"), "a\t b", 1);
  assert_int_equal(get(r, "quoted key")->i, 1);
  assert_s(r->pairs[8].key, "quoted key", 1);
  assert_int_equal(get(r, "dq key")->i, 2);
  assert_s(get(r, ""), "empty key is fine when quoted", 0);
  sr_doc_free(d);
}

static void test_plain_multiline(void **state) {
  (void)state;
  sr_doc *d = parse_ok("Description: The SNS topic used by AWS Chatbot to send\n"
                       "  notifications to the\n"
                       "\n"
                       "  incidents chat channel.\n"
                       "Other:\n"
                       "  on its\n"
                       "  own lines\n"
                       "Seq:\n"
                       "  - first\n"
                       "    continued - with dash\n"
                       "  # comment ends nothing here\n"
                       "  - second\n");
  const sr_doc_node *r = sr_doc_root(d);
  assert_s(get(r, "Description"),
           "The SNS topic used by AWS Chatbot to send notifications to the\nincidents chat channel.",
           0);
  assert_s(get(r, "Other"), "on its own lines", 0);
  assert_pos(get(r, "Other"), 6, 3);
  const sr_doc_node *s = get(r, "Seq");
  assert_int_equal(s->count, 2);
  assert_s(item(s, 0), "first continued - with dash", 0);
  assert_s(item(s, 1), "second", 0);
  sr_doc_free(d);

  d = parse_ok("a\nb\n- c\n");
  assert_s(sr_doc_root(d), "a b - c", 0);
  sr_doc_free(d);

  d = parse_ok("just a\nroot scalar\n");
  assert_s(sr_doc_root(d), "just a root scalar", 0);
  assert_pos(sr_doc_root(d), 1, 1);
  sr_doc_free(d);
}

static void test_flow(void **state) {
  (void)state;
  sr_doc *d = parse_ok("a: [1, two, 'three', \"four\", [5, [6]], {k: v}]\n"
                       "b: {x: 1, y: [a, b,], z: , w}\n"
                       "c: [\n"
                       "  one,   # comment\n"
                       "  two\n"
                       "  words,\n"
                       "\n"
                       "  {\"json\":1, \"like\":[true,null]}\n"
                       "]\n"
                       "d: [k: v, plain, \"q\": w]\n"
                       "e: []\n"
                       "f: {}\n"
                       "g: [http://x:80/y, a:b]\n"
                       "h: {a: [{b: {c: [1]}}]}\n");
  const sr_doc_node *r = sr_doc_root(d);
  const sr_doc_node *a = get(r, "a");
  assert_int_equal(a->count, 6);
  assert_pos(a, 1, 4);
  assert_kind_str(item(a, 0), SR_DOC_INT, "1");
  assert_s(item(a, 1), "two", 0);
  assert_pos(item(a, 1), 1, 8);
  assert_s(item(a, 2), "three", 1);
  assert_s(item(a, 3), "four", 1);
  assert_int_equal(item(item(a, 4), 1)->kind, SR_DOC_SEQ);
  assert_s(get(item(a, 5), "k"), "v", 0);

  const sr_doc_node *b = get(r, "b");
  assert_int_equal(b->count, 4);
  assert_int_equal(get(b, "y")->count, 2);
  assert_kind_str(get(b, "z"), SR_DOC_NULL, "");
  assert_kind_str(get(b, "w"), SR_DOC_NULL, "");

  const sr_doc_node *c = get(r, "c");
  assert_int_equal(c->count, 3);
  assert_s(item(c, 0), "one", 0);
  assert_s(item(c, 1), "two words", 0);
  assert_pos(item(c, 1), 5, 3);
  assert_int_equal(get(item(c, 2), "json")->i, 1);
  assert_int_equal(get(item(c, 2), "like")->count, 2);

  const sr_doc_node *dd = get(r, "d");
  assert_int_equal(dd->count, 3);
  assert_int_equal(item(dd, 0)->kind, SR_DOC_MAP);
  assert_s(get(item(dd, 0), "k"), "v", 0);
  assert_s(item(dd, 1), "plain", 0);
  assert_s(get(item(dd, 2), "q"), "w", 0);

  assert_int_equal(get(r, "e")->count, 0);
  assert_int_equal(get(r, "e")->kind, SR_DOC_SEQ);
  assert_int_equal(get(r, "f")->count, 0);
  assert_int_equal(get(r, "f")->kind, SR_DOC_MAP);
  assert_s(item(get(r, "g"), 0), "http://x:80/y", 0);
  assert_s(item(get(r, "g"), 1), "a:b", 0);
  sr_doc_free(d);

  d = parse_ok("{x y, z}");
  assert_int_equal(sr_doc_root(d)->count, 2);
  assert_kind_str(get(sr_doc_root(d), "x y"), SR_DOC_NULL, "");
  sr_doc_free(d);
}

static void test_block_structure(void **state) {
  (void)state;
  sr_doc *d = parse_ok("same:\n"
                       "- a\n"
                       "- b\n"
                       "deeper:\n"
                       "    - c\n"
                       "compact:\n"
                       "  - k1: v1\n"
                       "    k2:\n"
                       "    - x\n"
                       "    k3:\n"
                       "      deep: 1\n"
                       "  - - n1\n"
                       "    - n2\n"
                       "  -\n"
                       "    after: dash\n"
                       "  -\n"
                       "  - last\n"
                       "dup: 1\n"
                       "dup: 2\n"
                       "'quoted': {}\n");
  const sr_doc_node *r = sr_doc_root(d);
  assert_int_equal(r->count, 6);
  const sr_doc_node *same = get(r, "same");
  assert_int_equal(same->count, 2);
  assert_pos(same, 2, 1);
  assert_s(item(same, 1), "b", 0);
  assert_pos(get(r, "deeper"), 5, 5);
  const sr_doc_node *c = get(r, "compact");
  assert_int_equal(c->count, 5);
  const sr_doc_node *m = item(c, 0);
  assert_int_equal(m->count, 3);
  assert_pos(m, 7, 5);
  assert_s(get(m, "k1"), "v1", 0);
  assert_int_equal(get(m, "k2")->count, 1);
  assert_pos(get(m, "k2"), 9, 5);
  assert_int_equal(get(get(m, "k3"), "deep")->i, 1);
  const sr_doc_node *nested = item(c, 1);
  assert_int_equal(nested->kind, SR_DOC_SEQ);
  assert_pos(nested, 12, 5);
  assert_int_equal(nested->count, 2);
  assert_s(item(nested, 1), "n2", 0);
  assert_s(get(item(c, 2), "after"), "dash", 0);
  assert_int_equal(item(c, 3)->kind, SR_DOC_NULL);
  assert_pos(item(c, 3), 16, 4);
  assert_s(item(c, 4), "last", 0);
  /* duplicate keys are kept; sr_doc_get returns the first */
  assert_int_equal(get(r, "dup")->i, 1);
  assert_int_equal(r->pairs[4].value->i, 2);
  assert_null(sr_doc_get(r, "DUP"));
  assert_int_equal(sr_doc_get_ci(r, "DUP")->i, 1);
  assert_s(r->pairs[5].key, "quoted", 1);
  sr_doc_free(d);
}

static void test_documents(void **state) {
  (void)state;
  static const char *const empties[] = {"", "\n\n", "# only a comment\n", "---\n", "---",
                                        "--- # c\n...\n", "...\n", "%YAML 1.2\n---\n",
                                        "\xef\xbb\xbf", "  \t \n# x\n"};
  for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
    sr_doc *d = parse_ok(empties[i]);
    assert_kind_str(sr_doc_root(d), SR_DOC_NULL, "");
    sr_doc_free(d);
  }
  sr_doc *d = parse_ok("%YAML 1.2\n%TAG ! tag:example.com,2000:\n--- # c\na: 1\n... # end\n# x\n...\n");
  assert_int_equal(get(sr_doc_root(d), "a")->i, 1);
  assert_pos(sr_doc_root(d), 4, 1);
  sr_doc_free(d);

  d = parse_ok("--- plain root\n");
  assert_s(sr_doc_root(d), "plain root", 0);
  assert_pos(sr_doc_root(d), 1, 5);
  sr_doc_free(d);

  d = parse_ok("--- [a, b]\n");
  assert_int_equal(sr_doc_root(d)->count, 2);
  sr_doc_free(d);

  /* BOM, CRLF and lone CR line breaks */
  d = parse_ok("\xef\xbb\xbf" "a: 1\r\nb:\r\n  - x\r\n  - |\r\n    lit\r\n    eral\r\nc: \"q\r\n  r\"\rd: e\r");
  const sr_doc_node *r = sr_doc_root(d);
  assert_pos(r, 1, 1);
  assert_int_equal(get(r, "a")->i, 1);
  assert_s(item(get(r, "b"), 1), "lit\neral\n", 0);
  assert_pos(item(get(r, "b"), 1), 4, 5);
  assert_s(get(r, "c"), "q r", 1);
  assert_s(get(r, "d"), "e", 0);
  assert_pos(get(r, "d"), 9, 4);
  sr_doc_free(d);

  /* a root sequence; a root indented map */
  d = parse_ok("- 1\n- 2\n");
  assert_int_equal(sr_doc_root(d)->count, 2);
  sr_doc_free(d);
  d = parse_ok("  a: 1\n  b: 2\n");
  assert_int_equal(sr_doc_root(d)->count, 2);
  assert_pos(sr_doc_root(d), 1, 3);
  sr_doc_free(d);
}

static void test_not_nul_terminated(void **state) {
  (void)state;
  sr_doc *d = NULL;
  sr_doc_error e;
  const char buf[] = "a: 1\nb: [2]: junk";
  assert_int_equal(sr_doc_parse_yaml(&d, &sr_mem_libc, buf, 11, NULL, &e), SIREN_OK);
  assert_int_equal(get(sr_doc_root(d), "b")->count, 1);
  sr_doc_free(d);
  assert_int_equal(sr_doc_parse_yaml(&d, &sr_mem_libc, "v: 'abc'", 7, NULL, &e), SIREN_EINVAL);
  assert_int_equal(e.line, 1);
  assert_int_equal(e.col, 8);
  assert_null(d);
  assert_int_equal(sr_doc_parse_yaml(&d, &sr_mem_libc, NULL, 0, NULL, &e), SIREN_OK);
  assert_int_equal(sr_doc_root(d)->kind, SR_DOC_NULL);
  sr_doc_free(d);
  assert_int_equal(sr_doc_parse_yaml(&d, &sr_mem_libc, NULL, 3, NULL, &e), SIREN_EINVAL);
  assert_int_equal(sr_doc_parse_yaml(NULL, &sr_mem_libc, "a", 1, NULL, &e), SIREN_EINVAL);
  assert_int_equal(sr_doc_parse_yaml(&d, &sr_mem_libc, "a: [", 4, NULL, NULL), SIREN_EINVAL);
  assert_null(d);
}

/* --------------------------------------------------------- malformed input */

typedef struct bad {
  const char *src;
  uint32_t line, col;
  const char *msg; /* a part of the message */
} bad;

static const bad bad_cases[] = {
    {"a:\n\tb: 1\n", 2, 1, "tabs are not allowed for indentation"},
    {"a:\n  \tb: 1\n", 2, 3, "tabs are not allowed for indentation"},
    {"a: &x 1\n", 1, 4, "anchors and aliases are not supported"},
    {"a: *x\n", 1, 4, "anchors and aliases are not supported"},
    {"- &a\n", 1, 3, "anchors and aliases are not supported"},
    {"a: [*x]\n", 1, 5, "anchors and aliases are not supported"},
    {"a: 1\n&b c: 2\n", 2, 1, "anchors and aliases are not supported"},
    {"? a\n: b\n", 1, 1, "explicit mapping keys ('?') are not supported"},
    {"a: {? b: c}\n", 1, 5, "explicit mapping keys"},
    {"a: b: c\n", 1, 5, "mapping values are not allowed here"},
    {"a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed here"},
    {"a:\n  b: 1\n c: 2\n", 3, 2, "bad indentation: expected a mapping key at column 1"},
    {"a:\n  b: 1\n    c: 2\n", 3, 6, "mapping values are not allowed here"},
    {"a: {x: 1}\n  b: 2\n", 2, 3, "bad indentation"},
    {"- a\nb: 1\n", 2, 1, "expected '- '"},
    {"a:\n  - b\n  c: d\n", 3, 3, "expected '- '"},
    {"a: 1\n- b\n", 2, 1, "found a sequence entry"},
    {"- a: 1\n - b\n", 2, 2, "bad indentation: expected '- ' at column 1"},
    {"a: - b\n", 1, 4, "block sequence entries are not allowed here"},
    {"a: b\nc\n", 2, 2, "expected ':' after the mapping key"},
    {"a: b\nc # x\n", 2, 2, "expected ':' after the mapping key"},
    {"a: b\n: c\n", 2, 1, "empty mapping keys are not supported"},
    {"a: 'unterminated\n", 2, 1, "unterminated quoted scalar"},
    {"a: \"open\n\nb: c\n", 4, 1, "opened at line 1, column 4"},
    {"a: \"x\n---\n\"\n", 2, 1, "document marker inside a quoted scalar"},
    {"a: \"bad \\q\"\n", 1, 9, "invalid escape"},
    {"a: \"\\x4\"\n", 1, 5, "expected 2 hex digits"},
    {"a: \"\\uD800\"\n", 1, 5, "unpaired high surrogate"},
    {"a: \"\\uDC00\"\n", 1, 5, "unpaired low surrogate"},
    {"a: \"\\U00110000\"\n", 1, 5, "not a Unicode scalar value"},
    {"a: \"x\\", 1, 7, "unterminated quoted scalar"},
    {"a: 'x' y\n", 1, 8, "expected the end of the line after the quoted scalar"},
    {"a: \"x\": y\n", 1, 7, "mapping values are not allowed here"},
    {"a: [1, 2\n", 2, 1, "unterminated flow sequence: expected ']'"},
    /* a flow plain scalar may continue on the next line: "2 b" is a key */
    {"a: [1, 2\nb: 3\n", 3, 1, "expected ']' to close the '[' at line 1, column 4"},
    {"a: {x: 1\n", 2, 1, "unterminated flow mapping: expected '}'"},
    {"a: {x: 1 y: 2}\n", 1, 11, "expected ',' or '}' in a flow mapping"},
    {"a: [1,,2]\n", 1, 7, "expected a value or ']' before ','"},
    {"a: {,}\n", 1, 5, "expected a key or '}' before ','"},
    {"a: [1] x\n", 1, 8, "expected the end of the line after the flow sequence"},
    {"a: [b]: c\n", 1, 7, "flow collections as mapping keys are not supported"},
    {"a: {[b]: c}\n", 1, 8, "flow collections as mapping keys are not supported"},
    {"a: [1,\n---\n]\n", 2, 1, "document marker inside a flow collection"},
    {"a: [- b]\n", 1, 5, "block sequence entries are not allowed in a flow collection"},
    {"a: |0\n", 1, 5, "invalid indentation indicator"},
    {"a: |x\n", 1, 5, "expected a chomping indicator"},
    {"a: |\n\n   \n\n  x\n", 3, 3, "a leading empty line of a block scalar has more spaces"},
    {"- >\n    \n x\n", 2, 2, "expected at most 1"},
    {"a: |\n  x\n---\nb: 1\n", 3, 1, "only one YAML document is supported"},
    {"a: 1\n---\nb: 2\n", 2, 1, "only one YAML document is supported"},
    {"a: 1\n...\nb: 2\n", 3, 1, "only one YAML document is supported"},
    {"a: 1\n... x\n", 2, 5, "expected the end of the line after '...'"},
    {"%YAML 1.2\na: 1\n", 2, 1, "expected '---' after the directives"},
    {"a: ,b\n", 1, 4, "unexpected ','"},
    {"a: @b\n", 1, 4, "unexpected '@'"},
    {"a: %b\n", 1, 4, "unexpected '%'"},
    {"a: !Ref !Sub x\n", 1, 9, "a node may have only one tag"},
    {"a: !<x\n", 1, 7, "expected '>' to close the verbatim tag"},
    {"a: \x01\n", 1, 4, "control character U+0001"},
    {"a: b\x7f\n", 1, 5, "control character U+007F"},
    {"a: \xc3\x28\n", 1, 4, "invalid UTF-8"},
    {"a: \xed\xa0\x80\n", 1, 4, "invalid UTF-8"},
    {"a: b\n\xc0\xaf: c\n", 2, 1, "invalid UTF-8"},
    {"'a' b: c\n", 1, 5, "expected the end of the line after the quoted scalar"},
    {"\"a\nb\": c\n", 2, 3, "mapping values are not allowed here"},
    {"x: 1\n  # fine\n  y\n", 3, 3, "bad indentation"},
    {"key: |\n    text\n  other: 1\n", 3, 3, "bad indentation"},
    {"\"quoted\"\nmore\n", 2, 1, "expected the end of the document"},
};

static void test_malformed(void **state) {
  (void)state;
  size_t checked = 0;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad *b = &bad_cases[i];
    sr_doc *d = (sr_doc *)&d;
    sr_doc_error e;
    memset(&e, 0x55, sizeof e);
    int rc = parse_exact(&d, b->src, strlen(b->src), NULL, &e);
    if (rc != SIREN_EINVAL || e.line != b->line || e.col != b->col || !strstr(e.msg, b->msg))
      print_error("case %zu: rc %d at %u:%u: %s (want %u:%u: %s)\n", i, rc, e.line, e.col,
                  rc ? e.msg : "", b->line, b->col, b->msg);
    assert_int_equal(rc, SIREN_EINVAL);
    assert_null(d);
    assert_int_equal(e.line, b->line);
    assert_int_equal(e.col, b->col);
    assert_non_null(strstr(e.msg, b->msg));
    checked++;
  }
  assert_true(checked >= 15);
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

static void expect_error(const char *src, const sr_doc_limits *lim, uint32_t line, uint32_t col,
                         const char *msg) {
  sr_doc *d = (sr_doc *)&d;
  sr_doc_error e;
  int rc = parse_exact(&d, src, strlen(src), lim, &e);
  if (rc != SIREN_EINVAL || e.line != line || e.col != col || !strstr(e.msg, msg))
    print_error("rc %d at %u:%u: %s (want %u:%u: %s)\n", rc, e.line, e.col, rc ? e.msg : "", line,
                col, msg);
  assert_int_equal(rc, SIREN_EINVAL);
  assert_null(d);
  assert_int_equal(e.line, line);
  assert_int_equal(e.col, col);
  assert_non_null(strstr(e.msg, msg));
}

static void test_depth_bombs(void **state) {
  (void)state;
  char *s = repeat("[", 100000, "");
  expect_error(s, NULL, 1, 129, "max_depth");
  free(s);
  s = repeat("{a: ", 100000, "");
  expect_error(s, NULL, 1, 128 * 4 + 1, "max_depth");
  free(s);
  s = repeat("- ", 100000, "x");
  expect_error(s, NULL, 1, 128 * 2 + 1, "max_depth");
  free(s);
  s = repeat("a: [", 100000, "");
  /* each unit is a map and a sequence; inside a flow sequence "a: [" is a
   * single-pair map, counted at its ':' */
  expect_error(s, NULL, 1, 64 * 4 + 2, "max_depth");
  free(s);
  s = repeat("!If [", 100000, "");
  memcpy(s, "a: ", 3); /* "a: [!If [!If [..." */
  s[3] = '[';
  s[4] = ' ';
  /* the map is level 1 and the first '[' level 2; the '[' of unit j >= 1
   * is at offset 5j + 4 and is level j + 2, so level 129 is at offset 639 */
  expect_error(s, NULL, 1, 5 * 127 + 5, "max_depth");
  free(s);

  /* block mappings nested by indentation: the 129th level is on line 129 */
  size_t cap = 200 * 210, len = 0;
  s = malloc(cap);
  for (int i = 0; i < 200; i++) {
    memset(s + len, ' ', (size_t)i * 2);
    len += (size_t)i * 2;
    memcpy(s + len, "a:\n", 3);
    len += 3;
  }
  s[len] = '\0';
  expect_error(s, NULL, 129, 257, "max_depth");
  free(s);

  /* exactly the default depth is fine */
  s = repeat("[", 128, "");
  char *t = repeat("]", 128, "");
  char *both = malloc(300);
  strcpy(both, s);
  strcat(both, t);
  sr_doc *d = parse_ok(both);
  sr_doc_free(d);
  free(both);
  free(s);
  free(t);

  /* a limit above SR_DOC_YAML_DEPTH_CAP is lowered to it */
  sr_doc_limits lim = {0, 100000, 0};
  s = repeat("[", 5000, "");
  expect_error(s, &lim, 1, SR_DOC_YAML_DEPTH_CAP + 1, "max_depth");
  free(s);
  lim.max_depth = 2;
  expect_error("a:\n  b:\n    c: 1\n", &lim, 3, 5, "max_depth");
  assert_int_equal(parse_exact(&d, "a:\n  b: 1\n", 10, &lim, NULL), SIREN_OK);
  sr_doc_free(d);
}

static void test_node_and_byte_limits(void **state) {
  (void)state;
  sr_doc *d = NULL;
  sr_doc_limits lim = {0, 0, 3};
  assert_int_equal(parse_exact(&d, "- 1\n- 2\n", 8, &lim, NULL), SIREN_OK);
  sr_doc_free(d);
  expect_error("- 1\n- 2\n- 3\n", &lim, 3, 3, "max_nodes");
  expect_error("[1, 2, 3]", &lim, 1, 8, "max_nodes");
  lim.max_nodes = 0;
  lim.max_bytes = 8;
  expect_error("a: 123456", &lim, 1, 1, "max_bytes");
  assert_int_equal(parse_exact(&d, "a: 12345", 8, &lim, NULL), SIREN_OK);
  sr_doc_free(d);
}

/* ---------------------------------------------------- allocation failures */

static const char chunk[] =
    "- name: step%d\n"
    "  action: 'aws:executeScript'\n"
    "  description: |\n"
    "    Runs a script.\n"
    "\n"
    "    Second paragraph %d.\n"
    "  maxAttempts: %d\n"
    "  isEnd: false\n"
    "  inputs:\n"
    "    Runtime: python3.8\n"
    "    Handler: handler # comment\n"
    "    InputPayload: {Id: '{{ Id }}', Count: %d, List: [a, \"b\\n\", [c, !Ref d]]}\n"
    "    Folded: >-\n"
    "      one\n"
    "      two\n"
    "    Plain: a long\n"
    "      plain scalar\n"
    "    Quoted: \"multi\n"
    "      line \\u00e9\"\n"
    "    Tagged: !Sub '${AWS::Region}-%d'\n"
    "  outputs:\n"
    "  - Name: out\n"
    "    Selector: $.Payload.out\n"
    "    Type: Integer\n";

static char *medium_document(void) {
  size_t cap = 64 * 1024, len = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  len += (size_t)snprintf(s + len, cap - len, "---\nschemaVersion: '0.3'\nmainSteps:\n");
  for (int i = 0; i < 40; i++) {
    len += (size_t)snprintf(s + len, cap - len, chunk, i, i, i, i, i);
    assert_true(len < cap - 1024);
  }
  len += (size_t)snprintf(s + len, cap - len, "outputs: []\n...\n");
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
    int rc = sr_doc_parse_yaml(&d, &m, src, len, NULL, &e);
    if (rc == SIREN_OK) {
      assert_true(c.calls < k); /* no call failed */
      const sr_doc_node *steps = get(sr_doc_root(d), "mainSteps");
      assert_int_equal(steps->count, 40);
      assert_s(get(get(item(steps, 39), "inputs"), "Quoted"), "multi line \xc3\xa9", 1);
      sr_doc_free(d);
      assert_int_equal(c.allocs, c.frees);
      break;
    }
    if (rc != SIREN_ENOMEM) print_error("k=%ld: rc %d: %s\n", k, rc, e.msg);
    assert_int_equal(rc, SIREN_ENOMEM);
    assert_null(d);
    assert_string_equal(e.msg, "out of memory");
    assert_int_equal(c.allocs, c.frees);
  }
  assert_true(k > 5);
  free(src);
}

/* ---------------------------------------------- regressions (fuzz finds) */

/* Inputs that once misbehaved, or that stress a boundary, and what they give
 * now (0 line: parses). */
static const bad regressions[] = {
    /* review: a '\\' at the very end of a double-quoted scalar looped forever */
    {"a: \"x\\", 1, 7, "unterminated quoted scalar"},
    {"\"\\", 1, 3, "unterminated quoted scalar"},
    /* review: a second tag was read as the start of a plain scalar */
    {"a: !Ref !Sub x\n", 1, 9, "a node may have only one tag"},
    {"- !a !b\n", 1, 6, "a node may have only one tag"},
    {"[!a !b]", 1, 5, "a node may have only one tag"},
    {"a:\n  !a\n  !b x\n", 3, 3, "a node may have only one tag"},
    /* fuzz: a verbatim tag with blanks made the key lookahead and the key
     * reader disagree ("!<x y>: v" gave an empty key) */
    {"!<F ~\": r> ", 1, 4, "expected '>' to close the verbatim tag"},
    {"!< ~: > #", 1, 3, "expected '>' to close the verbatim tag"},
    {"!<x y>: v\n", 1, 4, "expected '>' to close the verbatim tag"},
    {"- !<x>y: v\n", 1, 7, "expected a blank after the tag"},
    /* boundaries that must neither crash nor read past the end */
    {"-", 0, 0, ""},
    {"-\n-", 0, 0, ""},
    {"?", 1, 1, "explicit mapping keys ('?') are not supported"},
    {":", 1, 1, "mapping values are not allowed here"},
    {"!", 0, 0, ""}, /* the non-specific tag on an empty node: "" */
    {"[!", 1, 3, "unterminated flow sequence"},
    {"{!a}", 0, 0, ""},
    {"'", 1, 2, "unterminated quoted scalar"},
    {"\"\\\r\n", 2, 1, "unterminated quoted scalar"},
    {"|", 0, 0, ""},
    {">\n", 0, 0, ""},
    {"a: |\n\n", 0, 0, ""},
    {"a: |2", 0, 0, ""},
    {"a: >-\n  \t\n", 0, 0, ""},
    {"\r\r\r-\r", 0, 0, ""},
    {"#", 0, 0, ""},
    {"--- #", 0, 0, ""},
    {"---\n...", 0, 0, ""},
    {"- - - -", 0, 0, ""},
    {"a: [b, {c: [d, e: f]}]", 0, 0, ""},
    {"a:\n- b:\n  - c\n- d", 0, 0, ""},
    {"\xef\xbb\xbf---", 0, 0, ""},
    {"\xef\xbb", 1, 1, "invalid UTF-8"},
    {"a: \"\\U0010FFFF\\u0000\"", 0, 0, ""},
    {"a: 0x7FFFFFFFFFFFFFFF0", 0, 0, ""},
    {"a: 99999999999999999999999", 0, 0, ""},
};

static void test_regressions(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof regressions / sizeof regressions[0]; i++) {
    const bad *b = &regressions[i];
    sr_doc *d = NULL;
    sr_doc_error e;
    int rc = parse_exact(&d, b->src, strlen(b->src), NULL, &e);
    if (b->line == 0) {
      if (rc != SIREN_OK) print_error("case %zu: %u:%u: %s\n", i, e.line, e.col, e.msg);
      assert_int_equal(rc, SIREN_OK);
      assert_non_null(sr_doc_root(d));
      sr_doc_free(d);
      continue;
    }
    if (rc != SIREN_EINVAL || e.line != b->line || e.col != b->col || !strstr(e.msg, b->msg))
      print_error("case %zu: rc %d at %u:%u: %s (want %u:%u: %s)\n", i, rc, e.line, e.col,
                  rc ? e.msg : "", b->line, b->col, b->msg);
    assert_int_equal(rc, SIREN_EINVAL);
    assert_null(d);
    assert_int_equal(e.line, b->line);
    assert_int_equal(e.col, b->col);
    assert_non_null(strstr(e.msg, b->msg));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runbook),
      cmocka_unit_test(test_cloudformation_tags),
      cmocka_unit_test(test_plain_typing),
      cmocka_unit_test(test_block_scalars),
      cmocka_unit_test(test_quoted_scalars),
      cmocka_unit_test(test_plain_multiline),
      cmocka_unit_test(test_flow),
      cmocka_unit_test(test_block_structure),
      cmocka_unit_test(test_documents),
      cmocka_unit_test(test_not_nul_terminated),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_depth_bombs),
      cmocka_unit_test(test_node_and_byte_limits),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_regressions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
