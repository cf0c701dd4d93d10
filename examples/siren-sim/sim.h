/*
 * siren-sim's shared pieces: the simulated host's state, the scenario
 * context, and the helpers siren-sim.c (host, paging actions, main),
 * incidents.c (response plans, incidents, timelines, heartbeats, analyses)
 * and runbooks.c (runbooks, executions, host actions) use.
 */
#ifndef SIREN_SIM_H
#define SIREN_SIM_H

#include <stdint.h>
#include <stdio.h>

#include "doc/doc.h"
#include "siren/siren.h"

typedef struct sim_page {
  siren_id id;
  char contact[256], channel[256], type[64], code[8];
  int64_t t;
} sim_page;

typedef struct sim_code {
  char contact[256], channel[256], code[8];
} sim_code;

/* SVG marks. Incident marks have no contact: they span every lane. */
enum { MARK_PAGE, MARK_ACCEPTED, MARK_STAGE, MARK_SKIPPED, MARK_OPENED, MARK_RESOLVED };

typedef struct svg_mark {
  int64_t t;
  int kind; /* MARK_* */
  char contact[256], channel_type[64], label[64];
} svg_mark;

/* A scenario's name for a custom timeline event (CreateTimelineEvent label). */
typedef struct sim_label {
  char name[64];
  siren_id incident, event;
} sim_label;

/* An action siren asked the host to run (SIREN_NOTIFY_ACTION). */
typedef struct sim_action {
  siren_id execution;
  char step[128];
  uint32_t attempt;
} sim_action;

/* A result the simulated host reports by itself (the scenario's actions:
 * table), when the clock reaches due. */
typedef struct sim_auto {
  int64_t due;
  siren_id execution;
  char step[128];
  uint32_t attempt;
  char *outputs;       /* JSON object (malloc), or NULL when failure is set */
  const char *failure; /* points into the scenario, or NULL */
} sim_auto;

typedef struct sim {
  int64_t now, start;
  sim_page *pages;
  size_t npages;
  sim_code *codes;
  size_t ncodes, ccap;
  svg_mark *marks;
  size_t nmarks, mcap;
  sim_label *labels;
  size_t nlabels, lcap;
  siren_id last_analysis; /* the analysis CreateAnalysis made last */
  sim_action *acts;       /* every action notified, in order */
  size_t nacts, actcap;
  sim_auto *autos;        /* results the host will report by itself */
  size_t nautos, autocap;
  const sr_doc_node *host_actions; /* the actions: table in force, or NULL */
  int nomem;              /* an allocation in a callback failed */
  void **tmp;             /* allocations that live for one action */
  size_t ntmp, tcap;
  FILE *out;
  int quiet;
} sim;

typedef struct ctx {
  const char *file;
  siren_engine *e;
  sim *s;
} ctx;

/* A file's contents (malloc, NUL-terminated), or NULL; *len its length. */
char *sim_read_file(const char *path, size_t *len);
/* rel resolved against the directory of the scenario file (as include: is). */
void sim_path(const char *scenario, const char *rel, char out[4096]);

/* Time: "2026-01-05T09:00:00.000Z"; RFC 3339 and ISO 8601 durations. */
void sim_fmt_time(int64_t ms, char out[64]);
int sim_parse_rfc3339(const char *s, int64_t *out);
int sim_parse_duration(const char *s, int64_t *out);
/* A duration from the scenario's start (PT5M) or an RFC 3339 instant. */
int sim_parse_when(const sim *s, const char *text, int64_t *out);

/* JSON output. */
void sim_json_str(FILE *f, const char *s);
void sim_field_s(FILE *f, const char *k, const char *v);
void sim_field_time(FILE *f, const char *k, int64_t ms);
/* Starts a line: {"t":"<now>","event":"<name>" (the caller closes it). */
void sim_line(const sim *s, const char *event);

/* Scenario reading. */
const char *sim_sget(const sr_doc_node *m, const char *k);
/* file:line:col: message (fmt has one %s for a), exit code 2. */
int sim_fail_at(const ctx *c, const sr_doc_node *n, const char *fmt, const char *a);
/* file:line:col: action: siren_errmsg(), exit code 1. */
int sim_api_fail(const ctx *c, const sr_doc_node *n, const char *action);
void sim_add_mark(sim *s, int64_t t, int kind, const char *contact, const char *type,
                  const char *label);

/* incidents.c: runs an incident action. Returns -1 when action is not one of
 * its names, else 0 or an exit code. */
int sim_incident_action(const ctx *c, const char *action, const sr_doc_node *a);
/* incidents.c: prints an incident event's fields (types 15-27); 0 when the
 * type is not one of those. */
int sim_print_incident_event(FILE *f, const siren_event *ev);
/* incidents.c: helpers runbooks.c shares. An allocation that lives until
 * the action is done; a node as compact JSON text (malloc, NULL when out of
 * memory); a string member or a mapping/list as JSON (*out NULL when
 * absent); the incident an action names (see incidents.c) and its arn. */
void *sim_tmp_alloc(sim *s, size_t n);
char *sim_node_json(const sr_doc_node *n);
int sim_text_or_json(const ctx *c, const sr_doc_node *m, const char *k, const char **out);
int sim_pick_incident(const ctx *c, const sr_doc_node *a, siren_id *out);
const char *sim_incident_arn(const ctx *c, siren_id id);
/* incidents.c: frees what the last action allocated, and everything at exit. */
void sim_tmp_free(sim *s);
void sim_incidents_free(sim *s);
/* The names incidents.c knows, for the "unknown action" message. */
extern const char sim_incident_actions[];

/* runbooks.c: runs a runbook action (LoadRunbook, StartAutomationExecution,
 * ...). Returns -1 when action is not one of its names, else 0 or an exit
 * code. */
int sim_runbook_action(const ctx *c, const char *action, const sr_doc_node *a);
extern const char sim_runbook_actions[];
/* runbooks.c: prints a runbook event's fields (types 28-30); 0 when the type
 * is not one of those. */
int sim_print_runbook_event(FILE *f, const siren_event *ev);
/* runbooks.c: the host side of SIREN_NOTIFY_ACTION (called from notify: it
 * prints action.requested, remembers the attempt, and queues the result the
 * actions: table gives). 0, or 1 when out of memory. */
int sim_action_requested(sim *s, const siren_notification *n);
/* runbooks.c: the actions: table (a mapping, or NULL to clear it); 0 or an
 * exit code. */
int sim_set_host_actions(const ctx *c, const sr_doc_node *table);
/* runbooks.c: when the next queued result is due (INT64_MAX when none), and
 * reporting it (the clock already moved there). 0 or an exit code. */
int64_t sim_next_auto(const sim *s);
int sim_run_auto(const ctx *c);
void sim_runbooks_free(sim *s);

#endif
