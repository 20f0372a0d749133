#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int podshim_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int podshim_pidfd_open(pid_t pid, unsigned int flags) {
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

int podshim_pidfd_send_signal(int pidfd, int sig, unsigned int flags) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, (void *)0, flags);
}

int podshim_close_range(unsigned int first, unsigned int last, unsigned int flags) {
    return (int)syscall(SYS_close_range, first, last, flags);
}

const int podshim_O_PATH = O_PATH;
const long podshim_UTIME_OMIT = UTIME_OMIT;
const int podshim_CLONE_NEWNS = CLONE_NEWNS;

int podshim_syncfs(int fd) {
    return syncfs(fd);
}

int podshim_unshare(int flags) {
    return unshare(flags);
}

/* Syscall numbers of the new mount API are the same on every architecture (the
 * unified table from 5.1 on); older kernel headers may lack the names. */
#ifndef SYS_fsopen
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif

int podshim_fsopen(const char *fs_name, unsigned int flags) {
    return (int)syscall(SYS_fsopen, fs_name, flags);
}

int podshim_fsconfig(int fs_fd, unsigned int cmd, const char *key, const void *value, int aux) {
    return (int)syscall(SYS_fsconfig, fs_fd, cmd, key, value, aux);
}

int podshim_fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags) {
    return (int)syscall(SYS_fsmount, fs_fd, flags, attr_flags);
}

int podshim_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path, unsigned int flags) {
    return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

/* <linux/mount.h>: struct mount_attr and its constants. */
struct podshim_mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};
#define PODSHIM_OPEN_TREE_CLONE 1
#define PODSHIM_MOUNT_ATTR_IDMAP 0x00100000

int podshim_open_idmapped(const char *path, int userns_fd, const char **failed_call) {
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, PODSHIM_OPEN_TREE_CLONE | O_CLOEXEC);
    if (fd < 0) {
        *failed_call = "open_tree";
        return -1;
    }
    struct podshim_mount_attr attr = { .attr_set = PODSHIM_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        *failed_call = "mount_setattr";
        return -1;
    }
    return fd;
}

#define PODSHIM_AT_RECURSIVE 0x8000

int podshim_clone_tree(int fd) {
    return (int)syscall(SYS_open_tree, fd, "", PODSHIM_OPEN_TREE_CLONE | PODSHIM_AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);
}

int podshim_mount_setattr(int fd, int recursive, uint64_t attr_set, uint64_t attr_clr) {
    struct podshim_mount_attr attr = { .attr_set = attr_set, .attr_clr = attr_clr };
    return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? PODSHIM_AT_RECURSIVE : 0), &attr, sizeof attr);
}

int podshim_malloc_trim(void) {
    return malloc_trim(0);
}

int podshim_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}
