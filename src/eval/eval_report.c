/*
 * eval_report.c — the scorer's result as text for developers (what was
 * matched, what was missed and why, what was invented) and as JSON for
 * tools. Both show counts beside every ratio.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Shared pieces
 * ------------------------------------------------------------------------ */

static const eval_event *doc_event(const eval_result *r,
                                   const eval_doc_result *dr, long s) {
    return &r->events->events[dr->sys[s]];
}

static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

/* A count as text: "-" for null. buf holds 24 bytes. */
static const char *count_str(long v, char *buf) {
    if (v == EVAL_NULL_COUNT) return "-";
    snprintf(buf, 24, "%ld", v);
    return buf;
}

/* The gold window as text: "2016-02-23", "2016-02-17..2016-02-24" or "any
 * date". buf holds 32 bytes. */
static const char *gold_when(const eval_gold_event *g, char *buf) {
    char a[11], b[11];
    if (g->date != EVAL_NO_DATE) {
        eval_date_format(g->date, buf);
    } else if (g->win_lo != EVAL_NO_DATE) {
        eval_date_format(g->win_lo, a);
        eval_date_format(g->win_hi, b);
        snprintf(buf, 32, "%s..%s", a, b);
    } else {
        strcpy(buf, "any date");
    }
    return buf;
}

/* What failed between g and s (EVAL_WHY_* bits), as text into f. other is
 * the name of the event that took the candidate (for EVAL_WHY_TAKEN). */
static void why_text(FILE *f, const eval_gold_event *g, const eval_event *s,
                     unsigned why, double km, const char *other) {
    const char *sep = "";
    if (why & EVAL_WHY_TYPE) {
        fprintf(f, "type %s", *s->event_type ? s->event_type : "missing");
        sep = ", ";
    }
    if (why & EVAL_WHY_PLACE) {
        if (isnan(km))
            fprintf(f, "%s%s", sep,
                    s->has_point ? "gold has no coordinates"
                                 : "no coordinates");
        else
            fprintf(f, "%s%.1f km > %g km", sep, km, g->radius_km);
        sep = ", ";
    }
    if (why & EVAL_WHY_DATE) {
        char d[11], lo[11], hi[11];
        eval_date_format(s->date, d);
        eval_date_format(g->win_lo, lo);
        eval_date_format(g->win_hi, hi);
        if (s->date == EVAL_NO_DATE)
            fprintf(f, "%sno date (want %s..%s)", sep, lo, hi);
        else
            fprintf(f, "%sdate %s outside %s..%s", sep, d, lo, hi);
        sep = ", ";
    }
    if (why & EVAL_WHY_TAKEN)
        fprintf(f, "%sa candidate, paired with %s", sep, other);
}

/* ------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------ */

static void put_ratio(FILE *f, const char *label, eval_ratio r,
                      const char *note) {
    fprintf(f, "%-14s %zu/%zu = ", label, r.hit, r.total);
    if (r.total)
        fprintf(f, "%.3f", eval_ratio_value(r));
    else
        fputs("-", f);
    if (note) fprintf(f, "   %s", note);
    fputc('\n', f);
}

static void put_value(FILE *f, double v) {
    if (isnan(v))
        fputs("-", f);
    else
        fprintf(f, "%.3f", v);
}

/* A count on a matched pair: silent when both sides say nothing (null or
 * 0), "fat 4 ok" when equal, "fat 3 (gold 4)" when not. */
static void put_count_check(FILE *f, const char *label, long sys, long gold,
                            int ok) {
    char a[24], b[24];
    if (ok && (gold == EVAL_NULL_COUNT || gold == 0)) return;
    if (ok)
        fprintf(f, ", %s %s ok", label, count_str(sys, a));
    else
        fprintf(f, ", %s %s (gold %s)", label, count_str(sys, a),
                count_str(gold, b));
}

static void text_gold_line(FILE *f, const eval_result *r,
                           const eval_doc_result *dr, size_t g) {
    const eval_gold_event *ge = &dr->gold->events[g];
    const eval_gold_result *gr = &dr->gres[g];
    char when[32];
    fprintf(f, "  %s  %s  %s  %s  ", ge->id,
            or_dash(ge->event_type), or_dash(ge->place), gold_when(ge, when));
    if (gr->sys < 0) {
        fputs(ge->required ? "MISSED" : "(optional) not found", f);
        if (ge->required && gr->near >= 0) {
            const eval_event *se = doc_event(r, dr, gr->near);
            char d[11];
            eval_date_format(se->date, d);
            fprintf(f, "; nearest %s (%s, %s, %s): ", se->event_id,
                    or_dash(se->event_type), or_dash(se->place), d);
            long other = dr->sys_gold[gr->near];
            why_text(f, ge, se, gr->near_why, gr->near_km,
                     other >= 0 ? dr->gold->events[other].id : "?");
        } else if (ge->required) {
            fputs("; no system events", f);
        }
        fputc('\n', f);
        return;
    }
    const eval_event *se = doc_event(r, dr, gr->sys);
    fprintf(f, "%s %s at %.1f km", ge->required ? "=" : "(optional) =",
            se->event_id, gr->dist_km);
    if (!ge->required) {
        fputs(", not scored\n", f);
        return;
    }
    if (gr->sub_ok)
        fputs(": sub ok", f);
    else
        fprintf(f, ": sub %s wrong", *se->sub_event_type ? se->sub_event_type
                                                         : "missing");
    put_count_check(f, "fat", se->fatalities, ge->fatalities,
                    gr->fatalities_ok);
    put_count_check(f, "inj", se->injured, ge->injured, gr->injured_ok);
    put_count_check(f, "cap", se->captured, ge->captured, gr->captured_ok);
    if (gr->date_ok == 1) {
        fputs(", date ok", f);
    } else if (gr->date_ok == 0) {
        char a[11], b[11];
        eval_date_format(se->date, a);
        eval_date_format(ge->date, b);
        fprintf(f, ", date %s (gold %s)", a, b);
    }
    fprintf(f, ", actors %zu/%zu", gr->actors_hit, ge->nactors);
    if (gr->actors_hit < ge->nactors) {
        fputs(" (missing ", f);
        const char *sep = "";
        for (size_t a = 0; a < ge->nactors; a++)
            if (!gr->actor_found[a]) {
                fprintf(f, "%s%s", sep, or_dash(ge->actors[a].name));
                sep = "; ";
            }
        fputc(')', f);
    }
    fputc('\n', f);
}

static void text_false_line(FILE *f, const eval_result *r,
                            const eval_doc_result *dr, size_t s) {
    const eval_event *se = doc_event(r, dr, (long)s);
    char d[11];
    eval_date_format(se->date, d);
    fprintf(f, "  FALSE %s  %s / %s  %s%s  %s  (line %zu)", se->event_id,
            or_dash(se->event_type), or_dash(se->sub_event_type),
            or_dash(se->place), se->has_point ? "" : " (no coordinates)", d,
            se->line);
    long g = dr->sys_near[s];
    if (g >= 0) {
        const eval_gold_event *ge = &dr->gold->events[g];
        fprintf(f, "; nearest %s: ", ge->id);
        long taken = dr->gres[g].sys;
        why_text(f, ge, se, dr->sys_near_why[s], dr->sys_near_km[s],
                 taken >= 0 ? doc_event(r, dr, taken)->event_id : "?");
    }
    fputc('\n', f);
}

static void text_doc(FILE *f, const eval_result *r, const eval_doc_result *dr) {
    const eval_counts *c = &dr->counts;
    fprintf(f, "%s  P %zu/%zu  R %zu/%zu  (%zu system, %zu required + %zu "
               "optional gold)%s\n",
            dr->gold->doc_id, c->matched_required,
            c->system - c->system_optional, c->matched_required,
            c->gold_required, c->system, c->gold_required, c->gold_optional,
            dr->approximate ? "  [greedy assignment]" : "");
    for (size_t g = 0; g < dr->gold->nevents; g++) text_gold_line(f, r, dr, g);
    for (size_t s = 0; s < dr->nsys; s++)
        if (dr->sys_gold[s] < 0)
            text_false_line(f, r, dr, s);
}

char *eval_report_text(const eval_result *r, int per_doc) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    if (per_doc) {
        for (size_t d = 0; d < r->ndocs; d++) text_doc(f, r, &r->docs[d]);
        if (r->nunscored_docs) {
            fprintf(f, "UNSCORED (no gold file):");
            for (size_t i = 0; i < r->nunscored_docs; i++)
                fprintf(f, " %s", r->unscored_docs[i]);
            fputc('\n', f);
        }
        fputc('\n', f);
    }
    const eval_counts *c = &r->overall;
    size_t empty = 0;
    for (size_t d = 0; d < r->ndocs; d++)
        if (!r->docs[d].nsys) empty++;
    fprintf(f, "%-14s %zu with gold (%zu without system events)\n", "articles",
            r->ndocs, empty);
    fprintf(f, "%-14s %zu: %zu scored, %zu matched to optional gold; %zu "
               "unscored (%zu article%s without gold)\n",
            "system events", c->system + r->unscored_events,
            c->system - c->system_optional, c->system_optional,
            r->unscored_events, r->nunscored_docs,
            r->nunscored_docs == 1 ? "" : "s");
    fprintf(f, "%-14s %zu required (%zu matched), %zu optional (%zu "
               "matched)\n",
            "gold events", c->gold_required, c->matched_required,
            c->gold_optional, c->matched_optional);
    put_ratio(f, "precision",
              (eval_ratio){c->matched_required, c->system - c->system_optional},
              NULL);
    put_ratio(f, "recall", (eval_ratio){c->matched_required, c->gold_required},
              NULL);
    fprintf(f, "%-14s ", "F1");
    put_value(f, eval_f1(c));
    fputc('\n', f);
    put_ratio(f, "sub-event", c->sub_event, "(on matched required events)");
    put_ratio(f, "fatalities", c->fatalities, "(exact; null and 0 agree)");
    put_ratio(f, "injured", c->injured, NULL);
    put_ratio(f, "captured", c->captured, NULL);
    put_ratio(f, "date", c->date, "(exact, where gold has a day)");
    put_ratio(f, "actors", c->actors, "(gold actors found)");
    fprintf(f, "%-14s median ", "location error");
    double med = r->overall.nloc ? eval_median(r->loc_err, r->overall.nloc)
                                 : NAN;
    if (isnan(med))
        fputs("-", f);
    else
        fprintf(f, "%.1f km", med);
    fprintf(f, " over %zu pair%s\n", r->overall.nloc,
            r->overall.nloc == 1 ? "" : "s");
    if (r->approximate_docs)
        fprintf(f, "note: %zu articles too large for exact assignment were "
                   "paired greedily\n", r->approximate_docs);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------ */

static json_t *num_or_null(double v) {
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *j_count(long v) {
    return v == EVAL_NULL_COUNT ? json_null() : json_integer(v);
}

static json_t *j_date(int32_t d) {
    if (d == EVAL_NO_DATE) return json_null();
    char b[11];
    eval_date_format(d, b);
    return json_string(b);
}

static json_t *j_ratio(size_t hit, size_t total) {
    eval_ratio r = {hit, total};
    return json_pack("{s:I, s:I, s:o}", "hit", (json_int_t)hit, "total",
                     (json_int_t)total, "value",
                     num_or_null(eval_ratio_value(r)));
}

static json_t *j_why(unsigned why) {
    json_t *a = json_array();
    if (why & EVAL_WHY_TYPE) json_array_append_new(a, json_string("type"));
    if (why & EVAL_WHY_PLACE) json_array_append_new(a, json_string("place"));
    if (why & EVAL_WHY_DATE) json_array_append_new(a, json_string("date"));
    if (why & EVAL_WHY_TAKEN) json_array_append_new(a, json_string("taken"));
    return a;
}

/* The figures of a counts block; loc holds its location errors (sorted in
 * place for the median). */
static json_t *j_counts(json_t *o, const eval_counts *c, double *loc) {
    if (!o) return NULL;
    json_object_set_new(o, "system_events", json_integer((json_int_t)c->system));
    json_object_set_new(o, "system_matched_optional",
                        json_integer((json_int_t)c->system_optional));
    json_object_set_new(o, "gold_required",
                        json_integer((json_int_t)c->gold_required));
    json_object_set_new(o, "gold_optional",
                        json_integer((json_int_t)c->gold_optional));
    json_object_set_new(o, "matched_required",
                        json_integer((json_int_t)c->matched_required));
    json_object_set_new(o, "matched_optional",
                        json_integer((json_int_t)c->matched_optional));
    json_object_set_new(o, "precision",
                        j_ratio(c->matched_required,
                                c->system - c->system_optional));
    json_object_set_new(o, "recall",
                        j_ratio(c->matched_required, c->gold_required));
    json_object_set_new(o, "f1", num_or_null(eval_f1(c)));
    json_object_set_new(o, "sub_event", j_ratio(c->sub_event.hit,
                                                c->sub_event.total));
    json_object_set_new(o, "fatalities", j_ratio(c->fatalities.hit,
                                                 c->fatalities.total));
    json_object_set_new(o, "injured", j_ratio(c->injured.hit,
                                              c->injured.total));
    json_object_set_new(o, "captured", j_ratio(c->captured.hit,
                                               c->captured.total));
    json_object_set_new(o, "date", j_ratio(c->date.hit, c->date.total));
    json_object_set_new(o, "actors", j_ratio(c->actors.hit, c->actors.total));
    json_object_set_new(o, "location_error_km",
                        json_pack("{s:o, s:I}", "median",
                                  num_or_null(eval_median(loc, c->nloc)),
                                  "pairs", (json_int_t)c->nloc));
    return o;
}

static json_t *j_count_check(long sys, long gold, int ok) {
    return json_pack("{s:o, s:o, s:b}", "system", j_count(sys), "gold",
                     j_count(gold), "exact", ok);
}

static json_t *j_gold_event(const eval_result *r, const eval_doc_result *dr,
                            size_t g) {
    const eval_gold_event *ge = &dr->gold->events[g];
    const eval_gold_result *gr = &dr->gres[g];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(ge->id));
    json_object_set_new(o, "status",
                        json_string(ge->required ? "required" : "optional"));
    json_object_set_new(o, "event_type", json_string(ge->event_type));
    json_object_set_new(o, "place", json_string(ge->place));
    json_object_set_new(o, "date", j_date(ge->date));
    json_object_set_new(
        o, "window",
        ge->win_lo == EVAL_NO_DATE
            ? json_null()
            : json_pack("[o, o]", j_date(ge->win_lo), j_date(ge->win_hi)));
    if (gr->sys < 0) {
        json_object_set_new(o, "matched", json_null());
        if (gr->near >= 0) {
            const eval_event *se = doc_event(r, dr, gr->near);
            json_object_set_new(
                o, "nearest",
                json_pack("{s:s, s:I, s:o, s:o}", "event_id", se->event_id,
                          "line", (json_int_t)se->line, "why",
                          j_why(gr->near_why), "distance_km",
                          num_or_null(gr->near_km)));
        }
        return o;
    }
    const eval_event *se = doc_event(r, dr, gr->sys);
    json_object_set_new(o, "matched", json_string(se->event_id));
    json_object_set_new(o, "line", json_integer((json_int_t)se->line));
    json_object_set_new(o, "distance_km", json_real(gr->dist_km));
    json_object_set_new(o, "sub_event_type", json_string(se->sub_event_type));
    json_object_set_new(o, "sub_event_ok", json_boolean(gr->sub_ok));
    json_object_set_new(o, "fatalities",
                        j_count_check(se->fatalities, ge->fatalities,
                                      gr->fatalities_ok));
    json_object_set_new(o, "injured", j_count_check(se->injured, ge->injured,
                                                    gr->injured_ok));
    json_object_set_new(o, "captured",
                        j_count_check(se->captured, ge->captured,
                                      gr->captured_ok));
    json_object_set_new(o, "system_date", j_date(se->date));
    json_object_set_new(o, "date_exact", gr->date_ok < 0
                                             ? json_null()
                                             : json_boolean(gr->date_ok));
    json_t *found = json_array(), *missing = json_array();
    for (size_t a = 0; a < ge->nactors; a++)
        json_array_append_new(gr->actor_found[a] ? found : missing,
                              json_string(ge->actors[a].name));
    json_object_set_new(o, "actors_found", found);
    json_object_set_new(o, "actors_missing", missing);
    return o;
}

static json_t *j_false_event(const eval_doc_result *dr, const eval_event *se,
                             size_t s) {
    json_t *o = json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:o}", "event_id", se->event_id, "line",
        (json_int_t)se->line, "event_type", se->event_type, "sub_event_type",
        se->sub_event_type, "place", se->place, "date", j_date(se->date));
    if (!o) return NULL;
    json_object_set_new(o, "lat", se->has_point ? json_real(se->lat)
                                                : json_null());
    json_object_set_new(o, "lon", se->has_point ? json_real(se->lon)
                                                : json_null());
    long g = dr->sys_near[s];
    if (g >= 0)
        json_object_set_new(
            o, "nearest",
            json_pack("{s:s, s:o, s:o}", "gold_id", dr->gold->events[g].id,
                      "why", j_why(dr->sys_near_why[s]), "distance_km",
                      num_or_null(dr->sys_near_km[s])));
    return o;
}

json_t *eval_report_json(const eval_result *r, int per_doc) {
    json_t *root = json_object(), *docs = json_array();
    if (!root || !docs) {
        json_decref(root);
        json_decref(docs);
        return NULL;
    }
    size_t empty = 0;
    for (size_t d = 0; d < r->ndocs; d++) {
        const eval_doc_result *dr = &r->docs[d];
        if (!dr->nsys) empty++;
        /* Medians sort in place; the per-document arrays are the result's
         * own scratch, so sort copies to keep the result unchanged. */
        double *loc = malloc((dr->counts.nloc ? dr->counts.nloc : 1) *
                             sizeof *loc);
        if (!loc) goto nomem;
        memcpy(loc, dr->loc_err, dr->counts.nloc * sizeof *loc);
        json_t *o = json_pack("{s:s}", "doc_id", dr->gold->doc_id);
        o = j_counts(o, &dr->counts, loc);
        free(loc);
        if (!o) goto nomem;
        if (dr->approximate) json_object_set_new(o, "approximate", json_true());
        if (per_doc) {
            json_t *gold = json_array(), *fal = json_array();
            for (size_t g = 0; g < dr->gold->nevents; g++)
                json_array_append_new(gold, j_gold_event(r, dr, g));
            for (size_t s = 0; s < dr->nsys; s++)
                if (dr->sys_gold[s] < 0)
                    json_array_append_new(
                        fal, j_false_event(dr, doc_event(r, dr, (long)s), s));
            json_object_set_new(o, "gold", gold);
            json_object_set_new(o, "false", fal);
        }
        json_array_append_new(docs, o);
    }
    double *loc = malloc((r->overall.nloc ? r->overall.nloc : 1) *
                         sizeof *loc);
    if (!loc) goto nomem;
    memcpy(loc, r->loc_err, r->overall.nloc * sizeof *loc);
    json_t *ov = json_pack("{s:I, s:I}", "articles", (json_int_t)r->ndocs,
                           "articles_without_system_events",
                           (json_int_t)empty);
    ov = j_counts(ov, &r->overall, loc);
    free(loc);
    if (!ov) goto nomem;
    json_object_set_new(ov, "unscored_system_events",
                        json_integer((json_int_t)r->unscored_events));
    json_t *un = json_array();
    for (size_t i = 0; i < r->nunscored_docs; i++)
        json_array_append_new(un, json_string(r->unscored_docs[i]));
    json_object_set_new(ov, "unscored_articles", un);
    json_object_set_new(ov, "approximate_articles",
                        json_integer((json_int_t)r->approximate_docs));
    json_object_set_new(root, "overall", ov);
    json_object_set_new(root, "per_doc", docs);
    return root;
nomem:
    json_decref(root);
    json_decref(docs);
    return NULL;
}
