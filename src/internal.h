/*
 * The engine's private data model, shared by the files of src/.
 *
 * Two halves: the directory (contacts, channels, plans: what users define) and
 * the runtime (engagements, plan runs, pages, timers: what is happening). The
 * runtime is one struct so that siren_engagement_preview() can swap in a
 * scratch runtime, run the real scheduling code on it, and swap it back.
 *
 * Every change goes through a record (journal.c): a command fills an sr_rec,
 * sr_exec() prepares the allocations it needs, appends the encoded record to
 * storage, then commits it with the same function replay will use. Commit
 * functions cannot fail: everything they allocate was reserved in prepare.
 */
#ifndef SIREN_INTERNAL_H
#define SIREN_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "siren/siren.h"
#include "util/map.h"
#include "util/mem.h"

#define SR_NONE UINT32_MAX
#define SR_MINUTE_MS INT64_C(60000)
#define SR_MAX_NAME 255
#define SR_MAX_STAGES 64
#define SR_MAX_TARGETS 64
#define SR_MAX_REPEAT 100
#define SR_MAX_DEPTH 8 /* escalation plans nested in escalation plans */

/* ------------------------------------------------------------- directory */

enum { SR_CH_EMAIL = 1, SR_CH_SMS = 2, SR_CH_VOICE = 3, SR_CH_OTHER = 4 };

typedef struct sr_channel {
  uint32_t contact;
  char *name, *type, *address;
  uint8_t kind;      /* SR_CH_* */
  uint8_t activated; /* siren_activation */
  uint8_t deleted;
  uint8_t has_code;
  char code[8];      /* current activation code, NUL-terminated */
  int64_t code_expires;
  uint32_t attempts_left;
} sr_channel;

typedef struct sr_target {
  uint32_t ref; /* channel index (personal plan) or contact index (escalation) */
  uint32_t retry_minutes;
  uint8_t essential;
} sr_target;

typedef struct sr_stage {
  uint32_t duration_minutes;
  uint32_t flags;
  uint32_t target_count;
  sr_target *targets;
} sr_stage;

/* Plans are shared by reference: a run keeps the plan it started with even
 * when the contact gets a new one. */
typedef struct sr_plan {
  uint32_t refs;
  uint32_t stage_count;
  uint32_t repeat_count;
  sr_stage *stages;
} sr_plan;

typedef struct sr_contact {
  char *alias, *display;
  uint8_t type; /* siren_contact_type */
  uint8_t deleted;
  sr_plan *plan; /* never NULL: an empty plan has 0 stages */
  uint32_t *channels;
  size_t channel_count, channel_cap;
  uint32_t live_runs; /* active runs of this contact's plan */
  uint32_t first_page, last_page; /* intrusive list through sr_page.next_in_contact */
  /* ONCALL_SCHEDULE: rotation indices (rotation.c) and SIREN_SCHEDULE_* flags. */
  uint32_t *rotations;
  uint32_t rotation_count;
  uint32_t sched_flags;
} sr_contact;

/* --------------------------------------------------------------- runtime */

enum { SR_RUN_ACTIVE = 1, SR_RUN_DONE = 2, SR_RUN_STOPPED = 3 };

/* One contact's plan being walked within an engagement. An escalation run
 * has child runs, one per contact engaged by its stages. */
typedef struct sr_run {
  uint32_t engagement;
  uint32_t contact;
  sr_plan *plan;
  uint32_t parent;       /* run index or SR_NONE */
  int32_t parent_stage;  /* the parent's stage that engaged this run */
  uint32_t parent_loop;  /* the parent's repetition at that time */
  uint8_t essential;     /* an acceptance here counts for the parent */
  uint8_t state;
  uint8_t acked;
  uint8_t depth;         /* 0 for the engaged contact's run */
  uint32_t stage;
  uint32_t loop;
  uint32_t gen;          /* bumped when the run stops: its timers go stale */
  uint32_t next_in_engagement;
  int64_t stage_start;
  uint32_t first_child, next_sibling;
} sr_run;

typedef struct sr_receipt {
  uint8_t type;
  int64_t time;
  char *info;
} sr_receipt;

/* What a page gathers after it is sent. Most pages never get a receipt or an
 * acceptance, so this is allocated at the first: a receipt's prepare builds
 * a copy with room for one more, and its commit swaps it in. All zero when
 * a page has none (sr_page.x NULL). */
typedef struct sr_page_x {
  int64_t delivered, read, accepted;
  char *note;
  uint32_t receipt_count;
  sr_receipt receipts[]; /* receipt_count of them, exactly */
} sr_page_x;

/* 64 bytes, one cache line: a busy engine holds millions, and sending one
 * writes a new one. Its contact is its run's (SR_PAGE_CONTACT). */
typedef struct sr_page {
  uint32_t engagement, run, channel;
  uint32_t retry_of; /* page index + 1, 0 = not a retry */
  uint32_t next_in_engagement, next_in_contact;
  uint32_t next_failed; /* notify failed: list of pages awaiting an ERROR receipt */
  uint16_t stage;         /* < SR_MAX_STAGES */
  uint8_t retry_minutes;  /* 0-60 */
  uint8_t is_accepted;
  uint8_t retry_pending;
  uint8_t failed_queued;
  int64_t sent;
  char code[8];
  sr_page_x *x; /* NULL until a receipt or acceptance */
} sr_page;
#define SR_PAGE_CONTACT(e, pg) (SR_AT((e)->rt.runs, (pg)->run).contact)
_Static_assert(sizeof(void *) != 8 || sizeof(sr_page) == 64, "sr_page grew");

typedef struct sr_engagement {
  uint32_t contact;
  uint8_t state; /* siren_engagement_state */
  uint8_t acknowledged;
  uint8_t any_accepted; /* some contact accepted: run starts must check */
  /* EN_* strings; one allocation of pointers, then the bytes of the strings
   * not shared with the incident (see sr_pack_shared). */
  char **strs;
  char *stop_reason;
  int64_t start, stop;
  uint32_t root;
  uint32_t live_runs;
  uint32_t page_count;
  uint32_t newest_page; /* pages link to older ones: adding one touches no other */
  uint32_t first_run, last_run;
  uint32_t incident_ix;       /* 1-based index of its incident, 0 = none */
  uint32_t next_in_incident;  /* SR_NONE at the end */
} sr_engagement;

/* An engagement's strings, in record order. */
enum { EN_SENDER, EN_SUBJECT, EN_CONTENT, EN_PSUBJECT, EN_PCONTENT, EN_INCIDENT, EN_TOKEN,
       EN_COUNT };

enum {
  SR_TIMER_STAGE = 1,
  SR_TIMER_RETRY = 2,
  SR_TIMER_ACK = 3,       /* ref = incident: acknowledgement timeout */
  SR_TIMER_RESOLVE = 4,   /* ref = incident: auto-resolve */
  SR_TIMER_HEARTBEAT = 5, /* ref = heartbeat: interval ran out */
  SR_TIMER_STEP = 6,      /* ref = execution: a sleep ends, a step times out */
  SR_TIMER_SHIFT = 7,     /* ref = rotation: a shift starts, or its notice is due */
  SR_TIMER_ONCALL = 8     /* ref = run of a held schedule: someone comes on call */
};

/* 24 bytes: the scheduling loop walks a heap of these. Timers due at the
 * same instant fire in scheduling order: order = seq << 8 | kind, and seq
 * (a 56-bit count of timers ever scheduled) is unique. */
typedef struct sr_timer {
  int64_t due;
  uint64_t order;
  uint32_t ref;
  uint32_t gen;
} sr_timer;
#define SR_TIMER_SEQ_MAX (UINT64_C(1) << 56)
static inline uint8_t sr_timer_kind(const sr_timer *t) { return (uint8_t)(t->order & 0xff); }
static inline uint64_t sr_timer_seq(const sr_timer *t) { return t->order >> 8; }

/* How a schedule run's child was resolved (rotation.c): one per child run
 * engaged through a schedule, in run order. */
typedef struct sr_resol {
  uint32_t run;      /* the child run */
  uint32_t schedule; /* contact index of the schedule */
  uint32_t rotation; /* rotation index */
  int64_t at, shift_start, shift_end;
} sr_resol;

typedef struct sr_runtime {
  sr_engagement **engagements; /* chunked: SR_AT */
  size_t engagement_count, engagement_cap;
  sr_run **runs; /* chunked */
  size_t run_count, run_cap;
  sr_page **pages; /* chunked */
  size_t page_count, page_cap;
  sr_timer *heap;
  size_t heap_count, heap_cap;
  uint64_t timer_seq;
  sr_map tokens; /* idempotency token -> engagement index */
  uint32_t failed_head, failed_tail;
  sr_resol *resol;
  size_t resol_count, resol_cap;
} sr_runtime;

/* -------------------------------------------------------------- incidents */

/* A response plan: a deep copy of the public struct in one allocation, so
 * get can hand it back as it is. */
typedef struct sr_rplan {
  siren_response_plan *p; /* NULL when deleted */
  uint32_t heartbeats;    /* heartbeats that use it */
} sr_rplan;

typedef struct sr_item {
  uint8_t type;
  char **s; /* one allocation: value, title */
} sr_item;

/* Automatic timeline event kinds; SR_TL_CUSTOM is the hosts'. */
enum {
  SR_TL_CUSTOM = 0,
  SR_TL_CREATED, SR_TL_DEDUPLICATED, SR_TL_UPDATED, SR_TL_RESOLVED, SR_TL_REOPENED,
  SR_TL_MAINTENANCE, SR_TL_REENGAGED, SR_TL_ENG_STARTED, SR_TL_ESCALATED,
  SR_TL_COMPLETED, SR_TL_PAGE_SENT, SR_TL_PAGE_ACCEPTED, SR_TL_ITEM_ADDED, SR_TL_ITEM_REMOVED,
  SR_TL_RUNBOOK_PENDING, SR_TL_RUNBOOK_STARTED, SR_TL_RUNBOOK_STEP,
  SR_TL_RUNBOOK_FINISHED, SR_TL_SCHEDULE_NOBODY, SR_TL_KIND_COUNT
};

typedef struct sr_tl {
  uint32_t incident;
  uint8_t kind;
  uint8_t deleted;
  uint32_t a, b;     /* kind-specific: engagement or page id, stage, flags */
  int64_t time, updated;
  char **s;          /* one allocation: custom: type, data, references...;
                        automatic: data (rendered when written), or NULL */
  uint32_t ref_count;
  uint32_t next;     /* in the incident, in the order written */
} sr_tl;

/* The immutable strings of an incident, packed in sr_incident.fixed. */
enum { IF_ARN, IF_PLAN, IF_SOURCE, IF_TRIGGER_ARN, IF_RAW, IF_TOKEN, IF_RUNBOOK, IF_DEDUPE,
       IF_TITLE0 /* the title it opened with */, IF_COUNT };

typedef struct sr_incident {
  uint32_t plan;         /* response plan index */
  int impact;
  char **fixed;          /* one allocation, see IF_* in incident.c */
  char *title, *summary;
  char **chat, **targets; /* one allocation each (pointer arrays + bytes) */
  sr_item *items;
  uint32_t chat_count, target_count;
  uint32_t item_count, item_cap;
  uint8_t status, acknowledged, maintenance, in_dedupe;
  uint32_t trigger_count;
  int64_t created, modified, resolved, trigger_time, last_trigger;
  uint32_t ack_gen, resolve_gen;
  uint32_t first_eng, last_eng, engagement_count;
  uint32_t first_tl, last_tl, tl_live;
  uint32_t analysis;     /* 1-based, 0 = none */
} sr_incident;

typedef struct sr_heartbeat {
  char *name;
  uint32_t plan;
  uint32_t interval;
  uint8_t resolve_on_beat, deleted, missed;
  int64_t last_beat;
  uint32_t gen;
  uint32_t incident;     /* 1-based */
} sr_heartbeat;

typedef struct sr_question {
  char **s; /* one allocation: section, text */
  char *answer;
} sr_question;

typedef struct sr_action {
  char **s; /* one allocation: title, owner */
  int64_t due;
  uint8_t status;
} sr_action;

/* A frozen timeline event: what siren_timeline_event_get() showed then. */
typedef struct sr_frozen {
  siren_id id;
  int64_t time, updated;
  uint8_t automatic;
  char **s; /* type, data, references... */
  uint32_t ref_count;
} sr_frozen;

typedef struct sr_analysis {
  uint32_t incident;
  int64_t created;
  sr_question *questions;
  size_t question_count;
  sr_frozen *tl;
  size_t tl_count;
  sr_item *items;
  size_t item_count;
  sr_action *actions;
  size_t action_count, action_cap;
} sr_analysis;

/* ---------------------------------------------------------------- records */

/* Directory records (contacts, channels, plans) are 1..SR_REC_PLAN_SET,
 * contiguous: engine.c dispatches on that. Never renumber: records persist. */
enum {
  SR_REC_CONTACT_CREATE = 1,
  SR_REC_CONTACT_DELETE = 2,
  SR_REC_CHANNEL_CREATE = 3,
  SR_REC_CHANNEL_DELETE = 4,
  SR_REC_CODE_SEND = 5,
  SR_REC_ACTIVATE = 6,
  SR_REC_DEACTIVATE = 7,
  SR_REC_PLAN_SET = 8,
  SR_REC_ENGAGEMENT_START = 9,
  SR_REC_ENGAGEMENT_STOP = 10,
  SR_REC_RECEIPT = 11,
  SR_REC_ACCEPT = 12,
  SR_REC_TIMER = 13,
  /* Incidents (incident.c), contiguous from SR_REC_RPLAN_SET. */
  SR_REC_RPLAN_SET = 14,
  SR_REC_RPLAN_DELETE = 15,
  SR_REC_INCIDENT_START = 16,
  SR_REC_INCIDENT_UPDATE = 17,
  SR_REC_ITEM_ADD = 18,
  SR_REC_ITEM_REMOVE = 19,
  SR_REC_TL_CREATE = 20,
  SR_REC_TL_UPDATE = 21,
  SR_REC_TL_DELETE = 22,
  SR_REC_HEARTBEAT_CREATE = 23,
  SR_REC_HEARTBEAT_BEAT = 24,
  SR_REC_HEARTBEAT_DELETE = 25,
  SR_REC_ANALYSIS_CREATE = 26,
  SR_REC_ANALYSIS_ANSWER = 27,
  SR_REC_ACTION_ADD = 28,
  SR_REC_ACTION_STATUS = 29,
  SR_REC_SNAPSHOT = 30, /* = SIREN_RECORD_SNAPSHOT */
  /* Runbooks and executions (runbook.c), contiguous from here. */
  SR_REC_RUNBOOK_LOAD = 31,
  SR_REC_RUNBOOK_DELETE = 32,
  SR_REC_EXEC_START = 33,
  SR_REC_EXEC_SIGNAL = 34,
  SR_REC_EXEC_STOP = 35,
  SR_REC_ACTION_RESULT = 36,
  /* Rotations, overrides, schedules (rotation.c), contiguous from here. */
  SR_REC_ROTATION_SET = 37,
  SR_REC_ROTATION_DELETE = 38,
  SR_REC_OVERRIDE_CREATE = 39,
  SR_REC_OVERRIDE_DELETE = 40,
  SR_REC_SCHEDULE_SET = 41,
  SR_REC_TYPE_MAX = 41
};

typedef struct sr_str {
  const char *p; /* NUL-terminated */
  size_t n;
} sr_str;

#define SR_REC_INLINE_INTS 16
#define SR_REC_INLINE_STRS 10

typedef struct sr_rec {
  uint8_t type;
  uint64_t seq;
  int64_t time;
  uint8_t nonce[16];
  uint32_t codes_used; /* derivation counter while committing */
  int64_t *ints;
  size_t int_count, int_cap;
  sr_str *strs;
  size_t str_count, str_cap;
  int64_t int_inline[SR_REC_INLINE_INTS];
  sr_str str_inline[SR_REC_INLINE_STRS];
} sr_rec;

/* ----------------------------------------------------------------- engine */

struct siren_engine {
  siren_host host;
  void *ud;
  sr_mem mem;
  siren_options opts;

  int64_t now;      /* logical time: never goes backwards */
  uint64_t seq;     /* records appended */
  uint64_t det_rng; /* state of the deterministic fallback "random" */
  int busy;         /* inside a callback */
  int quiet;        /* preview: no storage, no callbacks */
  int replaying;    /* siren_engine_open(): no storage, no callbacks */
  uint64_t since_snapshot; /* records stored since the last snapshot */
  int cb_failed;    /* a notify/event callback failed during this call */

  sr_contact *contacts;
  size_t contact_count, contact_cap;
  uint32_t live_contacts;
  sr_map aliases;
  sr_channel *channels;
  size_t channel_count, channel_cap;

  sr_runtime rt;

  /* Preview capture (quiet mode). */
  siren_preview_page *preview_out;
  size_t preview_cap, preview_total;
  int64_t preview_origin;

  /* Incidents. */
  sr_rplan *rplans;
  size_t rplan_count, rplan_cap;
  sr_map rplan_names;
  sr_incident **incidents; /* chunked: SR_AT */
  size_t incident_count, incident_cap;
  sr_map dedupe;          /* dedupe string -> OPEN incident */
  sr_map incident_tokens; /* client token -> incident */
  sr_tl **tl; /* chunked */
  size_t tl_count, tl_cap;
  sr_heartbeat *heartbeats;
  size_t heartbeat_count, heartbeat_cap;
  sr_map heartbeat_names;
  sr_analysis *analyses;
  size_t analysis_count, analysis_cap;
  char *render;           /* timeline data rendered for a query */
  size_t render_cap;
  struct sr_rbstate *rbs; /* runbooks and executions (runbook.c), or NULL */
  struct sr_rotstate *rots; /* rotations (rotation.c), or NULL */
  uint32_t stash;         /* prepare -> commit: a decision both must share */
  uint32_t stash_result;  /* commit -> command: the incident started */
  int stash_merged;       /* ... and whether it was a merge */
  int stash_exec;         /* incident start: an execution was prepared too */
  void *stash_frozen;     /* analysis.c: the copy an ANALYSIS_CREATE prepared */

  /* Allocations a record's prepare step made for its commit step to take. */
  void **prep;
  size_t prep_count, prep_cap;

  uint8_t *recbuf;
  size_t recbuf_cap;
  uint8_t *sealbuf; /* sealed record out, or unsealed record in */
  size_t sealbuf_cap;
  char *problems; /* siren_config_problems() */
  size_t problems_len, problems_cap;
  char errmsg[512];
};

/* engine.c */
int sr_err(siren_engine *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void sr_log(siren_engine *e, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int sr_begin(siren_engine *e); /* re-entry check, clear errmsg, fire what is due */
int sr_exec(siren_engine *e, sr_rec *r);
/* Stores a record (encode, seal, append) without applying it. */
int sr_store(siren_engine *e, sr_rec *r);
/* Applies a record read back from storage (prepare, commit): replay. */
int sr_apply(siren_engine *e, sr_rec *r);
/* Whether sr_emit delivers: hot paths skip building events nobody gets. */
#define SR_EVENTS_ON(e) ((e)->host.event && !(e)->quiet && !(e)->replaying)
void sr_emit(siren_engine *e, const siren_event *ev);
void sr_notify(siren_engine *e, const siren_notification *n, uint32_t page);
void sr_event_init(siren_event *ev, siren_event_type type, int64_t t);
void sr_code(siren_engine *e, sr_rec *r, char out[8]);
/* Prepare-step helpers: keep an allocation for the commit step (freed if the
 * record is not committed); 0 or SIREN_ENOMEM. */
int sr_prep_keep(siren_engine *e, void *p);
int sr_prep_str(siren_engine *e, const sr_str *s);
void *sr_prep_take(siren_engine *e, size_t i);
int sr_end(siren_engine *e, int rc);
int sr_query(siren_engine *e);
int sr_fire_due(siren_engine *e, int64_t until, uint32_t *fired);

/* journal.c */
void sr_rec_init(sr_rec *r, uint8_t type);
void sr_rec_free(const sr_mem *m, sr_rec *r);
int sr_rec_int(const sr_mem *m, sr_rec *r, int64_t v);
int sr_rec_str(const sr_mem *m, sr_rec *r, const char *s); /* NULL stored as "" */
int sr_rec_encode(siren_engine *e, const sr_rec *r, size_t *len);
int sr_rec_decode(const sr_mem *m, sr_rec *r, const uint8_t *buf, size_t len);

/* timers.c */
int sr_timer_reserve(siren_engine *e, size_t extra);
void sr_timer_push(siren_engine *e, int64_t due, uint8_t kind, uint32_t ref, uint32_t gen);
int sr_timer_valid(const siren_engine *e, const sr_timer *t);
/* Drops stale timers from the top; returns the top or NULL. */
const sr_timer *sr_timer_peek(siren_engine *e);
void sr_timer_pop(siren_engine *e);
/* Restores the heap order of the whole queue (after a snapshot restore,
 * which takes the timers in whatever order they were written). */
void sr_timer_heapify(siren_engine *e);

/* contact.c */
sr_contact *sr_contact_find(siren_engine *e, const char *alias, uint32_t *index);
sr_channel *sr_channel_find(siren_engine *e, const sr_contact *c, const char *name,
                            uint32_t *index);
int sr_contact_prepare(siren_engine *e, const sr_rec *r);
void sr_contact_commit(siren_engine *e, sr_rec *r);
void sr_plan_release(siren_engine *e, sr_plan *p);
const char *sr_channel_kind_name(uint8_t kind);
/* Compares a 6-digit code without timing leaks; the given code may be any length. */
int sr_code_equal(const char *want, const char *got);
int sr_valid_alias(const char *s);
int sr_valid_type_name(const char *s);
uint8_t sr_kind_of(const char *type);
int sr_valid_address(uint8_t kind, const char *address);
/* What a valid address of this kind looks like, for error messages. */
const char *sr_address_rule(uint8_t kind);

/* escalation.c: plan runs */
/* Upper bounds of what starting a run of contact (or stage s of a run) adds. */
void sr_start_cost(const siren_engine *e, uint32_t contact, uint32_t depth, size_t *runs,
                   size_t *pages);
void sr_stage_cost(const siren_engine *e, const sr_plan *plan, uint8_t personal, uint32_t s,
                   uint32_t depth, size_t *runs, size_t *pages);
int sr_runtime_reserve(siren_engine *e, size_t runs, size_t pages);
uint32_t sr_run_start(siren_engine *e, sr_rec *r, uint32_t engagement, uint32_t contact,
                      uint32_t parent, int32_t parent_stage, uint8_t essential);
void sr_run_timer(siren_engine *e, sr_rec *r, uint32_t run);
void sr_run_stop(siren_engine *e, uint32_t run, int64_t t);
/* Finishes an active run as DONE (its plan ran out). */
void sr_run_finish(siren_engine *e, uint32_t run, int64_t t);
void sr_page_accepted(siren_engine *e, sr_rec *r, uint32_t page);
void sr_page_retry_fire(siren_engine *e, sr_rec *r, uint32_t page);

/* engagement.c */
int sr_engagement_prepare(siren_engine *e, sr_rec *r);
void sr_engagement_commit(siren_engine *e, sr_rec *r);
void sr_runtime_free(siren_engine *e, sr_runtime *rt);
/* Opens an engagement of contact ci; takes ownership of pack, the 7 strings
 * (sender, subject, content, public subject, public content, incident arn,
 * token) in one allocation that prepare made. incident is 1-based or 0. */
uint32_t sr_engagement_open(siren_engine *e, sr_rec *r, uint32_t ci, char **pack,
                            uint32_t incident);

/* incident.c */
int sr_incident_prepare(siren_engine *e, sr_rec *r);
void sr_incident_commit(siren_engine *e, sr_rec *r);
void sr_incidents_free(siren_engine *e);
int sr_incident_timer_valid(const siren_engine *e, const sr_timer *t);
/* What a timer of an incident kind needs reserved, and its firing. */
int sr_incident_timer_prepare(siren_engine *e, sr_rec *r);
void sr_incident_timer_fire(siren_engine *e, sr_rec *r);
/* 1 when a response plan engages contact ci (it cannot be deleted). */
int sr_rplan_uses_contact(const siren_engine *e, uint32_t ci);
/* Hooks from the scheduler; each does nothing outside an incident. */
void sr_incident_on_page(siren_engine *e, sr_rec *r, uint32_t page);
/* Called with was_acknowledged -1 before the acceptance is applied (the
 * timeline event), then with the engagement's acknowledged flag from before. */
void sr_incident_on_accept(siren_engine *e, sr_rec *r, uint32_t page, int was_acknowledged);
void sr_incident_on_escalate(siren_engine *e, sr_rec *r, uint32_t run);
void sr_incident_on_complete(siren_engine *e, int64_t t, uint32_t engagement);

/* timeline.c */
int sr_tl_reserve(siren_engine *e, size_t extra);
/* Appends an automatic event (capacity reserved); data may be NULL (taken). */
uint32_t sr_tl_add(siren_engine *e, uint32_t incident, uint8_t kind, int64_t t, uint32_t a,
                   uint32_t b, char **s, uint32_t ref_count);
int sr_timeline_prepare(siren_engine *e, sr_rec *r);
void sr_timeline_commit(siren_engine *e, sr_rec *r);
void sr_timeline_free(siren_engine *e);
const char *sr_tl_type_name(const sr_tl *t);
/* Renders an event's data into e->render; NULL on no memory. */
const char *sr_tl_render(siren_engine *e, const sr_tl *t);
/* One allocation holding n pointers then the strings; NULL on failure. */
char **sr_pack(const sr_mem *m, const sr_str *v, size_t n);
char **sr_pack_cstr(const sr_mem *m, const char *const *v, size_t n);
/* Like sr_pack_cstr, but a string equal to one of pool's is not copied: its
 * pointer leads into the pool (and an empty one to a static ""). For strings
 * that repeat an owner's (an incident's engagements repeat its ARN and
 * title); the pack must not outlive the pool. At most 16 strings. */
/* Like sr_pack_cstr, but a string that ends another (an incident's trigger ARN
 * ends its default dedupe string "source:arn"; "" ends every string) shares
 * that string's bytes. For packs that are never written to. */
char **sr_pack_suffixes(const sr_mem *m, const char *const *v, size_t n);
char **sr_pack_suffixes_str(const sr_mem *m, const sr_str *v, size_t n);
char **sr_pack_shared(const sr_mem *m, const char *const *v, size_t n, char *const *pool,
                      size_t pool_n);
/* A growable text buffer over the engine's allocator. */
typedef struct sr_buf {
  const sr_mem *m;
  char *p;
  size_t n, cap;
  int failed;
} sr_buf;
void sr_buf_cat(sr_buf *b, const char *s, size_t n);
void sr_buf_str(sr_buf *b, const char *s);
void sr_buf_json(sr_buf *b, const char *s); /* a JSON string literal */
void sr_buf_fmt(sr_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* runbook.c */
typedef struct sr_rbstate sr_rbstate;
int sr_runbook_prepare(siren_engine *e, sr_rec *r);
void sr_runbook_commit(siren_engine *e, sr_rec *r);
void sr_runbook_discard(siren_engine *e);
void sr_runbooks_free(siren_engine *e);
/* After siren_engine_open(): announces again the host actions that are
 * running (their outcome was never reported). Returns how many. */
uint32_t sr_exec_reannounce(siren_engine *e);
/* 1 when any runbook was loaded or any execution started. */
int sr_runbooks_present(const siren_engine *e);
int sr_exec_timer_valid(const siren_engine *e, const sr_timer *t);
int sr_exec_timer_prepare(siren_engine *e, sr_rec *r);
void sr_exec_timer_fire(siren_engine *e, sr_rec *r);
/* Prepares a new execution of runbook index bi with parameters as (name,
 * JSON value) pairs; commit with sr_runbook_commit_start(). */
int sr_exec_prepare_start(siren_engine *e, int64_t now, uint32_t bi, const sr_str *names,
                          const sr_str *values, size_t n, uint8_t mode, const char *token,
                          uint32_t incident, char *why, size_t whycap);

/* 1 and *bi when a runbook of that name is loaded. */
int sr_runbook_index(const siren_engine *e, const char *name, uint32_t *bi);
/* Prepares the execution a response plan's action starts for incident
 * (1-based): static parameters converted to the runbook's types, dynamic
 * ones filled in. SIREN_EINVAL (why says it) when the runbook refuses them. */
int sr_exec_prepare_for_plan(siren_engine *e, int64_t now, uint32_t bi,
                             const siren_response_plan *p, const char *arn,
                             const char *const *involved, size_t ninvolved, uint32_t incident,
                             char *why, size_t whycap);
/* Applies what sr_exec_prepare_* stashed (inside the commit of the record
 * that prepared it). */
void sr_exec_commit_prepared(siren_engine *e, sr_rec *r);
/* Cancels the incident's running executions (no onCancel steps: the
 * incident is over). Allocates nothing. */
void sr_exec_cancel_for_incident(siren_engine *e, int64_t t, uint32_t incident);
/* How many executions of incident (1-based) are still running. */
size_t sr_exec_running_for_incident(const siren_engine *e, uint32_t incident);
/* The runbook name of execution id (1-based), or "". */
const char *sr_exec_runbook_name(const siren_engine *e, uint64_t id);

/* snapshot.c: the whole state as one record, and back. */
int sr_snapshot_build(siren_engine *e, sr_rec *r);
int sr_snapshot_restore(siren_engine *e, const sr_rec *r);
/* incident.c, for snapshots: a response plan in the layout of its record
 * (decode checks it and returns a copy: ECORRUPT, ENOMEM), and the strings of
 * inc->fixed: how many, and the ones that key e->dedupe and
 * e->incident_tokens. */
int sr_rplan_encode(siren_engine *e, sr_rec *r, const siren_response_plan *p);
int sr_rplan_decode(siren_engine *e, const sr_rec *v, siren_response_plan **out);
size_t sr_incident_fixed_count(void);
const char *sr_incident_dedupe(const sr_incident *inc);
const char *sr_incident_token(const sr_incident *inc);

/* escalation.c */
/* Announces page p (notify) as it was sent; used again after a restart. */
void sr_page_announce(siren_engine *e, uint32_t page, int64_t t);

/* rotation.c */
int sr_rotation_prepare(siren_engine *e, sr_rec *r);
/* Frees what a prepared rotation record held when it was not applied. */
void sr_rotation_discard(siren_engine *e);
void sr_rotation_commit(siren_engine *e, sr_rec *r);
void sr_rotations_free(siren_engine *e);
int sr_rotations_present(const siren_engine *e);
int sr_rotation_timer_valid(const siren_engine *e, const sr_timer *t);
int sr_rotation_timer_prepare(siren_engine *e, sr_rec *r);
void sr_rotation_timer_fire(siren_engine *e, sr_rec *r);
/* The naming rules of siren_rotation_create() (config.c checks them too, so
 * that each problem has its path). */
int sr_valid_rotation_name(const char *s, size_t n);
int sr_valid_zone_name(const char *s);
/* The TZif bytes of zone `name` from host->load_zone, valid until the calling
 * siren function returns; *data NULL for the built-in UTC. Errors (errmsg set
 * with the reason): SIREN_ENOTFOUND, SIREN_ECALLBACK, SIREN_EINVAL (a size no
 * TZif file has). */
int sr_zone_fetch(siren_engine *e, const char *name, const void **data, size_t *len);
/* 1 when a rotation has contact ci as a member or in an override. */
int sr_rotation_uses_contact(const siren_engine *e, uint32_t ci);
/* Upper bound of the runs and pages engaging schedule ci adds (its own run
 * included). */
void sr_schedule_cost(const siren_engine *e, uint32_t ci, uint32_t depth, size_t *runs,
                      size_t *pages);
/* Resolves the schedule of run (just started) and engages who is on call. */
void sr_schedule_engage(siren_engine *e, sr_rec *r, uint32_t run);
/* Renders the data of an SR_TL_SCHEDULE_NOBODY event. */
void sr_tl_nobody_render(siren_engine *e, sr_buf *b, int64_t schedule, int64_t held);

/* analysis.c */
int sr_analysis_prepare(siren_engine *e, sr_rec *r);
void sr_analysis_commit(siren_engine *e, sr_rec *r);
void sr_analyses_free(siren_engine *e);
/* Frees what a prepared ANALYSIS_CREATE held when its record was not applied. */
void sr_analysis_discard(siren_engine *e);

#endif
