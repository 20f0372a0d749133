import Foundation
import PodCore

/// The v1 Pod `kubectl run` makes: label run=NAME (or --labels), one container named
/// NAME; the arguments after -- are the container's args (its command with --command);
/// -i sets stdin and stdinOnce (kubectl's default without --leave-stdin-open), -t tty.
struct RunManifest {
    var name: String
    var namespace: String
    var image: String
    var restart = "Always"
    var env: [String] = []
    var labels: String?
    var port: Int?
    var stdin = false
    var tty = false
    var command = false
    var arguments: [String] = []

    func labelMap() throws(PodError) -> [String: String] {
        guard let labels, !labels.isEmpty else { return ["run": name] }
        var map: [String: String] = [:]
        for pair in labels.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw PodError(.invalidArgument, "invalid label spec: \(pair)") }
            map[String(parts[0])] = String(parts[1])
        }
        return map
    }

    func envList() throws(PodError) -> [[String: String]] {
        try env.map { entry throws(PodError) in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw PodError(.invalidArgument, "invalid env: \(entry)") }
            return ["name": String(parts[0]), "value": String(parts[1])]
        }
    }

    /// The Pod as JSON text, for the manifest reader (defaulting and validation as apply).
    func json() throws(PodError) -> String {
        var container: [String: Any] = ["name": name, "image": image, "resources": [String: Any]()]
        if !arguments.isEmpty { container[command ? "command" : "args"] = arguments }
        let variables = try envList()
        if !variables.isEmpty { container["env"] = variables }
        if let port { container["ports"] = [["containerPort": port]] }
        if stdin { container["stdin"] = true; container["stdinOnce"] = true }
        if tty { container["tty"] = true }
        let pod: [String: Any] = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": name, "namespace": namespace, "labels": try labelMap()],
            "spec": ["containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: pod, options: [.sortedKeys]) else {
            throw PodError(.internal, "cannot encode the pod \(name)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
