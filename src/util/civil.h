/*
 * Calendar arithmetic on the proleptic Gregorian calendar, shared by the
 * ISO 8601 readers (runbook_expr.c, config.c) and the time zone code (tz.c).
 * Pure integer arithmetic: no tables of libc, no locale, no clock.
 *
 * Days are counted from 1970-01-01 (day 0), negative before it. The
 * functions are exact for every year in [-2^40, 2^40] and every day count in
 * [-2^48, 2^48], which covers every int64 millisecond instant with a wide
 * margin; outside that they may overflow.
 */
#ifndef SIREN_UTIL_CIVIL_H
#define SIREN_UTIL_CIVIL_H

#include <stdint.h>

/* 1 when y is a Gregorian leap year (divisible by 4, except centuries not
 * divisible by 400), else 0. Year 0 (1 BC) is a leap year. */
int sr_is_leap(int64_t y);

/* Days in month m (1-12) of year y; 0 when m is out of range. */
unsigned sr_month_days(int64_t y, unsigned m);

/* Days since 1970-01-01 of y-m-d (m 1-12, d 1-31; d is not checked against
 * the month, so February 30 is March 1 or 2). */
int64_t sr_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date of day z (days since 1970-01-01); m 1-12, d 1-31. */
void sr_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Day of the week of day z: 0 = Sunday .. 6 = Saturday (1970-01-01 was a
 * Thursday, 4). */
unsigned sr_weekday(int64_t z);

#endif
