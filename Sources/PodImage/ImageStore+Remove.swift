import PodCore
import PodOS

extension ImageStore {
    public struct RemoveReport: Sendable {
        public var untagged: [String] = []
        public var deleted: [Digest] = []
        public var collected = CollectReport()
        /// References that could not be removed, each with its reason.
        public var failures: [PodError] = []
    }

    /// `image rm`. A name of an image that has other names is only untagged. Otherwise
    /// the image goes, with all its names, unless a pod's manifest uses it (or, by ID,
    /// it has several names) and `force` is not set. Layers and blobs no other image
    /// needs are then deleted. Every reference is tried; failures are reported together.
    public func remove(_ references: [String], force: Bool, usage: ImageUsage) throws(PodError) -> RemoveReport {
        var report = RemoveReport()
        for reference in references {
            do throws(PodError) {
                try remove(reference, force: force, usage: usage, into: &report)
            } catch {
                report.failures.append(error)
            }
        }
        if !report.deleted.isEmpty { report.collected = try collectGarbage() }
        return report
    }

    private func remove(_ reference: String, force: Bool, usage: ImageUsage, into report: inout RemoveReport) throws(PodError) {
        let lock = try layout.lockIndex()
        defer { lock.release() }
        let resolved = try resolve(reference)
        let image = resolved.image
        var table = try layout.readNames()
        if let name = resolved.matchedName, image.names.count > 1 {
            table.names[name] = nil
            try layout.writeNames(table)
            report.untagged.append(name)
            return
        }
        if !force {
            if image.names.count > 1 {
                throw PodError(.conflict, "image \(image.record.id.shortID) has several names (\(image.names.joined(separator: ", "))); remove them by name, or use --force")
            }
            if !usage.unreadable.isEmpty {
                throw PodError(.conflict, "cannot tell whether a pod uses \(reference): \(usage.unreadable.joined(separator: ", ")) cannot be read; fix or delete that pod, or use --force")
            }
            let pods = usage.pods(using: image.record.id)
            if !pods.isEmpty {
                throw PodError(.conflict, "image \(reference) is used by pod \(pods.map(\.description).joined(separator: ", ")); delete the pod first, or use --force")
            }
        }
        for name in image.names { table.names[name] = nil }
        try layout.writeNames(table)
        try Files.remove(layout.recordPath(image.record.id))
        report.untagged.append(contentsOf: image.names)
        report.deleted.append(image.record.id)
    }
}
