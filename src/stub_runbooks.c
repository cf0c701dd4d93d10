/*
 * Runbooks left out of this build (meson -Drunbooks=false): runbook.c,
 * runbook_load.c and runbook_expr.c are replaced by this file.
 *
 * The public functions stay (the exports are those of the full library) and
 * return SIREN_EUNSUPPORTED with "siren was built without runbooks" in
 * siren_errmsg(). The internal ones keep the rest of the engine working as
 * if no runbook had ever been loaded: a response plan's runbook is never
 * found (the incident records "runbook.pending"), no execution runs, and a
 * record stream that holds runbook records is refused by siren_engine_open()
 * (sr_runbook_prepare() fails with SIREN_EUNSUPPORTED) instead of being cut.
 */
#include <stdio.h>

#include "internal.h"

static const char without[] = "siren was built without runbooks";

static int unsupported(siren_engine *e) {
  int rc = sr_query(e);
  return rc ? rc : sr_err(e, SIREN_EUNSUPPORTED, "%s", without);
}

/* ------------------------------------------------------------ public API */

SIREN_EXTERN const char *siren_exec_status_name(siren_exec_status st) {
  static const char *const names[] = {"",        "Pending", "InProgress", "Waiting",
                                      "Success", "TimedOut", "Cancelling", "Cancelled",
                                      "Failed",  "Exited"};
  return st >= SIREN_EXEC_PENDING && st <= SIREN_EXEC_EXITED ? names[st] : "";
}

SIREN_EXTERN int siren_runbook_load(siren_engine *e, const char *name, const char *text,
                                    size_t length) {
  (void)name, (void)text, (void)length;
  if (!e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_runbook_delete(siren_engine *e, const char *name) {
  (void)name;
  if (!e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_runbook_get(siren_runbook_info *out, siren_engine *e, const char *name) {
  (void)name;
  if (!out || !e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN uint32_t siren_runbook_count(const siren_engine *e) {
  (void)e;
  return 0;
}

SIREN_EXTERN const char *siren_runbook_name_at(const siren_engine *e, uint32_t i) {
  (void)e, (void)i;
  return NULL;
}

SIREN_EXTERN int siren_execution_start(siren_id *id, siren_engine *e,
                                       const siren_execution_params *p) {
  (void)p;
  if (id) *id = 0;
  if (!id || !e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_execution_signal(siren_engine *e, siren_id execution, siren_signal signal,
                                        const char *step, const char *approver,
                                        const char *comment) {
  (void)execution, (void)signal, (void)step, (void)approver, (void)comment;
  if (!e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_execution_stop(siren_engine *e, siren_id execution, siren_stop_type type) {
  (void)execution, (void)type;
  if (!e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_action_result(siren_engine *e, siren_id execution, const char *step,
                                     uint32_t attempt, const char *outputs, const char *failure) {
  (void)execution, (void)step, (void)attempt, (void)outputs, (void)failure;
  if (!e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_execution_get(siren_execution_info *out, siren_engine *e, siren_id id) {
  (void)id;
  if (!out || !e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_execution_step_at(siren_step_info *out, siren_engine *e, siren_id id,
                                         uint32_t i) {
  (void)id, (void)i;
  if (!out || !e) return SIREN_EINVAL;
  return unsupported(e);
}

SIREN_EXTERN int siren_executions(siren_id *ids, size_t cap, size_t *total, siren_engine *e) {
  if (!total || !e || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  return unsupported(e);
}

/* ------------------------------------------------- for the rest of siren */

int sr_runbook_prepare(siren_engine *e, sr_rec *r) {
  /* Only replay brings a runbook record here: nothing else makes one. */
  return sr_err(e, SIREN_EUNSUPPORTED, "a runbook record (type %u): %s", (unsigned)r->type,
                without);
}

void sr_runbook_commit(siren_engine *e, sr_rec *r) { (void)e, (void)r; }
void sr_runbook_discard(siren_engine *e) { (void)e; }
void sr_runbooks_free(siren_engine *e) { (void)e; }
uint32_t sr_exec_reannounce(siren_engine *e) {
  (void)e;
  return 0;
}
int sr_runbooks_present(const siren_engine *e) {
  (void)e;
  return 0;
}

/* No execution ever exists, so no step timer is ever valid. */
int sr_exec_timer_valid(const siren_engine *e, const sr_timer *t) {
  (void)e, (void)t;
  return 0;
}
int sr_exec_timer_prepare(siren_engine *e, sr_rec *r) {
  (void)e, (void)r;
  return SIREN_ECORRUPT;
}
void sr_exec_timer_fire(siren_engine *e, sr_rec *r) { (void)e, (void)r; }

int sr_runbook_index(const siren_engine *e, const char *name, uint32_t *bi) {
  (void)e, (void)name, (void)bi;
  return 0;
}
int sr_exec_prepare_for_plan(siren_engine *e, int64_t now, uint32_t bi,
                             const siren_response_plan *p, const char *arn,
                             const char *const *involved, size_t ninvolved, uint32_t incident,
                             char *why, size_t whycap) {
  (void)e, (void)now, (void)bi, (void)p, (void)arn, (void)involved, (void)ninvolved;
  (void)incident;
  if (whycap) snprintf(why, whycap, "%s", without);
  return SIREN_EUNSUPPORTED;
}
void sr_exec_commit_prepared(siren_engine *e, sr_rec *r) { (void)e, (void)r; }
void sr_exec_cancel_for_incident(siren_engine *e, int64_t t, uint32_t incident) {
  (void)e, (void)t, (void)incident;
}
size_t sr_exec_running_for_incident(const siren_engine *e, uint32_t incident) {
  (void)e, (void)incident;
  return 0;
}
const char *sr_exec_runbook_name(const siren_engine *e, uint64_t id) {
  (void)e, (void)id;
  return "";
}
