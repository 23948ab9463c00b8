/* util.c — file reading and diagnostics shared by the CLI commands. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

int cli_check_text(const char *path, const char *text, size_t len) {
    size_t i = 0, bad = 0, nul = 0, first_bad = SIZE_MAX, first_nul = SIZE_MAX;
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
        }
        i += n;
    }
    if (nul)
        cli_error("%s:%zu: warning: binary data: %zu NUL byte%s (read as spaces)",
                  path, cli_line_of(text, len, first_nul), nul,
                  nul == 1 ? "" : "s");
    if (bad)
        cli_error("%s:%zu: warning: %zu invalid UTF-8 byte%s (read as U+FFFD)",
                  path, cli_line_of(text, len, first_bad), bad,
                  bad == 1 ? "" : "s");
    return (bad || nul) ? 1 : 0;
}

int cli_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
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
        else if (cp < 0x20 || cp == 0x7F)
            fputc(' ', f);
        else
            fwrite(s + i, 1, n, f);
        i += n;
    }
}

const char *cli_datadir(const char *dir) {
    if (dir && *dir) return dir;
    const char *env = getenv("MARSAD_DATA");
    if (env && *env) return env;
    return MARSAD_DATADIR;
}
