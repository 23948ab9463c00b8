/*
 * serve.h — the HTTP server of `marsad serve`: libmicrohttpd with an
 * internal pool of worker threads (epoll), each with its own read-only
 * store handle, answering through serve_app_handle (app.h).
 *
 * Answers of the API are kept while the store's files are unchanged
 * (cache.h). The server never prints: start-up errors go to the caller's buffer, and
 * each answered request may be reported through a callback. Signals are the
 * caller's business: block SIGTERM/SIGINT before serve_start (the worker
 * threads inherit the mask), wait for one, then call serve_stop, which
 * stops accepting, finishes the workers and closes every store handle.
 */
#ifndef MARSAD_SERVE_H
#define MARSAD_SERVE_H

#include <stddef.h>

typedef struct serve serve;

/* One line per answered request: "METHOD TARGET STATUS BYTES MILLISECONDS". */
typedef void (*serve_log_fn)(void *ctx, const char *line);

typedef struct {
    const char *db;         /* the store (path or URL), opened read-only */
    const char *listen;     /* "ADDR:PORT", "[v6]:PORT" or ":PORT"; NULL:
                               127.0.0.1:8080; port 0 picks a free one */
    const char *web_dir;    /* NULL: the embedded dashboard */
    const char *datadir;    /* boundaries and names; NULL: the default */
    unsigned threads;       /* worker threads; 0: twice the processors, 4 to 16 */
    unsigned max_connections; /* 0: 1024 */
    long cache_mb;          /* memory for recent API answers (cache.h):
                               0 none, negative: the default, 64 */
    serve_log_fn log;       /* may be NULL */
    void *log_ctx;
} serve_opts;

/* Checks that the store opens, loads the app and starts listening. Returns
 * NULL with the reason in err (the store, a data file, the address, a port
 * in use). */
serve *serve_start(const serve_opts *o, char *err, size_t errlen);

/* "http://127.0.0.1:8080/" with the port actually bound. Owned by s. */
const char *serve_url(const serve *s);

/* Stops the server and frees it (NULL accepted). */
void serve_stop(serve *s);

#endif
