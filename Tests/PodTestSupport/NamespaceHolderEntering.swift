import CPodShim
import Foundation
import Glibc

/// What tests do inside a namespace holder's network namespace: run library code there
/// (on a thread of its own, since a network namespace is per thread) or a check command.
extension NamespaceHolder {
    /// Runs `body` on a new thread that first enters this holder's network namespace
    /// (setns(2) with CLONE_NEWNET); the thread ends after `body`, so nothing of the test
    /// process stays in the namespace. Returns what `body` returns or throws.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let pid = self.pid
        let thread = Thread {
            defer { done.signal() }
            let fd = open("/proc/\(pid)/ns/net", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { box.result = .failure(TestFailure("open /proc/\(pid)/ns/net: errno \(errno)")); return }
            defer { close(fd) }
            guard podshim_setns(fd, 0x4000_0000) == 0 else {  // CLONE_NEWNET
                box.result = .failure(TestFailure("setns into the namespace of \(pid): errno \(errno)"))
                return
            }
            box.result = Result { try body() }
        }
        thread.start()
        done.wait()
        return try box.result!.get()
    }

    /// Runs a program inside the namespace (`nsenter -t PID -n`) for checks; returns stdout.
    @discardableResult
    public func command(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["-t", String(pid), "-n", "--"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The result of work done on another thread, handed back after a semaphore.
public final class ResultBox<T>: @unchecked Sendable {
    public var result: Result<T, any Error>?
    public init() {}
}
