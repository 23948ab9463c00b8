/* cmd_ingest.c — `marsad ingest`: articles into a store, extracted in
 * worker threads and written in input order, one transaction per batch;
 * --follow keeps watching folders (inotify) for new files. */
#include "cli.h"
#include "store/store.h"

#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: marsad ingest --db STORE [options] PATH...\n"
    "\n"
    "Reads articles, extracts their event mentions and keeps them in a store:\n"
    "articles, sentences, mentions with claims and evidence, events merged\n"
    "across sources, near-duplicate links and an Arabic full-text index.\n"
    "PATH is a folder of NAME.txt (+ NAME.json), a .txt file, a .jsonl file or\n"
    "- (JSON Lines on standard input). Ingesting the same content again changes\n"
    "nothing; an article whose text or metadata changed replaces its mentions.\n"
    "A killed ingest loses nothing committed: run it again to complete it.\n"
    "\n"
    "options:\n"
    "  --db STORE        the store: a SQLite file path (created if missing),\n"
    "                    or postgresql://user@host/db (a libpq URL; the\n"
    "                    database must exist, its tables are created);\n"
    "                    several ingests may write one PostgreSQL store\n"
    "  --queue           queue the articles for `marsad worker` instead of\n"
    "                    extracting them here (a PostgreSQL store;\n"
    "                    docs/scaling.md)\n"
    "  --follow          after the PATHs, keep watching the folders among them\n"
    "                    and ingest each new or rewritten file once it is\n"
    "                    complete; stop with Ctrl-C or SIGTERM\n"
    "  --jobs N          extraction threads (default: the number of CPUs)\n"
    "  --batch N         articles per transaction (default 200)\n"
    "  --published DATE  publication date for every article (YYYY-MM-DD)\n"
    "  --data DIR        resource directory (default: $MARSAD_DATA or the\n"
    "                    build's data/)\n"
    "  --summary         print a summary line on standard error at the end\n"
    "  --check           ingest nothing: verify the store (database integrity,\n"
    "                    search index, event counts), print ok or the problem\n"
    "  -v, --verbose     also print extraction warnings\n"
    "  -q, --quiet       no progress line\n"
    "\n"
    "On a terminal a progress line shows articles done/total, articles/s,\n"
    "events and the time left; in a pipe only errors are printed.\n"
    "Exit status: 0 ok, 1 some input could not be read or stored (or\n"
    "interrupted), 2 usage error or the store cannot be opened.\n";

/* ---- state ------------------------------------------------------------------ */

enum { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

typedef struct {
    marsad_article art;
    int id_generated;
    store_doc *doc;
    int state;
} job;

typedef struct {
    const marsad_model *m;
    store *st;
    const char *published;
    int verbose;
    int queue;  /* --queue: add to the work queue, extract nothing */
    /* the pipeline: jobs [head, tail) in input order; workers take them from
     * next_run; the main thread writes them from head */
    job *ring;
    size_t cap, head, tail, next_run;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    int quit;
    pthread_t *threads;
    int nthreads;
    /* batches */
    size_t batch, batch_count;
    int in_batch;
    double last_commit;
    /* counters */
    size_t total, seen, added, replaced, unchanged, dups, mentions, events;
    size_t errors, warnings;
    double t0, last_progress;
    int progress; /* print a progress line (stderr is a terminal) */
    int shown;    /* a progress line is on screen */
    pthread_mutex_t diag_mu;
} ingest;

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

static void clear_progress(ingest *g) {
    if (g->shown) {
        fputs("\r\033[K", stderr);
        g->shown = 0;
    }
}

/* Problems from the reader and extraction (any thread). */
static void on_diag(void *ctx, const char *file, size_t line, const char *msg) {
    ingest *g = ctx;
    int warning = strncmp(msg, "warning:", 8) == 0;
    pthread_mutex_lock(&g->diag_mu);
    if (warning) g->warnings++;
    else g->errors++;
    if (!warning || g->verbose) {
        clear_progress(g);
        cli_print_diag(file, line, msg);
    }
    pthread_mutex_unlock(&g->diag_mu);
}

static void store_error(ingest *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void store_error(ingest *g, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&g->diag_mu);
    clear_progress(g);
    fputs("marsad: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    g->errors++;
    pthread_mutex_unlock(&g->diag_mu);
    va_end(ap);
}

static void show_progress(ingest *g, int force) {
    if (!g->progress) return;
    double t = cli_now();
    if (!force && t - g->last_progress < 0.2) return;
    g->last_progress = t;
    double el = t - g->t0, rate = el > 0 ? (double)g->seen / el : 0;
    char eta[32] = "";
    if (g->total > g->seen && rate > 0) {
        long s = (long)((double)(g->total - g->seen) / rate + 0.5);
        snprintf(eta, sizeof eta, ", ETA %ldm%02lds", s / 60, s % 60);
    }
    char tot[32] = "";
    if (g->total) snprintf(tot, sizeof tot, "/%zu", g->total);
    pthread_mutex_lock(&g->diag_mu);
    fprintf(stderr, "\r\033[Kingest: %zu%s articles, %.1f articles/s, %zu events%s",
            g->seen, tot, rate, g->events, eta);
    g->shown = 1;
    pthread_mutex_unlock(&g->diag_mu);
}

/* ---- jobs -------------------------------------------------------------------- */

static char *dupn(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void job_clear(job *j) {
    free((char *)j->art.id);
    free((char *)j->art.text);
    free((char *)j->art.published);
    free((char *)j->art.source);
    free((char *)j->art.url);
    free((char *)j->art.title);
    store_doc_free(j->doc);
    memset(j, 0, sizeof *j);
}

static int job_fill(job *j, const marsad_article *a, int id_generated) {
    memset(j, 0, sizeof *j);
    j->art.text_len = a->text ? a->text_len : 0;
    j->art.text = dupn(a->text ? a->text : "", j->art.text_len);
    j->art.id = a->id ? strdup(a->id) : NULL;
    j->art.published = a->published ? strdup(a->published) : NULL;
    j->art.source = a->source ? strdup(a->source) : NULL;
    j->art.url = a->url ? strdup(a->url) : NULL;
    j->art.title = a->title ? strdup(a->title) : NULL;
    j->id_generated = id_generated;
    if (!j->art.text || (a->id && !j->art.id) ||
        (a->published && !j->art.published) || (a->source && !j->art.source) ||
        (a->url && !j->art.url) || (a->title && !j->art.title)) {
        job_clear(j);
        return -1;
    }
    return 0;
}

static void *worker(void *p) {
    ingest *g = p;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->quit && g->next_run == g->tail)
            pthread_cond_wait(&g->work, &g->mu);
        if (g->quit) break;
        job *j = &g->ring[g->next_run++ % g->cap];
        j->state = JOB_RUNNING;
        pthread_mutex_unlock(&g->mu);
        store_doc *d = store_doc_new(g->m, &j->art, j->id_generated, on_diag, g);
        pthread_mutex_lock(&g->mu);
        j->doc = d;
        j->state = JOB_DONE;
        pthread_cond_broadcast(&g->done);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static int commit(ingest *g) {
    if (!g->in_batch) return 0;
    g->in_batch = 0;
    g->last_commit = cli_now();
    if (store_commit(g->st)) {
        store_error(g, "commit: %s", store_errmsg(g->st));
        return -1;
    }
    return 0;
}

/* Opens the batch's transaction unless one is open. -1 when the store
 * fails (reported). */
static int batch_begin(ingest *g) {
    if (g->in_batch) return 0;
    if (store_begin(g->st)) {
        store_error(g, "%s", store_errmsg(g->st));
        return -1;
    }
    g->in_batch = 1;
    g->batch_count = 0;
    return 0;
}

/* Writes a done job into the store. Returns -1 when the store fails as a
 * whole (a commit), 0 otherwise (an article that fails is reported). */
static int write_job(ingest *g, job *j) {
    g->seen++;
    if (!j->doc) {
        store_error(g, "%s: out of memory", j->art.id ? j->art.id : "article");
        return 0;
    }
    if (batch_begin(g)) return -1;
    store_put_result r;
    if (store_put(g->st, j->doc, &r) != 0) {
        store_error(g, "%s", store_errmsg(g->st));
    } else {
        if (r.action == STORE_ADDED) g->added++;
        else if (r.action == STORE_REPLACED) g->replaced++;
        else g->unchanged++;
        if (r.action != STORE_UNCHANGED && r.duplicate_of) g->dups++;
        g->mentions += r.mentions;
        g->events += r.events_created;
    }
    int rc = 0;
    if (++g->batch_count >= g->batch || cli_now() - g->last_commit > 1.0)
        rc = commit(g);
    show_progress(g, 0);
    return rc;
}

/* --queue: adds one article to the work queue. Returns -1 when the store
 * fails as a whole. */
static int enqueue(ingest *g, const marsad_article *a, int gen) {
    g->seen++;
    if (batch_begin(g)) return -1;
    int queued = 0;
    if (store_enqueue(g->st, a, gen, &queued) != 0) {
        store_error(g, "%s: %s", a->id ? a->id : "article", store_errmsg(g->st));
        return -1;
    }
    if (queued) g->added++;
    else g->unchanged++;
    int rc = 0;
    if (++g->batch_count >= g->batch || cli_now() - g->last_commit > 1.0)
        rc = commit(g);
    show_progress(g, 0);
    return rc;
}

/* Waits for the oldest pending job, writes it and frees its slot. */
static int write_oldest(ingest *g) {
    job *j = &g->ring[g->head % g->cap];
    if (g->nthreads) {
        pthread_mutex_lock(&g->mu);
        while (j->state != JOB_DONE) pthread_cond_wait(&g->done, &g->mu);
        pthread_mutex_unlock(&g->mu);
    }
    int rc = write_job(g, j);
    job_clear(j);
    g->head++;
    return rc;
}

/* Ingests the articles of one path. Returns -1 when the store failed. */
static int ingest_path(ingest *g, const char *path) {
    marsad_reader *r = marsad_reader_open(path, on_diag, g);
    if (!r) return 0;
    int fatal = 0, eof = 0;
    while (!fatal) {
        /* keep the workers fed */
        while (!eof && !stop_flag && g->tail - g->head < g->cap) {
            const marsad_article *a = marsad_reader_next(r);
            if (!a) {
                eof = 1;
                break;
            }
            marsad_article art = *a;
            if (g->published) art.published = g->published;
            int gen = marsad_reader_id_generated(r);
            if (g->queue) {
                if (enqueue(g, &art, gen)) {
                    fatal = 1;
                    break;
                }
                continue;
            }
            char key[STORE_KEY_MAX], hash[STORE_HASH_HEX];
            store_article_identity(&art, gen, marsad_model_fingerprint(g->m), key, hash);
            int state = store_article_state(g->st, key, hash);
            if (state < 0) {
                store_error(g, "%s", store_errmsg(g->st));
                fatal = 1;
                break;
            }
            if (state == STORE_SAME) { /* nothing to do, nothing to extract */
                g->seen++;
                g->unchanged++;
                show_progress(g, 0);
                continue;
            }
            job *j = &g->ring[g->tail % g->cap];
            if (job_fill(j, &art, gen)) {
                store_error(g, "%s: out of memory", art.id ? art.id : path);
                g->seen++;
                continue;
            }
            if (!g->nthreads) {
                j->doc = store_doc_new(g->m, &j->art, j->id_generated, on_diag, g);
                j->state = JOB_DONE;
                g->tail++;
            } else {
                pthread_mutex_lock(&g->mu);
                j->state = JOB_QUEUED;
                g->tail++;
                pthread_cond_signal(&g->work);
                pthread_mutex_unlock(&g->mu);
            }
        }
        if (g->head == g->tail) break;
        if (write_oldest(g)) fatal = 1;
    }
    /* after a failure, let the workers finish and drop their results */
    while (g->head != g->tail) {
        job *j = &g->ring[g->head % g->cap];
        if (g->nthreads) {
            pthread_mutex_lock(&g->mu);
            while (j->state != JOB_DONE) pthread_cond_wait(&g->done, &g->mu);
            pthread_mutex_unlock(&g->mu);
        }
        job_clear(j);
        g->head++;
    }
    marsad_reader_free(r);
    return fatal ? -1 : 0;
}

/* ---- totals for the progress line ---------------------------------------------- */

static int has_suffix(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static size_t count_articles(const char *path) {
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0) return 0;
    if (S_ISDIR(st.st_mode)) {
        size_t n = 0;
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) n += has_suffix(e->d_name, ".txt");
        if (d) closedir(d);
        return n;
    }
    if (has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson") ||
        has_suffix(path, ".json")) {
        FILE *f = fopen(path, "rb");
        if (!f) return 0;
        char buf[1 << 16];
        size_t n = 0, got;
        int last = '\n';
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            for (size_t i = 0; i < got; i++) n += buf[i] == '\n';
            last = (unsigned char)buf[got - 1];
        }
        fclose(f);
        return n + (last != '\n');
    }
    return 1;
}

/* ---- --follow ---------------------------------------------------------------------- */

typedef struct {
    int wd;
    char *dir;
} watch;

/* The file to ingest for a name that landed in dir, or NULL: NAME.txt
 * itself, NAME.txt when its metadata NAME.json lands after it, a .jsonl. */
static char *landed(const char *dir, const char *name) {
    if (name[0] == '.') return NULL; /* temporary files of a writer */
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 8);
    if (!p) return NULL;
    snprintf(p, dl + nl + 8, "%s/%s", dir, name);
    if (has_suffix(name, ".txt") || has_suffix(name, ".jsonl") ||
        has_suffix(name, ".ndjson"))
        return p;
    if (has_suffix(name, ".json")) {
        strcpy(p + dl + 1 + nl - 5, ".txt");
        struct stat st;
        if (stat(p, &st) == 0) return p;
    }
    free(p);
    return NULL;
}

static int follow(ingest *g, char **paths, int npaths) {
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0) {
        store_error(g, "--follow: inotify: %s", strerror(errno));
        return -1;
    }
    watch *w = calloc((size_t)npaths + 1, sizeof *w);
    int nw = 0;
    for (int i = 0; w && i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        int wd = inotify_add_watch(fd, paths[i], IN_CLOSE_WRITE | IN_MOVED_TO);
        if (wd < 0) {
            store_error(g, "%s: cannot watch: %s", paths[i], strerror(errno));
            continue;
        }
        w[nw].wd = wd;
        w[nw++].dir = paths[i];
    }
    if (!nw) {
        store_error(g, "--follow: no folder to watch among the paths");
        free(w);
        close(fd);
        return -1;
    }
    /* files that landed between the first pass and the watches */
    int rc = 0;
    for (int k = 0; k < nw && rc == 0; k++) rc = ingest_path(g, w[k].dir);
    if (rc == 0) rc = commit(g);
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (!stop_flag && rc == 0) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = poll(&pfd, 1, 200);
        if (pr < 0 && errno != EINTR) {
            store_error(g, "--follow: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (pr <= 0) continue;
        ssize_t len;
        while (rc == 0 && (len = read(fd, buf, sizeof buf)) > 0) {
            for (char *p = buf; p < buf + len && rc == 0;) {
                struct inotify_event *ev = (struct inotify_event *)p;
                p += sizeof *ev + ev->len;
                if (!ev->len) continue;
                const char *dir = NULL;
                for (int k = 0; k < nw; k++)
                    if (w[k].wd == ev->wd) dir = w[k].dir;
                char *file = dir ? landed(dir, ev->name) : NULL;
                if (!file) continue;
                g->total++;
                rc = ingest_path(g, file);
                free(file);
                if (rc == 0) rc = commit(g);
                show_progress(g, 1);
            }
        }
    }
    free(w);
    close(fd);
    return rc;
}

/* ---- the command -------------------------------------------------------------------- */

MARSAD_COMMAND(ingest, "keep articles, mentions and merged events in a store")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *db = NULL, *datadir = NULL, *published = NULL;
    const char *jobs_s = NULL, *batch_s = NULL;
    int follow_mode = 0, queue = 0, summary = 0, verbose = 0, quiet = 0, check = 0;
    const cli_option opts[] = {
        {"--db", NULL, &db, NULL},
        {"--data", NULL, &datadir, NULL},
        {"--published", NULL, &published, NULL},
        {"--jobs", NULL, &jobs_s, NULL},
        {"--batch", NULL, &batch_s, NULL},
        {"--follow", NULL, NULL, &follow_mode},
        {"--queue", NULL, NULL, &queue},
        {"--summary", NULL, NULL, &summary},
        {"--check", NULL, NULL, &check},
        {"--verbose", "-v", NULL, &verbose},
        {"--quiet", "-q", NULL, &quiet},
        {NULL, NULL, NULL, NULL},
    };
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    long batch = 200;
    if (cli_parse_options("ingest", argc, argv, opts, paths, &npaths) ||
        (jobs_s && cli_number_option("ingest", "--jobs", jobs_s, 0, 64, &jobs)) ||
        (batch_s &&
         cli_number_option("ingest", "--batch", batch_s, 1, LONG_MAX, &batch))) {
        free(paths);
        return EXIT_USAGE;
    }
    if (published && (strlen(published) < 10 || published[4] != '-' ||
                      published[7] != '-')) {
        cli_error("ingest: --published must be YYYY-MM-DD, not '%s'", published);
        free(paths);
        return EXIT_USAGE;
    }
    if (db && check) {
        char cerr[1024];
        /* the search index check writes (nothing): open for writing, but
         * never create a store just to check it */
        store *cs = NULL;
        if (!strstr(db, "://") && access(strncmp(db, "sqlite:", 7) ? db : db + 7, F_OK) != 0)
            snprintf(cerr, sizeof cerr, "%s: no such store", db);
        else
            cs = store_open(db, 0, cerr, sizeof cerr);
        int ok = cs && store_check(cs) == 0;
        if (!cs) cli_error("%s", cerr);
        else if (!ok) cli_error("%s: %s", db, store_errmsg(cs));
        else printf("ok\n");
        store_close(cs);
        free(paths);
        return ok ? EXIT_OK : EXIT_INPUT;
    }
    if (!db || npaths == 0) {
        if (!db) cli_error("ingest: --db STORE is required");
        fputs(USAGE, stderr);
        free(paths);
        return EXIT_USAGE;
    }
    char err[1024];
    store *st = store_open(db, 0, err, sizeof err);
    if (!st) {
        cli_error("%s", err);
        free(paths);
        return EXIT_USAGE;
    }
    if (queue) {
        store_queue_stats qs;
        if (store_queue_get_stats(st, &qs) != 0) {
            cli_error("%s", store_errmsg(st));
            store_close(st);
            free(paths);
            return EXIT_USAGE;
        }
        jobs = 0; /* nothing to extract */
    }
    marsad_model *m = queue ? NULL
                            : marsad_model_load(cli_datadir(datadir), err, sizeof err);
    if (!m && !queue) {
        cli_error("%s", err);
        store_close(st);
        free(paths);
        return EXIT_USAGE;
    }
    ingest g;
    memset(&g, 0, sizeof g);
    g.m = m;
    g.st = st;
    g.published = published;
    g.verbose = verbose;
    g.queue = queue;
    g.batch = (size_t)batch;
    g.nthreads = jobs < 1 ? 0 : (int)jobs;
    g.cap = g.nthreads ? (size_t)g.nthreads * 8 : 1;
    g.ring = calloc(g.cap, sizeof *g.ring);
    g.progress = !quiet && isatty(2);
    pthread_mutex_init(&g.mu, NULL);
    pthread_mutex_init(&g.diag_mu, NULL);
    pthread_cond_init(&g.work, NULL);
    pthread_cond_init(&g.done, NULL);
    g.threads = calloc((size_t)g.nthreads + 1, sizeof *g.threads);
    int started = 0;
    for (; g.ring && g.threads && started < g.nthreads; started++)
        if (pthread_create(&g.threads[started], NULL, worker, &g) != 0) break;
    g.nthreads = started;
    if (!g.nthreads) g.cap = 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    for (int p = 0; p < npaths; p++) g.total += count_articles(paths[p]);
    g.t0 = g.last_commit = cli_now();
    int rc = g.ring ? 0 : -1;
    for (int p = 0; p < npaths && rc == 0 && !stop_flag; p++)
        rc = ingest_path(&g, paths[p]);
    if (rc == 0) rc = commit(&g);
    show_progress(&g, 1);
    if (rc == 0 && follow_mode && !stop_flag) rc = follow(&g, paths, npaths);
    if (commit(&g)) rc = -1;

    pthread_mutex_lock(&g.mu);
    g.quit = 1;
    pthread_cond_broadcast(&g.work);
    pthread_mutex_unlock(&g.mu);
    for (int t = 0; t < g.nthreads; t++) pthread_join(g.threads[t], NULL);

    double el = cli_now() - g.t0;
    if (g.progress) {
        show_progress(&g, 1);
        fputc('\n', stderr);
        g.shown = 0;
    }
    if (queue && (summary || g.progress))
        fprintf(stderr, "ingest: %zu articles (%zu queued, %zu already queued or "
                "stored), %.1f s\n", g.seen, g.added, g.unchanged, el);
    else if (summary || g.progress)
        fprintf(stderr,
                "ingest: %zu articles (%zu added, %zu replaced, %zu unchanged, "
                "%zu near-copies), %zu mentions, %zu new events, %.1f s, "
                "%.1f articles/s\n",
                g.seen, g.added, g.replaced, g.unchanged, g.dups, g.mentions,
                g.events, el, el > 0 ? (double)g.seen / el : 0.0);
    int interrupted = stop_flag && !follow_mode;
    if (interrupted)
        cli_error("ingest: interrupted after %zu articles; what was stored is "
                  "kept, run again to complete", g.seen);
    store_close(st);
    marsad_model_free(m);
    free(g.ring);
    free(g.threads);
    free(paths);
    pthread_mutex_destroy(&g.mu);
    pthread_mutex_destroy(&g.diag_mu);
    pthread_cond_destroy(&g.work);
    pthread_cond_destroy(&g.done);
    if (rc != 0 || g.errors || interrupted) return EXIT_INPUT;
    return EXIT_OK;
}
