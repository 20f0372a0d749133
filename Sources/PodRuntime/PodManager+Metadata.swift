import PodCore
import PodModel
import PodOS
import PodStore

extension PodManager {
    /// `podctl label` and `podctl annotate`: changes the stored pod's labels or annotations
    /// under its lock, atomically, and nothing else. Metadata is in no container's spec
    /// hash and in no run plan field the supervisor reads, so no container restarts, as in
    /// Kubernetes (env from `metadata.labels` keeps its value until a container restarts).
    /// A pod waiting for its images gets the change in its pending record too, so the
    /// pod it becomes carries it. downwardAPI volume files are rewritten in place.
    public func editMetadata(_ key: PodKey, _ edit: MetadataEdit, overwrite: Bool) throws(PodError) -> MetadataEdit.Outcome {
        let paths = PodPaths(store: store, key: key)
        let missing = PodError(.notFound, "pods \"\(key.name)\" not found in namespace \(key.namespace)")
        // Checked before locking too, so a mistyped name leaves no lock file behind.
        guard Files.exists(paths.manifest) else { throw missing }
        let lock = try store.lock(key)
        defer { lock.release() }
        guard var pod = try store.read(Pod.self, from: paths.manifest) else { throw missing }
        var meta = pod.metadata ?? ObjectMeta()
        let outcome = try edit.apply(to: edit.kind == .label ? meta.labels : meta.annotations, overwrite: overwrite)
        guard outcome.changed else { return outcome }
        if edit.kind == .label { meta.labels = outcome.values } else { meta.annotations = outcome.values }
        pod.metadata = meta
        if var pending = try store.read(PendingPull.self, from: PendingPull.path(paths)) {
            pending.pod.metadata = meta
            try store.write(pending, to: PendingPull.path(paths))
        }
        try store.write(pod, to: paths.manifest)
        try refreshDownwardAPI(pod, key: key, paths: paths)
        return outcome
    }
}

extension Pod {
    /// The pod less what `label` and `annotate` change: a waiting pod whose labels changed
    /// is still the pod its pull was for.
    var withoutLabelsAndAnnotations: Pod {
        var pod = self
        pod.metadata?.labels = nil
        pod.metadata?.annotations = nil
        return pod
    }
}
