/* Counts every thread the process starts, by interposing pthread_create: the executable's
 * definition wins over libc's for the library's calls too (ELF symbol interposition), so a
 * thread the library starts, however short-lived, is counted. The library must start none.
 * Include in exactly one translation unit; link with -ldl on glibc older than 2.34. */
#ifndef AGC_TEST_NO_THREADS_H
#define AGC_TEST_NO_THREADS_H
#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before any include (RTLD_NEXT)"
#endif
#include <dlfcn.h>
#include <pthread.h>

static int threads_started = 0;

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    static pthread_create_fn real = NULL;
    if (!real) {
        void *sym = dlsym(RTLD_NEXT, "pthread_create");
        memcpy(&real, &sym, sizeof real);
    }
    __atomic_add_fetch(&threads_started, 1, __ATOMIC_SEQ_CST);
    return real(thread, attr, start, arg);
}
#endif
