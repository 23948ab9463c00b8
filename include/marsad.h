/*
 * marsad.h — the public interface of libmarsad: Arabic news in, conflict
 * events out.
 *
 * Conventions (see docs/architecture.md):
 *  - Every object is an opaque handle made by marsad_X_new/_load and released
 *    by marsad_X_free; a free function accepts NULL.
 *  - Text is UTF-8 given as (pointer, byte length); it need not be valid nor
 *    NUL-terminated. Invalid bytes are read as U+FFFD and counted, never
 *    rejected. All spans are byte offsets into the text exactly as given.
 *  - Functions that can fail return marsad_status; the message is kept on the
 *    handle or written to a caller buffer. The library never prints or exits.
 *  - Read-only resources (marsad_model) are shared between threads; per
 *    document state (marsad_doc) belongs to one thread at a time.
 */
#ifndef MARSAD_H
#define MARSAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MARSAD_VERSION "0.1.0"

typedef enum {
    MARSAD_OK = 0,
    MARSAD_ERR_IO,       /* a file could not be read or written */
    MARSAD_ERR_PARSE,    /* malformed input (JSON, data file line, ...) */
    MARSAD_ERR_DATA,     /* a resource file is missing or malformed */
    MARSAD_ERR_ARG,      /* a caller passed an invalid argument */
    MARSAD_ERR_NOMEM
} marsad_status;

/* A byte range [start, end) in a text. */
typedef struct {
    size_t start, end;
} marsad_span;

/* ------------------------------------------------------------------------
 * UTF-8 decoding
 * ------------------------------------------------------------------------ */

/* Decodes one code point of s[i..len). Returns the number of bytes consumed
 * (always >= 1 when i < len, 0 at the end). An invalid, overlong, surrogate or
 * truncated sequence consumes exactly one byte and yields U+FFFD with
 * *invalid set to 1; otherwise *invalid is 0. */
size_t marsad_utf8_next(const char *s, size_t len, size_t i, int32_t *cp,
                        int *invalid);

/* Number of invalid bytes in s (0 for valid UTF-8). Linear time. */
size_t marsad_utf8_invalid_count(const char *s, size_t len);

/* Writes a valid UTF-8 copy of s to a new malloc'd, NUL-terminated buffer
 * (caller frees), replacing each invalid byte with U+FFFD and each NUL byte
 * with a space. *out_len receives its length; *replaced (may be NULL) the
 * number of bytes replaced. Returns NULL only when memory runs out. */
char *marsad_utf8_sanitize(const char *s, size_t len, size_t *out_len,
                           size_t *replaced);

/* ------------------------------------------------------------------------
 * Arabic normalization (folding for matching; the original is never changed)
 *
 * NFKC compatibility forms (presentation forms ﻻ → لا), tashkeel, tatweel and
 * invisible format characters removed; أ إ آ ٱ → ا; ى ی → ي; ة ۀ → ه;
 * ؤ → و; ئ → ي; Persian/Urdu letters to their Arabic counterparts; Arabic-
 * Indic and Eastern Arabic-Indic digits → ASCII; Arabic punctuation → ASCII;
 * Latin case-folded and accents removed; any white space → one space.
 * ------------------------------------------------------------------------ */

/* Folds s into out (capacity cap bytes). Returns the folded length, which may
 * exceed cap: then out holds a truncated prefix and the caller retries with a
 * larger buffer. out is NUL-terminated when cap > result. */
size_t marsad_fold(const char *s, size_t len, char *out, size_t cap);

/* Folds s into a new malloc'd NUL-terminated string (caller frees). */
char *marsad_fold_dup(const char *s, size_t len, size_t *out_len);

/* A folded whole text with a map back to the original offsets. */
typedef struct marsad_normtext marsad_normtext;

/* Builds the folded form of s. Returns NULL when memory runs out. */
marsad_normtext *marsad_normtext_new(const char *s, size_t len);
/* The folded text (NUL-terminated, owned by nt) and its length. */
const char *marsad_normtext_str(const marsad_normtext *nt, size_t *len);
/* Offset in the original text of the code point that produced folded byte
 * `off` (off == folded length maps to the original length). */
size_t marsad_normtext_orig(const marsad_normtext *nt, size_t off);
void marsad_normtext_free(marsad_normtext *nt);

/* ------------------------------------------------------------------------
 * Tokens, sentences and paragraphs
 * ------------------------------------------------------------------------ */

typedef enum {
    MARSAD_TOK_WORD = 0,  /* letters (Arabic or Latin), with marks/tatweel */
    MARSAD_TOK_NUMBER,    /* digits, with inner separators: 3.5, 1,000 */
    MARSAD_TOK_PUNCT,     /* one punctuation or symbol character */
    MARSAD_TOK_QUOTE      /* a quotation mark: " « » “ ” ' ‘ ’ */
} marsad_token_kind;

enum {
    MARSAD_TOKF_GLUED = 1,      /* no white space before this token */
    MARSAD_TOKF_INVALID = 2,    /* contains invalid UTF-8 bytes */
    MARSAD_TOKF_PARA_START = 4  /* first token of a paragraph */
};

typedef struct {
    size_t start, end;    /* bytes in the original text */
    const char *norm;     /* folded form, NUL-terminated, owned by the doc */
    uint32_t norm_len;
    uint32_t sentence;    /* index of its sentence */
    uint8_t kind;         /* marsad_token_kind */
    uint8_t flags;        /* MARSAD_TOKF_* */
    uint16_t key_hi;      /* internal: a hash of norm that the lexicons */
    uint32_t key_lo;      /* look words up by (0 on a token made by hand) */
} marsad_token;

typedef struct {
    size_t start, end;          /* bytes, trimmed of surrounding white space */
    uint32_t first_token, ntokens;
    uint32_t paragraph;
} marsad_sentence;

/* A tokenized document: owns a copy of the text, its tokens and sentences. */
typedef struct marsad_doc marsad_doc;

/* Tokenizes and segments text (copied). Linear time in len. Returns NULL only
 * when memory runs out. */
marsad_doc *marsad_doc_new(const char *text, size_t len);
void marsad_doc_free(marsad_doc *doc);
const char *marsad_doc_text(const marsad_doc *doc, size_t *len);
const marsad_token *marsad_doc_tokens(const marsad_doc *doc, size_t *n);
const marsad_sentence *marsad_doc_sentences(const marsad_doc *doc, size_t *n);
size_t marsad_doc_paragraph_count(const marsad_doc *doc);
/* Invalid UTF-8 bytes and NUL bytes met while tokenizing. */
size_t marsad_doc_invalid_bytes(const marsad_doc *doc);
size_t marsad_doc_nul_bytes(const marsad_doc *doc);
const char *marsad_token_kind_name(int kind);

/* ------------------------------------------------------------------------
 * Clitics
 * ------------------------------------------------------------------------ */

/* One proposed segmentation of a folded word: `pro` bytes of proclitics
 * (و ف ب ل ك ال and their combinations) and `enc` bytes of enclitics
 * (ه ها هم هما هن ك كم كما نا ي ...), the stem between them. */
typedef struct {
    uint8_t pro, enc;
} marsad_seg;

/* Proposes segmentations of the folded word w (n bytes), the whole word
 * first, then by growing amount stripped; stems keep at least two letters.
 * Writes at most max into out and returns how many. It only proposes: a
 * lexicon decides which one is real, so names are never mangled. */
int marsad_clitic_segments(const char *w, size_t n, marsad_seg *out, int max);


/* ------------------------------------------------------------------------
 * Articles, the model and extraction
 * ------------------------------------------------------------------------ */

/* An article: text plus metadata. All fields are views the caller owns;
 * any may be NULL except text (text_len may be 0). published is an ISO date
 * or date-time ("2016-04-24", "2016-04-24T10:00:00Z"). doc, when not NULL,
 * is marsad_doc_new(text, text_len), made already (the reader makes it with
 * marsad_reader_options.tokenize): marsad_extract then reads its tokens
 * instead of tokenizing the text again. */
typedef struct {
    const char *id;
    const char *text;
    size_t text_len;
    const char *published;
    const char *source;
    const char *url;
    const char *title;
    const marsad_doc *doc;
} marsad_article;

/* Called for each problem met while reading input or extracting: the file
 * (or article id), its 1-based line (0 when not applicable) and a message. */
typedef void (*marsad_diag_fn)(void *ctx, const char *file, size_t line,
                               const char *msg);

/* Everything extraction reads from data/ (gazetteer, actors, triggers, number
 * and date words), loaded once and shared read-only between threads. */
typedef struct marsad_model marsad_model;

/* The data directory used when none is given: $MARSAD_DATA when set, else
 * the data/ directory of the source tree the library was built from. */
const char *marsad_default_datadir(void);

/* Loads every resource under datadir (NULL: marsad_default_datadir()). On
 * failure returns NULL and writes "FILE:LINE: reason" into err. */
marsad_model *marsad_model_load(const char *datadir, char *err, size_t errlen);
void marsad_model_free(marsad_model *m);
/* 16 hex digits that change when the data files of the model (every file
 * under its data directory) or MARSAD_VERSION change: what was extracted
 * under one fingerprint may differ under another. */
const char *marsad_model_fingerprint(const marsad_model *m);

/* One figure reported for an event (see spec/EVENTS.md "claims"). */
typedef struct {
    const char *kind;          /* "killed", "injured", "captured" */
    long count;
    const char *qualifier;     /* "exact", "at_least", "at_most", "about" */
    const char *side;          /* "actor1", "actor2", "civilians", "unknown" */
    const char *attributed_to; /* Arabic source text, or NULL */
} marsad_claim;

/* One event record (spec/EVENTS.md). Strings are owned by the marsad_events
 * that holds the event; NULL means the field is null. */
typedef struct {
    const char *doc_id;
    const char *event_id;
    const char *event_date;      /* "YYYY-MM-DD" or NULL when unknown */
    int time_precision;          /* 1 day, 2 week, 3 month */
    const char *event_type;
    const char *sub_event_type;
    const char *actor1, *actor1_mention;
    const char *actor2, *actor2_mention;
    const char *actor1_type, *actor2_type; /* ACLED kind: "state forces", ... */
    const char *location_name, *location_mention;
    const char *country, *admin1;  /* ISO 3166 alpha-2; district */
    const char *country_name;      /* English name of the country */
    double lat, lon;
    int geo_precision;
    long fatalities, injured, captured; /* 0 when none reported */
    const marsad_claim *claims;
    size_t nclaims;
    const marsad_span *evidence; /* spans of supporting sentences */
    size_t nevidence;
    double confidence;
    const char *notes;
    const char *source;          /* the article's source, or NULL */
    unsigned flags;              /* MARSAD_EVF_*: how the record was read */
} marsad_event;

/* What a record rests on (marsad_event.flags), for whoever merges records
 * later (the store): */
enum {
    MARSAD_EVF_TRIGGER = 1,         /* an event word, not casualties only */
    MARSAD_EVF_PLACE_EXPLICIT = 2,  /* the place is named in its sentences */
    MARSAD_EVF_DATE_EXPLICIT = 4,   /* the date is stated in its sentences */
    MARSAD_EVF_ACTOR1_GENERIC = 8,  /* actor1 is generic ("gunmen") or civilians */
    MARSAD_EVF_ACTOR2_GENERIC = 16  /* actor2 likewise */
};

/* The events read from one article, with the article's text for evidence. */
typedef struct marsad_events marsad_events;

enum {
    MARSAD_LEVEL_EVENTS = 0,  /* one event per place per day (default) */
    MARSAD_LEVEL_MENTIONS = 1 /* every sentence-level event mention */
};

/* Extracts events from one article. Problems (no date, no text, ...) are
 * reported through diag (may be NULL) and never stop extraction. Returns NULL
 * only when memory runs out. */
marsad_events *marsad_extract(const marsad_model *m, const marsad_article *a,
                              int level, marsad_diag_fn diag, void *ctx);
size_t marsad_events_count(const marsad_events *ev);
const marsad_event *marsad_events_get(const marsad_events *ev, size_t i);
/* The article text the evidence spans point into. */
const char *marsad_events_text(const marsad_events *ev, size_t *len);
void marsad_events_free(marsad_events *ev);

/* An empty list of records whose evidence spans point into text (copied;
 * NULL for none), for callers that build records themselves (the store
 * renders merged events with marsad_events_render). Free with
 * marsad_events_free; NULL when memory runs out. */
marsad_events *marsad_events_new(const char *text, size_t len);
/* Appends a deep copy of ev (strings, claims and evidence are copied).
 * Returns 0, or -1 when memory runs out. */
int marsad_events_append(marsad_events *E, const marsad_event *ev);

/* Writes the one-sentence English summary of ev (the notes field, ACLED
 * style) into buf of capacity cap (NUL-terminated, truncated to fit).
 * Returns the length written. */
size_t marsad_event_notes(const marsad_event *ev, char *buf, size_t cap);

/* Output formats of marsad_events_render. */
typedef enum {
    MARSAD_FORMAT_JSONL = 0,
    MARSAD_FORMAT_CSV,
    MARSAD_FORMAT_GEOJSON,
    MARSAD_FORMAT_TEXT  /* one readable line per event, for people */
} marsad_format;

/* Renders the events as text in the given format into a new malloc'd,
 * NUL-terminated string (caller frees); NULL when memory runs out.
 * CSV: the header is written only when with_header is set. GeoJSON: one
 * Feature per line, each followed by ",\n" unless it is `last_batch`'s last;
 * marsad_geojson_open/close give the surrounding FeatureCollection. */
char *marsad_events_render(const marsad_events *ev, marsad_format f,
                           int with_header);
const char *marsad_csv_header(void);
const char *marsad_geojson_open(void);
const char *marsad_geojson_close(void);

/* ------------------------------------------------------------------------
 * Reading articles from files
 * ------------------------------------------------------------------------ */

/* A source of articles. Input types, by file name (a trailing .gz means
 * gzip'd, read through zlib as the type without .gz):
 *   NAME.txt        one article, one paragraph per line; NAME.json beside it
 *                   (keys id, published, source, url, title) is its metadata
 *   NAME.html/.htm  one web page: title, date, site, URL and main text are
 *                   extracted (NAME.json beside it overrides what it gives)
 *   NAME.jsonl/.ndjson/.json  JSON Lines, one article object per line with
 *                   its text in "text" (or a web page in "html")
 *   NAME.warc       a WARC 1.0/1.1 crawl (or .warc.gz, gzip'd as a whole or
 *                   record by record): each 2xx HTML response is an article
 *                   with the record's WARC-Target-URI as url and its
 *                   WARC-Record-ID as id; other records are skipped
 *   a folder        every file of these types in it and its sub-folders, in
 *                   sorted path order; hidden files and NAME.json metadata
 *                   are not articles
 *   -               standard input: WARC, HTML or JSON Lines (by content)
 * A single path of another name is typed by its content: gzip magic, then
 * "WARC/1.", "<" (HTML), "{" (JSON Lines), else text.
 *
 * Article text and offsets. Evidence spans are byte offsets into the text the
 * reader returns:
 *  - .txt and JSON Lines: the text exactly as given, except that lines that
 *    are pure page furniture (share/print buttons, "إقرأ أيضا:" lines and the
 *    headlines after them, paywall, contact and copyright notices; rules in
 *    data/boilerplate.tsv) are replaced by spaces of the same byte length.
 *    The text keeps its length and every offset stays valid in the original
 *    file/string. marsad_reader_options.keep_boilerplate turns this off.
 *  - HTML and WARC: a text the reader builds from the page, "TITLE\n\n" then
 *    one paragraph per line; offsets refer to that text, not to the HTML.
 * published comes from the page's metadata only (meta tags, JSON-LD, <time>);
 * when the page has none it is NULL (never the crawl date) and the page's
 * visible dateline, if found, is the first line after the title, where
 * extraction looks for it.
 *
 * Bad input is reported through diag and reading goes on: invalid JSON or
 * UTF-8 names the file and line, a WARC problem names the record number and
 * byte offset, a gzip problem the compressed byte offset (what was decoded
 * before a truncation is kept). Memory is bounded: a text, page, line or
 * record over MARSAD_READER_MAX_DOC bytes is cut or skipped, with a message. */
typedef struct marsad_reader marsad_reader;

#define MARSAD_READER_MAX_DOC ((size_t)64 << 20)

typedef struct {
    const char *datadir;  /* where boilerplate.tsv is; NULL: the default */
    int keep_boilerplate; /* 1: leave boilerplate lines of text input as is */
    int tokenize;         /* 1: give text input's articles their doc (the
                             boilerplate pass reads the same tokens) */
} marsad_reader_options;

/* Opens path with default options. Problems are reported through diag;
 * returns NULL (after a diag) when the path cannot be read at all. */
marsad_reader *marsad_reader_open(const char *path, marsad_diag_fn diag,
                                  void *ctx);
/* Opens path with options (NULL: defaults). Also NULL when the boilerplate
 * rules cannot be loaded (the diag then names data/FILE:LINE). */
marsad_reader *marsad_reader_open_ex(const char *path,
                                     const marsad_reader_options *opt,
                                     marsad_diag_fn diag, void *ctx);
/* Reads len bytes of memory (copied) as if they were a file called name:
 * the name gives the type as above (and appears in messages); no folder and
 * no metadata file beside it. For tests and fuzzing. */
marsad_reader *marsad_reader_open_mem(const char *name, const void *data,
                                      size_t len,
                                      const marsad_reader_options *opt,
                                      marsad_diag_fn diag, void *ctx);
/* The next article, valid until the next call or marsad_reader_free; NULL at
 * the end. Unreadable files and bad lines are reported and skipped. */
const marsad_article *marsad_reader_next(marsad_reader *r);
/* 1 when the id of the article last returned was made up by the reader (a
 * JSON Lines line without "id" gets "lineN"), so it names no article beyond
 * this read; 0 when it came from metadata or a file name. */
int marsad_reader_id_generated(const marsad_reader *r);
/* Number of problems reported so far (warnings not counted). */
size_t marsad_reader_errors(const marsad_reader *r);

typedef struct {
    size_t articles;        /* returned by marsad_reader_next */
    size_t errors;          /* problems reported */
    size_t warnings;        /* diag messages starting with "warning:" */
    size_t records_skipped; /* WARC records that are not HTML pages with text */
    size_t lines_blanked;   /* boilerplate lines blanked in text input */
    size_t lines_dropped;   /* furniture lines left out of HTML pages */
} marsad_reader_stats;

void marsad_reader_get_stats(const marsad_reader *r, marsad_reader_stats *st);
void marsad_reader_free(marsad_reader *r);

/* ------------------------------------------------------------------------
 * Many articles on several threads, results in input order
 * ------------------------------------------------------------------------ */

/* Work on one article, run on any of the threads, the calling thread
 * included: returns a result for the sink (any pointer, NULL allowed).
 * The article is valid during the call only. Problems go to diag(dctx, ...),
 * which the pipeline hands on in input order. ctx is shared by all threads:
 * what work reads through it must be read-only or locked (a marsad_model is
 * read-only). */
typedef void *(*marsad_work_fn)(void *ctx, const marsad_article *a,
                                marsad_diag_fn diag, void *dctx);
/* Receives each work result, in input order, one call at a time, on the
 * thread that made the result unless that thread is busy with another
 * article and another thread has nothing else to do (so that results are
 * mostly freed by the thread that allocated them); it owns the result from
 * then on. */
typedef void (*marsad_sink_fn)(void *ctx, void *result);

/* Reads the articles of every path (as marsad_reader_open) and runs work on
 * each on `threads` threads (0: one per online CPU), calling sink
 * with the results in input order, so what the sink sees does not depend on
 * the number of threads. Every diagnostic (the reader's, then the work's, for
 * each article in turn) reaches diag in that same order, one call at a
 * time, between the sink's calls. The calling thread is one of the threads:
 * it reads, works, and hands on the results it made; with threads == 1 no
 * thread is started and everything happens on it; a thread that cannot be
 * started leaves its share to the others. A JSON Lines file (plain, named
 * .jsonl, .ndjson or .json) is read in parts of some 256 KB of whole lines by
 * the threads themselves; other input is read by the calling thread. At most
 * `window` units, an article or a part (0: 64 per thread; parts: at most 2
 * per thread), are read and not yet sunk at any time, so memory does not
 * grow with the input. Returns MARSAD_OK; MARSAD_ERR_ARG for a NULL work or
 * sink or threads < 0; MARSAD_ERR_NOMEM when the ring cannot be allocated. */
marsad_status marsad_run_articles(const char *const *paths, size_t npaths,
                                  int threads, size_t window,
                                  marsad_work_fn work, marsad_sink_fn sink,
                                  void *ctx, marsad_diag_fn diag, void *dctx);

/* marsad_run_articles with reader options (NULL: defaults). */
marsad_status marsad_run_articles_ex(const char *const *paths, size_t npaths,
                                     const marsad_reader_options *ropt,
                                     int threads, size_t window,
                                     marsad_work_fn work, marsad_sink_fn sink,
                                     void *ctx, marsad_diag_fn diag, void *dctx);

/* Online CPUs (at least 1). */
int marsad_cpu_count(void);

#ifdef __cplusplus
}
#endif
#endif /* MARSAD_H */
