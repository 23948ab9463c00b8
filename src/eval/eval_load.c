/*
 * eval_load.c — reading gold files and system event JSON Lines for the
 * scorer (see eval.h), plus the small helpers they share: diagnostics,
 * ISO dates, name normalization and great-circle distance.
 *
 * Loading never stops at a bad record: it is skipped with an error in the
 * diagnostics list; fields that are missing or mistyped become warnings and
 * are read as null, so one sloppy field never hides a whole file.
 */
#include "eval/eval.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_DEFAULT_RADIUS_KM 25.0

/* ------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------ */

static void diag_add(eval_diags *d, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void diag_add(eval_diags *d, int is_error, const char *fmt, ...) {
    if (!d) return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        eval_diag *items = realloc(d->items, cap * sizeof *items);
        if (!items) return;
        d->items = items;
        d->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0) return;
    d->items[d->n].is_error = is_error;
    d->items[d->n].msg = msg;
    d->n++;
    if (is_error) d->nerrors++;
}

void eval_diags_free(eval_diags *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->items[i].msg);
    free(d->items);
    d->items = NULL;
    d->n = d->cap = d->nerrors = 0;
}

/* ------------------------------------------------------------------------
 * Dates, distance, names
 * ------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static int month_days(int y, int m) {
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return n[m - 1];
}

int eval_date_parse(const char *s, int32_t *days) {
    if (!s) return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') return -1;
        } else if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
    }
    if (s[10] != '\0') return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
            (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > month_days(y, m)) return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

void eval_date_format(int32_t days, char out[11]) {
    if (days == EVAL_NO_DATE) {
        strcpy(out, "-");
        return;
    }
    /* Hinnant's civil_from_days. */
    long z = (long)days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    if (y < 0 || y > 9999) {
        strcpy(out, "?");
        return;
    }
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

double eval_distance_km(double lat1, double lon1, double lat2, double lon2) {
    const double r = 6371.0088, rad = M_PI / 180.0;
    double p1 = lat1 * rad, p2 = lat2 * rad;
    double dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
    double a = sin(dp / 2) * sin(dp / 2) +
               cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    if (a > 1) a = 1;
    if (a < 0) a = 0;
    return 2 * r * asin(sqrt(a));
}

/* Code point count of a UTF-8 string (valid: marsad_fold output). */
static size_t cp_count(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

char *eval_normalize_name(const char *s, size_t len) {
    size_t n;
    char *f = marsad_fold_dup(s ? s : "", s ? len : 0, &n);
    if (!f) return NULL;
    size_t a = 0;
    while (a < n && f[a] == ' ') a++;
    while (n > a && f[n - 1] == ' ') n--;
    f[n] = '\0';
    /* One leading و ف ب ل ك (2 bytes each in UTF-8: D9 88, D9 81, D8 A8,
     * D9 84, D9 83), then a leading ال, each when two letters remain. */
    static const char *const pro[] = {"\xD9\x88", "\xD9\x81", "\xD8\xA8",
                                      "\xD9\x84", "\xD9\x83"};
    for (size_t i = 0; i < 5; i++)
        if (n - a >= 2 && memcmp(f + a, pro[i], 2) == 0 &&
            cp_count(f + a + 2) >= 2) {
            a += 2;
            break;
        }
    if (n - a >= 4 && memcmp(f + a, "\xD8\xA7\xD9\x84", 4) == 0 &&
        cp_count(f + a + 4) >= 2)
        a += 4;
    memmove(f, f + a, n - a + 1);
    return f;
}

/* ------------------------------------------------------------------------
 * JSON field readers
 * ------------------------------------------------------------------------ */

static char *xstrdup(const char *s) { return strdup(s ? s : ""); }

static char *fold_str(const char *s) {
    size_t n;
    return marsad_fold_dup(s ? s : "", s ? strlen(s) : 0, &n);
}

/* Problems with a field, collected so that a file with the same problem on
 * every line gives one warning, not thousands. */
typedef struct {
    const char *field, *problem; /* static strings */
    size_t first_line, count;
} field_issue;

typedef struct {
    field_issue it[64];
    size_t n;
    const char *name;  /* file, for messages */
    const char *event; /* gold: event id (then reported at once) */
    eval_diags *d;
    int immediate;     /* gold files: warn at once, naming the event */
} issues;

static void issue(issues *s, const char *field, const char *problem,
                  size_t line) {
    if (s->immediate) {
        diag_add(s->d, 0, "%s: warning: event %s: %s %s", s->name, s->event,
                 field, problem);
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->it[i].field, field) == 0 &&
            strcmp(s->it[i].problem, problem) == 0) {
            s->it[i].count++;
            return;
        }
    if (s->n == sizeof s->it / sizeof *s->it) return;
    s->it[s->n++] = (field_issue){field, problem, line, 1};
}

static void issues_flush(issues *s) {
    for (size_t i = 0; i < s->n; i++) {
        field_issue *f = &s->it[i];
        if (f->count == 1)
            diag_add(s->d, 0, "%s:%zu: warning: %s %s", s->name,
                     f->first_line, f->field, f->problem);
        else
            diag_add(s->d, 0,
                     "%s:%zu: warning: %s %s (in %zu events, first here)",
                     s->name, f->first_line, f->field, f->problem, f->count);
    }
    s->n = 0;
}

/* A string field: absent → warning unless optional; null → NULL silently;
 * another type → warning. Returns a malloc'd copy or NULL. */
static char *read_str(json_t *o, const char *key, const char *field,
                      int optional, issues *is, size_t line) {
    json_t *v = o ? json_object_get(o, key) : NULL;
    if (!v) {
        if (!optional) issue(is, field, "missing; read as empty", line);
        return NULL;
    }
    if (json_is_null(v)) return NULL;
    if (!json_is_string(v)) {
        issue(is, field, "is not a string; read as empty", line);
        return NULL;
    }
    return strdup(json_string_value(v));
}

/* A count field: absent → warning; null → EVAL_NULL_COUNT; a non-negative
 * integer (or integral real) → its value; else warning and null. */
static long read_count(json_t *o, const char *key, issues *is, size_t line) {
    json_t *v = json_object_get(o, key);
    if (!v) {
        issue(is, key, "missing; read as null", line);
        return EVAL_NULL_COUNT;
    }
    if (json_is_null(v)) return EVAL_NULL_COUNT;
    double x = json_is_integer(v) ? (double)json_integer_value(v)
               : json_is_real(v)  ? json_real_value(v)
                                  : -1;
    if (x < 0 || x != floor(x) || x > 1e15) {
        issue(is, key, "is not a non-negative integer; read as null", line);
        return EVAL_NULL_COUNT;
    }
    return (long)x;
}

/* A date field: absent → warning; null → EVAL_NO_DATE; bad → warning. */
static int32_t read_date(json_t *o, const char *key, issues *is, size_t line) {
    json_t *v = json_object_get(o, key);
    if (!v) {
        issue(is, key, "missing; read as null", line);
        return EVAL_NO_DATE;
    }
    if (json_is_null(v)) return EVAL_NO_DATE;
    int32_t days;
    if (!json_is_string(v) || eval_date_parse(json_string_value(v), &days)) {
        issue(is, key, "is not a YYYY-MM-DD date; read as null", line);
        return EVAL_NO_DATE;
    }
    return days;
}

/* Reads lat/lon of a location object into *lat, *lon; returns 1 when both
 * are numbers in range. Absent keys warn; null is silent (unknown place). */
static int read_point(json_t *loc, const char *what, issues *is, size_t line,
                      double *lat, double *lon) {
    json_t *a = json_object_get(loc, "lat"), *b = json_object_get(loc, "lon");
    if (!a || !b) {
        issue(is, what, "has no lat/lon; cannot be matched", line);
        return 0;
    }
    if (json_is_null(a) || json_is_null(b)) return 0;
    if (!json_is_number(a) || !json_is_number(b)) {
        issue(is, what, "lat/lon are not numbers; cannot be matched", line);
        return 0;
    }
    *lat = json_number_value(a);
    *lon = json_number_value(b);
    if (!(fabs(*lat) <= 90 && fabs(*lon) <= 180)) {
        issue(is, what, "lat/lon out of range; cannot be matched", line);
        return 0;
    }
    return 1;
}

/* An array of strings (a lone string is taken as a one-element array).
 * Returns the count; *out is malloc'd (may be NULL when 0). */
static size_t read_str_array(json_t *o, const char *key, int optional,
                             issues *is, size_t line, char ***out) {
    *out = NULL;
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (!optional && !v) issue(is, key, "missing; read as empty", line);
        return 0;
    }
    if (json_is_string(v)) {
        *out = malloc(sizeof **out);
        if (!*out) return 0;
        (*out)[0] = xstrdup(json_string_value(v));
        return 1;
    }
    if (!json_is_array(v)) {
        issue(is, key, "is not an array of strings; read as empty", line);
        return 0;
    }
    size_t n = json_array_size(v), k = 0;
    if (n == 0) return 0;
    *out = calloc(n, sizeof **out);
    if (!*out) return 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e)) {
            issue(is, key, "has an element that is not a string; ignored",
                  line);
            continue;
        }
        (*out)[k++] = xstrdup(json_string_value(e));
    }
    return k;
}

static void free_strs(char **s, size_t n) {
    if (!s) return;
    for (size_t i = 0; i < n; i++) free(s[i]);
    free(s);
}

/* location.name, else location.mention, else "". */
static char *read_place(json_t *loc) {
    json_t *v = json_object_get(loc, "name");
    if (!json_is_string(v) || !*json_string_value(v))
        v = json_object_get(loc, "mention");
    return xstrdup(json_is_string(v) ? json_string_value(v) : "");
}

/* ------------------------------------------------------------------------
 * Gold
 * ------------------------------------------------------------------------ */

eval_gold *eval_gold_new(void) { return calloc(1, sizeof(eval_gold)); }

static void gold_event_free(eval_gold_event *e) {
    free(e->id);
    free(e->event_type);
    free_strs(e->alt_types, e->nalt);
    free_strs(e->sub_types, e->nsub);
    free(e->place);
    for (size_t i = 0; i < e->nactors; i++) {
        eval_actor *a = &e->actors[i];
        free(a->name);
        free(a->name_fold);
        free_strs(a->aliases, a->naliases);
        free_strs(a->aliases_norm, a->naliases);
    }
    free(e->actors);
}

static void gold_doc_free(eval_gold_doc *doc) {
    free(doc->doc_id);
    free(doc->path);
    for (size_t i = 0; i < doc->nevents; i++) gold_event_free(&doc->events[i]);
    free(doc->events);
}

void eval_gold_free(eval_gold *g) {
    if (!g) return;
    for (size_t i = 0; i < g->ndocs; i++) gold_doc_free(&g->docs[i]);
    free(g->docs);
    free(g);
}

/* Index where doc_id is or would be inserted; *found set when present. */
static size_t gold_lower_bound(const eval_gold *g, const char *doc_id,
                               int *found) {
    size_t lo = 0, hi = g->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(g->docs[mid].doc_id, doc_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < g->ndocs && strcmp(g->docs[lo].doc_id, doc_id) == 0;
    return lo;
}

const eval_gold_doc *eval_gold_find(const eval_gold *g, const char *doc_id) {
    int found;
    if (!g || !doc_id) return NULL;
    size_t i = gold_lower_bound(g, doc_id, &found);
    return found ? &g->docs[i] : NULL;
}

static int read_actors(json_t *ev, eval_gold_event *e, issues *is) {
    json_t *v = json_object_get(ev, "actors");
    if (!v || json_is_null(v)) {
        if (!v) issue(is, "actors", "missing; read as none", 0);
        return 0;
    }
    if (!json_is_array(v)) {
        issue(is, "actors", "is not an array; read as none", 0);
        return 0;
    }
    size_t n = json_array_size(v);
    if (n == 0) return 0;
    e->actors = calloc(n, sizeof *e->actors);
    if (!e->actors) return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(v, i);
        if (!json_is_object(a)) {
            issue(is, "actors", "has an element that is not an object; ignored",
                  0);
            continue;
        }
        eval_actor *ac = &e->actors[e->nactors++];
        ac->name = read_str(a, "name", "actor name", 0, is, 0);
        if (!ac->name) ac->name = xstrdup("");
        ac->name_fold = fold_str(ac->name);
        ac->naliases = read_str_array(a, "aliases", 1, is, 0, &ac->aliases);
        if (ac->naliases) {
            ac->aliases_norm = calloc(ac->naliases, sizeof(char *));
            if (!ac->aliases_norm) return -1;
            for (size_t k = 0; k < ac->naliases; k++)
                ac->aliases_norm[k] = eval_normalize_name(
                    ac->aliases[k], strlen(ac->aliases[k]));
        }
        if (!ac->name || !ac->name_fold) return -1;
    }
    return 0;
}

/* Reads one gold event; returns -1 when memory runs out. */
static int read_gold_event(json_t *ev, size_t pos, eval_gold_event *e,
                           issues *is) {
    char posid[32];
    snprintf(posid, sizeof posid, "#%zu", pos + 1);
    is->event = posid;
    e->id = read_str(ev, "id", "id", 0, is, 0);
    if (!e->id || !*e->id) {
        free(e->id);
        e->id = xstrdup(posid);
    }
    is->event = e->id;

    e->required = 1;
    json_t *st = json_object_get(ev, "status");
    if (!st)
        issue(is, "status", "missing; read as required", 0);
    else if (json_is_string(st) &&
             strcmp(json_string_value(st), "optional") == 0)
        e->required = 0;
    else if (!json_is_string(st) ||
             strcmp(json_string_value(st), "required") != 0)
        issue(is, "status", "is neither required nor optional; read as "
                            "required", 0);

    e->event_type = read_str(ev, "event_type", "event_type", 0, is, 0);
    if (!e->event_type) e->event_type = xstrdup("");
    e->nalt = read_str_array(ev, "alt_event_types", 1, is, 0, &e->alt_types);
    e->nsub = read_str_array(ev, "sub_event_types", 0, is, 0, &e->sub_types);

    e->date = read_date(ev, "date", is, 0);
    e->win_lo = e->win_hi = EVAL_NO_DATE;
    json_t *w = json_object_get(ev, "date_window");
    int32_t lo, hi;
    if (w && !json_is_null(w)) {
        if (json_is_array(w) && json_array_size(w) == 2 &&
            eval_date_parse(json_string_value(json_array_get(w, 0)), &lo) ==
                0 &&
            eval_date_parse(json_string_value(json_array_get(w, 1)), &hi) ==
                0) {
            if (lo > hi) {
                issue(is, "date_window", "ends before it starts; swapped", 0);
                int32_t t = lo;
                lo = hi;
                hi = t;
            }
            e->win_lo = lo;
            e->win_hi = hi;
        } else {
            issue(is, "date_window",
                  "is not [YYYY-MM-DD, YYYY-MM-DD]; ignored", 0);
        }
    }
    if (e->win_lo == EVAL_NO_DATE && e->date != EVAL_NO_DATE) {
        e->win_lo = e->date - 1;
        e->win_hi = e->date + 1;
    }

    json_t *loc = json_object_get(ev, "location");
    e->radius_km = EVAL_DEFAULT_RADIUS_KM;
    if (!json_is_object(loc)) {
        issue(is, "location", loc ? "is not an object; cannot be matched"
                                  : "missing; cannot be matched", 0);
        e->place = xstrdup("");
    } else {
        e->place = read_place(loc);
        e->has_point =
            read_point(loc, "location", is, 0, &e->lat, &e->lon);
        json_t *r = json_object_get(loc, "radius_km");
        if (!r)
            issue(is, "location.radius_km", "missing; read as 25", 0);
        else if (!json_is_number(r) || !(json_number_value(r) >= 0))
            issue(is, "location.radius_km",
                  "is not a non-negative number; read as 25", 0);
        else
            e->radius_km = json_number_value(r);
    }
    if (read_actors(ev, e, is) < 0) return -1;
    e->fatalities = read_count(ev, "fatalities", is, 0);
    e->injured = read_count(ev, "injured", is, 0);
    e->captured = read_count(ev, "captured", is, 0);
    return e->id && e->event_type && e->place ? 0 : -1;
}

/* A UTF-8 byte order mark, which some editors write and JSON forbids. */
static int has_bom(const char *text, size_t len) {
    return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0;
}

/* File name without directory and ".json". Malloc'd. */
static char *stem_of(const char *name) {
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0) n -= 5;
    return strndup(b, n);
}

marsad_status eval_gold_add_json(eval_gold *g, const char *name,
                                 const char *text, size_t len, eval_diags *d) {
    json_error_t jerr;
    size_t bom = has_bom(text, len) ? 3 : 0;
    json_t *root = json_loadb(text + bom, len - bom, 0, &jerr);
    if (!root) {
        diag_add(d, 1, "%s:%d: invalid JSON: %s; file skipped", name,
                 jerr.line, jerr.text);
        return MARSAD_ERR_PARSE;
    }
    json_t *events = json_object_get(root, "events");
    if (!json_is_object(root) || !json_is_array(events)) {
        diag_add(d, 1, "%s: not a gold file (an object with an \"events\" "
                       "array); file skipped", name);
        json_decref(root);
        return MARSAD_ERR_PARSE;
    }
    marsad_status st = MARSAD_OK;
    eval_gold_doc doc = {0};
    char *stem = stem_of(name);
    json_t *id = json_object_get(root, "doc_id");
    if (json_is_string(id) && *json_string_value(id)) {
        doc.doc_id = xstrdup(json_string_value(id));
        if (stem && doc.doc_id && strcmp(stem, doc.doc_id) != 0)
            diag_add(d, 0, "%s: warning: doc_id \"%s\" differs from the file "
                           "name; using doc_id", name, doc.doc_id);
    } else {
        diag_add(d, 0, "%s: warning: no doc_id; using the file name", name);
        doc.doc_id = stem ? xstrdup(stem) : NULL;
    }
    free(stem);
    doc.path = xstrdup(name);
    size_t n = json_array_size(events);
    doc.events = n ? calloc(n, sizeof *doc.events) : NULL;
    if (!doc.doc_id || !doc.path || (n && !doc.events)) goto nomem;
    issues is = {.name = name, .d = d, .immediate = 1};
    for (size_t i = 0; i < n; i++) {
        json_t *ev = json_array_get(events, i);
        if (!json_is_object(ev)) {
            diag_add(d, 0, "%s: warning: event #%zu is not an object; "
                           "ignored", name, i + 1);
            continue;
        }
        if (read_gold_event(ev, i, &doc.events[doc.nevents++], &is) < 0)
            goto nomem;
    }
    int found;
    size_t at = gold_lower_bound(g, doc.doc_id, &found);
    if (found) {
        diag_add(d, 1, "%s: doc_id \"%s\" already read from %s; file skipped",
                 name, doc.doc_id, g->docs[at].path);
        st = MARSAD_ERR_PARSE;
        goto done;
    }
    if (g->ndocs == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        eval_gold_doc *docs = realloc(g->docs, cap * sizeof *docs);
        if (!docs) goto nomem;
        g->docs = docs;
        g->cap = cap;
    }
    memmove(&g->docs[at + 1], &g->docs[at],
            (g->ndocs - at) * sizeof *g->docs);
    g->docs[at] = doc;
    g->ndocs++;
    json_decref(root);
    return MARSAD_OK;
nomem:
    diag_add(d, 1, "%s: out of memory", name);
    st = MARSAD_ERR_NOMEM;
done:
    gold_doc_free(&doc);
    json_decref(root);
    return st;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole file into a malloc'd buffer; NULL with errno on failure. */
static char *read_whole(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
        errno = EIO;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

marsad_status eval_gold_load_dir(const char *dir, eval_gold **out,
                                 eval_diags *d) {
    *out = eval_gold_new();
    if (!*out) return MARSAD_ERR_NOMEM;
    DIR *dh = opendir(dir);
    if (!dh) {
        diag_add(d, 1, "%s: %s", dir, strerror(errno));
        return MARSAD_ERR_IO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    marsad_status st = MARSAD_OK;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || strcmp(e->d_name + l - 5, ".json") != 0 ||
            e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                st = MARSAD_ERR_NOMEM;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = MARSAD_ERR_NOMEM;
            break;
        }
        n++;
    }
    closedir(dh);
    if (n) qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && st == MARSAD_OK; i++) {
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
            st = MARSAD_ERR_NOMEM;
            break;
        }
        size_t len;
        char *text = read_whole(path, &len);
        if (!text)
            diag_add(d, 1, "%s: %s; file skipped", path, strerror(errno));
        else if (eval_gold_add_json(*out, path, text, len, d) ==
                 MARSAD_ERR_NOMEM)
            st = MARSAD_ERR_NOMEM;
        free(text);
        free(path);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (st == MARSAD_ERR_NOMEM) diag_add(d, 1, "%s: out of memory", dir);
    return st;
}

/* ------------------------------------------------------------------------
 * System events
 * ------------------------------------------------------------------------ */

eval_events *eval_events_new(void) { return calloc(1, sizeof(eval_events)); }

static void event_free(eval_event *e) {
    free(e->doc_id);
    free(e->event_id);
    free(e->event_type);
    free(e->sub_event_type);
    for (int k = 0; k < 2; k++) {
        free(e->actor_name[k]);
        free(e->actor_name_fold[k]);
        free(e->actor_mention[k]);
        free(e->actor_mention_norm[k]);
    }
    free(e->place);
}

void eval_events_free(eval_events *ev) {
    if (!ev) return;
    for (size_t i = 0; i < ev->n; i++) event_free(&ev->events[i]);
    free(ev->events);
    free(ev);
}

/* Reads actor1/actor2 into slot k. Returns -1 when memory runs out. */
static int read_event_actor(json_t *o, const char *key, int k, eval_event *e,
                            issues *is, size_t line) {
    json_t *a = json_object_get(o, key);
    if (!a) {
        issue(is, key, "missing; read as null", line);
        return 0;
    }
    if (json_is_null(a)) return 0;
    if (!json_is_object(a)) {
        issue(is, key, "is not an object; read as null", line);
        return 0;
    }
    e->actor_name[k] = read_str(a, "name", k ? "actor2.name" : "actor1.name",
                                0, is, line);
    e->actor_mention[k] = read_str(
        a, "mention", k ? "actor2.mention" : "actor1.mention", 0, is, line);
    if (e->actor_name[k] && !(e->actor_name_fold[k] =
                                  fold_str(e->actor_name[k])))
        return -1;
    if (e->actor_mention[k] &&
        !(e->actor_mention_norm[k] = eval_normalize_name(
              e->actor_mention[k], strlen(e->actor_mention[k]))))
        return -1;
    return 0;
}

/* Parses one event object; returns 1 when read, 0 when skipped (error
 * added), -1 when memory runs out. */
static int read_event(json_t *o, const char *name, size_t line, eval_event *e,
                      issues *is, eval_diags *d) {
    json_t *id = json_object_get(o, "doc_id");
    if (!json_is_string(id) || !*json_string_value(id)) {
        diag_add(d, 1, "%s:%zu: event without a doc_id string; line skipped",
                 name, line);
        return 0;
    }
    memset(e, 0, sizeof *e);
    e->line = line;
    e->doc_id = xstrdup(json_string_value(id));
    e->event_id = read_str(o, "event_id", "event_id", 0, is, line);
    if (!e->event_id || !*e->event_id) {
        free(e->event_id);
        char buf[32];
        snprintf(buf, sizeof buf, "#%zu", line);
        e->event_id = xstrdup(buf);
    }
    e->date = read_date(o, "event_date", is, line);
    e->event_type = read_str(o, "event_type", "event_type", 0, is, line);
    if (!e->event_type) e->event_type = xstrdup("");
    e->sub_event_type =
        read_str(o, "sub_event_type", "sub_event_type", 0, is, line);
    if (!e->sub_event_type) e->sub_event_type = xstrdup("");
    if (read_event_actor(o, "actor1", 0, e, is, line) < 0 ||
        read_event_actor(o, "actor2", 1, e, is, line) < 0)
        return -1;
    json_t *loc = json_object_get(o, "location");
    if (json_is_object(loc)) {
        e->place = read_place(loc);
        e->has_point = read_point(loc, "location", is, line, &e->lat, &e->lon);
    } else {
        if (!loc)
            issue(is, "location", "missing; cannot be matched", line);
        else if (!json_is_null(loc))
            issue(is, "location", "is not an object; cannot be matched",
                  line);
        e->place = xstrdup("");
    }
    e->fatalities = read_count(o, "fatalities", is, line);
    e->injured = read_count(o, "injured", is, line);
    e->captured = read_count(o, "captured", is, line);
    if (!e->doc_id || !e->event_id || !e->event_type || !e->sub_event_type ||
        !e->place)
        return -1;
    return 1;
}

marsad_status eval_events_parse_jsonl(eval_events *ev, const char *name,
                                      const char *text, size_t len,
                                      eval_diags *d) {
    issues is = {.name = name, .d = d};
    size_t line = 0, i = has_bom(text, len) ? 3 : 0;
    marsad_status st = MARSAD_OK;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *s = text + i;
        size_t n = end - i;
        line++;
        i = end + 1;
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r')) k++;
        if (k == n) continue;
        json_error_t jerr;
        json_t *o = json_loadb(s, n, 0, &jerr);
        if (!o) {
            diag_add(d, 1, "%s:%zu: invalid JSON (column %d): %s; line "
                           "skipped", name, line, jerr.column, jerr.text);
            continue;
        }
        if (!json_is_object(o)) {
            diag_add(d, 1, "%s:%zu: not an event object; line skipped", name,
                     line);
            json_decref(o);
            continue;
        }
        if (ev->n == ev->cap) {
            size_t cap = ev->cap ? ev->cap * 2 : 64;
            eval_event *e = realloc(ev->events, cap * sizeof *e);
            if (!e) {
                json_decref(o);
                st = MARSAD_ERR_NOMEM;
                break;
            }
            ev->events = e;
            ev->cap = cap;
        }
        eval_event *e = &ev->events[ev->n];
        int r = read_event(o, name, line, e, &is, d);
        json_decref(o);
        if (r < 0) {
            event_free(e);
            st = MARSAD_ERR_NOMEM;
            break;
        }
        if (r > 0) ev->n++;
    }
    issues_flush(&is);
    if (st == MARSAD_ERR_NOMEM)
        diag_add(d, 1, "%s:%zu: out of memory", name, line);
    return st;
}

marsad_status eval_events_load_jsonl(const char *path, eval_events **out,
                                     eval_diags *d) {
    *out = eval_events_new();
    if (!*out) return MARSAD_ERR_NOMEM;
    size_t len;
    char *text = read_whole(path, &len);
    if (!text) {
        diag_add(d, 1, "%s: %s", path, strerror(errno));
        return MARSAD_ERR_IO;
    }
    marsad_status st = eval_events_parse_jsonl(*out, path, text, len, d);
    free(text);
    return st;
}
