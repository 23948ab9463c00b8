/*
 * store.c — the store front: picks a backend from the URL, prepares what an
 * article brings (identity, sentences, fingerprint, mentions) without a
 * database, and forwards every other call to the backend (store.h).
 */
#include "store/store_internal.h"
#include "store/simhash.h"
#include "lex/dates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void store_set_error(store *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

void store_prefix_error(store *s, const char *prefix) {
    size_t pl = strlen(prefix), el = strlen(s->err), cap = sizeof s->err;
    if (pl + 3 >= cap) return;
    if (pl + 2 + el >= cap) el = cap - pl - 3;
    memmove(s->err + pl + 2, s->err, el);
    memcpy(s->err, prefix, pl);
    s->err[pl] = ':';
    s->err[pl + 1] = ' ';
    s->err[pl + 2 + el] = '\0';
}

int store_schema_check(store *s, int found, int known, int readonly) {
    if (found > known) {
        store_set_error(s, "store schema version %d is newer than this build"
                        " knows (%d); use a newer marsad", found, known);
        return -1;
    }
    if (found == known) return 0;
    if (readonly) {
        store_set_error(s, "store schema version %d needs migrating to %d;"
                        " open it once for writing (marsad ingest)", found,
                        known);
        return -1;
    }
    return 1;
}

const char *store_errmsg(const store *s) { return s ? s->err : "no store"; }

const char *store_backend(const store *s) { return s->be->name; }

static int starts_with(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

store *store_open(const char *url, int flags, char *err, size_t errlen) {
    if (!url || !*url) {
        snprintf(err, errlen, "no store given");
        return NULL;
    }
    const char *target = url;
    const store_driver *be = &store_sqlite_driver;
    /* libpq takes the whole URI */
    if (starts_with(url, "postgresql://") || starts_with(url, "postgres://"))
        be = &store_pg_driver;
    else if (starts_with(url, "sqlite://")) target = url + 9;
    else if (starts_with(url, "sqlite:")) target = url + 7;
    else if (strstr(url, "://")) {
        snprintf(err, errlen, "%s: unknown store URL scheme", url);
        return NULL;
    }
    store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->be = be;
    if (s->be->open(s, target, flags) != 0) {
        snprintf(err, errlen, "%s", s->err);
        s->be->close(s);
        free(s);
        return NULL;
    }
    return s;
}

void store_close(store *s) {
    if (!s) return;
    s->be->close(s);
    free(s);
}

int store_schema_version(store *s) { return s->be->schema_version(s); }

/* ---- identity ------------------------------------------------------------- */

static void hex64(uint64_t v, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = digits[v & 15];
        v >>= 4;
    }
    out[16] = '\0';
}

/* A 128-bit hash of a list of strings (each with its length, so that field
 * boundaries count), as 32 hex digits. */
static void hash_fields(const char *const *f, const size_t *len, size_t n,
                        char out[STORE_HASH_HEX]) {
    uint64_t h1 = 0x6d61727361640001ULL, h2 = 0x6d61727361640002ULL;
    for (size_t i = 0; i < n; i++) {
        uint64_t l = f[i] ? (uint64_t)len[i] + 1 : 0; /* NULL differs from "" */
        h1 = simhash_hash64(&l, sizeof l, h1);
        h2 = simhash_hash64(&l, sizeof l, h2);
        if (f[i] && len[i]) {
            h1 = simhash_hash64(f[i], len[i], h1);
            h2 = simhash_hash64(f[i], len[i], h2 ^ 0x5bd1e995ULL);
        }
    }
    hex64(h1, out);
    hex64(h2, out + 16);
}

void store_article_identity(const marsad_article *a, int id_generated,
                            const char *model_fp, char key[STORE_KEY_MAX],
                            char hash[STORE_HASH_HEX]) {
    const char *text = a->text ? a->text : "";
    size_t tl = a->text ? a->text_len : 0;
    const char *f[] = {text, a->title, a->published, a->source, a->url, model_fp};
    size_t l[] = {tl, a->title ? strlen(a->title) : 0,
                  a->published ? strlen(a->published) : 0,
                  a->source ? strlen(a->source) : 0,
                  a->url ? strlen(a->url) : 0, model_fp ? strlen(model_fp) : 0};
    /* without a model the hash is the one of the content alone */
    hash_fields(f, l, model_fp ? 6 : 5, hash);
    if (a->id && *a->id && !id_generated) {
        /* keys longer than the buffer are hashed to stay unique */
        if (strlen(a->id) < STORE_KEY_MAX) {
            snprintf(key, STORE_KEY_MAX, "%s", a->id);
        } else {
            char h[STORE_HASH_HEX];
            const char *idf[] = {a->id};
            size_t idl[] = {strlen(a->id)};
            hash_fields(idf, idl, 1, h);
            snprintf(key, STORE_KEY_MAX, "id:%s", h);
        }
        return;
    }
    char h[STORE_HASH_HEX];
    if (a->url && *a->url) {
        const char *uf[] = {a->url};
        size_t ul[] = {strlen(a->url)};
        hash_fields(uf, ul, 1, h);
        snprintf(key, STORE_KEY_MAX, "url:%s", h);
    } else {
        const char *tf[] = {text};
        size_t tl2[] = {tl};
        hash_fields(tf, tl2, 1, h);
        snprintf(key, STORE_KEY_MAX, "text:%s", h);
    }
}

/* ---- the prepared article ------------------------------------------------- */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

store_doc *store_doc_new(const marsad_model *m, const marsad_article *a,
                         int id_generated, marsad_diag_fn diag, void *ctx) {
    store_doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    store_article_identity(a, id_generated, marsad_model_fingerprint(m), d->key,
                           d->hash);
    d->text = marsad_utf8_sanitize(a->text ? a->text : "",
                                   a->text ? a->text_len : 0, &d->text_len,
                                   NULL);
    d->doc_id = strdup(a->id && *a->id ? a->id : d->key);
    d->published = dup_or_null(a->published);
    d->source = dup_or_null(a->source);
    d->url = dup_or_null(a->url);
    d->title = dup_or_null(a->title);
    if (!d->text || !d->doc_id || (a->published && !d->published) ||
        (a->source && !d->source) || (a->url && !d->url) ||
        (a->title && !d->title))
        goto fail;
    marsad_doc *doc = marsad_doc_new(d->text, d->text_len);
    if (!doc) goto fail;
    size_t ns;
    const marsad_sentence *s = marsad_doc_sentences(doc, &ns);
    d->sentences = malloc((ns ? ns : 1) * sizeof *d->sentences);
    d->paragraphs = malloc((ns ? ns : 1) * sizeof *d->paragraphs);
    if (!d->sentences || !d->paragraphs) {
        marsad_doc_free(doc);
        goto fail;
    }
    for (size_t i = 0; i < ns; i++) {
        d->sentences[i].start = s[i].start;
        d->sentences[i].end = s[i].end;
        d->paragraphs[i] = s[i].paragraph;
    }
    d->nsentences = ns;
    d->simhash = simhash_doc(doc, &d->nshingles);
    marsad_doc_free(doc);
    /* extraction reads the stored (sanitized) text so spans point into it */
    marsad_article art = *a;
    art.id = d->doc_id;
    art.text = d->text;
    art.text_len = d->text_len;
    /* the article's own events, grouped by extraction's rules: the store
     * merges them across articles only */
    d->mentions = marsad_extract(m, &art, MARSAD_LEVEL_EVENTS, diag, ctx);
    if (!d->mentions) goto fail;
    return d;
fail:
    store_doc_free(d);
    return NULL;
}

void store_doc_free(store_doc *d) {
    if (!d) return;
    free(d->doc_id);
    free(d->published);
    free(d->source);
    free(d->url);
    free(d->title);
    free(d->text);
    free(d->sentences);
    free(d->paragraphs);
    marsad_events_free(d->mentions);
    free(d);
}

const char *store_doc_key(const store_doc *d) { return d->key; }
const char *store_doc_hash(const store_doc *d) { return d->hash; }
size_t store_doc_mention_count(const store_doc *d) {
    return marsad_events_count(d->mentions);
}
uint64_t store_doc_simhash(const store_doc *d, size_t *nshingles) {
    if (nshingles) *nshingles = d->nshingles;
    return d->simhash;
}

/* ---- forwarding ----------------------------------------------------------- */

int store_article_state(store *s, const char *key, const char *hash) {
    return s->be->article_state(s, key, hash);
}
const store_check_query STORE_CHECKS[] = {
    {"events", "SELECT 'event ' || e.id || ': ' || e.nmentions || ' mentions"
               " counted, ' || count(m.id) || ' found' FROM events e"
               " LEFT JOIN mentions m ON m.event_id = e.id GROUP BY e.id"
               " HAVING count(m.id) <> e.nmentions OR count(m.id) = 0"},
    {"events", "SELECT 'event ' || e.id || ': ' || e.nsources || ' sources"
               " counted, ' || count(u.unit) || ' found' FROM events e"
               " LEFT JOIN event_sources u ON u.event_id = e.id GROUP BY e.id"
               " HAVING count(u.unit) <> e.nsources"},
    {"mentions", "SELECT 'mention ' || m.id || ' of a missing event'"
                 " FROM mentions m WHERE m.event_id IS NOT NULL AND"
                 " NOT EXISTS (SELECT 1 FROM events e WHERE e.id = m.event_id)"},
};
const size_t STORE_NCHECKS = sizeof STORE_CHECKS / sizeof STORE_CHECKS[0];

const char *store_group_sql(store *s, store_group g) {
    static const char *const KEYS[] = {
        [STORE_BY_DAY] = "COALESCE(e.event_date, '')",
        [STORE_BY_MONTH] = "COALESCE(substr(e.event_date, 1, 7), '')",
        [STORE_BY_TYPE] = "e.event_type",
        [STORE_BY_ADMIN1] = "COALESCE(e.country, '') || COALESCE('/' || e.admin1, '')",
    };
    if ((int)g < 0 || g > STORE_BY_ADMIN1) {
        store_set_error(s, "unknown grouping");
        return NULL;
    }
    return KEYS[g];
}

int store_begin(store *s) {
    if (s->in_batch) return 0;
    if (s->be->begin(s)) return -1;
    s->in_batch = 1;
    return 0;
}

int store_commit(store *s) {
    if (!s->in_batch) return 0;
    s->in_batch = 0;
    return s->be->commit(s);
}

int store_rollback(store *s) {
    if (!s->in_batch) return 0;
    s->in_batch = 0;
    return s->be->rollback(s);
}

int store_put(store *s, const store_doc *d, store_put_result *res) {
    store_put_result dummy;
    if (!res) res = &dummy;
    memset(res, 0, sizeof *res);
    return s->be->put(s, d, res);
}

long store_events_each(store *s, const store_filter *f, int detail,
                       store_event_fn fn, void *ctx) {
    store_filter none = {0};
    return s->be->events_each(s, f ? f : &none, detail, fn, ctx);
}

store_event *store_event_get(store *s, int64_t id) {
    return s->be->event_get(s, id);
}

int store_aggregate(store *s, const store_filter *f, store_group g,
                    store_bucket **out, size_t *n) {
    store_filter none = {0};
    *out = NULL;
    *n = 0;
    return s->be->aggregate(s, f ? f : &none, g, out, n);
}

store_article *store_article_get(store *s, const char *id) {
    return s->be->article_get(s, id);
}

store_hits *store_search(store *s, const char *query,
                         const store_search_opts *o) {
    store_search_opts none = {0};
    return s->be->search(s, query, o ? o : &none);
}

int store_get_stats(store *s, store_stats *out) {
    memset(out, 0, sizeof *out);
    return s->be->stats(s, out);
}

int store_check(store *s) { return s->be->check(s); }

/* ---- the work queue -------------------------------------------------------- */

static int no_queue(store *s) {
    store_set_error(s, "the work queue needs a PostgreSQL store "
                       "(--db postgresql://...); a %s store has none",
                    s->be->name);
    return -1;
}

int store_enqueue(store *s, const marsad_article *a, int id_generated,
                  int *queued) {
    int dummy;
    if (!queued) queued = &dummy;
    *queued = 0;
    if (!s->be->enqueue) return no_queue(s);
    return s->be->enqueue(s, a, id_generated, queued);
}

store_batch *store_claim(store *s, size_t max) {
    if (!s->be->claim) {
        no_queue(s);
        return NULL;
    }
    return s->be->claim(s, max ? max : 1);
}

size_t store_batch_count(const store_batch *b) { return b->n; }

const marsad_article *store_batch_article(const store_batch *b, size_t i,
                                          int *id_generated) {
    if (i >= b->n) return NULL;
    if (id_generated) *id_generated = b->id_generated[i];
    return &b->arts[i];
}

int store_batch_commit(store *s, store_batch *b, store_doc *const *docs,
                       size_t *stored) {
    size_t dummy;
    if (!stored) stored = &dummy;
    *stored = 0;
    if (!b->open) {
        store_set_error(s, "the batch is no longer open");
        return -1;
    }
    return s->be->batch_commit(s, b, docs, stored);
}

void store_batch_free(store_batch *b) {
    if (!b) return;
    if (b->open && b->s->be->batch_end) b->s->be->batch_end(b);
    store_arena_free(&b->arena);
    free(b->arts);
    free(b->id_generated);
    free(b->seq);
    free(b);
}

int store_merge_ready(store *s, size_t max, int wait, size_t *merged) {
    size_t dummy;
    if (!merged) merged = &dummy;
    *merged = 0;
    if (!s->be->merge_ready) return no_queue(s);
    return s->be->merge_ready(s, max, wait, merged);
}

int store_change_token(store *s, uint64_t *token) {
    *token = 0;
    if (!s->be->change_token) {
        store_set_error(s, "a %s store has no change token", s->be->name);
        return -1;
    }
    return s->be->change_token(s, token);
}

int store_queue_get_stats(store *s, store_queue_stats *out) {
    memset(out, 0, sizeof *out);
    if (!s->be->queue_stats) return no_queue(s);
    return s->be->queue_stats(s, out);
}

/* ---- small things --------------------------------------------------------- */

long store_day_of(const char *iso, int *ok) {
    ymd d;
    if (iso && strlen(iso) >= 10 && ymd_parse_iso(iso, 10, &d)) {
        *ok = 1;
        return ymd_to_days(d);
    }
    *ok = 0;
    return 0;
}

struct store_arena_chunk {
    store_arena_chunk *next;
    size_t used, cap;
    _Alignas(16) char data[];
};

void *store_arena_alloc(store_arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->used + n > a->head->cap) {
        size_t cap = n > 16384 ? n : 16384;
        store_arena_chunk *c = malloc(sizeof *c + cap);
        if (!c) {
            a->oom = 1;
            return NULL;
        }
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

char *store_arena_strn(store_arena *a, const char *s, size_t n) {
    if (!s) return NULL;
    char *p = store_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *store_arena_str(store_arena *a, const char *s) {
    return s ? store_arena_strn(a, s, strlen(s)) : NULL;
}

void store_arena_free(store_arena *a) {
    for (store_arena_chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    a->head = NULL;
}

