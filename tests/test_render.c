/* test_render.c — JSON Lines records are the bytes jansson writes: the
 * evidence text (invalid UTF-8 as U+FFFD, NUL as a space, then escaped),
 * integers, reals and whole records whose strings may not be UTF-8, on
 * random texts and extreme figures; the string writer's fast path copies
 * what the byte-by-byte rule allows, no more, no less. */
#include "marsad.h"
#include "output/render_internal.h"
#include "test.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The JSON jansson writes for the string s[0..n) sanitized. */
static char *jansson_text(const char *s, size_t n) {
    size_t cl;
    char *clean = marsad_utf8_sanitize(s, n, &cl, NULL);
    json_t *j = clean ? json_stringn(clean, cl) : NULL;
    char *out = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    free(clean);
    return out;
}

TEST(render_evidence_and_figures_as_jansson_writes_them)
{
    static const char *const PIECES[] = {
        "ا", "\"", "\\", "\n", "\t", "\r", "\b", "\f", "\x01", "\x1f", "\x7f",
        "a", " ", "\xFF", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x80",
        "\xD8", "\xE2\x80\xA8", "/", "é", "\xF0\x9F\x98\x80",
    };
    unsigned long long x = 0x2545F4914F6CDD1DULL;
    static const long FIG[] = {0, 1, -1, 9, 10, 123456789, LONG_MAX, LONG_MIN};
    int bad = 0, done = 0;
    for (int r = 0; r < 3000; r++) {
        char s[256];
        size_t len = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES, 24, &x,
                                      s, sizeof s);
        if (r % 7 == 0 && len) s[len / 2] = '\0'; /* a NUL inside */
        marsad_events *E = marsad_events_new(s, len);
        marsad_span sp[2] = {{0, len}, {len / 3, len}};
        marsad_event ev;
        memset(&ev, 0, sizeof ev);
        ev.doc_id = "d";
        ev.event_id = "d-1";
        ev.fatalities = FIG[r % 8];
        ev.injured = FIG[(r + 3) % 8];
        ev.evidence = sp;
        ev.nevidence = 2;
        if (!E || marsad_events_append(E, &ev)) {
            bad++;
            marsad_events_free(E);
            continue;
        }
        char *out = marsad_events_render(E, MARSAD_FORMAT_JSONL, 0);
        char *want0 = jansson_text(s, len), *want1 = jansson_text(s + len / 3, len - len / 3);
        char figs[96];
        snprintf(figs, sizeof figs, "\"fatalities\":%ld,\"injured\":%ld,", FIG[r % 8],
                 FIG[(r + 3) % 8]);
        int ok = out && want0 && want1 && strstr(out, figs);
        if (ok) {
            /* the evidence texts, in order */
            const char *a = strstr(out, "\"evidence\":[");
            const char *t0 = a ? strstr(a, "\"text\":") : NULL;
            ok = t0 && strncmp(t0 + 7, want0, strlen(want0)) == 0;
            const char *t1 = ok ? strstr(t0 + 7 + strlen(want0), "\"text\":") : NULL;
            ok = ok && t1 && strncmp(t1 + 7, want1, strlen(want1)) == 0;
        }
        if (!ok && bad++ < 3) fprintf(stderr, "  round %d: %s\n", r, out ? out : "(null)");
        done++;
        free(out);
        free(want0);
        free(want1);
        marsad_events_free(E);
    }
    CHECK(done >= 2900);
    CHECK_EQ_INT(bad, 0);
}

/* The JSON jansson writes for the real v, with the 10 digits of the
 * records. */
static char *jansson_real(double v) {
    json_t *j = json_real(v);
    char *out =
        j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(j);
    return out;
}

/* Coordinates are the reals jansson writes, whether new or written before
 * (reals are remembered between events: repeats, values that share a memo
 * slot and values that differ in the last bit must all come out right). */
TEST(render_reals_as_jansson_writes_them)
{
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    double seen[64];
    int bad = 0, done = 0;
    for (int r = 0; r < 4000; r++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        switch (r % 5) {
        case 0: v = (double)(x % 180000001ULL) / 1e6 - 90; break;  /* degrees */
        case 1: v = seen[x % 64]; break;                             /* again */
        case 2: { /* one bit of the mantissa changed, in sight or not */
            v = seen[x % 64];
            uint64_t b;
            memcpy(&b, &v, sizeof b);
            b ^= 1ULL << ((x >> 8) % 52);
            memcpy(&v, &b, sizeof v);
            break;
        }
        case 3: v = (double)(long long)(x % 2000) - 1000; break;    /* whole */
        default: { /* any finite double */
            uint64_t b = x;
            memcpy(&v, &b, sizeof v);
            if (!isfinite(v)) v = 1e300 / (double)(r + 1);
        }
        }
        if (r < 64) v = (double)r / 7; /* fills seen before it is read */
        seen[r % 64] = v;
        marsad_events *E = marsad_events_new("", 0);
        marsad_event ev;
        memset(&ev, 0, sizeof ev);
        ev.doc_id = "d";
        ev.event_id = "d-1";
        ev.location_name = "x";
        ev.lat = v;
        ev.lon = -v;
        if (!E || marsad_events_append(E, &ev)) {
            bad++;
            marsad_events_free(E);
            continue;
        }
        char *out = marsad_events_render(E, MARSAD_FORMAT_JSONL, 0);
        char *a = jansson_real(v), *b = jansson_real(-v);
        char want[160];
        snprintf(want, sizeof want, "\"lat\":%s,\"lon\":%s", a ? a : "?", b ? b : "?");
        if (!(out && a && b && strstr(out, want)) && bad++ < 3)
            fprintf(stderr, "  %.17g: want %s in %s\n", v, want, out ? out : "(null)");
        done++;
        free(out);
        free(a);
        free(b);
        marsad_events_free(E);
    }
    CHECK(done == 4000);
    CHECK_EQ_INT(bad, 0);
}

/* What render_json_run allows at p[0..left), byte by byte: the longest
 * prefix of whole characters that are ASCII needing no escape or two-byte
 * sequences C2..DF + continuation, within a window of width bytes (or the
 * left bytes when fewer), leaving out a lead whose continuation is past the
 * window. */
static size_t plain_prefix(const unsigned char *p, size_t left, size_t width) {
    size_t w = left < width ? left : width, k = 0;
    while (k < w) {
        unsigned c = p[k];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            k++;
        } else if (c >= 0xC2 && c <= 0xDF && k + 1 < w && (p[k + 1] & 0xC0) == 0x80) {
            k += 2;
        } else {
            break;
        }
    }
    return k;
}

TEST(render_json_fast_path_is_the_byte_rule)
{
    /* bytes of every kind the rule tells apart, Arabic pairs most often */
    static const unsigned char BYTES[] = {
        'a', ' ', '~', 0x7F, '"', '\\', '\n', 0x00, 0x1F, 0x20, 0x21, 0x5B, 0x5D,
        0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF,
    };
    unsigned long long x = 0xD1B54A32D192ED03ULL;
    size_t width = render_json_width();
    int bad = 0;
    for (int r = 0; r < 200000; r++) {
        unsigned char buf[48];
        for (size_t i = 0; i < sizeof buf;) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (x % 3 && i + 1 < sizeof buf) { /* a two-byte character */
                buf[i++] = (unsigned char)(0xD8 + (x >> 8) % 4);
                buf[i++] = (unsigned char)(0x80 + (x >> 16) % 64);
            } else {
                buf[i++] = (x >> 24) % 4 ? BYTES[(x >> 32) % sizeof BYTES]
                                         : (unsigned char)(x >> 40);
            }
        }
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* p has 16 bytes before it; left runs from 1 to 32 */
        unsigned char *p = buf + 16;
        if (p[-1] >= 0xC2 && p[-1] <= 0xDF && (p[0] & 0xC0) == 0x80)
            p[-1] = 'a'; /* p starts a character */
        size_t left = 1 + x % 32;
        size_t got = render_json_run((const char *)p, left),
               want = plain_prefix(p, left, width);
        size_t got8 = render_json_run_words((const char *)p, left),
               want8 = plain_prefix(p, left, 8);
        if ((got != want || got8 != want8) && bad++ < 3) {
            fprintf(stderr, "  left %zu: %zu (words %zu), want %zu (%zu):", left, got, got8,
                    want, want8);
            for (size_t i = 0; i < left && i < 32; i++) fprintf(stderr, " %02X", p[i]);
            fprintf(stderr, "\n");
        }
    }
    CHECK_EQ_INT(bad, 0);
}

/* The record as jansson wrote it when it was built as a jansson object:
 * a string member that is not UTF-8 left out, an actor or claim with one
 * left out whole. */
static void put(json_t *o, const char *key, json_t *v) {
    if (v) json_object_set_new(o, key, v);
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static int str_ok(const char *s) {
    json_t *j = s ? json_string(s) : json_null();
    json_decref(j);
    return j != NULL;
}

static char *jansson_record(const marsad_event *ev, const char *text, size_t tlen) {
    json_t *o = json_object();
    put(o, "doc_id", str_or_null(ev->doc_id));
    put(o, "event_id", str_or_null(ev->event_id));
    put(o, "event_date", str_or_null(ev->event_date));
    put(o, "time_precision", json_integer(ev->time_precision));
    put(o, "event_type", str_or_null(ev->event_type));
    put(o, "sub_event_type", str_or_null(ev->sub_event_type));
    for (int k = 0; k < 2; k++) {
        const char *name = k ? ev->actor2 : ev->actor1;
        const char *men = k ? ev->actor2_mention : ev->actor1_mention;
        if (!name) {
            put(o, k ? "actor2" : "actor1", json_null());
        } else if (str_ok(name) && str_ok(men)) {
            json_t *a = json_object();
            put(a, "name", json_string(name));
            put(a, "mention", str_or_null(men));
            put(o, k ? "actor2" : "actor1", a);
        }
    }
    json_t *l = json_null();
    if (ev->location_name) {
        l = json_object();
        put(l, "name", str_or_null(ev->location_name));
        put(l, "mention", str_or_null(ev->location_mention));
        put(l, "lat", json_real(ev->lat));
        put(l, "lon", json_real(ev->lon));
        put(l, "country", str_or_null(ev->country));
        put(l, "admin1", str_or_null(ev->admin1));
        put(l, "geo_precision", json_integer(ev->geo_precision));
    }
    put(o, "location", l);
    put(o, "geo_precision", json_integer(ev->geo_precision));
    put(o, "fatalities", json_integer(ev->fatalities));
    put(o, "injured", json_integer(ev->injured));
    put(o, "captured", json_integer(ev->captured));
    json_t *cs = json_array();
    for (size_t i = 0; i < ev->nclaims; i++) {
        const marsad_claim *c = &ev->claims[i];
        if (!c->kind || !c->qualifier || !c->side || !str_ok(c->kind) ||
            !str_ok(c->qualifier) || !str_ok(c->side) || !str_ok(c->attributed_to))
            continue;
        json_t *cj = json_object();
        put(cj, "kind", json_string(c->kind));
        put(cj, "count", json_integer(c->count));
        put(cj, "qualifier", json_string(c->qualifier));
        put(cj, "side", json_string(c->side));
        put(cj, "attributed_to", str_or_null(c->attributed_to));
        json_array_append_new(cs, cj);
    }
    put(o, "claims", cs);
    json_t *es = json_array();
    for (size_t i = 0; i < ev->nevidence; i++) {
        const marsad_span *sp = &ev->evidence[i];
        json_t *e = json_object();
        put(e, "start", json_integer((json_int_t)sp->start));
        put(e, "end", json_integer((json_int_t)sp->end));
        json_t *t = json_null();
        if (sp->end <= tlen && sp->start <= sp->end) {
            size_t cl;
            char *clean = marsad_utf8_sanitize(text + sp->start, sp->end - sp->start, &cl,
                                               NULL);
            t = clean ? json_stringn(clean, cl) : NULL;
            free(clean);
        }
        put(e, "text", t);
        json_array_append_new(es, e);
    }
    put(o, "evidence", es);
    put(o, "confidence", json_real((double)(int)(ev->confidence * 100 + 0.5) / 100));
    put(o, "notes", str_or_null(ev->notes));
    put(o, "source", str_or_null(ev->source));
    char *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    return out;
}

/* Whole records whose strings are short or long, UTF-8 or not, escaped or
 * not, NULL or not: each line is the record jansson writes. */
TEST(render_records_as_jansson_writes_them)
{
    static const char *const PIECES[] = {
        "ا", "ل", "مدينة ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "a", " ",
        "Battles", "\xFF", "\xC0\x80", "\xC1\xBF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
        "\xE2\x80", "\xD8", "\xE2\x80\x9C", "\xF0\x9F\x98\x80", "é", "/", "0123456789",
    };
    const size_t NP = sizeof PIECES / sizeof *PIECES;
    unsigned long long x = 0x94D049BB133111EBULL;
    int bad = 0;
    for (int r = 0; r < 3000; r++) {
        /* 16 strings: mostly valid, sometimes NULL, of 0 to 60 pieces */
        char s[16][400];
        const char *f[16];
        for (int k = 0; k < 16; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t len = test_random_text(PIECES, x % 5 ? 12 : NP, (int)(x >> 8) % 61, &x,
                                          s[k], sizeof s[k]);
            s[k][len] = '\0'; /* a NUL piece cuts the string short */
            f[k] = (x >> 20) % 9 ? s[k] : NULL;
        }
        char text[600];
        size_t tlen = test_random_text(PIECES, NP, 80, &x, text, sizeof text);
        marsad_events *E = marsad_events_new(text, tlen);
        marsad_claim cl[3] = {
            {f[0] ? f[0] : "killed", 3, "exact", f[1], f[2]},
            {"injured", -1, f[3], "civilians", NULL},
            {f[4], 12, "about", "unknown", f[5]},
        };
        marsad_span sp[3] = {{0, tlen}, {tlen / 2, tlen}, {tlen, tlen + 1}};
        marsad_event ev;
        memset(&ev, 0, sizeof ev);
        ev.doc_id = "d1";
        ev.event_id = f[6];
        ev.event_date = r % 2 ? "2015-01-16" : NULL;
        ev.event_type = f[7];
        ev.sub_event_type = f[8];
        ev.actor1 = f[9];
        ev.actor1_mention = f[10];
        ev.actor2 = f[11];
        ev.actor2_mention = f[0];
        ev.location_name = f[12];
        ev.location_mention = f[13];
        ev.lat = 32.1200168;
        ev.lon = 20.0812174;
        ev.country = "LY";
        ev.admin1 = f[14];
        ev.fatalities = r;
        ev.claims = cl;
        ev.nclaims = (size_t)r % 4;
        ev.evidence = sp;
        ev.nevidence = (size_t)r % 4;
        ev.confidence = 0.75;
        ev.notes = f[15];
        ev.source = f[1];
        if (!E || marsad_events_append(E, &ev)) {
            bad++;
            marsad_events_free(E);
            continue;
        }
        /* as given (strings may not be UTF-8), then as held by E (made
         * UTF-8), through marsad_events_render */
        char *out = render_json_event(&ev, text, tlen);
        char *want = jansson_record(&ev, text, tlen);
        int ok = out && want && strcmp(out, want) == 0;
        char *out2 = marsad_events_render(E, MARSAD_FORMAT_JSONL, 0);
        char *want2 = jansson_record(marsad_events_get(E, 0), text, tlen);
        size_t wl = want2 ? strlen(want2) : 0;
        int ok2 = out2 && want2 && strncmp(out2, want2, wl) == 0 && strcmp(out2 + wl, "\n") == 0;
        if (!(ok && ok2) && bad++ < 3)
            fprintf(stderr, "  round %d:\n  %s\n  want %s\n  %s\n  want %s\n", r,
                    out ? out : "(null)", want ? want : "(null)", out2 ? out2 : "(null)",
                    want2 ? want2 : "(null)");
        free(out);
        free(want);
        free(out2);
        free(want2);
        marsad_events_free(E);
    }
    CHECK_EQ_INT(bad, 0);
}
