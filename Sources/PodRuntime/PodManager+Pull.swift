import Foundation
import Glibc
import PodCore
import PodImage
import PodModel
import PodOS
import PodPlan
import PodStore
import PodSupervisor

/// A pod whose images could not be pulled at apply (D31): it exists, Pending, its
/// containers waiting in `ErrImagePull` / `ImagePullBackOff` with the registry's message,
/// while a `podctl pull-backoff` process retries with the kubelet's back-off and, once
/// every image is in, creates the pod as apply would have.
public struct PendingPull: Codable, Sendable {
    public var pod: Pod
    public var configMaps: [ConfigMap]
    public var secrets: [Secret]
    public var peers: [String: String]

    static func path(_ paths: PodPaths) -> String { paths.directory + "/pending-pull.json" }
    static func eventsPath(_ paths: PodPaths) -> String { paths.directory + "/pull-events.json" }
}

extension PodManager {
    /// The registry client, set once at start by the program that links PodRegistry
    /// (podctl); nil in pod-supervisor, which never pulls (D37).
    nonisolated(unsafe) public static var imagePulling: (@Sendable (ImageStore) throws(PodError) -> ImagePulling)?

    /// Pulls the pod's images as its policies ask. Empty when all are there; otherwise the
    /// failures, for the caller to turn into a waiting pod. The kubelet's events of the
    /// pulls (Pulling, Pulled) go to the pod's `pull-events.json`, which `view` shows
    /// beside the supervisor's events: the supervisor starts its record afresh.
    func pullImages(_ pod: Pod, key: PodKey) throws(PodError) -> [ImagePulls.Failure] {
        let images = ImageStore(store: store)
        guard let makePuller = PodManager.imagePulling else {
            throw PodError(.internal, "this program cannot pull images (no registry client was given to the runtime)")
        }
        let pulls = ImagePulls(images: images, puller: try makePuller(images))
        let paths = PodPaths(store: store, key: key)
        var recorder = PodStatusRecord()
        recorder.events = (try? store.read([EventRecord].self, from: PendingPull.eventsPath(paths))) ?? []
        let failures = try pulls.ensure(pod, key: key, events: &recorder)
        try store.write(recorder.events, to: PendingPull.eventsPath(paths))
        return failures
    }

    /// The supervisor's events and the pulls' together, oldest first.
    func withPullEvents(_ status: PodStatusRecord?, _ paths: PodPaths) -> PodStatusRecord? {
        guard var status, let pulls = try? store.read([EventRecord].self, from: PendingPull.eventsPath(paths)), !pulls.isEmpty else { return status }
        status.events = (pulls + status.events).enumerated()
            .sorted { ($0.element.firstTimestamp, $0.offset) < ($1.element.firstTimestamp, $1.offset) }.map(\.element)
        return status
    }

    /// Writes the waiting pod (manifest, the inputs of the create to come, a status with
    /// the failures) and starts the process that retries.
    func startPullBackOff(_ pending: PendingPull, key: PodKey, paths: PodPaths, failures: [ImagePulls.Failure]) throws(PodError) {
        try store.write(pending.pod, to: paths.manifest)
        try store.write(pending, to: PendingPull.path(paths))
        try Files.makeDirectories(paths.runDirectory, mode: 0o700)
        var status = PullBackOff.status(for: pending.pod, failures: failures, previous: nil)
        let logFD = try syscall("open", path: paths.supervisorLog) { open(paths.supervisorLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
        let null = try syscall("open", path: "/dev/null") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { close(logFD); close(null) }
        // The status is written before the process starts, so `get` never sees a pod without one.
        try store.write(status, to: paths.status)
        // This very program (podctl) retries: it has the registry client the supervisor lacks.
        let program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let pid = try spawnProcess(program, arguments: [PullBackOff.command, paths.directory, paths.runDirectory],
                                   descriptors: [(null, 0), (logFD, 1), (logFD, 2)], newSession: true)
        status.supervisorPID = pid
        try store.write(status, to: paths.status)
    }

    /// True when the pod is waiting for its images (its "supervisor" is the retrying process).
    func isWaitingForImages(_ paths: PodPaths) -> Bool { Files.exists(PendingPull.path(paths)) }

    /// A waiting pod applied again unchanged (the same pod, ConfigMaps and Secrets) stays
    /// as it is, its back-off included, as kubectl says `unchanged`.
    func waitsUnchanged(_ pod: Pod, configMaps: [ConfigMap], secrets: [Secret], paths: PodPaths) -> Bool {
        guard let pending = try? store.read(PendingPull.self, from: PendingPull.path(paths)),
              supervisorAlive(try? readStatus(paths)) else { return false }
        return pending.pod == pod && pending.configMaps == configMaps && pending.secrets == secrets
    }

    /// Called by the retrying process when every image is in: creates the pod under its
    /// lock, unless it was deleted or applied anew meanwhile.
    public func completePendingPull(directory: String, runDirectory: String, expected: PendingPull) throws(PodError) -> Bool {
        let key = try PodKey(namespace: expected.pod.namespace, name: expected.pod.name)
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard paths.directory == directory, let current = try store.read(PendingPull.self, from: PendingPull.path(paths)),
              current.pod.withoutLabelsAndAnnotations == expected.pod.withoutLabelsAndAnnotations else { return false }
        try Files.remove(PendingPull.path(paths))
        do {
            // `current`: labels and annotations may have changed during the wait (editMetadata).
            try create(current.pod, key: key, paths: paths, configMaps: expected.configMaps, secrets: expected.secrets, peers: expected.peers, pulled: true)
        } catch {
            try recordFailedCreate(current.pod, key: key, paths: paths, error: error)
            throw error
        }
        return true
    }

    /// A create no apply is waiting for failed (a pull or a wait that ended): the pod
    /// stays, Failed, with the reason for `get` and `describe`, once what the create made
    /// is cleaned up.
    func recordFailedCreate(_ pod: Pod, key: PodKey, paths: PodPaths, error: PodError) throws(PodError) {
        let events = (try? store.read([EventRecord].self, from: PendingPull.eventsPath(paths))) ?? []
        _ = try? stopAndRemove(key, paths: paths, grace: 0)
        var status = PodStatusRecord()
        status.phase = "Failed"
        status.reason = "FailedCreate"
        status.message = error.description
        status.stopped = true
        status.events = events
        status.record(.warning, "FailedCreate", error.description)
        try store.write(pod, to: paths.manifest)
        try Files.makeDirectories(paths.runDirectory, mode: 0o700)
        try store.write(status, to: paths.status)
    }
}
