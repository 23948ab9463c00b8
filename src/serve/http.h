/*
 * http.h — the parts of HTTP that the server checks itself rather than
 * leaving them to libmicrohttpd: strict decoding of a request target (the
 * path and query as received) into a path and query parameters, and the
 * normalization of a static file path that can never leave its root.
 *
 * Decoding is strict: "%" must be followed by two hex digits, a decoded NUL
 * is refused, and every decoded path, name and value must be valid UTF-8.
 * These functions allocate nothing but what http_target_free releases.
 */
#ifndef MARSAD_HTTP_H
#define MARSAD_HTTP_H

#include <stddef.h>

#define HTTP_MAX_PARAMS 32

typedef struct {
    const char *name, *value; /* decoded, NUL-terminated, owned by target */
} http_param;

typedef struct {
    const char *path;                 /* decoded, starts with '/' */
    http_param params[HTTP_MAX_PARAMS];
    size_t nparams;
    char *buf;                        /* holds every string above */
} http_target;

/* Why a target was refused. */
typedef enum {
    HTTP_TARGET_OK = 0,
    HTTP_TARGET_BAD_PATH,   /* not "/...", bad escape, NUL or invalid UTF-8 */
    HTTP_TARGET_BAD_PARAM,  /* a parameter's name or value: which in *param */
    HTTP_TARGET_TOO_MANY,   /* more than HTTP_MAX_PARAMS parameters */
    HTTP_TARGET_NOMEM
} http_target_status;

/* Parses raw, the request target as received ("/api/events?q=%D8%A8"; the
 * absolute form "http://host/path?..." is accepted too). In the query, '+'
 * is a space and empty pieces ("a=1&&b=2") are skipped; a piece without
 * '=' has the value "". On failure writes a message into err and, for
 * HTTP_TARGET_BAD_PARAM, the parameter's name (as far as it decodes) into
 * param. t needs http_target_free whatever the result. */
http_target_status http_target_parse(const char *raw, http_target *t,
                                     char *err, size_t errlen, char *param,
                                     size_t paramlen);
void http_target_free(http_target *t);

/* The value of the first parameter called name, or NULL. */
const char *http_param_get(const http_target *t, const char *name);

/* Decodes n bytes of s (percent-encoding; '+' as a space when plus_space)
 * into out, which needs n + 1 bytes; NUL-terminates it. Returns the decoded
 * length, or -1 for a malformed escape, a decoded NUL or invalid UTF-8. */
long http_unescape(const char *s, size_t n, int plus_space, char *out);

/* Turns a decoded request path into a path relative to a static root:
 * "/" gives "index.html", "/css/a.css" gives "css/a.css". Refuses (returns
 * -1) any ".", ".." or empty segment, a backslash, a control character, a
 * segment starting with '.', or a result longer than cap - 1. Returns the
 * length written into out. */
long http_static_path(const char *path, char *out, size_t cap);

/* The MIME type for a file name, by extension ("application/octet-stream"
 * when unknown). Text types carry "; charset=utf-8". */
const char *http_mime_type(const char *name);

#endif
