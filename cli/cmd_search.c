/* cmd_search.c — `marsad search`: Arabic full-text search over the articles
 * of a store, ranked (bm25), with highlighted snippets. */
#include "cli.h"
#include "store/store.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: marsad search --db STORE [options] QUERY...\n"
    "\n"
    "Finds the articles holding every word of QUERY, best first (bm25, title\n"
    "words count double), with the passage around the matches. Arabic is\n"
    "matched after folding (hamza forms, ta marbuta, alif maqsura, diacritics)\n"
    "and clitic stripping: مصراتة finds ومصراته and بمصراتة, قتلى finds القتلى.\n"
    "\n"
    "options:\n"
    "  --db STORE        the store: a SQLite file, or postgresql://...\n"
    "                    (a libpq URL, e.g. postgresql://user@host/db)\n"
    "  --from DATE       published on or after DATE (YYYY-MM-DD)\n"
    "  --to DATE         published on or before DATE\n"
    "  --source NAME     only articles from this outlet\n"
    "  --limit N         at most N results (default 10)\n"
    "  --offset N        skip the first N results\n"
    "  --no-duplicates   leave out near-copies of other articles\n"
    "  --raw             QUERY is FTS5 syntax (OR, NOT, \"phrases\", NEAR)\n"
    "  --format F        text (default) or jsonl\n"
    "\n"
    "Matches are marked [like this] (in colour on a terminal).\n"
    "Exit status: 0 results found, 1 none (or the store could not be read),\n"
    "2 usage error.\n";

static int valid_date(const char *d) {
    return strlen(d) == 10 && d[4] == '-' && d[7] == '-';
}

MARSAD_COMMAND(search, "search the articles of a store (Arabic-aware)")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *db = NULL, *format = "text", *limit_s = NULL, *offset_s = NULL;
    store_search_opts o;
    memset(&o, 0, sizeof o);
    size_t qcap = 1;
    for (int a = 1; a < argc; a++) qcap += strlen(argv[a]) + 1;
    char *query = calloc(qcap, 1);
    if (!query) {
        cli_error("search: out of memory");
        return EXIT_USAGE;
    }
    for (int a = 1; a < argc; a++) {
        const char *opt = argv[a];
        const char **dst = NULL;
        if (strcmp(opt, "--db") == 0) dst = &db;
        else if (strcmp(opt, "--from") == 0) dst = &o.from;
        else if (strcmp(opt, "--to") == 0) dst = &o.to;
        else if (strcmp(opt, "--source") == 0) dst = &o.source;
        else if (strcmp(opt, "--limit") == 0) dst = &limit_s;
        else if (strcmp(opt, "--offset") == 0) dst = &offset_s;
        else if (strcmp(opt, "--format") == 0) dst = &format;
        else if (strcmp(opt, "--raw") == 0) { o.raw = 1; continue; }
        else if (strcmp(opt, "--no-duplicates") == 0) { o.exclude_duplicates = 1; continue; }
        else if (opt[0] == '-' && opt[1] == '-' && opt[2] != '\0') {
            cli_error("search: unknown option '%s' (see marsad search --help)", opt);
            free(query);
            return EXIT_USAGE;
        } else {
            if (*query) strcat(query, " ");
            strcat(query, opt);
            continue;
        }
        if (a + 1 >= argc) {
            cli_error("search: %s needs a value", opt);
            free(query);
            return EXIT_USAGE;
        }
        *dst = argv[++a];
    }
    int jsonl = strcmp(format, "jsonl") == 0;
    if (!jsonl && strcmp(format, "text") != 0) {
        cli_error("search: --format must be text or jsonl, not '%s'", format);
        free(query);
        return EXIT_USAGE;
    }
    if ((o.from && !valid_date(o.from)) || (o.to && !valid_date(o.to))) {
        cli_error("search: --from and --to take YYYY-MM-DD");
        free(query);
        return EXIT_USAGE;
    }
    char *end;
    long lim = 10, off = 0;
    if ((limit_s && ((lim = strtol(limit_s, &end, 10)) < 1 || *end)) ||
        (offset_s && ((off = strtol(offset_s, &end, 10)) < 0 || *end))) {
        cli_error("search: --limit takes a positive number, --offset a number");
        free(query);
        return EXIT_USAGE;
    }
    o.limit = (size_t)lim;
    o.offset = (size_t)off;
    if (!db || !*query) {
        cli_error(!db ? "search: --db STORE is required" : "search: no query");
        fputs(USAGE, stderr);
        free(query);
        return EXIT_USAGE;
    }
    int colour = !jsonl && isatty(1);
    o.mark_open = colour ? "\033[1;31m" : "[";
    o.mark_close = colour ? "\033[0m" : "]";
    char err[1024];
    store *st = store_open(db, STORE_READONLY, err, sizeof err);
    if (!st) {
        cli_error("%s", err);
        free(query);
        return EXIT_INPUT;
    }
    store_hits *h = store_search(st, query, &o);
    if (!h) {
        cli_error("%s", store_errmsg(st));
        store_close(st);
        free(query);
        return EXIT_INPUT;
    }
    for (size_t i = 0; i < store_hits_count(h); i++) {
        const store_hit *x = store_hits_get(h, i);
        if (jsonl) {
            json_t *j = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:f, s:s?}",
                                  "rank", (json_int_t)(o.offset + i + 1),
                                  "doc_id", x->doc_id, "title", x->title,
                                  "published", x->published, "source", x->source,
                                  "url", x->url, "score", x->score,
                                  "snippet", x->snippet);
            if (x->duplicate_of)
                json_object_set_new(j, "duplicate_of", json_integer(x->duplicate_of));
            char *s = j ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
            if (s) printf("%s\n", s);
            free(s);
            json_decref(j);
            continue;
        }
        printf("%zu. ", o.offset + i + 1);
        const char *t = x->title ? x->title : x->doc_id;
        cli_put_clean(stdout, t, strlen(t));
        printf("\n   %s | %s | %s | score %.2f%s\n   ",
               x->published ? x->published : "(no date)",
               x->source ? x->source : "(no source)", x->doc_id, x->score,
               x->duplicate_of ? " | near-copy" : "");
        /* the snippet on one line; the colour escapes stay */
        for (const char *c = x->snippet ? x->snippet : ""; *c; c++)
            putchar(*c == '\n' || *c == '\r' || *c == '\t' ? ' ' : *c);
        printf("\n");
    }
    int found = store_hits_count(h) > 0;
    store_hits_free(h);
    store_close(st);
    free(query);
    fflush(stdout);
    return found ? EXIT_OK : EXIT_INPUT;
}
