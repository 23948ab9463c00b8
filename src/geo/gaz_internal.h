/*
 * gaz_internal.h — the gazetteer handle, shared by its loader (gazetteer.c)
 * and its matcher (gazetteer_find.c); not for other modules.
 */
#ifndef MARSAD_GAZ_INTERNAL_H
#define MARSAD_GAZ_INTERNAL_H

#include "geo/gazetteer.h"
#include "lex/phrase.h"

/* Values stored in gazetteer.names: place id << 3 | flags. */
enum {
    GAZV_WEAK = 1, /* a generated spelling (ال toggled, بو/أبو, final ء ...) */
    GAZV_STOP = 2, /* needs a place-type word or a list of places: the name
                      is also a common word (places-stop.tsv), a person's
                      first name, or a small town far away */
    GAZV_HOME = 4  /* ... except when the place is in the article's country */
};
#define GAZV_SHIFT 3
#define GAZV_ID(v) ((uint32_t)(v) >> GAZV_SHIFT)
/* The id of phrases that contain a place name but are no place (المغرب
 * العربي, واشنطن بوست): matched, then dropped. */
#define GAZV_NONPLACE 0x1FFFFFFFu

/* Kinds of cue words (data/place-cues.tsv). */
typedef enum {
    CUE_TYPE = 1, /* place-type word before a name: مدينة, بلدة, ميناء */
    CUE_ORG,      /* head of an organization's name: كتيبة, مجلس شورى */
    CUE_FILLER,   /* between an organization head and a place: شهداء */
    CUE_PERSON,   /* title or kinship word before a person's name */
    CUE_REL,      /* relation before a place: قرب, ضواحي, جنوب, وسط */
    CUE_UNIT,     /* distance unit: كيلومتر, كلم, ميل */
    CUE_DIST,     /* "على بعد" before a distance */
    CUE_FROM      /* من / عن after a distance or relation */
} gaz_cue_kind;

typedef struct {
    uint8_t kind;      /* gaz_cue_kind */
    const char *label; /* CUE_REL: "near", "south of" ...; CUE_TYPE: feature */
    double value;      /* CUE_REL: geo_precision; CUE_UNIT: km per unit;
                          CUE_TYPE: 1 names the place (مدينة X, مدينتي X),
                          0 a plural that may precede an adjective (مناطق) */
} gaz_cue;

struct gaz_arena;

struct gazetteer {
    gaz_place *places;
    size_t nplaces, capplaces;
    struct gaz_arena *arena;   /* every string of the places */
    phrase_dict *names;        /* Arabic names → GAZV values */
    phrase_dict *cues;         /* cue phrases → index into cue */
    gaz_cue *cue;
    size_t ncues, capcues;
    phrase_dict *persons;      /* first names (person-names.tsv) */
    uint32_t country_of[26 * 26]; /* ISO2 → country place id + 1; 0 none */
    uint8_t home[26 * 26];     /* ISO2 → 1 for the Arab world and its
                                  neighbours (countries.tsv) */
    uint64_t serial;           /* unique per load (from 1): the key of
                                  distances remembered across articles */
    uint8_t *rank;             /* per place: gaz_rank (at most 100), plus
                                  GAZ_AREA for a country or region; set once
                                  loading is done, so resolution does not
                                  compare feature strings per candidate */
};

enum { GAZ_AREA = 0x80 };

/* Disambiguation rank of a place: population when known, else feature. */
int gaz_rank(const gaz_place *p);

/* gaz_rank of place id, and whether it is a country or region, from the
 * table made at load. */
static inline int gaz_place_rank(const gazetteer *g, uint32_t id) {
    return g->rank[id] & ~GAZ_AREA;
}
static inline int gaz_is_area(const gazetteer *g, uint32_t id) {
    return (g->rank[id] & GAZ_AREA) != 0;
}

/* gazetteer_scan asking the cue dictionary at every word, and
 * gazetteer_resolve computing everything afresh, without the scan's caches
 * (the distance table): what the shortcuts must give, for tests. */
gaz_scan *gaz_scan_plain(const gazetteer *g, const marsad_doc *doc);
size_t gaz_resolve_plain(const gaz_scan *scan, const char *country_hint,
                         gaz_mention **out);

/* The bytes of the original text of a token s[0..len) that fold to its
 * first pro folded bytes (a proclitic), plus the characters after them
 * that fold to nothing (marks, tatweel): where a name begins in the text.
 * gaz_orig_prefix folds most characters through a table;
 * gaz_orig_prefix_plain decodes and folds each one, for tests. */
size_t gaz_orig_prefix(const char *s, size_t len, size_t pro);
size_t gaz_orig_prefix_plain(const char *s, size_t len, size_t pro);

#endif
