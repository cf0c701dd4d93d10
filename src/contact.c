/*
 * Contacts, their channels, channel activation, and plans (the directory).
 *
 * A channel's activation is a small state machine:
 *   NOT_ACTIVATED --code sent--> NOT_ACTIVATED with a code (attempts, expiry)
 *       --right code--> ACTIVATED --deactivate / STOP receipt--> NOT_ACTIVATED
 *       --wrong code--> attempts-1; at 0 the code is void until a new one is sent
 * A plan is validated when it is built from its record, so a live command and
 * a replayed record accept or refuse it for the same reasons.
 */
#include <string.h>

#include "internal.h"

/* -------------------------------------------------------------- lookups */

sr_contact *sr_contact_find(siren_engine *e, const char *alias, uint32_t *index) {
  uint32_t i;
  if (!alias || !sr_map_get(&e->aliases, alias, &i)) return NULL;
  if (index) *index = i;
  return &e->contacts[i];
}

sr_channel *sr_channel_find(siren_engine *e, const sr_contact *c, const char *name,
                            uint32_t *index) {
  if (!name) return NULL;
  for (size_t i = 0; i < c->channel_count; i++) {
    sr_channel *ch = &e->channels[c->channels[i]];
    if (strcmp(ch->name, name) == 0) {
      if (index) *index = c->channels[i];
      return ch;
    }
  }
  return NULL;
}

const char *sr_channel_kind_name(uint8_t kind) {
  switch (kind) {
  case SR_CH_EMAIL: return "EMAIL";
  case SR_CH_SMS: return "SMS";
  case SR_CH_VOICE: return "VOICE";
  default: return "OTHER";
  }
}

void sr_plan_release(siren_engine *e, sr_plan *p) {
  if (p && --p->refs == 0) sr_free(&e->mem, p);
}

/* ----------------------------------------------------------- validation */

int sr_valid_alias(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > SR_MAX_NAME) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

int sr_valid_type_name(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 64) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return 0;
  return 1;
}

uint8_t sr_kind_of(const char *type) {
  if (strcmp(type, "EMAIL") == 0) return SR_CH_EMAIL;
  if (strcmp(type, "SMS") == 0) return SR_CH_SMS;
  if (strcmp(type, "VOICE") == 0) return SR_CH_VOICE;
  return SR_CH_OTHER;
}

int sr_valid_address(uint8_t kind, const char *a) {
  size_t n = strlen(a);
  if (n < 1 || n > 320) return 0;
  if (kind == SR_CH_EMAIL) {
    const char *at = strchr(a, '@');
    if (!at || at == a || at[1] == '\0' || strchr(at + 1, '@')) return 0;
    for (const char *p = a; *p; p++)
      if (*p == ' ' || (unsigned char)*p < 0x21) return 0;
    return 1;
  }
  if (kind == SR_CH_SMS || kind == SR_CH_VOICE) {
    if (a[0] != '+' || n < 9 || n > 16) return 0;
    for (const char *p = a + 1; *p; p++)
      if (*p < '0' || *p > '9') return 0;
    return a[1] != '0';
  }
  return 1;
}

const char *sr_address_rule(uint8_t kind) {
  switch (kind) {
  case SR_CH_EMAIL: return "EMAIL needs one '@' with text on both sides";
  case SR_CH_SMS:
  case SR_CH_VOICE: return "SMS and VOICE need E.164: '+', then 8-15 digits not starting with 0";
  default: return "must be 1-320 bytes";
  }
}

int sr_code_equal(const char *want, const char *got) {
  size_t n = strlen(got);
  unsigned diff = (unsigned)(n ^ 6u);
  for (size_t i = 0; i < 6; i++) diff |= (unsigned)(want[i] ^ (i < n ? got[i] : 0));
  return diff == 0;
}

/* ------------------------------------------------------------- commands */

SIREN_EXTERN int siren_contact_create(siren_engine *e, const char *alias,
                                      const char *display_name, siren_contact_type type) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!alias || !sr_valid_alias(alias))
    return sr_err(e, SIREN_EINVAL, "alias must be 1-255 characters of [a-z0-9_-]");
  if (display_name && strlen(display_name) > SR_MAX_NAME)
    return sr_err(e, SIREN_EINVAL, "display name longer than 255 bytes");
  if (type != SIREN_CONTACT_PERSONAL && type != SIREN_CONTACT_ESCALATION &&
      type != SIREN_CONTACT_ONCALL_SCHEDULE)
    return sr_err(e, SIREN_EINVAL, "unknown contact type %d", (int)type);
  if (sr_contact_find(e, alias, NULL))
    return sr_err(e, SIREN_EEXISTS, "contact \"%s\" already exists", alias);
  sr_rec r;
  sr_rec_init(&r, SR_REC_CONTACT_CREATE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, type);
  sr_rec_str(&e->mem, &r, alias);
  sr_rec_str(&e->mem, &r, display_name);
  rc = sr_exec(e, &r);
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_contact_delete(siren_engine *e, const char *alias) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  uint32_t ci;
  sr_contact *c = sr_contact_find(e, alias, &ci);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  if (c->live_runs) return sr_err(e, SIREN_ESTATE, "contact \"%s\" is being engaged", alias);
  for (size_t i = 0; i < e->contact_count; i++) {
    const sr_contact *o = &e->contacts[i];
    if (o->deleted || o->type != SIREN_CONTACT_ESCALATION) continue;
    for (uint32_t s = 0; s < o->plan->stage_count; s++)
      for (uint32_t t = 0; t < o->plan->stages[s].target_count; t++)
        if (o->plan->stages[s].targets[t].ref == ci)
          return sr_err(e, SIREN_ESTATE, "contact \"%s\" is a target of \"%s\"", alias,
                        o->alias);
  }
  if (sr_rplan_uses_contact(e, ci))
    return sr_err(e, SIREN_ESTATE, "contact \"%s\" is engaged by a response plan", alias);
  if (sr_rotation_uses_contact(e, ci))
    return sr_err(e, SIREN_ESTATE, "contact \"%s\" is in a rotation or an override", alias);
  sr_rec r;
  sr_rec_init(&r, SR_REC_CONTACT_DELETE);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, alias);
  return sr_end(e, sr_exec(e, &r));
}

/* Finds contact + channel for the channel commands. */
static int find_channel(siren_engine *e, const char *contact, const char *name,
                        sr_channel **out) {
  sr_contact *c = sr_contact_find(e, contact, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", contact ? contact : "(null)");
  *out = sr_channel_find(e, c, name, NULL);
  if (!*out)
    return sr_err(e, SIREN_ENOTFOUND, "contact \"%s\" has no channel \"%s\"", contact,
                  name ? name : "(null)");
  return SIREN_OK;
}

static int channel_rec(siren_engine *e, uint8_t type, const char *contact, const char *name,
                       int64_t arg) {
  sr_rec r;
  sr_rec_init(&r, type);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, arg);
  sr_rec_str(&e->mem, &r, contact);
  sr_rec_str(&e->mem, &r, name);
  return sr_exec(e, &r);
}

SIREN_EXTERN int siren_channel_create(siren_engine *e, const char *contact, const char *name,
                                      const char *type, const char *address, uint32_t flags) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_contact *c = sr_contact_find(e, contact, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", contact ? contact : "(null)");
  if (c->type != SIREN_CONTACT_PERSONAL)
    return sr_err(e, SIREN_EINVAL, "contact \"%s\" is not PERSONAL: only personal contacts have channels", contact);
  if (!name || !*name || strlen(name) > SR_MAX_NAME)
    return sr_err(e, SIREN_EINVAL, "channel name must be 1-255 bytes");
  if (!type || !sr_valid_type_name(type))
    return sr_err(e, SIREN_EINVAL, "channel type must be EMAIL, SMS, VOICE or a name of [A-Za-z0-9_-]");
  if (!address || !sr_valid_address(sr_kind_of(type), address))
    return sr_err(e, SIREN_EINVAL, "address \"%s\": %s", address ? address : "",
                  sr_address_rule(sr_kind_of(type)));
  if (flags & ~SIREN_CHANNEL_ACTIVATED) return sr_err(e, SIREN_EINVAL, "unknown channel flags");
  if (sr_channel_find(e, c, name, NULL))
    return sr_err(e, SIREN_EEXISTS, "contact \"%s\" already has a channel \"%s\"", contact, name);
  sr_rec r;
  sr_rec_init(&r, SR_REC_CHANNEL_CREATE);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, flags);
  sr_rec_str(&e->mem, &r, contact);
  sr_rec_str(&e->mem, &r, name);
  sr_rec_str(&e->mem, &r, type);
  sr_rec_str(&e->mem, &r, address);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_channel_delete(siren_engine *e, const char *contact, const char *name) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_channel *ch;
  if ((rc = find_channel(e, contact, name, &ch))) return rc;
  const sr_contact *c = &e->contacts[ch->contact];
  uint32_t chi = (uint32_t)(ch - e->channels);
  for (uint32_t s = 0; s < c->plan->stage_count; s++)
    for (uint32_t t = 0; t < c->plan->stages[s].target_count; t++)
      if (c->plan->stages[s].targets[t].ref == chi)
        return sr_err(e, SIREN_ESTATE, "channel \"%s\" is a target of stages[%u] of \"%s\"'s plan",
                      name, s, contact);
  return sr_end(e, channel_rec(e, SR_REC_CHANNEL_DELETE, contact, name, 0));
}

SIREN_EXTERN int siren_channel_send_activation_code(siren_engine *e, const char *contact,
                                                    const char *name) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_channel *ch;
  if ((rc = find_channel(e, contact, name, &ch))) return rc;
  if (ch->activated) return sr_err(e, SIREN_ESTATE, "channel \"%s\" is already activated", name);
  return sr_end(e, channel_rec(e, SR_REC_CODE_SEND, contact, name, 0));
}

SIREN_EXTERN int siren_channel_activate(siren_engine *e, const char *contact, const char *name,
                                        const char *code) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_channel *ch;
  if ((rc = find_channel(e, contact, name, &ch))) return rc;
  if (ch->activated) return sr_err(e, SIREN_ESTATE, "channel \"%s\" is already activated", name);
  if (!code) return sr_err(e, SIREN_EINVAL, "no code given");
  if (!ch->has_code)
    return sr_err(e, SIREN_EDENIED, "no activation code is pending for \"%s\": send a new one", name);
  if (e->now >= ch->code_expires)
    return sr_err(e, SIREN_EDENIED, "the activation code for \"%s\" has expired: send a new one", name);
  int ok = sr_code_equal(ch->code, code);
  rc = channel_rec(e, SR_REC_ACTIVATE, contact, name, ok);
  if (rc) return sr_end(e, rc);
  if (!ok) {
    rc = ch->has_code
             ? sr_err(e, SIREN_EDENIED, "wrong activation code (%u attempts left)", ch->attempts_left)
             : sr_err(e, SIREN_EDENIED, "wrong activation code; no attempts left: send a new code");
    return rc;
  }
  return sr_end(e, SIREN_OK);
}

SIREN_EXTERN int siren_channel_deactivate(siren_engine *e, const char *contact, const char *name) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_channel *ch;
  if ((rc = find_channel(e, contact, name, &ch))) return rc;
  if (!ch->activated) return sr_err(e, SIREN_ESTATE, "channel \"%s\" is not activated", name);
  return sr_end(e, channel_rec(e, SR_REC_DEACTIVATE, contact, name, 0));
}

static int put_plan(siren_engine *e, sr_rec *r, const siren_plan *plan) {
  if (plan->version == 0 || plan->version > SIREN_PLAN_VERSION)
    return sr_err(e, SIREN_EVERSION, "plan version %u", plan->version);
  if (plan->stage_count > SR_MAX_STAGES)
    return sr_err(e, SIREN_EINVAL, "a plan has at most %d stages", SR_MAX_STAGES);
  if (plan->stage_count && !plan->stages) return sr_err(e, SIREN_EINVAL, "stages is NULL");
  int bad = sr_rec_int(&e->mem, r, plan->repeat_count) |
            sr_rec_int(&e->mem, r, (int64_t)plan->stage_count);
  for (size_t s = 0; s < plan->stage_count; s++) {
    const siren_stage *st = &plan->stages[s];
    if (st->version == 0 || st->version > SIREN_STAGE_VERSION)
      return sr_err(e, SIREN_EVERSION, "stages[%zu]: version %u", s, st->version);
    if (st->target_count > SR_MAX_TARGETS)
      return sr_err(e, SIREN_EINVAL, "stages[%zu]: at most %d targets", s, SR_MAX_TARGETS);
    if (st->target_count && !st->targets)
      return sr_err(e, SIREN_EINVAL, "stages[%zu]: targets is NULL", s);
    bad |= sr_rec_int(&e->mem, r, st->duration_minutes) | sr_rec_int(&e->mem, r, st->flags) |
           sr_rec_int(&e->mem, r, (int64_t)st->target_count);
    for (size_t t = 0; t < st->target_count; t++) {
      const siren_target *tg = &st->targets[t];
      if (tg->version == 0 || tg->version > SIREN_TARGET_VERSION)
        return sr_err(e, SIREN_EVERSION, "stages[%zu].targets[%zu]: version %u", s, t, tg->version);
      bad |= sr_rec_int(&e->mem, r, tg->retry_interval_minutes) |
             sr_rec_int(&e->mem, r, tg->essential) |
             sr_rec_str(&e->mem, r, tg->channel ? tg->channel : tg->contact);
    }
  }
  return bad ? sr_err(e, SIREN_ENOMEM, "out of memory") : SIREN_OK;
}

SIREN_EXTERN int siren_contact_set_plan(siren_engine *e, const char *alias, const siren_plan *plan) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!plan) return sr_err(e, SIREN_EINVAL, "plan is NULL");
  if (!sr_contact_find(e, alias, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  sr_rec r;
  sr_rec_init(&r, SR_REC_PLAN_SET);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, alias);
  rc = put_plan(e, &r, plan);
  if (!rc) rc = sr_exec(e, &r);
  sr_rec_free(&e->mem, &r);
  return sr_end(e, rc);
}

/* ----------------------------------------------------------- plan build */

/* Does contact `from` reach contact `to` through escalation targets? Depth is
 * bounded because every plan was checked when it was set. */
static int reaches(const siren_engine *e, uint32_t from, uint32_t to, uint32_t depth) {
  if (from == to) return 1;
  if (depth > SR_MAX_STAGES) return 1; /* treat absurd nesting as a cycle */
  const sr_contact *c = &e->contacts[from];
  if (c->type != SIREN_CONTACT_ESCALATION) return 0;
  for (uint32_t s = 0; s < c->plan->stage_count; s++)
    for (uint32_t t = 0; t < c->plan->stages[s].target_count; t++)
      if (reaches(e, c->plan->stages[s].targets[t].ref, to, depth + 1)) return 1;
  return 0;
}

/* Builds (and validates) a plan from a PLAN_SET record: one allocation. */
static int build_plan(siren_engine *e, const sr_rec *r, uint32_t ci, sr_plan **out) {
  const sr_contact *c = &e->contacts[ci];
  const int64_t *v = r->ints;
  size_t nv = r->int_count, k = 0, ks = 1;
#define NEXT(dst)                                                   \
  do {                                                              \
    if (k >= nv) return sr_err(e, SIREN_ECORRUPT, "plan record too short"); \
    (dst) = v[k++];                                                 \
  } while (0)
  int64_t repeat, nstages, dur, flags, ntargets, retry, essential;
  NEXT(repeat);
  NEXT(nstages);
  if (repeat < 0 || repeat > SR_MAX_REPEAT)
    return sr_err(e, SIREN_EINVAL, "repeat_count must be 0-%d", SR_MAX_REPEAT);
  if (c->type == SIREN_CONTACT_ONCALL_SCHEDULE && (nstages != 0 || repeat != 0))
    return sr_err(e, SIREN_EINVAL, "\"%s\" is an ONCALL_SCHEDULE: its plan is its rotations "
                  "(siren_schedule_set)", c->alias);
  if (nstages < 0 || nstages > SR_MAX_STAGES)
    return sr_err(e, SIREN_EINVAL, "a plan has at most %d stages", SR_MAX_STAGES);
  /* First pass: count targets so the plan is one allocation. */
  size_t total = 0, save = k;
  for (int64_t s = 0; s < nstages; s++) {
    NEXT(dur);
    NEXT(flags);
    NEXT(ntargets);
    if (ntargets < 0 || ntargets > SR_MAX_TARGETS)
      return sr_err(e, SIREN_EINVAL, "stages[%d]: at most %d targets", (int)s, SR_MAX_TARGETS);
    total += (size_t)ntargets;
    for (int64_t t = 0; t < ntargets; t++) {
      NEXT(retry);
      NEXT(essential);
    }
  }
  if (r->str_count != 1 + total) return sr_err(e, SIREN_ECORRUPT, "plan record malformed");
  k = save;
  size_t bytes = sizeof(sr_plan) + (size_t)nstages * sizeof(sr_stage) + total * sizeof(sr_target);
  sr_plan *p = sr_alloc(&e->mem, bytes);
  if (!p) return sr_err(e, SIREN_ENOMEM, "out of memory");
  memset(p, 0, bytes);
  p->refs = 1;
  p->stage_count = (uint32_t)nstages;
  p->repeat_count = (uint32_t)repeat;
  p->stages = (sr_stage *)(p + 1);
  sr_target *tg = (sr_target *)(p->stages + nstages);
  int rc = SIREN_OK;
  for (int64_t s = 0; s < nstages && !rc; s++) {
    sr_stage *st = &p->stages[s];
    NEXT(dur);
    NEXT(flags);
    NEXT(ntargets);
    st->duration_minutes = (uint32_t)dur;
    st->flags = (uint32_t)flags;
    st->target_count = (uint32_t)ntargets;
    st->targets = tg;
    tg += ntargets;
    if (dur < 0 || dur > e->opts.max_stage_minutes)
      rc = sr_err(e, SIREN_EINVAL, "stages[%d]: DurationInMinutes must be 0-%u", (int)s,
                  e->opts.max_stage_minutes);
    else if (dur == 0 && ntargets == 0)
      rc = sr_err(e, SIREN_EINVAL, "stages[%d]: a stage of 0 minutes needs a target", (int)s);
    else if (flags & ~(int64_t)SIREN_STAGE_ALL_ESSENTIAL)
      rc = sr_err(e, SIREN_EINVAL, "stages[%d]: unknown flags", (int)s);
    for (int64_t t = 0; t < ntargets && !rc; t++) {
      NEXT(retry);
      NEXT(essential);
      const char *name = r->strs[ks++].p;
      sr_target *x = &st->targets[t];
      x->retry_minutes = (uint32_t)retry;
      x->essential = essential != 0;
      if (c->type == SIREN_CONTACT_PERSONAL) {
        if (!sr_channel_find(e, c, name, &x->ref))
          rc = sr_err(e, SIREN_ENOTFOUND, "stages[%d].targets[%d]: unknown channel \"%s\" of \"%s\"",
                      (int)s, (int)t, name, c->alias);
        else if (retry < 0 || retry > 60)
          rc = sr_err(e, SIREN_EINVAL, "stages[%d].targets[%d]: RetryIntervalInMinutes must be 0-60",
                      (int)s, (int)t);
      } else {
        if (!sr_contact_find(e, name, &x->ref))
          rc = sr_err(e, SIREN_ENOTFOUND, "stages[%d].targets[%d]: unknown contact \"%s\"", (int)s,
                      (int)t, name);
        else if (reaches(e, x->ref, ci, 0))
          rc = sr_err(e, SIREN_EINVAL, "stages[%d].targets[%d]: \"%s\" leads back to \"%s\" (a cycle)",
                      (int)s, (int)t, name, c->alias);
      }
    }
  }
#undef NEXT
  if (rc) {
    sr_free(&e->mem, p);
    return rc;
  }
  *out = p;
  return SIREN_OK;
}

/* -------------------------------------------------------- prepare/commit */

int sr_contact_prepare(siren_engine *e, const sr_rec *r) {
  sr_contact *c = NULL;
  uint32_t ci = 0;
  if (r->type != SR_REC_CONTACT_CREATE) {
    if (r->str_count < 1 || !(c = sr_contact_find(e, r->strs[0].p, &ci)))
      return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", r->str_count ? r->strs[0].p : "");
  }
  switch (r->type) {
  case SR_REC_CONTACT_CREATE: {
    /* A record must obey what the command checked: replay (and a snapshot
     * of its result) must never hold a state the API could not make. */
    if (r->str_count != 2 || r->int_count != 1 || !sr_valid_alias(r->strs[0].p) ||
        sr_contact_find(e, r->strs[0].p, NULL) || r->strs[1].n > SR_MAX_NAME ||
        (r->ints[0] != SIREN_CONTACT_PERSONAL && r->ints[0] != SIREN_CONTACT_ESCALATION &&
         r->ints[0] != SIREN_CONTACT_ONCALL_SCHEDULE))
      return SIREN_ECORRUPT;
    if (sr_grow(&e->mem, (void **)&e->contacts, &e->contact_cap, e->contact_count + 1,
                sizeof(sr_contact)) ||
        sr_map_reserve(&e->mem, &e->aliases, 1))
      return SIREN_ENOMEM;
    sr_plan *empty = sr_calloc(&e->mem, 1, sizeof(sr_plan));
    if (sr_prep_keep(e, empty)) return SIREN_ENOMEM;
    empty->refs = 1;
    return sr_prep_str(e, &r->strs[0]) || sr_prep_str(e, &r->strs[1]) ? SIREN_ENOMEM : SIREN_OK;
  }
  case SR_REC_CHANNEL_CREATE:
    if (r->str_count != 4 || r->int_count != 1 || c->type != SIREN_CONTACT_PERSONAL ||
        r->strs[1].n < 1 || r->strs[1].n > SR_MAX_NAME || !sr_valid_type_name(r->strs[2].p) ||
        !sr_valid_address(sr_kind_of(r->strs[2].p), r->strs[3].p) ||
        (r->ints[0] & ~(int64_t)SIREN_CHANNEL_ACTIVATED) ||
        sr_channel_find(e, c, r->strs[1].p, NULL))
      return SIREN_ECORRUPT;
    if (sr_grow(&e->mem, (void **)&e->channels, &e->channel_cap, e->channel_count + 1,
                sizeof(sr_channel)) ||
        sr_grow(&e->mem, (void **)&c->channels, &c->channel_cap, c->channel_count + 1,
                sizeof(uint32_t)))
      return SIREN_ENOMEM;
    for (int i = 1; i < 4; i++)
      if (sr_prep_str(e, &r->strs[i])) return SIREN_ENOMEM;
    return SIREN_OK;
  case SR_REC_PLAN_SET: {
    sr_plan *p = NULL;
    int rc = build_plan(e, r, ci, &p);
    if (rc) return rc;
    return sr_prep_keep(e, p);
  }
  case SR_REC_CONTACT_DELETE:
    if (c->live_runs || sr_rplan_uses_contact(e, ci) || sr_rotation_uses_contact(e, ci))
      return SIREN_ECORRUPT;
    for (size_t i = 0; i < e->contact_count; i++) {
      const sr_contact *o = &e->contacts[i];
      if (o->deleted || o->type != SIREN_CONTACT_ESCALATION) continue;
      for (uint32_t s = 0; s < o->plan->stage_count; s++)
        for (uint32_t t = 0; t < o->plan->stages[s].target_count; t++)
          if (o->plan->stages[s].targets[t].ref == ci) return SIREN_ECORRUPT;
    }
    return SIREN_OK;
  default: { /* channel commands */
    uint32_t chi = 0;
    if (r->str_count != 2 || !sr_channel_find(e, c, r->strs[1].p, &chi))
      return sr_err(e, SIREN_ENOTFOUND, "no channel \"%s\"", r->str_count > 1 ? r->strs[1].p : "");
    if (r->type == SR_REC_CHANNEL_DELETE)
      for (uint32_t s = 0; s < c->plan->stage_count; s++)
        for (uint32_t t = 0; t < c->plan->stages[s].target_count; t++)
          if (c->plan->stages[s].targets[t].ref == chi) return SIREN_ECORRUPT;
    return SIREN_OK;
  }
  }
}

static void send_code(siren_engine *e, sr_rec *r, sr_channel *ch) {
  sr_code(e, r, ch->code);
  ch->has_code = 1;
  ch->code_expires = r->time + e->opts.activation_code_ttl_ms;
  ch->attempts_left = e->opts.activation_max_attempts;
  const sr_contact *c = &e->contacts[ch->contact];
  siren_event ev;
  sr_event_init(&ev, SIREN_EVENT_ACTIVATION_CODE_SENT, r->time);
  ev.contact = c->alias;
  ev.channel = ch->name;
  ev.channel_type = ch->type;
  sr_emit(e, &ev);
  siren_notification n;
  memset(&n, 0, sizeof n);
  n.version = SIREN_NOTIFICATION_VERSION;
  n.kind = SIREN_NOTIFY_ACTIVATION_CODE;
  n.time = r->time;
  n.contact = c->alias;
  n.channel = ch->name;
  n.channel_type = ch->type;
  n.address = ch->address;
  n.sender = n.subject = n.content = n.incident_id = n.text = n.message = "";
  n.code = ch->code;
  sr_notify(e, &n, SR_NONE);
}

static void channel_event(siren_engine *e, siren_event_type type, int64_t t, const sr_channel *ch,
                          const char *reason) {
  siren_event ev;
  sr_event_init(&ev, type, t);
  ev.contact = e->contacts[ch->contact].alias;
  ev.channel = ch->name;
  ev.channel_type = ch->type;
  ev.reason = reason;
  sr_emit(e, &ev);
}

void sr_contact_commit(siren_engine *e, sr_rec *r) {
  uint32_t ci = 0, chi = 0;
  sr_contact *c = r->type == SR_REC_CONTACT_CREATE ? NULL : sr_contact_find(e, r->strs[0].p, &ci);
  sr_channel *ch = NULL;
  if (c && r->str_count == 2 && r->type != SR_REC_CONTACT_DELETE && r->type != SR_REC_PLAN_SET)
    ch = sr_channel_find(e, c, r->strs[1].p, &chi);
  switch (r->type) {
  case SR_REC_CONTACT_CREATE: {
    ci = (uint32_t)e->contact_count++;
    c = &e->contacts[ci];
    memset(c, 0, sizeof *c);
    c->plan = sr_prep_take(e, 0);
    c->alias = sr_prep_take(e, 1);
    c->display = sr_prep_take(e, 2);
    c->type = (uint8_t)r->ints[0];
    c->first_page = c->last_page = SR_NONE;
    sr_map_put(&e->aliases, c->alias, ci);
    e->live_contacts++;
    break;
  }
  case SR_REC_CONTACT_DELETE:
    /* A tombstone: pages and runs keep pointing at it by index. */
    sr_map_del(&e->aliases, c->alias);
    c->deleted = 1;
    for (size_t i = 0; i < c->channel_count; i++) e->channels[c->channels[i]].deleted = 1;
    c->channel_count = 0;
    e->live_contacts--;
    break;
  case SR_REC_CHANNEL_CREATE: {
    chi = (uint32_t)e->channel_count++;
    ch = &e->channels[chi];
    memset(ch, 0, sizeof *ch);
    ch->contact = ci;
    ch->name = sr_prep_take(e, 0);
    ch->type = sr_prep_take(e, 1);
    ch->address = sr_prep_take(e, 2);
    ch->kind = sr_kind_of(ch->type);
    c->channels[c->channel_count++] = chi;
    if (r->ints[0] & SIREN_CHANNEL_ACTIVATED)
      ch->activated = SIREN_ACTIVATED;
    else
      send_code(e, r, ch);
    break;
  }
  case SR_REC_CHANNEL_DELETE:
    ch->deleted = 1;
    for (size_t i = 0; i < c->channel_count; i++)
      if (c->channels[i] == chi) {
        memmove(&c->channels[i], &c->channels[i + 1], (c->channel_count - i - 1) * sizeof(uint32_t));
        c->channel_count--;
        break;
      }
    break;
  case SR_REC_CODE_SEND:
    send_code(e, r, ch);
    break;
  case SR_REC_ACTIVATE:
    if (r->ints[0]) {
      ch->activated = SIREN_ACTIVATED;
      ch->has_code = 0;
      channel_event(e, SIREN_EVENT_CHANNEL_ACTIVATED, r->time, ch, "code accepted");
    } else if (ch->attempts_left > 0 && --ch->attempts_left == 0) {
      ch->has_code = 0;
    }
    break;
  case SR_REC_DEACTIVATE:
    ch->activated = SIREN_NOT_ACTIVATED;
    channel_event(e, SIREN_EVENT_CHANNEL_DEACTIVATED, r->time, ch, "deactivated");
    break;
  case SR_REC_PLAN_SET:
    sr_plan_release(e, c->plan);
    c->plan = sr_prep_take(e, 0);
    break;
  default:
    break;
  }
}

/* --------------------------------------------------------------- queries */

SIREN_EXTERN int siren_contact_get(siren_contact_info *out, siren_engine *e, const char *alias) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_CONTACT_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_contact_info version %u", out->version);
  const sr_contact *c = sr_contact_find(e, alias, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  out->alias = c->alias;
  out->display_name = c->display;
  out->type = (siren_contact_type)c->type;
  out->stage_count = c->plan->stage_count;
  out->channel_count = (uint32_t)c->channel_count;
  out->repeat_count = c->plan->repeat_count;
  if (out->version >= 2) {
    out->rotation_count = c->rotation_count;
    out->schedule_flags = c->sched_flags;
  }
  return SIREN_OK;
}

SIREN_EXTERN uint32_t siren_contact_count(const siren_engine *e) { return e ? e->live_contacts : 0; }

SIREN_EXTERN const char *siren_contact_alias_at(const siren_engine *e, uint32_t i) {
  if (!e) return NULL;
  for (size_t k = 0; k < e->contact_count; k++) {
    if (e->contacts[k].deleted) continue;
    if (i-- == 0) return e->contacts[k].alias;
  }
  return NULL;
}

SIREN_EXTERN int siren_channel_get(siren_channel_info *out, siren_engine *e, const char *contact,
                                   const char *name) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_CHANNEL_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_channel_info version %u", out->version);
  sr_channel *ch;
  if ((rc = find_channel(e, contact, name, &ch))) return rc;
  out->contact = e->contacts[ch->contact].alias;
  out->name = ch->name;
  out->type = ch->type;
  out->address = ch->address;
  out->activation = (siren_activation)ch->activated;
  out->attempts_left = ch->has_code ? ch->attempts_left : 0;
  out->code_expires = ch->has_code ? ch->code_expires : 0;
  return SIREN_OK;
}

SIREN_EXTERN const char *siren_channel_name_at(siren_engine *e, const char *contact, uint32_t i) {
  if (!e || e->busy) return NULL;
  const sr_contact *c = sr_contact_find(e, contact, NULL);
  if (!c || i >= c->channel_count) return NULL;
  return e->channels[c->channels[i]].name;
}

SIREN_EXTERN int siren_contact_plan_stage(siren_stage *out, siren_engine *e, const char *alias,
                                          uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_STAGE_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_stage version %u", out->version);
  const sr_contact *c = sr_contact_find(e, alias, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  if (i >= c->plan->stage_count) return sr_err(e, SIREN_ENOTFOUND, "no stage %u", i);
  out->duration_minutes = c->plan->stages[i].duration_minutes;
  out->flags = c->plan->stages[i].flags;
  out->target_count = c->plan->stages[i].target_count;
  out->targets = NULL;
  return SIREN_OK;
}

SIREN_EXTERN int siren_contact_plan_target(siren_target *out, siren_engine *e, const char *alias,
                                           uint32_t i, uint32_t j) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_TARGET_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_target version %u", out->version);
  const sr_contact *c = sr_contact_find(e, alias, NULL);
  if (!c) return sr_err(e, SIREN_ENOTFOUND, "no contact \"%s\"", alias ? alias : "(null)");
  if (i >= c->plan->stage_count || j >= c->plan->stages[i].target_count)
    return sr_err(e, SIREN_ENOTFOUND, "no target %u of stage %u", j, i);
  const sr_target *t = &c->plan->stages[i].targets[j];
  out->channel = NULL;
  out->contact = NULL;
  if (c->type == SIREN_CONTACT_PERSONAL)
    out->channel = e->channels[t->ref].name;
  else
    out->contact = e->contacts[t->ref].alias;
  out->retry_interval_minutes = t->retry_minutes;
  out->essential = t->essential;
  return SIREN_OK;
}
