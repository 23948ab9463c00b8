/* test_badinput.c — the text layer on bad input: empty, binary, invalid
 * UTF-8 (overlong, surrogates, truncated), NUL bytes, all diacritics, huge
 * lines and words. No crash, exact bad-byte counts, valid tokens (every
 * invariant of tests/invariants.h), and linear time. */
#include "invariants.h"
#include "lex/phrase.h"
#include "test.h"
#include "text/text_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Checks every invariant of the text layer on s; names what failed. */
static void check_all(const char *what, const char *s, size_t len) {
    const char *e = inv_check_utf8(s, len);
    if (!e) e = inv_check_fold(s, len);
    if (!e) {
        marsad_doc *d = marsad_doc_new(s, len);
        CHECK(d != NULL);
        if (!d) return;
        e = inv_check_doc(s, len, d);
        size_t n;
        const marsad_token *t = marsad_doc_tokens(d, &n);
        for (size_t k = 0; k < n && !e; k++) {
            marsad_seg seg[64];
            int m = marsad_clitic_segments(t[k].norm, t[k].norm_len, seg, 64);
            e = inv_check_clitics(t[k].norm, t[k].norm_len, seg, m, 64);
        }
        marsad_doc_free(d);
    }
    if (e) fprintf(stderr, "  %s: %s\n", what, e);
    CHECK(e == NULL);
}

/* Line (1-based) of the first invalid byte, or of the first NUL, as the
 * library reads s; 0 when there is none. */
static size_t first_line(const char *s, size_t len, int want_nul) {
    size_t i = 0, line = 1;
    while (i < len) {
        int32_t cp;
        int inv;
        size_t n = marsad_utf8_next(s, len, i, &cp, &inv);
        if (want_nul ? (!inv && cp == 0) : inv) return line;
        if (!inv && cp == '\n') line++;
        i += n;
    }
    return 0;
}

static int table_line(const char *f) { return f[0] == '-' ? 0 : atoi(f); }

TEST(badinput_table)
{
    size_t tl;
    char *table = test_read_file("tests/data/badinput.tsv", &tl);
    CHECK(table != NULL);
    if (!table) return;
    int rows = 0;
    for (char *save = NULL, *l = strtok_r(table, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '#') continue;
        char *f[8];
        int n = 0;
        for (char *p = l, *tok; n < 8 && (tok = strsep(&p, "\t")) != NULL;)
            f[n++] = tok;
        CHECK(n == 7);
        if (n != 7) continue;
        char path[512];
        snprintf(path, sizeof path, "tests/data/bad/%s", f[0]);
        size_t len;
        char *s = test_read_file(path, &len);
        CHECK(s != NULL);
        if (!s) continue;
        rows++;
        marsad_doc *d = marsad_doc_new(s, len);
        CHECK(d != NULL);
        if (d) {
            if ((long)marsad_doc_invalid_bytes(d) != atol(f[1]) ||
                (long)marsad_doc_nul_bytes(d) != atol(f[2]))
                fprintf(stderr, "  %s: %zu invalid, %zu NUL\n", path,
                        marsad_doc_invalid_bytes(d), marsad_doc_nul_bytes(d));
            CHECK_EQ_INT(marsad_doc_invalid_bytes(d), atol(f[1]));
            CHECK_EQ_INT(marsad_doc_nul_bytes(d), atol(f[2]));
            marsad_doc_free(d);
        }
        CHECK_EQ_INT(marsad_utf8_invalid_count(s, len), atol(f[1]));
        CHECK_EQ_INT(first_line(s, len, 0), table_line(f[4]));
        CHECK_EQ_INT(first_line(s, len, 1), table_line(f[5]));
        check_all(path, s, len);
        free(s);
    }
    free(table);
    CHECK(rows >= 8);
}

static void invariants_file(const char *path, void *ctx) {
    size_t len;
    char *s = test_read_file(path, &len);
    CHECK(s != NULL);
    if (!s) return;
    check_all(path, s, len);
    free(s);
    (*(int *)ctx)++;
}

TEST(badinput_invariants_hold_on_bundled_articles)
{
    int count = 0;
    test_each_file("examples/seeds", ".txt", invariants_file, &count);
    test_each_file("examples/dev", ".txt", invariants_file, &count);
    CHECK(count >= 30);
}

/* Inputs the fuzzers once failed on (tests/data/fuzz): the invariants hold. */
TEST(badinput_invariants_hold_on_fuzz_findings)
{
    int count = 0;
    test_each_file("tests/data/fuzz", ".bin", invariants_file, &count);
    CHECK(count >= 1);
}

TEST(badinput_empty_text)
{
    marsad_doc *d = marsad_doc_new("", 0);
    CHECK(d != NULL);
    size_t n = 1, ns = 1, len = 1;
    marsad_doc_tokens(d, &n);
    marsad_doc_sentences(d, &ns);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(ns, 0);
    CHECK_EQ_INT(marsad_doc_paragraph_count(d), 0);
    CHECK_EQ_STR(marsad_doc_text(d, &len), "");
    CHECK_EQ_INT(len, 0);
    marsad_doc_free(d);
    marsad_normtext *nt = marsad_normtext_new("", 0);
    CHECK_EQ_STR(marsad_normtext_str(nt, &len), "");
    CHECK_EQ_INT(marsad_normtext_orig(nt, 0), 0);
    marsad_normtext_free(nt);
    char *s = marsad_utf8_sanitize("", 0, &len, NULL);
    CHECK_EQ_STR(s, "");
    free(s);
    /* white space only: no token, nothing folded */
    check_all("blank", " \n\t\r\n ", 6);
    d = marsad_doc_new(" \n\t\r\n ", 6);
    marsad_doc_tokens(d, &n);
    CHECK_EQ_INT(n, 0);
    marsad_doc_free(d);
    marsad_doc_free(NULL);
    marsad_normtext_free(NULL);
}

TEST(badinput_all_diacritics_fold_to_nothing)
{
    const char *s = "ًٌٍَُِّْ ـــَـ ٰ";
    size_t len = strlen(s), n;
    char *f = marsad_fold_dup(s, len, &n);
    CHECK_EQ_STR(f, "");
    free(f);
    marsad_doc *d = marsad_doc_new(s, len);
    const marsad_token *t = marsad_doc_tokens(d, &n);
    CHECK_EQ_INT(n, 3);
    for (size_t k = 0; k < n; k++) CHECK_EQ_INT(t[k].norm_len, 0);
    marsad_doc_free(d);
    char key[16];
    CHECK_EQ_INT(text_phrase_key(s, len, key, sizeof key), 0);
    CHECK_EQ_STR(key, "");
    check_all("diacritics", s, len);
}

/* Each invalid form reads as one U+FFFD per byte, and text around it is
 * unharmed. */
TEST(badinput_invalid_utf8_forms)
{
    static const struct { const char *bytes; int invalid; } CASES[] = {
        {"\xC0\xAF", 2},                 /* overlong '/' */
        {"\xE0\x80\xAF", 3},             /* overlong '/', 3 bytes */
        {"\xF0\x80\x80\xAF", 4},         /* overlong '/', 4 bytes */
        {"\xC0\x80", 2},                 /* overlong NUL (modified UTF-8) */
        {"\xC1\xBF", 2},                 /* overlong DEL */
        {"\xED\xA0\x80", 3},             /* lone high surrogate U+D800 */
        {"\xED\xBF\xBF", 3},             /* lone low surrogate U+DFFF */
        {"\xED\xA0\xBD\xED\xB8\x80", 6}, /* CESU-8 surrogate pair */
        {"\xF4\x90\x80\x80", 4},         /* above U+10FFFF */
        {"\xF8\x88\x80\x80\x80", 5},     /* 5-byte form */
        {"\xFE\xFF", 2},                 /* never in UTF-8 */
        {"\xE2\x82", 2},                 /* truncated € */
        {"\x80\xBF", 2},                 /* stray continuation bytes */
        {"\xEF\xBF\xBE", 0},             /* U+FFFE: a noncharacter, valid */
        {"\xF4\x8F\xBF\xBF", 0},         /* U+10FFFF, valid */
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        char buf[64];
        int n = snprintf(buf, sizeof buf, "قتل %s شخص", CASES[i].bytes);
        CHECK_EQ_INT(marsad_utf8_invalid_count(buf, (size_t)n), CASES[i].invalid);
        marsad_doc *d = marsad_doc_new(buf, (size_t)n);
        size_t nt;
        const marsad_token *t = marsad_doc_tokens(d, &nt);
        /* the words on both sides survive: first and last tokens */
        CHECK(nt >= 2 && tok_is(&t[0], "قتل") && tok_is(&t[nt - 1], "شخص"));
        size_t bad_toks = 0;
        for (size_t k = 0; k < nt; k++)
            bad_toks += (t[k].flags & MARSAD_TOKF_INVALID) != 0;
        CHECK_EQ_INT(bad_toks, CASES[i].invalid);
        marsad_doc_free(d);
        check_all(CASES[i].bytes, buf, (size_t)n);
    }
}

TEST(badinput_nul_bytes_are_spaces)
{
    const char s[] = "قتل\0\0شخص\0";
    marsad_doc *d = marsad_doc_new(s, sizeof s - 1);
    size_t n;
    const marsad_token *t = marsad_doc_tokens(d, &n);
    CHECK_EQ_INT(n, 2);
    CHECK(n == 2 && tok_is(&t[0], "قتل") && tok_is(&t[1], "شخص"));
    CHECK(n == 2 && !(t[1].flags & MARSAD_TOKF_GLUED));
    CHECK_EQ_INT(marsad_doc_nul_bytes(d), 3);
    CHECK_EQ_INT(marsad_doc_invalid_bytes(d), 0);
    marsad_doc_free(d);
    size_t fl;
    char *f = marsad_fold_dup(s, sizeof s - 1, &fl);
    CHECK_EQ_STR(f, "قتل شخص");
    free(f);
    check_all("nul", s, sizeof s - 1);
}

/* ---- linear time ------------------------------------------------------ */

typedef void (*gen_fn)(char *b, size_t n);

/* Fills b[0..n) with copies of unit, padding the tail with spaces so that
 * no character is cut. */
static void fill(char *b, size_t n, const char *unit, size_t ul) {
    size_t i = 0;
    for (; i + ul <= n; i += ul) memcpy(b + i, unit, ul);
    memset(b + i, ' ', n - i);
}
#define FILL(name, lit)                                                      \
    static void gen_##name(char *b, size_t n) { fill(b, n, lit, sizeof lit - 1); }

FILL(arabic_line, "قتل ثلاثة أشخاص في اشتباكات بمدينة سرت يوم 24/أبريل/2016، "
                  "وأصيب ١٢ آخرون. ")
FILL(one_word, "بنغازي")
FILL(diacritics, "ًٌٍَُِّْ")
FILL(invalid, "\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80\xE2\x82")
FILL(nul_arabic, "قتل\0")
FILL(one_number, "1,0")
FILL(terminals, ".)»\"!؟")
FILL(open_quotes, "«\"")
FILL(blank_lines, "\n\r\n ")
FILL(short_lines, "ق\n")
FILL(tatweel_digits, "ـ٢")
FILL(mark_latin, "َa")

static void gen_binary(char *b, size_t n) {
    uint32_t x = 0x9E3779B9u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = (char)(x & 0xFF);
    }
}

static phrase_dict *linear_dict;
static volatile size_t linear_sink;

/* CPU seconds for everything the text layer does with s. */
static double work(const char *s, size_t n) {
    clock_t c0 = clock();
    marsad_doc *d = marsad_doc_new(s, n);
    size_t nt, fl, sl;
    const marsad_token *t = marsad_doc_tokens(d, &nt);
    size_t found = 0;
    for (size_t k = 0; k < nt; k++) {
        marsad_seg seg[32];
        found += (size_t)marsad_clitic_segments(t[k].norm, t[k].norm_len, seg, 32);
        phrase_match m;
        found += (size_t)phrase_dict_match(linear_dict, t, nt, k,
                                           PHRASE_PRO | PHRASE_ENC, &m);
    }
    marsad_normtext *nt2 = marsad_normtext_new(s, n);
    char *f = marsad_fold_dup(s, n, &fl);
    char *san = marsad_utf8_sanitize(s, n, &sl, NULL);
    found += text_phrase_key(s, n, NULL, 0);
    CHECK(d && nt2 && f && san);
    linear_sink += found;
    marsad_doc_free(d);
    marsad_normtext_free(nt2);
    free(f);
    free(san);
    return (double)(clock() - c0) / CLOCKS_PER_SEC;
}

/* Ten times the input must cost well under a hundred times the time
 * (quadratic), and under 30 times (linear with generous noise). The small
 * run is the best of three; times under 2 ms count as 2 ms. Input size:
 * MARSAD_TEST_LINEAR_KB (default 256) and ten times that. */
TEST(badinput_linear_time)
{
    static const struct { const char *name; gen_fn gen; } GENS[] = {
        {"arabic_line", gen_arabic_line}, {"one_word", gen_one_word},
        {"diacritics", gen_diacritics},   {"invalid", gen_invalid},
        {"nul_arabic", gen_nul_arabic},   {"one_number", gen_one_number},
        {"terminals", gen_terminals},     {"open_quotes", gen_open_quotes},
        {"blank_lines", gen_blank_lines}, {"short_lines", gen_short_lines},
        {"tatweel_digits", gen_tatweel_digits},
        {"mark_latin", gen_mark_latin},   {"binary", gen_binary},
    };
    const char *env = getenv("MARSAD_TEST_LINEAR_KB");
    size_t small = (size_t)(env && atol(env) > 0 ? atol(env) : 256) * 1024;
    size_t big = small * 10;
    char *buf = malloc(big);
    CHECK(buf != NULL);
    if (!buf) return;
    linear_dict = phrase_dict_new();
    phrase_dict_add(linear_dict, "سرت", strlen("سرت"), 1);
    phrase_dict_add(linear_dict, "قتل", strlen("قتل"), 2);
    phrase_dict_add(linear_dict, "بنغازي", strlen("بنغازي"), 3);
    phrase_dict_add(linear_dict, "1", 1, 4);
    for (size_t g = 0; g < sizeof GENS / sizeof *GENS; g++) {
        double ts = 1e9;
        GENS[g].gen(buf, small);
        for (int r = 0; r < 3; r++) {
            double x = work(buf, small);
            if (x < ts) ts = x;
        }
        GENS[g].gen(buf, big);
        double tb = work(buf, big);
        double ratio = tb / (ts > 0.002 ? ts : 0.002);
        printf("     %-15s %6zu KB %7.1f ms, %7zu KB %7.1f ms: x%.1f\n",
               GENS[g].name, small >> 10, ts * 1e3, big >> 10, tb * 1e3, ratio);
        if (ratio >= 30)
            fprintf(stderr, "  %s: not linear (x%.1f for 10x input)\n",
                    GENS[g].name, ratio);
        CHECK(ratio < 30);
    }
    phrase_dict_free(linear_dict);
    free(buf);
}

/* Regression: proposing segmentations walked the whole word (and counted
 * its letters once per candidate), so a 10 MB word cost 0.3 s per call. */
TEST(badinput_clitics_cost_does_not_grow_with_word_length)
{
    size_t n = 10u << 20;
    char *w = malloc(n);
    CHECK(w != NULL);
    if (!w) return;
    memcpy(w, "وبال", 8);
    for (size_t i = 8; i + 4 < n; i += 2) memcpy(w + i, "ب", 2);
    memcpy(w + n - 4, "ها", 4);
    marsad_seg seg[64];
    clock_t c0 = clock();
    int k = 0;
    for (int r = 0; r < 1000; r++) k = marsad_clitic_segments(w, n, seg, 64);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK(k >= 4);
    CHECK(inv_check_clitics(w, n, seg, k, 64) == NULL);
    if (secs >= 0.5) fprintf(stderr, "  1000 calls took %.2f s\n", secs);
    CHECK(secs < 0.5);
    free(w);
}
