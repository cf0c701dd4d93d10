/*
 * Snapshots (snapshot.c): the engine's whole state as one record, and an
 * engine rebuilt from it by siren_engine_open().
 *
 * 1. Resume from a snapshot taken after every step. A scenario (contacts,
 *    channels and activation codes, escalations with retries, receipts and
 *    acceptances, a plan replaced while a run still walks the old one,
 *    deleted contacts and channels, response plans with chat, ack timeout,
 *    auto-resolve and a maintenance window, dedupe and client tokens,
 *    related items, custom timeline events, a heartbeat missed and beaten,
 *    resolution, a deleted response plan, an analysis with answers and
 *    action items) runs with a snapshot after step p, for every p. Then for
 *    every later step m the engine "crashes": an engine is opened from the
 *    snapshot and the records stored after it up to step m, and the
 *    scenario goes on from step m. Everything that follows must be what the
 *    uninterrupted engine did: notifications (page ids, codes), events,
 *    query results, next deadlines and the stored records, byte for byte.
 *    Right after the snapshot, the reopened engine's state, written as a
 *    snapshot again, must equal the original's byte for byte.
 * 2. A damaged snapshot: every byte flipped and every truncation stops
 *    replay with ECORRUPT and an empty engine; a snapshot whose checksum is
 *    right but whose content is inconsistent (each integer changed to
 *    extreme or neighbouring values, integers and strings dropped or
 *    repeated) is refused with ECORRUPT and leaves the engine empty, or is
 *    accepted and the engine then runs (timers, queries, a new snapshot)
 *    without a fault. Run under valgrind and ASan/UBSan.
 * 3. Allocation failure while building and while restoring: ENOMEM,
 *    nothing changed, nothing leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testhost.h"

#define STEP_END 1000
#define MAX_STEPS 96

typedef enum { K_CMD, K_ADVANCE, K_QUERY } kind;

typedef struct ctx {
  th_host *th;
  siren_engine *e;
  char log[1 << 17];
  size_t log_len;
} ctx;

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

static int last_notice(const ctx *c, siren_notify_kind kind, const char *contact) {
  for (size_t i = c->th->notice_count; i-- > 0;)
    if (c->th->notices[i].kind == kind && strcmp(c->th->notices[i].contact, contact) == 0)
      return (int)i;
  return -1;
}

/* ------------------------------------------------------------ queries */

static int describe(ctx *c) {
  siren_engine *e = c->e;
  int rc;
#define Q(call)                     \
  do {                              \
    if ((rc = (call))) return rc;   \
  } while (0)
  for (uint32_t i = 0; siren_contact_alias_at(e, i); i++) {
    const char *alias = siren_contact_alias_at(e, i);
    siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
    Q(siren_contact_get(&ci, e, alias));
    logf_(c, "contact %s %s %d stages %u repeat %u channels %u\n", ci.alias, ci.display_name,
          (int)ci.type, ci.stage_count, ci.repeat_count, ci.channel_count);
    for (uint32_t s = 0; s < ci.stage_count; s++) {
      siren_stage st = SIREN_STAGE_INIT;
      Q(siren_contact_plan_stage(&st, e, alias, s));
      logf_(c, " stage %u %u min flags %u\n", s, st.duration_minutes, st.flags);
      for (uint32_t t = 0; t < st.target_count; t++) {
        siren_target tg = SIREN_TARGET_INIT;
        Q(siren_contact_plan_target(&tg, e, alias, s, t));
        logf_(c, "  target %s retry %u essential %d\n", tg.channel ? tg.channel : tg.contact,
              tg.retry_interval_minutes, tg.essential);
      }
    }
    for (uint32_t k = 0; siren_channel_name_at(e, alias, k); k++) {
      siren_channel_info ch = SIREN_CHANNEL_INFO_INIT;
      Q(siren_channel_get(&ch, e, alias, siren_channel_name_at(e, alias, k)));
      logf_(c, " channel %s %s %s activation %d attempts %u expires %lld\n", ch.name, ch.type,
            ch.address, (int)ch.activation, ch.attempts_left, (long long)ch.code_expires);
    }
    siren_id pages[64];
    size_t n = 0;
    Q(siren_contact_pages(pages, 64, &n, e, alias));
    logf_(c, " pages %zu\n", n);
  }
  siren_id ids[64];
  size_t n = 0;
  Q(siren_engagements(ids, 64, &n, e));
  for (size_t i = 0; i < n && i < 64; i++) {
    siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
    Q(siren_engagement_get(&ei, e, ids[i]));
    logf_(c, "engagement %llu %s %s state %d ack %d %lld-%lld %s pages %u\n",
          (unsigned long long)ids[i], ei.contact, ei.subject, (int)ei.state, ei.acknowledged,
          (long long)ei.start_time, (long long)ei.stop_time, ei.stop_reason, ei.page_count);
    siren_id pids[64];
    size_t pn = 0;
    Q(siren_engagement_pages(pids, 64, &pn, e, ids[i]));
    for (size_t k = 0; k < pn && k < 64; k++) {
      siren_page_info pi = SIREN_PAGE_INFO_INIT;
      Q(siren_page_get(&pi, e, pids[k]));
      logf_(c, " page %llu %s/%s by %s/%d stage %u retry of %llu sent %lld del %lld read %lld "
               "acc %lld note %s receipts %u\n",
            (unsigned long long)pids[k], pi.contact, pi.channel, pi.engaged_by,
            (int)pi.escalation_stage, pi.stage, (unsigned long long)pi.retry_of,
            (long long)pi.sent_time, (long long)pi.delivered_time, (long long)pi.read_time,
            (long long)pi.accepted_time, pi.accept_note, pi.receipt_count);
      for (uint32_t r = 0; r < pi.receipt_count; r++) {
        siren_receipt_info ri = SIREN_RECEIPT_INFO_INIT;
        Q(siren_page_receipt_at(&ri, e, pids[k], r));
        logf_(c, "  receipt %d %lld %s\n", (int)ri.type, (long long)ri.time, ri.info);
      }
    }
  }
  for (uint32_t i = 0; siren_response_plan_name_at(e, i); i++) {
    siren_response_plan p = SIREN_RESPONSE_PLAN_INIT;
    Q(siren_response_plan_get(&p, e, siren_response_plan_name_at(e, i)));
    logf_(c, "plan %s %s impact %d ack %u auto %u chat %zu eng %zu params %zu windows %zu\n",
          p.name, p.title, p.impact, p.ack_timeout_minutes, p.auto_resolve_minutes,
          p.chat_channel_count, p.engagement_count, p.runbook_param_count, p.maintenance_count);
  }
  Q(siren_incidents(ids, 64, &n, e, NULL));
  for (size_t i = 0; i < n && i < 64; i++) {
    siren_incident_info inc = SIREN_INCIDENT_INFO_INIT;
    Q(siren_incident_get(&inc, e, ids[i]));
    logf_(c, "incident %llu %s %s %s status %d impact %d ack %d triggers %u last %lld dedupe %s "
             "engagements %u items %u events %u analysis %llu chat %zu runbook %s maintenance %d\n",
          (unsigned long long)ids[i], inc.arn, inc.response_plan, inc.title, (int)inc.status,
          inc.impact, inc.acknowledged, inc.trigger_count, (long long)inc.last_trigger_time,
          inc.dedupe_string, inc.engagement_count, inc.related_item_count,
          inc.timeline_event_count, (unsigned long long)inc.analysis, inc.chat_channel_count,
          inc.runbook, inc.maintenance);
    for (uint32_t k = 0; k < inc.related_item_count; k++) {
      siren_related_item it = SIREN_RELATED_ITEM_INIT;
      Q(siren_incident_related_item_at(&it, e, ids[i], k));
      logf_(c, " item %d %s %s\n", (int)it.type, it.value, it.title);
    }
    siren_id eids[16];
    size_t en = 0;
    Q(siren_incident_engagements(eids, 16, &en, e, ids[i]));
    logf_(c, " engaged %zu\n", en);
    siren_id tl[128];
    size_t tn = 0;
    Q(siren_timeline_events(tl, 128, &tn, e, ids[i], NULL));
    for (size_t k = 0; k < tn && k < 128; k++) {
      siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
      Q(siren_timeline_event_get(&ev, e, ids[i], tl[k]));
      logf_(c, " %llu %lld %lld %s %s refs %zu\n", (unsigned long long)ev.id,
            (long long)ev.event_time, (long long)ev.updated_time, ev.event_type, ev.event_data,
            ev.reference_count);
    }
    if (!inc.analysis) continue;
    siren_analysis_info ai = SIREN_ANALYSIS_INFO_INIT;
    Q(siren_analysis_get(&ai, e, inc.analysis));
    logf_(c, " analysis q %u answered %u events %u items %u actions %u open %u\n",
          ai.question_count, ai.answered_count, ai.timeline_event_count, ai.related_item_count,
          ai.action_item_count, ai.open_action_item_count);
    for (uint32_t k = 0; k < ai.question_count; k++) {
      siren_question q = SIREN_QUESTION_INIT;
      Q(siren_analysis_question_at(&q, e, inc.analysis, k));
      logf_(c, "  q %s %s: %s\n", q.section, q.text, q.answer);
    }
    for (uint32_t k = 0; k < ai.timeline_event_count; k++) {
      siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
      Q(siren_analysis_timeline_at(&ev, e, inc.analysis, k));
      logf_(c, "  frozen %llu %s %s\n", (unsigned long long)ev.id, ev.event_type, ev.event_data);
    }
    for (uint32_t k = 0; k < ai.action_item_count; k++) {
      siren_action_item a = SIREN_ACTION_ITEM_INIT;
      Q(siren_analysis_action_item_at(&a, e, inc.analysis, k));
      logf_(c, "  action %s %s %d due %lld\n", a.title, a.owner, (int)a.status, (long long)a.due_time);
    }
  }
  siren_heartbeat hb = SIREN_HEARTBEAT_INIT;
  if (siren_heartbeat_get(&hb, e, "cpu-agent") == SIREN_OK)
    logf_(c, "heartbeat %s %s %u last %lld incident %llu\n", hb.name, hb.response_plan,
          hb.interval_minutes, (long long)hb.last_beat, (unsigned long long)hb.incident);
  logf_(c, "deadline %lld records %llu\n", (long long)siren_engine_next_deadline(e),
        (unsigned long long)siren_engine_record_count(e));
#undef Q
  return SIREN_OK;
}

static int preview(ctx *c, const char *contact, const char *ack_contact, uint32_t minute) {
  siren_preview_page out[16];
  for (int i = 0; i < 16; i++) siren_preview_page_init(&out[i], SIREN_PREVIEW_PAGE_VERSION);
  siren_preview_ack a = SIREN_PREVIEW_ACK_INIT;
  a.contact = ack_contact;
  a.after_minutes = minute;
  size_t total = 0;
  int rc = siren_engagement_preview(out, 16, &total, c->e, contact, &a, 1);
  if (rc) return rc;
  logf_(c, "preview %s:", contact);
  for (size_t i = 0; i < total && i < 16; i++)
    logf_(c, " %lld/%s/%s", (long long)out[i].offset_ms, out[i].contact, out[i].channel);
  logf_(c, "\n");
  return SIREN_OK;
}

/* ------------------------------------------------------------ the scenario */

static int run_until(ctx *c, double minutes) {
  th_run_until(c->th, c->e, minutes);
  return SIREN_OK;
}

static int engage(ctx *c, const char *contact, const char *token) {
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = contact;
  p.sender = "cpu-monitor";
  p.subject = "EC2 CPU above 85%";
  p.content = "i-0abc: CPUUtilization 91% for 5 minutes";
  p.public_subject = "CPU alarm";
  p.incident_id = "cpu-incident-1";
  p.idempotency_token = token;
  siren_id id = 0;
  int rc = siren_engagement_start(&id, c->e, &p);
  if (rc == SIREN_OK) logf_(c, "engaged %s: %llu\n", contact, (unsigned long long)id);
  return rc;
}

static int activate_with(ctx *c, const char *contact, const char *channel, int right) {
  int n = last_notice(c, SIREN_NOTIFY_ACTIVATION_CODE, contact);
  if (n < 0) return SIREN_ERROR;
  char code[8];
  snprintf(code, sizeof code, "%s", c->th->notices[n].code);
  if (!right) code[0] = code[0] == '1' ? '2' : '1';
  int rc = siren_channel_activate(c->e, contact, channel, code);
  if (!right) return rc == SIREN_EDENIED ? SIREN_OK : SIREN_ERROR;
  return rc;
}

static int page_of(ctx *c, const char *contact, siren_id *page, const char **code) {
  int n = last_notice(c, SIREN_NOTIFY_PAGE, contact);
  if (n < 0) return SIREN_ERROR;
  *page = c->th->notices[n].page;
  *code = c->th->notices[n].code;
  return SIREN_OK;
}

static int receipt(ctx *c, const char *contact, siren_receipt_type type, const char *info) {
  siren_id page;
  const char *code;
  if (page_of(c, contact, &page, &code)) return SIREN_ERROR;
  return siren_page_receipt(c->e, page, type, info);
}

static int accept(ctx *c, const char *contact, const char *note) {
  siren_id page;
  const char *code;
  if (page_of(c, contact, &page, &code)) return SIREN_ERROR;
  return siren_page_accept(c->e, page, SIREN_ACCEPT_READ, code, SIREN_ACCEPT_ENFORCE, note);
}

static const char *const chat[] = {"slack:#ops"};
static const char *const chat2[] = {"slack:#ops", "slack:#web"};
static const char *const targets[] = {"sns:oncall"};
static const char *const engage_esc[] = {"app-escalation-plan"};
static const char *const engage_sr[] = {"sr-incident-responder"};

static int cpu_plan(ctx *c) {
  static const char *const lvl[] = {"85"};
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
  p.display_name = "EC2 high CPU";
  p.title = "EC2 CPU above 85%";
  p.summary = "An instance of the web tier runs hot";
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
  p.tag_count = 1;
  p.tags = &tag;
  p.ack_timeout_minutes = 10;
  p.auto_resolve_minutes = 90;
  siren_window w = SIREN_WINDOW_INIT;
  w.start = TH_T0 + 110 * 60000LL;
  w.end = TH_T0 + 130 * 60000LL;
  p.maintenance_count = 1;
  p.maintenance = &w;
  return siren_response_plan_create(c->e, &p);
}

static int disk_plan(ctx *c) {
  siren_window w = SIREN_WINDOW_INIT;
  w.start = TH_T0 - 2 * 3600000;
  w.end = TH_T0 - 3600000;
  siren_response_plan p = SIREN_RESPONSE_PLAN_INIT;
  p.name = "DiskFull";
  p.title = "Disk full";
  p.impact = 4;
  p.dedupe_string = "disk-full";
  p.chat_channel_count = 1;
  p.chat_channels = chat;
  p.engagement_count = 1;
  p.engagements = engage_sr;
  p.auto_resolve_minutes = 30;
  p.maintenance_count = 1;
  p.maintenance = &w;
  return siren_response_plan_create(c->e, &p);
}

static int incident(ctx *c, const char *plan, const char *arn, const char *token, int item) {
  siren_related_item it = SIREN_RELATED_ITEM_INIT;
  it.type = SIREN_ITEM_INVOLVED_RESOURCE;
  it.value = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";
  it.title = "web-1";
  siren_incident_params ip = SIREN_INCIDENT_PARAMS_INIT;
  ip.response_plan = plan;
  ip.trigger_source = "aws.cloudwatch";
  ip.trigger_arn = arn;
  ip.client_token = token;
  ip.related_item_count = item ? 1 : 0;
  ip.related_items = item ? &it : NULL;
  siren_id id = 0;
  int merged = 0;
  int rc = siren_incident_start(&id, &merged, c->e, &ip);
  if (rc == SIREN_OK) logf_(c, "incident %llu merged %d\n", (unsigned long long)id, merged);
  return rc;
}

static int set_status(ctx *c, siren_id id, siren_incident_status status) {
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  u.fields = SIREN_UPDATE_STATUS;
  u.status = status;
  return siren_incident_update(c->e, id, &u);
}

static int custom_event(ctx *c, const char *type, const char *data, const char *ref) {
  siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
  in.event_type = type;
  in.event_data = data;
  in.reference_count = ref ? 1 : 0;
  in.references = ref ? &ref : NULL;
  siren_id id = 0;
  int rc = siren_timeline_event_create(&id, c->e, 1, &in);
  if (rc == SIREN_OK) logf_(c, "event %llu\n", (unsigned long long)id);
  return rc;
}

/* The last custom event of incident 1 (0: none). */
static siren_id last_custom(ctx *c) {
  siren_id ids[128];
  size_t n = 0;
  if (siren_timeline_events(ids, 128, &n, c->e, 1, NULL)) return 0;
  siren_id found = 0;
  for (size_t j = 0; j < n && j < 128; j++) {
    siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
    if (siren_timeline_event_get(&ev, c->e, 1, ids[j])) return 0;
    if (!ev.automatic && ids[j] > found) found = ids[j];
  }
  return found;
}

/* Stops the last engagement of contact. */
static int stop_last(ctx *c, const char *contact, const char *reason) {
  siren_id ids[64];
  size_t n = 0;
  int rc = siren_engagements(ids, 64, &n, c->e);
  if (rc) return rc;
  for (size_t i = n < 64 ? n : 64; i-- > 0;) {
    siren_engagement_info ei = SIREN_ENGAGEMENT_INFO_INIT;
    if ((rc = siren_engagement_get(&ei, c->e, ids[i]))) return rc;
    if (strcmp(ei.contact, contact) == 0) return siren_engagement_stop(c->e, ids[i], reason);
  }
  return SIREN_ERROR;
}

static int step(ctx *c, int i, kind *k) {
  siren_engine *e = c->e;
  *k = K_CMD;
  switch (i) {
  /* The directory: contacts, channels, activation codes, plans. */
  case 0: return siren_contact_create(e, "incident-responder", "Incident responder", SIREN_CONTACT_PERSONAL);
  case 1: return siren_channel_create(e, "incident-responder", "incident-responder-email", "EMAIL",
                                      "responder@example.com", SIREN_CHANNEL_ACTIVATED);
  case 2: return siren_channel_create(e, "incident-responder", "incident-responder-mobile", "SMS",
                                      "+12065550100", 0);
  case 3: return activate_with(c, "incident-responder", "incident-responder-mobile", 0);
  case 4: return activate_with(c, "incident-responder", "incident-responder-mobile", 1);
  case 5: return th_personal_plan(e, "incident-responder");
  case 6: return siren_contact_create(e, "sr-incident-responder", NULL, SIREN_CONTACT_PERSONAL);
  case 7: return siren_channel_create(e, "sr-incident-responder", "sr-incident-responder-email",
                                      "EMAIL", "sr@example.com", SIREN_CHANNEL_ACTIVATED);
  case 8: return siren_channel_create(e, "sr-incident-responder", "sr-incident-responder-mobile",
                                      "SMS", "+12065550101", SIREN_CHANNEL_ACTIVATED);
  case 9: return th_personal_plan(e, "sr-incident-responder");
  case 10: return siren_contact_create(e, "app-escalation-plan", "App escalation plan", SIREN_CONTACT_ESCALATION);
  case 11: return th_escalation_plan(e, "app-escalation-plan", 1, 1);
  case 12: return siren_contact_create(e, "newbie", NULL, SIREN_CONTACT_PERSONAL);
  case 13: return siren_channel_create(e, "newbie", "pager", "webhook", "https://example.com/hook", 0);
  case 14: return activate_with(c, "newbie", "pager", 0); /* a code stays pending, 4 attempts left */
  case 15: return siren_contact_create(e, "temp", NULL, SIREN_CONTACT_PERSONAL);
  case 16: return siren_channel_create(e, "temp", "temp-mail", "EMAIL", "t@example.com", SIREN_CHANNEL_ACTIVATED);
  case 17: return siren_channel_delete(e, "temp", "temp-mail");
  case 18: return siren_contact_delete(e, "temp");
  case 19: return siren_contact_create(e, "temp", "Temp again", SIREN_CONTACT_ESCALATION);
  /* Engagements: escalation, receipts, a retry, a new plan while the old
   * one runs, an acceptance, a STOP receipt and a re-activation, a stop. */
  case 20: return engage(c, "app-escalation-plan", "t1");
  case 21: *k = K_ADVANCE; return run_until(c, 3);
  case 22: return receipt(c, "incident-responder", SIREN_RECEIPT_DELIVERED, "250 2.0.0 OK");
  case 23: return receipt(c, "incident-responder", SIREN_RECEIPT_ERROR, "mailbox full");
  case 24: {
    siren_target t = SIREN_TARGET_INIT;
    t.channel = "incident-responder-email";
    t.retry_interval_minutes = 2;
    siren_stage st = SIREN_STAGE_INIT;
    st.duration_minutes = 3;
    st.target_count = 1;
    st.targets = &t;
    siren_plan plan = SIREN_PLAN_INIT;
    plan.stage_count = 1;
    plan.stages = &st;
    plan.repeat_count = 1;
    return siren_contact_set_plan(e, "incident-responder", &plan);
  }
  case 25: *k = K_QUERY; return preview(c, "app-escalation-plan", "incident-responder", 12);
  case 26: *k = K_ADVANCE; return run_until(c, 7);
  case 27: return accept(c, "sr-incident-responder", "mine, looking now");
  case 28: {
    siren_target a = SIREN_TARGET_INIT, b = SIREN_TARGET_INIT;
    a.contact = "incident-responder";
    b.contact = "sr-incident-responder";
    siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
    st[0].duration_minutes = 2;
    st[0].target_count = 1;
    st[0].targets = &a;
    st[1].duration_minutes = 2;
    st[1].target_count = 1;
    st[1].targets = &b;
    siren_plan plan = SIREN_PLAN_INIT;
    plan.stage_count = 2;
    plan.stages = st;
    plan.repeat_count = 1;
    return siren_contact_set_plan(e, "temp", &plan);
  }
  case 29: return engage(c, "temp", "t4");
  case 30: *k = K_ADVANCE; return run_until(c, 8);
  case 31: return accept(c, "incident-responder", NULL); /* not essential: temp goes on */
  case 32: *k = K_ADVANCE; return run_until(c, 12); /* the repeat skips incident-responder */
  case 33: return stop_last(c, "temp", "handled");
  case 34: *k = K_ADVANCE; return run_until(c, 20);
  case 35: return engage(c, "incident-responder", "t2");
  case 36: return receipt(c, "incident-responder", SIREN_RECEIPT_STOP, NULL);
  case 37: return siren_channel_send_activation_code(e, "incident-responder", "incident-responder-email");
  case 38: return activate_with(c, "incident-responder", "incident-responder-email", 1);
  case 39: *k = K_ADVANCE; return run_until(c, 24); /* incident-responder's plan repeats at 23 */
  case 40: return engage(c, "sr-incident-responder", "t3");
  case 41: return stop_last(c, "sr-incident-responder", "false alarm");
  case 42: *k = K_ADVANCE; return run_until(c, 26);
  /* Incidents. */
  case 43: return cpu_plan(c);
  case 44: return disk_plan(c);
  case 45: {
    siren_heartbeat hb = SIREN_HEARTBEAT_INIT;
    hb.name = "cpu-agent";
    hb.response_plan = "EC2HighCPU";
    hb.interval_minutes = 20;
    hb.resolve_on_beat = 1;
    return siren_heartbeat_create(e, &hb);
  }
  case 46: return incident(c, "EC2HighCPU", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu", NULL, 1);
  case 47: return incident(c, "EC2HighCPU", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu", NULL, 1);
  case 48: return incident(c, "DiskFull", "", "disk-1", 0);
  case 49: return incident(c, "DiskFull", "arn:disk", "disk-2", 1);
  case 50: return incident(c, "DiskFull", "", "disk-1", 0); /* the token: incident 2 again */
  case 51: *k = K_ADVANCE; return run_until(c, 29);
  case 52: return accept(c, "incident-responder", "looking");
  case 53: {
    siren_related_item it = SIREN_RELATED_ITEM_INIT;
    it.type = SIREN_ITEM_METRIC;
    it.value = "AWS/EC2 CPUUtilization";
    it.title = "CPU";
    return siren_incident_add_related_item(e, 1, &it);
  }
  case 54: return custom_event(c, "Note", "CPU pinned by a runaway cron job", "AWS/EC2 CPUUtilization");
  case 55: {
    siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
    in.event_type = "Custom Event";
    in.event_data = "Killed the cron job";
    siren_id id = last_custom(c);
    return id ? siren_timeline_event_update(e, 1, id, &in) : SIREN_ERROR;
  }
  case 56: return custom_event(c, "Note", "a note written by mistake", NULL);
  case 57: {
    siren_id id = last_custom(c);
    return id ? siren_timeline_event_delete(e, 1, id) : SIREN_ERROR;
  }
  case 58: {
    siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
    u.fields = SIREN_UPDATE_IMPACT | SIREN_UPDATE_TITLE | SIREN_UPDATE_CHAT_CHANNELS;
    u.impact = 2;
    u.title = "Web tier CPU saturated";
    u.chat_channel_count = 2;
    u.chat_channels = chat2;
    return siren_incident_update(e, 1, &u);
  }
  case 59: *k = K_ADVANCE; return run_until(c, 50); /* ack timeout at 39, heartbeat missed at 46 */
  case 60: return siren_heartbeat_beat(e, "cpu-agent"); /* resolves incident 3 */
  case 61: return siren_incident_remove_related_item(e, 1, "AWS/EC2 CPUUtilization");
  case 62: *k = K_ADVANCE; return run_until(c, 60); /* incident 2 auto-resolved at 56 */
  case 63: return siren_response_plan_delete(e, "DiskFull");
  case 64: return set_status(c, 1, SIREN_INCIDENT_RESOLVED);
  case 65: {
    siren_id an = 0;
    int rc = siren_analysis_create(&an, e, 1, NULL, 0);
    if (rc == SIREN_OK) logf_(c, "analysis %llu\n", (unsigned long long)an);
    return rc;
  }
  case 66: return siren_analysis_answer(e, 1, 0, "The CloudWatch alarm");
  case 67: {
    siren_action_item a = SIREN_ACTION_ITEM_INIT;
    a.title = "Alarm on cron runtime";
    a.owner = "sr-incident-responder";
    return siren_analysis_add_action_item(NULL, e, 1, &a);
  }
  case 68: return siren_analysis_set_action_item_status(e, 1, 0, SIREN_ACTION_CLOSED);
  case 69: {
    siren_action_item a = SIREN_ACTION_ITEM_INIT;
    a.title = "Cap cron CPU";
    a.due_time = TH_T0 + 7 * 24 * 3600000LL;
    return siren_analysis_add_action_item(NULL, e, 1, &a);
  }
  case 70: return set_status(c, 2, SIREN_INCIDENT_OPEN);
  case 71: return engage(c, "app-escalation-plan", "t1"); /* the token: engagement 1 again */
  case 72: *k = K_QUERY; return describe(c);
  case 73: *k = K_ADVANCE; return run_until(c, 100); /* heartbeat missed again at 70 */
  case 74: return receipt(c, "incident-responder", SIREN_RECEIPT_ERROR, "bounced");
  case 75: *k = K_QUERY; return describe(c);
  case 76: *k = K_ADVANCE; return run_until(c, 115);
  case 77: return incident(c, "EC2HighCPU", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu-2", NULL, 0); /* in the maintenance window */
  case 78: *k = K_ADVANCE; return run_until(c, 300);
  case 79: *k = K_QUERY; return describe(c);
  default: return STEP_END;
  }
}

/* ------------------------------------------------------------- running */

static size_t n_steps;

static void do_step(ctx *c, size_t j) {
  kind k;
  int rc = step(c, (int)j, &k);
  if (rc != SIREN_OK)
    fail_msg("step %zu: %s (%s)", j, siren_strerror(rc), c->e ? siren_errmsg(c->e) : "");
}

#define N_STEPS 80

static void count_steps(void) {
  ctx c;
  kind k;
  c.th = NULL;
  c.e = NULL;
  assert_int_equal(step(&c, N_STEPS, &k), STEP_END); /* touches nothing */
  n_steps = N_STEPS;
}

/* The state as a snapshot would write it (seq and time fixed), malloc'd. */
static uint8_t *state_bytes(siren_engine *e, int64_t time, size_t *len) {
  sr_rec r;
  sr_rec_init(&r, SR_REC_SNAPSHOT);
  r.seq = e->seq + 1;
  r.time = time;
  assert_int_equal(sr_snapshot_build(e, &r), SIREN_OK);
  size_t n = 0;
  assert_int_equal(sr_rec_encode(e, &r, &n), SIREN_OK);
  sr_rec_free(&e->mem, &r);
  uint8_t *p = malloc(n);
  assert_non_null(p);
  memcpy(p, e->recbuf, n);
  *len = n;
  return p;
}

/* Where the uninterrupted run stood after m steps. */
typedef struct mark {
  size_t notices, events, rec_len, rec_count, log_len;
  int64_t deadline, now;
  uint8_t *state; /* only right after the snapshot */
  size_t state_len;
  char *queries;  /* what describe() says */
} mark;

static th_host *host_b, *host_c;
static ctx *ctx_b, *ctx_c;
static mark marks[MAX_STEPS + 1];
static size_t snap_off, snap_len, snap_index; /* the snapshot in host_b's records */

static void new_host(th_host **h) {
  if (!*h) {
    *h = calloc(1, sizeof **h);
    assert_non_null(*h);
  }
  free((*h)->records);
  memset(*h, 0, sizeof **h);
}

static void new_ctx(ctx **c, th_host *h) {
  if (!*c) {
    *c = calloc(1, sizeof **c);
    assert_non_null(*c);
  }
  (*c)->th = h;
  (*c)->e = NULL;
  (*c)->log_len = 0;
  (*c)->log[0] = '\0';
}

/* Everything the queries say about the engine, malloc'd. */
static char *queries_of(siren_engine *e, th_host *th) {
  ctx *q = calloc(1, sizeof *q);
  assert_non_null(q);
  q->th = th;
  q->e = e;
  if (describe(q) != SIREN_OK) fail_msg("describe: %s", siren_errmsg(e));
  char *out = malloc(q->log_len + 1);
  assert_non_null(out);
  memcpy(out, q->log, q->log_len + 1);
  free(q);
  return out;
}

static void take_mark(size_t m, int with_state) {
  mark *k = &marks[m];
  k->notices = host_b->notice_count;
  k->events = host_b->ev_count;
  k->rec_len = host_b->records_len;
  k->rec_count = host_b->record_count;
  k->log_len = ctx_b->log_len;
  k->deadline = siren_engine_next_deadline(ctx_b->e);
  k->now = host_b->now;
  free(k->state);
  k->state = with_state ? state_bytes(ctx_b->e, 0, &k->state_len) : NULL;
  free(k->queries);
  k->queries = queries_of(ctx_b->e, host_b);
}

/* The uninterrupted run, with a snapshot after p steps (p < 0: none). The
 * engine is left in ctx_b->e. */
static void run_b(long p, int with_alloc) {
  new_host(&host_b);
  new_ctx(&ctx_b, host_b);
  ctx_b->e = th_engine(host_b, 1, with_alloc);
  for (size_t j = 0; j <= n_steps; j++) {
    if ((long)j == p) {
      snap_off = host_b->records_len;
      snap_index = host_b->record_count;
      assert_int_equal(siren_engine_snapshot(ctx_b->e), SIREN_OK);
      assert_int_equal(siren_engine_records_since_snapshot(ctx_b->e), 0);
      snap_len = host_b->records_len - snap_off;
      assert_int_equal(host_b->record_count, snap_index + 1);
      take_mark(j, 1);
    } else if (p >= 0 && (long)j > p) {
      take_mark(j, 0);
    }
    if (j < n_steps) do_step(ctx_b, j);
  }
}

static void free_b(void) {
  siren_engine_free(ctx_b->e);
  ctx_b->e = NULL;
}

/* Opens an engine from the snapshot and the records after it up to step m,
 * checks it, and goes on with the scenario; compares with run_b. */
static size_t resume(long p, size_t m) {
  const mark *k = &marks[m];
  new_host(&host_c);
  new_ctx(&ctx_c, host_c);
  /* The host remembers what it was told before the crash: steps quote
   * pages and codes from it. */
  memcpy(host_c->notices, host_b->notices, k->notices * sizeof host_b->notices[0]);
  host_c->notice_count = k->notices;
  host_c->now = k->now;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *e = NULL;
  int rc = th_open(host_c, host_b->records + snap_off, k->rec_len - snap_off, 0, &rep, &e);
  if (rc != SIREN_OK) fail_msg("p=%ld m=%zu: open: %s (%s)", p, m, siren_strerror(rc), e ? siren_errmsg(e) : "");
  if (rep.stopped) fail_msg("p=%ld m=%zu: replay stopped: %s", p, m, rep.stop_reason);
  assert_int_equal(rep.records, k->rec_count - snap_index);
  assert_int_equal(rep.bytes, k->rec_len - snap_off);
  assert_int_equal(rep.since_snapshot, k->rec_count - snap_index - 1);
  assert_int_equal(siren_engine_records_since_snapshot(e), k->rec_count - snap_index - 1);
  assert_int_equal(siren_engine_record_count(e), k->rec_count);
  ctx_c->e = e;
  /* Pages announced again are the original's, with their codes. */
  for (size_t i = k->notices; i < host_c->notice_count; i++) {
    const th_notice *x = &host_c->notices[i];
    assert_int_equal(x->kind, SIREN_NOTIFY_PAGE);
    int found = 0;
    for (size_t r = 0; r < k->notices && !found; r++)
      found = host_b->notices[r].kind == SIREN_NOTIFY_PAGE && host_b->notices[r].page == x->page &&
              strcmp(host_b->notices[r].code, x->code) == 0 &&
              strcmp(host_b->notices[r].channel, x->channel) == 0;
    if (!found) fail_msg("p=%ld m=%zu: page %llu announced again differs", p, m, (unsigned long long)x->page);
  }
  size_t again = host_c->notice_count - k->notices;
  assert_int_equal(again, rep.reannounced);
  host_c->notice_count = k->notices;
  if (siren_engine_next_deadline(e) != k->deadline)
    fail_msg("p=%ld m=%zu: next deadline %lld, want %lld", p, m,
             (long long)siren_engine_next_deadline(e), (long long)k->deadline);
  if (k->state) {
    size_t n = 0;
    uint8_t *st = state_bytes(e, 0, &n);
    if (n != k->state_len || memcmp(st, k->state, n) != 0)
      fail_msg("p=%ld: the restored state differs from the snapshot's (%zu bytes, want %zu)", p, n,
               k->state_len);
    free(st);
  }
  char *now_says = queries_of(e, host_c);
  if (strcmp(now_says, k->queries) != 0)
    fail_msg("p=%ld m=%zu: the reopened engine reads differently\n got: %s\nwant: %s", p, m, now_says,
             k->queries);
  free(now_says);
  for (size_t j = m; j < n_steps; j++) {
    do_step(ctx_c, j);
    if (siren_engine_next_deadline(e) != marks[j + 1].deadline)
      fail_msg("p=%ld m=%zu step %zu: next deadline %lld, want %lld", p, m, j,
               (long long)siren_engine_next_deadline(e), (long long)marks[j + 1].deadline);
  }
  /* What followed is the original's, byte for byte. */
  if (host_c->notice_count != host_b->notice_count ||
      memcmp(host_c->notices + k->notices, host_b->notices + k->notices,
             (host_b->notice_count - k->notices) * sizeof host_b->notices[0]) != 0)
    fail_msg("p=%ld m=%zu: notifications differ (%zu, want %zu)", p, m, host_c->notice_count,
             host_b->notice_count);
  if (host_c->ev_count != host_b->ev_count - k->events)
    fail_msg("p=%ld m=%zu: %zu events, want %zu", p, m, host_c->ev_count, host_b->ev_count - k->events);
  for (size_t i = 0; i < host_c->ev_count; i++)
    if (host_c->ev_types[i] != host_b->ev_types[k->events + i] ||
        host_c->ev_times[i] != host_b->ev_times[k->events + i] ||
        strcmp(host_c->ev_lines[i], host_b->ev_lines[k->events + i]) != 0)
      fail_msg("p=%ld m=%zu: event %zu: %s, want %s", p, m, i, host_c->ev_lines[i],
               host_b->ev_lines[k->events + i]);
  if (ctx_c->log_len != ctx_b->log_len - k->log_len ||
      memcmp(ctx_c->log, ctx_b->log + k->log_len, ctx_c->log_len) != 0)
    fail_msg("p=%ld m=%zu: queries differ\n got: %s\nwant: %s", p, m, ctx_c->log, ctx_b->log + k->log_len);
  if (host_c->records_len != host_b->records_len - k->rec_len ||
      (host_c->records_len &&
       memcmp(host_c->records, host_b->records + k->rec_len, host_c->records_len) != 0))
    fail_msg("p=%ld m=%zu: the records stored after reopening differ", p, m);
  siren_engine_free(e);
  ctx_c->e = NULL;
  return again;
}

static void resume_from_a_snapshot_after_every_step(void **state) {
  (void)state;
  count_steps();
  /* The reference without any snapshot: the same pages at the same times. */
  run_b(-1, 0);
  char plain[8192];
  snprintf(plain, sizeof plain, "%s", th_pages_text(host_b));
  /* The scenario does what it says: the retry at 4, the repeat at 11 that
   * skips the contact who accepted, incident-responder's new plan repeating,
   * the re-engagement at 39 after the ack timeout, the heartbeat's
   * incidents at 46 and 70, nobody engaged in the maintenance window. */
  assert_string_equal(plain,
                      "0:incident-responder/incident-responder-email "
                      "4:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "7:incident-responder/incident-responder-email "
                      "9:sr-incident-responder/sr-incident-responder-email "
                      "20:incident-responder/incident-responder-email "
                      "23:incident-responder/incident-responder-email "
                      "24:sr-incident-responder/sr-incident-responder-email "
                      "26:incident-responder/incident-responder-email "
                      "26:sr-incident-responder/sr-incident-responder-email "
                      "29:incident-responder/incident-responder-email "
                      "36:sr-incident-responder/sr-incident-responder-mobile "
                      "39:incident-responder/incident-responder-email "
                      "42:incident-responder/incident-responder-email "
                      "44:sr-incident-responder/sr-incident-responder-email "
                      "46:incident-responder/incident-responder-email "
                      "49:incident-responder/incident-responder-email "
                      "54:sr-incident-responder/sr-incident-responder-mobile "
                      "70:incident-responder/incident-responder-email "
                      "73:incident-responder/incident-responder-email "
                      "75:sr-incident-responder/sr-incident-responder-email "
                      "85:sr-incident-responder/sr-incident-responder-mobile");
  int skipped = 0, maintenance = 0;
  for (size_t i = 0; i < host_b->ev_count; i++) {
    skipped += strstr(host_b->ev_lines[i], "channel.skipped:incident-responder::0:contact already accepted") != NULL;
    maintenance += strstr(host_b->ev_lines[i], "(maintenance window: nobody engaged)") != NULL;
  }
  assert_int_equal(skipped, 1);
  assert_int_equal(maintenance, 2); /* chat and notification target */
  assert_non_null(strstr(ctx_b->log, "incident 2 merged 1\nincident 2 merged 0\n")); /* dedupe, then the token */
  assert_non_null(strstr(ctx_b->log, " maintenance 1\n"));
  size_t plain_len = host_b->records_len;
  free_b();
  size_t runs = 0, again = 0;
  for (long p = 0; p <= (long)n_steps; p++) {
    run_b(p, 0);
    assert_string_equal(th_pages_text(host_b), plain);
    if (p == 0 || p == 20 || p == 43 || p == 60 || p == 73 || p == (long)n_steps)
      print_message("snapshot after step %ld: %zu bytes; the %zu records before it: %zu bytes\n", p,
                    snap_len, snap_index, snap_off);
    for (size_t m = (size_t)p; m <= n_steps; m++) {
      again += resume(p, m);
      runs++;
    }
    /* The whole stream, the snapshot in the middle: replay skips it. */
    new_host(&host_c);
    siren_engine *e = NULL;
    siren_open_report rep = SIREN_OPEN_REPORT_INIT;
    assert_int_equal(th_open(host_c, host_b->records, host_b->records_len, 0, &rep, &e), SIREN_OK);
    assert_int_equal(rep.stopped, 0);
    assert_int_equal(rep.records, host_b->record_count);
    siren_engine_free(e);
    free_b();
  }
  print_message("resumed %zu times (%zu pages announced again); a run without snapshots stores "
                "%zu bytes\n",
                runs, again, plain_len);
  for (size_t m = 0; m <= MAX_STEPS; m++) {
    free(marks[m].state);
    free(marks[m].queries);
    marks[m].state = NULL;
    marks[m].queries = NULL;
  }
}

/* ---------------------------------------------------------- damaged data */

static int engine_empty(const siren_engine *e) {
  return e->contact_count == 0 && e->channel_count == 0 && e->live_contacts == 0 &&
         e->aliases.live == 0 && e->rt.engagement_count == 0 && e->rt.run_count == 0 &&
         e->rt.page_count == 0 && e->rt.heap_count == 0 && e->rt.failed_head == SR_NONE &&
         e->rplan_count == 0 && e->incident_count == 0 && e->tl_count == 0 &&
         e->heartbeat_count == 0 && e->analysis_count == 0 && e->contacts == NULL &&
         e->rt.engagements == NULL;
}

/* A snapshot of the scenario after p steps, copied out (malloc'd). */
static uint8_t *snapshot_after(long p, size_t *len) {
  run_b(p, 0);
  uint8_t *s = malloc(snap_len);
  assert_non_null(s);
  memcpy(s, host_b->records + snap_off, snap_len);
  *len = snap_len;
  free_b();
  return s;
}

static void flipped_and_torn_snapshots_stop_replay(void **state) {
  (void)state;
  count_steps();
  long points[] = {32, 60, (long)n_steps};
  size_t opens = 0;
  for (size_t pi = 0; pi < sizeof points / sizeof points[0]; pi++) {
    size_t len = 0;
    uint8_t *s = snapshot_after(points[pi], &len);
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    for (size_t b = 0; b < 2 * len; b++) {
      size_t cut = len;
      memcpy(copy, s, len);
      if (b < len)
        copy[b] ^= 0xff;
      else if ((cut = b - len) == 0)
        continue;
      new_host(&host_c);
      siren_open_report rep = SIREN_OPEN_REPORT_INIT;
      siren_engine *e = NULL;
      assert_int_equal(th_open(host_c, copy, cut, 0, &rep, &e), SIREN_OK);
      if (!rep.stopped || rep.stop_code != SIREN_ECORRUPT || rep.records != 0 || rep.bytes != 0)
        fail_msg("p=%ld byte %zu: opened (stopped %d code %d records %llu)", points[pi], b,
                 rep.stopped, rep.stop_code, (unsigned long long)rep.records);
      assert_true(engine_empty(e));
      assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
      siren_engine_free(e);
      opens++;
    }
    free(copy);
    free(s);
  }
  print_message("%zu damaged snapshots, each refused\n", opens);
}

/* Exercises an engine restored from a doubtful snapshot: every query, the
 * timers for two days, a snapshot of its own. Nothing may fault. */
static void exercise(siren_engine *e, th_host *th) {
  ctx *c = calloc(1, sizeof *c);
  assert_non_null(c);
  c->th = th;
  c->e = e;
  (void)describe(c);
  siren_preview_page out[8];
  for (int i = 0; i < 8; i++) siren_preview_page_init(&out[i], SIREN_PREVIEW_PAGE_VERSION);
  size_t total = 0;
  for (uint32_t i = 0; siren_contact_alias_at(e, i) && i < 8; i++)
    (void)siren_engagement_preview(out, 8, &total, e, siren_contact_alias_at(e, i), NULL, 0);
  for (int guard = 0; guard < 2000; guard++) {
    int64_t d = siren_engine_next_deadline(e);
    if (d == SIREN_NO_DEADLINE || d > th->now + 2 * 24 * 3600000LL) break;
    if (d > th->now) th->now = d;
    (void)siren_engine_advance(e, NULL);
  }
  (void)describe(c);
  size_t n = 0;
  free(state_bytes(e, 0, &n));
  free(c);
}

typedef struct outcome {
  size_t tried, refused, accepted;
} outcome;

/* Restores r directly into a fresh engine: ECORRUPT and an empty engine, or
 * success and an engine that runs. */
static void try_restore(const sr_rec *r, outcome *o, const char *what, size_t at) {
  new_host(&host_c);
  th_host *th = host_c;
  th->now = r->time;
  /* No event callback: a changed time may be anywhere in int64, and the test
   * host's event lines subtract T0 from event times. */
  siren_host h;
  th_setup(th, &h, 0, 0);
  h.event = NULL;
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &h, NULL, th), SIREN_OK);
  th->engine = e;
  e->replaying = 1;
  int rc = sr_snapshot_restore(e, r);
  e->replaying = 0;
  o->tried++;
  if (rc == SIREN_ECORRUPT) {
    o->refused++;
    if (!engine_empty(e)) fail_msg("%s %zu: refused, but the engine is not empty", what, at);
    assert_true(strlen(siren_errmsg(e)) > 0);
  } else if (rc == SIREN_OK) {
    o->accepted++;
    e->seq = r->seq;
    e->now = r->time;
    exercise(e, th);
  } else {
    fail_msg("%s %zu: restore returned %s", what, at, siren_strerror(rc));
  }
  siren_engine_free(e);
}

/* Encodes r with a right checksum and opens a stream of it alone. */
static void try_open(siren_engine *enc, const sr_rec *r, outcome *o) {
  size_t n = 0;
  assert_int_equal(sr_rec_encode(enc, r, &n), SIREN_OK);
  uint8_t *bytes = malloc(n);
  assert_non_null(bytes);
  memcpy(bytes, enc->recbuf, n);
  new_host(&host_c);
  host_c->now = r->time;
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *e = NULL;
  assert_int_equal(th_open(host_c, bytes, n, 0, &rep, &e), SIREN_OK);
  o->tried++;
  if (rep.stopped) {
    assert_int_equal(rep.stop_code, SIREN_ECORRUPT);
    assert_int_equal(rep.records, 0);
    assert_true(engine_empty(e));
    o->refused++;
  } else {
    o->accepted++;
    exercise(e, host_c);
  }
  siren_engine_free(e);
  free(bytes);
}

static void inconsistent_snapshots_are_refused(void **state) {
  (void)state;
  count_steps();
  long points[] = {32, 60};
  outcome direct = {0, 0, 0}, opened = {0, 0, 0}, shape = {0, 0, 0};
  for (size_t pi = 0; pi < sizeof points / sizeof points[0]; pi++) {
    size_t len = 0;
    uint8_t *s = snapshot_after(points[pi], &len);
    sr_rec r;
    assert_int_equal(sr_rec_decode(&sr_mem_libc, &r, s, len), SIREN_OK);
    assert_int_equal(r.type, SR_REC_SNAPSHOT);
    /* As it is, it restores. */
    outcome ok = {0, 0, 0};
    try_restore(&r, &ok, "as is", 0);
    assert_int_equal(ok.accepted, 1);
    size_t ni = r.int_count, ns = r.str_count;
    int64_t *ints = malloc((ni + 1) * sizeof *ints);
    sr_str *strs = malloc((ns + 1) * sizeof *strs);
    assert_non_null(ints);
    assert_non_null(strs);
    sr_rec m = r;
    m.ints = ints;
    m.strs = strs;
    th_host *enc_host = calloc(1, sizeof *enc_host);
    assert_non_null(enc_host);
    siren_engine *enc = th_engine(enc_host, 0, 0);
    /* Each integer changed. */
    for (size_t i = 0; i < ni; i++) {
      int64_t v = r.ints[i];
      int64_t vals[] = {v + 1, v - 1, 0, -1, 1000000, (int64_t)UINT32_MAX, INT64_MAX, INT64_MIN};
      for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
        if (vals[k] == v) continue;
        memcpy(ints, r.ints, ni * sizeof *ints);
        memcpy(strs, r.strs, ns * sizeof *strs);
        ints[i] = vals[k];
        m.int_count = ni;
        m.str_count = ns;
        try_restore(&m, &direct, "int", i);
        if (k < 2) try_open(enc, &m, &opened);
      }
    }
    /* Integers and strings dropped or repeated, strings changed. */
    for (size_t i = 0; i < ni; i++)
      for (int dup = 0; dup < 2; dup++) {
        memcpy(ints, r.ints, i * sizeof *ints);
        memcpy(ints + i + dup, r.ints + i + 1 - dup, (ni - i - 1 + dup) * sizeof *ints);
        (void)memcpy(strs, r.strs, ns * sizeof *strs);
        m.int_count = ni - 1 + 2 * (size_t)dup;
        m.str_count = ns;
        try_restore(&m, &shape, "int shape", i);
      }
    static const char long_code[] = "123456789";
    for (size_t j = 0; j < ns; j++) {
      for (int how = 0; how < 5; how++) {
        memcpy(ints, r.ints, ni * sizeof *ints);
        m.int_count = ni;
        m.str_count = ns;
        if (how < 2) {
          memcpy(strs, r.strs, j * sizeof *strs);
          memcpy(strs + j + how, r.strs + j + 1 - how, (ns - j - 1 + how) * sizeof *strs);
          m.str_count = ns - 1 + 2 * (size_t)how;
        } else {
          memcpy(strs, r.strs, ns * sizeof *strs);
          if (how == 2) strs[j] = (sr_str){"", 0};
          if (how == 3) strs[j] = (sr_str){long_code, sizeof long_code - 1};
          if (how == 4) strs[j] = r.strs[(j + 1) % ns];
        }
        try_restore(&m, &shape, "string", j);
      }
    }
    /* A version this library does not know, and a non-empty engine. */
    memcpy(ints, r.ints, ni * sizeof *ints);
    memcpy(strs, r.strs, ns * sizeof *strs);
    m.int_count = ni;
    m.str_count = ns;
    ints[0] = 2;
    outcome v = {0, 0, 0};
    try_restore(&m, &v, "version", 0);
    assert_int_equal(v.refused, 1);
    new_host(&host_c);
    siren_engine *e = th_engine(host_c, 0, 0);
    assert_int_equal(siren_contact_create(e, "someone", NULL, SIREN_CONTACT_PERSONAL), SIREN_OK);
    assert_int_equal(sr_snapshot_restore(e, &r), SIREN_ECORRUPT);
    assert_int_equal(siren_contact_count(e), 1);
    siren_engine_free(e);
    siren_engine_free(enc);
    free(enc_host->records);
    free(enc_host);
    free(ints);
    free(strs);
    sr_rec_free(&sr_mem_libc, &r);
    free(s);
  }
  print_message("changed integers: %zu restores, %zu refused, %zu accepted; %zu opened with a "
                "right checksum, %zu refused\n",
                direct.tried, direct.refused, direct.accepted, opened.tried, opened.refused);
  print_message("dropped/repeated/changed integers and strings: %zu restores, %zu refused\n",
                shape.tried, shape.refused);
  assert_true(direct.refused > 0);
  assert_true(opened.refused > 0);
  assert_true(shape.refused > 0);
}

/* ------------------------------------------------------------ allocation */

static void build_under_allocation_failure(void **state) {
  (void)state;
  count_steps();
  /* The scenario's first 60 steps leave every kind of state. */
  new_host(&host_b);
  new_ctx(&ctx_b, host_b);
  ctx_b->e = th_engine(host_b, 1, 1);
  for (size_t j = 0; j < 60; j++) do_step(ctx_b, j);
  siren_engine *e = ctx_b->e;
  (void)siren_engine_next_deadline(e); /* stale timers dropped, as the snapshot's catch-up does */
  size_t want_len = 0;
  uint8_t *want = state_bytes(e, e->now > host_b->now ? e->now : host_b->now, &want_len);
  uint64_t seq = e->seq, since = siren_engine_records_since_snapshot(e);
  size_t stored = host_b->record_count;
  long k, failures = 0;
  for (k = 1; k < 100000; k++) {
    host_b->fail_alloc_at = host_b->alloc_count + k;
    int rc = siren_engine_snapshot(e);
    int injected = host_b->alloc_count >= host_b->fail_alloc_at;
    host_b->fail_alloc_at = 0;
    if (rc == SIREN_OK) {
      assert_false(injected);
      break;
    }
    assert_int_equal(rc, SIREN_ENOMEM);
    assert_true(injected);
    assert_true(strlen(siren_errmsg(e)) > 0);
    assert_int_equal(e->seq, seq);
    assert_int_equal(siren_engine_records_since_snapshot(e), since);
    assert_int_equal(host_b->record_count, stored);
    failures++;
  }
  assert_true(failures > 3);
  assert_int_equal(host_b->record_count, stored + 1);
  if (memcmp(host_b->records + host_b->records_len - want_len, want, want_len) != 0)
    fail_msg("the snapshot stored after %ld failures differs", failures);
  free(want);
  siren_engine_free(e);
  ctx_b->e = NULL;
  assert_int_equal(host_b->live_allocs, 0);
  print_message("build: %ld allocation failures, each ENOMEM with nothing changed\n", failures);
}

static void restore_under_allocation_failure(void **state) {
  (void)state;
  count_steps();
  size_t len = 0;
  uint8_t *s = snapshot_after(60, &len);
  /* The reference state, restored without failures. */
  new_host(&host_c);
  siren_engine *e = NULL;
  assert_int_equal(th_open(host_c, s, len, 0, NULL, &e), SIREN_OK);
  size_t want_len = 0;
  uint8_t *want = state_bytes(e, 0, &want_len);
  siren_engine_free(e);
  /* Through siren_engine_open, failing allocation k and all after it. */
  long k, failures = 0;
  for (k = 1; k < 100000; k++) {
    new_host(&host_c);
    host_c->fail_alloc_at = k;
    e = NULL;
    int rc = th_open(host_c, s, len, 1, NULL, &e);
    int injected = host_c->alloc_count >= k;
    host_c->fail_alloc_at = 0;
    if (rc == SIREN_OK) {
      size_t n = 0;
      uint8_t *got = state_bytes(e, 0, &n);
      if (n != want_len || memcmp(got, want, n) != 0) fail_msg("k=%ld: opened a different state", k);
      free(got);
      siren_engine_free(e);
      if (host_c->live_allocs) fail_msg("k=%ld: %ld allocations left", k, host_c->live_allocs);
      if (!injected) break;
      continue;
    }
    assert_int_equal(rc, SIREN_ENOMEM);
    assert_null(e);
    if (host_c->live_allocs) fail_msg("k=%ld: %ld allocations left", k, host_c->live_allocs);
    failures++;
  }
  /* Directly, one failure at a time: the engine stays empty and holds no
   * more than before. */
  sr_rec r;
  assert_int_equal(sr_rec_decode(&sr_mem_libc, &r, s, len), SIREN_OK);
  new_host(&host_c);
  e = th_engine(host_c, 0, 1);
  long direct;
  for (direct = 1; direct < 100000; direct++) {
    long live = host_c->live_allocs;
    host_c->fail_alloc_at = host_c->alloc_count + direct;
    int rc = sr_snapshot_restore(e, &r);
    int injected = host_c->alloc_count >= host_c->fail_alloc_at;
    host_c->fail_alloc_at = 0;
    if (rc == SIREN_OK) {
      assert_false(injected);
      break;
    }
    assert_int_equal(rc, SIREN_ENOMEM);
    assert_true(engine_empty(e));
    if (host_c->live_allocs != live)
      fail_msg("direct %ld: %ld allocations left behind", direct, host_c->live_allocs - live);
  }
  e->seq = r.seq;
  size_t n = 0;
  uint8_t *got = state_bytes(e, 0, &n);
  assert_int_equal(n, want_len);
  assert_memory_equal(got, want, n);
  free(got);
  siren_engine_free(e);
  assert_int_equal(host_c->live_allocs, 0);
  sr_rec_free(&sr_mem_libc, &r);
  free(want);
  free(s);
  print_message("restore: %ld opens failed with ENOMEM, %ld direct failures, nothing leaked\n",
                failures, direct - 1);
}

/* ------------------------------------------------------ failed-notify list */

/* The list of pages whose notify failed is kept in its own order (it is
 * drained before a snapshot through the API; built directly here). */
static void failed_list_is_kept(void **state) {
  (void)state;
  new_host(&host_b);
  siren_engine *e = th_engine(host_b, 1, 0);
  th_seed(e, 1);
  assert_int_equal(siren_engine_snapshot(e), SIREN_OK); /* something to skip */
  siren_id a = th_engage(e, "incident-responder");
  siren_id b = th_engage(e, "sr-incident-responder");
  (void)a;
  (void)b;
  /* Queue the two pages as if notify had failed, newest first. */
  sr_runtime *rt = &e->rt;
  assert_int_equal(rt->page_count, 2);
  rt->failed_head = 1;
  SR_AT(rt->pages, 1).next_failed = 0;
  SR_AT(rt->pages, 1).failed_queued = 1;
  SR_AT(rt->pages, 0).next_failed = SR_NONE;
  SR_AT(rt->pages, 0).failed_queued = 1;
  rt->failed_tail = 0;
  size_t n = 0;
  uint8_t *bytes = state_bytes(e, e->now, &n);
  e->seq++; /* as if it had been stored: the next records follow it */
  /* Make the record the next one of the stream. */
  new_host(&host_c);
  host_c->now = host_b->now;
  siren_engine *f = NULL;
  assert_int_equal(th_open(host_c, bytes, n, 0, NULL, &f), SIREN_OK);
  assert_int_equal(f->rt.failed_head, 1);
  assert_int_equal(SR_AT(f->rt.pages, 1).next_failed, 0);
  assert_int_equal(f->rt.failed_tail, 0);
  assert_int_equal(siren_engine_next_deadline(f), f->now);
  /* Both drain the same way: the same ERROR receipts, in the same order. */
  size_t before_b = host_b->records_len;
  assert_int_equal(siren_engine_advance(e, NULL), SIREN_OK);
  assert_int_equal(siren_engine_advance(f, NULL), SIREN_OK);
  assert_int_equal(host_c->records_len, host_b->records_len - before_b);
  assert_memory_equal(host_c->records, host_b->records + before_b, host_c->records_len);
  assert_int_equal(siren_engine_next_deadline(f), siren_engine_next_deadline(e));
  free(bytes);
  siren_engine_free(e);
  siren_engine_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(resume_from_a_snapshot_after_every_step),
      cmocka_unit_test(flipped_and_torn_snapshots_stop_replay),
      cmocka_unit_test(inconsistent_snapshots_are_refused),
      cmocka_unit_test(build_under_allocation_failure),
      cmocka_unit_test(restore_under_allocation_failure),
      cmocka_unit_test(failed_list_is_kept),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  if (host_b) free(host_b->records);
  if (host_c) free(host_c->records);
  free(host_b);
  free(host_c);
  free(ctx_b);
  free(ctx_c);
  return rc;
}
