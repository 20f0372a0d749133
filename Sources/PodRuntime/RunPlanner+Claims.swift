import Glibc
import PodCore
import PodModel
import PodOS
import PodStore

extension RunPlanner {
    /// A persistentVolumeClaim volume: the claim's data directory, made on first use and
    /// bind-mounted as an emptyDir is. A missing claim made the pod wait before planning
    /// (CreateWaits, D58); one deleted since is refused here.
    func prepareClaim(_ source: PersistentVolumeClaimVolumeSource, volume: String) throws(PodError) -> MountSource {
        let claimKey = try ClaimKey(namespace: key.namespace, name: source.claimName ?? "")
        return try claims.locked(claimKey) { () throws(PodError) -> MountSource in
            guard let record = try claims.read(claimKey) else {
                throw PodError(.notFound, "pod \(key): volume \"\(volume)\": persistentvolumeclaim \"\(claimKey.name)\" not found (apply the claim first, or in the same apply)")
            }
            try checkReadWriteOncePod(record, claimKey, volume: volume)
            let path = claims.dataDirectory(claimKey)
            if !Files.exists(path) {
                try Files.makeDirectories(path, mode: 0o777)
                chmod(path, 0o777)
            }
            ownVolumeDirectory(path)
            return MountSource(path: path, forceReadOnly: source.readOnly == true)
        }
    }

    /// ReadWriteOncePod: one pod at a time. The scheduler's VolumeRestrictions plugin
    /// refuses a second one ("node has pod using PersistentVolumeClaim with the same
    /// name and ReadWriteOncePod access mode"); here apply refuses it, naming the holder.
    private func checkReadWriteOncePod(_ record: ClaimRecord, _ claimKey: ClaimKey, volume: String) throws(PodError) {
        try claims.checkReadWriteOncePod(record, claimKey, pod: key, volume: volume)
    }

    /// A volume directory's owner as the kubelet sets it for emptyDir and claims: the
    /// pod's root (its host ID with a user namespace), and fsGroup with setgid so new
    /// files inherit the group.
    func ownVolumeDirectory(_ path: String) {
        let owner = idMap?.hostUID(of: 0) ?? 0
        if let fsGroup = spec.securityContext?.fsGroup {
            chown(path, owner, idMap?.hostGID(of: UInt32(fsGroup)) ?? gid_t(fsGroup))
            chmod(path, 0o2777)
        } else if let idMap {
            chown(path, owner, idMap.hostGID(of: 0))
        }
    }
}
