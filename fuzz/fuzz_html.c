/*
 * fuzz_html.c — libFuzzer target for the HTML reader: the input is a web page
 * (any bytes) given to html_extract (charset detection and conversion,
 * nesting flattening, gumbo, furniture removal, content scoring, metadata,
 * JSON-LD, dates). The first input byte also picks an HTTP charset hint, so
 * the conversion paths are reached.
 */
#include "fuzz_common.h"
#include "io/html.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const HINTS[] = {NULL, "windows-1256", "text/html; charset=utf-8",
                                        "iso-8859-6", "utf-16"};
    const char *hint = size ? HINTS[data[0] % 5] : NULL;
    html_article a;
    if (html_extract(fuzz_boilerplate(), (const char *)data, size, hint, &a) != 0) return 0;
    if (!a.text || a.text[a.text_len] != '\0' || strlen(a.text) > a.text_len) __builtin_trap();
    if (a.published && strlen(a.published) != 10) __builtin_trap();
    if (a.title && strchr(a.title, '\n')) __builtin_trap();
    html_article_clear(&a);
    return 0;
}
