/*
 * fuzz_text.c — libFuzzer target for plain-text input and its boilerplate
 * blanking: the input is read as "fuzz.txt"; the text returned must have the
 * input's length, and every byte must be the input's byte or a space that
 * replaced a non-newline byte (so evidence offsets stay valid).
 */
#include "fuzz_common.h"
#include "io/reader.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* the gzip magic would make the reader gunzip it: keep to plain text */
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) return 0;
    marsad_reader *r = reader_open_mem_shared("fuzz.txt", data, size, fuzz_boilerplate(),
                                              0, NULL, NULL);
    if (!r) return 0;
    const marsad_article *a = marsad_reader_next(r);
    if (!a || a->text_len != size) __builtin_trap();
    for (size_t i = 0; i < size; i++)
        if ((uint8_t)a->text[i] != data[i] && !(a->text[i] == ' ' && data[i] != '\n'))
            __builtin_trap();
    marsad_reader_free(r);
    return 0;
}
