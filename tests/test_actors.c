/* test_actors.c — the actor lexicon and resolver: table of mentions, data
 * checks, malformed lines, robustness, and actor recall over the gold files. */
#include "lex/actors.h"
#include "lex/phrase.h"
#include "table.h"
#include "test.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static actors *lexicon(void) {
    static actors *lex;
    static int tried;
    if (!tried) {
        char err[512];
        tried = 1;
        lex = actors_load("data", err, sizeof err);
        if (!lex) fprintf(stderr, "  actors_load: %s\n", err);
    }
    return lex;
}

static void unescape(char *s) {
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') { *o++ = '\n'; p++; }
        else if (p[0] == '\\' && p[1] == 't') { *o++ = '\t'; p++; }
        else *o++ = *p;
    }
    *o = '\0';
}

/* "name": neither generic nor a short form; "generic", "short": that flag */
static int how_is(const actor_mention *m, const char *want) {
    if (strcmp(want, "generic") == 0) return m->generic;
    if (strcmp(want, "short") == 0) return m->short_form;
    return !m->generic && !m->short_form;
}

static const char *how(const actor_mention *m) {
    return m->short_form ? (m->generic ? "short,generic" : "short")
           : m->generic  ? "generic" : "name";
}

static void mention_row(char **f, int n, int line) {
    actors *lex = lexicon();
    if (!lex || n < 4) {
        fprintf(stderr, "  actors.tsv row %d: %d fields\n", line, n);
        CHECK(n >= 4);
        return;
    }
    unescape(f[1]);
    const char *country = strcmp(f[0], "-") == 0 ? NULL : f[0];
    /* "X#2": second occurrence */
    int occ = 1;
    char *hash = strrchr(f[2], '#');
    if (hash && hash[1] >= '1' && hash[1] <= '9') {
        occ = atoi(hash + 1);
        *hash = '\0';
    }
    const char *at = f[1];
    for (int k = 0; at && k < occ; k++) {
        at = strstr(at, f[2]);
        if (at && k + 1 < occ) at++;
    }
    if (!at) {
        fprintf(stderr, "  actors.tsv row %d: '%s' not in text\n", line, f[2]);
        CHECK(at != NULL);
        return;
    }
    size_t off = (size_t)(at - f[1]), end = off + strlen(f[2]);
    marsad_doc *doc = marsad_doc_new(f[1], strlen(f[1]));
    actor_mention *m;
    size_t nm = actors_find(lex, doc, country, &m);
    const actor_mention *hit = NULL;
    for (size_t i = 0; i < nm && !hit; i++)
        if (m[i].start < end && off < m[i].end) hit = &m[i];
    const char *got = hit ? actors_info(lex, hit->actor)->name : "-";
    if (strcmp(got, f[3]) != 0 ||
        (n > 4 && *f[4] && hit && !how_is(hit, f[4]))) {
        fprintf(stderr, "  actors.tsv row %d: '%s' -> '%s' (%s), want '%s' (%s)\n",
                line, f[2], got, hit ? how(hit) : "-", f[3],
                n > 4 ? f[4] : "");
        test_failures++;
    }
    free(m);
    marsad_doc_free(doc);
}

TEST(actors_mention_table)
{
    CHECK(lexicon() != NULL);
    CHECK(table_each("tests/data/actors.tsv", mention_row) >= 150);
}

TEST(actors_lexicon_loads_clean)
{
    /* the loader rejects malformed lines, duplicate names, unknown parents
     * and aliases shared by two actors of one country: loading is the check */
    actors *lex = lexicon();
    CHECK(lex != NULL);
    if (!lex) return;
    size_t named = 0;
    for (uint32_t i = 0; i < actors_count(lex); i++) {
        const actor_info *ai = actors_info(lex, i);
        CHECK(ai->name && *ai->name && ai->type && ai->country);
        CHECK(actors_lookup(lex, ai->name) == i);
        if (ai->parent) CHECK(actors_lookup(lex, ai->parent) == ai->parent_id);
        named += !ai->generic;
    }
    CHECK(named >= 200);
    CHECK(actors_alias_count(lex) >= 3000);
    CHECK_EQ_STR(actors_country_name(lex, "LY"), "Libya");
    CHECK_EQ_STR(actors_country_name(lex, "sy"), "Syria");
    CHECK(actors_country_name(lex, "XX") == NULL);
    uint32_t lna = actors_lookup(lex, "Libyan National Army");
    uint32_t b106 = actors_lookup(lex, "106th Brigade (LNA)");
    CHECK(lna != ACTORS_NONE && b106 != ACTORS_NONE);
    CHECK(actors_is_within(lex, b106, lna));
    CHECK(!actors_is_within(lex, lna, b106));
    CHECK(actors_info(lex, (uint32_t)actors_count(lex)) == NULL);
    /* every gold actor name exists in the lexicon */
    const char *gold[] = {
        "Islamic State (Libya)", "Libyan National Army",
        "Mujahideen Shura Council of Derna", "Petroleum Facilities Guard",
        "Sabratha local forces", "Government of National Accord forces",
        "Unidentified Armed Group (Libya)", "Civilians (Libya)",
        "Police Forces of Libya", "Military Forces of the United States",
        "Military Forces of Egypt", "Protesters (Libya)",
    };
    for (size_t i = 0; i < sizeof gold / sizeof *gold; i++)
        CHECK(actors_lookup(lex, gold[i]) != ACTORS_NONE);
}

/* ---- malformed lines: each table row appends one bad line to a copy of
 * the data directory and expects "FILE:LINE: message" */

static int copy_file(const char *from, const char *to, size_t *lines) {
    size_t len;
    char *b = test_read_file(from, &len);
    if (!b) return -1;
    FILE *f = fopen(to, "wb");
    if (!f) {
        free(b);
        return -1;
    }
    fwrite(b, 1, len, f);
    fclose(f);
    *lines = 0;
    for (size_t i = 0; i < len; i++) *lines += b[i] == '\n';
    free(b);
    return 0;
}

static void malformed_row(char **f, int n, int line) {
    if (n < 3) {
        CHECK(n >= 3);
        return;
    }
    char dir[] = "/tmp/marsad-actors-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    const char *files[] = {"actor-countries.tsv", "actors.tsv", "actor-forms.tsv",
                           "actor-spellings.tsv"};
    size_t bad_line = 0;
    for (int i = 0; i < 4; i++) {
        char from[256], to[256];
        size_t lines = 0;
        snprintf(from, sizeof from, "data/%s", files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        CHECK(copy_file(from, to, &lines) == 0);
        if (strcmp(files[i], f[0]) == 0) {
            unescape(f[1]);
            FILE *fp = fopen(to, "ab");
            fprintf(fp, "%s\n", f[1]);
            fclose(fp);
            bad_line = lines + 1;
        }
    }
    CHECK(bad_line > 0);
    char err[512] = "";
    actors *lex = actors_load(dir, err, sizeof err);
    char want[512];
    snprintf(want, sizeof want, "%s/%s:%zu: ", dir, f[0], bad_line);
    if (lex || !strstr(err, want) || !strstr(err, f[2])) {
        fprintf(stderr, "  actors-malformed.tsv row %d: got '%s', want '%s...%s'\n",
                line, lex ? "(loaded)" : err, want, f[2]);
        test_failures++;
    }
    actors_free(lex);
    for (int i = 0; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

TEST(actors_malformed_lines_fail_with_file_line)
{
    CHECK(table_each("tests/data/actors-malformed.tsv", malformed_row) >= 10);
    char err[256];
    CHECK(actors_load("/nonexistent-dir", err, sizeof err) == NULL);
    CHECK(strstr(err, "actor-countries.tsv") != NULL);
    CHECK(actors_load(NULL, err, sizeof err) == NULL);
}

TEST(actors_bad_input_never_crashes)
{
    actors *lex = lexicon();
    if (!lex) {
        CHECK(0);
        return;
    }
    actor_mention *m;
    marsad_doc *doc = marsad_doc_new("", 0);
    CHECK_EQ_INT(actors_find(lex, doc, "LY", &m), 0);
    CHECK(m == NULL);
    marsad_doc_free(doc);
    const char bad[] = "\xff\xfe داعش \xd8 مسلحون\x00 الجيش";
    doc = marsad_doc_new(bad, sizeof bad - 1);
    size_t nm = actors_find(lex, doc, "ZZ", &m);
    CHECK(nm >= 2);
    free(m);
    marsad_doc_free(doc);
    CHECK_EQ_INT(actors_find(NULL, NULL, NULL, &m), 0);
    /* many short forms without antecedents, many names: bounded work */
    const char *unit = "قال التنظيم إن الجيش والكتيبة والمجلس تقدموا، وداعش. ";
    size_t ul = strlen(unit), reps = 40000;
    char *big = malloc(ul * reps + 1);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * ul, unit, ul);
    big[ul * reps] = '\0';
    clock_t t0 = clock();
    doc = marsad_doc_new(big, ul * reps);
    nm = actors_find(lex, doc, "LY", &m);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(nm >= reps * 3 - 1);
    CHECK(secs < 20.0);
    free(m);
    marsad_doc_free(doc);
    free(big);
}

/* ---- actor recall over the gold annotations: a gold actor counts when
 * one of its aliases, found in the article, is covered by a mention that
 * resolves to the gold name (strict), or to an actor within it (roll-up:
 * a unit of the LNA for "Libyan National Army"). */

typedef struct {
    actors *lex;
    int total, strict, rollup, req_total, req_rollup;
    const char *dir;
} recall_ctx;

static int covered(const actors *lex, const actor_mention *m, size_t nm,
                   size_t s, size_t e, uint32_t gold, int rollup) {
    for (size_t i = 0; i < nm; i++) {
        if (m[i].start >= e || s >= m[i].end) continue;
        if (m[i].actor == gold) return 1;
        if (rollup && actors_is_within(lex, m[i].actor, gold)) return 1;
    }
    return 0;
}

/* Does some occurrence of alias (folded search) meet a fitting mention? */
static int alias_found(recall_ctx *c, marsad_normtext *nt, const char *alias,
                       const actor_mention *m, size_t nm, uint32_t gold,
                       int rollup) {
    size_t fl, tl;
    char *fa = marsad_fold_dup(alias, strlen(alias), &fl);
    const char *ft = marsad_normtext_str(nt, &tl);
    int hit = 0;
    for (const char *p = fl ? strstr(ft, fa) : NULL; p && !hit;
         p = strstr(p + 1, fa)) {
        size_t s = marsad_normtext_orig(nt, (size_t)(p - ft));
        size_t e = marsad_normtext_orig(nt, (size_t)(p - ft) + fl);
        hit = covered(c->lex, m, nm, s, e, gold, rollup);
    }
    free(fa);
    return hit;
}

static void recall_file(const char *path, void *ctx) {
    recall_ctx *c = ctx;
    json_error_t je;
    json_t *g = json_load_file(path, 0, &je);
    CHECK(g != NULL);
    if (!g) return;
    const char *id = json_string_value(json_object_get(g, "doc_id"));
    char tpath[1024];
    snprintf(tpath, sizeof tpath, "%s/%s.txt", c->dir, id ? id : "?");
    size_t len;
    char *text = test_read_file(tpath, &len);
    CHECK(text != NULL);
    if (!text) {
        json_decref(g);
        return;
    }
    /* the country is in the file name (001_ly_...), else Libya */
    char country[3] = "LY";
    const char *u = strchr(id, '_');
    if (u && u[1] && u[2] && u[3] == '_') {
        country[0] = (char)(u[1] - 32);
        country[1] = (char)(u[2] - 32);
    }
    marsad_doc *doc = marsad_doc_new(text, len);
    marsad_normtext *nt = marsad_normtext_new(text, len);
    actor_mention *m;
    size_t nm = actors_find(c->lex, doc, country, &m);
    size_t ei;
    json_t *ev;
    json_array_foreach(json_object_get(g, "events"), ei, ev) {
        int required = strcmp(json_string_value(json_object_get(ev, "status")),
                              "required") == 0;
        size_t ai;
        json_t *ac;
        json_array_foreach(json_object_get(ev, "actors"), ai, ac) {
            const char *name = json_string_value(json_object_get(ac, "name"));
            uint32_t gold = actors_lookup(c->lex, name);
            int s = 0, r = 0;
            size_t k;
            json_t *al;
            json_array_foreach(json_object_get(ac, "aliases"), k, al) {
                const char *a = json_string_value(al);
                if (gold == ACTORS_NONE || !a) continue;
                s |= alias_found(c, nt, a, m, nm, gold, 0);
                r |= alias_found(c, nt, a, m, nm, gold, 1);
            }
            c->total++;
            c->strict += s;
            c->rollup += r;
            c->req_total += required;
            c->req_rollup += required && r;
            if (!r && getenv("MARSAD_TEST_VERBOSE"))
                fprintf(stderr, "  missed %s %s: %s\n", id,
                        json_string_value(json_object_get(ev, "id")), name);
        }
    }
    free(m);
    marsad_normtext_free(nt);
    marsad_doc_free(doc);
    free(text);
    json_decref(g);
}

TEST(actors_gold_recall)
{
    recall_ctx c = {0};
    c.lex = lexicon();
    if (!c.lex) {
        CHECK(0);
        return;
    }
    c.dir = "examples/seeds";
    int files = test_each_file("examples/seeds/gold", ".json", recall_file, &c);
    c.dir = "examples/dev";
    files += test_each_file("examples/dev/gold", ".json", recall_file, &c);
    CHECK(files >= 30);
    CHECK(c.total > 100);
    if (c.total == 0) return;
    double strict = (double)c.strict / c.total;
    double rollup = (double)c.rollup / c.total;
    double req = c.req_total ? (double)c.req_rollup / c.req_total : 0;
    printf("     actor recall over %d gold actors in %d files: %.3f "
           "(strict names %.3f; required events %.3f)\n",
           c.total, files, rollup, strict, req);
    CHECK(rollup >= 0.88);
    CHECK(strict >= 0.88);
}

/* actors_find in a document scope with the group of its dictionaries passes
 * over the tokens whose bits show that neither dictionary may start a
 * phrase there; outside any scope it asks both at every token. The two must
 * find the same mentions, for the bundled articles and for random texts
 * made of their words (with clitics added), actor words, prefixes, quotes,
 * punctuation, digits, Latin, marks and invalid bytes. */
typedef struct {
    const actors *lex;
    const phrase_group *g;
    test_words pool; /* words of the bundled articles */
    int docs, mentions, bad;
} same_ctx;

static void same_text(same_ctx *c, const char *text, size_t len) {
    static const char *const COUNTRY[] = {NULL, "LY", "sy", "IQ", "XX"};
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!doc) return;
    size_t nt;
    const marsad_token *tok = marsad_doc_tokens(doc, &nt);
    const char *country = COUNTRY[c->docs % 5];
    actor_mention *plain = NULL, *fast = NULL;
    size_t np = actors_find(c->lex, doc, country, &plain);
    phrase_scope *sc = phrase_scope_begin_group(tok, nt, c->g);
    size_t nf = actors_find(c->lex, doc, country, &fast);
    phrase_scope_end(sc);
    int differ = np != nf;
    for (size_t i = 0; !differ && i < np; i++) {
        const actor_mention *a = &plain[i], *b = &fast[i];
        differ = a->start != b->start || a->end != b->end ||
                 a->tok_start != b->tok_start || a->tok_end != b->tok_end ||
                 a->actor != b->actor || a->generic != b->generic ||
                 a->short_form != b->short_form || a->by_cue != b->by_cue ||
                 a->antecedent != b->antecedent;
    }
    if (differ) {
        if (c->bad++ < 3)
            fprintf(stderr, "  %zu mentions in the scope, %zu without: %.*s\n",
                    nf, np, (int)(len < 200 ? len : 200), text);
    }
    c->mentions += (int)np;
    c->docs++;
    free(plain);
    free(fast);
    marsad_doc_free(doc);
}

static void same_file(const char *path, void *ctx) {
    same_ctx *c = ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    if (!text) return;
    same_text(c, text, len);
    c->pool.max = 40000;
    test_words_add(&c->pool, text);
    free(text);
}

TEST(actors_find_same_with_the_group_bits)
{
    static const char *const EXTRA[] = {
        "الجيش", "قوات", "داعش", "مسلحي", "عناصر", "مقاتلي", "لـ", "ل", "\"",
        "«", "»", "،", ".", "في", "وفي", "ليبيا", "سوريا", "بسوريا", "شمال",
        "155", "3", "ABC", "\xff", "\xd8", "ـ", "\xd9\x8e", "\n", "الكتيبة",
        "التنظيم", "الحكومة", "حزب", "الله", "المجلس", "العسكري", "(", ")",
    };
    static const char *const PRO[] = {"و", "ب", "ل", "ال", "لل", "وال", "فال",
                                      "بال", "ك"};
    static const char *const ENC[] = {"ها", "هم", "ه"};
    same_ctx c = {0};
    c.lex = lexicon();
    phrase_group *g = phrase_group_new();
    CHECK(c.lex != NULL && g != NULL);
    if (!c.lex || !g) {
        phrase_group_free(g);
        return;
    }
    actors_join((actors *)c.lex, g);
    c.g = g;
    test_each_file("examples/seeds", ".txt", same_file, &c);
    test_each_file("examples/dev", ".txt", same_file, &c);
    CHECK(c.docs >= 30);
    CHECK(c.pool.n > 1000);
    uint64_t seed = 12345;
    char buf[4096];
    for (int r = 0; r < 4000 && c.pool.n; r++) {
        size_t len = 0, words = 1 + test_lcg(&seed) % 60;
        for (size_t w = 0; w < words && len + 200 < sizeof buf; w++) {
            uint64_t x = test_lcg(&seed);
            const char *pre = x % 7 == 0 ? PRO[(x >> 8) % 9] : "";
            const char *post = x % 11 == 0 ? ENC[(x >> 12) % 3] : "";
            const char *word = x % 3 == 0
                ? EXTRA[(x >> 16) % (sizeof EXTRA / sizeof *EXTRA)]
                : c.pool.w[(x >> 16) % c.pool.n];
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%.*s%s%s",
                                    pre, 150, word, post,
                                    x % 13 == 0 ? "" : " ");
        }
        same_text(&c, buf, len);
    }
    CHECK(c.mentions > 5000);
    CHECK_EQ_INT(c.bad, 0);
    test_words_free(&c.pool);
    phrase_group_free(g);
}
