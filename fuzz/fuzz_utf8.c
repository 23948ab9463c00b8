/* fuzz_utf8.c — libFuzzer target for the UTF-8 decoder: marsad_utf8_next,
 * _invalid_count and _sanitize must agree with an independent decoder on any
 * bytes (tests/invariants.h). Aborts on the first violation. */
#include "../tests/invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *e = inv_check_utf8((const char *)data, size);
    if (e) {
        fprintf(stderr, "fuzz_utf8: %s\n", e);
        abort();
    }
    return 0;
}
