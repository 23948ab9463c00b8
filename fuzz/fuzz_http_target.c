/* fuzz_http_target.c — libFuzzer target for the server's request-target
 * decoding (src/serve/http.c): any bytes parse without a crash; a target
 * that parses gives a path starting with '/' and names and values that are
 * valid UTF-8 without NUL; a static path made from it never leaves its root
 * (no empty, "." or ".." segment, never absolute, no backslash). */
#include "marsad.h"
#include "serve/http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
    fprintf(stderr, "fuzz_http_target: %s\n", what);
    abort();
}

static void check_text(const char *s) {
    if (marsad_utf8_invalid_count(s, strlen(s)) != 0) fail("decoded text is not UTF-8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *raw = malloc(size + 1);
    if (!raw) return 0;
    memcpy(raw, data, size);
    raw[size] = '\0'; /* the server sees a NUL-terminated target */
    http_target t;
    char err[256], param[64];
    http_target_status st = http_target_parse(raw, &t, err, sizeof err, param, sizeof param);
    if (st == HTTP_TARGET_OK) {
        if (!t.path || t.path[0] != '/') fail("path without a leading '/'");
        check_text(t.path);
        if (t.nparams > HTTP_MAX_PARAMS) fail("too many parameters kept");
        for (size_t i = 0; i < t.nparams; i++) {
            check_text(t.params[i].name);
            check_text(t.params[i].value);
        }
        char rel[512];
        long n = http_static_path(t.path, rel, sizeof rel);
        if (n >= 0) {
            if ((size_t)n != strlen(rel)) fail("static path length");
            if (rel[0] == '/' || strchr(rel, '\\')) fail("static path absolute or with a backslash");
            const char *s = rel;
            for (;;) {
                const char *e = strchr(s, '/');
                size_t k = e ? (size_t)(e - s) : strlen(s);
                if (k == 0 || s[0] == '.') fail("static path with an empty or dot segment");
                if (!e) break;
                s = e + 1;
            }
        }
    } else if (strlen(err) == 0) {
        fail("refused without a message");
    }
    http_target_free(&t);
    free(raw);
    return 0;
}
