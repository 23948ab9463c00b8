/*
 * resolve.c — the bridge between extraction and the resolvers (gazetteer,
 * actors, numbers, dates): loads them and converts their mentions into the
 * x_* types of extract_internal.h, applying the few rules that concern how
 * extraction uses a mention rather than what it refers to.
 */
#include "extract/extract_internal.h"
#include "geo/gazetteer.h"
#include "lex/actors.h"
#include "lex/numbers.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A place given only as a landmark for another ("سرت، 450 كلم شرق طرابلس")
 * is not where anything happened: beyond this distance a relative place is a
 * description, not a location. */
#define DESCRIPTIVE_KM 60.0

/* strcmp(f, w) == 0 for a place's feature, with the first letters compared
 * inline: most features differ there, and this runs for every place of
 * every resolution. */
static inline int feature_is(const char *f, const char *w) {
    return f[0] == w[0] && strcmp(f, w) == 0;
}

int resolve_load(marsad_model *m, const char *datadir, char *err,
                 size_t errlen) {
    if (!(m->gazetteer = gazetteer_load(datadir, err, errlen))) return -1;
    if (!(m->actors = actors_load(datadir, err, errlen))) return -1;
    if (!(m->numbers = numbers_load(datadir, err, errlen))) return -1;
    if (!(m->dates = dates_load_with(datadir, m->numbers, err, errlen))) return -1;
    /* the dictionaries every word is asked about share one filter of first
     * words (without memory for it, each is asked as before) */
    if ((m->group = phrase_group_new())) {
        phrase_group_add(m->group, m->trigger_dict);
        gazetteer_join(m->gazetteer, m->group);
        actors_join(m->actors, m->group);
        numbers_join(m->numbers, m->group);
        dates_join(m->dates, m->group);
    }
    return 0;
}

void resolve_free(marsad_model *m) {
    gazetteer_free(m->gazetteer);
    actors_free(m->actors);
    numbers_free(m->numbers);
    dates_free(m->dates);
    phrase_group_free(m->group);
}

gaz_scan *resolve_places_scan(const marsad_model *m, const marsad_doc *doc) {
    return gazetteer_scan(m->gazetteer, doc);
}

size_t resolve_places(const marsad_model *m, const marsad_doc *doc,
                      gaz_scan *scan, const char *country, x_place **out) {
    gaz_mention *gm = NULL;
    size_t n = scan ? gazetteer_resolve(scan, country, &gm)
                    : gazetteer_find(m->gazetteer, doc, country, &gm);
    *out = NULL;
    if (n == (size_t)-1 || n == 0) {
        free(gm);
        return 0;
    }
    x_place *p = calloc(n, sizeof *p);
    if (!p) {
        free(gm);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const gaz_place *g = gazetteer_place(m->gazetteer, gm[i].place);
        p[i].tok_start = gm[i].tok_start;
        p[i].tok_end = gm[i].tok_end;
        p[i].name = g->name_en;
        p[i].lat = g->lat;
        p[i].lon = g->lon;
        memcpy(p[i].country, g->country, 3);
        p[i].country_name = gazetteer_country_name(m->gazetteer, g->country);
        p[i].admin1 = g->admin1[0] ? g->admin1 : NULL;
        p[i].precision = gm[i].geo_precision;
        p[i].in_org = gm[i].in_org_name || gm[i].offset_km > DESCRIPTIVE_KM;
        p[i].org_hint = gm[i].in_org_name && gm[i].offset_km <= DESCRIPTIVE_KM;
        p[i].relative = gm[i].relation != NULL;
        /* a city's extent grows with its population (1M: about 10 km) */
        if (feature_is(g->feature, "city"))
            p[i].extent_km = g->population > 0
                ? fmin(15.0, fmax(3.0, sqrt((double)g->population) / 100.0))
                : 8.0;
        else if (feature_is(g->feature, "town"))
            p[i].extent_km = 2.5;
        else
            p[i].extent_km = 1.5;
        p[i].district = feature_is(g->feature, "suburb") ||
                        feature_is(g->feature, "district") ||
                        feature_is(g->feature, "quarter") ||
                        feature_is(g->feature, "neighbourhood");
        p[i].id = gm[i].place;
    }
    free(gm);
    *out = p;
    return n;
}

void resolve_places_country(const marsad_model *m, const marsad_doc *doc,
                            gaz_scan *scan, char country[3]) {
    gaz_mention *gm = NULL;
    size_t n = scan ? gazetteer_resolve(scan, NULL, &gm)
                    : gazetteer_find(m->gazetteer, doc, NULL, &gm);
    country[0] = '\0';
    if (n == (size_t)-1) n = 0;
    /* count per country code: codes are two letters A-Z; a place that is
     * no location (in_org in resolve_places) does not count */
    uint32_t count[26 * 26] = {0}, best = 0;
    for (size_t i = 0; i < n; i++) {
        if (gm[i].in_org_name || gm[i].offset_km > DESCRIPTIVE_KM) continue;
        const char *cc = gazetteer_place(m->gazetteer, gm[i].place)->country;
        if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') continue;
        size_t k = (size_t)(cc[0] - 'A') * 26 + (size_t)(cc[1] - 'A');
        if (++count[k] > best) {
            best = count[k];
            memcpy(country, cc, 2);
            country[2] = '\0';
        }
    }
    free(gm);
}

int resolve_unidentified_group(const marsad_model *m, const char *cc,
                               x_actor *out) {
    const actor_info *ai = actors_info(
        m->actors, actors_generic(m->actors, "Unidentified Armed Group ({name})", cc));
    if (!ai) return -1;
    *out = (x_actor){0, 0, ai->name, ai->type, 1, 0};
    return 0;
}

int resolve_state_forces(const marsad_model *m, const char *cc, x_actor *out) {
    const actor_info *ai = actors_info(
        m->actors, actors_generic(m->actors, "Military Forces of {the_name}", cc));
    if (!ai) return -1;
    *out = (x_actor){0, 0, ai->name, ai->type, 0, 0};
    return 0;
}

size_t resolve_actors(const marsad_model *m, const marsad_doc *doc,
                      const char *country, x_actor **out) {
    actor_mention *am = NULL;
    size_t n = actors_find(m->actors, doc, country, &am);
    *out = NULL;
    if (n == 0) {
        free(am);
        return 0;
    }
    x_actor *a = calloc(n, sizeof *a);
    if (!a) {
        free(am);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const actor_info *ai = actors_info(m->actors, am[i].actor);
        a[i].tok_start = am[i].tok_start;
        a[i].tok_end = am[i].tok_end;
        a[i].name = ai->name;
        a[i].type = ai->type;
        a[i].generic = am[i].generic;
        a[i].civilian = ai->type && strcmp(ai->type, "civilians") == 0;
    }
    free(am);
    *out = a;
    return n;
}

size_t resolve_numbers(const marsad_model *m, const marsad_doc *doc,
                       const unsigned char *sentences, x_number **out) {
    num_mention *nm = NULL;
    size_t n = numbers_find_in(m->numbers, doc, sentences, &nm);
    *out = NULL;
    if (n == 0) {
        free(nm);
        return 0;
    }
    x_number *x = calloc(n, sizeof *x);
    if (!x) {
        free(nm);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        x[i].tok_start = nm[i].tok_start;
        x[i].tok_end = nm[i].tok_end;
        x[i].value = nm[i].value > 1e9 ? 1000000000L : (long)nm[i].value;
        x[i].qualifier = nm[i].qualifier == NUM_AT_LEAST ? XQ_AT_LEAST
                         : nm[i].qualifier == NUM_AT_MOST ? XQ_AT_MOST
                         : nm[i].qualifier == NUM_ABOUT   ? XQ_ABOUT
                                                          : XQ_EXACT;
        x[i].vague = nm[i].vague;
        x[i].noun_tok = nm[i].noun_tok;
    }
    free(nm);
    *out = x;
    return n;
}

size_t resolve_dates(const marsad_model *m, const marsad_doc *doc,
                     x_ymd published, x_date **out) {
    date_mention *dm = NULL;
    size_t n = dates_find(m->dates, doc, published, &dm);
    *out = NULL;
    if (n == 0) {
        free(dm);
        return 0;
    }
    x_date *x = calloc(n, sizeof *x);
    if (!x) {
        free(dm);
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        /* future dates and unresolved relative ones date nothing */
        if (dm[i].flags & (DATE_F_FUTURE | DATE_F_UNRESOLVED)) continue;
        if (dm[i].precision == 0 || dm[i].date.y == 0) continue;
        x[k].tok_start = dm[i].tok_start;
        x[k].tok_end = dm[i].tok_end;
        x[k].date = dm[i].date;
        x[k].first = dm[i].first;
        x[k].last = dm[i].last;
        x[k].precision = dm[i].precision;
        k++;
    }
    free(dm);
    *out = x;
    return k;
}

int resolve_dateline(const marsad_model *m, const marsad_doc *doc,
                     x_ymd *out) {
    return dates_dateline(m->dates, doc, out) ? 0 : -1;
}
