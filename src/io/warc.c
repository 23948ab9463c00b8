/*
 * warc.c — WARC records and the HTTP responses inside them (see warc.h).
 *
 * The reader keeps at most one record (header and block) in the instream
 * window; a record over WARC_MAX_RECORD is read through and dropped. On any
 * damage it scans for the next line that starts with "WARC/1." (and, in
 * gzip'd files, for the next gzip member that decodes), so one bad record
 * costs that record only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "io/warc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define MAGIC "WARC/1."
#define MAGIC_LEN 7

struct warc_reader {
    instream *in;
    warc_problem_fn problem;
    void *ctx;
    uint64_t count;   /* records met */
    size_t pending;   /* bytes of the last returned record still to drop */
    int lost;         /* looking for a record start; already reported */
};

warc_reader *warc_open(instream *in, warc_problem_fn problem, void *ctx) {
    warc_reader *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->in = in;
    w->problem = problem;
    w->ctx = ctx;
    return w;
}

void warc_close(warc_reader *w) { free(w); }

static void report(warc_reader *w, uint64_t rec, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(warc_reader *w, uint64_t rec, uint64_t off, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->problem) w->problem(w->ctx, rec, off, msg);
}

/* Reports a decompression problem of the stream, if any. */
static void stream_problem(warc_reader *w) {
    const char *e = instream_take_error(w->in);
    if (e) report(w, w->count, instream_offset(w->in), "%s", e);
}

/* Drops the window and goes on after corrupt gzip data. Returns 1 when more
 * data may come. */
static int get_past_break(warc_reader *w) {
    stream_problem(w);
    if (instream_state(w->in) != INSTREAM_BREAK) return 0;
    instream_consume(w->in, instream_avail(w->in));
    w->lost = 0;
    return instream_resume(w->in);
}

/* Drops bytes up to the next line that starts with "WARC/1." (the current
 * position is not a candidate). Returns 1 positioned there or after a gzip
 * resynchronisation, 0 at the end. */
static int resync(warc_reader *w) {
    instream_consume(w->in, 1);
    for (;;) {
        size_t n = instream_fill(w->in, (size_t)1 << 16);
        const char *d = instream_data(w->in);
        if (n > MAGIC_LEN) {
            const char *p = memmem(d, n, "\n" MAGIC, MAGIC_LEN + 1);
            if (p) {
                instream_consume(w->in, (size_t)(p - d) + 1);
                return 1;
            }
            instream_consume(w->in, n - MAGIC_LEN);
            continue;
        }
        if (instream_state(w->in) == INSTREAM_OK) continue;
        /* fewer than 8 bytes left and no more coming */
        instream_consume(w->in, n);
        if (instream_state(w->in) == INSTREAM_BREAK) return get_past_break(w);
        stream_problem(w);
        return 0;
    }
}

static void copy_value(char *dst, size_t cap, const char *v, size_t n) {
    while (n && (*v == ' ' || *v == '\t')) v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r')) n--;
    if (n >= 2 && v[0] == '<' && v[n - 1] == '>') v++, n -= 2;
    if (n >= cap) n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static int parse_length(const char *v, size_t n, uint64_t *out) {
    while (n && (*v == ' ' || *v == '\t')) v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r')) n--;
    if (n == 0 || n > 18) return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') return -1;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

/* Length of the header block at d (through its blank line), or 0 when no
 * blank line is in the n bytes. */
static size_t header_end(const char *d, size_t n) {
    const char *a = memmem(d, n, "\r\n\r\n", 4);
    const char *b = memmem(d, n, "\n\n", 2);
    if (a && (!b || a <= b)) return (size_t)(a - d) + 4;
    if (b) return (size_t)(b - d) + 2;
    return 0;
}

/* 1 when d (n bytes) is a possible record boundary: CR/LF then "WARC/1."
 * or the end of the data. */
static int boundary_after(const char *d, size_t n, int more) {
    size_t i = 0;
    while (i < n && i < 4 && (d[i] == '\r' || d[i] == '\n')) i++;
    if (i == n) return !more;
    return n - i >= MAGIC_LEN ? memcmp(d + i, MAGIC, MAGIC_LEN) == 0
                              : memcmp(d + i, MAGIC, n - i) == 0 && !more;
}

int warc_next(warc_reader *w, warc_record *rec) {
    instream *in = w->in;
    if (w->pending) {
        instream_consume(in, w->pending);
        w->pending = 0;
    }
    for (;;) {
        /* white space between records */
        size_t n = instream_fill(in, 1);
        while (n > 0) {
            const char *d = instream_data(in);
            size_t k = 0;
            while (k < n && (d[k] == '\r' || d[k] == '\n' || d[k] == ' ' || d[k] == '\t'))
                k++;
            instream_consume(in, k);
            if (k < n) break;
            n = instream_fill(in, 1);
        }
        n = instream_fill(in, MAGIC_LEN);
        if (n == 0) {
            if (get_past_break(w)) continue;
            return 0;
        }
        const char *d = instream_data(in);
        uint64_t off = instream_offset(in);
        if (n < MAGIC_LEN || memcmp(d, MAGIC, MAGIC_LEN) != 0) {
            if (!w->lost)
                report(w, w->count, off,
                       "no WARC/1.x record header here; looking for the next record");
            w->lost = 1;
            if (!resync(w)) return 0;
            continue;
        }
        w->lost = 0;
        uint64_t number = ++w->count;
        /* the header block */
        size_t want = 4096, hlen = 0;
        for (;;) {
            n = instream_fill(in, want);
            d = instream_data(in);
            hlen = header_end(d, n);
            if (hlen || n < want || want >= WARC_MAX_HEADER) break;
            want *= 4;
        }
        if (!hlen) {
            if (n >= WARC_MAX_HEADER)
                report(w, number, off, "record header longer than %zu bytes; record "
                       "skipped", WARC_MAX_HEADER);
            else
                report(w, number, off, "the data ends inside the record header");
            w->lost = 1;
            if (!resync(w)) return 0;
            continue;
        }
        memset(rec, 0, sizeof *rec);
        rec->number = number;
        rec->offset = off;
        int have_len = 0, bad_len = 0;
        for (size_t i = 0; i < hlen;) {
            const char *nl = memchr(d + i, '\n', hlen - i);
            size_t e = nl ? (size_t)(nl - d) : hlen;
            const char *line = d + i;
            size_t ll = e - i;
            i = e + 1;
            if (ll == 0 || line[0] == ' ' || line[0] == '\t') continue;
            const char *colon = memchr(line, ':', ll);
            if (!colon) continue;
            size_t kn = (size_t)(colon - line);
            const char *v = colon + 1;
            size_t vn = ll - kn - 1;
#define IS(name) (kn == sizeof(name) - 1 && strncasecmp(line, name, kn) == 0)
            if (IS("WARC-Type")) copy_value(rec->type, sizeof rec->type, v, vn);
            else if (IS("WARC-Target-URI")) copy_value(rec->target_uri, sizeof rec->target_uri, v, vn);
            else if (IS("WARC-Record-ID")) copy_value(rec->record_id, sizeof rec->record_id, v, vn);
            else if (IS("WARC-Date")) copy_value(rec->date, sizeof rec->date, v, vn);
            else if (IS("Content-Type")) copy_value(rec->content_type, sizeof rec->content_type, v, vn);
            else if (IS("Content-Length")) {
                have_len = 1;
                bad_len = parse_length(v, vn, &rec->declared_len) != 0;
            }
#undef IS
        }
        if (!have_len || bad_len) {
            report(w, number, off, "%s Content-Length; record skipped",
                   have_len ? "unreadable" : "no");
            w->lost = 1;
            if (!resync(w)) return 0;
            continue;
        }
        instream_consume(in, hlen);
        uint64_t body_off = off + hlen;
        if (rec->declared_len > WARC_MAX_RECORD) {
            report(w, number, off, "record of %llu bytes is larger than %llu MB; skipped",
                   (unsigned long long)rec->declared_len,
                   (unsigned long long)(WARC_MAX_RECORD >> 20));
            uint64_t got = instream_skip(in, rec->declared_len);
            if (got < rec->declared_len) {
                report(w, number, off, "truncated: the data ends %llu bytes into a "
                       "block of %llu bytes", (unsigned long long)got,
                       (unsigned long long)rec->declared_len);
                stream_problem(w);
            }
            continue;
        }
        size_t len = (size_t)rec->declared_len;
        n = instream_fill(in, len + 4 + MAGIC_LEN);
        d = instream_data(in);
        if (n < len) {
            rec->truncated = 1;
            report(w, number, off, "truncated: Content-Length is %zu but the data ends "
                   "after %zu bytes of the block (what there is is read)", len, n);
            stream_problem(w);
            rec->content = d;
            rec->content_len = n;
            w->pending = n;
            return 1;
        }
        if (!boundary_after(d + len, n - len, instream_state(in) == INSTREAM_OK)) {
            report(w, number, off, "Content-Length %zu does not end at a record "
                   "boundary (byte %llu); record skipped",
                   len, (unsigned long long)(body_off + len));
            w->lost = 1;
            /* the next record may start inside what the length claimed */
            if (!resync(w)) return 0;
            continue;
        }
        rec->content = d;
        rec->content_len = len;
        w->pending = len;
        return 1;
    }
}

/* ------------------------------------------------------------------------
 * HTTP
 * ------------------------------------------------------------------------ */

static int has_token(const char *v, const char *tok) {
    size_t n = strlen(tok);
    for (const char *p = v; *p; p++)
        if (strncasecmp(p, tok, n) == 0) return 1;
    return 0;
}

/* Undoes chunked transfer coding. Returns the malloc'd body, or NULL when
 * the data is not chunked (or memory runs out: *oom). A last chunk cut short
 * keeps what there is. */
static char *dechunk(const char *s, size_t n, size_t *out_len, int *oom) {
    *oom = 0;
    char *out = malloc(n + 1);
    if (!out) {
        *oom = 1;
        return NULL;
    }
    size_t o = 0, i = 0;
    int chunks = 0;
    while (i < n) {
        /* hex size, optional extensions, CRLF */
        size_t j = i;
        uint64_t size = 0;
        int digits = 0;
        while (j < n && isxdigit((unsigned char)s[j]) && digits < 16) {
            int c = (unsigned char)s[j];
            size = size * 16 + (uint64_t)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            j++;
            digits++;
        }
        if (!digits) break;
        const char *nl = memchr(s + j, '\n', n - j);
        if (!nl) break;
        j = (size_t)(nl - s) + 1;
        chunks++;
        if (size == 0) break;
        size_t take = size > n - j ? n - j : (size_t)size;
        memcpy(out + o, s + j, take);
        o += take;
        i = j + take;
        while (i < n && (s[i] == '\r' || s[i] == '\n')) i++;
    }
    if (!chunks) {
        free(out);
        return NULL;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* Inflates gzip, zlib or raw deflate data into a malloc'd buffer of at most
 * WARC_MAX_RECORD bytes. Returns NULL on failure with err set. */
static char *inflate_body(const char *s, size_t n, int gzip, size_t *out_len, char *err,
                          size_t errlen) {
    for (int attempt = 0; attempt < 2; attempt++) {
        z_stream z;
        memset(&z, 0, sizeof z);
        int bits = gzip ? 16 + MAX_WBITS : attempt == 0 ? MAX_WBITS : -MAX_WBITS;
        if (inflateInit2(&z, bits) != Z_OK) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        size_t cap = n * 2 + 4096, o = 0;
        if (cap > WARC_MAX_RECORD) cap = WARC_MAX_RECORD;
        char *out = malloc(cap);
        z.next_in = (Bytef *)s;
        z.avail_in = (uInt)(n > 0xFFFFFFFFu ? 0xFFFFFFFFu : n);
        int rc = Z_OK;
        while (out) {
            if (cap - o < 1024) {
                if (cap >= WARC_MAX_RECORD) break;
                char *no = realloc(out, cap * 2);
                if (!no) {
                    free(out);
                    out = NULL;
                    break;
                }
                out = no;
                cap *= 2;
            }
            z.next_out = (Bytef *)(out + o);
            z.avail_out = (uInt)(cap - o - 1);
            rc = inflate(&z, Z_NO_FLUSH);
            o = cap - 1 - z.avail_out;
            if (rc == Z_STREAM_END) break;
            if (rc == Z_BUF_ERROR && z.avail_in == 0) break; /* cut short: keep */
            if (rc != Z_OK && rc != Z_BUF_ERROR) break;
        }
        const char *msg = z.msg;
        inflateEnd(&z);
        if (!out) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        if (rc == Z_STREAM_END || o > 0 || attempt == 1 || gzip) {
            if (o == 0 && rc != Z_STREAM_END) {
                snprintf(err, errlen, "cannot decode the %s content coding (%s)",
                         gzip ? "gzip" : "deflate", msg ? msg : "bad data");
                free(out);
                return NULL;
            }
            out[o] = '\0';
            *out_len = o;
            return out;
        }
        free(out); /* zlib wrapper failed: try raw deflate */
    }
    snprintf(err, errlen, "cannot decode the deflate content coding");
    return NULL;
}

static int looks_html(const char *b, size_t n) {
    size_t lim = n < 1024 ? n : 1024;
    size_t i = 0;
    if (lim >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < lim && isspace((unsigned char)b[i])) i++;
    if (i >= lim || b[i] != '<') return 0;
    for (size_t k = i; k + 5 <= lim; k++)
        if (strncasecmp(b + k, "<html", 5) == 0 || strncasecmp(b + k, "<!doc", 5) == 0 ||
            strncasecmp(b + k, "<head", 5) == 0 || strncasecmp(b + k, "<body", 5) == 0)
            return 1;
    return 0;
}

int warc_http_page(const char *msg, size_t len, warc_page *page, char *err,
                   size_t errlen) {
    memset(page, 0, sizeof *page);
    if (len < 12 || strncmp(msg, "HTTP/", 5) != 0) return WARC_PAGE_OTHER;
    const char *sp = memchr(msg, ' ', len < 32 ? len : 32);
    if (!sp || sp + 4 > msg + len) return WARC_PAGE_OTHER;
    int status = 0;
    for (int k = 1; k <= 3; k++) {
        if (!isdigit((unsigned char)sp[k])) return WARC_PAGE_OTHER;
        status = status * 10 + (sp[k] - '0');
    }
    page->status = status;
    size_t hl = header_end(msg, len < (1u << 20) ? len : (1u << 20));
    if (!hl) {
        snprintf(err, errlen, "HTTP %d response without the blank line that ends "
                 "its headers", status);
        return WARC_PAGE_BROKEN;
    }
    char ctype[256] = "", tenc[64] = "", cenc[64] = "";
    for (size_t i = 0; i < hl;) {
        const char *nl = memchr(msg + i, '\n', hl - i);
        size_t e = nl ? (size_t)(nl - msg) : hl;
        const char *line = msg + i;
        size_t ll = e - i;
        i = e + 1;
        const char *colon = memchr(line, ':', ll);
        if (!colon) continue;
        size_t kn = (size_t)(colon - line);
#define IS(name) (kn == sizeof(name) - 1 && strncasecmp(line, name, kn) == 0)
        if (IS("Content-Type")) copy_value(ctype, sizeof ctype, colon + 1, ll - kn - 1);
        else if (IS("Transfer-Encoding")) copy_value(tenc, sizeof tenc, colon + 1, ll - kn - 1);
        else if (IS("Content-Encoding")) copy_value(cenc, sizeof cenc, colon + 1, ll - kn - 1);
#undef IS
    }
    if (status < 200 || status > 299) return WARC_PAGE_OTHER;
    const char *body = msg + hl;
    size_t blen = len - hl;
    if (ctype[0] && !has_token(ctype, "text/html") && !has_token(ctype, "xhtml"))
        return WARC_PAGE_OTHER;
    char *cs = strcasestr(ctype, "charset=");
    if (cs) {
        cs += 8;
        size_t k = 0;
        while (cs[k] && cs[k] != ';' && cs[k] != ' ' && k < sizeof page->charset - 1) {
            page->charset[k] = cs[k] == '"' ? ' ' : cs[k];
            k++;
        }
        page->charset[k] = '\0';
    }
    if (has_token(tenc, "chunked")) {
        int oom;
        size_t dl;
        char *dc = dechunk(body, blen, &dl, &oom);
        if (oom) {
            snprintf(err, errlen, "out of memory");
            return WARC_PAGE_BROKEN;
        }
        if (dc) {
            page->owned = dc;
            body = dc;
            blen = dl;
        }
    }
    if (cenc[0] && strcasecmp(cenc, "identity") != 0) {
        int gz = has_token(cenc, "gzip");
        if (!gz && !has_token(cenc, "deflate")) {
            /* some crawlers store the decoded body but keep the header */
            if (!looks_html(body, blen)) {
                snprintf(err, errlen, "content coding '%s' is not supported", cenc);
                free(page->owned);
                page->owned = NULL;
                return WARC_PAGE_BROKEN;
            }
        } else if (!(gz && looks_html(body, blen))) {
            size_t il;
            char *inf = inflate_body(body, blen, gz, &il, err, errlen);
            if (!inf) {
                if (looks_html(body, blen)) goto plain; /* stored decoded */
                free(page->owned);
                page->owned = NULL;
                return WARC_PAGE_BROKEN;
            }
            free(page->owned);
            page->owned = inf;
            body = inf;
            blen = il;
        }
    }
plain:
    if (!ctype[0] && !looks_html(body, blen)) {
        free(page->owned);
        page->owned = NULL;
        return WARC_PAGE_OTHER;
    }
    page->body = body;
    page->body_len = blen;
    return WARC_PAGE_HTML;
}

int warc_record_page(const warc_record *rec, warc_page *page, char *err,
                     size_t errlen) {
    memset(page, 0, sizeof *page);
    if (strcasecmp(rec->type, "response") == 0) {
        if (rec->content_type[0] && !has_token(rec->content_type, "application/http"))
            return WARC_PAGE_OTHER;
        return warc_http_page(rec->content, rec->content_len, page, err, errlen);
    }
    if (strcasecmp(rec->type, "resource") == 0 &&
        (has_token(rec->content_type, "text/html") || has_token(rec->content_type, "xhtml"))) {
        page->status = 200;
        char *cs = strcasestr(rec->content_type, "charset=");
        if (cs) copy_value(page->charset, sizeof page->charset, cs + 8, strcspn(cs + 8, "; "));
        page->body = rec->content;
        page->body_len = rec->content_len;
        return WARC_PAGE_HTML;
    }
    return WARC_PAGE_OTHER;
}
