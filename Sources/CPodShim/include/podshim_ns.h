/*
 * CPodShim, namespace and mount part: wrappers for the namespace helper. The rule of
 * shim.h holds: C only where Swift cannot go (macros Swift cannot import, calls glibc
 * does not declare without _GNU_SOURCE, struct ifreq unions).
 */
#ifndef PODCTL_SHIM_NS_H
#define PODCTL_SHIM_NS_H

#include <sys/types.h>

int podshim_setns(int fd, int nstype);
/* podshim_unshare is declared in shim.h. */

/* Sets IFF_UP on interface `name` through socket `sock` (SIOCGIFFLAGS/SIOCSIFFLAGS). */
int podshim_interface_up(int sock, const char *name);

/* execveat(fd, "", argv, envp, AT_EMPTY_PATH): exec a file opened before pivot_root. */
int podshim_execveat_fd(int fd, char *const argv[], char *const envp[]);

/* makedev(3) is a macro. */
dev_t podshim_makedev(unsigned int major, unsigned int minor);

/* ioctl(fd, TIOCSCTTY, 0): make the terminal on fd the controlling terminal. */
int podshim_set_controlling_tty(int fd);

/* WIFEXITED & co are macros. Returns the exit code, or 128 + signal when killed. */
int podshim_exit_code(int status);

/* pipe2(2) with O_CLOEXEC: a GNU extension Swift does not see. */
int podshim_pipe_cloexec(int fds[2]);

/* A non-blocking, close-on-exec signalfd for the signals in `set` (which the caller blocks). */
#include <signal.h>
int podshim_signalfd(const sigset_t *set);

/* Reads one signal from a signalfd: its number, or -1 (EAGAIN when none is pending). */
int podshim_read_signal(int fd);

/* prctl(PR_SET_CHILD_SUBREAPER, 1): orphans of our descendants come to us. */
int podshim_set_subreaper(void);

/* prctl(PR_SET_PDEATHSIG, sig): the signal this process gets when its parent ends. */
int podshim_set_parent_death_signal(int sig);


/* posix_spawn_file_actions_addclosefrom_np (glibc 2.34): close every descriptor from
   `from` up in the child, so nothing the parent holds (a caller's pipes) leaks into a
   long-lived child that would keep them open. */
#include <spawn.h>
int podshim_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

/* Sends / receives one descriptor over a unix socket (SCM_RIGHTS; the CMSG macros are
   not importable). Both return -1 with errno on failure. */
int podshim_send_fd(int sock, int fd);
int podshim_recv_fd(int sock);

/* A new pty from /dev/ptmx of the current mount namespace: returns the master and
   writes the slave's path into `path` (ptsname_r). */
int podshim_open_pty(char *path, size_t size);

/* socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC). */
int podshim_socketpair(int fds[2]);

#endif
