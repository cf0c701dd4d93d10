/*
 * The engine: creation from the host table, error state, the re-entry guard,
 * the path every change takes (record → prepare → store → commit), the two
 * outputs (notifications and events), and the clock: next deadline, advance.
 */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "util/hash.h"

SIREN_EXTERN const char *siren_version(void) { return SIREN_VERSION_STRING; }
SIREN_EXTERN int siren_version_number(void) { return SIREN_VERSION_NUMBER; }

SIREN_EXTERN const char *siren_strerror(int code) {
  switch (code) {
  case SIREN_OK: return "success";
  case SIREN_ERROR: return "internal error";
  case SIREN_EINVAL: return "invalid argument";
  case SIREN_ENOTFOUND: return "not found";
  case SIREN_EEXISTS: return "already exists";
  case SIREN_ENOMEM: return "out of memory";
  case SIREN_EBUSY: return "engine called from its own callback";
  case SIREN_ECALLBACK: return "host callback failed";
  case SIREN_ESTATE: return "not possible in the current state";
  case SIREN_EDENIED: return "code denied";
  case SIREN_ECORRUPT: return "corrupt record or document";
  case SIREN_EVERSION: return "unsupported version";
  case SIREN_EUNSUPPORTED: return "not in this build of siren";
  default: return "unknown error";
  }
}

/* ------------------------------------------------- versioned struct inits */

/* A caller that asks for an older version has a struct of that version's
 * size: only that much is cleared (size_expr may use `version`). */
#define DEFINE_INIT_SIZED(fn, type, current, size_expr)                  \
  SIREN_EXTERN int fn(type *p, unsigned int version) {                   \
    if (!p) return SIREN_EINVAL;                                         \
    if (version == 0 || version > (current)) return SIREN_EVERSION;      \
    memset(p, 0, (size_expr));                                           \
    p->version = version;                                                \
    return SIREN_OK;                                                     \
  }
/* For structs that have only ever had version 1. */
#define DEFINE_INIT(fn, type, current) DEFINE_INIT_SIZED(fn, type, current, sizeof *p)

/* The size of each version of the host table. */
static size_t host_size(unsigned int version) {
  if (version == 1) return offsetof(siren_host, storage_next);
  if (version == 2) return offsetof(siren_host, load_zone);
  return sizeof(siren_host);
}

DEFINE_INIT_SIZED(siren_host_init, siren_host, SIREN_HOST_VERSION, host_size(version))
DEFINE_INIT(siren_options_init, siren_options, SIREN_OPTIONS_VERSION)
DEFINE_INIT_SIZED(siren_contact_info_init, siren_contact_info, SIREN_CONTACT_INFO_VERSION,
                  version == 1 ? offsetof(siren_contact_info, rotation_count) : sizeof *p)
DEFINE_INIT(siren_channel_info_init, siren_channel_info, SIREN_CHANNEL_INFO_VERSION)
DEFINE_INIT(siren_target_init, siren_target, SIREN_TARGET_VERSION)
DEFINE_INIT(siren_stage_init, siren_stage, SIREN_STAGE_VERSION)
DEFINE_INIT(siren_plan_init, siren_plan, SIREN_PLAN_VERSION)
DEFINE_INIT(siren_engagement_params_init, siren_engagement_params,
            SIREN_ENGAGEMENT_PARAMS_VERSION)
DEFINE_INIT(siren_engagement_info_init, siren_engagement_info, SIREN_ENGAGEMENT_INFO_VERSION)
DEFINE_INIT(siren_page_info_init, siren_page_info, SIREN_PAGE_INFO_VERSION)
DEFINE_INIT(siren_receipt_info_init, siren_receipt_info, SIREN_RECEIPT_INFO_VERSION)
DEFINE_INIT(siren_preview_ack_init, siren_preview_ack, SIREN_PREVIEW_ACK_VERSION)
DEFINE_INIT(siren_preview_page_init, siren_preview_page, SIREN_PREVIEW_PAGE_VERSION)
DEFINE_INIT_SIZED(siren_config_result_init, siren_config_result, SIREN_CONFIG_RESULT_VERSION,
                  version == 1 ? offsetof(siren_config_result, response_plans) : sizeof *p)
DEFINE_INIT(siren_tag_init, siren_tag, SIREN_TAG_VERSION)
DEFINE_INIT(siren_runbook_param_init, siren_runbook_param, SIREN_RUNBOOK_PARAM_VERSION)
DEFINE_INIT(siren_window_init, siren_window, SIREN_WINDOW_VERSION)
DEFINE_INIT(siren_response_plan_init, siren_response_plan, SIREN_RESPONSE_PLAN_VERSION)
DEFINE_INIT(siren_related_item_init, siren_related_item, SIREN_RELATED_ITEM_VERSION)
DEFINE_INIT(siren_incident_params_init, siren_incident_params, SIREN_INCIDENT_PARAMS_VERSION)
DEFINE_INIT(siren_incident_changes_init, siren_incident_changes, SIREN_INCIDENT_CHANGES_VERSION)
DEFINE_INIT(siren_incident_info_init, siren_incident_info, SIREN_INCIDENT_INFO_VERSION)
DEFINE_INIT(siren_incident_filter_init, siren_incident_filter, SIREN_INCIDENT_FILTER_VERSION)
DEFINE_INIT(siren_timeline_event_init, siren_timeline_event, SIREN_TIMELINE_EVENT_VERSION)
DEFINE_INIT(siren_timeline_filter_init, siren_timeline_filter, SIREN_TIMELINE_FILTER_VERSION)
DEFINE_INIT(siren_heartbeat_init, siren_heartbeat, SIREN_HEARTBEAT_VERSION)
DEFINE_INIT(siren_question_init, siren_question, SIREN_QUESTION_VERSION)
DEFINE_INIT(siren_action_item_init, siren_action_item, SIREN_ACTION_ITEM_VERSION)
DEFINE_INIT(siren_analysis_info_init, siren_analysis_info, SIREN_ANALYSIS_INFO_VERSION)
DEFINE_INIT(siren_open_report_init, siren_open_report, SIREN_OPEN_REPORT_VERSION)
DEFINE_INIT(siren_storage_init, siren_storage, SIREN_STORAGE_VERSION)
DEFINE_INIT(siren_runbook_info_init, siren_runbook_info, SIREN_RUNBOOK_INFO_VERSION)
DEFINE_INIT(siren_execution_params_init, siren_execution_params, SIREN_EXECUTION_PARAMS_VERSION)
DEFINE_INIT(siren_execution_info_init, siren_execution_info, SIREN_EXECUTION_INFO_VERSION)
DEFINE_INIT(siren_step_info_init, siren_step_info, SIREN_STEP_INFO_VERSION)
DEFINE_INIT(siren_handoff_init, siren_handoff, SIREN_HANDOFF_VERSION)
DEFINE_INIT(siren_coverage_init, siren_coverage, SIREN_COVERAGE_VERSION)
DEFINE_INIT(siren_rotation_init, siren_rotation, SIREN_ROTATION_VERSION)
DEFINE_INIT(siren_override_init, siren_override, SIREN_OVERRIDE_VERSION)
DEFINE_INIT(siren_shift_init, siren_shift, SIREN_SHIFT_VERSION)
DEFINE_INIT(siren_gap_init, siren_gap, SIREN_GAP_VERSION)
DEFINE_INIT(siren_resolution_init, siren_resolution, SIREN_RESOLUTION_VERSION)

SIREN_EXTERN const char *siren_event_type_name(siren_event_type type) {
  switch (type) {
  case SIREN_EVENT_ENGAGEMENT_STARTED: return "engagement.started";
  case SIREN_EVENT_STAGE_STARTED: return "stage.started";
  case SIREN_EVENT_PAGE_SENT: return "page.sent";
  case SIREN_EVENT_PAGE_RETRY: return "page.retry";
  case SIREN_EVENT_PAGE_ACCEPTED: return "page.accepted";
  case SIREN_EVENT_PAGE_RECEIPT: return "page.receipt";
  case SIREN_EVENT_CHANNEL_SKIPPED: return "channel.skipped";
  case SIREN_EVENT_ENGAGEMENT_STOPPED: return "engagement.stopped";
  case SIREN_EVENT_ENGAGEMENT_COMPLETED: return "engagement.completed";
  case SIREN_EVENT_CHANNEL_ACTIVATED: return "channel.activated";
  case SIREN_EVENT_CHANNEL_DEACTIVATED: return "channel.deactivated";
  case SIREN_EVENT_ACTIVATION_CODE_SENT: return "channel.code_sent";
  case SIREN_EVENT_PLAN_REPEATED: return "plan.repeated";
  case SIREN_EVENT_CONTACT_ENGAGED: return "contact.engaged";
  case SIREN_EVENT_INCIDENT_CREATED: return "incident.created";
  case SIREN_EVENT_INCIDENT_DEDUPLICATED: return "incident.deduplicated";
  case SIREN_EVENT_INCIDENT_UPDATED: return "incident.updated";
  case SIREN_EVENT_INCIDENT_RESOLVED: return "incident.resolved";
  case SIREN_EVENT_INCIDENT_REOPENED: return "incident.reopened";
  case SIREN_EVENT_CHAT_MESSAGE: return "chat.message";
  case SIREN_EVENT_RELATED_ITEM_ADDED: return "related_item.added";
  case SIREN_EVENT_RELATED_ITEM_REMOVED: return "related_item.removed";
  case SIREN_EVENT_TIMELINE_EVENT: return "timeline.event";
  case SIREN_EVENT_INCIDENT_REENGAGED: return "incident.reengaged";
  case SIREN_EVENT_HEARTBEAT_MISSED: return "heartbeat.missed";
  case SIREN_EVENT_RUNBOOK_PENDING: return "runbook.pending";
  case SIREN_EVENT_ANALYSIS_CREATED: return "analysis.created";
  case SIREN_EVENT_RUNBOOK_STARTED: return "runbook.started";
  case SIREN_EVENT_RUNBOOK_STEP: return "runbook.step";
  case SIREN_EVENT_RUNBOOK_FINISHED: return "runbook.finished";
  case SIREN_EVENT_SHIFT_STARTED: return "shift.started";
  case SIREN_EVENT_SCHEDULE_RESOLVED: return "schedule.resolved";
  case SIREN_EVENT_SCHEDULE_NOBODY: return "schedule.nobody";
  default: return "unknown";
  }
}

SIREN_EXTERN const char *siren_receipt_type_name(siren_receipt_type type) {
  switch (type) {
  case SIREN_RECEIPT_SENT: return "SENT";
  case SIREN_RECEIPT_DELIVERED: return "DELIVERED";
  case SIREN_RECEIPT_READ: return "READ";
  case SIREN_RECEIPT_ERROR: return "ERROR";
  case SIREN_RECEIPT_STOP: return "STOP";
  default: return "UNKNOWN";
  }
}

/* ---------------------------------------------------------------- errors */

int sr_err(siren_engine *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
  va_end(ap);
  return code;
}

void sr_log(siren_engine *e, int level, const char *fmt, ...) {
  if (e->quiet || e->replaying || !e->host.log) return;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  e->busy++;
  (void)e->host.log(level, buf, e->ud);
  e->busy--;
}

SIREN_EXTERN const char *siren_errmsg(const siren_engine *e) {
  if (!e) return "no engine (NULL)";
  return e->errmsg;
}

/* -------------------------------------------------------------- creation */

SIREN_EXTERN int siren_engine_new(siren_engine **out, const siren_host *host,
                                  const siren_options *options, void *user_data) {
  if (!out) return SIREN_EINVAL;
  *out = NULL;
  if (!host) return SIREN_EINVAL;
  if (host->version == 0 || host->version > SIREN_HOST_VERSION) return SIREN_EVERSION;
  if (!host->clock || !host->notify) return SIREN_EINVAL;
  if (host->version >= 2 && !host->seal != !host->unseal) return SIREN_EINVAL;
  int allocs = !!host->mem_alloc + !!host->mem_realloc + !!host->mem_free;
  if (allocs != 0 && allocs != 3) return SIREN_EINVAL;
  if (options && (options->version == 0 || options->version > SIREN_OPTIONS_VERSION))
    return SIREN_EVERSION;

  sr_mem mem = sr_mem_libc;
  if (allocs == 3) {
    mem.alloc = host->mem_alloc;
    mem.realloc = host->mem_realloc;
    mem.free = host->mem_free;
    mem.ud = user_data;
  }
  siren_engine *e = sr_calloc(&mem, 1, sizeof *e);
  if (!e) return SIREN_ENOMEM;
  e->mem = mem;
  /* A table of an older version is shorter: copy what it has. */
  memcpy(&e->host, host, host_size(host->version));
  e->ud = user_data;
  siren_options_init(&e->opts, SIREN_OPTIONS_VERSION);
  if (options) {
    if (options->activation_max_attempts) e->opts.activation_max_attempts = options->activation_max_attempts;
    if (options->activation_code_ttl_ms > 0) e->opts.activation_code_ttl_ms = options->activation_code_ttl_ms;
    if (options->max_stage_minutes) e->opts.max_stage_minutes = options->max_stage_minutes;
  }
  if (!e->opts.activation_max_attempts) e->opts.activation_max_attempts = 5;
  if (!e->opts.activation_code_ttl_ms) e->opts.activation_code_ttl_ms = INT64_C(24) * 3600 * 1000;
  if (!e->opts.max_stage_minutes) e->opts.max_stage_minutes = 30;
  e->now = INT64_MIN;
  e->rt.failed_head = e->rt.failed_tail = SR_NONE;
  *out = e;
  return SIREN_OK;
}

static void free_directory(siren_engine *e) {
  for (size_t i = 0; i < e->contact_count; i++) {
    sr_contact *c = &e->contacts[i];
    sr_free(&e->mem, c->alias);
    sr_free(&e->mem, c->display);
    sr_free(&e->mem, c->channels);
    sr_plan_release(e, c->plan);
  }
  for (size_t i = 0; i < e->channel_count; i++) {
    sr_channel *ch = &e->channels[i];
    sr_free(&e->mem, ch->name);
    sr_free(&e->mem, ch->type);
    sr_free(&e->mem, ch->address);
  }
  sr_free(&e->mem, e->contacts);
  sr_free(&e->mem, e->channels);
  sr_map_free(&e->mem, &e->aliases);
}

SIREN_EXTERN void siren_engine_free(siren_engine *e) {
  if (!e || e->busy) return;
  sr_runtime_free(e, &e->rt);
  sr_rotations_free(e); /* before the contacts: it frees their rotation lists */
  free_directory(e);
  for (size_t i = 0; i < e->prep_count; i++) sr_free(&e->mem, e->prep[i]);
  sr_free(&e->mem, e->prep);
  sr_incidents_free(e);
  sr_runbooks_free(e);
  sr_free(&e->mem, e->recbuf);
  sr_free(&e->mem, e->sealbuf);
  sr_free(&e->mem, e->problems);
  sr_mem mem = e->mem;
  sr_free(&mem, e);
}

SIREN_EXTERN uint64_t siren_engine_record_count(const siren_engine *e) { return e ? e->seq : 0; }

/* ------------------------------------------------------ call discipline */

int sr_query(siren_engine *e) {
  if (e->busy) return SIREN_EBUSY;
  e->errmsg[0] = '\0';
  return SIREN_OK;
}

static int read_clock(siren_engine *e) {
  int64_t t = 0;
  e->busy++;
  int rc = e->host.clock(&t, e->ud);
  e->busy--;
  if (rc) return sr_err(e, SIREN_ECALLBACK, "clock callback failed (%d)", rc);
  if (t > e->now) e->now = t;
  return SIREN_OK;
}

/* Every command starts here: it reads the clock and fires what is already due,
 * so that a command never lands before a stage that was due earlier. */
int sr_begin(siren_engine *e) {
  if (e->busy) return SIREN_EBUSY;
  e->errmsg[0] = '\0';
  e->cb_failed = 0;
  int rc = read_clock(e);
  if (rc) return rc;
  /* If catching up stops on a failure, the command is not applied: it must
   * never land before something that was due earlier. */
  rc = sr_fire_due(e, e->now, NULL);
  if (rc == SIREN_ECALLBACK) {
    char why[sizeof e->errmsg];
    snprintf(why, sizeof why, "%s", e->errmsg[0] ? e->errmsg : "callback failed");
    return sr_err(e, rc, "catching up on what was due failed (%s); the command was not applied: "
                  "call it again", why);
  }
  return rc;
}

int sr_end(siren_engine *e, int rc) {
  /* What the command made due now (a 0-minute stage) fires before it returns.
   * A storage failure here leaves the timer due: next_deadline() says now. */
  if (rc == SIREN_OK) (void)sr_fire_due(e, e->now, NULL);
  if (rc == SIREN_OK && e->cb_failed) {
    if (!e->errmsg[0]) sr_err(e, SIREN_ECALLBACK, "a notify or event callback failed");
    rc = SIREN_ECALLBACK;
  }
  return rc;
}

/* ------------------------------------------------------- records, apply */

int sr_prep_keep(siren_engine *e, void *p) {
  if (!p) return SIREN_ENOMEM;
  if (sr_grow(&e->mem, (void **)&e->prep, &e->prep_cap, e->prep_count + 1, sizeof(void *))) {
    sr_free(&e->mem, p);
    return SIREN_ENOMEM;
  }
  e->prep[e->prep_count++] = p;
  return SIREN_OK;
}

int sr_prep_str(siren_engine *e, const sr_str *s) {
  return sr_prep_keep(e, sr_strndup(&e->mem, s->p, s->n));
}

void *sr_prep_take(siren_engine *e, size_t i) {
  void *p = e->prep[i];
  e->prep[i] = NULL;
  return p;
}

static void prep_discard(siren_engine *e) {
  sr_analysis_discard(e);
  sr_runbook_discard(e);
  sr_rotation_discard(e);
  for (size_t i = 0; i < e->prep_count; i++) {
    sr_free(&e->mem, e->prep[i]);
    e->prep[i] = NULL;
  }
  e->prep_count = 0;
}

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static int fill_nonce(siren_engine *e, sr_rec *r) {
  if (e->host.random && !e->quiet) {
    e->busy++;
    int rc = e->host.random(r->nonce, sizeof r->nonce, e->ud);
    e->busy--;
    if (rc) return sr_err(e, SIREN_ECALLBACK, "random callback failed (%d)", rc);
    return SIREN_OK;
  }
  /* Documented fallback for tests and simulations: predictable by design. */
  uint64_t a = splitmix64(r->seq * 2), b = splitmix64(r->seq * 2 + 1);
  for (int i = 0; i < 8; i++) {
    r->nonce[i] = (uint8_t)(a >> (8 * i));
    r->nonce[8 + i] = (uint8_t)(b >> (8 * i));
  }
  return SIREN_OK;
}

void sr_code(siren_engine *e, sr_rec *r, char out[8]) {
  (void)e;
  uint8_t msg[4];
  uint32_t n = r->codes_used++;
  for (int i = 0; i < 4; i++) msg[i] = (uint8_t)(n >> (8 * i));
  uint64_t h = sr_siphash24(r->nonce, msg, sizeof msg);
  unsigned v = (unsigned)(h % 1000000u);
  for (int i = 5; i >= 0; i--, v /= 10) out[i] = (char)('0' + v % 10);
  out[6] = out[7] = '\0';
}

/* Records of the directory (contacts, channels, plans) are applied by
 * contact.c; the rest (engagements, pages, timers) by engagement.c. */
static int is_directory(uint8_t type) {
  return type >= SR_REC_CONTACT_CREATE && type <= SR_REC_PLAN_SET;
}

static int prepare(siren_engine *e, sr_rec *r) {
  if (is_directory(r->type)) return sr_contact_prepare(e, r);
  if (r->type >= SR_REC_ROTATION_SET) return sr_rotation_prepare(e, r);
  if (r->type >= SR_REC_RUNBOOK_LOAD) return sr_runbook_prepare(e, r);
  if (r->type <= SR_REC_TIMER) return sr_engagement_prepare(e, r);
  if (r->type >= SR_REC_TL_CREATE && r->type <= SR_REC_TL_DELETE)
    return sr_timeline_prepare(e, r);
  if (r->type >= SR_REC_ANALYSIS_CREATE) return sr_analysis_prepare(e, r);
  return sr_incident_prepare(e, r);
}

static void commit(siren_engine *e, sr_rec *r) {
  if (is_directory(r->type))
    sr_contact_commit(e, r);
  else if (r->type >= SR_REC_ROTATION_SET)
    sr_rotation_commit(e, r);
  else if (r->type >= SR_REC_RUNBOOK_LOAD)
    sr_runbook_commit(e, r);
  else if (r->type <= SR_REC_TIMER)
    sr_engagement_commit(e, r);
  else if (r->type >= SR_REC_TL_CREATE && r->type <= SR_REC_TL_DELETE)
    sr_timeline_commit(e, r);
  else if (r->type >= SR_REC_ANALYSIS_CREATE)
    sr_analysis_commit(e, r);
  else
    sr_incident_commit(e, r);
}

/* Encodes, seals and appends a record; on success the engine's sequence
 * number moves to it. Nothing else changes either way. */
int sr_store(siren_engine *e, sr_rec *r) {
  if (e->quiet || !e->host.storage_append) {
    e->seq = r->seq;
    return SIREN_OK;
  }
  size_t len;
  int rc = sr_rec_encode(e, r, &len);
  if (rc) return sr_err(e, rc, rc == SIREN_ENOMEM ? "out of memory" : "record too large");
  const void *bytes = e->recbuf;
  if (e->host.seal) {
    size_t cap = len + SIREN_SEAL_OVERHEAD, out = 0;
    if (sr_grow(&e->mem, (void **)&e->sealbuf, &e->sealbuf_cap, cap, 1))
      return sr_err(e, SIREN_ENOMEM, "out of memory");
    e->busy++;
    int src = e->host.seal(e->recbuf, len, e->sealbuf, cap, &out, e->ud);
    e->busy--;
    if (src || out > cap)
      return sr_err(e, SIREN_ECALLBACK, "seal callback failed (%d); nothing was changed", src);
    bytes = e->sealbuf;
    len = out;
  }
  e->busy++;
  int src = e->host.storage_append(bytes, len, e->ud);
  e->busy--;
  if (src) return sr_err(e, SIREN_ECALLBACK, "storage append failed (%d); nothing was changed", src);
  e->seq = r->seq;
  e->since_snapshot++;
  return SIREN_OK;
}

int sr_exec(siren_engine *e, sr_rec *r) {
  r->seq = e->seq + 1;
  int rc = fill_nonce(e, r);
  if (rc) return rc;
  e->prep_count = 0;
  rc = prepare(e, r);
  if (rc) {
    prep_discard(e);
    return rc == SIREN_ENOMEM ? sr_err(e, rc, "out of memory") : rc;
  }
  if ((rc = sr_store(e, r))) {
    prep_discard(e);
    return rc;
  }
  r->codes_used = 0;
  commit(e, r);
  prep_discard(e); /* commit took what it needed; anything left is unused */
  return SIREN_OK;
}

int sr_apply(siren_engine *e, sr_rec *r) {
  e->prep_count = 0;
  int rc = prepare(e, r);
  if (rc) {
    prep_discard(e);
    return rc;
  }
  e->seq = r->seq;
  r->codes_used = 0;
  commit(e, r);
  prep_discard(e);
  return SIREN_OK;
}

/* ---------------------------------------------------------------- output */

void sr_event_init(siren_event *ev, siren_event_type type, int64_t t) {
  memset(ev, 0, sizeof *ev);
  ev->version = SIREN_EVENT_VERSION;
  ev->type = type;
  ev->time = t;
  ev->contact = ev->channel = ev->channel_type = ev->reason = ev->incident_id = "";
  ev->response_plan = ev->title = ev->text = "";
  ev->rotation = ev->schedule = "";
  ev->stage = -1;
}

void sr_emit(siren_engine *e, const siren_event *ev) {
  if (e->quiet || e->replaying || !e->host.event) return;
  e->busy++;
  int rc = e->host.event(ev, e->ud);
  e->busy--;
  if (rc) {
    e->cb_failed = 1;
    sr_err(e, SIREN_ECALLBACK, "event callback failed (%d)", rc);
  }
}

void sr_notify(siren_engine *e, const siren_notification *n, uint32_t page) {
  if (e->quiet || e->replaying) return;
  e->busy++;
  int rc = e->host.notify(n, e->ud);
  e->busy--;
  if (!rc) return;
  e->cb_failed = 1;
  sr_log(e, SIREN_LOG_WARN, "notify callback failed (%d) for %s", rc,
         page == SR_NONE ? "a message" : "a page: it gets an automatic ERROR receipt");
  sr_err(e, SIREN_ECALLBACK, "notify callback failed (%d)", rc);
  if (page == SR_NONE) return;
  sr_page *pg = &SR_AT(e->rt.pages, page);
  if (pg->failed_queued) return;
  pg->failed_queued = 1;
  pg->next_failed = SR_NONE;
  if (e->rt.failed_tail == SR_NONE)
    e->rt.failed_head = page;
  else
    SR_AT(e->rt.pages, e->rt.failed_tail).next_failed = page;
  e->rt.failed_tail = page;
}

/* A page whose notify failed gets an automatic ERROR receipt, so its channel's
 * retry interval applies as if the provider had reported the failure. */
static int drain_failed(siren_engine *e) {
  while (e->rt.failed_head != SR_NONE) {
    uint32_t p = e->rt.failed_head;
    sr_rec r;
    sr_rec_init(&r, SR_REC_RECEIPT);
    /* The failure happened when the page was sent (its logical time), not
     * when a late host got round to it: the retry must not drift. */
    r.time = SR_AT(e->rt.pages, p).sent;
    if (sr_rec_int(&e->mem, &r, (int64_t)p + 1) ||
        sr_rec_int(&e->mem, &r, SIREN_RECEIPT_ERROR) ||
        sr_rec_str(&e->mem, &r, "notify callback failed"))
      return SIREN_ENOMEM;
    int rc = sr_exec(e, &r);
    sr_rec_free(&e->mem, &r);
    if (rc) return rc;
    /* The commit of the receipt unlinked the page from the failed list. */
  }
  return SIREN_OK;
}

/* ------------------------------------------------------------------ time */

int sr_fire_due(siren_engine *e, int64_t until, uint32_t *fired) {
  uint32_t n = 0;
  int rc = drain_failed(e);
  for (;;) {
    if (rc) break;
    const sr_timer *t = sr_timer_peek(e);
    if (!t || t->due > until) break;
    sr_rec r;
    sr_rec_init(&r, SR_REC_TIMER);
    r.time = t->due;
    /* ints: kind, ref, gen — enough for replay to find the same timer. */
    r.ints[0] = sr_timer_kind(t);
    r.ints[1] = t->ref;
    r.ints[2] = t->gen;
    r.int_count = 3;
    rc = sr_exec(e, &r);
    if (rc) break;
    n++;
    rc = drain_failed(e);
    /* Stop at a failed notify or event: the host may be unable to deliver,
     * and what is still due waits for its next call (nothing is lost). */
    if (e->cb_failed && !e->quiet) {
      rc = rc ? rc : SIREN_ECALLBACK;
      break;
    }
  }
  if (fired) *fired = n;
  return rc;
}

SIREN_EXTERN int64_t siren_engine_next_deadline(siren_engine *e) {
  if (!e || e->busy) return SIREN_NO_DEADLINE;
  if (e->rt.failed_head != SR_NONE) return e->now; /* an automatic receipt is owed */
  const sr_timer *t = sr_timer_peek(e);
  return t ? t->due : SIREN_NO_DEADLINE;
}

SIREN_EXTERN int siren_engine_advance(siren_engine *e, uint32_t *fired) {
  if (fired) *fired = 0;
  if (!e) return SIREN_EINVAL;
  if (e->busy) return SIREN_EBUSY;
  e->errmsg[0] = '\0';
  e->cb_failed = 0;
  int rc = read_clock(e);
  if (rc) return rc;
  rc = sr_fire_due(e, e->now, fired);
  return sr_end(e, rc);
}
