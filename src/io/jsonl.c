/*
 * jsonl.c — a JSON Lines article split into its "text" string, decoded here,
 * and the rest of the line, parsed by jansson (see jsonl.h for why and when).
 *
 * The walk over the top-level members only finds where each key and value
 * ends (strings by their quotes and escapes, objects and arrays by depth);
 * it checks nothing jansson checks afterwards on the rest of the line. The
 * "text" string is decoded with jansson's rules: strict UTF-8, no byte below
 * 0x20, the escapes \" \\ \/ \b \f \n \r \t and \uXXXX, a high surrogate
 * followed by a low one and no lone surrogate, \u0000 allowed
 * (JSON_ALLOW_NUL). Cost: one pass over the text, about one instruction per
 * byte where sixteen bytes at a time are plain (SSE2), a few elsewhere, and
 * one allocation the size of the line.
 */
#include "io/jsonl.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_space(const char *s, size_t len, size_t i) {
    while (i < len && is_space(s[i])) i++;
    return i;
}

/* s[i] is '"': the index just past the closing quote, or 0 when the string
 * is not closed. Escapes are stepped over, not checked. */
static size_t string_end(const char *s, size_t len, size_t i) {
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return 0;
}

/* The index just past the value starting at s[i], or 0 when it has no end.
 * Numbers and literals end at the next delimiter; brackets are counted
 * without matching their kinds (jansson checks that). */
static size_t value_end(const char *s, size_t len, size_t i) {
    if (i >= len) return 0;
    if (s[i] == '"') return string_end(s, len, i);
    if (s[i] != '{' && s[i] != '[') {
        size_t j = i;
        while (j < len && !is_space(s[j]) && s[j] != ',' && s[j] != '}' && s[j] != ']')
            j++;
        return j > i ? j : 0;
    }
    int depth = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '"') {
            size_t e = string_end(s, len, i);
            if (!e) return 0;
            i = e - 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* The value of the four hex digits at s[i], or -1. */
static long hex4(const char *s, size_t len, size_t i) {
    if (i + 4 > len) return -1;
    long v = 0;
    for (size_t k = i; k < i + 4; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* What a byte of a JSON string is to decode_string. */
enum { J_PLAIN, J_LEAD2, J_MULTI, J_QUOTE, J_ESCAPE, J_CONTROL };

static uint8_t byte_class[256];
static pthread_once_t byte_class_once = PTHREAD_ONCE_INIT;

static void byte_class_init(void) {
    for (int c = 0; c < 256; c++)
        byte_class[c] = c == '"'                  ? J_QUOTE
                        : c == '\\'               ? J_ESCAPE
                        : c < 0x20                ? J_CONTROL
                        : c < 0x80                ? J_PLAIN
                        : c >= 0xC2 && c <= 0xDF  ? J_LEAD2
                                                  : J_MULTI;
}

static const uint8_t *byte_classes(void) {
    pthread_once(&byte_class_once, byte_class_init);
    return byte_class;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* How many of the 16 bytes at p stand for themselves in a JSON string, when
 * all of them do except possibly a two-byte lead at the end: printable ASCII
 * other than '"' and '\\', and two-byte sequences (lead C2..DF, then a
 * continuation byte). Returns 16, or 15 when p[15] leads a sequence (its
 * continuation is in the next block), or 0 when any byte is something else
 * (quote, escape, control byte, longer or broken sequence): the caller then
 * reads those bytes one by one. SSE2 is part of every x86-64. */
static inline size_t plain_block(const unsigned char *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i x = _mm_xor_si128(v, _mm_set1_epi8((char)0x80)); /* bytes as signed - 128 */
    __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    /* 0x20..0x7F are the bytes above 0x1F as signed chars */
    __m128i ascii = _mm_andnot_si128(special, _mm_cmpgt_epi8(v, _mm_set1_epi8(0x1F)));
    /* C2..DF is 0x42..0x5F after the xor; 80..BF is 0x00..0x3F */
    __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x41)),
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(0x60)));
    __m128i cont = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-1)),
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(0x40)));
    unsigned a = (unsigned)_mm_movemask_epi8(ascii);
    unsigned l = (unsigned)_mm_movemask_epi8(lead);
    unsigned c = (unsigned)_mm_movemask_epi8(cont);
    /* every byte is one of the three, and the continuations are exactly
     * the bytes after the leads */
    if ((a | l | c) != 0xFFFF || c != ((l << 1) & 0xFFFF)) return 0;
    return l & 0x8000 ? 15 : 16;
}
#endif

/* Decodes the string whose opening quote is s[i] into out, which has room
 * for as many bytes as the string takes in s (a decoded string is never
 * longer). Returns the index just past the closing quote and sets *n, or 0
 * when jansson would refuse the string. Bytes that stand for themselves
 * (ASCII, and the two-byte sequences of Arabic, which are valid whenever the
 * lead is C2..DF and a continuation byte follows) are copied by runs. */
static size_t decode_string(const char *s, size_t len, size_t i, char *out, size_t *n) {
    const unsigned char *u = (const unsigned char *)s;
    const uint8_t *cls = byte_classes();
    size_t o = 0, run = ++i; /* s[run .. i) is copied as it stands */
#ifdef __SSE2__
    size_t bytewise = i; /* bytes before this one are read one by one */
#endif
    for (;;) {
#ifdef __SSE2__
        if (i >= bytewise) {
            size_t k;
            while (len - i >= 16 && (k = plain_block(u + i)) != 0) i += k;
            /* a block that is not plain is read byte by byte */
            bytewise = i + 16;
        }
#endif
        if (i >= len) return 0;
        unsigned k = cls[u[i]];
        if (k == J_PLAIN) {
            i++;
            continue;
        }
        if (k == J_LEAD2) {
            if (i + 1 >= len || (u[i + 1] & 0xC0) != 0x80) return 0;
            i += 2;
            continue;
        }
        if (k == J_MULTI) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t m = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &cp);
            if (m <= 0) return 0;
            i += (size_t)m;
            continue;
        }
        memcpy(out + o, s + run, i - run);
        o += i - run;
        if (k == J_QUOTE) {
            *n = o;
            return i + 1;
        }
        if (k == J_CONTROL || i + 1 >= len) return 0;
        /* an escape */
        char e = s[i + 1];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *p = e ? strchr(from, e) : NULL;
        if (p) {
            out[o++] = to[p - from];
            i += 2;
        } else {
            if (e != 'u') return 0;
            long v = hex4(s, len, i + 2);
            if (v < 0) return 0;
            i += 6;
            if (v >= 0xD800 && v <= 0xDBFF) {
                if (i + 1 >= len || s[i] != '\\' || s[i + 1] != 'u') return 0;
                long w = hex4(s, len, i + 2);
                if (w < 0xDC00 || w > 0xDFFF) return 0;
                v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
                i += 6;
            } else if (v >= 0xDC00 && v <= 0xDFFF) {
                return 0;
            }
            o += (size_t)utf8proc_encode_char((utf8proc_int32_t)v, (utf8proc_uint8_t *)out + o);
        }
        run = i;
    }
}

/* The members other than "text" when every one of them is a string (the
 * usual metadata: id, published, source, url, title), made into an object
 * with jansson's own constructors, or NULL: jansson then parses them. The
 * keys and values are read as the "text" string is (decode_string: strict
 * UTF-8, no control byte, known escapes), so what is refused here is
 * refused there; a key met twice keeps its last value, as in jansson. */
#define META_MAX 16
typedef struct {
    size_t k, ke; /* the key: its opening quote, and past its closing one */
    size_t v, ve; /* the value, the same */
} member;

static json_t *strings_object(const char *s, size_t len, const member *m, size_t nm) {
    json_t *o = json_object();
    if (!o || json_object_set_new_nocheck(o, "text", json_null())) goto fail;
    for (size_t q = 0; q < nm; q++) {
        char kb[256], vb[512];
        size_t kn, vn;
        /* decoded strings are no longer than written */
        if (m[q].ke - m[q].k > sizeof kb || m[q].ve - m[q].v > sizeof vb ||
            !decode_string(s, len, m[q].k, kb, &kn) ||
            !decode_string(s, len, m[q].v, vb, &vn) ||
            json_object_setn_new_nocheck(o, kb, kn, json_stringn_nocheck(vb, vn)))
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

json_t *jsonl_load_split(const char *s, size_t len, char **text, size_t *text_len) {
    *text = NULL;
    *text_len = 0;
    size_t i = skip_space(s, len, 0);
    if (i >= len || s[i] != '{') return NULL;
    i = skip_space(s, len, i + 1);
    size_t ta = 0, tb = 0; /* the text string, quotes included: s[ta .. tb) */
    char *t = NULL;
    size_t tl = 0;
    member meta[META_MAX];
    size_t nmeta = 0;
    int strings = 1; /* every other member a string, META_MAX at most */
    for (;;) {
        if (i >= len || s[i] != '"') goto decline;
        size_t ks = i, ke = string_end(s, len, i);
        if (!ke || memchr(s + i + 1, '\\', ke - i - 2)) goto decline;
        int is_text = ke - i - 2 == 4 && memcmp(s + i + 1, "text", 4) == 0;
        i = skip_space(s, len, ke);
        if (i >= len || s[i] != ':') goto decline;
        i = skip_space(s, len, i + 1);
        size_t ve;
        if (is_text) {
            if (t || i >= len || s[i] != '"') goto decline;
            t = malloc(len - i);
            if (!t) goto decline;
            ve = decode_string(s, len, i, t, &tl);
            ta = i;
            tb = ve;
        } else {
            ve = value_end(s, len, i);
            if (ve && s[i] == '"' && nmeta < META_MAX)
                meta[nmeta++] = (member){ks, ke, i, ve};
            else
                strings = 0;
        }
        if (!ve) goto decline;
        i = skip_space(s, len, ve);
        if (i < len && s[i] == ',') {
            i = skip_space(s, len, i + 1);
            continue;
        }
        break;
    }
    if (!t) return NULL;
    if (strings && i < len && s[i] == '}' && skip_space(s, len, i + 1) == len) {
        json_t *o = strings_object(s, len, meta, nmeta);
        if (o) {
            t[tl] = '\0';
            *text = t;
            *text_len = tl;
            return o;
        }
    }
    /* the rest: the line with the text string replaced by null */
    size_t rn = ta + 4 + (len - tb);
    char *rest = malloc(rn);
    if (!rest) goto decline;
    memcpy(rest, s, ta);
    memcpy(rest + ta, "null", 4);
    memcpy(rest + ta + 4, s + tb, len - tb);
    json_error_t je;
    json_t *o = json_loadb(rest, rn, JSON_ALLOW_NUL, &je);
    free(rest);
    if (!o) goto decline;
    if (!json_is_object(o) || !json_is_null(json_object_get(o, "text"))) {
        json_decref(o);
        goto decline;
    }
    t[tl] = '\0';
    *text = t;
    *text_len = tl;
    return o;
decline:
    free(t);
    return NULL;
}

int jsonl_split_agrees(const char *s, size_t len, int *applied) {
    char *text;
    size_t tl;
    json_t *o = jsonl_load_split(s, len, &text, &tl);
    if (applied) *applied = o != NULL;
    if (!o) return 1;
    json_error_t je;
    json_t *full = json_loadb(s, len, JSON_ALLOW_NUL, &je);
    json_t *ft = full ? json_object_get(full, "text") : NULL;
    int same = json_is_string(ft) && json_string_length(ft) == tl &&
               memcmp(json_string_value(ft), text, tl) == 0 && text[tl] == '\0' &&
               json_object_set_new(full, "text", json_null()) == 0 && json_equal(o, full);
    json_decref(full);
    json_decref(o);
    free(text);
    return same;
}
