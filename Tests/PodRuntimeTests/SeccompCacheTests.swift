import Foundation
import PodCore
import PodJSON
import PodLaunch
import PodPlan
import PodTestSupport
import Testing
@testable import PodRuntime

/// Compiled seccomp programs kept between applies (no root needed).
struct SeccompCacheTests {
    func filter(_ names: [String]) -> SeccompFilter {
        SeccompFilter(defaultAction: .errno(1), architectures: ["x86_64"], rules: [SeccompRule(action: .allow, names: names, arguments: [])], log: false, specAllow: false)
    }

    @Test func aProgramComesBackForTheSameFilterAndHelperOnly() throws {
        let root = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let helper = root + "/pod-helper"
        try "v1".write(toFile: helper, atomically: true, encoding: .utf8)
        let cache = SeccompCache(root: root, helperPath: helper)
        let program = SeccompProgram(bytes: Array(repeating: 7, count: 16))
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == nil)
        try cache.store(program, forKey: cache.key(for: filter(["read"])))
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == program)
        #expect(cache.program(forKey: cache.key(for: filter(["read", "write"]))) == nil, "another filter, another key")
        // A rebuilt helper (another size) compiles afresh.
        try "version 2".write(toFile: helper, atomically: true, encoding: .utf8)
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == nil)
        // A damaged entry (not whole BPF instructions) is ignored.
        try cache.store(program, forKey: cache.key(for: filter(["read"])))
        let path = root + "/seccomp-cache/" + cache.key(for: filter(["read"])) + ".bpf"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == nil)
        #expect(try FileManager.default.attributesOfItem(atPath: root + "/seccomp-cache")[.posixPermissions] as? Int == 0o700)
    }

    /// The run plan names a compiled filter by its key: no rules, no program (#15); the
    /// launch reads the program from the cache by that key.
    @Test func theRunPlanHoldsTheKeyAndTheLaunchTheProgram() throws {
        let root = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = SeccompCache(root: root, helperPath: root + "/pod-helper")
        let program = SeccompProgram(bytes: Array(repeating: 9, count: 24))
        var keyed = filter(["read", "write"])
        keyed.programKey = cache.key(for: keyed)
        keyed.log = true
        try cache.store(program, forKey: keyed.programKey!)
        var container = ContainerPlan.empty
        container.name = "web"
        container.confinement = Confinement(capabilities: .all, noNewPrivileges: true, seccomp: keyed, maskedPaths: [], readOnlyPaths: [], privileged: false)
        var plan = PlanCodecCompatibilityTests.plan()
        plan.containers = [container]
        plan.seccompCache = cache.directory

        let text = String(decoding: try PodJSON.encode(plan), as: UTF8.self)
        #expect(text.contains(keyed.programKey!))
        #expect(!text.contains("\"rules\"") && !text.contains("\"program\""), "\(text)")
        let read = try PodJSON.decode(RunPlan.self, from: Array(text.utf8), source: "test")
        #expect(read.containers[0].confinement.seccomp?.programKey == keyed.programKey)
        #expect(read.containers[0].confinement.seccomp?.log == true)

        let launch = try read.containerLaunch(read.containers[0], pausePID: 7)
        #expect(launch.process.confinement.seccomp?.program == program)
        #expect(try LaunchPlan.decode(LaunchPlan.container(launch).encoded()) == .container(launch), "handed to pod-helper as bytes")
        #expect(try read.execLaunch(into: read.containers[0], pid: 8, command: ["true"], tty: false).process.confinement.seccomp?.program == program)
    }

    /// A missing or damaged program file fails the launch with an error naming the file
    /// and the way out; a key that is not a digest is never joined into a path.
    @Test func aMissingOrDamagedProgramIsNamed() throws {
        let root = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/seccomp-cache"
        let key = "0123456789abcdef"
        let file = SeccompProgramFile.path(directory: directory, key: key)
        for damage in [nil, [UInt8](), [1, 2, 3]] as [[UInt8]?] {
            try? FileManager.default.removeItem(atPath: file)
            if let damage {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(damage).write(to: URL(fileURLWithPath: file))
            }
            do {
                _ = try SeccompProgramFile.read(directory: directory, key: key, container: "web")
                Issue.record("a \(damage == nil ? "missing" : "damaged") program was read")
            } catch {
                #expect(error.code == .corruptState)
                #expect(error.message.contains(file) && error.message.contains("podctl delete"), "\(error)")
            }
        }
        for key in ["../../etc/passwd", "", "ABCDEF", String(repeating: "a", count: 65)] {
            #expect(!SeccompProgramFile.isKey(key))
            #expect(throws: PodError.self) { try SeccompProgramFile.read(directory: directory, key: key, container: "web") }
        }
    }

    /// A run plan written before the programs moved to the cache (the program in hex,
    /// with the rules) still reads, and its launch carries that program.
    @Test func anOlderRunPlansProgramStillReads() throws {
        var old = filter(["read"])
        old.program = SeccompProgram(bytes: Array(repeating: 3, count: 8))
        let bytes = try PodJSON.encode(old)
        #expect(String(decoding: bytes, as: UTF8.self).contains("0303030303030303"))
        #expect(try PodJSON.decode(SeccompFilter.self, from: bytes, source: "test") == old)
    }
}
