/*
 * Response plans, incidents, dedupe, resolution, acknowledgement timeout,
 * auto-resolve, maintenance windows, heartbeats, related items, timelines and
 * post-incident analysis, through the public API on the seed's contacts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testhost.h"

#define MIN INT64_C(60000)

static th_host th;

static siren_engine *setup_engine(void) {
  memset(&th, 0, sizeof th);
  siren_engine *e = th_engine(&th, 1, 0);
  th_seed(e, 1);
  return e;
}

static void teardown(siren_engine *e) {
  siren_engine_free(e);
  free(th.records);
  th.records = NULL;
}

static const char *const chat[] = {"slack:#ops"};
static const char *const targets[] = {"arn:aws:sns:us-east-1:111122223333:oncall"};
static const char *const engage_esc[] = {"app-escalation-plan"};

/* The walkthrough's response plan: engages the escalation plan, posts to one
 * chat channel and one SNS topic, runs the CPU runbook. */
static void fill_plan(siren_response_plan *p, siren_runbook_param *params) {
  siren_response_plan_init(p, SIREN_RESPONSE_PLAN_VERSION);
  p->name = "EC2HighCPU";
  p->display_name = "EC2 high CPU";
  p->title = "EC2 CPU above 85%";
  p->impact = 3;
  p->summary = "An instance of the web tier runs hot";
  p->chat_channel_count = 1;
  p->chat_channels = chat;
  p->notification_target_count = 1;
  p->notification_targets = targets;
  p->engagement_count = 1;
  p->engagements = engage_esc;
  p->runbook = "EC2-CPU-Runbook";
  static const char *const lvl[] = {"85"};
  siren_runbook_param_init(&params[0], SIREN_RUNBOOK_PARAM_VERSION);
  params[0].name = "IncidentArn";
  params[0].dynamic = SIREN_DYNAMIC_INCIDENT_RECORD_ARN;
  siren_runbook_param_init(&params[1], SIREN_RUNBOOK_PARAM_VERSION);
  params[1].name = "Resources";
  params[1].dynamic = SIREN_DYNAMIC_INVOLVED_RESOURCES;
  siren_runbook_param_init(&params[2], SIREN_RUNBOOK_PARAM_VERSION);
  params[2].name = "Threshold";
  params[2].value_count = 1;
  params[2].values = lvl;
  p->runbook_param_count = 3;
  p->runbook_params = params;
}

static siren_engine *with_plan(uint32_t ack_timeout, uint32_t auto_resolve) {
  siren_engine *e = setup_engine();
  siren_response_plan p;
  siren_runbook_param params[3];
  fill_plan(&p, params);
  p.ack_timeout_minutes = ack_timeout;
  p.auto_resolve_minutes = auto_resolve;
  if (siren_response_plan_create(e, &p) != SIREN_OK) fail_msg("%s", siren_errmsg(e));
  return e;
}

static siren_id start(siren_engine *e, const char *arn, int *merged) {
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "aws.cloudwatch";
  ip.trigger_arn = arn;
  ip.trigger_raw_data = "{\"alarmName\":\"cpu\"}";
  siren_id id = 0;
  int rc = siren_incident_start(&id, merged, e, &ip);
  if (rc != SIREN_OK) fail_msg("incident_start: %s", siren_errmsg(e));
  return id;
}

static const char *ALARM = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu";

/* The incident's timeline as "minute:type" joined by spaces. */
static const char *timeline_text(siren_engine *e, siren_id inc) {
  static char out[4096];
  siren_id ids[256];
  size_t n = 0;
  assert_int_equal(siren_timeline_events(ids, 256, &n, e, inc, NULL), SIREN_OK);
  out[0] = '\0';
  size_t len = 0;
  for (size_t i = 0; i < n && i < 256; i++) {
    siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
    assert_int_equal(siren_timeline_event_get(&ev, e, inc, ids[i]), SIREN_OK);
    len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld:%s", i ? " " : "",
                            (long long)((ev.event_time - TH_T0) / MIN), ev.event_type);
  }
  return out;
}

/* The data of the first timeline event of a type. */
static const char *event_data(siren_engine *e, siren_id inc, const char *type) {
  static char out[4096];
  siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
  f.event_type_count = 1;
  f.event_types = &type;
  siren_id id = 0;
  size_t n = 0;
  assert_int_equal(siren_timeline_events(&id, 1, &n, e, inc, &f), SIREN_OK);
  if (n == 0) return "";
  siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
  assert_int_equal(siren_timeline_event_get(&ev, e, inc, id), SIREN_OK);
  snprintf(out, sizeof out, "%s", ev.event_data);
  return out;
}

static size_t count_notices(siren_notify_kind kind, const char *message) {
  size_t n = 0;
  for (size_t i = 0; i < th.notice_count; i++)
    if (th.notices[i].kind == kind && (!message || strcmp(th.notices[i].message, message) == 0))
      n++;
  return n;
}

/* ------------------------------------------------------- response plans */

static void plan_round_trip(void **state) {
  (void)state;
  siren_engine *e = with_plan(15, 0);
  siren_response_plan got;
  siren_response_plan_init(&got, SIREN_RESPONSE_PLAN_VERSION);
  assert_int_equal(siren_response_plan_get(&got, e, "EC2HighCPU"), SIREN_OK);
  assert_string_equal(got.display_name, "EC2 high CPU");
  assert_string_equal(got.title, "EC2 CPU above 85%");
  assert_int_equal(got.impact, 3);
  assert_int_equal(got.chat_channel_count, 1);
  assert_string_equal(got.chat_channels[0], "slack:#ops");
  assert_string_equal(got.notification_targets[0], targets[0]);
  assert_string_equal(got.engagements[0], "app-escalation-plan");
  assert_string_equal(got.runbook, "EC2-CPU-Runbook");
  assert_int_equal(got.runbook_param_count, 3);
  assert_int_equal(got.runbook_params[0].dynamic, SIREN_DYNAMIC_INCIDENT_RECORD_ARN);
  assert_string_equal(got.runbook_params[2].values[0], "85");
  assert_int_equal(got.ack_timeout_minutes, 15);
  assert_int_equal(siren_response_plan_count(e), 1);
  assert_string_equal(siren_response_plan_name_at(e, 0), "EC2HighCPU");
  assert_null(siren_response_plan_name_at(e, 1));

  /* Update replaces; create of the same name is EEXISTS. */
  siren_response_plan p;
  siren_runbook_param params[3];
  fill_plan(&p, params);
  assert_int_equal(siren_response_plan_create(e, &p), SIREN_EEXISTS);
  p.impact = 1;
  p.chat_channel_count = 0;
  assert_int_equal(siren_response_plan_update(e, &p), SIREN_OK);
  assert_int_equal(siren_response_plan_get(&got, e, "EC2HighCPU"), SIREN_OK);
  assert_int_equal(got.impact, 1);
  assert_int_equal(got.chat_channel_count, 0);
  p.name = "Nope";
  assert_int_equal(siren_response_plan_update(e, &p), SIREN_ENOTFOUND);

  /* A contact a plan engages cannot be deleted; the plan can. */
  assert_int_equal(siren_contact_delete(e, "app-escalation-plan"), SIREN_ESTATE);
  assert_int_equal(siren_response_plan_delete(e, "EC2HighCPU"), SIREN_OK);
  assert_int_equal(siren_response_plan_get(&got, e, "EC2HighCPU"), SIREN_ENOTFOUND);
  assert_int_equal(siren_response_plan_count(e), 0);
  assert_int_equal(siren_contact_delete(e, "app-escalation-plan"), SIREN_OK);
  teardown(e);
}

static void plan_validation_names_the_field(void **state) {
  (void)state;
  siren_engine *e = setup_engine();
  size_t seed_records = th.record_count;
  siren_response_plan p;
  siren_runbook_param params[3];
  static const char *const unknown[] = {"incident-responder", "nobody"};
  static const char *const six[] = {"a", "b", "c", "d", "e", "f"};
  struct {
    const char *field;
    const char *msg;
  } cases[] = {
      {"name", "name must be"},
      {"impact", "impact must be 1-5"},
      {"title", "title must be"},
      {"engagements", "engagements[1]: no contact \"nobody\""},
      {"chat", "chat_channels: at most 5"},
      {"window", "maintenance[0]: start must be before end"},
      {"params", "runbook_params[1]: values and a dynamic value"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fill_plan(&p, params);
    siren_window w = SIREN_WINDOW_INIT;
    static const char *const v[] = {"x"};
    if (strcmp(cases[i].field, "name") == 0) p.name = "EC2 High CPU";
    if (strcmp(cases[i].field, "impact") == 0) p.impact = 6;
    if (strcmp(cases[i].field, "title") == 0) p.title = "";
    if (strcmp(cases[i].field, "engagements") == 0) {
      p.engagement_count = 2;
      p.engagements = unknown;
    }
    if (strcmp(cases[i].field, "chat") == 0) {
      p.chat_channel_count = 6;
      p.chat_channels = six;
    }
    if (strcmp(cases[i].field, "window") == 0) {
      w.start = w.end = TH_T0;
      p.maintenance_count = 1;
      p.maintenance = &w;
    }
    if (strcmp(cases[i].field, "params") == 0) {
      params[1].value_count = 1;
      params[1].values = v;
    }
    assert_int_equal(siren_response_plan_create(e, &p), SIREN_EINVAL);
    if (!strstr(siren_errmsg(e), cases[i].msg))
      fail_msg("%s: got \"%s\"", cases[i].field, siren_errmsg(e));
  }
  assert_int_equal(siren_response_plan_count(e), 0);
  assert_int_equal(th.record_count, seed_records);
  teardown(e);
}

/* ------------------------------------------------------------- lifecycle */

static void start_engages_posts_and_records(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  th_at_minute(&th, 0);
  int merged = -1;
  siren_id id = start(e, ALARM, &merged);
  assert_int_equal(id, 1);
  assert_int_equal(merged, 0);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_string_equal(inc.arn, "siren:incident/EC2HighCPU/1");
  assert_string_equal(inc.title, "EC2 CPU above 85%");
  assert_int_equal(inc.impact, 3);
  assert_int_equal(inc.status, SIREN_INCIDENT_OPEN);
  assert_int_equal(inc.creation_time, TH_T0);
  assert_string_equal(inc.trigger_source, "aws.cloudwatch");
  assert_string_equal(inc.trigger_raw_data, "{\"alarmName\":\"cpu\"}");
  assert_string_equal(inc.dedupe_string, "aws.cloudwatch:arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu");
  assert_int_equal(inc.engagement_count, 1);
  assert_string_equal(inc.runbook, "EC2-CPU-Runbook");
  /* One engagement of the escalation plan, its pages carry the incident. */
  siren_id en = 0;
  size_t total = 0;
  assert_int_equal(siren_incident_engagements(&en, 1, &total, e, id), SIREN_OK);
  assert_int_equal(total, 1);
  siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&ei, e, en), SIREN_OK);
  assert_string_equal(ei.contact, "app-escalation-plan");
  assert_string_equal(ei.incident_id, "siren:incident/EC2HighCPU/1");
  assert_string_equal(ei.sender, "EC2 high CPU");
  int pg = th_last_page(&th, "incident-responder", NULL);
  assert_true(pg >= 0);
  assert_int_equal(th.notices[pg].incident, id);
  /* "opened" went to the chat channel and the notification target. */
  assert_int_equal(count_notices(SIREN_NOTIFY_CHAT, "opened"), 1);
  assert_int_equal(count_notices(SIREN_NOTIFY_TARGET, "opened"), 1);
  for (size_t i = 0; i < th.notice_count; i++)
    if (th.notices[i].kind == SIREN_NOTIFY_CHAT) {
      assert_string_equal(th.notices[i].channel, "slack:#ops");
      assert_non_null(strstr(th.notices[i].text, "Incident 1 opened: EC2 CPU above 85%"));
    }
  assert_string_equal(timeline_text(e, id),
                      "0:incident.created 0:engagement.started 0:page.sent 0:runbook.pending");
  /* Dynamic parameters: the arn, and the trigger's arn as the involved resource. */
  assert_string_equal(event_data(e, id, "runbook.pending"),
                      "{\"runbook\":\"EC2-CPU-Runbook\",\"parameters\":{"
                      "\"IncidentArn\":[\"siren:incident/EC2HighCPU/1\"],"
                      "\"Resources\":[\"arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu\"],"
                      "\"Threshold\":[\"85\"]}}");
  /* Every record it wrote is a valid record. */
  size_t off = 0;
  while (off < th.records_len) {
    uint32_t len = (uint32_t)th.records[off] | (uint32_t)th.records[off + 1] << 8 |
                   (uint32_t)th.records[off + 2] << 16 | (uint32_t)th.records[off + 3] << 24;
    assert_int_equal(siren_record_check(th.records + off, len, NULL), SIREN_OK);
    off += len;
  }
  assert_int_equal(th_count_events(&th, SIREN_EVENT_INCIDENT_CREATED), 1);
  teardown(e);
}

static void escalation_goes_on_the_timeline(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id id = start(e, ALARM, NULL);
  th_run_until(&th, e, 60);
  assert_string_equal(timeline_text(e, id),
                      "0:incident.created 0:engagement.started 0:page.sent 0:runbook.pending "
                      "5:engagement.escalated 5:page.sent 10:page.sent 15:page.sent "
                      "20:engagement.completed");
  assert_string_equal(event_data(e, id, "engagement.completed"),
                      "{\"engagement\":1,\"contact\":\"app-escalation-plan\",\"acknowledged\":false}");
  assert_string_equal(event_data(e, id, "engagement.escalated"),
                      "{\"engagement\":1,\"contact\":\"app-escalation-plan\",\"stage\":1}");
  assert_int_equal(count_notices(SIREN_NOTIFY_CHAT, "escalated"), 1);
  teardown(e);
}

static void dedupe_merges_while_open(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id a = start(e, ALARM, NULL);
  size_t pages = th.notice_count;
  th_run_until(&th, e, 2);
  int merged = 0;
  siren_id b = start(e, ALARM, &merged);
  assert_int_equal(b, a);
  assert_int_equal(merged, 1);
  assert_int_equal(th.notice_count, pages); /* nothing new sent */
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, a), SIREN_OK);
  assert_int_equal(inc.trigger_count, 2);
  assert_int_equal(inc.last_trigger_time, TH_T0 + 2 * MIN);
  assert_int_equal(inc.engagement_count, 1);
  assert_non_null(strstr(timeline_text(e, a), "2:incident.deduplicated"));
  /* Another alarm is another incident. */
  siren_id c = start(e, "arn:aws:cloudwatch:us-east-1:111122223333:alarm:disk", &merged);
  assert_int_equal(c, 2);
  assert_int_equal(merged, 0);
  /* After resolving, the same alarm opens a new incident. */
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, a, &u), SIREN_OK);
  siren_id d = start(e, ALARM, &merged);
  assert_int_equal(d, 3);
  assert_int_equal(merged, 0);
  /* A trigger without an arn never merges (no dedupe string). */
  assert_int_equal(start(e, NULL, NULL), 4);
  assert_int_equal(start(e, NULL, NULL), 5);
  /* A repeated client token returns the first incident and sends nothing. */
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "manual";
  ip.client_token = "tok-1";
  siren_id t1 = 0, t2 = 0;
  assert_int_equal(siren_incident_start(&t1, NULL, e, &ip), SIREN_OK);
  size_t before = th.notice_count;
  uint64_t records = siren_engine_record_count(e);
  assert_int_equal(siren_incident_start(&t2, NULL, e, &ip), SIREN_OK);
  assert_int_equal(t1, t2);
  assert_int_equal(th.notice_count, before);
  assert_int_equal(siren_engine_record_count(e), records);
  teardown(e);
}

static void plan_dedupe_string_merges_across_alarms(void **state) {
  (void)state;
  siren_engine *e = setup_engine();
  siren_response_plan p;
  siren_runbook_param params[3];
  fill_plan(&p, params);
  p.dedupe_string = "web-tier";
  assert_int_equal(siren_response_plan_create(e, &p), SIREN_OK);
  siren_id a = start(e, ALARM, NULL);
  int merged = 0;
  assert_int_equal(start(e, "arn:aws:cloudwatch:us-east-1:111122223333:alarm:disk", &merged), a);
  assert_int_equal(merged, 1);
  teardown(e);
}

static void resolve_stops_pages(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id id = start(e, ALARM, NULL);
  th_run_until(&th, e, 7); /* stage 2 paged sr at 5 */
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS | SIREN_UPDATE_SUMMARY;
  u.status = SIREN_INCIDENT_RESOLVED;
  u.summary = "Autoscaling caught up";
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  th_run_until(&th, e, 120);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email");
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_RESOLVED);
  assert_int_equal(inc.resolved_time, TH_T0 + 7 * MIN);
  assert_string_equal(inc.summary, "Autoscaling caught up");
  assert_string_equal(inc.runbook, "");
  siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&ei, e, 1), SIREN_OK);
  assert_int_equal(ei.state, SIREN_ENGAGEMENT_STOPPED);
  assert_string_equal(ei.stop_reason, "incident resolved");
  assert_int_equal(count_notices(SIREN_NOTIFY_CHAT, "resolved"), 1);
  assert_non_null(strstr(timeline_text(e, id), "7:incident.updated 7:incident.resolved"));
  /* Resolving twice is a state error; reopening is explicit and re-dedupes. */
  u.fields = SIREN_UPDATE_STATUS;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_ESTATE);
  u.status = SIREN_INCIDENT_OPEN;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_OPEN);
  assert_int_equal(inc.resolved_time, 0);
  int merged = 0;
  assert_int_equal(start(e, ALARM, &merged), id);
  assert_int_equal(merged, 1);
  /* Reopening engages nobody. */
  th_run_until(&th, e, 180);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email");
  teardown(e);
}

static void impact_change_is_posted(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id id = start(e, ALARM, NULL);
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_IMPACT | SIREN_UPDATE_TITLE;
  u.impact = 1;
  u.title = "Checkout down";
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  assert_int_equal(count_notices(SIREN_NOTIFY_CHAT, "impact"), 1);
  int last = -1;
  for (size_t i = 0; i < th.notice_count; i++)
    if (strcmp(th.notices[i].message, "impact") == 0) last = (int)i;
  assert_string_equal(th.notices[last].text,
                      "Incident 1 impact changed from 3 Medium to 1 Critical: Checkout down");
  assert_string_equal(event_data(e, id, "incident.updated"),
                      "{\"fields\":[\"title\",\"impact\"],\"title\":\"Checkout down\","
                      "\"impact\":1,\"previousImpact\":3}");
  /* The event names the fields, comma-separated. */
  int ev = th_find_event(&th, SIREN_EVENT_INCIDENT_UPDATED, 0);
  assert_true(ev >= 0);
  assert_non_null(strstr(th.ev_lines[ev], ":title,impact"));
  u.fields = 0;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_EINVAL);
  u.fields = SIREN_UPDATE_IMPACT;
  u.impact = 9;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_EINVAL);
  assert_int_equal(siren_incident_update(e, 99, &u), SIREN_ENOTFOUND);
  teardown(e);
}

/* ------------------------------------------------------- beyond AWS */

static void ack_timeout_re_engages(void **state) {
  (void)state;
  siren_engine *e = with_plan(15, 0);
  siren_id id = start(e, ALARM, NULL);
  th_run_until(&th, e, 3);
  int i = th_last_page(&th, "incident-responder", NULL);
  assert_int_equal(siren_page_accept(e, th.notices[i].page, SIREN_ACCEPT_READ, th.notices[i].code,
                                     SIREN_ACCEPT_ENFORCE, NULL),
                   SIREN_OK);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.acknowledged, 1);
  assert_int_equal(count_notices(SIREN_NOTIFY_CHAT, "acknowledged"), 1);
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 18 * MIN);
  th_run_until(&th, e, 18);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "18:incident-responder/incident-responder-email");
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.engagement_count, 2);
  assert_int_equal(inc.acknowledged, 0);
  assert_non_null(strstr(timeline_text(e, id), "18:incident.reengaged 18:engagement.started"));
  /* Resolving cancels what the re-engagement would do next. */
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  th_run_until(&th, e, 120);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "18:incident-responder/incident-responder-email");
  teardown(e);
}

static void auto_resolve_restarts_on_new_trigger(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 30);
  siren_id id = start(e, ALARM, NULL);
  th_run_until(&th, e, 20);
  start(e, ALARM, NULL);
  th_run_until(&th, e, 49);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_OPEN);
  th_run_until(&th, e, 50);
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_RESOLVED);
  assert_int_equal(inc.resolved_time, TH_T0 + 50 * MIN);
  assert_string_equal(event_data(e, id, "incident.resolved"), "{\"reason\":\"auto-resolved\"}");
  /* Reopened, it resolves itself again after the same quiet time. */
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_OPEN;
  th_run_until(&th, e, 60);
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  th_run_until(&th, e, 89);
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_OPEN);
  th_run_until(&th, e, 90);
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_RESOLVED);
  assert_int_equal(inc.resolved_time, TH_T0 + 90 * MIN);
  teardown(e);
}

static void maintenance_window_engages_nobody(void **state) {
  (void)state;
  siren_engine *e = setup_engine();
  siren_response_plan p;
  siren_runbook_param params[3];
  fill_plan(&p, params);
  siren_window w = SIREN_WINDOW_INIT;
  w.start = TH_T0 + 10 * MIN;
  w.end = TH_T0 + 70 * MIN;
  p.maintenance_count = 1;
  p.maintenance = &w;
  assert_int_equal(siren_response_plan_create(e, &p), SIREN_OK);
  th_at_minute(&th, 10);
  siren_id a = start(e, ALARM, NULL);
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "");
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, a), SIREN_OK);
  assert_int_equal(inc.maintenance, 1);
  assert_int_equal(inc.engagement_count, 0);
  assert_string_equal(timeline_text(e, a), "10:incident.created 10:incident.maintenance 10:runbook.pending");
  /* After the window (end is exclusive), incidents engage again. */
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, a, &u), SIREN_OK);
  th_run_until(&th, e, 70);
  start(e, ALARM, NULL);
  assert_string_equal(th_pages_text(&th), "70:incident-responder/incident-responder-email");
  teardown(e);
}

static void missed_heartbeat_opens_and_beat_resolves(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_heartbeat hb = SIREN_HEARTBEAT_INIT;
  hb.name = "cpu-agent";
  hb.response_plan = "EC2HighCPU";
  hb.interval_minutes = 10;
  hb.resolve_on_beat = 1;
  assert_int_equal(siren_heartbeat_create(e, &hb), SIREN_OK);
  assert_int_equal(siren_heartbeat_create(e, &hb), SIREN_EEXISTS);
  th_run_until(&th, e, 5);
  assert_int_equal(siren_heartbeat_beat(e, "cpu-agent"), SIREN_OK);
  th_run_until(&th, e, 14);
  size_t total = 0;
  assert_int_equal(siren_incidents(NULL, 0, &total, e, NULL), SIREN_OK);
  assert_int_equal(total, 0);
  th_run_until(&th, e, 15);
  assert_int_equal(siren_incidents(NULL, 0, &total, e, NULL), SIREN_OK);
  assert_int_equal(total, 1);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, 1), SIREN_OK);
  assert_string_equal(inc.trigger_source, "siren.heartbeat");
  assert_string_equal(inc.trigger_arn, "siren:heartbeat/cpu-agent");
  assert_int_equal(inc.creation_time, TH_T0 + 15 * MIN);
  assert_string_equal(th_pages_text(&th), "15:incident-responder/incident-responder-email");
  siren_heartbeat got = SIREN_HEARTBEAT_INIT;
  assert_int_equal(siren_heartbeat_get(&got, e, "cpu-agent"), SIREN_OK);
  assert_int_equal(got.incident, 1);
  assert_int_equal(got.last_beat, TH_T0 + 5 * MIN);
  /* Silent heartbeats do not pile up incidents. */
  th_run_until(&th, e, 18);
  assert_int_equal(siren_heartbeat_beat(e, "cpu-agent"), SIREN_OK);
  assert_int_equal(siren_incident_get(&inc, e, 1), SIREN_OK);
  assert_int_equal(inc.status, SIREN_INCIDENT_RESOLVED);
  assert_string_equal(event_data(e, 1, "incident.resolved"), "{\"reason\":\"heartbeat resumed\"}");
  assert_string_equal(th_pages_text(&th), "15:incident-responder/incident-responder-email");
  /* A plan a heartbeat uses cannot be deleted; the heartbeat can. */
  assert_int_equal(siren_response_plan_delete(e, "EC2HighCPU"), SIREN_ESTATE);
  assert_int_equal(siren_heartbeat_delete(e, "cpu-agent"), SIREN_OK);
  th_run_until(&th, e, 100);
  assert_int_equal(siren_incidents(NULL, 0, &total, e, NULL), SIREN_OK);
  assert_int_equal(total, 1);
  assert_int_equal(siren_response_plan_delete(e, "EC2HighCPU"), SIREN_OK);
  teardown(e);
}

/* ------------------------------------------------------ timeline, items */

static void custom_events_filters_sort_paging(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id id = start(e, ALARM, NULL);
  th_run_until(&th, e, 30);
  siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
  in.event_type = "Note";
  in.event_time = TH_T0 + 2 * MIN;
  in.event_data = "Looked at the dashboard";
  static const char *const refs[] = {"dashboard:web"};
  in.reference_count = 1;
  in.references = refs;
  siren_id note = 0, custom = 0;
  assert_int_equal(siren_timeline_event_create(&note, e, id, &in), SIREN_OK);
  in.event_type = "Custom Event";
  in.event_time = 0; /* now: minute 30 */
  in.event_data = "Scaled out";
  in.reference_count = 0;
  assert_int_equal(siren_timeline_event_create(&custom, e, id, &in), SIREN_OK);
  in.event_type = "Alarm";
  siren_id bad = 9;
  assert_int_equal(siren_timeline_event_create(&bad, e, id, &in), SIREN_EINVAL);
  assert_int_equal(bad, 0);
  assert_string_equal(timeline_text(e, id),
                      "0:incident.created 0:engagement.started 0:page.sent 0:runbook.pending "
                      "2:Note 5:engagement.escalated 5:page.sent 10:page.sent 15:page.sent "
                      "20:engagement.completed 30:Custom Event");
  /* Filters: type OR type, AND time window, AND reference. */
  siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
  const char *types[] = {"page.sent", "Note"};
  f.event_type_count = 2;
  f.event_types = types;
  f.after = TH_T0;
  f.before = TH_T0 + 15 * MIN;
  siren_id ids[16];
  size_t n = 0;
  assert_int_equal(siren_timeline_events(ids, 16, &n, e, id, &f), SIREN_OK);
  assert_int_equal(n, 3); /* note at 2, pages at 5 and 10 */
  assert_int_equal(ids[0], note);
  f.descending = 1;
  assert_int_equal(siren_timeline_events(ids, 16, &n, e, id, &f), SIREN_OK);
  assert_int_equal(ids[2], note);
  f.skip = 2;
  assert_int_equal(siren_timeline_events(ids, 16, &n, e, id, &f), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ids[0], note);
  siren_timeline_filter byref = SIREN_TIMELINE_FILTER_INIT;
  const char *want[] = {"dashboard:web"};
  byref.reference_count = 1;
  byref.references = want;
  assert_int_equal(siren_timeline_events(ids, 16, &n, e, id, &byref), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ids[0], note);
  /* Paging with a small cap still reports the total. */
  assert_int_equal(siren_timeline_events(ids, 2, &n, e, id, NULL), SIREN_OK);
  assert_int_equal(n, 11);
  /* Update and delete custom events; automatic ones are read-only. */
  in.event_type = "Note";
  in.event_time = 0; /* keeps minute 2 */
  in.event_data = "Dashboard showed 99% CPU";
  assert_int_equal(siren_timeline_event_update(e, id, note, &in), SIREN_OK);
  siren_timeline_event got = SIREN_TIMELINE_EVENT_INIT;
  assert_int_equal(siren_timeline_event_get(&got, e, id, note), SIREN_OK);
  assert_string_equal(got.event_data, "Dashboard showed 99% CPU");
  assert_int_equal(got.event_time, TH_T0 + 2 * MIN);
  assert_int_equal(got.updated_time, TH_T0 + 30 * MIN);
  assert_int_equal(got.reference_count, 0);
  assert_int_equal(got.automatic, 0);
  assert_int_equal(siren_timeline_event_update(e, id, 1, &in), SIREN_ESTATE);
  assert_int_equal(siren_timeline_event_delete(e, id, 1), SIREN_ESTATE);
  assert_int_equal(siren_timeline_event_delete(e, id, custom), SIREN_OK);
  assert_int_equal(siren_timeline_event_get(&got, e, id, custom), SIREN_ENOTFOUND);
  assert_int_equal(siren_timeline_event_delete(e, id, custom), SIREN_ENOTFOUND);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.timeline_event_count, 10);
  teardown(e);
}

static void related_items_and_involved_resources(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_related_item items[2];
  siren_related_item_init(&items[0], SIREN_RELATED_ITEM_VERSION);
  items[0].type = SIREN_ITEM_INVOLVED_RESOURCE;
  items[0].value = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";
  items[0].title = "web-1";
  siren_related_item_init(&items[1], SIREN_RELATED_ITEM_VERSION);
  items[1].type = SIREN_ITEM_METRIC;
  items[1].value = "AWS/EC2 CPUUtilization InstanceId=i-0abc";
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "aws.cloudwatch";
  ip.related_item_count = 2;
  ip.related_items = items;
  siren_id id = 0;
  assert_int_equal(siren_incident_start(&id, NULL, e, &ip), SIREN_OK);
  assert_string_equal(event_data(e, id, "runbook.pending"),
                      "{\"runbook\":\"EC2-CPU-Runbook\",\"parameters\":{"
                      "\"IncidentArn\":[\"siren:incident/EC2HighCPU/1\"],"
                      "\"Resources\":[\"arn:aws:ec2:us-east-1:111122223333:instance/i-0abc\"],"
                      "\"Threshold\":[\"85\"]}}");
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.related_item_count, 2);
  siren_related_item got = SIREN_RELATED_ITEM_INIT;
  assert_int_equal(siren_incident_related_item_at(&got, e, id, 0), SIREN_OK);
  assert_int_equal(got.type, SIREN_ITEM_INVOLVED_RESOURCE);
  assert_string_equal(got.title, "web-1");
  /* Add, refuse a duplicate, remove. */
  siren_related_item doc = SIREN_RELATED_ITEM_INIT;
  doc.type = SIREN_ITEM_ATTACHMENT;
  doc.value = "https://wiki.example.com/runbooks/cpu";
  doc.title = "Runbook";
  assert_int_equal(siren_incident_add_related_item(e, id, &doc), SIREN_OK);
  assert_int_equal(siren_incident_add_related_item(e, id, &doc), SIREN_EEXISTS);
  assert_int_equal(siren_incident_remove_related_item(e, id, items[1].value), SIREN_OK);
  assert_int_equal(siren_incident_remove_related_item(e, id, items[1].value), SIREN_ENOTFOUND);
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.related_item_count, 2);
  assert_int_equal(siren_incident_related_item_at(&got, e, id, 1), SIREN_OK);
  assert_string_equal(got.value, "https://wiki.example.com/runbooks/cpu");
  /* Item events reference the item, so a reference filter finds them. */
  siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
  const char *want[] = {"AWS/EC2 CPUUtilization InstanceId=i-0abc"};
  f.reference_count = 1;
  f.references = want;
  size_t n = 0;
  assert_int_equal(siren_timeline_events(NULL, 0, &n, e, id, &f), SIREN_OK);
  assert_int_equal(n, 2); /* added at start, removed */
  doc.type = (siren_related_item_type)42;
  doc.value = "x";
  assert_int_equal(siren_incident_add_related_item(e, id, &doc), SIREN_EINVAL);
  teardown(e);
}

static void list_incidents_by_filter(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id a = start(e, NULL, NULL);
  th_run_until(&th, e, 10);
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "manual";
  ip.impact = 1;
  ip.title = "Checkout down";
  siren_id b = 0;
  assert_int_equal(siren_incident_start(&b, NULL, e, &ip), SIREN_OK);
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, a, &u), SIREN_OK);
  siren_incident_filter f = SIREN_INCIDENT_FILTER_INIT;
  siren_id ids[4];
  size_t n = 0;
  f.statuses = 1u << SIREN_INCIDENT_OPEN;
  assert_int_equal(siren_incidents(ids, 4, &n, e, &f), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ids[0], b);
  f.statuses = 0;
  f.impacts = (1u << 1) | (1u << 2);
  assert_int_equal(siren_incidents(ids, 4, &n, e, &f), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ids[0], b);
  f.impacts = 0;
  f.created_before = TH_T0 + 5 * MIN;
  assert_int_equal(siren_incidents(ids, 4, &n, e, &f), SIREN_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ids[0], a);
  assert_int_equal(siren_incidents(ids, 4, &n, e, NULL), SIREN_OK);
  assert_int_equal(n, 2);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, b), SIREN_OK);
  assert_string_equal(inc.title, "Checkout down");
  assert_int_equal(inc.impact, 1);
  teardown(e);
}

/* ------------------------------------------------------------- analysis */

static void analysis_freezes_the_timeline(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id id = start(e, ALARM, NULL);
  th_run_until(&th, e, 3);
  int i = th_last_page(&th, "incident-responder", NULL);
  assert_int_equal(siren_page_accept(e, th.notices[i].page, SIREN_ACCEPT_READ, NULL,
                                     SIREN_ACCEPT_IGNORE, NULL),
                   SIREN_OK);
  siren_id an = 0;
  assert_int_equal(siren_analysis_create(&an, e, id, NULL, 0), SIREN_ESTATE);
  th_run_until(&th, e, 40);
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  assert_int_equal(siren_analysis_create(&an, e, id, NULL, 0), SIREN_OK);
  siren_id again = 5;
  assert_int_equal(siren_analysis_create(&again, e, id, NULL, 0), SIREN_ESTATE);
  assert_int_equal(again, 0);
  siren_analysis_info ai = SIREN_ANALYSIS_INFO_INIT;
  assert_int_equal(siren_analysis_get(&ai, e, an), SIREN_OK);
  assert_int_equal(ai.incident, id);
  siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
  assert_int_equal(siren_incident_get(&inc, e, id), SIREN_OK);
  assert_int_equal(inc.analysis, an);
  assert_int_equal(ai.timeline_event_count, inc.timeline_event_count);
  assert_int_equal(ai.question_count, 10);
  /* The default template's four sections, in order. */
  const char *sections[] = {"Detection", "Diagnosis", "Mitigation", "Prevention"};
  size_t s = 0;
  for (uint32_t q = 0; q < ai.question_count; q++) {
    siren_question qq = SIREN_QUESTION_INIT;
    assert_int_equal(siren_analysis_question_at(&qq, e, an, q), SIREN_OK);
    if (strcmp(qq.section, sections[s]) != 0) assert_string_equal(qq.section, sections[++s]);
    assert_string_equal(qq.answer, "");
  }
  assert_int_equal(s, 3);
  /* Frozen: a note added afterwards is not in the analysis. */
  siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
  in.event_type = "Note";
  in.event_data = "later";
  siren_id note = 0;
  assert_int_equal(siren_timeline_event_create(&note, e, id, &in), SIREN_OK);
  assert_int_equal(siren_analysis_get(&ai, e, an), SIREN_OK);
  assert_int_equal(ai.timeline_event_count, inc.timeline_event_count);
  siren_timeline_event fz = SIREN_TIMELINE_EVENT_INIT;
  assert_int_equal(siren_analysis_timeline_at(&fz, e, an, 0), SIREN_OK);
  assert_string_equal(fz.event_type, "incident.created");
  assert_int_equal(fz.automatic, 1);
  int found = 0;
  for (uint32_t k = 0; k < ai.timeline_event_count; k++) {
    assert_int_equal(siren_analysis_timeline_at(&fz, e, an, k), SIREN_OK);
    if (strcmp(fz.event_type, "page.accepted") == 0) {
      assert_string_equal(fz.event_data,
                          "{\"page\":1,\"engagement\":1,\"contact\":\"incident-responder\","
                          "\"channel\":\"incident-responder-email\",\"channelType\":\"EMAIL\","
                          "\"essential\":true}");
      found = 1;
    }
  }
  assert_true(found);
  /* Answers and action items. */
  assert_int_equal(siren_analysis_answer(e, an, 0, "The CloudWatch alarm"), SIREN_OK);
  assert_int_equal(siren_analysis_answer(e, an, 99, "x"), SIREN_ENOTFOUND);
  siren_action_item item = SIREN_ACTION_ITEM_INIT;
  item.title = "Alarm on p99 latency too";
  item.owner = "sr-incident-responder";
  item.due_time = TH_T0 + 7 * 24 * 60 * MIN;
  uint32_t idx = 99;
  assert_int_equal(siren_analysis_add_action_item(&idx, e, an, &item), SIREN_OK);
  assert_int_equal(idx, 0);
  assert_int_equal(siren_analysis_get(&ai, e, an), SIREN_OK);
  assert_int_equal(ai.answered_count, 1);
  assert_int_equal(ai.open_action_item_count, 1);
  assert_int_equal(siren_analysis_set_action_item_status(e, an, 0, SIREN_ACTION_CLOSED), SIREN_OK);
  assert_int_equal(siren_analysis_set_action_item_status(e, an, 0, SIREN_ACTION_CLOSED), SIREN_ESTATE);
  siren_action_item got = SIREN_ACTION_ITEM_INIT;
  assert_int_equal(siren_analysis_action_item_at(&got, e, an, 0), SIREN_OK);
  assert_int_equal(got.status, SIREN_ACTION_CLOSED);
  assert_string_equal(got.owner, "sr-incident-responder");
  assert_int_equal(siren_analysis_get(&ai, e, an), SIREN_OK);
  assert_int_equal(ai.open_action_item_count, 0);
  teardown(e);
}

static void analysis_with_host_template(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  siren_id id = start(e, ALARM, NULL);
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  assert_int_equal(siren_incident_update(e, id, &u), SIREN_OK);
  siren_question q[2];
  siren_question_init(&q[0], SIREN_QUESTION_VERSION);
  q[0].section = "Customer impact";
  q[0].text = "Which customers noticed?";
  siren_question_init(&q[1], SIREN_QUESTION_VERSION);
  q[1].section = "Follow-up";
  q[1].text = "";
  siren_id an = 0;
  assert_int_equal(siren_analysis_create(&an, e, id, q, 2), SIREN_EINVAL);
  q[1].text = "Who tells them?";
  assert_int_equal(siren_analysis_create(&an, e, id, q, 2), SIREN_OK);
  siren_question got = SIREN_QUESTION_INIT;
  assert_int_equal(siren_analysis_question_at(&got, e, an, 1), SIREN_OK);
  assert_string_equal(got.section, "Follow-up");
  assert_string_equal(got.text, "Who tells them?");
  assert_int_equal(siren_analysis_question_at(&got, e, an, 2), SIREN_ENOTFOUND);
  teardown(e);
}

/* -------------------------------------------------------------- failure */

static void failed_storage_changes_nothing(void **state) {
  (void)state;
  siren_engine *e = with_plan(0, 0);
  th.fail_storage = -1;
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "manual";
  siren_id id = 7;
  assert_int_equal(siren_incident_start(&id, NULL, e, &ip), SIREN_ECALLBACK);
  assert_int_equal(id, 0);
  th.fail_storage = 0;
  size_t n = 9;
  assert_int_equal(siren_incidents(NULL, 0, &n, e, NULL), SIREN_OK);
  assert_int_equal(n, 0);
  assert_string_equal(th_pages_text(&th), "");
  assert_int_equal(siren_incident_start(&id, NULL, e, &ip), SIREN_OK);
  assert_int_equal(id, 1);
  teardown(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plan_round_trip),
      cmocka_unit_test(plan_validation_names_the_field),
      cmocka_unit_test(start_engages_posts_and_records),
      cmocka_unit_test(escalation_goes_on_the_timeline),
      cmocka_unit_test(dedupe_merges_while_open),
      cmocka_unit_test(plan_dedupe_string_merges_across_alarms),
      cmocka_unit_test(resolve_stops_pages),
      cmocka_unit_test(impact_change_is_posted),
      cmocka_unit_test(ack_timeout_re_engages),
      cmocka_unit_test(auto_resolve_restarts_on_new_trigger),
      cmocka_unit_test(maintenance_window_engages_nobody),
      cmocka_unit_test(missed_heartbeat_opens_and_beat_resolves),
      cmocka_unit_test(custom_events_filters_sort_paging),
      cmocka_unit_test(related_items_and_involved_resources),
      cmocka_unit_test(list_incidents_by_filter),
      cmocka_unit_test(analysis_freezes_the_timeline),
      cmocka_unit_test(analysis_with_host_template),
      cmocka_unit_test(failed_storage_changes_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
