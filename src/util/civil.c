/*
 * Proleptic Gregorian calendar arithmetic (see civil.h). days_from_civil and
 * civil_from_days follow Howard Hinnant's era-based method ("chrono-Compatible
 * Low-Level Date Algorithms"): shift the year to start in March so that the
 * leap day is the last day of the year, then count whole 400-year eras
 * (146097 days each) and the day within the era, with no loops or tables.
 */
#include "util/civil.h"

int sr_is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned sr_month_days(int64_t y, unsigned m) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return mdays[m - 1] + (m == 2 && sr_is_leap(y));
}

int64_t sr_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);                        /* [0, 399] */
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
  return era * 146097 + (int64_t)doe - 719468;
}

void sr_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468; /* days since 0000-03-01 */
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

unsigned sr_weekday(int64_t z) {
  int64_t w = z % 7;                 /* [-6, 6], no overflow for any z */
  return (unsigned)((w + 4 + 7) % 7); /* day 0 was a Thursday */
}
