/*
 * fuzz_text.c — libFuzzer target for plain-text input and its boilerplate
 * blanking: the input is read as "fuzz.txt"; the text returned must have the
 * input's length, and every byte must be the input's byte or a space that
 * replaced a non-newline byte (so evidence offsets stay valid). Read again
 * with the reader's tokens (marsad_reader_options.tokenize: blanking on the
 * doc's tokens, then text_doc_blanked), the text must be the same bytes and
 * the article's doc must be marsad_doc_new's of it, token by token.
 */
#include "../tests/invariants.h"
#include "fuzz_common.h"
#include "io/reader.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* the gzip magic would make the reader gunzip it: keep to plain text */
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) return 0;
    marsad_reader *r = reader_open_mem_shared("fuzz.txt", data, size, fuzz_boilerplate(),
                                              0, NULL, NULL);
    marsad_reader *rt = reader_open_mem_shared("fuzz.txt", data, size, fuzz_boilerplate(),
                                               0, NULL, NULL);
    if (!r || !rt) __builtin_trap();
    reader_set_tokenize(rt, 1);
    const marsad_article *a = marsad_reader_next(r);
    if (!a || a->text_len != size) __builtin_trap();
    for (size_t i = 0; i < size; i++)
        if ((uint8_t)a->text[i] != data[i] && !(a->text[i] == ' ' && data[i] != '\n'))
            __builtin_trap();
    const marsad_article *t = marsad_reader_next(rt);
    if (!t || t->text_len != size || memcmp(t->text, a->text, size) != 0) __builtin_trap();
    if (!t->doc) __builtin_trap(); /* only when memory runs out */
    {
        marsad_doc *want = marsad_doc_new(a->text, size);
        size_t dl;
        if (want && (inv_check_same_docs(t->doc, want) ||
                     memcmp(marsad_doc_text(t->doc, &dl), a->text, size) != 0 || dl != size))
            __builtin_trap();
        marsad_doc_free(want);
    }
    marsad_reader_free(r);
    marsad_reader_free(rt);
    return 0;
}
