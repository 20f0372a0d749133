import PodCore
import PodImage

/// Where a pull of a reference goes (docs/images.md, "Mirrors"): the `[[registry]]`
/// table whose prefix matches the reference longest, its mirrors in order, then its
/// location, as containers/image's sysregistriesv2 `FindRegistry` and `PullSourcesFromReference`
/// decide. Without a matching table, the reference's own registry alone.
extension RegistryHosts {
    public func sources(for reference: ImageReference) throws(PodError) -> [ImageReference] {
        let text = reference.description
        guard let entry = registry(matching: reference) else { return [reference] }
        if entry.blocked {
            throw PodError(.invalidArgument, "pulls of \(text) are blocked by the [[registry]] table of \(entry.prefix) in registries.conf")
        }
        var locations: [String] = []
        if !entry.mirrorByDigestOnly || reference.digest != nil { locations += entry.mirrors.map(\.location) }
        locations.append(entry.location)
        var sources: [ImageReference] = []
        for location in locations {
            let rewritten = try rewrite(reference, entry: entry, location: location)
            if !sources.contains(rewritten) { sources.append(rewritten) }
        }
        return sources
    }

    /// The table with the longest prefix that matches: the whole name, or the name up to
    /// a `/`, `:` or `@` (containers-registries.conf(5)); `*.domain` matches the
    /// registry host's subdomains and is shorter than any exact prefix.
    func registry(matching reference: ImageReference) -> RegistryEntry? {
        let text = reference.description
        var best: (entry: RegistryEntry, length: Int)?
        for entry in registries {
            let length: Int
            if entry.prefix.hasPrefix("*.") {
                guard reference.domain.hasSuffix(entry.prefix.dropFirst()) else { continue }
                length = 0
            } else {
                guard RegistryHosts.prefix(entry.prefix, matches: text) else { continue }
                length = entry.prefix.count
            }
            if best == nil || length > best!.length { best = (entry, length) }
        }
        return best?.entry
    }

    static func prefix(_ prefix: String, matches text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        guard let next = text.dropFirst(prefix.count).first else { return true }
        return next == "/" || next == ":" || next == "@"
    }

    /// The reference with its matched prefix replaced by `location`; a wildcard table
    /// (no location of its own) leaves the name as it is.
    private func rewrite(_ reference: ImageReference, entry: RegistryEntry, location: String) throws(PodError) -> ImageReference {
        if entry.prefix.hasPrefix("*.") && location.isEmpty { return reference }
        let rest = entry.prefix.hasPrefix("*.") ? String(reference.description.dropFirst(reference.domain.count)) : String(reference.description.dropFirst(entry.prefix.count))
        do {
            return try ImageReference.parse(location + rest)
        } catch {
            throw PodError(.invalidArgument, "registries.conf maps \(reference) to \(location + rest), which is not an image name: \(error.message)")
        }
    }
}
