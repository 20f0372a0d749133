extension FieldSupport {
    /// The fields of `v1 PersistentVolumeClaim` (#19): a local directory; one host has no
    /// provisioner, no PersistentVolumes to select, and no snapshots to restore from.
    static let claims: [FieldSupport] = [
        .init("PersistentVolumeClaimVolumeSource", "claimName", .supported, "a valid claim name (a DNS subdomain)"),
        .init("PersistentVolumeClaimVolumeSource", "readOnly", .supported),
        .init("PersistentVolumeClaim", "apiVersion", .supported),
        .init("PersistentVolumeClaim", "kind", .supported),
        .init("PersistentVolumeClaim", "metadata", .supported),
        .init("PersistentVolumeClaim", "spec", .supported),
        .init("PersistentVolumeClaim", "status", .serverSet, "podctl reports status (always Bound)"),
        .init("PersistentVolumeClaimSpec", "accessModes", .partial, "ReadWriteOncePod refuses a second pod; the others allow many pods on one host"),
        .init("PersistentVolumeClaimSpec", "resources", .partial, "requests.storage is recorded and shown, not enforced (no project quotas)"),
        .init("PersistentVolumeClaimSpec", "storageClassName", .partial, "one local class; the name is recorded and shown"),
        .init("PersistentVolumeClaimSpec", "volumeMode", .partial, "`Filesystem` only; `Block` refused"),
        .init("PersistentVolumeClaimSpec", "selector", .notYet, "no PersistentVolumes to select"),
        .init("PersistentVolumeClaimSpec", "volumeName", .notYet, "no PersistentVolumes to bind"),
        .init("PersistentVolumeClaimSpec", "dataSource", .notYet),
        .init("PersistentVolumeClaimSpec", "dataSourceRef", .notYet),
        .init("PersistentVolumeClaimSpec", "volumeAttributesClassName", .notYet),
        .init("VolumeResourceRequirements", "requests", .partial, "`storage` only"),
        .init("VolumeResourceRequirements", "limits", .partial, "recorded, not enforced"),
    ]
}
