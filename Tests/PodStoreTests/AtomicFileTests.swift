import Foundation
import Glibc
import Testing
@testable import PodOS
@testable import PodStore
import PodCore
import Dispatch
import Foundation

/// Runs blocking work (flock polling, file I/O loops) on a thread of its own, never on the
/// cooperative pool, which has only as many threads as cores and would starve.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    // A thread of its own, not Dispatch's pool: these bodies block (on locks, on each
    // other), and on a 2-core machine blocked pool threads starved the waiters.
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

@Suite struct AtomicFileTests {
    @Test func aWriteStoppedHalfWayLeavesTheOldFile() throws {
        let roots = try TemporaryRoots()
        let path = roots.base + "/state.json"
        try AtomicFile.write("old content", to: path)
        // What a process killed in the middle of a write leaves: a partial temporary file.
        let partial = try AtomicFile.writeTemporary(Array("new content that never finished".utf8), for: path, mode: 0o600, stopAfter: 7)
        #expect(try Files.readText(path) == "old content")
        #expect(try Files.readText(partial) == "new con")
        // The next writer is not confused by it, and a sweep removes it once it is old.
        try AtomicFile.write("newer", to: path)
        #expect(try Files.readText(path) == "newer")
        try AtomicFile.sweep(directory: roots.base, minimumAge: 0)
        #expect(try Files.list(roots.base) == ["state.json"])
    }

    @Test func concurrentReadersNeverSeeATornFile() async throws {
        let roots = try TemporaryRoots()
        let path = roots.base + "/state.json"
        // Large versions, so a non-atomic write would be seen half-done.
        let versions = (0..<8).map { String(repeating: String($0), count: 256 * 1024) }
        try AtomicFile.write(versions[0], to: path)
        let valid = Set(versions)
        let torn = await withTaskGroup(of: Int.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    await onThread {
                        for round in 0..<40 { try? AtomicFile.write(versions[(round + writer) % versions.count], to: path) }
                        return 0
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    await onThread {
                        var bad = 0
                        for _ in 0..<200 {
                            if let text = try? Files.readText(path), !valid.contains(text) { bad += 1 }
                        }
                        return bad
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(torn == 0)
        #expect(try Files.list(roots.base) == ["state.json"], "no temporary file may stay behind")
    }

    @Test func aGroupedWriteReplacesEveryFileAndLeavesNoTemporary() throws {
        let roots = try TemporaryRoots()
        try Files.makeDirectories(roots.base + "/other", mode: 0o700)
        let paths = [roots.base + "/manifest.json", roots.base + "/runplan.json", roots.base + "/other/hosts"]
        try AtomicFile.write(paths[0], to: paths[0])
        try AtomicFile.write(paths.map { AtomicFile.Replacement(path: $0, bytes: Array("new \($0)".utf8), mode: 0o644) })
        for path in paths {
            #expect(try Files.readText(path) == "new \(path)")
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o644)
        }
        #expect(try Files.list(roots.base).sorted() == ["manifest.json", "other", "runplan.json"])
        #expect(try Files.list(roots.base + "/other") == ["hosts"])
        try AtomicFile.write([])
    }

    @Test func aGroupedWriteThatFailsLeavesNoTemporary() throws {
        let roots = try TemporaryRoots()
        let path = roots.base + "/state.json"
        try AtomicFile.write("old", to: path)
        // A directory where the second file should go: its rename fails (EISDIR).
        try Files.makeDirectories(roots.base + "/taken", mode: 0o700)
        try Files.makeDirectories(roots.base + "/taken/inside", mode: 0o700)
        #expect(throws: PodError.self) {
            try AtomicFile.write([AtomicFile.Replacement(path: path, bytes: Array("new".utf8)), AtomicFile.Replacement(path: roots.base + "/taken", bytes: [1])])
        }
        #expect(try Files.list(roots.base).sorted() == ["state.json", "taken"])
    }

}

@Suite struct LockTests {
    @Test func onlyOneHolderAtATime() throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "default", name: "web")
        let first = try roots.store.lock(key, wait: .no)
        do {
            _ = try roots.store.lock(key, wait: .no)
            Issue.record("a second holder must be refused")
        } catch {
            #expect(error.code == .conflict)
            #expect(error.message.contains("pod default/web is being changed by another podctl (pid \(getpid())"))
        }
        first.release()
        let second = try roots.store.lock(key, wait: .no)
        second.release()
    }

    /// Runs `body` on a thread of its own; the semaphore is signalled when it returns.
    /// Synchronous on purpose: a Task could wait for a cooperative thread that the other
    /// suites' blocking tests hold.
    final class Waiter: @unchecked Sendable {
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        var result = false
        init(_ body: @escaping @Sendable () -> Bool) {
            Thread { [self] in
                started.signal()
                result = body()
                finished.signal()
            }.start()
        }
        func value() -> Bool { finished.wait(timeout: .now() + 30) == .success && result }
    }

    @Test func aWaiterGetsTheLockWhenItIsReleased() throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "default", name: "web")
        let store = roots.store
        let first = try store.lock(key, wait: .no)
        let waiter = Waiter {
            guard let lock = try? store.lock(key, wait: .upTo(seconds: 20)) else { return false }
            lock.release()
            return true
        }
        #expect(waiter.started.wait(timeout: .now() + 10) == .success)
        first.release()
        #expect(waiter.value())
    }

    @Test func aWaiterSurvivesTheLockFileBeingRemoved() throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "default", name: "web")
        let store = roots.store
        let first = try store.lock(key, wait: .no)
        let waiter = Waiter {
            guard let lock = try? store.lock(key, wait: .upTo(seconds: 20)) else { return false }
            defer { lock.release() }
            // The waiter must hold a lock on the file that the path names now.
            return Files.exists(store.roots.runRoot + "/locks/default_web.lock")
        }
        #expect(waiter.started.wait(timeout: .now() + 10) == .success)
        first.releaseAndRemove()
        #expect(waiter.value())
    }

    @Test func contendedAppliesGiveOneWinnerAtATime() async throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "default", name: "counter")
        let store = roots.store
        let path = store.manifestPath(key)
        try store.write(Record(name: "n", payload: [0]), to: path)
        // Read-modify-write under the lock from many tasks: no increment may be lost.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await onThread {
                        for _ in 0..<10 {
                            guard let lock = try? store.lock(key, wait: .upTo(seconds: 30)) else { continue }
                            if var record = try? store.read(Record.self, from: path) {
                                record.payload[0] += 1
                                try? store.write(record, to: path)
                            }
                            lock.release()
                        }
                    }
                }
            }
        }
        #expect(try store.read(Record.self, from: path)?.payload == [80])
    }
}
