/*
 * numbers.h — counts in Arabic text: digits (Western and Arabic-Indic, with
 * separators), number words in every gender and case up to billions, vague
 * quantities, bare count nouns (a singular 1, a dual 2, a plural 3) and the
 * qualifiers around a count (على الأقل, أكثر من, نحو, أقل من ...), read as
 * spec/EVENTS.md says ("at least N", "more than N" count N; عشرات 12 ...).
 *
 * Data: data/number-words.tsv (number words, vague words, ordinals, percent
 * words, qualifiers) and data/count-nouns.tsv (nouns that count people, with
 * explicit dual forms). Loaded once into an immutable `numbers` handle that
 * threads may share.
 */
#ifndef MARSAD_NUMBERS_H
#define MARSAD_NUMBERS_H

#include "lex/phrase.h"
#include "marsad.h"

typedef struct numbers numbers;

/* How a figure is qualified. */
typedef enum {
    NUM_EXACT = 0,
    NUM_AT_LEAST,  /* على الأقل, ما لا يقل عن, أكثر من, أزيد من (counted as N) */
    NUM_AT_MOST,   /* أقل من, ما لا يزيد عن */
    NUM_ABOUT      /* نحو, حوالي, قرابة, زهاء, ما يقارب, تقريبا */
} num_qualifier;

/* What the value was read from (num_mention.vague). */
typedef enum {
    NUMK_FIGURE = 0,      /* an exact figure: digits or number words */
    NUMK_VAGUE = 1,       /* a vague word: عشرات 12, مئات 100, آلاف 1000 */
    NUMK_BARE_PLURAL = 2, /* an indefinite plural noun alone: قتلى → 3 */
    NUMK_SINGULAR = 3,    /* an indefinite singular noun alone: جندي → 1 */
    NUMK_DUAL = 4         /* a dual noun alone: جنديين, قتيلان → 2 */
} num_kind;

/* Grammatical number of a count noun. */
enum { NUM_SG = 1, NUM_DU = 2, NUM_PL = 3 };

typedef struct {
    size_t tok_start, tok_end; /* tokens [tok_start, tok_end), qualifiers
                                  and the counted noun included */
    double value;              /* the count (EVENTS.md reading) */
    int qualifier;             /* num_qualifier */
    int vague;                 /* num_kind */
    int noun_tok;              /* first token of the counted noun, or -1 */
    int noun_number;           /* NUM_SG/DU/PL of that noun, 0 if none */
    const char *noun_class;    /* its CLASS in count-nouns.tsv ("killed",
                                  "military" ...), owned by the handle; NULL
                                  when there is no noun */
    const char *noun_lemma;    /* its LEMMA, owned by the handle, or NULL */
} num_mention;

/* Loads datadir/number-words.tsv and datadir/count-nouns.tsv. Returns the
 * handle (free with numbers_free), or NULL with a message in err: a
 * malformed line gives "PATH:LINE: what is wrong". */
numbers *numbers_load(const char *datadir, char *err, size_t errlen);
void numbers_free(numbers *nb);
/* Adds the dictionaries the count readers asks about every word to the group pg (see
 * phrase_group in lex/phrase.h). */
struct phrase_group;
void numbers_join(numbers *nb, struct phrase_group *pg);

/* Reads a count starting at toks[i] (toks has n tokens): optional qualifier
 * words before it, the figure, and an optional counted noun (directly, or
 * after من), with على الأقل/تقريبا after the figure or the noun; or a bare
 * count noun (with a number word after it: جنود ثلاثة). Ordinals, numbers
 * followed by a percent word, times (02:53), dates written with digits
 * (24/4/2016, 24.04.2016), years in a year context (عام 2014, منذ 2011) and
 * phone-like digit strings are not counts. Other numbers are: the caller
 * decides from the noun and the context (24 in "24 أبريل" is reported). Returns 1 and fills *out, else 0.
 * Indefinite bare singulars and plurals count; definite ones (الجندي,
 * القتلى) do not, as they refer back; duals count either way. */
int numbers_parse_at(const numbers *nb, const marsad_token *toks, size_t n,
                     size_t i, num_mention *out);

/* 0 when no figure (digits or number words, qualifiers before it included)
 * starts at toks[i], so that numbers_parse_at there reads at most a bare
 * count noun; 1 when one may. A token kind test and one lookup (remembered
 * in a phrase_scope). */
int numbers_figure_may_start(const numbers *nb, const marsad_token *toks,
                             size_t n, size_t i);

/* The question numbers_figure_may_start asks (number words, proclitics
 * allowed) as an asker over toks, for a caller that reads its group bits
 * (phrase_asker). */
void numbers_figure_asker(const numbers *nb, const marsad_token *toks, size_t n,
                          phrase_asker *a);

/* Every count in the document, left to right, not overlapping. Returns how
 * many and sets *out to a malloc'd array (caller frees; NULL when none). On
 * out of memory returns 0 with *out NULL. Linear in the number of tokens. */
size_t numbers_find(const numbers *nb, const marsad_doc *doc,
                    num_mention **out);

/* The same, in the sentences s of doc with sentences[s] nonzero only (an
 * array of marsad_doc_sentences' count; NULL: every sentence): the counts
 * numbers_find gives in those sentences, as a count lies within one
 * sentence. */
size_t numbers_find_in(const numbers *nb, const marsad_doc *doc,
                       const unsigned char *sentences, num_mention **out);

/* Whether the single token t is a count noun (proclitics stripped:
 * والجنديين); if so returns 1 and sets *number to NUM_SG/DU/PL. */
int numbers_count_noun(const numbers *nb, const marsad_token *t, int *number);

/* The same at toks[i] for nouns of several words (رجال الشرطة): returns the
 * tokens covered (0 if none) and sets *number, *cls and *lemma (owned by
 * the handle; any of them may be NULL). *definite (may be NULL) is set to 1
 * when the noun carries the article ال. */
size_t numbers_noun_at(const numbers *nb, const marsad_token *toks, size_t n,
                       size_t i, int *number, const char **cls,
                       const char **lemma, int *definite);

/* Test hook: the reading of a folded digit token (1,000 / 1.200 / 2,5 /
 * 24.04.2016) that counts use: returns 0 when it is no plain number, else
 * sets *v, and *dot3 with *alt for 1.200 (also 1200). plain != 0 computes
 * it the plain way (strtod on every form), which must give the same. */
int numbers_read_digits(const char *s, size_t n, double *v, int *dot3,
                        double *alt, int plain);

/* "exact", "at_least", "at_most", "about". */
const char *numbers_qualifier_name(int qualifier);
/* "figure", "vague", "bare_plural", "singular", "dual". */
const char *numbers_kind_name(int kind);

#endif
