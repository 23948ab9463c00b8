/*
 * rows.c — result objects from rows, the same for every backend (rows.h):
 * the backends run their own queries and hand each row over through
 * store_row's getters.
 */
#include "store/rows.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const store_row *r, int c) { return r->ops->str(r, c); }
static int64_t i64(const store_row *r, int c) { return r->ops->i64(r, c); }
static double f64(const store_row *r, int c) { return r->ops->f64(r, c); }

/* Column c copied into A (NULL stays NULL). */
static char *acol(store_arena *A, const store_row *r, int c) {
    return store_arena_str(A, str(r, c));
}

/* ---- events -------------------------------------------------------------------- */

void store_row_source(store_arena *A, const store_row *r, store_source *o) {
    o->article_id = i64(r, 0);
    o->doc_id = acol(A, r, 1);
    o->source = acol(A, r, 2);
    o->url = acol(A, r, 3);
    o->title = acol(A, r, 4);
    o->published = acol(A, r, 5);
    o->duplicate_of = i64(r, 6);
    o->fatalities = (long)i64(r, 7);
    o->injured = (long)i64(r, 8);
    o->captured = (long)i64(r, 9);
    o->nmentions = (size_t)i64(r, 10);
}

void store_row_claim(store_arena *A, const store_row *r, int c0,
                     marsad_claim *cl) {
    cl->kind = acol(A, r, c0);
    cl->count = (long)i64(r, c0 + 1);
    cl->qualifier = acol(A, r, c0 + 2);
    cl->side = acol(A, r, c0 + 3);
    cl->attributed_to = acol(A, r, c0 + 4);
}

/* The sources of event eid, with their evidence when detail is set. */
static int event_sources(store *s, store_arena *A, int64_t eid, int detail,
                         const store_event_reads *rd, store_event *ev) {
    store_source *src;
    size_t n;
    if (rd->sources(s, A, eid, detail ? 0 : STORE_LIST_SOURCES, &src, &n))
        return -1;
    for (size_t i = 0; detail && i < n; i++) {
        marsad_span *sp;
        if (rd->spans(s, A, eid, src[i].article_id, &sp, &src[i].evidence_text,
                      &src[i].nevidence))
            return -1;
        src[i].evidence = sp;
    }
    ev->sources = src;
    ev->narticles = n;
    return 0;
}

/* The outlets of an event joined by "; ", each once, in source order. */
static const char *joined_outlets(store_arena *A, const store_event *ev) {
    strbuf b = {0};
    for (size_t i = 0; i < ev->narticles; i++) {
        const char *name = ev->sources[i].source ? ev->sources[i].source
                                                 : ev->sources[i].doc_id;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *o = ev->sources[j].source ? ev->sources[j].source
                                                  : ev->sources[j].doc_id;
            seen = o && name && strcmp(o, name) == 0;
        }
        if (seen || !name) continue;
        if (b.n) strbuf_puts(&b, "; ");
        strbuf_puts(&b, name);
    }
    const char *res = b.s ? store_arena_str(A, b.s) : NULL;
    free(b.s);
    return res;
}

store_event_obj *store_row_event(store *s, const store_row *r, int detail,
                                 const store_event_reads *rd) {
    store_event_obj *o = store_event_obj_new();
    if (!o) {
        store_set_error(s, "out of memory");
        return NULL;
    }
    store_arena *A = &o->arena;
    store_event *ev = &o->ev;
    marsad_event rec;
    memset(&rec, 0, sizeof rec);
    ev->id = i64(r, 0);
    char idbuf[32];
    snprintf(idbuf, sizeof idbuf, "E%" PRId64, ev->id);
    rec.event_id = idbuf;
    rec.event_date = acol(A, r, 1);
    rec.time_precision = (int)i64(r, 2);
    rec.event_type = acol(A, r, 3);
    rec.sub_event_type = acol(A, r, 4);
    rec.actor1 = acol(A, r, 5);
    rec.actor1_mention = acol(A, r, 6);
    rec.actor2 = acol(A, r, 7);
    rec.actor2_mention = acol(A, r, 8);
    rec.location_name = acol(A, r, 9);
    rec.location_mention = acol(A, r, 10);
    rec.country = acol(A, r, 11);
    rec.admin1 = acol(A, r, 12);
    rec.lat = f64(r, 13);
    rec.lon = f64(r, 14);
    rec.geo_precision = (int)i64(r, 15);
    rec.fatalities = (long)i64(r, 16);
    rec.injured = (long)i64(r, 17);
    rec.captured = (long)i64(r, 18);
    double conf = f64(r, 19);
    rec.flags = (unsigned)i64(r, 20);
    ev->nmentions = (size_t)i64(r, 21);
    ev->nsources = (size_t)i64(r, 22);
    int64_t rep_article = i64(r, 23);
    rec.doc_id = acol(A, r, 24);
    size_t text_len;
    const char *text = r->ops->text(r, 25, &text_len);
    /* more independent sources, more confidence */
    conf += 0.1 * (double)(ev->nsources > 1 ? ev->nsources - 1 : 0);
    rec.confidence = conf > 1 ? 1 : conf;
    o->records = marsad_events_new(text, text_len);
    marsad_span *sp = NULL;
    if (!o->records || rd->claims(s, A, ev->id, &rec) ||
        rd->spans(s, A, ev->id, rep_article, &sp, NULL, &rec.nevidence) ||
        event_sources(s, A, ev->id, detail, rd, ev)) {
        if (!o->records) store_set_error(s, "out of memory");
        store_event_free(ev);
        return NULL;
    }
    rec.evidence = sp;
    rec.source = joined_outlets(A, ev);
    char notes[1024];
    size_t nl = marsad_event_notes(&rec, notes, sizeof notes);
    if (rec.source && nl + 16 < sizeof notes)
        snprintf(notes + nl, sizeof notes - nl, " Sources: %s.", rec.source);
    rec.notes = notes;
    if (A->oom || marsad_events_append(o->records, &rec)) {
        store_set_error(s, "out of memory");
        store_event_free(ev);
        return NULL;
    }
    ev->record = marsad_events_get(o->records, 0);
    ev->records = o->records;
    return o;
}

/* ---- articles ------------------------------------------------------------------- */

int store_row_article(store_article_obj *o, const store_row *r) {
    store_arena *A = &o->arena;
    store_article *a = &o->art;
    a->id = i64(r, 0);
    a->key = acol(A, r, 1);
    a->content_hash = acol(A, r, 2);
    a->doc_id = acol(A, r, 3);
    a->source = acol(A, r, 4);
    a->published = acol(A, r, 5);
    a->url = acol(A, r, 6);
    a->title = acol(A, r, 7);
    const char *text = r->ops->text(r, 8, &a->text_len);
    a->text = store_arena_strn(A, text, a->text_len);
    a->duplicate_of = i64(r, 9);
    a->simhash = (uint64_t)i64(r, 10);
    o->records = marsad_events_new(a->text, a->text_len);
    a->records = o->records;
    return !o->records || A->oom ? -1 : 0;
}

void store_row_mention(store_arena *A, const store_row *r,
                       const store_article *art, store_mention *m,
                       marsad_event *rec) {
    memset(rec, 0, sizeof *rec);
    m->id = i64(r, 0);
    m->event_id = i64(r, 1);
    rec->doc_id = art->doc_id;
    rec->source = art->source;
    rec->event_id = acol(A, r, 2);
    rec->event_date = acol(A, r, 3);
    rec->time_precision = (int)i64(r, 4);
    rec->event_type = acol(A, r, 5);
    rec->sub_event_type = acol(A, r, 6);
    rec->actor1 = acol(A, r, 7);
    rec->actor1_mention = acol(A, r, 8);
    rec->actor2 = acol(A, r, 9);
    rec->actor2_mention = acol(A, r, 10);
    rec->location_name = acol(A, r, 11);
    rec->location_mention = acol(A, r, 12);
    rec->country = acol(A, r, 13);
    rec->admin1 = acol(A, r, 14);
    rec->lat = f64(r, 15);
    rec->lon = f64(r, 16);
    rec->geo_precision = (int)i64(r, 17);
    rec->fatalities = (long)i64(r, 18);
    rec->injured = (long)i64(r, 19);
    rec->captured = (long)i64(r, 20);
    rec->confidence = f64(r, 21);
    rec->notes = acol(A, r, 22);
    rec->flags = (unsigned)i64(r, 23);
}

marsad_span store_row_span(const store_row *r, int c0) {
    marsad_span sp;
    sp.start = (size_t)i64(r, c0);
    sp.end = (size_t)i64(r, c0 + 1);
    return sp;
}

/* ---- search, aggregates, totals ------------------------------------------------ */

void store_row_hit(store_arena *A, const store_row *r, store_hit *x) {
    x->article_id = i64(r, 0);
    x->duplicate_of = i64(r, 1);
    x->doc_id = acol(A, r, 2);
    x->title = acol(A, r, 3);
    x->published = acol(A, r, 4);
    x->source = acol(A, r, 5);
    x->url = acol(A, r, 6);
}

void store_row_bucket(const store_row *r, store_bucket *b) {
    const char *key = str(r, 0);
    snprintf(b->key, sizeof b->key, "%s", key ? key : "");
    b->events = (long)i64(r, 1);
    b->fatalities = (long)i64(r, 2);
    b->injured = (long)i64(r, 3);
    b->captured = (long)i64(r, 4);
}

void store_row_stats(const store_row *r, store_stats *out) {
    long *f[] = {&out->articles, &out->duplicates, &out->sentences,
                 &out->mentions, &out->claims, &out->events, &out->sources};
    for (int k = 0; k < 7; k++) *f[k] = (long)i64(r, k);
}
