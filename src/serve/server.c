/*
 * server.c — libmicrohttpd glue for `marsad serve` (serve.h): listening
 * address, worker pool with one read-only store handle per worker, the
 * request's raw target and size handed to serve_app_handle, the cache of
 * the API's answers (cache.h), response headers, clean stop.
 *
 * The raw target comes from MHD's URI log callback, which sees it before
 * MHD unescapes anything: the app decodes it strictly itself (http.h), so
 * that malformed percent-encoding is a 400 and not a silent guess.
 */
#include "serve/serve.h"
#include "serve/app.h"
#include "serve/cache.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Per-connection memory: room to read a request a little over
 * SERVE_MAX_REQUEST, so that the app, not MHD, answers it with 400. */
#define CONNECTION_MEMORY (SERVE_MAX_REQUEST * 3)

struct serve {
    struct MHD_Daemon *d;
    serve_app *app;
    serve_cache *cache;          /* NULL: no caching */
    char *db;
    char url[96];
    pthread_key_t key;
    int key_made;
    pthread_mutex_t mu;          /* guards stores and mhd_err */
    store **stores;              /* every handle opened by a worker */
    size_t nstores, cap;
    char mhd_err[256];           /* MHD's last message, for start-up errors */
    serve_log_fn log;
    void *log_ctx;
};

/* One request: its raw target and when it arrived. */
typedef struct {
    char *target;
    struct timespec t0;
    int answered;
} request;

static void mhd_logger(void *cls, const char *fmt, va_list ap) {
    serve *s = cls;
    pthread_mutex_lock(&s->mu);
    vsnprintf(s->mhd_err, sizeof s->mhd_err, fmt, ap);
    size_t n = strlen(s->mhd_err);
    while (n && (s->mhd_err[n - 1] == '\n' || s->mhd_err[n - 1] == '.'))
        s->mhd_err[--n] = '\0';
    pthread_mutex_unlock(&s->mu);
}

/* This worker's store handle, opened on first use. NULL when it cannot be
 * opened (the API answers 503 and the next request tries again). */
static store *thread_store(serve *s) {
    store *st = pthread_getspecific(s->key);
    if (st) return st;
    char err[512];
    st = store_open(s->db, STORE_READONLY, err, sizeof err);
    if (!st) return NULL;
    pthread_mutex_lock(&s->mu);
    if (s->nstores == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        store **ns = realloc(s->stores, nc * sizeof *ns);
        if (!ns) {
            pthread_mutex_unlock(&s->mu);
            store_close(st);
            return NULL;
        }
        s->stores = ns;
        s->cap = nc;
    }
    s->stores[s->nstores++] = st;
    pthread_mutex_unlock(&s->mu);
    pthread_setspecific(s->key, st);
    return st;
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c) {
    request *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->target = strdup(uri ? uri : "");
    clock_gettime(CLOCK_MONOTONIC, &q->t0);
    return q;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
    request *q = *con_cls;
    if (q) {
        free(q->target);
        free(q);
        *con_cls = NULL;
    }
}

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value) {
    size_t *n = cls;
    *n += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* Bytes of the request: target, headers, and the body it announces. */
static size_t request_size(struct MHD_Connection *c, const request *q,
                           const char *method) {
    size_t n = strlen(method) + strlen(q->target) + 12;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_size, &n);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        unsigned long long v = strtoull(cl, &end, 10);
        if (end == cl || *end || v > SERVE_MAX_REQUEST) v = SERVE_MAX_REQUEST + 1;
        n += (size_t)v;
    }
    return n;
}

static const char CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

static void log_request(serve *s, const request *q, const char *method,
                        int status, size_t bytes) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - q->t0.tv_sec) * 1e3 +
                (double)(t1.tv_nsec - q->t0.tv_nsec) / 1e6;
    char target[201];
    size_t n = 0;
    for (const char *p = q->target; *p && n < sizeof target - 1; p++)
        target[n++] = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f ? *p : '?';
    target[n] = '\0';
    char line[400];
    snprintf(line, sizeof line, "%s %s%s %d %zu %.1f", method, target,
             q->target[n] ? "..." : "", status, bytes, ms);
    s->log(s->log_ctx, line);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
    serve *s = cls;
    request *q = *con_cls;
    if (!q) return MHD_NO; /* out of memory when the request came in */
    if (q->answered) {
        /* a body after the answer: dropped (MHD closes the connection) */
        *upload_data_size = 0;
        return MHD_YES;
    }
    q->answered = 1;
    size_t size = request_size(c, q, method);
    /* the API's answers may come from the cache while the store is unchanged */
    int cacheable = s->cache && size <= SERVE_MAX_REQUEST &&
                    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
                    strncmp(q->target, "/api/", 5) == 0;
    uint64_t store_version = cacheable ? serve_cache_version(s->cache) : 0;
    serve_response r;
    size_t len = 0;
    char *hit = store_version ? serve_cache_get(s->cache, q->target, store_version, &len) : NULL;
    if (hit) {
        memset(&r, 0, sizeof r);
        r.status = 200;
        r.content_type = "application/json; charset=utf-8";
        r.body = r.owned = hit;
        r.len = len;
    } else {
        serve_app_handle(s->app, thread_store(s), method, q->target, size, &r);
        if (store_version && r.status == 200)
            serve_cache_put(s->cache, q->target, store_version, r.body, r.len);
    }
    struct MHD_Response *resp;
    if (r.owned) {
        resp = MHD_create_response_from_buffer(r.len, r.owned, MHD_RESPMEM_MUST_FREE);
        if (resp) r.owned = NULL; /* MHD frees it now */
    } else {
        resp = MHD_create_response_from_buffer(r.len, (void *)r.body,
                                               MHD_RESPMEM_PERSISTENT);
    }
    if (!resp) {
        serve_response_clear(&r);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r.is_static && r.status == 200 ? "no-cache" : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (r.is_html) MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    if (r.allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r.allow);
    if (store_version) MHD_add_response_header(resp, "X-Marsad-Cache", hit ? "hit" : "miss");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r.status, resp);
    MHD_destroy_response(resp);
    if (s->log) log_request(s, q, method, r.status, r.len);
    serve_response_clear(&r);
    if (*upload_data_size) *upload_data_size = 0;
    return ok;
}

/* Fills sa from "ADDR:PORT", "[V6]:PORT", ":PORT" or "PORT" (numeric
 * addresses only: no name lookup; "localhost" is 127.0.0.1). */
static int parse_listen(const char *l, struct sockaddr_storage *sa,
                        socklen_t *salen, int *v6, char *err, size_t errlen) {
    char host[64] = "127.0.0.1";
    const char *port_s;
    if (l[0] == '[') {
        const char *e = strchr(l, ']');
        if (!e || e[1] != ':' || (size_t)(e - l - 1) >= sizeof host) goto bad;
        memcpy(host, l + 1, (size_t)(e - l - 1));
        host[e - l - 1] = '\0';
        port_s = e + 2;
    } else {
        const char *colon = strrchr(l, ':');
        if (colon) {
            if ((size_t)(colon - l) >= sizeof host) goto bad;
            if (colon > l) {
                memcpy(host, l, (size_t)(colon - l));
                host[colon - l] = '\0';
            }
            port_s = colon + 1;
        } else {
            port_s = l;
        }
    }
    if (strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
    char *end;
    long port = strtol(port_s, &end, 10);
    if (!*port_s || *end || port < 0 || port > 65535) goto bad;
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *salen = sizeof *a4;
        *v6 = 0;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *salen = sizeof *a6;
        *v6 = 1;
        return 0;
    }
bad:
    snprintf(err, errlen,
             "--listen '%s': expected ADDR:PORT with a numeric address "
             "(127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)", l);
    return -1;
}

serve *serve_start(const serve_opts *o, char *err, size_t errlen) {
    struct sockaddr_storage sa;
    socklen_t salen;
    int v6;
    if (parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, &salen, &v6,
                     err, errlen))
        return NULL;
    /* the store must open now, not at the first request */
    store *probe = store_open(o->db, STORE_READONLY, err, errlen);
    if (!probe) return NULL;
    store_close(probe);
    serve *s = calloc(1, sizeof *s);
    if (!s || !(s->db = strdup(o->db))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    s->log = o->log;
    s->log_ctx = o->log_ctx;
    if (pthread_key_create(&s->key, NULL) != 0) {
        snprintf(err, errlen, "cannot create a thread key");
        serve_stop(s);
        return NULL;
    }
    s->key_made = 1;
    if (!(s->app = serve_app_new(o->datadir, o->web_dir, err, errlen))) {
        serve_stop(s);
        return NULL;
    }
    long mb = o->cache_mb < 0 ? 64 : o->cache_mb;
    s->cache = serve_cache_new(o->db, (size_t)mb << 20);
    unsigned threads = o->threads;
    if (!threads) {
        long np = sysconf(_SC_NPROCESSORS_ONLN);
        threads = np > 0 ? (unsigned)np * 2 : 4;
        if (threads < 4) threads = 4;
        if (threads > 16) threads = 16;
    }
    unsigned maxc = o->max_connections ? o->max_connections : 1024;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, answer, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, maxc,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s,
        MHD_OPTION_NOTIFY_COMPLETED, completed, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s,
        MHD_OPTION_END);
    if (!s->d) {
        /* MHD says "Failed to bind to port 0: Address already in use" (the
         * port is in the address it was given): keep the reason */
        const char *why = strrchr(s->mhd_err, ':');
        snprintf(err, errlen, "cannot listen on %s: %s", o->listen ? o->listen : "127.0.0.1:8080",
                 why && why[1] ? why + 2 : s->mhd_err[0] ? s->mhd_err
                                                       : "address in use or not available");
        serve_stop(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    char host[64] = "";
    if (v6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof host);
    else inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof host);
    snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%u/" : "http://%s:%u/", host, port);
    return s;
}

const char *serve_url(const serve *s) { return s->url; }

void serve_stop(serve *s) {
    if (!s) return;
    if (s->d) MHD_stop_daemon(s->d); /* joins the workers */
    for (size_t i = 0; i < s->nstores; i++) store_close(s->stores[i]);
    serve_cache_free(s->cache);
    free(s->stores);
    serve_app_free(s->app);
    if (s->key_made) pthread_key_delete(s->key);
    pthread_mutex_destroy(&s->mu);
    free(s->db);
    free(s);
}
