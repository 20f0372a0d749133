/*
 * CLazyLoad: a shared library opened on first use instead of at the program's start (D78).
 *
 * podctl-cli linked libcurl, libarchive and libnftables directly: ld.so then loaded 49
 * shared objects (gnutls, krb5, ldap, libxml2, ICU, gmp, ...) and bound their symbols before
 * main on every command, also on `apply` of a pod whose image is present, where none of
 * them is used. CArchive, CCurl and CNftables define each function podctl calls as a
 * forwarder with the library's own name and prototype (the headers check them): its first
 * call opens the library (dlopen(3), RTLD_LAZY | RTLD_LOCAL) and resolves the function once
 * (dlsym(3)); later calls go through the stored pointer. The modules that use a library call
 * its load function first (PodOS.SharedLibrary.require), so a missing library is a PodError
 * naming the library and the package to install, never an abort in a forwarder.
 */
#ifndef PODCTL_LAZY_LOAD_H
#define PODCTL_LAZY_LOAD_H

#include <pthread.h>

typedef struct podlazy_library {
    const char *soname;   /* what dlopen opens: "libarchive.so.13" */
    const char *package;  /* the Debian package that installs it */
    const char *purpose;  /* what podctl needs it for, for the error message */
    pthread_mutex_t mutex;
    void *handle;
    unsigned resolutions; /* functions resolved so far (each once) */
    char error[512];
} podlazy_library;

#define PODLAZY_LIBRARY(soname, package, purpose) \
    { (soname), (package), (purpose), PTHREAD_MUTEX_INITIALIZER, 0, 0, { 0 } }

/* Opens the library if it is not open yet. NULL when it is open, else a message naming
 * the library, dlerror's reason and the package to install (valid until the next call). */
const char *podlazy_load(podlazy_library *library);

/* The address of `name` in the library, stored in *slot; resolved once under the
 * library's mutex. A library or symbol that cannot be found aborts with the message: every
 * module calls podlazy_load (through its library's load function) before the first call. */
void *podlazy_resolve(podlazy_library *library, const char *name, void **slot);

/* How many functions of the library have been resolved (tests: each only once). */
unsigned podlazy_resolutions(podlazy_library *library);

/* A library record on the heap, for tests that open a library of their choice. */
podlazy_library *podlazy_library_new(const char *soname, const char *package, const char *purpose);

/* `podlazy_<name>()`: the library's function `name`, resolved on the first call and kept.
 * The pointer has the header's type (__typeof__), so a prototype that drifts fails to
 * compile. For a variadic function (curl_easy_setopt) the caller passes typed arguments. */
#define PODLAZY_FUNCTION(library, name)                                                     \
    static __typeof__(&name) podlazy_##name(void) {                                         \
        static __typeof__(&name) pointer;                                                   \
        __typeof__(&name) function = __atomic_load_n(&pointer, __ATOMIC_ACQUIRE);           \
        if (!function) function = (__typeof__(&name))podlazy_resolve(&library, #name, (void **)&pointer); \
        return function;                                                                    \
    }

/* A forwarder: `ret name params` calls the library's function of the same name. Hidden:
 * the executables export their symbols (--export-dynamic), and a forwarder must not stand in
 * for the library's own function inside the library. */
#define PODLAZY_FORWARD(library, ret, name, params, args)                                   \
    PODLAZY_FUNCTION(library, name)                                                         \
    __attribute__((visibility("hidden"))) ret name params { return podlazy_##name() args; }

#define PODLAZY_FORWARD_VOID(library, name, params, args)                                   \
    PODLAZY_FUNCTION(library, name)                                                         \
    __attribute__((visibility("hidden"))) void name params { podlazy_##name() args; }

#endif
