/*
 * siren-sim's runbook actions, the simulated host's side of runbook steps,
 * and the JSON lines for siren's runbook events (types 28-30).
 *
 * Scenario events, in the SSM Automation API's shape (camelCase keys, matched
 * case-insensitively; siren-sim --help says them too):
 *  - LoadRunbook {name?, file | content}: file is relative to the scenario
 *    (YAML or JSON; name defaults to its base name without .yaml/.yml/.json);
 *    content is the document inline, as text or as a mapping.
 *  - StartAutomationExecution, SendAutomationSignal, StopAutomationExecution,
 *    GetAutomationExecution.
 *  - CompleteAction: what the host reports when a step siren handed it ends.
 *  - HostActions: replaces the scenario's actions: table (below).
 *  An execution is named by `execution` (its id, as runbook.started prints it)
 *  or `automationExecutionId`; without one, the most recently started.
 *
 * The host: siren hands it every step it does not run itself
 * (aws:executeScript, aws:executeAwsApi, host-defined names) as a
 * SIREN_NOTIFY_ACTION notification. siren-sim prints it (action.requested) and
 * remembers the attempt, so that CompleteAction can name it by default. When
 * the scenario's actions: table names the step or its action, the host also
 * reports the result itself, `after` a delay on the simulated clock (a
 * callback may not call back into siren, so results wait in a queue that the
 * clock loop drains). A result for an attempt that has meanwhile timed out or
 * been cancelled is refused by siren; the host drops it.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

const char sim_runbook_actions[] =
    "LoadRunbook, StartAutomationExecution, SendAutomationSignal, StopAutomationExecution, "
    "CompleteAction, GetAutomationExecution, HostActions";

#define TRY(x)             \
  do {                     \
    int rc_ = (x);         \
    if (rc_) return rc_;   \
  } while (0)

/* ------------------------------------------------------ reading values */

static const sr_doc_node *get(const sr_doc_node *m, const char *k) {
  const sr_doc_node *n = sr_doc_get_ci(m, k);
  return n && n->kind != SR_DOC_NULL ? n : NULL;
}

static int get_str(const ctx *c, const sr_doc_node *m, const char *k, const char **out) {
  const sr_doc_node *n = get(m, k);
  if (!n) return 0;
  if (!sr_doc_is_scalar(n)) return sim_fail_at(c, n, "%s: expected a string", k);
  *out = n->str;
  return 0;
}

static int nomem(const ctx *c, const sr_doc_node *n) {
  return sim_fail_at(c, n, "%sout of memory", "");
}

/* A node as JSON text that lives until the action is done. */
static const char *tmp_json(const ctx *c, const sr_doc_node *n) {
  char *j = sim_node_json(n);
  char *copy = j ? sim_tmp_alloc(c->s, strlen(j) + 1) : NULL;
  if (copy) memcpy(copy, j, strlen(j) + 1);
  free(j);
  return copy;
}

/* One of names (NULL-terminated) by its text: its index, or -1. */
static int one_of(const char *s, const char *const *names) {
  for (int i = 0; s && names[i]; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* ------------------------------------------------------------- naming */

static int pick_execution(const ctx *c, const sr_doc_node *a, siren_id *out) {
  static const char *const keys[] = {"execution", "automationExecutionId"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    const sr_doc_node *n = get(a, keys[k]);
    if (!n) continue;
    if (n->kind == SR_DOC_INT && n->i > 0) {
      *out = (siren_id)n->i;
      return 0;
    }
    return sim_fail_at(c, n, "%s: expected an execution id (as runbook.started prints it)", keys[k]);
  }
  size_t total = 0;
  siren_executions(NULL, 0, &total, c->e);
  if (!total) {
    fprintf(stderr, "%s:%u:%u: no automation execution has started yet\n", c->file, a->line, a->col);
    return 1;
  }
  *out = (siren_id)total;
  return 0;
}

/* ------------------------------------------------------------ runbooks */

/* Each problem siren lists, on its own line, after prefix. */
static void print_problems(const char *prefix, const char *problems) {
  for (const char *p = problems; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    fprintf(stderr, "%s%.*s\n", prefix, (int)n, p);
    p += n + (nl ? 1 : 0);
  }
}

static int load_runbook(const ctx *c, const char *action, const sr_doc_node *a) {
  if (a->kind != SR_DOC_MAP) return sim_fail_at(c, a, "%sLoadRunbook: expected {name, file or content}", "");
  const char *name = NULL, *file = NULL, *content = NULL;
  TRY(get_str(c, a, "name", &name));
  TRY(get_str(c, a, "file", &file));
  TRY(sim_text_or_json(c, a, "content", &content));
  if (!file == !content) return sim_fail_at(c, a, "%sLoadRunbook: give file or content (one of them)", "");
  char base[256];
  if (!name) {
    if (!file) return sim_fail_at(c, a, "%sLoadRunbook: name is required with content", "");
    const char *b = strrchr(file, '/');
    b = b ? b + 1 : file;
    size_t n = strlen(b);
    static const char *const exts[] = {".yaml", ".yml", ".json"};
    for (size_t k = 0; k < 3; k++) {
      size_t el = strlen(exts[k]);
      if (n > el && strcmp(b + n - el, exts[k]) == 0) {
        n -= el;
        break;
      }
    }
    snprintf(base, sizeof base, "%.*s", (int)(n < sizeof base ? n : sizeof base - 1), b);
    name = base;
  }
  char path[4096];
  char *text = NULL;
  size_t len = 0;
  if (file) {
    sim_path(c->file, file, path);
    text = sim_read_file(path, &len);
    if (!text) return sim_fail_at(c, get(a, "file"), "LoadRunbook: cannot read \"%s\"", path);
  } else {
    len = strlen(content);
  }
  int rc = siren_runbook_load(c->e, name, file ? text : content, len);
  free(text);
  if (rc == SIREN_EINVAL) {
    /* A document siren refuses is malformed input: exit 2, each problem
     * with its line:column (in the file, or in the inline content). */
    const char *problems = siren_config_problems(c->e);
    char prefix[4200];
    const sr_doc_node *at = file ? get(a, "file") : get(a, "content");
    if (!*problems) {
      fprintf(stderr, "%s:%u:%u: %s: %s\n", c->file, a->line, a->col, action, siren_errmsg(c->e));
    } else if (file) {
      snprintf(prefix, sizeof prefix, "%s:", path);
      print_problems(prefix, problems);
    } else {
      snprintf(prefix, sizeof prefix, "%s:%u:%u: %s \"%s\": content ", c->file, at->line, at->col,
               action, name);
      print_problems(prefix, problems);
    }
    return 2;
  }
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* ----------------------------------------------------------- executions */

/* parameters {name: [values]} or {name: value}; a mapping, or a list that
 * holds mappings, is given as one JSON text (MapList, StringMap). */
static int read_params(const ctx *c, const sr_doc_node *n, siren_execution_params *p) {
  if (!n) return 0;
  if (n->kind != SR_DOC_MAP)
    return sim_fail_at(c, n, "%sparameters: expected a mapping of name: [values] (or name: value)", "");
  siren_runbook_param *q = sim_tmp_alloc(c->s, n->count * sizeof *q);
  if (!q) return nomem(c, n);
  for (size_t i = 0; i < n->count; i++) {
    const sr_doc_node *v = n->pairs[i].value;
    siren_runbook_param_init(&q[i], SIREN_RUNBOOK_PARAM_VERSION);
    q[i].name = n->pairs[i].key->str;
    int scalars = v->kind == SR_DOC_SEQ;
    for (size_t k = 0; scalars && k < v->count; k++)
      scalars = sr_doc_is_scalar(v->items[k]) && v->items[k]->kind != SR_DOC_NULL;
    if (scalars) {
      const char **vals = sim_tmp_alloc(c->s, v->count * sizeof *vals);
      if (!vals) return nomem(c, v);
      for (size_t k = 0; k < v->count; k++) vals[k] = v->items[k]->str;
      q[i].values = vals;
      q[i].value_count = v->count;
      continue;
    }
    const char **one = sim_tmp_alloc(c->s, sizeof *one);
    if (!one) return nomem(c, v);
    if (sr_doc_is_scalar(v) && v->kind != SR_DOC_NULL) {
      one[0] = v->str;
    } else if (v->kind == SR_DOC_MAP || v->kind == SR_DOC_SEQ) {
      if (!(one[0] = tmp_json(c, v))) return nomem(c, v);
    } else {
      return sim_fail_at(c, v, "%s: expected a value or a list of values", q[i].name);
    }
    q[i].values = one;
    q[i].value_count = 1;
  }
  p->params = q;
  p->param_count = n->count;
  return 0;
}

static int start_execution(const ctx *c, const char *action, const sr_doc_node *a) {
  static const char *const modes[] = {"Auto", "Interactive", NULL};
  siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
  TRY(get_str(c, a, "runbook", &p.runbook));
  if (!p.runbook) TRY(get_str(c, a, "documentName", &p.runbook));
  if (!p.runbook) return sim_fail_at(c, a, "%s: runbook (or documentName) is required", action);
  const char *mode = NULL;
  TRY(get_str(c, a, "mode", &mode));
  if (mode && one_of(mode, modes) < 0)
    return sim_fail_at(c, get(a, "mode"), "mode \"%s\": expected Auto or Interactive", mode);
  p.mode = mode && one_of(mode, modes) == 1 ? SIREN_MODE_INTERACTIVE : SIREN_MODE_AUTO;
  TRY(get_str(c, a, "clientToken", &p.client_token));
  if (get(a, "incident") || get(a, "arn") || get(a, "incidentRecordArn"))
    TRY(sim_pick_incident(c, a, &p.incident));
  TRY(read_params(c, get(a, "parameters"), &p));
  siren_id id = 0;
  int rc = siren_execution_start(&id, c->e, &p);
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

static int signal_execution(const ctx *c, const char *action, const sr_doc_node *a) {
  static const char *const types[] = {"Approve", "Reject", "Resume", "StartStep", "StopStep", NULL};
  siren_id x = 0;
  TRY(pick_execution(c, a, &x));
  const char *type = NULL, *step = NULL, *approver = NULL, *comment = NULL;
  TRY(get_str(c, a, "signalType", &type));
  int k = one_of(type, types);
  if (k < 0)
    return sim_fail_at(c, get(a, "signalType") ? get(a, "signalType") : a,
                       "signalType \"%s\": expected Approve, Reject, Resume, StartStep or StopStep",
                       type);
  TRY(get_str(c, a, "step", &step));
  if (!step) TRY(get_str(c, a, "stepName", &step));
  TRY(get_str(c, a, "approver", &approver));
  TRY(get_str(c, a, "comment", &comment));
  int rc = siren_execution_signal(c->e, x, (siren_signal)(SIREN_SIGNAL_APPROVE + k), step, approver,
                                  comment);
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

static int stop_execution(const ctx *c, const char *action, const sr_doc_node *a) {
  static const char *const types[] = {"Cancel", "Complete", NULL};
  siren_id x = 0;
  TRY(pick_execution(c, a, &x));
  const char *type = NULL;
  TRY(get_str(c, a, "type", &type));
  if (type && one_of(type, types) < 0)
    return sim_fail_at(c, get(a, "type"), "type \"%s\": expected Cancel or Complete", type);
  int rc = siren_execution_stop(c->e, x, type && one_of(type, types) == 1 ? SIREN_STOP_COMPLETE
                                                                          : SIREN_STOP_CANCEL);
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* CompleteAction {execution?, step?, attempt?, outputs? | failure?}: step
 * defaults to the last action siren asked of that execution, attempt to the
 * last one it asked for of that step. */
static int complete_action(const ctx *c, const char *action, const sr_doc_node *a) {
  const sim *s = c->s;
  siren_id x = 0;
  TRY(pick_execution(c, a, &x));
  const char *step = NULL, *outputs = NULL, *failure = NULL;
  TRY(get_str(c, a, "step", &step));
  if (!step) TRY(get_str(c, a, "stepName", &step));
  TRY(sim_text_or_json(c, a, "outputs", &outputs));
  TRY(get_str(c, a, "failure", &failure));
  if (outputs && failure) return sim_fail_at(c, a, "%sCompleteAction: give outputs or failure, not both", "");
  const sim_action *last = NULL;
  for (size_t i = s->nacts; i-- > 0 && !last;)
    if (s->acts[i].execution == x && (!step || strcmp(s->acts[i].step, step) == 0)) last = &s->acts[i];
  if (!step && !last) {
    fprintf(stderr, "%s:%u:%u: %s: siren has asked execution %llu for no action yet\n", c->file,
            a->line, a->col, action, (unsigned long long)x);
    return 1;
  }
  if (!step) step = last->step;
  int64_t attempt = last ? last->attempt : 1;
  const sr_doc_node *an = get(a, "attempt");
  if (an) {
    if (an->kind != SR_DOC_INT || an->i < 1 || an->i > UINT32_MAX)
      return sim_fail_at(c, an, "%sattempt: expected a number from 1", "");
    attempt = an->i;
  }
  int rc = siren_action_result(c->e, x, step, (uint32_t)attempt, outputs, failure);
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* ------------------------------------------------------------ queries */

/* GetAutomationExecution {execution?}: an execution.record line, then one
 * execution.step line per step (mainSteps in document order, then loop
 * bodies; steps not run are Pending). */
static int get_execution(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id x = 0;
  TRY(pick_execution(c, a, &x));
  siren_execution_info i = SIREN_EXECUTION_INFO_INIT;
  if (siren_execution_get(&i, c->e, x) != SIREN_OK) return sim_api_fail(c, a, action);
  if (c->s->quiet) return 0;
  FILE *f = c->s->out;
  sim_line(c->s, "execution.record");
  fprintf(f, ",\"execution\":%llu", (unsigned long long)x);
  sim_field_s(f, "runbook", i.runbook);
  sim_field_s(f, "status", siren_exec_status_name(i.status));
  sim_field_s(f, "mode", i.mode == SIREN_MODE_INTERACTIVE ? "Interactive" : "Auto");
  if (i.incident) sim_field_s(f, "incident", sim_incident_arn(c, i.incident));
  sim_field_time(f, "started", i.start_time);
  if (i.end_time) sim_field_time(f, "ended", i.end_time);
  if (*i.current_step) sim_field_s(f, "currentStep", i.current_step);
  if (*i.failure_message) sim_field_s(f, "failure", i.failure_message);
  fprintf(f, ",\"parameters\":%s,\"outputs\":%s,\"steps\":%u}\n", i.parameters, i.outputs,
          i.step_count);
  for (uint32_t k = 0; k < i.step_count; k++) {
    siren_step_info si = SIREN_STEP_INFO_INIT;
    if (siren_execution_step_at(&si, c->e, x, k) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "execution.step");
    fprintf(f, ",\"execution\":%llu,\"index\":%u", (unsigned long long)x, k);
    sim_field_s(f, "step", si.name);
    sim_field_s(f, "action", si.action);
    sim_field_s(f, "status", siren_exec_status_name(si.status));
    fprintf(f, ",\"attempts\":%u", si.attempts);
    if (si.start_time) sim_field_time(f, "started", si.start_time);
    if (si.end_time) sim_field_time(f, "ended", si.end_time);
    if (si.iteration) fprintf(f, ",\"iteration\":%u", si.iteration);
    if (*si.inputs) fprintf(f, ",\"inputs\":%s", si.inputs);
    if (*si.outputs) fprintf(f, ",\"outputs\":%s", si.outputs);
    if (*si.failure_message) sim_field_s(f, "failure", si.failure_message);
    fputs("}\n", f);
  }
  return 0;
}

/* -------------------------------------------------------- the host side */

/* The actions: table: {step or action name: {outputs | failure, after?}}. */
int sim_set_host_actions(const ctx *c, const sr_doc_node *t) {
  static const char *const keys[] = {"outputs", "failure", "after", NULL};
  if (!t || t->kind == SR_DOC_NULL) {
    c->s->host_actions = NULL;
    return 0;
  }
  if (t->kind != SR_DOC_MAP)
    return sim_fail_at(c, t, "%sactions: expected a mapping of step or action name: {outputs | "
                             "failure, after?}", "");
  for (size_t i = 0; i < t->count; i++) {
    const char *name = t->pairs[i].key->str;
    const sr_doc_node *v = t->pairs[i].value;
    if (v->kind != SR_DOC_MAP)
      return sim_fail_at(c, v, "actions: %s: expected {outputs | failure, after?}", name);
    for (size_t k = 0; k < v->count; k++)
      if (one_of(v->pairs[k].key->str, keys) < 0)
        return sim_fail_at(c, v->pairs[k].key, "actions: unknown key \"%s\" (outputs, failure, after)",
                           v->pairs[k].key->str);
    const sr_doc_node *out = get(v, "outputs"), *fail = get(v, "failure"), *after = get(v, "after");
    if (!out == !fail)
      return sim_fail_at(c, v, "actions: %s: give outputs or failure (one of them)", name);
    if (out && out->kind != SR_DOC_MAP)
      return sim_fail_at(c, out, "actions: %s: outputs: expected a mapping", name);
    if (fail && (fail->kind != SR_DOC_STRING || !*fail->str))
      return sim_fail_at(c, fail, "actions: %s: failure: expected a message", name);
    int64_t d;
    if (after && (after->kind != SR_DOC_STRING || sim_parse_duration(after->str, &d) != 0))
      return sim_fail_at(c, after, "actions: %s: after: expected an ISO 8601 duration (PT30S)", name);
  }
  c->s->host_actions = t;
  return 0;
}

/* The table's entry for a step (by its name, else by its action), or NULL. */
static const sr_doc_node *behaviour(const sim *s, const char *step, const char *action) {
  const sr_doc_node *t = s->host_actions;
  for (size_t i = 0; t && i < t->count; i++)
    if (strcmp(t->pairs[i].key->str, step) == 0) return t->pairs[i].value;
  for (size_t i = 0; t && i < t->count; i++)
    if (strcmp(t->pairs[i].key->str, action) == 0) return t->pairs[i].value;
  return NULL;
}

static int oom(sim *s) {
  s->nomem = 1;
  return 1;
}

int sim_action_requested(sim *s, const siren_notification *n) {
  if (!s->quiet) {
    char t[64];
    sim_fmt_time(n->time, t);
    fprintf(s->out, "{\"t\":\"%s\",\"event\":\"action.requested\",\"execution\":%llu", t,
            (unsigned long long)n->execution);
    sim_field_s(s->out, "step", n->step);
    sim_field_s(s->out, "action", n->action);
    fprintf(s->out, ",\"attempt\":%u,\"inputs\":%s}\n", n->attempt, n->inputs);
  }
  if (s->nacts == s->actcap) {
    size_t cap = s->actcap ? s->actcap * 2 : 16;
    sim_action *v = realloc(s->acts, cap * sizeof *v);
    if (!v) return oom(s);
    s->acts = v;
    s->actcap = cap;
  }
  sim_action *a = &s->acts[s->nacts++];
  a->execution = n->execution;
  snprintf(a->step, sizeof a->step, "%s", n->step);
  a->attempt = n->attempt;
  const sr_doc_node *b = behaviour(s, n->step, n->action);
  if (!b) return 0;
  if (s->nautos == s->autocap) {
    size_t cap = s->autocap ? s->autocap * 2 : 16;
    sim_auto *v = realloc(s->autos, cap * sizeof *v);
    if (!v) return oom(s);
    s->autos = v;
    s->autocap = cap;
  }
  sim_auto *q = &s->autos[s->nautos];
  int64_t after = 0;
  const sr_doc_node *an = get(b, "after"), *out = get(b, "outputs"), *fail = get(b, "failure");
  if (an) sim_parse_duration(an->str, &after); /* checked when the table was set */
  q->due = n->time + after;
  q->execution = n->execution;
  snprintf(q->step, sizeof q->step, "%s", n->step);
  q->attempt = n->attempt;
  q->failure = fail ? fail->str : NULL;
  q->outputs = out ? sim_node_json(out) : NULL;
  if (out && !q->outputs) return oom(s);
  s->nautos++;
  return 0;
}

int64_t sim_next_auto(const sim *s) {
  int64_t due = INT64_MAX;
  for (size_t i = 0; i < s->nautos; i++)
    if (s->autos[i].due < due) due = s->autos[i].due;
  return due;
}

int sim_run_auto(const ctx *c) {
  sim *s = c->s;
  size_t first = 0;
  for (size_t i = 1; i < s->nautos; i++)
    if (s->autos[i].due < s->autos[first].due) first = i;
  if (first >= s->nautos) return 0;
  sim_auto q = s->autos[first];
  memmove(&s->autos[first], &s->autos[first + 1], (s->nautos - first - 1) * sizeof q);
  s->nautos--;
  int rc = siren_action_result(c->e, q.execution, q.step, q.attempt, q.outputs, q.failure);
  free(q.outputs);
  /* SIREN_ESTATE: the attempt timed out or was cancelled before the host
   * answered; siren refuses the late result and the host drops it. */
  if (rc && rc != SIREN_ESTATE && rc != SIREN_ECALLBACK) {
    fprintf(stderr, "%s: actions: execution %llu step %s attempt %u: %s\n", c->file,
            (unsigned long long)q.execution, q.step, q.attempt, siren_errmsg(c->e));
    return 1;
  }
  return s->nomem ? sim_fail_at(c, NULL, "%sout of memory", "") : 0;
}

void sim_runbooks_free(sim *s) {
  for (size_t i = 0; i < s->nautos; i++) free(s->autos[i].outputs);
  free(s->autos);
  free(s->acts);
  s->autos = NULL;
  s->acts = NULL;
  s->nautos = s->nacts = 0;
}

/* ------------------------------------------------------------ dispatch */

int sim_runbook_action(const ctx *c, const char *action, const sr_doc_node *a) {
  if (strcmp(action, "LoadRunbook") == 0) return load_runbook(c, action, a);
  if (strcmp(action, "StartAutomationExecution") == 0) return start_execution(c, action, a);
  if (strcmp(action, "SendAutomationSignal") == 0) return signal_execution(c, action, a);
  if (strcmp(action, "StopAutomationExecution") == 0) return stop_execution(c, action, a);
  if (strcmp(action, "CompleteAction") == 0) return complete_action(c, action, a);
  if (strcmp(action, "GetAutomationExecution") == 0) return get_execution(c, action, a);
  if (strcmp(action, "HostActions") == 0) return sim_set_host_actions(c, a);
  return -1;
}

/* ------------------------------------------------------- event printing */

int sim_print_runbook_event(FILE *f, const siren_event *ev) {
  switch (ev->type) {
  case SIREN_EVENT_RUNBOOK_STARTED:
    fprintf(f, ",\"execution\":%llu", (unsigned long long)ev->related);
    sim_field_s(f, "runbook", ev->text);
    if (ev->incident_id && *ev->incident_id) sim_field_s(f, "incident", ev->incident_id);
    break;
  case SIREN_EVENT_RUNBOOK_STEP:
    fprintf(f, ",\"execution\":%llu", (unsigned long long)ev->related);
    sim_field_s(f, "step", ev->channel);
    sim_field_s(f, "status", ev->reason);
    if (ev->text && *ev->text) sim_field_s(f, "failure", ev->text);
    break;
  case SIREN_EVENT_RUNBOOK_FINISHED:
    fprintf(f, ",\"execution\":%llu", (unsigned long long)ev->related);
    sim_field_s(f, "status", ev->reason);
    if (ev->text && *ev->text) sim_field_s(f, "failure", ev->text);
    break;
  default:
    return 0;
  }
  return 1;
}
