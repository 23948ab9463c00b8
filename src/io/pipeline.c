/*
 * pipeline.c — articles read, worked on by several threads, and handed back
 * in input order (marsad_run_articles).
 *
 * One reader thread copies each article into a slot of a ring of `window`
 * slots, numbered by input order; worker threads take the slots in that
 * order and run the caller's work on them; the calling thread waits for the
 * next number, replays the diagnostics collected for it (the reader's, then
 * the work's) and passes the result to the sink. The reader waits while the
 * ring is full, so at most `window` articles and results exist at once,
 * whatever the input size. With one thread nothing is started: articles are
 * read, worked on and sunk in turn on the calling thread, and diagnostics go
 * straight to the caller; the order of everything is the same either way.
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
    marsad_doc *doc;       /* the article's tokens, from the reader, or NULL */
    diagbuf diags;
    void *result;
} slot;

typedef struct {
    const char *const *paths;
    const marsad_reader_options *ropt; /* NULL: defaults */
    size_t npaths;
    marsad_work_fn work;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t can_read, can_work, can_emit;
    slot *ring;
    size_t window;
    size_t next_read, next_work, next_emit; /* sequence numbers */
    int reading_done, stop, oom;
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

/* Waits for a free slot and fills it, taking doc (may be NULL); returns -1
 * when stopping (doc freed). */
static int push_slot(pool *P, const marsad_article *a, marsad_doc *doc) {
    pthread_mutex_lock(&P->mu);
    while (!P->stop && P->next_read - P->next_emit >= P->window)
        pthread_cond_wait(&P->can_read, &P->mu);
    if (P->stop) {
        pthread_mutex_unlock(&P->mu);
        marsad_doc_free(doc);
        return -1;
    }
    slot *s = &P->ring[P->next_read % P->window];
    pthread_mutex_unlock(&P->mu);
    /* the slot is ours until it is marked ready */
    memset(&s->art, 0, sizeof s->art);
    s->store = NULL;
    s->result = NULL;
    s->has_article = a != NULL;
    s->diags = P->pending;
    memset(&P->pending, 0, sizeof P->pending);
    int ready = SLOT_READY;
    if (a && copy_article(s, a)) {
        s->has_article = 0;
        diag_add(&s->diags, a->id ? a->id : "article", 0, "out of memory");
    }
    s->doc = s->has_article ? doc : NULL;
    s->art.doc = s->doc;
    if (!s->has_article) marsad_doc_free(doc);
    if (!s->has_article) ready = SLOT_DONE;
    pthread_mutex_lock(&P->mu);
    s->state = ready;
    P->next_read++;
    pthread_mutex_unlock(&P->mu);
    pthread_cond_signal(ready == SLOT_READY ? &P->can_work : &P->can_emit);
    return 0;
}

static void *reader_main(void *arg) {
    pool *P = arg;
    int stopped = 0;
    for (size_t p = 0; p < P->npaths && !stopped; p++) {
        marsad_reader *r = marsad_reader_open_ex(P->paths[p], P->ropt,
                                                 diag_collect, &P->pending);
        if (!r) continue;
        const marsad_article *a;
        while ((a = marsad_reader_next(r)) != NULL)
            if (push_slot(P, a, reader_take_doc(r))) {
                stopped = 1;
                break;
            }
        marsad_reader_free(r);
    }
    if (!stopped && (P->pending.n || P->pending.oom)) push_slot(P, NULL, NULL);
    free(P->pending.b);
    memset(&P->pending, 0, sizeof P->pending);
    pthread_mutex_lock(&P->mu);
    P->reading_done = 1;
    pthread_cond_broadcast(&P->can_work);
    pthread_cond_broadcast(&P->can_emit);
    pthread_mutex_unlock(&P->mu);
    return NULL;
}

/* Whether a worker that finished a slot wakes the emitting thread: when a
 * batch of slots is ready to be emitted in order, or when no work is
 * queued (the emitter may be waiting for the last slots). Waking it for
 * every slot cost a switch of threads per article, on cores the workers
 * need. The reader is woken likewise when the ring is half empty, not at
 * every free slot (see marsad_run_articles_ex). */
static int emit_now(const pool *P) {
    size_t batch = P->window / 4 ? P->window / 4 : 1, ready = 0;
    for (size_t k = P->next_emit; k < P->next_read && ready < batch; k++, ready++)
        if (P->ring[k % P->window].state != SLOT_DONE) break;
    if (ready >= batch) return 1;
    /* queued work is a ready slot past next_work (the slots of
     * diagnostics only, done when read, are no work) */
    for (size_t k = P->next_work; k < P->next_read; k++)
        if (P->ring[k % P->window].state == SLOT_READY) return 0;
    return 1;
}

static void *worker_main(void *arg) {
    pool *P = arg;
    int wake_emitter = 0; /* decided under the lock, done outside it */
    pthread_mutex_lock(&P->mu);
    for (;;) {
        while (!P->stop && P->next_work < P->next_read &&
               P->ring[P->next_work % P->window].state != SLOT_READY)
            P->next_work++; /* diagnostics-only slots need no work */
        if (P->stop || (P->next_work == P->next_read && P->reading_done))
            break;
        if (P->next_work == P->next_read) {
            if (wake_emitter) pthread_cond_signal(&P->can_emit);
            wake_emitter = 0;
            pthread_cond_wait(&P->can_work, &P->mu);
            continue;
        }
        slot *s = &P->ring[P->next_work % P->window];
        s->state = SLOT_TAKEN;
        P->next_work++;
        pthread_mutex_unlock(&P->mu);
        /* a thread woken while the waker holds the lock would only wait
         * for the lock: wake it once the lock is free */
        if (wake_emitter) pthread_cond_signal(&P->can_emit);
        s->result = P->work(P->ctx, &s->art, diag_collect, &s->diags);
        pthread_mutex_lock(&P->mu);
        s->state = SLOT_DONE;
        wake_emitter = emit_now(P);
    }
    /* a worker that ends has nothing more to finish: the emitter may be
     * waiting for what it finished last */
    pthread_cond_signal(&P->can_emit);
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
    /* a wide ring: threads are woken once per half ring (the reader) and
     * per quarter (the emitter), and each wake is a switch of threads on
     * cores the workers need */
    P.window = window ? window : 64 * (size_t)threads;
    P.ring = calloc(P.window, sizeof *P.ring);
    pthread_t *tid = calloc((size_t)threads + 1, sizeof *tid);
    if (!P.ring || !tid) {
        free(P.ring);
        free(tid);
        return MARSAD_ERR_NOMEM;
    }
    /* the lock is held for a few loads and stores, by four threads on
     * maybe fewer cores: one that finds it taken spins a moment before
     * sleeping (a sleep and a wake are two system calls) */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
#ifdef PTHREAD_MUTEX_ADAPTIVE_NP
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    pthread_mutex_init(&P.mu, &ma);
    pthread_mutexattr_destroy(&ma);
    pthread_cond_init(&P.can_read, NULL);
    pthread_cond_init(&P.can_work, NULL);
    pthread_cond_init(&P.can_emit, NULL);
    int started = 0;
    marsad_status rc = MARSAD_OK;
    if (pthread_create(&tid[0], NULL, reader_main, &P) != 0) {
        rc = MARSAD_ERR_NOMEM;
    } else {
        started = 1;
        for (int k = 0; k < threads; k++) {
            if (pthread_create(&tid[1 + k], NULL, worker_main, &P) != 0) break;
            started++;
        }
        if (started == 1) { /* no worker: stop the reader and give up */
            pthread_mutex_lock(&P.mu);
            P.stop = 1;
            pthread_cond_broadcast(&P.can_read);
            pthread_mutex_unlock(&P.mu);
            rc = MARSAD_ERR_NOMEM;
        }
    }
    /* the calling thread emits, in order */
    int wake_reader = 0; /* decided under the lock, done outside it */
    pthread_mutex_lock(&P.mu);
    while (!P.stop) {
        slot *s = &P.ring[P.next_emit % P.window];
        if (P.next_emit < P.next_read && s->state == SLOT_DONE) {
            pthread_mutex_unlock(&P.mu);
            if (wake_reader) pthread_cond_signal(&P.can_read);
            wake_reader = 0;
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
            wake_reader = P.next_read - P.next_emit <= P.window / 2;
            continue;
        }
        if (P.reading_done && P.next_emit == P.next_read) break;
        if (wake_reader) pthread_cond_signal(&P.can_read);
        wake_reader = 0;
        pthread_cond_wait(&P.can_emit, &P.mu);
    }
    if (wake_reader) pthread_cond_signal(&P.can_read);
    pthread_mutex_unlock(&P.mu);
    for (int k = 0; k < started; k++) pthread_join(tid[k], NULL);
    /* after a failed start, slots read but never emitted */
    for (size_t k = 0; k < P.window; k++) {
        free(P.ring[k].store);
        marsad_doc_free(P.ring[k].doc);
        free(P.ring[k].diags.b);
    }
    free(P.pending.b);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.can_read);
    pthread_cond_destroy(&P.can_work);
    pthread_cond_destroy(&P.can_emit);
    free(P.ring);
    free(tid);
    return rc;
}
