import Glibc
import PodLaunch

/// Reads the plan descriptor to end-of-file.
func readPlan() -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(HelperDescriptors.plan, $0.baseAddress, $0.count) }
        if count > 0 { bytes += chunk[0..<count]; continue }
        if count < 0 && errno == EINTR { continue }
        break
    }
    close(HelperDescriptors.plan)
    return bytes
}

func report(_ message: HelperReport) {
    let bytes = message.encoded
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(HelperDescriptors.report, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
    }
}

/// Reports a failure and exits: the caller turns it into a status with a reason.
func fail(_ kind: HelperFailure.Kind, _ call: String, _ code: Int32, _ path: String, _ message: String) -> Never {
    report(.failed(HelperFailure(kind: kind, call: call, errno: code, path: path, message: message)))
    exit(kind == .notFound ? 127 : kind == .notExecutable ? 126 : 1)
}

/// Checks a call that returns -1 with errno; on failure reports it with the path and exits.
@discardableResult
func check(_ result: Int32, _ call: String, _ path: String = "", _ what: @autoclosure () -> String = "") -> Int32 {
    if result != -1 { return result }
    let code = errno
    let text = what()
    let detail = String(cString: strerror(code))
    fail(.setup, call, code, path, (text.isEmpty ? "\(call) \(path)" : text) + ": " + detail)
}

/// Sets the report descriptor close-on-exec in this process: a successful exec then
/// closes it, which the caller reads as success.
func closeReportOnExec() {
    _ = fcntl(HelperDescriptors.report, F_SETFD, FD_CLOEXEC)
}
