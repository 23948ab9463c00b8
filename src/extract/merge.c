/*
 * merge.c — the rules deciding that reports describe one interaction and the
 * lowest credible figure, shared by extraction and the store (merge.h).
 */
#include "extract/merge.h"
#include "extract/extract_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double merge_km(double lat1, double lon1, double lat2, double lon2) {
    const double R = 6371.0088, rad = M_PI / 180.0;
    double dla = (lat2 - lat1) * rad, dlo = (lon2 - lon1) * rad;
    double a = sin(dla / 2) * sin(dla / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlo / 2) * sin(dlo / 2);
    return 2 * R * asin(sqrt(a < 1 ? a : 1));
}

int merge_types_compatible(const char *type_a, int triggered_a,
                           const char *type_b, int triggered_b) {
    if (!triggered_a || !triggered_b) return 1; /* casualties only */
    if (!type_a || !type_b || strcmp(type_a, type_b) == 0) return 1;
    /* combined tactics in one interaction: the higher row wins */
    int ra = x_event_type_rank(type_a), rb = x_event_type_rank(type_b);
    return ra <= 1 && rb <= 1;
}

int merge_dates_compatible(merge_date a, merge_date b, int slack,
                           int inherited_fits) {
    if (inherited_fits && (!a.explicit_date || !b.explicit_date)) return 1;
    long tol = slack + (a.precision > 1 || b.precision > 1 ? MERGE_WINDOW_DAYS : 0);
    return labs(a.day - b.day) <= tol;
}

long merge_lowest_credible(size_t n, long (*value)(void *ctx, size_t i),
                           int (*same)(void *ctx, size_t i, size_t j),
                           void *ctx) {
    long lowest = -1;
    for (size_t i = 0; i < n; i++) {
        long v = value(ctx, i);
        if (v <= 0) continue;
        /* the largest figure of the source of report i */
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            long w = value(ctx, j);
            if (w > v && same(ctx, i, j)) v = w;
        }
        if (lowest < 0 || v < lowest) lowest = v;
    }
    return lowest < 0 ? 0 : lowest;
}
