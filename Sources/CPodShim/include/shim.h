/*
 * CPodShim: the only C in podctl.
 *
 * The rule (docs/architecture.md): C is admitted only where Swift cannot go safely:
 *   - code that runs between fork and exec in a multi-threaded process,
 *   - system calls that glibc does not wrap (pivot_root, pidfd_open, close_range, ...),
 *   - macros that Swift cannot import.
 * Everything else is Swift. Each function returns -1 and leaves errno set on failure,
 * like the system call it wraps, so the Swift side can capture call, errno and path.
 */
#ifndef PODCTL_SHIM_H
#define PODCTL_SHIM_H

#include <sys/types.h>

/* pivot_root(2): glibc has no wrapper. */
int podshim_pivot_root(const char *new_root, const char *put_old);

/* pidfd_open(2): glibc 2.36 declares it, older ones do not; the syscall is stable. */
int podshim_pidfd_open(pid_t pid, unsigned int flags);

/* pidfd_send_signal(2). */
int podshim_pidfd_send_signal(int pidfd, int sig, unsigned int flags);

/* close_range(2). */
int podshim_close_range(unsigned int first, unsigned int last, unsigned int flags);

#endif
