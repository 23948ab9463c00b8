/*
 * boundaries.c — GeoJSON polygons (via jansson) and point-in-polygon by ray
 * casting, with a nearest-border fallback for points just off a simplified
 * coastline. See boundaries.h.
 */
#include "geo/boundaries.h"
#include "util/grow.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t first, n; /* points in b->pts */
} ring;

typedef struct {
    char *name, *code;
    size_t first_ring, nrings;     /* rings in b->rings */
    double minx, miny, maxx, maxy; /* bounding box, degrees */
} feature;

typedef struct {
    size_t first, n; /* rings of one polygon: the first is the outer ring */
} polygon;

struct boundaries {
    feature *feats;
    size_t nfeats;
    ring *rings;
    size_t nrings, caprings;
    double *pts; /* x, y pairs */
    size_t npts, cappts;
    /* polygons: per feature, which rings belong to which polygon */
    polygon *polys;
    size_t npolys, cappolys;
    size_t *feat_first_poly, *feat_npolys;
};

double boundaries_cos_lat(double lat) { return cos(lat * (M_PI / 180.0)); }

double boundaries_distance_km_cos(double lat1, double lon1, double cos1,
                                  double lat2, double lon2, double cos2) {
    const double r = 6371.0088, d2r = M_PI / 180.0;
    double dp = (lat2 - lat1) * d2r, dl = (lon2 - lon1) * d2r;
    double sp = sin(dp / 2), sl = sin(dl / 2);
    double a = sp * sp + cos1 * cos2 * sl * sl;
    if (a > 1) a = 1;
    return 2 * r * asin(sqrt(a));
}

double boundaries_distance_km(double lat1, double lon1, double lat2,
                              double lon2) {
    return boundaries_distance_km_cos(lat1, lon1, boundaries_cos_lat(lat1), lat2,
                                      lon2, boundaries_cos_lat(lat2));
}

/* Appends one ring (a JSON array of [x, y] positions). */
static int add_ring(boundaries *b, json_t *arr, feature *f) {
    if (!json_is_array(arr)) return 1;
    size_t n = json_array_size(arr);
    if (n < 3) return 1;
    if (util_grow((void **)&b->pts, &b->cappts, (b->npts + n) * 2, sizeof *b->pts) ||
        util_grow((void **)&b->rings, &b->caprings, b->nrings + 1, sizeof *b->rings))
        return -1;
    size_t first = b->npts;
    for (size_t i = 0; i < n; i++) {
        json_t *pos = json_array_get(arr, i);
        json_t *x = json_array_get(pos, 0), *y = json_array_get(pos, 1);
        if (!json_is_number(x) || !json_is_number(y)) return 1;
        double dx = json_number_value(x), dy = json_number_value(y);
        b->pts[b->npts * 2] = dx;
        b->pts[b->npts * 2 + 1] = dy;
        b->npts++;
        if (dx < f->minx) f->minx = dx;
        if (dx > f->maxx) f->maxx = dx;
        if (dy < f->miny) f->miny = dy;
        if (dy > f->maxy) f->maxy = dy;
    }
    b->rings[b->nrings++] = (ring){first, n};
    return 0;
}

/* Appends one polygon (array of rings). */
static int add_polygon(boundaries *b, json_t *rings, feature *f) {
    if (!json_is_array(rings) || json_array_size(rings) == 0) return 1;
    if (util_grow((void **)&b->polys, &b->cappolys, b->npolys + 1, sizeof *b->polys))
        return -1;
    size_t first = b->nrings;
    for (size_t i = 0; i < json_array_size(rings); i++) {
        int rc = add_ring(b, json_array_get(rings, i), f);
        if (rc < 0) return -1;
        if (rc > 0 && i == 0) return 1; /* no usable outer ring */
    }
    b->polys[b->npolys++] = (polygon){first, b->nrings - first};
    return 0;
}

static char *dup_prop(json_t *props, const char *key) {
    json_t *v = key ? json_object_get(props, key) : NULL;
    return strdup(json_is_string(v) ? json_string_value(v) : "");
}

boundaries *boundaries_load(const char *path, const char *name_prop,
                            const char *code_prop, char *err, size_t errlen) {
    json_error_t je;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    /* whole file into memory: jansson's file reader goes a byte at a time */
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 65536 > cap) {
            cap = cap ? cap * 2 : 262144;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(fp);
                snprintf(err, errlen, "%s: out of memory", path);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
    } while (got > 0);
    fclose(fp);
    json_t *root = json_loadb(buf, len, 0, &je);
    free(buf);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return NULL;
    }
    boundaries *b = calloc(1, sizeof *b);
    json_t *feats = json_object_get(root, "features");
    if (!b || !json_is_array(feats)) {
        snprintf(err, errlen, "%s: %s", path,
                 b ? "not a GeoJSON FeatureCollection" : "out of memory");
        json_decref(root);
        free(b);
        return NULL;
    }
    size_t nf = json_array_size(feats);
    b->feats = calloc(nf ? nf : 1, sizeof *b->feats);
    b->feat_first_poly = calloc(nf ? nf : 1, sizeof *b->feat_first_poly);
    b->feat_npolys = calloc(nf ? nf : 1, sizeof *b->feat_npolys);
    if (!b->feats || !b->feat_first_poly || !b->feat_npolys) goto nomem;
    for (size_t i = 0; i < nf; i++) {
        json_t *ft = json_array_get(feats, i);
        json_t *geom = json_object_get(ft, "geometry");
        json_t *props = json_object_get(ft, "properties");
        const char *type = json_string_value(json_object_get(geom, "type"));
        json_t *coords = json_object_get(geom, "coordinates");
        if (!type || !coords) continue;
        feature *f = &b->feats[b->nfeats];
        memset(f, 0, sizeof *f);
        f->minx = f->miny = 1e9;
        f->maxx = f->maxy = -1e9;
        size_t first_poly = b->npolys;
        int rc = 0;
        if (strcmp(type, "Polygon") == 0) {
            rc = add_polygon(b, coords, f);
        } else if (strcmp(type, "MultiPolygon") == 0) {
            for (size_t k = 0; k < json_array_size(coords) && rc >= 0; k++) {
                int r = add_polygon(b, json_array_get(coords, k), f);
                if (r < 0) rc = r;
            }
        } else {
            continue;
        }
        if (rc < 0) goto nomem;
        if (b->npolys == first_poly) continue;
        f->name = dup_prop(props, name_prop);
        f->code = dup_prop(props, code_prop);
        if (!f->name || !f->code) goto nomem;
        b->feat_first_poly[b->nfeats] = first_poly;
        b->feat_npolys[b->nfeats] = b->npolys - first_poly;
        b->nfeats++;
    }
    json_decref(root);
    return b;
nomem:
    snprintf(err, errlen, "%s: out of memory", path);
    json_decref(root);
    boundaries_free(b);
    return NULL;
}

void boundaries_free(boundaries *b) {
    if (!b) return;
    for (size_t i = 0; i < b->nfeats; i++) {
        free(b->feats[i].name);
        free(b->feats[i].code);
    }
    free(b->feats);
    free(b->rings);
    free(b->pts);
    free(b->polys);
    free(b->feat_first_poly);
    free(b->feat_npolys);
    free(b);
}

size_t boundaries_count(const boundaries *b) { return b ? b->nfeats : 0; }
const char *boundaries_name(const boundaries *b, size_t i) {
    return b->feats[i].name;
}
const char *boundaries_code(const boundaries *b, size_t i) {
    return b->feats[i].code;
}

/* Ray casting: is (x, y) inside ring r? */
static int in_ring(const boundaries *b, const ring *r, double x, double y) {
    int inside = 0;
    const double *p = b->pts + r->first * 2;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
        double xi = p[i * 2], yi = p[i * 2 + 1];
        double xj = p[j * 2], yj = p[j * 2 + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            inside = !inside;
    }
    return inside;
}

static int in_feature(const boundaries *b, size_t fi, double x, double y) {
    const feature *f = &b->feats[fi];
    if (x < f->minx || x > f->maxx || y < f->miny || y > f->maxy) return 0;
    for (size_t k = 0; k < b->feat_npolys[fi]; k++) {
        const polygon *pg = &b->polys[b->feat_first_poly[fi] + k];
        if (!in_ring(b, &b->rings[pg->first], x, y)) continue;
        int in_hole = 0;
        for (size_t h = 1; h < pg->n && !in_hole; h++)
            in_hole = in_ring(b, &b->rings[pg->first + h], x, y);
        if (!in_hole) return 1;
    }
    return 0;
}

/* Distance in km from (lat, lon) to the segment a-b (lon/lat degrees), on a
 * local equirectangular projection: exact enough at tens of km. */
static double seg_km(double lat, double lon, const double *a, const double *b) {
    double k = cos(lat * M_PI / 180.0);
    double ax = (a[0] - lon) * k, ay = a[1] - lat;
    double bx = (b[0] - lon) * k, by = b[1] - lat;
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, t = 0;
    if (len2 > 0) t = -(ax * dx + ay * dy) / len2;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double px = ax + t * dx, py = ay + t * dy;
    return sqrt(px * px + py * py) * 111.195;
}

long boundaries_find(const boundaries *b, double lat, double lon,
                     double max_km) {
    if (!b) return -1;
    for (size_t i = 0; i < b->nfeats; i++)
        if (in_feature(b, i, lon, lat)) return (long)i;
    if (max_km <= 0) return -1;
    long best = -1;
    double best_km = max_km;
    double margin = max_km / 80.0; /* degrees, generous */
    for (size_t i = 0; i < b->nfeats; i++) {
        const feature *f = &b->feats[i];
        if (lon < f->minx - margin || lon > f->maxx + margin ||
            lat < f->miny - margin || lat > f->maxy + margin)
            continue;
        for (size_t k = 0; k < b->feat_npolys[i]; k++) {
            const polygon *pg = &b->polys[b->feat_first_poly[i] + k];
            const ring *r = &b->rings[pg->first];
            const double *p = b->pts + r->first * 2;
            for (size_t s = 0, j = r->n - 1; s < r->n; j = s++) {
                double d = seg_km(lat, lon, p + j * 2, p + s * 2);
                if (d < best_km) {
                    best_km = d;
                    best = (long)i;
                }
            }
        }
    }
    return best;
}
