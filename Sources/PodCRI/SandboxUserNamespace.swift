import GRPCCore
import PodCRIProtocol
import PodLaunch
import PodRuntime

/// `namespace_options.userns_options`: NODE is the host's user namespace; POD runs the
/// sandbox in a user namespace of its own with exactly the kubelet's mappings (the kubelet
/// allocates the host IDs, KEP-127), as `hostUsers: false` runs one with podctl's. The
/// mappings are checked as containerd does (one range each, container ID 0 mapped) and
/// bounded besides, since podctl's user namespace is one range of the same length for
/// users and groups (IDMap): at least 65536 IDs (the kubelet's unit: an image's IDs up
/// to 65535 must map), none of them the host's root or past 4294967294.
enum SandboxUserNamespace {
    static let minimumLength: UInt32 = 65536

    /// `podctlPool`: the host IDs podctl hands to `hostUsers: false` pods of apply
    /// (UserNamespaceRanges); a mapping into them is refused, or a CRI pod and an applied
    /// one could share host IDs, and with them each other's files. The kubelet's default
    /// range ends at 2^31, where podctl's default pool starts.
    static func idMap(_ options: Runtime_V1_NamespaceOption, field: String, podctlPool: UserNamespaceRanges.Pool? = nil) throws(RPCError) -> IDMap? {
        guard options.hasUsernsOptions else { return nil }
        let userns = options.usernsOptions
        let field = field + ".userns_options"
        switch userns.mode {
        case .node:
            guard userns.uids.isEmpty, userns.gids.isEmpty else {
                throw RPCFailure.invalid(field, "mode NODE is the host's user namespace: it takes no uids or gids")
            }
            return nil
        case .pod:
            // The apiserver's rule for hostUsers: false: no host namespace beside it (the
            // pod's user namespace would not own it).
            for (name, mode) in [("network", options.network), ("pid", options.pid), ("ipc", options.ipc)] where mode == .node {
                throw RPCFailure.invalid(field + ".mode", "POD cannot be combined with the host's \(name) namespace (\(name) NODE)")
            }
            let uid = try range(userns.uids, field: field + ".uids", avoiding: podctlPool.map { ($0.uidStart, $0.blocks) })
            let gid = try range(userns.gids, field: field + ".gids", avoiding: podctlPool.map { ($0.gidStart, $0.blocks) })
            guard uid.length == gid.length else {
                throw RPCFailure.invalid(field + ".gids", "maps \(gid.length) IDs and uids \(uid.length): podctl maps the same number of users and groups")
            }
            return IDMap(hostUID: uid.host, hostGID: gid.host, size: uid.length)
        default:
            throw RPCFailure.invalid(field + ".mode", "\(userns.mode) is not a user namespace mode a sandbox can have (POD or NODE)")
        }
    }

    private static func range(_ mappings: [Runtime_V1_IDMapping], field: String, avoiding pool: (start: UInt32, blocks: Int)?) throws(RPCError) -> (host: UInt32, length: UInt32) {
        guard mappings.count == 1, let mapping = mappings.first else {
            throw RPCFailure.invalid(field, "\(mappings.count) mappings: mode POD takes exactly one")
        }
        guard mapping.containerID == 0 else {
            throw RPCFailure.invalid(field + "[0].container_id", "is \(mapping.containerID): the mapping must start at container ID 0")
        }
        guard mapping.length >= minimumLength else {
            throw RPCFailure.invalid(field + "[0].length", "is \(mapping.length): at least \(minimumLength) IDs must be mapped")
        }
        guard mapping.hostID > 0 else {
            throw RPCFailure.invalid(field + "[0].host_id", "is 0: the container's root would be the host's")
        }
        // The last host ID must be at most 4294967294 (4294967295 is no ID: user_namespaces(7)).
        guard UInt64(mapping.hostID) + UInt64(mapping.length) <= UInt64(UInt32.max) else {
            throw RPCFailure.invalid(field + "[0].length", "\(mapping.length) IDs from host ID \(mapping.hostID) run past 4294967294")
        }
        if let pool {
            let start = UInt64(pool.start)
            let end = start + UInt64(pool.blocks) * UInt64(UserNamespaceRanges.blockSize)
            if UInt64(mapping.hostID) < end && start < UInt64(mapping.hostID) + UInt64(mapping.length) {
                throw RPCFailure.invalid(field + "[0].host_id", "host IDs \(mapping.hostID) to \(UInt64(mapping.hostID) + UInt64(mapping.length) - 1) overlap podctl's own user namespace pool (\(start) to \(end - 1), /etc/subuid and /etc/subgid): give the kubelet a range of its own")
            }
        }
        return (mapping.hostID, mapping.length)
    }
}
