/*
 * C ABI test, run by `make test` against the standalone mock server (scripts/with-mock.sh
 * exports AGC_MOCK_BASE_URL, AGC_MOCK_CA_FILE, AGC_MOCK_CLIENT_ID, AGC_MOCK_CLIENT_SECRET).
 * Compiled with -Wall -Wextra -Werror and run under valgrind when it is installed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "agcupload.h"
#include "check.h"
#include "app.h"
#include "no_threads.h"

static char dir[256];

static const char *make_file(const char *name, const char *head, size_t size) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t nl = strlen(name);
    if (strcmp(head, "PK\x03\x04") == 0 && nl > 4 && strcmp(name + nl - 4, ".app") == 0 && size >= app_fixture_min()) {
        write_signed_app(path, size); /* a signed package: publish runs the preflight */
        return path;
    }
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    size_t hl = strlen(head);
    for (size_t i = 0; i < size; i++) fputc(i < hl ? head[i] : (int)(i * 31 % 251), f);
    fclose(f);
    return path;
}

struct counter { int calls; int cancel_after; uint64_t last_done; int phases_seen; };

/* Threads in this process, from /proc/self/task (Linux): the library must start none. */
static int max_threads = 0;
static void count_threads(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    if (n > max_threads) max_threads = n;
}

static int count_progress(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    struct counter *c = ud;
    c->calls++;
    c->phases_seen |= 1 << phase;
    count_threads();
    if (phase == AGC_PHASE_UPLOADING) c->last_done = done;
    (void)total;
    return c->cancel_after > 0 && c->calls >= c->cancel_after;
}

/* Copy a file (for the non-UTF-8 path tests). */
static void copy_file(const char *from, const char *to) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    if (!a || !b) { perror(a ? to : from); exit(2); }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, n, b);
    fclose(a);
    fclose(b);
}

/* Re-entrancy: calls into the client from inside its own progress callback are refused with
 * AGC_ERR_REENTRANT (and do nothing); the same calls on another client are fine. */
struct reentry {
    agc_client *client, *other;
    const char *app;
    int tried;
    agc_status setter, upload, bind, wait, publish, other_setter, other_upload;
    int upload_out_cleared, bind_out_cleared, publish_outs_cleared;
    int free_refused;
};

static int reenter(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    struct reentry *t = ud;
    (void)phase; (void)done; (void)total;
    if (t->tried) return 0;
    t->tried = 1;
    t->setter = agc_client_set_retry(t->client, 3, 0);
    agc_upload_result *r = (agc_upload_result *)0x1;
    t->upload = agc_upload_file(t->client, "10001", t->app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r);
    t->upload_out_cleared = r == NULL;
    char *pid = (char *)0x1;
    t->bind = agc_bind_object(t->client, "10001", "a.app", "obj", NULL, NULL, &pid);
    t->bind_out_cleared = pid == NULL;
    t->wait = agc_wait_package_ready(t->client, "10001", "pkg", 1000, NULL, NULL);
    r = (agc_upload_result *)0x1;
    pid = (char *)0x1;
    t->publish = agc_publish_package(t->client, "10001", t->app, AGC_KIND_HARMONY_APP, NULL, 1000, NULL, NULL, &r, &pid);
    t->publish_outs_cleared = r == NULL && pid == NULL;
    /* Freeing the busy client does nothing and says so. */
    agc_client_free(t->client);
    t->free_refused = strstr(agc_last_error(), "agc_client_free") != NULL;
    /* Another client is not busy: its calls go through. */
    t->other_setter = agc_client_set_retry(t->other, 2, 0);
    r = (agc_upload_result *)0x1;
    t->other_upload = agc_upload_file(t->other, "10001", "/nonexistent/x.app", AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r);
    return 0;
}

/* The caller may free the options or the result it passed from inside the callback: the
 * operation works on copies. */
static int free_options_cb(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    agc_upload_options **o = ud;
    (void)phase; (void)done; (void)total;
    agc_upload_options_free(*o);
    *o = NULL;
    return 0;
}

static int free_result_cb(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    agc_upload_result **r = ud;
    (void)phase; (void)done; (void)total;
    agc_upload_result_free(*r);
    *r = NULL;
    return 0;
}

static void check_reentry(const struct reentry *t, const char *op) {
    CHECK(t->tried, "%s: no callback", op);
    CHECK(t->setter == AGC_ERR_REENTRANT, "%s: setter gave %s", op, agc_status_str((int)t->setter));
    CHECK(t->upload == AGC_ERR_REENTRANT, "%s: nested upload gave %s", op, agc_status_str((int)t->upload));
    CHECK(t->bind == AGC_ERR_REENTRANT, "%s: nested bind gave %s", op, agc_status_str((int)t->bind));
    CHECK(t->wait == AGC_ERR_REENTRANT, "%s: nested wait gave %s", op, agc_status_str((int)t->wait));
    CHECK(t->publish == AGC_ERR_REENTRANT, "%s: nested publish gave %s", op, agc_status_str((int)t->publish));
    CHECK(t->upload_out_cleared && t->bind_out_cleared && t->publish_outs_cleared, "%s: out-pointers", op);
    CHECK(t->free_refused, "%s: agc_client_free of the busy client did not say it refused", op);
    CHECK(t->other_setter == AGC_OK, "%s: setter on another client gave %s", op, agc_status_str((int)t->other_setter));
    CHECK(t->other_upload == AGC_ERR_FILE, "%s: upload on another client gave %s", op,
          agc_status_str((int)t->other_upload));
}

static agc_client *new_client(const char *id, const char *secret) {
    agc_client *c = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &c), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, getenv("AGC_MOCK_BASE_URL")), AGC_OK);
    CHECK_STATUS(agc_client_set_ca_file(c, getenv("AGC_MOCK_CA_FILE")), AGC_OK);
    CHECK_STATUS(agc_client_set_retry(c, 2, 60000), AGC_OK);
    return c;
}

int main(void) {
    const char *base = getenv("AGC_MOCK_BASE_URL");
    const char *id = getenv("AGC_MOCK_CLIENT_ID");
    const char *secret = getenv("AGC_MOCK_CLIENT_SECRET");
    if (!base || !id || !secret || !getenv("AGC_MOCK_CA_FILE")) {
        fprintf(stderr, "run me through scripts/with-mock.sh\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/agc-c-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }

    /* Static information. */
    CHECK(strlen(agc_version()) > 0, "empty version");
    CHECK(strcmp(agc_status_str(AGC_OK), "AGC_OK") == 0, "%s", agc_status_str(AGC_OK));
    CHECK(strcmp(agc_status_str(AGC_ERR_FILE_TYPE), "AGC_ERR_FILE_TYPE") == 0, "name");
    CHECK(strcmp(agc_status_str(12345), "AGC_ERR_UNKNOWN") == 0, "unknown");
    /* Phase names: the core's, static, never NULL; "unknown" outside the enum. */
    CHECK(strcmp(agc_phase_str(AGC_PHASE_HASHING), "hashing") == 0, "%s", agc_phase_str(AGC_PHASE_HASHING));
    CHECK(strcmp(agc_phase_str(AGC_PHASE_REQUESTING_URL), "requesting_url") == 0, "requesting_url");
    CHECK(strcmp(agc_phase_str(AGC_PHASE_UPLOADING), "uploading") == 0, "uploading");
    CHECK(strcmp(agc_phase_str(AGC_PHASE_SUBMITTING_TEST), "submitting_test") == 0, "submitting_test");
    {
        static const int out_of_range[] = {0, -1, AGC_PHASE_LOOKING_UP_APP_ID + 1, 12345, -2147483647 - 1, 2147483647};
        for (size_t i = 0; i < sizeof out_of_range / sizeof out_of_range[0]; i++) {
            const char *n = agc_phase_str(out_of_range[i]);
            CHECK(n != NULL && strcmp(n, "unknown") == 0, "phase %d: %s", out_of_range[i], n ? n : "(null)");
        }
        /* Every phase has its own name, and the same pointer each time (static storage). */
        for (int p = AGC_PHASE_HASHING; p <= AGC_PHASE_LOOKING_UP_APP_ID; p++) {
            const char *n = agc_phase_str(p);
            CHECK(n != NULL && strcmp(n, "unknown") != 0 && n == agc_phase_str(p), "phase %d", p);
            for (int q = AGC_PHASE_HASHING; q < p; q++) CHECK(strcmp(n, agc_phase_str(q)) != 0, "%d and %d share %s", p, q, n);
        }
    }

    agc_client *c = new_client(id, secret);

    /* The defaults the header exports are settings the library accepts. */
    CHECK(AGC_DEFAULT_POLL_INITIAL_MS <= AGC_DEFAULT_POLL_MAX_MS, "poll defaults");
    CHECK_STATUS(agc_client_set_poll_interval_ms(c, AGC_DEFAULT_POLL_INITIAL_MS, AGC_DEFAULT_POLL_MAX_MS), AGC_OK);
    CHECK_STATUS(agc_client_set_timeouts_ms(c, AGC_DEFAULT_CONNECT_TIMEOUT_MS, AGC_DEFAULT_IO_TIMEOUT_MS), AGC_OK);

    /* Success, with progress. */
    char app[512];
    snprintf(app, sizeof app, "%s", make_file("hello.app", "PK\x03\x04", 300000));
    struct counter cnt = {0, 0, 0, 0};
    agc_upload_result *r = (agc_upload_result *)0x1;
    CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, NULL, count_progress, &cnt, &r), AGC_OK);
    CHECK(r != NULL, "no result");
    if (r) {
        CHECK(strlen(agc_upload_result_object_id(r)) > 0, "empty object id");
        CHECK(strlen(agc_upload_result_sha256(r)) == 64, "sha256 %s", agc_upload_result_sha256(r));
        CHECK(agc_upload_result_size(r) == 300000, "size %llu", (unsigned long long)agc_upload_result_size(r));
        CHECK(strcmp(agc_upload_result_file_name(r), "hello.app") == 0, "file name");
        agc_upload_result_free(r);
    }
    CHECK(cnt.last_done == 300000, "last uploading report %llu", (unsigned long long)cnt.last_done);
    CHECK(cnt.phases_seen & (1 << AGC_PHASE_HASHING), "no hashing phase");
    CHECK(cnt.phases_seen & (1 << AGC_PHASE_DONE), "no done phase");
    CHECK(strcmp(agc_last_error(), "") == 0, "last error after success: %s", agc_last_error());
    CHECK(max_threads == 1, "the library started threads: %d seen during the upload", max_threads);
    CHECK(threads_started == 0, "the library called pthread_create %d times", threads_started);

    /* Local validation errors: each a distinct status, and *out is NULL. */
    r = (agc_upload_result *)0x1;
    CHECK_STATUS(agc_upload_file(c, "10001", "/nonexistent/x.app", AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_FILE);
    CHECK(r == NULL, "out not cleared on failure");
    CHECK(strlen(agc_last_error()) > 0, "no message");
    CHECK_STATUS(agc_upload_file(c, "10001", make_file("pkg.zip", "PK\x03\x04", 100), AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_FILE_TYPE);
    CHECK_STATUS(agc_upload_file(c, "10001", make_file("fake.app", "not a zip", 100), AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_FILE_TYPE);
    CHECK_STATUS(agc_upload_file(c, "10001", make_file("big.app", "PK\x03\x04", 10 * 1024 * 1024 + 1), AGC_KIND_ATOMIC_SERVICE, NULL, NULL, NULL, &r), AGC_ERR_FILE_TOO_LARGE);
    CHECK_STATUS(agc_upload_file(c, "10001", dir, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_FILE);

    /* Cancellation from the callback. */
    struct counter cancel = {0, 3, 0, 0};
    CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, NULL, count_progress, &cancel, &r), AGC_ERR_CANCELLED);

    /* NULL for every pointer argument, invalid UTF-8, out-of-range kind. */
    CHECK_STATUS(agc_upload_file(NULL, "1", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_file(c, NULL, app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_file(c, "1", NULL, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_file(c, "1", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_file(c, "\xff\xfe", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_file(c, "1", app, 99, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    agc_client *nc = (agc_client *)0x1;
    CHECK_STATUS(agc_client_new(NULL, "s", &nc), AGC_ERR_INVALID_ARGUMENT);
    CHECK(nc == NULL, "client out not cleared");
    CHECK_STATUS(agc_client_new("i", NULL, &nc), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_new("i", "s", NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_new("i", "\xc3\x28", &nc), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_api_base(NULL, "cn"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_api_base(c, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_api_base(c, "http://plain.example"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_ca_file(NULL, "x"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_ca_file(c, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_ca_file(c, "/nonexistent.pem"), AGC_ERR_TLS);
    CHECK_STATUS(agc_client_set_timeouts_ms(NULL, 1, 1), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_timeouts_ms(c, 0, 1), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_user_agent(NULL, "x"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_user_agent(c, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_retry(NULL, 1, 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_retry(c, 0, 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK(agc_upload_result_object_id(NULL) == NULL, "accessor on NULL");
    CHECK(agc_upload_result_sha256(NULL) == NULL, "accessor on NULL");
    CHECK(agc_upload_result_file_name(NULL) == NULL, "accessor on NULL");
    CHECK(agc_upload_result_size(NULL) == 0, "accessor on NULL");
    agc_upload_result_free(NULL);
    agc_client_free(NULL);

    /* Wrong credentials: AGC_ERR_AUTH, and the secret is not in the message. */
    agc_client *bad = new_client(id, "wrong-secret-do-not-print");
    CHECK_STATUS(agc_upload_file(bad, "10001", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_AUTH);
    CHECK(strstr(agc_last_error(), "wrong-secret-do-not-print") == NULL, "secret leaked: %s", agc_last_error());
    agc_client_free(bad);

    /* The server's certificate is not trusted without the CA file: AGC_ERR_TLS. */
    agc_client *untrusting = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &untrusting), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(untrusting, base), AGC_OK);
    CHECK_STATUS(agc_client_set_retry(untrusting, 1, 0), AGC_OK);
    CHECK_STATUS(agc_upload_file(untrusting, "10001", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_ERR_TLS);
    agc_client_free(untrusting);

    /* Sealing: round trip, wrong key, wrong key length, NULLs. */
    uint8_t key[32], other[32];
    for (int k = 0; k < 32; k++) { key[k] = (uint8_t)k; other[k] = (uint8_t)(k + 1); }
    char pic[512], sealed[512], opened[512], junk[512];
    snprintf(pic, sizeof pic, "%s", make_file("avatar.png", "\x89PNG\r\n\x1a\n", 150000));
    snprintf(sealed, sizeof sealed, "%s/avatar.sealed", dir);
    snprintf(opened, sizeof opened, "%s/avatar.opened.png", dir);
    snprintf(junk, sizeof junk, "%s/never.png", dir);
    CHECK_STATUS(agc_seal_file(key, 32, pic, sealed), AGC_OK);
    CHECK_STATUS(agc_open_file(key, 32, sealed, opened), AGC_OK);
    {
        FILE *a = fopen(pic, "rb"), *b = fopen(opened, "rb");
        int same = a && b;
        while (same) {
            int x = fgetc(a), y = fgetc(b);
            if (x != y) same = 0;
            if (x == EOF || y == EOF) break;
        }
        CHECK(same, "opened file differs from the original");
        if (a) fclose(a);
        if (b) fclose(b);
    }
    CHECK_STATUS(agc_open_file(other, 32, sealed, junk), AGC_ERR_SEAL_CORRUPT);
    CHECK(access(junk, F_OK) != 0, "a wrong key left plaintext behind");
    CHECK_STATUS(agc_seal_file(key, 31, pic, sealed), AGC_ERR_SEAL_KEY);
    CHECK_STATUS(agc_seal_file(NULL, 32, pic, sealed), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_seal_file(key, 32, NULL, sealed), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_open_file(key, 32, sealed, NULL), AGC_ERR_INVALID_ARGUMENT);

    /* Profile picture upload: refused without a key, sealed with one. */
    CHECK_STATUS(agc_upload_file(c, "10001", pic, AGC_KIND_PROFILE_PICTURE, NULL, NULL, NULL, &r), AGC_ERR_SEAL_KEY);
    CHECK_STATUS(agc_client_set_seal_key(NULL, key, 32), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_seal_key(c, key, 16), AGC_ERR_SEAL_KEY);
    CHECK_STATUS(agc_client_set_seal_key(c, key, 32), AGC_OK);
    CHECK_STATUS(agc_upload_file(c, "10001", pic, AGC_KIND_PROFILE_PICTURE, NULL, NULL, NULL, &r), AGC_OK);
    if (r) {
        CHECK(agc_upload_result_size(r) > 150000, "sealed size %llu", (unsigned long long)agc_upload_result_size(r));
        agc_upload_result_free(r);
    }

    /* Publishing: upload options, bind, wait (API client), then a service account. */
    agc_upload_options *opts = NULL;
    CHECK_STATUS(agc_upload_options_new(&opts), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_file_name(opts, "Renamed-1.0.app"), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_release_type(opts, 6), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_release_type(opts, 3), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_chinese_mainland(opts, 1), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_chinese_mainland(opts, 2), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_file_name(opts, "a/b.app"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_file_name(NULL, "x.app"), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_poll_interval_ms(c, 20, 100), AGC_OK);
    CHECK_STATUS(agc_client_set_poll_interval_ms(c, 0, 100), AGC_ERR_INVALID_ARGUMENT);
    agc_upload_result *pr = NULL;
    char *pkg = NULL;
    struct counter pub = {0, 0, 0, 0};
    CHECK_STATUS(agc_publish_package(c, "10001", app, AGC_KIND_HARMONY_APP, opts, 60000, count_progress, &pub, &pr, &pkg), AGC_OK);
    CHECK(pr && pkg && strlen(pkg) > 0, "publish gave no result or package id");
    if (pr) CHECK(strcmp(agc_upload_result_file_name(pr), "Renamed-1.0.app") == 0, "file name option ignored");
    CHECK(pub.phases_seen & (1 << AGC_PHASE_BINDING), "no binding phase");
    CHECK(pub.phases_seen & (1 << AGC_PHASE_WAITING), "no waiting phase");
    char *pkg2 = NULL;
    if (pr) {
        CHECK_STATUS(agc_bind_object(c, "10001", agc_upload_result_file_name(pr), agc_upload_result_object_id(pr), NULL, NULL, &pkg2), AGC_OK);
        if (pkg2) CHECK_STATUS(agc_wait_package_ready(c, "10001", pkg2, 60000, NULL, NULL), AGC_OK);
        agc_string_free(pkg2); /* the failures below set pkg2 to NULL */
        pkg2 = NULL;
    }
    CHECK_STATUS(agc_bind_object(c, "10001", NULL, "obj", NULL, NULL, &pkg2), AGC_ERR_INVALID_ARGUMENT);
    CHECK(pkg2 == NULL, "package id out not cleared");
    CHECK_STATUS(agc_bind_object(c, "10001", "a.app", "obj", NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_wait_package_ready(c, "10001", NULL, 1000, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_publish_package(c, "10001", app, AGC_KIND_HARMONY_APP, NULL, 1000, NULL, NULL, NULL, &pkg2), AGC_ERR_INVALID_ARGUMENT);
    /* The result's notes: app 10001 binds no bundle name yet, so the preflight says this
     * package binds it for good; no check was skipped (no "warning: " note). */
    if (pr) {
        size_t n = agc_upload_result_note_count(pr);
        CHECK(n >= 1, "no note from the preflight of a new app");
        int bound = 0;
        for (size_t i = 0; i < n; i++) {
            const char *note = agc_upload_result_note(pr, i);
            CHECK(note != NULL, "note %zu is NULL", i);
            if (note == NULL) continue;
            CHECK(strncmp(note, "warning: ", 9) != 0, "a warning without a refusal: %s", note);
            if (strstr(note, "com.example.agcmock is not bound to any app") != NULL) bound = 1;
        }
        CHECK(bound, "no note that the first package binds the bundle name");
        CHECK(agc_upload_result_note(pr, n) == NULL, "note past the end");
        CHECK(agc_upload_result_note(pr, (size_t)-1) == NULL, "note at SIZE_MAX");
    }
    CHECK(agc_upload_result_note_count(NULL) == 0, "notes of NULL");
    CHECK(agc_upload_result_note(NULL, 0) == NULL, "note of NULL");
    /* App 20090's API client lacks the rights to read it (the Makefile starts the mock with
     * --app '{"appId":"20090","denyAppInfo":true}'): the preflight warns and the publish goes
     * on; the warning is a note of the result. */
    {
        agc_upload_result *wr = NULL;
        char *wpkg = NULL;
        CHECK_STATUS(agc_publish_package(c, "20090", app, AGC_KIND_HARMONY_APP, NULL, 60000, NULL, NULL, &wr, &wpkg), AGC_OK);
        int warned = 0;
        for (size_t i = 0; wr && i < agc_upload_result_note_count(wr); i++) {
            const char *note = agc_upload_result_note(wr, i);
            if (note && strncmp(note, "warning: ", 9) == 0 && strstr(note, "lack of rights") && strstr(note, "20090"))
                warned = 1;
        }
        CHECK(wr && wpkg && warned, "no rights warning among the notes of the publish to 20090");
        agc_upload_result_free(wr);
        agc_string_free(wpkg);
    }
    agc_string_free(pkg);
    agc_string_free(pkg2);
    agc_string_free(NULL);
    agc_upload_result_free(pr);
    agc_upload_options_free(opts);
    agc_upload_options_free(NULL);

    const char *sa_key = getenv("AGC_TEST_SA_KEY");
    CHECK(sa_key != NULL, "AGC_TEST_SA_KEY not set");
    if (sa_key) {
        agc_client *sa = NULL;
        CHECK_STATUS(agc_client_new_service_account(sa_key, &sa), AGC_OK);
        CHECK_STATUS(agc_client_set_api_base(sa, base), AGC_OK);
        CHECK_STATUS(agc_client_set_ca_file(sa, getenv("AGC_MOCK_CA_FILE")), AGC_OK);
        CHECK_STATUS(agc_upload_file(sa, "10001", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r), AGC_OK);
        agc_upload_result_free(r);
        agc_client_free(sa);
    }
    agc_client *nsa = (agc_client *)0x1;
    CHECK_STATUS(agc_client_new_service_account("{\"key_id\":\"k\"}", &nsa), AGC_ERR_AUTH);
    CHECK(nsa == NULL, "out not cleared");
    CHECK_STATUS(agc_client_new_service_account("/nonexistent/private.json", &nsa), AGC_ERR_AUTH);
    CHECK_STATUS(agc_client_new_service_account(NULL, &nsa), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_api_base(c, "de"), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, "mars"), AGC_ERR_INVALID_ARGUMENT);

    /* NULL for each pointer argument of the functions not covered above. */
    char *pid = NULL;
    agc_upload_options *o2 = NULL;
    CHECK_STATUS(agc_client_set_poll_interval_ms(NULL, 1, 1), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_seal_key(c, NULL, 32), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_new_service_account(sa_key ? sa_key : "x", NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_new(NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_new(&o2), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_file_name(o2, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_release_type(NULL, 1), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_chinese_mainland(NULL, 1), AGC_ERR_INVALID_ARGUMENT);
    agc_upload_options_free(o2);
    CHECK_STATUS(agc_bind_object(NULL, "1", "a.app", "obj", NULL, NULL, &pid), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_bind_object(c, NULL, "a.app", "obj", NULL, NULL, &pid), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_bind_object(c, "1", NULL, "obj", NULL, NULL, &pid), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_bind_object(c, "1", "a.app", NULL, NULL, NULL, &pid), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_bind_object(c, "1", "a.app", "obj", NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK(pid == NULL, "package id out not NULL after failures");
    CHECK_STATUS(agc_wait_package_ready(NULL, "1", "p", 1, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_wait_package_ready(c, NULL, "p", 1, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_publish_package(NULL, "1", app, 1, NULL, 1, NULL, NULL, &r, &pid), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_publish_package(c, "1", NULL, 1, NULL, 1, NULL, NULL, &r, &pid), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_publish_package(c, "1", app, 1, NULL, 1, NULL, NULL, &r, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_open_file(NULL, 32, app, app), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_open_file(key, 32, NULL, app), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_seal_file(key, 32, app, NULL), AGC_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(agc_client_set_api_base(c, base), AGC_OK); /* back from "de" */

    /* Out-pointers are NULL after every failure, whatever else is wrong: each is set to a
     * sentinel before the call. (v0.1 left *package_id alone when an argument was NULL, and *out
     * alone when package_id was NULL.) */
#define SENTINEL(p) ((p) = (void *)0x1)
    {
        agc_client *oc;
        SENTINEL(oc); CHECK_STATUS(agc_client_new(NULL, "s", &oc), AGC_ERR_INVALID_ARGUMENT); CHECK(oc == NULL, "client_new");
        SENTINEL(oc); CHECK_STATUS(agc_client_new("i", "\xff", &oc), AGC_ERR_INVALID_ARGUMENT); CHECK(oc == NULL, "client_new utf8");
        SENTINEL(oc); CHECK_STATUS(agc_client_new_service_account(NULL, &oc), AGC_ERR_INVALID_ARGUMENT); CHECK(oc == NULL, "sa NULL");
        SENTINEL(oc); CHECK_STATUS(agc_client_new_service_account("{}", &oc), AGC_ERR_AUTH); CHECK(oc == NULL, "sa bad json");
        agc_upload_result *orr;
        char *opid;
        SENTINEL(orr); CHECK_STATUS(agc_upload_file(NULL, "1", app, 1, NULL, NULL, NULL, &orr), AGC_ERR_INVALID_ARGUMENT); CHECK(orr == NULL, "upload");
        SENTINEL(orr); CHECK_STATUS(agc_upload_file(c, "1", app, 99, NULL, NULL, NULL, &orr), AGC_ERR_INVALID_ARGUMENT); CHECK(orr == NULL, "upload kind");
        SENTINEL(orr); CHECK_STATUS(agc_upload_file(c, NULL, app, 1, NULL, NULL, NULL, &orr), AGC_ERR_INVALID_ARGUMENT); CHECK(orr == NULL, "upload NULL app_id");
        SENTINEL(orr); CHECK_STATUS(agc_upload_file(c, "1", "/nonexistent/x.app", 1, NULL, NULL, NULL, &orr), AGC_ERR_FILE); CHECK(orr == NULL, "upload file");
        SENTINEL(opid); CHECK_STATUS(agc_bind_object(c, "1", NULL, "o", NULL, NULL, &opid), AGC_ERR_INVALID_ARGUMENT); CHECK(opid == NULL, "bind_object NULL file_name");
        SENTINEL(opid); CHECK_STATUS(agc_bind_object(c, "1", "a.app", NULL, NULL, NULL, &opid), AGC_ERR_INVALID_ARGUMENT); CHECK(opid == NULL, "bind_object");
        SENTINEL(opid); CHECK_STATUS(agc_bind_object(NULL, "1", "a.app", "o", NULL, NULL, &opid), AGC_ERR_INVALID_ARGUMENT); CHECK(opid == NULL, "bind_object client");
        SENTINEL(orr); CHECK_STATUS(agc_publish_package(c, "1", app, 1, NULL, 1, NULL, NULL, &orr, NULL), AGC_ERR_INVALID_ARGUMENT); CHECK(orr == NULL, "publish NULL package_id");
        SENTINEL(opid); CHECK_STATUS(agc_publish_package(c, "1", app, 1, NULL, 1, NULL, NULL, NULL, &opid), AGC_ERR_INVALID_ARGUMENT); CHECK(opid == NULL, "publish NULL out");
        SENTINEL(orr); SENTINEL(opid); CHECK_STATUS(agc_publish_package(NULL, "1", app, 1, NULL, 1, NULL, NULL, &orr, &opid), AGC_ERR_INVALID_ARGUMENT); CHECK(orr == NULL && opid == NULL, "publish NULL client");
        SENTINEL(orr); SENTINEL(opid); CHECK_STATUS(agc_publish_package(c, "1", "/nonexistent/x.app", 1, NULL, 1, NULL, NULL, &orr, &opid), AGC_ERR_FILE); CHECK(orr == NULL && opid == NULL, "publish file");
        /* agc_upload_options_new fails only for a NULL out. */
        CHECK_STATUS(agc_upload_options_new(NULL), AGC_ERR_INVALID_ARGUMENT);
    }

    /* Re-entrancy, from an upload's callback and from a publish's callback; the outer
     * operation completes, and the client is usable afterwards. */
    {
        agc_client *other = new_client(id, secret);
        struct reentry t;
        memset(&t, 0, sizeof t);
        t.client = c; t.other = other; t.app = app;
        agc_upload_result *rr = NULL;
        CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, NULL, reenter, &t, &rr), AGC_OK);
        CHECK(rr != NULL, "outer upload gave no result");
        agc_upload_result_free(rr);
        check_reentry(&t, "upload");
        memset(&t, 0, sizeof t);
        t.client = c; t.other = other; t.app = app;
        char *rp = NULL;
        rr = NULL;
        CHECK_STATUS(agc_publish_package(c, "10001", app, AGC_KIND_HARMONY_APP, NULL, 60000, reenter, &t, &rr, &rp), AGC_OK);
        check_reentry(&t, "publish");
        agc_string_free(rp);
        agc_upload_result_free(rr);
        CHECK_STATUS(agc_client_set_retry(c, 2, 60000), AGC_OK);
        agc_client_free(other);
        CHECK(strcmp(agc_last_error(), "") == 0, "agc_client_free of an idle client: %s", agc_last_error());
        CHECK(strcmp(agc_status_str(AGC_ERR_REENTRANT), "AGC_ERR_REENTRANT") == 0, "name");
    }
    {
        agc_upload_options *fo = NULL;
        CHECK_STATUS(agc_upload_options_new(&fo), AGC_OK);
        CHECK_STATUS(agc_upload_options_set_file_name(fo, "Freed-1.app"), AGC_OK);
        agc_upload_result *fr = NULL;
        char *fp = NULL;
        CHECK_STATUS(agc_publish_package(c, "10001", app, AGC_KIND_HARMONY_APP, fo, 60000, free_options_cb, &fo, &fr, &fp), AGC_OK);
        CHECK(fo == NULL, "the callback did not run");
        if (fr) CHECK(strcmp(agc_upload_result_file_name(fr), "Freed-1.app") == 0, "file name %s", agc_upload_result_file_name(fr));
        agc_string_free(fp);
        fp = NULL;
        /* The strings come from the result the callback frees: the bind works on copies. */
        CHECK_STATUS(agc_bind_object(c, "10001", agc_upload_result_file_name(fr), agc_upload_result_object_id(fr),
                                     free_result_cb, &fr, &fp), AGC_OK);
        CHECK(fr == NULL, "the callback did not run");
        CHECK(fp != NULL, "no package id");
        agc_string_free(fp);
        agc_upload_result_free(fr);
    }

    /* Paths are bytes on POSIX: a non-UTF-8 file name uploads with an explicit name, and
     * works as CA file, service-account key file, and for sealing and opening. */
    {
        char badapp[512], badca[512], badkey[512], badpic[512], badsealed[512], badopened[512];
        snprintf(badapp, sizeof badapp, "%s", make_file("bad\377.app", "PK\x03\x04", 5000));
        agc_upload_result *rr = (agc_upload_result *)0x1;
        agc_status st = agc_upload_file(c, "10001", badapp, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &rr);
        CHECK(st != AGC_OK && rr == NULL, "a non-UTF-8 name without the file-name option: %s", agc_status_str((int)st));
        CHECK(strstr(agc_last_error(), "file name") != NULL || strstr(agc_last_error(), "file_name") != NULL,
              "the message does not point to the file-name option: %s", agc_last_error());
        agc_upload_options *bo = NULL;
        CHECK_STATUS(agc_upload_options_new(&bo), AGC_OK);
        CHECK_STATUS(agc_upload_options_set_file_name(bo, "good.app"), AGC_OK);
        CHECK_STATUS(agc_upload_file(c, "10001", badapp, AGC_KIND_HARMONY_APP, bo, NULL, NULL, &rr), AGC_OK);
        if (rr) {
            CHECK(strcmp(agc_upload_result_file_name(rr), "good.app") == 0, "file name %s", agc_upload_result_file_name(rr));
            CHECK(agc_upload_result_size(rr) == 5000, "size");
            agc_upload_result_free(rr);
        }
        agc_upload_options_free(bo);

        snprintf(badca, sizeof badca, "%s/ca\377.pem", dir);
        copy_file(getenv("AGC_MOCK_CA_FILE"), badca);
        agc_client *cc = NULL;
        CHECK_STATUS(agc_client_new(id, secret, &cc), AGC_OK);
        CHECK_STATUS(agc_client_set_api_base(cc, base), AGC_OK);
        CHECK_STATUS(agc_client_set_ca_file(cc, badca), AGC_OK);
        CHECK_STATUS(agc_upload_file(cc, "10001", app, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &rr), AGC_OK);
        agc_upload_result_free(rr);
        agc_client_free(cc);

        if (sa_key) {
            snprintf(badkey, sizeof badkey, "%s/key\377.json", dir);
            copy_file(sa_key, badkey);
            cc = NULL;
            CHECK_STATUS(agc_client_new_service_account(badkey, &cc), AGC_OK);
            agc_client_free(cc);
        }

        snprintf(badpic, sizeof badpic, "%s/pic\377.png", dir);
        snprintf(badsealed, sizeof badsealed, "%s/sealed\377", dir);
        snprintf(badopened, sizeof badopened, "%s/opened\377.png", dir);
        copy_file(pic, badpic);
        CHECK_STATUS(agc_seal_file(key, 32, badpic, badsealed), AGC_OK);
        CHECK_STATUS(agc_open_file(key, 32, badsealed, badopened), AGC_OK);
        CHECK(access(badopened, F_OK) == 0, "no opened file at the non-UTF-8 path");
    }

    agc_client_free(c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("C ABI test: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
