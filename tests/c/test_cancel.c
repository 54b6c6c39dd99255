/*
 * C check that a progress callback's cancel is honoured while the upload host stops reading:
 * the mock runs with --fault put_never_read (it takes the PUT's head and never reads the
 * body), so the library's writes block once the socket buffers are full. The callback is
 * still asked while a write waits, and its non-zero return ends agc_upload_file with
 * AGC_ERR_CANCELLED well before the 60 s inactivity timeout, without a thread.
 * Run through scripts/with-mock.sh; compiled with -Wall -Wextra -Werror, under valgrind in CI.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agcupload.h"
#include "check.h"
#include "no_threads.h"

#define MIB (1024u * 1024u)
#define SIZE (16u * MIB)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Cancels once a second has passed since the first report of the upload. */
struct canceller { double first; double stopped; uint64_t last_done; int after_stop; };

static int cancel_after_a_second(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    struct canceller *c = ud;
    (void)total;
    if (c->stopped > 0) {
        c->after_stop++;
        return 1;
    }
    if (phase != AGC_PHASE_UPLOADING) return 0;
    c->last_done = done;
    if (c->first == 0) c->first = now();
    if (now() - c->first >= 1.0) {
        c->stopped = now();
        return 1;
    }
    return 0;
}

int main(void) {
    const char *base = getenv("AGC_MOCK_BASE_URL"), *ca = getenv("AGC_MOCK_CA_FILE");
    const char *id = getenv("AGC_MOCK_CLIENT_ID"), *secret = getenv("AGC_MOCK_CLIENT_SECRET");
    if (!base || !ca || !id || !secret) {
        fprintf(stderr, "run me through scripts/with-mock.sh --mock-args --fault put_never_read\n");
        return 2;
    }
    unsetenv("https_proxy"), unsetenv("HTTPS_PROXY"), unsetenv("all_proxy"), unsetenv("ALL_PROXY");

    /* Larger than the sockets' buffers can hold, so the writes surely block. */
    char path[512];
    snprintf(path, sizeof path, "%s/agc-c-cancel-%ld.app", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); return 2; }
    fputs("PK\x03\x04", f);
    for (uint32_t i = 4; i < SIZE; i++) fputc((int)(i * 31u % 251u), f);
    fclose(f);

    agc_client *c = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &c), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, base), AGC_OK);
    CHECK_STATUS(agc_client_set_ca_file(c, ca), AGC_OK);
    CHECK_STATUS(agc_client_set_retry(c, 1, 120000), AGC_OK);

    struct canceller stop = {0, 0, 0, 0};
    agc_upload_result *r = NULL;
    CHECK_STATUS(agc_upload_file(c, "10001", path, AGC_KIND_HARMONY_APP, NULL, cancel_after_a_second, &stop, &r),
                 AGC_ERR_CANCELLED);
    double ended = now();
    CHECK(r == NULL, "a result after a cancel");
    agc_upload_result_free(r);
    CHECK(stop.stopped > 0, "the callback was not asked after the host stopped reading");
    CHECK(stop.last_done < SIZE, "the whole body went out (%llu bytes): the writes did not block",
          (unsigned long long)stop.last_done);
    CHECK(stop.after_stop == 0, "the callback was called %d times after it cancelled", stop.after_stop);
    /* From the upload's first report (the cancel comes a second later). A bound, not a speed
     * check: well under the 60 s inactivity timeout a blocked write would otherwise wait
     * (valgrind is slow). */
    CHECK(stop.first > 0 && ended - stop.first < 20.0, "the cancel took %.1f s", ended - stop.first);
    CHECK(threads_started == 0, "the library called pthread_create %d times", threads_started);

    agc_client_free(c);
    remove(path);
    printf("C cancel test: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
