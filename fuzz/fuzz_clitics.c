/* fuzz_clitics.c — libFuzzer target for marsad_clitic_segments: on the
 * folded input and on the raw bytes, segmentations are the whole word first,
 * then by growing total stripped, distinct, cut on code point starts, with
 * stems of two code points or more (tests/invariants.h); `max` is honoured. */
#include "../tests/invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *w, size_t n, int max) {
    marsad_seg seg[80];
    memset(seg, 0xAB, sizeof seg);
    int k = marsad_clitic_segments(w, n, seg, max);
    const char *e = inv_check_clitics(w, n, seg, k, max);
    if (!e && k < (int)(sizeof seg / sizeof *seg) &&
        (seg[k].pro != 0xAB || seg[k].enc != 0xAB))
        e = "wrote past the segmentations it returned";
    if (e) {
        fprintf(stderr, "fuzz_clitics: %s (max %d)\n", e, max);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t n;
    char *f = marsad_fold_dup((const char *)data, size, &n);
    if (!f) abort();
    int max = size ? data[0] % 80 : 0;
    check(f, n, 79);
    check(f, n, max);
    check(f, n, 1);
    check(f, n, 0);
    free(f);
    /* raw bytes (not folded, maybe not UTF-8): only no crash and the count */
    marsad_seg seg[80];
    int k = marsad_clitic_segments((const char *)data, size, seg, 79);
    if (k < 1 || k > 79) abort();
    return 0;
}
