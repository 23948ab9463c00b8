/*
 * tsv.h — reading the editable tables in data/: tab-separated lines, '#'
 * comments and blank lines skipped, errors reported as "PATH:LINE: what".
 *
 * Usage:
 *     tsv_reader r;
 *     if (tsv_open(&r, datadir, "months.tsv", err, errlen)) return fail;
 *     while (tsv_next(&r)) { ... r.field[0] ... r.nfields ...;
 *         if (bad) { tsv_error(&r, err, errlen, "bad month '%s'", f); ... } }
 *     tsv_close(&r);
 */
#ifndef MARSAD_TSV_H
#define MARSAD_TSV_H

#include "lex/phrase.h"

#include <stddef.h>

#define TSV_MAX_FIELDS 16

typedef struct {
    char path[1024];      /* datadir/name, for messages */
    char *buf;            /* the whole file, split in place; owned */
    size_t len, pos;
    int line;             /* 1-based line number of the current row */
    int nfields;          /* fields of the current row */
    char *field[TSV_MAX_FIELDS]; /* NUL-terminated, trimmed of '\r' */
} tsv_reader;

/* Reads datadir/name whole. Returns 0, or -1 with "PATH: reason" in err. */
int tsv_open(tsv_reader *r, const char *datadir, const char *name, char *err,
             size_t errlen);

/* Advances to the next row that is neither blank nor a comment (first
 * character '#'). Returns 1 with the row's fields set, 0 at the end. A row
 * with more than TSV_MAX_FIELDS fields keeps the rest in its last field. */
int tsv_next(tsv_reader *r);

/* Writes "PATH:LINE: " + message into err. */
void tsv_error(const tsv_reader *r, char *err, size_t errlen, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* Frees the buffer; safe to call twice. */
void tsv_close(tsv_reader *r);

/* Splits s in place at each occurrence of sep (a one-byte separator),
 * writing at most max pieces into out; returns how many. An empty s or "-"
 * gives 0 pieces. Pieces are trimmed of spaces. */
int tsv_split(char *s, char sep, char **out, int max);

/* Checks that the current row has min to max fields. Returns 0, or -1 after
 * writing "PATH:LINE: expected N tab-separated fields (COLUMNS), got K"
 * ("N or M" when min < max) into err. */
int tsv_want_fields(const tsv_reader *r, int min, int max, const char *columns,
                    char *err, size_t errlen);

/* Index of s in names[0..n), or -1. */
int tsv_name_index(const char *s, const char *const *names, size_t n);

/* Makes room for need elements of elem bytes in the realloc'd array *p of
 * capacity *cap (doubling, at least 64). Returns 0, or -1 out of memory
 * (then *p is unchanged). */
int tsv_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Adds phrase to d with value n, the index of a new entry of the table *p
 * (capacity *cap, elem bytes each), which it grows to hold n + 1 entries;
 * the caller then stores the entry. Returns 0, or -1 after writing
 * "PATH:LINE: out of memory" or "PATH:LINE: empty WHAT" (the phrase has no
 * letters) into err. */
int tsv_add_phrase(const tsv_reader *r, phrase_dict *d, const char *phrase,
                   void **p, size_t *cap, size_t n, size_t elem,
                   const char *what, char *err, size_t errlen);

#endif
