/*
 * tsv.c — the line reader behind every data/ table loader (see tsv.h).
 */
#include "lex/tsv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tsv_open(tsv_reader *r, const char *datadir, const char *name, char *err,
             size_t errlen) {
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s/%s", datadir ? datadir : ".", name);
    FILE *f = fopen(r->path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", r->path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 14, n = 0, got;
    char *b = malloc(cap);
    int nomem = b == NULL;
    while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                nomem = 1;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (nomem || bad) {
        free(b);
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", r->path,
                     nomem ? "out of memory" : "read error");
        return -1;
    }
    b[n] = '\0';
    r->buf = b;
    r->len = n;
    return 0;
}

int tsv_next(tsv_reader *r) {
    while (r->buf && r->pos < r->len) {
        char *s = r->buf + r->pos;
        char *nl = memchr(s, '\n', r->len - r->pos);
        size_t l = nl ? (size_t)(nl - s) : r->len - r->pos;
        r->pos += l + (nl ? 1 : 0);
        r->line++;
        s[l] = '\0';
        if (l && s[l - 1] == '\r') s[--l] = '\0';
        if (l == 0 || s[0] == '#') continue;
        size_t k = 0;
        while (k < l && (s[k] == ' ' || s[k] == '\t')) k++;
        if (k == l) continue; /* only white space */
        r->nfields = 0;
        r->field[r->nfields++] = s;
        for (char *p = s; *p && r->nfields < TSV_MAX_FIELDS; p++)
            if (*p == '\t') {
                *p = '\0';
                r->field[r->nfields++] = p + 1;
            }
        return 1;
    }
    return 0;
}

void tsv_error(const tsv_reader *r, char *err, size_t errlen, const char *fmt,
               ...) {
    if (!err || !errlen) return;
    int n = snprintf(err, errlen, "%s:%d: ", r->path, r->line);
    if (n < 0 || (size_t)n >= errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

void tsv_close(tsv_reader *r) {
    free(r->buf);
    r->buf = NULL;
    r->len = r->pos = 0;
}

static char *trim(char *s) {
    while (*s == ' ') s++;
    size_t l = strlen(s);
    while (l && s[l - 1] == ' ') s[--l] = '\0';
    return s;
}

int tsv_split(char *s, char sep, char **out, int max) {
    s = trim(s);
    if (!*s || strcmp(s, "-") == 0) return 0;
    int n = 0;
    char *p = s;
    while (n < max) {
        char *q = strchr(p, sep);
        if (q) *q = '\0';
        out[n++] = trim(p);
        if (!q) break;
        p = q + 1;
    }
    return n;
}

int tsv_want_fields(const tsv_reader *r, int min, int max, const char *columns,
                    char *err, size_t errlen) {
    if (r->nfields >= min && r->nfields <= max) return 0;
    if (min == max)
        tsv_error(r, err, errlen, "expected %d tab-separated fields (%s), got %d",
                  min, columns, r->nfields);
    else
        tsv_error(r, err, errlen,
                  "expected %d or %d tab-separated fields (%s), got %d", min,
                  max, columns, r->nfields);
    return -1;
}

int tsv_name_index(const char *s, const char *const *names, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (strcmp(s, names[k]) == 0) return (int)k;
    return -1;
}

int tsv_grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need) nc *= 2;
    if (nc > SIZE_MAX / elem) return -1;
    /* *p is the caller's own pointer type: read and written as bytes, not
     * through a void * lvalue */
    void *old, *q;
    memcpy(&old, p, sizeof old);
    if (!(q = realloc(old, nc * elem))) return -1;
    memcpy(p, &q, sizeof q);
    *cap = nc;
    return 0;
}

int tsv_add_phrase(const tsv_reader *r, phrase_dict *d, const char *phrase,
                   void **p, size_t *cap, size_t n, size_t elem,
                   const char *what, char *err, size_t errlen) {
    int a = tsv_grow(p, cap, n + 1, elem);
    if (a == 0) a = phrase_dict_add(d, phrase, strlen(phrase), (uint32_t)n);
    if (a < 0) tsv_error(r, err, errlen, "out of memory");
    else if (a > 0) tsv_error(r, err, errlen, "empty %s", what);
    return a ? -1 : 0;
}
