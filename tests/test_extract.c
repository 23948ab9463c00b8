/* test_extract.c — extraction rules sentence by sentence, the model loader,
 * extraction on bad input, and the cheaper ways extraction computes a few
 * things (notes, ids, blocking cues, base words) against
 * the plain ones. */
#include "marsad.h"
#include "table.h"
#include "test.h"
#include "extract/extract_internal.h"
#include "geo/gazetteer.h"
#include "text/text_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One sentence at mention level: expected type and sub-type (or "none"),
 * killed, injured, captured. */
static void mention_row(char **f, int n, int line, void *ctx) {
    marsad_model *m = ctx;
    marsad_article a = {"t", f[0], strlen(f[0]), "2016-04-24", NULL, NULL, NULL, NULL};
    marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_MENTIONS, NULL, NULL);
    size_t ne = marsad_events_count(ev);
    int ok;
    if (n >= 2 && strcmp(f[1], "none") == 0) {
        ok = ne == 0;
    } else {
        const marsad_event *e = ne ? marsad_events_get(ev, 0) : NULL;
        ok = e && n >= 6 && strcmp(e->event_type, f[1]) == 0 &&
             strcmp(e->sub_event_type, f[2]) == 0 && e->fatalities == atol(f[3]) &&
             e->injured == atol(f[4]) && e->captured == atol(f[5]);
        if (!ok && e)
            fprintf(stderr, "  got %s / %s killed %ld injured %ld captured %ld\n",
                    e->event_type, e->sub_event_type, e->fatalities, e->injured,
                    e->captured);
    }
    if (!ok)
        fprintf(stderr, "  extract_mentions.tsv:%d: %s (%zu mentions)\n", line, f[0], ne);
    CHECK(ok);
    marsad_events_free(ev);
}

TEST(extract_mentions_table)
{
    marsad_model *m = test_model();
    CHECK(m != NULL);
    if (!m) return;
    CHECK(table_rows("tests/data/extract_mentions.tsv", mention_row, m) >= 15);
}

/* One article at event level: published, text, then the one event expected:
 * type, sub-type, place, killed, injured; or "none" for no event at all. */
static void event_row(char **f, int n, int line, void *ctx) {
    marsad_model *m = ctx;
    int none = n == 3 && strcmp(f[2], "none") == 0;
    CHECK(n == 7 || none);
    if (n != 7 && !none) return;
    marsad_article a = {"t", f[1], strlen(f[1]), f[0], NULL, NULL, NULL, NULL};
    marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_EVENTS, NULL, NULL);
    if (none) {
        if (marsad_events_count(ev))
            fprintf(stderr, "  extract_events.tsv:%d: %zu events, none expected\n", line,
                    marsad_events_count(ev));
        CHECK(ev && marsad_events_count(ev) == 0);
        marsad_events_free(ev);
        return;
    }
    const marsad_event *e = marsad_events_count(ev) ? marsad_events_get(ev, 0) : NULL;
    int ok = e && marsad_events_count(ev) == 1 && strcmp(e->event_type, f[2]) == 0 &&
             strcmp(e->sub_event_type, f[3]) == 0 && e->location_name &&
             strcmp(e->location_name, f[4]) == 0 && e->fatalities == atol(f[5]) &&
             e->injured == atol(f[6]);
    if (!ok)
        fprintf(stderr, "  extract_events.tsv:%d: %zu events; first %s / %s at %s, "
                        "killed %ld injured %ld\n", line, marsad_events_count(ev),
                e ? e->event_type : "-", e ? e->sub_event_type : "-",
                e && e->location_name ? e->location_name : "-",
                e ? e->fatalities : 0, e ? e->injured : 0);
    CHECK(ok);
    marsad_events_free(ev);
}

TEST(extract_events_table)
{
    marsad_model *m = test_model();
    CHECK(m != NULL);
    if (!m) return;
    CHECK(table_rows("tests/data/extract_events.tsv", event_row, m) >= 5);
}

/* One article: published, text, then its first event's actor1 and actor2
 * ("-": none). */
static void author_row(char **f, int n, int line, void *ctx) {
    marsad_model *m = ctx;
    CHECK(n == 4);
    if (n != 4) return;
    marsad_article a = {"t", f[1], strlen(f[1]), f[0], NULL, NULL, NULL, NULL};
    marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_EVENTS, NULL, NULL);
    const marsad_event *e = marsad_events_count(ev) ? marsad_events_get(ev, 0) : NULL;
    const char *a1 = e && e->actor1 ? e->actor1 : "-";
    const char *a2 = e && e->actor2 ? e->actor2 : "-";
    int ok = e && strcmp(a1, f[2]) == 0 && strcmp(a2, f[3]) == 0 &&
             (!e->actor1 || (e->actor1_mention && *e->actor1_mention));
    if (!ok)
        fprintf(stderr, "  extract_actors.tsv:%d: got %s / %s\n", line, a1, a2);
    CHECK(ok);
    marsad_events_free(ev);
}

TEST(extract_actors_table)
{
    marsad_model *m = test_model();
    CHECK(m != NULL);
    if (!m) return;
    CHECK(table_rows("tests/data/extract_actors.tsv", author_row, m) >= 6);
}

TEST(extract_model_reports_malformed_line)
{
    /* a copy of the data directory with one broken trigger line */
    char dir[] = "/tmp/marsad-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r data/. %s/ && printf 'قتال\\tevent\\tBattle\\tArmed clash\\n' >> %s/triggers.tsv",
             dir, dir);
    CHECK(system(cmd) == 0);
    char err[512] = "";
    marsad_model *m = marsad_model_load(dir, err, sizeof err);
    CHECK(m == NULL);
    CHECK(strstr(err, "triggers.tsv:") != NULL);
    CHECK(strstr(err, "Battle") != NULL);
    marsad_model_free(m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(extract_bad_input_never_crashes)
{
    marsad_model *m = test_model();
    CHECK(m != NULL);
    if (!m) return;
    const char *texts[] = {"", "\xff\xfe\x00\x00 مقتل \xc0\xaf 5", "only English text here.",
                           "ًٌٍَُِّْ ًٌٍَُِّْ ًٌٍَُِّْ", "مقتل مقتل مقتل 5 5 5 ؟؟؟"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t l = i == 1 ? 17 : strlen(texts[i]);
        marsad_article a = {"bad", texts[i], l, NULL, NULL, NULL, NULL, NULL};
        marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_EVENTS, NULL, NULL);
        CHECK(ev != NULL);
        char *s = marsad_events_render(ev, MARSAD_FORMAT_JSONL, 0);
        CHECK(s != NULL);
        free(s);
        marsad_events_free(ev);
    }
    /* 10 MB of repeated violent text (MARSAD_TEST_LINEAR_KB caps it, as
     * under valgrind): no crash */
    const char *cap = getenv("MARSAD_TEST_LINEAR_KB");
    size_t bytes = cap && atol(cap) > 0 ? (size_t)atol(cap) * 1024 : 10u << 20;
    size_t unit = strlen("قتل 5 جنود في اشتباكات. "), n = bytes / unit + 1;
    char *big = malloc(n * unit + 1);
    for (size_t i = 0; i < n; i++) memcpy(big + i * unit, "قتل 5 جنود في اشتباكات. ", unit);
    marsad_article a = {"big", big, n * unit, "2020-01-01", NULL, NULL, NULL, NULL};
    marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_EVENTS, NULL, NULL);
    CHECK(ev != NULL);
    marsad_events_free(ev);
    free(big);
}

/* The event id is "<doc_id>-e<n>" as printf into a 1024-byte buffer and a
 * clean copy would make it, for plain, broken and overlong ids. */
TEST(extract_event_id_as_printf)
{
    marsad_model *m = test_model();
    CHECK(m != NULL);
    if (!m) return;
    const char *text = "قتل 5 جنود في هجوم على مدينة درنة. "
                       "وقصفت طائرات مدينة سرت وقتل 3 مدنيين.";
    static char ids[4][1100];
    strcpy(ids[0], "abc");
    strcpy(ids[1], "x\xD9y\xE2\x82");
    /* "-e1" just does not fit; the cut falls inside a character */
    memset(ids[2], 'q', 1021);
    ids[2][1021] = '\0';
    memset(ids[3], 'q', 1022);
    memcpy(ids[3] + 1022, "\xD8\xA7", 3);
    for (int k = 0; k < 4; k++) {
        marsad_article a = {ids[k], text, strlen(text), "2016-04-24",
                            NULL, NULL, NULL, NULL};
        marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_MENTIONS, NULL, NULL);
        size_t ne = marsad_events_count(ev);
        CHECK(ne >= 2);
        for (size_t i = 0; i < ne; i++) {
            const marsad_event *e = marsad_events_get(ev, i);
            char clean[3 * 1100 + 1], buf[1024], want[3 * 1024 + 1];
            text_utf8_clean(ids[k], strlen(ids[k]), clean, NULL);
            if (snprintf(buf, sizeof buf, "%s-e%zu", clean, i + 1) < 0) buf[0] = 0;
            text_utf8_clean(buf, strlen(buf), want, NULL);
            CHECK(strcmp(e->event_id, want) == 0);
            CHECK(strcmp(e->doc_id, clean) == 0);
        }
        marsad_events_free(ev);
    }
}

/* x_base_word asks the clitic segmentation only of words ending in a base
 * word: it answers as asking it of every word does. */
static int base_word_slow(const char *w, size_t n) {
    static const char *const base[] = {"معقل", "معقله", "معقلها", "معاقل", "مقره",
                                       "مقرها", "عاصمه", "امارة", "اماره", "معسكر",
                                       NULL};
    for (const char *const *b = base; *b; b++)
        if (strlen(*b) == n && memcmp(w, *b, n) == 0) return 1;
    marsad_seg seg[8];
    int ns = marsad_clitic_segments(w, n, seg, 8);
    for (int q = 1; q < ns; q++) {
        if (seg[q].enc) continue;
        for (const char *const *b = base; *b; b++)
            if (strlen(*b) == n - seg[q].pro && memcmp(w + seg[q].pro, *b, n - seg[q].pro) == 0)
                return 1;
    }
    return 0;
}

TEST(extract_base_word_as_segmented)
{
    CHECK(x_word_lists_ok());
    static const char *const stems[] = {"معقل", "معقله", "معقلها", "معاقل", "مقره",
                                        "مقرها", "عاصمه", "امارة", "اماره", "معسكر",
                                        "مقر", "قتل", "مدينه", "عقل", "سكر", "ه",
                                        "ها", "", NULL};
    static const char *const pro[] = {"", "و", "ف", "ب", "ل", "ال", "وال", "بال",
                                      "وب", "لل", "فال", "ك", "م", NULL};
    static const char *const enc[] = {"", "ه", "ها", "هم", "نا", NULL};
    int yes = 0, n = 0;
    for (const char *const *s = stems; *s; s++)
        for (const char *const *p = pro; *p; p++)
            for (const char *const *e = enc; *e; e++) {
                char w[64];
                snprintf(w, sizeof w, "%s%s%s", *p, *s, *e);
                int fast = x_base_word(w, strlen(w)), slow = base_word_slow(w, strlen(w));
                if (fast != slow) fprintf(stderr, "  base word %s: %d, not %d\n", w, fast, slow);
                CHECK(fast == slow);
                yes += slow;
                n++;
            }
    CHECK(yes > 20 && yes < n);
}

/* marsad_event_notes puts its text together without printf: it writes what
 * the printf-built text cut at cap - 1 bytes would be, and returns its
 * length, for every kind of event and every size of buffer. */
static size_t notes_printf(const marsad_event *ev, char *buf, size_t cap) {
    static const char *const kinds[] = {"", "killed", "injured", "captured"};
    static const char *const months[] = {"January", "February", "March", "April",
                                         "May", "June", "July", "August", "September",
                                         "October", "November", "December"};
    size_t o = 0;
    int y, mo, d;
    if (ev->event_date && sscanf(ev->event_date, "%d-%d-%d", &y, &mo, &d) == 3 &&
        mo >= 1 && mo <= 12)
        o += (size_t)snprintf(buf + o, cap - o, "%s %d %s %d, ",
                              ev->time_precision == 1 ? "On" : "Around", d,
                              months[mo - 1], y);
    else
        o += (size_t)snprintf(buf + o, cap - o, "On an unknown date, ");
    const char *where = ev->location_name ? ev->location_name : "an unknown place";
    if (ev->actor1)
        o += (size_t)snprintf(buf + o, cap - o, "%s %s %s in %s", ev->actor1,
                              x_verb_phrase(ev->event_type, ev->sub_event_type),
                              ev->actor2 ? ev->actor2 : "an unidentified party", where);
    else
        o += (size_t)snprintf(buf + o, cap - o, "an event of type %s (%s) took place in %s",
                              ev->event_type, ev->sub_event_type, where);
    const char *sep = "; ";
    long fig[3] = {ev->fatalities, ev->injured, ev->captured};
    for (int k = 0; k < 3; k++) {
        if (!fig[k]) continue;
        const char *q = "";
        for (size_t i = 0; i < ev->nclaims; i++)
            if (strcmp(ev->claims[i].kind, kinds[k + 1]) == 0 &&
                ev->claims[i].count == fig[k] &&
                strcmp(ev->claims[i].qualifier, "at_least") == 0)
                q = "at least ";
        o += (size_t)snprintf(buf + o, cap - o, "%s%s%ld %s", sep, q, fig[k], kinds[k + 1]);
        long other[2];
        int nother = 0;
        for (size_t i = 0; i < ev->nclaims && nother < 2; i++) {
            const marsad_claim *cl = &ev->claims[i];
            if (strcmp(cl->kind, kinds[k + 1]) != 0 || cl->count <= fig[k] ||
                !cl->attributed_to)
                continue;
            int seen = 0;
            for (int w = 0; w < nother; w++) seen |= other[w] == cl->count;
            if (!seen) other[nother++] = cl->count;
        }
        if (nother == 1)
            o += (size_t)snprintf(buf + o, cap - o, " (%ld per another source)", other[0]);
        else if (nother == 2)
            o += (size_t)snprintf(buf + o, cap - o, " (%ld or %ld per other sources)",
                                  other[0], other[1]);
        sep = ", ";
    }
    o += (size_t)snprintf(buf + o, cap - o, ".");
    buf[0] = (char)toupper((unsigned char)buf[0]);
    return o;
}

TEST(extract_notes_as_printf)
{
    marsad_claim cl[] = {
        {"killed", 6, "exact", "unknown", NULL},
        {"killed", 7, "at_least", "unknown", "وقال مسؤول"},
        {"killed", 9, "exact", "unknown", "مصدر"},
        {"killed", 7, "exact", "unknown", "مصدر آخر"},
        {"injured", 12, "at_least", "civilians", NULL},
        {"captured", 3, "about", "unknown", "x"},
        {"captured", 4, "exact", "unknown", "y"},
    };
    static const char *const when[] = {NULL, "2016-04-24", "2016-13-01", "1999-12-31",
                                        "2020-02-29"};
    static const char *const types[][2] = {
        {"Battles", "Armed clash"},
        {"Battles", "Government regains territory"},
        {"Explosions/Remote violence", "Air/drone strike"},
        {"Violence against civilians", "Abduction/forced disappearance"},
        {"Riots", "Mob violence"},
        {"Strategic developments", "Arrests"},
    };
    static const long figs[][3] = {{0, 0, 0}, {6, 0, 0}, {7, 12, 0}, {0, 0, 3},
                                   {9, 12, 4}, {-5, 0, 123456789}};
    int runs = 0;
    for (size_t di = 0; di < sizeof when / sizeof *when; di++)
        for (size_t ti = 0; ti < sizeof types / sizeof *types; ti++)
            for (size_t fi = 0; fi < sizeof figs / sizeof *figs; fi++)
                for (int actors = 0; actors < 4; actors++) {
                    marsad_event ev;
                    memset(&ev, 0, sizeof ev);
                    ev.event_date = when[di];
                    ev.time_precision = 1 + (int)(fi % 2);
                    ev.event_type = types[ti][0];
                    ev.sub_event_type = types[ti][1];
                    ev.actor1 = actors & 1 ? "Libyan National Army" : NULL;
                    ev.actor2 = actors & 2 ? "Civilians (Libya)" : NULL;
                    ev.location_name = actors == 2 ? NULL : "بنغازي Benghazi";
                    ev.fatalities = figs[fi][0];
                    ev.injured = figs[fi][1];
                    ev.captured = figs[fi][2];
                    ev.claims = cl;
                    ev.nclaims = fi % 3 ? sizeof cl / sizeof *cl : 1;
                    char want[4096], got[4096];
                    size_t full = notes_printf(&ev, want, sizeof want);
                    for (size_t cap = 1; cap <= full + 2; cap++) {
                        memset(got, 'Z', sizeof got);
                        size_t n = marsad_event_notes(&ev, got, cap);
                        size_t wn = full < cap ? full : cap - 1;
                        int ok = n == wn && memcmp(got, want, wn) == 0 && got[wn] == '\0' &&
                                 got[cap] == 'Z';
                        if (!ok) fprintf(stderr, "  notes cap %zu: %s\n  not %s\n", cap, got, want);
                        CHECK(ok);
                        if (!ok) return;
                        runs++;
                    }
                }
    CHECK(runs > 1000);
}

/* What blocks a trigger (a threat within 8 tokens of its clause, a denial
 * anywhere before it, a failure within 3, a past year in its clause), on
 * both sides of each limit: one pass over the cues, a year looked for only
 * in sentences that hold one, the answer remembered per trigger, clauses
 * cut at the clause cues taken one after the other. */
TEST(extract_blocking_cues)
{
    marsad_model *m = test_model();
    CHECK(m != NULL);
    if (!m) return;
    static const struct {
        const char *text;
        int events;
    } rows[] = {
        {"هددت الجماعة باندلاع اشتباكات عنيفة في مدينة سرت.", 0},
        {"هددت الجماعة بعد أيام من الصمت الطويل في المنطقة كلها باندلاع "
         "اشتباكات عنيفة في مدينة سرت.", 1},
        {"هددت الجماعة، اندلعت اشتباكات عنيفة في مدينة سرت.", 1},
        {"نفت الوزارة، في بيان صدر أمس، وقوع اشتباكات عنيفة في مدينة سرت.", 0},
        {"فشل هجوم على مدينة سرت.", 0},
        {"فشل الجيش في المنطقة الشرقية كلها في هجوم على مدينة سرت.", 1},
        {"اندلعت اشتباكات عنيفة في مدينة سرت عام 2014.", 0},
        {"اندلعت اشتباكات عنيفة في مدينة سرت عام 2016.", 1},
        {"اندلعت اشتباكات عنيفة في مدينة سرت.", 1},
        /* the year in another clause (after بينما) is no history of it */
        {"اندلعت اشتباكات في سرت بينما هدأت عام 2014.", 1},
        {"اندلعت اشتباكات في سرت وهدأت عام 2014.", 0},
        /* a game's paragraph is play; the next paragraph is news again */
        {"تعادل الفريقان في المباراة. وشن الجيش هجوما على مدينة سرت.", 0},
        {"تعادل الفريقان في المباراة.\n\nوشن الجيش هجوما على مدينة سرت.", 1},
        {"تعادل الفريقان في المباراة. وقتل جنديان في هجوم على مدينة سرت.", 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        marsad_article a = {"t", rows[i].text, strlen(rows[i].text), "2016-04-24",
                            NULL, NULL, NULL, NULL};
        marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_MENTIONS, NULL, NULL);
        int got = marsad_events_count(ev) > 0;
        if (got != rows[i].events)
            fprintf(stderr, "  %s: %s\n", rows[i].text, got ? "an event" : "none");
        CHECK(got == rows[i].events);
        marsad_events_free(ev);
    }
}

/* ---- the article's country and base words, over real and random texts ---- */

/* The country as counting over the places resolved without a country
 * gives it: the first code to reach the top count among locations. */
static void country_plain(const x_place *p, size_t n, char out[3]) {
    size_t count[26 * 26] = {0}, best = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *cc = p[i].country;
        if (p[i].in_org || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
            continue;
        size_t k = (size_t)(cc[0] - 'A') * 26 + (size_t)(cc[1] - 'A');
        if (++count[k] > best) {
            best = count[k];
            memcpy(out, cc, 2);
            out[2] = '\0';
        }
    }
}

typedef struct {
    marsad_model *m;
    test_words pool; /* words of the bundled articles */
    int docs, countries, diffs, base_words;
} country_ctx;

static void country_check(country_ctx *c, const char *text, size_t len) {
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!doc) return;
    /* each on a scan of its own, as extraction resolves it first */
    struct gaz_scan *s1 = resolve_places_scan(c->m, doc);
    struct gaz_scan *s2 = resolve_places_scan(c->m, doc);
    char fast[3], plain[3];
    resolve_places_country(c->m, doc, s1, fast);
    x_place *p = NULL;
    size_t n = resolve_places(c->m, doc, s2, NULL, &p);
    country_plain(p, n, plain);
    if (strcmp(fast, plain) != 0) {
        if (c->diffs++ < 5)
            fprintf(stderr, "  country %s, not %s: %.80s\n", fast, plain, text);
    }
    CHECK(strcmp(fast, plain) == 0);
    c->countries += plain[0] != '\0';
    /* and with no scan (memory ran out for it) */
    resolve_places_country(c->m, doc, NULL, fast);
    CHECK(strcmp(fast, plain) == 0);
    free(p);
    gazetteer_scan_free(s1);
    gazetteer_scan_free(s2);
    /* every word's base-word answer is the segmentation's */
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    for (size_t k = 0; k < nt; k++) {
        int fast_b = x_base_word(t[k].norm, t[k].norm_len);
        CHECK(fast_b == base_word_slow(t[k].norm, t[k].norm_len));
        c->base_words += fast_b;
    }
    marsad_doc_free(doc);
    c->docs++;
}

static void country_file(const char *path, void *ctx) {
    country_ctx *c = ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    if (!text) return;
    country_check(c, text, len);
    c->pool.max = 40000;
    test_words_add(&c->pool, text);
    free(text);
}

TEST(extract_country_and_base_words_as_plain)
{
    static const char *const EXTRA[] = {
        "ليبيا", "سوريا", "العراق", "اليمن", "مصر", "تونس", "طرابلس", "بنغازي",
        "سرت", "درنة", "مصراتة", "حلب", "دمشق", "الموصل", "صنعاء", "عدن",
        "شرق", "غرب", "شمال", "جنوب", "كلم", "كم", "450", "60", "قوات",
        "حكومة", "كتائب", "مدينة", "بلدة", "في", "من", "إلى", "معقل", "مقرها",
        "عاصمة", "إمارة", "معسكر", "معاقل", "والمعقل", "بمعسكر", "لمقره",
        "،", ".", "\n", "ABC", "\xff", "\xd8", "\xd9\x8e", "ـ", "3",
        "وبنغازي", "بطرابلس", "ولیبیا", "قرب", "بالقرب", "Tripoli",
        /* landmarks far away (not locations) and near */
        "، 450 كلم شرق", "، 200 كم جنوب", "على بعد 300 كيلومتر غرب",
        "، 20 كلم شمال", "قوات حكومة",
    };
    static const char *const PRO[] = {"و", "ب", "ل", "ال", "لل", "وال", "فال",
                                      "بال", "وب"};
    static const char *const ENC[] = {"ه", "ها", "هم"};
    country_ctx c = {0};
    c.m = test_model();
    CHECK(c.m != NULL);
    if (!c.m) return;
    test_each_file("examples/seeds", ".txt", country_file, &c);
    test_each_file("examples/dev", ".txt", country_file, &c);
    CHECK(c.docs >= 30);
    CHECK(c.pool.n > 1000);
    uint64_t seed = 4242;
    char buf[4096];
    for (int r = 0; r < 3000 && c.pool.n; r++) {
        size_t len = 0, words = 1 + test_lcg(&seed) % 80;
        for (size_t w = 0; w < words && len + 200 < sizeof buf; w++) {
            uint64_t x = test_lcg(&seed);
            const char *pre = x % 7 == 0 ? PRO[(x >> 8) % 9] : "";
            const char *post = x % 11 == 0 ? ENC[(x >> 12) % 3] : "";
            const char *word = x % 3 == 0
                ? EXTRA[(x >> 16) % (sizeof EXTRA / sizeof *EXTRA)]
                : c.pool.w[(x >> 4) % c.pool.n];
            size_t wl = strlen(word);
            if (wl > 120) wl = 120;
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%.*s%s ", pre,
                                    (int)wl, word, post);
        }
        country_check(&c, buf, len);
    }
    /* the texts name countries and base words: the comparison means something */
    CHECK(c.countries > 1000);
    CHECK(c.base_words > 50);
    CHECK(c.diffs == 0);
    test_words_free(&c.pool);
}

/* ---- spans of text copied as they are from a clean text ------------------ */

typedef struct {
    marsad_model *m;
    test_words pool; /* words of the bundled articles */
    int docs, events, diffs, spans;
} span_ctx;

/* The article's events rendered, with the quoted spans copied through the
 * cleaning (plain) or as they are where the text is clean. */
static char *span_render(marsad_model *m, const char *text, size_t len, int plain,
                         int level, size_t *nev, int *spans) {
    x_spans_plain = plain;
    marsad_article a = {"s", text, len, "2016-04-24", NULL, NULL, NULL, NULL};
    marsad_events *ev = marsad_extract(m, &a, level, NULL, NULL);
    x_spans_plain = 0;
    *nev = marsad_events_count(ev);
    for (size_t i = 0; i < *nev; i++) {
        const marsad_event *e = marsad_events_get(ev, i);
        *spans += (e->actor1_mention != NULL) + (e->actor2_mention != NULL) +
                  (e->location_mention != NULL);
        for (size_t k = 0; k < e->nclaims; k++) *spans += e->claims[k].attributed_to != NULL;
    }
    char *r = marsad_events_render(ev, MARSAD_FORMAT_JSONL, 0);
    marsad_events_free(ev);
    return r;
}

static void span_check(span_ctx *c, const char *text, size_t len) {
    for (int level = MARSAD_LEVEL_EVENTS; level <= MARSAD_LEVEL_MENTIONS; level++) {
        size_t n1, n2;
        int ignore = 0;
        char *fast = span_render(c->m, text, len, 0, level, &n1, &c->spans);
        char *plain = span_render(c->m, text, len, 1, level, &n2, &ignore);
        int same = n1 == n2 && fast && plain && strcmp(fast, plain) == 0;
        if (!same && c->diffs++ < 3)
            fprintf(stderr, "  spans differ:\n  %.300s\n  %.300s\n", fast ? fast : "-",
                    plain ? plain : "-");
        CHECK(same);
        c->events += (int)n1;
        free(fast);
        free(plain);
    }
    c->docs++;
}

static void span_file(const char *path, void *ctx) {
    span_ctx *c = ctx;
    size_t len;
    char *text = test_read_file(path, &len);
    if (!text) return;
    span_check(c, text, len);
    c->pool.max = 40000;
    test_words_add(&c->pool, text);
    free(text);
}

TEST(extract_spans_as_cleaned)
{
    static const char *const EXTRA[] = {
        "قتل", "مقتل", "وقتل", "أصيب", "اشتباكات", "هجوم", "قصف", "مسلحين",
        "الجيش", "داعش", "قوات", "مدنيين", "5", "3", "جنود", "في", "على",
        "مدينة", "سرت", "درنة", "بنغازي", "طرابلس", "حلب", "وفقا", "لمصدر",
        "قال", "مصدر", "أمني", "، ", ". ", "\n", "ABC", "é", "ـ", "\xd9\x8e",
    };
    /* bad bytes: only some texts hold one, so that both ways are taken */
    static const char *const BAD[] = {"\xff", "\xd8", "\xc0\xaf", "\xed\xa0\x80",
                                      "\xe2\x82", "\x01"};
    span_ctx c = {0};
    c.m = test_model();
    CHECK(c.m != NULL);
    if (!c.m) return;
    test_each_file("examples/seeds", ".txt", span_file, &c);
    test_each_file("examples/dev", ".txt", span_file, &c);
    CHECK(c.docs >= 30);
    CHECK(c.pool.n > 1000);
    uint64_t seed = 777;
    char buf[4096];
    for (int r = 0; r < 1500 && c.pool.n; r++) {
        size_t len = 0, words = 1 + test_lcg(&seed) % 80;
        int bad = r % 3 == 0, nul = r % 7 == 0;
        for (size_t w = 0; w < words && len + 200 < sizeof buf; w++) {
            uint64_t x = test_lcg(&seed);
            const char *word = x % 3 == 0
                ? EXTRA[(x >> 16) % (sizeof EXTRA / sizeof *EXTRA)]
                : c.pool.w[(x >> 4) % c.pool.n];
            size_t wl = strlen(word);
            if (wl > 120) wl = 120;
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%.*s%s", (int)wl, word,
                                    bad && x % 13 == 0 ? BAD[(x >> 20) % 6] : "");
            if (nul && x % 17 == 0) buf[len++] = '\0';
            buf[len++] = x % 19 == 0 ? '\n' : ' ';
        }
        span_check(&c, buf, len);
    }
    CHECK(c.events > 500);
    CHECK(c.spans > 1000);
    CHECK(c.diffs == 0);
    test_words_free(&c.pool);
}
