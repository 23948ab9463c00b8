/*
 * instream.h — a bounded window over bytes read from a file, standard input
 * or memory, gunzipped on the fly when the data is gzip (one member or many
 * concatenated members, as in .warc.gz and .jsonl.gz).
 *
 * Readers ask for "at least n bytes" (instream_fill), look at them in place
 * (instream_data) and drop what they used (instream_consume); the window
 * grows up to INSTREAM_MAX_WINDOW, so memory stays bounded whatever the
 * input. Offsets are counted in decoded bytes from the start of the stream
 * (and, for gzip, in compressed bytes too) so messages can name them.
 *
 * Corrupt gzip data does not end the stream for good: the stream stops at
 * the last good byte with status INSTREAM_BREAK, and instream_resume skips to
 * the next gzip member that decodes (per-record gzip in WARC files makes this
 * worthwhile). Truncated gzip data ends the stream with INSTREAM_TRUNCATED,
 * keeping every byte decoded before the cut.
 */
#ifndef MARSAD_INSTREAM_H
#define MARSAD_INSTREAM_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

/* The largest window: a record or line of up to this many bytes can be held
 * whole (callers cap their own units below it). */
#define INSTREAM_MAX_WINDOW ((size_t)80 << 20)

typedef enum {
    INSTREAM_RAW = 0,  /* bytes as they are */
    INSTREAM_GZIP,     /* gzip data (an error when it is not) */
    INSTREAM_AUTO      /* gzip when the first two bytes are 1f 8b */
} instream_mode;

typedef enum {
    INSTREAM_OK = 0,     /* more may come */
    INSTREAM_EOF,        /* clean end */
    INSTREAM_BREAK,      /* corrupt gzip data: instream_resume may go on */
    INSTREAM_TRUNCATED,  /* gzip data cut short: the end */
    INSTREAM_FAILED      /* read error or out of memory: the end */
} instream_status;

typedef struct instream instream;

/* A stream over an open FILE (closed by instream_free when owns is set).
 * Returns NULL when memory runs out. */
instream *instream_from_file(FILE *f, int owns, instream_mode mode);

/* A stream over len bytes at data, which must stay valid and unchanged until
 * instream_free (not copied). */
instream *instream_from_mem(const void *data, size_t len, instream_mode mode);

void instream_free(instream *s);

/* Makes at least want bytes available in the window (want is clamped to
 * INSTREAM_MAX_WINDOW) unless the data ends, breaks or fails first. Returns
 * the number of bytes available. */
size_t instream_fill(instream *s, size_t want);

/* The window: instream_avail bytes from instream_data, valid until the next
 * fill, consume or resume. */
const char *instream_data(const instream *s);
size_t instream_avail(const instream *s);

/* Drops n bytes (at most instream_avail) from the front of the window. */
void instream_consume(instream *s, size_t n);

/* Drops n bytes, reading through them in bounded steps; returns how many
 * were dropped (fewer when the data ends first). */
uint64_t instream_skip(instream *s, uint64_t n);

/* Decoded offset of the first byte of the window. */
uint64_t instream_offset(const instream *s);

/* Compressed bytes consumed so far (0 for raw streams). */
uint64_t instream_raw_offset(const instream *s);

/* 1 when the data is being gunzipped. */
int instream_is_gzip(const instream *s);

/* Why no more bytes come once the window is drained (INSTREAM_OK while
 * more may come). */
instream_status instream_state(const instream *s);

/* The message of the last problem ("corrupt gzip data at compressed byte N:
 * invalid distance too far back", "truncated gzip data at compressed byte
 * N", ...) if it has not been taken yet, else NULL. The string belongs to the
 * stream and stays valid until the next call on it. */
const char *instream_take_error(instream *s);

/* After INSTREAM_BREAK, with the window drained: skips the compressed input
 * to the next gzip member that decodes and goes on from there. Returns 1 when
 * decoding resumed, 0 when no member was found (the stream is then at EOF). */
int instream_resume(instream *s);

#endif
