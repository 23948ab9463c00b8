/*
 * cache.h — recent answers of the API kept in memory for as long as the
 * store's files are unchanged, so that the dashboards of many analysts
 * asking the same questions cost one query each.
 *
 * A SQLite file's version is read from the file and its write-ahead log
 * (inode, size, modification time, one stat() each per request). A commit
 * by an ingest running beside the server appends to the log, so every later
 * request misses and is answered afresh. A PostgreSQL store's version is
 * its change token (store_change_token: the server's snapshot, one small
 * query per request on a connection of the cache's own), which any write
 * transaction starting or ending changes. The version is read before the
 * query, so an answer is never older than the version it is kept under.
 *
 * Thread-safe (one mutex; a hit copies the body out under it). Bounded by a
 * byte budget and a number of entries; the least recently used goes first.
 */
#ifndef MARSAD_SERVE_CACHE_H
#define MARSAD_SERVE_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct serve_cache serve_cache;

/* A cache for answers over the store db (a path or "sqlite:PATH"), holding
 * at most max_bytes of bodies. NULL when there is nothing to cache:
 * max_bytes 0, a store that is neither a file nor a PostgreSQL database
 * that answers, or no memory. serve_cache_free accepts NULL. */
serve_cache *serve_cache_new(const char *db, size_t max_bytes);
void serve_cache_free(serve_cache *c);

/* The store's current version; 0 when it cannot be read (then nothing is
 * cached or found). */
uint64_t serve_cache_version(const serve_cache *c);

/* A malloc'd copy of the body kept for target at version v (caller frees),
 * its length in *len; NULL on a miss. */
char *serve_cache_get(serve_cache *c, const char *target, uint64_t v, size_t *len);

/* Keeps a copy of body for target at version v (nothing when v is 0, the
 * body is over a quarter of the budget, or memory runs out). */
void serve_cache_put(serve_cache *c, const char *target, uint64_t v,
                     const char *body, size_t len);

/* Hits and misses so far (for tests and logs). */
void serve_cache_counts(serve_cache *c, uint64_t *hits, uint64_t *misses);

#endif
