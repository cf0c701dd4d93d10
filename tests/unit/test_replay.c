/*
 * Recovery: siren_engine_open() from the record stream.
 *
 * Crash at every record: a scenario runs once uninterrupted (the reference).
 * Then for every k, the stream is cut after record k (as if the process died
 * right after storing it), an engine is opened from the first k records, and
 * the scenario goes on from the step that was in progress (a command whose
 * record was stored counts as done; an advance is simply called again). The
 * stream that results must equal the reference byte for byte, the final
 * state must read the same, every page must have been announced with the
 * reference's id and code, and nothing may be announced that the reference
 * did not announce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testhost.h"

#define MIN INT64_C(60000)

typedef struct step {
  int advance; /* 1: an advance to minute, else a command */
  double minute;
  int (*run)(siren_engine *e, th_host *th);
  int arg;
} step;
#define C(fn) {0, 0, fn, 0}
#define CA(fn, a) {0, 0, fn, a}
#define A(m) {1, m, NULL, 0}

static int cur_arg; /* the running step's arg */

/* ------------------------------------------------------------ commands */

/* Steps that quote a page or a code read it from the notices as the
 * reference run saw them; a resumed run (whose host saw only what came
 * after the cut) gets the same values from this memo. */
static struct {
  siren_id page;
  char code[8];
  uint32_t attempt;
  char step[64];
} memo[64];
static size_t cur_step;
static int resumed;

static int remember(th_host *th, siren_notify_kind kind, const char *contact) {
  if (resumed) return memo[cur_step].page || memo[cur_step].code[0] || memo[cur_step].attempt ? 0 : -1;
  for (size_t i = th->notice_count; i-- > 0;)
    if (th->notices[i].kind == kind && (!contact || strcmp(th->notices[i].contact, contact) == 0)) {
      memo[cur_step].page = th->notices[i].page;
      snprintf(memo[cur_step].code, sizeof memo[cur_step].code, "%s", th->notices[i].code);
      memo[cur_step].attempt = th->notices[i].attempt;
      snprintf(memo[cur_step].step, sizeof memo[cur_step].step, "%s", th->notices[i].step);
      return 0;
    }
  return -1;
}

#define MEMO_PAGE memo[cur_step].page
#define MEMO_CODE memo[cur_step].code

static int s_contact_ir(siren_engine *e, th_host *th) {
  (void)th;
  return siren_contact_create(e, "incident-responder", "Incident responder", SIREN_CONTACT_PERSONAL);
}
static int s_email_ir(siren_engine *e, th_host *th) {
  (void)th;
  return siren_channel_create(e, "incident-responder", "incident-responder-email", "EMAIL",
                              "responder@example.com", SIREN_CHANNEL_ACTIVATED);
}
static int s_sms_ir(siren_engine *e, th_host *th) {
  (void)th;
  return siren_channel_create(e, "incident-responder", "incident-responder-mobile", "SMS",
                              "+12065550100", 0); /* an activation code is sent */
}
static int s_activate_ir(siren_engine *e, th_host *th) {
  if (remember(th, SIREN_NOTIFY_ACTIVATION_CODE, NULL)) return SIREN_ERROR;
  return siren_channel_activate(e, "incident-responder", "incident-responder-mobile", MEMO_CODE);
}
static int s_plan_ir(siren_engine *e, th_host *th) {
  (void)th;
  return th_personal_plan(e, "incident-responder");
}
static int s_contact_sr(siren_engine *e, th_host *th) {
  (void)th;
  return siren_contact_create(e, "sr-incident-responder", NULL, SIREN_CONTACT_PERSONAL);
}
static int s_email_sr(siren_engine *e, th_host *th) {
  (void)th;
  return siren_channel_create(e, "sr-incident-responder", "sr-incident-responder-email", "EMAIL",
                              "sr@example.com", SIREN_CHANNEL_ACTIVATED);
}
static int s_sms_sr(siren_engine *e, th_host *th) {
  (void)th;
  return siren_channel_create(e, "sr-incident-responder", "sr-incident-responder-mobile", "SMS",
                              "+12065550101", SIREN_CHANNEL_ACTIVATED);
}
static int s_plan_sr(siren_engine *e, th_host *th) {
  (void)th;
  return th_personal_plan(e, "sr-incident-responder");
}
static int s_esc(siren_engine *e, th_host *th) {
  (void)th;
  return siren_contact_create(e, "app-escalation-plan", NULL, SIREN_CONTACT_ESCALATION);
}
static int s_esc_plan(siren_engine *e, th_host *th) {
  (void)th;
  return th_escalation_plan(e, "app-escalation-plan", 1, 1);
}
static int s_engage(siren_engine *e, th_host *th) {
  (void)th;
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "app-escalation-plan";
  p.sender = "cpu-monitor";
  p.subject = "EC2 CPU above 85%";
  p.content = "i-0abc: CPUUtilization 91%";
  p.idempotency_token = "alarm-1";
  siren_id id = 0;
  return siren_engagement_start(&id, e, &p);
}
static int s_receipt_error_ir(siren_engine *e, th_host *th) {
  if (remember(th, SIREN_NOTIFY_PAGE, "incident-responder")) return SIREN_ERROR;
  return siren_page_receipt(e, MEMO_PAGE, SIREN_RECEIPT_ERROR, "mailbox full");
}
static int s_accept_sr(siren_engine *e, th_host *th) {
  if (remember(th, SIREN_NOTIFY_PAGE, "sr-incident-responder")) return SIREN_ERROR;
  return siren_page_accept(e, MEMO_PAGE, SIREN_ACCEPT_READ, MEMO_CODE, SIREN_ACCEPT_ENFORCE, "on it");
}
static int s_rplan(siren_engine *e, th_host *th) {
  (void)th;
  static const char *const chat[] = {"slack:#ops"};
  static const char *const eng[] = {"app-escalation-plan"};
  siren_response_plan p = SIREN_RESPONSE_PLAN_INIT;
  p.name = "EC2HighCPU";
  p.title = "EC2 CPU above 85%";
  p.impact = 2;
  p.chat_channel_count = 1;
  p.chat_channels = chat;
  p.engagement_count = 1;
  p.engagements = eng;
  p.runbook = "EC2-CPU-Runbook";
  p.ack_timeout_minutes = 10;
  p.auto_resolve_minutes = 90;
  return siren_response_plan_create(e, &p);
}
static int s_incident(siren_engine *e, th_host *th) {
  (void)th;
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "aws.cloudwatch";
  ip.trigger_arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu";
  siren_id id = 0;
  return siren_incident_start(&id, NULL, e, &ip);
}
static int s_heartbeat(siren_engine *e, th_host *th) {
  (void)th;
  siren_heartbeat hb = SIREN_HEARTBEAT_INIT;
  hb.name = "agent";
  hb.response_plan = "EC2HighCPU";
  hb.interval_minutes = 15;
  hb.resolve_on_beat = 1;
  return siren_heartbeat_create(e, &hb);
}
static int s_accept_ir(siren_engine *e, th_host *th) {
  if (remember(th, SIREN_NOTIFY_PAGE, "incident-responder")) return SIREN_ERROR;
  return siren_page_accept(e, MEMO_PAGE, SIREN_ACCEPT_DELIVERED, NULL, SIREN_ACCEPT_IGNORE, NULL);
}
static int s_note(siren_engine *e, th_host *th) {
  (void)th;
  siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
  in.event_type = "Note";
  in.event_data = "restarting the workers";
  siren_id id = 0;
  return siren_timeline_event_create(&id, e, 1, &in);
}
static int s_beat(siren_engine *e, th_host *th) {
  (void)th;
  return siren_heartbeat_beat(e, "agent");
}
static int s_resolve(siren_engine *e, th_host *th) {
  (void)th;
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = SIREN_INCIDENT_RESOLVED;
  return siren_incident_update(e, 1, &u);
}
static int s_analysis(siren_engine *e, th_host *th) {
  (void)th;
  siren_id id = 0;
  return siren_analysis_create(&id, e, 1, NULL, 0);
}

static int s_engage_n(siren_engine *e, th_host *th) {
  (void)th;
  char token[16];
  snprintf(token, sizeof token, "t%d", cur_arg);
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = cur_arg % 3 == 0 ? "incident-responder" : "app-escalation-plan";
  p.sender = "monitor";
  p.subject = "Alarm";
  p.content = "Something is wrong";
  p.public_subject = "Alarm (SMS)";
  p.idempotency_token = token;
  siren_id id = 0;
  return siren_engagement_start(&id, e, &p);
}
static int s_accept_n(siren_engine *e, th_host *th) {
  const char *who = cur_arg ? "sr-incident-responder" : "incident-responder";
  if (remember(th, SIREN_NOTIFY_PAGE, who)) return SIREN_ERROR;
  int rc = siren_page_accept(e, MEMO_PAGE, SIREN_ACCEPT_READ, MEMO_CODE, SIREN_ACCEPT_ENFORCE, NULL);
  return rc == SIREN_ESTATE ? SIREN_OK : rc; /* already accepted is fine */
}
static int s_sent_ir(siren_engine *e, th_host *th) {
  if (remember(th, SIREN_NOTIFY_PAGE, "incident-responder")) return SIREN_ERROR;
  return siren_page_receipt(e, MEMO_PAGE, SIREN_RECEIPT_SENT, "250 OK");
}
static int s_stop_n(siren_engine *e, th_host *th) {
  (void)th;
  return siren_engagement_stop(e, (siren_id)cur_arg, "handled elsewhere");
}
static int s_incident_n(siren_engine *e, th_host *th) {
  (void)th;
  char arn[96];
  snprintf(arn, sizeof arn, "arn:aws:cloudwatch:us-east-1:111122223333:alarm:a%d", cur_arg);
  siren_related_item item = SIREN_RELATED_ITEM_INIT;
  item.type = SIREN_ITEM_INVOLVED_RESOURCE;
  item.value = arn;
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = "EC2HighCPU";
  ip.trigger_source = "aws.cloudwatch";
  ip.trigger_arn = arn;
  ip.related_item_count = 1;
  ip.related_items = &item;
  siren_id id = 0;
  return siren_incident_start(&id, NULL, e, &ip);
}
static int s_resolve_n(siren_engine *e, th_host *th) {
  (void)th;
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS | SIREN_UPDATE_IMPACT;
  u.status = SIREN_INCIDENT_RESOLVED;
  u.impact = 4;
  return siren_incident_update(e, (siren_id)cur_arg, &u);
}

#define SETUP                                                                                  \
  C(s_contact_ir), C(s_email_ir), C(s_sms_ir), C(s_activate_ir), C(s_plan_ir), C(s_contact_sr), \
      C(s_email_sr), C(s_sms_sr), C(s_plan_sr), C(s_esc), C(s_esc_plan)

/* The seed walkthrough, then an incident with a heartbeat, an analysis. */
static const step seed_scenario[] = {
    SETUP,          C(s_engage),      A(2),         C(s_receipt_error_ir), A(7),
    C(s_accept_sr), A(20),            C(s_rplan),   C(s_heartbeat),        C(s_incident),
    A(24),          C(s_accept_ir),   C(s_note),    A(36),                 C(s_incident),
    A(50),          C(s_beat),        A(60),        C(s_resolve),          C(s_analysis),
    A(200),
};

/* Six overlapping engagements: receipts, acceptances, a stop, retries. */
static const step engagements_scenario[] = {
    SETUP,          CA(s_engage_n, 1), A(2),          C(s_sent_ir),          CA(s_engage_n, 2),
    A(4),           CA(s_accept_n, 0), CA(s_engage_n, 3), A(6),              CA(s_stop_n, 3),
    CA(s_engage_n, 4), A(9),          CA(s_accept_n, 1), CA(s_engage_n, 5), CA(s_engage_n, 6),
    A(14),          C(s_receipt_error_ir), A(30),     CA(s_accept_n, 0),     A(90),
};

/* Incidents over hours: dedupe, acknowledgement timeouts, heartbeat misses,
 * auto-resolve, resolution, an analysis, a new incident for an old alarm. */
static const step incidents_scenario[] = {
    SETUP,           C(s_rplan),        C(s_heartbeat),  CA(s_incident_n, 1), A(3),
    CA(s_incident_n, 1), CA(s_incident_n, 2), A(8),      CA(s_accept_n, 0),   A(20),
    C(s_note),       CA(s_incident_n, 3), A(40),         CA(s_resolve_n, 2),  C(s_beat),
    A(60),           CA(s_resolve_n, 1), C(s_analysis),  A(180),              CA(s_incident_n, 1),
    A(300),
};

/* A runbook: a host action that times out once, a branch on its output, a
 * for-each loop of sleeps, an approval and a pause; then one run cancelled. */
static int s_load_rb(siren_engine *e, th_host *th) {
  (void)th;
  static const char *doc =
      "schemaVersion: '0.3'\n"
      "parameters:\n"
      "  Hosts: {type: StringList, default: [a, b]}\n"
      "mainSteps:\n"
      "  - name: act\n    action: host:do\n    timeoutSeconds: 60\n    maxAttempts: 2\n"
      "    inputs: {When: '{{ global:DATE_TIME }}'}\n    onCancel: step:undo\n"
      "  - name: pick\n    action: aws:branch\n    inputs:\n      Choices:\n"
      "        - {NextStep: each, Variable: '{{ act.Ok }}', BooleanEquals: true}\n"
      "      Default: undo\n"
      "  - name: each\n    action: aws:loop\n    inputs:\n      Iterators: '{{ Hosts }}'\n"
      "      Steps:\n        - name: nap\n          action: aws:sleep\n"
      "          inputs: {Duration: PT2M}\n"
      "  - name: ask\n    action: aws:approve\n    inputs: {Approvers: [alice, bob], MinRequiredApprovals: 2}\n"
      "  - name: wait\n    action: aws:pause\n    inputs: {}\n    isEnd: true\n"
      "  - name: undo\n    action: host:undo\n";
  return siren_runbook_load(e, "probe", doc, strlen(doc));
}
static int s_start_rb(siren_engine *e, th_host *th) {
  (void)th;
  siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
  p.runbook = "probe";
  siren_id id = 0;
  return siren_execution_start(&id, e, &p);
}
static int s_result_rb(siren_engine *e, th_host *th) {
  if (remember(th, SIREN_NOTIFY_ACTION, NULL)) return SIREN_ERROR;
  return siren_action_result(e, (siren_id)cur_arg, memo[cur_step].step, memo[cur_step].attempt,
                             "{\"Ok\":true}", NULL);
}
static int s_approve_rb(siren_engine *e, th_host *th) {
  (void)th;
  return siren_execution_signal(e, 1, SIREN_SIGNAL_APPROVE, NULL, cur_arg ? "bob" : "alice", NULL);
}
static int s_resume_rb(siren_engine *e, th_host *th) {
  (void)th;
  return siren_execution_signal(e, (siren_id)cur_arg, SIREN_SIGNAL_RESUME, NULL, NULL, NULL);
}
static int s_cancel_rb(siren_engine *e, th_host *th) {
  (void)th;
  return siren_execution_stop(e, (siren_id)cur_arg, SIREN_STOP_CANCEL);
}

static const step runbook_scenario[] = {
    C(s_load_rb),          C(s_start_rb),         A(1.5),               CA(s_result_rb, 1),
    A(10),                 CA(s_approve_rb, 0),   CA(s_approve_rb, 1),  CA(s_resume_rb, 1),
    C(s_start_rb),         A(10.5),               CA(s_cancel_rb, 2),   CA(s_result_rb, 2),
    A(30),
};

/* A rotation in a real zone (its TZif bytes travel in the record), a held
 * schedule, shift notices, an override and its deletion. */
static int s_rotation(siren_engine *e, th_host *th) {
  (void)th;
  const char *who[] = {"incident-responder", "sr-incident-responder"};
  siren_handoff h = SIREN_HANDOFF_INIT;
  h.minute = 9 * 60 + 30;
  siren_rotation r = SIREN_ROTATION_INIT;
  r.name = "primary";
  r.time_zone = "Europe/London";
  r.start_time = TH_T0;
  r.contact_count = 2;
  r.contacts = who;
  r.recurrence = SIREN_RECUR_DAILY;
  r.multiplier = 1;
  r.on_calls = 1;
  r.handoff_count = 1;
  r.handoffs = &h;
  r.notice_minutes = 5;
  return siren_rotation_create(e, &r);
}
/* One record per step: a resumed run redoes a step whose record is missing. */
static int s_schedule_contact(siren_engine *e, th_host *th) {
  (void)th;
  return siren_contact_create(e, "oncall", NULL, SIREN_CONTACT_ONCALL_SCHEDULE);
}
static int s_schedule(siren_engine *e, th_host *th) {
  (void)th;
  const char *rots[] = {"primary"};
  return siren_schedule_set(e, "oncall", rots, 1, SIREN_SCHEDULE_HOLD);
}
static int s_engage_oncall(siren_engine *e, th_host *th) {
  (void)th;
  char token[16];
  snprintf(token, sizeof token, "oc-%d", cur_arg);
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "oncall";
  p.sender = "monitor";
  p.subject = "latency";
  p.content = "p99 over budget";
  p.idempotency_token = token;
  siren_id id;
  return siren_engagement_start(&id, e, &p);
}
static int s_override(siren_engine *e, th_host *th) {
  (void)th;
  const char *ir[] = {"incident-responder"};
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = "primary";
  o.contact_count = 1;
  o.contacts = ir;
  o.start = TH_T0 + 50 * 60000;
  o.end = TH_T0 + 70 * 60000;
  siren_id id;
  return siren_override_create(&id, e, &o);
}
static int s_override_delete(siren_engine *e, th_host *th) {
  (void)th;
  return siren_override_delete(e, "primary", 1);
}

static const step rotation_scenario[] = {
    SETUP,         C(s_rotation),       C(s_schedule_contact), C(s_schedule), A(2),
    CA(s_engage_oncall, 1),
    A(40),         C(s_override),       A(60),         CA(s_engage_oncall, 2), A(100),
    C(s_override_delete), A(200),
};

static const step *scenario = seed_scenario;
static size_t STEPS = sizeof seed_scenario / sizeof seed_scenario[0];
#define MAX_STEPS 64


/* ------------------------------------------------------------- running */

typedef struct ref_run {
  uint8_t *records;
  size_t len, count;
  size_t after_step[MAX_STEPS];   /* records stored when step j ended */
  size_t command_rec[MAX_STEPS];  /* 1-based index of step j's own record, 0 for advances */
  int64_t clock[MAX_STEPS];       /* the clock when step j started */
  char state[16384];
} ref_run;

static th_host ta, tb;
static ref_run ref;

static void do_step(siren_engine *e, th_host *th, size_t j) {
  const step *s = &scenario[j];
  cur_step = j;
  cur_arg = s->arg;
  if (s->advance) {
    th_run_until(th, e, s->minute);
    return;
  }
  int rc = s->run(e, th);
  if (rc != SIREN_OK) fail_msg("step %zu: %s (%s)", j, siren_strerror(rc), siren_errmsg(e));
}

/* The type of record i (0-based) of a stream. */
static unsigned rec_type(const uint8_t *p, size_t len, size_t i, size_t *off_out) {
  size_t off = 0;
  for (size_t k = 0;; k++) {
    assert_true(off + 8 <= len);
    size_t n = (size_t)p[off] | (size_t)p[off + 1] << 8 | (size_t)p[off + 2] << 16 |
               (size_t)p[off + 3] << 24;
    if (k == i) {
      if (off_out) *off_out = off;
      return p[off + 5];
    }
    off += n;
  }
}

/* Byte offset where record k starts (k may equal the count: the end). */
static size_t offset_of(const uint8_t *p, size_t len, size_t k) {
  size_t off = 0;
  for (size_t i = 0; i < k; i++) {
    size_t n = (size_t)p[off] | (size_t)p[off + 1] << 8 | (size_t)p[off + 2] << 16 |
               (size_t)p[off + 3] << 24;
    off += n;
    assert_true(off <= len);
  }
  return off;
}

/* Everything the final state says, as text. */
static void describe(siren_engine *e, char *out, size_t cap) {
  size_t o = 0;
#define PUT(...) o += (size_t)snprintf(out + o, cap - o, __VA_ARGS__)
  siren_id ids[256];
  size_t n = 0;
  assert_int_equal(siren_engagements(ids, 256, &n, e), SIREN_OK);
  for (size_t i = 0; i < n; i++) {
    siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
    assert_int_equal(siren_engagement_get(&ei, e, ids[i]), SIREN_OK);
    PUT("E%llu %s %d ack%d %lld-%lld %u\n", (unsigned long long)ids[i], ei.contact, (int)ei.state,
        ei.acknowledged, (long long)ei.start_time, (long long)ei.stop_time, ei.page_count);
    siren_id pids[64];
    size_t pn = 0;
    assert_int_equal(siren_engagement_pages(pids, 64, &pn, e, ids[i]), SIREN_OK);
    for (size_t k = 0; k < pn && k < 64; k++) {
      siren_page_info pi = SIREN_PAGE_INFO_INIT;
      assert_int_equal(siren_page_get(&pi, e, pids[k]), SIREN_OK);
      PUT(" P%llu %s/%s %lld acc %lld r%u\n", (unsigned long long)pids[k], pi.contact, pi.channel,
          (long long)pi.sent_time, (long long)pi.accepted_time, pi.receipt_count);
    }
  }
  assert_int_equal(siren_incidents(ids, 256, &n, e, NULL), SIREN_OK);
  for (size_t i = 0; i < n; i++) {
    siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
    assert_int_equal(siren_incident_get(&inc, e, ids[i]), SIREN_OK);
    PUT("I%llu %s %d %d tr%u en%u tl%u an%llu\n", (unsigned long long)ids[i], inc.title,
        (int)inc.status, inc.impact, inc.trigger_count, inc.engagement_count,
        inc.timeline_event_count, (unsigned long long)inc.analysis);
    siren_id tl[128];
    size_t tn = 0;
    assert_int_equal(siren_timeline_events(tl, 128, &tn, e, ids[i], NULL), SIREN_OK);
    for (size_t k = 0; k < tn && k < 128; k++) {
      siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
      assert_int_equal(siren_timeline_event_get(&ev, e, ids[i], tl[k]), SIREN_OK);
      PUT(" %lld %s %s\n", (long long)ev.event_time, ev.event_type, ev.event_data);
    }
  }
  siren_channel_info ci = SIREN_CHANNEL_INFO_INIT;
  if (siren_channel_get(&ci, e, "incident-responder", "incident-responder-mobile") == SIREN_OK)
    PUT("sms activation %d\n", (int)ci.activation);
  n = 0;
  if (siren_build_features() & SIREN_FEATURE_RUNBOOKS)
    assert_int_equal(siren_executions(ids, 256, &n, e), SIREN_OK);
  for (size_t i = 0; i < n; i++) {
    siren_execution_info xi = SIREN_EXECUTION_INFO_INIT;
    assert_int_equal(siren_execution_get(&xi, e, ids[i]), SIREN_OK);
    PUT("X%llu %s %s [%s] %lld-%lld %s %s\n", (unsigned long long)ids[i], xi.runbook,
        siren_exec_status_name(xi.status), xi.current_step, (long long)xi.start_time,
        (long long)xi.end_time, xi.failure_message, xi.outputs);
    for (uint32_t s = 0; s < xi.step_count; s++) {
      siren_step_info si = SIREN_STEP_INFO_INIT;
      assert_int_equal(siren_execution_step_at(&si, e, ids[i], s), SIREN_OK);
      PUT(" %s %s a%u %lld-%lld %s %s %s\n", si.name, siren_exec_status_name(si.status),
          si.attempts, (long long)si.start_time, (long long)si.end_time, si.inputs, si.outputs,
          si.failure_message);
    }
  }
  PUT("deadline %lld records %llu\n", (long long)siren_engine_next_deadline(e),
      (unsigned long long)siren_engine_record_count(e));
  assert_true(o < cap);
#undef PUT
}

static void run_reference(void) {
  resumed = 0;
  assert_true(STEPS <= sizeof memo / sizeof memo[0] && STEPS <= MAX_STEPS);
  free(ta.records);
  memset(&ta, 0, sizeof ta);
  siren_engine *e = th_engine(&ta, 1, 0);
  for (size_t j = 0; j < STEPS; j++) {
    ref.clock[j] = ta.now;
    size_t before = ta.record_count;
    do_step(e, &ta, j);
    ref.after_step[j] = ta.record_count;
    ref.command_rec[j] = 0;
    if (!scenario[j].advance)
      for (size_t i = before; i < ta.record_count; i++) {
        unsigned t = rec_type(ta.records, ta.records_len, i, NULL);
        if (t != 13 /* TIMER */ && t != 11 /* automatic RECEIPT */) {
          ref.command_rec[j] = i + 1;
          break;
        }
      }
  }
  describe(e, ref.state, sizeof ref.state);
  ref.records = ta.records;
  ref.len = ta.records_len;
  ref.count = ta.record_count;
  ta.records = NULL;
  siren_engine_free(e);
}

static void crash_test(const char *name) {
  run_reference();
  if (getenv("SIREN_SHOW_STATE")) fprintf(stderr, "%s:\n%s", name, ref.state);
  if (ref.count < 10) fail_msg("only %zu records", ref.count);
  size_t reannounced_total = 0;
  for (size_t k = 0; k <= ref.count; k++) {
    size_t cut = offset_of(ref.records, ref.len, k);
    /* The step in progress when record k was stored, and where to resume. */
    size_t j = 0;
    while (j < STEPS && ref.after_step[j] < k) j++;
    if (j < STEPS && ref.after_step[j] == k && k > 0) j++; /* stopped on a step boundary */
    else if (j < STEPS && !scenario[j].advance && ref.command_rec[j] && ref.command_rec[j] <= k)
      j++; /* its command was stored: done */
    free(tb.records);
    memset(&tb, 0, sizeof tb);
    tb.now = j < STEPS ? ref.clock[j] : ta.now;
    if (j > 0 && j < STEPS && scenario[j - 1].advance) {
      /* Resuming after an advance: the clock was where that advance left it. */
      int64_t m = TH_T0 + (int64_t)(scenario[j - 1].minute * 60000.0);
      if (tb.now < m) tb.now = m;
    }
    /* The reopened stream starts with the prefix. */
    tb.records = malloc(ref.len + 1);
    assert_non_null(tb.records);
    memcpy(tb.records, ref.records, cut);
    tb.records_len = cut;
    tb.records_cap = ref.len + 1;
    tb.record_count = k;
    siren_open_report rep = SIREN_OPEN_REPORT_INIT;
    siren_engine *e = NULL;
    int rc = th_open(&tb, ref.records, cut, 0, &rep, &e);
    if (rc != SIREN_OK) fail_msg("k=%zu: open: %s", k, siren_strerror(rc));
    assert_int_equal(rep.records, k);
    assert_int_equal(rep.bytes, cut);
    assert_int_equal(rep.stopped, 0);
    assert_int_equal(siren_engine_record_count(e), k);
    reannounced_total += rep.reannounced;
    /* Every page announced again is one of the reference's, with its code. */
    size_t first_new = 0;
    for (size_t i = 0; i < tb.notice_count; i++) {
      const th_notice *x = &tb.notices[i];
      if (x->kind != SIREN_NOTIFY_PAGE) continue;
      first_new++;
      int found = 0;
      for (size_t r = 0; r < ta.notice_count && !found; r++)
        found = ta.notices[r].kind == SIREN_NOTIFY_PAGE && ta.notices[r].page == x->page &&
                strcmp(ta.notices[r].code, x->code) == 0 &&
                strcmp(ta.notices[r].channel, x->channel) == 0;
      if (!found) fail_msg("k=%zu: page %llu announced again differs", k, (unsigned long long)x->page);
    }
    assert_int_equal(first_new, rep.reannounced);
    resumed = 1;
    for (; j < STEPS; j++) do_step(e, &tb, j);
    /* The same stream, byte for byte, and the same final state. */
    if (tb.record_count != ref.count || tb.records_len != ref.len ||
        memcmp(tb.records, ref.records, ref.len) != 0)
      fail_msg("k=%zu: the stream differs (%zu records, want %zu)", k, tb.record_count, ref.count);
    char st[sizeof ref.state];
    describe(e, st, sizeof st);
    if (strcmp(st, ref.state) != 0) fail_msg("k=%zu: state differs\n got: %s\nwant: %s", k, st, ref.state);
    /* No page lost: every reference page was announced before the cut
     * (its record is in the prefix) or after reopening. */
    for (size_t r = 0; r < ta.notice_count; r++) {
      if (ta.notices[r].kind != SIREN_NOTIFY_PAGE) continue;
      siren_id pg = ta.notices[r].page;
      int seen = 0;
      for (size_t i = 0; i < tb.notice_count && !seen; i++)
        seen = tb.notices[i].kind == SIREN_NOTIFY_PAGE && tb.notices[i].page == pg;
      if (!seen) {
        /* Then it was sent before the cut and had a receipt or acceptance. */
        siren_page_info pi = SIREN_PAGE_INFO_INIT;
        assert_int_equal(siren_page_get(&pi, e, pg), SIREN_OK);
        (void)pi;
      }
    }
    siren_engine_free(e);
  }
  resumed = 0;
  print_message("%s: crash at each of %zu cuts, %zu pages announced again in all\n", name,
                ref.count + 1, reannounced_total);
  free(ref.records);
  free(ta.records);
  free(tb.records);
  ta.records = tb.records = NULL;
}

/* --------------------------------------------------------- damaged data */

static void use(const step *sc, size_t n) {
  scenario = sc;
  STEPS = n;
}

static void crash_after_every_record(void **state) {
  (void)state;
  use(seed_scenario, sizeof seed_scenario / sizeof seed_scenario[0]);
  crash_test("seed");
  use(engagements_scenario, sizeof engagements_scenario / sizeof engagements_scenario[0]);
  crash_test("six engagements");
  use(incidents_scenario, sizeof incidents_scenario / sizeof incidents_scenario[0]);
  crash_test("incidents over hours");
  if (siren_build_features() & SIREN_FEATURE_RUNBOOKS) {
    use(runbook_scenario, sizeof runbook_scenario / sizeof runbook_scenario[0]);
    crash_test("runbook executions");
  }
  use(rotation_scenario, sizeof rotation_scenario / sizeof rotation_scenario[0]);
  crash_test("rotations and a schedule");
  use(seed_scenario, sizeof seed_scenario / sizeof seed_scenario[0]);
}

static void torn_and_flipped_records_stop_replay(void **state) {
  (void)state;
  run_reference();
  size_t last = ref.count - 1, off = 0;
  rec_type(ref.records, ref.len, last, &off);
  size_t rec_len = ref.len - off;
  /* A torn last record, cut at every byte. */
  for (size_t cut = off + 1; cut < ref.len; cut++) {
    memset(&tb, 0, sizeof tb);
    siren_open_report rep = SIREN_OPEN_REPORT_INIT;
    siren_engine *e = NULL;
    assert_int_equal(th_open(&tb, ref.records, cut, 0, &rep, &e), SIREN_OK);
    assert_int_equal(rep.stopped, 1);
    assert_int_equal(rep.stop_code, SIREN_ECORRUPT);
    assert_int_equal(rep.stop_index, last);
    assert_int_equal(rep.records, last);
    assert_int_equal(rep.bytes, off);
    assert_non_null(strstr(rep.stop_reason, "torn or damaged"));
    siren_engine_free(e);
    free(tb.records);
  }
  /* Every bit of a record in the middle flipped: replay stops right there. */
  size_t mid = ref.count / 2, moff = 0;
  rec_type(ref.records, ref.len, mid, &moff);
  size_t mlen = offset_of(ref.records, ref.len, mid + 1) - moff;
  uint8_t *copy = malloc(ref.len);
  assert_non_null(copy);
  size_t flips = 0;
  for (size_t b = 0; b < mlen * 8; b++) {
    memcpy(copy, ref.records, ref.len);
    copy[moff + b / 8] ^= (uint8_t)(1u << (b % 8));
    memset(&tb, 0, sizeof tb);
    siren_open_report rep = SIREN_OPEN_REPORT_INIT;
    siren_engine *e = NULL;
    assert_int_equal(th_open(&tb, copy, ref.len, 0, &rep, &e), SIREN_OK);
    assert_int_equal(rep.stopped, 1);
    assert_int_equal(rep.stop_index, mid);
    assert_int_equal(rep.records, mid);
    assert_true(rep.stop_code == SIREN_ECORRUPT || rep.stop_code == SIREN_EVERSION);
    assert_string_equal(siren_errmsg(e), rep.stop_reason);
    siren_engine_free(e);
    free(tb.records);
    flips++;
  }
  (void)rec_len;
  /* A record out of sequence: the second record twice. */
  size_t r1 = offset_of(ref.records, ref.len, 1), r2 = offset_of(ref.records, ref.len, 2);
  memcpy(copy, ref.records, r2);
  memcpy(copy + r2, ref.records + r1, r2 - r1);
  memset(&tb, 0, sizeof tb);
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *e = NULL;
  assert_int_equal(th_open(&tb, copy, r2 + (r2 - r1), 0, &rep, &e), SIREN_OK);
  assert_int_equal(rep.stopped, 1);
  assert_int_equal(rep.records, 2);
  assert_non_null(strstr(rep.stop_reason, "out of sequence"));
  siren_engine_free(e);
  free(tb.records);
  free(copy);
  print_message("%zu single-bit flips, each stopped replay at record %zu\n", flips, mid);
  free(ref.records);
  free(ta.records);
  ta.records = NULL;
}

static void open_errors(void **state) {
  (void)state;
  siren_host h;
  memset(&tb, 0, sizeof tb);
  th_setup(&tb, &h, 1, 0);
  siren_engine *e = (siren_engine *)&tb;
  assert_int_equal(siren_engine_open(&e, &h, NULL, &tb, NULL), SIREN_EINVAL); /* no storage_next */
  assert_null(e);
  h.version = 1;
  assert_int_equal(siren_engine_open(&e, &h, NULL, &tb, NULL), SIREN_EINVAL);
  /* A failing read is an error of the call: no engine. */
  tb.fail_next = -3;
  assert_int_equal(th_open(&tb, (const uint8_t *)"", 0, 0, NULL, &e), SIREN_ECALLBACK);
  assert_null(e);
  tb.fail_next = 0;
  /* An empty stream opens an empty engine. */
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  assert_int_equal(th_open(&tb, (const uint8_t *)"", 0, 0, &rep, &e), SIREN_OK);
  assert_int_equal(rep.records, 0);
  assert_int_equal(siren_contact_count(e), 0);
  siren_engine_free(e);
  free(tb.records);
}

/* Allocation failure while opening: ENOMEM, no engine, nothing leaked. */
static void open_under_allocation_failure(void **state) {
  (void)state;
  run_reference();
  long k;
  for (k = 1; k < 100000; k++) {
    memset(&tb, 0, sizeof tb);
    tb.fail_alloc_at = k;
    siren_engine *e = NULL;
    siren_open_report rep = SIREN_OPEN_REPORT_INIT;
    int rc = th_open(&tb, ref.records, ref.len, 1, &rep, &e);
    int injected = tb.alloc_count >= k;
    if (rc == SIREN_OK) {
      siren_engine_free(e);
      free(tb.records);
      if (tb.live_allocs) fail_msg("k=%ld: %ld allocations left", k, tb.live_allocs);
      if (!injected) break;
      continue;
    }
    assert_int_equal(rc, SIREN_ENOMEM);
    assert_null(e);
    free(tb.records);
    if (tb.live_allocs) fail_msg("k=%ld: %ld allocations left", k, tb.live_allocs);
  }
  print_message("open under allocation failure: %ld runs\n", k);
  free(ref.records);
  free(ta.records);
  ta.records = NULL;
}

/* --------------------------------------------------------------- sealing */

/* A toy seal: XOR with a key byte and a 4-byte tag in front. Real hosts
 * encrypt and authenticate; the test only needs a reversible transform that
 * can detect damage. */
static int seal_cb(const void *in, size_t len, void *out, size_t cap, size_t *out_len, void *ud) {
  (void)ud;
  if (len + 4 > cap) return -1;
  uint8_t *o = out;
  const uint8_t *p = in;
  uint32_t sum = 0;
  for (size_t i = 0; i < len; i++) {
    o[4 + i] = p[i] ^ 0x5a;
    sum = sum * 31 + p[i];
  }
  memcpy(o, &sum, 4);
  *out_len = len + 4;
  return 0;
}

static int unseal_cb(const void *in, size_t len, void *out, size_t cap, size_t *out_len, void *ud) {
  (void)ud;
  if (len < 4 || len - 4 > cap) return -1;
  const uint8_t *p = in;
  uint8_t *o = out;
  uint32_t sum = 0, want;
  for (size_t i = 0; i + 4 < len + 0 && i < len - 4; i++) {
    o[i] = p[4 + i] ^ 0x5a;
    sum = sum * 31 + o[i];
  }
  memcpy(&want, p, 4);
  if (sum != want) return -2;
  *out_len = len - 4;
  return 0;
}

/* Sealed blobs are framed by the test's own storage: u32 length + bytes. */
static uint8_t sealed[1 << 20];
static size_t sealed_len, sealed_off;

static int sealed_append(const void *rec, size_t len, void *ud) {
  (void)ud;
  assert_true(sealed_len + 4 + len <= sizeof sealed);
  uint32_t n = (uint32_t)len;
  memcpy(sealed + sealed_len, &n, 4);
  memcpy(sealed + sealed_len + 4, rec, len);
  sealed_len += 4 + len;
  return 0;
}

static int sealed_next(const void **rec, size_t *len, void *ud) {
  (void)ud;
  *rec = NULL;
  if (sealed_off >= sealed_len) return 0;
  uint32_t n;
  memcpy(&n, sealed + sealed_off, 4);
  *rec = sealed + sealed_off + 4;
  *len = n;
  sealed_off += 4 + n;
  return 0;
}

static void sealed_records_round_trip(void **state) {
  (void)state;
  sealed_len = sealed_off = 0;
  memset(&ta, 0, sizeof ta);
  siren_host h;
  th_setup(&ta, &h, 0, 0);
  h.storage_append = sealed_append;
  h.storage_next = sealed_next;
  h.seal = seal_cb;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &ta), SIREN_EINVAL); /* seal without unseal */
  h.unseal = unseal_cb;
  assert_int_equal(siren_engine_new(&e, &h, NULL, &ta), SIREN_OK);
  th_seed(e, 1);
  th_engage(e, "app-escalation-plan");
  th_run_until(&ta, e, 7);
  char want[sizeof ref.state];
  describe(e, want, sizeof want);
  uint64_t n = siren_engine_record_count(e);
  siren_engine_free(e);
  /* Stored bytes are not plain records. */
  assert_int_not_equal(siren_record_check(sealed + 4, sealed_len - 4, NULL), SIREN_OK);
  memset(&tb, 0, sizeof tb);
  tb.now = ta.now;
  th_setup(&tb, &h, 0, 0);
  h.storage_append = sealed_append;
  h.storage_next = sealed_next;
  h.seal = seal_cb;
  h.unseal = unseal_cb;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  assert_int_equal(siren_engine_open(&e, &h, NULL, &tb, &rep), SIREN_OK);
  assert_int_equal(rep.records, n);
  char got[sizeof ref.state];
  describe(e, got, sizeof got);
  assert_string_equal(got, want);
  siren_engine_free(e);
  /* A sealed blob damaged in storage fails to unseal: replay stops there. */
  sealed[sealed_len / 2] ^= 0x01;
  sealed_off = 0;
  assert_int_equal(siren_engine_open(&e, &h, NULL, &tb, &rep), SIREN_OK);
  assert_int_equal(rep.stopped, 1);
  assert_true(rep.records < n);
  assert_non_null(strstr(rep.stop_reason, "unseal failed"));
  siren_engine_free(e);
}

/* A failed append leaves the state unchanged; the retried command succeeds
 * and the stream is as if the failure never happened. */
static void failing_append_then_retry(void **state) {
  (void)state;
  run_reference();
  resumed = 1; /* quote pages and codes as the reference saw them */
  for (size_t nth = 1; nth <= ref.count; nth++) {
    free(tb.records);
    memset(&tb, 0, sizeof tb);
    tb.fail_storage_nth = nth;
    siren_engine *e = th_engine(&tb, 1, 0);
    for (size_t j = 0; j < STEPS; j++) {
      if (tb.now < ref.clock[j]) tb.now = ref.clock[j];
      const step *s = &scenario[j];
      if (s->advance) {
        int64_t end = TH_T0 + (int64_t)(s->minute * 60000.0);
        for (int guard = 0; guard < 10000; guard++) {
          int64_t d = siren_engine_next_deadline(e);
          if (d == SIREN_NO_DEADLINE || d > end) break;
          if (d > tb.now) tb.now = d;
          int rc = siren_engine_advance(e, NULL);
          assert_true(rc == SIREN_OK || rc == SIREN_ECALLBACK);
        }
        if (tb.now < end) tb.now = end;
        continue;
      }
      uint64_t before = siren_engine_record_count(e);
      cur_step = j;
      cur_arg = s->arg;
      int rc = s->run(e, &tb);
      if (rc == SIREN_ECALLBACK) {
        /* Either the catch-up or the command's own record failed; in both
         * cases the command was not applied: call it again. */
        assert_true(siren_engine_record_count(e) >= before);
        rc = s->run(e, &tb);
      }
      if (rc != SIREN_OK) fail_msg("nth=%zu step %zu: %s (%s)", nth, j, siren_strerror(rc), siren_errmsg(e));
    }
    if (tb.record_count != ref.count || memcmp(tb.records, ref.records, ref.len) != 0)
      fail_msg("nth=%zu: the stream differs after a failed append and a retry", nth);
    siren_engine_free(e);
  }
  resumed = 0;
  free(tb.records);
  tb.records = NULL;
  free(ref.records);
  free(ta.records);
  ta.records = NULL;
}

/* The API refuses a second acceptance of a page, so a stream holding one was
 * not written by siren: replay stops before it (and does not overwrite, or
 * leak, the first acceptance's note), and the page keeps the first. */
static void second_acceptance_stops_replay(void **state) {
  (void)state;
  static th_host a, b; /* large: not on the stack */
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  siren_engine *e = th_engine(&a, 1, 0);
  assert_int_equal(s_contact_ir(e, &a), SIREN_OK);
  assert_int_equal(s_email_ir(e, &a), SIREN_OK);
  assert_int_equal(s_sms_ir(e, &a), SIREN_OK);
  assert_int_equal(th_personal_plan(e, "incident-responder"), SIREN_OK);
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "incident-responder";
  p.sender = "monitor";
  p.subject = "disk full";
  p.content = "disk full on i-0abc";
  siren_id id = 0;
  assert_int_equal(siren_engagement_start(&id, e, &p), SIREN_OK);
  assert_int_equal(
      siren_page_accept(e, 1, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, "first"), SIREN_OK);
  assert_int_equal(
      siren_page_accept(e, 1, SIREN_ACCEPT_READ, NULL, SIREN_ACCEPT_IGNORE, "again"), SIREN_ESTATE);
  uint64_t good = siren_engine_record_count(e);
  sr_rec r;
  sr_rec_init(&r, SR_REC_ACCEPT);
  r.seq = e->seq + 1;
  r.time = a.now;
  assert_int_equal(sr_rec_int(&e->mem, &r, 1), SIREN_OK);
  assert_int_equal(sr_rec_int(&e->mem, &r, SIREN_ACCEPT_READ), SIREN_OK);
  assert_int_equal(sr_rec_str(&e->mem, &r, "second"), SIREN_OK);
  assert_int_equal(sr_store(e, &r), SIREN_OK);
  sr_rec_free(&e->mem, &r);
  siren_engine_free(e);

  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *e2 = NULL;
  assert_int_equal(th_open(&b, a.records, a.records_len, 0, &rep, &e2), SIREN_OK);
  assert_non_null(e2);
  assert_int_equal(rep.stopped, 1);
  assert_int_equal(rep.stop_code, SIREN_ECORRUPT);
  assert_int_equal(rep.records, good);
  siren_page_info pi = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&pi, e2, 1), SIREN_OK);
  assert_string_equal(pi.accept_note, "first");
  assert_int_equal(pi.accepted_time, a.now);
  siren_engine_free(e2);
  free(a.records);
  free(b.records);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(crash_after_every_record),
      cmocka_unit_test(torn_and_flipped_records_stop_replay),
      cmocka_unit_test(open_errors),
      cmocka_unit_test(open_under_allocation_failure),
      cmocka_unit_test(sealed_records_round_trip),
      cmocka_unit_test(failing_append_then_retry),
      cmocka_unit_test(second_acceptance_stops_replay),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
