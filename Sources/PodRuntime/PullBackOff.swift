import Foundation
import Glibc
import PodCore
import PodImage
import PodModel
import PodOS
import PodPlan
import PodStore

/// The retrying half of a pod waiting for its images (`podctl pull-backoff DIR RUNDIR`,
/// a hidden command; PodManager takes it for the pod's supervisor while it runs):
/// the kubelet's image back-off (10 s, doubling, at most 300 s: kubelet's
/// `backOffPeriod` and `MaxContainerBackOff`), `ErrImagePull` right after a failed try,
/// `ImagePullBackOff` while it waits, events as the kubelet records them (Pulling,
/// Failed, BackOff, Pulled). `PODCTL_IMAGE_BACKOFF` sets the first delay (tests).
public enum PullBackOff {
    /// The hidden podctl command that runs `run`.
    public static let command = "pull-backoff"

    public static func run(directory: String, runDirectory: String) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let statusPath = runDirectory + "/status.json"
        do {
            let roots = PullBackOff.roots(directory: directory, runDirectory: runDirectory)
            let store = Store(roots: roots)
            let manager = PodManager(store: store)
            guard let pending = try store.read(PendingPull.self, from: directory + "/pending-pull.json") else { return 0 }
            var status = try store.read(PodStatusRecord.self, from: statusPath) ?? PodStatusRecord()
            status.supervisorPID = getpid()
            var delay = initialDelay
            while true {
                // ErrImagePull stays visible a moment before the back-off shows, as in a kubelet.
                usleep(useconds_t(min(2, delay / 4) * 1_000_000))
                status.phase = "Pending"
                backOff(&status, delay: delay)
                try store.write(status, to: statusPath)
                usleep(useconds_t(delay * 1_000_000))
                delay = min(delay * 2, 300)
                guard Files.exists(directory + "/pending-pull.json") else { return 0 }
                let failures = try manager.pullImages(pending.pod, key: try PodKey(namespace: pending.pod.namespace, name: pending.pod.name))
                if failures.isEmpty {
                    try keepEvents(status, store: store, directory: directory)
                    _ = try manager.completePendingPull(directory: directory, runDirectory: runDirectory, expected: pending)
                    return 0
                }
                status = PullBackOff.status(for: pending.pod, failures: failures, previous: status)
                try store.write(status, to: statusPath)
            }
        } catch {
            FileHandle.standardError.write(Data("podctl \(command): \(error)\n".utf8))
            return 2
        }
    }

    /// Containers whose pull failed go from ErrImagePull to ImagePullBackOff, with the
    /// kubelet's words, the delay and the registry's last answer.
    static func backOff(_ status: inout PodStatusRecord, delay: Double) {
        var events: [(image: String, object: String)] = []
        func change(_ records: inout [ContainerStatusRecord], field: String) {
            for index in records.indices {
                guard case let .waiting(reason: "ErrImagePull", message) = records[index].state else { continue }
                let image = records[index].image
                records[index].state = .waiting(reason: "ImagePullBackOff", message: "Back-off \(Int(delay))s pulling image \"\(image)\"" + (message.map { ": " + $0 } ?? ""))
                events.append((image, "spec.\(field){\(records[index].name)}"))
            }
        }
        change(&status.initContainers, field: "initContainers")
        change(&status.containers, field: "containers")
        for event in events { status.record(.normal, "BackOff", "Back-off pulling image \"\(event.image)\"", object: event.object) }
    }

    /// The Failed and BackOff events of the wait go with the pull events, so `describe`
    /// still shows them once the supervisor has started its own record.
    static func keepEvents(_ status: PodStatusRecord, store: Store, directory: String) throws(PodError) {
        let path = directory + "/pull-events.json"
        let pulls = (try? store.read([EventRecord].self, from: path)) ?? []
        let waiting = status.events.filter { $0.reason == "Failed" || $0.reason == "BackOff" }
        try store.write(pulls + waiting, to: path)
    }

    /// `<root>/pods/NS/NAME` and `<run-root>/pods/NS/NAME` (PodPaths) give the roots back.
    static func roots(directory: String, runDirectory: String) -> StoreRoots {
        func up3(_ path: String) -> String { "/" + path.split(separator: "/").dropLast(3).joined(separator: "/") }
        return StoreRoots(root: up3(directory), runRoot: up3(runDirectory))
    }

    static var initialDelay: Double {
        getenv("PODCTL_IMAGE_BACKOFF").flatMap { Double(String(cString: $0)) } ?? 10
    }

    /// The status of a pod waiting for images: failed containers in ErrImagePull with the
    /// registry's message, the others waiting in ContainerCreating.
    static func status(for pod: Pod, failures: [ImagePulls.Failure], previous: PodStatusRecord?) -> PodStatusRecord {
        var status = previous ?? PodStatusRecord()
        status.phase = "Pending"
        // The kubelet sets startTime when it takes the pod, before any image is pulled.
        if status.startTime == nil { status.startTime = Clock.rfc3339() }
        let failed = Dictionary(failures.map { ($0.container, $0) }, uniquingKeysWith: { first, _ in first })
        func record(_ container: Container) -> ContainerStatusRecord {
            var record = ContainerStatusRecord(name: container.name ?? "", image: container.image ?? "", imageID: "")
            if let failure = failed[record.name] {
                record.state = .waiting(reason: failure.reason, message: failure.message)
            }
            return record
        }
        status.initContainers = (pod.spec?.initContainers ?? []).map(record)
        status.containers = (pod.spec?.containers ?? []).map(record)
        let initNames = Set((pod.spec?.initContainers ?? []).compactMap(\.name))
        for failure in failures {
            let object = "spec.\(initNames.contains(failure.container) ? "initContainers" : "containers"){\(failure.container)}"
            if failure.reason == "ErrImageNeverPull" {
                status.record(.warning, "ErrImageNeverPull", failure.message, object: object)
            } else {
                status.record(.warning, "Failed", "Failed to pull image \"\(failure.image)\": \(failure.message)", object: object)
            }
            status.record(.warning, "Failed", "Error: \(failure.reason)", object: object)
        }
        return status
    }
}
