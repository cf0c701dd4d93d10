/*
 * Time zones without a runtime dependency: a reader for TZif bytes (RFC 8536,
 * versions 1 to 4, including the POSIX TZ string in the footer that gives the
 * rule after the last transition) and the conversions rotations need.
 *
 * The bytes come from the host (siren_host.load_zone); siren never opens a
 * file. A parsed zone is immutable and owns everything it points to.
 *
 * Conventions:
 *  - instants are int64 ms since the epoch, UTC (as everywhere in siren);
 *  - a local wall-clock time is int64 seconds since 1970-01-01T00:00 "as if
 *    the wall clock were UTC" (so days_from_civil arithmetic applies to it);
 *  - offsets are seconds east of UTC (UTC-5 is -18000).
 */
#ifndef SIREN_TZ_H
#define SIREN_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

typedef struct sr_zone sr_zone;

/* Largest TZif input accepted (the biggest system file is ~ 3 KiB). */
#define SR_ZONE_MAX_BYTES (256u * 1024u)

/*
 * Parses TZif bytes. Returns 0 and *out, SIREN_EINVAL for bytes that are not
 * a valid TZif file (why, when not NULL, gets a one-line reason, e.g. "TZif:
 * truncated v2 data block"), or SIREN_ENOMEM. Never reads outside data[0..len).
 * A footer that is present but does not parse as a POSIX TZ string is
 * EINVAL; an empty footer (or a version 1 file) means the last transition's
 * type holds forever.
 */
int sr_zone_parse(const sr_mem *m, const void *data, size_t len, sr_zone **out, char *why,
                  size_t whycap);

/* A fixed zone of UTC with no transitions (for "UTC" when the host has no
 * load_zone). NULL on no memory. */
sr_zone *sr_zone_utc(const sr_mem *m);

void sr_zone_free(const sr_mem *m, sr_zone *z);

/* The offset (seconds east) in force at instant t; *isdst (may be NULL) set to
 * 1 in daylight time. */
int32_t sr_zone_offset(const sr_zone *z, int64_t t_ms, int *isdst);

/* Instant -> local wall clock in seconds (see conventions; sub-second part of
 * t_ms is dropped toward negative infinity). */
int64_t sr_zone_to_local(const sr_zone *z, int64_t t_ms);

enum {
  SR_LOCAL_UNIQUE = 0,  /* the wall time happens exactly once */
  SR_LOCAL_GAP = 1,     /* it never happens (spring forward) */
  SR_LOCAL_OVERLAP = 2  /* it happens twice (fall back) */
};

/*
 * Local wall clock (seconds) -> instant (ms). The rules siren documents:
 * a wall time inside a gap gives the first valid instant after the gap (the
 * instant of the transition that opened it); a wall time that happens twice
 * gives the first occurrence (the earlier instant). *kind (may be NULL) gets
 * SR_LOCAL_*.
 */
int64_t sr_zone_to_utc(const sr_zone *z, int64_t local_s, int *kind);

/* The first offset transition strictly after instant t_ms, or INT64_MAX when
 * there is none (zones without rules after their last transition). */
int64_t sr_zone_next_transition(const sr_zone *z, int64_t t_ms);

#endif
