/*
 * siren — an embeddable incident-response scheduler.
 *
 * This header is the whole public interface and its manual. siren decides who is
 * paged on which channel at which instant, when an escalation moves on, and what
 * an acknowledgement stops; the host application owns every piece of I/O and
 * hands it to siren through a table of callbacks (struct siren_host).
 *
 * Conventions used throughout:
 *  - Every function returns an int: SIREN_OK (0) on success or a negative
 *    SIREN_E* code. siren_strerror() names a code; siren_errmsg() describes the
 *    last failure on an engine in words (valid until the next call on it).
 *  - Out-parameters come first, then the object, then inputs.
 *  - Times are int64_t milliseconds since the Unix epoch, UTC. Durations in
 *    plans are whole minutes, as in AWS SSM Contacts.
 *  - Strings are NUL-terminated UTF-8. siren copies every string it keeps; a
 *    pointer siren returns (in an *_info struct, a notification or an event)
 *    points into the engine and stays valid until the next call that changes
 *    the engine, unless the member's comment says otherwise.
 *  - Every transparent struct starts with `unsigned int version`. Initialise it
 *    with the *_INIT macro, or with the *_init() function from FFI languages.
 *    Members are only ever appended; siren reads only the members that the
 *    version you set declares, and fills only those in structs it writes.
 *  - An engine is not thread-safe: use one engine per thread, or hold a lock of
 *    your own around every call. Two engines never share state.
 *  - A host callback must not call back into the engine that called it. If it
 *    does, that inner call fails with SIREN_EBUSY and changes nothing, not
 *    even siren_errmsg() (which still describes the outer call).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SIREN_SIREN_H
#define SIREN_SIREN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(SIREN_BUILDING_DLL)
#define SIREN_EXTERN __declspec(dllexport)
#elif defined(__GNUC__) && defined(SIREN_BUILDING)
#define SIREN_EXTERN __attribute__((visibility("default")))
#else
#define SIREN_EXTERN
#endif

/* ---------------------------------------------------------------- version */

#define SIREN_VERSION_MAJOR 0
#define SIREN_VERSION_MINOR 4
#define SIREN_VERSION_PATCH 0
#define SIREN_VERSION_STRING "0.4.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH. */
#define SIREN_VERSION_NUMBER 400

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH". Static
 * storage; never NULL. */
SIREN_EXTERN const char *siren_version(void);
/* The version of the library actually linked, as SIREN_VERSION_NUMBER would
 * spell it. Bindings compare it with the version they were written for. */
SIREN_EXTERN int siren_version_number(void);

/* Optional features, as bits of siren_build_features(). A build may leave a
 * feature out to be smaller (meson options config_import and runbooks); its
 * functions are still there, and return SIREN_EUNSUPPORTED. */
#define SIREN_FEATURE_CONFIG_IMPORT 0x1u /* siren_config_load() */
#define SIREN_FEATURE_RUNBOOKS 0x2u      /* siren_runbook_*, siren_execution_*, siren_action_result() */

/* The SIREN_FEATURE_* bits of the features this build of the library has.
 * Bindings and hosts ask it instead of probing for SIREN_EUNSUPPORTED. */
SIREN_EXTERN unsigned int siren_build_features(void);

/* ------------------------------------------------------------------ errors */

enum {
  SIREN_OK = 0,
  SIREN_ERROR = -1,     /* internal inconsistency; please report it */
  SIREN_EINVAL = -2,    /* an argument or a definition is not valid */
  SIREN_ENOTFOUND = -3, /* no such contact, channel, engagement or page */
  SIREN_EEXISTS = -4,   /* an object with that name already exists */
  SIREN_ENOMEM = -5,    /* the allocator failed; nothing was changed */
  SIREN_EBUSY = -6,     /* called from inside one of this engine's callbacks */
  SIREN_ECALLBACK = -7, /* a host callback returned non-zero */
  SIREN_ESTATE = -8,    /* not possible in the object's current state */
  SIREN_EDENIED = -9,   /* wrong, expired or exhausted code */
  SIREN_ECORRUPT = -10, /* a record or document is damaged */
  SIREN_EVERSION = -11, /* a struct or host table version siren does not know */
  SIREN_EUNSUPPORTED = -12 /* this build of siren left the feature out (see
                              siren_build_features) */
};

/* A short static description of an error code ("not found"). Never NULL; an
 * unknown code gives "unknown error". */
SIREN_EXTERN const char *siren_strerror(int code);

/* ------------------------------------------------------------ the engine */

typedef struct siren_engine siren_engine;

/* An id of an engagement or a page. Ids are assigned in order from 1 and are
 * never reused within one engine's record stream; 0 means "none". */
typedef uint64_t siren_id;

/* Returned by siren_engine_next_deadline() when nothing is scheduled. */
#define SIREN_NO_DEADLINE INT64_MAX

/* ---------------------------------------------------------- notifications */

/* What the host is asked to deliver. */
typedef enum siren_notify_kind {
  SIREN_NOTIFY_PAGE = 1,           /* a page to one contact channel */
  SIREN_NOTIFY_ACTIVATION_CODE = 2, /* a 6-digit activation code to a channel */
  SIREN_NOTIFY_CHAT = 3,           /* a message for an incident's chat channel */
  SIREN_NOTIFY_TARGET = 4,         /* a message for an incident's notification target */
  SIREN_NOTIFY_ACTION = 5,         /* a runbook step for the host to run; report the
                                      outcome with siren_action_result() */
  SIREN_NOTIFY_SHIFT = 6           /* a contact's on-call shift starts soon or has
                                      started (message "starting" / "started"); the
                                      host picks how to reach them (channel and
                                      address are "") */
} siren_notify_kind;

/*
 * One message for the host to deliver, given to host->notify. All pointers are
 * valid only during the callback; copy what you keep. A page's id is stable:
 * the host should report delivery outcomes with siren_page_receipt() and may
 * use the id to drop duplicates.
 */
typedef struct siren_notification {
  unsigned int version; /* SIREN_NOTIFICATION_VERSION for this library */
  siren_notify_kind kind;
  int64_t time;            /* the instant siren decided to send it */
  siren_id page;           /* PAGE: the page id; else 0 */
  siren_id engagement;     /* PAGE: the engagement; else 0 */
  siren_id retry_of;       /* PAGE: the page this one retries after an ERROR; else 0 */
  const char *contact;     /* alias of the personal contact that owns the channel */
  const char *channel;     /* the channel's name */
  const char *channel_type;/* "EMAIL", "SMS", "VOICE" or a host-defined type */
  const char *address;     /* the delivery address */
  const char *sender;      /* PAGE: who engages (may be "") */
  const char *subject;     /* PAGE: public subject for SMS when given, else the subject */
  const char *content;     /* PAGE: public content for SMS when given, else the content */
  const char *incident_id; /* PAGE: the incident id given to the engagement, or "" */
  const char *code;        /* PAGE: the accept code; ACTIVATION_CODE: the activation code */
  uint32_t stage;          /* PAGE: the personal plan stage (0-based) */
  /* Version 2: */
  siren_id incident;       /* CHAT, TARGET: the incident; PAGE: its incident, or 0 */
  const char *text;        /* CHAT, TARGET: a line a person can read */
  const char *message;     /* CHAT, TARGET: "opened", "impact", "escalated",
                              "acknowledged", "resolved" or "reopened" */
  siren_id execution;      /* ACTION: the execution */
  const char *step;        /* ACTION: the step's name */
  const char *action;      /* ACTION: the action, e.g. "aws:executeScript" */
  const char *inputs;      /* ACTION: the step's inputs, resolved, as a JSON object */
  uint32_t attempt;        /* ACTION: from 1 */
  /* Version 3: */
  const char *rotation;    /* SHIFT: the rotation's name; else "" */
  int64_t shift_start;     /* SHIFT: the shift, [start, end) */
  int64_t shift_end;
} siren_notification;
#define SIREN_NOTIFICATION_VERSION 3

/* ----------------------------------------------------------------- events */

/* Every decision siren takes is reported to host->event (optional), after its
 * record is stored. A simulator prints these; an agent may log them. */
typedef enum siren_event_type {
  SIREN_EVENT_ENGAGEMENT_STARTED = 1,
  SIREN_EVENT_STAGE_STARTED = 2,      /* contact = the plan's contact */
  SIREN_EVENT_PAGE_SENT = 3,
  SIREN_EVENT_PAGE_RETRY = 4,         /* page = the new page, related = the failed one */
  SIREN_EVENT_PAGE_ACCEPTED = 5,      /* essential: the contact is an essential target */
  SIREN_EVENT_PAGE_RECEIPT = 6,       /* reason = receipt type name */
  SIREN_EVENT_CHANNEL_SKIPPED = 7,    /* reason = why */
  SIREN_EVENT_ENGAGEMENT_STOPPED = 8, /* reason = the reason given */
  SIREN_EVENT_ENGAGEMENT_COMPLETED = 9,
  SIREN_EVENT_CHANNEL_ACTIVATED = 10,
  SIREN_EVENT_CHANNEL_DEACTIVATED = 11,
  SIREN_EVENT_ACTIVATION_CODE_SENT = 12,
  SIREN_EVENT_PLAN_REPEATED = 13,     /* stage = the repetition number, from 1 */
  SIREN_EVENT_CONTACT_ENGAGED = 14,   /* an escalation stage engaged contact */
  SIREN_EVENT_INCIDENT_CREATED = 15,  /* response_plan, title, impact */
  SIREN_EVENT_INCIDENT_DEDUPLICATED = 16, /* reason = the trigger source */
  SIREN_EVENT_INCIDENT_UPDATED = 17,  /* text = the fields changed, comma-separated
                                         ("title,impact") */
  SIREN_EVENT_INCIDENT_RESOLVED = 18, /* reason = why ("updated", "auto-resolved", ...) */
  SIREN_EVENT_INCIDENT_REOPENED = 19,
  SIREN_EVENT_CHAT_MESSAGE = 20,      /* channel = chat channel or notification target,
                                         channel_type = "CHAT" or "TARGET", text */
  SIREN_EVENT_RELATED_ITEM_ADDED = 21,   /* reason = type, text = value */
  SIREN_EVENT_RELATED_ITEM_REMOVED = 22,
  SIREN_EVENT_TIMELINE_EVENT = 23,    /* a custom timeline event; reason = "created",
                                         "updated" or "deleted", related = its id */
  SIREN_EVENT_INCIDENT_REENGAGED = 24,/* reason = why */
  SIREN_EVENT_HEARTBEAT_MISSED = 25,  /* reason = the heartbeat's name */
  SIREN_EVENT_RUNBOOK_PENDING = 26,   /* text = the runbook's name */
  SIREN_EVENT_ANALYSIS_CREATED = 27,  /* related = the analysis id */
  SIREN_EVENT_RUNBOOK_STARTED = 28,   /* related = the execution, text = the runbook */
  SIREN_EVENT_RUNBOOK_STEP = 29,      /* related = the execution, channel = the step,
                                         reason = its status name */
  SIREN_EVENT_RUNBOOK_FINISHED = 30,  /* related = the execution, reason = its status */
  SIREN_EVENT_SHIFT_STARTED = 31,     /* rotation, text = the contacts on call,
                                         comma-separated ("" = nobody), reason =
                                         "REGULAR" or "OVERRIDDEN", until = its end */
  SIREN_EVENT_SCHEDULE_RESOLVED = 32, /* schedule, rotation, contact = who is on call
                                         and is engaged, until = the shift's end */
  SIREN_EVENT_SCHEDULE_NOBODY = 33    /* schedule; reason = "skipped" or "held" (see
                                         SIREN_SCHEDULE_HOLD) */
} siren_event_type;

/* Pointers are valid only during the callback. Members that do not apply to
 * the type are 0 or "". */
typedef struct siren_event {
  unsigned int version; /* SIREN_EVENT_VERSION */
  siren_event_type type;
  int64_t time;
  siren_id engagement;
  siren_id page;
  siren_id related;       /* PAGE_RETRY: the failed page */
  const char *contact;    /* the contact concerned */
  const char *channel;    /* the channel's name */
  const char *channel_type;
  const char *reason;
  const char *incident_id;
  int32_t stage;          /* stage index (0-based) where it applies, else -1 */
  int essential;          /* PAGE_ACCEPTED, CONTACT_ENGAGED: 1 when the contact is an
                             essential target of the escalation stage that engaged
                             it (with SIREN_STAGE_ALL_ESSENTIAL the plan stops only
                             once every essential contact has accepted) */
  int acknowledged;       /* ENGAGEMENT_COMPLETED: 1 or 0 */
  /* Version 2: */
  siren_id incident;      /* the incident concerned, or 0 */
  const char *response_plan;
  const char *title;
  int impact;
  const char *text;
  /* Version 3: */
  const char *rotation;   /* SHIFT_STARTED, SCHEDULE_RESOLVED */
  const char *schedule;   /* SCHEDULE_*: the ONCALL_SCHEDULE contact's alias */
  int64_t until;          /* SHIFT_STARTED, SCHEDULE_RESOLVED: the shift's end */
} siren_event;
#define SIREN_EVENT_VERSION 3

/* Returns the event type's name, as siren-sim prints it ("page.sent"). */
SIREN_EXTERN const char *siren_event_type_name(siren_event_type type);

/* ------------------------------------------------------------- host table */

/* Log levels given to host->log. */
enum { SIREN_LOG_ERROR = 0, SIREN_LOG_WARN = 1, SIREN_LOG_INFO = 2, SIREN_LOG_DEBUG = 3 };

/*
 * The host interface. Fill it with SIREN_HOST_INIT or siren_host_init(), then
 * set the members. siren copies the table at creation. Every callback gets the
 * user_data given to siren_engine_new() as its last argument and returns 0 for
 * success; any other value makes the siren call that triggered it fail with
 * SIREN_ECALLBACK (what that leaves behind is documented per call).
 */
typedef struct siren_host {
  unsigned int version; /* SIREN_HOST_VERSION; 0 is invalid */

  /* Required. Now, in ms since the epoch, UTC. siren never lets time go
   * backwards: a value earlier than the last one it saw is taken as that one. */
  int (*clock)(int64_t *now_ms, void *user_data);

  /* Required. Deliver one message. Called only after the record that decided
   * it has been stored (at-least-once; deduplicate by page id). */
  int (*notify)(const siren_notification *n, void *user_data);

  /* Optional. Fill buf with len unpredictable bytes (accept and activation
   * codes derive from them). When absent, siren uses a fixed deterministic
   * sequence: fine for tests and simulations, NOT for production. */
  int (*random)(void *buf, size_t len, void *user_data);

  /* Optional. Store one record durably before siren applies it. If it fails,
   * the command fails with SIREN_ECALLBACK and changes nothing. When absent,
   * the engine is in-memory only. Record layout: see "records" below. */
  int (*storage_append)(const void *record, size_t len, void *user_data);

  /* Optional. A line of diagnostics; the return value is ignored. */
  int (*log)(int level, const char *message, void *user_data);

  /* Optional. Every decision, after its record is stored; see siren_event. */
  int (*event)(const siren_event *ev, void *user_data);

  /* Optional allocator, all three or none. free(NULL) must be allowed.
   * realloc(p, n) with p == NULL must behave as alloc(n). */
  void *(*mem_alloc)(size_t size, void *user_data);
  void *(*mem_realloc)(void *ptr, size_t size, void *user_data);
  void (*mem_free)(void *ptr, void *user_data);

  /* Version 2. */

  /* Optional: reads the stored records back, oldest first, for
   * siren_engine_open(). Each call sets *record and *len to the next record
   * (the bytes must stay valid until the next call) or *record to NULL after
   * the last one. */
  int (*storage_next)(const void **record, size_t *len, void *user_data);

  /* Optional, both or neither: seal turns a record's bytes into what is
   * stored (encrypt and authenticate them with the host's own keys, as AWS
   * does with KMS); unseal turns stored bytes back into the record when they
   * are read. Each writes at most cap bytes to out (cap is the input's length
   * plus SIREN_SEAL_OVERHEAD) and the length written to *out_len. A record
   * whose unseal fails is treated as corrupt: replay stops there, it is
   * never skipped. With sealing, what storage_append receives is opaque
   * (siren_record_check() cannot read it): store it as one blob. */
  int (*seal)(const void *in, size_t len, void *out, size_t cap, size_t *out_len,
              void *user_data);
  int (*unseal)(const void *in, size_t len, void *out, size_t cap, size_t *out_len,
                void *user_data);

  /* Version 3. */

  /* Optional: the TZif bytes (RFC 8536, as in /usr/share/zoneinfo) of the IANA
   * time zone name ("America/New_York"). Set *data and *len; the bytes must
   * stay valid until the siren call that asked for them returns (siren copies
   * them into the rotation's record, so a replay never depends on the host's
   * tzdata). For
   * a zone the host does not have, set *data to NULL and return 0. Without
   * this callback the only zones are "UTC" and "Etc/UTC". */
  int (*load_zone)(const char *name, const void **data, size_t *len, void *user_data);
} siren_host;
#define SIREN_HOST_VERSION 3
#define SIREN_HOST_INIT {SIREN_HOST_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
/* The most a seal callback may add to a record's length. */
#define SIREN_SEAL_OVERHEAD 1024
/* Zeroes *host and sets its version. Returns SIREN_EVERSION for a version this
 * library does not know (0 or newer than SIREN_HOST_VERSION). */
SIREN_EXTERN int siren_host_init(siren_host *host, unsigned int version);

/* Engine options. Zero in a member means "the default". */
typedef struct siren_options {
  unsigned int version; /* SIREN_OPTIONS_VERSION */
  uint32_t activation_max_attempts;  /* wrong codes allowed per code; default 5 */
  int64_t activation_code_ttl_ms;    /* code lifetime; default 24 h */
  uint32_t max_stage_minutes;        /* stage duration cap; default 30 (AWS);
                                        UINT32_MAX lifts it */
} siren_options;
#define SIREN_OPTIONS_VERSION 1
#define SIREN_OPTIONS_INIT {SIREN_OPTIONS_VERSION, 0, 0, 0}
SIREN_EXTERN int siren_options_init(siren_options *opts, unsigned int version);

/*
 * Creates an engine. host is copied; options may be NULL for the defaults;
 * user_data is passed back to every callback. Errors: SIREN_EINVAL (NULL out
 * or host, missing clock or notify, half an allocator), SIREN_EVERSION,
 * SIREN_ENOMEM. On error *out is NULL.
 */
SIREN_EXTERN int siren_engine_new(siren_engine **out, const siren_host *host,
                                  const siren_options *options, void *user_data);

/* Frees the engine and everything it owns. NULL is allowed. Must not be called
 * from a callback. */
SIREN_EXTERN void siren_engine_free(siren_engine *engine);

/* The last failure on this engine, in words ("" after success). Valid until
 * the next call on the engine. NULL engine gives a static message. */
SIREN_EXTERN const char *siren_errmsg(const siren_engine *engine);

/* When siren next needs siren_engine_advance(): an absolute time in ms, or
 * SIREN_NO_DEADLINE. Call it again after every command: commands can move it. */
SIREN_EXTERN int64_t siren_engine_next_deadline(siren_engine *engine);

/*
 * Fires everything due at or before the host clock's now, in time order (ties
 * in the order they were scheduled). A firing's logical time is its due time,
 * so schedules never drift when the host calls late. If *fired is not NULL it
 * receives the number of firings. When a notify or event callback fails,
 * advance finishes that firing (a page whose notify failed gets an automatic
 * ERROR receipt at the page's time, so its retry interval applies), stops,
 * and returns SIREN_ECALLBACK; what is still due stays due: call advance
 * again (next_deadline() says so). If storage fails, advance stops before
 * the firing that could not be stored, with SIREN_ECALLBACK as well.
 *
 * Every command (create, start, accept, ...) first fires what is due at the
 * host clock's now, as advance would, so a command never lands before a stage
 * that was due earlier. If that catch-up stops on a failure, the command is
 * not applied and returns SIREN_ECALLBACK: call advance, then the command,
 * again.
 */
SIREN_EXTERN int siren_engine_advance(siren_engine *engine, uint32_t *fired);

/* The number of records in the engine's stream: appended since creation, or
 * read back by siren_engine_open() and appended since (the next record's
 * sequence number is this + 1). */
SIREN_EXTERN uint64_t siren_engine_record_count(const siren_engine *engine);

/* ------------------------------------------------------------- durability */

/*
 * Delivery semantics. A page, a chat message or an activation code is
 * announced (notify) only after the record that decided it was stored, and a
 * command returns only after its records were stored; nothing is announced
 * that has no record. After a crash, siren_engine_open() rebuilds the engine
 * from the records and announces again, with the same page id, every page of
 * an active engagement that has no receipt and was not accepted: pages are
 * delivered at least once (hosts drop duplicates by page id; report SENT
 * receipts to keep the repeats to what was really lost). Host actions of
 * runbook steps still running are announced again too (deduplicate by
 * execution, step and attempt). Chat and notification-target messages are
 * not repeated: at most once.
 */

typedef struct siren_open_report {
  unsigned int version;     /* SIREN_OPEN_REPORT_VERSION */
  uint64_t records;         /* records read and applied */
  uint64_t bytes;           /* stored bytes of those records: the valid prefix */
  uint64_t last_sequence;   /* sequence number of the last one applied */
  int64_t last_time;        /* its logical time */
  int stopped;              /* 1 when replay stopped at a damaged record */
  int stop_code;            /* then SIREN_ECORRUPT or SIREN_EVERSION */
  uint64_t stop_index;      /* and its 0-based index in the stream */
  const char *stop_reason;  /* and why, in words ("" when not stopped); valid
                               until the next call on the engine */
  uint64_t since_snapshot;  /* records after the last snapshot (all when none) */
  uint32_t reannounced;     /* pages announced again */
} siren_open_report;
#define SIREN_OPEN_REPORT_VERSION 1
#define SIREN_OPEN_REPORT_INIT {SIREN_OPEN_REPORT_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_open_report_init(siren_open_report *r, unsigned int version);

/*
 * Creates an engine from the records host->storage_next gives (host version
 * 2 or later; storage_next is required). Each record is checked (length,
 * version, checksum, sequence number one more than the last) and applied by
 * the same code that applied it live; no callback but storage_next, unseal,
 * the allocator and, at the end, clock and notify is called. Timers are
 * re-armed as the records left them: what fell due while the engine was down
 * fires, in order, on the first siren_engine_advance() (next_deadline() says
 * so). Then the pages described above are announced again.
 *
 * Replay stops at the first record that is torn, damaged, of an unknown
 * version, out of sequence or does not apply; the engine opens with what came
 * before it and report (may be NULL) says where and why. The host must then
 * cut its storage to report->bytes before appending again. A snapshot record
 * first in the stream restores the whole state; a snapshot later in the
 * stream is skipped (the state it holds was rebuilt already).
 *
 * Open with the options the records were written under: a record that the
 * options refuse (a stage longer than max_stage_minutes) does not apply, and
 * replay stops there.
 *
 * Errors: SIREN_EINVAL (arguments, no storage_next), SIREN_EVERSION,
 * SIREN_ENOMEM, SIREN_ECALLBACK (storage_next failed as a call, as opposed
 * to returning a damaged record), SIREN_EUNSUPPORTED (a record of a feature
 * this build left out, such as a runbook record in a build without runbooks:
 * the stream is not damaged and must not be cut; report says where, with
 * stop_code SIREN_EUNSUPPORTED and a static stop_reason). On error *out is
 * NULL. A failed re-announce
 * (notify) leaves the engine open and returns SIREN_ECALLBACK with *out set:
 * the page gets its automatic ERROR receipt as in siren_engine_advance().
 */
SIREN_EXTERN int siren_engine_open(siren_engine **out, const siren_host *host,
                                   const siren_options *options, void *user_data,
                                   siren_open_report *report);

/*
 * Appends a snapshot record: the engine's whole state in one record, so that
 * replay can start there and the host can drop every record before it. The
 * host decides when (siren_engine_records_since_snapshot() helps). Errors:
 * SIREN_ENOMEM, SIREN_ECALLBACK (storage failed: nothing changed),
 * SIREN_ESTATE once a runbook was loaded or an execution started, or a
 * rotation or an ONCALL_SCHEDULE contact was created: snapshot format 1 does
 * not hold them yet, and siren refuses rather than lose them.
 */
SIREN_EXTERN int siren_engine_snapshot(siren_engine *engine);

/* Records appended since the last snapshot (all of them when there is none). */
SIREN_EXTERN uint64_t siren_engine_records_since_snapshot(const siren_engine *engine);

/* ------------------------------------------------------ replication set */

/*
 * A fan-out storage adapter (the replication set of AWS Incident Manager, in
 * library form): N storage backends, each a set of callbacks with its own
 * user_data. The host's storage_append calls siren_fanout_append(), its
 * storage_next calls siren_fanout_next().
 *
 * Each backend is either in step (it holds exactly the records the engine
 * committed) or behind (it may miss committed records, or hold one the engine
 * never committed); only siren_fanout_append() puts a backend behind and only
 * siren_fanout_catch_up() puts it back in step. At least one backend is
 * always in step. A backend's append that fails must store nothing (cut a
 * partial write away), as host->storage_append must. A backend callback must
 * not call the fan-out; if it does, that inner call fails with SIREN_EBUSY.
 * A fan-out is not thread-safe; use it from the engine's thread.
 */
typedef struct siren_storage {
  unsigned int version; /* SIREN_STORAGE_VERSION */
  /* Required: store one record (or sealed blob). */
  int (*append)(const void *record, size_t len, void *user_data);
  /* Required: read the records back from the first, as host->storage_next. */
  int (*next)(const void **record, size_t *len, void *user_data);
  /* Required: the next call of next starts again from the first record. */
  int (*rewind)(void *user_data);
  void *user_data;
} siren_storage;
#define SIREN_STORAGE_VERSION 1
#define SIREN_STORAGE_INIT {SIREN_STORAGE_VERSION, 0, 0, 0, 0}
SIREN_EXTERN int siren_storage_init(siren_storage *s, unsigned int version);

typedef struct siren_fanout siren_fanout;

/*
 * Creates a fan-out over count backends (1–16), given as an array of pointers
 * (so a backend struct of a later version, being larger, still works);
 * each is copied: they may go away after the call. An append succeeds when
 * at least quorum (1–count) of
 * them stored it. All backends start in step. Each backend needs version 1 to
 * SIREN_STORAGE_VERSION and all three callbacks.
 *
 * host may be NULL (libc allocator) or a host table whose only members read
 * are version and the allocator (all three or none; none means libc). The
 * fan-out has no user_data of its own, so it calls that allocator with
 * user_data NULL: give it an allocator that does not need its user_data, or
 * NULL. It allocates once, here, and frees that in siren_fanout_free();
 * appends, reads and catch-ups allocate nothing.
 *
 * Errors: SIREN_EINVAL (NULL out, backends or backends[i], count or quorum out of range, a
 * missing callback, half an allocator), SIREN_EVERSION (a backend's or the
 * host's version), SIREN_ENOMEM. On error *out is NULL.
 */
SIREN_EXTERN int siren_fanout_new(siren_fanout **out, const siren_storage *const *backends,
                                  size_t count, size_t quorum, const siren_host *host);
/* Frees the fan-out (not the backends). NULL is allowed. Not from a backend
 * callback. */
SIREN_EXTERN void siren_fanout_free(siren_fanout *fanout);

/*
 * Appends the record to every backend that is in step, in index order.
 * Returns SIREN_OK when at least quorum of them stored it: the record is
 * committed, and each backend whose append failed falls behind (it gets no
 * further appends until caught up).
 *
 * Otherwise SIREN_ECALLBACK: the engine treats the record as not stored and
 * will append its sequence number again, maybe with other bytes. Then the
 * backends that did store it fall behind (they hold a record the engine
 * never applied; a catch-up accepts them only if the engine's next record
 * turned out byte-identical, else it reports SIREN_ECORRUPT), and the
 * backends whose append failed stay in step (the stream did not move).
 * When fewer than quorum backends are in step, no backend is called at all
 * and the result is SIREN_ECALLBACK: catch some up first.
 *
 * Errors: SIREN_EINVAL (NULL fanout, or NULL record with len > 0),
 * SIREN_EBUSY, SIREN_ECALLBACK.
 */
SIREN_EXTERN int siren_fanout_append(siren_fanout *fanout, const void *record, size_t len);

/*
 * Reads the next record, as host->storage_next does: *record is NULL after
 * the last one; the bytes stay valid until the next call on the fan-out. The
 * first call after siren_fanout_new() or siren_fanout_catch_up() picks the
 * first backend that is in step, rewinds it and reads from it; later calls
 * go on reading that backend. Errors: SIREN_EINVAL, SIREN_EBUSY,
 * SIREN_ECALLBACK (the rewind or the read failed, or the backend being read
 * fell behind since the read began: going on from another backend's start
 * would repeat records; a catch-up starts the read over).
 */
SIREN_EXTERN int siren_fanout_next(siren_fanout *fanout, const void **record, size_t *len);

/* The index of the backend siren_fanout_next() reads from: the one a read in
 * progress uses, else the one the next call will pick (the first in step);
 * -1 for a NULL fanout or when the backend being read fell behind. */
SIREN_EXTERN int siren_fanout_reading(const siren_fanout *fanout);

/* 1 when backend i is in step, 0 when it fell behind (or i is out of range). */
SIREN_EXTERN int siren_fanout_in_step(const siren_fanout *fanout, size_t i);

/*
 * Catches backend i up from the first backend in step (the source): rewinds
 * both, checks that i's records are the source's first records (byte for
 * byte), and appends the source's remaining records to i, which is then in
 * step again. When i is already in step it does nothing and returns SIREN_OK.
 * *copied (may be NULL) receives the number of records appended to i, also
 * when a failure stops the copy part way (i stays behind then, and a later
 * catch-up checks those records again). Any read in progress through
 * siren_fanout_next() starts over afterwards, whatever the result.
 * Errors: SIREN_EINVAL (NULL fanout, i out of range), SIREN_EBUSY,
 * SIREN_ESTATE (no backend in step; the rules above never allow it),
 * SIREN_ECORRUPT (i holds a record the source does not, or more records: it
 * diverged; empty it and catch it up again), SIREN_ECALLBACK (a backend call
 * failed).
 */
SIREN_EXTERN int siren_fanout_catch_up(siren_fanout *fanout, size_t i, uint64_t *copied);

/* --------------------------------------------------- contacts and channels */

typedef enum siren_contact_type {
  SIREN_CONTACT_PERSONAL = 1,
  SIREN_CONTACT_ESCALATION = 2,
  SIREN_CONTACT_ONCALL_SCHEDULE = 3 /* its plan is rotations: siren_schedule_set() */
} siren_contact_type;

typedef enum siren_activation {
  SIREN_NOT_ACTIVATED = 0,
  SIREN_ACTIVATED = 1
} siren_activation;

/*
 * Creates a contact with an empty plan. alias: 1–255 of [a-z0-9_-], unique;
 * display_name may be NULL. Errors: SIREN_EINVAL, SIREN_EEXISTS.
 */
SIREN_EXTERN int siren_contact_create(siren_engine *engine, const char *alias,
                                      const char *display_name, siren_contact_type type);

/* Deletes a contact and its channels. SIREN_ESTATE when another contact's plan
 * targets it, a rotation has it as a member or in an override, or an
 * engagement still runs for it. */
SIREN_EXTERN int siren_contact_delete(siren_engine *engine, const char *alias);

typedef struct siren_contact_info {
  unsigned int version; /* SIREN_CONTACT_INFO_VERSION */
  const char *alias;
  const char *display_name;
  siren_contact_type type;
  uint32_t stage_count;
  uint32_t channel_count;
  uint32_t repeat_count;
  /* Version 2: */
  uint32_t rotation_count; /* ONCALL_SCHEDULE: its rotations (siren_schedule_rotation_at) */
  uint32_t schedule_flags; /* ONCALL_SCHEDULE: SIREN_SCHEDULE_* */
} siren_contact_info;
#define SIREN_CONTACT_INFO_VERSION 2
#define SIREN_CONTACT_INFO_INIT {SIREN_CONTACT_INFO_VERSION, 0, 0, (siren_contact_type)0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_contact_info_init(siren_contact_info *info, unsigned int version);
SIREN_EXTERN int siren_contact_get(siren_contact_info *out, siren_engine *engine,
                                   const char *alias);

/* The number of contacts, and the alias of the i-th in creation order
 * (deleted contacts are not counted). NULL when i is out of range. */
SIREN_EXTERN uint32_t siren_contact_count(const siren_engine *engine);
SIREN_EXTERN const char *siren_contact_alias_at(const siren_engine *engine, uint32_t i);

/* Flags for siren_channel_create(). */
#define SIREN_CHANNEL_ACTIVATED 0x1u /* already activated (imports): no code is sent */

/*
 * Adds a channel to a PERSONAL contact. name: 1–255, unique within the contact.
 * type: "EMAIL", "SMS", "VOICE" or a host-defined name of 1–64 [A-Za-z0-9_-]
 * (such a channel's address is opaque to siren). address, 1–320 bytes: EMAIL
 * needs one '@' with non-empty sides and no spaces; SMS and VOICE need E.164
 * ('+' then 8–15 digits, the first not 0).
 * Unless flags has SIREN_CHANNEL_ACTIVATED, the channel starts NOT_ACTIVATED
 * and a 6-digit activation code is sent through notify. Errors: SIREN_EINVAL,
 * SIREN_ENOTFOUND (contact), SIREN_EEXISTS, SIREN_ECALLBACK (notify failed; the
 * channel exists, call siren_channel_send_activation_code() again).
 */
SIREN_EXTERN int siren_channel_create(siren_engine *engine, const char *contact,
                                      const char *name, const char *type,
                                      const char *address, uint32_t flags);

/* Removes a channel. SIREN_ESTATE when the contact's plan targets it. */
SIREN_EXTERN int siren_channel_delete(siren_engine *engine, const char *contact,
                                      const char *name);

/* Sends a new activation code (the old one stops working; attempts reset). */
SIREN_EXTERN int siren_channel_send_activation_code(siren_engine *engine,
                                                    const char *contact,
                                                    const char *name);

/* Activates a channel with the code that was sent. Errors: SIREN_EDENIED for a
 * wrong or expired code, or when the code's attempts are used up (send a new
 * code); each wrong code counts. SIREN_ESTATE when already activated. */
SIREN_EXTERN int siren_channel_activate(siren_engine *engine, const char *contact,
                                        const char *name, const char *code);

/* Deactivates a channel: it is not paged until activated again. */
SIREN_EXTERN int siren_channel_deactivate(siren_engine *engine, const char *contact,
                                          const char *name);

typedef struct siren_channel_info {
  unsigned int version; /* SIREN_CHANNEL_INFO_VERSION */
  const char *contact;
  const char *name;
  const char *type;
  const char *address;
  siren_activation activation;
  uint32_t attempts_left;  /* wrong codes still allowed for the current code */
  int64_t code_expires;    /* when the current code expires, or 0 */
} siren_channel_info;
#define SIREN_CHANNEL_INFO_VERSION 1
#define SIREN_CHANNEL_INFO_INIT {SIREN_CHANNEL_INFO_VERSION, 0, 0, 0, 0, (siren_activation)0, 0, 0}
SIREN_EXTERN int siren_channel_info_init(siren_channel_info *info, unsigned int version);
SIREN_EXTERN int siren_channel_get(siren_channel_info *out, siren_engine *engine,
                                   const char *contact, const char *name);
/* The name of a contact's i-th channel, or NULL. */
SIREN_EXTERN const char *siren_channel_name_at(siren_engine *engine, const char *contact,
                                               uint32_t i);

/* ------------------------------------------------------------------ plans */

/*
 * A target of a stage. In a PERSONAL contact's plan, set channel (the name of
 * one of its channels) and retry_interval_minutes (0–60; 0 = no retry after an
 * ERROR receipt). In an ESCALATION contact's plan, set contact (an alias) and
 * essential (1 = this contact's acceptance stops the plan).
 */
typedef struct siren_target {
  unsigned int version; /* SIREN_TARGET_VERSION */
  const char *channel;
  uint32_t retry_interval_minutes;
  const char *contact;
  int essential;
} siren_target;
#define SIREN_TARGET_VERSION 1
#define SIREN_TARGET_INIT {SIREN_TARGET_VERSION, 0, 0, 0, 0}
SIREN_EXTERN int siren_target_init(siren_target *t, unsigned int version);

/* Stage flags. */
#define SIREN_STAGE_ALL_ESSENTIAL 0x1u /* every essential contact of the stage must
                                          accept before the plan stops */

/*
 * duration_minutes: from the start of this stage to the start of the next; for
 * the last stage, until the plan has run out. 0–max_stage_minutes, and 0 only
 * when the stage has a target.
 */
typedef struct siren_stage {
  unsigned int version; /* SIREN_STAGE_VERSION */
  uint32_t duration_minutes;
  uint32_t flags;
  size_t target_count;
  const siren_target *targets;
} siren_stage;
#define SIREN_STAGE_VERSION 1
#define SIREN_STAGE_INIT {SIREN_STAGE_VERSION, 0, 0, 0, 0}
SIREN_EXTERN int siren_stage_init(siren_stage *s, unsigned int version);

/*
 * repeat_count (beyond AWS, like PagerDuty's num_loops): when the last stage
 * runs out without an acceptance that stops the plan, start again from stage
 * 0, at most this many times. Used for the plan of the engaged contact.
 */
typedef struct siren_plan {
  unsigned int version; /* SIREN_PLAN_VERSION */
  size_t stage_count;
  const siren_stage *stages;
  uint32_t repeat_count;
} siren_plan;
#define SIREN_PLAN_VERSION 1
#define SIREN_PLAN_INIT {SIREN_PLAN_VERSION, 0, 0, 0}
SIREN_EXTERN int siren_plan_init(siren_plan *p, unsigned int version);

/*
 * Replaces a contact's plan (at most 64 stages of at most 64 targets).
 * Engagements already running keep the plan they started with. Errors:
 * SIREN_EINVAL (a rule above, or a cycle: an escalation plan that reaches
 * itself), SIREN_ENOTFOUND (unknown channel or contact; siren_errmsg names
 * it with its position, e.g. "stages[1].targets[0]: unknown contact ...").
 */
SIREN_EXTERN int siren_contact_set_plan(siren_engine *engine, const char *alias,
                                        const siren_plan *plan);

/* Reads back stage i of a contact's plan: duration and flags into *out (its
 * targets member is left NULL and target_count set), and the j-th target with
 * siren_contact_plan_target(). */
SIREN_EXTERN int siren_contact_plan_stage(siren_stage *out, siren_engine *engine,
                                          const char *alias, uint32_t i);
SIREN_EXTERN int siren_contact_plan_target(siren_target *out, siren_engine *engine,
                                           const char *alias, uint32_t i, uint32_t j);

/* ------------------------------------------------- rotations and schedules */

/*
 * ROTATIONS (the SSM Contacts shape). A rotation hands the on-call duty from
 * one group of personal contacts to the next at hand-off times given in the
 * rotation's time zone.
 *
 * Hand-off points. Every hand-off setting names a local wall-clock time: each
 * day (DAILY), a day of the week (WEEKLY) or a day of the month (MONTHLY; a
 * day past the month's end means the month's last day, so "31st" hands off
 * on 30 April and 28/29 February). The points are every occurrence of every
 * setting strictly after start_time. With multiplier m the duty changes at
 * every m-th point: shift 0 runs from start_time to point m, shift k from
 * point k*m to point (k+1)*m. (A daily 09:00 hand-off with m = 2 is a shift of
 * two days; weekly Mon 09:00 + Thu 09:00 hands off twice a week.) Points that
 * land on the same instant still count one each; shifts of zero length are
 * never listed.
 *
 * Who. Shift k is held by on_calls contacts: contacts[(k * on_calls + i) mod
 * contact_count] for i = 0 .. on_calls-1, in that order (a contact listed
 * twice in a shift is on call once).
 *
 * Time zones and daylight saving time. Hand-off points and coverage windows
 * are wall-clock times in time_zone (an IANA name, loaded through
 * host->load_zone; abbreviations such as "PST" are refused), so a daily 09:00
 * hand-off stays at 09:00 local across DST changes and the shifts that span
 * a change are 23 or 25 hours long. A wall time that does not exist (in a
 * spring-forward gap) means the first instant after the gap (02:30 on the
 * day New York springs forward is 03:00 EDT); a wall time that happens twice
 * (fall-back overlap) means its first occurrence (01:30 EDT, not 01:30 EST).
 *
 * Coverage. With coverage windows, contacts are on call only inside them:
 * each window is a day of the week with a local start and end minute; an end
 * at or before the start runs past midnight into the next day (00:00-00:00 is
 * the whole day). Days without a window have nobody on call. Hand-offs go on
 * at their points whether or not they fall inside coverage.
 *
 * Overrides change who is on call for a window, in creation order: REPLACE
 * (AWS's CreateRotationOverride: exactly these contacts, possibly none), ADD
 * (these contacts as well) and REMOVE (not these). They apply on top of
 * coverage: a REPLACE or ADD puts its contacts on call even outside the
 * coverage windows. A shift while an override is in force is listed as
 * OVERRIDDEN, with the regular contacts it took off.
 *
 * Records carry the zone's TZif bytes, so a rotation keeps the rules it was
 * created (or last updated) with: siren_rotation_update() with the same
 * definition picks up the host's newer tzdata.
 */

/* Days of the week (ISO 8601 numbering; 0 is invalid). */
typedef enum siren_day {
  SIREN_MON = 1, SIREN_TUE = 2, SIREN_WED = 3, SIREN_THU = 4, SIREN_FRI = 5,
  SIREN_SAT = 6, SIREN_SUN = 7
} siren_day;

typedef enum siren_recurrence {
  SIREN_RECUR_DAILY = 1,   /* DailySettings */
  SIREN_RECUR_WEEKLY = 2,  /* WeeklySettings */
  SIREN_RECUR_MONTHLY = 3  /* MonthlySettings */
} siren_recurrence;

/* One hand-off setting. day: ignored for DAILY, a siren_day for WEEKLY, 1-31
 * for MONTHLY. minute: minute of the local day, 0-1439 ("HH:MM"). Used in
 * arrays: this struct never grows. */
typedef struct siren_handoff {
  unsigned int version; /* SIREN_HANDOFF_VERSION */
  uint32_t day;
  uint32_t minute;
} siren_handoff;
#define SIREN_HANDOFF_VERSION 1
#define SIREN_HANDOFF_INIT {SIREN_HANDOFF_VERSION, 0, 0}
SIREN_EXTERN int siren_handoff_init(siren_handoff *h, unsigned int version);

/* One coverage window (ShiftCoverages): day is a siren_day; start and end are
 * minutes of the local day, 0-1439. Used in arrays: never grows. */
typedef struct siren_coverage {
  unsigned int version; /* SIREN_COVERAGE_VERSION */
  uint32_t day;
  uint32_t start_minute;
  uint32_t end_minute;
} siren_coverage;
#define SIREN_COVERAGE_VERSION 1
#define SIREN_COVERAGE_INIT {SIREN_COVERAGE_VERSION, 0, 0, 0}
SIREN_EXTERN int siren_coverage_init(siren_coverage *c, unsigned int version);

/*
 * A rotation's definition. name: 1-255 of [A-Za-z0-9_.-] and space, unique
 * among rotations. contacts: 1-30 aliases of PERSONAL contacts, in shift order
 * (one may appear more than once). on_calls: 1 to contact_count.
 * multiplier: 1-100. handoffs: 1-64 settings of the recurrence's kind, no two
 * alike. coverages: 0-64 (0 = on call around the clock). notice_minutes:
 * 0-1440; when not 0, each contact coming on call is told that many minutes
 * before their shift starts (SIREN_NOTIFY_SHIFT "starting"), besides the
 * "started" notice every contact gets when their shift starts.
 */
typedef struct siren_rotation {
  unsigned int version; /* SIREN_ROTATION_VERSION */
  const char *name;
  const char *time_zone;
  int64_t start_time;   /* ms since the epoch, UTC */
  size_t contact_count;
  const char *const *contacts;
  siren_recurrence recurrence;
  uint32_t multiplier;
  uint32_t on_calls;
  size_t handoff_count;
  const siren_handoff *handoffs;
  size_t coverage_count;
  const siren_coverage *coverages;
  uint32_t notice_minutes;
} siren_rotation;
#define SIREN_ROTATION_VERSION 1
#define SIREN_ROTATION_INIT {SIREN_ROTATION_VERSION, 0, 0, 0, 0, 0, (siren_recurrence)0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_rotation_init(siren_rotation *r, unsigned int version);

/*
 * Creates a rotation. Errors: SIREN_EINVAL (a rule above; siren_errmsg says
 * which, e.g. "handoffs[1]: minute must be 0-1439"), SIREN_EEXISTS,
 * SIREN_ENOTFOUND (a contact, or a time zone the host does not have),
 * SIREN_ECALLBACK (load_zone failed).
 */
SIREN_EXTERN int siren_rotation_create(siren_engine *engine, const siren_rotation *rotation);

/* Replaces the definition of the rotation of that name (UpdateRotation). Its
 * overrides are kept. Errors as for create, SIREN_ENOTFOUND for the name. */
SIREN_EXTERN int siren_rotation_update(siren_engine *engine, const siren_rotation *rotation);

/* Deletes a rotation with its overrides and takes it out of every schedule. */
SIREN_EXTERN int siren_rotation_delete(siren_engine *engine, const char *name);

/* Reads a rotation back. Every pointer in *out (names, arrays) belongs to
 * the engine and stays valid until the rotation is updated or deleted. */
SIREN_EXTERN int siren_rotation_get(siren_rotation *out, siren_engine *engine,
                                    const char *name);

/* The number of rotations and the name of the i-th in creation order (NULL
 * when out of range). */
SIREN_EXTERN uint32_t siren_rotation_count(const siren_engine *engine);
SIREN_EXTERN const char *siren_rotation_name_at(const siren_engine *engine, uint32_t i);

typedef enum siren_override_mode {
  SIREN_OVERRIDE_REPLACE = 0, /* exactly these contacts (none: nobody on call) */
  SIREN_OVERRIDE_ADD = 1,     /* these as well (any PERSONAL contact) */
  SIREN_OVERRIDE_REMOVE = 2   /* not these */
} siren_override_mode;

/*
 * An override of a rotation for [start, end). contacts: 0-30 aliases; for
 * REPLACE and REMOVE they must be members of the rotation (as AWS requires),
 * for ADD any PERSONAL contact. id and created are set by siren (ignored on
 * input). Used in arrays (siren_rotation_preview_shifts): never grows.
 */
typedef struct siren_override {
  unsigned int version; /* SIREN_OVERRIDE_VERSION */
  siren_id id;
  const char *rotation;
  siren_override_mode mode;
  size_t contact_count;
  const char *const *contacts;
  int64_t start;
  int64_t end;
  int64_t created;
} siren_override;
#define SIREN_OVERRIDE_VERSION 1
#define SIREN_OVERRIDE_INIT {SIREN_OVERRIDE_VERSION, 0, 0, (siren_override_mode)0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_override_init(siren_override *o, unsigned int version);

/* Creates an override; *id (may be NULL) receives its id, unique in the
 * engine. Errors: SIREN_EINVAL (start >= end, a contact that is not allowed),
 * SIREN_ENOTFOUND (rotation or contact). */
SIREN_EXTERN int siren_override_create(siren_id *id, siren_engine *engine,
                                       const siren_override *override);
SIREN_EXTERN int siren_override_delete(siren_engine *engine, const char *rotation, siren_id id);
/* Pointers in *out are valid until the override is deleted (its rotation's
 * name until the engine is freed). */
SIREN_EXTERN int siren_override_get(siren_override *out, siren_engine *engine,
                                    const char *rotation, siren_id id);
/* The ids of a rotation's overrides that overlap [start, end), oldest first:
 * up to cap into ids, the count into *total. */
SIREN_EXTERN int siren_overrides(siren_id *ids, size_t cap, size_t *total, siren_engine *engine,
                                 const char *rotation, int64_t start, int64_t end);

typedef enum siren_shift_type {
  SIREN_SHIFT_REGULAR = 1,
  SIREN_SHIFT_OVERRIDDEN = 2
} siren_shift_type;

/*
 * A shift: who is on call over [start, end). A regular shift is cut where
 * coverage windows and overrides begin and end; consecutive pieces with the
 * same contacts and type are one shift. index is the regular shift's number
 * (shift k above). contacts and overridden point into engine memory valid
 * until the next call on this engine. Used in arrays: never grows.
 */
typedef struct siren_shift {
  unsigned int version; /* SIREN_SHIFT_VERSION */
  int64_t start;
  int64_t end;
  siren_shift_type type;
  uint32_t index;
  uint32_t contact_count;
  const char *const *contacts;   /* on call, the rotation's order, then added ones */
  uint32_t overridden_count;
  const char *const *overridden; /* regular contacts an override took off */
} siren_shift;
#define SIREN_SHIFT_VERSION 1
#define SIREN_SHIFT_INIT {SIREN_SHIFT_VERSION, 0, 0, (siren_shift_type)0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_shift_init(siren_shift *s, unsigned int version);

/* The longest window the shift and gap queries accept: 10 years. */
#define SIREN_MAX_QUERY_WINDOW_MS (INT64_C(3660) * 86400000)

/*
 * ListRotationShifts: the shifts of a rotation that overlap [start, end),
 * clipped to it, in time order; periods with nobody on call (outside
 * coverage, or a REPLACE override with nobody) are not shifts. Up to cap
 * into out (each out[i].version set by siren), the count into *total.
 * Errors: SIREN_EINVAL (start >= end, a window longer than
 * SIREN_MAX_QUERY_WINDOW_MS), SIREN_ENOTFOUND, SIREN_ENOMEM.
 */
SIREN_EXTERN int siren_rotation_shifts(siren_shift *out, size_t cap, size_t *total,
                                       siren_engine *engine, const char *rotation,
                                       int64_t start, int64_t end);

/* ListPreviewRotationShifts: the same for a rotation that is not saved (its
 * name is not needed) with override_count overrides (their rotation member
 * is ignored), checked as siren_rotation_create() would. */
SIREN_EXTERN int siren_rotation_preview_shifts(siren_shift *out, size_t cap, size_t *total,
                                               siren_engine *engine,
                                               const siren_rotation *rotation,
                                               const siren_override *overrides,
                                               size_t override_count, int64_t start,
                                               int64_t end);

/*
 * SCHEDULES. An ONCALL_SCHEDULE contact's plan is a list of up to 8 rotations.
 * When an engagement reaches it (an escalation stage that targets it, a
 * response plan that engages it, or siren_engagement_start()), siren pages
 * whoever is on call in any of its rotations at that instant, each through
 * their own engagement plan, as if the stage targeted them; someone on call
 * in two rotations is engaged once. An acceptance by any of them counts as
 * the schedule's (an essential schedule target stops the escalation). Each
 * resolution is an event (SCHEDULE_RESOLVED) and siren_page_resolution()
 * says how a page was reached. When nobody is on call, SCHEDULE_NOBODY is
 * emitted (and written on the incident's timeline) and, by default, the
 * schedule is skipped; with SIREN_SCHEDULE_HOLD siren waits instead and
 * engages whoever comes on call first (if the engagement is still active by
 * then; the escalation's stages move on meanwhile). A hold looks at most 31
 * days ahead.
 */
#define SIREN_SCHEDULE_HOLD 0x1u

/* Sets an ONCALL_SCHEDULE contact's rotations (by name, 0-8, no repeats; 0
 * leaves nobody on call, as deleting its rotations does) and flags. Running
 * engagements resolve with the new list from then on.
 * Errors: SIREN_EINVAL (not a schedule, count, repeats, flags),
 * SIREN_ENOTFOUND (contact or rotation). */
SIREN_EXTERN int siren_schedule_set(siren_engine *engine, const char *alias,
                                    const char *const *rotations, size_t rotation_count,
                                    uint32_t flags);
/* The name of the schedule's i-th rotation, or NULL. */
SIREN_EXTERN const char *siren_schedule_rotation_at(siren_engine *engine, const char *alias,
                                                    uint32_t i);

/* Who is on call in a schedule, or in a rotation when alias names none of the
 * contacts but a rotation, at instant t: up to cap aliases into out (engine
 * memory valid until the next call), the count into *total. */
SIREN_EXTERN int siren_oncall(const char **out, size_t cap, size_t *total, siren_engine *engine,
                              const char *alias, int64_t t);

typedef enum siren_gap_type {
  SIREN_GAP_NOBODY = 1, /* nobody on call in any of the schedule's rotations */
  SIREN_GAP_SHORT = 2   /* someone is on call, but a rotation inside its
                           coverage has fewer than its on_calls contacts (an
                           override took some off, or the rotation lists a
                           contact twice so that a shift holds it once) */
} siren_gap_type;

/* A coverage gap. Used in arrays: never grows. */
typedef struct siren_gap {
  unsigned int version; /* SIREN_GAP_VERSION */
  int64_t start;
  int64_t end;
  siren_gap_type type;
  uint32_t on_call; /* contacts on call during it (0 for NOBODY) */
} siren_gap;
#define SIREN_GAP_VERSION 1
#define SIREN_GAP_INIT {SIREN_GAP_VERSION, 0, 0, (siren_gap_type)0, 0}
SIREN_EXTERN int siren_gap_init(siren_gap *g, unsigned int version);

/* Coverage-gap analysis of a schedule over [start, end): the intervals of
 * NOBODY and SHORT, in time order, merged when adjacent and alike. Up to cap
 * into out, the count into *total. Errors as for siren_rotation_shifts(),
 * SIREN_EINVAL when alias is not a schedule. */
SIREN_EXTERN int siren_schedule_gaps(siren_gap *out, size_t cap, size_t *total,
                                     siren_engine *engine, const char *alias, int64_t start,
                                     int64_t end);

/* ------------------------------------------------------ engagements, pages */

typedef struct siren_engagement_params {
  unsigned int version; /* SIREN_ENGAGEMENT_PARAMS_VERSION */
  const char *contact;        /* required: alias of a personal or escalation contact */
  const char *sender;         /* required, 1–255 */
  const char *subject;        /* required, 1–2048 */
  const char *content;        /* required, 1–8192 */
  const char *public_subject; /* optional: what SMS gets instead of subject */
  const char *public_content; /* optional: what SMS gets instead of content */
  const char *incident_id;    /* optional */
  const char *idempotency_token; /* optional: a repeat returns the first engagement */
} siren_engagement_params;
#define SIREN_ENGAGEMENT_PARAMS_VERSION 1
#define SIREN_ENGAGEMENT_PARAMS_INIT {SIREN_ENGAGEMENT_PARAMS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_engagement_params_init(siren_engagement_params *p,
                                              unsigned int version);

/*
 * Starts an engagement now: stage 0 of the contact's plan starts at once, so
 * its pages are notified before this returns. *id receives the engagement id.
 * A repeated idempotency_token returns the first engagement's id and changes
 * nothing. Errors: SIREN_EINVAL, SIREN_ENOTFOUND, SIREN_ECALLBACK (a notify
 * failed: the engagement runs; that page got an automatic ERROR receipt).
 */
SIREN_EXTERN int siren_engagement_start(siren_id *id, siren_engine *engine,
                                        const siren_engagement_params *params);

/* Stops an engagement: no further page is sent for it. SIREN_ESTATE when it
 * has already stopped or completed. reason may be NULL. */
SIREN_EXTERN int siren_engagement_stop(siren_engine *engine, siren_id engagement,
                                       const char *reason);

typedef enum siren_engagement_state {
  SIREN_ENGAGEMENT_ACTIVE = 1,
  SIREN_ENGAGEMENT_STOPPED = 2,   /* by siren_engagement_stop() */
  SIREN_ENGAGEMENT_COMPLETED = 3  /* acknowledged, or every plan ran out */
} siren_engagement_state;

typedef struct siren_engagement_info {
  unsigned int version; /* SIREN_ENGAGEMENT_INFO_VERSION */
  siren_id id;
  const char *contact;
  const char *sender;
  const char *subject;
  const char *content;
  const char *public_subject;
  const char *public_content;
  const char *incident_id;
  siren_engagement_state state;
  int acknowledged;      /* an acceptance stopped the engaged contact's plan */
  int64_t start_time;
  int64_t stop_time;     /* when it stopped or completed, or 0 */
  const char *stop_reason;
  uint32_t page_count;
} siren_engagement_info;
#define SIREN_ENGAGEMENT_INFO_VERSION 1
#define SIREN_ENGAGEMENT_INFO_INIT {SIREN_ENGAGEMENT_INFO_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, (siren_engagement_state)0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_engagement_info_init(siren_engagement_info *info, unsigned int version);
SIREN_EXTERN int siren_engagement_get(siren_engagement_info *out, siren_engine *engine,
                                      siren_id engagement);

typedef enum siren_receipt_type {
  SIREN_RECEIPT_SENT = 1,
  SIREN_RECEIPT_DELIVERED = 2,
  SIREN_RECEIPT_READ = 3,
  SIREN_RECEIPT_ERROR = 4, /* the channel is paged again after its retry interval */
  SIREN_RECEIPT_STOP = 5   /* the recipient opted out: the channel is deactivated */
} siren_receipt_type;
SIREN_EXTERN const char *siren_receipt_type_name(siren_receipt_type type);

/* Records a delivery outcome for a page, at the host clock's now. info may be
 * NULL (≤ 2048 bytes). */
SIREN_EXTERN int siren_page_receipt(siren_engine *engine, siren_id page,
                                    siren_receipt_type type, const char *info);

typedef enum siren_accept_type {
  SIREN_ACCEPT_DELIVERED = 1,
  SIREN_ACCEPT_READ = 2
} siren_accept_type;

typedef enum siren_accept_validation {
  SIREN_ACCEPT_ENFORCE = 1, /* the code must match (compared in constant time) */
  SIREN_ACCEPT_IGNORE = 2
} siren_accept_validation;

/*
 * Accepts (acknowledges) a page. The accepting contact is paged no more in
 * this engagement. If the contact is an essential target of the escalation
 * stage that engaged it, the escalation stops: no later stage starts and no
 * other contact of it is paged again (pages already sent stay sent). With
 * SIREN_STAGE_ALL_ESSENTIAL, every essential contact of that stage must accept
 * first. A non-essential acceptance is recorded and the escalation goes on.
 * Errors: SIREN_EDENIED (ENFORCE and a wrong code), SIREN_ESTATE (already
 * accepted), SIREN_ENOTFOUND. note may be NULL.
 */
SIREN_EXTERN int siren_page_accept(siren_engine *engine, siren_id page,
                                   siren_accept_type type, const char *code,
                                   siren_accept_validation validation, const char *note);

typedef struct siren_page_info {
  unsigned int version; /* SIREN_PAGE_INFO_VERSION */
  siren_id id;
  siren_id engagement;
  siren_id retry_of;
  const char *contact;       /* the personal contact paged */
  const char *channel;
  const char *channel_type;
  const char *engaged_by;    /* the escalation contact whose stage paged it, or "" */
  int32_t escalation_stage;  /* that escalation stage, or -1 */
  uint32_t stage;            /* the personal plan stage */
  int essential;             /* an acceptance stops the escalation */
  int64_t sent_time;
  int64_t delivered_time;    /* first DELIVERED receipt, or 0 */
  int64_t read_time;         /* first READ receipt, or 0 */
  int64_t accepted_time;     /* or 0 */
  const char *accept_note;   /* or "" */
  uint32_t receipt_count;
} siren_page_info;
#define SIREN_PAGE_INFO_VERSION 1
#define SIREN_PAGE_INFO_INIT {SIREN_PAGE_INFO_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_page_info_init(siren_page_info *info, unsigned int version);
SIREN_EXTERN int siren_page_get(siren_page_info *out, siren_engine *engine, siren_id page);

/* ListPageResolutions for a page reached through an ONCALL_SCHEDULE: which
 * schedule, rotation and shift resolved to its contact. */
typedef struct siren_resolution {
  unsigned int version; /* SIREN_RESOLUTION_VERSION */
  const char *schedule; /* "" when the page was not reached through a schedule */
  const char *rotation; /* "" likewise */
  const char *contact;  /* the page's contact */
  int64_t shift_start;  /* the shift that had the contact on call, or 0 */
  int64_t shift_end;
  int64_t resolved;     /* when the schedule was resolved */
} siren_resolution;
#define SIREN_RESOLUTION_VERSION 1
#define SIREN_RESOLUTION_INIT {SIREN_RESOLUTION_VERSION, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_resolution_init(siren_resolution *r, unsigned int version);
/* Pointers in *out are valid until the engine is freed (a rotation's name
 * outlives its updates and deletion). shift_start and shift_end are the
 * shift as siren_rotation_shifts() listed it at that instant (cut by coverage
 * and overrides; 0 when its end lay beyond any change). SIREN_ENOTFOUND for
 * an unknown page. */
SIREN_EXTERN int siren_page_resolution(siren_resolution *out, siren_engine *engine,
                                       siren_id page);

typedef struct siren_receipt_info {
  unsigned int version; /* SIREN_RECEIPT_INFO_VERSION */
  siren_receipt_type type;
  int64_t time;
  const char *info;
} siren_receipt_info;
#define SIREN_RECEIPT_INFO_VERSION 1
#define SIREN_RECEIPT_INFO_INIT {SIREN_RECEIPT_INFO_VERSION, (siren_receipt_type)0, 0, 0}
SIREN_EXTERN int siren_receipt_info_init(siren_receipt_info *info, unsigned int version);
/* The i-th receipt of a page, oldest first. SIREN_ENOTFOUND past the end. */
SIREN_EXTERN int siren_page_receipt_at(siren_receipt_info *out, siren_engine *engine,
                                       siren_id page, uint32_t i);

/*
 * Lists pages, oldest first, as ids. These functions write up to cap ids to
 * ids (which may be NULL when cap is 0) and the total number that match to
 * *total, so a caller can ask for the count first and then for the ids.
 */
SIREN_EXTERN int siren_engagement_pages(siren_id *ids, size_t cap, size_t *total,
                                        siren_engine *engine, siren_id engagement);
SIREN_EXTERN int siren_contact_pages(siren_id *ids, size_t cap, size_t *total,
                                     siren_engine *engine, const char *contact);
/* Engagements, oldest first, with the same calling convention. */
SIREN_EXTERN int siren_engagements(siren_id *ids, size_t cap, size_t *total,
                                   siren_engine *engine);

/* ---------------------------------------------------------------- preview */

/* A hypothetical acceptance for siren_engagement_preview(): contact accepts
 * its most recent page after_minutes after the engagement starts. */
typedef struct siren_preview_ack {
  unsigned int version; /* SIREN_PREVIEW_ACK_VERSION */
  const char *contact;
  uint32_t after_minutes;
} siren_preview_ack;
#define SIREN_PREVIEW_ACK_VERSION 1
#define SIREN_PREVIEW_ACK_INIT {SIREN_PREVIEW_ACK_VERSION, 0, 0}
SIREN_EXTERN int siren_preview_ack_init(siren_preview_ack *a, unsigned int version);

/* One page a preview predicts. Strings point into the engine and stay valid
 * until the next call that changes the engine. */
typedef struct siren_preview_page {
  unsigned int version; /* SIREN_PREVIEW_PAGE_VERSION */
  int64_t offset_ms;          /* from the engagement's start */
  const char *contact;        /* the personal contact paged */
  const char *channel;
  const char *channel_type;
  const char *engaged_by;     /* escalation contact, or "" */
  int32_t escalation_stage;   /* or -1 */
  uint32_t stage;             /* personal plan stage */
} siren_preview_page;
#define SIREN_PREVIEW_PAGE_VERSION 1
#define SIREN_PREVIEW_PAGE_INIT {SIREN_PREVIEW_PAGE_VERSION, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_preview_page_init(siren_preview_page *p, unsigned int version);

/*
 * Predicts the pages an engagement of contact would send, with the given
 * hypothetical acceptances (acks may be NULL when ack_count is 0), assuming
 * every page is delivered. Runs the engine's own scheduling code on a scratch
 * copy of the engagement state: nothing is stored, notified or changed. Writes
 * up to cap pages to out (each out[i].version must be set) and the number
 * predicted to *total. Channels that are not activated are skipped, as they
 * would be. Errors: SIREN_ENOTFOUND, SIREN_EINVAL, SIREN_ENOMEM.
 */
SIREN_EXTERN int siren_engagement_preview(siren_preview_page *out, size_t cap, size_t *total,
                                          siren_engine *engine, const char *contact,
                                          const siren_preview_ack *acks, size_t ack_count);

/* --------------------------------------------------------- response plans */

/*
 * A key/value pair (tags, incident tags).
 */
typedef struct siren_tag {
  unsigned int version; /* SIREN_TAG_VERSION */
  const char *key;      /* 1–128 */
  const char *value;    /* 0–256 */
} siren_tag;
#define SIREN_TAG_VERSION 1
#define SIREN_TAG_INIT {SIREN_TAG_VERSION, 0, 0}
SIREN_EXTERN int siren_tag_init(siren_tag *t, unsigned int version);

/* Values siren fills in for a runbook parameter when an incident starts. */
typedef enum siren_dynamic_value {
  SIREN_DYNAMIC_NONE = 0,
  SIREN_DYNAMIC_INCIDENT_RECORD_ARN = 1, /* the incident's arn (a String) */
  SIREN_DYNAMIC_INVOLVED_RESOURCES = 2   /* the trigger's arn and the incident's
                                            INVOLVED_RESOURCE related items (a StringList) */
} siren_dynamic_value;

/* One parameter of a response plan's runbook action: either values (a
 * String is one value, a StringList several) or a dynamic value. */
typedef struct siren_runbook_param {
  unsigned int version; /* SIREN_RUNBOOK_PARAM_VERSION */
  const char *name;     /* 1–50 */
  size_t value_count;   /* 0–10, each 1–10000 bytes; 0 when dynamic is set */
  const char *const *values;
  siren_dynamic_value dynamic;
} siren_runbook_param;
#define SIREN_RUNBOOK_PARAM_VERSION 1
#define SIREN_RUNBOOK_PARAM_INIT {SIREN_RUNBOOK_PARAM_VERSION, 0, 0, 0, (siren_dynamic_value)0}
SIREN_EXTERN int siren_runbook_param_init(siren_runbook_param *p, unsigned int version);

/* A half-open interval of time [start, end), ms since the epoch. */
typedef struct siren_window {
  unsigned int version; /* SIREN_WINDOW_VERSION */
  int64_t start;
  int64_t end;
} siren_window;
#define SIREN_WINDOW_VERSION 1
#define SIREN_WINDOW_INIT {SIREN_WINDOW_VERSION, 0, 0}
SIREN_EXTERN int siren_window_init(siren_window *w, unsigned int version);

/*
 * A response plan (AWS SSM Incidents shape): what an incident started from it
 * looks like, who it engages, where it is discussed, which runbook it starts.
 * The same struct is given to create/update and filled by get (then every
 * pointer points into the engine, valid until the next call that changes it;
 * the arrays of structs it returns have their version set to this library's).
 *
 * Beyond AWS: ack_timeout_minutes (an incident whose engagement was
 * acknowledged but which is still OPEN that long after re-engages the plan's
 * contacts, like PagerDuty's acknowledgement timeout), auto_resolve_minutes
 * (an OPEN incident with no new trigger for that long resolves itself), and
 * maintenance windows (an incident starting inside one is recorded, engages
 * nobody and says so on its timeline).
 */
typedef struct siren_response_plan {
  unsigned int version;      /* SIREN_RESPONSE_PLAN_VERSION */
  const char *name;          /* 1–200 of [A-Za-z0-9_-] (no spaces), unique */
  const char *display_name;  /* optional, ≤ 200 */
  /* The incident template. */
  const char *title;         /* required, 1–200 */
  int impact;                /* 1 Critical, 2 High, 3 Medium, 4 Low, 5 No impact */
  const char *summary;       /* optional, ≤ 4000 */
  const char *dedupe_string; /* optional, ≤ 1000; see siren_incident_start() */
  size_t incident_tag_count; /* ≤ 50: tags every incident of this plan carries */
  const siren_tag *incident_tags;
  size_t notification_target_count; /* ≤ 10: host-defined ids (e.g. SNS topic arns) */
  const char *const *notification_targets;
  /* Collaboration and engagement. */
  size_t chat_channel_count; /* ≤ 5: host-defined chat channel ids */
  const char *const *chat_channels;
  size_t engagement_count;   /* ≤ 5: aliases of contacts engaged when an incident starts */
  const char *const *engagements;
  /* The action: a runbook by name (optional, ≤ 128) and its parameters (≤ 200). */
  const char *runbook;
  size_t runbook_param_count;
  const siren_runbook_param *runbook_params;
  size_t tag_count;          /* ≤ 50: the plan's own tags */
  const siren_tag *tags;
  /* Beyond AWS (0 = off). */
  uint32_t ack_timeout_minutes;  /* 1–1440 */
  uint32_t auto_resolve_minutes; /* 1–43200 */
  size_t maintenance_count;      /* ≤ 16 windows, each with start < end */
  const siren_window *maintenance;
} siren_response_plan;
#define SIREN_RESPONSE_PLAN_VERSION 1
#define SIREN_RESPONSE_PLAN_INIT {SIREN_RESPONSE_PLAN_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_response_plan_init(siren_response_plan *p, unsigned int version);

/*
 * Creates a response plan. Every engagement must name an existing contact.
 * Errors: SIREN_EINVAL (siren_errmsg names the member, e.g.
 * "engagements[1]: no contact \"x\"" or "impact must be 1-5"), SIREN_EEXISTS.
 */
SIREN_EXTERN int siren_response_plan_create(siren_engine *engine,
                                            const siren_response_plan *plan);

/* Replaces the response plan of that name. Incidents already started keep
 * what they copied (title, impact, chat channels, ...); later incidents,
 * re-engagements and dedupe use the new plan. Errors as create, and
 * SIREN_ENOTFOUND. */
SIREN_EXTERN int siren_response_plan_update(siren_engine *engine,
                                            const siren_response_plan *plan);

/* Deletes a response plan. Its incidents stay. SIREN_ESTATE while a heartbeat
 * uses it. */
SIREN_EXTERN int siren_response_plan_delete(siren_engine *engine, const char *name);

/* Fills *out (version set by the caller) with the named plan. */
SIREN_EXTERN int siren_response_plan_get(siren_response_plan *out, siren_engine *engine,
                                         const char *name);

/* The number of response plans and the name of the i-th in creation order
 * (deleted ones are not counted), or NULL. */
SIREN_EXTERN uint32_t siren_response_plan_count(const siren_engine *engine);
SIREN_EXTERN const char *siren_response_plan_name_at(const siren_engine *engine, uint32_t i);

/* -------------------------------------------------------------- incidents */

typedef enum siren_incident_status {
  SIREN_INCIDENT_OPEN = 1,
  SIREN_INCIDENT_RESOLVED = 2
} siren_incident_status;

typedef enum siren_related_item_type {
  SIREN_ITEM_ANALYSIS = 1,
  SIREN_ITEM_ATTACHMENT = 2,
  SIREN_ITEM_AUTOMATION = 3,
  SIREN_ITEM_INCIDENT = 4,
  SIREN_ITEM_METRIC = 5,
  SIREN_ITEM_PARENT = 6,
  SIREN_ITEM_TASK = 7,
  SIREN_ITEM_OTHER = 8,
  SIREN_ITEM_INVOLVED_RESOURCE = 9
} siren_related_item_type;
/* "ANALYSIS", ..., "INVOLVED_RESOURCE"; "" for an unknown type. */
SIREN_EXTERN const char *siren_related_item_type_name(siren_related_item_type type);

/* An item related to an incident. value is its identifier: an ARN, a URL or
 * a metric definition (1–1000); an incident has at most one item per value. */
typedef struct siren_related_item {
  unsigned int version; /* SIREN_RELATED_ITEM_VERSION */
  siren_related_item_type type;
  const char *value;
  const char *title;    /* optional, ≤ 200 */
} siren_related_item;
#define SIREN_RELATED_ITEM_VERSION 1
#define SIREN_RELATED_ITEM_INIT {SIREN_RELATED_ITEM_VERSION, (siren_related_item_type)0, 0, 0}
SIREN_EXTERN int siren_related_item_init(siren_related_item *item, unsigned int version);

typedef struct siren_incident_params {
  unsigned int version;       /* SIREN_INCIDENT_PARAMS_VERSION */
  const char *response_plan;  /* required: the plan's name */
  const char *title;          /* optional: overrides the plan's title */
  int impact;                 /* 0 = the plan's, else 1–5 */
  /* triggerDetails: what started it. source is required (1–50, e.g.
   * "aws.cloudwatch"); timestamp 0 = now; raw_data ≤ 10000. */
  const char *trigger_source;
  int64_t trigger_time;
  const char *trigger_arn;    /* optional, ≤ 1000 */
  const char *trigger_raw_data;
  size_t related_item_count;  /* ≤ 100 */
  const siren_related_item *related_items;
  const char *client_token;   /* optional, ≤ 128: a repeat returns the same incident */
} siren_incident_params;
#define SIREN_INCIDENT_PARAMS_VERSION 1
#define SIREN_INCIDENT_PARAMS_INIT {SIREN_INCIDENT_PARAMS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_incident_params_init(siren_incident_params *p, unsigned int version);

/*
 * Starts an incident from a response plan (AWS StartIncident). *id receives
 * the incident's id; *deduplicated (may be NULL) 1 when the trigger was merged
 * into an incident that was already open, else 0.
 *
 * Dedupe: the incident's dedupe string is the plan's dedupe_string or, when
 * the plan has none, "<trigger_source>:<trigger_arn>" (only when the trigger
 * has an arn: triggers without one never merge). While an OPEN incident has
 * the same dedupe string, a new trigger is merged into it: no new incident,
 * no new engagement or page; an incident.deduplicated timeline event records
 * it, its related items are added, and its auto-resolve clock restarts. A
 * RESOLVED incident never absorbs a trigger. A repeated client_token returns
 * the incident it created and changes nothing.
 *
 * A new incident is OPEN with the plan's template (title and impact as
 * overridden), chat channels and notification targets; its arn is
 * "siren:incident/<plan>/<id>". It engages each of the plan's contacts with an
 * engagement whose incident_id is that arn (unless the plan is in a
 * maintenance window: the timeline says so; contacts a response plan engages
 * cannot be deleted), and
 * posts "opened" to its chat channels and notification targets. When the
 * plan names a loaded runbook (siren_runbook_load()), an execution of it
 * starts with the plan's parameters, dynamic ones filled in (step changes go
 * on the timeline); when the runbook is not loaded, or refuses the
 * parameters, the action is recorded on the timeline as runbook.pending
 * (with "refused": why).
 *
 * Errors: SIREN_EINVAL, SIREN_ENOTFOUND (plan), SIREN_ECALLBACK (a notify
 * failed: the incident exists, see siren_engagement_start()).
 */
SIREN_EXTERN int siren_incident_start(siren_id *id, int *deduplicated, siren_engine *engine,
                                      const siren_incident_params *params);

/* Update flags: which members of siren_incident_changes to apply. */
#define SIREN_UPDATE_TITLE 0x01u
#define SIREN_UPDATE_SUMMARY 0x02u
#define SIREN_UPDATE_IMPACT 0x04u
#define SIREN_UPDATE_STATUS 0x08u
#define SIREN_UPDATE_CHAT_CHANNELS 0x10u
#define SIREN_UPDATE_NOTIFICATION_TARGETS 0x20u

typedef struct siren_incident_changes {
  unsigned int version; /* SIREN_INCIDENT_CHANGES_VERSION */
  uint32_t fields;      /* SIREN_UPDATE_* bits */
  const char *title;
  const char *summary;
  int impact;
  siren_incident_status status;
  size_t chat_channel_count;
  const char *const *chat_channels;
  size_t notification_target_count;
  const char *const *notification_targets;
} siren_incident_changes;
#define SIREN_INCIDENT_CHANGES_VERSION 1
#define SIREN_INCIDENT_CHANGES_INIT {SIREN_INCIDENT_CHANGES_VERSION, 0, 0, 0, 0, (siren_incident_status)0, 0, 0, 0, 0}
SIREN_EXTERN int siren_incident_changes_init(siren_incident_changes *u, unsigned int version);

/*
 * Updates an incident record (AWS UpdateIncidentRecord), fields chosen by
 * u->fields; each change goes on the timeline (incident.updated, naming the
 * fields) and an impact change is posted to chat channels and notification
 * targets.
 *
 * Status RESOLVED resolves it: every engagement of the incident that is still
 * active is stopped (no page is sent for it afterwards), its runbook
 * executions still running are Cancelled where they stand (their onCancel
 * steps do not run: the incident is over), resolved_time is set, "resolved"
 * is posted. A resolved
 * incident stays resolved: a later trigger with the same dedupe string opens a
 * new incident. It can be reopened only explicitly, with status OPEN: it then
 * takes part in dedupe again and its auto-resolve clock starts again, but
 * nobody is re-engaged (start a new incident, or engage contacts yourself,
 * if that is wanted). Setting the status it
 * already has is SIREN_ESTATE. Errors: SIREN_EINVAL, SIREN_ENOTFOUND,
 * SIREN_ESTATE.
 */
SIREN_EXTERN int siren_incident_update(siren_engine *engine, siren_id incident,
                                       const siren_incident_changes *u);

/* Adds a related item (timeline: related_item.added). SIREN_EEXISTS when the
 * incident has an item with that value already. */
SIREN_EXTERN int siren_incident_add_related_item(siren_engine *engine, siren_id incident,
                                                 const siren_related_item *item);
/* Removes the related item with that value (timeline: related_item.removed). */
SIREN_EXTERN int siren_incident_remove_related_item(siren_engine *engine, siren_id incident,
                                                    const char *value);

typedef struct siren_incident_info {
  unsigned int version; /* SIREN_INCIDENT_INFO_VERSION */
  siren_id id;
  const char *arn;
  const char *response_plan;
  const char *title;
  const char *summary;
  int impact;
  siren_incident_status status;
  int64_t creation_time;
  int64_t last_modified_time;
  int64_t resolved_time;       /* or 0 */
  const char *trigger_source;  /* of the trigger that created it */
  const char *trigger_arn;
  int64_t trigger_time;
  const char *trigger_raw_data; /* as given to siren_incident_start() */
  const char *dedupe_string;   /* "" when it never merges */
  uint32_t trigger_count;      /* 1 + the triggers merged into it */
  int64_t last_trigger_time;
  size_t chat_channel_count;
  const char *const *chat_channels;
  size_t notification_target_count;
  const char *const *notification_targets;
  size_t incident_tag_count;   /* the response plan's incident tags as they are now */
  const siren_tag *incident_tags;
  uint32_t engagement_count;
  uint32_t related_item_count;
  uint32_t timeline_event_count; /* not counting deleted ones */
  int acknowledged;            /* an engagement of it was acknowledged */
  int maintenance;             /* started in a maintenance window: nobody engaged */
  const char *runbook;         /* the pending runbook action, or "" */
  siren_id analysis;           /* its post-incident analysis, or 0 */
} siren_incident_info;
#define SIREN_INCIDENT_INFO_VERSION 1
#define SIREN_INCIDENT_INFO_INIT {SIREN_INCIDENT_INFO_VERSION, 0, 0, 0, 0, 0, 0, (siren_incident_status)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_incident_info_init(siren_incident_info *info, unsigned int version);
SIREN_EXTERN int siren_incident_get(siren_incident_info *out, siren_engine *engine,
                                    siren_id incident);

/* The i-th related item of an incident, in the order they were added. */
SIREN_EXTERN int siren_incident_related_item_at(siren_related_item *out, siren_engine *engine,
                                                siren_id incident, uint32_t i);

/* The incident's engagements, oldest first (count-then-fill, as
 * siren_engagement_pages()). */
SIREN_EXTERN int siren_incident_engagements(siren_id *ids, size_t cap, size_t *total,
                                            siren_engine *engine, siren_id incident);

/* A filter for siren_incidents(). Zero members do not filter. */
typedef struct siren_incident_filter {
  unsigned int version;   /* SIREN_INCIDENT_FILTER_VERSION */
  int64_t created_after;  /* creation_time > created_after */
  int64_t created_before; /* creation_time < created_before */
  uint32_t impacts;       /* bit (1 << impact) set for each impact wanted */
  uint32_t statuses;      /* bit (1 << status) set for each status wanted */
} siren_incident_filter;
#define SIREN_INCIDENT_FILTER_VERSION 1
#define SIREN_INCIDENT_FILTER_INIT {SIREN_INCIDENT_FILTER_VERSION, 0, 0, 0, 0}
SIREN_EXTERN int siren_incident_filter_init(siren_incident_filter *f, unsigned int version);

/* Incidents matching filter (NULL = all), oldest first, count-then-fill. */
SIREN_EXTERN int siren_incidents(siren_id *ids, size_t cap, size_t *total, siren_engine *engine,
                                 const siren_incident_filter *filter);

/* --------------------------------------------------------------- timeline */

/*
 * Every incident has a timeline. siren writes automatic events as things
 * happen (event_type, and event_data as a JSON object):
 *   incident.created {title, impact, responsePlan, source, triggerArn}
 *   incident.deduplicated {source, triggerArn, timestamp}
 *   incident.updated {fields, title (if changed), impact and previousImpact (if changed)}
 *   incident.resolved {reason}   incident.reopened {}   incident.maintenance {window}
 *   incident.reengaged {reason}
 *   engagement.started, engagement.escalated {..., stage},
 *   engagement.completed {..., acknowledged}: {engagement, contact}
 *   page.sent, page.accepted {..., essential}: {page, engagement, contact, channel,
 *     channelType}
 *   related_item.added / related_item.removed {type, value, title}: their
 *     references hold the item's value
 *   runbook.pending {runbook, parameters} (dynamic parameters filled in)
 * Automatic events cannot be changed or deleted. Hosts and responders add
 * their own with event_type "Custom Event" or "Note".
 */
typedef struct siren_timeline_event {
  unsigned int version; /* SIREN_TIMELINE_EVENT_VERSION */
  siren_id id;          /* unique within the engine, from 1 */
  siren_id incident;
  const char *event_type;
  int64_t event_time;
  int64_t updated_time; /* when last written */
  const char *event_data; /* ≤ 12000 bytes */
  size_t reference_count; /* ≤ 10 */
  const char *const *references; /* e.g. "related_item:<value>" or an arn */
  int automatic;          /* written by siren: cannot be changed */
} siren_timeline_event;
#define SIREN_TIMELINE_EVENT_VERSION 1
#define SIREN_TIMELINE_EVENT_INIT {SIREN_TIMELINE_EVENT_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_timeline_event_init(siren_timeline_event *ev, unsigned int version);

/* Adds a custom event to an incident's timeline: in->event_type "Custom
 * Event" or "Note", in->event_time (0 = now), in->event_data, references.
 * Errors: SIREN_EINVAL, SIREN_ENOTFOUND. */
SIREN_EXTERN int siren_timeline_event_create(siren_id *id, siren_engine *engine,
                                             siren_id incident,
                                             const siren_timeline_event *in);
/* Replaces a custom event's type, time, data and references with in's
 * (in->event_time 0 keeps the time). SIREN_ESTATE for an automatic event. */
SIREN_EXTERN int siren_timeline_event_update(siren_engine *engine, siren_id incident,
                                             siren_id event, const siren_timeline_event *in);
/* Deletes a custom event. SIREN_ESTATE for an automatic event. */
SIREN_EXTERN int siren_timeline_event_delete(siren_engine *engine, siren_id incident,
                                             siren_id event);
/* Reads one event; event_data of an automatic event is rendered into the
 * engine and valid until the next call on it. */
SIREN_EXTERN int siren_timeline_event_get(siren_timeline_event *out, siren_engine *engine,
                                          siren_id incident, siren_id event);

/*
 * A filter for siren_timeline_events(): an event matches when it is within
 * the time bounds, AND its type is one of event_types (when any are given),
 * AND one of its references is one of references (when any are given).
 */
typedef struct siren_timeline_filter {
  unsigned int version;     /* SIREN_TIMELINE_FILTER_VERSION */
  int64_t after;            /* event_time > after (0: no bound) */
  int64_t before;           /* event_time < before (0: no bound) */
  size_t event_type_count;
  const char *const *event_types;
  size_t reference_count;
  const char *const *references;
  int descending;           /* newest first; ties keep creation order reversed */
  size_t skip;              /* paging: leave out the first skip matches */
} siren_timeline_filter;
#define SIREN_TIMELINE_FILTER_VERSION 1
#define SIREN_TIMELINE_FILTER_INIT {SIREN_TIMELINE_FILTER_VERSION, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_timeline_filter_init(siren_timeline_filter *f, unsigned int version);

/* Timeline events of an incident sorted by event_time (ties in the order they
 * were written), filtered (filter may be NULL), count-then-fill: *total is
 * the number of matches after skip. */
SIREN_EXTERN int siren_timeline_events(siren_id *ids, size_t cap, size_t *total,
                                       siren_engine *engine, siren_id incident,
                                       const siren_timeline_filter *filter);

/* ------------------------------------------------------------- heartbeats */

/*
 * A heartbeat monitor (beyond AWS): a named interval. When no beat arrives
 * for interval_minutes (counted from creation or the last beat), siren starts
 * an incident from response_plan with trigger source "siren.heartbeat" and
 * trigger arn "siren:heartbeat/<name>" (so repeated misses deduplicate). When
 * resolve_on_beat is set, a later beat resolves that incident if it is still
 * open.
 */
typedef struct siren_heartbeat {
  unsigned int version;       /* SIREN_HEARTBEAT_VERSION */
  const char *name;           /* 1–200 of [A-Za-z0-9_-], unique */
  const char *response_plan;
  uint32_t interval_minutes;  /* 1–43200 */
  int resolve_on_beat;
  /* Filled by siren_heartbeat_get(): */
  int64_t last_beat;          /* creation time until the first beat */
  siren_id incident;          /* the incident its last miss opened, or 0 */
} siren_heartbeat;
#define SIREN_HEARTBEAT_VERSION 1
#define SIREN_HEARTBEAT_INIT {SIREN_HEARTBEAT_VERSION, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_heartbeat_init(siren_heartbeat *h, unsigned int version);

/* Creates a heartbeat; the first interval starts now. Errors: SIREN_EINVAL,
 * SIREN_EEXISTS, SIREN_ENOTFOUND (plan). */
SIREN_EXTERN int siren_heartbeat_create(siren_engine *engine, const siren_heartbeat *hb);
/* Records a beat now: the next interval starts. */
SIREN_EXTERN int siren_heartbeat_beat(siren_engine *engine, const char *name);
SIREN_EXTERN int siren_heartbeat_delete(siren_engine *engine, const char *name);
SIREN_EXTERN int siren_heartbeat_get(siren_heartbeat *out, siren_engine *engine,
                                     const char *name);

/* ------------------------------------------------- post-incident analysis */

/* A question of an analysis template. */
typedef struct siren_question {
  unsigned int version; /* SIREN_QUESTION_VERSION */
  const char *section;  /* e.g. "Detection" */
  const char *text;     /* the question */
  const char *answer;   /* when read back: the answer, or "" */
} siren_question;
#define SIREN_QUESTION_VERSION 1
#define SIREN_QUESTION_INIT {SIREN_QUESTION_VERSION, 0, 0, 0}
SIREN_EXTERN int siren_question_init(siren_question *q, unsigned int version);

typedef enum siren_action_status {
  SIREN_ACTION_OPEN = 1,
  SIREN_ACTION_CLOSED = 2
} siren_action_status;

typedef struct siren_action_item {
  unsigned int version; /* SIREN_ACTION_ITEM_VERSION */
  const char *title;    /* 1–200 */
  const char *owner;    /* optional, ≤ 255 */
  int64_t due_time;     /* 0 = none */
  siren_action_status status; /* read back; new items are OPEN */
} siren_action_item;
#define SIREN_ACTION_ITEM_VERSION 1
#define SIREN_ACTION_ITEM_INIT {SIREN_ACTION_ITEM_VERSION, 0, 0, 0, (siren_action_status)0}
SIREN_EXTERN int siren_action_item_init(siren_action_item *a, unsigned int version);

/*
 * Creates the post-incident analysis of a RESOLVED incident: a frozen copy of
 * its timeline and related items as they are now, and the questions of
 * template (questions may be NULL for siren's default template: Detection,
 * Diagnosis, Mitigation, Prevention, as AWS's default analysis template
 * asks them). *id receives the analysis id. Errors: SIREN_ESTATE (not
 * resolved, or it has an analysis already), SIREN_ENOTFOUND, SIREN_EINVAL.
 */
SIREN_EXTERN int siren_analysis_create(siren_id *id, siren_engine *engine, siren_id incident,
                                       const siren_question *questions, size_t question_count);

typedef struct siren_analysis_info {
  unsigned int version; /* SIREN_ANALYSIS_INFO_VERSION */
  siren_id id;
  siren_id incident;
  int64_t creation_time;
  uint32_t question_count;
  uint32_t answered_count;
  uint32_t timeline_event_count;
  uint32_t related_item_count;
  uint32_t action_item_count;
  uint32_t open_action_item_count;
} siren_analysis_info;
#define SIREN_ANALYSIS_INFO_VERSION 1
#define SIREN_ANALYSIS_INFO_INIT {SIREN_ANALYSIS_INFO_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_analysis_info_init(siren_analysis_info *info, unsigned int version);
SIREN_EXTERN int siren_analysis_get(siren_analysis_info *out, siren_engine *engine,
                                    siren_id analysis);

/* Answers (or re-answers) question i (≤ 12000 bytes). */
SIREN_EXTERN int siren_analysis_answer(siren_engine *engine, siren_id analysis, uint32_t i,
                                       const char *answer);
SIREN_EXTERN int siren_analysis_question_at(siren_question *out, siren_engine *engine,
                                            siren_id analysis, uint32_t i);
/* The frozen copies: the i-th timeline event (in time order) and related item. */
SIREN_EXTERN int siren_analysis_timeline_at(siren_timeline_event *out, siren_engine *engine,
                                            siren_id analysis, uint32_t i);
SIREN_EXTERN int siren_analysis_related_item_at(siren_related_item *out, siren_engine *engine,
                                                siren_id analysis, uint32_t i);

/* Adds an action item (OPEN); *index (may be NULL) receives its index. */
SIREN_EXTERN int siren_analysis_add_action_item(uint32_t *index, siren_engine *engine,
                                                siren_id analysis, const siren_action_item *item);
/* Sets an action item's status. SIREN_ESTATE when it already has it. */
SIREN_EXTERN int siren_analysis_set_action_item_status(siren_engine *engine, siren_id analysis,
                                                       uint32_t index, siren_action_status status);
SIREN_EXTERN int siren_analysis_action_item_at(siren_action_item *out, siren_engine *engine,
                                               siren_id analysis, uint32_t index);

/* --------------------------------------------------------------- runbooks */

/*
 * Runbooks are SSM Automation documents (schemaVersion 0.3, YAML or JSON) run
 * as step state machines. siren decides which step runs next and when; it
 * runs aws:pause, aws:sleep, aws:approve, aws:branch and aws:loop itself and
 * hands every other action (aws:executeScript, aws:executeAwsApi,
 * aws:runCommand, host-defined names, ...) to the host through notify
 * (SIREN_NOTIFY_ACTION) with its inputs resolved; the host reports the
 * outcome with siren_action_result().
 *
 * In a build without runbooks (siren_build_features() lacks
 * SIREN_FEATURE_RUNBOOKS) every function of this section returns
 * SIREN_EUNSUPPORTED (siren_runbook_count() 0, siren_runbook_name_at()
 * NULL, siren_exec_status_name() still names statuses); a response plan
 * naming a runbook still starts incidents (its runbook is never found:
 * "runbook.pending"), and siren_engine_open() refuses a record stream that
 * holds runbook records.
 */

/*
 * Loads (or replaces) the runbook called name (1-128 of [A-Za-z0-9_.-]) from
 * a YAML or JSON document of length bytes. It is validated as a whole:
 * schemaVersion "0.3", parameters (String, StringList, Integer, Boolean,
 * MapList, StringMap; default, allowedValues, allowedPattern, min/maxItems,
 * min/maxChars), mainSteps (names unique and [a-zA-Z0-9_]+, every nextStep,
 * onFailure/onCancel step:X, branch NextStep and Default naming a step that
 * exists, known branch operators, aws:loop bodies), outputs. On a problem
 * nothing changes, SIREN_EINVAL is returned and siren_config_problems() lists
 * every problem, one per line, each with its line:column. Executions already
 * running keep the version they started with. Errors: SIREN_EINVAL,
 * SIREN_ENOMEM, SIREN_ECALLBACK (storage).
 */
SIREN_EXTERN int siren_runbook_load(siren_engine *engine, const char *name, const char *text,
                                    size_t length);
/* Deletes a runbook; running executions keep it. */
SIREN_EXTERN int siren_runbook_delete(siren_engine *engine, const char *name);

typedef struct siren_runbook_info {
  unsigned int version; /* SIREN_RUNBOOK_INFO_VERSION */
  const char *name;
  const char *description;     /* or "" */
  const char *assume_role;     /* or "" */
  uint32_t parameter_count;
  uint32_t step_count;         /* mainSteps, not counting loop bodies */
  uint32_t output_count;
} siren_runbook_info;
#define SIREN_RUNBOOK_INFO_VERSION 1
#define SIREN_RUNBOOK_INFO_INIT {SIREN_RUNBOOK_INFO_VERSION, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_runbook_info_init(siren_runbook_info *info, unsigned int version);
SIREN_EXTERN int siren_runbook_get(siren_runbook_info *out, siren_engine *engine,
                                   const char *name);
/* The number of runbooks and the name of the i-th (in load order), or NULL. */
SIREN_EXTERN uint32_t siren_runbook_count(const siren_engine *engine);
SIREN_EXTERN const char *siren_runbook_name_at(const siren_engine *engine, uint32_t i);

/* Execution and step statuses, as AWS names them. */
typedef enum siren_exec_status {
  SIREN_EXEC_PENDING = 1,
  SIREN_EXEC_IN_PROGRESS = 2,
  SIREN_EXEC_WAITING = 3,
  SIREN_EXEC_SUCCESS = 4,
  SIREN_EXEC_TIMED_OUT = 5,
  SIREN_EXEC_CANCELLING = 6,
  SIREN_EXEC_CANCELLED = 7,
  SIREN_EXEC_FAILED = 8,
  SIREN_EXEC_EXITED = 9  /* a step with isEnd ended the execution early */
} siren_exec_status;
/* "Pending", "InProgress", "Waiting", "Success", "TimedOut", "Cancelling",
 * "Cancelled", "Failed", "Exited"; "" for an unknown value. */
SIREN_EXTERN const char *siren_exec_status_name(siren_exec_status status);

typedef enum siren_exec_mode {
  SIREN_MODE_AUTO = 1,        /* each step starts when the one before it ends */
  SIREN_MODE_INTERACTIVE = 2  /* each step waits for a StartStep signal */
} siren_exec_mode;

typedef struct siren_execution_params {
  unsigned int version;        /* SIREN_EXECUTION_PARAMS_VERSION */
  const char *runbook;         /* required */
  size_t param_count;          /* values of the document's parameters; dynamic must be NONE */
  const siren_runbook_param *params;
  siren_exec_mode mode;        /* 0 = AUTO */
  const char *client_token;    /* optional, <= 64: a repeat returns the same execution */
  siren_id incident;           /* optional: step changes go on its timeline */
} siren_execution_params;
#define SIREN_EXECUTION_PARAMS_VERSION 1
#define SIREN_EXECUTION_PARAMS_INIT {SIREN_EXECUTION_PARAMS_VERSION, 0, 0, 0, (siren_exec_mode)0, 0, 0}
SIREN_EXTERN int siren_execution_params_init(siren_execution_params *p, unsigned int version);

/*
 * Starts an execution (AWS StartAutomationExecution). Parameter values are
 * checked against the document (type, allowedValues, min/max; a missing one
 * takes its default, a missing required one is SIREN_EINVAL naming it). In
 * AUTO mode the first step starts at once. An incident whose response plan
 * names a loaded runbook starts it this way itself, with the plan's
 * parameters and its dynamic parameters filled in. Errors: SIREN_EINVAL,
 * SIREN_ENOTFOUND (runbook), SIREN_ECALLBACK (a notify failed; it runs).
 */
SIREN_EXTERN int siren_execution_start(siren_id *id, siren_engine *engine,
                                       const siren_execution_params *params);

/* Signals (AWS SendAutomationSignal). */
typedef enum siren_signal {
  SIREN_SIGNAL_APPROVE = 1,    /* an aws:approve step: approver required */
  SIREN_SIGNAL_REJECT = 2,     /* an aws:approve step: the step fails */
  SIREN_SIGNAL_RESUME = 3,     /* an aws:pause step: it succeeds */
  SIREN_SIGNAL_START_STEP = 4, /* INTERACTIVE mode: run step */
  SIREN_SIGNAL_STOP_STEP = 5   /* stop the running step: it is Cancelled, onFailure applies */
} siren_signal;

/*
 * Sends a signal to an execution. step names the step for START_STEP and
 * STOP_STEP (NULL: the current one); approver is required for APPROVE and
 * REJECT and must be one of the step's Approvers when it lists any; comment
 * may be NULL. Errors: SIREN_ENOTFOUND (execution or step), SIREN_ESTATE
 * (the execution or step is not waiting for that signal), SIREN_EDENIED (an
 * approver not in the list, or one who already voted), SIREN_EINVAL.
 */
SIREN_EXTERN int siren_execution_signal(siren_engine *engine, siren_id execution,
                                        siren_signal signal, const char *step,
                                        const char *approver, const char *comment);

typedef enum siren_stop_type {
  SIREN_STOP_CANCEL = 1,   /* the running step is cancelled, its onCancel step runs */
  SIREN_STOP_COMPLETE = 2  /* the execution ends now as Success; steps not run stay Pending */
} siren_stop_type;
/* Stops an execution (AWS StopAutomationExecution). SIREN_ESTATE when it has
 * already ended. */
SIREN_EXTERN int siren_execution_stop(siren_engine *engine, siren_id execution,
                                      siren_stop_type type);

/*
 * Reports the outcome of a host action (a SIREN_NOTIFY_ACTION notification):
 * for attempt `attempt` of step `step` of execution. failure NULL means
 * success, with outputs a JSON object of the step's outputs by name ("{}" or
 * NULL when none). A failure message (1-2048 bytes) fails the attempt; the
 * step is tried again while attempts remain (maxAttempts), then onFailure
 * applies. A host refuses an action it does not implement by failing it
 * ("not implemented: aws:runCommand"). A report for an attempt that is no
 * longer running (timed out, cancelled) is SIREN_ESTATE and changes nothing.
 * Errors: SIREN_ENOTFOUND, SIREN_ESTATE, SIREN_EINVAL (outputs not a JSON
 * object).
 */
SIREN_EXTERN int siren_action_result(siren_engine *engine, siren_id execution, const char *step,
                                     uint32_t attempt, const char *outputs, const char *failure);

typedef struct siren_execution_info {
  unsigned int version;        /* SIREN_EXECUTION_INFO_VERSION */
  siren_id id;
  const char *runbook;
  siren_exec_status status;
  siren_exec_mode mode;
  siren_id incident;           /* or 0 */
  int64_t start_time;
  int64_t end_time;            /* or 0 */
  const char *current_step;    /* the step running or waiting, or "" */
  const char *failure_message; /* or "" */
  const char *parameters;      /* the resolved parameters, a JSON object */
  const char *outputs;         /* the document's outputs, a JSON object ("{}" before the end) */
  uint32_t step_count;         /* steps, loop bodies included */
} siren_execution_info;
#define SIREN_EXECUTION_INFO_VERSION 1
#define SIREN_EXECUTION_INFO_INIT {SIREN_EXECUTION_INFO_VERSION, 0, 0, (siren_exec_status)0, (siren_exec_mode)0, 0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_execution_info_init(siren_execution_info *info, unsigned int version);
SIREN_EXTERN int siren_execution_get(siren_execution_info *out, siren_engine *engine,
                                     siren_id execution);

typedef struct siren_step_info {
  unsigned int version;        /* SIREN_STEP_INFO_VERSION */
  const char *name;
  const char *action;
  siren_exec_status status;    /* a step a branch skipped stays PENDING */
  uint32_t attempts;
  int64_t start_time;          /* of the last run, or 0 */
  int64_t end_time;            /* or 0 */
  const char *inputs;          /* resolved inputs of the last run (JSON), or "" */
  const char *outputs;         /* a JSON object, or "" */
  const char *failure_message; /* or "" */
  uint32_t iteration;          /* loop bodies: the iteration of the last run, from 0 */
} siren_step_info;
#define SIREN_STEP_INFO_VERSION 1
#define SIREN_STEP_INFO_INIT {SIREN_STEP_INFO_VERSION, 0, 0, (siren_exec_status)0, 0, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_step_info_init(siren_step_info *info, unsigned int version);
/* Step i of an execution: mainSteps in document order, then loop bodies. */
SIREN_EXTERN int siren_execution_step_at(siren_step_info *out, siren_engine *engine,
                                         siren_id execution, uint32_t i);
/* Executions, oldest first (count-then-fill). */
SIREN_EXTERN int siren_executions(siren_id *ids, size_t cap, size_t *total, siren_engine *engine);

/* ---------------------------------------------------------- configuration */

typedef struct siren_config_result {
  unsigned int version; /* SIREN_CONFIG_RESULT_VERSION */
  uint32_t contacts;    /* contacts created */
  uint32_t channels;    /* channels created */
  uint32_t plans;       /* plans set */
  uint32_t errors;      /* problems that stopped the load */
  uint32_t unsupported; /* definitions this version cannot load yet (reported, skipped) */
  /* Version 2: */
  uint32_t response_plans; /* response plans created */
} siren_config_result;
#define SIREN_CONFIG_RESULT_VERSION 2
#define SIREN_CONFIG_RESULT_INIT {SIREN_CONFIG_RESULT_VERSION, 0, 0, 0, 0, 0, 0}
SIREN_EXTERN int siren_config_result_init(siren_config_result *r, unsigned int version);

/*
 * Loads AWS-shaped definitions from a JSON or YAML document (JSON when the
 * first non-blank byte is '{' or '['), all or nothing: when any part is wrong,
 * nothing is created and siren_config_problems() lists every problem, one per
 * line, each with its path ("contacts[2].Plan.Stages[0].Targets[1]: unknown
 * contact \"sr-responder\"") or, for a syntax error, its "line:column".
 *
 * Shapes read (keys match case-insensitively, so PascalCase and camelCase
 * both load):
 *  - { "contacts": [...], "contactChannels": [...] } in the SSM Contacts API
 *    shape: Alias, DisplayName, Type (PERSONAL | ESCALATION | ONCALL_SCHEDULE), Plan.Stages[]
 *    {DurationInMinutes, Targets[] {ChannelTargetInfo {ContactChannelId,
 *    RetryIntervalInMinutes} | ContactTargetInfo {ContactId, IsEssential}}},
 *    optional ContactChannels nested in a contact; a channel has ContactId
 *    (top level only), Name, Type, DeliveryAddress.SimpleAddress and
 *    ActivationStatus (ACTIVATED keeps it activated; anything else starts
 *    NOT_ACTIVATED and an activation code is sent). siren extensions: Plan
 *    RepeatCount, stage AllEssential (true = SIREN_STAGE_ALL_ESSENTIAL).
 *  - a CloudFormation template: Resources of type AWS::SSMContacts::Contact,
 *    ::ContactChannel (ContactId, ChannelName, ChannelType, ChannelAddress),
 *    ::Plan (ContactId, Stages). References may be logical ids, aliases or
 *    ARNs (arn:aws:ssm-contacts:...:contact/ALIAS, .../contact-channel/ALIAS/ID
 *    where ID is the channel's Name or declared ContactChannelId/Arn).
 *  - { "responsePlans": [...] } in the SSM Incidents API shape (an item is
 *    CreateResponsePlan's request, or what get-response-plan prints): name
 *    (1-200 of [A-Za-z0-9_-]), displayName, incidentTemplate {title, impact
 *    (1-5), summary, dedupeString, incidentTags {key: value},
 *    notificationTargets [{snsTopicArn}]}, chatChannel {chatbotSns [...]} or
 *    {empty: {}}, engagements [contact ARNs or aliases], actions (at most
 *    one) [{ssmAutomation {documentName, documentVersion, roleArn,
 *    targetAccount, parameters {name: [values]}, dynamicParameters {name:
 *    {variable: INCIDENT_RECORD_ARN | INVOLVED_RESOURCES}}}}], tags
 *    {key: value}. Onto siren_response_plan: chatbotSns -> chat_channels,
 *    snsTopicArn -> notification_targets, engagements -> the contacts'
 *    aliases, documentName -> runbook, parameters -> runbook_params (values
 *    or dynamic). documentVersion, roleArn and targetAccount are checked but
 *    not kept; other members (arn) are ignored; integrations are listed as
 *    "not supported yet" (counted in result->unsupported) and skipped. siren
 *    extensions: ackTimeoutMinutes (0-1440), autoResolveMinutes (0-43200),
 *    maintenance [{start, end}], each time a UTC ISO-8601 string
 *    ("2026-01-05T09:00:00Z", optionally with .fff, Z or +00:00) or integer
 *    milliseconds since the epoch.
 *  - in a template, resources of type AWS::SSMIncidents::ResponsePlan: the
 *    same members in PascalCase, with CloudFormation's lists for maps:
 *    IncidentTags and Tags [{Key, Value}], Parameters [{Key, Values}],
 *    DynamicParameters [{Key, Value {Variable}}] (each shape also reads the
 *    other's form). An engagement may be a contact's logical id, !Ref,
 *    {"Ref": ...}, !GetAtt / Fn::GetAtt of its Arn, alias or ARN.
 *    Lists must be lists: a single value where a list belongs is a problem.
 *  Response plans are created last, after the contacts, channels and plans
 *  of the same document, so they may engage those; every engaged contact must
 *  be in the document or the engine. Problem paths use the shape's spelling
 *  ("responsePlans[0].incidentTemplate.impact: must be 1-5",
 *  "Resources.P.Properties.Engagements[0]: unknown contact \"x\""). A lone
 *  response plan at the top level (get-response-plan's output, or a
 *  resource's Properties, as they are) is a problem: put it in a
 *  responsePlans list or a template.
 *  - contacts of Type ONCALL_SCHEDULE: Plan {RotationIds: [...]} (API; Stages
 *    empty or absent) or, in a template, Plan [{RotationIds: [...]}] (the
 *    RotationIds of every stage, in order), or an AWS::SSMContacts::Plan
 *    with ContactId and RotationIds. A rotation reference is its Name, an ARN
 *    .../rotation/NAME, a logical id, Ref or GetAtt X.Arn, of the document or
 *    the engine; 1-8, no repeats. siren extension: HoldWhenNobodyOnCall: true
 *    (SIREN_SCHEDULE_HOLD) next to RotationIds. A schedule contact without
 *    RotationIds is created without rotations. Escalation targets and
 *    response plan engagements may name schedules. A schedule set counts in
 *    result->plans.
 *  - { "rotations": [...] } in the SSM Contacts API shape (an item is
 *    CreateRotation's request, or what get-rotation prints; the key matches
 *    case-insensitively, so list-rotations' output loads as it is): Name
 *    (1-255 of [A-Za-z0-9_.-] and space), ContactIds (1-30 PERSONAL contacts
 *    in shift order: aliases or contact ARNs), TimeZoneId (an IANA name,
 *    loaded through host->load_zone; abbreviations such as PST are refused),
 *    StartTime, Recurrence {NumberOfOnCalls (1 to the number of ContactIds),
 *    RecurrenceMultiplier (1-100), exactly one of DailySettings [time],
 *    WeeklySettings [{DayOfWeek MON..SUN, HandOffTime}] or MonthlySettings
 *    [{DayOfMonth 1-31, HandOffTime}] (at most 64, no two alike),
 *    ShiftCoverages {"MON": [{Start, End}], ...} (at most 64 windows)}, where
 *    a time of day is {HourOfDay, MinuteOfHour} or "HH:MM". StartTime is ISO
 *    8601 text with a zone designator ("2026-03-02T09:00:00-05:00", "...Z",
 *    +hhmm; .fff allowed) or epoch seconds as AWS's JSON carries them
 *    (integer or fractional; an integer of 10^11 or more is milliseconds);
 *    text without a designator is a problem here; absent, the rotation
 *    starts at the host clock's now. Tags, IdempotencyToken and RotationArn
 *    are ignored. siren extension: NoticeMinutes (0-1440 = notice_minutes).
 *    Rotations are created after contacts and channels, before schedules,
 *    plans and response plans; they are not counted in result.
 *  - in a template, AWS::SSMContacts::Rotation: the same members in
 *    CloudFormation's forms: DailySettings ["HH:MM"], HandOffTime "HH:MM",
 *    ShiftCoverages [{DayOfWeek, CoverageTimes [{StartTime, EndTime}]}]
 *    (each shape reads the other's form), ContactIds as logical ids, Ref or
 *    GetAtt, and StartTime a wall-clock time without designator
 *    ("2026-03-02T09:00:00") in TimeZoneId: a time in a spring-forward gap is
 *    the first instant after it, one that happens twice its first
 *    occurrence; with a designator it is read as in the API shape.
 *  References in plans (ContactId, ChannelId, ContactTargetInfo.ContactId)
 *  may also be Ref / GetAtt. A load_zone or clock callback that fails while
 *  the document is checked makes the load fail with SIREN_ECALLBACK, nothing
 *  created, the problem at its path.
 *  - runbooks and other resource types are counted in result->unsupported
 *    and listed as "not supported yet".
 * A channel reference in a plan may also be the channel's Name.
 *
 * result may be NULL; a version 1 result is filled without response_plans.
 * Errors: SIREN_EINVAL (a problem; nothing changed), SIREN_ENOMEM,
 * SIREN_ECALLBACK / storage failure part-way: what was created (response
 * plans included) is deleted again (best effort) and the problems say so;
 * SIREN_EUNSUPPORTED in a build without configuration import
 * (SIREN_FEATURE_CONFIG_IMPORT): nothing read, result all 0.
 */
SIREN_EXTERN int siren_config_load(siren_config_result *result, siren_engine *engine,
                                   const char *text, size_t length);

/* The problems of the last siren_config_load() on this engine, one per line
 * ("" when none). Valid until the next siren_config_load() or engine free. */
SIREN_EXTERN const char *siren_config_problems(const siren_engine *engine);

/* ---------------------------------------------------------------- records */

/*
 * Every change is a record given to host->storage_append before it is
 * applied. Layout (all integers little-endian):
 *   u32 length of the whole record, this field and the checksum included
 *   u8  record format version (SIREN_RECORD_VERSION)
 *   u8  record type
 *   u16 reserved, 0
 *   u64 sequence number, from 1
 *   i64 logical time, ms
 *   ... type-specific fields ...
 *   u32 CRC-32C of every byte before it
 * A record is self-delimiting and verifiable on its own; siren_engine_open()
 * reads a stream of them back. A reader refuses a version it does not know.
 */
#define SIREN_RECORD_VERSION 1
/* The record type of a snapshot (siren_engine_snapshot()), so that a host can
 * find its latest snapshot and drop what came before. */
#define SIREN_RECORD_SNAPSHOT 30

/* Checks one record (length, version, checksum). *type receives its type when
 * not NULL. Errors: SIREN_ECORRUPT, SIREN_EVERSION. */
SIREN_EXTERN int siren_record_check(const void *record, size_t len, unsigned int *type);

#ifdef __cplusplus
}
#endif

#endif /* SIREN_SIREN_H */
