/*
 * eval.c — scoring: per article, which system event pairs with which gold
 * event (a lexicographic maximum-weight matching, see eval.h), then the
 * pooled figures of spec/EVAL.md.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_CELLS ((size_t)4000000)
#define DEFAULT_MAX_WORK ((size_t)1000000000)

/* ------------------------------------------------------------------------
 * Pair tests
 * ------------------------------------------------------------------------ */

static int type_ok(const eval_gold_event *g, const eval_event *s) {
    if (!*s->event_type) return 0;
    if (strcmp(s->event_type, g->event_type) == 0) return 1;
    for (size_t i = 0; i < g->nalt; i++)
        if (strcmp(s->event_type, g->alt_types[i]) == 0) return 1;
    return 0;
}

static int sub_ok(const eval_gold_event *g, const eval_event *s) {
    for (size_t i = 0; i < g->nsub; i++)
        if (strcmp(s->sub_event_type, g->sub_types[i]) == 0) return 1;
    return 0;
}

static int date_in_window(const eval_gold_event *g, const eval_event *s) {
    if (g->win_lo == EVAL_NO_DATE) return 1; /* any date, even none */
    return s->date != EVAL_NO_DATE && s->date >= g->win_lo &&
           s->date <= g->win_hi;
}

/* EVAL_WHY_* bits that forbid pairing g and s (0: a candidate); *km gets
 * the distance, NaN when a side has no coordinates. */
static unsigned pair_why(const eval_gold_event *g, const eval_event *s,
                         double *km) {
    unsigned why = 0;
    *km = NAN;
    if (!type_ok(g, s)) why |= EVAL_WHY_TYPE;
    if (g->has_point && s->has_point) {
        *km = eval_distance_km(g->lat, g->lon, s->lat, s->lon);
        if (!(*km <= g->radius_km)) why |= EVAL_WHY_PLACE;
    } else {
        why |= EVAL_WHY_PLACE;
    }
    if (!date_in_window(g, s)) why |= EVAL_WHY_DATE;
    return why;
}

static int popcount(unsigned x) {
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

/* Is (why, km) a closer miss than (bwhy, bkm)? Fewer failed tests first,
 * then the smaller distance (unknown distance last). */
static int nearer(unsigned why, double km, unsigned bwhy, double bkm) {
    int a = popcount(why), b = popcount(bwhy);
    if (a != b) return a < b;
    if (isnan(bkm)) return !isnan(km);
    return !isnan(km) && km < bkm;
}

/* ------------------------------------------------------------------------
 * Assignment
 * ------------------------------------------------------------------------ */

/* A pairing's worth, compared lexicographically: required gold matched,
 * optional gold matched, sub-event types right, minus metres. Sums of these
 * are exact, so ties are real ties. */
typedef struct {
    int64_t c[4];
} vec4;

static vec4 v_add(vec4 a, vec4 b) {
    for (int i = 0; i < 4; i++) a.c[i] += b.c[i];
    return a;
}
static vec4 v_sub(vec4 a, vec4 b) {
    for (int i = 0; i < 4; i++) a.c[i] -= b.c[i];
    return a;
}
static int v_cmp(vec4 a, vec4 b) {
    for (int i = 0; i < 4; i++)
        if (a.c[i] != b.c[i]) return a.c[i] < b.c[i] ? -1 : 1;
    return 0;
}

/* One gold × system cell: whether they may pair and what the pair is worth. */
typedef struct {
    int32_t metres;  /* distance, when a candidate */
    uint8_t cand;    /* 1 when all three tests pass */
    uint8_t sub;     /* sub-event type right */
} cell;

static vec4 cell_value(const cell *c, int required) {
    vec4 v = {{0, 0, 0, 0}};
    if (!c->cand) return v;
    v.c[required ? 0 : 1] = 1;
    v.c[2] = c->sub;
    v.c[3] = -(int64_t)c->metres;
    return v;
}

typedef struct {
    const eval_gold_doc *gd;
    const eval_event *const *sys; /* the article's system events */
    size_t G, S;
    cell *cells;                  /* G × S, row-major by gold */
} problem;

static vec4 value_at(const problem *p, size_t g, size_t s) {
    return cell_value(&p->cells[g * p->S + s], p->gd->events[g].required);
}

/* Hungarian method (shortest augmenting paths with potentials, O(n²m)) on
 * cost = −value; rows are the smaller side. Non-candidate cells are worth 0,
 * so an assignment of every row is a matching once those are dropped.
 * Writes gold_sys[g] = s or -1. Returns -1 when memory runs out. */
static int assign_exact(const problem *p, long *gold_sys) {
    int rows_gold = p->G <= p->S;
    size_t n = rows_gold ? p->G : p->S, m = rows_gold ? p->S : p->G;
    vec4 *u = calloc(n + 1, sizeof *u), *v = calloc(m + 1, sizeof *v);
    vec4 *minv = malloc((m + 1) * sizeof *minv);
    size_t *pr = calloc(m + 1, sizeof *pr), *way = calloc(m + 1, sizeof *way);
    char *used = malloc(m + 1);
    int rc = -1;
    if (!u || !v || !minv || !pr || !way || !used) goto out;
    const vec4 INF = {{INT64_MAX / 4, 0, 0, 0}};
    for (size_t i = 1; i <= n; i++) {
        pr[0] = i;
        size_t j0 = 0;
        for (size_t j = 0; j <= m; j++) {
            minv[j] = INF;
            used[j] = 0;
        }
        do {
            used[j0] = 1;
            size_t i0 = pr[j0], j1 = 0;
            vec4 delta = INF;
            for (size_t j = 1; j <= m; j++) {
                if (used[j]) continue;
                vec4 val = rows_gold ? value_at(p, i0 - 1, j - 1)
                                     : value_at(p, j - 1, i0 - 1);
                vec4 zero = {{0, 0, 0, 0}};
                vec4 cur = v_sub(v_sub(v_sub(zero, val), u[i0]), v[j]);
                if (v_cmp(cur, minv[j]) < 0) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (v_cmp(minv[j], delta) < 0) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (size_t j = 0; j <= m; j++) {
                if (used[j]) {
                    u[pr[j]] = v_add(u[pr[j]], delta);
                    v[j] = v_sub(v[j], delta);
                } else {
                    minv[j] = v_sub(minv[j], delta);
                }
            }
            j0 = j1;
        } while (pr[j0] != 0);
        do {
            size_t j1 = way[j0];
            pr[j0] = pr[j1];
            j0 = j1;
        } while (j0);
    }
    for (size_t g = 0; g < p->G; g++) gold_sys[g] = -1;
    for (size_t j = 1; j <= m; j++) {
        if (!pr[j]) continue;
        size_t g = rows_gold ? pr[j] - 1 : j - 1;
        size_t s = rows_gold ? j - 1 : pr[j] - 1;
        if (p->cells[g * p->S + s].cand) gold_sys[g] = (long)s;
    }
    rc = 0;
out:
    free(u);
    free(v);
    free(minv);
    free(pr);
    free(way);
    free(used);
    return rc;
}

typedef struct {
    vec4 val;
    size_t g, s;
} cand_pair;

static int cmp_cand(const void *a, const void *b) {
    const cand_pair *x = a, *y = b;
    int c = v_cmp(y->val, x->val); /* best first */
    if (c) return c;
    if (x->g != y->g) return x->g < y->g ? -1 : 1;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* Greedy fallback for articles too large for the exact method: best pair
 * first. Needs no G × S matrix; costs O(G·S + k log k), k candidates. */
static int assign_greedy(const problem *p, long *gold_sys) {
    size_t k = 0, cap = 64;
    cand_pair *c = malloc(cap * sizeof *c);
    char *sys_used = calloc(p->S ? p->S : 1, 1);
    if (!c || !sys_used) goto nomem;
    for (size_t g = 0; g < p->G; g++) {
        const eval_gold_event *ge = &p->gd->events[g];
        for (size_t s = 0; s < p->S; s++) {
            double km;
            if (pair_why(ge, p->sys[s], &km)) continue;
            if (k == cap) {
                cand_pair *nc = realloc(c, (cap *= 2) * sizeof *c);
                if (!nc) goto nomem;
                c = nc;
            }
            cell ce = {(int32_t)lround(km * 1000), 1,
                       (uint8_t)sub_ok(ge, p->sys[s])};
            c[k++] = (cand_pair){cell_value(&ce, ge->required), g, s};
        }
    }
    qsort(c, k, sizeof *c, cmp_cand);
    for (size_t g = 0; g < p->G; g++) gold_sys[g] = -1;
    for (size_t i = 0; i < k; i++) {
        if (gold_sys[c[i].g] >= 0 || sys_used[c[i].s]) continue;
        gold_sys[c[i].g] = (long)c[i].s;
        sys_used[c[i].s] = 1;
    }
    free(c);
    free(sys_used);
    return 0;
nomem:
    free(c);
    free(sys_used);
    return -1;
}

/* ------------------------------------------------------------------------
 * Figures
 * ------------------------------------------------------------------------ */

static int count_eq(long a, long b) {
    if (a == EVAL_NULL_COUNT) a = 0;
    if (b == EVAL_NULL_COUNT) b = 0;
    return a == b;
}

static int actor_found(const eval_actor *a, const eval_event *s) {
    for (int k = 0; k < 2; k++)
        if (s->actor_name_fold[k] && *a->name_fold &&
            strcmp(s->actor_name_fold[k], a->name_fold) == 0)
            return 1;
    for (size_t i = 0; i < a->naliases; i++) {
        const char *al = a->aliases_norm[i];
        if (!al || !*al) continue;
        for (int k = 0; k < 2; k++) {
            const char *m = s->actor_mention_norm[k];
            if (!m || !*m) continue;
            if (strstr(m, al) || strstr(al, m)) return 1;
        }
    }
    return 0;
}

static void ratio_add(eval_ratio *r, int hit) {
    r->total++;
    if (hit) r->hit++;
}

static void counts_add(eval_counts *o, const eval_counts *c) {
    o->system += c->system;
    o->system_optional += c->system_optional;
    o->gold_required += c->gold_required;
    o->gold_optional += c->gold_optional;
    o->matched_required += c->matched_required;
    o->matched_optional += c->matched_optional;
    eval_ratio *a[] = {&o->sub_event, &o->fatalities, &o->injured,
                       &o->captured, &o->date, &o->actors};
    const eval_ratio *b[] = {&c->sub_event, &c->fatalities, &c->injured,
                             &c->captured, &c->date, &c->actors};
    for (size_t i = 0; i < 6; i++) {
        a[i]->hit += b[i]->hit;
        a[i]->total += b[i]->total;
    }
    o->nloc += c->nloc;
}

double eval_ratio_value(eval_ratio r) {
    return r.total ? (double)r.hit / (double)r.total : NAN;
}

double eval_precision(const eval_counts *c) {
    size_t den = c->system - c->system_optional;
    return den ? (double)c->matched_required / (double)den : NAN;
}

double eval_recall(const eval_counts *c) {
    return c->gold_required
               ? (double)c->matched_required / (double)c->gold_required
               : NAN;
}

double eval_f1(const eval_counts *c) {
    double p = eval_precision(c), r = eval_recall(c);
    if (p == 0 || r == 0) return 0;
    if (isnan(p) || isnan(r)) return NAN;
    return 2 * p * r / (p + r);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double eval_median(double *v, size_t n) {
    if (!n) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------------------
 * One article
 * ------------------------------------------------------------------------ */

static void doc_result_free(eval_doc_result *dr) {
    if (dr->gres)
        for (size_t g = 0; g < dr->gold->nevents; g++)
            free(dr->gres[g].actor_found);
    free(dr->gres);
    free(dr->sys);
    free(dr->sys_gold);
    free(dr->sys_near);
    free(dr->sys_near_why);
    free(dr->sys_near_km);
    free(dr->loc_err);
}

/* Scores one article; dr->gold, dr->sys and dr->nsys are set. Returns -1
 * when memory runs out. */
static int score_doc(eval_doc_result *dr, const eval_events *ev,
                     const eval_options *opt) {
    const eval_gold_doc *gd = dr->gold;
    size_t G = gd->nevents, S = dr->nsys;
    eval_counts *c = &dr->counts;
    const eval_event **sys = malloc((S ? S : 1) * sizeof *sys);
    long *gold_sys = malloc((G ? G : 1) * sizeof *gold_sys);
    dr->gres = calloc(G ? G : 1, sizeof *dr->gres);
    dr->sys_gold = malloc((S ? S : 1) * sizeof *dr->sys_gold);
    dr->sys_near = malloc((S ? S : 1) * sizeof *dr->sys_near);
    dr->sys_near_why = calloc(S ? S : 1, sizeof *dr->sys_near_why);
    dr->sys_near_km = malloc((S ? S : 1) * sizeof *dr->sys_near_km);
    dr->loc_err = malloc((G ? G : 1) * sizeof *dr->loc_err);
    problem p = {gd, sys, G, S, NULL};
    int rc = -1;
    if (!sys || !gold_sys || !dr->gres || !dr->sys_gold || !dr->sys_near ||
        !dr->sys_near_why || !dr->sys_near_km || !dr->loc_err)
        goto out;
    for (size_t s = 0; s < S; s++) sys[s] = &ev->events[dr->sys[s]];

    size_t n = G < S ? G : S, m = G < S ? S : G;
    int exact = n == 0 || (m <= opt->max_cells / n &&
                           (double)n * n * m <= (double)opt->max_work);
    if (exact) {
        p.cells = calloc(G && S ? G * S : 1, sizeof *p.cells);
        if (!p.cells) goto out;
        for (size_t g = 0; g < G; g++)
            for (size_t s = 0; s < S; s++) {
                double km;
                cell *ce = &p.cells[g * S + s];
                if (pair_why(&gd->events[g], sys[s], &km)) continue;
                ce->cand = 1;
                ce->sub = (uint8_t)sub_ok(&gd->events[g], sys[s]);
                ce->metres = (int32_t)lround(km * 1000);
            }
        if (assign_exact(&p, gold_sys) < 0) goto out;
    } else {
        dr->approximate = 1;
        if (assign_greedy(&p, gold_sys) < 0) goto out;
    }

    c->system = S;
    for (size_t s = 0; s < S; s++) dr->sys_gold[s] = -1;
    for (size_t g = 0; g < G; g++) {
        const eval_gold_event *ge = &gd->events[g];
        eval_gold_result *gr = &dr->gres[g];
        if (ge->required)
            c->gold_required++;
        else
            c->gold_optional++;
        gr->sys = gold_sys[g];
        gr->near = -1;
        gr->near_km = NAN;
        gr->date_ok = -1;
        if (ge->nactors &&
            !(gr->actor_found = calloc(ge->nactors, sizeof *gr->actor_found)))
            goto out;
        if (gr->sys < 0) {
            /* The closest miss, for the report. */
            for (size_t s = 0; s < S; s++) {
                double km;
                unsigned why = pair_why(ge, sys[s], &km);
                if (!why) why = EVAL_WHY_TAKEN;
                if (gr->near < 0 || nearer(why, km, gr->near_why, gr->near_km)) {
                    gr->near = (long)s;
                    gr->near_why = why;
                    gr->near_km = km;
                }
            }
            continue;
        }
        const eval_event *se = sys[gr->sys];
        dr->sys_gold[gr->sys] = (long)g;
        pair_why(ge, se, &gr->dist_km);
        gr->sub_ok = sub_ok(ge, se);
        gr->fatalities_ok = count_eq(ge->fatalities, se->fatalities);
        gr->injured_ok = count_eq(ge->injured, se->injured);
        gr->captured_ok = count_eq(ge->captured, se->captured);
        if (ge->date != EVAL_NO_DATE) gr->date_ok = se->date == ge->date;
        for (size_t a = 0; a < ge->nactors; a++)
            if ((gr->actor_found[a] = (unsigned char)actor_found(
                     &ge->actors[a], se)))
                gr->actors_hit++;
        if (!ge->required) {
            c->matched_optional++;
            c->system_optional++;
            continue;
        }
        c->matched_required++;
        ratio_add(&c->sub_event, gr->sub_ok);
        ratio_add(&c->fatalities, gr->fatalities_ok);
        ratio_add(&c->injured, gr->injured_ok);
        ratio_add(&c->captured, gr->captured_ok);
        if (gr->date_ok >= 0) ratio_add(&c->date, gr->date_ok);
        c->actors.hit += gr->actors_hit;
        c->actors.total += ge->nactors;
        dr->loc_err[c->nloc++] = gr->dist_km;
    }
    for (size_t s = 0; s < S; s++) {
        dr->sys_near[s] = -1;
        dr->sys_near_km[s] = NAN;
        if (dr->sys_gold[s] >= 0) continue;
        for (size_t g = 0; g < G; g++) {
            double km;
            unsigned why = pair_why(&gd->events[g], sys[s], &km);
            if (!why) why = EVAL_WHY_TAKEN;
            if (dr->sys_near[s] < 0 ||
                nearer(why, km, dr->sys_near_why[s], dr->sys_near_km[s])) {
                dr->sys_near[s] = (long)g;
                dr->sys_near_why[s] = why;
                dr->sys_near_km[s] = km;
            }
        }
    }
    rc = 0;
out:
    free(p.cells);
    free(sys);
    free(gold_sys);
    return rc;
}

/* ------------------------------------------------------------------------
 * All articles
 * ------------------------------------------------------------------------ */

typedef struct {
    const char *doc_id;
    size_t idx;
} by_doc;

static int cmp_by_doc(const void *a, const void *b) {
    const by_doc *x = a, *y = b;
    int c = strcmp(x->doc_id, y->doc_id);
    if (c) return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void eval_result_free(eval_result *r) {
    if (!r) return;
    for (size_t i = 0; i < r->ndocs; i++) doc_result_free(&r->docs[i]);
    free(r->docs);
    free(r->loc_err);
    free(r->unscored_docs);
    free(r);
}

eval_result *eval_score(const eval_gold *gold, const eval_events *events,
                        const eval_options *opt) {
    eval_options o = {0, 0};
    if (opt) o = *opt;
    if (!o.max_cells) o.max_cells = DEFAULT_MAX_CELLS;
    if (!o.max_work) o.max_work = DEFAULT_MAX_WORK;
    eval_result *r = calloc(1, sizeof *r);
    size_t NE = events ? events->n : 0, NG = gold ? gold->ndocs : 0;
    by_doc *order = malloc((NE ? NE : 1) * sizeof *order);
    if (!r || !order) goto nomem;
    r->gold = gold;
    r->events = events;
    for (size_t i = 0; i < NE; i++)
        order[i] = (by_doc){events->events[i].doc_id, i};
    qsort(order, NE, sizeof *order, cmp_by_doc);

    r->docs = calloc(NG ? NG : 1, sizeof *r->docs);
    r->unscored_docs = malloc((NE ? NE : 1) * sizeof *r->unscored_docs);
    if (!r->docs || !r->unscored_docs) goto nomem;
    r->ndocs = NG;
    for (size_t d = 0; d < NG; d++) r->docs[d].gold = &gold->docs[d];
    /* Merge the sorted events with the sorted gold documents. */
    size_t i = 0, d = 0;
    while (i < NE) {
        size_t j = i;
        while (j < NE && strcmp(order[j].doc_id, order[i].doc_id) == 0) j++;
        while (d < NG && strcmp(gold->docs[d].doc_id, order[i].doc_id) < 0)
            d++;
        if (d < NG && strcmp(gold->docs[d].doc_id, order[i].doc_id) == 0) {
            eval_doc_result *dr = &r->docs[d];
            dr->sys = malloc((j - i) * sizeof *dr->sys);
            if (!dr->sys) goto nomem;
            for (size_t k = i; k < j; k++) dr->sys[dr->nsys++] = order[k].idx;
        } else {
            r->unscored_events += j - i;
            r->unscored_docs[r->nunscored_docs++] =
                events->events[order[i].idx].doc_id;
        }
        i = j;
    }
    for (d = 0; d < NG; d++) {
        if (score_doc(&r->docs[d], events, &o) < 0) goto nomem;
        counts_add(&r->overall, &r->docs[d].counts);
        if (r->docs[d].approximate) r->approximate_docs++;
    }
    r->loc_err = malloc((r->overall.nloc ? r->overall.nloc : 1) *
                        sizeof *r->loc_err);
    if (!r->loc_err) goto nomem;
    size_t k = 0;
    for (d = 0; d < NG; d++)
        for (size_t e = 0; e < r->docs[d].counts.nloc; e++)
            r->loc_err[k++] = r->docs[d].loc_err[e];
    qsort(r->loc_err, k, sizeof *r->loc_err, cmp_double);
    free(order);
    return r;
nomem:
    free(order);
    eval_result_free(r);
    return NULL;
}
