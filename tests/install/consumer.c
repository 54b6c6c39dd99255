/* A program that knows libagcupload only through what `make install` put in a prefix: it is
 * built by tests/install/run.sh with pkg-config (shared and --static) and with CMake (both
 * targets). It checks the header's compile-time version against the library's agc_version(),
 * then uploads a small .app to the mock server named by AGC_MOCK_* (scripts/with-mock.sh).
 * Usage: consumer WORK_DIR. Prints "uploaded <object id>"; exit 0 on success. */
#include <agcupload.h>

#include <stdio.h>
#include <string.h>

#if !defined(AGCUPLOAD_VERSION_NUMBER) || AGCUPLOAD_VERSION_NUMBER < 0x000100
#error "agcupload.h too old: need 0.1.0 or later"
#endif

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        fprintf(stderr, "consumer: %s is not set (run through scripts/with-mock.sh)\n", name);
        exit(2);
    }
    return v;
}

static int fail(const char *what, agc_status st) {
    fprintf(stderr, "consumer: %s: %s: %s\n", what, agc_status_str(st), agc_last_error());
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: consumer WORK_DIR\n");
        return 2;
    }
    if (strcmp(agc_version(), AGCUPLOAD_VERSION_STRING) != 0) {
        fprintf(stderr, "consumer: header %s but library %s\n", AGCUPLOAD_VERSION_STRING, agc_version());
        return 1;
    }
    printf("header %d.%d.%d, library %s\n", AGCUPLOAD_VERSION_MAJOR, AGCUPLOAD_VERSION_MINOR,
           AGCUPLOAD_VERSION_PATCH, agc_version());

    char path[4096];
    if (snprintf(path, sizeof path, "%s/consumer.app", argv[1]) >= (int)sizeof path) return 2;
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    fputs("PK\x03\x04", f);
    for (int i = 0; i < 4096; i++) fputc(i & 0xff, f);
    if (fclose(f) != 0) return 1;

    agc_client *c = NULL;
    agc_status st = agc_client_new(env("AGC_MOCK_CLIENT_ID"), env("AGC_MOCK_CLIENT_SECRET"), &c);
    if (st != AGC_OK) return fail("agc_client_new", st);
    int rc = 1;
    if ((st = agc_client_set_api_base(c, env("AGC_MOCK_BASE_URL"))) != AGC_OK) {
        fail("agc_client_set_api_base", st);
    } else if ((st = agc_client_set_ca_file(c, env("AGC_MOCK_CA_FILE"))) != AGC_OK) {
        fail("agc_client_set_ca_file", st);
    } else {
        agc_upload_result *r = NULL;
        st = agc_upload_file(c, "20002", path, AGC_KIND_HARMONY_APP, NULL, NULL, NULL, &r);
        if (st != AGC_OK) {
            fail("agc_upload_file", st);
        } else {
            if (agc_upload_result_size(r) == 4100 && agc_upload_result_object_id(r)[0] != '\0') {
                printf("uploaded %s\n", agc_upload_result_object_id(r));
                rc = 0;
            } else {
                fprintf(stderr, "consumer: unexpected result (size %llu)\n",
                        (unsigned long long)agc_upload_result_size(r));
            }
            agc_upload_result_free(r);
        }
    }
    agc_client_free(c);
    return rc;
}
