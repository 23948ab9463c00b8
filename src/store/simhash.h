/*
 * simhash.h — near-duplicate fingerprints of articles and the hashes that
 * name them.
 *
 * A SimHash (Charikar 2002) over word 3-shingles of the folded tokens: wire
 * copies and lightly edited republications differ in a few bits, unrelated
 * articles in about half of them (on the bundled articles: an edited copy
 * differs in 6 bits, two different articles in 21 or more). Six bands of the
 * fingerprint (four of 11 bits, two of 10) are indexed: fingerprints within
 * 5 bits share a band exactly (pigeonhole), within 6 to 8 bits they do with
 * probability 0.98 to 0.89; so the candidates of an article are found by six
 * index look-ups, each returning about n / 2^11 articles at random.
 */
#ifndef MARSAD_SIMHASH_H
#define MARSAD_SIMHASH_H

#include "marsad.h"

#include <stddef.h>
#include <stdint.h>

/* Fingerprints at most this many bits apart are near-duplicates: two random
 * fingerprints are that close with probability about 2.4e-10. */
#define SIMHASH_NEAR_BITS 8
/* Number of indexed bands. */
#define SIMHASH_BANDS 6
/* Texts with fewer shingles than this are too short to compare. */
#define SIMHASH_MIN_SHINGLES 12

/* 64-bit hash of n bytes with a seed (FNV-1a, then a strong finalizer so
 * that every output bit depends on every input bit). Not cryptographic. */
uint64_t simhash_hash64(const void *p, size_t n, uint64_t seed);

/* The fingerprint of a tokenized document (words and numbers, folded);
 * *nshingles receives the number of shingles it was made from. Linear. */
uint64_t simhash_doc(const marsad_doc *doc, size_t *nshingles);

/* Number of differing bits. */
int simhash_distance(uint64_t a, uint64_t b);

/* Band k (0..SIMHASH_BANDS-1) of a fingerprint: bits 11k.. (11 bits) for
 * k < 4, then 44.. and 54.. (10 bits). */
static inline int simhash_band(uint64_t h, int k) {
    int shift = k < 4 ? 11 * k : 44 + 10 * (k - 4);
    int bits = k < 4 ? 11 : 10;
    return (int)((h >> shift) & ((1u << bits) - 1));
}

#endif
