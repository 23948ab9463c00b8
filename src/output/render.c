/*
 * render.c — event records as JSON Lines (spec/EVENTS.md), ACLED-style CSV
 * and GeoJSON features. JSON goes through jansson; CSV quoting is RFC 4180.
 */
#include "marsad.h"
#include "text/text_internal.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON, written directly -------------------------------------------------
 *
 * The records are written as jansson's json_dumps(JSON_COMPACT |
 * JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) wrote them when they were
 * built as jansson objects, byte for byte, including what jansson does with
 * bad values: a string that is not valid UTF-8 or a real that is not finite
 * cannot be made, so its member is left out (and an object packed around one
 * is left out whole). Building the objects cost as much as extracting. */

/* Valid UTF-8 as jansson checks it: no overlong forms, surrogates or code
 * points past U+10FFFF. */
static int utf8_ok(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t k;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
        else return 0;
        if ((size_t)(e - p) < k) return 0;
        for (size_t i = 1; i < k; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += k;
    }
    return 1;
}

/* The JSON escape of byte c (a control character, '"' or '\\'): a short
 * form, else \u00XX written into esc. */
static const char *j_escape(unsigned char c, char esc[8]) {
    switch (c) {
    case '\\': return "\\\\";
    case '"': return "\\\"";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: snprintf(esc, 8, "\\u%04X", c); return esc;
    }
}

/* A JSON string of valid UTF-8 s: \\ \" and control characters escaped
 * (\b \f \n \r \t, else \u00XX), everything else as it is. */
static void j_string(strbuf *b, const char *s, size_t n) {
    if (!strbuf_room(b, n + 2)) return;
    b->s[b->n++] = '"';
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        strbuf_add(b, s + run, i - run);
        char esc[8];
        strbuf_puts(b, j_escape(c, esc));
        run = i + 1;
    }
    strbuf_add(b, s + run, n - run);
    strbuf_add(b, "\"", 1);
}

/* j_string of marsad_utf8_sanitize(s, n) (invalid bytes as U+FFFD, NUL as
 * a space), written straight into b without the sanitized copy. */
static void j_string_clean(strbuf *b, const char *s, size_t n) {
    if (!strbuf_room(b, n + 2)) return;
    b->s[b->n++] = '"';
    size_t run = 0, i = 0;
    while (i < n) {
        int32_t cp;
        int inv;
        size_t k = text_utf8_next(s, n, i, &cp, &inv);
        unsigned char c = (unsigned char)s[i];
        if (!inv && (c >= 0x20 || k > 1) && c != '"' && c != '\\') {
            i += k;
            continue;
        }
        strbuf_add(b, s + run, i - run);
        char esc[8];
        strbuf_puts(b, inv ? "\xEF\xBF\xBD" : c == 0 ? " " : j_escape(c, esc));
        i += k;
        run = i;
    }
    strbuf_add(b, s + run, n - run);
    strbuf_add(b, "\"", 1);
}

/* A real as jansson writes it: %.10g, with ".0" when that reads as an
 * integer, no '+' and no leading zeros in the exponent. */
static void j_real(strbuf *b, double v) {
    /* the same coordinates come back event after event, and "%.10g" costs
     * thousands of instructions: the last reals written are remembered
     * (per thread; an entry whose length is 0 is empty) */
    static _Thread_local struct {
        uint64_t bits;
        uint8_t len;
        char s[31];
    } memo[64];
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t slot = (size_t)((bits * 0x9E3779B97F4A7C15ULL) >> 58);
    if (memo[slot].len && memo[slot].bits == bits) {
        strbuf_add(b, memo[slot].s, memo[slot].len);
        return;
    }
    char t[64];
    int len = snprintf(t, sizeof t, "%.10g", v);
    if (len < 0 || (size_t)len >= sizeof t - 3) return;
    if (!strchr(t, '.') && !strchr(t, 'e')) {
        memcpy(t + len, ".0", 3);
        len += 2;
    }
    char *e = strchr(t, 'e');
    if (e) {
        char *start = e + 1, *end = start + 1;
        if (*start == '-') start++;
        while (*end == '0') end++;
        if (end != start) {
            memmove(start, end, (size_t)(t + len + 1 - end));
            len -= (int)(end - start);
        }
    }
    if (len > 0 && (size_t)len <= sizeof memo[slot].s) {
        memo[slot].bits = bits;
        memo[slot].len = (uint8_t)len;
        memcpy(memo[slot].s, t, (size_t)len);
    }
    strbuf_add(b, t, (size_t)len);
}

static void j_int(strbuf *b, long long v) {
    /* what "%lld" writes */
    char t[24];
    size_t k = sizeof t;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        t[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) t[--k] = '-';
    strbuf_add(b, t + k, sizeof t - k);
}

/* An object being written: members are separated by commas as they come. */
typedef struct {
    strbuf *b;
    int n;
} jobj;

static jobj j_open(strbuf *b) {
    strbuf_add(b, "{", 1);
    return (jobj){b, 0};
}

static void j_close(jobj *o) { strbuf_add(o->b, "}", 1); }

/* "key": (the value is written next). */
static void j_key(jobj *o, const char *key) {
    if (o->n++) strbuf_add(o->b, ",", 1);
    strbuf_add(o->b, "\"", 1);
    strbuf_puts(o->b, key);
    strbuf_add(o->b, "\":", 2);
}

/* A string member, null when s is NULL, left out when s is not UTF-8. */
static void j_str(jobj *o, const char *key, const char *s) {
    if (s && !utf8_ok(s, strlen(s))) return;
    j_key(o, key);
    if (s) j_string(o->b, s, strlen(s));
    else strbuf_add(o->b, "null", 4);
}

static void j_num(jobj *o, const char *key, long long v) {
    j_key(o, key);
    j_int(o->b, v);
}

/* A real member, left out when v is not finite. */
static void j_dbl(jobj *o, const char *key, double v) {
    if (!isfinite(v)) return;
    j_key(o, key);
    j_real(o->b, v);
}

static int str_ok(const char *s) { return !s || utf8_ok(s, strlen(s)); }

static void event_json(strbuf *b, const marsad_events *E, const marsad_event *ev) {
    size_t tlen;
    const char *text = marsad_events_text(E, &tlen);
    jobj o = j_open(b);
    j_str(&o, "doc_id", ev->doc_id);
    j_str(&o, "event_id", ev->event_id);
    j_str(&o, "event_date", ev->event_date);
    j_num(&o, "time_precision", ev->time_precision);
    j_str(&o, "event_type", ev->event_type);
    j_str(&o, "sub_event_type", ev->sub_event_type);
    for (int k = 0; k < 2; k++) {
        const char *name = k ? ev->actor2 : ev->actor1;
        const char *men = k ? ev->actor2_mention : ev->actor1_mention;
        const char *key = k ? "actor2" : "actor1";
        if (!name) {
            j_key(&o, key);
            strbuf_add(b, "null", 4);
        } else if (utf8_ok(name, strlen(name)) && str_ok(men)) {
            j_key(&o, key);
            jobj a = j_open(b);
            j_str(&a, "name", name);
            j_str(&a, "mention", men);
            j_close(&a);
        }
    }
    j_key(&o, "location");
    if (ev->location_name) {
        jobj l = j_open(b);
        j_str(&l, "name", ev->location_name);
        j_str(&l, "mention", ev->location_mention);
        j_dbl(&l, "lat", ev->lat);
        j_dbl(&l, "lon", ev->lon);
        j_str(&l, "country", ev->country);
        j_str(&l, "admin1", ev->admin1);
        j_num(&l, "geo_precision", ev->geo_precision);
        j_close(&l);
    } else {
        strbuf_add(b, "null", 4);
    }
    j_num(&o, "geo_precision", ev->geo_precision);
    j_num(&o, "fatalities", ev->fatalities);
    j_num(&o, "injured", ev->injured);
    j_num(&o, "captured", ev->captured);
    j_key(&o, "claims");
    strbuf_add(b, "[", 1);
    int nc = 0;
    for (size_t i = 0; i < ev->nclaims; i++) {
        const marsad_claim *c = &ev->claims[i];
        if (!c->kind || !c->qualifier || !c->side || !str_ok(c->kind) ||
            !str_ok(c->qualifier) || !str_ok(c->side) || !str_ok(c->attributed_to))
            continue;
        if (nc++) strbuf_add(b, ",", 1);
        jobj cl = j_open(b);
        j_str(&cl, "kind", c->kind);
        j_num(&cl, "count", c->count);
        j_str(&cl, "qualifier", c->qualifier);
        j_str(&cl, "side", c->side);
        j_str(&cl, "attributed_to", c->attributed_to);
        j_close(&cl);
    }
    strbuf_add(b, "]", 1);
    j_key(&o, "evidence");
    strbuf_add(b, "[", 1);
    for (size_t i = 0; i < ev->nevidence; i++) {
        const marsad_span *s = &ev->evidence[i];
        int inside = s->end <= tlen && s->start <= s->end;
        if (i) strbuf_add(b, ",", 1);
        jobj e = j_open(b);
        j_num(&e, "start", (long long)s->start);
        j_num(&e, "end", (long long)s->end);
        j_key(&e, "text");
        if (inside) j_string_clean(b, text + s->start, s->end - s->start);
        else strbuf_add(b, "null", 4);
        j_close(&e);
    }
    strbuf_add(b, "]", 1);
    j_dbl(&o, "confidence", (double)(int)(ev->confidence * 100 + 0.5) / 100);
    j_str(&o, "notes", ev->notes);
    j_str(&o, "source", ev->source);
    j_close(&o);
}

static void csv_field(strbuf *b, const char *s, int last) {
    if (s) {
        int quote = strpbrk(s, ",\"\n\r") != NULL;
        if (quote) strbuf_add(b, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"') strbuf_add(b, "\"\"", 2);
            else strbuf_add(b, p, 1);
        }
        if (quote) strbuf_add(b, "\"", 1);
    }
    strbuf_add(b, last ? "\n" : ",", 1);
}

static void csv_num(strbuf *b, long v, int last) {
    char t[32];
    snprintf(t, sizeof t, "%ld", v);
    csv_field(b, t, last);
}

static void csv_real(strbuf *b, double v, int valid) {
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

static void csv_event(strbuf *b, const marsad_events *E, const marsad_event *ev) {
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
    strbuf ev_text = {0};
    for (size_t i = 0; i < ev->nevidence; i++) {
        const marsad_span *s = &ev->evidence[i];
        if (s->end > tlen || s->start > s->end) continue;
        size_t el;
        char *clean = marsad_utf8_sanitize(text + s->start, s->end - s->start, &el, NULL);
        if (!clean) continue;
        if (i) strbuf_puts(&ev_text, " … ");
        strbuf_add(&ev_text, clean, el);
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
    strbuf b = {0};
    strbuf_add(&b, "", 0);
    if (f == MARSAD_FORMAT_CSV && with_header) strbuf_puts(&b, CSV_HEADER);
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
            strbuf_puts(&b, line);
            strbuf_puts(&b, ev->notes ? ev->notes : "");
            strbuf_puts(&b, "\n");
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
                strbuf_puts(&b, "    > ");
                strbuf_add(&b, clean, el);
                strbuf_puts(&b, cut < n ? " …\n" : "\n");
                free(clean);
            }
            continue;
        }
        if (f == MARSAD_FORMAT_GEOJSON) {
            if (!ev->location_name) continue;
            if (!isfinite(ev->lon) || !isfinite(ev->lat)) {
                b.oom = 1; /* jansson could not make such a point either */
                break;
            }
            strbuf_puts(&b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
            j_real(&b, ev->lon);
            strbuf_add(&b, ",", 1);
            j_real(&b, ev->lat);
            strbuf_puts(&b, "]},\"properties\":");
            event_json(&b, E, ev);
            strbuf_puts(&b, "}\n");
        } else {
            event_json(&b, E, ev);
            strbuf_puts(&b, "\n");
        }
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
