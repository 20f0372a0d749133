import Foundation
import Glibc
import PodTestSupport
import Testing

/// A program run as PID 1 of a fresh PID namespace:
/// `unshare --pid --fork --kill-child --mount-proc PROGRAM...`. unshare forks the
/// namespace's first process and waits for it; --kill-child makes the kernel SIGKILL that
/// process (and so the whole namespace) should unshare die, so no test leaves one behind.
final class Namespaced {
    let unshare = Process()
    private let errors = Pipe()
    private var errorText: String?

    init(_ arguments: [String]) throws {
        unshare.executableURL = URL(fileURLWithPath: TestEnvironment.unshare)
        unshare.arguments = ["--pid", "--fork", "--kill-child", "--mount-proc"] + arguments
        // Not the runner's terminal: pod-init would make the workload its foreground group.
        unshare.standardInput = FileHandle.nullDevice
        unshare.standardError = errors
        try unshare.run()
    }

    deinit { stop() }

    /// The host PID of the namespace's PID 1 once it runs `name` and has blocked its
    /// signals, so that a signal sent to it now is not lost.
    func initPID(named name: String) -> pid_t? {
        var found: pid_t?
        _ = waitUntil {
            found = ProcessEntry.all().first { $0.parent == unshare.processIdentifier }
                .flatMap { $0.name == name && ProcessEntry.blocksSignals($0.pid) ? $0.pid : nil }
            return found != nil
        }
        return found
    }

    /// The exit status of PID 1 (unshare passes it on), or nil if still running at `timeout`.
    func exitStatus(within timeout: Duration = .seconds(5)) -> Int32? {
        guard waitUntil(timeout, { !unshare.isRunning }) else { return nil }
        unshare.waitUntilExit()
        return unshare.terminationReason == .exit ? unshare.terminationStatus : 128 + unshare.terminationStatus
    }

    /// Everything PID 1 wrote to stderr; call once it has exited.
    var stderr: String {
        if errorText == nil {
            errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        return errorText ?? ""
    }

    /// SIGKILL to unshare, which takes the namespace with it (--kill-child).
    func stop() {
        if unshare.isRunning { kill(unshare.processIdentifier, SIGKILL) }
    }
}

/// A shell command line for `sh -c`, quoting one argument for sh.
func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
