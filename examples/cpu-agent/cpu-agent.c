/*
 * cpu-agent — the seed's scenario for real: a host agent that samples CPU
 * utilisation from /proc/stat, opens an incident from the EC2HighCPU response
 * plan when it stays above a threshold, resolves it when it falls, keeps
 * siren's journal in SQLite and delivers pages by running a command per
 * channel type.
 *
 *   cpu-agent --config-dir DIR --store sqlite:PATH [options]
 *
 * Options:
 *   --config-dir DIR     contacts.yaml, then every *runbook*.yaml (loaded with
 *                        siren_runbook_load under its file name without
 *                        ".yaml", e.g. ec2-cpu-util-runbook, the name the plan
 *                        uses), then response-plan.yaml; read on the first
 *                        start only (an empty store)
 *   --store sqlite:PATH  siren's records (../storage/sqlite_store.h)
 *   --plan NAME          the response plan (default EC2HighCPU)
 *   --proc-stat PATH     default /proc/stat (a test passes a fake one)
 *   --interval-ms N      sampling interval (default 5000)
 *   --threshold PCT      default 85
 *   --window-s S         how long utilisation must stay above (below) the
 *                        threshold before the incident is opened (resolved);
 *                        also the re-trigger period while it stays high
 *                        (default 300; fractions allowed)
 *   --deliver TYPE=CMD   run CMD for each message on channels of TYPE (EMAIL,
 *                        SMS, VOICE, host-defined); CHAT=CMD and TARGET=CMD
 *                        for incident chat / notification-target messages.
 *                        Repeatable. Without one for a type the message is
 *                        printed on stdout (and counts as sent).
 *   --deliver-timeout-s S  a command still running after S s is killed
 *                        (ERROR receipt; default 30)
 *   --minute-ms N        real ms per siren minute (default 60000: real time)
 *   --host-name NAME     default gethostname()
 *   --once               one sampling round (two readings --interval-ms
 *                        apart), its decision, then exit
 *   --max-seconds S      exit (cleanly) after S real seconds
 *
 * Trigger. Above the threshold for --window-s: siren_incident_start(plan,
 * source "siren.cpu-agent", triggerArn "host:<name>:cpu", rawData JSON with
 * the measured value). While it stays high the trigger is repeated every
 * window: siren's dedupe ("<source>:<arn>" while the incident is OPEN) merges
 * it into the same incident (trigger_count grows, auto-resolve restarts).
 * Below the threshold for --window-s: the agent's open incident is resolved.
 * The agent finds "its" open incident by that trigger arn, so a restart picks
 * it up again from the store.
 *
 * Delivery. CMD is split at spaces into argv and started with posix_spawnp;
 * there is no shell, and the message's fields travel only in environment
 * variables: SIREN_KIND (page, activation_code, chat, target), SIREN_PAGE_ID,
 * SIREN_CONTACT, SIREN_CHANNEL, SIREN_CHANNEL_TYPE, SIREN_ADDRESS,
 * SIREN_SUBJECT, SIREN_CONTENT, SIREN_CODE, SIREN_INCIDENT (the incident
 * arn), SIREN_INCIDENT_ID, SIREN_STAGE, SIREN_TIME_MS, and for chat/target
 * SIREN_MESSAGE and SIREN_TEXT. The command's stdout goes to the agent's
 * stderr. Exit status 0 is a SENT receipt, anything else an ERROR receipt
 * (siren pages the channel again after its retry interval). The store is
 * synced before a command runs (group commit, as pagerd): nothing is
 * delivered that the journal does not hold. A page delivered whose receipt
 * was not stored (a kill in between) is delivered again after a restart
 * (siren_engine_open re-announces it, same page id).
 *
 * Runbook steps siren hands to the host (SIREN_NOTIFY_ACTION) are reported as
 * failed: this agent runs none (the walkthrough's runbook only pauses).
 *
 * Time. siren time = anchor + real time elapsed (CLOCK_MONOTONIC) * 60000 /
 * minute_ms. On the first start the anchor is the realtime clock; on a
 * restart it is max(realtime, the last record's time), so siren time never
 * goes back (with a scaled clock, the time the agent was down does not
 * count). Wakeups: poll() with a timeout of min(next sample, the wall
 * instant of siren_engine_next_deadline()); SIGINT/SIGTERM end the loop.
 *
 * stdout: one JSON line per event: ready, sample (only when the state
 * changes), incident (opened or deduplicated), resolved, delivered (a
 * command's outcome), page/chat/target (printed deliveries), bye.
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE

#include <siren/siren.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sqlite_store.h"

extern char **environ;

#define TRIGGER_SOURCE "siren.cpu-agent"
#define MAX_DELIVER 16
#define MAX_POLL_MS 60000

typedef struct deliver_rule {
  char type[32];
  char *argv[32];
  char *buf;
} deliver_rule;

typedef struct pending {
  int kind; /* 1 page receipt, 2 action result */
  siren_id id;
  int ok;
  char step[130];
  uint32_t attempt;
  char info[128];
} pending;

typedef struct agent {
  sqlite_store *ss;
  siren_engine *engine;
  int64_t anchor_siren_ms, anchor_mono_us, minute_ms, floor_ms;
  int opening, fatal;
  deliver_rule rules[MAX_DELIVER];
  int rule_count;
  int64_t deliver_timeout_ms;
  pending *pend;
  size_t pend_count, pend_cap;
  siren_id incident; /* our open incident, or 0 */
} agent;

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cpu-agent: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cpu-agent: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ------------------------------------------------------------ JSON lines */

static void j_begin(const char *kind) { printf("{\"kind\":\"%s\"", kind); }
static void j_esc(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}
static void j_str(const char *k, const char *s) {
  printf(",\"%s\":", k);
  j_esc(stdout, s);
}
static void j_int(const char *k, int64_t v) { printf(",\"%s\":%" PRId64, k, v); }
static void j_uint(const char *k, uint64_t v) { printf(",\"%s\":%" PRIu64, k, v); }
static void j_num(const char *k, double v) { printf(",\"%s\":%.2f", k, v); }
static void j_bool(const char *k, int v) { printf(",\"%s\":%s", k, v ? "true" : "false"); }
static void j_end(void) {
  fputs("}\n", stdout);
  fflush(stdout);
}

/* ------------------------------------------------------------- the clock */

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t siren_now(agent *a) {
  int64_t t = a->anchor_siren_ms + (mono_us() - a->anchor_mono_us) * 60 / a->minute_ms;
  if (t < a->floor_ms) t = a->floor_ms;
  a->floor_ms = t;
  return t;
}

/* Real microseconds (monotonic) until siren time reaches t, rounded up. */
static int64_t mono_for(const agent *a, int64_t t) {
  int64_t d = t - a->anchor_siren_ms;
  if (d > INT64_C(100000000000)) d = INT64_C(100000000000);
  if (d < 0) return a->anchor_mono_us;
  return a->anchor_mono_us + (d * a->minute_ms + 59) / 60;
}

/* ------------------------------------------------------------- delivery */

static const deliver_rule *rule_for(const agent *a, const char *type) {
  for (int i = 0; i < a->rule_count; i++)
    if (strcmp(a->rules[i].type, type) == 0) return &a->rules[i];
  return NULL;
}

typedef struct envb {
  char **v;
  size_t n, cap;
} envb;

static void env_grow(envb *e) {
  if (e->n + 2 > e->cap) {
    e->cap = e->cap ? e->cap * 2 : 64;
    e->v = realloc(e->v, e->cap * sizeof *e->v);
    if (!e->v) die("out of memory");
  }
}
static void env_raw(envb *e, const char *kv) {
  env_grow(e);
  e->v[e->n] = strdup(kv);
  if (!e->v[e->n]) die("out of memory");
  e->n++;
  e->v[e->n] = NULL;
}
static void env_add(envb *e, const char *k, const char *val) {
  env_grow(e);
  size_t len = strlen(k) + strlen(val ? val : "") + 2;
  char *s = malloc(len);
  if (!s) die("out of memory");
  snprintf(s, len, "%s=%s", k, val ? val : "");
  e->v[e->n++] = s;
  e->v[e->n] = NULL;
}
static void env_addu(envb *e, const char *k, uint64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%" PRIu64, v);
  env_add(e, k, b);
}

/* Runs the rule's command with the notification in its environment. Returns
 * the exit status (0 ok), or -1 when it could not run or was killed. */
static int run_command(agent *a, const deliver_rule *r, const siren_notification *n,
                       const char *kind, char *why, size_t whycap) {
  envb e = {0, 0, 0};
  for (char **p = environ; *p; p++)
    if (strncmp(*p, "SIREN_", 6) != 0) env_raw(&e, *p);
  env_add(&e, "SIREN_KIND", kind);
  env_addu(&e, "SIREN_PAGE_ID", n->page);
  env_add(&e, "SIREN_CONTACT", n->contact);
  env_add(&e, "SIREN_CHANNEL", n->channel);
  env_add(&e, "SIREN_CHANNEL_TYPE", n->channel_type);
  env_add(&e, "SIREN_ADDRESS", n->address);
  env_add(&e, "SIREN_SUBJECT", n->kind == SIREN_NOTIFY_PAGE ? n->subject : "");
  env_add(&e, "SIREN_CONTENT", n->kind == SIREN_NOTIFY_PAGE ? n->content : "");
  env_add(&e, "SIREN_CODE",
          n->kind == SIREN_NOTIFY_PAGE || n->kind == SIREN_NOTIFY_ACTIVATION_CODE ? n->code : "");
  env_add(&e, "SIREN_INCIDENT", n->kind == SIREN_NOTIFY_PAGE ? n->incident_id : "");
  env_addu(&e, "SIREN_INCIDENT_ID", n->incident);
  env_addu(&e, "SIREN_STAGE", n->stage);
  char t[32];
  snprintf(t, sizeof t, "%" PRId64, n->time);
  env_add(&e, "SIREN_TIME_MS", t);
  if (n->kind == SIREN_NOTIFY_CHAT || n->kind == SIREN_NOTIFY_TARGET) {
    env_add(&e, "SIREN_MESSAGE", n->message);
    env_add(&e, "SIREN_TEXT", n->text);
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, 2, 1); /* keep our stdout for JSON */
  pid_t pid;
  int rc = posix_spawnp(&pid, r->argv[0], &fa, NULL, r->argv, e.v);
  posix_spawn_file_actions_destroy(&fa);
  for (size_t i = 0; i < e.n; i++) free(e.v[i]);
  free(e.v);
  if (rc != 0) {
    snprintf(why, whycap, "%s: %s", r->argv[0], strerror(rc));
    return -1;
  }
  int64_t limit = mono_us() + a->deliver_timeout_ms * 1000;
  int status = 0, killed = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      snprintf(why, whycap, "waitpid: %s", strerror(errno));
      return -1;
    }
    if (!killed && mono_us() > limit) {
      kill(pid, SIGKILL);
      killed = 1;
    }
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  if (killed) {
    snprintf(why, whycap, "%s: timed out", r->argv[0]);
    return -1;
  }
  if (WIFEXITED(status)) {
    snprintf(why, whycap, "%s: exit %d", r->argv[0], WEXITSTATUS(status));
    return WEXITSTATUS(status);
  }
  snprintf(why, whycap, "%s: signal %d", r->argv[0], WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return -1;
}

static pending *push_pending(agent *a) {
  if (a->pend_count == a->pend_cap) {
    size_t cap = a->pend_cap ? a->pend_cap * 2 : 16;
    pending *p = realloc(a->pend, cap * sizeof *p);
    if (!p) return NULL;
    a->pend = p;
    a->pend_cap = cap;
  }
  pending *p = &a->pend[a->pend_count++];
  memset(p, 0, sizeof *p);
  return p;
}

/* ------------------------------------------------------------- callbacks */

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
  agent *a = ud;
  if (a->fatal) return -1;
  if (sqlite_store_append(a->ss, r, n)) {
    warn("store append failed: %s", sqlite_store_errmsg(a->ss));
    return -1;
  }
  return 0;
}

static int on_next(const void **r, size_t *n, void *ud) {
  agent *a = ud;
  if (sqlite_store_next(a->ss, r, n)) {
    warn("store read failed: %s", sqlite_store_errmsg(a->ss));
    return -1;
  }
  return 0;
}

static int on_log(int level, const char *msg, void *ud) {
  (void)ud;
  if (level <= SIREN_LOG_WARN) warn("siren: %s", msg);
  return 0;
}

static int sync_or_stop(agent *a) {
  if (a->fatal) return -1;
  if (sqlite_store_sync(a->ss) == 0) return 0;
  warn("store sync failed: %s; stopping", sqlite_store_errmsg(a->ss));
  a->fatal = 1;
  return -1;
}

static int on_notify(const siren_notification *n, void *ud) {
  agent *a = ud;
  if (n->kind == SIREN_NOTIFY_ACTION) {
    pending *p = push_pending(a);
    if (p) {
      p->kind = 2;
      p->id = n->execution;
      snprintf(p->step, sizeof p->step, "%s", n->step ? n->step : "");
      p->attempt = n->attempt;
    }
    return 0;
  }
  /* Group commit: what decided this is durable before it leaves. */
  if (sync_or_stop(a)) return -1;
  const char *kind = n->kind == SIREN_NOTIFY_PAGE              ? "page"
                     : n->kind == SIREN_NOTIFY_ACTIVATION_CODE ? "activation_code"
                     : n->kind == SIREN_NOTIFY_CHAT            ? "chat"
                                                               : "target";
  const char *type = n->kind == SIREN_NOTIFY_CHAT     ? "CHAT"
                     : n->kind == SIREN_NOTIFY_TARGET ? "TARGET"
                                                      : n->channel_type;
  const deliver_rule *r = rule_for(a, type ? type : "");
  int ok = 1;
  char why[300] = "printed on stdout";
  if (r) {
    int st = run_command(a, r, n, kind, why, sizeof why);
    ok = st == 0;
    j_begin("delivered");
    j_str("what", kind);
    j_uint("page", n->page);
    j_str("channel_type", type);
    j_str("contact", n->contact);
    j_bool("ok", ok);
    j_str("info", why);
    j_bool("repeat", a->opening);
    j_end();
  } else {
    j_begin(kind);
    j_uint("page", n->page);
    j_str("contact", n->contact);
    j_str("channel", n->channel);
    j_str("channel_type", n->channel_type);
    j_str("address", n->address);
    if (n->kind == SIREN_NOTIFY_PAGE) {
      j_str("subject", n->subject);
      j_str("code", n->code);
      j_str("incident_arn", n->incident_id);
      j_uint("stage", n->stage);
    }
    if (n->kind == SIREN_NOTIFY_CHAT || n->kind == SIREN_NOTIFY_TARGET) {
      j_str("message", n->message);
      j_str("text", n->text);
    }
    j_uint("incident", n->incident);
    j_bool("repeat", a->opening);
    j_end();
  }
  if (n->kind == SIREN_NOTIFY_PAGE) {
    pending *p = push_pending(a);
    if (p) {
      p->kind = 1;
      p->id = n->page;
      p->ok = ok;
      snprintf(p->info, sizeof p->info, "%s", why);
    }
  }
  return 0;
}

/* After every siren call: the receipts and action results gathered in the
 * callbacks (which cannot call the engine), then a sync. A receipt may fire
 * what fell due and queue more: the loop takes them too. */
static void after_call(agent *a) {
  for (size_t i = 0; i < a->pend_count && !a->fatal; i++) {
    pending p = a->pend[i];
    int rc;
    if (p.kind == 1)
      rc = siren_page_receipt(a->engine, p.id, p.ok ? SIREN_RECEIPT_SENT : SIREN_RECEIPT_ERROR,
                              p.info);
    else
      rc = siren_action_result(a->engine, p.id, p.step, p.attempt, NULL,
                               "cpu-agent runs no runbook actions");
    if (rc != SIREN_OK)
      warn("%s for %" PRIu64 ": %s (%s)", p.kind == 1 ? "receipt" : "action result", p.id,
           siren_strerror(rc), siren_errmsg(a->engine));
  }
  a->pend_count = 0;
  sync_or_stop(a);
}

/* ------------------------------------------------------------- /proc/stat */

typedef struct cpu_sample {
  uint64_t busy, total;
} cpu_sample;

static int read_stat(const char *path, cpu_sample *out) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int rc = -1;
  if (fgets(line, sizeof line, f) && strncmp(line, "cpu ", 4) == 0) {
    unsigned long long v[10] = {0};
    int k = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    if (k >= 4) {
      /* user nice system idle iowait irq softirq steal (guest is in user) */
      uint64_t total = 0;
      for (int i = 0; i < 8 && i < k; i++) total += v[i];
      out->total = total;
      out->busy = total - v[3] - (k > 4 ? v[4] : 0);
      rc = 0;
    }
  }
  fclose(f);
  return rc;
}

/* ------------------------------------------------------------- incidents */

static char trigger_arn[400];

static void find_open_incident(agent *a) {
  size_t total = 0;
  siren_incident_filter f = SIREN_INCIDENT_FILTER_INIT;
  f.statuses = 1u << SIREN_INCIDENT_OPEN;
  siren_incidents(NULL, 0, &total, a->engine, &f);
  if (!total) return;
  siren_id *ids = calloc(total, sizeof *ids);
  if (!ids) return;
  siren_incidents(ids, total, &total, a->engine, &f);
  for (size_t i = 0; i < total; i++) {
    siren_incident_info info = SIREN_INCIDENT_INFO_INIT;
    if (siren_incident_get(&info, a->engine, ids[i]) == SIREN_OK &&
        strcmp(info.trigger_source ? info.trigger_source : "", TRIGGER_SOURCE) == 0 &&
        strcmp(info.trigger_arn ? info.trigger_arn : "", trigger_arn) == 0)
      a->incident = ids[i];
  }
  free(ids);
}

static void trigger(agent *a, const char *plan, const char *host, double util,
                    double threshold, double window_s) {
  char raw[1024];
  char hostq[300];
  FILE *m = fmemopen(hostq, sizeof hostq, "w");
  if (m) {
    j_esc(m, host);
    fclose(m);
  } else {
    snprintf(hostq, sizeof hostq, "\"\"");
  }
  snprintf(raw, sizeof raw,
           "{\"metric\":\"CPUUtilization\",\"unit\":\"Percent\",\"value\":%.2f,"
           "\"threshold\":%.2f,\"windowSeconds\":%.3f,\"host\":%s}",
           util, threshold, window_s, hostq);
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = plan;
  ip.trigger_source = TRIGGER_SOURCE;
  ip.trigger_arn = trigger_arn;
  ip.trigger_raw_data = raw;
  siren_id id = 0;
  int dedup = 0;
  int rc = siren_incident_start(&id, &dedup, a->engine, &ip);
  char msg[300];
  snprintf(msg, sizeof msg, "%s", siren_errmsg(a->engine));
  after_call(a);
  if (rc != SIREN_OK && !(rc == SIREN_ECALLBACK && id)) {
    warn("starting an incident: %s (%s)", siren_strerror(rc), msg);
    return;
  }
  a->incident = id;
  siren_incident_info info = SIREN_INCIDENT_INFO_INIT;
  siren_incident_get(&info, a->engine, id);
  j_begin("incident");
  j_uint("incident", id);
  j_str("arn", info.arn);
  j_bool("deduplicated", dedup);
  j_uint("trigger_count", info.trigger_count);
  j_num("value", util);
  j_end();
}

static void resolve(agent *a, double util) {
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  siren_id id = a->incident;
  int rc = siren_incident_update(a->engine, id, &u);
  char msg[300];
  snprintf(msg, sizeof msg, "%s", siren_errmsg(a->engine));
  after_call(a);
  if (rc != SIREN_OK) {
    warn("resolving incident %" PRIu64 ": %s (%s)", id, siren_strerror(rc), msg);
    if (rc != SIREN_ECALLBACK) a->incident = 0;
    else return;
  }
  a->incident = 0;
  j_begin("resolved");
  j_uint("incident", id);
  j_num("value", util);
  j_end();
}

/* ------------------------------------------------------------- starting */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) die("out of memory");
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  fclose(f);
  *len = n;
  return buf;
}

static void load_config(agent *a, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t len = 0;
  char *text = read_file(path, &len);
  if (!text) die("%s: %s", path, strerror(errno));
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  int rc = siren_config_load(&res, a->engine, text, len);
  free(text);
  if (rc != SIREN_OK)
    die("%s: %s\n%s", path, siren_strerror(rc), siren_config_problems(a->engine));
  after_call(a);
}

static void load_runbooks(agent *a, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) die("%s: %s", dir, strerror(errno));
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0 || !strstr(de->d_name, "runbook"))
      continue;
    char name[256], path[4400];
    snprintf(name, sizeof name, "%.*s", (int)(l - 5), de->d_name);
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) die("%s: %s", path, strerror(errno));
    int rc = siren_runbook_load(a->engine, name, text, len);
    free(text);
    if (rc != SIREN_OK)
      die("%s: %s\n%s", path, siren_strerror(rc), siren_config_problems(a->engine));
    after_call(a);
  }
  closedir(d);
}

static void add_rule(agent *a, const char *spec) {
  const char *eq = strchr(spec, '=');
  if (!eq || eq == spec || !eq[1] || a->rule_count == MAX_DELIVER)
    die("--deliver TYPE=COMMAND (at most %d)", MAX_DELIVER);
  deliver_rule *r = &a->rules[a->rule_count++];
  snprintf(r->type, sizeof r->type, "%.*s", (int)(eq - spec), spec);
  r->buf = strdup(eq + 1);
  if (!r->buf) die("out of memory");
  int n = 0;
  for (char *tok = strtok(r->buf, " \t"); tok; tok = strtok(NULL, " \t")) {
    if (n == 31) die("--deliver %s: too many arguments", r->type);
    r->argv[n++] = tok;
  }
  r->argv[n] = NULL;
  if (!n) die("--deliver %s: empty command", r->type);
}

static double num_arg(const char *opt, const char *s, double lo, double hi) {
  char *end = NULL;
  double v = strtod(s, &end);
  if (end == s || *end || !(v >= lo && v <= hi)) die("%s must be %g-%g", opt, lo, hi);
  return v;
}

static void usage(FILE *to) {
  fputs("usage: cpu-agent --config-dir DIR --store sqlite:PATH [--plan NAME]\n"
        "         [--proc-stat PATH] [--interval-ms N] [--threshold PCT] [--window-s S]\n"
        "         [--deliver TYPE=COMMAND]... [--deliver-timeout-s S] [--minute-ms N]\n"
        "         [--host-name NAME] [--once] [--max-seconds S]\n",
        to);
}

int main(int argc, char **argv) {
  static agent a;
  const char *config = NULL, *store = NULL, *plan = "EC2HighCPU", *proc = "/proc/stat";
  const char *host_name = NULL;
  double interval_ms = 5000, threshold = 85, window_s = 300, max_s = 0;
  int once = 0;
  a.minute_ms = 60000;
  a.deliver_timeout_ms = 30000;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (strcmp(o, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(o, "--once") == 0) {
      once = 1;
      continue;
    }
    if (i + 1 >= argc) {
      usage(stderr);
      return 2;
    }
    const char *v = argv[++i];
    if (strcmp(o, "--config-dir") == 0) config = v;
    else if (strcmp(o, "--store") == 0) store = v;
    else if (strcmp(o, "--plan") == 0) plan = v;
    else if (strcmp(o, "--proc-stat") == 0) proc = v;
    else if (strcmp(o, "--interval-ms") == 0) interval_ms = num_arg(o, v, 10, 3600000);
    else if (strcmp(o, "--threshold") == 0) threshold = num_arg(o, v, 0, 100);
    else if (strcmp(o, "--window-s") == 0) window_s = num_arg(o, v, 0, 86400);
    else if (strcmp(o, "--deliver") == 0) add_rule(&a, v);
    else if (strcmp(o, "--deliver-timeout-s") == 0)
      a.deliver_timeout_ms = (int64_t)(num_arg(o, v, 0.01, 3600) * 1000);
    else if (strcmp(o, "--minute-ms") == 0) a.minute_ms = (int64_t)num_arg(o, v, 1, 86400000);
    else if (strcmp(o, "--host-name") == 0) host_name = v;
    else if (strcmp(o, "--max-seconds") == 0) max_s = num_arg(o, v, 0.001, 1e9);
    else {
      usage(stderr);
      return 2;
    }
  }
  if (!store || strncmp(store, "sqlite:", 7) != 0 || !store[7]) {
    usage(stderr);
    return 2;
  }
  if (siren_version_number() != SIREN_VERSION_NUMBER)
    die("built for siren %s, running with %s", SIREN_VERSION_STRING, siren_version());

  char hostbuf[256];
  if (!host_name) {
    if (gethostname(hostbuf, sizeof hostbuf)) snprintf(hostbuf, sizeof hostbuf, "localhost");
    hostbuf[sizeof hostbuf - 1] = '\0';
    host_name = hostbuf;
  }
  snprintf(trigger_arn, sizeof trigger_arn, "host:%s:cpu", host_name);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  char err[512];
  if (sqlite_store_open(&a.ss, store + 7, 0, NULL, err, sizeof err))
    die("--store %s: %s", store, err);

  siren_host host = SIREN_HOST_INIT;
  host.clock = on_clock;
  host.notify = on_notify;
  host.random = on_random;
  host.storage_append = on_append;
  host.storage_next = on_next;
  host.log = on_log;

  a.anchor_mono_us = mono_us();
  a.floor_ms = INT64_MIN;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  int first = sqlite_store_records(a.ss) == 0;
  if (!first) {
    a.opening = 1;
    int rc = siren_engine_open(&a.engine, &host, NULL, &a, &rep);
    a.opening = 0;
    if (!a.engine) die("siren_engine_open: %s", siren_strerror(rc));
    if (rep.stopped) {
      if (rep.stop_code != SIREN_ECORRUPT)
        die("%s: %s (%s): refusing to cut records a newer siren may have written", store,
            siren_strerror(rep.stop_code), rep.stop_reason);
      warn("replay stopped: %s; cutting the store to %" PRIu64 " records", rep.stop_reason,
           rep.records);
      if (sqlite_store_truncate(a.ss, rep.bytes))
        die("truncating: %s", sqlite_store_errmsg(a.ss));
    }
    int64_t now = real_ms();
    a.anchor_siren_ms = now > rep.last_time ? now : rep.last_time;
    a.floor_ms = rep.last_time;
    if (siren_response_plan_count(a.engine) == 0) {
      /* A first start killed while loading the configuration (the plan is
       * loaded last): start again from empty. */
      warn("%s holds no response plan: a first start that did not finish; starting afresh",
           store);
      siren_engine_free(a.engine);
      a.engine = NULL;
      if (sqlite_store_truncate(a.ss, 0)) die("emptying: %s", sqlite_store_errmsg(a.ss));
      first = 1;
    } else {
      after_call(&a); /* receipts for pages delivered again */
    }
  }
  if (first) {
    if (!config) die("first start on %s: --config-dir DIR is required", store);
    if (!a.anchor_siren_ms) a.anchor_siren_ms = real_ms();
    int rc = siren_engine_new(&a.engine, &host, NULL, &a);
    if (rc != SIREN_OK) die("siren_engine_new: %s", siren_strerror(rc));
    load_config(&a, config, "contacts.yaml");
    load_runbooks(&a, config);
    load_config(&a, config, "response-plan.yaml");
  }
  if (a.fatal) return 1;
  find_open_incident(&a);

  j_begin("ready");
  j_bool("first_start", first);
  j_uint("records", siren_engine_record_count(a.engine));
  j_uint("replayed", rep.records);
  j_uint("reannounced", rep.reannounced);
  j_uint("open_incident", a.incident);
  j_str("trigger_arn", trigger_arn);
  j_int("minute_ms", a.minute_ms);
  j_int("now_ms", siren_now(&a));
  j_end();

  /* The loop. State: the last reading, and since when utilisation has been
   * on its current side of the threshold. */
  cpu_sample prev = {0, 0};
  int have_prev = read_stat(proc, &prev) == 0;
  if (!have_prev) warn("%s: cannot read a cpu line", proc);
  int64_t start_us = mono_us();
  int64_t interval_us = (int64_t)(interval_ms * 1000);
  int64_t window_us = (int64_t)(window_s * 1e6);
  int64_t next_sample = start_us + interval_us;
  int side = 0;                 /* 1 high, -1 low, 0 unknown */
  int64_t side_since = 0;       /* mono µs of the first sample on this side */
  int64_t last_trigger = 0;     /* mono µs of our last trigger while high */
  int sampled = 0;
  while (!stop_flag && !a.fatal) {
    int64_t deadline = siren_engine_next_deadline(a.engine);
    if (deadline != SIREN_NO_DEADLINE && deadline <= siren_now(&a)) {
      int rc = siren_engine_advance(a.engine, NULL);
      if (rc != SIREN_OK) warn("advance: %s (%s)", siren_strerror(rc), siren_errmsg(a.engine));
      after_call(&a);
      if (rc != SIREN_OK && rc != SIREN_ECALLBACK) break;
      continue;
    }
    int64_t now = mono_us();
    if (max_s > 0 && now - start_us >= (int64_t)(max_s * 1e6)) break;
    if (once && sampled) break;
    if (now >= next_sample) {
      next_sample += interval_us;
      if (next_sample <= now) next_sample = now + interval_us;
      cpu_sample cur;
      if (read_stat(proc, &cur)) {
        warn("%s: cannot read a cpu line", proc);
        continue;
      }
      if (!have_prev || cur.total <= prev.total || cur.busy < prev.busy) {
        prev = cur; /* the first reading, or counters reset */
        have_prev = 1;
        continue;
      }
      double util = 100.0 * (double)(cur.busy - prev.busy) / (double)(cur.total - prev.total);
      prev = cur;
      sampled = 1;
      int s = util > threshold ? 1 : -1;
      if (s != side) {
        side = s;
        side_since = now;
        last_trigger = 0;
        j_begin("sample");
        j_num("value", util);
        j_str("side", s > 0 ? "high" : "low");
        j_end();
      }
      int64_t held = now - side_since;
      if (side > 0 && held >= window_us && (!last_trigger || now - last_trigger >= window_us)) {
        last_trigger = now;
        trigger(&a, plan, host_name, util, threshold, window_s);
      } else if (side < 0 && held >= window_us && a.incident) {
        resolve(&a, util);
      }
      continue;
    }
    int64_t wake = next_sample;
    if (deadline != SIREN_NO_DEADLINE) {
      int64_t d = mono_for(&a, deadline);
      if (d < wake) wake = d;
    }
    if (max_s > 0) {
      int64_t end = start_us + (int64_t)(max_s * 1e6);
      if (end < wake) wake = end;
    }
    int64_t ms = (wake - now + 999) / 1000;
    int timeout = ms < 0 ? 0 : ms > MAX_POLL_MS ? MAX_POLL_MS : (int)ms;
    if (poll(NULL, 0, timeout) < 0 && errno != EINTR) die("poll: %s", strerror(errno));
  }
  if (a.fatal) return 1;
  uint64_t records = siren_engine_record_count(a.engine);
  siren_engine_free(a.engine);
  int rc = sqlite_store_close(a.ss);
  free(a.pend);
  for (int i = 0; i < a.rule_count; i++) free(a.rules[i].buf);
  j_begin("bye");
  j_uint("records", records);
  j_end();
  return rc ? 1 : 0;
}
