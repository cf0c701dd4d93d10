/*
 * Replay speed (meson test --benchmark): how fast siren_engine_open() rebuilds an
 * engine from its records.
 *
 * Workload: N open incidents (default 100000), each started from a response
 * plan that engages one personal contact with two channels, so every
 * incident carries an engagement, two pages and a pending stage timer. The
 * records are written once, then read back:
 *   baseline  siren_record_check() over every record (length, version,
 *             CRC-32C): the cost of just touching and verifying the bytes;
 *   replay    siren_engine_open() on the same bytes.
 * Prints records/s of both, their ratio, the time to reopen N incidents and
 * the bytes per record. A second workload, paging, is N engagements of a
 * two-stage plan run to the end (mostly timer firings, the most common record
 * of a long-running engine). Targets (issue 6): replay >= 1M records/s, 100k
 * incidents reopened in < 0.5 s.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siren/siren.h"

typedef struct host {
  int64_t now;
  uint8_t *buf;
  size_t len, cap, off;
  uint64_t records;
} host;

static int cb_clock(int64_t *now, void *ud) {
  *now = ((host *)ud)->now;
  return 0;
}
static int cb_notify(const siren_notification *n, void *ud) {
  (void)n, (void)ud;
  return 0;
}
static int cb_append(const void *rec, size_t len, void *ud) {
  host *h = ud;
  if (h->len + len > h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 1 << 20;
    while (cap < h->len + len) cap *= 2;
    uint8_t *p = realloc(h->buf, cap);
    if (!p) return -1;
    h->buf = p;
    h->cap = cap;
  }
  memcpy(h->buf + h->len, rec, len);
  h->len += len;
  h->records++;
  return 0;
}
static size_t rec_len(const uint8_t *p) {
  return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}
static int cb_next(const void **rec, size_t *len, void *ud) {
  host *h = ud;
  *rec = NULL;
  if (h->off >= h->len) return 0;
  *rec = h->buf + h->off;
  *len = rec_len(h->buf + h->off);
  h->off += *len;
  return 0;
}

static double now_s(void);

/* Baseline: records/s of siren_record_check() over a stream (best of three). */
static double check_rate(const host *h) {
  double best = 1e9;
  for (int run = 0; run < 3; run++) {
    double t0 = now_s();
    for (size_t off = 0; off < h->len;) {
      size_t len = rec_len(h->buf + off);
      if (siren_record_check(h->buf + off, len, NULL) != SIREN_OK) exit(1);
      off += len;
    }
    double s = now_s() - t0;
    if (s < best) best = s;
  }
  return (double)h->records / best;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int rc, siren_engine *e, const char *what) {
  if (rc == SIREN_OK) return;
  fprintf(stderr, "%s: %s (%s)\n", what, siren_strerror(rc), siren_errmsg(e));
  exit(1);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  host h;
  memset(&h, 0, sizeof h);
  h.now = INT64_C(1767603600000);
  siren_host sh;
  siren_host_init(&sh, SIREN_HOST_VERSION);
  sh.clock = cb_clock;
  sh.notify = cb_notify;
  sh.storage_append = cb_append;
  sh.storage_next = cb_next;
  siren_engine *e = NULL;
  check(siren_engine_new(&e, &sh, NULL, &h), e, "new");
  check(siren_contact_create(e, "oncall", NULL, SIREN_CONTACT_PERSONAL), e, "contact");
  check(siren_channel_create(e, "oncall", "mail", "EMAIL", "oncall@example.com", SIREN_CHANNEL_ACTIVATED), e, "mail");
  check(siren_channel_create(e, "oncall", "sms", "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED), e, "sms");
  siren_target t[2] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  t[0].channel = "mail";
  t[1].channel = "sms";
  siren_stage st = SIREN_STAGE_INIT;
  st.duration_minutes = 30;
  st.target_count = 2;
  st.targets = t;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 1;
  plan.stages = &st;
  check(siren_contact_set_plan(e, "oncall", &plan), e, "plan");
  static const char *const eng[] = {"oncall"};
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  rp.name = "HostDown";
  rp.title = "Host down";
  rp.impact = 2;
  rp.engagement_count = 1;
  rp.engagements = eng;
  check(siren_response_plan_create(e, &rp), e, "response plan");
  double w0 = now_s();
  for (long i = 0; i < n; i++) {
    char arn[64];
    snprintf(arn, sizeof arn, "arn:aws:ec2:us-east-1:111122223333:instance/i-%08lx", i);
    siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
    ip.response_plan = "HostDown";
    ip.trigger_source = "aws.ec2";
    ip.trigger_arn = arn;
    siren_id id = 0;
    check(siren_incident_start(&id, NULL, e, &ip), e, "incident");
  }
  double write_s = now_s() - w0;
  siren_engine_free(e);

  /* Baseline: verify every record's frame and checksum. */
  double b0 = now_s();
  uint64_t checked = 0;
  for (size_t off = 0; off < h.len;) {
    size_t len = rec_len(h.buf + off);
    if (siren_record_check(h.buf + off, len, NULL) != SIREN_OK) {
      fprintf(stderr, "record %llu does not check\n", (unsigned long long)checked);
      return 1;
    }
    off += len;
    checked++;
  }
  double base_s = now_s() - b0;

  /* Replay: the best of three. */
  double best = 1e9;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  for (int run = 0; run < 3; run++) {
    h.off = 0;
    double r0 = now_s();
    check(siren_engine_open(&e, &sh, NULL, &h, &rep), e, "open");
    double s = now_s() - r0;
    if (s < best) best = s;
    if (rep.records != h.records || rep.stopped) {
      fprintf(stderr, "replay read %llu of %llu records\n", (unsigned long long)rep.records,
              (unsigned long long)h.records);
      return 1;
    }
    size_t total = 0;
    check(siren_incidents(NULL, 0, &total, e, NULL), e, "incidents");
    if (total != (size_t)n) {
      fprintf(stderr, "reopened %zu incidents, want %ld\n", total, n);
      return 1;
    }
    siren_engine_free(e);
  }
  double base_rate = (double)checked / base_s, replay_rate = (double)h.records / best;
  uint64_t incident_records = h.records;
  size_t incident_bytes = h.len;

  /* Paging workload: engagements whose stages fire, then replay. */
  h.len = 0;
  h.records = 0;
  h.off = 0;
  check(siren_engine_new(&e, &sh, NULL, &h), e, "new");
  check(siren_contact_create(e, "oncall", NULL, SIREN_CONTACT_PERSONAL), e, "contact");
  check(siren_channel_create(e, "oncall", "mail", "EMAIL", "oncall@example.com", SIREN_CHANNEL_ACTIVATED), e, "mail");
  check(siren_channel_create(e, "oncall", "sms", "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED), e, "sms");
  siren_stage two[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  two[0].duration_minutes = 5;
  two[0].target_count = 1;
  two[0].targets = &t[0];
  two[1].duration_minutes = 5;
  two[1].target_count = 1;
  two[1].targets = &t[1];
  plan.stage_count = 2;
  plan.stages = two;
  check(siren_contact_set_plan(e, "oncall", &plan), e, "plan");
  long pn = n / 5 > 0 ? n / 5 : 1;
  for (long i = 0; i < pn; i++) {
    siren_engagement_params ep = SIREN_ENGAGEMENT_PARAMS_INIT;
    ep.contact = "oncall";
    ep.sender = "bench";
    ep.subject = "disk full";
    ep.content = "disk full on a host";
    siren_id id = 0;
    check(siren_engagement_start(&id, e, &ep), e, "engage");
  }
  h.now += 11 * 60000;
  uint32_t fired = 0;
  check(siren_engine_advance(e, &fired), e, "advance");
  siren_engine_free(e);
  double pbest = 1e9;
  for (int run = 0; run < 3; run++) {
    h.off = 0;
    double r0 = now_s();
    check(siren_engine_open(&e, &sh, NULL, &h, &rep), e, "open");
    double s = now_s() - r0;
    if (s < pbest) pbest = s;
    if (rep.records != h.records || rep.stopped) return 1;
    siren_engine_free(e);
  }
  double paging_rate = (double)h.records / pbest, paging_base = check_rate(&h);
  h.records = incident_records;
  h.len = incident_bytes;
  printf("workload: %ld open incidents, %llu records, %.1f bytes/record, written in %.3f s\n", n,
         (unsigned long long)h.records, (double)h.len / (double)h.records, write_s);
  printf("baseline (siren_record_check): %.0f records/s\n", base_rate);
  printf("replay (siren_engine_open):    %.0f records/s  = %.3fx baseline\n", replay_rate,
         replay_rate / base_rate);
  printf("reopen %ld incidents: %.3f s (target < 0.5 s at 100k)\n", n, best);
  printf("paging workload: %ld engagements, %u timer firings: replay %.0f records/s = %.3fx "
         "baseline (target >= 1M records/s: %s)\n",
         pn, fired, paging_rate, paging_rate / paging_base, paging_rate >= 1e6 ? "yes" : "no");
  free(h.buf);
  return 0;
}
