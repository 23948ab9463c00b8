/*
 * html.h — an article out of a news web page: title, publication date, site
 * name, canonical URL and the main text, with navigation, share bars, "read
 * also" lists, comments, cookie, paywall and contact notices left out.
 *
 * The page is parsed with gumbo (HTML5 tree building, so broken markup is
 * read as browsers read it). Elements that never hold article text (script,
 * nav, header, footer, aside, forms' controls, hidden ones, ARIA landmarks)
 * and containers whose class or id names page furniture (share, social,
 * related, comment, sidebar, breadcrumb, tags, newsletter, cookie, paywall
 * ...) are left out, as are "read also" headings with the list after them.
 * The main text is then chosen readability-style: each line of text scores
 * its Arabic letters outside links (other letters count less) when it is
 * prose, minus its letters when it is a link list or boilerplate; scores
 * flow a few block levels up, the best container is the body, and sibling
 * blocks that carry prose join it. Class and id words and boilerplate
 * phrases come from data/boilerplate.tsv (boilerplate.h).
 *
 * The text is built by this module: "TITLE\n\n" then one paragraph per line
 * (with the visible dateline as the first line when the page has no date in
 * its metadata). Offsets into it refer to this text, not to the HTML source.
 */
#ifndef MARSAD_HTML_H
#define MARSAD_HTML_H

#include "io/boilerplate.h"

#include <stddef.h>

typedef struct {
    char *title;     /* og:title, else h1 or <title>; NULL when none */
    char *published; /* "YYYY-MM-DD" from the page's metadata; NULL when none */
    char *source;    /* og:site_name, else the host of the canonical URL */
    char *url;       /* link rel=canonical, else og:url; NULL when none */
    char *text;      /* the article text (NUL-terminated, never NULL after a
                        successful html_extract) */
    size_t text_len;
    size_t paragraphs;   /* lines of body text kept */
    size_t dropped;      /* lines of page furniture left out */
    int converted;       /* 1 when the page was converted to UTF-8 */
    char charset[32];    /* the charset the page was read in */
    char warning[160];   /* a problem worth reporting, or "" */
} html_article;

/* Extracts the article from len bytes of HTML (any bytes: invalid UTF-8, NUL
 * bytes and broken markup are read as browsers do). charset is the one named
 * by the HTTP header, or NULL; otherwise the page's own <meta charset> is
 * used, and a page that is not valid UTF-8 and names no charset is read as
 * windows-1256 (the usual legacy Arabic encoding). Pathologically deep tag
 * nesting is flattened beyond HTML_MAX_DEPTH levels so that parsing stays
 * fast. bp may be NULL (no boilerplate rules). Returns 0 with *out filled
 * (release with html_article_clear), or -1 when memory runs out. */
int html_extract(const boilerplate *bp, const char *html, size_t len,
                 const char *charset, html_article *out);

void html_article_clear(html_article *a);

#define HTML_MAX_DEPTH 512

/* Reads a date written in page metadata: ISO 8601 ("2016-04-24",
 * "2016-04-24T10:00:00+02:00"), Y/M/D, D/M/Y, RFC 2822 ("Sun, 24 Apr 2016
 * 10:00:00 +0200"), "April 24, 2016" or a Unix time in seconds. Writes
 * "YYYY-MM-DD" (the date as written, without time-zone conversion) into out
 * and returns 1, else 0. */
int html_parse_date(const char *s, char out[11]);

#endif
