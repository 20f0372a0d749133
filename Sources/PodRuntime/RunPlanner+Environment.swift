import Foundation
import PodImage
import PodModel

struct EnvEntry {
    let name: String
    let value: String
}

extension RunPlanner {
    /// The container's environment in Kubernetes' order: the image's Env, then `envFrom`,
    /// then `env` (each may override what came before); `env` values expand `$(VAR)`
    /// from what is defined before them.
    func environment(_ container: Container, image: ImageConfig) -> [EnvEntry] {
        var entries: [EnvEntry] = []
        func set(_ name: String, _ value: String) {
            entries.removeAll { $0.name == name }
            entries.append(EnvEntry(name: name, value: value))
        }
        for item in image.env ?? [] {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        if !entries.contains(where: { $0.name == "HOSTNAME" }) { set("HOSTNAME", hostname) }
        for source in container.envFrom ?? [] {
            for (name, value) in envFromValues(source).sorted(by: { $0.key < $1.key }) {
                set((source.prefix ?? "") + name, value)
            }
        }
        for variable in container.env ?? [] {
            let values = Dictionary(entries.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            let value = variable.valueFrom.map { valueFrom($0, container: container) } ?? Expansion.expand(variable.value ?? "", values)
            set(variable.name ?? "", value)
        }
        return entries
    }

    private func envFromValues(_ source: EnvFromSource) -> [String: String] {
        if let reference = source.configMapRef {
            return configMaps[reference.name ?? ""]?.data ?? [:]
        }
        if let reference = source.secretRef, let secret = secrets[reference.name ?? ""] {
            return secretValues(secret)
        }
        return [:]
    }

    func secretValues(_ secret: Secret) -> [String: String] {
        var values: [String: String] = [:]
        for (key, encoded) in secret.data ?? [:] {
            values[key] = Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        for (key, value) in secret.stringData ?? [:] { values[key] = value }
        return values
    }

    private func valueFrom(_ source: EnvVarSource, container: Container) -> String {
        if let field = source.fieldRef?.fieldPath { return fieldValue(field) }
        if let selector = source.configMapKeyRef { return configMaps[selector.name ?? ""]?.data?[selector.key ?? ""] ?? "" }
        if let selector = source.secretKeyRef, let secret = secrets[selector.name ?? ""] { return secretValues(secret)[selector.key ?? ""] ?? "" }
        if let resource = source.resourceFieldRef { return resourceValue(resource, container: container) }
        return ""
    }

    /// The downward API fields (`ObjectFieldSelector`). Pod and host IPs are empty until
    /// the pod network exists.
    func fieldValue(_ path: String) -> String {
        let meta = pod.metadata
        switch path {
        case "metadata.name": return pod.name
        case "metadata.namespace": return pod.namespace
        case "metadata.uid": return uid
        case "spec.nodeName": return ProcessInfo.processInfo.hostName
        case "spec.serviceAccountName": return "default"
        default: break
        }
        if let key = bracketKey(path, "metadata.labels") { return meta?.labels?[key] ?? "" }
        if let key = bracketKey(path, "metadata.annotations") { return meta?.annotations?[key] ?? "" }
        return ""
    }

    private func bracketKey(_ path: String, _ prefix: String) -> String? {
        guard path.hasPrefix(prefix + "['"), path.hasSuffix("']") else { return nil }
        return String(path.dropFirst(prefix.count + 2).dropLast(2))
    }

    /// `resourceFieldRef`: the limit (or request) divided by the divisor, rounded up, as
    /// the kubelet computes it; with no limit, the host's capacity.
    func resourceValue(_ selector: ResourceFieldSelector, container: Container) -> String {
        let target = spec.allContainers.first { $0.name == (selector.containerName ?? container.name) } ?? container
        let parts = (selector.resource ?? "").split(separator: ".").map(String.init)
        guard parts.count == 2 else { return "" }
        let list = parts[0] == "limits" ? target.resources?.limits : target.resources?.requests
        let divisor = selector.divisor?.decimal ?? 1
        let value: Decimal
        if let quantity = list?[parts[1]]?.decimal {
            value = quantity
        } else if parts[1] == "cpu" {
            value = Decimal(ProcessInfo.processInfo.activeProcessorCount)
        } else {
            value = Decimal(ProcessInfo.processInfo.physicalMemory)
        }
        var quotient = value / divisor
        var rounded = Decimal()
        NSDecimalRound(&rounded, &quotient, 0, .up)
        return NSDecimalNumber(decimal: rounded).stringValue
    }
}
