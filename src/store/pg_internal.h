/*
 * pg_internal.h — what the halves of the PostgreSQL backend share (pg.c:
 * connection, migrations, ingest and merging; pg_read.c: events, articles,
 * search, totals), and what code built on top of the backend (a work queue
 * that claims input in one transaction and merges later) may call.
 *
 * The backend is chosen by store_open for "postgresql://" and
 * "postgres://" URLs (any libpq connection URI). Every function here takes a
 * store opened on that backend (store_backend(s) is "postgresql"); calling
 * them on another backend is a programming error.
 *
 * Storing an article is two steps (store_put runs both in one
 * transaction):
 *   pg_put_rows        the article row, sentences, search vector, mentions
 *                      with claims and evidence (event_id NULL); nothing is
 *                      merged. On a replace it removes the old parts and
 *                      records the events they were in (table
 *                      pending_remerge); those events keep their old counts
 *                      until the next step.
 *   pg_link_and_merge  takes the merge lock (PG_MERGE_LOCK, an advisory
 *                      transaction lock: held until commit), links the
 *                      article to the original it nearly copies, merges
 *                      again the events recorded for it in pending_remerge,
 *                      then attaches its mentions to events.
 * A queue can commit pg_put_rows (with its own claim of the input) in one
 * transaction and run pg_link_and_merge for the articles in a fixed order
 * later; merging the same articles in the same order gives the same events
 * as store_put did.
 */
#ifndef MARSAD_PG_INTERNAL_H
#define MARSAD_PG_INTERNAL_H

#include "store/rows.h"
#include "store/store_internal.h"

#include <libpq-fe.h>
#include <stdint.h>

/* The key of the advisory lock that serializes merging
 * (pg_advisory_xact_lock): the bytes "marsad", 0, 1 (0x6d61727361640001).
 * PG_MERGE_LOCK + 1 serializes migrations. */
#define PG_MERGE_LOCK 7881706662755827713LL

/* Prepared statement slots: pg.c uses [0, PG_WRITE_SLOTS), pg_read.c the
 * rest. */
#define PG_WRITE_SLOTS 64
#define PG_SLOTS 96

typedef struct {
    PGconn *conn;
    int readonly;
    int version;
    unsigned char prepared[PG_SLOTS]; /* statement "mN" prepared */
    char sqlstate[6];  /* of the last failed statement ("" when none) */
} pg_store;

extern const store_driver store_pg_driver;

/* The connection of a store opened on this backend (owned by the store). */
PGconn *pg_conn(store *s);

/* Runs sql with nparams text parameters (NULL entries are SQL NULLs; $1..).
 * Returns the result (caller PQclear()s it) when it succeeded (tuples or
 * command ok); NULL with the store error set to "what: PostgreSQL's
 * message" otherwise. */
PGresult *pg_exec(store *s, const char *what, const char *sql, int nparams,
                  const char *const *params);

/* The same through a statement prepared once per connection under slot
 * (distinct per SQL text; see PG_WRITE_SLOTS). */
PGresult *pg_exec_prepared(store *s, int slot, const char *what,
                           const char *sql, int nparams,
                           const char *const *params);

/* Runs sql (no parameters, several statements allowed) expecting no
 * rows. Returns 0 or -1 (error set). */
int pg_run(store *s, const char *what, const char *sql);

/* Sets the store error to "what: message" from the connection or result;
 * returns -1. */
int pg_fail(store *s, const char *what, const PGresult *r);

/* 1 when the last failure was a deadlock or a serialization failure
 * (SQLSTATE class 40): the transaction should be rolled back and tried
 * again. */
int pg_failed_transient(store *s);

/* The id of outlet name, added when absent (0 for no name). Returns 0 or
 * -1. Writers that add several outlets in one transaction add them in
 * pg_source_order so that two writers never wait for each other in a
 * circle. */
int pg_source_id(store *s, const char *name, int64_t *id);
/* strcmp-like order of outlet names: ASCII case ignored, bytes. */
int pg_source_order(const char *a, const char *b);

/* Takes the merge lock for the current transaction (a no-op when this
 * transaction holds it already). Outside store_begin the caller must be
 * inside a transaction of its own, or the lock ends with the statement. */
int pg_merge_lock(store *s);

/* Step one of storing d: see above. res->action tells ADDED, REPLACED or
 * UNCHANGED (then nothing was written and step two is not needed);
 * res->article_id is set; res->mentions counts the stored mentions. Run
 * inside a transaction (store_begin, or the caller's BEGIN). Returns 0 or
 * -1 (error set; roll the transaction back). */
int pg_put_rows(store *s, const store_doc *d, store_put_result *res);

/* Step two for a stored article: near-duplicate link (res->duplicate_of),
 * re-merge of the events its replaced parts were in, and the merge of each
 * of its mentions not yet in an event (res->events_created,
 * res->events_joined). Takes the merge lock; run inside a transaction.
 * Returns 0 or -1 (error set). */
int pg_link_and_merge(store *s, int64_t article_id, store_put_result *res);
/* The same when this transaction holds the merge lock already (one round
 * trip less per article). */
int pg_link_and_merge_locked(store *s, int64_t article_id,
                             store_put_result *res);

/* Integer to decimal text in buf (at least 24 bytes); returns buf. */
const char *pg_i64(char *buf, int64_t v);
/* Field of row r, column c as an integer (0 when NULL). */
int64_t pg_get_i64(const PGresult *r, int row, int col);
double pg_get_f64(const PGresult *r, int row, int col);
/* The value or NULL when SQL NULL. */
const char *pg_get_str(const PGresult *r, int row, int col);

/* Row `row` of r, for rows.h. */
extern const store_row_ops pg_row_ops;
static inline store_row pg_row(const PGresult *r, int row) {
    return (store_row){&pg_row_ops, r, row};
}

/* The read side (pg_read.c). */
long pg_events_each(store *s, const store_filter *f, int detail,
                    store_event_fn fn, void *ctx);
store_event *pg_event_get(store *s, int64_t id);
int pg_aggregate(store *s, const store_filter *f, store_group g,
                 store_bucket **out, size_t *n);
store_article *pg_article_get(store *s, const char *id);
store_hits *pg_search(store *s, const char *query, const store_search_opts *o);
int pg_stats(store *s, store_stats *out);
int pg_check(store *s);

/* The work queue (pg_queue.c; store.h "Work queue"). */
int pg_enqueue(store *s, const marsad_article *a, int id_generated,
               int *queued);
store_batch *pg_claim(store *s, size_t max);
int pg_batch_commit(store *s, store_batch *b, store_doc *const *docs,
                    size_t *stored);
void pg_batch_end(store_batch *b);
int pg_merge_ready(store *s, size_t max, int wait, size_t *merged);
int pg_queue_stats(store *s, store_queue_stats *out);

/* The search vector of an article (pg_search.c): a tsvector literal of
 * the terms of terms.h, title words weighted A at positions from 1, text
 * words weighted D after them. Malloc'd; NULL when memory runs out. */
char *pg_tsvector_literal(const char *title, const char *text, size_t len);

/* The tsquery literal of a query: plain words (each required, its
 * alternatives ORed, a word of several terms a phrase) or, with raw,
 * FTS5-style syntax ("phrase", OR, AND, NOT, parentheses). Words without
 * terms (punctuation) are left out. *out is malloc'd ("" when the query has
 * no terms). The terms of the query that are not negated are added to
 * terms (may be NULL), one group per query word, for snippets. Returns 0,
 * or -1 with a message in err (malformed raw query, memory). */
struct snippet_query;
int pg_tsquery_literal(const char *query, int raw, char **out,
                       struct snippet_query *terms, char *err, size_t errlen);

#endif
