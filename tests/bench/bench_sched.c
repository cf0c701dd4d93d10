/*
 * Scheduling, memory and latency benchmarks (meson test --benchmark). Each prints
 * its figures and a ratio against a baseline measured in the same run.
 *
 *   bench_sched sched N    N engagements of a 2-stage escalation plan whose
 *                          contacts have 2 channels each, advanced through
 *                          every due firing with a null notify: firings/s,
 *                          against a bare binary-heap push/pop loop of the
 *                          same count (target >= 2M/s and >= 0.5x the heap);
 *                          below 100k, the median of several runs.
 *   bench_sched memory N   live bytes per open incident (its engagement,
 *                          runs, pages, timeline) counted through the
 *                          engine's allocator (target <= 1 KiB), against the
 *                          bytes of its stored records.
 *   bench_sched latency N  siren_incident_start() to the first notify
 *                          callback, p50/p99 over N incidents (target p99
 *                          <= 20 us), against the cost of a bare call of the
 *                          clock callback path (siren_engine_next_deadline).
 *   bench_sched runbook N  steps/s through a 100-step runbook of branches and
 *                          pauses, against read-only API calls.
 *   bench_sched oncall N   a weekly rotation (5 contacts, 2 on call, weekday
 *                          coverage, started 5 years back): shifts listed per
 *                          second over a year, siren_oncall() calls/s, and N
 *                          engagements through an ONCALL_SCHEDULE against N
 *                          of the same plan targeting a personal contact.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siren/siren.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct host {
  int64_t now;
  uint64_t notified;
  double first_notify; /* latency mode: when the first notify of a call came */
  int waiting_first;
  size_t live, peak;
} host;

static int cb_clock(int64_t *now, void *ud) {
  *now = ((host *)ud)->now;
  return 0;
}

static int cb_notify(const siren_notification *n, void *ud) {
  host *h = ud;
  (void)n;
  h->notified++;
  if (h->waiting_first) {
    h->first_notify = now_s();
    h->waiting_first = 0;
  }
  return 0;
}

/* A counting allocator: a size header in front of every block. */
static void *cb_alloc(size_t n, void *ud) {
  host *h = ud;
  size_t *p = malloc(n + sizeof(size_t) * 2);
  if (!p) return NULL;
  p[0] = n;
  h->live += n;
  if (h->live > h->peak) h->peak = h->live;
  return p + 2;
}
static void *cb_realloc(void *q, size_t n, void *ud) {
  host *h = ud;
  if (!q) return cb_alloc(n, ud);
  size_t *p = (size_t *)q - 2;
  size_t old = p[0];
  size_t *r = realloc(p, n + sizeof(size_t) * 2);
  if (!r) return NULL;
  r[0] = n;
  h->live = h->live - old + n;
  if (h->live > h->peak) h->peak = h->live;
  return r + 2;
}
static void cb_free(void *q, void *ud) {
  host *h = ud;
  if (!q) return;
  size_t *p = (size_t *)q - 2;
  h->live -= p[0];
  free(p);
}

static void check(int rc, siren_engine *e, const char *what) {
  if (rc == SIREN_OK) return;
  fprintf(stderr, "%s: %s (%s)\n", what, siren_strerror(rc), siren_errmsg(e));
  exit(1);
}

static siren_engine *engine(host *h, int counting) {
  siren_host sh;
  siren_host_init(&sh, SIREN_HOST_VERSION);
  sh.clock = cb_clock;
  sh.notify = cb_notify;
  if (counting) {
    sh.mem_alloc = cb_alloc;
    sh.mem_realloc = cb_realloc;
    sh.mem_free = cb_free;
  }
  siren_options o;
  siren_options_init(&o, SIREN_OPTIONS_VERSION);
  o.max_stage_minutes = UINT32_MAX;
  siren_engine *e = NULL;
  check(siren_engine_new(&e, &sh, &o, h), e, "new");
  return e;
}

static void personal(siren_engine *e, const char *alias) {
  char mail[64], sms[64];
  snprintf(mail, sizeof mail, "%s-mail", alias);
  snprintf(sms, sizeof sms, "%s-sms", alias);
  check(siren_contact_create(e, alias, NULL, SIREN_CONTACT_PERSONAL), e, "contact");
  check(siren_channel_create(e, alias, mail, "EMAIL", "oncall@example.com", SIREN_CHANNEL_ACTIVATED), e, "mail");
  check(siren_channel_create(e, alias, sms, "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED), e, "sms");
  siren_target t[2] = {SIREN_TARGET_INIT, SIREN_TARGET_INIT};
  t[0].channel = mail;
  t[1].channel = sms;
  siren_stage st = SIREN_STAGE_INIT;
  st.duration_minutes = 5;
  st.target_count = 2;
  st.targets = t;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 1;
  plan.stages = &st;
  check(siren_contact_set_plan(e, alias, &plan), e, "plan");
}

static void escalation(siren_engine *e) {
  personal(e, "first");
  personal(e, "second");
  check(siren_contact_create(e, "esc", NULL, SIREN_CONTACT_ESCALATION), e, "esc");
  siren_target a = SIREN_TARGET_INIT, b = SIREN_TARGET_INIT;
  a.contact = "first";
  a.essential = 1;
  b.contact = "second";
  b.essential = 1;
  siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  st[0].duration_minutes = 5;
  st[0].target_count = 1;
  st[0].targets = &a;
  st[1].duration_minutes = 5;
  st[1].target_count = 1;
  st[1].targets = &b;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 2;
  plan.stages = st;
  check(siren_contact_set_plan(e, "esc", &plan), e, "esc plan");
}

/* ------------------------------------------------------------- baseline */

typedef struct item {
  int64_t due;
  uint64_t seq;
} item;

static int before(const item *a, const item *b) {
  return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

/* A bare binary heap: push count items (staggered dues), pop them all. */
static double heap_rate(size_t count) {
  item *h = malloc(count * sizeof *h);
  if (!h) exit(1);
  double t0 = now_s();
  size_t n = 0;
  uint64_t s = 88172645463325252ull;
  for (size_t k = 0; k < count; k++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    item it = {(int64_t)(s % 600000), k};
    size_t i = n++;
    while (i > 0 && before(&it, &h[(i - 1) / 2])) {
      h[i] = h[(i - 1) / 2];
      i = (i - 1) / 2;
    }
    h[i] = it;
  }
  volatile int64_t sink = 0;
  while (n) {
    sink += h[0].due;
    item last = h[--n];
    size_t i = 0;
    for (;;) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      const item *best = &last;
      if (l < n && before(&h[l], best)) {
        m = l;
        best = &h[l];
      }
      if (r < n && before(&h[r], best)) m = r;
      if (m == i) break;
      h[i] = h[m];
      i = m;
    }
    if (n) h[i] = last;
  }
  double s_ = now_s() - t0;
  if (sink == -1) fputs("", stderr); /* keeps the pops from being optimised away */
  free(h);
  return (double)count / s_;
}

/* ----------------------------------------------------------------- modes */

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One run: n engagements started, then every firing of the next hour. */
static void sched_once(long n, double *rate, uint32_t *fired_out, uint64_t *pages,
                       double *start_rate) {
  host h;
  memset(&h, 0, sizeof h);
  h.now = INT64_C(1767603600000);
  siren_engine *e = engine(&h, 0);
  escalation(e);
  double t0 = now_s();
  for (long i = 0; i < n; i++) {
    siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
    p.contact = "esc";
    p.sender = "bench";
    p.subject = "disk full";
    p.content = "disk full";
    siren_id id = 0;
    check(siren_engagement_start(&id, e, &p), e, "engage");
  }
  *start_rate = (double)n / (now_s() - t0);
  h.now += 60 * 60000;
  uint64_t before_n = h.notified;
  t0 = now_s();
  uint32_t fired = 0;
  check(siren_engine_advance(e, &fired), e, "advance");
  *rate = (double)fired / (now_s() - t0);
  *fired_out = fired;
  *pages = h.notified - before_n;
  siren_engine_free(e);
}

/* A run at 1k engagements lasts about a millisecond: one scheduler tick or
 * fault burst moves it by half. Small sizes are run several times (each on
 * a new engine; later runs reuse the memory earlier ones freed) and the
 * median rate is reported, the heap baseline likewise. */
static int sched(long n) {
  enum { MAX_REPS = 101 };
  int reps = n >= 100000 ? 1 : n >= 10000 ? 11 : MAX_REPS;
  double rates[MAX_REPS], bases[MAX_REPS], start_rate = 0;
  uint32_t fired = 0;
  uint64_t pages = 0;
  for (int k = 0; k < reps; k++) {
    sched_once(n, &rates[k], &fired, &pages, &start_rate);
    bases[k] = heap_rate(fired);
  }
  qsort(rates, (size_t)reps, sizeof rates[0], cmp_d);
  qsort(bases, (size_t)reps, sizeof bases[0], cmp_d);
  double rate = rates[reps / 2], base = bases[reps / 2];
  printf("sched %ld engagements: started at %.0f/s; %u firings (%llu pages) per run, %d run%s\n",
         n, start_rate, fired, (unsigned long long)pages, reps, reps == 1 ? "" : "s (medians)");
  printf("sched %ld: %.0f firings/s = %.3fx a bare heap push+pop (%.0f/s); per firing %.0f ns\n", n,
         rate, rate / base, base, 1e9 / rate);
  return 0;
}

static int memory(long n) {
  host h;
  memset(&h, 0, sizeof h);
  h.now = INT64_C(1767603600000);
  siren_engine *e = engine(&h, 1);
  personal(e, "oncall");
  static const char *const eng[] = {"oncall"};
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  rp.name = "HostDown";
  rp.title = "Host down";
  rp.impact = 2;
  rp.engagement_count = 1;
  rp.engagements = eng;
  check(siren_response_plan_create(e, &rp), e, "plan");
  size_t base = h.live;
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
  double per = (double)(h.live - base) / (double)n;
  printf("memory %ld open incidents (1 engagement, 2 pages, 4 timeline events each): %.0f bytes "
         "per incident (target <= 1024), peak %.1f MiB; record stream would be ~%.0f bytes each: "
         "%.2fx\n",
         n, per, (double)h.peak / 1048576.0, 135.0, per / 135.0);
  siren_engine_free(e);
  return 0;
}


static int latency(long n) {
  host h;
  memset(&h, 0, sizeof h);
  h.now = INT64_C(1767603600000);
  siren_engine *e = engine(&h, 0);
  personal(e, "oncall");
  static const char *const eng[] = {"oncall"};
  siren_response_plan rp = SIREN_RESPONSE_PLAN_INIT;
  rp.name = "HostDown";
  rp.title = "Host down";
  rp.impact = 2;
  rp.engagement_count = 1;
  rp.engagements = eng;
  check(siren_response_plan_create(e, &rp), e, "plan");
  double *lat = malloc((size_t)n * sizeof *lat), *bl = malloc((size_t)n * sizeof *bl);
  if (!lat || !bl) return 1;
  for (long i = 0; i < n; i++) {
    char arn[64];
    snprintf(arn, sizeof arn, "arn:aws:ec2:us-east-1:111122223333:instance/i-%08lx", i);
    siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
    ip.response_plan = "HostDown";
    ip.trigger_source = "aws.ec2";
    ip.trigger_arn = arn;
    siren_id id = 0;
    h.waiting_first = 1;
    double t0 = now_s();
    check(siren_incident_start(&id, NULL, e, &ip), e, "incident");
    lat[i] = (h.first_notify - t0) * 1e6;
    t0 = now_s();
    (void)siren_engine_next_deadline(e);
    bl[i] = (now_s() - t0) * 1e6;
  }
  qsort(lat, (size_t)n, sizeof *lat, cmp_d);
  qsort(bl, (size_t)n, sizeof *bl, cmp_d);
  double p50 = lat[n / 2], p99 = lat[(size_t)((double)n * 0.99)];
  double p999 = lat[(size_t)((double)n * 0.999)], max = lat[n - 1];
  double b50 = bl[n / 2], b99 = bl[(size_t)((double)n * 0.99)];
  printf("latency over %ld incidents, StartIncident to first notify: p50 %.2f us, p99 %.2f us "
         "(target p99 <= 20 us); p99.9 %.1f us, max %.1f us\n",
         n, p50, p99, p999, max);
  printf("baseline siren_engine_next_deadline(): p50 %.3f us, p99 %.3f us; ratio p50 %.0fx\n", b50,
         b99, p50 / (b50 > 0 ? b50 : 1e-9));
  free(lat);
  free(bl);
  siren_engine_free(e);
  return 0;
}

/* Steps/s through a 100-step runbook: 50 branches, each followed by a pause
 * that a Resume signal ends; against the same number of read-only calls
 * (siren_execution_get), the cost of crossing the API at all. */
static int runbook(long n) {
  host h;
  memset(&h, 0, sizeof h);
  h.now = INT64_C(1767603600000);
  siren_engine *e = engine(&h, 0);
  static char doc[64 * 1024];
  size_t o = (size_t)snprintf(doc, sizeof doc,
                              "schemaVersion: '0.3'\nparameters:\n  Mode: {type: String, default: fast}\n"
                              "mainSteps:\n");
  for (int k = 0; k < 50; k++)
    o += (size_t)snprintf(doc + o, sizeof doc - o,
                          "  - name: b%d\n    action: aws:branch\n    inputs:\n      Choices:\n"
                          "        - {NextStep: p%d, Variable: '{{ Mode }}', StringEquals: fast}\n"
                          "  - name: p%d\n    action: aws:pause\n    inputs: {}\n",
                          k, k, k);
  check(siren_runbook_load(e, "steps", doc, o), e, "load");
  double t0 = now_s();
  uint64_t steps = 0;
  for (long i = 0; i < n; i++) {
    siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
    p.runbook = "steps";
    siren_id x = 0;
    check(siren_execution_start(&x, e, &p), e, "start");
    for (int k = 0; k < 50; k++)
      check(siren_execution_signal(e, x, SIREN_SIGNAL_RESUME, NULL, NULL, NULL), e, "resume");
    steps += 100;
  }
  double s = now_s() - t0;
  t0 = now_s();
  siren_execution_info info = SIREN_EXECUTION_INFO_INIT;
  for (uint64_t i = 0; i < steps; i++) check(siren_execution_get(&info, e, 1), e, "get");
  double q = now_s() - t0;
  double rate = (double)steps / s, qrate = (double)steps / q;
  printf("runbook: %ld executions of 100 steps (50 branches, 50 pauses resumed): %.0f steps/s; "
         "a read-only API call runs at %.0f/s, so a step costs %.1f calls\n",
         n, rate, qrate, qrate / rate);
  siren_engine_free(e);
  return 0;
}

static double engage_rate(siren_engine *e, host *h, const char *contact, long n) {
  double t0 = now_s();
  for (long i = 0; i < n; i++) {
    siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
    p.contact = contact;
    p.sender = "bench";
    p.subject = "disk full";
    p.content = "disk full";
    siren_id id = 0;
    check(siren_engagement_start(&id, e, &p), e, "engage");
  }
  (void)h;
  return (double)n / (now_s() - t0);
}

static int oncall(long n) {
  host h;
  memset(&h, 0, sizeof h);
  h.now = INT64_C(1767603600000); /* 2026-01-05T09:00Z, a Monday */
  siren_engine *e = engine(&h, 0);
  static const char *const who[] = {"p1", "p2", "p3", "p4", "p5"};
  for (int i = 0; i < 5; i++) personal(e, who[i]);
  siren_handoff ho = SIREN_HANDOFF_INIT;
  ho.day = SIREN_MON;
  ho.minute = 9 * 60;
  siren_coverage cov[5];
  for (uint32_t d = 0; d < 5; d++) {
    siren_coverage_init(&cov[d], SIREN_COVERAGE_VERSION);
    cov[d].day = SIREN_MON + d;
    cov[d].start_minute = 9 * 60;
    cov[d].end_minute = 17 * 60;
  }
  siren_rotation r = SIREN_ROTATION_INIT;
  r.name = "weekly";
  r.time_zone = "UTC";
  r.start_time = h.now - INT64_C(5) * 364 * 86400000;
  r.contact_count = 5;
  r.contacts = who;
  r.recurrence = SIREN_RECUR_WEEKLY;
  r.multiplier = 1;
  r.on_calls = 2;
  r.handoff_count = 1;
  r.handoffs = &ho;
  r.coverage_count = 5;
  r.coverages = cov;
  check(siren_rotation_create(e, &r), e, "rotation");
  check(siren_contact_create(e, "sched", NULL, SIREN_CONTACT_ONCALL_SCHEDULE), e, "schedule");
  const char *rots[] = {"weekly"};
  check(siren_schedule_set(e, "sched", rots, 1, 0), e, "schedule set");
  static siren_shift out[400];
  size_t total = 0;
  int reps = 20;
  double t0 = now_s();
  for (int i = 0; i < reps; i++)
    check(siren_rotation_shifts(out, 400, &total, e, "weekly", h.now, h.now + INT64_C(365) * 86400000),
          e, "shifts");
  double listed = (double)total * reps / (now_s() - t0);
  const char *oc[8];
  size_t k = 0;
  t0 = now_s();
  for (long i = 0; i < n; i++)
    check(siren_oncall(oc, 8, &k, e, "weekly", h.now + (int64_t)(i % 10080) * 60000), e, "oncall");
  double calls = (double)n / (now_s() - t0);
  /* Engagements during coverage, alternating so both see the same state. */
  h.now += 60 * 60000;
  double base = engage_rate(e, &h, "p1", n), through = engage_rate(e, &h, "sched", n);
  printf("oncall: %zu shifts in a year listed at %.0f shifts/s; siren_oncall %.0f calls/s\n",
         total, listed, calls);
  printf("oncall: %ld engagements through the schedule %.0f/s (2 contacts paged each) = %.2fx "
         "engaging a personal contact directly (%.0f/s)\n",
         n, through, through / base, base);
  siren_engine_free(e);
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "sched";
  long n = argc > 2 ? atol(argv[2]) : 1000;
  if (strcmp(mode, "sched") == 0) return sched(n);
  if (strcmp(mode, "memory") == 0) return memory(n);
  if (strcmp(mode, "latency") == 0) return latency(n);
  if (strcmp(mode, "runbook") == 0) return runbook(n);
  if (strcmp(mode, "oncall") == 0) return oncall(n);
  fprintf(stderr, "usage: bench_sched sched|memory|latency|runbook|oncall N\n");
  return 2;
}
