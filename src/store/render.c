/*
 * render.c — merged events as text (the EVENTS.md record plus its sources)
 * and the result objects' constructors and destructors.
 */
#include "store/store_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

store_event_obj *store_event_obj_new(void) {
    return calloc(1, sizeof(store_event_obj));
}

store_article_obj *store_article_obj_new(void) {
    return calloc(1, sizeof(store_article_obj));
}

store_hits *store_hits_new(void) { return calloc(1, sizeof(store_hits)); }

void store_event_free(store_event *ev) {
    if (!ev) return;
    store_event_obj *o = (store_event_obj *)ev;
    marsad_events_free(o->records);
    store_arena_free(&o->arena);
    free(o);
}

void store_article_free(store_article *a) {
    if (!a) return;
    store_article_obj *o = (store_article_obj *)a;
    marsad_events_free(o->records);
    store_arena_free(&o->arena);
    free(o);
}

size_t store_hits_count(const store_hits *h) { return h ? h->n : 0; }

const store_hit *store_hits_get(const store_hits *h, size_t i) {
    return h && i < h->n ? &h->hits[i] : NULL;
}

void store_hits_free(store_hits *h) {
    if (!h) return;
    free(h->hits);
    store_arena_free(&h->arena);
    free(h);
}

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *sources_json(const store_event *ev) {
    json_t *arr = json_array();
    for (size_t i = 0; i < ev->narticles; i++) {
        const store_source *s = &ev->sources[i];
        json_t *o = json_object();
        json_object_set_new(o, "doc_id", str_or_null(s->doc_id));
        json_object_set_new(o, "article_id", json_integer(s->article_id));
        json_object_set_new(o, "source", str_or_null(s->source));
        json_object_set_new(o, "url", str_or_null(s->url));
        json_object_set_new(o, "title", str_or_null(s->title));
        json_object_set_new(o, "published", str_or_null(s->published));
        json_object_set_new(o, "duplicate_of",
                            s->duplicate_of ? json_integer(s->duplicate_of)
                                            : json_null());
        json_object_set_new(o, "fatalities", json_integer(s->fatalities));
        json_object_set_new(o, "injured", json_integer(s->injured));
        json_object_set_new(o, "captured", json_integer(s->captured));
        json_object_set_new(o, "mentions", json_integer((json_int_t)s->nmentions));
        if (s->evidence) {
            json_t *evid = json_array();
            for (size_t k = 0; k < s->nevidence; k++)
                json_array_append_new(
                    evid, json_pack("{s:I, s:I, s:o}", "start",
                                    (json_int_t)s->evidence[k].start, "end",
                                    (json_int_t)s->evidence[k].end, "text",
                                    str_or_null(s->evidence_text
                                                    ? s->evidence_text[k]
                                                    : NULL)));
            json_object_set_new(o, "evidence", evid);
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

char *store_event_render(const store_event *ev, marsad_format f) {
    char *base = marsad_events_render(ev->records, f, 0);
    if (!base || f != MARSAD_FORMAT_JSONL) return base;
    /* JSON Lines: the record as extraction writes it, plus its sources */
    json_error_t je;
    json_t *o = json_loads(base, JSON_DISABLE_EOF_CHECK, &je);
    free(base);
    if (!o) return NULL;
    json_object_set_new(o, "nsources", json_integer((json_int_t)ev->nsources));
    json_object_set_new(o, "nmentions", json_integer((json_int_t)ev->nmentions));
    json_object_set_new(o, "sources", sources_json(ev));
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT |
                                JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!s) return NULL;
    size_t n = strlen(s);
    char *line = realloc(s, n + 2);
    if (!line) {
        free(s);
        return NULL;
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    return line;
}
