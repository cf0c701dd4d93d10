/*
 * pagerd — an example paging daemon: siren on durable storage, driven by a
 * scaled real clock, commands on stdin, notifications as JSON on stdout.
 *
 *   pagerd --store file:PATH | sqlite:PATH [--config DIR] [--minute-ms N]
 *
 * First start (no PATH.pagerd beside the store): loads DIR/contacts.yaml and
 * DIR/response-plan.yaml (siren_config_load, in that order) into a new engine
 * whose records go to the store, then writes PATH.pagerd (the time base, see
 * below). Every later start rebuilds the engine from the store with
 * siren_engine_open() instead; --config is then ignored. If replay stopped at
 * a damaged record, the store is cut to report.bytes before anything is
 * appended (but not for a record of a newer format: pagerd refuses to start,
 * so that a downgrade never destroys what a newer siren wrote). A store with
 * records but no PATH.pagerd is a first start that did not finish (killed
 * while loading the configuration): it is emptied and the start is redone.
 *
 * Commands, one per line on stdin (EOF is quit):
 *   start-incident PLAN SOURCE [TRIGGER_ARN]   siren_incident_start
 *   accept PAGE_ID CODE                        siren_page_accept (READ, code enforced)
 *   resolve INCIDENT_ID                        status RESOLVED
 *   snapshot                                   siren_engine_snapshot
 *   time                                       the siren clock and next deadline
 *   quit
 * Each command is answered with one JSON line, {"kind":"ok",...} or
 * {"kind":"error","status":SIREN_E* code (0: malformed),"error":..,
 * "message":..}. Every notification is one JSON line, written and
 * flushed before notify returns: {"kind":"page","page":..,"engagement":..,
 * "contact":..,"channel":..,"channel_type":..,"address":..,"code":..,
 * "incident":..,"incident_arn":..,"stage":..,"retry_of":..,"time_ms":..,
 * "minute":..,"now_minute":..,"repeat":..} (minute: the siren time siren
 * decided it, in minutes since the epoch; now_minute: the clock when it was
 * printed; repeat: announced again by siren_engine_open). Once a printed
 * page's SENT receipt is stored and synced, {"kind":"receipt",...} follows:
 * a restart re-announces only pages without one. Other lines: "ready" (after
 * start, with the time base), "activation_code", "chat", "target", "bye".
 *
 * Durability (group commit, see ../storage/file_store.h): appends are not
 * synced one by one; the store is synced in notify before a line is printed,
 * and after every siren call returns, before its reply, receipts or anything
 * else is printed. If a sync fails, pagerd prints nothing more and exits 1:
 * the engine may hold records the disk does not, and only a restart (which
 * replays what the store really holds) is safe.
 *
 * Time. siren time is a real clock run faster: one siren minute lasts N real
 * ms (--minute-ms, default 60000: real time). The time base lives in
 * PATH.pagerd: epoch_ms (siren time at the first start: minute 0), and the
 * pair (anchor_siren_ms, anchor_wall_us) with minute_ms, so that
 *
 *   siren(now) = anchor_siren_ms + (wall_us(now) - anchor_wall_us) * 60 / minute_ms
 *
 * Because the base is persisted and the wall clock keeps running while pagerd
 * is down, a restart continues siren time where the real world is: the time
 * pagerd was down counts, as it does for the people waiting for a page. A
 * stage that fell due meanwhile fires on the first advance, in order, with
 * its own due time as its logical time; stages still ahead fire at their
 * minute. Within a run, wall_us(now) is the realtime clock read once at
 * start plus CLOCK_MONOTONIC's progress, so a clock step (NTP, an operator)
 * does not move siren time; across runs only the realtime clock survives. If
 * it went back so far that siren time would land before the last stored
 * record, the base is moved (anchored at that record's time, now) and saved:
 * siren time never goes backwards (siren itself also refuses a clock that
 * does). A different --minute-ms on a restart re-anchors the same way at the
 * current siren time, so the new speed applies from now on.
 *
 * --crash-after-print N is a test hook: pagerd kills itself (SIGKILL) right
 * after it printed page N the first time, before its SENT receipt.
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE /* clock_gettime, fdatasync, getrandom under -std=c11 */

#include <siren/siren.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "file_store.h"
#ifdef HAVE_SQLITE
#include "sqlite_store.h"
#endif

#define MAX_LINE 65536
#define MAX_POLL_MS 60000

/* ------------------------------------------------------------ the host */

typedef struct timebase {
  int64_t epoch_ms;        /* siren time of minute 0 */
  int64_t anchor_siren_ms; /* siren time at anchor_wall_us */
  int64_t anchor_wall_us;  /* CLOCK_REALTIME, microseconds since the Unix epoch */
  int64_t minute_ms;       /* real milliseconds per siren minute */
} timebase;

typedef enum store_kind { STORE_FILE = 1, STORE_SQLITE = 2 } store_kind;

typedef struct pagerd {
  store_kind kind;
  file_store *fs;
#ifdef HAVE_SQLITE
  sqlite_store *ss;
#endif
  const char *store_path;
  char meta_path[4200];
  timebase tb;
  int64_t wall0_us, mono0_us; /* this run's realtime reading and its monotonic twin */
  int64_t floor_ms;           /* siren time never goes below this */
  siren_engine *engine;
  siren_id *pending; /* pages printed whose SENT receipt is not stored yet */
  size_t pending_count, pending_cap;
  int opening; /* inside siren_engine_open: notifications are repeats */
  int fatal;   /* a sync or write failed: print nothing more, exit 1 */
  siren_id crash_after_print;
} pagerd;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("pagerd: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("pagerd: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ------------------------------------------------------------ the store */

static int st_append(pagerd *pd, const void *r, size_t n) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_append(pd->ss, r, n);
#endif
  return file_store_append(pd->fs, r, n);
}
static int st_next(pagerd *pd, const void **r, size_t *n) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_next(pd->ss, r, n);
#endif
  return file_store_next(pd->fs, r, n);
}
static int st_sync(pagerd *pd) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_sync(pd->ss);
#endif
  return file_store_sync(pd->fs);
}
static int st_truncate(pagerd *pd, uint64_t bytes) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_truncate(pd->ss, bytes);
#endif
  return file_store_truncate(pd->fs, bytes);
}
static uint64_t st_records(const pagerd *pd) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_records(pd->ss);
#endif
  return file_store_records(pd->fs);
}
static uint64_t st_syncs(const pagerd *pd) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_syncs(pd->ss);
#endif
  return file_store_syncs(pd->fs);
}
static const char *st_errmsg(const pagerd *pd) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_errmsg(pd->ss);
#endif
  return file_store_errmsg(pd->fs);
}
static int st_close(pagerd *pd) {
#ifdef HAVE_SQLITE
  if (pd->kind == STORE_SQLITE) return sqlite_store_close(pd->ss);
#endif
  return file_store_close(pd->fs);
}

/* Syncs; a failure makes pagerd stop (see the header comment). */
static int sync_or_stop(pagerd *pd) {
  if (pd->fatal) return -1;
  if (st_sync(pd) == 0) return 0;
  warn("store sync failed: %s; stopping without announcing more", st_errmsg(pd));
  pd->fatal = 1;
  return -1;
}

/* ------------------------------------------------------------- the clock */

static int64_t clock_us(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_now_us(const pagerd *pd) {
  return pd->wall0_us + (clock_us(CLOCK_MONOTONIC) - pd->mono0_us);
}

/* siren time at a wall instant. µs * 60 / minute_ms = ms of siren time;
 * 60 * 2^63 µs is far beyond any wall clock, so nothing overflows. */
static int64_t siren_at(const timebase *tb, int64_t wall_us) {
  return tb->anchor_siren_ms + (wall_us - tb->anchor_wall_us) * 60 / tb->minute_ms;
}

/* The wall instant at which siren time reaches t (rounded up, so that a
 * sleep until then never wakes before t). */
static int64_t wall_for(const timebase *tb, int64_t t) {
  int64_t d = t - tb->anchor_siren_ms;
  if (d > INT64_C(100000000000)) d = INT64_C(100000000000); /* ~3 years: we wake earlier */
  if (d < 0) return tb->anchor_wall_us;
  return tb->anchor_wall_us + (d * tb->minute_ms + 59) / 60;
}

static int64_t siren_now(pagerd *pd) {
  int64_t t = siren_at(&pd->tb, wall_now_us(pd));
  if (t < pd->floor_ms) t = pd->floor_ms;
  pd->floor_ms = t;
  return t;
}

static double minute_of(const pagerd *pd, int64_t t) {
  return (double)(t - pd->tb.epoch_ms) / 60000.0;
}

/* PATH.pagerd: "key value" lines, replaced atomically (temporary file,
 * fsync, rename, fsync of the directory). */
static int write_meta(const pagerd *pd) {
  char tmp[4300];
  snprintf(tmp, sizeof tmp, "%s.tmp", pd->meta_path);
  FILE *f = fopen(tmp, "w");
  if (!f) return -1;
  fprintf(f,
          "pagerd-timebase 1\nepoch_ms %" PRId64 "\nanchor_siren_ms %" PRId64
          "\nanchor_wall_us %" PRId64 "\nminute_ms %" PRId64 "\n",
          pd->tb.epoch_ms, pd->tb.anchor_siren_ms, pd->tb.anchor_wall_us, pd->tb.minute_ms);
  if (fflush(f) || fsync(fileno(f))) {
    fclose(f);
    return -1;
  }
  if (fclose(f) || rename(tmp, pd->meta_path)) return -1;
  char dir[4200];
  snprintf(dir, sizeof dir, "%s", pd->meta_path);
  char *slash = strrchr(dir, '/');
  if (slash) {
    if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
  } else {
    snprintf(dir, sizeof dir, ".");
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return -1;
  int rc = fsync(dfd);
  close(dfd);
  return rc;
}

/* 1: read; 0: there is none; -1: there is one, but it is damaged. */
static int read_meta(pagerd *pd) {
  FILE *f = fopen(pd->meta_path, "r");
  if (!f) return errno == ENOENT ? 0 : -1;
  char key[64];
  int64_t v;
  int version = 0, seen = 0;
  while (fscanf(f, "%63s %" SCNd64, key, &v) == 2) {
    if (strcmp(key, "pagerd-timebase") == 0) version = (int)v;
    else if (strcmp(key, "epoch_ms") == 0) pd->tb.epoch_ms = v, seen |= 1;
    else if (strcmp(key, "anchor_siren_ms") == 0) pd->tb.anchor_siren_ms = v, seen |= 2;
    else if (strcmp(key, "anchor_wall_us") == 0) pd->tb.anchor_wall_us = v, seen |= 4;
    else if (strcmp(key, "minute_ms") == 0) pd->tb.minute_ms = v, seen |= 8;
  }
  fclose(f);
  return version == 1 && seen == 15 && pd->tb.minute_ms > 0 ? 1 : -1;
}

/* ------------------------------------------------------------ JSON lines */

/* One JSON object per line: j_begin, members, j_end. */
static void j_begin(const char *kind) { printf("{\"kind\":\"%s\"", kind); }
static void j_str(const char *k, const char *s) {
  printf(",\"%s\":\"", k);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}
static void j_int(const char *k, int64_t v) { printf(",\"%s\":%" PRId64, k, v); }
static void j_uint(const char *k, uint64_t v) { printf(",\"%s\":%" PRIu64, k, v); }
static void j_num(const char *k, double v) { printf(",\"%s\":%.4f", k, v); }
static void j_bool(const char *k, int v) { printf(",\"%s\":%s", k, v ? "true" : "false"); }
/* Ends the line and flushes it: it has left the process. */
static int j_end(pagerd *pd) {
  fputs("}\n", stdout);
  if (fflush(stdout) || ferror(stdout)) {
    warn("stdout: %s", strerror(errno));
    pd->fatal = 1;
    return -1;
  }
  return 0;
}

/* -------------------------------------------------------------- callbacks */

static int on_clock(int64_t *now, void *ud) {
  *now = siren_now(ud);
  return 0;
}

static int on_random(void *buf, size_t len, void *ud) {
  (void)ud;
  uint8_t *p = buf;
  while (len) {
    ssize_t r = getrandom(p, len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    len -= (size_t)r;
  }
  return 0;
}

static int on_append(const void *r, size_t n, void *ud) {
  pagerd *pd = ud;
  if (pd->fatal) return -1;
  if (st_append(pd, r, n)) {
    warn("store append failed: %s", st_errmsg(pd));
    return -1;
  }
  return 0;
}

static int on_next(const void **r, size_t *n, void *ud) {
  pagerd *pd = ud;
  if (st_next(pd, r, n)) {
    warn("store read failed: %s", st_errmsg(pd));
    return -1;
  }
  return 0;
}

static int on_log(int level, const char *msg, void *ud) {
  (void)ud;
  if (level <= SIREN_LOG_WARN) warn("siren: %s", msg);
  return 0;
}

static int on_notify(const siren_notification *n, void *ud) {
  pagerd *pd = ud;
  /* Group commit: the record that decided this, and every record before it,
   * becomes durable here, before the message leaves. */
  if (sync_or_stop(pd)) return -1;
    const char *kind = n->kind == SIREN_NOTIFY_PAGE              ? "page"
                     : n->kind == SIREN_NOTIFY_ACTIVATION_CODE ? "activation_code"
                     : n->kind == SIREN_NOTIFY_CHAT            ? "chat"
                                                               : "target";
  j_begin(kind);
  if (n->kind == SIREN_NOTIFY_PAGE) {
    j_uint("page", n->page);
    j_uint("engagement", n->engagement);
    j_uint("retry_of", n->retry_of);
  }
  j_str("contact", n->contact);
  j_str("channel", n->channel);
  j_str("channel_type", n->channel_type);
  j_str("address", n->address);
  if (n->kind == SIREN_NOTIFY_PAGE || n->kind == SIREN_NOTIFY_ACTIVATION_CODE)
    j_str("code", n->code);
  if (n->kind == SIREN_NOTIFY_PAGE) {
    j_uint("incident", n->incident);
    j_str("incident_arn", n->incident_id);
    j_uint("stage", n->stage);
    j_str("subject", n->subject);
  }
  if (n->kind == SIREN_NOTIFY_CHAT || n->kind == SIREN_NOTIFY_TARGET) {
    j_uint("incident", n->incident);
    j_str("message", n->message);
    j_str("text", n->text);
  }
  j_int("time_ms", n->time);
  j_num("minute", minute_of(pd, n->time));
  j_num("now_minute", minute_of(pd, siren_now(pd)));
  j_bool("repeat", pd->opening);
  if (j_end(pd)) return -1;
  if (n->kind == SIREN_NOTIFY_PAGE) {
    if (pd->pending_count == pd->pending_cap) {
      size_t cap = pd->pending_cap ? pd->pending_cap * 2 : 16;
      siren_id *p = realloc(pd->pending, cap * sizeof *p);
      if (!p) return 0; /* no SENT receipt: at worst it is announced again */
      pd->pending = p;
      pd->pending_cap = cap;
    }
    pd->pending[pd->pending_count++] = n->page;
    if (pd->crash_after_print && n->page == pd->crash_after_print && !pd->opening) {
      fflush(stdout);
      raise(SIGKILL); /* the test hook: a crash between delivery and receipt */
    }
  }
  return 0;
}

/* After every siren call: store the SENT receipts of the pages printed
 * during it (a callback cannot call the engine), sync, then say so. A
 * receipt may itself fire what fell due (siren catches up before a command),
 * which may print and queue more pages: the loop takes them too. The pages
 * whose receipt was stored are gathered at the front of the same array. */
static void after_call(pagerd *pd) {
  size_t stored = 0;
  for (size_t i = 0; i < pd->pending_count && !pd->fatal; i++) {
    siren_id page = pd->pending[i];
    int rc = siren_page_receipt(pd->engine, page, SIREN_RECEIPT_SENT, "printed on stdout");
    if (rc == SIREN_OK) pd->pending[stored++] = page;
    else
      warn("SENT receipt for page %" PRIu64 ": %s (%s)", page, siren_strerror(rc),
           siren_errmsg(pd->engine));
  }
  pd->pending_count = 0;
  if (sync_or_stop(pd)) return;
  for (size_t k = 0; k < stored; k++) {
    j_begin("receipt");
    j_uint("page", pd->pending[k]);
    j_str("type", "SENT");
    if (j_end(pd)) return;
  }
}

/* -------------------------------------------------------------- commands */

static void reply_error(pagerd *pd, const char *command, int rc, const char *msg) {
    j_begin("error");
  j_str("command", command);
  j_int("status", rc); /* the SIREN_E* code; 0 for a malformed command */
  j_str("error", rc ? siren_strerror(rc) : "usage");
  j_str("message", msg);
  j_end(pd);
}

static int parse_id(const char *s, siren_id *out) {
  if (!s || !*s) return -1;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v == 0) return -1;
  *out = (siren_id)v;
  return 0;
}

/* Runs one command line. Returns 1 for quit. */
static int run_command(pagerd *pd, char *line) {
  char *argv[8];
  int argc = 0;
  for (char *tok = strtok(line, " \t\r"); tok && argc < 8; tok = strtok(NULL, " \t\r"))
    argv[argc++] = tok;
  if (argc == 0 || argv[0][0] == '#') return 0;
  const char *cmd = argv[0];
  char msg[512];
  int rc;
  
  if (strcmp(cmd, "quit") == 0) return 1;
  if (strcmp(cmd, "time") == 0) {
    int64_t d = siren_engine_next_deadline(pd->engine);
    int64_t now = siren_now(pd);
    j_begin("time");
    j_int("now_ms", now);
    j_num("minute", minute_of(pd, now));
    if (d != SIREN_NO_DEADLINE) j_num("next_deadline_minute", minute_of(pd, d));
    j_end(pd);
    return 0;
  }
  if (strcmp(cmd, "start-incident") == 0) {
    if (argc < 3 || argc > 4) {
      reply_error(pd, cmd, 0, "start-incident PLAN SOURCE [TRIGGER_ARN]");
      return 0;
    }
    siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
    ip.response_plan = argv[1];
    ip.trigger_source = argv[2];
    ip.trigger_arn = argc > 3 ? argv[3] : NULL;
    siren_id id = 0;
    int dedup = 0;
    rc = siren_incident_start(&id, &dedup, pd->engine, &ip);
    snprintf(msg, sizeof msg, "%s", siren_errmsg(pd->engine));
    after_call(pd);
    if (pd->fatal) return 0;
    if (rc != SIREN_OK && !(rc == SIREN_ECALLBACK && id)) {
      reply_error(pd, cmd, rc, msg);
      return 0;
    }
    siren_incident_info info = SIREN_INCIDENT_INFO_INIT;
    siren_incident_get(&info, pd->engine, id);
    j_begin("ok");
    j_str("command", cmd);
    j_uint("incident", id);
    j_str("arn", info.arn);
    j_bool("deduplicated", dedup);
    j_int("time_ms", info.creation_time);
    j_num("minute", minute_of(pd, info.creation_time));
    j_end(pd);
    return 0;
  }
  if (strcmp(cmd, "accept") == 0) {
    siren_id page = 0;
    if (argc != 3 || parse_id(argv[1], &page)) {
      reply_error(pd, cmd, 0, "accept PAGE_ID CODE");
      return 0;
    }
    rc = siren_page_accept(pd->engine, page, SIREN_ACCEPT_READ, argv[2], SIREN_ACCEPT_ENFORCE,
                           "accepted through pagerd");
    snprintf(msg, sizeof msg, "%s", siren_errmsg(pd->engine));
    after_call(pd);
    if (pd->fatal) return 0;
    if (rc != SIREN_OK) {
      reply_error(pd, cmd, rc, msg);
      return 0;
    }
    j_begin("ok");
    j_str("command", cmd);
    j_uint("page", page);
    j_num("minute", minute_of(pd, siren_now(pd)));
    j_end(pd);
    return 0;
  }
  if (strcmp(cmd, "resolve") == 0) {
    siren_id incident = 0;
    if (argc != 2 || parse_id(argv[1], &incident)) {
      reply_error(pd, cmd, 0, "resolve INCIDENT_ID");
      return 0;
    }
    siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
    u.fields = SIREN_UPDATE_STATUS;
    u.status = SIREN_INCIDENT_RESOLVED;
    rc = siren_incident_update(pd->engine, incident, &u);
    snprintf(msg, sizeof msg, "%s", siren_errmsg(pd->engine));
    after_call(pd);
    if (pd->fatal) return 0;
    if (rc != SIREN_OK) {
      reply_error(pd, cmd, rc, msg);
      return 0;
    }
    j_begin("ok");
    j_str("command", cmd);
    j_uint("incident", incident);
    j_num("minute", minute_of(pd, siren_now(pd)));
    j_end(pd);
    return 0;
  }
  if (strcmp(cmd, "snapshot") == 0) {
    rc = siren_engine_snapshot(pd->engine);
    snprintf(msg, sizeof msg, "%s", siren_errmsg(pd->engine));
    after_call(pd);
    if (pd->fatal) return 0;
    if (rc != SIREN_OK) {
      reply_error(pd, cmd, rc, msg);
      return 0;
    }
    j_begin("ok");
    j_str("command", cmd);
    j_uint("records", siren_engine_record_count(pd->engine));
    j_end(pd);
    return 0;
  }
  snprintf(msg, sizeof msg, "unknown command \"%s\"", cmd);
  reply_error(pd, cmd, 0, msg);
  return 0;
}

/* ------------------------------------------------------------- starting */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("%s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) die("out of memory");
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  if (ferror(f)) die("%s: read error", path);
  fclose(f);
  *len = n;
  return buf;
}

static void load_config(pagerd *pd, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t len = 0;
  char *text = read_file(path, &len);
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  int rc = siren_config_load(&res, pd->engine, text, len);
  free(text);
  if (rc != SIREN_OK)
    die("%s: %s\n%s", path, siren_strerror(rc), siren_config_problems(pd->engine));
  after_call(pd);
  if (pd->fatal) exit(1);
}

static void open_store(pagerd *pd, const char *spec) {
  char err[512];
  if (strncmp(spec, "file:", 5) == 0) {
    pd->kind = STORE_FILE;
    pd->store_path = spec + 5;
    file_store_report rep;
    if (file_store_open(&pd->fs, pd->store_path, 0, &rep, err, sizeof err))
      die("--store %s: %s", spec, err);
    if (rep.dropped_bytes)
      warn("%s: cut %" PRIu64 " bytes of a torn or damaged tail (%s); %" PRIu64
           " records kept",
           pd->store_path, rep.dropped_bytes, rep.reason, rep.records);
  } else if (strncmp(spec, "sqlite:", 7) == 0) {
#ifdef HAVE_SQLITE
    pd->kind = STORE_SQLITE;
    pd->store_path = spec + 7;
    if (sqlite_store_open(&pd->ss, pd->store_path, 0, NULL, err, sizeof err))
      die("--store %s: %s", spec, err);
#else
    die("--store %s: this pagerd was built without SQLite", spec);
#endif
  } else {
    die("--store must be file:PATH or sqlite:PATH");
  }
  if (!*pd->store_path) die("--store %s: empty path", spec);
  snprintf(pd->meta_path, sizeof pd->meta_path, "%s.pagerd", pd->store_path);
}

static siren_host make_host(void) {
  siren_host h = SIREN_HOST_INIT;
  h.clock = on_clock;
  h.notify = on_notify;
  h.random = on_random;
  h.storage_append = on_append;
  h.storage_next = on_next;
  h.log = on_log;
  return h;
}

static void usage(FILE *to) {
  fputs("usage: pagerd --store file:PATH|sqlite:PATH [--config DIR] [--minute-ms N]\n"
        "              [--crash-after-print PAGE_ID]\n"
        "  --config DIR     contacts.yaml and response-plan.yaml, read on the first start\n"
        "  --minute-ms N    real milliseconds per siren minute (default 60000)\n"
        "commands on stdin: start-incident PLAN SOURCE [ARN] | accept PAGE CODE |\n"
        "  resolve INCIDENT | snapshot | time | quit\n",
        to);
}

int main(int argc, char **argv) {
  const char *store = NULL, *config = NULL;
  int64_t minute_ms = 0;
  static pagerd pd;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      usage(stderr);
      return 2;
    }
    if (strcmp(a, "--store") == 0) {
      store = argv[++i];
    } else if (strcmp(a, "--config") == 0) {
      config = argv[++i];
    } else if (strcmp(a, "--minute-ms") == 0) {
      char *end = NULL;
      long long v = strtoll(argv[++i], &end, 10);
      if (*end || v < 1 || v > 86400000) die("--minute-ms must be 1-86400000");
      minute_ms = v;
    } else if (strcmp(a, "--crash-after-print") == 0) {
      if (parse_id(argv[++i], &pd.crash_after_print)) die("--crash-after-print needs a page id");
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (!store) {
    usage(stderr);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error, handled */
  if (siren_version_number() != SIREN_VERSION_NUMBER)
    die("built for siren %s, running with %s", SIREN_VERSION_STRING, siren_version());

  pd.wall0_us = clock_us(CLOCK_REALTIME);
  pd.mono0_us = clock_us(CLOCK_MONOTONIC);
  pd.floor_ms = INT64_MIN;
  open_store(&pd, store);
  siren_host host = make_host();
  int meta = read_meta(&pd);
  if (meta < 0) die("%s: damaged or unreadable", pd.meta_path);
  int first = meta == 0;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;

  if (first) {
    if (!config) die("first start on %s: --config DIR is required", store);
    if (st_records(&pd) > 0) {
      warn("%s holds %" PRIu64 " records but no %s: a first start that did not finish; "
           "starting again from empty",
           pd.store_path, st_records(&pd), pd.meta_path);
      if (st_truncate(&pd, 0)) die("emptying %s: %s", pd.store_path, st_errmsg(&pd));
    }
    int64_t now_us = wall_now_us(&pd);
    pd.tb.minute_ms = minute_ms ? minute_ms : 60000;
    pd.tb.anchor_wall_us = now_us;
    pd.tb.anchor_siren_ms = now_us / 1000;
    pd.tb.epoch_ms = pd.tb.anchor_siren_ms;
    int rc = siren_engine_new(&pd.engine, &host, NULL, &pd);
    if (rc != SIREN_OK) die("siren_engine_new: %s", siren_strerror(rc));
    load_config(&pd, config, "contacts.yaml");
    load_config(&pd, config, "response-plan.yaml");
    if (sync_or_stop(&pd)) return 1;
    /* Only now is the start complete: the time base marks it. */
    if (write_meta(&pd)) die("%s: %s", pd.meta_path, strerror(errno));
  } else {
    if (st_records(&pd) == 0)
      die("%s is empty but %s exists: remove %s to start afresh", pd.store_path, pd.meta_path,
          pd.meta_path);
    pd.opening = 1;
    int rc = siren_engine_open(&pd.engine, &host, NULL, &pd, &rep);
    pd.opening = 0;
    if (!pd.engine) die("siren_engine_open: %s", siren_strerror(rc));
    if (pd.fatal) return 1;
    if (rep.stopped) {
      if (rep.stop_code != SIREN_ECORRUPT)
        die("%s: %s (%s): refusing to cut records a newer siren may have written", pd.store_path,
            siren_strerror(rep.stop_code), rep.stop_reason);
      warn("%s: replay stopped: %s; cutting the store to %" PRIu64 " records (%" PRIu64
           " bytes)",
           pd.store_path, rep.stop_reason, rep.records, rep.bytes);
      if (st_truncate(&pd, rep.bytes)) die("truncating %s: %s", pd.store_path, st_errmsg(&pd));
    }
    if (rc == SIREN_ECALLBACK) warn("re-announcing pages: %s", siren_errmsg(pd.engine));
    /* Keep siren time ahead of the last record, and apply a new speed from
     * now on; either way the new base is saved before it is used. */
    int64_t now_us = wall_now_us(&pd);
    int64_t t = siren_at(&pd.tb, now_us);
    int rebase = 0;
    if (t < rep.last_time) {
      warn("the clock is behind the last record by %" PRId64 " ms of siren time: re-anchoring",
           rep.last_time - t);
      t = rep.last_time;
      rebase = 1;
    }
    if (minute_ms && minute_ms != pd.tb.minute_ms) rebase = 1;
    if (rebase) {
      pd.tb.anchor_siren_ms = t;
      pd.tb.anchor_wall_us = now_us;
      if (minute_ms) pd.tb.minute_ms = minute_ms;
      if (write_meta(&pd)) die("%s: %s", pd.meta_path, strerror(errno));
    }
    pd.floor_ms = rep.last_time;
    after_call(&pd); /* SENT receipts for the pages announced again */
    if (pd.fatal) return 1;
  }

    int64_t now = siren_now(&pd);
  j_begin("ready");
  j_bool("first_start", first);
  j_str("store", store);
  j_uint("records", siren_engine_record_count(pd.engine));
  j_int("epoch_ms", pd.tb.epoch_ms);
  j_int("anchor_siren_ms", pd.tb.anchor_siren_ms);
  j_int("anchor_wall_us", pd.tb.anchor_wall_us);
  j_int("minute_ms", pd.tb.minute_ms);
  j_int("now_ms", now);
  j_num("minute", minute_of(&pd, now));
  if (!first) {
    j_uint("replayed", rep.records);
    j_bool("stopped", rep.stopped);
    j_str("stop_reason", rep.stop_reason);
    j_uint("reannounced", rep.reannounced);
    j_num("last_record_minute", minute_of(&pd, rep.last_time));
  }
  if (j_end(&pd)) return 1;

  /* The loop: fire what is due, else sleep until the next deadline or a
   * command, whichever comes first. */
  static char in[MAX_LINE];
  size_t in_len = 0;
  int quit = 0, discarding = 0;
  while (!quit && !pd.fatal) {
    int64_t deadline = siren_engine_next_deadline(pd.engine);
    if (deadline != SIREN_NO_DEADLINE && deadline <= siren_now(&pd)) {
      int rc = siren_engine_advance(pd.engine, NULL);
      if (rc != SIREN_OK) warn("advance: %s (%s)", siren_strerror(rc), siren_errmsg(pd.engine));
      after_call(&pd);
      if (rc != SIREN_OK && rc != SIREN_ECALLBACK) break;
      if (rc == SIREN_ECALLBACK && !pd.fatal) {
        /* A storage append failed (not a sync): give the disk a moment. */
        struct timespec pause = {0, 100000000};
        nanosleep(&pause, NULL);
      }
      continue;
    }
    int timeout = -1;
    if (deadline != SIREN_NO_DEADLINE) {
      int64_t ms = (wall_for(&pd.tb, deadline) - wall_now_us(&pd) + 999) / 1000;
      timeout = ms < 0 ? 0 : ms > MAX_POLL_MS ? MAX_POLL_MS : (int)ms;
    }
    struct pollfd pfd = {0, POLLIN, 0};
    int pr = poll(&pfd, 1, timeout);
    if (pr < 0) {
      if (errno == EINTR) continue;
      die("poll: %s", strerror(errno));
    }
    if (pr == 0) continue;
    ssize_t r = read(0, in + in_len, sizeof in - in_len);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      die("stdin: %s", strerror(errno));
    }
    if (r == 0) break; /* EOF: quit */
    in_len += (size_t)r;
    char *start = in, *nl;
    while (!quit && !pd.fatal && (nl = memchr(start, '\n', in_len - (size_t)(start - in)))) {
      *nl = '\0';
      if (!discarding) quit = run_command(&pd, start);
      discarding = 0;
      start = nl + 1;
    }
    in_len -= (size_t)(start - in);
    memmove(in, start, in_len);
    if (in_len == sizeof in) { /* a line longer than the buffer: drop it */
      reply_error(&pd, "?", 0, "line too long");
      in_len = 0;
      discarding = 1;
    }
  }
  if (pd.fatal) return 1; /* nothing more may be said; the store is as it is */

  uint64_t records = siren_engine_record_count(pd.engine);
  uint64_t syncs = st_syncs(&pd);
  siren_engine_free(pd.engine);
  int rc = st_close(&pd);
  free(pd.pending);
  j_begin("bye");
  j_uint("records", records);
  j_uint("syncs", syncs);
  j_end(&pd);
  return rc ? 1 : 0;
}
