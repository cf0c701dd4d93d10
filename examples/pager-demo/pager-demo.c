/*
 * pager-demo — a complete siren host in one file.
 *
 * Replays the walkthrough from AWS's Incident Manager launch post on a
 * simulated clock that starts at 2026-01-05T09:00:00Z:
 *
 *   incident-responder, sr-incident-responder   (personal contacts)
 *     stage 1, 10 minutes: EMAIL      stage 2, 5 minutes: SMS
 *   app-escalation-plan                          (escalation contact)
 *     stage 1, 5 minutes: incident-responder     (essential)
 *     stage 2, 5 minutes: sr-incident-responder  (essential)
 *
 * An alarm engages app-escalation-plan ("EC2 CPU above 85%"). At minute 7
 * sr-incident-responder accepts the page it got at minute 5, with the accept
 * code that page carried, and the escalation stops. With --no-ack nobody
 * accepts and every channel is paged.
 *
 * Every decision siren reports (host->event) is printed as one line:
 *   2026-01-05T09:05:00.000Z page.sent contact=... channel=... type=...
 * and every message the host is asked to deliver (host->notify) as:
 *   -> EMAIL responder@example.com: [subject] (page N, code C)
 *
 * Only the public API is used: build it against an installed siren with
 *   cc -std=c11 pager-demo.c $(pkg-config --cflags --libs siren)
 *
 * SPDX-License-Identifier: MIT
 */
#include <siren/siren.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_MS INT64_C(60000)
#define MAX_CODES 16
#define MAX_PAGES 64

/* Everything the host keeps; given to siren as user_data. */
typedef struct demo {
  int64_t now; /* the simulated clock, ms since the epoch */
  /* Activation codes as they were "delivered"; a person would type them in. */
  struct {
    char contact[64], channel[64], code[16];
  } codes[MAX_CODES];
  size_t code_count;
  /* Pages as they were delivered: the id and the accept code they carried. */
  struct {
    siren_id id;
    char contact[64], code[16];
  } pages[MAX_PAGES];
  size_t page_count;
} demo;

/* ------------------------------------------------------------ time format */

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * civil_from_days), so that no time zone of the machine gets involved. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* The inverse: a date to days since 1970-01-01. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

/* Formats ms since the epoch as RFC 3339 UTC: 2026-01-05T09:05:00.000Z. */
static const char *rfc3339(int64_t ms, char buf[64]) {
  int64_t days = ms / 86400000, rem = ms % 86400000;
  if (rem < 0) {
    rem += 86400000;
    days--;
  }
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  snprintf(buf, 64, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d.%03dZ", y, mo, d, (int)(rem / 3600000),
           (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
  return buf;
}

/* --------------------------------------------------------- host callbacks */

static int on_clock(int64_t *now_ms, void *user_data) {
  *now_ms = ((demo *)user_data)->now;
  return 0;
}

static void keep(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

/* A real host would send the e-mail or SMS here (or queue it and report the
 * outcome later with siren_page_receipt()). The strings are valid only during
 * the call, so copy what you keep. */
static int on_notify(const siren_notification *n, void *user_data) {
  demo *dm = user_data;
  if (n->kind == SIREN_NOTIFY_ACTIVATION_CODE) {
    printf("-> %s %s: activation code %s\n", n->channel_type, n->address, n->code);
    if (dm->code_count < MAX_CODES) {
      keep(dm->codes[dm->code_count].contact, sizeof dm->codes[0].contact, n->contact);
      keep(dm->codes[dm->code_count].channel, sizeof dm->codes[0].channel, n->channel);
      keep(dm->codes[dm->code_count].code, sizeof dm->codes[0].code, n->code);
      dm->code_count++;
    }
    return 0;
  }
  printf("-> %s %s: [%s] (page %" PRIu64 ", code %s)\n", n->channel_type, n->address, n->subject,
         (uint64_t)n->page, n->code);
  if (dm->page_count < MAX_PAGES) {
    dm->pages[dm->page_count].id = n->page;
    keep(dm->pages[dm->page_count].contact, sizeof dm->pages[0].contact, n->contact);
    keep(dm->pages[dm->page_count].code, sizeof dm->pages[0].code, n->code);
    dm->page_count++;
  }
  return 0;
}

/* Prints one decision. Members that do not apply are 0, "" or -1. */
static int on_event(const siren_event *ev, void *user_data) {
  char t[64];
  (void)user_data;
  printf("%s %s", rfc3339(ev->time, t), siren_event_type_name(ev->type));
  if (ev->contact && *ev->contact) printf(" contact=%s", ev->contact);
  if (ev->channel && *ev->channel) printf(" channel=%s", ev->channel);
  if (ev->channel_type && *ev->channel_type) printf(" type=%s", ev->channel_type);
  if (ev->engagement) printf(" engagement=%" PRIu64, (uint64_t)ev->engagement);
  if (ev->page) printf(" page=%" PRIu64, (uint64_t)ev->page);
  if (ev->related) printf(" related=%" PRIu64, (uint64_t)ev->related);
  if (ev->stage >= 0) printf(" stage=%d", (int)ev->stage);
  if (ev->type == SIREN_EVENT_PAGE_ACCEPTED || ev->type == SIREN_EVENT_CONTACT_ENGAGED)
    printf(" essential=%d", ev->essential);
  if (ev->type == SIREN_EVENT_ENGAGEMENT_COMPLETED) printf(" acknowledged=%d", ev->acknowledged);
  if (ev->incident_id && *ev->incident_id) printf(" incident=%s", ev->incident_id);
  if (ev->reason && *ev->reason) printf(" reason=\"%s\"", ev->reason);
  printf("\n");
  return 0;
}

/* ------------------------------------------------------------- the setup */

static siren_engine *engine;

/* Exits with a message when a siren call fails. */
static void check(int rc, const char *what) {
  if (rc == SIREN_OK) return;
  fprintf(stderr, "pager-demo: %s: %s (%s)\n", what, siren_strerror(rc), siren_errmsg(engine));
  siren_engine_free(engine);
  exit(1);
}

/* A personal contact with an EMAIL channel (stage 1, 10 minutes) and an SMS
 * channel (stage 2, 5 minutes). Each channel gets an activation code through
 * notify; here the "person" reads it back at once. */
static void add_responder(demo *dm, const char *alias, const char *name, const char *email,
                          const char *phone) {
  char mail[64], sms[64];
  snprintf(mail, sizeof mail, "%s-email", alias);
  snprintf(sms, sizeof sms, "%s-sms", alias);
  check(siren_contact_create(engine, alias, name, SIREN_CONTACT_PERSONAL), "contact_create");
  check(siren_channel_create(engine, alias, mail, "EMAIL", email, 0), "channel_create");
  check(siren_channel_create(engine, alias, sms, "SMS", phone, 0), "channel_create");
  for (size_t i = 0; i < dm->code_count; i++)
    if (strcmp(dm->codes[i].contact, alias) == 0)
      check(siren_channel_activate(engine, alias, dm->codes[i].channel, dm->codes[i].code),
            "channel_activate");

  siren_target email_target = SIREN_TARGET_INIT, sms_target = SIREN_TARGET_INIT;
  email_target.channel = mail;
  email_target.retry_interval_minutes = 1; /* page again 1 minute after an ERROR receipt */
  sms_target.channel = sms;
  sms_target.retry_interval_minutes = 1;
  siren_stage stages[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  stages[0].duration_minutes = 10;
  stages[0].target_count = 1;
  stages[0].targets = &email_target;
  stages[1].duration_minutes = 5;
  stages[1].target_count = 1;
  stages[1].targets = &sms_target;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 2;
  plan.stages = stages;
  check(siren_contact_set_plan(engine, alias, &plan), "contact_set_plan");
}

/* app-escalation-plan: incident-responder for 5 minutes, then
 * sr-incident-responder for 5 minutes; either one's acceptance stops it. */
static void add_escalation(void) {
  check(siren_contact_create(engine, "app-escalation-plan", "App escalation plan",
                             SIREN_CONTACT_ESCALATION),
        "contact_create");
  siren_target first = SIREN_TARGET_INIT, second = SIREN_TARGET_INIT;
  first.contact = "incident-responder";
  first.essential = 1;
  second.contact = "sr-incident-responder";
  second.essential = 1;
  siren_stage stages[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  stages[0].duration_minutes = 5;
  stages[0].target_count = 1;
  stages[0].targets = &first;
  stages[1].duration_minutes = 5;
  stages[1].target_count = 1;
  stages[1].targets = &second;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 2;
  plan.stages = stages;
  check(siren_contact_set_plan(engine, "app-escalation-plan", &plan), "contact_set_plan");
}

/* sr-incident-responder accepts the latest page it received, with its code. */
static void accept_latest(demo *dm, const char *contact) {
  for (size_t i = dm->page_count; i-- > 0;)
    if (strcmp(dm->pages[i].contact, contact) == 0) {
      check(siren_page_accept(engine, dm->pages[i].id, SIREN_ACCEPT_READ, dm->pages[i].code,
                              SIREN_ACCEPT_ENFORCE, "looking at it"),
            "page_accept");
      return;
    }
  fprintf(stderr, "pager-demo: %s has no page to accept\n", contact);
  siren_engine_free(engine);
  exit(1);
}

int main(int argc, char **argv) {
  int ack = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--no-ack") == 0) {
      ack = 0;
    } else {
      fprintf(stderr, "usage: %s [--no-ack]\n", argv[0]);
      return strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  if (siren_version_number() != SIREN_VERSION_NUMBER) {
    fprintf(stderr, "pager-demo: built for siren %s, running with %s\n", SIREN_VERSION_STRING,
            siren_version());
    return 1;
  }

  static demo dm; /* zeroed */
  const int64_t t0 = days_from_civil(2026, 1, 5) * 86400000 + 9 * 3600000; /* 09:00:00Z */
  dm.now = t0;

  siren_host host = SIREN_HOST_INIT;
  host.clock = on_clock;
  host.notify = on_notify;
  host.event = on_event;
  /* No host.random: siren then uses a fixed sequence for codes, which keeps
   * this demo's output stable. A production host must supply one. No
   * host.storage_append: the engine lives in memory only. */
  check(siren_engine_new(&engine, &host, NULL, &dm), "engine_new");

  char t[64];
  printf("# siren %s pager demo, simulated clock from %s%s\n", siren_version(), rfc3339(t0, t),
         ack ? "" : ", nobody accepts");
  add_responder(&dm, "incident-responder", "Incident responder", "responder@example.com",
                "+12065550100");
  add_responder(&dm, "sr-incident-responder", "Senior incident responder",
                "sr-responder@example.com", "+12065550101");
  add_escalation();

  siren_engagement_params params = SIREN_ENGAGEMENT_PARAMS_INIT;
  params.contact = "app-escalation-plan";
  params.sender = "cpu-monitor";
  params.subject = "EC2 CPU above 85%";
  params.content = "i-0abc1234: CPUUtilization above 85% for 5 minutes";
  params.incident_id = "cpu-incident-1";
  siren_id engagement = 0;
  check(siren_engagement_start(&engagement, engine, &params), "engagement_start");

  /* The host loop: sleep until the next deadline (here: jump the simulated
   * clock to it), then let siren fire what is due. Anything the host does in
   * between, such as a responder accepting at minute 7, is just a call. */
  const int64_t accept_at = t0 + 7 * MINUTE_MS;
  int accept_pending = ack;
  for (;;) {
    int64_t deadline = siren_engine_next_deadline(engine);
    if (accept_pending && accept_at < deadline) {
      dm.now = accept_at;
      accept_latest(&dm, "sr-incident-responder");
      accept_pending = 0;
      continue;
    }
    if (deadline == SIREN_NO_DEADLINE) break;
    if (deadline > dm.now) dm.now = deadline;
    check(siren_engine_advance(engine, NULL), "engine_advance");
  }

  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  check(siren_engagement_get(&info, engine, engagement), "engagement_get");
  printf("# engagement %" PRIu64 " %s at %s, %s, %" PRIu32 " pages\n", (uint64_t)info.id,
         info.state == SIREN_ENGAGEMENT_COMPLETED ? "completed"
         : info.state == SIREN_ENGAGEMENT_STOPPED ? "stopped"
                                                  : "active",
         rfc3339(info.stop_time, t), info.acknowledged ? "acknowledged" : "not acknowledged",
         info.page_count);
  siren_engine_free(engine);
  return 0;
}
