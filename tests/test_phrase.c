/* test_phrase.c — the phrase dictionary: longest match, clitics, sentences. */
#include "lex/phrase.h"
#include "text/text_internal.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int match_at(const phrase_dict *d, const char *text, const char *at,
                    unsigned flags, phrase_match *m) {
    marsad_doc *doc = marsad_doc_new(text, strlen(text));
    size_t n;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    size_t off = (size_t)(strstr(text, at) - text), i = 0;
    while (i < n && t[i].start < off) i++;
    int r = phrase_dict_match(d, t, n, i, flags, m);
    marsad_doc_free(doc);
    return r;
}

TEST(phrase_longest_match_and_clitics)
{
    phrase_dict *d = phrase_dict_new();
    CHECK_EQ_INT(phrase_dict_add(d, "مصراتة", strlen("مصراتة"), 1), 0);
    CHECK_EQ_INT(phrase_dict_add(d, "أم الأرانب", strlen("أم الأرانب"), 2), 0);
    CHECK_EQ_INT(phrase_dict_add(d, "أم", strlen("أم"), 3), 0);
    CHECK_EQ_INT(phrase_dict_add(d, "الجيش الوطني الليبي",
                                 strlen("الجيش الوطني الليبي"), 4), 0);
    CHECK_EQ_INT(phrase_dict_add(d, "مصراته", strlen("مصراته"), 1), 0);
    CHECK_EQ_INT(phrase_dict_add(d, " ،، ", strlen(" ،، "), 9), 0);
    CHECK_EQ_INT(phrase_dict_add(d, "ًُ", strlen("ًُ"), 9), 1);
    CHECK_EQ_INT(phrase_dict_size(d), 5);
    CHECK_EQ_INT(phrase_dict_max_tokens(d), 3);
    phrase_match m;
    CHECK(match_at(d, "وصل إلى بمدينة مصراتة أمس", "مصراتة", 0, &m));
    CHECK(m.ntoks == 1 && m.nvalues == 1 && m.values[0] == 1);
    CHECK(match_at(d, "قصف لمصراته", "لمصراته", PHRASE_PRO, &m));
    CHECK_EQ_INT(m.pro, strlen("ل"));
    CHECK(!match_at(d, "قصف لمصراته", "لمصراته", 0, &m));
    CHECK(match_at(d, "في أمّ الأرانب جنوبا", "أمّ", 0, &m));
    CHECK(m.ntoks == 2 && m.values[0] == 2);
    CHECK(match_at(d, "في أم. الأرانب", "أم", 0, &m)); /* not across '.' */
    CHECK(m.ntoks == 1 && m.values[0] == 3);
    CHECK(match_at(d, "وقال إن للجيش الوطني الليبي", "للجيش", PHRASE_PRO, &m));
    CHECK(m.ntoks == 3 && m.values[0] == 4);
    uint32_t nv;
    CHECK(phrase_dict_get(d, "مُصراتة", strlen("مُصراتة"), &nv) != NULL && nv == 1);
    CHECK(phrase_dict_get(d, "الجيش", strlen("الجيش"), &nv) == NULL);
    phrase_dict_free(d);
}

TEST(phrase_many_keys_rehash)
{
    phrase_dict *d = phrase_dict_new();
    char buf[64];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(buf, sizeof buf, "place %d north", i);
        CHECK_EQ_INT(phrase_dict_add(d, buf, (size_t)n, (uint32_t)i), 0);
    }
    CHECK_EQ_INT(phrase_dict_size(d), 20000);
    uint32_t nv;
    const uint32_t *v = phrase_dict_get(d, "PLACE 12345 North", 17, &nv);
    CHECK(v && nv == 1 && v[0] == 12345);
    /* matching extends through prefixes marked before the table grew */
    phrase_match m;
    CHECK(match_at(d, "at place 12345 north of", "place", 0, &m));
    CHECK(m.ntoks == 3 && m.nvalues == 1 && m.values[0] == 12345);
    /* a full phrase that later becomes the prefix of a longer one */
    CHECK(match_at(d, "place 7", "place", 0, &m) == 0);
    CHECK_EQ_INT(phrase_dict_add(d, "place 7", 7, 99999), 0);
    CHECK_EQ_INT(phrase_dict_add(d, "place 7 north gate", 18, 88888), 0);
    CHECK(match_at(d, "the place 7 north gate", "place", 0, &m));
    CHECK(m.ntoks == 4 && m.values[0] == 88888);
    CHECK(match_at(d, "the place 7 north side", "place", 0, &m));
    CHECK(m.ntoks == 3 && m.values[0] == 7);
    phrase_dict_free(d);
}

/* The memo answers exactly what phrase_dict_match answers, first time and
 * from its cache, over every token of a bundled article; the dictionary is
 * grown past several rehashes so the first-word filter is rebuilt. */
TEST(phrase_memo_same_as_match)
{
    phrase_dict *d = phrase_dict_new();
    static const char *const P[] = {
        "مصراتة", "أم الأرانب", "الجيش الوطني الليبي", "الجيش", "تنظيم الدولة",
        "سرت", "المدينة", "حرس السواحل", "وزارة الدفاع", "ليبيا", "بنغازي",
    };
    for (size_t k = 0; k < sizeof P / sizeof *P; k++)
        CHECK_EQ_INT(phrase_dict_add(d, P[k], strlen(P[k]), (uint32_t)k), 0);
    char buf[64];
    for (int k = 0; k < 5000; k++) {
        int len = snprintf(buf, sizeof buf, "مكان%d شمال", k);
        CHECK_EQ_INT(phrase_dict_add(d, buf, (size_t)len, (uint32_t)(100 + k)), 0);
    }
    size_t len;
    char *text = test_read_file("examples/dev/001_ly_2014-02-19_jawharafm.txt", &len);
    CHECK(text != NULL);
    if (!text) {
        phrase_dict_free(d);
        return;
    }
    const char *extra = "\nوصل إلى بمدينة مصراتة ثم لسرت وبالمدينة وللجيش الوطني الليبي مكان77 شمال";
    size_t el = strlen(extra);
    char *all = malloc(len + el + 1);
    memcpy(all, text, len);
    memcpy(all + len, extra, el + 1);
    marsad_doc *doc = marsad_doc_new(all, len + el);
    size_t n;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    static const unsigned FLAGS[] = {0, PHRASE_PRO, PHRASE_ENC,
                                     PHRASE_PRO | PHRASE_ENC};
    int matched = 0;
    for (size_t f = 0; f < 4; f++) {
        phrase_memo *pm = phrase_memo_new(d, t, n, FLAGS[f]);
        CHECK(pm != NULL);
        for (int pass = 0; pm && pass < 2; pass++) {
            for (size_t i = 0; i <= n; i++) {
                phrase_match a, b;
                int ra = phrase_dict_match(d, t, n, i, FLAGS[f], &a);
                int rb = phrase_memo_match(pm, i, &b);
                CHECK_EQ_INT(ra, rb);
                CHECK(a.ntoks == b.ntoks && a.pro == b.pro && a.enc == b.enc &&
                      a.values == b.values && a.nvalues == b.nvalues);
                matched += ra;
            }
        }
        phrase_memo_free(pm);
    }
    CHECK(matched >= 20);
    marsad_doc_free(doc);
    free(all);
    free(text);
    phrase_dict_free(d);
}

/* A memo's table is reused by the memos made after it on the thread (each
 * numbers its answers above the last one's): memos over texts of different
 * lengths, one after another and two at a time, asking some tokens, answer
 * as the plain match does. */
TEST(phrase_memo_tables_reused)
{
    static const char *const PIECES[] = {
        " ", " ", "\n", ". ", "و", "ب", "ال", "بال", "ها", "مدينة", "المدينة",
        "الجيش", "الوطني", "سرت", "مصراتة", "قرب", "abc", "\xff",
    };
    static const char *const P[] = {"مدينة", "الجيش الوطني", "سرت", "مصراتة",
                                    "قرب سرت", "الجيش"};
    phrase_dict *d = phrase_dict_new();
    CHECK(d != NULL);
    if (!d) return;
    for (size_t k = 0; k < sizeof P / sizeof *P; k++)
        phrase_dict_add(d, P[k], strlen(P[k]), (uint32_t)k);
    static const unsigned FLAGS[] = {0, PHRASE_PRO, PHRASE_PRO | PHRASE_ENC};
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    static char buf[2][2048];
    int bad = 0, matched = 0;
    for (int r = 0; r < 2000; r++) {
        marsad_doc *doc[2];
        size_t n[2];
        const marsad_token *t[2];
        phrase_memo *pm[2];
        int two = r % 3 == 0;
        for (int q = 0; q <= two; q++) {
            size_t len = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES,
                                          1 + (int)(x % 80), &x, buf[q], sizeof buf[q]);
            doc[q] = marsad_doc_new(buf[q], len);
            t[q] = marsad_doc_tokens(doc[q], &n[q]);
            pm[q] = phrase_memo_new(d, t[q], n[q], FLAGS[(size_t)(r + q) % 3]);
            CHECK(pm[q] != NULL);
        }
        for (int q = 0; q <= two; q++) {
            unsigned f = FLAGS[(size_t)(r + q) % 3];
            /* some tokens once, then every token twice */
            for (int pass = 0; pm[q] && pass < 3; pass++)
                for (size_t i = 0; i <= n[q]; i++) {
                    if (pass == 0 && (i + (size_t)r) % 3) continue;
                    phrase_match a, b;
                    int ra = phrase_dict_match_plain(d, t[q], n[q], i, f, &a);
                    int rb = phrase_memo_match(pm[q], i, &b);
                    if (ra != rb || a.ntoks != b.ntoks || a.pro != b.pro ||
                        a.enc != b.enc || a.values != b.values ||
                        a.nvalues != b.nvalues)
                        bad++;
                    matched += ra;
                }
        }
        for (int q = two; q >= 0; q--) {
            phrase_memo_free(pm[q]);
            marsad_doc_free(doc[q]);
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(matched >= 500);
    phrase_dict_free(d);
}

/* Within a document scope, answers are the same as without, asked once or
 * many times, in any order, for any dictionary and flags; other token
 * arrays are not affected, and scopes nest. */
TEST(phrase_scope_same_answers)
{
    phrase_dict *a = phrase_dict_new(), *b = phrase_dict_new();
    static const char *const P[] = {"سرت", "مصراتة", "الجيش الوطني", "حرس السواحل",
                                    "وزارة الدفاع", "الليبي"};
    for (size_t k = 0; k < sizeof P / sizeof *P; k++) {
        phrase_dict_add(a, P[k], strlen(P[k]), (uint32_t)k);
        if (k % 2) phrase_dict_add(b, P[k], strlen(P[k]), (uint32_t)(10 + k));
    }
    const char *t1 = "قال الجيش الوطني الليبي إن حرس السواحل في سرت ومصراتة وبسرت. وزارة الدفاع";
    const char *t2 = "وصل الجيش الوطني إلى مصراتة";
    marsad_doc *d1 = marsad_doc_new(t1, strlen(t1)), *d2 = marsad_doc_new(t2, strlen(t2));
    size_t n1, n2;
    const marsad_token *k1 = marsad_doc_tokens(d1, &n1), *k2 = marsad_doc_tokens(d2, &n2);
    /* the answers without any scope */
    phrase_match want[2][2][64];
    int wr[2][2][64];
    const phrase_dict *D[2] = {a, b};
    for (int x = 0; x < 2; x++)
        for (int f = 0; f < 2; f++)
            for (size_t i = 0; i < n1 && i < 64; i++)
                wr[x][f][i] = phrase_dict_match(D[x], k1, n1, i, f ? PHRASE_PRO : 0,
                                                &want[x][f][i]);
    phrase_scope *s1 = phrase_scope_begin(k1, n1);
    CHECK(s1 != NULL);
    int hits = 0;
    for (int round = 0; round < 3; round++) {
        phrase_scope *s2 = round == 1 ? phrase_scope_begin(k2, n2) : NULL;
        for (size_t j = 0; j < n1 && j < 64; j++) {
            size_t i = round == 2 ? n1 - 1 - j : j;
            for (int x = 0; x < 2; x++)
                for (int f = 0; f < 2; f++) {
                    phrase_match m;
                    int r = phrase_dict_match(D[x], k1, n1, i, f ? PHRASE_PRO : 0, &m);
                    const phrase_match *w = &want[x][f][i];
                    CHECK_EQ_INT(r, wr[x][f][i]);
                    CHECK(m.ntoks == w->ntoks && m.pro == w->pro && m.values == w->values &&
                          m.nvalues == w->nvalues);
                    hits += r;
                }
        }
        phrase_match m;
        /* the inner scope's own tokens, and past the end */
        CHECK(phrase_dict_match(a, k2, n2, 4, PHRASE_PRO, &m) && m.ntoks == 1);
        CHECK(!phrase_dict_match(a, k1, n1, n1, PHRASE_PRO, &m));
        phrase_scope_end(s2);
    }
    CHECK(hits >= 3 * 8);
    phrase_scope_end(s1);
    phrase_scope_end(NULL);
    marsad_doc_free(d1);
    marsad_doc_free(d2);
    phrase_dict_free(a);
    phrase_dict_free(b);
}

/* Within a scope, words' proclitic keys are computed once per token and
 * shared by every dictionary: answers stay those of a lookup without a
 * scope, over the bundled articles, with dictionaries of words written
 * with and without the article and proclitics (المدينة, مدينة, بالمدينة). */
typedef struct {
    phrase_dict *d[3];
    int docs, matched, bad;
    const phrase_group *group; /* the scope's group, or NULL */
    int ask;                   /* ask through phrase_asker */
    int passed, may;           /* words phrase_dict_may_start said no, yes to */
} keys_tally;

/* The answers for every token of text (named path in messages) and every
 * dictionary and flags: without a scope, the plain way, and in a scope. */
static void keys_text(keys_tally *k, const char *path, const char *text,
                      size_t len) {
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!doc) return;
    size_t n;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    static const unsigned FLAGS[] = {PHRASE_PRO, PHRASE_PRO | PHRASE_ANY_SENTENCE, 0,
                                     PHRASE_PRO | PHRASE_ENC};
    phrase_match *want = malloc((n + 1) * 3 * 4 * sizeof *want);
    int *rw = malloc((n + 1) * 3 * 4 * sizeof *rw);
    if (!want || !rw) {
        k->bad++;
    } else {
        for (size_t i = 0; i <= n; i++)
            for (int q = 0; q < 3; q++)
                for (int f = 0; f < 4; f++) {
                    size_t at = (i * 3 + (size_t)q) * 4 + (size_t)f;
                    rw[at] = phrase_dict_match(k->d[q], t, n, i, FLAGS[f], &want[at]);
                    phrase_match p;
                    int rp = phrase_dict_match_plain(k->d[q], t, n, i, FLAGS[f], &p);
                    const phrase_match *w = &want[at];
                    if (rp != rw[at] || p.ntoks != w->ntoks || p.pro != w->pro ||
                        p.enc != w->enc || p.values != w->values ||
                        p.nvalues != w->nvalues) {
                        if (k->bad++ < 3)
                            fprintf(stderr, "  %s: token %zu '%s' differs from "
                                    "the plain match\n", path, i, i < n ? t[i].norm : "");
                    }
                }
        /* phrase_dict_may_start says no only where the match without
         * clitics (FLAGS[2]) finds nothing */
        for (size_t i = 0; i < n; i++)
            for (int q = 0; q < 3; q++) {
                if (phrase_dict_may_start(k->d[q], &t[i])) {
                    k->may++;
                    continue;
                }
                k->passed++;
                if (rw[(i * 3 + (size_t)q) * 4 + 2] && k->bad++ < 3)
                    fprintf(stderr, "  %s: token %zu '%s' starts a phrase the "
                            "filter ruled out\n", path, i, t[i].norm);
            }
        phrase_scope *sc = phrase_scope_begin_group(t, n, k->group);
        phrase_asker ask[3][4];
        for (int q = 0; q < 3; q++)
            for (int f = 0; f < 4; f++)
                phrase_asker_init(&ask[q][f], k->d[q], t, n, FLAGS[f]);
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i <= n; i++)
                for (int q = 0; q < 3; q++)
                    for (int f = 0; f < 4; f++) {
                        size_t at = (i * 3 + (size_t)q) * 4 + (size_t)f;
                        phrase_match m;
                        int r = k->ask ? phrase_ask(&ask[q][f], i, &m)
                                       : phrase_dict_match(k->d[q], t, n, i, FLAGS[f], &m);
                        const phrase_match *w = &want[at];
                        if (r != rw[at] || m.ntoks != w->ntoks || m.pro != w->pro ||
                            m.enc != w->enc || m.values != w->values ||
                            m.nvalues != w->nvalues) {
                            if (k->bad++ < 3)
                                fprintf(stderr, "  %s: token %zu '%s' differs in a "
                                        "scope\n", path, i, i < n ? t[i].norm : "");
                        }
                        k->matched += r;
                    }
        phrase_scope_end(sc);
    }
    k->docs++;
    free(want);
    free(rw);
    marsad_doc_free(doc);
}

static void keys_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    if (text) keys_text(ctx, path, text, len);
    free(text);
}

/* keys_text over random texts: words of the dictionaries with and without
 * proclitics and enclitics, pieces of them, marks, digits, punctuation,
 * Latin, invalid bytes and long words. */
static void keys_random(keys_tally *k, int count, unsigned long long seed) {
    static const char *const PIECES[] = {
        " ", " ", " ", "  ", "\n", ". ", "، ", "و", "ف", "ب", "ل", "ك", "ال",
        "بال", "لل", "وال", "فبال", "ه", "ها", "هم", "هما", "كم", "ني", "نا", "ي",
        "مدينة", "المدينة", "منطقة", "الجيش", "الوطني", "قوات", "سرت", "مصراتة",
        "الليبي", "قرب", "الأمن", "مقتل", "قتل", "اشتباكات", "تنظيم", "الدولة",
        "الهلال", "النفطي", "وزارة", "كتيبة", "شهداء", "أمس", "الأحد", "يوم",
        "غارة", "غارات", "ّ", "ً", "ـ", "12", "٣", "abc", "Tripoli", "\xff",
        "\xd9", "\x84\x84\x84", "\xe2\x80\x8f", "ﷺ",
        "ووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووو", /* with ها, a word just past KEYMAX */
        "وووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووووو",
    };
    static char buf[4096];
    unsigned long long x = seed;
    for (int r = 0; r < count; r++) {
        size_t len = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES,
                                      1 + (int)(x % 60), &x, buf, sizeof buf);
        keys_text(k, "random", buf, len);
    }
}

TEST(phrase_scope_keys_same_as_direct)
{
    static const char *const WORDS[] = {
        "مدينة", "المدينة", "منطقة", "المنطقة", "الجيش", "جيش", "الجيش الوطني",
        "قوات", "القوات", "سرت", "مصراتة", "بنغازي", "ليبيا", "الليبي", "لل",
        "بالقرب", "قرب", "الأمن", "أمن", "مقتل", "قتل", "الاشتباكات", "اشتباكات",
        "تنظيم الدولة", "الدولة", "طرابلس", "الهلال النفطي", "وزارة", "ال",
        "كتيبة", "الكتيبة", "شهداء", "الشهداء", "أمس", "الأحد", "يوم",
    };
    keys_tally k = {{phrase_dict_new(), phrase_dict_new(), phrase_dict_new()}, 0, 0, 0, NULL, 0, 0, 0};
    for (size_t w = 0; w < sizeof WORDS / sizeof *WORDS; w++)
        for (int q = 0; q < 3; q++)
            if (k.d[q] && (w % 3 == (size_t)q || q == 2))
                phrase_dict_add(k.d[q], WORDS[w], strlen(WORDS[w]), (uint32_t)w);
    if (k.d[0] && k.d[1] && k.d[2]) {
        test_each_file("examples/dev", ".txt", keys_file, &k);
        test_each_file("examples/seeds", ".txt", keys_file, &k);
        keys_random(&k, 3000, 0x9E3779B97F4A7C15ULL);
    }
    CHECK(k.docs >= 30);
    CHECK(k.matched >= 1000);
    CHECK(k.passed > 10 * k.may && k.may >= 1000);
    CHECK_EQ_INT(k.bad, 0);
    for (int q = 0; q < 3; q++) phrase_dict_free(k.d[q]);
}

/* k's three dictionaries, made of words[0..n): word w goes into d[w % 3],
 * and into d[2] too when w is odd; and a new group for them to join.
 * NULL when memory runs out (k's dictionaries then freed). */
static phrase_group *group_dicts(keys_tally *k, const char *const *words, size_t n) {
    *k = (keys_tally){{phrase_dict_new(), phrase_dict_new(), phrase_dict_new()}, 0, 0, 0,
                      NULL, 0, 0, 0};
    phrase_group *g = phrase_group_new();
    if (!g || !k->d[0] || !k->d[1] || !k->d[2]) {
        phrase_group_free(g);
        for (int q = 0; q < 3; q++) phrase_dict_free(k->d[q]);
        return NULL;
    }
    for (size_t w = 0; w < n; w++)
        for (int q = 0; q < 3; q++)
            if (w % 3 == (size_t)q || (q == 2 && w % 2))
                phrase_dict_add(k->d[q], words[w], strlen(words[w]), (uint32_t)w);
    return g;
}

/* A group's filter of first words answers "no" for the dictionaries in it
 * without asking them: answers stay those of a lookup without a scope, asked
 * directly or through askers, for dictionaries in the group, outside it, and
 * one that took a phrase after joining (which leaves the group). */
TEST(phrase_group_same_answers)
{
    static const char *const WORDS[] = {
        "مدينة", "المدينة", "منطقة", "الجيش الوطني", "قوات", "القوات", "سرت",
        "مصراتة", "بنغازي", "الليبي", "بالقرب", "قرب", "الأمن", "مقتل", "قتل",
        "اشتباكات", "تنظيم الدولة", "طرابلس", "الهلال النفطي", "وزارة", "ال",
        "كتيبة", "شهداء", "أمس", "الأحد", "يوم", "غارة", "غارات", "ل", "ب",
    };
    keys_tally k;
    phrase_group *g = group_dicts(&k, WORDS, sizeof WORDS / sizeof *WORDS);
    CHECK(g != NULL);
    if (!g) return;
    CHECK_EQ_INT(phrase_group_add(g, k.d[0]), 0);
    CHECK_EQ_INT(phrase_group_add(g, k.d[1]), 0);
    CHECK_EQ_INT(phrase_group_add(g, k.d[1]), 0); /* already in */
    /* d[1] takes one more phrase: it leaves the group, answers stay right */
    phrase_dict_add(k.d[1], "الهجوم", strlen("الهجوم"), 99);
    k.group = g;
    for (k.ask = 0; k.ask < 2; k.ask++) {
        test_each_file("examples/dev", ".txt", keys_file, &k);
        test_each_file("examples/seeds", ".txt", keys_file, &k);
        keys_random(&k, 3000, 0x2545F4914F6CDD1DULL + (unsigned long long)k.ask);
    }
    CHECK(k.docs >= 60);
    CHECK(k.matched >= 1000);
    CHECK_EQ_INT(k.bad, 0);
    /* a dictionary belongs to one group; 32 at most join one */
    phrase_group *g2 = phrase_group_new();
    CHECK(g2 != NULL);
    CHECK_EQ_INT(phrase_group_add(g2, k.d[0]), -1);
    phrase_dict *many[33];
    int joined = 0;
    for (int q = 0; q < 33; q++) {
        many[q] = phrase_dict_new();
        joined += phrase_group_add(g2, many[q]) == 0;
    }
    CHECK_EQ_INT(joined, 32);
    for (int q = 0; q < 33; q++) phrase_dict_free(many[q]);
    phrase_group_free(g2);
    phrase_group_free(g);
    for (int q = 0; q < 3; q++) phrase_dict_free(k.d[q]);
}

/* Words with and without clitics, and stems that are words themselves
 * (مدين, غار, قوا), for the tests of a group with all three dictionaries. */
static const char *const CLITIC_WORDS[] = {
    "مدينة", "منطقة", "الجيش الوطني", "قوات", "سرت", "مصراتة", "قرب",
    "الأمن", "مقتل", "قتل", "اشتباكات", "تنظيم الدولة", "وزارة", "كتيبة",
    "شهداء", "غارة", "غارات", "ل", "ب", "مدين", "غار", "قوا",
};

/* group_dicts over CLITIC_WORDS, with all three dictionaries joined and the
 * group set in k; NULL when memory runs out. */
static phrase_group *joined_group(keys_tally *k) {
    phrase_group *g = group_dicts(k, CLITIC_WORDS,
                                  sizeof CLITIC_WORDS / sizeof *CLITIC_WORDS);
    if (!g) return NULL;
    for (int q = 0; q < 3; q++) CHECK_EQ_INT(phrase_group_add(g, k->d[q]), 0);
    k->group = g;
    return g;
}

/* The bits for questions that strip enclitics are made for every
 * dictionary of the group: answers stay those of a lookup without a scope,
 * when all three dictionaries are in the group and asked that way. */
TEST(phrase_group_enc_bits)
{
    keys_tally k;
    phrase_group *g = joined_group(&k);
    CHECK(g != NULL);
    if (!g) return;
    for (k.ask = 0; k.ask < 2; k.ask++) {
        test_each_file("examples/dev", ".txt", keys_file, &k);
        keys_random(&k, 1500, 0x5851F42D4C957F2DULL + (unsigned long long)k.ask);
    }
    CHECK(k.matched >= 1000);
    CHECK_EQ_INT(k.bad, 0);
    phrase_group_free(g);
    for (int q = 0; q < 3; q++) phrase_dict_free(k.d[q]);
}

/* Each thread keeps its words' keys and group bits per word form across
 * scopes, and the first-word hits of the forms asked about (taking back a
 * form's bit for a dictionary none of whose phrases it starts): answers
 * stay those of a lookup without a scope when forms are found again, when
 * the thread keeps none, when it keeps so few that it starts again at
 * nearly every scope and fills up inside one (the rest of the scope is
 * computed token by token), when every word is compared with every form
 * kept (up to 200), and when another group comes, or a dictionary joins
 * the group, whose bits the forms made before lack. */
TEST(phrase_forms_same_answers)
{
    static const char *const OTHERS[] = {
        "بنغازي", "طرابلس", "الزاوية", "درنة", "صبراتة", "القطرون", "سدادة",
        "المجلس", "الرئاسي", "حكومة", "الوفاق", "قال", "مصدر", "عسكري", "في",
    };
    keys_tally k;
    phrase_group *g = joined_group(&k);
    CHECK(g != NULL);
    if (!g) return;
    static const size_t LIMITS[] = {32768, 0, 24, 200};
    for (int l = 0; l < 4; l++) {
        phrase_forms_limit(LIMITS[l]);
        phrase_forms_untagged(l == 3); /* every form met compared */
        phrase_forms_stats a = phrase_forms_stats_get();
        test_each_file("examples/dev", ".txt", keys_file, &k);
        keys_random(&k, 400, 0x2545F4914F6CDD1DULL + (unsigned long long)l);
        phrase_forms_stats b = phrase_forms_stats_get();
        size_t hits = b.hits - a.hits, misses = b.misses - a.misses;
        size_t unkept = b.unkept - a.unkept, restarts = b.restarts - a.restarts;
        size_t found = b.hits_found - a.hits_found, made = b.hits_made - a.hits_made;
        size_t cleared = b.bits_cleared - a.bits_cleared;
        if (l == 0) {
            CHECK(hits >= 3000 && misses >= 1000 && unkept == 0);
            /* few: a form has a bit without a hit only when the group's
             * filter meets another word's bucket */
            CHECK(found >= 1000 && made >= 200 && cleared >= 1);
        } else if (l == 1) {
            CHECK(hits == 0 && misses == 0 && found == 0 && made == 0);
        } else if (l == 2) {
            CHECK(restarts >= 100 && unkept >= 1000 && hits >= 1000);
            CHECK(found >= 300 && made >= 1000);
        } else {
            CHECK(hits >= 1000 && misses >= 1000 && restarts >= 10);
        }
    }
    phrase_forms_limit(32768);
    phrase_forms_untagged(0);
    CHECK(k.matched >= 1000);
    CHECK_EQ_INT(k.bad, 0);
    /* other dictionaries in another group, two of them first: the forms
     * start again for the group, and again when the third joins */
    keys_tally o;
    phrase_group *g2 = group_dicts(&o, OTHERS, sizeof OTHERS / sizeof *OTHERS);
    CHECK(g2 != NULL);
    if (g2) {
        for (int q = 0; q < 2; q++) CHECK_EQ_INT(phrase_group_add(g2, o.d[q]), 0);
        o.group = g2;
        test_each_file("examples/dev", ".txt", keys_file, &o);
        CHECK_EQ_INT(phrase_group_add(g2, o.d[2]), 0);
        test_each_file("examples/dev", ".txt", keys_file, &o);
        CHECK(o.matched >= 1000);
        CHECK_EQ_INT(o.bad, 0);
        phrase_group_free(g2);
        for (int q = 0; q < 3; q++) phrase_dict_free(o.d[q]);
    }
    phrase_group_free(g);
    for (int q = 0; q < 3; q++) phrase_dict_free(k.d[q]);
}

/* text_proclitics gives, shortest
 * first, the proclitics of the documented list that the word starts with,
 * for random words of clitic letters and others (cut anywhere, invalid
 * bytes included). */
TEST(phrase_proclitics_are_the_listed_prefixes)
{
    static const char *const LIST[] = {
        "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "وب",
        "فب", "ول", "فل", "وك", "فك", "وبال", "فبال", "وكال", "فكال", "ولل", "فلل",
    };
    static const char *const PIECES[] = {"و", "ف", "ب", "ل", "ك", "ا", "م", "\xd9",
                                         "\xd8", "\x84", "a", "ال"};
    unsigned long long x = 88172645463325252ULL;
    char w[64];
    int bad = 0;
    for (int r = 0; r < 20000; r++) {
        size_t n = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES,
                                    1 + (int)(x % 6), &x, w, sizeof w);
        if (x % 3 == 0 && n) n--; /* a letter cut in two */
        uint8_t got[3], want[3];
        size_t ng = text_proclitics(w, n, got), nw = 0;
        for (size_t len = 1; len <= 8; len++)
            for (size_t q = 0; q < sizeof LIST / sizeof *LIST; q++)
                if (strlen(LIST[q]) == len && len <= n && memcmp(w, LIST[q], len) == 0 &&
                    nw < 3)
                    want[nw++] = (uint8_t)len;
        if (ng != nw || memcmp(got, want, ng) != 0) bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

/* marsad_clitic_segments, against the segmentations worked out plainly: the
 * whole word, then every (proclitic, enclitic) pair, none included, leaving
 * a stem whose first 8 bytes hold two code points, by growing total and
 * then proclitic; over random words (cut anywhere, invalid bytes). */
TEST(phrase_clitic_segments_as_worked_out_plainly)
{
    static const char *const PIECES[] = {"و", "ف", "ب", "ل", "ك", "ا", "م", "ه",
                                         "ن", "ي", "\xd9", "\x84", "\x84\x84\x84",
                                         "a", "ال", "هما", "كم"};
    unsigned long long x = 0x853C49E6748FEA9BULL;
    char w[64];
    int bad = 0;
    for (int r = 0; r < 20000; r++) {
        size_t n = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES,
                                    1 + (int)(x % 7), &x, w, sizeof w);
        if (x % 3 == 0 && n) n--;
        marsad_seg got[32], want[32] = {{0, 0}};
        int ng = marsad_clitic_segments(w, n, got, 32), nw = 1;
        uint8_t pros[4] = {0}, encs[3] = {0};
        size_t np = 1 + text_proclitics(w, n, pros + 1);
        size_t ne = 1 + text_enclitics(w, n, encs + 1);
        for (size_t total = 1; total <= n; total++)
            for (size_t a = 0; a < np; a++)
                for (size_t b = 0; b < ne; b++) {
                    size_t t = (size_t)pros[a] + encs[b];
                    if (t != total || t >= n) continue;
                    size_t look = n - t < 8 ? n - t : 8;
                    if (text_cp_count(w + pros[a], look) < 2) continue;
                    want[nw++] = (marsad_seg){pros[a], encs[b]};
                }
        if (ng != nw) {
            bad++;
            continue;
        }
        for (int q = 0; q < ng; q++)
            if (got[q].pro != want[q].pro || got[q].enc != want[q].enc) bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

/* The inline comparison of keys says what memcmp says, for every length up
 * to 40 and a difference at every byte (or none). */
TEST(phrase_same_bytes_is_memcmp)
{
    char a[48], b[48];
    int bad = 0;
    for (size_t n = 0; n <= 40; n++)
        for (size_t at = 0; at <= n; at++) {
            for (size_t q = 0; q < sizeof a; q++) a[q] = b[q] = (char)(q * 7 + 1);
            if (at < n) b[at] ^= (char)(1 << (at % 8));
            b[n] ^= 1; /* past the end: not compared */
            if (phrase_same_bytes(a, b, n) != (memcmp(a, b, n) == 0)) bad++;
        }
    CHECK_EQ_INT(bad, 0);
}

/* text_enclitics gives, shortest
 * first, the enclitics of the documented list that the word ends with,
 * for random words (cut anywhere, invalid bytes included). */
TEST(phrase_enclitics_are_the_listed_suffixes)
{
    static const char *const LIST[] = {"ه", "ها", "هم", "هما", "هن", "ك", "كم",
                                       "كما", "كن", "ي", "نا", "ني"};
    static const char *const PIECES[] = {"ه", "ا", "م", "ن", "ك", "ي", "ب", "\xd9",
                                         "\xd8", "\x87", "a", "هما"};
    unsigned long long x = 0xDA942042E4DD58B5ULL;
    char w[64];
    int bad = 0;
    for (int r = 0; r < 20000; r++) {
        size_t n = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES,
                                    1 + (int)(x % 6), &x, w, sizeof w);
        if (x % 3 == 0 && n) n--;
        uint8_t got[2], want[2];
        size_t ng = text_enclitics(w, n, got), nw = 0;
        for (size_t len = 1; len <= 6; len++)
            for (size_t q = 0; q < sizeof LIST / sizeof *LIST; q++)
                if (strlen(LIST[q]) == len && len <= n &&
                    memcmp(w + n - len, LIST[q], len) == 0 && nw < 2)
                    want[nw++] = (uint8_t)len;
        if (ng != nw || memcmp(got, want, ng) != 0) bad++;
    }
    CHECK_EQ_INT(bad, 0);
}
