extension ContainerStatusRecord {
    /// Whether the container instance that writes restart `instance`'s log has ended, so
    /// `logs -f` can end its stream (as `kubectl logs -f` ends when the container stops).
    ///
    /// The supervisor creates an instance's log file as it launches the container, before
    /// the helper reports the PID, so a follower can find the file while this record still
    /// says "ContainerCreating" without a PID, or still describes the instance before (its
    /// restart count not yet raised). Neither is an end: reading "no PID" as one made a
    /// joining stream end before its first line.
    public func hasEnded(instance: Int) -> Bool {
        if restartCount > instance { return true }
        if restartCount < instance { return false }
        switch state {
        case .running: return pid == nil
        case .terminated: return true
        case let .waiting(reason, _): return !Self.startingReasons.contains(reason)
        }
    }

    /// The waiting reasons of a container that has not started yet (the kubelet's).
    static let startingReasons: Set<String> = ["ContainerCreating", "PodInitializing"]
}
