/*
 * warc.h — records of WARC files (ISO 28500, WARC/1.0 and WARC/1.1), plain
 * or gzip'd (whole file or one gzip member per record; the instream
 * decompresses), and the HTTP responses inside them.
 *
 * A damaged file is read as far as it goes: a record whose header is broken,
 * whose Content-Length is missing or wrong, or whose data is cut short is
 * reported (record number and byte offset) and the reader looks for the next
 * "WARC/1." line; a record larger than WARC_MAX_RECORD is skipped without
 * being held in memory.
 */
#ifndef MARSAD_WARC_H
#define MARSAD_WARC_H

#include "io/instream.h"

#include <stddef.h>
#include <stdint.h>

/* Records larger than this are skipped (reported). */
#define WARC_MAX_RECORD ((uint64_t)64 << 20)
/* A record header longer than this is broken. */
#define WARC_MAX_HEADER ((size_t)1 << 20)

typedef struct {
    uint64_t number;         /* 1-based, in the order met */
    uint64_t offset;         /* decoded byte offset of its "WARC/1." line */
    char type[32];           /* WARC-Type: response, request, warcinfo ... */
    char target_uri[2048];   /* WARC-Target-URI without <>, or "" */
    char record_id[256];     /* WARC-Record-ID without <>, or "" */
    char date[64];           /* WARC-Date, or "" */
    char content_type[256];  /* Content-Type of the block, or "" */
    const char *content;     /* the block: a view valid until the next
                                warc_next call */
    size_t content_len;
    uint64_t declared_len;   /* Content-Length */
    int truncated;           /* content_len < declared_len: the data ends */
} warc_record;

/* Called for each problem: the record number (0 before the first record),
 * the decoded byte offset it concerns and a message. */
typedef void (*warc_problem_fn)(void *ctx, uint64_t record, uint64_t offset,
                                const char *msg);

typedef struct warc_reader warc_reader;

/* Reads records from in (not owned; it must outlive the reader). NULL when
 * memory runs out. */
warc_reader *warc_open(instream *in, warc_problem_fn problem, void *ctx);
void warc_close(warc_reader *w);

/* The next record: 1 with *rec filled, 0 at the end of the data. A truncated
 * record is still returned (rec->truncated set, already reported). */
int warc_next(warc_reader *w, warc_record *rec);

/* The HTML page inside a response record. */
typedef struct {
    int status;          /* HTTP status code */
    char charset[64];    /* from the Content-Type header, or "" */
    const char *body;    /* the decoded payload: points into the record or
                            into `owned` */
    size_t body_len;
    char *owned;         /* malloc'd decoded payload (dechunked/gunzipped),
                            or NULL; free it */
} warc_page;

enum {
    WARC_PAGE_HTML = 1,   /* *page is an HTML page to read */
    WARC_PAGE_OTHER = 0,  /* not a 2xx HTML response: skip quietly */
    WARC_PAGE_BROKEN = -1 /* a response that cannot be decoded: err says why */
};

/* Reads the HTTP response message (status line, headers, body) of a
 * response record, undoing chunked transfer coding and gzip/deflate content
 * coding. Returns a WARC_PAGE_* value. */
int warc_http_page(const char *msg, size_t len, warc_page *page, char *err,
                   size_t errlen);

/* Reads a record's block as a page when it is HTML: a response (HTTP
 * message) or a resource whose Content-Type is text/html. Same returns. */
int warc_record_page(const warc_record *rec, warc_page *page, char *err,
                     size_t errlen);

#endif
