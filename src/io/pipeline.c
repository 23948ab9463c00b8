/*
 * pipeline.c — articles read, worked on by several threads, and handed back
 * in input order (marsad_run_articles).
 *
 * The input is cut into units, numbered in input order, that wait in a
 * ring of `window` slots:
 *
 *  - a part of a plain JSON Lines file: about PART_BYTES of whole lines,
 *    given as an offset, a length and the number of lines before it. The
 *    thread that works on it reads those bytes from the file itself and
 *    reads their articles (reader_open_jsonl_part), so that the text, the
 *    largest thing passed along, never crosses from one thread to another;
 *  - one article read by the calling thread from any other input (folders,
 *    HTML, WARC, gzip'd files, standard input), copied into the slot; its
 *    text is blanked and tokenized by the thread that works on it;
 *  - the diagnostics of inputs that gave no article, which need no work.
 *
 * The calling thread cuts the units: for a JSON Lines file it only looks for
 * line ends, in a buffer of its own. Every thread, the calling one included,
 * takes the oldest unit not yet taken and works on it, and hands on the
 * results of the units it worked on itself: when the oldest unit not yet
 * handed on is one of its own and done, it replays its diagnostics and
 * passes its results to the sink. So a result is mostly made, sunk and
 * freed on one thread. (When that thread is busy with another unit and
 * another has nothing else to do, the other hands the results on: with more
 * threads than free cores, the first may not run for a while.) At most `window` units (and PARTS_PER_THREAD parts
 * of files per thread) exist at once, whatever the input size. With one
 * thread nothing is started: articles are read, worked on and sunk in turn
 * on the calling thread, and diagnostics go straight to the caller; the
 * order of everything is the same either way.
 */
#include "marsad.h"
#include "io/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A part of a JSON Lines file: lines are added to it until it holds this
 * many bytes (a few milliseconds of work: waits for order and the lock are
 * rare beside it, and parts in flight take little memory). */
#define PART_BYTES ((size_t)256 << 10)
/* Parts of files in flight (cut and not yet handed on) per thread: one
 * worked on, one waiting. Four gave no more speed, and on 2 GB of input a
 * peak memory up to 5 MB over that on 200 MB (results held for their turn
 * and what they leave behind in the allocator). */
#define PARTS_PER_THREAD 2

/* What a unit has to hand on, in order: its diagnostics and its results.
 * Each diagnostic is a record of the number of results that come before it,
 * its line, then file NUL message NUL. */
typedef struct {
    char *b;
    size_t n, cap;
    int oom;
    void **res;
    size_t nres, capres;
} handout;

static void diag_add(handout *h, const char *file, size_t line, const char *msg) {
    size_t fl = strlen(file), ml = strlen(msg);
    size_t need = 2 * sizeof(size_t) + fl + 1 + ml + 1;
    if (h->n + need > h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 256;
        while (nc < h->n + need) nc *= 2;
        char *nb = realloc(h->b, nc);
        if (!nb) {
            h->oom = 1;
            return;
        }
        h->b = nb;
        h->cap = nc;
    }
    char *p = h->b + h->n;
    memcpy(p, &h->nres, sizeof(size_t));
    memcpy(p + sizeof(size_t), &line, sizeof line);
    memcpy(p + 2 * sizeof(size_t), file, fl + 1);
    memcpy(p + 2 * sizeof(size_t) + fl + 1, msg, ml + 1);
    h->n += need;
}

static void diag_collect(void *ctx, const char *file, size_t line,
                         const char *msg) {
    diag_add(ctx, file ? file : "", line, msg ? msg : "");
}

/* Adds a result; 0, or -1 when memory runs out (the caller then reports
 * the result lost: what it is, and how it is freed, only the sink knows). */
static int result_add(handout *h, void *r) {
    if (h->nres == h->capres) {
        size_t nc = h->capres ? h->capres * 2 : 8;
        void **nr = realloc(h->res, nc * sizeof *nr);
        if (!nr) return -1;
        h->res = nr;
        h->capres = nc;
    }
    h->res[h->nres++] = r;
    return 0;
}

/* Hands on everything, in order, and empties h. */
static void handout_replay(handout *h, marsad_sink_fn sink, void *ctx,
                           marsad_diag_fn diag, void *dctx) {
    size_t sunk = 0;
    for (size_t o = 0; o < h->n;) {
        size_t before, line;
        memcpy(&before, h->b + o, sizeof before);
        memcpy(&line, h->b + o + sizeof before, sizeof line);
        const char *file = h->b + o + 2 * sizeof(size_t);
        const char *msg = file + strlen(file) + 1;
        while (sunk < before) sink(ctx, h->res[sunk++]);
        if (diag) diag(dctx, file, line, msg);
        o = (size_t)(msg + strlen(msg) + 1 - h->b);
    }
    while (sunk < h->nres) sink(ctx, h->res[sunk++]);
    if (h->oom && diag)
        diag(dctx, "marsad", 0, "out of memory: diagnostics lost");
    free(h->b);
    free(h->res);
    memset(h, 0, sizeof *h);
}

/* A JSON Lines file whose parts are in flight: one descriptor, closed when
 * the last of them is handed on and no more are cut. */
typedef struct {
    int fd;
    atomic_int refs;
    char name[];
} jfile;

static void jfile_release(jfile *f) {
    if (f && atomic_fetch_sub(&f->refs, 1) == 1) {
        close(f->fd);
        free(f);
    }
}

enum { SLOT_FREE, SLOT_READY, SLOT_TAKEN, SLOT_DONE, SLOT_EMITTING };
enum { U_ARTICLE, U_PART, U_DIAGS };

typedef struct {
    int state, kind;
    int owner;             /* the thread that worked on it; -1: any */
    /* U_ARTICLE */
    marsad_article art;    /* views into store */
    char *store;
    marsad_doc *doc;       /* the article's tokens, or NULL */
    int deferred;          /* the text is still to be blanked and tokenized */
    /* U_PART */
    jfile *file;
    uint64_t off;
    size_t len, first_line;
    handout out;
} slot;

/* Where cutting a JSON Lines file into parts stands (the calling thread's). */
typedef struct {
    jfile *file;
    char *buf;
    size_t at, len;         /* the block read, and how far it is looked at */
    uint64_t pos;           /* file offset of buf + at */
    uint64_t part_start;    /* start of the part being gathered */
    uint64_t line_start;    /* start of the line being looked at */
    size_t lines_before;    /* lines before part_start */
    size_t part_lines;      /* lines ended in the part */
    size_t huge_line;       /* a line too long to read, still to report */
    int skipping;           /* inside a line too long to read */
    int eof;
} cutter;

/* Where reading stands: the next path to open, and the open reader or
 * cutter. */
typedef struct {
    size_t path;
    marsad_reader *r;
    cutter *k;
    int ended;
} readstate;

typedef struct {
    const char *const *paths;
    const marsad_reader_options *ropt; /* NULL: defaults */
    size_t npaths;
    marsad_work_fn work;
    marsad_sink_fn sink;
    void *ctx;
    marsad_diag_fn diag;
    void *dctx;
    boilerplate *bp;       /* the rules the readers borrow, and the threads
                              blank the text they leave with */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int waiting;           /* threads waiting on cv */
    slot *ring;
    size_t window, parts_max, parts;
    size_t next_read, next_work, next_emit; /* sequence numbers */
    int reading_done;
    handout pending;       /* reader diagnostics not yet given a slot */
    readstate rs;
    char *scan;            /* the calling thread's buffer for cutting */
} pool;

/* A thread's own: its number and the buffer it reads parts into. */
typedef struct {
    pool *P;
    int id;
    char *buf;
    size_t cap;
} thread;

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

/* Starts filling slot s (free, and the calling thread's until published)
 * as a unit of the given kind, with the diagnostics pending. */
static void slot_begin(pool *P, slot *s, int kind) {
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->owner = -1;
    s->out = P->pending;
    memset(&P->pending, 0, sizeof P->pending);
}

/* Fills slot s with article a and its doc, which it takes (may be NULL);
 * returns the state to publish it in. */
static int fill_article(pool *P, slot *s, const marsad_article *a,
                        marsad_doc *doc, int deferred) {
    slot_begin(P, s, U_ARTICLE);
    s->deferred = deferred;
    if (copy_article(s, a)) {
        s->kind = U_DIAGS;
        diag_add(&s->out, a->id ? a->id : "article", 0, "out of memory");
        marsad_doc_free(doc);
        return SLOT_DONE;
    }
    s->doc = doc;
    s->art.doc = doc;
    return SLOT_READY;
}

static int fill_diags(pool *P, slot *s) {
    slot_begin(P, s, U_DIAGS);
    return SLOT_DONE;
}

/* ------------------------------------------------------------------------
 * Cutting a JSON Lines file into parts
 * ------------------------------------------------------------------------ */

/* A cutter for path when it is a plain JSON Lines file that can be read
 * here; NULL otherwise (a reader then reads it, and reports what fails). */
static cutter *cutter_open(pool *P, const char *path) {
    if (!P->bp || !reader_path_is_jsonl(path)) return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    unsigned char magic[2];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
        close(fd); /* gzip data, however named: the reader gunzips it */
        return NULL;
    }
    size_t nl = strlen(path);
    cutter *k = calloc(1, sizeof *k);
    jfile *f = malloc(sizeof *f + nl + 1);
    if (!k || !f) {
        free(k);
        free(f);
        close(fd);
        return NULL;
    }
    f->fd = fd;
    atomic_init(&f->refs, 1);
    memcpy(f->name, path, nl + 1);
    k->file = f;
    k->buf = P->scan;
    return k;
}

static void cutter_close(cutter *k) {
    if (!k) return;
    jfile_release(k->file);
    free(k);
}

/* Makes slot s the part [part_start, end) holding lines whole lines. */
static int fill_part(pool *P, cutter *k, slot *s, uint64_t end, size_t lines) {
    slot_begin(P, s, U_PART);
    s->file = k->file;
    atomic_fetch_add(&k->file->refs, 1);
    s->off = k->part_start;
    s->len = (size_t)(end - k->part_start);
    s->first_line = k->lines_before;
    k->lines_before += lines;
    k->part_start = end;
    return SLOT_READY;
}

/* The next unit of the file into slot s: returns the state to publish it
 * in, or -1 at the end of the file. Lines are cut as the reader cuts them
 * (at '\n'; the last may lack one), and a line over MARSAD_READER_MAX_DOC
 * bytes is reported and skipped as the reader does, without being held. */
static int cutter_next(pool *P, cutter *k, slot *s) {
    for (;;) {
        if (k->huge_line) {
            char msg[128];
            snprintf(msg, sizeof msg, READER_HUGE_LINE, MARSAD_READER_MAX_DOC >> 20);
            diag_add(&P->pending, k->file->name, k->huge_line, msg);
            k->huge_line = 0;
            return fill_diags(P, s);
        }
        if (k->at == k->len) {
            if (k->eof) break;
            ssize_t n = read(k->file->fd, k->buf, PART_BYTES);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                char msg[300];
                snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
                diag_add(&P->pending, k->file->name, 0, msg);
            }
            if (n <= 0) {
                k->eof = 1;
                continue;
            }
            k->len = (size_t)n;
            k->at = 0;
            continue;
        }
        const char *b = k->buf + k->at;
        size_t avail = k->len - k->at;
        const char *nl = memchr(b, '\n', avail);
        size_t upto = nl ? (size_t)(nl - b) : avail; /* bytes of the line */
        uint64_t line_end = k->pos + upto;
        k->at += nl ? upto + 1 : avail;
        k->pos += nl ? upto + 1 : avail;
        if (k->skipping) {
            if (nl) {
                k->skipping = 0;
                k->line_start = k->part_start = k->pos;
            }
            continue;
        }
        if (line_end - k->line_start > MARSAD_READER_MAX_DOC) {
            /* the lines before it make a part of their own, then the line
             * is reported */
            uint64_t start = k->line_start;
            size_t lines = k->part_lines;
            k->part_lines = 0;
            k->skipping = !nl;
            k->line_start = k->pos;
            int st = -1;
            if (start > k->part_start) st = fill_part(P, k, s, start, lines);
            k->huge_line = k->lines_before + 1;
            k->lines_before++;
            k->part_start = k->pos; /* past the line, or where skipping is */
            if (st >= 0) return st;
            continue;
        }
        if (nl) {
            k->part_lines++;
            k->line_start = k->pos;
            if (k->pos - k->part_start >= PART_BYTES) {
                size_t lines = k->part_lines;
                k->part_lines = 0;
                return fill_part(P, k, s, k->pos, lines);
            }
        }
    }
    if (!k->skipping && k->pos > k->part_start) {
        size_t lines = k->part_lines;
        k->part_lines = 0;
        return fill_part(P, k, s, k->pos, lines);
    }
    return -1;
}

/* Reads the next unit into slot s; returns the state to publish the slot
 * in, or -1 when there is nothing more (the diagnostics of the paths that
 * gave no article then fill a last slot first). */
static int read_next(pool *P, slot *s) {
    readstate *rs = &P->rs;
    for (;;) {
        if (rs->ended) return -1;
        if (rs->k) {
            int st = cutter_next(P, rs->k, s);
            if (st >= 0) return st;
            cutter_close(rs->k);
            rs->k = NULL;
            continue;
        }
        if (!rs->r) {
            if (rs->path >= P->npaths) {
                rs->ended = 1;
                if (P->pending.n || P->pending.oom) return fill_diags(P, s);
                return -1;
            }
            const char *path = P->paths[rs->path++];
            if ((rs->k = cutter_open(P, path)) != NULL) continue;
            rs->r = reader_open_shared(path, P->ropt, P->bp, diag_collect,
                                       &P->pending);
            if (rs->r && P->bp) reader_set_defer(rs->r, 1);
            continue;
        }
        const marsad_article *a = marsad_reader_next(rs->r);
        if (a)
            return fill_article(P, s, a, reader_take_doc(rs->r),
                                reader_deferred(rs->r));
        marsad_reader_free(rs->r);
        rs->r = NULL;
    }
}

/* Whether the calling thread may cut another unit now. */
static int can_read(const pool *P) {
    if (P->reading_done || P->next_read - P->next_emit >= P->window) return 0;
    return !P->rs.k || P->parts < P->parts_max;
}

/* The oldest slot ready for work, taken (under the lock), or NULL when none
 * is ready. */
static slot *take_work(pool *P) {
    while (P->next_work < P->next_read &&
           P->ring[P->next_work % P->window].state != SLOT_READY)
        P->next_work++;
    if (P->next_work == P->next_read) return NULL;
    slot *s = &P->ring[P->next_work++ % P->window];
    s->state = SLOT_TAKEN;
    return s;
}

/* Reads the part's bytes into the thread's buffer and works on its
 * articles. */
static void work_on_part(thread *T, slot *s) {
    pool *P = T->P;
    if (s->len > T->cap) {
        char *nb = realloc(T->buf, s->len);
        if (!nb) {
            diag_add(&s->out, s->file->name, s->first_line + 1, "out of memory");
            return;
        }
        T->buf = nb;
        T->cap = s->len;
    }
    size_t got = 0;
    while (got < s->len) {
        ssize_t n = pread(s->file->fd, T->buf + got, s->len - got,
                          (off_t)(s->off + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "cannot read: %s",
                     n < 0 ? strerror(errno) : "the file got shorter");
            diag_add(&s->out, s->file->name, s->first_line + 1, msg);
            break;
        }
        got += (size_t)n;
    }
    marsad_reader *r = reader_open_jsonl_part(s->file->name, T->buf, got,
                                              s->first_line, P->ropt, P->bp,
                                              diag_collect, &s->out);
    if (!r) {
        diag_add(&s->out, s->file->name, s->first_line + 1, "out of memory");
        return;
    }
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL) {
        void *res = P->work(P->ctx, a, diag_collect, &s->out);
        if (result_add(&s->out, res))
            diag_add(&s->out, a->id ? a->id : s->file->name, 0,
                     "out of memory: result lost");
    }
    marsad_reader_free(r);
}

/* Works on slot s, on any thread. An article's text is first blanked and
 * tokenized (the slot's own copy), so that the doc is made, read and freed
 * by one thread. */
static void work_on(thread *T, slot *s) {
    pool *P = T->P;
    if (s->kind == U_PART) {
        work_on_part(T, s);
        return;
    }
    if (s->deferred) {
        const marsad_reader_options *o = P->ropt;
        reader_blank_text(P->bp, o && o->keep_boilerplate, o && o->tokenize,
                          (char *)s->art.text, s->art.text_len, &s->doc);
        s->art.doc = s->doc;
    }
    void *res = P->work(P->ctx, &s->art, diag_collect, &s->out);
    if (result_add(&s->out, res))
        diag_add(&s->out, s->art.id ? s->art.id : "article", 0,
                 "out of memory: result lost");
    marsad_doc_free(s->doc);
    s->doc = NULL;
    s->art.doc = NULL;
    free(s->store);
    s->store = NULL;
}

/* Hands on slot s, the oldest, done (under the lock, which it releases
 * meanwhile). */
static void emit_turn(pool *P, slot *s) {
    s->state = SLOT_EMITTING;
    pthread_mutex_unlock(&P->mu);
    handout_replay(&s->out, P->sink, P->ctx, P->diag, P->dctx);
    jfile_release(s->file);
    pthread_mutex_lock(&P->mu);
    if (s->kind == U_PART) P->parts--;
    s->state = SLOT_FREE;
    P->next_emit++;
    if (P->waiting) pthread_cond_broadcast(&P->cv);
}

/* The loop of every thread, the calling one (id 0) included, entered and
 * left with the lock held. In turn: hand on the oldest unit when it is
 * done and this thread's to hand on; cut the next unit (the calling
 * thread); work on the oldest unit not taken; hand on the oldest unit when
 * it is done and its thread is busy (this one would otherwise wait, and
 * with more threads than free cores, that thread may not run for a while);
 * else wait for one of these. */
static void run_thread(thread *T) {
    pool *P = T->P;
    for (;;) {
        slot *s = &P->ring[P->next_emit % P->window];
        int turn_done = P->next_emit < P->next_read && s->state == SLOT_DONE;
        if (turn_done && (s->owner == T->id || s->owner < 0)) {
            emit_turn(P, s);
            continue;
        }
        if (T->id == 0 && can_read(P)) {
            slot *r = &P->ring[P->next_read % P->window];
            pthread_mutex_unlock(&P->mu);
            int state = read_next(P, r);
            pthread_mutex_lock(&P->mu);
            if (state < 0) {
                P->reading_done = 1;
                if (P->waiting) pthread_cond_broadcast(&P->cv);
                continue;
            }
            r->state = state;
            if (r->kind == U_PART) P->parts++;
            P->next_read++;
            if (P->waiting) pthread_cond_signal(&P->cv);
            continue;
        }
        slot *w = take_work(P);
        if (w) {
            pthread_mutex_unlock(&P->mu);
            work_on(T, w);
            pthread_mutex_lock(&P->mu);
            w->state = SLOT_DONE;
            w->owner = T->id;
            continue;
        }
        if (turn_done) {
            emit_turn(P, s);
            continue;
        }
        if (P->reading_done && P->next_emit == P->next_read) {
            if (P->waiting) pthread_cond_broadcast(&P->cv);
            break;
        }
        P->waiting++;
        pthread_cond_wait(&P->cv, &P->mu);
        P->waiting--;
    }
}

static void *worker_main(void *arg) {
    thread *T = arg;
    pthread_mutex_lock(&T->P->mu);
    run_thread(T);
    pthread_mutex_unlock(&T->P->mu);
    free(T->buf);
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
    P.sink = sink;
    P.ctx = ctx;
    P.diag = diag;
    P.dctx = dctx;
    /* the boilerplate rules, loaded once: every reader borrows them (when
     * they cannot be loaded, files are read by readers of their own, each
     * of which tries, and reports what fails) */
    {
        char err[512];
        const char *dir = ropt && ropt->datadir ? ropt->datadir
                                                : marsad_default_datadir();
        P.bp = boilerplate_load(dir, err, sizeof err);
    }
    /* a wide ring: a thread finds work queued however long one article
     * keeps another thread */
    P.window = window ? window : 64 * (size_t)threads;
    P.parts_max = PARTS_PER_THREAD * (size_t)threads;
    if (P.parts_max > P.window) P.parts_max = P.window;
    P.ring = calloc(P.window, sizeof *P.ring);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    thread *th = calloc((size_t)threads, sizeof *th);
    P.scan = malloc(PART_BYTES);
    if (!P.ring || !tid || !th || !P.scan) {
        free(P.ring);
        free(tid);
        free(th);
        free(P.scan);
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
    pthread_cond_init(&P.cv, NULL);
    for (int k = 0; k < threads; k++) {
        th[k].P = &P;
        th[k].id = k;
    }
    int started = 0;
    for (int k = 1; k < threads; k++)
        if (pthread_create(&tid[started], NULL, worker_main, &th[k]) == 0) started++;
    pthread_mutex_lock(&P.mu);
    run_thread(&th[0]);
    pthread_mutex_unlock(&P.mu);
    for (int k = 0; k < started; k++) pthread_join(tid[k], NULL);
    free(th[0].buf);
    free(P.pending.b);
    free(P.pending.res);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.cv);
    free(P.ring);
    free(tid);
    free(th);
    free(P.scan);
    boilerplate_free(P.bp);
    return MARSAD_OK;
}
