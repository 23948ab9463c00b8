/* test_numbers.c — counts: the table tests/data/numbers.tsv, the count-noun
 * API, malformed data lines, and bad input. */
#include "lex/numbers.h"
#include "lex/phrase.h"
#include "table.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static numbers *load(void) {
    char err[512] = "";
    numbers *nb = numbers_load("data", err, sizeof err);
    if (!nb) fprintf(stderr, "  numbers_load: %s\n", err);
    CHECK(nb != NULL);
    return nb;
}

static int kind_of(const char *s) {
    for (int k = 0; k <= NUMK_DUAL; k++)
        if (strcmp(numbers_kind_name(k), s) == 0) return k;
    return -1;
}

static int qual_of(const char *s) {
    for (int q = 0; q <= NUM_ABOUT; q++)
        if (strcmp(numbers_qualifier_name(q), s) == 0) return q;
    return -1;
}

static void number_row(char **f, int n, int line, void *ctx) {
    const numbers *nb = ctx;
    const char *text = f[0];
    marsad_doc *doc = marsad_doc_new(text, strlen(text));
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    num_mention *m;
    size_t nm = numbers_find(nb, doc, &m);
    int ok = 1;
    if (n < 2) {
        ok = 0;
    } else if (strcmp(f[1], "-") == 0) {
        ok = nm == 0;
    } else if (n < 5) {
        ok = 0;
    } else {
        const num_mention *hit = NULL;
        for (size_t i = 0; i < nm; i++) {
            size_t s = t[m[i].tok_start].start, e = t[m[i].tok_end - 1].end;
            if (e - s == strlen(f[1]) && memcmp(text + s, f[1], e - s) == 0)
                hit = &m[i];
        }
        static const char *const NUM[] = {"-", "sg", "du", "pl"};
        ok = hit && fabs(hit->value - strtod(f[2], NULL)) < 1e-6 &&
             hit->qualifier == qual_of(f[3]) && hit->vague == kind_of(f[4]) &&
             (n < 6 || strcmp(NUM[hit->noun_number & 3], f[5]) == 0);
    }
    if (!ok) {
        fprintf(stderr, "  numbers.tsv:%d: '%s' expected [%s], found:\n", line,
                text, n > 1 ? f[1] : "?");
        for (size_t i = 0; i < nm; i++) {
            size_t s = t[m[i].tok_start].start, e = t[m[i].tok_end - 1].end;
            fprintf(stderr, "    [%.*s] %g %s %s noun=%d\n", (int)(e - s),
                    text + s, m[i].value,
                    numbers_qualifier_name(m[i].qualifier),
                    numbers_kind_name(m[i].vague), m[i].noun_number);
        }
    }
    CHECK(ok);
    free(m);
    marsad_doc_free(doc);
}

TEST(numbers_table)
{
    numbers *nb = load();
    if (!nb) return;
    CHECK(table_rows("tests/data/numbers.tsv", number_row, nb) >= 150);
    numbers_free(nb);
}

TEST(numbers_count_noun_api)
{
    numbers *nb = load();
    if (!nb) return;
    static const struct { const char *w; int is, number; } rows[] = {
        {"والجنديين", 1, NUM_DU}, {"جنود", 1, NUM_PL}, {"مدنيين", 1, NUM_PL},
        {"للجنود", 1, NUM_PL},    {"جنديا", 1, NUM_SG}, {"قتيلا", 1, NUM_SG},
        {"بنغازي", 0, 0},         {"مدينة", 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        marsad_doc *d = marsad_doc_new(rows[i].w, strlen(rows[i].w));
        size_t nt;
        const marsad_token *t = marsad_doc_tokens(d, &nt);
        int number = -1;
        int is = numbers_count_noun(nb, &t[0], &number);
        if (is != rows[i].is || (is && number != rows[i].number))
            fprintf(stderr, "  count noun '%s': %d/%d\n", rows[i].w, is,
                    number);
        CHECK_EQ_INT(is, rows[i].is);
        if (is) CHECK_EQ_INT(number, rows[i].number);
        marsad_doc_free(d);
    }
    /* several words, class and lemma */
    const char *s = "مقتل رجال الشرطة";
    marsad_doc *d = marsad_doc_new(s, strlen(s));
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(d, &nt);
    int number, def;
    const char *cls, *lemma;
    CHECK_EQ_INT(numbers_noun_at(nb, t, nt, 1, &number, &cls, &lemma, &def), 2);
    CHECK_EQ_INT(number, NUM_PL);
    CHECK_EQ_STR(cls, "police");
    CHECK_EQ_STR(lemma, "شرطي");
    marsad_doc_free(d);
    /* parse_at at a given token */
    s = "أسفر الهجوم عن مقتل 20 شخصا على الأقل";
    d = marsad_doc_new(s, strlen(s));
    t = marsad_doc_tokens(d, &nt);
    num_mention m;
    CHECK(!numbers_parse_at(nb, t, nt, 0, &m));
    CHECK(numbers_parse_at(nb, t, nt, 4, &m));
    CHECK_EQ_INT(m.tok_start, 4);
    CHECK_EQ_INT(m.tok_end, nt);
    CHECK_EQ_INT((int)m.value, 20);
    CHECK_EQ_INT(m.qualifier, NUM_AT_LEAST);
    CHECK_EQ_INT(m.noun_tok, 5);
    CHECK_EQ_STR(m.noun_class, "person");
    marsad_doc_free(d);
    numbers_free(nb);
}

/* A data directory with one malformed line in one of the two tables. */
static void check_bad_data(const char *words, const char *nouns,
                           const char *want) {
    char dir[] = "/tmp/marsad-numbers-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(table_write(dir, "number-words.tsv", words) == 0);
    CHECK(table_write(dir, "count-nouns.tsv", nouns) == 0);
    char err[512] = "";
    numbers *nb = numbers_load(dir, err, sizeof err);
    CHECK(nb == NULL);
    if (!strstr(err, want))
        fprintf(stderr, "  error '%s' does not contain '%s'\n", err, want);
    CHECK(strstr(err, want) != NULL);
    numbers_free(nb);
    char p[1100];
    snprintf(p, sizeof p, "%s/number-words.tsv", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/count-nouns.tsv", dir);
    unlink(p);
    rmdir(dir);
}

TEST(numbers_malformed_data_fails_with_file_line)
{
    char err[512] = "";
    CHECK(numbers_load("/nonexistent-marsad-dir", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent-marsad-dir/number-words.tsv: ") != NULL);
    const char *good_words = "# c\nثلاثة\tunit\t3\t-\n";
    const char *good_nouns = "جندي\tmilitary\tجندي\tجنديين\tجنود\n";
    check_bad_data("# c\nثلاثة\tunit\t3\t-\n\nأربعة\tunit\n", good_nouns,
                   "number-words.tsv:4: expected 3 or 4");
    check_bad_data("ثلاثة\tunits\t3\n", good_nouns,
                   "number-words.tsv:1: unknown role 'units'");
    check_bad_data("ثلاثة\tunit\tthree\n", good_nouns,
                   "number-words.tsv:1: value 'three'");
    check_bad_data("نحو\tqual\tnear\tbefore\n", good_nouns,
                   "number-words.tsv:1: qualifier 'near'");
    check_bad_data("عام\tyearctx\t1\t-\n", good_nouns,
                   "number-words.tsv:1: a yearctx needs the flag before");
    check_bad_data("ثلاثة\tunit\t3\tloud\n", good_nouns,
                   "number-words.tsv:1: unknown flag 'loud'");
    check_bad_data("ثلاثة\tunit\t3\n#\nثلاثه\tunit\t3\n", good_nouns,
                   "number-words.tsv:3: 'ثلاثه' is already listed on line 1");
    check_bad_data(good_words, "جندي\tmilitary\tجندي\tجنديين\n",
                   "count-nouns.tsv:1: expected 5");
    check_bad_data(good_words, "جندي\tsoldier\tجندي\tجنديين\tجنود\n",
                   "count-nouns.tsv:1: unknown class 'soldier'");
    check_bad_data(good_words,
                   "جندي\tmilitary\tجندي\tجنديين\tجنود\n"
                   "مدني\tcivilian\tمدني\t-\tجنود\n",
                   "count-nouns.tsv:2: form 'جنود' is already listed on line 1");
}

TEST(numbers_bad_input_does_not_crash)
{
    numbers *nb = load();
    if (!nb) return;
    num_mention *m;
    static const char *const inputs[] = {
        "", "\xff\xfe\x80", "و", "ال", "الـ", "على الأقل", "أكثر من", "و و و",
        "1,,2", "1..2", "٫٫", "999999999999999999999999999 ألف مليون مليار",
        "ثلاثة آلاف و", "مئة و", "عشر عشر عشر عشر",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        marsad_doc *d = marsad_doc_new(inputs[i], strlen(inputs[i]));
        size_t k = numbers_find(nb, d, &m);
        for (size_t j = 0; j < k; j++) CHECK(isfinite(m[j].value));
        free(m);
        marsad_doc_free(d);
    }
    /* a large text stays linear: 200k words in well under a second */
    const char *unit = "مقتل ثلاثة آلاف و500 جندي و12 آخرين على الأقل ";
    size_t ul = strlen(unit), reps = 20000;
    char *big = malloc(ul * reps + 1);
    for (size_t r = 0; r < reps; r++) memcpy(big + r * ul, unit, ul);
    big[ul * reps] = '\0';
    clock_t t0 = clock();
    marsad_doc *d = marsad_doc_new(big, ul * reps);
    size_t k = numbers_find(nb, d, &m);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK_EQ_INT(k, 2 * reps);
    CHECK(secs < 5);
    free(m);
    marsad_doc_free(d);
    free(big);
    numbers_free(nb);
}

/* numbers_find_in over some sentences finds exactly the counts numbers_find
 * finds in them (a count lies within one sentence), for masks of every
 * other sentence, one sentence in three and none, over the table's texts
 * and the bundled articles; and so it does in a scope with the group of the
 * dictionaries, whose bits let it pass over words without asking. */
typedef struct {
    const numbers *nb;
    int docs, counts, bad;
    const phrase_group *g;
} in_tally;

static void in_text(in_tally *t, const char *text, size_t len) {
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!doc) return;
    size_t ns;
    marsad_doc_sentences(doc, &ns);
    size_t nt;
    const marsad_token *tok = marsad_doc_tokens(doc, &nt);
    num_mention *all = NULL;
    size_t na = numbers_find(t->nb, doc, &all);
    unsigned char *mask = malloc(ns + 1);
    for (int variant = 0; mask && variant < 8; variant++) {
        int v = variant % 4;
        for (size_t s = 0; s < ns; s++)
            mask[s] = v == 0 ? 1 : v == 1 ? s % 2 == 0 : v == 2 ? s % 3 == 1 : 0;
        num_mention *in = NULL;
        phrase_scope *sc = variant >= 4 ? phrase_scope_begin_group(tok, nt, t->g) : NULL;
        size_t ni = numbers_find_in(t->nb, doc, mask, &in), k = 0;
        phrase_scope_end(sc);
        for (size_t i = 0; i < na; i++) {
            if (!mask[tok[all[i].tok_start].sentence]) continue;
            if (k >= ni || memcmp(&in[k], &all[i], sizeof *in) != 0) {
                if (t->bad++ < 3) fprintf(stderr, "  count %zu differs\n", i);
            }
            k++;
        }
        if (k != ni && t->bad++ < 3)
            fprintf(stderr, "  %zu counts in the sentences, %zu expected\n", ni, k);
        t->counts += (int)k;
        free(in);
    }
    t->docs++;
    free(mask);
    free(all);
    marsad_doc_free(doc);
}

typedef struct {
    in_tally *t;
    char buf[4096];
    size_t len;
    int rows;
} in_join;

/* Each row alone, and rows joined five at a time into sentences of one
 * text (counts then start sentences after skipped ones). */
static void in_row(char **f, int nf, int line, void *ctx) {
    (void)line;
    in_join *j = ctx;
    if (nf < 1) return;
    in_text(j->t, f[0], strlen(f[0]));
    size_t l = strlen(f[0]);
    if (j->len + l + 3 < sizeof j->buf) {
        memcpy(j->buf + j->len, f[0], l);
        memcpy(j->buf + j->len + l, ". ", 2);
        j->len += l + 2;
    }
    if (++j->rows % 5 == 0) {
        in_text(j->t, j->buf, j->len);
        j->len = 0;
    }
}

static void in_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    if (text) in_text(ctx, text, len);
    free(text);
}

TEST(numbers_find_in_some_sentences)
{
    numbers *nb = load();
    if (!nb) return;
    phrase_group *g = phrase_group_new();
    CHECK(g != NULL);
    numbers_join(nb, g);
    in_tally t = {nb, 0, 0, 0, g};
    static in_join j;
    j.t = &t;
    j.len = 0;
    j.rows = 0;
    table_rows("tests/data/numbers.tsv", in_row, &j);
    test_each_file("examples/dev", ".txt", in_file, &t);
    test_each_file("examples/seeds", ".txt", in_file, &t);
    CHECK(t.docs >= 100);
    CHECK(t.counts >= 500);
    CHECK_EQ_INT(t.bad, 0);
    /* random texts of number words and count nouns (with proclitics),
     * digits, و and ال apart, sentence ends, Latin, marks and invalid
     * bytes: sentences of every length, counts at their ends and starts */
    char **v = NULL;
    size_t nv = 0, cap = 0;
    static const char *const TABLES[] = {"data/number-words.tsv",
                                         "data/count-nouns.tsv"};
    static const char *const PRO[] = {"", "و", "ب", "ال", "وال"};
    for (size_t tb = 0; tb < 2; tb++) {
        size_t len;
        char *text = test_read_file(TABLES[tb], &len);
        CHECK(text != NULL);
        for (char *line = text, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            char *tab = strchr(line, '\t');
            if (line[0] == '#' || !tab || tab == line) continue;
            *tab = '\0';
            for (size_t q = 0; q < sizeof PRO / sizeof *PRO; q++) {
                if (nv == cap) {
                    cap = cap ? cap * 2 : 256;
                    char **nvv = realloc(v, cap * sizeof *v);
                    CHECK(nvv != NULL);
                    if (!nvv) break;
                    v = nvv;
                }
                size_t n = strlen(line) + 16;
                char *w = malloc(n);
                CHECK(w != NULL);
                if (!w) break;
                snprintf(w, n, "%s%s ", PRO[q], line);
                v[nv++] = w;
            }
        }
        free(text);
    }
    static const char *const MORE[] = {
        "3 ", "18 ", "1,000 ", "3.5 ", "2016 ", "و ", "ال ", "و", "ال",
        "الـ", "نحو ", "أكثر من ", "قتل ", "في ", "من ", ". ", "، ",
        "! ", "؟ ", "\n", "\n\n", ": ", "( ", ") ", "« ", "» ", "ـ ",
        "ً ", "abc ", "3days ", "\xff ", "\xd8", "\xd9\x8a", "مقتل ",
    };
    for (size_t k = 0; v && k < sizeof MORE / sizeof *MORE; k++) {
        if (nv == cap) {
            cap *= 2;
            char **nvv = realloc(v, cap * sizeof *v);
            CHECK(nvv != NULL);
            if (!nvv) break;
            v = nvv;
        }
        v[nv++] = strdup(MORE[k]);
    }
    CHECK(nv >= 200);
    unsigned long long x = 0x2545F4914F6CDD1DULL;
    char text[512];
    int before = t.counts;
    for (int r = 0; v && r < 4000; r++) {
        size_t len = test_random_text((const char *const *)v, nv, 3 + r % 12,
                                      &x, text, sizeof text);
        in_text(&t, text, len);
    }
    fprintf(stderr, "  %d counts in random texts\n", t.counts - before);
    CHECK(t.counts - before >= 2000);
    CHECK_EQ_INT(t.bad, 0);
    for (size_t k = 0; k < nv; k++) free(v[k]);
    free(v);
    numbers_free(nb);
    phrase_group_free(g);
}

/* The reading of digit tokens is the plain one (strtod on every form): the
 * same answer, value, 1.200 flag and alternative to the bit, over the
 * number tokens of the bundled articles and random strings of digits,
 * separators and other bytes. */
typedef struct {
    int tokens, bad;
} digits_tally;

static void digits_same(digits_tally *t, const char *s, size_t n) {
    double v[2] = {-1, -1}, alt[2] = {-1, -1};
    int dot3[2] = {-1, -1}, r[2];
    for (int plain = 0; plain < 2; plain++)
        r[plain] = numbers_read_digits(s, n, &v[plain], &dot3[plain],
                                       &alt[plain], plain);
    int same = r[0] == r[1] && (!r[0] || (memcmp(&v[0], &v[1], sizeof *v) == 0 &&
                                          dot3[0] == dot3[1] &&
                                          (!dot3[0] || memcmp(&alt[0], &alt[1],
                                                              sizeof *alt) == 0)));
    if (!same && t->bad++ < 3)
        fprintf(stderr, "  '%.*s': %d %.17g, plain %d %.17g\n", (int)n, s, r[0],
                v[0], r[1], v[1]);
    t->tokens++;
}

static void digits_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    marsad_doc *doc = text ? marsad_doc_new(text, len) : NULL;
    size_t nt;
    const marsad_token *tok = doc ? marsad_doc_tokens(doc, &nt) : NULL;
    for (size_t i = 0; tok && i < nt; i++)
        if (tok[i].kind == MARSAD_TOK_NUMBER)
            digits_same(ctx, tok[i].norm, tok[i].norm_len);
    marsad_doc_free(doc);
    free(text);
}

TEST(numbers_digits_read_as_strtod_reads_them)
{
    digits_tally t = {0, 0};
    test_each_file("examples/dev", ".txt", digits_file, &t);
    test_each_file("examples/seeds", ".txt", digits_file, &t);
    CHECK(t.tokens >= 100);
    static const char ALPHA[] = "0123456789012345678999999..,,a\xd9";
    uint64_t seed = 7;
    char buf[40];
    for (int r = 0; r < 200000; r++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t x = seed >> 20;
        size_t n = x % 26;
        /* mostly plain digits (the fast reading), the rest any mix */
        int digits_only = (x >> 5) % 4 != 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t k = (seed >> 33) % (digits_only ? 20 : sizeof ALPHA - 1);
            buf[i] = ALPHA[k];
        }
        digits_same(&t, buf, n);
    }
    CHECK_EQ_INT(t.bad, 0);
}
