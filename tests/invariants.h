/*
 * invariants.h — what must hold of the text layer's output for ANY input,
 * checked by the unit tests (tests/test_badinput.c, on bad inputs and on
 * every bundled article) and by the fuzz targets (fuzz/fuzz_*.c).
 *
 * Each inv_* function returns NULL when all holds, else a message in a
 * static buffer (not thread-safe: test code only). The checks use a UTF-8
 * decoder written here from Unicode's table 3-7, independent of the library.
 * Cost: linear in the input, with a fold of each token and gap.
 */
#ifndef MARSAD_INVARIANTS_H
#define MARSAD_INVARIANTS_H

#include "marsad.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static char inv_msg[512];

static inline const char *inv_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(inv_msg, sizeof inv_msg, fmt, ap);
    va_end(ap);
    return inv_msg;
}

/* Length of the well-formed UTF-8 sequence at s[i] (1..4), 0 when none
 * starts there; *cp receives its code point. Unicode 15, table 3-7. */
static inline size_t inv_utf8_len(const unsigned char *s, size_t len, size_t i,
                                  int32_t *cp) {
    unsigned c = s[i];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) { *cp = (int32_t)c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c == 0xE0) { need = 2; lo = 0xA0; }
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) need = 2;
    else if (c == 0xED) { need = 2; hi = 0x9F; }
    else if (c == 0xF0) { need = 3; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) need = 3;
    else if (c == 0xF4) { need = 3; hi = 0x8F; }
    else return 0;
    if (len - i <= need) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (size_t k = 2; k <= need; k++)
        if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
    int32_t v = (int32_t)(c & (0x3F >> need));
    for (size_t k = 1; k <= need; k++) v = (v << 6) | (s[i + k] & 0x3F);
    *cp = v;
    return need + 1;
}

/* marsad_utf8_next, _invalid_count and _sanitize agree with the reference
 * decoder on s. */
static inline const char *inv_check_utf8(const char *s, size_t len) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, bad = 0, nul = 0;
    while (i < len) {
        int32_t cp = -2, ref = -3;
        int inv = -1;
        size_t n = marsad_utf8_next(s, len, i, &cp, &inv);
        size_t rn = inv_utf8_len(u, len, i, &ref);
        if (rn == 0) {
            if (n != 1 || inv != 1 || cp != 0xFFFD)
                return inv_fail("utf8_next at %zu: invalid byte 0x%02X read "
                                "as %zu bytes, cp %d, invalid %d", i, u[i], n,
                                (int)cp, inv);
            bad++;
            n = 1;
        } else if (n != rn || inv != 0 || cp != ref) {
            return inv_fail("utf8_next at %zu: got %zu bytes cp U+%04X inv %d, "
                            "want %zu bytes U+%04X", i, n, (unsigned)cp, inv,
                            rn, (unsigned)ref);
        } else if (cp == 0) {
            nul++;
        }
        i += n;
    }
    int32_t cp;
    int inv;
    if (marsad_utf8_next(s, len, len, &cp, &inv) != 0)
        return inv_fail("utf8_next at the end did not return 0");
    if (marsad_utf8_invalid_count(s, len) != bad)
        return inv_fail("utf8_invalid_count %zu, want %zu",
                        marsad_utf8_invalid_count(s, len), bad);
    size_t olen = 0, rep = 0;
    char *o = marsad_utf8_sanitize(s, len, &olen, &rep);
    if (!o) return inv_fail("utf8_sanitize returned NULL");
    const char *err = NULL;
    if (rep != bad + nul)
        err = inv_fail("utf8_sanitize replaced %zu, want %zu", rep, bad + nul);
    else if (olen != len + 2 * bad)
        err = inv_fail("utf8_sanitize length %zu, want %zu", olen, len + 2 * bad);
    else if (strlen(o) != olen)
        err = inv_fail("utf8_sanitize output has a NUL inside");
    else if (marsad_utf8_invalid_count(o, olen) != 0)
        err = inv_fail("utf8_sanitize output is not valid UTF-8");
    else if (bad == 0 && nul == 0 && memcmp(o, s, len) != 0)
        err = inv_fail("utf8_sanitize changed valid text");
    free(o);
    return err;
}

/* Folded text f (n bytes): valid UTF-8, no NUL, single spaces, trimmed. */
static inline const char *inv_check_folded(const char *f, size_t n) {
    if (strlen(f) != n) return inv_fail("folded text has a NUL inside");
    if (marsad_utf8_invalid_count(f, n) != 0)
        return inv_fail("folded text is not valid UTF-8");
    if (n && (f[0] == ' ' || f[n - 1] == ' '))
        return inv_fail("folded text starts or ends with a space");
    if (memmem(f, n, "  ", 2)) return inv_fail("folded text has two spaces");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)f[i] < 0x20 || f[i] == 0x7F)
            return inv_fail("folded text has control byte 0x%02X at %zu",
                            (unsigned char)f[i], i);
    return NULL;
}

/* marsad_fold, marsad_fold_dup and marsad_normtext agree; the folded text is
 * clean; the offset map is ordered, lands on code point starts, and maps the
 * end to the end; a short buffer gets the same length and a prefix. */
static inline const char *inv_check_fold(const char *s, size_t len) {
    const char *err = NULL;
    size_t n = 0, tn = 0;
    char *dup = marsad_fold_dup(s, len, &n);
    marsad_normtext *nt = marsad_normtext_new(s, len);
    unsigned char *starts = calloc(len + 1, 1);
    if (!dup || !nt || !starts) {
        err = inv_fail("out of memory");
        goto done;
    }
    if ((err = inv_check_folded(dup, n)) != NULL) goto done;
    if (marsad_fold(s, len, NULL, 0) != n) {
        err = inv_fail("marsad_fold(NULL, 0) gives another length");
        goto done;
    }
    const char *t = marsad_normtext_str(nt, &tn);
    if (tn != n || memcmp(t, dup, n) != 0 || t[n] != '\0') {
        err = inv_fail("normtext differs from fold_dup");
        goto done;
    }
    for (size_t i = 0; i < len;) {
        int32_t cp;
        int inv;
        starts[i] = 1;
        i += marsad_utf8_next(s, len, i, &cp, &inv);
    }
    starts[len] = 1;
    size_t prev = 0;
    for (size_t k = 0; k <= n; k++) {
        size_t o = marsad_normtext_orig(nt, k);
        if (o < prev || o > len || !starts[o] || (k < n && o >= len)) {
            err = inv_fail("normtext_orig(%zu) = %zu (previous %zu, length %zu)",
                           k, o, prev, len);
            goto done;
        }
        prev = o;
    }
    if (marsad_normtext_orig(nt, n) != len ||
        marsad_normtext_orig(nt, n + 5) != len) {
        err = inv_fail("normtext_orig(end) is not the text length");
        goto done;
    }
    /* a short buffer: same length returned, a prefix written */
    char small[7];
    for (size_t cap = 1; cap <= sizeof small; cap++) {
        memset(small, 'X', sizeof small);
        if (marsad_fold(s, len, small, cap) != n) {
            err = inv_fail("marsad_fold with cap %zu returns another length", cap);
            goto done;
        }
        size_t m = n < cap ? n : cap;
        if (memcmp(small, dup, m) != 0 || (n < cap && small[n] != '\0') ||
            (cap < sizeof small && small[cap] != 'X')) {
            err = inv_fail("marsad_fold with cap %zu wrote a wrong prefix", cap);
            goto done;
        }
    }
done:
    free(dup);
    free(starts);
    marsad_normtext_free(nt);
    return err;
}

/* A code point that may lie between tokens: white space, line breaks,
 * controls and invisible format characters (not the joiners). */
static inline int inv_is_gap_cp(int32_t cp) {
    if (cp == 0x200C || cp == 0x200D) return 0;
    if (cp < 0x80)
        return cp <= 0x20 || cp == 0x7F;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP || c == UTF8PROC_CATEGORY_CC ||
           c == UTF8PROC_CATEGORY_CF;
}

/* The tokens, sentences and paragraphs of doc, made from text[0..len):
 * tokens are ordered, non-empty, in range, separated only by gap characters,
 * GLUED exactly when touching the previous token, their folded form is the
 * fold of their bytes; sentences partition the tokens in order; paragraphs
 * are counted by PARA_START; bad-byte counts are right. */
static inline const char *inv_check_doc(const char *text, size_t len,
                                        const marsad_doc *d) {
    size_t dl, n, ns;
    const char *dt = marsad_doc_text(d, &dl);
    if (dl != len || (len && memcmp(dt, text, len) != 0) || dt[len] != '\0')
        return inv_fail("doc text is not a NUL-terminated copy of the input");
    const marsad_token *t = marsad_doc_tokens(d, &n);
    const marsad_sentence *s = marsad_doc_sentences(d, &ns);
    size_t bad = marsad_utf8_invalid_count(text, len), nul = 0;
    for (size_t i = 0; i < len; i++) nul += text[i] == '\0';
    if (marsad_doc_invalid_bytes(d) != bad)
        return inv_fail("doc invalid bytes %zu, want %zu",
                        marsad_doc_invalid_bytes(d), bad);
    if (marsad_doc_nul_bytes(d) != nul)
        return inv_fail("doc NUL bytes %zu, want %zu", marsad_doc_nul_bytes(d),
                        nul);
    size_t prev = 0, paras = 0;
    char buf[64];
    for (size_t k = 0; k <= n; k++) {
        size_t gap_end = k < n ? t[k].start : len;
        if (gap_end < prev || gap_end > len)
            return inv_fail("token %zu starts at %zu (previous end %zu)", k,
                            gap_end, prev);
        for (size_t i = prev; i < gap_end;) {
            int32_t cp;
            int inv;
            size_t m = marsad_utf8_next(text, len, i, &cp, &inv);
            if (inv || !inv_is_gap_cp(cp))
                return inv_fail("U+%04X at byte %zu is in no token",
                                (unsigned)cp, i);
            i += m;
        }
        if (k == n) break;
        const marsad_token *x = &t[k];
        if (x->end <= x->start || x->end > len)
            return inv_fail("token %zu is [%zu,%zu) in %zu bytes", k, x->start,
                            x->end, len);
        if (x->kind > MARSAD_TOK_QUOTE)
            return inv_fail("token %zu has kind %d", k, x->kind);
        int glued = k > 0 && t[k - 1].end == x->start;
        if (glued != !!(x->flags & MARSAD_TOKF_GLUED))
            return inv_fail("token %zu at %zu: GLUED flag %d, touching %d", k,
                            x->start, !!(x->flags & MARSAD_TOKF_GLUED), glued);
        if (x->flags & ~(MARSAD_TOKF_GLUED | MARSAD_TOKF_INVALID |
                         MARSAD_TOKF_PARA_START))
            return inv_fail("token %zu has unknown flags 0x%x", k, x->flags);
        if (x->flags & MARSAD_TOKF_INVALID) {
            int32_t cp;
            int inv;
            marsad_utf8_next(text, len, x->start, &cp, &inv);
            if (!inv || x->end != x->start + 1)
                return inv_fail("token %zu flagged INVALID is not one bad byte", k);
        }
        if ((k == 0) && !(x->flags & MARSAD_TOKF_PARA_START))
            return inv_fail("first token is not a paragraph start");
        paras += !!(x->flags & MARSAD_TOKF_PARA_START);
        if (!x->norm || strlen(x->norm) != x->norm_len)
            return inv_fail("token %zu: norm_len %u but strlen %zu", k,
                            x->norm_len, x->norm ? strlen(x->norm) : 0);
        /* the fold of its bytes, without the spaces a multi-word ligature
         * (ﷺ) folds to: a token's norm is one word */
        size_t fn = marsad_fold(text + x->start, x->end - x->start, NULL, 0);
        char *fb = fn < sizeof buf ? buf : malloc(fn + 1);
        if (!fb) return inv_fail("token %zu: out of memory", k);
        marsad_fold(text + x->start, x->end - x->start, fb, fn + 1);
        size_t o = 0;
        for (size_t q = 0; q < fn; q++)
            if (fb[q] != ' ') fb[o++] = fb[q];
        int same = o == x->norm_len && memcmp(fb, x->norm, o) == 0;
        if (fb != buf) free(fb);
        if (!same)
            return inv_fail("token %zu: norm is not the fold of its bytes", k);
        const char *e = inv_check_folded(x->norm, x->norm_len);
        if (e) return e;
        if (x->sentence >= ns)
            return inv_fail("token %zu in sentence %u of %zu", k, x->sentence, ns);
        prev = x->end;
    }
    if (paras != marsad_doc_paragraph_count(d))
        return inv_fail("%zu paragraph starts, paragraph count %zu", paras,
                        marsad_doc_paragraph_count(d));
    size_t tok = 0;
    for (size_t i = 0; i < ns; i++) {
        const marsad_sentence *x = &s[i];
        if (x->first_token != tok || x->ntokens == 0 ||
            x->ntokens > n - tok)
            return inv_fail("sentence %zu: tokens %u+%u, expected start %zu of %zu",
                            i, x->first_token, x->ntokens, tok, n);
        if (x->start != t[tok].start || x->end != t[tok + x->ntokens - 1].end)
            return inv_fail("sentence %zu: bytes [%zu,%zu) not its tokens'", i,
                            x->start, x->end);
        if ((i > 0 && x->paragraph < s[i - 1].paragraph) ||
            x->paragraph >= marsad_doc_paragraph_count(d))
            return inv_fail("sentence %zu in paragraph %u", i, x->paragraph);
        for (size_t k = tok; k < tok + x->ntokens; k++) {
            if (t[k].sentence != i)
                return inv_fail("token %zu says sentence %u, is in %zu", k,
                                t[k].sentence, i);
            if (k > tok && (t[k].flags & MARSAD_TOKF_PARA_START))
                return inv_fail("paragraph starts inside sentence %zu", i);
        }
        tok += x->ntokens;
    }
    if (tok != n) return inv_fail("sentences cover %zu of %zu tokens", tok, n);
    return NULL;
}

/* Whether two docs are the same: every token (offsets, folded form, key,
 * kind, flags, sentence), every sentence, the paragraph count and the counts
 * of bad bytes. For a doc made another way than marsad_doc_new (the reader's
 * tokens after blanking) against marsad_doc_new's. */
static inline const char *inv_check_same_docs(const marsad_doc *a, const marsad_doc *b) {
    size_t na, nb, sa, sb;
    const marsad_token *x = marsad_doc_tokens(a, &na), *y = marsad_doc_tokens(b, &nb);
    const marsad_sentence *p = marsad_doc_sentences(a, &sa), *q = marsad_doc_sentences(b, &sb);
    if (na != nb || sa != sb)
        return inv_fail("%zu tokens and %zu sentences, against %zu and %zu", na, sa, nb, sb);
    if (marsad_doc_paragraph_count(a) != marsad_doc_paragraph_count(b) ||
        marsad_doc_invalid_bytes(a) != marsad_doc_invalid_bytes(b) ||
        marsad_doc_nul_bytes(a) != marsad_doc_nul_bytes(b))
        return inv_fail("paragraph or bad-byte counts differ");
    for (size_t i = 0; i < na; i++)
        if (x[i].start != y[i].start || x[i].end != y[i].end || x[i].norm_len != y[i].norm_len ||
            memcmp(x[i].norm, y[i].norm, x[i].norm_len + 1) != 0 ||
            x[i].sentence != y[i].sentence || x[i].kind != y[i].kind ||
            x[i].flags != y[i].flags || x[i].key_hi != y[i].key_hi || x[i].key_lo != y[i].key_lo)
            return inv_fail("token %zu differs", i);
    for (size_t i = 0; i < sa; i++)
        if (p[i].first_token != q[i].first_token || p[i].ntokens != q[i].ntokens ||
            p[i].start != q[i].start || p[i].end != q[i].end || p[i].paragraph != q[i].paragraph)
            return inv_fail("sentence %zu differs", i);
    return NULL;
}

/* Segmentations of a word w (n bytes) as marsad_clitic_segments gives them
 * (k of at most max): the whole word first, then by growing total stripped,
 * distinct, clitics at most 8 bytes before and 6 after, cut on code point
 * starts, leaving a stem of at least two code points. */
static inline const char *inv_check_clitics(const char *w, size_t n,
                                            const marsad_seg *seg, int k,
                                            int max) {
    if (k < 0 || k > max || (max > 0 && k < 1))
        return inv_fail("%d segmentations for max %d", k, max);
    if (k > 0 && (seg[0].pro || seg[0].enc))
        return inv_fail("first segmentation is not the whole word");
    for (int i = 1; i < k; i++) {
        size_t p = seg[i].pro, e = seg[i].enc;
        if (p + e == 0 || p + e >= n || p > 8 || e > 6)
            return inv_fail("segmentation %d strips %zu+%zu of %zu bytes", i,
                            p, e, n);
        if (p + e < (size_t)seg[i - 1].pro + seg[i - 1].enc)
            return inv_fail("segmentation %d strips less than the one before", i);
        if (((unsigned char)w[p] & 0xC0) == 0x80 ||
            (e > 0 && ((unsigned char)w[n - e] & 0xC0) == 0x80))
            return inv_fail("segmentation %d cuts inside a code point", i);
        size_t cps = 0;
        for (size_t j = p; j < n - e; j++)
            cps += ((unsigned char)w[j] & 0xC0) != 0x80;
        if (cps < 2) return inv_fail("segmentation %d leaves a short stem", i);
        for (int j = 0; j < i; j++)
            if (seg[j].pro == p && seg[j].enc == e)
                return inv_fail("segmentation %d repeats %d", i, j);
    }
    return NULL;
}

#endif
