import Foundation
import PodJSONPath

/// Reading the pod's conditions and fields as `podctl wait` and `describe` need them.
/// The conditions are those of `apiObject` (one source of truth with `get -o yaml`).
extension PodView {
    /// The pod's conditions in the order the API object lists them: (type, status).
    public var conditions: [(type: String, status: String)] {
        apiObject.status.conditions.map { ($0.type, $0.status) }
    }

    /// The status (`True`, `False`) of a condition, its type compared without case as
    /// kubectl wait does; nil when the pod has no such condition.
    public func condition(_ type: String) -> String? {
        conditions.first { $0.type.lowercased() == type.lowercased() }?.status
    }

    /// The pod as a JSON tree (what `get -o json` prints), for jsonpath queries.
    public func jsonTree() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(apiObject))
    }
}

extension PodView {
    /// The phase as `get` shows it in the API object.
    public var phase: String { apiObject.status.phase }

    /// Why the pod is not Ready, from its status and events: each container that is not
    /// ready with its waiting reason, its end, or its last probe failure.
    public var notReadyReason: String {
        guard let status else { return "no status yet" }
        var parts: [String] = []
        let all = status.initContainers.map { ($0, "initContainers") } + status.containers.map { ($0, "containers") }
        for (container, list) in all where !container.ready {
            // Finished init containers are not expected to be ready.
            if list == "initContainers", case let .terminated(code, _, _, _, _, _) = container.state, code == 0 { continue }
            let probe = status.events.last { $0.reason == "Unhealthy" && $0.object == "spec.\(list){\(container.name)}" }
            switch container.state {
            case let .waiting(reason, message):
                parts.append("container \(container.name): \(reason)" + (message.map { " (\($0))" } ?? ""))
            case let .terminated(code, _, reason, _, _, _):
                parts.append("container \(container.name): terminated (\(reason), exit code \(code))")
            case .running:
                parts.append("container \(container.name): " + (probe?.message ?? (container.started ? "not ready" : "not started")))
            }
        }
        if parts.isEmpty, let message = status.message { parts.append(message) }
        return parts.isEmpty ? "phase \(phase)" : parts.joined(separator: ", ")
    }
}
