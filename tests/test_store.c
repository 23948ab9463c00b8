/* test_store.c — the store: schema and migrations, idempotent ingest (same
 * dump twice), updates, merging of the three reports of the 25 May 2018
 * Benghazi car bomb in every order, the seeds against their gold,
 * near-duplicates, search terms and search recall against FTS5's default
 * tokenizer, filters, one article with its spans, bad input.
 *
 * Every test that uses a store runs on SQLite, then on PostgreSQL when
 * MARSAD_TEST_PG names a server (a libpq URL; scripts/pg.sh starts one):
 * each run gets a database of its own, created and dropped here. */
#include "marsad.h"
#include "table.h"
#include "test.h"
#include "eval/eval.h"
#include "store/simhash.h"
#include "store/store.h"
#include "store/terms.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- backends ------------------------------------------------------------------ */

/* The backend of the running test: 0 SQLite, 1 PostgreSQL. */
static int on_pg;

/* The PostgreSQL server of the tests, or NULL (unset, empty or "off"). */
static const char *pg_server(void) {
    const char *u = getenv("MARSAD_TEST_PG");
    return u && *u && strcmp(u, "off") != 0 ? u : NULL;
}

/* url with its database name replaced by db. */
static void pg_url_with_db(const char *url, const char *db, char *out,
                           size_t cap) {
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *path = strchr(host, '/'), *query = strchr(host, '?');
    if (!path || (query && query < path)) path = query ? query : url + strlen(url);
    const char *rest = strchr(path, '?');
    snprintf(out, cap, "%.*s/%s%s", (int)(path - url), url, db, rest ? rest : "");
}

/* The database name of a URL made by pg_url_with_db. */
static void pg_db_of(const char *url, char *out, size_t cap) {
    const char *host = strstr(url, "://");
    const char *slash = strchr(host ? host + 3 : url, '/');
    const char *name = slash ? slash + 1 : "";
    size_t n = strcspn(name, "?");
    snprintf(out, cap, "%.*s", (int)n, name);
}

/* Runs sql on the database of url (the server's own without one). */
static int pg_sql(const char *url, const char *sql) {
    PGconn *c = PQconnectdb(url);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok) fprintf(stderr, "  %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "  %s: %s", url, PQerrorMessage(c));
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

/* A name (a file path or a URL) for a new empty store of the running
 * test's backend: a file in a new temporary directory, or a new database
 * on the PostgreSQL server. */
static int new_store_name(char *out, size_t cap) {
    if (on_pg) {
        static int n;
        char db[64], sql[128];
        snprintf(db, sizeof db, "marsad_t%d_%d", (int)getpid(), ++n);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
        if (pg_sql(pg_server(), sql)) return -1;
        pg_url_with_db(pg_server(), db, out, cap);
        return 0;
    }
    char dir[] = "/tmp/marsad-store-XXXXXX";
    if (!mkdtemp(dir)) return -1;
    snprintf(out, cap, "%s/t.db", dir);
    return 0;
}

/* A fresh store (its name in out). */
static store *fresh(char *out, size_t cap) {
    if (new_store_name(out, cap)) return NULL;
    char err[512];
    store *s = store_open(out, 0, err, sizeof err);
    if (!s) fprintf(stderr, "  store_open: %s\n", err);
    return s;
}

static void remove_store(const char *path) {
    if (strncmp(path, "postgresql://", 13) == 0) {
        char db[128], sql[256];
        pg_db_of(path, db, sizeof db);
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
        if (pg_sql(pg_server(), sql)) fprintf(stderr, "  cannot drop %s\n", db);
        return;
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf \"$(dirname '%s')\"", path);
    if (system(cmd) != 0) fprintf(stderr, "  cannot remove %s\n", path);
}

/* Every table of a PostgreSQL store (TRUNCATE empties a store). */
#define PG_TABLES                                                            \
    "sources, articles, sentences, events, events_box, mentions, claims,"    \
    " evidence, event_sources, articles_fts, pending_remerge"

/* Runs a test body on SQLite, then on PostgreSQL when a server is given;
 * failures on PostgreSQL say so. */
static void each_backend(void (*body)(void)) {
    on_pg = 0;
    body();
    if (!pg_server()) return;
    int before = test_failures;
    on_pg = 1;
    body();
    on_pg = 0;
    if (test_failures > before)
        fprintf(stderr, "  (the failures above are on PostgreSQL)\n");
}

typedef struct {
    size_t added, unchanged, replaced, failed, dups;
} put_counts;

/* Puts every article of path; counts what happened. */
static void ingest(store *s, const char *path, put_counts *c) {
    marsad_reader *r = marsad_reader_open(path, NULL, NULL);
    if (!r) {
        c->failed++;
        return;
    }
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL) {
        store_doc *d = store_doc_new(test_model(), a, marsad_reader_id_generated(r),
                                     NULL, NULL);
        store_put_result res;
        if (!d || store_put(s, d, &res) != 0) {
            fprintf(stderr, "  put %s: %s\n", a->id, store_errmsg(s));
            c->failed++;
        } else if (res.action == STORE_ADDED) {
            c->added++;
        } else if (res.action == STORE_REPLACED) {
            c->replaced++;
        } else {
            c->unchanged++;
        }
        if (d && res.duplicate_of) c->dups++;
        store_doc_free(d);
    }
    marsad_reader_free(r);
}

/* A fresh store (its name in path) holding the bundled dev articles, and
 * the seeds too when seeds is set; NULL without a model or a store. */
static store *bundled_store(char *path, size_t cap, int seeds) {
    if (!test_model()) return NULL;
    store *s = fresh(path, cap);
    if (!s) return NULL;
    put_counts c = {0};
    ingest(s, "examples/dev", &c);
    if (seeds) ingest(s, "examples/seeds", &c);
    return s;
}

static int put_text(store *s, const char *id, const char *source,
                    const char *published, const char *text,
                    store_put_result *res) {
    marsad_article a = {id, text, strlen(text), published, source, NULL, NULL, NULL};
    store_doc *d = store_doc_new(test_model(), &a, 0, NULL, NULL);
    int rc = d ? store_put(s, d, res) : -1;
    if (rc) fprintf(stderr, "  put %s: %s\n", id, store_errmsg(s));
    store_doc_free(d);
    return rc;
}

/* A hash of every row of every table (the FTS and R*Tree shadow tables
 * included, the virtual tables themselves read through them), in table
 * name and key order: equal hashes, equal databases. */
static uint64_t pg_dump_hash(const char *url, size_t *rows);

static uint64_t dump_hash(const char *path, size_t *rows) {
    if (strncmp(path, "postgresql://", 13) == 0) return pg_dump_hash(path, rows);
    sqlite3 *db;
    uint64_t h = 1;
    *rows = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 0;
    sqlite3_stmt *t;
    sqlite3_prepare_v2(db,
                       "SELECT name FROM sqlite_schema WHERE type = 'table'"
                       " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
                       -1, &t, NULL);
    while (sqlite3_step(t) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(t, 0);
        h = simhash_hash64(name, strlen(name), h);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
        sqlite3_stmt *r;
        if (sqlite3_prepare_v2(db, sql, -1, &r, NULL) != SQLITE_OK) continue;
        while (sqlite3_step(r) == SQLITE_ROW) {
            (*rows)++;
            for (int k = 0; k < sqlite3_column_count(r); k++) {
                int type = sqlite3_column_type(r, k);
                const void *b = sqlite3_column_blob(r, k);
                int n = sqlite3_column_bytes(r, k);
                h = simhash_hash64(&type, sizeof type, h);
                if (b && n) h = simhash_hash64(b, (size_t)n, h);
            }
        }
        sqlite3_finalize(r);
    }
    sqlite3_finalize(t);
    sqlite3_close(db);
    return h;
}

/* The same over PostgreSQL: every table of the store's schema in name
 * order, its rows in key order (the whole row compared), each value as
 * text. */
static uint64_t pg_dump_hash(const char *url, size_t *rows) {
    uint64_t h = 1;
    *rows = 0;
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return 0;
    }
    PGresult *t = PQexec(c, "SELECT tablename FROM pg_tables WHERE schemaname ="
                            " current_schema() ORDER BY tablename COLLATE \"C\"");
    for (int i = 0; i < PQntuples(t); i++) {
        const char *name = PQgetvalue(t, i, 0);
        h = simhash_hash64(name, strlen(name), h);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT x.* FROM \"%s\" x ORDER BY x", name);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fprintf(stderr, "  dump %s: %s", name, PQresultErrorMessage(r));
        for (int row = 0; row < PQntuples(r); row++) {
            (*rows)++;
            for (int k = 0; k < PQnfields(r); k++) {
                int null = PQgetisnull(r, row, k), n = PQgetlength(r, row, k);
                h = simhash_hash64(&null, sizeof null, h);
                if (n) h = simhash_hash64(PQgetvalue(r, row, k), (size_t)n, h);
            }
        }
        PQclear(r);
    }
    PQclear(t);
    PQfinish(c);
    return h;
}

static long count_rows(store *s, const char *what) {
    store_stats st;
    if (store_get_stats(s, &st) != 0) return -1;
    if (strcmp(what, "articles") == 0) return st.articles;
    if (strcmp(what, "mentions") == 0) return st.mentions;
    if (strcmp(what, "events") == 0) return st.events;
    if (strcmp(what, "duplicates") == 0) return st.duplicates;
    if (strcmp(what, "sentences") == 0) return st.sentences;
    return -1;
}

/* ---- events seen as comparable lines ---------------------------------------- */

typedef struct {
    char **lines;
    size_t n, cap;
} sig_list;

static int add_sig(void *ctx, const store_event *ev) {
    sig_list *l = ctx;
    const marsad_event *r = ev->record;
    char buf[512];
    snprintf(buf, sizeof buf, "%s|%s|%s|%s|k%ld|i%ld|s%zu|m%zu",
             r->event_date ? r->event_date : "-", r->event_type,
             r->sub_event_type, r->location_name ? r->location_name : "-",
             r->fatalities, r->injured, ev->nsources, ev->nmentions);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->lines = realloc(l->lines, l->cap * sizeof *l->lines);
    }
    l->lines[l->n++] = strdup(buf);
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The events of s as sorted signature lines joined by newlines (caller
 * frees). */
static char *signatures(store *s) {
    sig_list l = {0};
    store_events_each(s, NULL, 0, add_sig, &l);
    qsort(l.lines, l.n, sizeof *l.lines, cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < l.n; i++) len += strlen(l.lines[i]) + 1;
    char *out = calloc(len, 1);
    for (size_t i = 0; i < l.n; i++) {
        strcat(out, l.lines[i]);
        strcat(out, "\n");
        free(l.lines[i]);
    }
    free(l.lines);
    return out;
}

/* ---- schema ----------------------------------------------------------------- */

static void open_and_schema_version_sqlite(void)
{
    char path[256], err[512];
    store *s = fresh(path, sizeof path);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_EQ_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    CHECK_EQ_STR(store_backend(s), "sqlite");
    store_close(s);
    /* reopening an up-to-date store changes nothing */
    s = store_open(path, STORE_READONLY, err, sizeof err);
    CHECK(s != NULL);
    if (s) CHECK_EQ_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    store_close(s);
    /* "sqlite:" names the same file */
    char url[300];
    snprintf(url, sizeof url, "sqlite:%s", path);
    s = store_open(url, STORE_READONLY, err, sizeof err);
    CHECK(s != NULL);
    store_close(s);
    /* a schema from a newer build is refused, with a reason */
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE schema_version SET version = 99", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    err[0] = '\0';
    s = store_open(path, 0, err, sizeof err);
    CHECK(s == NULL);
    CHECK(strstr(err, "newer") != NULL);
    store_close(s);
    /* a PostgreSQL server that does not answer is named in the message;
     * unknown schemes and files that are no database are refused */
    CHECK(store_open("postgresql://127.0.0.1:1/marsad?connect_timeout=5", 0,
                     err, sizeof err) == NULL);
    CHECK(strstr(err, "PostgreSQL") != NULL);
    CHECK(store_open("ftp://x/y", 0, err, sizeof err) == NULL);
    CHECK(store_open("README.md", STORE_READONLY, err, sizeof err) == NULL);
    CHECK(store_open("", 0, err, sizeof err) == NULL);
    remove_store(path);
}

static void open_and_schema_version_pg(void)
{
    char url[256], err[512];
    store *s = fresh(url, sizeof url);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_EQ_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    CHECK_EQ_STR(store_backend(s), "postgresql");
    store_close(s);
    /* reopening an up-to-date store changes nothing; "postgres://" names
     * the same database; read-only is read-only */
    char alias[300];
    snprintf(alias, sizeof alias, "postgres://%s", strstr(url, "://") + 3);
    s = store_open(alias, STORE_READONLY, err, sizeof err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
        CHECK_EQ_STR(store_backend(s), "postgresql");
        store_put_result r;
        marsad_article a = {"x", "نص", strlen("نص"), NULL, NULL, NULL, NULL, NULL};
        store_doc *d = test_model() ? store_doc_new(test_model(), &a, 0, NULL, NULL) : NULL;
        if (d) {
            CHECK(store_put(s, d, &r) != 0);
            CHECK(strstr(store_errmsg(s), "read-only") != NULL);
        }
        store_doc_free(d);
    }
    store_close(s);
    /* a schema from a newer build is refused, with a reason */
    CHECK(pg_sql(url, "UPDATE schema_version SET version = 99") == 0);
    err[0] = '\0';
    s = store_open(url, 0, err, sizeof err);
    CHECK(s == NULL);
    CHECK(strstr(err, "newer") != NULL);
    store_close(s);
    /* a database that does not exist: PostgreSQL's reason */
    char none[300];
    pg_url_with_db(pg_server(), "marsad_no_such_db", none, sizeof none);
    CHECK(store_open(none, 0, err, sizeof err) == NULL);
    CHECK(strstr(err, "marsad_no_such_db") != NULL);
    remove_store(url);
}

static void open_and_schema_version_on(void)
{
    if (on_pg) open_and_schema_version_pg();
    else open_and_schema_version_sqlite();
}

TEST(store_open_and_schema_version)
{
    if (!pg_server())
        printf("  store tests on SQLite only (MARSAD_TEST_PG is not set)\n");
    each_backend(open_and_schema_version_on);
}

/* ---- idempotence ---------------------------------------------------------- */

static void store_ingest_twice_same_dump_on(void)
{
    CHECK(test_model() != NULL);
    if (!test_model()) return;
    char path[256], err[512];
    store *s = fresh(path, sizeof path);
    if (!s) return;
    put_counts c = {0};
    ingest(s, "examples/dev", &c);
    ingest(s, "examples/seeds", &c);
    CHECK_EQ_INT(c.failed, 0);
    CHECK_EQ_INT(c.added, 31);
    long events = count_rows(s, "events");
    CHECK(events > 0);
    store_close(s);
    size_t rows1, rows2;
    uint64_t h1 = dump_hash(path, &rows1);
    /* articles, sentences, mentions, claims, evidence, events of 31 articles */
    CHECK(rows1 > 600);
    if (rows1 <= 600) fprintf(stderr, "  dump has %zu rows\n", rows1);
    /* a second run over the same articles changes nothing at all */
    s = store_open(path, 0, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    put_counts c2 = {0};
    ingest(s, "examples/dev", &c2);
    ingest(s, "examples/seeds", &c2);
    CHECK_EQ_INT(c2.unchanged, 31);
    CHECK_EQ_INT(c2.added + c2.replaced + c2.failed, 0);
    char key[STORE_KEY_MAX], hash[STORE_HASH_HEX];
    marsad_article a = {"054_ly_2018-05-25_france24", "x", 1, NULL, NULL, NULL, NULL, NULL};
    store_article_identity(&a, 0, marsad_model_fingerprint(test_model()), key, hash);
    CHECK_EQ_STR(key, "054_ly_2018-05-25_france24");
    CHECK_EQ_INT(store_article_state(s, key, hash), STORE_CHANGED);
    CHECK_EQ_INT(store_article_state(s, "no-such-article", hash), STORE_ABSENT);
    store_close(s);
    uint64_t h2 = dump_hash(path, &rows2);
    CHECK_EQ_INT(rows1, rows2);
    CHECK(h1 == h2);
    remove_store(path);
}

TEST(store_ingest_twice_same_dump)
{
    each_backend(store_ingest_twice_same_dump_on);
}

TEST(store_article_keys)
{
    char k1[STORE_KEY_MAX], k2[STORE_KEY_MAX], h1[STORE_HASH_HEX],
        h2[STORE_HASH_HEX];
    /* a made-up id (JSON Lines line number) is no identity: the URL is */
    marsad_article a = {"line3", "نص", 4, NULL, NULL, "http://x/1", NULL, NULL};
    store_article_identity(&a, 1, marsad_model_fingerprint(test_model()), k1, h1);
    CHECK(strncmp(k1, "url:", 4) == 0);
    /* without URL, the text */
    a.url = NULL;
    store_article_identity(&a, 1, marsad_model_fingerprint(test_model()), k2, h2);
    CHECK(strncmp(k2, "text:", 5) == 0);
    /* the content hash follows metadata too */
    a.title = "عنوان";
    store_article_identity(&a, 1, marsad_model_fingerprint(test_model()), k1, h1);
    CHECK(strcmp(h1, h2) != 0);
    CHECK_EQ_STR(k1, k2);
    CHECK_EQ_INT(strlen(h1), 32);
    /* and the model: other lexicons, another hash (the same key); no
     * model, the content alone */
    char h3[STORE_HASH_HEX], h4[STORE_HASH_HEX], h5[STORE_HASH_HEX];
    store_article_identity(&a, 1, "0000000000000001", k2, h3);
    store_article_identity(&a, 1, NULL, k2, h4);
    store_article_identity(&a, 1, NULL, k2, h5);
    CHECK(strcmp(h1, h3) != 0);
    CHECK(strcmp(h1, h4) != 0 && strcmp(h3, h4) != 0);
    CHECK_EQ_STR(h4, h5);
    CHECK_EQ_STR(k1, k2);
    CHECK_EQ_INT(strlen(marsad_model_fingerprint(test_model())), 16);
}

static void store_update_replaces_mentions_on(void)
{
    if (!test_model()) return;
    char p1[256], p2[256];
    store *a = fresh(p1, sizeof p1), *b = fresh(p2, sizeof p2);
    if (!a || !b) return;
    size_t len;
    char *other = test_read_file("examples/seeds/000_0ea05e08e214245f.txt", &len);
    CHECK(other != NULL);
    if (!other) return;
    put_counts c = {0};
    /* a: the three Benghazi reports, then CNN's article replaced by other
     * news; b: the final state ingested directly */
    ingest(a, "examples/dev/054_ly_2018-05-25_france24.txt", &c);
    ingest(a, "examples/dev/055_ly_2018-05-25_skynews.txt", &c);
    ingest(a, "examples/dev/056_ly_2018-05-25_cnn.txt", &c);
    long before = count_rows(a, "mentions");
    store_put_result r;
    CHECK(put_text(a, "056_ly_2018-05-25_cnn", "CNN", "2016-02-24", other, &r) == 0);
    CHECK_EQ_INT(r.action, STORE_REPLACED);
    CHECK_EQ_INT(count_rows(a, "articles"), 3);
    ingest(b, "examples/dev/054_ly_2018-05-25_france24.txt", &c);
    ingest(b, "examples/dev/055_ly_2018-05-25_skynews.txt", &c);
    CHECK(put_text(b, "056_ly_2018-05-25_cnn", "CNN", "2016-02-24", other, &r) == 0);
    CHECK_EQ_INT(c.failed, 0);
    CHECK_EQ_INT(count_rows(a, "mentions"), count_rows(b, "mentions"));
    CHECK(count_rows(a, "mentions") != before);
    CHECK_EQ_INT(count_rows(a, "sentences"), count_rows(b, "sentences"));
    char *sa = signatures(a), *sb = signatures(b);
    CHECK_EQ_STR(sa, sb);
    /* the car bomb lost its CNN source */
    CHECK(strstr(sa, "2018-05-24|Explosions/Remote violence|Remote explosive/landmine/IED|Benghazi|k6|i20|s2|") != NULL);
    /* the old text is gone from the index, the new one is found */
    store_search_opts o = {0};
    store_hits *h = store_search(a, "صبراتة", &o);
    int found_new = 0;
    for (size_t i = 0; i < store_hits_count(h); i++)
        found_new |= strcmp(store_hits_get(h, i)->doc_id, "056_ly_2018-05-25_cnn") == 0;
    CHECK(found_new);
    store_hits_free(h);
    o.source = "CNN";
    h = store_search(a, "مفخخة", &o);
    CHECK(h != NULL);
    CHECK_EQ_INT(store_hits_count(h), 0);
    store_hits_free(h);
    free(sa);
    free(sb);
    free(other);
    store_close(a);
    store_close(b);
    remove_store(p1);
    remove_store(p2);
}

TEST(store_update_replaces_mentions)
{
    each_backend(store_update_replaces_mentions_on);
}

/* ---- merging across sources ------------------------------------------------ */

typedef struct {
    int n3;                  /* events with three sources */
    const char *date, *place;
    long killed, injured;
    long f24, sky, cnn;      /* per source figures */
    char type[64];
} trio_seen;

static int find_trio(void *ctx, const store_event *ev) {
    trio_seen *t = ctx;
    if (ev->nsources != 3) return 0;
    t->n3++;
    t->killed = ev->record->fatalities;
    t->injured = ev->record->injured;
    t->date = ev->record->event_date && strcmp(ev->record->event_date, "2018-05-24") == 0 ? "ok" : "bad";
    t->place = ev->record->location_name && strcmp(ev->record->location_name, "Benghazi") == 0 ? "ok" : "bad";
    snprintf(t->type, sizeof t->type, "%s", ev->record->event_type);
    for (size_t i = 0; i < ev->narticles; i++) {
        const store_source *s = &ev->sources[i];
        if (strstr(s->doc_id, "france24")) t->f24 = s->fatalities;
        if (strstr(s->doc_id, "skynews")) t->sky = s->fatalities;
        if (strstr(s->doc_id, "cnn")) t->cnn = s->fatalities;
    }
    return 0;
}

static void store_benghazi_trio_any_order_on(void)
{
    if (!test_model()) return;
    static const char *const files[3] = {
        "examples/dev/054_ly_2018-05-25_france24.txt",
        "examples/dev/055_ly_2018-05-25_skynews.txt",
        "examples/dev/056_ly_2018-05-25_cnn.txt",
    };
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    char *first = NULL;
    for (int o = 0; o < 6; o++) {
        char path[256];
        store *s = fresh(path, sizeof path);
        if (!s) return;
        put_counts c = {0};
        for (int k = 0; k < 3; k++) ingest(s, files[orders[o][k]], &c);
        CHECK_EQ_INT(c.added, 3);
        trio_seen t;
        memset(&t, 0, sizeof t);
        store_events_each(s, NULL, 0, find_trio, &t);
        if (t.n3 != 1 || t.killed != 6)
            fprintf(stderr, "  order %d %d %d: %d events with 3 sources, killed %ld\n",
                    orders[o][0], orders[o][1], orders[o][2], t.n3, t.killed);
        /* one event, three sources, on 24 May in Benghazi */
        CHECK_EQ_INT(t.n3, 1);
        CHECK_EQ_STR(t.date, "ok");
        CHECK_EQ_STR(t.place, "ok");
        CHECK_EQ_STR(t.type, "Explosions/Remote violence");
        /* France 24 says 7, Sky News 6: the lowest credible is 6 */
        CHECK_EQ_INT(t.f24, 7);
        CHECK_EQ_INT(t.sky, 6);
        CHECK_EQ_INT(t.killed, 6);
        CHECK_EQ_INT(t.injured, 20);
        /* and the whole set of events does not depend on the order */
        char *sig = signatures(s);
        if (!first) first = sig;
        else {
            CHECK_EQ_STR(sig, first);
            free(sig);
        }
        store_close(s);
        remove_store(path);
    }
    free(first);
}

TEST(store_benghazi_trio_any_order)
{
    each_backend(store_benghazi_trio_any_order_on);
}

/* Event records as JSON Lines for the scorer: a merged event once per
 * article that reports it (gold is per article). */
typedef struct {
    char *buf;
    size_t n, cap;
} text_buf;

static void tb_add(text_buf *b, const char *s) {
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->buf = realloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->n, s, l + 1);
    b->n += l;
}

static int per_article(void *ctx, const store_event *ev) {
    text_buf *b = ctx;
    char *line = marsad_events_render(ev->records, MARSAD_FORMAT_JSONL, 0);
    if (!line) return 1;
    const char *rep = ev->record->doc_id;
    for (size_t i = 0; i < ev->narticles; i++) {
        const char *doc = ev->sources[i].doc_id;
        /* the rendered record names the representative article */
        const char *at = strstr(line, rep);
        if (!at) continue;
        size_t pre = (size_t)(at - line);
        char *copy = malloc(strlen(line) + strlen(doc) + 1);
        memcpy(copy, line, pre);
        strcpy(copy + pre, doc);
        strcat(copy, at + strlen(rep));
        tb_add(b, copy);
        free(copy);
    }
    free(line);
    return 0;
}

static double recall_of(const eval_gold *gold, const char *jsonl, size_t len,
                        size_t *matched, size_t *required) {
    eval_events *ev = eval_events_new();
    eval_diags d = {0};
    eval_events_parse_jsonl(ev, "events", jsonl, len, &d);
    eval_result *r = eval_score(gold, ev, NULL);
    *matched = r->overall.matched_required;
    *required = r->overall.gold_required;
    double rec = eval_recall(&r->overall);
    eval_result_free(r);
    eval_events_free(ev);
    eval_diags_free(&d);
    return rec;
}

static void store_seeds_against_gold_on(void)
{
    if (!test_model()) return;
    eval_gold *gold = NULL;
    eval_diags d = {0};
    CHECK(eval_gold_load_dir("examples/seeds/gold", &gold, &d) == MARSAD_OK);
    eval_diags_free(&d);
    if (!gold) return;
    /* extraction alone, one article at a time */
    text_buf ex = {0};
    tb_add(&ex, "");
    marsad_reader *r = marsad_reader_open("examples/seeds", NULL, NULL);
    const marsad_article *a;
    size_t extracted = 0;
    while (r && (a = marsad_reader_next(r)) != NULL) {
        marsad_events *ev = marsad_extract(test_model(), a, MARSAD_LEVEL_EVENTS, NULL, NULL);
        extracted += marsad_events_count(ev);
        char *s = marsad_events_render(ev, MARSAD_FORMAT_JSONL, 0);
        if (s) tb_add(&ex, s);
        free(s);
        marsad_events_free(ev);
    }
    marsad_reader_free(r);
    /* the store's merged events */
    char path[256];
    store *s = fresh(path, sizeof path);
    if (!s) return;
    put_counts c = {0};
    ingest(s, "examples/seeds", &c);
    text_buf st = {0};
    tb_add(&st, "");
    store_events_each(s, NULL, 0, per_article, &st);
    size_t m1, n1, m2, n2;
    double rx = recall_of(gold, ex.buf, ex.n, &m1, &n1);
    double rs = recall_of(gold, st.buf, st.n, &m2, &n2);
    fprintf(stderr, "  seeds: required gold events found: extraction %zu/%zu (%.2f),"
                    " store %zu/%zu (%.2f); %zu extracted events, %ld stored\n",
            m1, n1, rx, m2, n2, rs, extracted, count_rows(s, "events"));
    /* merging in the store loses no event that extraction finds, and the
     * store's rules for one article (merge.h, as extraction's) give about as
     * many events: within 20% */
    CHECK(n1 > 0);
    CHECK(m2 >= m1);
    CHECK(count_rows(s, "events") * 10 <= (long)extracted * 12);
    CHECK(count_rows(s, "events") * 10 >= (long)extracted * 8);
    free(ex.buf);
    free(st.buf);
    eval_gold_free(gold);
    store_close(s);
    remove_store(path);
}

TEST(store_seeds_against_gold)
{
    each_backend(store_seeds_against_gold_on);
}

typedef struct {
    size_t n, bad;
} sanity;

static int check_sane(void *ctx, const store_event *ev) {
    sanity *k = ctx;
    k->n++;
    const marsad_event *r = ev->record;
    /* figures of one sentence add up: never more than all claims together */
    long maxclaim = 0;
    for (size_t i = 0; i < r->nclaims; i++)
        if (strcmp(r->claims[i].kind, "killed") == 0)
            maxclaim += r->claims[i].count;
    if (!r->location_name || !r->event_date || ev->nsources < 1 ||
        ev->nmentions < ev->nsources || ev->narticles < 1 ||
        r->fatalities > maxclaim || r->nevidence < 1)
        k->bad++;
    return 0;
}

static void store_events_are_sane_on(void)
{
    char path[256];
    store *s = bundled_store(path, sizeof path, 1);
    if (!s) return;
    sanity k = {0, 0};
    CHECK(store_events_each(s, NULL, 0, check_sane, &k) == (long)k.n);
    CHECK(k.n > 20);
    CHECK_EQ_INT(k.bad, 0);
    /* different stories are no near-copies of each other */
    CHECK_EQ_INT(count_rows(s, "duplicates"), 0);
    store_close(s);
    remove_store(path);
}

TEST(store_events_are_sane)
{
    each_backend(store_events_are_sane_on);
}

/* ---- near-duplicates ------------------------------------------------------- */

/* Replaces the first occurrence of `from` in text by `to` (new string). */
static char *edit(const char *text, const char *from, const char *to) {
    const char *at = strstr(text, from);
    if (!at) return strdup(text);
    size_t pre = (size_t)(at - text);
    char *out = malloc(strlen(text) + strlen(to) + 1);
    memcpy(out, text, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

static int count_trio(void *ctx, const store_event *ev) {
    long *v = ctx;
    if (ev->record->event_date && strcmp(ev->record->event_date, "2018-05-24") == 0 &&
        ev->record->location_name && strcmp(ev->record->location_name, "Benghazi") == 0) {
        v[0] = (long)ev->nsources;
        v[1] = (long)ev->nmentions;
        v[2] = (long)ev->narticles;
    }
    return 0;
}

static void store_near_duplicate_linked_not_counted_on(void)
{
    if (!test_model()) return;
    size_t len;
    char *orig = test_read_file("examples/dev/054_ly_2018-05-25_france24.txt", &len);
    CHECK(orig != NULL);
    if (!orig) return;
    /* a wire copy lightly edited by another outlet: a word changed, a
     * phrase dropped, a line added */
    char *e1 = edit(orig, "ليل الخميس", "مساء الخميس");
    char *e2 = edit(e1, "، كما أفاد مصدر أمني لوكالة الأنباء الفرنسية", "");
    size_t l2 = strlen(e2);
    char *copy = malloc(l2 + 64);
    snprintf(copy, l2 + 64, "%s\n(أ ف ب)\n", e2);
    /* the fingerprints are close; another article's is far */
    marsad_doc *da = marsad_doc_new(orig, strlen(orig));
    marsad_doc *db = marsad_doc_new(copy, strlen(copy));
    char *other = test_read_file("examples/dev/055_ly_2018-05-25_skynews.txt", &len);
    marsad_doc *dc = marsad_doc_new(other, len);
    size_t na, nb, nc;
    uint64_t ha = simhash_doc(da, &na), hb = simhash_doc(db, &nb),
             hc = simhash_doc(dc, &nc);
    int near = simhash_distance(ha, hb), far = simhash_distance(ha, hc);
    fprintf(stderr, "  simhash distance: edited copy %d bits, other article %d bits\n",
            near, far);
    CHECK(near <= SIMHASH_NEAR_BITS);
    CHECK(far > SIMHASH_NEAR_BITS);
    marsad_doc_free(da);
    marsad_doc_free(db);
    marsad_doc_free(dc);
    char path[256];
    store *s = fresh(path, sizeof path);
    if (!s) return;
    store_put_result r1, r2, r3;
    CHECK(put_text(s, "f24", "france24", "2018-05-25", orig, &r1) == 0);
    long v[3] = {0, 0, 0};
    store_events_each(s, NULL, 0, count_trio, v);
    long mentions_one = v[1];
    CHECK(put_text(s, "copy", "alwasat", "2018-05-25", copy, &r2) == 0);
    CHECK_EQ_INT(r1.duplicate_of, 0);
    CHECK_EQ_INT(r2.duplicate_of, r1.article_id);
    CHECK_EQ_INT(count_rows(s, "duplicates"), 1);
    /* its mentions are kept, but it is no second source */
    store_events_each(s, NULL, 0, count_trio, v);
    CHECK_EQ_INT(v[0], 1);
    CHECK(v[1] > mentions_one);
    CHECK_EQ_INT(v[2], 2);
    /* an independent report of the same blast is a second source */
    CHECK(put_text(s, "sky", "skynews", "2018-05-25", other, &r3) == 0);
    CHECK_EQ_INT(r3.duplicate_of, 0);
    store_events_each(s, NULL, 0, count_trio, v);
    CHECK_EQ_INT(v[0], 2);
    /* the near-copy can be left out of search results */
    store_search_opts o = {0};
    store_hits *h = store_search(s, "تيبستي", &o);
    CHECK_EQ_INT(store_hits_count(h), 3);
    store_hits_free(h);
    o.exclude_duplicates = 1;
    h = store_search(s, "تيبستي", &o);
    CHECK_EQ_INT(store_hits_count(h), 2);
    store_hits_free(h);
    store_close(s);
    remove_store(path);
    free(orig);
    free(e1);
    free(e2);
    free(copy);
    free(other);
}

TEST(store_near_duplicate_linked_not_counted)
{
    each_backend(store_near_duplicate_linked_not_counted_on);
}

/* ---- search ------------------------------------------------------------------ */

typedef struct {
    char terms[64][64];
    int n;
} term_list;

static int collect_term(void *ctx, const store_term *t) {
    term_list *l = ctx;
    if (l->n < 64 && t->len < 63) {
        memcpy(l->terms[l->n], t->term, t->len);
        l->terms[l->n][t->len] = '\0';
        l->n++;
    }
    return 0;
}

static int has_term(const term_list *l, const char *t) {
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->terms[i], t) == 0) return 1;
    return 0;
}

static void terms_row(char **f, int n, int line, void *ctx) {
    (void)ctx;
    CHECK_EQ_INT(n, 4);
    if (n != 4) return;
    int mode = strcmp(f[0], "query") == 0 ? TERMS_QUERY : TERMS_DOCUMENT;
    term_list tl = {.n = 0};
    CHECK(terms_each(f[1], strlen(f[1]), mode, collect_term, &tl) == 0);
    int ok = 1;
    for (char *s2 = NULL, *w = strtok_r(f[2], " ", &s2); w; w = strtok_r(NULL, " ", &s2))
        if (!has_term(&tl, w)) {
            fprintf(stderr, "  store_terms.tsv:%d: %s lacks %s\n", line, f[1], w);
            ok = 0;
        }
    if (strcmp(f[3], "-") != 0)
        for (char *s2 = NULL, *w = strtok_r(f[3], " ", &s2); w; w = strtok_r(NULL, " ", &s2))
            if (has_term(&tl, w)) {
                fprintf(stderr, "  store_terms.tsv:%d: %s gives %s\n", line, f[1], w);
                ok = 0;
            }
    CHECK(ok);
}

TEST(store_terms_table)
{
    CHECK(table_rows("tests/data/store_terms.tsv", terms_row, NULL) >= 15);
}

/* A row of store_search_examples.tsv: text, query, yes when it finds the
 * text. ctx: the test's PostgreSQL store (unused on SQLite). */
static void search_example_row(char **f, int n, int line, void *ctx) {
    const char *name = ctx;
    CHECK_EQ_INT(n, 3);
    if (n != 3) return;
    /* a store per row: in memory on SQLite; on PostgreSQL the test's
     * database emptied */
    char err[256];
    store *s = on_pg ? store_open(name, 0, err, sizeof err)
                     : store_open(":memory:", 0, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    if (on_pg) CHECK(pg_sql(name, "TRUNCATE " PG_TABLES " RESTART IDENTITY") == 0);
    store_put_result r;
    CHECK(put_text(s, "a", "x", "2020-01-01", f[0], &r) == 0);
    store_search_opts o = {0};
    store_hits *h = store_search(s, f[1], &o);
    int found = store_hits_count(h) == 1, want = strcmp(f[2], "yes") == 0;
    if (found != want)
        fprintf(stderr, "  store_search_examples.tsv:%d: '%s' %s '%s'\n", line,
                f[1], found ? "finds" : "does not find", f[0]);
    CHECK(found == want);
    store_hits_free(h);
    store_close(s);
}

static void store_search_examples_on(void)
{
    if (!test_model()) return;
    char name[256] = "";
    if (on_pg) {
        store *first = fresh(name, sizeof name);
        CHECK(first != NULL);
        if (!first) return;
        store_close(first);
    }
    CHECK(table_rows("tests/data/store_search_examples.tsv", search_example_row,
                     name) >= 12);
    if (on_pg) remove_store(name);
}

TEST(store_search_examples)
{
    each_backend(store_search_examples_on);
}

/* Articles found by an FTS5 table for the words of q (all required), with
 * FTS5's own tokenizer on both sides: the reference for recall. */
static int ref_search(sqlite3 *db, const char *q, char found[][64], int max) {
    char fq[512] = "";
    char copy[256];
    snprintf(copy, sizeof copy, "%s", q);
    for (char *s = NULL, *w = strtok_r(copy, " ", &s); w; w = strtok_r(NULL, " ", &s)) {
        if (*fq) strcat(fq, " ");
        strcat(fq, "\"");
        strcat(fq, w);
        strcat(fq, "\"");
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT a.doc_id FROM ref_fts JOIN articles a"
                               " ON a.id = ref_fts.rowid WHERE ref_fts MATCH ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "  ref: %s\n", sqlite3_errmsg(db));
        return 0;
    }
    sqlite3_bind_text(st, 1, fq, -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < max)
        snprintf(found[n++], 64, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return n;
}

/* Copies the articles (id, doc_id, title, text) of a PostgreSQL store into
 * a table "articles" of db. */
static int copy_articles(const char *url, sqlite3 *db) {
    PGconn *c = PQconnectdb(url);
    PGresult *r = PQstatus(c) == CONNECTION_OK
                      ? PQexec(c, "SELECT id, doc_id, title, text FROM articles")
                      : NULL;
    int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK &&
             sqlite3_exec(db, "CREATE TABLE articles(id INTEGER PRIMARY KEY,"
                              " doc_id TEXT, title TEXT, text TEXT)",
                          NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_stmt *st = NULL;
    if (ok)
        ok = sqlite3_prepare_v2(db, "INSERT INTO articles VALUES (?1,?2,?3,?4)",
                                -1, &st, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        sqlite3_bind_int64(st, 1, strtoll(PQgetvalue(r, i, 0), NULL, 10));
        for (int k = 1; k < 4; k++) {
            if (PQgetisnull(r, i, k)) sqlite3_bind_null(st, k + 1);
            else sqlite3_bind_text(st, k + 1, PQgetvalue(r, i, k), -1, SQLITE_STATIC);
        }
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* Hits of the store and of the reference index against the expected
 * articles of search_queries.tsv. */
typedef struct {
    store *s;
    sqlite3 *db;
    int rows;
    size_t expected, hit_ours, hit_ref, got_ours, got_ref;
} recall;

/* A row of search_queries.tsv: query, the doc_ids it should find. */
static void recall_row(char **f, int n, int line, void *ctx) {
    recall *r = ctx;
    if (n != 2) return;
    r->rows++;
    store_search_opts o = {0};
    o.limit = 100;
    store_hits *h = store_search(r->s, f[0], &o);
    CHECK(h != NULL);
    char ref[100][64];
    int nref = ref_search(r->db, f[0], ref, 100);
    size_t ours_row = 0, ref_row = 0, exp_row = 0;
    for (char *s2 = NULL, *id = strtok_r(f[1], " ", &s2); id;
         id = strtok_r(NULL, " ", &s2)) {
        exp_row++;
        for (size_t i = 0; i < store_hits_count(h); i++)
            if (strcmp(store_hits_get(h, i)->doc_id, id) == 0) ours_row++;
        for (int i = 0; i < nref; i++)
            if (strcmp(ref[i], id) == 0) ref_row++;
    }
    if (ours_row < exp_row)
        fprintf(stderr, "  search_queries.tsv:%d: %s: %zu of %zu found\n",
                line, f[0], ours_row, exp_row);
    r->expected += exp_row;
    r->hit_ours += ours_row;
    r->hit_ref += ref_row;
    r->got_ours += store_hits_count(h);
    r->got_ref += (size_t)nref;
    store_hits_free(h);
}

static void store_search_recall_on(void)
{
    char path[256];
    store *s = bundled_store(path, sizeof path, 1);
    if (!s) return;
    /* the reference index: FTS5's default tokenizer over the same rows
     * (for PostgreSQL, copied into a SQLite database in memory) */
    sqlite3 *db;
    CHECK(sqlite3_open(on_pg ? ":memory:" : path, &db) == SQLITE_OK);
    if (on_pg) CHECK(copy_articles(path, db) == 0);
    CHECK(sqlite3_exec(db,
                       "CREATE VIRTUAL TABLE ref_fts USING fts5(title, text,"
                       " tokenize = 'unicode61 remove_diacritics 2');"
                       "INSERT INTO ref_fts(rowid, title, text)"
                       " SELECT id, title, text FROM articles",
                       NULL, NULL, NULL) == SQLITE_OK);
    recall r = {.s = s, .db = db};
    table_rows("tests/data/search_queries.tsv", recall_row, &r);
    sqlite3_close(db);
    int rows = r.rows;
    size_t expected = r.expected, hit_ours = r.hit_ours, hit_ref = r.hit_ref;
    size_t got_ours = r.got_ours, got_ref = r.got_ref;
    double r_ours = expected ? (double)hit_ours / (double)expected : 0;
    double r_ref = expected ? (double)hit_ref / (double)expected : 0;
    double p_ours = got_ours ? (double)hit_ours / (double)got_ours : 0;
    double p_ref = got_ref ? (double)hit_ref / (double)got_ref : 0;
    fprintf(stderr, "  search recall over %d queries (%zu expected hits): marsad"
                    " tokenizer %.3f (precision %.3f), FTS5 unicode61 %.3f"
                    " (precision %.3f)\n",
            rows, expected, r_ours, p_ours, r_ref, p_ref);
    CHECK(rows >= 15);
    CHECK(r_ours >= 0.9);
    CHECK(r_ours > r_ref);
    CHECK(p_ours >= 0.9);
    /* PostgreSQL finds what SQLite finds */
    static size_t sqlite_hits, sqlite_got;
    if (!on_pg) {
        sqlite_hits = hit_ours;
        sqlite_got = got_ours;
    } else {
        CHECK_EQ_INT(hit_ours, sqlite_hits);
        CHECK_EQ_INT(got_ours, sqlite_got);
    }
    store_close(s);
    remove_store(path);
}

TEST(store_search_recall)
{
    each_backend(store_search_recall_on);
}

static void store_search_filters_and_snippets_on(void)
{
    char path[256];
    store *s = bundled_store(path, sizeof path, 0);
    if (!s) return;
    store_search_opts o = {0};
    o.mark_open = "<b>";
    o.mark_close = "</b>";
    store_hits *h = store_search(s, "بنغازي", &o);
    CHECK(h != NULL && store_hits_count(h) > 3);
    /* best first, and the match is marked */
    for (size_t i = 0; h && i < store_hits_count(h); i++) {
        const store_hit *x = store_hits_get(h, i);
        CHECK(x->snippet && strstr(x->snippet, "<b>") != NULL);
        if (i) CHECK(x->score >= store_hits_get(h, i - 1)->score);
    }
    store_hits_free(h);
    o.from = "2018-01-01";
    o.to = "2018-12-31";
    h = store_search(s, "بنغازي", &o);
    CHECK_EQ_INT(store_hits_count(h), 3);
    store_hits_free(h);
    o.source = "skynews";
    h = store_search(s, "بنغازي", &o);
    CHECK_EQ_INT(store_hits_count(h), 1);
    if (store_hits_count(h))
        CHECK_EQ_STR(store_hits_get(h, 0)->doc_id, "055_ly_2018-05-25_skynews");
    store_hits_free(h);
    /* FTS5 operators in a plain query are words, not syntax */
    memset(&o, 0, sizeof o);
    h = store_search(s, "\"بنغازي OR (", &o);
    CHECK(h != NULL);
    store_hits_free(h);
    o.raw = 1;
    h = store_search(s, "درنة OR صبراتة", &o);
    CHECK(h != NULL && store_hits_count(h) >= 3);
    store_hits_free(h);
    h = store_search(s, "\"unterminated", &o);
    CHECK(h == NULL);
    CHECK(strlen(store_errmsg(s)) > 0);
    memset(&o, 0, sizeof o);
    CHECK(store_search(s, "   ", &o) == NULL);
    store_close(s);
    remove_store(path);
}

TEST(store_search_filters_and_snippets)
{
    each_backend(store_search_filters_and_snippets_on);
}

/* ---- queries ------------------------------------------------------------------- */

typedef struct {
    size_t n, bad;
    const char *want;
} filter_check;

static int check_type(void *ctx, const store_event *ev) {
    filter_check *k = ctx;
    k->n++;
    if (strcmp(ev->record->event_type, k->want) != 0 &&
        strcmp(ev->record->sub_event_type, k->want) != 0)
        k->bad++;
    return 0;
}

static int check_place(void *ctx, const store_event *ev) {
    filter_check *k = ctx;
    k->n++;
    const marsad_event *r = ev->record;
    if (!(r->location_name && strstr(r->location_name, k->want)) &&
        !(r->admin1 && strstr(r->admin1, k->want)))
        k->bad++;
    return 0;
}

static int check_window(void *ctx, const store_event *ev) {
    filter_check *k = ctx;
    k->n++;
    if (!ev->record->event_date || strcmp(ev->record->event_date, "2016-01-01") < 0 ||
        strcmp(ev->record->event_date, "2016-12-31") > 0 ||
        ev->record->fatalities < 3)
        k->bad++;
    return 0;
}

static int check_actor(void *ctx, const store_event *ev) {
    filter_check *k = ctx;
    k->n++;
    (void)ev;
    return 0;
}

static void store_event_filters_and_aggregates_on(void)
{
    char path[256];
    store *s = bundled_store(path, sizeof path, 1);
    if (!s) return;
    long total = count_rows(s, "events");
    store_filter f = {0};
    filter_check k = {0, 0, "Battles"};
    f.type = "battles";
    store_events_each(s, &f, 0, check_type, &k);
    CHECK(k.n > 5);
    CHECK_EQ_INT(k.bad, 0);
    memset(&f, 0, sizeof f);
    filter_check kp = {0, 0, "Benghazi"};
    f.place = "Benghazi";
    store_events_each(s, &f, 0, check_place, &kp);
    CHECK(kp.n > 3);
    CHECK_EQ_INT(kp.bad, 0);
    memset(&f, 0, sizeof f);
    filter_check kw = {0, 0, NULL};
    f.from = "2016-01-01";
    f.to = "2016-12-31";
    f.min_fatalities = 3;
    store_events_each(s, &f, 0, check_window, &kw);
    CHECK(kw.n > 0);
    CHECK_EQ_INT(kw.bad, 0);
    memset(&f, 0, sizeof f);
    filter_check ka = {0, 0, NULL}, ka2 = {0, 0, NULL};
    f.actor = "Islamic State";
    store_events_each(s, &f, 0, check_actor, &ka);
    f.actor = "داعش";
    store_events_each(s, &f, 0, check_actor, &ka2);
    CHECK(ka.n > 3);
    CHECK(ka2.n > 0);
    CHECK(ka.n < (size_t)total);
    /* limit and offset */
    memset(&f, 0, sizeof f);
    f.limit = 5;
    filter_check kl = {0, 0, NULL};
    CHECK_EQ_INT(store_events_each(s, &f, 0, check_actor, &kl), 5);
    /* counts per type add up to every event */
    store_bucket *b;
    size_t nb;
    memset(&f, 0, sizeof f);
    CHECK(store_aggregate(s, &f, STORE_BY_TYPE, &b, &nb) == 0);
    long sum = 0;
    for (size_t i = 0; i < nb; i++) sum += b[i].events;
    CHECK_EQ_INT(sum, total);
    free(b);
    CHECK(store_aggregate(s, &f, STORE_BY_ADMIN1, &b, &nb) == 0);
    int benghazi = 0;
    for (size_t i = 0; i < nb; i++) benghazi |= strcmp(b[i].key, "LY/Benghazi") == 0;
    CHECK(benghazi);
    free(b);
    CHECK(store_aggregate(s, &f, STORE_BY_DAY, &b, &nb) == 0);
    CHECK(nb > 10);
    for (size_t i = 1; i < nb; i++) CHECK(strcmp(b[i - 1].key, b[i].key) < 0);
    free(b);
    /* one event in detail: every source with its evidence text */
    CHECK(store_event_get(s, 999999) == NULL);
    store_close(s);
    remove_store(path);
}

TEST(store_event_filters_and_aggregates)
{
    each_backend(store_event_filters_and_aggregates_on);
}

static void store_article_with_mention_spans_on(void)
{
    char path[256];
    store *s = bundled_store(path, sizeof path, 0);
    if (!s) return;
    store_article *a = store_article_get(s, "055_ly_2018-05-25_skynews");
    CHECK(a != NULL);
    if (!a) return;
    CHECK_EQ_STR(a->source, "skynews");
    CHECK(a->text_len > 1000);
    CHECK(a->nsentences > 5);
    CHECK(a->nmentions > 0);
    int in_event = 0;
    for (size_t i = 0; i < a->nmentions; i++) {
        const marsad_event *r = a->mentions[i].record;
        in_event += a->mentions[i].event_id != 0;
        for (size_t k = 0; k < r->nevidence; k++) {
            /* every span is a stored sentence of the text */
            int is_sentence = 0;
            for (size_t j = 0; j < a->nsentences; j++)
                is_sentence |= a->sentences[j].start == r->evidence[k].start &&
                               a->sentences[j].end == r->evidence[k].end;
            CHECK(is_sentence);
            CHECK(r->evidence[k].end <= a->text_len);
        }
    }
    CHECK(in_event > 0);
    /* the mentions render as extraction's records */
    char *jl = marsad_events_render(a->records, MARSAD_FORMAT_JSONL, 0);
    CHECK(jl && strstr(jl, "\"doc_id\":\"055_ly_2018-05-25_skynews\""));
    free(jl);
    /* its event in detail: three reporting articles, each with evidence */
    int64_t eid = 0;
    for (size_t i = 0; i < a->nmentions && !eid; i++)
        if (a->mentions[i].record->fatalities == 6) eid = a->mentions[i].event_id;
    store_article_free(a);
    CHECK(eid != 0);
    store_event *ev = store_event_get(s, eid);
    CHECK(ev != NULL);
    if (ev) {
        CHECK_EQ_INT(ev->narticles, 3);
        for (size_t i = 0; i < ev->narticles; i++) {
            CHECK(ev->sources[i].nevidence > 0);
            if (ev->sources[i].nevidence)
                CHECK(strlen(ev->sources[i].evidence_text[0]) > 10);
        }
        char *line = store_event_render(ev, MARSAD_FORMAT_JSONL);
        CHECK(line && strstr(line, "\"nsources\":3") && strstr(line, "\"sources\":["));
        free(line);
        char *csv = store_event_render(ev, MARSAD_FORMAT_CSV);
        CHECK(csv && strstr(csv, "france24; skynews; CNN"));
        free(csv);
        store_event_free(ev);
    }
    CHECK(store_article_get(s, "no-such-article") == NULL);
    store_close(s);
    remove_store(path);
}

TEST(store_article_with_mention_spans)
{
    each_backend(store_article_with_mention_spans_on);
}

static void store_bad_input_on(void)
{
    if (!test_model()) return;
    char path[256];
    store *s = fresh(path, sizeof path);
    if (!s) return;
    static const char bad[] = "\xd9\x82\xd8\xaa\xd9\x84\xff\xfe \x00 \xd9\x85\xd8\xb5\xd8\xb1\xd8\xa7\xd8\xaa\xd8\xa9 \xc3";
    marsad_article a[] = {
        {"empty", "", 0, NULL, NULL, NULL, NULL, NULL},
        {"binary", bad, sizeof bad - 1, "2020-01-01", "x", NULL, NULL, NULL},
        {"no-arabic", "hello world", 11, "not a date", NULL, NULL, NULL, NULL},
        {NULL, "قتل 3 في بنغازي", strlen("قتل 3 في بنغازي"), NULL, NULL, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        store_doc *d = store_doc_new(test_model(), &a[i], 0, NULL, NULL);
        store_put_result r;
        CHECK(d != NULL);
        CHECK(d && store_put(s, d, &r) == 0);
        store_doc_free(d);
    }
    CHECK_EQ_INT(count_rows(s, "articles"), 4);
    store_article *x = store_article_get(s, "binary");
    CHECK(x != NULL);
    if (x) {
        CHECK_EQ_INT(marsad_utf8_invalid_count(x->text, x->text_len), 0);
        CHECK(memchr(x->text, '\0', x->text_len) == NULL);
        store_article_free(x);
    }
    store_search_opts o = {0};
    store_hits *h = store_search(s, "مصراتة", &o);
    CHECK_EQ_INT(store_hits_count(h), 1);
    store_hits_free(h);
    /* a huge article goes in, in linear time */
    size_t unit = strlen("قتل ثلاثة أشخاص في انفجار في بنغازي. "), n = 20000;
    char *big = malloc(unit * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * unit, "قتل ثلاثة أشخاص في انفجار في بنغازي. ", unit);
    big[unit * n] = '\0';
    store_put_result r;
    CHECK(put_text(s, "big", "x", "2020-01-02", big, &r) == 0);
    free(big);
    store_close(s);
    remove_store(path);
}

TEST(store_bad_input)
{
    each_backend(store_bad_input_on);
}

/* ---- PostgreSQL: concurrent writers, the put in two steps ---------------------- */

#include "store/pg_internal.h"

#include <pthread.h>

/* The first article of a file, prepared for the store. */
static store_doc *doc_of(const char *path) {
    marsad_reader *r = marsad_reader_open(path, NULL, NULL);
    const marsad_article *a = r ? marsad_reader_next(r) : NULL;
    store_doc *d = a ? store_doc_new(test_model(), a, marsad_reader_id_generated(r),
                                     NULL, NULL)
                     : NULL;
    marsad_reader_free(r);
    return d;
}

static const char *const TRIO[3] = {
    "examples/dev/054_ly_2018-05-25_france24.txt",
    "examples/dev/055_ly_2018-05-25_skynews.txt",
    "examples/dev/056_ly_2018-05-25_cnn.txt",
};

/* The events of the trio put one after the other on SQLite (caller
 * frees). */
static char *trio_signatures(void) {
    char path[256];
    int was = on_pg;
    on_pg = 0;
    store *s = fresh(path, sizeof path);
    on_pg = was;
    if (!s) return NULL;
    put_counts c = {0};
    for (int k = 0; k < 3; k++) ingest(s, TRIO[k], &c);
    char *sig = signatures(s);
    store_close(s);
    remove_store(path);
    return sig;
}

typedef struct {
    const char *url;
    const store_doc *doc;
    pthread_barrier_t *start;
    int batch, rc;
    char err[512];
} putter;

/* One writer: its own store handle, connected before the start line. */
static void *put_thread(void *p) {
    putter *t = p;
    store *s = store_open(t->url, 0, t->err, sizeof t->err);
    pthread_barrier_wait(t->start);
    if (!s) {
        t->rc = -1;
        return NULL;
    }
    store_put_result r;
    t->rc = t->batch ? store_begin(s) : 0;
    if (!t->rc) t->rc = store_put(s, t->doc, &r);
    if (!t->rc && t->batch) t->rc = store_commit(s);
    if (t->rc) snprintf(t->err, sizeof t->err, "%s", store_errmsg(s));
    store_close(s);
    return NULL;
}

TEST(store_pg_concurrent_writers_merge_once)
{
    if (!pg_server()) {
        printf("  skipped: MARSAD_TEST_PG is not set\n");
        return;
    }
    if (!test_model()) return;
    store_doc *docs[3];
    for (int k = 0; k < 3; k++) {
        docs[k] = doc_of(TRIO[k]);
        CHECK(docs[k] != NULL);
        if (!docs[k]) return;
    }
    char *want = trio_signatures();
    CHECK(want != NULL);
    on_pg = 1;
    char url[256];
    store *s = fresh(url, sizeof url);
    CHECK(s != NULL);
    /* three writers at once, each with its own connection, many rounds;
     * every other round inside store_begin .. store_commit */
    int rounds = 12, bad = 0;
    for (int round = 0; s && round < rounds; round++) {
        CHECK(pg_sql(url, "TRUNCATE " PG_TABLES " RESTART IDENTITY") == 0);
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 3);
        putter t[3];
        pthread_t th[3];
        for (int k = 0; k < 3; k++) {
            t[k] = (putter){url, docs[k], &start, round % 2, 0, ""};
            pthread_create(&th[k], NULL, put_thread, &t[k]);
        }
        for (int k = 0; k < 3; k++) pthread_join(th[k], NULL);
        pthread_barrier_destroy(&start);
        for (int k = 0; k < 3; k++) {
            if (t[k].rc) fprintf(stderr, "  round %d writer %d: %s\n", round, k, t[k].err);
            CHECK_EQ_INT(t[k].rc, 0);
        }
        /* one event, three sources, 6 killed; the same events as one
         * writer after the other; counts that add up */
        trio_seen seen;
        memset(&seen, 0, sizeof seen);
        store_events_each(s, NULL, 0, find_trio, &seen);
        char *sig = signatures(s);
        int ok = seen.n3 == 1 && seen.killed == 6 && want && strcmp(sig, want) == 0;
        if (!ok) {
            fprintf(stderr, "  round %d: %d events with 3 sources, killed %ld; events:\n%s",
                    round, seen.n3, seen.killed, sig);
            bad++;
        }
        free(sig);
        CHECK_EQ_INT(store_check(s), 0);
    }
    CHECK_EQ_INT(bad, 0);
    store_close(s);
    remove_store(url);
    on_pg = 0;
    free(want);
    for (int k = 0; k < 3; k++) store_doc_free(docs[k]);
}

/* The two steps of pg_internal.h as a queue would run them: each article's
 * rows committed on their own, the merges later in a fixed order, give the
 * events of store_put; a replaced article's old events wait for the merge
 * (store_check says so) and are merged again then. */
TEST(store_pg_rows_then_merge)
{
    if (!pg_server()) {
        printf("  skipped: MARSAD_TEST_PG is not set\n");
        return;
    }
    if (!test_model()) return;
    char *want = trio_signatures();
    on_pg = 1;
    char url[256];
    store *s = fresh(url, sizeof url);
    CHECK(s != NULL && want != NULL);
    if (!s || !want) {
        free(want);
        on_pg = 0;
        return;
    }
    int64_t ids[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        store_doc *d = doc_of(TRIO[k]);
        store_put_result r;
        memset(&r, 0, sizeof r);
        CHECK(d && pg_run(s, "begin", "BEGIN") == 0);
        CHECK(d && pg_put_rows(s, d, &r) == 0);
        CHECK(pg_run(s, "commit", "COMMIT") == 0);
        CHECK_EQ_INT(r.action, STORE_ADDED);
        CHECK(r.mentions > 0);
        ids[k] = r.article_id;
        store_doc_free(d);
    }
    /* rows only: mentions stored, no event yet */
    CHECK(count_rows(s, "mentions") > 0);
    CHECK_EQ_INT(count_rows(s, "events"), 0);
    for (int k = 0; k < 3; k++) {
        store_put_result r;
        memset(&r, 0, sizeof r);
        CHECK(pg_run(s, "begin", "BEGIN") == 0);
        CHECK(pg_link_and_merge(s, ids[k], &r) == 0);
        CHECK(pg_run(s, "commit", "COMMIT") == 0);
        CHECK(r.events_created + r.events_joined > 0);
    }
    char *sig = signatures(s);
    CHECK_EQ_STR(sig, want);
    free(sig);
    CHECK_EQ_INT(store_check(s), 0);
    /* CNN's article replaced by other news: rows first */
    size_t len;
    char *other = test_read_file("examples/seeds/000_0ea05e08e214245f.txt", &len);
    marsad_article a = {"056_ly_2018-05-25_cnn", other, len, "2016-02-24", "CNN",
                        NULL, NULL, NULL};
    store_doc *d = other ? store_doc_new(test_model(), &a, 0, NULL, NULL) : NULL;
    store_put_result r;
    memset(&r, 0, sizeof r);
    CHECK(d && pg_run(s, "begin", "BEGIN") == 0);
    CHECK(d && pg_put_rows(s, d, &r) == 0);
    CHECK(pg_run(s, "commit", "COMMIT") == 0);
    CHECK_EQ_INT(r.action, STORE_REPLACED);
    CHECK_EQ_INT(r.article_id, ids[2]);
    CHECK(store_check(s) != 0);
    CHECK(strstr(store_errmsg(s), "merged again") != NULL);
    CHECK(pg_run(s, "begin", "BEGIN") == 0);
    CHECK(pg_link_and_merge(s, r.article_id, &r) == 0);
    CHECK(pg_run(s, "commit", "COMMIT") == 0);
    CHECK_EQ_INT(store_check(s), 0);
    sig = signatures(s);
    CHECK(strstr(sig, "2018-05-24|Explosions/Remote violence|Remote explosive/landmine/IED|Benghazi|k6|i20|s2|") != NULL);
    free(sig);
    /* the queue's own SQL runs through pg_exec */
    const char *p[] = {"056_ly_2018-05-25_cnn"};
    PGresult *res = pg_exec(s, "test", "SELECT id FROM articles WHERE key = $1", 1, p);
    CHECK(res != NULL && PQntuples(res) == 1);
    PQclear(res);
    CHECK(pg_exec(s, "bad sql", "SELECT nothing FROM nowhere", 0, NULL) == NULL);
    CHECK(strstr(store_errmsg(s), "bad sql: ") == store_errmsg(s));
    CHECK(pg_conn(s) != NULL);
    store_doc_free(d);
    free(other);
    free(want);
    store_close(s);
    remove_store(url);
    on_pg = 0;
}
