/*
 * http.c — strict decoding of request targets and normalization of static
 * paths for the HTTP server (http.h). Linear in the target's length.
 */
#include "serve/http.h"
#include "marsad.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long http_unescape(const char *s, size_t n, int plus_space, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n) return -1; /* "%" or "%A" at the end */
            int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0) return -1;
            c = (unsigned char)(h * 16 + l);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == '\0') return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    if (marsad_utf8_invalid_count(out, o) != 0) return -1;
    return (long)o;
}

/* True when raw holds a byte that may not appear in a request target:
 * controls, space and DEL (a client must escape them). */
static int has_bad_raw_byte(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f) return 1;
    }
    return 0;
}

static void copy_name(char *dst, size_t cap, const char *s, size_t n) {
    if (!cap) return;
    size_t k = n < cap - 1 ? n : cap - 1;
    /* only printable ASCII, so that the name is safe to echo anywhere */
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[i] = c > 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[k] = '\0';
}

http_target_status http_target_parse(const char *raw, http_target *t,
                                     char *err, size_t errlen, char *param,
                                     size_t paramlen) {
    memset(t, 0, sizeof *t);
    if (param && paramlen) param[0] = '\0';
    if (err && errlen) err[0] = '\0';
    if (!raw) raw = "";
    /* absolute form: drop the scheme and the authority */
    if (strncmp(raw, "http://", 7) == 0 || strncmp(raw, "https://", 8) == 0) {
        const char *p = strchr(raw + (raw[4] == 's' ? 8 : 7), '/');
        raw = p ? p : "/";
    }
    size_t n = strlen(raw);
    if (n == 0 || raw[0] != '/') {
        snprintf(err, errlen, "the request target must start with '/'");
        return HTTP_TARGET_BAD_PATH;
    }
    const char *q = memchr(raw, '?', n);
    size_t plen = q ? (size_t)(q - raw) : n;
    const char *frag = memchr(raw, '#', n);
    if (frag && (!q || frag < q)) plen = (size_t)(frag - raw);
    if (has_bad_raw_byte(raw, n)) {
        snprintf(err, errlen, "the request target holds a control character or space");
        return HTTP_TARGET_BAD_PATH;
    }
    /* decoding never grows a piece, but each parameter adds the NULs after
     * its name and its value, and a piece without '=' has no byte for the
     * second: n + 2 per parameter + the path's NUL */
    t->buf = malloc(n + 2 * HTTP_MAX_PARAMS + 4);
    if (!t->buf) {
        snprintf(err, errlen, "out of memory");
        return HTTP_TARGET_NOMEM;
    }
    char *w = t->buf;
    long dl = http_unescape(raw, plen, 0, w);
    if (dl < 0) {
        snprintf(err, errlen, "malformed percent-encoding in the path");
        return HTTP_TARGET_BAD_PATH;
    }
    t->path = w;
    w += dl + 1;
    if (!q) return HTTP_TARGET_OK;
    const char *qs = q + 1, *qend = raw + n;
    if (frag && frag > q) qend = frag;
    while (qs < qend) {
        const char *amp = memchr(qs, '&', (size_t)(qend - qs));
        const char *pend = amp ? amp : qend;
        if (pend > qs) {
            const char *eq = memchr(qs, '=', (size_t)(pend - qs));
            const char *nend = eq ? eq : pend;
            if (t->nparams == HTTP_MAX_PARAMS) {
                snprintf(err, errlen, "more than %d query parameters",
                         HTTP_MAX_PARAMS);
                return HTTP_TARGET_TOO_MANY;
            }
            http_param *p = &t->params[t->nparams];
            long nl = http_unescape(qs, (size_t)(nend - qs), 1, w);
            if (nl < 0) {
                copy_name(param, paramlen, qs, (size_t)(nend - qs));
                snprintf(err, errlen, "malformed percent-encoding in a parameter name");
                return HTTP_TARGET_BAD_PARAM;
            }
            p->name = w;
            w += nl + 1;
            const char *vs = eq ? eq + 1 : pend;
            long vl = http_unescape(vs, (size_t)(pend - vs), 1, w);
            if (vl < 0) {
                copy_name(param, paramlen, p->name, (size_t)nl);
                snprintf(err, errlen,
                         "%s: malformed percent-encoding (%% must be followed by "
                         "two hex digits and decode to UTF-8 without NUL)",
                         param && paramlen ? param : "parameter");
                return HTTP_TARGET_BAD_PARAM;
            }
            p->value = w;
            w += vl + 1;
            t->nparams++;
        }
        qs = amp ? amp + 1 : qend;
    }
    return HTTP_TARGET_OK;
}

void http_target_free(http_target *t) {
    if (!t) return;
    free(t->buf);
    t->buf = NULL;
    t->path = NULL;
    t->nparams = 0;
}

const char *http_param_get(const http_target *t, const char *name) {
    for (size_t i = 0; i < t->nparams; i++)
        if (strcmp(t->params[i].name, name) == 0) return t->params[i].value;
    return NULL;
}

long http_static_path(const char *path, char *out, size_t cap) {
    if (!path || path[0] != '/' || cap < 2) return -1;
    if (path[1] == '\0') {
        if (cap < sizeof "index.html") return -1;
        memcpy(out, "index.html", sizeof "index.html");
        return (long)strlen(out);
    }
    size_t o = 0;
    const char *s = path + 1;
    for (;;) {
        const char *e = s;
        while (*e && *e != '/') e++;
        size_t n = (size_t)(e - s);
        /* empty, ".", ".." and hidden segments never name a static file */
        if (n == 0 || s[0] == '.') return -1;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return -1;
        }
        if (o + n + 1 >= cap) return -1;
        if (o) out[o++] = '/';
        memcpy(out + o, s, n);
        o += n;
        if (!*e) break;
        s = e + 1;
    }
    out[o] = '\0';
    return (long)o;
}

const char *http_mime_type(const char *name) {
    static const struct {
        const char *ext, *type;
    } T[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".geojson", "application/geo+json; charset=utf-8"},
        {".svg", "image/svg+xml; charset=utf-8"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/plain; charset=utf-8"},
    };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        size_t l = strlen(T[i].ext);
        if (n > l && strcmp(name + n - l, T[i].ext) == 0) return T[i].type;
    }
    return "application/octet-stream";
}
