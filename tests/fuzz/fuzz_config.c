/*
 * libFuzzer target: configuration import (siren_config_load). The input is
 * the document. Invariants: the load either succeeds, creating what the
 * result says, or changes nothing (no contacts, no plans) and lists its
 * problems; a load that fails one allocation changes nothing either and
 * frees what it made; the records a successful load wrote reopen into an
 * engine with the same contacts, and so does a snapshot of it.
 */
#include "fuzz_host.h"

static void check_empty(siren_engine *e) {
  FZ_CHECK(siren_contact_count(e) == 0);
  FZ_CHECK(siren_response_plan_count(e) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  fz_host h;
  fz_host_setup(&h);
  siren_host t = fz_host_table(1);
  siren_engine *e = NULL;
  FZ_CHECK(siren_engine_new(&e, &t, NULL, &h) == SIREN_OK);
  size_t before = h.alloc.count;
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  int rc = siren_config_load(&res, e, text, size);
  size_t allocs = h.alloc.count - before;
  const char *problems = siren_config_problems(e);
  FZ_CHECK(problems != NULL);
  FZ_CHECK(rc == SIREN_OK || rc == SIREN_EINVAL);
  if (rc == SIREN_OK) {
    FZ_CHECK(res.errors == 0);
    FZ_CHECK(siren_contact_count(e) == res.contacts);
    FZ_CHECK(siren_response_plan_count(e) == res.response_plans);
    for (uint32_t i = 0; i < siren_contact_count(e); i++) {
      siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
      FZ_CHECK(siren_contact_get(&ci, e, siren_contact_alias_at(e, i)) == SIREN_OK);
    }
    /* What was stored reopens to the same engine. */
    siren_open_report rep;
    fz_host h2;
    fz_host_setup(&h2);
    siren_engine *e2 = fz_reopen(&h2, &h.rec, &rep);
    FZ_CHECK(e2 != NULL);
    FZ_CHECK(!rep.stopped);
    FZ_CHECK(siren_contact_count(e2) == siren_contact_count(e));
    FZ_CHECK(siren_response_plan_count(e2) == siren_response_plan_count(e));
    fz_snapshot_roundtrip(&h2, e2);
    siren_engine_free(e2);
    fz_records_free(&h2.rec);
    FZ_CHECK(h2.alloc.live == 0);
    /* Loading the same document again: all or nothing. */
    uint32_t contacts = siren_contact_count(e);
    int rc2 = siren_config_load(NULL, e, text, size);
    FZ_CHECK(rc2 == SIREN_OK || rc2 == SIREN_EINVAL);
    if (rc2 != SIREN_OK) FZ_CHECK(siren_contact_count(e) == contacts);
  } else {
    FZ_CHECK(res.errors > 0);
    FZ_CHECK(problems[0] != '\0');
    check_empty(e);
  }
  siren_engine_free(e);
  fz_records_free(&h.rec);
  FZ_CHECK(h.alloc.live == 0);

  /* Again, failing one of the load's allocations. */
  if (allocs > 0) {
    fz_host_setup(&h);
    FZ_CHECK(siren_engine_new(&e, &t, NULL, &h) == SIREN_OK);
    h.alloc.fail_at = h.alloc.count + 1 + fz_hash(data, size) % allocs;
    int rc3 = siren_config_load(NULL, e, text, size);
    h.alloc.fail_at = 0;
    if (h.alloc.failed) {
      FZ_CHECK(rc3 == SIREN_ENOMEM || rc3 == SIREN_EINVAL);
      check_empty(e);
    } else {
      FZ_CHECK(rc3 == rc);
    }
    siren_engine_free(e);
    fz_records_free(&h.rec);
    FZ_CHECK(h.alloc.live == 0);
  }
  return 0;
}
