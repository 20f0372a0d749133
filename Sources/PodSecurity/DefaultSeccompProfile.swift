import PodLaunch

/// podctl's `RuntimeDefault` seccomp profile: an allow-list, in effect the default of
/// Docker and containerd (docs/security.md has the list and the differences). Anything
/// not allowed fails with EPERM (not a kill), so a program sees "Operation not
/// permitted" as it would without the capability. Calls that need a capability the
/// container does not keep stay refused even where the kernel would check it, so a
/// kernel bug behind that check is out of reach.
public enum DefaultSeccompProfile {
    public static let errnoPermission: UInt16 = 1
    static let errnoNoSystemCall: UInt16 = 38
    static let addressFamilyVsock: UInt64 = 40
    /// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET.
    public static let namespaceFlags: UInt64 = 0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000

    /// Allowed for every container: everything an ordinary program needs.
    public static let allowed: [String] = [
        // files and descriptors
        "access", "chdir", "chmod", "chown", "chown32", "close", "close_range", "copy_file_range", "creat", "dup",
        "dup2", "dup3", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fchdir", "fchmod",
        "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock",
        "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futimesat", "getcwd", "getdents", "getdents64", "getxattr", "lchown", "lchown32", "lgetxattr",
        "link", "linkat", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64",
        "mkdir", "mkdirat", "mknod", "mknodat", "newfstatat", "open", "openat", "openat2", "pread64", "preadv", "preadv2",
        "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "removexattr",
        "rename", "renameat", "renameat2", "rmdir", "sendfile", "sendfile64", "setxattr", "splice", "stat", "stat64",
        "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "tee", "truncate",
        "truncate64", "umask", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vmsplice",
        "write", "writev",
        // polling, events, pipes, inotify, fanotify marks
        "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait",
        "epoll_wait_old", "eventfd", "eventfd2", "fanotify_mark", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "_newselect", "pipe", "pipe2", "poll", "ppoll", "ppoll_time64", "pselect6",
        "pselect6_time64", "select", "signalfd", "signalfd4", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
        "timerfd_settime", "timerfd_settime64",
        // asynchronous I/O (io_uring is not here: Docker 25 and containerd 2.0 dropped it)
        "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_setup", "io_submit",
        "ioctl", "ioprio_get", "ioprio_set",
        // memory
        "brk", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mlock", "mlock2", "mlockall", "mmap",
        "mmap2", "mprotect", "mremap", "msync", "munlock", "munlockall", "munmap", "pkey_alloc", "pkey_free",
        "pkey_mprotect", "remap_file_pages",
        // processes, threads, signals (clone is below: namespaces need CAP_SYS_ADMIN)
        "capget", "capset", "execve", "execveat", "exit", "exit_group", "fork", "futex", "futex_time64", "futex_waitv",
        "get_robust_list", "get_thread_area", "getcpu", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
        "getgid32", "getgroups", "getgroups32", "getitimer", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "getrusage", "getsid",
        "gettid", "getuid", "getuid32", "kill", "pause", "pidfd_open", "pidfd_send_signal", "prctl", "prlimit64",
        "process_mrelease", "restart_syscall", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
        "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
        "rt_tgsigqueueinfo", "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity", "sched_getattr",
        "sched_getparam", "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
        "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
        "set_robust_list", "set_thread_area", "set_tid_address", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
        "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid",
        "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
        "setsid", "setuid", "setuid32", "sigaltstack", "sigprocmask", "sigreturn", "tgkill", "tkill", "ugetrlimit",
        "vfork", "wait4", "waitid", "waitpid", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
        // time (setting the clock needs CAP_SYS_TIME, below; adjtimex only reads without it)
        "adjtimex", "alarm", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "gettimeofday", "nanosleep",
        "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64",
        "timer_settime", "timer_settime64", "times",
        // sockets (socket itself is below: no AF_VSOCK)
        "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen", "recv",
        "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg", "sendmsg", "sendto", "setsockopt",
        "shutdown", "socketcall", "socketpair",
        // System V and POSIX IPC
        "ipc", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
        "mq_timedsend_time64", "mq_unlink", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget", "semop",
        "semtimedop", "semtimedop_time64", "shmat", "shmctl", "shmdt", "shmget",
        // the system, read only
        "name_to_handle_at", "sysinfo", "uname",
    ]

    /// Allowed on x86-64 only (for its own and the x32 ABI; modify_ldt also for x86).
    static let allowedX86 = ["arch_prctl", "modify_ldt"]
    static let allowedArm = ["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"]

    /// Allowed when the container keeps the capability (the kernel checks it too).
    public static let allowedWithCapability: [(capability: String, names: [String])] = [
        ("DAC_READ_SEARCH", ["open_by_handle_at"]),
        ("SYS_ADMIN", ["bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie",
                       "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
                       "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare"]),
        ("SYS_BOOT", ["reboot"]),
        ("SYS_CHROOT", ["chroot"]),
        ("SYS_MODULE", ["delete_module", "init_module", "finit_module"]),
        ("SYS_PACCT", ["acct"]),
        ("SYS_PTRACE", ["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"]),
        ("SYS_RAWIO", ["iopl", "ioperm"]),
        ("SYS_TIME", ["settimeofday", "stime", "clock_settime", "clock_settime64"]),
        ("SYS_TTY_CONFIG", ["vhangup"]),
        ("SYS_NICE", ["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"]),
        ("SYSLOG", ["syslog"]),
        ("BPF", ["bpf"]),
        ("PERFMON", ["perf_event_open"]),
    ]

    /// The personalities programs set (PER_LINUX, PER_LINUX32, UNAME26 with each, and
    /// the query 0xffffffff); anything else (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, …) is refused.
    static let personalities: [UInt64] = [0, 0x8, 0x20000, 0x20008, 0xffff_ffff]

    /// The filter for a container that keeps `capabilities` (its bounding set).
    public static func filter(capabilities: UInt64, host: Host) -> SeccompFilter {
        func keeps(_ name: String) -> Bool { Capability.mask(name).map { capabilities & $0 != 0 } ?? false }
        var unconditional = allowed
        if host.kernel >= KernelVersion(major: 4, minor: 8) {
            // Since 4.8 the kernel checks seccomp again after a tracer changes a call,
            // so ptrace cannot be used to escape the filter (Docker allows it too).
            unconditional += ["ptrace", "process_vm_readv", "process_vm_writev"]
        }
        switch host.goArchitecture {
        case "amd64": unconditional += allowedX86
        case "arm64": unconditional += allowedArm
        default: break
        }
        for (capability, names) in allowedWithCapability where keeps(capability) { unconditional += names }
        var seen = Set<String>()
        unconditional = unconditional.filter { seen.insert($0).inserted }
        var rules = [SeccompRule(action: .allow, names: unconditional)]
        rules.append(SeccompRule(action: .allow, names: ["socket"], arguments: [SeccompArgument(index: 0, op: .notEqual, value: addressFamilyVsock)]))
        for persona in personalities {
            rules.append(SeccompRule(action: .allow, names: ["personality"], arguments: [SeccompArgument(index: 0, op: .equal, value: persona)]))
        }
        if !keeps("SYS_ADMIN") {
            // Threads and processes, but no new namespaces (a user namespace needs no
            // capability, and would open a large part of the kernel to the container).
            rules.append(SeccompRule(action: .allow, names: ["clone"], arguments: [SeccompArgument(index: 0, op: .maskedEqual, value: namespaceFlags, valueTwo: 0)]))
            // clone3's flags are behind a pointer seccomp cannot read: ENOSYS makes glibc fall back to clone.
            rules.append(SeccompRule(action: .errno(errnoNoSystemCall), names: ["clone3"]))
        }
        return SeccompFilter(defaultAction: .errno(errnoPermission), architectures: host.architectures, rules: rules)
    }
}
