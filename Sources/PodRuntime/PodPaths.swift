import PodCore
import PodStore

/// The files of one pod (docs/state.md).
public struct PodPaths: Sendable {
    public let directory: String
    public let runDirectory: String

    public init(store: Store, key: PodKey) {
        directory = store.podDirectory(key)
        runDirectory = store.podRunDirectory(key)
    }

    public var manifest: String { directory + "/manifest.json" }
    public var runPlan: String { directory + "/runplan.json" }
    public var logs: String { directory + "/logs" }
    public var containers: String { directory + "/containers" }
    public var volumes: String { directory + "/volumes" }
    public var etc: String { directory + "/etc" }
    public var status: String { runDirectory + "/status.json" }
    public var supervisorLog: String { runDirectory + "/supervisor.log" }
    public var supervisorPID: String { runDirectory + "/supervisor.pid" }
    public var gracePeriod: String { runDirectory + "/grace-period" }
    public var controlSocket: String { runDirectory + "/supervisor.sock" }
    public var shm: String { runDirectory + "/shm" }
    public var memoryVolumes: String { runDirectory + "/volumes" }
    /// The supervisor's last status, kept in the state root across reboots.
    public var lastStatus: String { directory + "/last-status.json" }
}
