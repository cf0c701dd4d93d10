/*
 * Optional features (meson options config_import and runbooks): what
 * siren_build_features() reports matches what was built, and in a build that
 * leaves a feature out its functions return SIREN_EUNSUPPORTED with a
 * message, a response plan naming a runbook still starts incidents, and a
 * record stream holding a runbook record is refused (not cut). Built with
 * the library's SIREN_OMIT_* defines, so it knows which build it is in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testhost.h"

#ifdef SIREN_OMIT_CONFIG_IMPORT
#define HAVE_CONFIG 0
#else
#define HAVE_CONFIG 1
#endif
#ifdef SIREN_OMIT_RUNBOOKS
#define HAVE_RUNBOOKS 0
#else
#define HAVE_RUNBOOKS 1
#endif

static th_host th, th2;

static int teardown(void **state) {
  (void)state;
  siren_engine_free(th.engine);
  siren_engine_free(th2.engine);
  free(th.records);
  free(th2.records);
  memset(&th, 0, sizeof th);
  memset(&th2, 0, sizeof th2);
  return 0;
}

static const char RUNBOOK[] = "schemaVersion: '0.3'\n"
                              "mainSteps:\n"
                              "  - name: wait\n"
                              "    action: aws:pause\n"
                              "    inputs: {}\n";

static void features_match_the_build(void **state) {
  (void)state;
  unsigned int f = siren_build_features();
  assert_int_equal(!!(f & SIREN_FEATURE_CONFIG_IMPORT), HAVE_CONFIG);
  assert_int_equal(!!(f & SIREN_FEATURE_RUNBOOKS), HAVE_RUNBOOKS);
  assert_int_equal(f & ~(SIREN_FEATURE_CONFIG_IMPORT | SIREN_FEATURE_RUNBOOKS), 0);
  assert_string_equal(siren_strerror(SIREN_EUNSUPPORTED), "not in this build of siren");
  /* The full library, as CI's main build and the ABI baseline have it. */
  if (HAVE_CONFIG && HAVE_RUNBOOKS)
    assert_int_equal(f, SIREN_FEATURE_CONFIG_IMPORT | SIREN_FEATURE_RUNBOOKS);
}

static void config_import(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  static const char doc[] = "{\"contacts\": [{\"Alias\": \"alice\", \"Type\": \"PERSONAL\"}]}";
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  res.contacts = 99;
  int rc = siren_config_load(&res, e, doc, strlen(doc));
  if (HAVE_CONFIG) {
    assert_int_equal(rc, SIREN_OK);
    assert_int_equal(res.contacts, 1);
    assert_int_equal(siren_contact_count(e), 1);
  } else {
    assert_int_equal(rc, SIREN_EUNSUPPORTED);
    assert_string_equal(siren_errmsg(e), "siren was built without configuration import");
    assert_int_equal(res.version, SIREN_CONFIG_RESULT_VERSION);
    assert_int_equal(res.contacts, 0);
    assert_int_equal(res.errors, 0);
    assert_string_equal(siren_config_problems(e), "");
    assert_int_equal(siren_contact_count(e), 0);
    assert_int_equal(th.record_count, 0);
  }
  /* Arguments are still checked first. */
  assert_int_equal(siren_config_load(NULL, NULL, doc, strlen(doc)), SIREN_EINVAL);
}

/* Every runbook function, in a build without runbooks. */
static void runbooks_left_out(void **state) {
  (void)state;
  if (HAVE_RUNBOOKS) skip();
  siren_engine *e = th_engine(&th, 1, 0);
  const char *msg = "siren was built without runbooks";
#define UNSUPPORTED(call)                                 \
  do {                                                    \
    assert_int_equal((call), SIREN_EUNSUPPORTED);         \
    assert_string_equal(siren_errmsg(e), msg);            \
  } while (0)
  UNSUPPORTED(siren_runbook_load(e, "probe", RUNBOOK, strlen(RUNBOOK)));
  UNSUPPORTED(siren_runbook_delete(e, "probe"));
  siren_runbook_info ri = SIREN_RUNBOOK_INFO_INIT;
  UNSUPPORTED(siren_runbook_get(&ri, e, "probe"));
  assert_int_equal(siren_runbook_count(e), 0);
  assert_null(siren_runbook_name_at(e, 0));
  siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
  p.runbook = "probe";
  siren_id id = 7;
  UNSUPPORTED(siren_execution_start(&id, e, &p));
  assert_int_equal(id, 0);
  UNSUPPORTED(siren_execution_signal(e, 1, SIREN_SIGNAL_RESUME, NULL, NULL, NULL));
  UNSUPPORTED(siren_execution_stop(e, 1, SIREN_STOP_CANCEL));
  UNSUPPORTED(siren_action_result(e, 1, "wait", 1, "{}", NULL));
  siren_execution_info xi = SIREN_EXECUTION_INFO_INIT;
  UNSUPPORTED(siren_execution_get(&xi, e, 1));
  siren_step_info si = SIREN_STEP_INFO_INIT;
  UNSUPPORTED(siren_execution_step_at(&si, e, 1, 0));
  siren_id ids[4];
  size_t total = 9;
  UNSUPPORTED(siren_executions(ids, 4, &total, e));
  assert_int_equal(total, 0);
#undef UNSUPPORTED
  assert_string_equal(siren_exec_status_name(SIREN_EXEC_SUCCESS), "Success");
  assert_int_equal(siren_runbook_load(NULL, "probe", RUNBOOK, strlen(RUNBOOK)), SIREN_EINVAL);
  assert_int_equal(th.record_count, 0); /* nothing was recorded */
}

/* A response plan that names a runbook starts incidents in every build; the
 * runbook is not loaded, so the incident records "runbook.pending". */
static void plan_with_runbook_still_starts_incidents(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  siren_response_plan rp;
  siren_response_plan_init(&rp, SIREN_RESPONSE_PLAN_VERSION);
  rp.name = "EC2HighCPU";
  rp.title = "EC2 CPU above 85%";
  rp.impact = 3;
  static const char *const engage[] = {"app-escalation-plan"};
  rp.engagement_count = 1;
  rp.engagements = engage;
  rp.runbook = "EC2-CPU-Runbook";
  assert_int_equal(siren_response_plan_create(e, &rp), SIREN_OK);
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "aws.cloudwatch";
  ip.trigger_arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu";
  siren_id id = 0;
  assert_int_equal(siren_incident_start(&id, NULL, e, &ip), SIREN_OK);
  assert_int_equal(id, 1);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_RUNBOOK_PENDING), 1);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_RUNBOOK_STARTED), 0);
  th_run_until(&th, e, 20);
  assert_true(th.notice_count > 0); /* the escalation pages as ever */
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_OPEN);
  assert_string_equal(inc.runbook, "EC2-CPU-Runbook");
}

/* A stream written by a build with runbooks: a contact, a runbook load, a
 * second contact. A build without runbooks refuses to open it, and says
 * where, rather than open with the first record and have the host cut the
 * rest. */
static void replay_of_runbook_records(void **state) {
  (void)state;
  siren_engine *e = th_engine(&th, 1, 0);
  assert_int_equal(siren_contact_create(e, "alice", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  /* The record siren_runbook_load() writes, stored by hand: a build without
   * runbooks cannot make one. */
  sr_rec r;
  sr_rec_init(&r, SR_REC_RUNBOOK_LOAD);
  r.seq = 2;
  r.time = th.now;
  assert_int_equal(sr_rec_str(&th.engine->mem, &r, "probe"), SIREN_OK);
  assert_int_equal(sr_rec_str(&th.engine->mem, &r, RUNBOOK), SIREN_OK);
  assert_int_equal(sr_store(e, &r), SIREN_OK);
  sr_rec_free(&th.engine->mem, &r);
  assert_int_equal(siren_contact_create(e, "bob", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
  assert_int_equal(th.record_count, 3);

  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *e2 = NULL;
  int rc = th_open(&th2, th.records, th.records_len, 0, &rep, &e2);
  if (HAVE_RUNBOOKS) {
    assert_int_equal(rc, SIREN_OK);
    assert_non_null(e2);
    assert_int_equal(rep.stopped, 0);
    assert_int_equal(rep.records, 3);
    assert_int_equal(siren_runbook_count(e2), 1);
    assert_int_equal(siren_contact_count(e2), 2);
  } else {
    assert_int_equal(rc, SIREN_EUNSUPPORTED);
    assert_null(e2);
    assert_int_equal(rep.stopped, 1);
    assert_int_equal(rep.stop_code, SIREN_EUNSUPPORTED);
    assert_int_equal(rep.stop_index, 1);
    assert_int_equal(rep.records, 1);
    assert_non_null(strstr(rep.stop_reason, "runbooks"));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(features_match_the_build, teardown),
      cmocka_unit_test_teardown(config_import, teardown),
      cmocka_unit_test_teardown(runbooks_left_out, teardown),
      cmocka_unit_test_teardown(plan_with_runbook_still_starts_incidents, teardown),
      cmocka_unit_test_teardown(replay_of_runbook_records, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
