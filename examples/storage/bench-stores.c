/*
 * Group commit vs a sync per append, on the example stores.
 *
 * usage: bench-stores DIR [SECONDS]    (SECONDS per measurement, default 2)
 *
 * raw: records of 96 bytes (about a siren record's average size in the
 * ec2-high-cpu walkthrough) appended with an fdatasync/COMMIT each, then in
 * bursts of 4, 16 and 64 with one sync per burst, then never synced (the
 * ceiling). siren: a host that follows pagerd's rules (sync in notify before
 * delivering, and after every siren call; a SENT receipt for every page)
 * starts engagements in a loop; reported as records/s and commands/s, with
 * the records each sync covered on average. "group + outbox" is the variant
 * where notify only queues a message and the host delivers the queue after
 * the call returns and one sync: the same guarantee, one sync per call.
 *
 * Run it on the file systems you care about: a tmpfs (where fdatasync is
 * free) and the disk the host will really use.
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE

#include <siren/siren.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file_store.h"
#ifdef HAVE_SQLITE
#include "sqlite_store.h"
#endif

typedef struct bstore {
  const char *name;
  int (*open)(void **s, const char *path, unsigned int flags);
  int (*append)(void *s, const void *r, size_t n);
  int (*sync)(void *s);
  uint64_t (*syncs)(void *s);
  int (*close)(void *s);
  unsigned int sync_each;
} bstore;

static int f_open(void **s, const char *path, unsigned int flags) {
  char err[256];
  int rc = file_store_open((file_store **)s, path, flags, NULL, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  return rc;
}
static int f_append(void *s, const void *r, size_t n) { return file_store_append(s, r, n); }
static int f_sync(void *s) { return file_store_sync(s); }
static uint64_t f_syncs(void *s) { return file_store_syncs(s); }
static int f_close(void *s) { return file_store_close(s); }
static const bstore file_b = {"file", f_open, f_append, f_sync, f_syncs, f_close,
                              FILE_STORE_SYNC_EACH};
#ifdef HAVE_SQLITE
static int q_open(void **s, const char *path, unsigned int flags) {
  char err[256];
  int rc = sqlite_store_open((sqlite_store **)s, path, flags, NULL, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  return rc;
}
static int q_append(void *s, const void *r, size_t n) { return sqlite_store_append(s, r, n); }
static int q_sync(void *s) { return sqlite_store_sync(s); }
static uint64_t q_syncs(void *s) { return sqlite_store_syncs(s); }
static int q_close(void *s) { return sqlite_store_close(s); }
static const bstore sqlite_b = {"sqlite", q_open, q_append, q_sync, q_syncs, q_close,
                                SQLITE_STORE_SYNC_EACH};
#endif

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fresh(const bstore *b, const char *dir, char *path, size_t cap) {
  snprintf(path, cap, "%s/bench-%s.%s", dir, b->name, b->name[0] == 'f' ? "log" : "db");
  char side[4200];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

/* burst 0: a sync per append (the store's SYNC_EACH); -1: never synced. */
static void bench_raw(const bstore *b, const char *dir, int burst, double seconds) {
  char path[4096];
  fresh(b, dir, path, sizeof path);
  void *s = NULL;
  if (b->open(&s, path, burst == 0 ? b->sync_each : 0)) exit(1);
  uint8_t rec[96];
  memset(rec, 0xa5, sizeof rec);
  uint64_t n = 0, syncs0 = b->syncs(s);
  double t0 = now_s(), t;
  do {
    int k = burst > 0 ? burst : 16;
    for (int i = 0; i < k; i++, n++) {
      rec[0] = (uint8_t)n;
      if (b->append(s, rec, sizeof rec)) exit(1);
    }
    if (burst > 0 && b->sync(s)) exit(1);
    t = now_s();
  } while (t - t0 < seconds);
  uint64_t syncs = b->syncs(s) - syncs0;
  char label[32];
  if (burst == 0) snprintf(label, sizeof label, "sync per append");
  else if (burst < 0) snprintf(label, sizeof label, "never synced");
  else snprintf(label, sizeof label, "group of %d", burst);
  printf("  %-6s raw    %-17s %10.0f records/s  (%llu records, %llu syncs)\n", b->name, label,
         (double)n / (t - t0), (unsigned long long)n, (unsigned long long)syncs);
  b->close(s);
  unlink(path);
}

/* ------------------------------------------------------ the siren workload */

typedef struct host {
  const bstore *b;
  void *store;
  int64_t now;
  int outbox;   /* notify only queues; delivery after the call's one sync */
  siren_id pending[16];
  size_t npending;
} host;

static int on_clock(int64_t *now, void *ud) {
  *now = ((host *)ud)->now;
  return 0;
}
static int on_append(const void *r, size_t n, void *ud) {
  host *h = ud;
  return h->b->append(h->store, r, n);
}
static int on_notify(const siren_notification *n, void *ud) {
  host *h = ud;
  if (!h->outbox && h->b->sync(h->store)) return -1; /* durable before it leaves */
  if (n->kind == SIREN_NOTIFY_PAGE && h->npending < 16) h->pending[h->npending++] = n->page;
  return 0;
}

/* pagerd's rule: receipts for what notify delivered, then a sync. With the
 * outbox: one sync for the call's records, then delivery (here: nothing),
 * then the receipts, which ride along with the next call's sync (a receipt
 * lost to a power failure only makes a restart announce that page again). */
static void after_call(host *h, siren_engine *e) {
  if (h->outbox && h->b->sync(h->store)) exit(1);
  for (size_t i = 0; i < h->npending; i++)
    siren_page_receipt(e, h->pending[i], SIREN_RECEIPT_SENT, NULL);
  h->npending = 0;
  if (!h->outbox && h->b->sync(h->store)) exit(1);
}

static const char CONFIG[] =
    "contacts:\n"
    "  - Alias: oncall\n"
    "    Type: PERSONAL\n"
    "    ContactChannels:\n"
    "      - {Name: mail, Type: EMAIL, DeliveryAddress: {SimpleAddress: a@example.com},"
    " ActivationStatus: ACTIVATED}\n"
    "      - {Name: sms, Type: SMS, DeliveryAddress: {SimpleAddress: \"+12065550100\"},"
    " ActivationStatus: ACTIVATED}\n"
    "    Plan:\n"
    "      Stages:\n"
    "        - DurationInMinutes: 5\n"
    "          Targets:\n"
    "            - {ChannelTargetInfo: {ContactChannelId: mail, RetryIntervalInMinutes: 1}}\n"
    "            - {ChannelTargetInfo: {ContactChannelId: sms, RetryIntervalInMinutes: 1}}\n";

/* mode 0: a sync per append; 1: group commit, sync in notify and after each
 * call; 2: group commit with an outbox (one sync per call). */
static void bench_siren(const bstore *b, const char *dir, int mode, double seconds) {
  char path[4096];
  fresh(b, dir, path, sizeof path);
  host h;
  memset(&h, 0, sizeof h);
  h.b = b;
  h.now = INT64_C(1767603600000);
  h.outbox = mode == 2;
  if (b->open(&h.store, path, mode == 0 ? b->sync_each : 0)) exit(1);
  siren_host sh = SIREN_HOST_INIT;
  sh.clock = on_clock;
  sh.notify = on_notify;
  sh.storage_append = on_append;
  siren_engine *e = NULL;
  if (siren_engine_new(&e, &sh, NULL, &h) ||
      siren_config_load(NULL, e, CONFIG, sizeof CONFIG - 1) != SIREN_OK)
    exit(1);
  after_call(&h, e);
  uint64_t rec0 = siren_engine_record_count(e), syncs0 = b->syncs(h.store), commands = 0;
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "oncall";
  p.sender = "bench";
  p.subject = "disk full";
  p.content = "/var at 100%";
  double t0 = now_s(), t;
  do {
    siren_id id = 0;
    if (siren_engagement_start(&id, e, &p) != SIREN_OK) exit(1);
    after_call(&h, e); /* two SENT receipts, and a sync */
    commands += 3;
    h.now += 1000;
    t = now_s();
  } while (t - t0 < seconds);
  uint64_t records = siren_engine_record_count(e) - rec0, syncs = b->syncs(h.store) - syncs0;
  printf("  %-6s siren  %-17s %10.0f records/s  %8.0f commands/s  (%.1f records per sync)\n",
         b->name, mode == 0 ? "sync per append" : mode == 1 ? "group commit" : "group + outbox",
         (double)records / (t - t0),
         (double)commands / (t - t0), syncs ? (double)records / (double)syncs : 0.0);
  siren_engine_free(e);
  b->close(h.store);
  unlink(path);
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s DIR [SECONDS]\n", argv[0]);
    return 2;
  }
  double seconds = argc > 2 ? atof(argv[2]) : 2.0;
  if (seconds <= 0) seconds = 2.0;
  const bstore *all[] = {
      &file_b,
#ifdef HAVE_SQLITE
      &sqlite_b,
#endif
  };
  printf("bench-stores in %s, %.1f s per line\n", argv[1], seconds);
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    const int bursts[] = {0, 4, 16, 64, -1};
    for (size_t k = 0; k < sizeof bursts / sizeof bursts[0]; k++)
      bench_raw(all[i], argv[1], bursts[k], seconds);
    for (int mode = 0; mode < 3; mode++) bench_siren(all[i], argv[1], mode, seconds);
  }
  return 0;
}
