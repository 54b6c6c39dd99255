/*
 * C ABI test of the transfer options: a resumable multipart upload against the
 * standalone mock (started by scripts/with-mock.sh with --part-min-size 1048576; it exports
 * AGC_MOCK_BASE_URL, AGC_MOCK_CA_FILE, AGC_MOCK_CLIENT_ID, AGC_MOCK_CLIENT_SECRET and
 * AGC_MOCK_LOG, the mock's one line per request). An interrupted run leaves its resume file;
 * the rerun sends only the parts not yet finished (counted in the mock's log). Compiled with
 * -Wall -Wextra -Werror and run under valgrind when it is installed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agcupload.h"
#include "check.h"
#include "no_threads.h"

#define MIB ((uint64_t)1024 * 1024)

static char dir[256];

static const char *make_app(const char *name, size_t size, int salt) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    const char *head = "PK\x03\x04";
    for (size_t i = 0; i < size; i++) fputc(i < 4 ? head[i] : (int)((i * 31 + (size_t)salt) % 251), f);
    fclose(f);
    return path;
}

/* Lines of the mock's log that are answered part PUTs ("PUT /obs/... -> 200"). */
static int part_puts_in_log(void) {
    const char *log = getenv("AGC_MOCK_LOG");
    FILE *f = log ? fopen(log, "r") : NULL;
    if (!f) return -1;
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "agc-mock: PUT /obs/") && strstr(line, " -> 200 ")) n++;
    fclose(f);
    return n;
}

/* The whole resume file as a string (the caller frees it), or NULL. */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) { fclose(f); return NULL; }
    len = fread(buf, 1, cap, f);
    buf[len] = 0;
    fclose(f);
    return buf;
}

/* Cancels once the upload has sent `stop_at` bytes of the file. */
struct stopper { uint64_t stop_at; int uploading_seen; int hashing_seen; };

static int stop_progress(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    struct stopper *s = ud;
    (void)total;
    if (phase == AGC_PHASE_HASHING) s->hashing_seen = 1;
    if (phase != AGC_PHASE_UPLOADING) return 0;
    s->uploading_seen = 1;
    return s->stop_at > 0 && done >= s->stop_at;
}

static void setters_refuse_bad_values(void) {
    agc_upload_options *o = NULL;
    CHECK_STATUS(agc_upload_options_new(&o), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_transfer(NULL, AGC_TRANSFER_SINGLE), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_transfer(o, 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_transfer(o, 4), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_transfer(o, AGC_TRANSFER_AUTO), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_part_size(o, 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_part_size(NULL, MIB), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_part_size(o, 8 * MIB), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_sha256(o, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_sha256(o, "xyz"), AGC_ERR_INVALID_ARGUMENT);
    CHECK(strstr(agc_last_error(), "64 hexadecimal") != NULL, "message: %s", agc_last_error());
    CHECK_STATUS(agc_upload_options_set_sha256(
                     o, "g000000000000000000000000000000000000000000000000000000000000000"),
                 AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_sha256(
                     o, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
                 AGC_OK);
    CHECK_STATUS(agc_upload_options_set_resume_file(o, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_resume_file(o, ""), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_upload_options_set_resume_file(o, "/tmp/state.json"), AGC_OK);
    agc_upload_options_free(o);
    /* Accessors on NULL. */
    CHECK(agc_upload_result_transfer(NULL) == 0, "transfer of NULL");
    CHECK(agc_upload_result_parts(NULL) == 0, "parts of NULL");
    CHECK(agc_upload_result_parts_sent(NULL) == 0, "parts_sent of NULL");
    CHECK(agc_upload_result_resumed_parts(NULL) == 0, "resumed_parts of NULL");
    CHECK(agc_upload_result_bytes_sent(NULL) == 0, "bytes_sent of NULL");
    CHECK(agc_upload_result_note_count(NULL) == 0, "notes of NULL");
}

int main(void) {
    const char *id = getenv("AGC_MOCK_CLIENT_ID");
    const char *secret = getenv("AGC_MOCK_CLIENT_SECRET");
    if (!getenv("AGC_MOCK_BASE_URL") || !id || !secret || !getenv("AGC_MOCK_CA_FILE") || !getenv("AGC_MOCK_LOG")) {
        fprintf(stderr, "run through scripts/with-mock.sh\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/agc-c-multipart-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }

    setters_refuse_bad_values();

    agc_client *c = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &c), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, getenv("AGC_MOCK_BASE_URL")), AGC_OK);
    CHECK_STATUS(agc_client_set_ca_file(c, getenv("AGC_MOCK_CA_FILE")), AGC_OK);

    /* 3.5 MiB in 1 MiB parts: 4 parts. */
    const uint64_t size = 3 * MIB + MIB / 2;
    char app[512];
    snprintf(app, sizeof app, "%s", make_app("big.app", (size_t)size, 7));
    char resume[512];
    snprintf(resume, sizeof resume, "%s/upload.resume", dir);

    agc_upload_options *o = NULL;
    CHECK_STATUS(agc_upload_options_new(&o), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_transfer(o, AGC_TRANSFER_MULTIPART), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_part_size(o, MIB), AGC_OK);
    CHECK_STATUS(agc_upload_options_set_resume_file(o, resume), AGC_OK);

    /* First run: stopped half-way through part 3 (as a killed run would be). */
    struct stopper s = { 2 * MIB + MIB / 2, 0, 0 };
    agc_upload_result *r = NULL;
    CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, o, stop_progress, &s, &r),
                 AGC_ERR_CANCELLED);
    CHECK(r == NULL, "no result after a failure");
    CHECK(access(resume, F_OK) == 0, "the interrupted run left its resume file");
    char *state = slurp(resume);
    CHECK(state != NULL, "resume file readable");
    if (state) {
        CHECK(strstr(state, "upload_id") != NULL, "%s", state);
        const char *bad[] = { "https://", "Signature", "AWS4", "x-amz", "X-Amz", "Authorization", "Bearer", secret };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            CHECK(strstr(state, bad[i]) == NULL, "%s in the resume file", bad[i]);
        free(state);
    }
    int puts_before = part_puts_in_log();
    CHECK(puts_before >= 2, "%d part PUTs in the first run", puts_before);

    /* Rerun: only the parts not yet finished are sent. */
    s.stop_at = 0;
    CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, o, stop_progress, &s, &r), AGC_OK);
    CHECK(r != NULL, "a result");
    if (r) {
        CHECK(agc_upload_result_transfer(r) == AGC_TRANSFER_MULTIPART, "transfer %u", agc_upload_result_transfer(r));
        CHECK(agc_upload_result_parts(r) == 4, "parts %u", agc_upload_result_parts(r));
        uint32_t resumed = agc_upload_result_resumed_parts(r), sent = agc_upload_result_parts_sent(r);
        CHECK(resumed == 2, "resumed %u", resumed);
        CHECK(sent == 2, "sent %u", sent);
        CHECK(agc_upload_result_bytes_sent(r) == size - 2 * MIB, "bytes sent %llu",
              (unsigned long long)agc_upload_result_bytes_sent(r));
        CHECK(agc_upload_result_size(r) == size, "size");
        CHECK(agc_upload_result_note_count(r) == 0, "no note: %s", agc_upload_result_note(r, 0));
        int puts_after = part_puts_in_log();
        CHECK(puts_after - puts_before == (int)sent, "%d part PUTs in the rerun, %u sent", puts_after - puts_before, sent);
        CHECK(access(resume, F_OK) != 0, "a finished upload removes its resume file");

        /* The same bytes as one PUT (which the mock verifies against the SHA-256): same digest. */
        agc_upload_options *single = NULL;
        CHECK_STATUS(agc_upload_options_new(&single), AGC_OK);
        CHECK_STATUS(agc_upload_options_set_transfer(single, AGC_TRANSFER_SINGLE), AGC_OK);
        agc_upload_result *one = NULL;
        CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, single, NULL, NULL, &one), AGC_OK);
        if (one) {
            CHECK(strcmp(agc_upload_result_sha256(one), agc_upload_result_sha256(r)) == 0, "same digest");
            CHECK(agc_upload_result_transfer(one) == AGC_TRANSFER_SINGLE, "single");
            CHECK(agc_upload_result_parts(one) == 1, "one part");

            /* A known, correct digest: no hash pass. */
            CHECK_STATUS(agc_upload_options_set_sha256(single, agc_upload_result_sha256(one)), AGC_OK);
            agc_upload_result *known = NULL;
            struct stopper k = { 0, 0, 0 };
            CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, single, stop_progress, &k, &known),
                         AGC_OK);
            CHECK(!k.hashing_seen && k.uploading_seen, "no hash phase with a known digest");
            agc_upload_result_free(known);
            agc_upload_result_free(one);
        }
        /* A wrong one: nothing stored, AGC_ERR_FILE_CHANGED naming the digests. */
        CHECK_STATUS(agc_upload_options_set_sha256(
                         single, "0000000000000000000000000000000000000000000000000000000000000000"),
                     AGC_OK);
        agc_upload_result *wrong = NULL;
        CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, single, NULL, NULL, &wrong),
                     AGC_ERR_FILE_CHANGED);
        CHECK(wrong == NULL, "no result");
        CHECK(strstr(agc_last_error(), "0000000000000000") != NULL, "names the given digest: %s", agc_last_error());
        agc_upload_options_free(single);
        agc_upload_result_free(r);
    }

    /* A resume path holding a user's file, or the package itself: refused before any request,
     * the file left as it was. */
    char notes[512];
    snprintf(notes, sizeof notes, "%s/important.txt", dir);
    FILE *nf = fopen(notes, "w");
    if (nf) { fputs("my notes", nf); fclose(nf); }
    int puts_now = part_puts_in_log();
    const char *victims[] = { notes, app };
    for (size_t i = 0; i < 2; i++) {
        CHECK_STATUS(agc_upload_options_set_resume_file(o, victims[i]), AGC_OK);
        agc_upload_result *refused = (agc_upload_result *)1;
        CHECK_STATUS(agc_upload_file(c, "10001", app, AGC_KIND_HARMONY_APP, o, NULL, NULL, &refused),
                     AGC_ERR_INVALID_ARGUMENT);
        CHECK(refused == NULL, "out-pointer reset on failure");
        CHECK(strstr(agc_last_error(), "resume file") != NULL, "%s", agc_last_error());
    }
    char *kept = slurp(notes);
    CHECK(kept && strcmp(kept, "my notes") == 0, "the user's file untouched: %s", kept ? kept : "(gone)");
    free(kept);
    char *pkg = slurp(app);
    CHECK(pkg && memcmp(pkg, "PK\x03\x04", 4) == 0, "the package untouched");
    free(pkg);
    CHECK(part_puts_in_log() == puts_now, "nothing sent");
    unlink(notes);
    agc_upload_options_free(o);
    agc_client_free(c);
    unlink(app);
    rmdir(dir);
    CHECK(threads_started == 0, "the library started %d threads", threads_started);
    printf("test_multipart: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
