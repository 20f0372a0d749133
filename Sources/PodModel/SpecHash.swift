import Foundation
import PodCore

/// Hashes that tell `apply` what changed. A container's hash covers its whole defaulted
/// spec: a change restarts that container. The sandbox hash covers everything that is
/// fixed when the pod's namespaces and volumes are made — the pod-level spec, the init
/// containers, and each container's name and ports (hostPorts are wired into the
/// sandbox): a change there recreates the pod. Like the kubelet's container hash
/// (`HashContainer`, FNV over the object), only equality matters, not the algorithm.
public struct SpecHashes: Equatable, Sendable, Codable {
    public var sandbox: String
    public var containers: [String: String]
}

extension Pod {
    /// Call on a defaulted pod.
    public var specHashes: SpecHashes {
        var sandbox = spec ?? PodSpec()
        sandbox.containers = sandbox.containers?.map { container in
            var outline = Container(name: container.name)
            outline.ports = container.ports
            return outline
        }
        let sandboxKey = SandboxKey(name: metadata?.name, namespace: metadata?.namespace, spec: sandbox)
        var containers: [String: String] = [:]
        for container in spec?.containers ?? [] {
            containers[container.name ?? ""] = Self.fnv1a(container)
        }
        return SpecHashes(sandbox: Self.fnv1a(sandboxKey), containers: containers)
    }

    private struct SandboxKey: Encodable {
        let name: String?
        let namespace: String?
        let spec: PodSpec
    }

    /// FNV-1a (64 bit) over canonical JSON: sorted keys, so equal specs hash equally.
    static func fnv1a(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return FNV1a.hex((try? encoder.encode(value)) ?? Data())
    }
}
