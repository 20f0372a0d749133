import Glibc
import PodCore
import PodOS

/// The endpoint's unix socket, bound here rather than by NIO so that it is created
/// 0600 (under umask 0177, then chmod: no moment where others may connect), a stale
/// socket of a killed daemon is replaced, and a live daemon on the same path is an
/// error instead of being silently unlinked (containerd refuses the same way).
enum ListeningSocket {
    static func bind(_ path: String) throws(PodError) -> Int32 {
        try Files.makeDirectories(Files.dirname(of: path), mode: 0o700)
        try removeStale(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PodError(.system, "cannot make a unix socket", cause: .system(call: "socket", errno: errno, path: path)) }
        var address = sockaddr_un(path)
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        let bindErrno = errno
        umask(previous)
        guard bound == 0 else {
            close(fd)
            throw PodError(.system, "cannot bind \(path)", cause: .system(call: "bind", errno: bindErrno, path: path))
        }
        guard chmod(path, 0o600) == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw PodError(.system, "cannot listen on \(path)", cause: .system(call: "listen", errno: code, path: path))
        }
        return fd
    }

    /// A socket file nobody answers on is a killed daemon's: removed. Anything else at
    /// the path (a live daemon, a regular file) is left alone and reported.
    static func removeStale(_ path: String) throws(PodError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw PodError(.invalidArgument, "\(path) exists and is not a socket; remove it or choose another --socket")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_un(path)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        if connected == 0 { throw PodError(.conflict, "another CRI endpoint answers on \(path); stop it first or choose another --socket") }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw PodError(.system, "cannot remove the stale socket \(path)", cause: .system(call: "unlink", errno: errno, path: path))
        }
    }
}

extension sockaddr_un {
    /// The caller checked that the path fits sun_path (Options.parse).
    init(_ path: String) {
        self.init()
        sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
    }
}
