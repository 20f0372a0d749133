import Glibc
import PodCore
import PodOS
import PodTestSupport
import Testing

/// FileLock.holder names the process that holds a lock, and never one that has exited.
@Suite struct FileLockHolderTests {
    /// A holder that exited but is not reaped yet (a zombie: its parent, here this test,
    /// has not waited for it) still answers kill(pid, 0), and its PID is still in the lock
    /// file, but the kernel released its lock at exit. `delete` of a host's last pod
    /// waited on such a pod-dns until PID 1 reaped it (1.6 s here).
    @Test func aHolderThatExitedIsNotNamedBeforeItIsReaped() throws {
        let directory = TemporaryDirectory("filelock")
        let path = directory.file("responder.lock")
        // The shell writes its PID, as podctl's lock holders do, then becomes flock(1),
        // which takes the lock, runs `true` and exits.
        let pid = try spawn(["/bin/sh", "-c", "echo $$ > \"$0\"; exec flock -o \"$0\" true", path])
        defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
        #expect(waitUntil(.seconds(10)) { ProcessIdentity.hasExited(pid) })
        #expect(kill(pid, 0) == 0, "a zombie keeps its PID until it is reaped")
        #expect(FileLock.holder(of: path) == nil)
    }

    @Test func aLiveHolderIsNamed() throws {
        let directory = TemporaryDirectory("filelock")
        let path = directory.file("responder.lock")
        let lock = try #require(try FileLock.acquire(path, wait: .no))
        #expect(FileLock.holder(of: path) == getpid())
        withExtendedLifetime(lock) {}
    }

    /// The holder's PID is written over the last one in place, one width for every PID
    /// (no truncate to zero, D79), and a longer text left by someone else is cut.
    @Test func theRecordIsWrittenInPlaceAndReadBack() throws {
        let directory = TemporaryDirectory("filelock")
        let path = directory.file("state.lock")
        try AtomicFile.write("not a pid, and longer than any record\n", to: path)
        let lock = try #require(try FileLock.acquire(path, wait: .no))
        let text = try Files.readText(path)
        #expect(text.count == 12 && text.hasSuffix("\n"))
        #expect(Int32(text.trimmingWhitespace()) == getpid())
        withExtendedLifetime(lock) {}
    }
}

/// Starts a program (not through a shell unless it is one) and returns its PID; the caller reaps it.
func spawn(_ arguments: [String]) throws -> pid_t {
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let result = posix_spawn(&pid, arguments[0], nil, nil, argv, environ)
    try #require(result == 0, "posix_spawn: \(String(cString: strerror(result)))")
    return pid
}
