/*
 * Recovery: siren_engine_open() rebuilds an engine from its stored records,
 * and siren_engine_snapshot() writes the record that lets replay start late.
 *
 * Replay runs every record through the prepare/commit functions live
 * commands use (sr_apply), with callbacks off, so a recovered engine is the
 * engine that wrote the records: same ids, same codes (they derive from each
 * record's nonce), same timers in the same order. It stops at the first
 * record it cannot trust and opens with what came before.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct stop_info {
  int code;
  char why[200];
} stop_info;

static void stop(stop_info *st, int code, const char *why, uint64_t seq) {
  st->code = code;
  snprintf(st->why, sizeof st->why, "record %llu: %s", (unsigned long long)seq, why);
}

/* Reads the next stored record into r (strings borrowed from the stored or
 * unsealed bytes). 1: a record; 0: the end; <0: an error of the call. A
 * damaged record sets st->code and returns 1 with r empty. */
static int read_next(siren_engine *e, sr_rec *r, size_t *stored_len, stop_info *st) {
  const void *rec = NULL;
  size_t len = 0;
  e->busy++;
  int rc = e->host.storage_next(&rec, &len, e->ud);
  e->busy--;
  if (rc) return sr_err(e, SIREN_ECALLBACK, "storage_next callback failed (%d)", rc);
  if (!rec) return 0;
  *stored_len = len;
  const uint8_t *bytes = rec;
  if (e->host.unseal) {
    size_t cap = len + SIREN_SEAL_OVERHEAD, out = 0;
    if (sr_grow(&e->mem, (void **)&e->sealbuf, &e->sealbuf_cap, cap, 1)) return SIREN_ENOMEM;
    e->busy++;
    rc = e->host.unseal(rec, len, e->sealbuf, cap, &out, e->ud);
    e->busy--;
    if (rc || out > cap) {
      stop(st, SIREN_ECORRUPT, "unseal failed: the record is damaged or not ours", e->seq + 1);
      return 1;
    }
    bytes = e->sealbuf;
    len = out;
  }
  rc = sr_rec_decode(&e->mem, r, bytes, len);
  if (rc == SIREN_ENOMEM) return rc;
  if (rc == SIREN_EVERSION) {
    stop(st, rc, "a record format version this library does not know", e->seq + 1);
    return 1;
  }
  if (rc) {
    stop(st, rc, "torn or damaged (length, checksum or layout)", e->seq + 1);
    return 1;
  }
  /* A stream may start with a snapshot: the records before it were dropped.
   * Sequence numbers start at 1, so a snapshot numbered 0 is damaged. */
  int snapshot_first = e->seq == 0 && r->type == SR_REC_SNAPSHOT && r->seq > 0;
  if (r->seq != e->seq + 1 && !snapshot_first) {
    char why[96];
    snprintf(why, sizeof why, "out of sequence (found %llu)", (unsigned long long)r->seq);
    stop(st, SIREN_ECORRUPT, why, e->seq + 1);
    sr_rec_free(&e->mem, r);
    return 1;
  }
  return 1;
}

/* Pages of active engagements that were stored but never confirmed sent. */
static uint32_t reannounce(siren_engine *e) {
  uint32_t n = 0;
  for (size_t i = 0; i < e->rt.page_count; i++) {
    const sr_page *pg = &SR_AT(e->rt.pages, i);
    if ((pg->x && pg->x->receipt_count) || pg->is_accepted || pg->failed_queued ||
        SR_AT(e->rt.engagements, pg->engagement).state != SIREN_ENGAGEMENT_ACTIVE)
      continue;
    sr_page_announce(e, (uint32_t)i, pg->sent);
    n++;
  }
  return n;
}

SIREN_EXTERN int siren_engine_open(siren_engine **out, const siren_host *host,
                                   const siren_options *options, void *user_data,
                                   siren_open_report *report) {
  if (!out) return SIREN_EINVAL;
  *out = NULL;
  if (report && (report->version == 0 || report->version > SIREN_OPEN_REPORT_VERSION))
    return SIREN_EVERSION;
  if (!host) return SIREN_EINVAL;
  if (host->version == 0 || host->version > SIREN_HOST_VERSION) return SIREN_EVERSION;
  if (host->version < 2 || !host->storage_next) return SIREN_EINVAL;
  siren_engine *e = NULL;
  int rc = siren_engine_new(&e, host, options, user_data);
  if (rc) return rc;

  stop_info st = {0, ""};
  uint64_t records = 0, bytes = 0, index = 0;
  e->replaying = 1;
  for (;;) {
    sr_rec r;
    size_t stored = 0;
    memset(&r, 0, sizeof r);
    rc = read_next(e, &r, &stored, &st);
    if (rc <= 0 || st.code) break;
    if (r.time > e->now) e->now = r.time;
    if (r.type == SR_REC_SNAPSHOT) {
      /* First in the stream it is the state; later it repeats what replay
       * already rebuilt. */
      rc = records == 0 ? sr_snapshot_restore(e, &r) : SIREN_OK;
      if (rc == SIREN_OK) {
        e->seq = r.seq;
        e->since_snapshot = 0;
      }
    } else {
      rc = sr_apply(e, &r);
      if (rc == SIREN_OK) e->since_snapshot++;
    }
    sr_rec_free(&e->mem, &r);
    if (rc == SIREN_ENOMEM) break;
    if (rc == SIREN_EUNSUPPORTED) {
      /* A record of a feature this build left out (a runbook record): the
       * stream is not damaged, and a host told to cut it there would lose
       * it. Refuse to open instead. */
      if (report) {
        report->records = records;
        report->bytes = bytes;
        report->last_sequence = e->seq;
        report->last_time = e->now == INT64_MIN ? 0 : e->now;
        report->stopped = 1;
        report->stop_code = rc;
        report->stop_index = index;
        report->stop_reason = "a record of a feature this build of siren left out "
                              "(runbooks; see siren_build_features)";
        report->since_snapshot = e->since_snapshot;
        report->reannounced = 0;
      }
      break;
    }
    if (rc) {
      stop(&st, SIREN_ECORRUPT, "does not apply to the state before it", e->seq + 1);
      rc = SIREN_OK;
      break;
    }
    records++;
    bytes += stored;
    index++;
  }
  e->replaying = 0;
  if (rc < 0) {
    siren_engine_free(e);
    return rc;
  }
  if (st.code) {
    sr_log(e, SIREN_LOG_WARN, "replay stopped at %s; the engine opened with what came before",
           st.why);
    sr_err(e, st.code, "%s", st.why);
  }
  if (report) {
    report->records = records;
    report->bytes = bytes;
    report->last_sequence = e->seq;
    report->last_time = e->now == INT64_MIN ? 0 : e->now;
    report->stopped = st.code != 0;
    report->stop_code = st.code;
    report->stop_index = st.code ? index : 0;
    report->stop_reason = st.code ? e->errmsg : "";
    report->since_snapshot = e->since_snapshot;
    report->reannounced = 0;
  }
  *out = e;
  /* The pages that may never have left. (The clock is read by the first
   * command or advance, as always.) */
  e->cb_failed = 0;
  uint32_t n = reannounce(e);
  if (report) report->reannounced = n;
  (void)sr_exec_reannounce(e);
  if (e->cb_failed) return sr_err(e, SIREN_ECALLBACK, "notify failed while announcing pages again");
  return SIREN_OK;
}

SIREN_EXTERN int siren_engine_snapshot(siren_engine *e) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_rec r;
  sr_rec_init(&r, SR_REC_SNAPSHOT);
  r.time = e->now;
  r.seq = e->seq + 1;
  rc = sr_snapshot_build(e, &r);
  if (rc == SIREN_OK) rc = sr_store(e, &r);
  else if (rc == SIREN_ENOMEM) sr_err(e, rc, "out of memory");
  sr_rec_free(&e->mem, &r);
  if (rc == SIREN_OK) e->since_snapshot = 0;
  return sr_end(e, rc);
}

SIREN_EXTERN uint64_t siren_engine_records_since_snapshot(const siren_engine *e) {
  return e ? e->since_snapshot : 0;
}
