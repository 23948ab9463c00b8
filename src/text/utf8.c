/*
 * utf8.c — validating UTF-8 decoding on top of utf8proc.
 *
 * Every byte sequence is readable: an invalid, overlong, surrogate or
 * truncated sequence yields U+FFFD for exactly one byte, so offsets into the
 * original text stay exact and a scan is always linear.
 */
#include "marsad.h"
#include "text/text_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t marsad_utf8_next(const char *s, size_t len, size_t i, int32_t *cp,
                        int *invalid) {
    if (i >= len) {
        *cp = -1;
        *invalid = 0;
        return 0;
    }
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) { /* fast path: ASCII */
        *cp = c;
        *invalid = 0;
        return 1;
    }
    utf8proc_int32_t u;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(len - i), &u);
    if (n <= 0) {
        *cp = 0xFFFD;
        *invalid = 1;
        return 1;
    }
    *cp = u;
    *invalid = 0;
    return (size_t)n;
}

size_t marsad_utf8_invalid_count(const char *s, size_t len) {
    size_t i = 0, bad = 0;
    while (i < len) {
        int32_t cp;
        int inv;
        i += text_utf8_next(s, len, i, &cp, &inv);
        bad += (size_t)inv;
    }
    return bad;
}

char *marsad_utf8_sanitize(const char *s, size_t len, size_t *out_len,
                           size_t *replaced) {
    /* Worst case: every byte becomes a 3-byte U+FFFD. */
    if (len > (SIZE_MAX - 1) / 3) return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out) return NULL;
    size_t o = text_utf8_clean(s, len, out, replaced);
    if (out_len) *out_len = o;
    return out;
}

size_t text_utf8_clean(const char *s, size_t len, char *out, size_t *replaced) {
    /* Runs of bytes that are already clean (ASCII other than NUL, eight at
     * a time, and valid two-byte sequences: Arabic) are copied with one
     * memcpy; every other character is decoded and replaced or copied. */
    size_t i = 0, o = 0, bad = 0;
    while (i < len) {
        size_t r = i;
        for (;;) {
            while (r + 8 <= len) {
                uint64_t v;
                memcpy(&v, s + r, 8);
                if ((v & 0x8080808080808080ULL) ||
                    ((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL))
                    break;
                r += 8;
            }
            unsigned char b = r < len ? (unsigned char)s[r] : 0;
            if (b >= 0x01 && b < 0x80) {
                r++;
            } else if (b >= 0xC2 && b <= 0xDF && r + 1 < len &&
                       ((unsigned char)s[r + 1] & 0xC0) == 0x80) {
                r += 2;
            } else {
                break;
            }
        }
        memcpy(out + o, s + i, r - i);
        o += r - i;
        i = r;
        if (i >= len) break;
        int32_t cp;
        int inv;
        size_t n = text_utf8_next(s, len, i, &cp, &inv);
        if (inv) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            bad++;
        } else if (cp == 0) {
            out[o++] = ' ';
            bad++;
        } else {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    if (replaced) *replaced = bad;
    return o;
}
