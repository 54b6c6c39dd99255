/*
 * The store listing through the C ABI, against the standalone mock server (run by `make
 * test-c` through scripts/with-mock.sh with app 20100 set up by --app, and under valgrind when
 * it is installed): a listing folder written here (texts, a PNG icon and three phone
 * screenshots whose headers give their sizes: the library reads headers only), apply, pull,
 * one text edited, plan shows exactly it, apply, plan shows nothing; the progress phases;
 * withdrawing a review (done, then refused), a phased release, the app id of a bundle name,
 * deleting a language; and the argument checks.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agcupload.h"
#include "check.h"

/* The app the Makefile's --app sets up: its bundle name, the version in review, the version
 * of its phased release. */
#define APP "20100"
#define BUNDLE "com.example.clisting"
#define IN_REVIEW "v-42"
#define PHASED "v-7"

static char dir[256];

static void mkdir_p(const char *path) {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0755);
            *p = '/';
        }
    }
    mkdir(tmp, 0755);
}

/* Write `len` bytes at `rel` under the folder, creating its folders. */
static void put(const char *rel, const unsigned char *bytes, size_t len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char parent[512];
    snprintf(parent, sizeof parent, "%s", path);
    *strrchr(parent, '/') = '\0';
    mkdir_p(parent);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) { perror(path); exit(2); }
}

static void put_text(const char *rel, const char *text) { put(rel, (const unsigned char *)text, strlen(text)); }

static void be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* A PNG whose IHDR says `w`x`h`, padded to `size` bytes with bytes that differ by `seed`. */
static void put_png(const char *rel, uint32_t w, uint32_t h, size_t size, unsigned seed) {
    unsigned char *b = calloc(size, 1);
    if (!b) exit(2);
    memcpy(b, "\x89PNG\r\n\x1a\n", 8);
    be32(b + 8, 13);
    memcpy(b + 12, "IHDR", 4);
    be32(b + 16, w);
    be32(b + 20, h);
    b[24] = 8; b[25] = 6;
    for (size_t i = 33; i < size; i++) b[i] = (unsigned char)((i * 31 + seed) % 251);
    put(rel, b, size);
    free(b);
}

static char *read_text(const char *rel) {
    static char buf[4096];
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Bit set of the phases reported. */
static int on_progress(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    (void)done; (void)total;
    *(unsigned long *)ud |= 1ul << phase;
    return 0;
}

static int eq(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* Whether `want` is one of the result's strings read by `at`. */
static int has(const agc_listing_result *r, size_t n, const char *(*at)(const agc_listing_result *, size_t),
               const char *want) {
    for (size_t i = 0; i < n; i++)
        if (eq(at(r, i), want)) return 1;
    return 0;
}

int main(void) {
    const char *id = getenv("AGC_MOCK_CLIENT_ID");
    const char *secret = getenv("AGC_MOCK_CLIENT_SECRET");
    if (!getenv("AGC_MOCK_BASE_URL") || !id || !secret || !getenv("AGC_MOCK_CA_FILE")) {
        fprintf(stderr, "run me through scripts/with-mock.sh\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/agc-c-listing-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }

    agc_client *c = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &c), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, getenv("AGC_MOCK_BASE_URL")), AGC_OK);
    CHECK_STATUS(agc_client_set_ca_file(c, getenv("AGC_MOCK_CA_FILE")), AGC_OK);

    /* Bad arguments: a clear error, the out-pointer cleared, nothing sent. */
    agc_listing_result *r = (agc_listing_result *)0x1;
    CHECK_STATUS(agc_listing_plan(c, APP, NULL, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL && strstr(agc_last_error(), "dir") != NULL, "%s", agc_last_error());
    r = (agc_listing_result *)0x1;
    CHECK_STATUS(agc_listing_apply(c, "\xff\xfe", dir, NULL, NULL, &r), AGC_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL && strstr(agc_last_error(), "app_id") != NULL, "%s", agc_last_error());
    CHECK_STATUS(agc_listing_pull(c, APP, dir, NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    char *s = (char *)0x1;
    CHECK_STATUS(agc_phased_release(c, APP, 99, 0, NULL, NULL, NULL, NULL, &s), AGC_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL && strstr(agc_last_error(), "agc_phased_action") != NULL, "%s", agc_last_error());
    CHECK_STATUS(agc_delete_language(c, APP, NULL, NULL, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK(agc_listing_result_change_count(NULL) == 0 && agc_listing_result_change_field(NULL, 0) == NULL, "NULL");
    CHECK(agc_listing_result_change_is_text(NULL, 0) == -1, "NULL");
    agc_listing_result_free(NULL);

    /* The folder: four texts, a 216x216 icon, three portrait phone screenshots. */
    put_text("en-US/name.txt", "Listing from C\n");
    put_text("en-US/description.txt", "An app whose listing a C program keeps.\nSecond line.\n");
    put_text("en-US/brief.txt", "Kept from C\n");
    put_text("en-US/release_notes.txt", "First listing\n");
    put_png("en-US/icon.png", 216, 216, 2000, 1);
    put_png("en-US/screenshots/phone/01.png", 1080, 1920, 3000, 2);
    put_png("en-US/screenshots/phone/02.png", 1080, 1920, 3000, 3);
    put_png("en-US/screenshots/phone/03.png", 1080, 1920, 3000, 4);

    /* The first apply: every field, files uploaded, each phase of the listing reported. */
    unsigned long phases = 0;
    r = NULL;
    CHECK_STATUS(agc_listing_apply(c, APP, dir, on_progress, &phases, &r), AGC_OK);
    size_t n = agc_listing_result_change_count(r);
    CHECK(n == 6, "%zu changes", n);
    CHECK(has(r, n, agc_listing_result_change_field, "screenshots/phone"), "no screenshots change");
    CHECK(agc_listing_result_upload_count(r) == 4, "%zu uploads", agc_listing_result_upload_count(r));
    for (size_t i = 0; i < agc_listing_result_upload_count(r); i++) {
        CHECK(agc_listing_result_upload_object_id(r, i) != NULL && agc_listing_result_upload_size(r, i) >= 2000,
              "upload %zu", i);
    }
    CHECK(eq(agc_listing_result_upload_file(r, 0), "en-US/icon.png"), "%s", agc_listing_result_upload_file(r, 0));
    CHECK(agc_listing_result_upload_file(r, 4) == NULL && agc_listing_result_upload_size(r, 4) == 0, "range");
    CHECK(agc_listing_result_calls(r) == 3, "%u calls", agc_listing_result_calls(r));
    agc_listing_result_free(r);
    const agc_phase wanted[] = {AGC_PHASE_READING_APP_INFO, AGC_PHASE_SETTING_TEXTS, AGC_PHASE_SENDING_LISTING_FILES,
                                AGC_PHASE_UPLOADING, AGC_PHASE_SETTING_FILE_INFO, AGC_PHASE_CHECKING_LISTING};
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
        CHECK(phases & (1ul << wanted[i]), "phase %s not reported", agc_phase_str(wanted[i]));
    CHECK(!(phases & (1ul << AGC_PHASE_SETTING_NOTES)) && !(phases & (1ul << AGC_PHASE_BINDING)), "old phases");

    /* Pull AGC's texts back into the folder: the same texts, nothing left to change. */
    r = NULL;
    CHECK_STATUS(agc_listing_pull(c, APP, dir, NULL, NULL, &r), AGC_OK);
    CHECK(has(r, agc_listing_result_language_count(r), agc_listing_result_language, "en-US"), "no en-US");
    CHECK(has(r, agc_listing_result_written_count(r), agc_listing_result_written, "en-US/brief.txt"), "no brief");
    CHECK(agc_listing_result_written(r, agc_listing_result_written_count(r)) == NULL, "range");
    agc_listing_result_free(r);
    CHECK(eq(read_text("en-US/brief.txt"), "Kept from C\n"), "%s", read_text("en-US/brief.txt"));

    /* Edit one text: the plan shows exactly it. */
    put_text("en-US/brief.txt", "Edited in C\n");
    r = NULL;
    CHECK_STATUS(agc_listing_plan(c, APP, dir, NULL, NULL, &r), AGC_OK);
    CHECK(agc_listing_result_change_count(r) == 1, "%zu changes", agc_listing_result_change_count(r));
    CHECK(eq(agc_listing_result_change_lang(r, 0), "en-US"), "%s", agc_listing_result_change_lang(r, 0));
    CHECK(eq(agc_listing_result_change_field(r, 0), "brief"), "%s", agc_listing_result_change_field(r, 0));
    CHECK(eq(agc_listing_result_change_current(r, 0), "Kept from C"), "%s", agc_listing_result_change_current(r, 0));
    CHECK(eq(agc_listing_result_change_wanted(r, 0), "Edited in C"), "%s", agc_listing_result_change_wanted(r, 0));
    CHECK(agc_listing_result_change_is_text(r, 0) == 1 && agc_listing_result_change_new_language(r, 0) == 0, "flags");
    CHECK(strstr(agc_listing_result_change_summary(r, 0), "en-US brief") != NULL, "%s",
          agc_listing_result_change_summary(r, 0));
    CHECK(agc_listing_result_change_field(r, 1) == NULL && agc_listing_result_change_is_text(r, 1) == -1, "range");
    CHECK(has(r, agc_listing_result_unchanged_count(r), agc_listing_result_unchanged, "en-US/screenshots/phone"),
          "screenshots not unchanged");
    agc_listing_result_free(r);

    /* Apply it; then nothing is left to change. */
    r = NULL;
    CHECK_STATUS(agc_listing_apply(c, APP, dir, NULL, NULL, &r), AGC_OK);
    CHECK(agc_listing_result_change_count(r) == 1 && agc_listing_result_upload_count(r) == 0, "%zu changes",
          agc_listing_result_change_count(r));
    CHECK(agc_listing_result_calls(r) == 1, "%u calls", agc_listing_result_calls(r));
    agc_listing_result_free(r);
    r = NULL;
    CHECK_STATUS(agc_listing_plan(c, APP, dir, NULL, NULL, &r), AGC_OK);
    CHECK(agc_listing_result_change_count(r) == 0, "%zu changes", agc_listing_result_change_count(r));
    agc_listing_result_free(r);

    /* Withdraw the version in review; once withdrawn there is nothing left to withdraw. */
    phases = 0;
    s = NULL;
    CHECK_STATUS(agc_withdraw_review(c, APP, on_progress, &phases, &s), AGC_OK);
    CHECK(eq(s, IN_REVIEW), "%s", s ? s : "(null)");
    agc_string_free(s);
    CHECK(phases & (1ul << AGC_PHASE_WITHDRAWING), "withdrawing not reported");
    s = (char *)0x1;
    CHECK_STATUS(agc_withdraw_review(c, APP, NULL, NULL, &s), AGC_ERR_PREFLIGHT);
    CHECK(s == NULL, "out not cleared");

    /* The phased release: paused, stepped (the day out of range refused by the library), finished. */
    phases = 0;
    s = NULL;
    CHECK_STATUS(agc_phased_release(c, APP, AGC_PHASED_PAUSE, 0, "crash spike", NULL, on_progress, &phases, &s),
                 AGC_OK);
    CHECK(eq(s, PHASED), "%s", s ? s : "(null)");
    agc_string_free(s);
    CHECK(phases & (1ul << AGC_PHASE_CHANGING_PHASED_RELEASE), "changing_phased_release not reported");
    s = (char *)0x1;
    CHECK_STATUS(agc_phased_release(c, APP, AGC_PHASED_STEP, 99, NULL, NULL, NULL, NULL, &s), AGC_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL, "out not cleared");
    s = NULL;
    CHECK_STATUS(agc_phased_release(c, APP, AGC_PHASED_STEP, 5, NULL, PHASED, NULL, NULL, &s), AGC_OK);
    agc_string_free(s);
    s = NULL;
    CHECK_STATUS(agc_phased_release(c, APP, AGC_PHASED_FULL, 0, NULL, NULL, NULL, NULL, &s), AGC_OK);
    agc_string_free(s);
    s = (char *)0x1;
    CHECK_STATUS(agc_phased_release(c, APP, AGC_PHASED_RESUME, 0, NULL, NULL, NULL, NULL, &s), AGC_ERR_PREFLIGHT);
    CHECK(s == NULL && strstr(agc_last_error(), "no phased release") != NULL, "%s", agc_last_error());

    /* The app id of a bundle name; an unknown one is named in the error. */
    phases = 0;
    s = NULL;
    CHECK_STATUS(agc_app_id_for_bundle(c, BUNDLE, on_progress, &phases, &s), AGC_OK);
    CHECK(eq(s, APP), "%s", s ? s : "(null)");
    agc_string_free(s);
    CHECK(phases & (1ul << AGC_PHASE_LOOKING_UP_APP_ID), "looking_up_app_id not reported");
    s = (char *)0x1;
    CHECK_STATUS(agc_app_id_for_bundle(c, "com.example.nothing", NULL, NULL, &s), AGC_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL && strstr(agc_last_error(), "com.example.nothing") != NULL, "%s", agc_last_error());

    /* Languages: the default one is kept, another deleted. */
    CHECK_STATUS(agc_delete_language(c, APP, "en-US", NULL, NULL), AGC_ERR_PREFLIGHT);
    phases = 0;
    CHECK_STATUS(agc_delete_language(c, APP, "zh-CN", on_progress, &phases), AGC_OK);
    CHECK(phases & (1ul << AGC_PHASE_DELETING_LANGUAGE), "deleting_language not reported");

    agc_client_free(c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("test_listing: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
