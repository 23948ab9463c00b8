/* ymd.c — civil dates as day numbers (days since 1970-01-01), proleptic
 * Gregorian calendar, after the well-known days-from-civil algorithm. */
#include "extract/extract_internal.h"

#include <stdio.h>

long x_ymd_to_days(x_ymd d) {
    long y = d.y - (d.m <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

x_ymd x_ymd_from_days(long z) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (x_ymd){(int)(y + (m <= 2)), m, d};
}

int x_ymd_parse(const char *s, x_ymd *out) {
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return -1;
    x_ymd r = {y, m, d};
    /* reject 2016-02-31 and the like: the day must survive a round trip */
    x_ymd back = x_ymd_from_days(x_ymd_to_days(r));
    if (back.y != y || back.m != m || back.d != d) return -1;
    *out = r;
    return 0;
}

void x_ymd_format(x_ymd d, char out[11]) {
    unsigned y = (unsigned)d.y % 10000u, m = (unsigned)d.m % 100u,
             dd = (unsigned)d.d % 100u;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + dd / 10);
    out[9] = (char)('0' + dd % 10);
    out[10] = '\0';
}
