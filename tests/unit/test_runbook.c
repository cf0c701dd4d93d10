/*
 * Runbook executions: the walkthrough's five pauses, branches, loops,
 * approvals, host actions with timeouts and retries, onFailure / onCancel /
 * isEnd / nextStep, variables, Interactive mode, incidents that start and
 * stop executions, and recovery of executions from the record stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testhost.h"

#define MIN INT64_C(60000)
#define SEC INT64_C(1000)

static th_host th;

static siren_engine *fresh(void) {
  free(th.records);
  memset(&th, 0, sizeof th);
  return th_engine(&th, 1, 0);
}

static void done(siren_engine *e) {
  siren_engine_free(e);
  free(th.records);
  th.records = NULL;
}

static void load(siren_engine *e, const char *name, const char *doc) {
  int rc = siren_runbook_load(e, name, doc, strlen(doc));
  if (rc) fail_msg("load %s: %s\n%s", name, siren_errmsg(e), siren_config_problems(e));
}

static siren_id run(siren_engine *e, const char *name, const siren_runbook_param *params,
                    size_t n, siren_exec_mode mode) {
  siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
  p.runbook = name;
  p.params = params;
  p.param_count = n;
  p.mode = mode;
  siren_id id = 0;
  int rc = siren_execution_start(&id, e, &p);
  if (rc) fail_msg("start %s: %s", name, siren_errmsg(e));
  return id;
}

static siren_exec_status status(siren_engine *e, siren_id x) {
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  assert_int_equal(siren_execution_get(&info, e, x), SIREN_OK);
  return info.status;
}

static const char *current(siren_engine *e, siren_id x) {
  static char out[64];
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  assert_int_equal(siren_execution_get(&info, e, x), SIREN_OK);
  snprintf(out, sizeof out, "%s", info.current_step);
  return out;
}

/* "name:Status" of every step, space separated. */
static const char *steps(siren_engine *e, siren_id x) {
  static char out[2048];
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  assert_int_equal(siren_execution_get(&info, e, x), SIREN_OK);
  size_t o = 0;
  out[0] = '\0';
  for (uint32_t i = 0; i < info.step_count; i++) {
    siren_step_info si = SIREN_STEP_INFO_INIT;
    assert_int_equal(siren_execution_step_at(&si, e, x, i), SIREN_OK);
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s:%s", i ? " " : "", si.name,
                          siren_exec_status_name(si.status));
  }
  return out;
}

static siren_step_info step_info(siren_engine *e, siren_id x, const char *name) {
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  assert_int_equal(siren_execution_get(&info, e, x), SIREN_OK);
  for (uint32_t i = 0; i < info.step_count; i++) {
    siren_step_info si = SIREN_STEP_INFO_INIT;
    assert_int_equal(siren_execution_step_at(&si, e, x, i), SIREN_OK);
    if (strcmp(si.name, name) == 0) return si;
  }
  fail_msg("no step %s", name);
  siren_step_info none = SIREN_STEP_INFO_INIT;
  return none;
}

/* The last ACTION notice, or -1. */
static int last_action(void) {
  for (size_t i = th.notice_count; i-- > 0;)
    if (th.notices[i].kind == SIREN_NOTIFY_ACTION) return (int)i;
  return -1;
}

static size_t count_actions(const char *step) {
  size_t n = 0;
  for (size_t i = 0; i < th.notice_count; i++)
    if (th.notices[i].kind == SIREN_NOTIFY_ACTION && strcmp(th.notices[i].step, step) == 0) n++;
  return n;
}

/* -------------------------------------------------------- the walkthrough */

static const char *five_pauses =
    "description: Resolve high CPU\n"
    "schemaVersion: '0.3'\n"
    "mainSteps:\n"
    "  - name: Inspect\n    action: 'aws:pause'\n    inputs: {}\n"
    "  - name: AddMetrics\n    action: 'aws:pause'\n    inputs: {}\n"
    "  - name: AttachToAutoScalingGroup\n    action: 'aws:pause'\n    inputs: {}\n"
    "  - name: Validate\n    action: 'aws:pause'\n    inputs: {}\n"
    "  - name: CloseIncident\n    action: 'aws:pause'\n    inputs: {}\n";

static void five_pauses_walked_by_resume(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "ec2-cpu-util-runbook", five_pauses);
  siren_runbook_info ri = SIREN_RUNBOOK_INFO_INIT;
  assert_int_equal(siren_runbook_get(&ri, e, "ec2-cpu-util-runbook"), SIREN_OK);
  assert_int_equal(ri.step_count, 5);
  siren_id x = run(e, "ec2-cpu-util-runbook", NULL, 0, SIREN_MODE_AUTO);
  const char *names[] = {"Inspect", "AddMetrics", "AttachToAutoScalingGroup", "Validate",
                         "CloseIncident"};
  for (int k = 0; k < 5; k++) {
    assert_int_equal(status(e, x), SIREN_EXEC_WAITING);
    assert_string_equal(current(e, x), names[k]);
    /* Only the paused step may be resumed. */
    assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_APPROVE, NULL, "me", NULL),
                     SIREN_ESTATE);
    th_at_minute(&th, k + 1);
    assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_OK);
  }
  assert_int_equal(status(e, x), SIREN_EXEC_SUCCESS);
  assert_string_equal(steps(e, x),
                      "Inspect:Success AddMetrics:Success AttachToAutoScalingGroup:Success "
                      "Validate:Success CloseIncident:Success");
  siren_step_info si = step_info(e, x, "Validate");
  assert_int_equal(si.start_time, TH_T0 + 3 * MIN);
  assert_int_equal(si.end_time, TH_T0 + 4 * MIN);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_ESTATE);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_RUNBOOK_STARTED), 1);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_RUNBOOK_FINISHED), 1);
  done(e);
}

/* --------------------------------------------------------------- branch */

static const char *branchy =
    "schemaVersion: '0.3'\n"
    "parameters:\n"
    "  Os: {type: String}\n"
    "  Cpu: {type: Integer, default: 50}\n"
    "  Dry: {type: Boolean, default: false}\n"
    "mainSteps:\n"
    "  - name: choose\n"
    "    action: aws:branch\n"
    "    inputs:\n"
    "      Choices:\n"
    "        - NextStep: windows\n"
    "          Or:\n"
    "            - {Variable: '{{ Os }}', StringEquals: Windows}\n"
    "            - {Variable: '{{ Os }}', StartsWith: Win}\n"
    "        - NextStep: hot\n"
    "          And:\n"
    "            - {Variable: '{{ Cpu }}', NumericGreater: 90}\n"
    "            - Not: {Variable: '{{ Dry }}', BooleanEquals: true}\n"
    "        - NextStep: linux\n"
    "          Variable: '{{ Os }}'\n"
    "          EqualsIgnoreCase: LINUX\n"
    "      Default: other\n"
    "  - name: windows\n    action: aws:pause\n    inputs: {}\n    isEnd: true\n"
    "  - name: hot\n    action: aws:pause\n    inputs: {}\n    isEnd: true\n"
    "  - name: linux\n    action: aws:pause\n    inputs: {}\n    isEnd: true\n"
    "  - name: other\n    action: aws:pause\n    inputs: {}\n";

static const char *branch_to(siren_engine *e, const char *os, const char *cpu, const char *dry) {
  siren_runbook_param p[3];
  const char *v[3] = {os, cpu, dry};
  const char *n[3] = {"Os", "Cpu", "Dry"};
  size_t k = 0;
  for (int i = 0; i < 3; i++) {
    if (!v[i]) continue;
    siren_runbook_param_init(&p[k], SIREN_RUNBOOK_PARAM_VERSION);
    p[k].name = n[i];
    p[k].value_count = 1;
    p[k].values = &v[i];
    k++;
  }
  siren_id x = run(e, "branchy", p, k, SIREN_MODE_AUTO);
  return current(e, x);
}

static void branch_operators(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "branchy", branchy);
  assert_string_equal(branch_to(e, "Windows", NULL, NULL), "windows");
  assert_string_equal(branch_to(e, "Win2019", NULL, NULL), "windows");
  assert_string_equal(branch_to(e, "Ubuntu", "95", NULL), "hot");
  assert_string_equal(branch_to(e, "Ubuntu", "95", "true"), "other"); /* Not(Dry) fails */
  assert_string_equal(branch_to(e, "linux", "10", NULL), "linux");
  assert_string_equal(branch_to(e, "BSD", NULL, NULL), "other");
  /* The skipped steps stay Pending. */
  siren_id x = 0;
  size_t n = 0;
  assert_int_equal(siren_executions(&x, 1, &n, e), SIREN_OK);
  assert_string_equal(steps(e, x), "choose:Success windows:Waiting hot:Pending linux:Pending other:Pending");
  /* Parameters are checked: a required one missing, a wrong type. */
  siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
  p.runbook = "branchy";
  siren_id id = 0;
  assert_int_equal(siren_execution_start(&id, e, &p), SIREN_EINVAL);
  siren_runbook_param bad;
  siren_runbook_param_init(&bad, SIREN_RUNBOOK_PARAM_VERSION);
  const char *notnum = "lots";
  bad.name = "Cpu";
  bad.value_count = 1;
  bad.values = &notnum;
  p.params = &bad;
  p.param_count = 1;
  assert_int_equal(siren_execution_start(&id, e, &p), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "Integer"));
  done(e);
}

/* ----------------------------------------------------------------- loops */

static const char *loops =
    "schemaVersion: '0.3'\n"
    "parameters:\n"
    "  Hosts: {type: StringList, default: [web-1, web-2, web-3]}\n"
    "mainSteps:\n"
    "  - name: eachHost\n"
    "    action: aws:loop\n"
    "    inputs:\n"
    "      Iterators: '{{ Hosts }}'\n"
    "      Steps:\n"
    "        - name: restart\n"
    "          action: host:restart\n"
    "          inputs: {Host: '{{ eachHost.CurrentIteratorValue }}'}\n"
    "  - name: untilHealthy\n"
    "    action: aws:loop\n"
    "    inputs:\n"
    "      MaxIterations: 5\n"
    "      LoopCondition:\n"
    "        Variable: '{{ probe.Healthy }}'\n"
    "        BooleanEquals: false\n"
    "      Steps:\n"
    "        - name: probe\n"
    "          action: host:probe\n"
    "          inputs: {Round: '{{ untilHealthy.CurrentIteration }}'}\n"
    "          outputs:\n"
    "            - {Name: Healthy, Selector: $.healthy, Type: Boolean}\n";

static void report(siren_engine *e, const char *outputs, const char *failure) {
  int i = last_action();
  assert_true(i >= 0);
  int rc = siren_action_result(e, th.notices[i].execution, th.notices[i].step,
                               th.notices[i].attempt, outputs, failure);
  if (rc) fail_msg("action_result: %s", siren_errmsg(e));
}

static void loops_both_forms(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "loops", loops);
  siren_id x = run(e, "loops", NULL, 0, SIREN_MODE_AUTO);
  const char *hosts[] = {"web-1", "web-2", "web-3"};
  for (int k = 0; k < 3; k++) {
    int i = last_action();
    assert_string_equal(th.notices[i].step, "restart");
    assert_string_equal(th.notices[i].action, "host:restart");
    char want[64];
    snprintf(want, sizeof want, "{\"Host\":\"%s\"}", hosts[k]);
    assert_string_equal(th.notices[i].inputs, want);
    report(e, "{}", NULL);
  }
  /* Do-while: probe until healthy (the third round). */
  for (int k = 1; k <= 3; k++) {
    int i = last_action();
    assert_string_equal(th.notices[i].step, "probe");
    char want[64];
    snprintf(want, sizeof want, "{\"Round\":%d}", k);
    assert_string_equal(th.notices[i].inputs, want);
    report(e, k < 3 ? "{\"Healthy\":false}" : "{\"Healthy\":true}", NULL);
  }
  assert_int_equal(status(e, x), SIREN_EXEC_SUCCESS);
  assert_int_equal(count_actions("restart"), 3);
  assert_int_equal(count_actions("probe"), 3);
  assert_int_equal(step_info(e, x, "probe").iteration, 2);
  /* MaxIterations stops a condition that never turns. */
  siren_id y = run(e, "loops", NULL, 0, SIREN_MODE_AUTO);
  for (int k = 0; k < 3; k++) report(e, "{}", NULL);
  for (int k = 0; k < 5; k++) report(e, "{\"Healthy\":false}", NULL);
  assert_int_equal(status(e, y), SIREN_EXEC_SUCCESS);
  assert_int_equal(count_actions("probe"), 3 + 5);
  /* isEnd inside a loop body ends the iteration, not the execution. */
  static const char *ends =
      "schemaVersion: '0.3'\n"
      "mainSteps:\n"
      "  - name: twice\n    action: aws:loop\n    inputs:\n      Iterators: [x, y]\n"
      "      Steps:\n"
      "        - {name: first, action: 'host:a', isEnd: true}\n"
      "        - {name: never, action: 'host:b'}\n"
      "  - {name: after, action: 'host:c'}\n";
  load(e, "ends", ends);
  siren_id z = run(e, "ends", NULL, 0, SIREN_MODE_AUTO);
  report(e, "{}", NULL);
  report(e, "{}", NULL);
  assert_string_equal(current(e, z), "after");
  report(e, "{}", NULL);
  assert_int_equal(status(e, z), SIREN_EXEC_SUCCESS);
  assert_int_equal(count_actions("first"), 2);
  assert_int_equal(count_actions("never"), 0);
  done(e);
}

/* -------------------------------------------------------------- approve */

static const char *approval =
    "schemaVersion: '0.3'\n"
    "mainSteps:\n"
    "  - name: ask\n"
    "    action: aws:approve\n"
    "    inputs:\n"
    "      Approvers: [alice, bob, carol]\n"
    "      MinRequiredApprovals: 2\n"
    "      Message: Stop the instance?\n"
    "    onFailure: step:rollback\n"
    "  - name: stop\n    action: host:stop\n    isEnd: true\n"
    "  - name: rollback\n    action: aws:pause\n    inputs: {}\n";

static void approve_two_and_reject(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "approval", approval);
  siren_id x = run(e, "approval", NULL, 0, SIREN_MODE_AUTO);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_APPROVE, NULL, "mallory", NULL),
                   SIREN_EDENIED);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_APPROVE, NULL, "alice", "ok"), SIREN_OK);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_APPROVE, NULL, "alice", NULL),
                   SIREN_EDENIED);
  assert_string_equal(current(e, x), "ask");
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_APPROVE, NULL, "bob", NULL), SIREN_OK);
  assert_string_equal(current(e, x), "stop");
  report(e, NULL, NULL);
  assert_int_equal(status(e, x), SIREN_EXEC_SUCCESS);
  assert_string_equal(steps(e, x), "ask:Success stop:Success rollback:Pending");
  /* A rejection fails the step: onFailure goes to rollback. */
  siren_id y = run(e, "approval", NULL, 0, SIREN_MODE_AUTO);
  assert_int_equal(siren_execution_signal(e, y, SIREN_SIGNAL_APPROVE, NULL, "carol", NULL), SIREN_OK);
  assert_int_equal(siren_execution_signal(e, y, SIREN_SIGNAL_REJECT, NULL, "bob", "not now"), SIREN_OK);
  assert_string_equal(current(e, y), "rollback");
  assert_non_null(strstr(step_info(e, y, "ask").failure_message, "rejected by bob"));
  assert_int_equal(siren_execution_signal(e, y, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_OK);
  /* ask is critical: the execution ends Failed although it went on. */
  assert_int_equal(status(e, y), SIREN_EXEC_FAILED);
  /* Unanswered, an approval times out after 7 days. */
  siren_id z = run(e, "approval", NULL, 0, SIREN_MODE_AUTO);
  int64_t d = siren_engine_next_deadline(e);
  assert_int_equal(d, th.now + 7 * 24 * 60 * MIN);
  th_run_until(&th, e, (double)(d - TH_T0) / 60000.0);
  assert_int_equal(step_info(e, z, "ask").status, SIREN_EXEC_TIMED_OUT);
  assert_string_equal(current(e, z), "rollback");
  done(e);
}

/* ------------------------------------------------- host actions, retries */

static const char *flaky =
    "schemaVersion: '0.3'\n"
    "parameters:\n"
    "  InstanceId: {type: String}\n"
    "mainSteps:\n"
    "  - name: describe\n"
    "    action: aws:executeAwsApi\n"
    "    timeoutSeconds: 60\n"
    "    maxAttempts: 3\n"
    "    inputs: {Service: ec2, Api: DescribeInstances, InstanceIds: ['{{ InstanceId }}']}\n"
    "    outputs:\n"
    "      - {Name: State, Selector: $.State, Type: String}\n"
    "  - name: report\n"
    "    action: host:notify\n"
    "    inputs: {Text: 'instance {{ InstanceId }} is {{ describe.State }} on {{ global:DATE }}'}\n"
    "    nextStep: finish\n"
    "  - name: skipped\n    action: aws:pause\n    inputs: {}\n"
    "  - name: finish\n    action: aws:sleep\n    inputs: {Duration: PT5M}\n"
    "outputs: [describe.State]\n";

static void host_action_times_out_twice_then_succeeds(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "flaky", flaky);
  siren_runbook_param p;
  siren_runbook_param_init(&p, SIREN_RUNBOOK_PARAM_VERSION);
  const char *id = "i-0abc";
  p.name = "InstanceId";
  p.value_count = 1;
  p.values = &id;
  siren_id x = run(e, "flaky", &p, 1, SIREN_MODE_AUTO);
  int i = last_action();
  assert_string_equal(th.notices[i].action, "aws:executeAwsApi");
  assert_string_equal(th.notices[i].inputs,
                      "{\"Service\":\"ec2\",\"Api\":\"DescribeInstances\",\"InstanceIds\":[\"i-0abc\"]}");
  assert_int_equal(th.notices[i].attempt, 1);
  /* Two attempts time out (60 s each); the third succeeds. */
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 60 * SEC);
  th.now = TH_T0 + 60 * SEC;
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  assert_int_equal(th.notices[last_action()].attempt, 2);
  /* A late report of attempt 1 is refused. */
  assert_int_equal(siren_action_result(e, x, "describe", 1, "{}", NULL), SIREN_ESTATE);
  th.now = TH_T0 + 120 * SEC;
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  assert_int_equal(th.notices[last_action()].attempt, 3);
  th.now = TH_T0 + 150 * SEC;
  assert_int_equal(siren_action_result(e, x, "describe", 3, "{\"State\":\"running\"}", NULL), SIREN_OK);
  siren_step_info si = step_info(e, x, "describe");
  assert_int_equal(si.status, SIREN_EXEC_SUCCESS);
  assert_int_equal(si.attempts, 3);
  /* The output feeds the next step; global:DATE is the engine's date. */
  i = last_action();
  assert_string_equal(th.notices[i].step, "report");
  assert_string_equal(th.notices[i].inputs, "{\"Text\":\"instance i-0abc is running on 2026-01-05\"}");
  report(e, NULL, NULL);
  /* nextStep skips a step; the sleep waits 5 minutes on the engine's clock. */
  assert_string_equal(current(e, x), "finish");
  assert_int_equal(siren_engine_next_deadline(e), th.now + 5 * MIN);
  th_run_until(&th, e, 10);
  assert_int_equal(status(e, x), SIREN_EXEC_SUCCESS);
  assert_string_equal(steps(e, x), "describe:Success report:Success skipped:Pending finish:Success");
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  assert_int_equal(siren_execution_get(&info, e, x), SIREN_OK);
  assert_string_equal(info.outputs, "{\"describe.State\":\"running\"}");
  done(e);
}

static const char *failing =
    "schemaVersion: '0.3'\n"
    "mainSteps:\n"
    "  - name: try\n    action: host:deploy\n    onFailure: step:undo\n    onCancel: step:undo\n"
    "  - name: next\n    action: host:verify\n    isEnd: true\n"
    "  - name: undo\n    action: host:rollback\n"
    "  - name: soft\n    action: host:check\n    onFailure: Continue\n"
    "  - name: last\n    action: aws:pause\n    inputs: {}\n";

static void on_failure_on_cancel_is_end(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "failing", failing);
  /* A failure with onFailure step:undo. */
  siren_id x = run(e, "failing", NULL, 0, SIREN_MODE_AUTO);
  report(e, NULL, "exit 1");
  assert_string_equal(current(e, x), "undo");
  report(e, "{}", NULL);
  /* soft fails, Continue: on to last. soft is not critical. */
  report(e, NULL, "degraded");
  assert_string_equal(current(e, x), "last");
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_OK);
  /* try was critical: Failed in the end. */
  assert_int_equal(status(e, x), SIREN_EXEC_FAILED);
  assert_string_equal(steps(e, x), "try:Failed next:Pending undo:Success soft:Failed last:Success");
  /* isEnd: success of try goes to next, which ends it. */
  siren_id y = run(e, "failing", NULL, 0, SIREN_MODE_AUTO);
  report(e, "{}", NULL);
  report(e, "{}", NULL);
  assert_int_equal(status(e, y), SIREN_EXEC_SUCCESS);
  assert_string_equal(steps(e, y), "try:Success next:Success undo:Pending soft:Pending last:Pending");
  /* Cancel runs onCancel, then the execution is Cancelled. */
  siren_id z = run(e, "failing", NULL, 0, SIREN_MODE_AUTO);
  assert_int_equal(siren_execution_stop(e, z, SIREN_STOP_CANCEL), SIREN_OK);
  assert_int_equal(status(e, z), SIREN_EXEC_CANCELLING);
  assert_string_equal(current(e, z), "undo");
  report(e, "{}", NULL);
  report(e, "{}", NULL); /* soft */
  assert_int_equal(siren_execution_signal(e, z, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_OK);
  assert_int_equal(status(e, z), SIREN_EXEC_CANCELLED);
  assert_int_equal(step_info(e, z, "try").status, SIREN_EXEC_CANCELLED);
  /* Complete: ends now as Success. */
  siren_id c = run(e, "failing", NULL, 0, SIREN_MODE_AUTO);
  assert_int_equal(siren_execution_stop(e, c, SIREN_STOP_COMPLETE), SIREN_OK);
  assert_int_equal(status(e, c), SIREN_EXEC_SUCCESS);
  assert_int_equal(siren_execution_stop(e, c, SIREN_STOP_CANCEL), SIREN_ESTATE);
  done(e);
}

static void interactive_mode(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "flaky", flaky);
  siren_runbook_param p;
  siren_runbook_param_init(&p, SIREN_RUNBOOK_PARAM_VERSION);
  const char *id = "i-1";
  p.name = "InstanceId";
  p.value_count = 1;
  p.values = &id;
  siren_id x = run(e, "flaky", &p, 1, SIREN_MODE_INTERACTIVE);
  assert_int_equal(status(e, x), SIREN_EXEC_WAITING);
  assert_int_equal(last_action(), -1); /* nothing runs before StartStep */
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_START_STEP, "describe", NULL, NULL), SIREN_OK);
  assert_string_equal(th.notices[last_action()].step, "describe");
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_START_STEP, "report", NULL, NULL), SIREN_ESTATE);
  report(e, "{\"State\":\"stopped\"}", NULL);
  assert_int_equal(status(e, x), SIREN_EXEC_WAITING);
  assert_string_equal(current(e, x), "report");
  assert_int_equal(step_info(e, x, "report").status, SIREN_EXEC_PENDING);
  /* StopStep on a running step cancels it. */
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_START_STEP, NULL, NULL, NULL), SIREN_OK);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_STOP_STEP, NULL, NULL, NULL), SIREN_OK);
  assert_int_equal(step_info(e, x, "report").status, SIREN_EXEC_CANCELLED);
  assert_int_equal(status(e, x), SIREN_EXEC_FAILED);
  done(e);
}

/* ------------------------------------------------------------ incidents */

static void incident_starts_and_resolve_cancels(void **state) {
  (void)state;
  siren_engine *e = fresh();
  th_seed(e, 1);
  load(e, "ec2-cpu-util-runbook", five_pauses);
  static const char *const eng[] = {"app-escalation-plan"};
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  rp.name = "EC2HighCPU";
  rp.title = "EC2 CPU above 85%";
  rp.impact = 3;
  rp.engagement_count = 1;
  rp.engagements = eng;
  rp.runbook = "ec2-cpu-util-runbook";
  assert_int_equal(siren_response_plan_create(e, &rp), SIREN_OK);
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "aws.cloudwatch";
  siren_id inc = 0;
  assert_int_equal(siren_incident_start(&inc, NULL, e, &ip), SIREN_OK);
  size_t n = 0;
  siren_id x = 0;
  assert_int_equal(siren_executions(&x, 1, &n, e), SIREN_OK);
  assert_int_equal(n, 1);
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  assert_int_equal(siren_execution_get(&info, e, x), SIREN_OK);
  assert_int_equal(info.incident, inc);
  assert_string_equal(info.current_step, "Inspect");
  th_at_minute(&th, 2);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_OK);
  /* Step changes are on the incident's timeline. */
  siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
  const char *types[] = {"runbook.started", "runbook.step", "runbook.finished"};
  f.event_types = types;
  f.event_type_count = 3;
  assert_int_equal(siren_timeline_events(NULL, 0, &n, e, inc, &f), SIREN_OK);
  assert_true(n >= 3);
  /* Resolving cancels what is left. */
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, inc, &u), SIREN_OK);
  assert_int_equal(status(e, x), SIREN_EXEC_CANCELLED);
  done(e);
}

/* ------------------------------------------------------------- recovery */

static void executions_survive_a_restart(void **state) {
  (void)state;
  siren_engine *e = fresh();
  load(e, "flaky", flaky);
  load(e, "approval", approval);
  siren_runbook_param p;
  siren_runbook_param_init(&p, SIREN_RUNBOOK_PARAM_VERSION);
  const char *id = "i-2";
  p.name = "InstanceId";
  p.value_count = 1;
  p.values = &id;
  siren_id x = run(e, "flaky", &p, 1, SIREN_MODE_AUTO);
  siren_id y = run(e, "approval", NULL, 0, SIREN_MODE_AUTO);
  assert_int_equal(siren_execution_signal(e, y, SIREN_SIGNAL_APPROVE, NULL, "alice", NULL), SIREN_OK);
  char before[4096];
  snprintf(before, sizeof before, "%s|%s|%s|%s", steps(e, x), steps(e, y), current(e, x),
           current(e, y));
  int64_t deadline = siren_engine_next_deadline(e);
  uint8_t *copy = malloc(th.records_len);
  assert_non_null(copy);
  memcpy(copy, th.records, th.records_len);
  size_t len = th.records_len;
  siren_engine_free(e);
  static th_host tb;
  memset(&tb, 0, sizeof tb);
  tb.now = th.now;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  assert_int_equal(th_open(&tb, copy, len, 0, &rep, &e), SIREN_OK);
  assert_int_equal(rep.stopped, 0);
  char after[4096];
  snprintf(after, sizeof after, "%s|%s|%s|%s", steps(e, x), steps(e, y), current(e, x),
           current(e, y));
  assert_string_equal(after, before);
  assert_int_equal(siren_engine_next_deadline(e), deadline);
  /* The host action still running is announced again, same attempt. */
  int again = -1;
  for (size_t i = 0; i < tb.notice_count; i++)
    if (tb.notices[i].kind == SIREN_NOTIFY_ACTION) again = (int)i;
  assert_true(again >= 0);
  assert_string_equal(tb.notices[again].step, "describe");
  assert_int_equal(tb.notices[again].attempt, 1);
  assert_int_equal(tb.notices[again].execution, x);
  assert_string_equal(tb.notices[again].inputs,
                      "{\"Service\":\"ec2\",\"Api\":\"DescribeInstances\",\"InstanceIds\":[\"i-2\"]}");
  /* The approval goes on where it was: one more makes two. */
  assert_int_equal(siren_execution_signal(e, y, SIREN_SIGNAL_APPROVE, NULL, "alice", NULL), SIREN_EDENIED);
  assert_int_equal(siren_execution_signal(e, y, SIREN_SIGNAL_APPROVE, NULL, "carol", NULL), SIREN_OK);
  assert_string_equal(current(e, y), "stop");
  /* Snapshots refuse to lose executions. */
  assert_int_equal(siren_engine_snapshot(e), SIREN_ESTATE);
  siren_engine_free(e);
  free(tb.records);
  free(copy);
  free(th.records);
  th.records = NULL;
}

static void load_errors(void **state) {
  (void)state;
  siren_engine *e = fresh();
  const char *bad = "schemaVersion: '0.3'\nmainSteps:\n  - name: a\n    action: aws:pause\n    nextStep: nope\n";
  assert_int_equal(siren_runbook_load(e, "bad", bad, strlen(bad)), SIREN_EINVAL);
  assert_non_null(strstr(siren_config_problems(e), "nope"));
  assert_int_equal(siren_runbook_count(e), 0);
  assert_int_equal(th.record_count, 0);
  assert_int_equal(siren_runbook_load(e, "bad name", five_pauses, strlen(five_pauses)), SIREN_EINVAL);
  load(e, "ok", five_pauses);
  assert_int_equal(siren_runbook_count(e), 1);
  assert_string_equal(siren_runbook_name_at(e, 0), "ok");
  /* A running execution keeps the version it started with. */
  siren_id x = run(e, "ok", NULL, 0, SIREN_MODE_AUTO);
  load(e, "ok", flaky);
  assert_string_equal(current(e, x), "Inspect");
  assert_int_equal(siren_runbook_delete(e, "ok"), SIREN_OK);
  assert_int_equal(siren_execution_signal(e, x, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), SIREN_OK);
  assert_string_equal(current(e, x), "AddMetrics");
  siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
  p.runbook = "ok";
  siren_id id = 0;
  assert_int_equal(siren_execution_start(&id, e, &p), SIREN_ENOTFOUND);
  done(e);
}

static int start_with(siren_engine *e, const char *name, const char *const *vals, size_t n) {
  siren_runbook_param p;
  siren_runbook_param_init(&p, SIREN_RUNBOOK_PARAM_VERSION);
  p.name = name;
  p.value_count = n;
  p.values = vals;
  siren_execution_params xp = SIREN_EXECUTION_PARAMS_INIT;
  xp.runbook = "rules";
  xp.params = &p;
  xp.param_count = 1;
  siren_id id = 0;
  return siren_execution_start(&id, e, &xp);
}

static void parameter_rules(void **state) {
  (void)state;
  siren_engine *e = fresh();
  static const char *doc =
      "schemaVersion: '0.3'\n"
      "parameters:\n"
      "  Env: {type: String, allowedValues: [prod, staging], default: staging}\n"
      "  Ids: {type: StringList, minItems: 1, maxItems: 2, default: [i-1]}\n"
      "  Note: {type: String, maxChars: 5, default: ok}\n"
      "mainSteps:\n  - {name: p, action: 'aws:pause', inputs: {}}\n";
  load(e, "rules", doc);
  const char *prod = "prod", *dev = "dev", *ids[3] = {"a", "b", "c"}, *long_note = "too long";
  assert_int_equal(start_with(e, "Env", &prod, 1), SIREN_OK);
  assert_int_equal(start_with(e, "Env", &dev, 1), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "allowedValues"));
  assert_int_equal(start_with(e, "Ids", ids, 2), SIREN_OK);
  assert_int_equal(start_with(e, "Ids", ids, 3), SIREN_EINVAL);
  assert_int_equal(start_with(e, "Ids", ids, 0), SIREN_EINVAL);
  assert_int_equal(start_with(e, "Note", &long_note, 1), SIREN_EINVAL);
  assert_non_null(strstr(siren_errmsg(e), "maxChars"));
  size_t n = 0;
  assert_int_equal(siren_executions(NULL, 0, &n, e), SIREN_OK);
  assert_int_equal(n, 2);
  done(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(five_pauses_walked_by_resume),
      cmocka_unit_test(branch_operators),
      cmocka_unit_test(loops_both_forms),
      cmocka_unit_test(approve_two_and_reject),
      cmocka_unit_test(host_action_times_out_twice_then_succeeds),
      cmocka_unit_test(on_failure_on_cancel_is_end),
      cmocka_unit_test(interactive_mode),
      cmocka_unit_test(incident_starts_and_resolve_cancels),
      cmocka_unit_test(executions_survive_a_restart),
      cmocka_unit_test(load_errors),
      cmocka_unit_test(parameter_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
