/*
 * A host for tests: a clock moved by hand, notifications and events recorded
 * as text lines, records kept in memory, and an allocator that can fail the
 * k-th allocation. Nothing here sleeps or touches the OS.
 */
#ifndef SIREN_TESTHOST_H
#define SIREN_TESTHOST_H

#include <stddef.h>
#include <stdint.h>

#include "siren/siren.h"

#define TH_MAX_LINES 4096
#define TH_T0 INT64_C(1767603600000) /* 2026-01-05T09:00:00Z */

typedef struct th_notice {
  siren_notify_kind kind;
  int64_t time;
  siren_id page, engagement, retry_of;
  char contact[64], channel[64], channel_type[16], address[64], subject[128], content[128];
  char code[8];
  uint32_t stage;
  siren_id incident;   /* v2 */
  char text[256], message[24];
  siren_id execution;  /* ACTION */
  char step[64], action[64], inputs[512];
  uint32_t attempt;
  char rotation[64];   /* SHIFT (v3) */
  int64_t shift_start, shift_end;
} th_notice;

typedef struct th_host {
  int64_t now;
  /* notifications, in order */
  th_notice notices[TH_MAX_LINES];
  size_t notice_count;
  /* events as "minute:event:contact:channel" lines (see th_events_text) */
  siren_event_type ev_types[TH_MAX_LINES];
  int64_t ev_times[TH_MAX_LINES];
  char ev_lines[TH_MAX_LINES][160];
  size_t ev_count;
  /* records */
  uint8_t *records;
  size_t records_len, records_cap;
  size_t record_count;
  /* knobs */
  int fail_notify;      /* notify returns this when non-zero */
  int fail_storage;     /* storage_append returns this when non-zero */
  size_t fail_storage_nth; /* fail only the append with this ordinal (1-based); 0 = never */
  size_t append_calls;
  int fail_event;
  long fail_alloc_at;   /* fail every allocation from this ordinal (1-based) on; 0 = never */
  long alloc_count, live_allocs;
  /* what storage_next reads: self-delimiting records (see th_open) */
  const uint8_t *read_src;
  size_t read_len, read_off;
  int fail_next;        /* storage_next returns this when non-zero */
  int reenter;          /* callbacks try to call back into the engine */
  int reenter_rc;       /* what that inner call returned */
  siren_engine *engine;
} th_host;

/* Fills host callbacks for th; with_storage adds storage_append, with_alloc
 * routes allocation through th's counting allocator. */
void th_setup(th_host *th, siren_host *host, int with_storage, int with_alloc);
/* The load_zone th_setup installs: the system's zoneinfo ($TZDIR or
 * /usr/share/zoneinfo). Counts its calls. */
extern int th_zone_loads;
/* Creates an engine on th (default options); asserts success. */
siren_engine *th_engine(th_host *th, int with_storage, int with_alloc);

/* Opens an engine (siren_engine_open) on th from the records in src (len
 * bytes, not sealed), with storage_append collecting into th as usual. The
 * engine is stored in th->engine. Returns what siren_engine_open returned. */
int th_open(th_host *th, const uint8_t *src, size_t len, int with_alloc, siren_open_report *rep,
            siren_engine **out);

void th_at_minute(th_host *th, double minutes); /* now = T0 + minutes */
/* Moves the clock to each deadline up to T0+minutes, advancing as it goes,
 * then to T0+minutes. */
void th_run_until(th_host *th, siren_engine *e, double minutes);

/* Pages sent so far as "M:contact/channel" joined by spaces (M in minutes
 * from T0, fractional with 'm' when needed). Returned buffer is static. */
const char *th_pages_text(const th_host *th);
/* The index of the last PAGE notice to contact (optionally on channel); -1. */
int th_last_page(const th_host *th, const char *contact, const char *channel);
/* Number of events of a type. */
size_t th_count_events(const th_host *th, siren_event_type type);
/* Index of first event of type at or after from; -1. */
int th_find_event(const th_host *th, siren_event_type type, size_t from);

/* Sets up the seed walkthrough: incident-responder and sr-incident-responder
 * (email stage 10 min, SMS stage 5 min), app-escalation-plan (stage 1: 5 min,
 * incident-responder essential; stage 2: 5 min, sr-incident-responder
 * essential). Channels created activated unless activate == 0. */
void th_seed(siren_engine *e, int activate);
/* The seed's plans, returning the siren error code instead of asserting (for
 * tests that fail allocations): alias's personal plan (stage 1: ALIAS-email,
 * 10 min; stage 2: ALIAS-mobile, 5 min; retry 1 min), and an escalation plan
 * (stage 1: incident-responder, 5 min; stage 2: sr-incident-responder, 5 min)
 * with the given essential flags. */
int th_personal_plan(siren_engine *e, const char *alias);
int th_escalation_plan(siren_engine *e, const char *alias, int essential1, int essential2);
siren_id th_engage(siren_engine *e, const char *contact);

#endif
