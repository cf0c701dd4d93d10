/*
 * Runbook executions: the public API, their records, and the step state
 * machine.
 *
 * An execution walks its runbook one step at a time:
 *
 *   step:      Pending --start--> InProgress (host action, sleep)
 *                                 Waiting    (pause, approve; Interactive: StartStep)
 *              InProgress/Waiting --result, Resume, approvals, wake-up--> Success
 *                                 --failure, Reject, timeout, StopStep--> Failed / TimedOut /
 *                                   Cancelled (retried while attempts remain; then onFailure)
 *   execution: InProgress <-> Waiting, then Success | Failed | TimedOut | Cancelled
 *              (Cancelling while an onCancel step runs), or Success via isEnd / Complete
 *
 * aws:branch and the bookkeeping of aws:loop complete at once; everything
 * else waits for the host, a signal or the clock. One record moves an
 * execution from one wait to the next.
 *
 * Record, then apply, with a twist: a transition may resolve variables and
 * render inputs, which allocates. So prepare runs the transition on a
 * working copy of the execution (struct work) and collects what it would
 * allocate, announce and schedule; commit swaps the copy in and performs the
 * effects. Replay runs the same prepare, so it decides the same.
 */
#include <stdio.h>
#include <string.h>

#include "runbook.h"

/* ------------------------------------------------------------------ model */

typedef struct sr_step_state {
  uint8_t status;          /* siren_exec_status */
  uint32_t attempts;
  uint32_t iteration;      /* loop bodies: iteration of the last run */
  int64_t start, end;
  char *inputs, *outputs, *failure;
  uint64_t votes;          /* aws:approve: approvers who voted (bit per Approvers entry) */
  uint32_t approvals;
  /* aws:loop */
  uint32_t loop_iter;
  char **iters;            /* for each: the items as JSON texts (one allocation) */
  uint32_t iter_count;
} sr_step_state;

typedef struct sr_xrun {
  sr_runbook *rb;
  uint8_t status, mode;
  uint8_t failed_critical; /* a critical step failed: the end is Failed */
  uint8_t cancelling;      /* an onCancel path runs: the end is Cancelled */
  uint32_t incident;       /* 1-based, 0 = none */
  char **params;           /* one allocation: name, JSON value, name, JSON value ... */
  uint32_t param_count;
  char *params_json;
  char *token;
  uint32_t cur;            /* the step running or waiting, or SR_NONE */
  uint32_t gen;            /* bumped at every change of what the execution waits for */
  int64_t start, end;
  char *failure, *outputs;
  sr_step_state *steps;
} sr_xrun;

struct sr_rbstate {
  sr_runbook **books;      /* NULL when deleted */
  size_t count, cap;
  sr_map names;
  sr_xrun *execs;
  size_t exec_count, exec_cap;
  sr_map tokens;
  struct work *stash;      /* prepared, waiting for commit */
};

/* ------------------------------------------------------------- the work */

enum { FX_ACTION = 1, FX_STEP, FX_STARTED, FX_FINISHED };

typedef struct effect {
  uint8_t kind;
  uint32_t step;
  uint8_t status;
  char **tl;               /* timeline data for the incident (owned), or NULL */
} effect;

typedef struct work {
  uint32_t index;          /* the execution */
  int is_new;
  sr_xrun x;               /* the working copy */
  void **fresh;            /* allocated here: freed if not committed */
  size_t nfresh, capfresh;
  void **stale;            /* replaced: freed when committed */
  size_t nstale, capstale;
  effect *fx;
  size_t nfx, capfx;
  int timer;               /* push a timer (x.gen) at timer_due */
  int64_t timer_due;
  int64_t now;
  int failed;              /* SIREN_ENOMEM while working */
  void **temps;            /* variable values looked up: freed after the transition */
  size_t ntemps, captemps;
  siren_engine *e;
  unsigned guard;          /* steps started in this transition */
  uint32_t granted;        /* Interactive: the step StartStep named, else SR_NONE */
  int owns_rb;             /* a RUNBOOK_LOAD's work: x.rb is the new runbook */
} work;

static const sr_mem *M(work *w) { return &w->e->mem; }

static int push_ptr(work *w, void ***v, size_t *n, size_t *cap, void *p) {
  if (!p) {
    w->failed = 1;
    return -1;
  }
  if (sr_grow(M(w), (void **)v, cap, *n + 1, sizeof(void *))) {
    sr_free(M(w), p);
    w->failed = 1;
    return -1;
  }
  (*v)[(*n)++] = p;
  return 0;
}

/* A string owned by the work until commit. */
static char *fresh_str(work *w, const char *s, size_t n) {
  char *p = sr_strndup(M(w), s, n);
  return push_ptr(w, &w->fresh, &w->nfresh, &w->capfresh, p) ? NULL : p;
}

/* Marks a block the execution still uses as to be freed at commit. It must
 * never be freed here: on failure the work fails and the block stays. */
static int stale_keep(work *w, void *p) {
  if (!p) return 0;
  if (sr_grow(M(w), (void **)&w->stale, &w->capstale, w->nstale + 1, sizeof(void *))) {
    w->failed = 1;
    return -1;
  }
  w->stale[w->nstale++] = p;
  return 0;
}

/* Replaces *slot (a string of the execution) with a fresh copy of s. */
static void set_str(work *w, char **slot, const char *s, size_t n) {
  if (w->failed) return;
  if (*slot && sr_grow(M(w), (void **)&w->stale, &w->capstale, w->nstale + 1, sizeof(void *))) {
    w->failed = 1;
    return;
  }
  char *p = NULL;
  if (s && !(p = fresh_str(w, s, n))) return;
  if (*slot) w->stale[w->nstale++] = *slot; /* room was made above */
  *slot = p;
}

static void add_fx(work *w, uint8_t kind, uint32_t step, uint8_t status, char **tl) {
  if (w->failed) return;
  if (sr_grow(M(w), (void **)&w->fx, &w->capfx, w->nfx + 1, sizeof(effect))) {
    w->failed = 1;
    return;
  }
  w->fx[w->nfx++] = (effect){kind, step, status, tl};
}

static void work_free(const sr_mem *m, work *w, int committed) {
  if (!w) return;
  if (!committed) {
    if (w->owns_rb) sr_runbook_release(m, w->x.rb);
    for (size_t i = 0; i < w->nfresh; i++) sr_free(m, w->fresh[i]);
    for (size_t i = 0; i < w->nfx; i++) sr_free(m, w->fx[i].tl);
    sr_free(m, w->x.steps);
  }
  for (size_t i = 0; i < w->ntemps; i++) sr_free(m, w->temps[i]);
  sr_free(m, w->fresh);
  sr_free(m, w->stale);
  sr_free(m, w->fx);
  sr_free(m, w->temps);
  sr_free(m, w);
}

/* ------------------------------------------------------------- helpers */

static sr_rbstate *state(siren_engine *e) { return e->rbs; }

static int ensure_state(siren_engine *e) {
  if (e->rbs) return SIREN_OK;
  e->rbs = sr_calloc(&e->mem, 1, sizeof *e->rbs);
  return e->rbs ? SIREN_OK : SIREN_ENOMEM;
}

static sr_runbook *book_find(siren_engine *e, const char *name, uint32_t *index) {
  sr_rbstate *s = state(e);
  uint32_t i;
  if (!s || !name || !sr_map_get(&s->names, name, &i)) return NULL;
  if (index) *index = i;
  return s->books[i];
}

SIREN_EXTERN const char *siren_exec_status_name(siren_exec_status st) {
  static const char *const names[] = {"",        "Pending", "InProgress", "Waiting",
                                      "Success", "TimedOut", "Cancelling", "Cancelled",
                                      "Failed",  "Exited"};
  return st >= SIREN_EXEC_PENDING && st <= SIREN_EXEC_EXITED ? names[st] : "";
}

static int valid_book_name(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n < 1 || n > 128) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-' || *s == '.'))
      return 0;
  return 1;
}

static int is_terminal(uint8_t st) {
  return st == SIREN_EXEC_SUCCESS || st == SIREN_EXEC_FAILED || st == SIREN_EXEC_TIMED_OUT ||
         st == SIREN_EXEC_CANCELLED || st == SIREN_EXEC_EXITED;
}

/* The index of name in an aws:approve step's Approvers, or -1. */
static int sr_rb_approver(const sr_rb_step *s, const char *name) {
  const sr_doc_node *list = s->inputs ? sr_doc_get(s->inputs, "Approvers") : NULL;
  if (!name || !list || list->kind != SR_DOC_SEQ) return -1;
  for (size_t k = 0; k < list->count && k < 64; k++)
    if (list->items[k]->str && strcmp(list->items[k]->str, name) == 0) return (int)k;
  return -1;
}

static int sr_rb_parse_int(const char *v, int64_t *out) {
  const char *p = v;
  int neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  if (!*p) return -1;
  uint64_t x = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    if (x > (UINT64_C(9223372036854775807) - (uint64_t)(*p - '0')) / 10) return -1;
    x = x * 10 + (uint64_t)(*p - '0');
  }
  *out = neg ? -(int64_t)x : (int64_t)x;
  return 0;
}

/* ------------------------------------------------------------ variables */

typedef struct vars_ctx {
  work *w;
} vars_ctx;

static int temp_keep(work *w, void *p) {
  return push_ptr(w, &w->temps, &w->ntemps, &w->captemps, p);
}

/* The innermost loop around step i, or SR_NONE. */
static uint32_t loop_of(const sr_runbook *rb, uint32_t i) {
  return i == SR_NONE ? SR_NONE : rb->steps[i].loop;
}

static int json_out(work *w, sr_buf *b, const char **json, size_t *len) {
  if (b->failed || !b->p) {
    sr_free(M(w), b->p);
    w->failed = 1;
    return -1;
  }
  if (temp_keep(w, b->p)) return -1;
  *json = b->p;
  *len = b->n;
  return 0;
}

/* Finds key in a JSON object text; writes its value as JSON into b. */
static int json_member(work *w, const char *obj, const char *key, size_t keylen, sr_buf *b) {
  sr_doc *d = NULL;
  if (!obj || sr_doc_parse_json(&d, M(w), obj, strlen(obj), NULL, NULL)) return -1;
  const sr_doc_node *root = sr_doc_root(d);
  int found = -1;
  for (size_t i = 0; root->kind == SR_DOC_MAP && i < root->count; i++) {
    const sr_doc_node *k = root->pairs[i].key;
    if (k->len == keylen && memcmp(k->str, key, keylen) == 0) {
      char err[64];
      found = sr_rb_json(b, root->pairs[i].value, err, sizeof err) ? -1 : 0;
      break;
    }
  }
  sr_doc_free(d);
  return found;
}

static int lookup(void *ctx, const char *name, size_t len, const char **json, size_t *jlen) {
  work *w = ((vars_ctx *)ctx)->w;
  const sr_xrun *x = &w->x;
  const sr_runbook *rb = x->rb;
  sr_buf b = {M(w), NULL, 0, 0, 0};
  /* Parameters. */
  for (uint32_t i = 0; i < x->param_count; i++)
    if (strlen(x->params[2 * i]) == len && memcmp(x->params[2 * i], name, len) == 0) {
      *json = x->params[2 * i + 1];
      *jlen = strlen(*json);
      return 0;
    }
  if (len == 11 && memcmp(name, "global:DATE", 11) == 0) {
    char d[32];
    sr_rb_format_date(w->now, 0, d);
    sr_buf_json(&b, d);
    return json_out(w, &b, json, jlen);
  }
  if (len == 16 && memcmp(name, "global:DATE_TIME", 16) == 0) {
    char d[32];
    sr_rb_format_date(w->now, 1, d);
    sr_buf_json(&b, d);
    return json_out(w, &b, json, jlen);
  }
  if (len == 23 && memcmp(name, "automation:EXECUTION_ID", 23) == 0) {
    sr_buf_fmt(&b, "\"%u\"", w->index + 1);
    return json_out(w, &b, json, jlen);
  }
  const char *dot = memchr(name, '.', len);
  if (!dot) return -1;
  size_t head = (size_t)(dot - name);
  const char *field = dot + 1;
  size_t flen = len - head - 1;
  /* loop.X or <loop step>.X: the current iteration of that loop. */
  uint32_t lp = SR_NONE;
  if (head == 4 && memcmp(name, "loop", 4) == 0) {
    lp = loop_of(rb, x->cur);
  } else {
    for (uint32_t i = 0; i < rb->step_count; i++)
      if (strlen(rb->steps[i].name) == head && memcmp(rb->steps[i].name, name, head) == 0) {
        int loop_field = (flen == 20 && memcmp(field, "CurrentIteratorValue", 20) == 0) ||
                         (flen == 16 && memcmp(field, "CurrentIteration", 16) == 0);
        if (rb->steps[i].kind == SR_ACT_LOOP && loop_field) {
          lp = i;
          break;
        }
        /* step.Output: from the step's reported outputs. */
        if (json_member(w, x->steps[i].outputs, field, flen, &b)) {
          sr_free(M(w), b.p);
          return -1;
        }
        return json_out(w, &b, json, jlen);
      }
  }
  if (lp == SR_NONE) return -1;
  const sr_step_state *ls = &x->steps[lp];
  if (flen == 16 && memcmp(field, "CurrentIteration", 16) == 0) {
    sr_buf_fmt(&b, "%u", ls->loop_iter + 1);
    return json_out(w, &b, json, jlen);
  }
  if (flen == 20 && memcmp(field, "CurrentIteratorValue", 20) == 0) {
    if (ls->loop_iter >= ls->iter_count) return -1;
    *json = ls->iters[ls->loop_iter];
    *jlen = strlen(*json);
    return 0;
  }
  return -1;
}

/* -------------------------------------------------------- transitions */

static void step_event(work *w, uint32_t i) {
  sr_step_state *st = &w->x.steps[i];
  char **tl = NULL;
  if (w->x.incident) {
    sr_buf b = {M(w), NULL, 0, 0, 0};
    sr_buf_fmt(&b, "{\"execution\":%u,\"step\":", w->index + 1);
    sr_buf_json(&b, w->x.rb->steps[i].name);
    sr_buf_str(&b, ",\"status\":");
    sr_buf_json(&b, siren_exec_status_name((siren_exec_status)st->status));
    if (st->failure) {
      sr_buf_str(&b, ",\"failure\":");
      sr_buf_json(&b, st->failure);
    }
    sr_buf_str(&b, "}");
    if (b.failed) {
      w->failed = 1;
      sr_free(M(w), b.p);
      return;
    }
    sr_str one = {b.p, b.n};
    tl = sr_pack(M(w), &one, 1);
    sr_free(M(w), b.p);
    if (!tl) {
      w->failed = 1;
      return;
    }
  }
  add_fx(w, FX_STEP, i, st->status, tl);
}

static void set_status(work *w, uint32_t i, uint8_t status) {
  sr_step_state *st = &w->x.steps[i];
  st->status = status;
  if (is_terminal(status)) st->end = w->now;
  step_event(w, i);
}

static void finish(work *w, uint8_t status, const char *failure);
static void start_step(work *w, uint32_t i);
static void run_step(work *w, uint32_t i, int retry);
static void step_done(work *w, uint32_t i);

/* The execution waits for nothing: the current timer goes stale. */
static void new_wait(work *w) {
  w->x.gen++;
  w->timer = 0;
}

static void arm(work *w, int64_t due) {
  w->timer = 1;
  w->timer_due = due;
}

/* Where the flow goes after step i succeeded (or continued after failing). */
static void advance_from(work *w, uint32_t i) {
  const sr_runbook *rb = w->x.rb;
  const sr_rb_step *s = &rb->steps[i];
  /* isEnd ends the execution; inside a loop body (a nested runbook, as AWS
   * describes it) it ends the iteration. */
  if (s->is_end && s->loop == SR_NONE) {
    finish(w, SIREN_EXEC_SUCCESS, NULL);
    return;
  }
  uint32_t next = s->is_end ? SR_NONE : s->next_step;
  if (next == SR_NONE) {
    uint32_t lp = s->loop;
    uint32_t end = lp == SR_NONE ? (uint32_t)rb->main_count
                                 : rb->steps[lp].body_first + rb->steps[lp].body_count;
    if (i + 1 < end && !s->is_end) {
      next = i + 1;
    } else if (lp != SR_NONE) {
      /* End of the loop body: the next iteration, or the loop is done. */
      sr_step_state *ls = &w->x.steps[lp];
      const sr_rb_step *l = &rb->steps[lp];
      ls->loop_iter++;
      int again = 0;
      if (ls->loop_iter < l->max_iterations) {
        if (l->has_condition) {
          vars_ctx vc = {w};
          sr_rb_vars vars = {lookup, &vc};
          char err[200];
          int res = 0;
          int rc = sr_rb_eval(M(w), &l->loop_condition, &vars, &res, err, sizeof err);
          if (rc == SIREN_ENOMEM) {
            w->failed = 1;
            return;
          }
          if (rc) {
            set_str(w, &ls->failure, err, strlen(err));
            set_status(w, lp, SIREN_EXEC_FAILED);
            finish(w, SIREN_EXEC_FAILED, err);
            return;
          }
          again = res;
        } else {
          again = ls->loop_iter < ls->iter_count;
        }
      }
      if (again) {
        next = l->body_first;
      } else {
        set_status(w, lp, SIREN_EXEC_SUCCESS);
        w->x.cur = lp;
        advance_from(w, lp);
        return;
      }
    } else {
      finish(w, w->x.failed_critical ? SIREN_EXEC_FAILED : SIREN_EXEC_SUCCESS, NULL);
      return;
    }
  }
  start_step(w, next);
}

/* Step i ended without success (status Failed, TimedOut or Cancelled). */
static void step_failed(work *w, uint32_t i, uint8_t status, const char *why) {
  const sr_rb_step *s = &w->x.rb->steps[i];
  sr_step_state *st = &w->x.steps[i];
  set_str(w, &st->failure, why, strlen(why));
  if (status != SIREN_EXEC_CANCELLED && st->attempts < s->max_attempts) {
    /* Another attempt: the failure is recorded on the step meanwhile. */
    run_step(w, i, 1);
    return;
  }
  set_status(w, i, status);
  if (s->on_failure == SR_ON_ABORT) {
    char msg[300];
    snprintf(msg, sizeof msg, "step %s: %s", s->name, why);
    finish(w, status == SIREN_EXEC_TIMED_OUT ? SIREN_EXEC_TIMED_OUT : SIREN_EXEC_FAILED, msg);
    return;
  }
  if (s->is_critical) {
    w->x.failed_critical = 1;
    if (!w->x.failure) {
      char msg[300];
      snprintf(msg, sizeof msg, "critical step %s failed: %s", s->name, why);
      set_str(w, &w->x.failure, msg, strlen(msg));
    }
  }
  if (s->on_failure == SR_ON_STEP) {
    start_step(w, s->on_failure_step);
    return;
  }
  /* Continue: on to what would have followed. */
  advance_from(w, i);
}

static void step_done(work *w, uint32_t i) {
  set_status(w, i, SIREN_EXEC_SUCCESS);
  advance_from(w, i);
}

/* Renders a step's inputs; on failure fails the step. 0 when rendered. */
static int render_inputs(work *w, uint32_t i) {
  const sr_rb_step *s = &w->x.rb->steps[i];
  sr_step_state *st = &w->x.steps[i];
  if (!s->inputs) {
    set_str(w, &st->inputs, "{}", 2);
    return w->failed ? -1 : 0;
  }
  vars_ctx vc = {w};
  sr_rb_vars vars = {lookup, &vc};
  sr_buf b = {M(w), NULL, 0, 0, 0};
  char err[200];
  int rc = sr_rb_render(&b, s->inputs, &vars, err, sizeof err);
  if (rc == SIREN_ENOMEM || b.failed) {
    sr_free(M(w), b.p);
    w->failed = 1;
    return -1;
  }
  if (rc) {
    sr_free(M(w), b.p);
    st->attempts = s->max_attempts; /* a bad reference does not get better */
    step_failed(w, i, SIREN_EXEC_FAILED, err);
    return -1;
  }
  set_str(w, &st->inputs, b.p, b.n);
  sr_free(M(w), b.p);
  return w->failed ? -1 : 0;
}

/* The value of one input (rendered), as a string, into out. */
static int input_str(work *w, uint32_t i, const char *key, char *out, size_t cap) {
  const sr_rb_step *s = &w->x.rb->steps[i];
  const sr_doc_node *n = s->inputs ? sr_doc_get(s->inputs, key) : NULL;
  if (!n) return -1;
  vars_ctx vc = {w};
  sr_rb_vars vars = {lookup, &vc};
  sr_buf b = {M(w), NULL, 0, 0, 0};
  char err[200];
  int rc = sr_rb_render(&b, n, &vars, err, sizeof err);
  if (rc || b.failed || !b.p) {
    if (rc == SIREN_ENOMEM || b.failed) w->failed = 1;
    sr_free(M(w), b.p);
    return -1;
  }
  /* A JSON string: its content; anything else: its text. */
  size_t n2 = b.n;
  const char *p = b.p;
  if (n2 >= 2 && p[0] == '"' && p[n2 - 1] == '"') {
    p++;
    n2 -= 2;
  }
  snprintf(out, cap, "%.*s", (int)n2, p);
  sr_free(M(w), b.p);
  return 0;
}

static void start_loop(work *w, uint32_t i) {
  const sr_rb_step *l = &w->x.rb->steps[i];
  sr_step_state *ls = &w->x.steps[i];
  ls->loop_iter = 0;
  ls->iter_count = 0;
  if (ls->iters) {
    if (stale_keep(w, ls->iters)) return;
    ls->iters = NULL;
  }
  if (!l->has_condition) {
    /* For each: the Iterators list, resolved. */
    vars_ctx vc = {w};
    sr_rb_vars vars = {lookup, &vc};
    sr_buf b = {M(w), NULL, 0, 0, 0};
    char err[200];
    int rc = l->iterators_node ? sr_rb_render(&b, l->iterators_node, &vars, err, sizeof err)
                               : sr_rb_render_str(&b, l->iterators ? l->iterators : "[]", &vars,
                                                  err, sizeof err);
    sr_doc *d = NULL;
    if (rc == SIREN_OK && !b.failed && b.p &&
        sr_doc_parse_json(&d, M(w), b.p, b.n, NULL, NULL) == SIREN_OK &&
        sr_doc_root(d)->kind == SR_DOC_SEQ) {
      const sr_doc_node *root = sr_doc_root(d);
      size_t n = root->count < SR_RB_MAX_ITERATIONS ? root->count : SR_RB_MAX_ITERATIONS;
      const char *vals[SR_RB_MAX_ITERATIONS];
      sr_buf items[SR_RB_MAX_ITERATIONS];
      size_t k = 0;
      int ok = 1;
      for (; k < n && ok; k++) {
        items[k] = (sr_buf){M(w), NULL, 0, 0, 0};
        if (sr_rb_json(&items[k], root->items[k], err, sizeof err) || items[k].failed) ok = 0;
        vals[k] = items[k].p ? items[k].p : "null";
      }
      char **pack = ok ? sr_pack_cstr(M(w), vals, n) : NULL;
      for (size_t j = 0; j < k; j++) sr_free(M(w), items[j].p);
      sr_doc_free(d);
      sr_free(M(w), b.p);
      if (!pack) {
        w->failed = 1;
        return;
      }
      push_ptr(w, &w->fresh, &w->nfresh, &w->capfresh, pack);
      ls->iters = pack;
      ls->iter_count = (uint32_t)n;
    } else {
      if (rc == SIREN_ENOMEM || b.failed) w->failed = 1;
      sr_doc_free(d);
      sr_free(M(w), b.p);
      if (w->failed) return;
      const char *why = rc ? err : "Iterators is not a list";
      set_str(w, &ls->failure, why, strlen(why));
      set_status(w, i, SIREN_EXEC_FAILED);
      finish(w, SIREN_EXEC_FAILED, why);
      return;
    }
    if (ls->iter_count == 0) {
      step_done(w, i);
      return;
    }
  }
  if (l->body_count == 0) {
    step_done(w, i);
    return;
  }
  set_status(w, i, SIREN_EXEC_IN_PROGRESS);
  start_step(w, l->body_first);
}

static void start_step(work *w, uint32_t i) { run_step(w, i, 0); }

/* Starts step i: a first attempt, or (retry) the next attempt of the same
 * run. In Interactive mode a step starts only when StartStep named it (or
 * for its own retries); otherwise the execution waits with it Pending. */
static void run_step(work *w, uint32_t i, int retry) {
  if (w->failed) return;
  if (++w->guard > 2000) {
    finish(w, SIREN_EXEC_FAILED, "more than 2000 steps without waiting: a cycle?");
    return;
  }
  sr_xrun *x = &w->x;
  const sr_rb_step *s = &x->rb->steps[i];
  sr_step_state *st = &x->steps[i];
  x->cur = i;
  new_wait(w);
  if (x->mode == SIREN_MODE_INTERACTIVE && !retry && w->granted != i) {
    st->status = SIREN_EXEC_PENDING;
    x->status = x->cancelling ? SIREN_EXEC_CANCELLING : SIREN_EXEC_WAITING;
    return;
  }
  w->granted = SR_NONE;
  if (!retry) {
    st->attempts = 0;
    set_str(w, &st->outputs, NULL, 0);
    set_str(w, &st->failure, NULL, 0);
  }
  st->attempts++;
  st->start = w->now;
  st->end = 0;
  st->iteration = s->loop == SR_NONE ? 0 : x->steps[s->loop].loop_iter;
  st->votes = 0;
  st->approvals = 0;
  x->status = x->cancelling ? SIREN_EXEC_CANCELLING : SIREN_EXEC_IN_PROGRESS;
  switch (s->kind) {
  case SR_ACT_BRANCH: {
    vars_ctx vc = {w};
    sr_rb_vars vars = {lookup, &vc};
    uint32_t next = SR_NONE;
    for (size_t k = 0; k < s->choice_count && next == SR_NONE; k++) {
      int res = 0;
      char err[200];
      int rc = sr_rb_eval(M(w), &s->choices[k].cond, &vars, &res, err, sizeof err);
      if (rc == SIREN_ENOMEM) {
        w->failed = 1;
        return;
      }
      if (rc) {
        st->attempts = s->max_attempts;
        step_failed(w, i, SIREN_EXEC_FAILED, err);
        return;
      }
      if (res) next = s->choices[k].next;
    }
    if (next == SR_NONE) next = s->branch_default;
    set_status(w, i, SIREN_EXEC_SUCCESS);
    if (next == SR_NONE || s->is_end) {
      advance_from(w, i);
      return;
    }
    start_step(w, next);
    return;
  }
  case SR_ACT_LOOP:
    start_loop(w, i);
    return;
  case SR_ACT_PAUSE:
    if (render_inputs(w, i)) return;
    set_status(w, i, SIREN_EXEC_WAITING);
    if (!x->cancelling) x->status = SIREN_EXEC_WAITING;
    if (s->timeout_s) arm(w, w->now + s->timeout_s * 1000);
    return;
  case SR_ACT_APPROVE:
    if (render_inputs(w, i)) return;
    set_status(w, i, SIREN_EXEC_WAITING);
    if (!x->cancelling) x->status = SIREN_EXEC_WAITING;
    arm(w, w->now + (s->timeout_s ? s->timeout_s : SR_RB_APPROVE_TIMEOUT_S) * 1000);
    return;
  case SR_ACT_SLEEP: {
    if (render_inputs(w, i)) return;
    char text[128];
    int64_t wake = w->now, d = 0;
    if (input_str(w, i, "Duration", text, sizeof text) == 0) {
      if (sr_rb_duration(text, &d) || d > (int64_t)SR_RB_MAX_SLEEP_S * 1000) {
        st->attempts = s->max_attempts;
        step_failed(w, i, SIREN_EXEC_FAILED, "Duration is not an ISO 8601 duration of at most 604799 s");
        return;
      }
      wake = w->now + d;
    } else if (input_str(w, i, "Timestamp", text, sizeof text) == 0) {
      if (sr_rb_timestamp(text, &wake)) {
        st->attempts = s->max_attempts;
        step_failed(w, i, SIREN_EXEC_FAILED, "Timestamp is not an ISO 8601 UTC time");
        return;
      }
      if (wake - w->now > (int64_t)SR_RB_MAX_SLEEP_S * 1000) wake = w->now + (int64_t)SR_RB_MAX_SLEEP_S * 1000;
    }
    if (w->failed) return;
    if (wake <= w->now) {
      step_done(w, i);
      return;
    }
    set_status(w, i, SIREN_EXEC_IN_PROGRESS);
    arm(w, wake);
    return;
  }
  default: /* a host action */
    if (render_inputs(w, i)) return;
    set_status(w, i, SIREN_EXEC_IN_PROGRESS);
    add_fx(w, FX_ACTION, i, 0, NULL);
    if (s->timeout_s) arm(w, w->now + s->timeout_s * 1000);
    return;
  }
}

/* The document's outputs, a JSON object {"step.Output": value}. */
static void final_outputs(work *w) {
  const sr_runbook *rb = w->x.rb;
  sr_buf b = {M(w), NULL, 0, 0, 0};
  sr_buf_str(&b, "{");
  size_t written = 0;
  for (size_t k = 0; k < rb->output_count; k++) {
    const char *o = rb->outputs[k];
    vars_ctx vc = {w};
    const char *json;
    size_t jl;
    if (lookup(&vc, o, strlen(o), &json, &jl)) continue;
    if (written++) sr_buf_str(&b, ",");
    sr_buf_json(&b, o);
    sr_buf_str(&b, ":");
    sr_buf_cat(&b, json, jl);
  }
  sr_buf_str(&b, "}");
  if (b.failed) {
    w->failed = 1;
    sr_free(M(w), b.p);
    return;
  }
  set_str(w, &w->x.outputs, b.p, b.n);
  sr_free(M(w), b.p);
}

static void finish(work *w, uint8_t status, const char *failure) {
  sr_xrun *x = &w->x;
  if (x->cancelling && status == SIREN_EXEC_SUCCESS) status = SIREN_EXEC_CANCELLED;
  if (x->failed_critical && status == SIREN_EXEC_SUCCESS) status = SIREN_EXEC_FAILED;
  x->status = status;
  x->end = w->now;
  x->cur = SR_NONE;
  new_wait(w);
  if (failure) set_str(w, &x->failure, failure, strlen(failure));
  final_outputs(w);
  char **tl = NULL;
  if (x->incident) {
    sr_buf b = {M(w), NULL, 0, 0, 0};
    sr_buf_fmt(&b, "{\"execution\":%u,\"runbook\":", w->index + 1);
    sr_buf_json(&b, x->rb->name);
    sr_buf_str(&b, ",\"status\":");
    sr_buf_json(&b, siren_exec_status_name((siren_exec_status)status));
    sr_buf_str(&b, "}");
    sr_str one = {b.p ? b.p : "", b.n};
    tl = b.failed ? NULL : sr_pack(M(w), &one, 1);
    sr_free(M(w), b.p);
    if (!tl) w->failed = 1;
  }
  add_fx(w, FX_FINISHED, 0, status, tl);
}

/* ------------------------------------------------------- prepare helpers */

static work *work_new(siren_engine *e, uint32_t index, int64_t now) {
  work *w = sr_calloc(&e->mem, 1, sizeof *w);
  if (!w) return NULL;
  w->e = e;
  w->index = index;
  w->now = now;
  w->granted = SR_NONE;
  return w;
}

/* A working copy of execution index (its step array copied). */
static work *work_of(siren_engine *e, uint32_t index, int64_t now) {
  work *w = work_new(e, index, now);
  if (!w) return NULL;
  sr_xrun *x = &e->rbs->execs[index];
  w->x = *x;
  w->x.steps = sr_calloc(&e->mem, x->rb->step_count, sizeof(sr_step_state));
  if (!w->x.steps) {
    sr_free(&e->mem, w);
    return NULL;
  }
  memcpy(w->x.steps, x->steps, x->rb->step_count * sizeof(sr_step_state));
  return w;
}

/* Hands the work to commit, or frees it. */
static int work_done(siren_engine *e, work *w) {
  if (w->failed) {
    work_free(&e->mem, w, 0);
    return SIREN_ENOMEM;
  }
  /* What commit will need: timers, timeline events. */
  size_t tls = 0;
  for (size_t i = 0; i < w->nfx; i++) tls += w->fx[i].tl != NULL;
  if (sr_timer_reserve(e, 1) || sr_tl_reserve(e, tls) ||
      (w->is_new && sr_grow(&e->mem, (void **)&e->rbs->execs, &e->rbs->exec_cap,
                            e->rbs->exec_count + 1, sizeof(sr_xrun))) ||
      (w->is_new && sr_map_reserve(&e->mem, &e->rbs->tokens, 1))) {
    work_free(&e->mem, w, 0);
    return SIREN_ENOMEM;
  }
  e->rbs->stash = w;
  return SIREN_OK;
}

void sr_runbook_discard(siren_engine *e) {
  if (!e->rbs || !e->rbs->stash) return;
  work_free(&e->mem, e->rbs->stash, 0);
  e->rbs->stash = NULL;
}

/* Parameter values for an execution: the given ones checked against the
 * document, defaults for the rest. Builds the pack and the object. */
/* One scalar against allowedValues and min/maxChars. */
static int scalar_ok(const sr_rb_param *pp, const sr_doc_node *v, char *why, size_t whycap) {
  if (v->kind == SR_DOC_STRING) {
    if (pp->min_chars >= 0 && (int64_t)v->len < pp->min_chars) {
      snprintf(why, whycap, "parameter \"%s\": shorter than minChars %lld", pp->name,
               (long long)pp->min_chars);
      return 0;
    }
    if (pp->max_chars >= 0 && (int64_t)v->len > pp->max_chars) {
      snprintf(why, whycap, "parameter \"%s\": longer than maxChars %lld", pp->name,
               (long long)pp->max_chars);
      return 0;
    }
  }
  if (!pp->allowed || pp->allowed->kind != SR_DOC_SEQ) return 1;
  for (size_t i = 0; i < pp->allowed->count; i++) {
    const sr_doc_node *a = pp->allowed->items[i];
    if (a->kind == SR_DOC_INT && v->kind == SR_DOC_INT && a->i == v->i) return 1;
    if (a->str && v->str && a->kind != SR_DOC_INT && strcmp(a->str, v->str) == 0) return 1;
  }
  snprintf(why, whycap, "parameter \"%s\": \"%.60s\" is not one of its allowedValues",
           pp->name, v->str ? v->str : "");
  return 0;
}

/* A given value (JSON text) against the parameter's rules. */
static int value_ok(const sr_mem *m, const sr_rb_param *pp, const sr_str *json, char *why,
                    size_t whycap, int *nomem) {
  sr_doc *d = NULL;
  int rc = sr_doc_parse_json(&d, m, json->p, json->n, NULL, NULL);
  if (rc) {
    *nomem = rc == SIREN_ENOMEM;
    snprintf(why, whycap, "parameter \"%s\": not a valid value", pp->name);
    return 0;
  }
  const sr_doc_node *v = sr_doc_root(d);
  int ok = 1;
  if (v->kind == SR_DOC_SEQ && pp->type == SR_PT_STRINGLIST) {
    if ((pp->min_items >= 0 && (int64_t)v->count < pp->min_items) ||
        (pp->max_items >= 0 && (int64_t)v->count > pp->max_items)) {
      snprintf(why, whycap, "parameter \"%s\": %zu items, outside minItems/maxItems", pp->name,
               v->count);
      ok = 0;
    }
    for (size_t i = 0; ok && i < v->count; i++) ok = scalar_ok(pp, v->items[i], why, whycap);
  } else if (v->kind != SR_DOC_SEQ && v->kind != SR_DOC_MAP) {
    ok = scalar_ok(pp, v, why, whycap);
  }
  sr_doc_free(d);
  return ok;
}

static int build_params(siren_engine *e, const sr_runbook *rb, const sr_str *names,
                        const sr_str *values /* JSON */, size_t n, char ***pack_out,
                        char **json_out, char *why, size_t whycap) {
  const sr_mem *m = &e->mem;
  for (size_t k = 0; k < n; k++) {
    size_t p = 0;
    while (p < rb->param_count && strcmp(rb->params[p].name, names[k].p) != 0) p++;
    if (p == rb->param_count) {
      snprintf(why, whycap, "parameter \"%s\": the runbook has no such parameter", names[k].p);
      return SIREN_EINVAL;
    }
  }
  sr_str *v = sr_calloc(m, 2 * (rb->param_count ? rb->param_count : 1), sizeof *v);
  sr_buf *defaults = sr_calloc(m, rb->param_count ? rb->param_count : 1, sizeof *defaults);
  size_t ndef = 0;
  if (!v || !defaults) {
    sr_free(m, v);
    sr_free(m, defaults);
    return SIREN_ENOMEM;
  }
  int rc = SIREN_OK;
  for (size_t p = 0; p < rb->param_count && rc == SIREN_OK; p++) {
    const sr_rb_param *pp = &rb->params[p];
    v[2 * p].p = pp->name;
    v[2 * p].n = strlen(pp->name);
    size_t k = 0;
    while (k < n && strcmp(names[k].p, pp->name) != 0) k++;
    if (k < n) {
      v[2 * p + 1] = values[k];
      int nomem = 0;
      if (!value_ok(m, pp, &values[k], why, whycap, &nomem)) rc = nomem ? SIREN_ENOMEM : SIREN_EINVAL;
    } else if (pp->def) {
      sr_buf *b = &defaults[ndef++];
      *b = (sr_buf){m, NULL, 0, 0, 0};
      char err[64];
      int jr = sr_rb_json(b, pp->def, err, sizeof err);
      if (jr || b->failed) rc = jr == SIREN_EINVAL ? SIREN_EINVAL : SIREN_ENOMEM;
      if (jr == SIREN_EINVAL) snprintf(why, whycap, "parameter \"%s\": default %s", pp->name, err);
      v[2 * p + 1].p = b->p ? b->p : "null";
      v[2 * p + 1].n = b->p ? b->n : 4;
    } else {
      snprintf(why, whycap, "parameter \"%s\" is required", pp->name);
      rc = SIREN_EINVAL;
    }
  }
  char **pack = NULL;
  char *json = NULL;
  if (rc == SIREN_OK) {
    pack = sr_pack(m, v, 2 * rb->param_count);
    sr_buf b = {m, NULL, 0, 0, 0};
    sr_buf_str(&b, "{");
    for (size_t p = 0; p < rb->param_count; p++) {
      if (p) sr_buf_str(&b, ",");
      sr_buf_json(&b, v[2 * p].p);
      sr_buf_str(&b, ":");
      sr_buf_cat(&b, v[2 * p + 1].p, v[2 * p + 1].n);
    }
    sr_buf_str(&b, "}");
    json = b.failed ? NULL : b.p;
    if (b.failed) sr_free(m, b.p);
    if (!pack || !json) {
      sr_free(m, pack);
      sr_free(m, json);
      pack = NULL;
      json = NULL;
      rc = SIREN_ENOMEM;
    }
  }
  for (size_t d = 0; d < ndef; d++) sr_free(m, defaults[d].p);
  sr_free(m, defaults);
  sr_free(m, v);
  *pack_out = pack;
  *json_out = json;
  return rc;
}

/* Prepares a new execution of runbook bi; params as (name, JSON value)
 * pairs. The work is stashed for sr_runbook_commit_start. */
int sr_exec_prepare_start(siren_engine *e, int64_t now, uint32_t bi, const sr_str *names,
                          const sr_str *values, size_t n, uint8_t mode, const char *token,
                          uint32_t incident, char *why, size_t whycap) {
  int rc = ensure_state(e);
  if (rc) return rc;
  sr_rbstate *s = e->rbs;
  sr_runbook *rb = s->books[bi];
  work *w = work_new(e, (uint32_t)s->exec_count, now);
  if (!w) return SIREN_ENOMEM;
  w->is_new = 1;
  sr_xrun *x = &w->x;
  memset(x, 0, sizeof *x);
  x->rb = rb;
  x->mode = mode ? mode : SIREN_MODE_AUTO;
  x->incident = incident;
  x->start = now;
  x->cur = SR_NONE;
  x->status = SIREN_EXEC_IN_PROGRESS;
  char **pack = NULL;
  char *json = NULL;
  rc = build_params(e, rb, names, values, n, &pack, &json, why, whycap);
  if (rc) {
    work_free(&e->mem, w, 0);
    return rc;
  }
  push_ptr(w, &w->fresh, &w->nfresh, &w->capfresh, pack);
  push_ptr(w, &w->fresh, &w->nfresh, &w->capfresh, json);
  x->params = pack;
  x->param_count = (uint32_t)rb->param_count;
  x->params_json = json;
  x->token = fresh_str(w, token ? token : "", token ? strlen(token) : 0);
  x->steps = sr_calloc(&e->mem, rb->step_count ? rb->step_count : 1, sizeof(sr_step_state));
  if (!x->steps) w->failed = 1;
  for (size_t i = 0; x->steps && i < rb->step_count; i++) x->steps[i].status = SIREN_EXEC_PENDING;
  char **tl = NULL;
  if (incident && !w->failed) {
    sr_buf b = {&e->mem, NULL, 0, 0, 0};
    sr_buf_fmt(&b, "{\"execution\":%u,\"runbook\":", w->index + 1);
    sr_buf_json(&b, rb->name);
    sr_buf_str(&b, ",\"parameters\":");
    sr_buf_str(&b, json ? json : "{}");
    sr_buf_str(&b, "}");
    sr_str one = {b.p ? b.p : "", b.n};
    tl = b.failed ? NULL : sr_pack(&e->mem, &one, 1);
    sr_free(&e->mem, b.p);
    if (!tl) w->failed = 1;
  }
  add_fx(w, FX_STARTED, 0, 0, tl);
  if (!w->failed) {
    if (rb->main_count == 0)
      finish(w, SIREN_EXEC_SUCCESS, NULL);
    else
      start_step(w, 0); /* in Interactive mode it waits for StartStep */
  }
  return work_done(e, w);
}

/* ---------------------------------------------------------------- commit */

static void apply(siren_engine *e, sr_rec *r) {
  sr_rbstate *s = e->rbs;
  work *w = s->stash;
  s->stash = NULL;
  sr_xrun *x = NULL;
  if (w->is_new) {
    x = &s->execs[s->exec_count++];
    w->x.rb->refs++;
    if (w->x.token && w->x.token[0]) sr_map_put(&s->tokens, w->x.token, w->index);
    *x = w->x;
  } else {
    x = &s->execs[w->index];
    sr_free(&e->mem, x->steps);
    *x = w->x;
  }
  for (size_t i = 0; i < w->nstale; i++) sr_free(&e->mem, w->stale[i]);
  if (w->timer) sr_timer_push(e, w->timer_due, SR_TIMER_STEP, w->index, x->gen);
  const sr_runbook *rb = x->rb;
  const char *arn = x->incident ? SR_AT(e->incidents, x->incident - 1).fixed[IF_ARN] : "";
  for (size_t i = 0; i < w->nfx; i++) {
    const effect *f = &w->fx[i];
    siren_event ev;
    if (f->kind == FX_ACTION) {
      const sr_step_state *st = &x->steps[f->step];
      siren_notification n;
      memset(&n, 0, sizeof n);
      n.version = SIREN_NOTIFICATION_VERSION;
      n.kind = SIREN_NOTIFY_ACTION;
      n.time = r->time;
      n.contact = n.channel = n.channel_type = n.address = n.sender = n.subject = n.content =
          n.code = n.text = n.message = "";
      n.incident_id = arn;
      n.incident = x->incident;
      n.execution = (siren_id)w->index + 1;
      n.step = rb->steps[f->step].name;
      n.action = rb->steps[f->step].action;
      n.inputs = st->inputs ? st->inputs : "{}";
      n.attempt = st->attempts;
      sr_notify(e, &n, SR_NONE);
      continue;
    }
    uint8_t tlkind = 0;
    if (f->kind == FX_STARTED) {
      sr_event_init(&ev, SIREN_EVENT_RUNBOOK_STARTED, r->time);
      ev.text = rb->name;
      tlkind = SR_TL_RUNBOOK_STARTED;
    } else if (f->kind == FX_STEP) {
      sr_event_init(&ev, SIREN_EVENT_RUNBOOK_STEP, r->time);
      ev.channel = rb->steps[f->step].name;
      ev.reason = siren_exec_status_name((siren_exec_status)f->status);
      ev.text = x->steps[f->step].failure ? x->steps[f->step].failure : "";
      tlkind = SR_TL_RUNBOOK_STEP;
    } else {
      sr_event_init(&ev, SIREN_EVENT_RUNBOOK_FINISHED, r->time);
      ev.reason = siren_exec_status_name((siren_exec_status)f->status);
      ev.text = x->failure ? x->failure : "";
      tlkind = SR_TL_RUNBOOK_FINISHED;
    }
    ev.related = (siren_id)w->index + 1;
    ev.incident = x->incident;
    ev.incident_id = arn;
    sr_emit(e, &ev);
    if (f->tl && x->incident) {
      sr_tl_add(e, x->incident - 1, tlkind, r->time, (int64_t)w->index + 1, 0, f->tl, 0);
      w->fx[i].tl = NULL;
    }
  }
  w->x.steps = NULL; /* now the execution's */
  w->nfresh = 0;     /* now the execution's */
  work_free(&e->mem, w, 1);
}

/* ------------------------------------------------------------- commands */

static int get_exec(siren_engine *e, siren_id id, sr_xrun **out) {
  if (!e->rbs || id == 0 || id > e->rbs->exec_count)
    return sr_err(e, SIREN_ENOTFOUND, "no execution %llu", (unsigned long long)id);
  *out = &e->rbs->execs[id - 1];
  return SIREN_OK;
}

SIREN_EXTERN int siren_runbook_load(siren_engine *e, const char *name, const char *text,
                                    size_t length) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  e->problems_len = 0;
  if (e->problems) e->problems[0] = '\0';
  if (!valid_book_name(name)) return sr_err(e, SIREN_EINVAL, "name must be 1-128 of [A-Za-z0-9_.-]");
  if (!text) return sr_err(e, SIREN_EINVAL, "text is NULL");
  /* Validate before writing a record, so a bad document leaves no trace. */
  sr_buf problems = {&e->mem, NULL, 0, 0, 0};
  sr_runbook *rb = NULL;
  rc = sr_runbook_build(&e->mem, name, text, length, &rb, &problems);
  sr_runbook_release(&e->mem, rb);
  if (rc) {
    if (problems.p) {
      sr_free(&e->mem, e->problems);
      e->problems = problems.p;
      e->problems_len = problems.n;
      e->problems_cap = problems.cap;
    }
    if (rc == SIREN_ENOMEM) return sr_err(e, rc, "out of memory");
    char first[200];
    const char *nl = e->problems ? strchr(e->problems, '\n') : NULL;
    snprintf(first, sizeof first, "%.*s", nl ? (int)(nl - e->problems) : 199,
             e->problems ? e->problems : "invalid document");
    return sr_err(e, SIREN_EINVAL, "runbook \"%s\": %s", name, first);
  }
  sr_free(&e->mem, problems.p);
  sr_rec r;
  sr_rec_init(&r, SR_REC_RUNBOOK_LOAD);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, name);
  /* The text may hold NUL bytes or lack a NUL: store exactly length bytes. */
  if (memchr(text, '\0', length)) return sr_err(e, SIREN_EINVAL, "text holds a NUL byte");
  char *copy = sr_strndup(&e->mem, text, length);
  if (!copy) return sr_err(e, SIREN_ENOMEM, "out of memory");
  sr_rec_str(&e->mem, &r, copy);
  rc = sr_exec(e, &r);
  sr_free(&e->mem, copy);
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_runbook_delete(siren_engine *e, const char *name) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!book_find(e, name, NULL))
    return sr_err(e, SIREN_ENOTFOUND, "no runbook \"%s\"", name ? name : "(null)");
  sr_rec r;
  sr_rec_init(&r, SR_REC_RUNBOOK_DELETE);
  r.time = e->now;
  sr_rec_str(&e->mem, &r, name);
  return sr_end(e, sr_exec(e, &r));
}

/* JSON text of a parameter value given as strings: one value of a String,
 * Integer or Boolean parameter becomes that scalar; StringList a list;
 * MapList and StringMap must be given as one JSON text. */
static int param_json(siren_engine *e, const sr_rb_param *pp, const siren_runbook_param *q,
                      sr_buf *b) {
  if (pp->type == SR_PT_STRINGLIST) {
    sr_buf_str(b, "[");
    for (size_t j = 0; j < q->value_count; j++) {
      if (j) sr_buf_str(b, ",");
      sr_buf_json(b, q->values[j]);
    }
    sr_buf_str(b, "]");
    return SIREN_OK;
  }
  if (q->value_count != 1) return SIREN_EINVAL;
  const char *v = q->values[0];
  if (pp->type == SR_PT_STRING) {
    sr_buf_json(b, v);
  } else if (pp->type == SR_PT_INTEGER) {
    int64_t x;
    if (sr_rb_parse_int(v, &x)) return SIREN_EINVAL;
    sr_buf_fmt(b, "%lld", (long long)x);
  } else if (pp->type == SR_PT_BOOLEAN) {
    if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0)
      sr_buf_str(b, "true");
    else if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0)
      sr_buf_str(b, "false");
    else
      return SIREN_EINVAL;
  } else {
    sr_doc *d = NULL;
    if (sr_doc_parse_json(&d, &e->mem, v, strlen(v), NULL, NULL)) return SIREN_EINVAL;
    sr_doc_kind want = pp->type == SR_PT_MAPLIST ? SR_DOC_SEQ : SR_DOC_MAP;
    int ok = sr_doc_root(d)->kind == want;
    sr_doc_free(d);
    if (!ok) return SIREN_EINVAL;
    sr_buf_str(b, v);
  }
  return SIREN_OK;
}

static const char *type_name(uint8_t t) {
  static const char *const n[] = {"", "String", "StringList", "Integer", "Boolean", "MapList",
                                  "StringMap"};
  return t <= SR_PT_STRINGMAP ? n[t] : "";
}

SIREN_EXTERN int siren_execution_start(siren_id *id, siren_engine *e,
                                       const siren_execution_params *p) {
  if (id) *id = 0;
  if (!id || !e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  if (!p) return sr_err(e, SIREN_EINVAL, "params is NULL");
  if (p->version == 0 || p->version > SIREN_EXECUTION_PARAMS_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_execution_params version %u", p->version);
  uint32_t bi = 0;
  sr_runbook *rb = book_find(e, p->runbook, &bi);
  if (!rb) return sr_err(e, SIREN_ENOTFOUND, "no runbook \"%s\"", p->runbook ? p->runbook : "(null)");
  if (p->mode != 0 && p->mode != SIREN_MODE_AUTO && p->mode != SIREN_MODE_INTERACTIVE)
    return sr_err(e, SIREN_EINVAL, "unknown mode %d", (int)p->mode);
  if (p->client_token && strlen(p->client_token) > 64)
    return sr_err(e, SIREN_EINVAL, "client_token must be at most 64 bytes");
  if (p->incident && p->incident > e->incident_count)
    return sr_err(e, SIREN_ENOTFOUND, "no incident %llu", (unsigned long long)p->incident);
  if (p->param_count && !p->params) return sr_err(e, SIREN_EINVAL, "params is NULL");
  if (p->param_count > 200) return sr_err(e, SIREN_EINVAL, "at most 200 parameters");
  uint32_t prior;
  if (p->client_token && *p->client_token && e->rbs &&
      sr_map_get(&e->rbs->tokens, p->client_token, &prior)) {
    *id = (siren_id)prior + 1;
    return sr_end(e, SIREN_OK);
  }
  /* Record: ints mode, incident, n; strs runbook, token, (name, JSON)... */
  sr_rec r;
  sr_rec_init(&r, SR_REC_EXEC_START);
  r.time = e->now;
  sr_buf vals[200];
  size_t nv = 0;
  int bad = sr_rec_int(&e->mem, &r, p->mode ? p->mode : SIREN_MODE_AUTO) |
            sr_rec_int(&e->mem, &r, (int64_t)p->incident) |
            sr_rec_int(&e->mem, &r, (int64_t)p->param_count) |
            sr_rec_str(&e->mem, &r, p->runbook) | sr_rec_str(&e->mem, &r, p->client_token);
  rc = SIREN_OK;
  for (size_t k = 0; k < p->param_count && !bad && rc == SIREN_OK; k++) {
    const siren_runbook_param *q = &p->params[k];
    if (q->version == 0 || q->version > SIREN_RUNBOOK_PARAM_VERSION) {
      rc = sr_err(e, SIREN_EVERSION, "params[%zu]: version %u", k, q->version);
      break;
    }
    if (!q->name || q->dynamic != SIREN_DYNAMIC_NONE || (q->value_count && !q->values)) {
      rc = sr_err(e, SIREN_EINVAL, "params[%zu]: a name and values (no dynamic value)", k);
      break;
    }
    size_t pi = 0;
    while (pi < rb->param_count && strcmp(rb->params[pi].name, q->name) != 0) pi++;
    if (pi == rb->param_count) {
      rc = sr_err(e, SIREN_EINVAL, "params[%zu]: runbook \"%s\" has no parameter \"%s\"", k,
                  rb->name, q->name);
      break;
    }
    vals[nv] = (sr_buf){&e->mem, NULL, 0, 0, 0};
    if (param_json(e, &rb->params[pi], q, &vals[nv]) || vals[nv].failed) {
      sr_free(&e->mem, vals[nv].p);
      rc = sr_err(e, SIREN_EINVAL, "params[%zu]: \"%s\" is not a %s", k, q->name,
                  type_name(rb->params[pi].type));
      break;
    }
    bad |= sr_rec_str(&e->mem, &r, q->name) | sr_rec_str(&e->mem, &r, vals[nv].p);
    nv++;
  }
  if (bad && rc == SIREN_OK) rc = sr_err(e, SIREN_ENOMEM, "out of memory");
  if (rc == SIREN_OK) {
    /* Required parameters and defaults: refused here with a reason, so the
     * record's prepare (which must agree) never sees them. */
    sr_str names[200], values[200];
    for (size_t k = 0; k < nv; k++) {
      names[k] = r.strs[2 + 2 * k];
      values[k] = r.strs[3 + 2 * k];
    }
    char **pack = NULL;
    char *json = NULL;
    char why[200] = "";
    int prc = build_params(e, rb, names, values, nv, &pack, &json, why, sizeof why);
    sr_free(&e->mem, pack);
    sr_free(&e->mem, json);
    if (prc == SIREN_EINVAL) rc = sr_err(e, prc, "%s", why);
    else if (prc) rc = sr_err(e, prc, "out of memory");
  }
  if (rc == SIREN_OK) {
    rc = sr_exec(e, &r);
    if (rc == SIREN_OK) *id = (siren_id)e->rbs->exec_count;
  }
  for (size_t k = 0; k < nv; k++) sr_free(&e->mem, vals[k].p);
  sr_rec_free(&e->mem, &r);
  return sr_end(e, rc);
}

SIREN_EXTERN int siren_execution_signal(siren_engine *e, siren_id execution, siren_signal signal,
                                        const char *step, const char *approver,
                                        const char *comment) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_xrun *x = NULL;
  if ((rc = get_exec(e, execution, &x))) return rc;
  if (is_terminal(x->status))
    return sr_err(e, SIREN_ESTATE, "execution %llu has ended (%s)", (unsigned long long)execution,
                  siren_exec_status_name((siren_exec_status)x->status));
  if (signal < SIREN_SIGNAL_APPROVE || signal > SIREN_SIGNAL_STOP_STEP)
    return sr_err(e, SIREN_EINVAL, "unknown signal %d", (int)signal);
  uint32_t si = x->cur;
  if (step && *step) {
    si = sr_runbook_step(x->rb, step);
    if (si == SR_NONE)
      return sr_err(e, SIREN_ENOTFOUND, "runbook \"%s\" has no step \"%s\"", x->rb->name, step);
  }
  if (si == SR_NONE) return sr_err(e, SIREN_ESTATE, "no step is running");
  const sr_rb_step *s = &x->rb->steps[si];
  const sr_step_state *st = &x->steps[si];
  switch (signal) {
  case SIREN_SIGNAL_APPROVE:
  case SIREN_SIGNAL_REJECT: {
    if (s->kind != SR_ACT_APPROVE || st->status != SIREN_EXEC_WAITING || si != x->cur)
      return sr_err(e, SIREN_ESTATE, "step \"%s\" is not waiting for approval", s->name);
    if (!approver || !*approver) return sr_err(e, SIREN_EINVAL, "approver is required");
    int k = sr_rb_approver(s, approver);
    if (k == -1) return sr_err(e, SIREN_EDENIED, "\"%s\" is not an approver of \"%s\"", approver, s->name);
    if (k >= 0 && (st->votes >> k) & 1)
      return sr_err(e, SIREN_EDENIED, "\"%s\" has already voted on \"%s\"", approver, s->name);
    break;
  }
  case SIREN_SIGNAL_RESUME:
    if (s->kind != SR_ACT_PAUSE || st->status != SIREN_EXEC_WAITING || si != x->cur)
      return sr_err(e, SIREN_ESTATE, "step \"%s\" is not paused", s->name);
    break;
  case SIREN_SIGNAL_START_STEP:
    if (x->mode != SIREN_MODE_INTERACTIVE)
      return sr_err(e, SIREN_ESTATE, "StartStep is for Interactive executions");
    if (x->cur != SR_NONE && x->steps[x->cur].status != SIREN_EXEC_PENDING)
      return sr_err(e, SIREN_ESTATE, "step \"%s\" is still running", x->rb->steps[x->cur].name);
    break;
  case SIREN_SIGNAL_STOP_STEP:
    if (si != x->cur || (st->status != SIREN_EXEC_IN_PROGRESS && st->status != SIREN_EXEC_WAITING))
      return sr_err(e, SIREN_ESTATE, "step \"%s\" is not running", s->name);
    break;
  }
  if (comment && strlen(comment) > 2048) return sr_err(e, SIREN_EINVAL, "comment must be at most 2048 bytes");
  sr_rec r;
  sr_rec_init(&r, SR_REC_EXEC_SIGNAL);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)execution);
  sr_rec_int(&e->mem, &r, signal);
  sr_rec_str(&e->mem, &r, x->rb->steps[si].name);
  sr_rec_str(&e->mem, &r, approver);
  sr_rec_str(&e->mem, &r, comment);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_execution_stop(siren_engine *e, siren_id execution, siren_stop_type type) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_xrun *x = NULL;
  if ((rc = get_exec(e, execution, &x))) return rc;
  if (is_terminal(x->status) || (x->cancelling && type == SIREN_STOP_CANCEL))
    return sr_err(e, SIREN_ESTATE, "execution %llu has ended (%s)", (unsigned long long)execution,
                  siren_exec_status_name((siren_exec_status)x->status));
  if (type != SIREN_STOP_CANCEL && type != SIREN_STOP_COMPLETE)
    return sr_err(e, SIREN_EINVAL, "unknown stop type %d", (int)type);
  sr_rec r;
  sr_rec_init(&r, SR_REC_EXEC_STOP);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)execution);
  sr_rec_int(&e->mem, &r, type);
  return sr_end(e, sr_exec(e, &r));
}

SIREN_EXTERN int siren_action_result(siren_engine *e, siren_id execution, const char *step,
                                     uint32_t attempt, const char *outputs, const char *failure) {
  if (!e) return SIREN_EINVAL;
  int rc = sr_begin(e);
  if (rc) return rc;
  sr_xrun *x = NULL;
  if ((rc = get_exec(e, execution, &x))) return rc;
  uint32_t si = step ? sr_runbook_step(x->rb, step) : SR_NONE;
  if (si == SR_NONE)
    return sr_err(e, SIREN_ENOTFOUND, "runbook \"%s\" has no step \"%s\"", x->rb->name,
                  step ? step : "(null)");
  const sr_step_state *st = &x->steps[si];
  if (x->rb->steps[si].kind != SR_ACT_HOST || si != x->cur || st->status != SIREN_EXEC_IN_PROGRESS ||
      st->attempts != attempt || is_terminal(x->status))
    return sr_err(e, SIREN_ESTATE, "attempt %u of step \"%s\" is not running", attempt,
                  x->rb->steps[si].name);
  if (failure && (!*failure || strlen(failure) > 2048))
    return sr_err(e, SIREN_EINVAL, "failure must be 1-2048 bytes");
  if (!failure && outputs && *outputs) {
    sr_doc *d = NULL;
    rc = sr_doc_parse_json(&d, &e->mem, outputs, strlen(outputs), NULL, NULL);
    int ok = rc == SIREN_OK && sr_doc_root(d)->kind == SR_DOC_MAP;
    sr_doc_free(d);
    if (rc == SIREN_ENOMEM) return sr_err(e, rc, "out of memory");
    if (!ok) return sr_err(e, SIREN_EINVAL, "outputs must be a JSON object");
  }
  sr_rec r;
  sr_rec_init(&r, SR_REC_ACTION_RESULT);
  r.time = e->now;
  sr_rec_int(&e->mem, &r, (int64_t)execution);
  sr_rec_int(&e->mem, &r, attempt);
  sr_rec_int(&e->mem, &r, failure ? 0 : 1);
  sr_rec_str(&e->mem, &r, step);
  sr_rec_str(&e->mem, &r, failure ? "" : (outputs && *outputs ? outputs : "{}"));
  sr_rec_str(&e->mem, &r, failure);
  return sr_end(e, sr_exec(e, &r));
}

/* ---------------------------------------------------- prepare and commit */

static int exec_ref(siren_engine *e, const sr_rec *r, uint32_t *out) {
  if (!e->rbs || r->int_count < 1 || r->ints[0] < 1 || (uint64_t)r->ints[0] > e->rbs->exec_count)
    return SIREN_ECORRUPT;
  *out = (uint32_t)(r->ints[0] - 1);
  return SIREN_OK;
}

static int prepare_signal(siren_engine *e, sr_rec *r) {
  uint32_t xi = 0;
  if (exec_ref(e, r, &xi) || r->int_count != 2 || r->str_count != 3) return SIREN_ECORRUPT;
  const sr_xrun *x0 = &e->rbs->execs[xi];
  uint32_t si = sr_runbook_step(x0->rb, r->strs[0].p);
  if (si == SR_NONE || is_terminal(x0->status)) return SIREN_ECORRUPT;
  work *w = work_of(e, xi, r->time);
  if (!w) return SIREN_ENOMEM;
  sr_xrun *x = &w->x;
  const sr_rb_step *s = &x->rb->steps[si];
  sr_step_state *st = &x->steps[si];
  switch (r->ints[1]) {
  case SIREN_SIGNAL_APPROVE:
  case SIREN_SIGNAL_REJECT: {
    int k = sr_rb_approver(s, r->strs[1].p);
    if (s->kind != SR_ACT_APPROVE || si != x->cur || st->status != SIREN_EXEC_WAITING || k == -1)
      goto corrupt;
    if (k >= 0) st->votes |= (uint64_t)1 << k;
    if (r->ints[1] == SIREN_SIGNAL_REJECT) {
      char why[300];
      snprintf(why, sizeof why, "rejected by %s%s%s", r->strs[1].p, r->strs[2].n ? ": " : "",
               r->strs[2].p);
      st->attempts = s->max_attempts;
      step_failed(w, si, SIREN_EXEC_FAILED, why);
    } else if (++st->approvals >= s->min_approvals) {
      new_wait(w);
      step_done(w, si);
    }
    break;
  }
  case SIREN_SIGNAL_RESUME:
    if (s->kind != SR_ACT_PAUSE || si != x->cur || st->status != SIREN_EXEC_WAITING) goto corrupt;
    new_wait(w);
    step_done(w, si);
    break;
  case SIREN_SIGNAL_START_STEP:
    if (x->mode != SIREN_MODE_INTERACTIVE) goto corrupt;
    w->granted = si;
    start_step(w, si);
    break;
  case SIREN_SIGNAL_STOP_STEP:
    if (si != x->cur) goto corrupt;
    new_wait(w);
    st->attempts = s->max_attempts;
    step_failed(w, si, SIREN_EXEC_CANCELLED, "stopped by StopStep");
    break;
  default:
    goto corrupt;
  }
  return work_done(e, w);
corrupt:
  work_free(&e->mem, w, 0);
  return SIREN_ECORRUPT;
}

static int prepare_stop(siren_engine *e, sr_rec *r) {
  uint32_t xi = 0;
  if (exec_ref(e, r, &xi) || r->int_count != 2) return SIREN_ECORRUPT;
  if (is_terminal(e->rbs->execs[xi].status)) return SIREN_ECORRUPT;
  work *w = work_of(e, xi, r->time);
  if (!w) return SIREN_ENOMEM;
  sr_xrun *x = &w->x;
  uint32_t si = x->cur;
  if (si != SR_NONE && !is_terminal(x->steps[si].status) && x->steps[si].status != SIREN_EXEC_PENDING)
    set_status(w, si, SIREN_EXEC_CANCELLED);
  new_wait(w);
  if (r->ints[1] == SIREN_STOP_COMPLETE) {
    finish(w, SIREN_EXEC_SUCCESS, NULL);
  } else if (si != SR_NONE && x->rb->steps[si].on_cancel == SR_ON_STEP && !x->cancelling) {
    x->cancelling = 1;
    x->status = SIREN_EXEC_CANCELLING;
    start_step(w, x->rb->steps[si].on_cancel_step);
    if (x->status == SIREN_EXEC_IN_PROGRESS || x->status == SIREN_EXEC_WAITING)
      x->status = SIREN_EXEC_CANCELLING;
  } else {
    x->cancelling = 1;
    finish(w, SIREN_EXEC_CANCELLED, NULL);
  }
  return work_done(e, w);
}

static int prepare_result(siren_engine *e, sr_rec *r) {
  uint32_t xi = 0;
  if (exec_ref(e, r, &xi) || r->int_count != 3 || r->str_count != 3) return SIREN_ECORRUPT;
  const sr_xrun *x0 = &e->rbs->execs[xi];
  uint32_t si = sr_runbook_step(x0->rb, r->strs[0].p);
  if (si == SR_NONE || si != x0->cur || x0->steps[si].status != SIREN_EXEC_IN_PROGRESS ||
      x0->steps[si].attempts != (uint64_t)r->ints[1])
    return SIREN_ECORRUPT;
  work *w = work_of(e, xi, r->time);
  if (!w) return SIREN_ENOMEM;
  new_wait(w);
  if (r->ints[2]) {
    set_str(w, &w->x.steps[si].outputs, r->strs[1].p, r->strs[1].n);
    set_str(w, &w->x.steps[si].failure, NULL, 0);
    step_done(w, si);
  } else {
    step_failed(w, si, SIREN_EXEC_FAILED, r->strs[2].p);
  }
  if (w->x.cancelling && (w->x.status == SIREN_EXEC_IN_PROGRESS || w->x.status == SIREN_EXEC_WAITING))
    w->x.status = SIREN_EXEC_CANCELLING;
  return work_done(e, w);
}

int sr_exec_timer_valid(const siren_engine *e, const sr_timer *t) {
  if (!e->rbs || t->ref >= e->rbs->exec_count) return 0;
  const sr_xrun *x = &e->rbs->execs[t->ref];
  return !is_terminal(x->status) && x->gen == t->gen;
}

int sr_exec_timer_prepare(siren_engine *e, sr_rec *r) {
  sr_timer t = {r->time, SR_TIMER_STEP, (uint32_t)r->ints[1], (uint32_t)r->ints[2]};
  if (r->ints[1] < 0 || !sr_exec_timer_valid(e, &t)) return SIREN_ECORRUPT;
  work *w = work_of(e, (uint32_t)r->ints[1], r->time);
  if (!w) return SIREN_ENOMEM;
  sr_xrun *x = &w->x;
  uint32_t si = x->cur;
  if (si == SR_NONE) {
    work_free(&e->mem, w, 0);
    return SIREN_ECORRUPT;
  }
  const sr_rb_step *s = &x->rb->steps[si];
  new_wait(w);
  if (s->kind == SR_ACT_SLEEP && x->steps[si].status == SIREN_EXEC_IN_PROGRESS) {
    step_done(w, si);
  } else {
    char why[64];
    snprintf(why, sizeof why, "timed out after %lld s",
             (long long)(s->timeout_s ? s->timeout_s
                                      : (s->kind == SR_ACT_APPROVE ? SR_RB_APPROVE_TIMEOUT_S : 0)));
    step_failed(w, si, SIREN_EXEC_TIMED_OUT, why);
  }
  if (x->cancelling && (x->status == SIREN_EXEC_IN_PROGRESS || x->status == SIREN_EXEC_WAITING))
    x->status = SIREN_EXEC_CANCELLING;
  return work_done(e, w);
}

void sr_exec_timer_fire(siren_engine *e, sr_rec *r) { apply(e, r); }

int sr_runbook_prepare(siren_engine *e, sr_rec *r) {
  int rc = ensure_state(e);
  if (rc) return rc;
  sr_rbstate *s = e->rbs;
  switch (r->type) {
  case SR_REC_RUNBOOK_LOAD: {
    if (r->str_count != 2) return SIREN_ECORRUPT;
    sr_buf problems = {&e->mem, NULL, 0, 0, 0};
    sr_runbook *rb = NULL;
    rc = sr_runbook_build(&e->mem, r->strs[0].p, r->strs[1].p, r->strs[1].n, &rb, &problems);
    sr_free(&e->mem, problems.p);
    if (rc) return rc == SIREN_ENOMEM ? rc : SIREN_ECORRUPT;
    if (sr_grow(&e->mem, (void **)&s->books, &s->cap, s->count + 1, sizeof(sr_runbook *)) ||
        sr_map_reserve(&e->mem, &s->names, 1)) {
      sr_runbook_release(&e->mem, rb);
      return SIREN_ENOMEM;
    }
    work *w = work_new(e, 0, r->time);
    if (!w) {
      sr_runbook_release(&e->mem, rb);
      return SIREN_ENOMEM;
    }
    w->x.rb = rb; /* the work carries the built runbook to commit */
    w->owns_rb = 1;
    s->stash = w;
    return SIREN_OK;
  }
  case SR_REC_RUNBOOK_DELETE:
    return r->str_count == 1 && book_find(e, r->strs[0].p, NULL) ? SIREN_OK : SIREN_ECORRUPT;
  case SR_REC_EXEC_START: {
    if (r->int_count != 3 || r->ints[2] < 0 || r->ints[2] > 200 ||
        r->str_count != 2 + 2 * (size_t)r->ints[2] ||
        (r->ints[0] != SIREN_MODE_AUTO && r->ints[0] != SIREN_MODE_INTERACTIVE) ||
        r->ints[1] < 0 || (uint64_t)r->ints[1] > e->incident_count)
      return SIREN_ECORRUPT;
    uint32_t bi = 0;
    if (!book_find(e, r->strs[0].p, &bi)) return SIREN_ECORRUPT;
    size_t n = (size_t)r->ints[2];
    sr_str names[200], values[200];
    for (size_t k = 0; k < n; k++) {
      names[k] = r->strs[2 + 2 * k];
      values[k] = r->strs[3 + 2 * k];
    }
    char why[200];
    rc = sr_exec_prepare_start(e, r->time, bi, names, values, n, (uint8_t)r->ints[0],
                               r->strs[1].p, (uint32_t)r->ints[1], why, sizeof why);
    return rc == SIREN_EINVAL ? SIREN_ECORRUPT : rc;
  }
  case SR_REC_EXEC_SIGNAL:
    return prepare_signal(e, r);
  case SR_REC_EXEC_STOP:
    return prepare_stop(e, r);
  case SR_REC_ACTION_RESULT:
    return prepare_result(e, r);
  default:
    return SIREN_ECORRUPT;
  }
}

void sr_runbook_commit(siren_engine *e, sr_rec *r) {
  sr_rbstate *s = e->rbs;
  switch (r->type) {
  case SR_REC_RUNBOOK_LOAD: {
    work *w = s->stash;
    s->stash = NULL;
    sr_runbook *rb = w->x.rb;
    w->x.rb = NULL;
    work_free(&e->mem, w, 1);
    uint32_t bi = 0;
    if (book_find(e, rb->name, &bi)) {
      sr_map_del(&s->names, s->books[bi]->name);
      sr_runbook_release(&e->mem, s->books[bi]);
      s->books[bi] = rb;
    } else {
      bi = (uint32_t)s->count++;
      s->books[bi] = rb;
    }
    sr_map_put(&s->names, rb->name, bi);
    break;
  }
  case SR_REC_RUNBOOK_DELETE: {
    uint32_t bi = 0;
    book_find(e, r->strs[0].p, &bi);
    sr_map_del(&s->names, s->books[bi]->name);
    sr_runbook_release(&e->mem, s->books[bi]);
    s->books[bi] = NULL;
    break;
  }
  default:
    apply(e, r);
    break;
  }
}

int sr_runbook_index(const siren_engine *e, const char *name, uint32_t *bi) {
  return book_find((siren_engine *)e, name, bi) != NULL;
}

void sr_exec_commit_prepared(siren_engine *e, sr_rec *r) {
  if (e->rbs && e->rbs->stash) apply(e, r);
}

int sr_exec_prepare_for_plan(siren_engine *e, int64_t now, uint32_t bi,
                             const siren_response_plan *p, const char *arn,
                             const char *const *involved, size_t ninvolved, uint32_t incident,
                             char *why, size_t whycap) {
  const sr_runbook *rb = e->rbs->books[bi];
  size_t n = p->runbook_param_count;
  sr_str names[200], values[200];
  sr_buf bufs[200];
  int rc = SIREN_OK;
  size_t made = 0;
  for (size_t k = 0; k < n && rc == SIREN_OK; k++) {
    const siren_runbook_param *q = &p->runbook_params[k];
    size_t pi = 0;
    while (pi < rb->param_count && strcmp(rb->params[pi].name, q->name) != 0) pi++;
    if (pi == rb->param_count) {
      snprintf(why, whycap, "runbook \"%s\" has no parameter \"%s\"", rb->name, q->name);
      rc = SIREN_EINVAL;
      break;
    }
    uint8_t type = rb->params[pi].type;
    sr_buf *b = &bufs[made++];
    *b = (sr_buf){&e->mem, NULL, 0, 0, 0};
    if (q->dynamic == SIREN_DYNAMIC_INCIDENT_RECORD_ARN) {
      if (type == SR_PT_STRINGLIST) sr_buf_str(b, "[");
      sr_buf_json(b, arn);
      if (type == SR_PT_STRINGLIST) sr_buf_str(b, "]");
    } else if (q->dynamic == SIREN_DYNAMIC_INVOLVED_RESOURCES) {
      if (type == SR_PT_STRING) {
        sr_buf_json(b, ninvolved ? involved[0] : "");
      } else {
        sr_buf_str(b, "[");
        for (size_t j = 0; j < ninvolved; j++) {
          if (j) sr_buf_str(b, ",");
          sr_buf_json(b, involved[j]);
        }
        sr_buf_str(b, "]");
      }
    } else if (param_json(e, &rb->params[pi], q, b)) {
      snprintf(why, whycap, "parameter \"%s\" is not a %s", q->name, type_name(type));
      rc = SIREN_EINVAL;
      break;
    }
    if (b->failed) rc = SIREN_ENOMEM;
    names[k].p = q->name;
    names[k].n = strlen(q->name);
    values[k].p = b->p ? b->p : "null";
    values[k].n = b->p ? b->n : 4;
  }
  if (rc == SIREN_OK)
    rc = sr_exec_prepare_start(e, now, bi, names, values, n, SIREN_MODE_AUTO, "", incident, why,
                               whycap);
  for (size_t k = 0; k < made; k++) sr_free(&e->mem, bufs[k].p);
  return rc;
}

size_t sr_exec_running_for_incident(const siren_engine *e, uint32_t incident) {
  size_t n = 0;
  for (size_t i = 0; e->rbs && i < e->rbs->exec_count; i++)
    n += e->rbs->execs[i].incident == incident && !is_terminal(e->rbs->execs[i].status);
  return n;
}

const char *sr_exec_runbook_name(const siren_engine *e, uint64_t id) {
  if (!e->rbs || id == 0 || id > e->rbs->exec_count) return "";
  return e->rbs->execs[id - 1].rb->name;
}

/* The incident is over: its executions stop where they are, without their
 * onCancel steps (which would act on an incident nobody handles any more).
 * The timeline entries are rendered on demand (the capacity was reserved by
 * the resolution's prepare), so nothing is allocated here. */
void sr_exec_cancel_for_incident(siren_engine *e, int64_t t, uint32_t incident) {
  if (!e->rbs) return;
  const char *arn = SR_AT(e->incidents, incident - 1).fixed[IF_ARN];
  for (size_t i = 0; i < e->rbs->exec_count; i++) {
    sr_xrun *x = &e->rbs->execs[i];
    if (x->incident != incident || is_terminal(x->status)) continue;
    siren_event ev;
    if (x->cur != SR_NONE && !is_terminal(x->steps[x->cur].status) &&
        x->steps[x->cur].status != SIREN_EXEC_PENDING) {
      x->steps[x->cur].status = SIREN_EXEC_CANCELLED;
      x->steps[x->cur].end = t;
      sr_event_init(&ev, SIREN_EVENT_RUNBOOK_STEP, t);
      ev.related = (siren_id)i + 1;
      ev.incident = incident;
      ev.incident_id = arn;
      ev.channel = x->rb->steps[x->cur].name;
      ev.reason = "Cancelled";
      sr_emit(e, &ev);
    }
    x->status = SIREN_EXEC_CANCELLED;
    x->end = t;
    x->cur = SR_NONE;
    x->gen++;
    sr_tl_add(e, incident - 1, SR_TL_RUNBOOK_FINISHED, t, (int64_t)i + 1, SIREN_EXEC_CANCELLED,
              NULL, 0);
    sr_event_init(&ev, SIREN_EVENT_RUNBOOK_FINISHED, t);
    ev.related = (siren_id)i + 1;
    ev.incident = incident;
    ev.incident_id = arn;
    ev.reason = "Cancelled";
    ev.text = "the incident was resolved";
    sr_emit(e, &ev);
  }
}

uint32_t sr_exec_reannounce(siren_engine *e) {
  uint32_t n = 0;
  for (size_t i = 0; e->rbs && i < e->rbs->exec_count; i++) {
    const sr_xrun *x = &e->rbs->execs[i];
    if (is_terminal(x->status) || x->cur == SR_NONE) continue;
    const sr_rb_step *s = &x->rb->steps[x->cur];
    const sr_step_state *st = &x->steps[x->cur];
    if (s->kind != SR_ACT_HOST || st->status != SIREN_EXEC_IN_PROGRESS) continue;
    siren_notification nt;
    memset(&nt, 0, sizeof nt);
    nt.version = SIREN_NOTIFICATION_VERSION;
    nt.kind = SIREN_NOTIFY_ACTION;
    nt.time = st->start;
    nt.contact = nt.channel = nt.channel_type = nt.address = nt.sender = nt.subject =
        nt.content = nt.code = nt.text = nt.message = "";
    nt.incident_id = x->incident ? SR_AT(e->incidents, x->incident - 1).fixed[IF_ARN] : "";
    nt.incident = x->incident;
    nt.execution = (siren_id)i + 1;
    nt.step = s->name;
    nt.action = s->action;
    nt.inputs = st->inputs ? st->inputs : "{}";
    nt.attempt = st->attempts;
    sr_notify(e, &nt, SR_NONE);
    n++;
  }
  return n;
}

int sr_runbooks_present(const siren_engine *e) {
  return e->rbs && (e->rbs->count || e->rbs->exec_count);
}

void sr_runbooks_free(siren_engine *e) {
  sr_rbstate *s = e->rbs;
  if (!s) return;
  sr_runbook_discard(e);
  for (size_t i = 0; i < s->exec_count; i++) {
    sr_xrun *x = &s->execs[i];
    for (size_t k = 0; k < x->rb->step_count; k++) {
      sr_step_state *st = &x->steps[k];
      sr_free(&e->mem, st->inputs);
      sr_free(&e->mem, st->outputs);
      sr_free(&e->mem, st->failure);
      sr_free(&e->mem, st->iters);
    }
    sr_free(&e->mem, x->steps);
    sr_free(&e->mem, x->params);
    sr_free(&e->mem, x->params_json);
    sr_free(&e->mem, x->token);
    sr_free(&e->mem, x->failure);
    sr_free(&e->mem, x->outputs);
    sr_runbook_release(&e->mem, x->rb);
  }
  sr_free(&e->mem, s->execs);
  for (size_t i = 0; i < s->count; i++) sr_runbook_release(&e->mem, s->books[i]);
  sr_free(&e->mem, s->books);
  sr_map_free(&e->mem, &s->names);
  sr_map_free(&e->mem, &s->tokens);
  sr_free(&e->mem, s);
  e->rbs = NULL;
}

/* ---------------------------------------------------------------- queries */

SIREN_EXTERN int siren_runbook_get(siren_runbook_info *out, siren_engine *e, const char *name) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_RUNBOOK_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_runbook_info version %u", out->version);
  const sr_runbook *rb = book_find(e, name, NULL);
  if (!rb) return sr_err(e, SIREN_ENOTFOUND, "no runbook \"%s\"", name ? name : "(null)");
  out->name = rb->name;
  out->description = rb->description ? rb->description : "";
  out->assume_role = rb->assume_role ? rb->assume_role : "";
  out->parameter_count = (uint32_t)rb->param_count;
  out->step_count = (uint32_t)rb->main_count;
  out->output_count = (uint32_t)rb->output_count;
  return SIREN_OK;
}

SIREN_EXTERN uint32_t siren_runbook_count(const siren_engine *e) {
  return e && e->rbs ? (uint32_t)e->rbs->names.live : 0;
}

SIREN_EXTERN const char *siren_runbook_name_at(const siren_engine *e, uint32_t i) {
  if (!e || !e->rbs) return NULL;
  for (size_t k = 0; k < e->rbs->count; k++)
    if (e->rbs->books[k] && i-- == 0) return e->rbs->books[k]->name;
  return NULL;
}

SIREN_EXTERN int siren_execution_get(siren_execution_info *out, siren_engine *e, siren_id id) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_EXECUTION_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_execution_info version %u", out->version);
  sr_xrun *x = NULL;
  if ((rc = get_exec(e, id, &x))) return rc;
  out->id = id;
  out->runbook = x->rb->name;
  out->status = (siren_exec_status)x->status;
  out->mode = (siren_exec_mode)x->mode;
  out->incident = x->incident;
  out->start_time = x->start;
  out->end_time = x->end;
  out->current_step = x->cur == SR_NONE ? "" : x->rb->steps[x->cur].name;
  out->failure_message = x->failure ? x->failure : "";
  out->parameters = x->params_json ? x->params_json : "{}";
  out->outputs = x->outputs ? x->outputs : "{}";
  out->step_count = (uint32_t)x->rb->step_count;
  return SIREN_OK;
}

SIREN_EXTERN int siren_execution_step_at(siren_step_info *out, siren_engine *e, siren_id id,
                                         uint32_t i) {
  if (!out || !e) return SIREN_EINVAL;
  int rc = sr_query(e);
  if (rc) return rc;
  if (out->version == 0 || out->version > SIREN_STEP_INFO_VERSION)
    return sr_err(e, SIREN_EVERSION, "siren_step_info version %u", out->version);
  sr_xrun *x = NULL;
  if ((rc = get_exec(e, id, &x))) return rc;
  if (i >= x->rb->step_count) return sr_err(e, SIREN_ENOTFOUND, "no step %u", i);
  const sr_step_state *st = &x->steps[i];
  out->name = x->rb->steps[i].name;
  out->action = x->rb->steps[i].action;
  out->status = (siren_exec_status)st->status;
  out->attempts = st->attempts;
  out->start_time = st->start;
  out->end_time = st->end;
  out->inputs = st->inputs ? st->inputs : "";
  out->outputs = st->outputs ? st->outputs : "";
  out->failure_message = st->failure ? st->failure : "";
  out->iteration = st->iteration;
  return SIREN_OK;
}

SIREN_EXTERN int siren_executions(siren_id *ids, size_t cap, size_t *total, siren_engine *e) {
  if (!total || !e || (cap && !ids)) return SIREN_EINVAL;
  *total = 0;
  int rc = sr_query(e);
  if (rc) return rc;
  size_t n = e->rbs ? e->rbs->exec_count : 0;
  for (size_t i = 0; i < n && i < cap; i++) ids[i] = (siren_id)i + 1;
  *total = n;
  return SIREN_OK;
}
