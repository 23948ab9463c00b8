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
#include "util/grow.h"

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

/* The scanner's view of a code point below U+0800, where most text is:
 * its class and, when the fold table holds it (text_fold_fast_table) in at
 * most four bytes, its fold, so that a character costs one lookup. */
#define CLS_N 0x800
typedef struct {
    char b[4];      /* the fold: b[0..flen) */
    uint8_t flen;
    uint8_t fbit;   /* 1 << class when b holds the fold, else 0 */
    uint8_t cls;    /* classify_slow */
    uint8_t pad[1 + 8];
    uint64_t poly;  /* P(b[0..flen)), not reduced */
    uint64_t mul;   /* TEXT_KEY_B^flen: P(s + b) = P(s) * mul + poly */
} cp_info;
_Static_assert(sizeof(cp_info) == 32, "one lookup, 32 bytes");
/* ASCII by byte, and two-byte characters by code point: overlong forms
 * (below U+0080) fall on entries with fbit 0, which the word loop's
 * reading of two characters at once relies on. */
static cp_info cp_ascii[0x80], cp_two[CLS_N];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void cls_table_init(void) {
    const text_fast_fold *ft = text_fold_fast_table();
    for (int32_t cp = 0; cp < CLS_N; cp++) {
        cp_info *e = cp < 0x80 ? &cp_ascii[cp] : &cp_two[cp];
        e->cls = (uint8_t)classify_slow(cp);
        if (ft[cp].len != TEXT_FOLD_NO && ft[cp].len <= sizeof e->b) {
            memcpy(e->b, ft[cp].b, ft[cp].len);
            e->flen = ft[cp].len;
            e->fbit = (uint8_t)(1u << e->cls);
            e->poly = ft[cp].poly;
            e->mul = ft[cp].mul;
        }
    }
}

static inline enum cls classify(int32_t cp) {
    if (cp >= 0 && cp < 0x80) return (enum cls)cp_ascii[cp].cls;
    if (cp >= 0x80 && cp < CLS_N) return (enum cls)cp_two[cp].cls;
    return classify_slow(cp);
}

/* Makes room for need bytes of forms; the forms of the first ntoks tokens
 * (pointers into them) move with them. */
static int norms_grow(marsad_doc *d, size_t need, size_t ntoks) {
    if (need <= d->normcap) return 0;
    for (size_t k = 0; k < ntoks; k++)
        d->toks[k].norm = (const char *)(uintptr_t)(d->toks[k].norm - d->norms);
    int rc = util_grow((void **)&d->norms, &d->normcap, need, 1);
    for (size_t k = 0; k < ntoks; k++)
        d->toks[k].norm = d->norms + (uintptr_t)d->toks[k].norm;
    return rc;
}

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

/* Folds text[start,end) into the norms at normlen the usual way (the
 * table's way when it can, else marsad_fold with the spaces squeezed out):
 * the folded length into *need (a NUL follows) and its P into *key. */
static int fold_token(marsad_doc *d, size_t start, size_t end, size_t *need_out,
                      uint64_t *key_out, int plain) {
    size_t n = end - start, need;
    uint64_t key;
    if (norms_grow(d, d->normlen + 4 * n + 16, d->ntoks)) return -1;
    char *out = d->norms + d->normlen;
    size_t room = d->normcap - d->normlen;
    if (plain || !text_fold_simple(d->text + start, n, out, room, &need, &key)) {
        need = marsad_fold(d->text + start, n, out, room);
        if (need + 1 > room) {
            if (norms_grow(d, d->normlen + need + 1, d->ntoks)) return -1;
            out = d->norms + d->normlen;
            marsad_fold(d->text + start, n, out, need + 1);
        }
        need = squeeze_spaces(out, need);
        key = text_key_step(0, out, need);
    }
    *need_out = need;
    *key_out = key;
    return 0;
}

/* Appends a token whose folded form (need bytes, NUL-terminated, P key) is
 * at the norms' normlen. */
static inline int push_token(marsad_doc *d, size_t start, size_t end, int kind,
                             unsigned flags, size_t need, uint64_t key) {
    if (d->ntoks == d->captoks &&
        util_grow((void **)&d->toks, &d->captoks, d->ntoks + 1, sizeof *d->toks))
        return -1;
    marsad_token *t = &d->toks[d->ntoks++];
    key = (key & TEXT_KEY_MASK) | TEXT_KEY_SET;
    t->key_hi = (uint16_t)(key >> 32);
    t->key_lo = (uint32_t)key;
    t->start = start;
    t->end = end;
    t->norm = d->norms + d->normlen;
    t->norm_len = (uint32_t)need;
    t->kind = (uint8_t)kind;
    t->flags = (uint8_t)flags;
    t->sentence = 0;
    d->normlen += need + 1;
    return 0;
}

/* Appends a token for text[start,end), folded the usual way (plain: by
 * marsad_fold alone). */
static int add_token(marsad_doc *d, size_t start, size_t end, int kind,
                     int flags, int plain) {
    size_t need;
    uint64_t key;
    if (fold_token(d, start, end, &need, &key, plain)) return -1;
    return push_token(d, start, end, kind, (unsigned)flags, need, key);
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

/* Appends the sentence of tokens [first, last_excl) (none when empty); the
 * tokens' sentence fields are the caller's. */
static inline int add_sentence(marsad_doc *d, size_t first, size_t last_excl,
                               size_t para) {
    if (last_excl <= first) return 0;
    if (d->nsents == d->capsents &&
        util_grow((void **)&d->sents, &d->capsents,
             d->nsents ? d->nsents + 1 : d->ntoks / 16 + 4, sizeof *d->sents))
        return -1;
    marsad_sentence *s = &d->sents[d->nsents++];
    s->first_token = (uint32_t)first;
    s->ntokens = (uint32_t)(last_excl - first);
    s->start = d->toks[first].start;
    s->end = d->toks[last_excl - 1].end;
    s->paragraph = (uint32_t)para;
    return 0;
}

/* Token pass: fills d->toks. Records, per token, whether a line break came
 * before it (in bit 7 of flags, cleared by the sentence pass). */
#define TOKF_NEWLINE_BEFORE 0x80

/* The plain scanner (text_phrase_key, text_doc_new_plain): calls cb for
 * each token of s, one code point at a time; stops early when cb fails.
 * *invalid and *nuls (may be NULL) count bad bytes. plain: classify_slow
 * and marsad_utf8_next, not their tables and inline forms. */
typedef int (*token_cb)(void *ctx, size_t start, size_t end, int kind,
                        int flags);

static inline size_t scan_next(const char *s, size_t len, size_t i, int32_t *cp,
                               int *inv, int plain) {
    return plain ? marsad_utf8_next(s, len, i, cp, inv)
                 : text_utf8_next(s, len, i, cp, inv);
}

static int scan_tokens(const char *s, size_t len, token_cb cb, void *ctx,
                       size_t *invalid_out, size_t *nuls_out, int plain) {
    size_t i = 0, invalid = 0, nuls = 0;
    int glued = 0, newline = 1, rc = 0;
    pthread_once(&cls_once, cls_table_init);
#define CLASSIFY(cp) (plain ? classify_slow(cp) : classify(cp))
    while (i < len) {
        int32_t cp;
        int inv;
        size_t n = scan_next(s, len, i, &cp, &inv, plain);
        if (inv) invalid++;
        if (cp == 0 && !inv) nuls++;
        enum cls c = inv ? C_PUNCT : CLASSIFY(cp);
        if (c == C_SPACE) { glued = 0; i += n; continue; }
        if (c == C_NEWLINE) { glued = 0; newline = 1; i += n; continue; }
        size_t start = i;
        int kind, flags = (glued ? MARSAD_TOKF_GLUED : 0) |
                          (newline ? TOKF_NEWLINE_BEFORE : 0) |
                          (inv ? MARSAD_TOKF_INVALID : 0);
        i += n;
        if (c == C_LETTER_AR || c == C_LETTER || c == C_MARK) {
            enum cls script = c == C_MARK ? C_LETTER_AR : c;
            kind = MARSAD_TOK_WORD;
            while (i < len) {
                size_t m = scan_next(s, len, i, &cp, &inv, plain);
                if (inv) break;
                enum cls c2 = CLASSIFY(cp);
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
            }
        } else if (c == C_DIGIT) {
            kind = MARSAD_TOK_NUMBER;
            while (i < len) {
                size_t m = scan_next(s, len, i, &cp, &inv, plain);
                if (inv) break;
                enum cls c2 = CLASSIFY(cp);
                if (c2 == C_DIGIT) { i += m; continue; }
                if (cp == '.' || cp == ',' || cp == 0x066B || cp == 0x066C) {
                    int32_t cp2;
                    int inv2;
                    size_t m2 = scan_next(s, len, i + m, &cp2, &inv2, plain);
                    if (m2 && !inv2 && CLASSIFY(cp2) == C_DIGIT) {
                        i += m + m2;
                        continue;
                    }
                }
                break;
            }
        } else {
            kind = c == C_QUOTE ? MARSAD_TOK_QUOTE : MARSAD_TOK_PUNCT;
        }
#undef CLASSIFY
        if ((rc = cb(ctx, start, i, kind, flags)) != 0) break;
        glued = 1;
        newline = 0;
    }
    if (invalid_out) *invalid_out = invalid;
    if (nuls_out) *nuls_out = nuls;
    return rc;
}

/* The doc's scanner: what scan_tokens cuts, with add_token's forms and
 * keys, up to the token that brings the words and numbers to max_words
 * (then returns 1; -1 when memory runs out). Each character below U+0800
 * is one lookup (cp_ascii, cp_two), and its fold is written into the
 * norms as it is read, so a token's form is there when its end is found;
 * a token with a character the table does not fold is folded again by
 * fold_token. Words are read two two-byte characters at a time where they
 * can. d->text is followed by four NULs (doc_alloc), so a character's
 * bytes, or four bytes, are read without checking the length: a NUL ends
 * every token. */
#define BIT(c) (1u << (c))
/* The word loop reads two characters from one 32-bit load where bytes
 * are in little-endian order (x86, ARM as Debian builds it); elsewhere it
 * reads one at a time. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TEXT_LITTLE_ENDIAN 1
#else
#define TEXT_LITTLE_ENDIAN 0
#endif
#define WORD_BITS (BIT(C_LETTER_AR) | BIT(C_LETTER) | BIT(C_MARK))
/* By the class of a word's first character: the classes the word goes on
 * with (acc), and those read on the word loop's fast way (accf), which
 * leaves acc alone (a letter after leading marks fixes the script, on the
 * slow way). */
static const uint8_t word_acc[C_PUNCT + 1] = {
    [C_LETTER_AR] = BIT(C_MARK) | BIT(C_LETTER_AR),
    [C_LETTER] = BIT(C_MARK) | BIT(C_LETTER),
    [C_MARK] = WORD_BITS,
};
static const uint8_t word_accf[C_PUNCT + 1] = {
    [C_LETTER_AR] = BIT(C_MARK) | BIT(C_LETTER_AR),
    [C_LETTER] = BIT(C_MARK) | BIT(C_LETTER),
    [C_MARK] = BIT(C_MARK),
};

/* marsad_utf8_next at p: the length in bits 0-7, invalid in bit 8, the
 * code point from bit 32 (so that nothing of the scanner's is in memory). */
static uint64_t decode_slow(const unsigned char *p, const unsigned char *end) {
    int32_t cp;
    int inv;
    size_t m = marsad_utf8_next((const char *)p, (size_t)(end - p), 0, &cp, &inv);
    return (uint64_t)(uint32_t)cp << 32 | (uint64_t)(inv != 0) << 8 | m;
}

/* The entry of the character at p, with its length in *m, when it is
 * ASCII or two bytes of UTF-8 (the entry of lead byte c and trail byte t
 * is at (c << 6) + t - 0x3080); else NULL. p[1] is read only after a lead
 * byte, so never past the NUL that ends the text. */
static inline const cp_info *decode_fast(const unsigned char *p, size_t *m,
                                         int32_t *cp) {
    unsigned c = p[0];
    if (c < 0x80) {
        *m = 1;
        *cp = (int32_t)c;
        return &cp_ascii[c];
    }
    if (c - 0xC2 < 0x1E && (p[1] & 0xC0) == 0x80) {
        *m = 2;
        *cp = (int32_t)((c << 6) + p[1] - 0x3080);
        return &cp_two[*cp];
    }
    return NULL;
}

static int scan_doc(marsad_doc *d, size_t max_words) {
    const unsigned char *const s = (const unsigned char *)d->text;
    const unsigned char *p = s, *const end = s + d->len;
    size_t left = max_words; /* words and numbers still to read */
    unsigned next_flags = TOKF_NEWLINE_BEFORE; /* of the next token */
    /* forms are written at w; two entries' four bytes each, and a NUL,
     * fit while w <= wlim */
    char *nb = d->norms, *w = nb + d->normlen, *wlim = nb + d->normcap - 12;
    marsad_token *tk = d->toks + d->ntoks, *tklim = d->toks + d->captoks;
    int rc = 0;
    d->invalid = d->nuls = 0;

/* makes room in the norms for an entry */
#define ROOM()                                                              \
    do {                                                                    \
        if (w > wlim) {                                                     \
            size_t at_ = (size_t)(w - nb);                                  \
            if (norms_grow(d, at_ + 12, (size_t)(tk - d->toks) + 1)) return -1; \
            nb = d->norms;                                                  \
            w = nb + at_;                                                   \
            wlim = nb + d->normcap - 12;                                    \
        }                                                                   \
    } while (0)
/* appends the fold of e (e->fbit set; room made) */
#define APPEND(e)                                                           \
    do {                                                                    \
        memcpy(w, (e)->b, 4);                                               \
        w += (e)->flen;                                                     \
        h = h * (e)->mul + (e)->poly;                                       \
    } while (0)
/* appends e's fold when the table holds it, else the token is folded again */
#define APPEND_ANY(e)                                                       \
    do {                                                                    \
        if ((e) && (e)->fbit) {                                             \
            ROOM();                                                         \
            APPEND(e);                                                      \
        } else {                                                            \
            folded = 0;                                                     \
        }                                                                   \
    } while (0)

    while (p < end) {
        unsigned c = p[0], cls, inv = 0;
        const cp_info *e;
        size_t m;
        if (c < 0x80) {
            if (c == ' ') {
                next_flags &= TOKF_NEWLINE_BEFORE;
                p++;
                continue;
            }
            e = &cp_ascii[c];
            m = 1;
            cls = e->cls;
        } else if (c - 0xC2 < 0x1E && (p[1] & 0xC0) == 0x80) {
            e = &cp_two[(c << 6) + p[1] - 0x3080];
            m = 2;
            cls = e->cls;
        } else {
            uint64_t r = decode_slow(p, end);
            e = NULL;
            m = r & 0xFF;
            inv = (r >> 8) & 1;
            d->invalid += inv;
            cls = inv ? C_PUNCT : classify_slow((int32_t)(r >> 32));
        }
        if (cls <= C_NEWLINE) { /* white space: one test for both */
            if (cls == C_SPACE) {
                d->nuls += c == 0;
                next_flags &= TOKF_NEWLINE_BEFORE;
            } else {
                next_flags = TOKF_NEWLINE_BEFORE;
            }
            p += m;
            continue;
        }
        /* a token from p: what is known of it now goes in at once */
        if (tk == tklim) {
            size_t nt = (size_t)(tk - d->toks);
            if (util_grow((void **)&d->toks, &d->captoks, nt + 1, sizeof *d->toks)) return -1;
            tk = d->toks + nt;
            tklim = d->toks + d->captoks;
        }
        tk->norm = w;
        ROOM();
        tk->start = (size_t)(p - s);
        tk->flags = (uint8_t)(next_flags | (inv ? MARSAD_TOKF_INVALID : 0));
        uint64_t h = 0;
        int folded = 1, kind;
        p += m;
        if (e && e->fbit) APPEND(e);
        else folded = 0;
        if (BIT(cls) & WORD_BITS) {
            kind = MARSAD_TOK_WORD;
            unsigned acc = word_acc[cls], accf = word_accf[cls];
            for (;;) {
                unsigned c2;
                /* two two-byte characters at once (Arabic letters): the
                 * four bytes as a little-endian word, lead byte lowest */
                uint32_t v;
                memcpy(&v, p, 4);
                if (TEXT_LITTLE_ENDIAN && (v & 0xC0E0C0E0u) == 0x80C080C0u) {
                    const cp_info *e1 = &cp_two[((v & 0x1F) << 6) | ((v >> 8) & 0x3F)];
                    const cp_info *e2 = &cp_two[((v >> 10) & 0x7C0) | ((v >> 24) & 0x3F)];
                    if ((e1->fbit & accf) && (e2->fbit & accf) && w <= wlim) {
                        p += 4;
                        APPEND(e1);
                        APPEND(e2);
                        continue;
                    }
                }
                c = p[0];
                if (c == ' ') break; /* the usual end */
                if (c - 0xC2 < 0x1E) {
                    unsigned c1 = p[1];
                    if ((c1 & 0xC0) != 0x80) goto word_slow;
                    e = &cp_two[(c << 6) + c1 - 0x3080];
                    if ((e->fbit & accf) && w <= wlim) {
                        p += 2;
                        APPEND(e);
                        continue;
                    }
                    m = 2;
                } else if (c < 0x80) {
                    e = &cp_ascii[c];
                    if ((e->fbit & accf) && w <= wlim) {
                        p += 1;
                        APPEND(e);
                        continue;
                    }
                    m = 1;
                } else {
                    goto word_slow;
                }
                c2 = e->cls;
                goto word_any;
            word_slow:
                e = NULL;
                {
                    uint64_t r = decode_slow(p, end);
                    if (r & 0x100) break;
                    m = r & 0xFF;
                    c2 = classify_slow((int32_t)(r >> 32));
                }
            word_any:
                if (!(BIT(c2) & acc)) break;
                if (c2 != C_MARK) acc = accf = BIT(C_MARK) | BIT(c2);
                p += m;
                APPEND_ANY(e);
            }
        } else if (cls == C_DIGIT) {
            kind = MARSAD_TOK_NUMBER;
            for (;;) {
                unsigned c2;
                int32_t cp;
                e = decode_fast(p, &m, &cp);
                if (e) {
                    c2 = e->cls;
                } else {
                    uint64_t r = decode_slow(p, end);
                    if (r & 0x100) break;
                    m = r & 0xFF;
                    cp = (int32_t)(r >> 32);
                    c2 = classify_slow(cp);
                }
                if (c2 == C_DIGIT) {
                    p += m;
                    APPEND_ANY(e);
                    continue;
                }
                if (cp == '.' || cp == ',' || cp == 0x066B || cp == 0x066C) {
                    /* a separator (in the table) goes in when a digit follows */
                    size_t m2;
                    int32_t cp2;
                    const cp_info *e2 = decode_fast(p + m, &m2, &cp2);
                    if (e2) {
                        c2 = e2->cls;
                    } else {
                        uint64_t r = decode_slow(p + m, end);
                        if (r & 0x100) break;
                        m2 = r & 0xFF;
                        c2 = classify_slow((int32_t)(r >> 32));
                    }
                    if (c2 == C_DIGIT) {
                        p += m + m2;
                        APPEND_ANY(e);
                        APPEND_ANY(e2);
                        continue;
                    }
                }
                break;
            }
        } else {
            kind = cls == C_QUOTE ? MARSAD_TOK_QUOTE : MARSAD_TOK_PUNCT;
        }
        size_t need;
        if (folded) {
            need = (size_t)(w - tk->norm);
        } else {
            d->normlen = (size_t)(tk->norm - nb);
            d->ntoks = (size_t)(tk - d->toks) + 1; /* its form moves too */
            /* answered in variables of their own: h and need, whose
             * addresses are not taken, stay in registers */
            size_t fneed;
            uint64_t fkey;
            if (fold_token(d, tk->start, (size_t)(p - s), &fneed, &fkey, 0)) return -1;
            need = fneed;
            h = fkey;
            nb = d->norms;
            wlim = nb + d->normcap - 12;
            w = nb + d->normlen + need;
        }
        *w++ = '\0';
        h = (h & TEXT_KEY_MASK) | TEXT_KEY_SET;
        tk->end = (size_t)(p - s);
        tk->norm_len = (uint32_t)need;
        tk->kind = (uint8_t)kind;
        tk->key_hi = (uint16_t)(h >> 32);
        tk->key_lo = (uint32_t)h;
        tk++;
        next_flags = MARSAD_TOKF_GLUED;
        if (*p == ' ') { /* the usual space after a token */
            next_flags = 0;
            p++;
        }
        if (kind <= MARSAD_TOK_NUMBER && --left == 0) {
            rc = 1;
            break;
        }
    }
#undef ROOM
#undef APPEND
#undef APPEND_ANY
    d->ntoks = (size_t)(tk - d->toks);
    d->normlen = (size_t)(w - nb);
    return rc;
}

struct key_ctx {
    const char *s;
    char *out;
    size_t cap, o;
};

static int key_token_cb(void *ctx, size_t start, size_t end, int kind,
                        int flags) {
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

/* Sentences and paragraphs from the tokens' flags (bit 7: a line break
 * before), one pass: each token is given the index of the sentence it will
 * close in (ns, the sentences made so far) as it is passed. */
static int segment(marsad_doc *d) {
    marsad_token *const T = d->toks, *t = T, *const end = T + d->ntoks;
    size_t first = 0, para = 0;
    int have_para = 0;
    uint32_t ns = (uint32_t)d->nsents;
    for (; t < end; t++) {
        unsigned f = t->flags;
        if (f & TOKF_NEWLINE_BEFORE) {
            size_t k = (size_t)(t - T);
            if (add_sentence(d, first, k, para)) return -1;
            ns = (uint32_t)d->nsents;
            first = k;
            if (have_para) para++;
            have_para = 1;
            t->flags = (uint8_t)((f & ~TOKF_NEWLINE_BEFORE) | MARSAD_TOKF_PARA_START);
        }
        t->sentence = ns;
        if (t->kind == MARSAD_TOK_PUNCT && is_terminal(d, t)) {
            /* closers and terminals glued to it end the sentence with it */
            marsad_token *e = t + 1;
            while (e < end && (e->flags & (MARSAD_TOKF_GLUED | TOKF_NEWLINE_BEFORE)) ==
                                  MARSAD_TOKF_GLUED &&
                   (is_terminal(d, e) || is_closer(d, e))) {
                e->sentence = ns;
                e++;
            }
            if (add_sentence(d, first, (size_t)(e - T), para)) return -1;
            ns = (uint32_t)d->nsents;
            first = (size_t)(e - T);
            t = e - 1;
        }
    }
    if (add_sentence(d, first, d->ntoks, para)) return -1;
    d->paragraphs = d->ntoks ? para + 1 : 0;
    return 0;
}

/* segment as it was written first: the reference for text_doc_new_plain. */
static int segment_plain(marsad_doc *d) {
    size_t first = 0, para = 0;
    int have_para = 0;
#define ADD_SENTENCE(a, b)                                                  \
    do {                                                                    \
        size_t a_ = (a), b_ = (b);                                          \
        for (size_t k_ = a_; k_ < b_; k_++)                                 \
            d->toks[k_].sentence = (uint32_t)d->nsents;                     \
        if (add_sentence(d, a_, b_, para)) return -1;                       \
    } while (0)
    for (size_t k = 0; k < d->ntoks; k++) {
        marsad_token *t = &d->toks[k];
        if ((t->flags & TOKF_NEWLINE_BEFORE) && k > first) {
            ADD_SENTENCE(first, k);
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
            ADD_SENTENCE(first, e);
            first = e;
            k = e - 1;
        }
    }
    ADD_SENTENCE(first, d->ntoks);
#undef ADD_SENTENCE
    d->paragraphs = d->ntoks ? para + 1 : 0;
    return 0;
}

/* A doc with a copy of the text and room for the tokens and forms of
 * nearly every text (news has a token per 9.5 bytes and forms as long as
 * the text: room for a token per 8 bytes and forms a sixteenth longer;
 * more is made when needed), or of max_words words. */
static marsad_doc *doc_alloc(const char *text, size_t len, size_t max_words) {
    if (len > SIZE_MAX / 64) return NULL;
    marsad_doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->text = malloc(len + 4); /* NULs after: scan_doc reads 4 bytes at a time */
    if (!d->text) goto fail;
    if (len) memcpy(d->text, text, len);
    memset(d->text + len, 0, 4);
    d->len = len;
    size_t ntok = len / 8 + 16, nnorm = len + len / 16 + 64;
    if (max_words < len / 8) {
        ntok = max_words + max_words / 2 + 16;
        nnorm = 16 * max_words + 64 < nnorm ? 16 * max_words + 64 : nnorm;
    }
    d->toks = malloc(ntok * sizeof *d->toks);
    d->norms = malloc(nnorm);
    if (!d->toks || !d->norms) goto fail;
    d->captoks = ntok;
    d->normcap = nnorm;
    return d;
fail:
    marsad_doc_free(d);
    return NULL;
}

struct plain_ctx {
    marsad_doc *d;
    size_t words, max_words;
};

static int plain_token_cb(void *ctx, size_t start, size_t end, int kind,
                          int flags) {
    struct plain_ctx *w = ctx;
    if (add_token(w->d, start, end, kind, flags, 1)) return -1;
    if (kind == MARSAD_TOK_WORD || kind == MARSAD_TOK_NUMBER)
        if (++w->words >= w->max_words) return 1;
    return 0;
}

marsad_doc *text_doc_new_plain(const char *text, size_t len, size_t max_words,
                               int *cut) {
    *cut = 0;
    marsad_doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->text = malloc(len + 1);
    if (!d->text) goto fail;
    if (len) memcpy(d->text, text, len);
    d->text[len] = '\0';
    d->len = len;
    struct plain_ctx w = {d, 0, max_words ? max_words : 1};
    int rc = scan_tokens(d->text, d->len, plain_token_cb, &w, &d->invalid, &d->nuls, 1);
    if (rc < 0) goto fail;
    *cut = rc > 0;
    if (segment_plain(d)) goto fail;
    return d;
fail:
    marsad_doc_free(d);
    return NULL;
}

marsad_doc *text_doc_new_words(const char *text, size_t len, size_t max_words,
                               int *cut) {
    *cut = 0;
    pthread_once(&cls_once, cls_table_init);
    marsad_doc *d = doc_alloc(text, len, max_words ? max_words : 1);
    if (!d) return NULL;
    int rc = scan_doc(d, max_words ? max_words : 1);
    if (rc < 0) goto fail;
    *cut = rc > 0;
    if (segment(d)) goto fail;
    return d;
fail:
    marsad_doc_free(d);
    return NULL;
}

int text_doc_blanked(marsad_doc *d, const char *text, size_t len) {
    if (len != d->len) return -1;
    /* A token never starts with white space, so the tokens of a blanked
     * line are those whose first byte changed. */
    marsad_token *t = d->toks, *const end = t + d->ntoks, *o = t;
    size_t invalid = 0;
    for (; t < end; t++) {
        if (text[t->start] != d->text[t->start]) continue;
        unsigned f = t->flags;
        if (f & MARSAD_TOKF_PARA_START)
            f = (f & ~(unsigned)MARSAD_TOKF_PARA_START) | TOKF_NEWLINE_BEFORE;
        invalid += (f & MARSAD_TOKF_INVALID) != 0;
        if (o != t) *o = *t;
        o->flags = (uint8_t)f;
        o++;
    }
    d->ntoks = (size_t)(o - d->toks);
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
    pthread_once(&cls_once, cls_table_init);
    marsad_doc *d = doc_alloc(text, len, SIZE_MAX);
    if (!d) return NULL;
    if (scan_doc(d, SIZE_MAX) < 0 || segment(d)) {
        marsad_doc_free(d);
        return NULL;
    }
    return d;
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
