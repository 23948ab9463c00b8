/*
 * clitics.c — proposes proclitic/enclitic segmentations of a folded word.
 *
 * Arabic writes conjunctions (و ف), prepositions (ب ل ك), the article (ال)
 * and object/possessive pronouns attached to the word. Stripping them blindly
 * mangles names (بنغازي is not ب + نغازي), so this module only proposes
 * segmentations, whole word first; the lexicon that looks them up decides.
 */
#include "marsad.h"
#include "text/text_internal.h"

#include <string.h>

/* The proclitic and enclitic sets are text_proclitics and text_enclitics
 * (text_internal.h: inline, since every lexicon match of every word asks);
 * each set is found shortest first. */

/* text_cp_count(s, n) >= 2, read only up to the second lead byte. */
static inline int two_lead_bytes(const char *s, size_t n) {
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++c == 2) return 1;
    return 0;
}

int marsad_clitic_segments(const char *w, size_t n, marsad_seg *out, int max) {
    if (max <= 0) return 0;
    int k = 0;
    out[k++] = (marsad_seg){0, 0};
    /* Candidate proclitic and enclitic lengths, including none (at most 3
     * proclitics and 2 enclitics match one word). */
    uint8_t pros[4] = {0}, encs[3] = {0};
    size_t np = 1 + text_proclitics(w, n, pros + 1);
    size_t ne = 1 + text_enclitics(w, n, encs + 1);
    if (np == 1 && ne == 1) return k;
    /* Emit by growing total stripped length; equal totals by growing
     * proclitic. Pairs are made in that order of proclitic, then a stable
     * insertion sort by total. */
    struct { uint8_t pro, enc; size_t total; } pairs[4 * 3];
    size_t npairs = 0;
    for (size_t a = 0; a < np; a++) {
        for (size_t b = 0; b < ne; b++) {
            size_t total = (size_t)pros[a] + encs[b];
            if (total == 0 || total >= n) continue;
            /* a stem of two letters at least; look at 8 bytes at most, so a
             * call costs the same for any word length */
            if (!two_lead_bytes(w + pros[a], n - total < 8 ? n - total : 8)) continue;
            size_t at = npairs++;
            while (at > 0 && pairs[at - 1].total > total) {
                pairs[at] = pairs[at - 1];
                at--;
            }
            pairs[at].pro = pros[a];
            pairs[at].enc = encs[b];
            pairs[at].total = total;
        }
    }
    for (size_t i = 0; i < npairs && k < max; i++)
        out[k++] = (marsad_seg){pairs[i].pro, pairs[i].enc};
    return k;
}
