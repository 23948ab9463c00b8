/*
 * dates.h — dates in Arabic news: absolute dates in every format and every
 * region's month names (Egyptian/Gulf, Levantine, Maghrebi, Moroccan,
 * Libya's 1986-2011 names, Hijri), weekdays, and relative expressions
 * (أمس, ليلة أمس, الأربعاء الماضي, الأسبوع الماضي, خلال اليومين الماضيين,
 * 18 يناير الجاري ...) resolved against the publication date into a day or a
 * window with its ACLED time_precision (spec/EVENTS.md).
 *
 * Data: data/months.tsv, data/date-words.tsv (plus the numbers tables); the
 * loaded handle is immutable and may be shared between threads.
 *
 * Resolution choices (all windows are inclusive):
 *  - "D month" without a year takes the publication year, or the year before
 *    when that would fall more than one day after publication.
 *  - A weekday alone is the most recent such day on or before publication;
 *    with الماضي/المنصرم the most recent strictly before; with المقبل the
 *    first strictly after (flagged DATE_F_FUTURE). In a list (الجمعة والسبت
 *    الماضيين) each day is a mention of its own, all read with the suffix.
 *  - الأسبوع الماضي: the 7 days before publication; الأسبوع الجاري: from the
 *    last Saturday to publication; الشهر الماضي: the previous calendar month;
 *    الشهر الجاري: from its first day to publication; مطلع/منتصف/أواخر a
 *    month: days 1-10, 11-20, 21-end.
 *  - خلال اليومين/الأيام الماضية: the 2/7 days before publication; منذ/قبل N
 *    أيام: that day; منذ أيام: the 7 days before; منذ أسبوع: a 7-day window
 *    centred 7 days back; منذ X (a day): X to publication, when at most 31
 *    days, else X.
 *  - Hijri dates use the tabular (arithmetic) Islamic calendar: within a day
 *    or two of the announced dates.
 *  - Years alone (2011, منذ 2011, عام 2014) and periods longer than 31 days
 *    are not date mentions. The year of a date is 1900-2100 (Hijri
 *    1300-1700), or any year named so by سنة/عام before it or its era
 *    after it (العاشر من جمادى الأولى سنة 36 هـ, 3 مايو 1233م): history
 *    keeps its own date.
 * Precision: 1 one day; 2 a window of at most 7 days; 3 at most 31 days; the
 * date is then the window's midpoint (rounded down).
 */
#ifndef MARSAD_DATES_H
#define MARSAD_DATES_H

#include "marsad.h"
#include "lex/numbers.h"

/* A calendar date; y == 0 means unknown (m and d may still be known). */
typedef struct {
    int y, m, d;
} ymd;

enum {
    DATE_F_FUTURE = 1,     /* after publication (المقبل, غدا) */
    DATE_F_UNRESOLVED = 2, /* relative, but the publication date is unknown */
    DATE_F_SINCE = 4,      /* منذ X: a period from X to publication */
    DATE_F_HIJRI = 8       /* written in the Hijri calendar */
};

typedef struct {
    size_t tok_start, tok_end; /* tokens [tok_start, tok_end) */
    ymd date;                  /* the day, or the window's midpoint */
    ymd first, last;           /* the window; first == last for a day */
    int precision;             /* 1, 2, 3; 0 when unresolved */
    int relative;              /* 1 when read against the publication date */
    int flags;                 /* DATE_F_* */
} date_mention;

typedef struct dates dates;

/* Loads datadir/months.tsv and datadir/date-words.tsv (and the numbers
 * tables, for spelled-out lengths: قبل ثلاثة أيام). Returns the handle
 * (free with dates_free), or NULL with a message in err: a malformed line
 * gives "PATH:LINE: what is wrong". */
dates *dates_load(const char *datadir, char *err, size_t errlen);
/* The same, reading spelled-out lengths with nb (borrowed: it must outlive
 * the handle) rather than with a copy of the numbers tables of its own; nb
 * must have been loaded from the same datadir. NULL nb: as dates_load. */
dates *dates_load_with(const char *datadir, const numbers *nb,
                       char *err, size_t errlen);
void dates_free(dates *d);
/* Adds the dictionaries dates_find asks about every word to the group pg (see
 * phrase_group in lex/phrase.h), and one whose bit alone tells dates_find
 * where no date word that begins a date can be. */
struct phrase_group;
void dates_join(dates *d, struct phrase_group *pg);

/* The date expression starting at toks[i], resolved against published
 * (y == 0 when unknown: relative expressions are then returned with
 * precision 0 and DATE_F_UNRESOLVED). Returns 1 and fills *out, else 0. */
int dates_parse_at(const dates *d, const marsad_token *toks, size_t n,
                   size_t i, ymd published, date_mention *out);

/* Every date expression in the document, left to right, not overlapping.
 * Returns how many and sets *out to a malloc'd array (caller frees; NULL
 * when none or out of memory). Linear in the number of tokens. */
size_t dates_find(const dates *d, const marsad_doc *doc, ymd published,
                  date_mention **out);

/* The publication date from a dateline near the top of the text: a full
 * absolute date in one of the first paragraphs that stands in a short line
 * ("الأحد 24/أبريل/2016 - 02:53 م"), follows نشر/بتاريخ/تحديث, or is
 * followed by a time. Returns 1 and sets *out, else 0. */
int dates_dateline(const dates *d, const marsad_doc *doc, ymd *out);

/* ---- calendar helpers (pure functions) ---- */

/* 1 when y-m-d is a valid Gregorian date (years 1..9999). */
int ymd_valid(ymd a);
int ymd_days_in_month(int y, int m);
/* Days since 1970-01-01 (negative before), and back. */
long ymd_to_days(ymd a);
ymd ymd_from_days(long days);
ymd ymd_add_days(ymd a, long n);
/* b - a in days. */
long ymd_days_between(ymd a, ymd b);
/* 0 Sunday .. 6 Saturday. */
int ymd_weekday(ymd a);
/* Compares a and b: <0, 0, >0. */
int ymd_cmp(ymd a, ymd b);
/* Reads "YYYY-MM-DD" at the start of s (a time may follow: 2016-04-24T10:00).
 * Returns 1 when it is a valid date. */
int ymd_parse_iso(const char *s, size_t len, ymd *out);
/* Writes "YYYY-MM-DD" into buf (cap >= 11), unknown fields as ?? (y == 0:
 * "????-04-24"), and returns buf. */
char *ymd_format(ymd a, char *buf, size_t cap);
/* Tabular Islamic calendar. hijri_to_gregorian returns 0 for an invalid
 * Hijri date (month 1..12, day 1..30). */
int ymd_from_hijri(int hy, int hm, int hd, ymd *out);
void ymd_to_hijri(ymd g, int *hy, int *hm, int *hd);

#endif
