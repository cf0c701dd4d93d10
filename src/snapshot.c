/*
 * Snapshots: the engine's whole state as one record, and back.
 * Not written yet: building one fails with SIREN_ERROR.
 */
#include "internal.h"

int sr_snapshot_build(siren_engine *e, sr_rec *r) {
  (void)r;
  return sr_err(e, SIREN_ERROR, "snapshots are not implemented yet");
}

int sr_snapshot_restore(siren_engine *e, const sr_rec *r) {
  (void)e;
  (void)r;
  return SIREN_ECORRUPT;
}
