/*
 * sqlite_internal.h — what the two halves of the SQLite backend share:
 * sqlite.c (opening, migrations, ingest and merging) and sqlite_read.c
 * (events, articles, search, aggregates).
 */
#ifndef MARSAD_SQLITE_INTERNAL_H
#define MARSAD_SQLITE_INTERNAL_H

#include "store/rows.h"
#include "store/store_internal.h"

#include <sqlite3.h>

/* Statement cache slots: sqlite.c uses [0, SQ_WRITE_SLOTS), sqlite_read.c
 * the rest. */
#define SQ_WRITE_SLOTS 64
#define SQ_SLOTS 96

typedef struct {
    sqlite3 *db;
    int readonly;
    int version;
    sqlite3_stmt *st[SQ_SLOTS];
} sq;

static inline sqlite3 *sq_db(store *s) { return ((sq *)s->impl)->db; }

/* Sets the store error to "what: SQLite's message"; returns -1. */
int sq_fail(store *s, const char *what);

/* The statement of slot, prepared from sql on first use, reset and
 * unbound; NULL (error set) on failure. */
sqlite3_stmt *sq_cached(store *s, int slot, const char *sql);

/* Binds a string or NULL. */
void sq_bind_str(sqlite3_stmt *st, int i, const char *v);

/* The current row of st, for rows.h. */
extern const store_row_ops sq_row_ops;
static inline store_row sq_row(sqlite3_stmt *st) {
    return (store_row){&sq_row_ops, st, 0};
}

/* The read side (sqlite_read.c). */
long sq_events_each(store *s, const store_filter *f, int detail,
                    store_event_fn fn, void *ctx);
store_event *sq_event_get(store *s, int64_t id);
int sq_aggregate(store *s, const store_filter *f, store_group g,
                 store_bucket **out, size_t *n);
store_article *sq_article_get(store *s, const char *id);
store_hits *sq_search(store *s, const char *query, const store_search_opts *o);
int sq_stats(store *s, store_stats *out);
int sq_check(store *s);

#endif
