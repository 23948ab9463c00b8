/* cmd_read.c — `marsad read PATH...`: the articles the reader finds (text,
 * HTML, JSON Lines, WARC, gzip'd, folders) as JSON Lines, to see what
 * extraction will be given. */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad read [options] PATH...\n"
    "\n"
    "Prints each article read from PATH as one JSON object per line: id,\n"
    "published, source, url, title and text (the text extraction reads, its\n"
    "offsets are evidence offsets). PATH is a folder, a .txt (+ .json\n"
    "metadata), .html, .jsonl or .warc file, any of them .gz, or - for\n"
    "standard input (see marsad extract --help).\n"
    "\n"
    "options:\n"
    "  --keep-boilerplate  do not blank share/print/\"read also\"/paywall lines\n"
    "                      of text input\n"
    "  --stats             print counts (articles, errors, skipped WARC records,\n"
    "                      blanked and dropped lines) on standard error\n"
    "  --data DIR          resource directory (boilerplate.tsv)\n";

typedef struct {
    size_t errors;
} read_diag;

static void on_diag(void *ctx, const char *file, size_t line, const char *msg) {
    read_diag *d = ctx;
    if (strncmp(msg, "warning:", 8) != 0) d->errors++;
    cli_print_diag(file, line, msg);
}

static void put(json_t *o, const char *key, const char *v) {
    if (v) json_object_set_new(o, key, json_string(v));
    else json_object_set_new(o, key, json_null());
}

MARSAD_COMMAND(read, "print the articles read from files (text, HTML, WARC, ...)")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    marsad_reader_options opt = {NULL, 0, 0};
    int stats = 0, npaths = 0;
    const char *datadir = NULL;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--keep-boilerplate") == 0) opt.keep_boilerplate = 1;
        else if (strcmp(argv[a], "--stats") == 0) stats = 1;
        else if (strcmp(argv[a], "--data") == 0 && a + 1 < argc) datadir = argv[++a];
        else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("read: unknown option '%s' (see marsad read --help)", argv[a]);
            return EXIT_USAGE;
        } else {
            npaths++;
        }
    }
    if (npaths == 0) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    opt.datadir = cli_datadir(datadir);
    read_diag d = {0};
    marsad_reader_stats total = {0};
    int opened = 0;
    for (int a = 1; a < argc; a++) {
        const char *p = argv[a];
        if (strcmp(p, "--data") == 0) {
            a++;
            continue;
        }
        if (p[0] == '-' && p[1] != '\0') continue;
        marsad_reader *r = marsad_reader_open_ex(p, &opt, on_diag, &d);
        if (!r) continue;
        opened++;
        const marsad_article *art;
        while ((art = marsad_reader_next(r)) != NULL) {
            json_t *o = json_object();
            put(o, "id", art->id);
            put(o, "published", art->published);
            put(o, "source", art->source);
            put(o, "url", art->url);
            put(o, "title", art->title);
            /* the text may hold invalid UTF-8: print it cleaned */
            size_t cl;
            char *clean = marsad_utf8_sanitize(art->text, art->text_len, &cl, NULL);
            json_object_set_new(o, "text", clean ? json_stringn(clean, cl) : json_null());
            free(clean);
            char *s = json_dumps(o, JSON_COMPACT);
            if (s) puts(s);
            free(s);
            json_decref(o);
        }
        marsad_reader_stats st;
        marsad_reader_get_stats(r, &st);
        total.articles += st.articles;
        total.errors += st.errors;
        total.warnings += st.warnings;
        total.records_skipped += st.records_skipped;
        total.lines_blanked += st.lines_blanked;
        total.lines_dropped += st.lines_dropped;
        marsad_reader_free(r);
    }
    if (stats)
        fprintf(stderr,
                "marsad: read %zu articles; %zu errors, %zu warnings; %zu WARC records "
                "skipped; %zu boilerplate lines blanked, %zu page lines dropped\n",
                total.articles, total.errors, total.warnings, total.records_skipped,
                total.lines_blanked, total.lines_dropped);
    if (!opened) return EXIT_USAGE;
    return d.errors ? EXIT_INPUT : EXIT_OK;
}
