/*
 * boilerplate.h — recognising page furniture in article text: share and print
 * buttons, "read also" lists, paywall, contact and copyright notices, and the
 * HTML class/id words of the containers that hold them.
 *
 * Rules come from data/boilerplate.tsv (see its header). Arabic phrases are
 * matched with the phrase dictionary over folded tokens, so spelling variants
 * (إقرأ / اقرأ, أيضا / أيضاً) are one entry. A line is judged as a whole: a
 * phrase that merely occurs inside a sentence of the article never makes the
 * sentence boilerplate.
 *
 * The loaded handle is immutable and may be shared between threads.
 */
#ifndef MARSAD_BOILERPLATE_H
#define MARSAD_BOILERPLATE_H

#include "marsad.h"

#include <stddef.h>

typedef struct boilerplate boilerplate;

/* Loads datadir/boilerplate.tsv. On failure returns NULL with
 * "PATH:LINE: reason" in err. Free with boilerplate_free. */
boilerplate *boilerplate_load(const char *datadir, char *err, size_t errlen);
void boilerplate_free(boilerplate *bp);

typedef enum {
    BP_TEXT = 0,  /* part of the article */
    BP_LINE,      /* boilerplate: drop (or blank) this line */
    BP_RELATED    /* a "read also" heading alone on its line: drop it and the
                     list of headlines that follows */
} bp_kind;

/* Classifies one line (no newline inside) of len bytes. Builds a small token
 * list: cost linear in len. */
bp_kind boilerplate_line(const boilerplate *bp, const char *s, size_t len);

/* 1 when a line of len bytes may be an item of a list of headlines after a
 * BP_RELATED heading: at most 20 words and no sentence-final punctuation. */
int boilerplate_headline_like(const char *s, size_t len);

/* Replaces every boilerplate line of text (and the headlines after a "read
 * also" heading) by spaces, byte for byte, so that the text keeps its length
 * and every offset into it stays valid. Newlines are kept. Returns the number
 * of lines blanked. */
size_t boilerplate_blank(const boilerplate *bp, char *text, size_t len);

/* boilerplate_blank, with the lines classified on the tokens of doc, which
 * must be marsad_doc_new(text, len) of the text as it was before the call:
 * each line's tokens are those boilerplate_line would build, so the lines
 * blanked are the same, and the text is tokenized once instead of twice
 * (text_doc_blanked then makes doc the doc of the blanked text). */
size_t boilerplate_blank_doc(const boilerplate *bp, char *text, size_t len,
                             const marsad_doc *doc);

enum {
    BPC_FURNITURE = 1, /* a word like nav, share, related, comment, footer */
    BPC_CONTENT = 2,   /* a word like article, content, story, entry */
    BPC_DATE = 4       /* a word like date, time, published */
};

/* Reads an HTML class or id attribute value: splits it into words (at
 * spaces, - _ digits and lower-to-upper case changes, so "socialShare" and
 * "social-share" both give social, share) and returns the BPC_* flags of the
 * words found in the class rules. */
int boilerplate_class(const boilerplate *bp, const char *attr);

/* At least how many words (word and number tokens) the line s has,
 * counted up to stop + 1: its blank-separated pieces holding an ASCII letter
 * or digit, an Arabic letter or an Arabic-Indic digit each hold one at least
 * (no token spans a blank), so this never counts more than the tokenizer. */
size_t boilerplate_words_at_least(const char *s, size_t len, size_t stop);

#endif
