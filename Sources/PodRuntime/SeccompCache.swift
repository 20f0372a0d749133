import Glibc
import PodCore
import PodLaunch
import PodOS

/// Compiled seccomp programs kept between applies (`<root>/seccomp-cache/KEY.bpf`, 0600 in
/// the 0700 root): compiling the default profile for three ABIs costs one pod-helper run
/// of about 40 ms, the largest single part of an apply, and every pod with the default
/// profile needs the very same program. The key covers the filter's rules and the helper
/// binary that compiles them (path, size, modification time), so a new podctl or
/// libseccomp build compiles afresh. A damaged entry is ignored and rewritten.
struct SeccompCache {
    let directory: String
    let helperPath: String

    init(root: String, helperPath: String) {
        directory = root + "/seccomp-cache"
        self.helperPath = helperPath
    }

    func key(for filter: SeccompFilter) -> String {
        var plan = LaunchPlan(mode: .seccomp)
        plan.confinement.seccomp = filter
        var info = stat()
        let identity = stat(helperPath, &info) == 0 ? "\(helperPath)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : helperPath
        return FNV1a.hex(plan.encoded() + Array(identity.utf8))
    }

    func program(forKey key: String) -> SeccompProgram? {
        let path = "\(directory)/\(key).bpf"
        guard let bytes = try? Files.read(path), !bytes.isEmpty, bytes.count % 8 == 0 else { return nil }
        return SeccompProgram(bytes: bytes)
    }

    /// Best effort: a cache that cannot be written only costs the next apply a compile.
    func store(_ program: SeccompProgram, forKey key: String) {
        guard (try? Files.makeDirectories(directory, mode: 0o700)) != nil else { return }
        try? AtomicFile.write(program.bytes, to: "\(directory)/\(key).bpf", mode: 0o600)
    }
}
