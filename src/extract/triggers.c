/*
 * triggers.c — the trigger lexicon (data/triggers.tsv): event words with
 * their ACLED types, casualty words, and the cues that qualify them.
 */
#include "extract/extract_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CUE_NAMES[CUE_COUNT] = {
    "irrealis", "denial", "total", "history", "attribution", "revision",
    "civilian", "negation", "clause", "speech", "term", "mishap", "sport",
    "trade",
};

/* ACLED precedence: the higher row of the event type table wins. */
static int type_rank(const char *t) {
    static const char *const order[] = {
        "Battles", "Explosions/Remote violence", "Violence against civilians",
        "Strategic developments", "Protests", "Riots",
    };
    for (int i = 0; i < 6; i++)
        if (strcmp(t, order[i]) == 0) return i;
    return -1;
}

int x_event_type_rank(const char *t) { return type_rank(t); }

/* Within one event type, the more specific sub-event wins when a sentence
 * has several triggers: a change of territory over a clash, a suicide bomb
 * or an air strike over shelling or a plain explosion. */
static int sub_rank(const char *sub) {
    static const char *const order[] = {
        "Non-state actor overtakes territory", "Government regains territory",
        "Suicide bomb", "Air/drone strike", "Chemical weapon", "Grenade",
        "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
        "Abduction/forced disappearance", "Sexual violence",
        "Excessive force against protesters", "Protest with intervention",
    };
    for (int i = 0; i < (int)(sizeof order / sizeof *order); i++)
        if (strcmp(sub, order[i]) == 0) return i;
    return 12;
}

int x_valid_sub_event(const char *type, const char *sub) {
    static const char *const subs[][9] = {
        {"Battles", "Armed clash", "Government regains territory",
         "Non-state actor overtakes territory"},
        {"Explosions/Remote violence", "Air/drone strike", "Suicide bomb",
         "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
         "Grenade", "Chemical weapon"},
        {"Violence against civilians", "Attack",
         "Abduction/forced disappearance", "Sexual violence"},
        {"Strategic developments", "Non-violent transfer of territory",
         "Headquarters or base established", "Arrests",
         "Looting/property destruction", "Disrupted weapons use", "Agreement",
         "Change to group/activity", "Other"},
        {"Protests", "Peaceful protest", "Protest with intervention",
         "Excessive force against protesters"},
        {"Riots", "Violent demonstration", "Mob violence"},
    };
    if (!type || !sub) return 0;
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(subs[i][0], type) != 0) continue;
        for (size_t j = 1; j < 9 && subs[i][j]; j++)
            if (strcmp(subs[i][j], sub) == 0) return 1;
    }
    return 0;
}

static char *intern_str(marsad_model *m, const char *s, size_t *used,
                        size_t cap) {
    /* type names repeat: look for an existing copy first */
    for (size_t o = 0; o < *used; o += strlen(m->trigger_strings + o) + 1)
        if (strcmp(m->trigger_strings + o, s) == 0) return m->trigger_strings + o;
    size_t l = strlen(s) + 1;
    if (*used + l > cap) return NULL;
    memcpy(m->trigger_strings + *used, s, l);
    char *r = m->trigger_strings + *used;
    *used += l;
    return r;
}

int triggers_load(marsad_model *m, const char *datadir, char *err,
                  size_t errlen) {
    char path[4096];
    snprintf(path, sizeof path, "%s/triggers.tsv", datadir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    m->trigger_dict = phrase_dict_new();
    size_t strcap = 8192, strused = 0, cap = 0;
    m->trigger_strings = calloc(1, strcap);
    char *line = NULL;
    size_t lcap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    if (!m->trigger_dict || !m->trigger_strings) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    while (rc == 0 && (n = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#') continue;
        char *fld[6] = {0};
        int nf = 0;
        for (char *p = line, *s = line;; p++) {
            if (*p == '\t' || *p == '\0') {
                int end = *p == '\0';
                *p = '\0';
                if (nf < 6) fld[nf++] = s;
                s = p + 1;
                if (end) break;
            }
        }
        x_trigger t = {0};
        t.rank = 99;
        const char *flags = "";
        if (nf < 3 || !*fld[0] || !*fld[2]) {
            snprintf(err, errlen, "%s:%zu: expected phrase, class, arg1", path,
                     lineno);
            rc = -1;
            break;
        }
        if (strcmp(fld[1], "event") == 0) {
            if (nf < 4 || type_rank(fld[2]) < 0 || !x_valid_sub_event(fld[2], fld[3])) {
                snprintf(err, errlen,
                         "%s:%zu: unknown ACLED event/sub-event type '%s' / '%s'",
                         path, lineno, fld[2], nf > 3 ? fld[3] : "");
                rc = -1;
                break;
            }
            t.cls = TR_EVENT;
            t.event_type = intern_str(m, fld[2], &strused, strcap);
            t.sub_event_type = intern_str(m, fld[3], &strused, strcap);
            t.rank = type_rank(fld[2]) * 16 + sub_rank(fld[3]);
            if (nf > 4) flags = fld[4];
        } else if (strcmp(fld[1], "killed") == 0 || strcmp(fld[1], "injured") == 0 ||
                   strcmp(fld[1], "captured") == 0) {
            t.cls = fld[1][0] == 'k' ? TR_KILLED
                    : fld[1][0] == 'i' ? TR_INJURED : TR_CAPTURED;
            if (strcmp(fld[2], "after") == 0) t.count_pos = 1;
            else if (strcmp(fld[2], "before") == 0) t.count_pos = 2;
            else if (strcmp(fld[2], "either") == 0) t.count_pos = 3;
            else {
                snprintf(err, errlen, "%s:%zu: count position must be after, "
                         "before or either, not '%s'", path, lineno, fld[2]);
                rc = -1;
                break;
            }
            if (nf > 4) flags = fld[4];
        } else if (strcmp(fld[1], "cue") == 0) {
            t.cls = TR_CUE;
            t.cue = -1;
            for (int c = 0; c < CUE_COUNT; c++)
                if (strcmp(fld[2], CUE_NAMES[c]) == 0) t.cue = c;
            if (t.cue < 0) {
                snprintf(err, errlen, "%s:%zu: unknown cue kind '%s'", path,
                         lineno, fld[2]);
                rc = -1;
                break;
            }
            if (nf > 4) flags = fld[4];
        } else {
            snprintf(err, errlen, "%s:%zu: unknown class '%s'", path, lineno,
                     fld[1]);
            rc = -1;
            break;
        }
        if (t.cls == TR_EVENT && (!t.event_type || !t.sub_event_type)) {
            snprintf(err, errlen, "%s:%zu: too many distinct type names", path,
                     lineno);
            rc = -1;
            break;
        }
        if (strstr(flags, "verb")) t.verb = 1;
        if (strstr(flags, "weak")) t.rank += WEAK_RANK;
        if (strstr(flags, "defeat")) t.defeat = 1;
        if (strstr(flags, "sg")) t.gram_number = 1;
        if (strstr(flags, "du")) t.gram_number = 2;
        if (strstr(flags, "pl")) t.gram_number = 3;
        if (strstr(flags, "neutral")) t.neutral = 1;
        t.disrupts = t.cls == TR_EVENT &&
                     strcmp(t.sub_event_type, "Disrupted weapons use") == 0;
        if (m->ntriggers == cap) {
            cap = cap ? cap * 2 : 256;
            x_trigger *nt = realloc(m->triggers, cap * sizeof *nt);
            if (!nt) {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = -1;
                break;
            }
            m->triggers = nt;
        }
        int a = phrase_dict_add(m->trigger_dict, fld[0], strlen(fld[0]),
                                (uint32_t)m->ntriggers);
        if (a == 1) {
            snprintf(err, errlen, "%s:%zu: phrase '%s' has no letters", path,
                     lineno, fld[0]);
            rc = -1;
            break;
        }
        if (a < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
            break;
        }
        m->triggers[m->ntriggers++] = t;
    }
    free(line);
    fclose(f);
    return rc;
}

void triggers_free(marsad_model *m) {
    phrase_dict_free(m->trigger_dict);
    free(m->triggers);
    free(m->trigger_strings);
}

/* Is the word of token t written with a final ة (before any marks) in the
 * text? Folding makes it ه, the pronoun suffix. */
static int ends_with_ta_marbuta(const char *text, const marsad_token *t) {
    size_t e = t->end;
    /* harakat, shadda, sukun (U+064B..U+0652, D9 8B..D9 92) after it */
    while (e >= t->start + 4 && (unsigned char)text[e - 2] == 0xD9 &&
           (unsigned char)text[e - 1] >= 0x8B && (unsigned char)text[e - 1] <= 0x92)
        e -= 2;
    return e >= t->start + 2 && (unsigned char)text[e - 2] == 0xD8 &&
           (unsigned char)text[e - 1] == 0xA9;
}

/* Does the folded word of token t end with ي (ى folds to it)? */
static int ends_with_ya(const marsad_token *t) {
    return t->norm_len >= 2 && (unsigned char)t->norm[t->norm_len - 2] == 0xD9 &&
           (unsigned char)t->norm[t->norm_len - 1] == 0x8A;
}

size_t triggers_find(const marsad_model *m, const marsad_doc *doc,
                     x_tmatch **out) {
    size_t n, cap = 0, k = 0;
    const marsad_token *t = marsad_doc_tokens(doc, &n);
    size_t tl;
    const char *text = marsad_doc_text(doc, &tl);
    *out = NULL;
    phrase_asker ask;
    phrase_asker_init(&ask, m->trigger_dict, t, n, PHRASE_PRO | PHRASE_ENC);
    for (size_t i = 0; i < n;) {
        phrase_match pm;
        if (t[i].kind != MARSAD_TOK_WORD ||
            !phrase_ask(&ask, i, &pm)) {
            i++;
            continue;
        }
        for (uint32_t v = 0; v < pm.nvalues; v++) {
            /* a word written with ة takes no pronoun suffix: أسرة (a
             * family) is not أسر + ه (captured him), قتلة (killers) not قتل
             * + ه, مجموعة not مجموع (a total) + ه */
            if (pm.enc && ends_with_ta_marbuta(text, &t[i + pm.ntoks - 1])) continue;
            /* a pronoun suffix makes an event word of a noun (غاراتها,
             * سيطرتها) and names a mishap (ثورانه, its eruption), but the
             * other cues are particles and set phrases that take none */
            if (pm.enc && m->triggers[pm.values[v]].cls == TR_CUE &&
                m->triggers[pm.values[v]].cue != CUE_MISHAP)
                continue;
            /* nor is a word ending in ي an event word + "my" (news rarely
             * speaks in the first person): it is an adjective of it,
             * هجومي offensive, صاروخي of missiles, قتالي of combat */
            if (pm.enc == 2 && ends_with_ya(&t[i + pm.ntoks - 1])) continue;
            /* a verb takes no article: الفجر is the dawn, not فجر (he set
             * off), التقدم progress, التظاهر the right to protest */
            if (m->triggers[pm.values[v]].verb && phrase_pro_has_article(t[i].norm, pm.pro)) continue;
            if (k == cap) {
                cap = cap ? cap * 2 : 64;
                x_tmatch *nm = realloc(*out, cap * sizeof *nm);
                if (!nm) return k;
                *out = nm;
            }
            (*out)[k++] = (x_tmatch){i, i + pm.ntoks, pm.values[v], pm.pro};
        }
        i += pm.ntoks;
    }
    return k;
}
