/*
 * snippet.c — snippets of search results from the stored text (snippet.h):
 * the words of the text with their search terms (terms.h), a sliding window
 * over them scored by the query groups it holds, the chosen window copied
 * with its matching words marked.
 */
#include "store/snippet.h"
#include "store/store_internal.h"
#include "store/terms.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *term;
    size_t len;
    int group;
} qterm;

struct snippet_query {
    qterm *t;
    size_t n, cap;
};

snippet_query *snippet_query_new(void) { return calloc(1, sizeof(snippet_query)); }

void snippet_query_free(snippet_query *q) {
    if (!q) return;
    for (size_t i = 0; i < q->n; i++) free(q->t[i].term);
    free(q->t);
    free(q);
}

size_t snippet_query_count(const snippet_query *q) { return q ? q->n : 0; }

int snippet_query_add(snippet_query *q, const char *term, size_t len,
                      int group) {
    for (size_t i = 0; i < q->n; i++)
        if (q->t[i].group == group && q->t[i].len == len &&
            memcmp(q->t[i].term, term, len) == 0)
            return 0;
    if (q->n == q->cap) {
        size_t nc = q->cap ? q->cap * 2 : 8;
        qterm *nt = realloc(q->t, nc * sizeof *nt);
        if (!nt) return -1;
        q->t = nt;
        q->cap = nc;
    }
    char *c = malloc(len + 1);
    if (!c) return -1;
    memcpy(c, term, len);
    c[len] = '\0';
    q->t[q->n++] = (qterm){c, len, group};
    return 0;
}

/* One word of the text: its bytes and the query group it matches (-1:
 * none). */
typedef struct {
    size_t start, end;
    int group;
} word;

typedef struct {
    const snippet_query *q;
    word *w;
    size_t n, cap;
    int oom;
} scan;

static int on_term(void *ctx, const store_term *t) {
    scan *sc = ctx;
    if (!t->colocated) {
        if (sc->n == sc->cap) {
            size_t nc = sc->cap ? sc->cap * 2 : 64;
            word *nw = realloc(sc->w, nc * sizeof *nw);
            if (!nw) {
                sc->oom = 1;
                return 1;
            }
            sc->w = nw;
            sc->cap = nc;
        }
        sc->w[sc->n++] = (word){t->start, t->end, -1};
    }
    word *w = &sc->w[sc->n - 1];
    if (w->group >= 0) return 0;
    for (size_t i = 0; i < sc->q->n; i++)
        if (sc->q->t[i].len == t->len &&
            memcmp(sc->q->t[i].term, t->term, t->len) == 0) {
            w->group = sc->q->t[i].group;
            break;
        }
    return 0;
}

/* Groups are small numbers (query words); a window's distinct groups are
 * counted in a table of this size, larger groups folded onto it. */
#define GROUPS 64

char *snippet_make(const snippet_query *q, const char *text, size_t len,
                   const char *open, const char *close, int ntokens,
                   long *score) {
    static const char ELLIPSIS[] = "…";
    if (score) *score = 0;
    if (ntokens < 1) ntokens = 1;
    scan sc = {q, NULL, 0, 0, 0};
    if (terms_each(text, len, TERMS_DOCUMENT, on_term, &sc) < 0 || sc.oom) {
        free(sc.w);
        return NULL;
    }
    size_t N = (size_t)ntokens, best_start = 0;
    long best = 0;
    /* windows [start, start + N) starting at a match (the words before
     * it are context that another window shows): counts per group,
     * distinct groups */
    unsigned count[GROUPS] = {0};
    long distinct = 0, matches = 0;
    size_t hi = 0;
    for (size_t start = 0; start < sc.n; start++) {
        for (; hi < sc.n && hi < start + N; hi++)
            if (sc.w[hi].group >= 0) {
                if (count[sc.w[hi].group % GROUPS]++ == 0) distinct++;
                matches++;
            }
        if (sc.w[start].group < 0) continue;
        long v = distinct * 1000 + matches;
        if (v > best) {
            best = v;
            best_start = start;
        }
        if (--count[sc.w[start].group % GROUPS] == 0) distinct--;
        matches--;
    }
    /* a little context before the first match, when the window has room */
    if (best) {
        size_t last = best_start;
        for (size_t k = best_start; k < best_start + N && k < sc.n; k++)
            if (sc.w[k].group >= 0) last = k;
        size_t room = N - (last - best_start + 1), back = room / 4;
        best_start = best_start > back ? best_start - back : 0;
    }
    strbuf b = {0};
    strbuf_add(&b, "", 0);
    size_t end = best_start + N < sc.n ? best_start + N : sc.n;
    if (sc.n) {
        if (best_start > 0) strbuf_puts(&b, ELLIPSIS);
        size_t at = sc.w[best_start].start;
        for (size_t k = best_start; k < end; k++) {
            strbuf_add(&b, text + at, sc.w[k].start - at);
            if (sc.w[k].group >= 0) strbuf_puts(&b, open);
            strbuf_add(&b, text + sc.w[k].start, sc.w[k].end - sc.w[k].start);
            if (sc.w[k].group >= 0) strbuf_puts(&b, close);
            at = sc.w[k].end;
        }
        if (end < sc.n) strbuf_puts(&b, ELLIPSIS);
    }
    free(sc.w);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    if (score) *score = best;
    return b.s;
}
