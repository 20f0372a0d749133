/*
 * CPodShim, confinement part: the capability and prctl calls pod-helper makes between
 * fork and exec (docs/security.md). prctl(2) is variadic and capset(2) has no glibc
 * wrapper, so Swift cannot call them directly. Each returns -1 with errno set on failure.
 */
#ifndef PODCTL_SHIM_SECURITY_H
#define PODCTL_SHIM_SECURITY_H

#include <stddef.h>
#include <stdint.h>

/* The highest capability number the running kernel knows (PR_CAPBSET_READ until EINVAL). */
int podshim_cap_last(void);

/* prctl(PR_CAPBSET_DROP, cap): remove one capability from the bounding set (needs CAP_SETPCAP). */
int podshim_capbset_drop(int cap);

/* prctl(PR_SET_KEEPCAPS, on): keep the permitted set across setuid from root. */
int podshim_set_keepcaps(int on);

/* capset(2), version 3, this process: the three sets as bit masks (bit N = capability N). */
int podshim_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/* capget(2) of this process, for checks. */
int podshim_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable);

/* prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) and (…_RAISE, cap). */
int podshim_ambient_clear_all(void);
int podshim_ambient_raise(int cap);

/* prctl(PR_SET_NO_NEW_PRIVS, 1). */
int podshim_set_no_new_privs(void);

/* seccomp(SECCOMP_SET_MODE_FILTER, flags, program): load a compiled filter, `length`
   bytes of struct sock_filter. Needs no_new_privs or CAP_SYS_ADMIN. Flags: */
enum {
    PODSHIM_SECCOMP_FLAG_LOG = 2,        /* SECCOMP_FILTER_FLAG_LOG */
    PODSHIM_SECCOMP_FLAG_SPEC_ALLOW = 4, /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
};
int podshim_seccomp_load(const void *program, size_t length, unsigned int flags);

/* memfd_create(name, MFD_CLOEXEC): an anonymous file (libseccomp exports to a descriptor). */
int podshim_memfd(const char *name);

#endif
