/*
 * sqlite_store — siren's records in an SQLite database, for a host (example
 * code: copy it into your host; it is not part of libsiren, which never links
 * SQLite).
 *
 * One table:
 *
 *   CREATE TABLE records (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)
 *
 * seq counts from 1 in append order (it equals siren's record sequence
 * number until records are dropped by sqlite_store_keep_last()); body is the
 * record as siren handed it to storage_append: plain or sealed, the store
 * never looks inside. Reading back is SELECT body ... ORDER BY seq.
 *
 * Durability settings, and why:
 *  - journal_mode=WAL: an append is a few page writes at the end of the log,
 *    and a reader (sqlite3 on the command line, when the host does not hold
 *    the lock) never blocks the writer.
 *  - synchronous=FULL: in WAL mode FULL syncs the log at every commit, so a
 *    committed record survives a power failure. NORMAL syncs the log only at
 *    checkpoints: the last commits may vanish on power loss, which is not
 *    allowed once something they decided was announced. NORMAL plus a
 *    checkpoint at every sync point would be durable too, but a checkpoint
 *    copies pages into the database and syncs twice, so it costs more than
 *    FULL's one sync of the log per commit.
 *  - group commit: sqlite_store_append() opens a transaction (BEGIN
 *    IMMEDIATE) if none is open and INSERTs; sqlite_store_sync() COMMITs it:
 *    one WAL sync for a burst of records. The host calls sync in its notify
 *    callback before delivering and after every siren call returns, exactly
 *    as with file_store (file_store.h says why that keeps siren's promise
 *    that nothing is announced without a durable record). A kill -9 before
 *    the COMMIT rolls the open transaction back; nothing it decided had left
 *    the process. With SQLITE_STORE_SYNC_EACH every append commits on its
 *    own (one WAL sync each).
 *  - locking_mode=EXCLUSIVE: the first write takes a lock the connection
 *    keeps until it closes, so a second host can never interleave records.
 *  - at open, a checkpoint (TRUNCATE): a predecessor killed during COMMIT
 *    may leave a committed log tail that is in the page cache only; the
 *    checkpoint syncs it before an engine replays and acts on it.
 *
 * A failed COMMIT, or an error that made SQLite roll back the open
 * transaction, is sticky: records siren believes stored are gone, so the
 * host must stop and reopen (siren_engine_open) from what the database holds.
 *
 * After siren_engine_open() reports stopped, call
 * sqlite_store_truncate(store, report.bytes): it deletes every record after
 * the last good one (seq > last good).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SIREN_EXAMPLE_SQLITE_STORE_H
#define SIREN_EXAMPLE_SQLITE_STORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sqlite_store sqlite_store;

/* Flags for sqlite_store_open(). */
#define SQLITE_STORE_SYNC_EACH 0x1u /* every append commits (no group commit) */

typedef struct sqlite_store_report {
  int created;            /* 1 when the table was created */
  uint64_t records;       /* records in the table */
  uint64_t payload_bytes; /* their lengths summed */
} sqlite_store_report;

/* Opens (creating when absent) the database at path. report may be NULL. On
 * failure returns -1, *out is NULL and err (may be NULL) gets a message. */
int sqlite_store_open(sqlite_store **out, const char *path, unsigned int flags,
                      sqlite_store_report *report, char *err, size_t errcap);

/* Commits what is pending and closes; NULL is allowed. Returns the commit's
 * result. */
int sqlite_store_close(sqlite_store *ss);

/* Appends one record. 0 or -1 (-1 after a rolled-back transaction is
 * sticky; see the header comment). */
int sqlite_store_append(sqlite_store *ss, const void *record, size_t len);

/* Commits the open transaction (nothing to do when none is open). 0 or -1;
 * -1 is sticky. */
int sqlite_store_sync(sqlite_store *ss);

/* Reads the records back in seq order, as siren_host.storage_next: *record
 * NULL after the last; the bytes stay valid until the next call. The first
 * call after open or rewind starts at the first record. 0 or -1. */
int sqlite_store_next(sqlite_store *ss, const void **record, size_t *len);
int sqlite_store_rewind(sqlite_store *ss);

/* Deletes every record after the prefix whose lengths sum to payload_bytes
 * (siren_open_report.bytes; 0 empties the table), and commits. -1 when that
 * is not a record boundary. */
int sqlite_store_truncate(sqlite_store *ss, uint64_t payload_bytes);

/* Deletes every record but the last, and commits. Call it right after
 * siren_engine_snapshot() succeeded and was synced. */
int sqlite_store_keep_last(sqlite_store *ss);

/* Records in the table, and commits made since open (each one WAL sync). */
uint64_t sqlite_store_records(const sqlite_store *ss);
uint64_t sqlite_store_syncs(const sqlite_store *ss);

/* The last failure in words ("" when none). Valid until the next call. */
const char *sqlite_store_errmsg(const sqlite_store *ss);

#ifdef __cplusplus
}
#endif

#endif
