/*
 * terms.h — the search terms of a text, for every backend's full-text index:
 * each word and number folded (marsad_fold: hamza forms, ta marbuta, alif
 * maqsura, tashkeel, digits), and for Arabic words the stems left when
 * proclitics and enclitics are stripped (marsad_clitic_segments), at the same
 * position. So an index built from document terms finds ومصراته, بمصراتة
 * and مصراتة for the query مصراتة, and القتلى for قتلى.
 *
 * Queries get the folded word and, as alternatives, its stems without a
 * leading conjunction or article (و ف ال وال فال: a user typing والقتلى
 * means القتلى); never without a preposition (بنغازي is no ب + نغازي) nor
 * without an enclitic (قتلى must not turn into قتل). Each alternative is one
 * more posting list to read, so fewer is faster.
 */
#ifndef MARSAD_TERMS_H
#define MARSAD_TERMS_H

#include <stddef.h>

typedef struct {
    const char *term;   /* folded, not NUL-terminated */
    size_t len;
    size_t start, end;  /* bytes of the word in the text */
    int colocated;      /* 1: an alternative at the previous term's position */
} store_term;

/* Returns nonzero to stop. */
typedef int (*store_term_fn)(void *ctx, const store_term *t);

enum { TERMS_DOCUMENT = 0, TERMS_QUERY = 1 };

/* At most this many stems are given per word. */
#define TERMS_MAX_STEMS 6

/* Calls fn for each term of text in order. Returns 0, the callback's nonzero
 * value when it stopped, or -1 when memory runs out. Linear in len. */
int terms_each(const char *text, size_t len, int mode, store_term_fn fn,
               void *ctx);

#endif
