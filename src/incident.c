/*
 * Response plans, incidents and heartbeats.
 *
 * An incident's status is a two-state machine:
 *   (trigger) --no OPEN incident with its dedupe string--> OPEN
 *   (trigger) --an OPEN incident has its dedupe string---> that incident (merged)
 *   OPEN --update status RESOLVED / auto-resolve timer / heartbeat beat--> RESOLVED
 *   RESOLVED --update status OPEN (explicit reopen)--> OPEN
 * Opening engages the plan's contacts (one engagement each) unless the plan
 * is in a maintenance window; resolving stops every engagement still active.
 * An acknowledged OPEN incident re-engages after the plan's acknowledgement
 * timeout. Everything that happens goes on the timeline (timeline.c) and the
 * milestones are posted to the incident's chat channels and notification
 * targets through notify.
 *
 * Records carry only what the command was given; the rules (which incident a
 * trigger merges into, who is engaged) are applied when the record is
 * prepared, so live commands and replay decide alike.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"


#define RP_MAX_NAME 200
#define MAX_CHAT 5
#define MAX_TARGETS 10
#define MAX_ENGAGEMENTS 5
#define MAX_TAGS 50
#define MAX_PARAMS 200
#define MAX_PARAM_VALUES 10
#define MAX_WINDOWS 16
#define MAX_ITEMS 100

static const char *const impact_names[6] = {"", "Critical", "High", "Medium", "Low",
                                            "No impact"};

/* ----------------------------------------------------------- validation */

static int valid_name(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n < 1 || n > RP_MAX_NAME) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return 0;
  return 1;
}

static int len_ok(const char *s, size_t min, size_t max) {
  size_t n = s ? strlen(s) : 0;
  return n >= min && n <= max;
}

static int check_strs(siren_engine *e, const char *what, const char *const *v, size_t n,
                      size_t max_n, size_t max_len) {
  if (n > max_n) return sr_err(e, SIREN_EINVAL, "%s: at most %zu", what, max_n);
  if (n && !v) return sr_err(e, SIREN_EINVAL, "%s is NULL", what);
  for (size_t i = 0; i < n; i++)
    if (!len_ok(v[i], 1, max_len))
      return sr_err(e, SIREN_EINVAL, "%s[%zu] must be 1-%zu bytes", what, i, max_len);
  return SIREN_OK;
}

static int check_tags(siren_engine *e, const char *what, const siren_tag *t, size_t n) {
  if (n > MAX_TAGS) return sr_err(e, SIREN_EINVAL, "%s: at most %d", what, MAX_TAGS);
  if (n && !t) return sr_err(e, SIREN_EINVAL, "%s is NULL", what);
  for (size_t i = 0; i < n; i++) {
    if (t[i].version == 0 || t[i].version > SIREN_TAG_VERSION)
      return sr_err(e, SIREN_EVERSION, "%s[%zu]: siren_tag version %u", what, i, t[i].version);
    if (!len_ok(t[i].key, 1, 128))
      return sr_err(e, SIREN_EINVAL, "%s[%zu].key must be 1-128 bytes", what, i);
    if (!len_ok(t[i].value, 0, 256))
      return sr_err(e, SIREN_EINVAL, "%s[%zu].value must be at most 256 bytes", what, i);
  }
  return SIREN_OK;
}

/* The rules of a response plan, for the command and for its record. */
static int rp_check(siren_engine *e, const siren_response_plan *p) {
  int rc;
  if (!valid_name(p->name))
    return sr_err(e, SIREN_EINVAL, "name must be 1-%d of [A-Za-z0-9_-]", RP_MAX_NAME);
  if (!len_ok(p->display_name, 0, 200))
    return sr_err(e, SIREN_EINVAL, "display_name must be at most 200 bytes");
  if (!len_ok(p->title, 1, 200))
    return sr_err(e, SIREN_EINVAL, "incident_template.title must be 1-200 bytes");
  if (p->impact < 1 || p->impact > 5)
    return sr_err(e, SIREN_EINVAL, "incident_template.impact must be 1-5");
  if (!len_ok(p->summary, 0, 4000))
    return sr_err(e, SIREN_EINVAL, "incident_template.summary must be at most 4000 bytes");
  if (!len_ok(p->dedupe_string, 0, 1000))
    return sr_err(e, SIREN_EINVAL, "incident_template.dedupe_string must be at most 1000 bytes");
  if ((rc = check_tags(e, "incident_tags", p->incident_tags, p->incident_tag_count)) ||
      (rc = check_tags(e, "tags", p->tags, p->tag_count)) ||
      (rc = check_strs(e, "notification_targets", p->notification_targets,
                       p->notification_target_count, MAX_TARGETS, 1000)) ||
      (rc = check_strs(e, "chat_channels", p->chat_channels, p->chat_channel_count, MAX_CHAT,
                       1000)) ||
      (rc = check_strs(e, "engagements", p->engagements, p->engagement_count, MAX_ENGAGEMENTS,
                       2048)))
    return rc;
  for (size_t i = 0; i < p->engagement_count; i++) {
    if (!sr_contact_find(e, p->engagements[i], NULL))
      return sr_err(e, SIREN_EINVAL, "engagements[%zu]: no contact \"%s\"", i, p->engagements[i]);
    for (size_t j = 0; j < i; j++)
      if (strcmp(p->engagements[i], p->engagements[j]) == 0)
        return sr_err(e, SIREN_EINVAL, "engagements[%zu]: \"%s\" is listed twice", i,
                      p->engagements[i]);
  }
  if (!len_ok(p->runbook, 0, 128))
    return sr_err(e, SIREN_EINVAL, "runbook must be at most 128 bytes");
  if (p->runbook_param_count > MAX_PARAMS)
    return sr_err(e, SIREN_EINVAL, "runbook_params: at most %d", MAX_PARAMS);
  if (p->runbook_param_count && !p->runbook_params)
    return sr_err(e, SIREN_EINVAL, "runbook_params is NULL");
  if (p->runbook_param_count && !(p->runbook && *p->runbook))
    return sr_err(e, SIREN_EINVAL, "runbook_params given without a runbook");
  for (size_t i = 0; i < p->runbook_param_count; i++) {
    const siren_runbook_param *q = &p->runbook_params[i];
    if (q->version == 0 || q->version > SIREN_RUNBOOK_PARAM_VERSION)
      return sr_err(e, SIREN_EVERSION, "runbook_params[%zu]: version %u", i, q->version);
    if (!len_ok(q->name, 1, 50))
      return sr_err(e, SIREN_EINVAL, "runbook_params[%zu].name must be 1-50 bytes", i);
    if (q->dynamic != SIREN_DYNAMIC_NONE && q->dynamic != SIREN_DYNAMIC_INCIDENT_RECORD_ARN &&
        q->dynamic != SIREN_DYNAMIC_INVOLVED_RESOURCES)
      return sr_err(e, SIREN_EINVAL, "runbook_params[%zu].dynamic: unknown value %d", i,
                    (int)q->dynamic);
    if (q->dynamic != SIREN_DYNAMIC_NONE && q->value_count)
      return sr_err(e, SIREN_EINVAL, "runbook_params[%zu]: values and a dynamic value", i);
    char what[64];
    snprintf(what, sizeof what, "runbook_params[%zu].values", i);
    if ((rc = check_strs(e, what, q->values, q->value_count, MAX_PARAM_VALUES, 10000))) return rc;
    for (size_t j = 0; j < i; j++)
      if (strcmp(q->name, p->runbook_params[j].name) == 0)
        return sr_err(e, SIREN_EINVAL, "runbook_params[%zu]: \"%s\" is listed twice", i, q->name);
  }
  if (p->ack_timeout_minutes > 1440)
    return sr_err(e, SIREN_EINVAL, "ack_timeout_minutes must be 0-1440");
  if (p->auto_resolve_minutes > 43200)
    return sr_err(e, SIREN_EINVAL, "auto_resolve_minutes must be 0-43200");
  if (p->maintenance_count > MAX_WINDOWS)
    return sr_err(e, SIREN_EINVAL, "maintenance: at most %d windows", MAX_WINDOWS);
  if (p->maintenance_count && !p->maintenance)
    return sr_err(e, SIREN_EINVAL, "maintenance is NULL");
  for (size_t i = 0; i < p->maintenance_count; i++) {
    const siren_window *w = &p->maintenance[i];
    if (w->version == 0 || w->version > SIREN_WINDOW_VERSION)
      return sr_err(e, SIREN_EVERSION, "maintenance[%zu]: version %u", i, w->version);
    if (w->start >= w->end)
      return sr_err(e, SIREN_EINVAL, "maintenance[%zu]: start must be before end", i);
  }
  return SIREN_OK;
}

/* ----------------------------------------------------- plan copy, record */

static size_t up8(size_t n) { return (n + 7) & ~(size_t)7; }

static size_t slen(const char *s) { return s ? strlen(s) + 1 : 1; }

static char *put_str(char **cursor, const char *s) {
  char *out = *cursor;
  size_t n = s ? strlen(s) : 0;
  if (n) memcpy(out, s, n);
  out[n] = '\0';
  *cursor += n + 1;
  return out;
}

/* A deep copy of a (checked) plan in one allocation. */
static siren_response_plan *rp_copy(const sr_mem *m, const siren_response_plan *p) {
  size_t bytes = up8(sizeof *p) + up8(p->maintenance_count * sizeof(siren_window)) +
                 up8((p->incident_tag_count + p->tag_count) * sizeof(siren_tag)) +
                 up8(p->runbook_param_count * sizeof(siren_runbook_param));
  size_t ptrs = p->notification_target_count + p->chat_channel_count + p->engagement_count;
  size_t strs = slen(p->name) + slen(p->display_name) + slen(p->title) + slen(p->summary) +
                slen(p->dedupe_string) + slen(p->runbook);
  for (size_t i = 0; i < p->incident_tag_count; i++)
    strs += slen(p->incident_tags[i].key) + slen(p->incident_tags[i].value);
  for (size_t i = 0; i < p->tag_count; i++) strs += slen(p->tags[i].key) + slen(p->tags[i].value);
  for (size_t i = 0; i < p->notification_target_count; i++) strs += slen(p->notification_targets[i]);
  for (size_t i = 0; i < p->chat_channel_count; i++) strs += slen(p->chat_channels[i]);
  for (size_t i = 0; i < p->engagement_count; i++) strs += slen(p->engagements[i]);
  for (size_t i = 0; i < p->runbook_param_count; i++) {
    ptrs += p->runbook_params[i].value_count;
    strs += slen(p->runbook_params[i].name);
    for (size_t j = 0; j < p->runbook_params[i].value_count; j++)
      strs += slen(p->runbook_params[i].values[j]);
  }
  bytes += ptrs * sizeof(char *) + strs;
  char *block = sr_alloc(m, bytes);
  if (!block) return NULL;
  siren_response_plan *o = (siren_response_plan *)(void *)block;
  *o = *p;
  o->version = SIREN_RESPONSE_PLAN_VERSION;
  char *at = block + up8(sizeof *p);
  siren_window *w = (siren_window *)(void *)at;
  at += up8(p->maintenance_count * sizeof(siren_window));
  siren_tag *tags = (siren_tag *)(void *)at;
  at += up8((p->incident_tag_count + p->tag_count) * sizeof(siren_tag));
  siren_runbook_param *params = (siren_runbook_param *)(void *)at;
  at += up8(p->runbook_param_count * sizeof(siren_runbook_param));
  const char **ptr = (const char **)(void *)at;
  char *sp = at + ptrs * sizeof(char *);

  o->name = put_str(&sp, p->name);
  o->display_name = put_str(&sp, p->display_name);
  o->title = put_str(&sp, p->title);
  o->summary = put_str(&sp, p->summary);
  o->dedupe_string = put_str(&sp, p->dedupe_string);
  o->runbook = put_str(&sp, p->runbook);
  for (size_t i = 0; i < p->maintenance_count; i++) {
    w[i] = p->maintenance[i];
    w[i].version = SIREN_WINDOW_VERSION;
  }
  o->maintenance = p->maintenance_count ? w : NULL;
  o->incident_tags = p->incident_tag_count ? tags : NULL;
  for (size_t i = 0; i < p->incident_tag_count; i++, tags++) {
    tags->version = SIREN_TAG_VERSION;
    tags->key = put_str(&sp, p->incident_tags[i].key);
    tags->value = put_str(&sp, p->incident_tags[i].value);
  }
  o->tags = p->tag_count ? tags : NULL;
  for (size_t i = 0; i < p->tag_count; i++, tags++) {
    tags->version = SIREN_TAG_VERSION;
    tags->key = put_str(&sp, p->tags[i].key);
    tags->value = put_str(&sp, p->tags[i].value);
  }
  const char *const *src[3] = {p->notification_targets, p->chat_channels, p->engagements};
  size_t cnt[3] = {p->notification_target_count, p->chat_channel_count, p->engagement_count};
  const char *const **dst[3] = {&o->notification_targets, &o->chat_channels, &o->engagements};
  for (int k = 0; k < 3; k++) {
    *dst[k] = cnt[k] ? ptr : NULL;
    for (size_t i = 0; i < cnt[k]; i++) *ptr++ = put_str(&sp, src[k][i]);
  }
  o->runbook_params = p->runbook_param_count ? params : NULL;
  for (size_t i = 0; i < p->runbook_param_count; i++) {
    const siren_runbook_param *q = &p->runbook_params[i];
    params[i].version = SIREN_RUNBOOK_PARAM_VERSION;
    params[i].name = put_str(&sp, q->name);
    params[i].dynamic = q->dynamic;
    params[i].value_count = q->value_count;
    params[i].values = q->value_count ? ptr : NULL;
    for (size_t j = 0; j < q->value_count; j++) *ptr++ = put_str(&sp, q->values[j]);
  }
  return o;
}

enum { RI_UPDATE, RI_IMPACT, RI_ACK, RI_AUTO, RI_NITAGS, RI_NTARGETS, RI_NCHAT, RI_NENG,
       RI_NPARAMS, RI_NTAGS, RI_NWINDOWS, RI_FIXED };
enum { RS_NAME, RS_DISPLAY, RS_TITLE, RS_SUMMARY, RS_DEDUPE, RS_RUNBOOK, RS_FIXED };

static int rp_encode(siren_engine *e, sr_rec *r, const siren_response_plan *p, int update) {
  const sr_mem *m = &e->mem;
  int64_t ints[RI_FIXED] = {update, p->impact, p->ack_timeout_minutes, p->auto_resolve_minutes,
                            (int64_t)p->incident_tag_count, (int64_t)p->notification_target_count,
                            (int64_t)p->chat_channel_count, (int64_t)p->engagement_count,
                            (int64_t)p->runbook_param_count, (int64_t)p->tag_count,
                            (int64_t)p->maintenance_count};
  int bad = 0;
  for (int i = 0; i < RI_FIXED; i++) bad |= sr_rec_int(m, r, ints[i]);
  for (size_t i = 0; i < p->runbook_param_count; i++)
    bad |= sr_rec_int(m, r, (int64_t)p->runbook_params[i].value_count) |
           sr_rec_int(m, r, p->runbook_params[i].dynamic);
  for (size_t i = 0; i < p->maintenance_count; i++)
    bad |= sr_rec_int(m, r, p->maintenance[i].start) | sr_rec_int(m, r, p->maintenance[i].end);
  const char *fixed[RS_FIXED] = {p->name, p->display_name, p->title, p->summary,
                                 p->dedupe_string, p->runbook};
  for (int i = 0; i < RS_FIXED; i++) bad |= sr_rec_str(m, r, fixed[i]);
  for (size_t i = 0; i < p->incident_tag_count; i++)
    bad |= sr_rec_str(m, r, p->incident_tags[i].key) | sr_rec_str(m, r, p->incident_tags[i].value);
  for (size_t i = 0; i < p->notification_target_count; i++)
    bad |= sr_rec_str(m, r, p->notification_targets[i]);
  for (size_t i = 0; i < p->chat_channel_count; i++) bad |= sr_rec_str(m, r, p->chat_channels[i]);
  for (size_t i = 0; i < p->engagement_count; i++) bad |= sr_rec_str(m, r, p->engagements[i]);
  for (size_t i = 0; i < p->runbook_param_count; i++) {
    bad |= sr_rec_str(m, r, p->runbook_params[i].name);
    for (size_t j = 0; j < p->runbook_params[i].value_count; j++)
      bad |= sr_rec_str(m, r, p->runbook_params[i].values[j]);
  }
  for (size_t i = 0; i < p->tag_count; i++)
    bad |= sr_rec_str(m, r, p->tags[i].key) | sr_rec_str(m, r, p->tags[i].value);
  return bad ? SIREN_ENOMEM : SIREN_OK;
}

/* Reads a plan back from its record into a view over the record's strings;
 * *scratch (freed by the caller) holds the view's arrays. */
static int rp_decode(siren_engine *e, const sr_rec *r, siren_response_plan *p, void **scratch) {
  *scratch = NULL;
  if (r->int_count < RI_FIXED || r->str_count < RS_FIXED) return SIREN_ECORRUPT;
  for (int i = RI_IMPACT; i < RI_FIXED; i++)
    if (r->ints[i] < 0 || r->ints[i] > 100000) return SIREN_ECORRUPT;
  size_t nitags = (size_t)r->ints[RI_NITAGS], ntargets = (size_t)r->ints[RI_NTARGETS],
         nchat = (size_t)r->ints[RI_NCHAT], neng = (size_t)r->ints[RI_NENG],
         nparams = (size_t)r->ints[RI_NPARAMS], ntags = (size_t)r->ints[RI_NTAGS],
         nwin = (size_t)r->ints[RI_NWINDOWS];
  if (r->int_count != RI_FIXED + 2 * nparams + 2 * nwin) return SIREN_ECORRUPT;
  size_t nvalues = 0;
  for (size_t i = 0; i < nparams; i++) {
    int64_t v = r->ints[RI_FIXED + 2 * i];
    if (v < 0 || v > MAX_PARAM_VALUES) return SIREN_ECORRUPT;
    nvalues += (size_t)v;
  }
  if (r->str_count != RS_FIXED + 2 * nitags + ntargets + nchat + neng + nparams + nvalues + 2 * ntags)
    return SIREN_ECORRUPT;
  size_t bytes = (nitags + ntags) * sizeof(siren_tag) + nparams * sizeof(siren_runbook_param) +
                 nwin * sizeof(siren_window) + (ntargets + nchat + neng + nvalues) * sizeof(char *);
  char *block = sr_alloc(&e->mem, bytes);
  if (!block) return SIREN_ENOMEM;
  *scratch = block;
  siren_tag *tags = (siren_tag *)(void *)block;
  siren_runbook_param *params = (siren_runbook_param *)(void *)(tags + nitags + ntags);
  siren_window *win = (siren_window *)(void *)(params + nparams);
  const char **ptr = (const char **)(void *)(win + nwin);
  memset(p, 0, sizeof *p);
  p->version = SIREN_RESPONSE_PLAN_VERSION;
  p->impact = (int)r->ints[RI_IMPACT];
  p->ack_timeout_minutes = (uint32_t)r->ints[RI_ACK];
  p->auto_resolve_minutes = (uint32_t)r->ints[RI_AUTO];
  const sr_str *s = r->strs;
  p->name = s[RS_NAME].p;
  p->display_name = s[RS_DISPLAY].p;
  p->title = s[RS_TITLE].p;
  p->summary = s[RS_SUMMARY].p;
  p->dedupe_string = s[RS_DEDUPE].p;
  p->runbook = s[RS_RUNBOOK].p;
  size_t at = RS_FIXED;
  p->incident_tag_count = nitags;
  p->incident_tags = tags;
  for (size_t i = 0; i < nitags; i++, tags++) {
    tags->version = SIREN_TAG_VERSION;
    tags->key = s[at++].p;
    tags->value = s[at++].p;
  }
  size_t cnt[3] = {ntargets, nchat, neng};
  const char *const **dst[3] = {&p->notification_targets, &p->chat_channels, &p->engagements};
  for (int k = 0; k < 3; k++) {
    *dst[k] = ptr;
    for (size_t i = 0; i < cnt[k]; i++) *ptr++ = s[at++].p;
  }
  p->notification_target_count = ntargets;
  p->chat_channel_count = nchat;
  p->engagement_count = neng;
  p->runbook_param_count = nparams;
  p->runbook_params = params;
  for (size_t i = 0; i < nparams; i++) {
    params[i].version = SIREN_RUNBOOK_PARAM_VERSION;
    params[i].value_count = (size_t)r->ints[RI_FIXED + 2 * i];
    params[i].dynamic = (siren_dynamic_value)r->ints[RI_FIXED + 2 * i + 1];
    params[i].name = s[at++].p;
    params[i].values = ptr;
    for (size_t j = 0; j < params[i].value_count; j++) *ptr++ = s[at++].p;
  }
  p->tag_count = ntags;
  p->tags = tags;
  for (size_t i = 0; i < ntags; i++, tags++) {
    tags->version = SIREN_TAG_VERSION;
    tags->key = s[at++].p;
    tags->value = s[at++].p;
  }
  p->maintenance_count = nwin;
  p->maintenance = win;
  for (size_t i = 0; i < nwin; i++) {
    win[i].version = SIREN_WINDOW_VERSION;
    win[i].start = r->ints[RI_FIXED + 2 * nparams + 2 * i];
    win[i].end = r->ints[RI_FIXED + 2 * nparams + 2 * i + 1];
  }
  return SIREN_OK;
}

static sr_rplan *rp_find(siren_engine *e, const char *name, uint32_t *index) {
  uint32_t i;
  if (!name || !sr_map_get(&e->rplan_names, name, &i)) return NULL;
  if (index) *index = i;
  return &e->rplans[i];
}

int sr_rplan_uses_contact(const siren_engine *e, uint32_t ci) {
  const char *alias = e->contacts[ci].alias;
  for (size_t i = 0; i < e->rplan_count; i++) {
    const siren_response_plan *p = e->rplans[i].p;
    if (!p) continue;
    for (size_t k = 0; k < p->engagement_count; k++)
      if (strcmp(p->engagements[k], alias) == 0) return 1;
  }
  return 0;
}

/* ------------------------------------------------------ plan commands */

static int rp_set(siren_engine *e, const siren_response_plan *p, int update) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!p) return sr_err(e, SIREN_EINVAL, "plan is NULL");
  if (p->version == 0 || p->version > SIREN_RESPONSE_PLAN_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_response_plan version %u", p->version);
  if ((rc = rp_check(e, p))) return rc;
  int exists = rp_find(e, p->name, NULL) != NULL;
  if (update && !exists) return sr_err(e, SIREN_ENOTFOUND, "no response plan \"%s\"", p->name);
  if (!update && exists)
    return sr_err(e, SIREN_EEXISTS, "response plan \"%s\" exists", p->name);
  sr_rec r;
  sr_rec_init(&r, SR_REC_RPLAN_SET);
  r.time = e->now;
  if (rp_encode(e, &r, p, update)) {
    sr_rec_free(&e->mem, &r);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_response_plan_create(siren_engine *e, const siren_response_plan *p) {
  return rp_set(e, p, 0);
}

SIREN_EXTERN int siren_response_plan_update(siren_engine *e, const siren_response_plan *p) {
  return rp_set(e, p, 1);
}

SIREN_EXTERN int siren_response_plan_delete(siren_engine *e, const char *name) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_rplan *rp = rp_find(e, name, NULL);
  if (!rp) return sr_err(e, SIREN_ENOTFOUND, "no response plan \"%s\"", name ? name : "(null)");
  if (rp->heartbeats)
    return sr_err(e, SIREN_ESTATE, "response plan \"%s\" is used by %u heartbeat(s)", name,
                  rp->heartbeats);
  sr_rec r;
  sr_rec_init(&r, SR_REC_RPLAN_DELETE);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, name);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_response_plan_get(siren_response_plan *out, siren_engine *e,
                                         const char *name) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_RESPONSE_PLAN_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_response_plan version %u", out->version);
  sr_rplan *rp = rp_find(e, name, NULL);
  if (!rp) return sr_err(e, SIREN_ENOTFOUND, "no response plan \"%s\"", name ? name : "(null)");
  unsigned int v = out->version;
  *out = *rp->p;
  out->version = v;
  return SIREN_OK;
}

SIREN_EXTERN uint32_t siren_response_plan_count(const siren_engine *e) {
  return e ? (uint32_t)e->rplan_names.live : 0;
}

SIREN_EXTERN const char *siren_response_plan_name_at(const siren_engine *e, uint32_t i) {
  if (!e) return NULL;
  for (size_t k = 0; k < e->rplan_count; k++)
    if (e->rplans[k].p && i-- == 0) return e->rplans[k].p->name;
  return NULL;
}

/* ------------------------------------------------------------ messaging */

static void post(siren_engine *e, int64_t t, uint32_t ii, const char *message, const char *fmt,
                 ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Posts a line to the incident's chat channels and notification targets. */
static void post(siren_engine *e, int64_t t, uint32_t ii, const char *message, const char *fmt,
                 ...) {
  const sr_incident *inc = &SR_AT(e->incidents, ii);
  if (e->quiet || e->replaying || (!inc->chat_count && !inc->target_count)) return;
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  for (int k = 0; k < 2; k++) {
    char **to = k ? inc->targets : inc->chat;
    size_t n = k ? inc->target_count : inc->chat_count;
    for (size_t i = 0; i < n; i++) {
      siren_notification msg;
      memset(&msg, 0, sizeof msg);
      msg.version = SIREN_NOTIFICATION_VERSION;
      msg.kind = k ? SIREN_NOTIFY_TARGET : SIREN_NOTIFY_CHAT;
      msg.time = t;
      msg.contact = msg.sender = msg.subject = msg.content = msg.code = "";
      msg.channel = to[i];
      msg.channel_type = k ? "TARGET" : "CHAT";
      msg.address = to[i];
      msg.incident_id = inc->fixed[IF_ARN];
      msg.incident = (siren_id)ii + 1;
      msg.text = text;
      msg.message = message;
      sr_notify(e, &msg, SR_NONE);
      siren_event ev;
      sr_event_init(&ev, SIREN_EVENT_CHAT_MESSAGE, t);
      ev.incident = (siren_id)ii + 1;
      ev.incident_id = inc->fixed[IF_ARN];
      ev.channel = to[i];
      ev.channel_type = msg.channel_type;
      ev.reason = message;
      ev.text = text;
      sr_emit(e, &ev);
    }
  }
}

static void inc_event(siren_engine *e, siren_event *ev, siren_event_type type, int64_t t,
                      uint32_t ii) {
  const sr_incident *inc = &SR_AT(e->incidents, ii);
  sr_event_init(ev, type, t);
  ev->incident = (siren_id)ii + 1;
  ev->incident_id = inc->fixed[IF_ARN];
  ev->response_plan = inc->fixed[IF_PLAN];
  ev->title = inc->title;
  ev->impact = inc->impact;
}

/* -------------------------------------------------------- preparations */

/* Prepare steps push allocations in order and commit steps take them in the
 * same order; a cursor keeps the two in step. */
typedef struct cursor {
  siren_engine *e;
  size_t at;
} cursor;

static void *take(cursor *c) { return sr_prep_take(c->e, c->at++); }

static int keep_json(siren_engine *e, sr_buf *b) {
  if (b->failed) {
    sr_free(&e->mem, b->p);
    return SIREN_ENOMEM;
  }
  /* A one-string pack: pointer then bytes, as sr_tl.s expects. */
  sr_str s = {b->p ? b->p : "{}", b->p ? b->n : 2};
  char **pk = sr_pack(&e->mem, &s, 1);
  sr_free(&e->mem, b->p);
  return sr_prep_keep(e, pk);
}

static int keep_json_ref(siren_engine *e, sr_buf *b, const char *ref) {
  if (b->failed) {
    sr_free(&e->mem, b->p);
    return SIREN_ENOMEM;
  }
  sr_str s[2] = {{b->p, b->n}, {ref, strlen(ref)}};
  char **pk = sr_pack(&e->mem, s, 2);
  sr_free(&e->mem, b->p);
  return sr_prep_keep(e, pk);
}

/* An incident's title and summary are its own allocations, except the title
 * it opened with (in the fixed strings) and an empty summary. */
static char empty_str[1];

static void owned_free(siren_engine *e, const sr_incident *inc, char *s) {
  if (s != empty_str && !(inc->fixed && s == inc->fixed[IF_TITLE0])) sr_free(&e->mem, s);
}

/* Engagement strings for contact k of a plan, in sr_engagement_open order.
 * Those the incident's fixed strings already hold (its ARN, plan name, the
 * title it opened with) point there: an incident outlives its engagements. */
static int prep_engagement_strs(siren_engine *e, const siren_response_plan *p, const char *title,
                                const char *summary, char *const *fixed) {
  const char *v[EN_COUNT] = {p->display_name && *p->display_name ? p->display_name : p->name,
                             title, summary && *summary ? summary : title, "", "",
                             fixed[IF_ARN], ""};
  return sr_prep_keep(e, sr_pack_shared(&e->mem, v, EN_COUNT, fixed, IF_COUNT));
}

/* Reserves what engaging a plan's contacts adds: engagements, runs, pages,
 * timers, timeline events (and their prepared strings, pushed in order). */
static int prep_engage(siren_engine *e, const siren_response_plan *p, const char *title,
                       const char *summary, char *const *fixed) {
  size_t runs = 0, pages = 0, n = 0;
  for (size_t k = 0; k < p->engagement_count; k++) {
    uint32_t ci;
    if (!sr_contact_find(e, p->engagements[k], &ci)) continue;
    sr_start_cost(e, ci, 0, &runs, &pages);
    n++;
  }
  sr_runtime *rt = &e->rt;
  if (sr_chunks_grow(&e->mem, (void ***)&rt->engagements, &rt->engagement_cap, rt->engagement_count + n,
              sizeof(sr_engagement)) ||
      sr_runtime_reserve(e, runs, pages) || sr_tl_reserve(e, 2 * n + 4))
    return SIREN_ENOMEM;
  for (size_t k = 0; k < p->engagement_count; k++)
    if (sr_contact_find(e, p->engagements[k], NULL) &&
        prep_engagement_strs(e, p, title, summary, fixed))
      return SIREN_ENOMEM;
  return SIREN_OK;
}

static void commit_engage(siren_engine *e, sr_rec *r, cursor *c, uint32_t ii,
                          const siren_response_plan *p) {
  for (size_t k = 0; k < p->engagement_count; k++) {
    uint32_t ci;
    if (!sr_contact_find(e, p->engagements[k], &ci)) continue;
    char **strs = take(c);
    uint32_t en = (uint32_t)e->rt.engagement_count;
    sr_incident *inc = &SR_AT(e->incidents, ii);
    /* Link before opening: stage 0's pages go on the incident's timeline. */
    inc->engagement_count++;
    if (inc->last_eng == SR_NONE)
      inc->first_eng = en;
    else
      SR_AT(e->rt.engagements, inc->last_eng).next_in_incident = en;
    inc->last_eng = en;
    sr_tl_add(e, ii, SR_TL_ENG_STARTED, r->time, (int64_t)en + 1, 0, NULL, 0);
    sr_engagement_open(e, r, ci, strs, ii + 1);
  }
}

/* Resolution: a timeline event and a stop reason per active engagement. */
static int prep_resolve(siren_engine *e, uint32_t ii, const char *reason) {
  sr_buf b = {&e->mem, NULL, 0, 0, 0};
  sr_buf_str(&b, "{\"reason\":");
  sr_buf_json(&b, reason);
  sr_buf_str(&b, "}");
  /* Timeline: resolved, and a runbook.finished per execution it cancels. */
  if (keep_json(e, &b) ||
      sr_tl_reserve(e, 1 + SR_AT(e->incidents, ii).engagement_count + sr_exec_running_for_incident(e, ii + 1)))
    return SIREN_ENOMEM;
  for (uint32_t en = SR_AT(e->incidents, ii).first_eng; en != SR_NONE;
       en = SR_AT(e->rt.engagements, en).next_in_incident)
    if (SR_AT(e->rt.engagements, en).state == SIREN_ENGAGEMENT_ACTIVE &&
        sr_prep_keep(e, sr_strdup(&e->mem, "incident resolved")))
      return SIREN_ENOMEM;
  return SIREN_OK;
}

static void commit_resolve(siren_engine *e, sr_rec *r, cursor *c, uint32_t ii,
                           const char *reason) {
  sr_incident *inc = &SR_AT(e->incidents, ii);
  inc->status = SIREN_INCIDENT_RESOLVED;
  inc->resolved = inc->modified = r->time;
  inc->ack_gen++;
  inc->resolve_gen++;
  if (inc->in_dedupe) {
    sr_map_del(&e->dedupe, inc->fixed[IF_DEDUPE]);
    inc->in_dedupe = 0;
  }
  sr_tl_add(e, ii, SR_TL_RESOLVED, r->time, 0, 0, take(c), 0);
  siren_event ev;
  inc_event(e, &ev, SIREN_EVENT_INCIDENT_RESOLVED, r->time, ii);
  ev.reason = reason;
  sr_emit(e, &ev);
  for (uint32_t en = inc->first_eng; en != SR_NONE; en = SR_AT(e->rt.engagements, en).next_in_incident) {
    sr_engagement *g = &SR_AT(e->rt.engagements, en);
    if (g->state != SIREN_ENGAGEMENT_ACTIVE) continue;
    g->state = SIREN_ENGAGEMENT_STOPPED;
    g->stop = r->time;
    g->stop_reason = take(c);
    sr_run_stop(e, g->root, r->time);
    sr_event_init(&ev, SIREN_EVENT_ENGAGEMENT_STOPPED, r->time);
    ev.engagement = (siren_id)en + 1;
    ev.contact = e->contacts[g->contact].alias;
    ev.reason = g->stop_reason;
    ev.incident_id = g->strs[EN_INCIDENT];
    ev.incident = (siren_id)ii + 1;
    sr_emit(e, &ev);
  }
  sr_exec_cancel_for_incident(e, r->time, ii + 1);
  post(e, r->time, ii, "resolved", "Incident %u resolved (%s): %s", ii + 1, reason, inc->title);
}

static const siren_response_plan *live_plan(const siren_engine *e, const sr_incident *inc);

/* ------------------------------------------------------------ start */

/* What starts an incident: StartIncident's record, or a missed heartbeat. */
typedef struct start_spec {
  uint32_t plan;
  const char *title;  /* "" = the plan's */
  int impact;         /* 0 = the plan's */
  const char *source, *trigger_arn, *raw, *token;
  int64_t trigger_time;
  size_t item_count;
  const int64_t *item_types;
  const sr_str *items; /* value, title pairs */
} start_spec;

static int in_window(const siren_response_plan *p, int64_t t) {
  for (size_t i = 0; i < p->maintenance_count; i++)
    if (t >= p->maintenance[i].start && t < p->maintenance[i].end) return (int)i + 1;
  return 0;
}

/* The dedupe string of a trigger, into buf; "" when it never merges. */
static void dedupe_of(const siren_response_plan *p, const start_spec *s, char *buf, size_t cap) {
  if (p->dedupe_string && *p->dedupe_string)
    snprintf(buf, cap, "%s", p->dedupe_string);
  else if (s->trigger_arn && *s->trigger_arn)
    snprintf(buf, cap, "%s:%s", s->source, s->trigger_arn);
  else
    buf[0] = '\0';
}

/* Related items the incident does not have yet, among the spec's. */
static int item_index(const sr_incident *inc, const char *value) {
  for (size_t i = 0; i < inc->item_count; i++)
    if (strcmp(inc->items[i].s[0], value) == 0) return (int)i;
  return -1;
}

static int item_dup_in_spec(const start_spec *s, size_t k) {
  for (size_t j = 0; j < k; j++)
    if (strcmp(s->items[2 * j].p, s->items[2 * k].p) == 0) return 1;
  return 0;
}

static int prep_items(siren_engine *e, sr_incident *inc, const start_spec *s) {
  size_t n = inc ? inc->item_count : 0;
  if (inc) {
    size_t cap = inc->item_cap;
    if (sr_grow(&e->mem, (void **)&inc->items, &cap, n + s->item_count, sizeof(sr_item)))
      return SIREN_ENOMEM;
    inc->item_cap = (uint32_t)cap; /* items are at most MAX_ITEMS */
  }
  for (size_t k = 0; k < s->item_count; k++) {
    if (item_dup_in_spec(s, k) || (inc && item_index(inc, s->items[2 * k].p) >= 0)) continue;
    if (sr_prep_keep(e, sr_pack(&e->mem, &s->items[2 * k], 2))) return SIREN_ENOMEM;
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_str(&b, "{\"type\":");
    sr_buf_json(&b, siren_related_item_type_name((siren_related_item_type)s->item_types[k]));
    sr_buf_str(&b, ",\"value\":");
    sr_buf_json(&b, s->items[2 * k].p);
    sr_buf_str(&b, ",\"title\":");
    sr_buf_json(&b, s->items[2 * k + 1].p);
    sr_buf_str(&b, "}");
    if (keep_json_ref(e, &b, s->items[2 * k].p)) return SIREN_ENOMEM;
  }
  return SIREN_OK;
}

static void commit_items(siren_engine *e, sr_rec *r, cursor *c, uint32_t ii, const start_spec *s) {
  for (size_t k = 0; k < s->item_count; k++) {
    sr_incident *inc = &SR_AT(e->incidents, ii);
    if (item_dup_in_spec(s, k) || item_index(inc, s->items[2 * k].p) >= 0) continue;
    sr_item *it = &inc->items[inc->item_count++];
    it->type = (uint8_t)s->item_types[k];
    it->s = take(c);
    sr_tl_add(e, ii, SR_TL_ITEM_ADDED, r->time, 0, 0, take(c), 1);
    siren_event ev;
    inc_event(e, &ev, SIREN_EVENT_RELATED_ITEM_ADDED, r->time, ii);
    ev.reason = siren_related_item_type_name((siren_related_item_type)it->type);
    ev.text = it->s[0];
    sr_emit(e, &ev);
  }
}

/* The runbook action's parameters with dynamic values filled in. */
static void runbook_json(sr_buf *b, const siren_response_plan *p, const char *arn,
                         const start_spec *s, const char *refused) {
  sr_buf_str(b, "{\"runbook\":");
  sr_buf_json(b, p->runbook);
  if (refused) {
    sr_buf_str(b, ",\"refused\":");
    sr_buf_json(b, refused);
  }
  sr_buf_str(b, ",\"parameters\":{");
  for (size_t i = 0; i < p->runbook_param_count; i++) {
    const siren_runbook_param *q = &p->runbook_params[i];
    if (i) sr_buf_str(b, ",");
    sr_buf_json(b, q->name);
    sr_buf_str(b, ":[");
    if (q->dynamic == SIREN_DYNAMIC_INCIDENT_RECORD_ARN) {
      sr_buf_json(b, arn);
    } else if (q->dynamic == SIREN_DYNAMIC_INVOLVED_RESOURCES) {
      int first = 1;
      if (s->trigger_arn && *s->trigger_arn) {
        sr_buf_json(b, s->trigger_arn);
        first = 0;
      }
      for (size_t k = 0; k < s->item_count; k++)
        if (s->item_types[k] == SIREN_ITEM_INVOLVED_RESOURCE && !item_dup_in_spec(s, k)) {
          if (!first) sr_buf_str(b, ",");
          sr_buf_json(b, s->items[2 * k].p);
          first = 0;
        }
    } else {
      for (size_t j = 0; j < q->value_count; j++) {
        if (j) sr_buf_str(b, ",");
        sr_buf_json(b, q->values[j]);
      }
    }
    sr_buf_str(b, "]");
  }
  sr_buf_str(b, "}}");
}

static int prep_start(siren_engine *e, int64_t t, const start_spec *s) {
  const siren_response_plan *p = e->rplans[s->plan].p;
  char dd[1100];
  dedupe_of(p, s, dd, sizeof dd);
  uint32_t open;
  if (dd[0] && sr_map_get(&e->dedupe, dd, &open)) {
    /* Merged: a timeline event, the new related items, a new auto-resolve. */
    e->stash = open + 1;
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_str(&b, "{\"source\":");
    sr_buf_json(&b, s->source);
    sr_buf_str(&b, ",\"triggerArn\":");
    sr_buf_json(&b, s->trigger_arn);
    sr_buf_fmt(&b, ",\"timestamp\":%lld}", (long long)s->trigger_time);
    if (keep_json(e, &b) || sr_tl_reserve(e, 1 + s->item_count) || sr_timer_reserve(e, 1))
      return SIREN_ENOMEM;
    return prep_items(e, &SR_AT(e->incidents, open), s);
  }
  e->stash = 0;
  uint32_t ii = (uint32_t)e->incident_count;
  char arn[300];
  snprintf(arn, sizeof arn, "siren:incident/%s/%u", p->name, ii + 1);
  const char *title = s->title && *s->title ? s->title : p->title;
  const char *fixed[IF_COUNT] = {arn, p->name, s->source, s->trigger_arn, s->raw, s->token,
                                 p->runbook, dd, title};
  char **fx = NULL;
  if (sr_chunks_grow(&e->mem, (void ***)&e->incidents, &e->incident_cap, e->incident_count + 1,
              sizeof(sr_incident)) ||
      sr_map_reserve(&e->mem, &e->dedupe, 1) || sr_map_reserve(&e->mem, &e->incident_tokens, 1) ||
      sr_timer_reserve(e, 1) || sr_tl_reserve(e, 4 + s->item_count) ||
      sr_prep_keep(e, fx = sr_pack_suffixes(&e->mem, fixed, IF_COUNT)) ||
      (p->summary && *p->summary && sr_prep_keep(e, sr_strdup(&e->mem, p->summary))) ||
      (p->chat_channel_count &&
       sr_prep_keep(e, sr_pack_cstr(&e->mem, p->chat_channels, p->chat_channel_count))) ||
      (p->notification_target_count &&
       sr_prep_keep(e, sr_pack_cstr(&e->mem, p->notification_targets,
                                    p->notification_target_count))) ||
      (s->item_count && sr_prep_keep(e, sr_calloc(&e->mem, s->item_count, sizeof(sr_item)))))
    return SIREN_ENOMEM;
  int rc = prep_items(e, NULL, s);
  if (rc) return rc;
  int w = in_window(p, t);
  if (w) {
    sr_buf m = {&e->mem, NULL, 0, 0, 0};
    sr_buf_fmt(&m, "{\"window\":{\"start\":%lld,\"end\":%lld}}",
               (long long)p->maintenance[w - 1].start, (long long)p->maintenance[w - 1].end);
    if (keep_json(e, &m)) return SIREN_ENOMEM;
  } else if ((rc = prep_engage(e, p, title, p->summary, fx))) {
    return rc;
  }
  if (p->runbook && *p->runbook) {
    /* A loaded runbook starts now; otherwise the action is recorded as pending. */
    uint32_t bi;
    char why[200];
    const char *refused = NULL;
    if (sr_runbook_index(e, p->runbook, &bi)) {
      const char *involved[MAX_ITEMS + 1];
      size_t ninv = 0;
      if (s->trigger_arn && *s->trigger_arn) involved[ninv++] = s->trigger_arn;
      for (size_t k = 0; k < s->item_count; k++)
        if (s->item_types[k] == SIREN_ITEM_INVOLVED_RESOURCE && !item_dup_in_spec(s, k))
          involved[ninv++] = s->items[2 * k].p;
      rc = sr_exec_prepare_for_plan(e, t, bi, p, arn, involved, ninv, ii + 1, why, sizeof why);
      if (rc == SIREN_OK) {
        e->stash_exec = 1;
        return SIREN_OK;
      }
      if (rc == SIREN_ENOMEM) return rc;
      /* Parameters the runbook refuses: recorded as pending, with why. */
      refused = why;
    }
    e->stash_exec = 0;
    sr_buf rb = {&e->mem, NULL, 0, 0, 0};
    runbook_json(&rb, p, arn, s, refused);
    if (keep_json(e, &rb)) return SIREN_ENOMEM;
  }
  return SIREN_OK;
}

static uint32_t commit_start(siren_engine *e, sr_rec *r, const start_spec *s) {
  cursor c = {e, 0};
  const siren_response_plan *p = e->rplans[s->plan].p;
  if (e->stash) {
    uint32_t ii = e->stash - 1;
    sr_incident *inc = &SR_AT(e->incidents, ii);
    inc->trigger_count++;
    inc->last_trigger = inc->modified = r->time;
    sr_tl_add(e, ii, SR_TL_DEDUPLICATED, r->time, 0, 0, take(&c), 0);
    siren_event ev;
    inc_event(e, &ev, SIREN_EVENT_INCIDENT_DEDUPLICATED, r->time, ii);
    ev.reason = s->source;
    sr_emit(e, &ev);
    commit_items(e, r, &c, ii, s);
    /* Dedupe strings are engine-wide: the incident may be another plan's,
     * and its own plan says when it resolves itself. */
    const siren_response_plan *own = live_plan(e, &SR_AT(e->incidents, ii));
    if (own && own->auto_resolve_minutes)
      sr_timer_push(e, r->time + (int64_t)own->auto_resolve_minutes * SR_MINUTE_MS,
                    SR_TIMER_RESOLVE, ii, ++SR_AT(e->incidents, ii).resolve_gen);
    return ii;
  }
  uint32_t ii = (uint32_t)e->incident_count++;
  sr_incident *inc = &SR_AT(e->incidents, ii);
  memset(inc, 0, sizeof *inc);
  inc->plan = s->plan;
  inc->fixed = take(&c);
  /* The title it opened with is in the fixed strings; an empty summary is
   * not allocated (see owned_free). */
  inc->title = inc->fixed[IF_TITLE0];
  inc->summary = p->summary && *p->summary ? take(&c) : empty_str;
  /* What is empty was not allocated (prepare pushed nothing for it). */
  inc->chat = p->chat_channel_count ? take(&c) : NULL;
  inc->chat_count = p->chat_channel_count;
  inc->targets = p->notification_target_count ? take(&c) : NULL;
  inc->target_count = p->notification_target_count;
  inc->items = s->item_count ? take(&c) : NULL;
  inc->item_cap = s->item_count;
  inc->impact = s->impact ? s->impact : p->impact;
  inc->status = SIREN_INCIDENT_OPEN;
  inc->created = inc->modified = inc->last_trigger = r->time;
  inc->trigger_time = s->trigger_time;
  inc->trigger_count = 1;
  inc->first_eng = inc->last_eng = SR_NONE;
  inc->first_tl = inc->last_tl = SR_NONE;
  if (inc->fixed[IF_DEDUPE][0]) {
    sr_map_put(&e->dedupe, inc->fixed[IF_DEDUPE], ii);
    inc->in_dedupe = 1;
  }
  if (inc->fixed[IF_TOKEN][0]) sr_map_put(&e->incident_tokens, inc->fixed[IF_TOKEN], ii);
  sr_tl_add(e, ii, SR_TL_CREATED, r->time, inc->impact, 0, NULL, 0);
  siren_event ev;
  inc_event(e, &ev, SIREN_EVENT_INCIDENT_CREATED, r->time, ii);
  ev.reason = inc->fixed[IF_SOURCE];
  sr_emit(e, &ev);
  commit_items(e, r, &c, ii, s);
  int w = in_window(p, r->time);
  inc = &SR_AT(e->incidents, ii);
  post(e, r->time, ii, "opened", "Incident %u opened: %s (impact %d %s)%s", ii + 1, inc->title,
       inc->impact, impact_names[inc->impact], w ? " (maintenance window: nobody engaged)" : "");
  if (w) {
    inc->maintenance = 1;
    sr_tl_add(e, ii, SR_TL_MAINTENANCE, r->time, 0, 0, take(&c), 0);
  } else {
    commit_engage(e, r, &c, ii, p);
  }
  if (p->runbook && *p->runbook && e->stash_exec) {
    e->stash_exec = 0;
    sr_exec_commit_prepared(e, r);
  } else if (p->runbook && *p->runbook) {
    sr_tl_add(e, ii, SR_TL_RUNBOOK_PENDING, r->time, 0, 0, take(&c), 0);
    inc_event(e, &ev, SIREN_EVENT_RUNBOOK_PENDING, r->time, ii);
    ev.text = p->runbook;
    sr_emit(e, &ev);
  }
  if (p->auto_resolve_minutes)
    sr_timer_push(e, r->time + (int64_t)p->auto_resolve_minutes * SR_MINUTE_MS, SR_TIMER_RESOLVE,
                  ii, ++SR_AT(e->incidents, ii).resolve_gen);
  return ii;
}

/* StartIncident record. ints: impact, trigger time, item count, item types;
 * strs: plan, title, source, trigger arn, raw data, token, (value, title)... */
enum { SI_PLAN, SI_TITLE, SI_SOURCE, SI_ARN, SI_RAW, SI_TOKEN, SI_COUNT };

static int spec_from_rec(siren_engine *e, const sr_rec *r, start_spec *s) {
  if (r->int_count < 3 || r->str_count < SI_COUNT) return SIREN_ECORRUPT;
  int64_t n = r->ints[2];
  if (n < 0 || n > MAX_ITEMS || r->int_count != 3 + (size_t)n ||
      r->str_count != SI_COUNT + 2 * (size_t)n || r->ints[0] < 0 || r->ints[0] > 5)
    return SIREN_ECORRUPT;
  for (int64_t k = 0; k < n; k++)
    if (r->ints[3 + k] < SIREN_ITEM_ANALYSIS || r->ints[3 + k] > SIREN_ITEM_INVOLVED_RESOURCE)
      return SIREN_ECORRUPT;
  uint32_t pi = 0;
  if (!rp_find(e, r->strs[SI_PLAN].p, &pi)) return SIREN_ECORRUPT;
  memset(s, 0, sizeof *s);
  s->plan = pi;
  s->title = r->strs[SI_TITLE].p;
  s->impact = (int)r->ints[0];
  s->source = r->strs[SI_SOURCE].p;
  s->trigger_arn = r->strs[SI_ARN].p;
  s->raw = r->strs[SI_RAW].p;
  s->token = r->strs[SI_TOKEN].p;
  s->trigger_time = r->ints[1];
  s->item_count = (size_t)n;
  s->item_types = r->ints + 3;
  s->items = r->strs + SI_COUNT;
  return SIREN_OK;
}

static int check_item(siren_engine *e, const char *what, const siren_related_item *it) {
  if (it->version == 0 || it->version > SIREN_RELATED_ITEM_VERSION)
    return sr_err(e, SIREN_EVERSION, "%s: siren_related_item version %u", what, it->version);
  if (it->type < SIREN_ITEM_ANALYSIS || it->type > SIREN_ITEM_INVOLVED_RESOURCE)
    return sr_err(e, SIREN_EINVAL, "%s: unknown related item type %d", what, (int)it->type);
  if (!len_ok(it->value, 1, 1000))
    return sr_err(e, SIREN_EINVAL, "%s: value must be 1-1000 bytes", what);
  if (!len_ok(it->title, 0, 200))
    return sr_err(e, SIREN_EINVAL, "%s: title must be at most 200 bytes", what);
  return SIREN_OK;
}

SIREN_EXTERN int siren_incident_start(siren_id *id, int *deduplicated, siren_engine *e,
                                      const siren_incident_params *p) {
  if (id) *id = 0;
  if (deduplicated) *deduplicated = 0;
  if (!id || !e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!p) return sr_err(e, SIREN_EINVAL, "params is NULL");
  if (p->version == 0 || p->version > SIREN_INCIDENT_PARAMS_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_incident_params version %u", p->version);
  if (!rp_find(e, p->response_plan, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no response plan \"%s\"",
                  p->response_plan ? p->response_plan : "(null)");
  if (!len_ok(p->title, 0, 200)) return sr_err(e, SIREN_EINVAL, "title must be at most 200 bytes");
  if (p->impact < 0 || p->impact > 5)
    return sr_err(e, SIREN_EINVAL, "impact must be 1-5 (0 for the plan's)");
  if (!len_ok(p->trigger_source, 1, 50))
    return sr_err(e, SIREN_EINVAL, "trigger_source must be 1-50 bytes");
  if (!len_ok(p->trigger_arn, 0, 1000))
    return sr_err(e, SIREN_EINVAL, "trigger_arn must be at most 1000 bytes");
  if (!len_ok(p->trigger_raw_data, 0, 10000))
    return sr_err(e, SIREN_EINVAL, "trigger_raw_data must be at most 10000 bytes");
  if (!len_ok(p->client_token, 0, 128))
    return sr_err(e, SIREN_EINVAL, "client_token must be at most 128 bytes");
  if (p->trigger_time < 0) return sr_err(e, SIREN_EINVAL, "trigger_time must not be negative");
  if (p->related_item_count > MAX_ITEMS)
    return sr_err(e, SIREN_EINVAL, "related_items: at most %d", MAX_ITEMS);
  if (p->related_item_count && !p->related_items)
    return sr_err(e, SIREN_EINVAL, "related_items is NULL");
  for (size_t i = 0; i < p->related_item_count; i++) {
    char what[40];
    snprintf(what, sizeof what, "related_items[%zu]", i);
    if ((rc = check_item(e, what, &p->related_items[i]))) return rc;
  }
  uint32_t prior;
  if (p->client_token && *p->client_token &&
      sr_map_get(&e->incident_tokens, p->client_token, &prior)) {
    *id = (siren_id)prior + 1;
    return sr_end(e, SIREN_OK);
  }
  sr_rec r;
  sr_rec_init(&r, SR_REC_INCIDENT_START);
  r.time = e->now;
  int bad = sr_rec_int(&e->mem, &r, p->impact) |
            sr_rec_int(&e->mem, &r, p->trigger_time ? p->trigger_time : e->now) |
            sr_rec_int(&e->mem, &r, (int64_t)p->related_item_count);
  for (size_t i = 0; i < p->related_item_count; i++)
    bad |= sr_rec_int(&e->mem, &r, p->related_items[i].type);
  const char *s[SI_COUNT] = {p->response_plan, p->title, p->trigger_source, p->trigger_arn,
                             p->trigger_raw_data, p->client_token};
  for (int i = 0; i < SI_COUNT; i++) bad |= sr_rec_str(&e->mem, &r, s[i]);
  for (size_t i = 0; i < p->related_item_count; i++)
    bad |= sr_rec_str(&e->mem, &r, p->related_items[i].value) |
           sr_rec_str(&e->mem, &r, p->related_items[i].title);
  if (bad) {
    sr_rec_free(&e->mem, &r);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  if (rc == SIREN_OK) {
    *id = (siren_id)e->stash_result + 1;
    if (deduplicated) *deduplicated = e->stash_merged;
  }
  return sr_end(e, rc);
}

/* ------------------------------------------------------------ update */

static int find_incident(siren_engine *e, siren_id id, sr_incident **out) {
  if (id == 0 || id > e->incident_count)
    return sr_err(e, SIREN_ENOTFOUND, "no incident %llu", (unsigned long long)id);
  *out = &SR_AT(e->incidents, id - 1);
  return SIREN_OK;
}

#define UPDATE_ALL                                                                         \
  (SIREN_UPDATE_TITLE | SIREN_UPDATE_SUMMARY | SIREN_UPDATE_IMPACT | SIREN_UPDATE_STATUS | \
   SIREN_UPDATE_CHAT_CHANNELS | SIREN_UPDATE_NOTIFICATION_TARGETS)

SIREN_EXTERN int siren_incident_update(siren_engine *e, siren_id incident,
                                       const siren_incident_changes *u) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  if (!u) return sr_err(e, SIREN_EINVAL, "update is NULL");
  if (u->version == 0 || u->version > SIREN_INCIDENT_CHANGES_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_incident_changes version %u", u->version);
  if (!u->fields || (u->fields & ~UPDATE_ALL))
    return sr_err(e, SIREN_EINVAL, "fields must be a non-empty set of SIREN_UPDATE_* bits");
  uint32_t f = u->fields;
  if ((f & SIREN_UPDATE_TITLE) && !len_ok(u->title, 1, 200))
    return sr_err(e, SIREN_EINVAL, "title must be 1-200 bytes");
  if ((f & SIREN_UPDATE_SUMMARY) && !len_ok(u->summary, 0, 4000))
    return sr_err(e, SIREN_EINVAL, "summary must be at most 4000 bytes");
  if ((f & SIREN_UPDATE_IMPACT) && (u->impact < 1 || u->impact > 5))
    return sr_err(e, SIREN_EINVAL, "impact must be 1-5");
  if (f & SIREN_UPDATE_STATUS) {
    if (u->status != SIREN_INCIDENT_OPEN && u->status != SIREN_INCIDENT_RESOLVED)
      return sr_err(e, SIREN_EINVAL, "status must be OPEN or RESOLVED");
    if (u->status == inc->status)
      return sr_err(e, SIREN_ESTATE, "incident %llu is already %s", (unsigned long long)incident,
                    inc->status == SIREN_INCIDENT_OPEN ? "OPEN" : "RESOLVED");
  }
  if ((f & SIREN_UPDATE_CHAT_CHANNELS) &&
      (rc = check_strs(e, "chat_channels", u->chat_channels, u->chat_channel_count, MAX_CHAT, 1000)))
    return rc;
  if ((f & SIREN_UPDATE_NOTIFICATION_TARGETS) &&
      (rc = check_strs(e, "notification_targets", u->notification_targets,
                       u->notification_target_count, MAX_TARGETS, 1000)))
    return rc;
  sr_rec r;
  sr_rec_init(&r, SR_REC_INCIDENT_UPDATE);
  r.time = e->now;
  size_t nchat = (f & SIREN_UPDATE_CHAT_CHANNELS) ? u->chat_channel_count : 0;
  size_t ntargets = (f & SIREN_UPDATE_NOTIFICATION_TARGETS) ? u->notification_target_count : 0;
  int bad = sr_rec_int(&e->mem, &r, (int64_t)incident) | sr_rec_int(&e->mem, &r, f) |
            sr_rec_int(&e->mem, &r, (f & SIREN_UPDATE_IMPACT) ? u->impact : 0) |
            sr_rec_int(&e->mem, &r, (f & SIREN_UPDATE_STATUS) ? u->status : 0) |
            sr_rec_int(&e->mem, &r, (int64_t)nchat) | sr_rec_int(&e->mem, &r, (int64_t)ntargets) |
            sr_rec_str(&e->mem, &r, (f & SIREN_UPDATE_TITLE) ? u->title : "") |
            sr_rec_str(&e->mem, &r, (f & SIREN_UPDATE_SUMMARY) ? u->summary : "");
  for (size_t i = 0; i < nchat; i++) bad |= sr_rec_str(&e->mem, &r, u->chat_channels[i]);
  for (size_t i = 0; i < ntargets; i++) bad |= sr_rec_str(&e->mem, &r, u->notification_targets[i]);
  if (bad) {
    sr_rec_free(&e->mem, &r);
    return sr_err(e, SIREN_ENOMEM, "out of memory");
  }
  rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  return sr_end(e, rc);
}

enum { UI_INCIDENT, UI_FIELDS, UI_IMPACT, UI_STATUS, UI_NCHAT, UI_NTARGETS, UI_COUNT };

/* Names of the SIREN_UPDATE_* bits, in bit order, as AWS spells the fields. */
static const char *const update_names[6] = {"title", "summary", "impact", "status",
                                            "chatChannel", "notificationTargets"};

static int update_prepare(siren_engine *e, sr_rec *r) {
  if (r->int_count != UI_COUNT || r->ints[UI_INCIDENT] < 1 ||
      (uint64_t)r->ints[UI_INCIDENT] > e->incident_count || r->ints[UI_NCHAT] < 0 ||
      r->ints[UI_NCHAT] > MAX_CHAT || r->ints[UI_NTARGETS] < 0 ||
      r->ints[UI_NTARGETS] > MAX_TARGETS ||
      r->str_count != 2 + (size_t)r->ints[UI_NCHAT] + (size_t)r->ints[UI_NTARGETS] ||
      r->ints[UI_FIELDS] <= 0 || (r->ints[UI_FIELDS] & ~(int64_t)UPDATE_ALL) ||
      r->ints[UI_IMPACT] < 0 || r->ints[UI_IMPACT] > 5)
    return SIREN_ECORRUPT;
  uint32_t ii = (uint32_t)(r->ints[UI_INCIDENT] - 1);
  const sr_incident *inc = &SR_AT(e->incidents, ii);
  int64_t f = r->ints[UI_FIELDS];
  if ((f & SIREN_UPDATE_STATUS) && (r->ints[UI_STATUS] == inc->status ||
                                    (r->ints[UI_STATUS] != SIREN_INCIDENT_OPEN &&
                                     r->ints[UI_STATUS] != SIREN_INCIDENT_RESOLVED)))
    return SIREN_ECORRUPT;
  size_t nchat = (size_t)r->ints[UI_NCHAT];
  if (((f & SIREN_UPDATE_TITLE) && sr_prep_str(e, &r->strs[0])) ||
      ((f & SIREN_UPDATE_SUMMARY) && sr_prep_str(e, &r->strs[1])) ||
      ((f & SIREN_UPDATE_CHAT_CHANNELS) && sr_prep_keep(e, sr_pack(&e->mem, r->strs + 2, nchat))) ||
      ((f & SIREN_UPDATE_NOTIFICATION_TARGETS) &&
       sr_prep_keep(e, sr_pack(&e->mem, r->strs + 2 + nchat, (size_t)r->ints[UI_NTARGETS]))))
    return SIREN_ENOMEM;
  if (f & ~(int64_t)SIREN_UPDATE_STATUS) {
    const char *const *names = update_names;
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_str(&b, "{\"fields\":[");
    int first = 1;
    for (int k = 0; k < 6; k++)
      if (k != 3 && (f & (1 << k))) {
        sr_buf_fmt(&b, "%s\"%s\"", first ? "" : ",", names[k]);
        first = 0;
      }
    sr_buf_str(&b, "]");
    if (f & SIREN_UPDATE_TITLE) {
      sr_buf_str(&b, ",\"title\":");
      sr_buf_json(&b, r->strs[0].p);
    }
    if (f & SIREN_UPDATE_IMPACT)
      sr_buf_fmt(&b, ",\"impact\":%d,\"previousImpact\":%d", (int)r->ints[UI_IMPACT], inc->impact);
    sr_buf_str(&b, "}");
    if (keep_json(e, &b) || sr_tl_reserve(e, 1)) return SIREN_ENOMEM;
  }
  if (f & SIREN_UPDATE_STATUS) {
    if (r->ints[UI_STATUS] == SIREN_INCIDENT_RESOLVED) return prep_resolve(e, ii, "updated");
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_str(&b, "{}");
    if (keep_json(e, &b) || sr_tl_reserve(e, 1) || sr_map_reserve(&e->mem, &e->dedupe, 1) ||
        sr_timer_reserve(e, 1))
      return SIREN_ENOMEM;
  }
  return SIREN_OK;
}

static void update_commit(siren_engine *e, sr_rec *r) {
  cursor c = {e, 0};
  uint32_t ii = (uint32_t)(r->ints[UI_INCIDENT] - 1);
  sr_incident *inc = &SR_AT(e->incidents, ii);
  int64_t f = r->ints[UI_FIELDS];
  int old_impact = inc->impact;
  if (f & SIREN_UPDATE_TITLE) {
    owned_free(e, inc, inc->title);
    inc->title = take(&c);
  }
  if (f & SIREN_UPDATE_SUMMARY) {
    owned_free(e, inc, inc->summary);
    inc->summary = take(&c);
  }
  if (f & SIREN_UPDATE_CHAT_CHANNELS) {
    sr_free(&e->mem, inc->chat);
    inc->chat = take(&c);
    inc->chat_count = (size_t)r->ints[UI_NCHAT];
  }
  if (f & SIREN_UPDATE_NOTIFICATION_TARGETS) {
    sr_free(&e->mem, inc->targets);
    inc->targets = take(&c);
    inc->target_count = (size_t)r->ints[UI_NTARGETS];
  }
  if (f & SIREN_UPDATE_IMPACT) inc->impact = (int)r->ints[UI_IMPACT];
  inc->modified = r->time;
  if (f & ~(int64_t)SIREN_UPDATE_STATUS) {
    sr_tl_add(e, ii, SR_TL_UPDATED, r->time, f, 0, take(&c), 0);
    char fields[96] = "";
    for (int k = 0; k < 6; k++)
      if (k != 3 && (f & (1 << k))) {
        if (fields[0]) strcat(fields, ",");
        strcat(fields, update_names[k]);
      }
    siren_event ev;
    inc_event(e, &ev, SIREN_EVENT_INCIDENT_UPDATED, r->time, ii);
    ev.text = fields;
    sr_emit(e, &ev);
    if ((f & SIREN_UPDATE_IMPACT) && inc->impact != old_impact)
      post(e, r->time, ii, "impact", "Incident %u impact changed from %d %s to %d %s: %s", ii + 1,
           old_impact, impact_names[old_impact], inc->impact, impact_names[inc->impact],
           inc->title);
  }
  if (!(f & SIREN_UPDATE_STATUS)) return;
  if (r->ints[UI_STATUS] == SIREN_INCIDENT_RESOLVED) {
    commit_resolve(e, r, &c, ii, "updated");
    return;
  }
  inc->status = SIREN_INCIDENT_OPEN;
  inc->resolved = 0;
  uint32_t other;
  if (inc->fixed[IF_DEDUPE][0] && !sr_map_get(&e->dedupe, inc->fixed[IF_DEDUPE], &other)) {
    sr_map_put(&e->dedupe, inc->fixed[IF_DEDUPE], ii);
    inc->in_dedupe = 1;
  }
  sr_tl_add(e, ii, SR_TL_REOPENED, r->time, 0, 0, take(&c), 0);
  /* Open again: no trigger for the plan's auto-resolve time resolves it. */
  const siren_response_plan *own = live_plan(e, inc);
  if (own && own->auto_resolve_minutes)
    sr_timer_push(e, r->time + (int64_t)own->auto_resolve_minutes * SR_MINUTE_MS,
                  SR_TIMER_RESOLVE, ii, ++inc->resolve_gen);
  siren_event ev;
  inc_event(e, &ev, SIREN_EVENT_INCIDENT_REOPENED, r->time, ii);
  sr_emit(e, &ev);
  post(e, r->time, ii, "reopened", "Incident %u reopened: %s", ii + 1, inc->title);
}

/* ----------------------------------------------------- related items */

SIREN_EXTERN int siren_incident_add_related_item(siren_engine *e, siren_id incident,
                                                 const siren_related_item *item) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  if (!item) return sr_err(e, SIREN_EINVAL, "item is NULL");
  if ((rc = check_item(e, "item", item))) return rc;
  if (item_index(inc, item->value) >= 0)
    return sr_err(e, SIREN_EEXISTS, "incident %llu already has related item \"%s\"",
                  (unsigned long long)incident, item->value);
  if (inc->item_count >= 1000)
    return sr_err(e, SIREN_EINVAL, "an incident holds at most 1000 related items");
  sr_rec r;
  sr_rec_init(&r, SR_REC_ITEM_ADD);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)incident);
  sr_rec_int(&e->mem, &r, item->type);
  sr_rec_str(&e->mem, &r, item->value);
  sr_rec_str(&e->mem, &r, item->title);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_incident_remove_related_item(siren_engine *e, siren_id incident,
                                                    const char *value) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  if (!value || item_index(inc, value) < 0)
    return sr_err(e, SIREN_ENOTFOUND, "incident %llu has no related item \"%s\"",
                  (unsigned long long)incident, value ? value : "(null)");
  sr_rec r;
  sr_rec_init(&r, SR_REC_ITEM_REMOVE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)incident);
  sr_rec_str(&e->mem, &r, value);
  return sr_end(e, sr_exec(e, &r));
}

static int item_spec(siren_engine *e, const sr_rec *r, start_spec *s) {
  if (r->int_count != 2 || r->str_count != 2 || r->ints[0] < 1 ||
      (uint64_t)r->ints[0] > e->incident_count || r->ints[1] < SIREN_ITEM_ANALYSIS ||
      r->ints[1] > SIREN_ITEM_INVOLVED_RESOURCE)
    return SIREN_ECORRUPT;
  memset(s, 0, sizeof *s);
  s->item_count = 1;
  s->item_types = r->ints + 1;
  s->items = r->strs;
  return SIREN_OK;
}

/* ------------------------------------------------------------ heartbeats */

static sr_heartbeat *hb_find(siren_engine *e, const char *name, uint32_t *index) {
  uint32_t i;
  if (!name || !sr_map_get(&e->heartbeat_names, name, &i)) return NULL;
  if (index) *index = i;
  return &e->heartbeats[i];
}

SIREN_EXTERN int siren_heartbeat_create(siren_engine *e, const siren_heartbeat *hb) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!hb) return sr_err(e, SIREN_EINVAL, "heartbeat is NULL");
  if (hb->version == 0 || hb->version > SIREN_HEARTBEAT_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_heartbeat version %u", hb->version);
  if (!valid_name(hb->name))
    return sr_err(e, SIREN_EINVAL, "name must be 1-%d of [A-Za-z0-9_-]", RP_MAX_NAME);
  if (hb->interval_minutes < 1 || hb->interval_minutes > 43200)
    return sr_err(e, SIREN_EINVAL, "interval_minutes must be 1-43200");
  if (hb_find(e, hb->name, NULL)) return sr_err(e, SIREN_EEXISTS, "heartbeat \"%s\" exists", hb->name);
  if (!rp_find(e, hb->response_plan, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no response plan \"%s\"",
                  hb->response_plan ? hb->response_plan : "(null)");
  sr_rec r;
  sr_rec_init(&r, SR_REC_HEARTBEAT_CREATE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, hb->interval_minutes);
  sr_rec_int(&e->mem, &r, hb->resolve_on_beat ? 1 : 0);
  sr_rec_str(&e->mem, &r, hb->name);
  sr_rec_str(&e->mem, &r, hb->response_plan);
  return sr_end(e, sr_exec(e, &r));
}

static int hb_command(siren_engine *e, const char *name, uint8_t type) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!hb_find(e, name, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no heartbeat \"%s\"", name ? name : "(null)");
  sr_rec r;
  sr_rec_init(&r, type);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, name);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_heartbeat_beat(siren_engine *e, const char *name) {
  return hb_command(e, name, SR_REC_HEARTBEAT_BEAT);
}

SIREN_EXTERN int siren_heartbeat_delete(siren_engine *e, const char *name) {
  return hb_command(e, name, SR_REC_HEARTBEAT_DELETE);
}

SIREN_EXTERN int siren_heartbeat_get(siren_heartbeat *out, siren_engine *e, const char *name) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_HEARTBEAT_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_heartbeat version %u", out->version);
  sr_heartbeat *hb = hb_find(e, name, NULL);
  if (!hb) return sr_err(e, SIREN_ENOTFOUND, "no heartbeat \"%s\"", name ? name : "(null)");
  out->name = hb->name;
  out->response_plan = e->rplans[hb->plan].p->name;
  out->interval_minutes = hb->interval;
  out->resolve_on_beat = hb->resolve_on_beat;
  out->last_beat = hb->last_beat;
  out->incident = hb->incident;
  return SIREN_OK;
}

/* A missed heartbeat's trigger; the strings live in buf. */
static void hb_spec(const sr_heartbeat *hb, int64_t t, char (*buf)[320],
                    start_spec *s) {
  memset(s, 0, sizeof *s);
  s->plan = hb->plan;
  s->title = "";
  s->source = "siren.heartbeat";
  snprintf(buf[0], sizeof buf[0], "siren:heartbeat/%s", hb->name);
  snprintf(buf[1], sizeof buf[1],
           "{\"heartbeat\":\"%s\",\"lastBeat\":%lld,\"intervalMinutes\":%u}", hb->name,
           (long long)hb->last_beat, hb->interval);
  s->trigger_arn = buf[0];
  s->raw = buf[1];
  s->token = "";
  s->trigger_time = t;
}

static int hb_resolves(const siren_engine *e, const sr_heartbeat *hb) {
  return hb->resolve_on_beat && hb->incident &&
         SR_AT(e->incidents, hb->incident - 1).status == SIREN_INCIDENT_OPEN;
}

static int hb_prepare(siren_engine *e, sr_rec *r) {
  if (r->type == SR_REC_HEARTBEAT_CREATE) {
    uint32_t pi = 0;
    if (r->int_count != 2 || r->str_count != 2 || r->ints[0] < 1 || r->ints[0] > 43200 ||
        !valid_name(r->strs[0].p) || hb_find(e, r->strs[0].p, NULL) ||
        !rp_find(e, r->strs[1].p, &pi))
      return SIREN_ECORRUPT;
    e->stash = pi;
    if (sr_grow(&e->mem, (void **)&e->heartbeats, &e->heartbeat_cap, e->heartbeat_count + 1,
                sizeof(sr_heartbeat)) ||
        sr_map_reserve(&e->mem, &e->heartbeat_names, 1) || sr_timer_reserve(e, 1))
      return SIREN_ENOMEM;
    return sr_prep_str(e, &r->strs[0]);
  }
  uint32_t hi;
  if (r->str_count != 1 || !hb_find(e, r->strs[0].p, &hi)) return SIREN_ECORRUPT;
  e->stash = hi;
  if (r->type == SR_REC_HEARTBEAT_DELETE) return SIREN_OK;
  if (sr_timer_reserve(e, 1)) return SIREN_ENOMEM;
  const sr_heartbeat *hb = &e->heartbeats[hi];
  return hb_resolves(e, hb) ? prep_resolve(e, hb->incident - 1, "heartbeat resumed") : SIREN_OK;
}

static void hb_commit(siren_engine *e, sr_rec *r) {
  if (r->type == SR_REC_HEARTBEAT_CREATE) {
    uint32_t hi = (uint32_t)e->heartbeat_count++;
    sr_heartbeat *hb = &e->heartbeats[hi];
    memset(hb, 0, sizeof *hb);
    hb->name = sr_prep_take(e, 0);
    hb->plan = e->stash;
    hb->interval = (uint32_t)r->ints[0];
    hb->resolve_on_beat = (uint8_t)(r->ints[1] != 0);
    hb->last_beat = r->time;
    hb->gen = 1;
    e->rplans[hb->plan].heartbeats++;
    sr_map_put(&e->heartbeat_names, hb->name, hi);
    sr_timer_push(e, r->time + (int64_t)hb->interval * SR_MINUTE_MS, SR_TIMER_HEARTBEAT, hi, hb->gen);
    return;
  }
  uint32_t hi = e->stash;
  sr_heartbeat *hb = &e->heartbeats[hi];
  hb->gen++;
  if (r->type == SR_REC_HEARTBEAT_DELETE) {
    hb->deleted = 1;
    e->rplans[hb->plan].heartbeats--;
    sr_map_del(&e->heartbeat_names, hb->name);
    return;
  }
  hb->last_beat = r->time;
  hb->missed = 0;
  sr_timer_push(e, r->time + (int64_t)hb->interval * SR_MINUTE_MS, SR_TIMER_HEARTBEAT, hi, hb->gen);
  if (hb_resolves(e, hb)) {
    cursor c = {e, 0};
    commit_resolve(e, r, &c, hb->incident - 1, "heartbeat resumed");
  }
}

/* ----------------------------------------------------------- timers */

int sr_incident_timer_valid(const siren_engine *e, const sr_timer *t) {
  switch (sr_timer_kind(t)) {
  case SR_TIMER_ACK:
    return SR_AT(e->incidents, t->ref).status == SIREN_INCIDENT_OPEN &&
           SR_AT(e->incidents, t->ref).ack_gen == t->gen;
  case SR_TIMER_RESOLVE:
    return SR_AT(e->incidents, t->ref).status == SIREN_INCIDENT_OPEN &&
           SR_AT(e->incidents, t->ref).resolve_gen == t->gen;
  case SR_TIMER_HEARTBEAT:
    return !e->heartbeats[t->ref].deleted && e->heartbeats[t->ref].gen == t->gen;
  case SR_TIMER_STEP:
    return sr_exec_timer_valid(e, t);
  default:
    return 0;
  }
}

/* The plan an incident re-engages from: its plan unless deleted since. */
static const siren_response_plan *live_plan(const siren_engine *e, const sr_incident *inc) {
  return e->rplans[inc->plan].p;
}

int sr_incident_timer_prepare(siren_engine *e, sr_rec *r) {
  if (r->ints[0] == SR_TIMER_STEP) return sr_exec_timer_prepare(e, r);
  int64_t kind = r->ints[0], ref = r->ints[1];
  sr_timer t = {r->time, (uint8_t)kind, (uint32_t)ref, (uint32_t)r->ints[2]};
  if (kind == SR_TIMER_ACK || kind == SR_TIMER_RESOLVE) {
    if (ref < 0 || (uint64_t)ref >= e->incident_count || !sr_incident_timer_valid(e, &t))
      return SIREN_ECORRUPT;
    const sr_incident *inc = &SR_AT(e->incidents, ref);
    if (kind == SR_TIMER_RESOLVE) return prep_resolve(e, (uint32_t)ref, "auto-resolved");
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_str(&b, "{\"reason\":\"acknowledgement timeout\"}");
    if (keep_json(e, &b) || sr_tl_reserve(e, 1)) return SIREN_ENOMEM;
    const siren_response_plan *p = live_plan(e, inc);
    return p ? prep_engage(e, p, inc->title, inc->summary, inc->fixed) : SIREN_OK;
  }
  if (kind == SR_TIMER_HEARTBEAT) {
    if (ref < 0 || (uint64_t)ref >= e->heartbeat_count || !sr_incident_timer_valid(e, &t))
      return SIREN_ECORRUPT;
    char buf[2][320];
    start_spec s;
    hb_spec(&e->heartbeats[ref], r->time, buf, &s);
    return prep_start(e, r->time, &s);
  }
  return SIREN_ECORRUPT;
}

void sr_incident_timer_fire(siren_engine *e, sr_rec *r) {
  if (r->ints[0] == SR_TIMER_STEP) {
    sr_exec_timer_fire(e, r);
    return;
  }
  uint32_t ref = (uint32_t)r->ints[1];
  cursor c = {e, 0};
  siren_event ev;
  switch (r->ints[0]) {
  case SR_TIMER_RESOLVE:
    commit_resolve(e, r, &c, ref, "auto-resolved");
    break;
  case SR_TIMER_ACK: {
    sr_incident *inc = &SR_AT(e->incidents, ref);
    inc->acknowledged = 0;
    inc->modified = r->time;
    sr_tl_add(e, ref, SR_TL_REENGAGED, r->time, 0, 0, take(&c), 0);
    inc_event(e, &ev, SIREN_EVENT_INCIDENT_REENGAGED, r->time, ref);
    ev.reason = "acknowledgement timeout";
    sr_emit(e, &ev);
    post(e, r->time, ref, "escalated",
         "Incident %u acknowledged but still open: engaging the response plan again: %s",
         ref + 1, inc->title);
    const siren_response_plan *p = live_plan(e, inc);
    if (p) commit_engage(e, r, &c, ref, p);
    break;
  }
  case SR_TIMER_HEARTBEAT: {
    sr_heartbeat *hb = &e->heartbeats[ref];
    char buf[2][320];
    start_spec s;
    hb_spec(hb, r->time, buf, &s);
    hb->missed = 1;
    sr_event_init(&ev, SIREN_EVENT_HEARTBEAT_MISSED, r->time);
    ev.reason = hb->name;
    sr_emit(e, &ev);
    hb->incident = commit_start(e, r, &s) + 1;
    break;
  }
  default:
    break;
  }
}

/* ------------------------------------------------------------ hooks */

static uint32_t incident_of_page(const siren_engine *e, uint32_t page) {
  return SR_AT(e->rt.engagements, SR_AT(e->rt.pages, page).engagement).incident_ix;
}

void sr_incident_on_page(siren_engine *e, sr_rec *r, uint32_t page) {
  uint32_t inc = incident_of_page(e, page);
  if (inc) sr_tl_add(e, inc - 1, SR_TL_PAGE_SENT, r->time, (int64_t)page + 1, 0, NULL, 0);
}

void sr_incident_on_accept(siren_engine *e, sr_rec *r, uint32_t page, int was_acknowledged) {
  uint32_t ix = incident_of_page(e, page);
  if (!ix) return;
  uint32_t ii = ix - 1;
  const sr_page *pg = &SR_AT(e->rt.pages, page);
  if (was_acknowledged < 0) {
    sr_tl_add(e, ii, SR_TL_PAGE_ACCEPTED, r->time, (int64_t)page + 1,
              SR_AT(e->rt.runs, pg->run).essential, NULL, 0);
    return;
  }
  sr_incident *inc = &SR_AT(e->incidents, ii);
  if (was_acknowledged || !SR_AT(e->rt.engagements, pg->engagement).acknowledged ||
      inc->status != SIREN_INCIDENT_OPEN)
    return;
  int first = !inc->acknowledged;
  inc->acknowledged = 1;
  inc->modified = r->time;
  if (first)
    post(e, r->time, ii, "acknowledged", "Incident %u acknowledged by %s: %s", ii + 1,
         e->contacts[SR_PAGE_CONTACT(e, pg)].alias, inc->title);
  const siren_response_plan *p = live_plan(e, inc);
  if (p && p->ack_timeout_minutes)
    sr_timer_push(e, r->time + (int64_t)p->ack_timeout_minutes * SR_MINUTE_MS, SR_TIMER_ACK, ii,
                  ++inc->ack_gen);
}

void sr_incident_on_escalate(siren_engine *e, sr_rec *r, uint32_t run) {
  const sr_run *ru = &SR_AT(e->rt.runs, run);
  const sr_engagement *en = &SR_AT(e->rt.engagements, ru->engagement);
  if (!en->incident_ix) return;
  uint32_t ii = en->incident_ix - 1;
  sr_tl_add(e, ii, SR_TL_ESCALATED, r->time, (int64_t)ru->engagement + 1, ru->stage, NULL, 0);
  post(e, r->time, ii, "escalated", "Incident %u escalated: %s stage %u%s: %s", ii + 1,
       e->contacts[ru->contact].alias, ru->stage + 1, ru->loop ? " (repeated)" : "",
       SR_AT(e->incidents, ii).title);
}

void sr_incident_on_complete(siren_engine *e, int64_t t, uint32_t engagement) {
  const sr_engagement *en = &SR_AT(e->rt.engagements, engagement);
  if (!en->incident_ix) return;
  sr_tl_add(e, en->incident_ix - 1, SR_TL_COMPLETED, t, (int64_t)engagement + 1, en->acknowledged,
            NULL, 0);
}

/* ---------------------------------------------------- prepare, commit */

int sr_incident_prepare(siren_engine *e, sr_rec *r) {
  switch (r->type) {
  case SR_REC_RPLAN_SET: {
    siren_response_plan p;
    void *scratch;
    int rc = rp_decode(e, r, &p, &scratch);
    if (rc == SIREN_OK) {
      int exists = rp_find(e, p.name, NULL) != NULL;
      if (exists != (r->ints[RI_UPDATE] != 0))
        rc = SIREN_ECORRUPT;
      else if ((rc = rp_check(e, &p)) == SIREN_OK &&
               (sr_grow(&e->mem, (void **)&e->rplans, &e->rplan_cap, e->rplan_count + 1,
                        sizeof(sr_rplan)) ||
                sr_map_reserve(&e->mem, &e->rplan_names, 1) ||
                sr_prep_keep(e, rp_copy(&e->mem, &p))))
        rc = SIREN_ENOMEM;
    }
    sr_free(&e->mem, scratch);
    return rc;
  }
  case SR_REC_RPLAN_DELETE: {
    const sr_rplan *rp = r->str_count == 1 ? rp_find(e, r->strs[0].p, NULL) : NULL;
    return rp && !rp->heartbeats ? SIREN_OK : SIREN_ECORRUPT;
  }
  case SR_REC_INCIDENT_START: {
    start_spec s;
    int rc = spec_from_rec(e, r, &s);
    return rc ? rc : prep_start(e, r->time, &s);
  }
  case SR_REC_INCIDENT_UPDATE:
    return update_prepare(e, r);
  case SR_REC_ITEM_ADD: {
    start_spec s;
    if (item_spec(e, r, &s) || item_index(&SR_AT(e->incidents, r->ints[0] - 1), r->strs[0].p) >= 0)
      return SIREN_ECORRUPT;
    if (sr_tl_reserve(e, 1)) return SIREN_ENOMEM;
    return prep_items(e, &SR_AT(e->incidents, r->ints[0] - 1), &s);
  }
  case SR_REC_ITEM_REMOVE: {
    if (r->int_count != 1 || r->str_count != 1 || r->ints[0] < 1 ||
        (uint64_t)r->ints[0] > e->incident_count)
      return SIREN_ECORRUPT;
    const sr_incident *inc = &SR_AT(e->incidents, r->ints[0] - 1);
    int k = item_index(inc, r->strs[0].p);
    if (k < 0) return SIREN_ECORRUPT;
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_str(&b, "{\"type\":");
    sr_buf_json(&b, siren_related_item_type_name((siren_related_item_type)inc->items[k].type));
    sr_buf_str(&b, ",\"value\":");
    sr_buf_json(&b, inc->items[k].s[0]);
    sr_buf_str(&b, "}");
    if (sr_tl_reserve(e, 1)) {
      sr_free(&e->mem, b.p);
      return SIREN_ENOMEM;
    }
    return keep_json_ref(e, &b, inc->items[k].s[0]);
  }
  case SR_REC_HEARTBEAT_CREATE:
  case SR_REC_HEARTBEAT_BEAT:
  case SR_REC_HEARTBEAT_DELETE:
    return hb_prepare(e, r);
  default:
    return SIREN_ECORRUPT;
  }
}

void sr_incident_commit(siren_engine *e, sr_rec *r) {
  switch (r->type) {
  case SR_REC_RPLAN_SET: {
    siren_response_plan *p = sr_prep_take(e, 0);
    uint32_t pi = 0;
    if (rp_find(e, p->name, &pi)) {
      /* The map borrows the name from the plan: re-key it to the new copy. */
      sr_map_del(&e->rplan_names, e->rplans[pi].p->name);
      sr_free(&e->mem, e->rplans[pi].p);
      e->rplans[pi].p = p;
    } else {
      pi = (uint32_t)e->rplan_count++;
      e->rplans[pi].p = p;
      e->rplans[pi].heartbeats = 0;
    }
    sr_map_put(&e->rplan_names, p->name, pi);
    break;
  }
  case SR_REC_RPLAN_DELETE: {
    uint32_t pi = 0;
    rp_find(e, r->strs[0].p, &pi);
    sr_map_del(&e->rplan_names, e->rplans[pi].p->name);
    /* Incidents keep the plan's index; a deleted plan re-engages nobody. The
     * name stays readable through the incident's own copy. */
    sr_free(&e->mem, e->rplans[pi].p);
    e->rplans[pi].p = NULL;
    break;
  }
  case SR_REC_INCIDENT_START: {
    start_spec s;
    spec_from_rec(e, r, &s);
    e->stash_merged = e->stash != 0;
    e->stash_result = commit_start(e, r, &s);
    break;
  }
  case SR_REC_INCIDENT_UPDATE:
    update_commit(e, r);
    break;
  case SR_REC_ITEM_ADD: {
    start_spec s;
    item_spec(e, r, &s);
    cursor c = {e, 0};
    uint32_t ii = (uint32_t)(r->ints[0] - 1);
    commit_items(e, r, &c, ii, &s);
    SR_AT(e->incidents, ii).modified = r->time;
    break;
  }
  case SR_REC_ITEM_REMOVE: {
    uint32_t ii = (uint32_t)(r->ints[0] - 1);
    sr_incident *inc = &SR_AT(e->incidents, ii);
    int k = item_index(inc, r->strs[0].p);
    uint8_t type = inc->items[k].type;
    sr_tl_add(e, ii, SR_TL_ITEM_REMOVED, r->time, 0, 0, sr_prep_take(e, 0), 1);
    siren_event ev;
    inc_event(e, &ev, SIREN_EVENT_RELATED_ITEM_REMOVED, r->time, ii);
    ev.reason = siren_related_item_type_name((siren_related_item_type)type);
    ev.text = r->strs[0].p;
    sr_emit(e, &ev);
    sr_free(&e->mem, inc->items[k].s);
    memmove(&inc->items[k], &inc->items[k + 1], (inc->item_count - (size_t)k - 1) * sizeof(sr_item));
    inc->item_count--;
    inc->modified = r->time;
    break;
  }
  case SR_REC_HEARTBEAT_CREATE:
  case SR_REC_HEARTBEAT_BEAT:
  case SR_REC_HEARTBEAT_DELETE:
    hb_commit(e, r);
    break;
  default:
    break;
  }
}

/* ------------------------------------------------------------ queries */

SIREN_EXTERN const char *siren_related_item_type_name(siren_related_item_type type) {
  static const char *const names[] = {"",       "ANALYSIS", "ATTACHMENT", "AUTOMATION",
                                      "INCIDENT", "METRIC", "PARENT",     "TASK",
                                      "OTHER",  "INVOLVED_RESOURCE"};
  return type >= SIREN_ITEM_ANALYSIS && type <= SIREN_ITEM_INVOLVED_RESOURCE ? names[type] : "";
}

SIREN_EXTERN int siren_incident_get(siren_incident_info *out, siren_engine *e, siren_id incident) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_INCIDENT_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_incident_info version %u", out->version);
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  const siren_response_plan *p = e->rplans[inc->plan].p;
  out->id = incident;
  out->arn = inc->fixed[IF_ARN];
  out->response_plan = inc->fixed[IF_PLAN];
  out->title = inc->title;
  out->summary = inc->summary;
  out->impact = inc->impact;
  out->status = (siren_incident_status)inc->status;
  out->creation_time = inc->created;
  out->last_modified_time = inc->modified;
  out->resolved_time = inc->resolved;
  out->trigger_source = inc->fixed[IF_SOURCE];
  out->trigger_arn = inc->fixed[IF_TRIGGER_ARN];
  out->trigger_time = inc->trigger_time;
  out->trigger_raw_data = inc->fixed[IF_RAW];
  out->dedupe_string = inc->fixed[IF_DEDUPE];
  out->trigger_count = inc->trigger_count;
  out->last_trigger_time = inc->last_trigger;
  out->chat_channel_count = inc->chat_count;
  out->chat_channels = (const char *const *)inc->chat;
  out->notification_target_count = inc->target_count;
  out->notification_targets = (const char *const *)inc->targets;
  /* Incident tags are the plan's; a deleted plan leaves none. */
  out->incident_tag_count = p ? p->incident_tag_count : 0;
  out->incident_tags = p ? p->incident_tags : NULL;
  out->engagement_count = inc->engagement_count;
  out->related_item_count = (uint32_t)inc->item_count;
  out->timeline_event_count = inc->tl_live;
  out->acknowledged = inc->acknowledged;
  out->maintenance = inc->maintenance;
  out->runbook = inc->status == SIREN_INCIDENT_OPEN ? inc->fixed[IF_RUNBOOK] : "";
  out->analysis = inc->analysis;
  return SIREN_OK;
}

SIREN_EXTERN int siren_incident_related_item_at(siren_related_item *out, siren_engine *e,
                                                siren_id incident, uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_RELATED_ITEM_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_related_item version %u", out->version);
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  if (i >= inc->item_count)
    return sr_err(e, SIREN_ENOTFOUND, "incident %llu has no related item %u",
                  (unsigned long long)incident, i);
  out->type = (siren_related_item_type)inc->items[i].type;
  out->value = inc->items[i].s[0];
  out->title = inc->items[i].s[1];
  return SIREN_OK;
}

SIREN_EXTERN int siren_incident_engagements(siren_id *ids, size_t cap, size_t *total,
                                            siren_engine *e, siren_id incident) {
  if (!total || !e || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  sr_incident *inc = NULL;
  if ((rc = find_incident(e, incident, &inc))) return rc;
  size_t n = 0;
  for (uint32_t en = inc->first_eng; en != SR_NONE; en = SR_AT(e->rt.engagements, en).next_in_incident, n++)
    if (n < cap) ids[n] = (siren_id)en + 1;
  *total = n;
  return SIREN_OK;
}

SIREN_EXTERN int siren_incidents(siren_id *ids, size_t cap, size_t *total, siren_engine *e,
                                 const siren_incident_filter *f) {
  if (!total || !e || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  if (f && (f->version == 0 || f->version > SIREN_INCIDENT_FILTER_VERSION))
    return sr_err(e, SIREN_EVERSION, "siren_incident_filter version %u", f->version);
  size_t n = 0;
  for (size_t i = 0; i < e->incident_count; i++) {
    const sr_incident *inc = &SR_AT(e->incidents, i);
    if (f) {
      if (f->created_after && !(inc->created > f->created_after)) continue;
      if (f->created_before && !(inc->created < f->created_before)) continue;
      if (f->impacts && !(f->impacts & (1u << inc->impact))) continue;
      if (f->statuses && !(f->statuses & (1u << inc->status))) continue;
    }
    if (n < cap) ids[n] = (siren_id)i + 1;
    n++;
  }
  *total = n;
  return SIREN_OK;
}

/* ------------------------------------------------------------ snapshot */

/* A response plan in a snapshot keeps the layout of its RPLAN_SET record. */
int sr_rplan_encode(siren_engine *e, sr_rec *r, const siren_response_plan *p) {
  return rp_encode(e, r, p, 0);
}

/* Reads back what sr_rplan_encode wrote (v views just that part of the
 * snapshot), checks it as an RPLAN_SET record is checked, and copies it. */
int sr_rplan_decode(siren_engine *e, const sr_rec *v, siren_response_plan **out) {
  siren_response_plan p;
  void *scratch;
  *out = NULL;
  int rc = rp_decode(e, v, &p, &scratch);
  if (rc == SIREN_OK && (v->ints[RI_UPDATE] != 0 || rp_check(e, &p) != SIREN_OK))
    rc = SIREN_ECORRUPT;
  if (rc == SIREN_OK && !(*out = rp_copy(&e->mem, &p))) rc = SIREN_ENOMEM;
  sr_free(&e->mem, scratch);
  return rc;
}

size_t sr_incident_fixed_count(void) { return IF_COUNT; }
const char *sr_incident_dedupe(const sr_incident *inc) { return inc->fixed[IF_DEDUPE]; }
const char *sr_incident_token(const sr_incident *inc) { return inc->fixed[IF_TOKEN]; }

/* -------------------------------------------------------------- free */

void sr_incidents_free(siren_engine *e) {
  for (size_t i = 0; i < e->rplan_count; i++) sr_free(&e->mem, e->rplans[i].p);
  sr_free(&e->mem, e->rplans);
  sr_map_free(&e->mem, &e->rplan_names);
  for (size_t i = 0; i < e->incident_count; i++) {
    sr_incident *inc = &SR_AT(e->incidents, i);
    owned_free(e, inc, inc->title);
    owned_free(e, inc, inc->summary);
    sr_free(&e->mem, inc->fixed);
    sr_free(&e->mem, inc->chat);
    sr_free(&e->mem, inc->targets);
    for (size_t k = 0; k < inc->item_count; k++) sr_free(&e->mem, inc->items[k].s);
    sr_free(&e->mem, inc->items);
  }
  sr_chunks_free(&e->mem, (void **)e->incidents, e->incident_cap);
  sr_map_free(&e->mem, &e->dedupe);
  sr_map_free(&e->mem, &e->incident_tokens);
  for (size_t i = 0; i < e->heartbeat_count; i++) sr_free(&e->mem, e->heartbeats[i].name);
  sr_free(&e->mem, e->heartbeats);
  sr_map_free(&e->mem, &e->heartbeat_names);
  sr_timeline_free(e);
  sr_analyses_free(e);
}
