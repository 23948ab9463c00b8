/*
 * grow.h — room for need elements of elem bytes in the array *p (capacity
 * *cap elements), doubling from 64; the array keeps its contents and may
 * move. 0 when there is room, -1 when memory runs out (the array is left
 * as it was).
 */
#ifndef MARSAD_GROW_H
#define MARSAD_GROW_H

#include <stddef.h>
#include <stdlib.h>

static inline int util_grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

#endif
