/*
 * libFuzzer target: the journal record decoder and replay
 * (siren_record_check, siren_engine_open). Input: one flags byte, then a
 * stream of records, each as long as its own length field says (the last one
 * gets what is left). Flags:
 *   bit 0  fix up each record before it is read: format version 1, reserved
 *          0, sequence number = its index + 1, checksum recomputed, so the
 *          fuzzer reaches the type-specific decoders and the apply code;
 *   bit 1  keep the record's own sequence number (with bit 0);
 *   bit 2  after opening, advance the clock a day and snapshot round-trip.
 * Invariants: open never fails on bad records (it stops and reports), the
 * report agrees with the stream and with siren_record_check, nothing leaks.
 */
#include "fuzz_host.h"
#include "util/hash.h"

#define HDR 24 /* u32 length, u8 version, u8 type, u16 reserved, u64 seq, i64 time */

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t flags = data[0];
  data++;
  size--;
  fz_records recs;
  memset(&recs, 0, sizeof recs);
  uint8_t *tmp = malloc(size + 1);
  FZ_CHECK(tmp != NULL);
  size_t pos = 0;
  uint64_t seq = 0;
  while (pos < size) {
    size_t left = size - pos, n = left;
    if (left >= 4) {
      uint32_t want = get32(data + pos);
      if (want >= 4 && want <= left) n = want;
    }
    memcpy(tmp, data + pos, n);
    if ((flags & 1) && n >= HDR + 4) {
      put32(tmp, (uint32_t)n);
      tmp[4] = SIREN_RECORD_VERSION;
      tmp[6] = tmp[7] = 0;
      if (!(flags & 2)) {
        seq++;
        for (int i = 0; i < 8; i++) tmp[8 + i] = (uint8_t)(seq >> (8 * i));
      }
      put32(tmp + n - 4, sr_crc32c(0, tmp, n - 4));
    }
    fz_records_add(&recs, tmp, n);
    pos += n;
  }
  free(tmp);

  fz_host h;
  fz_host_setup(&h);
  siren_open_report rep;
  siren_engine *e = fz_reopen(&h, &recs, &rep);
  FZ_CHECK(e != NULL || (siren_build_features() & SIREN_FEATURE_RUNBOOKS) == 0);
  if (e && (flags & 4)) {
    if (rep.last_time > h.now) h.now = rep.last_time;
    h.now += 86400000;
    int rc = siren_engine_advance(e, NULL);
    FZ_CHECK(rc == SIREN_OK || rc == SIREN_ENOMEM);
    fz_snapshot_roundtrip(&h, e);
  }
  siren_engine_free(e);
  fz_records_free(&h.rec);
  fz_records_free(&recs);
  FZ_CHECK(h.alloc.live == 0);
  return 0;
}
