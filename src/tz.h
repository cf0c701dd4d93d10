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
 *
 * How the bytes are read (the choices RFC 8536 leaves open, or siren made):
 *  - versions 0, '2', '3' and '4'. For version 2+ the version 1 block is only
 *    checked to fit and skipped; the second header must repeat the version.
 *    Bytes after the v1 block (version 0) or after the footer are an error.
 *    The 15 reserved header bytes are ignored.
 *  - checked: typecnt 1..256, charcnt >= 1, isutcnt and isstdcnt 0 or
 *    typecnt, transition times strictly ascending, type indices < typecnt,
 *    offsets in [-89999, 93599] (RFC 8536: more than -25 h, less than 26 h;
 *    so never -2^31), isdst 0 or 1, each abbreviation index < charcnt with a
 *    NUL after it, indicators 0 or 1 (a UT indicator only with its standard
 *    indicator), leap second records in ascending order.
 *  - leap second records are otherwise ignored: siren counts POSIX time, so
 *    the "right/" zones (whose transitions count leap seconds) come out
 *    shifted by the accumulated leap seconds.
 *  - before the first transition, time type 0 holds (RFC 8536; glibc picks
 *    the first standard-time type instead). With no transitions the footer
 *    rule holds if there is one, else type 0. At and after the last
 *    transition the footer rule holds if there is one (it should agree with
 *    the last transition's type; that is not checked), else the last
 *    transition's type.
 *  - footer: std offset [dst [offset] ,start[/time],end[/time]]. Names are
 *    <...> (letters, digits, '+', '-') or letters, at least 3 characters;
 *    offsets [+-]hh[:mm[:ss]] with hh <= 24, minutes and seconds two digits;
 *    the DST offset defaults to one hour ahead of standard time. Rule times
 *    are -167..167 hours (the version 3 extension, accepted in any version).
 *    A DST name without rules is an error (siren has no "posixrules" default).
 *    A year whose DST period is empty (start == end) or lasts the whole year
 *    or longer (end - start >= the year's length, e.g. "EST5EDT,0/0,J365/25",
 *    the version 3 "DST all year") is DST all that year, as tzcode reads it.
 *  - instants far outside any real use are handled without overflow: local
 *    times are clamped to +-2^54 s, the footer rule is evaluated at instants
 *    clamped to +-2^56 s (only transition times read from the file get that
 *    far), and ms results saturate at INT64_MIN / INT64_MAX.
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
 * SR_LOCAL_*. Wall times are compared in whole seconds; the result is a whole
 * second. In a zone that jumps twice within a day (a wall time that happens
 * three times) OVERLAP still gives the earliest.
 */
int64_t sr_zone_to_utc(const sr_zone *z, int64_t local_s, int *kind);

/* The first offset transition strictly after instant t_ms, or INT64_MAX when
 * there is none (zones without rules after their last transition) or it is
 * beyond the int64 ms range. Transitions of the table and of the footer rule
 * (computed per year) both count; a transition that does not change the
 * offset (only isdst or the abbreviation, or DST all year) is SKIPPED: the
 * result is always an instant where sr_zone_offset differs from the second
 * before. Within [t_ms, result) the offset is constant. */
int64_t sr_zone_next_transition(const sr_zone *z, int64_t t_ms);

#endif
