import PodCore
import PodOS

extension ImageStore {
    public struct CollectReport: Sendable {
        public var layers: [(diffID: Digest, size: Int64)] = []
        public var blobs: [(digest: Digest, size: Int64)] = []
        /// Leftovers of loads that were killed (`tmp/`).
        public var temporaryEntries = 0
        public var freedBytes: Int64 { layers.reduce(0) { $0 + $1.size } + blobs.reduce(0) { $0 + $1.size } }
    }

    public struct PruneReport: Sendable {
        public var images: [Digest] = []
        public var collected = CollectReport()
    }

    /// `image prune`: removes images without a name that no pod uses, then every layer
    /// and blob no remaining image needs, and what killed loads left in `tmp/`.
    public func prune(usage: ImageUsage) throws(PodError) -> PruneReport {
        var report = PruneReport()
        let collecting = try layout.lockForCollecting()
        defer { collecting.release() }
        do {
            let lock = try layout.lockIndex()
            defer { lock.release() }
            let table = try layout.readNames()
            for record in try layout.records() where table.names(of: record.id).isEmpty && usage.pods(using: record.id).isEmpty {
                try Files.remove(layout.recordPath(record.id))
                report.images.append(record.id)
            }
        }
        report.collected = try collect()
        return report
    }

    /// Deletes layers and blobs that no image record needs. Takes the gc lock
    /// exclusively, so it waits for running loads (StoreLocks).
    func collectGarbage() throws(PodError) -> CollectReport {
        let collecting = try layout.lockForCollecting()
        defer { collecting.release() }
        return try collect()
    }

    /// Only with the gc lock held exclusively: then no load runs, and all of `tmp/` is
    /// litter of dead ones.
    private func collect() throws(PodError) -> CollectReport {
        var report = CollectReport()
        let records = try layout.records()
        let keptBlobs = Set(records.flatMap(\.blobs))
        let keptLayers = Set(records.flatMap { $0.layers.map(\.diffID) })
        for diffID in try layers.all() where !keptLayers.contains(diffID) {
            let size = (try? layers.metadata(diffID).size) ?? 0
            try layers.remove(diffID)
            report.layers.append((diffID, size))
        }
        for digest in try blobs.all() where !keptBlobs.contains(digest) {
            let size = (try? blobs.size(digest)) ?? 0
            try blobs.remove(digest)
            report.blobs.append((digest, size))
        }
        for name in try Files.list(layout.temporaryDirectory) {
            try removeStoreTree(layout.temporaryDirectory + "/" + name)
            report.temporaryEntries += 1
        }
        try AtomicFile.sweep(directory: layout.recordsDirectory)
        try AtomicFile.sweep(directory: layout.root)
        return report
    }
}
