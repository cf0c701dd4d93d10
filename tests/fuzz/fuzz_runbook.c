/*
 * libFuzzer target: the runbook loader (sr_runbook_build, and
 * siren_runbook_load through an engine). The input is the document.
 * Invariants: a built runbook's step graph only names steps that exist,
 * loop bodies lie inside the step table, names find their step; a refused
 * document lists at least one problem; the engine load agrees with the
 * builder and a failed one changes nothing; one failed allocation gives
 * ENOMEM (or the same refusal) and nothing leaks.
 */
#include "fuzz_host.h"
#include "runbook.h"

static void check_cond(const sr_rb_cond *c, int depth) {
  FZ_CHECK(depth < 1000);
  FZ_CHECK(c->op >= SR_C_AND && c->op <= SR_C_BOOL_EQ);
  if (c->op == SR_C_AND || c->op == SR_C_OR || c->op == SR_C_NOT) {
    FZ_CHECK(c->sub_count > 0 && c->sub != NULL);
    if (c->op == SR_C_NOT) FZ_CHECK(c->sub_count == 1);
    for (size_t i = 0; i < c->sub_count; i++) check_cond(&c->sub[i], depth + 1);
  } else {
    FZ_CHECK(c->variable != NULL);
    FZ_CHECK(c->operand != NULL);
  }
}

static void check_runbook(const sr_runbook *rb) {
  size_t n = rb->step_count;
  FZ_CHECK(n <= SR_RB_MAX_STEPS);
  FZ_CHECK(rb->main_count <= n);
  FZ_CHECK(rb->main_count > 0);
  FZ_CHECK(rb->param_count == 0 || rb->params != NULL);
  for (size_t i = 0; i < rb->param_count; i++) {
    FZ_CHECK(rb->params[i].name != NULL);
    FZ_CHECK(rb->params[i].type >= SR_PT_STRING && rb->params[i].type <= SR_PT_STRINGMAP);
  }
  for (size_t i = 0; i < n; i++) {
    const sr_rb_step *s = &rb->steps[i];
    FZ_CHECK(s->name != NULL && s->action != NULL);
    FZ_CHECK(sr_runbook_step(rb, s->name) == i);
    FZ_CHECK(s->max_attempts >= 1);
    FZ_CHECK(s->next_step == SR_NONE || s->next_step < n);
    if (s->on_failure == SR_ON_STEP) FZ_CHECK(s->on_failure_step < n);
    if (s->on_cancel == SR_ON_STEP) FZ_CHECK(s->on_cancel_step < n);
    FZ_CHECK(s->loop == SR_NONE || (s->loop < n && rb->steps[s->loop].kind == SR_ACT_LOOP));
    FZ_CHECK((i < rb->main_count) == (s->loop == SR_NONE));
    FZ_CHECK(s->output_count == 0 || s->outputs != NULL);
    if (s->kind == SR_ACT_BRANCH) {
      FZ_CHECK(s->branch_default == SR_NONE || s->branch_default < n);
      for (size_t k = 0; k < s->choice_count; k++) {
        FZ_CHECK(s->choices[k].next < n);
        check_cond(&s->choices[k].cond, 0);
      }
    }
    if (s->kind == SR_ACT_LOOP) {
      FZ_CHECK(s->body_first >= rb->main_count || s->body_count == 0);
      FZ_CHECK((size_t)s->body_first + s->body_count <= n);
      FZ_CHECK(s->max_iterations <= SR_RB_MAX_ITERATIONS);
      for (uint32_t k = 0; k < s->body_count; k++) FZ_CHECK(rb->steps[s->body_first + k].loop == i);
      if (s->has_condition) check_cond(&s->loop_condition, 0);
    }
  }
  FZ_CHECK(sr_runbook_step(rb, "") == SR_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  fz_alloc a = {0, 0, 0, 0};
  sr_mem mem = {fz_alloc_fn, fz_realloc_fn, fz_free_fn, &a};
  sr_buf problems = {&mem, NULL, 0, 0, 0};
  sr_runbook *rb = NULL;
  int rc = sr_runbook_build(&mem, "fz", text, size, &rb, &problems);
  FZ_CHECK(rc == SIREN_OK || rc == SIREN_EINVAL);
  size_t allocs = a.count;
  if (rc == SIREN_OK) {
    FZ_CHECK(rb != NULL && rb->refs == 1 && strcmp(rb->name, "fz") == 0);
    check_runbook(rb);
    sr_runbook_release(&mem, rb);
  } else {
    FZ_CHECK(problems.n > 0 && problems.p != NULL);
  }
  sr_free(&mem, problems.p);
  FZ_CHECK(a.live == 0);

  /* Through an engine: the same verdict; a refusal changes nothing. */
  fz_host h;
  fz_host_setup(&h);
  siren_host t = fz_host_table(1);
  siren_engine *e = NULL;
  FZ_CHECK(siren_engine_new(&e, &t, NULL, &h) == SIREN_OK);
  int rc2 = siren_runbook_load(e, "fz", text, size);
  FZ_CHECK(rc2 == rc);
  FZ_CHECK(siren_runbook_count(e) == (rc == SIREN_OK ? 1u : 0u));
  if (rc2 == SIREN_OK) {
    siren_runbook_info info = SIREN_RUNBOOK_INFO_INIT;
    FZ_CHECK(siren_runbook_get(&info, e, "fz") == SIREN_OK);
    FZ_CHECK(info.step_count >= 1);
    fz_snapshot_roundtrip(&h, e);
  } else {
    FZ_CHECK(siren_config_problems(e)[0] != '\0');
  }
  siren_engine_free(e);
  fz_records_free(&h.rec);
  FZ_CHECK(h.alloc.live == 0);

  /* One allocation fails. */
  if (allocs > 0) {
    a.count = 0;
    a.fail_at = 1 + fz_hash(data, size) % allocs;
    a.failed = 0;
    sr_buf p2 = {&mem, NULL, 0, 0, 0};
    rb = NULL;
    int rc3 = sr_runbook_build(&mem, "fz", text, size, &rb, &p2);
    if (a.failed) {
      FZ_CHECK(rc3 == SIREN_ENOMEM || (rc == SIREN_EINVAL && rc3 == SIREN_EINVAL));
      if (rc3 == SIREN_ENOMEM) FZ_CHECK(rb == NULL);
    } else {
      FZ_CHECK(rc3 == rc);
    }
    if (rc3 == SIREN_OK) sr_runbook_release(&mem, rb);
    sr_free(&mem, p2.p);
    FZ_CHECK(a.live == 0);
  }
  return 0;
}
