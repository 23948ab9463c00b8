/*
 * snippet.h — search result snippets made from the stored text, for any
 * backend: the window of a text with the most query words, those words
 * marked. A word matches when one of its search terms (terms.h, document
 * side: the folded word and its clitic-stripped stems) equals a term of the
 * query (query side: the folded word and its alternatives). So the query
 * مصراتة marks ومصراته and بمصراتة in the text, as the index finds them.
 */
#ifndef MARSAD_SNIPPET_H
#define MARSAD_SNIPPET_H

#include <stddef.h>

/* The terms of a query, each in a group (one query word or phrase word and
 * its alternatives share a group; a window scores by the groups it
 * holds). */
typedef struct snippet_query snippet_query;

/* NULL when memory runs out. Free with snippet_query_free. */
snippet_query *snippet_query_new(void);
void snippet_query_free(snippet_query *q);
/* Adds a folded term (copied) of group. Returns 0 or -1 (memory). */
int snippet_query_add(snippet_query *q, const char *term, size_t len,
                      int group);
size_t snippet_query_count(const snippet_query *q);

/* The text of the best window of at most ntokens words of text (words
 * holding more distinct groups first, then more matches, then the earlier
 * window), its matching words between open and close, "…" where text was
 * cut. *score (may be NULL) receives the window's score (0: no match; then
 * the snippet is the start of the text). Malloc'd (caller frees); NULL
 * when memory runs out. Linear in len. */
char *snippet_make(const snippet_query *q, const char *text, size_t len,
                   const char *open, const char *close, int ntokens,
                   long *score);

#endif
