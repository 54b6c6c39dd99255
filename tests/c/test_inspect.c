/*
 * Offline inspection through the C ABI (agc_inspect_package and the agc_package_info
 * accessors), on .app files this test writes byte by byte: a signed app, a signed atomic
 * service, an unsigned package, not a ZIP, a missing file, a FIFO; and a NULL sweep.
 * Needs no server; run by `make test-c`, under valgrind when it is installed.
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

static char dir[256];

static const char APP_INFO[] =
    "{\"summary\": {\"app\": {\"bundleName\": \"com.example.capp\", \"bundleType\": \"app\","
    " \"version\": {\"code\": 1000012, \"name\": \"1.0.12\", \"minCompatibleVersionCode\": 1000000}},"
    " \"modules\": [{\"deviceType\": [\"phone\", \"tablet\", \"2in1\"],"
    "  \"distro\": {\"moduleType\": \"entry\", \"installationFree\": false, \"moduleName\": \"entry\"}},"
    " {\"deviceType\": [], \"distro\": {\"moduleType\": \"feature\", \"moduleName\": \"pad\"}}]},"
    " \"packages\": [{\"name\": \"entry-default\", \"moduleType\": \"entry\", \"deviceType\": [\"phone\"]}]}";

static const char SERVICE_INFO[] =
    "{\"summary\": {\"app\": {\"bundleName\": \"com.example.cservice\", \"bundleType\": \"atomicService\","
    " \"version\": {\"code\": 7, \"name\": \"0.0.7\"}},"
    " \"modules\": [{\"deviceType\": [\"phone\"],"
    "  \"distro\": {\"moduleType\": \"entry\", \"installationFree\": true, \"moduleName\": \"entry\"}}]}}";

static uint32_t crc32(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void put16(FILE *f, unsigned v) { fputc(v & 0xFF, f); fputc((v >> 8) & 0xFF, f); }
static void put32(FILE *f, uint32_t v) { put16(f, v & 0xFFFF); put16(f, v >> 16); }
static void put64(FILE *f, uint64_t v) { put32(f, (uint32_t)v); put32(f, (uint32_t)(v >> 32)); }

struct entry { const char *name; const unsigned char *data; size_t len; };

/* A stored ZIP of `n` entries; `signed_` puts a HAP signing block (its 32-byte head ends
 * with the magic "<hap sign block>" and version 3) right before the central directory. */
static void write_zip(const char *path, const struct entry *e, int n, int signed_) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    uint32_t offsets[8];
    uint32_t pos = 0;
    for (int i = 0; i < n; i++) {
        offsets[i] = pos;
        size_t nl = strlen(e[i].name);
        put32(f, 0x04034b50); put16(f, 20); put16(f, 0); put16(f, 0); put16(f, 0); put16(f, 0x21);
        put32(f, crc32(e[i].data, e[i].len)); put32(f, (uint32_t)e[i].len); put32(f, (uint32_t)e[i].len);
        put16(f, (unsigned)nl); put16(f, 0);
        fwrite(e[i].name, 1, nl, f);
        fwrite(e[i].data, 1, e[i].len, f);
        pos += (uint32_t)(30 + nl + e[i].len);
    }
    if (signed_) {
        for (int i = 0; i < 64; i++) fputc(0x5a, f);
        put32(f, 1); put64(f, 64 + 32);
        fwrite("<hap sign block>", 1, 16, f);
        put32(f, 3);
        pos += 64 + 32;
    }
    uint32_t cd = pos, cd_size = 0;
    for (int i = 0; i < n; i++) {
        size_t nl = strlen(e[i].name);
        put32(f, 0x02014b50); put16(f, 0x031E); put16(f, 20); put16(f, 0); put16(f, 0); put16(f, 0);
        put16(f, 0x21); put32(f, crc32(e[i].data, e[i].len)); put32(f, (uint32_t)e[i].len);
        put32(f, (uint32_t)e[i].len); put16(f, (unsigned)nl); put16(f, 0); put16(f, 0); put16(f, 0);
        put16(f, 0); put32(f, 0); put32(f, offsets[i]);
        fwrite(e[i].name, 1, nl, f);
        cd_size += (uint32_t)(46 + nl);
    }
    put32(f, 0x06054b50); put16(f, 0); put16(f, 0); put16(f, (unsigned)n); put16(f, (unsigned)n);
    put32(f, cd_size); put32(f, cd); put16(f, 0);
    fclose(f);
}

static void path_of(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

static int same(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

static void test_app(void) {
    static const unsigned char hap[100] = {7};
    struct entry e[] = {
        {"entry-default.hap", hap, sizeof hap},
        {"pack.info", (const unsigned char *)APP_INFO, sizeof APP_INFO - 1},
    };
    char p[512];
    path_of(p, sizeof p, "app.app");
    write_zip(p, e, 2, 1);
    agc_package_info *info = (agc_package_info *)0x1;
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_OK);
    if (info == NULL) return;
    CHECK(same(agc_package_info_bundle_name(info), "com.example.capp"), "%s", agc_package_info_bundle_name(info));
    CHECK(same(agc_package_info_bundle_type(info), "app"), "%s", agc_package_info_bundle_type(info));
    CHECK(agc_package_info_kind(info) == AGC_KIND_HARMONY_APP, "%u", agc_package_info_kind(info));
    CHECK(agc_package_info_version_code(info) == 1000012, "%llu",
          (unsigned long long)agc_package_info_version_code(info));
    CHECK(same(agc_package_info_version_name(info), "1.0.12"), "%s", agc_package_info_version_name(info));
    CHECK(agc_package_info_min_compatible_version_code(info) == 1000000, "%lld",
          (long long)agc_package_info_min_compatible_version_code(info));
    struct stat st;
    CHECK(stat(p, &st) == 0 && agc_package_info_size(info) == (uint64_t)st.st_size, "size");
    CHECK(agc_package_info_module_count(info) == 2, "%zu", agc_package_info_module_count(info));
    CHECK(same(agc_package_info_module_name(info, 0), "entry"), "module 0 name");
    CHECK(same(agc_package_info_module_type(info, 0), "entry"), "module 0 type");
    CHECK(same(agc_package_info_module_device_types(info, 0), "phone,tablet,2in1"), "%s",
          agc_package_info_module_device_types(info, 0));
    CHECK(same(agc_package_info_module_name(info, 1), "pad"), "module 1 name");
    CHECK(same(agc_package_info_module_type(info, 1), "feature"), "module 1 type");
    CHECK(same(agc_package_info_module_device_types(info, 1), ""), "module 1 devices");
    CHECK(agc_package_info_module_name(info, 2) == NULL, "past the last module");
    CHECK(agc_package_info_module_type(info, (size_t)-1) == NULL, "far past the last module");
    CHECK(agc_package_info_module_device_types(info, 2) == NULL, "past the last module");
    CHECK_STATUS(agc_package_info_check_kind(info, AGC_KIND_HARMONY_APP), AGC_OK);
    CHECK_STATUS(agc_package_info_check_kind(info, AGC_KIND_ATOMIC_SERVICE), AGC_ERR_FILE_TYPE);
    CHECK(strstr(agc_last_error(), "declared as an atomic service") != NULL, "%s", agc_last_error());
    CHECK_STATUS(agc_package_info_check_kind(info, 99), AGC_ERR_INVALID_ARGUMENT);
    agc_package_info_free(info);
}

static void test_service(void) {
    struct entry e[] = {{"pack.info", (const unsigned char *)SERVICE_INFO, sizeof SERVICE_INFO - 1}};
    char p[512];
    path_of(p, sizeof p, "service.app");
    write_zip(p, e, 1, 1);
    agc_package_info *info = NULL;
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_OK);
    if (info == NULL) return;
    CHECK(same(agc_package_info_bundle_type(info), "atomicService"), "%s", agc_package_info_bundle_type(info));
    CHECK(agc_package_info_kind(info) == AGC_KIND_ATOMIC_SERVICE, "%u", agc_package_info_kind(info));
    CHECK(agc_package_info_min_compatible_version_code(info) == -1, "none given");
    CHECK_STATUS(agc_package_info_check_kind(info, AGC_KIND_ATOMIC_SERVICE), AGC_OK);
    CHECK_STATUS(agc_package_info_check_kind(info, AGC_KIND_HARMONY_APP), AGC_ERR_FILE_TYPE);
    agc_package_info_free(info);
}

static void test_refusals(void) {
    struct entry e[] = {{"pack.info", (const unsigned char *)APP_INFO, sizeof APP_INFO - 1}};
    char p[512];
    agc_package_info *info = (agc_package_info *)0x1;

    path_of(p, sizeof p, "unsigned.app");
    write_zip(p, e, 1, 0);
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE_TYPE);
    CHECK(info == NULL, "out cleared on failure");
    CHECK(strstr(agc_last_error(), "not signed") != NULL, "%s", agc_last_error());

    struct entry none[] = {{"entry-default.hap", (const unsigned char *)"x", 1}};
    path_of(p, sizeof p, "nopackinfo.app");
    write_zip(p, none, 1, 1);
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE_TYPE);
    CHECK(strstr(agc_last_error(), "no pack.info") != NULL, "%s", agc_last_error());

    /* A name another reader takes for pack.info, beside it. */
    struct entry alias[] = {{"pack.info", (const unsigned char *)APP_INFO, sizeof APP_INFO - 1},
                            {"./pack.info", (const unsigned char *)"{}", 2}};
    path_of(p, sizeof p, "alias.app");
    write_zip(p, alias, 2, 1);
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE_TYPE);
    CHECK(strstr(agc_last_error(), "which readers may take for pack.info") != NULL, "%s", agc_last_error());

    /* A key given twice: readers differ on which one counts. */
    static const char twice[] = "{\"summary\": {\"app\": {\"bundleName\": \"com.victim.app\", "
                                "\"bundleName\": \"com.example.demo\", \"version\": {\"code\": 1, \"name\": \"1\"}}}}";
    struct entry dup[] = {{"pack.info", (const unsigned char *)twice, sizeof twice - 1}};
    path_of(p, sizeof p, "twice.app");
    write_zip(p, dup, 1, 1);
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE_TYPE);
    CHECK(strstr(agc_last_error(), "the key \"bundleName\" appears twice") != NULL, "%s", agc_last_error());

    path_of(p, sizeof p, "text.app");
    FILE *f = fopen(p, "wb");
    if (!f) { perror(p); exit(2); }
    fputs("PK\x03\x04 but no directory at all", f);
    fclose(f);
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE_TYPE);
    CHECK(strstr(agc_last_error(), "not a ZIP archive") != NULL, "%s", agc_last_error());

    path_of(p, sizeof p, "missing.app");
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE);

    path_of(p, sizeof p, "fifo.app");
    CHECK(mkfifo(p, 0600) == 0, "mkfifo");
    /* No writer ever opens it: a blocking open would hang here. */
    CHECK_STATUS(agc_inspect_package(p, &info), AGC_ERR_FILE);
    CHECK(strstr(agc_last_error(), "FIFO") != NULL, "%s", agc_last_error());
    CHECK(info == NULL, "out cleared on failure");
}

static void test_null_sweep(void) {
    agc_package_info *info = (agc_package_info *)0x1;
    CHECK_STATUS(agc_inspect_package(NULL, &info), AGC_ERR_INVALID_ARGUMENT);
    CHECK(info == NULL, "out cleared before the path is checked");
    CHECK_STATUS(agc_inspect_package("x.app", NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_package_info_check_kind(NULL, AGC_KIND_HARMONY_APP), AGC_ERR_INVALID_ARGUMENT);
    CHECK(agc_package_info_bundle_name(NULL) == NULL, "bundle name");
    CHECK(agc_package_info_bundle_type(NULL) == NULL, "bundle type");
    CHECK(agc_package_info_kind(NULL) == 0, "kind");
    CHECK(agc_package_info_version_code(NULL) == 0, "version code");
    CHECK(agc_package_info_version_name(NULL) == NULL, "version name");
    CHECK(agc_package_info_min_compatible_version_code(NULL) == -1, "min compatible");
    CHECK(agc_package_info_size(NULL) == 0, "size");
    CHECK(agc_package_info_module_count(NULL) == 0, "module count");
    CHECK(agc_package_info_module_name(NULL, 0) == NULL, "module name");
    CHECK(agc_package_info_module_type(NULL, 0) == NULL, "module type");
    CHECK(agc_package_info_module_device_types(NULL, 0) == NULL, "module devices");
    agc_package_info_free(NULL);
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/agc-inspect-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    test_app();
    test_service();
    test_refusals();
    test_null_sweep();
    const char *names[] = {"app.app", "service.app", "unsigned.app", "nopackinfo.app", "text.app", "fifo.app"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_of(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(dir);
    printf("test_inspect: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
