/*
 * AWS-shaped configuration import (siren_config_load).
 *
 * Three passes over one parsed document:
 *   1. collect: walk the known shapes (API lists, nested channels, a
 *      CloudFormation template) into flat lists of contacts, channels,
 *      plans, rotations, schedules and response plans, each remembering its
 *      path in the document;
 *   2. check: resolve every reference and apply every rule the commands
 *      would, against the engine and the document together, collecting every
 *      problem with its path;
 *   3. apply: only when nothing was wrong, create through the ordinary
 *      commands (so each creation is a record like any other), in the order
 *      the references need: contacts, channels, rotations (of personal
 *      contacts), schedules (of rotations), plans (which may target
 *      schedules), response plans (which engage contacts).
 *
 * A rotation's time zone is loaded through the host's load_zone in the check
 * pass, as siren_rotation_create() will load it, so that an unknown zone is a
 * problem with its path and a CloudFormation StartTime (a wall-clock time in
 * the rotation's zone) can be turned into an instant.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "internal.h"
#include "tz.h"
#include "util/civil.h"

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
  int skip;                   /* an ONCALL_SCHEDULE's empty Stages: nothing to set */
} cfg_plan;

/* A rotation: the check pass reads it into rot, whose arrays live in cfg's
 * shared arrays (contacts in strs); apply points rot at them from the
 * offsets. */
typedef struct cfg_rot {
  const sr_doc_node *n; /* an API list item, or a resource's Properties */
  const char *key;      /* CloudFormation logical id, or NULL */
  int cfn;
  char path[320];
  siren_rotation rot;
  size_t coff, hoff, voff;
} cfg_rot;

/* An ONCALL_SCHEDULE contact's rotations: src is a Plan mapping (API shape,
 * or an AWS::SSMContacts::Plan's Properties) holding RotationIds, or a
 * CloudFormation contact's Plan list whose stages hold them. */
typedef struct cfg_sched {
  const sr_doc_node *src;
  const char *contact; /* as written */
  char path[320];      /* of src */
  const char *alias;
  uint32_t flags;
  size_t off, count;   /* the rotations' names in strs */
  /* An existing contact's schedule before the load, restored on rollback. */
  const char *old[8];
  size_t nold;
  uint32_t old_flags;
} cfg_sched;

/* A response plan: the check pass reads it into plan, whose lists live in
 * cfg's shared arrays (which may still move while later plans are read);
 * apply points plan's arrays at them from the offsets in off[]. */
enum { RP_ITAGS, RP_TAGS, RP_TARGETS, RP_CHATS, RP_ENGS, RP_PARAMS, RP_WINS, RP_LISTS };

typedef struct cfg_rplan {
  const sr_doc_node *n; /* an API list item, or a resource's Properties */
  int cfn;              /* CloudFormation: paths spelled PascalCase */
  char path[320];
  siren_response_plan plan;
  size_t off[RP_LISTS];
} cfg_rplan;

typedef struct cfg {
  siren_engine *e;
  cfg_contact *contacts;
  size_t ncontacts, ccap;
  cfg_channel *channels;
  size_t nchannels, hcap;
  cfg_plan *plans;
  size_t nplans, pcap;
  cfg_rplan *rplans;
  size_t nrplans, rcap;
  /* The response plans' lists (see cfg_rplan). */
  siren_tag *tags;
  size_t ntags, tcap;
  const char **strs; /* chat channels, targets, engagements, parameter values */
  size_t nstrs, scap;
  siren_runbook_param *params;
  size_t nparams, mcap;
  size_t *pvals; /* where each parameter's values start in strs */
  size_t npvals, vcap;
  siren_window *wins;
  size_t nwins, wcap;
  cfg_rot *rots;
  size_t nrots, rotcap;
  cfg_sched *scheds;
  size_t nscheds, schcap;
  siren_handoff *hands;
  size_t nhands, handcap;
  siren_coverage *covs;
  size_t ncovs, covcap;
  uint32_t rplans_created, rots_created, scheds_set;
  uint32_t errors, unsupported;
  int nomem;
  int cbfail; /* a host callback (load_zone, clock) failed in the check pass */
} cfg;

/* ---------------------------------------------------------------- problems */

/* 0, or -1 when the text could not grow (the load must then fail with
 * SIREN_ENOMEM: a problem, or a warning, is never dropped silently). */
static int problem_text(siren_engine *e, const char *line) {
  size_t n = strlen(line);
  if (sr_grow(&e->mem, (void **)&e->problems, &e->problems_cap, e->problems_len + n + 2, 1))
    return -1;
  memcpy(e->problems + e->problems_len, line, n);
  e->problems_len += n;
  e->problems[e->problems_len++] = '\n';
  e->problems[e->problems_len] = '\0';
  return 0;
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
  if (problem_text(c->e, line)) c->nomem = 1;
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

/* The text a reference names: a plain, !Ref or !GetAtt scalar, {Ref: X},
 * {Fn::GetAtt: [X, Arn]}, {Fn::GetAtt: X.Arn} or !GetAtt [X, Arn] (a
 * trailing ".Arn" is for resolve_contact to read); NULL for anything else. */
static const char *ref_of(const sr_doc_node *n) {
  if (!n) return NULL;
  int getatt = n->tag && strcmp(n->tag, "!GetAtt") == 0;
  if (n->kind == SR_DOC_MAP && n->count == 1) {
    const sr_doc_node *v = sr_doc_get(n, "Ref");
    if (v) return str_of(v);
    if (!(v = sr_doc_get(n, "Fn::GetAtt"))) return NULL;
    n = v;
    getatt = 1;
  }
  if (n->kind == SR_DOC_SEQ) {
    if (!getatt || n->count != 2) return NULL;
    const char *attr = str_of(n->items[1]);
    return attr && strcmp(attr, "Arn") == 0 ? str_of(n->items[0]) : NULL;
  }
  return str_of(n);
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
  ch->contact = contact ? contact : ref_of(get(n, "ContactId"));
  if (!ch->contact) ch->contact = str_of(get(n, "ContactArn"));
  ch->name = str_of(get(n, cfn ? "ChannelName" : "Name"));
  ch->type = str_of(get(n, cfn ? "ChannelType" : "Type"));
  const sr_doc_node *addr = get(n, cfn ? "ChannelAddress" : "DeliveryAddress");
  ch->address = addr && addr->kind == SR_DOC_MAP ? str_of(get(addr, "SimpleAddress")) : str_of(addr);
  const char *status = str_of(get(n, "ActivationStatus"));
  ch->activated = status && strcmp(status, "ACTIVATED") == 0;
}

/* A node that is present and not null. */
static const sr_doc_node *given(const sr_doc_node *n) { return n && n->kind != SR_DOC_NULL ? n : NULL; }

/* 1 when a plan (a mapping, or a CloudFormation list of stages) names
 * rotations; with stages set, 1 when it has stages with targets or a
 * duration (what an ONCALL_SCHEDULE's plan must not have). */
static int plan_has(const sr_doc_node *plan, int stages) {
  if (plan->kind == SR_DOC_MAP) {
    const sr_doc_node *v = given(get(plan, stages ? "Stages" : "RotationIds"));
    return v && !(v->kind == SR_DOC_SEQ && v->count == 0);
  }
  for (size_t i = 0; plan->kind == SR_DOC_SEQ && i < plan->count; i++) {
    const sr_doc_node *st = plan->items[i];
    if (st->kind != SR_DOC_MAP) {
      if (stages) return 1;
      continue;
    }
    if (!stages && given(get(st, "RotationIds"))) return 1;
    const sr_doc_node *t = given(get(st, "Targets"));
    int64_t d = int_of(get(st, "DurationInMinutes"));
    if (stages && ((t && !(t->kind == SR_DOC_SEQ && t->count == 0)) || d > 0 || d == -2)) return 1;
  }
  return 0;
}

static void push_sched(cfg *c, const sr_doc_node *src, const char *contact, const char *path) {
  cfg_sched *sc;
  PUSH(c, scheds, nscheds, schcap, sc);
  snprintf(sc->path, sizeof sc->path, "%s", path);
  sc->src = src;
  sc->contact = contact;
}

/* A contact's Plan: {Stages, RepeatCount} / {RotationIds} (API) or a list of
 * stages (CloudFormation), by the contact's type (0 or less when it is not
 * known here: a problem already, or an AWS::SSMContacts::Plan resource). */
static void collect_plan(cfg *c, const sr_doc_node *plan, const char *contact, int type,
                         const char *path) {
  char sub[360];
  if (!plan || plan->kind == SR_DOC_NULL) return;
  if (plan->kind != SR_DOC_MAP && plan->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a mapping {Stages, RotationIds} or a list of stages");
    return;
  }
  int rotations = plan_has(plan, 0);
  if (type == SIREN_CONTACT_ONCALL_SCHEDULE) {
    if (plan_has(plan, 1))
      problem(c, 1, path, "an ONCALL_SCHEDULE contact's plan is its RotationIds: it has no stages, "
                          "targets or durations");
    if (rotations) push_sched(c, plan, contact, path);
    return;
  }
  if (rotations) {
    snprintf(sub, sizeof sub, "%s%s", path, plan->kind == SR_DOC_MAP ? ".RotationIds" : "");
    problem(c, 1, sub, "RotationIds belong to an ONCALL_SCHEDULE contact's plan");
  }
  cfg_plan *p;
  const sr_doc_node *stages = plan->kind == SR_DOC_SEQ ? plan : get(plan, "Stages");
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
             : strcmp(type, "ONCALL_SCHEDULE") == 0 ? SIREN_CONTACT_ONCALL_SCHEDULE
                                                    : -2;
  const char *alias = ct->alias;
  snprintf(sub, sizeof sub, "%s.Plan", path);
  collect_plan(c, get(n, "Plan"), alias ? alias : "", ct->type, sub);
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

static void collect_rplan(cfg *c, const sr_doc_node *n, const char *path, int cfn) {
  cfg_rplan *rp;
  PUSH(c, rplans, nrplans, rcap, rp);
  snprintf(rp->path, sizeof rp->path, "%s", path);
  rp->n = n;
  rp->cfn = cfn;
}

static void one_rplan(cfg *c, const sr_doc_node *n, const char *path) { collect_rplan(c, n, path, 0); }

static void collect_rot(cfg *c, const sr_doc_node *n, const char *key, const char *path, int cfn) {
  cfg_rot *ro;
  PUSH(c, rots, nrots, rotcap, ro);
  snprintf(ro->path, sizeof ro->path, "%s", path);
  ro->n = n;
  ro->key = key;
  ro->cfn = cfn;
}

static void one_rot(cfg *c, const sr_doc_node *n, const char *path) { collect_rot(c, n, NULL, path, 0); }

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
      const sr_doc_node *st = given(get(props, "Stages"));
      const char *contact = ref_of(get(props, "ContactId"));
      int rotations = props && props->kind == SR_DOC_MAP && plan_has(props, 0);
      if (rotations) push_sched(c, props, contact, path);
      if (st && st->kind == SR_DOC_SEQ && (st->count > 0 || !rotations)) {
        cfg_plan *p;
        PUSH(c, plans, nplans, pcap, p);
        snprintf(p->path, sizeof p->path, "%s", sub);
        p->contact = contact;
        p->stages = st;
      } else if (!rotations || st) {
        problem(c, 1, sub, rotations ? "expected a list of stages" : "expected a list of stages, or RotationIds");
      }
    } else if (strcmp(type, "AWS::SSMContacts::Rotation") == 0) {
      collect_rot(c, props, key, path, 1);
    } else if (strcmp(type, "AWS::SSMIncidents::ResponsePlan") == 0) {
      collect_rplan(c, props, path, 1);
    } else if (strncmp(type, "AWS::SSMContacts::", 18) == 0 ||
               strncmp(type, "AWS::SSMIncidents::", 19) == 0) {
      snprintf(path, sizeof path, "Resources.%s", key);
      problem(c, 0, path, "%s is not supported yet", type);
    }
    /* Other resource types belong to other services: not ours to report. */
  }
}

/* ------------------------------------------------------------------- check */

static int same(const char *s, const char *ref, size_t n) {
  return s && strncmp(s, ref, n) == 0 && s[n] == '\0';
}

/* The document's contact whose logical id or alias is ref[0..n). */
static const cfg_contact *doc_contact_n(const cfg *c, const char *ref, size_t n) {
  for (size_t i = 0; i < c->ncontacts; i++) {
    const cfg_contact *ct = &c->contacts[i];
    if (same(ct->key, ref, n) || same(ct->alias, ref, n)) return ct;
  }
  return NULL;
}

static const cfg_contact *doc_contact(const cfg *c, const char *ref) {
  return doc_contact_n(c, ref, strlen(ref));
}

/* Resolves a contact reference to an alias and type (0 when unknown). */
static const char *resolve_contact(cfg *c, const char *ref, int *type) {
  *type = 0;
  if (!ref) return NULL;
  const cfg_contact *ct = doc_contact(c, ref);
  if (!ct) ct = doc_contact(c, arn_tail(ref, ":contact/"));
  /* !GetAtt Contact.Arn */
  size_t n = strlen(ref);
  if (!ct && n > 4 && strcmp(ref + n - 4, ".Arn") == 0) ct = doc_contact_n(c, ref, n - 4);
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
  size_t n = strlen(ref);
  for (size_t i = 0; i < c->nchannels; i++) {
    const cfg_channel *ch = &c->channels[i];
    if (!ch->alias || strcmp(ch->alias, alias) != 0 || !ch->name) continue;
    if ((ch->key && (strcmp(ch->key, ref) == 0 || strcmp(ch->key, tail) == 0 ||
                     strcmp(arn_tail(ch->key, "/"), tail) == 0 ||
                     /* !GetAtt Channel.Arn */
                     (n > 4 && strcmp(ref + n - 4, ".Arn") == 0 && same(ch->key, ref, n - 4)))) ||
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
      problem(c, 1, ct->path, "Type is missing (PERSONAL, ESCALATION or ONCALL_SCHEDULE)");
    else if (ct->type < 0)
      problem(c, 1, ct->path, "Type must be PERSONAL, ESCALATION or ONCALL_SCHEDULE");
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
    if (p->type == SIREN_CONTACT_ONCALL_SCHEDULE) {
      /* Its plan is its rotations (a schedule entry of its own). */
      p->skip = 1;
      if (p->stages->count > 0 || int_of(p->repeat) > 0)
        problem(c, 1, p->path, "\"%s\" is an ONCALL_SCHEDULE contact: its plan is its RotationIds, "
                "not stages", p->alias);
      continue;
    }
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
          const char *ref = ref_of(get(chi, "ContactChannelId"));
          if (!ref) ref = ref_of(get(chi, "ChannelId"));
          if (!resolve_channel(c, p->alias, ref))
            problem(c, 1, tpath, "unknown channel \"%s\" of \"%s\"", ref ? ref : "", p->alias);
          int64_t retry = int_of(get(chi, "RetryIntervalInMinutes"));
          if (retry < -1 || retry > 60) problem(c, 1, tpath, "RetryIntervalInMinutes must be 0-60");
        } else {
          if (!coi) {
            problem(c, 1, tpath, "an ESCALATION plan's targets need ContactTargetInfo");
            continue;
          }
          const char *ref = ref_of(get(coi, "ContactId"));
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
        const char *alias = resolve_contact(c, ref_of(get(get(targets->items[t], "ContactTargetInfo"), "ContactId")), &type);
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
        const char *alias = resolve_contact(c, ref_of(get(get(targets->items[t], "ContactTargetInfo"), "ContactId")), &type);
        if (alias && strcmp(alias, p->alias) != 0 && plan_reaches(c, alias, p->alias, 0)) {
          problem(c, 1, p->path, "\"%s\" leads back to \"%s\" (a cycle)", alias, p->alias);
          return;
        }
      }
    }
  }
}

/* ---------------------------------------------------------- response plans */

/* Paths nest deeply here: one that does not fit ends in "...". */
static void pathf(char *out, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void pathf(char *out, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, cap, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n >= cap && cap > 4) memcpy(out + cap - 4, "...", 4);
}

/* A member's path: CloudFormation spells members as given (PascalCase), the
 * API in camelCase. */
static void member_path(char *out, size_t cap, const char *base, int cfn, const char *name) {
  pathf(out, cap, "%s.%c%s", base, cfn ? name[0] : (char)(name[0] | 0x20), name + 1);
}

static void item_path(char *out, size_t cap, const char *base, size_t i) {
  pathf(out, cap, "%s[%zu]", base, i);
}

/* A text member of at most max bytes; a required one has at least 1. */
static const char *text_member(cfg *c, const sr_doc_node *m, const char *base, int cfn,
                               const char *name, size_t max, int required) {
  char path[700];
  const sr_doc_node *v = get(m, name);
  member_path(path, sizeof path, base, cfn, name);
  if (!v || v->kind == SR_DOC_NULL) {
    if (required) problem(c, 1, path, "is required");
    return NULL;
  }
  const char *s = str_of(v);
  size_t n = s ? strlen(s) : 0;
  if (!s)
    problem(c, 1, path, "expected text, not a %s", sr_doc_kind_name(v->kind));
  else if (n > max || (required && n == 0))
    problem(c, 1, path, "must be %s%zu bytes", required ? "1-" : "at most ", max);
  return s;
}

/* Minutes of a siren extension, 0 (off) when absent. */
static uint32_t minutes_member(cfg *c, const sr_doc_node *m, const char *base, int cfn,
                               const char *name, uint32_t max) {
  char path[700];
  const sr_doc_node *v = get(m, name);
  if (!v || v->kind == SR_DOC_NULL) return 0;
  int64_t x = int_of(v);
  if (x < 0 || x > (int64_t)max) {
    member_path(path, sizeof path, base, cfn, name);
    problem(c, 1, path, "must be 0-%u minutes (0 = off)", max);
    return 0;
  }
  return (uint32_t)x;
}

static int valid_rplan_name(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 200) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return 0;
  return 1;
}

static void push_tag(cfg *c, size_t off, const char *key, const sr_doc_node *value,
                     const char *path) {
  siren_tag *t;
  const char *v = value && value->kind == SR_DOC_NULL ? "" : str_of(value);
  if (!key || !*key || strlen(key) > 128) problem(c, 1, path, "a tag key must be 1-128 bytes");
  if (!v || strlen(v) > 256) problem(c, 1, path, "a tag value must be text of at most 256 bytes");
  for (size_t i = off; key && i < c->ntags; i++)
    if (c->tags[i].key && strcmp(c->tags[i].key, key) == 0) {
      problem(c, 1, path, "tag \"%s\" given twice", key);
      break;
    }
  PUSH(c, tags, ntags, tcap, t);
  t->version = SIREN_TAG_VERSION;
  t->key = key;
  t->value = v;
}

/* Tags as the API writes them ({key: value}) or CloudFormation does
 * ([{Key, Value}]); either shape reads either. */
static void read_tags(cfg *c, const sr_doc_node *m, const char *base, int cfn, const char *name,
                      size_t *off, size_t *count) {
  char path[700], sub[800];
  const sr_doc_node *v = get(m, name);
  member_path(path, sizeof path, base, cfn, name);
  *off = c->ntags;
  if (v && v->kind == SR_DOC_MAP) {
    for (size_t i = 0; i < v->count; i++) {
      pathf(sub, sizeof sub, "%s.%s", path, v->pairs[i].key->str);
      push_tag(c, *off, v->pairs[i].key->str, v->pairs[i].value, sub);
    }
  } else if (v && v->kind == SR_DOC_SEQ) {
    for (size_t i = 0; i < v->count; i++) {
      const sr_doc_node *t = v->items[i];
      item_path(sub, sizeof sub, path, i);
      if (t->kind != SR_DOC_MAP)
        problem(c, 1, sub, "expected a mapping {Key, Value}");
      else
        push_tag(c, *off, str_of(get(t, "Key")), get(t, "Value"), sub);
    }
  } else if (v && v->kind != SR_DOC_NULL) {
    problem(c, 1, path, "expected a mapping of key: value or a list of {Key, Value}");
  }
  *count = c->ntags - *off;
  if (*count > 50) problem(c, 1, path, "at most 50 tags");
}

/* A list of ids (1-1000 bytes each): each item itself, or its member. */
static void read_ids(cfg *c, const sr_doc_node *v, const char *path, int cfn, const char *member,
                     size_t max_items, size_t *off, size_t *count) {
  char sub[800], msub[900];
  *off = c->nstrs;
  *count = 0;
  if (!v || v->kind == SR_DOC_NULL) return;
  if (v->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a list");
    return;
  }
  if (v->count > max_items) problem(c, 1, path, "at most %zu items", max_items);
  for (size_t i = 0; i < v->count; i++) {
    const sr_doc_node *it = v->items[i];
    const char *where = sub;
    item_path(sub, sizeof sub, path, i);
    if (member) {
      if (it->kind != SR_DOC_MAP) {
        problem(c, 1, sub, "expected a mapping");
        continue;
      }
      member_path(msub, sizeof msub, sub, cfn, member);
      where = msub;
      if (!(it = get(it, member))) {
        problem(c, 1, where, "is required");
        continue;
      }
    }
    const char *s = str_of(it);
    if (!s || !*s || strlen(s) > 1000) {
      problem(c, 1, where, "must be text of 1-1000 bytes");
      continue;
    }
    const char **slot;
    PUSH(c, strs, nstrs, scap, slot);
    *slot = s;
  }
  *count = c->nstrs - *off;
}

/* Engagements: contact references (aliases, ARNs, logical ids, Ref, GetAtt). */
static void read_engagements(cfg *c, const sr_doc_node *v, const char *path, size_t *off,
                             size_t *count) {
  char sub[800];
  *off = c->nstrs;
  *count = 0;
  if (!v || v->kind == SR_DOC_NULL) return;
  if (v->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a list of contacts");
    return;
  }
  if (v->count > 5) problem(c, 1, path, "at most 5 contacts");
  for (size_t i = 0; i < v->count; i++) {
    int type;
    const char *ref = ref_of(v->items[i]), *alias = resolve_contact(c, ref, &type);
    item_path(sub, sizeof sub, path, i);
    if (!ref) {
      problem(c, 1, sub, "expected a contact alias, ARN or reference");
      continue;
    }
    if (!alias) {
      problem(c, 1, sub, "unknown contact \"%s\"", ref);
      continue;
    }
    for (size_t j = *off; j < c->nstrs; j++)
      if (strcmp(c->strs[j], alias) == 0) {
        problem(c, 1, sub, "contact \"%s\" is engaged twice", alias);
        break;
      }
    const char **slot;
    PUSH(c, strs, nstrs, scap, slot);
    *slot = alias;
  }
  *count = c->nstrs - *off;
}

/* One runbook parameter: values (a list of text) or, when dynamic, a
 * variable. path names the parameter, vpath its values or variable. */
static void push_param(cfg *c, size_t off, const char *name, const char *path, int dynamic,
                       const sr_doc_node *values, const char *vpath) {
  char sub[1000];
  siren_runbook_param *pm;
  size_t *pv;
  if (!name || !*name || strlen(name) > 50) problem(c, 1, path, "a parameter name must be 1-50 bytes");
  for (size_t i = off; name && i < c->nparams; i++)
    if (c->params[i].name && strcmp(c->params[i].name, name) == 0) {
      problem(c, 1, path, "parameter \"%s\" given twice", name);
      break;
    }
  PUSH(c, params, nparams, mcap, pm);
  PUSH(c, pvals, npvals, vcap, pv);
  pm->version = SIREN_RUNBOOK_PARAM_VERSION;
  pm->name = name;
  *pv = c->nstrs;
  if (dynamic) {
    const char *var = str_of(values);
    pm->dynamic = !var                                       ? SIREN_DYNAMIC_NONE
                  : strcmp(var, "INCIDENT_RECORD_ARN") == 0 ? SIREN_DYNAMIC_INCIDENT_RECORD_ARN
                  : strcmp(var, "INVOLVED_RESOURCES") == 0  ? SIREN_DYNAMIC_INVOLVED_RESOURCES
                                                            : SIREN_DYNAMIC_NONE;
    if (pm->dynamic == SIREN_DYNAMIC_NONE)
      problem(c, 1, vpath, "must be INCIDENT_RECORD_ARN or INVOLVED_RESOURCES");
    return;
  }
  if (!values || values->kind != SR_DOC_SEQ) {
    problem(c, 1, vpath, "expected a list of values");
    return;
  }
  if (values->count > 10) problem(c, 1, vpath, "at most 10 values");
  for (size_t i = 0; i < values->count; i++) {
    const char *s = str_of(values->items[i]);
    if (!s || !*s || strlen(s) > 10000) {
      item_path(sub, sizeof sub, vpath, i);
      problem(c, 1, sub, "a value must be text of 1-10000 bytes");
      continue;
    }
    const char **slot;
    PUSH(c, strs, nstrs, scap, slot);
    *slot = s;
  }
  /* pm is still in place: only strs grew. */
  pm->value_count = c->nstrs - *pv;
}

/* Parameters ({name: [values]} or [{Key, Values}]) and DynamicParameters
 * ({name: {variable}} or [{Key, Value: {Variable}}]) of an SsmAutomation. */
static void read_params(cfg *c, const sr_doc_node *ssm, const char *base, int cfn) {
  char path[800], sub[900], vsub[1000], vpath[1100];
  size_t off = c->nparams;
  for (int dyn = 0; dyn < 2; dyn++) {
    const char *member = dyn ? "DynamicParameters" : "Parameters";
    const sr_doc_node *v = get(ssm, member);
    member_path(path, sizeof path, base, cfn, member);
    if (!v || v->kind == SR_DOC_NULL) continue;
    if (v->kind == SR_DOC_MAP) {
      for (size_t i = 0; i < v->count; i++) {
        const char *name = v->pairs[i].key->str;
        const sr_doc_node *val = v->pairs[i].value;
        pathf(sub, sizeof sub, "%s.%s", path, name);
        if (dyn) {
          member_path(vpath, sizeof vpath, sub, cfn, "Variable");
          val = get(val, "Variable");
        } else {
          pathf(vpath, sizeof vpath, "%s", sub);
        }
        push_param(c, off, name, sub, dyn, val, vpath);
      }
    } else if (v->kind == SR_DOC_SEQ) {
      for (size_t i = 0; i < v->count; i++) {
        const sr_doc_node *it = v->items[i];
        item_path(sub, sizeof sub, path, i);
        if (it->kind != SR_DOC_MAP) {
          problem(c, 1, sub, dyn ? "expected a mapping {Key, Value: {Variable}}" : "expected a mapping {Key, Values}");
          continue;
        }
        if (dyn) {
          member_path(vsub, sizeof vsub, sub, cfn, "Value");
          member_path(vpath, sizeof vpath, vsub, cfn, "Variable");
        } else {
          member_path(vpath, sizeof vpath, sub, cfn, "Values");
        }
        push_param(c, off, str_of(get(it, "Key")), sub, dyn,
                   dyn ? get(get(it, "Value"), "Variable") : get(it, "Values"), vpath);
      }
    } else {
      problem(c, 1, path,
              dyn ? "expected a mapping of name: {variable} or a list of {Key, Value}"
                  : "expected a mapping of name: [values] or a list of {Key, Values}");
    }
  }
  if (c->nparams - off > 200) problem(c, 1, base, "at most 200 parameters");
}

/* Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or +00:00),
 * from 1970 on; -1 when s is not one. */
static int64_t iso_ms(const char *s) {
  static const char sep[5] = {'-', '-', 'T', ':', ':'};
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t f[6], ms = 0;
  const char *p = s;
  for (int i = 0; i < 6; i++) {
    f[i] = 0;
    for (int k = 0; k < (i ? 2 : 4); k++, p++) {
      if (*p < '0' || *p > '9') return -1;
      f[i] = f[i] * 10 + (*p - '0');
    }
    if (i < 5 && *p++ != sep[i]) return -1;
  }
  if (*p == '.') {
    int n = 0;
    for (p++; *p >= '0' && *p <= '9'; p++, n++)
      if (n < 3) ms = ms * 10 + (*p - '0');
    if (n == 0) return -1;
    for (; n < 3; n++) ms *= 10;
  }
  if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0) return -1;
  int64_t y = f[0], mo = f[1], d = f[2];
  int leap = sr_is_leap(y);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || f[3] > 23 ||
      f[4] > 59 || f[5] > 59)
    return -1;
  return ((sr_days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + f[3]) * 60 + f[4]) * SR_MINUTE_MS +
         f[5] * 1000 + ms;
}

/* A time: an ISO-8601 UTC string or integer milliseconds; -1 when neither. */
static int64_t time_of(const sr_doc_node *n) {
  if (!n) return -1;
  if (n->kind == SR_DOC_INT) return n->i >= 0 ? n->i : -1;
  return n->kind == SR_DOC_STRING ? iso_ms(n->str) : -1;
}

static void read_windows(cfg *c, const sr_doc_node *v, const char *path, int cfn, size_t *off,
                         size_t *count) {
  char sub[800], tp[900];
  *off = c->nwins;
  *count = 0;
  if (!v || v->kind == SR_DOC_NULL) return;
  if (v->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a list of {start, end}");
    return;
  }
  if (v->count > 16) problem(c, 1, path, "at most 16 windows");
  for (size_t i = 0; i < v->count; i++) {
    const sr_doc_node *it = v->items[i];
    int64_t t[2];
    item_path(sub, sizeof sub, path, i);
    if (it->kind != SR_DOC_MAP) {
      problem(c, 1, sub, "expected a mapping {start, end}");
      continue;
    }
    for (int k = 0; k < 2; k++) {
      const char *member = k ? "End" : "Start";
      t[k] = time_of(get(it, member));
      member_path(tp, sizeof tp, sub, cfn, member);
      if (t[k] < 0)
        problem(c, 1, tp, "expected a UTC time such as 2026-01-05T09:00:00Z, or milliseconds since the epoch");
    }
    if (t[0] < 0 || t[1] < 0) continue;
    if (t[0] >= t[1]) {
      problem(c, 1, sub, "start must be before end");
      continue;
    }
    siren_window *w;
    PUSH(c, wins, nwins, wcap, w);
    w->version = SIREN_WINDOW_VERSION;
    w->start = t[0];
    w->end = t[1];
  }
  *count = c->nwins - *off;
}

static void check_rplan(cfg *c, size_t idx) {
  cfg_rplan *rp = &c->rplans[idx]; /* rplans no longer grows */
  siren_response_plan *pl = &rp->plan;
  const sr_doc_node *n = rp->n, *v;
  const char *base = rp->path;
  int cfn = rp->cfn;
  char path[700], sub[800];
  pl->version = SIREN_RESPONSE_PLAN_VERSION;
  if (!n || n->kind != SR_DOC_MAP) {
    problem(c, 1, base, "expected a mapping for a response plan");
    return;
  }

  member_path(path, sizeof path, base, cfn, "Name");
  v = get(n, "Name");
  pl->name = str_of(v);
  if (!v || v->kind == SR_DOC_NULL) {
    problem(c, 1, path, "is required");
  } else if (!pl->name || !valid_rplan_name(pl->name)) {
    problem(c, 1, path, "\"%s\" must be 1-200 characters of [A-Za-z0-9_-]", pl->name ? pl->name : "");
    pl->name = NULL;
  } else {
    siren_response_plan old;
    for (size_t j = 0; j < idx; j++)
      if (c->rplans[j].plan.name && strcmp(c->rplans[j].plan.name, pl->name) == 0) {
        problem(c, 1, path, "response plan \"%s\" is defined twice (also at %s)", pl->name, c->rplans[j].path);
        break;
      }
    memset(&old, 0, sizeof old);
    old.version = SIREN_RESPONSE_PLAN_VERSION;
    if (siren_response_plan_get(&old, c->e, pl->name) == SIREN_OK)
      problem(c, 1, path, "response plan \"%s\" already exists", pl->name);
  }
  pl->display_name = text_member(c, n, base, cfn, "DisplayName", 200, 0);

  const sr_doc_node *tpl = get(n, "IncidentTemplate");
  member_path(path, sizeof path, base, cfn, "IncidentTemplate");
  rp->off[RP_ITAGS] = c->ntags;
  rp->off[RP_TARGETS] = c->nstrs;
  if (!tpl || tpl->kind == SR_DOC_NULL) {
    problem(c, 1, path, "is required");
  } else if (tpl->kind != SR_DOC_MAP) {
    problem(c, 1, path, "expected a mapping");
  } else {
    pl->title = text_member(c, tpl, path, cfn, "Title", 200, 1);
    v = get(tpl, "Impact");
    member_path(sub, sizeof sub, path, cfn, "Impact");
    int64_t impact = int_of(v);
    if (!v || v->kind == SR_DOC_NULL)
      problem(c, 1, sub, "is required (1-5)");
    else if (impact < 1 || impact > 5)
      problem(c, 1, sub, "must be 1-5");
    else
      pl->impact = (int)impact;
    pl->summary = text_member(c, tpl, path, cfn, "Summary", 4000, 0);
    pl->dedupe_string = text_member(c, tpl, path, cfn, "DedupeString", 1000, 0);
    read_tags(c, tpl, path, cfn, "IncidentTags", &rp->off[RP_ITAGS], &pl->incident_tag_count);
    member_path(sub, sizeof sub, path, cfn, "NotificationTargets");
    read_ids(c, get(tpl, "NotificationTargets"), sub, cfn, "SnsTopicArn", 10, &rp->off[RP_TARGETS],
             &pl->notification_target_count);
  }

  v = get(n, "ChatChannel");
  member_path(path, sizeof path, base, cfn, "ChatChannel");
  rp->off[RP_CHATS] = c->nstrs;
  if (v && v->kind == SR_DOC_MAP) {
    const sr_doc_node *sns = get(v, "ChatbotSns");
    if (sns && get(v, "Empty")) problem(c, 1, path, "a chat channel is either SNS topics or empty, not both");
    member_path(sub, sizeof sub, path, cfn, "ChatbotSns");
    read_ids(c, sns, sub, cfn, NULL, 5, &rp->off[RP_CHATS], &pl->chat_channel_count);
  } else if (v && v->kind != SR_DOC_NULL) {
    problem(c, 1, path, "expected a mapping");
  }

  member_path(path, sizeof path, base, cfn, "Engagements");
  read_engagements(c, get(n, "Engagements"), path, &rp->off[RP_ENGS], &pl->engagement_count);

  v = get(n, "Actions");
  member_path(path, sizeof path, base, cfn, "Actions");
  rp->off[RP_PARAMS] = c->nparams;
  if (v && v->kind == SR_DOC_SEQ) {
    if (v->count > 1) problem(c, 1, path, "at most 1 action");
    if (v->count > 0) {
      char ap[900];
      item_path(sub, sizeof sub, path, 0);
      member_path(ap, sizeof ap, sub, cfn, "SsmAutomation");
      const sr_doc_node *ssm = get(v->items[0], "SsmAutomation");
      if (!ssm || ssm->kind != SR_DOC_MAP) {
        problem(c, 1, ap, ssm ? "expected a mapping" : "is required (the only kind of action)");
      } else {
        pl->runbook = text_member(c, ssm, ap, cfn, "DocumentName", 128, 1);
        /* Read and checked, not kept: siren does not run the runbook itself. */
        (void)text_member(c, ssm, ap, cfn, "DocumentVersion", 128, 0);
        (void)text_member(c, ssm, ap, cfn, "RoleArn", 1000, 0);
        const char *acct = text_member(c, ssm, ap, cfn, "TargetAccount", 64, 0);
        if (acct && strcmp(acct, "RESPONSE_PLAN_OWNER_ACCOUNT") != 0 && strcmp(acct, "IMPACTED_ACCOUNT") != 0) {
          char tp[1000];
          member_path(tp, sizeof tp, ap, cfn, "TargetAccount");
          problem(c, 1, tp, "must be RESPONSE_PLAN_OWNER_ACCOUNT or IMPACTED_ACCOUNT");
        }
        read_params(c, ssm, ap, cfn);
      }
    }
  } else if (v && v->kind != SR_DOC_NULL) {
    problem(c, 1, path, "expected a list");
  }
  pl->runbook_param_count = c->nparams - rp->off[RP_PARAMS];

  read_tags(c, n, base, cfn, "Tags", &rp->off[RP_TAGS], &pl->tag_count);

  v = get(n, "Integrations");
  if (v && v->kind != SR_DOC_NULL && !(v->kind == SR_DOC_SEQ && v->count == 0)) {
    member_path(path, sizeof path, base, cfn, "Integrations");
    problem(c, 0, path, "PagerDuty integrations are not supported yet (ignored)");
  }

  /* siren extensions */
  pl->ack_timeout_minutes = minutes_member(c, n, base, cfn, "AckTimeoutMinutes", 1440);
  pl->auto_resolve_minutes = minutes_member(c, n, base, cfn, "AutoResolveMinutes", 43200);
  member_path(path, sizeof path, base, cfn, "Maintenance");
  read_windows(c, get(n, "Maintenance"), path, cfn, &rp->off[RP_WINS], &pl->maintenance_count);
}

static void check_rplans(cfg *c) {
  for (size_t i = 0; i < c->nrplans && !c->nomem; i++) check_rplan(c, i);
}

/* --------------------------------------------------------------- rotations */

/* The zone `name` as siren_rotation_create() will load it (sr_zone_fetch:
 * the host's bytes, else the built-in UTC), parsed. Errors as there (the
 * reason in e->errmsg), and SIREN_EINVAL for bytes that are not TZif (why
 * says so), SIREN_ENOMEM. */
static int load_zone(cfg *c, const char *name, sr_zone **out, char *why, size_t cap) {
  siren_engine *e = c->e;
  const void *data;
  size_t len;
  *out = NULL;
  int rc = sr_zone_fetch(e, name, &data, &len);
  if (rc) {
    snprintf(why, cap, "%s", e->errmsg);
    return rc;
  }
  if (!data) {
    *out = sr_zone_utc(&e->mem);
    return *out ? SIREN_OK : SIREN_ENOMEM;
  }
  char reason[200] = "";
  rc = sr_zone_parse(&e->mem, data, len, out, reason, sizeof reason);
  if (rc == SIREN_EINVAL) snprintf(why, cap, "time zone \"%s\": %s", name, reason);
  return rc;
}

/* Reads n digits at *p into *v; 0 when they are not all digits. */
static int digits(const char **p, int n, int64_t *v) {
  *v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (**p < '0' || **p > '9') return 0;
    *v = *v * 10 + (**p - '0');
  }
  return 1;
}

/* "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional designator: Z, +hh:mm,
 * -hh:mm, +hhmm or +hh. *wall gets the date and time as written, in ms as if
 * it were UTC, *off the designator's offset east in minutes. 1 with a
 * designator, 0 without, -1 when s is not such a time (years 1-9999). */
static int iso_wall(const char *s, int64_t *wall, int *off) {
  int64_t y, mo, d, h, mi, sec = 0, ms = 0, oh = 0, om = 0;
  const char *p = s;
  if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
      !digits(&p, 2, &d) || (*p != 'T' && *p != 't') || !(++p, digits(&p, 2, &h)) ||
      *p++ != ':' || !digits(&p, 2, &mi))
    return -1;
  if (*p == ':') {
    p++;
    if (!digits(&p, 2, &sec)) return -1;
    if (*p == '.') {
      int n = 0;
      for (p++; *p >= '0' && *p <= '9'; p++, n++)
        if (n < 3) ms = ms * 10 + (*p - '0');
      if (n == 0) return -1;
      for (; n < 3; n++) ms *= 10;
    }
  }
  int zoned = 0;
  if (*p == 'Z' || *p == 'z') {
    zoned = 1;
    p++;
  } else if (*p == '+' || *p == '-') {
    int neg = *p++ == '-';
    if (!digits(&p, 2, &oh)) return -1;
    if (*p == ':') p++;
    if (*p && !digits(&p, 2, &om)) return -1;
    if (oh > 23 || om > 59) return -1;
    zoned = 1;
    *off = (int)(neg ? -(oh * 60 + om) : oh * 60 + om);
  }
  if (*p) return -1;
  if (!zoned) *off = 0;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > sr_month_days(y, (unsigned)mo) || h > 23 ||
      mi > 59 || sec > 59)
    return -1;
  *wall = ((sr_days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * SR_MINUTE_MS +
          sec * 1000 + ms;
  return zoned;
}

/* Milliseconds of years 1-9999, as siren_rotation_create() accepts. */
#define CFG_MIN_MS (-INT64_C(62135596800000))
#define CFG_MAX_MS INT64_C(253402300799000)

/* A rotation's StartTime into *out: an ISO 8601 time with a designator,
 * epoch seconds (AWS's JSON timestamps; an integer of 10^11 or more is read
 * as milliseconds), or a wall-clock time without designator in the
 * rotation's zone z (CloudFormation's form). z is NULL when the zone did not
 * load (a problem already): such a time is then not checked further. */
static int start_of(cfg *c, const sr_doc_node *v, const sr_zone *z, int cfn, const char *path,
                    int64_t *out) {
  int64_t wall;
  int off = 0;
  if (v->kind == SR_DOC_INT) {
    *out = v->i >= INT64_C(100000000000) || v->i <= -INT64_C(100000000000) ? v->i : v->i * 1000;
  } else if (v->kind == SR_DOC_DOUBLE && v->d > -1e11 && v->d < 1e11) {
    double ms = v->d * 1000.0;
    *out = (int64_t)(ms < 0 ? ms - 0.5 : ms + 0.5);
  } else if (v->kind == SR_DOC_STRING) {
    int zoned = iso_wall(v->str, &wall, &off);
    if (zoned < 0) {
      problem(c, 1, path, "\"%s\" is not a time such as %s", v->str,
              cfn ? "2026-03-02T09:00:00 (in TimeZoneId) or 2026-03-02T09:00:00-05:00"
                  : "2026-03-02T09:00:00-05:00 or 2026-03-02T14:00:00Z, or epoch seconds");
      return -1;
    }
    if (zoned) {
      *out = wall - (int64_t)off * SR_MINUTE_MS;
    } else if (!cfn) {
      problem(c, 1, path, "\"%s\" has no zone designator: add Z or an offset such as -05:00 "
              "(only a CloudFormation StartTime is a wall-clock time in TimeZoneId)", v->str);
      return -1;
    } else {
      if (!z) return -1;
      int64_t s = wall >= 0 ? wall / 1000 : -((-wall + 999) / 1000);
      *out = sr_zone_to_utc(z, s, NULL) + (wall - s * 1000);
    }
  } else {
    problem(c, 1, path, "expected a time (ISO 8601 text or epoch seconds), not a %s",
            sr_doc_kind_name(v->kind));
    return -1;
  }
  if (*out < CFG_MIN_MS || *out > CFG_MAX_MS) {
    problem(c, 1, path, "must be within years 1-9999");
    return -1;
  }
  return 0;
}

static uint32_t weekday_of(const char *s) {
  static const char *const days[7] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
  for (uint32_t i = 0; s && i < 7; i++)
    if (strcmp(s, days[i]) == 0) return i + 1;
  return 0;
}

static int day_member(cfg *c, const sr_doc_node *m, const char *base, uint32_t *day) {
  char path[900];
  const char *s = str_of(get(m, "DayOfWeek"));
  pathf(path, sizeof path, "%s.DayOfWeek", base);
  *day = weekday_of(s);
  if (!*day) {
    if (!given(get(m, "DayOfWeek")))
      problem(c, 1, path, "is required (MON, TUE, WED, THU, FRI, SAT or SUN)");
    else
      problem(c, 1, path, "\"%s\" must be MON, TUE, WED, THU, FRI, SAT or SUN", s ? s : "");
    return -1;
  }
  return 0;
}

/* A time of day as a minute of the day: {HourOfDay, MinuteOfHour} (API) or
 * "HH:MM" (CloudFormation; "H:MM" too); -1 after a problem. */
static int time_of_day(cfg *c, const sr_doc_node *v, const char *path) {
  char sub[900];
  if (!given(v)) {
    problem(c, 1, path, "is required");
    return -1;
  }
  if (v->kind == SR_DOC_MAP) {
    int64_t h = int_of(get(v, "HourOfDay")), m = int_of(get(v, "MinuteOfHour"));
    int bad = 0;
    if (h < 0 || h > 23) {
      pathf(sub, sizeof sub, "%s.HourOfDay", path);
      problem(c, 1, sub, h == -1 ? "is required (0-23)" : "must be 0-23");
      bad = 1;
    }
    if (m < 0 || m > 59) {
      pathf(sub, sizeof sub, "%s.MinuteOfHour", path);
      problem(c, 1, sub, m == -1 ? "is required (0-59)" : "must be 0-59");
      bad = 1;
    }
    return bad ? -1 : (int)(h * 60 + m);
  }
  const char *s = str_of(v);
  if (s) {
    size_t n = strlen(s);
    int h = -1, m = -1;
    if (n == 4 && s[1] == ':' && s[0] >= '0' && s[0] <= '9') h = s[0] - '0';
    if (n == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9')
      h = (s[0] - '0') * 10 + (s[1] - '0');
    if (h >= 0 && s[n - 2] >= '0' && s[n - 2] <= '5' && s[n - 1] >= '0' && s[n - 1] <= '9')
      m = (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
    if (h >= 0 && h <= 23 && m >= 0) return h * 60 + m;
  }
  problem(c, 1, path, "expected \"HH:MM\" (00:00-23:59) or {HourOfDay, MinuteOfHour}");
  return -1;
}

static void push_handoff(cfg *c, size_t off, uint32_t day, int minute, const char *path) {
  siren_handoff *h;
  if (minute < 0) return;
  for (size_t i = off; i < c->nhands; i++)
    if (c->hands[i].day == day && c->hands[i].minute == (uint32_t)minute) {
      problem(c, 1, path, "the same hand-off is given twice");
      return;
    }
  PUSH(c, hands, nhands, handcap, h);
  siren_handoff_init(h, SIREN_HANDOFF_VERSION);
  h->day = day;
  h->minute = (uint32_t)minute;
}

static void push_coverage(cfg *c, uint32_t day, const sr_doc_node *w, const char *path, int cfn_names) {
  char sp[900], ep[900];
  siren_coverage *cv;
  if (w->kind != SR_DOC_MAP) {
    problem(c, 1, path, cfn_names ? "expected a mapping {StartTime, EndTime}" : "expected a mapping {Start, End}");
    return;
  }
  const char *sn = cfn_names ? "StartTime" : "Start", *en = cfn_names ? "EndTime" : "End";
  pathf(sp, sizeof sp, "%s.%s", path, sn);
  pathf(ep, sizeof ep, "%s.%s", path, en);
  int s = time_of_day(c, get(w, sn), sp), e = time_of_day(c, get(w, en), ep);
  if (s < 0 || e < 0 || !day) return;
  PUSH(c, covs, ncovs, covcap, cv);
  siren_coverage_init(cv, SIREN_COVERAGE_VERSION);
  cv->day = day;
  cv->start_minute = (uint32_t)s;
  cv->end_minute = (uint32_t)e;
}

/* ShiftCoverages: {"MON": [{Start, End}]} (API) or [{DayOfWeek,
 * CoverageTimes: [{StartTime, EndTime}]}] (CloudFormation); each shape
 * reads the other's form. */
static void read_coverages(cfg *c, const sr_doc_node *v, const char *path, size_t *count) {
  char sub[800], wsub[900];
  size_t off = c->ncovs;
  *count = 0;
  if (!given(v)) return;
  if (v->kind == SR_DOC_MAP) {
    for (size_t i = 0; i < v->count; i++) {
      const char *k = v->pairs[i].key->str;
      const sr_doc_node *ws = v->pairs[i].value;
      uint32_t day = weekday_of(k);
      pathf(sub, sizeof sub, "%s.%s", path, k);
      if (!day) problem(c, 1, sub, "\"%s\" must be MON, TUE, WED, THU, FRI, SAT or SUN", k);
      if (!ws || ws->kind != SR_DOC_SEQ) {
        problem(c, 1, sub, "expected a list of {Start, End}");
        continue;
      }
      for (size_t j = 0; j < ws->count; j++) {
        item_path(wsub, sizeof wsub, sub, j);
        push_coverage(c, day, ws->items[j], wsub, 0);
      }
    }
  } else if (v->kind == SR_DOC_SEQ) {
    for (size_t i = 0; i < v->count; i++) {
      const sr_doc_node *it = v->items[i];
      uint32_t day;
      item_path(sub, sizeof sub, path, i);
      if (it->kind != SR_DOC_MAP) {
        problem(c, 1, sub, "expected a mapping {DayOfWeek, CoverageTimes}");
        continue;
      }
      int bad = day_member(c, it, sub, &day);
      const sr_doc_node *ws = get(it, "CoverageTimes");
      pathf(wsub, sizeof wsub, "%s.CoverageTimes", sub);
      if (!ws || ws->kind != SR_DOC_SEQ) {
        problem(c, 1, wsub, "expected a list of {StartTime, EndTime}");
        continue;
      }
      for (size_t j = 0; j < ws->count; j++) {
        char w2[1000];
        item_path(w2, sizeof w2, wsub, j);
        push_coverage(c, bad ? 0 : day, ws->items[j], w2, 1);
      }
    }
  } else {
    problem(c, 1, path, "expected a mapping of day: [{Start, End}] or a list of {DayOfWeek, CoverageTimes}");
  }
  *count = c->ncovs - off;
  if (*count > 64) problem(c, 1, path, "at most 64 coverage windows");
}

/* DailySettings, WeeklySettings or MonthlySettings: exactly one is given. */
static void read_handoffs(cfg *c, const sr_doc_node *rec, const char *base, siren_rotation *r) {
  static const char *const kinds[3] = {"DailySettings", "WeeklySettings", "MonthlySettings"};
  char path[800], sub[900], hp[1000];
  const sr_doc_node *v = NULL;
  int which = -1, several = 0;
  for (int k = 0; k < 3; k++) {
    const sr_doc_node *x = given(get(rec, kinds[k]));
    if (!x || (x->kind == SR_DOC_SEQ && x->count == 0)) continue;
    if (v) several = 1;
    else {
      v = x;
      which = k;
    }
  }
  if (!v) {
    problem(c, 1, base, "one of DailySettings, WeeklySettings or MonthlySettings is required");
    return;
  }
  if (several) {
    problem(c, 1, base, "only one of DailySettings, WeeklySettings or MonthlySettings may be given");
    return;
  }
  pathf(path, sizeof path, "%s.%s", base, kinds[which]);
  if (v->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a list");
    return;
  }
  size_t off = c->nhands;
  r->recurrence = (siren_recurrence)(which + 1);
  for (size_t i = 0; i < v->count; i++) {
    const sr_doc_node *it = v->items[i];
    item_path(sub, sizeof sub, path, i);
    if (which == 0) {
      push_handoff(c, off, 0, time_of_day(c, it, sub), sub);
      continue;
    }
    if (it->kind != SR_DOC_MAP) {
      problem(c, 1, sub, which == 1 ? "expected a mapping {DayOfWeek, HandOffTime}"
                                    : "expected a mapping {DayOfMonth, HandOffTime}");
      continue;
    }
    uint32_t day = 0;
    int bad = 0;
    if (which == 1) {
      bad = day_member(c, it, sub, &day);
    } else {
      int64_t d = int_of(get(it, "DayOfMonth"));
      pathf(hp, sizeof hp, "%s.DayOfMonth", sub);
      if (d < 1 || d > 31) {
        problem(c, 1, hp, d == -1 ? "is required (1-31)" : "must be 1-31");
        bad = 1;
      }
      day = (uint32_t)d;
    }
    pathf(hp, sizeof hp, "%s.HandOffTime", sub);
    int minute = time_of_day(c, get(it, "HandOffTime"), hp);
    if (!bad) push_handoff(c, off, day, minute, sub);
  }
  r->handoff_count = c->nhands - off;
  if (r->handoff_count > 64) problem(c, 1, path, "at most 64 hand-off settings");
}

/* A rotation of the document or, when there is none, of the engine, by a
 * reference (name, logical id, ARN .../rotation/NAME, Ref, GetAtt X.Arn):
 * its name, "" for a document rotation whose name was refused (a problem
 * already), NULL when unknown. */
static const char *resolve_rotation(cfg *c, const char *ref) {
  if (!ref) return NULL;
  size_t n = strlen(ref);
  const char *tail = arn_tail(ref, ":rotation/");
  for (size_t i = 0; i < c->nrots; i++) {
    const cfg_rot *ro = &c->rots[i];
    const char *name = ro->rot.name;
    if ((ro->key && (strcmp(ro->key, ref) == 0 || strcmp(ro->key, tail) == 0 ||
                     (n > 4 && strcmp(ref + n - 4, ".Arn") == 0 && same(ro->key, ref, n - 4)))) ||
        (name && (strcmp(name, ref) == 0 || strcmp(name, tail) == 0)))
      return name ? name : "";
  }
  siren_rotation got;
  siren_rotation_init(&got, SIREN_ROTATION_VERSION);
  return siren_rotation_get(&got, c->e, tail) == SIREN_OK ? got.name : NULL;
}

static void check_rot(cfg *c, size_t idx) {
  cfg_rot *ro = &c->rots[idx]; /* rots no longer grows */
  siren_rotation *r = &ro->rot;
  const sr_doc_node *n = ro->n, *v;
  const char *base = ro->path;
  char path[700], sub[800], why[600] = "";
  siren_rotation_init(r, SIREN_ROTATION_VERSION);
  ro->coff = c->nstrs;
  ro->hoff = c->nhands;
  ro->voff = c->ncovs;
  if (!n || n->kind != SR_DOC_MAP) {
    problem(c, 1, base, "expected a mapping for a rotation");
    return;
  }

  pathf(path, sizeof path, "%s.Name", base);
  v = given(get(n, "Name"));
  const char *name = str_of(v);
  if (!v) {
    problem(c, 1, path, "is required");
  } else if (!name || !sr_valid_rotation_name(name, strlen(name))) {
    problem(c, 1, path, "\"%s\" must be 1-255 characters of [A-Za-z0-9_.-] or space", name ? name : "");
  } else {
    r->name = name;
    for (size_t j = 0; j < idx; j++)
      if (c->rots[j].rot.name && strcmp(c->rots[j].rot.name, name) == 0) {
        problem(c, 1, path, "rotation \"%s\" is defined twice (also at %s)", name, c->rots[j].path);
        break;
      }
    siren_rotation old;
    siren_rotation_init(&old, SIREN_ROTATION_VERSION);
    if (siren_rotation_get(&old, c->e, name) == SIREN_OK)
      problem(c, 1, path, "rotation \"%s\" already exists", name);
  }

  pathf(path, sizeof path, "%s.ContactIds", base);
  v = get(n, "ContactIds");
  size_t listed = v && v->kind == SR_DOC_SEQ ? v->count : 0;
  if (!given(v)) {
    problem(c, 1, path, "is required (1-30 personal contacts, in shift order)");
  } else if (v->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a list of contacts");
  } else {
    if (v->count < 1 || v->count > 30) problem(c, 1, path, "1-30 contacts (%zu given)", v->count);
    for (size_t i = 0; i < v->count; i++) {
      int type;
      const char *ref = ref_of(v->items[i]), *alias = resolve_contact(c, ref, &type);
      item_path(sub, sizeof sub, path, i);
      if (!ref) {
        problem(c, 1, sub, "expected a contact alias, ARN or reference");
      } else if (!alias) {
        problem(c, 1, sub, "unknown contact \"%s\"", ref);
      } else if (type > 0 && type != SIREN_CONTACT_PERSONAL) {
        problem(c, 1, sub, "contact \"%s\" is not PERSONAL: a rotation's contacts are people", alias);
      } else {
        const char **slot;
        PUSH(c, strs, nstrs, scap, slot);
        *slot = alias;
      }
    }
  }
  r->contact_count = c->nstrs - ro->coff;

  sr_zone *zone = NULL;
  pathf(path, sizeof path, "%s.TimeZoneId", base);
  v = given(get(n, "TimeZoneId"));
  const char *zname = str_of(v);
  if (!v) {
    problem(c, 1, path, "is required (an IANA name such as America/New_York)");
  } else if (!zname || !sr_valid_zone_name(zname)) {
    problem(c, 1, path, "\"%s\" is not an IANA time zone name such as America/Los_Angeles "
            "(abbreviations such as PST are ambiguous and refused)", zname ? zname : "");
  } else {
    r->time_zone = zname;
    int rc = load_zone(c, zname, &zone, why, sizeof why);
    if (rc == SIREN_ENOMEM) {
      c->nomem = 1;
    } else if (rc) {
      if (rc == SIREN_ECALLBACK) c->cbfail = 1;
      problem(c, 1, path, "%s", why);
    }
  }

  pathf(path, sizeof path, "%s.StartTime", base);
  v = given(get(n, "StartTime"));
  if (v) {
    int64_t t;
    if (start_of(c, v, zone, ro->cfn, path, &t) == 0) r->start_time = t;
  } else {
    /* AWS starts such a rotation when it is created: so does siren. */
    int64_t t = 0;
    siren_engine *e = c->e;
    e->busy++;
    int rc = e->host.clock(&t, e->ud);
    e->busy--;
    if (rc) {
      c->cbfail = 1;
      problem(c, 1, path, "absent, and the clock callback failed (%d)", rc);
    }
    r->start_time = t > e->now ? t : e->now;
  }
  sr_zone_free(&c->e->mem, zone);

  pathf(path, sizeof path, "%s.Recurrence", base);
  const sr_doc_node *rec = given(get(n, "Recurrence"));
  if (!rec || rec->kind != SR_DOC_MAP) {
    problem(c, 1, path, rec ? "expected a mapping" : "is required");
  } else {
    pathf(sub, sizeof sub, "%s.NumberOfOnCalls", path);
    int64_t k = int_of(get(rec, "NumberOfOnCalls"));
    if (k < 1 || k > 30)
      problem(c, 1, sub, k == -1 ? "is required" : "must be 1 to the number of ContactIds");
    else if (listed && (size_t)k > listed)
      problem(c, 1, sub, "%lld on call at once, but the rotation has %zu contact%s", (long long)k,
              listed, listed == 1 ? "" : "s");
    else
      r->on_calls = (uint32_t)k;
    pathf(sub, sizeof sub, "%s.RecurrenceMultiplier", path);
    k = int_of(get(rec, "RecurrenceMultiplier"));
    if (k < 1 || k > 100)
      problem(c, 1, sub, k == -1 ? "is required (1-100)" : "must be 1-100");
    else
      r->multiplier = (uint32_t)k;
    read_handoffs(c, rec, path, r);
    pathf(sub, sizeof sub, "%s.ShiftCoverages", path);
    read_coverages(c, get(rec, "ShiftCoverages"), sub, &r->coverage_count);
  }
  /* siren extension */
  pathf(path, sizeof path, "%s.NoticeMinutes", base);
  v = given(get(n, "NoticeMinutes"));
  int64_t notice = v ? int_of(v) : 0;
  if (notice < 0 || notice > 1440)
    problem(c, 1, path, "must be 0-1440 minutes (0 = no notice before a shift)");
  else
    r->notice_minutes = (uint32_t)notice;
}

static void check_rots(cfg *c) {
  for (size_t i = 0; i < c->nrots && !c->nomem; i++) check_rot(c, i);
}

/* One list of RotationIds of a schedule into strs. */
static void read_rotation_ids(cfg *c, const cfg_sched *sc, const sr_doc_node *v, const char *path) {
  char sub[800];
  if (!v) return;
  if (v->kind != SR_DOC_SEQ) {
    problem(c, 1, path, "expected a list of rotations");
    return;
  }
  for (size_t i = 0; i < v->count; i++) {
    const char *ref = ref_of(v->items[i]), *name = resolve_rotation(c, ref);
    item_path(sub, sizeof sub, path, i);
    if (!ref) {
      problem(c, 1, sub, "expected a rotation name, ARN or reference");
      continue;
    }
    if (!name) {
      problem(c, 1, sub, "unknown rotation \"%s\"", ref);
      continue;
    }
    if (!*name) continue;
    int twice = 0;
    for (size_t j = sc->off; j < c->nstrs && !twice; j++) twice = strcmp(c->strs[j], name) == 0;
    if (twice) {
      problem(c, 1, sub, "rotation \"%s\" is listed twice", name);
      continue;
    }
    const char **slot;
    PUSH(c, strs, nstrs, scap, slot);
    *slot = name;
  }
}

/* The siren extension HoldWhenNobodyOnCall: true or false. */
static void read_hold(cfg *c, cfg_sched *sc, const sr_doc_node *m, const char *base) {
  char path[800];
  const sr_doc_node *v = given(get(m, "HoldWhenNobodyOnCall"));
  if (!v) return;
  const char *s = str_of(v);
  if (v->kind != SR_DOC_BOOL && !(s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))) {
    pathf(path, sizeof path, "%s.HoldWhenNobodyOnCall", base);
    problem(c, 1, path, "must be true or false");
    return;
  }
  if (truthy(v)) sc->flags |= SIREN_SCHEDULE_HOLD;
}

static void check_sched(cfg *c, size_t idx) {
  cfg_sched *sc = &c->scheds[idx]; /* scheds no longer grows */
  char path[800];
  int type;
  sc->alias = resolve_contact(c, sc->contact, &type);
  if (!sc->alias) {
    problem(c, 1, sc->path, "unknown contact \"%s\"", sc->contact ? sc->contact : "");
  } else if (type > 0 && type != SIREN_CONTACT_ONCALL_SCHEDULE) {
    problem(c, 1, sc->path, "contact \"%s\" is not an ONCALL_SCHEDULE contact: only a schedule's plan has RotationIds",
            sc->alias);
    sc->alias = NULL;
  } else {
    for (size_t j = 0; j < idx; j++)
      if (c->scheds[j].alias && strcmp(c->scheds[j].alias, sc->alias) == 0) {
        problem(c, 1, sc->path, "contact \"%s\" has a second plan (also at %s)", sc->alias, c->scheds[j].path);
        break;
      }
  }
  sc->off = c->nstrs;
  const sr_doc_node *src = sc->src;
  if (src->kind == SR_DOC_MAP) {
    pathf(path, sizeof path, "%s.RotationIds", sc->path);
    read_rotation_ids(c, sc, given(get(src, "RotationIds")), path);
    read_hold(c, sc, src, sc->path);
  } else {
    for (size_t k = 0; k < src->count; k++) {
      const sr_doc_node *st = src->items[k];
      if (st->kind != SR_DOC_MAP) continue; /* reported as a stage */
      char stp[700];
      item_path(stp, sizeof stp, sc->path, k);
      pathf(path, sizeof path, "%s.RotationIds", stp);
      read_rotation_ids(c, sc, given(get(st, "RotationIds")), path);
      read_hold(c, sc, st, stp);
    }
  }
  sc->count = c->nstrs - sc->off;
  if (sc->count > 8) problem(c, 1, sc->path, "a schedule has 1-8 rotations (%zu given)", sc->count);
}

static void check_scheds(cfg *c) {
  for (size_t i = 0; i < c->nscheds && !c->nomem; i++) check_sched(c, i);
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
          const char *ref = ref_of(get(chi, "ContactChannelId"));
          if (!ref) ref = ref_of(get(chi, "ChannelId"));
          x->channel = resolve_channel(c, p->alias, ref);
          int64_t retry = int_of(get(chi, "RetryIntervalInMinutes"));
          x->retry_interval_minutes = retry > 0 ? (uint32_t)retry : 0;
        } else {
          const sr_doc_node *coi = get(tg->items[t], "ContactTargetInfo");
          int type;
          x->contact = resolve_contact(c, ref_of(get(coi, "ContactId")), &type);
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

static const void *list_at(const void *base, size_t elem, size_t off, size_t count) {
  return count ? (const char *)base + off * elem : NULL;
}

static int apply_rplans(cfg *c) {
  siren_engine *e = c->e;
  int rc = SIREN_OK;
  /* Every list is complete (nothing moves any more): point the plans at them. */
  for (size_t k = 0; k < c->nparams; k++)
    c->params[k].values = list_at(c->strs, sizeof *c->strs, c->pvals[k], c->params[k].value_count);
  for (size_t i = 0; i < c->nrplans && !rc; i++) {
    cfg_rplan *rp = &c->rplans[i];
    siren_response_plan *pl = &rp->plan;
    pl->incident_tags = list_at(c->tags, sizeof *c->tags, rp->off[RP_ITAGS], pl->incident_tag_count);
    pl->tags = list_at(c->tags, sizeof *c->tags, rp->off[RP_TAGS], pl->tag_count);
    pl->notification_targets =
        list_at(c->strs, sizeof *c->strs, rp->off[RP_TARGETS], pl->notification_target_count);
    pl->chat_channels = list_at(c->strs, sizeof *c->strs, rp->off[RP_CHATS], pl->chat_channel_count);
    pl->engagements = list_at(c->strs, sizeof *c->strs, rp->off[RP_ENGS], pl->engagement_count);
    pl->runbook_params = list_at(c->params, sizeof *c->params, rp->off[RP_PARAMS], pl->runbook_param_count);
    pl->maintenance = list_at(c->wins, sizeof *c->wins, rp->off[RP_WINS], pl->maintenance_count);
    rc = siren_response_plan_create(e, pl);
    if (rc == SIREN_ECALLBACK) {
      /* A failed event callback leaves the plan created. */
      siren_response_plan got;
      memset(&got, 0, sizeof got);
      got.version = SIREN_RESPONSE_PLAN_VERSION;
      if (siren_response_plan_get(&got, e, pl->name) == SIREN_OK) rc = SIREN_OK;
    }
    if (!rc) c->rplans_created++;
  }
  return rc;
}

static int apply_rots(cfg *c) {
  int rc = SIREN_OK;
  for (size_t i = 0; i < c->nrots && !rc; i++) {
    cfg_rot *ro = &c->rots[i];
    siren_rotation *r = &ro->rot;
    r->contacts = list_at(c->strs, sizeof *c->strs, ro->coff, r->contact_count);
    r->handoffs = list_at(c->hands, sizeof *c->hands, ro->hoff, r->handoff_count);
    r->coverages = list_at(c->covs, sizeof *c->covs, ro->voff, r->coverage_count);
    rc = siren_rotation_create(c->e, r);
    if (!rc) c->rots_created++;
  }
  return rc;
}

/* 1 when alias is one of the document's contacts (created by this load). */
static int doc_alias(const cfg *c, const char *alias) {
  for (size_t i = 0; i < c->ncontacts; i++)
    if (c->contacts[i].alias && strcmp(c->contacts[i].alias, alias) == 0) return 1;
  return 0;
}

static int apply_scheds(cfg *c, siren_config_result *res) {
  siren_engine *e = c->e;
  int rc = SIREN_OK;
  for (size_t i = 0; i < c->nscheds && !rc; i++) {
    cfg_sched *sc = &c->scheds[i];
    if (!doc_alias(c, sc->alias)) {
      /* An existing contact: remember its schedule for a rollback. */
      siren_contact_info ci;
      siren_contact_info_init(&ci, SIREN_CONTACT_INFO_VERSION);
      if (siren_contact_get(&ci, e, sc->alias) == SIREN_OK) {
        sc->old_flags = ci.schedule_flags;
        for (uint32_t k = 0; k < ci.rotation_count && sc->nold < 8; k++)
          sc->old[sc->nold++] = siren_schedule_rotation_at(e, sc->alias, k);
      }
    }
    rc = siren_schedule_set(e, sc->alias, list_at(c->strs, sizeof *c->strs, sc->off, sc->count),
                            sc->count, sc->flags);
    if (!rc) {
      c->scheds_set++;
      res->plans++;
    }
  }
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
  if (!rc) rc = apply_rots(c);
  if (!rc) rc = apply_scheds(c, res);
  for (size_t i = 0; i < c->nplans && !rc; i++) {
    if (c->plans[i].skip) continue;
    rc = apply_plan(c, &c->plans[i]);
    if (!rc) res->plans++;
  }
  if (!rc) rc = apply_rplans(c);
  res->response_plans = c->rplans_created;
  return rc;
}

static void rollback(cfg *c, size_t created) {
  /* Undo in reverse: delete the new response plans (they engage contacts),
   * empty the new contacts' plans (so none is a target), give existing
   * schedules their rotations back, delete the new rotations (which takes
   * them out of every schedule), then delete the contacts. Best effort: the
   * failure that got us here may repeat. */
  for (size_t i = c->rplans_created; i-- > 0;) (void)siren_response_plan_delete(c->e, c->rplans[i].plan.name);
  siren_plan empty;
  siren_plan_init(&empty, SIREN_PLAN_VERSION);
  for (size_t i = created; i-- > 0;)
    if (c->contacts[i].type != SIREN_CONTACT_ONCALL_SCHEDULE)
      (void)siren_contact_set_plan(c->e, c->contacts[i].alias, &empty);
  for (size_t i = c->scheds_set; i-- > 0;)
    if (c->scheds[i].nold)
      (void)siren_schedule_set(c->e, c->scheds[i].alias, c->scheds[i].old, c->scheds[i].nold,
                               c->scheds[i].old_flags);
  for (size_t i = c->rots_created; i-- > 0;) (void)siren_rotation_delete(c->e, c->rots[i].rot.name);
  for (size_t i = created; i-- > 0;) (void)siren_contact_delete(c->e, c->contacts[i].alias);
}

/* Writes as much of local as the caller's version of the struct has. */
static void give_result(siren_config_result *result, const siren_config_result *local) {
  if (!result) return;
  unsigned int version = result->version;
  if (version >= 2)
    *result = *local;
  else
    memcpy(result, local, offsetof(siren_config_result, response_plans));
  result->version = version;
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
    give_result(result, &local);
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
    if ((n = get(root, "rotations"))) collect_list(&c, n, "rotations", one_rot);
    if ((n = get(root, "responsePlans"))) collect_list(&c, n, "responsePlans", one_rplan);
    else if (get(root, "incidentTemplate") && !get(root, "Resources"))
      problem(&c, 1, "", "this is one response plan on its own (get-response-plan's output, or a "
                         "resource's Properties): put it in a \"responsePlans\" list, or in a "
                         "template's Resources");
    static const char *later[] = {"runbooks"};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
      if ((n = get(root, later[i])) && !(n->kind == SR_DOC_SEQ && n->count == 0))
        problem(&c, 0, later[i], "not supported yet (%zu definition%s skipped)",
                n->kind == SR_DOC_SEQ ? n->count : (size_t)1,
                n->kind == SR_DOC_SEQ && n->count == 1 ? "" : "s");
  }
  if (!c.nomem) check_contacts(&c);
  if (!c.nomem) check_channels(&c);
  if (!c.nomem) check_rots(&c);
  if (!c.nomem) check_scheds(&c);
  if (!c.nomem) check_plans(&c);
  if (!c.nomem) check_rplans(&c);
  if (!c.nomem && !c.errors) check_cycles(&c);
  local.errors = c.errors;
  local.unsupported = c.unsupported;
  if (c.nomem) {
    rc = sr_err(e, SIREN_ENOMEM, "out of memory");
  } else if (c.cbfail) {
    rc = sr_err(e, SIREN_ECALLBACK, "a host callback failed while reading the configuration (see "
                "siren_config_problems); nothing was created");
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
      local.contacts = local.channels = local.plans = local.response_plans = 0;
      sr_err(e, rc, "configuration not loaded: %s", why);
    }
  }
  sr_free(&e->mem, c.contacts);
  sr_free(&e->mem, c.channels);
  sr_free(&e->mem, c.plans);
  sr_free(&e->mem, c.rplans);
  sr_free(&e->mem, c.tags);
  sr_free(&e->mem, (void *)c.strs);
  sr_free(&e->mem, c.params);
  sr_free(&e->mem, c.pvals);
  sr_free(&e->mem, c.wins);
  sr_free(&e->mem, c.rots);
  sr_free(&e->mem, c.scheds);
  sr_free(&e->mem, c.hands);
  sr_free(&e->mem, c.covs);
  sr_doc_free(doc);
  give_result(result, &local);
  return rc;
}
