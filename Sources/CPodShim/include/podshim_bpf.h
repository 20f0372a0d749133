/*
 * CPodShim, devices part: bpf(2) has no glibc wrapper. The supervisor loads a container's
 * device filter (built in Swift by PodCgroups' DeviceFilter) and attaches it to the
 * container's cgroup v2 directory (docs/security.md, "Devices"). Each returns -1 with
 * errno set on failure.
 */
#ifndef PODCTL_SHIM_BPF_H
#define PODCTL_SHIM_BPF_H

#include <stddef.h>

/* BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program: `count` instructions of 8
   bytes each (struct bpf_insn). With a `log` buffer the verifier explains a refusal
   there. Returns the program's descriptor (close-on-exec). */
int podshim_bpf_load_device_filter(const void *instructions, unsigned int count, char *log, unsigned int log_size);

/* BPF_PROG_ATTACH of that program to the cgroup directory `cgroup_fd` as
   BPF_CGROUP_DEVICE with BPF_F_ALLOW_MULTI, so it runs alongside any program an
   ancestor has (systemd's), each able to refuse. */
int podshim_bpf_attach_device_filter(int cgroup_fd, int program_fd);

#endif
