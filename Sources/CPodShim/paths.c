#define _GNU_SOURCE
#include "podshim_paths.h"

#include <errno.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

int podshim_openat2(int dirfd, const char *path, int flags, unsigned int mode, uint64_t resolve) {
    struct open_how how = { .flags = (uint64_t)(unsigned int)flags, .mode = mode, .resolve = resolve };
    /* EAGAIN: a rename or mount elsewhere raced a ".." under RESOLVE_IN_ROOT or
     * RESOLVE_BENEATH, and openat2(2) says to try again (runc and crun retry too). */
    for (int attempt = 0; attempt < 128; attempt++) {
        int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) return fd;
    }
    return -1;
}
