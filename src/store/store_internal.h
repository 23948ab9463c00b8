/*
 * store_internal.h — what the store front (store.c, match.c, render.c)
 * shares with its backends (sqlite.c, pg.c): the backend
 * table, the prepared article, and the merge decisions as plain functions
 * over reports, so that every backend merges the same way.
 */
#ifndef MARSAD_STORE_INTERNAL_H
#define MARSAD_STORE_INTERNAL_H

#include "store/store.h"
#include "util/strbuf.h"

#include <stdarg.h>

/* One backend: each function gets the store, whose impl it owns. Errors are
 * written with store_set_error and returned as -1 / NULL. */
typedef struct {
    const char *name;
    /* target: the URL with the scheme removed (SQLite), or the whole URL
     * (PostgreSQL: a libpq connection URI) */
    int (*open)(store *s, const char *target, int flags);
    void (*close)(store *s);
    int (*schema_version)(store *s);
    int (*article_state)(store *s, const char *key, const char *hash);
    /* run only outside a batch (begin) or inside one (commit, rollback) */
    int (*begin)(store *s);
    int (*commit)(store *s);
    int (*rollback)(store *s);
    int (*put)(store *s, const store_doc *d, store_put_result *res);
    long (*events_each)(store *s, const store_filter *f, int detail,
                        store_event_fn fn, void *ctx);
    store_event *(*event_get)(store *s, int64_t id);
    int (*aggregate)(store *s, const store_filter *f, store_group g,
                     store_bucket **out, size_t *n);
    store_article *(*article_get)(store *s, const char *id);
    store_hits *(*search)(store *s, const char *query,
                          const store_search_opts *o);
    int (*stats)(store *s, store_stats *out);
    int (*check)(store *s);
    /* the work queue; NULL when the backend has none */
    int (*enqueue)(store *s, const marsad_article *a, int id_generated,
                   int *queued);
    store_batch *(*claim)(store *s, size_t max);
    int (*batch_commit)(store *s, store_batch *b, store_doc *const *docs,
                        size_t *stored);
    void (*batch_end)(store_batch *b); /* rolls back an open batch */
    int (*merge_ready)(store *s, size_t max, int wait, size_t *merged);
    int (*queue_stats)(store *s, store_queue_stats *out);
    /* store_change_token; NULL when the backend has none */
    int (*change_token)(store *s, uint64_t *token);
} store_driver;

struct store {
    const store_driver *be;
    void *impl;
    int in_batch; /* inside store_begin .. store_commit (store.c keeps it) */
    char err[512];
};

extern const store_driver store_sqlite_driver;
extern const store_driver store_pg_driver;

void store_set_error(store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Puts "prefix: " before the current error message. */
void store_prefix_error(store *s, const char *prefix);

/* The schema version found on opening against the one this build knows:
 * 0 when current, 1 when it must be migrated, -1 (error set) when it is
 * newer, or older on a store opened read-only. */
int store_schema_check(store *s, int found, int known, int readonly);

/* The SQL expression (over events e, the same in both backends) whose
 * values are the buckets of grouping g, or NULL (error set) for an unknown
 * grouping. */
const char *store_group_sql(store *s, store_group g);

/* The consistency checks of the merged tables that both backends run last
 * in store_check (the same SQL in both): each query gives one line per
 * fault, none when all is well. */
typedef struct {
    const char *what, *sql;
} store_check_query;
extern const store_check_query STORE_CHECKS[];
extern const size_t STORE_NCHECKS;

/* The prepared article (store_doc_new). */
struct store_doc {
    char key[STORE_KEY_MAX];
    char hash[STORE_HASH_HEX];
    char *doc_id, *published, *source, *url, *title; /* NULL when absent */
    char *text;                 /* sanitized, NUL-terminated */
    size_t text_len;
    marsad_span *sentences;
    uint32_t *paragraphs;       /* paragraph of each sentence */
    size_t nsentences;
    uint64_t simhash;
    size_t nshingles;
    marsad_events *mentions;    /* MARSAD_LEVEL_MENTIONS over text */
};

/* ---- merge decisions (match.c, docs/merging.md) -------------------------- */

/* A mention, or an event through its representative mention, as the merge
 * rules see it. Strings are views the caller keeps alive. */
typedef struct {
    const char *event_type;
    int triggered;
    int has_day;
    long day;                 /* ymd_to_days of event_date */
    int precision;            /* time_precision */
    int date_explicit;
    int has_place;
    double lat, lon;
    int geo_precision;
    const char *country, *admin1, *location_name;
    const char *actor1, *actor2;
    int actor1_generic, actor2_generic;
    int64_t article_id;       /* undated reports merge within their article */
} store_report;

/* Fills r from a record (the strings stay the record's). */
void store_report_from_record(store_report *r, const marsad_event *ev,
                              int64_t article_id);

/* Can mention m join the event whose representative is e? On yes, *km and
 * *days receive the distance and the day difference (to rank candidates). */
int store_report_fits(const store_report *e, const store_report *m,
                      double *km, long *days);

/* The search window of a mention for candidate events: days
 * [*day_lo, *day_hi] (of the candidates' own windows) and a box around its
 * place. Only for reports with a day and a place. */
void store_report_window(const store_report *m, long *day_lo, long *day_hi,
                         double *lat_lo, double *lat_hi, double *lon_lo,
                         double *lon_hi);
/* The window an event occupies: its day +- MERGE_WINDOW_DAYS when its
 * precision is a week or a month. */
void store_event_window(const store_report *e, long *day_lo, long *day_hi);

/* A mention's weight as representative of its event: a trigger, an
 * explicit and precise place, an explicit and precise date, figures. */
long store_mention_score(const marsad_event *ev);
/* Its weight as the source of the event's actors: named, specific actors
 * first, then the score. */
long store_actor_score(const marsad_event *ev);
/* The tie-break of equal scores: "KEY#ORDINAL"; the smaller wins. */
void store_mention_order(const char *article_key, int ordinal, char *out,
                         size_t cap);

/* 1 when candidate (score a, order oa) beats (score b, order ob). */
int store_rank_beats(long a, const char *oa, long b, const char *ob);

/* ---- small things --------------------------------------------------------- */

/* Day number of an ISO date ("YYYY-MM-DD..."); 0 and *ok = 0 when none. */
long store_day_of(const char *iso, int *ok);

/* An arena: many small allocations freed at once (result objects). */
typedef struct store_arena_chunk store_arena_chunk;
typedef struct {
    store_arena_chunk *head;
    int oom;                  /* an allocation failed */
} store_arena;
/* Zeroed memory; NULL (and oom set) when memory runs out. */
void *store_arena_alloc(store_arena *a, size_t n);
/* Copies (NULL gives NULL). */
char *store_arena_str(store_arena *a, const char *s);
char *store_arena_strn(store_arena *a, const char *s, size_t n);
void store_arena_free(store_arena *a);

/* A claimed batch (store_claim): the articles in queue order, their
 * storage, and the transaction's state. */
struct store_batch {
    store *s;
    marsad_article *arts;
    int *id_generated;
    int64_t *seq;            /* queue positions */
    size_t n;
    int open;                /* the claim's transaction is still open */
    store_arena arena;       /* the articles' strings */
};

/* Result objects: the public struct first, then what owns its storage, so
 * that the public pointer is also the object's. */
typedef struct {
    store_event ev;
    store_arena arena;
    marsad_events *records;
} store_event_obj;

typedef struct {
    store_article art;
    store_arena arena;
    marsad_events *records;
} store_article_obj;

struct store_hits {
    store_hit *hits;
    size_t n;
    store_arena arena;
};

/* New empty result objects (NULL when memory runs out). */
store_event_obj *store_event_obj_new(void);
store_article_obj *store_article_obj_new(void);
store_hits *store_hits_new(void);

/* ---- the SQLite FTS5 tokenizer (sqlite_fts.c) ---------------------------- */
struct sqlite3;
/* Registers the "marsad" tokenizer on db. Returns 0 or -1 (message in err). */
int store_fts_register(struct sqlite3 *db, char *err, size_t errlen);

#endif
