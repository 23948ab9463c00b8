/* cmd_places.c — `marsad places FILE...`: every place mention with its byte
 * offsets and how it was resolved, for debugging the gazetteer. */
#include "cli.h"
#include "geo/gazetteer.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char USAGE[] =
    "usage: marsad places [--data DIR] [--country CC] [--stats] FILE...\n"
    "       (- for standard input)\n"
    "\n"
    "Prints one line per place mention, tab-separated:\n"
    "  START END TEXT NAME_START NAME_END ID NAME_EN LAT LON COUNTRY ADMIN1\n"
    "  FEATURE PRECISION RELATION KM FLAGS SOURCE\n"
    "START END are the byte offsets of the whole mention (with relation and\n"
    "place-type words), NAME_START NAME_END those of the name. PRECISION is\n"
    "the geo_precision (1 the place, 2 near or part of it, 3 a region or\n"
    "country). RELATION is '-' or e.g. 'south of'; KM the distance stated.\n"
    "FLAGS: 'org' when the name is inside an organization's name (a hint),\n"
    "'amb=N' when N places share the name. A line '# FILE' precedes each file.\n"
    "\n"
    "--data DIR     data directory (default: $MARSAD_DATA, else the build's)\n"
    "--country CC   the articles' country (ISO 3166-1 alpha-2) for\n"
    "               disambiguation; default: inferred from each text\n"
    "--stats        print load time and memory to standard error\n";

typedef struct {
    const gazetteer *g;
    const char *country; /* --country, or NULL */
} places_run;

/* One article's place mentions, after a line "# PATH". */
static int print_places(void *ctx, const char *path, const char *text,
                        marsad_doc *doc) {
    const places_run *run = ctx;
    gaz_mention *ms = NULL;
    size_t n = gazetteer_find(run->g, doc, run->country, &ms);
    if (n == (size_t)-1) {
        cli_error("%s: out of memory", path);
        return EXIT_INPUT;
    }
    printf("# %s\n", path);
    for (size_t i = 0; i < n; i++) {
        const gaz_mention *m = &ms[i];
        const gaz_place *p = gazetteer_place(run->g, m->place);
        cli_put_span(text, m->start, m->end);
        printf("\t%zu\t%zu\t%u\t%s\t%.5f\t%.5f\t%s\t%s\t%s\t%d\t%s\t%g\t",
               m->name_start, m->name_end, p->id, *p->name_en ? p->name_en : "-", p->lat,
               p->lon, p->country, *p->admin1 ? p->admin1 : "-",
               p->feature, m->geo_precision,
               m->relation ? m->relation : "-", m->offset_km);
        int any = 0;
        if (m->in_org_name) any = printf("org");
        if (m->ncandidates > 1)
            printf("%samb=%d", any ? "," : "", m->ncandidates), any = 1;
        if (!any) putchar('-');
        printf("\t%s\n", p->source);
    }
    free(ms);
    return EXIT_OK;
}

MARSAD_COMMAND(places, "print place mentions with offsets and resolution")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *datadir = getenv("MARSAD_DATA");
    places_run run = {NULL, NULL};
    int stats = 0, nfiles = 0;
    if (!datadir || !*datadir) datadir = MARSAD_DATADIR;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--data") == 0 || strcmp(argv[a], "--country") == 0) {
            if (a + 1 >= argc) {
                cli_error("places: %s needs a value", argv[a]);
                return EXIT_USAGE;
            }
            const char *v = argv[a + 1];
            if (argv[a][2] == 'd') {
                datadir = v;
            } else {
                run.country = v;
                if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' ||
                    v[1] < 'A' || v[1] > 'Z') {
                    cli_error("places: --country wants an ISO2 code like LY");
                    return EXIT_USAGE;
                }
            }
            argv[a] = argv[a + 1] = NULL;
            a++;
        } else if (strcmp(argv[a], "--stats") == 0) {
            stats = 1;
            argv[a] = NULL;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("places: unknown option '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        } else {
            nfiles++;
        }
    }
    if (nfiles == 0 && !stats) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    char err[1024];
    struct mallinfo2 m0 = mallinfo2();
    double t0 = (cli_now() * 1e3);
    clock_t c0 = clock();
    gazetteer *g = gazetteer_load(datadir, err, sizeof err);
    clock_t c1 = clock();
    double t1 = (cli_now() * 1e3);
    if (!g) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (stats) {
        struct mallinfo2 m1 = mallinfo2();
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr,
                "places: %zu places loaded in %.1f ms (%.1f ms CPU); heap "
                "%.1f MB; max RSS %.1f MB\n",
                gazetteer_count(g), t1 - t0,
                (double)(c1 - c0) * 1000.0 / CLOCKS_PER_SEC,
                ((double)m1.uordblks + (double)m1.hblkhd -
                 (double)m0.uordblks - (double)m0.hblkhd) / 1048576.0,
                ru.ru_maxrss / 1024.0);
    }
    run.g = g;
    int status = cli_each_article(argc, argv, print_places, &run);
    gazetteer_free(g);
    return status;
}
