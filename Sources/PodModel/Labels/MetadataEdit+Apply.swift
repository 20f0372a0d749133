import Foundation
import PodCore

extension MetadataEdit {
    /// The result of an edit on one pod's labels or annotations.
    public struct Outcome: Equatable, Sendable {
        /// The new map; nil when empty, as a manifest without the field.
        public let values: [String: String]?
        public let changed: Bool
        /// Keys asked to be removed that the pod does not have (kubectl: `label "k" not found.`).
        public let missing: [String]
        /// kubectl's word for the printed line `pod/NAME <verb>`.
        public let verb: String
    }

    /// Applies the edit to `current`. Without `overwrite`, setting a key that has a value
    /// is refused with kubectl's message; removal never needs `--overwrite`.
    public func apply(to current: [String: String]?, overwrite: Bool) throws(PodError) -> Outcome {
        let before = current ?? [:]
        if !overwrite { try refuseOverwrites(before) }
        var after = before
        for (key, value) in set { after[key] = value }
        for key in remove { after[key] = nil }
        if kind == .annotation {
            let bytes = after.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            if bytes > 256 * 1024 { throw PodError(.invalidArgument, "metadata.annotations: Too long: must have at most 262144 bytes") }
        }
        let missing = remove.filter { before[$0] == nil }.sorted()
        return Outcome(values: after.isEmpty ? nil : after, changed: after != before, missing: missing,
                       verb: verb(before: before, after: after, overwrite: overwrite))
    }

    /// label.go's updateDataChangeMsg: `not labeled` when nothing changed, `unlabeled` when
    /// the object got shorter without --overwrite (a removal), else `labeled`. annotate
    /// prints `annotated` whatever happened.
    private func verb(before: [String: String], after: [String: String], overwrite: Bool) -> String {
        guard kind == .label else { return "annotated" }
        if before == after { return "not labeled" }
        return !overwrite && Self.encodedSize(after) < Self.encodedSize(before) ? "unlabeled" : "labeled"
    }

    private static func encodedSize(_ values: [String: String]) -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(values))?.count ?? 0
    }

    private func refuseOverwrites(_ current: [String: String]) throws(PodError) {
        // annotate.go lets the change-cause annotation be overwritten always.
        let taken = set.keys.sorted().filter { current[$0] != nil && !(kind == .annotation && $0 == "kubernetes.io/change-cause") }
        guard !taken.isEmpty else { return }
        switch kind {
        case .label:
            let each = taken.map { "'\($0)' already has a value (\(FieldError.printable(current[$0] ?? ""))), and --overwrite is false" }
            throw PodError(.invalidArgument, each.count == 1 ? each[0] : "[" + each.joined(separator: ", ") + "]")
        case .annotation:
            let each = taken.map { "'\($0)' already has a value (\(FieldError.printable(current[$0] ?? "")))" }
            throw PodError(.invalidArgument, "--overwrite is false but found the following declared annotation(s): " + each.joined(separator: "; "))
        }
    }
}
