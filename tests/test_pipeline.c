/* test_pipeline.c — marsad_run_articles: results and diagnostics in input
 * order whatever the number of threads and the window. */
#include "marsad.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *s;
    size_t n, cap;
} strbuf;

static void sb_put(strbuf *b, const char *s) {
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, l + 1);
    b->n += l;
}

/* work: the article's id, text length and a checksum of its text; every
 * third article also reports a problem */
static void *work(void *ctx, const marsad_article *a, marsad_diag_fn diag,
                  void *dctx) {
    (void)ctx;
    unsigned h = 0;
    for (size_t i = 0; i < a->text_len; i++) h = h * 31 + (unsigned char)a->text[i];
    char *r = malloc(128);
    snprintf(r, 128, "%s %zu %08x %s\n", a->id ? a->id : "-", a->text_len, h,
             a->published ? a->published : "-");
    if (a->text_len % 3 == 0) diag(dctx, a->id ? a->id : "-", 0, "warning: len%3");
    return r;
}

static void sink(void *ctx, void *result) {
    sb_put(ctx, result);
    free(result);
}

static void diag(void *ctx, const char *file, size_t line, const char *msg) {
    char b[512];
    snprintf(b, sizeof b, "%s:%zu:%s\n", file, line, msg);
    sb_put(ctx, b);
}

static void run(const char *const *paths, size_t np, int threads, size_t window,
                strbuf *out, strbuf *diags) {
    CHECK_EQ_INT(marsad_run_articles(paths, np, threads, window, work, sink, out,
                                     diag, diags),
                 MARSAD_OK);
}

TEST(pipeline_same_order_any_threads)
{
    const char *jl = "build/test_pipeline.jsonl";
    FILE *f = fopen(jl, "w");
    CHECK(f != NULL);
    if (!f) return;
    for (int i = 0; i < 300; i++) {
        if (i % 37 == 5) fputs("broken line\n", f);
        fprintf(f, "{\"id\":\"a%d\",\"published\":\"2016-01-%02d\",\"text\":\"%.*s\"}\n",
                i, 1 + i % 28, i % 50, "نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص");
    }
    fputs("{\"no\":\"text\"}\n", f);
    fclose(f);
    const char *paths[] = {"examples/dev", jl, "build/no-such-file.jsonl",
                           "examples/seeds"};
    strbuf out1 = {0}, diag1 = {0};
    run(paths, 4, 1, 0, &out1, &diag1);
    CHECK(out1.n > 0 && diag1.n > 0);
    CHECK(strstr(diag1.s ? diag1.s : "", "no-such-file") != NULL);
    static const int T[] = {2, 3, 8, 0};
    static const size_t W[] = {1, 2, 5, 0};
    for (size_t t = 0; t < 4; t++) {
        for (size_t w = 0; w < 4; w++) {
            strbuf o = {0}, d = {0};
            run(paths, 4, T[t], W[w], &o, &d);
            CHECK(o.s && out1.s && strcmp(o.s, out1.s) == 0);
            CHECK(d.s && diag1.s && strcmp(d.s, diag1.s) == 0);
            free(o.s);
            free(d.s);
        }
    }
    free(out1.s);
    free(diag1.s);
    remove(jl);
}

TEST(pipeline_bad_arguments)
{
    strbuf o = {0};
    const char *p[] = {"examples/seeds"};
    CHECK_EQ_INT(marsad_run_articles(p, 1, 2, 0, NULL, sink, &o, NULL, NULL),
                 MARSAD_ERR_ARG);
    CHECK_EQ_INT(marsad_run_articles(p, 1, -1, 0, work, sink, &o, NULL, NULL),
                 MARSAD_ERR_ARG);
    /* nothing to read: no call, no failure */
    CHECK_EQ_INT(marsad_run_articles(p, 0, 2, 0, work, sink, &o, NULL, NULL),
                 MARSAD_OK);
    CHECK(o.n == 0);
    CHECK(marsad_cpu_count() >= 1);
    free(o.s);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "pipeline_ends_under_load: no end after 180 s\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(2);
    _exit(2);
}

static atomic_int spinning;

/* a thread that keeps a core busy, so the pipeline's threads wait their
 * turn and wake late */
static void *spin(void *arg) {
    (void)arg;
    while (spinning) {
    }
    return NULL;
}

/* Whatever finishes last (a worker, or the reader's slot of diagnostics
 * after the last article), the emitting thread is woken for it and the run
 * ends, also when the cores are busy and a woken thread runs late. Run
 * again and again for two seconds (hundreds of runs; at least three, which
 * under valgrind, whose threads take turns with the spinning ones, take
 * some 20 s) with two threads spinning beside it; a run that never ends
 * stops the tests after 180 s. */
TEST(pipeline_ends_under_load)
{
    const char *jl = "build/test_pipeline_load.jsonl";
    FILE *f = fopen(jl, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("{\"id\":\"a\",\"text\":\"قتل 5 جنود في سرت أمس\"}\nnot json\n"
          "{\"text\":1}\n\n{\"id\":\"b\",\"text\":\"اشتباكات في بنغازي\"}\n"
          "{\"id\":\"c\",\"text\":\"\"}\ntail\n", f);
    fclose(f);
    const char *paths[] = {jl, "build/no-such-file.jsonl",
                           "examples/seeds/000_0ea05e08e214245f.txt", jl};
    signal(SIGALRM, on_alarm);
    alarm(180);
    spinning = 1;
    pthread_t th[2];
    int nth = 0;
    for (int k = 0; k < 2; k++) nth += pthread_create(&th[nth], NULL, spin, NULL) == 0;
    int done = 0, round;
    time_t start = time(NULL);
    for (round = 0; round < 3 || time(NULL) - start < 2; round++) {
        strbuf o = {0}, d = {0};
        done += marsad_run_articles(paths, 4, 2 + round % 3, 0, work, sink, &o, diag,
                                    &d) == MARSAD_OK &&
                o.s && strstr(o.s, "b ") && d.s && strstr(d.s, "no-such-file");
        free(o.s);
        free(d.s);
    }
    spinning = 0;
    for (int k = 0; k < nth; k++) pthread_join(th[k], NULL);
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    CHECK_EQ_INT(done, round);
}

/* A JSON Lines file of many parts: every kind of line the reader treats
 * apart (no id, broken JSON, CRLF, blank and white lines, invalid UTF-8, a
 * byte order mark first, no newline at the end), spread over parts read by
 * different threads. Results, diagnostics, line numbers and the ids made up
 * from them are those of one thread. */
static void write_mixed_jsonl(const char *path, int n) {
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("\xEF\xBB\xBF{\"id\":\"first\",\"text\":\"قتل جندي في سرت\"}\n", f);
    for (int i = 0; i < n; i++) {
        switch (i % 11) {
        case 0: fputs("{\"text\":\"بلا معرف في درنة\"}\n", f); break;
        case 1: fputs("{broken\n", f); break;
        case 2: fprintf(f, "{\"id\":\"crlf%d\",\"text\":\"نص\"}\r\n", i); break;
        case 3: fputs("\n   \t\n", f); break;
        case 4: fprintf(f, "{\"id\":\"bad%d\",\"text\":\"\xff\xfe نص\"}\n", i); break;
        default:
            fprintf(f, "{\"id\":\"a%d\",\"published\":\"2016-02-%02d\",\"text\":\"%.*s\"}\n",
                    i, 1 + i % 28, 2 * (i % 200),
                    "نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص "
                    "نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص "
                    "نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص "
                    "نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص نص ");
        }
    }
    fputs("{\"text\":\"السطر الأخير بلا سطر جديد\"}", f);
    fclose(f);
}

TEST(pipeline_jsonl_parts_same_as_one_thread)
{
    const char *jl = "build/test_pipeline_parts.jsonl";
    write_mixed_jsonl(jl, 12000);
    FILE *f = fopen(jl, "rb");
    CHECK(f != NULL);
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    CHECK(size > 4 * (256 << 10)); /* several parts */
    const char *paths[] = {jl, "examples/seeds/000_0ea05e08e214245f.txt", jl};
    strbuf out1 = {0}, diag1 = {0};
    run(paths, 3, 1, 0, &out1, &diag1);
    const char *o1 = out1.s ? out1.s : "", *d1 = diag1.s ? diag1.s : "";
    /* what one thread gives: the byte order mark skipped, ids made up from
     * line numbers late in the file, messages naming those lines */
    CHECK(strncmp(o1, "first ", 6) == 0);
    /* i = 11990 has no id and i + 1 is broken: line 2 + i, plus one for
     * each j < i with j % 11 == 3 (two lines) */
    CHECK(strstr(o1, "\nline13082 ") != NULL);
    CHECK(strstr(d1, jl) != NULL && strstr(d1, ":13083:broken JSON") != NULL);
    CHECK(strstr(d1, "invalid UTF-8") != NULL);
    size_t last = strlen(o1);
    CHECK(last > 0 && strstr(o1, "line") != NULL);
    static const int T[] = {2, 3};
    static const size_t W[] = {1, 3, 0};
    for (size_t t = 0; t < 2; t++)
        for (size_t w = 0; w < 3; w++) {
            strbuf o = {0}, d = {0};
            run(paths, 3, T[t], W[w], &o, &d);
            CHECK(o.s && strcmp(o.s, o1) == 0);
            CHECK(d.s && strcmp(d.s, d1) == 0);
            free(o.s);
            free(d.s);
        }
    free(out1.s);
    free(diag1.s);
    remove(jl);
}

/* The sink, now called on whichever thread hands the results on (mostly the
 * one that made them; which, the scheduler decides), is called one call at
 * a time and in input order. */
typedef struct {
    size_t n, seq_errors;
    long last_seq;
    atomic_int inside;  /* sink calls running now */
    int overlap;
} calls;

typedef struct {
    long seq;
} made;

static void *work_tid(void *ctx, const marsad_article *a, marsad_diag_fn d,
                      void *dctx) {
    (void)ctx, (void)d, (void)dctx;
    made *m = malloc(sizeof *m);
    m->seq = -1; /* the generated articles a0, a1, ... in order */
    if (a->id && a->id[0] == 'a' && a->id[1] >= '0' && a->id[1] <= '9') {
        char *end;
        long v = strtol(a->id + 1, &end, 10);
        if (*end == '\0') m->seq = v;
    }
    return m;
}

static void sink_tid(void *ctx, void *result) {
    calls *c = ctx;
    if (atomic_fetch_add(&c->inside, 1) != 0) c->overlap = 1;
    made *m = result;
    if (m->seq >= 0) {
        if (m->seq <= c->last_seq) c->seq_errors++;
        c->last_seq = m->seq;
    }
    c->n++;
    free(m);
    atomic_fetch_sub(&c->inside, 1);
}

TEST(pipeline_sink_one_at_a_time_in_order)
{
    const char *jl = "build/test_pipeline_sink.jsonl";
    write_mixed_jsonl(jl, 6000);
    const char *paths[] = {"examples/dev", jl, "examples/seeds"};
    for (int threads = 2; threads <= 3; threads++) {
        calls c;
        memset(&c, 0, sizeof c);
        c.last_seq = -1;
        CHECK_EQ_INT(marsad_run_articles(paths, 3, threads, 0, work_tid, sink_tid, &c,
                                         NULL, NULL),
                     MARSAD_OK);
        CHECK(!c.overlap);
        CHECK_EQ_INT(c.seq_errors, 0);
        CHECK(c.n > 4000);
    }
    remove(jl);
}
