/*
 * assets.h — the dashboard's files (web/) compiled into the program, so that
 * `marsad serve` needs nothing beside the binary and the data directory.
 * The table is generated at build time by tools/gen_assets.sh into
 * build/gen/web_assets.c; it is static data, shared by every thread.
 */
#ifndef MARSAD_SERVE_ASSETS_H
#define MARSAD_SERVE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path;            /* relative to web/: "index.html", "app.js" */
    const unsigned char *data;   /* its bytes (NUL after the end) */
    size_t len;
} serve_asset;

/* Every embedded file, ending with an entry whose path is NULL. */
extern const serve_asset serve_assets[];

#endif
