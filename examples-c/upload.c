/*
 * upload: upload a file to AppGallery Connect with a live progress bar.
 *
 *   AGC_CLIENT_ID=... AGC_CLIENT_SECRET=... upload [options] APP_ID FILE
 *
 * Credentials come from the environment, never from the command line (where `ps` would
 * show them). Prints the object id on stdout; progress and errors go to stderr.
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
    if (phase == AGC_PHASE_DONE) fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

static void usage(void) {
    fprintf(stderr,
            "usage: upload [--api-base SITE_OR_URL] [--ca-file PEM] [--kind app|atomic|picture]\n"
            "              [--retries N] [--quiet] APP_ID FILE\n"
            "environment: AGC_CLIENT_ID, AGC_CLIENT_SECRET (required), AGC_API_BASE, AGC_CA_FILE\n"
            "libagcupload %s\n",
            agc_version());
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
    unsigned kind = AGC_KIND_HARMONY_APP;
    unsigned retries = 0;
    int quiet = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--quiet") == 0) { quiet = 1; continue; }
        if (i + 1 >= argc) { usage(); return 2; }
        const char *val = argv[++i];
        if (strcmp(opt, "--api-base") == 0) api_base = val;
        else if (strcmp(opt, "--ca-file") == 0) ca_file = val;
        else if (strcmp(opt, "--retries") == 0) retries = (unsigned)strtoul(val, NULL, 10);
        else if (strcmp(opt, "--kind") == 0) {
            if (strcmp(val, "app") == 0) kind = AGC_KIND_HARMONY_APP;
            else if (strcmp(val, "atomic") == 0) kind = AGC_KIND_ATOMIC_SERVICE;
            else if (strcmp(val, "picture") == 0) kind = AGC_KIND_PROFILE_PICTURE;
            else { usage(); return 2; }
        } else { usage(); return 2; }
    }
    if (argc - i != 2 || !client_id || !client_secret) { usage(); return 2; }
    const char *app_id = argv[i];
    const char *path = argv[i + 1];

    agc_client *client = NULL;
    agc_status st = agc_client_new(client_id, client_secret, &client);
    if (st != AGC_OK) return fail("cannot create the client", st);
    int rc = 0;
    if (api_base && (st = agc_client_set_api_base(client, api_base)) != AGC_OK) { rc = fail("--api-base", st); goto out; }
    if (ca_file && (st = agc_client_set_ca_file(client, ca_file)) != AGC_OK) { rc = fail("--ca-file", st); goto out; }
    if (retries && (st = agc_client_set_retry(client, retries, 0)) != AGC_OK) { rc = fail("--retries", st); goto out; }

    struct bar bar = { .enabled = !quiet && isatty(STDERR_FILENO) == 1, .phase = 0 };
    if (!quiet && getenv("AGC_FORCE_PROGRESS")) bar.enabled = 1;
    agc_upload_result *result = NULL;
    st = agc_upload_file(client, app_id, path, kind, on_progress, &bar, &result);
    if (st != AGC_OK) { rc = fail(path, st); goto out; }
    printf("%s\n", agc_upload_result_object_id(result));
    if (!quiet)
        fprintf(stderr, "uploaded %llu bytes, sha256 %s\n", (unsigned long long)agc_upload_result_size(result),
                agc_upload_result_sha256(result));
    agc_upload_result_free(result);
out:
    agc_client_free(client);
    return rc;
}
