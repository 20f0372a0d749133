/* Confinement calls for pod-helper; see include/podshim_security.h. */
#define _GNU_SOURCE
#include "podshim_security.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int podshim_cap_last(void) {
    int cap = 0;
    while (cap < 64 && prctl(PR_CAPBSET_READ, (unsigned long)(cap + 1), 0, 0, 0) >= 0) cap++;
    return cap;
}

int podshim_capbset_drop(int cap) {
    return prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0);
}

int podshim_set_keepcaps(int on) {
    return prctl(PR_SET_KEEPCAPS, (unsigned long)(on ? 1 : 0), 0, 0, 0);
}

int podshim_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
        {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32)},
    };
    return (int)syscall(SYS_capset, &header, data);
}

int podshim_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    *effective = (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
    *permitted = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
    *inheritable = (uint64_t)data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
    return 0;
}

int podshim_ambient_clear_all(void) {
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

int podshim_ambient_raise(int cap) {
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0);
}

int podshim_set_no_new_privs(void) {
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int podshim_seccomp_load(const void *program, size_t length, unsigned int flags) {
    if (length == 0 || length % sizeof(struct sock_filter) != 0 || length / sizeof(struct sock_filter) > 0xffff) {
        errno = EINVAL;
        return -1;
    }
    struct sock_fprog filter = {
        .len = (unsigned short)(length / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)program,
    };
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &filter);
}

int podshim_memfd(const char *name) {
    return memfd_create(name, MFD_CLOEXEC);
}
