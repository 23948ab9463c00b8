/*
 * simhash.c — SimHash fingerprints over word 3-shingles (simhash.h).
 */
#include "store/simhash.h"

#include <string.h>

uint64_t simhash_hash64(const void *p, size_t n, uint64_t seed) {
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    /* finalizer (splitmix64): FNV alone mixes its high bits poorly */
    h ^= (uint64_t)n;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

int simhash_distance(uint64_t a, uint64_t b) {
    return __builtin_popcountll(a ^ b);
}

uint64_t simhash_doc(const marsad_doc *doc, size_t *nshingles) {
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    int32_t votes[64] = {0};
    /* the last three word hashes */
    uint64_t w[3] = {0, 0, 0};
    size_t nw = 0, ns = 0;
    for (size_t i = 0; i < nt; i++) {
        if (t[i].kind != MARSAD_TOK_WORD && t[i].kind != MARSAD_TOK_NUMBER)
            continue;
        if (t[i].norm_len == 0) continue;
        w[0] = w[1];
        w[1] = w[2];
        w[2] = simhash_hash64(t[i].norm, t[i].norm_len, 1);
        if (++nw < 3) continue;
        uint64_t sh = simhash_hash64(w, sizeof w, 2);
        for (int b = 0; b < 64; b++) votes[b] += (sh >> b) & 1 ? 1 : -1;
        ns++;
    }
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (votes[b] > 0) h |= 1ULL << b;
    if (nshingles) *nshingles = ns;
    return h;
}
