/* cmd_worker.c — `marsad worker`: one of many workers sharing a PostgreSQL
 * store. It claims a batch of queued articles, extracts them on its
 * threads, stores them with the claim in one transaction, merges what is
 * ready in queue order, and goes on until the queue is empty (or, with
 * --follow, until stopped). docs/scaling.md. */
#include "cli.h"
#include "store/store.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: marsad worker --db postgresql://... --queue [options]\n"
    "\n"
    "Takes articles from the store's work queue (filled by marsad ingest\n"
    "--queue), extracts them and stores their mentions, then merges them into\n"
    "events in queue order. Run any number of workers, on any number of\n"
    "machines, against one PostgreSQL: each claims a batch nobody else holds;\n"
    "a worker killed at any moment loses nothing and stores nothing twice,\n"
    "and the events are those one worker would make.\n"
    "\n"
    "options:\n"
    "  --db URL          the store (postgresql://user@host:port/dbname)\n"
    "  --queue           take work from the queue (required)\n"
    "  --batch N         articles per claim and transaction (default 100)\n"
    "  --jobs N          extraction threads (default: the number of CPUs)\n"
    "  --follow          when the queue is empty, wait for more work instead\n"
    "                    of stopping; stop with Ctrl-C or SIGTERM\n"
    "  --data DIR        resource directory (default: $MARSAD_DATA or the\n"
    "                    build's data/)\n"
    "  --summary         print a summary line on standard error at the end\n"
    "  -v, --verbose     print each claim and commit, and extraction warnings\n"
    "\n"
    "Exit status: 0 the queue is done, 1 some articles failed (they are kept\n"
    "in the queue as failed) or the worker was interrupted, 2 usage error or\n"
    "the store cannot be opened.\n";

/* Batch commits that may fail in a row (a deadlock, a lost connection)
 * before the worker gives up. */
#define MAX_FAILURES 5

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

/* ---- extraction of one batch on the worker's threads ------------------------ */

typedef struct {
    const marsad_model *m;
    store_batch *b;
    store_doc **docs;
    size_t next, n;
    int verbose;
    size_t warnings, errors;
    pthread_mutex_t mu;
} batch_work;

static void on_diag(void *ctx, const char *file, size_t line, const char *msg) {
    batch_work *w = ctx;
    int warning = strncmp(msg, "warning:", 8) == 0;
    pthread_mutex_lock(&w->mu);
    if (warning) w->warnings++;
    else w->errors++;
    if (!warning || w->verbose) {
        cli_print_diag(file, line, msg);
    }
    pthread_mutex_unlock(&w->mu);
}

static void *extract_some(void *p) {
    batch_work *w = p;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        size_t i = w->next < w->n ? w->next++ : w->n;
        pthread_mutex_unlock(&w->mu);
        if (i >= w->n) break;
        int gen = 0;
        const marsad_article *a = store_batch_article(w->b, i, &gen);
        w->docs[i] = store_doc_new(w->m, a, gen, on_diag, w);
    }
    return NULL;
}

/* Fills docs[0..n) with the batch's extractions, on nthreads threads. */
static void extract_batch(batch_work *w, int nthreads) {
    pthread_t t[64];
    int started = 0;
    for (; started < nthreads - 1 && started < 64; started++)
        if (pthread_create(&t[started], NULL, extract_some, w) != 0) break;
    extract_some(w);
    for (int k = 0; k < started; k++) pthread_join(t[k], NULL);
}

/* ---- the command ------------------------------------------------------------ */

MARSAD_COMMAND(worker, "extract articles from a PostgreSQL store's work queue")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *db = NULL, *datadir = NULL, *jobs_s = NULL, *batch_s = NULL;
    int queue = 0, follow = 0, summary = 0, verbose = 0;
    const cli_option opts[] = {
        {"--db", NULL, &db, NULL},
        {"--data", NULL, &datadir, NULL},
        {"--jobs", NULL, &jobs_s, NULL},
        {"--batch", NULL, &batch_s, NULL},
        {"--queue", NULL, NULL, &queue},
        {"--follow", NULL, NULL, &follow},
        {"--summary", NULL, NULL, &summary},
        {"--verbose", "-v", NULL, &verbose},
        {NULL, NULL, NULL, NULL},
    };
    long jobs = sysconf(_SC_NPROCESSORS_ONLN), batch = 100;
    if (cli_parse_options("worker", argc, argv, opts, NULL, NULL) ||
        (jobs_s && cli_number_option("worker", "--jobs", jobs_s, 1, 64, &jobs)) ||
        (batch_s &&
         cli_number_option("worker", "--batch", batch_s, 1, 100000, &batch)))
        return EXIT_USAGE;
    if (jobs < 1) jobs = 1;
    if (!db || !queue) {
        cli_error(!db ? "worker: --db URL is required"
                      : "worker: --queue is required (the only source of work)");
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    char err[1024];
    store *st = store_open(db, 0, err, sizeof err);
    if (!st) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    store_queue_stats qs;
    if (store_queue_get_stats(st, &qs) != 0) {
        cli_error("%s", store_errmsg(st));
        store_close(st);
        return EXIT_USAGE;
    }
    marsad_model *m = marsad_model_load(cli_datadir(datadir), err, sizeof err);
    if (!m) {
        cli_error("%s", err);
        store_close(st);
        return EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    batch_work w;
    memset(&w, 0, sizeof w);
    w.m = m;
    w.verbose = verbose;
    pthread_mutex_init(&w.mu, NULL);
    w.docs = calloc((size_t)batch, sizeof *w.docs);
    double t0 = cli_now();
    size_t claimed = 0, stored = 0, merged = 0, batches = 0;
    double t_claim = 0, t_extract = 0, t_commit = 0, t_merge = 0, t;
    int rc = w.docs ? 0 : -1;
    long idle_ms = 0;
    int failures = 0; /* batch commits failed in a row */
    while (rc == 0 && !stop_flag) {
        t = cli_now();
        store_batch *b = store_claim(st, (size_t)batch);
        t_claim += cli_now() - t;
        if (!b) {
            cli_error("claim: %s", store_errmsg(st));
            rc = -1;
            break;
        }
        size_t n = store_batch_count(b);
        if (n == 0) {
            store_batch_free(b);
            size_t mg = 0;
            t = cli_now();
            if (store_merge_ready(st, 0, 1, &mg) != 0) {
                cli_error("merge: %s", store_errmsg(st));
                rc = -1;
                break;
            }
            t_merge += cli_now() - t;
            merged += mg;
            if (store_queue_get_stats(st, &qs) != 0) {
                cli_error("%s", store_errmsg(st));
                rc = -1;
                break;
            }
            /* work held by other workers may come back (a worker dies):
             * stop only when nothing is waiting, claimed or unmerged */
            if (!follow && qs.queued == 0 && qs.unmerged == 0) break;
            idle_ms = idle_ms ? (idle_ms * 2 > 1000 ? 1000 : idle_ms * 2) : 20;
            cli_sleep_ms(idle_ms);
            continue;
        }
        idle_ms = 0;
        batches++;
        claimed += n;
        if (verbose) {
            int g;
            fprintf(stderr, "worker %ld: claimed %zu articles, first %s\n",
                    (long)getpid(), n, store_batch_article(b, 0, &g)->id);
        }
        w.b = b;
        w.n = n;
        w.next = 0;
        memset(w.docs, 0, (size_t)batch * sizeof *w.docs);
        t = cli_now();
        extract_batch(&w, (int)jobs);
        t_extract += cli_now() - t;
        size_t ok = 0;
        t = cli_now();
        int crc = store_batch_commit(st, b, w.docs, &ok);
        t_commit += cli_now() - t;
        for (size_t i = 0; i < n; i++) store_doc_free(w.docs[i]);
        store_batch_free(b);
        if (crc != 0) {
            /* the claim returned to the queue: claim again, unless the
             * store keeps failing */
            cli_error("commit: %s", store_errmsg(st));
            if (++failures >= MAX_FAILURES) {
                rc = -1;
                break;
            }
            cli_sleep_ms(100L * failures);
            continue;
        }
        failures = 0;
        stored += ok;
        if (ok < n) w.errors += n - ok;
        if (verbose)
            fprintf(stderr, "worker %ld: committed %zu of %zu\n", (long)getpid(),
                    ok, n);
        size_t mg = 0;
        t = cli_now();
        if (store_merge_ready(st, 0, 0, &mg) != 0) {
            cli_error("merge: %s", store_errmsg(st));
            rc = -1;
            break;
        }
        t_merge += cli_now() - t;
        merged += mg;
    }
    double el = cli_now() - t0;
    if (summary)
        fprintf(stderr,
                "worker: %zu batches, %zu articles claimed, %zu stored, %zu "
                "merged, %.1f s, %.1f articles/s (claim %.1f s, extract %.1f s, "
                "store %.1f s, merge %.1f s, idle %.1f s)\n",
                batches, claimed, stored, merged, el,
                el > 0 ? (double)stored / el : 0.0, t_claim, t_extract, t_commit,
                t_merge, el - t_claim - t_extract - t_commit - t_merge);
    if (stop_flag && !follow)
        cli_error("worker: interrupted; claimed work not committed returns to "
                  "the queue");
    free(w.docs);
    pthread_mutex_destroy(&w.mu);
    store_close(st);
    marsad_model_free(m);
    if (rc != 0 || w.errors || (stop_flag && !follow)) return EXIT_INPUT;
    return EXIT_OK;
}
