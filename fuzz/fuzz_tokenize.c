/* fuzz_tokenize.c — libFuzzer target for marsad_doc_new: tokens ordered, in
 * range, separated only by white space, folded forms right; sentences
 * partition the tokens; paragraphs and bad-byte counts consistent
 * (tests/invariants.h). Also text_phrase_key equals the folded tokens
 * joined by spaces. And the doc is the one the plain way makes
 * (text_doc_new_plain: a code point at a time, marsad_fold per token), as is
 * text_doc_new_words' for a word limit taken from the input. */
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
    int whole;
    marsad_doc *plain = text_doc_new_plain(s, size, SIZE_MAX, &whole);
    if (!plain) fail("text_doc_new_plain returned NULL");
    if ((e = inv_check_same_docs(d, plain)) != NULL) fail(e);
    marsad_doc_free(plain);
    /* a word limit from the first byte: the scan stops at the same token */
    size_t max_words = size ? 1 + data[0] % 16 : 1;
    int cut_fast = -1, cut_plain = -1;
    marsad_doc *wf = text_doc_new_words(s, size, max_words, &cut_fast);
    marsad_doc *wp = text_doc_new_plain(s, size, max_words, &cut_plain);
    if (!wf || !wp) fail("text_doc_new_words or text_doc_new_plain returned NULL");
    if (cut_fast != cut_plain) fail("text_doc_new_words cuts where the plain way does not");
    if ((e = inv_check_same_docs(wf, wp)) != NULL) fail(e);
    marsad_doc_free(wf);
    marsad_doc_free(wp);
    marsad_doc_free(d);
    return 0;
}
