/*
 * fuzz_common.h — what the fuzz targets of the readers share: the
 * boilerplate rules, loaded once per process from $MARSAD_DATA or the
 * data/ directory (run the fuzzers from the repository root). A fuzzer that
 * cannot load them stops at once rather than fuzz without them.
 */
#ifndef MARSAD_FUZZ_COMMON_H
#define MARSAD_FUZZ_COMMON_H

#include "io/boilerplate.h"
#include "marsad.h"

#include <stdio.h>
#include <stdlib.h>

static const boilerplate *fuzz_boilerplate(void) {
    static boilerplate *bp;
    if (!bp) {
        char err[512];
        bp = boilerplate_load(marsad_default_datadir(), err, sizeof err);
        if (!bp) {
            fprintf(stderr, "fuzz: %s (run from the repository root or set MARSAD_DATA)\n",
                    err);
            abort();
        }
    }
    return bp;
}

#endif
