import Foundation
import Glibc
import PodCRIProtocol
import PodRuntime
import PodStore

/// A container as the CRI shows it, from its record and the supervisor's status file
/// (cached, StatusCache): CREATED until the kubelet starts it, RUNNING, then EXITED with
/// the exit code and containerd's reason (Completed, Error, OOMKilled). A container
/// whose supervisor is gone while it was running is EXITED with code 255 and reason
/// Unknown once its process is gone too, as containerd reports a task it lost.
struct ContainerView {
    let record: ContainerRecord
    let config: Runtime_V1_ContainerConfig
    let entry: ContainerStatusRecord?
    let supervisorAlive: Bool

    init(record: ContainerRecord, context: CRIContext) {
        self.record = record
        config = record.decodedConfig()
        let status = (try? record.key()).flatMap { context.statuses.status(at: PodPaths(store: context.store, key: $0).status) }
        entry = status?.containers.first { $0.name == record.name }
        supervisorAlive = status.map { PodManager(store: context.store).supervisorAlive(pid: $0.supervisorPID) } ?? false
    }

    struct Exit {
        var code: Int32
        var reason: String
        var message: String
        var startedAt: Int64
        var finishedAt: Int64
    }

    /// The state, and how it ended when it did.
    var state: (Runtime_V1_ContainerState, Exit?) {
        switch entry?.state {
        case nil, .waiting?:
            return (.containerCreated, nil)
        case let .running(startedAt)?:
            if supervisorAlive || (entry?.pid).map({ kill($0, 0) == 0 }) == true { return (.containerRunning, nil) }
            return (.containerExited, Exit(code: 255, reason: "Unknown", message: "the pod's supervisor ended while the container ran", startedAt: Self.nanoseconds(startedAt), finishedAt: 0))
        case let .terminated(code, _, reason, message, startedAt, finishedAt)?:
            return (.containerExited, Exit(code: code, reason: reason, message: message ?? "", startedAt: startedAt.map(Self.nanoseconds) ?? 0, finishedAt: Self.nanoseconds(finishedAt)))
        }
    }

    var startedAt: Int64 {
        if case let .running(startedAt)? = entry?.state { return Self.nanoseconds(startedAt) }
        return state.1?.startedAt ?? 0
    }

    func listed() -> Runtime_V1_Container {
        var container = Runtime_V1_Container()
        container.id = record.id
        container.podSandboxID = record.sandboxID
        container.metadata = config.metadata
        container.image = config.image
        container.imageRef = record.imageRef
        container.state = state.0
        container.createdAt = record.createdAt
        container.labels = config.labels
        container.annotations = config.annotations
        return container
    }

    func status() -> Runtime_V1_ContainerStatus {
        var status = Runtime_V1_ContainerStatus()
        let (state, exit) = state
        status.id = record.id
        status.metadata = config.metadata
        status.state = state
        status.createdAt = record.createdAt
        status.startedAt = startedAt
        if let exit {
            status.finishedAt = exit.finishedAt
            status.exitCode = exit.code
            status.reason = exit.reason
            status.message = exit.message
        }
        status.image = config.image
        status.imageRef = record.imageRef
        status.labels = config.labels
        status.annotations = config.annotations
        status.mounts = config.mounts
        status.logPath = record.logPath ?? ""
        status.resources.linux = record.currentResources()
        if let user = record.user {
            status.user.linux.uid = Int64(user.uid)
            status.user.linux.gid = Int64(user.gid)
            status.user.linux.supplementalGroups = user.allGroups.map { Int64($0) }
        }
        return status
    }

    /// `info["info"]` of a verbose status: the pod and process, as JSON.
    func verboseInfo() -> String {
        let info: [String: Any] = ["pod": "\(record.namespace)/\(record.podName)", "container": record.name, "pid": Int(entry?.pid ?? 0)]
        guard let data = try? JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The supervisor's RFC 3339 times (`YYYY-MM-DDTHH:MM:SSZ`, Clock.rfc3339) in
    /// nanoseconds since the epoch; 0 for anything else.
    static func nanoseconds(_ text: String) -> Int64 {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == 0x2d, bytes[7] == 0x2d, bytes[10] == 0x54, bytes[13] == 0x3a, bytes[16] == 0x3a, bytes[19] == 0x5a else { return 0 }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int32(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return 0 }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts)) * 1_000_000_000
    }
}
