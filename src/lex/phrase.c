/*
 * phrase.c — open-addressing hash of phrase keys and of their token-wise
 * prefixes, for incremental longest match (see phrase.h).
 *
 * Matching is the hot path of extraction: every word is asked about by a
 * dozen dictionaries, each time as the whole word and as the stems left by
 * its proclitics. Most of those words start no phrase, so a small bit filter
 * of the phrases' first words (two bits per first word, about a byte per
 * slot) answers "no" before the table is probed. Keys are hashed as a
 * polynomial over their bytes, so a word is read once for the hashes of all
 * its stems (a stem's polynomial comes from two prefix values), a key grown
 * by a token follows from the shorter key's, and nothing is copied until a
 * match needs extending.
 */
#include "lex/phrase.h"
#include "text/text_internal.h"
#include "util/grow.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    uint32_t key_off, key_len; /* in d->keys; key_len 0 marks an empty slot */
    uint32_t *vals;
    uint32_t nvals, capvals;
    uint32_t parent_off;       /* key_off of the key up to the last space
                                  (NO_PARENT: none): see find_next */
    uint8_t is_full;           /* a phrase ends here (else only a prefix) */
    uint8_t has_next;          /* some longer key begins with this one and
                                  a space (matching may extend) */
} slot;

struct phrase_dict {
    slot *slots;
    size_t nslots, used, nphrases, max_tokens;
    char *keys;
    size_t keylen, keycap;
    uint64_t *first;           /* bit filter of one-token keys: 8 bits per
                                  slot (nslots / 8 words) */
    uint64_t *next;            /* the same of the keys of several tokens */
    const phrase_group *group; /* the group that knows its first words */
    uint64_t serial;           /* see serials */
    uint32_t bit;              /* its bit there (0: none) */
};

#define NO_PARENT UINT32_MAX

/* Serials of dictionaries and groups, unique in the process: a new one for
 * every dictionary and group made, and every change of their contents, so
 * what a thread keeps of them (see word forms) is known to be theirs. */
static _Atomic uint64_t serials;

/* Longest key matching builds, in bytes. */
#define KEYMAX 1024

/* Key hashes: P(key) modulo 2^47 (text_internal.h: the same polynomial
 * marsad_doc_new stores in each token), then mixed by one multiplication
 * and one shift, so the high bits (the filters') depend on every byte and
 * the low ones (the table's index) on the high ones too. The mix only
 * spreads keys over the table and the filters: a key is always compared
 * whole. */
#define HB TEXT_KEY_B

static uint64_t pow_b[KEYMAX + 1]; /* B^k, built once */
/* B^-k for the few k an enclitic is long (B is odd, so invertible modulo
 * 2^64, and then modulo 2^47, where key polynomials are compared). */
#define ENCMAX 6
static uint64_t pow_inv[ENCMAX + 1];

static pthread_once_t pow_once = PTHREAD_ONCE_INIT;

static void pow_init(void) {
    pow_b[0] = 1;
    for (size_t k = 1; k <= KEYMAX; k++) pow_b[k] = pow_b[k - 1] * HB;
    /* Newton's iteration x <- x (2 - B x) doubles the bits of B^-1 that
     * are right; B * B = 1 modulo 8 starts it with 3 */
    uint64_t inv = HB;
    for (int r = 0; r < 5; r++) inv *= 2 - HB * inv;
    pow_inv[0] = 1;
    for (size_t k = 1; k <= ENCMAX; k++) pow_inv[k] = pow_inv[k - 1] * inv;
}

/* B^k for any k. */
static inline uint64_t pow_any(size_t k) {
    if (k <= KEYMAX) return pow_b[k];
    uint64_t r = 1, b = HB;
    for (; k; k >>= 1, b *= b)
        if (k & 1) r *= b;
    return r;
}

/* The stored hash of a key whose polynomial is h: mixed, never 0. */
static inline uint64_t poly_final(uint64_t h) {
    h = (h & TEXT_KEY_MASK) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 29;
    return h | 1;
}

static uint64_t key_hash(const char *s, size_t n) {
    return poly_final(text_key_step(0, s, n));
}

/* Two filters of nslots * 8 bits in 64-bit words: first, of the keys of
 * one token (the words a phrase may start with), and next, of the keys of
 * several (what extending a key by a word may find; three in four such
 * tries find nothing, and the filter answers them without reading the
 * table, forty times its size). A key sets two bits of one word (one
 * memory access to test), chosen by high hash bits (the table index uses
 * the low ones). */
static inline uint64_t filter_bits(uint64_t h) {
    return (1ULL << ((h >> 42) & 63)) | (1ULL << ((h >> 50) & 63));
}

static inline void filter_set(uint64_t *f, size_t nslots, uint64_t h) {
    f[(h >> 20) & (nslots / 8 - 1)] |= filter_bits(h);
}

static inline int filter_has(const uint64_t *f, size_t nslots, uint64_t h) {
    uint64_t b = filter_bits(h);
    return (f[(h >> 20) & (nslots / 8 - 1)] & b) == b;
}

/* The key k (n bytes, hash h) into the filter of its kind. */
static inline void filters_set(phrase_dict *d, const char *k, size_t n,
                               uint64_t h) {
    filter_set(memchr(k, ' ', n) ? d->next : d->first, d->nslots, h);
}

static inline int first_has(const phrase_dict *d, uint64_t h) {
    return filter_has(d->first, d->nslots, h);
}

/* Rebuilds the filters for the current table (after it grew). */
static int first_build(phrase_dict *d) {
    uint64_t *f = calloc(d->nslots / 8, sizeof *f);
    uint64_t *x = calloc(d->nslots / 8, sizeof *x);
    if (!f || !x) {
        free(f);
        free(x);
        return -1;
    }
    free(d->first);
    free(d->next);
    d->first = f;
    d->next = x;
    for (size_t i = 0; i < d->nslots; i++) {
        const slot *s = &d->slots[i];
        if (s->key_len) filters_set(d, d->keys + s->key_off, s->key_len, s->hash);
    }
    return 0;
}

phrase_dict *phrase_dict_new(void) {
    pthread_once(&pow_once, pow_init);
    phrase_dict *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->serial = ++serials;
    d->nslots = 1024;
    d->slots = calloc(d->nslots, sizeof *d->slots);
    if (!d->slots || first_build(d)) {
        free(d->slots);
        free(d);
        return NULL;
    }
    return d;
}

void phrase_dict_free(phrase_dict *d) {
    if (!d) return;
    for (size_t i = 0; i < d->nslots; i++) free(d->slots[i].vals);
    free(d->slots);
    free(d->keys);
    free(d->first);
    free(d->next);
    free(d);
}

static slot *find(const phrase_dict *d, const char *k, size_t n, uint64_t h) {
    size_t mask = d->nslots - 1, i = h & mask;
    for (;;) {
        slot *s = &d->slots[i];
        if (s->key_len == 0) return s;
        if (s->hash == h && s->key_len == n &&
            memcmp(d->keys + s->key_off, k, n) == 0)
            return s;
        i = (i + 1) & mask;
    }
}

static int rehash(phrase_dict *d) {
    size_t old_n = d->nslots;
    slot *old = d->slots;
    d->nslots *= 2;
    d->slots = calloc(d->nslots, sizeof *d->slots);
    if (!d->slots) {
        d->slots = old;
        d->nslots = old_n;
        return -1;
    }
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].key_len == 0) continue;
        size_t mask = d->nslots - 1, j = old[i].hash & mask;
        while (d->slots[j].key_len) j = (j + 1) & mask;
        d->slots[j] = old[i];
    }
    if (first_build(d)) {
        free(d->slots);
        d->slots = old;
        d->nslots = old_n;
        return -1;
    }
    free(old);
    return 0;
}

/* Finds or inserts the slot for key k. */
static slot *intern(phrase_dict *d, const char *k, size_t n) {
    /* at most half full: a key that is no key of the table (most keys
     * matching grows by a word) ends its probe at an empty slot soon, and
     * the first-word filter, a byte per slot, has the fewer false hits */
    if ((d->used + 1) * 2 > d->nslots && rehash(d)) return NULL;
    uint64_t h = key_hash(k, n);
    slot *s = find(d, k, n, h);
    if (s->key_len) return s;
    if (d->keylen + n > d->keycap) {
        size_t nc = d->keycap ? d->keycap : 4096;
        while (nc < d->keylen + n) nc *= 2;
        char *nk = realloc(d->keys, nc);
        if (!nk) return NULL;
        d->keys = nk;
        d->keycap = nc;
    }
    memcpy(d->keys + d->keylen, k, n);
    filters_set(d, k, n, h);
    s->hash = h;
    s->key_off = (uint32_t)d->keylen;
    s->key_len = (uint32_t)n;
    s->parent_off = NO_PARENT;
    d->keylen += n;
    d->used++;
    return s;
}

int phrase_dict_add_key(phrase_dict *d, const char *key, size_t len,
                        uint32_t value) {
    if (len == 0) return 1;
    /* a group knows the first words the dictionary had when it joined */
    d->group = NULL;
    d->bit = 0;
    d->serial = ++serials;
    /* every token-wise prefix is marked, so matching can stop early, and
     * each key knows the one before its last space */
    size_t ntok = 1;
    uint32_t parent = NO_PARENT;
    for (size_t i = 0; i < len; i++) {
        if (key[i] != ' ') continue;
        slot *p = intern(d, key, i);
        if (!p) return -1;
        p->has_next = 1;
        if (i) {
            p->parent_off = parent;
            parent = p->key_off;
        }
        ntok++;
    }
    slot *s = intern(d, key, len);
    if (!s) return -1;
    s->parent_off = parent;
    if (!s->is_full) {
        s->is_full = 1;
        d->nphrases++;
    }
    for (uint32_t i = 0; i < s->nvals; i++)
        if (s->vals[i] == value) return 0;
    if (s->nvals == s->capvals) {
        uint32_t nc = s->capvals ? s->capvals * 2 : 2;
        uint32_t *nv = realloc(s->vals, nc * sizeof *nv);
        if (!nv) return -1;
        s->vals = nv;
        s->capvals = nc;
    }
    s->vals[s->nvals++] = value;
    if (ntok > d->max_tokens) d->max_tokens = ntok;
    return 0;
}

int phrase_dict_add(phrase_dict *d, const char *text, size_t len,
                    uint32_t value) {
    char buf[512];
    size_t n = text_phrase_key(text, len, buf, sizeof buf);
    if (n >= sizeof buf) {
        char *big = malloc(n + 1);
        if (!big) return -1;
        text_phrase_key(text, len, big, n + 1);
        int rc = phrase_dict_add_key(d, big, n, value);
        free(big);
        return rc;
    }
    return phrase_dict_add_key(d, buf, n, value);
}

const uint32_t *phrase_dict_get(const phrase_dict *d, const char *text,
                                size_t len, uint32_t *nvalues) {
    char buf[512];
    size_t n = text_phrase_key(text, len, buf, sizeof buf);
    *nvalues = 0;
    if (n == 0 || n >= sizeof buf) return NULL;
    const slot *s = find(d, buf, n, key_hash(buf, n));
    if (!s->key_len || !s->is_full) return NULL;
    *nvalues = s->nvals;
    return s->vals;
}

int phrase_dict_may_start(const phrase_dict *d, const marsad_token *t) {
    /* what extend reads first for the word alone */
    if (t->norm_len == 0 || t->norm_len >= KEYMAX) return 0;
    return first_has(d, poly_final(text_token_key(t)));
}

size_t phrase_dict_size(const phrase_dict *d) { return d->nphrases; }
size_t phrase_dict_max_tokens(const phrase_dict *d) { return d->max_tokens; }

/* memcmp(a, b, n) == 0, inline: the keys compared are mostly one word of a
 * few letters, where a call costs more than the comparison. */
static inline int same_bytes(const char *a, const char *b, size_t n) {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return 0;
    }
    if (n >= 4) {
        uint32_t x, y, x2, y2;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&x2, a + n - 4, 4);
        memcpy(&y2, b + n - 4, 4);
        return x == y && x2 == y2;
    }
    for (; n; a++, b++, n--)
        if (*a != *b) return 0;
    return 1;
}

int phrase_same_bytes(const char *a, const char *b, size_t n) {
    return same_bytes(a, b, n);
}

/* Finds the key a + b (two pieces, so a stem with ال put back needs no
 * copy); the pieces are not NUL-terminated. */
static const slot *find2(const phrase_dict *d, const char *a, size_t alen,
                         const char *b, size_t blen, uint64_t h) {
    size_t mask = d->nslots - 1, i = h & mask, n = alen + blen;
    for (;;) {
        const slot *s = &d->slots[i];
        if (s->key_len == 0) return s;
        if (s->hash == h && s->key_len == n &&
            same_bytes(d->keys + s->key_off, a, alen) &&
            same_bytes(d->keys + s->key_off + alen, b, blen))
            return s;
        i = (i + 1) & mask;
    }
}

/* The slot of the key p + " " + w (p the key at p_off in d->keys, p_len
 * bytes, of the slot p; w of wl bytes, h its mixed hash),
 * found without building that key: a slot's key is it when it has the
 * length, ends with w, and begins with p's key and a space, which is sure
 * without comparing when the slot was added with p's key as the key before
 * its last space (then the byte after it is that space). */
static const slot *find_next(const phrase_dict *d, uint32_t p_off, uint32_t p_len,
                             const char *w, size_t wl, uint64_t h) {
    size_t mask = d->nslots - 1, i = h & mask, n = p_len + 1 + wl;
    for (;;) {
        const slot *s = &d->slots[i];
        if (s->key_len == 0) return s;
        if (s->hash == h && s->key_len == n &&
            (s->parent_off == p_off ||
             (memcmp(d->keys + s->key_off, d->keys + p_off, p_len) == 0 &&
              d->keys[s->key_off + p_len] == ' ')) &&
            same_bytes(d->keys + s->key_off + p_len + 1, w, wl))
            return s;
        i = (i + 1) & mask;
    }
}

/* Records the full phrase at slot s, ntoks tokens long, in *best when it
 * is longer than the best so far, or as long with a shorter proclitic. */
static inline void record(const slot *s, uint32_t ntoks, uint8_t pro,
                          phrase_match *best) {
    if (s->is_full && (ntoks > best->ntoks ||
                       (ntoks == best->ntoks && pro < best->pro))) {
        best->ntoks = ntoks;
        best->pro = pro;
        best->enc = 0;
        best->values = s->vals;
        best->nvalues = s->nvals;
    }
}

/* extend_found past a first word whose key s (polynomial h) some longer
 * key begins with: out of line, as most first words found end there or
 * are no key. */
static void extend_more(const phrase_dict *d, const marsad_token *toks,
                        size_t n, size_t i, unsigned flags, uint32_t key_off,
                        uint32_t key_len, uint64_t h, uint8_t pro,
                        phrase_match *best) {
    size_t k = i;
    const slot *s;
    do {
        /* next non-empty token in the same sentence */
        size_t j = k + 1;
        while (j < n && toks[j].norm_len == 0) j++;
        if (j >= n) break;
        if (!(flags & PHRASE_ANY_SENTENCE) &&
            toks[j].sentence != toks[i].sentence)
            break;
        /* the key read so far (the first word, then one word more each
         * time round) is at key_off, key_len: its slot is read only when
         * the filter lets a longer key be */
        size_t wl = toks[j].norm_len;
        if (key_len + 1 + wl >= KEYMAX) break;
        /* P(key + " " + word) from P(key) and the word's own P */
        h = (h * HB + ' ') * pow_any(wl) + text_token_key(&toks[j]);
        k = j;
        uint64_t hf = poly_final(h);
        if (!filter_has(d->next, d->nslots, hf)) break; /* no such key */
        s = find_next(d, key_off, key_len, toks[j].norm, wl, hf);
        if (!s->key_len) break;
        record(s, (uint32_t)(k - i + 1), pro, best);
        key_off = s->key_off;
        key_len = s->key_len;
    } while (s->has_next); /* else no longer phrase begins with this key */
}

/* ---- first words ------------------------------------------------------------ */

/* A key of the word at toks[i] that is a first word of d: matching records
 * it (one token), and extends it through the next tokens when a longer key
 * begins with it. Which keys of a word are first words depends on the word
 * alone, so they are found (the hits, in the order matching tries them)
 * and then played over the tokens (play_hits); a scope keeps the hits of a
 * word form for each dictionary it is asked about (see word forms). */
typedef struct {
    /* copies of what playing a hit reads of its slot, so it reads none
     * unless a longer key is found from it (the tables are large) */
    uint64_t h;            /* the key's polynomial */
    const uint32_t *vals;  /* the slot's values */
    uint32_t nvals;
    uint32_t key_off;      /* the key in d->keys */
    uint32_t key_len;
    uint8_t is_full;       /* a phrase ends with the key */
    uint8_t has_next;      /* a longer key begins with it */
    uint8_t pro;           /* bytes of proclitic stripped */
    uint8_t enc;           /* bytes of enclitic stripped (then the match is
                              the one word, taken when nothing was found
                              before it) */
} first_hit;

static inline first_hit hit_of(const slot *s, uint64_t h, size_t pro, size_t enc) {
    return (first_hit){h, s->vals, s->nvals, s->key_off, s->key_len, s->is_full,
                       s->has_next, (uint8_t)pro, (uint8_t)enc};
}

/* Most hits a word gives: the word, then for each of its segmentations a
 * stem and ال + stem (marsad_clitic_segments gives 32 at most, the first
 * being the word). */
#define FIRST_HITS 64

/* Adds the hit of the key a + b (polynomial h) when it is a first word of
 * d (the filter first: most keys are no first word). */
static inline void hit_key(const phrase_dict *d, const char *a, size_t alen,
                           const char *b, size_t blen, uint64_t h, uint8_t pro,
                           first_hit *out, size_t *nh) {
    size_t flen = alen + blen;
    if (flen == 0 || flen >= KEYMAX) return;
    uint64_t hf = poly_final(h);
    if (!first_has(d, hf)) return;
    const slot *s = find2(d, a, alen, b, blen, hf);
    if (s->key_len) out[(*nh)++] = hit_of(s, h, pro, 0);
}

/* The longest match of the hits fh[0..nh) of toks[i], into *m (zeroed by
 * the caller). */
static void play_hits(const phrase_dict *d, const marsad_token *toks, size_t n,
                      size_t i, unsigned flags, const first_hit *fh, size_t nh,
                      phrase_match *m) {
    for (size_t q = 0; q < nh; q++) {
        const first_hit *f = &fh[q];
        if (f->enc) {
            if (m->ntoks == 0)
                *m = (phrase_match){1, f->pro, f->enc, f->vals, f->nvals};
            continue;
        }
        /* record(f->s, 1, f->pro, m) from the copies */
        if (f->is_full && (m->ntoks < 1 || (m->ntoks == 1 && f->pro < m->pro)))
            *m = (phrase_match){1, f->pro, 0, f->vals, f->nvals};
        if (f->has_next)
            extend_more(d, toks, n, i, flags, f->key_off, f->key_len, f->h, f->pro, m);
    }
}

int phrase_pro_has_article(const char *p, size_t pl) {
    return pl >= 4 && (memcmp(p + pl - 4, "ال", 4) == 0 ||
                       memcmp(p + pl - 4, "لل", 4) == 0);
}

/* The polynomial of ال. */
#define POLY_AL ((uint64_t)0xD8 * HB * HB * HB + (uint64_t)0xA7 * HB * HB + \
                 (uint64_t)0xD9 * HB + (uint64_t)0x84)

/* The hits of the stem t->norm[pl ..), whose polynomial is hs: alone, and
 * with its article back when the proclitic swallowed one (بالمدينة →
 * المدينة). */
static void stem_hits(const phrase_dict *d, const marsad_token *t, size_t pl,
                      uint64_t hs, first_hit *out, size_t *nh) {
    const char *stem = t->norm + pl;
    size_t sl = t->norm_len - pl;
    if (sl >= KEYMAX) return; /* longer than any key matching builds */
    hit_key(d, stem, sl, "", 0, hs, (uint8_t)pl, out, nh);
    if (phrase_pro_has_article(t->norm, pl) && sl + 4 < KEYMAX)
        hit_key(d, "ال", 4, stem, sl, POLY_AL * pow_any(sl) + hs,
                (uint8_t)(pl - 4), out, nh);
}

/* The first keys a word offers a dictionary that allows proclitics, in the
 * order match_direct tries them: the whole word, then each stem left by a
 * proclitic (shortest proclitic first), each followed by ال + stem when the
 * proclitic swallowed an article. They depend on the word only, so a
 * document scope computes them once per token for all its dictionaries. */
typedef struct {
    uint64_t h, hf; /* polynomial, and its mixed hash */
    uint8_t pl;     /* bytes of proclitic */
    uint8_t al;     /* the key is ال + the stem */
} pro_key;
#define PRO_KEYS 7 /* the word, and up to 3 stems with their ال forms */

/* Does s[0..n) hold two code points at least? (text_cp_count(s, n) >= 2,
 * read only up to the second lead byte.) */
static inline int two_cps(const char *s, size_t n) {
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++c == 2) return 1;
    return 0;
}

/* Inline where asked for every token (gcc and clang otherwise call it). */
#define HOT_INLINE TEXT_HOT_INLINE

/* Inline in scope_mask, which asks it for every token of a document. */
static HOT_INLINE size_t pro_keys(const marsad_token *t, pro_key out[PRO_KEYS]) {
    const char *w = t->norm;
    size_t wl = t->norm_len, k = 0;
    if (wl == 0) return 0;
    uint64_t h = text_token_key(t);
    if (wl < KEYMAX) out[k++] = (pro_key){h, poly_final(h), 0, 0};
    uint8_t pros[4];
    size_t np = text_proclitics(w, wl, pros);
    uint64_t hp = 0; /* P(w[0..done)): the proclitics are read once */
    size_t done = 0;
    for (size_t q = 0; q < np; q++) {
        size_t pl = pros[q];
        if (pl >= wl || !two_cps(w + pl, wl - pl)) continue;
        size_t sl = wl - pl;
        if (sl >= KEYMAX) continue;
        hp = text_key_step(hp, w + done, pl - done);
        done = pl;
        /* P(w[pl..wl)) = P(w) - P(w[0..pl)) * B^(wl - pl) */
        uint64_t hs = h - hp * pow_b[sl];
        out[k++] = (pro_key){hs, poly_final(hs), (uint8_t)pl, 0};
        if (phrase_pro_has_article(w, pl) && sl + 4 < KEYMAX) {
            uint64_t ha = POLY_AL * pow_b[sl] + hs;
            out[k++] = (pro_key){ha, poly_final(ha), (uint8_t)pl, 1};
        }
    }
    return k;
}

/* The keys of toks[i] from the current scope's cache, or NULL (no scope
 * over these tokens, or no memory). */
static const pro_key *scope_pro_keys(const marsad_token *toks, size_t n,
                                     size_t i, size_t *nk);

/* The hits of token t (n > 0 bytes) for a dictionary asked with
 * proclitics only, from its keys k[0..nk) (match_direct's order). */
static size_t pro_key_hits(const phrase_dict *d, const marsad_token *t,
                           const pro_key *k, size_t nk, first_hit *out) {
    const char *w = t->norm;
    size_t wl = t->norm_len, nh = 0;
    for (size_t q = 0; q < nk; q++) {
        if (!first_has(d, k[q].hf)) continue;
        size_t pl = k[q].pl;
        const slot *s = k[q].al ? find2(d, "ال", 4, w + pl, wl - pl, k[q].hf)
                                : find2(d, w + pl, wl - pl, "", 0, k[q].hf);
        if (s->key_len) out[nh++] = hit_of(s, k[q].h, k[q].al ? pl - 4 : pl, 0);
    }
    return nh;
}

/* match_direct's proclitics-only case over the keys of the word. */
static void match_pro_keys(const phrase_dict *d, const marsad_token *toks,
                           size_t n, size_t i, unsigned flags,
                           const pro_key *k, size_t nk, phrase_match *m) {
    first_hit fh[PRO_KEYS];
    size_t nh = pro_key_hits(d, &toks[i], k, nk, fh);
    play_hits(d, toks, n, i, flags, fh, nh, m);
}

/* Does the current scope's group know that no key of toks[i] is a first
 * word of d (so the answer is "no")? */
static int group_says_no(const phrase_dict *d, const marsad_token *toks,
                         size_t n, size_t i, unsigned flags);

/* The hits of token t (n > 0 bytes) for d asked with flags, without the
 * scope's keys: the word, then (proclitics only) the stems its proclitics
 * leave, shortest proclitic first, or (enclitics allowed) the stems of the
 * segmentations marsad_clitic_segments gives, in its order. */
static size_t word_hits(const phrase_dict *d, const marsad_token *t,
                        unsigned flags, first_hit *out) {
    const char *w = t->norm;
    size_t wl = t->norm_len, nh = 0;
    uint64_t h = text_token_key(t);
    hit_key(d, w, wl, "", 0, h, 0, out, &nh);
    if ((flags & (PHRASE_PRO | PHRASE_ENC)) == PHRASE_PRO) {
        uint8_t pros[4];
        size_t np = text_proclitics(w, wl, pros);
        for (size_t k = 0; k < np; k++) {
            size_t pl = pros[k];
            if (pl >= wl || text_cp_count(w + pl, wl - pl) < 2) continue;
            /* P(w[pl..wl)) = P(w) - P(w[0..pl)) * B^(wl - pl) */
            uint64_t hs = h - text_key_step(0, w, pl) * pow_any(wl - pl);
            stem_hits(d, t, pl, hs, out, &nh);
        }
    } else if (flags & (PHRASE_PRO | PHRASE_ENC)) {
        marsad_seg segs[32];
        int ns = marsad_clitic_segments(w, wl, segs, 32);
        for (int s = 1; s < ns; s++) {
            if (segs[s].pro && !(flags & PHRASE_PRO)) continue;
            const char *stem = w + segs[s].pro;
            size_t sl = wl - segs[s].pro - segs[s].enc;
            uint64_t hs = text_key_step(0, stem, sl);
            if (!segs[s].enc) {
                stem_hits(d, t, segs[s].pro, hs, out, &nh);
                continue;
            }
            /* an enclitic ends the phrase: one-word match only */
            if (!(flags & PHRASE_ENC)) continue;
            uint64_t hf = poly_final(hs);
            if (!first_has(d, hf)) continue;
            const slot *sl_ = find(d, stem, sl, hf);
            if (sl_->key_len && sl_->is_full)
                out[nh++] = hit_of(sl_, hs, segs[s].pro, segs[s].enc);
        }
    }
    return nh;
}

/* phrase_dict_match without the document's memo or the group's bits. */
static int match_keys(const phrase_dict *d, const marsad_token *toks,
                      size_t n, size_t i, unsigned flags, phrase_match *m) {
    memset(m, 0, sizeof *m);
    if (i >= n || toks[i].norm_len == 0) return 0;
    if ((flags & (PHRASE_PRO | PHRASE_ENC)) == PHRASE_PRO) {
        size_t nk;
        const pro_key *k = scope_pro_keys(toks, n, i, &nk);
        if (k) {
            match_pro_keys(d, toks, n, i, flags, k, nk, m);
            return m->ntoks > 0;
        }
    }
    first_hit fh[FIRST_HITS];
    size_t nh = word_hits(d, &toks[i], flags, fh);
    play_hits(d, toks, n, i, flags, fh, nh, m);
    return m->ntoks > 0;
}

/* phrase_dict_match without the document's memo. */
static int match_direct(const phrase_dict *d, const marsad_token *toks,
                        size_t n, size_t i, unsigned flags, phrase_match *m) {
    if (d->bit && group_says_no(d, toks, n, i, flags)) {
        memset(m, 0, sizeof *m);
        return 0;
    }
    return match_keys(d, toks, n, i, flags, m);
}

/* ---- the plain computation (a test hook) ------------------------------------ */

/* From the key key[0..klen) (room for KEYMAX bytes) starting at toks[i]:
 * each key is built whole, hashed from its bytes and looked up by them. */
static void plain_extend(const phrase_dict *d, const marsad_token *toks,
                         size_t n, size_t i, unsigned flags, char *key,
                         size_t klen, uint8_t pro, phrase_match *best) {
    if (klen == 0 || klen >= KEYMAX) return;
    const slot *s = find(d, key, klen, key_hash(key, klen));
    for (size_t k = i; s->key_len;) {
        uint32_t ntoks = (uint32_t)(k - i + 1);
        if (s->is_full && (ntoks > best->ntoks ||
                           (ntoks == best->ntoks && pro < best->pro))) {
            *best = (phrase_match){ntoks, pro, 0, s->vals, s->nvals};
        }
        if (!s->has_next) break;
        size_t j = k + 1;
        while (j < n && toks[j].norm_len == 0) j++;
        if (j >= n || (!(flags & PHRASE_ANY_SENTENCE) &&
                       toks[j].sentence != toks[i].sentence))
            break;
        if (klen + 1 + toks[j].norm_len >= KEYMAX) break;
        key[klen++] = ' ';
        memcpy(key + klen, toks[j].norm, toks[j].norm_len);
        klen += toks[j].norm_len;
        k = j;
        s = find(d, key, klen, key_hash(key, klen));
    }
}

int phrase_dict_match_plain(const phrase_dict *d, const marsad_token *toks,
                            size_t n, size_t i, unsigned flags,
                            phrase_match *m) {
    memset(m, 0, sizeof *m);
    if (i >= n || toks[i].norm_len == 0) return 0;
    const char *w = toks[i].norm;
    size_t wl = toks[i].norm_len;
    /* the segmentations tried, in order: the whole word, then the stems
     * (for proclitics only, those text_proclitics gives, shortest first) */
    marsad_seg segs[32] = {{0, 0}};
    int ns = 1;
    if ((flags & (PHRASE_PRO | PHRASE_ENC)) == PHRASE_PRO) {
        uint8_t pros[4];
        size_t np = text_proclitics(w, wl, pros);
        for (size_t q = 0; q < np; q++)
            if (pros[q] < wl && text_cp_count(w + pros[q], wl - pros[q]) >= 2)
                segs[ns++] = (marsad_seg){pros[q], 0};
    } else if (flags & (PHRASE_PRO | PHRASE_ENC)) {
        ns = marsad_clitic_segments(w, wl, segs, 32);
    }
    char key[KEYMAX];
    for (int q = 0; q < ns; q++) {
        size_t pl = segs[q].pro, el = segs[q].enc, sl = wl - pl - el;
        if ((pl && !(flags & PHRASE_PRO)) || (el && !(flags & PHRASE_ENC)) ||
            sl >= KEYMAX)
            continue;
        if (el) { /* one-word match only, when nothing matched before */
            const slot *s = find(d, w + pl, sl, key_hash(w + pl, sl));
            if (s->key_len && s->is_full && m->ntoks == 0)
                *m = (phrase_match){1, (uint8_t)pl, (uint8_t)el, s->vals, s->nvals};
            continue;
        }
        memcpy(key, w + pl, sl);
        plain_extend(d, toks, n, i, flags, key, sl, (uint8_t)pl, m);
        if (phrase_pro_has_article(w, pl) && sl + 4 < KEYMAX) {
            memcpy(key, "ال", 4);
            memcpy(key + 4, w + pl, sl);
            plain_extend(d, toks, n, i, flags, key, sl + 4, (uint8_t)(pl - 4), m);
        }
    }
    return m->ntoks > 0;
}

/* ---- memo ---------------------------------------------------------------- */

struct phrase_memo {
    const phrase_dict *d;
    const marsad_token *toks;
    size_t n;
    unsigned flags;
    /* the group's bits for d (scope_bits) when a scope made the memo, and
     * d's bit there; else NULL, and group_says_no is asked */
    const uint32_t *bits;
    uint32_t bit;
    phrase_match *hits;    /* table->hits (caphits there) */
    size_t nhits;
    struct memo_table *table;
    uint32_t *at;  /* table->at, per token: below base not asked, base no
                      match, else base + 1 + k for the answer hits[k] */
    uint32_t base;
    /* the scope's keys of every token (scope_mask: complete, and not moved
     * while the scope lasts) when d is asked with proclitics only, so a
     * first question is match_pro_keys over them; else NULL. A token's
     * keys are its word form's (*form_keys, see token_keys) or the
     * scope's own. */
    const pro_key *keys;
    pro_key *const *form_keys;
    const uint32_t *key_at;
    const uint8_t *nkeys;
    /* the thread's word forms, when the scope's tokens have them
     * (form_id), and the memo's kind there: the first-word hits of every
     * form asked about are kept (form_hits); else NULL */
    struct form_cache *fc;
    const uint32_t *form_id;
    int kind;
};

/* key_at[i] of a token whose keys are its word form's: FORM_KEY | their
 * offset in the thread's forms (which only grow while a scope holds them);
 * else 1 + their offset in the scope's own keys (0: not yet computed). */
#define FORM_KEY 0x80000000u
#define NO_FORM UINT32_MAX

static inline const pro_key *token_keys(const pro_key *own,
                                        pro_key *const *form_keys, uint32_t at) {
    return at & FORM_KEY ? *form_keys + (at & ~FORM_KEY) : own + (at - 1);
}

/* A memo's per-token answers live in a table reused from memo to memo on
 * the same thread, so a memo is made without clearing 4 bytes per token:
 * each memo numbers its answers from its own base, above every number a
 * memo before it wrote into the table, and an entry below the base is one
 * this memo has not asked. The memo itself and the room for its answers
 * stay with the table too, so once a thread has tables a memo is made
 * without allocating. A thread keeps a few tables of moderate size
 * (MEMO_KEEP of up to MEMO_KEEP_TOKENS entries); larger ones are freed when
 * their memo is, so memory stays bounded. */
typedef struct memo_table {
    struct memo_table *next; /* in the thread's list of free tables */
    size_t cap;              /* entries */
    size_t depth;            /* tables in the list from this one on */
    uint32_t gen;            /* every entry is below gen */
    phrase_match *hits;      /* the answers' room, kept with the table */
    size_t caphits;
    phrase_memo memo;        /* the memo using the table */
    uint32_t at[];
} memo_table;

#define MEMO_KEEP 40
#define MEMO_KEEP_TOKENS 16384
#define MEMO_KEEP_HITS 1024

/* The thread's free tables, held by a thread-specific key whose
 * destructor frees them when the thread ends. */
static pthread_key_t memo_key;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;
static int memo_key_ok;

static void memo_tables_free(void *p) {
    for (memo_table *t = p, *next; t; t = next) {
        next = t->next;
        free(t->hits);
        free(t);
    }
}

static void memo_key_init(void) {
    memo_key_ok = pthread_key_create(&memo_key, memo_tables_free) == 0;
}

/* A table of n entries at least, all below its gen, with room above gen
 * for n + 1 more numbers; NULL when memory runs out. */
static memo_table *memo_table_get(size_t n) {
    pthread_once(&memo_once, memo_key_init);
    memo_table *t = memo_key_ok ? pthread_getspecific(memo_key) : NULL;
    if (t && t->cap >= n) {
        pthread_setspecific(memo_key, t->next);
    } else {
        size_t cap = 1024;
        while (cap < n) cap *= 2;
        t = calloc(1, sizeof *t + cap * sizeof *t->at);
        if (!t) return NULL;
        t->cap = cap;
    }
    if (t->gen > UINT32_MAX - 2 - n) { /* numbers run out: start again */
        memset(t->at, 0, t->cap * sizeof *t->at);
        t->gen = 0;
    }
    return t;
}

/* Gives back a table whose entries are all below its gen. */
static void memo_table_put(memo_table *t) {
    memo_table *head = memo_key_ok ? pthread_getspecific(memo_key) : NULL;
    if (!memo_key_ok || t->cap > MEMO_KEEP_TOKENS ||
        (head && head->depth >= MEMO_KEEP) ||
        pthread_setspecific(memo_key, t) != 0) {
        free(t->hits);
        free(t);
        return;
    }
    if (t->caphits > MEMO_KEEP_HITS) { /* kept small */
        free(t->hits);
        t->hits = NULL;
        t->caphits = 0;
    }
    t->next = head;
    t->depth = head ? head->depth + 1 : 1;
}

phrase_memo *phrase_memo_new(const phrase_dict *d, const marsad_token *toks,
                             size_t n, unsigned flags) {
    if (n >= UINT32_MAX / 4) return NULL;
    memo_table *t = memo_table_get(n);
    if (!t) return NULL;
    t->memo = (phrase_memo){.d = d, .toks = toks, .n = n, .flags = flags,
                            .hits = t->hits, .table = t, .at = t->at,
                            .base = t->gen + 1};
    return &t->memo;
}

/* The first-word hits of token i, whose form the memo's word forms have
 * (buf: room for them when they must be found). */
static const first_hit *form_hits(phrase_memo *pm, size_t i, first_hit *buf,
                                  size_t *nh);

/* First question about token i: ask the dictionary and remember. */
static int memo_fill(phrase_memo *pm, size_t i, phrase_match *m) {
    /* the group's bits, when the memo has them, answer "no" in one load */
    int found;
    if (pm->fc && (pm->bits[i] & pm->bit) && pm->form_id[i] != NO_FORM) {
        /* the form's hits, found once per form, played over the tokens */
        first_hit buf[FIRST_HITS];
        size_t nh;
        const first_hit *fh = form_hits(pm, i, buf, &nh);
        memset(m, 0, sizeof *m);
        play_hits(pm->d, pm->toks, pm->n, i, pm->flags, fh, nh, m);
        found = m->ntoks > 0;
    } else if (pm->keys && (pm->bits[i] & pm->bit)) {
        /* match_keys' own path for these flags, with the keys at hand */
        memset(m, 0, sizeof *m);
        match_pro_keys(pm->d, pm->toks, pm->n, i, pm->flags,
                       token_keys(pm->keys, pm->form_keys, pm->key_at[i]),
                       pm->nkeys[i], m);
        found = m->ntoks > 0;
    } else {
        found = pm->bits ? (pm->bits[i] & pm->bit) &&
                               match_keys(pm->d, pm->toks, pm->n, i, pm->flags, m)
                         : match_direct(pm->d, pm->toks, pm->n, i, pm->flags, m);
    }
    if (!found) {
        memset(m, 0, sizeof *m);
        pm->at[i] = pm->base;
        return 0;
    }
    if (pm->nhits == pm->table->caphits) {
        size_t nc = pm->table->caphits ? pm->table->caphits * 2 : 16;
        phrase_match *nh = realloc(pm->hits, nc * sizeof *nh);
        if (!nh) return 1; /* answered, just not remembered */
        pm->hits = pm->table->hits = nh;
        pm->table->caphits = nc;
    }
    pm->hits[pm->nhits] = *m;
    pm->at[i] = pm->base + 1 + (uint32_t)pm->nhits++;
    return 1;
}

/* The answer for token i, remembered or not yet (inline: a remembered
 * answer is the common case, and it is a load and a copy). */
static inline int memo_get(phrase_memo *pm, size_t i, phrase_match *m) {
    if (i >= pm->n) return match_direct(pm->d, pm->toks, pm->n, i, pm->flags, m);
    uint32_t a = pm->at[i];
    if (a < pm->base) return memo_fill(pm, i, m);
    if (a == pm->base) {
        memset(m, 0, sizeof *m);
        return 0;
    }
    *m = pm->hits[a - pm->base - 1];
    return 1;
}

int phrase_memo_match(phrase_memo *pm, size_t i, phrase_match *m) {
    return memo_get(pm, i, m);
}

void phrase_memo_free(phrase_memo *pm) {
    if (!pm) return;
    /* every number this memo wrote is below the next memo's base */
    pm->table->gen = pm->base + (uint32_t)pm->nhits;
    memo_table_put(pm->table);
}

/* ---- group ------------------------------------------------------------------ */

/* A filter over the first words of up to 32 dictionaries: for each bucket
 * of a first word's hash, the bits of the dictionaries that have a first
 * word there. A clear bit means no first word of that dictionary hashes to
 * the bucket, so no key that lands there can start one of its phrases. */
#define GROUP_BITS 16
#define GROUP_MAX 32

struct phrase_group {
    uint32_t *bits;  /* 1 << GROUP_BITS buckets */
    int n;           /* dictionaries */
    uint64_t serial; /* new for every group and every change of its bits */
};



static inline size_t group_bucket(uint64_t hf) {
    return (size_t)(hf >> 24) & ((1u << GROUP_BITS) - 1);
}

phrase_group *phrase_group_new(void) {
    phrase_group *g = calloc(1, sizeof *g);
    if (g && !(g->bits = calloc((size_t)1 << GROUP_BITS, sizeof *g->bits))) {
        free(g);
        return NULL;
    }
    if (g) g->serial = ++serials;
    return g;
}

int phrase_group_add(phrase_group *g, phrase_dict *d) {
    if (!g || !d || g->n == GROUP_MAX) return -1;
    if (d->group) return d->group == g ? 0 : -1;
    uint32_t bit = 1u << g->n++;
    for (size_t i = 0; i < d->nslots; i++) {
        const slot *s = &d->slots[i];
        if (s->key_len && !memchr(d->keys + s->key_off, ' ', s->key_len))
            g->bits[group_bucket(s->hash)] |= bit;
    }
    d->group = g;
    d->bit = bit;
    g->serial = ++serials;
    return 0;
}

void phrase_group_free(phrase_group *g) {
    if (!g) return;
    free(g->bits);
    free(g);
}

/* ---- document scope --------------------------------------------------------- */

/* Memos are made per (dictionary, flags) on first use; a document asks a
 * dozen dictionaries. Past that, or for documents too long to give every
 * dictionary 4 bytes per token, questions are answered directly. */
#define SCOPE_MEMOS 32
#define SCOPE_MAX_TOKENS 250000

/* Memos are found through a small table indexed by a hash of (dictionary,
 * flags), checked against the memo's own (dictionary, flags). */
#define SCOPE_SLOTS 64

struct phrase_scope {
    const marsad_token *toks;
    size_t n;
    phrase_scope *prev;
    int nmemo, full;
    struct {
        const phrase_dict *d;
        unsigned flags;
        phrase_memo *memo;
    } memo[SCOPE_MEMOS];
    int8_t slot[SCOPE_SLOTS]; /* memo index + 1, or 0 */
    /* per token: keys[key_at[i] - 1 ...] are its pro_keys (nkeys[i] of
     * them); key_at[i] == 0 when not yet computed. NULL until first use,
     * or when memory ran out (keys_failed). */
    uint32_t *key_at;
    uint8_t *nkeys;
    pro_key *keys;
    size_t nkeys_used, capkeys;
    int keys_failed;
    /* per token: the group's bits for its keys (which dictionaries one of
     * them may start a phrase in), or NULL: no group, or no memory */
    const phrase_group *group;
    uint32_t *mask;
    /* per token: the same for questions that also strip the word's
     * enclitics (mask, and the bits of the stems before them: see
     * form_bits), made with mask */
    uint32_t *enc_mask;
    uint32_t *form_id;     /* per token: its form's id in fc, or NO_FORM */
    struct form_cache *fc; /* the word forms some keys are in, held */
    pro_key *const *form_keys; /* &fc->keys */
};

static _Thread_local phrase_scope *scope_now;

static const pro_key *scope_pro_keys(const marsad_token *toks, size_t n,
                                     size_t i, size_t *nk) {
    phrase_scope *sc = scope_now;
    if (!sc || sc->toks != toks || sc->n != n || i >= n || sc->keys_failed)
        return NULL;
    if (!sc->key_at) {
        sc->key_at = calloc(n ? n : 1, sizeof *sc->key_at);
        sc->nkeys = malloc(n ? n : 1);
        if (!sc->key_at || !sc->nkeys || n >= UINT32_MAX / PRO_KEYS) {
            sc->keys_failed = 1;
            return NULL;
        }
    }
    if (!sc->key_at[i]) {
        if (sc->nkeys_used + PRO_KEYS > sc->capkeys) {
            size_t nc = sc->capkeys ? sc->capkeys * 2 : 1024;
            pro_key *nk_ = realloc(sc->keys, nc * sizeof *nk_);
            if (!nk_) {
                sc->keys_failed = 1;
                return NULL;
            }
            sc->keys = nk_;
            sc->capkeys = nc;
        }
        size_t k = pro_keys(&toks[i], sc->keys + sc->nkeys_used);
        sc->key_at[i] = (uint32_t)(sc->nkeys_used + 1);
        sc->nkeys[i] = (uint8_t)k;
        sc->nkeys_used += k;
    }
    *nk = sc->nkeys[i];
    return token_keys(sc->keys, sc->form_keys, sc->key_at[i]);
}

static inline size_t slot_of(const phrase_dict *d, unsigned flags) {
    uintptr_t x = (uintptr_t)d;
    x ^= x >> 7;
    x ^= x >> 13;
    return (size_t)((x + flags * 17u) & (SCOPE_SLOTS - 1));
}

/* ---- word forms ---------------------------------------------------------- */

/* What a scope computes for every token depends on the word alone (and the
 * group): its keys, and the group's bits for them and for its stems before
 * enclitics. A news text repeats its words (the hundred commonest forms
 * make a third of the tokens, the thousand commonest three quarters), so
 * each thread keeps these per word form, across documents: a token whose
 * form was seen costs a look-up and a copy, not its keys' hashes and a
 * dozen probes of the group's filter. The forms are those of one group
 * (its serial: a new group, or a group a dictionary joined since, starts
 * them again), up to forms_max of them (then they start again), of words
 * shorter than FORM_BYTES (longer ones are computed every time). */
#define FORMS_MAX 32768
#define FORM_BYTES 64

/* A form's bytes are in the form itself up to FORM_INLINE (most words: ten
 * Arabic letters), else in fc->bytes; forms are numbered from 0 in the
 * order they were made (their id: their place in fc->forms), so the words
 * a text repeats most are near each other. They are found through a table
 * of 4-byte entries (tag << 16 | id + 1, tag the top 16 bits of the hash),
 * which a probe reads without touching a form that does not match. */
#define FORM_INLINE 20
typedef struct {
    char w[FORM_INLINE]; /* the word, when short enough */
    uint8_t len;      /* its bytes */
    uint8_t nkeys;    /* its keys, in fc->keys from key_off */
    uint32_t off;     /* the word in fc->bytes, when longer */
    uint64_t hf;      /* mixed hash of the word's polynomial */
    uint32_t key_off;
    uint32_t mask;    /* the group's bits for its keys */
    uint32_t enc;     /* and for its stems before an enclitic */
} form;

/* The first-word hits of forms for one dictionary asked with some flags
 * (PHRASE_PRO and PHRASE_ENC: the others change how hits extend only):
 * at[id] is 0 when not yet found, else 1 + (offset << HITS_SHIFT | count)
 * of the form's hits in fc->hits. A thread keeps a few kinds; they go when
 * the forms start again, and all at once when a new one finds no room. */
#define KINDS 16
#define HITS_SHIFT 6 /* counts are below FIRST_HITS */
#define HITS_MAX ((size_t)1 << 19) /* 20 MB of hits at most */
typedef struct {
    const phrase_dict *d;
    uint64_t serial; /* d's when the hits were found (else they go) */
    unsigned flags;
    uint32_t *at;    /* FORMS_MAX entries */
} form_kind;

typedef struct form_cache {
    uint32_t *index;  /* open addressing, at most half full (0: empty) */
    size_t nslots;
    form *forms;      /* by id */
    size_t nforms, capforms;
    char *bytes;
    size_t nbytes, capbytes;
    pro_key *keys;
    size_t nkeys, capkeys;
    uint64_t serial;  /* of the group the bits are from */
    int held;         /* scopes that read keys here (forms are not
                         forgotten while one lasts) */
    form_kind kinds[KINDS];
    int nkinds;
    first_hit *hits;
    size_t nhits, caphits;
} form_cache;

static pthread_key_t forms_key;
static pthread_once_t forms_once = PTHREAD_ONCE_INIT;
static int forms_key_ok;
static _Thread_local size_t forms_max = FORMS_MAX;
/* the tag bits kept in the index, and the hash bits that choose where a
 * probe starts (all, but in tests none, so that every form is on one probe
 * path and compared with every word looked up), and whether the forms must
 * start again at the next scope (these changed) */
static _Thread_local uint32_t forms_tags = 0xFFFF0000u;
static _Thread_local uint64_t forms_at = UINT64_MAX;
static _Thread_local int forms_stale;
static _Thread_local phrase_forms_stats forms_stats;

/* Forgets every kind and its hits. */
static void kinds_clear(form_cache *fc) {
    for (int k = 0; k < fc->nkinds; k++) free(fc->kinds[k].at);
    fc->nkinds = 0;
    fc->nhits = 0;
}

static void form_cache_free(void *p) {
    form_cache *fc = p;
    if (!fc) return;
    kinds_clear(fc);
    free(fc->index);
    free(fc->forms);
    free(fc->bytes);
    free(fc->keys);
    free(fc->hits);
    free(fc);
}

static void forms_key_init(void) {
    forms_key_ok = pthread_key_create(&forms_key, form_cache_free) == 0;
}

/* Forgets every form, keeping the memory. */
static void forms_clear(form_cache *fc, uint64_t serial) {
    memset(fc->index, 0, fc->nslots * sizeof *fc->index);
    fc->nforms = fc->nbytes = fc->nkeys = 0;
    fc->serial = serial;
    kinds_clear(fc);
}

/* The thread's forms for group g, or NULL (no memory, or none wanted). */
static form_cache *forms_for(const phrase_group *g) {
    if (!forms_max) return NULL;
    pthread_once(&forms_once, forms_key_init);
    if (!forms_key_ok) return NULL;
    form_cache *fc = pthread_getspecific(forms_key);
    if (!fc) {
        fc = calloc(1, sizeof *fc);
        if (!fc) return NULL;
        fc->nslots = 1024;
        fc->index = calloc(fc->nslots, sizeof *fc->index);
        if (!fc->index || pthread_setspecific(forms_key, fc) != 0) {
            form_cache_free(fc);
            return NULL;
        }
        fc->serial = g->serial;
    }
    if (fc->held) /* a scope began inside another: it adds no forms */
        return fc->serial == g->serial ? fc : NULL;
    if (fc->serial != g->serial || fc->nforms > forms_max - forms_max / 4 ||
        forms_stale) {
        forms_stale = 0;
        /* another group, or nearly full: start again (only here, where no
         * scope reads the forms) */
        forms_clear(fc, g->serial);
        forms_stats.restarts++;
    } else if (fc->nkinds == KINDS) {
        kinds_clear(fc);
    }
    return fc;
}

/* The kind of fc for d asked with flags, made when new; -1 when there is
 * no room or memory. */
static int form_kind_of(form_cache *fc, const phrase_dict *d, unsigned flags) {
    for (int k = 0; k < fc->nkinds; k++) {
        form_kind *fk = &fc->kinds[k];
        if (fk->d != d || fk->flags != flags) continue;
        if (fk->serial != d->serial) { /* d changed: its hits go */
            memset(fk->at, 0, FORMS_MAX * sizeof *fk->at);
            fk->serial = d->serial;
        }
        return k;
    }
    if (fc->nkinds == KINDS) return -1;
    uint32_t *at = calloc(FORMS_MAX, sizeof *at);
    if (!at) return -1;
    fc->kinds[fc->nkinds] = (form_kind){d, d->serial, flags, at};
    return fc->nkinds++;
}

static const first_hit *form_hits(phrase_memo *pm, size_t i, first_hit *buf,
                                  size_t *nh) {
    form_cache *fc = pm->fc;
    uint32_t *at = &fc->kinds[pm->kind].at[pm->form_id[i]];
    if (*at) {
        forms_stats.hits_found++;
        *nh = (*at - 1) & ((1u << HITS_SHIFT) - 1);
        return fc->hits + ((*at - 1) >> HITS_SHIFT);
    }
    /* match_keys' own ways for these flags */
    const marsad_token *t = &pm->toks[i];
    size_t n = pm->keys ? pro_key_hits(pm->d, t,
                                       token_keys(pm->keys, pm->form_keys,
                                                  pm->key_at[i]),
                                       pm->nkeys[i], buf)
                        : word_hits(pm->d, t, pm->flags, buf);
    *nh = n;
    forms_stats.hits_made++;
    if (!n && (pm->flags & (PHRASE_PRO | PHRASE_ENC)) == PHRASE_PRO) {
        /* no key of the word starts a phrase of d, with or without its
         * proclitics: the form's bit for d goes, so the next documents'
         * finders pass the word by without asking (questions with
         * enclitics read the form's other bits) */
        fc->forms[pm->form_id[i]].mask &= ~pm->d->bit;
        forms_stats.bits_cleared++;
    }
    if (fc->nhits + n > HITS_MAX ||
        util_grow((void **)&fc->hits, &fc->caphits, fc->nhits + n, sizeof *fc->hits))
        return buf; /* not kept */
    if (n) memcpy(fc->hits + fc->nhits, buf, n * sizeof *buf);
    *at = 1 + (uint32_t)(fc->nhits << HITS_SHIFT | n);
    fc->nhits += n;
    return buf;
}

/* The group's bits for the keys k[0..nk) of the word w (wl bytes), and
 * (*enc) for the stems w[pro .. wl - e] for every enclitic e the word may
 * end with and every proclitic pro it may start with (none included):
 * match_direct tries a subset of them (the segmentations
 * marsad_clitic_segments keeps), so a clear bit is still a sure "no".
 *
 * A word shorter than KEYMAX has its stems w[pro .. wl) among its keys (the
 * whole word, and every proclitic that leaves two code points; a proclitic
 * that leaves fewer leaves fewer before the enclitic too, and
 * marsad_clitic_segments drops it), so the stems before each enclitic come
 * from those keys' polynomials without reading the word again:
 * P(w[pro..q)) = (P(w[pro..wl)) - P(w[q..wl))) * B^-(wl - q). A longer word
 * gets every bit without looking. */
static uint32_t form_bits(const phrase_group *g, const char *w, size_t wl,
                          const pro_key *k, size_t nk, uint32_t *enc) {
    uint32_t bits = 0, eb = 0;
    for (size_t q = 0; q < nk; q++) bits |= g->bits[group_bucket(k[q].hf)];
    uint8_t encs[2];
    size_t ne = wl ? text_enclitics(w, wl, encs) : 0;
    if (ne && wl >= KEYMAX) {
        eb = UINT32_MAX;
    } else {
        for (size_t e = 0; e < ne; e++) {
            size_t q = wl - encs[e];
            uint64_t suf = text_key_step(0, w + q, encs[e]);
            for (size_t j = 0; j < nk; j++) {
                if (k[j].al || k[j].pl >= q) continue;
                uint64_t hs = (k[j].h - suf) * pow_inv[encs[e]];
                eb |= g->bits[group_bucket(poly_final(hs))];
            }
        }
    }
    *enc = bits | eb;
    return bits;
}

/* Where the index entry of a form whose hash is hf is looked for first,
 * and the entry (its tag: the top 16 bits of hf, and its id + 1); both
 * keep only the bits the tests leave (phrase_forms_untagged). */
static inline size_t index_home(uint64_t hf, size_t mask) {
    return hf & forms_at & mask;
}

static inline uint32_t index_entry(uint64_t hf, size_t id) {
    return ((uint32_t)(hf >> 48) << 16 & forms_tags) | (uint32_t)(id + 1);
}

/* Makes room in fc for one more form of wl bytes: grows the table. -1
 * when fc is full (forms_max forms) or memory runs out. */
static int forms_room(form_cache *fc, size_t wl) {
    if (fc->nforms >= forms_max) return -1;
    if ((fc->nforms + 1) * 2 > fc->nslots) {
        size_t nn = fc->nslots * 2;
        uint32_t *ni = calloc(nn, sizeof *ni);
        if (!ni) return -1;
        for (size_t id = 0; id < fc->nforms; id++) {
            size_t j = index_home(fc->forms[id].hf, nn - 1);
            while (ni[j]) j = (j + 1) & (nn - 1);
            ni[j] = index_entry(fc->forms[id].hf, id);
        }
        free(fc->index);
        fc->index = ni;
        fc->nslots = nn;
    }
    if (util_grow((void **)&fc->forms, &fc->capforms, fc->nforms + 1, sizeof *fc->forms) ||
        (wl > FORM_INLINE &&
         util_grow((void **)&fc->bytes, &fc->capbytes, fc->nbytes + wl, 1)) ||
        util_grow((void **)&fc->keys, &fc->capkeys, fc->nkeys + PRO_KEYS, sizeof *fc->keys))
        return -1;
    return 0;
}

/* The form of token t (0 < length < FORM_BYTES) in fc, made when new;
 * NULL when fc is full or memory runs out. */
static const form *form_of(form_cache *fc, const phrase_group *g,
                           const marsad_token *t) {
    const char *w = t->norm;
    size_t wl = t->norm_len;
    uint64_t hf = poly_final(text_token_key(t));
    uint32_t tag = index_entry(hf, 0) & 0xFFFF0000u;
    size_t mask = fc->nslots - 1;
    for (size_t i = index_home(hf, mask);; i = (i + 1) & mask) {
        uint32_t e = fc->index[i];
        if (!e) break;
        if ((e & 0xFFFF0000u) != tag) continue;
        const form *f = &fc->forms[(e & 0xFFFF) - 1];
        if (f->len == wl &&
            same_bytes(wl <= FORM_INLINE ? f->w : fc->bytes + f->off, w, wl)) {
            forms_stats.hits++;
            return f;
        }
    }
    if (forms_room(fc, wl)) {
        forms_stats.unkept++;
        return NULL;
    }
    forms_stats.misses++;
    mask = fc->nslots - 1; /* the table may have grown */
    size_t i = index_home(hf, mask);
    while (fc->index[i]) i = (i + 1) & mask;
    fc->index[i] = index_entry(hf, fc->nforms);
    form *f = &fc->forms[fc->nforms++];
    pro_key *k = fc->keys + fc->nkeys;
    size_t nk = pro_keys(t, k);
    f->mask = form_bits(g, w, wl, k, nk, &f->enc);
    f->hf = hf;
    f->len = (uint8_t)wl;
    f->nkeys = (uint8_t)nk;
    f->key_off = (uint32_t)fc->nkeys;
    fc->nkeys += nk;
    if (wl <= FORM_INLINE) {
        memcpy(f->w, w, wl);
    } else {
        f->off = (uint32_t)fc->nbytes;
        memcpy(fc->bytes + fc->nbytes, w, wl);
        fc->nbytes += wl;
    }
    return f;
}

void phrase_forms_limit(size_t max) { forms_max = max < FORMS_MAX ? max : FORMS_MAX; }

void phrase_forms_untagged(int on) {
    forms_tags = on ? 0 : 0xFFFF0000u;
    forms_at = on ? 0 : UINT64_MAX;
    forms_stale = 1;
}

phrase_forms_stats phrase_forms_stats_get(void) { return forms_stats; }

/* Every token's keys (as scope_pro_keys gives them) and group bits, with
 * and without its enclitics, computed here for all tokens at once (every
 * finder reads every word), from the word's form when it was seen. */
static void scope_mask(phrase_scope *sc, const phrase_group *g) {
    size_t n = sc->n;
    if (n >= UINT32_MAX / PRO_KEYS) return;
    uint32_t *mask = malloc((n ? n : 1) * sizeof *mask);
    uint32_t *em = malloc((n ? n : 1) * sizeof *em);
    sc->key_at = malloc((n ? n : 1) * sizeof *sc->key_at);
    sc->nkeys = malloc(n ? n : 1);
    sc->capkeys = 2 * n + PRO_KEYS; /* about 1.5 keys per token */
    sc->keys = malloc(sc->capkeys * sizeof *sc->keys);
    sc->form_id = malloc((n ? n : 1) * sizeof *sc->form_id);
    if (!mask || !em || !sc->key_at || !sc->nkeys || !sc->keys || !sc->form_id)
        goto fail;
    form_cache *fc = forms_for(g);
    if (fc) {
        fc->held++;
        sc->fc = fc;
        sc->form_keys = &fc->keys;
    }
    for (size_t i = 0; i < n; i++) {
        const marsad_token *t = &sc->toks[i];
        const form *f = fc && t->norm_len && t->norm_len < FORM_BYTES
                            ? form_of(fc, g, t)
                            : NULL;
        if (f) {
            sc->form_id[i] = (uint32_t)(f - fc->forms);
            sc->key_at[i] = FORM_KEY | f->key_off;
            sc->nkeys[i] = f->nkeys;
            mask[i] = f->mask;
            em[i] = f->enc;
            continue;
        }
        sc->form_id[i] = NO_FORM;
        if (util_grow((void **)&sc->keys, &sc->capkeys, sc->nkeys_used + PRO_KEYS,
                      sizeof *sc->keys))
            goto fail;
        pro_key *k = sc->keys + sc->nkeys_used;
        size_t nk = pro_keys(t, k);
        mask[i] = form_bits(g, t->norm, t->norm_len, k, nk, &em[i]);
        sc->key_at[i] = (uint32_t)(sc->nkeys_used + 1);
        sc->nkeys[i] = (uint8_t)nk;
        sc->nkeys_used += nk;
    }
    sc->group = g;
    sc->mask = mask;
    sc->enc_mask = em;
    return;
fail:
    /* no keys are remembered then (every answer is computed) */
    free(mask);
    free(em);
    sc->keys_failed = 1;
}

/* The current scope's group bits per token when they can answer for d
 * asked with flags about toks, else NULL. The bits come from the keys of a
 * word that may carry proclitics (a superset of the word alone), and for a
 * question that strips enclitics also from the stems that leaves. */
static const uint32_t *scope_bits(const phrase_dict *d, const marsad_token *toks,
                                  size_t n, unsigned flags) {
    phrase_scope *sc = scope_now;
    if (!d->bit || !sc || !sc->mask || sc->group != d->group || sc->toks != toks ||
        sc->n != n)
        return NULL;
    return flags & PHRASE_ENC ? sc->enc_mask : sc->mask;
}

static int group_says_no(const phrase_dict *d, const marsad_token *toks,
                         size_t n, size_t i, unsigned flags) {
    const uint32_t *bits = scope_bits(d, toks, n, flags);
    return bits && i < n && !(bits[i] & d->bit);
}

phrase_scope *phrase_scope_begin_group(const marsad_token *toks, size_t n,
                                       const phrase_group *g) {
    phrase_scope *sc = calloc(1, sizeof *sc);
    if (!sc) return NULL;
    sc->toks = toks;
    sc->n = n;
    sc->full = n > SCOPE_MAX_TOKENS;
    sc->prev = scope_now;
    scope_now = sc;
    if (g && !sc->full) scope_mask(sc, g);
    return sc;
}

phrase_scope *phrase_scope_begin(const marsad_token *toks, size_t n) {
    return phrase_scope_begin_group(toks, n, NULL);
}

void phrase_scope_end(phrase_scope *sc) {
    if (!sc) return;
    /* scopes end in the reverse order they began; a missed end is undone */
    while (scope_now && scope_now != sc) scope_now = scope_now->prev;
    if (scope_now == sc) scope_now = sc->prev;
    for (int k = 0; k < sc->nmemo; k++) phrase_memo_free(sc->memo[k].memo);
    free(sc->key_at);
    free(sc->nkeys);
    free(sc->keys);
    free(sc->mask);
    free(sc->enc_mask);
    free(sc->form_id);
    if (sc->fc) sc->fc->held--;
    free(sc);
}

/* The scope sc's memo for (d, flags) over toks, searched for and made on
 * first use, then kept in slot sl; NULL when none can be made (the scope is
 * then full and answers are direct). */
static phrase_memo *scope_memo_find(phrase_scope *sc, const phrase_dict *d,
                                    const marsad_token *toks, size_t n,
                                    unsigned flags, size_t sl) {
    int k;
    for (k = 0; k < sc->nmemo; k++)
        if (sc->memo[k].d == d && sc->memo[k].flags == flags) break;
    if (k == sc->nmemo) {
        phrase_memo *pm = sc->full || sc->nmemo == SCOPE_MEMOS
                              ? NULL
                              : phrase_memo_new(d, toks, n, flags);
        if (!pm) {
            sc->full = 1;
            return NULL;
        }
        pm->bits = scope_bits(d, toks, n, flags);
        pm->bit = pm->bits ? d->bit : 0;
        if (pm->bits && (flags & (PHRASE_PRO | PHRASE_ENC)) == PHRASE_PRO &&
            sc->mask && !sc->keys_failed) {
            pm->keys = sc->keys;
            pm->form_keys = sc->form_keys;
            pm->key_at = sc->key_at;
            pm->nkeys = sc->nkeys;
        }
        if (pm->bits && sc->fc && !sc->keys_failed &&
            (pm->kind = form_kind_of(sc->fc, d, flags & (PHRASE_PRO | PHRASE_ENC))) >= 0) {
            pm->fc = sc->fc;
            pm->form_id = sc->form_id;
        }
        sc->memo[k].d = d;
        sc->memo[k].flags = flags;
        sc->memo[k].memo = pm;
        sc->nmemo++;
    }
    sc->slot[sl] = (int8_t)(k + 1);
    return sc->memo[k].memo;
}

/* The current scope's memo for (d, flags) over toks, or NULL when no scope
 * covers these tokens or the scope is full. Inline for a memo found through
 * its slot, the common case: finders ask the same few dictionaries over and
 * over. */
static inline phrase_memo *scope_memo(const phrase_dict *d,
                                      const marsad_token *toks, size_t n,
                                      unsigned flags) {
    phrase_scope *sc = scope_now;
    if (!sc || sc->toks != toks || sc->n != n) return NULL;
    size_t sl = slot_of(d, flags);
    int k = sc->slot[sl] - 1;
    if (k >= 0 && sc->memo[k].d == d && sc->memo[k].flags == flags)
        return sc->memo[k].memo;
    return scope_memo_find(sc, d, toks, n, flags, sl);
}

int phrase_dict_match(const phrase_dict *d, const marsad_token *toks, size_t n,
                      size_t i, unsigned flags, phrase_match *m) {
    phrase_memo *pm = i < n ? scope_memo(d, toks, n, flags) : NULL;
    if (!pm) return match_direct(d, toks, n, i, flags, m);
    /* the group's bits as the memo keeps them (memo_fill reads them too) */
    if (pm->bits && !(pm->bits[i] & pm->bit)) {
        memset(m, 0, sizeof *m);
        return 0;
    }
    return memo_get(pm, i, m);
}

const uint32_t *phrase_group_bits(const phrase_dict *d, const marsad_token *toks,
                                  size_t n, unsigned flags, uint32_t *bit) {
    const uint32_t *mask = scope_bits(d, toks, n, flags);
    *bit = mask ? d->bit : 0;
    return mask;
}

void phrase_asker_init(phrase_asker *a, const phrase_dict *d,
                       const marsad_token *toks, size_t n, unsigned flags) {
    a->d = d;
    a->toks = toks;
    a->n = n;
    a->flags = flags;
    a->memo = scope_memo(d, toks, n, flags);
    a->mask = scope_bits(d, toks, n, flags);
    a->bit = a->mask ? d->bit : 0;
}
