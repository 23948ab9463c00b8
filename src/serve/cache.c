/*
 * cache.c — answers of the API kept while the store's files are unchanged
 * (cache.h). A small table scanned linearly: a few hundred entries cost
 * less to scan than the cheapest query they save.
 */
#include "serve/cache.h"
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_ENTRIES 256

typedef struct {
    char *target;   /* NULL: free slot */
    uint64_t hash, version, used;
    char *body;
    size_t len;
} entry;

struct serve_cache {
    char *path, *wal;
    store *st;          /* a database server's store: its change token */
    pthread_mutex_t st_mu;
    size_t max_bytes, bytes;
    uint64_t tick, hits, misses;
    pthread_mutex_t mu;
    entry e[CACHE_ENTRIES];
};

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* A cache over a database server, versioned by the store's change token. */
static serve_cache *server_cache_new(const char *db, size_t max_bytes) {
    char err[512];
    store *st = store_open(db, STORE_READONLY, err, sizeof err);
    uint64_t token;
    if (!st || store_change_token(st, &token) != 0) {
        store_close(st);
        return NULL;
    }
    serve_cache *c = calloc(1, sizeof *c);
    if (!c) {
        store_close(st);
        return NULL;
    }
    c->st = st;
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->st_mu, NULL);
    return c;
}

serve_cache *serve_cache_new(const char *db, size_t max_bytes) {
    if (!db || !max_bytes) return NULL;
    if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0)
        return server_cache_new(db, max_bytes);
    if (strstr(db, "://")) return NULL;
    if (strncmp(db, "sqlite:", 7) == 0) db += 7;
    serve_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    size_t n = strlen(db);
    c->path = malloc(n + 1);
    c->wal = malloc(n + 5);
    if (!c->path || !c->wal) {
        serve_cache_free(c);
        return NULL;
    }
    memcpy(c->path, db, n + 1);
    snprintf(c->wal, n + 5, "%s-wal", db);
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

static void drop(serve_cache *c, entry *x) {
    c->bytes -= x->len;
    free(x->target);
    free(x->body);
    memset(x, 0, sizeof *x);
}

void serve_cache_free(serve_cache *c) {
    if (!c) return;
    for (size_t i = 0; i < CACHE_ENTRIES; i++)
        if (c->e[i].target) drop(c, &c->e[i]);
    if (c->path || c->st) pthread_mutex_destroy(&c->mu);
    if (c->st) {
        pthread_mutex_destroy(&c->st_mu);
        store_close(c->st);
    }
    free(c->path);
    free(c->wal);
    free(c);
}

static uint64_t stat_hash(uint64_t h, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return fnv(h, "-", 1);
    uint64_t f[5] = {(uint64_t)st.st_ino, (uint64_t)st.st_size,
                     (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec,
                     (uint64_t)st.st_dev};
    return fnv(h, f, sizeof f);
}

uint64_t serve_cache_version(const serve_cache *c) {
    if (c && c->st) {
        serve_cache *m = (serve_cache *)c; /* the connection is shared */
        uint64_t token = 0;
        pthread_mutex_lock(&m->st_mu);
        if (store_change_token(m->st, &token) != 0) token = 0;
        pthread_mutex_unlock(&m->st_mu);
        return token;
    }
    struct stat st;
    if (!c || stat(c->path, &st) != 0) return 0;
    uint64_t h = stat_hash(0xcbf29ce484222325ull, c->path);
    h = stat_hash(h, c->wal);
    return h ? h : 1;
}

static entry *find(serve_cache *c, const char *target, uint64_t h) {
    for (size_t i = 0; i < CACHE_ENTRIES; i++)
        if (c->e[i].target && c->e[i].hash == h && strcmp(c->e[i].target, target) == 0)
            return &c->e[i];
    return NULL;
}

char *serve_cache_get(serve_cache *c, const char *target, uint64_t v, size_t *len) {
    if (!c || !v) return NULL;
    uint64_t h = fnv(0xcbf29ce484222325ull, target, strlen(target));
    char *copy = NULL;
    pthread_mutex_lock(&c->mu);
    entry *x = find(c, target, h);
    if (x && x->version != v) {
        drop(c, x); /* the store changed since */
        x = NULL;
    }
    if (x && (copy = malloc(x->len + 1)) != NULL) {
        memcpy(copy, x->body, x->len);
        copy[x->len] = '\0';
        *len = x->len;
        x->used = ++c->tick;
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void serve_cache_put(serve_cache *c, const char *target, uint64_t v,
                     const char *body, size_t len) {
    if (!c || !v || len > c->max_bytes / 4) return;
    uint64_t h = fnv(0xcbf29ce484222325ull, target, strlen(target));
    size_t tl = strlen(target);
    char *t = malloc(tl + 1), *b = malloc(len ? len : 1);
    if (!t || !b) {
        free(t);
        free(b);
        return;
    }
    memcpy(t, target, tl + 1);
    memcpy(b, body, len);
    pthread_mutex_lock(&c->mu);
    entry *x = find(c, target, h);
    if (x) drop(c, x);
    /* room: a free slot and the budget, evicting the least recently used */
    for (;;) {
        entry *lru = NULL, *free_slot = NULL;
        for (size_t i = 0; i < CACHE_ENTRIES; i++) {
            entry *y = &c->e[i];
            if (!y->target) {
                if (!free_slot) free_slot = y;
            } else if (!lru || y->used < lru->used) {
                lru = y;
            }
        }
        if (free_slot && c->bytes + len <= c->max_bytes) {
            x = free_slot;
            break;
        }
        if (!lru) {
            x = NULL;
            break;
        }
        drop(c, lru);
    }
    if (x) {
        x->target = t;
        x->hash = h;
        x->version = v;
        x->body = b;
        x->len = len;
        x->used = ++c->tick;
        c->bytes += len;
        t = b = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    free(t);
    free(b);
}

void serve_cache_counts(serve_cache *c, uint64_t *hits, uint64_t *misses) {
    if (!c) {
        *hits = *misses = 0;
        return;
    }
    pthread_mutex_lock(&c->mu);
    *hits = c->hits;
    *misses = c->misses;
    pthread_mutex_unlock(&c->mu);
}
