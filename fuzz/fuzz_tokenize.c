/* fuzz_tokenize.c — libFuzzer target for marsad_doc_new: tokens ordered, in
 * range, separated only by white space, folded forms right; sentences
 * partition the tokens; paragraphs and bad-byte counts consistent
 * (tests/invariants.h). Also text_phrase_key equals the folded tokens
 * joined by spaces. */
#include "../tests/invariants.h"
#include "text/text_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
    fprintf(stderr, "fuzz_tokenize: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    marsad_doc *d = marsad_doc_new(s, size);
    if (!d) fail("marsad_doc_new returned NULL");
    const char *e = inv_check_doc(s, size, d);
    if (e) fail(e);
    /* the phrase key of the text: non-empty folded tokens joined by spaces */
    size_t n, want = 0, total = 1;
    const marsad_token *t = marsad_doc_tokens(d, &n);
    for (size_t k = 0; k < n; k++) total += t[k].norm_len + 1;
    char *joined = malloc(total), *key = NULL;
    if (!joined) fail("out of memory");
    for (size_t k = 0; k < n; k++) {
        if (t[k].norm_len == 0) continue;
        if (want) joined[want++] = ' ';
        memcpy(joined + want, t[k].norm, t[k].norm_len);
        want += t[k].norm_len;
    }
    size_t kl = text_phrase_key(s, size, NULL, 0);
    key = malloc(kl + 1);
    if (!key) fail("out of memory");
    if (text_phrase_key(s, size, key, kl + 1) != kl || kl != want ||
        memcmp(key, joined, kl) != 0 || key[kl] != '\0')
        fail("text_phrase_key is not the folded tokens joined by spaces");
    free(joined);
    free(key);
    marsad_doc_free(d);
    return 0;
}
