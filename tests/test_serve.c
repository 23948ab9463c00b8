/* test_serve.c — the HTTP server of `marsad serve`: strict decoding of
 * request targets and static paths (tables), the answers of the app over a
 * store of the bundled articles (a table of requests: status, the parameter
 * a 400 names, what the body holds), JSON escaping of hostile strings, the
 * data files' malformed lines with FILE:LINE, the queries beyond the store's
 * filters against the store's own, concurrent answers from several threads,
 * and the real server started, asked over a socket and stopped. */
#include "marsad.h"
#include "table.h"
#include "test.h"
#include "serve/app.h"
#include "serve/cache.h"
#include "serve/http.h"
#include "serve/queries.h"
#include "serve/serve.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- decoding ----------------------------------------------------------------- */

static void target_row(char **f, int n, int line, void *ctx) {
    (void)ctx;
    if (n < 5) {
        fprintf(stderr, "  serve_targets.tsv:%d: 5 fields expected\n", line);
        test_failures++;
        return;
    }
    http_target t;
    char err[256], param[128];
    http_target_status st = http_target_parse(f[0], &t, err, sizeof err, param, sizeof param);
    const char *names[] = {"ok", "bad_path", "bad_param", "too_many", "nomem"};
    if (strcmp(names[st], f[1]) != 0) {
        fprintf(stderr, "  serve_targets.tsv:%d: '%s' read as %s (%s), expected %s\n",
                line, f[0], names[st], err, f[1]);
        test_failures++;
    } else if (st == HTTP_TARGET_OK) {
        char got[1024] = "";
        for (size_t i = 0; i < t.nparams; i++) {
            size_t l = strlen(got);
            snprintf(got + l, sizeof got - l, "%s%s=%s", i ? " | " : "", t.params[i].name,
                     t.params[i].value);
        }
        if (!t.nparams) strcpy(got, "-");
        if (strcmp(t.path, f[2]) != 0 || strcmp(got, f[3]) != 0) {
            fprintf(stderr, "  serve_targets.tsv:%d: '%s' gave path '%s' params '%s'\n",
                    line, f[0], t.path, got);
            test_failures++;
        }
    } else if (st == HTTP_TARGET_BAD_PARAM && strcmp(param, f[4]) != 0) {
        fprintf(stderr, "  serve_targets.tsv:%d: named '%s', expected '%s'\n", line, param, f[4]);
        test_failures++;
    }
    http_target_free(&t);
}

TEST(serve_targets_table)
{
    CHECK(table_rows("tests/data/serve_targets.tsv", target_row, NULL) >= 20);
}

static void path_row(char **f, int n, int line, void *ctx) {
    (void)ctx;
    if (n < 2) {
        test_failures++;
        return;
    }
    char out[256];
    long r = http_static_path(f[0], out, sizeof out);
    const char *got = r < 0 ? "-" : out;
    if (strcmp(got, f[1]) != 0) {
        fprintf(stderr, "  serve_paths.tsv:%d: '%s' gave '%s', expected '%s'\n", line, f[0],
                got, f[1]);
        test_failures++;
    }
}

TEST(serve_static_paths_table)
{
    CHECK(table_rows("tests/data/serve_paths.tsv", path_row, NULL) >= 12);
}

TEST(serve_target_limits)
{
    /* more parameters than fit, and a long target, decode in linear time */
    char raw[8192] = "/api/events?";
    for (int i = 0; i < HTTP_MAX_PARAMS + 1; i++)
        snprintf(raw + strlen(raw), sizeof raw - strlen(raw), "p%d=%d&", i, i);
    http_target t;
    char err[256], param[64];
    CHECK_EQ_INT(http_target_parse(raw, &t, err, sizeof err, param, sizeof param),
                 HTTP_TARGET_TOO_MANY);
    http_target_free(&t);
    size_t n = 200000;
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    if (!big) return;
    memcpy(big, "/?q=", 4);
    for (size_t i = 4; i < n; i += 3) memcpy(big + i, i + 3 <= n ? "%41" : "AAA", i + 3 <= n ? 3 : n - i);
    big[n] = '\0';
    CHECK_EQ_INT(http_target_parse(big, &t, err, sizeof err, param, sizeof param), HTTP_TARGET_OK);
    CHECK(t.nparams == 1 && t.params[0].value[0] == 'A');
    http_target_free(&t);
    free(big);
    CHECK_EQ_STR(http_mime_type("a/b.geojson"), "application/geo+json; charset=utf-8");
    CHECK_EQ_STR(http_mime_type("noext"), "application/octet-stream");
}

/* ---- the app over a store ----------------------------------------------------------- */

/* A store of examples/seeds and examples/dev in a temporary directory, made
 * once (path in the static buffer). */
static const char *bundled_store(void) {
    static char path[256];
    if (path[0]) return path;
    char dir[] = "/tmp/marsad-serve-XXXXXX";
    if (!mkdtemp(dir) || !test_model()) return NULL;
    snprintf(path, sizeof path, "%s/s.db", dir);
    char err[512];
    store *s = store_open(path, 0, err, sizeof err);
    if (!s) {
        fprintf(stderr, "  store_open: %s\n", err);
        path[0] = '\0';
        return NULL;
    }
    const char *inputs[] = {"examples/seeds", "examples/dev"};
    store_begin(s);
    for (int i = 0; i < 2; i++) {
        marsad_reader *r = marsad_reader_open(inputs[i], NULL, NULL);
        const marsad_article *a;
        while (r && (a = marsad_reader_next(r)) != NULL) {
            store_doc *d = store_doc_new(test_model(), a, marsad_reader_id_generated(r), NULL, NULL);
            store_put_result res;
            if (!d || store_put(s, d, &res) != 0) fprintf(stderr, "  put: %s\n", store_errmsg(s));
            store_doc_free(d);
        }
        marsad_reader_free(r);
    }
    store_commit(s);
    store_close(s);
    return path;
}

typedef struct {
    serve_app *app;
    store *st;
} fixture;

static int fixture_open(fixture *x) {
    const char *db = bundled_store();
    char err[512];
    x->app = db ? serve_app_new("data", NULL, err, sizeof err) : NULL;
    if (db && !x->app) fprintf(stderr, "  serve_app_new: %s\n", err);
    x->st = db ? store_open(db, STORE_READONLY, err, sizeof err) : NULL;
    return x->app && x->st ? 0 : -1;
}

static void fixture_close(fixture *x) {
    serve_app_free(x->app);
    store_close(x->st);
}

/* The body as a NUL-terminated copy (caller frees). */
static char *body_of(const serve_response *r) {
    char *b = malloc(r->len + 1);
    if (b) {
        memcpy(b, r->body, r->len);
        b[r->len] = '\0';
    }
    return b;
}

static void request_row(char **f, int n, int line, void *ctx) {
    fixture *x = ctx;
    if (n < 5) {
        test_failures++;
        return;
    }
    serve_response r;
    serve_app_handle(x->app, x->st, f[0], f[1], strlen(f[1]) + 40, &r);
    char *body = body_of(&r);
    int bad = r.status != atoi(f[2]);
    if (!bad && strcmp(f[3], "-") != 0) {
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        const char *p = json_string_value(json_object_get(j, "parameter"));
        bad = !p || strcmp(p, f[3]) != 0;
        json_decref(j);
    }
    if (!bad && strcmp(f[4], "-") != 0) bad = !body || !strstr(body, f[4]);
    /* every JSON answer parses, every error is JSON */
    if (!bad && strncmp(r.content_type, "application/json", 16) == 0) {
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        bad = j == NULL;
        json_decref(j);
    }
    if (bad) {
        fprintf(stderr, "  serve_requests.tsv:%d: %s %s -> %d %.300s\n", line, f[0], f[1],
                r.status, body ? body : "");
        test_failures++;
    }
    free(body);
    serve_response_clear(&r);
}

TEST(serve_requests_table)
{
    fixture x;
    CHECK(fixture_open(&x) == 0);
    if (x.app && x.st) CHECK(table_rows("tests/data/serve_requests.tsv", request_row, &x) >= 50);
    fixture_close(&x);
}

TEST(serve_oversized_request_is_400)
{
    fixture x;
    CHECK(fixture_open(&x) == 0);
    serve_response r;
    serve_app_handle(x.app, x.st, "GET", "/api/meta", SERVE_MAX_REQUEST + 1, &r);
    CHECK_EQ_INT(r.status, 400);
    serve_response_clear(&r);
    serve_app_handle(x.app, x.st, "GET", "/api/meta", SERVE_MAX_REQUEST, &r);
    CHECK_EQ_INT(r.status, 200);
    serve_response_clear(&r);
    serve_app_handle(x.app, NULL, "GET", "/api/meta", 10, &r);
    CHECK_EQ_INT(r.status, 503);
    serve_response_clear(&r);
    fixture_close(&x);
}

TEST(serve_hostile_strings_never_reach_markup)
{
    fixture x;
    CHECK(fixture_open(&x) == 0);
    const char *targets[] = {
        "/api/events?type=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/api/events?%3Cimg%20src%3Dx%3E=1",
        "/api/events?place=%3C%2Fscript%3E%26amp%3B&limit=1",
        "/api/search?q=%3Cb%3Ebold%3C%2Fb%3E%20%26",
    };
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        serve_response r;
        serve_app_handle(x.app, x.st, "GET", targets[i], 100, &r);
        CHECK(r.status == 200 || r.status == 400);
        CHECK(memchr(r.body, '<', r.len) == NULL);
        CHECK(memchr(r.body, '>', r.len) == NULL);
        CHECK(memchr(r.body, '&', r.len) == NULL);
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        CHECK(j != NULL);
        json_decref(j);
        serve_response_clear(&r);
    }
    /* the escaped form reads back as the original */
    json_t *j = json_pack("{s:s}", "a", "<x a=\"1\">&amp;</x>");
    char *s = serve_json_dump(j, NULL);
    CHECK_EQ_STR(s, "{\"a\":\"\\u003cx a=\\\"1\\\"\\u003e\\u0026amp;\\u003c/x\\u003e\"}");
    json_t *back = s ? json_loads(s, 0, NULL) : NULL;
    CHECK_EQ_STR(json_string_value(json_object_get(back, "a")), "<x a=\"1\">&amp;</x>");
    json_decref(back);
    json_decref(j);
    free(s);
    fixture_close(&x);
}

/* ---- queries beyond the store's filters ----------------------------------------------- */

typedef struct {
    long n;
    long ids[4096];
    int bad;
    const queries_filter *q;
} collect;

static int collect_cb(void *ctx, const store_event *ev) {
    collect *c = ctx;
    if (c->n < 4096) c->ids[c->n] = (long)ev->id;
    c->n++;
    const marsad_event *r = ev->record;
    if (c->q && c->q->has_bbox &&
        (r->lon < c->q->west || r->lon > c->q->east || r->lat < c->q->south || r->lat > c->q->north))
        c->bad = 1;
    return 0;
}

TEST(serve_queries_box_types_and_pages)
{
    fixture x;
    CHECK(fixture_open(&x) == 0);
    if (!x.st) {
        fixture_close(&x);
        return;
    }
    /* all events, then every page of 7 concatenated: the same list */
    queries_filter all;
    memset(&all, 0, sizeof all);
    collect *full = calloc(1, sizeof *full), *paged = calloc(1, sizeof *paged);
    size_t total = 0;
    CHECK(queries_events(x.st, &all, collect_cb, full, &total) == full->n);
    CHECK(full->n > 30 && (size_t)full->n == total); /* enough to page */
    if (full->n <= 30) fprintf(stderr, "  only %ld events\n", (long)full->n);
    queries_filter box = all;
    box.has_bbox = 1;
    box.west = -180;
    box.east = 180;
    box.south = -90;
    box.north = 90; /* a box holding everything goes through the post filter */
    for (size_t off = 0; off < total; off += 7) {
        box.limit = 7;
        box.offset = off;
        size_t t2 = 0;
        collect page = {0};
        CHECK(queries_events(x.st, &box, collect_cb, &page, &t2) >= 0);
        CHECK(t2 == total);
        for (long i = 0; i < page.n; i++) paged->ids[paged->n++] = page.ids[i];
    }
    CHECK_EQ_INT(paged->n, full->n);
    CHECK(memcmp(paged->ids, full->ids, sizeof(long) * (size_t)full->n) == 0);
    /* Benghazi's box, and two types given as one filter or one at a time */
    queries_filter b = all;
    b.has_bbox = 1;
    b.west = 19.5, b.east = 20.5, b.south = 31.5, b.north = 32.5;
    collect inbox = {0};
    inbox.q = &b;
    CHECK(queries_events(x.st, &b, collect_cb, &inbox, NULL) > 0);
    CHECK(!inbox.bad);
    queries_filter two = all, one = all;
    two.types[0] = "Battles";
    two.types[1] = "Suicide bomb";
    two.ntypes = 2;
    size_t n2 = 0, na = 0, nb = 0;
    collect sink = {0};
    queries_events(x.st, &two, collect_cb, &sink, &n2);
    one.ntypes = 1;
    one.types[0] = "Battles";
    queries_events(x.st, &one, collect_cb, &sink, &na);
    one.types[0] = "Suicide bomb";
    queries_events(x.st, &one, collect_cb, &sink, &nb);
    CHECK(na > 0 && nb > 0);
    CHECK_EQ_INT(n2, na + nb);
    /* counts under a post filter equal the store's own */
    store_bucket *s1, *s2;
    size_t k1, k2;
    CHECK(queries_aggregate(x.st, &all, STORE_BY_TYPE, &s1, &k1) == 0);
    CHECK(queries_aggregate(x.st, &box, STORE_BY_TYPE, &s2, &k2) == 0);
    CHECK_EQ_INT(k1, k2);
    for (size_t i = 0; i < k1 && i < k2; i++) {
        CHECK_EQ_STR(s1[i].key, s2[i].key);
        CHECK_EQ_INT(s1[i].events, s2[i].events);
        CHECK_EQ_INT(s1[i].fatalities, s2[i].fatalities);
    }
    free(s1);
    free(s2);
    CHECK_EQ_STR(queries_type_canonical("explosions/remote VIOLENCE"), "Explosions/Remote violence");
    CHECK(queries_type_canonical("Battle") == NULL);
    free(full);
    free(paged);
    fixture_close(&x);
}

/* ---- the cache ------------------------------------------------------------------ */

TEST(serve_cache_follows_the_store_files)
{
    CHECK(serve_cache_new("postgresql://x/y", 1 << 20) == NULL);
    CHECK(serve_cache_new("/tmp/x.db", 0) == NULL);
    char dir[] = "/tmp/marsad-cache-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char db[128], wal[140];
    snprintf(db, sizeof db, "%s/c.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", db);
    serve_cache *c = serve_cache_new(db, 4096);
    CHECK(c != NULL);
    CHECK_EQ_INT(serve_cache_version(c), 0); /* no file: nothing cached */
    CHECK(table_write(dir, "c.db", "v1") == 0);
    uint64_t v = serve_cache_version(c);
    CHECK(v != 0);
    size_t len = 0;
    CHECK(serve_cache_get(c, "/api/meta", v, &len) == NULL);
    serve_cache_put(c, "/api/meta", v, "{\"a\":1}", 7);
    char *b = serve_cache_get(c, "/api/meta", v, &len);
    CHECK(b && len == 7 && memcmp(b, "{\"a\":1}", 7) == 0);
    free(b);
    CHECK(serve_cache_get(c, "/api/meta?x", v, &len) == NULL);
    /* a commit appends to the write-ahead log: a new version, a miss */
    CHECK(table_write(dir, "c.db-wal", "frame") == 0);
    uint64_t v2 = serve_cache_version(c);
    CHECK(v2 != v);
    CHECK(serve_cache_get(c, "/api/meta", v2, &len) == NULL);
    /* the budget: bodies over a quarter are not kept, the oldest go first */
    char big[1100];
    memset(big, 'x', sizeof big);
    serve_cache_put(c, "/big", v2, big, sizeof big);
    CHECK(serve_cache_get(c, "/big", v2, &len) == NULL);
    for (int i = 0; i < 10; i++) {
        char t[16];
        snprintf(t, sizeof t, "/t%d", i);
        serve_cache_put(c, t, v2, big, 1000);
    }
    b = serve_cache_get(c, "/t9", v2, &len);
    CHECK(b != NULL);
    free(b);
    CHECK(serve_cache_get(c, "/t0", v2, &len) == NULL);
    uint64_t hits, misses;
    serve_cache_counts(c, &hits, &misses);
    CHECK(hits == 2 && misses >= 5);
    serve_cache_free(c);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* ---- data files -------------------------------------------------------------------- */

TEST(serve_malformed_data_line_names_file_and_line)
{
    char dir[] = "/tmp/marsad-serve-data-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(table_write(dir, "ly-districts.tsv",
                      "# code\tname\tname_ar\tshape\nLY-BA\tBenghazi\tبنغازي\tBenghazi\n"
                      "LY-XX\tnowhere\n") == 0);
    char err[512] = "";
    serve_app *a = serve_app_new(dir, NULL, err, sizeof err);
    CHECK(a == NULL);
    CHECK(strstr(err, "ly-districts.tsv:3:") != NULL);
    CHECK(table_write(dir, "ly-districts.tsv", "LY-BA\tBenghazi\tبنغازي\tBenghazi\n") == 0);
    CHECK(table_write(dir, "countries.tsv", "LY\tLibya\tليبيا\nLIBYA\tLibya\tليبيا\n") == 0);
    a = serve_app_new(dir, NULL, err, sizeof err);
    CHECK(a == NULL);
    CHECK(strstr(err, "countries.tsv:2:") != NULL);
    /* well-formed tables but no boundaries: refused, saying where it looked */
    CHECK(table_write(dir, "countries.tsv", "LY\tLibya\tليبيا\n") == 0);
    a = serve_app_new(dir, NULL, err, sizeof err);
    CHECK(a == NULL);
    CHECK(strstr(err, "sources/boundaries") != NULL);
    serve_app_free(a);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* ---- threads and the real server -------------------------------------------------------- */

typedef struct {
    serve_app *app;
    const char *db;
    unsigned long sum;
    int failed;
} worker;

static const char *const SAME[] = {
    "/api/events?limit=50", "/api/events?type=Battles&bbox=9,19,26,34",
    "/api/aggregate?by=district", "/api/search?q=%D9%82%D8%AA%D9%84%D9%89",
    "/api/events/E1", "/api/meta",
};

static unsigned long hash_answers(serve_app *app, store *st, int *failed) {
    unsigned long h = 5381;
    for (size_t i = 0; i < sizeof SAME / sizeof *SAME; i++) {
        serve_response r;
        serve_app_handle(app, st, "GET", SAME[i], 100, &r);
        if (r.status != 200) *failed = 1;
        for (size_t k = 0; k < r.len; k++) h = h * 33 + (unsigned char)r.body[k];
        serve_response_clear(&r);
    }
    return h;
}

static void *work(void *arg) {
    worker *w = arg;
    char err[256];
    store *st = store_open(w->db, STORE_READONLY, err, sizeof err);
    if (!st) {
        w->failed = 1;
        return NULL;
    }
    for (int i = 0; i < 5; i++) {
        unsigned long h = hash_answers(w->app, st, &w->failed);
        if (i && h != w->sum) w->failed = 1;
        w->sum = h;
    }
    store_close(st);
    return NULL;
}

TEST(serve_threads_answer_alike)
{
    fixture x;
    CHECK(fixture_open(&x) == 0);
    if (!x.st) {
        fixture_close(&x);
        return;
    }
    int failed = 0;
    unsigned long ref = hash_answers(x.app, x.st, &failed);
    CHECK(!failed);
    worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){x.app, bundled_store(), 0, 0};
        CHECK(pthread_create(&th[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(!w[i].failed);
        CHECK(w[i].sum == ref);
    }
    fixture_close(&x);
}

/* Sends a request to 127.0.0.1:port and reads the whole answer. */
static char *http_get(unsigned port, const char *req) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return NULL;
    }
    size_t n = strlen(req), off = 0;
    while (off < n) {
        ssize_t w = write(fd, req + off, n - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    ssize_t got;
    while (buf && (got = read(fd, buf + len, cap - len)) > 0) {
        len += (size_t)got;
        if (len == cap) {
            char *nb = realloc(buf, (cap *= 2) + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
            } else {
                buf = nb;
            }
        }
    }
    close(fd);
    if (buf) buf[len] = '\0';
    return buf;
}

TEST(serve_server_answers_and_stops)
{
    const char *db = bundled_store();
    CHECK(db != NULL);
    if (!db) return;
    char err[512];
    serve_opts o = {0};
    o.db = db;
    o.listen = "127.0.0.1:0";
    o.datadir = "data";
    o.threads = 2;
    serve *s = serve_start(&o, err, sizeof err);
    if (!s) fprintf(stderr, "  serve_start: %s\n", err);
    CHECK(s != NULL);
    if (!s) return;
    const char *url = serve_url(s);
    CHECK(strncmp(url, "http://127.0.0.1:", 17) == 0);
    unsigned port = (unsigned)atoi(url + 17);
    CHECK(port > 0);
    char *a = http_get(port, "GET /api/meta HTTP/1.0\r\n\r\n");
    CHECK(a && strncmp(a, "HTTP/1.", 7) == 0 && strstr(a, " 200 ") && strstr(a, "\"articles\":31"));
    free(a);
    a = http_get(port, "GET /api/events?q=%zz HTTP/1.0\r\n\r\n");
    CHECK(a && strstr(a, " 400 ") && strstr(a, "\"parameter\":\"q\""));
    free(a);
    a = http_get(port, "GET /../../etc/passwd HTTP/1.0\r\n\r\n");
    CHECK(a && strstr(a, " 404 ") && !strstr(a, "root:"));
    free(a);
    /* a request over 64 KB in a header */
    char *big = malloc(80000);
    CHECK(big != NULL);
    if (big) {
        int k = snprintf(big, 80000, "GET /api/meta HTTP/1.0\r\nX-Pad: ");
        memset(big + k, 'x', 70000);
        strcpy(big + k + 70000, "\r\n\r\n");
        a = http_get(port, big);
        CHECK(a && strstr(a, " 400 ") && strstr(a, "request larger than"));
        free(a);
        free(big);
    }
    serve_stop(s);
    /* stopped: the port no longer answers */
    a = http_get(port, "GET / HTTP/1.0\r\n\r\n");
    CHECK(a == NULL || a[0] == '\0');
    free(a);
    /* bad listen addresses and stores are start-up errors */
    o.listen = "example.org:80";
    CHECK(serve_start(&o, err, sizeof err) == NULL);
    CHECK(strstr(err, "--listen") != NULL);
    o.listen = "127.0.0.1:0";
    o.db = "/nonexistent/dir/x.db";
    CHECK(serve_start(&o, err, sizeof err) == NULL);
}
