/*
 * gen_corpus.c — the pinned benchmark corpus: JSON Lines articles made by
 * recombining the paragraphs and sentences of the bundled articles with a
 * fixed pseudo-random sequence, so the same inputs, seed and size always give
 * the same bytes.
 *
 *   gen_corpus [--size MB] [--seed N] [-o FILE] DIR|FILE.txt...
 *
 * The inputs are NAME.txt articles (+ NAME.json with "published" and
 * "source"), given one by one or as folders; they are read in byte order of
 * their paths (bench/corpus.list pins the set, so articles added to examples/
 * later do not change the corpus). Each generated
 * article takes a base article: its title line, then 2 to 12 paragraphs, each
 * the base's next paragraph or one drawn from the whole pool, now and then
 * rebuilt from sentences of several articles; a rare long article (40 to 120
 * paragraphs) keeps the cost of big documents in view. Ids are b0000001...,
 * published dates are the base's shifted by -400..+400 days. Output stops at
 * the first article boundary past the requested size (in MB of 10^6 bytes).
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char **paras;     /* lines of the text without the title, non-empty */
    size_t nparas;
    char *title;
    int y, m, d;      /* published */
    char *source;
} article;

typedef struct {
    char **items;
    size_t n, cap;
} strvec;

static void die(const char *what) {
    fprintf(stderr, "gen_corpus: %s\n", what);
    exit(2);
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) die("out of memory");
    return q;
}

static char *xstrndup(const char *s, size_t n) {
    char *r = xrealloc(NULL, n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

static void push(strvec *v, char *s) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->items = xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->n++] = s;
}

/* splitmix64: small, fast, and the same on every platform. */
static uint64_t rng_state;
static uint64_t rng(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static size_t pick(size_t n) { return (size_t)(rng() % n); }

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *b = xrealloc(NULL, cap);
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) b = xrealloc(b, cap *= 2);
    }
    fclose(f);
    b[n] = '\0';
    *len = n;
    return b;
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Trims ASCII white space in place; returns the start. */
static char *trim(char *s, size_t *n) {
    while (*n && (*s == ' ' || *s == '\t' || *s == '\r')) s++, (*n)--;
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

static void load_article(const char *txt, article *a, strvec *sentences) {
    size_t len;
    char *text = read_file(txt, &len);
    if (!text) {
        fprintf(stderr, "gen_corpus: %s: %s\n", txt, strerror(errno));
        exit(2);
    }
    memset(a, 0, sizeof *a);
    a->y = 2016, a->m = 1, a->d = 1;
    strvec paras = {0};
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t tn = n;
        char *t = trim(p, &tn);
        if (tn) {
            if (!a->title) a->title = xstrndup(t, tn);
            else push(&paras, xstrndup(t, tn));
        }
        p = nl ? nl + 1 : p + n;
    }
    if (!a->title) a->title = xstrndup("", 0);
    a->paras = paras.items;
    a->nparas = paras.n;
    /* sentences: cut after . ! ? ؟ followed by a space */
    for (size_t i = 0; i < a->nparas; i++) {
        const char *s = a->paras[i], *start = s;
        for (const char *q = s; *q; q++) {
            int end = (*q == '.' || *q == '!' || *q == '?') ||
                      (q[0] == '\xD8' && q[1] == '\x9F');
            if (!end) continue;
            const char *after = q + (*q == '\xD8' ? 2 : 1);
            if (*after != ' ' && *after != '\0') continue;
            size_t n = (size_t)(after - start);
            char *t = trim((char *)start, &n);
            if (n > 1) push(sentences, xstrndup(t, n));
            start = after;
            q = after - 1;
        }
        size_t n = strlen(start);
        char *t = trim((char *)start, &n);
        if (n > 1) push(sentences, xstrndup(t, n));
    }
    free(text);
    /* metadata */
    char *meta = xstrndup(txt, strlen(txt) + 1);
    strcpy(meta + strlen(txt) - 4, ".json");
    json_t *o = json_load_file(meta, 0, NULL);
    free(meta);
    if (o) {
        const char *pub = json_string_value(json_object_get(o, "published"));
        if (pub) sscanf(pub, "%d-%d-%d", &a->y, &a->m, &a->d);
        const char *src = json_string_value(json_object_get(o, "source"));
        if (src) a->source = xstrndup(src, strlen(src));
        json_decref(o);
    }
}

/* Days since 1970-01-01 and back (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

typedef struct {
    char *b;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
        b->b = xrealloc(b->b, b->cap);
    }
    memcpy(b->b + b->n, s, n);
    b->n += n;
    b->b[b->n] = '\0';
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

int main(int argc, char **argv) {
    double size_mb = 200;
    uint64_t seed = 20240601;
    const char *outpath = NULL;
    strvec dirs = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) size_mb = atof(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) outpath = argv[++i];
        else if (argv[i][0] == '-') {
            fputs("usage: gen_corpus [--size MB] [--seed N] [-o FILE] DIR|FILE.txt...\n", stderr);
            return 2;
        } else push(&dirs, argv[i]);
    }
    if (dirs.n == 0 || size_mb <= 0) die("need at least one folder and a size > 0");
    strvec files = {0};
    for (size_t k = 0; k < dirs.n; k++) {
        size_t dl = strlen(dirs.items[k]);
        if (dl > 4 && strcmp(dirs.items[k] + dl - 4, ".txt") == 0) {
            push(&files, xstrndup(dirs.items[k], dl));
            continue;
        }
        DIR *d = opendir(dirs.items[k]);
        if (!d) {
            fprintf(stderr, "gen_corpus: %s: %s\n", dirs.items[k], strerror(errno));
            return 2;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t l = strlen(e->d_name);
            if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0) continue;
            char *p = xrealloc(NULL, strlen(dirs.items[k]) + l + 2);
            sprintf(p, "%s/%s", dirs.items[k], e->d_name);
            push(&files, p);
        }
        closedir(d);
    }
    if (files.n == 0) die("no .txt articles found");
    qsort(files.items, files.n, sizeof *files.items, cmpstr);
    article *arts = xrealloc(NULL, files.n * sizeof *arts);
    strvec sentences = {0}, pool = {0};
    for (size_t i = 0; i < files.n; i++) {
        load_article(files.items[i], &arts[i], &sentences);
        for (size_t j = 0; j < arts[i].nparas; j++) push(&pool, arts[i].paras[j]);
    }
    if (pool.n == 0 || sentences.n == 0) die("the articles have no paragraphs");

    FILE *out = outpath ? fopen(outpath, "wb") : stdout;
    if (!out) die("cannot write the output file");
    rng_state = seed;
    const double target = size_mb * 1e6;
    double written = 0;
    buf text = {0};
    unsigned long id = 0;
    while (written < target) {
        const article *a = &arts[pick(files.n)];
        text.n = 0;
        puts_(&text, a->title);
        puts_(&text, "\n\n");
        size_t np = 2 + pick(11);
        if (pick(500) == 0) np = 40 + pick(81);
        size_t next = a->nparas ? pick(a->nparas) : 0;
        for (size_t k = 0; k < np; k++) {
            unsigned r = (unsigned)pick(100);
            if (r < 50 && a->nparas) {
                puts_(&text, a->paras[next]);
                next = (next + 1) % a->nparas;
            } else if (r < 85) {
                puts_(&text, pool.items[pick(pool.n)]);
            } else {
                size_t ns = 1 + pick(4);
                for (size_t s = 0; s < ns; s++) {
                    if (s) puts_(&text, " ");
                    puts_(&text, sentences.items[pick(sentences.n)]);
                }
            }
            puts_(&text, "\n");
        }
        int y, m, d;
        civil_from_days(days_from_civil(a->y, a->m, a->d) + (long)pick(801) - 400,
                        &y, &m, &d);
        char idb[32], pub[16];
        snprintf(idb, sizeof idb, "b%07lu", ++id);
        snprintf(pub, sizeof pub, "%04d-%02d-%02d", y, m, d);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(idb));
        json_object_set_new(o, "published", json_string(pub));
        json_object_set_new(o, "source", a->source ? json_string(a->source) : json_null());
        json_object_set_new(o, "text", json_stringn(text.b, text.n));
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (!line) die("out of memory");
        size_t ll = strlen(line);
        fwrite(line, 1, ll, out);
        fputc('\n', out);
        written += (double)ll + 1;
        free(line);
    }
    if (fflush(out) != 0 || ferror(out)) die("write error");
    if (out != stdout) fclose(out);
    fprintf(stderr, "gen_corpus: %lu articles, %.1f MB from %zu files (seed %llu)\n",
            id, written / 1e6, files.n, (unsigned long long)seed);
    return 0;
}
