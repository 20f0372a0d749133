import Foundation
import Glibc
import Testing
@testable import PodOS
@testable import PodStore
import PodCore
import PodTestSupport

/// A fresh pair of state roots under /tmp, removed at the end.
final class TemporaryRoots {
    let directory = TemporaryDirectory("podctl-store-test")
    var base: String { directory.path }
    let store: Store

    init() throws {
        store = Store(roots: StoreRoots(root: directory.path + "/lib", runRoot: directory.path + "/run"))
    }
}

struct Record: Codable, Equatable {
    var name: String
    var payload: [Int]
}

@Suite struct StoreTests {
    @Test func rootsAreCreatedPrivate() throws {
        let roots = try TemporaryRoots()
        try roots.store.prepare()
        for directory in [roots.store.roots.root, roots.store.roots.runRoot, roots.store.imagesDirectory] {
            var info = stat()
            #expect(stat(directory, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700, "\(directory) must be 0700")
        }
    }

    @Test func recordsRoundTripAndMissingOnesAreNil() throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "default", name: "web")
        let path = roots.store.manifestPath(key)
        #expect(try roots.store.read(Record.self, from: path) == nil)
        try roots.store.write(Record(name: "a", payload: [1, 2]), to: path)
        #expect(try roots.store.read(Record.self, from: path) == Record(name: "a", payload: [1, 2]))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try roots.store.podKeys() == [key])
    }

    @Test func aDamagedRecordIsAClearErrorNamingTheFile() throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "default", name: "web")
        let path = roots.store.manifestPath(key)
        try Files.makeDirectories(Files.dirname(of: path))
        try AtomicFile.write("{\"name\": \"a\", \"payl", to: path)
        do {
            _ = try roots.store.read(Record.self, from: path)
            Issue.record("a damaged record must not decode")
        } catch {
            #expect(error.code == .corruptState)
            #expect(error.message.contains(path))
        }
    }

    @Test(arguments: ["", "../etc", "a/b", "Web", ".", "..", "x_y", String(repeating: "a", count: 254)])
    func namesThatCouldEscapeTheRootsAreRefused(_ name: String) {
        #expect(throws: PodError.self) { try PodKey(namespace: "default", name: name) }
        #expect(throws: PodError.self) { try PodKey(namespace: name, name: "web") }
    }

    @Test func rootsMustBeAbsolute() {
        #expect(throws: PodError.self) { try StoreRoots.resolve(root: "relative", runRoot: nil, environment: [:]) }
        #expect(throws: PodError.self) { try StoreRoots.resolve(root: "/", runRoot: nil, environment: [:]) }
        #expect(throws: PodError.self) { try StoreRoots.resolve(root: "/var/lib/../x", runRoot: nil, environment: [:]) }
        let fromEnvironment = try? StoreRoots.resolve(root: nil, runRoot: nil, environment: ["PODCTL_ROOT": "/srv/p", "PODCTL_RUN_ROOT": "/run/p"])
        #expect(fromEnvironment == StoreRoots(root: "/srv/p", runRoot: "/run/p"))
        let flagWins = try? StoreRoots.resolve(root: "/a", runRoot: nil, environment: ["PODCTL_ROOT": "/srv/p"])
        #expect(flagWins?.root == "/a" && flagWins?.runRoot == StoreRoots.defaultRunRoot)
    }

    @Test func removingStateLeavesNothingBehind() throws {
        let roots = try TemporaryRoots()
        let key = try PodKey(namespace: "team", name: "web")
        try roots.store.write(Record(name: "a", payload: []), to: roots.store.manifestPath(key))
        try Files.makeDirectories(roots.store.podRunDirectory(key) + "/sub")
        let lock = try roots.store.lock(key)
        try roots.store.removeState(key)
        lock.releaseAndRemove()
        #expect(try Files.list(roots.store.roots.root + "/pods") == [])
        #expect(try Files.list(roots.store.roots.runRoot + "/pods") == [])
        #expect(try Files.list(roots.store.roots.runRoot + "/locks") == [])
    }
}
