/* fuzz_fold.c — libFuzzer target for Arabic folding: marsad_fold,
 * marsad_fold_dup and marsad_normtext agree, the folded text is clean UTF-8,
 * the offset map is ordered and lands on code point starts, short buffers
 * get a prefix (tests/invariants.h); folding is idempotent. */
#include "../tests/invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
    fprintf(stderr, "fuzz_fold: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    const char *e = inv_check_fold(s, size);
    if (e) fail(e);
    size_t n, n2;
    char *f = marsad_fold_dup(s, size, &n);
    char *g = marsad_fold_dup(f, n, &n2);
    if (n2 != n || memcmp(f, g, n) != 0) fail("fold(fold(s)) != fold(s)");
    free(f);
    free(g);
    return 0;
}
