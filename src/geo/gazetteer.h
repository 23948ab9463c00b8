/*
 * gazetteer.h — places (towns, quarters, facilities, regions, countries) and
 * finding them in a tokenized article.
 *
 * Loaded once from the data directory (see gazetteer_load for the files) into
 * an immutable handle that any number of threads may share; finding mentions
 * in a document allocates only per call.
 *
 * Finding: longest match over folded tokens (phrase_dict), proclitics
 * stripped (بمدينة مصراتة, لمصراتة, ومصراته, بدرنة), with:
 *  - place-type words (مدينة, بلدة, منطقة, حي, ميناء, مطار ...) taken into the
 *    mention, so "مدينة X" needs no stored variant;
 *  - relations before the name: "15 كيلومترا جنوب X", "شرقي X", "قرب X",
 *    "ضواحي X", "على بعد 60 كلم من X" → X with geo_precision 2;
 *  - names inside an organization ("كتيبة شهداء أم الأرانب", "مجلس شورى
 *    ثوار بنغازي", "كتائب مصراتة") kept as hints with in_org_name = 1;
 *  - names inside a person's name (after a title, أبو/بن/عبد or a known first
 *    name: "فايز السراج", "باراك أوباما") dropped, and so are later bare
 *    uses of the same name in the document;
 *  - names that are also common words (data/places-stop.tsv) accepted only
 *    after a place-type word or in a list with other places;
 *  - disambiguation: the article's country (hint, else the country most
 *    places in the article belong to), a place already named, nearness to the
 *    other places of the sentence/article, then rank (population, feature);
 *  - "X في مدينة Y": a quarter X unknown near Y is coded at Y (precision 2).
 */
#ifndef MARSAD_GAZETTEER_H
#define MARSAD_GAZETTEER_H

#include "marsad.h"

#include <stddef.h>
#include <stdint.h>

typedef struct gazetteer gazetteer;

/* One place. All strings are owned by the gazetteer and never NULL ("" when
 * unknown). */
typedef struct {
    uint32_t id;          /* index, 0 .. gazetteer_count()-1 */
    const char *name_en;  /* English (or Latin-script) name */
    const char *name_ar;  /* main Arabic name as a source writes it */
    double lat, lon;      /* WGS84 */
    double coslat;        /* boundaries_cos_lat(lat), for distances */
    char country[3];      /* ISO 3166-1 alpha-2 */
    const char *admin1;   /* Libyan district by point-in-polygon; elsewhere
                             from Natural Earth when known, else "" */
    const char *feature;  /* country, region, city, town, village, hamlet,
                             suburb, district, airport, port, airbase,
                             facility */
    long population;      /* 0 when unknown */
    int precision;        /* geo_precision of a bare mention: 1 the place
                             itself; 2 a quarter coded at its city; 3 a
                             country or region coded at its main town */
    const char *source;   /* "osm:ID", "geonames:ID", "places-extra:LINE",
                             "countries:ISO2", "regions:LINE" */
} gaz_place;

/* Loads every resource under datadir:
 *   sources/gazetteer/osm_libya_places.tsv        (OpenStreetMap, ODbL)
 *   sources/gazetteer/geonames_cities15000_*.txt  (GeoNames, CC BY 4.0)
 *   sources/boundaries/geoBoundaries_LBY_ADM1_simplified.geojson
 *   sources/boundaries/ne_50m_admin_0_LBY_and_neighbours.geojson
 *   sources/boundaries/ne_10m_populated_places_LBY_and_neighbours.geojson
 *   ly-districts.tsv, geonames-arabic.tsv (Arabic names for GeoNames
 *   cities, by geonameid), places-extra.tsv, countries.tsv, regions.tsv,
 *   places-stop.tsv, place-cues.tsv, person-names.tsv
 * Returns NULL on error with "data/FILE:LINE: what is wrong" (or
 * "PATH: reason") in err. The caller frees with gazetteer_free. Cost: about
 * 50 ms CPU and 10 MB (`marsad places --stats` measures it). */
gazetteer *gazetteer_load(const char *datadir, char *err, size_t errlen);
void gazetteer_free(gazetteer *g);
/* Adds the dictionaries place finding asks about every word to the group pg (see
 * phrase_group in lex/phrase.h). */
struct phrase_group;
void gazetteer_join(gazetteer *g, struct phrase_group *pg);

size_t gazetteer_count(const gazetteer *g);
/* The place with this id, or NULL when out of range. */
const gaz_place *gazetteer_place(const gazetteer *g, uint32_t id);

/* The country place (feature "country") for an ISO2 code, or NULL. */
const gaz_place *gazetteer_country(const gazetteer *g, const char *iso2);
/* English name of a country, or NULL. */
const char *gazetteer_country_name(const gazetteer *g, const char *iso2);

/* Place ids whose Arabic name (folded like text) is exactly `name`; at most
 * max written to out; returns how many there are. */
size_t gazetteer_lookup(const gazetteer *g, const char *name, size_t len,
                        uint32_t *out, size_t max);

/* One place mention in a document. Token indices are into
 * marsad_doc_tokens(); byte offsets are derived from them. */
typedef struct {
    size_t tok_start, tok_end;           /* whole mention [start, end): with
                                            relation words ("15 كيلومترا جنوب")
                                            and place-type word ("مدينة") */
    size_t name_tok_start, name_tok_end; /* the place name itself */
    size_t start, end;                   /* bytes of the whole mention */
    size_t name_start, name_end;         /* bytes of the name; name_start
                                            skips a proclitic (ب of بدرنة) */
    uint32_t place;                      /* resolved place id */
    int geo_precision;                   /* 1, 2, 3 */
    int in_org_name;                     /* inside an organization's name
                                            (كتيبة شهداء أم الأرانب): a hint,
                                            not a location */
    const char *relation;                /* NULL, or "near", "outskirts of",
                                            "south of", "north-east of",
                                            "centre of", "from", "part of" */
    double offset_km;                    /* distance stated ("15 كيلومترا
                                            جنوب"), else 0 */
    int ncandidates;                     /* places sharing the name */
} gaz_mention;

/* Finds place mentions in doc, in text order, and resolves each. country_hint
 * is the article's ISO2 country (NULL: inferred from the text). *out receives
 * a malloc'd array (caller frees; NULL when none). Returns the count, or
 * (size_t)-1 when memory runs out. Linear in the number of tokens. */
size_t gazetteer_find(const gazetteer *g, const marsad_doc *doc,
                      const char *country_hint, gaz_mention **out);

/* gazetteer_find in two steps, for callers that resolve one document's
 * places more than once (with and without a country hint): the scan finds
 * the names and their candidates, which do not depend on the country;
 * gazetteer_resolve then gives exactly what gazetteer_find(g, doc,
 * country_hint) gives. The scan reads doc's tokens (doc must outlive it);
 * free it with gazetteer_scan_free. gazetteer_scan returns NULL when memory
 * runs out. gazetteer_resolve keeps distances and its first answer in the
 * scan, so a second resolution for the same country is a copy: a scan
 * belongs to one thread. */
typedef struct gaz_scan gaz_scan;
gaz_scan *gazetteer_scan(const gazetteer *g, const marsad_doc *doc);
size_t gazetteer_resolve(gaz_scan *s, const char *country_hint,
                         gaz_mention **out);
void gazetteer_scan_free(gaz_scan *s);

#endif
