import PodCore
import PodJSON
import PodOS

extension RunPlan {
    /// Reads a run plan file: one decoding (PodJSON) and one error for every reader, the
    /// supervisor at start and reload, apply's update, restore, exec, top, describe,
    /// delete's cgroup lookup (which, when it fails, finds the cgroup through the pause). The error
    /// names the file and the field, and says that delete still works.
    public static func read(from path: String) throws(PodError) -> RunPlan {
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch {
            throw PodError(error.code, "cannot read the run plan \(path)", cause: .error(error))
        }
        do { return try PodJSON.decode(RunPlan.self, from: bytes, source: "the run plan \(path)") } catch {
            throw PodError(.corruptState, "the run plan \(path) is damaged; podctl delete removes the pod and its state, apply it again after", cause: .error(error))
        }
    }

    /// The run plan, or nil when the pod has none (a pod waiting to be created); a file
    /// that is there is read as `read(from:)` reads it.
    public static func readIfPresent(from path: String) throws(PodError) -> RunPlan? {
        guard Files.exists(path) else { return nil }
        return try read(from: path)
    }

    /// The plan as the supervisor reads it: compact JSON, members sorted.
    public func encoded() throws(PodError) -> [UInt8] {
        try PodJSON.encode(self)
    }
}
