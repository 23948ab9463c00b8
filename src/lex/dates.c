/*
 * dates.c — finds date expressions in Arabic text and resolves them against
 * the publication date (see dates.h for the resolution choices).
 *
 * A mention is read at a token by trying, in order: a part of the day and
 * يوم (absorbed before a day), an explicit date (digits, or a day with a
 * month name), a day relative to publication (أمس), a weekday, a part of a
 * month (مطلع الشهر), a period (الأسبوع الماضي), a month (مارس 2016), a
 * length of time back (منذ 3 أيام, منذ الأربعاء) and "the last N days"
 * (خلال اليومين الماضيين). Every word class comes from data/date-words.tsv
 * and every month name from data/months.tsv.
 */
#include "lex/dates.h"
#include "lex/numbers.h"
#include "lex/phrase.h"
#include "lex/tsv.h"
#include "text/text_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ calendar */

int ymd_days_in_month(int y, int m) {
    static const int D[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return D[m - 1];
}

int ymd_valid(ymd a) {
    return a.y >= 1 && a.y <= 9999 && a.m >= 1 && a.m <= 12 && a.d >= 1 &&
           a.d <= ymd_days_in_month(a.y, a.m);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long ymd_to_days(ymd a) {
    long y = a.y - (a.m <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (a.m > 2 ? a.m - 3 : a.m + 9) + 2) / 5 + a.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

ymd ymd_from_days(long z) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    return (ymd){(int)(y + (m <= 2)), (int)m, (int)d};
}

ymd ymd_add_days(ymd a, long n) { return ymd_from_days(ymd_to_days(a) + n); }

long ymd_days_between(ymd a, ymd b) { return ymd_to_days(b) - ymd_to_days(a); }

int ymd_weekday(ymd a) {
    long w = (ymd_to_days(a) + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

int ymd_cmp(ymd a, ymd b) {
    if (a.y != b.y) return a.y < b.y ? -1 : 1;
    if (a.m != b.m) return a.m < b.m ? -1 : 1;
    if (a.d != b.d) return a.d < b.d ? -1 : 1;
    return 0;
}

static int digits_at(const char *s, size_t len, size_t i, size_t k) {
    int v = 0;
    if (i + k > len) return -1;
    for (size_t j = i; j < i + k; j++) {
        if (s[j] < '0' || s[j] > '9') return -1;
        v = v * 10 + (s[j] - '0');
    }
    return v;
}

int ymd_parse_iso(const char *s, size_t len, ymd *out) {
    int y = digits_at(s, len, 0, 4), m = digits_at(s, len, 5, 2),
        d = digits_at(s, len, 8, 2);
    if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-') return 0;
    if (len > 10 && s[10] >= '0' && s[10] <= '9') return 0;
    ymd a = {y, m, d};
    if (!ymd_valid(a)) return 0;
    *out = a;
    return 1;
}

char *ymd_format(ymd a, char *buf, size_t cap) {
    /* YYYY-MM-DD, ? for each digit of a part out of range */
    char s[11] = "\?\?\?\?-\?\?-\?\?";
    if (a.y > 0 && a.y <= 9999)
        for (int k = 3, v = a.y; k >= 0; k--, v /= 10) s[k] = (char)('0' + v % 10);
    if (a.m >= 1 && a.m <= 12) {
        s[5] = (char)('0' + a.m / 10);
        s[6] = (char)('0' + a.m % 10);
    }
    if (a.d >= 1 && a.d <= 31) {
        s[8] = (char)('0' + a.d / 10);
        s[9] = (char)('0' + a.d % 10);
    }
    if (cap) {
        size_t n = cap - 1 < 10 ? cap - 1 : 10;
        memcpy(buf, s, n);
        buf[n] = '\0';
    }
    return buf;
}

/* Julian day number of a tabular Hijri date (civil epoch, 16 July 622). */
static long hijri_jdn(long y, long m, long d) {
    return d + (59 * (m - 1) + 1) / 2 + (y - 1) * 354 + (3 + 11 * y) / 30 +
           1948439;
}

#define JDN_1970 2440588L

int ymd_from_hijri(int hy, int hm, int hd, ymd *out) {
    if (hy < 1 || hy > 9000 || hm < 1 || hm > 12 || hd < 1 || hd > 30)
        return 0;
    *out = ymd_from_days(hijri_jdn(hy, hm, hd) - JDN_1970);
    return 1;
}

void ymd_to_hijri(ymd g, int *hy, int *hm, int *hd) {
    long j = ymd_to_days(g) + JDN_1970;
    long y = (30 * (j - 1948440) + 10646) / 10631;
    if (hijri_jdn(y, 1, 1) > j) y--;
    long m = 1;
    while (m < 12 && hijri_jdn(y, m + 1, 1) <= j) m++;
    *hy = (int)y;
    *hm = (int)m;
    *hd = (int)(j - hijri_jdn(y, m, 1) + 1);
}

/* ------------------------------------------------------------ loading */

enum drole { D_WEEKDAY, D_DAYREL, D_PART, D_DAYWORD, D_PAST, D_CURRENT,
             D_NEXT, D_THIS, D_PERIOD, D_UNIT, D_AGO, D_WITHIN, D_FEW,
             D_MONTHPART, D_OF, D_EQUIV, D_ERA, D_MONTHWORD, D_YEARWORD,
             D_DAYORD, D_TEEN, D_ANAPHOR, D_UNTIL, D_NAMECTX, D_NROLES };

static const char *const ROLE_NAMES[D_NROLES] = {
    "weekday", "dayrel", "part", "dayword", "past", "current", "next", "this",
    "period", "unit", "ago", "within", "few", "monthpart", "of", "equiv",
    "era", "monthword", "yearword", "dayord", "teen", "anaphor", "until",
    "namectx",
};

/* Roles a date-word at the first token of each reading must have (see
 * parse_at): a date expression begins with a word of one of START_ROLES
 * (or digits, ال, a figure or a month name). */
#define AGO_ROLES (1u << D_AGO)
#define WITHIN_ROLES ((1u << D_WITHIN) | (1u << D_UNIT))
#define DAY_ROLES                                                           \
    ((1u << D_PART) | (1u << D_DAYWORD) | (1u << D_DAYORD) |                \
     (1u << D_DAYREL) | (1u << D_WEEKDAY) | (1u << D_MONTHPART) |           \
     (1u << D_THIS) | (1u << D_PERIOD) | (1u << D_MONTHWORD))
#define START_ROLES (AGO_ROLES | WITHIN_ROLES | DAY_ROLES)

enum { U_ONE = 0, U_DUAL = 1, U_PLURAL = 2 };

typedef struct {
    uint8_t role;
    uint8_t unitnum; /* D_UNIT: U_ONE, U_DUAL, U_PLURAL */
    char era;        /* D_ERA: 'g' or 'h' */
    int value;
    int line;
} dword;

typedef struct {
    uint8_t month, hijri, strict;
    int line;
} month_entry;

struct dates {
    phrase_dict *words, *months;
    /* the phrases of words with a role in START_ROLES, never matched: in a
     * group (dates_join), its bit clear at a token tells that the token's
     * words match has none of these roles */
    phrase_dict *starts;
    /* the phrases of words with the unit role, never matched either: in a
     * group, its bit clear at a token tells that no unit begins there */
    phrase_dict *units;
    /* and those of words with a role in AGO_ROLES or DAY_ROLES: its bit
     * clear tells that the token's words match has none of these roles */
    phrase_dict *daystarts;
    size_t within_max; /* words of the longest phrase with the within role */
    dword *w;
    size_t nw, capw;
    month_entry *mo;
    size_t nmo, capmo;
    const numbers *nb; /* own_nb, or the caller's (dates_load_with) */
    numbers *own_nb;
};

void dates_join(dates *d, phrase_group *pg) {
    if (!d) return;
    phrase_group_add(pg, d->words);
    phrase_group_add(pg, d->months);
    phrase_group_add(pg, d->starts);
    phrase_group_add(pg, d->units);
    phrase_group_add(pg, d->daystarts);
}

void dates_free(dates *d) {
    if (!d) return;
    phrase_dict_free(d->words);
    phrase_dict_free(d->months);
    phrase_dict_free(d->starts);
    phrase_dict_free(d->units);
    phrase_dict_free(d->daystarts);
    numbers_free(d->own_nb);
    free(d->w);
    free(d->mo);
    free(d);
}

static int parse_int(const char *s, int lo, int hi, int *v) {
    char *end;
    long x = strtol(s, &end, 10);
    if (end == s || *end || x < lo || x > hi) return -1;
    *v = (int)x;
    return 0;
}

static int load_words(dates *d, const char *datadir, char *err,
                      size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "date-words.tsv", err, errlen)) return -1;
    int rc = -1;
    while (tsv_next(&r)) {
        if (tsv_want_fields(&r, 3, 3, "PHRASE ROLE VALUE", err, errlen))
            goto out;
        dword e = {0};
        e.line = r.line;
        int role = tsv_name_index(r.field[1], ROLE_NAMES, D_NROLES);
        if (role < 0) {
            tsv_error(&r, err, errlen, "unknown role '%s'", r.field[1]);
            goto out;
        }
        e.role = (uint8_t)role;
        char *v = r.field[2];
        if (role == D_ERA) {
            if (strcmp(v, "g") && strcmp(v, "h")) {
                tsv_error(&r, err, errlen, "era '%s' is not g or h", v);
                goto out;
            }
            e.era = v[0];
        } else {
            char *comma = strchr(v, ',');
            if (comma) {
                *comma = '\0';
                if (role == D_UNIT && strcmp(comma + 1, "dual") == 0)
                    e.unitnum = U_DUAL;
                else if (role == D_UNIT && strcmp(comma + 1, "plural") == 0)
                    e.unitnum = U_PLURAL;
                else {
                    tsv_error(&r, err, errlen, "bad value suffix ',%s'",
                              comma + 1);
                    goto out;
                }
            }
            if (parse_int(v, -400, 400, &e.value)) {
                tsv_error(&r, err, errlen, "value '%s' is not a number", v);
                goto out;
            }
            if (role == D_WEEKDAY && (e.value < 0 || e.value > 6)) {
                tsv_error(&r, err, errlen, "weekday %d is not 0..6", e.value);
                goto out;
            }
            if (role == D_MONTHPART && (e.value < 1 || e.value > 3)) {
                tsv_error(&r, err, errlen, "month part %d is not 1..3",
                          e.value);
                goto out;
            }
        }
        uint32_t nv;
        const uint32_t *prev =
            phrase_dict_get(d->words, r.field[0], strlen(r.field[0]), &nv);
        for (uint32_t k = 0; prev && k < nv; k++)
            if (d->w[prev[k]].role == role) {
                tsv_error(&r, err, errlen,
                          "'%s' is already listed as %s on line %d (same "
                          "after folding)", r.field[0], ROLE_NAMES[role],
                          d->w[prev[k]].line);
                goto out;
            }
        if (tsv_add_phrase(&r, d->words, r.field[0], (void **)&d->w, &d->capw,
                           d->nw, sizeof *d->w, "phrase", err, errlen))
            goto out;
        if (role == D_WITHIN) {
            /* its words: the tokens of its key, which single spaces join */
            char key[256];
            size_t kl = text_phrase_key(r.field[0], strlen(r.field[0]), key,
                                        sizeof key);
            size_t words = 1;
            for (size_t q = 0; q < kl && q < sizeof key; q++)
                words += key[q] == ' ';
            if (kl >= sizeof key) words = kl; /* more than it can have */
            if (words > d->within_max) d->within_max = words;
        }
        if (((1u << role) & START_ROLES) &&
            phrase_dict_add(d->starts, r.field[0], strlen(r.field[0]),
                            (uint32_t)d->nw) < 0) {
            tsv_error(&r, err, errlen, "out of memory");
            goto out;
        }
        if ((role == D_UNIT &&
             phrase_dict_add(d->units, r.field[0], strlen(r.field[0]),
                             (uint32_t)d->nw) < 0) ||
            (((1u << role) & (AGO_ROLES | DAY_ROLES)) &&
             phrase_dict_add(d->daystarts, r.field[0], strlen(r.field[0]),
                             (uint32_t)d->nw) < 0)) {
            tsv_error(&r, err, errlen, "out of memory");
            goto out;
        }
        d->w[d->nw++] = e;
    }
    rc = 0;
out:
    tsv_close(&r);
    return rc;
}

static int load_months(dates *d, const char *datadir, char *err,
                       size_t errlen) {
    tsv_reader r;
    if (tsv_open(&r, datadir, "months.tsv", err, errlen)) return -1;
    int rc = -1;
    static const char *const REGIONS[] = {"east", "levant", "maghreb",
                                          "morocco", "libya", "all"};
    while (tsv_next(&r)) {
        if (tsv_want_fields(&r, 5, 5, "NAME MONTH CALENDAR REGIONS FLAGS",
                            err, errlen))
            goto out;
        month_entry e = {0};
        e.line = r.line;
        int m;
        if (parse_int(r.field[1], 1, 12, &m)) {
            tsv_error(&r, err, errlen, "month '%s' is not 1..12", r.field[1]);
            goto out;
        }
        e.month = (uint8_t)m;
        if (strcmp(r.field[2], "hijri") == 0) e.hijri = 1;
        else if (strcmp(r.field[2], "gregorian") != 0) {
            tsv_error(&r, err, errlen,
                      "calendar '%s' is not gregorian or hijri", r.field[2]);
            goto out;
        }
        char *parts[8];
        int np = tsv_split(r.field[3], ',', parts, 8);
        if (np == 0) {
            tsv_error(&r, err, errlen, "no region");
            goto out;
        }
        for (int k = 0; k < np; k++) {
            if (tsv_name_index(parts[k], REGIONS,
                               sizeof REGIONS / sizeof *REGIONS) < 0) {
                tsv_error(&r, err, errlen, "unknown region '%s'", parts[k]);
                goto out;
            }
        }
        if (strcmp(r.field[4], "strict") == 0) e.strict = 1;
        else if (strcmp(r.field[4], "-") != 0) {
            tsv_error(&r, err, errlen, "unknown flag '%s'", r.field[4]);
            goto out;
        }
        uint32_t nv;
        const uint32_t *prev =
            phrase_dict_get(d->months, r.field[0], strlen(r.field[0]), &nv);
        if (prev) {
            tsv_error(&r, err, errlen,
                      "'%s' is already listed on line %d (same after folding)",
                      r.field[0], d->mo[prev[0]].line);
            goto out;
        }
        if (tsv_add_phrase(&r, d->months, r.field[0], (void **)&d->mo,
                           &d->capmo, d->nmo, sizeof *d->mo, "name", err, errlen))
            goto out;
        d->mo[d->nmo++] = e;
    }
    rc = 0;
out:
    tsv_close(&r);
    return rc;
}

dates *dates_load_with(const char *datadir, const numbers *nb, char *err,
                       size_t errlen) {
    dates *d = calloc(1, sizeof *d);
    if (!d || !(d->words = phrase_dict_new()) ||
        !(d->months = phrase_dict_new()) || !(d->starts = phrase_dict_new()) ||
        !(d->units = phrase_dict_new()) ||
        !(d->daystarts = phrase_dict_new())) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        dates_free(d);
        return NULL;
    }
    if (load_months(d, datadir, err, errlen) ||
        load_words(d, datadir, err, errlen) ||
        (!nb && !(d->own_nb = numbers_load(datadir, err, errlen)))) {
        dates_free(d);
        return NULL;
    }
    d->nb = nb ? nb : d->own_nb;
    return d;
}

dates *dates_load(const char *datadir, char *err, size_t errlen) {
    return dates_load_with(datadir, NULL, err, errlen);
}

/* ------------------------------------------------------------ matching */

typedef struct {
    const dates *d;
    const marsad_token *toks;
    size_t n;
    const phrase_asker *words, *months; /* d->words, d->months over toks, or
                                           NULL (asked directly) */
    const phrase_asker *figure; /* numbers_figure_may_start's question, or
                                   NULL (the grammar as it is written) */
    uint32_t *roles;   /* per token: the roles of its date-word match (bit
                          D_x), bit 31 once known; or NULL */
    size_t i;          /* where the mention starts */
    uint32_t sent;
    int havepub;
    long pub;          /* publication, in days */
    ymd pubd;
} ctx;

/* A date being read: a window of days when resolved; otherwise what is
 * known of it (y == 0). */
typedef struct {
    size_t end;
    int resolved;
    long first, last;
    ymd partial;
    int relative, flags;
} dres;

/* in_sent, punct_is and word_is are inline: the grammar asks them at
 * nearly every token it reads, and they are a few loads each. */
static inline int in_sent(const ctx *c, size_t j) {
    return j < c->n && c->toks[j].sentence == c->sent &&
           c->toks[j].norm_len > 0;
}

#define ROLES_KNOWN (1u << 31)
_Static_assert(D_NROLES < 31, "date-word roles fit in a 32-bit mask");

/* The roles of the date-word match at toks[j] (bit D_x; ROLES_KNOWN set),
 * remembered in c->roles, which must be there. */
static uint32_t roles_of(const ctx *c, size_t j) {
    uint32_t mask = c->roles[j];
    if (!mask) {
        phrase_match m;
        mask = ROLES_KNOWN;
        if (c->words ? phrase_ask(c->words, j, &m)
                     : phrase_dict_match(c->d->words, c->toks, c->n, j,
                                         PHRASE_PRO, &m))
            for (uint32_t k = 0; k < m.nvalues; k++)
                mask |= 1u << c->d->w[m.values[k]].role;
        c->roles[j] = mask;
    }
    return mask;
}

/* role_at (below) past its quick answers. */
static size_t role_at_asked(const ctx *c, size_t j, int role,
                            const dword **e) {
    phrase_match m;
    if (!in_sent(c, j) || c->toks[j].kind == MARSAD_TOK_NUMBER) return 0;
    /* the grammar asks about one role after another at each token:
     * remember which roles the token's match has at all */
    if (c->roles && !(roles_of(c, j) & (1u << role))) return 0;
    if (!(c->words ? phrase_ask(c->words, j, &m)
                   : phrase_dict_match(c->d->words, c->toks, c->n, j,
                                       PHRASE_PRO, &m)))
        return 0;
    for (uint32_t k = 0; k < m.nvalues; k++) {
        const dword *w = &c->d->w[m.values[k]];
        if (w->role == role) {
            if (e) *e = w;
            return m.ntoks;
        }
    }
    return 0;
}

/* The length in tokens of the longest date-word phrase at toks[j] when it
 * has `role` (setting *e), else 0; proclitics و ف ب ل (with ال) may come
 * first. The grammar asks about one role after another at every token it
 * reads, mostly for "no": a number, or a token whose remembered roles lack
 * this one, is answered here without a call. */
static inline size_t role_at(const ctx *c, size_t j, int role,
                             const dword **e) {
    if (j < c->n && (c->toks[j].kind == MARSAD_TOK_NUMBER ||
                     (c->roles && c->roles[j] &&
                      !(c->roles[j] & (1u << role)))))
        return 0;
    return role_at_asked(c, j, role, e);
}

/* numbers_figure_may_start at toks[j] (a word or a number), asked through
 * c->figure, which must be there. */
static int figure_may_start(const ctx *c, size_t j) {
    assert(c->figure && j < c->n);
    const marsad_token *t = &c->toks[j];
    if (t->kind == MARSAD_TOK_NUMBER) return 1;
    if (t->kind != MARSAD_TOK_WORD) return 0;
    if (tok_is(t, "و") || tok_is(t, "ال")) return 1;
    phrase_match m;
    return phrase_ask(c->figure, j, &m);
}

/* Whether the proclitic stripped by a match starts with و (a conjunction). */
static int starts_with_wa(const ctx *c, size_t j) {
    return in_sent(c, j) && c->toks[j].norm_len > 2 &&
           memcmp(c->toks[j].norm, "و", 2) == 0;
}

static size_t month_at(const ctx *c, size_t j, const month_entry **e) {
    phrase_match m;
    if (!in_sent(c, j) || c->toks[j].kind != MARSAD_TOK_WORD) return 0;
    if (!(c->months ? phrase_ask(c->months, j, &m)
                    : phrase_dict_match(c->d->months, c->toks, c->n, j,
                                        PHRASE_PRO, &m)))
        return 0;
    /* only و, ب, ل and في-less forms: لشهر, بمارس; never ال on a name */
    if (m.pro && !(m.pro == 2 && (memcmp(c->toks[j].norm, "و", 2) == 0 ||
                                  memcmp(c->toks[j].norm, "ب", 2) == 0 ||
                                  memcmp(c->toks[j].norm, "ل", 2) == 0)))
        return 0;
    *e = &c->d->mo[m.values[0]];
    return m.ntoks;
}

/* A plain integer token (no separators) of at most maxdig digits. */
static int int_tok(const ctx *c, size_t j, int maxdig, int *v) {
    if (!in_sent(c, j) || c->toks[j].kind != MARSAD_TOK_NUMBER) return 0;
    const marsad_token *t = &c->toks[j];
    if (t->norm_len == 0 || t->norm_len > (uint32_t)maxdig) return 0;
    int x = 0;
    for (uint32_t k = 0; k < t->norm_len; k++) {
        if (t->norm[k] < '0' || t->norm[k] > '9') return 0;
        x = x * 10 + (t->norm[k] - '0');
    }
    *v = x;
    return 1;
}

static inline int punct_is(const ctx *c, size_t j, const char *s) {
    return in_sent(c, j) && c->toks[j].kind == MARSAD_TOK_PUNCT &&
           tok_is(&c->toks[j], s);
}

static int glued(const ctx *c, size_t j) {
    return j < c->n && (c->toks[j].flags & MARSAD_TOKF_GLUED);
}

static inline int word_is(const ctx *c, size_t j, const char *s) {
    return in_sent(c, j) && c->toks[j].kind == MARSAD_TOK_WORD &&
           tok_is(&c->toks[j], s);
}

/* ------------------------------------------------------------ results */

static void set_days(dres *r, long first, long last, int relative) {
    r->resolved = 1;
    r->first = first;
    r->last = last;
    r->relative = relative;
}

static void set_unresolved(dres *r, ymd partial) {
    r->resolved = 0;
    r->partial = partial;
    r->relative = 1;
    r->flags |= DATE_F_UNRESOLVED;
}

/* A Gregorian or Hijri day of a known year. */
static int day_of(int y, int m, int d, int hijri, long *days) {
    ymd g = {y, m, d};
    if (hijri) {
        if (d > 30 || !ymd_from_hijri(y, m, d, &g)) return 0;
    } else if (!ymd_valid(g)) {
        return 0;
    }
    *days = ymd_to_days(g);
    return 1;
}

/* The window of a whole month. */
static int month_window(int y, int m, int hijri, long *first, long *last) {
    if (hijri) {
        ymd a, b;
        if (!ymd_from_hijri(y, m, 1, &a)) return 0;
        if (!(m == 12 ? ymd_from_hijri(y + 1, 1, 1, &b)
                      : ymd_from_hijri(y, m + 1, 1, &b)))
            return 0;
        *first = ymd_to_days(a);
        *last = ymd_to_days(b) - 1;
        return 1;
    }
    if (y < 1 || m < 1 || m > 12) return 0;
    *first = ymd_to_days((ymd){y, m, 1});
    *last = ymd_to_days((ymd){y, m, ymd_days_in_month(y, m)});
    return 1;
}

/* The publication's year and month in the given calendar. */
static void pub_ym(const ctx *c, int hijri, int *y, int *m) {
    if (hijri) {
        int d;
        ymd_to_hijri(c->pubd, y, m, &d);
    } else {
        *y = c->pubd.y;
        *m = c->pubd.m;
    }
}

/* The year of month m relative to publication: rel 0 the publication's
 * month's year (الجاري), -1 the last such month strictly before the
 * publication month (الماضي), +1 the first after (المقبل), 2 the last one
 * on or before publication (a bare month). */
static int rel_month_year(const ctx *c, int m, int hijri, int rel) {
    int py, pm;
    pub_ym(c, hijri, &py, &pm);
    switch (rel) {
    case 0: return py;
    case -1: return m < pm ? py : py - 1;
    case 1: return m > pm ? py : py + 1;
    default: return m <= pm ? py : py - 1;
    }
}

/* ------------------------------------------------------------ grammar */

static size_t parse_explicit(const ctx *c, size_t j, dres *r);
static size_t parse_day_expr(const ctx *c, size_t j, dres *r);

/* An era word after a year (م, هـ, ميلادي ...); returns tokens. */
static size_t era_at(const ctx *c, size_t j, char *era) {
    const dword *e;
    size_t k = role_at(c, j, D_ERA, &e);
    if (k && era) *era = e->era;
    return k;
}

/* A year token after a month: optional "," or "من" and عام/سنة first.
 * Returns the token after it (and its era), or 0. A year is 4 digits, or
 * fewer when named so by عام/سنة before it or an era after it (سنة 36
 * هـ); *named tells which, as such a year need not be a recent one. */
static size_t year_after(const ctx *c, size_t j, int *year, char *era, int *named) {
    size_t k = j;
    int word = 0;
    if (punct_is(c, k, ",") || punct_is(c, k, "/") || punct_is(c, k, "-"))
        k++;
    size_t t;
    if ((t = role_at(c, k, D_OF, NULL))) {
        size_t y2 = role_at(c, k + t, D_YEARWORD, NULL);
        word = y2 != 0;
        if (!y2) y2 = role_at(c, k + t, D_PERIOD, NULL); /* من العام 2016 */
        if (!y2) return 0;
        k += t + y2;
    } else if ((t = role_at(c, k, D_YEARWORD, NULL))) {
        k += t;
        word = 1;
    }
    int y;
    if (!int_tok(c, k, 4, &y) || y == 0) return 0;
    *era = 0;
    size_t e = era_at(c, k + 1, era);
    if (c->toks[k].norm_len != 4 && !word && !e) return 0;
    *year = y;
    *named = word || e;
    return k + 1 + e;
}

/* May the year after a date be y? A recent one (1900-2100, Hijri
 * 1300-1700), or any named as a year (سنة 36 هـ, 1233 م). */
static int year_ok(int y, int hijri, int named) {
    if (named) return 1;
    return hijri ? y >= 1300 && y <= 1700 : y >= 1900 && y <= 2100;
}

/* After a month name: another name for the same month (أبريل/نيسان,
 * أبريل (نيسان)). Returns the token after it, or j. */
static size_t month_alias(const ctx *c, size_t j, const month_entry *m) {
    const month_entry *m2;
    size_t t;
    if ((punct_is(c, j, "/") || punct_is(c, j, "-")) &&
        (t = month_at(c, j + 1, &m2)) && m2->month == m->month &&
        m2->hijri == m->hijri)
        return j + 1 + t;
    if (punct_is(c, j, "(") && (t = month_at(c, j + 1, &m2)) &&
        m2->month == m->month && m2->hijri == m->hijri &&
        punct_is(c, j + 1 + t, ")"))
        return j + 2 + t;
    return j;
}

static int relword_at(const ctx *c, size_t j, size_t *len) {
    size_t t;
    if ((t = role_at(c, j, D_PAST, NULL))) { *len = t; return -1; }
    if ((t = role_at(c, j, D_CURRENT, NULL))) { *len = t; return 0; }
    if ((t = role_at(c, j, D_NEXT, NULL))) { *len = t; return 1; }
    *len = 0;
    return 99;
}

/* Resolves day d of month m, year y (0: from publication, per rel). */
static int resolve_dmy(const ctx *c, int y, int m, int d, int hijri, int rel,
                       int have_rel, dres *r) {
    if (hijri) r->flags |= DATE_F_HIJRI;
    if (y) {
        long days;
        if (!day_of(y, m, d, hijri, &days)) return 0;
        set_days(r, days, days, 0);
        return 1;
    }
    if (d < 1 || d > 31) return 0;
    if (!c->havepub) {
        if (hijri) {
            set_unresolved(r, (ymd){0, 0, 0});
        } else {
            if (d > ymd_days_in_month(2000, m)) return 0;
            set_unresolved(r, (ymd){0, m, d});
        }
        return 1;
    }
    long days;
    if (have_rel) {
        int yy = rel_month_year(c, m, hijri, rel);
        if (!day_of(yy, m, d, hijri, &days)) return 0;
    } else {
        int py, pm;
        pub_ym(c, hijri, &py, &pm);
        if (!day_of(py, m, d, hijri, &days) || days > c->pub + 1) {
            if (!day_of(py - 1, m, d, hijri, &days)) return 0;
        }
    }
    set_days(r, days, days, 1);
    return 1;
}

/* A day number: 18, الـ18, or an ordinal day (السابع, الحادي عشر,
 * الحادي والعشرين). Returns tokens, 0 when none. */
static size_t day_number(const ctx *c, size_t j, int *day, int *ordinal) {
    int v;
    *ordinal = 0;
    if (word_is(c, j, "ال") && glued(c, j + 1) && int_tok(c, j + 1, 2, &v) &&
        v >= 1 && v <= 31) {
        *day = v;
        return 2;
    }
    if (int_tok(c, j, 2, &v) && v >= 1 && v <= 31) {
        /* not a time (10:30) nor part of a digit date */
        if (punct_is(c, j + 1, ":") && glued(c, j + 1)) return 0;
        *day = v;
        return 1;
    }
    const dword *e;
    size_t t = role_at(c, j, D_DAYORD, &e);
    if (!t) return 0;
    v = e->value;
    size_t k = j + t;
    const dword *e2;
    size_t t2;
    if (v <= 9 && (t2 = role_at(c, k, D_TEEN, NULL))) {
        v += 10;
        k += t2;
    } else if (v <= 9 && (t2 = role_at(c, k, D_DAYORD, &e2)) &&
               (e2->value == 20 || e2->value == 30) && starts_with_wa(c, k)) {
        v += e2->value;
        k += t2;
    }
    if (v > 31) return 0;
    *day = v;
    *ordinal = 1;
    return k - j;
}

/* D/M/YYYY, YYYY/M/D, D-M-YYYY, D.M.YYYY (one token), with an era after. */
static size_t parse_digit_date(const ctx *c, size_t j, dres *r) {
    if (!in_sent(c, j) || c->toks[j].kind != MARSAD_TOK_NUMBER) return 0;
    int p[3], np = 0;
    size_t k = j;
    const marsad_token *t = &c->toks[j];
    /* 24.04.2016: one token */
    int dots = 0;
    for (uint32_t q = 0; q < t->norm_len; q++) dots += t->norm[q] == '.';
    if (dots == 2) {
        const char *s = t->norm;
        size_t len = t->norm_len, a = 0;
        for (int part = 0; part < 3; part++) {
            size_t b = a;
            while (b < len && s[b] != '.') b++;
            if (b == a || b - a > 4) return 0;
            p[part] = digits_at(s, len, a, b - a);
            if (p[part] < 0) return 0;
            a = b + 1;
        }
        np = 3;
        k = j + 1;
        if (t->norm_len < 8) return 0;
    } else {
        char sep = 0;
        while (np < 3) {
            int v;
            if (!int_tok(c, k, 4, &v)) return 0;
            p[np++] = v;
            k++;
            if (np == 3) break;
            /* '/' may be spaced; '-' must be glued on both sides */
            if (punct_is(c, k, "/") && (!sep || sep == '/')) {
                sep = '/';
            } else if (punct_is(c, k, "-") && glued(c, k) && glued(c, k + 1) &&
                       (!sep || sep == '-')) {
                sep = '-';
            } else {
                return 0;
            }
            k++;
        }
    }
    int y, m, d;
    size_t ylen;
    if (p[0] >= 1000) {
        y = p[0], m = p[1], d = p[2];
        ylen = 4;
    } else {
        d = p[0], m = p[1], y = p[2];
        ylen = dots == 2 ? 4 : c->toks[k - 1].norm_len;
        if (m > 12 && d <= 12) { int x = m; m = d; d = x; } /* 4/24/2016 */
    }
    if (ylen != 4 || y < 1900 || y > 2100) return 0;
    long days;
    if (!day_of(y, m, d, 0, &days)) return 0;
    set_days(r, days, days, 0);
    k += era_at(c, k, NULL);
    return k - j;
}

/* An explicit date: digits, or a day with a month name (and maybe a year),
 * or a day of the current/last month (18 الجاري, 18 من الشهر الماضي). */
static size_t parse_explicit(const ctx *c, size_t j, dres *r) {
    size_t t = parse_digit_date(c, j, r);
    if (t) return t;
    int day, ordinal;
    size_t k = j + day_number(c, j, &day, &ordinal);
    if (k == j) return 0;
    /* a separator or من between the day and the month */
    if ((punct_is(c, k, "/") || (punct_is(c, k, "-") && glued(c, k))) &&
        !ordinal)
        k++;
    else if ((t = role_at(c, k, D_OF, NULL)))
        k += t;
    else if (punct_is(c, k, ","))
        return 0;
    const month_entry *mo;
    if ((t = month_at(c, k, &mo))) {
        k = month_alias(c, k + t, mo);
        int year = 0, named = 0;
        char era = 0;
        size_t y2 = year_after(c, k, &year, &era, &named);
        int hijri = mo->hijri || era == 'h';
        if (y2) {
            if (!year_ok(year, hijri, named)) return 0;
            if (!resolve_dmy(c, year, mo->month, day, hijri, 0, 0, r))
                return 0;
            return y2 - j;
        }
        /* no year: a name (ثورة 17 فبراير) or a day of this year */
        size_t p = c->i;
        if (p > 0 && (role_at(c, p - 1, D_NAMECTX, NULL) ||
                      (p > 1 && role_at(c, p - 2, D_NAMECTX, NULL) &&
                       role_at(c, p - 1, D_DAYWORD, NULL))))
            return 0;
        size_t rl;
        int rel = relword_at(c, k, &rl);
        if (!resolve_dmy(c, 0, mo->month, day, hijri, rel, rl > 0, r))
            return 0;
        return k + rl - j;
    }
    /* 18 من الشهر الجاري, 18 الجاري */
    size_t pl = role_at(c, k, D_PERIOD, NULL);
    const dword *pe = NULL;
    if (pl) role_at(c, k, D_PERIOD, &pe);
    size_t rl;
    int rel = relword_at(c, k + (pe && pe->value == 30 ? pl : 0), &rl);
    if (pe && pe->value != 30) return 0;
    if (!rl || rel == 99) return 0;
    if (!c->havepub) {
        set_unresolved(r, (ymd){0, 0, day});
        return k + (pe ? pl : 0) + rl - j;
    }
    int y = c->pubd.y, m = c->pubd.m + rel;
    if (m < 1) { m = 12; y--; }
    if (m > 12) { m = 1; y++; }
    long days;
    if (!day_of(y, m, day, 0, &days)) return 0;
    set_days(r, days, days, 1);
    return k + (pe ? pl : 0) + rl - j;
}

/* The weekday wd relative to publication: mode 0 on or before, -1 strictly
 * before, +1 strictly after. */
static long weekday_day(const ctx *c, int wd, int mode) {
    int pw = ymd_weekday(c->pubd);
    if (mode > 0) {
        int f = (wd - pw + 7) % 7;
        return c->pub + (f == 0 ? 7 : f);
    }
    int b = (pw - wd + 7) % 7;
    if (mode < 0 && b == 0) b = 7;
    return c->pub - b;
}

/* An explicit date after a weekday or a relative day, with an optional
 * comma or الموافق between. */
static size_t explicit_after(const ctx *c, size_t k, dres *r) {
    size_t k2 = k, t;
    if (punct_is(c, k2, ",") || punct_is(c, k2, "-")) k2++;
    if ((t = role_at(c, k2, D_EQUIV, NULL))) k2 += t;
    dres e = {0};
    if ((t = parse_explicit(c, k2, &e))) {
        int fl = r->flags;
        *r = e;
        r->flags |= fl & ~DATE_F_UNRESOLVED;
        return k2 + t;
    }
    return 0;
}

/* Weekdays: الأربعاء, الأربعاء الماضي, الجمعة والسبت الماضيين, الأحد 24
 * أبريل. */
static size_t parse_weekday(const ctx *c, size_t j, dres *r) {
    const dword *e;
    size_t t = role_at(c, j, D_WEEKDAY, &e);
    if (!t) return 0;
    int wd = e->value;
    size_t k = j + t, first_end = k;
    /* الجمعة والسبت الماضيين: each day is a mention of its own (one event
     * per day), the first resolved with the suffix the list shares */
    int nwd = 1;
    while (nwd < 7 && starts_with_wa(c, k) &&
           (t = role_at(c, k, D_WEEKDAY, NULL))) {
        nwd++;
        k += t;
    }
    size_t x;
    if (nwd == 1 && (x = explicit_after(c, k, r))) return x - j;
    size_t rl;
    int rel = relword_at(c, k, &rl);
    int mode = rl == 0 || rel == 0 ? 0 : rel;
    k = nwd > 1 ? first_end : k + rl;
    if (!c->havepub) {
        set_unresolved(r, (ymd){0, 0, 0});
        return k - j;
    }
    long dd = weekday_day(c, wd, mode);
    set_days(r, dd, dd, 1);
    if (mode > 0) r->flags |= DATE_F_FUTURE;
    return k - j;
}

/* اليوم, أمس, أول أمس ... with a weekday or an explicit date after. */
static size_t parse_dayrel(const ctx *c, size_t j, dres *r) {
    const dword *e;
    size_t t = role_at(c, j, D_DAYREL, &e);
    if (!t) return 0;
    int off = e->value;
    size_t k = j + t;
    if (off == 0 && t == 1) {
        /* اليوم التالي, اليوم الثاني, ذلك اليوم, حتى اليوم: not today */
        if (role_at(c, k, D_ANAPHOR, NULL) || role_at(c, k, D_DAYORD, NULL))
            return 0;
        if (j > 0 && (role_at(c, j - 1, D_ANAPHOR, NULL) ||
                      role_at(c, j - 1, D_UNTIL, NULL)))
            return 0;
    }
    if ((t = role_at(c, k, D_WEEKDAY, NULL))) k += t;
    size_t x;
    if ((x = explicit_after(c, k, r))) return x - j;
    if (!c->havepub) {
        set_unresolved(r, (ymd){0, 0, 0});
        return k - j;
    }
    set_days(r, c->pub + off, c->pub + off, 1);
    if (off > 0) r->flags |= DATE_F_FUTURE;
    return k - j;
}

/* A month as a window: [شهر] مارس [2016], مارس الماضي, الشهر الجاري.
 * bare: whether a month name alone is accepted (after في, خلال, منذ, a
 * month part); 2: when toks[j] follows such a word (after_bare_word, asked
 * only where the answer depends on it). */
/* Whether toks[j] comes after في, وفي, خلال, منذ or حتى in its sentence,
 * where a bare month name is read as a date. */
static int after_bare_word(const ctx *c, size_t j) {
    if (j == 0 || !in_sent(c, j - 1)) return 0;
    const marsad_token *p = &c->toks[j - 1];
    return tok_is(p, "في") || tok_is(p, "وفي") || tok_is(p, "خلال") ||
           tok_is(p, "منذ") || tok_is(p, "حتى");
}

static size_t parse_month(const ctx *c, size_t j, int bare, dres *r) {
    size_t k = j, t;
    int monthword = 0;
    if ((t = role_at(c, k, D_MONTHWORD, NULL))) {
        k += t;
        monthword = 1;
    }
    const month_entry *mo;
    if (!(t = month_at(c, k, &mo))) return 0;
    k = month_alias(c, k + t, mo);
    int year = 0, named = 0;
    char era = 0; /* set only when a year follows */
    size_t y2 = year_after(c, k, &year, &era, &named);
    int hijri = mo->hijri || era == 'h';
    long first, last;
    if (y2) {
        if (!year_ok(year, hijri, named)) return 0;
        if (!month_window(year, mo->month, hijri, &first, &last)) return 0;
        set_days(r, first, last, 0);
        if (hijri) r->flags |= DATE_F_HIJRI;
        return y2 - j;
    }
    size_t rl;
    int rel = relword_at(c, k, &rl);
    /* bare 2: read the words before only now, where it decides */
    if (!rl && !((monthword || (bare == 2 ? after_bare_word(c, j) : bare)) &&
                 (!mo->strict || monthword)))
        return 0;
    if (!c->havepub) {
        set_unresolved(r, (ymd){0, mo->month, 0});
        return k + rl - j;
    }
    int y = rel_month_year(c, mo->month, hijri, rl ? rel : 2);
    if (!month_window(y, mo->month, hijri, &first, &last)) return 0;
    if (last > c->pub && first <= c->pub) last = c->pub;
    set_days(r, first, last, 1);
    if (first > c->pub) r->flags |= DATE_F_FUTURE;
    if (hijri) r->flags |= DATE_F_HIJRI;
    return k + rl - j;
}

/* الأسبوع الماضي, هذا الأسبوع, الشهر الجاري, الشهر الماضي. */
static size_t parse_period(const ctx *c, size_t j, dres *r) {
    size_t k = j, t;
    int this_ = 0;
    if ((t = role_at(c, k, D_THIS, NULL))) {
        k += t;
        this_ = 1;
    }
    const dword *pe;
    if (!(t = role_at(c, k, D_PERIOD, &pe))) return 0;
    k += t;
    size_t rl;
    int rel = relword_at(c, k, &rl);
    if (this_ && rl) return 0;
    if (this_) rel = 0;
    else if (!rl) return 0;
    k += rl;
    if (pe->value != 7 && pe->value != 30) return 0; /* a year: too long */
    if (!c->havepub) {
        set_unresolved(r, (ymd){0, 0, 0});
        return k - j;
    }
    long first, last;
    if (pe->value == 7) {
        if (rel < 0) {
            first = c->pub - 7;
            last = c->pub - 1;
        } else if (rel == 0) {
            first = c->pub - (ymd_weekday(c->pubd) + 1) % 7; /* Saturday */
            last = c->pub;
        } else {
            first = c->pub + 1;
            last = c->pub + 7;
            r->flags |= DATE_F_FUTURE;
        }
    } else {
        int y = c->pubd.y, m = c->pubd.m + rel;
        if (m < 1) { m = 12; y--; }
        if (m > 12) { m = 1; y++; }
        month_window(y, m, 0, &first, &last);
        if (rel == 0) last = c->pub;
        if (rel > 0) r->flags |= DATE_F_FUTURE;
    }
    set_days(r, first, last, 1);
    return k - j;
}

/* مطلع الشهر الجاري, أواخر الشهر الماضي, منتصف مارس, نهاية أبريل 2016. */
static size_t parse_monthpart(const ctx *c, size_t j, dres *r) {
    const dword *e;
    size_t t = role_at(c, j, D_MONTHPART, &e);
    if (!t) return 0;
    int part = e->value;
    size_t k = j + t;
    if ((t = role_at(c, k, D_OF, NULL))) k += t;
    dres w = {0};
    size_t x = 0, th = role_at(c, k, D_THIS, NULL);
    const dword *pe = NULL;
    if (role_at(c, k + th, D_PERIOD, &pe) && pe->value != 30) return 0;
    if (pe && (x = parse_period(c, k, &w))) {
        /* الشهر الماضي, الشهر الجاري: the whole month, not clipped */
        if (w.resolved) {
            ymd f = ymd_from_days(w.first);
            long l;
            month_window(f.y, f.m, 0, &w.first, &l);
            w.last = l;
        }
    } else if (pe) {
        x = th + role_at(c, k + th, D_PERIOD, NULL); /* الشهر: this month */
        if (!c->havepub) {
            set_unresolved(&w, (ymd){0, 0, 0});
        } else {
            long f, l;
            month_window(c->pubd.y, c->pubd.m, 0, &f, &l);
            set_days(&w, f, l, 1);
        }
    } else {
        x = parse_month(c, k, 1, &w);
    }
    if (!x) return 0;
    k += x;
    *r = w;
    if (!w.resolved) return k - j;
    /* the month's first day, then the part of it */
    ymd f = ymd_from_days(w.first);
    long mfirst = w.first, mlast;
    if (w.flags & DATE_F_HIJRI) {
        mlast = mfirst + 29;
    } else {
        mlast = ymd_to_days((ymd){f.y, f.m, ymd_days_in_month(f.y, f.m)});
    }
    long lo = part == 1 ? mfirst : part == 2 ? mfirst + 10 : mfirst + 20;
    long hi = part == 1 ? mfirst + 9 : part == 2 ? mfirst + 19 : mlast;
    if (w.relative && hi > c->pub && lo <= c->pub) hi = c->pub;
    r->first = lo;
    r->last = hi;
    return k - j;
}

/* A length of time: 3 أيام, يومين, أيام, أسبوع, الـ24 ساعة. Returns tokens,
 * sets *days (the length in days; hours round up to days, -1 when vague and
 * the unit is days: "days") and *unit_days. */
static size_t length_at(const ctx *c, size_t j, long *count, const dword **u) {
    size_t k = j, t;
    long cnt = -1;
    int v;
    if (word_is(c, k, "ال") && glued(c, k + 1) && int_tok(c, k + 1, 4, &v)) {
        cnt = v;
        k += 2;
    } else if (int_tok(c, k, 4, &v)) {
        cnt = v;
        k++;
    } else if (in_sent(c, k) && c->toks[k].kind == MARSAD_TOK_WORD &&
               (!c->figure || figure_may_start(c, k))) {
        /* where no figure starts numbers_parse_at reads at most a bare
         * count noun (noun_tok >= 0), which is not a length */
        num_mention m;
        if (numbers_parse_at(c->d->nb, c->toks, c->n, k, &m) &&
            m.vague == 0 && m.qualifier == NUM_EXACT && m.noun_tok < 0 &&
            m.value >= 1 && m.value <= 1000) {
            cnt = (long)m.value;
            k = m.tok_end;
        }
    }
    if (!(t = role_at(c, k, D_UNIT, u))) return 0;
    if (cnt < 0) cnt = (*u)->unitnum == U_DUAL ? 2
                     : (*u)->unitnum == U_PLURAL ? -1 : 1;
    else if ((*u)->unitnum == U_DUAL) return 0; /* 3 يومين */
    *count = cnt;
    return k + t - j;
}

/* منذ 3 أيام, قبل يومين, منذ أيام, منذ أسبوع; منذ الأربعاء (since). */
static size_t parse_ago(const ctx *c, size_t j, dres *r) {
    const dword *e;
    size_t t = role_at(c, j, D_AGO, &e);
    if (!t) return 0;
    int since = word_is(c, j, "منذ");
    size_t k = j + t;
    long cnt;
    const dword *u;
    size_t l = length_at(c, k, &cnt, &u);
    if (l) {
        k += l;
        /* الماضية may follow: منذ 3 أيام الماضية is rare but harmless */
        long ud = u->value;
        if (!c->havepub) {
            if (ud > 31 || (cnt > 0 && cnt * ud > 62)) return 0;
            set_unresolved(r, (ymd){0, 0, 0});
            return k - j;
        }
        long back, half = 0;
        if (ud == 0) {
            back = cnt < 0 ? 0 : cnt / 24;
        } else if (cnt < 0) {
            if (ud != 1) return 0; /* منذ أسابيع, منذ سنوات: too vague */
            set_days(r, c->pub - 7, c->pub - 1, 1);
            return k - j;
        } else {
            back = cnt * ud;
            if (ud == 7) half = 3;
            if (ud == 30) half = 15;
            if (ud > 30) return 0;
        }
        if (back > 400) return 0;
        set_days(r, c->pub - back - half, c->pub - back + half, 1);
        return k - j;
    }
    if (!since) return 0;
    /* منذ + a day: from that day to publication */
    dres x = {0};
    size_t dl = parse_day_expr(c, k, &x);
    if (!dl) return 0;
    k += dl;
    *r = x;
    if (x.resolved && x.first <= c->pub && c->pub - x.first < 31) {
        r->last = c->pub;
        r->flags |= DATE_F_SINCE;
    }
    return k - j;
}

/* خلال اليومين الماضيين, الأيام القليلة الماضية, خلال الـ24 ساعة الماضية,
 * في الأيام الأخيرة. */
static size_t parse_within(const ctx *c, size_t j, dres *r) {
    size_t k = j, t;
    if ((t = role_at(c, k, D_WITHIN, NULL))) k += t;
    long cnt;
    const dword *u;
    size_t l = length_at(c, k, &cnt, &u);
    if (!l) return 0;
    /* الأسبوع الماضي, الشهر الماضي are calendar periods (parse_period) */
    if (u->unitnum == U_ONE && !(in_sent(c, k) &&
                                  (c->toks[k].kind == MARSAD_TOK_NUMBER ||
                                   word_is(c, k, "ال"))) &&
        l == role_at(c, k, D_UNIT, NULL))
        return 0;
    k += l;
    if ((t = role_at(c, k, D_FEW, NULL))) k += t;
    if (!(t = role_at(c, k, D_PAST, NULL))) return 0;
    k += t;
    long ud = u->value;
    long len = ud == 0 ? (cnt < 0 ? 1 : (cnt + 23) / 24)
             : cnt < 0 ? (ud == 1 ? 7 : ud * 3) : cnt * ud;
    if (len > 31 || len < 1) return 0;
    if (!c->havepub) {
        set_unresolved(r, (ymd){0, 0, 0});
        return k - j;
    }
    if (ud == 0) set_days(r, c->pub - len, c->pub, 1);
    else set_days(r, c->pub - len, c->pub - 1, 1);
    return k - j;
}

/* A day expression after parts of the day and يوم (صباح يوم الأحد). */
static size_t parse_day_expr(const ctx *c, size_t j, dres *r) {
    size_t k = j, t;
    for (int q = 0; q < 3; q++) {
        if ((t = role_at(c, k, D_PART, NULL)) ||
            (t = role_at(c, k, D_DAYWORD, NULL)))
            k += t;
        else
            break;
    }
    int prefixed = k > j;
    if ((t = parse_explicit(c, k, r)) || (t = parse_dayrel(c, k, r)) ||
        (t = parse_weekday(c, k, r)))
        return k + t - j;
    if (prefixed) return 0;
    if ((t = parse_monthpart(c, k, r)) || (t = parse_period(c, k, r)))
        return k + t - j;
    /* a bare month name only after في, خلال, منذ, حتى (k == j here) */
    if ((t = parse_month(c, k, c->i == j ? 2 : 0, r))) return k + t - j;
    return 0;
}

/* ------------------------------------------------------------ mentions */

static int to_mention(const ctx *c, const dres *r, size_t start, size_t end,
                      date_mention *out) {
    memset(out, 0, sizeof *out);
    out->tok_start = start;
    out->tok_end = end;
    out->relative = r->relative;
    out->flags = r->flags;
    if (!r->resolved) {
        out->date = r->partial;
        out->precision = 0;
        out->flags |= DATE_F_UNRESOLVED;
        return 1;
    }
    long len = r->last - r->first + 1;
    if (len < 1 || len > 31) return 0;
    out->first = ymd_from_days(r->first);
    out->last = ymd_from_days(r->last);
    if (!ymd_valid(out->first) || !ymd_valid(out->last)) return 0;
    out->date = ymd_from_days(r->first + (len - 1) / 2);
    out->precision = len == 1 ? 1 : len <= 7 ? 2 : 3;
    return 1;
}

/* What the calls over one document share: d->words and d->months asked
 * about its tokens (through the document scope's memos, else memos of
 * their own) and the roles of their matches (NULL: not remembered). */
typedef struct {
    phrase_asker words, months;
    phrase_memo *own_words, *own_months;
    uint32_t *roles;
    phrase_asker figure; /* numbers_figure_may_start's question */
    const uint32_t *starts; /* the group's bits for d->starts, and its bit */
    uint32_t starts_bit;    /* (0: not in a group) */
    /* the bits of d->starts, d->months and the number words, which one
     * array of the scope holds for all three (starts); 0 when not known */
    uint32_t any;
    /* d->units' bit in that array (0: not known), and the first token at
     * or after unit_from that has it or is in another sentence than
     * toks[unit_from] (unit_at; unit_from SIZE_MAX before the first ask) */
    uint32_t units_bit;
    size_t unit_from, unit_at;
    uint32_t day_bit; /* d->daystarts' bit in that array (0: not known) */
    const marsad_sentence *sents; /* the document's sentences */
    size_t nsents;
} doc_memo;

/* Whether the group's bits show that the words match at toks[i] has no
 * role in START_ROLES (d->starts has none of its phrases; 0: not sure). */
static inline int surely_no_start_role(const doc_memo *memo, size_t i) {
    return memo->starts_bit && !(memo->starts[i] & memo->starts_bit);
}

/* The publication date as the grammar reads it (ctx's havepub, pub, pubd),
 * worked out once per document rather than at every token. */
typedef struct {
    ymd pubd;
    int havepub;
    long pub;
} pubdate;

static pubdate pub_of(ymd published) {
    pubdate p = {published, 0, 0};
    if (published.y > 0 && ymd_valid(published)) {
        p.havepub = 1;
        p.pub = ymd_to_days(published);
    }
    return p;
}

/* Whether a length (length_at) may begin at toks[k] by the group's bits: a
 * number, ال (ال + digits), و or a figure (a spelled-out count), or a unit
 * word (1 when the bits are not known). */
static int length_may_begin(const ctx *c, const doc_memo *memo, size_t k) {
    if (!in_sent(c, k)) return 0;
    const marsad_token *t = &c->toks[k];
    const phrase_asker *f = &memo->figure;
    if (t->kind == MARSAD_TOK_NUMBER ||
        !surely_no_start_role(memo, k))
        return 1;
    return t->kind == MARSAD_TOK_WORD &&
           (tok_is(t, "ال") || tok_is(t, "و") || !f->bit ||
            (f->mask[k] & f->bit));
}

/* Whether a unit word (role D_UNIT) may begin at some token of toks[i]'s
 * sentence at or after i, by the group's bits (1 when they are not
 * known). parse_within reads a length, which ends with a unit word in the
 * sentence (role_at(k, D_UNIT) with k >= i; a words match with that role
 * is a phrase of d->units, whose bit is then set at k): where none may
 * begin it returns 0, and the numbers before it need not be read. The
 * tokens of a sentence are consecutive, so the first token from i on that
 * has the bit or leaves the sentence answers, and the scan going forward
 * keeps it for the next questions in the same sentence. */
static int unit_may_follow(doc_memo *memo, const marsad_token *toks, size_t n,
                           size_t i) {
    if (!memo->units_bit) return 1;
    uint32_t s = toks[i].sentence;
    if (memo->unit_from == SIZE_MAX || i < memo->unit_from ||
        i > memo->unit_at || toks[memo->unit_from].sentence != s) {
        const uint32_t *st = memo->starts;
        uint32_t ub = memo->units_bit;
        size_t q = i;
        const marsad_sentence *se = s < memo->nsents ? &memo->sents[s] : NULL;
        size_t end = se ? (size_t)se->first_token + se->ntokens : 0;
        if (se && se->first_token <= i && i < end && end <= n) {
            /* the sentence's tokens are toks[first_token .. end): its end
             * is known, and the bit is mostly clear, so four tokens are
             * read to a test */
            while (q + 4 <= end &&
                   !((st[q] | st[q + 1] | st[q + 2] | st[q + 3]) & ub))
                q += 4;
            while (q < end && !(st[q] & ub)) q++;
        } else {
            while (q < n && toks[q].sentence == s && !(st[q] & ub)) q++;
        }
        memo->unit_from = i;
        memo->unit_at = q;
    }
    size_t q = memo->unit_at;
    return q < n && toks[q].sentence == s;
}

/* The date expression at toks[i]. Without a memo, the grammar itself: the
 * readings are tried one after the other (dates_parse_at). With one, a
 * reading is tried only where its first token may be what it reads first;
 * elsewhere it would return 0 at its first test without writing the result,
 * so the answer is the same. parse_ago reads an ago word first;
 * parse_within a within word and then a length, or a length (ال + digits,
 * digits, a figure, a unit word); parse_day_expr a part of the day or يوم,
 * or what parse_explicit (digits, ال + digits, an ordinal day),
 * parse_dayrel, parse_weekday, parse_monthpart, parse_period (this, a
 * period word) and parse_month (a month word, a month name) read first.
 * Most words that come here are the first word of one reading (في, خلال, a
 * number word) and pay for that one only, and after في the group's bits of
 * the next words mostly show that no length follows; the tests cost the
 * token's remembered roles and at most two remembered lookups. Nor is
 * parse_within tried where no unit word may follow in the sentence
 * (unit_may_follow); then only the roles in AGO_ROLES and DAY_ROLES
 * matter, and where the group's bits show that the token's match has none
 * of them (في, على: within words) the roles are not asked. */
static int parse_at(const dates *d, const marsad_token *toks, size_t n,
                    size_t i, const pubdate *pub, date_mention *out,
                    doc_memo *memo) {
    if (i >= n || toks[i].norm_len == 0) return 0;
    ctx c = {d, toks, n, memo ? &memo->words : NULL,
             memo ? &memo->months : NULL, memo ? &memo->figure : NULL,
             memo ? memo->roles : NULL, i, toks[i].sentence, pub->havepub,
             pub->pub, pub->pubd};
    dres r = {0};
    size_t t = 0;
    if (!c.roles) {
        if ((t = parse_ago(&c, i, &r)) || (t = parse_within(&c, i, &r)) ||
            (t = parse_day_expr(&c, i, &r)))
            return to_mention(&c, &r, i, i + t, out);
        return 0;
    }
    const marsad_token *tk = &toks[i];
    int num = tk->kind == MARSAD_TOK_NUMBER;
    int al = tk->kind == MARSAD_TOK_WORD && tok_is(tk, "ال");
    int units = unit_may_follow(memo, toks, n, i);
    uint32_t ro = num || surely_no_start_role(memo, i) ||
                          (!units && memo->day_bit &&
                           !(memo->starts[i] & memo->day_bit))
                      ? 0
                      : roles_of(&c, i);
    const month_entry *mo;
    if (ro & AGO_ROLES) t = parse_ago(&c, i, &r);
    if (!t && !units) {
        /* no length: parse_within returns 0 */
    } else if (!t && (ro & (1u << D_WITHIN))) {
        /* a within word: the length comes after it, not at i. The match
         * has at most within_max words, and the length begins after its
         * last (matches pass over tokens with no letters). */
        int may = 0;
        size_t k = i;
        for (size_t w = 1; w <= d->within_max && k < n && !may; w++) {
            may = length_may_begin(&c, memo, k + 1);
            do k++; while (k < n && toks[k].norm_len == 0);
        }
        if (may) t = parse_within(&c, i, &r);
    } else if (!t && (num || al || (ro & (1u << D_UNIT)) ||
                      figure_may_start(&c, i))) {
        t = parse_within(&c, i, &r);
    }
    /* month_at asks d->months, which answers "no" where its bit is clear
     * (asked here without the call) */
    const phrase_asker *ma = &memo->months;
    if (!t && (num || al || (ro & DAY_ROLES) ||
               ((!ma->bit || (ma->mask[i] & ma->bit)) && month_at(&c, i, &mo))))
        t = parse_day_expr(&c, i, &r);
    return t ? to_mention(&c, &r, i, i + t, out) : 0;
}

/* The first token at or after i where the group's bits do not show that
 * parse_at tries no reading (n when none). Passed over: tokens that are not
 * a number, not ال or و, and words none of whose keys starts a date word
 * with a role in START_ROLES, a month or a number word. The question in a
 * few loads per token, for the scan over every token (without the bits, i:
 * parse_at decides). */
static size_t next_maybe_start(const doc_memo *memo, const marsad_token *toks,
                               size_t n, size_t i) {
    uint32_t any = memo->any;
    if (!any) return i;
    const uint32_t *starts = memo->starts;
    for (; i < n; i++) {
        const marsad_token *t = &toks[i];
        if ((starts[i] & any) || t->kind == MARSAD_TOK_NUMBER ||
            (t->kind == MARSAD_TOK_WORD &&
             (tok_is(t, "ال") || tok_is(t, "و"))))
            break;
    }
    return i;
}

int dates_parse_at(const dates *d, const marsad_token *toks, size_t n,
                   size_t i, ymd published, date_mention *out) {
    pubdate pub = pub_of(published);
    return parse_at(d, toks, n, i, &pub, out, NULL);
}

static void memo_open(const dates *d, const marsad_doc *doc,
                      const marsad_token *toks, size_t n, doc_memo *memo) {
    memo->sents = marsad_doc_sentences(doc, &memo->nsents);
    phrase_asker_init(&memo->words, d->words, toks, n, PHRASE_PRO);
    phrase_asker_init(&memo->months, d->months, toks, n, PHRASE_PRO);
    memo->own_words = memo->own_months = NULL;
    if (!memo->words.memo)
        memo->words.memo = memo->own_words =
            phrase_memo_new(d->words, toks, n, PHRASE_PRO);
    if (!memo->months.memo)
        memo->months.memo = memo->own_months =
            phrase_memo_new(d->months, toks, n, PHRASE_PRO);
    memo->roles = calloc(n ? n : 1, sizeof *memo->roles);
    numbers_figure_asker(d->nb, toks, n, &memo->figure);
    memo->starts = phrase_group_bits(d->starts, toks, n, PHRASE_PRO,
                                     &memo->starts_bit);
    /* every dictionary asked with proclitics reads the scope's one array of
     * group bits; should that differ, the scan asks parse_at everywhere */
    const phrase_asker *mo = &memo->months, *f = &memo->figure;
    memo->any = 0;
    if (memo->roles && memo->starts_bit && mo->bit && f->bit &&
        mo->mask == memo->starts && f->mask == memo->starts)
        memo->any = memo->starts_bit | mo->bit | f->bit;
    uint32_t ub = 0;
    const uint32_t *um = phrase_group_bits(d->units, toks, n, PHRASE_PRO, &ub);
    memo->units_bit = memo->starts_bit && um == memo->starts ? ub : 0;
    uint32_t db = 0;
    const uint32_t *dm = phrase_group_bits(d->daystarts, toks, n, PHRASE_PRO,
                                           &db);
    memo->day_bit = memo->starts_bit && dm == memo->starts ? db : 0;
    memo->unit_from = memo->unit_at = SIZE_MAX;
}

static void memo_close(doc_memo *memo) {
    phrase_memo_free(memo->own_words);
    phrase_memo_free(memo->own_months);
    free(memo->roles);
}

/* Tokens to skip at i when no date starts there: منذ 2011 and other years
 * must not leave a number that looks like a day. */
static size_t skip_year(const dates *d, const marsad_token *toks, size_t n,
                        size_t i) {
    (void)d;
    if (i < n && toks[i].kind == MARSAD_TOK_NUMBER && toks[i].norm_len == 4)
        return 1;
    return 0;
}

size_t dates_find(const dates *d, const marsad_doc *doc, ymd published,
                  date_mention **out) {
    size_t n, cnt = 0, cap = 0;
    const marsad_token *toks = marsad_doc_tokens(doc, &n);
    date_mention *v = NULL;
    *out = NULL;
    doc_memo memo;
    memo_open(d, doc, toks, n, &memo);
    pubdate pub = pub_of(published);
    for (size_t i = 0; i < n;) {
        date_mention m;
        /* tokens where no reading is tried are passed over (skip_year
         * passes over numbers only, which are not) */
        i = next_maybe_start(&memo, toks, n, i);
        if (i == n) break;
        if (parse_at(d, toks, n, i, &pub, &m, &memo)) {
            if (tsv_grow((void **)&v, &cap, cnt + 1, sizeof *v)) {
                free(v);
                memo_close(&memo);
                return 0;
            }
            v[cnt++] = m;
            i = m.tok_end > i ? m.tok_end : i + 1;
        } else {
            size_t s = skip_year(d, toks, n, i);
            i += s ? s : 1;
        }
    }
    memo_close(&memo);
    *out = v;
    return cnt;
}

/* ------------------------------------------------------------ dateline */

int dates_dateline(const dates *d, const marsad_doc *doc, ymd *out) {
    size_t n;
    const marsad_token *toks = marsad_doc_tokens(doc, &n);
    pubdate none = pub_of((ymd){0, 0, 0});
    uint32_t para = 0;
    size_t para_start = 0;
    doc_memo memo;
    memo_open(d, doc, toks, n, &memo);
    for (size_t i = 0; i < n; i++) {
        if (toks[i].flags & MARSAD_TOKF_PARA_START) {
            if (i > 0) para++;
            para_start = i;
        }
        if (para >= 6 || i > 400) break;
        date_mention m;
        if (!parse_at(d, toks, n, i, &none, &m, &memo)) continue;
        size_t e = m.tok_end;
        i = e - 1;
        if (m.relative || m.precision != 1 || m.date.y == 0) continue;
        /* the paragraph's length, a keyword before, a time after */
        size_t pe = e;
        while (pe < n && !(toks[pe].flags & MARSAD_TOKF_PARA_START)) pe++;
        size_t words = 0; /* words of the paragraph outside the date */
        for (size_t k = para_start; k < pe; k++)
            if (toks[k].kind == MARSAD_TOK_WORD &&
                (k < m.tok_start || k >= e))
                words++;
        int short_line = words <= 3;
        int keyword = 0;
        for (size_t k = m.tok_start >= 3 ? m.tok_start - 3 : 0;
             k < m.tok_start; k++)
            if (strstr(toks[k].norm, "نشر") || strstr(toks[k].norm, "تاريخ") ||
                strstr(toks[k].norm, "تحديث"))
                keyword = 1;
        int time_after = 0;
        for (size_t k = e; k + 2 < n && k < e + 4; k++)
            if (toks[k].kind == MARSAD_TOK_NUMBER &&
                toks[k + 1].kind == MARSAD_TOK_PUNCT &&
                tok_is(&toks[k + 1], ":") &&
                toks[k + 2].kind == MARSAD_TOK_NUMBER)
                time_after = 1;
        if (short_line || keyword || time_after) {
            *out = m.date;
            memo_close(&memo);
            return 1;
        }
    }
    memo_close(&memo);
    return 0;
}
