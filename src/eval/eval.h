/*
 * eval.h — scoring extracted events against gold annotations, as
 * spec/EVAL.md defines it.
 *
 * Three steps: load the gold (one JSON file per article) and the system
 * events (JSON Lines), score, then render the result as text or JSON. The
 * loaders never stop at a bad record: they skip it, append a diagnostic
 * ("FILE:LINE: what is wrong") to an eval_diags list and go on; the caller
 * decides what to print and which exit code it means.
 *
 * Choices EVAL.md leaves open, fixed here:
 *  - Date window: `date_window` when present; else the gold `date` ± 1 day;
 *    else any date. A system event whose event_date is null matches only a
 *    gold event that has neither date nor window.
 *  - A system or gold event without coordinates matches nothing.
 *  - Assignment: a maximum-weight bipartite matching per article where a
 *    pairing is worth, in lexicographic order, (1) required gold events
 *    matched, (2) optional gold events matched (they only take system events
 *    out of the precision denominator), (3) pairs whose sub_event_type is one
 *    of the gold sub_event_types, (4) minus the total distance (metres).
 *    Solved exactly by the Hungarian method on vector-valued costs in
 *    O(n²m), n = the smaller side; only when n·m or n²·m exceeds the limits
 *    of eval_options is a greedy (best pair first) used, and the result says
 *    so (eval_doc_result.approximate).
 *  - System events whose doc_id has no gold file are "unscored": counted,
 *    excluded from every figure. Gold files without system events count
 *    (their required events are misses).
 *  - Counts: null and 0 agree. Precision with no system event and ratios
 *    with nothing to count are undefined (NaN here, null in JSON, "-" in
 *    text); F1 is 0 when either of P and R is 0, undefined when one is
 *    undefined and the other is not 0.
 *  - Actor names: a gold actor is found when its name equals a system actor
 *    name after folding (marsad_fold: case and Arabic letter variants), or
 *    one of its aliases, normalized by eval_normalize_name, equals, contains
 *    or is contained in a normalized system actor mention (byte substring).
 */
#ifndef MARSAD_EVAL_H
#define MARSAD_EVAL_H

#include "marsad.h"

#include <jansson.h>
#include <stdint.h>

/* A date as days since 1970-01-01; EVAL_NO_DATE when unknown. */
#define EVAL_NO_DATE INT32_MIN
/* A count field that is null (or absent). */
#define EVAL_NULL_COUNT (-1L)

/* ------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------ */

typedef struct {
    int is_error; /* 1: the record was skipped; 0: a warning, record kept */
    char *msg;    /* "FILE[:LINE]: what is wrong" (owned by the list) */
} eval_diag;

typedef struct {
    eval_diag *items;
    size_t n, cap;
    size_t nerrors; /* items with is_error set */
} eval_diags;

/* Releases the messages (the struct itself is the caller's; zero it to
 * start). Accepts NULL. */
void eval_diags_free(eval_diags *d);

/* ------------------------------------------------------------------------
 * Gold
 * ------------------------------------------------------------------------ */

typedef struct {
    char *name;          /* canonical English name ("" when absent) */
    char *name_fold;     /* marsad_fold of name */
    char **aliases;      /* as written */
    char **aliases_norm; /* eval_normalize_name of each alias */
    size_t naliases;
} eval_actor;

typedef struct {
    char *id;                 /* "e1"; "#N" (position) when absent */
    int required;             /* status "required" (default) or "optional" */
    char *event_type;         /* "" when absent */
    char **alt_types;
    size_t nalt;
    char **sub_types;
    size_t nsub;
    int32_t date;             /* EVAL_NO_DATE when null */
    int32_t win_lo, win_hi;   /* inclusive; EVAL_NO_DATE both: any date */
    char *place;              /* location.name, else location.mention, else "" */
    double lat, lon, radius_km;
    int has_point;            /* lat and lon given */
    eval_actor *actors;
    size_t nactors;
    long fatalities, injured, captured; /* EVAL_NULL_COUNT when null */
} eval_gold_event;

typedef struct {
    char *doc_id;
    char *path;               /* file it was read from */
    eval_gold_event *events;
    size_t nevents;
} eval_gold_doc;

typedef struct {
    eval_gold_doc *docs;      /* sorted by doc_id once loading is done */
    size_t ndocs, cap;
} eval_gold;

/* An empty gold set (NULL when memory runs out); free with eval_gold_free. */
eval_gold *eval_gold_new(void);
void eval_gold_free(eval_gold *g);

/* Parses one gold file's text (name is used in messages and, without its
 * directory and ".json", as doc_id when the file has none) and adds it to g.
 * A malformed file adds an error to d and nothing to g; missing or mistyped
 * fields add warnings. Returns MARSAD_ERR_PARSE for a skipped file,
 * MARSAD_ERR_NOMEM, else MARSAD_OK. Keeps g sorted. */
marsad_status eval_gold_add_json(eval_gold *g, const char *name,
                                 const char *text, size_t len, eval_diags *d);

/* Loads every DIR/ *.json file (sorted by name) into a new gold set, stored
 * in *out (caller frees with eval_gold_free, also on error). Files that cannot
 * be read or parsed are reported in d and skipped. Returns MARSAD_ERR_IO when
 * the directory cannot be read, MARSAD_ERR_NOMEM, else MARSAD_OK. */
marsad_status eval_gold_load_dir(const char *dir, eval_gold **out,
                                 eval_diags *d);

/* The gold document with this doc_id, or NULL. Binary search. */
const eval_gold_doc *eval_gold_find(const eval_gold *g, const char *doc_id);

/* ------------------------------------------------------------------------
 * System events
 * ------------------------------------------------------------------------ */

typedef struct {
    char *doc_id;
    char *event_id;            /* "#LINE" when absent */
    size_t line;               /* line in the JSON Lines input (1-based) */
    int32_t date;              /* EVAL_NO_DATE when null */
    char *event_type, *sub_event_type; /* "" when absent */
    char *actor_name[2];       /* actor1, actor2; NULL when absent/null */
    char *actor_name_fold[2];
    char *actor_mention[2];
    char *actor_mention_norm[2];
    char *place;               /* location.name, else mention, else "" */
    double lat, lon;
    int has_point;
    long fatalities, injured, captured; /* EVAL_NULL_COUNT when null */
} eval_event;

typedef struct {
    eval_event *events;        /* in input order */
    size_t n, cap;
} eval_events;

eval_events *eval_events_new(void);
void eval_events_free(eval_events *ev);

/* Parses JSON Lines text (one event object per line; blank lines ignored)
 * and appends the events to ev. A line that is not a JSON object, or has no
 * doc_id, adds an error "name:LINE: ..." and is skipped; fields that are
 * missing or of the wrong type add one warning per field and file (with the
 * first line and the count) and are read as null/empty. Returns
 * MARSAD_ERR_NOMEM or MARSAD_OK. */
marsad_status eval_events_parse_jsonl(eval_events *ev, const char *name,
                                      const char *text, size_t len,
                                      eval_diags *d);

/* Reads path and parses it as above into a new set in *out (caller frees,
 * also on error). Returns MARSAD_ERR_IO when the file cannot be read. */
marsad_status eval_events_load_jsonl(const char *path, eval_events **out,
                                     eval_diags *d);

/* ------------------------------------------------------------------------
 * Scoring
 * ------------------------------------------------------------------------ */

typedef struct {
    /* Exact assignment when n·m <= max_cells and n²·m <= max_work (n, m the
     * smaller and larger side of an article's events); else greedy. 0 means
     * the default (4e6 cells, 1e9 steps). */
    size_t max_cells, max_work;
} eval_options;

typedef struct {
    size_t hit, total;
} eval_ratio;

/* Pooled counts; the figures are computed from these. */
typedef struct {
    size_t system;             /* system events scored */
    size_t system_optional;    /* of which matched to optional gold */
    size_t gold_required, gold_optional;
    size_t matched_required, matched_optional;
    eval_ratio sub_event, fatalities, injured, captured, date, actors;
    size_t nloc;               /* matched required pairs (location errors) */
} eval_counts;

/* Why a system event and a gold event cannot be paired. */
enum {
    EVAL_WHY_TYPE = 1,     /* event type is neither type nor alt type */
    EVAL_WHY_PLACE = 2,    /* too far, or a side has no coordinates */
    EVAL_WHY_DATE = 4,     /* outside the window, or no date */
    EVAL_WHY_TAKEN = 8     /* a candidate, paired elsewhere */
};

typedef struct {
    long sys;              /* index in the article's system events, or -1 */
    double dist_km;        /* when matched */
    int sub_ok, fatalities_ok, injured_ok, captured_ok;
    int date_ok;           /* -1 when the gold has no date */
    size_t actors_hit;     /* gold actors found */
    unsigned char *actor_found; /* per gold actor, 0/1 (nactors entries) */
    /* For a missed gold event: the closest system event and what failed. */
    long near;             /* -1 when the article has no system events */
    unsigned near_why;     /* EVAL_WHY_* */
    double near_km;        /* NaN when a side has no coordinates */
} eval_gold_result;

typedef struct {
    const eval_gold_doc *gold;
    size_t *sys;              /* indices into the eval_events, input order */
    size_t nsys;
    long *sys_gold;           /* per system event: gold index or -1 */
    long *sys_near;           /* per unmatched system event: closest gold */
    unsigned *sys_near_why;
    double *sys_near_km;
    eval_gold_result *gres;   /* per gold event */
    eval_counts counts;
    double *loc_err;          /* km, matched required pairs (counts.nloc) */
    int approximate;          /* greedy assignment was used */
} eval_doc_result;

typedef struct {
    const eval_gold *gold;    /* borrowed: must outlive the result */
    const eval_events *events;
    eval_doc_result *docs;    /* one per gold document, in gold order */
    size_t ndocs;
    eval_counts overall;
    double *loc_err;          /* pooled, sorted */
    size_t unscored_events;   /* system events of articles without gold */
    const char **unscored_docs; /* their doc_ids, sorted, distinct (borrowed) */
    size_t nunscored_docs;
    size_t approximate_docs;
} eval_result;

/* Scores events against gold (opt may be NULL). Returns NULL only when memory
 * runs out. The result borrows gold and events; free it with
 * eval_result_free before them. */
eval_result *eval_score(const eval_gold *gold, const eval_events *events,
                        const eval_options *opt);
void eval_result_free(eval_result *r);

/* Figures from counts (NaN when undefined, see the top of this file). */
double eval_precision(const eval_counts *c);
double eval_recall(const eval_counts *c);
double eval_f1(const eval_counts *c);
double eval_ratio_value(eval_ratio r);
/* Median of n values (sorts v in place); NaN when n is 0. */
double eval_median(double *v, size_t n);

/* ------------------------------------------------------------------------
 * Reports
 * ------------------------------------------------------------------------ */

/* The result as a JSON object {"overall": {...}, "per_doc": [...]}; per_doc
 * entries list the gold and false events only when per_doc is set. Caller
 * releases with json_decref. NULL when memory runs out. */
json_t *eval_report_json(const eval_result *r, int per_doc);

/* The result as text (overall table; with per_doc, one block per article
 * first). Malloc'd, caller frees; NULL when memory runs out. */
char *eval_report_text(const eval_result *r, int per_doc);

/* ------------------------------------------------------------------------
 * Helpers (exposed for tests)
 * ------------------------------------------------------------------------ */

/* Great-circle distance in km (haversine, Earth radius 6371.0088 km). */
double eval_distance_km(double lat1, double lon1, double lat2, double lon2);

/* Parses "YYYY-MM-DD" (a valid calendar date, nothing after it) into days
 * since 1970-01-01. Returns 0 on success, -1 otherwise. */
int eval_date_parse(const char *s, int32_t *days);
/* Writes days as "YYYY-MM-DD" into out (11 bytes), "-" for EVAL_NO_DATE. */
void eval_date_format(int32_t days, char out[11]);

/* The EVAL.md normalization of an actor alias or mention: marsad_fold (NFKC
 * forms, tashkeel and tatweel removed, أ إ آ ٱ → ا, ى → ي, ة → ه; it also
 * folds ؤ ئ, digits, punctuation and Latin case), trimmed, then one leading
 * و ف ب ل ك and a leading ال removed, each only when at least two letters
 * remain. Malloc'd (caller frees); NULL when memory runs out. */
char *eval_normalize_name(const char *s, size_t len);

#endif
