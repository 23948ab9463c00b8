/*
 * actors.h — the actor lexicon and the resolver of actor mentions.
 *
 * Four data files, loaded once into an immutable `actors` handle that many
 * threads may share:
 *   data/actor-countries.tsv  ISO2 codes, English names, Arabic names and
 *                             adjectives
 *   data/actors.tsv           actors: canonical name, ACLED type, countries,
 *                             parent, short-form classes, Arabic aliases
 *   data/actor-forms.tsv      short forms (التنظيم, الجيش), prefixes (عناصر,
 *                             قوات تابعة ل) and stop phrases
 *   data/actor-spellings.tsv  words written several ways (ميليشيا/مليشيا)
 * (each file's header documents its columns).
 *
 * actors_find reads a tokenized document and returns its actor mentions in
 * text order: the longest alias at each token (proclitics و ب ل ال stripped),
 * extended over a prefix (مسلحو تنظيم داعش is one mention of IS), and
 *   - a multi-country alias (داعش, مسلحون, مدنيين) resolved by the country
 *     named within a few words in the same sentence (في سوريا), else by the
 *     article's country: داعش is "Islamic State (Libya)" in a Libyan article;
 *   - generic aliases (مسلحون, مدنيين, الشرطة) becoming the typed generic
 *     actor of that country ("Unidentified Armed Group (Libya)");
 *   - short forms (التنظيم, الجيش) resolved to the most recent full mention
 *     whose classes fit (or whose ancestor's do), else the next one within a
 *     few sentences, else the short form's generic fallback, else dropped.
 * Cost: linear in the number of tokens (a bounded search per short form).
 */
#ifndef MARSAD_ACTORS_H
#define MARSAD_ACTORS_H

#include "marsad.h"

#include <stddef.h>
#include <stdint.h>

typedef struct actors actors;

#define ACTORS_NONE UINT32_MAX

/* Loads the four files from datadir. Returns NULL on failure with a message
 * in err ("DATADIR/actors.tsv:LINE: what is wrong" for a malformed line).
 * The caller frees the handle with actors_free (NULL accepted). */
actors *actors_load(const char *datadir, char *err, size_t errlen);
void actors_free(actors *a);
/* Adds the dictionaries actors_find asks about every word to the group pg (see
 * phrase_group in lex/phrase.h). */
struct phrase_group;
void actors_join(actors *a, struct phrase_group *pg);

/* What the lexicon knows of one actor; strings are owned by the handle. */
typedef struct {
    const char *name;      /* canonical English name */
    const char *type;      /* ACLED kind: "state forces", "rebel group", ... */
    const char *country;   /* main ISO2 code ("--": international/unknown) */
    const char *countries; /* every ISO2 code it fights in, comma separated */
    const char *parent;    /* name of the actor it belongs to, or NULL */
    uint32_t parent_id;    /* its id, or ACTORS_NONE */
    const char *classes;   /* short-form classes, comma separated ("" none) */
    int generic;           /* a generic actor made for a country
                              ("Civilians (Libya)") */
    size_t line;           /* line of data/actors.tsv that defines it */
} actor_info;

/* Number of actors (ids are 0 .. count-1), and one actor's record (NULL for
 * an id out of range). */
size_t actors_count(const actors *a);
const actor_info *actors_info(const actors *a, uint32_t id);

/* The id of the actor with this canonical name, or ACTORS_NONE. */
uint32_t actors_lookup(const actors *a, const char *name);

/* 1 when actor `id` is `ancestor` or belongs to it through parents. */
int actors_is_within(const actors *a, uint32_t id, uint32_t ancestor);

/* English name of an ISO2 code ("LY" -> "Libya"), or NULL when unknown. */
const char *actors_country_name(const actors *a, const char *iso2);

/* The actor a generic template of actors.tsv, as written there
 * ("Unidentified Armed Group ({name})"), makes for the country with ISO2
 * code iso2, or ACTORS_NONE. */
uint32_t actors_generic(const actors *a, const char *tpl, const char *iso2);

/* Number of distinct alias phrases in the lexicon (for reports). */
size_t actors_alias_count(const actors *a);

/* One actor mention in a document. */
typedef struct {
    size_t start, end;         /* bytes [start, end) in the document text */
    size_t tok_start, tok_end; /* tokens [tok_start, tok_end) */
    uint32_t actor;            /* resolved actor id (never ACTORS_NONE) */
    uint8_t generic;           /* resolved to a generic actor of a country */
    uint8_t short_form;        /* a short form (التنظيم, الجيش) */
    uint8_t by_cue;            /* country read from a cue in the sentence,
                                  not from the article's country */
    uint32_t antecedent;       /* for a resolved short form: index in the
                                  output of the full mention it stands for;
                                  else ACTORS_NONE */
} actor_mention;

/* Finds the actor mentions of doc. country is the article's ISO2 code
 * ("LY"), or NULL when unknown. *out receives a malloc'd array (the caller
 * frees it; NULL when there are none); returns the count. On memory
 * exhaustion returns 0 with *out NULL. */
size_t actors_find(const actors *a, const marsad_doc *doc, const char *country,
                   actor_mention **out);

#endif
