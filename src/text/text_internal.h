/*
 * text_internal.h — helpers shared inside the text layer and by the lexicon
 * modules; not part of the public API.
 */
#ifndef MARSAD_TEXT_INTERNAL_H
#define MARSAD_TEXT_INTERNAL_H

#include "marsad.h"

#include <string.h>

/* marsad_utf8_sanitize into out, which has room for 3 * len + 1 bytes:
 * returns the length written (a NUL follows); *replaced (may be NULL) gets
 * the number of invalid sequences and NULs replaced. */
size_t text_utf8_clean(const char *s, size_t len, char *out, size_t *replaced);

/* marsad_utf8_next with the common cases inline: ASCII and two-byte
 * sequences (Latin, Arabic), which are valid whenever the lead byte is
 * C2..DF and a continuation byte follows. Same results in every case. */
static inline size_t text_utf8_next(const char *s, size_t len, size_t i,
                                    int32_t *cp, int *invalid) {
    if (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            *cp = c;
            *invalid = 0;
            return 1;
        }
        if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
            ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            *cp = ((int32_t)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
            *invalid = 0;
            return 2;
        }
    }
    return marsad_utf8_next(s, len, i, cp, invalid);
}

/* True when the folded token t equals the NUL-terminated folded string s. */
static inline int tok_is(const marsad_token *t, const char *s) {
    size_t n = strlen(s);
    return t->norm_len == n && memcmp(t->norm, s, n) == 0;
}

/* The key of a phrase as the lexicons store it: the folded forms of its
 * tokens (as marsad_doc_new would cut them) joined by single spaces; tokens
 * whose folded form is empty are skipped. Returns the key length; writes at
 * most cap bytes (NUL-terminated when it fits). */
size_t text_phrase_key(const char *s, size_t len, char *out, size_t cap);

/* marsad_doc_new over text[0..len), stopping at the token that brings the
 * words and numbers read to max_words: its tokens (offsets, folded forms,
 * kinds, flags) are the first ones marsad_doc_new gives, since a token ends
 * where it ends whatever follows; the last sentence is cut there. *cut is
 * set to 1 when the scan stopped (tokens may be left out), else 0 (the
 * document is marsad_doc_new's). Free with marsad_doc_free; NULL when
 * memory runs out. */
marsad_doc *text_doc_new_words(const char *text, size_t len, size_t max_words,
                               int *cut);

/* What marsad_doc_new (max_words SIZE_MAX) and text_doc_new_words
 * compute, the plain way: one code point at a time (marsad_utf8_next,
 * classify_slow), each token folded by marsad_fold, sentences as first
 * written. The reference the tests hold the tokenizer's tables and fast
 * paths to. */
marsad_doc *text_doc_new_plain(const char *text, size_t len, size_t max_words,
                               int *cut);

/* Makes d, the doc of a text some of whose lines (each from its first byte
 * to its line break) were then overwritten with spaces, the doc
 * marsad_doc_new(text, len) gives for the overwritten text: the tokens of
 * those lines are dropped, and sentences, paragraphs and the counts of bad
 * bytes are made again. A few instructions per token, against hundreds to
 * tokenize. Returns 0, or -1 (d unusable: free it) when len is not d's
 * length or memory runs out. */
int text_doc_blanked(marsad_doc *d, const char *text, size_t len);

/* The fold of one code point below U+0800 as UTF-8 bytes: b[0..len) (len
 * 0 when the code point is deleted), or len TEXT_FOLD_NO when it must be
 * folded the usual way (its fold has a space, or is longer than b). A
 * string's P (below) grows by it as P(s + b) = P(s) * mul + poly. The
 * tokenizer folds a word while it reads it with this table, which is what
 * text_fold_simple does. */
#define TEXT_FOLD_NO 0xFF
#define TEXT_FOLD_N 0x800
typedef struct {
    uint8_t len;
    char b[7];
    uint64_t poly, mul;
} text_fast_fold;
/* The table for U+0000..U+07FF, built on first use (thread-safe). */
const text_fast_fold *text_fold_fast_table(void);

/* marsad_fold(s, len, out, cap) for the common token: every character
 * ASCII or two-byte UTF-8 whose fold has no space. Then returns 1, with
 * the folded length in *out_len (out NUL-terminated) and its P (below, not
 * reduced) in *key; else 0 (out may have been written; fold it the usual
 * way). cap must be at least 4 * len + 8 for the fast way. */
int text_fold_simple(const char *s, size_t len, char *out, size_t cap,
                     size_t *out_len, uint64_t *key);

/* Lookup keys. A folded string s[0..n) is hashed as the polynomial
 * P(s) = s[0]*B^(n-1) + ... + s[n-1] modulo 2^47: the lexicons (lex/phrase.c)
 * derive the keys of a word's stems and of phrases from its tokens' P
 * without reading their bytes again, and marsad_doc_new stores each token's
 * P in the token (key_hi, key_lo, with bit 47 set to say it is there). */
#define TEXT_KEY_B 0x9E3779B97F4A7C15ULL
#define TEXT_KEY_MASK ((1ULL << 47) - 1)
#define TEXT_KEY_SET (1ULL << 47)

/* P of s appended to a string whose P is h (not reduced: callers mask). */
static inline uint64_t text_key_step(uint64_t h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) h = h * TEXT_KEY_B + (unsigned char)s[i];
    return h;
}

/* P of the token's folded form, from the token when marsad_doc_new stored
 * it. */
static inline uint64_t text_token_key(const marsad_token *t) {
    uint64_t k = ((uint64_t)t->key_hi << 32) | t->key_lo;
    if (k & TEXT_KEY_SET) return k & TEXT_KEY_MASK;
    return text_key_step(0, t->norm, t->norm_len) & TEXT_KEY_MASK;
}

/* Inline where asked for every token (gcc and clang otherwise call these
 * clitic tests: they are long), and a call cost about a fifth of the
 * answer. */
#if defined(__GNUC__) || defined(__clang__)
#define TEXT_HOT_INLINE inline __attribute__((always_inline))
#else
#define TEXT_HOT_INLINE inline
#endif

/* Is the letter c (two bytes) at w[at..at+2) within w[0..n)? */
static inline int text_letter_at(const char *w, size_t n, size_t at, const char *c) {
    return at + 2 <= n && w[at] == c[0] && w[at + 1] == c[1];
}

/* Byte lengths of the proclitics (see marsad_clitic_segments) the folded
 * word w starts with, shortest first, whatever is left after them. Returns
 * how many (0..3). Proclitics, folded: an optional conjunction و or ف, then
 * one of ب ل ك ال بال كال لل (ل + ال is written لل), or nothing after a
 * conjunction. Read letter by letter (folded Arabic letters are two bytes)
 * rather than by comparing the word with each affix. */
static TEXT_HOT_INLINE size_t text_proclitics(const char *w, size_t n, uint8_t out[3]) {
    size_t k = 0, i = 0;
    if (text_letter_at(w, n, 0, "و") || text_letter_at(w, n, 0, "ف")) {
        out[k++] = 2;
        i = 2;
    }
    if (text_letter_at(w, n, i, "ا")) {
        if (text_letter_at(w, n, i + 2, "ل")) out[k++] = (uint8_t)(i + 4);
    } else if (text_letter_at(w, n, i, "ب") || text_letter_at(w, n, i, "ك")) {
        out[k++] = (uint8_t)(i + 2);
        if (text_letter_at(w, n, i + 2, "ا") && text_letter_at(w, n, i + 4, "ل"))
            out[k++] = (uint8_t)(i + 6);
    } else if (text_letter_at(w, n, i, "ل")) {
        out[k++] = (uint8_t)(i + 2);
        if (text_letter_at(w, n, i + 2, "ل")) out[k++] = (uint8_t)(i + 4);
    }
    return k;
}

/* Byte lengths of the enclitic pronouns (see marsad_clitic_segments) the
 * folded word w may end with, shortest first. Returns how many (0..2).
 * Enclitic pronouns, folded: ه ها هم هما هن ك كم كما كن ي نا ني (ة folds
 * to ه, so a lexicon must confirm). */
static TEXT_HOT_INLINE size_t text_enclitics(const char *w, size_t n, uint8_t out[2]) {
    size_t k = 0;
    if (n < 2) return 0;
#define TEXT_END(back, c) (n >= (back) && text_letter_at(w, n, n - (back), c))
    if (TEXT_END(2, "ه") || TEXT_END(2, "ك")) {
        out[k++] = 2;
    } else if (TEXT_END(2, "ي")) {
        out[k++] = 2;
        if (TEXT_END(4, "ن")) out[k++] = 4;
    } else if (TEXT_END(2, "ا")) {
        if (TEXT_END(4, "ه") || TEXT_END(4, "ن")) out[k++] = 4;
        else if (TEXT_END(4, "م") && (TEXT_END(6, "ه") || TEXT_END(6, "ك"))) out[k++] = 6;
    } else if (TEXT_END(2, "م") || TEXT_END(2, "ن")) {
        if (TEXT_END(4, "ه") || TEXT_END(4, "ك")) out[k++] = 4;
    }
#undef TEXT_END
    return k;
}

/* Code points in s[0..n) (UTF-8 lead bytes). */
static inline size_t text_cp_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

#endif
