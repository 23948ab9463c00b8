/*
 * fuzz_jsonl.c — libFuzzer target for the JSON Lines reader: the input is
 * read as "fuzz.jsonl" through the reader (line splitting, the split of the
 * "text" string from the rest of the line, jansson, invalid UTF-8 recovery,
 * metadata fields, "html" pages, boilerplate blanking of "text", gzip when
 * the input starts with its magic). Every line must also read the same
 * through the split as through jansson alone (jsonl_split_agrees), and the
 * whole input the same when cut into parts of whole lines, each read by
 * reader_open_jsonl_part as the threads of the pipeline read them (the same
 * articles, ids and messages, on the same lines); a difference aborts.
 */
#include "fuzz_common.h"
#include "io/jsonl.h"
#include "io/reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a reader gave: articles and messages, in order. */
typedef struct {
    char *b;
    size_t n, cap;
} trace;

static void put(trace *t, const char *s, size_t n) {
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->b = realloc(t->b, t->cap);
        if (!t->b) abort();
    }
    memcpy(t->b + t->n, s, n);
    t->n += n;
    t->b[t->n++] = '\0';
}

static void on_diag(void *ctx, const char *file, size_t line, const char *msg) {
    char b[1024];
    int n = snprintf(b, sizeof b, "D %s:%zu: %s", file, line, msg);
    put(ctx, b, n < 0 ? 0 : (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
}

static void read_all(marsad_reader *r, trace *t) {
    if (!r) return;
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL) {
        put(t, a->id, strlen(a->id));
        put(t, a->text, a->text_len);
    }
    marsad_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data, *end = s + size;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (!jsonl_split_agrees(s, n, NULL)) {
            fprintf(stderr, "fuzz_jsonl: the split and jansson differ on a line\n");
            abort();
        }
        s += n + 1;
    }
    trace whole = {0}, parts = {0};
    marsad_reader *r = reader_open_mem_shared("fuzz.jsonl", data, size, fuzz_boilerplate(),
                                              0, on_diag, &whole);
    if (!r) return 0;
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL) {
        if (a->text[a->text_len] != '\0' || !a->id) __builtin_trap();
        put(&whole, a->id, strlen(a->id));
        put(&whole, a->text, a->text_len);
    }
    marsad_reader_free(r);
    /* in parts: a new part after every k-th newline, k from the first byte
     * (gzip data is left to the reader of the whole file) */
    if (size && !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b)) {
        size_t k = 1 + data[0] % 4, lines = 0, start = 0, part_lines = 0;
        marsad_reader_options opt = {NULL, 0, 0};
        for (size_t i = 0; i <= size; i++) {
            int cut = i == size;
            if (i < size && data[i] == '\n') {
                part_lines++;
                cut = part_lines == k;
            }
            if (!cut) continue;
            size_t stop = i < size ? i + 1 : size;
            if (stop > start)
                read_all(reader_open_jsonl_part("fuzz.jsonl", (const char *)data + start,
                                                stop - start, lines, &opt,
                                                fuzz_boilerplate(), on_diag, &parts),
                         &parts);
            lines += part_lines;
            part_lines = 0;
            start = stop;
        }
        if (whole.n != parts.n || (whole.n && memcmp(whole.b, parts.b, whole.n) != 0)) {
            fprintf(stderr, "fuzz_jsonl: the file read in parts differs\n");
            abort();
        }
    }
    free(whole.b);
    free(parts.b);
    return 0;
}
