/*
 * pg.c — the PostgreSQL backend of the store through libpq: connection,
 * the migrations of pg_schema.h (docs/schema.md), articles with their search
 * vector (pg_search.c), and events kept merged as mentions arrive with the
 * decisions of match.c, exactly as the SQLite backend does (sqlite.c), so
 * that both give the same events for the same articles.
 *
 * Storing is split in two (pg_internal.h): pg_put_rows writes what an
 * article brings, pg_link_and_merge takes the merge lock (an advisory
 * transaction lock) and links and merges. store_put runs both in one
 * transaction; inside store_begin .. store_commit it takes the merge lock
 * before writing anything, so that a batch never waits for the lock while
 * holding rows another batch needs (a new outlet, an article key): batches
 * of several processes then run one after the other instead of
 * deadlocking. Extraction, the costly part, runs before store_put and stays
 * parallel.
 *
 * Parameters are sent as text through prepared statements (PQprepare once
 * per connection, PQexecPrepared); values are never pasted into SQL.
 */
#include "store/pg_internal.h"
#include "store/pg_schema.h"
#include "store/simhash.h"
#include "extract/merge.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------ */

PGconn *pg_conn(store *s) { return ((pg_store *)s->impl)->conn; }

const char *pg_i64(char *buf, int64_t v) {
    snprintf(buf, 24, "%" PRId64, v);
    return buf;
}

static const char *f64(char *buf, double v) {
    snprintf(buf, 32, "%.17g", v);
    return buf;
}

int64_t pg_get_i64(const PGresult *r, int row, int col) {
    if (PQgetisnull(r, row, col)) return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

double pg_get_f64(const PGresult *r, int row, int col) {
    if (PQgetisnull(r, row, col)) return 0;
    return strtod(PQgetvalue(r, row, col), NULL);
}

const char *pg_get_str(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static const char *row_str(const store_row *r, int c) {
    return pg_get_str(r->res, r->row, c);
}
static const char *row_text(const store_row *r, int c, size_t *len) {
    *len = (size_t)PQgetlength(r->res, r->row, c);
    return PQgetvalue(r->res, r->row, c);
}
static int64_t row_i64(const store_row *r, int c) {
    return pg_get_i64(r->res, r->row, c);
}
static double row_f64(const store_row *r, int c) {
    return pg_get_f64(r->res, r->row, c);
}
static int row_is_null(const store_row *r, int c) {
    return PQgetisnull(r->res, r->row, c);
}
const store_row_ops pg_row_ops = {row_str, row_text, row_i64, row_f64,
                                  row_is_null};

/* PostgreSQL's message without its trailing newline. */
static void set_pg_error(store *s, const char *what, const char *msg) {
    size_t n = msg ? strlen(msg) : 0;
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--;
    store_set_error(s, "%s: %.*s", what, (int)n, msg ? msg : "");
}

int pg_fail(store *s, const char *what, const PGresult *r) {
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (s->impl)
        snprintf(((pg_store *)s->impl)->sqlstate, sizeof ((pg_store *)s->impl)->sqlstate,
                 "%s", state ? state : "");
    if (!msg || !*msg) {
        PGconn *c = s->impl ? pg_conn(s) : NULL;
        msg = c ? PQerrorMessage(c) : "no connection";
    }
    set_pg_error(s, what, msg);
    return -1;
}

static PGresult *check_result(store *s, const char *what, PGresult *r) {
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) return r;
    pg_fail(s, what, r);
    PQclear(r);
    return NULL;
}

PGresult *pg_exec(store *s, const char *what, const char *sql, int nparams,
                  const char *const *params) {
    return check_result(s, what,
                        PQexecParams(pg_conn(s), sql, nparams, NULL, params,
                                     NULL, NULL, 0));
}

PGresult *pg_exec_prepared(store *s, int slot, const char *what,
                           const char *sql, int nparams,
                           const char *const *params) {
    pg_store *q = s->impl;
    char name[16];
    snprintf(name, sizeof name, "m%d", slot);
    if (!q->prepared[slot]) {
        PGresult *r = check_result(s, what,
                                   PQprepare(q->conn, name, sql, nparams, NULL));
        if (!r) return NULL;
        PQclear(r);
        q->prepared[slot] = 1;
    }
    return check_result(s, what,
                        PQexecPrepared(q->conn, name, nparams, params, NULL,
                                       NULL, 0));
}

int pg_run(store *s, const char *what, const char *sql) {
    PGresult *r = check_result(s, what, PQexec(pg_conn(s), sql));
    PQclear(r);
    return r ? 0 : -1;
}

/* Prepared statements of this file. */
enum {
    Q_ARTICLE_BY_KEY,
    Q_SOURCE_GET,
    Q_SOURCE_ADD,
    Q_ARTICLE_INSERT,
    Q_ARTICLE_UPDATE,
    Q_FTS_PUT,
    Q_SENT_INSERT,
    Q_PENDING_ADD,
    Q_PARTS_DELETE,
    Q_MENTION_INSERT,
    Q_CLAIMS_INSERT,
    Q_EVIDENCE_INSERT,
    Q_NEAR,
    Q_SET_DUPLICATE,
    Q_PENDING_TAKE,
    Q_UNMERGED,
    Q_MENTION_LOAD,
    Q_CAND_BOX,
    Q_CAND_UNDATED,
    Q_EVENT_NEW,
    Q_EVENT_NEW_BOXED,
    Q_EVENT_SET_REP,
    Q_EVENT_SET_ACTORS,
    Q_BOX_PUT,
    Q_BOX_DELETE,
    Q_JOIN_EVENT,
    Q_EVENT_SET_COUNTS,
    Q_EVENT_MENTIONS,
    Q_EVENT_DISSOLVE,
    Q_MERGE_LOCK,
    Q_COUNT
};
_Static_assert(Q_COUNT <= PG_WRITE_SLOTS, "statement slots");

/* The columns of a mention as the merge rules read it (load_row). */
#define MENTION_COLUMNS                                                      \
    "m.event_type, m.flags, m.event_date, m.time_precision, m.lat,"          \
    " m.lon, m.geo_precision, m.country, m.admin1, m.location_name,"         \
    " m.actor1, m.actor2, m.article_id, m.score, m.actor_score,"             \
    " m.ordinal, a.key, m.fatalities, m.injured, m.captured,"                \
    " COALESCE(r.source_id, -r.id), m.id"

/* The columns of an event as the merge rules read it (Q_CAND_*). */
#define CAND_COLUMNS                                                        \
    "e.id, e.event_type, e.flags, e.event_date, e.time_precision, e.lat,"   \
    " e.lon, e.geo_precision, e.country, e.admin1, e.location_name,"        \
    " e.actor1, e.actor2, e.actor_flags, e.rep_article, e.rep_score,"       \
    " e.rep_order, e.actor_score, e.actor_order,"                           \
    " EXISTS (SELECT 1 FROM mentions x WHERE x.event_id = e.id AND"         \
    " x.article_id = $1::bigint)"

#define STR(x) #x
#define XSTR(x) STR(x)

static const char *const SQL[Q_COUNT] = {
    [Q_ARTICLE_BY_KEY] =
        "SELECT id, content_hash FROM articles WHERE key = $1",
    [Q_SOURCE_GET] =
        "SELECT id FROM sources WHERE lower(name COLLATE \"C\") ="
        " lower($1::text COLLATE \"C\")",
    [Q_SOURCE_ADD] =
        "INSERT INTO sources(name) VALUES ($1) ON CONFLICT"
        " ((lower(name COLLATE \"C\"))) DO NOTHING RETURNING id",
    /* a key inserted meanwhile by another process is looked up again */
    [Q_ARTICLE_INSERT] =
        "INSERT INTO articles(key, content_hash, doc_id, source_id, published,"
        " url, title, text, simhash, nshingles, band0, band1, band2, band3,"
        " band4, band5, duplicate_of) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,"
        "$11,$12,$13,$14,$15,$16,NULL) ON CONFLICT (key) DO NOTHING"
        " RETURNING id",
    [Q_ARTICLE_UPDATE] =
        "UPDATE articles SET content_hash=$2, doc_id=$3, source_id=$4,"
        " published=$5, url=$6, title=$7, text=$8, simhash=$9, nshingles=$10,"
        " band0=$11, band1=$12, band2=$13, band3=$14, band4=$15, band5=$16,"
        " duplicate_of=NULL WHERE id=$1",
    [Q_FTS_PUT] =
        "INSERT INTO articles_fts(id, tsv) VALUES ($1, $2::tsvector)"
        " ON CONFLICT (id) DO UPDATE SET tsv = excluded.tsv",
    [Q_SENT_INSERT] =
        "INSERT INTO sentences(article_id, idx, start, \"end\", paragraph)"
        " SELECT $1::bigint, t.i - 1, t.s, t.e, t.p FROM"
        " unnest($2::bigint[], $3::bigint[], $4::int[]) WITH ORDINALITY"
        " AS t(s, e, p, i)",
    [Q_PENDING_ADD] =
        "INSERT INTO pending_remerge(article_id, event_id) SELECT DISTINCT"
        " $1::bigint, event_id FROM mentions WHERE article_id = $1 AND"
        " event_id IS NOT NULL ON CONFLICT DO NOTHING",
    /* everything an article brought, in one statement */
    [Q_PARTS_DELETE] =
        "WITH m AS (DELETE FROM mentions WHERE article_id = $1 RETURNING id),"
        " c AS (DELETE FROM claims WHERE mention_id IN (SELECT id FROM m)),"
        " v AS (DELETE FROM evidence WHERE mention_id IN (SELECT id FROM m)),"
        " f AS (DELETE FROM articles_fts WHERE id = $1)"
        " DELETE FROM sentences WHERE article_id = $1",
    [Q_MENTION_INSERT] =
        "INSERT INTO mentions(article_id, ordinal, event_id, record_id,"
        " event_date, day, time_precision, event_type, sub_event_type, actor1,"
        " actor1_mention, actor2, actor2_mention, location_name,"
        " location_mention, country, admin1, lat, lon, geo_precision,"
        " fatalities, injured, captured, confidence, notes, flags, score,"
        " actor_score) VALUES ($1,$2,NULL,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,"
        "$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27)"
        " RETURNING id",
    [Q_CLAIMS_INSERT] =
        "INSERT INTO claims(mention_id, ordinal, kind, count, qualifier, side,"
        " attributed_to) SELECT * FROM unnest($1::bigint[], $2::int[],"
        " $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])",
    [Q_EVIDENCE_INSERT] =
        "INSERT INTO evidence(mention_id, ordinal, start, \"end\")"
        " SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[],"
        " $4::bigint[])",
    /* the article's fingerprint and the articles sharing a band with it
     * (the six look-ups at once, each answered by its partial index; no
     * band, no look-up) */
    /* candidates are articles merged before this one (merge_seq set): the
     * original of a copy is the one merged first, whatever order rows were
     * written in (workers write them in parallel) */
    [Q_NEAR] =
        "SELECT me.simhash, me.duplicate_of, a.id, a.simhash, a.duplicate_of,"
        " r.merge_seq"
        " FROM articles me LEFT JOIN (articles a JOIN articles r ON"
        " r.id = COALESCE(a.duplicate_of, a.id)) ON a.id <> me.id AND"
        " a.merge_seq IS NOT NULL AND"
        " (a.band0 = me.band0 OR a.band1 = me.band1 OR a.band2 = me.band2 OR"
        " a.band3 = me.band3 OR a.band4 = me.band4 OR a.band5 = me.band5)"
        " WHERE me.id = $1",
    /* the link, and the article's place in the merge order (kept when it
     * is merged again after a replace) */
    [Q_SET_DUPLICATE] =
        "UPDATE articles SET duplicate_of = $2,"
        " merge_seq = COALESCE(merge_seq, nextval('merge_seq')) WHERE id = $1",
    /* taken off the list in the transaction that merges them again */
    [Q_PENDING_TAKE] =
        "WITH d AS (DELETE FROM pending_remerge WHERE article_id = $1"
        " RETURNING event_id) SELECT event_id FROM d ORDER BY event_id",
    /* the article's mentions not in an event yet, in order, as
     * Q_MENTION_LOAD reads one */
    [Q_UNMERGED] =
        "SELECT " MENTION_COLUMNS " FROM mentions m"
        " JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN articles r ON r.id = COALESCE(a.duplicate_of, a.id)"
        " WHERE m.article_id = $1 AND m.event_id IS NULL ORDER BY m.ordinal",
    [Q_MENTION_LOAD] =
        "SELECT " MENTION_COLUMNS " FROM mentions m"
        " JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN articles r ON r.id = COALESCE(a.duplicate_of, a.id)"
        " WHERE m.id = $1",
    /* dated candidates: events whose window and box meet the mention's
     * (a window is at most 2 * MERGE_WINDOW_DAYS wide, which bounds the
     * scan of day_lo), and events of its region ($8 admin1; $11: the
     * mention is region-level, so any event of the region) */
    [Q_CAND_BOX] =
        "SELECT " CAND_COLUMNS " FROM events e WHERE e.id IN ("
        "SELECT id FROM events_box WHERE day_lo >= $2::float8 - "
        XSTR(2 * MERGE_WINDOW_DAYS) " AND day_lo <= $3::float8 AND"
        " day_hi >= $2::float8 AND lat_hi >= $4::float8 AND"
        " lat_lo <= $5::float8 AND lon_hi >= $6::float8 AND"
        " lon_lo <= $7::float8"
        " UNION SELECT id FROM events WHERE $8::text IS NOT NULL AND"
        " admin1 = $8::text AND day BETWEEN $9::int AND $10::int AND"
        " ($11::bool OR geo_precision >= 3)) ORDER BY e.id",
    [Q_CAND_UNDATED] =
        "SELECT " CAND_COLUMNS " FROM events e WHERE e.day IS NULL AND"
        " e.rep_article = $1::bigint ORDER BY e.id",
    [Q_EVENT_NEW] =
        "INSERT INTO events(event_date, day, time_precision, event_type,"
        " sub_event_type, actor1, actor1_mention, actor2, actor2_mention,"
        " location_name, location_mention, country, admin1, lat, lon,"
        " geo_precision, confidence, flags, actor_flags, rep_mention,"
        " rep_article, rep_score, rep_order, actor_score, actor_order)"
        " SELECT event_date, day, time_precision, event_type, sub_event_type,"
        " actor1, actor1_mention, actor2, actor2_mention, location_name,"
        " location_mention, country, admin1, lat, lon, geo_precision,"
        " confidence, flags, flags, id, article_id, score, $2, actor_score, $2"
        " FROM mentions WHERE id = $1 RETURNING id",
    /* the same with the event's box ($3..$6: day_lo, day_hi, lat, lon) */
    [Q_EVENT_NEW_BOXED] =
        "WITH e AS (INSERT INTO events(event_date, day, time_precision,"
        " event_type, sub_event_type, actor1, actor1_mention, actor2,"
        " actor2_mention, location_name, location_mention, country, admin1,"
        " lat, lon, geo_precision, confidence, flags, actor_flags, rep_mention,"
        " rep_article, rep_score, rep_order, actor_score, actor_order)"
        " SELECT event_date, day, time_precision, event_type, sub_event_type,"
        " actor1, actor1_mention, actor2, actor2_mention, location_name,"
        " location_mention, country, admin1, lat, lon, geo_precision,"
        " confidence, flags, flags, id, article_id, score, $2, actor_score, $2"
        " FROM mentions WHERE id = $1 RETURNING id),"
        " b AS (INSERT INTO events_box(id, day_lo, day_hi, lat_lo, lat_hi,"
        " lon_lo, lon_hi) SELECT id, $3::float8, $4::float8, $5::float8,"
        " $5::float8, $6::float8, $6::float8 FROM e)"
        " SELECT id FROM e",
    [Q_EVENT_SET_REP] =
        "UPDATE events SET event_date = m.event_date, day = m.day,"
        " time_precision = m.time_precision, event_type = m.event_type,"
        " sub_event_type = m.sub_event_type, location_name = m.location_name,"
        " location_mention = m.location_mention, country = m.country,"
        " admin1 = m.admin1, lat = m.lat, lon = m.lon,"
        " geo_precision = m.geo_precision, confidence = m.confidence,"
        " flags = m.flags, rep_mention = m.id, rep_article = m.article_id,"
        " rep_score = m.score, rep_order = $3"
        " FROM (SELECT * FROM mentions WHERE id = $2) AS m WHERE events.id = $1",
    [Q_EVENT_SET_ACTORS] =
        "UPDATE events SET actor1 = m.actor1, actor1_mention = m.actor1_mention,"
        " actor2 = m.actor2, actor2_mention = m.actor2_mention,"
        " actor_flags = m.flags, actor_score = m.actor_score, actor_order = $3"
        " FROM (SELECT * FROM mentions WHERE id = $2) AS m WHERE events.id = $1",
    [Q_BOX_PUT] =
        "INSERT INTO events_box(id, day_lo, day_hi, lat_lo, lat_hi, lon_lo,"
        " lon_hi) VALUES ($1, $2, $3, $4, $4, $5, $5) ON CONFLICT (id) DO"
        " UPDATE SET day_lo = excluded.day_lo, day_hi = excluded.day_hi,"
        " lat_lo = excluded.lat_lo, lat_hi = excluded.lat_hi,"
        " lon_lo = excluded.lon_lo, lon_hi = excluded.lon_hi",
    [Q_BOX_DELETE] = "DELETE FROM events_box WHERE id = $1",
    /* mention $6 joins event $1: its unit's figures are raised, and the
     * event's units are read back (the upserted row from RETURNING, the
     * others as they were: a statement does not see its own changes) */
    [Q_JOIN_EVENT] =
        "WITH m AS (UPDATE mentions SET event_id = $1 WHERE id = $6),"
        " u AS (INSERT INTO event_sources AS u (event_id, unit, fatalities,"
        " injured, captured, nmentions) VALUES ($1, $2, $3, $4, $5, 1)"
        " ON CONFLICT (event_id, unit) DO UPDATE SET"
        " fatalities = greatest(u.fatalities, excluded.fatalities),"
        " injured = greatest(u.injured, excluded.injured),"
        " captured = greatest(u.captured, excluded.captured),"
        " nmentions = u.nmentions + 1"
        " RETURNING unit, fatalities, injured, captured, nmentions)"
        " SELECT unit, fatalities, injured, captured, nmentions FROM u"
        " UNION ALL SELECT unit, fatalities, injured, captured, nmentions"
        " FROM event_sources WHERE event_id = $1 AND unit <> $2"
        " ORDER BY unit",
    [Q_EVENT_SET_COUNTS] =
        "UPDATE events SET fatalities = $2, injured = $3, captured = $4,"
        " nsources = $5, nmentions = $6 WHERE id = $1",
    [Q_EVENT_MENTIONS] =
        "SELECT id FROM mentions WHERE event_id = $1 ORDER BY id",
    [Q_EVENT_DISSOLVE] =
        "WITH d AS (UPDATE mentions SET event_id = NULL WHERE event_id = $1),"
        " u AS (DELETE FROM event_sources WHERE event_id = $1),"
        " b AS (DELETE FROM events_box WHERE id = $1)"
        " DELETE FROM events WHERE id = $1",
    [Q_MERGE_LOCK] = "SELECT pg_advisory_xact_lock($1)",
};

/* Runs statement k of this file. */
static PGresult *q_exec(store *s, int k, const char *what, int n,
                        const char *const *p) {
    return pg_exec_prepared(s, k, what, SQL[k], n, p);
}

/* The same, for statements without rows. */
static int q_run(store *s, int k, const char *what, int n,
                 const char *const *p) {
    PGresult *r = q_exec(s, k, what, n, p);
    PQclear(r);
    return r ? 0 : -1;
}

/* ---- opening and migrations ------------------------------------------------- */

static void ignore_notice(void *arg, const char *msg) {
    (void)arg;
    (void)msg; /* the library never prints */
}

static int read_version(store *s, int *version) {
    *version = 0;
    /* a scan of the catalog, not to_regclass: after waiting for another
     * process's migration its tables must be seen, and a cached look-up
     * may not have heard of them yet */
    PGresult *r = pg_exec(s, "schema", "SELECT EXISTS (SELECT 1 FROM pg_tables"
                          " WHERE schemaname = current_schema() AND"
                          " tablename = 'schema_version')", 0, NULL);
    if (!r) return -1;
    int has = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!has) return 0;
    r = pg_exec(s, "schema_version", "SELECT max(version) FROM schema_version",
                0, NULL);
    if (!r) return -1;
    if (PQntuples(r) == 1) *version = (int)pg_get_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

static int migrate(store *s) {
    pg_store *q = s->impl;
    int v;
    if (read_version(s, &v)) return -1;
    int need = store_schema_check(s, v, PG_NMIGRATIONS, q->readonly);
    if (need <= 0) {
        if (need == 0) q->version = v;
        return need;
    }
    /* one migrating process at a time: the others wait, then find the
     * schema done */
    char lk[24];
    const char *lp[] = {pg_i64(lk, PG_MERGE_LOCK + 1)};
    PGresult *lr = NULL;
    if (pg_run(s, "migration", "BEGIN") ||
        !(lr = pg_exec(s, "migration lock", "SELECT pg_advisory_xact_lock($1)",
                       1, lp)))
        goto fail;
    PQclear(lr);
    if (read_version(s, &v)) goto fail;
    if (v == 0 && pg_run(s, "migration",
                         "CREATE TABLE IF NOT EXISTS schema_version ("
                         "version integer NOT NULL)"))
        goto fail;
    for (int k = v; k < PG_NMIGRATIONS; k++) {
        char what[64];
        snprintf(what, sizeof what, "migration to schema %d", k + 1);
        if (pg_run(s, what, PG_MIGRATIONS[k])) goto fail;
    }
    char sql[128];
    snprintf(sql, sizeof sql,
             "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
             PG_NMIGRATIONS);
    if (pg_run(s, "schema_version", sql) || pg_run(s, "migration", "COMMIT"))
        goto fail;
    q->version = PG_NMIGRATIONS;
    return 0;
fail:
    PQclear(PQexec(q->conn, "ROLLBACK"));
    return -1;
}

/* A URL without its password, for messages. */
static void url_for_messages(const char *url, char *out, size_t cap) {
    const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        snprintf(out, cap, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, cap, "%s", url);
}

static int pgb_open(store *s, const char *url, int flags) {
    pg_store *q = calloc(1, sizeof *q);
    if (!q) {
        store_set_error(s, "out of memory");
        return -1;
    }
    s->impl = q;
    q->readonly = (flags & STORE_READONLY) != 0;
    char shown[256];
    url_for_messages(url, shown, sizeof shown);
    q->conn = PQconnectdb(url);
    if (!q->conn || PQstatus(q->conn) != CONNECTION_OK) {
        char what[300];
        snprintf(what, sizeof what, "PostgreSQL %s", shown);
        set_pg_error(s, what, q->conn ? PQerrorMessage(q->conn) : "out of memory");
        return -1;
    }
    PQsetNoticeProcessor(q->conn, ignore_notice, NULL);
    if (PQsetClientEncoding(q->conn, "UTF8") != 0) {
        pg_fail(s, "PostgreSQL client encoding UTF8", NULL);
        return -1;
    }
    /* STORE_READONLY: every transaction of the session is read-only */
    if (pg_run(s, "PostgreSQL session",
               q->readonly ? "SET default_transaction_read_only = on;"
                             " SET client_min_messages = warning"
                           : "SET client_min_messages = warning"))
        return -1;
    if (migrate(s)) {
        char what[300];
        snprintf(what, sizeof what, "PostgreSQL %s", shown);
        store_prefix_error(s, what);
        return -1;
    }
    return 0;
}

static void pgb_close(store *s) {
    pg_store *q = s->impl;
    if (!q) return;
    if (q->conn) {
        if (s->in_batch) PQclear(PQexec(q->conn, "ROLLBACK"));
        PQfinish(q->conn);
    }
    free(q);
    s->impl = NULL;
}

static int pgb_schema_version(store *s) { return ((pg_store *)s->impl)->version; }

/* ---- transactions ------------------------------------------------------------- */

static int pgb_begin(store *s) { return pg_run(s, "begin", "BEGIN"); }

static int pgb_commit(store *s) { return pg_run(s, "commit", "COMMIT"); }
static int pgb_rollback(store *s) { return pg_run(s, "rollback", "ROLLBACK"); }

int pg_merge_lock(store *s) {
    char k[24];
    const char *p[] = {pg_i64(k, PG_MERGE_LOCK)};
    return q_run(s, Q_MERGE_LOCK, "merge lock", 1, p);
}

static int pgb_article_state(store *s, const char *key, const char *hash) {
    const char *p[] = {key};
    PGresult *r = q_exec(s, Q_ARTICLE_BY_KEY, "article lookup", 1, p);
    if (!r) return -1;
    int state = STORE_ABSENT;
    if (PQntuples(r) > 0)
        state = strcmp(PQgetvalue(r, 0, 1), hash) == 0 ? STORE_SAME : STORE_CHANGED;
    PQclear(r);
    return state;
}

/* ---- merging mentions into events ------------------------------------------ */

/* A report read from a row; its strings point into the row's result, which
 * the caller keeps until the report is no longer used. */
typedef struct {
    store_report r;
    long score, actor_score;
    const char *order, *actor_order;
    char own_order[STORE_KEY_MAX + 16];
    long fig[3];
    int64_t unit;
    int64_t mid;  /* the mention's id (mentions only) */
} held_report;

/* Reads row i of a MENTION_COLUMNS result into h (strings stay r's). */
static void load_row(const PGresult *r, int i, held_report *h) {
    memset(h, 0, sizeof *h);
    store_report *m = &h->r;
    m->event_type = pg_get_str(r, i, 0);
    int flags = (int)pg_get_i64(r, i, 1);
    m->triggered = (flags & MARSAD_EVF_TRIGGER) != 0;
    m->date_explicit = (flags & MARSAD_EVF_DATE_EXPLICIT) != 0;
    m->actor1_generic = (flags & MARSAD_EVF_ACTOR1_GENERIC) != 0;
    m->actor2_generic = (flags & MARSAD_EVF_ACTOR2_GENERIC) != 0;
    m->day = store_day_of(pg_get_str(r, i, 2), &m->has_day);
    m->precision = (int)pg_get_i64(r, i, 3);
    m->has_place = !PQgetisnull(r, i, 9);
    m->lat = pg_get_f64(r, i, 4);
    m->lon = pg_get_f64(r, i, 5);
    m->geo_precision = (int)pg_get_i64(r, i, 6);
    m->country = pg_get_str(r, i, 7);
    m->admin1 = pg_get_str(r, i, 8);
    m->location_name = pg_get_str(r, i, 9);
    m->actor1 = pg_get_str(r, i, 10);
    m->actor2 = pg_get_str(r, i, 11);
    m->article_id = pg_get_i64(r, i, 12);
    h->score = (long)pg_get_i64(r, i, 13);
    h->actor_score = (long)pg_get_i64(r, i, 14);
    const char *key = pg_get_str(r, i, 16);
    store_mention_order(key ? key : "", (int)pg_get_i64(r, i, 15),
                        h->own_order, sizeof h->own_order);
    h->order = h->actor_order = h->own_order;
    for (int k = 0; k < 3; k++) h->fig[k] = (long)pg_get_i64(r, i, 17 + k);
    h->unit = PQgetisnull(r, i, 20) ? -m->article_id : pg_get_i64(r, i, 20);
    h->mid = pg_get_i64(r, i, 21);
}

static int load_mention(store *s, int64_t mid, held_report *h, PGresult **keep) {
    char b[24];
    const char *p[] = {pg_i64(b, mid)};
    PGresult *r = q_exec(s, Q_MENTION_LOAD, "mention", 1, p);
    if (!r) return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        store_set_error(s, "mention %" PRId64 " vanished", mid);
        return -1;
    }
    load_row(r, 0, h);
    *keep = r;
    return 0;
}

/* The event of row i of a candidate result (CAND_COLUMNS). */
static void event_from_row(const PGresult *r, int i, held_report *h) {
    memset(h, 0, sizeof *h);
    store_report *e = &h->r;
    e->event_type = pg_get_str(r, i, 1);
    int flags = (int)pg_get_i64(r, i, 2);
    e->triggered = (flags & MARSAD_EVF_TRIGGER) != 0;
    e->date_explicit = (flags & MARSAD_EVF_DATE_EXPLICIT) != 0;
    e->day = store_day_of(pg_get_str(r, i, 3), &e->has_day);
    e->precision = (int)pg_get_i64(r, i, 4);
    e->lat = pg_get_f64(r, i, 5);
    e->lon = pg_get_f64(r, i, 6);
    e->geo_precision = (int)pg_get_i64(r, i, 7);
    e->country = pg_get_str(r, i, 8);
    e->admin1 = pg_get_str(r, i, 9);
    e->location_name = pg_get_str(r, i, 10);
    e->has_place = e->location_name != NULL;
    e->actor1 = pg_get_str(r, i, 11);
    e->actor2 = pg_get_str(r, i, 12);
    int aflags = (int)pg_get_i64(r, i, 13);
    e->actor1_generic = (aflags & MARSAD_EVF_ACTOR1_GENERIC) != 0;
    e->actor2_generic = (aflags & MARSAD_EVF_ACTOR2_GENERIC) != 0;
    e->article_id = pg_get_i64(r, i, 14);
    h->score = (long)pg_get_i64(r, i, 15);
    h->order = pg_get_str(r, i, 16);
    h->actor_score = (long)pg_get_i64(r, i, 17);
    h->actor_order = pg_get_str(r, i, 18);
    if (!h->order) h->order = "";
    if (!h->actor_order) h->actor_order = "";
}

/* Candidate events of mention m (the merge rules decide among them). */
static PGresult *candidates(store *s, const store_report *m) {
    char b[11][32];
    if (!m->has_day) {
        const char *p[] = {pg_i64(b[0], m->article_id)};
        return q_exec(s, Q_CAND_UNDATED, "candidates", 1, p);
    }
    long lo, hi;
    double la0, la1, lo0, lo1;
    store_report_window(m, &lo, &hi, &la0, &la1, &lo0, &lo1);
    int region = m->geo_precision >= 3;
    int has_admin1 = m->admin1 && *m->admin1;
    const char *p[11] = {
        pg_i64(b[0], m->article_id), pg_i64(b[1], lo), pg_i64(b[2], hi),
        f64(b[3], la0), f64(b[4], la1), f64(b[5], lo0), f64(b[6], lo1),
        has_admin1 ? m->admin1 : NULL, pg_i64(b[8], lo - MERGE_WINDOW_DAYS),
        pg_i64(b[9], hi + MERGE_WINDOW_DAYS), region ? "true" : "false"};
    return q_exec(s, Q_CAND_BOX, "candidates", 11, p);
}

/* Writes the box of event eid whose representative is now report e. */
static int write_box(store *s, int64_t eid, const store_report *e) {
    char b[5][32];
    pg_i64(b[0], eid);
    if (!e->has_day) {
        const char *p[] = {b[0]};
        return q_run(s, Q_BOX_DELETE, "events_box", 1, p);
    }
    long lo, hi;
    store_event_window(e, &lo, &hi);
    const char *p[] = {b[0], f64(b[1], (double)lo), f64(b[2], (double)hi),
                       f64(b[3], e->lat), f64(b[4], e->lon)};
    return q_run(s, Q_BOX_PUT, "events_box", 5, p);
}

static long unit_value(void *ctx, size_t i) {
    const long *v = ctx;
    return v[i];
}
static int unit_same(void *ctx, size_t i, size_t j) {
    (void)ctx;
    return i == j; /* each row is one source already */
}

/* Puts mention mid into event eid for unit with its figures, and
 * recomputes the event's figures and counts from its sources. */
static int join_event(store *s, int64_t mid, int64_t eid, int64_t unit,
                      const long *fig) {
    char b[7][24];
    const char *p1[] = {pg_i64(b[0], eid), pg_i64(b[1], unit),
                        pg_i64(b[2], fig[0]), pg_i64(b[3], fig[1]),
                        pg_i64(b[4], fig[2]), pg_i64(b[5], mid)};
    PGresult *r = q_exec(s, Q_JOIN_EVENT, "event sources", 6, p1);
    if (!r) return -1;
    size_t n = (size_t)PQntuples(r), nmentions = 0;
    long *v = malloc((n ? n : 1) * 3 * sizeof *v);
    if (!v) {
        store_set_error(s, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++) v[k * n + i] = (long)pg_get_i64(r, (int)i, 1 + k);
        nmentions += (size_t)pg_get_i64(r, (int)i, 4);
    }
    PQclear(r);
    long total[3];
    for (int k = 0; k < 3; k++)
        total[k] = merge_lowest_credible(n, unit_value, unit_same, v + k * n);
    free(v);
    const char *p[] = {b[0], pg_i64(b[1], total[0]), pg_i64(b[2], total[1]),
                       pg_i64(b[3], total[2]), pg_i64(b[4], (int64_t)n),
                       pg_i64(b[6], (int64_t)nmentions)};
    return q_run(s, Q_EVENT_SET_COUNTS, "event counts", 6, p);
}

/* Puts mention m into the best fitting event, or a new one (sqlite.c's
 * attach, the same decisions in the same order). Round trips: the
 * candidates, the new event with its box (or the new representative),
 * the join that returns the event's sources, its counts. */
static int attach_report(store *s, const held_report *mp, store_put_result *res) {
    const held_report m = *mp;
    if (!m.r.has_place) return 0; /* an event needs a place */
    PGresult *cr = candidates(s, &m.r);
    if (!cr) return -1;
    int64_t best = 0;
    double best_km = 0;
    long best_days = 0;
    held_report e, be;
    memset(&be, 0, sizeof be);
    for (int i = 0; i < PQntuples(cr); i++) {
        int64_t id = pg_get_i64(cr, i, 0);
        event_from_row(cr, i, &e);
        double km;
        long days;
        if (!store_report_fits(&e.r, &m.r, &km, &days)) continue;
        /* extraction already told the events of one article apart: another
         * event of the same article is no merge target */
        if (strcmp(PQgetvalue(cr, i, 19), "t") == 0) continue;
        int better = !best || km < best_km - 1e-9 ||
                     (km <= best_km + 1e-9 &&
                      (days < best_days || (days == best_days && id < best)));
        if (better) {
            best = id;
            best_km = km;
            best_days = days;
            be = e;
        }
    }
    char b[6][32];
    int rc = 0;
    pg_i64(b[0], m.mid);
    if (!best) {
        PGresult *r;
        if (m.r.has_day) {
            long lo, hi;
            store_event_window(&m.r, &lo, &hi);
            const char *p[] = {b[0], m.order, f64(b[2], (double)lo),
                               f64(b[3], (double)hi), f64(b[4], m.r.lat),
                               f64(b[5], m.r.lon)};
            r = q_exec(s, Q_EVENT_NEW_BOXED, "new event", 6, p);
        } else {
            const char *p[] = {b[0], m.order};
            r = q_exec(s, Q_EVENT_NEW, "new event", 2, p);
        }
        if (!r) rc = -1;
        else {
            best = pg_get_i64(r, 0, 0);
            PQclear(r);
            res->events_created++;
        }
    } else {
        pg_i64(b[1], best);
        if (store_rank_beats(m.score, m.order, be.score, be.order)) {
            const char *p[] = {b[1], b[0], m.order};
            rc = q_run(s, Q_EVENT_SET_REP, "event representative", 3, p);
            if (!rc) rc = write_box(s, best, &m.r);
        }
        if (!rc && store_rank_beats(m.actor_score, m.actor_order,
                                    be.actor_score, be.actor_order)) {
            const char *p[] = {b[1], b[0], m.actor_order};
            rc = q_run(s, Q_EVENT_SET_ACTORS, "event actors", 3, p);
        }
        res->events_joined++;
    }
    PQclear(cr);
    if (rc) return -1;
    return join_event(s, m.mid, best, m.unit, m.fig);
}

/* The same for a mention known by its id. */
static int attach(store *s, int64_t mid, store_put_result *res) {
    held_report m;
    PGresult *mr;
    if (load_mention(s, mid, &m, &mr)) return -1;
    int rc = attach_report(s, &m, res);
    PQclear(mr);
    return rc;
}

/* Reads a column of integers. */
static int64_t *id_column(store *s, PGresult *r, size_t *n) {
    *n = (size_t)PQntuples(r);
    int64_t *v = malloc((*n ? *n : 1) * sizeof *v);
    if (!v) {
        store_set_error(s, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) v[i] = pg_get_i64(r, (int)i, 0);
    return v;
}

/* Dissolves event eid and merges its mentions again (after some of them
 * were removed by an update of their article). */
static int remerge(store *s, int64_t eid, store_put_result *res) {
    char b[24];
    const char *p[] = {pg_i64(b, eid)};
    PGresult *r = q_exec(s, Q_EVENT_MENTIONS, "event mentions", 1, p);
    if (!r) return -1;
    size_t n;
    int64_t *ids = id_column(s, r, &n);
    PQclear(r);
    if (!ids) return -1;
    int rc = q_run(s, Q_EVENT_DISSOLVE, "dissolve event", 1, p);
    store_put_result ignore = *res;
    for (size_t i = 0; i < n && rc == 0; i++) rc = attach(s, ids[i], &ignore);
    free(ids);
    return rc;
}

/* ---- near-duplicates ------------------------------------------------------------ */

/* Links article aid to the stored original it nearly copies, if any. */
static int link_duplicate(store *s, int64_t aid, int64_t *dup) {
    char b[2][24];
    *dup = 0;
    const char *p0[] = {pg_i64(b[0], aid)};
    PGresult *r = q_exec(s, Q_NEAR, "near duplicates", 1, p0);
    if (!r) return -1;
    if (PQntuples(r) < 1) {
        PQclear(r);
        store_set_error(s, "article %" PRId64 " is not stored", aid);
        return -1;
    }
    uint64_t h = (uint64_t)pg_get_i64(r, 0, 0);
    int64_t best = 0, best_seq = 0;
    int best_dist = SIMHASH_NEAR_BITS + 1;
    for (int i = 0; i < PQntuples(r); i++) {
        if (PQgetisnull(r, i, 2)) continue; /* no article shares a band */
        int64_t id = pg_get_i64(r, i, 2);
        int dist = simhash_distance((uint64_t)pg_get_i64(r, i, 3), h);
        /* link to the original, not to another copy; among equals, the
         * one merged first (SQLite: the smaller id, the same order) */
        int64_t root = PQgetisnull(r, i, 4) ? id : pg_get_i64(r, i, 4);
        int64_t seq = pg_get_i64(r, i, 5);
        if (root == aid || dist > SIMHASH_NEAR_BITS) continue;
        if (dist < best_dist || (dist == best_dist && seq < best_seq)) {
            best_dist = dist;
            best = root;
            best_seq = seq;
        }
    }
    PQclear(r);
    *dup = best;
    const char *p[] = {b[0], best ? pg_i64(b[1], best) : NULL};
    return q_run(s, Q_SET_DUPLICATE, "near duplicate link", 2, p);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int pg_link_and_merge(store *s, int64_t aid, store_put_result *res) {
    if (pg_merge_lock(s)) return -1;
    return pg_link_and_merge_locked(s, aid, res);
}

int pg_link_and_merge_locked(store *s, int64_t aid, store_put_result *res) {
    if (link_duplicate(s, aid, &res->duplicate_of)) return -1;
    char b[24];
    const char *p[] = {pg_i64(b, aid)};
    /* events that lost mentions when the article was replaced are merged
     * again from what is left */
    PGresult *r = q_exec(s, Q_PENDING_TAKE, "pending remerge", 1, p);
    if (!r) return -1;
    size_t n;
    int64_t *ids = id_column(s, r, &n);
    PQclear(r);
    if (!ids) return -1;
    qsort(ids, n, sizeof *ids, cmp_i64); /* in event order, as SQLite */
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) rc = remerge(s, ids[i], res);
    free(ids);
    if (rc) return -1;
    /* then the article's own mentions, in order, read at once */
    if (!(r = q_exec(s, Q_UNMERGED, "mentions", 1, p))) return -1;
    held_report m;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        load_row(r, i, &m);
        rc = attach_report(s, &m, res);
    }
    PQclear(r);
    return rc;
}

/* ---- storing an article ------------------------------------------------------------ */

/* A text as PostgreSQL takes it (valid UTF-8): s itself, or a sanitized
 * copy in *tmp (caller frees). */
static const char *valid_text(const char *s, char **tmp) {
    *tmp = NULL;
    if (!s) return NULL;
    size_t n = strlen(s);
    if (marsad_utf8_invalid_count(s, n) == 0) return s;
    size_t out;
    *tmp = marsad_utf8_sanitize(s, n, &out, NULL);
    return *tmp ? *tmp : "";
}

/* The hash of the current snapshot (xmin:xmax:running xids): a write
 * transaction that starts (takes an xid) or ends changes it. */
static int pgb_change_token(store *s, uint64_t *token) {
    PGresult *r = pg_exec(s, "change token", "SELECT pg_current_snapshot()::text",
                          0, NULL);
    if (!r) return -1;
    uint64_t h = simhash_hash64(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), 1);
    PQclear(r);
    *token = h ? h : 1;
    return 0;
}

int pg_failed_transient(store *s) {
    const char *st = ((pg_store *)s->impl)->sqlstate;
    return st[0] == '4' && st[1] == '0';
}

int pg_source_order(const char *a, const char *b) {
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y || !x) return x - y;
    }
}

int pg_source_id(store *s, const char *name, int64_t *id) {
    *id = 0;
    if (!name || !*name) return 0;
    const char *p[] = {name};
    for (int tries = 0; tries < 2; tries++) {
        PGresult *r = q_exec(s, Q_SOURCE_GET, "sources", 1, p);
        if (!r) return -1;
        if (PQntuples(r) > 0) *id = pg_get_i64(r, 0, 0);
        PQclear(r);
        if (*id) return 0;
        /* absent: add it; when another process added it meanwhile, the
         * insert does nothing and the look-up finds it */
        if (!(r = q_exec(s, Q_SOURCE_ADD, "sources", 1, p))) return -1;
        if (PQntuples(r) > 0) *id = pg_get_i64(r, 0, 0);
        PQclear(r);
        if (*id) return 0;
    }
    store_set_error(s, "sources: cannot add '%s'", name);
    return -1;
}

/* A growable PostgreSQL array literal. */
static void arr_open(strbuf *b) {
    b->n = 0;
    strbuf_add(b, "{", 1);
}
static void arr_sep(strbuf *b) {
    if (b->n > 1) strbuf_add(b, ",", 1);
}
static void arr_int(strbuf *b, int64_t v) {
    char t[24];
    arr_sep(b);
    strbuf_puts(b, pg_i64(t, v));
}
static void arr_str(strbuf *b, const char *v) {
    arr_sep(b);
    if (!v) {
        strbuf_puts(b, "NULL");
        return;
    }
    strbuf_add(b, "\"", 1);
    for (const char *c = v; *c; c++) {
        if (*c == '"' || *c == '\\') strbuf_add(b, "\\", 1);
        strbuf_add(b, c, 1);
    }
    strbuf_add(b, "\"", 1);
}
static void arr_close(strbuf *b) { strbuf_add(b, "}", 1); }

static int put_sentences(store *s, const char *aid, const store_doc *d) {
    if (!d->nsentences) return 0;
    strbuf a[3] = {{0}};
    for (int k = 0; k < 3; k++) arr_open(&a[k]);
    for (size_t i = 0; i < d->nsentences; i++) {
        arr_int(&a[0], (int64_t)d->sentences[i].start);
        arr_int(&a[1], (int64_t)d->sentences[i].end);
        arr_int(&a[2], d->paragraphs[i]);
    }
    for (int k = 0; k < 3; k++) arr_close(&a[k]);
    int rc;
    if (a[0].oom || a[1].oom || a[2].oom) {
        store_set_error(s, "out of memory");
        rc = -1;
    } else {
        const char *p[] = {aid, a[0].s, a[1].s, a[2].s};
        rc = q_run(s, Q_SENT_INSERT, "sentences", 4, p);
    }
    for (int k = 0; k < 3; k++) free(a[k].s);
    return rc;
}

/* Inserts mention i of the article; its id goes to *mid. */
static int insert_mention(store *s, const char *aid, int ordinal,
                          const marsad_event *ev, int64_t *mid) {
    char b[16][32];
    int ok;
    long day = store_day_of(ev->event_date, &ok);
    char *tmp[11];
    const char *const raw[11] = {ev->event_id ? ev->event_id : "",
                                 ev->actor1, ev->actor1_mention, ev->actor2,
                                 ev->actor2_mention, ev->location_name,
                                 ev->location_mention, ev->country,
                                 ev->admin1, ev->notes, ev->event_date};
    const char *t[11];
    for (int k = 0; k < 11; k++) t[k] = valid_text(raw[k], &tmp[k]);
    int place = ev->location_name != NULL;
    const char *p[27] = {
        aid,
        pg_i64(b[0], ordinal),
        t[0],
        t[10],
        ok ? pg_i64(b[1], day) : NULL,
        pg_i64(b[2], ev->time_precision),
        ev->event_type ? ev->event_type : "",
        ev->sub_event_type ? ev->sub_event_type : "",
        t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8],
        place ? f64(b[3], ev->lat) : NULL,
        place ? f64(b[4], ev->lon) : NULL,
        place ? pg_i64(b[5], ev->geo_precision) : NULL,
        pg_i64(b[6], ev->fatalities),
        pg_i64(b[7], ev->injured),
        pg_i64(b[8], ev->captured),
        f64(b[9], ev->confidence),
        t[9],
        pg_i64(b[10], (int64_t)ev->flags),
        pg_i64(b[11], store_mention_score(ev)),
        pg_i64(b[12], store_actor_score(ev)),
    };
    PGresult *r = q_exec(s, Q_MENTION_INSERT, "mentions", 27, p);
    for (int k = 0; k < 11; k++) free(tmp[k]);
    if (!r) return -1;
    *mid = pg_get_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

/* The mentions of d with their claims and evidence (claims and evidence of
 * every mention in one statement each). */
static int put_mentions(store *s, const char *aid, const store_doc *d,
                        store_put_result *res) {
    size_t n = marsad_events_count(d->mentions);
    strbuf c[7] = {{0}}, v[4] = {{0}};
    for (int k = 0; k < 7; k++) arr_open(&c[k]);
    for (int k = 0; k < 4; k++) arr_open(&v[k]);
    size_t nclaims = 0, nevidence = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const marsad_event *ev = marsad_events_get(d->mentions, i);
        int64_t mid;
        if ((rc = insert_mention(s, aid, (int)i, ev, &mid))) break;
        res->mentions++;
        for (size_t k = 0; k < ev->nclaims; k++) {
            const marsad_claim *cl = &ev->claims[k];
            char *tmp;
            arr_int(&c[0], mid);
            arr_int(&c[1], (int64_t)k);
            arr_str(&c[2], cl->kind ? cl->kind : "");
            arr_int(&c[3], cl->count);
            arr_str(&c[4], cl->qualifier ? cl->qualifier : "");
            arr_str(&c[5], cl->side ? cl->side : "");
            arr_str(&c[6], valid_text(cl->attributed_to, &tmp));
            free(tmp);
            nclaims++;
        }
        for (size_t k = 0; k < ev->nevidence; k++) {
            arr_int(&v[0], mid);
            arr_int(&v[1], (int64_t)k);
            arr_int(&v[2], (int64_t)ev->evidence[k].start);
            arr_int(&v[3], (int64_t)ev->evidence[k].end);
            nevidence++;
        }
    }
    int oom = 0;
    for (int k = 0; k < 7; k++) {
        arr_close(&c[k]);
        oom |= c[k].oom;
    }
    for (int k = 0; k < 4; k++) {
        arr_close(&v[k]);
        oom |= v[k].oom;
    }
    if (!rc && oom) {
        store_set_error(s, "out of memory");
        rc = -1;
    }
    if (!rc && nclaims) {
        const char *p[] = {c[0].s, c[1].s, c[2].s, c[3].s, c[4].s, c[5].s, c[6].s};
        rc = q_run(s, Q_CLAIMS_INSERT, "claims", 7, p);
    }
    if (!rc && nevidence) {
        const char *p[] = {v[0].s, v[1].s, v[2].s, v[3].s};
        rc = q_run(s, Q_EVIDENCE_INSERT, "evidence", 4, p);
    }
    for (int k = 0; k < 7; k++) free(c[k].s);
    for (int k = 0; k < 4; k++) free(v[k].s);
    return rc;
}

int pg_put_rows(store *s, const store_doc *d, store_put_result *res) {
    pg_store *q = s->impl;
    if (q->readonly) {
        store_set_error(s, "the store is open read-only");
        return -1;
    }
    char bid[24], bsrc[24], bh[24], bn[24], band[SIMHASH_BANDS][24];
    const char *pk[] = {d->key};
    PGresult *r = q_exec(s, Q_ARTICLE_BY_KEY, "article lookup", 1, pk);
    if (!r) return -1;
    int64_t aid = 0;
    int found = PQntuples(r) > 0;
    if (found) {
        aid = pg_get_i64(r, 0, 0);
        int same = strcmp(PQgetvalue(r, 0, 1), d->hash) == 0;
        PQclear(r);
        if (same) {
            res->action = STORE_UNCHANGED;
            res->article_id = aid;
            return 0;
        }
    } else {
        PQclear(r);
    }
    int64_t src;
    char *tmp[5];
    if (pg_source_id(s, d->source, &src)) return -1;
    const char *t[5] = {valid_text(d->doc_id, &tmp[0]),
                        valid_text(d->published, &tmp[1]),
                        valid_text(d->url, &tmp[2]),
                        valid_text(d->title, &tmp[3]),
                        valid_text(d->key, &tmp[4])};
    int banded = d->nshingles >= SIMHASH_MIN_SHINGLES;
    const char *p[16] = {NULL, d->hash, t[0], src ? pg_i64(bsrc, src) : NULL,
                         t[1], t[2], t[3], d->text,
                         pg_i64(bh, (int64_t)d->simhash),
                         pg_i64(bn, (int64_t)d->nshingles)};
    for (int k = 0; k < SIMHASH_BANDS; k++)
        p[10 + k] = banded ? pg_i64(band[k], simhash_band(d->simhash, k)) : NULL;
    int rc = 0;
    if (!found) {
        p[0] = t[4];
        if (!(r = q_exec(s, Q_ARTICLE_INSERT, "articles", 16, p))) rc = -1;
        else if (PQntuples(r) == 1) {
            aid = pg_get_i64(r, 0, 0);
            res->action = STORE_ADDED;
            PQclear(r);
        } else {
            /* another process stored this key meanwhile: compare with it */
            PQclear(r);
            for (int k = 0; k < 5; k++) free(tmp[k]);
            if (!(r = q_exec(s, Q_ARTICLE_BY_KEY, "article lookup", 1, pk)))
                return -1;
            if (PQntuples(r) == 0) {
                PQclear(r);
                store_set_error(s, "article key '%s' vanished", d->key);
                return -1;
            }
            PQclear(r);
            return pg_put_rows(s, d, res);
        }
    }
    if (!rc && found) {
        /* the events of the old mentions wait for pg_link_and_merge */
        const char *pa[] = {pg_i64(bid, aid)};
        p[0] = bid;
        rc = q_run(s, Q_PENDING_ADD, "pending remerge", 1, pa) ||
             q_run(s, Q_PARTS_DELETE, "remove article parts", 1, pa) ||
             q_run(s, Q_ARTICLE_UPDATE, "articles", 16, p);
        res->action = STORE_REPLACED;
    }
    for (int k = 0; k < 5; k++) free(tmp[k]);
    if (rc) return -1;
    res->article_id = aid;
    pg_i64(bid, aid);
    char *tsv = pg_tsvector_literal(d->title, d->text, d->text_len);
    if (!tsv) {
        store_set_error(s, "out of memory");
        return -1;
    }
    const char *pf[] = {bid, tsv};
    rc = q_run(s, Q_FTS_PUT, "search index", 2, pf);
    free(tsv);
    if (rc || put_sentences(s, bid, d) || put_mentions(s, bid, d, res))
        return -1;
    return 0;
}

static int pgb_put(store *s, const store_doc *d, store_put_result *res) {
    pg_store *q = s->impl;
    if (q->readonly) {
        store_set_error(s, "the store is open read-only");
        return -1;
    }
    /* one article, all or nothing, inside or outside a batch */
    int own = !s->in_batch;
    if (pg_run(s, "begin", own ? "BEGIN" : "SAVEPOINT put")) return -1;
    int rc = own ? 0 : pg_merge_lock(s);
    if (!rc) rc = pg_put_rows(s, d, res);
    if (!rc && res->action != STORE_UNCHANGED)
        rc = pg_link_and_merge(s, res->article_id, res);
    if (rc) {
        PQclear(PQexec(q->conn, own ? "ROLLBACK"
                                    : "ROLLBACK TO SAVEPOINT put;"
                                      " RELEASE SAVEPOINT put"));
        store_prefix_error(s, d->doc_id);
        return -1;
    }
    return pg_run(s, "commit", own ? "COMMIT" : "RELEASE SAVEPOINT put");
}

const store_driver store_pg_driver = {
    "postgresql",
    pgb_open,
    pgb_close,
    pgb_schema_version,
    pgb_article_state,
    pgb_begin,
    pgb_commit,
    pgb_rollback,
    pgb_put,
    pg_events_each,
    pg_event_get,
    pg_aggregate,
    pg_article_get,
    pg_search,
    pg_stats,
    pg_check,
    pg_enqueue,
    pg_claim,
    pg_batch_commit,
    pg_batch_end,
    pg_merge_ready,
    pg_queue_stats,
    pgb_change_token,
};
