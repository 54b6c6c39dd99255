/*
 * upload.c: the smallest useful program on libagcupload's C ABI.
 *
 *   AGC_CLIENT_ID=... AGC_CLIENT_SECRET=... upload APP_ID FILE.app
 *
 * Uploads a HarmonyOS .app package, prints the object id on stdout, the progress of the
 * upload and any error on stderr. Exit status: 0 on success, 1 on failure, 2 on a usage error.
 * Optional: AGC_API_BASE (site or https:// URL) and AGC_CA_FILE (extra trusted CAs).
 *
 * For pipelines use the `agcupload` tool (cli/), which adds publishing, JSON output, exit codes
 * per category, GitHub Actions outputs and a progress bar.
 */
#include <stdio.h>
#include <stdlib.h>

#include "agcupload.h"

/* Called on this thread by the library; returning non-zero would cancel the upload. */
static int on_progress(void *user_data, agc_phase phase, uint64_t done, uint64_t total) {
    int *last_percent = user_data;
    if (phase == AGC_PHASE_UPLOADING && total > 0) {
        int percent = (int)(done * 100 / total);
        if (percent / 25 != *last_percent / 25 || percent == 100) {
            fprintf(stderr, "uploading: %d%%\n", percent);
        }
        *last_percent = percent;
    }
    return 0;
}

static int fail(const char *what, agc_status st) {
    /* agc_last_error() explains the last failure on this thread; it never holds a secret. */
    fprintf(stderr, "upload: %s: %s (%s)\n", what, agc_last_error(), agc_status_str((int)st));
    return 1;
}

int main(int argc, char **argv) {
    const char *client_id = getenv("AGC_CLIENT_ID");
    const char *client_secret = getenv("AGC_CLIENT_SECRET"); /* never on the command line */
    const char *api_base = getenv("AGC_API_BASE");
    const char *ca_file = getenv("AGC_CA_FILE");
    if (argc != 3 || !client_id || !client_secret) {
        fprintf(stderr, "usage: AGC_CLIENT_ID=... AGC_CLIENT_SECRET=... upload APP_ID FILE.app\n"
                        "libagcupload %s\n", agc_version());
        return 2;
    }

    agc_client *client = NULL; /* owned here: freed with agc_client_free */
    agc_status st = agc_client_new(client_id, client_secret, &client);
    if (st != AGC_OK) return fail("cannot create the client", st);

    int rc = 0;
    agc_upload_result *result = NULL; /* owned here: freed with agc_upload_result_free */
    int last_percent = -1;
    if (api_base && (st = agc_client_set_api_base(client, api_base)) != AGC_OK) {
        rc = fail("AGC_API_BASE", st);
    } else if (ca_file && (st = agc_client_set_ca_file(client, ca_file)) != AGC_OK) {
        rc = fail("AGC_CA_FILE", st);
    } else if ((st = agc_upload_file(client, argv[1], argv[2], AGC_KIND_HARMONY_APP, NULL, on_progress, &last_percent,
                                     &result)) != AGC_OK) {
        rc = fail(argv[2], st);
    } else {
        /* Strings from the result are owned by it: valid until agc_upload_result_free. */
        printf("%s\n", agc_upload_result_object_id(result));
        fprintf(stderr, "uploaded %llu bytes, sha256 %s\n", (unsigned long long)agc_upload_result_size(result),
                agc_upload_result_sha256(result));
    }
    agc_upload_result_free(result); /* NULL is fine */
    agc_client_free(client);
    return rc;
}
