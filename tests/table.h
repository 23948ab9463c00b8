/*
 * table.h — reading table-driven test files (the TSV files in tests/data): one example
 * per line, tab-separated fields, '#' comments and blank lines skipped.
 */
#ifndef MARSAD_TEST_TABLE_H
#define MARSAD_TEST_TABLE_H

#include "test.h"

#include <stdlib.h>
#include <string.h>

#define TABLE_MAX_FIELDS 12

/* Calls fn(fields, nfields, line, ctx) for each example row of path; returns
 * the number of rows (0 when the file cannot be read, which fails a CHECK). */
static inline int table_rows(const char *path,
                             void (*fn)(char **f, int n, int line, void *ctx),
                             void *ctx) {
    size_t len;
    char *buf = test_read_file(path, &len);
    CHECK(buf != NULL);
    if (!buf) return 0;
    int rows = 0, line = 0;
    char *p = buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        line++;
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r') p[--l] = '\0';
        if (l && p[0] != '#') {
            char *f[TABLE_MAX_FIELDS];
            int n = 0;
            f[n++] = p;
            for (char *q = p; *q && n < TABLE_MAX_FIELDS; q++)
                if (*q == '\t') {
                    *q = '\0';
                    f[n++] = q + 1;
                }
            fn(f, n, line, ctx);
            rows++;
        }
        if (!nl) break;
        p = nl + 1;
    }
    free(buf);
    return rows;
}

/* table_rows for row functions that need no context. */
typedef struct {
    void (*fn)(char **f, int n, int line);
} table_plain;

static inline void table_plain_row(char **f, int n, int line, void *ctx) {
    ((table_plain *)ctx)->fn(f, n, line);
}

static inline int table_each(const char *path,
                             void (*fn)(char **f, int n, int line)) {
    table_plain p = {fn};
    return table_rows(path, table_plain_row, &p);
}

/* Writes text into dir/name (for tests of malformed data files). Returns 0. */
static inline int table_write(const char *dir, const char *name,
                              const char *text) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

#endif
