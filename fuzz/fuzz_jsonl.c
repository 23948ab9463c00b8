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
#include "util/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a reader gave, in order: articles (id, text) and messages, each
 * ended by a NUL. */
static void put(strbuf *t, const char *s, size_t n) {
    strbuf_add(t, s, n);
    strbuf_add(t, "", 1);
    if (t->oom) abort();
}

static void on_diag(void *ctx, const char *file, size_t line, const char *msg) {
    strbuf *t = ctx;
    strbuf_printf(t, "D %s:%zu: %s", file, line, msg);
    put(t, "", 0);
}

static void read_all(marsad_reader *r, strbuf *t) {
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
    strbuf whole = {0}, parts = {0};
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
        if (whole.n != parts.n || (whole.n && memcmp(whole.s, parts.s, whole.n) != 0)) {
            fprintf(stderr, "fuzz_jsonl: the file read in parts differs\n");
            abort();
        }
    }
    free(whole.s);
    free(parts.s);
    return 0;
}
