/* test_extract.c — extraction rules sentence by sentence, the model loader,
 * and extraction on bad input. */
#include "marsad.h"
#include "table.h"
#include "test.h"

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
 * type, sub-type, place, killed, injured. */
static void event_row(char **f, int n, int line, void *ctx) {
    marsad_model *m = ctx;
    CHECK(n == 7);
    if (n != 7) return;
    marsad_article a = {"t", f[1], strlen(f[1]), f[0], NULL, NULL, NULL, NULL};
    marsad_events *ev = marsad_extract(m, &a, MARSAD_LEVEL_EVENTS, NULL, NULL);
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
