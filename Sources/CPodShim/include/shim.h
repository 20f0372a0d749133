/*
 * CPodShim: the only C in podctl.
 *
 * The rule (docs/architecture.md): C is admitted only where Swift cannot go safely:
 *   - system calls that glibc does not wrap (pivot_root, pidfd_open, close_range, ...),
 *   - variadic calls Swift cannot make (prctl) and macros it cannot import.
 * No C here runs between fork and exec on its own: the only code there is pod-helper's
 * (single-threaded Swift, D13), which calls these wrappers like any other caller;
 * podctl and the supervisor start children with posix_spawn only.
 * Everything else is Swift. Each function returns -1 and leaves errno set on failure,
 * like the system call it wraps, so the Swift side can capture call, errno and path.
 */
#ifndef PODCTL_SHIM_H
#define PODCTL_SHIM_H

#include <stdint.h>
#include <sys/types.h>
/* glibc wraps the xattr calls, but Swift's Glibc module does not include their header. */
#include <sys/xattr.h>

/* pivot_root(2): glibc has no wrapper. */
int podshim_pivot_root(const char *new_root, const char *put_old);

/* pidfd_open(2): glibc 2.36 declares it, older ones do not; the syscall is stable. */
int podshim_pidfd_open(pid_t pid, unsigned int flags);

/* pidfd_send_signal(2). */
int podshim_pidfd_send_signal(int pidfd, int sig, unsigned int flags);

/* close_range(2). */
int podshim_close_range(unsigned int first, unsigned int last, unsigned int flags);

/*
 * Constants whose glibc macros need _GNU_SOURCE or contain casts, which Swift cannot
 * import; shim.c (built with _GNU_SOURCE) defines them from the real headers.
 */
extern const int podshim_O_PATH;
extern const long podshim_UTIME_OMIT;
extern const int podshim_CLONE_NEWNS;

/* syncfs(2): glibc wraps it only under _GNU_SOURCE. */
int podshim_syncfs(int fd);

/*
 * unshare(2), same reason. podctl's multi-threaded processes never call it (see
 * docs/architecture.md, "The one rule for namespaces"); tests use it on a dedicated
 * thread to get a private mount namespace (see Tests/PodImageTests/OverlayMountTests).
 */
int podshim_unshare(int flags);

/*
 * The new mount API (Linux 5.2; fsconfig "lowerdir+" for overlayfs since 6.8). glibc
 * 2.36 has wrappers, older ones do not; the syscalls are stable. Constants are from
 * <linux/mount.h>, which cannot be included beside glibc's <sys/mount.h>.
 */
enum {
    PODSHIM_FSOPEN_CLOEXEC = 0x00000001,
    PODSHIM_FSMOUNT_CLOEXEC = 0x00000001,
    PODSHIM_FSCONFIG_SET_FLAG = 0,
    PODSHIM_FSCONFIG_SET_STRING = 1,
    PODSHIM_FSCONFIG_CMD_CREATE = 6,
    PODSHIM_MOVE_MOUNT_F_EMPTY_PATH = 0x00000004,
};
int podshim_fsopen(const char *fs_name, unsigned int flags);
int podshim_fsconfig(int fs_fd, unsigned int cmd, const char *key, const void *value, int aux);
int podshim_fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags);
int podshim_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path, unsigned int flags);

/*
 * Idmapped mounts (mount_setattr(2), Linux 5.12; under overlayfs layers since 5.19):
 * open_tree(OPEN_TREE_CLONE) makes a detached copy of the mount at `path`, and
 * mount_setattr(MOUNT_ATTR_IDMAP) makes it show its files' owners through the user
 * namespace `userns_fd`. The returned descriptor is attached with podshim_move_mount.
 * On failure, -1 with errno, and *failed_call names the call ("open_tree" or
 * "mount_setattr").
 */
int podshim_open_idmapped(const char *path, int userns_fd, const char **failed_call);

/*
 * A detached copy of the mount tree at the descriptor `fd` (open_tree(2) with
 * OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH, Linux 5.2), as the mount namespace of
 * the caller has it; attached elsewhere with podshim_move_mount.
 */
int podshim_clone_tree(int fd);

/* mount_setattr(2) (Linux 5.12) on the mount of `fd` (AT_EMPTY_PATH), every mount below
 * it too when `recursive`: attributes set and cleared (MOUNT_ATTR_*), no propagation
 * change. */
int podshim_mount_setattr(int fd, int recursive, uint64_t attr_set, uint64_t attr_clr);
enum { PODSHIM_MOUNT_ATTR_RDONLY = 0x00000001, PODSHIM_MOVE_MOUNT_T_EMPTY_PATH = 0x00000040 };

/* malloc_trim(3): gives freed heap memory back to the kernel (Swift's Glibc module does
 * not include <malloc.h>). */
int podshim_malloc_trim(void);

/* sync_file_range(2) with SYNC_FILE_RANGE_WRITE over the whole file: starts the writeback
 * of its dirty pages (allocating their blocks) without waiting, so a later fsync of
 * another file of the group commits them in the same journal transaction. A hint only:
 * durability still comes from each file's fsync. */
int podshim_start_writeback(int fd);

#endif
