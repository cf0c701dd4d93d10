/*
 * Allocation failure: the seed scenario (contacts, channels, activation,
 * plans, an engagement run for 20 minutes, receipts, an acceptance, previews,
 * a retry, a stop, listings) is run with the test host's allocator failing
 * allocation k, for k = 1, 2, ... until a run completes without reaching
 * allocation k. Every call that fails must return SIREN_ENOMEM and change
 * nothing observable; repeated once the allocator works, it must succeed, and
 * the whole run must then produce exactly what a run without failures
 * produces (pages, codes, events, records byte for byte). After
 * siren_engine_free no allocation may be left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testhost.h"

#define STEP_END 1000

typedef struct ctx {
  th_host *th;
  siren_engine *e;
  siren_id eng1, eng2;
  char log[65536];
  size_t log_len;
} ctx;

typedef enum { K_NEW, K_CMD, K_ADVANCE, K_QUERY } kind;

static void logf_(ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void logf_(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(c->log + c->log_len, sizeof c->log - c->log_len, fmt, ap);
  va_end(ap);
  assert_true(n >= 0 && (size_t)n < sizeof c->log - c->log_len);
  c->log_len += (size_t)n;
}

/* Advances through every deadline up to minutes (each advance may fail and
 * the step is then repeated: it continues where it stopped). */
static int run_until(ctx *c, double minutes) {
  int64_t end = TH_T0 + (int64_t)(minutes * 60000.0);
  for (;;) {
    int64_t d = siren_engine_next_deadline(c->e);
    if (d == SIREN_NO_DEADLINE || d > end) break;
    if (d > c->th->now) c->th->now = d;
    int rc = siren_engine_advance(c->e, NULL);
    if (rc) return rc;
  }
  if (end > c->th->now) c->th->now = end;
  return SIREN_OK;
}

static int personal(ctx *c, int sub, const char *alias) {
  char email[64], sms[64];
  snprintf(email, sizeof email, "%s-email", alias);
  snprintf(sms, sizeof sms, "%s-mobile", alias);
  switch (sub) {
  case 0: return siren_contact_create(c->e, alias, alias, SIREN_CONTACT_PERSONAL);
  case 1: return siren_channel_create(c->e, alias, email, "EMAIL", "responder@example.com", SIREN_CHANNEL_ACTIVATED);
  case 2: return siren_channel_create(c->e, alias, sms, "SMS", "+12065550100", SIREN_CHANNEL_ACTIVATED);
  default: return th_personal_plan(c->e, alias);
  }
}

static int engage(ctx *c, const char *contact, const char *token, siren_id *id) {
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = contact;
  p.sender = "cpu-monitor";
  p.subject = "EC2 CPU above 85%";
  p.content = "i-0abc: CPUUtilization 91% for 5 minutes";
  p.public_subject = "CPU alarm";
  p.incident_id = "cpu-incident-1";
  p.idempotency_token = token;
  return siren_engagement_start(id, c->e, &p);
}

static int last_notice(const ctx *c, siren_notify_kind kind, const char *contact) {
  for (size_t i = c->th->notice_count; i-- > 0;)
    if (c->th->notices[i].kind == kind && strcmp(c->th->notices[i].contact, contact) == 0) return (int)i;
  return -1;
}
/* (Action notices have contact "".) */

static int preview(ctx *c, const char *contact, const char *ack_contact, uint32_t minute) {
  siren_preview_page out[16];
  for (int i = 0; i < 16; i++) {
    siren_preview_page p = SIREN_PREVIEW_PAGE_INIT;
    out[i] = p;
  }
  siren_preview_ack a = SIREN_PREVIEW_ACK_INIT;
  a.contact = ack_contact;
  a.after_minutes = minute;
  size_t total = 0;
  int rc = siren_engagement_preview(out, 16, &total, c->e, contact, ack_contact ? &a : NULL, ack_contact ? 1 : 0);
  if (rc) return rc;
  logf_(c, "preview %s:", contact);
  for (size_t i = 0; i < total && i < 16; i++)
    logf_(c, " %lld/%s/%s", (long long)out[i].offset_ms, out[i].contact, out[i].channel);
  logf_(c, "\n");
  return SIREN_OK;
}

/* The incident half of the scenario: a response plan with chat, a target,
 * runbook parameters and an acknowledgement timeout; a heartbeat; an
 * incident, a merged trigger, an acceptance, related items, timeline events,
 * an update, the re-engagement, a missed heartbeat and its beat, resolution
 * and an analysis. */
static int incident_queries(ctx *c);

static int incident_step(ctx *c, int i, kind *k) {
  th_host *th = c->th;
  /* A build without runbooks (meson -Drunbooks=false) skips their steps. */
  if ((i == 19 || i == 20 || i == 22 || i == 24) &&
      !(siren_build_features() & SIREN_FEATURE_RUNBOOKS))
    return SIREN_OK;
  static const char *const chat[] = {"slack:#ops"};
  static const char *const targets[] = {"sns:oncall"};
  static const char *const engage_esc[] = {"app-escalation-plan"};
  static const char *const lvl[] = {"85"};
  switch (i) {
  case 0: {
    siren_runbook_param params[2];
    siren_runbook_param_init(&params[0], SIREN_RUNBOOK_PARAM_VERSION);
    params[0].name = "IncidentArn";
    params[0].dynamic = SIREN_DYNAMIC_INCIDENT_RECORD_ARN;
    siren_runbook_param_init(&params[1], SIREN_RUNBOOK_PARAM_VERSION);
    params[1].name = "Threshold";
    params[1].value_count = 1;
    params[1].values = lvl;
    siren_tag tag = SIREN_TAG_INIT;
    tag.key = "team";
    tag.value = "web";
    siren_response_plan p = SIREN_RESPONSE_PLAN_INIT;
    p.name = "EC2HighCPU";
    p.title = "EC2 CPU above 85%";
    p.impact = 3;
    p.chat_channel_count = 1;
    p.chat_channels = chat;
    p.notification_target_count = 1;
    p.notification_targets = targets;
    p.engagement_count = 1;
    p.engagements = engage_esc;
    p.runbook = "EC2-CPU-Runbook";
    p.runbook_param_count = 2;
    p.runbook_params = params;
    p.incident_tag_count = 1;
    p.incident_tags = &tag;
    p.ack_timeout_minutes = 10;
    return siren_response_plan_create(c->e, &p);
  }
  case 1: {
    siren_heartbeat hb = SIREN_HEARTBEAT_INIT;
    hb.name = "cpu-agent";
    hb.response_plan = "EC2HighCPU";
    hb.interval_minutes = 20;
    hb.resolve_on_beat = 1;
    return siren_heartbeat_create(c->e, &hb);
  }
  case 2:
  case 3: {
    siren_related_item item = SIREN_RELATED_ITEM_INIT;
    item.type = SIREN_ITEM_INVOLVED_RESOURCE;
    item.value = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";
    siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
    ip.response_plan = "EC2HighCPU";
    ip.trigger_source = "aws.cloudwatch";
    ip.trigger_arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu";
    ip.related_item_count = 1;
    ip.related_items = &item;
    siren_id id = 0;
    int merged = 0;
    int rc = siren_incident_start(&id, &merged, c->e, &ip);
    if (rc == SIREN_OK) logf_(c, "incident %llu merged %d\n", (unsigned long long)id, merged);
    return rc;
  }
  case 4: *k = K_ADVANCE; return run_until(c, 33);
  case 5: {
    int n = last_notice(c, SIREN_NOTIFY_PAGE, "incident-responder");
    return siren_page_accept(c->e, th->notices[n].page, SIREN_ACCEPT_READ, th->notices[n].code,
                             SIREN_ACCEPT_ENFORCE, "looking");
  }
  case 6: {
    siren_related_item item = SIREN_RELATED_ITEM_INIT;
    item.type = SIREN_ITEM_METRIC;
    item.value = "AWS/EC2 CPUUtilization";
    item.title = "CPU";
    return siren_incident_add_related_item(c->e, 1, &item);
  }
  case 7: {
    static const char *const refs[] = {"AWS/EC2 CPUUtilization"};
    siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
    in.event_type = "Note";
    in.event_data = "CPU pinned by a runaway cron job";
    in.reference_count = 1;
    in.references = refs;
    siren_id id = 0;
    int rc = siren_timeline_event_create(&id, c->e, 1, &in);
    if (rc == SIREN_OK) logf_(c, "note %llu\n", (unsigned long long)id);
    return rc;
  }
  case 8: {
    siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
    in.event_type = "Custom Event";
    in.event_data = "Killed the cron job";
    size_t n = 0;
    siren_id ids[64];
    int rc = siren_timeline_events(ids, 64, &n, c->e, 1, NULL);
    if (rc) return rc;
    siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
    for (size_t j = 0; j < n && j < 64; j++) {
      if ((rc = siren_timeline_event_get(&ev, c->e, 1, ids[j]))) return rc;
      if (!ev.automatic) return siren_timeline_event_update(c->e, 1, ids[j], &in);
    }
    return SIREN_ERROR;
  }
  case 9: {
    siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
    u.fields = SIREN_UPDATE_IMPACT | SIREN_UPDATE_TITLE | SIREN_UPDATE_CHAT_CHANNELS;
    u.impact = 2;
    u.title = "Web tier CPU saturated";
    u.chat_channel_count = 1;
    u.chat_channels = chat;
    return siren_incident_update(c->e, 1, &u);
  }
  case 10: *k = K_ADVANCE; return run_until(c, 50); /* ack timeout at 43, heartbeat miss at 40 */
  case 11: return siren_heartbeat_beat(c->e, "cpu-agent");
  case 12: return siren_incident_remove_related_item(c->e, 1, "AWS/EC2 CPUUtilization");
  case 13: {
    siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
    u.fields = SIREN_UPDATE_STATUS;
    u.status = SIREN_INCIDENT_RESOLVED;
    return siren_incident_update(c->e, 1, &u);
  }
  case 14: {
    siren_id an = 0;
    int rc = siren_analysis_create(&an, c->e, 1, NULL, 0);
    if (rc == SIREN_OK) logf_(c, "analysis %llu\n", (unsigned long long)an);
    return rc;
  }
  case 15: return siren_analysis_answer(c->e, 1, 0, "The CloudWatch alarm");
  case 16: {
    siren_action_item a = SIREN_ACTION_ITEM_INIT;
    a.title = "Alarm on cron runtime";
    a.owner = "sr-incident-responder";
    return siren_analysis_add_action_item(NULL, c->e, 1, &a);
  }
  case 17: return siren_analysis_set_action_item_status(c->e, 1, 0, SIREN_ACTION_CLOSED);
  case 18: *k = K_ADVANCE; return run_until(c, 120);
  case 19: {
    static const char *doc =
        "schemaVersion: '0.3'\n"
        "parameters:\n"
        "  Id: {type: String, default: i-1}\n"
        "  Hosts: {type: StringList, default: [a, b]}\n"
        "mainSteps:\n"
        "  - name: act\n"
        "    action: host:do\n"
        "    timeoutSeconds: 30\n"
        "    maxAttempts: 2\n"
        "    inputs: {Id: '{{ Id }}', When: '{{ global:DATE_TIME }}'}\n"
        "  - name: pick\n"
        "    action: aws:branch\n"
        "    inputs:\n"
        "      Choices:\n"
        "        - {NextStep: each, Variable: '{{ act.Ok }}', BooleanEquals: true}\n"
        "      Default: wait\n"
        "  - name: each\n"
        "    action: aws:loop\n"
        "    inputs:\n"
        "      Iterators: '{{ Hosts }}'\n"
        "      Steps:\n"
        "        - name: nap\n"
        "          action: aws:sleep\n"
        "          inputs: {Duration: PT1M}\n"
        "  - name: wait\n"
        "    action: aws:pause\n"
        "    inputs: {}\n";
    return siren_runbook_load(c->e, "probe", doc, strlen(doc));
  }
  case 20: {
    siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
    p.runbook = "probe";
    siren_id id = 0;
    return siren_execution_start(&id, c->e, &p);
  }
  case 21: *k = K_ADVANCE; return run_until(c, 120.6); /* the first attempt times out */
  case 22: {
    int n = last_notice(c, SIREN_NOTIFY_ACTION, "");
    assert_true(n >= 0);
    return siren_action_result(c->e, 1, "act", th->notices[n].attempt, "{\"Ok\":true}", NULL);
  }
  case 23: *k = K_ADVANCE; return run_until(c, 125);
  case 24: return siren_execution_signal(c->e, 1, SIREN_SIGNAL_RESUME, NULL, NULL, NULL);
  case 25: {
    *k = K_QUERY;
    size_t mark = c->log_len;
    int rc = incident_queries(c);
    if (rc) { /* a query that failed part-way logs nothing */
      c->log_len = mark;
      c->log[mark] = '\0';
    }
    return rc;
  }
  default: return STEP_END;
  }
}

static int incident_queries(ctx *c) {
  {
    size_t n = 0;
    siren_id ids[64];
    int rc = siren_incidents(ids, 64, &n, c->e, NULL);
    if (rc) return rc;
    for (size_t j = 0; j < n && j < 64; j++) {
      siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
      if ((rc = siren_incident_get(&inc, c->e, ids[j]))) return rc;
      logf_(c, "incident %llu %s status %d impact %d triggers %u engagements %u items %u events %u\n",
            (unsigned long long)ids[j], inc.title, (int)inc.status, inc.impact, inc.trigger_count,
            inc.engagement_count, inc.related_item_count, inc.timeline_event_count);
      size_t m = 0;
      siren_id ev_ids[64];
      siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
      f.descending = 1;
      if ((rc = siren_timeline_events(ev_ids, 64, &m, c->e, ids[j], &f))) return rc;
      for (size_t x = 0; x < m && x < 64; x++) {
        siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
        if ((rc = siren_timeline_event_get(&ev, c->e, ids[j], ev_ids[x]))) return rc;
        logf_(c, " %lld %s %s\n", (long long)((ev.event_time - TH_T0) / 60000), ev.event_type,
              ev.event_data);
      }
    }
    siren_analysis_info ai = SIREN_ANALYSIS_INFO_INIT;
    if ((rc = siren_analysis_get(&ai, c->e, 1))) return rc;
    logf_(c, "analysis events %u answered %u actions %u open %u\n", ai.timeline_event_count,
          ai.answered_count, ai.action_item_count, ai.open_action_item_count);
    siren_timeline_event fz = SIREN_TIMELINE_EVENT_INIT;
    if ((rc = siren_analysis_timeline_at(&fz, c->e, 1, ai.timeline_event_count - 1))) return rc;
    logf_(c, "analysis last %s\n", fz.event_type);
    if (!(siren_build_features() & SIREN_FEATURE_RUNBOOKS)) return SIREN_OK;
    siren_execution_info xi = SIREN_EXECUTION_INFO_INIT;
    if ((rc = siren_execution_get(&xi, c->e, 1))) return rc;
    logf_(c, "execution %s %s outputs %s\n", siren_exec_status_name(xi.status), xi.current_step,
          xi.outputs);
    for (uint32_t s = 0; s < xi.step_count; s++) {
      siren_step_info si = SIREN_STEP_INFO_INIT;
      if ((rc = siren_execution_step_at(&si, c->e, 1, s))) return rc;
      logf_(c, " %s %s attempts %u inputs %s\n", si.name, siren_exec_status_name(si.status),
            si.attempts, si.inputs);
    }
    return SIREN_OK;
  }
}

/* One API call (or one "run until") per step. *k tells what it is. */
static int step(ctx *c, int i, kind *k) {
  *k = K_CMD;
  th_host *th = c->th;
  switch (i) {
  case 0: {
    *k = K_NEW;
    siren_host host;
    th_setup(th, &host, 1, 1);
    static int dummy;
    siren_engine *e = (siren_engine *)(void *)&dummy;
    int rc = siren_engine_new(&e, &host, NULL, th);
    if (rc) {
      assert_null(e);
      return rc;
    }
    c->e = e;
    th->engine = e;
    return SIREN_OK;
  }
  case 1: case 2: case 3: case 4: return personal(c, i - 1, "incident-responder");
  case 5: case 6: case 7: case 8: return personal(c, i - 5, "sr-incident-responder");
  case 9: return siren_contact_create(c->e, "app-escalation-plan", "App escalation plan", SIREN_CONTACT_ESCALATION);
  case 10: return th_escalation_plan(c->e, "app-escalation-plan", 1, 1);
  case 11: return siren_contact_create(c->e, "newbie", NULL, SIREN_CONTACT_PERSONAL);
  case 12: return siren_channel_create(c->e, "newbie", "pager", "webhook", "https://example.com/hook", 0);
  case 13: {
    int n = last_notice(c, SIREN_NOTIFY_ACTIVATION_CODE, "newbie");
    assert_true(n >= 0);
    char wrong[8];
    snprintf(wrong, sizeof wrong, "%s", th->notices[n].code);
    wrong[0] = wrong[0] == '1' ? '2' : '1';
    int rc = siren_channel_activate(c->e, "newbie", "pager", wrong);
    return rc == SIREN_EDENIED ? SIREN_OK : rc == SIREN_OK ? SIREN_ERROR : rc;
  }
  case 14: {
    int n = last_notice(c, SIREN_NOTIFY_ACTIVATION_CODE, "newbie");
    return siren_channel_activate(c->e, "newbie", "pager", th->notices[n].code);
  }
  case 15: return engage(c, "app-escalation-plan", "t1", &c->eng1);
  case 16: *k = K_ADVANCE; return run_until(c, 3);
  case 17: {
    int n = last_notice(c, SIREN_NOTIFY_PAGE, "incident-responder");
    return siren_page_receipt(c->e, th->notices[n].page, SIREN_RECEIPT_DELIVERED, "250 2.0.0 OK queued");
  }
  case 18: {
    int n = last_notice(c, SIREN_NOTIFY_PAGE, "incident-responder");
    return siren_page_receipt(c->e, th->notices[n].page, SIREN_RECEIPT_READ, NULL);
  }
  case 19: *k = K_QUERY; return preview(c, "app-escalation-plan", "incident-responder", 12);
  case 20: *k = K_ADVANCE; return run_until(c, 7);
  case 21: {
    int n = last_notice(c, SIREN_NOTIFY_PAGE, "sr-incident-responder");
    return siren_page_accept(c->e, th->notices[n].page, SIREN_ACCEPT_READ, th->notices[n].code,
                             SIREN_ACCEPT_ENFORCE, "mine, looking now");
  }
  case 22: *k = K_ADVANCE; return run_until(c, 20);
  case 23: {
    siren_id again = 0;
    int rc = engage(c, "app-escalation-plan", "t1", &again);
    if (rc == SIREN_OK && again != c->eng1) return SIREN_ERROR;
    return rc;
  }
  case 24: return engage(c, "incident-responder", "t2", &c->eng2);
  case 25: {
    int n = last_notice(c, SIREN_NOTIFY_PAGE, "incident-responder");
    return siren_page_receipt(c->e, th->notices[n].page, SIREN_RECEIPT_ERROR, "mailbox full");
  }
  case 26: *k = K_ADVANCE; return run_until(c, 30);
  case 27: return siren_engagement_stop(c->e, c->eng2, "resolved");
  case 28: *k = K_QUERY; return preview(c, "incident-responder", NULL, 0);
  case 29: *k = K_QUERY; return preview(c, "app-escalation-plan", "sr-incident-responder", 7);
  case 30: return siren_contact_delete(c->e, "newbie");
  case 31: {
    *k = K_QUERY;
    siren_id ids[16];
    size_t total = 0;
    int rc = siren_engagements(ids, 16, &total, c->e);
    if (rc) return rc;
    logf_(c, "engagements %zu\n", total);
    rc = siren_engagement_pages(ids, 16, &total, c->e, c->eng1);
    if (rc) return rc;
    logf_(c, "eng1 pages %zu\n", total);
    rc = siren_contact_pages(ids, 16, &total, c->e, "incident-responder");
    if (rc) return rc;
    logf_(c, "ir pages %zu\n", total);
    siren_page_info pi = SIREN_PAGE_INFO_INIT;
    for (size_t j = 0; j < total && j < 16; j++) {
      rc = siren_page_get(&pi, c->e, ids[j]);
      if (rc) return rc;
      logf_(c, "page %llu sent %lld delivered %lld read %lld accepted %lld receipts %u\n",
            (unsigned long long)ids[j], (long long)pi.sent_time, (long long)pi.delivered_time,
            (long long)pi.read_time, (long long)pi.accepted_time, (unsigned)pi.receipt_count);
    }
    siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
    rc = siren_engagement_get(&ei, c->e, c->eng1);
    if (rc) return rc;
    logf_(c, "eng1 state %d ack %d stop %lld\n", (int)ei.state, ei.acknowledged, (long long)ei.stop_time);
    rc = siren_engagement_get(&ei, c->e, c->eng2);
    if (rc) return rc;
    logf_(c, "eng2 state %d ack %d stop %lld reason %s\n", (int)ei.state, ei.acknowledged,
          (long long)ei.stop_time, ei.stop_reason);
    return SIREN_OK;
  }
  default: return incident_step(c, i - 32, k);
  }
}

typedef struct snap {
  uint32_t contacts;
  uint64_t records;
  size_t stored, notices, events, engagements, log_len;
  int64_t deadline;
} snap;

static snap take(const ctx *c) {
  snap s;
  memset(&s, 0, sizeof s);
  s.stored = c->th->record_count;
  s.notices = c->th->notice_count;
  s.events = c->th->ev_count;
  s.log_len = c->log_len;
  if (c->e) {
    s.contacts = siren_contact_count(c->e);
    s.records = siren_engine_record_count(c->e);
    s.deadline = siren_engine_next_deadline(c->e);
    assert_int_equal(siren_engagements(NULL, 0, &s.engagements, c->e), SIREN_OK);
  }
  return s;
}

static void same_snap(const snap *a, const snap *b, long k, int i) {
  if (a->contacts != b->contacts || a->records != b->records || a->stored != b->stored ||
      a->notices != b->notices || a->events != b->events || a->engagements != b->engagements ||
      a->deadline != b->deadline || a->log_len != b->log_len)
    fail_msg("k=%ld step %d: a call that failed with ENOMEM changed the engine "
             "(contacts %u->%u records %llu->%llu notices %zu->%zu events %zu->%zu engagements %zu->%zu)",
             k, i, a->contacts, b->contacts, (unsigned long long)a->records, (unsigned long long)b->records,
             a->notices, b->notices, a->events, b->events, a->engagements, b->engagements);
}

typedef struct result {
  char *log;
  char pages[8192];
  char codes[4096];
  char events[65536];
  uint8_t *records;
  size_t records_len, record_count;
  int failures;   /* calls that returned ENOMEM */
  int swallowed;  /* calls that returned OK although an allocation failed */
  int injected;
} result;

static th_host host_a;
static ctx cx;

/* One run of the scenario with allocation fail_at failing (0: none). */
static void run(long fail_at, result *out) {
  free(host_a.records);
  memset(&host_a, 0, sizeof host_a);
  memset(&cx, 0, sizeof cx);
  memset(out, 0, sizeof *out);
  cx.th = &host_a;
  host_a.fail_alloc_at = fail_at;
  for (int i = 0;; i++) {
    snap before = take(&cx);
    kind k;
    int rc = step(&cx, i, &k);
    if (rc == STEP_END) break;
    int injected_now = 0;
    if (host_a.fail_alloc_at && host_a.alloc_count >= host_a.fail_alloc_at) {
      host_a.fail_alloc_at = 0; /* only the one allocation fails */
      out->injected = injected_now = 1;
    }
    if (rc == SIREN_OK) {
      out->swallowed += injected_now;
      continue;
    }
    if (rc != SIREN_ENOMEM)
      fail_msg("k=%ld step %d: %s (%s)", fail_at, i, siren_strerror(rc), cx.e ? siren_errmsg(cx.e) : "");
    if (!injected_now) fail_msg("k=%ld step %d: ENOMEM without a failed allocation", fail_at, i);
    out->failures++;
    if (k == K_NEW) {
      assert_null(cx.e);
      assert_int_equal(host_a.live_allocs, 0);
    }
    if (k == K_CMD || k == K_QUERY) {
      if (cx.e) assert_true(strlen(siren_errmsg(cx.e)) > 0);
      snap after = take(&cx);
      same_snap(&before, &after, fail_at, i);
    }
    /* The same call once the allocator works again. */
    rc = step(&cx, i, &k);
    if (rc != SIREN_OK)
      fail_msg("k=%ld step %d: repeated after ENOMEM: %s (%s)", fail_at, i, siren_strerror(rc),
               cx.e ? siren_errmsg(cx.e) : "");
  }
  snprintf(out->pages, sizeof out->pages, "%s", th_pages_text(&host_a));
  size_t o = 0;
  for (size_t i = 0; i < host_a.notice_count; i++)
    o += (size_t)snprintf(out->codes + o, sizeof out->codes - o, "%d:%llu:%s ", (int)host_a.notices[i].kind,
                          (unsigned long long)host_a.notices[i].page, host_a.notices[i].code);
  o = 0;
  for (size_t i = 0; i < host_a.ev_count; i++)
    o += (size_t)snprintf(out->events + o, sizeof out->events - o, "%s\n", host_a.ev_lines[i]);
  out->log = malloc(cx.log_len + 1);
  assert_non_null(out->log);
  memcpy(out->log, cx.log, cx.log_len + 1);
  out->records = host_a.records;
  out->records_len = host_a.records_len;
  out->record_count = host_a.record_count;
  host_a.records = NULL;
  assert_int_equal(siren_engine_record_count(cx.e), out->record_count);
  siren_engine_free(cx.e);
  if (host_a.live_allocs != 0) fail_msg("k=%ld: %ld allocations left after siren_engine_free", fail_at, host_a.live_allocs);
}

static void release(result *r) {
  free(r->log);
  free(r->records);
  r->log = NULL;
  r->records = NULL;
}

static result ref, cur;

static void every_allocation_failure_is_enomem_and_harmless(void **state) {
  (void)state;
  run(0, &ref);
  assert_int_equal(ref.failures, 0);
  /* The scenario did what it should. */
  assert_string_equal(ref.pages,
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "20:incident-responder/incident-responder-email "
                      "21:incident-responder/incident-responder-email "
                      "30:incident-responder/incident-responder-mobile "
                      /* incident 1 at 30, accepted at 33, re-engaged at 43 (stage 2 at
                       * 48); the heartbeat missed at 50 (incident 2, resolved by the
                       * beat at 50) and again at 70 (incident 3, never resolved). */
                      "30:incident-responder/incident-responder-email "
                      "43:incident-responder/incident-responder-email "
                      "48:sr-incident-responder/sr-incident-responder-email "
                      "50:incident-responder/incident-responder-email "
                      "70:incident-responder/incident-responder-email "
                      "75:sr-incident-responder/sr-incident-responder-email "
                      "80:incident-responder/incident-responder-mobile "
                      "85:sr-incident-responder/sr-incident-responder-mobile");
  assert_non_null(strstr(ref.log, "engagements 2\n"));
  assert_non_null(strstr(ref.log, "incident 1 merged 0\nincident 1 merged 1\n"));
  assert_non_null(strstr(ref.log, "incident 1 Web tier CPU saturated status 2 impact 2 triggers 2 "
                                  "engagements 2 items 1 events "));
  assert_non_null(strstr(ref.log, "analysis events "));
  if (siren_build_features() & SIREN_FEATURE_RUNBOOKS) {
    assert_non_null(strstr(ref.log, "execution Success  outputs {}\n act Success attempts 2"));
    assert_non_null(strstr(ref.log, " nap Success attempts 1"));
  }
  assert_non_null(strstr(ref.log, "eng2 state 2 ack 0"));
  if (getenv("SIREN_SHOW_LOG")) fputs(ref.log, stderr);
  long total_allocs = host_a.alloc_count;
  assert_true(total_allocs > 10);

  long k;
  int failures = 0, swallowed = 0;
  for (k = 1; k < 1000000; k++) {
    run(k, &cur);
    if (!cur.injected) {
      release(&cur);
      break;
    }
    failures += cur.failures;
    swallowed += cur.swallowed;
    if (strcmp(cur.pages, ref.pages) != 0)
      fail_msg("k=%ld: pages differ\n got: %s\nwant: %s", k, cur.pages, ref.pages);
    if (strcmp(cur.codes, ref.codes) != 0)
      fail_msg("k=%ld: notifications differ\n got: %s\nwant: %s", k, cur.codes, ref.codes);
    if (strcmp(cur.events, ref.events) != 0)
      fail_msg("k=%ld: events differ\n got: %s\nwant: %s", k, cur.events, ref.events);
    if (strcmp(cur.log, ref.log) != 0) fail_msg("k=%ld: queries differ\n got: %s\nwant: %s", k, cur.log, ref.log);
    if (cur.record_count != ref.record_count || cur.records_len != ref.records_len ||
        memcmp(cur.records, ref.records, ref.records_len) != 0)
      fail_msg("k=%ld: the stored records differ (%zu/%zu records)", k, cur.record_count, ref.record_count);
    release(&cur);
  }
  print_message("allocation failure: %ld runs, %d calls failed with ENOMEM, %d swallowed\n", k - 1, failures,
                swallowed);
  assert_true(k > total_allocs);
  assert_true(failures > 0);
  release(&ref);
}

/* Sticky failure: from allocation k on, every allocation fails. Every call
 * that fails returns ENOMEM (or a consequence of an earlier ENOMEM, never a
 * crash), a failed contact_create leaves the count unchanged, and freeing
 * the engine leaves nothing allocated. */
static void sticky_failure_leaks_nothing(void **state) {
  (void)state;
  for (long k = 1; k < 400; k++) {
    free(host_a.records);
    memset(&host_a, 0, sizeof host_a);
    host_a.fail_alloc_at = k;
    siren_host h;
    th_setup(&host_a, &h, 1, 1);
    siren_engine *e = NULL;
    int rc = siren_engine_new(&e, &h, NULL, &host_a);
    if (rc) {
      assert_int_equal(rc, SIREN_ENOMEM);
      assert_null(e);
      assert_int_equal(host_a.live_allocs, 0);
      continue;
    }
    host_a.engine = e;
    char alias[32];
    for (int i = 0; i < 40; i++) {
      uint32_t before = siren_contact_count(e);
      snprintf(alias, sizeof alias, "c%02d", i);
      rc = siren_contact_create(e, alias, "Some Name", SIREN_CONTACT_PERSONAL);
      if (rc) {
        assert_int_equal(rc, SIREN_ENOMEM);
        assert_int_equal(siren_contact_count(e), before);
        siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
        assert_int_equal(siren_contact_get(&ci, e, alias), SIREN_ENOTFOUND);
        break;
      }
      assert_int_equal(siren_contact_count(e), before + 1);
      rc = siren_channel_create(e, alias, "mail", "EMAIL", "a@example.com", SIREN_CHANNEL_ACTIVATED);
      if (rc) {
        assert_int_equal(rc, SIREN_ENOMEM);
        siren_channel_info chi = SIREN_CHANNEL_INFO_INIT;
        assert_int_equal(siren_channel_get(&chi, e, alias, "mail"), SIREN_ENOTFOUND);
        break;
      }
      siren_target t = SIREN_TARGET_INIT;
      t.channel = "mail";
      siren_stage st = SIREN_STAGE_INIT;
      st.duration_minutes = 5;
      st.target_count = 1;
      st.targets = &t;
      siren_plan plan = SIREN_PLAN_INIT;
      plan.stage_count = 1;
      plan.stages = &st;
      rc = siren_contact_set_plan(e, alias, &plan);
      if (rc) {
        assert_int_equal(rc, SIREN_ENOMEM);
        siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
        assert_int_equal(siren_contact_get(&ci, e, alias), SIREN_OK);
        assert_int_equal(ci.stage_count, 0);
        break;
      }
      siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
      p.contact = alias;
      p.sender = "s";
      p.subject = "subject";
      p.content = "content";
      siren_id id = 0;
      size_t notices = host_a.notice_count, total = 0;
      assert_int_equal(siren_engagements(NULL, 0, &total, e), SIREN_OK);
      rc = siren_engagement_start(&id, e, &p);
      if (rc) {
        assert_int_equal(rc, SIREN_ENOMEM);
        assert_int_equal(id, 0);
        assert_int_equal(host_a.notice_count, notices);
        size_t after = 0;
        assert_int_equal(siren_engagements(NULL, 0, &after, e), SIREN_OK);
        assert_int_equal(after, total);
        break;
      }
    }
    siren_engine_free(e);
    if (host_a.live_allocs != 0) fail_msg("k=%ld: %ld allocations left", k, host_a.live_allocs);
  }
  free(host_a.records);
  memset(&host_a, 0, sizeof host_a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_allocation_failure_is_enomem_and_harmless),
      cmocka_unit_test(sticky_failure_leaks_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
