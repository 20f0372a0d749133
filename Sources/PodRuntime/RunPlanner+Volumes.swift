import Foundation
import Glibc
import PodCore
import PodLaunch
import PodModel
import PodOS

/// Where a volume's content is on the host.
struct MountSource {
    let path: String
    /// configMap and secret volumes are read-only in Kubernetes whatever the mount says.
    let forceReadOnly: Bool
    /// hostPath: bound from the host's mount table when the container starts (MountSpec.fromHost).
    var hostPath = false
}

extension RunPlanner {
    /// Makes each volume's host side: emptyDir directories (memory ones are mounted by the
    /// sandbox), hostPath checks per `type`, configMap and secret files.
    func prepareVolumes() throws(PodError) -> [String: MountSource] {
        var sources: [String: MountSource] = [:]
        for volume in spec.volumes ?? [] {
            let name = volume.name ?? ""
            if let emptyDir = volume.emptyDir {
                let path = emptyDir.medium == "Memory" ? paths.memoryVolumes + "/" + name : paths.volumes + "/" + name
                try Files.makeDirectories(path, mode: 0o777)
                chmod(path, 0o777)
                // With a user namespace the directory belongs to the pod's root (and fsGroup),
                // as host IDs of the pod's block.
                ownVolumeDirectory(path)
                sources[name] = MountSource(path: path, forceReadOnly: false)
            } else if let hostPath = volume.hostPath {
                try checkHostPath(hostPath, volume: name)
                sources[name] = MountSource(path: hostPath.path ?? "", forceReadOnly: false, hostPath: true)
            } else if let claim = volume.persistentVolumeClaim {
                sources[name] = try prepareClaim(claim, volume: name)
            } else if let projected = try project(volume) {
                sources[name] = projected
            }
        }
        return sources
    }

    /// The hostPath `type` checks of the kubelet (HostPathType): the OrCreate kinds create.
    private func checkHostPath(_ source: HostPathVolumeSource, volume: String) throws(PodError) {
        let path = source.path ?? ""
        var info = stat()
        let exists = stat(path, &info) == 0
        let kind = info.st_mode & S_IFMT
        let problem: String?
        switch source.type ?? "" {
        case "DirectoryOrCreate":
            if !exists { try Files.makeDirectories(path, mode: 0o755) }
            problem = exists && kind != S_IFDIR ? "is not a directory" : nil
        case "FileOrCreate":
            if !exists { try AtomicFile.write([], to: path, mode: 0o644) }
            problem = exists && kind != S_IFREG ? "is not a file" : nil
        case "Directory": problem = !exists ? "does not exist" : kind != S_IFDIR ? "is not a directory" : nil
        case "File": problem = !exists ? "does not exist" : kind != S_IFREG ? "is not a file" : nil
        case "Socket": problem = !exists ? "does not exist" : kind != S_IFSOCK ? "is not a socket" : nil
        case "CharDevice": problem = !exists ? "does not exist" : kind != S_IFCHR ? "is not a character device" : nil
        case "BlockDevice": problem = !exists ? "does not exist" : kind != S_IFBLK ? "is not a block device" : nil
        default: problem = nil
        }
        if let problem {
            throw PodError(.invalidManifest, "pod \(key): hostPath volume \"\(volume)\": \(path) \(problem) (type: \(source.type ?? ""))")
        }
    }

    /// configMap, secret, downwardAPI and projected volumes: files with their modes in the
    /// pod's run directory (tmpfs on most hosts: secrets stay off the disk), written as the
    /// kubelet's AtomicWriter writes them, so a running container sees an update in place.
    private func writeProjection(_ name: String, files: [AtomicProjection.File]) throws(PodError) -> MountSource {
        let directory = paths.memoryVolumes + "/" + name
        try AtomicProjection(directory: directory).write(files)
        return MountSource(path: directory, forceReadOnly: true)
    }

    /// Rewrites the configMap and secret volumes of a running pod whose spec did not
    /// change, from the ConfigMaps and Secrets of this apply: the kubelet's sync of a
    /// changed ConfigMap. Env is left as it is, read when a container starts (as in Kubernetes).
    func refreshProjections() throws(PodError) {
        for volume in spec.volumes ?? [] { _ = try project(volume) }
    }

    /// After `podctl label` or `annotate`: the downward API files of a running pod, in
    /// place, as the kubelet resyncs them. A projected volume keeps its other files as
    /// `..data` holds them (this edit has no ConfigMaps or Secrets to read).
    func refreshDownwardAPI() throws(PodError) {
        for volume in spec.volumes ?? [] {
            let name = volume.name ?? ""
            if let source = volume.downwardAPI {
                _ = try writeProjection(name, files: downwardFiles(source.items, mode: source.defaultMode))
            } else if let source = volume.projected, !Self.downwardPaths(source).isEmpty {
                let projection = AtomicProjection(directory: paths.memoryVolumes + "/" + name)
                let downward = Self.downwardPaths(source)
                let kept = try projection.currentFiles().filter { !downward.contains($0.path) }
                let fresh = projectedFiles(source).filter { downward.contains($0.path) }
                try projection.write((kept + fresh).sorted { $0.path < $1.path })
            }
        }
    }

    /// A configMap, secret, downwardAPI or projected volume's files, written; nil for other kinds of volume.
    private func project(_ volume: Volume) throws(PodError) -> MountSource? {
        let name = volume.name ?? ""
        if let source = volume.configMap {
            let data = configMapBytes(source.name ?? "")
            return try writeProjection(name, files: keyFiles(data: data, items: source.items, mode: source.defaultMode))
        } else if let source = volume.secret {
            let data = secretBytes(source.secretName ?? "")
            return try writeProjection(name, files: keyFiles(data: data, items: source.items, mode: source.defaultMode))
        } else if let source = volume.downwardAPI {
            return try writeProjection(name, files: downwardFiles(source.items, mode: source.defaultMode))
        } else if let source = volume.projected {
            return try writeProjection(name, files: projectedFiles(source))
        }
        return nil
    }

    /// The container's volume mounts, in order, with subPath and readOnly.
    func mounts(for container: Container, volumes: [String: MountSource]) throws(PodError) -> [MountSpec] {
        var result = [MountSpec(kind: .bind, source: paths.shm, target: "/dev/shm")]
        for mount in container.volumeMounts ?? [] {
            guard let source = volumes[mount.name ?? ""] else { continue }
            // pod-helper resolves the target inside the root, and the subPath inside the volume,
            // when it mounts (docs/runtime.md, "Paths inside the root"); the target cleaned
            // is the path validation judged.
            let target = MountPaths.cleaned(mount.mountPath ?? "")
            let readOnly = mount.readOnly == true || source.forceReadOnly
            let recursive = mount.recursiveReadOnly == "Enabled" || mount.recursiveReadOnly == "IfPossible"
            let checked = hostMountsChecked.map { $0.contains(container.name ?? "") } ?? true
            let propagation = try Self.propagation(of: mount, container: container, source: source, checkHost: checked)
            // A rootless pod's helper is no root of the host's mount namespace: it binds
            // from the pod's, as before (open_tree needs CAP_SYS_ADMIN there).
            result.append(MountSpec(kind: .bind, source: source.path, target: target, readOnly: readOnly, subPath: mount.subPath ?? "",
                                    recursiveReadOnly: readOnly && recursive, fromHost: source.hostPath && geteuid() == 0, propagation: propagation))
        }
        return result
    }

    /// `mountPropagation`: only a hostPath volume has a host side to propagate with, and its
    /// mount must propagate: shared for Bidirectional, shared or slave for HostToContainer
    /// (containerd's ensureShared and ensureSharedOrSlave, checked when the container is
    /// created, as containerd does).
    static func propagation(of mount: VolumeMount, container: Container, source: MountSource, checkHost: Bool = true) throws(PodError) -> MountPropagation {
        let propagation: MountPropagation
        switch mount.mountPropagation ?? "None" {
        case "HostToContainer": propagation = .hostToContainer
        case "Bidirectional": propagation = .bidirectional
        default: return .private
        }
        let what = "container \(container.name ?? ""), volume mount \(mount.name ?? ""): mountPropagation \(mount.mountPropagation ?? "")"
        guard source.hostPath, geteuid() == 0 else {
            throw PodError(.invalidManifest, "\(what) is served on hostPath volumes of root's pods only; use None here")
        }
        guard checkHost else { return propagation }
        let host = try MountTable.entry(of: source.path)
        if propagation == .bidirectional && !host.shared || propagation == .hostToContainer && !host.shared && !host.slave {
            let kind = propagation == .bidirectional ? "shared" : "shared or slave"
            throw PodError(.invalidManifest, "\(what): the host path \(source.path) is on mount \(host.mountPoint), which is not \(kind); make it so first (mount --make-rshared \(host.mountPoint))")
        }
        return propagation
    }
}
