/*
 * reader.c — articles from a folder (NAME.txt + optional NAME.json), a single
 * text file, or JSON Lines (a file or standard input).
 *
 * Every problem is reported with its file and line through the caller's diag
 * function and the reader goes on: a broken metadata file still yields the
 * article's text, a broken JSON line is skipped, the next line is read.
 */
#include "marsad.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum mode { MODE_FILES, MODE_JSONL };

struct marsad_reader {
    marsad_diag_fn diag;
    void *ctx;
    size_t errors;
    enum mode mode;
    /* files mode: the list of .txt paths */
    char **paths;
    size_t npaths, next;
    /* jsonl mode */
    FILE *f;
    char *fname;
    char *line;
    size_t linecap, lineno;
    /* the current article and the storage behind it */
    marsad_article art;
    char *text, *id, *published, *source, *url, *title;
    int id_generated;          /* the current id is "lineN" */
};

static void report(marsad_reader *r, const char *file, size_t line,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static void report(marsad_reader *r, const char *file, size_t line,
                   const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->errors++;
    if (r->diag) r->diag(r->ctx, file, line, msg);
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_path(marsad_reader *r, const char *p) {
    char **np = realloc(r->paths, (r->npaths + 1) * sizeof *np);
    if (!np) return -1;
    r->paths = np;
    r->paths[r->npaths] = strdup(p);
    if (!r->paths[r->npaths]) return -1;
    r->npaths++;
    return 0;
}

static void clear_article(marsad_reader *r) {
    free(r->text); free(r->id); free(r->published);
    free(r->source); free(r->url); free(r->title);
    r->text = r->id = r->published = r->source = r->url = r->title = NULL;
    r->id_generated = 0;
    memset(&r->art, 0, sizeof r->art);
}

marsad_reader *marsad_reader_open(const char *path, marsad_diag_fn diag,
                                  void *ctx) {
    marsad_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->diag = diag;
    r->ctx = ctx;
    struct stat st;
    if (strcmp(path, "-") == 0) {
        r->mode = MODE_JSONL;
        r->f = stdin;
        r->fname = strdup("<stdin>");
        return r;
    }
    if (stat(path, &st) != 0) {
        report(r, path, 0, "%s", strerror(errno));
        marsad_reader_free(r);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            report(r, path, 0, "%s", strerror(errno));
            marsad_reader_free(r);
            return NULL;
        }
        struct dirent *e;
        char buf[4096];
        while ((e = readdir(d)) != NULL) {
            if (!ends_with(e->d_name, ".txt")) continue;
            snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
            if (push_path(r, buf)) break;
        }
        closedir(d);
        qsort(r->paths, r->npaths, sizeof *r->paths, cmpstr);
        r->mode = MODE_FILES;
        return r;
    }
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson") ||
        ends_with(path, ".json")) {
        r->f = fopen(path, "rb");
        if (!r->f) {
            report(r, path, 0, "%s", strerror(errno));
            marsad_reader_free(r);
            return NULL;
        }
        r->mode = MODE_JSONL;
        r->fname = strdup(path);
        return r;
    }
    r->mode = MODE_FILES;
    push_path(r, path);
    return r;
}

static char *read_all(const char *path, size_t *len, int *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 1 << 14, n = 0, got;
    char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) { free(b); b = NULL; break; }
            b = nb;
            cap *= 2;
        }
    }
    *err = ferror(f) ? EIO : (b ? 0 : ENOMEM);
    fclose(f);
    if (*err) { free(b); return NULL; }
    b[n] = '\0';
    *len = n;
    return b;
}

/* Copies a string member of a metadata object; reports non-string values. */
static char *meta_str(marsad_reader *r, json_t *o, const char *key,
                      const char *file, size_t line) {
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) return strdup(json_string_value(v));
    if (json_is_integer(v) && strcmp(key, "id") == 0) {
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
        return strdup(b);
    }
    report(r, file, line, "field \"%s\" is not a string; ignored", key);
    return NULL;
}

static void fill_meta(marsad_reader *r, json_t *o, const char *file,
                      size_t line) {
    r->id = meta_str(r, o, "id", file, line);
    r->published = meta_str(r, o, "published", file, line);
    r->source = meta_str(r, o, "source", file, line);
    r->url = meta_str(r, o, "url", file, line);
    r->title = meta_str(r, o, "title", file, line);
}

static char *basename_noext(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = strdup(b);
    if (!s) return NULL;
    char *dot = strrchr(s, '.');
    if (dot && dot != s) *dot = '\0';
    return s;
}

static const marsad_article *next_file(marsad_reader *r) {
    while (r->next < r->npaths) {
        const char *p = r->paths[r->next++];
        size_t len;
        int err;
        char *text = read_all(p, &len, &err);
        if (!text) {
            report(r, p, 0, "cannot read: %s", strerror(err));
            continue;
        }
        r->text = text;
        r->art.text_len = len;
        /* NAME.json beside NAME.txt holds the metadata */
        size_t pl = strlen(p);
        char *meta = malloc(pl + 2);
        if (meta) {
            memcpy(meta, p, pl - 4);
            strcpy(meta + pl - 4, ".json");
            struct stat st;
            if (stat(meta, &st) == 0) {
                json_error_t je;
                json_t *o = json_load_file(meta, 0, &je);
                if (!o)
                    report(r, meta, (size_t)(je.line > 0 ? je.line : 0),
                           "broken metadata JSON (%s); text read without it",
                           je.text);
                else if (!json_is_object(o))
                    report(r, meta, 1, "metadata is not a JSON object; ignored");
                else
                    fill_meta(r, o, meta, 0);
                json_decref(o);
            }
            free(meta);
        }
        if (!r->id) r->id = basename_noext(p);
        r->art.text = r->text;
        r->art.id = r->id;
        r->art.published = r->published;
        r->art.source = r->source;
        r->art.url = r->url;
        r->art.title = r->title;
        return &r->art;
    }
    return NULL;
}

static const marsad_article *next_jsonl(marsad_reader *r) {
    ssize_t n;
    while ((n = getline(&r->line, &r->linecap, r->f)) >= 0) {
        r->lineno++;
        size_t len = (size_t)n;
        while (len && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            len--;
        size_t i = 0;
        while (i < len && (r->line[i] == ' ' || r->line[i] == '\t')) i++;
        if (i == len) continue;
        json_error_t je;
        json_t *o = json_loadb(r->line, len, JSON_ALLOW_NUL, &je);
        if (!o) {
            report(r, r->fname, r->lineno, "broken JSON (%s, column %d); line skipped",
                   je.text, je.column);
            continue;
        }
        json_t *t = json_object_get(o, "text");
        if (!json_is_object(o) || !json_is_string(t)) {
            report(r, r->fname, r->lineno,
                   "not an article object with a string \"text\"; line skipped");
            json_decref(o);
            continue;
        }
        size_t tl = json_string_length(t);
        r->text = malloc(tl + 1);
        if (!r->text) {
            json_decref(o);
            return NULL;
        }
        memcpy(r->text, json_string_value(t), tl);
        r->text[tl] = '\0';
        fill_meta(r, o, r->fname, r->lineno);
        json_decref(o);
        if (!r->id) {
            char b[64];
            snprintf(b, sizeof b, "line%zu", r->lineno);
            r->id = strdup(b);
            r->id_generated = 1;
        }
        r->art.text = r->text;
        r->art.text_len = tl;
        r->art.id = r->id;
        r->art.published = r->published;
        r->art.source = r->source;
        r->art.url = r->url;
        r->art.title = r->title;
        return &r->art;
    }
    if (ferror(r->f)) report(r, r->fname, r->lineno + 1, "read error");
    return NULL;
}

const marsad_article *marsad_reader_next(marsad_reader *r) {
    clear_article(r);
    return r->mode == MODE_FILES ? next_file(r) : next_jsonl(r);
}

int marsad_reader_id_generated(const marsad_reader *r) {
    return r->id_generated;
}

size_t marsad_reader_errors(const marsad_reader *r) { return r->errors; }

void marsad_reader_free(marsad_reader *r) {
    if (!r) return;
    clear_article(r);
    for (size_t i = 0; i < r->npaths; i++) free(r->paths[i]);
    free(r->paths);
    if (r->f && r->f != stdin) fclose(r->f);
    free(r->fname);
    free(r->line);
    free(r);
}
