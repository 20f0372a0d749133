import Foundation
import Glibc

/// A monotonic clock in seconds: the benchmark's only time source for intervals.
enum Clock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Sleeps a short poll interval; only ever used between checks of a condition.
    static func nap(_ seconds: Double) { usleep(useconds_t(seconds * 1e6)) }
}

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    var ok: Bool { status == 0 }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs programs with posix_spawn and plain pipes: no Foundation.Process threads in the
/// timed path, so what is measured is the program, not the launcher.
enum Spawn {
    /// Runs `argv` (looked up in PATH) with `environment` added, and collects its output.
    @discardableResult
    static func run(_ argv: [String], environment: [String: String] = [:], stdinPath: String = "/dev/null") throws -> CommandResult {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw BenchError("pipe: errno \(errno)") }
        // Close-on-exec on every end: dup2 onto 1 and 2 clears it there, and no other
        // program the benchmark starts inherits a pipe it would keep open.
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let args = argv.map { strdup($0) } + [nil]
        defer { (envp + args).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, nil, args, envp)
        close(out[1]); close(err[1])
        guard spawned == 0 else {
            close(out[0]); close(err[0])
            throw BenchError("cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        let (stdout, stderr) = collect(out[0], err[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return CommandResult(status: code, stdout: stdout, stderr: stderr)
    }

    /// Runs and throws with the program's own message when it fails.
    @discardableResult
    static func check(_ argv: [String], environment: [String: String] = [:], stdinPath: String = "/dev/null") throws -> CommandResult {
        let result = try run(argv, environment: environment, stdinPath: stdinPath)
        guard result.ok else {
            throw BenchError("\(argv.joined(separator: " ")) exited \(result.status): \(result.stderr.suffix(600))")
        }
        return result
    }

    /// Reads both pipes to their ends with poll, so neither can fill up and block the child.
    private static func collect(_ a: Int32, _ b: Int32) -> (String, String) {
        var buffers: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 65536)
        var open = 2
        while open > 0 {
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue }; break }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = read(fds[i].fd, &chunk, chunk.count)
                if n > 0 { buffers[i].append(contentsOf: chunk[0..<n]) } else if n == 0 || errno != EINTR {
                    close(fds[i].fd); fds[i].fd = -1; open -= 1
                }
            }
        }
        return (String(decoding: buffers[0], as: UTF8.self), String(decoding: buffers[1], as: UTF8.self))
    }
}

extension Spawn {
    /// Starts a program in the background with /dev/null for its streams.
    static func start(_ argv: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let args = argv.map { strdup($0) } + [nil]
        defer { args.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, nil, args, environ)
        guard spawned == 0 else { throw BenchError("cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// Runs a program on the benchmark's own terminal and returns its exit code.
    static func attached(_ argv: [String]) throws -> Int32 {
        let args = argv.map { strdup($0) } + [nil]
        defer { args.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], nil, nil, args, environ)
        guard spawned == 0 else { throw BenchError("cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

/// Prints a line at once, even when standard output is a pipe (progress under `tee`).
func say(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
