/*
 * sr_runbook_build: SSM Automation documents read into the runbook model.
 *
 * Every file of the corpus's runbooks/ folder (argv[1]; that test is skipped
 * when the folder is absent) loads, or fails with exactly the problems listed
 * here; so does the ec2-high-cpu example (argv[2]). Each rule has a malformed
 * document with its exact "LINE:COL: path: message" line; several problems
 * come out together; every allocation is failed in turn.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "counting.h"
#include "runbook.h"

static const char *corpus_dir;   /* argv[1] */
static const char *examples_dir; /* argv[2] */

/* ---------------------------------------------------------------- helpers */

typedef struct built {
  int rc;
  sr_runbook *rb;
  char *problems; /* malloc'd, "" when none */
} built;

static built build_n(const char *text, size_t len) {
  built b;
  sr_buf pb = {&sr_mem_libc, NULL, 0, 0, 0};
  b.rb = NULL;
  b.rc = sr_runbook_build(&sr_mem_libc, "rb", text, len, &b.rb, &pb);
  b.problems = strdup(pb.p ? pb.p : "");
  assert_non_null(b.problems);
  free(pb.p);
  return b;
}

static built build(const char *text) { return build_n(text, strlen(text)); }

static sr_runbook *load_ok(const char *text) {
  built b = build(text);
  if (b.rc != SIREN_OK) print_error("unexpected problems:\n%s", b.problems);
  assert_int_equal(b.rc, SIREN_OK);
  assert_string_equal(b.problems, "");
  assert_non_null(b.rb);
  assert_int_equal(b.rb->refs, 1);
  assert_string_equal(b.rb->name, "rb");
  free(b.problems);
  return b.rb;
}

static void expect(const char *text, const char *want) {
  built b = build(text);
  if (strcmp(b.problems, want) != 0)
    print_error("problems:\n%s-- want:\n%s--\n", b.problems, want);
  assert_int_equal(b.rc, SIREN_EINVAL);
  assert_null(b.rb);
  assert_string_equal(b.problems, want);
  free(b.problems);
}

static void release(sr_runbook *rb) { sr_runbook_release(&sr_mem_libc, rb); }

static uint32_t ix(const sr_runbook *rb, const char *name) {
  uint32_t i = sr_runbook_step(rb, name);
  if (i == SR_NONE) print_error("no step %s\n", name);
  assert_int_not_equal(i, SR_NONE);
  return i;
}

/* A reference from step i: none, or a step of the same scope. */
static void same_scope(const sr_runbook *rb, size_t i, uint32_t to) {
  if (to == SR_NONE) return;
  assert_true(to < rb->step_count);
  assert_int_equal(rb->steps[to].loop, rb->steps[i].loop);
}

/* What every loaded runbook must satisfy. */
static void check_model(const sr_runbook *rb) {
  static const char *const kinds[] = {NULL, "aws:pause", "aws:sleep", "aws:approve",
                                      "aws:branch", "aws:loop"};
  assert_true(rb->main_count >= 1 && rb->main_count <= rb->step_count);
  assert_true(rb->step_count <= SR_RB_MAX_STEPS);
  for (size_t i = 0; i < rb->step_count; i++) {
    const sr_rb_step *s = &rb->steps[i];
    assert_true(strlen(s->name) >= 1);
    assert_int_equal(sr_runbook_step(rb, s->name), i);
    assert_non_null(s->action);
    if (s->kind == SR_ACT_HOST) {
      for (size_t k = 1; k < 6; k++) assert_string_not_equal(s->action, kinds[k]);
    } else {
      assert_string_equal(s->action, kinds[s->kind]);
    }
    assert_true(s->max_attempts >= 1 && s->max_attempts <= 100);
    if (i < rb->main_count) {
      assert_int_equal(s->loop, SR_NONE);
    } else {
      const sr_rb_step *l = &rb->steps[s->loop];
      assert_true(s->loop < rb->main_count);
      assert_int_equal(l->kind, SR_ACT_LOOP);
      assert_true(i >= l->body_first && i < l->body_first + l->body_count);
    }
    if (s->kind == SR_ACT_LOOP) {
      assert_true(s->body_count >= 1);
      assert_true(s->body_first >= rb->main_count);
      assert_true(s->body_first + s->body_count <= rb->step_count);
      assert_true(s->has_condition != (s->iterators != NULL));
      assert_true(s->max_iterations >= 1 && s->max_iterations <= SR_RB_MAX_ITERATIONS);
    } else {
      assert_int_equal(s->body_count, 0);
    }
    same_scope(rb, i, s->next_step);
    assert_true((s->on_failure == SR_ON_STEP) == (s->on_failure_step != SR_NONE));
    assert_true((s->on_cancel == SR_ON_STEP) == (s->on_cancel_step != SR_NONE));
    assert_true(s->on_cancel != SR_ON_CONTINUE);
    same_scope(rb, i, s->on_failure_step);
    same_scope(rb, i, s->on_cancel_step);
    same_scope(rb, i, s->branch_default);
    for (size_t c = 0; c < s->choice_count; c++) {
      assert_int_not_equal(s->choices[c].next, SR_NONE);
      same_scope(rb, i, s->choices[c].next);
      assert_true(s->choices[c].cond.op >= SR_C_AND && s->choices[c].cond.op <= SR_C_BOOL_EQ);
    }
    if (s->kind == SR_ACT_BRANCH) assert_true(s->choice_count >= 1);
    for (size_t o = 0; o < s->output_count; o++) {
      assert_non_null(s->outputs[o].name);
      assert_non_null(s->outputs[o].selector);
      assert_non_null(s->outputs[o].type);
    }
  }
  for (size_t p = 0; p < rb->param_count; p++) {
    assert_true(rb->params[p].type >= SR_PT_STRING && rb->params[p].type <= SR_PT_STRINGMAP);
    assert_true(strlen(rb->params[p].name) >= 1);
  }
  for (size_t o = 0; o < rb->output_count; o++) {
    const char *dot = strchr(rb->outputs[o], '.');
    assert_non_null(dot);
    char step[200];
    snprintf(step, sizeof step, "%.*s", (int)(dot - rb->outputs[o]), rb->outputs[o]);
    assert_int_not_equal(sr_runbook_step(rb, step), SR_NONE);
  }
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

/* Exactly the file's bytes (no NUL after them: ASan catches a read past). */
static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  assert_int_equal(fstat(fileno(f), &st), 0);
  char *t = malloc(st.st_size ? (size_t)st.st_size : 1);
  assert_non_null(t);
  *len = fread(t, 1, (size_t)st.st_size, f);
  assert_int_equal(*len, (size_t)st.st_size);
  fclose(f);
  return t;
}

/* A corpus file as a NUL-terminated string (for text edits), or NULL. */
static char *corpus_text(const char *file) {
  if (!corpus_dir) return NULL;
  char *dir = join(corpus_dir, "runbooks"), *path = join(dir, file);
  size_t len;
  char *t = read_all(path, &len);
  free(dir);
  free(path);
  if (!t) return NULL;
  char *s = malloc(len + 1);
  assert_non_null(s);
  memcpy(s, t, len);
  s[len] = '\0';
  free(t);
  return s;
}

/* ---------------------------------------------------------------- corpus */

#define CFN(l, c, path, tag)                                                                   \
  #l ":" #c ": " path ": YAML tag " tag " is a CloudFormation function: this is a template's " \
  "Content, to be resolved before it is loaded\n"

/* Each corpus file: what it holds once loaded, or the problems it fails with. */
static const struct corpus_case {
  const char *file;
  size_t params, steps, main, outputs;
  const char *problems; /* NULL: loads */
} CORPUS[] = {
    {"asr-ConfigureDynamoDBAutoScaling.yaml", 6, 6, 6, 0, NULL},
    {"asr-EnableRedshiftClusterAuditLogging.yaml", 4, 6, 6, 2, NULL},
    {"asr-EncryptRDSSnapshot.yaml", 5, 7, 7, 2, NULL},
    {"awslabs-aws-ASGEnterStandbyWithApproval.json", 5, 2, 2, 0, NULL},
    {"awslabs-aws-EnableSQSEncryption.yml", 4, 5, 5, 0, NULL},
    {"awslabs-aws-PatchWindowsInASG.json", 4, 7, 7, 0, NULL},
    {"awslabs-aws-StopEC2InstanceWithApproval.json", 4, 3, 3, 0, NULL},
    {"awslabs-aws-encryptrootvolume.json", 3, 17, 17, 2, NULL},
    /* A CloudFormation template's Content, tags and all (see MANIFEST.md): the
     * values written (!Ref ClientID) are not the values meant, so it is
     * refused; test_corpus_azure_loop loads it with the tags resolved. */
    {"awssamples-azure-PatchVMWithRollback.cfn-content.yaml", 0, 0, 0, 0,
     CFN(10, 22, "parameters.AutomationAssumeRole.default", "!GetAtt")
     CFN(18, 19, "parameters.clientid.default", "!Ref")
     CFN(23, 19, "parameters.tenantid.default", "!Ref")
     CFN(28, 19, "parameters.clientsecret.default", "!Ref")
     CFN(185, 26, "mainSteps[5].inputs.FunctionName", "!Ref")
     CFN(220, 32, "mainSteps[6].inputs.Steps[1].inputs.FunctionName", "!Ref")
     CFN(258, 26, "mainSteps[8].inputs.FunctionName", "!Ref")
     CFN(272, 26, "mainSteps[9].inputs.FunctionName", "!Ref")},
    {"awssamples-ssm-automation-domainjoinunjoin.yaml", 3, 9, 9, 0, NULL},
    {"cdk-ssm-documents-myAutomation.json", 0, 2, 2, 0, NULL},
    {"chaos-cpu-stress-via-rc.yml", 4, 3, 3, 0, NULL},
    {"chaos-reboot-rds.yml", 4, 6, 6, 0, NULL},
    {"chaos-ssma-nacl-faults.yml", 4, 3, 3, 0, NULL},
    {"chaos-stop-random-instance-api.yml", 4, 7, 7, 1, NULL},
    {"fis-workshop-ssm-asg-remove-az.yaml", 4, 6, 6, 0, NULL},
    {"fis-workshop-ssm-template-tarpitted.yaml", 4, 12, 12, 1, NULL},
    {"im-AWSIncidents-CriticalIncidentRunbookTemplate.yaml", 3, 4, 4, 0, NULL},
    {"im-userguide-tutorial-IncidentResponseRunbook.yaml", 1, 5, 5, 0, NULL},
    {"ssm-userguide-branch-example1-ChooseOSforCommands.yaml", 1, 5, 5, 0, NULL},
    {"ssm-userguide-scripted-example-PatchInstancesInStages.yaml", 6, 14, 14, 0, NULL},
};
#define NCORPUS (sizeof CORPUS / sizeof CORPUS[0])

static void test_corpus(void **state) {
  (void)state;
  if (!corpus_dir) skip();
  char *dir = join(corpus_dir, "runbooks");
  DIR *d = opendir(dir);
  if (!d) {
    free(dir);
    skip();
  }
  int seen[NCORPUS] = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    size_t c = 0;
    while (c < NCORPUS && strcmp(CORPUS[c].file, e->d_name) != 0) c++;
    /* A new file needs a decision: add it to CORPUS. */
    if (c == NCORPUS) print_error("corpus file %s is not listed in CORPUS\n", e->d_name);
    assert_true(c < NCORPUS);
    seen[c] = 1;
    char *path = join(dir, e->d_name);
    size_t len;
    char *text = read_all(path, &len);
    assert_non_null(text);
    built b = build_n(text, len);
    if (CORPUS[c].problems) {
      if (strcmp(b.problems, CORPUS[c].problems) != 0)
        print_error("%s:\n%s-- want:\n%s", e->d_name, b.problems, CORPUS[c].problems);
      assert_int_equal(b.rc, SIREN_EINVAL);
      assert_null(b.rb);
      assert_string_equal(b.problems, CORPUS[c].problems);
    } else {
      if (b.rc != SIREN_OK) print_error("%s:\n%s", e->d_name, b.problems);
      assert_int_equal(b.rc, SIREN_OK);
      check_model(b.rb);
      assert_int_equal(b.rb->param_count, CORPUS[c].params);
      assert_int_equal(b.rb->step_count, CORPUS[c].steps);
      assert_int_equal(b.rb->main_count, CORPUS[c].main);
      assert_int_equal(b.rb->output_count, CORPUS[c].outputs);
    }
    release(b.rb);
    free(b.problems);
    free(text);
    free(path);
  }
  closedir(d);
  free(dir);
  for (size_t c = 0; c < NCORPUS; c++) {
    if (!seen[c]) print_error("corpus file %s is missing\n", CORPUS[c].file);
    assert_true(seen[c]);
  }
}

/* Features the corpus exercises, checked in the model. */
static void test_corpus_details(void **state) {
  (void)state;
  char *t = corpus_text("awslabs-aws-encryptrootvolume.json");
  if (!t) skip();
  sr_runbook *rb = load_ok(t);
  const sr_rb_step *s = &rb->steps[ix(rb, "extractSnapshotId")];
  assert_int_equal(s->on_failure, SR_ON_STEP);
  assert_int_equal(s->on_failure_step, ix(rb, "deleteRootVolumeSnapshot"));
  assert_int_equal(s->timeout_s, 30);
  assert_int_equal(s->next_step, ix(rb, "copyAndEncryptSnapshot"));
  assert_int_equal(rb->steps[ix(rb, "describeInstanceRootVolume")].max_attempts, 10);
  s = &rb->steps[ix(rb, "restoreInstanceInitialState")];
  assert_int_equal(s->is_end, 1);
  /* onFailure Continue without isCritical: not critical. */
  s = &rb->steps[ix(rb, "detachNewVolume")];
  assert_int_equal(s->on_failure, SR_ON_CONTINUE);
  assert_int_equal(s->is_critical, 0);
  assert_string_equal(rb->outputs[1], "createVolume.NewRootVolumeID");
  release(rb);
  free(t);

  t = corpus_text("awslabs-aws-EnableSQSEncryption.yml");
  assert_non_null(t);
  rb = load_ok(t);
  assert_int_equal(rb->params[0].type, SR_PT_STRING); /* AWS::IAM::Role::Arn */
  assert_non_null(rb->params[1].pattern);
  s = &rb->steps[ix(rb, "SelectKeyType")];
  assert_int_equal(s->kind, SR_ACT_BRANCH);
  assert_int_equal(s->choice_count, 1);
  assert_int_equal(s->choices[0].cond.op, SR_C_NOT);
  assert_int_equal(s->choices[0].cond.sub_count, 1);
  assert_int_equal(s->choices[0].cond.sub[0].op, SR_C_STRING_EQUALS);
  assert_string_equal(s->choices[0].cond.sub[0].variable, "{{ KmsKeyId }}");
  assert_string_equal(s->choices[0].cond.sub[0].operand->str, "");
  assert_int_equal(s->choices[0].next, ix(rb, "PutAttributeSseKms"));
  assert_int_equal(s->branch_default, ix(rb, "PutAttributeSseSqs"));
  release(rb);
  free(t);

  t = corpus_text("asr-EncryptRDSSnapshot.yaml");
  assert_non_null(t);
  rb = load_ok(t);
  s = &rb->steps[0];
  assert_int_equal(s->choices[1].cond.op, SR_C_OR);
  assert_int_equal(s->choices[1].cond.sub_count, 2);
  assert_string_equal(s->choices[1].cond.sub[1].operand->str, "dbclustersnapshot");
  assert_int_equal(s->branch_default, SR_NONE);
  assert_int_equal(rb->params[2].allowed->count, 3);
  release(rb);
  free(t);

  t = corpus_text("awssamples-ssm-automation-domainjoinunjoin.yaml");
  assert_non_null(t);
  rb = load_ok(t);
  assert_int_equal(rb->steps[ix(rb, "joinDomain")].on_failure_step, ix(rb, "failADEC2Tag"));
  assert_string_equal(rb->params[2].def->str, ""); /* '' is one of its allowedValues */
  release(rb);
  free(t);

  t = corpus_text("chaos-reboot-rds.yml");
  assert_non_null(t);
  rb = load_ok(t);
  s = &rb->steps[ix(rb, "continueIfTags")];
  assert_int_equal(s->is_end, 1);
  assert_int_equal(s->choices[0].cond.op, SR_C_BOOL_EQ);
  assert_int_equal(s->choices[0].cond.operand->kind, SR_DOC_BOOL);
  release(rb);
  free(t);

  t = corpus_text("chaos-ssma-nacl-faults.yml");
  assert_non_null(t);
  rb = load_ok(t);
  s = &rb->steps[ix(rb, "sleep")];
  assert_int_equal(s->kind, SR_ACT_SLEEP);
  assert_int_equal(s->on_cancel, SR_ON_STEP);
  assert_int_equal(s->on_cancel_step, ix(rb, "rollback"));
  release(rb);
  free(t);

  t = corpus_text("awslabs-aws-StopEC2InstanceWithApproval.json");
  assert_non_null(t);
  rb = load_ok(t);
  assert_int_equal(rb->steps[0].kind, SR_ACT_APPROVE);
  assert_int_equal(rb->steps[0].min_approvals, 1);
  assert_int_equal(rb->steps[1].is_critical, 0);
  release(rb);
  free(t);

  t = corpus_text("im-AWSIncidents-CriticalIncidentRunbookTemplate.yaml");
  assert_non_null(t);
  rb = load_ok(t);
  for (size_t i = 0; i < 4; i++) assert_int_equal(rb->steps[i].kind, SR_ACT_PAUSE);
  assert_string_equal(rb->steps[3].name, "Recovery");
  release(rb);
  free(t);
}

/* The only real aws:loop: the Azure runbook once its CloudFormation tags
 * are resolved (here: dropped, keeping the names they referred to). */
static void test_corpus_azure_loop(void **state) {
  (void)state;
  char *t = corpus_text("awssamples-azure-PatchVMWithRollback.cfn-content.yaml");
  if (!t) skip();
  for (char *p; (p = strstr(t, "!GetAtt ")) || (p = strstr(t, "!Ref "));) {
    size_t n = p[1] == 'G' ? 8 : 5;
    memmove(p, p + n, strlen(p + n) + 1);
  }
  sr_runbook *rb = load_ok(t);
  check_model(rb);
  assert_int_equal(rb->main_count, 10);
  assert_int_equal(rb->step_count, 12);
  uint32_t l = ix(rb, "AssertSnapshotProvisionStatus");
  const sr_rb_step *s = &rb->steps[l];
  assert_int_equal(s->kind, SR_ACT_LOOP);
  assert_int_equal(s->body_first, 10);
  assert_int_equal(s->body_count, 2);
  assert_int_equal(s->max_iterations, 3);
  assert_int_equal(s->has_condition, 1);
  assert_null(s->iterators);
  assert_int_equal(s->loop_condition.op, SR_C_STRING_EQUALS);
  assert_string_equal(s->loop_condition.variable, "{{ CheckSnapshotStatus.SnapshotStatus }}");
  assert_string_equal(s->loop_condition.operand->str, "Pending");
  assert_int_equal(s->next_step, ix(rb, "InstallPatches"));
  const sr_rb_step *a = &rb->steps[10], *b = &rb->steps[11];
  assert_string_equal(a->name, "Sleep");
  assert_int_equal(a->kind, SR_ACT_SLEEP);
  assert_int_equal(a->loop, l);
  assert_int_equal(a->next_step, 11);
  assert_string_equal(b->name, "CheckSnapshotStatus");
  assert_int_equal(b->loop, l);
  assert_int_equal(b->is_end, 1);
  assert_int_equal(b->output_count, 1);
  assert_string_equal(b->outputs[0].selector, "$.SnapshotStatus");
  assert_int_equal(rb->steps[ix(rb, "InstallPatches")].on_failure_step, ix(rb, "RestoreVMDisk"));
  assert_string_equal(rb->params[0].def->str, "AWSSystemsManagerAutomationRole.Arn");
  release(rb);
  free(t);
}

static void test_example_ec2(void **state) {
  (void)state;
  char *path = join(examples_dir, "ec2-high-cpu/ec2-cpu-util-runbook.yaml");
  size_t len;
  char *t = read_all(path, &len);
  if (!t) print_error("cannot read %s\n", path);
  assert_non_null(t);
  built b = build_n(t, len);
  if (b.rc) print_error("%s", b.problems);
  assert_int_equal(b.rc, SIREN_OK);
  check_model(b.rb);
  static const char *const names[] = {"Inspect", "AddMetrics", "AttachToAutoScalingGroup",
                                      "Validate", "CloseIncident"};
  assert_int_equal(b.rb->step_count, 5);
  assert_int_equal(b.rb->main_count, 5);
  assert_int_equal(b.rb->param_count, 1);
  assert_string_equal(b.rb->params[0].name, "IncidentRecordArn");
  assert_string_equal(b.rb->description,
                      "Resolve high CPU utilization of an EC2 instance by adding the instance to "
                      "an\nAuto Scaling group.");
  for (size_t i = 0; i < 5; i++) {
    assert_string_equal(b.rb->steps[i].name, names[i]);
    assert_int_equal(b.rb->steps[i].kind, SR_ACT_PAUSE);
    assert_string_equal(b.rb->steps[i].action, "aws:pause");
    assert_non_null(b.rb->steps[i].inputs);
    assert_int_equal(b.rb->steps[i].inputs->count, 0);
  }
  release(b.rb);
  free(b.problems);
  free(t);
  free(path);
}

/* ----------------------------------------------------------------- model */

static void test_defaults(void **state) {
  (void)state;
  sr_runbook *rb = load_ok("schemaVersion: '0.3'\n"
                           "mainSteps:\n"
                           "  - name: A\n"
                           "    action: aws:executeScript\n"
                           "  - name: B\n"
                           "    action: Custom\n"
                           "    onFailure: Continue\n"
                           "    isCritical: true\n");
  check_model(rb);
  assert_null(rb->description);
  assert_null(rb->assume_role);
  assert_int_equal(rb->param_count, 0);
  assert_int_equal(rb->output_count, 0);
  const sr_rb_step *a = &rb->steps[0], *b = &rb->steps[1];
  assert_string_equal(a->action, "aws:executeScript");
  assert_int_equal(a->kind, SR_ACT_HOST);
  assert_null(a->inputs);
  assert_int_equal(a->timeout_s, 0);
  assert_int_equal(a->max_attempts, 1);
  assert_int_equal(a->on_failure, SR_ON_ABORT);
  assert_int_equal(a->on_failure_step, SR_NONE);
  assert_int_equal(a->on_cancel, SR_ON_ABORT);
  assert_int_equal(a->on_cancel_step, SR_NONE);
  assert_int_equal(a->is_end, 0);
  assert_int_equal(a->is_critical, 1);
  assert_int_equal(a->next_step, SR_NONE);
  assert_int_equal(a->loop, SR_NONE);
  assert_int_equal(a->output_count, 0);
  assert_int_equal(a->choice_count, 0);
  assert_int_equal(a->branch_default, SR_NONE);
  assert_int_equal(a->max_iterations, 100);
  assert_int_equal(a->min_approvals, 1);
  /* isCritical given wins over the Continue default. */
  assert_int_equal(b->on_failure, SR_ON_CONTINUE);
  assert_int_equal(b->is_critical, 1);
  assert_int_equal(sr_runbook_step(rb, "B"), 1);
  assert_int_equal(sr_runbook_step(rb, "b"), SR_NONE);
  assert_int_equal(sr_runbook_step(rb, NULL), SR_NONE);
  assert_int_equal(sr_runbook_step(NULL, "A"), SR_NONE);
  release(rb);
}

/* Every feature at once; also the document the allocation test fails. */
static const char RICH[] =
    "schemaVersion: '0.3'\n"
    "description: Rich\n"
    "assumeRole: '{{ Role }}'\n"
    "parameters:\n"
    "  Role: {type: String, default: '', description: the role}\n"
    "  Ids: {type: StringList, default: [a, b], allowedValues: [a, b, c],\n"
    "        minItems: 1, maxItems: 3}\n"
    "  N: {type: Integer, default: 3, allowedValues: [1, 3]}\n"
    "  Flag: {type: Boolean, default: false}\n"
    "  Maps: {type: MapList, default: [{k: v}]}\n"
    "  Map: {type: StringMap, default: {k: v}}\n"
    "  Instance: {type: 'List<AWS::EC2::Instance::Id>', allowedPattern: '^i-[a-z0-9]+$'}\n"
    "  Name: {type: String, minChars: 1, maxChars: 5, default: 'héllo'}\n"
    "mainSteps:\n"
    "  - name: Start\n"
    "    action: aws:executeAwsApi\n"
    "    timeoutSeconds: '60'\n"
    "    maxAttempts: 3\n"
    "    inputs: {Service: ec2, Api: DescribeInstances, Ids: '{{ Ids }}', D: '{{ global:DATE }}'}\n"
    "    outputs:\n"
    "      - {Name: Out, Selector: $.X, Type: String}\n"
    "      - {Name: List, Selector: $.Y, Type: StringList}\n"
    "  - name: Choose\n"
    "    action: aws:branch\n"
    "    inputs:\n"
    "      Choices:\n"
    "        - NextStep: Each\n"
    "          And:\n"
    "            - {Variable: '{{ Start.Out }}', StringEquals: x}\n"
    "            - Not: {Variable: '{{ N }}', NumericGreater: 5}\n"
    "        - NextStep: Wait\n"
    "          Or:\n"
    "            - {Variable: '{{ Flag }}', BooleanEquals: true}\n"
    "            - {Variable: '{{ Start.Out }}', Contains: y}\n"
    "            - Not: [{Variable: '{{ Start.Out }}', EqualsIgnoreCase: Z}]\n"
    "      Default: Ask\n"
    "  - name: Each\n"
    "    action: aws:loop\n"
    "    inputs:\n"
    "      Iterators: [i-1, 2, {a: 1.5}, true, null, \"q\\\"\"]\n"
    "      IteratorDataType: String\n"
    "      Steps:\n"
    "        - name: One\n"
    "          action: aws:sleep\n"
    "          inputs: {Duration: PT1S}\n"
    "          nextStep: Two\n"
    "        - name: Two\n"
    "          action: aws:pause\n"
    "    nextStep: Until\n"
    "  - name: Until\n"
    "    action: aws:loop\n"
    "    inputs:\n"
    "      MaxIterations: 5\n"
    "      LoopCondition: {Variable: '{{ Check.Done }}', BooleanEquals: false}\n"
    "      Steps:\n"
    "        - name: Check\n"
    "          action: aws:executeScript\n"
    "          onFailure: step:Check2\n"
    "          onCancel: step:Check2\n"
    "          outputs: [{Name: Done, Selector: $.Payload.done, Type: Boolean}]\n"
    "        - name: Check2\n"
    "          action: aws:pause\n"
    "          isEnd: true\n"
    "  - name: Wait\n"
    "    action: aws:sleep\n"
    "    inputs: {Timestamp: '2026-01-05T09:00:00Z'}\n"
    "    onCancel: step:Ask\n"
    "  - name: Ask\n"
    "    action: aws:approve\n"
    "    onFailure: Continue\n"
    "    inputs: {Approvers: [alice, bob], MinRequiredApprovals: 2, Message: ok}\n"
    "    isEnd: 'True'\n"
    "outputs: [Start.Out, Check.Done]\n";

static void test_rich(void **state) {
  (void)state;
  sr_runbook *rb = load_ok(RICH);
  check_model(rb);
  assert_string_equal(rb->description, "Rich");
  assert_string_equal(rb->assume_role, "{{ Role }}");

  assert_int_equal(rb->param_count, 8);
  const sr_rb_param *p = rb->params;
  assert_string_equal(p[0].name, "Role");
  assert_int_equal(p[0].type, SR_PT_STRING);
  assert_string_equal(p[0].description, "the role");
  assert_string_equal(p[0].def->str, "");
  assert_null(p[0].allowed);
  assert_int_equal(p[0].min_items, -1);
  assert_int_equal(p[0].max_chars, -1);
  assert_int_equal(p[1].type, SR_PT_STRINGLIST);
  assert_int_equal(p[1].def->count, 2);
  assert_int_equal(p[1].allowed->count, 3);
  assert_int_equal(p[1].min_items, 1);
  assert_int_equal(p[1].max_items, 3);
  assert_int_equal(p[2].type, SR_PT_INTEGER);
  assert_int_equal(p[2].def->i, 3);
  assert_int_equal(p[3].type, SR_PT_BOOLEAN);
  assert_int_equal(p[4].type, SR_PT_MAPLIST);
  assert_int_equal(p[5].type, SR_PT_STRINGMAP);
  assert_int_equal(p[6].type, SR_PT_STRINGLIST);
  assert_null(p[6].def);
  assert_string_equal(p[6].pattern, "^i-[a-z0-9]+$");
  assert_int_equal(p[7].min_chars, 1);
  assert_int_equal(p[7].max_chars, 5); /* héllo: 5 characters, 6 bytes */

  assert_int_equal(rb->main_count, 6);
  assert_int_equal(rb->step_count, 10);
  const sr_rb_step *s = &rb->steps[ix(rb, "Start")];
  assert_int_equal(s->timeout_s, 60);
  assert_int_equal(s->max_attempts, 3);
  assert_int_equal(s->output_count, 2);
  assert_string_equal(s->outputs[1].name, "List");
  assert_string_equal(s->outputs[1].selector, "$.Y");
  assert_string_equal(s->outputs[1].type, "StringList");
  assert_string_equal(sr_doc_get(s->inputs, "Api")->str, "DescribeInstances");

  s = &rb->steps[ix(rb, "Choose")];
  assert_int_equal(s->choice_count, 2);
  const sr_rb_cond *c = &s->choices[0].cond;
  assert_int_equal(s->choices[0].next, ix(rb, "Each"));
  assert_int_equal(c->op, SR_C_AND);
  assert_null(c->variable);
  assert_int_equal(c->sub_count, 2);
  assert_int_equal(c->sub[0].op, SR_C_STRING_EQUALS);
  assert_string_equal(c->sub[0].variable, "{{ Start.Out }}");
  assert_string_equal(c->sub[0].operand->str, "x");
  assert_int_equal(c->sub[1].op, SR_C_NOT);
  assert_int_equal(c->sub[1].sub_count, 1);
  assert_int_equal(c->sub[1].sub[0].op, SR_C_NUM_GT);
  assert_int_equal(c->sub[1].sub[0].operand->i, 5);
  c = &s->choices[1].cond;
  assert_int_equal(s->choices[1].next, ix(rb, "Wait"));
  assert_int_equal(c->op, SR_C_OR);
  assert_int_equal(c->sub_count, 3);
  assert_int_equal(c->sub[0].op, SR_C_BOOL_EQ);
  assert_int_equal(c->sub[1].op, SR_C_CONTAINS);
  assert_int_equal(c->sub[2].op, SR_C_NOT); /* Not as a one-item list */
  assert_int_equal(c->sub[2].sub[0].op, SR_C_EQUALS_IGNORE_CASE);
  assert_int_equal(s->branch_default, ix(rb, "Ask"));

  uint32_t each = ix(rb, "Each"), until = ix(rb, "Until");
  s = &rb->steps[each];
  assert_int_equal(s->kind, SR_ACT_LOOP);
  assert_int_equal(s->body_first, 6);
  assert_int_equal(s->body_count, 2);
  assert_string_equal(s->iterators, "[\"i-1\",2,{\"a\":1.5},true,null,\"q\\\"\"]");
  assert_int_equal(s->iterators_node->kind, SR_DOC_SEQ);
  assert_int_equal(s->has_condition, 0);
  assert_int_equal(s->max_iterations, 100);
  assert_int_equal(s->next_step, until);
  assert_int_equal(rb->steps[6].loop, each);
  assert_string_equal(rb->steps[6].name, "One");
  assert_int_equal(rb->steps[6].next_step, 7);
  assert_int_equal(rb->steps[7].loop, each);

  s = &rb->steps[until];
  assert_int_equal(s->body_first, 8);
  assert_int_equal(s->body_count, 2);
  assert_int_equal(s->max_iterations, 5);
  assert_int_equal(s->has_condition, 1);
  assert_int_equal(s->loop_condition.op, SR_C_BOOL_EQ);
  assert_null(s->iterators);
  assert_null(s->iterators_node);
  s = &rb->steps[ix(rb, "Check")];
  assert_int_equal(s->loop, until);
  assert_int_equal(s->on_failure_step, ix(rb, "Check2"));
  assert_int_equal(s->on_cancel_step, ix(rb, "Check2"));
  assert_int_equal(rb->steps[ix(rb, "Check2")].is_end, 1);

  s = &rb->steps[ix(rb, "Wait")];
  assert_int_equal(s->kind, SR_ACT_SLEEP);
  assert_int_equal(s->on_cancel_step, ix(rb, "Ask"));
  s = &rb->steps[ix(rb, "Ask")];
  assert_int_equal(s->kind, SR_ACT_APPROVE);
  assert_int_equal(s->min_approvals, 2);
  assert_int_equal(s->is_critical, 0);
  assert_int_equal(s->is_end, 1);

  assert_int_equal(rb->output_count, 2);
  assert_string_equal(rb->outputs[1], "Check.Done");
  release(rb);
}

/* A for-each loop over a reference; a JSON document with schemaVersion a
 * number. */
static void test_json_and_reference_iterators(void **state) {
  (void)state;
  sr_runbook *rb = load_ok(
      "{\"schemaVersion\": 0.3, \"parameters\": {\"Ids\": {\"type\": \"StringList\"}},\n"
      " \"mainSteps\": [{\"name\": \"Each\", \"action\": \"aws:loop\", \"inputs\": {\n"
      "   \"Iterators\": \"{{ Ids }}\", \"MaxIterations\": 100, \"Steps\": [\n"
      "     {\"name\": \"Stop\", \"action\": \"aws:changeInstanceState\",\n"
      "      \"inputs\": {\"InstanceIds\": [\"{{ Each.CurrentIteratorValue }}\"]}}]}}]}");
  check_model(rb);
  assert_string_equal(rb->steps[0].iterators, "{{ Ids }}");
  assert_int_equal(rb->steps[0].iterators_node->kind, SR_DOC_STRING);
  assert_int_equal(rb->steps[1].loop, 0);
  release(rb);
}

/* References: shared by reference, freed with the last. */
static void test_release_refs(void **state) {
  (void)state;
  counting c = {0};
  sr_mem m = counting_mem(&c);
  sr_runbook *rb = NULL;
  assert_int_equal(sr_runbook_build(&m, "r", RICH, strlen(RICH), &rb, NULL), SIREN_OK);
  rb->refs++;
  sr_runbook_release(&m, rb);
  assert_int_equal(rb->refs, 1);
  assert_true(c.allocs > c.frees);
  sr_runbook_release(&m, rb);
  assert_int_equal(c.allocs, c.frees);
  sr_runbook_release(&m, NULL);
}

/* ----------------------------------------------------------------- rules */

#define DOC "schemaVersion: '0.3'\n"

static const struct rule {
  const char *what;
  const char *doc;
  const char *problems;
} RULES[] = {
    {"duplicate name",
     DOC "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:pause\n"
         "  - name: A\n"
         "    action: aws:pause\n",
     "5:11: mainSteps[1].name: step \"A\" is already defined at mainSteps[0] (3:11)\n"},
    {"duplicate name inside a loop",
     DOC "mainSteps:\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      Iterators: [1]\n"
         "      Steps:\n"
         "        - name: L\n"
         "          action: aws:pause\n",
     "8:17: mainSteps[0].inputs.Steps[0].name: step \"L\" is already defined at "
     "mainSteps[0] (3:11)\n"},
    {"bad name",
     DOC "mainSteps:\n"
         "  - name: bad-name\n"
         "    action: aws:pause\n",
     "3:11: mainSteps[0].name: must be 1-128 characters of a-z, A-Z, 0-9 and _, not "
     "\"bad-name\"\n"},
    {"missing name and action",
     DOC "mainSteps:\n"
         "  - description: nameless\n",
     "3:5: mainSteps[0].name: is required\n"
     "3:5: mainSteps[0].action: is required\n"},
    {"unknown nextStep",
     DOC "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:pause\n"
         "    nextStep: Foo\n",
     "5:15: mainSteps[0].nextStep: no step \"Foo\"\n"},
    {"onFailure step:Nope",
     DOC "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:runCommand\n"
         "    onFailure: step:Nope\n",
     "5:16: mainSteps[0].onFailure: no step \"Nope\"\n"},
    {"onFailure neither Abort, Continue nor step:",
     DOC "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:runCommand\n"
         "    onFailure: abort\n",
     "5:16: mainSteps[0].onFailure: must be Abort, Continue or step:<name>, not \"abort\"\n"},
    {"onCancel Continue",
     DOC "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:runCommand\n"
         "    onCancel: Continue\n",
     "5:15: mainSteps[0].onCancel: must be Abort or step:<name>, not \"Continue\"\n"},
    {"onCancel on aws:loop",
     DOC "mainSteps:\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    onCancel: Abort\n"
         "    inputs: {Iterators: [1], Steps: [{name: B, action: aws:pause}]}\n",
     "5:15: mainSteps[0].onCancel: is not supported on aws:loop (give onCancel to the "
     "steps inside it)\n"},
    {"unknown branch operator",
     DOC "mainSteps:\n"
         "  - name: Choose\n"
         "    action: aws:branch\n"
         "    inputs:\n"
         "      Choices:\n"
         "        - NextStep: A\n"
         "          Variable: '{{ os }}'\n"
         "          StringMatches: linux\n"
         "  - name: A\n"
         "    action: aws:pause\n",
     "9:11: mainSteps[0].inputs.Choices[0]: unknown operator \"StringMatches\"\n"},
    {"misspelt branch operator",
     DOC "mainSteps:\n"
         "  - name: Choose\n"
         "    action: aws:branch\n"
         "    inputs:\n"
         "      Choices:\n"
         "        - NextStep: Choose\n"
         "          Variable: x\n"
         "          stringEquals: linux\n",
     "9:11: mainSteps[0].inputs.Choices[0]: unknown operator \"stringEquals\" (did you "
     "mean \"StringEquals\"?)\n"},
    {"branch choice without operator or NextStep",
     DOC "mainSteps:\n"
         "  - name: Choose\n"
         "    action: aws:branch\n"
         "    inputs:\n"
         "      Choices:\n"
         "        - Variable: x\n",
     "7:11: mainSteps[0].inputs.Choices[0].NextStep: is required\n"
     "7:11: mainSteps[0].inputs.Choices[0]: needs an operator: StringEquals, "
     "EqualsIgnoreCase, StartsWith, EndsWith, Contains, NumericEquals, NumericGreater, "
     "NumericLesser, NumericGreaterOrEquals, NumericLesserOrEquals, BooleanEquals, And, "
     "Or or Not\n"},
    {"two operators; And with Variable; numeric and boolean operands",
     DOC "mainSteps:\n"
         "  - name: C\n"
         "    action: aws:branch\n"
         "    inputs:\n"
         "      Choices:\n"
         "        - NextStep: C\n"
         "          Variable: x\n"
         "          StartsWith: a\n"
         "          EndsWith: b\n"
         "        - NextStep: C\n"
         "          Variable: x\n"
         "          And: [{Variable: y, NumericLesser: ten}, {Variable: z, BooleanEquals: yes}]\n"
         "        - NextStep: C\n"
         "          Or: []\n"
         "        - NextStep: C\n"
         "          Not: [{Variable: a, Contains: b}, {Variable: a, Contains: c}]\n",
     "10:11: mainSteps[0].inputs.Choices[0]: has two operators, StartsWith and EndsWith: "
     "a condition has one (combine conditions with And or Or)\n"
     "12:21: mainSteps[0].inputs.Choices[1].Variable: does not go with And (each "
     "condition in it has its own Variable)\n"
     "13:46: mainSteps[0].inputs.Choices[1].And[0].NumericLesser: NumericLesser compares "
     "numbers: \"ten\" is not a number\n"
     "13:81: mainSteps[0].inputs.Choices[1].And[1].BooleanEquals: BooleanEquals takes "
     "true or false, not \"yes\"\n"
     "15:15: mainSteps[0].inputs.Choices[2].Or: is empty\n"
     "17:16: mainSteps[0].inputs.Choices[3].Not: Not takes one condition, not 2\n"},
    {"branch NextStep into a loop; loop step out of it",
     DOC "mainSteps:\n"
         "  - name: C\n"
         "    action: aws:branch\n"
         "    inputs:\n"
         "      Choices: [{NextStep: In, Variable: x, StringEquals: y}]\n"
         "      Default: In\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      Iterators: '{{ C.X }}'\n"
         "      Steps:\n"
         "        - name: In\n"
         "          action: aws:pause\n"
         "          nextStep: C\n"
         "          onFailure: step:L\n",
     "6:28: mainSteps[0].inputs.Choices[0].NextStep: step \"In\" is inside the aws:loop "
     "\"L\": only steps of that loop can go to it\n"
     "7:16: mainSteps[0].inputs.Default: step \"In\" is inside the aws:loop \"L\": only "
     "steps of that loop can go to it\n"
     "16:22: mainSteps[1].inputs.Steps[0].onFailure: step \"L\" is not in this aws:loop's "
     "Steps: a step inside a loop can only go to steps of the same loop\n"
     "15:21: mainSteps[1].inputs.Steps[0].nextStep: step \"C\" is not in this aws:loop's "
     "Steps: a step inside a loop can only go to steps of the same loop\n"},
    {"branch without Choices",
     DOC "mainSteps:\n"
         "  - name: C\n"
         "    action: aws:branch\n"
         "    inputs: {Default: C}\n",
     "5:13: mainSteps[0].inputs.Choices: is required\n"},
    {"loop with both Iterators and LoopCondition",
     DOC "mainSteps:\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      Iterators: [a, b]\n"
         "      LoopCondition:\n"
         "        Variable: '{{ B.Done }}'\n"
         "        BooleanEquals: false\n"
         "      Steps:\n"
         "        - name: B\n"
         "          action: aws:pause\n",
     "7:7: mainSteps[0].inputs: has both Iterators and LoopCondition: a loop runs for "
     "each item of Iterators, or while LoopCondition holds\n"},
    {"loop with neither",
     DOC "mainSteps:\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      IteratorDataType: Float\n"
         "      Steps: [{name: B, action: aws:pause}]\n",
     "6:7: mainSteps[0].inputs: aws:loop needs Iterators or LoopCondition\n"
     "6:25: mainSteps[0].inputs.IteratorDataType: must be Boolean, Integer, String or "
     "StringMap, not \"Float\"\n"},
    {"MaxIterations 101",
     DOC "mainSteps:\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      MaxIterations: 101\n"
         "      LoopCondition: {Variable: '{{ B.Done }}', BooleanEquals: false}\n"
         "      Steps: [{name: B, action: aws:pause}]\n",
     "6:22: mainSteps[0].inputs.MaxIterations: must be a number from 1 to 100, not 101\n"},
    {"loop without Steps; loop in a loop",
     DOC "mainSteps:\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs: {Iterators: [1]}\n"
         "  - name: M\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      Iterators: [1]\n"
         "      Steps:\n"
         "        - name: N\n"
         "          action: aws:loop\n"
         "          inputs: {Iterators: [1], Steps: [{name: O, action: aws:pause}]}\n",
     "5:13: mainSteps[0].inputs.Steps: is required\n"
     "12:19: mainSteps[1].inputs.Steps[0].action: an aws:loop cannot be inside another "
     "aws:loop\n"},
    {"approve without Approvers",
     DOC "mainSteps:\n"
         "  - name: Ask\n"
         "    action: aws:approve\n"
         "    inputs:\n"
         "      Message: please\n",
     "6:7: mainSteps[0].inputs.Approvers: is required\n"},
    {"approve: too few approvers; bad approvers",
     DOC "mainSteps:\n"
         "  - name: Ask\n"
         "    action: aws:approve\n"
         "    inputs: {Approvers: [alice], MinRequiredApprovals: 2}\n"
         "  - name: Ask2\n"
         "    action: aws:approve\n"
         "    inputs: {Approvers: alice, MinRequiredApprovals: 0}\n"
         "  - name: Ask3\n"
         "    action: aws:approve\n",
     "5:56: mainSteps[0].inputs.MinRequiredApprovals: is 2 but only 1 approver is listed\n"
     "8:25: mainSteps[1].inputs.Approvers: expected a list of IAM users, groups or roles, "
     "or a {{ }} reference to one, not \"alice\"\n"
     "8:54: mainSteps[1].inputs.MinRequiredApprovals: must be a number from 1 to 10, not 0\n"
     "9:5: mainSteps[2].inputs.Approvers: is required\n"},
    {"sleep: limits and forms",
     DOC "mainSteps:\n"
         "  - {name: A, action: aws:sleep, inputs: {Duration: P7D}}\n"
         "  - {name: B, action: aws:sleep, inputs: {Duration: P6DT23H59M59S}}\n"
         "  - {name: C, action: aws:sleep, inputs: {Duration: 10 minutes}}\n"
         "  - {name: D, action: aws:sleep, inputs: {Duration: 'PT{{ M }}M'}}\n"
         "  - {name: E, action: aws:sleep, inputs: {Duration: PT0.5S, Timestamp: x}}\n"
         "  - {name: F, action: aws:sleep, inputs: {Timestamp: '2026-13-01T00:00:00Z'}}\n"
         "  - {name: G, action: aws:sleep, inputs: {Timestamp: '2026-01-05T09:00:00.5+00:00'}}\n"
         "  - {name: H, action: aws:sleep}\n"
         "  - {name: I, action: aws:sleep, inputs: {Timestamp: '2026-01-05T10:00:00+01:00'}}\n"
         "  - {name: J, action: aws:sleep, inputs: {Duration: P1W}}\n"
         "  - {name: K, action: aws:sleep, inputs: {Duration: PT1H1H}}\n"
         "  - {name: L, action: aws:sleep, inputs: {Duration: P1DT}}\n"
         "  - {name: M, action: aws:sleep, inputs: {Duration: PT0.25S}}\n",
     "3:53: mainSteps[0].inputs.Duration: \"P7D\" is longer than aws:sleep's limit of "
     "604799 seconds\n"
     "5:53: mainSteps[2].inputs.Duration: \"10 minutes\" is not an ISO 8601 duration "
     "(such as PT10M or PT30S)\n"
     "7:61: mainSteps[4].inputs: has both Duration and Timestamp: give one\n"
     "7:72: mainSteps[4].inputs.Timestamp: \"x\" is not an ISO 8601 UTC timestamp (such "
     "as 2026-01-05T09:00:00Z)\n"
     "8:54: mainSteps[5].inputs.Timestamp: \"2026-13-01T00:00:00Z\" is not an ISO 8601 "
     "UTC timestamp (such as 2026-01-05T09:00:00Z)\n"
     "10:5: mainSteps[7].inputs: aws:sleep needs Duration or Timestamp\n"
     "11:54: mainSteps[8].inputs.Timestamp: \"2026-01-05T10:00:00+01:00\" is not an ISO "
     "8601 UTC timestamp (such as 2026-01-05T09:00:00Z)\n"
     "12:53: mainSteps[9].inputs.Duration: \"P1W\" is not an ISO 8601 duration (such as "
     "PT10M or PT30S)\n"
     "13:53: mainSteps[10].inputs.Duration: \"PT1H1H\" is not an ISO 8601 duration (such "
     "as PT10M or PT30S)\n"
     "14:53: mainSteps[11].inputs.Duration: \"P1DT\" is not an ISO 8601 duration (such as "
     "PT10M or PT30S)\n"},
    {"unknown inputs of built-in actions",
     DOC "mainSteps:\n"
         "  - {name: A, action: aws:pause, inputs: {Message: hi}}\n"
         "  - {name: B, action: aws:sleep, inputs: {duration: PT1S}}\n",
     "3:43: mainSteps[0].inputs: unknown input \"Message\"\n"
     "4:43: mainSteps[1].inputs: unknown input \"duration\" (did you mean \"Duration\"?)\n"
     "4:42: mainSteps[1].inputs: aws:sleep needs Duration or Timestamp\n"},
    {"schemaVersion 0.2",
     "schemaVersion: '0.2'\n"
     "mainSteps:\n"
     "  - name: A\n"
     "    action: aws:pause\n",
     "1:16: schemaVersion: must be \"0.3\" (an Automation document), not \"0.2\"\n"},
    {"schemaVersion missing; mainSteps empty",
     "description: x\n"
     "mainSteps: []\n",
     "1:1: schemaVersion: is required (\"0.3\": an Automation document)\n"
     "2:12: mainSteps: is empty\n"},
    {"not a mapping",
     "- a\n- b\n",
     "1:1: expected an Automation document (a mapping), not a list\n"},
    {"default of the wrong type",
     DOC "parameters:\n"
         "  Count:\n"
         "    type: Integer\n"
         "    default: abc\n"
         "  On:\n"
         "    type: Boolean\n"
         "    default: 1\n"
         "  Ids:\n"
         "    type: StringList\n"
         "    default: i-123\n"
         "  M:\n"
         "    type: StringMap\n"
         "    default: [a]\n"
         "  S:\n"
         "    type: String\n"
         "    default: [a]\n"
         "  N:\n"
         "    type: String\n"
         "    default:\n"
         "  I: {type: Integer, default: '5'}\n"
         "  B: {type: Boolean, default: 'true'}\n"
         "  T: {type: String, default: 300}\n"
         "  L: {type: StringList, default: [a, 2]}\n"
         "mainSteps:\n"
         "  - {name: A, action: aws:pause}\n",
     "5:14: parameters.Count.default: expected an Integer, not \"abc\"\n"
     "8:14: parameters.On.default: expected a Boolean (true or false), not 1\n"
     "11:14: parameters.Ids.default: expected a StringList (a list), not \"i-123\"\n"
     "14:14: parameters.M.default: expected a StringMap (a mapping), not a list\n"
     "17:14: parameters.S.default: expected text, not a list\n"
     "20:13: parameters.N.default: is null: give a value, or leave default out to make "
     "the parameter required\n"
     "21:31: parameters.I.default: expected an Integer, not \"5\"\n"
     "22:31: parameters.B.default: expected a Boolean (true or false), not \"true\"\n"
     "23:30: parameters.T.default: expected text, not 300 (quote it to make it text)\n"
     "24:38: parameters.L.default[1]: expected text, not 2 (quote it to make it text)\n"},
    {"default not in allowedValues",
     DOC "parameters:\n"
         "  Mode:\n"
         "    type: String\n"
         "    allowedValues: [Fast, Slow]\n"
         "    default: Medium\n"
         "  Modes:\n"
         "    type: StringList\n"
         "    allowedValues: [Fast, Slow]\n"
         "    default: [Fast, Medium]\n"
         "  N:\n"
         "    type: Integer\n"
         "    allowedValues: [1, 2]\n"
         "    default: 3\n"
         "  F:\n"
         "    type: Boolean\n"
         "    allowedValues: [true]\n"
         "    default: true\n"
         "  G:\n"
         "    type: Integer\n"
         "    allowedValues: [1, '2']\n"
         "mainSteps:\n"
         "  - {name: A, action: aws:pause}\n",
     "6:14: parameters.Mode.default: \"Medium\" is not one of allowedValues\n"
     "10:21: parameters.Modes.default[1]: \"Medium\" is not one of allowedValues\n"
     "14:14: parameters.N.default: 3 is not one of allowedValues\n"
     "21:24: parameters.G.allowedValues[1]: expected an Integer, not \"2\"\n"},
    {"parameter properties",
     DOC "parameters:\n"
         "  P:\n"
         "    type: Strin\n"
         "    Description: x\n"
         "  Q:\n"
         "    type: String\n"
         "    minChars: 3\n"
         "    maxChars: 2\n"
         "    default: abcd\n"
         "    allowedValues: []\n"
         "  R:\n"
         "    type: StringList\n"
         "    maxItems: 1\n"
         "    minItems: -1\n"
         "    default: [a, b]\n"
         "  'bad name': {type: String}\n"
         "  Q: {type: Integer, allowedValues: [x]}\n"
         "  T: String\n"
         "  U: {description: no type}\n"
         "mainSteps:\n"
         "  - {name: A, action: aws:pause}\n",
     "5:5: parameters.P: unknown property \"Description\" (did you mean \"description\"?)\n"
     "4:11: parameters.P.type: unknown type \"Strin\" (String, StringList, Integer, "
     "Boolean, MapList, StringMap, or an AWS resource type such as AWS::EC2::Instance::Id)\n"
     "9:15: parameters.Q.maxChars: is less than minChars\n"
     "11:20: parameters.Q.allowedValues: is empty\n"
     "10:14: parameters.Q.default: \"abcd\" has 4 characters, more than maxChars 2\n"
     "15:15: parameters.R.minItems: expected a count (0 or more), not -1\n"
     "16:14: parameters.R.default: has 2 items, more than maxItems 1\n"
     "17:3: parameters.bad name: a parameter name must be 1-128 characters of a-z, A-Z, "
     "0-9 and _\n"
     "18:3: parameters.Q: parameter \"Q\" is defined twice\n"
     "18:38: parameters.Q.allowedValues[0]: expected an Integer, not \"x\"\n"
     "19:6: parameters.T: expected a mapping (type, description, default, ...), not "
     "\"String\"\n"
     "20:6: parameters.U.type: is required\n"},
    {"step properties",
     DOC "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:runCommand\n"
         "    nextstep: B\n"
         "    timeoutSeconds: 0\n"
         "    maxAttempts: 101\n"
         "    isEnd: maybe\n"
         "    isCritical: [true]\n"
         "    inputs: [x]\n"
         "    outputs:\n"
         "      - {Name: O, Selector: $.O, Type: Str}\n"
         "      - {Name: O, Selector: '', Type: String, Path: x}\n"
         "      - nope\n"
         "  - B\n",
     "5:5: mainSteps[0]: unknown property \"nextstep\" (did you mean \"nextStep\"?)\n"
     "10:13: mainSteps[0].inputs: expected a mapping, not a list\n"
     "6:21: mainSteps[0].timeoutSeconds: must be a positive number of seconds, not 0\n"
     "7:18: mainSteps[0].maxAttempts: must be a number from 1 to 100, not 101\n"
     "8:12: mainSteps[0].isEnd: expected true or false, not \"maybe\"\n"
     "9:17: mainSteps[0].isCritical: expected true or false, not a list\n"
     "12:40: mainSteps[0].outputs[0].Type: must be String, Integer, Boolean, StringList, "
     "StringMap or MapList, not \"Str\"\n"
     "13:47: mainSteps[0].outputs[1]: unknown property \"Path\"\n"
     "13:16: mainSteps[0].outputs[1].Name: output \"O\" is declared twice\n"
     "13:29: mainSteps[0].outputs[1].Selector: expected text, not \"\"\n"
     "14:9: mainSteps[0].outputs[2]: expected an output (Name, Selector, Type), not "
     "\"nope\"\n"
     "15:5: mainSteps[1]: expected a step (a mapping with name and action), not \"B\"\n"},
    {"document outputs and unknown properties",
     DOC "mainsteps: []\n"
         "mainSteps:\n"
         "  - {name: A, action: aws:pause}\n"
         "outputs: [A.Out, B.Out, A, .X, [A.Out]]\n",
     "2:1: unknown property \"mainsteps\" (did you mean \"mainSteps\"?)\n"
     "5:18: outputs[1]: no step \"B\"\n"
     "5:25: outputs[2]: must be \"step.Output\", not \"A\"\n"
     "5:28: outputs[3]: must be \"step.Output\", not \".X\"\n"
     "5:32: outputs[4]: must be \"step.Output\", not a list\n"},
    {"references in host inputs",
     DOC "parameters:\n"
         "  P: {type: StringMap}\n"
         "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:executeScript\n"
         "    inputs:\n"
         "      Payload:\n"
         "        ok: '{{ P.key }} {{ A.Out }} {{ global:DATE }} {{ ssm:/a.b }} {{ P }}'\n"
         "        bad: ['x {{ Nope.Out }}', '{{Typo.Out}}']\n",
     "10:15: mainSteps[0].inputs.Payload.bad[0]: {{ Nope.Out }}: no step or parameter "
     "\"Nope\"\n"
     "10:35: mainSteps[0].inputs.Payload.bad[1]: {{ Typo.Out }}: no step or parameter "
     "\"Typo\"\n"},
    {"tags",
     DOC "description: !!str 12\n"
         "assumeRole: !Sub '${Role}'\n"
         "mainSteps:\n"
         "  - name: !!int A\n"
         "    action: !custom aws:pause\n",
     "3:18: assumeRole: YAML tag !Sub is a CloudFormation function: this is a template's "
     "Content, to be resolved before it is loaded\n"
     "5:17: mainSteps[0].name: YAML tag !!int does not match the value (string)\n"
     "6:21: mainSteps[0].action: YAML tag !custom is not supported\n"},
    {"control characters are escaped in messages",
     DOC "mainSteps:\n"
         "  - name: \"a\\nb\"\n"
         "    action: aws:pause\n",
     "3:11: mainSteps[0].name: must be 1-128 characters of a-z, A-Z, 0-9 and _, not "
     "\"a\\x0ab\"\n"},
};

static void test_rules(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++) {
    built b = build(RULES[i].doc);
    if (b.rc != SIREN_EINVAL || strcmp(b.problems, RULES[i].problems) != 0)
      print_error("rule \"%s\": rc %d, problems:\n%s-- want:\n%s--\n", RULES[i].what, b.rc,
                  b.problems, RULES[i].problems);
    assert_int_equal(b.rc, SIREN_EINVAL);
    assert_null(b.rb);
    assert_string_equal(b.problems, RULES[i].problems);
    free(b.problems);
  }
}

/* Many problems in one document, each reported once, in document order
 * within each part (document, parameters, steps, outputs). */
static void test_many_problems(void **state) {
  (void)state;
  expect("schemaVersion: 2.2\n"
         "description: [not, text]\n"
         "parameters:\n"
         "  P:\n"
         "    type: Strin\n"
         "mainSteps:\n"
         "  - name: A\n"
         "    action: aws:sleep\n"
         "    inputs:\n"
         "      Duration: P8D\n"
         "    nextstep: B\n"
         "  - name: A\n"
         "    maxAttempts: 0\n"
         "  - name: C\n"
         "    action: aws:branch\n"
         "    inputs:\n"
         "      Choices:\n"
         "        - NextStep: Inner\n"
         "          Or:\n"
         "            - Variable: '{{ Nope.Out }}'\n"
         "              NumericEquals: abc\n"
         "      Default: Nope\n"
         "  - name: L\n"
         "    action: aws:loop\n"
         "    inputs:\n"
         "      LoopCondition: {Variable: x, StringEquals: y}\n"
         "      Steps:\n"
         "        - name: Inner\n"
         "          action: aws:pause\n"
         "          nextStep: C\n"
         "outputs:\n"
         "  - Zed.Out\n",
         "1:16: schemaVersion: must be \"0.3\" (an Automation document), not 2.2\n"
         "2:14: description: expected text, not a list\n"
         "5:11: parameters.P.type: unknown type \"Strin\" (String, StringList, Integer, Boolean, "
         "MapList, StringMap, or an AWS resource type such as AWS::EC2::Instance::Id)\n"
         "11:5: mainSteps[0]: unknown property \"nextstep\" (did you mean \"nextStep\"?)\n"
         "10:17: mainSteps[0].inputs.Duration: \"P8D\" is longer than aws:sleep's limit of "
         "604799 seconds\n"
         "12:11: mainSteps[1].name: step \"A\" is already defined at mainSteps[0] (7:11)\n"
         "12:5: mainSteps[1].action: is required\n"
         "13:18: mainSteps[1].maxAttempts: must be a number from 1 to 100, not 0\n"
         "18:21: mainSteps[2].inputs.Choices[0].NextStep: step \"Inner\" is inside the aws:loop "
         "\"L\": only steps of that loop can go to it\n"
         "20:25: mainSteps[2].inputs.Choices[0].Or[0].Variable: {{ Nope.Out }}: no step or "
         "parameter \"Nope\"\n"
         "21:30: mainSteps[2].inputs.Choices[0].Or[0].NumericEquals: NumericEquals compares "
         "numbers: \"abc\" is not a number\n"
         "22:16: mainSteps[2].inputs.Default: no step \"Nope\"\n"
         "30:21: mainSteps[3].inputs.Steps[0].nextStep: step \"C\" is not in this aws:loop's "
         "Steps: a step inside a loop can only go to steps of the same loop\n"
         "32:5: outputs[0]: no step \"Zed\"\n");
}

static void test_syntax_errors(void **state) {
  (void)state;
  built b = build("schemaVersion: '0.3'\nmainSteps:\n  - name: 'A\n");
  assert_int_equal(b.rc, SIREN_EINVAL);
  assert_null(b.rb);
  /* The reader's line:col, then its message. */
  assert_string_equal(b.problems, "4:1: unterminated quoted scalar: expected a closing ' for the "
                                  "one opened at line 3, column 11\n");
  free(b.problems);
  b = build("{\"schemaVersion\": \"0.3\",\n \"mainSteps\": [}\n");
  assert_int_equal(b.rc, SIREN_EINVAL);
  assert_string_equal(b.problems, "2:16: expected a JSON value (object, array, string, number, "
                                  "true, false or null)\n");
  free(b.problems);
  b = build("");
  assert_int_equal(b.rc, SIREN_EINVAL);
  assert_string_equal(b.problems, "1:1: expected an Automation document (a mapping), not null\n");
  free(b.problems);
}

/* main - 1 plain steps, then a loop of body steps. */
static char *many_steps(int main, int body) {
  char *t = malloc(64 + 40 * (size_t)(main + body)), *p = t;
  assert_non_null(t);
  p += sprintf(p, "schemaVersion: '0.3'\nmainSteps:\n");
  for (int i = 0; i < main - 1; i++) p += sprintf(p, "  - {name: S%d, action: x}\n", i);
  p += sprintf(p, "  - {name: L, action: aws:loop, inputs: {Iterators: [1], Steps: [");
  for (int i = 0; i < body; i++) p += sprintf(p, "%s{name: B%d, action: x}", i ? ", " : "", i);
  sprintf(p, "]}}\n");
  return t;
}

static void test_too_many_steps(void **state) {
  (void)state;
  char *t = many_steps(SR_RB_MAX_STEPS - 1, 2);
  built b = build(t);
  assert_int_equal(b.rc, SIREN_EINVAL);
  assert_string_equal(b.problems,
                      "3:3: mainSteps: at most 500 steps (mainSteps and the Steps of loops), not "
                      "501\n");
  free(b.problems);
  free(t);
  t = many_steps(SR_RB_MAX_STEPS - 1, 1);
  sr_runbook *rb = load_ok(t);
  check_model(rb);
  assert_int_equal(rb->step_count, SR_RB_MAX_STEPS);
  assert_int_equal(rb->main_count, SR_RB_MAX_STEPS - 1);
  release(rb);
  free(t);
}

/* problems may be NULL: the result is the same. */
static void test_no_problem_buffer(void **state) {
  (void)state;
  sr_runbook *rb = (sr_runbook *)1;
  const char *bad = "schemaVersion: '0.2'\nmainSteps: []\n";
  assert_int_equal(sr_runbook_build(&sr_mem_libc, "x", bad, strlen(bad), &rb, NULL),
                   SIREN_EINVAL);
  assert_null(rb);
}

/* ------------------------------------------------------------ allocation */

/* Fails each allocation in turn: ENOMEM, *out NULL, nothing leaked; then the
 * first run that reaches the end gives the ordinary result. */
static void fail_each(const char *text, int want_rc, const char *want_problems) {
  long k;
  for (k = 1;; k++) {
    counting c = {0};
    c.fail_at = k;
    sr_mem m = counting_mem(&c);
    sr_buf pb = {&m, NULL, 0, 0, 0};
    sr_runbook *rb = (sr_runbook *)1;
    int rc = sr_runbook_build(&m, "r", text, strlen(text), &rb, &pb);
    int reached = c.calls >= k;
    if (reached) {
      if (rc != SIREN_ENOMEM) print_error("allocation %ld failed: rc %d\n", k, rc);
      assert_int_equal(rc, SIREN_ENOMEM);
      assert_null(rb);
    } else {
      assert_int_equal(rc, want_rc);
      if (want_rc == SIREN_OK) {
        assert_non_null(rb);
        check_model(rb);
      } else {
        assert_string_equal(pb.p, want_problems);
      }
      sr_runbook_release(&m, rb);
    }
    sr_free(&m, pb.p);
    if (c.allocs != c.frees)
      print_error("allocation %ld failed: %ld leaked\n", k, c.allocs - c.frees);
    assert_int_equal(c.allocs, c.frees);
    if (!reached) break;
  }
  print_message("%ld allocations\n", k - 1);
  assert_true(k > 10);
}

static void test_alloc_failures(void **state) {
  (void)state;
  fail_each(RICH, SIREN_OK, NULL);
  fail_each(RULES[0].doc, SIREN_EINVAL, RULES[0].problems);
  /* Many problems: the problem text grows through several reallocations. */
  for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
    if (strcmp(RULES[i].what, "parameter properties") == 0)
      fail_each(RULES[i].doc, SIREN_EINVAL, RULES[i].problems);
}

int main(int argc, char **argv) {
  corpus_dir = argc > 1 ? argv[1] : NULL;
  examples_dir = argc > 2 ? argv[2] : "examples";
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus),
      cmocka_unit_test(test_corpus_details),
      cmocka_unit_test(test_corpus_azure_loop),
      cmocka_unit_test(test_example_ec2),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_rich),
      cmocka_unit_test(test_json_and_reference_iterators),
      cmocka_unit_test(test_release_refs),
      cmocka_unit_test(test_rules),
      cmocka_unit_test(test_many_problems),
      cmocka_unit_test(test_syntax_errors),
      cmocka_unit_test(test_too_many_steps),
      cmocka_unit_test(test_no_problem_buffer),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
