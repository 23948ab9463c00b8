/*
 * queries.c — event queries for the HTTP API over the store's read
 * interface: several types, a bounding box and a text query on top of the
 * store's own filters, paging, counts per group, and events and articles as
 * JSON (queries.h).
 */
#include "serve/queries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- event types (spec/EVENTS.md) ------------------------------------------ */

static const char *const SUB_BATTLES[] = {
    "Armed clash", "Government regains territory",
    "Non-state actor overtakes territory"};
static const char *const SUB_EXPLOSIONS[] = {
    "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED", "Grenade", "Chemical weapon"};
static const char *const SUB_VAC[] = {
    "Attack", "Abduction/forced disappearance", "Sexual violence"};
static const char *const SUB_STRATEGIC[] = {
    "Non-violent transfer of territory", "Headquarters or base established",
    "Arrests", "Looting/property destruction", "Disrupted weapons use",
    "Agreement", "Change to group/activity", "Other"};
static const char *const SUB_PROTESTS[] = {
    "Peaceful protest", "Protest with intervention",
    "Excessive force against protesters"};
static const char *const SUB_RIOTS[] = {"Violent demonstration",
                                        "Mob violence"};

#define NSUB(a) (sizeof a / sizeof *a)
static const queries_type TYPES[] = {
    {"Battles", SUB_BATTLES, NSUB(SUB_BATTLES)},
    {"Explosions/Remote violence", SUB_EXPLOSIONS, NSUB(SUB_EXPLOSIONS)},
    {"Violence against civilians", SUB_VAC, NSUB(SUB_VAC)},
    {"Strategic developments", SUB_STRATEGIC, NSUB(SUB_STRATEGIC)},
    {"Protests", SUB_PROTESTS, NSUB(SUB_PROTESTS)},
    {"Riots", SUB_RIOTS, NSUB(SUB_RIOTS)},
};

const queries_type *queries_types(size_t *n) {
    *n = sizeof TYPES / sizeof *TYPES;
    return TYPES;
}

const char *queries_type_canonical(const char *name) {
    for (size_t i = 0; i < sizeof TYPES / sizeof *TYPES; i++) {
        if (strcasecmp(name, TYPES[i].type) == 0) return TYPES[i].type;
        for (size_t j = 0; j < TYPES[i].nsubs; j++)
            if (strcasecmp(name, TYPES[i].subs[j]) == 0) return TYPES[i].subs[j];
    }
    return NULL;
}

/* ---- filtering beyond the store's ------------------------------------------ */

/* What a text query matches: the articles the search found (sorted ids)
 * and the query's folded words, looked for in the event's own fields. */
typedef struct {
    int64_t *ids;
    size_t nids;
    char *folded;        /* words separated by single spaces */
} text_query;

static int cmp_id(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int text_query_init(store *s, const char *q, text_query *t) {
    memset(t, 0, sizeof t[0]);
    size_t fl;
    t->folded = marsad_fold_dup(q, strlen(q), &fl);
    if (!t->folded) {
        return -1;
    }
    store_search_opts o;
    memset(&o, 0, sizeof o);
    o.limit = QUERIES_SEARCH_MAX;
    o.mark_open = o.mark_close = "";
    store_hits *h = store_search(s, q, &o);
    /* a query of punctuation only is no search (the store refuses it as
     * empty); it may still match the event's own fields */
    if (!h) return 0;
    size_t n = store_hits_count(h);
    t->ids = malloc((n ? n : 1) * sizeof *t->ids);
    if (!t->ids) {
        store_hits_free(h);
        return -1;
    }
    for (size_t i = 0; i < n; i++) t->ids[i] = store_hits_get(h, i)->article_id;
    t->nids = n;
    store_hits_free(h);
    qsort(t->ids, t->nids, sizeof *t->ids, cmp_id);
    return 0;
}

static void text_query_free(text_query *t) {
    free(t->ids);
    free(t->folded);
}

/* Appends the folded form of s and a separator to buf (grown). */
static int add_folded(char **buf, size_t *n, size_t *cap, const char *s) {
    if (!s || !*s) return 0;
    size_t fl;
    char *f = marsad_fold_dup(s, strlen(s), &fl);
    if (!f) return -1;
    if (*n + fl + 2 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 256) + fl + 2;
        char *nb = realloc(*buf, nc);
        if (!nb) {
            free(f);
            return -1;
        }
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *n, f, fl);
    *n += fl;
    (*buf)[(*n)++] = '\n';
    (*buf)[*n] = '\0';
    free(f);
    return 0;
}

/* Every word of the folded query occurs in the event's folded names and
 * notes. -1 when memory runs out. */
static int fields_match(const text_query *t, const store_event *ev) {
    const marsad_event *r = ev->record;
    const char *fields[] = {r->notes, r->actor1, r->actor1_mention, r->actor2,
                            r->actor2_mention, r->location_name,
                            r->location_mention, r->admin1, r->event_type,
                            r->sub_event_type, r->source};
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (add_folded(&buf, &n, &cap, fields[i])) {
            free(buf);
            return -1;
        }
    if (!buf) return 0;
    int all = 1;
    const char *w = t->folded;
    char word[256];
    while (*w && all) {
        while (*w == ' ') w++;
        const char *e = w;
        while (*e && *e != ' ') e++;
        size_t l = (size_t)(e - w);
        if (l && l < sizeof word) {
            memcpy(word, w, l);
            word[l] = '\0';
            all = strstr(buf, word) != NULL;
        }
        w = e;
    }
    free(buf);
    return all;
}

typedef struct {
    const queries_filter *q;
    text_query *tq;
    store_event_fn fn;
    void *ctx;
    size_t matched, passed;
    int stopped, failed;
} page_state;

/* 1 when ev passes the part of the filter the store did not apply. */
static int post_match(page_state *p, const store_event *ev) {
    const queries_filter *q = p->q;
    const marsad_event *r = ev->record;
    if (q->has_bbox && !(r->lon >= q->west && r->lon <= q->east &&
                         r->lat >= q->south && r->lat <= q->north))
        return 0;
    if (q->ntypes > 1) {
        int any = 0;
        for (size_t i = 0; i < q->ntypes && !any; i++)
            any = (r->event_type && strcmp(r->event_type, q->types[i]) == 0) ||
                  (r->sub_event_type && strcmp(r->sub_event_type, q->types[i]) == 0);
        if (!any) return 0;
    }
    if (p->tq) {
        for (size_t i = 0; i < ev->narticles; i++)
            if (bsearch(&ev->sources[i].article_id, p->tq->ids, p->tq->nids,
                        sizeof *p->tq->ids, cmp_id))
                return 1;
        int m = fields_match(p->tq, ev);
        if (m < 0) p->failed = 1;
        return m > 0;
    }
    return 1;
}

static int page_cb(void *ctx, const store_event *ev) {
    page_state *p = ctx;
    if (!post_match(p, ev)) return p->failed;
    size_t i = p->matched++;
    if (!p->stopped && i >= p->q->offset &&
        (p->q->limit == 0 || i < p->q->offset + p->q->limit)) {
        p->passed++;
        if (p->fn(p->ctx, ev)) p->stopped = 1;
    }
    return 0;
}

static int needs_post(const queries_filter *q) {
    return q->ntypes > 1 || q->has_bbox || (q->q && *q->q);
}

static store_filter store_part(const queries_filter *q) {
    store_filter f = q->f;
    f.type = q->ntypes == 1 ? q->types[0] : NULL;
    f.limit = f.offset = 0;
    return f;
}

long queries_events(store *s, const queries_filter *q, store_event_fn fn,
                    void *ctx, size_t *total) {
    store_filter f = store_part(q);
    if (!needs_post(q)) {
        /* the store pages itself; the total is one count query */
        size_t all = 0;
        if (q->limit || q->offset) {
            store_bucket *b;
            size_t n;
            if (store_aggregate(s, &f, STORE_BY_TYPE, &b, &n)) return -1;
            for (size_t i = 0; i < n; i++) all += (size_t)b[i].events;
            free(b);
        }
        f.limit = q->limit;
        f.offset = q->offset;
        long r = store_events_each(s, &f, 0, fn, ctx);
        if (r >= 0 && total) *total = q->limit || q->offset ? all : (size_t)r;
        return r;
    }
    text_query tq;
    page_state p;
    memset(&p, 0, sizeof p);
    p.q = q;
    p.fn = fn;
    p.ctx = ctx;
    if (q->q && *q->q) {
        if (text_query_init(s, q->q, &tq)) {
            text_query_free(&tq);
            return -1;
        }
        p.tq = &tq;
    }
    long r = store_events_each(s, &f, 0, page_cb, &p);
    if (p.tq) text_query_free(&tq);
    if (r < 0) return -1;
    if (p.failed) return -1;
    if (total) *total = p.matched;
    return (long)p.passed;
}

/* ---- counts ----------------------------------------------------------------- */

typedef struct {
    store_group g;
    store_bucket *v;
    size_t n, cap;
    int oom;
} agg_state;

static int agg_cb(void *ctx, const store_event *ev) {
    agg_state *a = ctx;
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 64;
        store_bucket *nv = realloc(a->v, nc * sizeof *nv);
        if (!nv) {
            a->oom = 1;
            return 1;
        }
        a->v = nv;
        a->cap = nc;
    }
    const marsad_event *r = ev->record;
    store_bucket *b = &a->v[a->n++];
    memset(b, 0, sizeof *b);
    const char *d = r->event_date ? r->event_date : "";
    switch (a->g) {
    case STORE_BY_DAY: snprintf(b->key, sizeof b->key, "%s", d); break;
    case STORE_BY_MONTH: snprintf(b->key, sizeof b->key, "%.7s", d); break;
    case STORE_BY_TYPE:
        snprintf(b->key, sizeof b->key, "%s", r->event_type ? r->event_type : "");
        break;
    case STORE_BY_ADMIN1:
        snprintf(b->key, sizeof b->key, "%s%s%s", r->country ? r->country : "",
                 r->admin1 ? "/" : "", r->admin1 ? r->admin1 : "");
        break;
    }
    b->events = 1;
    b->fatalities = r->fatalities;
    b->injured = r->injured;
    b->captured = r->captured;
    return 0;
}

static int cmp_bucket(const void *a, const void *b) {
    return strcmp(((const store_bucket *)a)->key, ((const store_bucket *)b)->key);
}

int queries_aggregate(store *s, const queries_filter *q, store_group g,
                      store_bucket **out, size_t *n) {
    if (!needs_post(q)) {
        store_filter f = store_part(q);
        return store_aggregate(s, &f, g, out, n);
    }
    agg_state a = {g, NULL, 0, 0, 0};
    queries_filter all = *q;
    all.limit = all.offset = 0;
    if (queries_events(s, &all, agg_cb, &a, NULL) < 0 || a.oom) {
        free(a.v);
        return -1;
    }
    /* one row per event, sorted by key, then summed per key */
    qsort(a.v, a.n, sizeof *a.v, cmp_bucket);
    size_t k = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (k && strcmp(a.v[k - 1].key, a.v[i].key) == 0) {
            a.v[k - 1].events += a.v[i].events;
            a.v[k - 1].fatalities += a.v[i].fatalities;
            a.v[k - 1].injured += a.v[i].injured;
            a.v[k - 1].captured += a.v[i].captured;
        } else {
            a.v[k++] = a.v[i];
        }
    }
    *out = a.v;
    *n = k;
    return 0;
}

/* ---- JSON ------------------------------------------------------------------- */

/* A JSON string for s (NULL: null). The store keeps valid UTF-8; anything
 * else is sanitized rather than dropped. */
static json_t *jstr(const char *s) {
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    size_t n;
    char *c = marsad_utf8_sanitize(s, strlen(s), &n, NULL);
    if (!c) return NULL;
    j = json_stringn(c, n);
    free(c);
    return j;
}

static json_t *jstrn(const char *s, size_t n) {
    json_t *j = json_stringn(s, n);
    if (j) return j;
    size_t m;
    char *c = marsad_utf8_sanitize(s, n, &m, NULL);
    if (!c) return NULL;
    j = json_stringn(c, m);
    free(c);
    return j;
}

/* Sets key to v (a new reference, may be NULL after an allocation failure);
 * counts failures in *bad. */
static void put(json_t *o, const char *key, json_t *v, int *bad) {
    if (!v || json_object_set_new(o, key, v)) (*bad)++;
}

static json_t *actor_json(const char *name, const char *mention, int *bad) {
    if (!name && !mention) return json_null();
    json_t *a = json_object();
    if (!a) return NULL;
    put(a, "name", jstr(name), bad);
    put(a, "mention", jstr(mention), bad);
    return a;
}

static json_t *location_json(const marsad_event *r, int *bad) {
    json_t *l = json_object();
    if (!l) return NULL;
    put(l, "name", jstr(r->location_name), bad);
    put(l, "mention", jstr(r->location_mention), bad);
    put(l, "lat", json_real(r->lat), bad);
    put(l, "lon", json_real(r->lon), bad);
    put(l, "country", jstr(r->country), bad);
    put(l, "admin1", jstr(r->admin1), bad);
    put(l, "geo_precision", json_integer(r->geo_precision), bad);
    return l;
}

static json_t *claims_json(const marsad_event *r, int *bad) {
    json_t *a = json_array();
    if (!a) return NULL;
    for (size_t i = 0; i < r->nclaims; i++) {
        const marsad_claim *c = &r->claims[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(a, o)) {
            (*bad)++;
            continue;
        }
        put(o, "kind", jstr(c->kind), bad);
        put(o, "count", json_integer(c->count), bad);
        put(o, "qualifier", jstr(c->qualifier), bad);
        put(o, "side", jstr(c->side), bad);
        put(o, "attributed_to", jstr(c->attributed_to), bad);
    }
    return a;
}

/* Spans as [{start, end[, text]}]; text from texts[i] or from the text
 * they point into (NULL: no text). */
static json_t *spans_json(const marsad_span *sp, size_t n,
                          const char *const *texts, const char *text,
                          size_t text_len, int *bad) {
    json_t *a = json_array();
    if (!a) return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        if (!o || json_array_append_new(a, o)) {
            (*bad)++;
            continue;
        }
        put(o, "start", json_integer((json_int_t)sp[i].start), bad);
        put(o, "end", json_integer((json_int_t)sp[i].end), bad);
        if (texts) {
            put(o, "text", jstr(texts[i]), bad);
        } else if (text && sp[i].start <= sp[i].end && sp[i].end <= text_len) {
            put(o, "text", jstrn(text + sp[i].start, sp[i].end - sp[i].start), bad);
        }
    }
    return a;
}

/* The fields every record has, in the order of spec/EVENTS.md. */
static void record_fields(json_t *o, const marsad_event *r, int *bad) {
    put(o, "event_date", jstr(r->event_date), bad);
    put(o, "time_precision", json_integer(r->time_precision), bad);
    put(o, "event_type", jstr(r->event_type), bad);
    put(o, "sub_event_type", jstr(r->sub_event_type), bad);
    put(o, "actor1", actor_json(r->actor1, r->actor1_mention, bad), bad);
    put(o, "actor2", actor_json(r->actor2, r->actor2_mention, bad), bad);
    put(o, "location", location_json(r, bad), bad);
    put(o, "geo_precision", json_integer(r->geo_precision), bad);
    put(o, "fatalities", json_integer(r->fatalities), bad);
    put(o, "injured", json_integer(r->injured), bad);
    put(o, "captured", json_integer(r->captured), bad);
}

json_t *queries_event_json(const store_event *ev, queries_json_level level) {
    int detail = level == QUERIES_JSON_DETAIL;
    const marsad_event *r = ev->record;
    int bad = 0;
    json_t *o = json_object();
    if (!o) return NULL;
    put(o, "id", json_integer(ev->id), &bad);
    put(o, "event_id", jstr(r->event_id), &bad);
    if (level != QUERIES_JSON_COMPACT) put(o, "doc_id", jstr(r->doc_id), &bad);
    record_fields(o, r, &bad);
    if (detail) {
        size_t tl = 0;
        const char *text = marsad_events_text(ev->records, &tl);
        put(o, "claims", claims_json(r, &bad), &bad);
        put(o, "evidence", spans_json(r->evidence, r->nevidence, NULL, text, tl, &bad),
            &bad);
    }
    if (level == QUERIES_JSON_COMPACT) {
        put(o, "nsources", json_integer((json_int_t)ev->nsources), &bad);
        put(o, "nmentions", json_integer((json_int_t)ev->nmentions), &bad);
        if (bad) {
            json_decref(o);
            return NULL;
        }
        return o;
    }
    put(o, "confidence", json_real(r->confidence), &bad);
    put(o, "notes", jstr(r->notes), &bad);
    put(o, "source", jstr(r->source), &bad);
    put(o, "nsources", json_integer((json_int_t)ev->nsources), &bad);
    put(o, "nmentions", json_integer((json_int_t)ev->nmentions), &bad);
    json_t *srcs = json_array();
    put(o, "sources", srcs, &bad);
    for (size_t i = 0; srcs && i < ev->narticles; i++) {
        const store_source *s = &ev->sources[i];
        json_t *so = json_object();
        if (!so || json_array_append_new(srcs, so)) {
            bad++;
            continue;
        }
        put(so, "article_id", json_integer(s->article_id), &bad);
        put(so, "doc_id", jstr(s->doc_id), &bad);
        put(so, "source", jstr(s->source), &bad);
        put(so, "title", jstr(s->title), &bad);
        put(so, "published", jstr(s->published), &bad);
        put(so, "url", jstr(s->url), &bad);
        put(so, "duplicate_of",
            s->duplicate_of ? json_integer(s->duplicate_of) : json_null(), &bad);
        if (detail) {
            put(so, "fatalities", json_integer(s->fatalities), &bad);
            put(so, "injured", json_integer(s->injured), &bad);
            put(so, "captured", json_integer(s->captured), &bad);
            put(so, "mentions", json_integer((json_int_t)s->nmentions), &bad);
            put(so, "evidence",
                spans_json(s->evidence, s->nevidence, s->evidence_text, NULL, 0, &bad),
                &bad);
        }
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *queries_article_json(const store_article *a) {
    int bad = 0;
    json_t *o = json_object();
    if (!o) return NULL;
    put(o, "id", json_integer(a->id), &bad);
    put(o, "key", jstr(a->key), &bad);
    put(o, "doc_id", jstr(a->doc_id), &bad);
    put(o, "source", jstr(a->source), &bad);
    put(o, "published", jstr(a->published), &bad);
    put(o, "url", jstr(a->url), &bad);
    put(o, "title", jstr(a->title), &bad);
    put(o, "content_hash", jstr(a->content_hash), &bad);
    put(o, "duplicate_of", a->duplicate_of ? json_integer(a->duplicate_of) : json_null(),
        &bad);
    put(o, "text", jstrn(a->text ? a->text : "", a->text ? a->text_len : 0), &bad);
    put(o, "sentences", spans_json(a->sentences, a->nsentences, NULL, NULL, 0, &bad),
        &bad);
    json_t *ms = json_array();
    put(o, "mentions", ms, &bad);
    for (size_t i = 0; ms && i < a->nmentions; i++) {
        const store_mention *m = &a->mentions[i];
        const marsad_event *r = m->record;
        json_t *mo = json_object();
        if (!mo || json_array_append_new(ms, mo)) {
            bad++;
            continue;
        }
        char eid[32];
        snprintf(eid, sizeof eid, "E%lld", (long long)m->event_id);
        put(mo, "id", json_integer(m->id), &bad);
        put(mo, "event", m->event_id ? json_integer(m->event_id) : json_null(), &bad);
        put(mo, "event_id", m->event_id ? json_string(eid) : json_null(), &bad);
        put(mo, "record_id", jstr(r->event_id), &bad);
        record_fields(mo, r, &bad);
        put(mo, "claims", claims_json(r, &bad), &bad);
        put(mo, "evidence", spans_json(r->evidence, r->nevidence, NULL, NULL, 0, &bad),
            &bad);
        put(mo, "confidence", json_real(r->confidence), &bad);
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
