/*
 * gazetteer_find.c — finds and resolves place mentions in a document (see
 * gazetteer.h for the rules). Three passes over the tokens:
 *   1. cue words (place types, organizations, titles, relations, units),
 *      each recorded at the token where it ends (read only on the tokens
 *      just before a name, when pass 2 asks: see cue_end_at);
 *   2. place names by longest match, with the cues just before each name:
 *      type word, organization, person, relation and distance;
 *   3. over the mentions: the article's country; stop-word names kept only
 *      in their own country or in lists of places; anchors (unambiguous
 *      places); each mention's best candidate; "X في مدينة Y" containment.
 */
#include "geo/boundaries.h"
#include "geo/gaz_internal.h"
#include "text/text_internal.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t start, end; /* tokens [start, end) */
    uint32_t last;       /* its last non-empty token */
    const uint32_t *vals;
    uint32_t nvals;
    uint8_t definite;    /* written with the article (المدينة, بالمنطقة) */
    uint8_t pro;         /* bytes of proclitic on its first word */
} cue_hit;

typedef struct {
    uint32_t id;
    uint8_t weak, stop, home; /* GAZV_WEAK, GAZV_STOP, GAZV_HOME */
} cand;

typedef struct {
    gaz_mention m;
    cand *c;          /* candidates (into a shared pool) */
    uint32_t nc;
    uint8_t has_type; /* a place-type word precedes the name: 2 one that
                         names it (مدينة X), 1 a plural (مناطق X) */
    uint8_t state;    /* 0 pending, 1 accepted, 2 dropped */
    uint8_t dir;      /* relation is a direction (south of ...) */
    uint8_t pro_wa;   /* the first name token starts with و */
} raw;

/* cue_end and cue_start entries not looked at yet */
#define CUE_UNSEEN (-2)

typedef struct {
    const gazetteer *g;
    const marsad_token *t;
    size_t n;
    int32_t *cue_end;   /* per token: index into hits of the longest cue
                           ending there, -1 none, or CUE_UNSEEN */
    int32_t *cue_start; /* per token: the cue starting there, likewise */
    cue_hit *hits;
    size_t nhits, caphits;
    const cue_hit *hits_local; /* the scan's first room for hits (on its
                                  stack), not to be freed */
    const phrase_asker *cues; /* during the scan */
    size_t cue_max;           /* most words in a cue */
    int oom;
} ctx;

/* The cue hit starting at token i, or -1: asked once, then remembered.
 * Sets c->oom when memory runs out. */
static int32_t cue_at(ctx *c, size_t i) {
    if (c->cue_start[i] != CUE_UNSEEN) return c->cue_start[i];
    c->cue_start[i] = -1;
    phrase_match m;
    if (c->t[i].kind != MARSAD_TOK_WORD || !phrase_ask(c->cues, i, &m))
        return -1;
    if (c->nhits == c->caphits) {
        size_t nc = c->caphits ? c->caphits * 2 : 64;
        cue_hit *nh;
        if (c->hits == c->hits_local) { /* moved off the stack */
            nh = malloc(nc * sizeof *nh);
            if (nh && c->nhits) memcpy(nh, c->hits, c->nhits * sizeof *nh);
        } else {
            nh = realloc(c->hits, nc * sizeof *nh);
        }
        if (!nh) {
            c->oom = 1;
            return -1;
        }
        c->hits = nh;
        c->caphits = nc;
    }
    size_t end = i + m.ntoks - 1;
    while (end > i && c->t[end].norm_len == 0) end--;
    int definite = phrase_pro_has_article(c->t[i].norm, m.pro);
    c->hits[c->nhits] = (cue_hit){(uint32_t)i, (uint32_t)(i + m.ntoks),
                                  (uint32_t)end, m.values, m.nvalues,
                                  (uint8_t)definite, m.pro};
    return c->cue_start[i] = (int32_t)c->nhits++;
}

/* The longest cue ending at token j (the one starting first), or -1.
 * Only the tokens right before a place name are asked about, not every
 * word: a cue ending at j starts at most cue_max non-empty tokens back
 * (matching skips empty tokens, one token per word), so those starts are
 * tried in text order, each once. Gives what marking every cue at its end
 * in one pass over all tokens gives (gazetteer_scan's plain mode). */
static int32_t cue_end_at(ctx *c, size_t j) {
    if (c->cue_end[j] != CUE_UNSEEN) return c->cue_end[j];
    c->cue_end[j] = -1;
    if (c->t[j].norm_len == 0 || c->cue_max == 0) return -1; /* a cue ends
                                                                on a word */
    size_t lo = j, words = 0;
    for (size_t k = j + 1; k-- > 0;) {
        if (c->t[k].norm_len == 0) continue;
        lo = k;
        if (++words == c->cue_max) break;
    }
    for (size_t i = lo; i <= j; i++) {
        /* no call for a token already known to start no cue, or whose
         * group bit says so (phrase_ask's first test) */
        if (c->cue_start[i] == -1 ||
            (c->cues->bit && i < c->cues->n &&
             !(c->cues->mask[i] & c->cues->bit)))
            continue;
        int32_t h = cue_at(c, i);
        if (h >= 0 && c->hits[h].last == j) return c->cue_end[j] = h;
    }
    return -1;
}

static const gaz_cue *cue_kind(const ctx *c, int32_t h, int kind) {
    if (h < 0) return NULL;
    const cue_hit *hit = &c->hits[h];
    /* المدينة, بالمنطقة: "the city", not "the city of" */
    if (kind == CUE_TYPE && hit->definite) return NULL;
    for (uint32_t i = 0; i < hit->nvals; i++) {
        const gaz_cue *q = &c->g->cue[hit->vals[i]];
        if (q->kind == kind) return q;
    }
    return NULL;
}

/* A type cue that names the place after it (مدينة X, not مناطق جديدة). */
static int names_place(const ctx *c, int32_t h) {
    const gaz_cue *q = cue_kind(c, h, CUE_TYPE);
    return q && q->value > 0;
}

/* Are all the cues of match m fillers? A filler that is also a place's
 * name is the place unless an organization's head comes before it: حماة
 * in كتيبة حماة الوطن, the city in مدينة حماة. */
static int only_filler(const gazetteer *g, const phrase_match *m) {
    for (uint32_t i = 0; i < m->nvalues; i++)
        if (g->cue[m->values[i]].kind != CUE_FILLER) return 0;
    return m->nvalues > 0;
}

/* The cue hit of `kind` ending at token j in sentence s, or -1. */
static int32_t cue_before(ctx *c, size_t j_plus1, uint32_t s, int kind);

/* Is the filler word at token i (pro bytes of proclitics) a place's name?
 * Where a place-type word or a relation comes before it (مدينة حماة, ريف
 * حماة), or a preposition (في حماة, بحماة), and no organization's head
 * (كتيبة حماة الوطن); not in ساحة الشهداء, a square's name. */
static int filler_is_place(ctx *c, size_t i, size_t pro) {
    uint32_t s = c->t[i].sentence;
    if (cue_before(c, i, s, CUE_ORG) >= 0) return 0;
    if (cue_before(c, i, s, CUE_TYPE) >= 0 || cue_before(c, i, s, CUE_REL) >= 0)
        return 1;
    if (pro >= 2 && memcmp(c->t[i].norm, "ب", 2) == 0) return 1;
    if (i == 0 || c->t[i - 1].sentence != s) return 0;
    const marsad_token *p = &c->t[i - 1];
    return (p->norm_len == 4 && (memcmp(p->norm, "في", 4) == 0 ||
                                 memcmp(p->norm, "من", 4) == 0)) ||
           (p->norm_len == 6 && memcmp(p->norm, "الي", 6) == 0);
}

static int32_t cue_before(ctx *c, size_t j_plus1, uint32_t s, int kind) {
    if (j_plus1 == 0) return -1;
    size_t j = j_plus1 - 1;
    if (c->t[j].sentence != s) return -1;
    int32_t h = cue_end_at(c, j);
    if (h < 0 || !cue_kind(c, h, kind)) return -1;
    if (c->t[c->hits[h].start].sentence != s) return -1;
    return h;
}

static double token_number(const marsad_token *t) {
    char buf[64];
    size_t k = 0;
    for (uint32_t i = 0; i < t->norm_len && k + 1 < sizeof buf; i++)
        if (t->norm[i] != ',') buf[k++] = t->norm[i];
    buf[k] = '\0';
    return atof(buf);
}

/* Bytes of the original token text that fold to its first `pro` folded
 * bytes (a proclitic), plus marks after them: each character decoded and
 * folded alone (gaz_orig_prefix_plain). */
size_t gaz_orig_prefix_plain(const char *s, size_t len, size_t pro) {
    size_t i = 0, got = 0;
    char tmp[16];
    while (i < len && got < pro) {
        int32_t cp;
        int inv;
        size_t k = marsad_utf8_next(s, len, i, &cp, &inv);
        got += marsad_fold(s + i, k, tmp, sizeof tmp);
        i += k;
    }
    while (i < len) { /* marks and tatweel fold to nothing */
        int32_t cp;
        int inv;
        size_t k = marsad_utf8_next(s, len, i, &cp, &inv);
        if (marsad_fold(s + i, k, tmp, sizeof tmp) != 0) break;
        i += k;
    }
    return i;
}

/* The bytes s[i..i + *k) of the character at i and the length of its fold
 * alone, as marsad_utf8_next and marsad_fold give them: ASCII and valid
 * two-byte characters through the tokenizer's fold table (no call), the
 * rest the plain way. */
static size_t fold_len_at(const text_fast_fold *tab, const char *s,
                          size_t len, size_t i, size_t *k) {
    unsigned char c = (unsigned char)s[i];
    int32_t cp = -1;
    if (c < 0x80) {
        cp = c;
        *k = 1;
    } else if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
               ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
        cp = ((int32_t)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
        *k = 2;
    }
    if (cp >= 0 && tab[cp].len != TEXT_FOLD_NO) return tab[cp].len;
    int32_t u;
    int inv;
    char tmp[16];
    *k = marsad_utf8_next(s, len, i, &u, &inv);
    return marsad_fold(s + i, *k, tmp, sizeof tmp);
}

/* gaz_orig_prefix_plain, with most characters folded through the table
 * tab (text_fold_fast_table; a name is Arabic letters: two-byte
 * characters). */
static size_t orig_prefix_loop(const text_fast_fold *tab, const char *s,
                               size_t len, size_t pro) {
    size_t i = 0, got = 0, k;
    while (i < len && got < pro) {
        got += fold_len_at(tab, s, len, i, &k);
        i += k;
    }
    while (i < len) { /* marks and tatweel fold to nothing */
        if (fold_len_at(tab, s, len, i, &k) != 0) break;
        i += k;
    }
    return i;
}

/* orig_prefix_loop, inline for the common answer: a name with no
 * proclitic whose first character is a two-byte one that folds to
 * something (a letter, not a mark) begins where its token begins. */
static inline size_t orig_prefix(const text_fast_fold *tab, const char *s,
                                 size_t len, size_t pro) {
    if (pro == 0 && len >= 2) {
        unsigned char c0 = (unsigned char)s[0], c1 = (unsigned char)s[1];
        if (c0 >= 0xC2 && c0 <= 0xDF && (c1 & 0xC0) == 0x80) {
            uint8_t l = tab[((c0 & 0x1F) << 6) | (c1 & 0x3F)].len;
            if (l != 0 && l != TEXT_FOLD_NO) return 0;
        }
    }
    return orig_prefix_loop(tab, s, len, pro);
}

size_t gaz_orig_prefix(const char *s, size_t len, size_t pro) {
    return orig_prefix(text_fold_fast_table(), s, len, pro);
}

/* Is the folded word w (the name without proclitic) the first of a person's
 * name seen earlier in this document? */
typedef struct {
    const char **keys;
    uint32_t *lens;
    size_t n, cap;
} keyset;

static int keyset_has(const keyset *k, const char *s, uint32_t n) {
    for (size_t i = 0; i < k->n; i++)
        if (k->lens[i] == n && memcmp(k->keys[i], s, n) == 0) return 1;
    return 0;
}

static int keyset_add(keyset *k, const char *s, uint32_t n) {
    if (keyset_has(k, s, n)) return 0;
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 8;
        const char **nk = realloc(k->keys, nc * sizeof *nk);
        if (!nk) return -1;
        k->keys = nk;
        uint32_t *nl = realloc(k->lens, nc * sizeof *nl);
        if (!nl) return -1;
        k->lens = nl;
        k->cap = nc;
    }
    k->keys[k->n] = s;
    k->lens[k->n++] = n;
    return 0;
}

/* Person cue right before token q: a title/kinship word or a first name. */
static int person_before(ctx *c, size_t q, uint32_t s) {
    if (q == 0 || c->t[q - 1].sentence != s) return 0;
    if (cue_before(c, q, s, CUE_PERSON) >= 0) return 1;
    phrase_match pm;
    return phrase_dict_match(c->g->persons, c->t, c->n, q - 1, PHRASE_PRO,
                             &pm) &&
           pm.ntoks == 1;
}

/* A country or region (gaz_is_area). */
static int is_area(const gazetteer *g, const gaz_place *p) {
    return gaz_is_area(g, p->id);
}

/* strcmp(a, b) == 0 for two country codes (char[3]: "LY", or "" unknown),
 * without a call. */
static inline int same_cc(const char *a, const char *b) {
    return a[0] == b[0] &&
           (a[0] == '\0' || (a[1] == b[1] && (a[1] == '\0' || a[2] == b[2])));
}

/* Score of candidate place p for mention r (higher is better). */
/* Distances between a candidate and an anchor, remembered: articles name
 * the same places again and again, and each is resolved twice (before and
 * after its country is known), so most pairs come back. A direct-mapped
 * table of KM_SLOTS slots per thread, keyed by the gazetteer's serial
 * (unique per load) and the ordered pair of place ids; a slot keeps the
 * value boundaries_distance_km_cos gave for the pair, which depends on
 * nothing but the two places, so answers are exactly the computed ones.
 * Being static, the table costs no allocation per article. Cost: 24 bytes
 * per slot, a multiply and two compares per question against about 170
 * instructions for the distance. */
enum { KM_BITS = 11, KM_SLOTS = 1 << KM_BITS };
typedef struct {
    uint64_t serial; /* the gazetteer's (0: empty) */
    uint64_t key;    /* p << 32 | q */
    double km;
} km_slot;
static _Thread_local km_slot km_table[KM_SLOTS];

/* The distance from place p to place q, computed. */
static double place_km_plain(const gazetteer *g, uint32_t p, uint32_t q) {
    const gaz_place *a = &g->places[p], *b = &g->places[q];
    return boundaries_distance_km_cos(a->lat, a->lon, a->coslat, b->lat,
                                      b->lon, b->coslat);
}

/* place_km_plain through this thread's table; serial is g->serial (read
 * once by the caller: the table's stores could change it, for all the
 * compiler knows). */
static inline double place_km(const gazetteer *g, uint64_t serial, uint32_t p,
                              uint32_t q) {
    uint64_t key = (uint64_t)p << 32 | q;
    km_slot *sl = &km_table[((key + serial) * 0x9E3779B97F4A7C15ull) >>
                            (64 - KM_BITS)];
    if (sl->key != key || sl->serial != serial) {
        sl->serial = serial;
        sl->key = key;
        sl->km = place_km_plain(g, p, q);
    }
    return sl->km;
}

/* An anchor as scoring reads it: its place, the token where its name
 * starts (which mention it is) and that token's sentence. */
typedef struct {
    uint32_t place, tok, sentence;
} anchor;

typedef struct {
    const char *country; /* the article's country, or NULL */
    const char (*voted)[3];
    size_t nvoted;
    const anchor *anchors;
    size_t nanchors;
    int km_cached; /* distances through the table (see place_km) */
} doc_ctx;

static double score(const ctx *c, const doc_ctx *d, const raw *r,
                    const cand *k) {
    const gaz_place *p = &c->g->places[k->id];
    double s = gaz_place_rank(c->g, k->id);
    if (d->country && same_cc(p->country, d->country)) {
        s += 1000;
    } else {
        for (size_t i = 0; i < d->nvoted; i++)
            if (same_cc(d->voted[i], p->country)) s += 150;
    }
    if (k->weak) s -= 30;
    if (r->nc < 2 || is_area(c->g, p) || d->nanchors == 0) return s;
    uint32_t self = (uint32_t)r->m.name_tok_start;
    uint32_t sent = c->t[self].sentence;
    double best_same = -1, best_any = -1;
    const gazetteer *g = c->g;
    const uint64_t serial = g->serial;
    const uint32_t id = k->id;
    const int cached = d->km_cached;
    for (size_t i = 0; i < d->nanchors; i++) {
        const anchor *a = &d->anchors[i];
        if (a->tok == self) continue;
        if (a->place == id) s += 300; /* named elsewhere as itself */
        double km = cached ? place_km(g, serial, id, a->place)
                           : place_km_plain(g, id, a->place);
        if (a->sentence == sent && (best_same < 0 || km < best_same))
            best_same = km;
        if (best_any < 0 || km < best_any) best_any = km;
    }
    double km = best_same >= 0 ? best_same : best_any;
    if (km >= 0) s -= km / 10 > 200 ? 200 : km / 10;
    return s;
}

static uint32_t best_candidate(const ctx *c, const doc_ctx *d, const raw *r) {
    uint32_t best = r->c[0].id;
    double bs = -1e18;
    for (uint32_t i = 0; i < r->nc; i++) {
        double s = score(c, d, r, &r->c[i]);
        if (s > bs || (s == bs && r->c[i].id < best)) {
            bs = s;
            best = r->c[i].id;
        }
    }
    return best;
}

/* A word written with the article: ال, وال, بال, فال, كال, لل. */
static int definite_word(const marsad_token *t) {
    static const char *const PRE[] = {"ال", "وال", "بال", "فال", "كال", "لل"};
    for (size_t i = 0; i < sizeof PRE / sizeof *PRE; i++) {
        size_t l = strlen(PRE[i]);
        if (t->norm_len > l + 2 && memcmp(t->norm, PRE[i], l) == 0) return 1;
    }
    return 0;
}

/* Tokens between two mentions that make them one list ("X وY", "X، Y"). */
static int listed(const ctx *c, const raw *a, const raw *b) {
    size_t e = a->m.tok_end, s = b->m.tok_start;
    if (c->t[e - 1].sentence != c->t[s].sentence) return 0;
    if (s == e) return b->pro_wa || tok_is(&c->t[s], "و");
    if (s == e + 1)
        return tok_is(&c->t[e], ",") || tok_is(&c->t[e], "و") ||
               tok_is(&c->t[e], "او");
    return 0;
}

/* "A في B", "A بB", "A، B": B names where A is. */
static int contained(const ctx *c, const raw *a, const raw *b) {
    size_t e = a->m.tok_end, s = b->m.tok_start;
    if (c->t[e - 1].sentence != c->t[s].sentence) return 0;
    const marsad_token *f = &c->t[s];
    if (s == e)
        return f->norm_len > 2 && memcmp(f->norm, "ب", 2) == 0 &&
               b->m.name_start > f->start; /* a ب proclitic, not بنغازي */
    if (s == e + 1)
        return tok_is(&c->t[e], "في") || tok_is(&c->t[e], ",") ||
               tok_is(&c->t[e], "داخل");
    return 0;
}

static void resolve_containment(const ctx *c, raw *r, size_t nr) {
    for (size_t i = 0; i + 1 < nr; i++) {
        raw *a = &r[i], *b = NULL;
        if (a->state != 1 || a->m.in_org_name) continue;
        for (size_t j = i + 1; j < nr && !b; j++)
            if (r[j].state == 1) b = &r[j];
        if (!b || b->m.in_org_name || !contained(c, a, b)) continue;
        const gaz_place *pa = &c->g->places[a->m.place];
        const gaz_place *pb = &c->g->places[b->m.place];
        if (is_area(c->g, pa)) continue;
        if (strcmp(pb->feature, "country") == 0) {
            /* طرابلس في لبنان: a candidate in that country */
            if (same_cc(pa->country, pb->country)) continue;
            for (uint32_t k = 0; k < a->nc; k++)
                if (same_cc(c->g->places[a->c[k].id].country, pb->country)) {
                    a->m.place = a->c[k].id;
                    break;
                }
            continue;
        }
        if (is_area(c->g, pb)) continue;
        double lim = b->dir ? 150 : 50;
        if (boundaries_distance_km_cos(pa->lat, pa->lon, pa->coslat, pb->lat,
                                       pb->lon, pb->coslat) <= lim)
            continue;
        int moved = 0;
        for (uint32_t k = 0; k < a->nc && !moved; k++) {
            const gaz_place *q = &c->g->places[a->c[k].id];
            if (boundaries_distance_km_cos(q->lat, q->lon, q->coslat, pb->lat,
                                           pb->lon, pb->coslat) <= lim) {
                a->m.place = q->id;
                moved = 1;
            }
        }
        if (moved || b->dir || b->m.relation) continue;
        /* a quarter the gazetteer does not hold near B: coded at B */
        a->m.place = b->m.place;
        a->m.geo_precision = 2;
        a->m.relation = "part of";
    }
}

/* Passes 1 and 2 (they do not depend on the article's country): the name
 * mentions with their candidates, before resolution. */
struct gaz_scan {
    ctx c;        /* g, t, n (the cues are freed with the pass) */
    raw *r;       /* mentions, in text order; r[k].c point into pool */
    size_t nr;
    cand *pool;
    /* The first resolution's answer and the country it was made for (see
     * last_answer); a cache too */
    int have_last;
    int last_null;            /* it had no country */
    char last_cc[3];
    gaz_mention *last;        /* NULL when nlast is 0 */
    size_t nlast;
};

/* A resolution depends on the hint only through the article's country it
 * settles on (the hint, else the most voted). Extraction resolves twice,
 * without and then with the country it found, and most often it is the one
 * the first resolution voted for: then the first answer is the answer, a
 * copy instead of a second resolution. Returns 1 and sets *out and *n when
 * the scan holds the answer for country cc (NULL: none), else 0. */
static int last_answer(const gaz_scan *s, const char *cc, gaz_mention **out,
                       size_t *n) {
    if (!s->have_last || s->last_null != !cc ||
        (cc && !same_cc(cc, s->last_cc)))
        return 0;
    gaz_mention *res = NULL;
    if (s->nlast) {
        res = malloc(s->nlast * sizeof *res);
        if (!res) return 0; /* resolved afresh */
        memcpy(res, s->last, s->nlast * sizeof *res);
    }
    *out = res;
    *n = s->nlast;
    return 1;
}

/* Keeps the answer res[0..n) for country cc in s (when memory allows). */
static void keep_answer(gaz_scan *s, const char *cc, const gaz_mention *res,
                        size_t n) {
    if (s->have_last) return;
    gaz_mention *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy) return;
        memcpy(copy, res, n * sizeof *copy);
    }
    s->last = copy;
    s->nlast = n;
    s->last_null = !cc;
    if (cc) memcpy(s->last_cc, cc, 3);
    s->have_last = 1;
}

void gazetteer_scan_free(gaz_scan *s) {
    if (!s) return;
    free(s->r);
    free(s->pool);
    free(s->last);
    free(s);
}

/* gazetteer_scan; lazy: cues read only before names (cue_end_at), and
 * the tokens where no name starts passed over on the group's bits. */
static gaz_scan *scan_doc(const gazetteer *g, const marsad_doc *doc,
                          int lazy) {
    gaz_scan *scan = calloc(1, sizeof *scan);
    if (!scan) return NULL;
    if (!g || !doc) return scan;
    ctx c = {.g = g};
    c.t = marsad_doc_tokens(doc, &c.n);
    scan->c = c;
    if (c.n == 0) return scan;
    size_t text_len;
    const char *text = marsad_doc_text(doc, &text_len);
    size_t nr = 0, capr = 0, npool = 0, cappool = 0;
    raw *r = NULL;
    cand *pool = NULL;
    keyset persons = {0};
    int ok = 0;

    const text_fast_fold *fold_tab = text_fold_fast_table();
    phrase_asker cues, names;
    phrase_asker_init(&cues, g->cues, c.t, c.n, PHRASE_PRO);
    phrase_asker_init(&names, g->names, c.t, c.n, PHRASE_PRO);

    /* 1. cues: at every word (plain), or only where a name asks (lazy) */
    c.cues = &cues;
    c.cue_max = phrase_dict_max_tokens(g->cues);
    /* on the stack for an article's few hundred words and few dozen cues */
    int32_t cue_local[4096];
    cue_hit hit_local[64];
    c.hits = hit_local;
    c.hits_local = hit_local;
    c.caphits = sizeof hit_local / sizeof *hit_local;
    c.cue_end = c.n <= sizeof cue_local / sizeof *cue_local / 2
                    ? cue_local
                    : malloc(2 * c.n * sizeof *c.cue_end);
    if (!c.cue_end) goto done;
    c.cue_start = c.cue_end + c.n;
    for (size_t i = 0; i < c.n; i++) {
        c.cue_end[i] = lazy ? CUE_UNSEEN : -1;
        c.cue_start[i] = CUE_UNSEEN;
    }
    for (size_t i = 0; !lazy && i < c.n; i++) {
        int32_t h = cue_at(&c, i);
        if (h < 0) continue;
        int32_t *e = &c.cue_end[c.hits[h].last];
        if (*e < 0) *e = h; /* the first to start is the longest */
    }
    if (c.oom) goto done;

    /* 2. names. Where the group's bits show that no name starts at a
     * token, phrase_ask answers "no" on the bit: the lazy scan passes over
     * those tokens in a loop of its own (most words start no name) */
    const uint32_t *nmask = lazy && names.bit ? names.mask : NULL;
    size_t nlim = names.n < c.n ? names.n : c.n;
    for (size_t i = 0; i < c.n;) {
        phrase_match m, cm;
        if (nmask) {
            while (i < nlim && !(nmask[i] & names.bit)) i++;
            if (i == c.n) break;
        }
        if (c.t[i].kind != MARSAD_TOK_WORD ||
            !phrase_ask(&names, i, &m)) {
            i++;
            continue;
        }
        if (phrase_ask(&cues, i, &cm) && cm.ntoks >= m.ntoks &&
            !(only_filler(g, &cm) && filler_is_place(&c, i, m.pro))) {
            i++; /* a cue word (وسط, جنوب ...), not a place */
            continue;
        }
        int nonplace = 0;
        for (uint32_t k = 0; k < m.nvalues; k++)
            if (GAZV_ID(m.values[k]) == GAZV_NONPLACE) nonplace = 1;
        if (nonplace) {
            i += m.ntoks; /* المغرب العربي: no place */
            continue;
        }
        /* asked without clitics, the persons' filter of first words says
         * "no" for the whole word in one read (most words with a
         * proclitic are no first name); the plain scan asks in full */
        if (m.pro && (!lazy || phrase_dict_may_start(g->persons, &c.t[i])) &&
            phrase_dict_match(g->persons, c.t, c.n, i, 0, &cm) &&
            cm.ntoks == 1) {
            i++; /* باراك is a name, not ب + اراك */
            continue;
        }
        if (nr == capr) {
            capr = capr ? capr * 2 : 32;
            raw *nr_ = realloc(r, capr * sizeof *r);
            if (!nr_) goto done;
            r = nr_;
        }
        if (npool + m.nvalues > cappool) {
            size_t nc = cappool ? cappool * 2 : 256;
            while (nc < npool + m.nvalues) nc *= 2;
            cand *np = realloc(pool, nc * sizeof *np);
            if (!np) goto done;
            pool = np;
            cappool = nc;
        }
        raw *x = &r[nr];
        memset(x, 0, sizeof *x);
        uint32_t s = c.t[i].sentence;
        size_t name_end = i + m.ntoks;
        x->m.name_tok_start = i;
        x->m.name_tok_end = name_end;
        x->pro_wa = m.pro > 0 && memcmp(c.t[i].norm, "و", 2) == 0;
        /* candidates: one per place, exact spellings beat generated ones */
        size_t base = npool;
        int any_exact = 0;
        for (uint32_t k = 0; k < m.nvalues; k++)
            if (!(m.values[k] & GAZV_WEAK)) any_exact = 1;
        for (uint32_t k = 0; k < m.nvalues; k++) {
            uint32_t v = m.values[k], id = GAZV_ID(v);
            if (any_exact && (v & GAZV_WEAK)) continue;
            size_t j = base;
            while (j < npool && pool[j].id != id) j++;
            if (j == npool) {
                pool[npool++] = (cand){id, (uint8_t)(v & GAZV_WEAK ? 1 : 0),
                                       (uint8_t)(v & GAZV_STOP ? 1 : 0),
                                       (uint8_t)(v & GAZV_HOME ? 1 : 0)};
            } else if (!(v & GAZV_STOP)) {
                pool[j].stop = 0;
            }
        }
        x->c = (cand *)(uintptr_t)base; /* fixed up after the pool is final */
        x->nc = (uint32_t)(npool - base);

        /* what precedes the name */
        size_t q = i;
        /* a preposition or conjunction (بمنطقة, لمصراتة, وطرابلس) ends any
         * organization's or person's name before it */
        int joined = m.pro == 0;
        int32_t h = cue_before(&c, q, s, CUE_TYPE);
        if (h >= 0) {
            x->has_type = names_place(&c, h) ? 2 : 1;
            q = c.hits[h].start;
            joined = c.hits[h].pro == 0;
        }
        size_t o = q;
        for (int k = 0; k < 2; k++) {
            int32_t fh = cue_before(&c, o, s, CUE_FILLER);
            if (fh < 0) break;
            o = c.hits[fh].start;
        }
        int32_t oh = joined ? cue_before(&c, o, s, CUE_ORG) : -1;
        if (oh >= 0) {
            x->m.in_org_name = 1;
            q = c.hits[oh].start;
        }
        const char *name = c.t[i].norm + m.pro;
        uint32_t name_len = c.t[i].norm_len - m.pro;
        /* countries and big cities stay places after one "جورج واشنطن"; a
         * small place named like a person's surname is a person all along */
        int small = 1;
        for (size_t k = base; k < npool; k++) {
            const gaz_place *p = &g->places[pool[k].id];
            if (is_area(g, p) || p->population >= 100000) small = 0;
        }
        int person = joined && !x->has_type && !x->m.in_org_name &&
                     !(x->nc == 1 && is_area(g, &g->places[pool[base].id])) &&
                     (person_before(&c, q, s) ||
                      (small && m.ntoks == 1 &&
                       keyset_has(&persons, name, name_len)));
        if (person) {
            if (small && m.ntoks == 1 && keyset_add(&persons, name, name_len))
                goto done;
            npool = base;
            i = name_end;
            continue;
        }
        x->m.relation = NULL;
        x->m.geo_precision = 1;
        if (!x->m.in_org_name) {
            size_t rq = q;
            int has_from = 0;
            int32_t fh = cue_before(&c, rq, s, CUE_FROM);
            if (fh >= 0) {
                has_from = 1;
                rq = c.hits[fh].start;
            }
            int32_t rh = cue_before(&c, rq, s, CUE_REL);
            const gaz_cue *rel = rh >= 0 ? cue_kind(&c, rh, CUE_REL) : NULL;
            if (rel) rq = c.hits[rh].start;
            double km = 0;
            int32_t uh = (rel || has_from) ? cue_before(&c, rq, s, CUE_UNIT) : -1;
            if (uh >= 0) {
                size_t nt = c.hits[uh].start;
                if (nt > 0 && c.t[nt - 1].kind == MARSAD_TOK_NUMBER &&
                    c.t[nt - 1].sentence == s) {
                    km = token_number(&c.t[nt - 1]) *
                         cue_kind(&c, uh, CUE_UNIT)->value;
                    rq = nt - 1;
                    int32_t dh = cue_before(&c, rq, s, CUE_DIST);
                    if (dh >= 0) rq = c.hits[dh].start;
                }
            }
            if (rel) {
                x->m.relation = rel->label;
                x->m.geo_precision = (int)rel->value;
                x->dir = strstr(rel->label, "of") &&
                         (strstr(rel->label, "north") ||
                          strstr(rel->label, "south") ||
                          strstr(rel->label, "east") ||
                          strstr(rel->label, "west"));
                q = rq;
            } else if (km > 0) {
                x->m.relation = "from";
                x->m.geo_precision = 2;
                q = rq;
            }
            x->m.offset_km = km;
        }
        x->m.tok_start = q;
        x->m.tok_end = name_end;
        x->m.start = c.t[q].start;
        x->m.end = c.t[name_end - 1].end;
        x->m.name_start = c.t[i].start +
                          orig_prefix(fold_tab, text + c.t[i].start,
                                      c.t[i].end - c.t[i].start, m.pro);
        x->m.name_end = x->m.end;
        x->state = 0; /* pending until a type word or a plain name */
        for (uint32_t k = 0; k < x->nc; k++)
            if (!pool[base + k].stop) x->state = 1;
        /* مدينة X, شمال X: the word before says a place follows */
        if (x->has_type == 2 || x->dir) x->state = 1;
        nr++;
        i = name_end;
    }
    if (c.oom) goto done;
    for (size_t k = 0; k < nr; k++)
        r[k].c = pool + (uintptr_t)r[k].c;
    ok = 1;
done:
    if (c.cue_end != cue_local) free(c.cue_end);
    if (c.hits != hit_local) free(c.hits);
    free(persons.keys);
    free(persons.lens);
    if (!ok) {
        free(r);
        free(pool);
        free(scan);
        return NULL;
    }
    scan->c.cue_end = scan->c.cue_start = NULL;
    scan->c.hits = NULL;
    scan->c.hits_local = NULL;
    scan->c.nhits = scan->c.caphits = 0;
    scan->c.cues = NULL;
    scan->r = r;
    scan->nr = nr;
    scan->pool = pool;
    return scan;
}

gaz_scan *gazetteer_scan(const gazetteer *g, const marsad_doc *doc) {
    return scan_doc(g, doc, 1);
}

gaz_scan *gaz_scan_plain(const gazetteer *g, const marsad_doc *doc) {
    return scan_doc(g, doc, 0);
}

/* n rounded up to a multiple of a (a power of two: an alignment). */
static size_t align_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* Which of the scan's caches a resolution uses. */
enum { USE_KM = 1, USE_ANSWER = 2 };

/* gazetteer_resolve, with the caches `cache` (USE_*) of keep, which is
 * scan itself (then written) or NULL (cache 0). */
static size_t resolve(const gaz_scan *scan, gaz_scan *keep, const char *country_hint,
                      gaz_mention **out, int cache) {
    *out = NULL;
    if (!scan || scan->nr == 0) return 0;
    const ctx c = scan->c;
    size_t nr = scan->nr, nout = 0;
    doc_ctx d = {0};
    char (*voted)[3] = NULL;
    anchor *anchors = NULL;
    gaz_mention *res = NULL;
    size_t result = (size_t)-1;
    assert(!cache || keep == scan);
    char hint[3] = "";
    if (country_hint && country_hint[0] && country_hint[1]) {
        hint[0] = (char)toupper((unsigned char)country_hint[0]);
        hint[1] = (char)toupper((unsigned char)country_hint[1]);
        if ((cache & USE_ANSWER) && last_answer(scan, hint, out, &result))
            return result;
    }
    /* the states and resolutions below are per call: on a copy. One
     * block holds it, the anchors, the votes and the countries voted for
     * (nr each): raws first, then the counts at their alignment. An
     * article's few dozen mentions fit on the stack: no allocation */
    if (nr > SIZE_MAX / (sizeof(raw) + sizeof(size_t) + sizeof(anchor) + 3 +
                         2 * _Alignof(max_align_t)))
        return result;
    size_t votes_at = align_up(nr * sizeof(raw), _Alignof(size_t));
    size_t anchors_at = align_up(votes_at + nr * sizeof(size_t),
                                 _Alignof(anchor));
    size_t voted_at = anchors_at + nr * sizeof(anchor);
    union {
        max_align_t align;
        char bytes[8192];
    } local;
    size_t need = voted_at + nr * sizeof *voted;
    char *block = need <= sizeof local.bytes ? local.bytes : malloc(need);
    if (!block) return result;
    raw *r = (raw *)(void *)block;
    size_t *votes = (size_t *)(void *)(block + votes_at);
    anchors = (anchor *)(void *)(block + anchors_at);
    voted = (char(*)[3])(block + voted_at);
    memcpy(r, scan->r, nr * sizeof *r);
    memset(votes, 0, nr * sizeof *votes);

    /* 3a. the article's country: the hint, else the most voted */
    for (size_t k = 0; k < nr; k++) {
        if (r[k].state != 1 || r[k].m.in_org_name) continue;
        const char *cc = c.g->places[r[k].c[0].id].country;
        int one = 1;
        for (uint32_t j = 1; j < r[k].nc; j++)
            if (!same_cc(c.g->places[r[k].c[j].id].country, cc)) one = 0;
        if (!one) continue;
        size_t v = 0;
        while (v < d.nvoted && !same_cc(voted[v], cc)) v++;
        if (v == d.nvoted) memcpy(voted[d.nvoted++], cc, 3);
        votes[v]++;
    }
    d.voted = (const char(*)[3])voted;
    if (hint[0]) {
        d.country = hint;
    } else if (d.nvoted) {
        size_t best = 0;
        int tie = 0;
        for (size_t v = 1; v < d.nvoted; v++) {
            if (votes[v] > votes[best]) {
                best = v;
                tie = 0;
            } else if (votes[v] == votes[best]) {
                tie = 1;
            }
        }
        if (!tie) d.country = voted[best];
    }
    if ((cache & USE_ANSWER) && !hint[0] &&
        last_answer(scan, d.country, out, &result))
        goto done;

    /* 3b. stop-word names: kept when the place is in the article's country
     * and its stop line says so, or when listed with accepted places */
    for (size_t k = 0; k < nr; k++) {
        if (r[k].state != 0 || !d.country) continue;
        /* الراية البيضاء, السنوات الخمس: after a definite noun, an adjective */
        size_t t0 = r[k].m.tok_start;
        if (t0 > 0 && c.t[t0 - 1].sentence == c.t[t0].sentence &&
            c.t[t0 - 1].kind == MARSAD_TOK_WORD && definite_word(&c.t[t0 - 1]))
            continue;
        for (uint32_t j = 0; j < r[k].nc; j++)
            if (r[k].c[j].home &&
                same_cc(c.g->places[r[k].c[j].id].country, d.country))
                r[k].state = 1;
    }
    /* in a list: before an accepted place (مدن زليتن والخمس وترهونة), or
     * after one of the same country or kind (تشاد والنيجر ومالي), not after
     * any (طرابلس وكان: "and was") */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = 0; k < nr; k++) {
            if (r[k].state != 0) continue;
            int ok = k + 1 < nr && r[k + 1].state == 1 &&
                     listed(&c, &r[k], &r[k + 1]);
            if (!ok && k > 0 && r[k - 1].state == 1 &&
                listed(&c, &r[k - 1], &r[k])) {
                const gaz_place *prev = &c.g->places[r[k - 1].c[0].id];
                for (uint32_t j = 0; j < r[k].nc && !ok; j++) {
                    const gaz_place *p = &c.g->places[r[k].c[j].id];
                    ok = same_cc(p->country, prev->country) ||
                         (is_area(c.g, p) && is_area(c.g, prev));
                }
            }
            if (ok) {
                r[k].state = 1;
                changed = 1;
            }
        }
    }

    /* 3c. anchors: accepted places with one candidate (in the article's
     * country when it has one there) */
    for (size_t k = 0; k < nr; k++) {
        if (r[k].state != 1) continue;
        uint32_t only = UINT32_MAX;
        int n_in = 0;
        for (uint32_t j = 0; j < r[k].nc; j++) {
            const gaz_place *p = &c.g->places[r[k].c[j].id];
            if (!d.country || same_cc(p->country, d.country)) {
                n_in++;
                only = p->id;
            }
        }
        if (n_in != 1 && r[k].nc == 1) {
            n_in = 1;
            only = r[k].c[0].id;
        }
        if (n_in != 1 || is_area(c.g, &c.g->places[only])) continue;
        uint32_t tok = (uint32_t)r[k].m.name_tok_start;
        anchors[d.nanchors++] = (anchor){only, tok, c.t[tok].sentence};
    }
    d.anchors = anchors;
    d.km_cached = (cache & USE_KM) != 0;

    /* 3d. resolve */
    for (size_t k = 0; k < nr; k++) {
        if (r[k].state != 1) continue;
        r[k].m.place = best_candidate(&c, &d, &r[k]);
        r[k].m.ncandidates = (int)r[k].nc;
        const gaz_place *p = &c.g->places[r[k].m.place];
        if (p->precision > r[k].m.geo_precision)
            r[k].m.geo_precision = p->precision;
    }
    resolve_containment(&c, r, nr);

    /* output */
    for (size_t k = 0; k < nr; k++)
        if (r[k].state == 1) nout++;
    if (nout) {
        res = malloc(nout * sizeof *res);
        if (!res) goto done;
        size_t j = 0;
        for (size_t k = 0; k < nr; k++)
            if (r[k].state == 1) res[j++] = r[k].m;
    }
    *out = res;
    result = nout;
    if (cache & USE_ANSWER) keep_answer(keep, d.country, res, nout);
done:
    if (block != local.bytes) free(block);
    return result;
}

size_t gazetteer_resolve(gaz_scan *scan, const char *country_hint,
                         gaz_mention **out) {
    return resolve(scan, scan, country_hint, out, USE_KM | USE_ANSWER);
}

size_t gaz_resolve_plain(const gaz_scan *scan, const char *country_hint,
                         gaz_mention **out) {
    return resolve(scan, NULL, country_hint, out, 0);
}

size_t gazetteer_find(const gazetteer *g, const marsad_doc *doc,
                      const char *country_hint, gaz_mention **out) {
    *out = NULL;
    if (!g || !doc) return 0;
    gaz_scan *s = gazetteer_scan(g, doc);
    if (!s) return (size_t)-1;
    /* resolved once: no answer to keep */
    size_t n = resolve(s, s, country_hint, out, USE_KM);
    gazetteer_scan_free(s);
    return n;
}
