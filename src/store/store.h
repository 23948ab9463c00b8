/*
 * store.h — where articles, their event mentions and the merged events are
 * kept: ingest an article with its extraction, list merged events with
 * filters, read one event with its sources or one article with the spans of
 * its mentions, search the articles in Arabic, count events per day, type or
 * district.
 *
 * A store is named by a URL: a file path or "sqlite:PATH" opens the embedded
 * SQLite backend (src/store/sqlite.c, one file); "postgresql://..." or
 * "postgres://..." (any libpq connection URI) the PostgreSQL backend
 * (src/store/pg.c) with the same schema semantics (docs/schema.md).
 * Backends only keep rows; what an article brings (identity, sentences,
 * near-duplicate fingerprint, mentions) and the merge decisions
 * (docs/merging.md) are computed here, the same for every backend.
 *
 * Ownership: every object returned by a store_* function is freed by its
 * store_*_free function (all accept NULL); strings inside belong to it.
 * Errors: functions return -1 or NULL and the message is read with
 * store_errmsg(s). A store handle belongs to one thread at a time;
 * store_doc_new needs no handle and runs on any thread (the model is shared
 * read-only).
 */
#ifndef MARSAD_STORE_H
#define MARSAD_STORE_H

#include "marsad.h"

#include <stdint.h>

/* The schema version this build writes (docs/schema.md). */
#define STORE_SCHEMA_VERSION 1

typedef struct store store;

enum {
    STORE_READONLY = 1 /* open an existing store for reading only */
};

/* Opens (creating it and its schema, or migrating an older schema, unless
 * STORE_READONLY) the store named by url. Returns NULL and writes the reason
 * into err on failure, e.g. a schema newer than this build knows. */
store *store_open(const char *url, int flags, char *err, size_t errlen);
void store_close(store *s);
/* The message of the last failed call on s. */
const char *store_errmsg(const store *s);
/* "sqlite" or "postgresql". */
const char *store_backend(const store *s);
/* The schema version found in the store (STORE_SCHEMA_VERSION once open). */
int store_schema_version(store *s);

/* ------------------------------------------------------------------------
 * What one article brings
 * ------------------------------------------------------------------------ */

#define STORE_KEY_MAX 256
#define STORE_HASH_HEX 33 /* 128 bits as hex + NUL */

/* The identity of an article: key names it across runs (its id unless the
 * reader made the id up, else "url:" + hash of its URL, else "text:" + hash
 * of its text); hash changes whenever its text or metadata change, or the
 * model it is extracted with (model_fp, marsad_model_fingerprint: new
 * lexicons extract again what they read otherwise; NULL: the content
 * alone). */
void store_article_identity(const marsad_article *a, int id_generated,
                            const char *model_fp, char key[STORE_KEY_MAX],
                            char hash[STORE_HASH_HEX]);

/* Everything the store keeps about one article, computed without touching a
 * store: identity, sentences, SimHash fingerprint and the event mentions
 * (marsad_extract at MARSAD_LEVEL_MENTIONS). Text with invalid UTF-8 or NUL
 * bytes is kept in its sanitized form (marsad_utf8_sanitize) and every span
 * refers to that form. Problems go to diag. NULL when memory runs out. */
typedef struct store_doc store_doc;
store_doc *store_doc_new(const marsad_model *m, const marsad_article *a,
                         int id_generated, marsad_diag_fn diag, void *ctx);
void store_doc_free(store_doc *d);
const char *store_doc_key(const store_doc *d);
const char *store_doc_hash(const store_doc *d);
size_t store_doc_mention_count(const store_doc *d);
/* The fingerprint and the number of word 3-shingles it was made from. */
uint64_t store_doc_simhash(const store_doc *d, size_t *nshingles);

/* ------------------------------------------------------------------------
 * Ingest
 * ------------------------------------------------------------------------ */

typedef enum {
    STORE_ABSENT = 0,  /* no article with this key */
    STORE_SAME = 1,    /* stored with this content hash: nothing to do */
    STORE_CHANGED = 2  /* stored with another hash: an update */
} store_state;

/* The state of the article (key, hash); -1 on error. Cheap: call it before
 * store_doc_new to skip extraction of what is already stored. */
int store_article_state(store *s, const char *key, const char *hash);

typedef enum {
    STORE_ADDED = 0,
    STORE_UNCHANGED = 1,
    STORE_REPLACED = 2   /* its old mentions were removed first */
} store_action;

typedef struct {
    store_action action;
    int64_t article_id;
    int64_t duplicate_of;     /* the stored article it nearly copies, or 0 */
    size_t mentions;          /* mentions stored */
    size_t events_created;    /* mentions that started a new event */
    size_t events_joined;     /* mentions that joined an existing event */
} store_put_result;

/* Groups the following puts into one transaction (fewer commits, faster);
 * without it each put commits on its own. */
int store_begin(store *s);
int store_commit(store *s);
int store_rollback(store *s);

/* Stores one article: its row, sentences, search index entry, mentions with
 * claims and evidence, near-duplicate link, and the merge of each mention
 * into an event. All or nothing: on error nothing of the article remains
 * (the surrounding batch stays usable). Storing the same content again
 * changes nothing; new content under a known key replaces the article and
 * its mentions and re-merges the events they touched. Returns 0 or -1. */
int store_put(store *s, const store_doc *d, store_put_result *res);

/* ------------------------------------------------------------------------
 * Merged events
 * ------------------------------------------------------------------------ */

typedef struct {
    const char *from, *to;   /* event dates YYYY-MM-DD, inclusive; NULL open */
    const char *type;        /* an event_type or sub_event_type (any case) */
    const char *actor;       /* text in actor1/actor2 (name or Arabic) */
    const char *place;       /* text in location name/mention, admin1, country */
    long min_fatalities;
    size_t limit, offset;    /* limit 0: all */
} store_filter;

/* One article reporting an event. */
typedef struct {
    int64_t article_id;
    const char *doc_id, *source, *url, *title, *published;
    int64_t duplicate_of;    /* near-copy of that article (not counted apart) */
    long fatalities, injured, captured; /* its own figures: largest over its
                                           mentions of the event */
    size_t nmentions;
    const marsad_span *evidence;  /* spans in that article's text */
    const char *const *evidence_text; /* their text, nevidence entries */
    size_t nevidence;
} store_source;

/* A merged event. record follows spec/EVENTS.md: the representative
 * mention's type, date, place and actors; fatalities/injured/captured the
 * lowest credible over independent sources; every distinct claim (with its
 * outlet as attributed_to when the text names none); evidence spans into
 * the representative article (records' marsad_events_text). */
typedef struct {
    int64_t id;
    const marsad_event *record;
    const marsad_events *records; /* holds record; for marsad_events_render */
    size_t nmentions;
    size_t nsources;              /* independent sources (outlets; near-copies
                                     count with their original) */
    const store_source *sources;  /* one per reporting article */
    size_t narticles;
} store_event;

/* Calls fn for each event matching f, in date order (then id), with an event
 * valid during the call only; fn returns nonzero to stop. With detail set,
 * sources carry evidence and figures; otherwise only their identity.
 * Returns the number of events passed, or -1 on error. */
typedef int (*store_event_fn)(void *ctx, const store_event *ev);
long store_events_each(store *s, const store_filter *f, int detail,
                       store_event_fn fn, void *ctx);

/* One event with its sources in detail; NULL (errmsg set) when absent. */
store_event *store_event_get(store *s, int64_t id);
void store_event_free(store_event *ev);

/* The event as text: MARSAD_FORMAT_JSONL adds "nsources",
 * "nmentions" and "sources" to the EVENTS.md record; CSV is one row without
 * header (marsad_csv_header()), source = the outlets joined by "; ";
 * GeoJSON one Feature line; TEXT a readable line. Caller frees. */
char *store_event_render(const store_event *ev, marsad_format f);

/* Counts per group of the events matching f (limit/offset ignored). */
typedef enum {
    STORE_BY_DAY,      /* key YYYY-MM-DD */
    STORE_BY_MONTH,    /* key YYYY-MM */
    STORE_BY_TYPE,     /* key event_type */
    STORE_BY_ADMIN1    /* key "CC/admin1" (district), "CC" when none */
} store_group;

typedef struct {
    char key[96];
    long events, fatalities, injured, captured;
} store_bucket;

/* *out is a malloc'd array of *n buckets in key order (caller frees).
 * Returns 0 or -1. */
int store_aggregate(store *s, const store_filter *f, store_group g,
                    store_bucket **out, size_t *n);

/* ------------------------------------------------------------------------
 * Articles
 * ------------------------------------------------------------------------ */

typedef struct {
    int64_t id, event_id;       /* event_id 0: not in an event (no place) */
    const marsad_event *record; /* as extracted; spans into the text */
} store_mention;

typedef struct {
    int64_t id;
    const char *key, *content_hash, *doc_id, *source, *published, *url,
        *title;
    const char *text;            /* as stored; every span points into it */
    size_t text_len;
    int64_t duplicate_of;
    uint64_t simhash;
    const marsad_span *sentences;
    size_t nsentences;
    const store_mention *mentions;
    size_t nmentions;
    const marsad_events *records; /* the mentions' records */
} store_article;

/* The article whose key or doc_id is `id`; NULL (errmsg set) when absent. */
store_article *store_article_get(store *s, const char *id);
void store_article_free(store_article *a);

/* ------------------------------------------------------------------------
 * Search
 * ------------------------------------------------------------------------ */

typedef struct {
    const char *from, *to;     /* publication dates, inclusive; NULL open */
    const char *source;        /* outlet name (any case); NULL any */
    size_t limit, offset;      /* limit 0: 10 */
    const char *mark_open, *mark_close; /* highlight; NULL: "[" and "]" */
    int raw;                   /* the query is FTS5 syntax, not plain words */
    int exclude_duplicates;    /* leave out near-copies of other articles */
} store_search_opts;

typedef struct {
    int64_t article_id, duplicate_of;
    const char *doc_id, *title, *published, *source, *url;
    const char *snippet;       /* text around the matches, marked */
    double score;              /* bm25 (lower is better) */
} store_hit;

typedef struct store_hits store_hits;

/* Articles matching every word of query (Arabic folded, clitics stripped:
 * مصراتة finds ومصراته and بمصراتة), best first. NULL on error. */
store_hits *store_search(store *s, const char *query,
                         const store_search_opts *o);
size_t store_hits_count(const store_hits *h);
const store_hit *store_hits_get(const store_hits *h, size_t i);
void store_hits_free(store_hits *h);

/* ------------------------------------------------------------------------
 * Totals
 * ------------------------------------------------------------------------ */

typedef struct {
    long articles, duplicates, sentences, mentions, claims, events, sources;
} store_stats;

int store_get_stats(store *s, store_stats *out);

/* Verifies the store: the backend's own integrity check, the search index
 * against the articles, and that every event's counts match its mentions.
 * Returns 0, or -1 with what is wrong in store_errmsg. Reads everything:
 * seconds on a large store. */
int store_check(store *s);

/* ------------------------------------------------------------------------
 * Work queue (PostgreSQL; docs/scaling.md)
 *
 * Many workers on many machines share one store: `marsad ingest --queue`
 * adds articles without extracting them, each `marsad worker` claims a
 * batch nobody else holds, extracts it and stores it with the claim in one
 * transaction, then merges what is stored, in queue order. A worker killed
 * at any moment loses nothing (its claim returns to the queue) and stores
 * nothing twice; the events equal those of one worker taking the queue in
 * order, whatever the number of workers and the order they finish in.
 * ------------------------------------------------------------------------ */

/* Queues article a for extraction. Nothing happens when the same content
 * is already queued or stored under its key; new content under a known key
 * queues it again, behind everything queued before. *queued (may be NULL)
 * receives 1 when it was queued. Returns 0 or -1. */
int store_enqueue(store *s, const marsad_article *a, int id_generated,
                  int *queued);

typedef struct store_batch store_batch;

/* Claims up to max queued articles that no other worker holds, oldest
 * first, in a transaction that stays open until store_batch_commit or
 * store_batch_free. The batch is empty when nothing is claimable. NULL on
 * error (errmsg set). The store handle serves nothing else meanwhile. */
store_batch *store_claim(store *s, size_t max);
size_t store_batch_count(const store_batch *b);
/* The i-th claimed article (valid while b lives). */
const marsad_article *store_batch_article(const store_batch *b, size_t i,
                                          int *id_generated);
/* Stores docs[i], the extraction of article i (store_doc_new; NULL marks
 * the article failed, with its reason left in the queue), marks the claim
 * done and commits. An article the store rejects is marked failed and the
 * others are kept. *stored receives the articles stored. Returns 0, or -1
 * when the transaction failed as a whole (the claim returns to the queue).
 * b stays to be freed. */
int store_batch_commit(store *s, store_batch *b, store_doc *const *docs,
                       size_t *stored);
/* Frees b; rolls its transaction back unless it was committed. */
void store_batch_free(store_batch *b);

/* Merges, in queue order, the stored articles whose merge is pending, up to
 * the first article still waiting or being extracted, at most max of them
 * (0: all). *merged receives how many. Merges are serialized across
 * workers: with wait set, this waits for another worker's merge to end;
 * without, it returns at once (0 merged) while another worker merges, so
 * that the caller can extract meanwhile. Returns 0 or -1. */
int store_merge_ready(store *s, size_t max, int wait, size_t *merged);

typedef struct {
    long queued;    /* waiting or claimed */
    long unmerged;  /* stored, merge pending */
    long done;      /* stored and merged */
    long failed;
} store_queue_stats;

int store_queue_get_stats(store *s, store_queue_stats *out);

/* ------------------------------------------------------------------------
 * Change detection
 * ------------------------------------------------------------------------ */

/* A token that changes whenever data may have changed: equal tokens read at
 * two moments mean no write was committed in between (PostgreSQL: a hash of
 * the server's current snapshot, which any write transaction starting or
 * ending changes). Read it before a query and keep the answer under it.
 * -1 when the backend has none (a SQLite file: watch the file instead). */
int store_change_token(store *s, uint64_t *token);

#endif
