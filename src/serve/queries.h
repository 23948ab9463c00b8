/*
 * queries.h — the event queries of the HTTP API on top of the store's read
 * interface (store.h): the store's filters plus several event types, a
 * bounding box and a text query, with paging over the result; counts per
 * day, month, type or district under the same filters; events as JSON.
 *
 * No SQL here: what the store cannot filter is filtered over
 * store_events_each, so these functions work with every store backend.
 * Cost: a filter the store applies costs what the store's query costs; a
 * box, several types or a text query read every event the store's part of
 * the filter lets through (the text query also runs one search for at most
 * QUERIES_SEARCH_MAX articles).
 */
#ifndef MARSAD_SERVE_QUERIES_H
#define MARSAD_SERVE_QUERIES_H

#include "store/store.h"

#include <jansson.h>

#define QUERIES_MAX_TYPES 16
/* Articles a text query looks at (the best ones by rank). */
#define QUERIES_SEARCH_MAX 1000

typedef struct {
    store_filter f;       /* dates, actor, place, min_fatalities; f.type set
                             by queries when one type is asked for; f.limit
                             and f.offset are ignored (see limit/offset) */
    const char *types[QUERIES_MAX_TYPES]; /* event or sub-event types (canonical
                                             names), any of them */
    size_t ntypes;
    int has_bbox;
    double west, south, east, north; /* degrees, inclusive */
    const char *q;        /* words in a source article (Arabic-aware search)
                             or in the event's names and notes; NULL none */
    size_t limit, offset; /* the page; limit 0: every match */
} queries_filter;

/* The ACLED event types and their sub-event types (spec/EVENTS.md): types[i]
 * with subs[i][0..nsubs[i]). Static data. */
typedef struct {
    const char *type;
    const char *const *subs;
    size_t nsubs;
} queries_type;
const queries_type *queries_types(size_t *n);

/* The canonical spelling of an event type or sub-event type given in any
 * case ("battles" -> "Battles"), or NULL when it is neither. */
const char *queries_type_canonical(const char *name);

/* Calls fn for each event of the page [offset, offset + limit) of the events
 * matching q, in the store's order (date, then id); fn returns nonzero to
 * stop. *total receives the number of matching events (all pages). Returns
 * the number of events passed to fn, or -1 with store_errmsg(s) set. */
long queries_events(store *s, const queries_filter *q, store_event_fn fn,
                    void *ctx, size_t *total);

/* Counts per group of the events matching q (paging ignored), in key order,
 * as store_aggregate. *out is malloc'd (caller frees). Returns 0 or -1. */
int queries_aggregate(store *s, const queries_filter *q, store_group g,
                      store_bucket **out, size_t *n);

/* How much of an event queries_event_json writes. */
typedef enum {
    QUERIES_JSON_COMPACT, /* what a map and a table need: the record's type,
                             date, actors, place and figures, nsources and
                             nmentions; no notes, outlets or sources */
    QUERIES_JSON_LIST,    /* the spec/EVENTS.md record (with "id", the number
                             in "event_id") plus nsources, nmentions, the
                             joined outlets in "source" and "sources" (the
                             reporting articles) */
    QUERIES_JSON_DETAIL   /* the list's, plus claims, the representative's
                             evidence (spans with their text) and, per
                             source, its figures and evidence */
} queries_json_level;

/* An event as JSON (an event read with detail for QUERIES_JSON_DETAIL). New
 * reference (caller json_decref's); NULL when memory runs out. */
json_t *queries_event_json(const store_event *ev, queries_json_level level);

/* One article as JSON: its metadata, text, sentences and every mention
 * (type, date, place, figures, claims, event it was merged into, evidence
 * spans). Spans are byte offsets into the UTF-8 text. NULL when memory runs
 * out. */
json_t *queries_article_json(const store_article *a);

#endif
