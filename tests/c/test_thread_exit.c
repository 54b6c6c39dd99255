/*
 * The C boundary never panics, even when called from a pthread key destructor: a thread that
 * exits (as thread pools' threads do) runs its key destructors after Rust's thread-local
 * destructors, so the library's thread-local last error is gone by then. Before the fix the
 * first such call aborted the process ("cannot access a Thread Local Storage value during or
 * after destruction", a panic in a function that cannot unwind).
 *
 * The thread calls the library once (so its thread-locals exist and are destroyed at exit),
 * then exits; its key destructor calls several API functions and records what it saw; the
 * main thread checks the record and exits normally. Run by `make test-c` (no server needed),
 * under valgrind when it is installed. Compiled with -Wall -Wextra -Werror.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agcupload.h"
#include "check.h"

static pthread_key_t key;
static int destructor_ran = 0;

/* agc_last_error() must be a valid string whatever happens. */
static void check_last_error(const char *when, int want_nonempty) {
    const char *e = agc_last_error();
    CHECK(e != NULL, "agc_last_error() is NULL %s", when);
    if (e) {
        size_t n = strlen(e);
        if (want_nonempty) CHECK(n > 0, "agc_last_error() is empty %s", when);
        else CHECK(n == 0, "agc_last_error() is \"%s\" %s", e, when);
    }
}

static void on_thread_exit(void *value) {
    (void)value;
    destructor_ran = 1;
    check_last_error("first thing in the key destructor", 1);

    CHECK(strcmp(agc_status_str(AGC_ERR_FILE), "AGC_ERR_FILE") == 0, "agc_status_str");
    CHECK(strlen(agc_version()) > 0, "agc_version");

    agc_client *c = (agc_client *)0x1;
    agc_status st = agc_client_new(NULL, "secret", &c);
    CHECK(st == AGC_ERR_INVALID_ARGUMENT, "agc_client_new(NULL, ...) gave %s", agc_status_str((int)st));
    CHECK(c == NULL, "out-pointer not cleared");
    check_last_error("after a failed agc_client_new", 1);

    agc_upload_options *o = (agc_upload_options *)0x1;
    st = agc_upload_options_new(&o);
    CHECK(st == AGC_OK, "agc_upload_options_new gave %s", agc_status_str((int)st));
    check_last_error("after a successful call", 0);
    agc_upload_options_free(o == (agc_upload_options *)0x1 ? NULL : o);

    /* A real client, and an upload that fails validation before any network I/O. */
    c = NULL;
    st = agc_client_new("id", "secret", &c);
    CHECK(st == AGC_OK, "agc_client_new gave %s", agc_status_str((int)st));
    agc_upload_result *r = (agc_upload_result *)0x1;
    st = agc_upload_file(c, "10001", "/nonexistent/dir/x.app", AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r);
    CHECK(st == (c ? AGC_ERR_FILE : AGC_ERR_INVALID_ARGUMENT), "upload gave %s: %s", agc_status_str((int)st),
          agc_last_error());
    CHECK(r == NULL, "upload out-pointer not cleared");
    check_last_error("after a failed upload", 1);

    /* The network setters and the release road: a setter that
     * rebuilds the connection agent, options, and a road that fails at its upload step and
     * still hands its result over. */
    if (c) {
        st = agc_client_set_proxy(c, "none");
        CHECK(st == AGC_OK, "agc_client_set_proxy gave %s: %s", agc_status_str((int)st), agc_last_error());
        st = agc_client_set_trust(c, AGC_TRUST_MOZILLA);
        CHECK(st == AGC_OK, "agc_client_set_trust gave %s: %s", agc_status_str((int)st), agc_last_error());
        st = agc_client_set_trust(c, 0);
        CHECK(st == AGC_ERR_INVALID_ARGUMENT, "agc_client_set_trust(0) gave %s", agc_status_str((int)st));
        check_last_error("after a refused agc_client_set_trust", 1);
    }
    agc_release_options *ro = (agc_release_options *)0x1;
    st = agc_release_options_new(&ro);
    CHECK(st == AGC_OK, "agc_release_options_new gave %s", agc_status_str((int)st));
    if (st == AGC_OK) {
        st = agc_release_options_set_note(ro, "en-US", "Exiting thread.");
        CHECK(st == AGC_OK, "agc_release_options_set_note gave %s", agc_status_str((int)st));
    }
    agc_release_result *rr = (agc_release_result *)0x1;
    st = agc_release_package(c, "20001", "/nonexistent/dir/x.app", AGC_KIND_HARMONY_APP, NULL,
                             st == AGC_OK ? ro : NULL, NULL, NULL, &rr);
    CHECK(st == (c ? AGC_ERR_FILE : AGC_ERR_INVALID_ARGUMENT), "release gave %s: %s", agc_status_str((int)st),
          agc_last_error());
    check_last_error("after a failed release road", 1);
    if (c) {
        CHECK(rr != NULL && rr != (agc_release_result *)0x1, "no release result");
        if (rr != NULL && rr != (agc_release_result *)0x1) {
            /* The preflight opens the package first (the road runs it by default). */
            CHECK(agc_release_result_failed_step(rr) == AGC_STEP_PREFLIGHT, "step %d", agc_release_result_failed_step(rr));
            CHECK(agc_release_result_note_count(rr) == 0 && agc_release_result_note(rr, 0) == NULL,
                  "notes after a preflight that could not open the file");
            agc_release_result_free(rr);
        }
    }
    agc_release_options_free(ro == (agc_release_options *)0x1 ? NULL : ro);
    agc_client_free(c);
    check_last_error("after agc_client_free", 0);
}

static void *thread_main(void *arg) {
    (void)arg;
    /* Use the library on this thread first, so that its thread-locals exist. */
    agc_client *c = NULL;
    agc_status st = agc_client_new(NULL, NULL, &c);
    CHECK(st == AGC_ERR_INVALID_ARGUMENT, "agc_client_new(NULL, NULL) gave %s", agc_status_str((int)st));
    check_last_error("in the thread", 1);
    pthread_setspecific(key, (void *)1);
    return NULL;
}

int main(void) {
    if (pthread_key_create(&key, on_thread_exit) != 0) { perror("pthread_key_create"); return 2; }
    pthread_t t;
    if (pthread_create(&t, NULL, thread_main, NULL) != 0) { perror("pthread_create"); return 2; }
    pthread_join(t, NULL);
    CHECK(destructor_ran, "the key destructor did not run");
    pthread_key_delete(key);
    printf("C thread-exit test: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
