/*
 * gen_articles.c — a large article corpus made by recombining the bundled ones,
 * for benchmarks and crash tests of the store.
 *
 *   gen_articles N [SEED] < /dev/null > corpus.jsonl
 *
 * Reads examples/dev and examples/seeds (from the current directory), cuts
 * them into sentences (marsad_doc_sentences), and writes N JSON Lines
 * articles: a title taken from one article's first sentence, 3 to 14
 * sentences drawn from all articles, an outlet from a fixed list and a
 * publication date between 2014-01-01 and 2018-12-31. The generator is a
 * fixed xorshift64*, so the same N and SEED give the same bytes on every
 * machine. Built by bench/build_tools.sh.
 */
#include "marsad.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rng(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static size_t pick(size_t n) { return (size_t)(rng() % n); }

typedef struct {
    char **s;
    size_t n, cap;
} strings;

static void push(strings *v, const char *s, size_t len) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 256;
        v->s = realloc(v->s, v->cap * sizeof *v->s);
        if (!v->s) exit(2);
    }
    char *c = malloc(len + 1);
    if (!c) exit(2);
    memcpy(c, s, len);
    c[len] = '\0';
    v->s[v->n++] = c;
}

static void load(const char *dir, strings *sent, strings *titles) {
    marsad_reader *r = marsad_reader_open(dir, NULL, NULL);
    if (!r) {
        fprintf(stderr, "gen_corpus: cannot read %s (run from the repository root)\n", dir);
        exit(2);
    }
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL) {
        marsad_doc *d = marsad_doc_new(a->text, a->text_len);
        size_t ns;
        const marsad_sentence *s = marsad_doc_sentences(d, &ns);
        for (size_t i = 0; i < ns; i++) {
            if (s[i].end - s[i].start < 20) continue;
            if (i == 0) push(titles, a->text + s[i].start, s[i].end - s[i].start);
            else push(sent, a->text + s[i].start, s[i].end - s[i].start);
        }
        marsad_doc_free(d);
    }
    marsad_reader_free(r);
}

/* Civil date of a day number (days since 1970-01-01). */
static void civil(long z, int *y, int *m, int *d) {
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

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: gen_corpus N [SEED]\n");
        return 2;
    }
    long n = atol(argv[1]);
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) * 2654435761ULL + 1 : 88172645463325252ULL;
    strings sent = {0}, titles = {0};
    load("examples/dev", &sent, &titles);
    load("examples/seeds", &sent, &titles);
    if (!sent.n || !titles.n) {
        fprintf(stderr, "gen_corpus: no sentences found\n");
        return 2;
    }
    static const char *const OUTLETS[] = {
        "jawharafm", "france24", "skynews", "CNN", "aljazeera", "alarabiya",
        "bbc", "reuters", "alwasat", "libyaobserver", "rt", "anadolu",
    };
    const long day0 = 16071; /* 2014-01-01 */
    char *text = NULL;
    size_t cap = 0;
    for (long i = 0; i < n; i++) {
        int y, m, d;
        civil(day0 + (long)pick(1826), &y, &m, &d);
        char id[32], date[16];
        snprintf(id, sizeof id, "bench-%07ld", i);
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
        const char *title = titles.s[pick(titles.n)];
        size_t k = 3 + pick(12), idx[16], len = strlen(title) + 1;
        for (size_t j = 0; j < k; j++) {
            idx[j] = pick(sent.n);
            len += strlen(sent.s[idx[j]]) + 1;
        }
        if (len + 1 > cap) {
            cap = (len + 1) * 2;
            text = realloc(text, cap);
            if (!text) return 2;
        }
        /* the title line, then the sentences, three to a paragraph */
        len = (size_t)sprintf(text, "%s\n", title);
        for (size_t j = 0; j < k; j++)
            len += (size_t)sprintf(text + len, "%s%c", sent.s[idx[j]],
                                   (j + 1) % 3 == 0 ? '\n' : ' ');
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s%}", "id", id,
                              "published", date, "source",
                              OUTLETS[pick(sizeof OUTLETS / sizeof *OUTLETS)],
                              "title", title, "text", text, len);
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(line);
        free(line);
        json_decref(o);
    }
    free(text);
    for (size_t i = 0; i < sent.n; i++) free(sent.s[i]);
    for (size_t i = 0; i < titles.n; i++) free(titles.s[i]);
    free(sent.s);
    free(titles.s);
    return 0;
}
