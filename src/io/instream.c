/*
 * instream.c — bytes from a file or memory, gunzipped on the fly, held in a
 * window that grows to at most INSTREAM_MAX_WINDOW (see instream.h).
 *
 * Cost: every byte is read (and inflated) once; the window is compacted by
 * memmove when its free tail runs short, which moves each byte at most a
 * bounded number of times per doubling, so reading is linear in the input.
 */
#include "io/instream.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK ((size_t)1 << 14)  /* read and inflate step */
#define INBUF ((size_t)1 << 16)  /* compressed bytes read from a file at once */
#define PROBE_BYTES 4096         /* output that shows a resumed member is real */

struct instream {
    FILE *f;
    int owns;
    const unsigned char *mem; /* memory source, or NULL */
    size_t memlen, mempos;
    int src_eof, src_error;

    instream_mode mode;
    int decided; /* gzip or raw known */
    int gz;

    /* gzip state */
    z_stream z;
    int zinit;
    int in_member;        /* inside a member (header seen) */
    uint64_t member_out;  /* bytes the current member produced */
    int member_magic;     /* the current member starts with 1f 8b */
    uint64_t members;     /* members finished */
    unsigned char *inbuf; /* compressed bytes read from a file */
    uint64_t raw_read;    /* compressed bytes read from the source */
    int probing;          /* after a resume: output not yet trusted */
    size_t probe_mark;    /* window end when the probe began */
    uint64_t probe_out;

    /* the window */
    char *buf;
    size_t cap, start, end;
    uint64_t off; /* decoded offset of buf[start] */

    instream_status st;
    char err[256];
    int err_pending;
};

static void set_err(instream *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(instream *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->err_pending = 1;
}

static instream *new_stream(instream_mode mode) {
    instream *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->mode = mode;
    s->st = INSTREAM_OK;
    return s;
}

instream *instream_from_file(FILE *f, int owns, instream_mode mode) {
    instream *s = new_stream(mode);
    if (!s) return NULL;
    s->f = f;
    s->owns = owns;
    return s;
}

instream *instream_from_mem(const void *data, size_t len, instream_mode mode) {
    instream *s = new_stream(mode);
    if (!s) return NULL;
    s->mem = data ? data : (const unsigned char *)"";
    s->memlen = data ? len : 0;
    return s;
}

void instream_free(instream *s) {
    if (!s) return;
    if (s->zinit) inflateEnd(&s->z);
    if (s->f && s->owns) fclose(s->f);
    free(s->inbuf);
    free(s->buf);
    free(s);
}

/* Compressed bytes handed to inflate so far. */
uint64_t instream_raw_offset(const instream *s) {
    return s->gz ? s->raw_read - s->z.avail_in : 0;
}

/* Appends more compressed input after the unconsumed bytes. Returns the
 * number of new bytes (0 at the end of the source or on error). */
static size_t refill_in(instream *s) {
    if (s->mem) {
        size_t rest = s->memlen - s->mempos;
        size_t room = (size_t)UINT_MAX - s->z.avail_in;
        size_t n = rest < room ? rest : room;
        if (n > ((size_t)1 << 30)) n = (size_t)1 << 30;
        if (s->z.avail_in == 0) s->z.next_in = (Bytef *)(s->mem + s->mempos);
        s->z.avail_in += (uInt)n;
        s->mempos += n;
        s->raw_read += n;
        if (n == 0) s->src_eof = 1;
        return n;
    }
    if (!s->inbuf && !(s->inbuf = malloc(INBUF))) {
        s->src_error = 1;
        set_err(s, "out of memory");
        return 0;
    }
    if (s->z.avail_in && s->z.next_in != s->inbuf)
        memmove(s->inbuf, s->z.next_in, s->z.avail_in);
    s->z.next_in = s->inbuf;
    size_t room = INBUF - s->z.avail_in;
    size_t n = (room && !s->src_eof) ? fread(s->inbuf + s->z.avail_in, 1, room, s->f)
                                     : 0;
    if (n < room) {
        if (ferror(s->f)) s->src_error = 1;
        else s->src_eof = 1;
    }
    s->z.avail_in += (uInt)n;
    s->raw_read += n;
    return n;
}

/* Raw mode: reads up to n bytes from the source into dst (bytes decide()
 * peeked at come first). */
static size_t src_read(instream *s, char *dst, size_t n) {
    if (s->z.avail_in) {
        size_t k = n < s->z.avail_in ? n : s->z.avail_in;
        memcpy(dst, s->z.next_in, k);
        s->z.next_in += k;
        s->z.avail_in -= (uInt)k;
        return k;
    }
    if (s->mem) {
        size_t rest = s->memlen - s->mempos;
        if (n > rest) n = rest;
        memcpy(dst, s->mem + s->mempos, n);
        s->mempos += n;
        return n;
    }
    size_t got = fread(dst, 1, n, s->f);
    if (got < n && ferror(s->f)) s->src_error = 1;
    return got;
}

/* Makes room for at least CHUNK more bytes after the window's end (or what
 * is left below INSTREAM_MAX_WINDOW), compacting first, then doubling.
 * Returns 0; 1 when the window is full at its largest; -1 when memory runs
 * out. */
static int make_room(instream *s) {
    if (s->cap - s->end >= CHUNK) return 0;
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        if (s->probing) s->probe_mark -= s->start;
        s->end -= s->start;
        s->start = 0;
        if (s->cap - s->end >= CHUNK) return 0;
    }
    /* grow with the data, not with what a reader asks for: asking for
       64 MB of a 2 KB file must not allocate 64 MB */
    size_t need = s->end + CHUNK;
    size_t ncap = s->cap ? s->cap : CHUNK * 2;
    while (ncap < need) ncap *= 2;
    if (ncap > INSTREAM_MAX_WINDOW + 2 * CHUNK) ncap = INSTREAM_MAX_WINDOW + 2 * CHUNK;
    if (ncap <= s->cap) return s->cap > s->end ? 0 : 1;
    char *nb = realloc(s->buf, ncap);
    if (!nb) return -1;
    s->buf = nb;
    s->cap = ncap;
    return 0;
}

static int zstart(instream *s) {
    if (s->zinit) return 0;
    Bytef *next = s->z.next_in; /* bytes peeked by decide() stay queued */
    uInt avail = s->z.avail_in;
    memset(&s->z, 0, sizeof s->z);
    s->z.next_in = next;
    s->z.avail_in = avail;
    if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) return -1;
    s->zinit = 1;
    return 0;
}

static void decide(instream *s) {
    s->decided = 1;
    if (s->mode == INSTREAM_RAW) return;
    if (s->mode == INSTREAM_GZIP) {
        s->gz = 1;
    } else if (s->mem) {
        s->gz = s->memlen >= 2 && s->mem[0] == 0x1f && s->mem[1] == 0x8b;
    } else {
        /* peek at the file through the compressed-input buffer */
        while (s->z.avail_in < 2 && refill_in(s) > 0) {
        }
        s->gz = s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f &&
                s->z.next_in[1] == 0x8b;
        /* raw data: the peeked bytes stay queued in the input buffer and
           src_read hands them out first */
    }
    if (s->gz && zstart(s)) {
        s->st = INSTREAM_FAILED;
        set_err(s, "out of memory");
    }
}

/* Looks for the next gzip member header (1f 8b 08) in the compressed input,
 * from the current position. Returns 1 positioned on it, 0 at the end. */
static int scan_member(instream *s) {
    for (;;) {
        while (s->z.avail_in < 3 && refill_in(s) > 0) {
        }
        if (s->z.avail_in < 3) {
            s->z.next_in += s->z.avail_in;
            s->z.avail_in = 0;
            return 0;
        }
        const unsigned char *p = s->z.next_in;
        size_t n = s->z.avail_in;
        for (size_t i = 0; i + 2 < n; i++)
            if (p[i] == 0x1f && p[i + 1] == 0x8b && p[i + 2] == 8) {
                s->z.next_in += i;
                s->z.avail_in -= (uInt)i;
                return 1;
            }
        /* keep the last two bytes: a header may straddle the refill */
        s->z.next_in += n - 2;
        s->z.avail_in = 2;
        if (refill_in(s) == 0) {
            s->z.next_in += s->z.avail_in;
            s->z.avail_in = 0;
            return 0;
        }
    }
}

static void begin_probe(instream *s) {
    inflateReset(&s->z);
    s->in_member = 0;
    s->member_out = 0;
    s->probing = 1;
    s->probe_mark = s->end;
    s->probe_out = 0;
}

/* One inflate step into the window. */
static void gz_step(instream *s) {
    if (s->z.avail_in == 0 && refill_in(s) == 0) {
        if (s->src_error) {
            s->st = INSTREAM_FAILED;
            if (!s->err_pending) set_err(s, "read error at compressed byte %llu",
                                         (unsigned long long)s->raw_read);
        } else if (s->probing) {
            /* the resumed "member" ran into the end: it was not one */
            s->end = s->probe_mark;
            s->probing = 0;
            s->st = INSTREAM_EOF;
        } else if (s->in_member) {
            s->st = INSTREAM_TRUNCATED;
            set_err(s, "truncated gzip data: it ends inside a member at compressed "
                       "byte %llu (the %llu bytes decoded before the cut are kept)",
                    (unsigned long long)s->raw_read,
                    (unsigned long long)(s->off + (s->end - s->start)));
        } else {
            s->st = INSTREAM_EOF;
        }
        return;
    }
    if (!s->in_member) {
        /* zero padding between or after members is tolerated */
        while (s->z.avail_in && *s->z.next_in == 0) {
            s->z.next_in++;
            s->z.avail_in--;
        }
        if (s->z.avail_in == 0) return;
        s->in_member = 1;
        s->member_out = 0;
        s->member_magic = s->z.avail_in < 2 ||
                          (s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b);
    }
    size_t room = s->cap - s->end;
    if (room > UINT_MAX) room = UINT_MAX;
    s->z.next_out = (Bytef *)(s->buf + s->end);
    s->z.avail_out = (uInt)room;
    uint64_t at = instream_raw_offset(s);
    int rc = inflate(&s->z, Z_NO_FLUSH);
    size_t produced = room - s->z.avail_out;
    s->end += produced;
    s->member_out += produced;
    if (s->probing) {
        s->probe_out += produced;
        if (s->probe_out >= PROBE_BYTES) s->probing = 0;
    }
    switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR: /* needs more input: the next step refills */
        return;
    case Z_STREAM_END:
        inflateReset(&s->z);
        s->in_member = 0;
        s->members++;
        s->probing = 0;
        return;
    case Z_MEM_ERROR:
        s->st = INSTREAM_FAILED;
        set_err(s, "out of memory while decompressing");
        return;
    default: /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
        if (s->probing) {
            /* a false start: drop its output, look further */
            s->end = s->probe_mark;
            begin_probe(s);
            if (!scan_member(s)) {
                s->probing = 0;
                s->st = INSTREAM_EOF;
            }
            return;
        }
        if (!s->member_magic && s->members > 0)
            set_err(s, "bytes after the last gzip member at compressed byte %llu "
                       "are not gzip data (%s)",
                    (unsigned long long)at, s->z.msg ? s->z.msg : "bad header");
        else if (!s->member_magic)
            set_err(s, "not gzip data at compressed byte %llu (%s)",
                    (unsigned long long)at, s->z.msg ? s->z.msg : "bad header");
        else
            set_err(s, "corrupt gzip data at compressed byte %llu: %s (the %llu "
                       "bytes decoded before it are kept)",
                    (unsigned long long)at, s->z.msg ? s->z.msg : "invalid data",
                    (unsigned long long)(s->off + (s->end - s->start)));
        s->st = INSTREAM_BREAK;
        inflateReset(&s->z);
        s->in_member = 0;
        return;
    }
}

size_t instream_fill(instream *s, size_t want) {
    if (want > INSTREAM_MAX_WINDOW) want = INSTREAM_MAX_WINDOW;
    if (!s->decided) decide(s);
    while ((s->end - s->start < want || s->probing) && s->st == INSTREAM_OK) {
        int room = make_room(s);
        if (room > 0) { /* full at its largest: trust a probe, stop */
            s->probing = 0;
            break;
        }
        if (room < 0) {
            s->st = INSTREAM_FAILED;
            set_err(s, "out of memory");
            break;
        }
        if (s->gz) {
            gz_step(s);
        } else {
            size_t n = src_read(s, s->buf + s->end, s->cap - s->end);
            s->end += n;
            if (n == 0) {
                s->st = s->src_error ? INSTREAM_FAILED : INSTREAM_EOF;
                if (s->src_error) set_err(s, "read error at byte %llu",
                                          (unsigned long long)(s->off + s->end - s->start));
            }
        }
    }
    return s->end - s->start;
}

const char *instream_data(const instream *s) {
    return s->buf ? s->buf + s->start : "";
}

size_t instream_avail(const instream *s) { return s->end - s->start; }

void instream_consume(instream *s, size_t n) {
    if (n > s->end - s->start) n = s->end - s->start;
    s->start += n;
    s->off += n;
    if (s->start == s->end) s->start = s->end = 0;
}

uint64_t instream_skip(instream *s, uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
        size_t step = n - done > CHUNK ? CHUNK : (size_t)(n - done);
        size_t got = instream_fill(s, step);
        if (got > step) got = step;
        if (got == 0) break;
        instream_consume(s, got);
        done += got;
    }
    return done;
}

uint64_t instream_offset(const instream *s) { return s->off; }

int instream_is_gzip(const instream *s) { return s->gz; }

instream_status instream_state(const instream *s) { return s->st; }

const char *instream_take_error(instream *s) {
    if (!s->err_pending) return NULL;
    s->err_pending = 0;
    return s->err;
}

int instream_resume(instream *s) {
    if (s->st != INSTREAM_BREAK || !s->gz) return 0;
    begin_probe(s);
    if (!scan_member(s)) {
        s->probing = 0;
        s->st = INSTREAM_EOF;
        return 0;
    }
    s->st = INSTREAM_OK;
    return 1;
}
