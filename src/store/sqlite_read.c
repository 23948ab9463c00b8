/*
 * sqlite_read.c — the read side of the SQLite backend: merged events with
 * their claims, evidence and sources; one article with its sentences and
 * mentions; full-text search with bm25 ranking and snippets; counts per
 * day, type or district.
 */
#include "store/sqlite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    R_CLAIMS = SQ_WRITE_SLOTS,
    R_EVIDENCE,
    R_SOURCES,
    R_SOURCE_EVIDENCE,
    R_EVENT_BY_ID,
    R_ARTICLE_BY_KEY,
    R_ARTICLE_BY_DOC,
    R_SENTENCES,
    R_MENTIONS,
    R_MENTION_CLAIMS,
    R_MENTION_EVIDENCE,
    R_END
};
_Static_assert(R_END <= SQ_SLOTS, "statement slots");

static const char *col(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}

/* ---- rows (rows.h) ------------------------------------------------------------ */

static const char *row_str(const store_row *r, int c) {
    return col((sqlite3_stmt *)r->res, c);
}
static const char *row_text(const store_row *r, int c, size_t *len) {
    const char *t = col((sqlite3_stmt *)r->res, c);
    *len = (size_t)sqlite3_column_bytes((sqlite3_stmt *)r->res, c);
    return t;
}
static int64_t row_i64(const store_row *r, int c) {
    return sqlite3_column_int64((sqlite3_stmt *)r->res, c);
}
static double row_f64(const store_row *r, int c) {
    return sqlite3_column_double((sqlite3_stmt *)r->res, c);
}
static int row_is_null(const store_row *r, int c) {
    return sqlite3_column_type((sqlite3_stmt *)r->res, c) == SQLITE_NULL;
}
const store_row_ops sq_row_ops = {row_str, row_text, row_i64, row_f64,
                                  row_is_null};

/* ---- building one event ----------------------------------------------------- */

static int load_claims(store *s, store_arena *A, int64_t eid, marsad_event *rec) {
    sqlite3_stmt *st = sq_cached(
        s, R_CLAIMS,
        "SELECT c.kind, c.count, c.qualifier, c.side,"
        " COALESCE(c.attributed_to, src.name, a.doc_id) AS attr,"
        " min(m.id) AS first_m, min(c.ordinal) AS first_c"
        " FROM claims c JOIN mentions m ON m.id = c.mention_id"
        " JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sources src ON src.id = a.source_id"
        " WHERE m.event_id = ?1 GROUP BY 1, 2, 3, 4, 5"
        " ORDER BY first_m, first_c LIMIT " "200");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    marsad_claim *cl = store_arena_alloc(A, sizeof *cl * STORE_MAX_CLAIMS);
    size_t n = 0;
    store_row r = sq_row(st);
    while (cl && sqlite3_step(st) == SQLITE_ROW && n < STORE_MAX_CLAIMS)
        store_row_claim(A, &r, 0, &cl[n++]);
    sqlite3_reset(st);
    rec->claims = cl;
    rec->nclaims = cl ? n : 0;
    return A->oom ? (store_set_error(s, "out of memory"), -1) : 0;
}

/* Distinct evidence spans of event eid's mentions in article aid; with
 * texts set, their text too. */
static int load_spans(store *s, store_arena *A, int64_t eid, int64_t aid,
                      marsad_span **out, const char *const **texts,
                      size_t *n) {
    sqlite3_stmt *st = sq_cached(
        s, texts ? R_SOURCE_EVIDENCE : R_EVIDENCE,
        texts ? "SELECT DISTINCT v.start, v.\"end\","
                " substr(CAST(a.text AS BLOB), v.start + 1, v.\"end\" - v.start)"
                " FROM evidence v JOIN mentions m ON m.id = v.mention_id"
                " JOIN articles a ON a.id = m.article_id"
                " WHERE m.event_id = ?1 AND m.article_id = ?2 ORDER BY 1, 2"
              : "SELECT DISTINCT v.start, v.\"end\" FROM evidence v"
                " JOIN mentions m ON m.id = v.mention_id"
                " WHERE m.event_id = ?1 AND m.article_id = ?2 ORDER BY 1, 2");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    sqlite3_bind_int64(st, 2, aid);
    size_t cap = 8, k = 0;
    marsad_span *sp = malloc(cap * sizeof *sp);
    char **tx = texts ? malloc(cap * sizeof *tx) : NULL;
    int oom = !sp || (texts && !tx);
    store_row r = sq_row(st);
    while (!oom && sqlite3_step(st) == SQLITE_ROW) {
        if (k == cap) {
            cap *= 2;
            marsad_span *ns = realloc(sp, cap * sizeof *ns);
            if (!ns) { oom = 1; break; }
            sp = ns;
            if (texts) {
                char **nt = realloc(tx, cap * sizeof *nt);
                if (!nt) { oom = 1; break; }
                tx = nt;
            }
        }
        sp[k] = store_row_span(&r, 0);
        if (texts)
            tx[k] = store_arena_strn(A, sqlite3_column_blob(st, 2),
                                     (size_t)sqlite3_column_bytes(st, 2));
        k++;
    }
    sqlite3_reset(st);
    marsad_span *asp = oom ? NULL : store_arena_alloc(A, sizeof *asp * (k ? k : 1));
    if (asp) memcpy(asp, sp, sizeof *asp * k);
    if (texts) {
        const char **at = oom ? NULL : store_arena_alloc(A, sizeof *at * (k ? k : 1));
        if (at) memcpy(at, tx, sizeof *at * k);
        *texts = at;
    }
    free(sp);
    free(tx);
    if (oom || A->oom) {
        store_set_error(s, "out of memory");
        return -1;
    }
    *out = asp;
    *n = k;
    return 0;
}

static int load_sources(store *s, store_arena *A, int64_t eid, size_t limit,
                        store_source **out, size_t *n) {
    sqlite3_stmt *st = sq_cached(
        s, R_SOURCES,
        "SELECT " STORE_SOURCE_COLUMNS
        " FROM mentions m JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN sources src ON src.id = a.source_id"
        " WHERE m.event_id = ?1 GROUP BY a.id"
        " ORDER BY a.published, a.id LIMIT ?2");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
    size_t cap = 4, k = 0;
    store_source *src = malloc(cap * sizeof *src);
    int oom = !src;
    store_row r = sq_row(st);
    while (!oom && sqlite3_step(st) == SQLITE_ROW) {
        if (k == cap) {
            store_source *ns = realloc(src, (cap *= 2) * sizeof *ns);
            if (!ns) { oom = 1; break; }
            src = ns;
        }
        memset(&src[k], 0, sizeof src[k]);
        store_row_source(A, &r, &src[k++]);
    }
    sqlite3_reset(st);
    store_source *asrc = oom ? NULL : store_arena_alloc(A, sizeof *asrc * (k ? k : 1));
    if (asrc) memcpy(asrc, src, sizeof *asrc * k);
    free(src);
    if (!asrc) {
        store_set_error(s, "out of memory");
        return -1;
    }
    *out = asrc;
    *n = k;
    return 0;
}

static const store_event_reads READS = {load_claims, load_spans, load_sources};

/* Builds the event of the current row of st (STORE_EVENT_COLUMNS). */
static store_event_obj *build_event(store *s, sqlite3_stmt *st, int detail) {
    store_row r = sq_row(st);
    return store_row_event(s, &r, detail, &READS);
}

/* ---- filters ----------------------------------------------------------------- */

/* Appends the WHERE clause of f over events e; parameters ?1..?6. */
static void filter_sql(strbuf *b, const store_filter *f) {
    strbuf_puts(b, " WHERE 1");
    if (f->from) strbuf_puts(b, " AND e.event_date >= ?1");
    if (f->to) strbuf_puts(b, " AND e.event_date <= ?2");
    if (f->type)
        strbuf_puts(b, " AND (e.event_type = ?3 COLLATE NOCASE OR"
                     " e.sub_event_type = ?3 COLLATE NOCASE)");
    if (f->actor)
        strbuf_puts(b, " AND EXISTS (SELECT 1 FROM mentions m WHERE"
                     " m.event_id = e.id AND (m.actor1 LIKE ?4 OR"
                     " m.actor2 LIKE ?4 OR m.actor1_mention LIKE ?4 OR"
                     " m.actor2_mention LIKE ?4))");
    if (f->place)
        strbuf_puts(b, " AND (e.location_name LIKE ?5 OR e.location_mention"
                     " LIKE ?5 OR e.admin1 LIKE ?5 OR e.country LIKE ?5)");
    if (f->min_fatalities > 0) strbuf_puts(b, " AND e.fatalities >= ?6");
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

static int bind_filter(sqlite3_stmt *st, const store_filter *f, char **pats) {
    pats[0] = pats[1] = NULL;
    /* an index that the SQL does not use is simply not bound */
    if (f->from) sqlite3_bind_text(st, 1, f->from, -1, SQLITE_STATIC);
    if (f->to) sqlite3_bind_text(st, 2, f->to, -1, SQLITE_STATIC);
    if (f->type) sqlite3_bind_text(st, 3, f->type, -1, SQLITE_STATIC);
    if (f->actor) {
        if (!(pats[0] = like_pattern(f->actor))) return -1;
        sqlite3_bind_text(st, 4, pats[0], -1, SQLITE_STATIC);
    }
    if (f->place) {
        if (!(pats[1] = like_pattern(f->place))) return -1;
        sqlite3_bind_text(st, 5, pats[1], -1, SQLITE_STATIC);
    }
    if (f->min_fatalities > 0) sqlite3_bind_int64(st, 6, f->min_fatalities);
    return 0;
}

/* Prepares the query in b (freed here) followed by the WHERE clause of f
 * and tail, and binds f; pats receives the patterns to free after the
 * statement. NULL (error set) on failure. */
static sqlite3_stmt *prepare_filtered(store *s, strbuf *b,
                                      const store_filter *f, const char *tail,
                                      const char *what, char **pats) {
    filter_sql(b, f);
    strbuf_puts(b, tail);
    sqlite3_stmt *st = NULL;
    pats[0] = pats[1] = NULL;
    if (b->oom) {
        store_set_error(s, "out of memory");
    } else if (sqlite3_prepare_v2(sq_db(s), b->s, -1, &st, NULL) != SQLITE_OK) {
        sq_fail(s, what);
        st = NULL;
    } else if (bind_filter(st, f, pats)) {
        sqlite3_finalize(st);
        st = NULL;
        free(pats[0]);
        free(pats[1]);
        store_set_error(s, "out of memory");
    }
    free(b->s);
    return st;
}

long sq_events_each(store *s, const store_filter *f, int detail,
                    store_event_fn fn, void *ctx) {
    strbuf b = {0};
    strbuf_puts(&b, "SELECT " STORE_EVENT_COLUMNS " FROM events e JOIN articles a"
                  " ON a.id = e.rep_article");
    char *pats[2];
    sqlite3_stmt *st = prepare_filtered(
        s, &b, f, " ORDER BY e.day IS NULL, e.day, e.id LIMIT ?7 OFFSET ?8",
        "events query", pats);
    if (!st) return -1;
    sqlite3_bind_int64(st, 7, f->limit ? (sqlite3_int64)f->limit : -1);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)f->offset);
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_event_obj *o = build_event(s, st, detail);
        if (!o) {
            n = -1;
            break;
        }
        int stop = fn(ctx, &o->ev);
        store_event_free(&o->ev);
        n++;
        if (stop) break;
    }
    if (n >= 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) n = sq_fail(s, "events");
    sqlite3_finalize(st);
    free(pats[0]);
    free(pats[1]);
    return n;
}

store_event *sq_event_get(store *s, int64_t id) {
    sqlite3_stmt *st = sq_cached(s, R_EVENT_BY_ID,
                                 "SELECT " STORE_EVENT_COLUMNS " FROM events e JOIN"
                                 " articles a ON a.id = e.rep_article"
                                 " WHERE e.id = ?1");
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) store_set_error(s, "no event %lld", (long long)id);
        else sq_fail(s, "event");
        return NULL;
    }
    store_event_obj *o = build_event(s, st, 1);
    sqlite3_reset(st);
    return o ? &o->ev : NULL;
}

int sq_aggregate(store *s, const store_filter *f, store_group g,
                 store_bucket **out, size_t *n) {
    const char *key = store_group_sql(s, g);
    if (!key) return -1;
    strbuf b = {0};
    strbuf_printf(&b, "SELECT %s AS k, count(*), sum(e.fatalities),"
                    " sum(e.injured), sum(e.captured) FROM events e", key);
    char *pats[2];
    sqlite3_stmt *st = prepare_filtered(s, &b, f, " GROUP BY k ORDER BY k",
                                        "aggregate", pats);
    if (!st) return -1;
    size_t cap = 0, k = 0;
    store_bucket *v = NULL;
    int rc, err = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 32;
            store_bucket *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                err = 1;
                break;
            }
            v = nv;
        }
        store_row r = sq_row(st);
        store_row_bucket(&r, &v[k++]);
    }
    if (err) store_set_error(s, "out of memory");
    else if (rc != SQLITE_DONE) err = sq_fail(s, "aggregate") != 0;
    sqlite3_finalize(st);
    free(pats[0]);
    free(pats[1]);
    if (err) {
        free(v);
        return -1;
    }
    *out = v;
    *n = k;
    return 0;
}

/* ---- one article -------------------------------------------------------------- */

static int article_mentions(store *s, store_article_obj *o) {
    store_arena *A = &o->arena;
    store_article *art = &o->art;
    sqlite3_stmt *st = sq_cached(
        s, R_MENTIONS,
        "SELECT " STORE_MENTION_COLUMNS
        " FROM mentions WHERE article_id = ?1 ORDER BY ordinal");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, art->id);
    size_t cap = 8, n = 0;
    store_mention *men = malloc(cap * sizeof *men);
    int err = !men;
    store_row r = sq_row(st);
    while (!err && sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            store_mention *nm = realloc(men, (cap *= 2) * sizeof *nm);
            if (!nm) { err = 1; break; }
            men = nm;
        }
        marsad_event rec;
        store_row_mention(A, &r, art, &men[n], &rec);
        int64_t mid = men[n].id;
        /* claims and evidence of this mention (other statements) */
        sqlite3_stmt *c = sq_cached(s, R_MENTION_CLAIMS,
                                    "SELECT kind, count, qualifier, side,"
                                    " attributed_to FROM claims WHERE"
                                    " mention_id = ?1 ORDER BY ordinal");
        sqlite3_stmt *v = sq_cached(s, R_MENTION_EVIDENCE,
                                    "SELECT start, \"end\" FROM evidence"
                                    " WHERE mention_id = ?1 ORDER BY ordinal");
        if (!c || !v) { err = 1; break; }
        marsad_claim cl[64];
        store_row rc = sq_row(c), rv = sq_row(v);
        sqlite3_bind_int64(c, 1, mid);
        while (sqlite3_step(c) == SQLITE_ROW && rec.nclaims < 64)
            store_row_claim(A, &rc, 0, &cl[rec.nclaims++]);
        sqlite3_reset(c);
        marsad_span sp[64];
        sqlite3_bind_int64(v, 1, mid);
        while (sqlite3_step(v) == SQLITE_ROW && rec.nevidence < 64)
            sp[rec.nevidence++] = store_row_span(&rv, 0);
        sqlite3_reset(v);
        rec.claims = cl;
        rec.evidence = sp;
        if (A->oom || marsad_events_append(o->records, &rec)) err = 1;
        n++;
    }
    sqlite3_reset(st);
    if (!err) {
        store_mention *am = store_arena_alloc(A, sizeof *am * (n ? n : 1));
        if (am) {
            memcpy(am, men, sizeof *am * n);
            for (size_t i = 0; i < n; i++)
                am[i].record = marsad_events_get(o->records, i);
            art->mentions = am;
            art->nmentions = n;
        } else {
            err = 1;
        }
    }
    free(men);
    if (err) store_set_error(s, "out of memory");
    return err ? -1 : 0;
}

store_article *sq_article_get(store *s, const char *id) {
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_DONE;
    for (int pass = 0; pass < 2 && rc == SQLITE_DONE; pass++) {
        st = pass == 0
            ? sq_cached(s, R_ARTICLE_BY_KEY,
                        "SELECT " STORE_ARTICLE_COLUMNS " FROM articles a LEFT"
                        " JOIN sources src ON src.id = a.source_id WHERE a.key = ?1")
            : sq_cached(s, R_ARTICLE_BY_DOC,
                        "SELECT " STORE_ARTICLE_COLUMNS " FROM articles a LEFT"
                        " JOIN sources src ON src.id = a.source_id"
                        " WHERE a.doc_id = ?1 ORDER BY a.id LIMIT 1");
        if (!st) return NULL;
        sq_bind_str(st, 1, id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) sqlite3_reset(st);
    }
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE) store_set_error(s, "no article '%s'", id);
        else sq_fail(s, "article");
        return NULL;
    }
    store_article_obj *o = store_article_obj_new();
    if (!o) {
        sqlite3_reset(st);
        store_set_error(s, "out of memory");
        return NULL;
    }
    store_article *a = &o->art;
    store_row r = sq_row(st);
    int err = store_row_article(o, &r) != 0;
    sqlite3_reset(st);
    if (!err && (st = sq_cached(s, R_SENTENCES,
                                "SELECT start, \"end\" FROM sentences WHERE"
                                " article_id = ?1 ORDER BY idx"))) {
        sqlite3_bind_int64(st, 1, a->id);
        size_t cap = 16, n = 0;
        marsad_span *sp = malloc(cap * sizeof *sp);
        r = sq_row(st);
        while (sp && sqlite3_step(st) == SQLITE_ROW) {
            if (n == cap) {
                marsad_span *ns = realloc(sp, (cap *= 2) * sizeof *ns);
                if (!ns) { free(sp); sp = NULL; break; }
                sp = ns;
            }
            sp[n++] = store_row_span(&r, 0);
        }
        sqlite3_reset(st);
        marsad_span *asp = sp ? store_arena_alloc(&o->arena, sizeof *asp * (n ? n : 1)) : NULL;
        if (asp) {
            memcpy(asp, sp, sizeof *asp * n);
            a->sentences = asp;
            a->nsentences = n;
        } else {
            err = 1;
        }
        free(sp);
    } else {
        err = 1;
    }
    if (err) store_set_error(s, "out of memory");
    if (err || article_mentions(s, o)) {
        store_article_free(a);
        return NULL;
    }
    return a;
}

/* ---- search ------------------------------------------------------------------ */

/* The FTS5 query for plain words: each word quoted (so that punctuation
 * and FTS5 operators in the text are taken literally), all required. */
static char *plain_query(const char *q) {
    strbuf b = {0};
    const char *p = q;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
        if (b.n) strbuf_puts(&b, " ");
        strbuf_puts(&b, "\"");
        for (const char *c = w; c < p; c++) {
            if (*c == '"') strbuf_puts(&b, "\"\"");
            else strbuf_add(&b, c, 1);
        }
        strbuf_puts(&b, "\"");
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s ? b.s : calloc(1, 1);
}

store_hits *sq_search(store *s, const char *query, const store_search_opts *o) {
    char *fq = o->raw ? strdup(query) : plain_query(query);
    if (!fq) {
        store_set_error(s, "out of memory");
        return NULL;
    }
    if (!*fq) {
        free(fq);
        store_set_error(s, "empty query");
        return NULL;
    }
    /* the best rows first (bm25 over the index alone, or with the article
     * filters), then snippets for those rows only */
    int filtered = o->from || o->to || o->source || o->exclude_duplicates;
    strbuf b = {0};
    strbuf_puts(&b, "WITH top AS (SELECT f.rowid AS id, f.rank AS score"
                  " FROM articles_fts f");
    if (filtered) strbuf_puts(&b, " JOIN articles a ON a.id = f.rowid");
    if (o->source) strbuf_puts(&b, " JOIN sources src ON src.id = a.source_id");
    strbuf_puts(&b, " WHERE f.articles_fts MATCH ?1 AND f.rank MATCH"
                  " 'bm25(2.0, 1.0)'");
    if (o->from) strbuf_puts(&b, " AND substr(a.published, 1, 10) >= ?4");
    if (o->to) strbuf_puts(&b, " AND substr(a.published, 1, 10) <= ?5");
    if (o->source) strbuf_puts(&b, " AND src.name = ?6 COLLATE NOCASE");
    if (o->exclude_duplicates) strbuf_puts(&b, " AND a.duplicate_of IS NULL");
    strbuf_puts(&b, " ORDER BY f.rank LIMIT ?7 OFFSET ?8)"
                  " SELECT " STORE_HIT_COLUMNS ","
                  " snippet(articles_fts, -1, ?2, ?3, '…', 24), top.score"
                  " FROM top JOIN articles_fts ON articles_fts.rowid = top.id"
                  " AND articles_fts MATCH ?1"
                  " JOIN articles a ON a.id = top.id"
                  " LEFT JOIN sources src ON src.id = a.source_id"
                  " ORDER BY top.score, a.id");
    sqlite3_stmt *st = NULL;
    if (b.oom || sqlite3_prepare_v2(sq_db(s), b.s, -1, &st, NULL) != SQLITE_OK) {
        if (b.oom) store_set_error(s, "out of memory");
        else sq_fail(s, "search");
        free(b.s);
        free(fq);
        return NULL;
    }
    free(b.s);
    sqlite3_bind_text(st, 1, fq, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->mark_open ? o->mark_open : "[", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->mark_close ? o->mark_close : "]", -1, SQLITE_STATIC);
    if (o->from) sqlite3_bind_text(st, 4, o->from, -1, SQLITE_STATIC);
    if (o->to) sqlite3_bind_text(st, 5, o->to, -1, SQLITE_STATIC);
    if (o->source) sqlite3_bind_text(st, 6, o->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, o->limit ? (sqlite3_int64)o->limit : 10);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)o->offset);
    store_hits *h = store_hits_new();
    size_t cap = 0;
    int rc = SQLITE_DONE, err = !h;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (h->n == cap) {
            cap = cap ? cap * 2 : 16;
            store_hit *nh = realloc(h->hits, cap * sizeof *nh);
            if (!nh) { err = 1; break; }
            h->hits = nh;
        }
        store_arena *A = &h->arena;
        store_hit *x = &h->hits[h->n++];
        store_row r = sq_row(st);
        store_row_hit(A, &r, x);
        x->snippet = store_arena_str(A, col(st, STORE_HIT_NCOLUMNS));
        x->score = sqlite3_column_double(st, STORE_HIT_NCOLUMNS + 1);
        if (A->oom) err = 1;
    }
    if (err) store_set_error(s, "out of memory");
    else if (rc != SQLITE_DONE) {
        /* a malformed raw query lands here */
        sq_fail(s, "search");
        err = 1;
    }
    sqlite3_finalize(st);
    free(fq);
    if (err) {
        store_hits_free(h);
        return NULL;
    }
    return h;
}

/* ---- totals -------------------------------------------------------------------- */

int sq_stats(store *s, store_stats *out) {
    static const char SQLS[] =
        "SELECT (SELECT count(*) FROM articles),"
        " (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL),"
        " (SELECT count(*) FROM sentences), (SELECT count(*) FROM mentions),"
        " (SELECT count(*) FROM claims), (SELECT count(*) FROM events),"
        " (SELECT count(*) FROM sources)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(sq_db(s), SQLS, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "stats");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        store_row r = sq_row(st);
        store_row_stats(&r, out);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : sq_fail(s, "stats");
}

/* ---- verification ------------------------------------------------------------- */

/* Runs sql, which yields one text per problem ("ok" alone when none). */
static int check_query(store *s, const char *what, const char *sql) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(sq_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, what);
    int rc, bad = 0;
    strbuf b = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = col(st, 0);
        if (v && strcmp(v, "ok") == 0) continue;
        if (bad++ < 5) strbuf_printf(&b, "%s%s", b.n ? "; " : "", v ? v : "?");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(b.s);
        return sq_fail(s, what);
    }
    if (bad) store_set_error(s, "%s: %s%s", what, b.s ? b.s : "",
                             bad > 5 ? "; ..." : "");
    free(b.s);
    return bad ? -1 : 0;
}

int sq_check(store *s) {
    if (check_query(s, "integrity", "PRAGMA integrity_check")) return -1;
    char *msg = NULL;
    if (sqlite3_exec(sq_db(s),
                     "INSERT INTO articles_fts(articles_fts)"
                     " VALUES ('integrity-check')",
                     NULL, NULL, &msg) != SQLITE_OK) {
        store_set_error(s, "search index: %s", msg ? msg : sqlite3_errmsg(sq_db(s)));
        sqlite3_free(msg);
        return -1;
    }
    for (size_t k = 0; k < STORE_NCHECKS; k++)
        if (check_query(s, STORE_CHECKS[k].what, STORE_CHECKS[k].sql)) return -1;
    return 0;
}
