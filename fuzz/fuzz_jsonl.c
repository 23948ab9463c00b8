/*
 * fuzz_jsonl.c — libFuzzer target for the JSON Lines reader: the input is
 * read as "fuzz.jsonl" through the reader (line splitting, jansson, invalid
 * UTF-8 recovery, metadata fields, "html" pages, boilerplate blanking of
 * "text", gzip when the input starts with its magic).
 */
#include "fuzz_common.h"
#include "io/reader.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    marsad_reader *r = reader_open_mem_shared("fuzz.jsonl", data, size, fuzz_boilerplate(),
                                              0, NULL, NULL);
    if (!r) return 0;
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL)
        if (a->text[a->text_len] != '\0' || !a->id) __builtin_trap();
    marsad_reader_free(r);
    return 0;
}
