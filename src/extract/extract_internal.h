/*
 * extract_internal.h — the types extraction works on: mentions of places,
 * actors, numbers, dates and triggers as token ranges of one document, and
 * the model that holds every resource.
 *
 * The resolvers (gazetteer, actors, numbers, dates) are reached only through
 * resolve.c, which turns their results into these types: the extraction
 * rules never depend on how a resolver stores its data.
 */
#ifndef MARSAD_EXTRACT_INTERNAL_H
#define MARSAD_EXTRACT_INTERNAL_H

#include "marsad.h"
#include "lex/dates.h"
#include "lex/phrase.h"

#include <string.h>

typedef ymd x_ymd; /* y == 0: unknown */

typedef struct {
    size_t tok_start, tok_end;  /* the whole mention */
    const char *name;           /* English name */
    double lat, lon;
    char country[3];
    const char *country_name;   /* English name of the country, or NULL */
    const char *admin1;
    int precision;              /* geo_precision 1..3 */
    int in_org;                 /* not a location: inside an organization
                                   name, or only a landmark ("450 km east
                                   of X") */
    int org_hint;               /* inside an organization name ("قوات حكومة
                                   طرابلس"): a hint where nothing better is
                                   named */
    int district;               /* a quarter, suburb or district of a city */
    int relative;               /* "east of X", "near X": describes a place */
    double extent_km;           /* radius of its built-up area, roughly */
    uint32_t id;
} x_place;

typedef struct {
    size_t tok_start, tok_end;
    const char *name;           /* canonical English name */
    const char *type;           /* ACLED kind */
    int generic;                /* "gunmen", "the army": typed generic */
    int civilian;               /* civilians */
} x_actor;

enum { XQ_EXACT, XQ_AT_LEAST, XQ_AT_MOST, XQ_ABOUT };

typedef struct {
    size_t tok_start, tok_end;
    long value;
    int qualifier;              /* XQ_* */
    int vague;                  /* 0 figure; >0 vague word, bare plural... */
    int noun_tok;               /* counted noun inside the match, or -1 */
    int measure;                /* extraction's memo: 0 not asked yet, 1
                                   counts people, 2 money, time or a year */
} x_number;

typedef struct {
    size_t tok_start, tok_end;
    x_ymd date;                 /* the resolved day (midpoint of a window) */
    x_ymd first, last;          /* the window */
    int precision;              /* time_precision 1..3 */
} x_date;

/* Trigger lexicon classes (data/triggers.tsv). */
enum { TR_EVENT, TR_KILLED, TR_INJURED, TR_CAPTURED, TR_CUE };
/* Added to the rank of a weak trigger (a generic event word: attack, raid),
 * which gives its type only when no more specific one is in the sentence. */
#define WEAK_RANK (8 * 16)
/* Cue kinds. */
enum {
    CUE_IRREALIS,    /* threats, plans, intentions, calls, hypotheticals */
    CUE_DENIAL,      /* denials */
    CUE_TOTAL,       /* running totals, statistics over long periods */
    CUE_HISTORY,     /* background: "since 2011", "in the past" */
    CUE_ATTRIBUTION, /* "according to", "said" */
    CUE_REVISION,    /* "the toll rose to" */
    CUE_CIVILIAN,    /* a word naming civilian victims */
    CUE_NEGATION,    /* "no casualties", "without" */
    CUE_CLAUSE,      /* a connective opening a new clause */
    CUE_SPEECH,      /* a verb of saying: its date dates the statement */
    CUE_TERM,        /* a set phrase holding an event word: وقف إطلاق النار */
    CUE_MISHAP,      /* a death not by violence: earthquake, road accident */
    CUE_SPORT,       /* a game: its attacks, shots and injuries are play */
    CUE_TRADE,       /* buying, selling, making weapons: شراء طائرات حربية */
    CUE_COUNT
};

typedef struct {
    int cls;                    /* TR_* */
    const char *event_type, *sub_event_type; /* TR_EVENT */
    int cue;                    /* TR_CUE: CUE_* */
    int count_pos;              /* casualty triggers: where the count is:
                                   1 after, 2 before, 3 either */
    int rank;                   /* ACLED precedence, lower wins */
    int verb;                   /* a verb form (future/irrealis apply) */
    int gram_number;            /* casualty nouns: 1 sg, 2 dual, 3 plural */
    int disrupts;               /* Disrupted weapons use: the weapon named
                                   right after it is not used */
    int neutral;                /* a casualty word that does not say
                                   violence (وفاة, a death): it counts next
                                   to an event word, alone it makes none */
    int defeat;                 /* a verb of losing: with أمام after it in
                                   its clause it is a defeat, not a death */
} x_trigger;

typedef struct {
    size_t tok_start, tok_end;
    uint32_t trigger;           /* index into model->triggers */
    uint8_t pro;                /* bytes of proclitics on its first token */
} x_tmatch;

struct marsad_model {
    char *datadir;
    x_trigger *triggers;
    size_t ntriggers;
    char *trigger_strings;      /* storage for the type names */
    phrase_dict *trigger_dict;
    void *gazetteer, *actors, *numbers, *dates; /* resolver handles */
    struct phrase_group *group; /* their dictionaries' first words */
    char fingerprint[17];       /* marsad_model_fingerprint */
};

/* Loads data/triggers.tsv into m. Returns 0 or writes err. */
int triggers_load(marsad_model *m, const char *datadir, char *err,
                  size_t errlen);
void triggers_free(marsad_model *m);
size_t triggers_find(const marsad_model *m, const marsad_doc *doc,
                     x_tmatch **out);

int x_event_type_rank(const char *type); /* ACLED row, 0 = Battles */
/* Is sub an ACLED sub-event type of event type type (spec/EVENTS.md)? */
int x_valid_sub_event(const char *type, const char *sub);
/* Is the folded word a base word (معقل, مقرها ...), bare or after
 * proclitics? (extract.c: a place named as someone's base) */
int x_base_word(const char *w, size_t n);
/* 1 when every word list of extract.c knows its words' lengths right. */
int x_word_lists_ok(void);
/* The verb of an event's notes for its type and sub-event type ("clashed
 * with", "shelled" ...). */
const char *x_verb_phrase(const char *type, const char *sub);

/* Test hook: when set, the spans of text an event quotes (actors, place,
 * attributed sources) are always copied through the UTF-8 cleaning, even
 * from a text known to be clean. */
extern int x_spans_plain;

/* resolve.c: loading the resolvers and reading their mentions. */
int resolve_load(marsad_model *m, const char *datadir, char *err,
                 size_t errlen);
void resolve_free(marsad_model *m);
/* The document's place names before resolution (NULL when memory runs
 * out), so that places resolved with and without the article's country
 * share them; free with gazetteer_scan_free. */
struct gaz_scan *resolve_places_scan(const marsad_model *m,
                                     const marsad_doc *doc);
/* Places of doc, resolved with country (NULL: inferred), from scan when it
 * is not NULL (a scan of the same doc). */
size_t resolve_places(const marsad_model *m, const marsad_doc *doc,
                      struct gaz_scan *scan, const char *country,
                      x_place **out);
/* The article's country: the most frequent country code (two letters
 * A-Z) among the places of doc resolved without a country that are
 * locations (not in_org), the first to reach the top count on a tie; ""
 * when none. What counting over resolve_places(m, doc, scan, NULL) gives,
 * without making its list. */
void resolve_places_country(const marsad_model *m, const marsad_doc *doc,
                            struct gaz_scan *scan, char country[3]);
/* The unidentified armed group of the country with ISO2 code cc
 * ("Unidentified Armed Group (Libya)") into *out (tokens left 0): 0, or
 * -1 when the lexicon has no such actor. */
int resolve_unidentified_group(const marsad_model *m, const char *cc,
                               x_actor *out);
/* The state's armed forces of country cc ("Military Forces of Israel"),
 * for a country named as the one that struck ("قصفت إسرائيل"). */
int resolve_state_forces(const marsad_model *m, const char *cc, x_actor *out);
size_t resolve_actors(const marsad_model *m, const marsad_doc *doc,
                      const char *country, x_actor **out);
/* Counts in the sentences s with sentences[s] nonzero (NULL: all). */
size_t resolve_numbers(const marsad_model *m, const marsad_doc *doc,
                       const unsigned char *sentences, x_number **out);
size_t resolve_dates(const marsad_model *m, const marsad_doc *doc,
                     x_ymd published, x_date **out);
int resolve_dateline(const marsad_model *m, const marsad_doc *doc,
                     x_ymd *out);

/* "YYYY-MM-DD..." → 0, else -1. */
static inline int x_ymd_parse(const char *s, x_ymd *out) {
    return ymd_parse_iso(s, strlen(s), out) ? 0 : -1;
}

#endif
