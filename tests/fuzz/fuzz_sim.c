/*
 * libFuzzer target: siren-sim's scenario loader. siren-sim reads its
 * scenario inside main() (no function to call), so this file includes
 * examples/siren-sim/siren-sim.c with main renamed and runs the same parse
 * path as main does, on the input as the scenario, using siren-sim's own
 * helpers (load_config, run_to, run_action, sim_set_host_actions,
 * sim_parse_when ...). Differences from main: no include: files (an
 * include: list is refused), no --check, no SVG, output to a sink, and the
 * scenario's until: is capped at 30 days so one input cannot run for long.
 * Invariants: nothing crashes or leaks; the exit code is 0, 1 or 2.
 */
#include "sim_quiet.h"

#define main siren_sim_main
#include "../../examples/siren-sim/siren-sim.c"
#undef main

FILE *fz_sim_sink(void) {
  static FILE *sink;
  if (!sink) sink = fopen("/dev/null", "w");
  return sink;
}

#undef stderr
#include "fuzz_common.h"

#define FZ_MAX_SPAN (INT64_C(30) * 86400000)

static int scenario(const char *text, size_t len) {
  sr_doc *doc = NULL;
  sr_doc_error err;
  if (sr_doc_parse(&doc, &sr_mem_libc, text, len, NULL, &err) != SIREN_OK) return 2;
  const sr_doc_node *root = sr_doc_root(doc);
  static sim_page *pages;
  if (!pages) pages = calloc(MAX_PAGES, sizeof *pages);
  FZ_CHECK(pages != NULL);
  sim s;
  memset(&s, 0, sizeof s);
  s.pages = pages;
  s.out = fz_sim_sink();
  siren_host host = SIREN_HOST_INIT;
  host.clock = cb_clock;
  host.notify = cb_notify;
  host.event = cb_event;
  siren_engine *e = NULL;
  int exit_code = 0;
  ctx c = {"fuzz.yaml", NULL, &s};
  FZ_CHECK(siren_engine_new(&e, &host, NULL, &s) == SIREN_OK);
  c.e = e;
  const char *start, *u;
  const sr_doc_node *events;
  int64_t until = 0, last;
  if (root->kind != SR_DOC_MAP) {
    exit_code = sim_fail_at(&c, root, "%sthe scenario must be a mapping", "");
    goto done;
  }
  start = sim_sget(root, "start");
  if (start && sim_parse_rfc3339(start, &s.start) != 0) {
    exit_code = sim_fail_at(&c, sr_doc_get_ci(root, "start"), "start: \"%s\" is not an RFC 3339 instant", start);
    goto done;
  }
  if (!start) s.start = INT64_C(1767603600000);
  s.now = s.start;
  if (sr_doc_get_ci(root, "include")) {
    exit_code = 2; /* files are not read here */
    goto done;
  }
  if ((exit_code = load_config(&c, "fuzz.yaml", text, len))) goto done;
  events = sr_doc_get_ci(root, "events");
  u = sim_sget(root, "until");
  if (u && sim_parse_duration(u, &until) != 0) {
    exit_code = sim_fail_at(&c, sr_doc_get_ci(root, "until"), "until: \"%s\" is not an ISO 8601 duration", u);
    goto done;
  }
  if (until > FZ_MAX_SPAN) until = FZ_MAX_SPAN;
  if (events && events->kind != SR_DOC_SEQ) {
    exit_code = sim_fail_at(&c, events, "%sevents: expected a list", "");
    goto done;
  }
  if ((exit_code = sim_set_host_actions(&c, sr_doc_get_ci(root, "actions")))) goto done;
  last = s.start;
  for (size_t i = 0; events && i < events->count; i++) {
    const sr_doc_node *ev = events->items[i];
    if (ev->kind != SR_DOC_MAP) {
      exit_code = sim_fail_at(&c, ev, "%sevent: expected a mapping", "");
      goto done;
    }
    const char *at = sim_sget(ev, "at");
    int64_t t;
    if (!at) {
      exit_code = 2;
      goto done;
    }
    if (at[0] == 'P') {
      if (sim_parse_duration(at, &t) != 0) {
        exit_code = 2;
        goto done;
      }
      t += s.start;
    } else if (sim_parse_rfc3339(at, &t) != 0) {
      exit_code = 2;
      goto done;
    }
    if (t < last) {
      exit_code = 2;
      goto done;
    }
    if (t - s.start > FZ_MAX_SPAN) break; /* bounded run time */
    last = t;
    const sr_doc_node *action = NULL;
    const char *name = NULL;
    for (size_t k = 0; k < ev->count; k++)
      if (strcmp(ev->pairs[k].key->str, "at") != 0) {
        if (action) {
          exit_code = 2;
          goto done;
        }
        name = ev->pairs[k].key->str;
        action = ev->pairs[k].value;
      }
    if (!action) {
      exit_code = 2;
      goto done;
    }
    if ((exit_code = run_to(&c, t))) goto done;
    if ((exit_code = run_action(&c, name, action))) goto done;
    if (s.nomem) {
      exit_code = 2;
      goto done;
    }
  }
  exit_code = run_to(&c, s.start + until);
done:
  siren_engine_free(e);
  sr_doc_free(doc);
  free(s.codes);
  free(s.marks);
  sim_incidents_free(&s);
  sim_runbooks_free(&s);
  return exit_code;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  int rc = scenario((const char *)data, size);
  FZ_CHECK(rc == 0 || rc == 1 || rc == 2);
  return 0;
}
