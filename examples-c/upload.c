/*
 * upload: upload a file to AppGallery Connect with a live progress bar.
 *
 *   AGC_CLIENT_ID=... AGC_CLIENT_SECRET=... upload [options] APP_ID FILE
 *   upload --service-account agc-private.json --publish [options] APP_ID FILE
 *
 * Secrets come from the environment or from files, never from the command line (where `ps`
 * would show them). Prints the object id on stdout (and the package id with --publish);
 * progress and errors go to stderr.
 * Exit status: 0 on success, 1 on an upload error, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agcupload.h"

struct bar {
    int enabled;
    agc_phase phase;
    double phase_start;
    double last_draw;
    int drawn;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *phase_name(agc_phase p) {
    switch (p) {
    case AGC_PHASE_HASHING: return "hashing";
    case AGC_PHASE_REQUESTING_URL: return "requesting upload URL";
    case AGC_PHASE_UPLOADING: return "uploading";
    case AGC_PHASE_RETRYING: return "retrying";
    case AGC_PHASE_DONE: return "done";
    case AGC_PHASE_SEALING: return "sealing";
    case AGC_PHASE_BINDING: return "binding";
    case AGC_PHASE_WAITING: return "waiting for AGC";
    case AGC_PHASE_SETTING_NOTES: return "setting release notes";
    case AGC_PHASE_SUBMITTING: return "submitting for review";
    case AGC_PHASE_CREATING_TEST_VERSION: return "creating test version";
    case AGC_PHASE_ADDING_TEST_PACKAGE: return "adding test package";
    case AGC_PHASE_SETTING_TEST_INFO: return "setting test window";
    case AGC_PHASE_SUBMITTING_TEST: return "submitting test version";
    }
    return "working";
}

static int on_progress(void *user_data, agc_phase phase, uint64_t done, uint64_t total) {
    struct bar *b = user_data;
    double t = now_s();
    if (!b->enabled) return 0;
    if (phase != b->phase) {
        if (b->drawn) fputc('\n', stderr);
        b->phase = phase;
        b->phase_start = t;
        b->last_draw = 0;
        b->drawn = 0;
    }
    int last = (total > 0 && done >= total) || phase == AGC_PHASE_DONE;
    if (!last && t - b->last_draw < 0.1) return 0; /* redraw at most 10 times a second */
    b->last_draw = t;
    b->drawn = 1;
    if (phase == AGC_PHASE_RETRYING) {
        fprintf(stderr, "\r%-22s attempt %llu of %llu failed, waiting...   ", phase_name(phase),
                (unsigned long long)done, (unsigned long long)total);
    } else if (total > 0 && phase != AGC_PHASE_WAITING && phase != AGC_PHASE_DONE) {
        double frac = (double)done / (double)total;
        double secs = t - b->phase_start;
        double mbps = secs > 0 ? (double)done / 1e6 / secs : 0.0;
        char cells[31];
        int filled = (int)(frac * 30);
        for (int i = 0; i < 30; i++) cells[i] = i < filled ? '#' : '.';
        cells[30] = '\0';
        fprintf(stderr, "\r%-22s [%s] %5.1f%% %8.1f MB/s", phase_name(phase), cells, frac * 100.0, mbps);
    } else {
        fprintf(stderr, "\r%-22s", phase_name(phase));
    }
    if (phase == AGC_PHASE_DONE) {
        fputc('\n', stderr);
        b->drawn = 0; /* the line is finished */
    }
    fflush(stderr);
    return 0;
}

static void usage(void) {
    fprintf(stderr,
            "usage: upload [options] APP_ID FILE\n"
            "  --api-base SITE_OR_URL   cn (default), de, sg, ru, or an https:// base URL\n"
            "  --ca-file PEM            trust these CAs too (added to the built-in roots)\n"
            "  --service-account FILE   authenticate with a service-account key file\n"
            "                           (default: AGC_CLIENT_ID / AGC_CLIENT_SECRET)\n"
            "  --kind app|atomic|picture  package kind (default app)\n"
            "  --seal-key-file FILE     32-byte key sealing a --kind picture upload\n"
            "  --file-name NAME         name recorded by AGC (default: the file's name)\n"
            "  --release-type 1|6       full release (1) or HarmonyOS test release (6)\n"
            "  --mainland 0|1           chineseMainlandFlag\n"
            "  --publish                bind the package and wait until AGC has parsed it\n"
            "  --timeout-min N          how long --publish waits (default 20)\n"
            "  --retries N              attempts in all for transient failures (default 5)\n"
            "  --quiet                  no progress bar\n"
            "environment: AGC_CLIENT_ID, AGC_CLIENT_SECRET, AGC_API_BASE, AGC_CA_FILE\n"
            "libagcupload %s\n",
            agc_version());
}

/* Read exactly 32 bytes of key from a file. Returns 0 on success. */
static int read_key(const char *path, uint8_t key[32]) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t n = fread(key, 1, 32, f);
    int extra = fgetc(f);
    fclose(f);
    return (n == 32 && extra == EOF) ? 0 : -1;
}

static int fail(const char *what, agc_status st) {
    fprintf(stderr, "\nupload: %s: %s (%s)\n", what, agc_last_error(), agc_status_str((int)st));
    return 1;
}

int main(int argc, char **argv) {
    const char *api_base = getenv("AGC_API_BASE");
    const char *ca_file = getenv("AGC_CA_FILE");
    const char *client_id = getenv("AGC_CLIENT_ID");
    const char *client_secret = getenv("AGC_CLIENT_SECRET");
    const char *service_account = NULL, *seal_key_file = NULL, *file_name = NULL;
    unsigned kind = AGC_KIND_HARMONY_APP;
    unsigned retries = 0, release_type = 0, timeout_min = 20;
    int quiet = 0, publish = 0, mainland = -1;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--quiet") == 0) { quiet = 1; continue; }
        if (strcmp(opt, "--publish") == 0) { publish = 1; continue; }
        if (i + 1 >= argc) { usage(); return 2; }
        const char *val = argv[++i];
        if (strcmp(opt, "--api-base") == 0) api_base = val;
        else if (strcmp(opt, "--ca-file") == 0) ca_file = val;
        else if (strcmp(opt, "--retries") == 0) retries = (unsigned)strtoul(val, NULL, 10);
        else if (strcmp(opt, "--service-account") == 0) service_account = val;
        else if (strcmp(opt, "--seal-key-file") == 0) seal_key_file = val;
        else if (strcmp(opt, "--file-name") == 0) file_name = val;
        else if (strcmp(opt, "--release-type") == 0) release_type = (unsigned)strtoul(val, NULL, 10);
        else if (strcmp(opt, "--mainland") == 0) mainland = (int)strtol(val, NULL, 10);
        else if (strcmp(opt, "--timeout-min") == 0) timeout_min = (unsigned)strtoul(val, NULL, 10);
        else if (strcmp(opt, "--kind") == 0) {
            if (strcmp(val, "app") == 0) kind = AGC_KIND_HARMONY_APP;
            else if (strcmp(val, "atomic") == 0) kind = AGC_KIND_ATOMIC_SERVICE;
            else if (strcmp(val, "picture") == 0) kind = AGC_KIND_PROFILE_PICTURE;
            else { usage(); return 2; }
        } else { usage(); return 2; }
    }
    if (argc - i != 2 || (!service_account && (!client_id || !client_secret))) { usage(); return 2; }
    const char *app_id = argv[i];
    const char *path = argv[i + 1];

    agc_client *client = NULL;
    agc_status st = service_account ? agc_client_new_service_account(service_account, &client)
                                    : agc_client_new(client_id, client_secret, &client);
    if (st != AGC_OK) return fail("cannot create the client", st);
    int rc = 0;
    agc_upload_options *opts = NULL;
    agc_upload_result *result = NULL;
    char *package_id = NULL;
    if (api_base && (st = agc_client_set_api_base(client, api_base)) != AGC_OK) { rc = fail("--api-base", st); goto out; }
    if (ca_file && (st = agc_client_set_ca_file(client, ca_file)) != AGC_OK) { rc = fail("--ca-file", st); goto out; }
    if (retries && (st = agc_client_set_retry(client, retries, 0)) != AGC_OK) { rc = fail("--retries", st); goto out; }
    if (seal_key_file) {
        uint8_t key[32];
        if (read_key(seal_key_file, key) != 0) {
            fprintf(stderr, "upload: --seal-key-file must hold exactly 32 bytes\n");
            rc = 2;
            goto out;
        }
        st = agc_client_set_seal_key(client, key, sizeof key);
        memset(key, 0, sizeof key);
        if (st != AGC_OK) { rc = fail("--seal-key-file", st); goto out; }
    }
    if ((st = agc_upload_options_new(&opts)) != AGC_OK) { rc = fail("options", st); goto out; }
    if (file_name && (st = agc_upload_options_set_file_name(opts, file_name)) != AGC_OK) { rc = fail("--file-name", st); goto out; }
    if (release_type && (st = agc_upload_options_set_release_type(opts, release_type)) != AGC_OK) { rc = fail("--release-type", st); goto out; }
    if (mainland >= 0 && (st = agc_upload_options_set_chinese_mainland(opts, (unsigned)mainland)) != AGC_OK) { rc = fail("--mainland", st); goto out; }

    struct bar bar = { .enabled = !quiet && isatty(STDERR_FILENO) == 1, .phase = 0 };
    if (!quiet && getenv("AGC_FORCE_PROGRESS")) bar.enabled = 1;
    if (publish)
        st = agc_publish_package(client, app_id, path, kind, opts, (uint64_t)timeout_min * 60 * 1000, on_progress,
                                 &bar, &result, &package_id);
    else
        st = agc_upload_file_ex(client, app_id, path, kind, opts, on_progress, &bar, &result);
    if (st != AGC_OK) { rc = fail(path, st); goto out; }
    if (bar.drawn) fputc('\n', stderr);
    printf("%s\n", agc_upload_result_object_id(result));
    if (package_id) printf("%s\n", package_id);
    if (!quiet)
        fprintf(stderr, "uploaded %llu bytes, sha256 %s%s%s\n", (unsigned long long)agc_upload_result_size(result),
                agc_upload_result_sha256(result), package_id ? ", ready in AGC as package " : "",
                package_id ? package_id : "");
out:
    agc_string_free(package_id);
    agc_upload_result_free(result);
    agc_upload_options_free(opts);
    agc_client_free(client);
    return rc;
}
