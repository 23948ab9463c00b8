/* strbuf.c — the growable string's slow paths (see strbuf.h). */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int strbuf_grow(strbuf *b, size_t n) {
    if (b->oom) return 0;
    if (n > SIZE_MAX / 2 - b->n) {
        b->oom = 1;
        return 0;
    }
    size_t need = b->n + n + 1, nc = b->cap ? b->cap : 256;
    while (nc < need) nc *= 2;
    if (nc == b->cap) return 1;
    char *ns = realloc(b->s, nc);
    if (!ns) {
        b->oom = 1;
        return 0;
    }
    b->s = ns;
    b->cap = nc;
    return 1;
}

void strbuf_printf(strbuf *b, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        strbuf_add(b, tmp, (size_t)n);
        return;
    }
    if (!strbuf_room(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}
