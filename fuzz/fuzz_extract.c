/*
 * fuzz_extract.c — libFuzzer target for extraction itself: the input is an
 * article's text (any bytes: invalid UTF-8, NUL bytes, huge lines), read
 * with a publication date at both levels and rendered in every format. The
 * model is loaded once per process. Every record must hold what
 * spec/EVENTS.md promises whatever the text: its type and sub-event type
 * from the ACLED table, counts not negative, evidence spans inside the text
 * (on character boundaries when it is valid UTF-8), a date when the article
 * has one, coordinates on the globe (or no place and precision 0); and
 * every rendering must be made.
 */
#include "extract/extract_internal.h"
#include "marsad.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const marsad_model *model(void) {
    static marsad_model *m;
    if (!m) {
        char err[512];
        m = marsad_model_load(marsad_default_datadir(), err, sizeof err);
        if (!m) {
            fprintf(stderr, "fuzz_extract: %s (run from the repository root or set "
                            "MARSAD_DATA)\n", err);
            abort();
        }
    }
    return m;
}

static void check(const marsad_events *ev, const char *text, size_t len) {
    size_t tl;
    const char *t = marsad_events_text(ev, &tl);
    if (tl != len || memcmp(t, text, len) != 0) __builtin_trap();
    int valid = marsad_utf8_invalid_count(text, len) == 0;
    for (size_t i = 0; i < marsad_events_count(ev); i++) {
        const marsad_event *e = marsad_events_get(ev, i);
        if (!x_valid_sub_event(e->event_type, e->sub_event_type)) __builtin_trap();
        if (e->fatalities < 0 || e->injured < 0 || e->captured < 0) __builtin_trap();
        if (!e->event_date || strlen(e->event_date) != 10) __builtin_trap();
        if (e->time_precision < 1 || e->time_precision > 3) __builtin_trap();
        /* no place read at all: no location and precision 0 */
        if (e->geo_precision < (e->location_name ? 1 : 0) || e->geo_precision > 3)
            __builtin_trap();
        if (e->location_name && (e->lat < -90 || e->lat > 90 || e->lon < -180 ||
                                 e->lon > 180))
            __builtin_trap();
        if (e->confidence < 0 || e->confidence > 1) __builtin_trap();
        if (e->nevidence == 0) __builtin_trap();
        for (size_t k = 0; k < e->nevidence; k++) {
            const marsad_span *s = &e->evidence[k];
            if (s->start > s->end || s->end > len) __builtin_trap();
            /* in valid UTF-8, on character boundaries */
            if (valid && ((s->start < len && ((unsigned char)t[s->start] & 0xC0) == 0x80) ||
                          (s->end < len && ((unsigned char)t[s->end] & 0xC0) == 0x80)))
                __builtin_trap();
        }
        for (size_t k = 0; k < e->nclaims; k++)
            if (e->claims[k].count < 0) __builtin_trap();
    }
    static const marsad_format F[] = {MARSAD_FORMAT_JSONL, MARSAD_FORMAT_CSV,
                                      MARSAD_FORMAT_GEOJSON, MARSAD_FORMAT_TEXT};
    for (size_t f = 0; f < 4; f++) {
        char *s = marsad_events_render(ev, F[f], f == 1);
        if (!s) __builtin_trap();
        free(s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const marsad_model *m = model();
    marsad_article a;
    memset(&a, 0, sizeof a);
    a.id = "fuzz";
    a.published = "2016-05-01";
    a.text = (const char *)data;
    a.text_len = size;
    for (int level = 0; level < 2; level++) {
        marsad_events *ev = marsad_extract(m, &a, level, NULL, NULL);
        if (!ev) return 0;
        check(ev, (const char *)data, size);
        marsad_events_free(ev);
    }
    return 0;
}
