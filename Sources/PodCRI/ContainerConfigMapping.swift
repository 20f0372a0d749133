import Foundation
import GRPCCore
import PodCRIProtocol
import PodModel
import PodRuntime

/// A `ContainerConfig` as the v1 Container apply plans (D62): written as the container's
/// JSON, as a manifest would say it, and decoded by the model's own Codable, so no string
/// of the request is spliced anywhere. Mounts become hostPath volumes and volumeMounts
/// (the planner and pod-helper resolve mount points inside the container root with
/// openat2). Every field is checked first; an error names it in the proto's spelling.
struct ContainerConfigMapping {
    let container: Container
    let volumes: [Volume]
    /// `log_directory` (of the sandbox) + `log_path` (nil without one), the masked and
    /// read-only paths.
    let options: SandboxContainerOptions

    /// `name`: the container's name in the pod (its metadata name and the ID's prefix).
    init(_ config: Runtime_V1_ContainerConfig, name: String, logDirectory: String, seccompDirectory: String) throws(RPCError) {
        guard config.hasMetadata, !config.metadata.name.isEmpty else { throw RPCFailure.invalid("config.metadata.name", "a container name is required") }
        guard config.hasImage, !config.image.image.isEmpty else { throw RPCFailure.invalid("config.image.image", "an image is required") }
        var json: [String: Any] = ["name": name, "image": config.image.image, "imagePullPolicy": "Never"]
        try Self.checkWords(config.command, "config.command")
        try Self.checkWords(config.args, "config.args")
        if !config.command.isEmpty { json["command"] = config.command }
        if !config.args.isEmpty { json["args"] = config.args }
        if !config.workingDir.isEmpty {
            try Self.checkAbsolute(config.workingDir, "config.working_dir")
            json["workingDir"] = config.workingDir
        }
        var env: [[String: Any]] = []
        for (index, pair) in config.envs.enumerated() {
            guard !pair.key.isEmpty, !pair.key.contains("="), !pair.key.utf8.contains(0), !pair.value.utf8.contains(0) else {
                throw RPCFailure.invalid("config.envs[\(index)]", "\(SandboxConfigMapping.quoted(pair.key)): an environment variable needs a name without '=' and no NUL byte")
            }
            env.append(["name": pair.key, "value": pair.value])
        }
        if !env.isEmpty { json["env"] = env }
        var volumes: [[String: Any]] = []
        var mounts: [[String: Any]] = []
        for (index, mount) in config.mounts.enumerated() {
            try Self.checkAbsolute(mount.containerPath, "config.mounts[\(index)].container_path")
            try Self.checkAbsolute(mount.hostPath, "config.mounts[\(index)].host_path")
            let volume = "cri-mount-\(index)"
            volumes.append(["name": volume, "hostPath": ["path": mount.hostPath]])
            mounts.append(try Self.volumeMount(mount, name: volume, field: "config.mounts[\(index)]"))
        }
        if !mounts.isEmpty { json["volumeMounts"] = mounts }
        json["stdin"] = config.stdin
        json["stdinOnce"] = config.stdinOnce
        json["tty"] = config.tty
        json["securityContext"] = try Self.securityContext(config.linux.securityContext, seccompDirectory: seccompDirectory)
        if config.hasLinux {
            try ContainerResourcesMapping.check(config.linux.resources, "config.linux.resources")
            if let resources = ContainerResourcesMapping.json(config.linux.resources) { json["resources"] = resources }
        }
        let security = config.linux.securityContext
        for (field, paths) in [("masked_paths", security.maskedPaths), ("readonly_paths", security.readonlyPaths)] {
            for (index, path) in paths.enumerated() { try Self.checkAbsolute(path, "config.linux.security_context.\(field)[\(index)]") }
        }
        var groups: [UInt32] = []
        for (index, group) in security.supplementalGroups.enumerated() {
            guard let id = UInt32(exactly: group), id != UInt32.max else {
                throw RPCFailure.invalid("config.linux.security_context.supplemental_groups[\(index)]", "\(group) is not a group ID (0 to 4294967294)")
            }
            groups.append(id)
        }
        options = SandboxContainerOptions(logPath: try Self.logPath(directory: logDirectory, path: config.logPath),
                                          maskedPaths: security.maskedPaths, readOnlyPaths: security.readonlyPaths, supplementalGroups: groups,
                                          runsInit: false, userName: try Self.userName(security),
                                          strictGroups: security.supplementalGroupsPolicy == .strict)
        do {
            container = try JSONDecoder().decode(Container.self, from: JSONSerialization.data(withJSONObject: json))
            self.volumes = try JSONDecoder().decode([Volume].self, from: JSONSerialization.data(withJSONObject: volumes))
        } catch {
            throw RPCFailure.invalid("config", "the container config does not make a container: \(error)")
        }
    }

    /// A CRI mount as the v1 volumeMount apply plans: `readonly` alone is a read-only bind
    /// whose submounts stay as they are (runc's bind), `recursive_read_only` makes them
    /// read-only too and needs `readonly` and private propagation (the CRI's rule, as
    /// containerd checks it); the propagation's host side is checked when the container
    /// is planned (RunPlanner.propagation).
    static func volumeMount(_ mount: Runtime_V1_Mount, name: String, field: String) throws(RPCError) -> [String: Any] {
        var json: [String: Any] = ["name": name, "mountPath": mount.containerPath, "readOnly": mount.readonly]
        switch mount.propagation {
        case .propagationPrivate: break
        case .propagationHostToContainer: json["mountPropagation"] = "HostToContainer"
        case .propagationBidirectional: json["mountPropagation"] = "Bidirectional"
        default: throw RPCFailure.invalid(field + ".propagation", "\(mount.propagation) is not PRIVATE, HOST_TO_CONTAINER or BIDIRECTIONAL")
        }
        if mount.recursiveReadOnly {
            guard mount.readonly else { throw RPCFailure.invalid(field + ".recursive_read_only", "a recursive read-only mount must be readonly too") }
            guard mount.propagation == .propagationPrivate else {
                throw RPCFailure.invalid(field + ".recursive_read_only", "a recursive read-only mount must have PROPAGATION_PRIVATE, not \(mount.propagation)")
            }
            json["recursiveReadOnly"] = "Enabled"
        }
        if !mount.uidMappings.isEmpty || !mount.gidMappings.isEmpty {
            throw RPCFailure.invalid(field + ".uidMappings", "ID-mapped mounts are not served")
        }
        return json
    }

    /// `run_as_username` (when no `run_as_user` is given, containerd's order): a name of
    /// the image's /etc/passwd, looked up by the planner as the image's User is. A name
    /// that could not be one (a ':' would split a passwd line) is refused here.
    static func userName(_ context: Runtime_V1_LinuxContainerSecurityContext) throws(RPCError) -> String? {
        let name = context.runAsUsername
        guard !name.isEmpty, !context.hasRunAsUser else { return nil }
        guard name.utf8.count <= 256, !name.unicodeScalars.contains(where: { $0 == ":" || $0.value < 0x20 || $0.value == 0x7f }) else {
            throw RPCFailure.invalid("config.linux.security_context.run_as_username", "\(SandboxConfigMapping.quoted(name)) is not a user name (at most 256 bytes, no ':' or control characters)")
        }
        return name
    }

    /// linux.security_context as a v1 SecurityContext. `no_new_privs` is the kubelet's
    /// `!allowPrivilegeEscalation`, either way; a Localhost seccomp profile is the absolute host path
    /// the kubelet gives (relative when it lies under podctl's profile directory).
    /// Masked and read-only paths go beside (SandboxContainerOptions).
    static func securityContext(_ context: Runtime_V1_LinuxContainerSecurityContext, seccompDirectory: String) throws(RPCError) -> [String: Any] {
        var json: [String: Any] = [:]
        // containerd: "user group is specified without user".
        if context.hasRunAsGroup && !context.hasRunAsUser && context.runAsUsername.isEmpty {
            throw RPCFailure.invalid("config.linux.security_context.run_as_group", "a group needs run_as_user or run_as_username")
        }
        if context.hasRunAsUser { json["runAsUser"] = context.runAsUser.value }
        if context.hasRunAsGroup { json["runAsGroup"] = context.runAsGroup.value }
        if context.privileged { json["privileged"] = true }
        if context.readonlyRootfs { json["readOnlyRootFilesystem"] = true }
        // Always said: the kubelet computes no_new_privs for every container, and false
        // is escalation allowed, as runc's spec gets it from containerd (podctl's own
        // default for an unset field would set no_new_privs: ConfinementPolicy).
        json["allowPrivilegeEscalation"] = !context.noNewPrivs
        if context.hasCapabilities {
            for (field, names) in [("add_capabilities", context.capabilities.addCapabilities), ("drop_capabilities", context.capabilities.dropCapabilities)] {
                try checkWords(names, "config.linux.security_context.capabilities.\(field)")
            }
            json["capabilities"] = ["add": context.capabilities.addCapabilities, "drop": context.capabilities.dropCapabilities]
        }
        // No profile is unconfined, as in containerd (the kubelet sends one for every
        // container that has one); the deprecated seccomp_profile_path names the same three.
        var seccomp = context.seccomp
        if !context.hasSeccomp {
            let path = context.seccompProfilePath
            if path == "runtime/default" || path == "docker/default" { seccomp.profileType = .runtimeDefault } else if path.hasPrefix("localhost/") {
                seccomp.profileType = .localhost
                seccomp.localhostRef = String(path.dropFirst("localhost/".count))
            } else { seccomp.profileType = .unconfined }
        }
        switch seccomp.profileType {
        case .runtimeDefault: json["seccompProfile"] = ["type": "RuntimeDefault"]
        case .unconfined: json["seccompProfile"] = ["type": "Unconfined"]
        case .localhost:
            let field = "config.linux.security_context.seccomp.localhost_ref"
            let reference = seccomp.localhostRef
            try checkAbsolute(reference, field)
            // Under podctl's directory it is named as a manifest would name it; elsewhere
            // the host file the kubelet names is read as it is (containerd's rule).
            let relative = reference.hasPrefix(seccompDirectory + "/") ? String(reference.dropFirst(seccompDirectory.count + 1)) : reference
            json["seccompProfile"] = ["type": "Localhost", "localhostProfile": relative]
        default: throw RPCFailure.invalid("config.linux.security_context.seccomp.profile_type", "\(seccomp.profileType) is not RuntimeDefault, Unconfined or Localhost")
        }
        return json
    }

    /// The kubelet's log file: an absolute directory and a relative path, both without
    /// `..` (containerd joins them as they come; podctl refuses what would climb out).
    static func logPath(directory: String, path: String) throws(RPCError) -> String? {
        if path.isEmpty { return nil }
        guard !directory.isEmpty else { throw RPCFailure.invalid("sandbox_config.log_directory", "a log_path needs the sandbox's log_directory") }
        try checkAbsolute(directory, "sandbox_config.log_directory")
        guard !path.hasPrefix("/"), !path.utf8.contains(0), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw RPCFailure.invalid("config.log_path", "\(SandboxConfigMapping.quoted(path)) must be a relative path without . or ..")
        }
        return (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + "/" + path
    }

    static func checkAbsolute(_ path: String, _ field: String) throws(RPCError) {
        guard path.hasPrefix("/"), path.utf8.count <= 4096, !path.utf8.contains(0), !path.split(separator: "/").contains("..") else {
            throw RPCFailure.invalid(field, "\(SandboxConfigMapping.quoted(path)) must be an absolute path without .. and NUL bytes")
        }
    }

    static func checkWords(_ words: [String], _ field: String) throws(RPCError) {
        for (index, word) in words.enumerated() where word.utf8.contains(0) {
            throw RPCFailure.invalid("\(field)[\(index)]", "a NUL byte cannot be passed to a program")
        }
    }
}
