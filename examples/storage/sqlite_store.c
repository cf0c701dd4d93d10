/*
 * sqlite_store — siren's records in one SQLite table, WAL mode,
 * synchronous=FULL, group commit. Why each setting: see sqlite_store.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include "sqlite_store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_store {
  sqlite3 *db;
  sqlite3_stmt *insert; /* INSERT INTO records(body) VALUES (?) */
  sqlite3_stmt *select; /* SELECT body FROM records ORDER BY seq */
  unsigned int flags;
  int in_txn;   /* a group is open: BEGIN IMMEDIATE was run, COMMIT is due */
  int reading;  /* select is stepping */
  int failed;   /* records were lost (a failed COMMIT or a rollback): sticky */
  uint64_t records;
  uint64_t syncs;
  char err[256];
};

static void set_err(sqlite_store *ss, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ss->err, sizeof ss->err, fmt, ap);
  va_end(ap);
}

/* Runs one statement that returns no rows we need. 0 or -1. */
static int exec(sqlite_store *ss, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(ss->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    set_err(ss, "%s: %s", sql, msg ? msg : sqlite3_errmsg(ss->db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* The text of the first column of a one-row statement, into buf. */
static int query_text(sqlite_store *ss, const char *sql, char *buf, size_t cap) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(ss->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    set_err(ss, "%s: %s", sql, sqlite3_errmsg(ss->db));
    sqlite3_finalize(st);
    return -1;
  }
  const unsigned char *t = sqlite3_column_text(st, 0);
  snprintf(buf, cap, "%s", t ? (const char *)t : "");
  sqlite3_finalize(st);
  return 0;
}

static int prepare(sqlite_store *ss, const char *sql, sqlite3_stmt **st) {
  if (sqlite3_prepare_v2(ss->db, sql, -1, st, NULL) != SQLITE_OK) {
    set_err(ss, "%s: %s", sql, sqlite3_errmsg(ss->db));
    return -1;
  }
  return 0;
}

static void destroy(sqlite_store *ss) {
  sqlite3_finalize(ss->insert);
  sqlite3_finalize(ss->select);
  sqlite3_close(ss->db); /* NULL is allowed */
  free(ss);
}

int sqlite_store_open(sqlite_store **out, const char *path, unsigned int flags,
                      sqlite_store_report *report, char *err, size_t errcap) {
  if (err && errcap) err[0] = '\0';
  if (!out || !path) {
    if (err && errcap) snprintf(err, errcap, "sqlite_store_open: NULL argument");
    return -1;
  }
  *out = NULL;
  sqlite_store *ss = calloc(1, sizeof *ss);
  if (!ss) {
    if (err && errcap) snprintf(err, errcap, "out of memory");
    return -1;
  }
  ss->flags = flags;
  sqlite_store_report rep;
  memset(&rep, 0, sizeof rep);
  char mode[32];
  sqlite3_stmt *st = NULL;

  if (sqlite3_open_v2(path, &ss->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    set_err(ss, "%s: %s", path, ss->db ? sqlite3_errmsg(ss->db) : "out of memory");
    goto fail;
  }
  sqlite3_extended_result_codes(ss->db, 1);
  /* EXCLUSIVE before the first WAL access: no shared memory, and the lock
   * stays with this connection. */
  if (query_text(ss, "PRAGMA locking_mode=EXCLUSIVE", mode, sizeof mode)) goto fail;
  if (query_text(ss, "PRAGMA journal_mode=WAL", mode, sizeof mode)) goto fail;
  if (strcmp(mode, "wal") != 0) {
    set_err(ss, "%s: journal_mode is %s, not wal", path, mode);
    goto fail;
  }
  if (exec(ss, "PRAGMA synchronous=FULL")) goto fail;
  /* Take the write lock now, so that a second host fails here and not at
   * its first append. */
  if (exec(ss, "BEGIN IMMEDIATE")) {
    set_err(ss, "%s: in use by another process (%s)", path, sqlite3_errmsg(ss->db));
    goto fail;
  }
  if (prepare(ss, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='records'",
              &st))
    goto fail;
  if (sqlite3_step(st) != SQLITE_ROW) {
    set_err(ss, "%s: %s", path, sqlite3_errmsg(ss->db));
    goto fail;
  }
  rep.created = sqlite3_column_int(st, 0) == 0;
  sqlite3_finalize(st);
  st = NULL;
  if (exec(ss, "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)") ||
      exec(ss, "COMMIT"))
    goto fail;
  /* Make a committed log tail left in the page cache by a killed
   * predecessor durable before anything acts on it. */
  if (exec(ss, "PRAGMA wal_checkpoint(TRUNCATE)")) goto fail;

  if (prepare(ss, "SELECT count(*), coalesce(sum(length(body)), 0) FROM records", &st)) goto fail;
  if (sqlite3_step(st) != SQLITE_ROW) {
    set_err(ss, "%s: %s", path, sqlite3_errmsg(ss->db));
    goto fail;
  }
  rep.records = (uint64_t)sqlite3_column_int64(st, 0);
  rep.payload_bytes = (uint64_t)sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  st = NULL;
  ss->records = rep.records;

  if (prepare(ss, "INSERT INTO records (body) VALUES (?1)", &ss->insert) ||
      prepare(ss, "SELECT body FROM records ORDER BY seq", &ss->select))
    goto fail;
  if (report) *report = rep;
  *out = ss;
  return 0;

fail:
  if (err && errcap) snprintf(err, errcap, "%s", ss->err);
  sqlite3_finalize(st);
  destroy(ss);
  return -1;
}

int sqlite_store_close(sqlite_store *ss) {
  if (!ss) return 0;
  int rc = sqlite_store_sync(ss);
  destroy(ss);
  return rc;
}

int sqlite_store_append(sqlite_store *ss, const void *record, size_t len) {
  if (ss->failed) {
    set_err(ss, "records were lost earlier: the store must be reopened");
    return -1;
  }
  if (len > (size_t)INT32_MAX) {
    set_err(ss, "record of %zu bytes refused", len);
    return -1;
  }
  if (!(ss->flags & SQLITE_STORE_SYNC_EACH) && !ss->in_txn) {
    if (exec(ss, "BEGIN IMMEDIATE")) return -1;
    ss->in_txn = 1;
  }
  int rc = len ? sqlite3_bind_blob(ss->insert, 1, record, (int)len, SQLITE_STATIC)
               : sqlite3_bind_zeroblob(ss->insert, 1, 0);
  if (rc == SQLITE_OK) rc = sqlite3_step(ss->insert);
  if (rc != SQLITE_DONE) set_err(ss, "insert: %s", sqlite3_errmsg(ss->db));
  sqlite3_reset(ss->insert);
  sqlite3_clear_bindings(ss->insert);
  if (rc != SQLITE_DONE) {
    if (ss->in_txn && sqlite3_get_autocommit(ss->db)) {
      /* SQLite rolled the whole group back (SQLITE_FULL, IOERR...): the
       * records appended before this one are gone too. */
      ss->in_txn = 0;
      ss->failed = 1;
    }
    return -1;
  }
  ss->records++;
  if (!ss->in_txn) ss->syncs++; /* autocommit: committed (and synced) already */
  return 0;
}

int sqlite_store_sync(sqlite_store *ss) {
  if (ss->failed) {
    set_err(ss, "records were lost earlier: the store must be reopened");
    return -1;
  }
  if (!ss->in_txn) return 0;
  ss->in_txn = 0;
  if (exec(ss, "COMMIT")) {
    if (!sqlite3_get_autocommit(ss->db)) sqlite3_exec(ss->db, "ROLLBACK", NULL, NULL, NULL);
    ss->failed = 1;
    return -1;
  }
  ss->syncs++;
  return 0;
}

int sqlite_store_rewind(sqlite_store *ss) {
  sqlite3_reset(ss->select);
  ss->reading = 0;
  return 0;
}

int sqlite_store_next(sqlite_store *ss, const void **record, size_t *len) {
  if (!ss->reading) {
    sqlite3_reset(ss->select);
    ss->reading = 1;
  }
  int rc = sqlite3_step(ss->select);
  if (rc == SQLITE_ROW) {
    const void *p = sqlite3_column_blob(ss->select, 0);
    int n = sqlite3_column_bytes(ss->select, 0);
    *record = p ? p : (const void *)""; /* a zero-length blob reads as NULL */
    *len = (size_t)n;
    return 0;
  }
  sqlite3_reset(ss->select);
  ss->reading = 0;
  *record = NULL;
  *len = 0;
  if (rc == SQLITE_DONE) return 0;
  set_err(ss, "select: %s", sqlite3_errmsg(ss->db));
  return -1;
}

/* Runs a DELETE (with arg as ?1 when it has a parameter) in its own commit,
 * which synchronous=FULL syncs. */
static int delete_with(sqlite_store *ss, const char *sql, sqlite3_int64 arg) {
  sqlite3_stmt *st = NULL;
  if (prepare(ss, sql, &st)) return -1;
  if (sqlite3_bind_parameter_count(st) > 0) sqlite3_bind_int64(st, 1, arg);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) set_err(ss, "%s: %s", sql, sqlite3_errmsg(ss->db));
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return -1;
  ss->syncs++;
  return 0;
}

int sqlite_store_truncate(sqlite_store *ss, uint64_t payload_bytes) {
  if (sqlite_store_sync(ss)) return -1;
  sqlite_store_rewind(ss);
  sqlite3_stmt *st = NULL;
  if (prepare(ss, "SELECT seq, length(body) FROM records ORDER BY seq", &st)) return -1;
  uint64_t sum = 0, kept = 0;
  sqlite3_int64 last = 0;
  int rc = SQLITE_ROW;
  while (sum < payload_bytes && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    last = sqlite3_column_int64(st, 0);
    sum += (uint64_t)sqlite3_column_int64(st, 1);
    kept++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) set_err(ss, "select: %s", sqlite3_errmsg(ss->db));
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
  if (sum != payload_bytes) {
    set_err(ss, "%llu payload bytes is not a record boundary", (unsigned long long)payload_bytes);
    return -1;
  }
  if (delete_with(ss, "DELETE FROM records WHERE seq > ?1", last)) return -1;
  ss->records = kept;
  return 0;
}

int sqlite_store_keep_last(sqlite_store *ss) {
  if (sqlite_store_sync(ss)) return -1;
  if (ss->records <= 1) return 0;
  sqlite_store_rewind(ss);
  if (delete_with(ss, "DELETE FROM records WHERE seq < (SELECT max(seq) FROM records)", 0))
    return -1;
  ss->records = 1;
  return 0;
}

uint64_t sqlite_store_records(const sqlite_store *ss) { return ss ? ss->records : 0; }
uint64_t sqlite_store_syncs(const sqlite_store *ss) { return ss ? ss->syncs : 0; }
const char *sqlite_store_errmsg(const sqlite_store *ss) { return ss ? ss->err : "no store"; }
