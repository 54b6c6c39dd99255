/*
 * C check of the proxy and trust options (tests/network.rs drives a real tinyproxy; this
 * checks the C surface): agc_trust values, the system store through SSL_CERT_FILE, Mozilla
 * roots alone refusing the mock, agc_client_set_proxy's "none" / URL / NULL, the wording of an
 * unreachable proxy without its password, and that none of it starts a thread.
 * Run through scripts/with-mock.sh; compiled with -Wall -Wextra -Werror, under valgrind in CI.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agcupload.h"
#include "check.h"
#include "no_threads.h"

/* Threads in this process (Linux): the library must start none. */
static int threads(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return 1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static int max_threads = 0;
static int on_progress(void *ud, agc_phase phase, uint64_t done, uint64_t total) {
    (void)ud, (void)phase, (void)done, (void)total;
    int n = threads();
    if (n > max_threads) max_threads = n;
    return 0;
}

/* A local port where nothing listens: bind to port 0, read it, close. */
static int dead_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(s, (struct sockaddr *)&a, &len) != 0) {
        perror("socket");
        exit(2);
    }
    close(s);
    return ntohs(a.sin_port);
}

static agc_status upload(agc_client *c, const char *path) {
    agc_upload_result *r = NULL;
    agc_status st = agc_upload_file(c, "10001", path, AGC_KIND_HARMONY_APP, NULL, on_progress, NULL, &r);
    agc_upload_result_free(r);
    return st;
}

int main(void) {
    const char *base = getenv("AGC_MOCK_BASE_URL"), *ca = getenv("AGC_MOCK_CA_FILE");
    const char *id = getenv("AGC_MOCK_CLIENT_ID"), *secret = getenv("AGC_MOCK_CLIENT_SECRET");
    if (!base || !ca || !id || !secret) {
        fprintf(stderr, "run me through scripts/with-mock.sh\n");
        return 2;
    }
    /* No proxy from the caller's environment in this test. */
    unsetenv("https_proxy"), unsetenv("HTTPS_PROXY"), unsetenv("all_proxy"), unsetenv("ALL_PROXY");
    unsetenv("no_proxy"), unsetenv("NO_PROXY"), unsetenv("SSL_CERT_DIR");

    char path[512];
    snprintf(path, sizeof path, "%s/agc-c-net-%ld.app", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); return 2; }
    fputs("PK\x03\x04", f);
    for (int i = 0; i < 200000; i++) fputc(i * 31 % 251, f);
    fclose(f);

    CHECK(AGC_TRUST_MOZILLA == 1 && AGC_TRUST_SYSTEM == 2 && AGC_TRUST_BOTH == 3, "agc_trust numbers");

    agc_client *c = NULL;
    CHECK_STATUS(agc_client_new(id, secret, &c), AGC_OK);
    CHECK_STATUS(agc_client_set_api_base(c, base), AGC_OK);
    CHECK_STATUS(agc_client_set_retry(c, 1, 60000), AGC_OK);

    /* Trust: Mozilla's roots do not know the mock's CA; the "system store" does. */
    CHECK_STATUS(agc_client_set_trust(c, 0), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_trust(c, 7), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_trust(NULL, AGC_TRUST_SYSTEM), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_trust(c, AGC_TRUST_MOZILLA), AGC_OK);
    CHECK_STATUS(upload(c, path), AGC_ERR_TLS);
    setenv("SSL_CERT_FILE", ca, 1);
    CHECK_STATUS(agc_client_set_trust(c, AGC_TRUST_SYSTEM), AGC_OK);
    CHECK_STATUS(upload(c, path), AGC_OK);
    CHECK_STATUS(agc_client_set_trust(c, AGC_TRUST_BOTH), AGC_OK);
    unsetenv("SSL_CERT_FILE");
    CHECK_STATUS(upload(c, path), AGC_OK);

    /* Proxy: NULL and SOCKS are refused; an unreachable proxy is named, its password not. */
    CHECK_STATUS(agc_client_set_proxy(c, NULL), AGC_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(agc_client_set_proxy(c, "socks5://u:pw-c-secret@127.0.0.1:1080"), AGC_ERR_INVALID_ARGUMENT);
    CHECK(strstr(agc_last_error(), "pw-c-secret") == NULL, "%s", agc_last_error());
    char proxy[128], named[128];
    int port = dead_port();
    snprintf(proxy, sizeof proxy, "http://u:pw-c-secret@127.0.0.1:%d", port);
    snprintf(named, sizeof named, "cannot reach the proxy http://127.0.0.1:%d", port);
    CHECK_STATUS(agc_client_set_proxy(c, proxy), AGC_OK);
    CHECK_STATUS(upload(c, path), AGC_ERR_NETWORK);
    CHECK(strstr(agc_last_error(), named) != NULL, "%s", agc_last_error());
    CHECK(strstr(agc_last_error(), "pw-c-secret") == NULL, "%s", agc_last_error());

    /* The environment's proxy, then "none" turning it off. */
    setenv("HTTPS_PROXY", proxy, 1);
    CHECK_STATUS(agc_client_set_proxy(c, "env"), AGC_OK);
    CHECK_STATUS(upload(c, path), AGC_ERR_NETWORK);
    CHECK(strstr(agc_last_error(), named) != NULL, "%s", agc_last_error());
    CHECK_STATUS(agc_client_set_proxy(c, "none"), AGC_OK);
    unsetenv("HTTPS_PROXY");
    CHECK_STATUS(upload(c, path), AGC_OK);

    CHECK(max_threads == 1, "the library started threads: %d seen", max_threads);
    /* Deterministic: every pthread_create is counted, however short the thread lived (a
     * CONNECT proxy's host name once went to a resolver thread of ureq's). */
    CHECK(threads_started == 0, "the library called pthread_create %d times", threads_started);
    agc_client_free(c);
    remove(path);
    printf("C network test: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
