/* util.c — file reading and diagnostics shared by the CLI commands. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

void cli_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("marsad: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

char *cli_read_file(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf) goto nomem;
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) goto nomem;
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    if (ferror(f)) {
        cli_error("%s: read error: %s", path, strerror(errno));
        free(buf);
        if (f != stdin) fclose(f);
        return NULL;
    }
    if (f != stdin) fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
nomem:
    cli_error("%s: out of memory", path);
    free(buf);
    if (f != stdin) fclose(f);
    return NULL;
}

size_t cli_line_of(const char *text, size_t len, size_t off) {
    size_t line = 1;
    const char *p = text, *end = text + (off < len ? off : len);
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

/* Lines longer than this are reported: news text has paragraphs. */
#define CLI_LONG_LINE ((size_t)1 << 20)

int cli_check_text(const char *path, const char *text, size_t len) {
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (len == 0) {
        cli_error("%s: warning: empty input", name);
        return 0;
    }
    size_t i = 0, bad = 0, nul = 0, first_bad = SIZE_MAX, first_nul = SIZE_MAX;
    size_t line_start = 0, long_at = SIZE_MAX, long_len = 0;
    int has_word = 0;
    while (i < len) {
        int32_t cp;
        int inv;
        size_t n = marsad_utf8_next(text, len, i, &cp, &inv);
        if (inv) {
            if (!bad) first_bad = i;
            bad++;
        } else if (cp == 0) {
            if (!nul) first_nul = i;
            nul++;
        } else if (cp == '\n') {
            if (i - line_start > long_len) {
                long_len = i - line_start;
                long_at = line_start;
            }
            line_start = i + 1;
        } else if (!has_word) {
            if (cp < 0x80) {
                has_word = (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' &&
                                                        (cp | 0x20) <= 'z');
            } else {
                utf8proc_category_t c = utf8proc_category(cp);
                has_word = ((c >= UTF8PROC_CATEGORY_LU &&
                             c <= UTF8PROC_CATEGORY_LO) ||
                            c == UTF8PROC_CATEGORY_ND) &&
                           cp != 0x0640; /* tatweel is not a letter */
            }
        }
        i += n;
    }
    if (len - line_start > long_len) {
        long_len = len - line_start;
        long_at = line_start;
    }
    if (nul)
        cli_error("%s:%zu: warning: %zu NUL byte%s, binary data? (first at byte "
                  "%zu; read as spaces)",
                  name, cli_line_of(text, len, first_nul), nul,
                  nul == 1 ? "" : "s", first_nul);
    if (bad)
        cli_error("%s:%zu: warning: %zu invalid UTF-8 byte%s (first at byte "
                  "%zu: 0x%02X; read as U+FFFD)",
                  name, cli_line_of(text, len, first_bad), bad,
                  bad == 1 ? "" : "s", first_bad,
                  (unsigned char)text[first_bad]);
    if (!has_word)
        cli_error("%s: warning: no letters or digits in %zu bytes of text",
                  name, len);
    if (long_len > CLI_LONG_LINE)
        cli_error("%s:%zu: warning: line of %zu bytes (text without line "
                  "breaks?)",
                  name, cli_line_of(text, len, long_at), long_len);
    return (bad || nul) ? 1 : 0;
}

int cli_wants_help(int argc, char **argv, const char *usage) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 1;
        }
    }
    return 0;
}

void cli_put_clean(FILE *f, const char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        int inv;
        size_t n = marsad_utf8_next(s, len, i, &cp, &inv);
        if (inv)
            fputs("\xEF\xBF\xBD", f);
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 ||
                 cp == 0x2029)
            fputc(' ', f); /* C0, DEL, C1, line/paragraph separators */
        else
            fwrite(s + i, 1, n, f);
        i += n;
    }
}

int cli_each_article(int argc, char **argv, cli_article_fn fn, void *ctx) {
    int status = EXIT_OK;
    for (int a = 1; a < argc; a++) {
        if (!argv[a]) continue;
        size_t len;
        char *text = cli_read_file(argv[a], &len);
        if (!text) {
            status = EXIT_INPUT;
            continue;
        }
        if (cli_check_text(argv[a], text, len)) status = EXIT_INPUT;
        marsad_doc *doc = marsad_doc_new(text, len);
        if (!doc) {
            cli_error("%s: out of memory", argv[a]);
            status = EXIT_INPUT;
        } else if (fn(ctx, argv[a], text, doc) != EXIT_OK) {
            status = EXIT_INPUT;
        }
        marsad_doc_free(doc);
        free(text);
    }
    return status;
}

void cli_put_span(const char *text, size_t start, size_t end) {
    printf("%zu\t%zu\t", start, end);
    cli_put_clean(stdout, text + start, end - start);
}

int cli_parse_options(const char *cmd, int argc, char **argv,
                      const cli_option *opts, char **paths, int *npaths) {
    for (int a = 1; a < argc; a++) {
        const char *o = argv[a];
        const cli_option *op = opts;
        while (op->name && strcmp(o, op->name) != 0 &&
               !(op->alias && strcmp(o, op->alias) == 0))
            op++;
        if (!op->name) {
            if (paths && !(o[0] == '-' && o[1] != '\0')) {
                paths[(*npaths)++] = argv[a];
                continue;
            }
            cli_error("%s: unknown %s '%s' (see marsad %s --help)", cmd,
                      paths ? "option" : "argument", o, cmd);
            return -1;
        }
        if (op->flag) {
            *op->flag = 1;
            continue;
        }
        if (a + 1 >= argc) {
            cli_error("%s: %s needs a value", cmd, o);
            return -1;
        }
        *op->value = argv[++a];
    }
    return 0;
}

int cli_number_option(const char *cmd, const char *opt, const char *s,
                      long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE || v < lo || v > hi) {
        if (lo == 1 && hi == LONG_MAX)
            cli_error("%s: %s must be a positive number, not '%s'", cmd, opt, s);
        else
            cli_error("%s: %s must be a number from %ld to %ld, not '%s'", cmd,
                      opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

const char *cli_datadir(const char *dir) {
    if (dir && *dir) return dir;
    const char *env = getenv("MARSAD_DATA");
    if (env && *env) return env;
    return MARSAD_DATADIR;
}

void cli_print_diag(const char *file, size_t line, const char *msg) {
    if (line) fprintf(stderr, "marsad: %s:%zu: %s\n", file, line, msg);
    else fprintf(stderr, "marsad: %s: %s\n", file, msg);
}

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
