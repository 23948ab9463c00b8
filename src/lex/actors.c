/*
 * actors.c — loads the actor lexicon (data/actor-countries.tsv, data/actors.tsv,
 * data/actor-forms.tsv, data/actor-spellings.tsv) into one phrase
 * dictionary and resolves the actor mentions of a document: longest alias,
 * prefixes, country of multi-country and generic aliases, short forms to
 * their antecedents (see actors.h).
 *
 * Every phrase key holds tagged values: an actor, a template (an actor made
 * per country: "Islamic State ({name})", "Civilians ({name})"), a short form,
 * a stop phrase or a country cue. Prefixes live in a second dictionary so
 * that "prefix + name" and a plain alias at the same token can be compared.
 */
#include "lex/actors.h"
#include "lex/phrase.h"
#include "text/text_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- values */

enum { V_ACTOR = 0, V_TEMPLATE, V_SHORT, V_PREFIX, V_STOP, V_CUE };
#define V_TAG(v) ((v) >> 28)
#define V_WEAK (1u << 27)  /* from a generic template: yields to others */
#define V_BOUND (1u << 26) /* "~": only in the actor's own countries */
#define V_INDEX(v) ((v) & ((1u << 26) - 1))
#define CUE_NAME V_BOUND   /* a cue that is a country's name, not adjective */
#define V_MAKE(tag, idx) (((uint32_t)(tag) << 28) | (uint32_t)(idx))

#define MAX_CLASSES 32
#define CUE_WINDOW 5       /* tokens between a cue and a mention */
#define SCENE_TOKENS 2     /* a cue this near a sentence start covers it */
#define ANTE_MAX_STEPS 400 /* mentions searched for a short form's antecedent */
#define ANTE_FWD_SENTENCES 5

typedef struct {
    char iso[3];
    char *name, *the_name;
    char **adj, **adj_pl; /* NULL-terminated */
    int cue;
} country_rec;

typedef struct {
    actor_info info;
    uint16_t *cty; /* country indices */
    size_t ncty;
    uint32_t classes; /* bit set over actors->class_names */
} actor_rec;

typedef struct {
    const char *name; /* as written: "Civilians ({name})" */
    size_t line;
    int generic;   /* countries "*" */
    uint32_t *inst; /* per country index: actor id or ACTORS_NONE */
    uint16_t *cty;  /* its countries, in data order */
    size_t ncty;
} template_rec;

enum { F_SHORT, F_PREFIX, F_STOP };

typedef struct {
    int kind;
    uint32_t classes;
    int local;       /* scope local */
    int needs_l;     /* prefix written ending in a lone ل */
    uint32_t fallback; /* template index or ACTORS_NONE */
    size_t line;
} form_rec;

struct actors {
    country_rec *cty;
    size_t ncty;
    size_t unknown; /* index of the "--" row */
    actor_rec *act;
    size_t nact, capact;
    template_rec *tpl;
    size_t ntpl, captpl;
    form_rec *forms;
    size_t nforms, capforms;
    char **spell[256]; /* actor-spellings.tsv: sets of folded words */
    size_t nspell;
    char *class_names[MAX_CLASSES];
    size_t nclasses;
    phrase_dict *dict;   /* aliases, short forms, stops, cues */
    phrase_dict *pdict;  /* prefixes */
    uint32_t *name_hash; /* open addressing over actor ids */
    size_t name_cap;
    char **strings; /* everything allocated for the handle */
    size_t nstrings, capstrings;
};

/* ---------------------------------------------------------------- memory */

static char *keep(actors *A, char *s) {
    if (!s) return NULL;
    if (A->nstrings == A->capstrings) {
        size_t nc = A->capstrings ? A->capstrings * 2 : 256;
        char **n = realloc(A->strings, nc * sizeof *n);
        if (!n) {
            free(s);
            return NULL;
        }
        A->strings = n;
        A->capstrings = nc;
    }
    A->strings[A->nstrings++] = s;
    return s;
}

static char *keep_dup(actors *A, const char *s, size_t n) {
    char *c = malloc(n + 1);
    if (!c) return NULL;
    memcpy(c, s, n);
    c[n] = '\0';
    return keep(A, c);
}

static void *keep_alloc(actors *A, size_t n) {
    return keep(A, calloc(1, n ? n : 1));
}

void actors_join(actors *A, phrase_group *pg) {
    if (!A) return;
    phrase_group_add(pg, A->dict);
    phrase_group_add(pg, A->pdict);
}

void actors_free(actors *A) {
    if (!A) return;
    for (size_t i = 0; i < A->nstrings; i++) free(A->strings[i]);
    free(A->strings);
    free(A->cty);
    free(A->act);
    free(A->tpl);
    free(A->forms);
    free(A->name_hash);
    phrase_dict_free(A->dict);
    phrase_dict_free(A->pdict);
    free(A);
}

/* ---------------------------------------------------------------- errors */

typedef struct {
    char *err;
    size_t errlen;
    const char *path;
} ectx;

static int fail(ectx *e, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(ectx *e, size_t line, const char *fmt, ...) {
    if (!e->err || e->errlen == 0) return -1;
    int n = line ? snprintf(e->err, e->errlen, "%s:%zu: ", e->path, line)
                 : snprintf(e->err, e->errlen, "%s: ", e->path);
    if (n < 0) n = 0;
    if ((size_t)n < e->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->err + n, e->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---------------------------------------------------------------- files */

/* A table file read into lines; fields split on tabs, in place. */
typedef struct {
    char *buf;
    size_t len, pos, line;
} table;

static int table_open(table *t, const char *path, ectx *e) {
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) return fail(e, 0, "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16;
    t->buf = malloc(cap);
    for (;;) {
        if (!t->buf) {
            fclose(f);
            return fail(e, 0, "out of memory");
        }
        size_t r = fread(t->buf + t->len, 1, cap - t->len - 1, f);
        t->len += r;
        if (r == 0) break;
        if (t->len + 1 == cap) {
            char *nb = realloc(t->buf, cap * 2);
            if (!nb) free(t->buf);
            t->buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(t->buf);
        t->buf = NULL;
        return fail(e, 0, "read error");
    }
    t->buf[t->len] = '\0';
    return 0;
}

static char *trim(char *s) {
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') s[--n] = '\0';
    return s;
}

/* Next data line split into fields: returns the number of fields, 0 at the
 * end, -1 on a malformed line (message in e). Comments and blank lines are
 * skipped; t->line holds the line number. */
static int table_next(table *t, char **f, int max, ectx *e) {
    while (t->pos < t->len) {
        char *l = t->buf + t->pos;
        char *nl = memchr(l, '\n', t->len - t->pos);
        size_t n = nl ? (size_t)(nl - l) : t->len - t->pos;
        t->pos += n + (nl ? 1 : 0);
        t->line++;
        l[n] = '\0';
        if (n && l[n - 1] == '\r') l[--n] = '\0';
        if (n == 0 || l[0] == '#') continue;
        if (strspn(l, " \t") == n) continue;
        if (memchr(l, '\0', n) || marsad_utf8_invalid_count(l, n))
            return fail(e, t->line, "invalid UTF-8 or NUL byte");
        int k = 0;
        f[k++] = l;
        for (char *p = l; *p; p++)
            if (*p == '\t') {
                *p = '\0';
                if (k == max) return fail(e, t->line, "more than %d fields", max);
                f[k++] = p + 1;
            }
        for (int i = 0; i < k; i++) f[i] = trim(f[i]);
        return k;
    }
    return 0;
}

static void table_close(table *t) { free(t->buf); }

/* Splits s in place on sep; returns the count (at most max). */
static int split(char *s, char sep, char **out, int max) {
    int n = 0;
    if (!*s) return 0;
    out[n++] = s;
    for (char *p = s; *p && n < max; p++)
        if (*p == sep) {
            *p = '\0';
            out[n++] = p + 1;
        }
    for (int i = 0; i < n; i++) out[i] = trim(out[i]);
    return n;
}

/* ---------------------------------------------------------------- countries */

static int country_index(const actors *A, const char *iso) {
    for (size_t i = 0; i < A->ncty; i++)
        if (strcmp(A->cty[i].iso, iso) == 0) return (int)i;
    return -1;
}

static char **keep_list(actors *A, char *field) {
    char *parts[64];
    int n = strcmp(field, "-") == 0 ? 0 : split(field, '|', parts, 64);
    char **l = keep_alloc(A, (size_t)(n + 1) * sizeof *l);
    if (!l) return NULL;
    for (int i = 0; i < n; i++)
        if (!(l[i] = keep_dup(A, parts[i], strlen(parts[i])))) return NULL;
    return l;
}

static int load_countries(actors *A, const char *dir, ectx *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/actor-countries.tsv", dir);
    e->path = path;
    table t;
    if (table_open(&t, path, e)) return -1;
    size_t cap = 0;
    char *f[8];
    int nf, rc = 0;
    while ((nf = table_next(&t, f, 8, e)) > 0) {
        if (nf != 7) {
            rc = fail(e, t.line, "expected 7 tab-separated fields, found %d", nf);
            break;
        }
        const char *iso = f[0];
        int okiso = strcmp(iso, "--") == 0 ||
                    (strlen(iso) == 2 && iso[0] >= 'A' && iso[0] <= 'Z' &&
                     iso[1] >= 'A' && iso[1] <= 'Z');
        if (!okiso) {
            rc = fail(e, t.line, "bad ISO2 code '%s'", iso);
            break;
        }
        if (country_index(A, iso) >= 0) {
            rc = fail(e, t.line, "duplicate country '%s'", iso);
            break;
        }
        if (!*f[1] || !*f[2]) {
            rc = fail(e, t.line, "empty country name");
            break;
        }
        if (strcmp(f[6], "0") != 0 && strcmp(f[6], "1") != 0) {
            rc = fail(e, t.line, "cue must be 0 or 1, not '%s'", f[6]);
            break;
        }
        if (A->ncty == 65535) {
            rc = fail(e, t.line, "too many countries");
            break;
        }
        if (A->ncty == cap) {
            cap = cap ? cap * 2 : 64;
            country_rec *n = realloc(A->cty, cap * sizeof *n);
            if (!n) {
                rc = fail(e, t.line, "out of memory");
                break;
            }
            A->cty = n;
        }
        country_rec *c = &A->cty[A->ncty];
        memset(c, 0, sizeof *c);
        memcpy(c->iso, iso, 3);
        c->name = keep_dup(A, f[1], strlen(f[1]));
        c->the_name = keep_dup(A, f[2], strlen(f[2]));
        char **names = keep_list(A, f[3]);
        c->adj = keep_list(A, f[4]);
        c->adj_pl = keep_list(A, f[5]);
        c->cue = f[6][0] == '1';
        if (!c->name || !c->the_name || !names || !c->adj || !c->adj_pl) {
            rc = fail(e, t.line, "out of memory");
            break;
        }
        A->ncty++;
        size_t ci = A->ncty - 1;
        /* Arabic names, and definite adjectives when they are safe, are cues */
        for (char **p = names; *p; p++)
            if (phrase_dict_add(A->dict, *p, strlen(*p),
                                V_MAKE(V_CUE, ci) | CUE_NAME) < 0) {
                rc = fail(e, t.line, "out of memory");
                break;
            }
        if (rc) break;
        for (char **p = c->adj; c->cue && *p; p++) {
            char b[256];
            snprintf(b, sizeof b, "ال%s", *p);
            int r1 = phrase_dict_add(A->dict, b, strlen(b), V_MAKE(V_CUE, ci));
            snprintf(b, sizeof b, "ال%sة", *p);
            int r2 = phrase_dict_add(A->dict, b, strlen(b), V_MAKE(V_CUE, ci));
            if (r1 < 0 || r2 < 0) {
                rc = fail(e, t.line, "out of memory");
                break;
            }
        }
        if (rc) break;
    }
    if (nf < 0) rc = -1;
    if (!rc && A->ncty == 0) rc = fail(e, 0, "no countries");
    int u = rc ? -1 : country_index(A, "--");
    if (!rc && u < 0) rc = fail(e, 0, "no row for the unknown country '--'");
    if (!rc) A->unknown = (size_t)u;
    table_close(&t);
    return rc;
}

/* ---------------------------------------------------------------- classes */

static int class_bit(actors *A, const char *name, int add) {
    for (size_t i = 0; i < A->nclasses; i++)
        if (strcmp(A->class_names[i], name) == 0) return (int)i;
    if (!add || A->nclasses == MAX_CLASSES) return -1;
    A->class_names[A->nclasses] = keep_dup(A, name, strlen(name));
    if (!A->class_names[A->nclasses]) return -1;
    return (int)A->nclasses++;
}

/* Parses "a,b" into a bit set; returns -1 with the bad name in *bad. */
static int parse_classes(actors *A, char *field, int add, uint32_t *bits,
                         const char **bad) {
    *bits = 0;
    if (strcmp(field, "-") == 0) return 0;
    char *parts[MAX_CLASSES + 1];
    int n = split(field, ',', parts, MAX_CLASSES + 1);
    for (int i = 0; i < n; i++) {
        int b = class_bit(A, parts[i], add);
        if (b < 0 || !*parts[i]) {
            *bad = parts[i];
            return -1;
        }
        *bits |= 1u << b;
    }
    return 0;
}

/* ---------------------------------------------------------------- names */

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int name_rehash(actors *A) {
    size_t nc = A->name_cap ? A->name_cap * 2 : 1024;
    uint32_t *h = malloc(nc * sizeof *h);
    if (!h) return -1;
    for (size_t i = 0; i < nc; i++) h[i] = ACTORS_NONE;
    for (size_t id = 0; id < A->nact; id++) {
        size_t j = hash_str(A->act[id].info.name) & (nc - 1);
        while (h[j] != ACTORS_NONE) j = (j + 1) & (nc - 1);
        h[j] = (uint32_t)id;
    }
    free(A->name_hash);
    A->name_hash = h;
    A->name_cap = nc;
    return 0;
}

uint32_t actors_lookup(const actors *A, const char *name) {
    if (!A || !name || !A->name_cap) return ACTORS_NONE;
    size_t j = hash_str(name) & (A->name_cap - 1);
    while (A->name_hash[j] != ACTORS_NONE) {
        if (strcmp(A->act[A->name_hash[j]].info.name, name) == 0)
            return A->name_hash[j];
        j = (j + 1) & (A->name_cap - 1);
    }
    return ACTORS_NONE;
}

/* Appends an actor (name must be new); returns its id or ACTORS_NONE. */
static uint32_t add_actor(actors *A, const char *name, const char *type,
                          const uint16_t *cty, size_t ncty, uint32_t classes,
                          int generic, size_t line) {
    if (A->nact == A->capact) {
        size_t nc = A->capact ? A->capact * 2 : 512;
        actor_rec *n = realloc(A->act, nc * sizeof *n);
        if (!n) return ACTORS_NONE;
        A->act = n;
        A->capact = nc;
    }
    if ((A->nact + 1) * 2 > A->name_cap && name_rehash(A)) return ACTORS_NONE;
    actor_rec *r = &A->act[A->nact];
    memset(r, 0, sizeof *r);
    r->info.name = keep_dup(A, name, strlen(name));
    r->info.type = type;
    r->cty = keep_alloc(A, ncty * sizeof *r->cty);
    if (!r->info.name || !r->cty) return ACTORS_NONE;
    memcpy(r->cty, cty, ncty * sizeof *cty);
    r->ncty = ncty;
    char buf[1024];
    size_t o = 0;
    for (size_t i = 0; i < ncty && o + 4 < sizeof buf; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "," : "",
                              A->cty[cty[i]].iso);
    r->info.countries = keep_dup(A, buf, o);
    r->info.country = A->cty[cty[0]].iso;
    o = 0;
    buf[0] = '\0';
    for (size_t b = 0; b < A->nclasses && o + 40 < sizeof buf; b++)
        if (classes & (1u << b))
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", o ? "," : "",
                                  A->class_names[b]);
    r->info.classes = keep_dup(A, buf, o);
    if (!r->info.countries || !r->info.classes) return ACTORS_NONE;
    r->info.parent_id = ACTORS_NONE;
    r->info.generic = generic;
    r->info.line = line;
    r->classes = classes;
    uint32_t id = (uint32_t)A->nact++;
    size_t j = hash_str(name) & (A->name_cap - 1);
    while (A->name_hash[j] != ACTORS_NONE) j = (j + 1) & (A->name_cap - 1);
    A->name_hash[j] = id;
    return id;
}

/* Fills a template name for country c ("{name}", "{the_name}"). */
static size_t fill_name(const actors *A, const char *tpl, size_t c, char *out,
                        size_t cap) {
    size_t o = 0;
    for (const char *p = tpl; *p && o + 1 < cap;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(p, "{name}", 6) == 0) rep = A->cty[c].name, skip = 6;
        else if (strncmp(p, "{the_name}", 10) == 0)
            rep = A->cty[c].the_name, skip = 10;
        if (rep) {
            o += (size_t)snprintf(out + o, cap - o, "%s", rep);
            if (o >= cap) o = cap - 1;
            p += skip;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return o;
}

/* ---------------------------------------------------------------- forms */

static const char *const TYPES[] = {
    "state forces", "rebel group", "political militia", "identity militia",
    "rioters", "protesters", "civilians", "external forces",
};

typedef struct {
    size_t line;
    char *fallback; /* template name to resolve after actors load */
} pending_form;

static int load_forms(actors *A, const char *dir, ectx *e,
                      pending_form **pend) {
    char path[4096];
    snprintf(path, sizeof path, "%s/actor-forms.tsv", dir);
    e->path = keep_dup(A, path, strlen(path));
    if (!e->path) return fail(e, 0, "out of memory");
    table t;
    if (table_open(&t, path, e)) return -1;
    char *f[8];
    int nf, rc = 0;
    while ((nf = table_next(&t, f, 8, e)) > 0) {
        if (nf != 5) {
            rc = fail(e, t.line, "expected 5 tab-separated fields, found %d", nf);
            break;
        }
        form_rec fr = {0};
        fr.line = t.line;
        fr.fallback = ACTORS_NONE;
        if (strcmp(f[1], "short") == 0) fr.kind = F_SHORT;
        else if (strcmp(f[1], "prefix") == 0) fr.kind = F_PREFIX;
        else if (strcmp(f[1], "stop") == 0) fr.kind = F_STOP;
        else {
            rc = fail(e, t.line, "kind must be short, prefix or stop, not '%s'",
                      f[1]);
            break;
        }
        const char *bad = NULL;
        if (fr.kind == F_SHORT) {
            if (strcmp(f[2], "-") == 0 ||
                parse_classes(A, f[2], 1, &fr.classes, &bad)) {
                rc = fail(e, t.line, "a short form needs classes (bad '%s')",
                          bad ? bad : f[2]);
                break;
            }
            if (strcmp(f[4], "any") != 0 && strcmp(f[4], "local") != 0) {
                rc = fail(e, t.line, "scope must be any or local, not '%s'",
                          f[4]);
                break;
            }
            fr.local = strcmp(f[4], "local") == 0;
        } else if (strcmp(f[2], "-") || strcmp(f[3], "-") || strcmp(f[4], "-")) {
            rc = fail(e, t.line, "a %s takes '-' for classes, fallback, scope",
                      f[1]);
            break;
        }
        /* a prefix written ending in a lone ل needs the name written with ل */
        char *form = f[0];
        size_t fl = strlen(form);
        if (fr.kind == F_PREFIX && fl > 3 &&
            strcmp(form + fl - 3, " ل") == 0) {
            fr.needs_l = 1;
            form[fl - 3] = '\0';
            fl -= 3;
        }
        char key[512];
        size_t kl = text_phrase_key(form, fl, key, sizeof key);
        if (kl == 0 || kl >= sizeof key) {
            rc = fail(e, t.line, "form has no letters or is too long");
            break;
        }
        phrase_dict *d = fr.kind == F_PREFIX ? A->pdict : A->dict;
        uint32_t nv;
        const uint32_t *v = phrase_dict_get(d, form, fl, &nv);
        for (uint32_t i = 0; v && i < nv; i++) {
            uint32_t tag = V_TAG(v[i]);
            /* a prefix may exist both plain and ending in ل */
            if ((tag == V_SHORT || tag == V_PREFIX || tag == V_STOP) &&
                !(tag == V_PREFIX && fr.kind == F_PREFIX &&
                  A->forms[V_INDEX(v[i])].needs_l != fr.needs_l)) {
                rc = fail(e, t.line, "'%s' is already a form (line %zu)", f[0],
                          A->forms[V_INDEX(v[i])].line);
                break;
            }
        }
        if (rc) break;
        if (A->nforms == A->capforms) {
            size_t nc = A->capforms ? A->capforms * 2 : 256;
            form_rec *n = realloc(A->forms, nc * sizeof *n);
            if (n) A->forms = n;
            pending_form *p = n ? realloc(*pend, nc * sizeof *p) : NULL;
            if (p) *pend = p;
            if (!n || !p) {
                rc = fail(e, t.line, "out of memory");
                break;
            }
            A->capforms = nc;
        }
        (*pend)[A->nforms].line = t.line;
        (*pend)[A->nforms].fallback =
            strcmp(f[3], "-") ? keep_dup(A, f[3], strlen(f[3])) : NULL;
        int tag = fr.kind == F_SHORT ? V_SHORT
                  : fr.kind == F_PREFIX ? V_PREFIX : V_STOP;
        if (phrase_dict_add_key(d, key, kl, V_MAKE(tag, A->nforms)) < 0) {
            rc = fail(e, t.line, "out of memory");
            break;
        }
        A->forms[A->nforms++] = fr;
    }
    if (nf < 0) rc = -1;
    table_close(&t);
    return rc;
}

/* ---------------------------------------------------------------- actors */

typedef struct {
    size_t line;
    char *name, *type, *aliases;
    uint16_t *cty;
    size_t ncty;
    int all;       /* "*" */
    int is_tpl;    /* name holds {name} or {the_name} */
    char *parent;
    uint32_t classes;
    uint32_t id;   /* actor id (plain rows) */
    uint32_t tpl;  /* template index (template rows) */
} row;

static int has_country(const actors *A, uint32_t id, size_t c) {
    const actor_rec *r = &A->act[id];
    for (size_t i = 0; i < r->ncty; i++)
        if (r->cty[i] == c) return 1;
    return 0;
}

/* The per-country target of a stored value, or ACTORS_NONE. */
static uint32_t value_target(const actors *A, uint32_t v, size_t c) {
    uint32_t idx = V_INDEX(v);
    if (V_TAG(v) == V_ACTOR) {
        const actor_rec *r = &A->act[idx];
        for (size_t i = 0; i < r->ncty; i++)
            if (r->cty[i] == c) return idx;
        return ACTORS_NONE;
    }
    if (V_TAG(v) == V_TEMPLATE) return A->tpl[idx].inst[c];
    return ACTORS_NONE;
}

/* Adds one alias text with value v, checking it against what the key holds:
 * a short form or stop phrase, or another actor of a shared country. */
static int add_alias_one(actors *A, const char *text, uint32_t v,
                         const row *rw, ectx *e) {
    size_t len = strlen(text);
    char key[512];
    size_t kl = text_phrase_key(text, len, key, sizeof key);
    int letters = 0;
    for (size_t i = 0; i < kl && i < sizeof key; i++) {
        unsigned char ch = (unsigned char)key[i];
        letters |= ch >= 0x80 || (ch >= '0' && ch <= '9') ||
                   (ch >= 'a' && ch <= 'z');
    }
    if (kl == 0 || !letters)
        return fail(e, rw->line, "alias '%s' has no letters", text);
    if (kl >= sizeof key) return fail(e, rw->line, "alias '%s' too long", text);
    uint32_t nv;
    const uint32_t *old = phrase_dict_get(A->dict, text, len, &nv);
    for (uint32_t i = 0; old && i < nv; i++) {
        uint32_t w = old[i], tag = V_TAG(w);
        if (tag == V_SHORT || tag == V_STOP)
            return fail(e, rw->line,
                        "alias '%s' is a %s form of actor-forms.tsv (line %zu)",
                        text, tag == V_SHORT ? "short" : "stop",
                        A->forms[V_INDEX(w)].line);
        if ((tag != V_ACTOR && tag != V_TEMPLATE) || (w & V_WEAK) ||
            (v & V_WEAK))
            continue;
        for (size_t c = 0; c < A->ncty; c++) {
            uint32_t a = value_target(A, v, c), b = value_target(A, w, c);
            if (a != ACTORS_NONE && b != ACTORS_NONE && a != b) {
                /* reported at the later of the two lines */
                size_t la = rw->line, lb = A->act[b].info.line;
                if (V_TAG(w) == V_TEMPLATE) lb = A->tpl[V_INDEX(w)].line;
                if (lb > la) {
                    uint32_t x = a;
                    a = b;
                    b = x;
                    size_t y = la;
                    la = lb;
                    lb = y;
                }
                return fail(e, la,
                            "alias '%s' of '%s' is also an alias of '%s' "
                            "(line %zu) in country %s",
                            text, A->act[a].info.name, A->act[b].info.name,
                            lb, A->cty[c].iso);
            }
        }
    }
    if (phrase_dict_add_key(A->dict, key, kl, v) < 0)
        return fail(e, rw->line, "out of memory");
    return 0;
}

/* The spelling set (index) of one folded word, or -1. */
static int spelling_set(const actors *A, const char *w, size_t n) {
    for (size_t i = 0; i < A->nspell; i++)
        for (char **p = A->spell[i]; *p; p++)
            if (strlen(*p) == n && memcmp(*p, w, n) == 0) return (int)i;
    return -1;
}

/* Adds text and, for each word of it found in actor-spellings.tsv, its other
 * spellings (at most 64 forms per alias). */
static int add_alias_spelled(actors *A, const char *text, size_t from,
                             uint32_t v, const row *rw, ectx *e, int *budget) {
    /* the next word at or after byte `from` that has other spellings */
    const char *p = text + from;
    while (*p) {
        while (*p == ' ') p++;
        const char *w = p;
        while (*p && *p != ' ') p++;
        if (p == w) break;
        size_t fl;
        char *f = marsad_fold_dup(w, (size_t)(p - w), &fl);
        int set = f ? spelling_set(A, f, fl) : -1;
        free(f);
        if (set < 0) continue;
        int rc = add_alias_spelled(A, text, (size_t)(p - text), v, rw, e,
                                   budget);
        for (char **alt = A->spell[set]; *alt && !rc; alt++) {
            char buf[1024];
            size_t al;
            char *fw = marsad_fold_dup(w, (size_t)(p - w), &al);
            int same = fw && strlen(*alt) == al && memcmp(*alt, fw, al) == 0;
            free(fw);
            if (same || --*budget < 0) continue;
            int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(w - text),
                             text, *alt, p);
            if (n < 0 || (size_t)n >= sizeof buf) continue;
            rc = add_alias_spelled(A, buf, (size_t)(w - text) + strlen(*alt),
                                   v, rw, e, budget);
        }
        return rc;
    }
    return add_alias_one(A, text, v, rw, e);
}

static int add_alias(actors *A, const char *text, uint32_t v, const row *rw,
                     ectx *e) {
    int budget = 64;
    return add_alias_spelled(A, text, 0, v, rw, e, &budget);
}

/* Expands the placeholders of alias text for country c and adds each form
 * with value v. Returns -1 on error; a country without adjectives adds none. */
static int expand_alias(actors *A, const char *text, size_t c, uint32_t v,
                        const row *rw, ectx *e, int depth) {
    const char *open = strchr(text, '{');
    if (!open) return add_alias(A, text, v, rw, e);
    const char *close = strchr(open, '}');
    if (!close || depth > 3)
        return fail(e, rw->line, "bad placeholder in alias '%s'", text);
    size_t pl = (size_t)(close - open - 1);
    char ph[32];
    if (pl >= sizeof ph) return fail(e, rw->line, "bad placeholder in '%s'", text);
    memcpy(ph, open + 1, pl);
    ph[pl] = '\0';
    int al = 0, fem = 0;
    char **src;
    if (strcmp(ph, "adj") == 0) src = A->cty[c].adj;
    else if (strcmp(ph, "adj_f") == 0) src = A->cty[c].adj, fem = 1;
    else if (strcmp(ph, "al_adj") == 0) src = A->cty[c].adj, al = 1;
    else if (strcmp(ph, "al_adj_f") == 0) src = A->cty[c].adj, al = 1, fem = 1;
    else if (strcmp(ph, "adj_pl") == 0) src = A->cty[c].adj_pl;
    else if (strcmp(ph, "al_adj_pl") == 0) src = A->cty[c].adj_pl, al = 1;
    else return fail(e, rw->line, "unknown placeholder {%s} in alias '%s'", ph,
                     text);
    for (char **s = src; *s; s++) {
        char buf[1024];
        int has_al = strncmp(*s, "ال", 4) == 0;
        int n = snprintf(buf, sizeof buf, "%.*s%s%s%s%s", (int)(open - text),
                         text, al && !has_al ? "ال" : "", *s, fem ? "ة" : "",
                         close + 1);
        if (n < 0 || (size_t)n >= sizeof buf)
            return fail(e, rw->line, "alias '%s' too long", text);
        if (expand_alias(A, buf, c, v, rw, e, depth + 1)) return -1;
    }
    return 0;
}

static int check_placeholders(const char *s) {
    return strchr(s, '{') != NULL;
}

static int parse_row(actors *A, char **f, size_t line, row *rw, ectx *e) {
    memset(rw, 0, sizeof *rw);
    rw->line = line;
    rw->id = rw->tpl = ACTORS_NONE;
    if (!*f[0]) return fail(e, line, "empty name");
    rw->is_tpl = strstr(f[0], "{name}") || strstr(f[0], "{the_name}");
    if (!rw->is_tpl && strchr(f[0], '{'))
        return fail(e, line, "unknown placeholder in name '%s'", f[0]);
    rw->name = keep_dup(A, f[0], strlen(f[0]));
    size_t ti;
    for (ti = 0; ti < sizeof TYPES / sizeof *TYPES; ti++)
        if (strcmp(f[1], TYPES[ti]) == 0) break;
    if (ti == sizeof TYPES / sizeof *TYPES)
        return fail(e, line, "unknown actor type '%s' (one of: state forces, "
                    "rebel group, political militia, identity militia, "
                    "rioters, protesters, civilians, external forces)", f[1]);
    rw->type = (char *)TYPES[ti];
    if (strcmp(f[2], "*") == 0) {
        if (!rw->is_tpl)
            return fail(e, line, "countries '*' needs a template name with "
                        "{name} or {the_name}");
        rw->all = 1;
        rw->ncty = A->ncty;
        rw->cty = keep_alloc(A, A->ncty * sizeof *rw->cty);
        if (!rw->cty) return fail(e, line, "out of memory");
        for (size_t i = 0; i < A->ncty; i++) rw->cty[i] = (uint16_t)i;
    } else {
        char *parts[128];
        int n = split(f[2], ',', parts, 128);
        if (n == 0) return fail(e, line, "no countries");
        rw->cty = keep_alloc(A, (size_t)n * sizeof *rw->cty);
        if (!rw->cty) return fail(e, line, "out of memory");
        for (int i = 0; i < n; i++) {
            int c = country_index(A, parts[i]);
            if (c < 0)
                return fail(e, line, "unknown country '%s' (see actor-countries.tsv)",
                            parts[i]);
            for (size_t k = 0; k < rw->ncty; k++)
                if (rw->cty[k] == c)
                    return fail(e, line, "country '%s' listed twice", parts[i]);
            rw->cty[rw->ncty++] = (uint16_t)c;
        }
    }
    if (strcmp(f[3], "-") != 0) {
        rw->parent = keep_dup(A, f[3], strlen(f[3]));
        if (!rw->parent) return fail(e, line, "out of memory");
    }
    const char *bad = NULL;
    if (parse_classes(A, f[4], 0, &rw->classes, &bad))
        return fail(e, line, "unknown class '%s' (classes are those of "
                    "actor-forms.tsv short forms)", bad);
    if (!*f[5] || strcmp(f[5], "-") == 0) return fail(e, line, "no aliases");
    rw->aliases = keep_dup(A, f[5], strlen(f[5]));
    if (!rw->name || !rw->aliases) return fail(e, line, "out of memory");
    return 0;
}

static int add_row_aliases(actors *A, row *rw, ectx *e) {
    char *copy = strdup(rw->aliases);
    if (!copy) return fail(e, rw->line, "out of memory");
    int rc = 0;
    char *save = NULL;
    const template_rec *T = rw->is_tpl ? &A->tpl[rw->tpl] : NULL;
    for (char *al = strtok_r(copy, "|", &save); al && !rc;
         al = strtok_r(NULL, "|", &save)) {
        al = trim(al);
        uint32_t flags = 0;
        if (*al == '~') {
            flags |= V_BOUND;
            al = trim(al + 1);
        }
        if (!*al) {
            rc = fail(e, rw->line, "empty alias");
            break;
        }
        if (T && T->generic) flags |= V_WEAK;
        if (check_placeholders(al)) {
            /* one form per country, naming that country's actor */
            for (size_t k = 0; k < rw->ncty && !rc; k++) {
                size_t c = rw->cty[k];
                uint32_t id = T ? T->inst[c] : rw->id;
                rc = expand_alias(A, al, c, V_MAKE(V_ACTOR, id) | flags, rw, e,
                                  0);
            }
        } else if (T) {
            rc = add_alias(A, al, V_MAKE(V_TEMPLATE, rw->tpl) | flags, rw, e);
        } else {
            rc = add_alias(A, al, V_MAKE(V_ACTOR, rw->id) | flags, rw, e);
        }
    }
    free(copy);
    return rc;
}

static int load_actor_table(actors *A, const char *dir, ectx *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/actors.tsv", dir);
    e->path = keep_dup(A, path, strlen(path));
    if (!e->path) return fail(e, 0, "out of memory");
    table t;
    if (table_open(&t, path, e)) return -1;
    row *rows = NULL;
    size_t nrows = 0, caprows = 0;
    char *f[8];
    int nf, rc = 0;
    while ((nf = table_next(&t, f, 8, e)) > 0) {
        if (nf != 6) {
            rc = fail(e, t.line, "expected 6 tab-separated fields, found %d", nf);
            break;
        }
        if (nrows == caprows) {
            caprows = caprows ? caprows * 2 : 256;
            row *n = realloc(rows, caprows * sizeof *n);
            if (!n) {
                rc = fail(e, t.line, "out of memory");
                break;
            }
            rows = n;
        }
        if ((rc = parse_row(A, f, t.line, &rows[nrows], e))) break;
        nrows++;
    }
    if (nf < 0) rc = -1;
    /* plain rows first, so that template instances can merge into them */
    for (size_t i = 0; i < nrows && !rc; i++) {
        row *rw = &rows[i];
        if (rw->is_tpl) continue;
        uint32_t old = actors_lookup(A, rw->name);
        if (old != ACTORS_NONE) {
            rc = fail(e, rw->line, "duplicate actor '%s' (line %zu)", rw->name,
                      A->act[old].info.line);
            break;
        }
        rw->id = add_actor(A, rw->name, rw->type, rw->cty, rw->ncty,
                           rw->classes, 0, rw->line);
        if (rw->id == ACTORS_NONE) rc = fail(e, rw->line, "out of memory");
    }
    for (size_t i = 0; i < nrows && !rc; i++) {
        row *rw = &rows[i];
        if (!rw->is_tpl) continue;
        if (A->ntpl == A->captpl) {
            size_t nc = A->captpl ? A->captpl * 2 : 32;
            template_rec *n = realloc(A->tpl, nc * sizeof *n);
            if (!n) {
                rc = fail(e, rw->line, "out of memory");
                break;
            }
            A->tpl = n;
            A->captpl = nc;
        }
        rw->tpl = (uint32_t)A->ntpl;
        template_rec *T = &A->tpl[A->ntpl++];
        memset(T, 0, sizeof *T);
        T->name = rw->name;
        T->line = rw->line;
        T->generic = rw->all;
        T->cty = rw->cty;
        T->ncty = rw->ncty;
        T->inst = keep_alloc(A, A->ncty * sizeof *T->inst);
        if (!T->inst) {
            rc = fail(e, rw->line, "out of memory");
            break;
        }
        for (size_t c = 0; c < A->ncty; c++) T->inst[c] = ACTORS_NONE;
        for (size_t k = 0; k < rw->ncty && !rc; k++) {
            size_t c = rw->cty[k];
            char name[512];
            fill_name(A, rw->name, c, name, sizeof name);
            uint32_t id = actors_lookup(A, name);
            if (id != ACTORS_NONE) {
                /* a plain row of that name: the instance is that row */
                if (A->act[id].info.generic) {
                    rc = fail(e, rw->line, "'%s' is made by two templates",
                              name);
                    break;
                }
                if (!has_country(A, id, c)) {
                    rc = fail(e, A->act[id].info.line,
                              "actor '%s' must list country %s, as the "
                              "template of line %zu makes it for %s",
                              name, A->cty[c].iso, rw->line, A->cty[c].iso);
                    break;
                }
                for (size_t q = 0; q + 1 < A->ntpl && !rc; q++)
                    for (size_t c2 = 0; c2 < A->ncty; c2++)
                        if (A->tpl[q].inst[c2] == id) {
                            rc = fail(e, rw->line,
                                      "'%s' is made by two templates (line "
                                      "%zu)", name, A->tpl[q].line);
                            break;
                        }
                if (rc) break;
            } else {
                uint16_t one = (uint16_t)c;
                id = add_actor(A, name, rw->type, &one, 1, rw->classes,
                               rw->all, rw->line);
                if (id == ACTORS_NONE) {
                    rc = fail(e, rw->line, "out of memory");
                    break;
                }
            }
            T->inst[c] = id;
            /* the generic actor of a country, even when a row names it */
            if (rw->all) A->act[id].info.generic = 1;
        }
    }
    /* parents */
    for (size_t i = 0; i < nrows && !rc; i++) {
        row *rw = &rows[i];
        if (!rw->parent) continue;
        uint32_t p = actors_lookup(A, rw->parent);
        if (p == ACTORS_NONE) {
            rc = fail(e, rw->line, "unknown parent '%s'", rw->parent);
            break;
        }
        if (rw->is_tpl) {
            rc = fail(e, rw->line, "a template row cannot have a parent");
            break;
        }
        A->act[rw->id].info.parent_id = p;
        A->act[rw->id].info.parent = A->act[p].info.name;
    }
    for (size_t id = 0; id < A->nact && !rc; id++) {
        uint32_t p = A->act[id].info.parent_id;
        for (size_t depth = 0; p != ACTORS_NONE; depth++) {
            if (p == id || depth > A->nact) {
                rc = fail(e, A->act[id].info.line, "parent cycle through '%s'",
                          A->act[id].info.name);
                break;
            }
            p = A->act[p].info.parent_id;
        }
    }
    /* aliases: plain rows, then templates */
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (size_t i = 0; i < nrows && !rc; i++)
            if (rows[i].is_tpl == pass) rc = add_row_aliases(A, &rows[i], e);
    free(rows);
    table_close(&t);
    return rc;
}

static int load_spellings(actors *A, const char *dir, ectx *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/actor-spellings.tsv", dir);
    e->path = keep_dup(A, path, strlen(path));
    if (!e->path) return fail(e, 0, "out of memory");
    table t;
    if (table_open(&t, path, e)) return -1;
    char *f[4];
    int nf, rc = 0;
    while ((nf = table_next(&t, f, 4, e)) > 0) {
        char *parts[32];
        int n = nf == 1 ? split(f[0], '|', parts, 32) : 0;
        if (nf != 1 || n < 2) {
            rc = fail(e, t.line, "expected one field of two or more "
                      "|-separated spellings");
            break;
        }
        if (A->nspell == sizeof A->spell / sizeof *A->spell) {
            rc = fail(e, t.line, "too many spelling sets");
            break;
        }
        char **set = keep_alloc(A, (size_t)(n + 1) * sizeof *set);
        if (!set) {
            rc = fail(e, t.line, "out of memory");
            break;
        }
        for (int i = 0; i < n && !rc; i++) {
            size_t fl;
            if (!*parts[i] || strchr(parts[i], ' ')) {
                rc = fail(e, t.line, "a spelling is one word, not '%s'",
                          parts[i]);
                break;
            }
            set[i] = keep(A, marsad_fold_dup(parts[i], strlen(parts[i]), &fl));
            if (!set[i]) rc = fail(e, t.line, "out of memory");
            else if (spelling_set(A, set[i], fl) >= 0)
                rc = fail(e, t.line, "'%s' is already in a spelling set",
                          parts[i]);
        }
        if (!rc) A->spell[A->nspell++] = set;
    }
    if (nf < 0) rc = -1;
    table_close(&t);
    return rc;
}

/* The index of the generic template written tpl ("Civilians ({name})"),
 * or ACTORS_NONE. */
static uint32_t generic_template(const actors *A, const char *tpl) {
    for (size_t t = 0; t < A->ntpl; t++)
        if (A->tpl[t].generic && strcmp(A->tpl[t].name, tpl) == 0)
            return (uint32_t)t;
    return ACTORS_NONE;
}

static int resolve_fallbacks(actors *A, pending_form *pend, ectx *e) {
    for (size_t i = 0; i < A->nforms; i++) {
        if (!pend[i].fallback) continue;
        uint32_t found = generic_template(A, pend[i].fallback);
        if (found == ACTORS_NONE)
            return fail(e, pend[i].line,
                        "fallback '%s' is not a generic template of "
                        "actors.tsv", pend[i].fallback);
        A->forms[i].fallback = found;
    }
    return 0;
}

actors *actors_load(const char *datadir, char *err, size_t errlen) {
    ectx e = {err, errlen, datadir ? datadir : "(null)"};
    if (err && errlen) err[0] = '\0';
    if (!datadir) {
        fail(&e, 0, "no data directory");
        return NULL;
    }
    actors *A = calloc(1, sizeof *A);
    if (!A) {
        fail(&e, 0, "out of memory");
        return NULL;
    }
    A->dict = phrase_dict_new();
    A->pdict = phrase_dict_new();
    pending_form *pend = NULL;
    int rc = (!A->dict || !A->pdict) ? fail(&e, 0, "out of memory") : 0;
    if (!rc) rc = load_countries(A, datadir, &e);
    if (!rc) rc = load_forms(A, datadir, &e, &pend);
    if (!rc) rc = load_spellings(A, datadir, &e);
    if (!rc) rc = load_actor_table(A, datadir, &e);
    if (!rc) {
        char path[4096];
        snprintf(path, sizeof path, "%s/actor-forms.tsv", datadir);
        e.path = path;
        rc = resolve_fallbacks(A, pend, &e);
    }
    free(pend);
    if (rc) {
        actors_free(A);
        return NULL;
    }
    return A;
}

/* ---------------------------------------------------------------- queries */

size_t actors_count(const actors *A) { return A ? A->nact : 0; }

const actor_info *actors_info(const actors *A, uint32_t id) {
    return A && id < A->nact ? &A->act[id].info : NULL;
}

int actors_is_within(const actors *A, uint32_t id, uint32_t anc) {
    for (size_t depth = 0; A && id < A->nact && depth <= A->nact; depth++) {
        if (id == anc) return 1;
        id = A->act[id].info.parent_id;
    }
    return 0;
}

/* country_index of an ISO2 code in either case; -1 for anything else. */
static int country_of_code(const actors *A, const char *iso2) {
    if (!iso2 || strlen(iso2) != 2) return -1;
    char up[3] = {0};
    for (int i = 0; i < 2; i++)
        up[i] = (char)(iso2[i] >= 'a' && iso2[i] <= 'z' ? iso2[i] - 32 : iso2[i]);
    return country_index(A, up);
}

const char *actors_country_name(const actors *A, const char *iso2) {
    if (!A) return NULL;
    int c = country_of_code(A, iso2);
    return c < 0 ? NULL : A->cty[c].name;
}

uint32_t actors_generic(const actors *A, const char *tpl, const char *iso2) {
    if (!A || !tpl) return ACTORS_NONE;
    int c = country_of_code(A, iso2);
    uint32_t t = generic_template(A, tpl);
    return c < 0 || t == ACTORS_NONE ? ACTORS_NONE : A->tpl[t].inst[c];
}

size_t actors_alias_count(const actors *A) {
    return A ? phrase_dict_size(A->dict) : 0;
}

/* ---------------------------------------------------------------- finding */

/* The actor that the alias values stand for in country c (see the header of
 * data/actors.tsv): own-country strong names first, then own-country
 * templates, then generic ones, then a foreign actor. */
static uint32_t resolve_values(const actors *A, const uint32_t *v, uint32_t nv,
                               size_t c) {
    int known = c != A->unknown;
    int best = 99;
    uint32_t pick = ACTORS_NONE;
    for (uint32_t i = 0; i < nv; i++) {
        uint32_t tag = V_TAG(v[i]), idx = V_INDEX(v[i]);
        int weak = (v[i] & V_WEAK) != 0, bound = (v[i] & V_BOUND) != 0;
        int rank;
        uint32_t id;
        if (tag == V_ACTOR) {
            id = idx;
            int match = has_country(A, id, c);
            if (!match && bound && known) continue;
            rank = match ? (weak ? 2 : 0) : (weak ? 5 : 4);
        } else if (tag == V_TEMPLATE) {
            const template_rec *T = &A->tpl[idx];
            id = T->inst[c];
            if (id != ACTORS_NONE) {
                rank = weak ? 3 : 1;
            } else {
                if (bound && known) continue;
                id = T->inst[A->unknown];
                if (id == ACTORS_NONE && T->ncty) id = T->inst[T->cty[0]];
                if (id == ACTORS_NONE) continue;
                rank = weak ? 5 : 4;
            }
        } else {
            continue;
        }
        if (rank < best) {
            best = rank;
            pick = id;
        }
    }
    return pick;
}

typedef struct {
    size_t t0, t1;
    const uint32_t *vals;
    uint32_t nv;
    int short_idx; /* form index for a short form, else -1 */
    size_t sentence;
    /* resolution */
    uint32_t actor, ante;
    uint8_t generic, by_cue; /* by_cue: a cue changed the reading */
} raw_mention;

typedef struct {
    size_t t0, t1, sentence, c;
} cue_at;

typedef struct {
    int alias, short_idx, stop, cue, cue_name;
} classified;

static classified classify(const uint32_t *v, uint32_t nv) {
    classified k = {0, -1, 0, -1, 0};
    for (uint32_t i = 0; i < nv; i++) {
        uint32_t tag = V_TAG(v[i]);
        if (tag == V_ACTOR || tag == V_TEMPLATE) k.alias = 1;
        else if (tag == V_SHORT) k.short_idx = (int)V_INDEX(v[i]);
        else if (tag == V_STOP) k.stop = 1;
        else if (tag == V_CUE && k.cue < 0) {
            k.cue = (int)V_INDEX(v[i]);
            k.cue_name = (v[i] & CUE_NAME) != 0;
        }
    }
    return k;
}

/* A country's name is a cue only as a place: after في, داخل, شمال ... or
 * with the proclitic ب (بسوريا); "لضرب مصر" names a target, not where. */
static int locative(const marsad_token *toks, size_t i, uint8_t pro) {
    static const char *const PREP[] = {
        "في", "داخل", "بداخل", "شمال", "جنوب", "شرق", "غرب", "شمالي",
        "جنوبي", "شرقي", "غربي", "وسط", "انحاء", "ارجاء", "عموم",
    };
    for (uint8_t k = 0; k + 1 < pro; k += 2)
        if (memcmp(toks[i].norm + k, "ب", 2) == 0) return 1;
    if (i == 0 || toks[i - 1].sentence != toks[i].sentence) return 0;
    const marsad_token *t = &toks[i - 1];
    const char *w = t->norm;
    size_t n = t->norm_len;
    if (n > 2 && (memcmp(w, "و", 2) == 0 || memcmp(w, "ف", 2) == 0)) {
        w += 2; /* وفي, فشمال */
        n -= 2;
    }
    for (size_t k = 0; k < sizeof PREP / sizeof *PREP; k++)
        if ((strlen(PREP[k]) == n && memcmp(w, PREP[k], n) == 0) ||
            tok_is(t, PREP[k]))
            return 1;
    return 0;
}

static int is_quote(const marsad_token *t) {
    return t->kind == MARSAD_TOK_QUOTE;
}

/* Matches a name (alias or short form) after a prefix that ended at token j.
 * Returns 1 and fills *m, *end when one follows in the same sentence. */
static int match_after_prefix(const actors *A, const marsad_token *toks,
                              size_t n, size_t j, size_t sentence, int needs_l,
                              phrase_match *m, size_t *end) {
    unsigned flags = 0;
    if (needs_l) {
        if (j < n && tok_is(&toks[j], "ل")) {
            j++; /* لـ written apart: لـ"داعش" */
        } else {
            if (j >= n || toks[j].norm_len < 2 ||
                memcmp(toks[j].norm, "ل", 2) != 0)
                return 0;
            flags = PHRASE_PRO;
        }
    }
    while (j < n && is_quote(&toks[j]) && toks[j].sentence == sentence) j++;
    if (j >= n || toks[j].sentence != sentence) return 0;
    if (!phrase_dict_match(A->dict, toks, n, j, flags, m)) return 0;
    if (flags) {
        /* the ل must be what was stripped: ل+name, or لل = ل + ال */
        const char *w = toks[j].norm;
        int ok = (m->pro == 2 && memcmp(w, "ل", 2) == 0) ||
                 (m->pro == 0 && toks[j].norm_len >= 4 &&
                  memcmp(w, "لل", 4) == 0);
        if (!ok) return 0;
    }
    classified k = classify(m->values, m->nvalues);
    if (k.stop || (!k.alias && k.short_idx < 0)) return 0;
    *end = j + m->ntoks;
    return 1;
}

/* The nearest country cue within CUE_WINDOW tokens in r's sentence, else the
 * cue that opens the sentence (وفي العراق، ...: scene[sentence]), or -1.
 * cues are in text order; *from is a moving start index. */
static long nearest_cue(const cue_at *cues, size_t ncues, size_t *from,
                        const raw_mention *r, const long *scene) {
    while (*from < ncues && cues[*from].t1 + CUE_WINDOW < r->t0) (*from)++;
    long best = -1;
    size_t bestd = SIZE_MAX;
    for (size_t i = *from; i < ncues && cues[i].t0 <= r->t1 + CUE_WINDOW; i++) {
        if (cues[i].sentence != r->sentence) continue;
        size_t d = cues[i].t1 <= r->t0 ? r->t0 - cues[i].t1
                   : cues[i].t0 >= r->t1 ? cues[i].t0 - r->t1 + 1 : 0;
        if (d <= CUE_WINDOW && d < bestd) {
            bestd = d;
            best = (long)cues[i].c;
        }
    }
    return best >= 0 ? best : scene ? scene[r->sentence] : -1;
}

/* The actor a full mention of `id` offers to a short form: itself or the
 * nearest ancestor with a fitting class, of country c when local. */
static uint32_t fitting(const actors *A, uint32_t id, const form_rec *f,
                        size_t c) {
    for (size_t depth = 0; id != ACTORS_NONE && depth < 16; depth++) {
        const actor_rec *r = &A->act[id];
        if ((r->classes & f->classes) &&
            (!f->local || c == A->unknown || has_country(A, id, c)))
            return id;
        id = r->info.parent_id;
    }
    return ACTORS_NONE;
}

size_t actors_find(const actors *A, const marsad_doc *doc, const char *country,
                   actor_mention **out) {
    *out = NULL;
    if (!A || !doc) return 0;
    size_t n;
    const marsad_token *toks = marsad_doc_tokens(doc, &n);
    size_t art = A->unknown;
    int ac = country_of_code(A, country);
    if (ac >= 0) art = (size_t)ac;
    raw_mention *raw = NULL;
    cue_at *cues = NULL;
    size_t nraw = 0, capraw = 0, ncues = 0, capcues = 0;
    int oom = 0;

    phrase_asker dict, pdict;
    phrase_asker_init(&dict, A->dict, toks, n, PHRASE_PRO);
    phrase_asker_init(&pdict, A->pdict, toks, n, PHRASE_PRO);

    /* Both dictionaries are asked with the same flags, so one array of the
     * group's bits answers for both: a token where neither may start a
     * phrase is one the loop below would step over without a match, so the
     * scan passes over it on one load (no bits: every token is asked). */
    const uint32_t *bits = dict.bit && pdict.bit && dict.mask == pdict.mask
                               ? dict.mask : NULL;
    uint32_t both = dict.bit | pdict.bit;

    /* 1. longest matches, left to right */
    for (size_t i = 0; i < n && !oom;) {
        if (bits) {
            while (i < n && !(bits[i] & both)) i++;
            if (i == n) break;
        }
        if (toks[i].norm_len == 0 || toks[i].kind == MARSAD_TOK_PUNCT ||
            is_quote(&toks[i])) {
            i++;
            continue;
        }
        phrase_match m, pm, bm;
        int have = phrase_ask(&dict, i, &m);
        classified k = have ? classify(m.values, m.nvalues)
                            : (classified){0, -1, 0, -1, 0};
        size_t direct = (k.alias || k.short_idx >= 0 || k.stop || k.cue >= 0)
                            ? m.ntoks : 0;
        size_t t0 = i, t1 = i + direct, bend = 0;
        const uint32_t *vals = m.values;
        uint32_t nv = m.nvalues;
        if (phrase_ask(&pdict, i, &pm)) {
            for (uint32_t q = 0; q < pm.nvalues; q++) {
                const form_rec *pf = &A->forms[V_INDEX(pm.values[q])];
                if (match_after_prefix(A, toks, n, i + pm.ntoks,
                                       toks[i].sentence, pf->needs_l, &bm,
                                       &bend) &&
                    bend > t1) {
                    t1 = bend;
                    vals = bm.values;
                    nv = bm.nvalues;
                    k = classify(vals, nv);
                }
            }
        }
        if (t1 == t0) {
            i++;
            continue;
        }
        i = t1;
        if (k.stop && t1 == t0 + direct && !k.alias && k.short_idx < 0)
            continue;
        /* الكتيبة 155: a short form before a number names a unit the
         * lexicon lacks, not the last brigade mentioned */
        if (k.short_idx >= 0 && !k.alias && t1 < n &&
            toks[t1].kind == MARSAD_TOK_NUMBER &&
            toks[t1].sentence == toks[t0].sentence)
            continue;
        if (k.alias || k.short_idx >= 0) {
            if (nraw == capraw) {
                capraw = capraw ? capraw * 2 : 64;
                raw_mention *nr = realloc(raw, capraw * sizeof *nr);
                if (!nr) {
                    oom = 1;
                    break;
                }
                raw = nr;
            }
            raw_mention *r = &raw[nraw++];
            memset(r, 0, sizeof *r);
            r->t0 = t0;
            r->t1 = t1;
            r->vals = vals;
            r->nv = nv;
            r->short_idx = k.short_idx;
            r->sentence = toks[t0].sentence;
            r->actor = r->ante = ACTORS_NONE;
        } else if (k.cue >= 0 && (!k.cue_name || locative(toks, t0, m.pro))) {
            if (ncues == capcues) {
                capcues = capcues ? capcues * 2 : 32;
                cue_at *nc = realloc(cues, capcues * sizeof *nc);
                if (!nc) {
                    oom = 1;
                    break;
                }
                cues = nc;
            }
            cues[ncues++] = (cue_at){t0, t1, toks[t0].sentence, (size_t)k.cue};
        }
    }

    /* a cue among the first words of a sentence sets its scene */
    size_t nsents;
    const marsad_sentence *sents = marsad_doc_sentences(doc, &nsents);
    long *scene = !oom && ncues ? malloc(nsents * sizeof *scene) : NULL;
    if (!oom && ncues && !scene) oom = 1;
    for (size_t i = 0; scene && i < nsents; i++) scene[i] = -1;
    for (size_t i = 0; scene && i < ncues; i++)
        if (cues[i].t0 <= sents[cues[i].sentence].first_token + SCENE_TOKENS &&
            scene[cues[i].sentence] < 0)
            scene[cues[i].sentence] = (long)cues[i].c;

    /* 2. aliases: the country from a cue nearby, else the article's */
    size_t from = 0;
    for (size_t r = 0; r < nraw && !oom; r++) {
        long cue = nearest_cue(cues, ncues, &from, &raw[r], scene);
        size_t c = cue >= 0 ? (size_t)cue : art;
        if (raw[r].short_idx >= 0) continue;
        raw[r].actor = resolve_values(A, raw[r].vals, raw[r].nv, c);
        /* by_cue: the cue changed the reading */
        raw[r].by_cue = c != art && raw[r].actor != resolve_values(
                                        A, raw[r].vals, raw[r].nv, art);
        if (raw[r].actor != ACTORS_NONE)
            raw[r].generic = (uint8_t)A->act[raw[r].actor].info.generic;
    }

    /* 3. short forms: last fitting full mention, else the next one, else
     * the generic fallback */
    from = 0;
    for (size_t r = 0; r < nraw && !oom; r++) {
        if (raw[r].short_idx < 0) continue;
        const form_rec *f = &A->forms[raw[r].short_idx];
        long cue = nearest_cue(cues, ncues, &from, &raw[r], scene);
        size_t c = cue >= 0 ? (size_t)cue : art;
        uint32_t got = ACTORS_NONE, ante = ACTORS_NONE;
        /* a mention read as foreign through a cue is an aside: a short form
         * without such a cue of its own looks past it first */
        int own_cue = c != art;
        for (int pass = own_cue ? 1 : 0; pass < 2 && got == ACTORS_NONE;
             pass++) {
            size_t steps = 0;
            for (size_t q = r; q-- > 0 && steps < ANTE_MAX_STEPS; steps++) {
                if (raw[q].short_idx >= 0 || raw[q].actor == ACTORS_NONE ||
                    (pass == 0 && raw[q].by_cue))
                    continue;
                if ((got = fitting(A, raw[q].actor, f, c)) != ACTORS_NONE) {
                    ante = (uint32_t)q;
                    break;
                }
            }
        }
        size_t steps = 0;
        for (size_t q = r + 1; got == ACTORS_NONE && q < nraw &&
                               steps < ANTE_MAX_STEPS &&
                               raw[q].sentence <= raw[r].sentence +
                                                      ANTE_FWD_SENTENCES;
             q++, steps++) {
            if (raw[q].short_idx >= 0 || raw[q].actor == ACTORS_NONE)
                continue;
            if ((got = fitting(A, raw[q].actor, f, c)) != ACTORS_NONE)
                ante = (uint32_t)q;
        }
        if (got == ACTORS_NONE && f->fallback != ACTORS_NONE) {
            got = A->tpl[f->fallback].inst[c];
            if (got == ACTORS_NONE) got = A->tpl[f->fallback].inst[A->unknown];
        }
        raw[r].actor = got;
        raw[r].ante = ante;
        raw[r].generic = got != ACTORS_NONE && A->act[got].info.generic;
    }

    /* 4. resolved mentions, in text order */
    size_t nout = 0;
    actor_mention *res = NULL;
    uint32_t *map = NULL;
    if (!oom && nraw) {
        res = malloc(nraw * sizeof *res);
        map = malloc(nraw * sizeof *map);
        if (!res || !map) oom = 1;
    }
    for (size_t r = 0; r < nraw && !oom; r++) {
        map[r] = ACTORS_NONE;
        if (raw[r].actor == ACTORS_NONE) continue;
        map[r] = (uint32_t)nout;
        actor_mention *o = &res[nout++];
        o->tok_start = raw[r].t0;
        o->tok_end = raw[r].t1;
        o->start = toks[raw[r].t0].start;
        o->end = toks[raw[r].t1 - 1].end;
        o->actor = raw[r].actor;
        o->generic = raw[r].generic;
        o->short_form = raw[r].short_idx >= 0;
        o->by_cue = raw[r].by_cue;
        o->antecedent = raw[r].ante == ACTORS_NONE ? ACTORS_NONE
                                                   : map[raw[r].ante];
    }
    /* a forward antecedent's index is known only now */
    for (size_t r = 0; r < nraw && !oom; r++)
        if (map[r] != ACTORS_NONE && raw[r].ante != ACTORS_NONE)
            res[map[r]].antecedent = map[raw[r].ante];
    free(map);
    free(raw);
    free(cues);
    free(scene);
    if (oom || nout == 0) {
        free(res);
        return 0;
    }
    *out = res;
    return nout;
}
