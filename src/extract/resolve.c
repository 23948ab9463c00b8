/*
 * resolve.c — the bridge between extraction and the resolvers (gazetteer,
 * actors, numbers, dates): loads them and converts their mentions into the
 * x_* types of extract_internal.h.
 */
#include "extract/extract_internal.h"

#include <stdlib.h>

int resolve_load(marsad_model *m, const char *datadir, char *err,
                 size_t errlen) {
    (void)m; (void)datadir; (void)err; (void)errlen;
    return 0;
}

void resolve_free(marsad_model *m) { (void)m; }

size_t resolve_places(const marsad_model *m, const marsad_doc *doc,
                      const char *country, x_place **out) {
    *out = NULL;
    return 0;
}

size_t resolve_actors(const marsad_model *m, const marsad_doc *doc,
                      const char *country, x_actor **out) {
    *out = NULL;
    return 0;
}

size_t resolve_numbers(const marsad_model *m, const marsad_doc *doc,
                       x_number **out) {
    *out = NULL;
    return 0;
}

size_t resolve_dates(const marsad_model *m, const marsad_doc *doc,
                     x_ymd published, x_date **out) {
    *out = NULL;
    return 0;
}

int resolve_dateline(const marsad_model *m, const marsad_doc *doc,
                     x_ymd *out) {
    return -1;
}
