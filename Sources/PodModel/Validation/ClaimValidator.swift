/// Validation of a PersistentVolumeClaim as the API server's `ValidatePersistentVolumeClaim`
/// does it (pkg/apis/core/validation), for what one host can honour.
enum ClaimValidator {
    static let accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]

    static func validate(_ claim: PersistentVolumeClaim) -> [FieldError] {
        // The claim's name becomes a directory: it is a DNS subdomain (no `/`, no `..`), as a ConfigMap's.
        var errors = ConfigValidator.metadataErrors(claim.metadata)
        let spec = FieldPath("spec")
        guard let claimSpec = claim.spec else { return errors + [.required(spec)] }
        let modes = claimSpec.accessModes ?? []
        if modes.isEmpty { errors.append(.required(spec.child("accessModes"), "at least 1 access mode is required")) }
        for mode in modes where !accessModes.contains(mode) {
            errors.append(.unsupported(spec.child("accessModes"), mode, supported: accessModes))
        }
        // Kubernetes: "may not use ReadWriteOncePod with other access modes".
        if modes.contains("ReadWriteOncePod") && modes.count > 1 {
            errors.append(.forbidden(spec.child("accessModes"), "may not use ReadWriteOncePod with other access modes"))
        }
        errors += storageErrors(claimSpec.resources, spec.child("resources"))
        if let mode = claimSpec.volumeMode, mode != "Filesystem" {
            errors.append(mode == "Block"
                ? .forbidden(spec.child("volumeMode"), "podctl's local claims are directories; Block is not supported")
                : .unsupported(spec.child("volumeMode"), mode, supported: ["Block", "Filesystem"]))
        }
        if let className = claimSpec.storageClassName, !className.isEmpty {
            errors += Names.subdomainErrors(className).map { .invalid(spec.child("storageClassName"), quoting: className, $0) }
        }
        return errors
    }

    /// `resources.requests.storage` is required and a positive quantity (ValidatePersistentVolumeClaimSpec).
    private static func storageErrors(_ resources: VolumeResourceRequirements?, _ path: FieldPath) -> [FieldError] {
        let storagePath = path.child("requests").key("storage")
        guard let storage = resources?.requests?["storage"] else { return [.required(storagePath)] }
        guard let value = storage.decimal else { return [.invalid(storagePath, quoting: storage.text, PodValidator.quantityMessage)] }
        return value > 0 ? [] : [.invalid(storagePath, quoting: storage.text, "must be greater than zero")]
    }
}
