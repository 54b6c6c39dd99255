/* A signed HarmonyOS .app fixture of an exact size for the C tests (as tests/common/app.rs):
 * a stored ZIP holding pack.info (bundle com.example.agcmock, versionCode 1000012) and a
 * padding module, with a HAP signing block head right before the central directory. */
#ifndef AGC_TEST_APP_H
#define AGC_TEST_APP_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char APP_FIXTURE_INFO[] =
    "{\"summary\":{\"app\":{\"bundleName\":\"com.example.agcmock\",\"bundleType\":\"app\","
    "\"version\":{\"code\":1000012,\"name\":\"1.0.12\",\"minCompatibleVersionCode\":1}},"
    "\"modules\":[{\"deviceType\":[\"phone\"],\"distro\":{\"moduleName\":\"entry\",\"moduleType\":\"entry\"}}]}}";
#define APP_FIXTURE_PAD "entry-default.hap"

static uint32_t app_crc32(const unsigned char *p, size_t n, uint32_t c) {
    c = ~c;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}
static void app_put16(FILE *f, unsigned v) { fputc(v & 0xFF, f); fputc((v >> 8) & 0xFF, f); }
static void app_put32(FILE *f, uint32_t v) { app_put16(f, v & 0xFFFF); app_put16(f, v >> 16); }

/* The fewest bytes a fixture can have. */
static size_t app_fixture_min(void) {
    size_t names = strlen("pack.info") + strlen(APP_FIXTURE_PAD);
    return 2 * 30 + names + strlen(APP_FIXTURE_INFO) + 64 + 32 + 2 * 46 + names + 22;
}

static unsigned char app_pad_byte(size_t i) { return (unsigned char)(i * 31 % 251); }

/* Write a signed .app of exactly `size` bytes (at least app_fixture_min()) to `path`. */
static void write_signed_app(const char *path, size_t size) {
    size_t pad = size - app_fixture_min();
    FILE *f = fopen(path, "wb");
    if (!f || size < app_fixture_min()) { perror(path); exit(2); }
    uint32_t crc_pad = 0;
    for (size_t i = 0; i < pad; i++) { unsigned char b = app_pad_byte(i); crc_pad = app_crc32(&b, 1, crc_pad); }
    const char *names[2] = {"pack.info", APP_FIXTURE_PAD};
    uint32_t lens[2] = {(uint32_t)strlen(APP_FIXTURE_INFO), (uint32_t)pad};
    uint32_t crcs[2] = {app_crc32((const unsigned char *)APP_FIXTURE_INFO, strlen(APP_FIXTURE_INFO), 0), crc_pad};
    uint32_t offs[2];
    uint32_t at = 0;
    for (int e = 0; e < 2; e++) {
        offs[e] = at;
        app_put32(f, 0x04034b50); app_put16(f, 20); app_put16(f, 0); app_put16(f, 0); app_put32(f, 0);
        app_put32(f, crcs[e]); app_put32(f, lens[e]); app_put32(f, lens[e]);
        app_put16(f, (unsigned)strlen(names[e])); app_put16(f, 0); fputs(names[e], f);
        if (e == 0) fputs(APP_FIXTURE_INFO, f);
        else for (size_t i = 0; i < pad; i++) fputc(app_pad_byte(i), f);
        at += 30 + (uint32_t)strlen(names[e]) + lens[e];
    }
    for (int i = 0; i < 64; i++) fputc(0x5A, f);
    app_put32(f, 1); app_put32(f, 96); app_put32(f, 0); fputs("<hap sign block>", f); app_put32(f, 3);
    uint32_t cd = at + 96, cd_len = 0;
    for (int e = 0; e < 2; e++) {
        app_put32(f, 0x02014b50); app_put16(f, 20); app_put16(f, 20); app_put16(f, 0); app_put16(f, 0);
        app_put32(f, 0); app_put32(f, crcs[e]); app_put32(f, lens[e]); app_put32(f, lens[e]);
        app_put16(f, (unsigned)strlen(names[e])); app_put16(f, 0); app_put16(f, 0); app_put16(f, 0);
        app_put16(f, 0); app_put32(f, 0); app_put32(f, offs[e]); fputs(names[e], f);
        cd_len += 46 + (uint32_t)strlen(names[e]);
    }
    app_put32(f, 0x06054b50); app_put32(f, 0); app_put16(f, 2); app_put16(f, 2);
    app_put32(f, cd_len); app_put32(f, cd); app_put16(f, 0);
    if (fclose(f) != 0) { perror(path); exit(2); }
}
#endif
