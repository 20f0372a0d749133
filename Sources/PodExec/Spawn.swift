import CPodShim
import Glibc
import PodCore

/// posix_spawn with podctl's rules for every child: each descriptor in `descriptors`
/// (source → target) is first copied above every target number, so one dup2 never
/// overwrites the source of the next; everything else is closed in the child, so no
/// pipe of the caller leaks into a long-lived child; the signal mask is cleared (the
/// supervisor blocks the signals its signalfd reads).
public func spawnProcess(_ path: String, arguments: [String], descriptors: [(source: Int32, target: Int32)], newSession: Bool = false) throws(PodError) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let copies = descriptors.map { fcntl($0.source, F_DUPFD_CLOEXEC, 16) }
    defer { copies.forEach { close($0) } }
    for (copy, target) in zip(copies, descriptors.map(\.target)) {
        posix_spawn_file_actions_adddup2(&actions, copy, target)
    }
    podshim_spawn_close_from(&actions, (descriptors.map(\.target).max() ?? 2) + 1)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | (newSession ? posixSpawnSetSID : 0)))
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
    guard result == 0 else { throw PodError.system("posix_spawn", errno: result, path: path, "cannot run \(path)") }
    return pid
}

/// POSIX_SPAWN_SETSID (spawn.h, glibc 2.26+): Swift does not import it.
public let posixSpawnSetSID: Int32 = 0x80

/// A `sockaddr_un` for `path`, or nil when the path does not fit (108 bytes on Linux).
public func unixSocketAddress(_ path: String) -> sockaddr_un? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    return address
}
