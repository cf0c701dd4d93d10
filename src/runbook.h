/*
 * Runbooks: SSM Automation documents (schemaVersion 0.3), shared by
 *   runbook_load.c  reading and validating a document into an sr_runbook,
 *   runbook_expr.c  variables ({{ ... }}), rendering inputs, branch
 *                   conditions, ISO 8601 durations and timestamps,
 *   runbook.c       executions: the public API, records, the state machine.
 *
 * A loaded runbook keeps its parsed document (an sr_doc arena): names,
 * inputs and operands point into it. Runbooks are shared by reference with
 * the executions that run them, so loading a new version of a runbook does
 * not change an execution already running.
 */
#ifndef SIREN_RUNBOOK_H
#define SIREN_RUNBOOK_H

#include "doc/doc.h"
#include "internal.h"

#define SR_RB_MAX_STEPS 500      /* main steps plus loop bodies */
#define SR_RB_MAX_ITERATIONS 100 /* aws:loop */
#define SR_RB_MAX_SLEEP_S 604799 /* aws:sleep */
#define SR_RB_APPROVE_TIMEOUT_S (7 * 24 * 3600)

/* Parameter types. */
enum { SR_PT_STRING = 1, SR_PT_STRINGLIST, SR_PT_INTEGER, SR_PT_BOOLEAN, SR_PT_MAPLIST,
       SR_PT_STRINGMAP };

typedef struct sr_rb_param {
  const char *name;
  uint8_t type;                  /* SR_PT_* */
  const char *description;       /* or NULL */
  const sr_doc_node *def;        /* default value, or NULL (then the parameter is required) */
  const sr_doc_node *allowed;    /* allowedValues (a sequence), or NULL */
  const char *pattern;           /* allowedPattern (checked by the host? see runbook_load.c), or NULL */
  int64_t min_items, max_items;  /* -1 when not given */
  int64_t min_chars, max_chars;  /* -1 when not given */
} sr_rb_param;

/* What a step does. */
enum { SR_ACT_HOST = 0, /* anything else: handed to the host */
       SR_ACT_PAUSE, SR_ACT_SLEEP, SR_ACT_APPROVE, SR_ACT_BRANCH, SR_ACT_LOOP };

/* onFailure / onCancel. */
enum { SR_ON_ABORT = 0, SR_ON_CONTINUE = 1, SR_ON_STEP = 2 };

/* Branch condition operators. */
enum {
  SR_C_AND = 1, SR_C_OR, SR_C_NOT,
  SR_C_STRING_EQUALS, SR_C_EQUALS_IGNORE_CASE, SR_C_STARTS_WITH, SR_C_ENDS_WITH, SR_C_CONTAINS,
  SR_C_NUM_EQ, SR_C_NUM_GT, SR_C_NUM_LT, SR_C_NUM_GE, SR_C_NUM_LE,
  SR_C_BOOL_EQ
};

/* A condition: a comparison of Variable with an operand, or And/Or/Not of
 * sub-conditions. */
typedef struct sr_rb_cond {
  uint8_t op;                    /* SR_C_* */
  const char *variable;          /* comparisons: the Variable text ("{{ step.Output }}") */
  const sr_doc_node *operand;    /* comparisons: the value compared with */
  struct sr_rb_cond *sub;        /* And/Or: sub_count conditions; Not: one */
  size_t sub_count;
} sr_rb_cond;

typedef struct sr_rb_choice {
  sr_rb_cond cond;
  uint32_t next;                 /* step index of NextStep */
} sr_rb_choice;

/* An output a step declares (host actions): Name, Selector, Type. */
typedef struct sr_rb_output {
  const char *name, *selector, *type;
} sr_rb_output;

typedef struct sr_rb_step {
  const char *name;
  const char *action;            /* as written, e.g. "aws:executeScript" */
  uint8_t kind;                  /* SR_ACT_* */
  const sr_doc_node *inputs;     /* the inputs mapping, or NULL */
  int64_t timeout_s;             /* timeoutSeconds per attempt; 0 = none given */
  uint32_t max_attempts;         /* >= 1 */
  uint8_t on_failure;            /* SR_ON_*; on_failure_step when SR_ON_STEP */
  uint32_t on_failure_step;
  uint8_t on_cancel;             /* SR_ON_ABORT or SR_ON_STEP */
  uint32_t on_cancel_step;
  uint8_t is_end;
  uint8_t is_critical;           /* default 1; 0 when onFailure is Continue unless given */
  uint32_t next_step;            /* nextStep index, or SR_NONE: the following step */
  uint32_t loop;                 /* the aws:loop step whose body this is, or SR_NONE */
  sr_rb_output *outputs;
  size_t output_count;
  /* aws:branch */
  sr_rb_choice *choices;
  size_t choice_count;
  uint32_t branch_default;       /* Default's step index, or SR_NONE */
  /* aws:loop: its body is steps [body_first, body_first + body_count) */
  uint32_t body_first, body_count;
  const char *iterators;         /* Iterators text ("{{ x.Ids }}" or a literal list as JSON), or NULL */
  const sr_doc_node *iterators_node;
  sr_rb_cond loop_condition;     /* when has_condition */
  uint8_t has_condition;
  uint32_t max_iterations;       /* MaxIterations, default 100 */
  /* aws:approve */
  uint32_t min_approvals;        /* MinRequiredApprovals, default 1 */
  /* aws:sleep: resolved at run time from inputs Duration / Timestamp */
} sr_rb_step;

typedef struct sr_runbook {
  uint32_t refs;                 /* the directory's reference and one per execution */
  char *name;                    /* engine allocation */
  sr_doc *doc;                   /* owns every const char * and node below */
  const char *description;       /* or NULL */
  const char *assume_role;       /* or NULL */
  sr_rb_param *params;
  size_t param_count;
  sr_rb_step *steps;             /* mainSteps first (main_count), then loop bodies */
  size_t step_count, main_count;
  const char **outputs;          /* the document's outputs: "step.Output" texts */
  size_t output_count;
} sr_runbook;

/* ------------------------------------------------------- runbook_load.c */

/*
 * Parses text (YAML or JSON) and validates it as a schemaVersion 0.3
 * Automation document. On success *out is a new runbook (refs 1) whose name
 * is a copy of name. On failure returns SIREN_EINVAL and appends one line per
 * problem to *problems ("12:5: mainSteps[2].nextStep: no step \"Foo\"" — a
 * line:column when the node is known, else the path), or SIREN_ENOMEM.
 */
int sr_runbook_build(const sr_mem *m, const char *name, const char *text, size_t len,
                     sr_runbook **out, sr_buf *problems);
/* Drops one reference; frees at zero. NULL allowed. */
void sr_runbook_release(const sr_mem *m, sr_runbook *rb);
/* The index of the step called name, or SR_NONE. */
uint32_t sr_runbook_step(const sr_runbook *rb, const char *name);

/* ------------------------------------------------------- runbook_expr.c */

/*
 * Variables. lookup(ctx, name, len, &json, &json_len) gives the value of the
 * variable named by the len bytes at name (already trimmed: "Param",
 * "step.Output", "global:DATE", "automation:EXECUTION_ID",
 * "loop.CurrentIteratorValue") as JSON text, returns 0; or returns -1 when
 * there is no such variable.
 */
typedef struct sr_rb_vars {
  int (*lookup)(void *ctx, const char *name, size_t len, const char **json, size_t *json_len);
  void *ctx;
} sr_rb_vars;

/*
 * Renders node n as JSON into b with every {{ ... }} reference resolved. A
 * string that is exactly one reference (spaces around allowed) becomes the
 * variable's value with its JSON type (a StringList stays a list); a
 * reference inside a longer string is spliced in as text (a string value
 * without its quotes, anything else as its JSON). Mapping keys are not
 * resolved. Returns 0; SIREN_EINVAL with a message in err (e.g. "unknown
 * variable {{ Foo }}") when a reference does not resolve; SIREN_ENOMEM.
 */
int sr_rb_render(sr_buf *b, const sr_doc_node *n, const sr_rb_vars *vars, char *err,
                 size_t errcap);
/* Writes n as compact JSON, resolving nothing ({{ }} stays text). 0,
 * SIREN_EINVAL (.inf/.nan, too deep), SIREN_ENOMEM; b unchanged on failure. */
int sr_rb_json(sr_buf *b, const sr_doc_node *n, char *err, size_t errcap);
/* The same for one string (a Variable text, an Iterators text). */
int sr_rb_render_str(sr_buf *b, const char *s, const sr_rb_vars *vars, char *err, size_t errcap);

/*
 * Evaluates a condition. *result is 1 or 0. Comparisons resolve Variable,
 * then compare: string operators as text (EqualsIgnoreCase ASCII), numeric
 * ones as numbers (a value that is not a number is an error), BooleanEquals
 * as booleans ("true"/"false" strings count). Returns 0, SIREN_EINVAL (err
 * says why), SIREN_ENOMEM.
 */
int sr_rb_eval(const sr_mem *m, const sr_rb_cond *c, const sr_rb_vars *vars, int *result,
               char *err, size_t errcap);

/* ISO 8601 duration ("PT10M", "P1DT2H", "PT0.5S") to ms; 0 or SIREN_EINVAL. */
int sr_rb_duration(const char *s, int64_t *ms);
/* ISO 8601 UTC timestamp ("2026-01-05T09:00:00Z", with optional fraction or
 * +00:00) to ms since the epoch; 0 or SIREN_EINVAL. */
int sr_rb_timestamp(const char *s, int64_t *ms);
/* Formats ms (UTC) as AWS's global:DATE "2026-01-05" or, with_time,
 * global:DATE_TIME "2026-01-05_09.00.00" into out. */
void sr_rb_format_date(int64_t ms, int with_time, char out[32]);

#endif
