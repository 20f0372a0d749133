import Foundation
import PodCore
import PodModel
import PodPlan
import PodStore

extension PodManager {
    /// A running pod whose spec is unchanged gets the configMap and secret volume files
    /// of this apply's ConfigMaps and Secrets, in place (AtomicProjection): as the kubelet
    /// syncs a changed ConfigMap into running pods, without a restart. Only volume content
    /// changes so; env from a ConfigMap is read when a container starts, as in Kubernetes.
    /// Does nothing unless the pod runs (its supervisor alive, no pull pending) and its
    /// spec and metadata are the applied ones: any other change restarts or recreates.
    func refreshProjectionsIfUnchanged(_ pod: Pod, existing: Pod, key: PodKey, paths: PodPaths, configMaps: [ConfigMap], secrets: [Secret]) throws(PodError) {
        guard (pod.spec?.volumes ?? []).contains(where: { $0.configMap != nil || $0.secret != nil || $0.projected != nil }),
              existing.specHashes == pod.specHashes, existing.metadata == pod.metadata,
              supervisorAlive(try readStatus(paths)), !isWaitingForImages(paths) else { return }
        let previous = try RunPlan.readIfPresent(from: paths.runPlan)
        let planner = RunPlanner(pod: pod, key: key, store: store, binaries: try Binaries.locate(), configMaps: configMaps, secrets: secrets,
                                 uid: previous?.uid ?? UUID().uuidString.lowercased())
        try planner.refreshProjections()
    }
}

extension PodManager {
    /// After a stored ConfigMap or Secret changed (D58): a running pod's configMap, secret
    /// and projected volume files, from the stored objects, in place and under the pod's
    /// lock. A subPath mount keeps the file it bound at start (the kubelet's rule: the
    /// bind is of the old file, not of `..data`).
    func refreshProjections(_ key: PodKey) throws(PodError) {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard let pod = try store.read(Pod.self, from: paths.manifest),
              (pod.spec?.volumes ?? []).contains(where: { $0.configMap != nil || $0.secret != nil || $0.projected != nil }),
              supervisorAlive(try readStatus(paths)), !isWaitingForImages(paths), !isWaitingToCreate(paths),
              let previous = try RunPlan.readIfPresent(from: paths.runPlan) else { return }
        let (configMaps, secrets) = try configObjects(namespace: key.namespace, configMaps: [], secrets: [])
        let planner = RunPlanner(pod: pod, key: key, store: store, binaries: try Binaries.locate(), configMaps: configMaps, secrets: secrets, uid: previous.uid)
        try planner.refreshProjections()
    }

    /// After a label or annotation edit: a running pod's downward API files, rewritten in
    /// place (the kubelet resyncs them on its next sync; no container restarts).
    func refreshDownwardAPI(_ pod: Pod, key: PodKey, paths: PodPaths) throws(PodError) {
        guard (pod.spec?.volumes ?? []).contains(where: { $0.downwardAPI != nil || $0.projected != nil }),
              supervisorAlive(try readStatus(paths)), !isWaitingForImages(paths),
              let previous = try RunPlan.readIfPresent(from: paths.runPlan) else { return }
        let planner = RunPlanner(pod: pod, key: key, store: store, binaries: try Binaries.locate(), configMaps: [], secrets: [], uid: previous.uid)
        try planner.refreshDownwardAPI()
    }
}
