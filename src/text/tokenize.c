/*
 * tokenize.c — words, numbers, punctuation and quotes; sentences and
 * paragraphs. One left-to-right pass, linear in the text length.
 *
 * Rules:
 *  - a word is a run of letters and marks of one script (Arabic letters with
 *    tashkeel and tatweel, or Latin ...); digits end a word, so و٢٤ is و + ٢٤
 *    and 2016م is 2016 + م; tatweel keeps a kashida-split proclitic whole
 *    (فـ"استغل is فـ + " + استغل, الـ400 is الـ + 400);
 *  - a number is a run of digits of any script with inner separators . , ٫ ٬
 *    between digits (3.5, 1,000, ١٬٠٠٠); '/' and '-' are punctuation, so a
 *    date 24/4/2016 is three numbers;
 *  - a sentence ends after . ! ? ؟ ؛ ; … (with any closing quotes or
 *    brackets glued to them) and at a line break; never inside a number;
 *  - a paragraph ends at a line break.
 */
#include "marsad.h"
#include "text/text_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct marsad_doc {
    char *text;
    size_t len;
    marsad_token *toks;
    size_t ntoks, captoks;
    marsad_sentence *sents;
    size_t nsents, capsents;
    char *norms; /* all folded forms, each NUL-terminated */
    size_t normlen, normcap;
    size_t invalid, nuls, paragraphs;
};

enum cls { C_SPACE, C_NEWLINE, C_LETTER_AR, C_LETTER, C_MARK, C_DIGIT,
           C_QUOTE, C_PUNCT };

static enum cls classify_slow(int32_t cp) {
    if (cp < 0x80) {
        if (cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f') return C_NEWLINE;
        if (cp == ' ' || cp == '\t' || cp == 0) return C_SPACE;
        if (cp >= '0' && cp <= '9') return C_DIGIT;
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return C_LETTER;
        if (cp == '"' || cp == '\'' || cp == '`') return C_QUOTE;
        if (cp < 0x20 || cp == 0x7F) return C_SPACE;
        return C_PUNCT;
    }
    switch (cp) {
    case 0x00AB: case 0x00BB: case 0x2018: case 0x2019: case 0x201A:
    case 0x201B: case 0x201C: case 0x201D: case 0x201E: case 0x201F:
    case 0x2039: case 0x203A: case 0x300C: case 0x300D:
        return C_QUOTE;
    case 0x0085: case 0x2028: case 0x2029:
        return C_NEWLINE;
    case 0x0640: /* tatweel */
        return C_LETTER_AR;
    case 0x200C: case 0x200D: /* joiners stay inside words */
        return C_MARK;
    case 0x200B: case 0x200E: case 0x200F: case 0xFEFF: case 0x00AD:
    case 0x061C: case 0x202A: case 0x202B: case 0x202C: case 0x202D:
    case 0x202E: case 0x2066: case 0x2067: case 0x2068: case 0x2069:
        return C_SPACE; /* invisible format characters separate nothing */
    default:
        break;
    }
    utf8proc_category_t c = utf8proc_category(cp);
    switch (c) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
            (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFF))
            return C_LETTER_AR;
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
        return C_SPACE;
    case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        return C_NEWLINE;
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF:
        return C_SPACE;
    default:
        return C_PUNCT;
    }
}

/* classify_slow for U+0000..U+07FF, built once: most text is there. */
#define CLS_N 0x800
static uint8_t cls_table[CLS_N];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void cls_table_init(void) {
    for (int32_t cp = 0; cp < CLS_N; cp++) cls_table[cp] = (uint8_t)classify_slow(cp);
}

static inline enum cls classify(int32_t cp) {
    if (cp >= 0 && cp < CLS_N) return (enum cls)cls_table[cp];
    return classify_slow(cp);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

/* Appends a token for text[start,end) with its folded form. */
/* Removes the spaces a few multi-word ligatures fold to (ﷺ, ﷻ): a token's
 * folded form is one word, so phrase keys (forms joined by spaces) and
 * tokens agree. Returns the new length. */
static size_t squeeze_spaces(char *s, size_t n) {
    if (!memchr(s, ' ', n)) return n;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ') s[o++] = s[i];
    s[o] = '\0';
    return o;
}

/* A word folded by the scanner as it read it (see scan_tokens). */
#define WORD_FOLD_MAX 248
typedef struct {
    char b[WORD_FOLD_MAX + 8]; /* room for a whole table entry past the end */
    size_t n;
    uint64_t key; /* P of b[0..n), not reduced */
} word_fold;

static int add_token(marsad_doc *d, size_t start, size_t end, int kind,
                     int flags, const word_fold *wf) {
    if (grow((void **)&d->toks, &d->captoks, d->ntoks + 1, sizeof *d->toks))
        return -1;
    /* fold straight into the buffer, with room for the usual growth (an
     * Arabic ligature of 3 bytes folds to 4); fold again when short */
    size_t room = 4 * (end - start) + 16;
    if (wf && wf->n + 1 > room) room = wf->n + 1;
    if (grow((void **)&d->norms, &d->normcap, d->normlen + room, 1)) return -1;
    size_t need;
    uint64_t key;
    if (wf) {
        need = wf->n;
        key = wf->key;
        memcpy(d->norms + d->normlen, wf->b, need);
        d->norms[d->normlen + need] = '\0';
    } else if (!text_fold_simple(d->text + start, end - start, d->norms + d->normlen,
                                 d->normcap - d->normlen, &need, &key)) {
        need = marsad_fold(d->text + start, end - start, d->norms + d->normlen,
                           d->normcap - d->normlen);
        if (need + 1 > d->normcap - d->normlen) {
            if (grow((void **)&d->norms, &d->normcap, d->normlen + need + 1, 1))
                return -1;
            marsad_fold(d->text + start, end - start, d->norms + d->normlen,
                        need + 1);
        }
        need = squeeze_spaces(d->norms + d->normlen, need);
        key = text_key_step(0, d->norms + d->normlen, need);
    }
    marsad_token *t = &d->toks[d->ntoks++];
    key = (key & TEXT_KEY_MASK) | TEXT_KEY_SET;
    t->key_hi = (uint16_t)(key >> 32);
    t->key_lo = (uint32_t)key;
    t->start = start;
    t->end = end;
    t->norm = (const char *)(uintptr_t)d->normlen; /* fixed up at the end */
    t->norm_len = (uint32_t)need;
    t->kind = (uint8_t)kind;
    t->flags = (uint8_t)flags;
    t->sentence = 0;
    d->normlen += need + 1;
    return 0;
}

static int is_terminal(const marsad_doc *d, const marsad_token *t) {
    if (t->kind != MARSAD_TOK_PUNCT) return 0;
    const char *p = d->text + t->start;
    size_t n = t->end - t->start;
    if (n == 1) return *p == '.' || *p == '!' || *p == '?' || *p == ';';
    return (n == 2 && memcmp(p, "\xD8\x9F", 2) == 0) ||     /* ؟ */
           (n == 2 && memcmp(p, "\xD8\x9B", 2) == 0) ||     /* ؛ */
           (n == 2 && memcmp(p, "\xDB\x94", 2) == 0) ||     /* ۔ */
           (n == 3 && memcmp(p, "\xE2\x80\xA6", 3) == 0);   /* … */
}

static int is_closer(const marsad_doc *d, const marsad_token *t) {
    if (t->kind == MARSAD_TOK_QUOTE) return 1;
    if (t->kind != MARSAD_TOK_PUNCT) return 0;
    char c = d->text[t->start];
    return t->end - t->start == 1 && (c == ')' || c == ']' || c == '}');
}

static int add_sentence(marsad_doc *d, size_t first, size_t last_excl,
                        size_t para) {
    if (last_excl <= first) return 0;
    if (grow((void **)&d->sents, &d->capsents, d->nsents + 1, sizeof *d->sents))
        return -1;
    marsad_sentence *s = &d->sents[d->nsents];
    s->first_token = (uint32_t)first;
    s->ntokens = (uint32_t)(last_excl - first);
    s->start = d->toks[first].start;
    s->end = d->toks[last_excl - 1].end;
    s->paragraph = (uint32_t)para;
    for (size_t k = first; k < last_excl; k++)
        d->toks[k].sentence = (uint32_t)d->nsents;
    d->nsents++;
    return 0;
}

/* Token pass: fills d->toks. Records, per token, whether a line break came
 * before it (in bit 7 of flags, cleared by the sentence pass). */
#define TOKF_NEWLINE_BEFORE 0x80

typedef int (*token_cb)(void *ctx, size_t start, size_t end, int kind,
                        int flags, const word_fold *wf);

/* One code point of a word into wf (ft: the fast fold table): 0 when it
 * must be folded the usual way, which text_fold_simple would conclude too
 * (a code point from U+0800 on, or one whose fold the table does not hold),
 * or when the word is too long for wf. */
static inline int fold_step(word_fold *wf, const text_fast_fold *ft, int32_t cp) {
    if (cp >= TEXT_FOLD_N || ft[cp].len == TEXT_FOLD_NO || wf->n > WORD_FOLD_MAX)
        return 0;
    const text_fast_fold *f = &ft[cp];
    memcpy(wf->b + wf->n, f->b, sizeof f->b);
    wf->key = wf->key * f->mul + f->poly;
    wf->n += f->len;
    return 1;
}

/* The scanner: calls cb for each token of s; stops early when cb fails.
 * *invalid and *nuls (may be NULL) count bad bytes. With fold, a word is
 * folded while it is read (one decoding of each character instead of two)
 * and cb gets its fold, exactly text_fold_simple's; else (and for other
 * tokens, or a word the table cannot fold) cb gets NULL. */
static int scan_tokens(const char *s, size_t len, token_cb cb, void *ctx,
                       size_t *invalid_out, size_t *nuls_out, int fold) {
    size_t i = 0, invalid = 0, nuls = 0;
    int glued = 0, newline = 1, rc = 0;
    pthread_once(&cls_once, cls_table_init);
    const text_fast_fold *ft = fold ? text_fold_fast_table() : NULL;
    word_fold wf;
    while (i < len) {
        int32_t cp;
        int inv;
        size_t n = text_utf8_next(s, len, i, &cp, &inv);
        if (inv) invalid++;
        if (cp == 0 && !inv) nuls++;
        enum cls c = inv ? C_PUNCT : classify(cp);
        if (c == C_SPACE) { glued = 0; i += n; continue; }
        if (c == C_NEWLINE) { glued = 0; newline = 1; i += n; continue; }
        size_t start = i;
        int kind, flags = (glued ? MARSAD_TOKF_GLUED : 0) |
                          (newline ? TOKF_NEWLINE_BEFORE : 0) |
                          (inv ? MARSAD_TOKF_INVALID : 0);
        i += n;
        int folded = 0;
        if (c == C_LETTER_AR || c == C_LETTER || c == C_MARK) {
            enum cls script = c == C_MARK ? C_LETTER_AR : c;
            kind = MARSAD_TOK_WORD;
            wf.n = 0;
            wf.key = 0;
            folded = ft && fold_step(&wf, ft, cp);
            while (i < len) {
                size_t m = text_utf8_next(s, len, i, &cp, &inv);
                if (inv) break;
                enum cls c2 = classify(cp);
                if (c2 == C_MARK) {
                    i += m;
                } else if (c2 == script) {
                    c = c2; /* a letter fixes the script of leading marks */
                    i += m;
                } else if (c == C_MARK && (c2 == C_LETTER_AR || c2 == C_LETTER)) {
                    script = c2; /* leading marks take the script that follows */
                    c = c2;
                    i += m;
                } else {
                    break;
                }
                folded = folded && fold_step(&wf, ft, cp);
            }
        } else if (c == C_DIGIT) {
            kind = MARSAD_TOK_NUMBER;
            while (i < len) {
                size_t m = text_utf8_next(s, len, i, &cp, &inv);
                if (inv) break;
                enum cls c2 = classify(cp);
                if (c2 == C_DIGIT) { i += m; continue; }
                if (cp == '.' || cp == ',' || cp == 0x066B || cp == 0x066C) {
                    int32_t cp2;
                    int inv2;
                    size_t m2 = text_utf8_next(s, len, i + m, &cp2, &inv2);
                    if (m2 && !inv2 && classify(cp2) == C_DIGIT) {
                        i += m + m2;
                        continue;
                    }
                }
                break;
            }
        } else {
            kind = c == C_QUOTE ? MARSAD_TOK_QUOTE : MARSAD_TOK_PUNCT;
        }
        if ((rc = cb(ctx, start, i, kind, flags, folded ? &wf : NULL)) != 0) break;
        glued = 1;
        newline = 0;
    }
    if (invalid_out) *invalid_out = invalid;
    if (nuls_out) *nuls_out = nuls;
    return rc;
}

static int doc_token_cb(void *ctx, size_t start, size_t end, int kind,
                        int flags, const word_fold *wf) {
    return add_token(ctx, start, end, kind, flags, wf);
}

/* doc_token_cb until max_words words and numbers are in: then 1 (stop). */
struct words_ctx {
    marsad_doc *d;
    size_t words, max_words;
};

static int words_token_cb(void *ctx, size_t start, size_t end, int kind,
                          int flags, const word_fold *wf) {
    struct words_ctx *w = ctx;
    if (add_token(w->d, start, end, kind, flags, wf)) return -1;
    if (kind == MARSAD_TOK_WORD || kind == MARSAD_TOK_NUMBER)
        if (++w->words >= w->max_words) return 1;
    return 0;
}

static int tokenize(marsad_doc *d) {
    return scan_tokens(d->text, d->len, doc_token_cb, d, &d->invalid, &d->nuls, 1);
}

struct key_ctx {
    const char *s;
    char *out;
    size_t cap, o;
};

static int key_token_cb(void *ctx, size_t start, size_t end, int kind,
                        int flags, const word_fold *wf) {
    struct key_ctx *k = ctx;
    size_t n = marsad_fold(k->s + start, end - start, NULL, 0);
    if (n == 0) return 0;
    char small[256], *f = n < sizeof small ? small : malloc(n + 1);
    if (!f) return -1;
    marsad_fold(k->s + start, end - start, f, n + 1);
    n = squeeze_spaces(f, n);
    if (k->o > 0) {
        if (k->o < k->cap) k->out[k->o] = ' ';
        k->o++;
    }
    for (size_t i = 0; i < n; i++, k->o++)
        if (k->o < k->cap) k->out[k->o] = f[i];
    if (f != small) free(f);
    return 0;
}

size_t text_phrase_key(const char *s, size_t len, char *out, size_t cap) {
    struct key_ctx k = {s, out, cap, 0};
    scan_tokens(s, len, key_token_cb, &k, NULL, NULL, 0);
    if (k.o < cap) out[k.o] = '\0';
    else if (cap) out[cap - 1] = '\0';
    return k.o;
}

static int segment(marsad_doc *d) {
    size_t first = 0, para = 0;
    int have_para = 0;
    for (size_t k = 0; k < d->ntoks; k++) {
        marsad_token *t = &d->toks[k];
        if ((t->flags & TOKF_NEWLINE_BEFORE) && k > first) {
            if (add_sentence(d, first, k, para)) return -1;
            first = k;
        }
        if (t->flags & TOKF_NEWLINE_BEFORE) {
            if (have_para) para++;
            have_para = 1;
            t->flags |= MARSAD_TOKF_PARA_START;
        }
        t->flags &= (uint8_t)~TOKF_NEWLINE_BEFORE;
        if (is_terminal(d, t)) {
            size_t e = k + 1;
            while (e < d->ntoks && (d->toks[e].flags & MARSAD_TOKF_GLUED) &&
                   !(d->toks[e].flags & TOKF_NEWLINE_BEFORE) &&
                   (is_terminal(d, &d->toks[e]) || is_closer(d, &d->toks[e]))) {
                d->toks[e].flags &= (uint8_t)~TOKF_NEWLINE_BEFORE;
                e++;
            }
            if (add_sentence(d, first, e, para)) return -1;
            first = e;
            k = e - 1;
        }
    }
    if (add_sentence(d, first, d->ntoks, para)) return -1;
    d->paragraphs = d->ntoks ? para + 1 : 0;
    return 0;
}

marsad_doc *text_doc_new_words(const char *text, size_t len, size_t max_words,
                               int *cut) {
    *cut = 0;
    marsad_doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->text = malloc(len + 1);
    if (!d->text) goto fail;
    if (len) memcpy(d->text, text, len);
    d->text[len] = '\0';
    d->len = len;
    struct words_ctx w = {d, 0, max_words ? max_words : 1};
    int rc = scan_tokens(d->text, d->len, words_token_cb, &w, &d->invalid, &d->nuls, 1);
    if (rc < 0) goto fail;
    *cut = rc > 0;
    if (segment(d)) goto fail;
    for (size_t k = 0; k < d->ntoks; k++)
        d->toks[k].norm = d->norms + (uintptr_t)d->toks[k].norm;
    return d;
fail:
    marsad_doc_free(d);
    return NULL;
}

int text_doc_blanked(marsad_doc *d, const char *text, size_t len) {
    if (len != d->len) return -1;
    /* A token never starts with white space, so the tokens of a blanked
     * line are those whose first byte changed. */
    size_t o = 0, invalid = 0;
    for (size_t k = 0; k < d->ntoks; k++) {
        marsad_token t = d->toks[k];
        if (text[t.start] != d->text[t.start]) continue;
        if (t.flags & MARSAD_TOKF_PARA_START)
            t.flags = (uint8_t)((t.flags & ~MARSAD_TOKF_PARA_START) | TOKF_NEWLINE_BEFORE);
        invalid += (t.flags & MARSAD_TOKF_INVALID) != 0;
        d->toks[o++] = t;
    }
    d->ntoks = o;
    d->nsents = 0;
    d->invalid = invalid;
    memcpy(d->text, text, len);
    d->nuls = 0;
    for (const char *p = text, *e = text + len; (p = memchr(p, '\0', (size_t)(e - p))) != NULL;
         p++)
        d->nuls++;
    return segment(d);
}

marsad_doc *marsad_doc_new(const char *text, size_t len) {
    marsad_doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->text = malloc(len + 1);
    if (!d->text) goto fail;
    if (len) memcpy(d->text, text, len);
    d->text[len] = '\0';
    d->len = len;
    if (tokenize(d) || segment(d)) goto fail;
    for (size_t k = 0; k < d->ntoks; k++)
        d->toks[k].norm = d->norms + (uintptr_t)d->toks[k].norm;
    return d;
fail:
    marsad_doc_free(d);
    return NULL;
}

void marsad_doc_free(marsad_doc *d) {
    if (!d) return;
    free(d->text);
    free(d->toks);
    free(d->sents);
    free(d->norms);
    free(d);
}

const char *marsad_doc_text(const marsad_doc *d, size_t *len) {
    if (len) *len = d->len;
    return d->text;
}

const marsad_token *marsad_doc_tokens(const marsad_doc *d, size_t *n) {
    *n = d->ntoks;
    return d->toks;
}

const marsad_sentence *marsad_doc_sentences(const marsad_doc *d, size_t *n) {
    *n = d->nsents;
    return d->sents;
}

size_t marsad_doc_paragraph_count(const marsad_doc *d) { return d->paragraphs; }
size_t marsad_doc_invalid_bytes(const marsad_doc *d) { return d->invalid; }
size_t marsad_doc_nul_bytes(const marsad_doc *d) { return d->nuls; }

const char *marsad_token_kind_name(int kind) {
    switch (kind) {
    case MARSAD_TOK_WORD: return "word";
    case MARSAD_TOK_NUMBER: return "number";
    case MARSAD_TOK_PUNCT: return "punct";
    case MARSAD_TOK_QUOTE: return "quote";
    default: return "?";
    }
}
