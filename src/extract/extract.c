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
#include "geo/boundaries.h"
#include "geo/gazetteer.h"
#include "text/text_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small string arena owned by marsad_events ---------------------------- */

int x_spans_plain = 0;

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
    if (!s || n > (SIZE_MAX - 8) / 3) return NULL;
    /* a valid UTF-8 copy: evidence and mentions come from untrusted text;
     * room for the worst case, then what was not used is given back (it
     * is the latest allocation) */
    size_t room = (n * 3 + 1 + 7) & ~(size_t)7;
    char *p = arena_alloc(E, room);
    if (!p) return NULL;
    size_t used = (text_utf8_clean(s, n, p, NULL) + 1 + 7) & ~(size_t)7;
    E->arena->used -= room - used;
    return p;
}

/* arena_strn of text bytes known to be valid UTF-8 without NUL: what the
 * cleaning would copy unchanged, copied as it is. */
static const char *arena_clean_strn(marsad_events *E, const char *s, size_t n) {
    if (x_spans_plain) return arena_strn(E, s, n);
    char *p = arena_alloc(E, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
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
    uint32_t sent;           /* the sentence that reports it */
    int vague;               /* a default count (bare plural, "others") */
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
    size_t trig_pos;         /* first token of its trigger */
    int coord_rest;          /* a coordinated place after the first */
    int anchored;            /* may open an event of its own: a date of its
                                own, figures, or in the lede */
    int place_vague;         /* its place is a country or region */
    int date_weak;           /* dated by a statement about it: on or before */
} mention;

typedef struct {
    const marsad_model *m;
    const marsad_article *a;
    const marsad_doc *doc;
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
    uint32_t *clause, *seg;    /* per token: clause and comma-segment number */
    unsigned char *lede;       /* per sentence: part of the lede */
    const x_place *first_place;
    unsigned char *usable;     /* per place: 0 not known yet, 1 usable, 2 not */
    unsigned char *dest;       /* per place: 0 not known yet, 1 a
                                  destination (place_is_destination), 2 not */
    const char *doc_id, *source; /* copies in the events' arena, or NULL */
    int clean_text;            /* the text is valid UTF-8 without NUL */
    unsigned char *blk;        /* per trigger: 0 not known yet, 1 blocked, 2 not */
    unsigned char *year_sent;  /* per sentence: holds a year before the
                                  publication's (blocked() looks for one) */
    unsigned char *question;   /* per sentence: holds a "?" (mark_clauses) */
    uint32_t game_para;        /* 1 + the paragraph of the last sentence
                                  about a game (game_told), 0: none */
} ctx;

/* Builds the per-sentence index of a list whose elements start with a
 * size_t tok_start (every x_* mention type does), sorting it first: at
 * has room for c->ns + 2. */
static int cmp_tok_start(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void index_by_sentence(const ctx *c, void *base, size_t n,
                              size_t size, size_t *at) {
    /* the finders give their mentions in text order, mostly: sort only
     * when one is out of order */
    for (size_t i = 1; i < n; i++)
        if (*(const size_t *)((const char *)base + i * size) <
            *(const size_t *)((const char *)base + (i - 1) * size)) {
            qsort(base, n, size, cmp_tok_start);
            break;
        }
    size_t i = 0;
    for (size_t s = 0; s <= c->ns; s++) {
        size_t first = s < c->ns ? c->s[s].first_token : c->nt;
        while (i < n && *(const size_t *)((const char *)base + i * size) < first)
            i++;
        at[s] = i;
    }
    at[c->ns + 1] = n;
}

#define SENT_RANGE(c, at, sent, i) \
    for (size_t i = (c)->at[sent]; i < (c)->at[(sent) + 1]; i++)

static const x_trigger *TR(const ctx *c, const x_tmatch *tm) {
    return &c->m->triggers[tm->trigger];
}

/* Is the casualty word at token `at` of the sentence a neutral one (وفاة:
 * a death, not said to be by violence)? */
static int neutral_word(const ctx *c, uint32_t sent, size_t at) {
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *t = TR(c, tm);
        if (t->cls != TR_EVENT && t->cls != TR_CUE && tm->tok_start <= at &&
            at < tm->tok_end)
            return t->neutral;
    }
    return 0;
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

/* Does trigger match tm lie wholly in sentence sent? (The index places a
 * match by its first token; a phrase may run past the sentence's end.) */
static int trig_within(const ctx *c, uint32_t sent, const x_tmatch *tm) {
    const marsad_sentence *s = &c->s[sent];
    return tm->tok_start >= s->first_token &&
           tm->tok_end <= (size_t)s->first_token + s->ntokens;
}

/* The cues of sentence s, as a set of bits (1 << CUE_*): one pass over its
 * triggers answers every question about them. */
_Static_assert(CUE_COUNT <= 32, "a cue set is 32 bits");
static unsigned sentence_cues(const ctx *c, uint32_t sent) {
    unsigned cues = 0;
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (trig_within(c, sent, tm) && tr->cls == TR_CUE &&
            tr->cue >= 0 && tr->cue < CUE_COUNT)
            cues |= 1u << tr->cue;
    }
    return cues;
}

/* A word list with the length of each word: word_in compares lengths
 * before bytes, with no strlen per word and token. */
typedef struct {
    const char *s;
    size_t n;
} xword;
#define W(lit) {lit, sizeof lit - 1}
static int word_in(const marsad_token *t, const xword *list);
static const xword YEAR_WORDS[] = {W("عام"), W("العام"), W("سنه"), W("السنه"),
                                   W("في"), W("منذ"), W("خلال"), W("عامي"),
                                   {NULL, 0}};

/* cue_before(c, k, CUE_IRREALIS, 8, 0) || cue_before(c, k, CUE_DENIAL, 64,
 * 1) || cue_before(c, k, CUE_NEGATION, 3, 0), in one pass over the
 * sentence's triggers instead of three; and for a trigger that is no verb
 * (verb: whether it is), a trade in weapons within 3 words before it
 * (شراء 30 طائرة حربية), which does not reach a verb, nor past one: that
 * opens a predicate of its own (في سوق لبيع الأسلحة انفجرت عبوة ناسفة). */
static int verb_between(const ctx *c, uint32_t sent, size_t lo, size_t hi) {
    SENT_RANGE(c, trig_at, sent, i)
        if (c->trig[i].tok_start >= lo && c->trig[i].tok_start < hi &&
            TR(c, &c->trig[i])->verb)
            return 1;
    return 0;
}

static int blocking_cue_before(const ctx *c, size_t k, int verb) {
    uint32_t sent = c->t[k].sentence;
    const marsad_sentence *s = &c->s[sent];
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        /* a weapon intercepted or defused (اعتراض صاروخ, أسقطت الدفاعات
         * الجوية طائرة مسيرة) is not used: as a trade in it */
        if (tr->cls != TR_CUE && !tr->disrupts) continue;
        int cue = tr->disrupts ? CUE_TRADE : tr->cue;
        size_t window;
        int cross_clause;
        if (cue == CUE_IRREALIS) {
            window = 8;
            cross_clause = 0;
        } else if (cue == CUE_DENIAL) {
            window = 64; /* the whole rest */
            cross_clause = 1;
        } else if (cue == CUE_NEGATION || (cue == CUE_TRADE && !verb)) {
            window = 3;
            cross_clause = 0;
        } else {
            continue;
        }
        if (tm->tok_start < s->first_token || tm->tok_end > k) continue;
        if (k - tm->tok_end > window) continue;
        if (cue == CUE_TRADE && verb_between(c, sent, tm->tok_end, k)) continue;
        if (cross_clause) return 1;
        int crossed = 0;
        for (size_t j = tm->tok_end; j < k && !crossed; j++)
            crossed = is_boundary(c, j);
        if (!crossed) return 1;
    }
    return 0;
}

static int blocked_uncached(const ctx *c, const x_tmatch *tm);

/* A trigger is blocked when a threat, plan, denial or negation governs it.
 * Asked several times of one trigger (its mention, the figures near it):
 * the answer is remembered per trigger. */
static int blocked(const ctx *c, const x_tmatch *tm) {
    size_t i = (size_t)(tm - c->trig);
    if (!c->blk || i >= c->ntrig) return blocked_uncached(c, tm);
    if (!c->blk[i]) c->blk[i] = blocked_uncached(c, tm) ? 1 : 2;
    return c->blk[i] == 1;
}

/* Words that make the number after them a year: عام 2014, سنة 631. */
static const xword YEAR_NOUNS[] = {W("عام"), W("العام"), W("سنه"), W("السنه"),
                                   W("عامي"), {NULL, 0}};

static const xword HIJRI_ERA[] = {W("ه"), W("هجري"), W("هجريه"), W("للهجره"),
                                  {NULL, 0}};
static const xword CHRISTIAN_ERA[] = {W("م"), W("ميلادي"), W("ميلاديه"), W("للميلاد"),
                                      {NULL, 0}};

/* The Gregorian year in which Hijri year h (about 0.97 of a solar year)
 * mostly falls. */
static int hijri_in_gregorian(int h) { return h - h / 33 + 622; }

/* Is token j a year before the publication's? A number written as a year:
 * after a year word (عام 2014, في 2014), before the era's letter (1233 م,
 * 631 هـ, 31 ق.م), as 4 digits or as fewer after عام/سنة (سنة 631). A
 * Hijri year (هـ, or 1300-1600 after عام alone: عام 1437) is compared as the
 * Gregorian year it falls in; before Christ (ق) is always before. */
static int year_before_published(const ctx *c, size_t j) {
    const marsad_token *y = &c->t[j];
    if (y->kind != MARSAD_TOK_NUMBER || y->norm_len < 1 || y->norm_len > 4) return 0;
    int v = 0;
    for (size_t i = 0; i < y->norm_len; i++) {
        if (y->norm[i] < '0' || y->norm[i] > '9') return 0;
        v = v * 10 + (y->norm[i] - '0');
    }
    const marsad_token *p = j > 0 && c->t[j - 1].sentence == y->sentence ? &c->t[j - 1] : NULL;
    const marsad_token *n = j + 1 < c->nt && c->t[j + 1].sentence == y->sentence ? &c->t[j + 1] : NULL;
    int noun = p && word_in(p, YEAR_NOUNS);
    int pub = c->published.y;
    /* منذ 2011, منذ عام 2011: a period that lasts until now */
    const marsad_token *since = noun && j > 1 && c->t[j - 2].sentence == y->sentence
                                    ? &c->t[j - 2] : p;
    if (since && (tok_is(since, "منذ") || tok_is(since, "ومنذ"))) return 0;
    /* the era: ق.م or قبل الميلاد (before Christ), هـ (Hijri), م (after
     * Christ) */
    if (n && (tok_is(n, "ق") || (tok_is(n, "قبل") && j + 2 < c->nt &&
                                 tok_is(&c->t[j + 2], "الميلاد"))) &&
        (noun || y->norm_len == 4))
        return 1;
    if (n && word_in(n, HIJRI_ERA) && (noun || y->norm_len >= 3))
        return hijri_in_gregorian(v) < pub;
    if (n && word_in(n, CHRISTIAN_ERA) && (noun || y->norm_len == 4)) return v < pub;
    if (noun && y->norm_len < 4) return v > 0 && v < pub;
    if (y->norm_len != 4 || !(p && word_in(p, YEAR_WORDS))) return 0;
    if (v >= 1900) return v < pub;
    /* عام 1437 without its letter may be Hijri: before only as both */
    return noun && v < pub && (v < 1300 || v > 1600 || hijri_in_gregorian(v) < pub);
}

static int blocked_uncached(const ctx *c, const x_tmatch *tm) {
    size_t k = tm->tok_start;
    if (blocking_cue_before(c, k, TR(c, tm)->verb)) return 1;
    /* قد before an imperfect verb is "may": قد يهاجم (قد before a past verb
     * is "has": قد انسحب is a fact) */
    if (k > 0 && c->t[k - 1].sentence == c->t[k].sentence &&
        tok_is(&c->t[k - 1], "قد") && c->t[k].norm_len >= 2 &&
        (memcmp(c->t[k].norm, "ي", 2) == 0 || memcmp(c->t[k].norm, "ت", 2) == 0 ||
         memcmp(c->t[k].norm, "ن", 2) == 0))
        return 1;
    /* "منذ تطهيرها", "منذ سيطرة التنظيم": the trigger is what a period
     * started with, background */
    for (size_t j = k; j > 0 && j + 2 >= k; j--) {
        const marsad_token *p = &c->t[j - 1];
        if (p->sentence != c->t[k].sentence) break;
        if (tok_is(p, "منذ") || tok_is(p, "ومنذ")) return 1;
    }
    /* a verbal noun with the ل of purpose: "لتحرير المدينة", "للسيطرة على"
     * (in order to), except after تعرض (was subjected to: تعرض لهجوم);
     * an event word may have its subject between (تعرضت دورية للشرطة
     * لإطلاق النار), a casualty word not (تعرض اللاعب للإصابة: sport) */
    if (tm->pro && !TR(c, tm)->verb) {
        const char *w = c->t[k].norm;
        int lam = (w[0] == '\xd9' && w[1] == '\x84') ||
                  (tm->pro >= 4 && (w[2] == '\xd9' && w[3] == '\x84') &&
                   ((w[0] == '\xd9' && w[1] == '\x88') ||
                    (w[0] == '\xd9' && w[1] == '\x81')));
        int subjected = 0;
        size_t back = TR(c, tm)->cls == TR_EVENT ? 3 : 1;
        for (size_t j = k; j > 0 && j + back > k && !subjected; j--) {
            const marsad_token *p = &c->t[j - 1];
            if (p->sentence != c->t[k].sentence || c->clause[j - 1] != c->clause[k])
                break;
            subjected = p->norm_len >= 6 && strstr(p->norm, "تعرض") != NULL;
        }
        if (lam && !subjected) return 1;
    }
    /* a year before the publication's in the trigger's clause ("استولت
     * على بنغازي عام 2014", "استولى الرومان على مصر عام 31 ق.م"): history */
    if (c->published.y && (!c->year_sent || c->year_sent[c->t[k].sentence])) {
        uint32_t cl = c->clause[k];
        size_t lo = k, hi = k;
        while (lo > 0 && c->clause[lo - 1] == cl && k - lo < 8) lo--;
        while (hi + 1 < c->nt && c->clause[hi + 1] == cl && hi - k < 8) hi++;
        for (size_t j = lo; j <= hi; j++)
            if (year_before_published(c, j)) return 1;
    }
    /* one party's protest (أبلغه احتجاجه على الخرق, مبدية احتجاجها) is a
     * statement: a demonstration is many people's */
    if (TR(c, tm)->cls == TR_EVENT && tm->tok_end == k + 1 &&
        strcmp(TR(c, tm)->event_type, "Protests") == 0) {
        const char *w = c->t[k].norm + tm->pro;
        if (strcmp(w, "احتجاجه") == 0 || strcmp(w, "احتجاجها") == 0) return 1;
    }
    /* a word alone in square brackets is a link or a heading ([تحرير],
     * a wiki's "edit"), not a report */
    if (k > 0 && tm->tok_end < c->nt && tok_is(&c->t[k - 1], "[") &&
        tok_is(&c->t[tm->tok_end], "]"))
        return 1;
    /* a verb of losing with أمام after it in its clause lost to someone
     * (خسرت كينيا أمام إريتريا 1 - 2, خسرت القوات أمام الهجوم مواقعها):
     * a defeat, not a death */
    if (TR(c, tm)->defeat) {
        for (size_t j = tm->tok_end; j < c->nt && j < tm->tok_end + 6; j++) {
            if (c->t[j].sentence != c->t[k].sentence || c->clause[j] != c->clause[k])
                break;
            if (tok_is(&c->t[j], "امام")) return 1;
        }
    }
    /* (a future verb, سيهاجم, never matches: the lexicon holds past forms
     * and nouns, and سـ is not stripped as a clitic) */
    return 0;
}

/* ---- figures next to casualty words -------------------------------------- */

/* Is the number a bare plural naming armed actors ("مسلحون")? */
static int number_is_actor(const ctx *c, const x_number *x) {
    uint32_t sent = c->t[x->tok_start].sentence;
    SENT_RANGE(c, actor_at, sent, i) {
        const x_actor *a = &c->actors[i];
        if (!a->civilian && a->tok_start <= x->tok_start && a->tok_end > x->tok_start)
            return 1;
    }
    return 0;
}

/* Money, weight, distance and time after a figure: it counts no people
 * ("خسر العراق 16 مليار دولار", "قتل خلال 24 ساعة"). Folded forms. */
static const xword MEASURES[] = {
    W("دولار"), W("دولارا"), W("دولارات"), W("يورو"), W("دينار"), W("دينارا"),
    W("دنانير"), W("ريال"), W("ريالا"), W("ريالات"), W("جنيه"), W("جنيها"),
    W("جنيهات"), W("ليره"), W("ليرات"), W("درهم"), W("دراهم"), W("طن"),
    W("طنا"), W("اطنان"), W("كيلومتر"), W("كيلومترا"), W("كيلومترات"), W("كلم"),
    W("كم"), W("متر"), W("مترا"), W("امتار"), W("برميل"), W("براميل"),
    W("ساعه"), W("ساعات"), W("دقيقه"), W("دقايق"), W("%"), W("٪"),
    W("بالمايه"), W("بالميه"),
    /* spans of time ("أمضى 20 عاما في الأسر"); not يوم, عام or سنة, which
     * also date what is counted ("قتل 5 يوم الجمعة", "قتل 200 عام 2014") */
    W("عاما"), W("اعوام"), W("سنوات"), W("شهرا"), W("اشهر"), W("شهور"),
    W("يوما"), W("ايام"), W("اسبوعا"), W("اسابيع"), {NULL, 0}};

/* Is the figure x a measure or a year, not a count of people: a measure
 * word after it (16 مليار دولار, 40%, 30 في المئة), or a year (عام 2004,
 * 1982م)? */
static int not_people(const ctx *c, const x_number *x) {
    const marsad_token *nx = x->tok_end < c->nt ? &c->t[x->tok_end] : NULL;
    uint32_t sent = c->t[x->tok_start].sentence;
    if (nx && nx->sentence == sent) {
        if (word_in(nx, MEASURES)) return 1;
        if (tok_is(nx, "في") && x->tok_end + 1 < c->nt &&
            (tok_is(&c->t[x->tok_end + 1], "المايه") ||
             tok_is(&c->t[x->tok_end + 1], "الميه")))
            return 1;
    }
    /* four digits of a year with no counted noun (أثينا 2004), or after a
     * year word (عام 2004), or with م (1982م) */
    if (x->value >= 1900 && x->value <= 2100 && x->tok_end == x->tok_start + 1 &&
        c->t[x->tok_start].kind == MARSAD_TOK_NUMBER) {
        const marsad_token *pv = x->tok_start > 0 ? &c->t[x->tok_start - 1] : NULL;
        if (x->noun_tok < 0 || (pv && pv->sentence == sent && word_in(pv, YEAR_WORDS)) ||
            (nx && nx->sentence == sent && tok_is(nx, "م")))
            return 1;
    }
    return 0;
}

/* not_people(c, x), remembered in x (asked for each casualty word near
 * it). */
static int is_measure(const ctx *c, size_t i) {
    x_number *x = &c->nums[i];
    if (!x->measure) x->measure = not_people(c, x) ? 2 : 1;
    return x->measure == 2;
}

/* Does a figure of money, time or a year start in [lo, hi]? */
static int measure_between(const ctx *c, size_t lo, size_t hi) {
    uint32_t sent = c->t[lo < c->nt ? lo : c->nt - 1].sentence;
    for (size_t i = c->num_at[sent]; i < c->num_at[sent + 1]; i++)
        if (c->nums[i].tok_start >= lo && c->nums[i].tok_start <= hi && is_measure(c, i))
            return 1;
    return 0;
}

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
        /* "اختطف مسلحون مجهولون صحفيا": the perpetrators are not counted */
        if (x->vague == 2 && number_is_actor(c, x)) continue;
        if (is_measure(c, i)) continue;
        if (!best || (want_end ? x->tok_end > best->tok_end
                               : x->tok_start < best->tok_start)) {
            best = x;
            *idx = i;
        }
    }
    return best;
}

static int word_in(const marsad_token *t, const xword *list);

/* Does the word end as a nisba counted (أفغانيا, عراقيين, سوريون)? */
static int nisba_plural(const marsad_token *t) {
    static const char *const ends[] = {"يا", "يين", "يون"};
    if (t->kind != MARSAD_TOK_WORD) return 0;
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(ends[i]);
        if (t->norm_len > n + 4 && memcmp(t->norm + t->norm_len - n, ends[i], n) == 0)
            return 1;
    }
    return 0;
}

/* The figure joined by و to figure x of people ("5 جنود و3 مدنيين", "13
 * جنديا أمريكيا و170 أفغانيا"): it starts right after x's words (one
 * adjective may stand between) with و, or after a lone و, counts people
 * (not money or time), and no casualty word is at it or right after it
 * ("و3 جرحى" are the injured, another claim). NULL when there is none. */
static const x_number *joined_figure(const ctx *c, uint32_t sent, const x_number *x,
                                     size_t end, size_t *idx) {
    for (size_t i = c->num_at[sent]; i < c->num_at[sent + 1]; i++) {
        const x_number *y = &c->nums[i];
        if (c->num_used[i] || y->tok_start < x->tok_end || y->tok_start > x->tok_end + 2 ||
            y->tok_end > end)
            continue;
        size_t k = x->tok_end;
        if (y->tok_start == k + 2 && c->t[k].kind != MARSAD_TOK_WORD) continue;
        const marsad_token *w = &c->t[y->tok_start - 1];
        const marsad_token *f = &c->t[y->tok_start];
        int joined = (w->norm_len == 2 && memcmp(w->norm, "و", 2) == 0) ||
                     (f->norm_len > 2 && memcmp(f->norm, "و", 2) == 0 &&
                      f->kind == MARSAD_TOK_WORD);
        if (!joined || is_measure(c, i) || y->vague == 2) return NULL;
        /* people: a counted noun of count-nouns.tsv, or a nationality
         * after it ("170 أفغانيا", "3 عراقيين"); not "و3 سيارات" */
        if (y->noun_tok < 0 && !(y->tok_end < end && nisba_plural(&c->t[y->tok_end])))
            return NULL;
        SENT_RANGE(c, trig_at, sent, q) {
            const x_tmatch *tm = &c->trig[q];
            int cls = TR(c, tm)->cls;
            if ((cls == TR_KILLED || cls == TR_INJURED || cls == TR_CAPTURED) &&
                tm->tok_start >= y->tok_start && tm->tok_start <= y->tok_end)
                return NULL;
        }
        *idx = i;
        return y;
    }
    return NULL;
}

static int word_in(const marsad_token *t, const xword *list) {
    for (; list->s; list++)
        if (t->norm_len == list->n && memcmp(t->norm, list->s, list->n) == 0)
            return 1;
    return 0;
}

/* Is token t a word of list, bare or after proclitics (والمتظاهرين,
 * وقصفت)? The clitic segmentation is asked only when the bare word is not. */
static int word_in_after_proclitics(const marsad_token *t, const xword *list) {
    if (word_in(t, list)) return 1;
    if (t->kind != MARSAD_TOK_WORD) return 0;
    marsad_seg seg[8];
    int ns = marsad_clitic_segments(t->norm, t->norm_len, seg, 8);
    for (int q = 0; q < ns; q++) {
        if (seg[q].enc || !seg[q].pro) continue;
        marsad_token u = *t;
        u.norm += seg[q].pro;
        u.norm_len -= seg[q].pro;
        if (word_in(&u, list)) return 1;
    }
    return 0;
}

static const xword OTHERS[] = {W("اخرين"), W("اخرون"), W("اخري"), W("الاخرين"),
                               {NULL, 0}};
static const xword NAME_HEADS[] = {W("ساحه"), W("ميدان"), W("شارع"), W("كتيبه"),
                                   W("لواء"), W("سريه"), W("مقبره"), W("جامع"),
                                   W("مسجد"), W("مستشفي"), W("حي"), W("مدرسه"),
                                   W("جسر"), W("دوار"), {NULL, 0}};
/* Heads of a place's proper name: what follows one names the place
 * ("مستشفى شهداء الأقصى", "ميدان الشهداء"), not an actor of it. */
static const xword FACILITY_HEADS[] = {W("ساحه"), W("ميدان"), W("شارع"), W("مستشفي"),
                                       W("مسجد"), W("جامع"), W("مدرسه"), W("جسر"),
                                       W("دوار"), W("مقبره"), W("فندق"), W("جامعه"),
                                       {NULL, 0}};
static const xword SUBSET[] = {W("بينهم"), W("منهم"), W("بينها"), W("منها"),
                               W("وبينهم"), W("ومنهم"), {NULL, 0}};
static const xword PREPS[] = {W("في"), W("من"), W("علي"), W("الي"), W("عن"),
                              W("و"), W("بعد"), W("قبل"), W("خلال"), W("اثر"),
                              W("جراء"), {NULL, 0}};

/* Words that announce a figure ("إصابة نحو 40% من المدراء"): after a
 * casualty word they are no bare singular noun, and when no count of
 * people follows them (a percentage, a sum), the word counts nobody. */
static const xword APPROX[] = {W("نحو"), W("حوالي"), W("قرابه"), W("زهاء"),
                               W("ما"), W("اكثر"), W("اقل"), W("نسبه"),
                               {NULL, 0}};

/* Quantifiers before the counted noun ("مقتل جميع ركاب الحافلة", "إصابة
 * بعض الجنود"): no bare singular either, but a group of unknown size,
 * which counts as a bare plural does (3, vague). */
static const xword QUANTIFIERS[] = {W("جميع"), W("كل"), W("كافه"), W("بعض"),
                                    W("معظم"), W("اغلب"), {NULL, 0}};

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
        if (tr->cls != TR_CUE ||
            (tr->cue != CUE_ATTRIBUTION && tr->cue != CUE_SPEECH))
            continue;
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

/* Reads the casualty figures of sentence `sent` into out (at most max),
 * with the token position of each casualty word in at[]; cues are the
 * sentence's (sentence_cues). suppress: the sentence is a running total or
 * background, its figures count nothing. */
static int casualties(ctx *c, uint32_t sent, unsigned cues, int suppress,
                      claim *out, size_t *at, int max) {
    const marsad_sentence *s = &c->s[sent];
    size_t first = s->first_token, end = s->first_token + s->ntokens;
    size_t as, ae;
    int n = 0;
    if (suppress) return 0;
    attribution(c, sent, &as, &ae);
    int revision = (cues >> CUE_REVISION) & 1;
    SENT_RANGE(c, trig_at, sent, i) {
        if (n >= max) break;
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (tr->cls != TR_KILLED && tr->cls != TR_INJURED &&
            tr->cls != TR_CAPTURED)
            continue;
        if (!trig_within(c, sent, tm)) continue;
        if (blocked(c, tm)) continue;
        /* the counted noun of a figure already read ("50 قتيلا" after
         * "وفاة") adds nothing */
        int covered = 0;
        for (size_t q = c->num_at[sent]; q < c->num_at[sent + 1] && !covered; q++)
            covered = c->num_used[q] && c->nums[q].tok_start <= tm->tok_start &&
                      c->nums[q].tok_end >= tm->tok_end;
        if (covered) continue;
        /* a casualty word inside a name ("كتيبة شهداء أم الأرانب", the
         * Martyrs Brigade) counts nobody */
        int in_name = 0;
        SENT_RANGE(c, place_at, sent, q)
            in_name |= c->places[q].in_org && c->places[q].tok_start <= tm->tok_start &&
                       c->places[q].tok_end >= tm->tok_end;
        SENT_RANGE(c, actor_at, sent, q)
            in_name |= c->actors[q].tok_start <= tm->tok_start &&
                       c->actors[q].tok_end >= tm->tok_end;
        /* "ساحة الشهداء" (Martyrs' Square), "كتيبة شهداء ...": a name */
        if (!tr->verb && tm->tok_start > first &&
            word_in(&c->t[tm->tok_start - 1], NAME_HEADS))
            in_name = 1;
        if (in_name) continue;
        /* "بينهم طفلة", "منهم 8": a part of a figure already given */
        int subset = 0;
        for (size_t q = tm->tok_start; q > first && q + 2 > tm->tok_start && !subset &&
                                       c->clause[q - 1] == c->clause[tm->tok_start]; q--)
            subset = word_in(&c->t[q - 1], SUBSET);
        if (subset) continue;
        const x_number *x = NULL;
        size_t xi = 0;
        /* an arrest or abduction names its group before the figure: "اعتقلت
         * خلية إرهابية تضم 5 عناصر" */
        size_t reach = tr->cls == TR_CAPTURED ? 6 : 3;
        size_t after_hi = tm->tok_end + reach < end ? tm->tok_end + reach : end;
        /* not past the next casualty word: "قتلوا وأصيب خمسة" */
        SENT_RANGE(c, trig_at, sent, q) {
            const x_tmatch *nx = &c->trig[q];
            int ncls = TR(c, nx)->cls;
            if (nx->tok_start >= tm->tok_end && nx->tok_start < after_hi &&
                (ncls == TR_KILLED || ncls == TR_INJURED || ncls == TR_CAPTURED))
                after_hi = nx->tok_start;
        }
        /* a verb's figure may also stand before it, as its subject: "20
         * مدنيا على الأقل قتلوا" */
        int pos = tr->count_pos | (tr->verb ? 2 : 0);
        /* the casualty word is the counted noun of a figure: "حوالي 90 جثة
         * لمقاتلين" */
        for (size_t q = c->num_at[sent]; q < c->num_at[sent + 1] && !x; q++)
            if (!c->num_used[q] && c->nums[q].tok_start < tm->tok_start &&
                c->nums[q].tok_end >= tm->tok_end) {
                x = &c->nums[q];
                xi = q;
            }
        if (!x && (pos & 1)) { /* after: مقتل 5, قتل ما لا يقل عن 5 */
            x = number_at(c, tm->tok_end, after_hi, 0, &xi);
            /* not past "من بينهم": that names a part ("وقع 15 في الأسر
             * من بينهم تونسيون") */
            for (size_t q = tm->tok_end; x && q < x->tok_start; q++)
                if (word_in(&c->t[q], SUBSET)) x = NULL;
        }
        if (!x && (pos & 2)) /* before: 5 قتلى, 20 قتيلا (the
                                           number may include the noun) */
            x = number_at(c, tm->tok_start > first + 3 ? tm->tok_start - 3 : first,
                          tm->tok_end, 1, &xi);
        if (!x && tr->count_pos == 2 && tm->tok_start >= first + 1)
            /* لقي 3 أشخاص حتفهم: the figure may stand a little further */
            x = number_at(c, tm->tok_start > first + 5 ? tm->tok_start - 5 : first,
                          tm->tok_start, 1, &xi);
        /* a figure of money or time where the count would stand ("خسر
         * العراق 16 مليار دولار"): the word counts nobody */
        if (!x && (pos & 1) && measure_between(c, tm->tok_end, after_hi)) continue;
        claim cl = {0};
        cl.kind = tr->cls;
        cl.sent = sent;
        cl.revision = revision;
        cl.attr_start = as;
        cl.attr_end = ae;
        size_t noun_from;
        if (x) {
            c->num_used[xi] = 1;
            cl.count = x->value;
            cl.qualifier = x->qualifier;
            cl.vague = x->vague == 1 || x->vague == 2; /* عشرات, bare plural */
            /* figures joined to it: "مقتل 5 جنود و3 مدنيين", "قتل 13 جنديا
             * أمريكيا و170 أفغانيا" count 8 and 183 */
            /* (not a range: "ما بين 10 و15" is at least 10) */
            int range = x->tok_start > 0 &&
                        c->t[x->tok_start - 1].sentence == sent &&
                        tok_is(&c->t[x->tok_start - 1], "بين");
            if (x->tok_start >= tm->tok_end && !range) {
                const x_number *y = x;
                size_t yi;
                while ((y = joined_figure(c, sent, y, end, &yi)) != NULL) {
                    c->num_used[yi] = 1;
                    cl.count += y->value;
                    if (y->qualifier == XQ_AT_LEAST) cl.qualifier = XQ_AT_LEAST;
                    cl.vague |= y->vague == 1 || y->vague == 2;
                }
            }
            /* the counted noun, not an adjective after it (مواطن فلسطيني) */
            noun_from = x->noun_tok >= 0 ? (size_t)x->noun_tok
                                         : x->tok_end > 0 ? x->tok_end - 1 : 0;
        } else if (tm->tok_end < end && word_in(&c->t[tm->tok_end], OTHERS)) {
            cl.count = 3; /* "وإصابة آخرين": the others count 3 */
            cl.vague = 1;
            noun_from = tm->tok_end;
        } else if (tr->gram_number) {
            cl.count = tr->gram_number;
            cl.vague = tr->gram_number == 3;
            noun_from = tm->tok_start;
        } else if ((tr->count_pos & 1) && tm->tok_end < end &&
                   word_in(&c->t[tm->tok_end], QUANTIFIERS)) {
            cl.count = 3; /* "مقتل جميع ركاب الحافلة": a group */
            cl.vague = 1;
            noun_from = tm->tok_end + 1 < end ? tm->tok_end + 1 : tm->tok_end;
        } else if ((tr->count_pos & 1) && tm->tok_end < end &&
                   c->t[tm->tok_end].kind == MARSAD_TOK_WORD &&
                   !word_in(&c->t[tm->tok_end], PREPS) &&
                   !word_in(&c->t[tm->tok_end], APPROX)) {
            cl.count = 1; /* مقتل جندي, مقتل قائد: a bare singular */
            noun_from = tm->tok_end;
        } else {
            continue;
        }
        if (cl.count <= 0) continue;
        cl.side = civilian_near(c, noun_from, noun_from + 3) ? 3 : 0;
        at[n] = tm->tok_start;
        out[n++] = cl;
    }
    return n;
}

/* ---- places, dates and actors of a trigger ------------------------------- */

static const xword TOWARD[] = {W("الي"), W("نحو"), W("باتجاه"), W("اتجاه"),
                               W("صوب"), W("متجهه"), W("متجها"), W("للرجوع"),
                               {NULL, 0}};

static int place_is_destination(const ctx *c, const x_place *p) {
    size_t k = p->tok_start;
    const marsad_sentence *s = &c->s[c->t[k].sentence];
    for (size_t j = k; j > s->first_token && j + 3 > k; j--)
        if (word_in(&c->t[j - 1], TOWARD)) return 1;
    return 0;
}

/* A country or region named beside a more precise place of that country in
 * the same sentence only situates it ("في ليبيا ... من مدينة صبراتة"). */
static int place_is_container(const ctx *c, uint32_t sent, const x_place *p) {
    if (p->precision < 3) return 0;
    SENT_RANGE(c, place_at, sent, i) {
        const x_place *q = &c->places[i];
        if (q != p && !q->in_org && q->precision < 3 &&
            memcmp(q->country, p->country, 2) == 0)
            return 1;
    }
    return 0;
}

/* A place named as someone's base describes them, it is not where the
 * event happened: "معقل التنظيم في سرت", "مقرها في طرابلس". */
/* (a bare مقر is not here: "في مقر بلدة الأرانب" is where it happened; its
 * possessive "مقرها طرابلس" describes) */
static const xword BASE_WORDS[] = {W("معقل"), W("معقله"), W("معقلها"),
                                   W("معاقل"), W("مقره"), W("مقرها"), W("عاصمه"),
                                   W("امارة"), W("اماره"), W("معسكر"),
                                   {NULL, 0}};

/* Is the folded word w (n bytes) a base word, bare or after proclitics
 * (والمعقل, بمعقل)? Only a word ending in a base word can be one after its
 * proclitics: the clitic segmentation is asked for those alone. */
/* Every base word is at least this long (x_word_lists_ok checks it): a
 * shorter word is none, bare or after proclitics, and the last four bytes
 * of the word and of every base word can be compared. */
#define BASE_WORD_MIN 8
int x_base_word(const char *w, size_t n) {
    int suffix = 0;
    if (n < BASE_WORD_MIN) return 0;
    for (const xword *b = BASE_WORDS; b->s; b++) {
        /* the last two letters (four bytes) first: they tell most words
         * apart */
        if (b->n > n || memcmp(w + n - 4, b->s + b->n - 4, 4) != 0) continue;
        if (b->n == n && memcmp(w, b->s, n) == 0) return 1;
        suffix |= b->n < n && memcmp(w + n - b->n, b->s, b->n) == 0;
    }
    if (!suffix) return 0;
    marsad_seg seg[8];
    int ns = marsad_clitic_segments(w, n, seg, 8);
    for (int q = 1; q < ns; q++) {
        if (seg[q].enc) continue;
        for (const xword *b = BASE_WORDS; b->s; b++)
            if (b->n == n - seg[q].pro && memcmp(w + seg[q].pro, b->s, b->n) == 0)
                return 1;
    }
    return 0;
}

static int place_is_base(const ctx *c, const x_place *p) {
    size_t k = p->tok_start;
    const marsad_sentence *s = &c->s[c->t[k].sentence];
    for (size_t j = k; j > s->first_token && j + 4 > k; j--) {
        const marsad_token *t = &c->t[j - 1];
        if (x_base_word(t->norm, t->norm_len)) return 1;
    }
    return 0;
}

/* Where a movement started ("تحركت من درنة", "القادمة من سرت") is not
 * where the event happened. */
static const xword MOVE_WORDS[] = {W("تحركت"), W("تحرك"), W("انطلقت"),
                                   W("انطلق"), W("قدموا"), W("قادمه"),
                                   W("قادمين"), W("القادمه"), W("القادمين"),
                                   W("جاءت"), W("هربوا"), W("نزحوا"),
                                   W("تسللوا"), W("فروا"), W("فر"), {NULL, 0}};

int x_word_lists_ok(void) {
    static const xword *const lists[] = {YEAR_WORDS, OTHERS, NAME_HEADS, SUBSET,
                                         PREPS, TOWARD, BASE_WORDS, MOVE_WORDS,
                                         FACILITY_HEADS, MEASURES};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        for (const xword *w = lists[i]; w->s; w++)
            if (w->n != strlen(w->s) || w->n == 0) return 0;
    for (const xword *b = BASE_WORDS; b->s; b++)
        if (b->n < BASE_WORD_MIN) return 0;
    return 1;
}

static int place_is_origin(const ctx *c, const x_place *p) {
    size_t k = p->tok_start;
    const marsad_sentence *s = &c->s[c->t[k].sentence];
    const marsad_token *t = &c->t[k];
    /* "من درنة" or "من" stuck to the name is not split: the word before */
    int from = (k > s->first_token && tok_is(&c->t[k - 1], "من")) ||
               (t->norm_len > 4 && memcmp(t->norm, "من", 4) == 0 && p->tok_end > k);
    if (!from) return 0;
    for (size_t j = k; j > s->first_token && j + 4 > k; j--)
        if (word_in(&c->t[j - 1], MOVE_WORDS)) return 1;
    return 0;
}

/* A place inside an actor's name ("التحالف بقيادة السعودية", "كتائب
 * مصراتة") names the actor, not where it acts. */
static int place_in_actor(const ctx *c, uint32_t sent, const x_place *p) {
    SENT_RANGE(c, actor_at, sent, i) {
        const x_actor *a = &c->actors[i];
        if (a->tok_start <= p->tok_start && a->tok_end >= p->tok_end &&
            a->tok_end - a->tok_start > p->tok_end - p->tok_start)
            return 1;
    }
    return 0;
}

/* "بمنطقة العرقوب، غربي مدينة إجدابيا": a relative place right after another
 * place describes that place; it is no event place of its own. */
static int place_is_apposition(const ctx *c, uint32_t sent, const x_place *p) {
    if (!p->relative) return 0;
    SENT_RANGE(c, place_at, sent, i) {
        const x_place *q = &c->places[i];
        if (q == p || q->tok_end > p->tok_start || q->in_org) continue;
        size_t gap = p->tok_start - q->tok_end;
        if (gap == 0 || (gap == 1 && tok_is(&c->t[q->tok_end], ","))) return 1;
    }
    return 0;
}

static int usable_place(const ctx *c, uint32_t sent, const x_place *p) {
    /* asked for each trigger of the sentence: remembered per place (the
     * answer depends on the place and its own sentence only) */
    size_t i = (size_t)(p - c->places);
    int own = c->usable && i < c->nplaces && c->t[p->tok_start].sentence == sent;
    if (own && c->usable[i]) return c->usable[i] == 1;
    int u = !p->in_org && !place_is_container(c, sent, p) && !place_is_base(c, p) &&
            !place_is_origin(c, p) && !place_in_actor(c, sent, p) &&
            !place_is_apposition(c, sent, p);
    if (own) c->usable[i] = u ? 1 : 2;
    return u;
}

/* Is b coordinated with a, the place just before it: "درنة وبنغازي",
 * "أبو قرين، الوشكة وزمزم"? A place that describes the one before it
 * ("سدادة شرقي مصراتة", "العرقوب، غربي إجدابيا") is an apposition, not a
 * second place; a list needs و, at least before its last item. */
static int coordinated_pair(const ctx *c, const x_place *a, const x_place *b) {
    if (c->clause[a->tok_start] != c->clause[b->tok_start] || b->relative)
        return 0;
    size_t gap = b->tok_start - a->tok_end;
    const marsad_token *bt = &c->t[b->tok_start];
    int b_has_wa = bt->norm_len > 2 && memcmp(bt->norm, "و", 2) == 0;
    if (gap == 0) return b_has_wa;
    if (gap != 1) return 0;
    const marsad_token *g = &c->t[a->tok_end];
    if (tok_is(g, "و")) return 1;
    if (!tok_is(g, ",")) return 0;
    /* a comma list: some later item of the clause must be joined by و */
    for (size_t k = b->tok_end; k < c->nt && c->clause[k] == c->clause[b->tok_start] &&
                                k < b->tok_end + 12; k++)
        if (c->t[k].norm_len > 2 && memcmp(c->t[k].norm, "و", 2) == 0) return 1;
    return 0;
}

/* Places coordinated with place i ("في درنة وبنغازي", "X، Y و Z"): adjacent
 * places of one clause separated by nothing but و or a comma. Writes their
 * indexes in text order into out; returns the count (i included). */
static int coordinated(const ctx *c, uint32_t sent, size_t i, size_t *out,
                       int max) {
    size_t lo = i, hi = i;
    size_t from = c->place_at[sent], to = c->place_at[sent + 1];
    while (lo > from) {
        if (!coordinated_pair(c, &c->places[lo - 1], &c->places[lo])) break;
        lo--;
    }
    while (hi + 1 < to) {
        if (!coordinated_pair(c, &c->places[hi], &c->places[hi + 1])) break;
        hi++;
    }
    int n = 0;
    for (size_t k = lo; k <= hi && n < max; k++)
        if (usable_place(c, sent, &c->places[k])) out[n++] = k;
    return n;
}

/* place_is_destination, remembered per place (asked for each trigger of
 * the sentence, twice). */
static int destination(const ctx *c, const x_place *p) {
    size_t i = (size_t)(p - c->places);
    if (!c->dest || i >= c->nplaces) return place_is_destination(c, p);
    if (!c->dest[i]) c->dest[i] = place_is_destination(c, p) ? 1 : 2;
    return c->dest[i] == 1;
}

/* The place of a trigger at tokens [ts, te): the nearest usable place of its
 * clause, crossing few commas, not a destination (إلى X) unless alone.
 * Returns its index or (size_t)-1. */
static size_t place_for(const ctx *c, uint32_t sent, size_t ts, size_t te) {
    size_t best = (size_t)-1, best_score = (size_t)-1;
    int have_non_dest = 0;
    SENT_RANGE(c, place_at, sent, i) {
        const x_place *p = &c->places[i];
        if (c->clause[p->tok_start] != c->clause[ts] || !usable_place(c, sent, p))
            continue;
        if (!destination(c, p)) have_non_dest = 1;
    }
    SENT_RANGE(c, place_at, sent, i) {
        const x_place *p = &c->places[i];
        if (c->clause[p->tok_start] != c->clause[ts] || !usable_place(c, sent, p))
            continue;
        if (have_non_dest && destination(c, p)) continue;
        /* the object of the trigger (على X, في X) follows it; a place
         * before it is more often the speaker's or the subject's */
        size_t dist = p->tok_start >= te
                          ? p->tok_start - te
                          : 3 * (ts - (p->tok_end < ts ? p->tok_end : ts)) + 2;
        uint32_t sa = c->seg[p->tok_start], sb = c->seg[ts];
        size_t score = dist + 4 * (size_t)(sa > sb ? sa - sb : sb - sa);
        if (p->precision >= 3) score += 6; /* a named town beats a country */
        if (score < best_score) {
            best_score = score;
            best = i;
        }
    }
    if (best != (size_t)-1) return best;
    /* no place named: a place inside an organization's name in the clause
     * ("قوات حكومة طرابلس") hints where it happened */
    SENT_RANGE(c, place_at, sent, i) {
        const x_place *p = &c->places[i];
        if (p->org_hint && c->clause[p->tok_start] == c->clause[ts] &&
            p->precision < 3)
            return i;
    }
    return best;
}

/* The place a mention at token pos of sentence `sent` without one of its
 * own continues: the last usable place of its sentence before it (a clause
 * without a place continues the clause before: "... في قطاع غزة، في وقت
 * واصل الطيران غاراته"), else the last place mentioned before the
 * sentence, else the article's first place. */
static const x_place *context_place(const ctx *c, uint32_t sent, size_t pos) {
    const x_place *sp = NULL;
    SENT_RANGE(c, place_at, sent, q)
        if (c->places[q].tok_end <= pos && usable_place(c, sent, &c->places[q]))
            sp = &c->places[q];
    if (sp) return sp;
    for (size_t i = c->place_at[sent], steps = 0; i-- > 0 && steps < 256; steps++)
        if (!c->places[i].in_org && c->places[i].precision < 3)
            return &c->places[i];
    return c->first_place;
}

/* Is the date mention d the date of a statement ("قال أمس", "في تصريحات
 * أمس السبت")? Then it dates the saying, not the event. */
static int date_of_speech(const ctx *c, const x_date *d) {
    return cue_before(c, d->tok_start, CUE_SPEECH, 6, 1);
}

/* The date of a trigger: a date of its clause, else of its sentence, that
 * is not the date of a statement; failing that, the date of a statement in
 * the sentence (*weak set: the event happened then or in the days before). */
static const x_date *date_for(const ctx *c, uint32_t sent, size_t ts,
                              int *weak) {
    const x_date *any = NULL, *speech = NULL;
    *weak = 0;
    /* *weak = 2: a date of another clause of the sentence; it dates the
     * mention but does not anchor it */
    SENT_RANGE(c, date_at, sent, i) {
        const x_date *d = &c->dates[i];
        if (!d->date.y) continue;
        if (date_of_speech(c, d)) {
            if (!speech) speech = d;
            continue;
        }
        if (c->clause[d->tok_start] == c->clause[ts]) return d;
        if (!any) any = d;
    }
    if (!any && speech) {
        *weak = 1;
        return speech;
    }
    if (any) *weak = 2;
    return any;
}

/* A statement's date bounds the event it reports: it happened that day or
 * in the week before. */
#define WEAK_DATE_DAYS 6

static const x_date *sentence_date(const ctx *c, uint32_t sent) {
    SENT_RANGE(c, date_at, sent, i) {
        const x_date *d = &c->dates[i];
        if (d->date.y && !date_of_speech(c, d)) return d;
    }
    return NULL;
}

static const x_date *context_date(const ctx *c, uint32_t sent, int *weak) {
    /* the last dated sentence of the same paragraph before this one; a
     * statement's date there ("قال أمس ...") bounds what follows it */
    uint32_t para = c->s[sent].paragraph;
    *weak = 0;
    /* news paragraphs are often one sentence: look back a few sentences
     * across paragraph breaks, further within the paragraph */
    for (uint32_t k = sent, steps = 0;
         k-- > 0 && steps < 64 && (c->s[k].paragraph == para || steps < 3);
         steps++) {
        const x_date *d = sentence_date(c, k);
        if (d) return d;
        SENT_RANGE(c, date_at, k, i)
            if (c->dates[i].date.y) {
                *weak = 1;
                return &c->dates[i];
            }
    }
    /* else the first dated sentence of the article (the lede) */
    return c->lede_date;
}

/* Actors of a trigger: those of its clause in text order, else those of its
 * sentence; the first that is not civilians is actor1. */
static void actors_for(const ctx *c, uint32_t sent, size_t ts, mention *mn) {
    for (int pass = 0; pass < 2 && !mn->a1 && !mn->a2; pass++) {
        SENT_RANGE(c, actor_at, sent, i) {
            const x_actor *a = &c->actors[i];
            if (pass == 0 && c->clause[a->tok_start] != c->clause[ts]) continue;
            if (!mn->a1) {
                if (!a->civilian) mn->a1 = a;
                else if (!mn->a2) mn->a2 = a;
            } else if (!mn->a2 && strcmp(a->name, mn->a1->name) != 0) {
                mn->a2 = a;
            }
        }
    }
    if (mn->a1) return;
    /* inherit the last named (not generic) actor mentioned before */
    for (size_t i = c->actor_at[sent], steps = 0; i-- > 0 && steps < 256; steps++) {
        const x_actor *a = &c->actors[i];
        if (!a->civilian && !a->generic) {
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

/* Fills in a new mention for a trigger at [ts, te) of sentence `sent`. */
static void mention_init(ctx *c, mention *mn, uint32_t sent, size_t ts,
                         const x_trigger *tr) {
    memset(mn, 0, sizeof *mn);
    mn->sent = sent;
    mn->trig_pos = ts;
    mn->merged_into = -1;
    if (tr) {
        mn->trig = tr;
        mn->event_type = tr->event_type;
        mn->sub_event_type = tr->sub_event_type;
        mn->rank = tr->rank;
    } else {
        mn->event_type = "Battles";
        mn->sub_event_type = "Armed clash";
        mn->rank = 100 * 16;
    }
    int weak = 0;
    const x_date *d = date_for(c, sent, ts, &weak);
    int ctx_weak = 0;
    if (d && weak != 2) mn->date_explicit = 1;
    else if (!d) d = context_date(c, sent, &ctx_weak);
    if (d) {
        mn->date = d->date;
        mn->first = d->first;
        mn->last = d->last;
        mn->precision = d->precision;
        if (weak == 1 || ctx_weak) {
            mn->date_weak = weak == 1;
            mn->first = ymd_from_days(ymd_to_days(d->first) - WEAK_DATE_DAYS);
        }
    } else if (c->published.y) {
        mn->date = c->published;
        mn->first = ymd_from_days(ymd_to_days(c->published) - 1);
        mn->last = c->published;
        mn->precision = 1;
    }
    actors_for(c, sent, ts, mn);
}

static void mention_finish(mention *mn) {
    if (strcmp(mn->event_type, "Violence against civilians") == 0 && mn->a1 &&
        mn->a1->civilian) {
        mn->a2 = mn->a1;
        mn->a1 = NULL;
    }
    if ((strcmp(mn->sub_event_type, "Government regains territory") == 0 ||
         strcmp(mn->sub_event_type, "Non-state actor overtakes territory") == 0) &&
        mn->a1 && mn->a1->type) {
        int state = strstr(mn->a1->type, "state forces") != NULL;
        mn->sub_event_type = state ? "Government regains territory"
                                   : "Non-state actor overtakes territory";
    }
}

#define MAX_SENT_MENTIONS 32
/* An article longer than this is probably not one news article. */
#define LARGE_ARTICLE (2u << 20)
/* Reports of events older than this, in days before publication, are
 * background (ACLED codes the reporting period). */
#define HISTORY_DAYS 45

/* Is the event word tm inside an actor's name, after its first word
 * ("قوات الاحتلال", "جيش التحرير", "قوات فجر ليبيا")? An actor named by
 * the event word itself (انتحاري, الانتحاري أبو ...) leaves it a trigger. */
static int in_actor_name(const ctx *c, uint32_t sent, const x_tmatch *tm) {
    SENT_RANGE(c, actor_at, sent, q) {
        const x_actor *a = &c->actors[q];
        if (a->tok_start < tm->tok_start && a->tok_end >= tm->tok_end) return 1;
    }
    return 0;
}

/* Is sentence sent about a death or injury not by violence (an earthquake,
 * a road accident)? Its own words say so, or the sentence before said so
 * and named no event ("لقي 5 أشخاص مصرعهم في حادث سير. وأصيب 3 آخرون"). */
static int mishap_told(const ctx *c, uint32_t sent, unsigned cues) {
    if ((cues >> CUE_MISHAP) & 1) return 1;
    if (sent == 0 || !((sentence_cues(c, sent - 1) >> CUE_MISHAP) & 1)) return 0;
    SENT_RANGE(c, trig_at, sent - 1, i) {
        const x_tmatch *tm = &c->trig[i];
        const x_trigger *tr = TR(c, tm);
        if (tr->cls == TR_EVENT && tr->rank < WEAK_RANK && !blocked(c, tm)) return 0;
    }
    return 1;
}

/* Is sentence sent about a game (a match's attacks, shots and injuries
 * are play)? Its own words say so, or an earlier sentence of its
 * paragraph did; sentences are asked in order. */
static int game_told(ctx *c, uint32_t sent, unsigned cues) {
    uint32_t para = c->s[sent].paragraph + 1;
    if ((cues >> CUE_SPORT) & 1) c->game_para = para;
    return c->game_para == para;
}

/* Does sentence sent tell of someone killed or captured? (Then it is not
 * play, whatever game it speaks of.) */
static int killed_or_captured(const ctx *c, uint32_t sent) {
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        int cls = TR(c, tm)->cls;
        /* a verb of losing (خسر) in a game lost the game */
        if ((cls == TR_KILLED || cls == TR_CAPTURED) && !TR(c, tm)->defeat &&
            trig_within(c, sent, tm) && !blocked(c, tm))
            return 1;
    }
    return 0;
}

/* Protesters (folded): an arrest of them is a protest's intervention. */
static const xword PROTESTERS[] = {
    W("المحتجين"), W("المحتجون"), W("محتجين"), W("محتجون"), W("المتظاهرين"),
    W("المتظاهرون"), W("متظاهرين"), W("متظاهرون"), {NULL, 0}};

static void sentence_mentions(ctx *c, uint32_t sent) {
    unsigned cues = sentence_cues(c, sent);
    if (game_told(c, sent, cues) && !killed_or_captured(c, sent)) return;
    if (c->question[sent]) return;
    int in_total = (cues >> CUE_TOTAL) & 1;
    int in_history = ((cues >> CUE_HISTORY) & 1) && !sentence_date(c, sent);
    if (in_total || in_history) return;
    /* in a mishap's sentence a generic word (ضرب, هجوم) is the mishap's */
    int mishap = (cues >> CUE_MISHAP) & 1;

    mention ms[MAX_SENT_MENTIONS];
    size_t first_place[MAX_SENT_MENTIONS]; /* place index, or -1 */
    int nm = 0;
    /* one mention per trigger place; triggers sharing a place share it */
    SENT_RANGE(c, trig_at, sent, i) {
        const x_tmatch *tm = &c->trig[i];
        if (!trig_within(c, sent, tm)) continue;
        const x_trigger *tr = TR(c, tm);
        if (tr->cls != TR_EVENT || blocked(c, tm) || (mishap && tr->rank >= WEAK_RANK) ||
            in_actor_name(c, sent, tm))
            continue;
        size_t pi = place_for(c, sent, tm->tok_start, tm->tok_end);
        size_t group[16];
        int ng = pi == (size_t)-1 ? 0 : coordinated(c, sent, pi, group, 16);
        if (ng == 0) {
            group[0] = pi; /* none, or a hint that coordinates nothing */
            ng = 1;
        }
        for (int g = 0; g < ng && nm < MAX_SENT_MENTIONS; g++) {
            int found = -1;
            for (int k = 0; k < nm; k++)
                if (first_place[k] == group[g]) found = k;
            if (found >= 0) {
                if (tr->rank < ms[found].rank) {
                    ms[found].trig = tr;
                    ms[found].event_type = tr->event_type;
                    ms[found].sub_event_type = tr->sub_event_type;
                    ms[found].rank = tr->rank;
                }
                continue;
            }
            mention_init(c, &ms[nm], sent, tm->tok_start, tr);
            ms[nm].coord_rest = g > 0;
            first_place[nm] = group[g];
            nm++;
        }
    }
    /* arrests at a protest, or of protesters, are the protest's
     * intervention (ACLED): "اعتقلت السلطات عشرات المحتجين خلال مسيرة" */
    for (int m = 0; m < nm; m++) {
        if (!ms[m].trig || strcmp(ms[m].sub_event_type, "Arrests") != 0) continue;
        int protest = 0;
        SENT_RANGE(c, trig_at, sent, i) {
            const x_tmatch *tm = &c->trig[i];
            const x_trigger *tr = TR(c, tm);
            if (tr->cls == TR_EVENT && strcmp(tr->event_type, "Protests") == 0 &&
                trig_within(c, sent, tm) && !blocked(c, tm))
                protest = 1;
        }
        const marsad_sentence *S = &c->s[sent];
        for (size_t k = S->first_token; k < S->first_token + S->ntokens && !protest; k++)
            protest = word_in_after_proclitics(&c->t[k], PROTESTERS);
        if (protest) {
            ms[m].event_type = "Protests";
            ms[m].sub_event_type = "Protest with intervention";
        }
    }
    /* a trigger without a place of its own ("أما الهجوم ... إذ أعلن التنظيم
     * مسؤوليته عن تفجير عبوة في مقر بلدة الأرانب") is the same event as a
     * trigger of its sentence that has one: of its clause first */
    for (int m = 0; m < nm; m++) {
        if (first_place[m] != (size_t)-1) continue;
        int best = -1;
        for (int k = 0; k < nm; k++) {
            if (k == m || first_place[k] == (size_t)-1 || ms[k].coord_rest) continue;
            int same_clause = c->clause[ms[k].trig_pos] == c->clause[ms[m].trig_pos];
            if (best < 0 || (same_clause &&
                             c->clause[ms[best].trig_pos] != c->clause[ms[m].trig_pos]))
                best = k;
        }
        if (best < 0) continue;
        if (ms[m].rank < ms[best].rank) {
            ms[best].trig = ms[m].trig;
            ms[best].event_type = ms[m].event_type;
            ms[best].sub_event_type = ms[m].sub_event_type;
            ms[best].rank = ms[m].rank;
        }
        if (ms[m].trig_pos < ms[best].trig_pos) ms[best].trig_pos = ms[m].trig_pos;
        for (int k = m; k + 1 < nm; k++) {
            ms[k] = ms[k + 1];
            first_place[k] = first_place[k + 1];
        }
        nm--;
        m--;
    }
    claim cls[24];
    size_t at[24];
    int ncl = casualties(c, sent, cues, 0, cls, at, 24);
    int violent = 0; /* a casualty word that says violence (قتل, not وفاة) */
    for (int k = 0; k < ncl && !violent; k++) violent = !neutral_word(c, sent, at[k]);
    if (nm == 0 && violent && !mishap_told(c, sent, cues)) {
        /* casualties without an event word: an event all the same, unless
         * a mishap caused them or no word of them says violence */
        size_t pi = place_for(c, sent, at[0], at[0] + 1);
        mention_init(c, &ms[0], sent, at[0], NULL);
        int civ = 0;
        for (int k = 0; k < ncl; k++) civ |= cls[k].side == 3;
        if (civ) {
            ms[0].event_type = "Violence against civilians";
            ms[0].sub_event_type = "Attack";
        }
        first_place[0] = pi;
        nm = 1;
    }
    /* each figure goes to the nearest trigger before it (else after), and
     * only to the first of coordinated places; a figure whose nearest event
     * word before it is a non-event (a plan, a denial: "التخطيط لهجوم المنيا
     * الذي أسفر عن مقتل 29") belongs to that non-event */
    for (int k = 0; k < ncl; k++) {
        size_t near_ev = (size_t)-1;
        int near_blocked = 0;
        SENT_RANGE(c, trig_at, sent, i) {
            const x_tmatch *tm = &c->trig[i];
            if (TR(c, tm)->cls != TR_EVENT || tm->tok_start > at[k]) continue;
            if (near_ev == (size_t)-1 || tm->tok_start > near_ev) {
                near_ev = tm->tok_start;
                near_blocked = blocked(c, tm);
            }
        }
        if (near_blocked) continue;
        int best = -1;
        size_t bd = (size_t)-1;
        for (int m = 0; m < nm; m++) {
            if (ms[m].coord_rest) continue;
            size_t tp = ms[m].trig_pos;
            size_t d = tp <= at[k] ? at[k] - tp : (tp - at[k]) * 4;
            if (d < bd) {
                bd = d;
                best = m;
            }
        }
        if (best >= 0 && ms[best].nclaims < 12)
            ms[best].claims[ms[best].nclaims++] = cls[k];
    }
    for (int m = 0; m < nm; m++) {
        mention *mn = &ms[m];
        if (first_place[m] != (size_t)-1) {
            mn->place = &c->places[first_place[m]];
            /* a country or region alone says too little to tell one event
             * from another: it continues the latest event, like a sentence
             * without a place, and stands alone only when nothing fits */
            if (mn->place->precision >= 3) mn->place_vague = 1;
        } else {
            mn->place = context_place(c, sent, mn->trig_pos);
            mn->place_inherited = 1;
        }
        /* an event dated long before publication is background, whether
         * its own words date it or the narrative it continues does (a
         * sentence after "سنة 36 هجري" tells of that year too) */
        if (mn->date.y && c->published.y &&
            ymd_to_days(mn->last) < ymd_to_days(c->published) - HISTORY_DAYS)
            continue;
        /* a mention may open an event of its own when something anchors it
         * in the reporting period: its own date, figures, the lede; or a
         * full account: a specific event word with both sides named */
        int dyad = mn->trig && mn->trig->rank < WEAK_RANK && mn->a1 && mn->a2 &&
                   !mn->a_inherited && !mn->a1->generic && !mn->a2->generic &&
                   !mn->place_inherited;
        /* a development someone reports ("قالت قوات الجيش إنها بسطت
         * سيطرتها") is news; background is narrated without a source */
        int reported = mn->trig && !mn->place_inherited &&
                       (cue_before(c, mn->trig_pos, CUE_SPEECH, 12, 1) ||
                        cue_before(c, mn->trig_pos, CUE_ATTRIBUTION, 12, 1));
        mn->anchored = mn->date_explicit || mn->nclaims > 0 || c->lede[sent] || dyad ||
                       reported;
        /* a generic word (هجوم, قتال) with no one named to make it or
         * suffer it, here or before, no figure and no place of its own but
         * a country says too little to be an event ("وأتى الهجوم من
         * المثقفين": words) */
        if (mn->trig && mn->rank >= WEAK_RANK && !mn->a1 && !mn->a2 && mn->nclaims == 0 &&
            (mn->place_inherited || mn->place_vague))
            continue;
        /* a generic attack ("هجوم مسلح") whose victims are civilians is
         * violence against civilians */
        if (mn->trig && mn->rank >= WEAK_RANK && strcmp(mn->event_type, "Battles") == 0) {
            /* most of the victims civilians (the attacker's death aside),
             * or the attacked named as civilians */
            long civ = 0, other = 0;
            for (int k = 0; k < mn->nclaims; k++) {
                if (mn->claims[k].kind != TR_KILLED && mn->claims[k].kind != TR_INJURED)
                    continue;
                if (mn->claims[k].side == 3) civ += mn->claims[k].count;
                else other += mn->claims[k].count;
            }
            int civ_target = (mn->a2 && mn->a2->civilian) || (mn->a1 && mn->a1->civilian);
            if (civ > other || civ_target) {
                mn->event_type = "Violence against civilians";
                mn->sub_event_type = "Attack";
            }
        }
        mention_finish(mn);
        push_mention(c, mn);
        /* a list of days ("يومي الجمعة والسبت"): one event per day, the
         * figures on the first */
        if (!mn->date_explicit || mn->date_weak) continue;
        const x_date *d = NULL;
        SENT_RANGE(c, date_at, sent, i)
            if (!d && c->dates[i].date.y == mn->date.y && c->dates[i].date.m == mn->date.m &&
                c->dates[i].date.d == mn->date.d && c->dates[i].precision == 1)
                d = &c->dates[i];
        for (const x_date *n = d; n && n + 1 < c->dates + c->ndates; n++) {
            const x_date *nx = n + 1;
            if (nx->tok_start != n->tok_end || nx->precision != 1 || !nx->date.y) break;
            mention day = *mn;
            day.date = day.first = day.last = nx->date;
            day.nclaims = 0;
            push_mention(c, &day);
        }
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
    int precision, date_explicit, date_weak;
    const x_actor *a1, *a2;
    claim claims[32];
    int nclaims;
    uint32_t sents[16];
    int nsents;
    int has_trigger;
    int coord_rest;          /* opened by a coordinated place after the first */
} event_acc;

static int same_place(const x_place *a, const x_place *b) {
    if (!a || !b) return a == b;
    /* distinct named villages can stand a few km apart; only an
     * approximate place (a quarter, "near X") joins a close neighbour */
    if (a->id == b->id) return 1;
    double km = boundaries_distance_km(a->lat, a->lon, b->lat, b->lon);
    /* one inside the other's built-up area (a quarter of a city) */
    if (km < (a->extent_km > b->extent_km ? a->extent_km : b->extent_km)) return 1;
    return km < 3.0 || (km < 15.0 && (a->precision >= 2 || b->precision >= 2 ||
                                      a->district || b->district));
}

static int date_compatible(const event_acc *e, const mention *mn) {
    if (!e->date_explicit || !mn->date_explicit) return 1;
    long a = ymd_to_days(e->date), b = ymd_to_days(mn->date);
    if (e->date_weak || mn->date_weak) {
        /* windows [first, last] must overlap */
        long a0 = ymd_to_days(e->first), a1 = ymd_to_days(e->last);
        long b0 = ymd_to_days(mn->first), b1 = ymd_to_days(mn->last);
        return a0 <= b1 && b0 <= a1;
    }
    return labs(a - b) <= (e->precision > 1 || mn->precision > 1 ? 7 : 0);
}

static int type_compatible(const event_acc *e, const mention *mn) {
    if (!mn->trig || !e->has_trigger) return 1; /* casualties only */
    if (strcmp(e->event_type, mn->event_type) == 0) return 1;
    /* combined tactics in one interaction: the higher row wins */
    int ra = x_event_type_rank(e->event_type), rb = x_event_type_rank(mn->event_type);
    if (ra <= 1 && rb <= 1) return 1;
    /* an attack on people by an explosion is an explosion (spec: a car bomb
     * in a market is Explosions/Remote violence, civilians as actor2) */
    if ((ra == 1 && rb == 2 && strcmp(mn->sub_event_type, "Attack") == 0) ||
        (rb == 1 && ra == 2 && strcmp(e->sub_event_type, "Attack") == 0))
        return 1;
    /* a withdrawal or handover at the place of a battle is its outcome */
    const char *sa = e->sub_event_type, *sb = mn->sub_event_type;
    int ta = strcmp(sa, "Non-violent transfer of territory") == 0;
    int tb = strcmp(sb, "Non-violent transfer of territory") == 0;
    return (ta && rb == 0) || (tb && ra == 0);
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
    if ((!e->place_explicit || e->place->precision >= 3) && !mn->place_inherited &&
        !mn->place_vague && mn->place) {
        e->place = mn->place;
        e->place_explicit = 1;
    }
    /* a vague place dates an event only when the event knows no better
     * place either (both "in Libya") */
    int vague_ok = !mn->place_vague || (e->place && e->place->precision >= 3);
    if ((!e->date_explicit || (e->date_weak && !mn->date_weak)) &&
        mn->date_explicit && !mn->place_inherited && vague_ok) {
        e->date = mn->date;
        e->first = mn->first;
        e->last = mn->last;
        e->precision = mn->precision;
        e->date_explicit = 1;
        e->date_weak = mn->date_weak;
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
    e->coord_rest = mn->coord_rest;
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
    e->date_weak = mn->date_weak;
    e->a1 = mn->a1;
    e->a2 = mn->a2;
    add_claims(e, mn);
    e->sents[e->nsents++] = mn->sent;
}

/* Total of one kind. Within a sentence, figures of different casualty
 * words add up ("قضت على 27 ... وخسرت أربعة": 31); a source's later
 * sentences repeat or revise (the largest, or the last revision, counts);
 * across sources the lowest credible figure counts (spec/EVENTS.md). */
static int same_source(const ctx *c, const claim *a, const claim *b) {
    size_t la = a->attr_end - a->attr_start, lb = b->attr_end - b->attr_start;
    return la == lb && memcmp(c->text + a->attr_start, c->text + b->attr_start, la) == 0;
}

static long figure(const event_acc *e, int kind, const ctx *c) {
    long lowest = -1;
    /* a revised toll ("ارتفعت الحصيلة إلى 52") replaces the figures before
     * it, whatever their source: the latest revision counts */
    long revised_toll = -1;
    for (int i = 0; i < e->nclaims; i++)
        if (e->claims[i].kind == kind && e->claims[i].revision && !e->claims[i].vague &&
            e->claims[i].count > revised_toll)
            revised_toll = e->claims[i].count;
    if (revised_toll >= 0) return revised_toll;
    /* vague counts stand only where no source gives a figure */
    int precise = 0;
    for (int i = 0; i < e->nclaims; i++)
        precise |= e->claims[i].kind == kind && !e->claims[i].vague;
    for (int i = 0; i < e->nclaims; i++) {
        const claim *a = &e->claims[i];
        if (a->kind != kind || (precise && a->vague)) continue;
        /* only the first claim of each source computes that source's figure */
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = e->claims[j].kind == kind && same_source(c, &e->claims[j], a) &&
                   !(precise && e->claims[j].vague);
        if (seen) continue;
        long best = 0, revised = -1;
        for (int j = 0; j < e->nclaims; j++) {
            const claim *b = &e->claims[j];
            if (b->kind != kind || !same_source(c, a, b) || (precise && b->vague))
                continue;
            /* the sum of this sentence's figures */
            int first_of_sent = 1;
            for (int q = 0; q < j; q++)
                if (e->claims[q].kind == kind && e->claims[q].sent == b->sent &&
                    same_source(c, &e->claims[q], b) &&
                    !(precise && e->claims[q].vague))
                    first_of_sent = 0;
            if (!first_of_sent) continue;
            long sum = 0;
            for (int q = j; q < e->nclaims; q++)
                if (e->claims[q].kind == kind && e->claims[q].sent == b->sent &&
                    same_source(c, &e->claims[q], b) &&
                    !(precise && e->claims[q].vague))
                    sum += e->claims[q].count;
            if (b->revision) revised = sum;
            if (sum > best) best = sum;
        }
        long v = revised >= 0 ? revised : best;
        if (lowest < 0 || v < lowest) lowest = v;
    }
    return lowest < 0 ? 0 : lowest;
}

static int merge_target(event_acc *evs, size_t nev, const mention *mn) {
    if (mn->place_inherited || mn->place_vague) {
        /* a sentence without a place of its own continues the latest event
         * it is compatible with; of coordinated places, the first named */
        for (size_t i = nev, steps = 0; i-- > 0 && steps < 16; steps++) {
            event_acc *e = &evs[i];
            if (e->coord_rest) continue;
            if (type_compatible(e, mn) && date_compatible(e, mn)) return (int)i;
        }
        return -1;
    }
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
        /* an event known only by its country or region ("ليبيا: ..." in a
         * title) takes the first precise place that reports it */
        if (e->place && e->place->precision >= 3 && mn->place &&
            memcmp(e->place->country, mn->place->country, 2) == 0 &&
            e->has_trigger == (mn->trig != NULL))
            return (int)i;
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

const char *x_verb_phrase(const char *type, const char *sub) {
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

/* The notes are put together piece by piece as one snprintf into buf would
 * write them (cut at cap - 1 bytes, the length counting what did not fit):
 * about a fifth of snprintf's instructions, for every event. */
typedef struct {
    char *buf;
    size_t cap, o;
} notebuf;

static void nb_put(notebuf *b, const char *s, size_t n) {
    if (b->o < b->cap) {
        size_t room = b->cap - b->o - 1, k = n < room ? n : room;
        memcpy(b->buf + b->o, s, k);
        b->buf[b->o + k] = '\0';
    }
    b->o += n;
}

static void nb_str(notebuf *b, const char *s) {
    if (!s) s = "(null)"; /* as glibc's printf */
    nb_put(b, s, strlen(s));
}

static void nb_long(notebuf *b, long v) {
    char d[24];
    size_t n = sizeof d;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        d[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) d[--n] = '-';
    nb_put(b, d + n, sizeof d - n);
}

size_t marsad_event_notes(const marsad_event *ev, char *buf, size_t cap) {
    if (cap == 0) return 0;
    buf[0] = '\0';
    notebuf nb = {buf, cap, 0};
    x_ymd d;
    if (ev->event_date && x_ymd_parse(ev->event_date, &d) == 0) {
        nb_str(&nb, ev->time_precision == 1 ? "On " : "Around ");
        nb_long(&nb, d.d);
        nb_put(&nb, " ", 1);
        nb_str(&nb, month_name(d.m));
        nb_put(&nb, " ", 1);
        nb_long(&nb, d.y);
        nb_put(&nb, ", ", 2);
    } else {
        nb_str(&nb, "On an unknown date, ");
    }
    const char *where = ev->location_name ? ev->location_name : "an unknown place";
    if (ev->actor1) {
        nb_str(&nb, ev->actor1);
        nb_put(&nb, " ", 1);
        nb_str(&nb, x_verb_phrase(ev->event_type, ev->sub_event_type));
        nb_put(&nb, " ", 1);
        nb_str(&nb, ev->actor2 ? ev->actor2 : "an unidentified party");
        nb_put(&nb, " in ", 4);
        nb_str(&nb, where);
    } else {
        nb_str(&nb, "an event of type ");
        nb_str(&nb, ev->event_type);
        nb_put(&nb, " (", 2);
        nb_str(&nb, ev->sub_event_type);
        nb_put(&nb, ") took place in ", 16);
        nb_str(&nb, where);
    }
    if (nb.o < cap && (ev->fatalities || ev->injured || ev->captured)) {
        const char *sep = "; ";
        long fig[3] = {ev->fatalities, ev->injured, ev->captured};
        for (int k = 0; k < 3 && nb.o < cap; k++) {
            if (!fig[k]) continue;
            /* the qualifier of the claim that set the figure */
            const char *q = "";
            for (size_t i = 0; i < ev->nclaims; i++)
                if (strcmp(ev->claims[i].kind, KIND_NAMES[k + 1]) == 0 &&
                    ev->claims[i].count == fig[k] &&
                    strcmp(ev->claims[i].qualifier, "at_least") == 0)
                    q = "at least ";
            nb_str(&nb, sep);
            nb_str(&nb, q);
            nb_long(&nb, fig[k]);
            nb_put(&nb, " ", 1);
            nb_str(&nb, KIND_NAMES[k + 1]);
            /* the higher figures other sources report, each once (at most
             * two): "6 killed (7 per other sources)" */
            long other[2];
            int nother = 0;
            for (size_t i = 0; i < ev->nclaims && nother < 2; i++) {
                const marsad_claim *cl = &ev->claims[i];
                if (strcmp(cl->kind, KIND_NAMES[k + 1]) != 0 || cl->count <= fig[k] ||
                    !cl->attributed_to)
                    continue;
                int seen = 0;
                for (int w = 0; w < nother; w++) seen |= other[w] == cl->count;
                if (!seen) other[nother++] = cl->count;
            }
            if (nother == 1) {
                nb_put(&nb, " (", 2);
                nb_long(&nb, other[0]);
                nb_str(&nb, " per another source)");
            } else if (nother == 2) {
                nb_put(&nb, " (", 2);
                nb_long(&nb, other[0]);
                nb_put(&nb, " or ", 4);
                nb_long(&nb, other[1]);
                nb_str(&nb, " per other sources)");
            }
            if (nb.o >= cap) break;
            sep = ", ";
        }
    }
    if (nb.o < cap) nb_put(&nb, ".", 1);
    buf[0] = (char)toupper((unsigned char)buf[0]);
    return nb.o < cap ? nb.o : cap - 1;
}

/* "<doc_id>-e<n>", as arena_printf(E, "%s-e%zu", doc_id, n) makes it: the
 * id is already a clean copy and the rest ASCII, so when it fits the
 * printf buffer it is put together without printf or a second cleaning. */
static const char *event_id(marsad_events *E, const char *doc_id, size_t n) {
    char digits[24];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    size_t dl = doc_id ? strlen(doc_id) : 0;
    if (!doc_id || dl + 2 + nd >= 1024) {
        char num[24];
        for (size_t k = 0; k < nd; k++) num[k] = digits[nd - 1 - k];
        num[nd] = '\0';
        return arena_printf(E, "%s-e%s", doc_id, num);
    }
    char *p = arena_alloc(E, dl + 2 + nd + 1);
    if (!p) return NULL;
    memcpy(p, doc_id, dl);
    p[dl] = '-';
    p[dl + 1] = 'e';
    for (size_t k = 0; k < nd; k++) p[dl + 2 + k] = digits[nd - 1 - k];
    p[dl + 2 + nd] = '\0';
    return p;
}

/* A copy of the text's bytes [s, e) in the events' arena, as arena_strn
 * makes it. s and e are token boundaries, hence character boundaries: in a
 * text of valid UTF-8 without NUL, the bytes between them are the clean
 * copy already. */
static const char *text_span(const ctx *c, marsad_events *E, size_t s, size_t e) {
    return c->clean_text ? arena_clean_strn(E, c->text + s, e - s)
                         : arena_strn(E, c->text + s, e - s);
}

/* A bomb's author. ACLED codes the one who planted or carried a bomb (an
 * IED, a car bomb, a suicide bomber) as actor1, and such an author is an
 * armed group, never the state's forces or civilians: these are its
 * targets. So when actor1 of a bombing is one of them, the armed group
 * named with it (actor2) is the author; when none is named, the author is
 * "Unidentified Armed Group (country of the event)", read off the bombing's
 * own words (its mention), and a state target takes actor2 when that is
 * free. *author holds that actor while the event is written. */
static int is_armed_group(const x_actor *a) {
    return a && !a->civilian && a->type &&
           (strcmp(a->type, "rebel group") == 0 ||
            strcmp(a->type, "political militia") == 0 ||
            strcmp(a->type, "identity militia") == 0);
}

static void bomb_author(const ctx *c, event_acc *e, x_actor *author) {
    if (strcmp(e->sub_event_type, "Remote explosive/landmine/IED") != 0 &&
        strcmp(e->sub_event_type, "Suicide bomb") != 0)
        return;
    if (is_armed_group(e->a1)) return;
    if (is_armed_group(e->a2)) {
        const x_actor *t = e->a1;
        e->a1 = e->a2;
        e->a2 = t;
        return;
    }
    /* the author is not named: the group of the event's country */
    const char *cc = e->place && e->place->country[0] ? e->place->country
                     : c->country[0]                  ? c->country
                                                      : NULL;
    x_actor group;
    if (!cc || resolve_unidentified_group(c->m, cc, &group)) return;
    /* its mention: the words of the bombing (the first trigger of that
     * sub-event type in the event's sentences) */
    const x_tmatch *tm = NULL;
    for (int k = 0; k < e->nsents && !tm; k++)
        SENT_RANGE(c, trig_at, e->sents[k], i) {
            const x_trigger *tr = TR(c, &c->trig[i]);
            if (tr->cls == TR_EVENT && tr->sub_event_type &&
                strcmp(tr->sub_event_type, e->sub_event_type) == 0) {
                tm = &c->trig[i];
                break;
            }
        }
    if (!tm) return;
    group.tok_start = tm->tok_start;
    group.tok_end = tm->tok_end;
    *author = group;
    if (e->a1 && !e->a1->civilian && !e->a2) e->a2 = e->a1;
    e->a1 = author;
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
    /* the article's id and source are copied once, shared by its events */
    if (!c->doc_id) c->doc_id = arena_str(E, c->a->id ? c->a->id : "doc");
    if (!c->source && c->a->source) c->source = arena_str(E, c->a->source);
    ev->doc_id = c->doc_id;
    ev->source = c->source;
    ev->event_id = event_id(E, ev->doc_id, idx + 1);
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
        ev->actor1_type = e->a1->type;
        ev->actor1_mention = text_span(c, E, c->t[e->a1->tok_start].start,
                                         c->t[e->a1->tok_end - 1].end);
    }
    if (e->a2) {
        ev->actor2 = e->a2->name;
        ev->actor2_type = e->a2->type;
        ev->actor2_mention = text_span(c, E, c->t[e->a2->tok_start].start,
                                         c->t[e->a2->tok_end - 1].end);
    }
    if (e->place) {
        const x_place *p = e->place;
        ev->location_name = p->name;
        ev->location_mention = text_span(c, E, c->t[p->tok_start].start,
                                         c->t[p->tok_end - 1].end);
        ev->country = arena_str(E, p->country);
        ev->country_name = p->country_name;
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
            ? text_span(c, E, a->attr_start, a->attr_end)
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
                (e->date_explicit && !e->date_weak ? MARSAD_EVF_DATE_EXPLICIT : 0) |
                (e->a1 && (e->a1->generic || e->a1->civilian) ? MARSAD_EVF_ACTOR1_GENERIC : 0) |
                (e->a2 && (e->a2->generic || e->a2->civilian) ? MARSAD_EVF_ACTOR2_GENERIC : 0);
    char notes[1024];
    ev->notes = arena_strn(E, notes, marsad_event_notes(ev, notes, sizeof notes));
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

/* The first clause cue (غير أن, بينما) among the triggers from *ti on
 * that starts after token k (k == SIZE_MAX: any); *ti is left on it.
 * Returns its first token, or SIZE_MAX. */
static size_t next_clause_cue(const ctx *c, size_t *ti, size_t k) {
    for (; *ti < c->ntrig; ++*ti) {
        const x_tmatch *tm = &c->trig[*ti];
        if (k != SIZE_MAX && tm->tok_start <= k) continue;
        const x_trigger *tr = TR(c, tm);
        if (tr->cls == TR_CUE && tr->cue == CUE_CLAUSE) return tm->tok_start;
    }
    return SIZE_MAX;
}

/* Numbers every token's clause (a new one at each sentence, at ; and :,
 * and at a connective such as غير أن, بينما) and comma segment; notes the
 * sentences that hold a year before the publication's (for blocked() and
 * narrates_history) and the questions (a token "?", ؟ folded:
 * sentence_mentions skips them).
 * The clause cues are taken from the triggers (in text order) one after
 * the other, not looked for at every token. */
static void mark_clauses(ctx *c) {
    uint32_t clause = 0, seg = 0;
    size_t ti = 0;
    size_t cue = next_clause_cue(c, &ti, SIZE_MAX);
    uint32_t cur_sent = UINT32_MAX;
    for (size_t k = 0; k < c->nt; k++) {
        const marsad_token *t = &c->t[k];
        if (t->sentence != cur_sent) {
            cur_sent = t->sentence;
            clause++;
            seg++;
        }
        if (k == cue) {
            /* several cues starting here count once */
            clause++;
            seg++;
            cue = next_clause_cue(c, &ti, k);
        }
        c->clause[k] = clause;
        c->seg[k] = seg;
        if (t->kind == MARSAD_TOK_PUNCT) {
            if (tok_is(t, ";") || tok_is(t, ":") || tok_is(t, ".")) {
                clause++;
                seg++;
            } else if (tok_is(t, ",")) {
                seg++;
            } else if (tok_is(t, "?")) {
                c->question[t->sentence] = 1; /* a question reports nothing */
            }
        } else if (t->kind == MARSAD_TOK_NUMBER && c->year_sent &&
                   year_before_published(c, k)) {
            c->year_sent[t->sentence] = 1;
        }
    }
}

/* An article that names earlier years (عام 1880, سنة 631 هـ) and no day
 * in the reporting period narrates history: what it tells is background,
 * no event (spec/EVENTS.md). It takes two sentences with such a year, the
 * first no later than the first event word: news tells its event first and
 * its history after, however many years that names. */
static int narrates_history(const ctx *c) {
    if (!c->published.y || !c->year_sent) return 0;
    long recent = ymd_to_days(c->published) - HISTORY_DAYS;
    for (size_t i = 0; i < c->ndates; i++)
        if (c->dates[i].date.y && ymd_to_days(c->dates[i].last) >= recent) return 0;
    uint32_t first_event = UINT32_MAX;
    for (size_t i = 0; i < c->ntrig && first_event == UINT32_MAX; i++)
        if (TR(c, &c->trig[i])->cls != TR_CUE)
            first_event = c->t[c->trig[i].tok_start].sentence;
    int sentences = 0, first = 0;
    for (uint32_t s = 0; s < c->ns && sentences < 2; s++) {
        if (!c->year_sent[s]) continue;
        first |= sentences == 0 && s <= first_event;
        sentences++;
    }
    return sentences >= 2 && first;
}

/* The lede: the first three sentences of prose, twelve words or more (and
 * the short lines, breadcrumbs, title and dateline, before them). What it reports is the news of the
 * article; later sentences without a date of their own are often
 * background. */
#define LEDE_SENTENCES 3
static void mark_lede(ctx *c) {
    int long_seen = 0;
    for (size_t s = 0; s < c->ns && long_seen < LEDE_SENTENCES; s++) {
        size_t words = 0;
        for (uint32_t k = c->s[s].first_token;
             k < c->s[s].first_token + c->s[s].ntokens; k++)
            words += c->t[k].kind == MARSAD_TOK_WORD;
        c->lede[s] = 1;
        if (words >= 12) long_seen++;
    }
}

/* Drops the actors named as part of a facility's name ("مستشفى شهداء
 * الأقصى" is a hospital, not the brigade): those right after a
 * FACILITY_HEADS word. */
static void drop_facility_names(ctx *c) {
    size_t k = 0;
    for (size_t i = 0; i < c->nactors; i++) {
        size_t s = c->actors[i].tok_start;
        if (s > 0 && c->t[s - 1].sentence == c->t[s].sentence &&
            word_in(&c->t[s - 1], FACILITY_HEADS))
            continue;
        c->actors[k++] = c->actors[i];
    }
    c->nactors = k;
}

/* Verbs of striking whose subject is the one that struck: a country right
 * after one ("قصفت إسرائيل مواقع في غزة", "شنت الولايات المتحدة غارات")
 * is its armed forces, not where it happened. Folded forms. */
static const xword STRIKE_VERBS[] = {
    W("شن"), W("شنت"), W("نفذ"), W("نفذت"), W("قصف"), W("قصفت"), W("هاجم"),
    W("هاجمت"), W("استهدف"), W("استهدفت"), W("ضرب"), W("ضربت"), W("اغتال"),
    W("اغتالت"), W("دمر"), W("دمرت"), W("اجتاح"), W("اجتاحت"), W("غزا"),
    W("غزت"), W("احتل"), W("احتلت"), W("اطلق"), W("اطلقت"), W("اسقط"),
    W("اسقطت"), W("بدا"), W("بدات"), {NULL, 0}};


/* Is token t one of the strike verbs, bare or after و/ف (وقصفت)? Not
 * after other proclitics: بضرب, لقصف name the act, not who struck. */
static int strike_verb(const marsad_token *t) {
    if (word_in(t, STRIKE_VERBS)) return 1;
    if (t->norm_len <= 2 ||
        (memcmp(t->norm, "و", 2) != 0 && memcmp(t->norm, "ف", 2) != 0))
        return 0;
    marsad_token u = *t;
    u.norm += 2;
    u.norm_len -= 2;
    return word_in(&u, STRIKE_VERBS);
}

/* A country named right after a strike verb struck: it becomes the actor
 * "Military Forces of X" at its words, and no location (a hint at most). */
static void country_subjects(ctx *c) {
    for (size_t i = 0; i < c->nplaces; i++) {
        x_place *p = &c->places[i];
        size_t s = p->tok_start;
        if (p->precision < 3 || !p->name || !p->country_name ||
            strcmp(p->name, p->country_name) != 0 || s == 0 ||
            c->t[s - 1].sentence != c->t[s].sentence || !strike_verb(&c->t[s - 1]))
            continue;
        int taken = 0;
        for (size_t k = 0; k < c->nactors && !taken; k++)
            taken = c->actors[k].tok_start < p->tok_end && c->actors[k].tok_end > s;
        x_actor a;
        if (taken || resolve_state_forces(c->m, p->country, &a)) continue;
        x_actor *na = realloc(c->actors, (c->nactors + 1) * sizeof *na);
        if (!na) return;
        c->actors = na;
        size_t at = 0;
        while (at < c->nactors && c->actors[at].tok_start < s) at++;
        memmove(&c->actors[at + 1], &c->actors[at], (c->nactors - at) * sizeof *na);
        a.tok_start = s;
        a.tok_end = p->tok_end;
        c->actors[at] = a;
        c->nactors++;
        p->in_org = 1;
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
    if (len > LARGE_ARTICLE)
        diagf(diag, dctx, id,
              "warning: article is %.1f MB, far longer than news; read as one "
              "article", (double)len / (1024.0 * 1024.0));
    ctx c = {0};
    c.m = m;
    c.a = a;
    c.text = E->text;
    c.len = len;
    /* the tokens the reader made, when they are those of this text */
    size_t dl = 0;
    const char *dt = a->doc ? marsad_doc_text(a->doc, &dl) : NULL;
    marsad_doc *own = NULL;
    if (dt && dl == len && memcmp(dt, E->text, len) == 0)
        c.doc = a->doc;
    else
        c.doc = own = marsad_doc_new(E->text, len);
    if (!c.doc) return E;
    c.t = marsad_doc_tokens(c.doc, &c.nt);
    c.clean_text = marsad_doc_invalid_bytes(c.doc) == 0 && marsad_doc_nul_bytes(c.doc) == 0;
    c.s = marsad_doc_sentences(c.doc, &c.ns);
    /* every lexicon lookup over this article is remembered until the end */
    phrase_scope *scope = phrase_scope_begin_group(c.t, c.nt, m->group);
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
    /* places are read once, resolved twice: before and after the
     * article's country is known */
    gaz_scan *places = resolve_places_scan(m, c.doc);
    resolve_places_country(m, c.doc, places, c.country);
    c.nplaces = resolve_places(m, c.doc, places, c.country[0] ? c.country : NULL,
                               &c.places);
    gazetteer_scan_free(places);
    c.nactors = resolve_actors(m, c.doc, c.country[0] ? c.country : NULL, &c.actors);
    drop_facility_names(&c);
    country_subjects(&c);
    c.ntrig = triggers_find(m, c.doc, &c.trig);
    /* figures are read only next to casualty words (casualties(): a
     * killed, injured or captured word of the sentence, the figure in it or
     * ending where the sentence starts): counts are needed in the sentences
     * of such words and the sentences just before them (all of them when
     * memory runs out: NULL) */
    /* the article's flags per sentence, place and trigger, cleared, in one
     * block (NULL when memory runs out: see each flag) */
    size_t ns1 = c.ns + 1, np1 = c.nplaces + 1;
    unsigned char *flags = calloc(4 * ns1 + 2 * np1 + c.ntrig + 1, 1);
    unsigned char *num_sents = flags;
    for (size_t i = 0; num_sents && i < c.ntrig; i++) {
        int cls = TR(&c, &c.trig[i])->cls;
        if (cls != TR_KILLED && cls != TR_INJURED && cls != TR_CAPTURED) continue;
        uint32_t s = c.t[c.trig[i].tok_start].sentence;
        num_sents[s] = 1;
        if (s > 0) num_sents[s - 1] = 1;
    }
    c.nnums = resolve_numbers(m, c.doc, num_sents, &c.nums);
    c.ndates = resolve_dates(m, c.doc, c.published, &c.dates);
    c.num_used = calloc(c.nnums + 1, 1);
    /* the five per-sentence indexes, then every token's clause and
     * segment, in one block */
    size_t *at = malloc(5 * (c.ns + 2) * sizeof *at + 2 * (c.nt + 1) * sizeof(uint32_t));
    if (at) {
        c.trig_at = at;
        c.place_at = at + (c.ns + 2);
        c.actor_at = at + 2 * (c.ns + 2);
        c.num_at = at + 3 * (c.ns + 2);
        c.date_at = at + 4 * (c.ns + 2);
        index_by_sentence(&c, c.trig, c.ntrig, sizeof *c.trig, c.trig_at);
        index_by_sentence(&c, c.places, c.nplaces, sizeof *c.places, c.place_at);
        index_by_sentence(&c, c.actors, c.nactors, sizeof *c.actors, c.actor_at);
        index_by_sentence(&c, c.nums, c.nnums, sizeof *c.nums, c.num_at);
        index_by_sentence(&c, c.dates, c.ndates, sizeof *c.dates, c.date_at);
        c.clause = (uint32_t *)(at + 5 * (c.ns + 2));
        c.seg = c.clause + (c.nt + 1);
    }
    /* a number inside a date ("24 أبريل") is no count */
    for (size_t i = 0, j = 0; c.num_used && i < c.nnums; i++) {
        while (j < c.ndates && c.dates[j].tok_end <= c.nums[i].tok_start) j++;
        if (j < c.ndates && c.dates[j].tok_start < c.nums[i].tok_end)
            c.num_used[i] = 1;
    }
    for (size_t i = 0; i < c.nplaces && !c.first_place; i++)
        if (!c.places[i].in_org) c.first_place = &c.places[i];

    if (flags) {
        c.lede = flags + ns1;
        c.usable = flags + 2 * ns1;    /* NULL: nothing remembered */
        c.dest = c.usable + np1;
        c.blk = c.dest + np1;          /* NULL: nothing remembered */
        c.question = c.blk + c.ntrig + 1;
        c.year_sent = c.published.y ? c.question + ns1 : NULL; /* mark_clauses */
    }
    if (c.clause && c.seg && c.trig_at && c.question) mark_clauses(&c);
    if (c.lede) mark_lede(&c);
    /* the lede's date dates what the article reports without a date of
     * its own; a date further down belongs to its own sentence */
    for (size_t i = 0; c.lede && i < c.ndates && !c.lede_date; i++) {
        uint32_t ds = c.t[c.dates[i].tok_start].sentence;
        if (!c.lede[ds]) break;
        if (c.dates[i].date.y &&
            (!c.published.y ||
             ymd_to_days(c.dates[i].date) <= ymd_to_days(c.published)))
            c.lede_date = &c.dates[i];
    }
    int ready = c.num_used && c.trig_at && c.place_at && c.actor_at &&
                c.num_at && c.date_at && c.clause && c.seg && c.lede && c.question &&
                !narrates_history(&c);
    for (uint32_t s = 0; s < c.ns && ready; s++) sentence_mentions(&c, s);

    if (level == MARSAD_LEVEL_MENTIONS) {
        for (size_t i = 0; i < c.nmen; i++) {
            event_acc e;
            start_event(&e, &c.men[i], (int)i);
            emit(&c, E, &e, i);
        }
    } else {
        /* start_event fills each event it opens: no need to clear them all */
        event_acc *evs = malloc((c.nmen + 1) * sizeof *evs);
        size_t nev = 0;
        for (size_t i = 0; evs && i < c.nmen; i++) {
            int t = merge_target(evs, nev, &c.men[i]);
            if (t >= 0) absorb(&evs[t], &c.men[i]);
            else if (c.men[i].anchored) start_event(&evs[nev++], &c.men[i], (int)i);
            /* else: background with nothing of its own to anchor it */
        }
        size_t out = 0;
        for (size_t i = 0; i < nev; i++) {
            /* an event needs a place: without one it is no event record */
            if (!evs[i].place) continue;
            x_actor author;
            bomb_author(&c, &evs[i], &author);
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
    free(flags);
    free(at);
    phrase_scope_end(scope);
    marsad_doc_free(own);
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
                           &ev.actor1_type, &ev.actor2_type,
                           &ev.location_name, &ev.location_mention,
                           &ev.country, &ev.country_name, &ev.admin1,
                           &ev.notes, &ev.source};
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
