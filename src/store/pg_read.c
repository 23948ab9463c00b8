/*
 * pg_read.c — the read side of the PostgreSQL backend: merged events with
 * their claims, evidence and sources; one article with its sentences and
 * mentions; full-text search (tsvector/tsquery from pg_search.c, ranked by
 * ts_rank_cd, snippets by snippet.c); counts per day, type or district;
 * totals and the check. Same results as sqlite_read.c: text compares and
 * sorts bytewise (COLLATE "C"), case is ignored for ASCII only (as SQLite's
 * NOCASE and LIKE), NULL publication dates sort first.
 */
#include "store/pg_internal.h"
#include "store/snippet.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    R_CLAIMS = PG_WRITE_SLOTS,
    R_EVIDENCE,
    R_SOURCES,
    R_ARTICLE_TEXT,
    R_EVENT_BY_ID,
    R_ARTICLE_BY_KEY,
    R_ARTICLE_BY_DOC,
    R_SENTENCES,
    R_MENTIONS,
    R_MENTION_CLAIMS,
    R_MENTION_EVIDENCE,
    R_END
};
_Static_assert(R_END <= PG_SLOTS, "statement slots");

/* Claims and evidence spans read per mention of an article. */
#define MAX_PER_MENTION 64

static PGresult *prep(store *s, int slot, const char *what, const char *sql,
                      int n, const char *const *p) {
    return pg_exec_prepared(s, slot, what, sql, n, p);
}

/* ---- building one event -------------------------------------------------------- */

/* Claims and sources are listed in merge order (articles.merge_seq, then
 * the mention's ordinal), as SQLite lists them in id order: the same
 * whatever order workers wrote the rows in. */
static int load_claims(store *s, store_arena *A, int64_t eid,
                       marsad_event *rec) {
    char eb[24];
    const char *p[] = {pg_i64(eb, eid)};
    PGresult *r = prep(
        s, R_CLAIMS, "claims",
        "SELECT c.kind, c.count, c.qualifier, c.side,"
        " COALESCE(c.attributed_to, src.name, a.doc_id) AS attr,"
        " min(a.merge_seq * 1000000 + m.ordinal) AS first_m,"
        " min(c.ordinal) AS first_c"
        " FROM claims c JOIN mentions m ON m.id = c.mention_id"
        " JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sources src ON src.id = a.source_id"
        " WHERE m.event_id = $1 GROUP BY 1, 2, 3, 4, 5"
        " ORDER BY first_m, first_c, c.kind COLLATE \"C\", c.count,"
        " c.qualifier COLLATE \"C\", c.side COLLATE \"C\","
        " COALESCE(c.attributed_to, src.name, a.doc_id) COLLATE \"C\""
        " LIMIT 200",
        1, p);
    if (!r) return -1;
    size_t n = (size_t)PQntuples(r);
    if (n > STORE_MAX_CLAIMS) n = STORE_MAX_CLAIMS;
    marsad_claim *cl = store_arena_alloc(A, sizeof *cl * (n ? n : 1));
    for (size_t i = 0; cl && i < n; i++) {
        store_row row = pg_row(r, (int)i);
        store_row_claim(A, &row, 0, &cl[i]);
    }
    PQclear(r);
    rec->claims = cl;
    rec->nclaims = cl ? n : 0;
    return A->oom ? (store_set_error(s, "out of memory"), -1) : 0;
}

/* Distinct evidence spans of event eid's mentions in article aid; with
 * texts set, their text too. */
static int load_spans(store *s, store_arena *A, int64_t eid, int64_t aid,
                      marsad_span **out, const char *const **texts,
                      size_t *n) {
    char eb[24], ab[24];
    const char *p[] = {pg_i64(eb, eid), pg_i64(ab, aid)};
    PGresult *r = prep(s, R_EVIDENCE, "evidence",
                       "SELECT DISTINCT v.start, v.\"end\" FROM evidence v"
                       " JOIN mentions m ON m.id = v.mention_id"
                       " WHERE m.event_id = $1 AND m.article_id = $2"
                       " ORDER BY 1, 2",
                       2, p);
    if (!r) return -1;
    PGresult *t = NULL;
    const char *text = NULL;
    size_t tlen = 0;
    if (texts) {
        if (!(t = prep(s, R_ARTICLE_TEXT, "article text",
                       "SELECT text FROM articles WHERE id = $1", 1, p + 1))) {
            PQclear(r);
            return -1;
        }
        if (PQntuples(t) == 1) {
            text = PQgetvalue(t, 0, 0);
            tlen = (size_t)PQgetlength(t, 0, 0);
        }
    }
    size_t k = (size_t)PQntuples(r);
    marsad_span *sp = store_arena_alloc(A, sizeof *sp * (k ? k : 1));
    const char **tx = texts ? store_arena_alloc(A, sizeof *tx * (k ? k : 1)) : NULL;
    for (size_t i = 0; sp && i < k; i++) {
        store_row row = pg_row(r, (int)i);
        sp[i] = store_row_span(&row, 0);
        if (tx) {
            size_t a = sp[i].start < tlen ? sp[i].start : tlen;
            size_t e = sp[i].end < tlen ? sp[i].end : tlen;
            tx[i] = store_arena_strn(A, text ? text + a : "", e > a ? e - a : 0);
        }
    }
    PQclear(r);
    PQclear(t);
    if (A->oom) {
        store_set_error(s, "out of memory");
        return -1;
    }
    if (texts) *texts = tx;
    *out = sp;
    *n = k;
    return 0;
}

static int load_sources(store *s, store_arena *A, int64_t eid, size_t limit,
                        store_source **out, size_t *n) {
    char eb[24], lb[24];
    const char *p[] = {pg_i64(eb, eid), limit ? pg_i64(lb, (int64_t)limit) : NULL};
    PGresult *r = prep(
        s, R_SOURCES, "event sources",
        "SELECT " STORE_SOURCE_COLUMNS
        " FROM mentions m JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sources src ON src.id = a.source_id"
        " WHERE m.event_id = $1 GROUP BY a.id, src.name"
        " ORDER BY a.published COLLATE \"C\" NULLS FIRST, a.merge_seq, a.id"
        " LIMIT $2",
        2, p);
    if (!r) return -1;
    size_t k = (size_t)PQntuples(r);
    store_source *src = store_arena_alloc(A, sizeof *src * (k ? k : 1));
    for (size_t i = 0; src && i < k; i++) {
        store_row row = pg_row(r, (int)i);
        store_row_source(A, &row, &src[i]);
    }
    PQclear(r);
    if (!src) {
        store_set_error(s, "out of memory");
        return -1;
    }
    *out = src;
    *n = k;
    return 0;
}

static const store_event_reads READS = {load_claims, load_spans, load_sources};

/* Builds the event of row `row` of r (STORE_EVENT_COLUMNS). */
static store_event_obj *build_event(store *s, const PGresult *r, int row,
                                    int detail) {
    store_row rw = pg_row(r, row);
    return store_row_event(s, &rw, detail, &READS);
}

/* ---- filters ----------------------------------------------------------------------- */

/* Parameters of a query built at run time, numbered as they are used. */
typedef struct {
    const char *v[16];
    char *owned[16];
    char num[16][24];
    int n;
} params;

/* Appends "$k" for a new parameter with value v (copied when own). */
static void param(strbuf *b, params *p, const char *v, int own) {
    p->owned[p->n] = own ? strdup(v) : NULL;
    p->v[p->n] = own ? p->owned[p->n] : v;
    if (own && !p->owned[p->n]) b->oom = 1;
    p->n++;
    strbuf_printf(b, "$%d", p->n);
}

static void param_i64(strbuf *b, params *p, int64_t v) {
    pg_i64(p->num[p->n], v);
    param(b, p, p->num[p->n], 0);
}

static void params_free(params *p) {
    for (int i = 0; i < p->n; i++) free(p->owned[i]);
}

static char *like_pattern(const char *s) {
    size_t n = strlen(s);
    char *p = malloc(n + 3);
    if (!p) return NULL;
    p[0] = '%';
    memcpy(p + 1, s, n);
    p[n + 1] = '%';
    p[n + 2] = '\0';
    return p;
}

/* SQLite's LIKE: ASCII case ignored, no escape character. */
#define LIKE(col) col " COLLATE \"C\" ILIKE "
#define NOCASE_EQ(col) "lower(" col " COLLATE \"C\") = lower("

/* Appends "(c1 LIKE %text% OR ...)" over the four columns cols. Returns
 * 0, or -1 (b->oom set) when memory runs out. */
static int like_any(strbuf *b, params *p, const char *const cols[4],
                    const char *text) {
    char *pat = like_pattern(text);
    if (!pat) {
        b->oom = 1;
        return -1;
    }
    strbuf_puts(b, "(");
    for (int k = 0; k < 4; k++) {
        strbuf_printf(b, "%s%s COLLATE \"C\" ILIKE ", k ? " OR " : "", cols[k]);
        param(b, p, pat, 1);
        strbuf_puts(b, " ESCAPE ''");
    }
    strbuf_puts(b, ")");
    free(pat);
    return 0;
}

/* Appends the WHERE clause of f over events e. */
static void filter_sql(strbuf *b, const store_filter *f, params *p) {
    strbuf_puts(b, " WHERE true");
    if (f->from) {
        strbuf_puts(b, " AND e.event_date COLLATE \"C\" >= ");
        param(b, p, f->from, 0);
    }
    if (f->to) {
        strbuf_puts(b, " AND e.event_date COLLATE \"C\" <= ");
        param(b, p, f->to, 0);
    }
    if (f->type) {
        strbuf_puts(b, " AND (" NOCASE_EQ("e.event_type"));
        param(b, p, f->type, 0);
        strbuf_puts(b, "::text COLLATE \"C\") OR " NOCASE_EQ("e.sub_event_type"));
        param(b, p, f->type, 0);
        strbuf_puts(b, "::text COLLATE \"C\"))");
    }
    if (f->actor) {
        static const char *const cols[] = {"m.actor1", "m.actor2",
                                           "m.actor1_mention", "m.actor2_mention"};
        strbuf_puts(b, " AND EXISTS (SELECT 1 FROM mentions m WHERE"
                          " m.event_id = e.id AND ");
        if (like_any(b, p, cols, f->actor)) return;
        strbuf_puts(b, ")");
    }
    if (f->place) {
        static const char *const cols[] = {"e.location_name", "e.location_mention",
                                           "e.admin1", "e.country"};
        strbuf_puts(b, " AND ");
        if (like_any(b, p, cols, f->place)) return;
    }
    if (f->min_fatalities > 0) {
        strbuf_puts(b, " AND e.fatalities >= ");
        param_i64(b, p, f->min_fatalities);
    }
}

long pg_events_each(store *s, const store_filter *f, int detail,
                    store_event_fn fn, void *ctx) {
    strbuf b = {0};
    params p = {.n = 0};
    strbuf_puts(&b, "SELECT " STORE_EVENT_COLUMNS " FROM events e JOIN articles a"
                       " ON a.id = e.rep_article");
    filter_sql(&b, f, &p);
    strbuf_puts(&b, " ORDER BY e.day IS NULL, e.day, e.id");
    if (f->limit) {
        strbuf_puts(&b, " LIMIT ");
        param_i64(&b, &p, (int64_t)f->limit);
    }
    if (f->offset) {
        strbuf_puts(&b, " OFFSET ");
        param_i64(&b, &p, (int64_t)f->offset);
    }
    if (b.oom) {
        free(b.s);
        params_free(&p);
        store_set_error(s, "out of memory");
        return -1;
    }
    /* the rows come through a cursor, a few at a time (each holds the text
     * of the event's representative article), and each event is built
     * with its claims and sources on the same connection meanwhile */
    int own = !s->in_batch;
    strbuf d = {0};
    strbuf_puts(&d, "DECLARE marsad_events NO SCROLL CURSOR FOR ");
    strbuf_add(&d, b.s, b.n);
    free(b.s);
    if (d.oom) {
        free(d.s);
        params_free(&p);
        store_set_error(s, "out of memory");
        return -1;
    }
    PGresult *r = NULL;
    /* inside a batch, a savepoint keeps a failed read from spoiling it */
    if (pg_run(s, "events", own ? "BEGIN" : "SAVEPOINT marsad_read") == 0)
        r = pg_exec(s, "events", d.s, p.n, p.v);
    free(d.s);
    params_free(&p);
    long n = r ? 0 : -1;
    PQclear(r);
    for (int stop = 0; n >= 0 && !stop;) {
        if (!(r = pg_exec(s, "events", "FETCH 100 FROM marsad_events", 0, NULL))) {
            n = -1;
            break;
        }
        int rows = PQntuples(r);
        for (int i = 0; i < rows && !stop; i++) {
            store_event_obj *o = build_event(s, r, i, detail);
            if (!o) {
                n = -1;
                break;
            }
            stop = fn(ctx, &o->ev);
            store_event_free(&o->ev);
            n++;
        }
        PQclear(r);
        if (rows == 0) break;
    }
    /* the cursor ends with the transaction, or with the savepoint inside
     * a batch; an error message of the loop is kept */
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    int end = own ? pg_run(s, "events", n >= 0 ? "COMMIT" : "ROLLBACK")
                  : pg_run(s, "events",
                           n >= 0 ? "CLOSE marsad_events; RELEASE SAVEPOINT"
                                    " marsad_read"
                                  : "ROLLBACK TO SAVEPOINT marsad_read;"
                                    " RELEASE SAVEPOINT marsad_read");
    if (n < 0) memcpy(s->err, keep, sizeof keep);
    else if (end) n = -1;
    return n;
}

store_event *pg_event_get(store *s, int64_t id) {
    char b[24];
    const char *p[] = {pg_i64(b, id)};
    PGresult *r = prep(s, R_EVENT_BY_ID, "event",
                       "SELECT " STORE_EVENT_COLUMNS " FROM events e JOIN"
                       " articles a ON a.id = e.rep_article WHERE e.id = $1",
                       1, p);
    if (!r) return NULL;
    if (PQntuples(r) != 1) {
        PQclear(r);
        store_set_error(s, "no event %" PRId64, id);
        return NULL;
    }
    store_event_obj *o = build_event(s, r, 0, 1);
    PQclear(r);
    return o ? &o->ev : NULL;
}

int pg_aggregate(store *s, const store_filter *f, store_group g,
                 store_bucket **out, size_t *n) {
    const char *key = store_group_sql(s, g);
    if (!key) return -1;
    strbuf b = {0};
    params p = {.n = 0};
    strbuf_printf(&b, "SELECT %s COLLATE \"C\" AS k, count(*), sum(e.fatalities),"
                         " sum(e.injured), sum(e.captured) FROM events e", key);
    filter_sql(&b, f, &p);
    strbuf_puts(&b, " GROUP BY k ORDER BY k");
    if (b.oom) {
        free(b.s);
        params_free(&p);
        store_set_error(s, "out of memory");
        return -1;
    }
    PGresult *r = pg_exec(s, "aggregate", b.s, p.n, p.v);
    free(b.s);
    params_free(&p);
    if (!r) return -1;
    size_t k = (size_t)PQntuples(r);
    store_bucket *v = malloc((k ? k : 1) * sizeof *v);
    if (!v) {
        PQclear(r);
        store_set_error(s, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        store_row row = pg_row(r, (int)i);
        store_row_bucket(&row, &v[i]);
    }
    PQclear(r);
    *out = v;
    *n = k;
    return 0;
}

/* ---- one article ------------------------------------------------------------------ */

static int article_mentions(store *s, store_article_obj *o) {
    store_arena *A = &o->arena;
    store_article *art = &o->art;
    char ab[24];
    const char *p[] = {pg_i64(ab, art->id)};
    PGresult *r = prep(
        s, R_MENTIONS, "mentions",
        "SELECT " STORE_MENTION_COLUMNS
        " FROM mentions WHERE article_id = $1 ORDER BY ordinal",
        1, p);
    if (!r) return -1;
    /* the claims and evidence of all its mentions, in mention order */
    PGresult *c = prep(s, R_MENTION_CLAIMS, "claims",
                       "SELECT c.mention_id, c.kind, c.count, c.qualifier,"
                       " c.side, c.attributed_to FROM claims c JOIN mentions m"
                       " ON m.id = c.mention_id WHERE m.article_id = $1"
                       " ORDER BY m.ordinal, c.ordinal",
                       1, p);
    PGresult *v = c ? prep(s, R_MENTION_EVIDENCE, "evidence",
                           "SELECT v.mention_id, v.start, v.\"end\" FROM"
                           " evidence v JOIN mentions m ON m.id = v.mention_id"
                           " WHERE m.article_id = $1 ORDER BY m.ordinal,"
                           " v.ordinal",
                           1, p)
                    : NULL;
    if (!c || !v) {
        PQclear(r);
        PQclear(c);
        return -1;
    }
    size_t n = (size_t)PQntuples(r);
    int nc = PQntuples(c), nv = PQntuples(v), ic = 0, iv = 0, err = 0;
    store_mention *men = store_arena_alloc(A, sizeof *men * (n ? n : 1));
    err = !men;
    for (size_t i = 0; !err && i < n; i++) {
        store_row row = pg_row(r, (int)i);
        marsad_event rec;
        store_row_mention(A, &row, art, &men[i], &rec);
        int64_t mid = men[i].id;
        marsad_claim cl[MAX_PER_MENTION];
        for (; ic < nc && pg_get_i64(c, ic, 0) == mid; ic++) {
            if (rec.nclaims == MAX_PER_MENTION) continue;
            row = pg_row(c, ic);
            store_row_claim(A, &row, 1, &cl[rec.nclaims++]);
        }
        marsad_span sp[MAX_PER_MENTION];
        for (; iv < nv && pg_get_i64(v, iv, 0) == mid; iv++) {
            if (rec.nevidence == MAX_PER_MENTION) continue;
            row = pg_row(v, iv);
            sp[rec.nevidence++] = store_row_span(&row, 1);
        }
        rec.claims = cl;
        rec.evidence = sp;
        if (A->oom || marsad_events_append(o->records, &rec)) err = 1;
    }
    PQclear(r);
    PQclear(c);
    PQclear(v);
    if (!err) {
        for (size_t i = 0; i < n; i++)
            men[i].record = marsad_events_get(o->records, i);
        art->mentions = men;
        art->nmentions = n;
    }
    if (err) store_set_error(s, "out of memory");
    return err ? -1 : 0;
}

store_article *pg_article_get(store *s, const char *id) {
    const char *p[] = {id};
    PGresult *r = NULL;
    for (int pass = 0; pass < 2; pass++) {
        r = pass == 0
            ? prep(s, R_ARTICLE_BY_KEY, "article",
                   "SELECT " STORE_ARTICLE_COLUMNS " FROM articles a LEFT"
                   " JOIN sources src ON src.id = a.source_id WHERE a.key = $1",
                   1, p)
            : prep(s, R_ARTICLE_BY_DOC, "article",
                   "SELECT " STORE_ARTICLE_COLUMNS " FROM articles a LEFT"
                   " JOIN sources src ON src.id = a.source_id"
                   " WHERE a.doc_id = $1 ORDER BY a.id LIMIT 1",
                   1, p);
        if (!r) return NULL;
        if (PQntuples(r) > 0) break;
        PQclear(r);
        r = NULL;
    }
    if (!r) {
        store_set_error(s, "no article '%s'", id);
        return NULL;
    }
    store_article_obj *o = store_article_obj_new();
    if (!o) {
        PQclear(r);
        store_set_error(s, "out of memory");
        return NULL;
    }
    store_article *a = &o->art;
    store_row row = pg_row(r, 0);
    int err = store_row_article(o, &row) != 0;
    PQclear(r);
    char ab[24];
    const char *pa[] = {pg_i64(ab, a->id)};
    if (!err && (r = prep(s, R_SENTENCES, "sentences",
                          "SELECT start, \"end\" FROM sentences WHERE"
                          " article_id = $1 ORDER BY idx",
                          1, pa))) {
        size_t n = (size_t)PQntuples(r);
        marsad_span *sp = store_arena_alloc(&o->arena, sizeof *sp * (n ? n : 1));
        for (size_t i = 0; sp && i < n; i++) {
            row = pg_row(r, (int)i);
            sp[i] = store_row_span(&row, 0);
        }
        PQclear(r);
        if (sp) {
            a->sentences = sp;
            a->nsentences = n;
        } else {
            err = 1;
            store_set_error(s, "out of memory");
        }
    } else {
        if (!err) err = 2; /* the error is PostgreSQL's */
        else store_set_error(s, "out of memory");
    }
    if (err || article_mentions(s, o)) {
        store_article_free(a);
        return NULL;
    }
    return a;
}

/* ---- search --------------------------------------------------------------------------- */

/* Snippets: FTS5's snippet() of the SQLite backend shows up to 24 tokens. */
#define SNIPPET_TOKENS 24

static int blank(const char *q) {
    for (; *q; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') return 0;
    return 1;
}

store_hits *pg_search(store *s, const char *query, const store_search_opts *o) {
    if (blank(query)) {
        store_set_error(s, "empty query");
        return NULL;
    }
    snippet_query *terms = snippet_query_new();
    char *tsq = NULL, err[256];
    store_hits *h = store_hits_new();
    if (!terms || !h) {
        snippet_query_free(terms);
        store_hits_free(h);
        store_set_error(s, "out of memory");
        return NULL;
    }
    if (pg_tsquery_literal(query, o->raw, &tsq, terms, err, sizeof err)) {
        snippet_query_free(terms);
        store_hits_free(h);
        store_set_error(s, "search: %s", err);
        return NULL;
    }
    if (!*tsq) { /* no word to look for: nothing found */
        free(tsq);
        snippet_query_free(terms);
        return h;
    }
    /* the best rows first: ts_rank_cd with title words weighted twice
     * (weights D, C, B, A), divided by 1 + log(length) as bm25 favours
     * short documents */
    strbuf b = {0};
    params p = {.n = 0};
    int filtered = o->from || o->to || o->source || o->exclude_duplicates;
    strbuf_puts(&b, "WITH top AS (SELECT f.id, ts_rank_cd('{0.5,0.5,0.5,1}',"
                       " f.tsv, q.q, 1) AS rank FROM (SELECT ");
    param(&b, &p, tsq, 0);
    strbuf_puts(&b, "::tsquery AS q) q CROSS JOIN articles_fts f");
    if (filtered) strbuf_puts(&b, " JOIN articles a ON a.id = f.id");
    if (o->source) strbuf_puts(&b, " JOIN sources src ON src.id = a.source_id");
    strbuf_puts(&b, " WHERE f.tsv @@ q.q");
    if (o->from) {
        strbuf_puts(&b, " AND substr(a.published, 1, 10) COLLATE \"C\" >= ");
        param(&b, &p, o->from, 0);
    }
    if (o->to) {
        strbuf_puts(&b, " AND substr(a.published, 1, 10) COLLATE \"C\" <= ");
        param(&b, &p, o->to, 0);
    }
    if (o->source) {
        strbuf_puts(&b, " AND " NOCASE_EQ("src.name"));
        param(&b, &p, o->source, 0);
        strbuf_puts(&b, "::text COLLATE \"C\")");
    }
    if (o->exclude_duplicates) strbuf_puts(&b, " AND a.duplicate_of IS NULL");
    strbuf_puts(&b, " ORDER BY rank DESC, f.id LIMIT ");
    param_i64(&b, &p, o->limit ? (int64_t)o->limit : 10);
    strbuf_puts(&b, " OFFSET ");
    param_i64(&b, &p, (int64_t)o->offset);
    strbuf_puts(&b, ") SELECT " STORE_HIT_COLUMNS ", a.text, top.rank"
                       " FROM top JOIN articles a ON a.id = top.id"
                       " LEFT JOIN sources src ON src.id = a.source_id"
                       " ORDER BY top.rank DESC, a.id");
    PGresult *r = NULL;
    if (b.oom) store_set_error(s, "out of memory");
    else r = pg_exec(s, "search", b.s, p.n, p.v);
    free(b.s);
    params_free(&p);
    free(tsq);
    if (!r) {
        snippet_query_free(terms);
        store_hits_free(h);
        return NULL;
    }
    size_t n = (size_t)PQntuples(r);
    const char *mo = o->mark_open ? o->mark_open : "[";
    const char *mc = o->mark_close ? o->mark_close : "]";
    int oom = 0;
    h->hits = calloc(n ? n : 1, sizeof *h->hits);
    oom = !h->hits;
    for (size_t i = 0; !oom && i < n; i++) {
        int row = (int)i;
        store_arena *A = &h->arena;
        store_hit *x = &h->hits[h->n++];
        store_row hr = pg_row(r, row);
        store_row_hit(A, &hr, x);
        /* the snippet from the column with the better window (the title
         * on a tie, as FTS5's snippet() picks the first best column) */
        long st = 0, sx = 0;
        char *tsnip = x->title ? snippet_make(terms, x->title, strlen(x->title),
                                              mo, mc, SNIPPET_TOKENS, &st)
                               : NULL;
        char *xsnip = snippet_make(
            terms, PQgetvalue(r, row, STORE_HIT_NCOLUMNS),
            (size_t)PQgetlength(r, row, STORE_HIT_NCOLUMNS), mo, mc,
            SNIPPET_TOKENS, &sx);
        const char *snip = tsnip && st >= sx && st > 0 ? tsnip : xsnip;
        x->snippet = store_arena_str(A, snip ? snip : "");
        free(tsnip);
        free(xsnip);
        /* lower is better, as bm25 */
        x->score = -pg_get_f64(r, row, STORE_HIT_NCOLUMNS + 1);
        if (A->oom || (!snip)) oom = 1;
    }
    PQclear(r);
    snippet_query_free(terms);
    if (oom) {
        store_hits_free(h);
        store_set_error(s, "out of memory");
        return NULL;
    }
    return h;
}

/* ---- totals ------------------------------------------------------------------------------ */

int pg_stats(store *s, store_stats *out) {
    PGresult *r = pg_exec(
        s, "stats",
        "SELECT (SELECT count(*) FROM articles),"
        " (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL),"
        " (SELECT count(*) FROM sentences), (SELECT count(*) FROM mentions),"
        " (SELECT count(*) FROM claims), (SELECT count(*) FROM events),"
        " (SELECT count(*) FROM sources)",
        0, NULL);
    if (!r) return -1;
    store_row row = pg_row(r, 0);
    store_row_stats(&row, out);
    PQclear(r);
    return 0;
}

/* ---- verification ------------------------------------------------------------------------ */

/* Runs sql, which yields one text per problem. */
static int check_query(store *s, const char *what, const char *sql) {
    PGresult *r = pg_exec(s, what, sql, 0, NULL);
    if (!r) return -1;
    int bad = PQntuples(r);
    strbuf b = {0};
    for (int i = 0; i < bad && i < 5; i++)
        strbuf_printf(&b, "%s%s", b.n ? "; " : "", PQgetvalue(r, i, 0));
    PQclear(r);
    if (bad) store_set_error(s, "%s: %s%s", what, b.s ? b.s : "",
                             bad > 5 ? "; ..." : "");
    free(b.s);
    return bad ? -1 : 0;
}

/* Appends an array element quoted for an array literal. */
static void arr_quoted(strbuf *b, const char *v) {
    if (b->n > 1) strbuf_add(b, ",", 1);
    strbuf_add(b, "\"", 1);
    for (const char *c = v; *c; c++) {
        if (*c == '"' || *c == '\\') strbuf_add(b, "\\", 1);
        strbuf_add(b, c, 1);
    }
    strbuf_add(b, "\"", 1);
}

/* The search vectors against the articles: each article has one, equal to
 * the vector of its title and text now (read in batches through a
 * cursor). */
static int check_index(store *s) {
    if (check_query(s, "search index",
                    "SELECT 'article ' || a.id || ' is not indexed' FROM"
                    " articles a WHERE NOT EXISTS (SELECT 1 FROM articles_fts f"
                    " WHERE f.id = a.id) UNION ALL SELECT 'index entry ' ||"
                    " f.id || ' has no article' FROM articles_fts f WHERE NOT"
                    " EXISTS (SELECT 1 FROM articles a WHERE a.id = f.id)"))
        return -1;
    int own = !s->in_batch;
    if (own && pg_run(s, "search index", "BEGIN")) return -1;
    int rc = pg_run(s, "search index",
                    "DECLARE marsad_check NO SCROLL CURSOR FOR SELECT id,"
                    " title, text FROM articles ORDER BY id");
    while (rc == 0) {
        PGresult *r = pg_exec(s, "search index",
                              "FETCH 200 FROM marsad_check", 0, NULL);
        if (!r) {
            rc = -1;
            break;
        }
        int n = PQntuples(r);
        if (n == 0) {
            PQclear(r);
            break;
        }
        strbuf ids = {0}, vecs = {0};
        strbuf_add(&ids, "{", 1);
        strbuf_add(&vecs, "{", 1);
        for (int i = 0; i < n; i++) {
            if (i) strbuf_add(&ids, ",", 1);
            strbuf_puts(&ids, PQgetvalue(r, i, 0));
            char *v = pg_tsvector_literal(pg_get_str(r, i, 1), PQgetvalue(r, i, 2),
                                          (size_t)PQgetlength(r, i, 2));
            if (!v) {
                vecs.oom = 1;
                break;
            }
            arr_quoted(&vecs, v);
            free(v);
        }
        strbuf_add(&ids, "}", 1);
        strbuf_add(&vecs, "}", 1);
        PQclear(r);
        if (ids.oom || vecs.oom) {
            store_set_error(s, "out of memory");
            rc = -1;
        } else {
            const char *p[] = {ids.s, vecs.s};
            PGresult *c = pg_exec(
                s, "search index",
                "SELECT 'article ' || t.id || ': index entry differs from"
                " its text' FROM unnest($1::bigint[], $2::tsvector[]) AS"
                " t(id, v) LEFT JOIN articles_fts f ON f.id = t.id WHERE"
                " f.tsv IS DISTINCT FROM t.v",
                2, p);
            if (!c) rc = -1;
            else {
                if (PQntuples(c) > 0) {
                    store_set_error(s, "search index: %s%s", PQgetvalue(c, 0, 0),
                                    PQntuples(c) > 1 ? "; ..." : "");
                    rc = -1;
                }
                PQclear(c);
            }
        }
        free(ids.s);
        free(vecs.s);
    }
    if (own) {
        char keep[sizeof s->err];
        memcpy(keep, s->err, sizeof keep);
        if (pg_run(s, "search index", rc ? "ROLLBACK" : "COMMIT")) rc = -1;
        else if (rc) memcpy(s->err, keep, sizeof keep);
    } else if (rc == 0) {
        rc = pg_run(s, "search index", "CLOSE marsad_check");
    }
    return rc;
}

int pg_check(store *s) {
    if (check_index(s)) return -1;
    /* a replaced article whose pg_link_and_merge has not run: its old
     * events keep their old counts until then */
    if (check_query(s, "events",
                    "SELECT 'event ' || event_id || ' waits to be merged again"
                    " (article ' || article_id || ')' FROM pending_remerge"))
        return -1;
    for (size_t k = 0; k < STORE_NCHECKS; k++)
        if (check_query(s, STORE_CHECKS[k].what, STORE_CHECKS[k].sql)) return -1;
    return 0;
}
