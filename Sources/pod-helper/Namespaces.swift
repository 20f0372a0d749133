import Glibc
import CPodShim

/// Namespace flags (sched.h); spelled out because Swift does not import them all.
enum Namespace {
    static let mount: Int32 = 0x0002_0000
    static let cgroup: Int32 = 0x0200_0000
    static let uts: Int32 = 0x0400_0000
    static let ipc: Int32 = 0x0800_0000
    static let user: Int32 = 0x1000_0000
    static let pid: Int32 = 0x2000_0000
    static let net: Int32 = 0x4000_0000
}

/// Joins the namespace `kind` (`net`, `uts`, …) of process `pid`.
func join(_ kind: String, of pid: Int32, flag: Int32) {
    let path = "/proc/\(pid)/ns/\(kind)"
    let fd = check(open(path, O_RDONLY | O_CLOEXEC), "open", path, "cannot open the \(kind) namespace of process \(pid) (is the pod's pause running?)")
    check(podshim_setns(fd, flag), "setns", path, "cannot join the \(kind) namespace of process \(pid)")
    close(fd)
}

func unshareNamespaces(_ flags: Int32, _ what: String) {
    check(podshim_unshare(flags), "unshare", "", "cannot create the \(what) namespaces")
}

/// Brings `lo` up in the current network namespace (SIOCSIFFLAGS), as every runtime does
/// for a new network namespace: without it not even 127.0.0.1 answers.
func loopbackUp() {
    let sock = check(socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0), "socket", "lo")
    check(podshim_interface_up(sock, "lo"), "ioctl(SIOCSIFFLAGS)", "lo", "cannot bring the loopback interface up")
    close(sock)
}

/// O_PATH (fcntl.h, Linux): a descriptor that names a file without opening it for I/O,
/// enough for execveat(AT_EMPTY_PATH). Swift does not import it.
let openPathOnly: Int32 = 0o10_000_000
