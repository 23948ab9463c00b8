/*
 * rows.h — the result objects of the store built from rows the same way for
 * every backend. A backend reads its rows through store_row (a handful of
 * column getters over a SQLite statement or a PostgreSQL result); the
 * functions here turn a row into an event, a source, a claim, a mention, an
 * article, a search hit, a bucket or the totals. The column lists below are
 * the contract between a backend's queries and these functions: each
 * backend keeps its own SQL and selects these columns in this order.
 */
#ifndef MARSAD_STORE_ROWS_H
#define MARSAD_STORE_ROWS_H

#include "store/store_internal.h"

#include <stdint.h>

/* ---- reading a row ----------------------------------------------------------- */

typedef struct store_row store_row;

/* The getters of one backend. Strings are the row's: valid until the
 * backend moves on (next step, reset, clear). */
typedef struct {
    /* the text of column c; NULL for SQL NULL */
    const char *(*str)(const store_row *r, int c);
    /* the text of column c and its length in bytes (a NUL-free stored
     * text: the article's) */
    const char *(*text)(const store_row *r, int c, size_t *len);
    int64_t (*i64)(const store_row *r, int c);  /* 0 for SQL NULL */
    double (*f64)(const store_row *r, int c);   /* 0 for SQL NULL */
    int (*is_null)(const store_row *r, int c);
} store_row_ops;

/* One row: the backend's getters, its statement or result, the row. */
struct store_row {
    const store_row_ops *ops;
    const void *res;
    int row;
};

/* ---- events -------------------------------------------------------------------- */

/* An event row (events e joined with its representative article a). */
#define STORE_EVENT_COLUMNS                                                  \
    "e.id, e.event_date, e.time_precision, e.event_type, e.sub_event_type,"  \
    " e.actor1, e.actor1_mention, e.actor2, e.actor2_mention,"               \
    " e.location_name, e.location_mention, e.country, e.admin1, e.lat,"      \
    " e.lon, e.geo_precision, e.fatalities, e.injured, e.captured,"          \
    " e.confidence, e.flags, e.nmentions, e.nsources, e.rep_article,"        \
    " a.doc_id, a.text"

/* An article reporting an event (mentions m of the event joined with
 * articles a and sources src, grouped by article). */
#define STORE_SOURCE_COLUMNS                                                 \
    "a.id, a.doc_id, src.name, a.url, a.title, a.published,"                 \
    " a.duplicate_of, max(m.fatalities), max(m.injured),"                    \
    " max(m.captured), count(*)"

/* What an event's record needs besides its row, read by the backend into
 * the event's arena (store_set_error and -1 on failure). */
typedef struct {
    /* every distinct claim of the event's mentions, in merge order */
    int (*claims)(store *s, store_arena *A, int64_t eid, marsad_event *rec);
    /* the distinct evidence spans of the event's mentions in article aid;
     * with texts set, their texts too */
    int (*spans)(store *s, store_arena *A, int64_t eid, int64_t aid,
                 marsad_span **out, const char *const **texts, size_t *n);
    /* the articles reporting the event (STORE_SOURCE_COLUMNS rows through
     * store_row_source), at most `limit` of them (0: all) */
    int (*sources)(store *s, store_arena *A, int64_t eid, size_t limit,
                   store_source **out, size_t *n);
} store_event_reads;

/* Sources listed with an event in listings; store_event_get lists all. */
#define STORE_LIST_SOURCES 100
/* Claims kept per event: distinct figures, so few in practice. */
#define STORE_MAX_CLAIMS 200

/* The event of an event row: its record with claims, evidence, outlets and
 * notes, and its sources (with evidence and figures when detail is set).
 * NULL (error set) on failure; store_event_free frees it. */
store_event_obj *store_row_event(store *s, const store_row *r, int detail,
                                 const store_event_reads *rd);

/* Fills o from a source row (strings copied into A). */
void store_row_source(store_arena *A, const store_row *r, store_source *o);

/* Fills cl from columns c0.. of a row: kind, count, qualifier, side,
 * attributed_to (strings copied into A). */
void store_row_claim(store_arena *A, const store_row *r, int c0,
                     marsad_claim *cl);

/* ---- articles ------------------------------------------------------------------- */

/* An article row (articles a joined with sources src). */
#define STORE_ARTICLE_COLUMNS                                                \
    "a.id, a.key, a.content_hash, a.doc_id, src.name, a.published, a.url,"   \
    " a.title, a.text, a.duplicate_of, a.simhash"

/* A mention row of an article (table mentions). */
#define STORE_MENTION_COLUMNS                                                \
    "id, event_id, record_id, event_date, time_precision,"                   \
    " event_type, sub_event_type, actor1, actor1_mention, actor2,"           \
    " actor2_mention, location_name, location_mention, country, admin1,"     \
    " lat, lon, geo_precision, fatalities, injured, captured, confidence,"   \
    " notes, flags"

/* Fills the article of o from an article row (strings copied into its
 * arena) and makes its records over its text. Returns 0, or -1 when memory
 * runs out (error not set). */
int store_row_article(store_article_obj *o, const store_row *r);

/* Fills m and rec from a mention row of article art (strings copied into
 * A; rec's doc_id and source are the article's; claims and evidence are
 * left to the caller). */
void store_row_mention(store_arena *A, const store_row *r,
                       const store_article *art, store_mention *m,
                       marsad_event *rec);

/* A span from columns c0 (start) and c0 + 1 (end). */
marsad_span store_row_span(const store_row *r, int c0);

/* ---- search, aggregates, totals ------------------------------------------------ */

/* The identity of a search hit (articles a joined with sources src); the
 * snippet and the score are the backend's. */
#define STORE_HIT_COLUMNS                                                    \
    "a.id, a.duplicate_of, a.doc_id, a.title, a.published, src.name, a.url"
#define STORE_HIT_NCOLUMNS 7

/* Fills the identity of x from a hit row (strings copied into A). */
void store_row_hit(store_arena *A, const store_row *r, store_hit *x);

/* Fills b from a bucket row: key, events, fatalities, injured, captured. */
void store_row_bucket(const store_row *r, store_bucket *b);

/* Fills out from the totals row: the fields of store_stats in order. */
void store_row_stats(const store_row *r, store_stats *out);

#endif
