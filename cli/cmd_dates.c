/* cmd_dates.c — `marsad dates FILE...`: every date expression in a text with
 * its offsets and its resolution against the publication date, for
 * debugging the dates module. */
#include "cli.h"
#include "lex/dates.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad dates [--data DIR] [--published YYYY-MM-DD] FILE...\n"
    "       (- for standard input)\n"
    "\n"
    "Prints, for each file, a line '# published DATE (SOURCE)' and then one\n"
    "line per date expression:\n"
    "  START END TEXT DATE FIRST..LAST pPRECISION absolute|relative [FLAGS]\n"
    "START and END are byte offsets in the file; DATE is the day, or the\n"
    "midpoint of the window FIRST..LAST; PRECISION is ACLED's time_precision\n"
    "(1 day, 2 within a week, 3 within a month; 0 unresolved). FLAGS: future,\n"
    "unresolved, since, hijri.\n"
    "The publication date is --published, else \"published\" in the JSON\n"
    "metadata beside FILE (NAME.txt -> NAME.json), else a dateline in the\n"
    "text; without one, relative expressions stay unresolved.\n"
    "--data DIR reads the tables from DIR (default $MARSAD_DATA or the\n"
    "built-in data directory).\n";

/* "published" from the metadata file beside path, or 0. */
static int published_from_json(const char *path, ymd *out) {
    size_t l = strlen(path);
    char *meta = malloc(l + 6);
    if (!meta) return 0;
    memcpy(meta, path, l + 1);
    if (l > 4 && strcmp(meta + l - 4, ".txt") == 0) meta[l - 4] = '\0';
    strcat(meta, ".json");
    json_error_t je;
    json_t *root = json_load_file(meta, 0, &je);
    free(meta);
    if (!root) return 0;
    int ok = 0;
    json_t *p = json_object_get(root, "published");
    if (json_is_string(p))
        ok = ymd_parse_iso(json_string_value(p), json_string_length(p), out);
    json_decref(root);
    return ok;
}

static void flag_names(int f, char *buf, size_t cap) {
    buf[0] = '\0';
    static const struct { int bit; const char *name; } F[] = {
        {DATE_F_FUTURE, "future"}, {DATE_F_UNRESOLVED, "unresolved"},
        {DATE_F_SINCE, "since"},   {DATE_F_HIJRI, "hijri"},
    };
    for (size_t i = 0; i < sizeof F / sizeof *F; i++)
        if (f & F[i].bit) {
            if (buf[0]) strncat(buf, ",", cap - strlen(buf) - 1);
            strncat(buf, F[i].name, cap - strlen(buf) - 1);
        }
}

typedef struct {
    const dates *dt;
    const char *pubarg; /* --published, or NULL */
    ymd pubopt;         /* its date */
    int nfiles;
} dates_run;

/* One article's publication date and date expressions. */
static int print_dates(void *ctx, const char *path, const char *text,
                       marsad_doc *doc) {
    const dates_run *run = ctx;
    ymd pub = run->pubopt;
    const char *src = "--published";
    if (!run->pubarg) {
        src = "metadata";
        if (strcmp(path, "-") == 0 || !published_from_json(path, &pub)) {
            src = "dateline";
            if (!dates_dateline(run->dt, doc, &pub)) {
                pub = (ymd){0, 0, 0};
                src = "unknown";
            }
        }
    }
    char b1[16], b2[16], b3[16], fl[64];
    if (run->nfiles > 1) printf("# %s\n", path);
    printf("# published %s (%s)\n", pub.y ? ymd_format(pub, b1, sizeof b1) : "-",
           src);
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    date_mention *m;
    size_t nm = dates_find(run->dt, doc, pub, &m);
    for (size_t i = 0; i < nm; i++) {
        cli_put_span(text, t[m[i].tok_start].start, t[m[i].tok_end - 1].end);
        flag_names(m[i].flags, fl, sizeof fl);
        if (m[i].precision)
            printf("\t%s\t%s..%s\tp%d", ymd_format(m[i].date, b1, sizeof b1),
                   ymd_format(m[i].first, b2, sizeof b2),
                   ymd_format(m[i].last, b3, sizeof b3), m[i].precision);
        else
            printf("\t%s\t-\tp0", ymd_format(m[i].date, b1, sizeof b1));
        printf("\t%s%s%s\n", m[i].relative ? "relative" : "absolute",
               fl[0] ? "\t" : "", fl);
    }
    free(m);
    return EXIT_OK;
}

MARSAD_COMMAND(dates, "print the dates in a text, resolved")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *datadir = NULL;
    dates_run run = {NULL, NULL, {0, 0, 0}, 0};
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--data") == 0 || strcmp(argv[a], "--published") == 0) {
            if (a + 1 >= argc) {
                cli_error("dates: %s needs a value", argv[a]);
                return EXIT_USAGE;
            }
            if (argv[a][2] == 'd') datadir = argv[a + 1];
            else run.pubarg = argv[a + 1];
            argv[a] = argv[a + 1] = NULL;
            a++;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("dates: unknown option '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        } else {
            run.nfiles++;
        }
    }
    if (run.pubarg && !ymd_parse_iso(run.pubarg, strlen(run.pubarg), &run.pubopt)) {
        cli_error("dates: --published '%s' is not a date YYYY-MM-DD", run.pubarg);
        return EXIT_USAGE;
    }
    if (run.nfiles == 0) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    char err[512];
    dates *dt = dates_load(cli_datadir(datadir), err, sizeof err);
    if (!dt) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    run.dt = dt;
    int status = cli_each_article(argc, argv, print_dates, &run);
    dates_free(dt);
    return status;
}
