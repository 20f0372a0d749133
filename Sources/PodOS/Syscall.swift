import Glibc
import PodCore

/// Runs a system call that returns -1 with errno on failure, retrying on EINTR, and
/// turns a failure into a `PodError` that names the call and the path.
@discardableResult
@inline(__always)
public func syscall(_ call: String, path: String? = nil, _ body: () -> Int32) throws(PodError) -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw PodError.system(call, errno: code, path: path)
    }
}

/// The same for calls that return `ssize_t`.
@discardableResult
@inline(__always)
public func syscallSize(_ call: String, path: String? = nil, _ body: () -> Int) throws(PodError) -> Int {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw PodError.system(call, errno: code, path: path)
    }
}
