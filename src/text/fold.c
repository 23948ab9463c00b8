/*
 * fold.c — Arabic folding for matching.
 *
 * Each code point folds to zero or more code points (up to 18: the
 * ligature ﷺ spells out four words). Compatibility
 * decomposition, case folding and mark stripping come from utf8proc; the
 * Arabic-specific letter folds (hamza carriers, alef maqsura, ta marbuta,
 * Persian and Urdu letters), digits and punctuation are this file's table.
 * Code points below U+0800 (ASCII, Latin, Arabic) and the General
 * Punctuation block (quotes, dashes, invisible marks) are folded once into a
 * table at first use, so the hot path is a lookup, with one- and two-byte
 * UTF-8 read and written inline.
 */
#include "marsad.h"
#include "text/text_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The longest fold: U+FDFA decomposes to 18 code points. */
#define FOLD_MAX 18
/* The table keeps folds of up to 3 code points; longer ones (none below
 * U+0800 today) are marked TABLE_SLOW and folded on each use. */
#define TABLE_MAX 3
#define TABLE_SLOW 0xFF

/* Letter-level folds applied before and after decomposition. Returns the
 * replacement, 0 to delete, or -1 when cp is not special. */
static int32_t fold_letter(int32_t cp) {
    switch (cp) {
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: case 0x0672:
    case 0x0673: case 0x0675:
        return 0x0627;                      /* alef forms → ا */
    case 0x0649: case 0x06CC: case 0x06D0: case 0x0626: case 0x06D2:
    case 0x06D3:
        return 0x064A;                      /* ى ی ې ئ ے → ي */
    case 0x0629: case 0x06C0: case 0x06D5: case 0x06C1: case 0x06C2:
    case 0x06BE: case 0x06C3:
        return 0x0647;                      /* ة ۀ ە ہ ھ → ه */
    case 0x0624: case 0x0676: case 0x06C4: case 0x06C5: case 0x06C6:
    case 0x06C7: case 0x06C8: case 0x06C9: case 0x06CA: case 0x06CB:
    case 0x06CF:
        return 0x0648;                      /* ؤ and Persian waws → و */
    case 0x06A9: case 0x06AA: case 0x06AB: case 0x06AF: case 0x06B1:
    case 0x06B3:
        return 0x0643;                      /* ک گ → ك */
    case 0x067E: return 0x0628;             /* پ → ب */
    case 0x0686: return 0x062C;             /* چ → ج */
    case 0x0698: return 0x0632;             /* ژ → ز */
    case 0x06A4: case 0x06A1: return 0x0641; /* ڤ → ف */
    case 0x06A7: case 0x06A8: return 0x0642; /* Maghrebi qaf → ق */
    case 0x0640: return 0;                  /* tatweel */
    case 0x060C: return ',';                /* ، */
    case 0x061B: return ';';                /* ؛ */
    case 0x061F: return '?';                /* ؟ */
    case 0x066A: return '%';                /* ٪ */
    case 0x066B: return '.';                /* ٫ decimal separator */
    case 0x066C: return ',';                /* ٬ thousands separator */
    case 0x066D: return '*';                /* ٭ */
    case 0x06D4: return '.';                /* ۔ */
    case 0x00AB: case 0x00BB: case 0x201C: case 0x201D: case 0x201E:
    case 0x201F: case 0x2033: case 0x275D: case 0x275E:
        return '"';
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
        return '\'';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212:
        return '-';
    case 0x200B: case 0x200C: case 0x200D: case 0x200E: case 0x200F:
    case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:
    case 0x2066: case 0x2067: case 0x2068: case 0x2069: case 0xFEFF:
    case 0x00AD: case 0x061C:
        return 0;                           /* invisible format chars */
    default:
        break;
    }
    if (cp >= 0x0660 && cp <= 0x0669) return '0' + (cp - 0x0660);
    if (cp >= 0x06F0 && cp <= 0x06F9) return '0' + (cp - 0x06F0);
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
        (cp >= 0x06D6 && cp <= 0x06ED && cp != 0x06E5 && cp != 0x06E6))
        return 0;                           /* tashkeel, Quranic marks */
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
        cp == 0x0085 || cp == 0x00A0 || cp == 0x1680 ||
        (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
        cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0)
        return ' ';
    if (cp < 0x20 || cp == 0x7F) return 0;  /* other controls */
    return -1;
}

/* Folds one code point into out[]; returns how many code points
 * (0..FOLD_MAX). */
static int fold_cp_slow(int32_t cp, int32_t out[FOLD_MAX]) {
    int32_t f = fold_letter(cp);
    if (f == 0) return 0;
    if (f > 0) {
        out[0] = f;
        return 1;
    }
    if (cp < 0x80) {
        out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        return 1;
    }
    utf8proc_int32_t buf[FOLD_MAX + 6];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, buf, FOLD_MAX + 6,
        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
            UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP,
        &last);
    if (n < 0 || n > FOLD_MAX + 6) {
        out[0] = cp;
        return 1;
    }
    int k = 0;
    for (utf8proc_ssize_t i = 0; i < n && k < FOLD_MAX; i++) {
        int32_t g = fold_letter(buf[i]);
        if (g == 0) continue;
        out[k++] = g > 0 ? g : buf[i];
    }
    return k;
}

/* Tables for U+0000..U+07FF and U+2000..U+206F: [0] the count (or
 * TABLE_SLOW: longer than TABLE_MAX, folded on each use), then the code
 * points. */
#define TABLE_N 0x800
#define PUNCT_LO 0x2000
#define PUNCT_N 0x70
static int32_t fold_table[TABLE_N][TABLE_MAX + 1];
static int32_t punct_table[PUNCT_N][TABLE_MAX + 1];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void table_fill(int32_t row[TABLE_MAX + 1], int32_t cp) {
    int32_t tmp[FOLD_MAX];
    int n = fold_cp_slow(cp, tmp);
    if (n > TABLE_MAX) {
        row[0] = TABLE_SLOW;
        return;
    }
    row[0] = n;
    for (int i = 0; i < n; i++) row[i + 1] = tmp[i];
}

/* The same folds below U+0800 as UTF-8 bytes, for the common case of
 * fold_run (no offset map, room enough) and for the tokenizer
 * (text_fold_fast_table): see text_fast_fold. */
#define FAST_NO TEXT_FOLD_NO
typedef text_fast_fold fast_fold;
_Static_assert(TABLE_N == TEXT_FOLD_N, "the fast table covers the fold table");
static fast_fold fast_table[TABLE_N];

static size_t put_utf8(int32_t cp, char *b);

static void fold_table_init(void) {
    for (int32_t cp = 0; cp < TABLE_N; cp++) table_fill(fold_table[cp], cp);
    for (int32_t k = 0; k < PUNCT_N; k++) table_fill(punct_table[k], PUNCT_LO + k);
    for (int32_t cp = 0; cp < TABLE_N; cp++) {
        const int32_t *row = fold_table[cp];
        fast_fold *f = &fast_table[cp];
        f->len = FAST_NO;
        if (row[0] == TABLE_SLOW) continue;
        char b[TABLE_MAX * 4];
        size_t o = 0;
        int ok = 1;
        for (int k = 0; k < row[0]; k++) {
            if (row[k + 1] == ' ') ok = 0;
            else o += put_utf8(row[k + 1], b + o);
        }
        if (!ok || o > sizeof f->b) continue;
        memcpy(f->b, b, o);
        f->len = (uint8_t)o;
        f->poly = text_key_step(0, b, o);
        f->mul = 1;
        for (size_t k = 0; k < o; k++) f->mul *= TEXT_KEY_B;
    }
}

/* The fold of cp: a table row (count, then points) or, off the tables,
 * computed into tmp. */
static inline const int32_t *fold_cp(int32_t cp, int32_t tmp[FOLD_MAX + 1]) {
    if (cp >= 0 && cp < TABLE_N && fold_table[cp][0] != TABLE_SLOW)
        return fold_table[cp];
    if (cp >= PUNCT_LO && cp < PUNCT_LO + PUNCT_N &&
        punct_table[cp - PUNCT_LO][0] != TABLE_SLOW)
        return punct_table[cp - PUNCT_LO];
    if (cp == 0xFFFD) { /* every invalid byte: keep binary input fast */
        tmp[0] = 1;
        tmp[1] = cp;
        return tmp;
    }
    tmp[0] = fold_cp_slow(cp, tmp + 1);
    return tmp;
}

static inline size_t put_utf8(int32_t cp, char *b) {
    if (cp >= 0 && cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp >= 0x80 && cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)b);
}

/* The folding loop shared by marsad_fold and marsad_normtext_new. White space
 * runs collapse to one space; leading and trailing space are dropped. When map
 * is non-NULL, map[k] receives the original offset of folded byte k. */
static size_t fold_run(const char *s, size_t len, char *out, size_t cap,
                       size_t *map) {
    pthread_once(&fold_once, fold_table_init);
    size_t i = 0, o = 0;
    int pending_space = 0;
    size_t space_at = 0;
    while (i < len) {
        int32_t cp;
        int inv;
        size_t start = i;
        i += text_utf8_next(s, len, i, &cp, &inv);
        if (!map && cp >= 0 && cp < TABLE_N && fast_table[cp].len != FAST_NO &&
            o + 1 + sizeof fast_table[cp].b <= cap) {
            /* what the loop below writes, from the byte table */
            const fast_fold *ff = &fast_table[cp];
            if (ff->len) {
                if (pending_space) {
                    out[o++] = ' ';
                    pending_space = 0;
                }
                memcpy(out + o, ff->b, sizeof ff->b);
                o += ff->len;
            }
            continue;
        }
        int32_t tmp[FOLD_MAX + 1];
        const int32_t *row = fold_cp(cp, tmp);
        int n = row[0];
        const int32_t *f = row + 1;
        for (int k = 0; k < n; k++) {
            if (f[k] == ' ') {
                if (o > 0 && !pending_space) {
                    pending_space = 1;
                    space_at = start;
                }
                continue;
            }
            if (!map && o + 5 <= cap) { /* room for a space and 4 bytes */
                if (pending_space) {
                    out[o++] = ' ';
                    pending_space = 0;
                }
                int32_t g = f[k];
                if (g >= 0 && g < 0x80) {
                    out[o++] = (char)g;
                } else if (g >= 0x80 && g < 0x800) {
                    out[o++] = (char)(0xC0 | (g >> 6));
                    out[o++] = (char)(0x80 | (g & 0x3F));
                } else {
                    o += (size_t)utf8proc_encode_char(g, (utf8proc_uint8_t *)out + o);
                }
                continue;
            }
            char b[4];
            size_t bl = put_utf8(f[k], b);
            if (pending_space) {
                if (o < cap) out[o] = ' ';
                if (map && o < cap) map[o] = space_at;
                o++;
                pending_space = 0;
            }
            for (size_t j = 0; j < bl; j++, o++) {
                if (o < cap) out[o] = b[j];
                if (map && o < cap) map[o] = start;
            }
        }
    }
    if (o < cap) out[o] = '\0';
    return o;
}

const text_fast_fold *text_fold_fast_table(void) {
    pthread_once(&fold_once, fold_table_init);
    return fast_table;
}

int text_fold_simple(const char *s, size_t len, char *out, size_t cap,
                     size_t *out_len, uint64_t *key) {
    pthread_once(&fold_once, fold_table_init);
    if (cap < 4 * len + 8) return 0;
    size_t i = 0, o = 0;
    uint64_t h = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        int32_t cp;
        if (c < 0x80) {
            cp = c;
            i++;
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
                   ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            cp = ((int32_t)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
            i += 2;
        } else {
            return 0;
        }
        const fast_fold *ff = &fast_table[cp];
        if (ff->len == FAST_NO) return 0;
        /* at most 6 bytes out per character in: within 4 * len + 8 */
        memcpy(out + o, ff->b, sizeof ff->b);
        h = h * ff->mul + ff->poly; /* P(out + these bytes) */
        o += ff->len;
    }
    out[o] = '\0';
    *out_len = o;
    *key = h;
    return 1;
}

size_t marsad_fold(const char *s, size_t len, char *out, size_t cap) {
    return fold_run(s, len, out, cap, NULL);
}

char *marsad_fold_dup(const char *s, size_t len, size_t *out_len) {
    char small[256];
    size_t n = fold_run(s, len, small, sizeof small, NULL);
    char *r = malloc(n + 1);
    if (!r) return NULL;
    if (n < sizeof small)
        memcpy(r, small, n + 1);
    else
        fold_run(s, len, r, n + 1, NULL);
    if (out_len) *out_len = n;
    return r;
}

struct marsad_normtext {
    char *str;
    size_t len;
    size_t *map; /* len + 1 entries */
};

marsad_normtext *marsad_normtext_new(const char *s, size_t len) {
    marsad_normtext *nt = calloc(1, sizeof *nt);
    if (!nt) return NULL;
    /* Folding can grow a code point to 18 code points (U+FDFA): measure the
     * result first rather than allocate for the worst case. */
    size_t n = fold_run(s, len, NULL, 0, NULL);
    nt->str = malloc(n + 1);
    nt->map = malloc((n + 1) * sizeof *nt->map);
    if (!nt->str || !nt->map) {
        marsad_normtext_free(nt);
        return NULL;
    }
    fold_run(s, len, nt->str, n + 1, nt->map);
    nt->map[n] = len;
    nt->len = n;
    return nt;
}

const char *marsad_normtext_str(const marsad_normtext *nt, size_t *len) {
    if (len) *len = nt->len;
    return nt->str;
}

size_t marsad_normtext_orig(const marsad_normtext *nt, size_t off) {
    return off > nt->len ? nt->map[nt->len] : nt->map[off];
}

void marsad_normtext_free(marsad_normtext *nt) {
    if (!nt) return;
    free(nt->str);
    free(nt->map);
    free(nt);
}
