/* model.c — loading and freeing every resource extraction reads. */
#include "extract/extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MARSAD_DATADIR
#define MARSAD_DATADIR "data"
#endif

const char *marsad_default_datadir(void) {
    const char *e = getenv("MARSAD_DATA");
    return (e && *e) ? e : MARSAD_DATADIR;
}

marsad_model *marsad_model_load(const char *datadir, char *err,
                                size_t errlen) {
    if (!datadir) datadir = marsad_default_datadir();
    marsad_model *m = calloc(1, sizeof *m);
    if (!m || !(m->datadir = strdup(datadir))) {
        snprintf(err, errlen, "out of memory");
        free(m);
        return NULL;
    }
    if (triggers_load(m, datadir, err, errlen) ||
        resolve_load(m, datadir, err, errlen)) {
        marsad_model_free(m);
        return NULL;
    }
    return m;
}

void marsad_model_free(marsad_model *m) {
    if (!m) return;
    triggers_free(m);
    resolve_free(m);
    free(m->datadir);
    free(m);
}
