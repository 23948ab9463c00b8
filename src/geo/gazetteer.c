/*
 * gazetteer.c — loads the places and the lexicons around them (see
 * gazetteer.h): OpenStreetMap Libya, GeoNames cities15000 (Arabic
 * alternatenames, and the names geonames-arabic.tsv gives by geonameid),
 * curated extras, countries and regions; gives Libyan places
 * their district by point-in-polygon; generates the Arabic spellings the
 * sources leave out; and builds the phrase dictionaries the matcher uses.
 *
 * Every data line is checked; a bad one stops the load with
 * "data/FILE:LINE: what is wrong".
 */
#include "geo/gaz_internal.h"
#include "geo/boundaries.h"
#include "text/text_internal.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Strings: a chunked arena, so pointers stay valid while it grows.
 * ------------------------------------------------------------------------ */

struct gaz_arena {
    struct gaz_arena *next;
    size_t used, cap;
    char data[];
};

static char *arena_dup(struct gaz_arena **a, const char *s, size_t n) {
    if (!*a || (*a)->used + n + 1 > (*a)->cap) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        struct gaz_arena *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = *a;
        b->used = 0;
        b->cap = cap;
        *a = b;
    }
    char *p = (*a)->data + (*a)->used;
    memcpy(p, s, n);
    p[n] = '\0';
    (*a)->used += n + 1;
    return p;
}

static void arena_free(struct gaz_arena *a) {
    while (a) {
        struct gaz_arena *n = a->next;
        free(a);
        a = n;
    }
}

/* ------------------------------------------------------------------------
 * Loading context
 * ------------------------------------------------------------------------ */

/* An Arabic name of a place, kept while loading (variants are generated once
 * all merges are done). */
typedef struct {
    uint32_t place;
    uint32_t next;    /* next name of the same place, or NONE */
    const char *text; /* as written, in the arena */
    const char *key;  /* folded key (text_phrase_key), in the arena */
    uint32_t klen;
    uint8_t weak;
} name_ent;

#define NONE UINT32_MAX

/* A Natural Earth populated place: GeoNames id → admin1 name. */
typedef struct {
    long gnid;
    const char *adm1;
} ne_adm1_ent;

/* A GeoNames row: its geonameid and the place that holds it. */
typedef struct {
    long gnid;
    uint32_t place;
    uint32_t curated; /* line of geonames-arabic.tsv naming it, or 0 */
} gn_ent;

typedef struct {
    gazetteer *g;
    const char *datadir;
    char *err;
    size_t errlen;
    name_ent *names;
    size_t nnames, capnames;
    uint32_t *first;         /* per place: its first name, or NONE */
    size_t capfirst;
    phrase_dict *stop;       /* places-stop.tsv */
    boundaries *ly_adm1, *admin0;
    /* ly-districts.tsv: ISO code → names */
    struct { const char *code, *name_en, *name_ar; } *districts;
    size_t ndistricts;
    uint32_t capital[26 * 26]; /* ISO2 → GeoNames PPLC place id + 1 */
    uint32_t *capital_pop;     /* ISO2 → most populous place id + 1 */
    /* Natural Earth populated places: GeoNames id → admin1 name */
    ne_adm1_ent *ne_adm1;
    size_t nne;
    /* GeoNames rows: geonameid → place (the OSM twin for merged Libyan
     * rows), sorted by geonameid once the file is read */
    gn_ent *gn;
    size_t ngn, capgn;
} loader;

static int failf(loader *L, const char *file, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "data/FILE:LINE: message" (LINE omitted when 0) into the error
 * buffer; returns -1 so callers can `return failf(...)`. */
static int failf(loader *L, const char *file, size_t line, const char *fmt,
                 ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line)
        snprintf(L->err, L->errlen, "data/%s:%zu: %s", file, line, msg);
    else
        snprintf(L->err, L->errlen, "data/%s: %s", file, msg);
    return -1;
}

/* 0 when a row of a data/ table has want fields, else -1 with the error. */
static int want_fields(loader *L, const char *file, size_t line, int nf,
                       int want) {
    if (nf == want) return 0;
    return failf(L, file, line, "expected %d tab-separated fields, got %d",
                 want, nf);
}

static char *path_join(const char *dir, const char *rel) {
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* Reads datadir/rel whole (NUL-terminated, caller frees). */
static char *read_data(loader *L, const char *rel, size_t *len) {
    char *path = path_join(L->datadir, rel);
    if (!path) {
        failf(L, rel, 0, "out of memory");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        failf(L, rel, 0, "%s", strerror(errno));
        free(path);
        return NULL;
    }
    free(path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                failf(L, rel, 0, "out of memory");
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        failf(L, rel, 0, "read error");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Iterates the lines of a TSV buffer (modified in place): skips blank lines
 * and '#' comments, splits on tabs. Returns the number of fields (0 at the
 * end), *lineno its 1-based line. */
typedef struct {
    char *p, *end;
    size_t line;
} tsv_iter;

#define MAXF 24

static int tsv_next(tsv_iter *it, char **f, size_t *lineno) {
    while (it->p < it->end) {
        char *s = it->p, *e = memchr(s, '\n', (size_t)(it->end - s));
        if (!e) e = it->end;
        it->p = e < it->end ? e + 1 : e;
        it->line++;
        if (e > s && e[-1] == '\r') e--;
        *e = '\0';
        if (s == e || s[0] == '#') continue;
        int nf = 0;
        f[nf++] = s;
        for (char *q = s; *q; q++) {
            if (*q != '\t') continue;
            *q = '\0';
            if (nf == MAXF) return MAXF + 1;
            f[nf++] = q + 1;
        }
        *lineno = it->line;
        return nf;
    }
    return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno || !isfinite(v) || v < lo ||
        v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_long(const char *s, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno || v < 0) return -1;
    *out = v;
    return 0;
}

static int is_iso2(const char *s) {
    return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && !s[2];
}

/* True when s has an Arabic letter and no Latin one. */
static int arabic_only(const char *s) {
    int ar = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalpha(*p)) return 0;
        if (*p == 0xD8 || *p == 0xD9 || *p == 0xDA || *p == 0xDB) ar = 1;
    }
    return ar;
}

/* ------------------------------------------------------------------------
 * Places and names
 * ------------------------------------------------------------------------ */

static const char *const FEATURES[] = {
    "country", "region", "city", "town", "village", "hamlet", "suburb",
    "district", "airport", "port", "airbase", "facility", "area"};

/* The static feature string equal to s, or NULL. */
static const char *feature_str(const char *s) {
    for (size_t i = 0; i < sizeof FEATURES / sizeof *FEATURES; i++)
        if (strcmp(FEATURES[i], s) == 0) return FEATURES[i];
    return NULL;
}

int gaz_rank(const gaz_place *p) {
    const char *f = p->feature;
    if (strcmp(f, "country") == 0) return 100;
    if (strcmp(f, "region") == 0) return 60;
    if (p->population > 0) {
        int r = (int)lround(10.0 * log10((double)p->population));
        return r < 20 ? 20 : r > 75 ? 75 : r;
    }
    if (strcmp(f, "city") == 0) return 50;
    if (strcmp(f, "town") == 0) return 40;
    if (strcmp(f, "village") == 0 || strcmp(f, "area") == 0) return 30;
    if (strcmp(f, "hamlet") == 0) return 20;
    return 35; /* suburb, district, airport, port, airbase, facility */
}

static gaz_place *new_place(loader *L) {
    gazetteer *g = L->g;
    if (g->nplaces >= L->capfirst) {
        size_t nc = L->capfirst ? L->capfirst * 2 : 4096;
        uint32_t *nf = realloc(L->first, nc * sizeof *nf);
        if (!nf) return NULL;
        L->first = nf;
        L->capfirst = nc;
    }
    L->first[g->nplaces] = NONE;
    if (g->nplaces == g->capplaces) {
        size_t nc = g->capplaces ? g->capplaces * 2 : 4096;
        gaz_place *np = realloc(g->places, nc * sizeof *np);
        if (!np) return NULL;
        g->places = np;
        g->capplaces = nc;
    }
    gaz_place *p = &g->places[g->nplaces];
    memset(p, 0, sizeof *p);
    p->id = (uint32_t)g->nplaces++;
    p->name_en = p->name_ar = p->admin1 = p->source = "";
    p->feature = "town";
    p->precision = 1;
    return p;
}

static const char *sdup(loader *L, const char *s) {
    return arena_dup(&L->g->arena, s, strlen(s));
}

/* Folded key of an Arabic name; 0 when it has none or is too long. */
static size_t name_key(const char *s, char *buf, size_t cap) {
    size_t n = text_phrase_key(s, strlen(s), buf, cap);
    return n < cap ? n : 0;
}

/* Records an Arabic name of place (skipped when it folds to nothing). */
static int add_name(loader *L, uint32_t place, const char *text, int weak) {
    char key[512];
    size_t kl = *text ? name_key(text, key, sizeof key) : 0;
    if (!kl) return 0;
    if (L->nnames == L->capnames) {
        size_t nc = L->capnames ? L->capnames * 2 : 8192;
        name_ent *nn = realloc(L->names, nc * sizeof *nn);
        if (!nn) return -1;
        L->names = nn;
        L->capnames = nc;
    }
    const char *t = sdup(L, text), *k = arena_dup(&L->g->arena, key, kl);
    if (!t || !k) return -1;
    L->names[L->nnames] = (name_ent){place, L->first[place], t, k,
                                     (uint32_t)kl, (uint8_t)weak};
    L->first[place] = (uint32_t)L->nnames++;
    return 0;
}

/* A new place with English name name_en, source and point, in country cc
 * (ISO2), of feature (a static string) and precision; the Arabic names
 * ar[0..nar) are recorded, the first displayed (with nar 0 it has none yet).
 * NULL when memory runs out. */
static gaz_place *add_place(loader *L, const char *name_en, char **ar, int nar,
                            const char *source, double lat, double lon,
                            const char *cc, const char *feature, int precision) {
    gaz_place *p = new_place(L);
    if (!p) return NULL;
    p->name_en = sdup(L, name_en);
    if (nar > 0) p->name_ar = sdup(L, ar[0]);
    p->source = sdup(L, source);
    if (!p->name_en || !p->name_ar || !p->source) return NULL;
    p->lat = lat;
    p->lon = lon;
    p->coslat = boundaries_cos_lat(lat);
    memcpy(p->country, cc, 3);
    p->feature = feature;
    p->precision = precision;
    for (int a = 0; a < nar; a++)
        if (add_name(L, p->id, ar[a], 0)) return NULL;
    return p;
}

/* Gives all names of place `from` to place `to`. */
static void move_names(loader *L, uint32_t from, uint32_t to) {
    uint32_t i = L->first[from];
    while (i != NONE) {
        uint32_t next = L->names[i].next;
        L->names[i].place = to;
        L->names[i].next = L->first[to];
        L->first[to] = i;
        i = next;
    }
    L->first[from] = NONE;
}

/* True when place p has a name whose key equals key. */
static int place_has_key(const loader *L, uint32_t p, const char *key,
                         size_t klen) {
    for (uint32_t i = L->first[p]; i != NONE; i = L->names[i].next)
        if (L->names[i].klen == klen && memcmp(L->names[i].key, key, klen) == 0)
            return 1;
    return 0;
}

/* Cheap test before a great-circle distance: within about km? */
static int near_deg(double lat1, double lon1, double lat2, double lon2,
                    double km) {
    double dlat = fabs(lat1 - lat2), dlon = fabs(lon1 - lon2);
    double deg = km / 111.0;
    return dlat <= deg && dlon * cos(lat1 * M_PI / 180.0) <= deg * 1.01 + 1e-9;
}

/* ------------------------------------------------------------------------
 * Source files
 * ------------------------------------------------------------------------ */

#define OSM_FILE "sources/gazetteer/osm_libya_places.tsv"
#define GN_FILE "sources/gazetteer/geonames_cities15000_2013-02.txt"
#define ADM1_FILE "sources/boundaries/geoBoundaries_LBY_ADM1_simplified.geojson"
#define ADM0_FILE "sources/boundaries/ne_50m_admin_0_LBY_and_neighbours.geojson"
#define NEPP_FILE \
    "sources/boundaries/ne_10m_populated_places_LBY_and_neighbours.geojson"

static int load_districts(loader *L) {
    const char *file = "ly-districts.tsv";
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        if ((rc = want_fields(L, file, line, nf, 4))) break;
        if (strncmp(f[0], "LY-", 3) != 0 || !*f[1]) {
            rc = failf(L, file, line, "expected a code LY-XX and a name");
            break;
        }
        void *nd = realloc(L->districts, (L->ndistricts + 1) *
                                             sizeof *L->districts);
        if (!nd) {
            rc = failf(L, file, line, "out of memory");
            break;
        }
        L->districts = nd;
        L->districts[L->ndistricts].code = sdup(L, f[0]);
        L->districts[L->ndistricts].name_en = sdup(L, f[1]);
        L->districts[L->ndistricts].name_ar = sdup(L, f[2]);
        if (!L->districts[L->ndistricts].code ||
            !L->districts[L->ndistricts].name_en ||
            !L->districts[L->ndistricts].name_ar) {
            rc = failf(L, file, line, "out of memory");
            break;
        }
        L->ndistricts++;
    }
    free(buf);
    return rc;
}

static int cmp_gnid(const void *a, const void *b) {
    long x = ((const ne_adm1_ent *)a)->gnid, y = ((const ne_adm1_ent *)b)->gnid;
    return (x > y) - (x < y);
}

/* Natural Earth populated places: their GeoNames id and admin1 name, to give
 * the neighbours' GeoNames cities an admin1. */
static int load_ne_places(loader *L) {
    json_error_t je;
    size_t jlen;
    char *jbuf = read_data(L, NEPP_FILE, &jlen);
    if (!jbuf) return -1;
    json_t *root = json_loadb(jbuf, jlen, 0, &je);
    free(jbuf);
    if (!root)
        return failf(L, NEPP_FILE, (size_t)je.line, "cannot parse: %s", je.text);
    json_t *feats = json_object_get(root, "features");
    size_t n = json_array_size(feats);
    L->ne_adm1 = calloc(n ? n : 1, sizeof *L->ne_adm1);
    if (!L->ne_adm1) {
        json_decref(root);
        return failf(L, NEPP_FILE, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        json_t *pr = json_object_get(json_array_get(feats, i), "properties");
        json_t *id = json_object_get(pr, "GEONAMEID");
        const char *adm1 = json_string_value(json_object_get(pr, "ADM1NAME"));
        if (!json_is_number(id) || !adm1 || !*adm1) continue;
        const char *s = sdup(L, adm1);
        if (!s) break;
        L->ne_adm1[L->nne].gnid = (long)json_number_value(id);
        L->ne_adm1[L->nne].adm1 = s;
        L->nne++;
    }
    json_decref(root);
    qsort(L->ne_adm1, L->nne, sizeof *L->ne_adm1, cmp_gnid);
    return 0;
}

static const char *osm_feature(const char *type) {
    if (strcmp(type, "city") == 0) return "city";
    if (strcmp(type, "town") == 0) return "town";
    if (strcmp(type, "village") == 0) return "village";
    if (strcmp(type, "hamlet") == 0) return "hamlet";
    return NULL;
}

static int load_osm(loader *L) {
    size_t len, line;
    char *buf = read_data(L, OSM_FILE, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0, header = 1;
    char src[64];
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        if (header) { /* id type name_ar name_en name_fr name_it lat lon */
            header = 0;
            if (nf == 8 && strcmp(f[0], "id") == 0) continue;
        }
        double lat, lon;
        long id;
        const char *feat = nf == 8 ? osm_feature(f[1]) : NULL;
        if (nf != 8) {
            rc = failf(L, OSM_FILE, line, "expected 8 fields, got %d", nf);
            break;
        }
        if (parse_long(f[0], &id) || !feat ||
            parse_double(f[6], -90, 90, &lat) ||
            parse_double(f[7], -180, 180, &lon)) {
            rc = failf(L, OSM_FILE, line,
                       "bad id, type (city/town/village/hamlet) or lat/lon");
            break;
        }
        snprintf(src, sizeof src, "osm:%s:%ld", f[1], id);
        if (!add_place(L, *f[3] ? f[3] : *f[4] ? f[4] : f[5], &f[2], 1, src,
                       lat, lon, "LY", feat, 1))
            goto nomem;
    }
    free(buf);
    return rc;
nomem:
    free(buf);
    return failf(L, OSM_FILE, line, "out of memory");
}

static const char *gn_feature(const char *code, long pop) {
    if (strcmp(code, "PPLX") == 0) return "suburb";
    if (strncmp(code, "PPLA", 4) == 0 || strcmp(code, "PPLC") == 0 ||
        pop >= 100000)
        return "city";
    return "town";
}

/* Merges GeoNames Libyan row (already a place) into an OSM place: one
 * sharing an Arabic name within 15 km, else an OSM city or town within 5 km.
 * Returns the OSM place id, or UINT32_MAX. */
static uint32_t find_osm_twin(loader *L, const gaz_place *gp, size_t nosm) {
    gazetteer *g = L->g;
    uint32_t best = UINT32_MAX;
    double best_km = 1e9;
    for (uint32_t i = L->first[gp->id]; i != NONE; i = L->names[i].next) {
        const char *key = L->names[i].key;
        size_t kl = L->names[i].klen;
        for (size_t k = 0; k < nosm; k++) {
            const gaz_place *o = &g->places[k];
            if (!near_deg(gp->lat, gp->lon, o->lat, o->lon, 15)) continue;
            double d = boundaries_distance_km(gp->lat, gp->lon, o->lat, o->lon);
            if (d < 15 && d < best_km && place_has_key(L, o->id, key, kl)) {
                best = o->id;
                best_km = d;
            }
        }
    }
    if (best != UINT32_MAX) return best;
    for (size_t k = 0; k < nosm; k++) {
        const gaz_place *o = &g->places[k];
        if (strcmp(o->feature, "city") && strcmp(o->feature, "town")) continue;
        if (!near_deg(gp->lat, gp->lon, o->lat, o->lon, 5)) continue;
        double d = boundaries_distance_km(gp->lat, gp->lon, o->lat, o->lon);
        if (d < 5 && d < best_km) {
            best = o->id;
            best_km = d;
        }
    }
    return best;
}

/* Splits a '|'-separated list in place; returns the count (at most max). */
static int split_bar(char *s, char **out, int max) {
    int n = 0;
    while (s && n < max) {
        char *b = strchr(s, '|');
        if (b) *b = '\0';
        while (*s == ' ') s++;
        size_t l = strlen(s);
        while (l && s[l - 1] == ' ') s[--l] = '\0';
        if (*s) out[n++] = s;
        s = b ? b + 1 : NULL;
    }
    return n;
}

static int cmp_gn(const void *a, const void *b) {
    long x = ((const gn_ent *)a)->gnid, y = ((const gn_ent *)b)->gnid;
    return (x > y) - (x < y);
}

static int load_geonames(loader *L) {
    size_t len, line = 0;
    char *buf = read_data(L, GN_FILE, &len), *f[MAXF + 1];
    if (!buf) return -1;
    size_t nosm = L->g->nplaces;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    char src[96];
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        double lat, lon;
        long id, pop;
        if (nf != 19) {
            rc = failf(L, GN_FILE, line, "expected 19 fields, got %d", nf);
            break;
        }
        if (parse_long(f[0], &id) || parse_double(f[4], -90, 90, &lat) ||
            parse_double(f[5], -180, 180, &lon) || !is_iso2(f[8]) ||
            parse_long(*f[14] ? f[14] : "0", &pop)) {
            rc = failf(L, GN_FILE, line,
                       "bad geonameid, latitude, longitude, country or "
                       "population");
            break;
        }
        snprintf(src, sizeof src, "geonames:%ld", id);
        gaz_place *p = add_place(L, *f[2] ? f[2] : f[1] /* ASCII name */, NULL,
                                 0, src, lat, lon, f[8], gn_feature(f[7], pop),
                                 1);
        if (!p) goto nomem;
        p->population = pop;
        size_t lo = 0, hi = L->nne; /* ne_adm1 is sorted by gnid */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (L->ne_adm1[mid].gnid < id) lo = mid + 1;
            else hi = mid;
        }
        if (lo < L->nne && L->ne_adm1[lo].gnid == id)
            p->admin1 = L->ne_adm1[lo].adm1;
        /* Arabic-script alternate names, comma-separated */
        for (char *s = f[3]; s && *s;) {
            char *c = strchr(s, ',');
            if (c) *c = '\0';
            if (arabic_only(s)) {
                if (!*p->name_ar) p->name_ar = sdup(L, s);
                if (!p->name_ar || add_name(L, p->id, s, 0)) goto nomem;
            }
            s = c ? c + 1 : NULL;
        }
        unsigned cidx = (unsigned)(f[8][0] - 'A') * 26 +
                        (unsigned)(f[8][1] - 'A');
        if (strcmp(f[7], "PPLC") == 0) L->capital[cidx] = p->id + 1;
        if (L->ngn == L->capgn) {
            size_t nc = L->capgn ? L->capgn * 2 : 32768;
            gn_ent *ng = realloc(L->gn, nc * sizeof *ng);
            if (!ng) goto nomem;
            L->gn = ng;
            L->capgn = nc;
        }
        L->gn[L->ngn++] = (gn_ent){id, p->id, 0};
        if (strcmp(p->country, "LY") != 0) continue;
        uint32_t twin = find_osm_twin(L, p, nosm);
        if (twin == UINT32_MAX) continue;
        L->gn[L->ngn - 1].place = twin;
        if (L->capital[cidx] == p->id + 1) L->capital[cidx] = twin + 1;
        /* fold this row into the OSM place: names, population, source */
        gaz_place *o = &L->g->places[twin];
        move_names(L, p->id, twin);
        o->population = pop;
        if (!*o->name_ar) o->name_ar = p->name_ar;
        char both[160];
        snprintf(both, sizeof both, "%s+%s", o->source, src);
        o->source = sdup(L, both);
        if (!o->source) goto nomem;
        L->g->nplaces--; /* drop the GeoNames copy */
    }
    free(buf);
    if (rc == 0) qsort(L->gn, L->ngn, sizeof *L->gn, cmp_gn);
    return rc;
nomem:
    free(buf);
    return failf(L, GN_FILE, line, "out of memory");
}

/* The GeoNames row with this geonameid, or NULL. */
static gn_ent *find_gn(loader *L, long id) {
    size_t lo = 0, hi = L->ngn;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (L->gn[mid].gnid < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < L->ngn && L->gn[lo].gnid == id ? &L->gn[lo] : NULL;
}

/* Removes the name of place p whose key is key; returns 1 when there was
 * one. */
static int remove_name(loader *L, uint32_t p, const char *key, size_t klen) {
    for (uint32_t *link = &L->first[p]; *link != NONE;
         link = &L->names[*link].next) {
        name_ent *e = &L->names[*link];
        if (e->klen == klen && memcmp(e->key, key, klen) == 0) {
            *link = e->next;
            e->klen = 0; /* build_names skips it */
            return 1;
        }
    }
    return 0;
}

/*
 * geonames-arabic.tsv: geonameid, names_ar (|), note. Gives a GeoNames city
 * the Arabic names news use; the first becomes its display name. A name
 * written "-NAME" removes a wrong Arabic name the GeoNames row carries (the
 * name of another town, a truncated spelling). The id must be a row of the
 * bundled GeoNames file, named once.
 */
static int load_geonames_arabic(loader *L) {
    const char *file = "geonames-arabic.tsv";
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    char key[512];
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        char *ar[32];
        long id;
        if ((rc = want_fields(L, file, line, nf, 3))) break;
        if (parse_long(f[0], &id)) {
            rc = failf(L, file, line, "bad geonameid '%s'", f[0]);
            break;
        }
        gn_ent *e = find_gn(L, id);
        if (!e) {
            rc = failf(L, file, line, "geonameid %ld is not in %s", id,
                       GN_FILE);
            break;
        }
        if (e->curated) {
            rc = failf(L, file, line, "geonameid %ld is already on line %u",
                       id, (unsigned)e->curated);
            break;
        }
        e->curated = (uint32_t)line;
        int nar = split_bar(f[1], ar, 32), nadd = 0;
        gaz_place *p = &L->g->places[e->place];
        for (int a = 0; a < nar && rc == 0; a++) {
            int drop = ar[a][0] == '-';
            const char *name = ar[a] + drop;
            size_t kl = arabic_only(name) ? name_key(name, key, sizeof key) : 0;
            if (!kl) {
                rc = failf(L, file, line, "'%s' is not an Arabic name", name);
            } else if (drop) {
                if (!remove_name(L, p->id, key, kl))
                    rc = failf(L, file, line,
                               "GeoNames %ld has no name '%s' to remove", id,
                               name);
            } else {
                if (nadd++ == 0 && !(p->name_ar = sdup(L, name))) goto nomem;
                if (!place_has_key(L, p->id, key, kl) &&
                    add_name(L, p->id, name, 0))
                    goto nomem;
            }
        }
        if (rc == 0 && nadd == 0)
            rc = failf(L, file, line, "no Arabic name to add");
        if (rc) break;
    }
    free(buf);
    return rc;
nomem:
    free(buf);
    return failf(L, file, line, "out of memory");
}

/* For countries in the Natural Earth outlines: is (lat, lon) in country cc
 * (within tol_km of its border)? 1 yes, 0 no, -1 not covered by the file. */
static int in_country(const loader *L, const char *cc, double lat, double lon,
                      double tol_km) {
    size_t n = boundaries_count(L->admin0);
    int covered = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(boundaries_code(L->admin0, i), cc) == 0) covered = 1;
    if (!covered) return -1;
    long k = boundaries_find(L->admin0, lat, lon, tol_km);
    return k >= 0 && strcmp(boundaries_code(L->admin0, (size_t)k), cc) == 0;
}

/*
 * places-extra.tsv: name_en, names_ar (|), lat, lon, country, feature,
 * precision, source. A line whose place a source already has (a shared name
 * within 10 km, or any place of its country within 1 km) adds its names to
 * it and gives it its English name; otherwise it is a new place.
 */
static int load_extra(loader *L) {
    const char *file = "places-extra.tsv";
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    size_t nbefore = L->g->nplaces;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    char src[64], key[512];
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        double lat, lon;
        long prec;
        char *ar[32];
        if ((rc = want_fields(L, file, line, nf, 8))) break;
        int nar = split_bar(f[1], ar, 32);
        const char *feat = feature_str(f[5]);
        if (!*f[0] || nar == 0) {
            rc = failf(L, file, line, "missing English or Arabic name");
            break;
        }
        if (parse_double(f[2], -90, 90, &lat) ||
            parse_double(f[3], -180, 180, &lon)) {
            rc = failf(L, file, line, "bad latitude or longitude");
            break;
        }
        if (!is_iso2(f[4]) || !feat || parse_long(f[6], &prec) || prec < 1 ||
            prec > 2) {
            rc = failf(L, file, line,
                       "bad country (ISO2), feature or precision (1 or 2)");
            break;
        }
        if (strlen(f[7]) < 3) {
            rc = failf(L, file, line, "missing source");
            break;
        }
        if (in_country(L, f[4], lat, lon, 15) == 0) {
            rc = failf(L, file, line, "point %.5f %.5f lies outside %s", lat,
                       lon, f[4]);
            break;
        }
        uint32_t twin = UINT32_MAX;
        if (prec == 1) {
            for (size_t k = 0; k < nbefore && twin == UINT32_MAX; k++) {
                const gaz_place *o = &L->g->places[k];
                if (!near_deg(lat, lon, o->lat, o->lon, 10) ||
                    strcmp(o->country, f[4]) != 0 || o->precision != 1)
                    continue;
                double d = boundaries_distance_km(lat, lon, o->lat, o->lon);
                if (d > 10) continue;
                if (d < 1) twin = o->id;
                for (int a = 0; a < nar && twin == UINT32_MAX; a++) {
                    size_t kl = name_key(ar[a], key, sizeof key);
                    if (kl && place_has_key(L, o->id, key, kl)) twin = o->id;
                }
            }
        }
        if (twin == UINT32_MAX) {
            snprintf(src, sizeof src, "places-extra:%zu", line);
            if (!add_place(L, f[0], ar, nar, src, lat, lon, f[4], feat,
                           (int)prec))
                goto nomem;
            continue;
        }
        /* the curated English name wins (Es Sider, not Al Sidrah) */
        gaz_place *t = &L->g->places[twin];
        t->name_en = sdup(L, f[0]);
        if (!*t->name_ar) t->name_ar = sdup(L, ar[0]);
        if (!t->name_en || !t->name_ar) goto nomem;
        for (int a = 0; a < nar; a++)
            if (add_name(L, twin, ar[a], 0)) goto nomem;
    }
    free(buf);
    return rc;
nomem:
    free(buf);
    return failf(L, file, line, "out of memory");
}

/* The capital (GeoNames PPLC) of a country, else its most populous place. */
static const gaz_place *capital_of(loader *L, const char *cc) {
    unsigned idx = (unsigned)(cc[0] - 'A') * 26 + (unsigned)(cc[1] - 'A');
    if (L->capital[idx]) return &L->g->places[L->capital[idx] - 1];
    if (!L->capital_pop) { /* one pass: the most populous place of each */
        L->capital_pop = calloc(26 * 26, sizeof *L->capital_pop);
        if (!L->capital_pop) return NULL;
        for (size_t i = 0; i < L->g->nplaces; i++) {
            const gaz_place *p = &L->g->places[i];
            if (p->country[0] < 'A' || p->country[0] > 'Z' ||
                p->country[1] < 'A' || p->country[1] > 'Z')
                continue;
            unsigned k = (unsigned)(p->country[0] - 'A') * 26 +
                         (unsigned)(p->country[1] - 'A');
            uint32_t *b = &L->capital_pop[k];
            if (!*b || p->population > L->g->places[*b - 1].population)
                *b = p->id + 1;
        }
    }
    return L->capital_pop[idx] ? &L->g->places[L->capital_pop[idx] - 1] : NULL;
}

/* countries.tsv: iso2, name_en, names_ar (|), lat, lon ("-" "-": the capital
 * from GeoNames), capital (English, for the reader), home ("home" for the
 * Arab world and its neighbours, else "-"), source. */
static int load_countries(loader *L) {
    const char *file = "countries.tsv";
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    char src[64];
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        char *ar[32];
        double lat = 0, lon = 0;
        if ((rc = want_fields(L, file, line, nf, 8))) break;
        int nar = split_bar(f[2], ar, 32);
        if (!is_iso2(f[0]) || !*f[1] || nar == 0 ||
            (strcmp(f[6], "home") != 0 && strcmp(f[6], "-") != 0)) {
            rc = failf(L, file, line,
                       "bad ISO2 code, English or Arabic name, or home "
                       "('home' or '-')");
            break;
        }
        unsigned idx = (unsigned)(f[0][0] - 'A') * 26 + (unsigned)(f[0][1] - 'A');
        if (L->g->country_of[idx]) {
            rc = failf(L, file, line, "duplicate country %s", f[0]);
            break;
        }
        if (strcmp(f[3], "-") == 0 && strcmp(f[4], "-") == 0) {
            const gaz_place *cap = capital_of(L, f[0]);
            if (!cap) {
                rc = failf(L, file, line,
                           "no GeoNames place in %s to code it at; give lat lon",
                           f[0]);
                break;
            }
            lat = cap->lat;
            lon = cap->lon;
        } else if (parse_double(f[3], -90, 90, &lat) ||
                   parse_double(f[4], -180, 180, &lon)) {
            rc = failf(L, file, line, "bad latitude or longitude");
            break;
        }
        snprintf(src, sizeof src, "countries:%s", f[0]);
        gaz_place *p = add_place(L, f[1], ar, nar, src, lat, lon, f[0],
                                 "country", 3);
        if (!p) goto nomem;
        L->g->country_of[idx] = p->id + 1;
        L->g->home[idx] = strcmp(f[6], "home") == 0;
    }
    free(buf);
    return rc;
nomem:
    free(buf);
    return failf(L, file, line, "out of memory");
}

/* regions.tsv: name_en, names_ar (|), country, coded_at (Arabic name of its
 * main town, which must be in the gazetteer in that country), source. */
static int load_regions(loader *L) {
    const char *file = "regions.tsv";
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    char src[64], key[512];
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        char *ar[32];
        if ((rc = want_fields(L, file, line, nf, 5))) break;
        int nar = split_bar(f[1], ar, 32);
        if (!*f[0] || nar == 0 || !is_iso2(f[2]) || strlen(f[4]) < 3) {
            rc = failf(L, file, line,
                       "bad English name, Arabic names, country or source");
            break;
        }
        size_t kl = name_key(f[3], key, sizeof key);
        const gaz_place *town = NULL;
        for (size_t i = 0; kl && i < L->nnames; i++) {
            const gaz_place *p = &L->g->places[L->names[i].place];
            if (L->names[i].klen != kl || memcmp(L->names[i].key, key, kl) ||
                strcmp(p->country, f[2]) != 0 || p->precision != 1)
                continue;
            if (
                (!town || gaz_rank(p) > gaz_rank(town)))
                town = p;
        }
        if (!town) {
            rc = failf(L, file, line, "main town '%s' is not a place in %s",
                       f[3], f[2]);
            break;
        }
        double lat = town->lat, lon = town->lon;
        const char *adm = town->admin1;
        snprintf(src, sizeof src, "regions:%zu", line);
        gaz_place *p = add_place(L, f[0], ar, nar, src, lat, lon, f[2],
                                 "region", 3);
        if (!p) goto nomem;
        p->admin1 = adm;
    }
    free(buf);
    return rc;
nomem:
    free(buf);
    return failf(L, file, line, "out of memory");
}

/* Libyan places: district by point-in-polygon, named by ly-districts.tsv. */
static int assign_districts(loader *L) {
    gazetteer *g = L->g;
    for (size_t i = 0; i < g->nplaces; i++) {
        gaz_place *p = &g->places[i];
        if (strcmp(p->country, "LY") != 0 || strcmp(p->feature, "country") == 0)
            continue;
        if (strcmp(p->feature, "region") == 0) continue; /* from its town */
        long k = boundaries_find(L->ly_adm1, p->lat, p->lon, 30);
        if (k < 0) continue;
        const char *code = boundaries_code(L->ly_adm1, (size_t)k);
        p->admin1 = NULL;
        for (size_t d = 0; d < L->ndistricts; d++)
            if (strcmp(L->districts[d].code, code) == 0)
                p->admin1 = L->districts[d].name_en;
        if (!p->admin1) { /* a code ly-districts.tsv lacks: the shape name */
            p->admin1 = sdup(L, boundaries_name(L->ly_adm1, (size_t)k));
            if (!p->admin1) return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Lexicons
 * ------------------------------------------------------------------------ */

/* Word lists (places-stop.tsv, person-names.tsv): the first field is the
 * phrase; with mode_field > 0, that field is "always" (value 0), "home"
 * (value 1) or "never" (value 2); the others are comments (a reason, a
 * source). */
static int load_list(loader *L, const char *file, phrase_dict *d, int nfields,
                     int mode_field) {
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        if ((rc = want_fields(L, file, line, nf, nfields))) break;
        uint32_t mode = 0;
        if (mode_field > 0) {
            if (strcmp(f[mode_field], "home") == 0) {
                mode = 1;
            } else if (strcmp(f[mode_field], "never") == 0) {
                mode = 2;
                if (phrase_dict_add(L->g->names, f[0], strlen(f[0]),
                                    GAZV_NONPLACE << GAZV_SHIFT) < 0) {
                    rc = failf(L, file, line, "out of memory");
                    break;
                }
            } else if (strcmp(f[mode_field], "always") != 0) {
                rc = failf(L, file, line,
                           "mode must be 'always', 'home' or 'never'");
                break;
            }
        }
        int r = phrase_dict_add(d, f[0], strlen(f[0]), mode);
        if (r == 1) {
            rc = failf(L, file, line, "'%s' has no letters", f[0]);
            break;
        }
        if (r < 0) {
            rc = failf(L, file, line, "out of memory");
            break;
        }
    }
    free(buf);
    return rc;
}

static const struct {
    const char *name;
    gaz_cue_kind kind;
} CUE_KINDS[] = {
    {"type", CUE_TYPE},     {"org", CUE_ORG},   {"filler", CUE_FILLER},
    {"person", CUE_PERSON}, {"rel", CUE_REL},   {"unit", CUE_UNIT},
    {"dist", CUE_DIST},     {"from", CUE_FROM},
};

/* place-cues.tsv: phrase, kind, label, value. */
static int load_cues(loader *L) {
    const char *file = "place-cues.tsv";
    gazetteer *g = L->g;
    size_t len, line;
    char *buf = read_data(L, file, &len), *f[MAXF + 1];
    if (!buf) return -1;
    tsv_iter it = {buf, buf + len, 0};
    int nf, rc = 0;
    while ((nf = tsv_next(&it, f, &line)) > 0) {
        if ((rc = want_fields(L, file, line, nf, 4))) break;
        int kind = 0;
        for (size_t k = 0; k < sizeof CUE_KINDS / sizeof *CUE_KINDS; k++)
            if (strcmp(CUE_KINDS[k].name, f[1]) == 0) kind = CUE_KINDS[k].kind;
        double v = 0;
        if (!kind) {
            rc = failf(L, file, line, "unknown kind '%s'", f[1]);
            break;
        }
        if ((kind == CUE_REL &&
             (parse_double(f[3], 1, 2, &v) || strcmp(f[2], "-") == 0)) ||
            (kind == CUE_UNIT && parse_double(f[3], 1e-6, 1e4, &v)) ||
            (kind == CUE_TYPE &&
             (!feature_str(f[2]) || parse_double(f[3], 0, 1, &v)))) {
            rc = failf(L, file, line,
                       "rel needs a label and precision 1 or 2; unit a km "
                       "factor; type a known feature and 1 or 0");
            break;
        }
        if (g->ncues == g->capcues) {
            size_t nc = g->capcues ? g->capcues * 2 : 128;
            gaz_cue *ncue = realloc(g->cue, nc * sizeof *ncue);
            if (!ncue) {
                rc = failf(L, file, line, "out of memory");
                break;
            }
            g->cue = ncue;
            g->capcues = nc;
        }
        const char *label = kind == CUE_TYPE ? feature_str(f[2]) : sdup(L, f[2]);
        if (!label) {
            rc = failf(L, file, line, "out of memory");
            break;
        }
        g->cue[g->ncues] = (gaz_cue){(uint8_t)kind, label, v};
        int r = phrase_dict_add(g->cues, f[0], strlen(f[0]),
                                (uint32_t)g->ncues);
        if (r) {
            rc = failf(L, file, line, r > 0 ? "phrase has no letters"
                                            : "out of memory");
            break;
        }
        g->ncues++;
    }
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------------
 * Spelling variants (on folded keys: ة/ه, ى/ي and hamza forms are already
 * one by folding)
 * ------------------------------------------------------------------------ */

/* Letters in a folded key (code points other than spaces and ASCII). */
static size_t key_letters(const char *k, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)k[i];
        if ((b & 0xC0) != 0x80 && b >= 0x80) c++;
        else if (isalnum(b)) c++;
    }
    return c;
}

static int starts_with(const char *k, size_t n, const char *p) {
    size_t l = strlen(p);
    return n >= l && memcmp(k, p, l) == 0;
}

/* Leading words that say what kind of place follows; a source name that
 * starts with one (مدينة جرمة, شعبية سبها, استان سرت) is stored without it,
 * since the matcher reads these words in the text itself. */
static const char *const TYPE_PREFIXES[] = {
    "مدينه", "بلده", "شعبيه", "بلديه", "استان", "محافظه", "ولايه", "قضاء",
    "ناحيه", "مديريه", "اقليم",
    /* from here on, a lone word after the prefix (قرية صالح, حي الدولار)
     * is too often a common word or a name: it needs the prefix in the
     * text too */
    "قريه", "منطقه", "حي"};
#define TYPE_PREFIX_FIRST_WEAK 11

typedef struct {
    loader *L;
    uint32_t place;
    int stop; /* set GAZV_STOP on every key added */
} var_ctx;

/* Towns outside the Arab world and its neighbours smaller than this have
 * one-word Arabic names (often Persian or Urdu spellings) that collide with
 * common words (كان Cannes, امل Amol): they need a place-type word. */
#define FOREIGN_TOWN_MIN_POP 100000

/* Adds one key with its flags: STOP when a stop word (HOME with it when the
 * stop line says "home"), a single word that is a person's first name, or
 * a single word naming a small town far away. */
static int put_key(var_ctx *c, const char *k, size_t n, int weak) {
    gazetteer *g = c->L->g;
    if (n == 0 || key_letters(k, n) < 3) return 0;
    const gaz_place *p = &g->places[c->place];
    uint32_t nv, v = c->place << GAZV_SHIFT;
    if (weak) v |= GAZV_WEAK;
    if (c->stop) v |= GAZV_STOP;
    const uint32_t *sv = phrase_dict_get(c->L->stop, k, n, &nv);
    int one_word = !memchr(k, ' ', n);
    if (sv) {
        v |= GAZV_STOP;
        if (sv[0] == 1) v |= GAZV_HOME;
    } else if (one_word && phrase_dict_get(g->persons, k, n, &nv)) {
        v |= GAZV_STOP;
    } else if (one_word && !g->home[(p->country[0] - 'A') * 26 +
                                    (p->country[1] - 'A')] &&
               strcmp(p->feature, "country") != 0 &&
               p->population < FOREIGN_TOWN_MIN_POP) {
        v |= GAZV_STOP | GAZV_HOME;
    }
    return phrase_dict_add_key(g->names, k, n, v) < 0 ? -1 : 0;
}

/* Adds key k and its generated spellings. */
static int add_spellings(var_ctx *c, const char *k, size_t n, int weak);

static int add_variants(var_ctx *c, const char *k, size_t n, int weak) {
    if (n == 0 || n > 500) return 0;
    int saved = c->stop;
    /* strip a leading place-type word */
    for (size_t i = 0; i < sizeof TYPE_PREFIXES / sizeof *TYPE_PREFIXES; i++) {
        size_t l = strlen(TYPE_PREFIXES[i]);
        if (n > l + 1 && memcmp(k, TYPE_PREFIXES[i], l) == 0 && k[l] == ' ') {
            k += l + 1;
            n -= l + 1;
            if (i >= TYPE_PREFIX_FIRST_WEAK && !memchr(k, ' ', n)) c->stop = 1;
            break;
        }
    }
    int rc = add_spellings(c, k, n, weak);
    c->stop = saved;
    return rc;
}

static int add_spellings(var_ctx *c, const char *k, size_t n, int weak) {
    char buf[600];
    /* names joined by a dash or slash (القداحية- زمزم): each part */
    for (size_t i = 0; i + 2 < n; i++) {
        if (k[i] == ' ' && (k[i + 1] == '-' || k[i + 1] == '/') &&
            (i + 2 == n || k[i + 2] == ' ')) {
            if (add_variants(c, k, i, weak)) return -1;
            size_t r = i + 3 < n ? i + 3 : n;
            return add_variants(c, k + r, n - r, weak);
        }
    }
    if (put_key(c, k, n, weak)) return -1;
    const char *sp = memchr(k, ' ', n);
    size_t first = sp ? (size_t)(sp - k) : n;
    /* with and without the article, in the Arab world and its neighbours
     * only (elsewhere ال is part of a transliteration: البسيط Albacete), and
     * not when that leaves three letters (الخمس is a town, خمس "five") */
    const gaz_place *p = &c->L->g->places[c->place];
    int home = c->L->g->home[(p->country[0] - 'A') * 26 + (p->country[1] - 'A')];
    if (!home) {
        /* no article variants */
    } else if (starts_with(k, n, "ال") && key_letters(k + 4, first - 4) >= 4) {
        if (put_key(c, k + 4, n - 4, 1)) return -1;
    } else if (!sp && !starts_with(k, n, "ال")) {
        memcpy(buf, "ال", 4);
        memcpy(buf + 4, k, n);
        if (put_key(c, buf, n + 4, 1)) return -1;
    }
    /* أبو X, بو X, أبوX, بوX (Libyan writing drops the alef) */
    const char *rest = NULL;
    size_t rl = 0;
    if (sp && (first == 6 && starts_with(k, n, "ابو"))) {
        rest = k + 7;
        rl = n - 7;
    } else if (sp && first == 4 && starts_with(k, n, "بو")) {
        rest = k + 5;
        rl = n - 5;
    } else if (first > 6 && starts_with(k, n, "ابو") &&
               key_letters(k + 6, first - 6) >= 3) {
        rest = k + 6;
        rl = n - 6;
    }
    if (rest) {
        static const char *const FORMS[] = {"ابو ", "بو ", "ابو", "بو"};
        for (size_t f = 0; f < 4; f++) {
            size_t l = strlen(FORMS[f]);
            memcpy(buf, FORMS[f], l);
            memcpy(buf + l, rest, rl);
            if (put_key(c, buf, l + rl, 1)) return -1;
        }
    }
    /* final hamza dropped: صنعاء → صنعا */
    if (n > 4 && memcmp(k + n - 4, "اء", 4) == 0) {
        memcpy(buf, k, n - 2);
        if (put_key(c, buf, n - 2, 1)) return -1;
    }
    return 0;
}

/* Multi-word names ending with the name of their town (الفتائح درنة,
 * الداوون ترهونة): also the name without it. `towns` maps city and town
 * keys to place ids. */
static int strip_container(var_ctx *c, const phrase_dict *towns,
                           const char *k, size_t n) {
    const gaz_place *self = &c->L->g->places[c->place];
    for (size_t i = n; i-- > 0;) {
        if (k[i] != ' ') continue;
        uint32_t nv;
        const uint32_t *v = phrase_dict_get(towns, k + i + 1, n - i - 1, &nv);
        for (uint32_t j = 0; v && j < nv; j++) {
            const gaz_place *t = &c->L->g->places[v[j]];
            if (t->id == self->id) continue;
            if (boundaries_distance_km(t->lat, t->lon, self->lat, self->lon) <
                60)
                return add_variants(c, k, i, 1);
        }
    }
    return 0;
}

static int build_names(loader *L) {
    gazetteer *g = L->g;
    phrase_dict *towns = phrase_dict_new();
    if (!towns) return failf(L, "places", 0, "out of memory");
    char key[600];
    for (size_t i = 0; i < L->nnames; i++) {
        const gaz_place *p = &g->places[L->names[i].place];
        if (L->names[i].klen == 0) continue; /* removed */
        if (strcmp(p->feature, "city") && strcmp(p->feature, "town")) continue;
        if (phrase_dict_add_key(towns, L->names[i].key, L->names[i].klen,
                                p->id) < 0) {
            phrase_dict_free(towns);
            return failf(L, "places", 0, "out of memory");
        }
    }
    int rc = 0;
    for (size_t i = 0; i < L->nnames && rc == 0; i++) {
        var_ctx c = {L, L->names[i].place, 0};
        size_t n = L->names[i].klen;
        if (n == 0) continue; /* removed by geonames-arabic.tsv */
        memcpy(key, L->names[i].key, n);
        key[n] = '\0';
        const gaz_place *p = &g->places[c.place];
        int generated = strcmp(p->feature, "country") == 0 ||
                        strcmp(p->feature, "region") == 0;
        if (generated) /* countries and regions list their spellings */
            rc = put_key(&c, key, n, L->names[i].weak);
        else
            rc = add_variants(&c, key, n, L->names[i].weak);
        if (rc == 0 && !generated && memchr(key, ' ', n))
            rc = strip_container(&c, towns, key, n);
    }
    phrase_dict_free(towns);
    return rc ? failf(L, "places", 0, "out of memory") : 0;
}

/* ------------------------------------------------------------------------
 * Public
 * ------------------------------------------------------------------------ */

gazetteer *gazetteer_load(const char *datadir, char *err, size_t errlen) {
    if (!err || errlen == 0) return NULL;
    err[0] = '\0';
    gazetteer *g = calloc(1, sizeof *g);
    static _Atomic uint64_t serials;
    if (g) g->serial = ++serials;
    loader L = {.g = g, .datadir = datadir ? datadir : ".", .err = err,
                .errlen = errlen};
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->names = phrase_dict_new();
    g->cues = phrase_dict_new();
    g->persons = phrase_dict_new();
    L.stop = phrase_dict_new();
    if (!g->names || !g->cues || !g->persons || !L.stop) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    char *p1 = path_join(L.datadir, ADM1_FILE), *p0 = path_join(L.datadir, ADM0_FILE);
    char berr[256] = "out of memory";
    if (p1) L.ly_adm1 = boundaries_load(p1, "shapeName", "shapeISO", berr,
                                        sizeof berr);
    if (L.ly_adm1 && p0)
        L.admin0 = boundaries_load(p0, "ADMIN", "ISO_A2", berr, sizeof berr);
    free(p1);
    free(p0);
    if (!L.ly_adm1 || !L.admin0) {
        snprintf(err, errlen, "%s", berr);
        goto fail;
    }
    if (load_districts(&L) || load_ne_places(&L) ||
        load_list(&L, "places-stop.tsv", L.stop, 3, 1) ||
        load_list(&L, "person-names.tsv", g->persons, 2, 0) || load_cues(&L) ||
        load_osm(&L) || load_geonames(&L) || load_geonames_arabic(&L) ||
        load_extra(&L))
        goto fail;
    if (assign_districts(&L)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (load_countries(&L) || load_regions(&L) || build_names(&L)) goto fail;
    /* shrink */
    gaz_place *np = realloc(g->places, (g->nplaces ? g->nplaces : 1) *
                                           sizeof *np);
    if (np) {
        g->places = np;
        g->capplaces = g->nplaces;
    }
    /* ranks and areas, read for every candidate of every mention */
    g->rank = malloc(g->nplaces ? g->nplaces : 1);
    if (!g->rank) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < g->nplaces; i++) {
        const gaz_place *p = &g->places[i];
        int area = strcmp(p->feature, "country") == 0 ||
                   strcmp(p->feature, "region") == 0;
        g->rank[i] = (uint8_t)(gaz_rank(p) | (area ? GAZ_AREA : 0));
    }
    goto done;
fail:
    gazetteer_free(g);
    g = NULL;
done:
    free(L.names);
    free(L.first);
    free(L.capital_pop);
    phrase_dict_free(L.stop);
    boundaries_free(L.ly_adm1);
    boundaries_free(L.admin0);
    free(L.districts);
    free(L.ne_adm1);
    free(L.gn);
    return g;
}

void gazetteer_join(gazetteer *g, phrase_group *pg) {
    if (!g) return;
    phrase_group_add(pg, g->names);
    phrase_group_add(pg, g->cues);
    phrase_group_add(pg, g->persons);
}

void gazetteer_free(gazetteer *g) {
    if (!g) return;
    free(g->places);
    free(g->rank);
    arena_free(g->arena);
    phrase_dict_free(g->names);
    phrase_dict_free(g->cues);
    phrase_dict_free(g->persons);
    free(g->cue);
    free(g);
}

size_t gazetteer_count(const gazetteer *g) { return g ? g->nplaces : 0; }

const gaz_place *gazetteer_place(const gazetteer *g, uint32_t id) {
    return g && id < g->nplaces ? &g->places[id] : NULL;
}

const gaz_place *gazetteer_country(const gazetteer *g, const char *iso2) {
    if (!g || !iso2 || !is_iso2(iso2)) return NULL;
    uint32_t v = g->country_of[(iso2[0] - 'A') * 26 + (iso2[1] - 'A')];
    return v ? &g->places[v - 1] : NULL;
}

const char *gazetteer_country_name(const gazetteer *g, const char *iso2) {
    const gaz_place *p = gazetteer_country(g, iso2);
    return p ? p->name_en : NULL;
}

size_t gazetteer_lookup(const gazetteer *g, const char *name, size_t len,
                        uint32_t *out, size_t max) {
    uint32_t nv;
    const uint32_t *v = g ? phrase_dict_get(g->names, name, len, &nv) : NULL;
    size_t n = 0;
    for (uint32_t i = 0; v && i < nv; i++) {
        uint32_t id = GAZV_ID(v[i]);
        if (id == GAZV_NONPLACE) continue;
        int seen = 0;
        for (uint32_t j = 0; j < i && !seen; j++) seen = GAZV_ID(v[j]) == id;
        if (seen) continue;
        if (n < max) out[n] = id;
        n++;
    }
    return n;
}
