/*
 * terms.c — search terms: folded words plus clitic-stripped stems (terms.h).
 */
#include "store/terms.h"
#include "marsad.h"

#include <string.h>

static int is_arabic(const marsad_token *t) {
    unsigned char c = (unsigned char)t->norm[0];
    return c >= 0xD8 && c <= 0xDB;
}

/* Proclitics stripped from query words: the conjunctions and the article.
 * Prepositions stay: بنغازي is no ب + نغازي, and people seldom type them. */
static int query_proclitic(const char *w, size_t pro) {
    static const char *const OK[] = {"و", "ف", "ال", "وال", "فال"};
    for (size_t i = 0; i < sizeof OK / sizeof *OK; i++)
        if (strlen(OK[i]) == pro && memcmp(w, OK[i], pro) == 0) return 1;
    return 0;
}

int terms_each(const char *text, size_t len, int mode, store_term_fn fn,
               void *ctx) {
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!doc) return -1;
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    int rc = 0;
    for (size_t i = 0; i < nt && rc == 0; i++) {
        if (t[i].kind != MARSAD_TOK_WORD && t[i].kind != MARSAD_TOK_NUMBER)
            continue;
        if (t[i].norm_len == 0) continue;
        store_term term = {t[i].norm, t[i].norm_len, t[i].start, t[i].end, 0};
        rc = fn(ctx, &term);
        if (rc || t[i].kind != MARSAD_TOK_WORD || !is_arabic(&t[i])) continue;
        marsad_seg seg[16];
        int ns = marsad_clitic_segments(t[i].norm, t[i].norm_len, seg, 16);
        /* stems already given for this word (several segmentations can
         * leave the same stem) */
        const char *given[TERMS_MAX_STEMS];
        size_t given_len[TERMS_MAX_STEMS];
        int ng = 0;
        for (int k = 1; k < ns && ng < TERMS_MAX_STEMS && rc == 0; k++) {
            if (mode == TERMS_QUERY && (seg[k].enc || !query_proclitic(t[i].norm, seg[k].pro)))
                continue;
            const char *s = t[i].norm + seg[k].pro;
            size_t sl = t[i].norm_len - seg[k].pro - seg[k].enc;
            int dup = 0;
            for (int g = 0; g < ng; g++)
                if (given_len[g] == sl && memcmp(given[g], s, sl) == 0) dup = 1;
            if (dup) continue;
            given[ng] = s;
            given_len[ng++] = sl;
            store_term stem = {s, sl, t[i].start, t[i].end, 1};
            rc = fn(ctx, &stem);
        }
    }
    marsad_doc_free(doc);
    return rc;
}
