/*
 * boilerplate.c — page furniture in article text (see boilerplate.h and the
 * header of data/boilerplate.tsv).
 *
 * Arabic and Latin phrases go into three phrase dictionaries (whole-line
 * words, line starts, anywhere in a short line); each dictionary value is the
 * index of the rule that added it, so one phrase can carry several rules.
 * HTML class words are few and ASCII: a plain list, compared word by word.
 */
#include "io/boilerplate.h"

#include "lex/phrase.h"
#include "lex/tsv.h"
#include "marsad.h"
#include "text/text_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines longer than this are article text whatever they contain: the
 * longest rule allows 40 words. Keeps huge lines cheap. */
#define MAX_BP_LINE 2048

enum kind { K_LINE, K_PREFIX, K_LEAD, K_CONTAINS, K_RELATED, K_CLASS, K_CONTENT, K_DATE };

static const char *const KIND_NAMES[] = {"line",    "prefix",  "lead",   "contains",
                                         "related", "class",   "content", "date"};

typedef struct {
    uint8_t kind;
    uint16_t max_words;
    int line; /* in the data file, for duplicate messages */
} bp_rule;

typedef struct {
    char word[32]; /* lower case ASCII, without the '*' */
    uint8_t prefix; /* matches longer words too */
    uint8_t flags;  /* BPC_* */
    int line;
} class_word;

struct boilerplate {
    phrase_dict *whole, *start, *inside;
    size_t max_words;  /* of every rule, and the 20 of the copyright sign */
    bp_rule *rules;
    size_t nrules, caprules;
    class_word *cls;
    size_t ncls, capcls;
};

void boilerplate_free(boilerplate *bp) {
    if (!bp) return;
    phrase_dict_free(bp->whole);
    phrase_dict_free(bp->start);
    phrase_dict_free(bp->inside);
    free(bp->rules);
    free(bp->cls);
    free(bp);
}

static int parse_max(const char *s, uint16_t *out) {
    if (!*s) return -1;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > 10000) return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 1 || v > 1000) return -1;
    *out = (uint16_t)v;
    return 0;
}

static int is_word(const marsad_token *t) {
    return t->kind == MARSAD_TOK_WORD || t->kind == MARSAD_TOK_NUMBER;
}

/* The rule index of an earlier rule of the same kind with the same phrase in
 * d, or -1. */
static long find_same(const boilerplate *bp, const phrase_dict *d,
                      const char *text, enum kind k) {
    uint32_t nv;
    const uint32_t *v = phrase_dict_get(d, text, strlen(text), &nv);
    for (uint32_t i = 0; v && i < nv; i++)
        if (bp->rules[v[i]].kind == k) return (long)v[i];
    return -1;
}

static int add_class(boilerplate *bp, tsv_reader *r, enum kind k,
                     const char *w, char *err, size_t errlen) {
    size_t n = strlen(w);
    int prefix = n > 1 && w[n - 1] == '*';
    if (prefix) n--;
    if (n == 0 || n >= sizeof bp->cls[0].word) {
        tsv_error(r, err, errlen, "class word must have 1 to 31 letters");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z') {
            tsv_error(r, err, errlen,
                      "class word '%s' must be lower case ASCII letters (with an "
                      "optional trailing *)", w);
            return -1;
        }
    uint8_t flag = k == K_CLASS ? BPC_FURNITURE : k == K_CONTENT ? BPC_CONTENT : BPC_DATE;
    for (size_t i = 0; i < bp->ncls; i++)
        if (bp->cls[i].flags == flag && strlen(bp->cls[i].word) == n &&
            memcmp(bp->cls[i].word, w, n) == 0) {
            tsv_error(r, err, errlen, "duplicate of line %d", bp->cls[i].line);
            return -1;
        }
    if (bp->ncls == bp->capcls) {
        size_t nc = bp->capcls ? bp->capcls * 2 : 64;
        class_word *nw = realloc(bp->cls, nc * sizeof *nw);
        if (!nw) {
            tsv_error(r, err, errlen, "out of memory");
            return -1;
        }
        bp->cls = nw;
        bp->capcls = nc;
    }
    class_word *c = &bp->cls[bp->ncls++];
    memset(c, 0, sizeof *c);
    memcpy(c->word, w, n);
    c->prefix = (uint8_t)prefix;
    c->flags = flag;
    c->line = r->line;
    return 0;
}

/* Adds text to dictionary d as a rule of kind k. */
static int add_phrase(boilerplate *bp, tsv_reader *r, phrase_dict *d, enum kind k,
                      const char *text, uint16_t max_words, char *err,
                      size_t errlen) {
    int words = 0;
    marsad_doc *doc = marsad_doc_new(text, strlen(text));
    if (doc) {
        size_t n;
        const marsad_token *t = marsad_doc_tokens(doc, &n);
        for (size_t i = 0; i < n; i++) words += is_word(&t[i]);
        marsad_doc_free(doc);
    }
    if (!words) {
        tsv_error(r, err, errlen, "'%s' has no letters or digits", text);
        return -1;
    }
    long same = find_same(bp, d, text, k);
    if (same >= 0) {
        tsv_error(r, err, errlen,
                  "duplicate of line %d (the same words once folded)",
                  bp->rules[same].line);
        return -1;
    }
    if (bp->nrules == bp->caprules) {
        size_t nc = bp->caprules ? bp->caprules * 2 : 256;
        bp_rule *nr = realloc(bp->rules, nc * sizeof *nr);
        if (!nr) {
            tsv_error(r, err, errlen, "out of memory");
            return -1;
        }
        bp->rules = nr;
        bp->caprules = nc;
    }
    int rc = phrase_dict_add(d, text, strlen(text), (uint32_t)bp->nrules);
    if (rc == 1) {
        tsv_error(r, err, errlen, "'%s' has no letters or digits", text);
        return -1;
    }
    if (rc < 0) {
        tsv_error(r, err, errlen, "out of memory");
        return -1;
    }
    bp->rules[bp->nrules].kind = (uint8_t)k;
    bp->rules[bp->nrules].max_words = max_words;
    if (max_words > bp->max_words) bp->max_words = max_words;
    bp->rules[bp->nrules].line = r->line;
    bp->nrules++;
    return 0;
}

boilerplate *boilerplate_load(const char *datadir, char *err, size_t errlen) {
    boilerplate *bp = calloc(1, sizeof *bp);
    if (!bp || !(bp->whole = phrase_dict_new()) || !(bp->start = phrase_dict_new()) ||
        !(bp->inside = phrase_dict_new())) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        boilerplate_free(bp);
        return NULL;
    }
    bp->max_words = 20;
    tsv_reader r;
    if (tsv_open(&r, datadir, "boilerplate.tsv", err, errlen)) {
        boilerplate_free(bp);
        return NULL;
    }
    int bad = 0;
    while (!bad && tsv_next(&r)) {
        int k = -1;
        for (int i = 0; i < (int)(sizeof KIND_NAMES / sizeof *KIND_NAMES); i++)
            if (strcmp(r.field[0], KIND_NAMES[i]) == 0) k = i;
        if (k < 0) {
            tsv_error(&r, err, errlen,
                      "unknown kind '%s' (line, prefix, lead, contains, related, "
                      "class, content or date)", r.field[0]);
            bad = 1;
            break;
        }
        if (r.nfields < 2 || !r.field[1][0]) {
            tsv_error(&r, err, errlen, "missing TEXT after the kind");
            bad = 1;
            break;
        }
        if (r.nfields > 3) {
            tsv_error(&r, err, errlen, "too many columns (KIND TEXT [MAX_WORDS])");
            bad = 1;
            break;
        }
        uint16_t max_words = k == K_RELATED ? 30 : 25;
        if (r.nfields == 3) {
            if (k == K_LINE || k >= K_CLASS) {
                tsv_error(&r, err, errlen, "MAX_WORDS is only for prefix, lead, "
                                           "contains and related lines");
                bad = 1;
                break;
            }
            if (parse_max(r.field[2], &max_words)) {
                tsv_error(&r, err, errlen, "MAX_WORDS '%s' is not a number from 1 "
                                           "to 1000", r.field[2]);
                bad = 1;
                break;
            }
        }
        const char *t = r.field[1];
        switch (k) {
        case K_LINE:
            bad = add_phrase(bp, &r, bp->whole, K_LINE, t, 0, err, errlen) != 0;
            break;
        case K_PREFIX:
        case K_LEAD:
            bad = add_phrase(bp, &r, bp->start, (enum kind)k, t, max_words, err,
                             errlen) != 0;
            break;
        case K_CONTAINS:
            bad = add_phrase(bp, &r, bp->inside, K_CONTAINS, t, max_words, err,
                             errlen) != 0;
            break;
        case K_RELATED:
            /* alone on a line, and as the lead of a "read also: ..." line */
            bad = add_phrase(bp, &r, bp->whole, K_RELATED, t, 0, err, errlen) != 0 ||
                  add_phrase(bp, &r, bp->start, K_RELATED, t, max_words, err,
                             errlen) != 0;
            break;
        default:
            bad = add_class(bp, &r, (enum kind)k, t, err, errlen) != 0;
        }
    }
    tsv_close(&r);
    if (bad) {
        boilerplate_free(bp);
        return NULL;
    }
    return bp;
}

/* Does s[0..len) hold the copyright sign (C2 A9)? Arabic text has no C2
 * byte, so the search is memchr's for it. */
static int has_copyright(const char *s, size_t len) {
    const char *end = s + len;
    for (const char *p = s; (p = memchr(p, 0xC2, (size_t)(end - p))) != NULL; p++)
        if (p + 1 < end && (unsigned char)p[1] == 0xA9) return 1;
    return 0;
}

/* Classifies the tokens of one line. */
static bp_kind classify(const boilerplate *bp, const char *s, size_t len,
                        const marsad_token *t, size_t n) {
    size_t nw = 0, first = n;
    for (size_t i = 0; i < n; i++)
        if (is_word(&t[i])) {
            if (first == n) first = i;
            nw++;
        }
    if (nw == 0) return BP_TEXT;
    /* a short line with the copyright sign */
    if (nw <= 20 && has_copyright(s, len)) return BP_LINE;

    /* made only of whole-line phrases (numbers and punctuation between;
       proclitics allowed: وتويتر, بالبريد الإلكتروني) */
    int any = 0, related = 0, covered = 1;
    for (size_t i = 0; i < n;) {
        if (t[i].kind != MARSAD_TOK_WORD) {
            i++;
            continue;
        }
        phrase_match m;
        /* و/ب before a word is fine here: the whole line must be furniture */
        if (!phrase_dict_match(bp->whole, t, n, i, PHRASE_ANY_SENTENCE | PHRASE_PRO, &m)) {
            covered = 0;
            break;
        }
        any = 1;
        for (uint32_t v = 0; v < m.nvalues; v++)
            if (bp->rules[m.values[v]].kind == K_RELATED) related = 1;
        i += m.ntoks;
    }
    if (covered && any) return related ? BP_RELATED : BP_LINE;
    /* the other rules allow at most bp->max_words words: a longer line
     * (most paragraphs) is text without a question */
    if (nw > bp->max_words) return BP_TEXT;

    phrase_match m;
    if (phrase_dict_match(bp->start, t, n, first, PHRASE_ANY_SENTENCE, &m)) {
        size_t after = first + m.ntoks;
        int punct_after = after < n && t[after].kind == MARSAD_TOK_PUNCT;
        for (uint32_t v = 0; v < m.nvalues; v++) {
            const bp_rule *r = &bp->rules[m.values[v]];
            if (nw > r->max_words) continue;
            if (r->kind == K_PREFIX) return BP_LINE;
            if ((r->kind == K_LEAD || r->kind == K_RELATED) && punct_after)
                return BP_LINE;
        }
    }
    for (size_t i = first; i < n; i++) {
        /* the filter of first words answers for most words */
        if (!is_word(&t[i]) || !phrase_dict_may_start(bp->inside, &t[i])) continue;
        if (!phrase_dict_match(bp->inside, t, n, i, PHRASE_ANY_SENTENCE, &m))
            continue;
        for (uint32_t v = 0; v < m.nvalues; v++)
            if (nw <= bp->rules[m.values[v]].max_words) return BP_LINE;
    }
    return BP_TEXT;
}

/* The first n tokens of a line with more words than any rule allows: only
 * a line made of whole-line phrases can be furniture, and it is not when a
 * word of these tokens starts none. 1 when that is sure (the line is
 * text), 0 when the rest of the line must be read. */
static int prefix_is_text(const boilerplate *bp, const marsad_token *t, size_t n) {
    size_t reach = phrase_dict_max_tokens(bp->whole), left = 0;
    for (size_t i = 0; i < n; i++) left += t[i].norm_len > 0;
    for (size_t i = 0; i < n;) {
        /* every phrase starting here ends within these tokens */
        if (left < reach) return 0;
        if (t[i].kind != MARSAD_TOK_WORD) {
            left -= t[i].norm_len > 0;
            i++;
            continue;
        }
        phrase_match m;
        if (!phrase_dict_match(bp->whole, t, n, i, PHRASE_ANY_SENTENCE | PHRASE_PRO, &m))
            return 1;
        for (size_t k = i; k < i + m.ntoks; k++) left -= t[k].norm_len > 0;
        i += m.ntoks;
    }
    return 0;
}

size_t boilerplate_words_at_least(const char *s, size_t len, size_t stop) {
    size_t count = 0;
    int counted = 0;
    for (size_t i = 0; i < len && count <= stop; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v') {
            counted = 0;
            continue;
        }
        if (counted) continue;
        unsigned char b2 = i + 1 < len ? (unsigned char)s[i + 1] : 0;
        if ((b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') ||
            (b == 0xD8 && b2 >= 0xA1 && b2 <= 0xBA) || /* U+0621..U+063A */
            (b == 0xD9 && ((b2 >= 0x81 && b2 <= 0x8A) ||  /* U+0641..U+064A */
                           (b2 >= 0xA0 && b2 <= 0xA9)))) { /* ٠..٩ */
            count++;
            counted = 1;
        }
    }
    return count;
}

bp_kind boilerplate_line(const boilerplate *bp, const char *s, size_t len) {
    if (!bp || len == 0 || len > MAX_BP_LINE) return BP_TEXT;
    /* a long line is read up to a few words past what any rule allows; one
     * surely longer than that needs only enough words to see that it is not
     * made of whole-line phrases */
    int cut;
    size_t reach = phrase_dict_max_tokens(bp->whole);
    size_t want = boilerplate_words_at_least(s, len, bp->max_words) > bp->max_words
                      ? 2 * reach + 2
                      : bp->max_words + 1 + reach;
    marsad_doc *doc = text_doc_new_words(s, len, want, &cut);
    if (!doc) return BP_TEXT;
    size_t n;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    if (cut) {
        int text = prefix_is_text(bp, t, n);
        marsad_doc_free(doc);
        if (text) return BP_TEXT;
        if (!(doc = marsad_doc_new(s, len))) return BP_TEXT;
        t = marsad_doc_tokens(doc, &n);
    }
    bp_kind k = classify(bp, s, len, t, n);
    marsad_doc_free(doc);
    return k;
}

int boilerplate_headline_like(const char *s, size_t len) {
    if (len == 0 || len > MAX_BP_LINE) return 0;
    marsad_doc *doc = marsad_doc_new(s, len);
    if (!doc) return 0;
    size_t n, nw = 0;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    for (size_t i = 0; i < n; i++) nw += is_word(&t[i]);
    int like = nw > 0 && nw <= 20;
    if (like && n > 0 && t[n - 1].kind == MARSAD_TOK_PUNCT && t[n - 1].norm_len == 1 &&
        strchr(".!?:;", t[n - 1].norm[0]))
        like = 0;
    marsad_doc_free(doc);
    return like;
}

static int blank_only(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

/* boilerplate_line on the tokens t[0..n) of the line s[0..len), as
 * marsad_doc_new cuts them. It is the same verdict: boilerplate_line reads
 * a line with more words than any rule allows only until it is sure that
 * the line is not made of whole-line phrases, which is what classify
 * concludes on all of its tokens (no other rule applies to such a line). */
static bp_kind line_from_tokens(const boilerplate *bp, const char *s, size_t len,
                                const marsad_token *t, size_t n) {
    if (!bp || len == 0 || len > MAX_BP_LINE) return BP_TEXT;
    return classify(bp, s, len, t, n);
}

/* boilerplate_blank, on the tokens of doc when it is not NULL. */
static size_t blank_lines(const boilerplate *bp, char *text, size_t len,
                          const marsad_doc *doc) {
    if (!bp) return 0;
    size_t blanked = 0, pos = 0;
    int headlines = 0; /* lines still allowed in a "read also" list */
    size_t nt = 0, ti = 0; /* the doc's tokens; the first not before pos */
    const marsad_token *toks = doc ? marsad_doc_tokens(doc, &nt) : NULL;
    while (pos < len) {
        char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        char *s = text + pos;
        size_t n = end - pos;
        size_t line = pos;
        pos = nl ? end + 1 : len;
        if (n && s[n - 1] == '\r') n--;
        if (blank_only(s, n)) continue;
        bp_kind k;
        if (toks) {
            /* tokens never cross a line break */
            while (ti < nt && toks[ti].start < line) ti++;
            size_t tj = ti;
            while (tj < nt && toks[tj].start < line + n) tj++;
            k = line_from_tokens(bp, s, n, toks + ti, tj - ti);
            ti = tj;
        } else {
            k = boilerplate_line(bp, s, n);
        }
        if (k == BP_RELATED) headlines = 10;
        else if (k == BP_TEXT && headlines > 0 && boilerplate_headline_like(s, n)) {
            headlines--;
            k = BP_LINE;
        } else if (k == BP_TEXT) {
            headlines = 0;
        }
        if (k == BP_TEXT) continue;
        memset(s, ' ', n);
        blanked++;
    }
    return blanked;
}

size_t boilerplate_blank(const boilerplate *bp, char *text, size_t len) {
    return blank_lines(bp, text, len, NULL);
}

size_t boilerplate_blank_doc(const boilerplate *bp, char *text, size_t len,
                             const marsad_doc *doc) {
    return blank_lines(bp, text, len, doc);
}

int boilerplate_class(const boilerplate *bp, const char *attr) {
    if (!bp || !attr) return 0;
    int flags = 0;
    const char *p = attr;
    for (size_t scanned = 0; *p && scanned < 1024;) {
        /* one word: lower-case letters, maybe led by one capital */
        char w[32];
        size_t n = 0;
        int c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            p++;
            scanned++;
            continue;
        }
        do {
            if (n < sizeof w - 1) w[n++] = (char)(c | 0x20);
            p++;
            scanned++;
            c = (unsigned char)*p;
        } while ((c >= 'a' && c <= 'z') ||
                 /* a run of capitals stays one word (NAV, mainNAV) */
                 ((c >= 'A' && c <= 'Z') && n > 0 && p[-1] >= 'A' && p[-1] <= 'Z'));
        w[n] = '\0';
        for (size_t i = 0; i < bp->ncls; i++) {
            size_t cl = strlen(bp->cls[i].word);
            if (cl > n || memcmp(bp->cls[i].word, w, cl) != 0) continue;
            if (cl == n || bp->cls[i].prefix) flags |= bp->cls[i].flags;
        }
    }
    return flags;
}
