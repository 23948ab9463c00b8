/*
 * main.c — runs the unit tests (all, or those whose names contain one of the
 * arguments)
 * and ends with the line "N passed, N failed".
 */
#include "test.h"

#include <dirent.h>
#include <string.h>
#include <stdlib.h>

int test_failures;

#define X(name) void test_##name(void);
#include "tests.h"
#undef X

static const struct {
    const char *name;
    void (*fn)(void);
} TESTS[] = {
#define X(name) {#name, test_##name},
#include "tests.h"
#undef X
};

marsad_model *test_model(void) {
    static marsad_model *m;
    static int tried;
    if (!m && !tried) {
        char err[512];
        tried = 1;
        m = marsad_model_load("data", err, sizeof err);
        if (!m) fprintf(stderr, "  model: %s\n", err);
    }
    return m;
}

size_t test_random_text(const char *const *pieces, size_t n, int count,
                        unsigned long long *x, char *out, size_t cap) {
    size_t len = 0;
    for (int j = 0; j < count; j++) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        const char *p = pieces[*x % n];
        size_t pl = strlen(p);
        if (len + pl >= cap) break;
        memcpy(out + len, p, pl);
        len += pl;
    }
    return len;
}

void test_words_add(test_words *p, char *text) {
    char *save = NULL;
    for (char *w = strtok_r(text, " \n\t", &save); w && p->n < p->max;
         w = strtok_r(NULL, " \n\t", &save)) {
        if (p->n == p->cap) {
            size_t nc = p->cap ? p->cap * 2 : 1024;
            char **nw = realloc(p->w, nc * sizeof *nw);
            if (!nw) return;
            p->w = nw;
            p->cap = nc;
        }
        if (!(p->w[p->n] = strdup(w))) return;
        p->n++;
    }
}

void test_words_free(test_words *p) {
    for (size_t i = 0; i < p->n; i++) free(p->w[i]);
    free(p->w);
    p->w = NULL;
    p->n = p->cap = 0;
}

char *test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; break; }
            b = nb;
        }
    }
    fclose(f);
    if (!b) return NULL;
    b[n] = '\0';
    if (len) *len = n;
    return b;
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int test_each_file(const char *dir, const char *suffix,
                   void (*fn)(const char *path, void *ctx), void *ctx) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    char **names = NULL;
    size_t n = 0, cap = 0, sl = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < sl || strcmp(e->d_name + l - sl, suffix) != 0) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmpstr);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        fn(path, ctx);
        free(names[i]);
    }
    free(names);
    return (int)n;
}

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof TESTS / sizeof *TESTS; i++) {
        int wanted = argc < 2;
        for (int a = 1; a < argc && !wanted; a++)
            wanted = strstr(TESTS[i].name, argv[a]) != NULL;
        if (!wanted) continue;
        test_failures = 0;
        TESTS[i].fn();
        if (test_failures) {
            failed++;
            printf("FAIL %s (%d)\n", TESTS[i].name, test_failures);
        } else {
            passed++;
            printf("ok   %s\n", TESTS[i].name);
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
