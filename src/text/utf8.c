/*
 * utf8.c — validating UTF-8 decoding on top of utf8proc.
 *
 * Every byte sequence is readable: an invalid, overlong, surrogate or
 * truncated sequence yields U+FFFD for exactly one byte, so offsets into the
 * original text stay exact and a scan is always linear.
 */
#include "marsad.h"
#include "text/text_internal.h"

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
    size_t i = 0, o = 0, bad = 0;
    while (i < len) {
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
            for (size_t k = 0; k < n; k++) out[o++] = s[i + k];
        }
        i += n;
    }
    out[o] = '\0';
    if (replaced) *replaced = bad;
    return o;
}
