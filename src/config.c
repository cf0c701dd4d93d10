/*
 * AWS-shaped configuration import (siren_config_load).
 *
 * Three passes over one parsed document:
 *   1. collect: walk the known shapes (API lists, nested channels, a
 *      CloudFormation template) into flat lists of contacts, channels and
 *      plans, each remembering its path in the document;
 *   2. check: resolve every reference and apply every rule the commands
 *      would, against the engine and the document together, collecting every
 *      problem with its path;
 *   3. apply: only when nothing was wrong, create through the ordinary
 *      commands (so each creation is a record like any other).
 */
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "internal.h"

typedef struct cfg_contact {
  const char *key;   /* CloudFormation logical id, or NULL */
  const char *alias;
  const char *display;
  int type;
  char path[320];
} cfg_contact;

typedef struct cfg_channel {
  const char *key;      /* logical id / declared id / ARN, or NULL */
  const char *contact;  /* as written */
  const char *name, *type, *address;
  int activated;
  char path[320];
  const char *alias;    /* resolved contact alias */
} cfg_channel;

typedef struct cfg_plan {
  const char *contact;        /* as written */
  const sr_doc_node *stages;  /* SEQ */
  const sr_doc_node *repeat;  /* or NULL */
  char path[320];
  const char *alias;
  int type;
} cfg_plan;

typedef struct cfg {
  siren_engine *e;
  cfg_contact *contacts;
  size_t ncontacts, ccap;
  cfg_channel *channels;
  size_t nchannels, hcap;
  cfg_plan *plans;
  size_t nplans, pcap;
  uint32_t errors, unsupported;
  int nomem;
} cfg;

/* ---------------------------------------------------------------- problems */

static void problem_text(siren_engine *e, const char *line) {
  size_t n = strlen(line);
  if (sr_grow(&e->mem, (void **)&e->problems, &e->problems_cap, e->problems_len + n + 2, 1)) return;
  memcpy(e->problems + e->problems_len, line, n);
  e->problems_len += n;
  e->problems[e->problems_len++] = '\n';
  e->problems[e->problems_len] = '\0';
}

static void problem(cfg *c, int is_error, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void problem(cfg *c, int is_error, const char *path, const char *fmt, ...) {
  char msg[600], line[1100];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(line, sizeof line, "%s%s%s", path, *path ? ": " : "", msg);
  problem_text(c->e, line);
  if (is_error)
    c->errors++;
  else
    c->unsupported++;
}

/* ----------------------------------------------------------------- helpers */

static const char *str_of(const sr_doc_node *n) {
  return n && n->kind != SR_DOC_SEQ && n->kind != SR_DOC_MAP && n->kind != SR_DOC_NULL ? n->str : NULL;
}

static const sr_doc_node *get(const sr_doc_node *m, const char *k) { return sr_doc_get_ci(m, k); }

static int truthy(const sr_doc_node *n) {
  if (!n) return 0;
  if (n->kind == SR_DOC_BOOL) return n->boolean;
  return n->str && (strcmp(n->str, "true") == 0 || strcmp(n->str, "True") == 0);
}

/* Reads an integer field; -1 when absent, -2 when not an integer. */
static int64_t int_of(const sr_doc_node *n) {
  if (!n) return -1;
  if (n->kind == SR_DOC_INT) return n->i;
  if (n->kind == SR_DOC_STRING && n->len > 0 && n->len < 10) {
    int64_t v = 0;
    for (size_t i = 0; i < n->len; i++) {
      if (n->str[i] < '0' || n->str[i] > '9') return -2;
      v = v * 10 + (n->str[i] - '0');
    }
    return v;
  }
  return -2;
}

#define PUSH(c, arr, n, cap, out)                                                  \
  do {                                                                             \
    if (sr_grow(&(c)->e->mem, (void **)&(c)->arr, &(c)->cap, (c)->n + 1, sizeof *(c)->arr)) { \
      (c)->nomem = 1;                                                              \
      return;                                                                      \
    }                                                                              \
    (out) = &(c)->arr[(c)->n++];                                                   \
    memset((out), 0, sizeof *(out));                                               \
  } while (0)

/* The alias an ARN or a plain reference names ("arn:...:contact/ALIAS"). */
static const char *arn_tail(const char *ref, const char *marker) {
  if (!ref || strncmp(ref, "arn:", 4) != 0) return ref;
  const char *p = strstr(ref, marker);
  return p ? p + strlen(marker) : ref;
}

/* ----------------------------------------------------------------- collect */

static void collect_channel(cfg *c, const sr_doc_node *n, const char *contact, const char *key,
                            const char *path, int cfn) {
  cfg_channel *ch;
  if (!n || n->kind != SR_DOC_MAP) {
    problem(c, 1, path, "expected a mapping for a contact channel");
    return;
  }
  PUSH(c, channels, nchannels, hcap, ch);
  snprintf(ch->path, sizeof ch->path, "%s", path);
  ch->key = key ? key : str_of(get(n, "ContactChannelId"));
  if (!ch->key) ch->key = str_of(get(n, "ContactChannelArn"));
  if (!ch->key) ch->key = str_of(get(n, "Arn"));
  ch->contact = contact ? contact : str_of(get(n, "ContactId"));
  if (!ch->contact) ch->contact = str_of(get(n, "ContactArn"));
  ch->name = str_of(get(n, cfn ? "ChannelName" : "Name"));
  ch->type = str_of(get(n, cfn ? "ChannelType" : "Type"));
  const sr_doc_node *addr = get(n, cfn ? "ChannelAddress" : "DeliveryAddress");
  ch->address = addr && addr->kind == SR_DOC_MAP ? str_of(get(addr, "SimpleAddress")) : str_of(addr);
  const char *status = str_of(get(n, "ActivationStatus"));
  ch->activated = status && strcmp(status, "ACTIVATED") == 0;
}

static void collect_plan(cfg *c, const sr_doc_node *plan, const char *contact, const char *path) {
  if (!plan || plan->kind == SR_DOC_NULL) return;
  cfg_plan *p;
  const sr_doc_node *stages = plan->kind == SR_DOC_SEQ ? plan : get(plan, "Stages");
  if (plan->kind == SR_DOC_MAP && get(plan, "RotationIds") && str_of(get(plan, "RotationIds")) == NULL &&
      get(plan, "RotationIds")->count > 0) {
    problem(c, 1, path, "RotationIds: on-call schedules are not supported yet");
    return;
  }
  if (!stages || stages->kind == SR_DOC_NULL) return;
  if (stages->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "Stages must be a list");
    return;
  }
  PUSH(c, plans, nplans, pcap, p);
  snprintf(p->path, sizeof p->path, "%s%s", path, plan->kind == SR_DOC_SEQ ? "" : ".Stages");
  p->contact = contact;
  p->stages = stages;
  p->repeat = plan->kind == SR_DOC_MAP ? get(plan, "RepeatCount") : NULL;
}

static void collect_contact(cfg *c, const sr_doc_node *n, const char *key, const char *path) {
  char sub[200];
  cfg_contact *ct;
  if (!n || n->kind != SR_DOC_MAP) {
    problem(c, 1, path, "expected a mapping for a contact");
    return;
  }
  PUSH(c, contacts, ncontacts, ccap, ct);
  snprintf(ct->path, sizeof ct->path, "%s", path);
  ct->key = key;
  ct->alias = str_of(get(n, "Alias"));
  ct->display = str_of(get(n, "DisplayName"));
  const char *type = str_of(get(n, "Type"));
  ct->type = !type ? 0
             : strcmp(type, "PERSONAL") == 0   ? SIREN_CONTACT_PERSONAL
             : strcmp(type, "ESCALATION") == 0 ? SIREN_CONTACT_ESCALATION
             : strcmp(type, "ONCALL_SCHEDULE") == 0 ? -1
                                                    : -2;
  const char *alias = ct->alias;
  snprintf(sub, sizeof sub, "%s.Plan", path);
  collect_plan(c, get(n, "Plan"), alias ? alias : "", sub);
  const sr_doc_node *chs = get(n, "ContactChannels");
  if (chs && chs->kind == SR_DOC_SEQ) {
    for (size_t i = 0; i < chs->count; i++) {
      snprintf(sub, sizeof sub, "%s.ContactChannels[%zu]", path, i);
      collect_channel(c, chs->items[i], alias ? alias : "", NULL, sub, 0);
    }
  } else if (chs && chs->kind != SR_DOC_NULL) {
    snprintf(sub, sizeof sub, "%s.ContactChannels", path);
    problem(c, 1, sub, "expected a list");
  }
}

static void collect_list(cfg *c, const sr_doc_node *list, const char *name,
                         void (*one)(cfg *, const sr_doc_node *, const char *)) {
  char path[200];
  if (list->kind != SR_DOC_SEQ) {
    problem(c, 1, name, "expected a list");
    return;
  }
  for (size_t i = 0; i < list->count; i++) {
    snprintf(path, sizeof path, "%s[%zu]", name, i);
    one(c, list->items[i], path);
  }
}

static void one_contact(cfg *c, const sr_doc_node *n, const char *path) { collect_contact(c, n, NULL, path); }
static void one_channel(cfg *c, const sr_doc_node *n, const char *path) {
  collect_channel(c, n, NULL, NULL, path, 0);
}

static void collect_cfn(cfg *c, const sr_doc_node *res) {
  char path[200];
  if (res->kind != SR_DOC_MAP) {
    problem(c, 1, "Resources", "expected a mapping");
    return;
  }
  for (size_t i = 0; i < res->count; i++) {
    const char *key = res->pairs[i].key->str;
    const sr_doc_node *r = res->pairs[i].value;
    const char *type = str_of(get(r, "Type"));
    const sr_doc_node *props = get(r, "Properties");
    snprintf(path, sizeof path, "Resources.%s.Properties", key);
    if (!type) {
      snprintf(path, sizeof path, "Resources.%s", key);
      problem(c, 1, path, "resource without a Type");
    } else if (strcmp(type, "AWS::SSMContacts::Contact") == 0) {
      collect_contact(c, props, key, path);
    } else if (strcmp(type, "AWS::SSMContacts::ContactChannel") == 0) {
      collect_channel(c, props, NULL, key, path, 1);
    } else if (strcmp(type, "AWS::SSMContacts::Plan") == 0) {
      char sub[220];
      snprintf(sub, sizeof sub, "%s.Stages", path);
      const sr_doc_node *st = get(props, "Stages");
      if (st && st->kind == SR_DOC_SEQ) {
        cfg_plan *p;
        PUSH(c, plans, nplans, pcap, p);
        snprintf(p->path, sizeof p->path, "%s", sub);
        p->contact = str_of(get(props, "ContactId"));
        p->stages = st;
      } else if (get(props, "RotationIds")) {
        problem(c, 0, path, "%s with RotationIds: on-call schedules are not supported yet", type);
      } else {
        problem(c, 1, sub, "expected a list of stages");
      }
    } else if (strncmp(type, "AWS::SSMContacts::", 18) == 0 ||
               strncmp(type, "AWS::SSMIncidents::", 19) == 0) {
      snprintf(path, sizeof path, "Resources.%s", key);
      problem(c, 0, path, "%s is not supported yet", type);
    }
    /* Other resource types belong to other services: not ours to report. */
  }
}

/* ------------------------------------------------------------------- check */

static const cfg_contact *doc_contact(const cfg *c, const char *ref) {
  for (size_t i = 0; i < c->ncontacts; i++) {
    const cfg_contact *ct = &c->contacts[i];
    if ((ct->key && strcmp(ct->key, ref) == 0) || (ct->alias && strcmp(ct->alias, ref) == 0))
      return ct;
  }
  return NULL;
}

/* Resolves a contact reference to an alias and type (0 when unknown). */
static const char *resolve_contact(cfg *c, const char *ref, int *type) {
  *type = 0;
  if (!ref) return NULL;
  const cfg_contact *ct = doc_contact(c, ref);
  if (!ct) ct = doc_contact(c, arn_tail(ref, ":contact/"));
  if (ct) {
    *type = ct->type;
    return ct->alias;
  }
  const char *alias = arn_tail(ref, ":contact/");
  const sr_contact *ec = sr_contact_find(c->e, alias, NULL);
  if (ec) {
    *type = ec->type;
    return ec->alias;
  }
  return NULL;
}

/* Resolves a channel reference within contact alias to the channel's name. */
static const char *resolve_channel(cfg *c, const char *alias, const char *ref) {
  if (!ref) return NULL;
  const char *tail = ref;
  if (strncmp(ref, "arn:", 4) == 0) {
    const char *p = strstr(ref, ":contact-channel/");
    if (p) {
      const char *slash = strchr(p + 17, '/');
      tail = slash ? slash + 1 : p + 17;
    }
  }
  for (size_t i = 0; i < c->nchannels; i++) {
    const cfg_channel *ch = &c->channels[i];
    if (!ch->alias || strcmp(ch->alias, alias) != 0 || !ch->name) continue;
    if ((ch->key && (strcmp(ch->key, ref) == 0 || strcmp(ch->key, tail) == 0 ||
                     strcmp(arn_tail(ch->key, "/"), tail) == 0)) ||
        strcmp(ch->name, ref) == 0 || strcmp(ch->name, tail) == 0)
      return ch->name;
  }
  /* An existing channel of an existing contact. */
  sr_contact *ec = sr_contact_find(c->e, alias, NULL);
  if (ec) {
    sr_channel *ech = sr_channel_find(c->e, ec, tail, NULL);
    if (ech) return ech->name;
  }
  return NULL;
}

static void check_contacts(cfg *c) {
  for (size_t i = 0; i < c->ncontacts; i++) {
    cfg_contact *ct = &c->contacts[i];
    if (!ct->alias) {
      problem(c, 1, ct->path, "Alias is missing");
      continue;
    }
    if (!sr_valid_alias(ct->alias))
      problem(c, 1, ct->path, "Alias \"%s\" must be 1-255 characters of [a-z0-9_-]", ct->alias);
    if (ct->display && strlen(ct->display) > SR_MAX_NAME)
      problem(c, 1, ct->path, "DisplayName longer than 255 bytes");
    if (ct->type == 0)
      problem(c, 1, ct->path, "Type is missing (PERSONAL or ESCALATION)");
    else if (ct->type == -1)
      problem(c, 1, ct->path, "Type ONCALL_SCHEDULE: on-call schedules are not supported yet");
    else if (ct->type < 0)
      problem(c, 1, ct->path, "Type must be PERSONAL or ESCALATION");
    if (sr_contact_find(c->e, ct->alias, NULL))
      problem(c, 1, ct->path, "contact \"%s\" already exists", ct->alias);
    for (size_t j = 0; j < i; j++)
      if (c->contacts[j].alias && strcmp(c->contacts[j].alias, ct->alias) == 0) {
        problem(c, 1, ct->path, "contact \"%s\" is defined twice (also at %s)", ct->alias, c->contacts[j].path);
        break;
      }
  }
}

static void check_channels(cfg *c) {
  for (size_t i = 0; i < c->nchannels; i++) {
    cfg_channel *ch = &c->channels[i];
    int type = 0;
    ch->alias = resolve_contact(c, ch->contact, &type);
    if (!ch->contact || !*ch->contact) {
      if (!ch->contact) problem(c, 1, ch->path, "ContactId is missing");
    } else if (!ch->alias) {
      problem(c, 1, ch->path, "unknown contact \"%s\"", ch->contact);
    } else if (type != SIREN_CONTACT_PERSONAL && type > 0) {
      problem(c, 1, ch->path, "contact \"%s\" is not PERSONAL: only personal contacts have channels", ch->alias);
    }
    if (!ch->name || !*ch->name || strlen(ch->name) > SR_MAX_NAME) {
      problem(c, 1, ch->path, "Name must be 1-255 bytes");
      continue;
    }
    if (!ch->type || !sr_valid_type_name(ch->type)) {
      problem(c, 1, ch->path, "Type must be EMAIL, SMS, VOICE or a name of [A-Za-z0-9_-]");
      continue;
    }
    uint8_t kind = sr_kind_of(ch->type);
    if (!ch->address || !sr_valid_address(kind, ch->address))
      problem(c, 1, ch->path, "address \"%s\": %s", ch->address ? ch->address : "", sr_address_rule(kind));
    for (size_t j = 0; j < i; j++) {
      const cfg_channel *o = &c->channels[j];
      if (ch->alias && o->alias && o->name && strcmp(o->alias, ch->alias) == 0 && strcmp(o->name, ch->name) == 0) {
        problem(c, 1, ch->path, "contact \"%s\" has two channels named \"%s\"", ch->alias, ch->name);
        break;
      }
    }
    sr_contact *ec = ch->alias ? sr_contact_find(c->e, ch->alias, NULL) : NULL;
    if (ec && sr_channel_find(c->e, ec, ch->name, NULL))
      problem(c, 1, ch->path, "contact \"%s\" already has a channel \"%s\"", ch->alias, ch->name);
  }
}

static void check_plans(cfg *c) {
  char path[400];
  for (size_t i = 0; i < c->nplans; i++) {
    cfg_plan *p = &c->plans[i];
    p->alias = resolve_contact(c, p->contact, &p->type);
    if (!p->alias) {
      problem(c, 1, p->path, "unknown contact \"%s\"", p->contact ? p->contact : "");
      continue;
    }
    for (size_t j = 0; j < i; j++)
      if (c->plans[j].alias && strcmp(c->plans[j].alias, p->alias) == 0) {
        problem(c, 1, p->path, "contact \"%s\" has a second plan (also at %s)", p->alias, c->plans[j].path);
        break;
      }
    if (p->type <= 0) continue;
    if (p->repeat) {
      int64_t v = int_of(p->repeat);
      if (v < 0 || v > SR_MAX_REPEAT) problem(c, 1, p->path, "RepeatCount must be 0-%d", SR_MAX_REPEAT);
    }
    if (p->stages->count > SR_MAX_STAGES) problem(c, 1, p->path, "at most %d stages", SR_MAX_STAGES);
    for (size_t s = 0; s < p->stages->count; s++) {
      const sr_doc_node *st = p->stages->items[s];
      snprintf(path, sizeof path, "%s[%zu]", p->path, s);
      if (st->kind != SR_DOC_MAP) {
        problem(c, 1, path, "expected a mapping for a stage");
        continue;
      }
      int64_t dur = int_of(get(st, "DurationInMinutes"));
      const sr_doc_node *targets = get(st, "Targets");
      size_t nt = targets && targets->kind == SR_DOC_SEQ ? targets->count : 0;
      if (targets && targets->kind != SR_DOC_SEQ && targets->kind != SR_DOC_NULL)
        problem(c, 1, path, "Targets must be a list");
      if (dur < 0 || dur > (int64_t)c->e->opts.max_stage_minutes)
        problem(c, 1, path, "DurationInMinutes must be 0-%u", c->e->opts.max_stage_minutes);
      else if (dur == 0 && nt == 0)
        problem(c, 1, path, "a stage of 0 minutes needs a target");
      if (nt > SR_MAX_TARGETS) problem(c, 1, path, "at most %d targets", SR_MAX_TARGETS);
      for (size_t t = 0; t < nt; t++) {
        const sr_doc_node *tg = targets->items[t];
        char tpath[460];
        snprintf(tpath, sizeof tpath, "%s.Targets[%zu]", path, t);
        const sr_doc_node *chi = get(tg, "ChannelTargetInfo"), *coi = get(tg, "ContactTargetInfo");
        if (p->type == SIREN_CONTACT_PERSONAL) {
          if (!chi) {
            problem(c, 1, tpath, "a PERSONAL plan's targets need ChannelTargetInfo");
            continue;
          }
          const char *ref = str_of(get(chi, "ContactChannelId"));
          if (!ref) ref = str_of(get(chi, "ChannelId"));
          if (!resolve_channel(c, p->alias, ref))
            problem(c, 1, tpath, "unknown channel \"%s\" of \"%s\"", ref ? ref : "", p->alias);
          int64_t retry = int_of(get(chi, "RetryIntervalInMinutes"));
          if (retry < -1 || retry > 60) problem(c, 1, tpath, "RetryIntervalInMinutes must be 0-60");
        } else {
          if (!coi) {
            problem(c, 1, tpath, "an ESCALATION plan's targets need ContactTargetInfo");
            continue;
          }
          const char *ref = str_of(get(coi, "ContactId"));
          int type;
          const char *alias = resolve_contact(c, ref, &type);
          if (!alias)
            problem(c, 1, tpath, "unknown contact \"%s\"", ref ? ref : "");
          else if (strcmp(alias, p->alias) == 0)
            problem(c, 1, tpath, "\"%s\" targets itself", alias);
        }
      }
    }
  }
}

/* Cycles among the document's escalation plans (existing contacts cannot
 * target new ones, so no cycle can pass through them). */
static int plan_reaches(cfg *c, const char *from, const char *to, int depth) {
  if (strcmp(from, to) == 0) return 1;
  if (depth > SR_MAX_STAGES) return 1;
  for (size_t i = 0; i < c->nplans; i++) {
    const cfg_plan *p = &c->plans[i];
    if (!p->alias || strcmp(p->alias, from) != 0 || p->type != SIREN_CONTACT_ESCALATION) continue;
    for (size_t s = 0; s < p->stages->count; s++) {
      const sr_doc_node *targets = get(p->stages->items[s], "Targets");
      for (size_t t = 0; targets && targets->kind == SR_DOC_SEQ && t < targets->count; t++) {
        int type;
        const char *alias = resolve_contact(c, str_of(get(get(targets->items[t], "ContactTargetInfo"), "ContactId")), &type);
        if (alias && strcmp(alias, from) != 0 && plan_reaches(c, alias, to, depth + 1)) return 1;
      }
    }
  }
  return 0;
}

static void check_cycles(cfg *c) {
  for (size_t i = 0; i < c->nplans; i++) {
    const cfg_plan *p = &c->plans[i];
    if (!p->alias || p->type != SIREN_CONTACT_ESCALATION) continue;
    for (size_t s = 0; s < p->stages->count; s++) {
      const sr_doc_node *targets = get(p->stages->items[s], "Targets");
      for (size_t t = 0; targets && targets->kind == SR_DOC_SEQ && t < targets->count; t++) {
        int type;
        const char *alias = resolve_contact(c, str_of(get(get(targets->items[t], "ContactTargetInfo"), "ContactId")), &type);
        if (alias && strcmp(alias, p->alias) != 0 && plan_reaches(c, alias, p->alias, 0)) {
          problem(c, 1, p->path, "\"%s\" leads back to \"%s\" (a cycle)", alias, p->alias);
          return;
        }
      }
    }
  }
}

/* ------------------------------------------------------------------- apply */

static int apply_plan(cfg *c, const cfg_plan *p) {
  siren_engine *e = c->e;
  size_t ns = p->stages->count, total = 0;
  for (size_t s = 0; s < ns; s++) {
    const sr_doc_node *tg = get(p->stages->items[s], "Targets");
    total += tg && tg->kind == SR_DOC_SEQ ? tg->count : 0;
  }
  siren_stage *stages = sr_calloc(&e->mem, ns ? ns : 1, sizeof *stages);
  siren_target *targets = sr_calloc(&e->mem, total ? total : 1, sizeof *targets);
  int rc = SIREN_ENOMEM;
  if (stages && targets) {
    size_t k = 0;
    for (size_t s = 0; s < ns; s++) {
      const sr_doc_node *st = p->stages->items[s];
      const sr_doc_node *tg = get(st, "Targets");
      siren_stage_init(&stages[s], SIREN_STAGE_VERSION);
      stages[s].duration_minutes = (uint32_t)int_of(get(st, "DurationInMinutes"));
      stages[s].flags = truthy(get(st, "AllEssential")) ? SIREN_STAGE_ALL_ESSENTIAL : 0;
      stages[s].targets = &targets[k];
      for (size_t t = 0; tg && tg->kind == SR_DOC_SEQ && t < tg->count; t++, k++) {
        siren_target *x = &targets[k];
        siren_target_init(x, SIREN_TARGET_VERSION);
        stages[s].target_count++;
        if (p->type == SIREN_CONTACT_PERSONAL) {
          const sr_doc_node *chi = get(tg->items[t], "ChannelTargetInfo");
          const char *ref = str_of(get(chi, "ContactChannelId"));
          if (!ref) ref = str_of(get(chi, "ChannelId"));
          x->channel = resolve_channel(c, p->alias, ref);
          int64_t retry = int_of(get(chi, "RetryIntervalInMinutes"));
          x->retry_interval_minutes = retry > 0 ? (uint32_t)retry : 0;
        } else {
          const sr_doc_node *coi = get(tg->items[t], "ContactTargetInfo");
          int type;
          x->contact = resolve_contact(c, str_of(get(coi, "ContactId")), &type);
          x->essential = truthy(get(coi, "IsEssential"));
        }
      }
    }
    siren_plan plan;
    siren_plan_init(&plan, SIREN_PLAN_VERSION);
    plan.stage_count = ns;
    plan.stages = stages;
    plan.repeat_count = p->repeat ? (uint32_t)int_of(p->repeat) : 0;
    rc = siren_contact_set_plan(e, p->alias, &plan);
  }
  sr_free(&e->mem, stages);
  sr_free(&e->mem, targets);
  return rc;
}

static int apply(cfg *c, siren_config_result *res, size_t *created) {
  siren_engine *e = c->e;
  int rc = SIREN_OK;
  *created = 0;
  for (size_t i = 0; i < c->ncontacts && !rc; i++) {
    rc = siren_contact_create(e, c->contacts[i].alias, c->contacts[i].display,
                              (siren_contact_type)c->contacts[i].type);
    if (!rc) (*created)++;
  }
  res->contacts = (uint32_t)*created;
  for (size_t i = 0; i < c->nchannels && !rc; i++) {
    const cfg_channel *ch = &c->channels[i];
    rc = siren_channel_create(e, ch->alias, ch->name, ch->type, ch->address,
                              ch->activated ? SIREN_CHANNEL_ACTIVATED : 0);
    /* A failed activation-code notify leaves the channel created. */
    if (rc == SIREN_ECALLBACK && sr_channel_find(e, sr_contact_find(e, ch->alias, NULL), ch->name, NULL))
      rc = SIREN_OK;
    if (!rc) res->channels++;
  }
  for (size_t i = 0; i < c->nplans && !rc; i++) {
    rc = apply_plan(c, &c->plans[i]);
    if (!rc) res->plans++;
  }
  return rc;
}

static void rollback(cfg *c, size_t created) {
  /* Undo in reverse: empty the new contacts' plans (so none is a target),
   * then delete them. Best effort: the failure that got us here may repeat. */
  siren_plan empty;
  siren_plan_init(&empty, SIREN_PLAN_VERSION);
  for (size_t i = created; i-- > 0;) (void)siren_contact_set_plan(c->e, c->contacts[i].alias, &empty);
  for (size_t i = created; i-- > 0;) (void)siren_contact_delete(c->e, c->contacts[i].alias);
}

SIREN_EXTERN const char *siren_config_problems(const siren_engine *e) {
  return e && e->problems ? e->problems : "";
}

SIREN_EXTERN int siren_config_load(siren_config_result *result, siren_engine *e, const char *text,
                                   size_t length) {
  siren_config_result local;
  siren_config_result_init(&local, SIREN_CONFIG_RESULT_VERSION);
  if (!e || (!text && length)) return SIREN_EINVAL;
  if (result && (result->version == 0 || result->version > SIREN_CONFIG_RESULT_VERSION))
    return SIREN_EVERSION;
  int rc = sr_query(e);
  if (rc) return rc;
  e->problems_len = 0;
  if (e->problems) e->problems[0] = '\0';

  cfg c;
  memset(&c, 0, sizeof c);
  c.e = e;
  sr_doc *doc = NULL;
  sr_doc_error derr;
  memset(&derr, 0, sizeof derr);
  rc = sr_doc_parse(&doc, &e->mem, text ? text : "", length, NULL, &derr);
  if (rc == SIREN_ENOMEM) return sr_err(e, rc, "out of memory");
  if (rc) {
    char line[260];
    snprintf(line, sizeof line, "%u:%u: %s", derr.line, derr.col, derr.msg);
    problem(&c, 1, "", "%s", line);
    local.errors = 1;
    if (result) *result = local;
    return sr_err(e, SIREN_EINVAL, "%s", line);
  }
  const sr_doc_node *root = sr_doc_root(doc);
  if (root->kind != SR_DOC_MAP) {
    problem(&c, 1, "", "the document must be a mapping");
  } else {
    const sr_doc_node *n;
    if ((n = get(root, "contacts"))) collect_list(&c, n, "contacts", one_contact);
    if ((n = get(root, "contactChannels"))) collect_list(&c, n, "contactChannels", one_channel);
    if ((n = get(root, "Resources"))) collect_cfn(&c, n);
    static const char *later[] = {"responsePlans", "rotations", "runbooks"};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
      if ((n = get(root, later[i])) && !(n->kind == SR_DOC_SEQ && n->count == 0))
        problem(&c, 0, later[i], "not supported yet (%zu definition%s skipped)",
                n->kind == SR_DOC_SEQ ? n->count : (size_t)1,
                n->kind == SR_DOC_SEQ && n->count == 1 ? "" : "s");
  }
  if (!c.nomem) check_contacts(&c);
  if (!c.nomem) check_channels(&c);
  if (!c.nomem) check_plans(&c);
  if (!c.nomem && !c.errors) check_cycles(&c);
  local.errors = c.errors;
  local.unsupported = c.unsupported;
  if (c.nomem) {
    rc = sr_err(e, SIREN_ENOMEM, "out of memory");
  } else if (c.errors) {
    rc = sr_err(e, SIREN_EINVAL, "%u problem%s in the configuration (see siren_config_problems)", c.errors,
                c.errors == 1 ? "" : "s");
  } else {
    size_t created = 0;
    rc = apply(&c, &local, &created);
    if (rc) {
      char why[600];
      snprintf(why, sizeof why, "%s", siren_errmsg(e));
      rollback(&c, created);
      problem(&c, 1, "", "loading stopped part-way (%s: %s); what was created was removed", siren_strerror(rc), why);
      local.errors = c.errors;
      local.contacts = local.channels = local.plans = 0;
      sr_err(e, rc, "configuration not loaded: %s", why);
    }
  }
  sr_free(&e->mem, c.contacts);
  sr_free(&e->mem, c.channels);
  sr_free(&e->mem, c.plans);
  sr_doc_free(doc);
  if (result) *result = local;
  return rc;
}
