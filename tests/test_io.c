/* test_io.c — reading articles: boilerplate lines, HTML pages, WARC crawls,
 * gzip'd input, folders, JSON Lines, and damaged input of every kind.
 * Binary fixtures (gzip, WARC) are built here from the text fixtures in
 * tests/data/io/, so what they hold is visible in the test. */
#include "io/boilerplate.h"
#include "io/html.h"
#include "io/instream.h"
#include "io/jsonl.h"
#include "invariants.h"
#include "text/text_internal.h"
#include "marsad.h"
#include "table.h"
#include "test.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define IO "tests/data/io/"

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    char *s;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const void *p, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        while (nc < b->n + n + 1) nc *= 2;
        b->s = realloc(b->s, nc);
        b->cap = nc;
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void buf_printf(buf *b, const char *fmt, ...) {
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_add(b, tmp, (size_t)n);
}

/* Appends data as one gzip member. */
static void gz_member(buf *b, const void *data, size_t n) {
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    buf_add(b, out, cap - z.avail_out);
    deflateEnd(&z);
    free(out);
}

static void write_file(const char *dir, const char *name, const void *data, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

/* Diagnostics collected for checks. */
typedef struct {
    buf all; /* "FILE:LINE: msg\n" lines */
    int n;
} diags;

static void collect(void *ctx, const char *file, size_t line, const char *msg) {
    diags *d = ctx;
    buf_printf(&d->all, "%s:%zu: %s\n", file, line, msg);
    d->n++;
}

static const char *str(const char *s) { return s ? s : "(none)"; }

static int has(const char *hay, const char *needle) {
    return hay && needle && strstr(hay, needle) != NULL;
}

/* Reads every article of path; returns how many. Article texts are joined
 * into texts ("\f" between), ids into ids ("|" between). */
static int read_all_articles(const char *path, diags *d, buf *texts, buf *ids,
                             marsad_reader_stats *st) {
    marsad_reader *r = marsad_reader_open(path, collect, d);
    CHECK(r != NULL);
    if (!r) return 0;
    int n = 0;
    const marsad_article *a;
    while ((a = marsad_reader_next(r)) != NULL) {
        n++;
        if (texts) {
            buf_add(texts, a->text, a->text_len);
            buf_add(texts, "\f", 1);
        }
        if (ids) {
            buf_printf(ids, "%s|", a->id ? a->id : "(null)");
        }
    }
    if (st) marsad_reader_get_stats(r, st);
    marsad_reader_free(r);
    return n;
}

static boilerplate *load_bp(void) {
    char err[512] = "";
    boilerplate *bp = boilerplate_load("data", err, sizeof err);
    if (!bp) fprintf(stderr, "  %s\n", err);
    CHECK(bp != NULL);
    return bp;
}

/* ---- boilerplate --------------------------------------------------------- */

static void bp_row(char **f, int n, int line, void *ctx) {
    const boilerplate *bp = ctx;
    CHECK(n == 2);
    if (n < 2) return;
    bp_kind k = boilerplate_line(bp, f[0], strlen(f[0]));
    const char *got = k == BP_LINE ? "line" : k == BP_RELATED ? "related" : "text";
    if (strcmp(got, f[1]) != 0)
        fprintf(stderr, "  boilerplate_lines.tsv:%d: '%s' is %s, expected %s\n", line,
                f[0], got, f[1]);
    CHECK_EQ_STR(got, f[1]);
}

TEST(io_boilerplate_lines_table)
{
    boilerplate *bp = load_bp();
    if (!bp) return;
    CHECK(table_rows(IO "boilerplate_lines.tsv", bp_row, bp) >= 35);
    boilerplate_free(bp);
}

/* The cheap word count that lets long lines skip most of their tokens never
 * says more than the tokenizer finds, on every line of the bundled articles
 * and on random mixes of letters, digits, marks, punctuation, blanks and
 * broken bytes; on article lines it is mostly exact. */
typedef struct {
    size_t lines, exact, over;
} wal_tally;

static size_t words_of(const char *s, size_t len) {
    marsad_doc *doc = marsad_doc_new(s, len);
    size_t n, nw = 0;
    const marsad_token *t = doc ? marsad_doc_tokens(doc, &n) : NULL;
    for (size_t i = 0; t && i < n; i++)
        nw += t[i].kind == MARSAD_TOK_WORD || t[i].kind == MARSAD_TOK_NUMBER;
    marsad_doc_free(doc);
    return nw;
}

static void wal_check(wal_tally *w, const char *s, size_t len) {
    size_t lb = boilerplate_words_at_least(s, len, SIZE_MAX - 1), nw = words_of(s, len);
    w->lines++;
    w->exact += lb == nw;
    if (lb > nw && w->over++ < 3) fprintf(stderr, "  counts %zu words, has %zu: '%.*s'\n", lb, nw, (int)len, s);
}

static void wal_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    for (size_t pos = 0; text && pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end > pos) wal_check(ctx, text + pos, end - pos);
        pos = end + 1;
    }
    free(text);
}

/* Blanking on the tokens of the whole text (boilerplate_blank_doc, then
 * text_doc_blanked) gives the text boilerplate_blank gives, and the doc
 * marsad_doc_new makes of it: every token, sentence, paragraph and count of
 * bad bytes. Over the bundled articles, the test pages' text, the bad
 * inputs, and random mixes of furniture lines, article lines and odd bytes. */
typedef struct {
    const boilerplate *bp;
    int texts, bad, blanked;
} blank_tally;

static void blank_check(blank_tally *t, const char *what, const char *text, size_t len) {
    char *one = malloc(len + 1), *two = malloc(len + 1);
    marsad_doc *doc = marsad_doc_new(text, len);
    if (!one || !two || !doc) {
        t->bad++;
        goto out;
    }
    memcpy(one, text, len);
    memcpy(two, text, len);
    size_t n1 = boilerplate_blank(t->bp, one, len);
    size_t n2 = boilerplate_blank_doc(t->bp, two, len, doc);
    marsad_doc *want = marsad_doc_new(one, len);
    int ok = n1 == n2 && memcmp(one, two, len) == 0 && want &&
             text_doc_blanked(doc, two, len) == 0 && !inv_check_same_docs(doc, want);
    size_t dl;
    ok = ok && memcmp(marsad_doc_text(doc, &dl), one, len) == 0 && dl == len;
    if (!ok && t->bad < 3) fprintf(stderr, "  %s: blanking on the doc differs\n", what);
    t->bad += !ok;
    t->blanked += (int)n1;
    t->texts++;
    marsad_doc_free(want);
out:
    marsad_doc_free(doc);
    free(one);
    free(two);
}

static void blank_file(const char *path, void *ctx) {
    size_t len;
    char *text = test_read_file(path, &len);
    if (text) blank_check(ctx, path, text, len);
    free(text);
}

static void blank_row(char **f, int n, int line, void *ctx) {
    char ***lines = ctx;
    (void)line;
    if (n >= 1) {
        size_t k = 0;
        while ((*lines)[k]) k++;
        if (k < 63) (*lines)[k] = strdup(f[0]);
    }
}

TEST(io_boilerplate_blank_on_the_doc_is_blank_then_tokenize)
{
    boilerplate *bp = load_bp();
    if (!bp) return;
    blank_tally t = {bp, 0, 0, 0};
    test_each_file("examples/dev", ".txt", blank_file, &t);
    test_each_file("examples/seeds", ".txt", blank_file, &t);
    test_each_file("tests/data/io", ".txt", blank_file, &t);
    test_each_file("tests/data/bad", "", blank_file, &t);
    int files = t.texts, from_files = t.blanked;
    CHECK(files >= 40);
    CHECK(from_files > 0);
    /* random texts: lines of the boilerplate table (furniture and text),
     * article sentences and odd pieces, joined by \n, \r\n and blank lines */
    char *rows[64] = {0}, **rp = rows;
    CHECK(table_rows(IO "boilerplate_lines.tsv", blank_row, &rp) >= 35);
    static const char *const PIECES[] = {
        "\n", "\r\n", "\n\n", " ", "\t", "قتل ثلاثة في سرت.", "اقرأ أيضا", "«", "؟",
        "\xd8", "\xff", "\xe2\x80\xa8", "\xc2\x85", "\v", "2016", "ـ", "abc",
    };
    unsigned long long x = 0x2545F4914F6CDD1DULL;
    char text[4096];
    size_t nrows = 0;
    while (rows[nrows]) nrows++;
    for (int r = 0; r < 600 && nrows; r++) {
        size_t len = 0;
        for (int k = 0; k < 2 + r % 12; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *piece = x % 3 ? rows[x % nrows] : PIECES[(x >> 8) % 17];
            size_t pl = strlen(piece);
            if (len + pl + 1 >= sizeof text) break;
            memcpy(text + len, piece, pl);
            len += pl;
            if (x % 5) text[len++] = '\n';
        }
        if (r % 7 == 3 && len) text[len / 2] = '\0'; /* a NUL byte */
        blank_check(&t, "random text", text, len);
    }
    for (size_t k = 0; k < nrows; k++) free(rows[k]);
    CHECK(t.blanked > from_files + 100);
    CHECK_EQ_INT(t.bad, 0);
    boilerplate_free(bp);
}

TEST(io_boilerplate_word_count_is_a_lower_bound)
{
    wal_tally w = {0, 0, 0};
    test_each_file("examples/dev", ".txt", wal_file, &w);
    test_each_file("examples/seeds", ".txt", wal_file, &w);
    CHECK(w.lines >= 150);
    CHECK(w.exact * 4 >= w.lines * 3); /* misses: glued words, ل"رويترز" */
    static const char *const PIECES[] = {
        "قتل", "الجيش", " ", "  ", "\t", "،", "؟", ".", ",", "-", "ـ", "ً", "2014", "٣",
        "1,000", "3.5", "abc", "Z", "«", "»", "\"", "'", "\xd8", "\xa1", "\xd9\x8a",
        "\xff", "\xe2\x80\x8f", "\xc2\xa0", "@", "http://x.ly/a", "/", "|", "\r", "\xef\xbb\xbf",
    };
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    char line[512];
    for (int r = 0; r < 4000; r++) {
        size_t len = test_random_text(PIECES, sizeof PIECES / sizeof *PIECES, 1 + r % 40,
                                      &x, line, sizeof line);
        wal_check(&w, line, len);
    }
    CHECK_EQ_INT((int)w.over, 0);
    /* counting stops once past stop */
    CHECK(boilerplate_words_at_least("a b c d e f", 11, 2) == 3);
}

TEST(io_boilerplate_class_words)
{
    boilerplate *bp = load_bp();
    if (!bp) return;
    CHECK(boilerplate_class(bp, "social-share-buttons") & BPC_FURNITURE);
    CHECK(boilerplate_class(bp, "mainNav") & BPC_FURNITURE);
    CHECK(boilerplate_class(bp, "comments-area") & BPC_FURNITURE);
    CHECK(boilerplate_class(bp, "widget most-read") & BPC_FURNITURE);
    CHECK(boilerplate_class(bp, "entry-content") == BPC_CONTENT);
    CHECK(boilerplate_class(bp, "article_body") == BPC_CONTENT);
    CHECK(boilerplate_class(bp, "news-date") & BPC_DATE);
    CHECK_EQ_INT(boilerplate_class(bp, "canvas row col-md-8"), 0);
    CHECK_EQ_INT(boilerplate_class(bp, ""), 0);
    CHECK_EQ_INT(boilerplate_class(bp, NULL), 0);
    boilerplate_free(bp);
}

static void bp_malformed(const char *text, const char *want) {
    char dir[] = "/tmp/marsad-io-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    table_write(dir, "boilerplate.tsv", text);
    char err[512] = "";
    boilerplate *bp = boilerplate_load(dir, err, sizeof err);
    CHECK(bp == NULL);
    if (!has(err, want)) fprintf(stderr, "  error '%s', expected '%s'\n", err, want);
    CHECK(has(err, want));
    boilerplate_free(bp);
    char path[1100];
    snprintf(path, sizeof path, "%s/boilerplate.tsv", dir);
    unlink(path);
    rmdir(dir);
}

TEST(io_boilerplate_malformed_line_fails_with_file_and_line)
{
    bp_malformed("# header\nline\tشارك\nsomething\tطباعة\n", "boilerplate.tsv:3: unknown kind");
    bp_malformed("line\tشارك\nprefix\tتابعونا\tmany\n", "boilerplate.tsv:2: MAX_WORDS");
    bp_malformed("line\tاقرأ أيضا\nline\tإقرأ أيضاً\n", "boilerplate.tsv:2: duplicate of line 1");
    bp_malformed("\nclass\tNav\n", "boilerplate.tsv:2: class word");
    bp_malformed("line\n", "boilerplate.tsv:1: missing TEXT");
    bp_malformed("contains\t...\n", "boilerplate.tsv:1: '...' has no letters");
}

/* The real data file loads (and has no duplicates: the loader refuses them). */
TEST(io_boilerplate_data_file_loads)
{
    boilerplate *bp = load_bp();
    boilerplate_free(bp);
}

/* ---- text input: blanking keeps offsets ---------------------------------- */

TEST(io_txt_boilerplate_blanked_offsets_kept)
{
    size_t olen;
    char *orig = test_read_file(IO "boiler.txt", &olen);
    CHECK(orig != NULL);
    if (!orig) return;
    diags d = {0};
    marsad_reader *r = marsad_reader_open(IO "boiler.txt", collect, &d);
    CHECK(r != NULL);
    const marsad_article *a = r ? marsad_reader_next(r) : NULL;
    CHECK(a != NULL);
    if (a) {
        /* same length; every byte kept or blanked; newlines kept */
        CHECK_EQ_INT(a->text_len, olen);
        int ok = 1;
        for (size_t i = 0; i < olen && i < a->text_len; i++)
            if (a->text[i] != orig[i] && !(a->text[i] == ' ' && orig[i] != '\n')) ok = 0;
        CHECK(ok);
        /* article sentences at their original offsets */
        const char *keep[] = {"اشتباكات عنيفة في سبها توقع قتلى",
                              "أسفرت عن مقتل أربعة أشخاص وإصابة سبعة آخرين",
                              "وقال مدير مستشفى سبها الطبي إن بين القتلى طفلا",
                              "شارك نحو خمسين مسلحا في الهجوم على مقر الكتيبة"};
        for (size_t k = 0; k < sizeof keep / sizeof *keep; k++) {
            const char *p = strstr(orig, keep[k]);
            CHECK(p != NULL);
            if (p) CHECK(memcmp(a->text + (p - orig), keep[k], strlen(keep[k])) == 0);
        }
        /* furniture gone */
        const char *gone[] = {"طباعة", "الرئيسية", "إقرأ أيضا", "مقتل جنديين",
                              "نزوح عشرات العائلات", "فيسبوك", "مؤرشف", "تسجيل الدخول",
                              "يمكنكم التواصل", "تابعونا", "محفوظة"};
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) {
            if (has(a->text, gone[k])) fprintf(stderr, "  still there: %s\n", gone[k]);
            CHECK(!has(a->text, gone[k]));
        }
        /* metadata from boiler.json */
        CHECK_EQ_STR(a->id, "sebha-clashes");
        CHECK_EQ_STR(a->published, "2016-03-08");
        CHECK_EQ_STR(a->title, "اشتباكات عنيفة في سبها توقع قتلى");
    }
    marsad_reader_stats st;
    if (r) marsad_reader_get_stats(r, &st);
    if (r) CHECK_EQ_INT(st.lines_blanked, 13);
    marsad_reader_free(r);
    CHECK_EQ_INT(d.n, 0);
    free(d.all.s);
    free(orig);
}

TEST(io_txt_keep_boilerplate_option)
{
    size_t olen;
    char *orig = test_read_file(IO "boiler.txt", &olen);
    marsad_reader_options opt = {"data", 1, 0};
    marsad_reader *r = marsad_reader_open_ex(IO "boiler.txt", &opt, NULL, NULL);
    const marsad_article *a = r ? marsad_reader_next(r) : NULL;
    CHECK(a != NULL && orig != NULL);
    if (a && orig) {
        CHECK_EQ_INT(a->text_len, olen);
        CHECK(memcmp(a->text, orig, olen) == 0);
    }
    marsad_reader_free(r);
    free(orig);
}

TEST(io_broken_metadata_names_file_and_line_text_still_read)
{
    diags d = {0};
    buf texts = {0}, ids = {0};
    int n = read_all_articles(IO "broken_meta.txt", &d, &texts, &ids, NULL);
    CHECK_EQ_INT(n, 1);
    CHECK(has(texts.s, "انفجار سيارة مفخخة في بنغازي"));
    CHECK(has(ids.s, "broken_meta|"));
    if (!has(d.all.s, "broken_meta.json:4: broken metadata JSON"))
        fprintf(stderr, "  diags: %s\n", str(d.all.s));
    CHECK(has(d.all.s, "broken_meta.json:4: broken metadata JSON"));
    free(d.all.s);
    free(texts.s);
    free(ids.s);
}

/* ---- HTML ---------------------------------------------------------------- */

static const marsad_article *read_one(marsad_reader **r, const char *path, diags *d) {
    *r = marsad_reader_open(path, collect, d);
    CHECK(*r != NULL);
    return *r ? marsad_reader_next(*r) : NULL;
}

TEST(io_html_modern_page)
{
    diags d = {0};
    marsad_reader *r;
    const marsad_article *a = read_one(&r, IO "page_modern.html", &d);
    CHECK(a != NULL);
    if (a) {
        CHECK_EQ_STR(a->title, "مقتل 12 مسلحا في اشتباكات جنوب طرابلس");
        CHECK_EQ_STR(a->published, "2019-04-12");
        CHECK_EQ_STR(a->source, "بوابة الوسط الإخبارية");
        CHECK_EQ_STR(a->url, "https://alwasat.example.ly/news/libya/clashes-south-tripoli");
        CHECK_EQ_STR(a->id, "page_modern");
        const char *t = a->text;
        /* the title line, then the paragraphs, one per line */
        CHECK(strncmp(t, "مقتل 12 مسلحا في اشتباكات جنوب طرابلس\n\n", 
                      strlen("مقتل 12 مسلحا في اشتباكات جنوب طرابلس\n\n")) == 0);
        CHECK(has(t, "\nقتل اثنا عشر مسلحا وأصيب عشرون آخرون، اليوم الجمعة، في اشتباكات "
                     "عنيفة اندلعت بين قوات حكومة الوفاق الوطني وقوات القيادة العامة في محيط "
                     "مطار طرابلس الدولي جنوب العاصمة الليبية.\n"));
        CHECK(has(t, "وأسرت ستة من عناصر القوات المهاجمة.\n"));
        CHECK(has(t, "احترام القانون الإنساني الدولي.\n"));
        CHECK(has(t, "\nتحذيرات أممية\n"));
        CHECK(has(t, "نحو ثلاثة آلاف شخص نزحوا"));
        /* no navigation, share bar, read-also, related list, tags, contact,
           comments, sidebar, newsletter, footer, cookie notice, scripts */
        const char *gone[] = {"ثقافة وفنون", "واتساب", "طباعة", "اقرأ أيضا",
                              "المجلس الرئاسي يدعو", "مواضيع ذات صلة", "قصف جوي يستهدف",
                              "الوسوم", "يمكنكم التواصل", "نسأل الله", "الحل الوحيد",
                              "الأكثر قراءة", "سيارة مفخخة", "النشرة البريدية",
                              "تابعونا", "جميع الحقوق", "ملفات تعريف الارتباط",
                              "ليس نصا", "dataLayer", "الجمعة 12 أبريل 2019"};
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) {
            if (has(t, gone[k])) fprintf(stderr, "  still there: %s\n", gone[k]);
            CHECK(!has(t, gone[k]));
        }
    }
    marsad_reader_free(r);
    CHECK_EQ_INT(d.n, 0);
    free(d.all.s);
}

TEST(io_html_jsonld_date_paywall_and_sidebar)
{
    diags d = {0};
    marsad_reader *r;
    const marsad_article *a = read_one(&r, IO "page_jsonld.html", &d);
    CHECK(a != NULL);
    if (a) {
        CHECK_EQ_STR(a->published, "2016-05-30"); /* JSON-LD, not the sidebar's <time> */
        CHECK_EQ_STR(a->title, "غارات جوية على مواقع لتنظيم داعش جنوب سرت");
        CHECK_EQ_STR(a->source, "أخبار المغرب العربي");
        CHECK_EQ_STR(a->url, "http://www.maghrebnews.example.com/ar/2016/05/30/sirte-strikes.html");
        CHECK(has(a->text, "ما أسفر عن مقتل ثمانية من عناصر التنظيم"));
        CHECK(has(a->text, "وسيطرت على بوابة أبو قرين بعد معارك استمرت ساعات."));
        const char *gone[] = {"مؤرشف", "تسجيل الدخول", "إقرأ أيضا", "مصراتة تستقبل",
                              "Facebook", "آخر الأخبار", "اشتباكات في درنة", "المغرب الكبير",
                              "محفوظة", "6 يونيو"};
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) {
            if (has(a->text, gone[k])) fprintf(stderr, "  still there: %s\n", gone[k]);
            CHECK(!has(a->text, gone[k]));
        }
    }
    marsad_reader_free(r);
    free(d.all.s);
}

TEST(io_html_legacy_windows1256_with_visible_dateline)
{
    diags d = {0};
    marsad_reader *r;
    const marsad_article *a = read_one(&r, IO "page_legacy.html", &d);
    CHECK(a != NULL);
    if (a) {
        CHECK(a->published == NULL); /* no metadata date: extraction reads the dateline */
        CHECK_EQ_STR(a->title, "\"داعش\" يلفظ أنفاسه الأخيرة في ليبيا");
        CHECK_EQ_INT(marsad_utf8_invalid_count(a->text, a->text_len), 0);
        const char *want = "\"داعش\" يلفظ أنفاسه الأخيرة في ليبيا\n\n"
                           "الأحد 24/أبريل/2016 - 02:53 م\n"
                           "يبدو أن تنظيم داعش الإرهابي بدأ يلفظ أنفاسه الأخيرة في ليبيا،";
        CHECK(strncmp(a->text, want, strlen(want)) == 0);
        CHECK(has(a->text, "\nومن جانبه كشف أكرم بوحليقة"));
        CHECK(has(a->text, "كانت مكونة من 45 آلية"));
        const char *gone[] = {"طباعة", "أرسل لصديق", "اتصل بنا", "ضربات جوية في سرت",
                              "أخبار متعلقة", "محفوظة"};
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) {
            if (has(a->text, gone[k])) fprintf(stderr, "  still there: %s\n", gone[k]);
            CHECK(!has(a->text, gone[k]));
        }
    }
    marsad_reader_free(r);
    free(d.all.s);
}

/* Unclassed sidebar teasers and comments hold prose too: the body is the
 * block under the headline, not the page. */
TEST(io_html_teasers_and_comments_left_out)
{
    diags d = {0};
    marsad_reader *r;
    const marsad_article *a = read_one(&r, IO "page_teasers.html", &d);
    CHECK(a != NULL);
    if (a) {
        CHECK_EQ_STR(a->published, "2017-08-02");
        CHECK(has(a->text, "قتل أربعة أشخاص وأصيب ثمانية آخرون في انفجار سيارة مفخخة"));
        CHECK(has(a->text, "ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن."));
        const char *gone[] = {"الهلال النفطي", "الزاوية", "قنفودة", "نسأل الله", "النزيف"};
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) {
            if (has(a->text, gone[k])) fprintf(stderr, "  still there: %s\n", gone[k]);
            CHECK(!has(a->text, gone[k]));
        }
    }
    marsad_reader_free(r);
    free(d.all.s);
}

/* A lead and a body in sibling blocks, an ad between them, lines cut by
 * <br>: one paragraph per line, tools and footer left out. */
TEST(io_html_split_body_and_br_lines)
{
    diags d = {0};
    marsad_reader *r;
    const marsad_article *a = read_one(&r, IO "page_split.html", &d);
    CHECK(a != NULL);
    if (a) {
        CHECK_EQ_STR(a->published, "2018-07-14"); /* itemprop=datePublished */
        CHECK_EQ_STR(a->title, "هجوم على حقل الشرارة النفطي");
        CHECK(has(a->text, "\nهاجم مسلحون مجهولون حقل الشرارة النفطي"));
        CHECK(has(a->text, "حارسان بجروح طفيفة.\nوأضاف البيان أن الإنتاج"));
        CHECK(has(a->text, "ميناء الزاوية.\nويعد حقل الشرارة"));
        const char *gone[] = {"إعلان", "طباعة", "تكبير الخط", "من نحن", "سياسة الخصوصية"};
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++) {
            if (has(a->text, gone[k])) fprintf(stderr, "  still there: %s\n", gone[k]);
            CHECK(!has(a->text, gone[k]));
        }
    }
    marsad_reader_free(r);
    free(d.all.s);
}

/* The dateline the HTML reader puts after the title is found by extraction. */
TEST(io_html_dateline_reaches_extraction)
{
    char err[512];
    marsad_model *m = marsad_model_load(NULL, err, sizeof err);
    CHECK(m != NULL);
    if (!m) return;
    diags d = {0};
    marsad_reader *r;
    const marsad_article *a = read_one(&r, IO "page_legacy.html", &d);
    CHECK(a != NULL);
    if (a) {
        marsad_events *ev = marsad_extract(m, a, MARSAD_LEVEL_EVENTS, collect, &d);
        CHECK(ev != NULL);
        /* no "no publication date and no dateline" warning */
        CHECK(!has(d.all.s, "no dateline"));
        marsad_events_free(ev);
    }
    marsad_reader_free(r);
    marsad_model_free(m);
    free(d.all.s);
}

static void date_row(char **f, int n, int line, void *ctx) {
    (void)ctx;
    char out[11] = "";
    const char *in = n > 0 ? f[0] : "";
    const char *want = n > 1 ? f[1] : "-";
    int ok = html_parse_date(in, out);
    const char *got = ok ? out : "-";
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  dates.tsv:%d: '%s' -> %s, expected %s\n", line, in, got, want);
    CHECK_EQ_STR(got, want);
}

TEST(io_html_parse_date_table)
{
    CHECK(table_rows(IO "dates.tsv", date_row, NULL) >= 15);
}

/* Broken and hostile pages: no crash, bounded time, text still found. */
TEST(io_html_pathological_pages)
{
    boilerplate *bp = load_bp();
    static const char *const PATTERNS[] = {"<div>", "<ul>", "<div/>", "<i><b>", "<font>",
                                           "<a><b><i><u><s><font>", "<a><div>x</a>",
                                           "<table><tr><td>", "<!--", "<p>", "</div>",
                                           "<b><p>x</b>", "<select><option>"};
    /* each pattern at two sizes (MARSAD_TEST_LINEAR_KB, default 50 KB, and
     * four times that): the cost must grow about linearly, not as a square
     * (absolute speed is measured by `make bench`) */
    const char *env = getenv("MARSAD_TEST_LINEAR_KB");
    size_t base = (env && atol(env) > 0 ? (size_t)atol(env) : 50) * 1024;
    const char *tail = "<p>قتل خمسة أشخاص في قصف مدفعي استهدف حيا سكنيا في مدينة درنة شرق ليبيا.</p>";
    for (size_t k = 0; k < sizeof PATTERNS / sizeof *PATTERNS; k++) {
        double secs[2];
        for (int size = 0; size < 2; size++) {
            size_t pl = strlen(PATTERNS[k]), reps = (size ? 4 : 1) * base / pl + 1;
            buf b = {0};
            for (size_t i = 0; i < reps; i++) buf_add(&b, PATTERNS[k], pl);
            buf_add(&b, tail, strlen(tail));
            clock_t t0 = clock();
            html_article a;
            CHECK_EQ_INT(html_extract(bp, b.s, b.n, NULL, &a), 0);
            secs[size] = (double)(clock() - t0) / CLOCKS_PER_SEC;
            CHECK(a.text != NULL);
            html_article_clear(&a);
            free(b.s);
        }
        if (secs[1] > 10 * secs[0] + 0.05)
            fprintf(stderr, "  pattern %s: %.3f s, 4x: %.3f s\n", PATTERNS[k], secs[0], secs[1]);
        CHECK(secs[1] <= 10 * secs[0] + 0.05);
    }
    /* binary junk, NUL bytes, invalid UTF-8, empty */
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)((i * 7919) ^ (i >> 3));
    html_article a;
    CHECK_EQ_INT(html_extract(bp, junk, sizeof junk, NULL, &a), 0);
    html_article_clear(&a);
    CHECK_EQ_INT(html_extract(bp, "", 0, NULL, &a), 0);
    CHECK(a.text != NULL && a.text_len == 0);
    html_article_clear(&a);
    CHECK_EQ_INT(html_extract(bp, "<p>\xff\xfe\x00</p>", 10, "utf-16", &a), 0);
    html_article_clear(&a);
    CHECK_EQ_INT(html_extract(NULL, "<p>x</p>", 8, "no-such-charset-x", &a), 0);
    html_article_clear(&a);
    boilerplate_free(bp);
}

/* ---- WARC ---------------------------------------------------------------- */

/* One WARC record around block (resource records in WARC/1.1, the others
 * in WARC/1.0: readers meet both in one file). */
static void warc_record(buf *b, const char *type, const char *uri, const char *id,
                        const char *ctype, const char *block, size_t n) {
    buf_printf(b, "WARC/%s\r\nWARC-Type: %s\r\n",
               strcmp(type, "resource") == 0 ? "1.1" : "1.0", type);
    if (uri) buf_printf(b, "WARC-Target-URI: %s\r\n", uri);
    buf_printf(b, "WARC-Date: 2023-01-15T10:00:00Z\r\nWARC-Record-ID: <%s>\r\n", id);
    buf_printf(b, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", ctype, n);
    buf_add(b, block, n);
    buf_add(b, "\r\n\r\n", 4);
}

/* The records of the test crawl, one buffer each: warcinfo, request,
 * response (page_modern), image response, redirect, response (page_jsonld,
 * chunked and gzip'd content), resource (page_legacy). */
static int crawl_records(buf rec[8]) {
    size_t ml, jl, ll;
    char *modern = test_read_file(IO "page_modern.html", &ml);
    char *jsonld = test_read_file(IO "page_jsonld.html", &jl);
    char *legacy = test_read_file(IO "page_legacy.html", &ll);
    CHECK(modern && jsonld && legacy);
    if (!modern || !jsonld || !legacy) return 0;
    memset(rec, 0, 8 * sizeof *rec);
    const char *info = "software: marsad-test\r\nformat: WARC File Format 1.0\r\n";
    warc_record(&rec[0], "warcinfo", NULL, "urn:uuid:00000000-0000-0000-0000-000000000000",
                "application/warc-fields", info, strlen(info));
    const char *req = "GET /news/1 HTTP/1.1\r\nHost: alwasat.example.ly\r\n\r\n";
    warc_record(&rec[1], "request", "https://alwasat.example.ly/news/1",
                "urn:uuid:11111111-1111-1111-1111-111111111111",
                "application/http; msgtype=request", req, strlen(req));
    buf http = {0};
    buf_printf(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n"
                      "Content-Length: %zu\r\n\r\n", ml);
    buf_add(&http, modern, ml);
    warc_record(&rec[2], "response", "https://alwasat.example.ly/news/1",
                "urn:uuid:22222222-2222-2222-2222-222222222222",
                "application/http; msgtype=response", http.s, http.n);
    http.n = 0;
    buf_printf(&http, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 6\r\n\r\n"
                      "\xff\xd8\xff\xe0\x00\x10");
    warc_record(&rec[3], "response", "https://alwasat.example.ly/img/clash.jpg",
                "urn:uuid:33333333-3333-3333-3333-333333333333",
                "application/http; msgtype=response", http.s, http.n);
    http.n = 0;
    buf_printf(&http, "HTTP/1.1 301 Moved Permanently\r\nLocation: /news/2\r\n"
                      "Content-Type: text/html\r\nContent-Length: 0\r\n\r\n");
    warc_record(&rec[4], "response", "https://alwasat.example.ly/news/old",
                "urn:uuid:44444444-4444-4444-4444-444444444444",
                "application/http; msgtype=response", http.s, http.n);
    /* gzip content coding, then chunked transfer coding in chunks of 700 */
    buf gz = {0};
    gz_member(&gz, jsonld, jl);
    http.n = 0;
    buf_printf(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                      "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (size_t o = 0; o < gz.n; o += 700) {
        size_t c = gz.n - o < 700 ? gz.n - o : 700;
        buf_printf(&http, "%zx\r\n", c);
        buf_add(&http, gz.s + o, c);
        buf_add(&http, "\r\n", 2);
    }
    buf_printf(&http, "0\r\n\r\n");
    warc_record(&rec[5], "response", "http://www.maghrebnews.example.com/ar/2016/05/30/sirte-strikes.html",
                "urn:uuid:55555555-5555-5555-5555-555555555555",
                "application/http; msgtype=response", http.s, http.n);
    warc_record(&rec[6], "resource", "http://legacy.example.org/n/24.html",
                "urn:uuid:66666666-6666-6666-6666-666666666666",
                "text/html; charset=windows-1256", legacy, ll);
    free(gz.s);
    free(http.s);
    free(modern);
    free(jsonld);
    free(legacy);
    return 7;
}

static void free_records(buf rec[8]) {
    for (int i = 0; i < 8; i++) free(rec[i].s);
}

static char *tmpdir_new(void) {
    char *dir = strdup("/tmp/marsad-io-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    return dir;
}

static void tmpdir_free(char *dir) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    free(dir);
}

static void check_crawl_ids(const char *ids, const char *texts) {
    CHECK(has(ids, "urn:uuid:22222222-2222-2222-2222-222222222222|"));
    CHECK(has(ids, "urn:uuid:55555555-5555-5555-5555-555555555555|"));
    CHECK(has(ids, "urn:uuid:66666666-6666-6666-6666-666666666666|"));
    CHECK(has(texts, "قتل اثنا عشر مسلحا"));
    CHECK(has(texts, "مقتل ثمانية من عناصر التنظيم"));
    CHECK(has(texts, "كانت مكونة من 45 آلية"));
    CHECK(!has(texts, "مصراتة تستقبل"));
}

TEST(io_warc_plain_with_truncated_last_record)
{
    buf rec[8];
    int n = crawl_records(rec);
    if (!n) return;
    buf w = {0};
    for (int i = 0; i < n; i++) buf_add(&w, rec[i].s, rec[i].n);
    /* a last record cut short in its block */
    size_t cut_at = w.n;
    buf_add(&w, rec[2].s, rec[2].n / 2);
    char *dir = tmpdir_new();
    write_file(dir, "crawl.warc", w.s, w.n);
    char path[1100];
    snprintf(path, sizeof path, "%s/crawl.warc", dir);

    /* the url and id come from the record */
    diags d = {0};
    marsad_reader *r = marsad_reader_open(path, collect, &d);
    const marsad_article *a = r ? marsad_reader_next(r) : NULL;
    CHECK(a != NULL);
    if (a) {
        CHECK_EQ_STR(a->url, "https://alwasat.example.ly/news/1");
        CHECK_EQ_STR(a->id, "urn:uuid:22222222-2222-2222-2222-222222222222");
        CHECK_EQ_STR(a->published, "2019-04-12");
        CHECK_EQ_STR(a->title, "مقتل 12 مسلحا في اشتباكات جنوب طرابلس");
    }
    marsad_reader_free(r);
    free(d.all.s);

    memset(&d, 0, sizeof d);
    buf texts = {0}, ids = {0};
    marsad_reader_stats st;
    int got = read_all_articles(path, &d, &texts, &ids, &st);
    /* three pages, and the first half of the truncated one */
    CHECK_EQ_INT(got, 4);
    check_crawl_ids(ids.s, texts.s);
    CHECK_EQ_INT(st.records_skipped, 4); /* warcinfo, request, image, redirect */
    char want[200];
    snprintf(want, sizeof want, "crawl.warc:0: record 8 (byte %zu): truncated", cut_at);
    if (!has(d.all.s, want)) fprintf(stderr, "  diags: %s  want: %s\n", str(d.all.s), want);
    CHECK(has(d.all.s, want));
    CHECK_EQ_INT(st.errors, 1);
    free(texts.s);
    free(ids.s);
    free(d.all.s);
    free(w.s);
    free_records(rec);
    tmpdir_free(dir);
}

TEST(io_warc_bad_length_and_garbage_resynchronise)
{
    buf rec[8];
    int n = crawl_records(rec);
    if (!n) return;
    buf w = {0};
    buf_add(&w, "garbage before the first record\n", 32);
    for (int i = 0; i < n; i++) {
        if (i == 3) {
            /* the image record with a Content-Length that is too long */
            char *p = strstr(rec[3].s, "Content-Length: ");
            size_t off = (size_t)(p - rec[3].s) + 16;
            buf_add(&w, rec[3].s, off);
            buf_add(&w, "9", 1); /* 9NN: longer than the block */
            buf_add(&w, rec[3].s + off, rec[3].n - off);
            continue;
        }
        buf_add(&w, rec[i].s, rec[i].n);
    }
    char *dir = tmpdir_new();
    write_file(dir, "bad.warc", w.s, w.n);
    char path[1100];
    snprintf(path, sizeof path, "%s/bad.warc", dir);
    diags d = {0};
    buf texts = {0}, ids = {0};
    int got = read_all_articles(path, &d, &texts, &ids, NULL);
    CHECK_EQ_INT(got, 3);
    check_crawl_ids(ids.s, texts.s);
    CHECK(has(d.all.s, "byte 0: no WARC/1.x record header here"));
    CHECK(has(d.all.s, "record 4 (byte "));
    CHECK(has(d.all.s, "does not end at a record boundary"));
    free(texts.s);
    free(ids.s);
    free(d.all.s);
    free(w.s);
    free_records(rec);
    tmpdir_free(dir);
}

TEST(io_warc_gz_per_record_with_corrupt_member)
{
    buf rec[8];
    int n = crawl_records(rec);
    if (!n) return;
    buf w = {0};
    size_t corrupt_at = 0;
    for (int i = 0; i < n; i++) {
        size_t start = w.n;
        gz_member(&w, rec[i].s, rec[i].n);
        if (i == 3) {
            /* damage the deflate data of the image record's member */
            corrupt_at = start + 20;
            for (size_t k = start + 12; k < w.n - 8 && k < start + 40; k++) w.s[k] ^= 0x5a;
        }
    }
    char *dir = tmpdir_new();
    write_file(dir, "crawl.warc.gz", w.s, w.n);
    /* and a whole-file gzip, cut short in its last record */
    buf plain = {0};
    for (int i = 0; i < n; i++) buf_add(&plain, rec[i].s, rec[i].n);
    buf whole = {0};
    gz_member(&whole, plain.s, plain.n);
    write_file(dir, "whole.warc.gz", whole.s, whole.n - 200);
    char path[1100];
    snprintf(path, sizeof path, "%s/crawl.warc.gz", dir);
    diags d = {0};
    buf texts = {0}, ids = {0};
    int got = read_all_articles(path, &d, &texts, &ids, NULL);
    CHECK_EQ_INT(got, 3);
    check_crawl_ids(ids.s, texts.s);
    if (!has(d.all.s, "corrupt gzip data at compressed byte"))
        fprintf(stderr, "  diags: %s (corrupted near %zu)\n", str(d.all.s), corrupt_at);
    CHECK(has(d.all.s, "corrupt gzip data at compressed byte"));
    free(texts.s);
    free(ids.s);
    free(d.all.s);

    snprintf(path, sizeof path, "%s/whole.warc.gz", dir);
    memset(&d, 0, sizeof d);
    texts = (buf){0};
    ids = (buf){0};
    got = read_all_articles(path, &d, &texts, &ids, NULL);
    CHECK(got >= 2); /* the resource record at the end is cut */
    CHECK(has(texts.s, "قتل اثنا عشر مسلحا"));
    CHECK(has(d.all.s, "truncated gzip data"));
    CHECK(has(d.all.s, "whole.warc.gz:0: "));
    free(texts.s);
    free(ids.s);
    free(d.all.s);
    free(w.s);
    free(plain.s);
    free(whole.s);
    free_records(rec);
    tmpdir_free(dir);
}

TEST(io_warc_oversized_record_skipped_in_bounded_memory)
{
    /* declares 100 MB and has them (zeros compress well): skipped, then the
       next record is read */
    buf rec[8];
    int n = crawl_records(rec);
    if (!n) return;
    buf w = {0};
    size_t big = (size_t)100 << 20;
    char *zeros = calloc(1, big);
    buf hdr = {0};
    buf_printf(&hdr, "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\n"
                     "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n", big);
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&z, (uLong)(big + hdr.n + 4)) + 64;
    unsigned char *out = malloc(cap);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    z.next_in = (Bytef *)hdr.s;
    z.avail_in = (uInt)hdr.n;
    deflate(&z, Z_NO_FLUSH);
    z.next_in = (Bytef *)zeros;
    z.avail_in = (uInt)big;
    deflate(&z, Z_NO_FLUSH);
    z.next_in = (Bytef *)"\r\n\r\n";
    z.avail_in = 4;
    deflate(&z, Z_FINISH);
    buf_add(&w, out, cap - z.avail_out);
    deflateEnd(&z);
    free(out);
    free(zeros);
    gz_member(&w, rec[2].s, rec[2].n);
    char *dir = tmpdir_new();
    write_file(dir, "big.warc.gz", w.s, w.n);
    char path[1100];
    snprintf(path, sizeof path, "%s/big.warc.gz", dir);
    diags d = {0};
    buf ids = {0};
    int got = read_all_articles(path, &d, NULL, &ids, NULL);
    CHECK_EQ_INT(got, 1);
    CHECK(has(ids.s, "urn:uuid:22222222"));
    CHECK(has(d.all.s, "record 1 (byte 0 of the decompressed data): record of 104857600 "
                       "bytes is larger than 64 MB; skipped"));
    free(ids.s);
    free(d.all.s);
    free(hdr.s);
    free(w.s);
    free_records(rec);
    tmpdir_free(dir);
}

/* ---- gzip, folders, JSON Lines, sniffing --------------------------------- */

TEST(io_gz_inputs_and_folder)
{
    char *dir = tmpdir_new();
    char sub[1100], path[1200];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0700);
    size_t tl, hl;
    char *txt = test_read_file(IO "boiler.txt", &tl);
    char *html = test_read_file(IO "page_modern.html", &hl);
    CHECK(txt && html);
    if (!txt || !html) return;
    buf g = {0};
    gz_member(&g, txt, tl);
    write_file(dir, "b_article.txt.gz", g.s, g.n);
    write_file(dir, "b_article.json", "{\"id\": \"from-meta\"}", 19);
    g.n = 0;
    gz_member(&g, html, hl);
    write_file(sub, "c_page.html.gz", g.s, g.n);
    write_file(dir, "a_page.htm", html, hl);
    const char *lines = "{\"id\": \"j1\", \"text\": \"نص أول\"}\n"
                        "{\"id\": \"j2\", \"text\": \"نص ثان\"}\n"
                        "{\"id\": \"j3\", \"text\": \"نص ثالث\"}\n";
    g.n = 0;
    gz_member(&g, lines, strlen(lines));
    write_file(dir, "d_lines.jsonl.gz", g.s, g.n - 5); /* truncated: loses its end */
    write_file(dir, ".hidden.txt", "مخفي", strlen("مخفي"));
    write_file(dir, "notes.md", "not an article", 14);
    diags d = {0};
    buf texts = {0}, ids = {0};
    int got = read_all_articles(dir, &d, &texts, &ids, NULL);
    /* sorted paths: a_page.htm, b_article.txt.gz, d_lines.jsonl.gz, sub/c_page.html.gz */
    if (!has(ids.s, "a_page|from-meta|j1|j2|"))
        fprintf(stderr, "  ids: %s\n  diags: %s\n", str(ids.s), str(d.all.s));
    CHECK(has(ids.s, "a_page|from-meta|j1|j2|"));
    CHECK(has(ids.s, "|c_page|"));
    CHECK(!has(texts.s, "مخفي"));
    CHECK(got >= 5);
    CHECK(has(d.all.s, "d_lines.jsonl.gz:0: truncated gzip data"));
    /* the gzip'd text is blanked like the plain one and keeps its length */
    snprintf(path, sizeof path, "%s/b_article.txt.gz", dir);
    marsad_reader *r = marsad_reader_open(path, NULL, NULL);
    const marsad_article *a = r ? marsad_reader_next(r) : NULL;
    CHECK(a != NULL);
    if (a) {
        CHECK_EQ_INT(a->text_len, tl);
        CHECK(!has(a->text, "طباعة"));
        CHECK_EQ_STR(a->id, "from-meta");
    }
    marsad_reader_free(r);
    /* a truncated .txt.gz keeps what was decoded, and says where it stops */
    g.n = 0;
    gz_member(&g, txt, tl);
    write_file(dir, "cut.txt.gz", g.s, g.n / 2);
    snprintf(path, sizeof path, "%s/cut.txt.gz", dir);
    free(d.all.s);
    memset(&d, 0, sizeof d);
    r = marsad_reader_open(path, collect, &d);
    a = r ? marsad_reader_next(r) : NULL;
    CHECK(a != NULL);
    if (a) {
        CHECK(a->text_len > 0 && a->text_len < tl);
        CHECK(has(a->text, "اشتباكات عنيفة في سبها توقع قتلى"));
    }
    marsad_reader_free(r);
    CHECK(has(d.all.s, "cut.txt.gz:0: truncated gzip data: it ends inside a member at "
                       "compressed byte"));
    /* a .gz that is not gzip */
    write_file(dir, "fake.txt.gz", "plain text", 10);
    snprintf(path, sizeof path, "%s/fake.txt.gz", dir);
    free(d.all.s);
    memset(&d, 0, sizeof d);
    read_all_articles(path, &d, NULL, NULL, NULL);
    CHECK(has(d.all.s, "fake.txt.gz:0: not gzip data at compressed byte 0"));
    free(d.all.s);
    free(texts.s);
    free(ids.s);
    free(g.s);
    free(txt);
    free(html);
    tmpdir_free(dir);
}

TEST(io_jsonl_bad_lines_named_and_skipped)
{
    const char *data = "{\"id\": \"a\", \"text\": \"قتل شخصان في سرت.\"}\n"
                       "{\"id\": \"b\", \"text\": broken}\n"
                       "\n"
                       "[1, 2]\n"
                       "{\"id\": \"c\", \"text\": \"\xd9\x82\xff\xfe\xd8\xaa\xd9\x84\"}\n"
                       "{\"id\": \"d\", \"html\": \"<title>عنوان</title><p>قصف مدفعي على حي سكني في درنة أوقع قتلى وجرحى بين المدنيين حسب مصادر طبية.</p>\"}\n"
                       "{\"id\": 7, \"text\": \"x\", \"published\": 5}\n"
                       "{\"id\": \"e\", \"text\": \"آخر سطر بلا نهاية\"}";
    diags d = {0};
    marsad_reader *r = marsad_reader_open_mem("mem.jsonl", data, strlen(data), NULL,
                                              collect, &d);
    CHECK(r != NULL);
    buf ids = {0};
    const marsad_article *a;
    while (r && (a = marsad_reader_next(r)) != NULL) {
        buf_printf(&ids, "%s|", a->id);
        if (strcmp(a->id, "d") == 0) {
            CHECK_EQ_STR(a->title, "عنوان");
            CHECK(has(a->text, "قصف مدفعي على حي سكني في درنة"));
        }
        if (strcmp(a->id, "c") == 0) CHECK_EQ_INT(marsad_utf8_invalid_count(a->text, a->text_len), 0);
    }
    CHECK_EQ_STR(ids.s, "a|c|d|7|e|");
    CHECK(has(d.all.s, "mem.jsonl:2: broken JSON"));
    CHECK(has(d.all.s, "mem.jsonl:4: not an article object"));
    CHECK(has(d.all.s, "mem.jsonl:5: warning: 2 invalid UTF-8 bytes replaced"));
    CHECK(has(d.all.s, "mem.jsonl:7: field \"published\" is not a string"));
    CHECK_EQ_INT(marsad_reader_errors(r), 3);
    marsad_reader_free(r);
    free(ids.s);
    free(d.all.s);
}

/* A JSON Lines line is read through the split (the "text" string decoded by
 * marsad, the rest by jansson) only where that gives what jansson gives on the
 * whole line. Each line says whether the split must apply. */
TEST(io_jsonl_split_agrees_with_jansson)
{
    static const struct {
        const char *line;
        int applies;
    } lines[] = {
        {"{\"id\": \"a\", \"text\": \"قتل شخصان في سرت.\"}", 1},
        {"{\"text\":\"a\\n\\\"b\\\"\\\\c\\/d\\b\\f\\r\\t\\u0041\\u0627\\uD83D\\ude00é€😀\"}", 1},
        {" \t{ \"text\" : \"x\" , \"id\" : 5 } \r\n ", 1},
        {"{\"meta\":{\"text\":\"inner\",\"a\":[\"}]\\\"\",{\"b\":[]}]},\"text\":\"outer\"}", 1},
        {"{\"text\":\"\",\"published\":\"2015-01-18\",\"n\":-1.5e3,\"t\":true,\"f\":null}", 1},
        {"{\"id\":\"a\\u0041\\\"\",\"text\":\"x\",\"source\":\"جوهرة \\/ إف إم\"}", 1},
        {"{\"id\":\"a\",\"text\":\"x\",\"id\":\"b\",\"url\":\"\"}", 1},
        {"{\"مصدر\":\"\\ud83d\\ude00\",\"text\":\"x\"}", 1},
        {"{\"text\":\"x\",\"id\":\"\\ud83d\"}", 0},
        {"{\"text\":\"x\",\"id\":\"a\tb\"}", 0},
        {"{\"text\":\"x\",\"i\xff" "d\":\"a\"}", 0},
        {"{\"text\":\"x\",\"id\":\"a\"}}", 0},
        {"{\"text\":\"x\",\"id\":\"a\" , \"n\":\"\" } ", 1},
        {"{\"text\":\"a\",\"text\":\"b\"}", 0},
        {"{\"te\\u0078t\":\"a\",\"text\":\"b\"}", 0},
        {"{\"text\":\"a\",\"te\\u0078t\":\"b\"}", 0},
        {"{\"text\":\"a\",\"text\":null}", 0},
        {"{\"text\":5}", 0},
        {"{\"text\":null,\"html\":\"<p>x</p>\"}", 0},
        {"{\"id\":\"x\"}", 0},
        {"{}", 0},
        {"[{\"text\":\"a\"}]", 0},
        {"{\"text\":\"\\ud83d\"}", 0},
        {"{\"text\":\"\\ude00\"}", 0},
        {"{\"text\":\"\\ud83d\\u0041\"}", 0},
        {"{\"text\":\"\\x\"}", 0},
        {"{\"text\":\"\\u12\"}", 0},
        {"{\"text\":\"\\u12g4\"}", 0},
        {"{\"text\":\"tab\there\"}", 0},
        {"{\"text\":\"\xc0\x80\"}", 0},
        {"{\"text\":\"\xed\xa0\x80\"}", 0},
        {"{\"text\":\"\xf4\x90\x80\x80\"}", 0},
        {"{\"text\":\"\xe0\x80\x80\"}", 0},
        {"{\"text\":\"\xd8\"}", 0},
        {"{\"text\":\"a\",}", 0},
        {"{\"text\":\"a\"} x", 0},
        {"{\"text\":\"a\",\"id\":\"\xff\"}", 0},
        {"{\"text\":\"a\",\"id\":[1,2}", 0},
        {"{\"text\":\"unclosed", 0},
        {"{\"text\" \"a\"}", 0},
    };
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        int applied = -1;
        int same = jsonl_split_agrees(lines[k].line, strlen(lines[k].line), &applied);
        if (!same || applied != lines[k].applies)
            fprintf(stderr, "  line %zu: %s\n", k, lines[k].line);
        CHECK(same);
        CHECK_EQ_INT(applied, lines[k].applies);
    }
    /* \u0000 is kept (JSON_ALLOW_NUL); a raw NUL byte is refused */
    static const char nul_escape[] = "{\"text\":\"a\\u0000b\"}";
    static const char nul_raw[] = "{\"text\":\"a\0b\"}";
    int applied;
    char *text;
    size_t tl;
    CHECK(jsonl_split_agrees(nul_escape, sizeof nul_escape - 1, &applied) && applied);
    json_t *o = jsonl_load_split(nul_escape, sizeof nul_escape - 1, &text, &tl);
    CHECK(o && tl == 3 && memcmp(text, "a\0b", 4) == 0);
    json_decref(o);
    free(text);
    CHECK(jsonl_split_agrees(nul_raw, sizeof nul_raw - 1, &applied) && !applied);
    /* metadata longer than the strings read without jansson, and more
     * members than those, are read by jansson */
    char big[2400];
    int bn = snprintf(big, sizeof big, "{\"text\":\"x\",\"title\":\"");
    for (int k = 0; k < 300; k++) bn += snprintf(big + bn, sizeof big - (size_t)bn, "سرت");
    bn += snprintf(big + bn, sizeof big - (size_t)bn, "\"");
    for (int k = 0; k < 20; k++)
        bn += snprintf(big + bn, sizeof big - (size_t)bn, ",\"k%d\":\"v\\n%d\"", k, k);
    bn += snprintf(big + bn, sizeof big - (size_t)bn, "}");
    CHECK(jsonl_split_agrees(big, (size_t)bn, &applied) && applied);
    /* random lines from JSON pieces, valid and broken */
    static const char *const pieces[] = {
        "{", "}", "[", "]", ",", ":", " ", "\"", "\"text\"", "\"text\":\"", "\"id\"",
        "\\", "\\\"", "\\\\", "\\n", "\\u", "\\ud83d", "\\ude00", "\\u0627", "0041",
        "\\x", "null", "12", "true", "قتل", "سرت", "\xc0", "\xed\xa0\x80",
        "\xf0\x9f\x98\x80", "\t", "\"a\"",
    };
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    char line[256];
    int splits = 0, differ = 0;
    for (int k = 0; k < 30000; k++) {
        /* half of the lines are a text member around random pieces, the
         * others an object of random pieces */
        const char *head = k % 2 ? "{\"text\":\"" : "{";
        size_t n = strlen(head);
        memcpy(line, head, n);
        n += test_random_text(pieces, sizeof pieces / sizeof pieces[0], 1 + k % 24, &x,
                              line + n, sizeof line - n - 3);
        if (k % 2) line[n++] = '"';
        if (k % 4 != 2) line[n++] = '}';
        if (!jsonl_split_agrees(line, n, &applied)) differ++;
        splits += applied;
    }
    CHECK_EQ_INT(differ, 0);
    CHECK(splits > 500);
}

/* Long "text" strings, read sixteen bytes at a time where they are plain:
 * runs of Arabic and ASCII with one odd byte or escape at any offset of a
 * block (a quote, a backslash escape, a control byte, a lone lead or
 * continuation byte, a three- or four-byte sequence, an overlong or
 * surrogate sequence), so every way a block can fail, and a lead as the
 * last byte of a block, are met at every position. */
TEST(io_jsonl_split_agrees_on_long_strings)
{
    static const char *const odd[] = {
        "\"", "\\\"", "\\n", "\\u0627", "\\ud83d\\ude00", "\\ud83d", "\t", "\x01", "\x1f",
        "\xd8", "\x80", "\xc1\x81", "\xc2\x80", "\xdf\xbf", "\xe2\x80\xa6",
        "\xf0\x9f\x98\x80", "\xed\xa0\x80", "\xe0\x80\x80", "\xff", "\x7f", " ",
        "\xd8\xd8\xa7", "\xd8\xa7\xa7", "\xe0\xa0", "\xf0\x9f",
    };
    unsigned long long x = 0x2545f4914f6cdd1dULL;
    char line[512];
    int splits = 0, differ = 0;
    for (int k = 0; k < 20000; k++) {
        size_t n = 0;
        n += (size_t)snprintf(line, sizeof line, "{\"id\":\"l%d\",\"text\":\"", k);
        size_t body = 20 + k % 200, at = body ? (size_t)(x >> 33) % body : 0;
        for (size_t b = 0; b < body && n < sizeof line - 40; b++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            if (b == at && k % 5) {
                const char *o = odd[(x >> 40) % (sizeof odd / sizeof odd[0])];
                size_t ol = strlen(o);
                memcpy(line + n, o, ol);
                n += ol;
            } else if ((x >> 37) % 4) { /* an Arabic letter, U+0621..U+064A */
                unsigned cp = 0x621 + (unsigned)((x >> 45) % 42);
                line[n++] = (char)(0xC0 | (cp >> 6));
                line[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                line[n++] = "ab 1.,-()"[(x >> 50) % 9];
            }
        }
        memcpy(line + n, "\"}", 2);
        n += 2;
        int applied;
        if (!jsonl_split_agrees(line, n, &applied)) {
            if (differ++ < 5) fprintf(stderr, "  line %d differs\n", k);
        }
        splits += applied;
    }
    CHECK_EQ_INT(differ, 0);
    CHECK(splits > 10000 && splits < 20000);
}

TEST(io_unknown_names_are_sniffed)
{
    size_t hl;
    char *html = test_read_file(IO "page_modern.html", &hl);
    CHECK(html != NULL);
    if (!html) return;
    struct {
        const char *name;
        const char *data;
        size_t len;
        const char *want_title; /* NULL: text input, title unset */
    } cases[] = {
        {"page", html, hl, "مقتل 12 مسلحا في اشتباكات جنوب طرابلس"},
        {"lines.dat", "{\"text\": \"نص\", \"title\": \"ج\"}\n", 33, "ج"},
        {"notes", "نص عادي\n", strlen("نص عادي\n"), NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        marsad_reader *r = marsad_reader_open_mem(cases[k].name, cases[k].data, cases[k].len,
                                                  NULL, NULL, NULL);
        const marsad_article *a = r ? marsad_reader_next(r) : NULL;
        CHECK(a != NULL);
        if (a && cases[k].want_title) CHECK_EQ_STR(a->title, cases[k].want_title);
        if (a && !cases[k].want_title) CHECK(a->title == NULL);
        marsad_reader_free(r);
    }
    /* a gzip'd WARC without a telling name */
    buf rec[8];
    int n = crawl_records(rec);
    buf g = {0};
    for (int i = 0; i < n; i++) gz_member(&g, rec[i].s, rec[i].n);
    marsad_reader *r = marsad_reader_open_mem("download.bin", g.s, g.n, NULL, NULL, NULL);
    int count = 0;
    while (r && marsad_reader_next(r)) count++;
    CHECK_EQ_INT(count, 3);
    marsad_reader_free(r);
    free(g.s);
    free_records(rec);
    free(html);
}

/* The stream itself: windows, skips and offsets. */
TEST(io_instream_gzip_members_and_offsets)
{
    buf g = {0};
    gz_member(&g, "hello ", 6);
    gz_member(&g, "world", 5);
    buf_add(&g, "\0\0\0", 3); /* padding after the last member */
    instream *s = instream_from_mem(g.s, g.n, INSTREAM_AUTO);
    CHECK_EQ_INT(instream_fill(s, 100), 11);
    CHECK(memcmp(instream_data(s), "hello world", 11) == 0);
    CHECK(instream_is_gzip(s));
    instream_consume(s, 6);
    CHECK_EQ_INT(instream_offset(s), 6);
    CHECK_EQ_INT(instream_skip(s, 100), 5);
    CHECK_EQ_INT(instream_fill(s, 1), 0);
    CHECK_EQ_INT(instream_state(s), INSTREAM_EOF);
    CHECK(instream_take_error(s) == NULL);
    instream_free(s);
    s = instream_from_mem("abc", 3, INSTREAM_AUTO);
    CHECK_EQ_INT(instream_fill(s, 10), 3);
    CHECK(!instream_is_gzip(s));
    instream_free(s);
    free(g.s);
}

TEST(io_open_missing_path_reports)
{
    diags d = {0};
    marsad_reader *r = marsad_reader_open("tests/data/io/no-such-file.txt", collect, &d);
    CHECK(r == NULL);
    CHECK(has(d.all.s, "no-such-file.txt:0: No such file"));
    free(d.all.s);
    marsad_reader_options opt = {"/nonexistent-datadir", 0, 0};
    memset(&d, 0, sizeof d);
    r = marsad_reader_open_ex(IO "boiler.txt", &opt, collect, &d);
    CHECK(r == NULL);
    CHECK(has(d.all.s, "/nonexistent-datadir/boilerplate.tsv"));
    free(d.all.s);
}
