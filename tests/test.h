/*
 * test.h — the unit-test harness. A test is
 *     TEST(name)
 *     {
 *         CHECK(cond);  CHECK_EQ_INT(a, b);  CHECK_EQ_STR(a, b);
 *     }
 * in any tests/ C file; tools/gen_registry.sh collects them. A test passes
 * when none of its checks fails. Paths are relative to the repository root,
 * where the runner is started (scripts/test.sh does so).
 */
#ifndef MARSAD_TEST_H
#define MARSAD_TEST_H

#include "marsad.h"

#include <stdio.h>
#include <string.h>

#define TEST(name) void test_##name(void)

extern int test_failures; /* checks failed in the running test */

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            test_failures++;                                                 \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__,         \
                    __LINE__, #cond);                                        \
        }                                                                    \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
    do {                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                  \
        if (a_ != b_) {                                                      \
            test_failures++;                                                 \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n",    \
                    __FILE__, __LINE__, #a, a_, #b, b_);                     \
        }                                                                    \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                   \
    do {                                                                     \
        const char *a_ = (a), *b_ = (b);                                     \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                             \
            test_failures++;                                                 \
            fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n",      \
                    __FILE__, __LINE__, #a, a_ ? a_ : "(null)",              \
                    b_ ? b_ : "(null)");                                     \
        }                                                                    \
    } while (0)

/* The model of data/, loaded once for the whole run (NULL, with a message,
 * when it does not load). */
marsad_model *test_model(void);

/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
char *test_read_file(const char *path, size_t *len);

/* A random text for property tests: up to `count` pieces drawn from
 * pieces[0..n) with the xorshift generator whose state is *x, joined while
 * they fit in cap - 1 bytes (not NUL-terminated). Returns the length. */
size_t test_random_text(const char *const *pieces, size_t n, int count,
                        unsigned long long *x, char *out, size_t cap);

/* Words for random texts: copies of the words (split at spaces, tabs and
 * line breaks) of the texts added, up to max in all. */
typedef struct {
    char **w;
    size_t n, cap, max;
} test_words;
/* Adds the words of text (which is cut up in place). */
void test_words_add(test_words *p, char *text);
void test_words_free(test_words *p);

/* A 64-bit linear congruential step: the next state of *s, high bits. */
static inline uint64_t test_lcg(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Calls fn(path) for every file in dir whose name ends with suffix, in
 * sorted order; returns how many. */
int test_each_file(const char *dir, const char *suffix,
                   void (*fn)(const char *path, void *ctx), void *ctx);

#endif
