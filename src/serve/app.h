/*
 * app.h — what the HTTP server answers, independent of sockets: the JSON API
 * over a store (docs/api.md), the boundaries GeoJSON under
 * /data/boundaries/, and the dashboard's static files (embedded at build
 * time, or read from a directory during development).
 *
 * serve_app_handle takes the request as received (method, raw target, size)
 * and fills a serve_response; src/serve/server.c feeds it from
 * libmicrohttpd, the unit tests call it directly. An app is immutable once
 * made: any number of threads may call serve_app_handle at once, each with
 * its own store handle.
 */
#ifndef MARSAD_SERVE_APP_H
#define MARSAD_SERVE_APP_H

#include "store/store.h"

#include <jansson.h>
#include <stddef.h>

/* Requests larger than this (target + headers + body) get 400. */
#define SERVE_MAX_REQUEST (64 * 1024)

typedef struct serve_app serve_app;

/* Loads what the API shows beside the store: district and country names
 * (datadir/ly-districts.tsv, datadir/countries.tsv) and every
 * .geojson file of datadir/sources/boundaries. web_dir NULL serves the embedded
 * dashboard; otherwise files are read from web_dir at each request.
 * Returns NULL with "FILE:LINE: reason" or "PATH: reason" in err. Caller
 * frees with serve_app_free. */
serve_app *serve_app_new(const char *datadir, const char *web_dir, char *err,
                         size_t errlen);
void serve_app_free(serve_app *a);

typedef struct {
    int status;               /* HTTP status */
    const char *content_type;
    const char *body;         /* len bytes; static or == owned */
    size_t len;
    char *owned;              /* malloc'd body, freed by serve_response_clear */
    int is_static;            /* a static file: may be cached (revalidated) */
    int is_html;              /* gets the Content-Security-Policy header */
    const char *allow;        /* the Allow header of a 405, else NULL */
} serve_response;

/* Answers one request. method "GET" or "HEAD" (others get 405); target the
 * request target as received (percent-encoded); request_bytes the size of
 * the whole request (over SERVE_MAX_REQUEST: 400). st is this thread's store
 * handle, NULL when it could not be opened (the API answers 503). Always
 * fills r (500 when memory runs out); release with serve_response_clear. */
void serve_app_handle(const serve_app *a, store *st, const char *method,
                      const char *target, size_t request_bytes,
                      serve_response *r);
void serve_response_clear(serve_response *r);

/* A JSON text (compact, UTF-8) in which '<', '>' and '&' are written as
 * \u003c, \u003e and \u0026, so that no byte of it reads as markup. New
 * malloc'd string (caller frees), NULL when memory runs out. */
char *serve_json_dump(const json_t *j, size_t *len);

#endif
