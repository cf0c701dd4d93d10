/*
 * libFuzzer target: snapshot restore. The input is the body of a snapshot
 * record (what follows the 24-byte header, without the checksum); the
 * target wraps it in a valid header (type SIREN_RECORD_SNAPSHOT, sequence 1)
 * and checksum and opens an engine from that one record. Invariants: open
 * never crashes and reports either the record applied or a stop at it;
 * an engine restored from it advances, snapshots again, and that snapshot
 * restores to the same objects; nothing leaks.
 */
#include "fuzz_host.h"
#include "util/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 20)) return 0;
  size_t n = 24 + size + 4;
  uint8_t *rec = malloc(n);
  FZ_CHECK(rec != NULL);
  memset(rec, 0, 24);
  for (int i = 0; i < 4; i++) rec[i] = (uint8_t)(n >> (8 * i));
  rec[4] = SIREN_RECORD_VERSION;
  rec[5] = SIREN_RECORD_SNAPSHOT;
  rec[8] = 1; /* sequence 1 */
  uint64_t t = (uint64_t)FZ_T0;
  for (int i = 0; i < 8; i++) rec[16 + i] = (uint8_t)(t >> (8 * i));
  if (size) memcpy(rec + 24, data, size);
  uint32_t crc = sr_crc32c(0, rec, n - 4);
  for (int i = 0; i < 4; i++) rec[n - 4 + i] = (uint8_t)(crc >> (8 * i));
  if (siren_record_check(rec, n, NULL) != SIREN_OK) { /* too short to be a record */
    free(rec);
    return 0;
  }

  fz_records recs;
  memset(&recs, 0, sizeof recs);
  fz_records_add(&recs, rec, n);
  free(rec);

  fz_host h;
  fz_host_setup(&h);
  siren_open_report rep;
  siren_engine *e = fz_reopen(&h, &recs, &rep);
  FZ_CHECK(e != NULL);
  FZ_CHECK(rep.records == 1 || (rep.stopped && rep.stop_index == 0));
  if (rep.records == 1) {
    FZ_CHECK(rep.since_snapshot == 0 || rep.since_snapshot == 1);
    h.now = FZ_T0 + 3600000;
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
