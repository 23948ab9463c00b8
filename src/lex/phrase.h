/*
 * phrase.h — a dictionary of multi-word phrases matched over document tokens.
 *
 * The one matching mechanism under the gazetteer, the actor lexicon, the
 * trigger lexicon and the date and number words. Phrases are stored by their
 * key (text_phrase_key: folded tokens joined by spaces), each with a list of
 * caller values (indices into the caller's own tables). Matching at a token
 * extends token by token while the words read so far are a prefix of some
 * phrase, and returns the longest full phrase; optionally the first token may
 * carry proclitics (و ف ب ل ك ال ...) and the last enclitics, tried through
 * marsad_clitic_segments, so بمدينة مصراتة and لمصراتة both find مصراتة.
 */
#ifndef MARSAD_PHRASE_H
#define MARSAD_PHRASE_H

#include "marsad.h"

typedef struct phrase_dict phrase_dict;

phrase_dict *phrase_dict_new(void);
void phrase_dict_free(phrase_dict *d);

/* Adds the phrase written as text (any spelling: it is folded and tokenized
 * like a document) with value. Adding the same (phrase, value) twice stores it
 * once. Returns 0 when added, 1 when the phrase has no letters or digits, -1
 * when memory runs out. */
int phrase_dict_add(phrase_dict *d, const char *text, size_t len,
                    uint32_t value);

/* Adds an already-built key (see text_phrase_key). Same returns. */
int phrase_dict_add_key(phrase_dict *d, const char *key, size_t len,
                        uint32_t value);

/* Values of the phrase whose text is exactly `text`, or NULL. */
const uint32_t *phrase_dict_get(const phrase_dict *d, const char *text,
                                size_t len, uint32_t *nvalues);

enum {
    PHRASE_PRO = 1, /* the first token may carry proclitics */
    PHRASE_ENC = 2, /* the last token may carry enclitics */
    PHRASE_ANY_SENTENCE = 4 /* may cross a sentence end (default: not) */
};

typedef struct {
    uint32_t ntoks;          /* tokens covered, from the start token */
    uint8_t pro, enc;        /* bytes of clitics stripped (folded form) */
    const uint32_t *values;  /* owned by the dictionary */
    uint32_t nvalues;
} phrase_match;

/* Do the pro bytes of proclitics at p (a match's pro, over its first
 * token's folded form) end with the article: ال (بال, وال) or لل (ل + ال)? */
int phrase_pro_has_article(const char *p, size_t pro);

/* The longest phrase starting at toks[i] (toks has n tokens). Returns 1 and
 * fills *m when found, else 0. Cost: a few hash probes per token read. */
int phrase_dict_match(const phrase_dict *d, const marsad_token *toks, size_t n,
                      size_t i, unsigned flags, phrase_match *m);

/* A cache of phrase_dict_match answers over one token array, for callers
 * that ask one dictionary about the same token many times (the date grammar
 * tries one word class after another at each token). Answers are computed on
 * first use and are exactly phrase_dict_match's. The memo reads toks and d
 * (both must outlive it) and belongs to one thread. Cost: 4 bytes per token
 * plus the answers that matched. Returns NULL when memory runs out (callers then match
 * directly). */
typedef struct phrase_memo phrase_memo;
phrase_memo *phrase_memo_new(const phrase_dict *d, const marsad_token *toks,
                             size_t n, unsigned flags);
/* phrase_dict_match(d, toks, n, i, flags, m), remembered. */
int phrase_memo_match(phrase_memo *pm, size_t i, phrase_match *m);
void phrase_memo_free(phrase_memo *pm);

/* A document scope: between phrase_scope_begin(toks, n) and
 * phrase_scope_end, on the same thread, phrase_dict_match over exactly these
 * tokens remembers its answers (one phrase_memo per dictionary and flags), so
 * the finders that ask the same dictionary about the same word again, and the
 * finders run twice (places, before and after the article's country is
 * known), pay once. Answers are unchanged. The tokens must stay as they are
 * until the scope ends; scopes nest and end in reverse order. Returns NULL
 * when memory runs out (nothing is remembered then); phrase_scope_end(NULL)
 * does nothing. */
typedef struct phrase_scope phrase_scope;
phrase_scope *phrase_scope_begin(const marsad_token *toks, size_t n);
void phrase_scope_end(phrase_scope *sc);

/* A group of dictionaries that a document scope asks about the same words:
 * one filter over all their first words tells, once per token, which of
 * them its keys (the word, its stems, ال + stem) may start a phrase in, so
 * the others answer "no" without a lookup. A dictionary joins complete
 * (adding a phrase later takes it out of the group) and belongs to one
 * group; up to 32 join, phrase_group_add returns -1 for the rest (they are
 * asked as before). Answers are unchanged. */
typedef struct phrase_group phrase_group;
phrase_group *phrase_group_new(void);
int phrase_group_add(phrase_group *g, phrase_dict *d);
void phrase_group_free(phrase_group *g);
/* phrase_scope_begin, with g's filter read for every token (g may be
 * NULL; it must outlive the scope). */
phrase_scope *phrase_scope_begin_group(const marsad_token *toks, size_t n,
                                       const phrase_group *g);

/* A scope with a group computes, for every token, what depends on the word
 * alone (its keys and the group's bits for them); each thread keeps that
 * per word form across scopes (up to 32,768 forms of words under 64 bytes;
 * it starts again at a scope's beginning when three quarters full, or for
 * another group), with the first-word hits of the forms asked about (up to
 * 524,288 of them): 35 MB per thread at most. Answers are
 * unchanged. For tests and measures, the
 * thread's counts: tokens whose form was found (hits), was made (misses),
 * could not be kept (unkept: the forms full, or no memory; computed for
 * the token alone), and the times the forms started again (restarts);
 * and first questions to a dictionary about a token whose form's answer
 * was kept (hits_found) or found then (hits_made); and the forms' bits for
 * a dictionary taken back when the form turned out to start none of its
 * phrases (bits_cleared).
 * phrase_forms_limit sets how many forms the thread keeps (at most 32,768;
 * 0: none, every token computed). */
typedef struct {
    size_t hits, misses, unkept, restarts, hits_found, hits_made, bits_cleared;
} phrase_forms_stats;
phrase_forms_stats phrase_forms_stats_get(void);
void phrase_forms_limit(size_t max);
/* For tests: a form is looked for where its hash says, and compared whole
 * once its hash's top bits match; with on (from the thread's next scope),
 * every form is looked for from one place and compared, so a word is
 * compared with every form made before it. */
void phrase_forms_untagged(int on);

/* One dictionary asked with the same flags about one token array, many
 * times: the document scope's memo is found once, not per question.
 * phrase_ask(a, i, m) is phrase_dict_match(d, toks, n, i, flags, m). The
 * asker is valid while the scope that was current at phrase_asker_init
 * lasts (or anywhere, when none covered the tokens). */
typedef struct {
    const phrase_dict *d;
    const marsad_token *toks;
    size_t n;
    unsigned flags;
    phrase_memo *memo; /* the scope's, or NULL: ask directly */
    const uint32_t *mask; /* the scope's group bits per token, and d's bit */
    uint32_t bit;         /* (0: no group) */
} phrase_asker;
void phrase_asker_init(phrase_asker *a, const phrase_dict *d,
                       const marsad_token *toks, size_t n, unsigned flags);
static inline int phrase_ask(const phrase_asker *a, size_t i, phrase_match *m) {
    if (a->bit && i < a->n && !(a->mask[i] & a->bit)) {
        *m = (phrase_match){0};
        return 0;
    }
    return a->memo ? phrase_memo_match(a->memo, i, m)
                   : phrase_dict_match(a->d, a->toks, a->n, i, a->flags, m);
}

/* What phrase_ask reads first, for a caller that only needs the group's
 * answer (no memo is made): the current scope's group bits per token for d
 * asked with flags about toks, with d's bit in *bit; NULL and *bit 0 when
 * no scope with d's group covers toks. A clear bit at a token means no
 * phrase of d starts there. */
const uint32_t *phrase_group_bits(const phrase_dict *d, const marsad_token *toks,
                                  size_t n, unsigned flags, uint32_t *bit);

/* Test hook: phrase_dict_match computed the plain way, with no scope,
 * group, filter or hash derived from another: every key tried is built
 * whole, hashed from its bytes and looked up. */
int phrase_dict_match_plain(const phrase_dict *d, const marsad_token *toks,
                            size_t n, size_t i, unsigned flags,
                            phrase_match *m);

/* Test hook: the inline comparison keys are found with (memcmp(a, b, n)
 * == 0). */
int phrase_same_bytes(const char *a, const char *b, size_t n);

/* 0 when no phrase of d begins with the word t (its folded form, without
 * stripping clitics), so phrase_dict_match asked without PHRASE_PRO or
 * PHRASE_ENC at t answers "no"; 1 when one may. A filter read, for callers
 * that ask about many words outside a document scope. */
int phrase_dict_may_start(const phrase_dict *d, const marsad_token *t);

/* Number of distinct phrases. */
size_t phrase_dict_size(const phrase_dict *d);
/* Longest phrase, in tokens. */
size_t phrase_dict_max_tokens(const phrase_dict *d);

#endif
