/*
 * siren-sim's shared pieces: the simulated host's state, the scenario
 * context, and the helpers both siren-sim.c (host, paging actions, main) and
 * incidents.c (response plans, incidents, timelines, heartbeats, analyses)
 * use.
 */
#ifndef SIREN_SIM_H
#define SIREN_SIM_H

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
/* incidents.c: prints an incident event's fields (types 15-28); 0 when the
 * type is not one of those. */
int sim_print_incident_event(FILE *f, const siren_event *ev);
/* incidents.c: frees what the last action allocated, and everything at exit. */
void sim_tmp_free(sim *s);
void sim_incidents_free(sim *s);
/* The names incidents.c knows, for the "unknown action" message. */
extern const char sim_incident_actions[];

#endif
