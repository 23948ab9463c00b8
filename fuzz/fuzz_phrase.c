/* fuzz_phrase.c — libFuzzer target for the phrase dictionary (src/lex/
 * phrase.h). The input's lines are added as phrases (value = line number)
 * and the whole input is matched at every token with the flags of its first
 * byte. A match stays inside the tokens, the sentence (unless
 * PHRASE_ANY_SENTENCE) and the clitic flags; every phrase added is found by
 * phrase_dict_get and matches itself whole; within a document scope
 * (phrase_scope_begin, and with a group, where the thread keeps the words'
 * forms and first-word hits from one scope to the next) every answer is the
 * same as without. */
#include "../tests/invariants.h"
#include "lex/phrase.h"
#include "text/text_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, size_t at) {
    fprintf(stderr, "fuzz_phrase: %s (at %zu)\n", what, at);
    abort();
}

static int has_value(const uint32_t *v, uint32_t n, uint32_t want) {
    for (uint32_t i = 0; i < n; i++)
        if (v[i] == want) return 1;
    return 0;
}

/* The phrase s[0..len) matched against a document of itself. */
static void self_match(const phrase_dict *d, const char *s, size_t len,
                       uint32_t value) {
    marsad_doc *doc = marsad_doc_new(s, len);
    size_t n, first = 0, last = 0;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    while (first < n && t[first].norm_len == 0) first++;
    for (size_t k = first; k < n; k++)
        if (t[k].norm_len) last = k;
    phrase_match m;
    if (first < n &&
        (!phrase_dict_match(d, t, n, first, PHRASE_ANY_SENTENCE, &m) ||
         m.ntoks != last - first + 1 || m.pro || m.enc ||
         !has_value(m.values, m.nvalues, value)))
        fail("a phrase does not match itself whole", value);
    marsad_doc_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    unsigned flags = size ? data[0] & 7 : 0;
    phrase_dict *d = phrase_dict_new();
    if (!d) abort();
    /* every line is a phrase */
    uint32_t line = 0;
    for (size_t a = 0; a < size; line++) {
        const char *nl = memchr(s + a, '\n', size - a);
        size_t b = nl ? (size_t)(nl - s) : size;
        int rc = phrase_dict_add(d, s + a, b - a, line);
        size_t kl = text_phrase_key(s + a, b - a, NULL, 0);
        if (rc < 0 || (rc == 1) != (kl == 0)) fail("phrase_dict_add", a);
        if (rc == 0 && kl < 512) {
            uint32_t nv;
            const uint32_t *v = phrase_dict_get(d, s + a, b - a, &nv);
            if (!v || !has_value(v, nv, line)) fail("phrase_dict_get", a);
        }
        a = b + 1;
    }
    /* and match them back, each against itself */
    line = 0;
    for (size_t a = 0; a < size; line++) {
        const char *nl = memchr(s + a, '\n', size - a);
        size_t b = nl ? (size_t)(nl - s) : size;
        size_t kl = text_phrase_key(s + a, b - a, NULL, 0);
        if (kl > 0 && kl < 1000) self_match(d, s + a, b - a, line);
        a = b + 1;
    }
    /* match over the whole input */
    marsad_doc *doc = marsad_doc_new(s, size);
    size_t n;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    for (size_t i = 0; i <= n; i++) {
        phrase_match m;
        memset(&m, 0xAB, sizeof m);
        int r = phrase_dict_match(d, t, n, i, flags, &m);
        if (!r) {
            if (m.ntoks != 0) fail("no match but ntoks set", i);
            continue;
        }
        if (m.ntoks < 1 || m.ntoks > n - i || !m.values || m.nvalues < 1)
            fail("match out of range", i);
        const marsad_token *e = &t[i + m.ntoks - 1];
        if (!(flags & PHRASE_ANY_SENTENCE) && e->sentence != t[i].sentence)
            fail("match crosses a sentence", i);
        if ((m.pro && !(flags & PHRASE_PRO)) || (m.enc && !(flags & PHRASE_ENC)))
            fail("clitics stripped without the flag", i);
        if (m.enc && m.ntoks != 1) fail("enclitic on a multi-word match", i);
        if ((size_t)m.pro + (m.ntoks == 1 ? m.enc : 0) >= t[i].norm_len)
            fail("clitics cover the whole token", i);
        for (uint32_t v = 0; v < m.nvalues; v++)
            if (m.values[v] >= line) fail("value never added", i);
    }
    /* within a document scope (memos, word keys shared by dictionaries):
     * the same answers, for every flag combination, asked twice */
    phrase_match *want = malloc((n + 1) * 8 * sizeof *want);
    int *rw = malloc((n + 1) * 8 * sizeof *rw);
    if (!want || !rw) abort();
    for (size_t i = 0; i <= n; i++)
        for (unsigned f = 0; f < 8; f++)
            rw[i * 8 + f] = phrase_dict_match(d, t, n, i, f, &want[i * 8 + f]);
    /* then in scopes with a group: the words' forms and their first-word
     * hits are made in the first and found in the second */
    phrase_group *g = phrase_group_new();
    if (!g || phrase_group_add(g, d)) abort();
    for (int k = 0; k < 3; k++) {
        phrase_scope *sc = k ? phrase_scope_begin_group(t, n, g) : phrase_scope_begin(t, n);
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i <= n; i++)
                for (unsigned f = 0; f < 8; f++) {
                    phrase_match m;
                    const phrase_match *w = &want[i * 8 + f];
                    int r = phrase_dict_match(d, t, n, i, f, &m);
                    if (r != rw[i * 8 + f] || m.ntoks != w->ntoks || m.pro != w->pro ||
                        m.enc != w->enc || m.values != w->values ||
                        m.nvalues != w->nvalues)
                        fail("a scope changes an answer", i);
                }
        phrase_scope_end(sc);
    }
    phrase_group_free(g);
    free(want);
    free(rw);
    marsad_doc_free(doc);
    phrase_dict_free(d);
    return 0;
}
