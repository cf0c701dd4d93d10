/*
 * Reads every document of the third-party corpus (argv[1]; see its
 * MANIFEST.md): runbooks/, aws-config/ and triggers/. Exits 77 (skipped) when
 * the folder is absent.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "doc/doc.h"
#include "siren/siren.h"

static const char *corpus;

typedef struct file {
  char *name;
  char *path;
  char *text;
  size_t len;
} file;

static int by_name(const void *a, const void *b) {
  return strcmp(((const file *)a)->name, ((const file *)b)->name);
}

static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 2);
  assert_non_null(s);
  memcpy(s, a, la);
  s[la] = '/';
  memcpy(s + la + 1, b, lb + 1);
  return s;
}

/* Every regular file in corpus/sub, read, sorted by name. */
static file *load(const char *sub, size_t *count) {
  char *dir = join(corpus, sub);
  DIR *d = opendir(dir);
  if (!d) print_error("cannot open %s\n", dir);
  assert_non_null(d);
  file *files = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *path = join(dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(path);
      continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      files = realloc(files, cap * sizeof *files);
      assert_non_null(files);
    }
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    /* Exactly the file's bytes: reading past them would be caught by ASan. */
    char *text = malloc(st.st_size ? (size_t)st.st_size : 1);
    assert_non_null(text);
    size_t got = fread(text, 1, (size_t)st.st_size, f);
    fclose(f);
    assert_int_equal(got, (size_t)st.st_size);
    files[n].name = strdup(e->d_name);
    files[n].path = path;
    files[n].text = text;
    files[n].len = got;
    n++;
  }
  closedir(d);
  free(dir);
  assert_true(n > 0);
  qsort(files, n, sizeof *files, by_name);
  *count = n;
  return files;
}

static void unload(file *files, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(files[i].name);
    free(files[i].path);
    free(files[i].text);
  }
  free(files);
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static sr_doc *parse(const file *f) {
  sr_doc *d = NULL;
  sr_doc_error e;
  int rc = sr_doc_parse(&d, &sr_mem_libc, f->text, f->len, NULL, &e);
  if (rc != SIREN_OK) print_error("%s:%u:%u: %s\n", f->path, e.line, e.col, e.msg);
  assert_int_equal(rc, SIREN_OK);
  assert_non_null(sr_doc_root(d));
  return d;
}

/* Counts the nodes tagged tag under n. */
static size_t count_tags(const sr_doc_node *n, const char *tag) {
  size_t k = n->tag && strcmp(n->tag, tag) == 0;
  if (n->kind == SR_DOC_SEQ)
    for (size_t i = 0; i < n->count; i++) k += count_tags(n->items[i], tag);
  if (n->kind == SR_DOC_MAP)
    for (size_t i = 0; i < n->count; i++)
      k += count_tags(n->pairs[i].key, tag) + count_tags(n->pairs[i].value, tag);
  return k;
}

/* Same kinds, texts and shapes (positions and quoting aside). */
static int same_tree(const sr_doc_node *a, const sr_doc_node *b) {
  if (a->kind != b->kind || a->count != b->count) return 0;
  if (sr_doc_is_scalar(a))
    return a->len == b->len && memcmp(a->str, b->str, a->len) == 0 && a->i == b->i &&
           a->boolean == b->boolean && (a->d == b->d || (isnan(a->d) && isnan(b->d)));
  for (size_t i = 0; i < a->count; i++) {
    if (a->kind == SR_DOC_SEQ && !same_tree(a->items[i], b->items[i])) return 0;
    if (a->kind == SR_DOC_MAP && (!same_tree(a->pairs[i].key, b->pairs[i].key) ||
                                  !same_tree(a->pairs[i].value, b->pairs[i].value)))
      return 0;
  }
  return 1;
}

static void check_json_through_yaml(const file *f, const sr_doc *json) {
  /* YAML 1.2 reads these JSON documents to the same tree. */
  sr_doc *y = NULL;
  sr_doc_error e;
  int rc = sr_doc_parse_yaml(&y, &sr_mem_libc, f->text, f->len, NULL, &e);
  if (rc != SIREN_OK) print_error("%s as YAML:%u:%u: %s\n", f->path, e.line, e.col, e.msg);
  assert_int_equal(rc, SIREN_OK);
  if (!same_tree(sr_doc_root(json), sr_doc_root(y))) print_error("%s differs as YAML\n", f->path);
  assert_true(same_tree(sr_doc_root(json), sr_doc_root(y)));
  sr_doc_free(y);
}

static void test_runbooks(void **state) {
  (void)state;
  size_t n;
  file *files = load("runbooks", &n);
  for (size_t i = 0; i < n; i++) {
    sr_doc *d = parse(&files[i]);
    const sr_doc_node *r = sr_doc_root(d);
    if (r->kind != SR_DOC_MAP) print_error("%s: root is not a mapping\n", files[i].path);
    assert_int_equal(r->kind, SR_DOC_MAP);
    const sr_doc_node *v = sr_doc_get(r, "schemaVersion");
    if (!v || !v->str || strcmp(v->str, "0.3") != 0)
      print_error("%s: schemaVersion is not \"0.3\"\n", files[i].path);
    assert_non_null(v);
    assert_int_equal(v->kind, SR_DOC_STRING);
    assert_string_equal(v->str, "0.3");
    const sr_doc_node *steps = sr_doc_get(r, "mainSteps");
    assert_non_null(steps);
    assert_int_equal(steps->kind, SR_DOC_SEQ);
    assert_true(steps->count > 0);
    for (size_t s = 0; s < steps->count; s++) {
      const sr_doc_node *step = steps->items[s];
      assert_int_equal(step->kind, SR_DOC_MAP);
      assert_int_equal(sr_doc_get(step, "name")->kind, SR_DOC_STRING);
      const sr_doc_node *action = sr_doc_get(step, "action");
      assert_int_equal(action->kind, SR_DOC_STRING);
      assert_memory_equal(action->str, "aws:", 4);
    }
    if (ends_with(files[i].name, ".json")) check_json_through_yaml(&files[i], d);
    if (strcmp(files[i].name, "awssamples-azure-PatchVMWithRollback.cfn-content.yaml") == 0) {
      assert_int_equal(count_tags(r, "!Ref"), 7);
      assert_int_equal(count_tags(r, "!GetAtt"), 1);
    }
    if (strcmp(files[i].name, "im-AWSIncidents-CriticalIncidentRunbookTemplate.yaml") == 0) {
      v = sr_doc_get(r, "description");
      assert_int_equal(v->quoted, 1);
      assert_non_null(strstr(v->str, ". \v\n\nSuggested customizations include:\n* "));
    }
    sr_doc_free(d);
  }
  unload(files, n);
}

static void test_aws_config(void **state) {
  (void)state;
  size_t n;
  file *files = load("aws-config", &n);
  for (size_t i = 0; i < n; i++) {
    sr_doc *d = parse(&files[i]);
    assert_int_equal(sr_doc_root(d)->kind, SR_DOC_MAP);
    if (ends_with(files[i].name, ".json")) check_json_through_yaml(&files[i], d);
    if (strcmp(files[i].name, "cfn-userguide-ssmincidents-responseplan-example.yaml") == 0) {
      const sr_doc_node *v = sr_doc_get(sr_doc_root(d), "AWSTemplateFormatVersion");
      assert_non_null(v);
      assert_int_equal(v->kind, SR_DOC_STRING);
      assert_string_equal(v->str, "2010-09-09");
      assert_non_null(sr_doc_get(sr_doc_get(sr_doc_root(d), "Resources"), "MyIncidentsResponsePlan"));
    }
    sr_doc_free(d);
  }
  unload(files, n);
}

static void test_triggers(void **state) {
  (void)state;
  size_t n;
  file *files = load("triggers", &n);
  for (size_t i = 0; i < n; i++) {
    sr_doc *d = parse(&files[i]);
    assert_int_equal(sr_doc_root(d)->kind, SR_DOC_MAP);
    if (ends_with(files[i].name, ".json")) check_json_through_yaml(&files[i], d);
    sr_doc_free(d);
  }
  unload(files, n);
}

int main(int argc, char **argv) {
  corpus = argc > 1 ? argv[1] : NULL;
  struct stat st;
  if (!corpus || stat(corpus, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("corpus folder %s absent: skipping\n", corpus ? corpus : "(none given)");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runbooks),
      cmocka_unit_test(test_aws_config),
      cmocka_unit_test(test_triggers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
