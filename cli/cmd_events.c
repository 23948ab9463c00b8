/* cmd_events.c — `marsad events`: the merged events of a store, filtered,
 * as EVENTS.md records with all their sources; one event in detail; counts
 * per day, month, type or district. */
#include "cli.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad events --db STORE [options]\n"
    "\n"
    "Lists the events of a store (filled by marsad ingest): each one merges\n"
    "the mentions of every article that reports the same interaction, with\n"
    "the lowest credible casualty figures across sources (spec/EVENTS.md).\n"
    "\n"
    "options:\n"
    "  --db STORE          the store: a SQLite file, or postgresql://...\n"
    "                      (a libpq URL, e.g. postgresql://user@host/db)\n"
    "  --from DATE         events on or after DATE (YYYY-MM-DD)\n"
    "  --to DATE           events on or before DATE\n"
    "  --type T            an event type or sub-event type (any case):\n"
    "                      Battles, \"Suicide bomb\", ...\n"
    "  --actor TEXT        an actor whose name or Arabic mention holds TEXT\n"
    "  --place TEXT        a place, district (admin1) or country code\n"
    "                      holding TEXT\n"
    "  --min-fatalities N  at least N killed\n"
    "  --limit N, --offset N\n"
    "  --format F          jsonl (default: the EVENTS.md record plus\n"
    "                      nsources, nmentions and sources), csv, geojson or\n"
    "                      text\n"
    "  --id ID             one event (E12 or 12) with every source and its\n"
    "                      evidence\n"
    "  --by G              counts instead of events: day, month, type or\n"
    "                      district (TSV: key, events, killed, injured,\n"
    "                      captured)\n"
    "  -o, --output FILE   write there instead of standard output\n"
    "\n"
    "Exit status: 0 ok, 1 the store could not be read, 2 usage error.\n";

typedef struct {
    FILE *out;
    marsad_format fmt;
    int first;
    int failed;
} printer;

static int print_event(void *ctx, const store_event *ev) {
    printer *p = ctx;
    char *s = store_event_render(ev, p->fmt);
    if (!s) {
        p->failed = 1;
        return 1;
    }
    if (p->fmt == MARSAD_FORMAT_GEOJSON) {
        size_t n = strlen(s);
        while (n && s[n - 1] == '\n') s[--n] = '\0';
        if (n) {
            if (!p->first) fputs(",\n", p->out);
            fputs(s, p->out);
            p->first = 0;
        }
    } else {
        fputs(s, p->out);
    }
    free(s);
    return 0;
}

static int valid_date(const char *d) {
    return strlen(d) == 10 && d[4] == '-' && d[7] == '-';
}

MARSAD_COMMAND(events, "list merged events from a store (filters, formats)")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *db = NULL, *format = "jsonl", *output = NULL, *id_s = NULL;
    const char *by = NULL, *minf = NULL, *limit_s = NULL, *offset_s = NULL;
    store_filter f;
    memset(&f, 0, sizeof f);
    for (int a = 1; a < argc; a++) {
        const char *o = argv[a];
        const char **dst = NULL;
        if (strcmp(o, "--db") == 0) dst = &db;
        else if (strcmp(o, "--from") == 0) dst = &f.from;
        else if (strcmp(o, "--to") == 0) dst = &f.to;
        else if (strcmp(o, "--type") == 0) dst = &f.type;
        else if (strcmp(o, "--actor") == 0) dst = &f.actor;
        else if (strcmp(o, "--place") == 0) dst = &f.place;
        else if (strcmp(o, "--min-fatalities") == 0) dst = &minf;
        else if (strcmp(o, "--limit") == 0) dst = &limit_s;
        else if (strcmp(o, "--offset") == 0) dst = &offset_s;
        else if (strcmp(o, "--format") == 0) dst = &format;
        else if (strcmp(o, "--id") == 0) dst = &id_s;
        else if (strcmp(o, "--by") == 0) dst = &by;
        else if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0) dst = &output;
        else {
            cli_error("events: unknown %s '%s' (see marsad events --help)",
                      o[0] == '-' ? "option" : "argument", o);
            return EXIT_USAGE;
        }
        if (a + 1 >= argc) {
            cli_error("events: %s needs a value", o);
            return EXIT_USAGE;
        }
        *dst = argv[++a];
    }
    if (!db) {
        cli_error("events: --db STORE is required");
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    if ((f.from && !valid_date(f.from)) || (f.to && !valid_date(f.to))) {
        cli_error("events: --from and --to take YYYY-MM-DD");
        return EXIT_USAGE;
    }
    char *end;
    struct { const char *s; const char *name; long *v; } nums[] = {
        {minf, "--min-fatalities", &f.min_fatalities},
    };
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (nums[i].s && ((*nums[i].v = strtol(nums[i].s, &end, 10)) < 0 || *end)) {
            cli_error("events: %s takes a number, not '%s'", nums[i].name, nums[i].s);
            return EXIT_USAGE;
        }
    long lim = 0, off = 0;
    if ((limit_s && ((lim = strtol(limit_s, &end, 10)) < 0 || *end)) ||
        (offset_s && ((off = strtol(offset_s, &end, 10)) < 0 || *end))) {
        cli_error("events: --limit and --offset take numbers");
        return EXIT_USAGE;
    }
    f.limit = (size_t)lim;
    f.offset = (size_t)off;
    marsad_format fmt;
    if (strcmp(format, "jsonl") == 0) fmt = MARSAD_FORMAT_JSONL;
    else if (strcmp(format, "csv") == 0) fmt = MARSAD_FORMAT_CSV;
    else if (strcmp(format, "geojson") == 0) fmt = MARSAD_FORMAT_GEOJSON;
    else if (strcmp(format, "text") == 0) fmt = MARSAD_FORMAT_TEXT;
    else {
        cli_error("events: --format must be jsonl, csv, geojson or text, not '%s'", format);
        return EXIT_USAGE;
    }
    store_group group = STORE_BY_DAY;
    if (by) {
        if (strcmp(by, "day") == 0) group = STORE_BY_DAY;
        else if (strcmp(by, "month") == 0) group = STORE_BY_MONTH;
        else if (strcmp(by, "type") == 0) group = STORE_BY_TYPE;
        else if (strcmp(by, "district") == 0 || strcmp(by, "admin1") == 0)
            group = STORE_BY_ADMIN1;
        else {
            cli_error("events: --by must be day, month, type or district, not '%s'", by);
            return EXIT_USAGE;
        }
    }
    long long id = 0;
    if (id_s) {
        const char *p = id_s[0] == 'E' || id_s[0] == 'e' ? id_s + 1 : id_s;
        id = strtoll(p, &end, 10);
        if (id <= 0 || *end) {
            cli_error("events: --id takes an event id like E12, not '%s'", id_s);
            return EXIT_USAGE;
        }
    }
    char err[1024];
    store *st = store_open(db, STORE_READONLY, err, sizeof err);
    if (!st) {
        cli_error("%s", err);
        return EXIT_INPUT;
    }
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        cli_error("%s: cannot write", output);
        store_close(st);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    printer p = {out, fmt, 1, 0};
    if (by) {
        store_bucket *b;
        size_t n;
        if (store_aggregate(st, &f, group, &b, &n) != 0) {
            cli_error("%s", store_errmsg(st));
            rc = EXIT_INPUT;
        } else {
            fputs("key\tevents\tkilled\tinjured\tcaptured\n", out);
            for (size_t i = 0; i < n; i++)
                fprintf(out, "%s\t%ld\t%ld\t%ld\t%ld\n", b[i].key, b[i].events,
                        b[i].fatalities, b[i].injured, b[i].captured);
            free(b);
        }
    } else {
        if (fmt == MARSAD_FORMAT_CSV) fputs(marsad_csv_header(), out);
        if (fmt == MARSAD_FORMAT_GEOJSON) fputs(marsad_geojson_open(), out);
        if (id) {
            store_event *ev = store_event_get(st, id);
            if (!ev) {
                cli_error("%s", store_errmsg(st));
                rc = EXIT_INPUT;
            } else {
                print_event(&p, ev);
                store_event_free(ev);
            }
        } else if (store_events_each(st, &f, 0, print_event, &p) < 0) {
            cli_error("%s", store_errmsg(st));
            rc = EXIT_INPUT;
        }
        if (p.failed) {
            cli_error("events: out of memory");
            rc = EXIT_INPUT;
        }
        if (fmt == MARSAD_FORMAT_GEOJSON) {
            if (!p.first) fputc('\n', out);
            fputs(marsad_geojson_close(), out);
        }
    }
    if (out != stdout) fclose(out);
    else fflush(stdout);
    store_close(st);
    return rc;
}
