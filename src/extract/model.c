/* model.c — loading and freeing every resource extraction reads. */
#include "extract/extract_internal.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef MARSAD_DATADIR
#define MARSAD_DATADIR "data"
#endif

const char *marsad_default_datadir(void) {
    const char *e = getenv("MARSAD_DATA");
    return (e && *e) ? e : MARSAD_DATADIR;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* Hashes the names and contents of the regular files under dir (relative
 * name rel), in name order, sub-folders included. */
static uint64_t hash_tree(uint64_t h, const char *dir, const char *rel, int depth) {
    struct dirent **e = NULL;
    int n = scandir(dir, &e, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = e[i]->d_name;
        if (name[0] != '.' && depth < 8) {
            size_t pl = strlen(dir) + strlen(name) + 2;
            size_t rl = strlen(rel) + strlen(name) + 2;
            char *path = malloc(pl), *r = malloc(rl);
            struct stat st;
            if (path && r) {
                snprintf(path, pl, "%s/%s", dir, name);
                snprintf(r, rl, "%s%s%s", rel, *rel ? "/" : "", name);
                if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                    h = hash_tree(h, path, r, depth + 1);
                } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                    h = fnv(h, r, strlen(r) + 1);
                    FILE *f = fopen(path, "rb");
                    char buf[1 << 16];
                    size_t got;
                    while (f && (got = fread(buf, 1, sizeof buf, f)) > 0)
                        h = fnv(h, buf, got);
                    if (f) fclose(f);
                }
            }
            free(path);
            free(r);
        }
        free(e[i]);
    }
    free(e);
    return h;
}

const char *marsad_model_fingerprint(const marsad_model *m) {
    return m->fingerprint;
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
    uint64_t h = fnv(0xcbf29ce484222325ull, MARSAD_VERSION, sizeof MARSAD_VERSION);
    h = hash_tree(h, datadir, "", 0);
    snprintf(m->fingerprint, sizeof m->fingerprint, "%016llx", (unsigned long long)h);
    return m;
}

void marsad_model_free(marsad_model *m) {
    if (!m) return;
    triggers_free(m);
    resolve_free(m);
    free(m->datadir);
    free(m);
}
