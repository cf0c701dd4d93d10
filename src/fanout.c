/*
 * The fan-out storage adapter (replication set). Not written yet.
 */
#include "internal.h"

SIREN_EXTERN int siren_fanout_new(siren_fanout **out, const siren_storage *backends, size_t count,
                                  size_t quorum, const siren_host *host) {
  (void)backends, (void)count, (void)quorum, (void)host;
  if (out) *out = NULL;
  return SIREN_ERROR;
}
SIREN_EXTERN void siren_fanout_free(siren_fanout *f) { (void)f; }
SIREN_EXTERN int siren_fanout_append(siren_fanout *f, const void *record, size_t len) {
  (void)f, (void)record, (void)len;
  return SIREN_ERROR;
}
SIREN_EXTERN int siren_fanout_next(siren_fanout *f, const void **record, size_t *len) {
  (void)f, (void)record, (void)len;
  return SIREN_ERROR;
}
SIREN_EXTERN int siren_fanout_reading(const siren_fanout *f) {
  (void)f;
  return -1;
}
SIREN_EXTERN int siren_fanout_in_step(const siren_fanout *f, size_t i) {
  (void)f, (void)i;
  return 0;
}
SIREN_EXTERN int siren_fanout_catch_up(siren_fanout *f, size_t i, uint64_t *copied) {
  (void)f, (void)i, (void)copied;
  return SIREN_ERROR;
}
