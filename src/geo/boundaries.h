/*
 * boundaries.h — polygons read from a GeoJSON FeatureCollection, and
 * point-in-polygon lookup (which district or country holds a point).
 *
 * Used by the gazetteer to give Libyan places their district (admin1) from
 * geoBoundaries ADM1 polygons, and to check curated coordinates against
 * Natural Earth country outlines. Polygons and MultiPolygons with holes are
 * supported; other geometries are skipped. Coordinates are WGS84 lon/lat.
 */
#ifndef MARSAD_BOUNDARIES_H
#define MARSAD_BOUNDARIES_H

#include <stddef.h>

typedef struct boundaries boundaries;

/* Reads the GeoJSON file at path. Each feature is named by its string
 * property name_prop and coded by code_prop (may be NULL; a missing property
 * reads as ""). Returns NULL on error with a message "PATH: what" in err.
 * The caller frees with boundaries_free. Cost: one jansson parse. */
boundaries *boundaries_load(const char *path, const char *name_prop,
                            const char *code_prop, char *err, size_t errlen);
void boundaries_free(boundaries *b);

/* Number of features kept (those with polygon geometry). */
size_t boundaries_count(const boundaries *b);
/* Name and code of feature i (owned by b). */
const char *boundaries_name(const boundaries *b, size_t i);
const char *boundaries_code(const boundaries *b, size_t i);

/* Index of the feature whose polygon holds (lat, lon), or -1. When none
 * holds it and max_km > 0, the feature whose border is nearest, if within
 * max_km (simplified coastlines leave coastal towns just outside). Cost:
 * bounding-box test per feature, then one pass over its rings. */
long boundaries_find(const boundaries *b, double lat, double lon,
                     double max_km);

/* Great-circle distance in km between two WGS84 points. */
double boundaries_distance_km(double lat1, double lon1, double lat2, double lon2);

/* The same for points whose latitudes' cosines are known: cos1 and cos2 as
 * boundaries_cos_lat gives them (the result is then the same to the bit).
 * Spares two cosines per pair when one point meets many. */
double boundaries_distance_km_cos(double lat1, double lon1, double cos1,
                                  double lat2, double lon2, double cos2);
double boundaries_cos_lat(double lat);

#endif
