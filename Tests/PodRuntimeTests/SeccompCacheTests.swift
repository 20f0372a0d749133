import Foundation
import PodLaunch
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
        cache.store(program, forKey: cache.key(for: filter(["read"])))
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == program)
        #expect(cache.program(forKey: cache.key(for: filter(["read", "write"]))) == nil, "another filter, another key")
        // A rebuilt helper (another size) compiles afresh.
        try "version 2".write(toFile: helper, atomically: true, encoding: .utf8)
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == nil)
        // A damaged entry (not whole BPF instructions) is ignored.
        cache.store(program, forKey: cache.key(for: filter(["read"])))
        let path = root + "/seccomp-cache/" + cache.key(for: filter(["read"])) + ".bpf"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect(cache.program(forKey: cache.key(for: filter(["read"]))) == nil)
        #expect(try FileManager.default.attributesOfItem(atPath: root + "/seccomp-cache")[.posixPermissions] as? Int == 0o700)
    }
}
