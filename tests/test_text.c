/* test_text.c — UTF-8 decoding, folding, tokenizing, segmenting, clitics. */
#include "invariants.h"
#include "marsad.h"
#include "table.h"
#include "test.h"
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

static void unescape_nl(char *s) {
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') { *o++ = '\n'; p++; }
        else *o++ = *p;
    }
    *o = '\0';
}

static void fold_row(char **f, int n, int line) {
    const char *want = n > 1 ? f[1] : "";
    size_t len;
    char *got = marsad_fold_dup(f[0], strlen(f[0]), &len);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  fold.tsv row %d: '%s' -> '%s', want '%s'\n", line,
                f[0], got, want);
    CHECK_EQ_STR(got, want);
    CHECK_EQ_INT(len, strlen(want));
    free(got);
}

TEST(fold_table)
{
    CHECK(table_each("tests/data/fold.tsv", fold_row) >= 20);
}

TEST(fold_small_buffer_reports_needed_size)
{
    char out[4];
    size_t n = marsad_fold("مصراتة", strlen("مصراتة"), out, sizeof out);
    CHECK_EQ_INT(n, strlen("مصراته"));
    CHECK_EQ_INT(marsad_fold("abc", 3, NULL, 0), 3);
}

TEST(normtext_maps_back_to_original)
{
    const char *s = "قال: «مُصْرَاتَة»  ٢٤";
    marsad_normtext *nt = marsad_normtext_new(s, strlen(s));
    size_t n;
    const char *f = marsad_normtext_str(nt, &n);
    CHECK_EQ_STR(f, "قال: \"مصراته\" 24");
    const char *m = strstr(f, "مصراته");
    size_t o = marsad_normtext_orig(nt, (size_t)(m - f));
    CHECK(strncmp(s + o, "مُ", strlen("مُ")) == 0);
    CHECK_EQ_INT(marsad_normtext_orig(nt, n), strlen(s));
    const char *d = strstr(f, "24");
    CHECK(strncmp(s + marsad_normtext_orig(nt, (size_t)(d - f)), "٢", 2) == 0);
    marsad_normtext_free(nt);
}

TEST(utf8_invalid_sequences)
{
    /* overlong '/', lone surrogate U+D800, truncated 3-byte, stray continuation */
    const char bad[] = "a\xC0\xAF" "b\xED\xA0\x80" "c\xE2\x82" "d\x80";
    size_t len = sizeof bad - 1;
    CHECK_EQ_INT(marsad_utf8_invalid_count(bad, len), 2 + 3 + 2 + 1);
    size_t ol, rep;
    char *s = marsad_utf8_sanitize(bad, len, &ol, &rep);
    CHECK_EQ_INT(rep, 8);
    CHECK_EQ_INT(marsad_utf8_invalid_count(s, ol), 0);
    free(s);
    CHECK_EQ_INT(marsad_utf8_invalid_count("ليبيا", strlen("ليبيا")), 0);
    int32_t cp;
    int inv;
    CHECK_EQ_INT(marsad_utf8_next("\xF0\x9F\x98\x80", 4, 0, &cp, &inv), 4);
    CHECK_EQ_INT(cp, 0x1F600);
    CHECK_EQ_INT(marsad_utf8_next("x", 1, 1, &cp, &inv), 0);
}

static void describe(const marsad_doc *d, char *out, size_t cap) {
    size_t n, len, o = 0;
    const char *text = marsad_doc_text(d, &len);
    const marsad_token *t = marsad_doc_tokens(d, &n);
    out[0] = '\0';
    for (size_t i = 0; i < n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s:%.*s", i ? " " : "",
                              marsad_token_kind_name(t[i].kind),
                              (int)(t[i].end - t[i].start), text + t[i].start);
}

static void token_row(char **f, int n, int line) {
    CHECK(n >= 2);
    if (n < 2) return;
    marsad_doc *d = marsad_doc_new(f[0], strlen(f[0]));
    char got[1024];
    describe(d, got, sizeof got);
    if (strcmp(got, f[1]) != 0)
        fprintf(stderr, "  tokens.tsv row %d\n", line);
    CHECK_EQ_STR(got, f[1]);
    marsad_doc_free(d);
}

TEST(tokenize_table)
{
    CHECK(table_each("tests/data/tokens.tsv", token_row) >= 8);
}

static void sentence_row(char **f, int n, int line) {
    CHECK(n >= 3);
    if (n < 3) return;
    unescape_nl(f[0]);
    marsad_doc *d = marsad_doc_new(f[0], strlen(f[0]));
    size_t ns;
    marsad_doc_sentences(d, &ns);
    if ((long)ns != atol(f[1]))
        fprintf(stderr, "  sentences.tsv row %d: %zu sentences\n", line, ns);
    CHECK_EQ_INT(ns, atol(f[1]));
    CHECK_EQ_INT(marsad_doc_paragraph_count(d), atol(f[2]));
    marsad_doc_free(d);
}

TEST(sentence_table)
{
    CHECK(table_each("tests/data/sentences.tsv", sentence_row) >= 6);
}

static void clitic_row(char **f, int n, int line) {
    CHECK(n >= 2);
    if (n < 2) return;
    char pro[64], stem[128], enc[64];
    CHECK(sscanf(f[1], "%63[^+]+%127[^+]+%63s", pro, stem, enc) == 3);
    size_t pl = strcmp(pro, "-") ? strlen(pro) : 0;
    size_t el = strcmp(enc, "-") ? strlen(enc) : 0;
    marsad_seg segs[32];
    int k = marsad_clitic_segments(f[0], strlen(f[0]), segs, 32);
    CHECK(k >= 1 && segs[0].pro == 0 && segs[0].enc == 0);
    int found = 0;
    for (int i = 0; i < k; i++)
        if (segs[i].pro == pl && segs[i].enc == el &&
            strncmp(f[0] + pl, stem, strlen(stem)) == 0)
            found = 1;
    if (!found) fprintf(stderr, "  clitics.tsv row %d not proposed\n", line);
    CHECK(found);
}

TEST(clitic_table)
{
    CHECK(table_each("tests/data/clitics.tsv", clitic_row) >= 6);
}

/* The exact list and order: matching relies on it (shortest stripping
 * first, equal lengths by growing proclitic). */
static void clitic_order_row(char **f, int n, int line) {
    CHECK(n >= 2);
    if (n < 2) return;
    marsad_seg segs[32];
    int k = marsad_clitic_segments(f[0], strlen(f[0]), segs, 32);
    char got[512];
    size_t o = 0;
    for (int i = 0; i < k && o < sizeof got; i++)
        o += (size_t)snprintf(got + o, sizeof got - o, "%s%d/%d", i ? " " : "",
                              segs[i].pro, segs[i].enc);
    if (strcmp(got, f[1]) != 0)
        fprintf(stderr, "  clitics_order.tsv:%d: got %s\n", line, got);
    CHECK_EQ_STR(got, f[1]);
    /* a smaller max keeps a prefix of the same list */
    marsad_seg few[3];
    int k3 = marsad_clitic_segments(f[0], strlen(f[0]), few, 3);
    CHECK_EQ_INT(k3, k < 3 ? k : 3);
    CHECK(memcmp(few, segs, (size_t)k3 * sizeof *few) == 0);
}

TEST(clitic_order_table)
{
    CHECK(table_each("tests/data/clitics_order.tsv", clitic_order_row) >= 8);
}

TEST(clitics_keep_short_stems)
{
    marsad_seg s[32];
    /* "بل" must not lose its ب: a one-letter stem is never proposed */
    int k = marsad_clitic_segments("بل", strlen("بل"), s, 32);
    CHECK_EQ_INT(k, 1);
    CHECK_EQ_INT(marsad_clitic_segments("", 0, s, 32), 1);
    CHECK_EQ_INT(marsad_clitic_segments("وبالمدينه", strlen("وبالمدينه"), s, 0), 0);
}

/* Every token and sentence of every bundled article slices back to its own
 * bytes: offsets are ordered, in range, and tokens cover all non-space. */
static void roundtrip_file(const char *path, void *ctx) {
    int *count = ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    CHECK(text != NULL);
    if (!text) return;
    marsad_doc *d = marsad_doc_new(text, len);
    size_t n, ns;
    const marsad_token *t = marsad_doc_tokens(d, &n);
    const marsad_sentence *s = marsad_doc_sentences(d, &ns);
    size_t prev = 0, covered = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(t[i].start >= prev && t[i].end > t[i].start && t[i].end <= len);
        size_t nl;
        char *f = marsad_fold_dup(text + t[i].start, t[i].end - t[i].start, &nl);
        CHECK(nl == t[i].norm_len && memcmp(f, t[i].norm, nl) == 0);
        free(f);
        covered += t[i].end - t[i].start;
        prev = t[i].end;
    }
    /* everything not in a token is white space */
    size_t spaces = 0;
    marsad_normtext *nt = marsad_normtext_new(text, len);
    marsad_normtext_free(nt);
    for (size_t i = 0; i < len; i++)
        if (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' ||
            text[i] == '\t')
            spaces++;
    CHECK(covered + spaces <= len);
    size_t tok = 0;
    for (size_t i = 0; i < ns; i++) {
        CHECK_EQ_INT(s[i].first_token, tok);
        CHECK(s[i].start == t[tok].start);
        tok += s[i].ntokens;
        CHECK(s[i].end == t[tok - 1].end);
    }
    CHECK_EQ_INT(tok, n);
    marsad_doc_free(d);
    free(text);
    (*count)++;
}

TEST(offsets_roundtrip_bundled_articles)
{
    int count = 0;
    test_each_file("examples/seeds", ".txt", roundtrip_file, &count);
    test_each_file("examples/dev", ".txt", roundtrip_file, &count);
    CHECK(count >= 30);
}

TEST(issue_example_dateline_tokens)
{
    size_t len;
    char *text = test_read_file("examples/seeds/004_211c947fa9c0ab59.txt", &len);
    CHECK(text != NULL);
    if (!text) return;
    marsad_doc *d = marsad_doc_new(text, len);
    size_t n;
    const marsad_token *t = marsad_doc_tokens(d, &n);
    const char *at = strstr(text, "24/أبريل/2016");
    CHECK(at != NULL);
    size_t off = (size_t)(at - text);
    size_t i = 0;
    while (i < n && t[i].start < off) i++;
    CHECK(i + 4 < n);
    CHECK(t[i].start == off && t[i].kind == MARSAD_TOK_NUMBER);
    CHECK(memcmp(text + t[i].start, "24", 2) == 0 && t[i].end == off + 2);
    CHECK(memcmp(text + t[i + 2].start, "أبريل", strlen("أبريل")) == 0);
    CHECK(t[i + 2].end - t[i + 2].start == strlen("أبريل"));
    CHECK(memcmp(text + t[i + 4].start, "2016", 4) == 0 &&
          t[i + 4].end - t[i + 4].start == 4);
    marsad_doc_free(d);
    free(text);
}

/* marsad_fold reads most characters through a byte table when it has room
 * and no offset map is asked for; the general loop (marsad_normtext_new,
 * and marsad_fold into a buffer too small) must give the same bytes: every
 * code point below U+0800 and random mixes of Arabic, Latin, marks, spaces,
 * digits, punctuation and invalid bytes. */
TEST(fold_fast_path_same_as_general_loop)
{
    static const char *const PIECES[] = {
        "ا", "أ", "ة", "ى", "ـ", "َ", "ّ", "ﻻ", "ﷺ", "٢", "۴", "،", "؟", " ", "  ",
        "\t", "\n", "A", "z", "é", "ß", "\xC2\xA0", "\xE2\x80\x8F", "\xE2\x80\x9C",
        "\xFF", "\xD8", "\xE2\x80", "0", ".", "\"", "\xC2\xAD", "\xD9\x80",
    };
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    char s[256], a[1200], b_small[7];
    int bad = 0;
    for (int round = 0; round < 20000 + 0x800; round++) {
        size_t len = 0;
        if (round < 0x800) {
            /* one code point, alone and between letters */
            int cp = round;
            s[len++] = 'x';
            if (cp < 0x80) s[len++] = (char)cp;
            else {
                s[len++] = (char)(0xC0 | (cp >> 6));
                s[len++] = (char)(0x80 | (cp & 0x3F));
            }
            s[len++] = 'y';
        } else {
            int k = 1 + (int)(x % 40);
            for (int j = 0; j < k; j++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                const char *p = PIECES[x % (sizeof PIECES / sizeof *PIECES)];
                size_t pl = strlen(p);
                if (len + pl >= sizeof s) break;
                memcpy(s + len, p, pl);
                len += pl;
            }
        }
        size_t n = marsad_fold(s, len, a, sizeof a);
        marsad_normtext *nt = marsad_normtext_new(s, len);
        size_t m = 0;
        const char *want = nt ? marsad_normtext_str(nt, &m) : NULL;
        size_t ns = marsad_fold(s, len, b_small, sizeof b_small);
        int ok = want && n == m && n < sizeof a && memcmp(a, want, n) == 0 &&
                 a[n] == '\0' && ns == n &&
                 memcmp(b_small, want, n < sizeof b_small ? n : sizeof b_small) == 0;
        if (!ok && bad++ < 3) fprintf(stderr, "  round %d: fold differs\n", round);
        marsad_normtext_free(nt);
    }
    CHECK_EQ_INT(bad, 0);
}

/* A document read up to a number of words (text_doc_new_words, used to
 * look at the start of long lines) has marsad_doc_new's first tokens, with
 * their offsets, folded forms, keys, kinds and glue. */
static int words_bad, words_docs;

static void words_file(const char *path, void *ctx) {
    (void)ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    marsad_doc *full = text ? marsad_doc_new(text, len) : NULL;
    if (!full) {
        free(text);
        return;
    }
    size_t nf;
    const marsad_token *f = marsad_doc_tokens(full, &nf);
    static const size_t MAX[] = {1, 2, 7, 45, 300, 100000};
    for (size_t k = 0; k < sizeof MAX / sizeof *MAX; k++) {
        int cut;
        marsad_doc *p = text_doc_new_words(text, len, MAX[k], &cut);
        size_t np, words = 0;
        const marsad_token *t = p ? marsad_doc_tokens(p, &np) : NULL;
        int ok = p && np <= nf && (cut || np == nf);
        for (size_t i = 0; ok && i < np; i++) {
            ok = t[i].start == f[i].start && t[i].end == f[i].end &&
                 t[i].kind == f[i].kind && t[i].norm_len == f[i].norm_len &&
                 memcmp(t[i].norm, f[i].norm, f[i].norm_len) == 0 &&
                 t[i].key_hi == f[i].key_hi && t[i].key_lo == f[i].key_lo &&
                 (t[i].flags & MARSAD_TOKF_GLUED) == (f[i].flags & MARSAD_TOKF_GLUED);
            words += t[i].kind == MARSAD_TOK_WORD || t[i].kind == MARSAD_TOK_NUMBER;
        }
        if (ok && cut) ok = words == MAX[k];
        if (!ok && words_bad++ < 3)
            fprintf(stderr, "  %s: %zu words: not the first tokens\n", path, MAX[k]);
        marsad_doc_free(p);
    }
    words_docs++;
    marsad_doc_free(full);
    free(text);
}

TEST(doc_of_the_first_words_has_the_first_tokens)
{
    words_bad = words_docs = 0;
    test_each_file("examples/dev", ".txt", words_file, NULL);
    test_each_file("examples/seeds", ".txt", words_file, NULL);
    CHECK(words_docs >= 30);
    CHECK_EQ_INT(words_bad, 0);
}

/* Each token's folded form and key, as the tokenizer writes them (a table
 * path for plain tokens), are marsad_fold of its text and the polynomial of
 * that form: over the bundled articles and random mixes of letters, marks,
 * ligatures, digits, spaces and invalid bytes. */
static int tokfold_bad, tokfold_tokens;

static void tokfold_text(const char *s, size_t len) {
    marsad_doc *d = marsad_doc_new(s, len);
    if (!d) return;
    size_t n;
    const marsad_token *t = marsad_doc_tokens(d, &n);
    for (size_t i = 0; i < n; i++) {
        char *f = marsad_fold_dup(s + t[i].start, t[i].end - t[i].start, NULL);
        size_t fl = 0;
        if (f) { /* the form is one word: spaces of ligatures squeezed out */
            for (size_t k = 0; f[k]; k++)
                if (f[k] != ' ') f[fl++] = f[k];
            f[fl] = '\0';
        }
        int ok = f && t[i].norm_len == fl && memcmp(t[i].norm, f, fl) == 0 &&
                 t[i].norm[fl] == '\0' &&
                 text_token_key(&t[i]) == (text_key_step(0, f, fl) & TEXT_KEY_MASK) &&
                 (((uint64_t)t[i].key_hi << 32 | t[i].key_lo) & TEXT_KEY_SET);
        if (!ok && tokfold_bad++ < 3)
            fprintf(stderr, "  token '%.*s': form or key differs\n",
                    (int)(t[i].end - t[i].start), s + t[i].start);
        tokfold_tokens++;
        free(f);
    }
    marsad_doc_free(d);
}

static void tokfold_file(const char *path, void *ctx) {
    (void)ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    if (text) tokfold_text(text, len);
    free(text);
}

TEST(token_forms_and_keys_are_folds)
{
    tokfold_bad = tokfold_tokens = 0;
    test_each_file("examples/dev", ".txt", tokfold_file, NULL);
    static const char *const PIECES[] = {
        "ا", "أ", "ة", "ى", "ـ", "َ", "ﻻ", "ﷺ", "٢", "،", " ", "\n", "A", "é",
        "\xC2\xA0", "\xE2\x80\x8F", "\xFF", "\xD8", "0", ".", "ب", "ال", "ك", "ڤ",
    };
    unsigned long long x = 88172645463325252ULL;
    char s[200];
    for (int r = 0; r < 5000; r++) {
        size_t len = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES, 30, &x,
                                      s, sizeof s);
        tokfold_text(s, len);
    }
    /* long words (forms past 248 bytes were once folded another way), with
     * a mark or a ligature at the end */
    static const char *const ENDS[] = {"", "َ", "ﻻ", "ـ", "ڤ"};
    for (size_t letters = 118; letters <= 130; letters++)
        for (size_t e = 0; e < sizeof ENDS / sizeof *ENDS; e++) {
            char w[400];
            size_t n = 0;
            for (size_t k = 0; k < letters; k++) {
                memcpy(w + n, k % 3 ? "ب" : "أ", 2);
                n += 2;
            }
            memcpy(w + n, ENDS[e], strlen(ENDS[e]));
            n += strlen(ENDS[e]);
            tokfold_text(w, n);
        }
    CHECK(tokfold_tokens >= 50000);
    CHECK_EQ_INT(tokfold_bad, 0);
}

/* text_utf8_clean (every event string, marsad_utf8_sanitize) copies clean
 * runs whole: it writes what cleaning one character at a time writes (a
 * reference here, on marsad_utf8_next), byte for byte, and counts the same
 * replacements, on clean, broken and truncated UTF-8. */
static size_t clean_by_character(const char *s, size_t len, char *out, size_t *bad) {
    size_t i = 0, o = 0;
    *bad = 0;
    while (i < len) {
        int32_t cp;
        int inv;
        size_t n = marsad_utf8_next(s, len, i, &cp, &inv);
        if (inv) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            ++*bad;
        } else if (cp == 0) {
            out[o++] = ' ';
            ++*bad;
        } else {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return o;
}

TEST(utf8_clean_copies_runs_as_character_by_character) {
    static const unsigned char pick[] = {'a', ' ', 0, 0x7F, 0x80, 0xBF, 0xC0, 0xC1,
                                         0xC2, 0xD8, 0xD9, 0xDF, 0xE0, 0xE2, 0xED,
                                         0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA7, 0x84};
    unsigned seed = 12345;
    char s[64], a[3 * 64 + 1], b[3 * 64 + 1];
    for (int round = 0; round < 20000; round++) {
        size_t n = round % 40;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = (char)pick[(seed >> 16) % sizeof pick];
        }
        size_t ba, bb;
        size_t la = text_utf8_clean(s, n, a, &ba);
        size_t lb = clean_by_character(s, n, b, &bb);
        CHECK(la == lb && memcmp(a, b, la + 1) == 0 && ba == bb);
        if (la != lb || memcmp(a, b, la + 1) != 0) break;
    }
    /* a long ASCII run with one other byte anywhere in it */
    static const unsigned char odd[] = {0, 0x7F, 0x80, 0xC2, 0xD9, 0xE2, 0xFF, 'b'};
    for (size_t len = 1; len < 40; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof odd; k++) {
                memset(s, 'a', len);
                s[at] = (char)odd[k];
                if (k == 4 && at + 1 < len) s[at + 1] = (char)0xA7;
                size_t ba, bb;
                size_t la = text_utf8_clean(s, len, a, &ba);
                size_t lb = clean_by_character(s, len, b, &bb);
                CHECK(la == lb && memcmp(a, b, la + 1) == 0 && ba == bb);
                if (la != lb || memcmp(a, b, la + 1) != 0) return;
            }
    const char *text = "قتل 5 في درنة, and \xD9 \xE2\x82\xAC \xF0\x9F\x98\x80 end\xD8";
    size_t ba, bb;
    size_t la = text_utf8_clean(text, strlen(text), a, &ba);
    size_t lb = clean_by_character(text, strlen(text), b, &bb);
    CHECK(la == lb && memcmp(a, b, la + 1) == 0 && ba == bb);
}

/* The tokenizer's fast ways (a table entry per character below U+0800 with
 * its class and fold, forms written into the doc as words are read, two
 * two-byte characters at a time, room made for forms and tokens as they
 * come, sentences in one pass) against the plain way (text_doc_new_plain:
 * marsad_utf8_next, classify_slow and marsad_fold for each token, the
 * sentence pass as first written): marsad_doc_new and text_doc_new_words
 * give its tokens (offsets, forms, keys, kinds, flags, sentences), its
 * sentences, paragraphs and counts of invalid and NUL bytes, on random
 * texts, runs that make the forms and tokens outgrow the room first made,
 * and the bundled articles. */
static int plain_bad, plain_docs;

static void plain_compare(const char *s, size_t len) {
    static const size_t MAX[] = {1, 2, 5, 40};
    for (size_t k = 0; k <= sizeof MAX / sizeof *MAX; k++) {
        int all = k == sizeof MAX / sizeof *MAX, cut = 0, pcut = 0;
        marsad_doc *d = all ? marsad_doc_new(s, len) : text_doc_new_words(s, len, MAX[k], &cut);
        marsad_doc *p = text_doc_new_plain(s, len, all ? SIZE_MAX : MAX[k], &pcut);
        const char *why = !d || !p ? "no doc" : cut != pcut ? "cut differs"
                                                          : inv_check_same_docs(d, p);
        if (why && plain_bad++ < 3)
            fprintf(stderr, "  %zu bytes, %s: %s\n", len,
                    all ? "marsad_doc_new" : "text_doc_new_words", why);
        plain_docs++;
        marsad_doc_free(d);
        marsad_doc_free(p);
    }
}

static void plain_file(const char *path, void *ctx) {
    (void)ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    if (text) plain_compare(text, len);
    free(text);
}

TEST(tokenizer_fast_ways_same_as_plain)
{
    plain_bad = plain_docs = 0;
    /* "\x02" stands for a NUL byte */
    static const char *const PIECES[] = {
        "ا", "أ", "إ", "آ", "ة", "ى", "ي", "ب", "ال", "ك", "ڤ", "ک", "ی", "ـ", "َ",
        "ّ", "ٰ", "ۖ", "ﻻ", "ﷺ", "٢", "۴", "٫", "٬", "،", "؟", "؛", "۔", "…", " ",
        "  ", "\t", "\n", "\r\n", "\v", "A", "z", "é", "ß", "Ǆ", "և", "ω", "я",
        "\xCC\x81", "\xC2\xA0", "\xC2\x85", "\xC2\xAD", "\xE2\x80\x8F", "\xE2\x80\x8C",
        "\xE2\x80\x9C", "«", "»", "\xE2\x80\xA8", "\xEF\xBB\xBF", "\xE0\xA4\x95",
        "\xE0\xA5\xA7", "\xF0\x9F\x98\x80", "\xFF", "\xD8", "\xE2\x80", "\xC0\xAF",
        "\xED\xA0\x80", "\x80", "\x02", "\x01", "\x7F", "0", "9", ".", ",", "!", "?",
        ";", ")", "]", "}", "(", "\"", "'", "`", "-", "/", "%", "3.5", "1,000", "١٬٠٠٠",
        "\xDF\xBF", "\xDE\xA6",
    };
    unsigned long long x = 0x2545F4914F6CDD1DULL;
    char s[2400];
    for (int r = 0; r < 6000; r++) {
        size_t len = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES,
                                      r % 10 ? 40 : 600, &x, s, sizeof s);
        for (size_t i = 0; i < len; i++)
            if (s[i] == 2) s[i] = '\0';
        plain_compare(s, len);
    }
    /* runs of one piece: forms longer than the text (և, Ǆ, ﷺ), a token
     * per byte, long words, after a plain start */
    static const char *const RUNS[] = {"և", "Ǆ", "ﷺ", "ﷺ ", ".", ". ", "؟\n", "a.",
                                       "ب", "أَ", "١٬", "\xFF", "…»"};
    size_t cap = 64 * 1024;
    char *big = malloc(cap);
    for (size_t k = 0; big && k < sizeof RUNS / sizeof *RUNS; k++)
        for (size_t reps = 1; reps <= 8000; reps *= 20)
            for (int prefix = 0; prefix < 2; prefix++) {
                size_t len = 0, n = strlen(RUNS[k]);
                for (int j = 0; prefix && j < 100; j++, len += 7)
                    memcpy(big + len, "كتب ال ", 7);
                for (size_t j = 0; j < reps && len + n < cap; j++, len += n)
                    memcpy(big + len, RUNS[k], n);
                plain_compare(big, len);
            }
    free(big);
    test_each_file("examples/dev", ".txt", plain_file, NULL);
    test_each_file("examples/seeds", ".txt", plain_file, NULL);
    test_each_file("tests/data/bad", ".txt", plain_file, NULL);
    CHECK(plain_docs >= 30000);
    CHECK_EQ_INT(plain_bad, 0);
}
