import Foundation
import PodCore
import PodModel
import PodStore

extension ClaimStore {
    /// ReadWriteOncePod: one pod at a time. The scheduler's VolumeRestrictions plugin
    /// refuses a second one ("node has pod using PersistentVolumeClaim with the same
    /// name and ReadWriteOncePod access mode"); apply (and its dry run) refuses it here,
    /// naming the holder.
    func checkReadWriteOncePod(_ record: ClaimRecord, _ claimKey: ClaimKey, pod: PodKey, volume: String) throws(PodError) {
        guard record.claim.spec?.accessModes?.contains("ReadWriteOncePod") == true,
              let holder = try users(of: claimKey).first(where: { $0 != pod }) else { return }
        throw PodError(.conflict, "pod \(pod): volume \"\(volume)\": persistentvolumeclaim \"\(claimKey.name)\" is ReadWriteOncePod and in use by pod \(holder.name): node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode")
    }

    /// `apply --dry-run`'s claim checks, as apply makes them: a ReadWriteOncePod claim
    /// held by another pod refuses the pod (thrown); a claim neither stored nor in the
    /// apply (`inApply`) makes it wait (D58), returned as a warning line.
    public func preflight(_ pod: Pod, inApply: Set<String>) throws(PodError) -> [String] {
        let podKey = try PodKey(namespace: pod.namespace, name: pod.name)
        var warnings: [String] = []
        for volume in pod.spec?.volumes ?? [] {
            guard let name = volume.persistentVolumeClaim?.claimName else { continue }
            let claimKey = try ClaimKey(namespace: pod.namespace, name: name)
            if let record = try read(claimKey) {
                try checkReadWriteOncePod(record, claimKey, pod: podKey, volume: volume.name ?? "")
            } else if !inApply.contains(name) {
                warnings.append("would wait Pending: 0/1 nodes are available: persistentvolumeclaim \"\(name)\" not found.")
            }
        }
        return warnings
    }
}
