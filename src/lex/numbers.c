/*
 * numbers.c — reads counts: figures in digits or words, vague quantities,
 * bare count nouns and their qualifiers (see numbers.h).
 *
 * A figure is read as a chain of atoms (a digit token, a number word, a
 * multiplier ...) by a small grammar of how Arabic composes numbers:
 *   unit + عشر                 teens        (ثلاثة عشر = 13)
 *   unit + مئة                 hundreds     (ثلاث مئة = 300)
 *   group + multiplier         thousands... (28 ألف, ثلاثة آلاف, 2.5 مليون)
 *   hundreds + و + units/tens  (مئة وخمسون), unit + و + tens (خمسة وعشرون),
 *   thousands + و + anything smaller (ثلاثة آلاف و500)
 * Anything else ends the figure, so "5 و3" is two counts, not 8.
 */
#include "lex/numbers.h"
#include "lex/phrase.h"
#include "lex/tsv.h"
#include "text/text_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum role { R_UNIT, R_TEN, R_TENS, R_HUNDRED, R_MULT, R_VAGUE, R_ORDINAL,
            R_PERCENT, R_QUAL, R_YEARCTX };

enum { F_NOAL = 1, F_DUAL = 2, F_PLURAL = 4, F_BEFORE = 8, F_AFTER = 16,
       F_CONSTRUCT = 32 };

typedef struct {
    uint8_t role;
    uint8_t qual;     /* R_QUAL: num_qualifier */
    uint16_t flags;
    int line;         /* line in number-words.tsv */
    double value;
} word_entry;

typedef struct {
    uint8_t number;   /* NUM_SG/DU/PL */
    uint8_t generated;
    uint32_t lemma;   /* index in lemmas */
    int line;
} noun_form;

typedef struct {
    char *lemma, *cls;
} noun_lemma;

struct numbers {
    phrase_dict *words;
    word_entry *w;
    size_t nw, capw;
    phrase_dict *nouns;
    noun_form *f;
    size_t nf, capf;
    noun_lemma *l;
    size_t nl, capl;
};

void numbers_join(numbers *nb, phrase_group *pg) {
    if (!nb) return;
    phrase_group_add(pg, nb->words);
    phrase_group_add(pg, nb->nouns);
}

void numbers_free(numbers *nb) {
    if (!nb) return;
    phrase_dict_free(nb->words);
    phrase_dict_free(nb->nouns);
    for (size_t i = 0; i < nb->nl; i++) {
        free(nb->l[i].lemma);
        free(nb->l[i].cls);
    }
    free(nb->w);
    free(nb->f);
    free(nb->l);
    free(nb);
}

/* ---------------------------------------------------------------- loading */

static const char *const ROLE_NAMES[] = {
    "unit", "ten", "tens", "hundred", "mult", "vague", "ordinal", "percent",
    "qual", "yearctx",
};

static int parse_flags(char *s, unsigned *flags, const char **bad) {
    char *parts[8];
    int np = tsv_split(s, ',', parts, 8);
    *flags = 0;
    for (int i = 0; i < np; i++) {
        if (strcmp(parts[i], "noal") == 0) *flags |= F_NOAL;
        else if (strcmp(parts[i], "dual") == 0) *flags |= F_DUAL;
        else if (strcmp(parts[i], "plural") == 0) *flags |= F_PLURAL;
        else if (strcmp(parts[i], "before") == 0) *flags |= F_BEFORE;
        else if (strcmp(parts[i], "after") == 0) *flags |= F_AFTER;
        else if (strcmp(parts[i], "construct") == 0) *flags |= F_CONSTRUCT;
        else {
            *bad = parts[i];
            return -1;
        }
    }
    return 0;
}

static int load_words(numbers *nb, const char *datadir, char *err,
                      size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "number-words.tsv", err, errlen)) return -1;
    int rc = -1;
    while (tsv_next(&r)) {
        if (tsv_want_fields(&r, 3, 4, "PHRASE ROLE VALUE [FLAGS]", err, errlen))
            goto out;
        word_entry e = {0};
        e.line = r.line;
        int role = tsv_name_index(r.field[1], ROLE_NAMES,
                                  sizeof ROLE_NAMES / sizeof *ROLE_NAMES);
        if (role < 0) {
            tsv_error(&r, err, errlen, "unknown role '%s'", r.field[1]);
            goto out;
        }
        e.role = (uint8_t)role;
        if (role == R_QUAL) {
            const char *v = r.field[2];
            if (strcmp(v, "at_least") == 0) e.qual = NUM_AT_LEAST;
            else if (strcmp(v, "at_most") == 0) e.qual = NUM_AT_MOST;
            else if (strcmp(v, "about") == 0) e.qual = NUM_ABOUT;
            else {
                tsv_error(&r, err, errlen,
                          "qualifier '%s' is not at_least, at_most or about",
                          v);
                goto out;
            }
        } else {
            char *end;
            e.value = strtod(r.field[2], &end);
            if (end == r.field[2] || *end || !(e.value > 0) ||
                e.value > 1e12) {
                tsv_error(&r, err, errlen, "value '%s' is not a number > 0",
                          r.field[2]);
                goto out;
            }
        }
        unsigned flags = 0;
        const char *bad = NULL;
        if (r.nfields == 4 && parse_flags(r.field[3], &flags, &bad)) {
            tsv_error(&r, err, errlen, "unknown flag '%s'", bad);
            goto out;
        }
        if ((role == R_QUAL || role == R_YEARCTX) &&
            !(flags & (F_BEFORE | F_AFTER))) {
            tsv_error(&r, err, errlen,
                      "a %s needs the flag before or after", ROLE_NAMES[role]);
            goto out;
        }
        e.flags = (uint16_t)flags;
        uint32_t nv;
        const uint32_t *dup =
            phrase_dict_get(nb->words, r.field[0], strlen(r.field[0]), &nv);
        if (dup) {
            tsv_error(&r, err, errlen,
                      "'%s' is already listed on line %d (same after folding)",
                      r.field[0], nb->w[dup[0]].line);
            goto out;
        }
        if (tsv_add_phrase(&r, nb->words, r.field[0], (void **)&nb->w,
                           &nb->capw, nb->nw, sizeof *nb->w, "phrase", err,
                           errlen))
            goto out;
        nb->w[nb->nw++] = e;
    }
    rc = 0;
out:
    tsv_close(&r);
    return rc;
}

/* Adds one noun form; returns 0, 1 when it is already listed (then *line
 * holds the earlier line), -1 out of memory, -2 empty. */
static int add_form(numbers *nb, const char *form, uint8_t number,
                    uint32_t lemma, int line, int generated, int *prev) {
    uint32_t nv;
    const uint32_t *dup = phrase_dict_get(nb->nouns, form, strlen(form), &nv);
    if (dup) {
        *prev = nb->f[dup[0]].line;
        return 1;
    }
    if (tsv_grow((void **)&nb->f, &nb->capf, nb->nf + 1, sizeof *nb->f)) return -1;
    int a = phrase_dict_add(nb->nouns, form, strlen(form), (uint32_t)nb->nf);
    if (a < 0) return -1;
    if (a > 0) return -2;
    nb->f[nb->nf++] = (noun_form){number, (uint8_t)generated, lemma, line};
    return 0;
}

/* The accusative singular with tanween alef (شخص → شخصا), or 0 when the
 * form takes none (ends in ة ا ى ء, or has several words). */
static int accusative(const char *form, char *out, size_t cap) {
    size_t l = strlen(form);
    if (strchr(form, ' ') || l < 2 || l + 3 > cap) return 0;
    static const char *const NO[] = {"ة", "ا", "ى", "ء", "ه"};
    for (size_t k = 0; k < sizeof NO / sizeof *NO; k++) {
        size_t m = strlen(NO[k]);
        if (l >= m && memcmp(form + l - m, NO[k], m) == 0) return 0;
    }
    memcpy(out, form, l);
    memcpy(out + l, "ا", 2);
    out[l + 2] = '\0';
    return 1;
}

static int load_nouns(numbers *nb, const char *datadir, char *err,
                      size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "count-nouns.tsv", err, errlen)) return -1;
    static const char *const CLASSES[] = {
        "killed", "injured", "captured", "military", "police", "armed",
        "civilian", "child", "woman", "migrant", "person", "other",
    };
    int rc = -1;
    while (tsv_next(&r)) {
        if (tsv_want_fields(&r, 5, 5, "LEMMA CLASS SINGULAR DUAL PLURAL", err,
                            errlen))
            goto out;
        if (tsv_name_index(r.field[1], CLASSES,
                           sizeof CLASSES / sizeof *CLASSES) < 0) {
            tsv_error(&r, err, errlen, "unknown class '%s'", r.field[1]);
            goto out;
        }
        if (tsv_grow((void **)&nb->l, &nb->capl, nb->nl + 1, sizeof *nb->l))
            goto nomem;
        noun_lemma lm = {strdup(r.field[0]), strdup(r.field[1])};
        if (!lm.lemma || !lm.cls) {
            free(lm.lemma);
            free(lm.cls);
            goto nomem;
        }
        nb->l[nb->nl++] = lm;
        uint32_t li = (uint32_t)(nb->nl - 1);
        int total = 0;
        for (int col = 2; col <= 4; col++) {
            char *forms[32];
            int nforms = tsv_split(r.field[col], '|', forms, 32);
            uint8_t number = (uint8_t)(col - 1); /* NUM_SG, NUM_DU, NUM_PL */
            for (int k = 0; k < nforms; k++) {
                int prev = 0;
                int a = add_form(nb, forms[k], number, li, r.line, 0, &prev);
                if (a < 0 && a != -2) goto nomem;
                if (a == -2) {
                    tsv_error(&r, err, errlen, "empty form in column %d",
                              col + 1);
                    goto out;
                }
                if (a == 1) {
                    tsv_error(&r, err, errlen,
                              "form '%s' is already listed on line %d "
                              "(same after folding)", forms[k], prev);
                    goto out;
                }
                total++;
            }
        }
        if (total == 0) {
            tsv_error(&r, err, errlen, "no forms");
            goto out;
        }
    }
    rc = 0;
    goto out;
nomem:
    tsv_error(&r, err, errlen, "out of memory");
out:
    tsv_close(&r);
    return rc;
}

/* Second pass over count-nouns.tsv adding accusative singulars (so that a
 * listed form always wins over a generated one, whatever the line order). */
static int add_accusatives(numbers *nb, const char *datadir, char *err,
                           size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "count-nouns.tsv", err, errlen)) return -1;
    uint32_t li = 0;
    int rc = 0;
    while (tsv_next(&r) && li < nb->nl) {
        char *forms[32];
        int nforms = tsv_split(r.field[2], '|', forms, 32);
        for (int k = 0; k < nforms; k++) {
            char acc[256];
            int prev;
            if (!accusative(forms[k], acc, sizeof acc)) continue;
            if (add_form(nb, acc, NUM_SG, li, r.line, 1, &prev) == -1) {
                tsv_error(&r, err, errlen, "out of memory");
                rc = -1;
                goto out;
            }
        }
        li++;
    }
out:
    tsv_close(&r);
    return rc;
}

numbers *numbers_load(const char *datadir, char *err, size_t errlen) {
    numbers *nb = calloc(1, sizeof *nb);
    if (!nb || !(nb->words = phrase_dict_new()) ||
        !(nb->nouns = phrase_dict_new())) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        numbers_free(nb);
        return NULL;
    }
    if (load_words(nb, datadir, err, errlen) ||
        load_nouns(nb, datadir, err, errlen) ||
        add_accusatives(nb, datadir, err, errlen)) {
        numbers_free(nb);
        return NULL;
    }
    return nb;
}

/* ---------------------------------------------------------------- atoms */

enum atom_kind { A_NONE, A_DIGITS, A_UNIT, A_TEN, A_TENS, A_HUNDRED, A_MULT,
                 A_VAGUE, A_ORDINAL, A_PERCENT, A_QUAL, A_BADNUM,
                 A_YEARCTX };

typedef struct {
    int kind;
    double value;
    unsigned flags;
    int qual;
    size_t start, end;  /* tokens [start, end) */
    size_t num_tok;     /* the token holding the number itself */
    int conj;           /* preceded by و (glued or a token of its own) */
    int article;        /* carries ال */
    int dot3;           /* digits: one '.' then 3 digits (1.200) */
    double dot3_alt;    /* the reading as thousands */
} atom;

static int same_sentence(const marsad_token *toks, size_t a, size_t b) {
    return toks[a].sentence == toks[b].sentence;
}

/* Bytes in a UTF-8 string's code points. */
static size_t cps(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Parses a folded digit token: 1,000 / 1.000.000 / 2.5 / 2,5. Returns 0 when
 * it is no plain number (24.04.2016, a 13-digit phone number, 0021...).
 * A plain run of digits (almost every number) is read as an integer: it has
 * at most 12 digits, so the double is exact and is what strtod gives;
 * plain != 0 reads it with strtod too (the reference, for the tests). */
static int parse_digits_with(const char *s, size_t n, double *v, int *dot3,
                             double *alt, int plain) {
    char groups[8][24];
    size_t glen[8] = {0};
    char seps[8];
    int ng = 0;
    size_t digits = 0;
    *dot3 = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (glen[ng] >= 20) return 0;
            groups[ng][glen[ng]++] = c;
            digits++;
        } else if (c == ',' || c == '.') {
            if (ng == 7) return 0;
            seps[ng++] = c;
            glen[ng] = 0;
        } else {
            return 0;
        }
    }
    ng++;
    for (int g = 0; g < ng; g++) groups[g][glen[g]] = '\0';
    if (digits > 12) return 0;
    if (glen[0] > 1 && groups[0][0] == '0' && ng == 1 && glen[0] > 2)
        return 0; /* 0021..., phone-like */
    if (ng == 1) {
        if (plain) {
            *v = strtod(groups[0], NULL);
            return 1;
        }
        uint64_t x = 0;
        for (size_t i = 0; i < glen[0]; i++)
            x = x * 10 + (uint64_t)(groups[0][i] - '0');
        *v = (double)x;
        return 1;
    }
    int all3 = glen[0] >= 1 && glen[0] <= 3;
    int allsame = 1;
    for (int g = 1; g < ng; g++) {
        if (glen[g] != 3) all3 = 0;
        if (seps[g - 1] != seps[0]) allsame = 0;
    }
    if (!allsame) return 0;
    if (all3 && (seps[0] == ',' || ng > 2)) {
        char buf[32];
        size_t o = 0;
        for (int g = 0; g < ng; g++) {
            memcpy(buf + o, groups[g], glen[g]);
            o += glen[g];
        }
        buf[o] = '\0';
        *v = strtod(buf, NULL);
        return 1;
    }
    if (ng != 2) return 0;
    char buf[48];
    snprintf(buf, sizeof buf, "%s.%s", groups[0], groups[1]);
    *v = strtod(buf, NULL);
    if (all3) { /* 1.200: 1.2 or 1200, decided by what follows */
        *dot3 = 1;
        snprintf(buf, sizeof buf, "%s%s", groups[0], groups[1]);
        *alt = strtod(buf, NULL);
    }
    return 1;
}

/* What the parsers below read: the handle, the document's tokens, and the
 * two dictionaries they ask about its words, each asked through an asker
 * made once per scan (phrase_ask reads the group's bits and the document
 * scope's memo directly; phrase_dict_match would find both on every
 * question). */
typedef struct {
    const numbers *nb;
    const marsad_token *toks;
    size_t n;
    phrase_asker words, nouns; /* nb->words, nb->nouns with proclitics */
} nscan;

static void nscan_init(nscan *c, const numbers *nb, const marsad_token *toks,
                       size_t n) {
    c->nb = nb;
    c->toks = toks;
    c->n = n;
    phrase_asker_init(&c->words, nb->words, toks, n, PHRASE_PRO);
    phrase_asker_init(&c->nouns, nb->nouns, toks, n, PHRASE_PRO);
}

static int parse_digits(const char *s, size_t n, double *v, int *dot3,
                        double *alt) {
    return parse_digits_with(s, n, v, dot3, alt, 0);
}

int numbers_read_digits(const char *s, size_t n, double *v, int *dot3,
                        double *alt, int plain) {
    return parse_digits_with(s, n, v, dot3, alt, plain);
}

static int is_punct(const marsad_token *t, const char *s) {
    return t->kind == MARSAD_TOK_PUNCT && tok_is(t, s);
}

/* Reads one atom at toks[j]. */
static int read_atom(const nscan *c, size_t j, atom *a) {
    const numbers *nb = c->nb;
    const marsad_token *toks = c->toks;
    size_t n = c->n;
    memset(a, 0, sizeof *a);
    a->kind = A_NONE;
    if (j >= n) return 0;
    const marsad_token *t = &toks[j];
    /* و as a token of its own before a number: و 500, و500 */
    if (t->kind == MARSAD_TOK_WORD && tok_is(t, "و") && j + 1 < n &&
        same_sentence(toks, j, j + 1)) {
        if (!read_atom(c, j + 1, a) || a->conj) {
            a->kind = A_NONE;
            return 0;
        }
        a->conj = 1;
        a->start = j;
        return 1;
    }
    /* الـ400 */
    if (t->kind == MARSAD_TOK_WORD && tok_is(t, "ال") && j + 1 < n &&
        toks[j + 1].kind == MARSAD_TOK_NUMBER &&
        (toks[j + 1].flags & MARSAD_TOKF_GLUED)) {
        if (!read_atom(c, j + 1, a)) return 0;
        a->start = j;
        a->article = 1;
        return 1;
    }
    a->start = j;
    a->num_tok = j;
    if (t->kind == MARSAD_TOK_NUMBER) {
        a->end = j + 1;
        if (!parse_digits(t->norm, t->norm_len, &a->value, &a->dot3,
                          &a->dot3_alt)) {
            a->kind = A_BADNUM;
            return 1;
        }
        a->kind = A_DIGITS;
        return 1;
    }
    phrase_match m;
    if (!phrase_ask(&c->words, j, &m)) return 0;
    const word_entry *e = &nb->w[m.values[0]];
    const char *pro = t->norm;
    if (m.pro) {
        size_t stem_cps = cps(t->norm + m.pro, t->norm_len - m.pro);
        /* a two-letter stem (ست) takes only و: لست is "I am not" */
        if (stem_cps <= 2 && !(m.pro == 2 && memcmp(pro, "و", 2) == 0))
            return 0;
        /* ك and ف hardly ever come before a number, and make words of
         * short ones: كمية is not ك + مية */
        for (size_t b = 0; b + 2 <= m.pro; b += 2)
            if (memcmp(pro + b, "ك", 2) == 0 || memcmp(pro + b, "ف", 2) == 0)
                return 0;
    }
    a->conj = m.pro >= 2 && memcmp(pro, "و", 2) == 0;
    a->article = phrase_pro_has_article(pro, m.pro);
    if ((e->flags & F_NOAL) && a->article) return 0;
    a->end = j + m.ntoks;
    a->value = e->value;
    a->flags = e->flags;
    a->qual = e->qual;
    switch (e->role) {
    case R_UNIT: a->kind = A_UNIT; break;
    case R_TEN: a->kind = A_TEN; break;
    case R_TENS: a->kind = A_TENS; break;
    case R_HUNDRED: a->kind = A_HUNDRED; break;
    case R_MULT: a->kind = A_MULT; break;
    case R_VAGUE: a->kind = A_VAGUE; break;
    case R_ORDINAL: a->kind = A_ORDINAL; break;
    case R_PERCENT: a->kind = A_PERCENT; break;
    case R_QUAL: a->kind = A_QUAL; break;
    case R_YEARCTX: a->kind = A_YEARCTX; break;
    default: return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- figures */

static int noun_match(const nscan *c, size_t i, phrase_match *m);

/* Length of a digit date or time starting at the number token j (24/4/2016,
 * 2016-04-24, 24/أبريل/2016, 02:53), in tokens; 0 when there is none. */
static size_t digit_date_len(const marsad_token *toks, size_t n, size_t j) {
    size_t k = j;
    int parts = 1;
    while (k + 2 < n && same_sentence(toks, j, k + 2)) {
        const marsad_token *s = &toks[k + 1], *x = &toks[k + 2];
        int glued = (s->flags & MARSAD_TOKF_GLUED) &&
                    (x->flags & MARSAD_TOKF_GLUED);
        int sep = is_punct(s, "/") || ((is_punct(s, "-") || is_punct(s, ":") ||
                                        is_punct(s, ".")) && glued);
        if (!sep) break;
        if (x->kind == MARSAD_TOK_NUMBER ||
            (x->kind == MARSAD_TOK_WORD && is_punct(s, "/") && parts == 1 &&
             k + 4 < n && is_punct(&toks[k + 3], "/") &&
             toks[k + 4].kind == MARSAD_TOK_NUMBER)) {
            k += 2;
            parts++;
            continue;
        }
        break;
    }
    return parts > 1 ? k - j + 1 : 0;
}

typedef struct {
    double value;
    int vague;        /* NUMK_FIGURE or NUMK_VAGUE */
    size_t start;     /* first token of the figure itself */
    size_t end;
    int natoms;
    int construct;    /* a lone أحد/إحدى */
    int definite;     /* its first word carries ال */
    int words_only;   /* no digits */
} figure;

enum last_kind { L_NONE, L_UNIT, L_TEEN, L_TENS, L_HUNDRED, L_MULT,
                 L_VAGUE, L_BIG };

/* Reads a figure at toks[j]. Returns 1 with *f filled, 0 when there is none,
 * -1 when toks[j] starts something that is no count (an ordinal, a percent,
 * a date or time in digits, a malformed or phone-like number): then *skip is
 * the token after it. */
static int figure_from(const nscan *c, size_t j, const atom *at_j,
                       figure *f, size_t *skip);

static int parse_figure(const nscan *c, size_t j, figure *f, size_t *skip) {
    atom a;
    int have = read_atom(c, j, &a);
    return figure_from(c, j, have ? &a : NULL, f, skip);
}

/* parse_figure when the atom at toks[j] is already read: *at_j (NULL when
 * read_atom found none there). */
static int figure_from(const nscan *c, size_t j, const atom *at_j,
                       figure *f, size_t *skip) {
    const marsad_token *toks = c->toks;
    size_t n = c->n;
    memset(f, 0, sizeof *f);
    if (!at_j) return 0;
    atom a = *at_j;
    size_t sent = j;
    if (a.kind == A_BADNUM) {
        size_t d = digit_date_len(toks, n, a.num_tok);
        *skip = d ? a.num_tok + d : a.end;
        return -1;
    }
    if (a.kind == A_DIGITS) {
        size_t d = digit_date_len(toks, n, a.num_tok);
        if (d) {
            *skip = a.num_tok + d;
            return -1;
        }
        /* a year: عام 2014, منذ 2011, 2016م */
        atom y;
        size_t p = a.start;
        if (a.value >= 1900 && a.value <= 2100 && a.value == floor(a.value) &&
            toks[a.num_tok].norm_len == 4 &&
            !(a.end < n && same_sentence(toks, a.num_tok, a.end) &&
              noun_match(c, a.end, &(phrase_match){0})) &&
            ((p > 0 && same_sentence(toks, p - 1, p) &&
              read_atom(c, p - 1, &y) && y.kind == A_YEARCTX &&
              (y.flags & F_BEFORE) && y.end == p) ||
             (read_atom(c, a.end, &y) && y.kind == A_YEARCTX &&
              (y.flags & F_AFTER) && same_sentence(toks, a.end, p)))) {
            *skip = a.end;
            return -1;
        }
    }
    if (a.kind == A_PERCENT) {
        *skip = a.end;
        return -1;
    }
    if (a.kind == A_ORDINAL) {
        size_t k = a.end;
        atom b;
        /* الحادي عشر, الحادي والعشرين */
        if (read_atom(c, k, &b) && same_sentence(toks, sent, k) &&
            ((b.kind == A_TEN && !b.conj) || (b.kind == A_TENS && b.conj)))
            k = b.end;
        *skip = k;
        return -1;
    }
    if (a.kind == A_QUAL || a.kind == A_NONE) return 0;

    double total = 0, cur = 0, level = INFINITY;
    int last = L_NONE, vague = 0, natoms = 0, words_only = 1;
    size_t k = j;
    f->start = a.conj && a.start != a.num_tok ? a.num_tok : a.start;
    f->definite = a.article && a.kind != A_DIGITS;
    for (;;) {
        if (natoms > 0) {
            if (k >= n || !same_sentence(toks, sent, k) ||
                !read_atom(c, k, &a))
                break;
        }
        int first = natoms == 0;
        int ok = 0;
        if (a.kind == A_DIGITS) words_only = 0;
        if (first) {
            switch (a.kind) {
            case A_DIGITS:
                cur = a.value;
                last = a.value < 10 ? L_UNIT : a.value < 100 ? L_TENS
                     : a.value < 1000 ? L_HUNDRED : L_BIG;
                if (a.value != floor(a.value)) last = L_BIG;
                ok = 1;
                break;
            case A_UNIT: cur = a.value; last = L_UNIT; ok = 1; break;
            case A_TEN: cur = 10; last = L_TEEN; ok = 1; break;
            case A_TENS: cur = a.value; last = L_TENS; ok = 1; break;
            case A_HUNDRED: cur = a.value; last = L_HUNDRED; ok = 1; break;
            case A_VAGUE:
                cur = a.value;
                vague = 1;
                last = L_VAGUE;
                ok = 1;
                break;
            case A_MULT:
                total = a.value * ((a.flags & F_DUAL) ? 2 : 1);
                if (a.flags & F_PLURAL) vague = 1;
                level = a.value;
                last = L_MULT;
                ok = 1;
                break;
            default: break;
            }
            if (ok && a.kind == A_UNIT && (a.flags & F_CONSTRUCT))
                f->construct = 1;
        } else if (a.kind == A_MULT && !a.conj) {
            /* group × multiplier: 28 ألف, ثلاثة آلاف, عشرات الآلاف */
            if (last != L_MULT && cur > 0 && cur < a.value && a.value < level) {
                total += cur * a.value;
                cur = 0;
                level = a.value;
                last = L_MULT;
                ok = 1;
                f->construct = 0;
            }
        } else if (a.kind == A_TEN && !a.conj && last == L_UNIT &&
                   natoms == 1 && words_only) {
            cur += 10; /* ثلاثة عشر */
            last = L_TEEN;
            ok = 1;
            f->construct = 0;
        } else if (a.kind == A_HUNDRED && !a.conj && a.value == 100 &&
                   last == L_UNIT && natoms == 1 && words_only && cur >= 3) {
            cur *= 100; /* ثلاث مئة */
            last = L_HUNDRED;
            ok = 1;
        } else if (a.conj) {
            double v = a.value;
            int kind = a.kind;
            if (kind == A_DIGITS)
                kind = v < 10 ? A_UNIT : v < 100 ? A_TENS
                     : v < 1000 ? A_HUNDRED : A_MULT;
            if (a.kind == A_DIGITS && v != floor(v)) kind = A_NONE;
            if (last == L_MULT && kind != A_VAGUE && kind != A_NONE &&
                kind != A_ORDINAL && kind != A_PERCENT && kind != A_QUAL &&
                (a.kind == A_MULT ? a.value < level : v < level)) {
                /* a new, smaller group after thousands: ثلاثة آلاف و500 */
                if (a.kind == A_MULT) {
                    total += a.value * ((a.flags & F_DUAL) ? 2 : 1);
                    level = a.value;
                    last = L_MULT;
                } else {
                    cur = v;
                    last = kind == A_UNIT ? L_UNIT : kind == A_TENS ? L_TENS
                         : kind == A_HUNDRED ? L_HUNDRED : L_BIG;
                }
                ok = 1;
            } else if (last == L_HUNDRED && fmod(cur, 100) == 0 &&
                       (kind == A_UNIT || kind == A_TEN || kind == A_TENS) &&
                       v < 100) {
                cur += v; /* مئة وخمسون */
                last = kind == A_TENS ? L_TENS : L_UNIT;
                ok = 1;
            } else if (last == L_UNIT && a.kind == A_TENS && words_only &&
                       fmod(cur, 100) < 10) {
                cur += v; /* خمسة وعشرون */
                last = L_TENS;
                ok = 1;
            }
        }
        if (!ok) break;
        natoms++;
        k = a.end;
        if (first && a.kind == A_DIGITS && a.dot3) {
            /* 1.200 is 1200 unless a multiplier follows (1.200 مليون) */
            atom b;
            int mult_next = read_atom(c, k, &b) &&
                            b.kind == A_MULT && !b.conj &&
                            same_sentence(toks, sent, k);
            if (!mult_next) {
                cur = a.dot3_alt;
                last = L_BIG;
            }
        }
    }
    if (natoms == 0) return 0;
    /* a percent after the figure: 50 في المئة */
    atom p;
    if (read_atom(c, k, &p) && p.kind == A_PERCENT &&
        same_sentence(toks, sent, k)) {
        *skip = p.end;
        return -1;
    }
    f->value = total + cur;
    f->vague = vague ? NUMK_VAGUE : NUMK_FIGURE;
    f->end = k;
    f->natoms = natoms;
    f->words_only = words_only;
    if (natoms > 1) f->construct = 0;
    return 1;
}

/* ---------------------------------------------------------------- nouns */

static int noun_match(const nscan *c, size_t i, phrase_match *m) {
    if (i >= c->n || c->toks[i].kind != MARSAD_TOK_WORD) return 0;
    return phrase_ask(&c->nouns, i, m);
}

/* numbers_noun_at over the scan's tokens. */
static size_t noun_at(const nscan *c, size_t i, int *number, const char **cls,
                      const char **lemma, int *definite) {
    const numbers *nb = c->nb;
    const marsad_token *toks = c->toks;
    phrase_match m;
    if (!noun_match(c, i, &m)) return 0;
    const noun_form *f = &nb->f[m.values[0]];
    if (number) *number = f->number;
    if (cls) *cls = nb->l[f->lemma].cls;
    if (lemma) *lemma = nb->l[f->lemma].lemma;
    if (definite) {
        const char *w = toks[i].norm;
        *definite = phrase_pro_has_article(w, m.pro) ||
                    (toks[i].norm_len >= (uint32_t)m.pro + 4u &&
                     memcmp(w + m.pro, "ال", 4) == 0);
    }
    return m.ntoks;
}

size_t numbers_noun_at(const numbers *nb, const marsad_token *toks, size_t n,
                       size_t i, int *number, const char **cls,
                       const char **lemma, int *definite) {
    nscan c;
    nscan_init(&c, nb, toks, n);
    return noun_at(&c, i, number, cls, lemma, definite);
}

int numbers_count_noun(const numbers *nb, const marsad_token *t,
                       int *number) {
    int num = 0;
    size_t k = numbers_noun_at(nb, t, 1, 0, &num, NULL, NULL, NULL);
    if (number) *number = num;
    return k > 0;
}

/* ---------------------------------------------------------------- counts */

/* Records the counted noun at toks[k] (nl tokens) and returns the token
 * after it, taking in a count noun that follows it without a conjunction as
 * its adjective or apposition: جنديين آخرين, قتلى مدنيين. */
static size_t set_noun(const nscan *c, size_t k, size_t nl,
                       num_mention *out) {
    const marsad_token *toks = c->toks;
    size_t n = c->n;
    const char *cls, *lemma;
    int number;
    noun_at(c, k, &number, &cls, &lemma, NULL);
    out->noun_tok = (int)k;
    out->noun_number = number;
    out->noun_class = cls;
    out->noun_lemma = lemma;
    size_t e = k + nl;
    phrase_match m;
    while (e < n && same_sentence(toks, k, e) &&
           noun_match(c, e, &m) &&
           !(m.pro >= 2 && memcmp(toks[e].norm, "و", 2) == 0))
        e += m.ntoks;
    return e;
}

/* A qualifier standing after a count (على الأقل, تقريبا) at toks[k]. */
static size_t qual_after(const nscan *c, size_t k, size_t sent, int *qual) {
    const marsad_token *toks = c->toks;
    size_t n = c->n;
    atom q;
    if (k < n && same_sentence(toks, sent, k) &&
        read_atom(c, k, &q) && q.kind == A_QUAL &&
        (q.flags & F_AFTER) && !q.conj) {
        *qual = q.qual;
        return q.end;
    }
    return k;
}

/* The parser behind numbers_parse_at; *skip as for parse_figure. */
static int parse_count(const nscan *c, size_t i, num_mention *out,
                       size_t *skip) {
    const numbers *nb = c->nb;
    const marsad_token *toks = c->toks;
    size_t n = c->n;
    memset(out, 0, sizeof *out);
    out->noun_tok = -1;
    *skip = 0;
    if (i >= n) return 0;
    size_t j = i;
    int qual = NUM_EXACT;
    atom q;
    int have = read_atom(c, j, &q), r;
    figure f;
    if (have && q.kind == A_QUAL && (q.flags & F_BEFORE)) {
        qual = q.qual;
        j = q.end;
        if (j >= n || !same_sentence(toks, i, j)) return 0;
        r = parse_figure(c, j, &f, skip);
    } else {
        /* the figure starts at i, with the atom just read */
        r = figure_from(c, j, have ? &q : NULL, &f, skip);
    }
    if (r < 0) {
        if (j != i) *skip = 0; /* let the scan resume after the qualifier */
        return 0;
    }
    if (r > 0) {
        size_t k = f.end;
        int after = qual;
        if (qual == NUM_EXACT) k = qual_after(c, k, i, &after);
        size_t nl = 0;
        if (k < n && same_sentence(toks, i, k))
            nl = noun_at(c, k, NULL, NULL, NULL, NULL);
        if (nl) {
            k = set_noun(c, k, nl, out);
        } else if (k + 1 < n && toks[k].kind == MARSAD_TOK_WORD &&
                   tok_is(&toks[k], "من") && same_sentence(toks, i, k + 1) &&
                   (nl = noun_at(c, k + 1, NULL, NULL, NULL,
                                         NULL)) > 0) {
            k = set_noun(c, k + 1, nl, out); /* 4 من رجال الجيش */
        }
        /* 100 قتيل وجريح: one figure for both nouns */
        phrase_match cm;
        if (out->noun_tok >= 0 && k < n && same_sentence(toks, i, k) &&
            noun_match(c, k, &cm) && cm.pro == 2 &&
            memcmp(toks[k].norm, "و", 2) == 0 &&
            nb->f[cm.values[0]].number == out->noun_number)
            k += cm.ntoks;
        if (out->noun_tok < 0 && f.natoms == 1 && f.definite &&
            f.vague == NUMK_FIGURE) {
            /* a lone definite number word is a name or refers back (مدن
             * وليتن والخمس): not a count */
            *skip = f.end;
            return 0;
        }
        if (f.construct && out->noun_tok < 0) {
            /* أحد/إحدى count only before a definite noun: أحد المجهولين */
            const marsad_token *t = k < n ? &toks[k] : NULL;
            int def = t && t->kind == MARSAD_TOK_WORD &&
                      same_sentence(toks, i, k) && t->norm_len > 4 &&
                      memcmp(t->norm, "ال", 4) == 0;
            if (!def) {
                *skip = f.end;
                return 0;
            }
        }
        if (after == NUM_EXACT && qual == NUM_EXACT)
            k = qual_after(c, k, i, &after);
        out->tok_start = j == i ? f.start : i;
        out->tok_end = k;
        out->value = f.value;
        out->qualifier = after;
        out->vague = f.vague;
        return 1;
    }
    /* a bare count noun */
    int number, definite;
    size_t nl = noun_at(c, j, &number, NULL, NULL,
                                &definite);
    if (!nl) return 0;
    size_t k = set_noun(c, j, nl, out);
    /* a number word after the noun: جنود ثلاثة, الجنود الخمسة, جنديين اثنين */
    size_t skip2;
    if (k < n && same_sentence(toks, j, k) &&
        parse_figure(c, k, &f, &skip2) > 0 && f.words_only &&
        f.vague == NUMK_FIGURE && !f.construct) {
        out->value = f.value;
        out->vague = NUMK_FIGURE;
        k = f.end;
    } else {
        if (definite && number != NUM_DU) return 0;
        out->value = number == NUM_SG ? 1 : number == NUM_DU ? 2 : 3;
        out->vague = number == NUM_SG ? NUMK_SINGULAR
                   : number == NUM_DU ? NUMK_DUAL : NUMK_BARE_PLURAL;
    }
    int after = qual;
    if (qual == NUM_EXACT) k = qual_after(c, k, i, &after);
    out->tok_start = i;
    out->tok_end = k;
    out->qualifier = after;
    return 1;
}

int numbers_figure_may_start(const numbers *nb, const marsad_token *toks,
                             size_t n, size_t i) {
    if (i >= n) return 0;
    const marsad_token *t = &toks[i];
    if (t->kind == MARSAD_TOK_NUMBER) return 1;
    if (t->kind != MARSAD_TOK_WORD) return 0;
    /* read_atom's other ways in: و or ال as a token, or a number word
     * (qualifiers before a figure are number words too) */
    if (tok_is(t, "و") || tok_is(t, "ال")) return 1;
    phrase_match m;
    return phrase_dict_match(nb->words, toks, n, i, PHRASE_PRO, &m);
}

void numbers_figure_asker(const numbers *nb, const marsad_token *toks, size_t n,
                          phrase_asker *a) {
    phrase_asker_init(a, nb->words, toks, n, PHRASE_PRO);
}

int numbers_parse_at(const numbers *nb, const marsad_token *toks, size_t n,
                     size_t i, num_mention *out) {
    size_t skip;
    nscan c;
    nscan_init(&c, nb, toks, n);
    return parse_count(&c, i, out, &skip);
}

size_t numbers_find(const numbers *nb, const marsad_doc *doc,
                    num_mention **out) {
    return numbers_find_in(nb, doc, NULL, out);
}

/* The first token at or after i that the scan must ask parse_count about
 * (n when none). Passed over: tokens of sentences not asked about
 * (sentences[s] == 0; NULL: all are), and tokens where the group's bits
 * show that parse_count reads nothing (and skips nothing): not a number,
 * not و or ال, and no key of the token starts a number word (qualifiers
 * included) or a count noun. words and nouns ask nb->words and nb->nouns
 * with proclitics, as read_atom and noun_match do, so one array of the
 * group's bits (mask, NULL when there is none: only the sentences are
 * passed over) answers for both with their bits ORed in bits. */
static size_t next_maybe_count(const uint32_t *mask, uint32_t bits,
                               const unsigned char *sentences,
                               const marsad_sentence *sents, size_t nsents,
                               const marsad_token *toks, size_t n, size_t i) {
    while (i < n) {
        /* the tokens of a sentence are consecutive: those of toks[i]'s run
         * to end, and are passed over or read with one look at sentences */
        size_t end = n;
        if (sentences) {
            size_t s = toks[i].sentence;
            if (s < nsents) {
                size_t e = (size_t)sents[s].first_token + sents[s].ntokens;
                if (e > i && e <= n) end = e;
                else end = i + 1;
            } else {
                end = i + 1;
            }
            if (!sentences[s]) {
                i = end;
                continue;
            }
        }
        if (!mask) return i;
        for (; i < end; i++) {
            const marsad_token *t = &toks[i];
            if ((mask[i] & bits) || t->kind == MARSAD_TOK_NUMBER ||
                (t->kind == MARSAD_TOK_WORD &&
                 (tok_is(t, "و") || tok_is(t, "ال"))))
                return i;
        }
    }
    return i;
}

size_t numbers_find_in(const numbers *nb, const marsad_doc *doc,
                       const unsigned char *sentences, num_mention **out) {
    size_t n, cnt = 0, cap = 0;
    const marsad_token *toks = marsad_doc_tokens(doc, &n);
    num_mention *v = NULL;
    *out = NULL;
    nscan c;
    nscan_init(&c, nb, toks, n);
    const uint32_t *mask = c.words.bit && c.nouns.bit &&
                                   c.words.mask == c.nouns.mask
                               ? c.words.mask : NULL;
    uint32_t bits = c.words.bit | c.nouns.bit;
    size_t nsents;
    const marsad_sentence *sents = marsad_doc_sentences(doc, &nsents);
    for (size_t i = 0; i < n;) {
        num_mention m;
        size_t skip;
        /* a count never reaches outside its sentence, and the scan comes to
         * every sentence at its first token: sentences not asked about are
         * passed over with the same answers for the others */
        i = next_maybe_count(mask, bits, sentences, sents, nsents, toks, n, i);
        if (i == n) break;
        if (parse_count(&c, i, &m, &skip)) {
            if (tsv_grow((void **)&v, &cap, cnt + 1, sizeof *v)) {
                free(v);
                return 0;
            }
            v[cnt++] = m;
            i = m.tok_end > i ? m.tok_end : i + 1;
        } else {
            i = skip > i ? skip : i + 1;
        }
    }
    *out = v;
    return cnt;
}

const char *numbers_qualifier_name(int q) {
    switch (q) {
    case NUM_EXACT: return "exact";
    case NUM_AT_LEAST: return "at_least";
    case NUM_AT_MOST: return "at_most";
    case NUM_ABOUT: return "about";
    default: return "?";
    }
}

const char *numbers_kind_name(int k) {
    switch (k) {
    case NUMK_FIGURE: return "figure";
    case NUMK_VAGUE: return "vague";
    case NUMK_BARE_PLURAL: return "bare_plural";
    case NUMK_SINGULAR: return "singular";
    case NUMK_DUAL: return "dual";
    default: return "?";
    }
}
