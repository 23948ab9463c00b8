/* test_pg_search.c — the search terms of the PostgreSQL backend without a
 * server: tsquery literals of plain and raw queries
 * (tests/data/pg_tsquery.tsv), tsvector literals (folded words and stems at
 * one position, title weighted A, PostgreSQL's limits), and the snippets any
 * backend can make (tests/data/snippets.tsv). */
#include "table.h"
#include "test.h"
#include "store/pg_internal.h"
#include "store/snippet.h"

#include <stdlib.h>
#include <string.h>

/* A row of pg_tsquery.tsv: plain or raw, the query, its literal. */
static void tsquery_row(char **f, int n, int line, void *ctx) {
    (void)ctx;
    if (n == 2) f[n++] = ""; /* an empty expected literal */
    CHECK_EQ_INT(n, 3);
    if (n != 3) return;
    char *out = NULL, err[128] = "";
    int rc = pg_tsquery_literal(f[1], strcmp(f[0], "raw") == 0, &out, NULL,
                                err, sizeof err);
    const char *got = rc ? "ERROR" : out;
    if (strcmp(got, f[2]) != 0)
        fprintf(stderr, "  pg_tsquery.tsv:%d: %s gives %s\n", line, f[1], got);
    CHECK_EQ_STR(got, f[2]);
    if (rc) CHECK(strlen(err) > 0);
    free(out);
}

TEST(pg_tsquery_table)
{
    CHECK(table_rows("tests/data/pg_tsquery.tsv", tsquery_row, NULL) >= 12);
}

TEST(pg_tsvector_literal)
{
    /* stems at their word's position, title words weighted A before the
     * text's, every lexeme once with its positions */
    char *v = pg_tsvector_literal("بنغازي", "قتلى في ومصراته", strlen("قتلى في ومصراته"));
    CHECK_EQ_STR(v, "'بنغاز':1A 'بنغازي':1A 'في':4D 'قتل':3D 'قتلي':3D"
                    " 'مصرات':5D 'مصراته':5D 'نغاز':1A 'نغازي':1A 'ومصرات':5D"
                    " 'ومصراته':5D");
    free(v);
    /* an empty text has an empty vector */
    v = pg_tsvector_literal(NULL, "", 0);
    CHECK_EQ_STR(v, "");
    free(v);
    /* a long text: positions stop at 16383, at most 256 per lexeme */
    size_t n = 20000;
    char *big = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) memcpy(big + 2 * i, "a ", 2);
    big[2 * n] = '\0';
    v = pg_tsvector_literal(NULL, big, 2 * n);
    CHECK(v != NULL);
    size_t commas = 0;
    for (const char *p = v; p && *p; p++) commas += *p == ',';
    CHECK_EQ_INT(commas, 255);
    CHECK(v && strstr(v, "16383") == NULL);
    free(v);
    memcpy(big + 2 * (n - 2), "b ", 2);
    v = pg_tsvector_literal(NULL, big, 2 * n);
    CHECK(v && strstr(v, "'b':16383D") != NULL);
    free(v);
    free(big);
}

/* A row of snippets.tsv: query, text, its snippet. */
static void snippet_row(char **f, int n, int line, void *ctx) {
    (void)ctx;
    CHECK_EQ_INT(n, 3);
    if (n != 3) return;
    snippet_query *q = snippet_query_new();
    char *tsq = NULL, err[128];
    CHECK(pg_tsquery_literal(f[0], 0, &tsq, q, err, sizeof err) == 0);
    long score;
    char *s = snippet_make(q, f[1], strlen(f[1]), "[", "]", 24, &score);
    if (!s || strcmp(s, f[2]) != 0)
        fprintf(stderr, "  snippets.tsv:%d: %s\n", line, s ? s : "(null)");
    CHECK_EQ_STR(s, f[2]);
    CHECK(score > 0 || !strchr(f[2], '['));
    free(s);
    free(tsq);
    snippet_query_free(q);
}

TEST(snippet_table)
{
    CHECK(table_rows("tests/data/snippets.tsv", snippet_row, NULL) >= 5);
    /* bad input: empty and invalid text give a snippet, not a crash */
    snippet_query *q = snippet_query_new();
    CHECK(snippet_query_add(q, "x", 1, 0) == 0);
    char *s = snippet_make(q, "", 0, "[", "]", 24, NULL);
    CHECK_EQ_STR(s, "");
    free(s);
    s = snippet_make(q, "\xff\xfe x \xc3", 6, "<b>", "</b>", 24, NULL);
    CHECK(s && strstr(s, "<b>x</b>"));
    free(s);
    snippet_query_free(q);
}
