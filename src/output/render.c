/*
 * render.c — event records as JSON Lines (spec/EVENTS.md), ACLED-style CSV
 * and GeoJSON features. JSON goes through jansson; CSV quoting is RFC 4180.
 */
#include "marsad.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *event_json(const marsad_events *E, const marsad_event *ev) {
    size_t tlen;
    const char *text = marsad_events_text(E, &tlen);
    json_t *o = json_object();
    json_object_set_new(o, "doc_id", str_or_null(ev->doc_id));
    json_object_set_new(o, "event_id", str_or_null(ev->event_id));
    json_object_set_new(o, "event_date", str_or_null(ev->event_date));
    json_object_set_new(o, "time_precision", json_integer(ev->time_precision));
    json_object_set_new(o, "event_type", str_or_null(ev->event_type));
    json_object_set_new(o, "sub_event_type", str_or_null(ev->sub_event_type));
    for (int k = 0; k < 2; k++) {
        const char *name = k ? ev->actor2 : ev->actor1;
        const char *men = k ? ev->actor2_mention : ev->actor1_mention;
        json_t *a = name ? json_pack("{s:s, s:o}", "name", name, "mention",
                                     str_or_null(men))
                         : json_null();
        json_object_set_new(o, k ? "actor2" : "actor1", a);
    }
    if (ev->location_name) {
        json_t *l = json_object();
        json_object_set_new(l, "name", json_string(ev->location_name));
        json_object_set_new(l, "mention", str_or_null(ev->location_mention));
        json_object_set_new(l, "lat", json_real(ev->lat));
        json_object_set_new(l, "lon", json_real(ev->lon));
        json_object_set_new(l, "country", str_or_null(ev->country));
        json_object_set_new(l, "admin1", str_or_null(ev->admin1));
        json_object_set_new(l, "geo_precision", json_integer(ev->geo_precision));
        json_object_set_new(o, "location", l);
    } else {
        json_object_set_new(o, "location", json_null());
    }
    json_object_set_new(o, "geo_precision", json_integer(ev->geo_precision));
    json_object_set_new(o, "fatalities", json_integer(ev->fatalities));
    json_object_set_new(o, "injured", json_integer(ev->injured));
    json_object_set_new(o, "captured", json_integer(ev->captured));
    json_t *claims = json_array();
    for (size_t i = 0; i < ev->nclaims; i++) {
        const marsad_claim *c = &ev->claims[i];
        json_array_append_new(
            claims, json_pack("{s:s, s:I, s:s, s:s, s:o}", "kind", c->kind,
                              "count", (json_int_t)c->count, "qualifier",
                              c->qualifier, "side", c->side, "attributed_to",
                              str_or_null(c->attributed_to)));
    }
    json_object_set_new(o, "claims", claims);
    json_t *evid = json_array();
    for (size_t i = 0; i < ev->nevidence; i++) {
        const marsad_span *s = &ev->evidence[i];
        size_t el = 0;
        char *clean = (s->end <= tlen && s->start <= s->end)
            ? marsad_utf8_sanitize(text + s->start, s->end - s->start, &el, NULL)
            : NULL;
        json_array_append_new(
            evid, json_pack("{s:I, s:I, s:o}", "start", (json_int_t)s->start,
                            "end", (json_int_t)s->end, "text",
                            clean ? json_stringn(clean, el) : json_null()));
        free(clean);
    }
    json_object_set_new(o, "evidence", evid);
    json_object_set_new(o, "confidence", json_real((double)(int)(ev->confidence * 100 + 0.5) / 100));
    json_object_set_new(o, "notes", str_or_null(ev->notes));
    json_object_set_new(o, "source", str_or_null(ev->source));
    return o;
}

/* A growable string. */
typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        while (nc < b->n + n + 1) nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_json(sbuf *b, json_t *o) {
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (!s) {
        b->oom = 1;
        return;
    }
    sb_puts(b, s);
    free(s);
}

static void csv_field(sbuf *b, const char *s, int last) {
    if (s) {
        int quote = strpbrk(s, ",\"\n\r") != NULL;
        if (quote) sb_add(b, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"') sb_add(b, "\"\"", 2);
            else sb_add(b, p, 1);
        }
        if (quote) sb_add(b, "\"", 1);
    }
    sb_add(b, last ? "\n" : ",", 1);
}

static void csv_num(sbuf *b, long v, int last) {
    char t[32];
    snprintf(t, sizeof t, "%ld", v);
    csv_field(b, t, last);
}

static void csv_real(sbuf *b, double v, int valid) {
    char t[32];
    snprintf(t, sizeof t, "%.5f", v);
    csv_field(b, valid ? t : NULL, 0);
}

static const char CSV_HEADER[] =
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
    "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,tags,timestamp,injured,captured,evidence\n";

const char *marsad_csv_header(void) { return CSV_HEADER; }

static const char *disorder_type(const char *type) {
    if (!type) return NULL;
    if (strcmp(type, "Protests") == 0 || strcmp(type, "Riots") == 0)
        return "Demonstrations";
    if (strcmp(type, "Strategic developments") == 0) return "Strategic developments";
    return "Political violence";
}

/* ACLED's inter codes from actor kinds: 1 state forces, 2 rebel groups,
 * 3 political militias, 4 identity militias, 5 rioters, 6 protesters,
 * 7 civilians, 8 external/other forces; 0 no actor. */
static int inter_code(const char *type) {
    static const char *const kinds[] = {"state forces", "rebel group",
                                        "political militia", "identity militia",
                                        "rioters", "protesters", "civilians",
                                        "external forces"};
    if (!type) return 0;
    for (int i = 0; i < 8; i++)
        if (strcmp(type, kinds[i]) == 0) return i + 1;
    return 8;
}

static void csv_event(sbuf *b, const marsad_events *E, const marsad_event *ev) {
    size_t tlen;
    const char *text = marsad_events_text(E, &tlen);
    csv_field(b, ev->event_id, 0);
    csv_field(b, ev->event_date, 0);
    char year[8] = "";
    if (ev->event_date) memcpy(year, ev->event_date, 4);
    csv_field(b, ev->event_date ? year : NULL, 0);
    csv_num(b, ev->time_precision, 0);
    csv_field(b, disorder_type(ev->event_type), 0);
    csv_field(b, ev->event_type, 0);
    csv_field(b, ev->sub_event_type, 0);
    int i1 = ev->actor1 ? inter_code(ev->actor1_type) : 0;
    int i2 = ev->actor2 ? inter_code(ev->actor2_type) : 0;
    csv_field(b, ev->actor1, 0);
    csv_field(b, NULL, 0);
    csv_num(b, i1, 0);
    csv_field(b, ev->actor2, 0);
    csv_field(b, NULL, 0);
    csv_num(b, i2, 0);
    /* interaction: the two codes, smaller first (ACLED: 12, 17, ...) */
    csv_num(b, i1 && i2 ? (i1 < i2 ? i1 * 10 + i2 : i2 * 10 + i1) : i1 * 10 + i2, 0);
    int civ = ev->event_type && strcmp(ev->event_type, "Violence against civilians") == 0;
    csv_field(b, civ ? "Civilian targeting" : NULL, 0);
    csv_field(b, ev->country, 0);  /* ISO 3166 alpha-2 (ACLED: numeric) */
    csv_field(b, NULL, 0);
    csv_field(b, ev->country_name ? ev->country_name : ev->country, 0);
    csv_field(b, ev->admin1, 0);
    csv_field(b, NULL, 0);
    csv_field(b, NULL, 0);
    csv_field(b, ev->location_name, 0);
    csv_real(b, ev->lat, ev->location_name != NULL);
    csv_real(b, ev->lon, ev->location_name != NULL);
    csv_num(b, ev->geo_precision, 0);
    csv_field(b, ev->source, 0);
    csv_field(b, NULL, 0);
    csv_field(b, ev->notes, 0);
    csv_num(b, ev->fatalities, 0);
    csv_field(b, NULL, 0);
    csv_field(b, NULL, 0);
    csv_num(b, ev->injured, 0);
    csv_num(b, ev->captured, 0);
    sbuf ev_text = {0};
    for (size_t i = 0; i < ev->nevidence; i++) {
        const marsad_span *s = &ev->evidence[i];
        if (s->end > tlen || s->start > s->end) continue;
        size_t el;
        char *clean = marsad_utf8_sanitize(text + s->start, s->end - s->start, &el, NULL);
        if (!clean) continue;
        if (i) sb_puts(&ev_text, " … ");
        sb_add(&ev_text, clean, el);
        free(clean);
    }
    csv_field(b, ev_text.s ? ev_text.s : "", 1);
    free(ev_text.s);
}

static const char GJ_OPEN[] = "{\"type\":\"FeatureCollection\",\"features\":[\n";
static const char GJ_CLOSE[] = "]}\n";
const char *marsad_geojson_open(void) { return GJ_OPEN; }
const char *marsad_geojson_close(void) { return GJ_CLOSE; }

char *marsad_events_render(const marsad_events *E, marsad_format f,
                           int with_header) {
    sbuf b = {0};
    sb_add(&b, "", 0);
    if (f == MARSAD_FORMAT_CSV && with_header) sb_puts(&b, CSV_HEADER);
    for (size_t i = 0; i < marsad_events_count(E); i++) {
        const marsad_event *ev = marsad_events_get(E, i);
        if (f == MARSAD_FORMAT_CSV) {
            csv_event(&b, E, ev);
            continue;
        }
        if (f == MARSAD_FORMAT_TEXT) {
            char line[512];
            snprintf(line, sizeof line, "%s  %s  %s / %s  %s  killed %ld, injured %ld, captured %ld\n    ",
                     ev->event_id, ev->event_date ? ev->event_date : "(no date)",
                     ev->event_type, ev->sub_event_type,
                     ev->location_name ? ev->location_name : "(no place)",
                     ev->fatalities, ev->injured, ev->captured);
            sb_puts(&b, line);
            sb_puts(&b, ev->notes ? ev->notes : "");
            sb_puts(&b, "\n");
            size_t tl;
            const char *text = marsad_events_text(E, &tl);
            for (size_t k = 0; k < ev->nevidence; k++) {
                const marsad_span *sp = &ev->evidence[k];
                if (sp->end > tl || sp->start > sp->end) continue;
                /* at most ~300 bytes of each sentence, cut at a character */
                size_t n = sp->end - sp->start, cut = n > 300 ? 300 : n;
                while (cut < n && ((unsigned char)text[sp->start + cut] & 0xC0) == 0x80)
                    cut++;
                size_t el;
                char *clean = marsad_utf8_sanitize(text + sp->start, cut, &el, NULL);
                if (!clean) continue;
                sb_puts(&b, "    > ");
                sb_add(&b, clean, el);
                sb_puts(&b, cut < n ? " …\n" : "\n");
                free(clean);
            }
            continue;
        }
        json_t *o = event_json(E, ev);
        if (f == MARSAD_FORMAT_GEOJSON) {
            if (!ev->location_name) {
                json_decref(o);
                continue;
            }
            json_t *feat = json_pack(
                "{s:s, s:{s:s, s:[f,f]}, s:o}", "type", "Feature", "geometry",
                "type", "Point", "coordinates", ev->lon, ev->lat, "properties", o);
            sb_json(&b, feat);
            sb_puts(&b, "\n");
            json_decref(feat);
        } else {
            sb_json(&b, o);
            sb_puts(&b, "\n");
            json_decref(o);
        }
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
