/*
 * pg_search.c — full-text search terms for PostgreSQL: the tsvector of an
 * article and the tsquery of a query, both made in C from terms.h so that
 * PostgreSQL finds what SQLite's FTS5 index with the marsad tokenizer finds
 * (folded words, clitic-stripped stems at the word's position, query
 * alternatives). No text search configuration of the server is used: the
 * literals are cast with ::tsvector and ::tsquery, which take lexemes as
 * given.
 */
#include "store/pg_internal.h"
#include "store/snippet.h"
#include "store/terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's limits: a position is at most 16383, a lexeme has at most
 * 256 positions and 2047 bytes, a tsvector's lexemes at most 1 MB. */
#define TS_MAXPOS 16383
#define TS_MAXNUMPOS 256
#define TS_MAXLEX 2047
#define TS_MAXBYTES (1000 * 1000)

/* Appends a lexeme quoted for tsvector and tsquery input. */
static void quote_lexeme(strbuf *b, const char *t, size_t n) {
    strbuf_add(b, "'", 1);
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\'' || t[i] == '\\') strbuf_add(b, &t[i], 1);
        strbuf_add(b, &t[i], 1);
    }
    strbuf_add(b, "'", 1);
}

/* ---- document side ------------------------------------------------------------ */

typedef struct {
    size_t off, len; /* in the term bytes */
    unsigned pos;
    char weight;
} occ;

typedef struct {
    strbuf bytes;
    occ *o;
    size_t n, cap;
    unsigned pos;   /* position of the last word */
    char weight;
    int oom;
} collector;

static int collect(void *ctx, const store_term *t) {
    collector *c = ctx;
    if (!t->colocated) c->pos++;
    if (t->len == 0 || t->len > TS_MAXLEX) return 0;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 256;
        occ *no = realloc(c->o, nc * sizeof *no);
        if (!no) {
            c->oom = 1;
            return 1;
        }
        c->o = no;
        c->cap = nc;
    }
    unsigned pos = c->pos > TS_MAXPOS ? TS_MAXPOS : c->pos;
    c->o[c->n++] = (occ){c->bytes.n, t->len, pos, c->weight};
    strbuf_add(&c->bytes, t->term, t->len);
    return 0;
}

static int cmp_occ(const void *pa, const void *pb, void *bytes) {
    const occ *a = pa, *b = pb;
    const char *t = bytes;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(t + a->off, t + b->off, n);
    if (c) return c;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    return (a->weight > b->weight) - (a->weight < b->weight);
}

static int same_lexeme(const collector *c, const occ *a, const occ *b) {
    return a->len == b->len &&
           memcmp(c->bytes.s + a->off, c->bytes.s + b->off, a->len) == 0;
}

char *pg_tsvector_literal(const char *title, const char *text, size_t len) {
    collector c = {{0}, NULL, 0, 0, 0, 'A', 0};
    int rc = 0;
    if (title) rc = terms_each(title, strlen(title), TERMS_DOCUMENT, collect, &c);
    /* a gap: a phrase never spans the title and the text */
    c.pos += 1;
    c.weight = 'D';
    if (rc == 0) rc = terms_each(text, len, TERMS_DOCUMENT, collect, &c);
    strbuf out = {0};
    strbuf_add(&out, "", 0);
    if (rc >= 0 && !c.oom && !c.bytes.oom && c.n) {
        qsort_r(c.o, c.n, sizeof *c.o, cmp_occ, c.bytes.s);
        size_t total = 0;
        for (size_t i = 0; i < c.n;) {
            size_t j = i;
            while (j < c.n && same_lexeme(&c, &c.o[i], &c.o[j])) j++;
            /* lexemes beyond PostgreSQL's size limit are left out */
            total += c.o[i].len;
            if (total > TS_MAXBYTES) break;
            if (out.n) strbuf_add(&out, " ", 1);
            quote_lexeme(&out, c.bytes.s + c.o[i].off, c.o[i].len);
            unsigned last = 0;
            int npos = 0;
            for (size_t k = i; k < j && npos < TS_MAXNUMPOS; k++) {
                if (c.o[k].pos == last) continue; /* title A sorts first */
                last = c.o[k].pos;
                strbuf_printf(&out, "%c%u%c", npos ? ',' : ':', c.o[k].pos,
                                 c.o[k].weight);
                npos++;
            }
            i = j;
        }
    }
    int bad = rc < 0 || c.oom || c.bytes.oom || out.oom;
    free(c.o);
    free(c.bytes.s);
    if (bad) {
        free(out.s);
        return NULL;
    }
    return out.s;
}

/* ---- query side ---------------------------------------------------------------- */

typedef struct {
    strbuf *b;
    snippet_query *sq;   /* NULL: terms not wanted (negated) */
    int group;           /* next group number */
    int words;           /* words (positions) so far in this operand */
    int alt_open;        /* an alternatives group is open */
    int oom;
} qctx;

static int on_query_term(void *ctx, const store_term *t) {
    qctx *q = ctx;
    if (t->len == 0 || t->len > TS_MAXLEX) return 0;
    if (!t->colocated) {
        if (q->alt_open) strbuf_add(q->b, ")", 1);
        if (q->words) strbuf_puts(q->b, " <-> ");
        strbuf_add(q->b, "(", 1);
        q->alt_open = 1;
        q->words++;
        q->group++;
    } else {
        strbuf_puts(q->b, " | ");
    }
    quote_lexeme(q->b, t->term, t->len);
    if (q->sq && snippet_query_add(q->sq, t->term, t->len, q->group - 1))
        q->oom = 1;
    return 0;
}

/* Appends the tsquery of one word or phrase (its terms in order, each
 * position with its alternatives); returns 1 when it had terms, 0 when
 * none, -1 when memory ran out. */
static int operand(strbuf *b, const char *s, size_t n, snippet_query *sq,
                   int *group) {
    strbuf part = {0};
    strbuf_add(&part, "", 0);
    qctx q = {&part, sq, *group, 0, 0, 0};
    int rc = terms_each(s, n, TERMS_QUERY, on_query_term, &q);
    if (q.alt_open) strbuf_add(&part, ")", 1);
    int had = q.words > 0;
    if (had) {
        strbuf_add(b, "(", 1);
        strbuf_add(b, part.s, part.n);
        strbuf_add(b, ")", 1);
    }
    int oom = rc < 0 || q.oom || part.oom;
    free(part.s);
    *group = q.group;
    return oom ? -1 : had;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Query items: operands (already in tsquery form) and operators. */
enum { IT_OPERAND, IT_AND, IT_OR, IT_NOT, IT_OPEN, IT_CLOSE };

typedef struct {
    int kind;
    char *text; /* operands */
} item;

typedef struct {
    item *v;
    size_t n, cap;
} items;

static int items_add(items *l, int kind, char *text) {
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        item *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv) return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = (item){kind, text};
    return 0;
}

static void items_free(items *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i].text);
    free(l->v);
}

/* Adds the operand of text s[0..n) (nothing when it has no terms). */
static int add_operand(items *l, const char *s, size_t n, snippet_query *sq,
                       int *group) {
    strbuf b = {0};
    int had = operand(&b, s, n, sq, group);
    if (had <= 0 || b.oom) {
        free(b.s);
        return had < 0 || b.oom ? -1 : 0;
    }
    if (items_add(l, IT_OPERAND, b.s)) {
        free(b.s);
        return -1;
    }
    return 0;
}

/* A plain query: every whitespace-separated word required. */
static int parse_plain(const char *q, items *l, snippet_query *sq) {
    int group = 0;
    for (const char *p = q; *p;) {
        while (is_space(*p)) p++;
        if (!*p) break;
        const char *w = p;
        while (*p && !is_space(*p)) p++;
        if (add_operand(l, w, (size_t)(p - w), sq, &group)) return -1;
    }
    return 0;
}

/* FTS5-style syntax: "phrases" ("" is a quote inside), barewords, OR, AND,
 * NOT, parentheses; adjacent operands are ANDed. */
static int parse_raw(const char *q, items *l, snippet_query *sq, char *err,
                     size_t errlen) {
    int group = 0, negated = 0;
    for (const char *p = q; *p;) {
        if (is_space(*p)) {
            p++;
            continue;
        }
        if (*p == '(' || *p == ')') {
            if (items_add(l, *p == '(' ? IT_OPEN : IT_CLOSE, NULL)) return -1;
            p++;
            continue;
        }
        snippet_query *terms = negated ? NULL : sq;
        if (*p == '"') {
            strbuf ph = {0};
            strbuf_add(&ph, "", 0);
            p++;
            for (;;) {
                if (!*p) {
                    free(ph.s);
                    snprintf(err, errlen, "unterminated string in query");
                    return -2;
                }
                if (*p == '"' && p[1] == '"') {
                    strbuf_add(&ph, "\"", 1);
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    strbuf_add(&ph, p++, 1);
                }
            }
            int rc = ph.oom ? -1 : add_operand(l, ph.s, ph.n, terms, &group);
            free(ph.s);
            if (rc) return -1;
            negated = 0;
            continue;
        }
        const char *w = p;
        while (*p && !is_space(*p) && *p != '"' && *p != '(' && *p != ')') p++;
        size_t n = (size_t)(p - w);
        if (n == 2 && memcmp(w, "OR", 2) == 0) {
            if (items_add(l, IT_OR, NULL)) return -1;
        } else if (n == 3 && memcmp(w, "AND", 3) == 0) {
            if (items_add(l, IT_AND, NULL)) return -1;
        } else if (n == 3 && memcmp(w, "NOT", 3) == 0) {
            if (items_add(l, IT_NOT, NULL)) return -1;
            negated = 1;
        } else {
            if (add_operand(l, w, n, terms, &group)) return -1;
            negated = 0;
        }
    }
    return 0;
}

static int starts_operand(int k) { return k == IT_OPERAND || k == IT_OPEN; }
static int ends_operand(int k) { return k == IT_OPERAND || k == IT_CLOSE; }

int pg_tsquery_literal(const char *query, int raw, char **out,
                       snippet_query *terms, char *err, size_t errlen) {
    *out = NULL;
    items l = {0};
    int rc = raw ? parse_raw(query, &l, terms, err, errlen)
                 : parse_plain(query, &l, terms);
    if (rc) {
        if (rc == -1) snprintf(err, errlen, "out of memory");
        items_free(&l);
        return -1;
    }
    /* operands without terms (punctuation) were left out; so are the
     * operators they leave dangling: binary operators need an operand on
     * each side, parentheses something inside */
    for (int changed = 1; changed;) {
        changed = 0;
        size_t k = 0;
        for (size_t i = 0; i < l.n; i++) {
            int kind = l.v[i].kind;
            int prev = k ? l.v[k - 1].kind : -1;
            int next = i + 1 < l.n ? l.v[i + 1].kind : -1;
            int drop = 0;
            if (kind == IT_AND || kind == IT_OR)
                drop = !ends_operand(prev) || !(starts_operand(next) || next == IT_NOT);
            else if (kind == IT_NOT)
                drop = !starts_operand(next);
            else if (kind == IT_OPEN && next == IT_CLOSE) {
                drop = 1;
                l.v[i + 1].kind = -1; /* the pair */
            }
            if (kind == -1) drop = 1;
            if (drop) {
                free(l.v[i].text);
                changed = 1;
                continue;
            }
            l.v[k++] = l.v[i];
        }
        l.n = k;
    }
    strbuf b = {0};
    strbuf_add(&b, "", 0);
    for (size_t i = 0; i < l.n; i++) {
        int kind = l.v[i].kind;
        int prev = i ? l.v[i - 1].kind : -1;
        /* implicit AND between neighbours; NOT is "AND NOT" */
        if (i && ((ends_operand(prev) && starts_operand(kind)) ||
                  (kind == IT_NOT && ends_operand(prev))))
            strbuf_puts(&b, " & ");
        switch (kind) {
        case IT_OPERAND: strbuf_puts(&b, l.v[i].text); break;
        case IT_AND: strbuf_puts(&b, " & "); break;
        case IT_OR: strbuf_puts(&b, " | "); break;
        case IT_NOT: strbuf_puts(&b, "!"); break;
        case IT_OPEN: strbuf_puts(&b, "("); break;
        case IT_CLOSE: strbuf_puts(&b, ")"); break;
        }
    }
    items_free(&l);
    if (b.oom) {
        free(b.s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = b.s;
    return 0;
}
