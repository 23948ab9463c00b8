/*
 * search_latency.c — search latency of a store: runs each query of a file
 * (first tab-separated column, # lines skipped) REPEAT times through
 * store_search (10 best results with snippets, as `marsad search` asks)
 * and prints the median and 99th percentile. Built by bench/build_tools.sh.
 *
 *   search_latency STORE QUERIES [REPEAT]
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: search_latency STORE QUERIES [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 3 ? atoi(argv[3]) : 5;
    char err[512];
    store *s = store_open(argv[1], STORE_READONLY, err, sizeof err);
    if (!s) {
        fprintf(stderr, "search_latency: %s\n", err);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        fprintf(stderr, "search_latency: cannot read %s\n", argv[2]);
        return 2;
    }
    char *queries[256];
    int nq = 0;
    char line[4096];
    while (nq < 256 && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\t\n")] = '\0';
        queries[nq++] = strdup(line);
    }
    fclose(f);
    double *t = malloc(sizeof *t * (size_t)(nq * repeat + 1));
    size_t nt = 0, hits = 0;
    for (int r = 0; r < repeat; r++)
        for (int q = 0; q < nq; q++) {
            store_search_opts o = {0};
            double t0 = now_ms();
            store_hits *h = store_search(s, queries[q], &o);
            t[nt++] = now_ms() - t0;
            if (!h) {
                fprintf(stderr, "search_latency: %s: %s\n", queries[q], store_errmsg(s));
                return 1;
            }
            hits += store_hits_count(h);
            store_hits_free(h);
        }
    qsort(t, nt, sizeof *t, cmp_d);
    double sum = 0;
    for (size_t i = 0; i < nt; i++) sum += t[i];
    size_t p99 = (size_t)(0.99 * (double)(nt - 1) + 0.5);
    printf("search latency: %d queries x %d runs: p50 %.2f ms, p99 %.2f ms,"
           " mean %.2f ms, max %.2f ms (%.1f results per query)\n",
           nq, repeat, t[nt / 2], t[p99], sum / (double)nt, t[nt - 1],
           (double)hits / (double)nt);
    for (int q = 0; q < nq; q++) free(queries[q]);
    free(t);
    store_close(s);
    return 0;
}
