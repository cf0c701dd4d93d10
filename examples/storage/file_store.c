/*
 * file_store — an append-only file of framed records, with group commit.
 * What the format is and why the sync points keep siren's promise: see
 * file_store.h.
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE /* flock, fdatasync, pread, pwrite under -std=c11 */

#include "file_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MAGIC[8] = {'S', 'I', 'R', 'E', 'N', 'F', 'S', '1'};
#define HEADER_LEN 8u
#define FRAME_OVERHEAD 8u /* u32 length + u32 CRC */

struct file_store {
  int fd;
  unsigned int flags;
  char *path;
  uint64_t end;       /* where the next frame goes: the end of the good frames */
  uint64_t last_off;  /* where the last frame starts (0: no frame) */
  uint64_t records;
  uint64_t syncs;
  uint64_t read_off;  /* file_store_next's position (0: not started) */
  int dirty;          /* appended since the last sync */
  int failed;         /* a sync failed: the store refuses everything */
  uint8_t *buf;       /* read buffer (the record file_store_next returns) */
  size_t buf_cap;
  uint8_t *wbuf;      /* one frame being written */
  size_t wbuf_cap;
  uint32_t crc_table[256];
  char err[256];
};

/* ------------------------------------------------------------------ helpers */

static void set_err(file_store *fs, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(fs->err, sizeof fs->err, fmt, ap);
  va_end(ap);
}

/* CRC-32C (Castagnoli, reflected 0x82F63B78), table per store: no globals. */
static void crc_init(uint32_t table[256]) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ UINT32_C(0x82F63B78) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc_update(const uint32_t table[256], uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n--) crc = table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
  return ~crc;
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int grow(uint8_t **buf, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 256;
  while (n < need) n *= 2;
  uint8_t *p = realloc(*buf, n);
  if (!p) return -1;
  *buf = p;
  *cap = n;
  return 0;
}

/* pread/pwrite of exactly n bytes (short transfers are retried). */
static int read_at(int fd, void *buf, size_t n, uint64_t off) {
  uint8_t *p = buf;
  while (n) {
    ssize_t r = pread(fd, p, n, (off_t)off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = EIO; /* the file shrank under us */
      return -1;
    }
    p += r;
    n -= (size_t)r;
    off += (uint64_t)r;
  }
  return 0;
}

static int write_at(int fd, const void *buf, size_t n, uint64_t off) {
  const uint8_t *p = buf;
  while (n) {
    ssize_t r = pwrite(fd, p, n, (off_t)off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = EIO;
      return -1;
    }
    p += r;
    n -= (size_t)r;
    off += (uint64_t)r;
  }
  return 0;
}

/* fsync of the directory holding path, so that a created or renamed name is
 * durable. */
static int sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) {
    snprintf(dir, sizeof dir, ".");
  } else if (slash == path) {
    snprintf(dir, sizeof dir, "/");
  } else {
    if ((size_t)(slash - path) >= sizeof dir) {
      errno = ENAMETOOLONG;
      return -1;
    }
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return -1;
  int rc = fsync(dfd);
  int saved = errno;
  close(dfd);
  errno = saved;
  return rc;
}

/*
 * Reads the frame at off, within [0, limit). 1: a good frame (its record in
 * fs->buf, *len set); 0: a bad one (why in reason); -1: a read error.
 */
static int read_frame(file_store *fs, uint64_t off, uint64_t limit, size_t *len, char *reason,
                      size_t reason_cap) {
  uint8_t head[4];
  if (limit - off < 4) {
    snprintf(reason, reason_cap, "incomplete frame header (%llu of 4 bytes)",
             (unsigned long long)(limit - off));
    return 0;
  }
  if (read_at(fs->fd, head, 4, off)) return -1;
  uint32_t n = get_u32(head);
  if (n > FILE_STORE_MAX_RECORD) {
    snprintf(reason, reason_cap, "record length %lu is too large", (unsigned long)n);
    return 0;
  }
  if (limit - off - 4 < (uint64_t)n + 4) {
    snprintf(reason, reason_cap, "incomplete record (%lu bytes announced, %llu present)",
             (unsigned long)n, (unsigned long long)(limit - off - 4));
    return 0;
  }
  if (grow(&fs->buf, &fs->buf_cap, (size_t)n + 4)) {
    errno = ENOMEM;
    return -1;
  }
  if (read_at(fs->fd, fs->buf, (size_t)n + 4, off + 4)) return -1;
  uint32_t crc = crc_update(fs->crc_table, 0, head, 4);
  crc = crc_update(fs->crc_table, crc, fs->buf, n);
  if (crc != get_u32(fs->buf + n)) {
    snprintf(reason, reason_cap, "CRC mismatch in a record of %lu bytes", (unsigned long)n);
    return 0;
  }
  *len = n;
  return 1;
}

/* ---------------------------------------------------------------- the API */

static void fail_open(file_store *fs, char *err, size_t errcap) {
  if (err && errcap) snprintf(err, errcap, "%s", fs->err);
  if (fs->fd >= 0) close(fs->fd);
  free(fs->path);
  free(fs->buf);
  free(fs);
}

int file_store_open(file_store **out, const char *path, unsigned int flags,
                    file_store_report *report, char *err, size_t errcap) {
  if (err && errcap) err[0] = '\0';
  if (!out || !path) {
    if (err && errcap) snprintf(err, errcap, "file_store_open: NULL argument");
    return -1;
  }
  *out = NULL;
  file_store_report rep;
  memset(&rep, 0, sizeof rep);
  file_store *fs = calloc(1, sizeof *fs);
  if (!fs) {
    if (err && errcap) snprintf(err, errcap, "out of memory");
    return -1;
  }
  fs->fd = -1;
  fs->flags = flags;
  crc_init(fs->crc_table);
  size_t plen = strlen(path);
  fs->path = malloc(plen + 1);
  if (!fs->path) {
    set_err(fs, "out of memory");
    fail_open(fs, err, errcap);
    return -1;
  }
  memcpy(fs->path, path, plen + 1);

  fs->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fs->fd < 0) {
    set_err(fs, "%s: %s", path, strerror(errno));
    fail_open(fs, err, errcap);
    return -1;
  }
  if (flock(fs->fd, LOCK_EX | LOCK_NB)) {
    set_err(fs, "%s: %s", path,
            errno == EWOULDBLOCK ? "in use by another process (locked)" : strerror(errno));
    fail_open(fs, err, errcap);
    return -1;
  }
  struct stat st;
  if (fstat(fs->fd, &st)) {
    set_err(fs, "%s: %s", path, strerror(errno));
    fail_open(fs, err, errcap);
    return -1;
  }
  uint64_t size = (uint64_t)st.st_size;

  /* The header. A file shorter than it that holds a prefix of it is a
   * creation that did not finish: start it again. */
  uint8_t head[HEADER_LEN];
  size_t have = size < HEADER_LEN ? (size_t)size : HEADER_LEN;
  if (have && read_at(fs->fd, head, have, 0)) {
    set_err(fs, "%s: %s", path, strerror(errno));
    fail_open(fs, err, errcap);
    return -1;
  }
  if (memcmp(head, MAGIC, have) != 0) {
    set_err(fs, "%s: not a siren file store (bad header)", path);
    fail_open(fs, err, errcap);
    return -1;
  }
  if (size < HEADER_LEN) {
    if (ftruncate(fs->fd, 0) || write_at(fs->fd, MAGIC, HEADER_LEN, 0) || fdatasync(fs->fd) ||
        sync_dir(path)) {
      set_err(fs, "%s: creating: %s", path, strerror(errno));
      fail_open(fs, err, errcap);
      return -1;
    }
    fs->syncs++;
    rep.created = 1;
    size = HEADER_LEN;
  }

  /* The frames, up to the first bad one. */
  uint64_t off = HEADER_LEN;
  while (off < size) {
    size_t n = 0;
    char why[120];
    int r = read_frame(fs, off, size, &n, why, sizeof why);
    if (r < 0) {
      set_err(fs, "%s: reading at byte %llu: %s", path, (unsigned long long)off,
              strerror(errno));
      fail_open(fs, err, errcap);
      return -1;
    }
    if (r == 0) {
      rep.dropped_bytes = size - off;
      snprintf(rep.reason, sizeof rep.reason, "record %llu at byte %llu: %s",
               (unsigned long long)fs->records + 1, (unsigned long long)off, why);
      if (ftruncate(fs->fd, (off_t)off)) {
        set_err(fs, "%s: cutting the damaged tail: %s", path, strerror(errno));
        fail_open(fs, err, errcap);
        return -1;
      }
      break;
    }
    fs->last_off = off;
    fs->records++;
    rep.payload_bytes += n;
    off += FRAME_OVERHEAD + n;
  }
  fs->end = off;
  /* What was read may still be only in the page cache (a predecessor killed
   * between write and sync): make it durable before an engine acts on it. */
  if (fdatasync(fs->fd)) {
    set_err(fs, "%s: fdatasync: %s", path, strerror(errno));
    fail_open(fs, err, errcap);
    return -1;
  }
  fs->syncs++;
  rep.records = fs->records;
  rep.file_bytes = fs->end;
  if (report) *report = rep;
  *out = fs;
  return 0;
}

int file_store_close(file_store *fs) {
  if (!fs) return 0;
  int rc = file_store_sync(fs);
  close(fs->fd); /* releases the lock */
  free(fs->path);
  free(fs->buf);
  free(fs->wbuf);
  free(fs);
  return rc;
}

int file_store_append(file_store *fs, const void *record, size_t len) {
  if (fs->failed) {
    set_err(fs, "a sync failed earlier: the store must be reopened");
    return -1;
  }
  if (len > FILE_STORE_MAX_RECORD || (len && !record)) {
    set_err(fs, "record of %zu bytes refused", len);
    return -1;
  }
  size_t n = len + FRAME_OVERHEAD;
  if (grow(&fs->wbuf, &fs->wbuf_cap, n)) {
    set_err(fs, "out of memory");
    return -1;
  }
  put_u32(fs->wbuf, (uint32_t)len);
  if (len) memcpy(fs->wbuf + 4, record, len);
  put_u32(fs->wbuf + 4 + len, crc_update(fs->crc_table, 0, fs->wbuf, 4 + len));
  if (write_at(fs->fd, fs->wbuf, n, fs->end)) {
    int saved = errno;
    /* Take back what part of the frame got written, so that the next append
     * starts on a boundary; if even that fails, stop. */
    if (ftruncate(fs->fd, (off_t)fs->end)) fs->failed = 1;
    set_err(fs, "write: %s", strerror(saved));
    return -1;
  }
  fs->last_off = fs->end;
  fs->end += n;
  fs->records++;
  fs->dirty = 1;
  if (fs->flags & FILE_STORE_SYNC_EACH) return file_store_sync(fs);
  return 0;
}

int file_store_sync(file_store *fs) {
  if (fs->failed) {
    set_err(fs, "a sync failed earlier: the store must be reopened");
    return -1;
  }
  if (!fs->dirty) return 0;
  if (fdatasync(fs->fd)) {
    fs->failed = 1; /* see the header: never retry a failed fsync */
    set_err(fs, "fdatasync: %s", strerror(errno));
    return -1;
  }
  fs->syncs++;
  fs->dirty = 0;
  return 0;
}

int file_store_rewind(file_store *fs) {
  fs->read_off = 0;
  return 0;
}

int file_store_next(file_store *fs, const void **record, size_t *len) {
  if (fs->read_off == 0) fs->read_off = HEADER_LEN;
  if (fs->read_off >= fs->end) {
    *record = NULL;
    *len = 0;
    return 0;
  }
  char why[120];
  size_t n = 0;
  int r = read_frame(fs, fs->read_off, fs->end, &n, why, sizeof why);
  if (r <= 0) {
    /* Frames before end were good when they were written or scanned:
     * something else changed the file. */
    set_err(fs, "reading at byte %llu: %s", (unsigned long long)fs->read_off,
            r < 0 ? strerror(errno) : why);
    return -1;
  }
  fs->read_off += FRAME_OVERHEAD + n;
  *record = n ? (const void *)fs->buf : (const void *)"";
  *len = n;
  return 0;
}

int file_store_truncate(file_store *fs, uint64_t payload_bytes) {
  if (fs->failed) {
    set_err(fs, "a sync failed earlier: the store must be reopened");
    return -1;
  }
  uint64_t off = HEADER_LEN, sum = 0, records = 0, last = 0;
  while (sum < payload_bytes && off < fs->end) {
    uint8_t head[4];
    if (read_at(fs->fd, head, 4, off)) {
      set_err(fs, "reading at byte %llu: %s", (unsigned long long)off, strerror(errno));
      return -1;
    }
    last = off;
    sum += get_u32(head);
    off += FRAME_OVERHEAD + get_u32(head);
    records++;
  }
  if (sum != payload_bytes) {
    set_err(fs, "%llu payload bytes is not a record boundary", (unsigned long long)payload_bytes);
    return -1;
  }
  if (off == fs->end) return file_store_sync(fs);
  if (ftruncate(fs->fd, (off_t)off) || fdatasync(fs->fd)) {
    fs->failed = 1;
    set_err(fs, "truncate: %s", strerror(errno));
    return -1;
  }
  fs->syncs++;
  fs->dirty = 0;
  fs->end = off;
  fs->last_off = last;
  fs->records = records;
  fs->read_off = 0;
  return 0;
}

int file_store_keep_last(file_store *fs) {
  if (file_store_sync(fs)) return -1;
  if (fs->records <= 1) return 0;
  char why[120];
  size_t n = 0;
  int r = read_frame(fs, fs->last_off, fs->end, &n, why, sizeof why);
  if (r <= 0) {
    set_err(fs, "reading the last record: %s", r < 0 ? strerror(errno) : why);
    return -1;
  }
  size_t plen = strlen(fs->path);
  char *tmp = malloc(plen + 5);
  if (!tmp) {
    set_err(fs, "out of memory");
    return -1;
  }
  memcpy(tmp, fs->path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  uint8_t head[4];
  put_u32(head, (uint32_t)n);
  /* The new file is locked before its name replaces the old one, so that no
   * other process can open it unlocked in between. fs->buf still holds the
   * frame's record and CRC as read_frame() checked them. */
  if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) || write_at(fd, MAGIC, HEADER_LEN, 0) ||
      write_at(fd, head, 4, HEADER_LEN) || write_at(fd, fs->buf, n + 4, HEADER_LEN + 4) ||
      fdatasync(fd) || rename(tmp, fs->path)) {
    set_err(fs, "rewriting %s: %s", fs->path, strerror(errno));
    if (fd >= 0) close(fd);
    unlink(tmp);
    free(tmp);
    return -1; /* the old file is untouched */
  }
  free(tmp);
  /* The name is the new file's now: switch to it whatever happens next. */
  close(fs->fd);
  fs->fd = fd;
  fs->syncs++;
  fs->end = HEADER_LEN + FRAME_OVERHEAD + n;
  fs->last_off = HEADER_LEN;
  fs->records = 1;
  fs->read_off = 0;
  if (sync_dir(fs->path)) {
    fs->failed = 1; /* the rename may not survive a crash: reopen */
    set_err(fs, "syncing the directory of %s: %s", fs->path, strerror(errno));
    return -1;
  }
  fs->syncs++;
  return 0;
}

uint64_t file_store_records(const file_store *fs) { return fs ? fs->records : 0; }
uint64_t file_store_syncs(const file_store *fs) { return fs ? fs->syncs : 0; }
const char *file_store_errmsg(const file_store *fs) { return fs ? fs->err : "no store"; }
