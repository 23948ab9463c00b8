/*
 * html.c — an article out of a news web page (see html.h).
 *
 * Steps, each linear in the page:
 *  1. bytes to UTF-8 (BOM, HTTP charset, <meta charset>, windows-1256 guess;
 *     iconv), and tags nested deeper than HTML_MAX_DEPTH blanked out (gumbo's
 *     tree building costs time proportional to the depth of open elements);
 *  2. gumbo parses; one iterative walk flattens the tree into an array in
 *     document order (each element knows where its subtree ends), marking
 *     elements that never hold article text (script, nav, footer, hidden,
 *     role=navigation ...);
 *  3. letter counts are summed bottom-up; containers whose class or id names
 *     page furniture (share, related, comment ...) are dropped unless they hold
 *     most of the page's text; "read also" headings are dropped with the list
 *     after them;
 *  4. the text is cut into lines at block elements; each line scores its
 *     Arabic letters outside links (prose) or minus its link and boilerplate
 *     letters;
 *  5. metadata: meta tags, JSON-LD, canonical link, <title>, h1; then the
 *     body (choose_body: local scores, the headline as an anchor, sibling
 *     blocks with prose) and <time> or a visible dateline near it.
 * No recursion anywhere: deep trees cannot overflow the stack.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, strndup */
#endif
#include "io/html.h"

#include "marsad.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <gumbo.h>
#include <iconv.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------------
 * Characters
 * ------------------------------------------------------------------------ */

static int is_arabic_letter(int32_t c) {
    return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) ||
           c == 0x06D5 || (c >= 0x06FA && c <= 0x06FF) ||
           (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF) ||
           (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
}

static int is_letter(int32_t c) {
    if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    utf8proc_category_t k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

/* White space as HTML text shows it: ASCII spaces, controls, no-break and
 * the Unicode spaces. */
static int is_space_cp(int32_t c) {
    return c <= 0x20 || c == 0x7F || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
           c == 0xFEFF;
}

static void count_letters(const char *s, size_t n, uint32_t *letters, uint32_t *ar) {
    size_t i = 0;
    while (i < n) {
        int32_t c;
        int bad;
        i += marsad_utf8_next(s, n, i, &c, &bad);
        if (is_letter(c)) {
            (*letters)++;
            if (is_arabic_letter(c)) (*ar)++;
        }
    }
}

/* Appends s to b with white space collapsed to single spaces. *space is 1
 * when b ends in a space or a line starts there (then no space is added
 * before the next word); it is updated. */
static void add_collapsed(strbuf *b, const char *s, size_t n, int *space) {
    size_t i = 0, run = 0; /* run: start of the pending non-space bytes */
    while (i < n) {
        int32_t c;
        int bad;
        size_t k = marsad_utf8_next(s, n, i, &c, &bad);
        if (is_space_cp(c)) {
            if (run < i) {
                strbuf_add(b, s + run, i - run);
                *space = 0;
            }
            if (!*space) {
                strbuf_add(b, " ", 1);
                *space = 1;
            }
            run = i + k;
        }
        i += k;
    }
    if (run < n) {
        strbuf_add(b, s + run, n - run);
        *space = 0;
    }
}

/* Copies s with white space collapsed and trimmed (malloc'd), or NULL when
 * nothing is left. */
static char *clean_dup(const char *s, size_t n) {
    strbuf b = {0};
    int space = 1;
    add_collapsed(&b, s, n, &space);
    while (b.n && b.s[b.n - 1] == ' ') b.s[--b.n] = '\0';
    if (b.oom || b.n == 0) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* ------------------------------------------------------------------------
 * Charset
 * ------------------------------------------------------------------------ */

/* Reads a charset name at s (after "charset"): optional spaces, '=', quotes. */
static int read_charset_name(const char *s, const char *end, char out[32]) {
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    if (s >= end || *s != '=') return 0;
    s++;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'')) s++;
    size_t n = 0;
    while (s < end && n < 31 && (isalnum((unsigned char)*s) || *s == '-' || *s == '_' ||
                                 *s == '.' || *s == ':'))
        out[n++] = (char)tolower((unsigned char)*s++);
    out[n] = '\0';
    return n > 0;
}

/* The charset named in a Content-Type value ("text/html; charset=utf-8"). */
static int charset_param(const char *v, char out[32]) {
    const char *end = v + strlen(v);
    for (const char *p = v; p + 7 <= end; p++)
        if (strncasecmp(p, "charset", 7) == 0 && read_charset_name(p + 7, end, out))
            return 1;
    return 0;
}

/* The charset of a <meta charset=...> or <meta http-equiv content="...;
 * charset=..."> in the first 4 KB. */
static int meta_charset(const char *h, size_t len, char out[32]) {
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 5 < n; i++) {
        if (h[i] != '<' || strncasecmp(h + i + 1, "meta", 4) != 0) continue;
        const char *gt = memchr(h + i, '>', n - i);
        const char *end = gt ? gt : h + n;
        for (const char *p = h + i + 5; p + 7 <= end; p++)
            if (strncasecmp(p, "charset", 7) == 0 && read_charset_name(p + 7, end, out))
                return 1;
    }
    return 0;
}

static int is_utf8_name(const char *c) {
    return strcmp(c, "utf-8") == 0 || strcmp(c, "utf8") == 0 ||
           strcmp(c, "unicode-1-1-utf-8") == 0;
}

/* Converts len bytes from charset cs to UTF-8 (malloc'd), replacing bytes it
 * cannot read by U+FFFD. NULL when iconv does not know cs or memory runs
 * out (*unknown tells which). */
static char *to_utf8(const char *cs, const char *in, size_t len, size_t *outlen,
                     int *unknown) {
    *unknown = 0;
    /* HTML reads latin1 and ascii labels as windows-1252 */
    if (strcmp(cs, "iso-8859-1") == 0 || strcmp(cs, "latin1") == 0 ||
        strcmp(cs, "us-ascii") == 0 || strcmp(cs, "ascii") == 0)
        cs = "windows-1252";
    iconv_t cd = iconv_open("UTF-8", cs);
    if (cd == (iconv_t)-1) {
        *unknown = 1;
        return NULL;
    }
    size_t cap = len * 3 + 16, o = 0;
    char *out = malloc(cap);
    char *ip = (char *)in;
    size_t il = len;
    while (out && il > 0) {
        char *op = out + o;
        size_t ol = cap - o - 1;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        o = (size_t)(op - out);
        if (r != (size_t)-1) break;
        if (errno == E2BIG || cap - o < 8) {
            char *no = realloc(out, cap * 2);
            if (!no) {
                free(out);
                out = NULL;
                break;
            }
            out = no;
            cap *= 2;
            continue;
        }
        /* EILSEQ or EINVAL: one unreadable byte */
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
        ip++;
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    if (!out) return NULL;
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* ------------------------------------------------------------------------
 * Flattening pathological nesting before gumbo sees it
 * ------------------------------------------------------------------------ */

static int in_list(const char *name, const char *const *list) {
    for (; *list; list++)
        if (strcmp(name, *list) == 0) return 1;
    return 0;
}

static const char *const VOID_TAGS[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "param", "source", "track", "wbr", "keygen", "frame", "basefont", "bgsound",
    "image", NULL};
static const char *const RAW_TAGS[] = {"script", "style", "textarea", "title",
                                       "xmp", "iframe", "noembed", "noframes",
                                       "noscript", NULL};
/* opening one of these closes an open one of the same name, and what is
   open inside it */
static const char *const SELF_CLOSING[] = {
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "button",
    "tbody", "thead", "tfoot", "rt", "rp", "form", NULL};
/* formatting elements: closing one (or opening a second a/nobr) takes it
   alone off the stack, what was opened inside stays open (the adoption
   agency of the HTML tree builder) */
static const char *const FORMATTING[] = {
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
    "strong", "tt", "u", NULL};

static const char *const P_CLOSERS[] = {
    "address", "article", "aside", "blockquote", "center", "details", "dialog",
    "dir", "div", "dl", "fieldset", "figcaption", "figure", "footer", "header",
    "hgroup", "main", "menu", "nav", "ol", "p", "section", "summary", "ul", "h1",
    "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form", "table", "hr", NULL};

/* Index of the '>' that ends the tag opened at s[i] == '<' (quotes in
 * attribute values respected), or len. */
static size_t tag_end(const char *s, size_t len, size_t i) {
    char q = 0;
    for (size_t j = i + 1; j < len; j++) {
        char c = s[j];
        if (q) {
            if (c == q) q = 0;
        } else if ((c == '"' || c == '\'') && j > 0 && s[j - 1] == '=') {
            q = c;
        } else if (c == '>') {
            return j;
        }
    }
    return len;
}

static size_t read_tag_name(const char *s, size_t len, size_t i, char name[16]) {
    size_t n = 0;
    while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':')) {
        if (n < 15) name[n++] = (char)tolower((unsigned char)s[i]);
        i++;
    }
    name[n] = '\0';
    return i;
}

/* When some element would open more than HTML_MAX_DEPTH levels deep, returns
 * a copy of s (malloc'd, same length) with such opening tags replaced by
 * spaces; their text stays. NULL when nothing needs flattening (or memory
 * runs out: the page is then parsed as it is). The nesting is estimated with
 * a small tokenizer that knows void, raw-text and self-closing elements. */
static char *flatten_deep(const char *s, size_t len) {
    char (*stack)[16] = malloc(HTML_MAX_DEPTH * sizeof *stack);
    if (!stack) return NULL;
    size_t depth = 0;
    char *copy = NULL;
    size_t i = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt) break;
        i = (size_t)(lt - s);
        if (i + 1 >= len) break;
        char c = s[i + 1];
        if (c == '!' || c == '?') {
            if (i + 3 < len && s[i + 2] == '-' && s[i + 3] == '-') {
                const char *e = memmem(s + i + 4, len - i - 4, "-->", 3);
                i = e ? (size_t)(e - s) + 3 : len;
            } else {
                const char *e = memchr(s + i, '>', len - i);
                i = e ? (size_t)(e - s) + 1 : len;
            }
            continue;
        }
        char name[16];
        if (c == '/') {
            read_tag_name(s, len, i + 2, name);
            int fmt = in_list(name, FORMATTING);
            for (size_t k = depth; k-- > 0;)
                if (strcmp(stack[k], name) == 0) {
                    if (fmt) {
                        memmove(stack[k], stack[k + 1], (depth - k - 1) * sizeof *stack);
                        depth--;
                    } else {
                        depth = k;
                    }
                    break;
                }
            i = tag_end(s, len, i) + 1;
            continue;
        }
        if (!isalpha((unsigned char)c)) {
            i++;
            continue;
        }
        read_tag_name(s, len, i + 1, name);
        size_t gt = tag_end(s, len, i);
        size_t next = gt + 1;
        /* "<div/>" opens a div in HTML: only void elements close at once */
        if (in_list(name, VOID_TAGS)) {
            i = next;
            continue;
        }
        if (strcmp(name, "plaintext") == 0) break;
        if (in_list(name, RAW_TAGS)) {
            /* skip to </name */
            size_t nl = strlen(name), j = next;
            while (j < len) {
                const char *p = memchr(s + j, '<', len - j);
                if (!p) {
                    j = len;
                    break;
                }
                j = (size_t)(p - s);
                if (j + 1 + nl < len && s[j + 1] == '/' &&
                    strncasecmp(s + j + 2, name, nl) == 0)
                    break;
                j++;
            }
            i = j;
            continue;
        }
        if (in_list(name, SELF_CLOSING))
            for (size_t k = depth, seen = 0; k-- > 0 && seen < 8; seen++)
                if (strcmp(stack[k], name) == 0) {
                    depth = k;
                    break;
                }
        if (strcmp(name, "a") == 0 || strcmp(name, "nobr") == 0)
            for (size_t k = depth; k-- > 0;)
                if (strcmp(stack[k], name) == 0) {
                    memmove(stack[k], stack[k + 1], (depth - k - 1) * sizeof *stack);
                    depth--;
                    break;
                }
        /* a block start closes an open paragraph */
        if (in_list(name, P_CLOSERS))
            for (size_t k = depth, seen = 0; k-- > 0 && seen < 4; seen++)
                if (strcmp(stack[k], "p") == 0) {
                    depth = k;
                    break;
                }
        if (depth >= HTML_MAX_DEPTH) {
            if (!copy) {
                copy = malloc(len ? len : 1);
                if (!copy) break;
                memcpy(copy, s, len);
            }
            size_t stop = gt < len ? gt + 1 : len;
            memset(copy + i, ' ', stop - i);
        } else {
            memcpy(stack[depth++], name, sizeof name);
        }
        i = next;
    }
    free(stack);
    return copy;
}

/* ------------------------------------------------------------------------
 * The flattened tree
 * ------------------------------------------------------------------------ */

enum {
    N_TEXT = 1,      /* a text node (else an element) */
    N_HARD = 2,      /* never article text: script, nav, hidden ... */
    N_SOFT = 4,      /* dropped as page furniture */
    N_BLOCK = 8,     /* a block element: lines break around it */
    N_LINK = 16,     /* inside an <a> */
    N_CONTENT = 32,  /* class/id names the article body */
    N_FURNITURE = 64 /* class/id names page furniture */
};

typedef struct {
    const GumboNode *g;
    int parent;    /* index, -1 for the root */
    int end;       /* index after the last node of the subtree */
    int depth;
    int tag;       /* GumboTag; -1 for text */
    uint16_t flags;
    uint8_t date_class; /* class/id names a date */
    uint8_t body_hint;  /* <article> or itemprop=articleBody */
    uint32_t letters, ar, link, link_ar; /* subtree sums (own for text) */
    uint32_t lb, le; /* lines [lb, le) of its subtree */
} hnode;

typedef struct {
    size_t off, len;          /* in the line pool */
    uint32_t letters, ar, link, link_ar;
    int owner;                /* the innermost block element holding it */
    int bp;                   /* bp_kind */
    double score;
} hline;

typedef struct {
    const boilerplate *bp;
    hnode *n;
    size_t nn, capn;
    int *open; /* indices of open elements during the walk */
    size_t nopen, capopen;
    int links_open;
    int oom;
    /* lines */
    hline *lines;
    size_t nlines, caplines;
    strbuf pool;
    hline cur;
    int cur_space; /* see add_collapsed */
} hctx;

static int is_block_tag(int t) {
    switch (t) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_BODY: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P:
    case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_TD:
    case GUMBO_TAG_TFOOT: case GUMBO_TAG_TH: case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_BR:
        return 1;
    default:
        return 0;
    }
}

static int is_hard_tag(int t) {
    switch (t) {
    case GUMBO_TAG_HEAD: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_MAP: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_LABEL: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_MENU: case GUMBO_TAG_APPLET:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_XMP:
        return 1;
    default:
        return 0;
    }
}

static const char *attr(const GumboNode *g, const char *name) {
    if (g->type != GUMBO_NODE_ELEMENT) return NULL;
    GumboAttribute *a = gumbo_get_attribute(&g->v.element.attributes, name);
    return a ? a->value : NULL;
}

static int attr_is(const GumboNode *g, const char *name, const char *value) {
    const char *v = attr(g, name);
    return v && strcasecmp(v, value) == 0;
}

static int contains_ci(const char *hay, const char *needle) {
    if (!hay) return 0;
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return 1;
    return 0;
}

/* Elements that never hold article text. */
static int hard_element(const GumboNode *g) {
    if (is_hard_tag(g->v.element.tag)) return 1;
    if (attr(g, "hidden") || attr_is(g, "aria-hidden", "true")) return 1;
    const char *st = attr(g, "style");
    if (st) {
        char comp[64];
        size_t n = 0;
        for (const char *p = st; *p && n < sizeof comp - 1; p++)
            if (!isspace((unsigned char)*p)) comp[n++] = (char)tolower((unsigned char)*p);
        comp[n] = '\0';
        if (strstr(comp, "display:none") || strstr(comp, "visibility:hidden")) return 1;
    }
    const char *role = attr(g, "role");
    if (role) {
        static const char *const ROLES[] = {
            "navigation", "banner", "contentinfo", "complementary", "search", "menu",
            "menubar", "dialog", "alertdialog", "toolbar", "tablist", NULL};
        for (const char *const *r = ROLES; *r; r++)
            if (strcasecmp(role, *r) == 0) return 1;
    }
    return 0;
}

static int push_node(hctx *c, const hnode *x) {
    if (c->nn == c->capn) {
        size_t nc = c->capn ? c->capn * 2 : 1024;
        hnode *nn = realloc(c->n, nc * sizeof *nn);
        if (!nn) return -1;
        c->n = nn;
        c->capn = nc;
    }
    c->n[c->nn++] = *x;
    return 0;
}

static int push_open(hctx *c, int idx) {
    if (c->nopen == c->capopen) {
        size_t nc = c->capopen ? c->capopen * 2 : 64;
        int *no = realloc(c->open, nc * sizeof *no);
        if (!no) return -1;
        c->open = no;
        c->capopen = nc;
    }
    c->open[c->nopen++] = idx;
    return 0;
}

static const GumboVector *children_of(const GumboNode *g) {
    if (g->type == GUMBO_NODE_ELEMENT || g->type == GUMBO_NODE_TEMPLATE)
        return &g->v.element.children;
    if (g->type == GUMBO_NODE_DOCUMENT) return &g->v.document.children;
    return NULL;
}

/* Flattens the tree under root into c->n, in document order. */
static int flatten(hctx *c, const GumboNode *root) {
    typedef struct {
        const GumboNode *g;
        unsigned next;
    } frame;
    size_t cap = 64, sp = 0;
    frame *st = malloc(cap * sizeof *st);
    if (!st) return -1;
    st[sp++] = (frame){root, 0};
    hnode rootn;
    memset(&rootn, 0, sizeof rootn);
    rootn.g = root;
    rootn.parent = -1;
    rootn.tag = GUMBO_TAG_HTML;
    rootn.flags = N_BLOCK;
    if (push_node(c, &rootn) || push_open(c, 0)) {
        free(st);
        return -1;
    }
    while (sp > 0) {
        frame *f = &st[sp - 1];
        const GumboVector *ch = children_of(f->g);
        if (!ch || f->next >= ch->length) {
            /* leaving an element */
            int idx = c->open[--c->nopen];
            c->n[idx].end = (int)c->nn;
            if (c->n[idx].tag == GUMBO_TAG_A && c->links_open) c->links_open--;
            sp--;
            continue;
        }
        const GumboNode *g = ch->data[f->next++];
        int parent = c->open[c->nopen - 1];
        hnode x;
        memset(&x, 0, sizeof x);
        x.g = g;
        x.parent = parent;
        x.depth = c->n[parent].depth + 1;
        uint16_t inherit = c->n[parent].flags & N_HARD;
        if (c->links_open) inherit |= N_LINK;
        if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_CDATA ||
            g->type == GUMBO_NODE_WHITESPACE) {
            x.tag = -1;
            x.flags = (uint16_t)(N_TEXT | inherit);
            x.end = (int)c->nn + 1;
            const char *t = g->v.text.text;
            size_t tl = strlen(t);
            count_letters(t, tl, &x.letters, &x.ar);
            if (x.flags & N_LINK) {
                x.link = x.letters;
                x.link_ar = x.ar;
            }
            if (push_node(c, &x)) goto oom;
            continue;
        }
        if (g->type != GUMBO_NODE_ELEMENT && g->type != GUMBO_NODE_TEMPLATE) continue;
        x.tag = (int)g->v.element.tag;
        x.flags = inherit;
        if (is_block_tag(x.tag)) x.flags |= N_BLOCK;
        if (hard_element(g)) x.flags |= N_HARD;
        int cls = boilerplate_class(c->bp, attr(g, "class")) |
                  boilerplate_class(c->bp, attr(g, "id"));
        if (cls & BPC_FURNITURE) x.flags |= N_FURNITURE;
        if (cls & BPC_CONTENT) x.flags |= N_CONTENT;
        x.date_class = (cls & BPC_DATE) != 0;
        x.body_hint = x.tag == GUMBO_TAG_ARTICLE || attr_is(g, "itemprop", "articleBody");
        int idx = (int)c->nn;
        if (push_node(c, &x) || push_open(c, idx)) goto oom;
        if (x.tag == GUMBO_TAG_A) c->links_open++;
        if (sp == cap) {
            frame *ns = realloc(st, cap * 2 * sizeof *ns);
            if (!ns) goto oom;
            st = ns;
            cap *= 2;
        }
        st[sp++] = (frame){g, 0};
    }
    c->n[0].end = (int)c->nn;
    free(st);
    return 0;
oom:
    free(st);
    return -1;
}

/* Sums letter counts bottom-up (nodes never hold article text contribute
 * nothing). */
static void sum_counts(hctx *c) {
    for (size_t i = c->nn; i-- > 1;) {
        hnode *x = &c->n[i];
        if (x->flags & N_HARD) continue;
        hnode *p = &c->n[x->parent];
        p->letters += x->letters;
        p->ar += x->ar;
        p->link += x->link;
        p->link_ar += x->link_ar;
    }
}

/* The text of the subtree of node i (at most max bytes, white space
 * collapsed), into b. */
static void subtree_text(const hctx *c, size_t i, strbuf *b, size_t max) {
    int space = 1;
    for (size_t k = i; k < (size_t)c->n[i].end && b->n < max; k++) {
        const hnode *x = &c->n[k];
        if (x->flags & N_TEXT) {
            const char *t = x->g->v.text.text;
            add_collapsed(b, t, strlen(t), &space);
        } else if ((x->flags & N_BLOCK) && b->n && !space) {
            strbuf_add(b, " ", 1);
            space = 1;
        }
    }
    while (b->n && b->s[b->n - 1] == ' ') b->s[--b->n] = '\0';
}

static int link_dense(uint32_t letters, uint32_t link) {
    return letters > 0 && link * 2 >= letters;
}

/* Drops containers of page furniture and "read also" blocks (N_SOFT). */
static void drop_furniture(hctx *c) {
    uint32_t total = c->n[0].letters;
    for (size_t i = 1; i < c->nn;) {
        hnode *x = &c->n[i];
        if (x->flags & (N_TEXT | N_HARD | N_SOFT)) {
            i = x->flags & N_TEXT ? i + 1 : (size_t)x->end;
            continue;
        }
        /* a furniture class, unless it holds most of the page's text (a
           page wrapper named "has-sidebar" must not take the article) */
        if ((x->flags & N_FURNITURE) && !(x->flags & N_CONTENT && !link_dense(x->letters, x->link) &&
                                           x->letters * 10 >= total * 3) &&
            !(x->letters * 10 >= total * 6)) {
            x->flags |= N_SOFT;
            i = (size_t)x->end;
            continue;
        }
        /* a short element whose text is a "read also" heading */
        if (x->letters >= 3 && x->letters <= 60 && x->end - (int)i <= 64) {
            strbuf b = {0};
            subtree_text(c, i, &b, 512);
            bp_kind k = b.n ? boilerplate_line(c->bp, b.s, b.n) : BP_TEXT;
            free(b.s);
            if (k == BP_RELATED) {
                x->flags |= N_SOFT;
                /* and the list after it */
                size_t j = (size_t)x->end;
                while (j < c->nn && c->n[j].parent == x->parent) {
                    hnode *y = &c->n[j];
                    if ((y->flags & N_TEXT) && y->letters == 0) {
                        j++;
                        continue;
                    }
                    if (y->flags & N_TEXT) break;
                    if (y->tag == GUMBO_TAG_UL || y->tag == GUMBO_TAG_OL ||
                        link_dense(y->letters, y->link) || y->letters == 0) {
                        y->flags |= N_SOFT;
                        j = (size_t)y->end;
                        continue;
                    }
                    break;
                }
                /* a box of links around the heading goes too */
                hnode *p = &c->n[x->parent];
                if (x->parent > 0 && p->tag != GUMBO_TAG_BODY &&
                    link_dense(p->letters - x->letters, p->link) &&
                    p->letters * 10 < total * 4) {
                    p->flags |= N_SOFT;
                    i = (size_t)p->end;
                    continue;
                }
                i = j;
                continue;
            }
        }
        i++;
    }
}

static int push_line(hctx *c, int owner) {
    hline *l = &c->cur;
    l->owner = owner;
    size_t len = c->pool.n - l->off;
    while (len && c->pool.s[l->off + len - 1] == ' ') len--;
    c->pool.n = l->off + len;
    if (c->pool.s) c->pool.s[c->pool.n] = '\0';
    if (len > 0) {
        l->len = len;
        if (c->nlines == c->caplines) {
            size_t nc = c->caplines ? c->caplines * 2 : 256;
            hline *nl = realloc(c->lines, nc * sizeof *nl);
            if (!nl) return -1;
            c->lines = nl;
            c->caplines = nc;
        }
        c->lines[c->nlines++] = *l;
    }
    memset(l, 0, sizeof *l);
    l->off = c->pool.n;
    c->cur_space = 1;
    return 0;
}

/* Cuts the kept text into lines at block elements; sets every element's
 * line range and every line's owner. */
static int make_lines(hctx *c) {
    size_t *stack = malloc((c->nn + 1) * sizeof *stack);  /* open elements */
    int *blocks = malloc((c->nn + 1) * sizeof *blocks);   /* open blocks */
    if (!stack || !blocks) goto oom;
    size_t sp = 0, bsp = 0;
    memset(&c->cur, 0, sizeof c->cur);
    c->cur_space = 1;
    for (size_t i = 0; i <= c->nn; i++) {
        while (sp > 0 && (i == c->nn || (size_t)c->n[stack[sp - 1]].end <= i)) {
            hnode *e = &c->n[stack[--sp]];
            if (e->flags & N_BLOCK) {
                if (push_line(c, blocks[bsp - 1])) goto oom;
                bsp--;
            }
            e->le = (uint32_t)c->nlines;
        }
        if (i == c->nn) break;
        hnode *x = &c->n[i];
        int owner = bsp ? blocks[bsp - 1] : 0;
        if (x->flags & (N_HARD | N_SOFT)) {
            /* skipped: a break still separates what is around it */
            if (!(x->flags & N_TEXT)) {
                if ((x->flags & N_BLOCK) && push_line(c, owner)) goto oom;
                x->lb = x->le = (uint32_t)c->nlines;
                i = (size_t)x->end - 1;
            }
            continue;
        }
        if (x->flags & N_TEXT) {
            const char *t = x->g->v.text.text;
            add_collapsed(&c->pool, t, strlen(t), &c->cur_space);
            c->cur.letters += x->letters;
            c->cur.ar += x->ar;
            c->cur.link += x->link;
            c->cur.link_ar += x->link_ar;
            continue;
        }
        if (x->flags & N_BLOCK) {
            if (push_line(c, owner)) goto oom;
            blocks[bsp++] = (int)i;
        }
        x->lb = (uint32_t)c->nlines;
        stack[sp++] = i;
    }
    free(stack);
    free(blocks);
    return c->pool.oom ? -1 : 0;
oom:
    free(stack);
    free(blocks);
    return -1;
}

static void score_lines(hctx *c) {
    for (size_t k = 0; k < c->nlines; k++) {
        hline *l = &c->lines[k];
        l->bp = boilerplate_line(c->bp, c->pool.s + l->off, l->len);
        uint32_t nonlink = l->letters - l->link, nonlink_ar = l->ar - l->link_ar;
        if (l->bp != BP_TEXT || link_dense(l->letters, l->link))
            l->score = -(double)l->letters;
        else if (nonlink >= 40)
            l->score = nonlink_ar + 0.3 * (nonlink - nonlink_ar) - l->link;
        else
            l->score = -0.25 * l->letters;
    }
}

static int block_parent(const hctx *c, int e) {
    int p = c->n[e].parent;
    while (p > 0 && !(c->n[p].flags & N_BLOCK)) p = c->n[p].parent;
    return p;
}

/* The article body, readability-style. Each line's score flows to the block
 * that holds it and a few block levels up, less at each level (1, 1, 1/2,
 * 1/6, 1/9, 1/12), so a container scores by the text close under it, not by
 * all the text of the page; the best container (bonus for
 * itemprop=articleBody, a content class, or holding the first prose line
 * after the headline, `anchor`) is the top. Its siblings join when they
 * carry prose (a fifth of the top's score) without being link lists, as do
 * prose lines directly in their parent. Sets keep[k] for the lines of the
 * body and returns the element whose line range covers them (0: the page). */
static size_t choose_body(const hctx *c, size_t anchor, uint8_t *keep) {
    size_t nn = c->nn;
    double *loc = calloc(nn ? nn : 1, sizeof *loc);
    double *pre = malloc((c->nlines + 1) * sizeof *pre);
    if (!loc || !pre) {
        free(loc);
        free(pre);
        memset(keep, 1, c->nlines);
        return 0;
    }
    pre[0] = 0;
    for (size_t k = 0; k < c->nlines; k++) pre[k + 1] = pre[k] + c->lines[k].score;
    for (size_t k = 0; k < c->nlines; k++) {
        double sc = c->lines[k].score;
        int e = c->lines[k].owner;
        for (int level = 0; e >= 0 && level < 6; level++) {
            double w = level < 2 ? 1.0 : level == 2 ? 0.5 : 1.0 / (3.0 * (level - 1));
            loc[e] += sc * w;
            if (e == 0) break;
            e = block_parent(c, e);
        }
    }
    size_t top = 0;
    double best = 0;
    for (size_t i = 1; i < nn; i++) {
        const hnode *x = &c->n[i];
        if (x->flags & N_TEXT) continue;
        if (x->flags & (N_HARD | N_SOFT)) {
            i = (size_t)x->end - 1;
            continue;
        }
        if (!(x->flags & N_BLOCK) || x->lb >= x->le || loc[i] <= 0) continue;
        double v = loc[i];
        if (attr_is(x->g, "itemprop", "articleBody")) v *= 1.5;
        else if (x->flags & N_CONTENT) v *= 1.1;
        if (anchor >= x->lb && anchor < x->le) v *= 1.25;
        if (v > best) {
            best = v;
            top = i;
        }
    }
    memset(keep, 0, c->nlines);
    if (!top) {
        memset(keep, 1, c->nlines);
        free(loc);
        free(pre);
        return 0;
    }
    const hnode *t = &c->n[top];
    memset(keep + t->lb, 1, t->le - t->lb);
    int parent = block_parent(c, (int)top);
    const hnode *p = &c->n[parent];
    double need = 0.2 * loc[top] > 30 ? 0.2 * loc[top] : 30;
    for (size_t j = (size_t)parent + 1; j < (size_t)p->end;) {
        const hnode *y = &c->n[j];
        if ((y->flags & N_TEXT) || j == top || (y->flags & (N_HARD | N_SOFT)) ||
            y->lb >= y->le) {
            j = y->flags & N_TEXT ? j + 1 : (size_t)y->end;
            continue;
        }
        if (pre[y->le] - pre[y->lb] >= need && !link_dense(y->letters, y->link))
            memset(keep + y->lb, 1, y->le - y->lb);
        j = (size_t)y->end;
    }
    for (size_t k = p->lb; k < p->le; k++)
        if (c->lines[k].owner == parent && c->lines[k].score > 0) keep[k] = 1;
    free(loc);
    free(pre);
    return (size_t)parent;
}

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------ */

static const char *const MONTHS[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

static int month_of(const char *w, size_t n) {
    if (n < 3) return 0;
    for (int m = 0; m < 12; m++)
        if (strncasecmp(w, MONTHS[m], 3) == 0) return m + 1;
    return 0;
}

static int valid_ymd(int y, int m, int d) {
    static const int DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return 0;
    if (d > DAYS[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    return 1;
}

static int put_ymd(int y, int m, int d, char out[11]) {
    if (!valid_ymd(y, m, d)) return 0;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 1;
}

int html_parse_date(const char *s, char out[11]) {
    if (!s) return 0;
    while (*s && isspace((unsigned char)*s)) s++;
    /* numbers and words, in order */
    long num[4];
    int nnum = 0, month = 0, mpos = -1, ndig[4] = {0};
    const char *p = s;
    char sep1 = 0;
    int pieces = 0;
    while (*p && pieces < 12) {
        if (isdigit((unsigned char)*p)) {
            long v = 0;
            int k = 0;
            while (isdigit((unsigned char)*p) && k < 12) v = v * 10 + (*p++ - '0'), k++;
            if (nnum < 4) {
                ndig[nnum] = k;
                num[nnum++] = v;
            }
            if (nnum == 1 && (*p == '-' || *p == '/' || *p == '.')) sep1 = *p;
            pieces++;
        } else if (isalpha((unsigned char)*p)) {
            const char *w = p;
            while (isalpha((unsigned char)*p)) p++;
            int m = month_of(w, (size_t)(p - w));
            if (m && !month) {
                month = m;
                mpos = nnum;
            }
            if ((*w == 'T' || *w == 't') && p - w == 1 && nnum >= 3) break; /* ISO time */
            pieces++;
        } else {
            p++;
        }
    }
    if (nnum == 0) return 0;
    if (nnum == 1 && !month && ndig[0] >= 9 && ndig[0] <= 10) {
        /* a Unix time */
        time_t t = (time_t)num[0];
        struct tm tm;
        if (!gmtime_r(&t, &tm)) return 0;
        return put_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
    }
    if (month) {
        /* "24 Apr 2016", "Sun, 24 Apr 2016", "April 24, 2016" */
        if (mpos == 1 && nnum >= 2) /* D Month Y */
            return put_ymd((int)num[1], month, (int)num[0], out);
        if (mpos == 0 && nnum >= 2) /* Month D, Y */
            return put_ymd((int)num[1], month, (int)num[0], out);
        return 0;
    }
    if (nnum < 3 || !sep1) return 0;
    if (ndig[0] == 4) return put_ymd((int)num[0], (int)num[1], (int)num[2], out);
    if (ndig[2] == 4) {
        /* D/M/Y as Arab sites write it; M/D/Y when the middle is > 12 */
        if (num[1] > 12 && num[0] <= 12)
            return put_ymd((int)num[2], (int)num[0], (int)num[1], out);
        return put_ymd((int)num[2], (int)num[1], (int)num[0], out);
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Metadata
 * ------------------------------------------------------------------------ */

enum {
    D_ARTICLE,  /* meta article:published_time */
    D_OG,       /* og:published_time and the like */
    D_META,     /* other meta names: pubdate, date, dc.date ... */
    D_ITEMPROP, /* itemprop=datePublished */
    D_JSONLD,   /* JSON-LD datePublished */
    D_TIME,     /* <time datetime> in the article */
    D_RANKS
};

typedef struct {
    char *og_title, *tw_title, *title, *site, *app_name, *canonical, *og_url;
    char *ld_headline, *ld_publisher, *ld_site;
    char date[D_RANKS][11];
    size_t h1[8];
    size_t nh1;
} meta;

static void meta_free(meta *m) {
    free(m->og_title); free(m->tw_title); free(m->title); free(m->site);
    free(m->app_name); free(m->canonical); free(m->og_url);
    free(m->ld_headline); free(m->ld_publisher); free(m->ld_site);
}

static void set_once(char **dst, const char *v) {
    if (*dst || !v) return;
    *dst = clean_dup(v, strlen(v));
}

static void set_date(meta *m, int rank, const char *v) {
    if (m->date[rank][0] || !v) return;
    char d[11];
    if (html_parse_date(v, d)) memcpy(m->date[rank], d, 11);
}

static int date_meta_rank(const char *key) {
    static const char *const OG[] = {"og:published_time", "og:article:published_time",
                                     "article:published", "og:pubdate", NULL};
    static const char *const OTHER[] = {
        "pubdate", "publishdate", "publish-date", "publish_date", "publication_date",
        "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date",
        "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
        "citation_publication_date", "citation_date", "datepublished",
        "original-publish-date", "article.published", "article_date_original",
        "cxenseparse:recs:publishtime", "published_time", "published-date", NULL};
    if (strcasecmp(key, "article:published_time") == 0) return D_ARTICLE;
    for (const char *const *k = OG; *k; k++)
        if (strcasecmp(key, *k) == 0) return D_OG;
    for (const char *const *k = OTHER; *k; k++)
        if (strcasecmp(key, *k) == 0) return D_META;
    return -1;
}

/* Looks for datePublished, headline and publisher.name in a JSON-LD value,
 * breadth bounded by depth. */
static void ld_scan(meta *m, json_t *v, int depth) {
    if (!v || depth > 12) return;
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (i > 200) break;
            ld_scan(m, e, depth + 1);
        }
        return;
    }
    if (!json_is_object(v)) return;
    json_t *d = json_object_get(v, "datePublished");
    if (json_is_string(d)) set_date(m, D_JSONLD, json_string_value(d));
    json_t *h = json_object_get(v, "headline");
    if (json_is_string(h)) set_once(&m->ld_headline, json_string_value(h));
    json_t *type = json_object_get(v, "@type");
    json_t *name = json_object_get(v, "name");
    if (json_is_string(type) && strcmp(json_string_value(type), "WebSite") == 0 &&
        json_is_string(name))
        set_once(&m->ld_site, json_string_value(name));
    json_t *p = json_object_get(v, "publisher");
    if (json_is_object(p) && json_is_string(json_object_get(p, "name")))
        set_once(&m->ld_publisher, json_string_value(json_object_get(p, "name")));
    ld_scan(m, json_object_get(v, "@graph"), depth + 1);
    ld_scan(m, json_object_get(v, "mainEntity"), depth + 1);
}

static void read_meta(hctx *c, meta *m) {
    for (size_t i = 1; i < c->nn; i++) {
        const hnode *x = &c->n[i];
        if (x->flags & N_TEXT) continue;
        const GumboNode *g = x->g;
        switch (x->tag) {
        case GUMBO_TAG_META: {
            const char *content = attr(g, "content");
            const char *key = attr(g, "property");
            if (!key) key = attr(g, "name");
            const char *ip = attr(g, "itemprop");
            if (ip && strcasecmp(ip, "datePublished") == 0) set_date(m, D_ITEMPROP, content);
            if (!key || !content) break;
            if (strcasecmp(key, "og:title") == 0) set_once(&m->og_title, content);
            else if (strcasecmp(key, "twitter:title") == 0) set_once(&m->tw_title, content);
            else if (strcasecmp(key, "og:site_name") == 0) set_once(&m->site, content);
            else if (strcasecmp(key, "application-name") == 0) set_once(&m->app_name, content);
            else if (strcasecmp(key, "og:url") == 0) set_once(&m->og_url, content);
            else {
                int r = date_meta_rank(key);
                if (r >= 0) set_date(m, r, content);
            }
            break;
        }
        case GUMBO_TAG_LINK: {
            const char *rel = attr(g, "rel");
            if (rel && strcasecmp(rel, "canonical") == 0) set_once(&m->canonical, attr(g, "href"));
            break;
        }
        case GUMBO_TAG_TITLE:
            if (!m->title) {
                strbuf b = {0};
                subtree_text(c, i, &b, 1024);
                if (b.n) m->title = b.s;
                else free(b.s);
            }
            break;
        case GUMBO_TAG_H1:
            if (m->nh1 < 8 && !(x->flags & (N_SOFT | N_HARD)) && x->letters > 0)
                m->h1[m->nh1++] = i;
            break;
        case GUMBO_TAG_SCRIPT: {
            const char *type = attr(g, "type");
            if (!contains_ci(type, "ld+json")) break;
            strbuf b = {0};
            for (size_t k = i + 1; k < (size_t)x->end; k++)
                if (c->n[k].flags & N_TEXT) {
                    const char *t = c->n[k].g->v.text.text;
                    strbuf_add(&b, t, strlen(t));
                }
            if (b.n && b.n < ((size_t)4 << 20)) {
                json_error_t je;
                json_t *j = json_loadb(b.s, b.n, JSON_DECODE_ANY, &je);
                ld_scan(m, j, 0);
                json_decref(j);
            }
            free(b.s);
            break;
        }
        default:
            break;
        }
        const char *ip = attr(g, "itemprop");
        if (ip && strcasecmp(ip, "datePublished") == 0 && x->tag != GUMBO_TAG_META) {
            const char *v = attr(g, "datetime");
            if (!v) v = attr(g, "content");
            set_date(m, D_ITEMPROP, v);
        }
    }
}

/* <time datetime> inside the article body (or marked pubdate). */
static void time_dates(hctx *c, meta *m, size_t body) {
    const hnode *b = &c->n[body];
    for (size_t i = 1; i < c->nn && !m->date[D_TIME][0]; i++) {
        const hnode *x = &c->n[i];
        if (x->tag != GUMBO_TAG_TIME) continue;
        int inside = body > 0 && i > body && i < (size_t)b->end;
        int article = 0;
        for (int p = x->parent; p > 0; p = c->n[p].parent)
            if (c->n[p].tag == GUMBO_TAG_ARTICLE) article = 1;
        if (inside || article || attr(x->g, "pubdate"))
            set_date(m, D_TIME, attr(x->g, "datetime"));
    }
}

/* A visible date near the article: the text of a short element whose class
 * names a date, or of a <time>, inside the body or between the first h1 and
 * the end of the body. Malloc'd, or NULL. */
static char *visible_dateline(hctx *c, const meta *m, size_t body) {
    size_t from = body, to = (size_t)c->n[body].end;
    if (m->nh1 && m->h1[0] < from) from = m->h1[0];
    if (body == 0) to = c->nn;
    for (size_t i = from; i < to; i++) {
        const hnode *x = &c->n[i];
        if (x->flags & N_TEXT) continue;
        if (!x->date_class && x->tag != GUMBO_TAG_TIME) continue;
        if (x->end - (int)i > 32) continue;
        strbuf b = {0};
        subtree_text(c, i, &b, 200);
        int digit = 0;
        for (size_t k = 0; k < b.n; k++) digit |= isdigit((unsigned char)b.s[k]) != 0;
        if (digit && b.n >= 6 && b.n <= 120) return b.s;
        free(b.s);
    }
    return NULL;
}

/* The host of a URL without "www.", malloc'd, or NULL. */
static char *url_host(const char *u) {
    if (!u) return NULL;
    const char *p = strstr(u, "://");
    p = p ? p + 3 : (u[0] == '/' && u[1] == '/' ? u + 2 : NULL);
    if (!p) return NULL;
    const char *at = NULL;
    size_t n = 0;
    while (p[n] && p[n] != '/' && p[n] != '?' && p[n] != '#') {
        if (p[n] == '@') at = p + n;
        n++;
    }
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t h = 0;
    while (h < n && p[h] != ':') h++;
    if (h > 4 && strncasecmp(p, "www.", 4) == 0) {
        p += 4;
        h -= 4;
    }
    if (h == 0) return NULL;
    char *s = malloc(h + 1);
    if (!s) return NULL;
    for (size_t i = 0; i < h; i++) s[i] = (char)tolower((unsigned char)p[i]);
    s[h] = '\0';
    return s;
}

/* A <title> without the site name that sites add before or after it
 * ("الخبر - الموقع", "الموقع | الخبر"). */
static char *strip_site(const char *title, const char *site) {
    static const char *const SEPS[] = {" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " : ", NULL};
    if (!site || !*site) return strdup(title);
    size_t sl = strlen(site), tl = strlen(title);
    for (const char *const *sep = SEPS; *sep; sep++) {
        size_t pl = strlen(*sep);
        if (tl > sl + pl && strcmp(title + tl - sl, site) == 0 &&
            strncmp(title + tl - sl - pl, *sep, pl) == 0)
            return strndup(title, tl - sl - pl);
        if (tl > sl + pl && strncmp(title, site, sl) == 0 &&
            strncmp(title + sl, *sep, pl) == 0)
            return strdup(title + sl + pl);
    }
    return strdup(title);
}

static char *choose_title(hctx *c, const meta *m, const char *site) {
    if (m->og_title) return strip_site(m->og_title, site);
    if (m->tw_title) return strip_site(m->tw_title, site);
    /* an h1 that the <title> repeats is the headline without site decoration */
    for (size_t k = 0; k < m->nh1; k++) {
        strbuf b = {0};
        subtree_text(c, m->h1[k], &b, 2048);
        if (b.n && m->title && strstr(m->title, b.s)) return b.s;
        free(b.s);
    }
    if (m->ld_headline) return strdup(m->ld_headline);
    if (m->title) return strip_site(m->title, site);
    for (size_t k = 0; k < m->nh1; k++) {
        strbuf b = {0};
        subtree_text(c, m->h1[k], &b, 2048);
        if (b.n) return b.s;
        free(b.s);
    }
    return NULL;
}

/* The first prose line after the headline (the h1 that the title repeats,
 * else the first h1), or SIZE_MAX. */
static size_t headline_anchor(const hctx *c, const meta *m, const char *title) {
    if (!m->nh1) return SIZE_MAX;
    size_t h = m->h1[0];
    for (size_t k = 0; k < m->nh1 && title; k++) {
        strbuf b = {0};
        subtree_text(c, m->h1[k], &b, 2048);
        int match = b.n && (strstr(title, b.s) || strstr(b.s, title));
        free(b.s);
        if (match) {
            h = m->h1[k];
            break;
        }
    }
    for (size_t k = c->n[h].le; k < c->nlines; k++)
        if (c->lines[k].score > 0) return k;
    return SIZE_MAX;
}

/* ------------------------------------------------------------------------
 * The article
 * ------------------------------------------------------------------------ */

void html_article_clear(html_article *a) {
    if (!a) return;
    free(a->title);
    free(a->published);
    free(a->source);
    free(a->url);
    free(a->text);
    memset(a, 0, sizeof *a);
}

static void hctx_free(hctx *c) {
    free(c->n);
    free(c->open);
    free(c->lines);
    free(c->pool.s);
}

/* Writes the body's lines after the title (and dateline) into out. */
static void write_text(hctx *c, size_t body, const uint8_t *keep, const char *title,
                       const char *dateline, html_article *a, strbuf *out) {
    if (title) {
        strbuf_puts(out, title);
        strbuf_puts(out, "\n\n");
    }
    if (dateline) {
        strbuf_puts(out, dateline);
        strbuf_puts(out, "\n");
    }
    const hnode *b = &c->n[body];
    size_t lb = body ? b->lb : 0, le = body ? b->le : c->nlines;
    int headlines = 0;
    for (size_t k = lb; k < le; k++) {
        const hline *l = &c->lines[k];
        const char *s = c->pool.s + l->off;
        int drop = 0;
        if (!keep[k]) {
            if (l->letters) a->dropped++;
            continue;
        }
        if (l->letters == 0) {
            drop = 1;
        } else if (l->bp == BP_RELATED) {
            headlines = 10;
            drop = 1;
        } else if (l->bp == BP_LINE) {
            drop = 1;
        } else if (headlines > 0 && (link_dense(l->letters, l->link) ||
                                     boilerplate_headline_like(s, l->len))) {
            headlines--;
            drop = 1;
        } else {
            headlines = 0;
            if (link_dense(l->letters, l->link)) drop = 1;
        }
        if (drop) {
            a->dropped++;
            continue;
        }
        if (title && strlen(title) == l->len && memcmp(title, s, l->len) == 0) continue;
        if (dateline && strlen(dateline) == l->len && memcmp(dateline, s, l->len) == 0)
            continue;
        strbuf_add(out, s, l->len);
        strbuf_add(out, "\n", 1);
        a->paragraphs++;
    }
}

int html_extract(const boilerplate *bp, const char *html, size_t len,
                 const char *charset, html_article *a) {
    memset(a, 0, sizeof *a);
    /* 1. bytes to UTF-8 */
    char cs[32] = "";
    const char *src = html;
    size_t slen = len;
    char *converted = NULL;
    int bom16 = 0;
    if (len >= 3 && memcmp(html, "\xEF\xBB\xBF", 3) == 0) {
        src += 3;
        slen -= 3;
        strcpy(cs, "utf-8");
    } else if (len >= 2 && (unsigned char)html[0] == 0xFF && (unsigned char)html[1] == 0xFE) {
        strcpy(cs, "utf-16le");
        bom16 = 1;
    } else if (len >= 2 && (unsigned char)html[0] == 0xFE && (unsigned char)html[1] == 0xFF) {
        strcpy(cs, "utf-16be");
        bom16 = 1;
    } else if (charset && *charset && !charset_param(charset, cs) &&
               !strchr(charset, '/')) {
        /* a bare charset name */
        snprintf(cs, sizeof cs, "%s", charset);
        for (char *p = cs; *p; p++) *p = (char)tolower((unsigned char)*p);
    }
    if (!cs[0]) meta_charset(src, slen, cs);
    /* a page that names UTF-16 without a byte-order mark is ASCII-based:
       HTML reads it as UTF-8 */
    if (!bom16 && strncmp(cs, "utf-16", 6) == 0) strcpy(cs, "utf-8");
    size_t invalid = bom16 ? slen : marsad_utf8_invalid_count(src, slen);
    const char *from = NULL;
    if (invalid > 0 && cs[0] && !is_utf8_name(cs)) from = cs;
    else if (invalid > 0 && !cs[0] && invalid * 200 >= slen) from = "windows-1256";
    if (from) {
        int unknown;
        size_t cl;
        converted = to_utf8(from, src, slen, &cl, &unknown);
        if (converted) {
            src = converted;
            slen = cl;
            a->converted = 1;
            snprintf(a->charset, sizeof a->charset, "%s", from);
        } else if (unknown) {
            snprintf(a->warning, sizeof a->warning,
                     "warning: unknown charset '%s'; page read as UTF-8", from);
        } else {
            return -1;
        }
    }
    if (!a->charset[0]) snprintf(a->charset, sizeof a->charset, "%s", "utf-8");
    /* pathological nesting */
    char *flat = flatten_deep(src, slen);
    if (flat) {
        src = flat;
        if (!a->warning[0])
            snprintf(a->warning, sizeof a->warning,
                     "warning: tags nested deeper than %d levels were flattened",
                     HTML_MAX_DEPTH);
    }

    /* 2. parse and flatten */
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;
    GumboOutput *go = gumbo_parse_with_options(&opt, src, slen);
    if (!go) {
        free(flat);
        free(converted);
        return -1;
    }
    hctx c;
    memset(&c, 0, sizeof c);
    c.bp = bp;
    meta m;
    memset(&m, 0, sizeof m);
    strbuf out = {0};
    uint8_t *keep = NULL;
    int rc = -1;
    if (flatten(&c, go->document)) goto done;
    sum_counts(&c);
    /* 3. furniture */
    drop_furniture(&c);
    /* 4. lines and the body */
    if (make_lines(&c)) goto done;
    score_lines(&c);
    /* 5. metadata, then the body (the headline anchors it) */
    read_meta(&c, &m);
    a->url = m.canonical ? strdup(m.canonical) : m.og_url ? strdup(m.og_url) : NULL;
    if (m.site) a->source = strdup(m.site);
    else if (m.app_name) a->source = strdup(m.app_name);
    else if (m.ld_publisher) a->source = strdup(m.ld_publisher);
    else if (m.ld_site) a->source = strdup(m.ld_site);
    else a->source = url_host(a->url);
    a->title = choose_title(&c, &m, a->source);
    keep = malloc(c.nlines ? c.nlines : 1);
    if (!keep) goto done;
    size_t body = choose_body(&c, headline_anchor(&c, &m, a->title), keep);
    time_dates(&c, &m, body);
    for (int r = 0; r < D_RANKS; r++)
        if (m.date[r][0]) {
            a->published = strdup(m.date[r]);
            break;
        }
    char *dateline = a->published ? NULL : visible_dateline(&c, &m, body);
    write_text(&c, body, keep, a->title, dateline, a, &out);
    free(dateline);
    if (out.oom) goto done;
    if (!out.s) {
        out.s = calloc(1, 1);
        if (!out.s) goto done;
    }
    a->text = out.s;
    a->text_len = out.n;
    out.s = NULL;
    if (a->paragraphs == 0 && !a->warning[0])
        snprintf(a->warning, sizeof a->warning, "warning: no article text found in the page");
    rc = 0;
done:
    free(keep);
    free(out.s);
    meta_free(&m);
    hctx_free(&c);
    gumbo_destroy_output(&opt, go);
    free(flat);
    free(converted);
    if (rc) html_article_clear(a);
    return rc;
}
