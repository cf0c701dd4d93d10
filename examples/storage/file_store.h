/*
 * file_store — an append-only file of records for a siren host (example code:
 * copy it into your host and adapt it; it is not part of libsiren).
 *
 * The file is an 8-byte header ("SIRENFS1") followed by frames:
 *
 *   u32 length n (little-endian)   n bytes of record   u32 CRC-32C
 *
 * where the CRC covers the length field and the record. The store never
 * looks inside a record, so a sealed record (siren_host.seal: opaque bytes,
 * not self-delimiting) is stored the same way as a plain one.
 *
 * Opening scans every frame. The first frame that is incomplete, too long or
 * fails its CRC ends the good prefix: the file is cut there (the report says
 * how many bytes went and why) and synced, so that the next append starts on
 * a frame boundary. With the group commit below, such a tail can only hold
 * records that were never synced, and nothing decided by an unsynced record
 * has left the process: dropping it loses nothing anyone saw. (Damage inside
 * the synced part — a bad disk — is cut at the same place; siren would stop
 * replaying there anyway, it never skips a record.)
 *
 * Group commit. file_store_append() write()s the frame and returns without
 * fsync; file_store_sync() makes everything appended so far durable with one
 * fdatasync() (nothing when nothing was appended since). siren's promise is
 * "nothing is announced that has no durable record": it appends a record
 * before it applies it and notifies only after. With a deferred sync that
 * ordering alone no longer makes the record durable, so the host restores the
 * promise by syncing at the only places where anything leaves the process:
 *
 *   1. in its notify callback, before it delivers the message: every record
 *      siren appended so far, the one that decided this message included, was
 *      written before notify was called, so one sync covers them all;
 *   2. after every siren call returns, before it tells anyone the outcome (a
 *      command's reply, an acknowledgement to a user, a SENT receipt printed).
 *
 * Between two such points a power failure loses only records whose effects
 * nobody has seen; the engine reopened from the store is in an earlier state
 * that is consistent with everything the outside world saw, as if the crash
 * had come a moment earlier. A burst of records (a command that starts an
 * incident, engages an escalation and pages its first stage appends a
 * handful) costs one fdatasync instead of one each. A process crash (kill -9)
 * loses nothing at all: written frames are in the page cache.
 *
 * Fewer syncs still: a notify that only queues the message (an outbox) and a
 * host that, after the call returns, syncs once and then delivers the queue
 * keeps the same promise with one sync per siren call instead of one per
 * notification plus one after the call (bench-stores measures both).
 * Delivery failures are then reported with siren_page_receipt(ERROR) rather
 * than by notify's return value.
 *
 * Two more details keep the promise:
 *  - file_store_open() syncs what it read: a predecessor killed between
 *    write() and fdatasync() leaves frames in the page cache that a new
 *    engine would replay and act on (re-announce), so they are made durable
 *    first. A new file's directory is synced too.
 *  - a failed fdatasync() is sticky: every later append and sync fails. After
 *    a failed fsync, Linux may have dropped the dirty pages and a retry can
 *    report success for data that is gone; the engine in memory may hold
 *    records the disk does not. The host must stop without announcing
 *    anything more, and recover by reopening (siren_engine_open) from what
 *    the file really holds.
 *
 * A failed append (ENOSPC, EIO) cuts the file back to the last frame and
 * returns -1: siren then fails the command and changes nothing. The file is
 * locked (flock, exclusive) while open, so two hosts never append to it.
 *
 * Use with siren (the host's user_data points at the host's own struct):
 *
 *   static int on_append(const void *r, size_t n, void *ud) {
 *     return file_store_append(((my_host *)ud)->store, r, n);
 *   }
 *   static int on_next(const void **r, size_t *n, void *ud) {
 *     return file_store_next(((my_host *)ud)->store, r, n);
 *   }
 *   static int on_notify(const siren_notification *n, void *ud) {
 *     if (file_store_sync(((my_host *)ud)->store)) return -1; // then stop
 *     ... deliver ...
 *   }
 *   ... after each siren call: file_store_sync(store) before replying.
 *
 * After siren_engine_open() reports stopped (a record that does not apply,
 * or a damaged sealed record), call file_store_truncate(store, report.bytes).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SIREN_EXAMPLE_FILE_STORE_H
#define SIREN_EXAMPLE_FILE_STORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct file_store file_store;

/* The largest record the store accepts (and believes when scanning). */
#define FILE_STORE_MAX_RECORD (UINT32_C(1) << 28)

/* Flags for file_store_open(). */
#define FILE_STORE_SYNC_EACH 0x1u /* fdatasync in every append (no group commit);
                                     for comparison and for hosts that cannot
                                     find a sync point */

/* What file_store_open() found. */
typedef struct file_store_report {
  int created;            /* 1 when the file was created (or was empty) */
  uint64_t records;       /* good records kept */
  uint64_t payload_bytes; /* their lengths summed: what siren_open_report.bytes counts */
  uint64_t file_bytes;    /* file size after open */
  uint64_t dropped_bytes; /* bytes cut from the tail (0 when it was intact) */
  char reason[160];       /* why they were cut, "" when nothing was */
} file_store_report;

/*
 * Opens (creating when absent) the store at path. report may be NULL. On
 * failure returns -1, *out is NULL and err (may be NULL) gets a message.
 */
int file_store_open(file_store **out, const char *path, unsigned int flags,
                    file_store_report *report, char *err, size_t errcap);

/* Syncs, unlocks and closes; NULL is allowed. Returns the sync's result. */
int file_store_close(file_store *fs);

/* Appends one record (0–FILE_STORE_MAX_RECORD bytes). 0 or -1. */
int file_store_append(file_store *fs, const void *record, size_t len);

/* Makes every appended record durable (one fdatasync; nothing to do when
 * nothing was appended since the last sync). 0 or -1; -1 is sticky. */
int file_store_sync(file_store *fs);

/* Reads the records back, oldest first, as siren_host.storage_next: *record
 * and *len get the next one (valid until the next call), *record is NULL
 * after the last. The first call after open or rewind starts at the first
 * record. 0 or -1. */
int file_store_next(file_store *fs, const void **record, size_t *len);
int file_store_rewind(file_store *fs);

/* Cuts the store to the prefix whose record lengths sum to payload_bytes
 * (siren_open_report.bytes; 0 empties it) and syncs. -1 when that is not a
 * record boundary or the cut fails. */
int file_store_truncate(file_store *fs, uint64_t payload_bytes);

/* Drops every record but the last (rewrites the file and renames it into
 * place, synced). Call it right after siren_engine_snapshot() succeeded and
 * was synced: the snapshot is then the last record and replay starts there. */
int file_store_keep_last(file_store *fs);

/* Records in the store, and fdatasync calls made since open. */
uint64_t file_store_records(const file_store *fs);
uint64_t file_store_syncs(const file_store *fs);

/* The last failure in words ("" when none). Valid until the next call. */
const char *file_store_errmsg(const file_store *fs);

#ifdef __cplusplus
}
#endif

#endif
