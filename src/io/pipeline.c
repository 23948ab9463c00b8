/*
 * pipeline.c — articles read, worked on by several threads, and handed back
 * in input order (marsad_run_articles).
 *
 * The calling thread reads each article into a slot of a ring of `window`
 * slots, numbered by input order; `threads - 1` worker threads take the
 * slots in that order and run the caller's work on them. The calling thread
 * also emits: when the oldest slot is done it replays the diagnostics
 * collected for it (the reader's, then the work's) and passes the result to
 * the sink. When it can neither emit nor read (the ring is full), it works
 * on the next slot as the workers do, so `threads` threads share the work
 * and none waits for a core that another holds. The reader leaves the
 * last step of reading text (blanking boilerplate, tokenizing) to the thread
 * that works on the article, which makes, reads and frees its doc: the
 * reading left on the calling thread is parsing and copying, and a doc,
 * the largest thing made per article, never passes between threads. At
 * most `window` articles and results exist at once, whatever the input
 * size. With one thread nothing is started: articles are read, worked on
 * and sunk in turn on the calling thread, and diagnostics go straight to the
 * caller; the order of everything is the same either way.
 */
#include "marsad.h"
#include "io/reader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Diagnostics collected for one slot: records of file NUL message NUL, each
 * preceded by its line number. */
typedef struct {
    char *b;
    size_t n, cap;
    int oom;
} diagbuf;

static void diag_add(diagbuf *d, const char *file, size_t line,
                     const char *msg) {
    size_t fl = strlen(file), ml = strlen(msg);
    size_t need = sizeof line + fl + 1 + ml + 1;
    if (d->n + need > d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 256;
        while (nc < d->n + need) nc *= 2;
        char *nb = realloc(d->b, nc);
        if (!nb) {
            d->oom = 1;
            return;
        }
        d->b = nb;
        d->cap = nc;
    }
    memcpy(d->b + d->n, &line, sizeof line);
    memcpy(d->b + d->n + sizeof line, file, fl + 1);
    memcpy(d->b + d->n + sizeof line + fl + 1, msg, ml + 1);
    d->n += need;
}

static void diag_collect(void *ctx, const char *file, size_t line,
                         const char *msg) {
    diag_add(ctx, file ? file : "", line, msg ? msg : "");
}

static void diag_replay(const diagbuf *d, marsad_diag_fn diag, void *dctx) {
    for (size_t o = 0; o < d->n;) {
        size_t line;
        memcpy(&line, d->b + o, sizeof line);
        const char *file = d->b + o + sizeof line;
        const char *msg = file + strlen(file) + 1;
        if (diag) diag(dctx, file, line, msg);
        o = (size_t)(msg + strlen(msg) + 1 - d->b);
    }
    if (d->oom && diag)
        diag(dctx, "marsad", 0, "out of memory: diagnostics lost");
}

enum { SLOT_FREE, SLOT_READY, SLOT_TAKEN, SLOT_DONE };

typedef struct {
    int state;
    int has_article;       /* 0: only diagnostics (after the last article) */
    marsad_article art;    /* views into store, and doc */
    char *store;
    marsad_doc *doc;       /* the article's tokens, or NULL */
    int deferred;          /* the text is still to be blanked and tokenized */
    diagbuf diags;
    void *result;
} slot;

typedef struct {
    const char *const *paths;
    const marsad_reader_options *ropt; /* NULL: defaults */
    size_t npaths;
    marsad_work_fn work;
    void *ctx;
    boilerplate *bp;       /* the rules the readers borrow, and the threads
                              blank the text they leave with */
    pthread_mutex_t mu;
    pthread_cond_t can_work, can_emit;
    slot *ring;
    size_t window;
    size_t next_read, next_work, next_emit; /* sequence numbers */
    int reading_done;
    int idle_workers;      /* workers waiting on can_work */
    int caller_waiting;    /* the calling thread waits on can_emit */
    diagbuf pending;       /* reader diagnostics not yet given a slot */
} pool;

/* Copies the article's strings into one block owned by the slot. */
static int copy_article(slot *s, const marsad_article *a) {
    const char *src[6] = {a->id, a->published, a->source, a->url, a->title,
                          NULL};
    size_t len[6], total = a->text_len + 1;
    for (int k = 0; k < 5; k++) {
        len[k] = src[k] ? strlen(src[k]) + 1 : 0;
        total += len[k];
    }
    char *b = malloc(total);
    if (!b) return -1;
    char *p = b;
    memcpy(p, a->text ? a->text : "", a->text_len);
    p[a->text_len] = '\0';
    s->art.text = p;
    s->art.text_len = a->text_len;
    p += a->text_len + 1;
    const char **dst[5] = {&s->art.id, &s->art.published, &s->art.source,
                           &s->art.url, &s->art.title};
    for (int k = 0; k < 5; k++) {
        if (!src[k]) {
            *dst[k] = NULL;
            continue;
        }
        memcpy(p, src[k], len[k]);
        *dst[k] = p;
        p += len[k];
    }
    s->store = b;
    return 0;
}

/* Fills slot s (free, and the calling thread's until published) with
 * article a (NULL: only the diagnostics pending) and its doc, which it
 * takes (may be NULL); returns the state to publish it in. */
static int fill_slot(pool *P, slot *s, const marsad_article *a,
                     marsad_doc *doc, int deferred) {
    memset(&s->art, 0, sizeof s->art);
    s->store = NULL;
    s->result = NULL;
    s->has_article = a != NULL;
    s->deferred = deferred;
    s->diags = P->pending;
    memset(&P->pending, 0, sizeof P->pending);
    if (a && copy_article(s, a)) {
        s->has_article = 0;
        diag_add(&s->diags, a->id ? a->id : "article", 0, "out of memory");
    }
    s->doc = s->has_article ? doc : NULL;
    s->art.doc = s->doc;
    if (!s->has_article) marsad_doc_free(doc);
    return s->has_article ? SLOT_READY : SLOT_DONE;
}

/* Where reading stands: the next path to open, and the open reader. */
typedef struct {
    size_t path;
    marsad_reader *r;
    int ended;
} readstate;

/* Reads the next article into slot s; returns the state to publish the
 * slot in, or -1 when there is nothing more (the diagnostics of the paths
 * that gave no article then fill a last slot first). */
static int read_next(pool *P, readstate *rs, slot *s) {
    for (;;) {
        if (rs->ended) return -1;
        if (!rs->r) {
            if (rs->path >= P->npaths) {
                rs->ended = 1;
                if (P->pending.n || P->pending.oom)
                    return fill_slot(P, s, NULL, NULL, 0);
                return -1;
            }
            rs->r = reader_open_shared(P->paths[rs->path++], P->ropt, P->bp,
                                       diag_collect, &P->pending);
            if (rs->r && P->bp) reader_set_defer(rs->r, 1);
            continue;
        }
        const marsad_article *a = marsad_reader_next(rs->r);
        if (a)
            return fill_slot(P, s, a, reader_take_doc(rs->r),
                             reader_deferred(rs->r));
        marsad_reader_free(rs->r);
        rs->r = NULL;
    }
}

/* The oldest slot ready for work, taken (under the lock), or NULL when none
 * is ready. Slots of diagnostics only are done when read and need none. */
static slot *take_work(pool *P) {
    while (P->next_work < P->next_read &&
           P->ring[P->next_work % P->window].state != SLOT_READY)
        P->next_work++;
    if (P->next_work == P->next_read) return NULL;
    slot *s = &P->ring[P->next_work++ % P->window];
    s->state = SLOT_TAKEN;
    return s;
}

/* Works on slot s, on any thread: first blanks and tokenizes the text the
 * reader left (the slot's own copy), so that the doc is made, read and
 * freed by one thread. */
static void work_on(pool *P, slot *s) {
    if (s->deferred) {
        const marsad_reader_options *o = P->ropt;
        reader_blank_text(P->bp, o && o->keep_boilerplate, o && o->tokenize,
                          (char *)s->art.text, s->art.text_len, &s->doc);
        s->art.doc = s->doc;
    }
    s->result = P->work(P->ctx, &s->art, diag_collect, &s->diags);
    marsad_doc_free(s->doc);
    s->doc = NULL;
    s->art.doc = NULL;
}

static void *worker_main(void *arg) {
    pool *P = arg;
    pthread_mutex_lock(&P->mu);
    for (;;) {
        slot *s = take_work(P);
        if (!s) {
            if (P->reading_done) break;
            P->idle_workers++;
            pthread_cond_wait(&P->can_work, &P->mu);
            P->idle_workers--;
            continue;
        }
        pthread_mutex_unlock(&P->mu);
        work_on(P, s);
        pthread_mutex_lock(&P->mu);
        s->state = SLOT_DONE;
        /* the calling thread waits only when it can neither read, emit nor
         * work: then nothing but the oldest slot being done lets it on */
        if (P->caller_waiting && s == &P->ring[P->next_emit % P->window])
            pthread_cond_signal(&P->can_emit);
    }
    pthread_mutex_unlock(&P->mu);
    return NULL;
}

static int online_cpus(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

int marsad_cpu_count(void) { return online_cpus(); }

static marsad_status run_inline(const char *const *paths, size_t npaths,
                                const marsad_reader_options *ropt,
                                marsad_work_fn work, marsad_sink_fn sink,
                                void *ctx, marsad_diag_fn diag, void *dctx) {
    for (size_t p = 0; p < npaths; p++) {
        marsad_reader *r = marsad_reader_open_ex(paths[p], ropt, diag, dctx);
        if (!r) continue;
        const marsad_article *a;
        while ((a = marsad_reader_next(r)) != NULL)
            sink(ctx, work(ctx, a, diag, dctx));
        marsad_reader_free(r);
    }
    return MARSAD_OK;
}

marsad_status marsad_run_articles(const char *const *paths, size_t npaths,
                                  int threads, size_t window,
                                  marsad_work_fn work, marsad_sink_fn sink,
                                  void *ctx, marsad_diag_fn diag, void *dctx) {
    return marsad_run_articles_ex(paths, npaths, NULL, threads, window, work,
                                  sink, ctx, diag, dctx);
}

marsad_status marsad_run_articles_ex(const char *const *paths, size_t npaths,
                                     const marsad_reader_options *ropt,
                                     int threads, size_t window,
                                     marsad_work_fn work, marsad_sink_fn sink,
                                     void *ctx, marsad_diag_fn diag, void *dctx) {
    if (!work || !sink || (npaths && !paths) || threads < 0)
        return MARSAD_ERR_ARG;
    if (threads == 0) threads = online_cpus();
    if (threads == 1)
        return run_inline(paths, npaths, ropt, work, sink, ctx, diag, dctx);
    pool P;
    memset(&P, 0, sizeof P);
    P.ropt = ropt;
    P.paths = paths;
    P.npaths = npaths;
    P.work = work;
    P.ctx = ctx;
    /* the boilerplate rules, loaded once: every reader borrows them, and
     * leaves blanking and tokenizing to the threads that work on the
     * articles (when they cannot be loaded, each reader tries, and reports
     * what fails) */
    {
        char err[512];
        const char *dir = ropt && ropt->datadir ? ropt->datadir
                                                : marsad_default_datadir();
        P.bp = boilerplate_load(dir, err, sizeof err);
    }
    /* a wide ring: a worker finds work queued however long one article
     * keeps another thread */
    P.window = window ? window : 64 * (size_t)threads;
    P.ring = calloc(P.window, sizeof *P.ring);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!P.ring || !tid) {
        free(P.ring);
        free(tid);
        boilerplate_free(P.bp);
        return MARSAD_ERR_NOMEM;
    }
    /* the lock is held for a few loads and stores, maybe by more threads
     * than cores: one that finds it taken spins a moment before sleeping
     * (a sleep and a wake are two system calls) */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
#ifdef PTHREAD_MUTEX_ADAPTIVE_NP
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    pthread_mutex_init(&P.mu, &ma);
    pthread_mutexattr_destroy(&ma);
    pthread_cond_init(&P.can_work, NULL);
    pthread_cond_init(&P.can_emit, NULL);
    int started = 0;
    for (int k = 0; k < threads - 1; k++)
        if (pthread_create(&tid[started], NULL, worker_main, &P) == 0) started++;
    /* The calling thread reads, emits in order, and works as the others do
     * when it can do neither: with `threads` threads on as many cores none
     * waits for a core.
     * Emitting comes first (it frees a slot), then reading while the ring
     * has room (it is cheaper than the work and keeps the workers fed). */
    readstate rs = {0, NULL, 0};
    pthread_mutex_lock(&P.mu);
    for (;;) {
        slot *s = &P.ring[P.next_emit % P.window];
        if (P.next_emit < P.next_read && s->state == SLOT_DONE) {
            pthread_mutex_unlock(&P.mu);
            diag_replay(&s->diags, diag, dctx);
            if (s->has_article) sink(ctx, s->result);
            free(s->diags.b);
            memset(&s->diags, 0, sizeof s->diags);
            free(s->store);
            s->store = NULL;
            marsad_doc_free(s->doc);
            s->doc = NULL;
            pthread_mutex_lock(&P.mu);
            s->state = SLOT_FREE;
            P.next_emit++;
            continue;
        }
        if (!P.reading_done && P.next_read - P.next_emit < P.window) {
            s = &P.ring[P.next_read % P.window];
            pthread_mutex_unlock(&P.mu);
            int state = read_next(&P, &rs, s);
            pthread_mutex_lock(&P.mu);
            if (state < 0) {
                P.reading_done = 1;
                pthread_cond_broadcast(&P.can_work);
                continue;
            }
            s->state = state;
            P.next_read++;
            if (state == SLOT_READY && P.idle_workers)
                pthread_cond_signal(&P.can_work);
            continue;
        }
        if ((s = take_work(&P)) != NULL) {
            pthread_mutex_unlock(&P.mu);
            work_on(&P, s);
            pthread_mutex_lock(&P.mu);
            s->state = SLOT_DONE;
            continue;
        }
        if (P.reading_done && P.next_emit == P.next_read) break;
        P.caller_waiting = 1;
        pthread_cond_wait(&P.can_emit, &P.mu);
        P.caller_waiting = 0;
    }
    pthread_mutex_unlock(&P.mu);
    for (int k = 0; k < started; k++) pthread_join(tid[k], NULL);
    free(P.pending.b);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.can_work);
    pthread_cond_destroy(&P.can_emit);
    free(P.ring);
    free(tid);
    boilerplate_free(P.bp);
    return MARSAD_OK;
}
