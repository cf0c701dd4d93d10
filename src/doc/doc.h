/*
 * Document readers: a strict JSON (RFC 8259) reader and a reader for the YAML
 * subset that AWS SSM Automation documents and CloudFormation templates use.
 * Both produce the same small tree of sr_doc_node, owned by one sr_doc (an
 * arena: every node and string is freed by one sr_doc_free).
 *
 * Neither reader touches the OS (no files, no clock, no globals written); every
 * allocation goes through the sr_mem given. The input need not be
 * NUL-terminated: exactly len bytes are read.
 *
 * Results: SIREN_OK; SIREN_EINVAL for malformed input or an exceeded limit
 * (err, when not NULL, gets the 1-based line and column and a message that says
 * what was expected); SIREN_ENOMEM when an allocation failed (nothing leaks).
 * On failure *out is set to NULL. Columns count bytes, not characters.
 *
 * Positions: node->line/col is where the node's content starts, after any tag
 * (the opening bracket or quote, the first key of a block mapping, the '-' of
 * a block sequence, the '|' or '>' of a block scalar). An empty YAML value
 * (`key:`) gets the position where the value would have been. Errors point at
 * the offending byte (for an unterminated construct: the end of input, and the
 * message names where it was opened).
 *
 * Strings: every scalar has str (NUL-terminated, len bytes; it may contain NUL
 * bytes when an escape produced one). For INT, DOUBLE, BOOL and NULL scalars
 * str is the source text ("" for an empty YAML value). Containers have
 * str == NULL and len == 0. INT nodes also set d; DOUBLE nodes leave i at 0.
 *
 * JSON: strict RFC 8259. One value, surrounded only by whitespace; a leading
 * UTF-8 byte order mark is skipped. Integers that fit int64 are INT, other
 * numbers DOUBLE (numbers whose magnitude overflows a double are rejected).
 * Duplicate keys are all kept in document order. Conversion of decimal text
 * to double uses strtod, so the C locale (LC_NUMERIC "C") is assumed.
 *
 * YAML subset (see yaml.c for details):
 *  - block mappings and sequences, including "- key: value" compact mappings,
 *    "- - x" compact nested sequences and sequences at the same indentation as
 *    their parent key; flow [] and {} (nested, multi-line, trailing comma,
 *    single-pair "[a: b]" mappings);
 *  - plain scalars (multi-line, folded), single-quoted ('' escape) and
 *    double-quoted scalars (all YAML 1.2 escapes, escaped line breaks,
 *    folding), literal | and folded > block scalars with chomping (+ -) and
 *    indentation (1-9) indicators;
 *  - comments, %YAML/%TAG directive lines (skipped), "---" document start,
 *    "..." document end; \n, \r\n and \r line breaks (YAML 1.2: U+0085,
 *    U+2028 and U+2029 are ordinary characters); a leading BOM;
 *  - tags: any "!Name", "!!name", "!prefix!name" or "!<verbatim>" tag is kept
 *    as text in node->tag and the node is read as usual. "!!str" and the
 *    non-specific tag "!" make a plain scalar a STRING; other tags do not
 *    change how a plain scalar is typed;
 *  - plain scalars are typed with the YAML 1.2 core schema: null, Null, NULL,
 *    ~ and the empty value are NULL; true/True/TRUE/false/False/FALSE are
 *    BOOL; decimal integers fitting int64 and 0x / 0o integers fitting int64
 *    are INT; [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)? and
 *    [-+]?.inf and .nan (each in its three spellings) are DOUBLE; anything else
 *    (e.g. 2010-09-09) is STRING. Quoted and block scalars are always STRING.
 * Rejected with an error: anchors (&a) and aliases (*a) ("anchors and aliases
 * are not supported"); explicit keys ("? key"); flow collections as mapping
 * keys; block mapping keys that span lines; empty plain keys (": x"; a quoted
 * "" key is fine); more than one tag on a node; tabs in indentation (tabs
 * are fine inside scalars and between tokens on a line); a second document:
 * after "..." or a second "---" only blank lines, comments and further "..."
 * lines may follow; anything else is an error ("only one YAML document is
 * supported"). Input must be valid UTF-8 without C0 control characters other
 * than tab, LF and CR, and without DEL.
 *
 * Limits (0 in a field, or limits == NULL, means the default): max_bytes
 * (16 MiB) bounds len; max_depth (128) bounds the nesting of sequences and
 * mappings; max_nodes (1,000,000) bounds the number of nodes. The JSON reader
 * does not recurse. The YAML reader recurses once per nesting level, so a
 * max_depth above SR_DOC_YAML_DEPTH_CAP is lowered to it.
 */
#ifndef SIREN_DOC_DOC_H
#define SIREN_DOC_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

typedef enum {
  SR_DOC_NULL,
  SR_DOC_BOOL,
  SR_DOC_INT,
  SR_DOC_DOUBLE,
  SR_DOC_STRING,
  SR_DOC_SEQ,
  SR_DOC_MAP
} sr_doc_kind;

typedef struct sr_doc_node sr_doc_node;

/* One mapping entry. Keys are scalar nodes. */
typedef struct sr_doc_pair {
  sr_doc_node *key;
  sr_doc_node *value;
} sr_doc_pair;

struct sr_doc_node {
  sr_doc_kind kind;
  uint32_t line, col;   /* 1-based position where the node starts */
  const char *tag;      /* YAML tag text such as "!Ref", "!!str", or NULL */
  int quoted;           /* scalar was quoted (YAML '...' or "..."; every JSON string) */
  const char *str;      /* scalars: text after unescaping/folding, NUL-terminated */
  size_t len;           /* bytes in str, without the terminating NUL */
  int boolean;          /* BOOL */
  int64_t i;            /* INT */
  double d;             /* DOUBLE, and INT converted to double */
  size_t count;         /* SEQ: items; MAP: pairs */
  sr_doc_node **items;  /* SEQ */
  sr_doc_pair *pairs;   /* MAP, in document order */
};

/* A parsed document. Owns every node and string: one sr_doc_free frees all. */
typedef struct sr_doc sr_doc;

typedef struct sr_doc_error {
  uint32_t line, col; /* 1-based; columns count bytes */
  char msg[200];
} sr_doc_error;

/* 0 in a field means the default: 16 MiB, 128, 1,000,000. */
typedef struct sr_doc_limits {
  size_t max_bytes;
  uint32_t max_depth;
  size_t max_nodes;
} sr_doc_limits;

#define SR_DOC_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define SR_DOC_DEFAULT_MAX_DEPTH 128u
#define SR_DOC_DEFAULT_MAX_NODES ((size_t)1000000)
/* The YAML reader never nests deeper than this, whatever max_depth says. */
#define SR_DOC_YAML_DEPTH_CAP 1000u

int sr_doc_parse_json(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
                      const sr_doc_limits *limits, sr_doc_error *err);
int sr_doc_parse_yaml(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
                      const sr_doc_limits *limits, sr_doc_error *err);
/* JSON when the first non-whitespace byte (after an optional UTF-8 BOM) is '{'
 * or '[', else YAML. */
int sr_doc_parse(sr_doc **out, const sr_mem *mem, const char *text, size_t len,
                 const sr_doc_limits *limits, sr_doc_error *err);

/* The root node; never NULL after success (an empty YAML document gives a
 * NULL-kind node). */
const sr_doc_node *sr_doc_root(const sr_doc *doc);
/* Frees the document and everything in it. NULL allowed. */
void sr_doc_free(sr_doc *doc);

/* The value of the first pair whose key's text equals key exactly; NULL if
 * absent or if map is NULL or not a mapping. */
const sr_doc_node *sr_doc_get(const sr_doc_node *map, const char *key);
/* As sr_doc_get, with ASCII case-insensitive comparison. */
const sr_doc_node *sr_doc_get_ci(const sr_doc_node *map, const char *key);
/* 1 for NULL, BOOL, INT, DOUBLE and STRING nodes; 0 for containers and NULL. */
int sr_doc_is_scalar(const sr_doc_node *n);
/* The name of a kind: "null", "bool", "int", "double", "string", "sequence",
 * "mapping". */
const char *sr_doc_kind_name(sr_doc_kind kind);

/* ------------------------------------------------------------------------
 * Shared by doc.c, json.c and yaml.c only (define SR_DOC_IMPL before
 * including). Not an interface for the rest of siren.
 */
#ifdef SR_DOC_IMPL

typedef struct sr_doc_parser {
  sr_doc *doc;
  const sr_mem *mem;
  const char *s; /* input */
  size_t n;      /* input length */
  size_t pos;    /* current offset */
  uint32_t line; /* 1-based line of pos */
  size_t lstart; /* offset where that line starts */
  size_t max_nodes, nodes;
  uint32_t max_depth, depth;
  char *buf; /* scratch for building one string */
  size_t blen, bcap;
  sr_doc_node **stk; /* children of the containers being read */
  size_t slen, scap;
  sr_doc_error *err;
  int rc; /* first failure (SIREN_OK while none) */
} sr_doc_parser;

/* Sets up p (allocates the sr_doc); on failure returns an error code and has
 * already reported it. */
int sr_doc__begin(sr_doc_parser *p, const sr_mem *mem, const char *text, size_t len,
                  const sr_doc_limits *limits, sr_doc_error *err, uint32_t depth_cap);
/* Finishes: on rc == SIREN_OK stores root and hands the document to *out;
 * else frees everything. Frees scratch in all cases. Returns rc. */
int sr_doc__end(sr_doc_parser *p, int rc, sr_doc_node *root, sr_doc **out);

/* Reports an error at an offset (or at pos); returns SIREN_EINVAL. Only the
 * first report is kept. */
int sr_doc__fail_at(sr_doc_parser *p, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Reports an allocation failure; returns SIREN_ENOMEM. */
int sr_doc__nomem(sr_doc_parser *p);
/* Column (1-based) of offset off, which must lie on the current line. */
uint32_t sr_doc__col(const sr_doc_parser *p, size_t off);
/* Marks that a line break ends just before offset next_line_start. */
void sr_doc__newline(sr_doc_parser *p, size_t next_line_start);

/* A new node of the given kind at (line, col); counts it against max_nodes.
 * NULL on failure (reported). */
sr_doc_node *sr_doc__node(sr_doc_parser *p, sr_doc_kind kind, uint32_t line, uint32_t col);
/* Copies s (len bytes) into the arena as a NUL-terminated string; NULL on
 * failure (reported). */
char *sr_doc__strdup(sr_doc_parser *p, const char *s, size_t len);

/* Scratch buffer: clear, append bytes, append one code point as UTF-8. Return
 * 0 or an error code (reported). */
static inline void sr_doc__bclear(sr_doc_parser *p) { p->blen = 0; }
int sr_doc__bput(sr_doc_parser *p, const char *s, size_t len);
int sr_doc__bputc(sr_doc_parser *p, char c);
int sr_doc__bpututf8(sr_doc_parser *p, uint32_t cp);

/* Pending children: push one node; move the top count entries into the arena
 * as the items of seq or (count must be even: key, value, ...) pairs of map. */
int sr_doc__push(sr_doc_parser *p, sr_doc_node *n);
int sr_doc__close(sr_doc_parser *p, sr_doc_node *container, size_t base);

/* Nesting: enter one level at offset off (fails beyond max_depth); leave. */
int sr_doc__enter(sr_doc_parser *p, size_t off);
static inline void sr_doc__leave(sr_doc_parser *p) { p->depth--; }

/* Length of the well-formed UTF-8 sequence at s[0..n) (1-4), or 0 when it is
 * malformed (truncated, overlong, surrogate, above U+10FFFF). *cp gets the
 * code point. */
size_t sr_doc__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Converts decimal text (already checked against the JSON/YAML number
 * grammar, NUL-terminated) to a double. Returns 0, or -1 if the magnitude
 * overflows (*out is then +-HUGE_VAL). */
int sr_doc__strtod(const char *s, double *out);
/* Parses an optional sign and decimal digits (the whole of s[0..len)) into an
 * int64. Returns 0, or -1 on overflow or other characters. */
int sr_doc__parse_int(const char *s, size_t len, int64_t *out);

#endif /* SR_DOC_IMPL */

#endif
