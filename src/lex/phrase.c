/*
 * phrase.c — open-addressing hash of phrase keys and of their token-wise
 * prefixes, for incremental longest match (see phrase.h).
 */
#include "lex/phrase.h"
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    uint32_t key_off, key_len; /* in d->keys; key_len 0 marks an empty slot */
    uint32_t *vals;
    uint32_t nvals, capvals;
    uint8_t is_full;           /* a phrase ends here (else only a prefix) */
} slot;

struct phrase_dict {
    slot *slots;
    size_t nslots, used, nphrases, max_tokens;
    char *keys;
    size_t keylen, keycap;
};

static uint64_t fnv1a(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h | 1; /* never 0 */
}

phrase_dict *phrase_dict_new(void) {
    phrase_dict *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->nslots = 1024;
    d->slots = calloc(d->nslots, sizeof *d->slots);
    if (!d->slots) {
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
    free(old);
    return 0;
}

/* Finds or inserts the slot for key k. */
static slot *intern(phrase_dict *d, const char *k, size_t n) {
    if ((d->used + 1) * 4 > d->nslots * 3 && rehash(d)) return NULL;
    uint64_t h = fnv1a(k, n);
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
    s->hash = h;
    s->key_off = (uint32_t)d->keylen;
    s->key_len = (uint32_t)n;
    d->keylen += n;
    d->used++;
    return s;
}

int phrase_dict_add_key(phrase_dict *d, const char *key, size_t len,
                        uint32_t value) {
    if (len == 0) return 1;
    /* every token-wise prefix is marked, so matching can stop early */
    size_t ntok = 1;
    for (size_t i = 0; i < len; i++) {
        if (key[i] != ' ') continue;
        if (!intern(d, key, i)) return -1;
        ntok++;
    }
    slot *s = intern(d, key, len);
    if (!s) return -1;
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
    const slot *s = find(d, buf, n, fnv1a(buf, n));
    if (!s->key_len || !s->is_full) return NULL;
    *nvalues = s->nvals;
    return s->vals;
}

size_t phrase_dict_size(const phrase_dict *d) { return d->nphrases; }
size_t phrase_dict_max_tokens(const phrase_dict *d) { return d->max_tokens; }

/* Extends a key buffer token by token from toks[i+1..] after a first word
 * `first` and records the longest full match. */
#define KEYMAX 1024

static void extend(const phrase_dict *d, const marsad_token *toks, size_t n,
                   size_t i, unsigned flags, const char *first, size_t flen,
                   uint8_t pro, phrase_match *best) {
    char key[KEYMAX];
    if (flen == 0 || flen >= KEYMAX) return;
    memcpy(key, first, flen);
    size_t klen = flen, k = i;
    for (;;) {
        const slot *s = find(d, key, klen, fnv1a(key, klen));
        if (!s->key_len) break;
        uint32_t ntoks = (uint32_t)(k - i + 1);
        if (s->is_full && (ntoks > best->ntoks ||
                           (ntoks == best->ntoks && pro < best->pro))) {
            best->ntoks = ntoks;
            best->pro = pro;
            best->enc = 0;
            best->values = s->vals;
            best->nvalues = s->nvals;
        }
        /* next non-empty token in the same sentence */
        size_t j = k + 1;
        while (j < n && toks[j].norm_len == 0) j++;
        if (j >= n) break;
        if (!(flags & PHRASE_ANY_SENTENCE) &&
            toks[j].sentence != toks[i].sentence)
            break;
        if (klen + 1 + toks[j].norm_len >= KEYMAX) break;
        key[klen++] = ' ';
        memcpy(key + klen, toks[j].norm, toks[j].norm_len);
        klen += toks[j].norm_len;
        k = j;
    }
}

int phrase_dict_match(const phrase_dict *d, const marsad_token *toks, size_t n,
                      size_t i, unsigned flags, phrase_match *m) {
    memset(m, 0, sizeof *m);
    if (i >= n || toks[i].norm_len == 0) return 0;
    const marsad_token *t = &toks[i];
    extend(d, toks, n, i, flags, t->norm, t->norm_len, 0, m);
    if (flags & (PHRASE_PRO | PHRASE_ENC)) {
        marsad_seg segs[32];
        int ns = marsad_clitic_segments(t->norm, t->norm_len, segs, 32);
        for (int s = 1; s < ns; s++) {
            if (segs[s].pro && !(flags & PHRASE_PRO)) continue;
            const char *stem = t->norm + segs[s].pro;
            size_t sl = t->norm_len - segs[s].pro - segs[s].enc;
            if (segs[s].enc) {
                /* an enclitic ends the phrase: one-word match only */
                if (!(flags & PHRASE_ENC)) continue;
                const slot *sl_ = find(d, stem, sl, fnv1a(stem, sl));
                if (sl_->key_len && sl_->is_full && m->ntoks == 0) {
                    m->ntoks = 1;
                    m->pro = segs[s].pro;
                    m->enc = segs[s].enc;
                    m->values = sl_->vals;
                    m->nvalues = sl_->nvals;
                }
                continue;
            }
            extend(d, toks, n, i, flags, stem, sl, segs[s].pro, m);
            /* بال/وال/لل + stem: also try the stem with its article */
            const char *pro = t->norm;
            size_t pl = segs[s].pro;
            int has_al = (pl >= 4 && memcmp(pro + pl - 4, "ال", 4) == 0) ||
                         (pl >= 4 && memcmp(pro + pl - 4, "لل", 4) == 0);
            if (has_al && sl + 4 < KEYMAX) {
                char withal[KEYMAX];
                memcpy(withal, "ال", 4);
                memcpy(withal + 4, stem, sl);
                extend(d, toks, n, i, flags, withal, sl + 4,
                       (uint8_t)(pl - 4), m);
            }
        }
    }
    return m->ntoks > 0;
}
