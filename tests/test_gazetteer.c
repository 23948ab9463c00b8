/* test_gazetteer.c — the gazetteer: loading, place mentions (table
 * tests/data/places.tsv), the seed articles against their gold places,
 * districts by point-in-polygon, malformed data lines, bad input, cost. */
#include "extract/extract_internal.h"
#include "geo/boundaries.h"
#include "geo/gaz_internal.h"
#include "geo/gazetteer.h"
#include "marsad.h"
#include "table.h"
#include "test.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define DATADIR "data"

static gazetteer *shared;
static double load_cpu_ms;

static void free_shared(void) { gazetteer_free(shared); }

/* The gazetteer, loaded once for all tests. */
static const gazetteer *gaz(void) {
    if (!shared) {
        char err[512];
        clock_t c0 = clock();
        shared = gazetteer_load(DATADIR, err, sizeof err);
        load_cpu_ms = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
        if (!shared) fprintf(stderr, "  gazetteer_load: %s\n", err);
        else atexit(free_shared);
    }
    return shared;
}

static double km(double la1, double lo1, double la2, double lo2) {
    const double d2r = M_PI / 180;
    double a = sin((la2 - la1) * d2r / 2) * sin((la2 - la1) * d2r / 2) +
               cos(la1 * d2r) * cos(la2 * d2r) * sin((lo2 - lo1) * d2r / 2) *
                   sin((lo2 - lo1) * d2r / 2);
    return 2 * 6371.0088 * asin(sqrt(a > 1 ? 1 : a));
}

/* ------------------------------------------------------------------------ */

/* One row of tests/data/places.tsv (see its header). */
static void place_row(char **f, int nf, int line) {
    const gazetteer *g = gaz();
    if (nf != 10) {
        fprintf(stderr, "  places.tsv:%d: expected 10 fields, got %d\n", line,
                nf);
        CHECK(nf == 10);
        return;
    }
    const char *text = f[0], *at = strstr(text, f[1]);
    CHECK(at != NULL);
    if (!at || !g) return;
    size_t off = (size_t)(at - text);
    marsad_doc *doc = marsad_doc_new(text, strlen(text));
    gaz_mention *ms;
    size_t n = gazetteer_find(g, doc, strcmp(f[8], "-") ? f[8] : NULL, &ms);
    CHECK(n != (size_t)-1);
    const gaz_mention *m = NULL;
    for (size_t i = 0; i < n && n != (size_t)-1; i++)
        if (ms[i].start <= off && off < ms[i].end) m = &ms[i];
    int before = test_failures;
    if (strcmp(f[2], "NONE") == 0) {
        CHECK(m == NULL);
    } else if (!m) {
        CHECK(m != NULL);
    } else {
        const gaz_place *p = gazetteer_place(g, m->place);
        CHECK_EQ_STR(p->name_en, f[2]);
        if (strcmp(f[3], "-")) CHECK_EQ_STR(p->country, f[3]);
        if (strcmp(f[4], "-")) CHECK_EQ_INT(m->geo_precision, atoi(f[4]));
        if (strcmp(f[5], "-")) CHECK_EQ_STR(m->relation ? m->relation : "-", f[5]);
        if (strcmp(f[6], "-")) CHECK(fabs(m->offset_km - atof(f[6])) < 1e-6);
        CHECK_EQ_INT(m->in_org_name, strcmp(f[7], "org") == 0);
        if (strcmp(f[9], "-")) {
            char got[512];
            size_t l = m->end - m->start;
            snprintf(got, sizeof got, "%.*s", (int)l, text + m->start);
            CHECK_EQ_STR(got, f[9]);
        }
        CHECK(m->name_start >= m->start && m->name_end <= m->end &&
              m->name_start < m->name_end);
    }
    if (test_failures != before)
        fprintf(stderr, "  places.tsv:%d: %s | %s\n", line, text, f[1]);
    free(ms);
    marsad_doc_free(doc);
}

TEST(gazetteer_place_table)
{
    CHECK(table_each("tests/data/places.tsv", place_row) >= 50);
}

/* One row of tests/data/place-coords.tsv: the mention covering `at` resolves
 * to a place within 5 km of the reference point. */
static void coord_row(char **f, int nf, int line) {
    const gazetteer *g = gaz();
    CHECK_EQ_INT(nf, 6);
    if (nf != 6 || !g) return;
    const char *text = f[0], *at = strstr(text, f[1]);
    CHECK(at != NULL);
    if (!at) return;
    size_t off = (size_t)(at - text);
    marsad_doc *doc = marsad_doc_new(text, strlen(text));
    gaz_mention *ms;
    size_t n = gazetteer_find(g, doc, strcmp(f[4], "-") ? f[4] : NULL, &ms);
    const gaz_mention *m = NULL;
    for (size_t i = 0; i < n && n != (size_t)-1; i++)
        if (ms[i].start <= off && off < ms[i].end) m = &ms[i];
    CHECK(m != NULL);
    if (m) {
        const gaz_place *p = gazetteer_place(g, m->place);
        double d = km(atof(f[2]), atof(f[3]), p->lat, p->lon);
        if (d > 5)
            fprintf(stderr, "  place-coords.tsv:%d: %s is %.1f km away\n", line,
                    p->name_en, d);
        CHECK(d <= 5);
    }
    if (n != (size_t)-1) free(ms);
    marsad_doc_free(doc);
}

TEST(gazetteer_place_coordinates)
{
    CHECK(table_each("tests/data/place-coords.tsv", coord_row) >= 4);
}

/* Every place carries the cosine of its latitude, and distances through it
 * are those of boundaries_distance_km to the bit (so resolution, which
 * compares them, decides as it would without). */
TEST(gazetteer_distances_with_known_cosines)
{
    const gazetteer *g = gaz();
    CHECK(g != NULL);
    if (!g) return;
    size_t n = gazetteer_count(g), bad = 0, pairs = 0;
    CHECK(n > 1000);
    for (uint32_t k = 0; k < n; k++) {
        const gaz_place *p = gazetteer_place(g, k);
        if (p->coslat != boundaries_cos_lat(p->lat)) bad++;
        /* pairs at every scale: neighbours in the table, and far ones */
        const gaz_place *q = gazetteer_place(g, (uint32_t)((k * 7919u + 1) % n));
        const gaz_place *r = gazetteer_place(g, k + 1 < n ? k + 1 : 0);
        for (int w = 0; w < 2; w++, pairs++) {
            const gaz_place *o = w ? r : q;
            double a = boundaries_distance_km(p->lat, p->lon, o->lat, o->lon);
            double b = boundaries_distance_km_cos(p->lat, p->lon, p->coslat, o->lat,
                                                  o->lon, o->coslat);
            if (memcmp(&a, &b, sizeof a) != 0) bad++;
        }
    }
    CHECK_EQ_INT((long)bad, 0);
    CHECK(pairs >= 2000);
    /* and the distance itself: Tripoli to Benghazi is about 650 km */
    double d = boundaries_distance_km(32.8872, 13.1913, 32.1167, 20.0667);
    CHECK(d > 645 && d < 656);
    CHECK(boundaries_distance_km(10, 20, 10, 20) == 0);
}

/* ------------------------------------------------------------------------ */

typedef struct {
    int held, found;
} seed_stats;

/* Every gold place of a seed article that the gazetteer holds (a place within
 * 5 km of the gold point) is found by a mention outside an organization's
 * name within 5 km. Prints, per gold place, the distance to the nearest. */
static void seed_file(const char *gold_path, void *ctx) {
    seed_stats *st = ctx;
    const gazetteer *g = gaz();
    json_error_t je;
    json_t *gold = json_load_file(gold_path, 0, &je);
    CHECK(gold != NULL);
    if (!gold || !g) return;
    const char *id = json_string_value(json_object_get(gold, "doc_id"));
    char path[512];
    snprintf(path, sizeof path, "examples/seeds/%s.txt", id ? id : "?");
    size_t len;
    char *text = test_read_file(path, &len);
    CHECK(text != NULL);
    marsad_doc *doc = text ? marsad_doc_new(text, len) : NULL;
    gaz_mention *ms = NULL;
    size_t n = doc ? gazetteer_find(g, doc, NULL, &ms) : 0;
    json_t *evs = json_object_get(gold, "events");
    for (size_t e = 0; e < json_array_size(evs); e++) {
        json_t *loc = json_object_get(json_array_get(evs, e), "location");
        double lat = json_number_value(json_object_get(loc, "lat"));
        double lon = json_number_value(json_object_get(loc, "lon"));
        const char *name = json_string_value(json_object_get(loc, "name"));
        int held = 0;
        for (uint32_t k = 0; k < gazetteer_count(g) && !held; k++) {
            const gaz_place *p = gazetteer_place(g, k);
            held = strcmp(p->feature, "country") && strcmp(p->feature, "region") &&
                   km(lat, lon, p->lat, p->lon) <= 5;
        }
        double best = 1e9;
        const char *best_name = "-";
        for (size_t i = 0; i < n; i++) {
            if (ms[i].in_org_name) continue;
            const gaz_place *p = gazetteer_place(g, ms[i].place);
            double d = km(lat, lon, p->lat, p->lon);
            if (d < best) {
                best = d;
                best_name = p->name_en;
            }
        }
        printf("     seed %.3s %-40.40s held=%d found: %-28.28s %.1f km\n",
               id, name ? name : "?", held, best_name, best);
        if (!held) continue;
        st->held++;
        if (best <= 5) st->found++;
        CHECK(best <= 5);
    }
    free(ms);
    marsad_doc_free(doc);
    free(text);
    json_decref(gold);
}

TEST(gazetteer_seed_gold_places)
{
    seed_stats st = {0, 0};
    CHECK_EQ_INT(test_each_file("examples/seeds/gold", ".json", seed_file, &st),
                 5);
    printf("     seed gold places held by the gazetteer: %d, found within 5 km: "
           "%d\n", st.held, st.found);
    CHECK(st.held >= 15);
}

/* No organization's name inside a person's name is taken for a place in the
 * seeds: every mention after a person's title or name is dropped, every
 * organization mention is flagged (spot checks of the seed texts). */
TEST(gazetteer_seed_no_person_or_org_as_place)
{
    const gazetteer *g = gaz();
    static const struct {
        const char *file, *phrase; /* phrase: text around a name */
        int allowed;               /* 0: no place mention may start inside
                                      it; 1: only org-flagged ones */
    } CASES[] = {
        {"examples/seeds/000_0ea05e08e214245f.txt", "مجلس شورى ثوار بنغازي", 1},
        {"examples/seeds/000_0ea05e08e214245f.txt", "تحالف فجر ليبيا", 1},
        {"examples/seeds/002_d6f9cd00d80dd581.txt", "كتيبة شهداء أم الأرانب", 1},
        {"examples/seeds/002_d6f9cd00d80dd581.txt", "قوات سوريا الديمقراطية", 1},
        {"examples/seeds/003_9e38af5d8eb8adc6.txt", "كتائب مصراته", 1},
        {"examples/seeds/004_211c947fa9c0ab59.txt", "غرفة عمليات إجدابيا", 1},
        {"examples/seeds/004_211c947fa9c0ab59.txt", "سرايا الجبل الأخضر", 1},
        {"examples/seeds/004_211c947fa9c0ab59.txt", "باراك أوباما", 0},
        {"examples/seeds/004_211c947fa9c0ab59.txt", "ديفيد كاميرون", 0},
        {"examples/seeds/001_c6f971c3f58e13e0.txt", "فايز السراج", 0},
        {"examples/seeds/000_0ea05e08e214245f.txt", "خليفة حفتر", 0},
        {"examples/seeds/000_0ea05e08e214245f.txt", "بريت ماغيرك", 0},
    };
    for (size_t c = 0; c < sizeof CASES / sizeof *CASES && g; c++) {
        size_t len;
        char *text = test_read_file(CASES[c].file, &len);
        CHECK(text != NULL);
        if (!text) continue;
        marsad_doc *doc = marsad_doc_new(text, len);
        gaz_mention *ms;
        size_t n = gazetteer_find(g, doc, NULL, &ms);
        const char *at = strstr(text, CASES[c].phrase);
        CHECK(at != NULL);
        while (at) {
            size_t s = (size_t)(at - text), e = s + strlen(CASES[c].phrase);
            for (size_t i = 0; i < n; i++) {
                if (ms[i].name_start < s || ms[i].name_start >= e) continue;
                if (CASES[c].allowed && ms[i].in_org_name) continue;
                fprintf(stderr, "  %s: place in '%s'\n", CASES[c].file,
                        CASES[c].phrase);
                CHECK(0);
            }
            at = strstr(at + 1, CASES[c].phrase);
        }
        free(ms);
        marsad_doc_free(doc);
        free(text);
    }
}

/* ------------------------------------------------------------------------ */

/* The Libyan city named `ar` (the most populous, else the first). */
static const gaz_place *ly_city(const gazetteer *g, const char *ar) {
    uint32_t ids[16];
    size_t n = gazetteer_lookup(g, ar, strlen(ar), ids, 16);
    const gaz_place *best = NULL;
    for (size_t i = 0; i < n && i < 16; i++) {
        const gaz_place *p = gazetteer_place(g, ids[i]);
        if (strcmp(p->country, "LY") || strcmp(p->feature, "city")) continue;
        if (!best || p->population > best->population) best = p;
    }
    return best;
}

TEST(gazetteer_admin1_by_point_in_polygon)
{
    const gazetteer *g = gaz();
    static const char *const CASES[][2] = {
        {"مصراتة", "Misrata"}, {"درنة", "Derna"},     {"سبها", "Sabha"},
        {"بنغازي", "Benghazi"}, {"طرابلس", "Tripoli"}, {"سرت", "Sirte"},
        {"إجدابيا", "Al Wahat"}, {"طبرق", "Al Butnan"}, {"غريان", "Jabal al Gharbi"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES && g; i++) {
        const gaz_place *p = ly_city(g, CASES[i][0]);
        CHECK(p != NULL);
        if (p) CHECK_EQ_STR(p->admin1, CASES[i][1]);
    }
    /* every Libyan town gets a district (coastal ones by the nearest) */
    size_t ly = 0, with = 0;
    for (uint32_t k = 0; g && k < gazetteer_count(g); k++) {
        const gaz_place *p = gazetteer_place(g, k);
        if (strcmp(p->country, "LY") || !strcmp(p->feature, "country")) continue;
        ly++;
        with += *p->admin1 != '\0';
    }
    CHECK(ly > 800);
    CHECK_EQ_INT(with, ly);
}

TEST(gazetteer_countries_and_lookup)
{
    const gazetteer *g = gaz();
    if (!g) return;
    CHECK_EQ_STR(gazetteer_country_name(g, "LY"), "Libya");
    CHECK_EQ_STR(gazetteer_country_name(g, "MT"), "Malta");
    CHECK(gazetteer_country_name(g, "ZZ") == NULL);
    CHECK(gazetteer_country_name(g, "l") == NULL);
    const gaz_place *ly = gazetteer_country(g, "LY");
    CHECK(ly && ly->precision == 3 && strcmp(ly->feature, "country") == 0);
    /* coded at the capital, from GeoNames (merged into OSM's Tripoli) */
    CHECK(ly && km(ly->lat, ly->lon, 32.87519, 13.18746) < 5);
    uint32_t ids[8];
    CHECK(gazetteer_lookup(g, "مُصراته", strlen("مُصراته"), ids, 8) >= 1);
    CHECK(gazetteer_lookup(g, "لا يوجد", strlen("لا يوجد"), ids, 8) == 0);
    CHECK(gazetteer_place(g, (uint32_t)gazetteer_count(g)) == NULL);
    CHECK(gazetteer_count(g) > 20000);
}

/* ------------------------------------------------------------------------ */

/* The gazetteer's data files (gazetteer_load). */
static const char *const FILES[] = {
    "sources",         "ly-districts.tsv", "geonames-arabic.tsv",
    "places-extra.tsv", "countries.tsv",   "regions.tsv",
    "places-stop.tsv", "place-cues.tsv",   "person-names.tsv"};

/* A copy of the data directory whose file `name` gets `line` appended;
 * returns the directory (caller removes it with rm_tmpdata). */
static char *tmp_data_with(const char *name, const char *line, int *lineno) {
    char tmpl[] = "/tmp/marsad-gaz-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) return NULL;
    dir = strdup(dir);
    char cwd[1024], src[1200], dst[1200];
    if (!getcwd(cwd, sizeof cwd)) return dir;
    for (size_t i = 0; i < sizeof FILES / sizeof *FILES; i++) {
        snprintf(src, sizeof src, "%s/" DATADIR "/%s", cwd, FILES[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, FILES[i]);
        if (strcmp(FILES[i], name) != 0) {
            CHECK(symlink(src, dst) == 0);
            continue;
        }
        size_t len;
        char *body = test_read_file(src, &len);
        CHECK(body != NULL);
        FILE *f = fopen(dst, "wb");
        CHECK(f != NULL);
        if (!body || !f) {
            free(body);
            if (f) fclose(f);
            continue;
        }
        fwrite(body, 1, len, f);
        int n = 0;
        for (size_t k = 0; k < len; k++) n += body[k] == '\n';
        *lineno = n + 1;
        fprintf(f, "%s\n", line);
        fclose(f);
        free(body);
    }
    return dir;
}

static void rm_tmpdata(char *dir) {
    char p[1200];
    for (size_t i = 0; i < sizeof FILES / sizeof *FILES; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, FILES[i]);
        unlink(p);
    }
    rmdir(dir);
    free(dir);
}

/* Malformed lines in each data file fail the load with file:line. */
TEST(gazetteer_malformed_lines_fail_with_file_line)
{
    static const char *const CASES[][2] = {
        {"places-extra.tsv", "Nowhere\tمكان\t91\t13\tLY\ttown\t1\tinvented"},
        {"places-extra.tsv", "Short line\tمكان"},
        {"places-extra.tsv", "Offshore\tبحر\t36.0\t15.0\tLY\ttown\t1\ttest"},
        {"places-extra.tsv", "No source\tمكان\t32\t13\tLY\ttown\t1\t"},
        {"places-extra.tsv", "Bad feature\tمكان\t32\t13\tLY\tcastle\t1\tx src"},
        {"countries.tsv", "XX\tNowhere\tلامكان\t-\t-\t-\thome\tsrc"},
        {"countries.tsv", "ly\tLibya\tليبيا\t-\t-\t-\thome\tsrc"},
        {"regions.tsv", "Atlantis\tأطلانطس\tLY\tمدينة غير موجودة\tsrc"},
        {"place-cues.tsv", "قرب\trel\tnear\t7"},
        {"place-cues.tsv", "قرب\tnearby\tnear\t2"},
        {"places-stop.tsv", "كلمة\tsometimes\treason"},
        {"ly-districts.tsv", "XX-1\tNowhere\tلامكان\tshape"},
        {"person-names.tsv", "اسم"},
        {"geonames-arabic.tsv", "99999999\tمكان\tno such GeoNames row"},
        {"geonames-arabic.tsv", "Mosul\tالموصل\tnot an id"},
        {"geonames-arabic.tsv", "170063\tحلب"},
        {"geonames-arabic.tsv", "170063\tHalab\tnot Arabic"},
        {"geonames-arabic.tsv", "99072\tموصل\tMosul is named above"},
        {"geonames-arabic.tsv", "170063\t-مكان|حلب\tno such name to remove"},
        {"geonames-arabic.tsv", "170063\t-حلب\tremoves only"},
    };
    for (size_t c = 0; c < sizeof CASES / sizeof *CASES; c++) {
        int lineno = 0;
        char *dir = tmp_data_with(CASES[c][0], CASES[c][1], &lineno);
        CHECK(dir != NULL);
        if (!dir) continue;
        char err[512] = "", want[128];
        gazetteer *g = gazetteer_load(dir, err, sizeof err);
        CHECK(g == NULL);
        gazetteer_free(g);
        snprintf(want, sizeof want, "%s:%d: ", CASES[c][0], lineno);
        if (!strstr(err, want))
            fprintf(stderr, "  error '%s', want '%s'\n", err, want);
        CHECK(strstr(err, want) != NULL);
        rm_tmpdata(dir);
    }
    /* a missing file is named too */
    char err[512];
    CHECK(gazetteer_load("/nonexistent-marsad-data", err, sizeof err) == NULL);
    CHECK(strstr(err, "/") != NULL);
}

/* ------------------------------------------------------------------------ */

static size_t find_count(const gazetteer *g, const char *s, size_t len) {
    marsad_doc *doc = marsad_doc_new(s, len);
    gaz_mention *ms;
    size_t n = gazetteer_find(g, doc, NULL, &ms);
    free(ms);
    marsad_doc_free(doc);
    return n;
}

TEST(gazetteer_bad_input_never_crashes)
{
    const gazetteer *g = gaz();
    if (!g) return;
    CHECK_EQ_INT(find_count(g, "", 0), 0);
    CHECK_EQ_INT(find_count(g, "\xff\xfe\x80 \xd9", 5), 0);
    static const char nul[] = "في\0مصراتة";
    CHECK(find_count(g, nul, sizeof nul - 1) != (size_t)-1);
    gaz_mention *ms = (gaz_mention *)1;
    CHECK_EQ_INT(gazetteer_find(NULL, NULL, NULL, &ms), 0);
    CHECK(ms == NULL);
    /* all cues, no names; long runs of relation words */
    const char *cues = "قرب جنوب على بعد 15 كلم من مدينة كتيبة شهداء ";
    size_t cl = strlen(cues), reps = 20000;
    char *big = malloc(cl * reps + 1);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * cl, cues, cl);
    big[cl * reps] = '\0';
    clock_t c0 = clock();
    CHECK(find_count(g, big, cl * reps) != (size_t)-1);
    /* 1 MB of place names, no sentence end: linear */
    const char *names = "مصراتة وسرت وبنغازي ودرنة ";
    size_t nl = strlen(names), nreps = (1 << 20) / nl;
    char *big2 = malloc(nl * nreps + 1);
    for (size_t i = 0; i < nreps; i++) memcpy(big2 + i * nl, names, nl);
    big2[nl * nreps] = '\0';
    CHECK_EQ_INT(find_count(g, big2, nl * nreps), 4 * nreps);
    double ms_cpu = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
    printf("     2 MB of adversarial text: %.0f ms CPU\n", ms_cpu);
    CHECK(ms_cpu < 20000);
    free(big);
    free(big2);
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

TEST(gazetteer_load_cost)
{
    const gazetteer *g = gaz();
    CHECK(g != NULL);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("     gazetteer: %zu places, load %.1f ms CPU, max RSS %.1f MB\n",
           gazetteer_count(g), load_cpu_ms, ru.ru_maxrss / 1024.0);
    /* load time and memory targets are measured by `make bench` */
    CHECK(gazetteer_count(g) > 20000);
}

/* One scan resolved several times, with and without a country, gives what
 * gazetteer_find gives each time (extraction resolves the places of an
 * article twice from one scan), and what the plain computation gives (cues
 * read at every word, no caches). */
typedef struct {
    int docs, mentions, bad;
} rescan_tally;

static void rescan_file(const char *path, void *ctx) {
    rescan_tally *t = ctx;
    const gazetteer *g = gaz();
    size_t len;
    char *text = test_read_file(path, &len);
    marsad_doc *doc = text ? marsad_doc_new(text, len) : NULL;
    gaz_scan *s = doc ? gazetteer_scan(g, doc) : NULL;
    gaz_scan *sp = doc ? gaz_scan_plain(g, doc) : NULL;
    if (!s || !sp) {
        gazetteer_scan_free(s);
        gazetteer_scan_free(sp);
        t->bad++;
        marsad_doc_free(doc);
        free(text);
        return;
    }
    static const char *const HINTS[] = {NULL, "LY", "EG", "ly", NULL, "SY"};
    for (size_t h = 0; h < sizeof HINTS / sizeof *HINTS; h++) {
        gaz_mention *a = NULL, *b = NULL;
        size_t na = gazetteer_resolve(s, HINTS[h], &a);
        size_t nb = gazetteer_find(g, doc, HINTS[h], &b);
        if (na != nb || (na && na != (size_t)-1 && memcmp(a, b, na * sizeof *a) != 0)) {
            if (t->bad++ < 3)
                fprintf(stderr, "  %s, hint %s: resolve differs from find\n", path,
                        HINTS[h] ? HINTS[h] : "-");
        }
        /* and what the plain computation gives, without the caches */
        gaz_mention *p = NULL;
        size_t np = gaz_resolve_plain(sp, HINTS[h], &p);
        if (np != na || (na && na != (size_t)-1 && memcmp(a, p, na * sizeof *a) != 0)) {
            if (t->bad++ < 3)
                fprintf(stderr, "  %s, hint %s: resolve differs from plain\n",
                        path, HINTS[h] ? HINTS[h] : "-");
        }
        free(p);
        t->mentions += (int)na;
        free(a);
        free(b);
    }
    t->docs++;
    gazetteer_scan_free(s);
    gazetteer_scan_free(sp);
    marsad_doc_free(doc);
    free(text);
}

/* The rank and area table made at load says what gaz_rank and the feature
 * say, for every place. */
TEST(gazetteer_rank_table_equals_rank)
{
    const gazetteer *g = gaz();
    if (!g) return;
    size_t bad = 0, areas = 0;
    for (uint32_t i = 0; i < gazetteer_count(g); i++) {
        const gaz_place *p = gazetteer_place(g, i);
        int area = strcmp(p->feature, "country") == 0 ||
                   strcmp(p->feature, "region") == 0;
        areas += (size_t)area;
        if (gaz_place_rank(g, i) != gaz_rank(p) || gaz_is_area(g, i) != area)
            if (bad++ < 3)
                fprintf(stderr, "  place %u (%s): rank %d, table %d\n", i,
                        p->name_en, gaz_rank(p), gaz_place_rank(g, i));
    }
    CHECK(areas > 20);
    CHECK_EQ_INT((int)bad, 0);
}

/* A random text of at most `words` words drawn from W[0..nw) with the
 * xorshift state *x, each followed by a space (with joined, one word in
 * five by none), while they fit in cap bytes. Returns its length. */
static size_t random_words(const char *const *W, size_t nw, uint64_t *x,
                           size_t words, int joined, char *buf, size_t cap) {
    size_t len = 0;
    for (size_t k = 0; k < words; k++) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        const char *w = W[*x % nw];
        size_t wl = strlen(w);
        if (len + wl + 2 >= cap) break;
        memcpy(buf + len, w, wl);
        len += wl;
        if (!joined || (*x >> 20) % 5) buf[len++] = ' ';
    }
    return len;
}

/* Random texts of cue words, place names, numbers, empty tokens (tatweel)
 * and punctuation: the scan that reads cues only before names and the
 * resolution with its caches give what the plain computation gives. */
TEST(gazetteer_lazy_cues_equal_plain_on_random_text)
{
    const gazetteer *g = gaz();
    if (!g) return;
    static const char *const W[] = {
        "مدينة", "بمدينة", "منطقة", "مناطق", "قرية", "جنوب", "شمال", "غرب",
        "على", "بعد", "على مقربة من", "قرب", "من", "عن", "كيلومترا", "كم",
        "15", "30", "طرابلس", "مصراتة", "لمصراتة", "بنغازي", "سرت", "الخمس",
        "زليتن", "وترهونة", "الزاوية", "درنة", "الرئيس", "محمد", "كتيبة",
        "شهداء", "جامعة", "ـ", "ــ", "،", "و", "في", ".", "\n", "أطراف",
        "مشارف", "محيط", "وسط", "القاهرة", "دمشق", "حلب", "تونس", "صبراتة",
    };
    const size_t nw = sizeof W / sizeof *W;
    uint64_t x = 0x2545F4914F6CDD1Dull;
    int bad = 0, mentions = 0;
    char buf[4096];
    for (int doc_i = 0; doc_i < 400; doc_i++) {
        size_t len = random_words(W, nw, &x, 60, 1, buf, sizeof buf);
        marsad_doc *doc = marsad_doc_new(buf, len);
        gaz_scan *s = doc ? gazetteer_scan(g, doc) : NULL;
        gaz_scan *sp = doc ? gaz_scan_plain(g, doc) : NULL;
        if (!s || !sp) {
            bad++;
        } else {
            static const char *const HINTS[] = {NULL, "LY", "EG"};
            for (size_t h = 0; h < 3; h++) {
                gaz_mention *a = NULL, *p = NULL;
                size_t na = gazetteer_resolve(s, HINTS[h], &a);
                size_t np = gaz_resolve_plain(sp, HINTS[h], &p);
                if (na != np || (na && na != (size_t)-1 &&
                                 memcmp(a, p, na * sizeof *a) != 0)) {
                    if (bad++ < 3)
                        fprintf(stderr, "  random text %d, hint %s differs\n",
                                doc_i, HINTS[h] ? HINTS[h] : "-");
                }
                if (na != (size_t)-1) mentions += (int)na;
                free(a);
                free(p);
            }
        }
        gazetteer_scan_free(s);
        gazetteer_scan_free(sp);
        marsad_doc_free(doc);
    }
    CHECK(mentions >= 1000);
    CHECK_EQ_INT(bad, 0);
}

/* The scan asks whether a name written with a proclitic is a person's
 * first name (باراك, not ب + اراك) only where the persons' filter of first
 * words lets the whole word be one: every first name of person-names.tsv
 * that begins like a proclitic, with and without one more, among place
 * names in random texts, is found as the plain scan finds it. */
TEST(gazetteer_person_filter_equals_plain)
{
    const gazetteer *g = gaz();
    if (!g) return;
    FILE *f = fopen("data/person-names.tsv", "r");
    CHECK(f != NULL);
    if (!f) return;
    static const char *const PRE[] = {"و", "ف", "ب", "ل", "ك", "ال"};
    static const char *const PLACES[] = {
        "طرابلس", "مصراتة", "بنغازي", "سرت", "الخمس", "زليتن", "درنة",
        "اراك", "بمدينة", "في", "و", "،", ".", "قال", "الرئيس", "جنوب",
    };
    char *words[1200];
    size_t nwords = 0;
    char line[512];
    while (fgets(line, sizeof line, f) && nwords + 2 < 1200) {
        if (line[0] == '#') continue;
        size_t l = strcspn(line, "\t\r\n");
        if (l == 0) continue;
        line[l] = '\0';
        int pro = 0;
        for (size_t k = 0; k < 6; k++)
            if (strncmp(line, PRE[k], strlen(PRE[k])) == 0) pro = 1;
        if (!pro) continue;
        words[nwords++] = strdup(line);
        char both[600]; /* with one more proclitic: وباراك */
        snprintf(both, sizeof both, "و%s", line);
        words[nwords++] = strdup(both);
    }
    fclose(f);
    CHECK(nwords >= 40);
    uint64_t x = 0xD1B54A32D192ED03ull;
    int bad = 0, mentions = 0;
    char buf[8192];
    for (int doc_i = 0; doc_i < 300; doc_i++) {
        size_t len = 0;
        for (int k = 0; k < 80; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *w = (x >> 33) % 2 && nwords
                                ? words[(x >> 8) % nwords]
                                : PLACES[(x >> 8) % (sizeof PLACES /
                                                      sizeof *PLACES)];
            size_t wl = strlen(w);
            if (len + wl + 2 >= sizeof buf) break;
            memcpy(buf + len, w, wl);
            len += wl;
            buf[len++] = ' ';
        }
        marsad_doc *doc = marsad_doc_new(buf, len);
        gaz_scan *s = doc ? gazetteer_scan(g, doc) : NULL;
        gaz_scan *sp = doc ? gaz_scan_plain(g, doc) : NULL;
        if (!s || !sp) {
            bad++;
        } else {
            gaz_mention *a = NULL, *p = NULL;
            size_t na = gaz_resolve_plain(s, "LY", &a);
            size_t np = gaz_resolve_plain(sp, "LY", &p);
            if (na != np || na == (size_t)-1 ||
                (na && memcmp(a, p, na * sizeof *a) != 0)) {
                if (bad++ < 3)
                    fprintf(stderr, "  random text %d differs\n", doc_i);
            } else {
                mentions += (int)na;
            }
            free(a);
            free(p);
        }
        gazetteer_scan_free(s);
        gazetteer_scan_free(sp);
        marsad_doc_free(doc);
    }
    for (size_t k = 0; k < nwords; k++) free(words[k]);
    CHECK(mentions >= 1000);
    CHECK_EQ_INT(bad, 0);
}

/* Resolution keeps its per-call arrays on the stack for an article's few
 * dozen mentions and allocates them past that: documents of a few to
 * hundreds of mentions are resolved as the plain way resolves them. */
TEST(gazetteer_resolve_few_and_many_mentions_equal_plain)
{
    const gazetteer *g = gaz();
    if (!g) return;
    static const char *const W[] = {
        "طرابلس", "مصراتة", "لمصراتة", "بنغازي", "سرت", "الخمس", "زليتن",
        "وترهونة", "الزاوية", "درنة", "القاهرة", "دمشق", "حلب", "تونس",
        "صبراتة", "مدينة", "جنوب", "قرب", "في", "و", "،", ".", "قال", "إن",
    };
    const size_t nw = sizeof W / sizeof *W;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int bad = 0, most = 0;
    size_t cap = 64 * 1024;
    char *buf = malloc(cap);
    if (!buf) return;
    for (int doc_i = 0; doc_i < 40; doc_i++) {
        size_t words = (size_t)5 << (doc_i % 9); /* 5 .. 1280 */
        size_t len = random_words(W, nw, &x, words, 0, buf, cap);
        marsad_doc *doc = marsad_doc_new(buf, len);
        gaz_scan *s = doc ? gazetteer_scan(g, doc) : NULL;
        gaz_scan *sp = doc ? gaz_scan_plain(g, doc) : NULL;
        if (!s || !sp) {
            bad++;
        } else {
            static const char *const HINTS[] = {NULL, "LY", "SY"};
            for (size_t h = 0; h < 3; h++) {
                gaz_mention *a = NULL, *p = NULL;
                size_t na = gazetteer_resolve(s, HINTS[h], &a);
                size_t np = gaz_resolve_plain(sp, HINTS[h], &p);
                if (na != np || na == (size_t)-1 ||
                    (na && memcmp(a, p, na * sizeof *a) != 0)) {
                    if (bad++ < 3)
                        fprintf(stderr, "  document %d, hint %s differs\n",
                                doc_i, HINTS[h] ? HINTS[h] : "-");
                } else if ((int)na > most) {
                    most = (int)na;
                }
                free(a);
                free(p);
            }
        }
        gazetteer_scan_free(s);
        gazetteer_scan_free(sp);
        marsad_doc_free(doc);
    }
    free(buf);
    CHECK(most >= 300); /* past what the stack holds */
    CHECK_EQ_INT(bad, 0);
}

TEST(gazetteer_scan_resolved_again_equals_find)
{
    if (!gaz()) return;
    rescan_tally t = {0, 0, 0};
    test_each_file("examples/dev", ".txt", rescan_file, &t);
    test_each_file("examples/seeds", ".txt", rescan_file, &t);
    CHECK(t.docs >= 30);
    CHECK(t.mentions >= 500);
    CHECK_EQ_INT(t.bad, 0);
    gaz_mention *ms = NULL;
    CHECK_EQ_INT(gazetteer_resolve(NULL, NULL, &ms), 0);
    gazetteer_scan_free(NULL);
}

/* Where a name begins in the text: gaz_orig_prefix (characters folded
 * through the fold table) gives what gaz_orig_prefix_plain (each character
 * decoded and folded alone) gives, for every token of the bundled articles
 * at every proclitic length, and for random byte strings of Arabic letters,
 * marks, tatweel, Latin, digits, punctuation, characters of three and four
 * bytes and invalid or cut sequences. */
typedef struct {
    int tokens, bad;
} prefix_tally;

static void prefix_check(prefix_tally *t, const char *s, size_t len) {
    for (size_t pro = 0; pro <= len + 2 && pro <= 12; pro++) {
        size_t a = gaz_orig_prefix(s, len, pro);
        size_t b = gaz_orig_prefix_plain(s, len, pro);
        if (a != b && t->bad++ < 3)
            fprintf(stderr, "  '%.*s' pro %zu: %zu, plainly %zu\n", (int)len,
                    s, pro, a, b);
    }
    t->tokens++;
}

static void prefix_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    marsad_doc *doc = text ? marsad_doc_new(text, len) : NULL;
    if (doc) {
        size_t n;
        const marsad_token *tk = marsad_doc_tokens(doc, &n);
        for (size_t i = 0; i < n; i++)
            prefix_check(ctx, text + tk[i].start, tk[i].end - tk[i].start);
    }
    marsad_doc_free(doc);
    free(text);
}

TEST(gazetteer_orig_prefix_equals_plain)
{
    prefix_tally t = {0, 0};
    test_each_file("examples/dev", ".txt", prefix_file, &t);
    test_each_file("examples/seeds", ".txt", prefix_file, &t);
    CHECK(t.tokens >= 5000);
    static const char *const P[] = {
        "و", "ب", "ل", "ال", "م", "ص", "ر", "ا", "ت", "ة", "ى", "ي", "أ",
        "إ", "آ", "ؤ", "ئ", "ء", "ـ", "\xd9\x8e", "\xd9\x8b", "\xd9\x91",
        "\xd9\x92", "\xd9\xb0", "\xd9\x94", "a", "Z", "7", "٣", "-", " ",
        "،", ".", "\xef\xbb\xbf", "\xe2\x80\x8c", "\xe2\x80\x8f", "€",
        "\xf0\x9f\x98\x80", "\xff", "\xc0\xaf", "\xc1", "\xd8", "\xe2\x80",
        "\xed\xa0\x80", "\xc3\xa9", "\xce\xa9", "\xd0\x96", "\x01", "\t",
        "ﻻ", "ﷲ", "\xdf\xbf", "\xc2\x80", "\xc2\xa0",
    };
    unsigned long long x = 0x7F4A7C159E3779B9ULL;
    char buf[256];
    for (int r = 0; r < 20000; r++) {
        size_t len = test_random_text(P, sizeof P / sizeof *P, 1 + r % 9, &x,
                                      buf, sizeof buf);
        prefix_check(&t, buf, len);
    }
    fprintf(stderr, "  %d strings\n", t.tokens);
    CHECK_EQ_INT(t.bad, 0);
}

/* In a document scope with the model's group (as extraction runs), the
 * scan that passes over the tokens where the group's bits show no name
 * starts, and reads cues only before names, finds and resolves what the
 * plain scan finds: over the bundled articles and random texts of place
 * names, cue words, function words, digits, Latin, marks and invalid
 * bytes. */
typedef struct {
    const gazetteer *g;
    const phrase_group *group;
    int docs, mentions, bad;
} scope_tally;

static void scope_text(scope_tally *t, const char *text, size_t len) {
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!doc) {
        t->bad++;
        return;
    }
    size_t n;
    const marsad_token *tk = marsad_doc_tokens(doc, &n);
    phrase_scope *sc = phrase_scope_begin_group(tk, n, t->group);
    gaz_scan *s = gazetteer_scan(t->g, doc);
    gaz_scan *sp = gaz_scan_plain(t->g, doc);
    static const char *const HINTS[] = {NULL, "LY", "EG"};
    for (size_t h = 0; s && sp && h < 3; h++) {
        gaz_mention *a = NULL, *p = NULL;
        size_t na = gazetteer_resolve(s, HINTS[h], &a);
        size_t np = gaz_resolve_plain(sp, HINTS[h], &p);
        if ((na != np || (na && na != (size_t)-1 &&
                          memcmp(a, p, na * sizeof *a) != 0)) &&
            t->bad++ < 3)
            fprintf(stderr, "  '%.40s...', hint %s: scan differs from plain\n",
                    text, HINTS[h] ? HINTS[h] : "-");
        if (na != (size_t)-1) t->mentions += (int)na;
        free(a);
        free(p);
    }
    if (!s || !sp) t->bad++;
    gazetteer_scan_free(s);
    gazetteer_scan_free(sp);
    phrase_scope_end(sc);
    marsad_doc_free(doc);
    t->docs++;
}

static void scope_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    if (text) scope_text(ctx, text, len);
    free(text);
}

TEST(gazetteer_scan_in_group_scope_equals_plain)
{
    marsad_model *m = test_model();
    if (!m || !m->gazetteer || !m->group) return;
    scope_tally t = {m->gazetteer, m->group, 0, 0, 0};
    /* distances are remembered per thread under each load's serial: the
     * model's gazetteer and this file's are two loads */
    const gazetteer *mg = m->gazetteer;
    CHECK(gaz() && gaz()->serial != 0 && mg->serial != 0 &&
          gaz()->serial != mg->serial);
    test_each_file("examples/dev", ".txt", scope_file, &t);
    test_each_file("examples/seeds", ".txt", scope_file, &t);
    CHECK(t.mentions >= 500);
    static const char *const W[] = {
        "مدينة ", "بمدينة ", "منطقة ", "جنوب ", "شمال ", "على ", "علي ",
        "قرب ", "من ", "كيلومترا ", "كم ", "15 ", "طرابلس ", "مصراتة ",
        "لمصراتة ", "بنغازي ", "وبنغازي ", "سرت ", "الخمس ", "زليتن ",
        "الزاوية ", "درنة ", "سبها ", "الرئيس ", "محمد ", "كتيبة ", "شهداء ",
        "ـ ", "، ", "و ", "في ", ". ", "\n", "وسط ", "القاهرة ", "دمشق ",
        "حلب ", "تونس ", "بئر ", "الغنم ", "عين ", "زارة ", "وادي ", "الشاطئ ",
        "الذي ", "مع ", "بين ", "تنظيم ", "abc ", "Tripoli ", "\xff ",
        "\xd8 ", "\xd9\x8e", "2016 ", "مدينتي ", "ومنطقة ", "باراك ",
    };
    unsigned long long x = 0x94D049BB133111EBULL;
    char buf[1024];
    for (int r = 0; r < 3000; r++) {
        size_t len = test_random_text(W, sizeof W / sizeof *W, 5 + r % 40,
                                      &x, buf, sizeof buf);
        scope_text(&t, buf, len);
    }
    fprintf(stderr, "  %d texts, %d mentions\n", t.docs, t.mentions);
    CHECK_EQ_INT(t.bad, 0);
}
