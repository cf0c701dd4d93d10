/*
 * libFuzzer target: runbook execution. A fixed runbook (approve, pause,
 * host actions with outputs, retries and timeouts, branch, loop, sleep,
 * onFailure/onCancel steps) is loaded, and the input is a program of
 * operations on executions of it: start (AUTO or INTERACTIVE), signals,
 * host results (success with fuzzed outputs, or failure), stop, moving the
 * clock. Invariants: no call crashes or gives an undocumented error; every
 * execution's status is a known one; the records written replay into an
 * engine whose executions have the same statuses and current steps, and
 * so does a snapshot; nothing leaks.
 */
#include "fuzz_host.h"

static const char runbook[] =
    "schemaVersion: '0.3'\n"
    "parameters:\n"
    "  Target: {type: String, default: web-1}\n"
    "  Hosts: {type: StringList, default: [a, b]}\n"
    "outputs: [check.Healthy]\n"
    "mainSteps:\n"
    "  - name: ask\n"
    "    action: aws:approve\n"
    "    inputs: {Approvers: [alice, bob], MinRequiredApprovals: 1, Message: go?}\n"
    "    onFailure: step:rollback\n"
    "    onCancel: step:rollback\n"
    "  - name: check\n"
    "    action: host:check\n"
    "    maxAttempts: 2\n"
    "    timeoutSeconds: 60\n"
    "    inputs: {Host: '{{ Target }}'}\n"
    "    outputs:\n"
    "      - {Name: Healthy, Selector: $.healthy, Type: Boolean}\n"
    "      - {Name: Count, Selector: $.count, Type: Integer}\n"
    "    onFailure: Continue\n"
    "  - name: route\n"
    "    action: aws:branch\n"
    "    inputs:\n"
    "      Choices:\n"
    "        - {NextStep: each, Variable: '{{ check.Healthy }}', BooleanEquals: true}\n"
    "        - NextStep: hold\n"
    "          Or:\n"
    "            - {Variable: '{{ check.Count }}', NumericGreater: 3}\n"
    "            - Not: {Variable: '{{ Target }}', StartsWith: web}\n"
    "      Default: rollback\n"
    "  - name: hold\n"
    "    action: aws:pause\n"
    "    inputs: {}\n"
    "  - name: each\n"
    "    action: aws:loop\n"
    "    inputs:\n"
    "      Iterators: '{{ Hosts }}'\n"
    "      Steps:\n"
    "        - {name: fix, action: 'host:fix', inputs: {Host: '{{ each.CurrentIteratorValue }}'},\n"
    "           onFailure: Continue}\n"
    "  - name: nap\n"
    "    action: aws:sleep\n"
    "    inputs: {Duration: PT1M}\n"
    "  - name: until\n"
    "    action: aws:loop\n"
    "    inputs:\n"
    "      MaxIterations: 3\n"
    "      LoopCondition: {Variable: '{{ probe.Ok }}', StringEquals: 'no'}\n"
    "      Steps:\n"
    "        - {name: probe, action: 'host:probe', timeoutSeconds: 30,\n"
    "           outputs: [{Name: Ok, Selector: $.ok, Type: String}]}\n"
    "    isEnd: true\n"
    "  - name: rollback\n"
    "    action: host:rollback\n"
    "    inputs: {}\n";

static const char *const steps[] = {"ask", "check", "route", "hold", "each", "fix",
                                    "nap", "until", "probe", "rollback", "nope", NULL};
static const char *const people[] = {"alice", "bob", "carol", NULL};

typedef struct prog {
  const uint8_t *p;
  size_t n;
} prog;

static uint8_t take(prog *g) {
  if (!g->n) return 0;
  g->n--;
  return *g->p++;
}

/* A short string from the input (up to the next 0 byte, at most 200). */
static const char *take_str(prog *g, char *buf, size_t cap) {
  size_t k = 0;
  while (g->n && k + 1 < cap && k < 200) {
    uint8_t c = take(g);
    if (c == 0) break;
    buf[k++] = (char)c;
  }
  buf[k] = '\0';
  return buf;
}

static int ok_rc(int rc) {
  return rc == SIREN_OK || rc == SIREN_EINVAL || rc == SIREN_ENOTFOUND || rc == SIREN_ESTATE ||
         rc == SIREN_EDENIED || rc == SIREN_EEXISTS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  fz_host h;
  fz_host_setup(&h);
  siren_host t = fz_host_table(1);
  siren_engine *e = NULL;
  FZ_CHECK(siren_engine_new(&e, &t, NULL, &h) == SIREN_OK);
  if (siren_runbook_load(e, "rb", runbook, sizeof runbook - 1) != SIREN_OK) {
    fprintf(stderr, "fuzz_rbexec: the fixed runbook does not load:\n%s", siren_config_problems(e));
    abort();
  }

  prog g = {data, size};
  siren_id execs[8];
  size_t nexec = 0;
  char s1[256], s2[256];
  for (int ops = 0; g.n && ops < 64; ops++) {
    uint8_t op = take(&g);
    siren_id x = nexec ? execs[take(&g) % nexec] : 1;
    int rc = SIREN_OK;
    switch (op % 8) {
    case 0: { /* start */
      siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
      siren_runbook_param rp;
      const char *vals[1];
      uint8_t m = take(&g);
      p.runbook = (m & 4) ? "missing" : "rb";
      p.mode = (m & 1) ? SIREN_MODE_INTERACTIVE : SIREN_MODE_AUTO;
      if (m & 2) {
        siren_runbook_param_init(&rp, SIREN_RUNBOOK_PARAM_VERSION);
        rp.name = "Target";
        vals[0] = take_str(&g, s1, sizeof s1);
        rp.values = vals;
        rp.value_count = 1;
        p.params = &rp;
        p.param_count = 1;
      }
      siren_id id = 0;
      rc = siren_execution_start(&id, e, &p);
      if (rc == SIREN_OK && nexec < 8) execs[nexec++] = id;
      break;
    }
    case 1: { /* signal */
      uint8_t k = take(&g);
      const char *step = (k & 0x80) ? NULL : steps[(k >> 3) % 11];
      rc = siren_execution_signal(e, x, (siren_signal)(1 + k % 5), step, people[take(&g) % 3],
                                  (k & 0x40) ? "why" : NULL);
      break;
    }
    case 2: /* the last host action succeeds, with outputs from the input */
      rc = siren_action_result(e, h.exec ? h.exec : x, h.step, h.attempt,
                               take_str(&g, s1, sizeof s1), NULL);
      break;
    case 3: /* it fails */
      rc = siren_action_result(e, h.exec ? h.exec : x, h.step, h.attempt, NULL,
                               take(&g) & 1 ? "boom" : "");
      break;
    case 4: /* a result for a named step and attempt */
      rc = siren_action_result(e, x, steps[take(&g) % 11], take(&g) % 4, "{\"healthy\":true,\"count\":5,\"ok\":\"yes\"}",
                               NULL);
      break;
    case 5:
      rc = siren_execution_stop(e, x, (siren_stop_type)(1 + take(&g) % 2));
      break;
    case 6: { /* the clock moves 0..255 s, or minutes */
      uint8_t k = take(&g);
      h.now += (k & 0x80) ? (int64_t)(k & 0x7f) * 60000 : (int64_t)k * 1000;
      rc = siren_engine_advance(e, NULL);
      break;
    }
    default: { /* a fixed, plausible result for the last action */
      static const char *const outs[] = {"{\"healthy\":true}", "{\"healthy\":false,\"count\":7}",
                                         "{\"ok\":\"no\"}", "{\"ok\":\"yes\"}", "{}", "[1]"};
      rc = siren_action_result(e, h.exec, h.step, h.attempt, outs[take(&g) % 6], NULL);
      (void)take_str(&g, s2, sizeof s2);
      break;
    }
    }
    FZ_CHECK(ok_rc(rc));
  }

  size_t total = 0;
  FZ_CHECK(siren_executions(NULL, 0, &total, e) == SIREN_OK);
  FZ_CHECK(total == nexec || total > nexec); /* client tokens are not used: one per start */
  for (size_t i = 0; i < nexec; i++) {
    siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
    FZ_CHECK(siren_execution_get(&info, e, execs[i]) == SIREN_OK);
    FZ_CHECK(info.status >= SIREN_EXEC_PENDING && info.status <= SIREN_EXEC_EXITED);
    FZ_CHECK(siren_exec_status_name(info.status)[0] != '\0');
    for (uint32_t k = 0; k < info.step_count; k++) {
      siren_step_info si = SIREN_STEP_INFO_INIT;
      FZ_CHECK(siren_execution_step_at(&si, e, execs[i], k) == SIREN_OK);
      FZ_CHECK(si.status >= SIREN_EXEC_PENDING && si.status <= SIREN_EXEC_EXITED);
    }
  }

  /* The records replay to the same executions; so does a snapshot. */
  fz_host h2;
  fz_host_setup(&h2);
  h2.now = h.now;
  siren_open_report rep;
  siren_engine *e2 = fz_reopen(&h2, &h.rec, &rep);
  FZ_CHECK(e2 != NULL);
  FZ_CHECK(!rep.stopped);
  for (size_t i = 0; i < nexec; i++) {
    siren_execution_info a = SIREN_EXECUTION_INFO_INIT, b = SIREN_EXECUTION_INFO_INIT;
    FZ_CHECK(siren_execution_get(&a, e, execs[i]) == SIREN_OK);
    FZ_CHECK(siren_execution_get(&b, e2, execs[i]) == SIREN_OK);
    FZ_CHECK(a.status == b.status);
    FZ_CHECK(strcmp(a.current_step, b.current_step) == 0);
    FZ_CHECK(strcmp(a.outputs, b.outputs) == 0);
  }
  siren_engine_free(e2);
  fz_records_free(&h2.rec);
  FZ_CHECK(h2.alloc.live == 0);
  fz_snapshot_roundtrip(&h, e);

  siren_engine_free(e);
  fz_records_free(&h.rec);
  FZ_CHECK(h.alloc.live == 0);
  return 0;
}
