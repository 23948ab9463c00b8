/* cmd_extract.c — `marsad extract`: articles in, event records out. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char USAGE[] =
    "usage: marsad extract [options] PATH...\n"
    "\n"
    "Reads articles and writes conflict events (spec/EVENTS.md).\n"
    "PATH is a .txt file (with optional NAME.json metadata beside it), an\n"
    ".html/.htm page (title, date, site and main text are extracted), a\n"
    "JSON Lines file (.jsonl: one article per line, text in \"text\"), a\n"
    ".warc crawl (each HTML response is an article), any of these gzip'd\n"
    "(.gz), a folder of them (sub-folders too), or - for standard input.\n"
    "Lines of text input that are page furniture (share/print buttons,\n"
    "\"read also\" lists, paywall and contact notices) are blanked with\n"
    "spaces, so evidence offsets still point into the original text.\n"
    "\n"
    "options:\n"
    "  --format F        jsonl (default), csv (ACLED columns + injured,\n"
    "                    captured, evidence), geojson (FeatureCollection)\n"
    "                    or text (one readable line per event)\n"
    "  -o, --output FILE write there instead of standard output\n"
    "  --published DATE  publication date (YYYY-MM-DD) for every article,\n"
    "                    overriding metadata\n"
    "  --level L         events (default: one per place per day) or mentions\n"
    "                    (every sentence-level event mention)\n"
    "  --data DIR        resource directory (default: $MARSAD_DATA or the\n"
    "                    build's data/)\n"
    "  -j, --threads N   extract on N threads (default 1; 0: one per CPU);\n"
    "                    the output is the same, in the same order\n"
    "  --keep-boilerplate  leave furniture lines of text input as they are\n"
    "\n"
    "Problems are reported on standard error as FILE:LINE: message; the\n"
    "rest of the input is still processed. Exit status: 0 ok, 1 some input\n"
    "could not be read, 2 usage error.\n";

typedef struct {
    size_t errors, warnings;
} diag_count;

static void on_diag(void *ctx, const char *file, size_t line, const char *msg) {
    diag_count *d = ctx;
    if (strncmp(msg, "warning:", 8) == 0) d->warnings++;
    else d->errors++;
    cli_print_diag(file, line, msg);
}

/* What every worker reads (read-only while extraction runs), and what the
 * sink, one call at a time, writes. */
typedef struct {
    const marsad_model *m;
    const char *published;
    int level;
    marsad_format fmt;
    FILE *out;
    int first_feature;
    int write_errno;       /* the first write that failed */
} run_ctx;

/* On a worker: one article to its rendered events. */
static void *extract_one(void *ctx, const marsad_article *a,
                         marsad_diag_fn diag, void *dctx) {
    const run_ctx *rc = ctx;
    marsad_article art = *a;
    if (rc->published) art.published = rc->published;
    marsad_events *ev = marsad_extract(rc->m, &art, rc->level, diag, dctx);
    if (!ev) {
        diag(dctx, art.id ? art.id : "article", 0, "out of memory");
        return NULL;
    }
    char *s = marsad_events_render(ev, rc->fmt, 0);
    marsad_events_free(ev);
    return s;
}

/* In input order, one call at a time: writes one article's events. */
static void write_one(void *ctx, void *result) {
    run_ctx *rc = ctx;
    char *s = result;
    if (s && rc->fmt == MARSAD_FORMAT_GEOJSON) {
        for (char *line = s, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl) break;
            if (!rc->first_feature) fputs(",\n", rc->out);
            fwrite(line, 1, (size_t)(nl - line), rc->out);
            rc->first_feature = 0;
        }
    } else if (s) {
        fputs(s, rc->out);
    }
    free(s);
    if (!rc->write_errno && ferror(rc->out)) rc->write_errno = errno ? errno : EIO;
}

/* "-j4", or "-j"/"--threads" with the count in the next argument. */
static int thread_option(int argc, char **argv, int *a, int *threads) {
    const char *o = argv[*a], *v;
    if (strncmp(o, "-j", 2) == 0 && o[2]) v = o + 2;
    else if (strcmp(o, "-j") == 0 || strcmp(o, "--threads") == 0) {
        if (*a + 1 >= argc) return -1;
        v = argv[++*a];
    } else {
        return 0;
    }
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < 0 || n > 1024) return -1;
    *threads = (int)n;
    return 1;
}

MARSAD_COMMAND(extract, "extract events from articles (jsonl, csv, geojson)")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *format = "jsonl", *output = NULL, *published = NULL;
    const char *datadir = NULL, *level_s = "events";
    const char **paths = calloc((size_t)argc, sizeof *paths);
    int npaths = 0, threads = 1, keep_boilerplate = 0;
    for (int a = 1; a < argc; a++) {
        const char *o = argv[a];
        const char **dst = NULL;
        int t = thread_option(argc, argv, &a, &threads);
        if (t < 0) {
            cli_error("extract: %s needs a thread count (0 to 1024)", o);
            free(paths);
            return EXIT_USAGE;
        }
        if (t > 0) continue;
        if (strcmp(o, "--keep-boilerplate") == 0) {
            keep_boilerplate = 1;
            continue;
        }
        if (strcmp(o, "--format") == 0) dst = &format;
        else if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0) dst = &output;
        else if (strcmp(o, "--published") == 0) dst = &published;
        else if (strcmp(o, "--level") == 0) dst = &level_s;
        else if (strcmp(o, "--data") == 0) dst = &datadir;
        else if (o[0] == '-' && o[1] != '\0') {
            cli_error("extract: unknown option '%s' (see marsad extract --help)", o);
            free(paths);
            return EXIT_USAGE;
        } else {
            paths[npaths++] = o;
            continue;
        }
        if (a + 1 >= argc) {
            cli_error("extract: %s needs a value", o);
            free(paths);
            return EXIT_USAGE;
        }
        *dst = argv[++a];
    }
    marsad_format fmt;
    if (strcmp(format, "jsonl") == 0) fmt = MARSAD_FORMAT_JSONL;
    else if (strcmp(format, "csv") == 0) fmt = MARSAD_FORMAT_CSV;
    else if (strcmp(format, "geojson") == 0) fmt = MARSAD_FORMAT_GEOJSON;
    else if (strcmp(format, "text") == 0) fmt = MARSAD_FORMAT_TEXT;
    else {
        cli_error("extract: --format must be jsonl, csv, geojson or text, not '%s'", format);
        free(paths);
        return EXIT_USAGE;
    }
    int level;
    if (strcmp(level_s, "events") == 0) level = MARSAD_LEVEL_EVENTS;
    else if (strcmp(level_s, "mentions") == 0) level = MARSAD_LEVEL_MENTIONS;
    else {
        cli_error("extract: --level must be events or mentions, not '%s'", level_s);
        free(paths);
        return EXIT_USAGE;
    }
    if (published && (strlen(published) < 10 || published[4] != '-' ||
                      published[7] != '-')) {
        cli_error("extract: --published must be YYYY-MM-DD, not '%s'", published);
        free(paths);
        return EXIT_USAGE;
    }
    if (npaths == 0) {
        fputs(USAGE, stderr);
        free(paths);
        return EXIT_USAGE;
    }
    char err[1024];
    marsad_model *m = marsad_model_load(cli_datadir(datadir), err, sizeof err);
    if (!m) {
        cli_error("%s", err);
        free(paths);
        return EXIT_USAGE;
    }
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        cli_error("%s: cannot write", output);
        marsad_model_free(m);
        free(paths);
        return EXIT_USAGE;
    }
    /* Into a file, output goes in blocks of 1 MB: with stdio's default of a
     * few KB, each article's records were a write() of their own, and
     * those system calls took a tenth of the time. (Writing each thread's
     * records from its own memory with writev(2), rather than copying them
     * into this one buffer from whichever thread's turn it is, was 3%
     * slower at -j2.) A pipe or a terminal keeps stdio's default, so that a
     * reader downstream gets records as they come. */
    static char outbuf[1 << 20]; /* static: stdout outlives this call */
    struct stat ost;
    if (fstat(fileno(out), &ost) == 0 && S_ISREG(ost.st_mode))
        setvbuf(out, outbuf, _IOFBF, sizeof outbuf);
    diag_count dc = {0, 0};
    run_ctx rc = {m, published, level, fmt, out, 1, 0};
    if (fmt == MARSAD_FORMAT_CSV) fputs(marsad_csv_header(), out);
    if (fmt == MARSAD_FORMAT_GEOJSON) fputs(marsad_geojson_open(), out);
    marsad_reader_options ropt = {cli_datadir(datadir), keep_boilerplate, 1};
    marsad_status st = marsad_run_articles_ex(paths, (size_t)npaths, &ropt, threads, 0,
                                              extract_one, write_one, &rc,
                                              on_diag, &dc);
    if (st != MARSAD_OK) {
        cli_error("extract: cannot start %d threads", threads);
        dc.errors++;
    }
    if (fmt == MARSAD_FORMAT_GEOJSON) {
        if (!rc.first_feature) fputc('\n', out);
        fputs(marsad_geojson_close(), out);
    }
    int werr = rc.write_errno;
    errno = 0;
    if ((fflush(out) != 0 || ferror(out)) && !werr) werr = errno ? errno : EIO;
    if (out != stdout && fclose(out) != 0 && !werr) werr = errno ? errno : EIO;
    if (werr) {
        cli_error("%s: cannot write: %s", output ? output : "standard output",
                  strerror(werr));
        dc.errors++;
    }
    marsad_model_free(m);
    free(paths);
    return dc.errors ? EXIT_INPUT : EXIT_OK;
}
