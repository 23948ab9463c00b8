/*
 * render.c — event records as JSON Lines (spec/EVENTS.md), ACLED-style CSV
 * and GeoJSON features. JSON goes through jansson; CSV quoting is RFC 4180.
 */
#include "marsad.h"
#include "text/text_internal.h"
#include "output/render_internal.h"
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
 * is left out whole). Building the objects cost as much as extracting.
 *
 * A member is written before its strings are known to be valid and taken
 * back when one is not (the buffer is cut back to where it began), so each
 * string is read once: checked, escaped and copied in the same pass. */

/* Eight bytes as a little-endian word: byte k in bits 8k..8k+7. */
static inline uint64_t load8(const char *p) {
    uint64_t x;
    memcpy(&x, p, sizeof x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline void store8(char *p, uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, sizeof x);
}

/* Copies the last left bytes (at most 16) of a string of at least 8 to out
 * in copies of 8 (a call to memcpy for a few bytes costs more): as many as
 * 8 bytes past out + left may be written too. */
static inline void copy_tail(char *out, const char *end, size_t left) {
    if (left > 8) {
        memcpy(out, end - left, 8);
        memcpy(out + left - 8, end - 8, 8);
    } else {
        store8(out, load8(end - 8) >> (8 * (8 - left)));
    }
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* How many of eight bytes x (in load8's order) that start a character can
 * be copied into a JSON string as they are: those before the first byte
 * that is not ASCII needing no escape ('"', '\\' or a control character)
 * or part of a whole two-byte sequence (lead C2..DF, then a continuation
 * byte); a lead in the last byte is left for the next eight. About 35
 * instructions for the eight bytes, against 8 to 15 for each byte read
 * alone. */
static inline size_t plain8(uint64_t x) {
    uint64_t esc = ((x - 0x20 * ONES) | ((x ^ 0x22 * ONES) - ONES) |
                    ((x ^ 0x5C * ONES) - ONES)) & ~x & HIGH;
    uint64_t b6 = (x << 1) & HIGH, b5 = (x << 2) & HIGH, hi = x & HIGH;
    uint64_t cont = hi & ~b6, lead = hi & b6 & ~b5, long_lead = hi & b6 & b5;
    /* C0 and C1 are overlong leads: bits 1..4 of a lead must not all be 0 */
    uint64_t wide = ((x & 0x1E * ONES) + 0x7E * ONES) & HIGH;
    /* the top bit of each byte that is wrong or breaks a pair */
    uint64_t bad = esc | long_lead | (lead & ~wide) | (cont ^ (lead << 8));
    if (!bad) return 8 - (size_t)(lead >> 63);
    unsigned j = (unsigned)__builtin_ctzll(bad) / 8; /* the first such byte */
    return j ? j - (size_t)((lead >> (8 * j - 1)) & 1) : 0;
}

/* render_json_run on words: the last left bytes (fewer than 8) are taken
 * from the word that ends with the string, followed by spaces. */
static inline size_t run_words(const char *p, size_t left) {
    if (left >= 8) return plain8(load8(p));
    unsigned sh = (unsigned)(8 - left) * 8;
    size_t k = plain8((load8(p + left - 8) >> sh) | (0x20 * ONES << (64 - sh)));
    return k < left ? k : left;
}

size_t render_json_run_words(const char *p, size_t left) { return run_words(p, left); }

#ifdef __SSE2__
#include <emmintrin.h>

/* The same on sixteen bytes with SSE2 (part of every x86-64): a mask of the
 * bytes that are wrong or break a pair, and one of the leads; for the last
 * left bytes, the sixteen that end with the string, their masks shifted
 * down. About 30 instructions for the sixteen. */
#define RUN_WIDTH 16
static inline size_t run_width(const char *p, size_t left) {
    unsigned sh = left >= 16 ? 0 : (unsigned)(16 - left);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p - sh));
    __m128i esc = _mm_or_si128(
        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    /* signed: continuation bytes are -128..-65, the leads -62..-33 */
    __m128i cont = _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xC0));
    __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xC1)),
                                 _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xE0)));
    /* wrong: an escape, a high byte neither lead nor continuation, a
     * continuation not after a lead or a byte after a lead not one (for
     * the last bytes, after the masks are shifted: the byte before p is
     * not the string's to judge) */
    __m128i wrong = _mm_or_si128(esc, _mm_andnot_si128(_mm_or_si128(cont, lead), v));
    unsigned m_lead = (unsigned)_mm_movemask_epi8(lead) >> sh, m_bad;
    if (!sh) {
        m_bad = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(wrong, _mm_xor_si128(cont, _mm_slli_si128(lead, 1))));
    } else {
        unsigned m_cont = (unsigned)_mm_movemask_epi8(cont) >> sh;
        m_bad = (unsigned)_mm_movemask_epi8(wrong) >> sh | (m_cont ^ (m_lead << 1));
    }
    /* the bytes before the first wrong one (or the end) are copied, but
     * for a lead that is the last of them */
    unsigned j = (unsigned)__builtin_ctz(m_bad | 1u << (16 - sh));
    return j - ((m_lead << 1) >> j & 1);
}
#else
#define RUN_WIDTH 8
static inline size_t run_width(const char *p, size_t left) { return run_words(p, left); }
#endif

size_t render_json_run(const char *p, size_t left) { return run_width(p, left); }
size_t render_json_width(void) { return RUN_WIDTH; }

/* The length of the valid UTF-8 character at p (n bytes left), 0 when it is
 * not one as jansson checks it: no overlong forms, surrogates or code
 * points past U+10FFFF. */
static size_t utf8_char(const unsigned char *p, size_t n) {
    unsigned c = *p;
    if (c < 0x80) return 1;
    size_t k;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
    else return 0;
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

/* The JSON escape of byte c (a control character, '"' or '\\') into out
 * (6 bytes of room): a short form, else \u00XX. Returns its length. */
static size_t j_escape(unsigned char c, char *out) {
    static const char hex[] = "0123456789ABCDEF";
    char e = 0;
    switch (c) {
    case '\\': e = '\\'; break;
    case '"': e = '"'; break;
    case '\b': e = 'b'; break;
    case '\f': e = 'f'; break;
    case '\n': e = 'n'; break;
    case '\r': e = 'r'; break;
    case '\t': e = 't'; break;
    }
    out[0] = '\\';
    if (e) {
        out[1] = e;
        return 2;
    }
    memcpy(out + 1, "u00", 3);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 15];
    return 6;
}

static inline int j_needs_escape(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\';
}

/* A JSON string of s[0..n): \\ \" and control characters escaped (\b \f \n
 * \r \t, else \u00XX), everything else as it is. With clean, bytes that are
 * not valid UTF-8 are written as U+FFFD and NUL as a space (the string of
 * marsad_utf8_sanitize(s, n), without the sanitized copy); without it, a
 * string that is not valid UTF-8 writes nothing usable and returns 0 (the
 * caller cuts b back). RUN_WIDTH bytes at a time where run_width allows,
 * else a character at a time; the output is written at o and b->n set at
 * the end, with RUN_WIDTH bytes of room to spare for the wide copies. */
static int j_string_any(strbuf *b, const char *s, size_t n, int clean) {
    if (!strbuf_room(b, n + 2 + RUN_WIDTH)) return 1;
    char *out = b->s;
    size_t o = b->n, i = 0;
    out[o++] = '"';
    while (i < n) {
        size_t left = n - i;
        if (left >= RUN_WIDTH) {
            /* whole windows while they are plain */
            size_t k;
            do {
                k = run_width(s + i, RUN_WIDTH);
                memcpy(out + o, s + i, RUN_WIDTH);
                i += k;
                o += k;
            } while (k >= RUN_WIDTH - 1 && n - i >= RUN_WIDTH);
            if (k >= RUN_WIDTH - 1) continue;
        } else if (n >= RUN_WIDTH) {
            size_t k = run_width(s + i, left);
            if (k) {
                copy_tail(out + o, s + n, left);
                i += k;
                o += k;
                continue;
            }
#if RUN_WIDTH > 8
        } else if (left >= 8) { /* a short string: on words */
            size_t k = plain8(load8(s + i));
            if (k) {
                memcpy(out + o, s + i, 8);
                i += k;
                o += k;
                continue;
            }
        } else if (n >= 8) {
            size_t k = run_words(s + i, left);
            if (k) {
                copy_tail(out + o, s + n, left);
                i += k;
                o += k;
                continue;
            }
#endif
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            out[o++] = (char)c;
            i++;
            continue;
        }
        size_t k;
        if (clean) {
            int32_t cp;
            int inv;
            k = text_utf8_next(s, n, i, &cp, &inv);
            if (inv || j_needs_escape(c)) {
                /* at most 6 bytes for one: make room again */
                b->n = o;
                if (!strbuf_room(b, n - i + 6 + 1 + RUN_WIDTH)) return 1;
                out = b->s;
                if (inv) memcpy(out + o, "\xEF\xBF\xBD", 3), o += 3;
                else if (c == 0) out[o++] = ' ';
                else o += j_escape(c, out + o);
                i += k;
                continue;
            }
        } else {
            if (j_needs_escape(c)) {
                b->n = o;
                if (!strbuf_room(b, n - i + 6 + 1 + RUN_WIDTH)) return 1;
                out = b->s;
                o += j_escape(c, out + o);
                i++;
                continue;
            }
            k = utf8_char((const unsigned char *)s + i, left);
            if (!k) return 0;
        }
        for (size_t j = 0; j < k; j++) out[o++] = s[i++];
    }
    out[o++] = '"';
    out[o] = '\0';
    b->n = o;
    return 1;
}

/* A real as jansson writes it: %.10g, with ".0" when that reads as an
 * integer, no '+' and no leading zeros in the exponent. */
static void j_real(strbuf *b, double v) {
    /* the same coordinates come back event after event, and "%.10g" costs
     * thousands of instructions: the last reals written are remembered
     * (per thread, 1,024 of them in 40 KB, enough for the coordinates of
     * the places a stream of articles keeps naming; an entry whose length
     * is 0 is empty) */
    static _Thread_local struct {
        uint64_t bits;
        uint8_t len;
        char s[31];
    } memo[1024];
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t slot = (size_t)((bits * 0x9E3779B97F4A7C15ULL) >> 54);
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
    /* what "%lld" writes: at most 20 bytes, written from the end of t and
     * copied 20 at a time (a copy of known length is a few moves) */
    if (!strbuf_room(b, 20)) return;
    char t[40] = {0}; /* the bytes after the figure are copied too */
    size_t k = 20;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        t[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) t[--k] = '-';
    memcpy(b->s + b->n, t + k, 20);
    b->n += 20 - k;
    b->s[b->n] = '\0';
}

/* An object being written: its '{' is written with its first member (in
 * place of the comma the others have), or with its '}' when it has none. */
typedef struct {
    strbuf *b;
    int n;
} jobj;

static jobj j_open(strbuf *b) { return (jobj){b, 0}; }

static void j_close(jobj *o) {
    if (o->n) strbuf_add(o->b, "}", 1);
    else strbuf_add(o->b, "{}", 2);
}

/* Writes member separator and key: k is ",\"key\":" of length n (KEY). */
static inline void j_key_(jobj *o, const char *k, size_t n) {
    strbuf *b = o->b;
    if (!strbuf_room(b, n)) return;
    memcpy(b->s + b->n, k, n);
    b->s[b->n] = o->n++ ? ',' : '{';
    b->n += n;
    b->s[b->n] = '\0';
}
#define KEY(k) ",\"" k "\":", sizeof(",\"" k "\":") - 1
#define j_key(o, k) j_key_(o, KEY(k))

/* Cuts b back to n bytes: a member that turned out to have a string that
 * is not UTF-8 is taken back. */
static void j_cut(strbuf *b, size_t n) {
    if (b->oom) return;
    b->n = n;
    b->s[n] = '\0';
}

/* A string member, null when s is NULL, left out when s is not UTF-8;
 * returns 0 when it was left out. */
static int j_str_(jobj *o, const char *k, size_t kn, const char *s) {
    size_t start = o->b->n;
    j_key_(o, k, kn);
    if (!s) {
        strbuf_add(o->b, "null", 4);
        return 1;
    }
    if (j_string_any(o->b, s, strlen(s), 0)) return 1;
    j_cut(o->b, start);
    o->n--;
    return 0;
}
#define j_str(o, k, s) j_str_(o, KEY(k), s)

#define j_num(o, k, v) (j_key(o, k), j_int((o)->b, v))

/* A real member, left out when v is not finite. */
#define j_dbl(o, k, v)                                                        \
    do {                                                                      \
        double v_ = (v);                                                      \
        if (isfinite(v_)) {                                                   \
            j_key(o, k);                                                      \
            j_real((o)->b, v_);                                               \
        }                                                                     \
    } while (0)

/* The record of ev, whose evidence spans are offsets into text[0..tlen). */
static void event_json(strbuf *b, const marsad_event *ev, const char *text, size_t tlen) {
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
        size_t start = b->n;
        if (k) j_key(&o, "actor2");
        else j_key(&o, "actor1");
        if (!name) {
            strbuf_add(b, "null", 4);
            continue;
        }
        /* the actor is left out whole when either string is not UTF-8 */
        jobj a = j_open(b);
        if (j_str(&a, "name", name) && j_str(&a, "mention", men)) {
            j_close(&a);
        } else {
            j_cut(b, start);
            o.n--;
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
        if (!c->kind || !c->qualifier || !c->side) continue;
        /* a claim is left out whole when one of its strings is not UTF-8 */
        size_t start = b->n;
        if (nc) strbuf_add(b, ",", 1);
        jobj cl = j_open(b);
        if (!j_str(&cl, "kind", c->kind)) goto cut;
        j_num(&cl, "count", c->count);
        if (!j_str(&cl, "qualifier", c->qualifier) || !j_str(&cl, "side", c->side) ||
            !j_str(&cl, "attributed_to", c->attributed_to))
            goto cut;
        j_close(&cl);
        nc++;
        continue;
    cut:
        j_cut(b, start);
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
        if (inside) j_string_any(b, text + s->start, s->end - s->start, 1);
        else strbuf_add(b, "null", 4);
        j_close(&e);
    }
    strbuf_add(b, "]", 1);
    j_dbl(&o, "confidence", (double)(int)(ev->confidence * 100 + 0.5) / 100);
    j_str(&o, "notes", ev->notes);
    j_str(&o, "source", ev->source);
    j_close(&o);
}

char *render_json_event(const marsad_event *ev, const char *text, size_t tlen) {
    strbuf b = {0};
    strbuf_add(&b, "", 0);
    event_json(&b, ev, text, tlen);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
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
    /* room for what an event usually takes (about 1.7 KB as JSON), so the
     * buffer is not grown and copied again and again */
    strbuf_grow(&b, 2048 * marsad_events_count(E));
    strbuf_add(&b, "", 0);
    if (f == MARSAD_FORMAT_CSV && with_header) strbuf_puts(&b, CSV_HEADER);
    size_t tlen;
    const char *text = marsad_events_text(E, &tlen);
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
            for (size_t k = 0; k < ev->nevidence; k++) {
                const marsad_span *sp = &ev->evidence[k];
                if (sp->end > tlen || sp->start > sp->end) continue;
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
            event_json(&b, ev, text, tlen);
            strbuf_puts(&b, "}\n");
        } else {
            event_json(&b, ev, text, tlen);
            strbuf_puts(&b, "\n");
        }
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
