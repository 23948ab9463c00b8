/* cmd_serve.c — `marsad serve`: the JSON API (docs/api.md) and the
 * dashboard over a store, on loopback by default, until SIGTERM or Ctrl-C. */
#include "cli.h"
#include "serve/serve.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad serve --db STORE [options]\n"
    "\n"
    "Serves the events of a store (filled by marsad ingest) over HTTP: a JSON\n"
    "API under /api/ (docs/api.md) and a dashboard at / (map of Libya and its\n"
    "neighbours, timeline, filters, table, sources with their evidence),\n"
    "Arabic with an English toggle. Nothing is loaded from the internet.\n"
    "Prints the URL on standard output, then serves until SIGTERM or Ctrl-C.\n"
    "\n"
    "options:\n"
    "  --db STORE          the store: a SQLite file or postgresql://... (a\n"
    "                      libpq URL), opened read-only; an ingest may run\n"
    "                      beside it\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0\n"
    "                      picks a free one; [::1]:8080 for IPv6). Listening\n"
    "                      beyond loopback exposes the store to the network\n"
    "  --web DIR           serve the dashboard's files from DIR (development)\n"
    "                      instead of the copy built into the program\n"
    "  --data DIR          data directory (boundaries, district and country\n"
    "                      names; default $MARSAD_DATA or the built-in one)\n"
    "  --threads N         worker threads (default twice the processors, 4-16)\n"
    "  --cache MB          memory for recent answers of the API, kept while the\n"
    "                      store's files are unchanged (default 64; 0: none;\n"
    "                      a PostgreSQL store is always asked)\n"
    "  --log               one line per request on standard error\n"
    "\n"
    "Exit status: 0 stopped by a signal, 1 the store, data or address could\n"
    "not be used, 2 usage error.\n";

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void log_line(void *ctx, const char *line) {
    pthread_mutex_lock(&log_mu);
    fprintf(stderr, "%s\n", line);
    pthread_mutex_unlock(&log_mu);
}

MARSAD_COMMAND(serve, "serve the HTTP API and dashboard over a store")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    serve_opts o;
    memset(&o, 0, sizeof o);
    const char *data = NULL, *threads_s = NULL, *cache_s = NULL;
    int log = 0;
    for (int a = 1; a < argc; a++) {
        const char *opt = argv[a];
        const char **dst = NULL;
        if (strcmp(opt, "--db") == 0) dst = &o.db;
        else if (strcmp(opt, "--listen") == 0) dst = &o.listen;
        else if (strcmp(opt, "--web") == 0) dst = &o.web_dir;
        else if (strcmp(opt, "--data") == 0) dst = &data;
        else if (strcmp(opt, "--threads") == 0) dst = &threads_s;
        else if (strcmp(opt, "--cache") == 0) dst = &cache_s;
        else if (strcmp(opt, "--log") == 0) { log = 1; continue; }
        else {
            cli_error("serve: unknown %s '%s' (see marsad serve --help)",
                      opt[0] == '-' ? "option" : "argument", opt);
            return EXIT_USAGE;
        }
        if (a + 1 >= argc) {
            cli_error("serve: %s needs a value", opt);
            return EXIT_USAGE;
        }
        *dst = argv[++a];
    }
    if (!o.db) {
        cli_error("serve: --db STORE is required");
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    if (threads_s) {
        char *end;
        long n = strtol(threads_s, &end, 10);
        if (*end || n < 1 || n > 256) {
            cli_error("serve: --threads takes a number from 1 to 256, not '%s'", threads_s);
            return EXIT_USAGE;
        }
        o.threads = (unsigned)n;
    }
    o.cache_mb = -1;
    if (cache_s) {
        char *end;
        long n = strtol(cache_s, &end, 10);
        if (*end || n < 0 || n > 65536) {
            cli_error("serve: --cache takes megabytes from 0 to 65536, not '%s'", cache_s);
            return EXIT_USAGE;
        }
        o.cache_mb = n;
    }
    o.datadir = cli_datadir(data);
    if (log) o.log = log_line;

    /* SIGTERM and SIGINT are taken by sigwait below: blocked here, before
     * the workers start, so that they inherit the mask and none of them
     * gets the signal. A closed client never kills the process. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[1024];
    serve *s = serve_start(&o, err, sizeof err);
    if (!s) {
        cli_error("serve: %s", err);
        return EXIT_INPUT;
    }
    printf("%s\n", serve_url(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    serve_stop(s);
    return EXIT_OK;
}
