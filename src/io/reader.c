/*
 * reader.c — articles from files: plain text (+ JSON metadata), HTML pages,
 * JSON Lines, WARC crawls, any of them gzip'd, a folder of them, standard
 * input or a memory buffer (see "Reading articles from files" in marsad.h).
 *
 * Every problem is reported with its file and line (or WARC record and byte
 * offset, or compressed byte offset) through the caller's diag function and
 * the reader goes on: a broken metadata file still yields the article's
 * text, a broken JSON line is skipped and the next one read, a damaged WARC
 * record is skipped and the next one found. All input goes through an
 * instream, so memory stays bounded whatever the file.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup, strndup */
#endif
#include "marsad.h"

#include "io/boilerplate.h"
#include "io/html.h"
#include "io/instream.h"
#include "io/jsonl.h"
#include "io/reader.h"
#include "io/warc.h"
#include "text/text_internal.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Pages are parsed whole by gumbo, which needs about ten times their size:
 * larger pages are cut here (news pages are well under 2 MB). */
#define MAX_HTML ((size_t)8 << 20)
/* Folder depth followed (symbolic-link loops end here). */
#define MAX_DIR_DEPTH 16

enum type { T_UNKNOWN = -1, T_TXT, T_HTML, T_JSONL, T_WARC };

typedef struct {
    enum type type;
    int gz;        /* named .gz */
    char *name;    /* for messages */
    char *meta;    /* NAME.json beside it, or NULL */
    instream *in;
    FILE *f;       /* owned by in */
    warc_reader *warc;
    size_t lineno; /* JSON Lines */
    int done;
} input;

struct marsad_reader {
    marsad_diag_fn diag;
    void *ctx;
    int id_generated;      /* the current article's id was made up */
    marsad_reader_stats st;
    int keep_boilerplate;
    int tokenize;          /* give articles their doc (blank) */
    int defer;             /* leave blanking and tokenizing to the caller */
    int deferred;          /* ... and the current article's text needs them */
    const boilerplate *bp; /* the rules: own_bp, or borrowed */
    boilerplate *own_bp;
    /* the paths still to read */
    char **paths;
    size_t npaths, next;
    int use_stdin;
    char *mem; /* open_mem: a copy of the data */
    size_t memlen;
    char *memname;
    int mem_used;
    int mem_borrowed;      /* mem is the caller's (reader_open_jsonl_part) */
    int mem_jsonl;         /* ... and holds whole JSON Lines lines */
    size_t first_line;     /* lines of the file before them */
    input cur;
    int have_cur;
    /* the current article and the storage behind it */
    marsad_article art;
    char *text, *id, *published, *source, *url, *title;
    marsad_doc *doc; /* the tokens of text, or NULL */
};

static void report(marsad_reader *r, const char *file, size_t line, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
static void report(marsad_reader *r, const char *file, size_t line, const char *fmt,
                   ...) {
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (strncmp(msg, "warning:", 8) == 0) r->st.warnings++;
    else r->st.errors++;
    if (r->diag) r->diag(r->ctx, file, line, msg);
}

static int ends_with_ci(const char *s, size_t n, const char *suf) {
    size_t b = strlen(suf);
    return n >= b && strncasecmp(s + n - b, suf, b) == 0;
}

/* The type a file name gives (T_UNKNOWN when none); *gz set for NAME.X.gz,
 * *stem_len to the length of the name without its extensions. */
static enum type type_of_name(const char *path, int *gz, size_t *stem_len) {
    size_t n = strlen(path);
    *gz = 0;
    if (ends_with_ci(path, n, ".gz")) {
        *gz = 1;
        n -= 3;
    }
    static const struct {
        const char *ext;
        enum type t;
    } EXT[] = {{".txt", T_TXT},     {".html", T_HTML},    {".htm", T_HTML},
               {".xhtml", T_HTML},  {".shtml", T_HTML},   {".jsonl", T_JSONL},
               {".ndjson", T_JSONL}, {".json", T_JSONL},  {".warc", T_WARC}};
    for (size_t i = 0; i < sizeof EXT / sizeof *EXT; i++)
        if (ends_with_ci(path, n, EXT[i].ext)) {
            if (stem_len) *stem_len = n - strlen(EXT[i].ext);
            return EXT[i].t;
        }
    if (stem_len) *stem_len = n;
    return T_UNKNOWN;
}

/* The type of data by its first bytes (after decompression). */
static enum type sniff(const char *d, size_t n, enum type fallback) {
    size_t i = 0;
    if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) i = 3;
    if (n - i >= 7 && memcmp(d + i, "WARC/1.", 7) == 0) return T_WARC;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) i++;
    if (i < n && d[i] == '<') return T_HTML;
    if (i < n && d[i] == '{') return T_JSONL;
    return fallback;
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_path(marsad_reader *r, const char *p) {
    char **np = realloc(r->paths, (r->npaths + 1) * sizeof *np);
    if (!np) return -1;
    r->paths = np;
    if (!(r->paths[r->npaths] = strdup(p))) return -1;
    r->npaths++;
    return 0;
}

/* Lists the article files under dir (recursively) into r->paths. */
static void list_dir(marsad_reader *r, const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) {
        report(r, dir, 0, "cannot open folder: %s", strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue; /* hidden, . and .. */
        size_t need = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(need);
        if (!p) break;
        snprintf(p, need, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) {
            report(r, p, 0, "cannot read: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (depth < MAX_DIR_DEPTH) list_dir(r, p, depth + 1);
            else report(r, p, 0, "warning: folders nested deeper than %d levels are "
                        "not read", MAX_DIR_DEPTH);
        } else if (S_ISREG(st.st_mode)) {
            int gz;
            size_t nl = strlen(e->d_name);
            enum type t = type_of_name(e->d_name, &gz, NULL);
            /* NAME.json in a folder is metadata of NAME.txt/.html */
            int meta = ends_with_ci(e->d_name, nl, ".json") ||
                       ends_with_ci(e->d_name, nl, ".json.gz");
            if (t != T_UNKNOWN && !meta && push_path(r, p)) {
                free(p);
                break;
            }
        }
        free(p);
    }
    closedir(d);
}

/* A reader with opt's settings and bp's rules (borrowed), or when bp is
 * NULL its own, loaded from opt's data directory. */
static marsad_reader *new_reader(const marsad_reader_options *opt,
                                 const boilerplate *bp, marsad_diag_fn diag,
                                 void *ctx) {
    marsad_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->diag = diag;
    r->ctx = ctx;
    r->keep_boilerplate = opt && opt->keep_boilerplate;
    r->tokenize = opt && opt->tokenize;
    if (bp) {
        r->bp = bp;
        return r;
    }
    const char *dir = opt && opt->datadir ? opt->datadir : marsad_default_datadir();
    char err[512];
    if (!(r->own_bp = boilerplate_load(dir, err, sizeof err))) {
        report(r, "boilerplate.tsv", 0, "%s", err);
        free(r);
        return NULL;
    }
    r->bp = r->own_bp;
    return r;
}

/* Sets up r to read a copy of data as a file called name. */
static marsad_reader *init_mem(marsad_reader *r, const char *name, const void *data,
                               size_t len) {
    r->mem = malloc(len ? len : 1);
    r->memname = strdup(name ? name : "<memory>");
    if (!r->mem || !r->memname) {
        marsad_reader_free(r);
        return NULL;
    }
    if (len) memcpy(r->mem, data, len);
    r->memlen = len;
    return r;
}

marsad_reader *reader_open_mem_shared(const char *name, const void *data, size_t len,
                                      const boilerplate *bp, int keep_boilerplate,
                                      marsad_diag_fn diag, void *ctx) {
    marsad_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->diag = diag;
    r->ctx = ctx;
    r->bp = bp;
    r->keep_boilerplate = keep_boilerplate;
    return init_mem(r, name, data, len);
}

marsad_reader *reader_open_jsonl_part(const char *name, const char *data,
                                      size_t len, size_t first_line,
                                      const marsad_reader_options *opt,
                                      const boilerplate *bp, marsad_diag_fn diag,
                                      void *ctx) {
    marsad_reader *r = new_reader(opt, bp, diag, ctx);
    if (!r) return NULL;
    r->mem = (char *)data;
    r->mem_borrowed = 1;
    r->memlen = len;
    r->mem_jsonl = 1;
    r->first_line = first_line;
    if (!(r->memname = strdup(name ? name : "<memory>"))) {
        marsad_reader_free(r);
        return NULL;
    }
    return r;
}

int reader_path_is_jsonl(const char *path) {
    int gz;
    return type_of_name(path, &gz, NULL) == T_JSONL && !gz;
}

marsad_reader *reader_open_shared(const char *path, const marsad_reader_options *opt,
                                  const boilerplate *bp, marsad_diag_fn diag,
                                  void *ctx) {
    marsad_reader *r = new_reader(opt, bp, diag, ctx);
    if (!r) return NULL;
    if (strcmp(path, "-") == 0) {
        r->use_stdin = 1;
        return r;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        report(r, path, 0, "%s", strerror(errno));
        marsad_reader_free(r);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        list_dir(r, path, 0);
        if (r->npaths) qsort(r->paths, r->npaths, sizeof *r->paths, cmpstr);
        return r;
    }
    if (push_path(r, path)) {
        marsad_reader_free(r);
        return NULL;
    }
    return r;
}

marsad_reader *marsad_reader_open_ex(const char *path, const marsad_reader_options *opt,
                                     marsad_diag_fn diag, void *ctx) {
    return reader_open_shared(path, opt, NULL, diag, ctx);
}

marsad_reader *marsad_reader_open(const char *path, marsad_diag_fn diag, void *ctx) {
    return marsad_reader_open_ex(path, NULL, diag, ctx);
}

marsad_reader *marsad_reader_open_mem(const char *name, const void *data, size_t len,
                                      const marsad_reader_options *opt,
                                      marsad_diag_fn diag, void *ctx) {
    marsad_reader *r = new_reader(opt, NULL, diag, ctx);
    return r ? init_mem(r, name, data, len) : NULL;
}

/* ------------------------------------------------------------------------
 * Opening the next input
 * ------------------------------------------------------------------------ */

static void close_input(marsad_reader *r) {
    input *c = &r->cur;
    warc_close(c->warc);
    instream_free(c->in);
    free(c->name);
    free(c->meta);
    memset(c, 0, sizeof *c);
    r->have_cur = 0;
}

/* NAME.json beside a NAME.txt or NAME.html (gzip'd or not), when it exists. */
static char *meta_path(const char *path, size_t stem) {
    char *m = malloc(stem + 6);
    if (!m) return NULL;
    memcpy(m, path, stem);
    strcpy(m + stem, ".json");
    struct stat st;
    if (stat(m, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(m);
        return NULL;
    }
    return m;
}

/* WARC problems go to the diag with the record and byte offset. */
static void warc_problem(void *ctx, uint64_t record, uint64_t offset, const char *msg) {
    marsad_reader *r = ctx;
    const char *what = instream_is_gzip(r->cur.in) ? " of the decompressed data" : "";
    if (record)
        report(r, r->cur.name, 0, "record %llu (byte %llu%s): %s",
               (unsigned long long)record, (unsigned long long)offset, what, msg);
    else
        report(r, r->cur.name, 0, "byte %llu%s: %s", (unsigned long long)offset, what, msg);
}

/* Opens the next path, standard input or memory buffer as r->cur. Returns 1,
 * or 0 when no input is left. */
static int open_next(marsad_reader *r) {
    for (;;) {
        input *c = &r->cur;
        memset(c, 0, sizeof *c);
        const char *name;
        size_t stem = 0;
        enum type t;
        if (r->use_stdin) {
            r->use_stdin = 0;
            name = "<stdin>";
            c->in = instream_from_file(stdin, 0, INSTREAM_AUTO);
            t = T_UNKNOWN;
        } else if (r->mem && !r->mem_used) {
            r->mem_used = 1;
            name = r->memname;
            if (r->mem_jsonl) {
                t = T_JSONL;
                c->in = instream_from_mem(r->mem, r->memlen, INSTREAM_RAW);
                c->lineno = r->first_line;
            } else {
                t = type_of_name(name, &c->gz, &stem);
                c->in = instream_from_mem(r->mem, r->memlen,
                                          c->gz ? INSTREAM_GZIP : INSTREAM_AUTO);
            }
        } else if (r->next < r->npaths) {
            name = r->paths[r->next++];
            t = type_of_name(name, &c->gz, &stem);
            FILE *f = fopen(name, "rb");
            if (!f) {
                report(r, name, 0, "cannot read: %s", strerror(errno));
                continue;
            }
            c->in = instream_from_file(f, 1, c->gz ? INSTREAM_GZIP : INSTREAM_AUTO);
            if (!c->in) fclose(f);
            if (t == T_TXT || t == T_HTML) c->meta = meta_path(name, stem);
        } else {
            return 0;
        }
        c->name = strdup(name);
        if (!c->in || !c->name) {
            report(r, name, 0, "out of memory");
            close_input(r);
            continue;
        }
        if (t == T_UNKNOWN) {
            size_t n = instream_fill(c->in, 64);
            t = sniff(instream_data(c->in), n,
                      strcmp(name, "<stdin>") == 0 ? T_JSONL : T_TXT);
        }
        c->type = t;
        if (t == T_WARC) {
            c->warc = warc_open(c->in, warc_problem, r);
            if (!c->warc) {
                report(r, name, 0, "out of memory");
                close_input(r);
                continue;
            }
        }
        r->have_cur = 1;
        return 1;
    }
}

/* ------------------------------------------------------------------------
 * Articles
 * ------------------------------------------------------------------------ */

static void clear_article(marsad_reader *r) {
    free(r->text); free(r->id); free(r->published);
    free(r->source); free(r->url); free(r->title);
    r->text = r->id = r->published = r->source = r->url = r->title = NULL;
    marsad_doc_free(r->doc);
    r->doc = NULL;
    r->id_generated = 0;
    r->deferred = 0;
    memset(&r->art, 0, sizeof r->art);
}

static const marsad_article *finish(marsad_reader *r, size_t text_len) {
    r->art.text = r->text;
    r->art.text_len = text_len;
    r->art.id = r->id;
    r->art.published = r->published;
    r->art.source = r->source;
    r->art.url = r->url;
    r->art.title = r->title;
    r->art.doc = r->doc;
    r->st.articles++;
    return &r->art;
}

/* Replaces *dst by a copy of the string member key of o when it has one. */
static void meta_str(marsad_reader *r, json_t *o, const char *key, char **dst,
                     const char *file, size_t line) {
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return;
    char *s = NULL;
    if (json_is_string(v)) {
        s = strdup(json_string_value(v));
    } else if (json_is_integer(v) && strcmp(key, "id") == 0) {
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
        s = strdup(b);
    } else {
        report(r, file, line, "field \"%s\" is not a string; ignored", key);
        return;
    }
    if (s) {
        free(*dst);
        *dst = s;
    }
}

static void fill_meta(marsad_reader *r, json_t *o, const char *file, size_t line) {
    meta_str(r, o, "id", &r->id, file, line);
    meta_str(r, o, "published", &r->published, file, line);
    meta_str(r, o, "source", &r->source, file, line);
    meta_str(r, o, "url", &r->url, file, line);
    meta_str(r, o, "title", &r->title, file, line);
}

/* Reads NAME.json beside the current file; its fields override. */
static void read_meta_file(marsad_reader *r, const char *meta) {
    json_error_t je;
    json_t *o = json_load_file(meta, 0, &je);
    if (!o)
        report(r, meta, (size_t)(je.line > 0 ? je.line : 0),
               "broken metadata JSON (%s); text read without it", je.text);
    else if (!json_is_object(o))
        report(r, meta, 1, "metadata is not a JSON object; ignored");
    else
        fill_meta(r, o, meta, 0);
    json_decref(o);
}

/* The file name without folder and extensions (NAME of NAME.txt.gz). */
static char *stem_id(const char *path) {
    if (path[0] == '<') return strdup("stdin");
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    int gz;
    size_t stem;
    type_of_name(b, &gz, &stem);
    if (stem == 0) stem = strlen(b);
    return strndup(b, stem);
}

/* Reports what the stream says went wrong, if anything. */
static void stream_problem(marsad_reader *r) {
    const char *e = instream_take_error(r->cur.in);
    if (e) report(r, r->cur.name, 0, "%s", e);
}

/* Reads the whole current input, at most max bytes (with a message when it
 * is longer). Returns a malloc'd NUL-terminated copy. */
static char *read_whole(marsad_reader *r, size_t max, size_t *len) {
    instream *in = r->cur.in;
    size_t n = instream_fill(in, max + 1);
    if (n > max) {
        report(r, r->cur.name, 0, "longer than %zu MB; only the first %zu MB are read",
               max >> 20, max >> 20);
        n = max;
    }
    stream_problem(r);
    char *s = malloc(n + 1);
    if (!s) {
        report(r, r->cur.name, 0, "out of memory");
        return NULL;
    }
    memcpy(s, instream_data(in), n);
    s[n] = '\0';
    *len = n;
    return s;
}

size_t reader_blank_text(const boilerplate *bp, int keep_boilerplate,
                         int tokenize, char *text, size_t len, marsad_doc **doc) {
    *doc = tokenize ? marsad_doc_new(text, len) : NULL;
    if (keep_boilerplate) return 0;
    if (!*doc) return boilerplate_blank(bp, text, len);
    size_t blanked = boilerplate_blank_doc(bp, text, len, *doc);
    if (blanked && text_doc_blanked(*doc, text, len)) {
        marsad_doc_free(*doc);
        *doc = NULL;
    }
    return blanked;
}

/* Blanks the boilerplate lines of text; with tokenize, also makes r->doc,
 * the doc of the blanked text, from one tokenization that the boilerplate
 * pass reads too. With defer, only notes that this is still to be done. */
static void blank(marsad_reader *r, char *text, size_t len) {
    assert(!r->doc); /* clear_article freed the last one */
    if (r->defer) {
        r->deferred = 1;
        return;
    }
    r->st.lines_blanked += reader_blank_text(r->bp, r->keep_boilerplate,
                                             r->tokenize, text, len, &r->doc);
}

static const marsad_article *next_txt(marsad_reader *r) {
    input *c = &r->cur;
    c->done = 1;
    size_t len;
    char *text = read_whole(r, MARSAD_READER_MAX_DOC, &len);
    if (!text) return NULL;
    blank(r, text, len);
    r->text = text;
    if (c->meta) read_meta_file(r, c->meta);
    if (!r->id) r->id = stem_id(c->name);
    return finish(r, len);
}

/* Moves the fields of an extracted page into the article; keeps fields that
 * are already set (metadata given with the page wins). */
static void take_page(marsad_reader *r, html_article *h) {
#define TAKE(f)              \
    if (!r->f) {             \
        r->f = h->f;         \
        h->f = NULL;         \
    }
    TAKE(title) TAKE(published) TAKE(source) TAKE(url)
#undef TAKE
    r->text = h->text;
    h->text = NULL;
}

static const marsad_article *next_html(marsad_reader *r) {
    input *c = &r->cur;
    c->done = 1;
    size_t len;
    char *page = read_whole(r, MAX_HTML, &len);
    if (!page) return NULL;
    html_article h;
    int rc = html_extract(r->bp, page, len, NULL, &h);
    free(page);
    if (rc) {
        report(r, c->name, 0, "out of memory while reading the page");
        return NULL;
    }
    r->st.lines_dropped += h.dropped;
    if (h.warning[0]) report(r, c->name, 0, "%s", h.warning);
    if (c->meta) read_meta_file(r, c->meta);
    size_t tl = h.text_len;
    take_page(r, &h);
    html_article_clear(&h);
    if (!r->id) r->id = stem_id(c->name);
    return finish(r, tl);
}

/* One JSON Lines line (len bytes at s): an article, or NULL (reported). */
static const marsad_article *jsonl_line(marsad_reader *r, const char *s, size_t len) {
    input *c = &r->cur;
    while (len && (s[len - 1] == '\r')) len--;
    if (c->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3; /* a byte order mark at the start of the file */
        len -= 3;
    }
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == len) return NULL;
    json_error_t je;
    char *split_text; /* the "text" string when the line could be split */
    size_t split_len;
    json_t *o = jsonl_load_split(s, len, &split_text, &split_len);
    if (!o) o = json_loadb(s, len, JSON_ALLOW_NUL, &je);
    if (!o && marsad_utf8_invalid_count(s, len) > 0) {
        /* jansson refuses invalid UTF-8: read it with U+FFFD instead */
        size_t cl, bad;
        char *clean = marsad_utf8_sanitize(s, len, &cl, &bad);
        if (clean) {
            o = json_loadb(clean, cl, JSON_ALLOW_NUL, &je);
            if (o)
                report(r, c->name, c->lineno,
                       "warning: %zu invalid UTF-8 bytes replaced by U+FFFD", bad);
            free(clean);
        }
    }
    if (!o) {
        report(r, c->name, c->lineno, "broken JSON (%s, column %d); line skipped",
               je.text, je.column);
        return NULL;
    }
    json_t *t = json_object_get(o, "text");
    json_t *h = json_object_get(o, "html");
    if (!json_is_object(o) || !(split_text || json_is_string(t) || json_is_string(h))) {
        report(r, c->name, c->lineno,
               "not an article object with a string \"text\" (or \"html\"); line skipped");
        json_decref(o);
        return NULL;
    }
    fill_meta(r, o, c->name, c->lineno);
    size_t tl;
    if (split_text) {
        tl = split_len;
        r->text = split_text;
        blank(r, r->text, tl);
    } else if (json_is_string(t)) {
        tl = json_string_length(t);
        r->text = malloc(tl + 1);
        if (r->text) {
            memcpy(r->text, json_string_value(t), tl);
            r->text[tl] = '\0';
            blank(r, r->text, tl);
        }
    } else {
        html_article ha;
        size_t hl = json_string_length(h);
        if (hl > MAX_HTML) {
            report(r, c->name, c->lineno, "warning: page larger than %zu MB; only its "
                   "first %zu MB are read", MAX_HTML >> 20, MAX_HTML >> 20);
            hl = MAX_HTML;
        }
        if (html_extract(r->bp, json_string_value(h), hl, NULL, &ha)) {
            json_decref(o);
            report(r, c->name, c->lineno, "out of memory while reading the page");
            return NULL;
        }
        r->st.lines_dropped += ha.dropped;
        if (ha.warning[0]) report(r, c->name, c->lineno, "%s", ha.warning);
        tl = ha.text_len;
        take_page(r, &ha);
        html_article_clear(&ha);
    }
    json_decref(o);
    if (!r->text) {
        report(r, c->name, c->lineno, "out of memory");
        return NULL;
    }
    if (!r->id) {
        char b[64];
        snprintf(b, sizeof b, "line%zu", c->lineno);
        r->id = strdup(b);
        r->id_generated = 1;
    }
    return finish(r, tl);
}

static const marsad_article *next_jsonl(marsad_reader *r) {
    input *c = &r->cur;
    instream *in = c->in;
    size_t scanned = 0; /* bytes of the window known to hold no newline */
    for (;;) {
        size_t n = instream_fill(in, scanned + 1);
        const char *d = instream_data(in);
        const char *nl = n > scanned ? memchr(d + scanned, '\n', n - scanned) : NULL;
        if (nl ? (size_t)(nl - d) > MARSAD_READER_MAX_DOC
               : n > MARSAD_READER_MAX_DOC) {
            /* a huge line: report it and read through it (when the
             * window holds the newline already, read through to it: that
             * a line of this length is skipped does not depend on how much
             * the window took in at once) */
            c->lineno++;
            report(r, c->name, c->lineno, READER_HUGE_LINE, MARSAD_READER_MAX_DOC >> 20);
            if (nl) {
                instream_consume(in, (size_t)(nl - d) + 1);
                scanned = 0;
                continue;
            }
            for (;;) {
                n = instream_fill(in, 1 << 16);
                if (n == 0) break;
                d = instream_data(in);
                nl = memchr(d, '\n', n);
                if (nl) {
                    instream_consume(in, (size_t)(nl - d) + 1);
                    break;
                }
                instream_consume(in, n);
            }
            scanned = 0;
            continue;
        }
        if (!nl && n > scanned && instream_state(in) == INSTREAM_OK) {
            scanned = n;
            continue;
        }
        if (!nl && n == 0) {
            stream_problem(r);
            if (instream_state(in) == INSTREAM_BREAK && instream_resume(in)) {
                scanned = 0;
                continue;
            }
            c->done = 1;
            return NULL;
        }
        /* a line: up to the newline, or the last bytes before the end */
        size_t ll = nl ? (size_t)(nl - d) : n;
        int cut = !nl && instream_state(in) != INSTREAM_EOF;
        c->lineno++;
        scanned = 0;
        if (cut) {
            stream_problem(r);
            report(r, c->name, c->lineno, "the data ends inside this line; line skipped");
            instream_consume(in, ll);
            continue;
        }
        const marsad_article *a = jsonl_line(r, d, ll);
        instream_consume(in, ll + (nl ? 1 : 0));
        if (a) return a;
        clear_article(r);
    }
}

static const marsad_article *warc_article(marsad_reader *r) {
    input *c = &r->cur;
    warc_record rec;
    while (warc_next(c->warc, &rec)) {
        warc_page page;
        char err[256] = "";
        int kind = warc_record_page(&rec, &page, err, sizeof err);
        if (kind == WARC_PAGE_BROKEN) {
            warc_problem(r, rec.number, rec.offset, err);
            continue;
        }
        if (kind != WARC_PAGE_HTML) {
            r->st.records_skipped++;
            continue;
        }
        html_article h;
        size_t plen = page.body_len;
        if (plen > MAX_HTML) {
            char msg[96];
            snprintf(msg, sizeof msg, "warning: page larger than %zu MB; only its first "
                     "%zu MB are read", MAX_HTML >> 20, MAX_HTML >> 20);
            warc_problem(r, rec.number, rec.offset, msg);
            plen = MAX_HTML;
        }
        int rc = html_extract(r->bp, page.body, plen,
                              page.charset[0] ? page.charset : NULL, &h);
        free(page.owned);
        if (rc) {
            warc_problem(r, rec.number, rec.offset, "out of memory while reading the page");
            continue;
        }
        r->st.lines_dropped += h.dropped;
        if (h.paragraphs == 0) {
            /* an index page, an error page: nothing to read */
            r->st.records_skipped++;
            html_article_clear(&h);
            continue;
        }
        if (h.warning[0] && strstr(h.warning, "no article text") == NULL)
            warc_problem(r, rec.number, rec.offset, h.warning);
        if (rec.target_uri[0]) r->url = strdup(rec.target_uri);
        if (rec.record_id[0]) r->id = strdup(rec.record_id);
        if (!h.source && rec.target_uri[0]) {
            /* the host of the crawled URL */
            const char *p = strstr(rec.target_uri, "://");
            if (p) {
                p += 3;
                if (strncasecmp(p, "www.", 4) == 0) p += 4;
                r->source = strndup(p, strcspn(p, "/:?#"));
            }
        }
        size_t tl = h.text_len;
        take_page(r, &h);
        html_article_clear(&h);
        if (!r->id) {
            char b[64];
            snprintf(b, sizeof b, "record%llu", (unsigned long long)rec.number);
            r->id = strdup(b);
            r->id_generated = 1;
        }
        return finish(r, tl);
    }
    c->done = 1;
    return NULL;
}

const marsad_article *marsad_reader_next(marsad_reader *r) {
    clear_article(r);
    for (;;) {
        if (!r->have_cur || r->cur.done) {
            if (r->have_cur) close_input(r);
            if (!open_next(r)) return NULL;
        }
        const marsad_article *a = NULL;
        switch (r->cur.type) {
        case T_TXT: a = next_txt(r); break;
        case T_HTML: a = next_html(r); break;
        case T_JSONL: a = next_jsonl(r); break;
        case T_WARC: a = warc_article(r); break;
        default: r->cur.done = 1; break;
        }
        if (a) return a;
        clear_article(r);
    }
}

size_t marsad_reader_errors(const marsad_reader *r) { return r->st.errors; }

void marsad_reader_get_stats(const marsad_reader *r, marsad_reader_stats *st) {
    *st = r->st;
}

void reader_set_tokenize(marsad_reader *r, int on) { r->tokenize = on != 0; }

void reader_set_defer(marsad_reader *r, int on) { r->defer = on != 0; }

int reader_deferred(const marsad_reader *r) { return r->deferred; }

marsad_doc *reader_take_doc(marsad_reader *r) {
    marsad_doc *d = r->doc;
    r->doc = NULL;
    return d;
}

void marsad_reader_free(marsad_reader *r) {
    if (!r) return;
    clear_article(r);
    if (r->have_cur) close_input(r);
    for (size_t i = 0; i < r->npaths; i++) free(r->paths[i]);
    free(r->paths);
    if (!r->mem_borrowed) free(r->mem);
    free(r->memname);
    boilerplate_free(r->own_bp);
    free(r);
}

int marsad_reader_id_generated(const marsad_reader *r) {
    return r ? r->id_generated : 0;
}
