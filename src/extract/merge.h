/*
 * merge.h — when two reports describe one interaction, and which casualty
 * figure an event gets from several reports.
 *
 * Shared by extraction (the sentence-level mentions of one article become
 * events) and the store (mentions from different articles become one event),
 * so that both follow the same rules of spec/EVENTS.md: compatible type,
 * same or nearby place, compatible date; per source the largest figure (a
 * revision replaces an earlier one), across sources the lowest.
 *
 * Everything here is a pure function of its arguments: no allocation, no
 * state, safe from any thread.
 */
#ifndef MARSAD_MERGE_H
#define MARSAD_MERGE_H

#include <stddef.h>

/* Places closer than this are one place within one article (extraction). */
#define MERGE_ARTICLE_PLACE_KM 10.0
/* Places closer than this are one place across articles (the store): two
 * reports locate one blast at the town centre and at a nearby suburb. */
#define MERGE_SOURCES_PLACE_KM 25.0
/* Extra days allowed between reports of one event from different articles:
 * a night attack is dated on either day, "yesterday" shifts with time
 * zones and publication times. */
#define MERGE_SOURCES_DATE_SLACK 1
/* Half-width in days of a week-precision or month-precision date window
 * for the purpose of comparing dates. */
#define MERGE_WINDOW_DAYS 7

/* Great-circle distance in kilometres (haversine, mean Earth radius). */
double merge_km(double lat1, double lon1, double lat2, double lon2);

/* Are two event types compatible? The same type, or Battles and
 * Explosions/Remote violence together (combined tactics in one interaction:
 * the higher row wins). A report with no event trigger (casualty words only)
 * fits any type. NULL types fit anything. */
int merge_types_compatible(const char *type_a, int triggered_a,
                           const char *type_b, int triggered_b);

/* A date for comparison: day number (ymd_to_days), time_precision 1..3, and
 * whether the date was stated in the report's own sentence. */
typedef struct {
    long day;
    int precision;
    int explicit_date;
} merge_date;

/* Are two dates compatible? With inherited_fits set, a date that was not
 * stated in its own sentence (inherited from the article's context) fits any
 * date: within one article the context is the best guess and nothing
 * contradicts it. Otherwise the days may differ by `slack`, plus
 * MERGE_WINDOW_DAYS when either date has week or month precision. */
int merge_dates_compatible(merge_date a, merge_date b, int slack,
                           int inherited_fits);

/* The lowest credible figure of n reports. value(ctx, i) gives the figure of
 * report i, or a value <= 0 when report i does not bear on this figure;
 * same(ctx, i, j) says whether reports i and j come from one source. Per
 * source the largest figure counts (a later "toll rose to" replaces an
 * earlier figure), across sources the lowest. Returns 0 when no report has a
 * figure. Cost: n * n calls of same() in the worst case. */
long merge_lowest_credible(size_t n, long (*value)(void *ctx, size_t i),
                           int (*same)(void *ctx, size_t i, size_t j),
                           void *ctx);

#endif
