/* The C tests' one harness: CHECK counts checks and reports a failure with its place and a
 * printf-style message; CHECK_STATUS compares an agc_status and shows both names and
 * agc_last_error(). Each test prints "<name>: N checks, M failures" and exits non-zero on any
 * failure. Include once per test program, after agcupload.h. */
#ifndef AGC_TEST_CHECK_H
#define AGC_TEST_CHECK_H
#include <stdio.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        checks++;                                                              \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

#define CHECK_STATUS(expr, want)                                                            \
    do {                                                                                    \
        agc_status got_ = (expr);                                                           \
        CHECK(got_ == (want), "got %s, want %s (%s)", agc_status_str((int)got_),          \
              agc_status_str((int)(want)), agc_last_error());                              \
    } while (0)

#endif
