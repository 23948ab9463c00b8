/*
 * clitics.c — proposes proclitic/enclitic segmentations of a folded word.
 *
 * Arabic writes conjunctions (و ف), prepositions (ب ل ك), the article (ال)
 * and object/possessive pronouns attached to the word. Stripping them blindly
 * mangles names (بنغازي is not ب + نغازي), so this module only proposes
 * segmentations, whole word first; the lexicon that looks them up decides.
 */
#include "marsad.h"

#include <string.h>

typedef struct {
    const char *s;
    uint8_t len; /* bytes, known at compile time */
} affix;
#define AFFIX(x) {x, (uint8_t)(sizeof(x) - 1)}

/* Proclitic sequences, folded. ل + ال is written لل. */
static const affix PROCLITICS[] = {
    AFFIX("و"), AFFIX("ف"), AFFIX("ب"), AFFIX("ل"), AFFIX("ك"), AFFIX("ال"),
    AFFIX("وال"), AFFIX("فال"), AFFIX("بال"), AFFIX("كال"), AFFIX("لل"),
    AFFIX("وب"), AFFIX("فب"), AFFIX("ول"), AFFIX("فل"), AFFIX("وك"), AFFIX("فك"),
    AFFIX("وبال"), AFFIX("فبال"), AFFIX("وكال"), AFFIX("فكال"), AFFIX("ولل"),
    AFFIX("فلل"),
};
/* Enclitic pronouns, folded (ة folds to ه, so a lexicon must confirm). */
static const affix ENCLITICS[] = {
    AFFIX("ه"), AFFIX("ها"), AFFIX("هم"), AFFIX("هما"), AFFIX("هن"), AFFIX("ك"),
    AFFIX("كم"), AFFIX("كما"), AFFIX("كن"), AFFIX("ي"), AFFIX("نا"), AFFIX("ني"),
};

#define NPRO (sizeof PROCLITICS / sizeof *PROCLITICS)
#define NENC (sizeof ENCLITICS / sizeof *ENCLITICS)

/* Code points in s[0..n) (UTF-8 lead bytes). */
static size_t cp_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int marsad_clitic_segments(const char *w, size_t n, marsad_seg *out, int max) {
    if (max <= 0) return 0;
    int k = 0;
    out[k++] = (marsad_seg){0, 0};
    /* Candidate proclitic and enclitic lengths, including none. */
    uint8_t pros[NPRO + 1], encs[NENC + 1];
    size_t np = 0, ne = 0;
    pros[np++] = 0;
    encs[ne++] = 0;
    /* every affix is Arabic (lead byte 0xD8 or 0xD9): other words have none;
     * this check runs for every token of every lexicon lookup */
    unsigned char first = n ? (unsigned char)w[0] : 0;
    unsigned char last2 = n >= 2 ? (unsigned char)w[n - 2] : 0;
    if (first == 0xD8 || first == 0xD9)
        for (size_t i = 0; i < NPRO; i++) {
            size_t l = PROCLITICS[i].len;
            if (l < n && w[1] == PROCLITICS[i].s[1] &&
                memcmp(w, PROCLITICS[i].s, l) == 0)
                pros[np++] = (uint8_t)l;
        }
    if (last2 == 0xD8 || last2 == 0xD9)
        for (size_t i = 0; i < NENC; i++) {
            size_t l = ENCLITICS[i].len;
            if (l < n && w[n - 1] == ENCLITICS[i].s[l - 1] &&
                memcmp(w + n - l, ENCLITICS[i].s, l) == 0)
                encs[ne++] = (uint8_t)l;
        }
    /* Emit by growing total stripped length, then proclitic, then enclitic
     * (list order): the pairs are few, an insertion sort orders them. */
    if (np == 1 && ne == 1) return k;
    struct {
        uint8_t total, a, b;
    } pair[(NPRO + 1) * (NENC + 1)];
    size_t npair = 0;
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < ne; b++) {
            size_t total = (size_t)pros[a] + encs[b];
            if (total == 0 || total >= n) continue;
            size_t j = npair++;
            while (j > 0 && (pair[j - 1].total > total ||
                             (pair[j - 1].total == total &&
                              (pair[j - 1].a > a ||
                               (pair[j - 1].a == a && pair[j - 1].b > b))))) {
                pair[j] = pair[j - 1];
                j--;
            }
            pair[j].total = (uint8_t)total;
            pair[j].a = (uint8_t)a;
            pair[j].b = (uint8_t)b;
        }
    for (size_t i = 0; i < npair && k < max; i++) {
        uint8_t pro = pros[pair[i].a], enc = encs[pair[i].b];
        if (cp_count(w + pro, n - pair[i].total) < 2) continue;
        out[k++] = (marsad_seg){pro, enc};
    }
    return k;
}
