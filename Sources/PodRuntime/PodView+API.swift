import Foundation
import PodModel
import PodPlan

/// The pod as a `v1 Pod` with `status` filled in the Kubernetes way, for `-o json|yaml`.
public struct PodObject: Encodable, Sendable {
    public let apiVersion = "v1"
    public let kind = "Pod"
    public let metadata: ObjectMeta?
    public let spec: PodSpec?
    public let status: APIStatus

    public struct APIStatus: Encodable, Sendable {
        var phase: String
        var reason: String?
        var message: String?
        var startTime: String?
        var hostIP: String?
        var podIP: String?
        var conditions: [Condition]
        var initContainerStatuses: [APIContainerStatus]?
        var containerStatuses: [APIContainerStatus]
        /// Guaranteed, Burstable or BestEffort (PodQoS.swift; docs/resources.md).
        var qosClass: String? = nil
    }

    public struct Condition: Encodable, Sendable {
        var type: String
        var status: String
        var reason: String? = nil
        var message: String? = nil
    }

    public struct APIContainerStatus: Encodable, Sendable {
        var name: String
        var image: String
        var imageID: String
        var containerID: String?
        var ready: Bool
        var started: Bool
        var restartCount: Int
        var state: APIState
        var lastState: APIState
    }

    /// `state` as the API has it: one of waiting, running, terminated.
    public struct APIState: Encodable, Sendable {
        var waiting: [String: String]?
        var running: [String: String]?
        var terminated: Terminated?

        struct Terminated: Encodable, Sendable {
            var exitCode: Int32
            var signal: Int32?
            var reason: String
            var message: String?
            var startedAt: String?
            var finishedAt: String
        }

        init(_ state: ContainerStatusRecord.State?) {
            switch state {
            case let .waiting(reason, message)?:
                waiting = ["reason": reason].merging(message.map { ["message": $0] } ?? [:]) { $1 }
            case let .running(startedAt)?:
                running = ["startedAt": startedAt]
            case let .terminated(code, signal, reason, message, startedAt, finishedAt)?:
                terminated = Terminated(exitCode: code, signal: signal, reason: reason, message: message, startedAt: startedAt, finishedAt: finishedAt)
            case nil:
                break
            }
        }
    }
}

extension PodView {
    public var apiObject: PodObject {
        let record = status ?? PodStatusRecord()
        let containers = record.containers.map(Self.apiStatus)
        let allReady = !isUnknown && !record.containers.isEmpty && record.containers.allSatisfy(\.ready)
        let flag = { (value: Bool) in value ? "True" : "False" }
        // A pod waiting for a claim (D58): the scheduler's condition, not a pod reason.
        let unschedulable = record.reason == CreateWaits.unschedulableReason
        let conditions = [
            PodObject.Condition(type: "PodReadyToStartContainers", status: flag(record.sandboxReady)),
            PodObject.Condition(type: "Initialized", status: flag(record.initDone)),
            PodObject.Condition(type: "ContainersReady", status: flag(allReady)),
            PodObject.Condition(type: "Ready", status: flag(allReady)),
            unschedulable
                ? PodObject.Condition(type: "PodScheduled", status: "False", reason: record.reason, message: record.message)
                : PodObject.Condition(type: "PodScheduled", status: "True"),
        ]
        var apiStatus = PodObject.APIStatus(
            phase: isUnknown ? "Unknown" : record.phase, reason: isUnknown ? "NodeLost" : unschedulable ? nil : record.reason,
            message: isUnknown ? "the pod's supervisor is not running" : unschedulable ? nil : record.message, startTime: record.startTime,
            hostIP: nil, podIP: record.podIP, conditions: conditions,
            initContainerStatuses: record.initContainers.isEmpty ? nil : record.initContainers.map(Self.apiStatus),
            containerStatuses: containers)
        apiStatus.qosClass = QoSClass(manifest).rawValue
        return PodObject(metadata: manifest.metadata, spec: manifest.spec, status: apiStatus)
    }

    static func apiStatus(_ container: ContainerStatusRecord) -> PodObject.APIContainerStatus {
        PodObject.APIContainerStatus(
            name: container.name, image: container.image, imageID: container.imageID,
            containerID: container.pid.map { "podctl://\($0)" }, ready: container.ready, started: container.started,
            restartCount: container.restartCount, state: .init(container.state), lastState: .init(container.lastState))
    }
}
