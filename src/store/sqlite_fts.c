/*
 * sqlite_fts.c — the "marsad" FTS5 tokenizer: the search terms of terms.h
 * (folded words, and clitic-stripped stems as colocated tokens) for SQLite's
 * full-text index. Registered on every connection the SQLite backend opens;
 * a plain sqlite3 shell can read the tables but not query the index.
 */
#include "store/store_internal.h"
#include "store/terms.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int unused;
} marsad_tokenizer;

static int tok_create(void *ctx, const char **args, int nargs,
                      Fts5Tokenizer **out) {
    (void)ctx;
    (void)args;
    (void)nargs;
    marsad_tokenizer *t = calloc(1, sizeof *t);
    if (!t) return SQLITE_NOMEM;
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t) { free(t); }

typedef struct {
    void *ctx;
    int (*xToken)(void *, int, const char *, int, int, int);
} emit_ctx;

static int emit(void *p, const store_term *t) {
    emit_ctx *e = p;
    return e->xToken(e->ctx, t->colocated ? FTS5_TOKEN_COLOCATED : 0, t->term,
                     (int)t->len, (int)t->start, (int)t->end);
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags,
                        const char *text, int len,
                        int (*xToken)(void *, int, const char *, int, int,
                                      int)) {
    (void)t;
    emit_ctx e = {ctx, xToken};
    int mode = (flags & FTS5_TOKENIZE_QUERY) ? TERMS_QUERY : TERMS_DOCUMENT;
    int rc = terms_each(text ? text : "", len > 0 ? (size_t)len : 0, mode,
                        emit, &e);
    return rc < 0 ? SQLITE_NOMEM : rc;
}

/* The fts5_api of a connection, through the documented pointer-passing
 * function fts5(?1). */
static fts5_api *fts5_of(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

int store_fts_register(sqlite3 *db, char *err, size_t errlen) {
    fts5_api *api = fts5_of(db);
    if (!api) {
        snprintf(err, errlen, "this SQLite has no FTS5 full-text module");
        return -1;
    }
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    if (api->xCreateTokenizer(api, "marsad", NULL, &tok, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot register the marsad tokenizer: %s",
                 sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}
