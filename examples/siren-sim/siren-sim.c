/*
 * siren-sim: run an incident story on a simulated clock and print every
 * decision siren takes as JSON Lines.
 *
 * An example host: the clock is a variable, notifications are remembered so
 * that AcceptPage events can quote the accept code a person would have read,
 * and events are printed (chat and notification-target messages too, from
 * their chat.message events; shift notices, which siren leaves to the host
 * to deliver, as shift.notice lines). Time zones come from the system's
 * zoneinfo through load_zone (examples/zoneinfo/zoneinfo.h). It reads the
 * scenario with siren's own document reader (an internal header: this
 * program is built inside the tree). This file holds the host, the paging
 * and rotation-override actions, --svg, --shifts, --check and main;
 * incidents.c the incident actions and the incident events' lines;
 * runbooks.c the runbook actions, the host side of runbook steps and the
 * runbook events' lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "../zoneinfo/zoneinfo.h"

#define MAX_PAGES 100000
#define DAY_MS INT64_C(86400000)

static const char *prog = "siren-sim";

/* ---------------------------------------------------------------- time */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (*m <= 2));
}

void sim_fmt_time(int64_t ms, char out[64]) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  int y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  unsigned r = (unsigned)rem; /* 0 .. 86399999 */
  snprintf(out, 64, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", y, m, d, r / 3600000u, r / 60000u % 60u,
           r / 1000u % 60u, r % 1000u);
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm). -1 on error. */
int sim_parse_rfc3339(const char *s, int64_t *out) {
  int y, mo, d, h, mi, sec, n = 0;
  if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
  const char *p = s + 19;
  int64_t ms = 0;
  if (*p == '.') {
    int digits = 0;
    for (p++; *p >= '0' && *p <= '9'; p++, digits++)
      if (digits < 3) ms = ms * 10 + (*p - '0');
    if (digits == 0) return -1;
    while (digits++ < 3) ms *= 10;
  }
  int64_t off = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int oh, om;
    if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2) return -1;
    off = (oh * 60 + om) * 60000;
    if (*p == '-') off = -off;
    p += 6;
  } else {
    return -1;
  }
  if (*p) return -1;
  *out = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms - off;
  return 0;
}

/* ISO 8601 duration: PnDTnHnMn.nS (also PnW). -1 on error. */
int sim_parse_duration(const char *s, int64_t *out) {
  if (*s != 'P') return -1;
  const char *p = s + 1;
  int in_time = 0, any = 0;
  double total = 0;
  while (*p) {
    if (*p == 'T') {
      in_time = 1;
      p++;
      continue;
    }
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno || v < 0) return -1;
    char u = *end;
    double unit = 0;
    if (!in_time && u == 'W') unit = 7 * 86400e3;
    else if (!in_time && u == 'D') unit = 86400e3;
    else if (in_time && u == 'H') unit = 3600e3;
    else if (in_time && u == 'M') unit = 60e3;
    else if (in_time && u == 'S') unit = 1e3;
    else return -1;
    total += v * unit;
    any = 1;
    p = end + 1;
  }
  if (!any || total > 9e15) return -1;
  *out = (int64_t)(total + 0.5);
  return 0;
}

int sim_parse_when(const sim *s, const char *text, int64_t *out) {
  if (text[0] == 'P') {
    if (sim_parse_duration(text, out) != 0) return -1;
    *out += s->start;
    return 0;
  }
  return sim_parse_rfc3339(text, out);
}

/* ------------------------------------------------------------ host side */

static int cb_clock(int64_t *now, void *ud) {
  *now = ((sim *)ud)->now;
  return 0;
}

/* One engine, one cache: siren copies a zone's bytes when it loads one. */
static zoneinfo_cache sim_zones;

static int cb_load_zone(const char *name, const void **data, size_t *len, void *ud) {
  (void)ud;
  return zoneinfo_read(&sim_zones, name, data, len);
}

void sim_add_mark(sim *s, int64_t t, int kind, const char *contact, const char *type, const char *label) {
  if (s->nmarks == s->mcap) {
    size_t cap = s->mcap ? s->mcap * 2 : 64;
    svg_mark *m = realloc(s->marks, cap * sizeof *m);
    if (!m) return;
    s->marks = m;
    s->mcap = cap;
  }
  svg_mark *m = &s->marks[s->nmarks++];
  m->t = t;
  m->kind = kind;
  snprintf(m->contact, sizeof m->contact, "%s", contact ? contact : "");
  snprintf(m->channel_type, sizeof m->channel_type, "%s", type ? type : "");
  snprintf(m->label, sizeof m->label, "%s", label ? label : "");
}

static int cb_notify(const siren_notification *n, void *ud) {
  sim *s = ud;
  if (n->kind == SIREN_NOTIFY_PAGE) {
    if (s->npages >= MAX_PAGES) return 0;
    sim_page *p = &s->pages[s->npages++];
    p->id = n->page;
    p->t = n->time;
    snprintf(p->contact, sizeof p->contact, "%s", n->contact);
    snprintf(p->channel, sizeof p->channel, "%s", n->channel);
    snprintf(p->type, sizeof p->type, "%s", n->channel_type);
    snprintf(p->code, sizeof p->code, "%s", n->code);
  } else if (n->kind == SIREN_NOTIFY_ACTIVATION_CODE) {
    if (s->ncodes == s->ccap) {
      size_t cap = s->ccap ? s->ccap * 2 : 16;
      sim_code *c = realloc(s->codes, cap * sizeof *c);
      if (!c) return 1;
      s->codes = c;
      s->ccap = cap;
    }
    sim_code *c = &s->codes[s->ncodes++];
    snprintf(c->contact, sizeof c->contact, "%s", n->contact);
    snprintf(c->channel, sizeof c->channel, "%s", n->channel);
    snprintf(c->code, sizeof c->code, "%s", n->code);
  } else if (n->kind == SIREN_NOTIFY_ACTION) {
    return sim_action_requested(s, n);
  } else if (n->kind == SIREN_NOTIFY_SHIFT && !s->quiet) {
    /* siren leaves it to the host to reach the contact: siren-sim prints it. */
    char t[64];
    sim_fmt_time(n->time, t);
    fprintf(s->out, "{\"t\":\"%s\",\"event\":\"shift.notice\"", t);
    sim_field_s(s->out, "contact", n->contact);
    sim_field_s(s->out, "rotation", n->rotation);
    sim_field_s(s->out, "message", n->message);
    sim_field_time(s->out, "start", n->shift_start);
    if (n->shift_end)
      sim_field_time(s->out, "end", n->shift_end);
    else
      fputs(",\"end\":null", s->out); /* nothing changes after it */
    fputs("}\n", s->out);
  }
  return 0;
}

void sim_json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
    else if (ch == '\n') fputs("\\n", f);
    else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
    else fputc(ch, f);
  }
  fputc('"', f);
}

void sim_field_s(FILE *f, const char *k, const char *v) {
  fprintf(f, ",\"%s\":", k);
  sim_json_str(f, v);
}

void sim_field_time(FILE *f, const char *k, int64_t ms) {
  char t[64];
  sim_fmt_time(ms, t);
  fprintf(f, ",\"%s\":\"%s\"", k, t);
}

/* A comma-separated list ("" = empty) as a JSON array. */
static void field_list(FILE *f, const char *k, const char *text) {
  fprintf(f, ",\"%s\":[", k);
  for (const char *p = text; *p;) {
    size_t n = strcspn(p, ",");
    char one[256];
    snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), p);
    if (p != text) fputc(',', f);
    sim_json_str(f, one);
    p += n + (p[n] == ',');
  }
  fputc(']', f);
}

/* A time, or null for 0 ("no end"). */
static void field_until(FILE *f, int64_t ms) {
  if (ms)
    sim_field_time(f, "until", ms);
  else
    fputs(",\"until\":null", f);
}

void sim_line(const sim *s, const char *event) {
  char t[64];
  sim_fmt_time(s->now, t);
  fprintf(s->out, "{\"t\":\"%s\",\"event\":\"%s\"", t, event);
}

static int cb_event(const siren_event *ev, void *ud) {
  sim *s = ud;
  char t[64];
  sim_fmt_time(ev->time, t);
  FILE *f = s->out;
  if (!s->quiet) {
    fprintf(f, "{\"t\":\"%s\",\"event\":\"%s\"", t, siren_event_type_name(ev->type));
    switch (ev->type) {
    case SIREN_EVENT_ENGAGEMENT_STARTED:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "contact", ev->contact);
      if (*ev->incident_id) sim_field_s(f, "incident", ev->incident_id);
      break;
    case SIREN_EVENT_STAGE_STARTED:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "contact", ev->contact);
      fprintf(f, ",\"stage\":%d", (int)ev->stage);
      break;
    case SIREN_EVENT_CONTACT_ENGAGED:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "by", ev->reason);
      /* A schedule's contacts are engaged by no stage of it. */
      if (ev->stage >= 0) fprintf(f, ",\"stage\":%d", (int)ev->stage);
      fprintf(f, ",\"essential\":%s", ev->essential ? "true" : "false");
      break;
    case SIREN_EVENT_PAGE_SENT:
      fprintf(f, ",\"page\":%llu,\"engagement\":%llu", (unsigned long long)ev->page,
              (unsigned long long)ev->engagement);
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "channel", ev->channel);
      sim_field_s(f, "type", ev->channel_type);
      if (*ev->incident_id) sim_field_s(f, "incident", ev->incident_id);
      break;
    case SIREN_EVENT_PAGE_RETRY:
      fprintf(f, ",\"page\":%llu", (unsigned long long)ev->page);
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "channel", ev->channel);
      fprintf(f, ",\"retry_of\":%llu", (unsigned long long)ev->related);
      break;
    case SIREN_EVENT_PAGE_ACCEPTED:
      fprintf(f, ",\"page\":%llu", (unsigned long long)ev->page);
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "channel", ev->channel);
      fprintf(f, ",\"essential\":%s", ev->essential ? "true" : "false");
      break;
    case SIREN_EVENT_PAGE_RECEIPT:
      fprintf(f, ",\"page\":%llu", (unsigned long long)ev->page);
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "channel", ev->channel);
      sim_field_s(f, "receipt", ev->reason);
      break;
    case SIREN_EVENT_CHANNEL_SKIPPED:
      if (ev->engagement) fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "channel", ev->channel);
      sim_field_s(f, "reason", ev->reason);
      break;
    case SIREN_EVENT_ENGAGEMENT_STOPPED:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "reason", ev->reason);
      break;
    case SIREN_EVENT_ENGAGEMENT_COMPLETED:
      fprintf(f, ",\"engagement\":%llu,\"acknowledged\":%s", (unsigned long long)ev->engagement,
              ev->acknowledged ? "true" : "false");
      break;
    case SIREN_EVENT_PLAN_REPEATED:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "contact", ev->contact);
      fprintf(f, ",\"repeat\":%d", (int)ev->stage);
      break;
    case SIREN_EVENT_SHIFT_STARTED:
      sim_field_s(f, "rotation", ev->rotation);
      field_list(f, "contacts", ev->text);
      sim_field_s(f, "type", ev->reason);
      field_until(f, ev->until);
      break;
    case SIREN_EVENT_SCHEDULE_RESOLVED:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "schedule", ev->schedule);
      sim_field_s(f, "rotation", ev->rotation);
      sim_field_s(f, "contact", ev->contact);
      field_until(f, ev->until);
      if (*ev->incident_id) sim_field_s(f, "incident", ev->incident_id);
      break;
    case SIREN_EVENT_SCHEDULE_NOBODY:
      fprintf(f, ",\"engagement\":%llu", (unsigned long long)ev->engagement);
      sim_field_s(f, "schedule", ev->schedule);
      sim_field_s(f, "reason", ev->reason);
      if (ev->until) sim_field_time(f, "until", ev->until);
      if (*ev->incident_id) sim_field_s(f, "incident", ev->incident_id);
      break;
    default:
      if (sim_print_incident_event(f, ev) || sim_print_runbook_event(f, ev)) break;
      sim_field_s(f, "contact", ev->contact);
      sim_field_s(f, "channel", ev->channel);
      if (*ev->reason) sim_field_s(f, "reason", ev->reason);
      break;
    }
    fputs("}\n", f);
  }
  char label[64];
  switch (ev->type) {
  case SIREN_EVENT_PAGE_SENT:
    snprintf(label, sizeof label, "page %llu", (unsigned long long)ev->page);
    sim_add_mark(s, ev->time, MARK_PAGE, ev->contact, ev->channel_type, label);
    break;
  case SIREN_EVENT_PAGE_ACCEPTED:
    sim_add_mark(s, ev->time, MARK_ACCEPTED, ev->contact, ev->channel_type, ev->essential ? "accepted (essential)" : "accepted");
    break;
  case SIREN_EVENT_STAGE_STARTED:
    snprintf(label, sizeof label, "%s stage %d", ev->contact, (int)ev->stage + 1);
    sim_add_mark(s, ev->time, MARK_STAGE, ev->contact, "", label);
    break;
  case SIREN_EVENT_CHANNEL_SKIPPED:
    sim_add_mark(s, ev->time, MARK_SKIPPED, ev->contact, ev->channel_type, ev->reason);
    break;
  case SIREN_EVENT_INCIDENT_CREATED:
  case SIREN_EVENT_INCIDENT_REOPENED:
    snprintf(label, sizeof label, "incident %llu %s", (unsigned long long)ev->incident,
             ev->type == SIREN_EVENT_INCIDENT_CREATED ? "opened" : "reopened");
    sim_add_mark(s, ev->time, MARK_OPENED, "", "", label);
    break;
  case SIREN_EVENT_INCIDENT_RESOLVED:
    snprintf(label, sizeof label, "incident %llu resolved", (unsigned long long)ev->incident);
    sim_add_mark(s, ev->time, MARK_RESOLVED, "", "", label);
    break;
  default:
    break;
  }
  return 0;
}

/* ------------------------------------------------------------- scenario */

char *sim_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    if (cap > (64u << 20)) {
      free(buf);
      buf = NULL;
      break;
    }
    char *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  fclose(f);
  *len = n;
  if (buf) buf[n] = '\0'; /* n < cap: the loop ends on a short read */
  return buf;
}

void sim_path(const char *scenario, const char *rel, char out[4096]) {
  const char *slash = strrchr(scenario, '/');
  if (rel[0] == '/' || !slash)
    snprintf(out, 4096, "%s", rel);
  else
    snprintf(out, 4096, "%.*s/%s", (int)(slash - scenario), scenario, rel);
}

const char *sim_sget(const sr_doc_node *m, const char *k) {
  const sr_doc_node *n = sr_doc_get_ci(m, k);
  return n && sr_doc_is_scalar(n) && n->kind != SR_DOC_NULL ? n->str : NULL;
}

int sim_fail_at(const ctx *c, const sr_doc_node *n, const char *fmt, const char *a) {
  fprintf(stderr, "%s:%u:%u: ", c->file, n ? n->line : 1, n ? n->col : 1);
  fprintf(stderr, fmt, a ? a : "");
  fputc('\n', stderr);
  return 2;
}

static const sim_page *find_page(const sim *s, const char *contact, const char *channel) {
  for (size_t i = s->npages; i-- > 0;)
    if (strcmp(s->pages[i].contact, contact) == 0 && (!channel || strcmp(s->pages[i].channel, channel) == 0))
      return &s->pages[i];
  return NULL;
}

int sim_api_fail(const ctx *c, const sr_doc_node *n, const char *action) {
  fprintf(stderr, "%s:%u:%u: %s: %s\n", c->file, n->line, n->col, action, siren_errmsg(c->e));
  return 1;
}

/* An alias or name, or what an ARN names after marker ("arn:...:contact/x"). */
static const char *arn_name(const char *ref, const char *marker) {
  const char *p = ref && strncmp(ref, "arn:", 4) == 0 ? strstr(ref, marker) : NULL;
  return p ? p + strlen(marker) : ref;
}

static const char *const mode_names[] = {"REPLACE", "ADD", "REMOVE"};

/* CreateRotationOverride {RotationId, NewContactIds, StartTime, EndTime,
 * Mode?} and DeleteRotationOverride {RotationId, RotationOverrideId}: -1 when
 * action is neither, else 0 or an exit code. */
static int rotation_action(const ctx *c, const char *action, const sr_doc_node *a) {
  int create = strcmp(action, "CreateRotationOverride") == 0;
  if (!create && strcmp(action, "DeleteRotationOverride") != 0) return -1;
  siren_engine *e = c->e;
  const char *rot = arn_name(sim_sget(a, "RotationId"), ":rotation/");
  if (!rot) return sim_fail_at(c, a, "%sRotationId is required", "");
  if (!create) {
    const sr_doc_node *idn = sr_doc_get_ci(a, "RotationOverrideId");
    if (!idn || idn->kind != SR_DOC_INT || idn->i < 1)
      return sim_fail_at(c, idn ? idn : a, "%sRotationOverrideId: expected the id override.created printed", "");
    int rc = siren_override_delete(e, rot, (siren_id)idn->i);
    if (rc && rc != SIREN_ECALLBACK) return sim_api_fail(c, a, action);
    if (!c->s->quiet) {
      sim_line(c->s, "override.deleted");
      sim_field_s(c->s->out, "rotation", rot);
      fprintf(c->s->out, ",\"override\":%lld}\n", (long long)idn->i);
    }
    return 0;
  }
  siren_override o = SIREN_OVERRIDE_INIT;
  o.rotation = rot;
  const char *mode = sim_sget(a, "Mode");
  int m = mode ? -1 : SIREN_OVERRIDE_REPLACE;
  for (int i = 0; mode && i < 3; i++)
    if (strcmp(mode, mode_names[i]) == 0) m = i;
  if (m < 0) return sim_fail_at(c, sr_doc_get_ci(a, "Mode"), "Mode \"%s\": expected REPLACE, ADD or REMOVE", mode);
  o.mode = (siren_override_mode)m;
  const char *start = sim_sget(a, "StartTime"), *end = sim_sget(a, "EndTime");
  if (!start || !end) return sim_fail_at(c, a, "%sStartTime and EndTime are required", "");
  if (sim_parse_when(c->s, start, &o.start) != 0)
    return sim_fail_at(c, sr_doc_get_ci(a, "StartTime"), "StartTime \"%s\": expected a duration from start or an RFC 3339 instant", start);
  if (sim_parse_when(c->s, end, &o.end) != 0)
    return sim_fail_at(c, sr_doc_get_ci(a, "EndTime"), "EndTime \"%s\": expected a duration from start or an RFC 3339 instant", end);
  const sr_doc_node *ids = sr_doc_get_ci(a, "NewContactIds");
  const char *contacts[30];
  if (ids && ids->kind != SR_DOC_SEQ && ids->kind != SR_DOC_NULL)
    return sim_fail_at(c, ids, "%sNewContactIds: expected a list of contacts", "");
  for (size_t i = 0; ids && ids->kind == SR_DOC_SEQ && i < ids->count; i++) {
    if (i >= 30) return sim_fail_at(c, ids, "%sNewContactIds: at most 30 contacts", "");
    const char *id = sr_doc_is_scalar(ids->items[i]) ? ids->items[i]->str : NULL;
    if (!id) return sim_fail_at(c, ids->items[i], "%sNewContactIds: expected a contact alias or ARN", "");
    contacts[o.contact_count++] = arn_name(id, ":contact/");
  }
  o.contacts = contacts;
  siren_id id = 0;
  int rc = siren_override_create(&id, e, &o);
  if (rc && rc != SIREN_ECALLBACK) return sim_api_fail(c, a, action);
  if (!c->s->quiet) {
    FILE *f = c->s->out;
    sim_line(c->s, "override.created");
    sim_field_s(f, "rotation", rot);
    fprintf(f, ",\"override\":%llu", (unsigned long long)id);
    sim_field_s(f, "mode", mode_names[m]);
    fputs(",\"contacts\":[", f);
    for (size_t i = 0; i < o.contact_count; i++) {
      if (i) fputc(',', f);
      sim_json_str(f, contacts[i]);
    }
    fputc(']', f);
    sim_field_time(f, "start", o.start);
    sim_field_time(f, "end", o.end);
    fputs("}\n", f);
  }
  return 0;
}

/* Runs one event action. Returns 0, or an exit code. */
static int run_action(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_engine *e = c->e;
  int rc;
  if (strcmp(action, "StartEngagement") == 0) {
    siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
    p.contact = sim_sget(a, "ContactId");
    p.sender = sim_sget(a, "Sender") ? sim_sget(a, "Sender") : "siren-sim";
    p.subject = sim_sget(a, "Subject") ? sim_sget(a, "Subject") : "(no subject)";
    p.content = sim_sget(a, "Content") ? sim_sget(a, "Content") : "(no content)";
    p.public_subject = sim_sget(a, "PublicSubject");
    p.public_content = sim_sget(a, "PublicContent");
    p.incident_id = sim_sget(a, "IncidentId");
    p.idempotency_token = sim_sget(a, "IdempotencyToken");
    if (p.contact && strncmp(p.contact, "arn:", 4) == 0 && strstr(p.contact, ":contact/"))
      p.contact = strstr(p.contact, ":contact/") + 9;
    siren_id id;
    rc = siren_engagement_start(&id, e, &p);
    return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
  }
  if (strcmp(action, "AcceptPage") == 0 || strcmp(action, "PageReceipt") == 0) {
    const char *contact = sim_sget(a, "ContactId");
    if (!contact) return sim_fail_at(c, a, "%sContactId is required", "");
    const sim_page *pg = find_page(c->s, contact, sim_sget(a, "ChannelName"));
    if (!pg) {
      fprintf(stderr, "%s:%u:%u: %s: no page was sent to %s\n", c->file, a->line, a->col, action, contact);
      return 1;
    }
    if (strcmp(action, "AcceptPage") == 0) {
      const char *type = sim_sget(a, "AcceptType");
      const char *val = sim_sget(a, "AcceptCodeValidation");
      const char *code = sim_sget(a, "AcceptCode");
      rc = siren_page_accept(e, pg->id,
                             type && strcmp(type, "DELIVERED") == 0 ? SIREN_ACCEPT_DELIVERED : SIREN_ACCEPT_READ,
                             code ? code : pg->code,
                             val && strcmp(val, "IGNORE") == 0 ? SIREN_ACCEPT_IGNORE : SIREN_ACCEPT_ENFORCE,
                             sim_sget(a, "Note"));
    } else {
      const char *t = sim_sget(a, "ReceiptType");
      static const char *names[] = {"SENT", "DELIVERED", "READ", "ERROR", "STOP"};
      int type = 0;
      for (int i = 0; i < 5; i++)
        if (t && strcmp(t, names[i]) == 0) type = i + 1;
      if (!type) return sim_fail_at(c, a, "ReceiptType must be SENT, DELIVERED, READ, ERROR or STOP%s", "");
      rc = siren_page_receipt(e, pg->id, (siren_receipt_type)type, sim_sget(a, "ReceiptInfo"));
    }
    return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
  }
  if (strcmp(action, "StopEngagement") == 0) {
    const sr_doc_node *id = sr_doc_get_ci(a, "EngagementId");
    siren_id eid = id && id->kind == SR_DOC_INT ? (siren_id)id->i : 0;
    if (!eid) {
      size_t total = 0;
      siren_engagements(NULL, 0, &total, e);
      eid = total; /* the most recent */
    }
    rc = siren_engagement_stop(e, eid, sim_sget(a, "Reason"));
    return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
  }
  if (strcmp(action, "ActivateContactChannel") == 0 || strcmp(action, "DeactivateContactChannel") == 0) {
    const char *contact = sim_sget(a, "ContactId"), *channel = sim_sget(a, "ChannelName");
    if (!contact || !channel) return sim_fail_at(c, a, "%sContactId and ChannelName are required", "");
    if (action[0] == 'D') {
      rc = siren_channel_deactivate(e, contact, channel);
    } else {
      const char *code = sim_sget(a, "ActivationCode");
      for (size_t i = c->s->ncodes; !code && i-- > 0;)
        if (strcmp(c->s->codes[i].contact, contact) == 0 && strcmp(c->s->codes[i].channel, channel) == 0)
          code = c->s->codes[i].code;
      rc = siren_channel_activate(e, contact, channel, code ? code : "");
    }
    return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
  }
  if ((rc = rotation_action(c, action, a)) >= 0) return rc;
  if ((rc = sim_incident_action(c, action, a)) >= 0 || (rc = sim_runbook_action(c, action, a)) >= 0) {
    sim_tmp_free(c->s);
    return rc;
  }
  fprintf(stderr, "%s:%u:%u: unknown action \"%s\" (StartEngagement, AcceptPage, PageReceipt, StopEngagement, "
                  "ActivateContactChannel, DeactivateContactChannel, CreateRotationOverride, "
                  "DeleteRotationOverride, %s, %s)\n",
          c->file, a->line, a->col, action, sim_incident_actions, sim_runbook_actions);
  return 2;
}

/* Runs the clock to t: siren's deadlines, and the results the host reports
 * by itself (first, when both are due at the same instant). 0 or an exit
 * code. */
static int run_to(const ctx *c, int64_t t) {
  sim *s = c->s;
  for (;;) {
    int64_t d = siren_engine_next_deadline(c->e), h = sim_next_auto(s);
    if (h <= t && h <= d) {
      if (h > s->now) s->now = h;
      int rc = sim_run_auto(c);
      if (rc) return rc;
      continue;
    }
    if (d == SIREN_NO_DEADLINE || d > t) break;
    if (d > s->now) s->now = d;
    if (siren_engine_advance(c->e, NULL) != SIREN_OK) break;
  }
  if (t > s->now) s->now = t;
  return 0;
}

/* ------------------------------------------------------------------ svg */

static const char *type_colour(const char *type) {
  if (strcmp(type, "EMAIL") == 0) return "#2b6cb0";
  if (strcmp(type, "SMS") == 0) return "#dd6b20";
  if (strcmp(type, "VOICE") == 0) return "#805ad5";
  return "#4a5568";
}

static int write_svg(const sim *s, const char *path, int64_t end) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  /* Lanes: contacts in order of first appearance (pages, accepts, skips). */
  const char *lanes[64];
  size_t nl = 0;
  int incidents = 0;
  for (size_t i = 0; i < s->nmarks; i++) {
    if (s->marks[i].kind >= MARK_OPENED) incidents = 1;
    if (s->marks[i].kind == MARK_STAGE || s->marks[i].kind >= MARK_OPENED) continue;
    size_t k = 0;
    while (k < nl && strcmp(lanes[k], s->marks[i].contact) != 0) k++;
    if (k == nl && nl < 64) lanes[nl++] = s->marks[i].contact;
  }
  double span = (double)(end - s->start);
  if (span <= 0) span = 60000;
  /* Incident marks are labelled above the lanes: they get a band of their own. */
  const int left = 220, width = 760, top = incidents ? 100 : 60, lane_h = 56;
  int label_row = 0; /* incident labels alternate between two rows */
  int height = top + (int)nl * lane_h + 60;
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
          left + width + 40, height);
  fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
  fprintf(f, "<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">siren timeline</text>\n");
  fprintf(f, "<text x=\"10\" y=\"42\" fill=\"#555\">pages: <tspan fill=\"#2b6cb0\">&#9679; EMAIL</tspan> <tspan fill=\"#dd6b20\">&#9679; SMS</tspan> <tspan fill=\"#805ad5\">&#9679; VOICE</tspan>  &#10003; accepted  &#215; skipped  dashed: stage start</text>\n");
  if (incidents)
    fprintf(f, "<text x=\"10\" y=\"60\" fill=\"#555\">incidents: <tspan fill=\"#c53030\">| opened</tspan> <tspan fill=\"#2f855a\">| resolved</tspan></text>\n");
  int64_t step = span <= 3600000 ? 300000 : span <= 6 * 3600000 ? 1800000 : 3600000;
  for (int64_t t = 0; t <= (int64_t)span; t += step) {
    double x = left + width * ((double)t / span);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>\n", x, top, x, top + (int)nl * lane_h);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">+%lldm</text>\n", x,
            top + (int)nl * lane_h + 18, (long long)(t / 60000));
  }
  for (size_t k = 0; k < nl; k++) {
    int y = top + (int)k * lane_h + lane_h / 2;
    fprintf(f, "<text x=\"10\" y=\"%d\">", y + 4);
    for (const char *p = lanes[k]; *p; p++) {
      if (*p == '<') fputs("&lt;", f);
      else if (*p == '&') fputs("&amp;", f);
      else fputc(*p, f);
    }
    fprintf(f, "</text>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>\n", left, y, left + width, y);
  }
  for (size_t i = 0; i < s->nmarks; i++) {
    const svg_mark *m = &s->marks[i];
    double x = left + width * ((double)(m->t - s->start) / span);
    if (m->kind >= MARK_OPENED) {
      const char *colour = m->kind == MARK_OPENED ? "#c53030" : "#2f855a";
      int y = top - 18 + 12 * label_row;
      label_row ^= 1;
      fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"><title>%s</title></line>\n",
              x, y - 10, x, top + (int)nl * lane_h, colour, m->label);
      fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>\n", x + 3, y, colour, m->label);
      continue;
    }
    if (m->kind == MARK_STAGE) {
      fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4 3\"><title>%s</title></line>\n",
              x, top - 6, x, top + (int)nl * lane_h, m->label);
      continue;
    }
    size_t k = 0;
    while (k < nl && strcmp(lanes[k], m->contact) != 0) k++;
    if (k == nl) continue;
    int y = top + (int)k * lane_h + lane_h / 2;
    if (m->kind == MARK_PAGE)
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%d\" r=\"7\" fill=\"%s\"><title>%s %s</title></circle>\n", x, y,
              type_colour(m->channel_type), m->channel_type, m->label);
    else if (m->kind == MARK_ACCEPTED)
      fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"18\" fill=\"#2f855a\" text-anchor=\"middle\">&#10003;<title>%s</title></text>\n",
              x, y - 10, m->label);
    else
      fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"16\" fill=\"#c53030\" text-anchor=\"middle\">&#215;<title>%s</title></text>\n",
              x, y + 5, m->label);
  }
  fputs("</svg>\n", f);
  return fclose(f);
}

/* --------------------------------------------------------------- shifts */

static void xml_text(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else if (*s == '"') fputs("&quot;", f);
    else fputc(*s, f);
  }
}

static void xml_names(FILE *f, const char *const *names, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (i) fputs(", ", f);
    xml_text(f, names[i]);
  }
}

/* One bar per shift on a time axis from `from` to `to`; bars alternate
 * between two rows so that short shifts' labels do not run into each other.
 * An overridden shift is orange and dashed, and says whom it took off. */
static int write_shift_svg(const char *path, const char *rotation, const siren_shift *sh, size_t n,
                           int64_t from, int64_t to) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  const int left = 20, width = 960, top = 70, bar_h = 34, row_gap = 46;
  double span = (double)(to - from);
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
          left + width + 50, top + 2 * row_gap + 60);
  fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
  fputs("<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">shifts of ", f);
  xml_text(f, rotation);
  fputs("</text>\n", f);
  char a[64], b[64];
  sim_fmt_time(from, a);
  sim_fmt_time(to, b);
  fprintf(f, "<text x=\"10\" y=\"42\" fill=\"#555\">%s to %s (UTC); <tspan fill=\"#2b6cb0\">&#9632; regular</tspan> <tspan fill=\"#dd6b20\">&#9632; overridden</tspan></text>\n",
          a, b);
  /* Day ticks, labelled with the UTC date, at most 31 of them. */
  int64_t step = DAY_MS;
  while ((to - from) / step > 31) step *= 7;
  int64_t first = from % DAY_MS == 0 ? from : from + (DAY_MS - ((from % DAY_MS) + DAY_MS) % DAY_MS);
  for (int64_t t = first; t <= to; t += step) {
    double x = left + width * ((double)(t - from) / span);
    char d[64];
    sim_fmt_time(t, d);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, top - 8, x,
            top + 2 * row_gap);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.10s</text>\n", x,
            top + 2 * row_gap + 16, d);
  }
  for (size_t i = 0; i < n; i++) {
    const siren_shift *s = &sh[i];
    int over = s->type == SIREN_SHIFT_OVERRIDDEN;
    double x0 = left + width * ((double)(s->start - from) / span);
    double w = width * ((double)(s->end - s->start) / span);
    int y = top + (int)(i % 2) * row_gap;
    sim_fmt_time(s->start, a);
    sim_fmt_time(s->end, b);
    fprintf(f, "<rect class=\"shift %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"%s\"%s>",
            over ? "overridden" : "regular", x0, y, w < 1 ? 1 : w, bar_h, over ? "#fbd38d" : "#bee3f8",
            over ? "#dd6b20" : "#2b6cb0", over ? " stroke-dasharray=\"5 3\"" : "");
    fprintf(f, "<title>%s to %s: ", a, b);
    xml_names(f, s->contacts, s->contact_count);
    if (over && s->overridden_count) {
      fputs(" (override; instead of ", f);
      xml_names(f, s->overridden, s->overridden_count);
      fputc(')', f);
    } else if (over) {
      fputs(" (override)", f);
    }
    fputs("</title></rect>\n", f);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#1a202c\">%s", x0 + 3, y + 14, over ? "&#9998; " : "");
    xml_names(f, s->contacts, s->contact_count);
    fputs("</text>\n", f);
    if (over && s->overridden_count) {
      fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#9c4221\" font-size=\"10\">not ", x0 + 3, y + 28);
      xml_names(f, s->overridden, s->overridden_count);
      fputs("</text>\n", f);
    }
  }
  fputs("</svg>\n", f);
  return fclose(f);
}

/* --shifts: the rotation's shifts over [from, to) as JSON Lines. */
static int print_shifts(const ctx *c, const char *rotation, int64_t from, int64_t to, const char *svg) {
  size_t total = 0;
  if (siren_rotation_shifts(NULL, 0, &total, c->e, rotation, from, to) != SIREN_OK) {
    fprintf(stderr, "%s: --shifts %s: %s\n", c->file, rotation, siren_errmsg(c->e));
    return 1;
  }
  siren_shift *sh = calloc(total ? total : 1, sizeof *sh);
  if (!sh || siren_rotation_shifts(sh, total, &total, c->e, rotation, from, to) != SIREN_OK) {
    free(sh);
    fprintf(stderr, "%s: --shifts %s: %s\n", c->file, rotation, sh ? siren_errmsg(c->e) : "out of memory");
    return 2;
  }
  FILE *f = stdout;
  for (size_t i = 0; i < total; i++) {
    char t[64];
    sim_fmt_time(sh[i].start, t);
    fprintf(f, "{\"start\":\"%s\"", t);
    sim_field_time(f, "end", sh[i].end);
    sim_field_s(f, "type", sh[i].type == SIREN_SHIFT_OVERRIDDEN ? "OVERRIDDEN" : "REGULAR");
    fprintf(f, ",\"shift\":%u,\"contacts\":[", sh[i].index);
    for (uint32_t k = 0; k < sh[i].contact_count; k++) {
      if (k) fputc(',', f);
      sim_json_str(f, sh[i].contacts[k]);
    }
    fputs("],\"overridden\":[", f);
    for (uint32_t k = 0; k < sh[i].overridden_count; k++) {
      if (k) fputc(',', f);
      sim_json_str(f, sh[i].overridden[k]);
    }
    fputs("]}\n", f);
  }
  int rc = 0;
  if (svg && write_shift_svg(svg, rotation, sh, total, from, to) != 0) {
    fprintf(stderr, "%s: cannot write %s\n", prog, svg);
    rc = 2;
  }
  free(sh);
  return rc;
}

/* ---------------------------------------------------------------- check */

/* Coverage gaps of a schedule over the week from start: a warning (not a
 * problem: a business-hours schedule has them on purpose), one line per
 * schedule. */
static void gap_warning(siren_engine *e, const char *alias, uint32_t flags, int64_t start) {
  size_t total = 0;
  if (siren_schedule_gaps(NULL, 0, &total, e, alias, start, start + 7 * DAY_MS) != SIREN_OK || !total) return;
  siren_gap *g = calloc(total, sizeof *g);
  if (!g || siren_schedule_gaps(g, total, &total, e, alias, start, start + 7 * DAY_MS) != SIREN_OK) {
    free(g);
    return;
  }
  size_t nobody = 0, first = total;
  int64_t ms = 0;
  for (size_t i = 0; i < total; i++) {
    if (g[i].type != SIREN_GAP_NOBODY) continue;
    if (first == total) first = i;
    nobody++;
    ms += g[i].end - g[i].start;
  }
  if (nobody) {
    char a[64], b[64], s0[64];
    sim_fmt_time(start, s0);
    sim_fmt_time(g[first].start, a);
    sim_fmt_time(g[first].end, b);
    printf("lint: warning: schedule \"%s\": nobody is on call for %lldh%02lldm in the 7 days from %s "
           "(%zu gap%s, the first from %s to %s); an engagement then %s\n",
           alias, (long long)(ms / 3600000), (long long)(ms / 60000 % 60), s0, nobody, nobody == 1 ? "" : "s",
           a, b, flags & SIREN_SCHEDULE_HOLD ? "waits for whoever comes on call first" : "skips the schedule");
  }
  free(g);
}

static int lint(siren_engine *e, int64_t start) {
  int problems = 0;
  for (uint32_t i = 0; i < siren_contact_count(e); i++) {
    const char *alias = siren_contact_alias_at(e, i);
    siren_contact_info ci = SIREN_CONTACT_INFO_INIT;
    siren_contact_get(&ci, e, alias);
    if (ci.type == SIREN_CONTACT_PERSONAL) {
      uint32_t active = 0;
      for (uint32_t k = 0; k < ci.channel_count; k++) {
        siren_channel_info ch = SIREN_CHANNEL_INFO_INIT;
        siren_channel_get(&ch, e, alias, siren_channel_name_at(e, alias, k));
        active += ch.activation == SIREN_ACTIVATED;
      }
      if (ci.channel_count && !active) {
        printf("lint: contact \"%s\": none of its %u channels is activated\n", alias, ci.channel_count);
        problems++;
      }
      continue;
    }
    if (ci.type == SIREN_CONTACT_ONCALL_SCHEDULE) {
      if (ci.rotation_count == 0) {
        printf("lint: contact \"%s\": an on-call schedule without rotations: nobody is engaged through it\n", alias);
        problems++;
      } else {
        gap_warning(e, alias, ci.schedule_flags, start);
      }
      continue;
    }
    for (uint32_t s = 0; s < ci.stage_count; s++) {
      siren_stage st = SIREN_STAGE_INIT;
      siren_contact_plan_stage(&st, e, alias, s);
      if (st.target_count == 0) {
        printf("lint: contact \"%s\": stage %u has no targets: nobody is engaged in it\n", alias, s + 1);
        problems++;
      }
      for (uint32_t t = 0; t < st.target_count; t++) {
        siren_target tg = SIREN_TARGET_INIT;
        siren_contact_plan_target(&tg, e, alias, s, t);
        siren_contact_info ti = SIREN_CONTACT_INFO_INIT;
        /* A schedule's plan is its rotations (checked on its own above). */
        if (siren_contact_get(&ti, e, tg.contact) == SIREN_OK && ti.stage_count == 0 &&
            ti.type != SIREN_CONTACT_ONCALL_SCHEDULE) {
          printf("lint: contact \"%s\": stage %u targets \"%s\", whose plan is empty\n", alias, s + 1, tg.contact);
          problems++;
        }
      }
    }
  }
  return problems;
}

/* ----------------------------------------------------------------- main */

/* In parts: ISO C requires compilers to take string literals of 4095 bytes. */
static const char *const usage[] = {
    "usage: siren-sim [--svg FILE] [--check] SCENARIO\n"
    "       siren-sim --shifts ROTATION [--from WHEN] [--to WHEN] [--svg FILE] SCENARIO\n"
    "\n"
    "Runs an incident story on a simulated clock and prints every decision as\n"
    "JSON Lines: {\"t\": RFC 3339 UTC, \"event\": name, ...fields}.\n"
    "\n"
    "A scenario (JSON or YAML) holds:\n"
    "  include:  [paths]         configuration files, relative to the scenario\n"
    "  contacts, contactChannels, rotations, responsePlans, Resources\n"
    "                            definitions (AWS SSM Contacts / Incidents API\n"
    "                            shape or a CloudFormation template, as\n"
    "                            siren_config_load in siren.h reads them):\n"
    "                            rotations in any IANA time zone (read from\n"
    "                            $TZDIR or /usr/share/zoneinfo), ONCALL_SCHEDULE\n"
    "                            contacts with Plan {RotationIds,\n"
    "                            HoldWhenNobodyOnCall?}\n"
    "  start:    RFC 3339 instant, the simulated clock's origin\n"
    "  events:   list of {at: ISO 8601 duration from start (PT5M) or RFC 3339,\n"
    "            and one action}: StartEngagement {ContactId, Sender, Subject,\n"
    "            Content, PublicSubject, PublicContent, IncidentId};\n"
    "            AcceptPage {ContactId, ChannelName?, AcceptType, AcceptCode?,\n"
    "            AcceptCodeValidation?, Note}; PageReceipt {ContactId,\n"
    "            ChannelName?, ReceiptType, ReceiptInfo}; StopEngagement\n"
    "            {EngagementId?, Reason}; ActivateContactChannel {ContactId,\n"
    "            ChannelName, ActivationCode?}; DeactivateContactChannel;\n"
    "            CreateRotationOverride {RotationId (name or ARN),\n"
    "            NewContactIds, StartTime, EndTime (written as at is), Mode?\n"
    "            REPLACE (default, as AWS) | ADD | REMOVE}: prints\n"
    "            override.created with the override's id;\n"
    "            DeleteRotationOverride {RotationId, RotationOverrideId: that\n"
    "            id}: prints override.deleted; and the incident actions below\n"
    "  until:    ISO 8601 duration from start: how long to run\n"
    "\n"
    "Rotations and schedules on the timeline: shift.started {rotation,\n"
    "contacts, type REGULAR|OVERRIDDEN, until: the next change}: who is on\n"
    "call from then (contacts [] = nobody); shift.notice {contact, rotation,\n"
    "message starting|started, start, end}: the notice siren asks the host to\n"
    "deliver; schedule.resolved {engagement, schedule, rotation, contact,\n"
    "until}: an engaged schedule pages who is on call; schedule.nobody\n"
    "{engagement, schedule, reason skipped|held, until?}: nobody was.\n"
    "\n",
    "Incident actions (SSM Incidents API shape, camelCase; ? = optional).\n"
    "An incident is named by incident: ID or ARN (as printed, e.g.\n"
    "siren:incident/EC2HighCPU/1), default the latest. Times are written as\n"
    "at is: PT10M from start, or RFC 3339.\n"
    "  CreateResponsePlan / UpdateResponsePlan {name, displayName?,\n"
    "    incidentTemplate {title, impact, summary?, dedupeString?,\n"
    "    incidentTags?}, chatChannels? [ids] (or chatChannel {chatbotSns}),\n"
    "    notificationTargets? [ids or {snsTopicArn}], engagements? [aliases or\n"
    "    contact ARNs], runbook?, runbookParameters? {name: [values]},\n"
    "    dynamicParameters? {name: INCIDENT_RECORD_ARN | INVOLVED_RESOURCES}\n"
    "    (or actions [{ssmAutomation {documentName, parameters,\n"
    "    dynamicParameters}}]), tags?, ackTimeoutMinutes?, autoResolveMinutes?,\n"
    "    maintenance? [{start, end}]}: an update replaces the whole plan;\n"
    "    DeleteResponsePlan {name}\n"
    "  StartIncident {responsePlan (or responsePlanArn), title?, impact?,\n"
    "    triggerDetails {source, triggerArn?, timestamp?, rawData? (text, or\n"
    "    a mapping sent as JSON)}, relatedItems? [{type, value, title?}],\n"
    "    clientToken?}\n"
    "  UpdateIncidentRecord {incident?, title?, summary?, impact?, status?\n"
    "    OPEN|RESOLVED, chatChannels?, notificationTargets?}: only what is given\n"
    "  UpdateRelatedItems {incident?, add: {type, value, title?} | remove: value}\n"
    "  CreateTimelineEvent {incident?, eventType (Custom Event | Note),\n"
    "    eventTime?, eventData?, eventReferences? [strings], label?}\n"
    "  UpdateTimelineEvent / DeleteTimelineEvent {eventId: the id printed by\n"
    "    timeline.event, or the label; eventType?, eventTime?, eventData?,\n"
    "    eventReferences?}: an update keeps what is not given\n"
    "  ListTimeline {incident?, eventTypes?, eventReferences?, after?, before?,\n"
    "    sortOrder? ASCENDING|DESCENDING, skip?, maxResults?}\n"
    "  GetIncidentRecord {incident?}; ListIncidents {status?, impact?,\n"
    "    createdAfter?, createdBefore?}\n"
    "  CreateHeartbeat {name, responsePlan, intervalMinutes, resolveOnBeat?};\n"
    "    Heartbeat {name}; DeleteHeartbeat {name}\n"
    "  CreateAnalysis {incident?, questions? [{section, text}]}; GetAnalysis;\n"
    "    AnswerAnalysisQuestion {question: index, answer}; AddActionItem {title,\n"
    "    owner?, dueTime?}; CloseActionItem / ReopenActionItem {item: index |\n"
    "    title}. An analysis is named by analysis: ID or incident:, default\n"
    "    the one created last.\n"
    "\n",
    "Runbook actions (SSM Automation API shape). An execution is named by\n"
    "execution: ID (as runbook.started prints it), default the latest.\n"
    "  LoadRunbook {name?, file (YAML or JSON, relative to the scenario; name\n"
    "    defaults to its base name) | content (the document inline)}\n"
    "  StartAutomationExecution {runbook (or documentName), parameters?\n"
    "    {name: [values] or value}, mode? Auto|Interactive, clientToken?,\n"
    "    incident?}. A response plan's runbook, once loaded, starts by itself\n"
    "    with each incident of the plan.\n"
    "  SendAutomationSignal {execution?, signalType Approve|Reject|Resume|\n"
    "    StartStep|StopStep, step?, approver?, comment?}\n"
    "  StopAutomationExecution {execution?, type? Cancel|Complete}\n"
    "  CompleteAction {execution?, step? (default: the last action asked),\n"
    "    attempt? (default: the last one asked of that step), outputs?\n"
    "    {name: value} | failure?: message}: the host's report of a step\n"
    "    siren handed it (printed as action.requested)\n"
    "  GetAutomationExecution {execution?}: the execution and its steps\n"
    "  actions: (top level) or HostActions (an event, replacing it): the host\n"
    "    reports results by itself: {step or action name: {outputs {...} |\n"
    "    failure: message, after?: duration}}, e.g.\n"
    "    actions: {aws:executeScript: {outputs: {Healthy: true}, after: PT1M}}\n"
    "\n",
    "Example:\n"
    "  start: 2026-01-05T09:00:00Z\n"
    "  until: PT30M\n"
    "  include: [contacts.yaml]\n"
    "  events:\n"
    "    - at: PT0M\n"
    "      StartEngagement: {ContactId: app-escalation-plan, Subject: CPU, Content: high}\n"
    "    - at: PT7M\n"
    "      AcceptPage: {ContactId: sr-incident-responder, AcceptType: READ}\n"
    "\n"
    "Options:\n"
    "  --svg FILE  also draw the timeline as an SVG chart (with --shifts: the\n"
    "              shifts, one bar each, overridden ones orange and dashed)\n"
    "  --check     only validate and lint the definitions; a schedule with\n"
    "              nobody on call at times in the 7 days from start gets a\n"
    "              warning line (which does not fail the check)\n"
    "  --shifts ROTATION  print the rotation's shifts over [--from, --to)\n"
    "              instead of running the story, one JSON line each: {start,\n"
    "              end, type, shift (its number), contacts, overridden (the\n"
    "              regular contacts an override took off)}. The definitions are\n"
    "              loaded, then the scenario's CreateRotationOverride and\n"
    "              DeleteRotationOverride events are applied at their times;\n"
    "              its other events are skipped. --from and --to are written as\n"
    "              at is (default: start, and 7 days after --from).\n"
    "Exit: 0 success, 1 lint problems or a refused action, 2 malformed input.\n",
    NULL};

static void print_usage(FILE *f) {
  for (size_t i = 0; usage[i]; i++) fputs(usage[i], f);
}

static int load_config(const ctx *c, const char *path, const char *text, size_t len) {
  siren_config_result res = SIREN_CONFIG_RESULT_INIT;
  int rc = siren_config_load(&res, c->e, text, len);
  const char *problems = siren_config_problems(c->e);
  if (rc) {
    /* Each problem on its own line, prefixed with the file. */
    for (const char *p = problems; *p;) {
      const char *nl = strchr(p, '\n');
      size_t n = nl ? (size_t)(nl - p) : strlen(p);
      fprintf(stderr, "%s:%.*s\n", path, (int)n, p);
      p += n + (nl ? 1 : 0);
    }
    return 2;
  }
  if (*problems) fprintf(stderr, "%s: warning: %s", path, problems);
  return 0;
}

static int is_override_action(const char *name) {
  return strcmp(name, "CreateRotationOverride") == 0 || strcmp(name, "DeleteRotationOverride") == 0;
}

int main(int argc, char **argv) {
  const char *svg = NULL, *file = NULL, *shifts = NULL, *from_text = NULL, *to_text = NULL;
  int check = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
      svg = argv[++i];
    } else if (strcmp(argv[i], "--shifts") == 0 && i + 1 < argc) {
      shifts = argv[++i];
    } else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
      from_text = argv[++i];
    } else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
      to_text = argv[++i];
    } else if (strcmp(argv[i], "--check") == 0) {
      check = 1;
    } else if (argv[i][0] == '-' || file) {
      fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[i]);
      print_usage(stderr);
      return 2;
    } else {
      file = argv[i];
    }
  }
  if (!file || (check && shifts) || ((from_text || to_text) && !shifts)) {
    if (file) fprintf(stderr, "%s: --from and --to go with --shifts, which does not go with --check\n", prog);
    print_usage(stderr);
    return 2;
  }
  size_t len;
  char *text = sim_read_file(file, &len);
  if (!text) {
    fprintf(stderr, "%s: cannot read %s: %s\n", prog, file, strerror(errno));
    return 2;
  }
  sr_doc *doc = NULL;
  sr_doc_error err;
  if (sr_doc_parse(&doc, &sr_mem_libc, text, len, NULL, &err) != SIREN_OK) {
    fprintf(stderr, "%s:%u:%u: %s\n", file, err.line, err.col, err.msg);
    free(text);
    return 2;
  }
  const sr_doc_node *root = sr_doc_root(doc);
  static sim s;
  s.pages = calloc(MAX_PAGES, sizeof *s.pages);
  s.out = stdout;
  siren_host host = SIREN_HOST_INIT;
  host.clock = cb_clock;
  host.notify = cb_notify;
  host.event = cb_event;
  host.load_zone = cb_load_zone;
  siren_engine *e = NULL;
  int exit_code = 0;
  ctx c = {file, NULL, &s};
  if (!s.pages || siren_engine_new(&e, &host, NULL, &s) != SIREN_OK) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return 2;
  }
  c.e = e;
  if (root->kind != SR_DOC_MAP) {
    exit_code = sim_fail_at(&c, root, "%sthe scenario must be a mapping", "");
    goto done;
  }
  const char *start = sim_sget(root, "start");
  if (start && sim_parse_rfc3339(start, &s.start) != 0) {
    exit_code = sim_fail_at(&c, sr_doc_get_ci(root, "start"), "start: \"%s\" is not an RFC 3339 instant", start);
    goto done;
  }
  if (!start) s.start = INT64_C(1767603600000); /* 2026-01-05T09:00:00Z */
  s.now = s.start;
  s.quiet = check || shifts;
  int64_t from = s.start, to = 0;
  if (from_text && sim_parse_when(&s, from_text, &from) != 0) {
    fprintf(stderr, "%s: --from \"%s\": expected an RFC 3339 instant or a duration from start\n", prog, from_text);
    exit_code = 2;
    goto done;
  }
  to = from + 7 * DAY_MS;
  if (to_text && sim_parse_when(&s, to_text, &to) != 0) {
    fprintf(stderr, "%s: --to \"%s\": expected an RFC 3339 instant or a duration from start\n", prog, to_text);
    exit_code = 2;
    goto done;
  }

  /* Definitions: included files first, then the scenario's own. */
  const sr_doc_node *inc = sr_doc_get_ci(root, "include");
  for (size_t i = 0; inc && inc->kind == SR_DOC_SEQ && i < inc->count; i++) {
    const char *rel = inc->items[i]->str;
    if (!rel) {
      exit_code = sim_fail_at(&c, inc->items[i], "%sinclude: expected a path", "");
      goto done;
    }
    char path[4096];
    sim_path(file, rel, path);
    size_t ilen;
    char *itext = sim_read_file(path, &ilen);
    if (!itext) {
      exit_code = sim_fail_at(&c, inc->items[i], "include: cannot read \"%s\"", path);
      goto done;
    }
    exit_code = load_config(&c, path, itext, ilen);
    free(itext);
    if (exit_code) goto done;
  }
  if ((exit_code = load_config(&c, file, text, len))) goto done;

  if (check) {
    exit_code = lint(e, s.start) ? 1 : 0;
    if (!exit_code) printf("ok: %u contacts\n", siren_contact_count(e));
    goto done;
  }

  const sr_doc_node *events = sr_doc_get_ci(root, "events");
  int64_t until = 0;
  const char *u = sim_sget(root, "until");
  if (u && sim_parse_duration(u, &until) != 0) {
    exit_code = sim_fail_at(&c, sr_doc_get_ci(root, "until"), "until: \"%s\" is not an ISO 8601 duration", u);
    goto done;
  }
  if (events && events->kind != SR_DOC_SEQ) {
    exit_code = sim_fail_at(&c, events, "%sevents: expected a list", "");
    goto done;
  }
  if ((exit_code = sim_set_host_actions(&c, sr_doc_get_ci(root, "actions")))) goto done;
  int64_t last = s.start;
  for (size_t i = 0; events && i < events->count; i++) {
    const sr_doc_node *ev = events->items[i];
    if (ev->kind != SR_DOC_MAP) {
      exit_code = sim_fail_at(&c, ev, "%sevent: expected a mapping", "");
      goto done;
    }
    const char *at = sim_sget(ev, "at");
    int64_t t;
    if (!at) {
      exit_code = sim_fail_at(&c, ev, "%sevent: \"at\" is required", "");
      goto done;
    }
    if (at[0] == 'P') {
      if (sim_parse_duration(at, &t) != 0) {
        exit_code = sim_fail_at(&c, sr_doc_get_ci(ev, "at"), "at: \"%s\" is not an ISO 8601 duration", at);
        goto done;
      }
      t += s.start;
    } else if (sim_parse_rfc3339(at, &t) != 0) {
      exit_code = sim_fail_at(&c, sr_doc_get_ci(ev, "at"), "at: \"%s\" is neither a duration nor an RFC 3339 instant", at);
      goto done;
    }
    if (t < last) {
      exit_code = sim_fail_at(&c, ev, "event at \"%s\" is earlier than the one before it", at);
      goto done;
    }
    last = t;
    const sr_doc_node *action = NULL;
    const char *name = NULL;
    for (size_t k = 0; k < ev->count; k++)
      if (strcmp(ev->pairs[k].key->str, "at") != 0) {
        if (action) {
          exit_code = sim_fail_at(&c, ev, "%sevent: exactly one action per event", "");
          goto done;
        }
        name = ev->pairs[k].key->str;
        action = ev->pairs[k].value;
      }
    if (!action) {
      exit_code = sim_fail_at(&c, ev, "%sevent: no action", "");
      goto done;
    }
    /* --shifts applies the scenario's overrides only, each at its time. */
    if (shifts && !is_override_action(name)) continue;
    if ((exit_code = run_to(&c, t))) goto done;
    if ((exit_code = run_action(&c, name, action))) goto done;
    if (s.nomem) {
      exit_code = sim_fail_at(&c, action, "%sout of memory", "");
      goto done;
    }
  }
  if (shifts) {
    exit_code = print_shifts(&c, arn_name(shifts, ":rotation/"), from, to, svg);
    goto done;
  }
  if ((exit_code = run_to(&c, s.start + until))) goto done;
  if (svg && write_svg(&s, svg, s.start + until) != 0) {
    fprintf(stderr, "%s: cannot write %s\n", prog, svg);
    exit_code = 2;
  }
done:
  siren_engine_free(e);
  zoneinfo_release(&sim_zones);
  sr_doc_free(doc);
  free(text);
  free(s.pages);
  free(s.codes);
  free(s.marks);
  sim_incidents_free(&s);
  sim_runbooks_free(&s);
  return exit_code;
}
