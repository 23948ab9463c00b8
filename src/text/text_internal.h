/*
 * text_internal.h — helpers shared inside the text layer and by the lexicon
 * modules; not part of the public API.
 */
#ifndef MARSAD_TEXT_INTERNAL_H
#define MARSAD_TEXT_INTERNAL_H

#include "marsad.h"

#include <string.h>

/* True when the folded token t equals the NUL-terminated folded string s. */
static inline int tok_is(const marsad_token *t, const char *s) {
    size_t n = strlen(s);
    return t->norm_len == n && memcmp(t->norm, s, n) == 0;
}

/* The key of a phrase as the lexicons store it: the folded forms of its
 * tokens (as marsad_doc_new would cut them) joined by single spaces; tokens
 * whose folded form is empty are skipped. Returns the key length; writes at
 * most cap bytes (NUL-terminated when it fits). */
size_t text_phrase_key(const char *s, size_t len, char *out, size_t cap);

#endif
