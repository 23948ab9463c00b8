/*
 * reader.c — articles from a folder (NAME.txt + optional NAME.json), a single
 * text file, or JSON Lines (a file or standard input).
 *
 * Every problem is reported with its file and line through the caller's diag
 * function and the reader goes on: a broken metadata file still yields the
 * article's text, a broken JSON line is skipped, the next line is read.
 */
#include "marsad.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum mode { MODE_FILES, MODE_JSONL };

struct marsad_reader {
    marsad_diag_fn diag;
    void *ctx;
    size_t errors;
    enum mode mode;
    /* files mode: the list of .txt paths */
    char **paths;
    size_t npaths, next;
    /* jsonl mode */
    FILE *f;
    char *fname;
    char *line;
    size_t linecap, lineno;
    /* the current article and the storage behind it */
    marsad_article art;
    char *text, *id, *published, *source, *url, *title;
};

static void report(marsad_reader *r, const char *file, size_t line,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static void report(marsad_reader *r, const char *file, size_t line,
                   const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->errors++;
    if (r->diag) r->diag(r->ctx, file, line, msg);
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_path(marsad_reader *r, const char *p) {
    char **np = realloc(r->paths, (r->npaths + 1) * sizeof *np);
    if (!np) return -1;
    r->paths = np;
    r->paths[r->npaths] = strdup(p);
    if (!r->paths[r->npaths]) return -1;
    r->npaths++;
    return 0;
}

static void clear_article(marsad_reader *r) {
    free(r->text); free(r->id); free(r->published);
    free(r->source); free(r->url); free(r->title);
    r->text = r->id = r->published = r->source = r->url = r->title = NULL;
    memset(&r->art, 0, sizeof r->art);
}

marsad_reader *marsad_reader_open(const char *path, marsad_diag_fn diag,
                                  void *ctx) {
    marsad_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->diag = diag;
    r->ctx = ctx;
    struct stat st;
    if (strcmp(path, "-") == 0) {
        r->mode = MODE_JSONL;
        r->f = stdin;
        r->fname = strdup("<stdin>");
        return r;
    }
    if (stat(path, &st) != 0) {
        report(r, path, 0, "%s", strerror(errno));
        marsad_reader_free(r);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            report(r, path, 0, "%s", strerror(errno));
            marsad_reader_free(r);
            return NULL;
        }
        struct dirent *e;
        char buf[4096];
        while ((e = readdir(d)) != NULL) {
            if (!ends_with(e->d_name, ".txt")) continue;
            snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
            if (push_path(r, buf)) break;
        }
        closedir(d);
        qsort(r->paths, r->npaths, sizeof *r->paths, cmpstr);
        r->mode = MODE_FILES;
        return r;
    }
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson") ||
        ends_with(path, ".json")) {
        r->f = fopen(path, "rb");
        if (!r->f) {
            report(r, path, 0, "%s", strerror(errno));
            marsad_reader_free(r);
            return NULL;
        }
        r->mode = MODE_JSONL;
        r->fname = strdup(path);
        return r;
    }
    r->mode = MODE_FILES;
    push_path(r, path);
    return r;
}

static char *read_all(const char *path, size_t *len, int *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 1 << 14, n = 0, got;
    char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) { free(b); b = NULL; break; }
            b = nb;
            cap *= 2;
        }
    }
    *err = ferror(f) ? EIO : (b ? 0 : ENOMEM);
    fclose(f);
    if (*err) { free(b); return NULL; }
    b[n] = '\0';
    *len = n;
    return b;
}

/* Copies a string member of a metadata object; reports non-string values. */
static char *meta_str(marsad_reader *r, json_t *o, const char *key,
                      const char *file, size_t line) {
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) return strdup(json_string_value(v));
    if (json_is_integer(v) && strcmp(key, "id") == 0) {
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
        return strdup(b);
    }
    report(r, file, line, "field \"%s\" is not a string; ignored", key);
    return NULL;
}

static void fill_meta(marsad_reader *r, json_t *o, const char *file,
                      size_t line) {
    r->id = meta_str(r, o, "id", file, line);
    r->published = meta_str(r, o, "published", file, line);
    r->source = meta_str(r, o, "source", file, line);
    r->url = meta_str(r, o, "url", file, line);
    r->title = meta_str(r, o, "title", file, line);
}

static char *basename_noext(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = strdup(b);
    if (!s) return NULL;
    char *dot = strrchr(s, '.');
    if (dot && dot != s) *dot = '\0';
    return s;
}

static const marsad_article *next_file(marsad_reader *r) {
    while (r->next < r->npaths) {
        const char *p = r->paths[r->next++];
        size_t len;
        int err;
        char *text = read_all(p, &len, &err);
        if (!text) {
            report(r, p, 0, "cannot read: %s", strerror(err));
            continue;
        }
        r->text = text;
        r->art.text_len = len;
        /* NAME.json beside NAME.txt holds the metadata */
        size_t pl = strlen(p);
        char *meta = malloc(pl + 2);
        if (meta) {
            memcpy(meta, p, pl - 4);
            strcpy(meta + pl - 4, ".json");
            struct stat st;
            if (stat(meta, &st) == 0) {
                json_error_t je;
                json_t *o = json_load_file(meta, 0, &je);
                if (!o)
                    report(r, meta, (size_t)(je.line > 0 ? je.line : 0),
                           "broken metadata JSON (%s); text read without it",
                           je.text);
                else if (!json_is_object(o))
                    report(r, meta, 1, "metadata is not a JSON object; ignored");
                else
                    fill_meta(r, o, meta, 0);
                json_decref(o);
            }
            free(meta);
        }
        if (!r->id) r->id = basename_noext(p);
        r->art.text = r->text;
        r->art.id = r->id;
        r->art.published = r->published;
        r->art.source = r->source;
        r->art.url = r->url;
        r->art.title = r->title;
        return &r->art;
    }
    return NULL;
}

/* ---- JSON Lines without building a JSON tree ------------------------------
 *
 * Most lines are a flat object whose only large member is "text". fast_line
 * reads such a line straight into the article's fields. It accepts only what
 * jansson (json_loadb with JSON_ALLOW_NUL) accepts and reads it the same way;
 * on anything else (a syntax error, a number too big, a non-string metadata
 * value, an escape it does not know) it gives up and the line goes to
 * jansson, which then reports exactly what it always did. */

typedef struct {
    const char *p, *e;
    int depth;
} jcur;

static int j_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void j_skip_ws(jcur *c) {
    while (c->p < c->e && j_ws((unsigned char)*c->p)) c->p++;
}

static int j_hex4(const char *p, unsigned *v) {
    unsigned x = 0;
    for (int k = 0; k < 4; k++) {
        int ch = (unsigned char)p[k], d;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
        else return 0;
        x = x * 16 + (unsigned)d;
    }
    *v = x;
    return 1;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), 0 if none. */
static size_t j_utf8_len(const unsigned char *p, const unsigned char *e) {
    unsigned c = p[0];
    size_t k;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
    else return 0;
    if ((size_t)(e - p) < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

/* Reads the string at c->p (on its opening quote). With out (room for the
 * raw length), writes the decoded bytes there and their count in *olen.
 * *flags: 1 when \u0000 occurred, 2 when any escape did. Returns 0 when
 * jansson would reject the string. */
static int j_string(jcur *c, char *out, size_t *olen, int *has_nul) {
    const unsigned char *p = (const unsigned char *)c->p + 1,
                        *e = (const unsigned char *)c->e;
    size_t o = 0;
    *has_nul = 0;
    if (olen) *olen = 0;
    for (;;) {
        /* a run of plain bytes: ASCII and two-byte letters (Arabic) */
        const unsigned char *q = p;
        for (;;) {
            if (q < e && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\') {
                q++;
            } else if (q + 1 < e && *q >= 0xC2 && *q <= 0xDF &&
                       (q[1] & 0xC0) == 0x80) {
                q += 2;
            } else {
                break;
            }
        }
        if (out && q > p) memcpy(out + o, p, (size_t)(q - p));
        o += (size_t)(q - p);
        p = q;
        if (p >= e) return 0;
        unsigned ch = *p;
        if (ch == '"') {
            c->p = (const char *)p + 1;
            if (olen) *olen = o;
            return 1;
        }
        if (ch < 0x20) return 0;
        if (ch >= 0x80) {
            size_t k = j_utf8_len(p, e);
            if (!k) return 0;
            if (out) memcpy(out + o, p, k);
            o += k;
            p += k;
            continue;
        }
        /* an escape: the decoded text differs from the raw bytes */
        *has_nul |= 2;
        if (p + 1 >= e) return 0;
        unsigned esc = p[1];
        const char *simple = strchr("\"\\/bfnrt", (int)esc);
        if (esc && simple) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            if (out) out[o] = to[simple - "\"\\/bfnrt"];
            o++;
            p += 2;
            continue;
        }
        if (esc != 'u' || e - p < 6) return 0;
        unsigned u, u2;
        if (!j_hex4((const char *)p + 2, &u)) return 0;
        p += 6;
        uint32_t cp = u;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (e - p < 6 || p[0] != '\\' || p[1] != 'u' ||
                !j_hex4((const char *)p + 2, &u2) || u2 < 0xDC00 || u2 > 0xDFFF)
                return 0;
            cp = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
            p += 6;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return 0;
        }
        if (cp == 0) *has_nul |= 1;
        char b[4];
        size_t bl;
        if (cp < 0x80) b[0] = (char)cp, bl = 1;
        else if (cp < 0x800)
            b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), bl = 2;
        else if (cp < 0x10000)
            b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
            b[2] = (char)(0x80 | (cp & 0x3F)), bl = 3;
        else
            b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
            b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)),
            bl = 4;
        if (out) memcpy(out + o, b, bl);
        o += bl;
    }
}

/* A number as jansson reads it: JSON syntax, integers that fit a long long,
 * reals that do not overflow. */
static int j_number(jcur *c) {
    const char *p = c->p, *e = c->e, *start = p;
    int real = 0;
    if (p < e && *p == '-') p++;
    if (p >= e) return 0;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9')
        while (p < e && *p >= '0' && *p <= '9') p++;
    else return 0;
    if (p < e && *p == '.') {
        real = 1;
        p++;
        if (p >= e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    char buf[64];
    if ((size_t)(p - start) >= sizeof buf) return 0;
    memcpy(buf, start, (size_t)(p - start));
    buf[p - start] = '\0';
    errno = 0;
    if (real) {
        double v = strtod(buf, NULL);
        if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) return 0;
    } else {
        strtoll(buf, NULL, 10);
        if (errno == ERANGE) return 0;
    }
    c->p = p;
    return 1;
}

static int j_value(jcur *c);

/* The members of an object after its '{' (keys checked, values skipped). */
static int j_object_rest(jcur *c) {
    j_skip_ws(c);
    if (c->p < c->e && *c->p == '}') {
        c->p++;
        return 1;
    }
    for (;;) {
        if (c->p >= c->e || *c->p != '"') return 0;
        int nul;
        if (!j_string(c, NULL, NULL, &nul) || (nul & 1)) return 0;
        j_skip_ws(c);
        if (c->p >= c->e || *c->p != ':') return 0;
        c->p++;
        j_skip_ws(c);
        if (!j_value(c)) return 0;
        j_skip_ws(c);
        if (c->p < c->e && *c->p == ',') {
            c->p++;
            j_skip_ws(c);
            continue;
        }
        if (c->p < c->e && *c->p == '}') {
            c->p++;
            return 1;
        }
        return 0;
    }
}

/* Skips one value, checking it as jansson would. */
static int j_value(jcur *c) {
    if (c->p >= c->e) return 0;
    int nul;
    switch (*c->p) {
    case '"':
        return j_string(c, NULL, NULL, &nul);
    case '{':
        if (++c->depth > 64) return 0;
        c->p++;
        if (!j_object_rest(c)) return 0;
        c->depth--;
        return 1;
    case '[':
        if (++c->depth > 64) return 0;
        c->p++;
        j_skip_ws(c);
        if (c->p < c->e && *c->p == ']') {
            c->p++;
            c->depth--;
            return 1;
        }
        for (;;) {
            if (!j_value(c)) return 0;
            j_skip_ws(c);
            if (c->p < c->e && *c->p == ',') {
                c->p++;
                j_skip_ws(c);
                continue;
            }
            if (c->p < c->e && *c->p == ']') {
                c->p++;
                c->depth--;
                return 1;
            }
            return 0;
        }
    case 't':
        if (c->e - c->p >= 4 && memcmp(c->p, "true", 4) == 0) return c->p += 4, 1;
        return 0;
    case 'f':
        if (c->e - c->p >= 5 && memcmp(c->p, "false", 5) == 0) return c->p += 5, 1;
        return 0;
    case 'n':
        if (c->e - c->p >= 4 && memcmp(c->p, "null", 4) == 0) return c->p += 4, 1;
        return 0;
    default:
        return j_number(c);
    }
}

/* The metadata members fast_line fills, in fill_meta's order after text. */
static const char *const FAST_KEYS[] = {"text", "id", "published", "source",
                                        "url", "title"};
enum { NFAST = 6 };

/* Reads an article line without jansson; 1 when done (the article's fields
 * are set), 0 when the line is left to jansson (nothing set). */
static int fast_line(marsad_reader *r, const char *line, size_t len) {
    jcur c = {line, line + len, 0};
    char *val[NFAST] = {0};
    size_t vlen[NFAST] = {0};
    int seen[NFAST] = {0};
    j_skip_ws(&c);
    if (c.p >= c.e || *c.p != '{') return 0;
    c.p++;
    j_skip_ws(&c);
    int ok = 1;
    if (c.p < c.e && *c.p == '}') {
        ok = 0; /* no text: jansson's path says so */
    }
    while (ok) {
        if (c.p >= c.e || *c.p != '"') { ok = 0; break; }
        /* the key: short plain keys are compared, others only checked */
        const char *ks = c.p + 1;
        int nul;
        if (!j_string(&c, NULL, NULL, &nul) || (nul & 1)) { ok = 0; break; }
        size_t kl = (size_t)(c.p - 1 - ks);
        int which = -1;
        if (!memchr(ks, '\\', kl))
            for (int k = 0; k < NFAST; k++)
                if (strlen(FAST_KEYS[k]) == kl && memcmp(ks, FAST_KEYS[k], kl) == 0)
                    which = k;
        j_skip_ws(&c);
        if (c.p >= c.e || *c.p != ':') { ok = 0; break; }
        c.p++;
        j_skip_ws(&c);
        if (which >= 0) {
            /* the last one wins, as in a jansson object */
            free(val[which]);
            val[which] = NULL;
            seen[which] = 1;
            if (c.p < c.e && *c.p == '"') {
                const char *vs = c.p;
                jcur probe = c;
                if (!j_string(&probe, NULL, NULL, &nul)) { ok = 0; break; }
                size_t raw = (size_t)(probe.p - vs) - 2; /* without quotes */
                val[which] = malloc(raw + 1);
                if (!val[which]) { ok = 0; break; }
                if (!(nul & 2)) { /* no escape: the bytes as they are */
                    memcpy(val[which], vs + 1, raw);
                    vlen[which] = raw;
                    c = probe;
                } else if (!j_string(&c, val[which], &vlen[which], &nul)) {
                    ok = 0;
                    break;
                }
                val[which][vlen[which]] = '\0';
            } else if (which > 0 && c.e - c.p >= 4 && memcmp(c.p, "null", 4) == 0) {
                c.p += 4; /* metadata null: absent */
            } else {
                ok = 0; /* a number or object where a string belongs */
                break;
            }
        } else if (!j_value(&c)) {
            ok = 0;
            break;
        }
        j_skip_ws(&c);
        if (c.p < c.e && *c.p == ',') {
            c.p++;
            j_skip_ws(&c);
            continue;
        }
        if (c.p < c.e && *c.p == '}') {
            c.p++;
            break;
        }
        ok = 0;
    }
    if (ok) {
        j_skip_ws(&c);
        ok = c.p == c.e && seen[0] && val[0];
    }
    if (!ok) {
        for (int k = 0; k < NFAST; k++) free(val[k]);
        return 0;
    }
    r->text = val[0];
    r->art.text_len = vlen[0];
    r->id = val[1];
    r->published = val[2];
    r->source = val[3];
    r->url = val[4];
    r->title = val[5];
    return 1;
}

static const marsad_article *next_jsonl(marsad_reader *r) {
    ssize_t n;
    while ((n = getline(&r->line, &r->linecap, r->f)) >= 0) {
        r->lineno++;
        size_t len = (size_t)n;
        while (len && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            len--;
        size_t i = 0;
        while (i < len && (r->line[i] == ' ' || r->line[i] == '\t')) i++;
        if (i == len) continue;
        if (fast_line(r, r->line, len)) {
            if (!r->id) {
                char b[64];
                snprintf(b, sizeof b, "line%zu", r->lineno);
                r->id = strdup(b);
            }
            r->art.text = r->text;
            r->art.id = r->id;
            r->art.published = r->published;
            r->art.source = r->source;
            r->art.url = r->url;
            r->art.title = r->title;
            return &r->art;
        }
        json_error_t je;
        json_t *o = json_loadb(r->line, len, JSON_ALLOW_NUL, &je);
        if (!o) {
            report(r, r->fname, r->lineno, "broken JSON (%s, column %d); line skipped",
                   je.text, je.column);
            continue;
        }
        json_t *t = json_object_get(o, "text");
        if (!json_is_object(o) || !json_is_string(t)) {
            report(r, r->fname, r->lineno,
                   "not an article object with a string \"text\"; line skipped");
            json_decref(o);
            continue;
        }
        size_t tl = json_string_length(t);
        r->text = malloc(tl + 1);
        if (!r->text) {
            json_decref(o);
            return NULL;
        }
        memcpy(r->text, json_string_value(t), tl);
        r->text[tl] = '\0';
        fill_meta(r, o, r->fname, r->lineno);
        json_decref(o);
        if (!r->id) {
            char b[64];
            snprintf(b, sizeof b, "line%zu", r->lineno);
            r->id = strdup(b);
        }
        r->art.text = r->text;
        r->art.text_len = tl;
        r->art.id = r->id;
        r->art.published = r->published;
        r->art.source = r->source;
        r->art.url = r->url;
        r->art.title = r->title;
        return &r->art;
    }
    if (ferror(r->f)) report(r, r->fname, r->lineno + 1, "read error");
    return NULL;
}

const marsad_article *marsad_reader_next(marsad_reader *r) {
    clear_article(r);
    return r->mode == MODE_FILES ? next_file(r) : next_jsonl(r);
}

size_t marsad_reader_errors(const marsad_reader *r) { return r->errors; }

void marsad_reader_free(marsad_reader *r) {
    if (!r) return;
    clear_article(r);
    for (size_t i = 0; i < r->npaths; i++) free(r->paths[i]);
    free(r->paths);
    if (r->f && r->f != stdin) fclose(r->f);
    free(r->fname);
    free(r->line);
    free(r);
}
