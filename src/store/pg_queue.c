/*
 * pg_queue.c — the work queue of the PostgreSQL backend (store.h, "Work
 * queue"; docs/scaling.md).
 *
 * Table queue (pg_schema.h): one row per article key, in the order of seq,
 * with its raw fields until it is stored. state: 0 waiting (or claimed: a
 * claim is a row lock, invisible to others until its transaction ends),
 * 1 stored with its merge pending, 2 done, 3 failed.
 *
 *  - A claim takes the oldest waiting rows nobody holds (FOR UPDATE SKIP
 *    LOCKED) and keeps its transaction open while the worker extracts;
 *    the commit stores each article's rows (pg_put_rows) and sets its state
 *    in that same transaction. A worker that dies ends its transaction:
 *    its rows are waiting again, nothing of them was stored.
 *  - Merging follows the queue order, so that the events do not depend on
 *    how many workers there are nor on which finishes first: under the
 *    merge lock, the stored articles are merged (pg_link_and_merge) in seq
 *    order up to the first row still waiting or claimed (the watermark).
 *    Whoever commits a batch merges what became ready; the last commit
 *    makes everything ready.
 */
#include "store/pg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { Q_WAITING = 0, Q_STORED = 1, Q_DONE = 2, Q_FAILED = 3 };

/* Articles merged per transaction of store_merge_ready. */
#define MERGE_CHUNK 200

static const char *nz(const char *s) { return s; }

int pg_enqueue(store *s, const marsad_article *a, int id_generated,
               int *queued) {
    char key[STORE_KEY_MAX], hash[STORE_HASH_HEX];
    store_article_identity(a, id_generated, NULL, key, hash);
    /* the key and the content alone: which model extracts it is the
     * worker's (an article stored already under the same model is found
     * unchanged when its batch is committed) */
    char *text = NULL;
    size_t tl = 0;
    text = marsad_utf8_sanitize(a->text ? a->text : "", a->text ? a->text_len : 0,
                                &tl, NULL);
    if (!text) {
        store_set_error(s, "out of memory");
        return -1;
    }
    const char *p[] = {key,        hash,          id_generated ? "t" : "f",
                       nz(a->id),  text,          nz(a->published),
                       nz(a->source), nz(a->url), nz(a->title)};
    PGresult *r = pg_exec(s, "queue",
                "INSERT INTO queue (seq, key, content_hash, id_generated, doc_id,"
                " text, published, source, url, title, state)"
                " VALUES (nextval('queue_seq'), $1, $2, $3, $4, $5, $6, $7, $8, $9, 0)"
                " ON CONFLICT (key) DO UPDATE SET seq = nextval('queue_seq'),"
                "  content_hash = EXCLUDED.content_hash,"
                "  id_generated = EXCLUDED.id_generated, doc_id = EXCLUDED.doc_id,"
                "  text = EXCLUDED.text, published = EXCLUDED.published,"
                "  source = EXCLUDED.source, url = EXCLUDED.url,"
                "  title = EXCLUDED.title, state = 0, article_id = NULL,"
                "  worker = NULL, error = NULL, stored_at = NULL"
                " WHERE queue.content_hash <> EXCLUDED.content_hash"
                "    OR queue.state = 3"
                " RETURNING seq",
                9, p);
    free(text);
    if (!r) return -1;
    *queued = PQntuples(r) > 0;
    PQclear(r);
    if (*queued) {
        r = pg_exec(s, "queue", "NOTIFY marsad_queue", 0, NULL);
        if (!r) return -1;
        PQclear(r);
    }
    return 0;
}

static char *field(store_arena *A, PGresult *r, int row, int col) {
    if (PQgetisnull(r, row, col)) return NULL;
    return store_arena_strn(A, PQgetvalue(r, row, col),
                            (size_t)PQgetlength(r, row, col));
}

store_batch *pg_claim(store *s, size_t max) {
    store_batch *b = calloc(1, sizeof *b);
    if (!b) {
        store_set_error(s, "out of memory");
        return NULL;
    }
    b->s = s;
    if (pg_run(s, "queue", "BEGIN")) {
        free(b);
        return NULL;
    }
    b->open = 1;
    char lim[24];
    const char *p[] = {pg_i64(lim, (int64_t)max)};
    PGresult *r = pg_exec(s, "queue",
                          "SELECT seq, id_generated, doc_id, text, published,"
                          " source, url, title FROM queue WHERE state = 0"
                          " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
                          1, p);
    if (!r) {
        store_batch_free(b);
        return NULL;
    }
    size_t n = (size_t)PQntuples(r);
    b->arts = calloc(n ? n : 1, sizeof *b->arts);
    b->id_generated = calloc(n ? n : 1, sizeof *b->id_generated);
    b->seq = calloc(n ? n : 1, sizeof *b->seq);
    if (!b->arts || !b->id_generated || !b->seq) {
        PQclear(r);
        store_set_error(s, "out of memory");
        store_batch_free(b);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        b->seq[i] = strtoll(PQgetvalue(r, row, 0), NULL, 10);
        b->id_generated[i] = PQgetvalue(r, row, 1)[0] == 't';
        marsad_article *a = &b->arts[i];
        a->id = field(&b->arena, r, row, 2);
        a->text = field(&b->arena, r, row, 3);
        a->text_len = a->text ? (size_t)PQgetlength(r, row, 3) : 0;
        a->published = field(&b->arena, r, row, 4);
        a->source = field(&b->arena, r, row, 5);
        a->url = field(&b->arena, r, row, 6);
        a->title = field(&b->arena, r, row, 7);
    }
    b->n = n;
    PQclear(r);
    if (b->arena.oom) {
        store_set_error(s, "out of memory");
        store_batch_free(b);
        return NULL;
    }
    if (n == 0) { /* nothing claimed: no transaction to keep */
        pg_run(s, "queue rollback", "ROLLBACK");
        b->open = 0;
    }
    return b;
}

/* The worker's name in the queue: host:pid. */
static void worker_name(char *out, size_t cap) {
    char host[128] = "";
    if (gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "?");
    snprintf(out, cap, "%s:%ld", host, (long)getpid());
}

static int set_state(store *s, int64_t seq, int state, int64_t article_id,
                     const char *worker, const char *error) {
    char sq[24], st[24], aid[24];
    const char *p[] = {pg_i64(sq, seq), pg_i64(st, state),
                       article_id ? pg_i64(aid, article_id) : NULL, worker, error};
    PGresult *r = pg_exec(s, "queue",
                          "UPDATE queue SET state = $2::smallint, article_id = $3, worker = $4,"
                          " error = $5, stored_at = now(),"
                          " text = CASE WHEN $2::smallint = 3 THEN text END"
                          " WHERE seq = $1",
                          5, p);
    if (!r) return -1;
    PQclear(r);
    return 0;
}

static int savepoint(store *s, const char *sql) {
    PGresult *r = pg_exec(s, "queue", sql, 0, NULL);
    if (!r) return -1;
    PQclear(r);
    return 0;
}

static int cmp_source(const void *a, const void *b) {
    return pg_source_order(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the batch's outlets first, in one order for every worker: two
 * workers adding the same new outlets in different orders would each wait
 * for the other's transaction. */
static int add_sources(store *s, store_batch *b, store_doc *const *docs) {
    const char **names = malloc((b->n ? b->n : 1) * sizeof *names);
    if (!names) {
        store_set_error(s, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (docs[i] && b->arts[i].source && *b->arts[i].source)
            names[n++] = b->arts[i].source;
    qsort(names, n, sizeof *names, cmp_source);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i && pg_source_order(names[i - 1], names[i]) == 0) continue;
        int64_t id;
        rc = pg_source_id(s, names[i], &id);
    }
    free(names);
    return rc;
}

int pg_batch_commit(store *s, store_batch *b, store_doc *const *docs,
                    size_t *stored) {
    char worker[200];
    worker_name(worker, sizeof worker);
    if (add_sources(s, b, docs)) goto fail;
    for (size_t i = 0; i < b->n; i++) {
        if (!docs[i]) {
            if (set_state(s, b->seq[i], Q_FAILED, 0, worker,
                          "extraction failed: out of memory"))
                goto fail;
            continue;
        }
        if (savepoint(s, "SAVEPOINT article")) goto fail;
        store_put_result res;
        memset(&res, 0, sizeof res);
        if (pg_put_rows(s, docs[i], &res) != 0) {
            /* a deadlock or a serialization failure is no fault of the
             * article: the whole batch returns to the queue */
            if (pg_failed_transient(s)) goto fail;
            char why[sizeof s->err];
            snprintf(why, sizeof why, "%s", s->err);
            if (savepoint(s, "ROLLBACK TO SAVEPOINT article") ||
                set_state(s, b->seq[i], Q_FAILED, 0, worker, why))
                goto fail;
            continue;
        }
        /* an unchanged article has nothing left to merge */
        int state = res.action == STORE_UNCHANGED ? Q_DONE : Q_STORED;
        if (set_state(s, b->seq[i], state, res.article_id, worker, NULL) ||
            savepoint(s, "RELEASE SAVEPOINT article"))
            goto fail;
        (*stored)++;
    }
    if (pg_run(s, "queue commit", "COMMIT")) {
        b->open = 0;
        *stored = 0;
        return -1;
    }
    b->open = 0;
    return 0;
fail:
    pg_run(s, "queue rollback", "ROLLBACK");
    b->open = 0;
    *stored = 0;
    return -1;
}

void pg_batch_end(store_batch *b) {
    pg_run(b->s, "queue rollback", "ROLLBACK");
    b->open = 0;
}

/* Takes the merge lock for this transaction: waiting for it, or (wait 0)
 * only when nobody holds it. Returns 1 taken, 0 busy, -1 error. */
static int merge_lock(store *s, int wait) {
    if (wait) return pg_merge_lock(s) ? -1 : 1;
    char k[24];
    const char *p[] = {pg_i64(k, PG_MERGE_LOCK)};
    PGresult *r = pg_exec(s, "merge lock", "SELECT pg_try_advisory_xact_lock($1::bigint)",
                          1, p);
    if (!r) return -1;
    int got = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return got;
}

/* One transaction of merging: at most max articles. *n receives how many
 * were merged (0: nothing is ready); *busy is set when another worker
 * holds the lock and wait is 0. */
static int merge_chunk(store *s, size_t max, int wait, size_t *n, int *busy) {
    *n = 0;
    *busy = 0;
    if (pg_run(s, "merge", "BEGIN")) return -1;
    int got = merge_lock(s, wait);
    if (got < 0) goto fail;
    if (got == 0) {
        *busy = 1;
        return pg_run(s, "merge", "ROLLBACK");
    }
    char lim[24];
    const char *p[] = {pg_i64(lim, (int64_t)max)};
    /* the watermark is read after the lock: every commit before it is seen */
    PGresult *r = pg_exec(s, "merge",
                          "SELECT seq, article_id FROM queue WHERE state = 1"
                          " AND seq < COALESCE((SELECT min(seq) FROM queue"
                          "                      WHERE state = 0), 9223372036854775807)"
                          " ORDER BY seq LIMIT $1",
                          1, p);
    if (!r) goto fail;
    int rows = PQntuples(r);
    strbuf seqs = {0};
    strbuf_puts(&seqs, "{");
    for (int i = 0; i < rows; i++) {
        int64_t aid = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        store_put_result res;
        memset(&res, 0, sizeof res);
        if (pg_link_and_merge_locked(s, aid, &res)) {
            PQclear(r);
            free(seqs.s);
            goto fail;
        }
        strbuf_printf(&seqs, "%s%s", i ? "," : "", PQgetvalue(r, i, 0));
    }
    strbuf_puts(&seqs, "}");
    if (seqs.oom) {
        PQclear(r);
        free(seqs.s);
        store_set_error(s, "out of memory");
        goto fail;
    }
    /* the chunk's articles are done, at once */
    const char *pp[] = {seqs.s};
    PGresult *u = rows ? pg_exec(s, "merge", "UPDATE queue SET state = 2"
                                 " WHERE seq = ANY($1::bigint[])", 1, pp)
                       : NULL;
    free(seqs.s);
    if (rows && !u) {
        PQclear(r);
        goto fail;
    }
    PQclear(u);
    PQclear(r);
    if (pg_run(s, "merge commit", "COMMIT")) return -1;
    *n = (size_t)rows;
    return 0;
fail:
    pg_run(s, "merge rollback", "ROLLBACK");
    return -1;
}

int pg_merge_ready(store *s, size_t max, int wait, size_t *merged) {
    for (;;) {
        size_t want = MERGE_CHUNK;
        if (max && max - *merged < want) want = max - *merged;
        if (want == 0) return 0;
        size_t n;
        int busy;
        if (merge_chunk(s, want, wait, &n, &busy)) return -1;
        *merged += n;
        if (busy || n < want) return 0;
    }
}

int pg_queue_stats(store *s, store_queue_stats *out) {
    PGresult *r = pg_exec(s, "queue", "SELECT state, count(*) FROM queue GROUP BY state",
                          0, NULL);
    if (!r) return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        int state = atoi(PQgetvalue(r, i, 0));
        long n = atol(PQgetvalue(r, i, 1));
        if (state == Q_WAITING) out->queued = n;
        else if (state == Q_STORED) out->unmerged = n;
        else if (state == Q_DONE) out->done = n;
        else if (state == Q_FAILED) out->failed = n;
    }
    PQclear(r);
    return 0;
}
