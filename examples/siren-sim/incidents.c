/*
 * siren-sim's incident actions: response plans, incidents, related items,
 * timelines, heartbeats and post-incident analyses, read from scenario events
 * in the SSM Incidents API shape (camelCase keys, matched case-insensitively),
 * and the JSON lines for siren's incident events (types 15-27) and for the
 * query actions (ListTimeline, GetIncidentRecord, ListIncidents, GetAnalysis).
 *
 * Conventions of the scenario (siren-sim --help says them too):
 *  - An incident is named by `incident` (its id, or its arn as siren prints
 *    it: "siren:incident/<plan>/<id>") or `arn`/`incidentRecordArn`; without
 *    one, the most recently started incident.
 *  - Times (maintenance windows, trigger timestamps, eventTime, dueTime,
 *    ListTimeline bounds) are written as `at` is: an ISO 8601 duration from
 *    the scenario's start (PT10M) or an RFC 3339 instant.
 *  - A custom timeline event is named by `eventId`: the id siren gave it (the
 *    timeline.event line prints it) or the `label` CreateTimelineEvent gave.
 *  - An analysis is named by `analysis` (its id) or `incident` (that
 *    incident's analysis); without either, the one CreateAnalysis made last.
 *
 * Input the simulator cannot read (a list where a string belongs, an unknown
 * status) exits 2 with file:line:column; what siren refuses exits 1 with
 * siren_errmsg(), as for the paging actions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

const char sim_incident_actions[] =
    "CreateResponsePlan, UpdateResponsePlan, DeleteResponsePlan, StartIncident, "
    "UpdateIncidentRecord, UpdateRelatedItems, GetIncidentRecord, ListIncidents, "
    "CreateTimelineEvent, UpdateTimelineEvent, DeleteTimelineEvent, ListTimeline, "
    "CreateHeartbeat, Heartbeat, DeleteHeartbeat, CreateAnalysis, AnswerAnalysisQuestion, "
    "AddActionItem, CloseActionItem, ReopenActionItem, GetAnalysis";

#define TRY(x)             \
  do {                     \
    int rc_ = (x);         \
    if (rc_) return rc_;   \
  } while (0)

/* ------------------------------------------------------------ memory */

/* Allocations that live until the action is done (sim_tmp_free). */
static void *tmp_alloc(sim *s, size_t n) {
  if (s->ntmp == s->tcap) {
    size_t cap = s->tcap ? s->tcap * 2 : 32;
    void **t = realloc(s->tmp, cap * sizeof *t);
    if (!t) return NULL;
    s->tmp = t;
    s->tcap = cap;
  }
  void *p = calloc(1, n ? n : 1);
  if (p) s->tmp[s->ntmp++] = p;
  return p;
}

void sim_tmp_free(sim *s) {
  for (size_t i = 0; i < s->ntmp; i++) free(s->tmp[i]);
  s->ntmp = 0;
}

void sim_incidents_free(sim *s) {
  sim_tmp_free(s);
  free(s->tmp);
  free(s->labels);
  s->tmp = NULL;
  s->labels = NULL;
}

static int nomem(const ctx *c, const sr_doc_node *n) {
  return sim_fail_at(c, n, "%sout of memory", "");
}

/* ------------------------------------------------- a node as JSON text */

typedef struct jbuf {
  char *p;
  size_t n, cap;
  int failed;
} jbuf;

static void jb_cat(jbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void jb_quote(jbuf *b, const char *s, size_t n) {
  jb_cat(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    char esc[8];
    if (ch == '"' || ch == '\\') {
      esc[0] = '\\';
      esc[1] = (char)ch;
      jb_cat(b, esc, 2);
    } else if (ch < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", ch);
      jb_cat(b, esc, 6);
    } else {
      jb_cat(b, s + i, 1);
    }
  }
  jb_cat(b, "\"", 1);
}

/* The shortest text that reads back as the same double. */
static void jb_double(jbuf *b, double d) {
  char t[40];
  if (!isfinite(d)) {
    jb_cat(b, "null", 4);
    return;
  }
  if (d == floor(d) && fabs(d) < 1e15) {
    snprintf(t, sizeof t, "%.0f", d);
    jb_cat(b, t, strlen(t));
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(t, sizeof t, "%.*g", prec, d);
    if (strtod(t, NULL) == d) break;
  }
  jb_cat(b, t, strlen(t));
}

static void jb_node(jbuf *b, const sr_doc_node *n) {
  char t[32];
  switch (n->kind) {
  case SR_DOC_NULL: jb_cat(b, "null", 4); break;
  case SR_DOC_BOOL: jb_cat(b, n->boolean ? "true" : "false", n->boolean ? 4 : 5); break;
  case SR_DOC_INT:
    snprintf(t, sizeof t, "%lld", (long long)n->i);
    jb_cat(b, t, strlen(t));
    break;
  case SR_DOC_DOUBLE: jb_double(b, n->d); break;
  case SR_DOC_STRING: jb_quote(b, n->str, n->len); break;
  case SR_DOC_SEQ:
    jb_cat(b, "[", 1);
    for (size_t i = 0; i < n->count; i++) {
      if (i) jb_cat(b, ",", 1);
      jb_node(b, n->items[i]);
    }
    jb_cat(b, "]", 1);
    break;
  case SR_DOC_MAP:
    jb_cat(b, "{", 1);
    for (size_t i = 0; i < n->count; i++) {
      if (i) jb_cat(b, ",", 1);
      jb_quote(b, n->pairs[i].key->str, n->pairs[i].key->len);
      jb_cat(b, ":", 1);
      jb_node(b, n->pairs[i].value);
    }
    jb_cat(b, "}", 1);
    break;
  }
}

/* A string member, or a mapping/list written as compact JSON (rawData,
 * eventData). *out is NULL when absent. */
static int get_text_or_json(const ctx *c, const sr_doc_node *m, const char *k, const char **out) {
  const sr_doc_node *n = sr_doc_get_ci(m, k);
  *out = NULL;
  if (!n || n->kind == SR_DOC_NULL) return 0;
  if (sr_doc_is_scalar(n)) {
    *out = n->str;
    return 0;
  }
  jbuf b = {NULL, 0, 0, 0};
  jb_node(&b, n);
  char *copy = b.failed ? NULL : tmp_alloc(c->s, b.n + 1);
  if (copy) memcpy(copy, b.p, b.n + 1);
  free(b.p);
  if (!copy) return nomem(c, n);
  *out = copy;
  return 0;
}

void *sim_tmp_alloc(sim *s, size_t n) { return tmp_alloc(s, n); }

char *sim_node_json(const sr_doc_node *n) {
  jbuf b = {NULL, 0, 0, 0};
  jb_node(&b, n);
  if (b.failed || !b.p) {
    free(b.p);
    return NULL;
  }
  return b.p;
}

int sim_text_or_json(const ctx *c, const sr_doc_node *m, const char *k, const char **out) {
  return get_text_or_json(c, m, k, out);
}

/* ------------------------------------------------------ reading values */

static const sr_doc_node *get(const sr_doc_node *m, const char *k) {
  const sr_doc_node *n = sr_doc_get_ci(m, k);
  return n && n->kind != SR_DOC_NULL ? n : NULL;
}

static int get_str(const ctx *c, const sr_doc_node *m, const char *k, const char **out) {
  const sr_doc_node *n = get(m, k);
  if (!n) return 0;
  if (!sr_doc_is_scalar(n)) return sim_fail_at(c, n, "%s: expected a string", k);
  *out = n->str;
  return 0;
}

static int get_int(const ctx *c, const sr_doc_node *m, const char *k, int64_t min, int64_t max,
                   int64_t *out) {
  const sr_doc_node *n = get(m, k);
  if (!n) return 0;
  if (n->kind != SR_DOC_INT || n->i < min || n->i > max) {
    char what[160];
    snprintf(what, sizeof what, "%s: expected an integer from %lld to %lld", k, (long long)min,
             (long long)max);
    return sim_fail_at(c, n, "%s", what);
  }
  *out = n->i;
  return 0;
}

static int get_bool(const ctx *c, const sr_doc_node *m, const char *k, int *out) {
  const sr_doc_node *n = get(m, k);
  if (!n) return 0;
  if (n->kind != SR_DOC_BOOL) return sim_fail_at(c, n, "%s: expected true or false", k);
  *out = n->boolean;
  return 0;
}

static int get_when(const ctx *c, const sr_doc_node *m, const char *k, int64_t *out) {
  const sr_doc_node *n = get(m, k);
  if (!n) return 0;
  if (n->kind != SR_DOC_STRING || sim_parse_when(c->s, n->str, out) != 0)
    return sim_fail_at(c, n, "%s: expected a duration from start (PT5M) or an RFC 3339 instant", k);
  return 0;
}

/* A list of strings. An item may also be a mapping holding one of subkeys
 * (NULL-terminated), e.g. {snsTopicArn: ...}. */
static int get_list(const ctx *c, const sr_doc_node *n, const char *what,
                    const char *const *subkeys, const char ***out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (!n || n->kind == SR_DOC_NULL) return 0;
  if (n->kind != SR_DOC_SEQ) return sim_fail_at(c, n, "%s: expected a list", what);
  const char **v = tmp_alloc(c->s, n->count * sizeof *v);
  if (!v) return nomem(c, n);
  for (size_t i = 0; i < n->count; i++) {
    const sr_doc_node *it = n->items[i];
    if (it->kind == SR_DOC_MAP && subkeys)
      for (const char *const *k = subkeys; *k && !v[i]; k++) v[i] = sim_sget(it, *k);
    else if (sr_doc_is_scalar(it) && it->kind != SR_DOC_NULL)
      v[i] = it->str;
    if (!v[i]) return sim_fail_at(c, it, "%s: expected a string in the list", what);
  }
  *out = v;
  *count = n->count;
  return 0;
}

/* "arn:aws:ssm-contacts:...:contact/ALIAS" -> "ALIAS"; anything else as it is. */
static const char *contact_alias(const char *s) {
  const char *p = s && strncmp(s, "arn:", 4) == 0 ? strstr(s, ":contact/") : NULL;
  return p ? p + 9 : s;
}

/* ------------------------------------------------------------- naming */

static int incident_count(const ctx *c) {
  size_t total = 0;
  siren_incidents(NULL, 0, &total, c->e, NULL);
  return (int)total;
}

static int find_arn(const ctx *c, const sr_doc_node *n, const char *arn, siren_id *out) {
  int total = incident_count(c);
  for (int i = 1; i <= total; i++) {
    siren_incident_info info = SIREN_INCIDENT_INFO_INIT;
    if (siren_incident_get(&info, c->e, (siren_id)i) == SIREN_OK && strcmp(info.arn, arn) == 0) {
      *out = (siren_id)i;
      return 0;
    }
  }
  fprintf(stderr, "%s:%u:%u: no incident \"%s\"\n", c->file, n->line, n->col, arn);
  return 1;
}

/* The incident an action names (see the top of this file). */
static int pick_incident(const ctx *c, const sr_doc_node *a, siren_id *out) {
  static const char *const keys[] = {"incident", "arn", "incidentRecordArn"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    const sr_doc_node *n = get(a, keys[k]);
    if (!n) continue;
    if (n->kind == SR_DOC_INT && n->i > 0) {
      *out = (siren_id)n->i;
      return 0;
    }
    if (n->kind == SR_DOC_STRING) return find_arn(c, n, n->str, out);
    return sim_fail_at(c, n, "%s: expected an incident id or arn", keys[k]);
  }
  int total = incident_count(c);
  if (!total) {
    fprintf(stderr, "%s:%u:%u: no incident has started yet\n", c->file, a->line, a->col);
    return 1;
  }
  *out = (siren_id)total;
  return 0;
}

static int pick_analysis(const ctx *c, const sr_doc_node *a, siren_id *out) {
  int64_t id = 0;
  TRY(get_int(c, a, "analysis", 1, INT64_MAX, &id));
  if (id) {
    *out = (siren_id)id;
    return 0;
  }
  if (get(a, "incident") || get(a, "arn") || get(a, "incidentRecordArn")) {
    siren_id inc = 0;
    TRY(pick_incident(c, a, &inc));
    siren_incident_info info = SIREN_INCIDENT_INFO_INIT;
    if (siren_incident_get(&info, c->e, inc) != SIREN_OK) return sim_api_fail(c, a, "analysis");
    if (!info.analysis) {
      fprintf(stderr, "%s:%u:%u: incident %llu has no analysis\n", c->file, a->line, a->col,
              (unsigned long long)inc);
      return 1;
    }
    *out = info.analysis;
    return 0;
  }
  if (!c->s->last_analysis) {
    fprintf(stderr, "%s:%u:%u: no analysis has been created yet\n", c->file, a->line, a->col);
    return 1;
  }
  *out = c->s->last_analysis;
  return 0;
}

static const char *incident_arn(const ctx *c, siren_id id) {
  siren_incident_info info = SIREN_INCIDENT_INFO_INIT;
  return siren_incident_get(&info, c->e, id) == SIREN_OK ? info.arn : "";
}

int sim_pick_incident(const ctx *c, const sr_doc_node *a, siren_id *out) {
  return pick_incident(c, a, out);
}

const char *sim_incident_arn(const ctx *c, siren_id id) { return incident_arn(c, id); }

/* --------------------------------------------------------- response plans */

static int read_tags(const ctx *c, const sr_doc_node *m, const char *k, siren_tag **out,
                     size_t *count) {
  const sr_doc_node *n = get(m, k);
  if (!n) return 0;
  if (n->kind != SR_DOC_MAP) return sim_fail_at(c, n, "%s: expected a mapping of key: value", k);
  siren_tag *t = tmp_alloc(c->s, n->count * sizeof *t);
  if (!t) return nomem(c, n);
  for (size_t i = 0; i < n->count; i++) {
    siren_tag_init(&t[i], SIREN_TAG_VERSION);
    t[i].key = n->pairs[i].key->str;
    if (!sr_doc_is_scalar(n->pairs[i].value))
      return sim_fail_at(c, n->pairs[i].value, "%s: expected a string", k);
    t[i].value = n->pairs[i].value->str;
  }
  *out = t;
  *count = n->count;
  return 0;
}

static int dynamic_value(const ctx *c, const sr_doc_node *n, siren_dynamic_value *out) {
  const char *v = n->kind == SR_DOC_MAP ? sim_sget(n, "variable") : sr_doc_is_scalar(n) ? n->str : NULL;
  if (v && strcmp(v, "INCIDENT_RECORD_ARN") == 0)
    *out = SIREN_DYNAMIC_INCIDENT_RECORD_ARN;
  else if (v && strcmp(v, "INVOLVED_RESOURCES") == 0)
    *out = SIREN_DYNAMIC_INVOLVED_RESOURCES;
  else
    return sim_fail_at(c, n, "%sdynamic parameter: expected INCIDENT_RECORD_ARN or INVOLVED_RESOURCES "
                             "(or {variable: ...})", "");
  return 0;
}

/* parameters {name: [values]} and dynamicParameters {name: VARIABLE}. */
static int read_params(const ctx *c, const sr_doc_node *values, const sr_doc_node *dyn,
                       siren_response_plan *p) {
  if (values && values->kind != SR_DOC_MAP)
    return sim_fail_at(c, values, "%sparameters: expected a mapping of name: [values]", "");
  if (dyn && dyn->kind != SR_DOC_MAP)
    return sim_fail_at(c, dyn, "%sdynamicParameters: expected a mapping of name: variable", "");
  size_t n = (values ? values->count : 0) + (dyn ? dyn->count : 0), k = 0;
  siren_runbook_param *q = tmp_alloc(c->s, n * sizeof *q);
  if (!q) return nomem(c, values ? values : dyn);
  for (size_t i = 0; values && i < values->count; i++, k++) {
    siren_runbook_param_init(&q[k], SIREN_RUNBOOK_PARAM_VERSION);
    q[k].name = values->pairs[i].key->str;
    const char **v = NULL;
    if (values->pairs[i].value->kind != SR_DOC_SEQ)
      return sim_fail_at(c, values->pairs[i].value, "%s: expected a list of values", q[k].name);
    TRY(get_list(c, values->pairs[i].value, q[k].name, NULL, &v, &q[k].value_count));
    q[k].values = v;
  }
  for (size_t i = 0; dyn && i < dyn->count; i++, k++) {
    siren_runbook_param_init(&q[k], SIREN_RUNBOOK_PARAM_VERSION);
    q[k].name = dyn->pairs[i].key->str;
    TRY(dynamic_value(c, dyn->pairs[i].value, &q[k].dynamic));
  }
  p->runbook_param_count = n;
  p->runbook_params = q;
  return 0;
}

static int read_plan(const ctx *c, const sr_doc_node *a, siren_response_plan *p) {
  static const char *const sns[] = {"snsTopicArn", NULL};
  siren_response_plan_init(p, SIREN_RESPONSE_PLAN_VERSION);
  if (a->kind != SR_DOC_MAP) return sim_fail_at(c, a, "%sexpected a mapping", "");
  TRY(get_str(c, a, "name", &p->name));
  TRY(get_str(c, a, "displayName", &p->display_name));
  const sr_doc_node *tpl = get(a, "incidentTemplate");
  if (tpl && tpl->kind != SR_DOC_MAP) return sim_fail_at(c, tpl, "%sincidentTemplate: expected a mapping", "");
  const sr_doc_node *targets = get(a, "notificationTargets");
  if (tpl) {
    int64_t impact = 0;
    TRY(get_str(c, tpl, "title", &p->title));
    TRY(get_int(c, tpl, "impact", -1000, 1000, &impact));
    p->impact = (int)impact;
    TRY(get_str(c, tpl, "summary", &p->summary));
    TRY(get_str(c, tpl, "dedupeString", &p->dedupe_string));
    siren_tag *t = NULL;
    TRY(read_tags(c, tpl, "incidentTags", &t, &p->incident_tag_count));
    p->incident_tags = t;
    if (get(tpl, "notificationTargets")) {
      if (targets) return sim_fail_at(c, targets, "%snotificationTargets: give them once", "");
      targets = get(tpl, "notificationTargets");
    }
  }
  const char **list = NULL;
  TRY(get_list(c, targets, "notificationTargets", sns, &list, &p->notification_target_count));
  p->notification_targets = list;
  const sr_doc_node *chat = get(a, "chatChannels"), *aws_chat = get(a, "chatChannel");
  if (chat && aws_chat) return sim_fail_at(c, aws_chat, "%sgive chatChannels or chatChannel, not both", "");
  if (aws_chat) {
    if (aws_chat->kind != SR_DOC_MAP)
      return sim_fail_at(c, aws_chat, "%schatChannel: expected {chatbotSns: [...]} or {empty: {}}", "");
    chat = get(aws_chat, "chatbotSns");
  }
  TRY(get_list(c, chat, "chatChannels", NULL, &list, &p->chat_channel_count));
  p->chat_channels = list;
  const char **eng = NULL;
  TRY(get_list(c, get(a, "engagements"), "engagements", NULL, &eng, &p->engagement_count));
  for (size_t i = 0; i < p->engagement_count; i++) eng[i] = contact_alias(eng[i]);
  p->engagements = eng;
  TRY(get_str(c, a, "runbook", &p->runbook));
  const sr_doc_node *values = get(a, "runbookParameters"), *dyn = get(a, "dynamicParameters");
  const sr_doc_node *actions = get(a, "actions");
  if (actions) {
    if (p->runbook || values || dyn)
      return sim_fail_at(c, actions, "%sgive actions or runbook/runbookParameters/dynamicParameters, "
                                     "not both", "");
    if (actions->kind != SR_DOC_SEQ || actions->count > 1)
      return sim_fail_at(c, actions, "%sactions: expected a list of at most one {ssmAutomation: ...}", "");
    const sr_doc_node *auto_ = actions->count ? get(actions->items[0], "ssmAutomation") : NULL;
    if (actions->count && (!auto_ || auto_->kind != SR_DOC_MAP))
      return sim_fail_at(c, actions->items[0], "%sactions[0]: expected {ssmAutomation: {...}}", "");
    if (auto_) {
      TRY(get_str(c, auto_, "documentName", &p->runbook));
      values = get(auto_, "parameters");
      dyn = get(auto_, "dynamicParameters");
    }
  }
  if (values || dyn) TRY(read_params(c, values, dyn, p));
  siren_tag *tags = NULL;
  TRY(read_tags(c, a, "tags", &tags, &p->tag_count));
  p->tags = tags;
  int64_t v = 0;
  TRY(get_int(c, a, "ackTimeoutMinutes", 0, UINT32_MAX, &v));
  p->ack_timeout_minutes = (uint32_t)v;
  v = 0;
  TRY(get_int(c, a, "autoResolveMinutes", 0, UINT32_MAX, &v));
  p->auto_resolve_minutes = (uint32_t)v;
  const sr_doc_node *m = get(a, "maintenance");
  if (m) {
    if (m->kind != SR_DOC_SEQ) return sim_fail_at(c, m, "%smaintenance: expected a list of {start, end}", "");
    siren_window *w = tmp_alloc(c->s, m->count * sizeof *w);
    if (!w) return nomem(c, m);
    for (size_t i = 0; i < m->count; i++) {
      siren_window_init(&w[i], SIREN_WINDOW_VERSION);
      if (m->items[i]->kind != SR_DOC_MAP || !get(m->items[i], "start") || !get(m->items[i], "end"))
        return sim_fail_at(c, m->items[i], "%smaintenance: expected {start, end}", "");
      TRY(get_when(c, m->items[i], "start", &w[i].start));
      TRY(get_when(c, m->items[i], "end", &w[i].end));
    }
    p->maintenance = w;
    p->maintenance_count = m->count;
  }
  return 0;
}

/* ---------------------------------------------------------- incidents */

static int item_type(const ctx *c, const sr_doc_node *n, const char *s, siren_related_item_type *out) {
  for (int t = SIREN_ITEM_ANALYSIS; t <= SIREN_ITEM_INVOLVED_RESOURCE; t++)
    if (s && strcmp(s, siren_related_item_type_name((siren_related_item_type)t)) == 0) {
      *out = (siren_related_item_type)t;
      return 0;
    }
  return sim_fail_at(c, n, "type \"%s\": expected ANALYSIS, ATTACHMENT, AUTOMATION, INCIDENT, METRIC, "
                           "PARENT, TASK, OTHER or INVOLVED_RESOURCE", s);
}

/* {type, value, title}, or the API's {identifier: {type, value: {arn | url |
 * metricDefinition}}, title}. */
static int read_item(const ctx *c, const sr_doc_node *n, siren_related_item *it) {
  siren_related_item_init(it, SIREN_RELATED_ITEM_VERSION);
  if (n->kind != SR_DOC_MAP) return sim_fail_at(c, n, "%srelated item: expected {type, value, title}", "");
  const sr_doc_node *id = get(n, "identifier");
  const sr_doc_node *from = id && id->kind == SR_DOC_MAP ? id : n;
  const sr_doc_node *v = get(from, "value");
  if (v && v->kind == SR_DOC_MAP) {
    static const char *const keys[] = {"arn", "url", "metricDefinition"};
    for (size_t k = 0; k < 3 && !it->value; k++) it->value = sim_sget(v, keys[k]);
  } else if (v && sr_doc_is_scalar(v)) {
    it->value = v->str;
  }
  if (!it->value) return sim_fail_at(c, v ? v : n, "%srelated item: value is required", "");
  TRY(item_type(c, get(from, "type") ? get(from, "type") : n, sim_sget(from, "type"), &it->type));
  TRY(get_str(c, n, "title", &it->title));
  return 0;
}

static int start_incident(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_incident_params p = SIREN_INCIDENT_PARAMS_INIT;
  TRY(get_str(c, a, "responsePlan", &p.response_plan));
  const char *plan_arn = NULL;
  TRY(get_str(c, a, "responsePlanArn", &plan_arn));
  if (plan_arn) p.response_plan = strstr(plan_arn, "response-plan/") ? strstr(plan_arn, "response-plan/") + 14 : plan_arn;
  TRY(get_str(c, a, "title", &p.title));
  int64_t impact = 0;
  TRY(get_int(c, a, "impact", -1000, 1000, &impact));
  p.impact = (int)impact;
  TRY(get_str(c, a, "clientToken", &p.client_token));
  const sr_doc_node *td = get(a, "triggerDetails");
  if (td) {
    if (td->kind != SR_DOC_MAP) return sim_fail_at(c, td, "%striggerDetails: expected a mapping", "");
    TRY(get_str(c, td, "source", &p.trigger_source));
    TRY(get_str(c, td, "triggerArn", &p.trigger_arn));
    TRY(get_when(c, td, "timestamp", &p.trigger_time));
    TRY(get_text_or_json(c, td, "rawData", &p.trigger_raw_data));
  }
  const sr_doc_node *items = get(a, "relatedItems");
  if (items) {
    if (items->kind != SR_DOC_SEQ) return sim_fail_at(c, items, "%srelatedItems: expected a list", "");
    siren_related_item *it = tmp_alloc(c->s, items->count * sizeof *it);
    if (!it) return nomem(c, items);
    for (size_t i = 0; i < items->count; i++) TRY(read_item(c, items->items[i], &it[i]));
    p.related_items = it;
    p.related_item_count = items->count;
  }
  siren_id id = 0;
  int merged = 0;
  int rc = siren_incident_start(&id, &merged, c->e, &p);
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

static int update_incident(const ctx *c, const char *action, const sr_doc_node *a) {
  static const char *const sns[] = {"snsTopicArn", NULL};
  siren_id inc = 0;
  TRY(pick_incident(c, a, &inc));
  siren_incident_changes u = SIREN_INCIDENT_CHANGES_INIT;
  if (get(a, "title")) {
    u.fields |= SIREN_UPDATE_TITLE;
    TRY(get_str(c, a, "title", &u.title));
  }
  if (get(a, "summary")) {
    u.fields |= SIREN_UPDATE_SUMMARY;
    TRY(get_str(c, a, "summary", &u.summary));
  }
  if (get(a, "impact")) {
    int64_t impact = 0;
    u.fields |= SIREN_UPDATE_IMPACT;
    TRY(get_int(c, a, "impact", -1000, 1000, &impact));
    u.impact = (int)impact;
  }
  const char *status = NULL;
  TRY(get_str(c, a, "status", &status));
  if (status) {
    u.fields |= SIREN_UPDATE_STATUS;
    if (strcmp(status, "OPEN") == 0)
      u.status = SIREN_INCIDENT_OPEN;
    else if (strcmp(status, "RESOLVED") == 0)
      u.status = SIREN_INCIDENT_RESOLVED;
    else
      return sim_fail_at(c, get(a, "status"), "status \"%s\": expected OPEN or RESOLVED", status);
  }
  const sr_doc_node *chat = get(a, "chatChannels"), *aws_chat = get(a, "chatChannel");
  if (aws_chat) {
    if (chat) return sim_fail_at(c, aws_chat, "%sgive chatChannels or chatChannel, not both", "");
    if (aws_chat->kind != SR_DOC_MAP)
      return sim_fail_at(c, aws_chat, "%schatChannel: expected {chatbotSns: [...]} or {empty: {}}", "");
    u.fields |= SIREN_UPDATE_CHAT_CHANNELS;
    chat = get(aws_chat, "chatbotSns");
  }
  if (chat) u.fields |= SIREN_UPDATE_CHAT_CHANNELS;
  const char **list = NULL;
  TRY(get_list(c, chat, "chatChannels", NULL, &list, &u.chat_channel_count));
  u.chat_channels = list;
  if (get(a, "notificationTargets")) {
    u.fields |= SIREN_UPDATE_NOTIFICATION_TARGETS;
    TRY(get_list(c, get(a, "notificationTargets"), "notificationTargets", sns, &list,
                 &u.notification_target_count));
    u.notification_targets = list;
  }
  if (!u.fields)
    return sim_fail_at(c, a, "%sUpdateIncidentRecord: nothing to update (title, summary, impact, status, "
                             "chatChannels, notificationTargets)", "");
  int rc = siren_incident_update(c->e, inc, &u);
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* {add: item} or {remove: value | item}; or the API's relatedItemsUpdate
 * {itemToAdd: item} / {itemToRemove: {type, value}}. */
static int update_items(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id inc = 0;
  TRY(pick_incident(c, a, &inc));
  const sr_doc_node *from = get(a, "relatedItemsUpdate");
  if (from && from->kind != SR_DOC_MAP)
    return sim_fail_at(c, from, "%srelatedItemsUpdate: expected {itemToAdd} or {itemToRemove}", "");
  if (!from) from = a;
  const sr_doc_node *add = get(from, "add") ? get(from, "add") : get(from, "itemToAdd");
  const sr_doc_node *rm = get(from, "remove") ? get(from, "remove") : get(from, "itemToRemove");
  if (!add == !rm) return sim_fail_at(c, a, "%sUpdateRelatedItems: give add or remove (one of them)", "");
  int rc;
  if (add) {
    siren_related_item it;
    TRY(read_item(c, add, &it));
    rc = siren_incident_add_related_item(c->e, inc, &it);
  } else {
    const char *value = sr_doc_is_scalar(rm) ? rm->str : NULL;
    if (!value) {
      siren_related_item it;
      TRY(read_item(c, rm, &it));
      value = it.value;
    }
    rc = siren_incident_remove_related_item(c->e, inc, value);
  }
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* ----------------------------------------------------------- timelines */

static int remember_label(const ctx *c, const sr_doc_node *n, const char *name, siren_id incident,
                          siren_id event) {
  sim *s = c->s;
  if (strlen(name) >= sizeof s->labels[0].name)
    return sim_fail_at(c, n, "label \"%s\" is longer than 63 bytes", name);
  for (size_t i = 0; i < s->nlabels; i++)
    if (strcmp(s->labels[i].name, name) == 0)
      return sim_fail_at(c, n, "label \"%s\" is already taken", name);
  if (s->nlabels == s->lcap) {
    size_t cap = s->lcap ? s->lcap * 2 : 16;
    sim_label *l = realloc(s->labels, cap * sizeof *l);
    if (!l) return nomem(c, n);
    s->labels = l;
    s->lcap = cap;
  }
  sim_label *l = &s->labels[s->nlabels++];
  snprintf(l->name, sizeof l->name, "%s", name);
  l->incident = incident;
  l->event = event;
  return 0;
}

/* eventId: a label, or an id (its incident found when none is named). */
static int pick_event(const ctx *c, const sr_doc_node *a, siren_id *incident, siren_id *event) {
  const sr_doc_node *n = get(a, "eventId");
  if (!n) return sim_fail_at(c, a, "%seventId is required (the id siren printed, or a label)", "");
  if (n->kind == SR_DOC_STRING) {
    for (size_t i = 0; i < c->s->nlabels; i++)
      if (strcmp(c->s->labels[i].name, n->str) == 0) {
        *incident = c->s->labels[i].incident;
        *event = c->s->labels[i].event;
        return 0;
      }
    return sim_fail_at(c, n, "eventId: no timeline event is labelled \"%s\"", n->str);
  }
  if (n->kind != SR_DOC_INT || n->i < 1) return sim_fail_at(c, n, "%seventId: expected an id or a label", "");
  *event = (siren_id)n->i;
  if (get(a, "incident") || get(a, "arn") || get(a, "incidentRecordArn"))
    return pick_incident(c, a, incident);
  /* The incident that has it; the latest when none does (siren says so). */
  for (int i = incident_count(c); i >= 1; i--) {
    siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
    if (siren_timeline_event_get(&ev, c->e, (siren_id)i, *event) == SIREN_OK) {
      *incident = (siren_id)i;
      return 0;
    }
  }
  return pick_incident(c, a, incident);
}

/* eventType, eventTime, eventData, eventReferences: those present replace
 * what *in holds. */
static int read_event(const ctx *c, const sr_doc_node *a, siren_timeline_event *in) {
  static const char *const refkeys[] = {"resource", "relatedItemId", NULL};
  TRY(get_str(c, a, "eventType", &in->event_type));
  TRY(get_when(c, a, "eventTime", &in->event_time));
  TRY(get_text_or_json(c, a, "eventData", &in->event_data));
  if (!in->event_data) in->event_data = "";
  const sr_doc_node *refs = get(a, "eventReferences");
  if (refs) {
    const char **list = NULL;
    TRY(get_list(c, refs, "eventReferences", refkeys, &list, &in->reference_count));
    in->references = list;
  }
  return 0;
}

static int create_event(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id inc = 0;
  TRY(pick_incident(c, a, &inc));
  siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
  TRY(read_event(c, a, &in));
  const char *label = NULL;
  TRY(get_str(c, a, "label", &label));
  siren_id id = 0;
  int rc = siren_timeline_event_create(&id, c->e, inc, &in);
  if (rc && rc != SIREN_ECALLBACK) return sim_api_fail(c, a, action);
  return label ? remember_label(c, get(a, "label"), label, inc, id) : 0;
}

static int change_event(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id inc = 0, id = 0;
  TRY(pick_event(c, a, &inc, &id));
  int rc;
  if (strcmp(action, "DeleteTimelineEvent") == 0) {
    rc = siren_timeline_event_delete(c->e, inc, id);
  } else {
    /* Like the API's UpdateTimelineEvent: what is not given stays. */
    siren_timeline_event in = SIREN_TIMELINE_EVENT_INIT;
    if (siren_timeline_event_get(&in, c->e, inc, id) != SIREN_OK) return sim_api_fail(c, a, action);
    siren_timeline_event now = in;
    TRY(read_event(c, a, &now));
    if (!get(a, "eventData")) now.event_data = in.event_data;
    rc = siren_timeline_event_update(c->e, inc, id, &now);
  }
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

static void print_refs(FILE *f, const char *key, size_t n, const char *const *refs) {
  if (!n) return;
  fprintf(f, ",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    if (i) fputc(',', f);
    sim_json_str(f, refs[i]);
  }
  fputc(']', f);
}

static void print_event(FILE *f, const siren_timeline_event *ev) {
  fprintf(f, ",\"eventId\":%llu", (unsigned long long)ev->id);
  sim_field_s(f, "eventType", ev->event_type);
  sim_field_time(f, "eventTime", ev->event_time);
  if (ev->updated_time != ev->event_time) sim_field_time(f, "eventUpdatedTime", ev->updated_time);
  sim_field_s(f, "eventData", ev->event_data);
  print_refs(f, "eventReferences", ev->reference_count, ev->references);
}

/* ListTimeline {incident?, eventTypes?, eventReferences?, after?, before?,
 * sortOrder? ASCENDING|DESCENDING, skip?, maxResults?}: a timeline.list line
 * (total = the matches after skip), then one timeline.entry per event. */
static int list_timeline(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id inc = 0;
  TRY(pick_incident(c, a, &inc));
  siren_timeline_filter f = SIREN_TIMELINE_FILTER_INIT;
  const char **list = NULL;
  TRY(get_list(c, get(a, "eventTypes"), "eventTypes", NULL, &list, &f.event_type_count));
  f.event_types = list;
  TRY(get_list(c, get(a, "eventReferences"), "eventReferences", NULL, &list, &f.reference_count));
  f.references = list;
  TRY(get_when(c, a, "after", &f.after));
  TRY(get_when(c, a, "before", &f.before));
  const char *order = NULL;
  TRY(get_str(c, a, "sortOrder", &order));
  if (order && strcmp(order, "DESCENDING") != 0 && strcmp(order, "ASCENDING") != 0)
    return sim_fail_at(c, get(a, "sortOrder"), "sortOrder \"%s\": expected ASCENDING or DESCENDING", order);
  f.descending = order && strcmp(order, "DESCENDING") == 0;
  int64_t skip = 0, max = INT32_MAX;
  TRY(get_int(c, a, "skip", 0, INT32_MAX, &skip));
  TRY(get_int(c, a, "maxResults", 1, INT32_MAX, &max));
  f.skip = (size_t)skip;
  size_t total = 0;
  if (siren_timeline_events(NULL, 0, &total, c->e, inc, &f) != SIREN_OK) return sim_api_fail(c, a, action);
  size_t n = total < (size_t)max ? total : (size_t)max;
  siren_id *ids = tmp_alloc(c->s, n * sizeof *ids);
  if (!ids) return nomem(c, a);
  if (siren_timeline_events(ids, n, &total, c->e, inc, &f) != SIREN_OK) return sim_api_fail(c, a, action);
  if (c->s->quiet) return 0;
  FILE *out = c->s->out;
  sim_line(c->s, "timeline.list");
  sim_field_s(out, "incident", incident_arn(c, inc));
  fprintf(out, ",\"total\":%zu}\n", total);
  for (size_t i = 0; i < n; i++) {
    siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
    if (siren_timeline_event_get(&ev, c->e, inc, ids[i]) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "timeline.entry");
    print_event(out, &ev);
    fputs("}\n", out);
  }
  return 0;
}

/* ------------------------------------------------------------ queries */

static const char *status_name(siren_incident_status s) {
  return s == SIREN_INCIDENT_OPEN ? "OPEN" : s == SIREN_INCIDENT_RESOLVED ? "RESOLVED" : "";
}

static int get_incident(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id inc = 0;
  TRY(pick_incident(c, a, &inc));
  siren_incident_info i = SIREN_INCIDENT_INFO_INIT;
  if (siren_incident_get(&i, c->e, inc) != SIREN_OK) return sim_api_fail(c, a, action);
  if (c->s->quiet) return 0;
  FILE *f = c->s->out;
  sim_line(c->s, "incident.record");
  sim_field_s(f, "incident", i.arn);
  sim_field_s(f, "status", status_name(i.status));
  sim_field_s(f, "responsePlan", i.response_plan);
  sim_field_s(f, "title", i.title);
  fprintf(f, ",\"impact\":%d", i.impact);
  sim_field_s(f, "summary", i.summary);
  sim_field_time(f, "created", i.creation_time);
  sim_field_time(f, "modified", i.last_modified_time);
  if (i.resolved_time) sim_field_time(f, "resolved", i.resolved_time);
  sim_field_s(f, "source", i.trigger_source);
  sim_field_s(f, "triggerArn", i.trigger_arn);
  sim_field_time(f, "triggerTime", i.trigger_time);
  sim_field_s(f, "dedupeString", i.dedupe_string);
  fprintf(f, ",\"triggers\":%u", i.trigger_count);
  sim_field_time(f, "lastTrigger", i.last_trigger_time);
  print_refs(f, "chatChannels", i.chat_channel_count, i.chat_channels);
  print_refs(f, "notificationTargets", i.notification_target_count, i.notification_targets);
  if (i.incident_tag_count) {
    fputs(",\"incidentTags\":{", f);
    for (size_t k = 0; k < i.incident_tag_count; k++) {
      if (k) fputc(',', f);
      sim_json_str(f, i.incident_tags[k].key);
      fputc(':', f);
      sim_json_str(f, i.incident_tags[k].value);
    }
    fputc('}', f);
  }
  fprintf(f, ",\"engagements\":%u,\"timelineEvents\":%u,\"acknowledged\":%s,\"maintenance\":%s",
          i.engagement_count, i.timeline_event_count, i.acknowledged ? "true" : "false",
          i.maintenance ? "true" : "false");
  if (*i.runbook) sim_field_s(f, "runbook", i.runbook);
  if (i.analysis) fprintf(f, ",\"analysis\":%llu", (unsigned long long)i.analysis);
  fputs(",\"relatedItems\":[", f);
  for (uint32_t k = 0; k < i.related_item_count; k++) {
    siren_related_item it = SIREN_RELATED_ITEM_INIT;
    if (siren_incident_related_item_at(&it, c->e, inc, k) != SIREN_OK) break;
    fputs(k ? ",{\"type\":" : "{\"type\":", f);
    sim_json_str(f, siren_related_item_type_name(it.type));
    sim_field_s(f, "value", it.value);
    if (*it.title) sim_field_s(f, "title", it.title);
    fputc('}', f);
  }
  fputs("]}\n", f);
  return 0;
}

/* ListIncidents {status?: [OPEN|RESOLVED], impact?: [1-5], createdAfter?,
 * createdBefore?}: an incident.list line, then one incident.entry each. */
static int list_incidents(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_incident_filter f = SIREN_INCIDENT_FILTER_INIT;
  const char **st = NULL;
  size_t nst = 0;
  TRY(get_list(c, get(a, "status"), "status", NULL, &st, &nst));
  for (size_t i = 0; i < nst; i++) {
    if (strcmp(st[i], "OPEN") == 0)
      f.statuses |= 1u << SIREN_INCIDENT_OPEN;
    else if (strcmp(st[i], "RESOLVED") == 0)
      f.statuses |= 1u << SIREN_INCIDENT_RESOLVED;
    else
      return sim_fail_at(c, get(a, "status"), "status \"%s\": expected OPEN or RESOLVED", st[i]);
  }
  const sr_doc_node *imp = get(a, "impact");
  if (imp) {
    if (imp->kind != SR_DOC_SEQ) return sim_fail_at(c, imp, "%simpact: expected a list of 1-5", "");
    for (size_t i = 0; i < imp->count; i++) {
      if (imp->items[i]->kind != SR_DOC_INT || imp->items[i]->i < 1 || imp->items[i]->i > 5)
        return sim_fail_at(c, imp->items[i], "%simpact: expected 1-5", "");
      f.impacts |= 1u << imp->items[i]->i;
    }
  }
  TRY(get_when(c, a, "createdAfter", &f.created_after));
  TRY(get_when(c, a, "createdBefore", &f.created_before));
  size_t total = 0;
  if (siren_incidents(NULL, 0, &total, c->e, &f) != SIREN_OK) return sim_api_fail(c, a, action);
  siren_id *ids = tmp_alloc(c->s, total * sizeof *ids);
  if (!ids) return nomem(c, a);
  if (siren_incidents(ids, total, &total, c->e, &f) != SIREN_OK) return sim_api_fail(c, a, action);
  if (c->s->quiet) return 0;
  FILE *out = c->s->out;
  sim_line(c->s, "incident.list");
  fprintf(out, ",\"total\":%zu}\n", total);
  for (size_t k = 0; k < total; k++) {
    siren_incident_info i = SIREN_INCIDENT_INFO_INIT;
    if (siren_incident_get(&i, c->e, ids[k]) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "incident.entry");
    sim_field_s(out, "incident", i.arn);
    sim_field_s(out, "status", status_name(i.status));
    sim_field_s(out, "title", i.title);
    fprintf(out, ",\"impact\":%d", i.impact);
    sim_field_time(out, "created", i.creation_time);
    if (i.resolved_time) sim_field_time(out, "resolved", i.resolved_time);
    fputs("}\n", out);
  }
  return 0;
}

/* ----------------------------------------------------------- heartbeats */

static int heartbeat(const ctx *c, const char *action, const sr_doc_node *a) {
  const char *name = NULL;
  TRY(get_str(c, a, "name", &name));
  int rc;
  if (strcmp(action, "CreateHeartbeat") == 0) {
    siren_heartbeat hb = SIREN_HEARTBEAT_INIT;
    int64_t interval = 0;
    hb.name = name;
    TRY(get_str(c, a, "responsePlan", &hb.response_plan));
    TRY(get_int(c, a, "intervalMinutes", 0, UINT32_MAX, &interval));
    hb.interval_minutes = (uint32_t)interval;
    TRY(get_bool(c, a, "resolveOnBeat", &hb.resolve_on_beat));
    rc = siren_heartbeat_create(c->e, &hb);
  } else if (strcmp(action, "Heartbeat") == 0) {
    rc = siren_heartbeat_beat(c->e, name);
  } else {
    rc = siren_heartbeat_delete(c->e, name);
  }
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* ------------------------------------------------------------- analyses */

static int create_analysis(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id inc = 0;
  TRY(pick_incident(c, a, &inc));
  const sr_doc_node *qs = get(a, "questions");
  siren_question *q = NULL;
  size_t n = 0;
  if (qs) {
    if (qs->kind != SR_DOC_SEQ) return sim_fail_at(c, qs, "%squestions: expected a list of {section, text}", "");
    n = qs->count;
    q = tmp_alloc(c->s, n * sizeof *q);
    if (!q) return nomem(c, qs);
    for (size_t i = 0; i < n; i++) {
      siren_question_init(&q[i], SIREN_QUESTION_VERSION);
      if (qs->items[i]->kind != SR_DOC_MAP)
        return sim_fail_at(c, qs->items[i], "%squestions: expected {section, text}", "");
      TRY(get_str(c, qs->items[i], "section", &q[i].section));
      TRY(get_str(c, qs->items[i], "text", &q[i].text));
    }
  }
  siren_id id = 0;
  int rc = siren_analysis_create(&id, c->e, inc, q, n);
  if (rc && rc != SIREN_ECALLBACK) return sim_api_fail(c, a, action);
  c->s->last_analysis = id;
  return 0;
}

static int analysis_change(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id an = 0;
  TRY(pick_analysis(c, a, &an));
  int rc;
  if (strcmp(action, "AnswerAnalysisQuestion") == 0) {
    int64_t q = -1;
    const char *answer = NULL;
    TRY(get_int(c, a, "question", 0, UINT32_MAX, &q));
    if (q < 0) return sim_fail_at(c, a, "%squestion (its index, from 0) is required", "");
    TRY(get_str(c, a, "answer", &answer));
    rc = siren_analysis_answer(c->e, an, (uint32_t)q, answer);
  } else if (strcmp(action, "AddActionItem") == 0) {
    siren_action_item it = SIREN_ACTION_ITEM_INIT;
    TRY(get_str(c, a, "title", &it.title));
    TRY(get_str(c, a, "owner", &it.owner));
    TRY(get_when(c, a, "dueTime", &it.due_time));
    rc = siren_analysis_add_action_item(NULL, c->e, an, &it);
  } else {
    /* Close/ReopenActionItem {item: index} or {title: ...}. */
    int64_t index = -1;
    const char *title = NULL;
    TRY(get_int(c, a, "item", 0, UINT32_MAX, &index));
    TRY(get_str(c, a, "title", &title));
    siren_analysis_info info = SIREN_ANALYSIS_INFO_INIT;
    if (index < 0 && title && siren_analysis_get(&info, c->e, an) == SIREN_OK)
      for (uint32_t k = 0; k < info.action_item_count && index < 0; k++) {
        siren_action_item it = SIREN_ACTION_ITEM_INIT;
        if (siren_analysis_action_item_at(&it, c->e, an, k) == SIREN_OK && strcmp(it.title, title) == 0)
          index = k;
      }
    if (index < 0)
      return sim_fail_at(c, a, "%sname the action item by item (its index, from 0) or its title", "");
    rc = siren_analysis_set_action_item_status(c->e, an, (uint32_t)index,
                                               action[0] == 'C' ? SIREN_ACTION_CLOSED : SIREN_ACTION_OPEN);
  }
  return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
}

/* GetAnalysis: an analysis.record line, then its questions, its frozen
 * timeline and related items, and its action items. */
static int get_analysis(const ctx *c, const char *action, const sr_doc_node *a) {
  siren_id an = 0;
  TRY(pick_analysis(c, a, &an));
  siren_analysis_info info = SIREN_ANALYSIS_INFO_INIT;
  if (siren_analysis_get(&info, c->e, an) != SIREN_OK) return sim_api_fail(c, a, action);
  if (c->s->quiet) return 0;
  FILE *f = c->s->out;
  sim_line(c->s, "analysis.record");
  fprintf(f, ",\"analysis\":%llu", (unsigned long long)an);
  sim_field_s(f, "incident", incident_arn(c, info.incident));
  sim_field_time(f, "created", info.creation_time);
  fprintf(f, ",\"questions\":%u,\"answered\":%u,\"timelineEvents\":%u,\"relatedItems\":%u,"
             "\"actionItems\":%u,\"openActionItems\":%u}\n",
          info.question_count, info.answered_count, info.timeline_event_count,
          info.related_item_count, info.action_item_count, info.open_action_item_count);
  for (uint32_t i = 0; i < info.question_count; i++) {
    siren_question q = SIREN_QUESTION_INIT;
    if (siren_analysis_question_at(&q, c->e, an, i) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "analysis.question");
    fprintf(f, ",\"index\":%u", i);
    sim_field_s(f, "section", q.section);
    sim_field_s(f, "text", q.text);
    sim_field_s(f, "answer", q.answer);
    fputs("}\n", f);
  }
  for (uint32_t i = 0; i < info.timeline_event_count; i++) {
    siren_timeline_event ev = SIREN_TIMELINE_EVENT_INIT;
    if (siren_analysis_timeline_at(&ev, c->e, an, i) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "analysis.timeline");
    print_event(f, &ev);
    fputs("}\n", f);
  }
  for (uint32_t i = 0; i < info.related_item_count; i++) {
    siren_related_item it = SIREN_RELATED_ITEM_INIT;
    if (siren_analysis_related_item_at(&it, c->e, an, i) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "analysis.related_item");
    sim_field_s(f, "type", siren_related_item_type_name(it.type));
    sim_field_s(f, "value", it.value);
    if (*it.title) sim_field_s(f, "title", it.title);
    fputs("}\n", f);
  }
  for (uint32_t i = 0; i < info.action_item_count; i++) {
    siren_action_item it = SIREN_ACTION_ITEM_INIT;
    if (siren_analysis_action_item_at(&it, c->e, an, i) != SIREN_OK) return sim_api_fail(c, a, action);
    sim_line(c->s, "analysis.action_item");
    fprintf(f, ",\"index\":%u", i);
    sim_field_s(f, "title", it.title);
    if (*it.owner) sim_field_s(f, "owner", it.owner);
    if (it.due_time) sim_field_time(f, "dueTime", it.due_time);
    sim_field_s(f, "status", it.status == SIREN_ACTION_CLOSED ? "CLOSED" : "OPEN");
    fputs("}\n", f);
  }
  return 0;
}

/* ------------------------------------------------------------ dispatch */

int sim_incident_action(const ctx *c, const char *action, const sr_doc_node *a) {
  if (strcmp(action, "CreateResponsePlan") == 0 || strcmp(action, "UpdateResponsePlan") == 0) {
    siren_response_plan p;
    TRY(read_plan(c, a, &p));
    int rc = action[0] == 'C' ? siren_response_plan_create(c->e, &p) : siren_response_plan_update(c->e, &p);
    return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
  }
  if (strcmp(action, "DeleteResponsePlan") == 0) {
    const char *name = NULL;
    TRY(get_str(c, a, "name", &name));
    int rc = siren_response_plan_delete(c->e, name);
    return rc && rc != SIREN_ECALLBACK ? sim_api_fail(c, a, action) : 0;
  }
  if (strcmp(action, "StartIncident") == 0) return start_incident(c, action, a);
  if (strcmp(action, "UpdateIncidentRecord") == 0) return update_incident(c, action, a);
  if (strcmp(action, "UpdateRelatedItems") == 0) return update_items(c, action, a);
  if (strcmp(action, "GetIncidentRecord") == 0) return get_incident(c, action, a);
  if (strcmp(action, "ListIncidents") == 0) return list_incidents(c, action, a);
  if (strcmp(action, "CreateTimelineEvent") == 0) return create_event(c, action, a);
  if (strcmp(action, "UpdateTimelineEvent") == 0 || strcmp(action, "DeleteTimelineEvent") == 0)
    return change_event(c, action, a);
  if (strcmp(action, "ListTimeline") == 0) return list_timeline(c, action, a);
  if (strcmp(action, "CreateHeartbeat") == 0 || strcmp(action, "Heartbeat") == 0 ||
      strcmp(action, "DeleteHeartbeat") == 0)
    return heartbeat(c, action, a);
  if (strcmp(action, "CreateAnalysis") == 0) return create_analysis(c, action, a);
  if (strcmp(action, "AnswerAnalysisQuestion") == 0 || strcmp(action, "AddActionItem") == 0 ||
      strcmp(action, "CloseActionItem") == 0 || strcmp(action, "ReopenActionItem") == 0)
    return analysis_change(c, action, a);
  if (strcmp(action, "GetAnalysis") == 0) return get_analysis(c, action, a);
  return -1;
}

/* ------------------------------------------------------- event printing */

/* incident.updated's fields: siren gives them as the timeline event's JSON
 * ({"fields":[...], ...}) or as a comma-separated list; both print as a list. */
static void print_fields(FILE *f, const char *text) {
  fputs(",\"fields\":[", f);
  sr_doc *doc = NULL;
  if (text[0] == '{' &&
      sr_doc_parse_json(&doc, &sr_mem_libc, text, strlen(text), NULL, NULL) == SIREN_OK) {
    const sr_doc_node *fl = sr_doc_get(sr_doc_root(doc), "fields");
    for (size_t i = 0; fl && fl->kind == SR_DOC_SEQ && i < fl->count; i++) {
      if (i) fputc(',', f);
      sim_json_str(f, fl->items[i]->str ? fl->items[i]->str : "");
    }
    sr_doc_free(doc);
  } else {
    for (const char *p = text; *p;) {
      size_t n = strcspn(p, ",");
      char one[128];
      snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), p);
      if (p != text) fputc(',', f);
      sim_json_str(f, one);
      p += n + (p[n] == ',');
    }
  }
  fputc(']', f);
}

int sim_print_incident_event(FILE *f, const siren_event *ev) {
  const char *inc = ev->incident_id ? ev->incident_id : "";
  switch (ev->type) {
  case SIREN_EVENT_INCIDENT_CREATED:
    sim_field_s(f, "incident", inc);
    sim_field_s(f, "responsePlan", ev->response_plan);
    sim_field_s(f, "title", ev->title);
    fprintf(f, ",\"impact\":%d", ev->impact);
    sim_field_s(f, "source", ev->reason);
    break;
  case SIREN_EVENT_INCIDENT_DEDUPLICATED:
    sim_field_s(f, "incident", inc);
    sim_field_s(f, "source", ev->reason);
    break;
  case SIREN_EVENT_INCIDENT_UPDATED:
    sim_field_s(f, "incident", inc);
    print_fields(f, ev->text);
    break;
  case SIREN_EVENT_INCIDENT_RESOLVED:
  case SIREN_EVENT_INCIDENT_REENGAGED:
    sim_field_s(f, "incident", inc);
    sim_field_s(f, "reason", ev->reason);
    break;
  case SIREN_EVENT_INCIDENT_REOPENED:
    sim_field_s(f, "incident", inc);
    break;
  case SIREN_EVENT_CHAT_MESSAGE:
    sim_field_s(f, "incident", inc);
    sim_field_s(f, "channel", ev->channel);
    sim_field_s(f, "type", ev->channel_type);
    sim_field_s(f, "message", ev->reason);
    sim_field_s(f, "text", ev->text);
    break;
  case SIREN_EVENT_RELATED_ITEM_ADDED:
  case SIREN_EVENT_RELATED_ITEM_REMOVED:
    sim_field_s(f, "incident", inc);
    sim_field_s(f, "type", ev->reason);
    sim_field_s(f, "value", ev->text);
    break;
  case SIREN_EVENT_TIMELINE_EVENT:
    sim_field_s(f, "incident", inc);
    fprintf(f, ",\"eventId\":%llu", (unsigned long long)ev->related);
    sim_field_s(f, "change", ev->reason);
    break;
  case SIREN_EVENT_HEARTBEAT_MISSED:
    sim_field_s(f, "heartbeat", ev->reason);
    break;
  case SIREN_EVENT_RUNBOOK_PENDING:
    sim_field_s(f, "incident", inc);
    sim_field_s(f, "runbook", ev->text);
    break;
  case SIREN_EVENT_ANALYSIS_CREATED:
    sim_field_s(f, "incident", inc);
    fprintf(f, ",\"analysis\":%llu", (unsigned long long)ev->related);
    break;
  default:
    return 0;
  }
  return 1;
}
