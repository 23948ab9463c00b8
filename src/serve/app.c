/*
 * app.c — the answers of `marsad serve` (app.h): routing, parameter
 * checking with a 400 that names the parameter, the JSON API over the store
 * (docs/api.md), the boundaries and the dashboard's files.
 */
#include "serve/app.h"
#include "serve/assets.h"
#include "serve/http.h"
#include "serve/queries.h"
#include "lex/tsv.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#define EVENTS_LIMIT_DEFAULT 100
#define EVENTS_LIMIT_MAX 5000
#define SEARCH_LIMIT_MAX 100
#define OFFSET_MAX 10000000
#define TEXT_PARAM_MAX 200
#define QUERY_PARAM_MAX 500
#define WEB_FILE_MAX (16u << 20)

/* The marks around search matches in snippets: private-use characters that
 * no article holds, split into {"text", "match"} parts before answering. */
#define MARK_OPEN "\xee\x80\x80"  /* U+E000 */
#define MARK_CLOSE "\xee\x80\x81" /* U+E001 */

typedef struct {
    char *name;
    char *data;
    size_t len;
} boundary_file;

typedef struct {
    char *code, *name, *name_ar, *shape;
} district;

typedef struct {
    char *code, *name, *name_ar;
} country;

struct serve_app {
    char *web_dir;            /* realpath, or NULL: embedded */
    boundary_file *bounds;
    size_t nbounds;
    district *districts;
    size_t ndistricts;
    country *countries;
    size_t ncountries;
};

/* ---- loading ------------------------------------------------------------------ */

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads a whole regular file of at most max bytes. */
static char *read_file(const char *path, size_t max, size_t *len, char *err,
                       size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        (size_t)st.st_size > max) {
        snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path,
                 max);
        fclose(f);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    char *b = malloc(n + 1);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        fclose(f);
        return NULL;
    }
    size_t got = fread(b, 1, n, f);
    fclose(f);
    if (got != n) {
        snprintf(err, errlen, "%s: short read", path);
        free(b);
        return NULL;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

static int cmp_bound(const void *a, const void *b) {
    return strcmp(((const boundary_file *)a)->name, ((const boundary_file *)b)->name);
}

static int load_boundaries(serve_app *a, const char *datadir, char *err,
                           size_t errlen) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/sources/boundaries", datadir);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".geojson")) continue;
        if (a->nbounds == cap) {
            cap = cap ? cap * 2 : 8;
            boundary_file *nb = realloc(a->bounds, cap * sizeof *nb);
            if (!nb) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            a->bounds = nb;
        }
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        boundary_file *b = &a->bounds[a->nbounds];
        b->data = read_file(path, 64u << 20, &b->len, err, errlen);
        if (!b->data) {
            rc = -1;
            break;
        }
        if (!(b->name = xstrdup(e->d_name))) {
            free(b->data);
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        a->nbounds++;
    }
    closedir(d);
    if (rc == 0 && a->nbounds == 0) {
        snprintf(err, errlen, "%s: no .geojson file", dir);
        rc = -1;
    }
    if (rc == 0) qsort(a->bounds, a->nbounds, sizeof *a->bounds, cmp_bound);
    return rc;
}

/* ly-districts.tsv: code, name_en, name_ar, geoBoundaries shapeName. */
static int load_districts(serve_app *a, const char *datadir, char *err,
                          size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "ly-districts.tsv", err, errlen)) return -1;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && tsv_next(&r)) {
        if (r.nfields < 4 || !*r.field[0] || !*r.field[1] || !*r.field[2] ||
            !*r.field[3]) {
            tsv_error(&r, err, errlen,
                      "expected 4 fields (code, name_en, name_ar, shapeName), got %d",
                      r.nfields);
            rc = -1;
            break;
        }
        if (a->ndistricts == cap) {
            cap = cap ? cap * 2 : 32;
            district *nd = realloc(a->districts, cap * sizeof *nd);
            if (!nd) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            a->districts = nd;
        }
        district *x = &a->districts[a->ndistricts];
        x->code = xstrdup(r.field[0]);
        x->name = xstrdup(r.field[1]);
        x->name_ar = xstrdup(r.field[2]);
        x->shape = xstrdup(r.field[3]);
        a->ndistricts++;
        if (!x->code || !x->name || !x->name_ar || !x->shape) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    tsv_close(&r);
    return rc;
}

/* countries.tsv: iso2, name_en, Arabic names (|-separated, first shown). */
static int load_countries(serve_app *a, const char *datadir, char *err,
                          size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "countries.tsv", err, errlen)) return -1;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && tsv_next(&r)) {
        if (r.nfields < 3 || strlen(r.field[0]) != 2 || !*r.field[1] ||
            !*r.field[2]) {
            tsv_error(&r, err, errlen,
                      "expected an ISO code, an English name and Arabic names");
            rc = -1;
            break;
        }
        if (a->ncountries == cap) {
            cap = cap ? cap * 2 : 64;
            country *nc = realloc(a->countries, cap * sizeof *nc);
            if (!nc) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            a->countries = nc;
        }
        char *bar = strchr(r.field[2], '|');
        if (bar) *bar = '\0';
        country *c = &a->countries[a->ncountries];
        c->code = xstrdup(r.field[0]);
        c->name = xstrdup(r.field[1]);
        c->name_ar = xstrdup(r.field[2]);
        a->ncountries++;
        if (!c->code || !c->name || !c->name_ar) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    tsv_close(&r);
    return rc;
}

serve_app *serve_app_new(const char *datadir, const char *web_dir, char *err,
                         size_t errlen) {
    serve_app *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (web_dir) {
        char real[PATH_MAX];
        struct stat st;
        if (!realpath(web_dir, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: not a directory", web_dir);
            serve_app_free(a);
            return NULL;
        }
        if (!(a->web_dir = xstrdup(real))) {
            snprintf(err, errlen, "out of memory");
            serve_app_free(a);
            return NULL;
        }
    }
    if (!datadir) datadir = marsad_default_datadir();
    if (load_districts(a, datadir, err, errlen) ||
        load_countries(a, datadir, err, errlen) ||
        load_boundaries(a, datadir, err, errlen)) {
        serve_app_free(a);
        return NULL;
    }
    return a;
}

void serve_app_free(serve_app *a) {
    if (!a) return;
    for (size_t i = 0; i < a->nbounds; i++) {
        free(a->bounds[i].name);
        free(a->bounds[i].data);
    }
    for (size_t i = 0; i < a->ndistricts; i++) {
        free(a->districts[i].code);
        free(a->districts[i].name);
        free(a->districts[i].name_ar);
        free(a->districts[i].shape);
    }
    for (size_t i = 0; i < a->ncountries; i++) {
        free(a->countries[i].code);
        free(a->countries[i].name);
        free(a->countries[i].name_ar);
    }
    free(a->bounds);
    free(a->districts);
    free(a->countries);
    free(a->web_dir);
    free(a);
}

/* ---- responses ---------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} dump_buf;

/* jansson's output, with '<', '>' and '&' (which occur only inside JSON
 * strings) written as \uXXXX on the way: one pass, one buffer. */
static int dump_escaped(const char *p, size_t n, void *ctx) {
    dump_buf *b = ctx;
    if (b->n + 6 * n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + 6 * n + 1 > cap) cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = 1;
            return -1;
        }
        b->s = ns;
        b->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        const char *rep = p[i] == '<' ? "\\u003c" : p[i] == '>' ? "\\u003e"
                        : p[i] == '&' ? "\\u0026" : NULL;
        if (rep) {
            memcpy(b->s + b->n, rep, 6);
            b->n += 6;
        } else {
            b->s[b->n++] = p[i];
        }
    }
    return 0;
}

char *serve_json_dump(const json_t *j, size_t *len) {
    dump_buf b = {NULL, 0, 0, 0};
    if (json_dump_callback(j, dump_escaped, &b, JSON_COMPACT | JSON_REAL_PRECISION(10)) != 0 ||
        b.oom || !b.s) {
        free(b.s);
        return NULL;
    }
    b.s[b.n] = '\0';
    if (len) *len = b.n;
    return b.s;
}

static const char JSON_TYPE[] = "application/json; charset=utf-8";
static const char OOM_BODY[] = "{\"error\":\"out of memory\"}";

static void respond_json(serve_response *r, int status, json_t *j) {
    size_t len = 0;
    char *s = j ? serve_json_dump(j, &len) : NULL;
    json_decref(j);
    r->content_type = JSON_TYPE;
    if (!s) {
        r->status = 500;
        r->body = OOM_BODY;
        r->len = sizeof OOM_BODY - 1;
        return;
    }
    r->status = status;
    r->body = r->owned = s;
    r->len = len;
}

/* {"error": message, "parameter": param} (param NULL: left out). */
static void respond_error(serve_response *r, int status, const char *param,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void respond_error(serve_response *r, int status, const char *param,
                          const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* a message may quote what the client sent: keep it valid UTF-8 */
    size_t n;
    char *clean = marsad_utf8_sanitize(msg, strlen(msg), &n, NULL);
    json_t *j = json_object();
    if (j && clean) {
        json_object_set_new(j, "error", json_stringn(clean, n));
        json_object_set_new(j, "status", json_integer(status));
        if (param) {
            char *p = marsad_utf8_sanitize(param, strlen(param), &n, NULL);
            if (p) json_object_set_new(j, "parameter", json_stringn(p, n));
            free(p);
        }
    }
    free(clean);
    respond_json(r, status, j);
}

void serve_response_clear(serve_response *r) {
    if (!r) return;
    free(r->owned);
    memset(r, 0, sizeof *r);
}

/* ---- parameters ---------------------------------------------------------------- */

/* What every endpoint checks first: only known parameters, each once. */
static int check_params(const http_target *t, const char *const *known,
                        serve_response *r) {
    for (size_t i = 0; i < t->nparams; i++) {
        const char *name = t->params[i].name;
        int ok = 0;
        for (size_t k = 0; known[k] && !ok; k++) ok = strcmp(known[k], name) == 0;
        if (!ok) {
            respond_error(r, 400, name, "unknown parameter '%.100s'", name);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->params[j].name, name) == 0) {
                respond_error(r, 400, name, "%.100s: given more than once", name);
                return -1;
            }
    }
    return 0;
}

/* The value of name, NULL when absent or empty. */
static const char *param(const http_target *t, const char *name) {
    const char *v = http_param_get(t, name);
    return v && *v ? v : NULL;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* YYYY-MM-DD naming a real day. */
static int valid_date(const char *s) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return 0;
    return d <= dim[m - 1] + (m == 2 && leap(y));
}

static int get_date(const http_target *t, const char *name, const char **out,
                    serve_response *r) {
    const char *v = param(t, name);
    *out = NULL;
    if (!v) return 0;
    if (!valid_date(v)) {
        respond_error(r, 400, name, "%s: expected a date YYYY-MM-DD, got '%.40s'", name, v);
        return -1;
    }
    *out = v;
    return 0;
}

/* A whole number in [min, max]; *out keeps its default when absent. */
static int get_count(const http_target *t, const char *name, long min, long max,
                     long *out, serve_response *r) {
    const char *v = param(t, name);
    if (!v) return 0;
    long n = 0;
    int ok = *v != '\0' && strlen(v) <= 12;
    for (const char *p = v; ok && *p; p++) {
        if (*p < '0' || *p > '9') ok = 0;
        else n = n * 10 + (*p - '0');
    }
    if (!ok || n < min || n > max) {
        respond_error(r, 400, name, "%s: expected a whole number from %ld to %ld, got '%.40s'",
                      name, min, max, v);
        return -1;
    }
    *out = n;
    return 0;
}

static int get_text(const http_target *t, const char *name, size_t max,
                    const char **out, serve_response *r) {
    const char *v = param(t, name);
    *out = NULL;
    if (!v) return 0;
    if (strlen(v) > max) {
        respond_error(r, 400, name, "%s: longer than %zu bytes", name, max);
        return -1;
    }
    *out = v;
    return 0;
}

/* True when s holds a letter or a digit. */
static int has_word_char(const char *s) {
    utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(s), i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, n - i, &cp);
        if (k <= 0) return 0;
        utf8proc_category_t c = utf8proc_category(cp);
        if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) return 1;
        if (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO) return 1;
        i += k;
    }
    return 0;
}

/* The filters shared by /api/events and /api/aggregate. types[] points
 * into static names; other strings into t. */
static int get_filter(const http_target *t, queries_filter *q, serve_response *r) {
    memset(q, 0, sizeof *q);
    if (get_date(t, "from", &q->f.from, r) || get_date(t, "to", &q->f.to, r))
        return -1;
    if (q->f.from && q->f.to && strcmp(q->f.from, q->f.to) > 0) {
        respond_error(r, 400, "to", "to: %s is before from (%s)", q->f.to, q->f.from);
        return -1;
    }
    const char *types = param(t, "type");
    for (const char *p = types; p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char one[128];
        while (n && *p == ' ') p++, n--;
        while (n && p[n - 1] == ' ') n--;
        const char *canon = NULL;
        if (n && n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            canon = queries_type_canonical(one);
        }
        if (!canon) {
            respond_error(r, 400, "type",
                          "type: '%.*s' is not an event type or sub-event type "
                          "(spec/EVENTS.md; several are separated by commas)",
                          (int)(n > 100 ? 100 : n), p);
            return -1;
        }
        if (q->ntypes == QUERIES_MAX_TYPES) {
            respond_error(r, 400, "type", "type: more than %d types", QUERIES_MAX_TYPES);
            return -1;
        }
        q->types[q->ntypes++] = canon;
        p = e ? e + 1 : NULL;
    }
    if (get_text(t, "actor", TEXT_PARAM_MAX, &q->f.actor, r) ||
        get_text(t, "place", TEXT_PARAM_MAX, &q->f.place, r))
        return -1;
    long minf = 0;
    if (get_count(t, "min_fatalities", 0, 1000000000L, &minf, r)) return -1;
    q->f.min_fatalities = minf;
    const char *bbox = param(t, "bbox");
    if (bbox) {
        double v[4];
        const char *p = bbox;
        int ok = 1;
        for (int i = 0; i < 4 && ok; i++) {
            char *end;
            v[i] = strtod(p, &end);
            ok = end != p && isfinite(v[i]) && (*end == (i < 3 ? ',' : '\0'));
            p = end + (i < 3);
        }
        if (!ok || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 ||
            v[0] > v[2] || v[1] > v[3]) {
            respond_error(r, 400, "bbox",
                          "bbox: expected west,south,east,north in degrees "
                          "(west <= east, south <= north), got '%.80s'", bbox);
            return -1;
        }
        q->has_bbox = 1;
        q->west = v[0];
        q->south = v[1];
        q->east = v[2];
        q->north = v[3];
    }
    if (get_text(t, "q", QUERY_PARAM_MAX, &q->q, r)) return -1;
    if (q->q && !has_word_char(q->q)) {
        respond_error(r, 400, "q", "q: needs at least one letter or digit");
        return -1;
    }
    return 0;
}

/* "E12" or "12". */
static int64_t parse_event_id(const char *s) {
    if (*s == 'E' || *s == 'e') s++;
    if (!*s || strlen(s) > 15) return 0;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* ---- endpoints ------------------------------------------------------------------- */

static void store_failed(serve_response *r, store *st) {
    respond_error(r, 500, NULL, "store: %s", store_errmsg(st));
}

typedef struct {
    json_t *arr;
    int geojson;
    queries_json_level level;
    int oom;
} list_state;

static int add_event(void *ctx, const store_event *ev) {
    list_state *L = ctx;
    json_t *e = queries_event_json(ev, L->level);
    if (!e) {
        L->oom = 1;
        return 1;
    }
    if (L->geojson) {
        json_t *f = json_object(), *g = json_object(), *c = json_array();
        if (!f || !g || !c) {
            json_decref(f);
            json_decref(g);
            json_decref(c);
            json_decref(e);
            L->oom = 1;
            return 1;
        }
        json_array_append_new(c, json_real(ev->record->lon));
        json_array_append_new(c, json_real(ev->record->lat));
        json_object_set_new(g, "type", json_string("Point"));
        json_object_set_new(g, "coordinates", c);
        json_object_set_new(f, "type", json_string("Feature"));
        json_object_set_new(f, "id", json_integer(ev->id));
        json_object_set_new(f, "geometry", g);
        json_object_set_new(f, "properties", e);
        e = f;
    }
    if (json_array_append_new(L->arr, e)) L->oom = 1;
    return L->oom;
}

static void api_events(store *st, const http_target *t, serve_response *r) {
    static const char *const known[] = {"from", "to", "type", "actor", "place",
                                        "bbox", "min_fatalities", "q", "limit",
                                        "offset", "format", "compact", NULL};
    if (check_params(t, known, r)) return;
    queries_filter q;
    if (get_filter(t, &q, r)) return;
    long limit = EVENTS_LIMIT_DEFAULT, offset = 0;
    if (get_count(t, "limit", 1, EVENTS_LIMIT_MAX, &limit, r) ||
        get_count(t, "offset", 0, OFFSET_MAX, &offset, r))
        return;
    const char *format = param(t, "format");
    int geojson = 0;
    if (format) {
        if (strcmp(format, "geojson") == 0) geojson = 1;
        else if (strcmp(format, "json") != 0) {
            respond_error(r, 400, "format", "format: expected json or geojson, got '%.40s'",
                          format);
            return;
        }
    }
    long compact = 0;
    if (get_count(t, "compact", 0, 1, &compact, r)) return;
    q.limit = (size_t)limit;
    q.offset = (size_t)offset;
    list_state L = {json_array(), geojson,
                    compact ? QUERIES_JSON_COMPACT : QUERIES_JSON_LIST, 0};
    size_t total = 0;
    long n = L.arr ? queries_events(st, &q, add_event, &L, &total) : -1;
    if (!L.arr) L.oom = 1;
    if (n < 0 && !L.oom) {
        json_decref(L.arr);
        store_failed(r, st);
        return;
    }
    json_t *o = L.oom ? NULL : json_object();
    if (!o) {
        json_decref(L.arr);
        respond_json(r, 500, NULL);
        return;
    }
    if (geojson) json_object_set_new(o, "type", json_string("FeatureCollection"));
    json_object_set_new(o, "total", json_integer((json_int_t)total));
    json_object_set_new(o, "offset", json_integer(offset));
    json_object_set_new(o, "limit", json_integer(limit));
    json_object_set_new(o, "count", json_integer((json_int_t)json_array_size(L.arr)));
    json_object_set_new(o, geojson ? "features" : "events", L.arr);
    respond_json(r, 200, o);
}

static void api_event(store *st, const http_target *t, const char *id,
                      serve_response *r) {
    static const char *const known[] = {NULL};
    if (check_params(t, known, r)) return;
    int64_t eid = parse_event_id(id);
    if (eid <= 0) {
        respond_error(r, 400, "id", "id: expected an event id like E12, got '%.40s'", id);
        return;
    }
    store_event *ev = store_event_get(st, eid);
    if (!ev) {
        /* the store says "no event N" for a missing one */
        if (strncmp(store_errmsg(st), "no event", 8) == 0)
            respond_error(r, 404, "id", "no event E%lld", (long long)eid);
        else
            store_failed(r, st);
        return;
    }
    json_t *j = queries_event_json(ev, QUERIES_JSON_DETAIL);
    store_event_free(ev);
    respond_json(r, 200, j);
}

static void api_article(store *st, const http_target *t, const char *id,
                        serve_response *r) {
    static const char *const known[] = {NULL};
    if (check_params(t, known, r)) return;
    if (!*id || strlen(id) > STORE_KEY_MAX) {
        respond_error(r, 400, "id", "id: expected an article id or key");
        return;
    }
    store_article *a = store_article_get(st, id);
    if (!a) {
        /* absent and failing look alike through store.h; an article that
         * cannot be read is reported as absent with the store's reason */
        respond_error(r, 404, "id", "%s", store_errmsg(st));
        return;
    }
    json_t *j = queries_article_json(a);
    store_article_free(a);
    respond_json(r, 200, j);
}

/* A snippet with MARK_OPEN/MARK_CLOSE as [{"text", "match"}] parts. */
static json_t *snippet_parts(const char *s) {
    json_t *a = json_array();
    if (!a || !s) return a;
    int match = 0;
    const char *p = s;
    while (*p) {
        const char *m = strstr(p, match ? MARK_CLOSE : MARK_OPEN);
        size_t n = m ? (size_t)(m - p) : strlen(p);
        if (n) {
            json_t *o = json_object();
            json_t *txt = json_stringn(p, n);
            if (!o || !txt) {
                json_decref(o);
                json_decref(txt);
                json_decref(a);
                return NULL;
            }
            json_object_set_new(o, "text", txt);
            json_object_set_new(o, "match", json_boolean(match));
            json_array_append_new(a, o);
        }
        if (!m) break;
        p = m + strlen(MARK_OPEN);
        match = !match;
    }
    return a;
}

static void api_search(store *st, const http_target *t, serve_response *r) {
    static const char *const known[] = {"q", "from", "to", "source", "limit",
                                        "offset", "dedup", NULL};
    if (check_params(t, known, r)) return;
    const char *q;
    store_search_opts o;
    memset(&o, 0, sizeof o);
    if (get_text(t, "q", QUERY_PARAM_MAX, &q, r) ||
        get_date(t, "from", &o.from, r) || get_date(t, "to", &o.to, r) ||
        get_text(t, "source", TEXT_PARAM_MAX, &o.source, r))
        return;
    if (!q) {
        respond_error(r, 400, "q", "q: required (the words to search for)");
        return;
    }
    if (!has_word_char(q)) {
        respond_error(r, 400, "q", "q: needs at least one letter or digit");
        return;
    }
    long limit = 10, offset = 0, dedup = 0;
    if (get_count(t, "limit", 1, SEARCH_LIMIT_MAX, &limit, r) ||
        get_count(t, "offset", 0, OFFSET_MAX, &offset, r) ||
        get_count(t, "dedup", 0, 1, &dedup, r))
        return;
    o.limit = (size_t)limit;
    o.offset = (size_t)offset;
    o.exclude_duplicates = (int)dedup;
    o.mark_open = MARK_OPEN;
    o.mark_close = MARK_CLOSE;
    store_hits *h = store_search(st, q, &o);
    if (!h) {
        store_failed(r, st);
        return;
    }
    json_t *res = json_object(), *hits = json_array();
    int bad = !res || !hits;
    for (size_t i = 0; !bad && i < store_hits_count(h); i++) {
        const store_hit *x = store_hits_get(h, i);
        json_t *ho = json_object();
        json_t *parts = snippet_parts(x->snippet);
        if (!ho || !parts || json_array_append_new(hits, ho)) {
            json_decref(parts);
            bad = 1;
            break;
        }
        json_object_set_new(ho, "article_id", json_integer(x->article_id));
        json_object_set_new(ho, "doc_id", json_string(x->doc_id ? x->doc_id : ""));
        json_object_set_new(ho, "title", x->title ? json_string(x->title) : json_null());
        json_object_set_new(ho, "published",
                            x->published ? json_string(x->published) : json_null());
        json_object_set_new(ho, "source", x->source ? json_string(x->source) : json_null());
        json_object_set_new(ho, "url", x->url ? json_string(x->url) : json_null());
        json_object_set_new(ho, "duplicate_of",
                            x->duplicate_of ? json_integer(x->duplicate_of) : json_null());
        json_object_set_new(ho, "score", json_real(x->score));
        json_object_set_new(ho, "snippet", parts);
    }
    store_hits_free(h);
    if (bad) {
        json_decref(res);
        json_decref(hits);
        respond_json(r, 500, NULL);
        return;
    }
    json_object_set_new(res, "query", json_string(q));
    json_object_set_new(res, "offset", json_integer(offset));
    json_object_set_new(res, "limit", json_integer(limit));
    json_object_set_new(res, "count", json_integer((json_int_t)json_array_size(hits)));
    json_object_set_new(res, "hits", hits);
    respond_json(r, 200, res);
}

static const district *find_district(const serve_app *a, const char *name) {
    for (size_t i = 0; i < a->ndistricts; i++)
        if (strcmp(a->districts[i].name, name) == 0) return &a->districts[i];
    return NULL;
}

static const country *find_country(const serve_app *a, const char *code) {
    for (size_t i = 0; i < a->ncountries; i++)
        if (strcmp(a->countries[i].code, code) == 0) return &a->countries[i];
    return NULL;
}

static void api_aggregate(const serve_app *a, store *st, const http_target *t,
                          serve_response *r) {
    static const char *const known[] = {"by", "from", "to", "type", "actor",
                                        "place", "bbox", "min_fatalities", "q",
                                        NULL};
    if (check_params(t, known, r)) return;
    queries_filter q;
    if (get_filter(t, &q, r)) return;
    const char *by = param(t, "by");
    store_group g;
    if (!by || strcmp(by, "day") == 0) g = STORE_BY_DAY, by = "day";
    else if (strcmp(by, "month") == 0) g = STORE_BY_MONTH;
    else if (strcmp(by, "type") == 0) g = STORE_BY_TYPE;
    else if (strcmp(by, "district") == 0) g = STORE_BY_ADMIN1;
    else {
        respond_error(r, 400, "by", "by: expected day, month, type or district, got '%.40s'",
                      by);
        return;
    }
    store_bucket *b;
    size_t n;
    if (queries_aggregate(st, &q, g, &b, &n)) {
        store_failed(r, st);
        return;
    }
    json_t *o = json_object(), *arr = json_array();
    long te = 0, tf = 0, ti = 0, tc = 0;
    int bad = !o || !arr;
    for (size_t i = 0; !bad && i < n; i++) {
        json_t *k = json_object();
        if (!k || json_array_append_new(arr, k)) {
            bad = 1;
            break;
        }
        const char *key = b[i].key;
        json_object_set_new(k, "key", key[0] ? json_string(key) : json_null());
        if (g == STORE_BY_ADMIN1 && key[0]) {
            char cc[8] = {0};
            const char *slash = strchr(key, '/');
            size_t cl = slash ? (size_t)(slash - key) : strlen(key);
            if (cl < sizeof cc) memcpy(cc, key, cl);
            const country *c = find_country(a, cc);
            const district *d = slash && strcmp(cc, "LY") == 0
                                    ? find_district(a, slash + 1) : NULL;
            json_object_set_new(k, "country", json_string(cc));
            json_object_set_new(k, "admin1", slash ? json_string(slash + 1) : json_null());
            json_object_set_new(k, "name", json_string(slash ? slash + 1 : c ? c->name : cc));
            json_object_set_new(k, "name_ar", d ? json_string(d->name_ar)
                                              : !slash && c ? json_string(c->name_ar)
                                                            : json_null());
        }
        json_object_set_new(k, "events", json_integer(b[i].events));
        json_object_set_new(k, "fatalities", json_integer(b[i].fatalities));
        json_object_set_new(k, "injured", json_integer(b[i].injured));
        json_object_set_new(k, "captured", json_integer(b[i].captured));
        te += b[i].events;
        tf += b[i].fatalities;
        ti += b[i].injured;
        tc += b[i].captured;
    }
    free(b);
    if (bad) {
        json_decref(o);
        json_decref(arr);
        respond_json(r, 500, NULL);
        return;
    }
    json_t *tot = json_object();
    json_object_set_new(tot, "events", json_integer(te));
    json_object_set_new(tot, "fatalities", json_integer(tf));
    json_object_set_new(tot, "injured", json_integer(ti));
    json_object_set_new(tot, "captured", json_integer(tc));
    json_object_set_new(o, "by", json_string(by));
    json_object_set_new(o, "total", tot);
    json_object_set_new(o, "buckets", arr);
    respond_json(r, 200, o);
}

static void api_meta(const serve_app *a, store *st, const http_target *t,
                     serve_response *r) {
    static const char *const known[] = {NULL};
    if (check_params(t, known, r)) return;
    store_stats ss;
    store_filter all;
    memset(&all, 0, sizeof all);
    store_bucket *days = NULL, *types = NULL;
    size_t ndays = 0, ntypes = 0;
    if (store_get_stats(st, &ss) ||
        store_aggregate(st, &all, STORE_BY_DAY, &days, &ndays) ||
        store_aggregate(st, &all, STORE_BY_TYPE, &types, &ntypes)) {
        free(days);
        store_failed(r, st);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "version", json_string(MARSAD_VERSION));
    json_object_set_new(o, "backend", json_string(store_backend(st)));
    json_t *s = json_object();
    json_object_set_new(s, "articles", json_integer(ss.articles));
    json_object_set_new(s, "duplicates", json_integer(ss.duplicates));
    json_object_set_new(s, "mentions", json_integer(ss.mentions));
    json_object_set_new(s, "events", json_integer(ss.events));
    json_object_set_new(s, "sources", json_integer(ss.sources));
    json_object_set_new(o, "stats", s);
    /* days come in key order, the undated ("") first */
    const char *first = NULL, *last = NULL;
    for (size_t i = 0; i < ndays; i++)
        if (days[i].key[0]) {
            if (!first) first = days[i].key;
            last = days[i].key;
        }
    json_object_set_new(o, "first_date", first ? json_string(first) : json_null());
    json_object_set_new(o, "last_date", last ? json_string(last) : json_null());
    size_t nt;
    const queries_type *T = queries_types(&nt);
    json_t *ta = json_array();
    for (size_t i = 0; i < nt; i++) {
        json_t *to = json_object(), *subs = json_array();
        long ev = 0, fat = 0;
        for (size_t k = 0; k < ntypes; k++)
            if (strcmp(types[k].key, T[i].type) == 0) {
                ev = types[k].events;
                fat = types[k].fatalities;
            }
        for (size_t j = 0; j < T[i].nsubs; j++)
            json_array_append_new(subs, json_string(T[i].subs[j]));
        json_object_set_new(to, "type", json_string(T[i].type));
        json_object_set_new(to, "events", json_integer(ev));
        json_object_set_new(to, "fatalities", json_integer(fat));
        json_object_set_new(to, "sub_types", subs);
        json_array_append_new(ta, to);
    }
    json_object_set_new(o, "types", ta);
    json_t *da = json_array();
    for (size_t i = 0; i < a->ndistricts; i++) {
        json_t *d = json_object();
        json_object_set_new(d, "code", json_string(a->districts[i].code));
        json_object_set_new(d, "name", json_string(a->districts[i].name));
        json_object_set_new(d, "name_ar", json_string(a->districts[i].name_ar));
        json_object_set_new(d, "shape", json_string(a->districts[i].shape));
        json_array_append_new(da, d);
    }
    json_object_set_new(o, "districts", da);
    json_t *ca = json_array();
    for (size_t i = 0; i < a->ncountries; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "code", json_string(a->countries[i].code));
        json_object_set_new(c, "name", json_string(a->countries[i].name));
        json_object_set_new(c, "name_ar", json_string(a->countries[i].name_ar));
        json_array_append_new(ca, c);
    }
    json_object_set_new(o, "countries", ca);
    json_t *ba = json_array();
    for (size_t i = 0; i < a->nbounds; i++) {
        char url[512];
        snprintf(url, sizeof url, "/data/boundaries/%s", a->bounds[i].name);
        json_array_append_new(ba, json_string(url));
    }
    json_object_set_new(o, "boundaries", ba);
    free(days);
    free(types);
    respond_json(r, 200, o);
}

/* ---- static files ---------------------------------------------------------------- */

static void not_found(serve_response *r) {
    respond_error(r, 404, NULL, "not found");
}

static void serve_boundary(const serve_app *a, const char *name, serve_response *r) {
    for (size_t i = 0; i < a->nbounds; i++)
        if (strcmp(a->bounds[i].name, name) == 0) {
            r->status = 200;
            r->content_type = "application/geo+json; charset=utf-8";
            r->body = a->bounds[i].data;
            r->len = a->bounds[i].len;
            r->is_static = 1;
            return;
        }
    not_found(r);
}

static void serve_file(const serve_app *a, const char *path, serve_response *r) {
    char rel[512];
    if (http_static_path(path, rel, sizeof rel) < 0) {
        not_found(r);
        return;
    }
    r->content_type = http_mime_type(rel);
    r->is_html = ends_with(rel, ".html");
    r->is_static = 1;
    if (!a->web_dir) {
        for (const serve_asset *s = serve_assets; s->path; s++)
            if (strcmp(s->path, rel) == 0) {
                r->status = 200;
                r->body = (const char *)s->data;
                r->len = s->len;
                return;
            }
        not_found(r);
        return;
    }
    /* development: the file under web_dir, never outside it (a symlink
     * leading out is refused too) */
    char full[PATH_MAX + 600], real[PATH_MAX];
    snprintf(full, sizeof full, "%s/%s", a->web_dir, rel);
    size_t dl = strlen(a->web_dir);
    if (!realpath(full, real) || strncmp(real, a->web_dir, dl) != 0 || real[dl] != '/') {
        not_found(r);
        return;
    }
    char err[256];
    size_t len;
    char *b = read_file(real, WEB_FILE_MAX, &len, err, sizeof err);
    if (!b) {
        not_found(r);
        return;
    }
    r->status = 200;
    r->body = r->owned = b;
    r->len = len;
}

/* ---- dispatch ---------------------------------------------------------------- */

static int starts_with(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

void serve_app_handle(const serve_app *a, store *st, const char *method,
                      const char *target, size_t request_bytes,
                      serve_response *r) {
    memset(r, 0, sizeof *r);
    if (request_bytes > SERVE_MAX_REQUEST) {
        respond_error(r, 400, NULL, "request larger than %d bytes", SERVE_MAX_REQUEST);
        return;
    }
    if (!method || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)) {
        respond_error(r, 405, NULL, "only GET and HEAD are served");
        r->allow = "GET, HEAD";
        return;
    }
    http_target t;
    char err[512], pname[128];
    http_target_status ts = http_target_parse(target, &t, err, sizeof err, pname,
                                              sizeof pname);
    if (ts != HTTP_TARGET_OK) {
        if (ts == HTTP_TARGET_NOMEM) respond_json(r, 500, NULL);
        else respond_error(r, 400, ts == HTTP_TARGET_BAD_PARAM ? pname : "path", "%s", err);
        http_target_free(&t);
        return;
    }
    const char *p = t.path;
    if (starts_with(p, "/api/")) {
        if (!st) {
            respond_error(r, 503, NULL, "the store cannot be opened");
        } else if (strcmp(p, "/api/events") == 0) {
            api_events(st, &t, r);
        } else if (starts_with(p, "/api/events/")) {
            api_event(st, &t, p + strlen("/api/events/"), r);
        } else if (starts_with(p, "/api/articles/")) {
            api_article(st, &t, p + strlen("/api/articles/"), r);
        } else if (strcmp(p, "/api/search") == 0) {
            api_search(st, &t, r);
        } else if (strcmp(p, "/api/aggregate") == 0) {
            api_aggregate(a, st, &t, r);
        } else if (strcmp(p, "/api/meta") == 0) {
            api_meta(a, st, &t, r);
        } else {
            not_found(r);
        }
    } else if (starts_with(p, "/data/boundaries/")) {
        const char *name = p + strlen("/data/boundaries/");
        if (strchr(name, '/') || name[0] == '.') not_found(r);
        else serve_boundary(a, name, r);
    } else {
        serve_file(a, p, r);
    }
    http_target_free(&t);
}
