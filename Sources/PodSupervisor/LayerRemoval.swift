/// The writable layers (upper and work directories) of a container's earlier start, set
/// aside by a restart and removed a moment later, when the new process runs: what is
/// removed when, without a clock of its own (the supervisor's loop asks).
struct LayerRemoval {
    /// Long enough for the restarted container's helper to have started it: a removal's
    /// rmdirs then share the disk with nothing on the restart's path.
    static let delay = 1.0

    private(set) var pending: [(path: String, due: Double)] = []

    /// `upper` → `upper.previous`: one name per container, so a restart loop never piles up
    /// more than one set aside layer of each kind.
    static func asidePath(_ path: String) -> String { path + ".previous" }

    mutating func schedule(_ path: String, now: Double) {
        pending.removeAll { $0.path == path }
        pending.append((path, now + Self.delay))
    }

    var nextDeadline: Double? { pending.map(\.due).min() }

    /// The paths due at `now`, no longer pending.
    mutating func due(now: Double) -> [String] {
        let ready = pending.filter { $0.due <= now }.map(\.path)
        pending.removeAll { $0.due <= now }
        return ready
    }
}
