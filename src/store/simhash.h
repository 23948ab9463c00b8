/*
 * simhash.h — near-duplicate fingerprints of articles and the hashes that
 * name them.
 *
 * A SimHash (Charikar 2002) over word 3-shingles of the folded tokens: wire
 * copies and lightly edited republications differ in a few bits, unrelated
 * articles in about half of them. Four 16-bit bands of the fingerprint are
 * indexed: two fingerprints within SIMHASH_NEAR_BITS (3) bits share at least
 * one band exactly (pigeonhole), so the candidates of an article are found by
 * four index look-ups.
 */
#ifndef MARSAD_SIMHASH_H
#define MARSAD_SIMHASH_H

#include "marsad.h"

#include <stddef.h>
#include <stdint.h>

/* Fingerprints at most this many bits apart are near-duplicates. */
#define SIMHASH_NEAR_BITS 3
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

/* Band k (0..3) of a fingerprint: 16 bits. */
static inline int simhash_band(uint64_t h, int k) {
    return (int)((h >> (16 * k)) & 0xFFFF);
}

#endif
