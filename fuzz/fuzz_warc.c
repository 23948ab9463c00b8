/*
 * fuzz_warc.c — libFuzzer target for the WARC reader: the input is read as a
 * WARC file (gunzipped first when it starts with the gzip magic, with member
 * resynchronisation): record headers, Content-Length, resynchronisation on
 * damage, HTTP status line and headers, chunked transfer coding, gzip and
 * deflate content coding, then html_extract on each page.
 */
#include "fuzz_common.h"
#include "io/html.h"
#include "io/instream.h"
#include "io/warc.h"

#include <stdint.h>
#include <string.h>

static void ignore(void *ctx, uint64_t record, uint64_t offset, const char *msg) {
    (void)ctx;
    (void)record;
    (void)offset;
    if (!msg || !*msg) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    instream *in = instream_from_mem(data, size, INSTREAM_AUTO);
    warc_reader *w = in ? warc_open(in, ignore, NULL) : NULL;
    warc_record rec;
    while (w && warc_next(w, &rec)) {
        if (rec.content_len > rec.declared_len) __builtin_trap();
        warc_page page;
        char err[256];
        if (warc_record_page(&rec, &page, err, sizeof err) == WARC_PAGE_HTML) {
            html_article a;
            if (html_extract(fuzz_boilerplate(), page.body, page.body_len,
                             page.charset[0] ? page.charset : NULL, &a) == 0)
                html_article_clear(&a);
        }
        free(page.owned);
    }
    warc_close(w);
    instream_free(in);
    return 0;
}
