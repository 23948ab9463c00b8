/*
 * match.c — which event a mention from another article joins, and which
 * mention represents an event (docs/merging.md). Plain functions over
 * reports so that every backend merges the same way; the compatibility
 * rules themselves are extraction's (src/extract/merge.h).
 */
#include "store/store_internal.h"
#include "extract/merge.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void store_report_from_record(store_report *r, const marsad_event *ev,
                              int64_t article_id) {
    memset(r, 0, sizeof *r);
    r->event_type = ev->event_type;
    r->triggered = (ev->flags & MARSAD_EVF_TRIGGER) != 0;
    r->day = store_day_of(ev->event_date, &r->has_day);
    r->precision = ev->time_precision ? ev->time_precision : 1;
    r->date_explicit = (ev->flags & MARSAD_EVF_DATE_EXPLICIT) != 0;
    r->has_place = ev->location_name != NULL;
    r->lat = ev->lat;
    r->lon = ev->lon;
    r->geo_precision = ev->geo_precision ? ev->geo_precision : 1;
    r->country = ev->country;
    r->admin1 = ev->admin1;
    r->location_name = ev->location_name;
    r->actor1 = ev->actor1;
    r->actor2 = ev->actor2;
    r->actor1_generic = (ev->flags & MARSAD_EVF_ACTOR1_GENERIC) != 0;
    r->actor2_generic = (ev->flags & MARSAD_EVF_ACTOR2_GENERIC) != 0;
    r->article_id = article_id;
}

static int streq(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

/* A place known only as a country (geo_precision 3, no admin1): it is coded
 * at the capital, so distance says nothing. */
static int country_only(const store_report *r) {
    return r->geo_precision >= 3 && (!r->admin1 || !*r->admin1);
}

static int places_fit(const store_report *a, const store_report *b,
                      double within_km, double *km) {
    *km = merge_km(a->lat, a->lon, b->lat, b->lon);
    if (country_only(a) || country_only(b))
        return country_only(a) && country_only(b) &&
               streq(a->country, b->country) &&
               streq(a->location_name, b->location_name);
    if (a->geo_precision >= 3 || b->geo_precision >= 3)
        return streq(a->country, b->country) && streq(a->admin1, b->admin1);
    return *km <= within_km;
}

/* Named, specific actors of a report (generic ones and civilians do not
 * name anyone). */
static int specific(const store_report *r, const char **out) {
    int n = 0;
    if (r->actor1 && !r->actor1_generic) out[n++] = r->actor1;
    if (r->actor2 && !r->actor2_generic) out[n++] = r->actor2;
    return n;
}

/* Contradicting actors: both reports name two specific sides and share
 * none of them (LNA against GNA is not IS against a tribe). One side named
 * differently is no contradiction: outlets name the attacker and the
 * attacked from their own side. */
static int actors_contradict(const store_report *a, const store_report *b) {
    const char *x[2], *y[2];
    int nx = specific(a, x), ny = specific(b, y);
    if (nx < 2 || ny < 2) return 0;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++)
            if (strcmp(x[i], y[j]) == 0) return 0;
    return 1;
}

int store_report_fits(const store_report *e, const store_report *m,
                      double *km, long *days) {
    *km = 0;
    *days = 0;
    if (!e->has_place || !m->has_place) return 0;
    if (!merge_types_compatible(e->event_type, e->triggered, m->event_type,
                                m->triggered))
        return 0;
    /* reports from the article of the event's representative follow
     * extraction's rules for one article; others the rules across sources */
    int same_article = e->article_id == m->article_id;
    if (e->has_day != m->has_day) return 0;
    if (!e->has_day) {
        /* no date: only within one article */
        if (!same_article) return 0;
    } else {
        merge_date a = {e->day, e->precision, e->date_explicit};
        merge_date b = {m->day, m->precision, m->date_explicit};
        /* within one article a date taken from the context is the best
         * guess and fits; across articles every date is compared, with a
         * day of slack */
        int ok = same_article ? merge_dates_compatible(a, b, 0, 1)
                              : merge_dates_compatible(a, b, MERGE_SOURCES_DATE_SLACK, 0);
        if (!ok) return 0;
        *days = e->day > m->day ? e->day - m->day : m->day - e->day;
    }
    if (!places_fit(e, m, same_article ? MERGE_ARTICLE_PLACE_KM : MERGE_SOURCES_PLACE_KM, km))
        return 0;
    if (actors_contradict(e, m)) return 0;
    return 1;
}

void store_event_window(const store_report *e, long *day_lo, long *day_hi) {
    long w = e->precision > 1 ? MERGE_WINDOW_DAYS : 0;
    *day_lo = e->day - w;
    *day_hi = e->day + w;
}

void store_report_window(const store_report *m, long *day_lo, long *day_hi,
                         double *lat_lo, double *lat_hi, double *lon_lo,
                         double *lon_hi) {
    long w = MERGE_SOURCES_DATE_SLACK + (m->precision > 1 ? MERGE_WINDOW_DAYS : 0);
    *day_lo = m->day - w;
    *day_hi = m->day + w;
    /* a box a little larger than MERGE_SOURCES_PLACE_KM around the place */
    double dlat = (MERGE_SOURCES_PLACE_KM + 1) / 110.574;
    double c = cos(m->lat * M_PI / 180.0);
    double dlon = c > 0.01 ? (MERGE_SOURCES_PLACE_KM + 1) / (111.320 * c) : 180;
    *lat_lo = m->lat - dlat;
    *lat_hi = m->lat + dlat;
    *lon_lo = m->lon - dlon;
    *lon_hi = m->lon + dlon;
}

long store_mention_score(const marsad_event *ev) {
    long s = 0;
    if (ev->flags & MARSAD_EVF_TRIGGER) s += 100000;
    if (ev->flags & MARSAD_EVF_PLACE_EXPLICIT) s += 20000;
    if (ev->location_name) {
        int gp = ev->geo_precision ? ev->geo_precision : 1;
        if (gp == 1) s += 3000;
        else if (gp == 2) s += 2000;
        else if (ev->admin1) s += 1000;
    }
    if (ev->flags & MARSAD_EVF_DATE_EXPLICIT) s += 500;
    if (ev->event_date) s += ev->time_precision <= 1 ? 200 : ev->time_precision == 2 ? 100 : 0;
    if (ev->fatalities > 0 || ev->injured > 0 || ev->captured > 0) s += 50;
    s += (long)(ev->confidence * 10 + 0.5);
    return s;
}

long store_actor_score(const marsad_event *ev) {
    /* the best report that names anyone; among equals, the more specific */
    long any = ev->actor1 || ev->actor2;
    long specific = (ev->actor1 && !(ev->flags & MARSAD_EVF_ACTOR1_GENERIC) ? 2 : 0) +
                    (ev->actor2 && !(ev->flags & MARSAD_EVF_ACTOR2_GENERIC) ? 1 : 0) +
                    (ev->actor1 ? 4 : 0) + (ev->actor2 ? 4 : 0);
    return any * 100000000L + store_mention_score(ev) * 16 + specific;
}

void store_mention_order(const char *article_key, int ordinal, char *out,
                         size_t cap) {
    snprintf(out, cap, "%s#%06d", article_key, ordinal);
}

int store_rank_beats(long a, const char *oa, long b, const char *ob) {
    if (a != b) return a > b;
    return strcmp(oa, ob) < 0;
}
