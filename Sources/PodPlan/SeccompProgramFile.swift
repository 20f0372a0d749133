import Glibc
import PodCore
import PodLaunch
import PodOS

/// A compiled seccomp program in the seccomp cache: `DIRECTORY/KEY.bpf`, the raw
/// `struct sock_filter` array (8 bytes an instruction, linux/filter.h). `podctl apply`
/// writes it (SeccompCache) and the run plan names it by its key; the supervisor reads it
/// when it launches a container or an exec, and hands the bytes to pod-helper in the
/// launch plan, so no program is kept in the run plan or in the supervisor's memory.
public enum SeccompProgramFile {
    public static func path(directory: String, key: String) -> String {
        "\(directory)/\(key).bpf"
    }

    /// Keys are hexadecimal digests (SeccompCache.key): anything else in a run plan is
    /// damage, and is never joined into a path.
    public static func isKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64 && key.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The program, or nil when the file is missing, empty or not whole instructions.
    public static func load(directory: String, key: String) -> SeccompProgram? {
        guard isKey(key), let bytes = try? Files.read(path(directory: directory, key: key)), !bytes.isEmpty, bytes.count % 8 == 0 else { return nil }
        return SeccompProgram(bytes: bytes)
    }

    /// The program a launch needs; a missing or damaged file is an error that names it
    /// and what to do. The pod's delete needs no program.
    public static func read(directory: String?, key: String, container: String) throws(PodError) -> SeccompProgram {
        guard let directory, isKey(key) else {
            throw PodError(.corruptState, "container \"\(container)\": the run plan names the seccomp program \"\(key)\" without a valid key or cache directory; "
                + "the run plan is damaged: podctl delete removes the pod, apply it again after")
        }
        let file = path(directory: directory, key: key)
        guard Files.exists(file) else {
            throw PodError(.corruptState, "container \"\(container)\": its compiled seccomp program \(file) is missing; "
                + "podctl delete removes the pod, and applying it again compiles the program anew")
        }
        guard let program = load(directory: directory, key: key) else {
            throw PodError(.corruptState, "container \"\(container)\": its compiled seccomp program \(file) is damaged (empty, unreadable or not whole 8-byte instructions); "
                + "podctl delete removes the pod, and applying it again compiles the program anew")
        }
        return program
    }
}
