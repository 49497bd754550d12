/* Checks shared by the C tests: count, report the failing line, carry on. */
#ifndef LOYALTY_TESTS_C_CHECK_H
#define LOYALTY_TESTS_C_CHECK_H

#include <loyalty/loyalty.h>

#include <stdio.h>
#include <string.h>

static int failures = 0, checks = 0;
static loy_error err;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        ++checks;                                                                      \
        if (!(cond)) {                                                                 \
            ++failures;                                                                \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                              \
    } while (0)
#define CHECK_STATUS(expr, want)                                                               \
    do {                                                                                       \
        int32_t got_ = (expr);                                                                 \
        ++checks;                                                                              \
        if (got_ != (want)) {                                                                  \
            ++failures;                                                                        \
            fprintf(stderr, "  %s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, \
                    #expr, loy_status_name(got_), loy_status_name(want), err.message);         \
        }                                                                                      \
    } while (0)

/* A named test: runs its checks and counts as failed if any check failed. */
struct test {
    const char* name;
    void (*fn)(void);
};

/* Runs `tests` (only the one named `only`, if not NULL), prints "ok"/"FAIL" per test and the
 * summary line "N passed, N failed"; returns the process exit code. */
static inline int run_tests(const struct test* tests, size_t n, const char* only) {
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; ++i) {
        if (only && strcmp(only, tests[i].name) != 0) continue;
        int before = failures;
        tests[i].fn();
        if (failures == before) {
            ++passed;
            printf("ok   %s\n", tests[i].name);
        } else {
            ++failed;
            printf("FAIL %s\n", tests[i].name);
        }
    }
    printf("%d checks\n%d passed, %d failed\n", checks, passed, failed);
    return failed == 0 ? 0 : 1;
}

#endif
