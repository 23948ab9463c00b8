/*
 * fuzz_jsonl.c — libFuzzer target for the JSON Lines reader: the input is
 * read as "fuzz.jsonl" through the reader (line splitting, the split of the
 * "text" string from the rest of the line, jansson, invalid UTF-8 recovery,
 * metadata fields, "html" pages, boilerplate blanking of "text", gzip when
 * the input starts with its magic). Every line must also read the same
 * through the split as through jansson alone (jsonl_split_agrees); a line
 * where they differ aborts.
 */
#include "fuzz_common.h"
#include "io/jsonl.h"
#include "io/reader.h"

#include <stdint.h>
#include <string.h>

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
    marsad_reader *r = reader_open_mem_shared("fuzz.jsonl", data, size, fuzz_boilerplate(),
                                              0, NULL, NULL);
    if (!r) return 0;
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL)
        if (a->text[a->text_len] != '\0' || !a->id) __builtin_trap();
    marsad_reader_free(r);
    return 0;
}
