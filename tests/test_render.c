/* test_render.c — JSON Lines records are the bytes jansson writes: the
 * evidence text (invalid UTF-8 as U+FFFD, NUL as a space, then escaped) and
 * integers, on random texts and extreme figures. */
#include "marsad.h"
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
