/*
 * extract.c — from one article to event records.
 *
 * Two stages:
 *  1. Sentence by sentence, event mentions: an event or casualty trigger not
 *     blocked by a cue (threat, plan, denial, running total, history), with
 *     the sentence's places (one mention per place), date, actors and the
 *     casualty figures standing next to casualty words. What a sentence does
 *     not say (place, date, actors) is taken from the article context, and
 *     marked as inherited.
 *  2. Mentions of one interaction — same place (or close), compatible type,
 *     compatible date — become one event: one event per place per day. A
 *     repeated figure is counted once, conflicting figures from different
 *     sources are all kept as claims and the lowest is the fatality count.
 *
 * Cost: linear in the number of tokens plus, per sentence, the mentions it
 * holds; merging compares each mention with the events already made.
 */
#include "extract/extract_internal.h"
#include "extract/merge.h"
#include "text/text_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small string arena owned by marsad_events ---------------------------- */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct marsad_events {
    marsad_event *ev;
    size_t n, cap;
    char *text;
    size_t text_len;
    chunk *arena;
};

static void *arena_alloc(marsad_events *E, size_t n) {
    n = (n + 7) & ~(size_t)7;
    if (!E->arena || E->arena->used + n > E->arena->cap) {
        size_t cap = n > 8192 ? n : 8192;
        chunk *c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = E->arena;
        c->used = 0;
        c->cap = cap;
        E->arena = c;
    }
    void *p = E->arena->data + E->arena->used;
    E->arena->used += n;
    return p;
}

static const char *arena_strn(marsad_events *E, const char *s, size_t n) {
    if (!s) return NULL;
    /* a valid UTF-8 copy: evidence and mentions come from untrusted text */
    size_t ol;
    char *clean = marsad_utf8_sanitize(s, n, &ol, NULL);
    if (!clean) return NULL;
    char *p = arena_alloc(E, ol + 1);
    if (p) memcpy(p, clean, ol + 1);
    free(clean);
    return p;
}

static const char *arena_str(marsad_events *E, const char *s) {
    return s ? arena_strn(E, s, strlen(s)) : NULL;
}

static const char *arena_printf(marsad_events *E, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *arena_printf(marsad_events *E, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return arena_str(E, buf);
}

/* ---- per-article working state ------------------------------------------ */

typedef struct {
    int kind;                /* TR_KILLED, TR_INJURED, TR_CAPTURED */
    long count;
    int qualifier;           /* XQ_* */
    int side;                /* 0 unknown, 1 actor1, 2 actor2, 3 civilians */
    size_t attr_start, attr_end; /* bytes of the attributed source, or 0,0 */
    int revision;            /* "the toll rose to" */
} claim;

typedef struct {
    uint32_t sent;
    const x_trigger *trig;   /* best event trigger, or NULL (casualties only) */
    const char *event_type, *sub_event_type;
    int rank;
    const x_place *place;
    int place_inherited;
    x_ymd date, first, last;
    int precision, date_explicit;
    const x_actor *a1, *a2;
    int a_inherited;
    claim claims[12];
    int nclaims;
    int merged_into;         /* event index, -1 */
} mention;

typedef struct {
    const marsad_model *m;
    const marsad_article *a;
    marsad_doc *doc;
    const char *text;
    size_t len;
    const marsad_token *t;
    size_t nt;
    const marsad_sentence *s;
    size_t ns;
    x_place *places;
    size_t nplaces;
    x_actor *actors;
    size_t nactors;
    x_number *nums;
    size_t nnums;
    x_date *dates;
    size_t ndates;
    x_tmatch *trig;
    size_t ntrig;
    x_ymd published;
    char country[3];
    mention *men;
    size_t nmen, capmen;
    unsigned char *num_used;
    /* per-sentence index into each mention list: the mentions of sentence s
     * are [x_at[s], x_at[s + 1]) (lists are in text order) */
    size_t *trig_at, *place_at, *actor_at, *num_at, *date_at;
    const x_date *lede_date;   /* first dated mention not after publication */
    const x_place *first_place;
} ctx;

/* Builds the per-sentence index of a list whose elements start with a
 * size_t tok_start (every x_* mention type does), sorting it first. */
static int cmp_tok_start(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static size_t *index_by_sentence(const ctx *c, void *base, size_t n,
                                 size_t size) {
    if (n) qsort(base, n, size, cmp_tok_start);
    size_t *at = malloc((c->ns + 2) * sizeof *at);
    if (!at) return NULL;
    size_t i = 0;
    for (size_t s = 0; s <= c->ns; s++) {
        size_t first = s < c->ns ? c->s[s].first_token : c->nt;
        while (i < n && *(const size_t *)((const char *)base + i * size) < first)
            i++;
        at[s] = i;
    }
    at[c->ns + 1] = n;
    return at;
}

#define SENT_RANGE(c, at, sent, i) \
    for (size_t i = (c)->at[sent]; i < (c)->at[(sent) + 1]; i++)

static const x_trigger *TR(const ctx *c, const x_tmatch *tm) {
    return &c->m->triggers[tm->trigger];
}

/* Is token k a clause boundary (comma, colon, semicolon, full stop)? */
static int is_boundary(const ctx *c, size_t k) {
    const marsad_token *t = &c->t[k];
    if (t->kind != MARSAD_TOK_PUNCT) return 0;
    return tok_is(t, ",") || tok_is(t, ";") || tok_is(t, ":") ||
           tok_is(t, ".") || tok_is(t, "-");
}

/* True when a cue of kind `cue` stands within `window` tokens before token
 * k in the same clause of sentence s. */
static int cue_before(const ctx *c, size_t k, int cue, size_t window,
                      int cross_clause) {
    uint32_t sent = c->t[k].sentence;
    const marsad_sentence *s = &c->s[sent];
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (tr->cls != TR_CUE || tr->cue != cue) continue;
        if (tm->tok_start < s->first_token || tm->tok_end > k) continue;
        if (k - tm->tok_end > window) continue;
        int crossed = 0;
        for (size_t j = tm->tok_end; j < k; j++)
            if (is_boundary(c, j)) crossed = 1;
        if (!crossed || cross_clause) return 1;
    }
    return 0;
}

static int sentence_has_cue(const ctx *c, uint32_t sent, int cue) {
    const marsad_sentence *s = &c->s[sent];
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        if (tm->tok_start >= s->first_token &&
            tm->tok_end <= s->first_token + s->ntokens &&
            TR(c, tm)->cls == TR_CUE && TR(c, tm)->cue == cue)
            return 1;
    }
    return 0;
}

static int sentence_is_question(const ctx *c, uint32_t sent) {
    const marsad_sentence *s = &c->s[sent];
    for (uint32_t k = s->first_token; k < s->first_token + s->ntokens; k++)
        if (c->t[k].kind == MARSAD_TOK_PUNCT && tok_is(&c->t[k], "?"))
            return 1;
    return 0;
}

/* A trigger is blocked when a threat, plan, denial or negation governs it. */
static int blocked(const ctx *c, const x_tmatch *tm) {
    size_t k = tm->tok_start;
    if (cue_before(c, k, CUE_IRREALIS, 8, 0)) return 1;
    if (cue_before(c, k, CUE_DENIAL, 12, 1)) return 1;
    if (cue_before(c, k, CUE_NEGATION, 3, 0)) return 1;
    /* a verb trigger in the future: سيـ/ستـ/سنـ stuck to it */
    const marsad_token *t = &c->t[k];
    if (TR(c, tm)->verb && t->norm_len > 4 && memcmp(t->norm, "س", 2) == 0) {
        const char *p = t->norm + 2;
        if (memcmp(p, "ي", 2) == 0 || memcmp(p, "ت", 2) == 0 ||
            memcmp(p, "ن", 2) == 0)
            return 1;
    }
    return 0;
}

/* ---- figures next to casualty words -------------------------------------- */

static const x_number *number_at(const ctx *c, size_t lo, size_t hi,
                                 int want_end, size_t *idx) {
    /* a number starting (want_end == 0) or ending (1) in [lo, hi] */
    const x_number *best = NULL;
    uint32_t sent = c->t[lo < c->nt ? lo : c->nt - 1].sentence;
    size_t from = c->num_at[sent > 0 ? sent - 1 : 0], to = c->num_at[sent + 1];
    for (size_t i = from; i < to; i++) {
        const x_number *x = &c->nums[i];
        size_t p = want_end ? x->tok_end : x->tok_start;
        if (p < lo || p > hi || c->num_used[i]) continue;
        if (!best || (want_end ? x->tok_end > best->tok_end
                               : x->tok_start < best->tok_start)) {
            best = x;
            *idx = i;
        }
    }
    return best;
}

static int word_in(const marsad_token *t, const char *const *list) {
    for (; *list; list++)
        if (tok_is(t, *list)) return 1;
    return 0;
}

static const char *const OTHERS[] = {"اخرين", "اخرون", "اخري", "الاخرين", NULL};
static const char *const PREPS[] = {"في", "من", "علي", "الي", "عن", "و",
                                    "بعد", "قبل", "خلال", "اثر", "جراء", NULL};

/* Is a civilian word within the few tokens after k (the counted noun)? */
static int civilian_near(const ctx *c, size_t from, size_t to) {
    uint32_t sent = c->t[from < c->nt ? from : c->nt - 1].sentence;
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (tr->cls == TR_CUE && tr->cue == CUE_CIVILIAN &&
            tm->tok_start >= from && tm->tok_start <= to)
            return 1;
    }
    SENT_RANGE(c, actor_at, sent, i)
        if (c->actors[i].civilian && c->actors[i].tok_start >= from &&
            c->actors[i].tok_start <= to)
            return 1;
    return 0;
}

/* Finds the attribution of sentence s ("according to X", "X said"), as the
 * bytes from the cue to the next clause boundary (at most 6 tokens). */
static void attribution(const ctx *c, uint32_t sent, size_t *as, size_t *ae) {
    const marsad_sentence *s = &c->s[sent];
    size_t end = s->first_token + s->ntokens;
    *as = *ae = 0;
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (tr->cls != TR_CUE || tr->cue != CUE_ATTRIBUTION) continue;
        if (tm->tok_start < s->first_token || tm->tok_end > end) continue;
        size_t k = tm->tok_end;
        size_t stop = k;
        while (stop < end && stop < k + 6 && !is_boundary(c, stop)) stop++;
        if (stop == k) continue;
        *as = c->t[tm->tok_start].start;
        *ae = c->t[stop - 1].end;
        return;
    }
}

static void casualties(ctx *c, uint32_t sent, mention *mn, int in_total) {
    const marsad_sentence *s = &c->s[sent];
    size_t first = s->first_token, end = s->first_token + s->ntokens;
    size_t as, ae;
    attribution(c, sent, &as, &ae);
    int revision = sentence_has_cue(c, sent, CUE_REVISION);
    SENT_RANGE(c, trig_at, sent, i) {
        if (mn->nclaims >= 12) break;
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (tr->cls != TR_KILLED && tr->cls != TR_INJURED &&
            tr->cls != TR_CAPTURED)
            continue;
        if (tm->tok_start < first || tm->tok_end > end) continue;
        if (in_total || blocked(c, tm)) continue;
        const x_number *x = NULL;
        size_t xi = 0;
        if (tr->count_pos & 1) /* after: مقتل 5, قتل ما لا يقل عن 5 */
            x = number_at(c, tm->tok_end, tm->tok_end + 3 < end ? tm->tok_end + 3 : end,
                          0, &xi);
        if (!x && (tr->count_pos & 2)) /* before: 5 قتلى, 20 قتيلا */
            x = number_at(c, tm->tok_start > first + 3 ? tm->tok_start - 3 : first,
                          tm->tok_start, 1, &xi);
        if (!x && tr->count_pos == 2 && tm->tok_start >= first + 1) {
            /* لقي 3 أشخاص حتفهم: the figure may stand a little further */
            x = number_at(c, tm->tok_start > first + 5 ? tm->tok_start - 5 : first,
                          tm->tok_start, 1, &xi);
        }
        claim cl = {0};
        cl.kind = tr->cls;
        cl.revision = revision;
        cl.attr_start = as;
        cl.attr_end = ae;
        size_t noun_from;
        if (x) {
            c->num_used[xi] = 1;
            cl.count = x->value;
            cl.qualifier = x->qualifier;
            noun_from = x->tok_end > 0 ? x->tok_end - 1 : 0;
        } else if (tm->tok_end < end && word_in(&c->t[tm->tok_end], OTHERS)) {
            cl.count = 3; /* "وإصابة آخرين": the others count 3 */
            noun_from = tm->tok_end;
        } else if (tr->gram_number) {
            cl.count = tr->gram_number;
            noun_from = tm->tok_start;
        } else if ((tr->count_pos & 1) && tm->tok_end < end &&
                   c->t[tm->tok_end].kind == MARSAD_TOK_WORD &&
                   !word_in(&c->t[tm->tok_end], PREPS)) {
            cl.count = 1; /* مقتل جندي, مقتل قائد: a bare singular */
            noun_from = tm->tok_end;
        } else {
            continue;
        }
        if (cl.count <= 0) continue;
        cl.side = civilian_near(c, noun_from, noun_from + 3) ? 3 : 0;
        mn->claims[mn->nclaims++] = cl;
    }
}

/* ---- places, dates and actors of a sentence ------------------------------ */

static const char *const TOWARD[] = {"الي", "نحو", "باتجاه", "اتجاه", "صوب",
                                     "متجهه", "متجها", NULL};

static int place_is_destination(const ctx *c, const x_place *p) {
    size_t k = p->tok_start;
    const marsad_sentence *s = &c->s[c->t[k].sentence];
    for (size_t j = k; j > s->first_token && j + 3 > k; j--)
        if (word_in(&c->t[j - 1], TOWARD)) return 1;
    return 0;
}

/* The last place mentioned before sentence `sent` (same paragraph first). */
static const x_place *context_place(const ctx *c, uint32_t sent) {
    /* the last place before the sentence (a bounded look back) */
    for (size_t i = c->place_at[sent], steps = 0; i-- > 0 && steps < 256; steps++)
        if (!c->places[i].in_org) return &c->places[i];
    /* else the first place of the article, wherever it stands */
    return c->first_place;
}

static const x_date *sentence_date(const ctx *c, uint32_t sent) {
    const marsad_sentence *s = &c->s[sent];
    SENT_RANGE(c, date_at, sent, i) {
        const x_date *d = &c->dates[i];
        if (d->tok_start >= s->first_token &&
            d->tok_end <= s->first_token + s->ntokens && d->date.y)
            return d;
    }
    return NULL;
}

static const x_date *context_date(const ctx *c, uint32_t sent) {
    /* the last dated sentence of the same paragraph before this one */
    uint32_t para = c->s[sent].paragraph;
    for (uint32_t k = sent, steps = 0; k-- > 0 && c->s[k].paragraph == para &&
                                       steps < 64; steps++) {
        const x_date *d = sentence_date(c, k);
        if (d) return d;
    }
    /* else the first dated sentence of the article (the lede) */
    return c->lede_date;
}

static void sentence_actors(const ctx *c, uint32_t sent, mention *mn) {
    const marsad_sentence *s = &c->s[sent];
    size_t end = s->first_token + s->ntokens;
    SENT_RANGE(c, actor_at, sent, i) {
        const x_actor *a = &c->actors[i];
        if (a->tok_start < s->first_token || a->tok_end > end) continue;
        if (!mn->a1) {
            if (!a->civilian) mn->a1 = a;
            else if (!mn->a2) mn->a2 = a;
        } else if (!mn->a2 && strcmp(a->name, mn->a1->name) != 0) {
            mn->a2 = a;
        }
    }
    if (mn->a1) return;
    /* inherit the last non-civilian actor mentioned before */
    for (size_t i = c->actor_at[sent], steps = 0; i-- > 0 && steps < 256; steps++) {
        const x_actor *a = &c->actors[i];
        if (a->tok_start < s->first_token && !a->civilian && !a->generic) {
            mn->a1 = a;
            mn->a_inherited = 1;
            break;
        }
    }
}

static int push_mention(ctx *c, const mention *mn) {
    if (c->nmen == c->capmen) {
        size_t nc = c->capmen ? c->capmen * 2 : 32;
        mention *n = realloc(c->men, nc * sizeof *n);
        if (!n) return -1;
        c->men = n;
        c->capmen = nc;
    }
    c->men[c->nmen++] = *mn;
    return 0;
}

static void sentence_mentions(ctx *c, uint32_t sent) {
    const marsad_sentence *s = &c->s[sent];
    size_t first = s->first_token, end = s->first_token + s->ntokens;
    if (sentence_is_question(c, sent)) return;
    int in_total = sentence_has_cue(c, sent, CUE_TOTAL);
    int in_history = sentence_has_cue(c, sent, CUE_HISTORY);
    const x_tmatch *best = NULL;
    int any_casualty = 0;
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        if (tm->tok_start < first || tm->tok_end > end) continue;
        const x_trigger *tr = TR(c, tm);
        if (tr->cls == TR_CUE || blocked(c, tm)) continue;
        if (tr->cls == TR_EVENT) {
            if (!best || tr->rank < TR(c, best)->rank) best = tm;
        } else {
            any_casualty = 1;
        }
    }
    if (!best && !any_casualty) return;
    if (in_history && !sentence_date(c, sent)) return;

    mention mn = {0};
    mn.sent = sent;
    mn.merged_into = -1;
    casualties(c, sent, &mn, in_total || in_history);
    if (!best) {
        if (mn.nclaims == 0) return; /* a running total and nothing else */
        int civ = 0;
        for (int k = 0; k < mn.nclaims; k++) civ |= mn.claims[k].side == 3;
        mn.event_type = civ ? "Violence against civilians" : "Battles";
        mn.sub_event_type = civ ? "Attack" : "Armed clash";
        mn.rank = 100 * 16;
    } else {
        if (in_total) return;
        mn.trig = TR(c, best);
        mn.event_type = mn.trig->event_type;
        mn.sub_event_type = mn.trig->sub_event_type;
        mn.rank = mn.trig->rank;
    }
    /* date */
    const x_date *d = sentence_date(c, sent);
    if (d) mn.date_explicit = 1;
    else d = context_date(c, sent);
    if (d) {
        mn.date = d->date;
        mn.first = d->first;
        mn.last = d->last;
        mn.precision = d->precision;
    } else if (c->published.y) {
        mn.date = c->published;
        mn.first = ymd_from_days(ymd_to_days(c->published) - 1);
        mn.last = c->published;
        mn.precision = 1;
    }
    sentence_actors(c, sent, &mn);
    if (mn.event_type && strcmp(mn.event_type, "Violence against civilians") == 0 &&
        mn.a1 && mn.a1->civilian) {
        mn.a2 = mn.a1;
        mn.a1 = NULL;
    }
    if (mn.sub_event_type &&
        (strcmp(mn.sub_event_type, "Government regains territory") == 0 ||
         strcmp(mn.sub_event_type, "Non-state actor overtakes territory") == 0) &&
        mn.a1 && mn.a1->type) {
        int state = strstr(mn.a1->type, "state forces") != NULL;
        mn.sub_event_type = state ? "Government regains territory"
                                  : "Non-state actor overtakes territory";
    }
    /* places: one mention per distinct place of the sentence */
    int made = 0;
    const x_place *chosen[16];
    int nchosen = 0;
    SENT_RANGE(c, place_at, sent, i) {
        if (nchosen >= 16) break;
        const x_place *p = &c->places[i];
        if (p->tok_start < first || p->tok_end > end || p->in_org) continue;
        int near = 0;
        for (int k = 0; k < nchosen; k++)
            if (chosen[k]->id == p->id ||
                merge_km(chosen[k]->lat, chosen[k]->lon, p->lat, p->lon) < 30)
                near = 1;
        if (near) continue;
        chosen[nchosen++] = p;
    }
    /* destinations (إلى X) are not where the event happened, unless alone */
    int ndest = 0;
    for (int k = 0; k < nchosen; k++) ndest += place_is_destination(c, chosen[k]);
    for (int k = 0; k < nchosen; k++) {
        if (ndest < nchosen && place_is_destination(c, chosen[k])) continue;
        mention one = mn;
        one.place = chosen[k];
        if (made) { /* a figure is counted once, on the first place named */
            one.nclaims = 0;
        }
        push_mention(c, &one);
        made++;
    }
    if (!made) {
        mn.place = context_place(c, sent);
        mn.place_inherited = 1;
        push_mention(c, &mn);
    }
}

/* ---- from mentions to events --------------------------------------------- */

typedef struct {
    int first_mention;
    const char *event_type, *sub_event_type;
    int rank;
    const x_place *place;
    int place_explicit;
    x_ymd date, first, last;
    int precision, date_explicit;
    const x_actor *a1, *a2;
    claim claims[32];
    int nclaims;
    uint32_t sents[16];
    int nsents;
    int has_trigger;
} event_acc;

static int same_place(const x_place *a, const x_place *b) {
    if (!a || !b) return a == b;
    return a->id == b->id ||
           merge_km(a->lat, a->lon, b->lat, b->lon) < MERGE_ARTICLE_PLACE_KM;
}

static int date_compatible(const event_acc *e, const mention *mn) {
    merge_date a = {ymd_to_days(e->date), e->precision, e->date_explicit};
    merge_date b = {ymd_to_days(mn->date), mn->precision, mn->date_explicit};
    return merge_dates_compatible(a, b, 0, 1);
}

static int type_compatible(const event_acc *e, const mention *mn) {
    return merge_types_compatible(e->event_type, e->has_trigger,
                                  mn->event_type, mn->trig != NULL);
}

static void add_claims(event_acc *e, const mention *mn) {
    for (int k = 0; k < mn->nclaims && e->nclaims < 32; k++)
        e->claims[e->nclaims++] = mn->claims[k];
}

static void absorb(event_acc *e, const mention *mn) {
    if (mn->trig && (!e->has_trigger || mn->rank < e->rank)) {
        e->event_type = mn->event_type;
        e->sub_event_type = mn->sub_event_type;
        e->rank = mn->rank;
        e->has_trigger = 1;
    }
    if (!e->place_explicit && !mn->place_inherited && mn->place) {
        e->place = mn->place;
        e->place_explicit = 1;
    }
    if (!e->date_explicit && mn->date_explicit) {
        e->date = mn->date;
        e->first = mn->first;
        e->last = mn->last;
        e->precision = mn->precision;
        e->date_explicit = 1;
    }
    if (!e->a1 && mn->a1) e->a1 = mn->a1;
    if (!e->a2 && mn->a2 && (!e->a1 || strcmp(mn->a2->name, e->a1->name) != 0))
        e->a2 = mn->a2;
    if (e->a1 && !e->a2 && mn->a1 && strcmp(mn->a1->name, e->a1->name) != 0)
        e->a2 = mn->a1;
    add_claims(e, mn);
    if (e->nsents < 16 &&
        (e->nsents == 0 || e->sents[e->nsents - 1] != mn->sent))
        e->sents[e->nsents++] = mn->sent;
}

static void start_event(event_acc *e, const mention *mn, int idx) {
    memset(e, 0, sizeof *e);
    e->first_mention = idx;
    e->event_type = mn->event_type;
    e->sub_event_type = mn->sub_event_type;
    e->rank = mn->rank;
    e->has_trigger = mn->trig != NULL;
    e->place = mn->place;
    e->place_explicit = !mn->place_inherited;
    e->date = mn->date;
    e->first = mn->first;
    e->last = mn->last;
    e->precision = mn->precision;
    e->date_explicit = mn->date_explicit;
    e->a1 = mn->a1;
    e->a2 = mn->a2;
    add_claims(e, mn);
    e->sents[e->nsents++] = mn->sent;
}

/* Total of one kind: per source, the largest figure (a later revision
 * replaces earlier ones); across sources, the lowest (spec: lowest credible).
 * Claims with the same attribution text come from one source. */
typedef struct {
    const event_acc *e;
    int kind;
    const ctx *c;
} figure_ctx;

static long claim_value(void *p, size_t i) {
    const figure_ctx *f = p;
    const claim *a = &f->e->claims[i];
    return a->kind == f->kind ? a->count : 0;
}

static int claim_same_source(void *p, size_t i, size_t j) {
    const figure_ctx *f = p;
    const claim *a = &f->e->claims[i], *b = &f->e->claims[j];
    return (b->attr_end - b->attr_start) == (a->attr_end - a->attr_start) &&
           memcmp(f->c->text + a->attr_start, f->c->text + b->attr_start,
                  a->attr_end - a->attr_start) == 0;
}

static long figure(const event_acc *e, int kind, const ctx *c) {
    figure_ctx f = {e, kind, c};
    return merge_lowest_credible((size_t)e->nclaims, claim_value,
                                 claim_same_source, &f);
}

static int merge_target(event_acc *evs, size_t nev, const mention *mn) {
    /* reports of one interaction stand close together: look back a bounded
     * number of events, which keeps huge articles linear */
    for (size_t i = nev, steps = 0; i-- > 0 && steps < 128; steps++) {
        event_acc *e = &evs[i];
        if (!type_compatible(e, mn) || !date_compatible(e, mn)) continue;
        if (mn->place_inherited) {
            /* a sentence without a place of its own joins the event it
             * continues when compatible */
            if (!mn->place || same_place(e->place, mn->place)) return (int)i;
            continue;
        }
        if (same_place(e->place, mn->place)) return (int)i;
    }
    return -1;
}

/* ---- rendering into marsad_event ----------------------------------------- */

static const char *const KIND_NAMES[] = {"", "killed", "injured", "captured"};
static const char *const QUAL_NAMES[] = {"exact", "at_least", "at_most", "about"};
static const char *const SIDE_NAMES[] = {"unknown", "actor1", "actor2",
                                         "civilians"};

static const char *month_name(int m) {
    static const char *const n[] = {"January", "February", "March", "April",
                                    "May", "June", "July", "August",
                                    "September", "October", "November",
                                    "December"};
    return (m >= 1 && m <= 12) ? n[m - 1] : "?";
}

static const char *verb_phrase(const char *type, const char *sub) {
    if (strcmp(type, "Battles") == 0) {
        if (strcmp(sub, "Government regains territory") == 0) return "regained territory from";
        if (strcmp(sub, "Non-state actor overtakes territory") == 0) return "took territory from";
        return "clashed with";
    }
    if (strcmp(type, "Explosions/Remote violence") == 0) {
        if (strcmp(sub, "Air/drone strike") == 0) return "carried out an air/drone strike against";
        if (strcmp(sub, "Suicide bomb") == 0) return "carried out a suicide bombing against";
        if (strcmp(sub, "Shelling/artillery/missile attack") == 0) return "shelled";
        return "used an explosive device against";
    }
    if (strcmp(type, "Violence against civilians") == 0) {
        if (strcmp(sub, "Abduction/forced disappearance") == 0) return "abducted";
        return "attacked";
    }
    if (strcmp(sub, "Arrests") == 0) return "arrested";
    if (strcmp(sub, "Non-violent transfer of territory") == 0) return "withdrew from or handed over territory to";
    if (strcmp(type, "Protests") == 0 || strcmp(type, "Riots") == 0) return "demonstrated against";
    return "acted against";
}

size_t marsad_event_notes(const marsad_event *ev, char *buf, size_t cap) {
    if (!cap) return 0;
    size_t o = 0;
    x_ymd d;
    if (ev->event_date && x_ymd_parse(ev->event_date, &d) == 0)
        o += (size_t)snprintf(buf + o, cap - o, "%s %d %s %d, ",
                              ev->time_precision == 1 ? "On" : "Around",
                              d.d, month_name(d.m), d.y);
    else
        o += (size_t)snprintf(buf + o, cap - o, "On an unknown date, ");
    const char *where = ev->location_name ? ev->location_name : "an unknown place";
    if (ev->actor1) {
        o += (size_t)snprintf(buf + o, cap - o, "%s %s %s in %s",
                              ev->actor1,
                              verb_phrase(ev->event_type, ev->sub_event_type),
                              ev->actor2 ? ev->actor2 : "an unidentified party",
                              where);
    } else {
        o += (size_t)snprintf(buf + o, cap - o, "an event of type %s (%s) took place in %s",
                              ev->event_type, ev->sub_event_type, where);
    }
    if (o < cap && (ev->fatalities || ev->injured || ev->captured)) {
        const char *sep = "; ";
        long fig[3] = {ev->fatalities, ev->injured, ev->captured};
        for (int k = 0; k < 3 && o < cap; k++) {
            if (!fig[k]) continue;
            /* the qualifier of the claim that set the figure */
            const char *q = "";
            for (size_t i = 0; i < ev->nclaims; i++)
                if (strcmp(ev->claims[i].kind, KIND_NAMES[k + 1]) == 0 &&
                    ev->claims[i].count == fig[k] &&
                    strcmp(ev->claims[i].qualifier, "at_least") == 0)
                    q = "at least ";
            o += (size_t)snprintf(buf + o, cap - o, "%s%s%ld %s", sep, q,
                                  fig[k], KIND_NAMES[k + 1]);
            /* other figures reported for the same kind */
            for (size_t i = 0; i < ev->nclaims && o < cap; i++)
                if (strcmp(ev->claims[i].kind, KIND_NAMES[k + 1]) == 0 &&
                    ev->claims[i].count != fig[k] && ev->claims[i].attributed_to)
                    o += (size_t)snprintf(buf + o, cap - o,
                                          " (%ld per another source)",
                                          ev->claims[i].count);
            sep = ", ";
        }
    }
    if (o < cap) snprintf(buf + o, cap - o, ".");
    buf[0] = (char)toupper((unsigned char)buf[0]);
    return strnlen(buf, cap);
}

static void make_notes(marsad_events *E, marsad_event *ev) {
    char buf[1024];
    marsad_event_notes(ev, buf, sizeof buf);
    ev->notes = arena_str(E, buf);
}

static int emit(ctx *c, marsad_events *E, const event_acc *e, size_t idx) {
    if (E->n == E->cap) {
        size_t nc = E->cap ? E->cap * 2 : 8;
        marsad_event *n = realloc(E->ev, nc * sizeof *n);
        if (!n) return -1;
        E->ev = n;
        E->cap = nc;
    }
    marsad_event *ev = &E->ev[E->n++];
    memset(ev, 0, sizeof *ev);
    ev->doc_id = arena_str(E, c->a->id ? c->a->id : "doc");
    ev->event_id = arena_printf(E, "%s-e%zu", ev->doc_id, idx + 1);
    ev->source = arena_str(E, c->a->source);
    if (e->date.y) {
        char b[11];
        ymd_format(e->date, b, sizeof b);
        ev->event_date = arena_str(E, b);
    }
    ev->time_precision = e->precision ? e->precision : 1;
    ev->event_type = e->event_type;
    ev->sub_event_type = e->sub_event_type;
    if (e->a1) {
        ev->actor1 = e->a1->name;
        ev->actor1_mention = arena_strn(E, c->text + c->t[e->a1->tok_start].start,
                                        c->t[e->a1->tok_end - 1].end -
                                            c->t[e->a1->tok_start].start);
    }
    if (e->a2) {
        ev->actor2 = e->a2->name;
        ev->actor2_mention = arena_strn(E, c->text + c->t[e->a2->tok_start].start,
                                        c->t[e->a2->tok_end - 1].end -
                                            c->t[e->a2->tok_start].start);
    }
    if (e->place) {
        const x_place *p = e->place;
        ev->location_name = p->name;
        ev->location_mention = arena_strn(E, c->text + c->t[p->tok_start].start,
                                          c->t[p->tok_end - 1].end -
                                              c->t[p->tok_start].start);
        ev->country = arena_str(E, p->country);
        ev->admin1 = p->admin1;
        ev->lat = p->lat;
        ev->lon = p->lon;
        ev->geo_precision = p->precision ? p->precision : 1;
    }
    ev->fatalities = figure(e, TR_KILLED, c);
    ev->injured = figure(e, TR_INJURED, c);
    ev->captured = figure(e, TR_CAPTURED, c);
    marsad_claim *cl = arena_alloc(E, sizeof *cl * (size_t)(e->nclaims ? e->nclaims : 1));
    for (int i = 0; cl && i < e->nclaims; i++) {
        const claim *a = &e->claims[i];
        cl[i].kind = KIND_NAMES[a->kind];
        cl[i].count = a->count;
        cl[i].qualifier = QUAL_NAMES[a->qualifier & 3];
        cl[i].side = SIDE_NAMES[a->side & 3];
        cl[i].attributed_to = a->attr_end > a->attr_start
            ? arena_strn(E, c->text + a->attr_start, a->attr_end - a->attr_start)
            : NULL;
    }
    ev->claims = cl;
    ev->nclaims = cl ? (size_t)e->nclaims : 0;
    marsad_span *sp = arena_alloc(E, sizeof *sp * (size_t)e->nsents);
    for (int i = 0; sp && i < e->nsents; i++) {
        sp[i].start = c->s[e->sents[i]].start;
        sp[i].end = c->s[e->sents[i]].end;
    }
    ev->evidence = sp;
    ev->nevidence = sp ? (size_t)e->nsents : 0;
    double conf = 0.35;
    if (e->has_trigger) conf += 0.2;
    if (e->place_explicit) conf += 0.2;
    if (e->date_explicit) conf += 0.1;
    if (e->a1) conf += 0.05;
    if (e->nclaims) conf += 0.05;
    if (e->nsents > 1) conf += 0.05;
    ev->confidence = conf > 1 ? 1 : conf;
    ev->flags = (e->has_trigger ? MARSAD_EVF_TRIGGER : 0) |
                (e->place_explicit ? MARSAD_EVF_PLACE_EXPLICIT : 0) |
                (e->date_explicit ? MARSAD_EVF_DATE_EXPLICIT : 0) |
                (e->a1 && (e->a1->generic || e->a1->civilian) ? MARSAD_EVF_ACTOR1_GENERIC : 0) |
                (e->a2 && (e->a2->generic || e->a2->civilian) ? MARSAD_EVF_ACTOR2_GENERIC : 0);
    make_notes(E, ev);
    return 0;
}

/* ---- the article ---------------------------------------------------------- */

static void diagf(marsad_diag_fn diag, void *dctx, const char *id,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void diagf(marsad_diag_fn diag, void *dctx, const char *id,
                  const char *fmt, ...) {
    if (!diag) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag(dctx, id, 0, msg);
}

/* The article's country: the most frequent country among its places. */
static void article_country(ctx *c) {
    c->country[0] = '\0';
    /* count per country code: codes are two letters A-Z */
    size_t count[26 * 26] = {0}, best = 0;
    for (size_t i = 0; i < c->nplaces; i++) {
        const char *cc = c->places[i].country;
        if (c->places[i].in_org || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' ||
            cc[1] > 'Z')
            continue;
        size_t k = (size_t)(cc[0] - 'A') * 26 + (size_t)(cc[1] - 'A');
        if (++count[k] > best) {
            best = count[k];
            memcpy(c->country, cc, 2);
            c->country[2] = '\0';
        }
    }
}

marsad_events *marsad_extract(const marsad_model *m, const marsad_article *a,
                              int level, marsad_diag_fn diag, void *dctx) {
    marsad_events *E = calloc(1, sizeof *E);
    if (!E) return NULL;
    const char *id = a->id ? a->id : "article";
    const char *text = a->text ? a->text : "";
    size_t len = a->text ? a->text_len : 0;
    E->text = malloc(len + 1);
    if (!E->text) {
        free(E);
        return NULL;
    }
    memcpy(E->text, text, len);
    E->text[len] = '\0';
    E->text_len = len;
    if (len == 0) {
        diagf(diag, dctx, id, "warning: article has no text");
        return E;
    }
    ctx c = {0};
    c.m = m;
    c.a = a;
    c.text = E->text;
    c.len = len;
    c.doc = marsad_doc_new(E->text, len);
    if (!c.doc) return E;
    c.t = marsad_doc_tokens(c.doc, &c.nt);
    c.s = marsad_doc_sentences(c.doc, &c.ns);
    size_t arabic = 0;
    for (size_t i = 0; i < c.nt && arabic == 0; i++)
        if (c.t[i].kind == MARSAD_TOK_WORD && (unsigned char)c.t[i].norm[0] >= 0xD8 &&
            (unsigned char)c.t[i].norm[0] <= 0xDB)
            arabic++;
    if (!arabic)
        diagf(diag, dctx, id, "warning: no Arabic text; nothing to extract");
    if (a->published && x_ymd_parse(a->published, &c.published) != 0) {
        diagf(diag, dctx, id, "warning: unreadable publication date '%.40s'",
              a->published);
        c.published.y = 0;
    }
    if (!c.published.y && resolve_dateline(m, c.doc, &c.published) != 0) {
        c.published.y = 0;
        diagf(diag, dctx, id,
              "warning: no publication date and no dateline; relative dates "
              "are not resolved");
    }
    c.nplaces = resolve_places(m, c.doc, NULL, &c.places);
    article_country(&c);
    if (c.country[0]) {
        free(c.places);
        c.nplaces = resolve_places(m, c.doc, c.country, &c.places);
    }
    c.nactors = resolve_actors(m, c.doc, c.country[0] ? c.country : NULL, &c.actors);
    c.nnums = resolve_numbers(m, c.doc, &c.nums);
    c.ndates = resolve_dates(m, c.doc, c.published, &c.dates);
    c.ntrig = triggers_find(m, c.doc, &c.trig);
    c.num_used = calloc(c.nnums + 1, 1);
    c.trig_at = index_by_sentence(&c, c.trig, c.ntrig, sizeof *c.trig);
    c.place_at = index_by_sentence(&c, c.places, c.nplaces, sizeof *c.places);
    c.actor_at = index_by_sentence(&c, c.actors, c.nactors, sizeof *c.actors);
    c.num_at = index_by_sentence(&c, c.nums, c.nnums, sizeof *c.nums);
    c.date_at = index_by_sentence(&c, c.dates, c.ndates, sizeof *c.dates);
    /* a number inside a date ("24 أبريل") is no count */
    for (size_t i = 0, j = 0; c.num_used && i < c.nnums; i++) {
        while (j < c.ndates && c.dates[j].tok_end <= c.nums[i].tok_start) j++;
        if (j < c.ndates && c.dates[j].tok_start < c.nums[i].tok_end)
            c.num_used[i] = 1;
    }
    for (size_t i = 0; i < c.nplaces && !c.first_place; i++)
        if (!c.places[i].in_org) c.first_place = &c.places[i];
    for (size_t i = 0; i < c.ndates && !c.lede_date; i++)
        if (c.dates[i].date.y &&
            (!c.published.y ||
             ymd_to_days(c.dates[i].date) <= ymd_to_days(c.published)))
            c.lede_date = &c.dates[i];
    int ready = c.num_used && c.trig_at && c.place_at && c.actor_at &&
                c.num_at && c.date_at;
    for (uint32_t s = 0; s < c.ns && ready; s++) sentence_mentions(&c, s);

    if (level == MARSAD_LEVEL_MENTIONS) {
        for (size_t i = 0; i < c.nmen; i++) {
            event_acc e;
            start_event(&e, &c.men[i], (int)i);
            emit(&c, E, &e, i);
        }
    } else {
        event_acc *evs = calloc(c.nmen + 1, sizeof *evs);
        size_t nev = 0;
        for (size_t i = 0; evs && i < c.nmen; i++) {
            int t = merge_target(evs, nev, &c.men[i]);
            if (t >= 0) absorb(&evs[t], &c.men[i]);
            else start_event(&evs[nev++], &c.men[i], (int)i);
        }
        size_t out = 0;
        for (size_t i = 0; i < nev; i++) {
            /* an event needs a place: without one it is no event record */
            if (!evs[i].place) continue;
            emit(&c, E, &evs[i], out++);
        }
        free(evs);
    }
    free(c.places);
    free(c.actors);
    free(c.nums);
    free(c.dates);
    free(c.trig);
    free(c.men);
    free(c.num_used);
    free(c.trig_at);
    free(c.place_at);
    free(c.actor_at);
    free(c.num_at);
    free(c.date_at);
    marsad_doc_free(c.doc);
    return E;
}

size_t marsad_events_count(const marsad_events *E) { return E ? E->n : 0; }

const marsad_event *marsad_events_get(const marsad_events *E, size_t i) {
    return (E && i < E->n) ? &E->ev[i] : NULL;
}

const char *marsad_events_text(const marsad_events *E, size_t *len) {
    if (len) *len = E->text_len;
    return E->text;
}

marsad_events *marsad_events_new(const char *text, size_t len) {
    marsad_events *E = calloc(1, sizeof *E);
    if (!E) return NULL;
    E->text = malloc(len + 1);
    if (!E->text) {
        free(E);
        return NULL;
    }
    if (len) memcpy(E->text, text, len);
    E->text[len] = '\0';
    E->text_len = len;
    return E;
}

int marsad_events_append(marsad_events *E, const marsad_event *src) {
    if (E->n == E->cap) {
        size_t nc = E->cap ? E->cap * 2 : 8;
        marsad_event *n = realloc(E->ev, nc * sizeof *n);
        if (!n) return -1;
        E->ev = n;
        E->cap = nc;
    }
    marsad_event ev = *src;
    const char **strs[] = {&ev.doc_id, &ev.event_id, &ev.event_date,
                           &ev.event_type, &ev.sub_event_type, &ev.actor1,
                           &ev.actor1_mention, &ev.actor2, &ev.actor2_mention,
                           &ev.location_name, &ev.location_mention,
                           &ev.country, &ev.admin1, &ev.notes, &ev.source};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        if (*strs[i] && !(*strs[i] = arena_str(E, *strs[i]))) return -1;
    marsad_claim *cl = arena_alloc(E, sizeof *cl * (ev.nclaims ? ev.nclaims : 1));
    if (!cl) return -1;
    for (size_t i = 0; i < ev.nclaims; i++) {
        cl[i] = src->claims[i];
        const char **cs[] = {&cl[i].kind, &cl[i].qualifier, &cl[i].side,
                             &cl[i].attributed_to};
        for (size_t k = 0; k < 4; k++)
            if (*cs[k] && !(*cs[k] = arena_str(E, *cs[k]))) return -1;
    }
    ev.claims = cl;
    marsad_span *sp = arena_alloc(E, sizeof *sp * (ev.nevidence ? ev.nevidence : 1));
    if (!sp) return -1;
    if (ev.nevidence) memcpy(sp, src->evidence, sizeof *sp * ev.nevidence);
    ev.evidence = sp;
    E->ev[E->n++] = ev;
    return 0;
}

void marsad_events_free(marsad_events *E) {
    if (!E) return;
    for (chunk *c = E->arena, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(E->ev);
    free(E->text);
    free(E);
}
