/*
 * The release road through the C ABI, against the standalone mock server (run by `make test`
 * through scripts/with-mock.sh, like test_abi.c, and under valgrind when it is installed):
 * upload -> bind -> wait -> notes in two languages -> submit for review; a HarmonyOS test
 * release; failures that name their step and keep the ids; a rerun resuming from them.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agcupload.h"
#include "check.h"
#include "app.h"

static char dir[256];
static char app[512];

static void make_app(void) {
    snprintf(app, sizeof app, "%s/release.app", dir);
    write_signed_app(app, 100004); /* a signed package: the road runs the preflight */
}

/* Bit set of the phases reported. */
static int on_progress(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    (void)done; (void)total;
    *(unsigned *)ud |= 1u << phase;
    return 0;
}

static int nonempty(const char *s) { return s != NULL && s[0] != '\0'; }

/* 64 lowercase hex digits. */
static int is_sha256_hex(const char *s) {
    if (s == NULL || strlen(s) != 64) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
    return 1;
}

/* The size of the file at `path`, in bytes. */
static uint64_t file_size(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n < 0 ? 0 : (uint64_t)n;
}

/* Re-entrancy: from a progress callback of
 * agc_release_package or agc_submit_for_review, every call into the same client is refused
 * with AGC_ERR_REENTRANT and does nothing; freeing the release options the operation was
 * given, and an earlier result, is safe there (the operation works on copies). */
struct rel_reentry {
    agc_client *client;
    agc_release_options **opts;
    agc_release_result **earlier;
    int tried;
    agc_status setter, proxy, trust, release, notes, submit, state;
    int release_out_cleared, state_out_cleared, free_refused;
};

static int rel_reenter(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    struct rel_reentry *t = ud;
    (void)phase; (void)done; (void)total;
    if (t->tried) return 0;
    t->tried = 1;
    t->setter = agc_client_set_retry(t->client, 3, 0);
    t->proxy = agc_client_set_proxy(t->client, "none");
    t->trust = agc_client_set_trust(t->client, AGC_TRUST_MOZILLA);
    agc_release_result *r = (agc_release_result *)0x1;
    t->release = agc_release_package(t->client, "20010", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &r);
    t->release_out_cleared = r == NULL;
    t->notes = agc_set_release_notes(t->client, "20010", t->opts ? *t->opts : NULL, NULL, NULL);
    t->submit = agc_submit_for_review(t->client, "20010", NULL, NULL, NULL);
    agc_release_status *rs = (agc_release_status *)0x1;
    t->state = agc_get_release_status(t->client, "20010", &rs);
    t->state_out_cleared = rs == NULL;
    agc_client_free(t->client);
    t->free_refused = strstr(agc_last_error(), "agc_client_free") != NULL;
    if (t->opts && *t->opts) {
        agc_release_options_free(*t->opts);
        *t->opts = NULL;
    }
    if (t->earlier && *t->earlier) {
        agc_release_result_free(*t->earlier);
        *t->earlier = NULL;
    }
    return 0;
}

static void check_rel_reentry(const struct rel_reentry *t, const char *op) {
    CHECK(t->tried, "%s: no callback", op);
    CHECK(t->setter == AGC_ERR_REENTRANT, "%s: setter gave %s", op, agc_status_str((int)t->setter));
    CHECK(t->proxy == AGC_ERR_REENTRANT, "%s: set_proxy gave %s", op, agc_status_str((int)t->proxy));
    CHECK(t->trust == AGC_ERR_REENTRANT, "%s: set_trust gave %s", op, agc_status_str((int)t->trust));
    CHECK(t->release == AGC_ERR_REENTRANT, "%s: nested release gave %s", op, agc_status_str((int)t->release));
    CHECK(t->notes == AGC_ERR_REENTRANT, "%s: nested notes gave %s", op, agc_status_str((int)t->notes));
    CHECK(t->submit == AGC_ERR_REENTRANT, "%s: nested submit gave %s", op, agc_status_str((int)t->submit));
    CHECK(t->state == AGC_ERR_REENTRANT, "%s: nested state gave %s", op, agc_status_str((int)t->state));
    CHECK(t->release_out_cleared, "%s: the nested release left its out-pointer set", op);
    CHECK(t->state_out_cleared, "%s: the nested status call left its out-pointer set", op);
    CHECK(t->free_refused, "%s: agc_client_free of the busy client did not say it refused", op);
}

/* Frees the options agc_set_release_notes was given, from its first callback. */
static int free_release_options_cb(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    agc_release_options **o = ud;
    (void)phase; (void)done; (void)total;
    if (*o) {
        agc_release_options_free(*o);
        *o = NULL;
    }
    return 0;
}

int main(void) {
    const char *id = getenv("AGC_MOCK_CLIENT_ID");
    const char *secret = getenv("AGC_MOCK_CLIENT_SECRET");
    if (!getenv("AGC_MOCK_BASE_URL") || !id || !secret || !getenv("AGC_MOCK_CA_FILE")) {
        fprintf(stderr, "run me through scripts/with-mock.sh\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/agc-c-release-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    make_app();
    const uint64_t app_size = file_size(app);

    agc_client *c = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &c), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, getenv("AGC_MOCK_BASE_URL")), AGC_OK);
    CHECK_STATUS(agc_client_set_ca_file(c, getenv("AGC_MOCK_CA_FILE")), AGC_OK);
    CHECK_STATUS(agc_client_set_retry(c, 2, 60000), AGC_OK);
    CHECK_STATUS(agc_client_set_poll_interval_ms(c, 10, 40), AGC_OK);

    /* Options: each setter checks its value at once. */
    agc_release_options *o = NULL;
    CHECK_STATUS(agc_release_options_new(&o), AGC_OK);
    char long_note[502];
    memset(long_note, 'x', 501);
    long_note[501] = '\0';
    CHECK_STATUS(agc_release_options_set_note(o, "de-DE", long_note), AGC_ERR_INVALID_ARGUMENT);
    CHECK(strstr(agc_last_error(), "de-DE") != NULL, "the language is not named: %s", agc_last_error());
    CHECK_STATUS(agc_release_options_set_note(o, "en US", "x"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_release_time(o, "2031-05-06 07:08:09"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_release_time(o, "2031-02-30T07:08:09+0000"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_phase(o, 3, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_phase(o, 1, "x"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_remark(o, "short"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_test_window(o, 1, 2), AGC_ERR_INVALID_ARGUMENT); /* no test yet */
    CHECK_STATUS(agc_release_options_set_test(o, 5, "beta"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_note(NULL, "en-US", "x"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_note(o, "en-US", "\xff\xfe"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_timeouts_ms(o, 0, 1), AGC_ERR_INVALID_ARGUMENT);
    /* 500 emoji are 1000 UTF-16 code units: over AGC's 500. A note of only BOMs and
     * zero-width spaces is empty. */
    {
        char emoji[500 * 4 + 1];
        for (int i = 0; i < 500; i++) memcpy(emoji + 4 * i, "\xf0\x9f\x98\x80", 4);
        emoji[2000] = '\0';
        CHECK_STATUS(agc_release_options_set_note(o, "en-US", emoji), AGC_ERR_INVALID_ARGUMENT);
        CHECK(strstr(agc_last_error(), "UTF-16") != NULL, "%s", agc_last_error());
        emoji[1000] = '\0'; /* 250 emoji: 500 units */
        CHECK_STATUS(agc_release_options_set_note(o, "en-US", emoji), AGC_OK);
        CHECK_STATUS(agc_release_options_set_note(o, "en-US", "\xef\xbb\xbf\xe2\x80\x8b "), AGC_ERR_INVALID_ARGUMENT);
    }
    /* Listing texts need the language's notes first, and are bounded. */
    CHECK_STATUS(agc_release_options_set_note_listing(o, "zh-CN", "App", NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    {
        char long_name[66];
        memset(long_name, 'n', 65);
        long_name[65] = '\0';
        CHECK_STATUS(agc_release_options_set_note_listing(o, "en-US", long_name, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    }
    /* Extra submit fields: JSON values; fields the options model themselves are refused. */
    CHECK_STATUS(agc_release_options_set_submit_field(o, "remark", "\"Please test it.\""), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_submit_field(o, "registeredIdType", "one"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_submit_field(o, "bad name", "1"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_submit_field(NULL, "registeredIdType", "1"), AGC_ERR_INVALID_ARGUMENT);
    /* Test settings need a test. */
    CHECK_STATUS(agc_release_options_set_distribute_mode(o, 2), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_test_notify(o, 1), AGC_ERR_INVALID_ARGUMENT);

    /* The whole road: notes in two languages, a phased, scheduled release with a remark. */
    CHECK_STATUS(agc_release_options_set_note(o, "en-US", "Dark mode."), AGC_OK);
    CHECK_STATUS(agc_release_options_set_note(o, "zh-CN", "\xe6\xb7\xb1\xe8\x89\xb2\xe6\xa8\xa1\xe5\xbc\x8f"), AGC_OK);
    CHECK_STATUS(agc_release_options_set_release_time(o, "2031-05-06T07:08:09Z"), AGC_OK);
    CHECK_STATUS(agc_release_options_set_phase(o, 3, "1% first"), AGC_OK);
    CHECK_STATUS(agc_release_options_set_remark(o, "Please test the login."), AGC_OK);
    CHECK_STATUS(agc_release_options_set_timeouts_ms(o, 60000, 60000), AGC_OK);
    CHECK_STATUS(agc_release_options_set_note_listing(o, "en-US", "Dark App", NULL, "Dark mode for all."), AGC_OK);
    CHECK_STATUS(agc_release_options_set_submit_field(o, "registeredIdType", "1"), AGC_OK);
    CHECK_STATUS(agc_release_options_set_submit_field(o, "registeredIdNumber", "\"91110000MA00000000\""), AGC_OK);
    unsigned phases = 0;
    agc_release_result *r = NULL;
    CHECK_STATUS(agc_release_package(c, "20001", app, AGC_KIND_HARMONY_APP, NULL, o, on_progress, &phases, &r), AGC_OK);
    CHECK(r != NULL, "no result");
    if (r) {
        /* What was uploaded: the same SHA-256 and size as a plain upload of the file reports. */
        agc_upload_result *plain = NULL;
        CHECK_STATUS(agc_upload_file(c, "20001", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &plain), AGC_OK);
        const char *sha = agc_release_result_sha256(r);
        CHECK(is_sha256_hex(sha), "sha256 %s", sha ? sha : "(null)");
        CHECK(plain && sha && strcmp(sha, agc_upload_result_sha256(plain)) == 0, "sha256 %s differs from the upload's",
              sha ? sha : "(null)");
        CHECK(agc_release_result_size(r) == app_size, "size %llu, file %llu",
              (unsigned long long)agc_release_result_size(r), (unsigned long long)app_size);
        agc_upload_result_free(plain);
        CHECK(nonempty(agc_release_result_object_id(r)), "no object id");
        CHECK(nonempty(agc_release_result_package_id(r)), "no package id");
        CHECK(agc_release_result_version_id(r) == NULL, "a version id for a review");
        CHECK(strcmp(agc_release_result_file_name(r), "release.app") == 0, "file name");
        CHECK(agc_release_result_failed_step(r) == AGC_STEP_NONE, "failed step %d", agc_release_result_failed_step(r));
        CHECK(agc_release_result_status(r) == AGC_OK, "status");
        CHECK(strcmp(agc_release_result_error(r), "") == 0, "error text on success");
        agc_release_result_free(r);
    }
    unsigned want = (1u << AGC_PHASE_UPLOADING) | (1u << AGC_PHASE_BINDING) | (1u << AGC_PHASE_WAITING) |
                    (1u << AGC_PHASE_SETTING_NOTES) | (1u << AGC_PHASE_SUBMITTING);
    CHECK((phases & want) == want, "phases seen %#x, want at least %#x", phases, want);

    /* Where the release stands: in review, no opinion, no reviewState from this mock app. */
    {
        agc_release_status *rs = (agc_release_status *)0x1;
        CHECK_STATUS(agc_get_release_status(c, "20001", &rs), AGC_OK);
        CHECK(agc_release_status_state(rs) == AGC_RELEASE_IN_REVIEW && agc_release_status_release_state(rs) == 4,
              "status %d raw %lld", agc_release_status_state(rs), (long long)agc_release_status_release_state(rs));
        CHECK(agc_release_status_review_state(rs) == -1 && agc_release_status_audit_opinion(rs) == NULL, "extra fields");
        CHECK(strcmp(agc_release_state_str(agc_release_status_state(rs)), "in-review") == 0, "state name");
        agc_release_status_free(rs);
        rs = (agc_release_status *)0x1;
        CHECK_STATUS(agc_get_release_status(NULL, "20001", &rs), AGC_ERR_INVALID_ARGUMENT);
        CHECK(rs == NULL, "out not cleared");
        CHECK_STATUS(agc_get_release_status(c, "20001", NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK(agc_release_status_state(NULL) == AGC_RELEASE_OTHER && agc_release_status_release_state(NULL) == -1 &&
              agc_release_status_review_state(NULL) == -1 && agc_release_status_audit_opinion(NULL) == NULL,
              "accessors of NULL");
        agc_release_status_free(NULL);
        CHECK(strcmp(agc_release_state_str(AGC_RELEASE_APPROVED), "approved") == 0 &&
              strcmp(agc_release_state_str(AGC_RELEASE_OFFLINE), "offline") == 0 &&
              strcmp(agc_release_state_str(99), "other") == 0, "state names");
    }
    /* An unknown submit field reaches AGC (the mock refuses fields it does not know). */
    {
        agc_release_options *xf = NULL;
        CHECK_STATUS(agc_release_options_new(&xf), AGC_OK);
        CHECK_STATUS(agc_release_options_set_submit_field(xf, "someNewField", "{\"a\":1}"), AGC_OK);
        CHECK_STATUS(agc_submit_for_review(c, "20001", xf, NULL, NULL), AGC_ERR_API);
        CHECK(strstr(agc_last_error(), "someNewField") != NULL, "%s", agc_last_error());
        CHECK_STATUS(agc_release_options_set_submit_field(xf, "someNewField", NULL), AGC_OK);
        agc_release_options_free(xf);
    }

    /* Failure at the notes (the app has no fr-FR): the ids are kept, the step is named... */
    agc_release_options *bad = NULL;
    CHECK_STATUS(agc_release_options_new(&bad), AGC_OK);
    CHECK_STATUS(agc_release_options_set_note(bad, "fr-FR", "Mode sombre."), AGC_OK);
    r = NULL;
    CHECK_STATUS(agc_release_package(c, "20002", app, AGC_KIND_HARMONY_APP, NULL, bad, NULL, NULL, &r), AGC_ERR_API);
    CHECK(strstr(agc_last_error(), "step notes") && strstr(agc_last_error(), "fr-FR"), "%s", agc_last_error());
    CHECK(r != NULL, "no result on failure");
    char object_id[1100] = "";
    if (r) {
        CHECK(agc_release_result_failed_step(r) == AGC_STEP_NOTES, "step %d", agc_release_result_failed_step(r));
        CHECK(agc_release_result_status(r) == AGC_ERR_API, "status %d", agc_release_result_status(r));
        CHECK(strstr(agc_release_result_error(r), "fr-FR") != NULL, "%s", agc_release_result_error(r));
        CHECK(nonempty(agc_release_result_object_id(r)) && nonempty(agc_release_result_package_id(r)), "ids lost");
        if (agc_release_result_object_id(r)) snprintf(object_id, sizeof object_id, "%s", agc_release_result_object_id(r));
        char sha[65] = "";
        CHECK(is_sha256_hex(agc_release_result_sha256(r)), "the upload's sha256 lost on failure");
        if (agc_release_result_sha256(r)) snprintf(sha, sizeof sha, "%s", agc_release_result_sha256(r));
        CHECK(agc_release_result_size(r) == app_size, "size %llu", (unsigned long long)agc_release_result_size(r));
        /* ... and a rerun continues from them (the upload's SHA-256 and size carried along). */
        agc_release_options *again = NULL;
        CHECK_STATUS(agc_release_options_new(&again), AGC_OK);
        CHECK_STATUS(agc_release_options_set_note(again, "en-US", "Dark mode."), AGC_OK);
        CHECK_STATUS(agc_release_options_set_resume(again, agc_release_result_object_id(r), agc_release_result_file_name(r),
                                                    agc_release_result_package_id(r), agc_release_result_version_id(r),
                                                    agc_release_result_sha256(r), agc_release_result_size(r)), AGC_OK);
        agc_release_result_free(r);
        r = NULL;
        CHECK_STATUS(agc_release_package(c, "20002", "/nonexistent/not-read.app", AGC_KIND_HARMONY_APP, NULL, again, NULL, NULL, &r), AGC_OK);
        if (r) {
            CHECK(strcmp(agc_release_result_object_id(r), object_id) == 0, "a new object: %s", agc_release_result_object_id(r));
            CHECK(agc_release_result_sha256(r) && strcmp(agc_release_result_sha256(r), sha) == 0, "sha256 not carried");
            CHECK(agc_release_result_size(r) == app_size, "size not carried");
            agc_release_result_free(r);
        }
        agc_release_options_free(again);
        /* Resumed past the upload from bare ids: the upload's SHA-256 and size are unknown. */
        agc_release_options *bare = NULL;
        CHECK_STATUS(agc_release_options_new(&bare), AGC_OK);
        CHECK_STATUS(agc_release_options_set_resume(bare, object_id, "release.app", NULL, NULL, NULL, 0), AGC_OK);
        r = NULL;
        CHECK_STATUS(agc_release_package(c, "20002", "/nonexistent/not-read.app", AGC_KIND_HARMONY_APP, NULL, bare, NULL, NULL, &r), AGC_ERR_API);
        if (r) {
            CHECK(agc_release_result_failed_step(r) == AGC_STEP_SUBMIT, "step %d", agc_release_result_failed_step(r));
            CHECK(strcmp(agc_release_result_object_id(r), object_id) == 0, "a new object: %s", agc_release_result_object_id(r));
            CHECK(agc_release_result_sha256(r) == NULL && agc_release_result_size(r) == 0, "an upload reported after a bare resume");
            agc_release_result_free(r);
        }
        /* ... and known again when given with the ids. */
        CHECK_STATUS(agc_release_options_set_resume(bare, object_id, "release.app", NULL, NULL, sha, app_size), AGC_OK);
        r = NULL;
        CHECK_STATUS(agc_release_package(c, "20002", "/nonexistent/not-read.app", AGC_KIND_HARMONY_APP, NULL, bare, NULL, NULL, &r), AGC_ERR_API);
        if (r) {
            CHECK(agc_release_result_sha256(r) && strcmp(agc_release_result_sha256(r), sha) == 0, "sha256 not carried");
            CHECK(agc_release_result_size(r) == app_size, "size not carried");
            agc_release_result_free(r);
        }
        agc_release_options_free(bare);
    }
    agc_release_options_free(bad);

    /* A second road while in review: the preflight refuses it before anything is sent. */
    r = NULL;
    CHECK_STATUS(agc_release_package(c, "20001", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &r), AGC_ERR_PREFLIGHT);
    CHECK(strstr(agc_last_error(), "is in review (release state 4") != NULL, "%s", agc_last_error());
    CHECK(strcmp(agc_status_str(AGC_ERR_PREFLIGHT), "AGC_ERR_PREFLIGHT") == 0, "status name");
    if (r) {
        CHECK(agc_release_result_failed_step(r) == AGC_STEP_PREFLIGHT, "step %d", agc_release_result_failed_step(r));
        CHECK(agc_release_result_object_id(r) == NULL, "an object after a preflight refusal");
        agc_release_result_free(r);
    }
    /* With the preflight off, the upload goes on and AGC refuses the submit: ids kept. */
    agc_upload_options *nopre = NULL;
    CHECK_STATUS(agc_upload_options_new(&nopre), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_preflight(nopre, 2), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_preflight(NULL, 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_preflight(nopre, 0), AGC_OK);
    r = NULL;
    CHECK_STATUS(agc_release_package(c, "20001", app, AGC_KIND_HARMONY_APP, nopre, NULL, NULL, NULL, &r), AGC_ERR_API);
    agc_upload_options_free(nopre);
    CHECK(strstr(agc_last_error(), "under review") != NULL, "%s", agc_last_error());
    if (r) {
        CHECK(agc_release_result_failed_step(r) == AGC_STEP_SUBMIT, "step %d", agc_release_result_failed_step(r));
        CHECK(nonempty(agc_release_result_package_id(r)), "package id lost");
        agc_release_result_free(r);
    }
    CHECK_STATUS(agc_submit_for_review(c, "20001", NULL, NULL, NULL), AGC_ERR_API);

    /* App 20090's API client lacks the rights to read it (the mock's --app
     * '{"appId":"20090","denyAppInfo":true}', see the Makefile): the road goes through and its
     * result carries the preflight's warning as a note. */
    r = NULL;
    CHECK_STATUS(agc_release_package(c, "20090", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &r), AGC_OK);
    if (r) {
        size_t n = agc_release_result_note_count(r);
        int warned = 0;
        for (size_t i = 0; i < n; i++) {
            const char *note = agc_release_result_note(r, i);
            CHECK(note != NULL, "note %zu is NULL", i);
            if (note && strncmp(note, "warning: ", 9) == 0 && strstr(note, "lack of rights") && strstr(note, "20090"))
                warned = 1;
        }
        CHECK(warned, "no rights warning among the %zu notes of the road to 20090", n);
        CHECK(agc_release_result_note(r, n) == NULL, "note past the end");
        agc_release_result_free(r);
    }
    CHECK(agc_release_result_note_count(NULL) == 0 && agc_release_result_note(NULL, 0) == NULL, "notes of NULL");

    /* A HarmonyOS invite test: needs a group (checked before any request), then goes through. */
    agc_release_options *t = NULL;
    CHECK_STATUS(agc_release_options_new(&t), AGC_OK);
    CHECK_STATUS(agc_release_options_set_test(t, 3, "1.2.0 beta"), AGC_OK);
    r = NULL;
    CHECK_STATUS(agc_release_package(c, "20003", app, AGC_KIND_HARMONY_APP, NULL, t, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    if (r) {
        CHECK(agc_release_result_failed_step(r) == AGC_STEP_CHECK, "step %d", agc_release_result_failed_step(r));
        CHECK(agc_release_result_object_id(r) == NULL, "an object before any request");
        CHECK(agc_release_result_sha256(r) == NULL && agc_release_result_size(r) == 0, "an upload before any request");
        agc_release_result_free(r);
    }
    CHECK_STATUS(agc_release_options_add_test_group(t, "grp-1", 1), AGC_OK);
    /* One needNotify per test version: a group asking another flag is refused. */
    CHECK_STATUS(agc_release_options_add_test_group(t, "grp-2", 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK(strstr(agc_last_error(), "needNotify") != NULL, "%s", agc_last_error());
    CHECK_STATUS(agc_release_options_set_test_notify(t, 2), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_test_notify(t, 1), AGC_OK);
    CHECK_STATUS(agc_release_options_add_test_group(t, "grp-2", 1), AGC_OK);
    CHECK_STATUS(agc_release_options_set_distribute_mode(t, 3), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_distribute_mode(t, 2), AGC_OK);
    /* A window over 90 days is refused. */
    CHECK_STATUS(agc_release_options_set_test_window(t, 1900000000000ULL, 1900000000000ULL + 91ULL * 86400000ULL),
                 AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_release_options_set_test_window(t, 1900000000000ULL, 1900604800000ULL), AGC_OK);
    phases = 0;
    r = NULL;
    CHECK_STATUS(agc_release_package(c, "20003", app, AGC_KIND_HARMONY_APP, NULL, t, on_progress, &phases, &r), AGC_OK);
    if (r) {
        CHECK(nonempty(agc_release_result_version_id(r)), "no version id");
        CHECK(nonempty(agc_release_result_package_id(r)), "no package id");
        CHECK(is_sha256_hex(agc_release_result_sha256(r)) && agc_release_result_size(r) == app_size, "upload not reported");
        agc_release_result_free(r);
    }
    want = (1u << AGC_PHASE_CREATING_TEST_VERSION) | (1u << AGC_PHASE_ADDING_TEST_PACKAGE) |
           (1u << AGC_PHASE_WAITING) | (1u << AGC_PHASE_SETTING_TEST_INFO) | (1u << AGC_PHASE_SUBMITTING_TEST);
    CHECK((phases & want) == want, "phases seen %#x, want at least %#x", phases, want);
    agc_release_options_free(t);

    /* Re-entrancy from the release road's callback; the options and an earlier result are
     * freed there, and the road still completes with the notes and remark it was given. */
    {
        agc_release_options *ro = NULL;
        CHECK_STATUS(agc_release_options_new(&ro), AGC_OK);
        CHECK_STATUS(agc_release_options_set_note(ro, "en-US", "Re-entry."), AGC_OK);
        CHECK_STATUS(agc_release_options_set_remark(ro, "Please test the login."), AGC_OK);
        agc_release_result *earlier = NULL;
        CHECK_STATUS(agc_release_package(c, "20011", "/nonexistent/x.app", AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &earlier), AGC_ERR_FILE);
        CHECK(earlier != NULL && agc_release_result_failed_step(earlier) == AGC_STEP_PREFLIGHT, "no earlier result (the preflight opens the file first)");
        CHECK(agc_release_result_sha256(earlier) == NULL && agc_release_result_size(earlier) == 0, "a failed upload reported one");
        struct rel_reentry t;
        memset(&t, 0, sizeof t);
        t.client = c; t.opts = &ro; t.earlier = &earlier;
        agc_release_result *rr = NULL;
        CHECK_STATUS(agc_release_package(c, "20010", app, AGC_KIND_HARMONY_APP, NULL, ro, rel_reenter, &t, &rr), AGC_OK);
        check_rel_reentry(&t, "release_package");
        CHECK(ro == NULL && earlier == NULL, "the callback did not free the options and the result");
        if (rr) {
            CHECK(nonempty(agc_release_result_package_id(rr)), "no package id");
            agc_release_result_free(rr);
        }
        agc_release_status *rs = NULL;
        CHECK_STATUS(agc_get_release_status(c, "20010", &rs), AGC_OK);
        CHECK(agc_release_status_state(rs) == AGC_RELEASE_IN_REVIEW, "the road did not submit: state %d",
              agc_release_status_state(rs));
        agc_release_status_free(rs);

        /* The same from agc_submit_for_review's callback (a fresh draft). */
        agc_release_options *so = NULL;
        CHECK_STATUS(agc_release_options_new(&so), AGC_OK);
        CHECK_STATUS(agc_release_options_set_remark(so, "Please test the login."), AGC_OK);
        memset(&t, 0, sizeof t);
        t.client = c; t.opts = &so;
        agc_status sst = agc_submit_for_review(c, "20012", so, rel_reenter, &t);
        CHECK(sst == AGC_OK || sst == AGC_ERR_API, "submit gave %s (%s)", agc_status_str((int)sst), agc_last_error());
        check_rel_reentry(&t, "submit_for_review");
        CHECK(so == NULL, "the callback did not free the options");

        /* agc_set_release_notes works on a copy of the notes: its callback may free the
         * options between the two languages (valgrind sees a use after free otherwise). */
        agc_release_options *no = NULL;
        CHECK_STATUS(agc_release_options_new(&no), AGC_OK);
        CHECK_STATUS(agc_release_options_set_note(no, "en-US", "First language."), AGC_OK);
        CHECK_STATUS(agc_release_options_set_note(no, "zh-CN", "Second language."), AGC_OK);
        CHECK_STATUS(agc_set_release_notes(c, "20013", no, free_release_options_cb, &no), AGC_OK);
        CHECK(no == NULL, "the callback did not run");
        CHECK_STATUS(agc_client_set_retry(c, 2, 60000), AGC_OK); /* the client is usable again */
    }

    /* Out-pointers and out-values are reset before any check, for every failure; NULL for
     * every pointer argument is AGC_ERR_INVALID_ARGUMENT. */
    {
        CHECK_STATUS(agc_release_options_new(NULL), AGC_ERR_INVALID_ARGUMENT);
        agc_release_result *sr;
#define REL_SENTINEL_CASE(call, want, what)                                   \
        do {                                                                  \
            sr = (agc_release_result *)0x1;                                   \
            CHECK_STATUS(call, want);                                         \
            CHECK(sr == NULL, "release_package %s: out not cleared", what);  \
        } while (0)
        REL_SENTINEL_CASE(agc_release_package(NULL, "1", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &sr), AGC_ERR_INVALID_ARGUMENT, "NULL client");
        REL_SENTINEL_CASE(agc_release_package(c, NULL, app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &sr), AGC_ERR_INVALID_ARGUMENT, "NULL app_id");
        REL_SENTINEL_CASE(agc_release_package(c, "\xff", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &sr), AGC_ERR_INVALID_ARGUMENT, "bad UTF-8 app_id");
        REL_SENTINEL_CASE(agc_release_package(c, "1", NULL, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &sr), AGC_ERR_INVALID_ARGUMENT, "NULL path");
        REL_SENTINEL_CASE(agc_release_package(c, "1", app, 99, NULL, NULL, NULL, NULL, &sr), AGC_ERR_INVALID_ARGUMENT, "bad kind");
        agc_release_status *ss;
#define STATUS_CASE(cl, ap, what)                                                               \
        do {                                                                                    \
            ss = (agc_release_status *)0x1;                                                     \
            CHECK_STATUS(agc_get_release_status(cl, ap, &ss), AGC_ERR_INVALID_ARGUMENT);         \
            CHECK(ss == NULL, "get_release_status %s: out not cleared", what);                  \
        } while (0)
        STATUS_CASE(NULL, "20001", "NULL client");
        STATUS_CASE(c, NULL, "NULL app_id");
        STATUS_CASE(c, "\xff", "bad UTF-8 app_id");

        agc_release_options *no = NULL;
        CHECK_STATUS(agc_release_options_new(&no), AGC_OK);
        /* Options setters: a NULL options object, and each NULL string that is required. */
        CHECK_STATUS(agc_release_options_set_note(NULL, "en-US", "x"), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_note(no, NULL, "x"), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_note(no, "en-US", NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_release_time(NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_phase(NULL, 0, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_remark(NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_test(NULL, 4, "beta"), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_test(no, 4, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_test_window(NULL, 1, 2), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_add_test_group(NULL, "g", 0), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_test(no, 4, "beta"), AGC_OK);
        CHECK_STATUS(agc_release_options_add_test_group(no, NULL, 0), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_timeouts_ms(NULL, 1, 1), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_resume(NULL, NULL, NULL, NULL, NULL, NULL, 0), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_resume(no, NULL, NULL, NULL, NULL, "abc", 1), AGC_ERR_INVALID_ARGUMENT);
        CHECK(strstr(agc_last_error(), "SHA-256") != NULL, "%s", agc_last_error());
        CHECK_STATUS(agc_release_options_set_resume(no, NULL, NULL, NULL, NULL, "\xff", 1), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_resume(no, "\xff", NULL, NULL, NULL, NULL, 0), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_resume(no, NULL, "a/b.app", NULL, NULL, NULL, 0), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_release_options_set_resume(no, NULL, NULL, NULL, NULL, NULL, 0), AGC_OK);
        /* Hidden characters in ids to resume from are refused like control characters. */
        CHECK_STATUS(agc_release_options_set_resume(no, NULL, NULL, "pkg\xe2\x80\xae" "1", NULL, NULL, 0), AGC_OK);
        sr = NULL;
        CHECK_STATUS(agc_release_package(c, "20014", app, AGC_KIND_HARMONY_APP, NULL, no, NULL, NULL, &sr), AGC_ERR_INVALID_ARGUMENT);
        CHECK(sr != NULL && agc_release_result_failed_step(sr) == AGC_STEP_CHECK, "a hidden character in a resumed id was not refused at the check");
        agc_release_result_free(sr);
        /* The road and the separate steps. */
        CHECK_STATUS(agc_set_release_notes(NULL, "1", no, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_set_release_notes(c, NULL, no, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_set_release_notes(c, "1", NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_submit_for_review(NULL, "1", NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_submit_for_review(c, NULL, NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
        /* Accessors and frees take NULL. */
        CHECK(agc_release_result_object_id(NULL) == NULL && agc_release_result_file_name(NULL) == NULL &&
              agc_release_result_package_id(NULL) == NULL && agc_release_result_version_id(NULL) == NULL &&
              agc_release_result_error(NULL) == NULL && agc_release_result_sha256(NULL) == NULL &&
              agc_release_result_size(NULL) == 0, "accessors of a NULL result");
        CHECK(agc_release_result_status(NULL) == AGC_ERR_INVALID_ARGUMENT, "status of a NULL result");
        agc_release_options_free(no);
        /* The network setters. */
        CHECK_STATUS(agc_client_set_proxy(NULL, "none"), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_client_set_proxy(c, NULL), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_client_set_proxy(c, "\xff"), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_client_set_trust(NULL, AGC_TRUST_MOZILLA), AGC_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(agc_client_set_trust(c, 0), AGC_ERR_INVALID_ARGUMENT);
        /* Every status has a name. */
        for (int i = 0; i <= AGC_ERR_REENTRANT; i++)
            CHECK(strcmp(agc_status_str(i), "AGC_ERR_UNKNOWN") != 0, "status %d has no name", i);
    }

    /* The path is bytes on POSIX: a file whose name is not UTF-8 goes the whole road with
     * an explicit file name; without one the road stops at its upload step and says why. */
    {
        char badapp[600];
        snprintf(badapp, sizeof badapp, "%s/rel\377.app", dir);
        FILE *in = fopen(app, "rb"), *outf = fopen(badapp, "wb");
        if (!in || !outf) { perror(badapp); exit(2); }
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, outf);
        fclose(in);
        fclose(outf);
        agc_release_result *br = NULL;
        agc_status bst = agc_release_package(c, "20015", badapp, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &br);
        CHECK(bst != AGC_OK, "a non-UTF-8 name without a file name went through");
        CHECK(strstr(agc_last_error(), "file name") != NULL || strstr(agc_last_error(), "file_name") != NULL,
              "the message does not point to the file-name option: %s", agc_last_error());
        agc_release_result_free(br);
        agc_upload_options *uo = NULL;
        CHECK_STATUS(agc_upload_options_new(&uo), AGC_OK);
        CHECK_STATUS(agc_upload_options_set_file_name(uo, "good.app"), AGC_OK);
        br = NULL;
        CHECK_STATUS(agc_release_package(c, "20015", badapp, AGC_KIND_HARMONY_APP, uo, NULL, NULL, NULL, &br), AGC_OK);
        if (br) {
            CHECK(strcmp(agc_release_result_file_name(br), "good.app") == 0, "file name %s", agc_release_result_file_name(br));
            agc_release_result_free(br);
        }
        agc_upload_options_free(uo);
        unlink(badapp);
    }

    /* NULL handling. */
    CHECK_STATUS(agc_release_package(NULL, "1", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL, "out not cleared");
    CHECK_STATUS(agc_release_package(c, "1", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK(agc_release_result_object_id(NULL) == NULL && agc_release_result_failed_step(NULL) == AGC_STEP_NONE, "NULL result");
    CHECK(agc_release_result_sha256(NULL) == NULL && agc_release_result_size(NULL) == 0, "NULL result");
    agc_release_result_free(NULL);
    agc_release_options_free(NULL);

    agc_release_options_free(o);
    agc_client_free(c);
    unlink(app);
    rmdir(dir);
    printf("test_release: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
