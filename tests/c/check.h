/* Checks shared by the C tests: count, report the failing line, carry on. */
#ifndef LOYALTY_TESTS_C_CHECK_H
#define LOYALTY_TESTS_C_CHECK_H

#include <loyalty/loyalty.h>

#include <stdio.h>

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

#endif
