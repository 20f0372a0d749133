/* The loader behind CArchive's, CCurl's and CNftables' forwarders; see lazy_load.h. */
#include "lazy_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *load_locked(podlazy_library *library) {
    if (library->handle) return NULL;
    /* RTLD_LAZY: only the functions podctl calls are bound; RTLD_LOCAL: the library's
     * symbols do not join the global scope, so nothing else binds to them by accident. */
    library->handle = dlopen(library->soname, RTLD_LAZY | RTLD_LOCAL);
    if (library->handle) return NULL;
    const char *reason = dlerror();
    snprintf(library->error, sizeof library->error,
             "%s, needed for %s, cannot be loaded (%s): install the %s package (apt-get install %s)",
             library->soname, library->purpose, reason ? reason : "unknown reason",
             library->package, library->package);
    return library->error;
}

const char *podlazy_load(podlazy_library *library) {
    pthread_mutex_lock(&library->mutex);
    const char *error = load_locked(library);
    pthread_mutex_unlock(&library->mutex);
    return error;
}

void *podlazy_resolve(podlazy_library *library, const char *name, void **slot) {
    pthread_mutex_lock(&library->mutex);
    void *address = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!address) {
        const char *error = load_locked(library);
        if (error) {
            fprintf(stderr, "podctl: %s\n", error);
            abort();
        }
        dlerror();
        address = dlsym(library->handle, name);
        if (!address) {
            const char *reason = dlerror();
            fprintf(stderr, "podctl: %s has no %s (%s): install the %s package podctl was built against\n",
                    library->soname, name, reason ? reason : "unknown reason", library->package);
            abort();
        }
        library->resolutions += 1;
        __atomic_store_n(slot, address, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&library->mutex);
    return address;
}

unsigned podlazy_resolutions(podlazy_library *library) {
    pthread_mutex_lock(&library->mutex);
    unsigned count = library->resolutions;
    pthread_mutex_unlock(&library->mutex);
    return count;
}

podlazy_library *podlazy_library_new(const char *soname, const char *package, const char *purpose) {
    podlazy_library *library = calloc(1, sizeof *library);
    if (!library) return NULL;
    library->soname = strdup(soname);
    library->package = strdup(package);
    library->purpose = strdup(purpose);
    pthread_mutex_init(&library->mutex, NULL);
    return library;
}
