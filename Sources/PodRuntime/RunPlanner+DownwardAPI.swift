import Glibc
import PodCore
import PodModel

/// The files of `downwardAPI` and `projected` volumes (pkg/volume/downwardapi and
/// pkg/volume/projected), written with the configMap volumes' AtomicProjection.
extension RunPlanner {
    /// The files of configMap or Secret data: one per key, or per item (a missing key is
    /// skipped: validation or `optional` judged it).
    func keyFiles(data: [String: [UInt8]], items: [KeyToPath]?, mode: Int32?) -> [AtomicProjection.File] {
        let keys: [(String, String, Int32?)] = items.map { $0.map { ($0.key ?? "", $0.path ?? "", $0.mode) } } ?? data.keys.sorted().map { ($0, $0, nil) }
        return keys.compactMap { dataKey, relative, itemMode in
            data[dataKey].map { AtomicProjection.File(path: relative, content: $0, mode: mode_t(itemMode ?? mode ?? 0o644)) }
        }
    }

    func downwardFiles(_ items: [DownwardAPIVolumeFile]?, mode: Int32?) -> [AtomicProjection.File] {
        (items ?? []).map { file in
            AtomicProjection.File(path: file.path ?? "", content: Array(downwardValue(file).utf8), mode: mode_t(file.mode ?? mode ?? 0o644))
        }
    }

    /// A projected volume's files, source by source; a later source's file replaces an
    /// earlier one at the same path, as the kubelet's collectData merges them.
    func projectedFiles(_ source: ProjectedVolumeSource) -> [AtomicProjection.File] {
        var files: [String: AtomicProjection.File] = [:]
        for projection in source.sources ?? [] {
            var batch: [AtomicProjection.File] = []
            if let configMap = projection.configMap {
                let data = configMapBytes(configMap.name ?? "")
                batch = keyFiles(data: data, items: configMap.items, mode: source.defaultMode)
            } else if let secret = projection.secret {
                let data = secretBytes(secret.name ?? "")
                batch = keyFiles(data: data, items: secret.items, mode: source.defaultMode)
            } else if let downward = projection.downwardAPI {
                batch = downwardFiles(downward.items, mode: source.defaultMode)
            }
            for file in batch { files[file.path] = file }
        }
        return files.keys.sorted().compactMap { files[$0] }
    }

    /// The paths of a projected volume that the downward API fills.
    static func downwardPaths(_ source: ProjectedVolumeSource) -> Set<String> {
        Set((source.sources ?? []).flatMap { $0.downwardAPI?.items ?? [] }.compactMap(\.path))
    }

    /// One file's content: the env downward API's value, except whole label and annotation
    /// maps, which are `key="value"` lines (fieldpath.FormatMap).
    private func downwardValue(_ file: DownwardAPIVolumeFile) -> String {
        if let fieldPath = file.fieldRef?.fieldPath {
            switch fieldPath {
            case "metadata.labels": return Self.formatMap(pod.metadata?.labels ?? [:])
            case "metadata.annotations": return Self.formatMap(pod.metadata?.annotations ?? [:])
            default: return fieldValue(fieldPath)
            }
        }
        guard let selector = file.resourceFieldRef, let first = spec.allContainers.first else { return "" }
        return resourceValue(selector, container: first)
    }

    /// fieldpath.FormatMap: sorted by key, `key=%q`, lines joined by "\n" without a final one.
    static func formatMap(_ map: [String: String]) -> String {
        map.keys.sorted().map { $0 + "=" + GoQuote.quoted(map[$0] ?? "") }.joined(separator: "\n")
    }
}
