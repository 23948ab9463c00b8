/*
 * strbuf.h — a growable NUL-terminated string, for building SQL, records
 * and page text. Start from {0}; the caller frees s. When memory runs out
 * oom is set and every later write does nothing, so a builder checks once
 * at the end. The common case (room already there) is inline: the records
 * of `extract` are written through it.
 */
#ifndef MARSAD_STRBUF_H
#define MARSAD_STRBUF_H

#include <stddef.h>
#include <string.h>

typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} strbuf;

/* Makes room for n more bytes and the NUL, growing s; 0 when out of memory
 * (oom set). */
int strbuf_grow(strbuf *b, size_t n);

static inline int strbuf_room(strbuf *b, size_t n) {
    if (b->oom) return 0;
    return b->n + n + 1 > b->cap ? strbuf_grow(b, n) : 1;
}

static inline void strbuf_add(strbuf *b, const char *s, size_t n) {
    if (!strbuf_room(b, n)) return;
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static inline void strbuf_puts(strbuf *b, const char *s) {
    strbuf_add(b, s, strlen(s));
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
