/*
 * bench_load.c — how long loading every resource takes and how much memory
 * the loaded model holds: marsad_model_load once in a fresh process.
 *
 *   bench_load [DATADIR]
 *
 * Prints "load_ms=T cpu_ms=C rss_mb=R" (R: resident set after loading, the
 * process's own start-up included) or the load error on standard error.
 */
#include "marsad.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double seconds(clockid_t clk) {
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    char err[1024];
    double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    marsad_model *m = marsad_model_load(argc > 1 ? argv[1] : NULL, err, sizeof err);
    double w1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (!m) {
        fprintf(stderr, "bench_load: %s\n", err);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("load_ms=%.1f cpu_ms=%.1f rss_mb=%.1f\n", (w1 - w0) * 1e3,
           (c1 - c0) * 1e3, (double)ru.ru_maxrss / 1024.0);
    marsad_model_free(m);
    return 0;
}
