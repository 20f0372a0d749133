import Glibc
import PodCore
import PodLaunch
import PodOS
import PodPlan

/// Compiled seccomp programs kept between applies (`<root>/seccomp-cache/KEY.bpf`, 0600 in
/// the 0700 root): compiling the default profile for three ABIs costs one pod-helper run
/// of about 40 ms, the largest single part of an apply, and every pod with the default
/// profile needs the very same program. The key covers the filter's rules and the helper
/// binary that compiles them (path, size, modification time), so a new podctl or
/// libseccomp build compiles afresh. A damaged entry is ignored and rewritten. Entries
/// are never removed: a run plan refers to its containers' programs by key
/// (SeccompProgramFile), for as long as the pod lives.
struct SeccompCache {
    let directory: String
    let helperPath: String

    init(root: String, helperPath: String) {
        directory = root + "/seccomp-cache"
        self.helperPath = helperPath
    }

    func key(for filter: SeccompFilter) -> String {
        var info = stat()
        let identity = stat(helperPath, &info) == 0 ? "\(helperPath)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : helperPath
        return FNV1a.hex(LaunchPlan.seccomp(filter).encoded() + Array(identity.utf8))
    }

    func program(forKey key: String) -> SeccompProgram? {
        SeccompProgramFile.load(directory: directory, key: key)
    }

    /// The run plan names the program by its key, so the supervisor reads it from here:
    /// a cache that cannot be written fails the apply.
    func store(_ program: SeccompProgram, forKey key: String) throws(PodError) {
        try Files.makeDirectories(directory, mode: 0o700)
        try AtomicFile.write(program.bytes, to: SeccompProgramFile.path(directory: directory, key: key), mode: 0o600)
    }
}
