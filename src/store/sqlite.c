/*
 * sqlite.c — the SQLite backend of the store: one file in WAL mode, the
 * schema of sqlite_schema.h (docs/schema.md), articles with their FTS5
 * index (tokenizer "marsad"), and events kept merged as mentions arrive
 * (docs/merging.md): candidates come from an R*Tree over (day, lat, lon) of
 * the events' representative mentions, plus an admin1 index for reports
 * known only by region.
 *
 * Durability: journal_mode=WAL with synchronous=NORMAL. A committed
 * transaction survives a crash or kill of the process; after a power loss
 * the last few commits may be lost, never the consistency of the file. One
 * article is all or nothing (a savepoint around each put).
 */
#include "store/sqlite_internal.h"
#include "store/simhash.h"
#include "store/sqlite_schema.h"
#include "extract/merge.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prepared statements, made on first use and kept. */
enum {
    Q_ARTICLE_BY_KEY,
    Q_SOURCE_GET,
    Q_SOURCE_ADD,
    Q_ARTICLE_INSERT,
    Q_ARTICLE_UPDATE,
    Q_FTS_INSERT,
    Q_FTS_DELETE,
    Q_SENT_INSERT,
    Q_SENT_DELETE,
    Q_NEAR0, Q_NEAR1, Q_NEAR2, Q_NEAR3, Q_NEAR4, Q_NEAR5,
    Q_UNIT_OF,
    Q_ARTICLE_EVENTS,
    Q_CLAIMS_DELETE,
    Q_EVIDENCE_DELETE,
    Q_MENTIONS_DELETE,
    Q_MENTION_INSERT,
    Q_CLAIM_INSERT,
    Q_EVIDENCE_INSERT,
    Q_MENTION_LOAD,
    Q_MENTION_SET_EVENT,
    Q_EVENT_MENTIONS,
    Q_EVENT_DELETE,
    Q_BOX_DELETE,
    Q_BOX_INSERT,
    Q_UNITS_DELETE,
    Q_EVENT_DETACH,
    Q_CAND_BOX,
    Q_CAND_REGION,
    Q_CAND_ADMIN1,
    Q_CAND_UNDATED,
    Q_EVENT_LOAD,
    Q_EVENT_NEW,
    Q_EVENT_SET_REP,
    Q_EVENT_SET_ACTORS,
    Q_UNIT_UPSERT,
    Q_UNITS_OF_EVENT,
    Q_EVENT_SET_COUNTS,
    Q_EVENT_HAS_ARTICLE,
    Q_COUNT
};

static const char *const SQL[Q_COUNT] = {
    [Q_ARTICLE_BY_KEY] =
        "SELECT id, content_hash, title, text FROM articles WHERE key = ?1",
    [Q_SOURCE_GET] = "SELECT id FROM sources WHERE name = ?1",
    [Q_SOURCE_ADD] = "INSERT INTO sources(name) VALUES (?1)",
    [Q_ARTICLE_INSERT] =
        "INSERT INTO articles(key, content_hash, doc_id, source_id, published,"
        " url, title, text, simhash, nshingles, band0, band1, band2, band3,"
        " band4, band5, duplicate_of) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
        "?11,?12,?13,?14,?15,?16,?17)",
    [Q_ARTICLE_UPDATE] =
        "UPDATE articles SET content_hash=?2, doc_id=?3, source_id=?4,"
        " published=?5, url=?6, title=?7, text=?8, simhash=?9, nshingles=?10,"
        " band0=?11, band1=?12, band2=?13, band3=?14, band4=?15, band5=?16,"
        " duplicate_of=?17"
        " WHERE id=?1",
    [Q_FTS_INSERT] =
        "INSERT INTO articles_fts(rowid, title, text) VALUES (?1, ?2, ?3)",
    [Q_FTS_DELETE] =
        "INSERT INTO articles_fts(articles_fts, rowid, title, text)"
        " VALUES ('delete', ?1, ?2, ?3)",
    [Q_SENT_INSERT] =
        "INSERT INTO sentences(article_id, idx, start, \"end\", paragraph)"
        " VALUES (?1,?2,?3,?4,?5)",
    [Q_SENT_DELETE] = "DELETE FROM sentences WHERE article_id = ?1",
    /* one look-up per band, each answered from its covering index */
#define NEAR_SQL(k)                                                          \
    "SELECT id, simhash, duplicate_of FROM articles WHERE band" #k " = ?1"  \
    " AND id <> ?2"
    [Q_NEAR0] = NEAR_SQL(0),
    [Q_NEAR1] = NEAR_SQL(1),
    [Q_NEAR2] = NEAR_SQL(2),
    [Q_NEAR3] = NEAR_SQL(3),
    [Q_NEAR4] = NEAR_SQL(4),
    [Q_NEAR5] = NEAR_SQL(5),
    [Q_UNIT_OF] =
        "SELECT COALESCE(r.source_id, -r.id) FROM articles a JOIN articles r"
        " ON r.id = COALESCE(a.duplicate_of, a.id) WHERE a.id = ?1",
    [Q_ARTICLE_EVENTS] =
        "SELECT DISTINCT event_id FROM mentions WHERE article_id = ?1 AND"
        " event_id IS NOT NULL ORDER BY event_id",
    [Q_CLAIMS_DELETE] =
        "DELETE FROM claims WHERE mention_id IN (SELECT id FROM mentions"
        " WHERE article_id = ?1)",
    [Q_EVIDENCE_DELETE] =
        "DELETE FROM evidence WHERE mention_id IN (SELECT id FROM mentions"
        " WHERE article_id = ?1)",
    [Q_MENTIONS_DELETE] = "DELETE FROM mentions WHERE article_id = ?1",
    [Q_MENTION_INSERT] =
        "INSERT INTO mentions(article_id, ordinal, event_id, record_id,"
        " event_date, day, time_precision, event_type, sub_event_type, actor1,"
        " actor1_mention, actor2, actor2_mention, location_name,"
        " location_mention, country, admin1, lat, lon, geo_precision,"
        " fatalities, injured, captured, confidence, notes, flags, score,"
        " actor_score) VALUES (?1,?2,NULL,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
        "?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27)",
    [Q_CLAIM_INSERT] =
        "INSERT INTO claims(mention_id, ordinal, kind, count, qualifier, side,"
        " attributed_to) VALUES (?1,?2,?3,?4,?5,?6,?7)",
    [Q_EVIDENCE_INSERT] =
        "INSERT INTO evidence(mention_id, ordinal, start, \"end\")"
        " VALUES (?1,?2,?3,?4)",
    [Q_MENTION_LOAD] =
        "SELECT m.event_type, m.flags, m.event_date, m.time_precision, m.lat,"
        " m.lon, m.geo_precision, m.country, m.admin1, m.location_name,"
        " m.actor1, m.actor2, m.article_id, m.score, m.actor_score,"
        " m.ordinal, a.key, m.fatalities, m.injured, m.captured"
        " FROM mentions m JOIN articles a ON a.id = m.article_id"
        " WHERE m.id = ?1",
    [Q_MENTION_SET_EVENT] = "UPDATE mentions SET event_id = ?2 WHERE id = ?1",
    [Q_EVENT_MENTIONS] =
        "SELECT id FROM mentions WHERE event_id = ?1 ORDER BY id",
    [Q_EVENT_DELETE] = "DELETE FROM events WHERE id = ?1",
    [Q_BOX_DELETE] = "DELETE FROM events_box WHERE id = ?1",
    [Q_BOX_INSERT] =
        "INSERT INTO events_box(id, day_lo, day_hi, lat_lo, lat_hi, lon_lo,"
        " lon_hi) VALUES (?1,?2,?3,?4,?4,?5,?5)",
    [Q_UNITS_DELETE] = "DELETE FROM event_sources WHERE event_id = ?1",
    [Q_EVENT_DETACH] = "UPDATE mentions SET event_id = NULL WHERE event_id = ?1",
    [Q_CAND_BOX] =
        "SELECT id FROM events_box WHERE day_hi >= ?1 AND day_lo <= ?2 AND"
        " lat_hi >= ?3 AND lat_lo <= ?4 AND lon_hi >= ?5 AND lon_lo <= ?6",
    [Q_CAND_REGION] =
        "SELECT id FROM events WHERE admin1 = ?1 AND day BETWEEN ?2 AND ?3"
        " AND geo_precision >= 3",
    [Q_CAND_ADMIN1] =
        "SELECT id FROM events WHERE admin1 = ?1 AND day BETWEEN ?2 AND ?3",
    [Q_CAND_UNDATED] =
        "SELECT id FROM events WHERE day IS NULL AND rep_article = ?1",
    [Q_EVENT_LOAD] =
        "SELECT event_type, flags, event_date, time_precision, lat, lon,"
        " geo_precision, country, admin1, location_name, actor1, actor2,"
        " actor_flags, rep_article, rep_score, rep_order, actor_score,"
        " actor_order FROM events WHERE id = ?1",
    [Q_EVENT_NEW] =
        "INSERT INTO events(event_date, day, time_precision, event_type,"
        " sub_event_type, actor1, actor1_mention, actor2, actor2_mention,"
        " location_name, location_mention, country, admin1, lat, lon,"
        " geo_precision, confidence, flags, actor_flags, rep_mention,"
        " rep_article, rep_score, rep_order, actor_score, actor_order)"
        " SELECT event_date, day, time_precision, event_type, sub_event_type,"
        " actor1, actor1_mention, actor2, actor2_mention, location_name,"
        " location_mention, country, admin1, lat, lon, geo_precision,"
        " confidence, flags, flags, id, article_id, score, ?2, actor_score, ?2"
        " FROM mentions WHERE id = ?1",
    [Q_EVENT_SET_REP] =
        "UPDATE events SET event_date = m.event_date, day = m.day,"
        " time_precision = m.time_precision, event_type = m.event_type,"
        " sub_event_type = m.sub_event_type, location_name = m.location_name,"
        " location_mention = m.location_mention, country = m.country,"
        " admin1 = m.admin1, lat = m.lat, lon = m.lon,"
        " geo_precision = m.geo_precision, confidence = m.confidence,"
        " flags = m.flags, rep_mention = m.id, rep_article = m.article_id,"
        " rep_score = m.score, rep_order = ?3"
        " FROM (SELECT * FROM mentions WHERE id = ?2) AS m WHERE events.id = ?1",
    [Q_EVENT_SET_ACTORS] =
        "UPDATE events SET actor1 = m.actor1, actor1_mention = m.actor1_mention,"
        " actor2 = m.actor2, actor2_mention = m.actor2_mention,"
        " actor_flags = m.flags, actor_score = m.actor_score, actor_order = ?3"
        " FROM (SELECT * FROM mentions WHERE id = ?2) AS m WHERE events.id = ?1",
    [Q_UNIT_UPSERT] =
        "INSERT INTO event_sources(event_id, unit, fatalities, injured,"
        " captured, nmentions) VALUES (?1,?2,?3,?4,?5,1)"
        " ON CONFLICT(event_id, unit) DO UPDATE SET"
        " fatalities = max(fatalities, excluded.fatalities),"
        " injured = max(injured, excluded.injured),"
        " captured = max(captured, excluded.captured),"
        " nmentions = nmentions + 1",
    [Q_UNITS_OF_EVENT] =
        "SELECT fatalities, injured, captured, nmentions FROM event_sources"
        " WHERE event_id = ?1 ORDER BY unit",
    [Q_EVENT_SET_COUNTS] =
        "UPDATE events SET fatalities = ?2, injured = ?3, captured = ?4,"
        " nsources = ?5, nmentions = ?6 WHERE id = ?1",
    [Q_EVENT_HAS_ARTICLE] =
        "SELECT 1 FROM mentions WHERE event_id = ?1 AND article_id = ?2 LIMIT 1",
};

#define DB(s) sq_db(s)

int sq_fail(store *s, const char *what) {
    store_set_error(s, "%s: %s", what, sqlite3_errmsg(DB(s)));
    return -1;
}

static int fail_db(store *s, const char *what) { return sq_fail(s, what); }

sqlite3_stmt *sq_cached(store *s, int slot, const char *sql) {
    sq *q = s->impl;
    if (!q->st[slot]) {
        if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                               &q->st[slot], NULL) != SQLITE_OK) {
            fail_db(s, "prepare");
            return NULL;
        }
    }
    sqlite3_reset(q->st[slot]);
    sqlite3_clear_bindings(q->st[slot]);
    return q->st[slot];
}

/* The prepared statement k of this file. */
static sqlite3_stmt *stmt(store *s, int k) { return sq_cached(s, k, SQL[k]); }

void sq_bind_str(sqlite3_stmt *st, int i, const char *v) {
    if (v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

#define bind_str sq_bind_str

/* Runs a statement expected to finish without rows. */
static int run(store *s, sqlite3_stmt *st, const char *what) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return fail_db(s, what);
    return 0;
}

static int exec(store *s, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(DB(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
        store_set_error(s, "%s", msg ? msg : sqlite3_errmsg(DB(s)));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static const char *col_str(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}

/* ---- opening and migrations ----------------------------------------------- */

static int read_version(store *s, int *version) {
    sqlite3_stmt *st;
    *version = 0;
    if (sqlite3_prepare_v2(DB(s),
                           "SELECT name FROM sqlite_schema WHERE type='table'"
                           " AND name='schema_version'",
                           -1, &st, NULL) != SQLITE_OK)
        return fail_db(s, "schema");
    int has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!has) return 0;
    if (sqlite3_prepare_v2(DB(s), "SELECT max(version) FROM schema_version",
                           -1, &st, NULL) != SQLITE_OK)
        return fail_db(s, "schema_version");
    if (sqlite3_step(st) == SQLITE_ROW) *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int migrate(store *s) {
    sq *q = s->impl;
    int v;
    if (read_version(s, &v)) return -1;
    int need = store_schema_check(s, v, SQLITE_NMIGRATIONS, q->readonly);
    if (need <= 0) {
        if (need == 0) q->version = v;
        return need;
    }
    if (exec(s, "BEGIN IMMEDIATE")) return -1;
    /* another process may have migrated meanwhile */
    if (read_version(s, &v)) goto fail;
    if (v == 0 && exec(s, "CREATE TABLE IF NOT EXISTS schema_version ("
                          "version INTEGER NOT NULL)"))
        goto fail;
    for (int k = v; k < SQLITE_NMIGRATIONS; k++) {
        if (exec(s, SQLITE_MIGRATIONS[k])) {
            char what[64];
            snprintf(what, sizeof what, "migration to schema %d", k + 1);
            store_prefix_error(s, what);
            goto fail;
        }
    }
    char sql[128];
    snprintf(sql, sizeof sql,
             "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
             SQLITE_NMIGRATIONS);
    if (exec(s, sql) || exec(s, "COMMIT")) goto fail;
    q->version = SQLITE_NMIGRATIONS;
    return 0;
fail:
    sqlite3_exec(DB(s), "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static int sq_open(store *s, const char *target, int flags) {
    sq *q = calloc(1, sizeof *q);
    if (!q) {
        store_set_error(s, "out of memory");
        return -1;
    }
    s->impl = q;
    q->readonly = (flags & STORE_READONLY) != 0;
    int of = q->readonly ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(target, &q->db, of | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        store_set_error(s, "%s: %s", target,
                        q->db ? sqlite3_errmsg(q->db) : "cannot open");
        return -1;
    }
    sqlite3_busy_timeout(q->db, 15000);
    char err[256];
    if (store_fts_register(q->db, err, sizeof err)) {
        store_set_error(s, "%s", err);
        return -1;
    }
    /* a file that is not a database fails here, with SQLite's message */
    /* 256 MB of page cache, and reads through a memory map: a large store
     * is read at random while merging (events, near-copy bands) */
    if (exec(s, "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;"
                " PRAGMA cache_size = -262144; PRAGMA mmap_size = 1073741824")) {
        store_prefix_error(s, target);
        return -1;
    }
    if (!q->readonly &&
        exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")) {
        store_prefix_error(s, target);
        return -1;
    }
    return migrate(s);
}

static void sq_close(store *s) {
    sq *q = s->impl;
    if (!q) return;
    for (int k = 0; k < SQ_SLOTS; k++) sqlite3_finalize(q->st[k]);
    if (q->db) {
        if (s->in_batch) sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(q->db);
    }
    free(q);
    s->impl = NULL;
}

static int sq_schema_version(store *s) { return ((sq *)s->impl)->version; }

/* ---- transactions ---------------------------------------------------------- */

static int sq_begin(store *s) { return exec(s, "BEGIN IMMEDIATE"); }
static int sq_commit(store *s) { return exec(s, "COMMIT"); }
static int sq_rollback(store *s) { return exec(s, "ROLLBACK"); }

static int sq_article_state(store *s, const char *key, const char *hash) {
    sqlite3_stmt *st = stmt(s, Q_ARTICLE_BY_KEY);
    if (!st) return -1;
    bind_str(st, 1, key);
    int rc = sqlite3_step(st), state;
    if (rc == SQLITE_ROW) {
        const char *h = col_str(st, 1);
        state = h && strcmp(h, hash) == 0 ? STORE_SAME : STORE_CHANGED;
    } else if (rc == SQLITE_DONE) {
        state = STORE_ABSENT;
    } else {
        state = fail_db(s, "article lookup");
    }
    sqlite3_reset(st);
    return state;
}

/* ---- merging mentions into events ----------------------------------------- */

/* A report read back from a row, with the strings copied so that several
 * can be held at once. */
typedef struct {
    store_report r;
    long score, actor_score;
    char order[STORE_KEY_MAX + 16], actor_order[STORE_KEY_MAX + 16];
    long fig[3];
    char type[64], country[8], admin1[128], location[160], actor1[160],
        actor2[160];
} held_report;

static const char *hold(char *dst, size_t cap, const char *src) {
    if (!src) return NULL;
    snprintf(dst, cap, "%s", src);
    return dst;
}

static int load_mention(store *s, int64_t mid, held_report *h) {
    sqlite3_stmt *st = stmt(s, Q_MENTION_LOAD);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, mid);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        store_set_error(s, "mention %lld vanished", (long long)mid);
        return -1;
    }
    memset(h, 0, sizeof *h);
    store_report *r = &h->r;
    r->event_type = hold(h->type, sizeof h->type, col_str(st, 0));
    int flags = sqlite3_column_int(st, 1);
    r->triggered = (flags & MARSAD_EVF_TRIGGER) != 0;
    r->date_explicit = (flags & MARSAD_EVF_DATE_EXPLICIT) != 0;
    r->actor1_generic = (flags & MARSAD_EVF_ACTOR1_GENERIC) != 0;
    r->actor2_generic = (flags & MARSAD_EVF_ACTOR2_GENERIC) != 0;
    r->day = store_day_of(col_str(st, 2), &r->has_day);
    r->precision = sqlite3_column_int(st, 3);
    r->has_place = sqlite3_column_type(st, 9) != SQLITE_NULL;
    r->lat = sqlite3_column_double(st, 4);
    r->lon = sqlite3_column_double(st, 5);
    r->geo_precision = sqlite3_column_int(st, 6);
    r->country = hold(h->country, sizeof h->country, col_str(st, 7));
    r->admin1 = hold(h->admin1, sizeof h->admin1, col_str(st, 8));
    r->location_name = hold(h->location, sizeof h->location, col_str(st, 9));
    r->actor1 = hold(h->actor1, sizeof h->actor1, col_str(st, 10));
    r->actor2 = hold(h->actor2, sizeof h->actor2, col_str(st, 11));
    r->article_id = sqlite3_column_int64(st, 12);
    h->score = sqlite3_column_int64(st, 13);
    h->actor_score = sqlite3_column_int64(st, 14);
    const char *key = col_str(st, 16);
    store_mention_order(key ? key : "", sqlite3_column_int(st, 15), h->order,
                        sizeof h->order);
    memcpy(h->actor_order, h->order, sizeof h->order);
    for (int k = 0; k < 3; k++) h->fig[k] = sqlite3_column_int64(st, 17 + k);
    sqlite3_reset(st);
    return 0;
}

static int load_event(store *s, int64_t eid, held_report *h) {
    sqlite3_stmt *st = stmt(s, Q_EVENT_LOAD);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        store_set_error(s, "event %lld vanished", (long long)eid);
        return -1;
    }
    memset(h, 0, sizeof *h);
    store_report *r = &h->r;
    r->event_type = hold(h->type, sizeof h->type, col_str(st, 0));
    int flags = sqlite3_column_int(st, 1);
    r->triggered = (flags & MARSAD_EVF_TRIGGER) != 0;
    r->date_explicit = (flags & MARSAD_EVF_DATE_EXPLICIT) != 0;
    r->day = store_day_of(col_str(st, 2), &r->has_day);
    r->precision = sqlite3_column_int(st, 3);
    r->lat = sqlite3_column_double(st, 4);
    r->lon = sqlite3_column_double(st, 5);
    r->geo_precision = sqlite3_column_int(st, 6);
    r->country = hold(h->country, sizeof h->country, col_str(st, 7));
    r->admin1 = hold(h->admin1, sizeof h->admin1, col_str(st, 8));
    r->location_name = hold(h->location, sizeof h->location, col_str(st, 9));
    r->has_place = r->location_name != NULL;
    r->actor1 = hold(h->actor1, sizeof h->actor1, col_str(st, 10));
    r->actor2 = hold(h->actor2, sizeof h->actor2, col_str(st, 11));
    int aflags = sqlite3_column_int(st, 12);
    r->actor1_generic = (aflags & MARSAD_EVF_ACTOR1_GENERIC) != 0;
    r->actor2_generic = (aflags & MARSAD_EVF_ACTOR2_GENERIC) != 0;
    r->article_id = sqlite3_column_int64(st, 13);
    h->score = sqlite3_column_int64(st, 14);
    hold(h->order, sizeof h->order, col_str(st, 15));
    h->actor_score = sqlite3_column_int64(st, 16);
    hold(h->actor_order, sizeof h->actor_order, col_str(st, 17));
    sqlite3_reset(st);
    return 0;
}

/* Writes the R*Tree entry of event eid from its representative. */
static int write_box(store *s, int64_t eid) {
    held_report e;
    if (load_event(s, eid, &e)) return -1;
    sqlite3_stmt *st = stmt(s, Q_BOX_DELETE);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    if (run(s, st, "events_box")) return -1;
    if (!e.r.has_day) return 0; /* undated events are found by article */
    long lo, hi;
    store_event_window(&e.r, &lo, &hi);
    if (!(st = stmt(s, Q_BOX_INSERT))) return -1;
    sqlite3_bind_int64(st, 1, eid);
    sqlite3_bind_double(st, 2, (double)lo);
    sqlite3_bind_double(st, 3, (double)hi);
    sqlite3_bind_double(st, 4, e.r.lat);
    sqlite3_bind_double(st, 5, e.r.lon);
    return run(s, st, "events_box");
}

typedef struct {
    long fig[3];
    size_t n;
} unit_row;

static long unit_value(void *ctx, size_t i) {
    const long *v = ctx;
    return v[i];
}
static int unit_same(void *ctx, size_t i, size_t j) {
    (void)ctx;
    return i == j; /* each row is one source already */
}

/* Recomputes the figures and counts of event eid from its sources. */
static int event_counts(store *s, int64_t eid) {
    sqlite3_stmt *st = stmt(s, Q_UNITS_OF_EVENT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    long *v[3] = {NULL, NULL, NULL};
    size_t n = 0, cap = 0, nmentions = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            for (int k = 0; k < 3; k++) {
                long *nv = realloc(v[k], cap * sizeof *nv);
                if (!nv) {
                    for (int j = 0; j < 3; j++) free(v[j]);
                    sqlite3_reset(st);
                    store_set_error(s, "out of memory");
                    return -1;
                }
                v[k] = nv;
            }
        }
        for (int k = 0; k < 3; k++) v[k][n] = sqlite3_column_int64(st, k);
        nmentions += (size_t)sqlite3_column_int64(st, 3);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        for (int k = 0; k < 3; k++) free(v[k]);
        return fail_db(s, "event sources");
    }
    long fig[3];
    for (int k = 0; k < 3; k++) {
        fig[k] = merge_lowest_credible(n, unit_value, unit_same, v[k]);
        free(v[k]);
    }
    if (!(st = stmt(s, Q_EVENT_SET_COUNTS))) return -1;
    sqlite3_bind_int64(st, 1, eid);
    for (int k = 0; k < 3; k++) sqlite3_bind_int64(st, 2 + k, fig[k]);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)n);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)nmentions);
    return run(s, st, "event counts");
}

/* Candidate events of a mention, without repeats. */
typedef struct {
    int64_t *id;
    size_t n, cap;
} id_list;

static int ids_add(id_list *l, int64_t id) {
    for (size_t i = 0; i < l->n; i++)
        if (l->id[i] == id) return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 32;
        int64_t *ni = realloc(l->id, nc * sizeof *ni);
        if (!ni) return -1;
        l->id = ni;
        l->cap = nc;
    }
    l->id[l->n++] = id;
    return 0;
}

static int collect(store *s, sqlite3_stmt *st, id_list *l) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (ids_add(l, sqlite3_column_int64(st, 0))) {
            sqlite3_reset(st);
            store_set_error(s, "out of memory");
            return -1;
        }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail_db(s, "candidates");
}

static int candidates(store *s, const store_report *m, id_list *l) {
    sqlite3_stmt *st;
    if (!m->has_day) {
        if (!(st = stmt(s, Q_CAND_UNDATED))) return -1;
        sqlite3_bind_int64(st, 1, m->article_id);
        return collect(s, st, l);
    }
    long lo, hi;
    double la0, la1, lo0, lo1;
    store_report_window(m, &lo, &hi, &la0, &la1, &lo0, &lo1);
    if (!(st = stmt(s, Q_CAND_BOX))) return -1;
    sqlite3_bind_double(st, 1, (double)lo);
    sqlite3_bind_double(st, 2, (double)hi);
    sqlite3_bind_double(st, 3, la0);
    sqlite3_bind_double(st, 4, la1);
    sqlite3_bind_double(st, 5, lo0);
    sqlite3_bind_double(st, 6, lo1);
    if (collect(s, st, l)) return -1;
    if (m->admin1 && *m->admin1) {
        /* a region-level mention fits any event of its region; a precise
         * one fits the region-level events of its region */
        int region = m->geo_precision >= 3;
        if (!(st = stmt(s, region ? Q_CAND_ADMIN1 : Q_CAND_REGION))) return -1;
        bind_str(st, 1, m->admin1);
        sqlite3_bind_int64(st, 2, lo - MERGE_WINDOW_DAYS);
        sqlite3_bind_int64(st, 3, hi + MERGE_WINDOW_DAYS);
        if (collect(s, st, l)) return -1;
    }
    return 0;
}

static int set_mention_event(store *s, int64_t mid, int64_t eid) {
    sqlite3_stmt *st = stmt(s, Q_MENTION_SET_EVENT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, mid);
    if (eid) sqlite3_bind_int64(st, 2, eid);
    else sqlite3_bind_null(st, 2);
    return run(s, st, "mention event");
}

static int upsert_unit(store *s, int64_t eid, int64_t unit, const long *fig) {
    sqlite3_stmt *st = stmt(s, Q_UNIT_UPSERT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    sqlite3_bind_int64(st, 2, unit);
    for (int k = 0; k < 3; k++) sqlite3_bind_int64(st, 3 + k, fig[k]);
    return run(s, st, "event sources");
}

static int unit_of(store *s, int64_t article_id, int64_t *unit) {
    sqlite3_stmt *st = stmt(s, Q_UNIT_OF);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, article_id);
    int rc = sqlite3_step(st);
    *unit = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -article_id;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_db(s, "unit");
}

/* Puts mention mid into the best fitting event, or a new one. */
static int attach(store *s, int64_t mid, store_put_result *res) {
    held_report m;
    if (load_mention(s, mid, &m)) return -1;
    if (!m.r.has_place) return 0; /* an event needs a place */
    id_list cand = {0};
    if (candidates(s, &m.r, &cand)) {
        free(cand.id);
        return -1;
    }
    int64_t best = 0;
    double best_km = 0;
    long best_days = 0;
    /* the chosen event's ranks (its strings are not needed after the loop) */
    long best_score = 0, best_actor_score = 0;
    char best_order[sizeof m.order], best_actor_order[sizeof m.order];
    held_report e;
    for (size_t i = 0; i < cand.n; i++) {
        if (load_event(s, cand.id[i], &e)) {
            free(cand.id);
            return -1;
        }
        double km;
        long days;
        if (!store_report_fits(&e.r, &m.r, &km, &days)) continue;
        /* extraction already told the events of one article apart: another
         * event of the same article is no merge target */
        sqlite3_stmt *own = stmt(s, Q_EVENT_HAS_ARTICLE);
        if (!own) {
            free(cand.id);
            return -1;
        }
        sqlite3_bind_int64(own, 1, cand.id[i]);
        sqlite3_bind_int64(own, 2, m.r.article_id);
        int same_article = sqlite3_step(own) == SQLITE_ROW;
        sqlite3_reset(own);
        if (same_article) continue;
        int better = !best || km < best_km - 1e-9 ||
                     (km <= best_km + 1e-9 &&
                      (days < best_days ||
                       (days == best_days && cand.id[i] < best)));
        if (better) {
            best = cand.id[i];
            best_km = km;
            best_days = days;
            best_score = e.score;
            best_actor_score = e.actor_score;
            memcpy(best_order, e.order, sizeof best_order);
            memcpy(best_actor_order, e.actor_order, sizeof best_actor_order);
        }
    }
    free(cand.id);
    int64_t unit;
    if (unit_of(s, m.r.article_id, &unit)) return -1;
    sqlite3_stmt *st;
    if (!best) {
        if (!(st = stmt(s, Q_EVENT_NEW))) return -1;
        sqlite3_bind_int64(st, 1, mid);
        sqlite3_bind_text(st, 2, m.order, -1, SQLITE_STATIC);
        if (run(s, st, "new event")) return -1;
        best = sqlite3_last_insert_rowid(DB(s));
        if (write_box(s, best)) return -1;
        res->events_created++;
    } else {
        if (store_rank_beats(m.score, m.order, best_score, best_order)) {
            if (!(st = stmt(s, Q_EVENT_SET_REP))) return -1;
            sqlite3_bind_int64(st, 1, best);
            sqlite3_bind_int64(st, 2, mid);
            sqlite3_bind_text(st, 3, m.order, -1, SQLITE_STATIC);
            if (run(s, st, "event representative") || write_box(s, best))
                return -1;
        }
        if (store_rank_beats(m.actor_score, m.actor_order, best_actor_score,
                             best_actor_order)) {
            if (!(st = stmt(s, Q_EVENT_SET_ACTORS))) return -1;
            sqlite3_bind_int64(st, 1, best);
            sqlite3_bind_int64(st, 2, mid);
            sqlite3_bind_text(st, 3, m.actor_order, -1, SQLITE_STATIC);
            if (run(s, st, "event actors")) return -1;
        }
        res->events_joined++;
    }
    if (set_mention_event(s, mid, best) || upsert_unit(s, best, unit, m.fig))
        return -1;
    return event_counts(s, best);
}

/* Dissolves event eid and merges its mentions again (after some of them
 * were removed by an update of their article). */
static int remerge(store *s, int64_t eid, store_put_result *res) {
    sqlite3_stmt *st = stmt(s, Q_EVENT_MENTIONS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, eid);
    id_list l = {0};
    if (collect(s, st, &l)) return -1;
    int rc = 0;
    const int drops[] = {Q_EVENT_DETACH, Q_UNITS_DELETE, Q_BOX_DELETE,
                         Q_EVENT_DELETE};
    for (size_t k = 0; k < 4 && rc == 0; k++) {
        if (!(st = stmt(s, drops[k]))) rc = -1;
        else {
            sqlite3_bind_int64(st, 1, eid);
            rc = run(s, st, "dissolve event");
        }
    }
    store_put_result ignore = *res;
    for (size_t i = 0; i < l.n && rc == 0; i++) rc = attach(s, l.id[i], &ignore);
    free(l.id);
    return rc;
}

/* ---- storing an article ---------------------------------------------------- */

static int source_id(store *s, const char *name, int64_t *id) {
    *id = 0;
    if (!name || !*name) return 0;
    sqlite3_stmt *st = stmt(s, Q_SOURCE_GET);
    if (!st) return -1;
    bind_str(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return 0;
    if (rc != SQLITE_DONE) return fail_db(s, "sources");
    if (!(st = stmt(s, Q_SOURCE_ADD))) return -1;
    bind_str(st, 1, name);
    if (run(s, st, "sources")) return -1;
    *id = sqlite3_last_insert_rowid(DB(s));
    return 0;
}

/* The stored article d nearly copies (its original), or 0. */
static int near_duplicate(store *s, const store_doc *d, int64_t self,
                          int64_t *dup) {
    *dup = 0;
    if (d->nshingles < SIMHASH_MIN_SHINGLES) return 0;
    int best_dist = SIMHASH_NEAR_BITS + 1, rc = SQLITE_DONE;
    int64_t best = 0;
    for (int k = 0; k < SIMHASH_BANDS && rc == SQLITE_DONE; k++) {
        sqlite3_stmt *st = stmt(s, Q_NEAR0 + k);
        if (!st) return -1;
        sqlite3_bind_int(st, 1, simhash_band(d->simhash, k));
        sqlite3_bind_int64(st, 2, self);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            uint64_t h = (uint64_t)sqlite3_column_int64(st, 1);
            int dist = simhash_distance(h, d->simhash);
            /* link to the original, not to another copy */
            int64_t root = sqlite3_column_type(st, 2) == SQLITE_NULL
                               ? id : sqlite3_column_int64(st, 2);
            if (root == self || dist > SIMHASH_NEAR_BITS) continue;
            if (dist < best_dist || (dist == best_dist && root < best)) {
                best_dist = dist;
                best = root;
            }
        }
        sqlite3_reset(st);
    }
    if (rc != SQLITE_DONE) return fail_db(s, "near duplicates");
    *dup = best;
    return 0;
}

static void bind_article(sqlite3_stmt *st, const store_doc *d, int64_t src,
                         int64_t dup) {
    bind_str(st, 2, d->hash);
    bind_str(st, 3, d->doc_id);
    if (src) sqlite3_bind_int64(st, 4, src);
    else sqlite3_bind_null(st, 4);
    bind_str(st, 5, d->published);
    bind_str(st, 6, d->url);
    bind_str(st, 7, d->title);
    sqlite3_bind_text(st, 8, d->text, (int)d->text_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)d->simhash);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)d->nshingles);
    for (int k = 0; k < SIMHASH_BANDS; k++) {
        if (d->nshingles >= SIMHASH_MIN_SHINGLES)
            sqlite3_bind_int(st, 11 + k, simhash_band(d->simhash, k));
        else
            sqlite3_bind_null(st, 11 + k);
    }
    if (dup) sqlite3_bind_int64(st, 17, dup);
    else sqlite3_bind_null(st, 17);
}

static int insert_mention(store *s, int64_t aid, int ordinal,
                          const marsad_event *ev, int64_t *mid) {
    sqlite3_stmt *st = stmt(s, Q_MENTION_INSERT);
    if (!st) return -1;
    int ok;
    long day = store_day_of(ev->event_date, &ok);
    sqlite3_bind_int64(st, 1, aid);
    sqlite3_bind_int(st, 2, ordinal);
    bind_str(st, 3, ev->event_id ? ev->event_id : "");
    bind_str(st, 4, ev->event_date);
    if (ok) sqlite3_bind_int64(st, 5, day);
    else sqlite3_bind_null(st, 5);
    sqlite3_bind_int(st, 6, ev->time_precision);
    bind_str(st, 7, ev->event_type ? ev->event_type : "");
    bind_str(st, 8, ev->sub_event_type ? ev->sub_event_type : "");
    bind_str(st, 9, ev->actor1);
    bind_str(st, 10, ev->actor1_mention);
    bind_str(st, 11, ev->actor2);
    bind_str(st, 12, ev->actor2_mention);
    bind_str(st, 13, ev->location_name);
    bind_str(st, 14, ev->location_mention);
    bind_str(st, 15, ev->country);
    bind_str(st, 16, ev->admin1);
    if (ev->location_name) {
        sqlite3_bind_double(st, 17, ev->lat);
        sqlite3_bind_double(st, 18, ev->lon);
        sqlite3_bind_int(st, 19, ev->geo_precision);
    }
    sqlite3_bind_int64(st, 20, ev->fatalities);
    sqlite3_bind_int64(st, 21, ev->injured);
    sqlite3_bind_int64(st, 22, ev->captured);
    sqlite3_bind_double(st, 23, ev->confidence);
    bind_str(st, 24, ev->notes);
    sqlite3_bind_int(st, 25, (int)ev->flags);
    sqlite3_bind_int64(st, 26, store_mention_score(ev));
    sqlite3_bind_int64(st, 27, store_actor_score(ev));
    if (run(s, st, "mentions")) return -1;
    *mid = sqlite3_last_insert_rowid(DB(s));
    for (size_t i = 0; i < ev->nclaims; i++) {
        const marsad_claim *c = &ev->claims[i];
        if (!(st = stmt(s, Q_CLAIM_INSERT))) return -1;
        sqlite3_bind_int64(st, 1, *mid);
        sqlite3_bind_int(st, 2, (int)i);
        bind_str(st, 3, c->kind);
        sqlite3_bind_int64(st, 4, c->count);
        bind_str(st, 5, c->qualifier);
        bind_str(st, 6, c->side);
        bind_str(st, 7, c->attributed_to);
        if (run(s, st, "claims")) return -1;
    }
    for (size_t i = 0; i < ev->nevidence; i++) {
        if (!(st = stmt(s, Q_EVIDENCE_INSERT))) return -1;
        sqlite3_bind_int64(st, 1, *mid);
        sqlite3_bind_int(st, 2, (int)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)ev->evidence[i].start);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)ev->evidence[i].end);
        if (run(s, st, "evidence")) return -1;
    }
    return 0;
}

/* Removes what an article brought (mentions, claims, evidence, sentences,
 * index entry) before new content replaces it; *affected receives the
 * events its mentions were in. */
static int remove_article_parts(store *s, int64_t aid, const char *old_title,
                                const char *old_text, id_list *affected) {
    sqlite3_stmt *st = stmt(s, Q_ARTICLE_EVENTS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, aid);
    if (collect(s, st, affected)) return -1;
    if (!(st = stmt(s, Q_FTS_DELETE))) return -1;
    sqlite3_bind_int64(st, 1, aid);
    bind_str(st, 2, old_title);
    bind_str(st, 3, old_text);
    if (run(s, st, "search index")) return -1;
    const int drops[] = {Q_CLAIMS_DELETE, Q_EVIDENCE_DELETE, Q_MENTIONS_DELETE,
                         Q_SENT_DELETE};
    for (size_t k = 0; k < 4; k++) {
        if (!(st = stmt(s, drops[k]))) return -1;
        sqlite3_bind_int64(st, 1, aid);
        if (run(s, st, "remove article parts")) return -1;
    }
    return 0;
}

static int put_body(store *s, const store_doc *d, store_put_result *res) {
    sqlite3_stmt *st = stmt(s, Q_ARTICLE_BY_KEY);
    if (!st) return -1;
    bind_str(st, 1, d->key);
    int rc = sqlite3_step(st);
    int64_t aid = 0;
    char *old_title = NULL, *old_text = NULL;
    int found = rc == SQLITE_ROW, same = 0;
    if (found) {
        aid = sqlite3_column_int64(st, 0);
        const char *h = col_str(st, 1);
        same = h && strcmp(h, d->hash) == 0;
        if (!same) {
            const char *t = col_str(st, 2), *x = col_str(st, 3);
            old_title = t ? strdup(t) : NULL;
            old_text = strdup(x ? x : "");
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail_db(s, "article lookup");
    if (same) {
        res->action = STORE_UNCHANGED;
        res->article_id = aid;
        return 0;
    }
    id_list affected = {0};
    int64_t src = 0, dup = 0;
    int err = source_id(s, d->source, &src) ||
              near_duplicate(s, d, aid, &dup);
    if (!err && found) {
        err = remove_article_parts(s, aid, old_title, old_text, &affected);
        if (!err && (st = stmt(s, Q_ARTICLE_UPDATE))) {
            sqlite3_bind_int64(st, 1, aid);
            bind_article(st, d, src, dup);
            err = run(s, st, "articles");
        } else {
            err = -1;
        }
        res->action = STORE_REPLACED;
    } else if (!err) {
        if ((st = stmt(s, Q_ARTICLE_INSERT))) {
            bind_str(st, 1, d->key);
            bind_article(st, d, src, dup);
            err = run(s, st, "articles");
            aid = sqlite3_last_insert_rowid(DB(s));
        } else {
            err = -1;
        }
        res->action = STORE_ADDED;
    }
    free(old_title);
    free(old_text);
    res->article_id = aid;
    res->duplicate_of = dup;
    if (!err && (st = stmt(s, Q_FTS_INSERT))) {
        sqlite3_bind_int64(st, 1, aid);
        bind_str(st, 2, d->title);
        sqlite3_bind_text(st, 3, d->text, (int)d->text_len, SQLITE_STATIC);
        err = run(s, st, "search index");
    } else {
        err = -1;
    }
    for (size_t i = 0; !err && i < d->nsentences; i++) {
        if (!(st = stmt(s, Q_SENT_INSERT))) {
            err = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)d->sentences[i].start);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)d->sentences[i].end);
        sqlite3_bind_int64(st, 5, d->paragraphs[i]);
        err = run(s, st, "sentences");
    }
    /* events that lost mentions are merged again from what is left */
    for (size_t i = 0; !err && i < affected.n; i++)
        err = remerge(s, affected.id[i], res);
    free(affected.id);
    size_t n = marsad_events_count(d->mentions);
    for (size_t i = 0; !err && i < n; i++) {
        int64_t mid;
        err = insert_mention(s, aid, (int)i, marsad_events_get(d->mentions, i), &mid) ||
              attach(s, mid, res);
        res->mentions++;
    }
    return err ? -1 : 0;
}

static int sq_put(store *s, const store_doc *d, store_put_result *res) {
    sq *q = s->impl;
    if (q->readonly) {
        store_set_error(s, "the store is open read-only");
        return -1;
    }
    /* one article, all or nothing, inside or outside a batch */
    if (exec(s, "SAVEPOINT put")) return -1;
    if (put_body(s, d, res) != 0) {
        sqlite3_exec(DB(s), "ROLLBACK TO put; RELEASE put", NULL, NULL, NULL);
        store_prefix_error(s, d->doc_id);
        return -1;
    }
    return exec(s, "RELEASE put");
}

_Static_assert(Q_COUNT <= SQ_WRITE_SLOTS, "statement slots");

const store_driver store_sqlite_driver = {
    "sqlite",
    sq_open,
    sq_close,
    sq_schema_version,
    sq_article_state,
    sq_begin,
    sq_commit,
    sq_rollback,
    sq_put,
    sq_events_each,
    sq_event_get,
    sq_aggregate,
    sq_article_get,
    sq_search,
    sq_stats,
    sq_check,
    NULL, /* no work queue: one SQLite file has one writer */
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL, /* changes are seen on the files (serve/cache.c) */
};
