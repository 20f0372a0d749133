/*
 * CPodShim, paths part: openat2(2) (Linux 5.6), which glibc does not wrap. podctl
 * resolves every path inside a container root with it (docs/runtime.md, "Paths inside
 * the root"), as crun does: RESOLVE_IN_ROOT makes `..` stop at the root and absolute
 * symlinks restart there; RESOLVE_NO_MAGICLINKS refuses /proc/PID/root-style links.
 * Returns the descriptor, or -1 with errno set; EAGAIN (a race on "..") is retried.
 */
#ifndef PODCTL_SHIM_PATHS_H
#define PODCTL_SHIM_PATHS_H

#include <stdint.h>

/* The RESOLVE_* flags of <linux/openat2.h>. */
enum {
    PODSHIM_RESOLVE_NO_XDEV = 0x01,
    PODSHIM_RESOLVE_NO_MAGICLINKS = 0x02,
    PODSHIM_RESOLVE_NO_SYMLINKS = 0x04,
    PODSHIM_RESOLVE_BENEATH = 0x08,
    PODSHIM_RESOLVE_IN_ROOT = 0x10,
};

int podshim_openat2(int dirfd, const char *path, int flags, unsigned int mode, uint64_t resolve);

#endif
