/* test_eval.c — the scorer: matching rules, one-to-one assignment, figures,
 * robustness of the loaders, reports. Fixtures: tests/data/eval/ (gold/ has
 * three small articles a, b, c; each .jsonl file one situation). */
#include "eval/eval.h"
#include "table.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GOLD_DIR "tests/data/eval/gold"

static eval_gold *load_gold(const char *dir) {
    eval_gold *g = NULL;
    eval_diags d = {0};
    CHECK(eval_gold_load_dir(dir, &g, &d) == MARSAD_OK);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "  unexpected: %s\n", d.items[i].msg);
    CHECK_EQ_INT(d.n, 0);
    eval_diags_free(&d);
    return g;
}

/* A scored fixture: gold, events, result. */
typedef struct {
    eval_gold *gold;
    eval_events *events;
    eval_result *res;
    eval_diags diags;
} run;

static run score_with(const char *jsonl, const eval_options *opt) {
    run r = {0};
    char path[256];
    snprintf(path, sizeof path, "tests/data/eval/%s", jsonl);
    r.gold = load_gold(GOLD_DIR);
    CHECK(eval_events_load_jsonl(path, &r.events, &r.diags) == MARSAD_OK);
    r.res = eval_score(r.gold, r.events, opt);
    CHECK(r.res != NULL);
    return r;
}

static run score(const char *jsonl) {
    run r = score_with(jsonl, NULL);
    for (size_t i = 0; i < r.diags.n; i++)
        fprintf(stderr, "  unexpected: %s\n", r.diags.items[i].msg);
    CHECK_EQ_INT(r.diags.n, 0);
    return r;
}

static void run_free(run *r) {
    eval_result_free(r->res);
    eval_events_free(r->events);
    eval_gold_free(r->gold);
    eval_diags_free(&r->diags);
}

static const eval_doc_result *doc(const run *r, const char *doc_id) {
    for (size_t i = 0; r->res && i < r->res->ndocs; i++)
        if (strcmp(r->res->docs[i].gold->doc_id, doc_id) == 0)
            return &r->res->docs[i];
    CHECK(!"document not found");
    return NULL;
}

static size_t gold_index(const eval_doc_result *dr, const char *gold_id) {
    for (size_t g = 0; g < dr->gold->nevents; g++)
        if (strcmp(dr->gold->events[g].id, gold_id) == 0) return g;
    CHECK(!"gold event not found");
    return 0;
}

/* The event_id matched to gold event gold_id of doc_id, or "MISSED". */
static const char *matched(const run *r, const char *doc_id,
                           const char *gold_id) {
    const eval_doc_result *dr = doc(r, doc_id);
    if (!dr) return "?";
    long s = dr->gres[gold_index(dr, gold_id)].sys;
    return s < 0 ? "MISSED" : r->events->events[dr->sys[s]].event_id;
}

static const eval_gold_result *gres(const run *r, const char *doc_id,
                                    const char *gold_id) {
    const eval_doc_result *dr = doc(r, doc_id);
    return &dr->gres[gold_index(dr, gold_id)];
}

static int near(double a, double b, double eps) { return fabs(a - b) <= eps; }

/* ------------------------------------------------------------------------
 * Matching rules
 * ------------------------------------------------------------------------ */

TEST(eval_perfect_match)
{
    run r = score("perfect.jsonl");
    const eval_counts *c = &r.res->overall;
    CHECK_EQ_INT(c->system, 5);
    CHECK_EQ_INT(c->gold_required, 5);
    CHECK_EQ_INT(c->matched_required, 5);
    CHECK(eval_precision(c) == 1.0);
    CHECK(eval_recall(c) == 1.0);
    CHECK(eval_f1(c) == 1.0);
    CHECK_EQ_INT(c->sub_event.hit, 5);
    CHECK_EQ_INT(c->fatalities.hit, 5);
    CHECK_EQ_INT(c->injured.hit, 5);
    CHECK_EQ_INT(c->captured.hit, 5);
    CHECK_EQ_INT(c->date.total, 4); /* a:e2 has no day */
    CHECK_EQ_INT(c->date.hit, 4);
    CHECK_EQ_INT(c->actors.total, 6);
    CHECK_EQ_INT(c->actors.hit, 6);
    CHECK_EQ_INT(r.res->unscored_events, 0);
    CHECK_EQ_STR(matched(&r, "a", "e1"), "a1");
    CHECK_EQ_STR(matched(&r, "c", "e1"), "c1");
    run_free(&r);
}

TEST(eval_wrong_type_rejected_alt_type_accepted)
{
    run r = score("types.jsonl");
    CHECK_EQ_STR(matched(&r, "a", "e1"), "MISSED"); /* Protests ≠ Battles */
    CHECK_EQ_INT(gres(&r, "a", "e1")->near_why, EVAL_WHY_TYPE);
    CHECK_EQ_STR(matched(&r, "a", "e2"), "a2"); /* Battles is an alt type */
    CHECK_EQ_INT(gres(&r, "a", "e2")->sub_ok, 0); /* Armed clash not listed */
    CHECK_EQ_INT(r.res->overall.sub_event.hit, 0);
    CHECK_EQ_INT(r.res->overall.sub_event.total, 1);
    run_free(&r);
}

TEST(eval_outside_radius)
{
    run r = score("far.jsonl");
    const eval_gold_result *g = gres(&r, "a", "e1");
    CHECK_EQ_INT(g->sys, -1);
    CHECK_EQ_INT(g->near_why, EVAL_WHY_PLACE);
    CHECK(near(g->near_km, 66.487, 0.01));
    CHECK_EQ_INT(r.res->overall.matched_required, 0);
    CHECK(eval_precision(&r.res->overall) == 0.0);
    run_free(&r);
}

TEST(eval_date_window)
{
    run r = score("window.jsonl");
    /* a:e2 window 2016-02-17..24: 02-25 is outside. */
    CHECK_EQ_STR(matched(&r, "a", "e2"), "MISSED");
    CHECK_EQ_INT(gres(&r, "a", "e2")->near_why, EVAL_WHY_DATE);
    /* a:e1 date 02-23, window 02-23..24: 02-24 matches, date not exact. */
    CHECK_EQ_STR(matched(&r, "a", "e1"), "a1");
    CHECK_EQ_INT(r.res->overall.date.hit, 0);
    CHECK_EQ_INT(r.res->overall.date.total, 1);
    run_free(&r);
}

TEST(eval_date_plus_minus_one_day_without_window)
{
    run r = score("plusminus.jsonl");
    CHECK_EQ_STR(matched(&r, "b", "e1"), "b1"); /* 05-05 + 1 day */
    CHECK_EQ_STR(matched(&r, "b", "e2"), "MISSED"); /* 05-05 + 2 days */
    CHECK_EQ_INT(gres(&r, "b", "e2")->near_why, EVAL_WHY_DATE);
    /* A null event_date never matches a gold event with a day. */
    CHECK_EQ_STR(matched(&r, "c", "e1"), "MISSED");
    CHECK_EQ_INT(gres(&r, "c", "e1")->near_why, EVAL_WHY_DATE);
    CHECK_EQ_INT(r.res->overall.matched_required, 1);
    CHECK_EQ_INT(r.res->overall.system, 3);
    run_free(&r);
}

TEST(eval_optional_gold_neither_rewarded_nor_punished)
{
    run with = score("optional.jsonl"), without = score("no_optional.jsonl");
    const eval_counts *a = &with.res->overall, *b = &without.res->overall;
    CHECK_EQ_STR(matched(&with, "a", "e3"), "a3");
    CHECK_EQ_INT(a->system, 2);
    CHECK_EQ_INT(a->system_optional, 1);
    CHECK_EQ_INT(a->matched_optional, 1);
    CHECK_EQ_INT(b->system, 1);
    CHECK(eval_precision(a) == 1.0);
    CHECK(eval_precision(a) == eval_precision(b));
    CHECK(eval_recall(a) == eval_recall(b));
    CHECK(eval_f1(a) == eval_f1(b));
    CHECK_EQ_INT(a->gold_required, 5); /* optional gold not in recall */
    CHECK_EQ_INT(a->sub_event.total, 1); /* nor in the field figures */
    run_free(&with);
    run_free(&without);
}

TEST(eval_one_to_one_where_greedy_is_wrong)
{
    /* s1 (Tripoli) is 0 km from e1 and 14.9 km from e2; s2 is 28 km from
     * e1 and 42.9 km (> 40) from e2. Nearest-first would pair s1-e1 and
     * leave e2 unmatched; the best pairing is s1-e2, s2-e1. */
    run r = score("crossing.jsonl");
    CHECK_EQ_STR(matched(&r, "b", "e1"), "s2");
    CHECK_EQ_STR(matched(&r, "b", "e2"), "s1");
    CHECK_EQ_INT(doc(&r, "b")->counts.matched_required, 2);
    CHECK_EQ_INT(doc(&r, "b")->approximate, 0);
    run_free(&r);

    /* The fallback for huge articles is greedy and says so. */
    eval_options tiny = {1, 1};
    r = score_with("crossing.jsonl", &tiny);
    CHECK_EQ_INT(doc(&r, "b")->approximate, 1);
    CHECK_EQ_INT(doc(&r, "b")->counts.matched_required, 1);
    CHECK_EQ_STR(matched(&r, "b", "e1"), "s1");
    CHECK_EQ_INT(r.res->approximate_docs, 1);
    run_free(&r);
}

TEST(eval_sub_event_breaks_ties_before_distance)
{
    run r = score("subtie.jsonl");
    CHECK_EQ_STR(matched(&r, "c", "e1"), "far_right_sub");
    CHECK_EQ_INT(r.res->overall.sub_event.hit, 1);
    const eval_doc_result *dr = doc(&r, "c");
    CHECK_EQ_INT(dr->sys_gold[0], -1); /* near_wrong_sub is false */
    CHECK_EQ_INT(dr->sys_near_why[0], EVAL_WHY_TAKEN);
    run_free(&r);
}

TEST(eval_counts_null_and_zero_agree)
{
    run r = score("counts.jsonl");
    /* a:e1 gold 4/5/null vs 4/6/null; c:e1 gold 0/null/3 vs null/0/2 */
    const eval_gold_result *a = gres(&r, "a", "e1"), *c = gres(&r, "c", "e1");
    CHECK_EQ_INT(a->fatalities_ok, 1);
    CHECK_EQ_INT(a->injured_ok, 0);
    CHECK_EQ_INT(a->captured_ok, 1);
    CHECK_EQ_INT(c->fatalities_ok, 1); /* gold 0, system null */
    CHECK_EQ_INT(c->injured_ok, 1);    /* gold null, system 0 */
    CHECK_EQ_INT(c->captured_ok, 0);
    const eval_counts *o = &r.res->overall;
    CHECK_EQ_INT(o->fatalities.hit, 2);
    CHECK_EQ_INT(o->injured.hit, 1);
    CHECK_EQ_INT(o->captured.hit, 1);
    CHECK_EQ_INT(o->captured.total, 2);
    run_free(&r);
}

TEST(eval_actor_recall_alias_containment)
{
    /* Gold alias "داعش" vs system mention "لتنظيم داعش": found. Gold
     * "Sabratha local forces" vs "قوات حفتر": not found. */
    run r = score("actors.jsonl");
    const eval_gold_result *g = gres(&r, "a", "e1");
    CHECK_EQ_INT(g->actors_hit, 1);
    CHECK_EQ_INT(g->actor_found[0], 1);
    CHECK_EQ_INT(g->actor_found[1], 0);
    CHECK_EQ_INT(r.res->overall.actors.hit, 1);
    CHECK_EQ_INT(r.res->overall.actors.total, 2);
    run_free(&r);
}

static void check_norm_row(const char *in, const char *want, int line) {
    char *got = eval_normalize_name(in, strlen(in));
    if (!got || strcmp(got, want) != 0)
        fprintf(stderr, "  eval_normalize.tsv:%d: '%s' -> '%s', want '%s'\n",
                line, in, got ? got : "(null)", want);
    CHECK_EQ_STR(got, want);
    free(got);
}

static void norm_row(char **f, int n, int line) {
    CHECK(n == 2);
    if (n == 2) check_norm_row(f[0], f[1], line);
}

TEST(eval_normalize_table)
{
    CHECK(table_each("tests/data/eval_normalize.tsv", norm_row) >= 15);
    check_norm_row("", "", 0);
}

TEST(eval_median_location_error)
{
    run r = score("location.jsonl");
    double d10 = eval_distance_km(32.79335, 12.48845, 32.79335 + 0.09,
                                  12.48845);
    CHECK(near(d10, 10.0076, 0.001));
    CHECK_EQ_INT(r.res->overall.nloc, 3); /* 10 km, 0 km, 20 km */
    CHECK(near(eval_median(r.res->loc_err, r.res->overall.nloc), d10, 1e-3));
    double v[] = {4, 1, 3, 2};
    CHECK(eval_median(v, 4) == 2.5);
    CHECK(isnan(eval_median(v, 0)));
    run_free(&r);
}

TEST(eval_distance_haversine)
{
    CHECK(near(eval_distance_km(32.8872, 13.1913, 32.1200168, 20.0812174),
               651.6023, 0.001));
    CHECK(eval_distance_km(10, 20, 10, 20) == 0);
    /* Half the circumference between antipodes. */
    CHECK(near(eval_distance_km(0, 0, 0, 180), M_PI * 6371.0088, 1e-6));
}

TEST(eval_dates)
{
    static const struct {
        const char *s;
        int ok;
        int32_t days;
    } rows[] = {
        {"1970-01-01", 1, 0},       {"2016-02-29", 1, 16860},
        {"2016-03-01", 1, 16861},   {"2015-02-29", 0, 0},
        {"2016-13-01", 0, 0},       {"2016-2-3", 0, 0},
        {"2016-02-23T10:00", 0, 0}, {"", 0, 0},
        {"1969-12-31", 1, -1},      {"abcd-ef-gh", 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int32_t d = 12345;
        int rc = eval_date_parse(rows[i].s, &d);
        CHECK_EQ_INT(rc == 0, rows[i].ok);
        if (rows[i].ok) {
            CHECK_EQ_INT(d, rows[i].days);
            char out[11];
            eval_date_format(d, out);
            CHECK_EQ_STR(out, rows[i].s);
        }
    }
    CHECK(eval_date_parse(NULL, NULL) == -1);
    char out[11];
    eval_date_format(EVAL_NO_DATE, out);
    CHECK_EQ_STR(out, "-");
}

/* ------------------------------------------------------------------------
 * Robustness
 * ------------------------------------------------------------------------ */

static int has_diag(const eval_diags *d, const char *needle, int is_error) {
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].is_error == is_error &&
            strstr(d->items[i].msg, needle))
            return 1;
    return 0;
}

TEST(eval_broken_jsonl_lines_skipped_rest_scored)
{
    run r = score_with("broken.jsonl", NULL);
    const eval_diags *d = &r.diags;
    CHECK_EQ_INT(d->nerrors, 3);
    CHECK(has_diag(d, "tests/data/eval/broken.jsonl:2: invalid JSON", 1));
    CHECK(has_diag(d, "broken.jsonl:4: not an event object", 1));
    CHECK(has_diag(d, "broken.jsonl:5: event without a doc_id", 1));
    /* Missing fields: one warning per field, naming the first line. */
    CHECK(has_diag(d, "broken.jsonl:3: warning: injured missing; read as "
                      "null (in 2 events", 0));
    CHECK_EQ_INT(r.events->n, 4);
    CHECK_EQ_INT(r.res->unscored_events, 1);
    CHECK_EQ_INT(r.res->nunscored_docs, 1);
    CHECK_EQ_STR(r.res->unscored_docs[0], "zzz");
    const eval_counts *c = &r.res->overall;
    CHECK_EQ_INT(c->system, 3); /* zzz excluded */
    CHECK_EQ_INT(c->matched_required, 3);
    CHECK(eval_precision(c) == 1.0);
    CHECK_EQ_INT(c->gold_required, 5); /* c has no events: still counts */
    run_free(&r);
}

TEST(eval_malformed_gold_file_skipped)
{
    eval_gold *g = NULL;
    eval_diags d = {0};
    CHECK(eval_gold_load_dir("tests/data/eval/gold_bad", &g, &d) ==
          MARSAD_OK);
    CHECK_EQ_INT(g->ndocs, 1);
    CHECK(eval_gold_find(g, "c") != NULL);
    CHECK_EQ_INT(d.nerrors, 2);
    CHECK(has_diag(&d, "tests/data/eval/gold_bad/bad.json:", 1));
    CHECK(has_diag(&d, "tests/data/eval/gold_bad/notgold.json: not a gold", 1));
    eval_gold_free(g);
    eval_diags_free(&d);

    d = (eval_diags){0};
    CHECK(eval_gold_load_dir("tests/data/eval/no_such_dir", &g, &d) ==
          MARSAD_ERR_IO);
    CHECK(has_diag(&d, "no_such_dir", 1));
    eval_gold_free(g);
    eval_diags_free(&d);
}

TEST(eval_gold_missing_fields_warned_and_tolerated)
{
    const char *text =
        "{\"events\": [{\"event_type\": \"Battles\", \"date\": \"2016-01-05\","
        " \"location\": {\"lat\": 32, \"lon\": 13}, \"fatalities\": -2},"
        " 7, {\"id\": \"e9\", \"status\": \"maybe\", \"date\": \"5/1/2016\"}]}";
    eval_gold *g = eval_gold_new();
    eval_diags d = {0};
    CHECK(eval_gold_add_json(g, "dir/x.json", text, strlen(text), &d) ==
          MARSAD_OK);
    CHECK_EQ_INT(d.nerrors, 0);
    CHECK(has_diag(&d, "dir/x.json: warning: no doc_id", 0));
    CHECK(has_diag(&d, "event #1: id missing", 0));
    CHECK(has_diag(&d, "event #1: location.radius_km missing; read as 25", 0));
    CHECK(has_diag(&d, "event #1: fatalities is not a non-negative", 0));
    CHECK(has_diag(&d, "event #2 is not an object", 0));
    CHECK(has_diag(&d, "event e9: status is neither", 0));
    CHECK(has_diag(&d, "event e9: date is not a YYYY-MM-DD", 0));
    CHECK(has_diag(&d, "event e9: location missing", 0));
    const eval_gold_doc *x = eval_gold_find(g, "x");
    CHECK(x != NULL);
    if (x) {
        CHECK_EQ_INT(x->nevents, 2);
        CHECK_EQ_STR(x->events[0].id, "#1");
        CHECK(x->events[0].radius_km == 25);
        CHECK_EQ_INT(x->events[0].win_hi - x->events[0].win_lo, 2);
        CHECK_EQ_INT(x->events[0].fatalities, EVAL_NULL_COUNT);
        CHECK_EQ_INT(x->events[1].required, 1);
        CHECK_EQ_INT(x->events[1].has_point, 0);
        CHECK_EQ_INT(x->events[1].win_lo, EVAL_NO_DATE);
    }
    /* Same doc_id again: skipped with an error. */
    CHECK(eval_gold_add_json(g, "other/x.json", text, strlen(text), &d) ==
          MARSAD_ERR_PARSE);
    CHECK(has_diag(&d, "other/x.json: doc_id \"x\" already read", 1));
    eval_gold_free(g);
    eval_diags_free(&d);
}

TEST(eval_odd_input_never_crashes)
{
    static const char *const lines[] = {
        "", "\n\n\n", "{}", "null", "{\"doc_id\": 5}",
        "{\"doc_id\": \"a\"}", /* every field missing */
        "{\"doc_id\": \"a\", \"location\": {\"lat\": \"x\", \"lon\": 999},"
        " \"event_date\": 20160223, \"fatalities\": 2.5, \"actor1\": 3,"
        " \"actor2\": {\"name\": null, \"mention\": 7}}",
        "{\"doc_id\": \"a\", \"event_type\": \"\\u00e9\xff\"}",
        "{\"doc_id\": \"a\"} trailing",
        "\xEF\xBB\xBF{\"doc_id\": \"bom\", \"event_id\": \"x\"}\r\n",
    };
    eval_gold *g = load_gold(GOLD_DIR);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        eval_events *ev = eval_events_new();
        eval_diags d = {0};
        CHECK(eval_events_parse_jsonl(ev, "odd.jsonl", lines[i],
                                      strlen(lines[i]), &d) == MARSAD_OK);
        if (strstr(lines[i], "bom")) { /* a byte order mark is skipped */
            CHECK_EQ_INT(ev->n, 1);
            CHECK_EQ_INT(d.nerrors, 0);
        }
        eval_result *r = eval_score(g, ev, NULL);
        CHECK(r != NULL);
        char *t = eval_report_text(r, 1);
        json_t *j = eval_report_json(r, 1);
        CHECK(t != NULL && j != NULL);
        free(t);
        json_decref(j);
        eval_result_free(r);
        eval_events_free(ev);
        eval_diags_free(&d);
    }
    /* An empty gold set and no events. */
    eval_gold *empty = eval_gold_new();
    eval_events *none = eval_events_new();
    eval_result *r = eval_score(empty, none, NULL);
    CHECK(r != NULL && isnan(eval_precision(&r->overall)) &&
          isnan(eval_f1(&r->overall)));
    char *t = eval_report_text(r, 1);
    CHECK(t != NULL);
    free(t);
    eval_result_free(r);
    eval_events_free(none);
    eval_gold_free(empty);
    eval_gold_free(g);
}

TEST(eval_many_system_events_in_one_article)
{
    /* 200 system events in article b (all Battles near Tripoli on the
     * day): exact assignment, quickly. */
    eval_gold *g = load_gold(GOLD_DIR);
    eval_events *ev = eval_events_new();
    eval_diags d = {0};
    size_t cap = 200 * 400, len = 0;
    char *buf = malloc(cap);
    for (int i = 0; i < 200; i++)
        len += (size_t)snprintf(
            buf + len, cap - len,
            "{\"doc_id\": \"b\", \"event_id\": \"m%d\", \"event_date\": "
            "\"2016-05-05\", \"event_type\": \"Battles\", \"sub_event_type\":"
            " \"Armed clash\", \"actor1\": null, \"actor2\": null, "
            "\"location\": {\"lat\": %.4f, \"lon\": 13.25}, \"fatalities\": "
            "null, \"injured\": null, \"captured\": null}\n",
            i, 32.70 + 0.002 * i);
    CHECK(eval_events_parse_jsonl(ev, "many.jsonl", buf, len, &d) ==
          MARSAD_OK);
    CHECK_EQ_INT(d.n, 0);
    CHECK_EQ_INT(ev->n, 200);
    clock_t t0 = clock();
    eval_result *r = eval_score(g, ev, NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 2.0);
    CHECK(r != NULL);
    if (r) {
        const eval_doc_result *b = NULL;
        for (size_t i = 0; i < r->ndocs; i++)
            if (strcmp(r->docs[i].gold->doc_id, "b") == 0) b = &r->docs[i];
        CHECK(b && b->approximate == 0);
        CHECK(b && b->counts.matched_required == 2);
        CHECK(b && b->counts.system == 200);
    }
    eval_result_free(r);
    eval_events_free(ev);
    eval_diags_free(&d);
    free(buf);
    eval_gold_free(g);
}

/* ------------------------------------------------------------------------
 * The assignment is optimal: compare with brute force on random articles
 * ------------------------------------------------------------------------ */

static unsigned long rng_state = 12345;
static unsigned rnd(unsigned n) {
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}

typedef struct {
    double lat, lon;
    int type, sub, day, required;
} toy;

/* Objective of a pairing: required, optional, sub hits, -metres. */
typedef struct {
    long req, opt, sub, metres;
} objective;

static int obj_better(objective a, objective b) {
    if (a.req != b.req) return a.req > b.req;
    if (a.opt != b.opt) return a.opt > b.opt;
    if (a.sub != b.sub) return a.sub > b.sub;
    return a.metres < b.metres;
}

static const toy *bf_gold, *bf_sys;
static size_t bf_G, bf_S;
static objective bf_best;

static int toy_cand(const toy *g, const toy *s, long *metres) {
    double km = eval_distance_km(g->lat, g->lon, s->lat, s->lon);
    *metres = lround(km * 1000);
    return g->type == s->type && km <= 25 && abs(g->day - s->day) <= 1;
}

static void brute(size_t g, unsigned used, objective cur) {
    if (g == bf_G) {
        if (obj_better(cur, bf_best)) bf_best = cur;
        return;
    }
    brute(g + 1, used, cur);
    for (size_t s = 0; s < bf_S; s++) {
        long m;
        if (used & (1u << s) || !toy_cand(&bf_gold[g], &bf_sys[s], &m))
            continue;
        objective nx = cur;
        if (bf_gold[g].required)
            nx.req++;
        else
            nx.opt++;
        nx.sub += bf_gold[g].sub == bf_sys[s].sub;
        nx.metres += m;
        brute(g + 1, used | (1u << s), nx);
    }
}

static const char *const TYPES[] = {"Battles", "Protests"};
static const char *const SUBS[] = {"Armed clash", "Peaceful protest"};

TEST(eval_assignment_matches_brute_force)
{
    int mismatches = 0;
    for (int inst = 0; inst < 400; inst++) {
        toy gold[5], sys[7];
        size_t G = 1 + rnd(5), S = 1 + rnd(7);
        for (size_t i = 0; i < G; i++)
            gold[i] = (toy){32 + rnd(400) / 1000.0, 13 + rnd(400) / 1000.0,
                            (int)rnd(2), (int)rnd(2), 10 + (int)rnd(3),
                            rnd(3) != 0};
        for (size_t i = 0; i < S; i++)
            sys[i] = (toy){32 + rnd(400) / 1000.0, 13 + rnd(400) / 1000.0,
                           (int)rnd(2), (int)rnd(2), 9 + (int)rnd(5), 0};
        /* Gold file and JSON Lines for the same toys. */
        json_t *events = json_array();
        for (size_t i = 0; i < G; i++) {
            char date[16];
            snprintf(date, sizeof date, "2016-01-%02d", gold[i].day);
            json_array_append_new(
                events,
                json_pack("{s:s, s:s, s:s, s:[s], s:s, s:{s:f, s:f, s:i}, "
                          "s:[], s:n, s:n, s:n}",
                          "id", i == 0 ? "g0" : i == 1 ? "g1" : i == 2 ? "g2"
                                              : i == 3 ? "g3" : "g4",
                          "status", gold[i].required ? "required" : "optional",
                          "event_type", TYPES[gold[i].type],
                          "sub_event_types", SUBS[gold[i].sub], "date", date,
                          "location", "lat", gold[i].lat, "lon", gold[i].lon,
                          "radius_km", 25, "actors", "fatalities", "injured",
                          "captured"));
        }
        json_t *gj = json_pack("{s:s, s:o}", "doc_id", "r", "events", events);
        char *gtext = json_dumps(gj, JSON_COMPACT);
        json_decref(gj);
        char jsonl[7 * 400];
        size_t len = 0;
        for (size_t i = 0; i < S; i++)
            len += (size_t)snprintf(
                jsonl + len, sizeof jsonl - len,
                "{\"doc_id\": \"r\", \"event_id\": \"s%zu\", \"event_date\": "
                "\"2016-01-%02d\", \"event_type\": \"%s\", "
                "\"sub_event_type\": \"%s\", \"actor1\": null, \"actor2\": "
                "null, \"location\": {\"lat\": %.3f, \"lon\": %.3f}, "
                "\"fatalities\": 0, \"injured\": 0, \"captured\": 0}\n",
                i, sys[i].day, TYPES[sys[i].type], SUBS[sys[i].sub],
                sys[i].lat, sys[i].lon);
        eval_gold *g = eval_gold_new();
        eval_events *ev = eval_events_new();
        eval_diags d = {0};
        CHECK(eval_gold_add_json(g, "r.json", gtext, strlen(gtext), &d) ==
              MARSAD_OK);
        CHECK(eval_events_parse_jsonl(ev, "r.jsonl", jsonl, len, &d) ==
              MARSAD_OK);
        CHECK_EQ_INT(d.n, 0);
        free(gtext);
        eval_result *r = eval_score(g, ev, NULL);
        CHECK(r != NULL && r->ndocs == 1);
        if (!r || r->ndocs != 1) break;
        const eval_doc_result *dr = &r->docs[0];
        objective got = {0, 0, 0, 0};
        for (size_t i = 0; i < G; i++) {
            long s = dr->gres[i].sys, m;
            if (s < 0) continue;
            CHECK(toy_cand(&gold[i], &sys[s], &m)); /* a real candidate */
            if (gold[i].required)
                got.req++;
            else
                got.opt++;
            got.sub += gold[i].sub == sys[s].sub;
            got.metres += m;
        }
        bf_gold = gold;
        bf_sys = sys;
        bf_G = G;
        bf_S = S;
        bf_best = (objective){-1, 0, 0, 0};
        brute(0, 0, (objective){0, 0, 0, 0});
        if (got.req != bf_best.req || got.opt != bf_best.opt ||
            got.sub != bf_best.sub || got.metres != bf_best.metres) {
            if (mismatches++ < 3)
                fprintf(stderr, "  instance %d: got %ld/%ld/%ld/%ld, best "
                                "%ld/%ld/%ld/%ld\n", inst, got.req, got.opt,
                        got.sub, got.metres, bf_best.req, bf_best.opt,
                        bf_best.sub, bf_best.metres);
        }
        eval_result_free(r);
        eval_events_free(ev);
        eval_gold_free(g);
        eval_diags_free(&d);
    }
    CHECK_EQ_INT(mismatches, 0);
}

/* ------------------------------------------------------------------------
 * The real gold, read back as system events, is found in full
 * ------------------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
    int files;
} jsonl_buf;

static void append(jsonl_buf *b, const char *s) {
    size_t n = strlen(s);
    if (b->len + n + 2 > b->cap) {
        b->cap = (b->len + n + 2) * 2;
        b->buf = realloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len++] = '\n';
    b->buf[b->len] = '\0';
}

static json_t *actor_of(json_t *actors, size_t i) {
    json_t *a = json_array_get(actors, i);
    if (!a) return json_null();
    json_t *al = json_array_get(json_object_get(a, "aliases"), 0);
    return json_pack("{s:O, s:s}", "name", json_object_get(a, "name"),
                     "mention", al ? json_string_value(al) : "");
}

/* Writes each gold event of the file at path as a system event line. */
static void gold_to_system(const char *path, void *ctx) {
    jsonl_buf *b = ctx;
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    CHECK(root != NULL);
    if (!root) return;
    b->files++;
    json_t *doc_id = json_object_get(root, "doc_id"), *e;
    size_t i;
    json_array_foreach(json_object_get(root, "events"), i, e) {
        json_t *date = json_object_get(e, "date");
        if (json_is_null(date))
            date = json_array_get(json_object_get(e, "date_window"), 0);
        json_t *loc = json_object_get(e, "location");
        json_t *subs = json_object_get(e, "sub_event_types");
        json_t *actors = json_object_get(e, "actors");
        json_t *s = json_pack(
            "{s:O, s:O, s:O, s:i, s:O, s:O, s:o, s:o, "
            "s:{s:O, s:O, s:O, s:O, s:s, s:n, s:i}, s:O, s:O, s:O, s:[], "
            "s:[], s:f, s:s}",
            "doc_id", doc_id, "event_id", json_object_get(e, "id"),
            "event_date", date ? date : json_null(), "time_precision", 1,
            "event_type", json_object_get(e, "event_type"), "sub_event_type",
            json_array_get(subs, 0), "actor1", actor_of(actors, 0), "actor2",
            actor_of(actors, 1), "location", "name",
            json_object_get(loc, "name"), "mention",
            json_object_get(loc, "mention"), "lat",
            json_object_get(loc, "lat"), "lon", json_object_get(loc, "lon"),
            "country", "LY", "admin1", "geo_precision", 1, "fatalities",
            json_object_get(e, "fatalities"), "injured",
            json_object_get(e, "injured"), "captured",
            json_object_get(e, "captured"), "claims", "evidence",
            "confidence", 1.0, "notes", "");
        CHECK(s != NULL);
        if (!s) continue;
        char *line = json_dumps(s, JSON_COMPACT);
        append(b, line);
        free(line);
        json_decref(s);
    }
    json_decref(root);
}

static void check_gold_as_system(const char *dir) {
    jsonl_buf b = {0};
    test_each_file(dir, ".json", gold_to_system, &b);
    CHECK(b.files >= 5);
    eval_gold *g = load_gold(dir);
    eval_events *ev = eval_events_new();
    eval_diags d = {0};
    CHECK(eval_events_parse_jsonl(ev, "gold.jsonl", b.buf, b.len, &d) ==
          MARSAD_OK);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "  unexpected: %s\n", d.items[i].msg);
    CHECK_EQ_INT(d.n, 0);
    eval_result *r = eval_score(g, ev, NULL);
    CHECK(r != NULL);
    if (r) {
        const eval_counts *c = &r->overall;
        CHECK_EQ_INT(r->ndocs, (size_t)b.files);
        CHECK(c->gold_required > 0);
        CHECK_EQ_INT(c->matched_required, c->gold_required);
        CHECK(eval_recall(c) == 1.0);
        CHECK(eval_precision(c) == 1.0);
        CHECK_EQ_INT(c->matched_optional, c->gold_optional);
        CHECK_EQ_INT(c->sub_event.hit, c->sub_event.total);
        CHECK_EQ_INT(c->fatalities.hit, c->fatalities.total);
        CHECK_EQ_INT(c->date.hit, c->date.total);
        CHECK(eval_median(r->loc_err, c->nloc) == 0.0);
    }
    eval_result_free(r);
    eval_events_free(ev);
    eval_diags_free(&d);
    eval_gold_free(g);
    free(b.buf);
}

TEST(eval_gold_as_system_has_recall_one)
{
    check_gold_as_system("examples/seeds/gold");
    check_gold_as_system("examples/dev/gold");
}

/* ------------------------------------------------------------------------
 * Reports
 * ------------------------------------------------------------------------ */

TEST(eval_report_text)
{
    run r = score("plusminus.jsonl");
    char *t = eval_report_text(r.res, 1);
    CHECK(t != NULL);
    if (t) {
        CHECK(strstr(t, "precision      1/3 = 0.333\n") != NULL);
        CHECK(strstr(t, "recall         1/5 = 0.200\n") != NULL);
        CHECK(strstr(t, "F1             0.250\n") != NULL);
        CHECK(strstr(t, "date           0/1 = 0.000") != NULL);
        CHECK(strstr(t, "  e2  Battles  Tajura  2016-05-05  MISSED; nearest "
                        "b2 (Battles, Tajura, 2016-05-07): date 2016-05-07 "
                        "outside 2016-05-04..2016-05-06\n") != NULL);
        CHECK(strstr(t, "  FALSE b2  Battles / Armed clash  Tajura  "
                        "2016-05-07  (line 2)") != NULL);
        CHECK(strstr(t, "= b1 at 0.0 km: sub ok, fat 2 ok, date 2016-05-06 "
                        "(gold 2016-05-05), actors 1/1\n") != NULL);
        CHECK(strstr(t, "  e1  Battles  Sabratha  2016-02-23  MISSED; no "
                        "system events\n") != NULL);
    }
    free(t);
    t = eval_report_text(r.res, 0);
    CHECK(t && !strstr(t, "MISSED"));
    free(t);
    run_free(&r);
}

TEST(eval_report_json)
{
    run r = score("counts.jsonl");
    json_t *j = eval_report_json(r.res, 1);
    CHECK(j != NULL);
    json_t *ov = json_object_get(j, "overall");
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_object_get(ov, "injured"), "hit")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_object_get(ov, "injured"), "total")), 2);
    CHECK(json_real_value(json_object_get(json_object_get(ov, "injured"),
                                          "value")) == 0.5);
    CHECK(json_is_null(json_object_get(json_object_get(
        json_array_get(json_object_get(j, "per_doc"), 1), "precision"),
        "value")));
    json_t *a = json_array_get(json_object_get(j, "per_doc"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(a, "doc_id")), "a");
    json_t *e1 = json_array_get(json_object_get(a, "gold"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(e1, "matched")), "a1");
    CHECK(json_is_false(json_object_get(json_object_get(e1, "injured"),
                                        "exact")));
    json_decref(j);
    j = eval_report_json(r.res, 0);
    CHECK(j && !json_object_get(json_array_get(json_object_get(j, "per_doc"),
                                               0), "gold"));
    json_decref(j);
    run_free(&r);
}
