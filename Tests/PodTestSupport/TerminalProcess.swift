import Foundation
import Glibc

/// podctl run inside the harness's namespaces with a pty the test opened as its stdin,
/// stdout and stderr (posix_openpt(3), pty(7)): the test types into the master and reads
/// what the program writes, as a user at a terminal.
public final class TerminalProcess {
    public let process: Process
    let master: Int32
    public private(set) var output = ""

    init(_ harness: Harness, _ arguments: [String]) throws {
        // posix_openpt(3) by hand (Glibc's module does not export it): /dev/ptmx, then
        // TIOCSPTLCK to unlock the slave and TIOCGPTN for its number (pty(7)).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw HarnessError("cannot open a pty: \(String(cString: strerror(errno)))")
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { throw HarnessError("cannot open /dev/pts/\(number)") }
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process = harness.podctlProcess(arguments)
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
    }

    /// Types text as the user would.
    public func type(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Types a command line (Enter is a carriage return on a terminal) and reads until
    /// `output` has appeared.
    public func enter(_ line: String, expecting output: String) throws {
        type(line + "\r")
        try read(until: output)
    }

    /// Reads until `text` has appeared, polling the master (no fixed sleep).
    public func read(until text: String, seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !output.contains(text) {
            guard Date() < deadline else { throw HarnessError("timed out waiting for \(text.debugDescription) in terminal output: \(output.debugDescription)") }
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 100) > 0 else { continue }
            let count = Glibc.read(master, &buffer, buffer.count)
            // EIO: the program closed its side; what it wrote was read already.
            if count <= 0 { if !output.contains(text) { throw HarnessError("terminal closed before \(text.debugDescription): \(output.debugDescription)") }; return }
            output += String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }

    /// Waits for the program to exit and returns its status.
    public func waitForExit(seconds: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while process.isRunning {
            guard Date() < deadline else { throw HarnessError("podctl did not exit: \(output.debugDescription)") }
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 50) > 0 {
                let count = Glibc.read(master, &buffer, buffer.count)
                if count > 0 { output += String(decoding: buffer[0..<count], as: UTF8.self) }
            }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Stops the program (by its PID) if it still runs.
    public func stop() {
        // SIGKILL: the test runner blocks SIGTERM and its children inherit the mask.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { close(master) }
}

extension Harness {
    /// Starts podctl with a terminal of its own; the caller types and reads through it.
    public func startInTerminal(_ arguments: [String]) throws -> TerminalProcess {
        try TerminalProcess(self, arguments)
    }
}
