import Dispatch
import Foundation
import Glibc
import Testing
@testable import PodOS
import PodCore

/// D78: under a DeferredSync, durable writes are in place at once (renamed, whole) and
/// fsynced at `sync`; other threads' writes and writes after `sync` are not collected.
@Suite struct DeferredSyncTests {
    @Test func writesAreInPlaceAtOnceAndSyncedTogetherLater() throws {
        let roots = try TemporaryRoots()
        let collector = DeferredSync.begin()
        try AtomicFile.write("manifest", to: roots.base + "/manifest.json")
        try AtomicFile.write([
            AtomicFile.Replacement(path: roots.base + "/hosts", bytes: Array("hosts".utf8)),
            AtomicFile.Replacement(path: roots.base + "/resolv.conf", bytes: Array("resolv".utf8)),
        ])
        // A reader (the supervisor) finds each file whole before anything was fsynced,
        // and no temporary file is left beside them.
        #expect(try Files.readText(roots.base + "/manifest.json") == "manifest")
        #expect(try Files.readText(roots.base + "/resolv.conf") == "resolv")
        #expect(try Files.list(roots.base).filter { $0.hasPrefix(AtomicFile.temporaryPrefix) }.isEmpty)
        #expect(collector.syncedFiles == 0)
        try collector.sync()
        #expect(collector.syncedFiles == 3)
        // The collection ended: a later write is durable on its own, and a second sync
        // has nothing to do.
        #expect(DeferredSync.current == nil)
        try AtomicFile.write("later", to: roots.base + "/later")
        try collector.sync()
        #expect(collector.syncedFiles == 3)
    }

    // Synchronous, as every user is: a collector belongs to its thread, so begin and sync
    // must not be split by an await (another task could run on the thread in between).
    @Test func anotherThreadsWritesAreNotCollected() throws {
        let roots = try TemporaryRoots()
        let base = roots.base
        let collector = DeferredSync.begin()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var collectedElsewhere = true
        Thread {
            collectedElsewhere = (try? AtomicFile.write("other", to: base + "/other")) == nil || DeferredSync.current != nil
            done.signal()
        }.start()
        done.wait()
        #expect(!collectedElsewhere)
        try AtomicFile.write("mine", to: base + "/mine")
        try collector.sync()
        #expect(collector.syncedFiles == 1)
    }

    @Test func aFileRemovedBeforeTheSyncIsSkipped() throws {
        let roots = try TemporaryRoots()
        let collector = DeferredSync.begin()
        try AtomicFile.write("gone", to: roots.base + "/gone")
        try AtomicFile.write("kept", to: roots.base + "/kept")
        // A failed apply removes the pod's records before its way out syncs them.
        try Files.remove(roots.base + "/gone")
        try collector.sync()
        #expect(collector.syncedFiles == 1)
    }

    @Test func anInnerSyncMakesTheOuterCollectionDurableSoFar() throws {
        let roots = try TemporaryRoots()
        // apply: the leases reserved before the pods, then one pod's create.
        let outer = DeferredSync.begin()
        try AtomicFile.write("lease", to: roots.base + "/leases.json")
        let inner = DeferredSync.begin()
        try AtomicFile.write("plan", to: roots.base + "/runplan.json")
        try inner.sync()
        #expect(outer.syncedFiles == 2)
        // The outer collection goes on until its own sync.
        #expect(DeferredSync.current === outer)
        try AtomicFile.write("status", to: roots.base + "/status.json")
        try outer.sync()
        #expect(outer.syncedFiles == 3)
        #expect(DeferredSync.current == nil)
    }
}
