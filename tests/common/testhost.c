/* The test host; see testhost.h. */
#include "testhost.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../examples/zoneinfo/zoneinfo.h"

int th_zone_loads;
static zoneinfo_cache th_zones;

static int cb_load_zone(const char *name, const void **data, size_t *len, void *ud) {
  (void)ud;
  th_zone_loads++;
  return zoneinfo_read(&th_zones, name, data, len);
}

static void copy(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static int cb_clock(int64_t *now, void *ud) {
  th_host *th = ud;
  *now = th->now;
  return 0;
}

static void try_reenter(th_host *th) {
  if (th->reenter && th->engine) th->reenter_rc = siren_contact_create(th->engine, "intruder", NULL, SIREN_CONTACT_PERSONAL);
}

static int cb_notify(const siren_notification *n, void *ud) {
  th_host *th = ud;
  try_reenter(th);
  if (th->notice_count < TH_MAX_LINES) {
    th_notice *x = &th->notices[th->notice_count++];
    memset(x, 0, sizeof *x);
    x->kind = n->kind;
    x->time = n->time;
    x->page = n->page;
    x->engagement = n->engagement;
    x->retry_of = n->retry_of;
    copy(x->contact, sizeof x->contact, n->contact);
    copy(x->channel, sizeof x->channel, n->channel);
    copy(x->channel_type, sizeof x->channel_type, n->channel_type);
    copy(x->address, sizeof x->address, n->address);
    copy(x->subject, sizeof x->subject, n->subject);
    copy(x->content, sizeof x->content, n->content);
    copy(x->code, sizeof x->code, n->code);
    x->stage = n->stage;
    if (n->version >= 2) {
      x->incident = n->incident;
      copy(x->text, sizeof x->text, n->text);
      copy(x->message, sizeof x->message, n->message);
      if (n->kind == SIREN_NOTIFY_ACTION) {
        x->execution = n->execution;
        copy(x->step, sizeof x->step, n->step);
        copy(x->action, sizeof x->action, n->action);
        copy(x->inputs, sizeof x->inputs, n->inputs);
        x->attempt = n->attempt;
      }
    }
    if (n->version >= 3 && n->kind == SIREN_NOTIFY_SHIFT) {
      copy(x->rotation, sizeof x->rotation, n->rotation);
      x->shift_start = n->shift_start;
      x->shift_end = n->shift_end;
    }
  }
  return th->fail_notify;
}

static int cb_event(const siren_event *ev, void *ud) {
  th_host *th = ud;
  if (th->ev_count < TH_MAX_LINES) {
    size_t i = th->ev_count++;
    th->ev_types[i] = ev->type;
    th->ev_times[i] = ev->time;
    snprintf(th->ev_lines[i], sizeof th->ev_lines[i], "%lld:%s:%s:%s:%d:%s:%s",
             (long long)((ev->time - TH_T0) / 1000), siren_event_type_name(ev->type), ev->contact,
             ev->channel, (int)ev->stage, ev->reason, ev->version >= 2 ? ev->text : "");
    /* Version 3 members only when set, so older lines read as before. */
    if (ev->version >= 3 && (ev->rotation[0] || ev->schedule[0])) {
      size_t o = strlen(th->ev_lines[i]);
      snprintf(th->ev_lines[i] + o, sizeof th->ev_lines[i] - o, ":%s:%s:%lld", ev->rotation,
               ev->schedule, (long long)(ev->until ? (ev->until - TH_T0) / 1000 : 0));
    }
  }
  return th->fail_event;
}

static int cb_storage(const void *rec, size_t len, void *ud) {
  th_host *th = ud;
  th->append_calls++;
  if (th->fail_storage) return th->fail_storage;
  if (th->fail_storage_nth && th->append_calls == th->fail_storage_nth) return -1;
  if (th->records_len + len > th->records_cap) {
    size_t cap = th->records_cap ? th->records_cap * 2 : 4096;
    while (cap < th->records_len + len) cap *= 2;
    uint8_t *p = realloc(th->records, cap);
    assert_non_null(p);
    th->records = p;
    th->records_cap = cap;
  }
  memcpy(th->records + th->records_len, rec, len);
  th->records_len += len;
  th->record_count++;
  return 0;
}

static int cb_next(const void **rec, size_t *len, void *ud) {
  th_host *th = ud;
  if (th->fail_next) return th->fail_next;
  *rec = NULL;
  *len = 0;
  if (th->read_off >= th->read_len) return 0;
  size_t left = th->read_len - th->read_off;
  const uint8_t *p = th->read_src + th->read_off;
  size_t n = left;
  if (left >= 4) {
    n = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
    if (n < 4 || n > left) n = left; /* torn: hand over what there is */
  }
  *rec = p;
  *len = n;
  th->read_off += n;
  return 0;
}

static void *cb_alloc(size_t n, void *ud) {
  th_host *th = ud;
  th->alloc_count++;
  if (th->fail_alloc_at && th->alloc_count >= th->fail_alloc_at) return NULL;
  void *p = malloc(n);
  if (p) th->live_allocs++;
  return p;
}

static void *cb_realloc(void *p, size_t n, void *ud) {
  th_host *th = ud;
  th->alloc_count++;
  if (th->fail_alloc_at && th->alloc_count >= th->fail_alloc_at) return NULL;
  void *q = realloc(p, n);
  if (q && !p) th->live_allocs++;
  return q;
}

static void cb_free(void *p, void *ud) {
  th_host *th = ud;
  if (p) th->live_allocs--;
  free(p);
}

void th_setup(th_host *th, siren_host *host, int with_storage, int with_alloc) {
  siren_host_init(host, SIREN_HOST_VERSION);
  host->clock = cb_clock;
  host->notify = cb_notify;
  host->event = cb_event;
  host->load_zone = cb_load_zone;
  if (with_storage) host->storage_append = cb_storage;
  if (with_alloc) {
    host->mem_alloc = cb_alloc;
    host->mem_realloc = cb_realloc;
    host->mem_free = cb_free;
  }
  if (!th->now) th->now = TH_T0;
}

siren_engine *th_engine(th_host *th, int with_storage, int with_alloc) {
  siren_host host;
  th_setup(th, &host, with_storage, with_alloc);
  siren_engine *e = NULL;
  assert_int_equal(siren_engine_new(&e, &host, NULL, th), SIREN_OK);
  th->engine = e;
  return e;
}

int th_open(th_host *th, const uint8_t *src, size_t len, int with_alloc, siren_open_report *rep,
            siren_engine **out) {
  siren_host host;
  th_setup(th, &host, 1, with_alloc);
  host.storage_next = cb_next;
  th->read_src = src;
  th->read_len = len;
  th->read_off = 0;
  int rc = siren_engine_open(out, &host, NULL, th, rep);
  th->engine = *out;
  return rc;
}

void th_at_minute(th_host *th, double minutes) { th->now = TH_T0 + (int64_t)(minutes * 60000.0); }

void th_run_until(th_host *th, siren_engine *e, double minutes) {
  int64_t end = TH_T0 + (int64_t)(minutes * 60000.0);
  for (;;) {
    int64_t d = siren_engine_next_deadline(e);
    if (d == SIREN_NO_DEADLINE || d > end) break;
    if (d > th->now) th->now = d;
    int rc = siren_engine_advance(e, NULL);
    if (rc != SIREN_OK && rc != SIREN_ECALLBACK) fail_msg("advance: %s", siren_errmsg(e));
    if (rc == SIREN_ECALLBACK && !th->fail_notify && !th->fail_event) fail_msg("advance: %s", siren_errmsg(e));
    if (th->fail_storage) break;
  }
  if (end > th->now) th->now = end;
}

const char *th_pages_text(const th_host *th) {
  static char buf[8192];
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < th->notice_count && o < sizeof buf - 200; i++) {
    const th_notice *n = &th->notices[i];
    if (n->kind != SIREN_NOTIFY_PAGE) continue;
    int64_t ms = n->time - TH_T0;
    if (ms % 60000 == 0)
      o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%lld:%s/%s", o ? " " : "", (long long)(ms / 60000), n->contact, n->channel);
    else
      o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%llds:%s/%s", o ? " " : "", (long long)(ms / 1000), n->contact, n->channel);
  }
  return buf;
}

int th_last_page(const th_host *th, const char *contact, const char *channel) {
  for (size_t i = th->notice_count; i-- > 0;) {
    const th_notice *n = &th->notices[i];
    if (n->kind == SIREN_NOTIFY_PAGE && strcmp(n->contact, contact) == 0 &&
        (!channel || strcmp(n->channel, channel) == 0))
      return (int)i;
  }
  return -1;
}

size_t th_count_events(const th_host *th, siren_event_type type) {
  size_t n = 0;
  for (size_t i = 0; i < th->ev_count; i++) n += th->ev_types[i] == type;
  return n;
}

int th_find_event(const th_host *th, siren_event_type type, size_t from) {
  for (size_t i = from; i < th->ev_count; i++)
    if (th->ev_types[i] == type) return (int)i;
  return -1;
}

int th_personal_plan(siren_engine *e, const char *alias) {
  char email[64], sms[64];
  snprintf(email, sizeof email, "%s-email", alias);
  snprintf(sms, sizeof sms, "%s-mobile", alias);
  siren_target t1 = SIREN_TARGET_INIT, t2 = SIREN_TARGET_INIT;
  t1.channel = email;
  t1.retry_interval_minutes = 1;
  t2.channel = sms;
  t2.retry_interval_minutes = 1;
  siren_stage st[2] = {SIREN_STAGE_INIT, SIREN_STAGE_INIT};
  st[0].duration_minutes = 10;
  st[0].target_count = 1;
  st[0].targets = &t1;
  st[1].duration_minutes = 5;
  st[1].target_count = 1;
  st[1].targets = &t2;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 2;
  plan.stages = st;
  return siren_contact_set_plan(e, alias, &plan);
}

int th_escalation_plan(siren_engine *e, const char *alias, int essential1, int essential2) {
  siren_target a = SIREN_TARGET_INIT, b = SIREN_TARGET_INIT;
  a.contact = "incident-responder";
  a.essential = essential1;
  b.contact = "sr-incident-responder";
  b.essential = essential2;
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
  return siren_contact_set_plan(e, alias, &plan);
}

static void personal(siren_engine *e, const char *alias, int activate) {
  char email[64], sms[64];
  snprintf(email, sizeof email, "%s-email", alias);
  snprintf(sms, sizeof sms, "%s-mobile", alias);
  assert_int_equal(siren_contact_create(e, alias, alias, SIREN_CONTACT_PERSONAL), SIREN_OK);
  uint32_t flags = activate ? SIREN_CHANNEL_ACTIVATED : 0;
  assert_int_equal(siren_channel_create(e, alias, email, "EMAIL", "responder@example.com", flags), SIREN_OK);
  assert_int_equal(siren_channel_create(e, alias, sms, "SMS", "+12065550100", flags), SIREN_OK);
  assert_int_equal(th_personal_plan(e, alias), SIREN_OK);
}

void th_seed(siren_engine *e, int activate) {
  personal(e, "incident-responder", activate);
  personal(e, "sr-incident-responder", activate);
  assert_int_equal(siren_contact_create(e, "app-escalation-plan", "App escalation plan", SIREN_CONTACT_ESCALATION), SIREN_OK);
  assert_int_equal(th_escalation_plan(e, "app-escalation-plan", 1, 1), SIREN_OK);
}

siren_id th_engage(siren_engine *e, const char *contact) {
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = contact;
  p.sender = "cpu-monitor";
  p.subject = "EC2 CPU above 85%";
  p.content = "i-0abc: CPUUtilization 91% for 5 minutes";
  p.public_subject = "CPU alarm";
  p.public_content = "CPU alarm on a production host";
  p.incident_id = "cpu-incident-1";
  siren_id id = 0;
  int rc = siren_engagement_start(&id, e, &p);
  if (rc != SIREN_OK) fail_msg("engagement_start: %s", siren_errmsg(e));
  return id;
}
