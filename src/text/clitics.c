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

/* Proclitic sequences, folded. ل + ال is written لل. */
static const char *const PROCLITICS[] = {
    "و", "ف", "ب", "ل", "ك", "ال",
    "وال", "فال", "بال", "كال", "لل",
    "وب", "فب", "ول", "فل", "وك", "فك",
    "وبال", "فبال", "وكال", "فكال", "ولل", "فلل",
};
/* Enclitic pronouns, folded (ة folds to ه, so a lexicon must confirm). */
static const char *const ENCLITICS[] = {
    "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "ي", "نا", "ني",
};

#define NPRO (sizeof PROCLITICS / sizeof *PROCLITICS)
#define NENC (sizeof ENCLITICS / sizeof *ENCLITICS)
/* Longest entries above, in bytes: وبال (8) and هما (6). */
#define PRO_MAX_BYTES 8
#define ENC_MAX_BYTES 6

/* True when s[0..n) starts with two code points (UTF-8 lead bytes). Looks
 * at 8 bytes at most, so a call costs the same for any word length. */
static int two_cps(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n && i < 8 && c < 2; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c >= 2;
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
    for (size_t i = 0; i < NPRO; i++) {
        size_t l = strlen(PROCLITICS[i]);
        if (l < n && memcmp(w, PROCLITICS[i], l) == 0) pros[np++] = (uint8_t)l;
    }
    for (size_t i = 0; i < NENC; i++) {
        size_t l = strlen(ENCLITICS[i]);
        if (l < n && memcmp(w + n - l, ENCLITICS[i], l) == 0)
            encs[ne++] = (uint8_t)l;
    }
    /* Emit by growing total stripped length: a few dozen steps whatever the
     * word's length. */
    for (size_t total = 1;
         total < n && total <= PRO_MAX_BYTES + ENC_MAX_BYTES && k < max;
         total++) {
        for (size_t a = 0; a < np && k < max; a++) {
            for (size_t b = 0; b < ne && k < max; b++) {
                if ((size_t)pros[a] + encs[b] != total) continue;
                size_t stem = n - total;
                if (!two_cps(w + pros[a], stem)) continue;
                out[k++] = (marsad_seg){pros[a], encs[b]};
            }
        }
    }
    return k;
}
