/// Where a member of a container's tar stream goes under a local destination, as
/// `kubectl cp POD:SRC DEST` decides it (kubectl/pkg/cmd/cp/cp.go, untarAll): every
/// member must start with the source's prefix (else "tar contents corrupted"); what
/// follows it is joined to the destination, and a result outside the destination is
/// skipped with kubectl's warning. Here the result is a list of path components, never a
/// joined string: the extractor resolves them one by one below a directory descriptor.
public enum CopyPaths {
    /// kubectl's prefix of a remote source: leading slashes stripped, cleaned, and any
    /// leading `../` or `./` dropped (stripPathShortcuts), as `tar cf - SRC` names members.
    public static func prefix(ofRemote source: String) -> String {
        var components: [Substring] = []
        for part in source.split(separator: "/") where part != "." {
            if part == ".." {
                if !components.isEmpty { components.removeLast() }
            } else {
                components.append(part)
            }
        }
        return components.joined(separator: "/")
    }

    /// What to do with one member.
    public enum Placement: Equatable, Sendable {
        /// Components below the destination; empty for the destination itself.
        case inside([[UInt8]])
        /// kubectl's "warning: file %q is outside target destination, skipping".
        case outside
        /// The member does not start with the prefix: kubectl stops ("tar contents corrupted").
        case corrupted
    }

    public static func place(_ name: [UInt8], prefix: [UInt8]) -> Placement {
        guard name.starts(with: prefix) else { return .corrupted }
        // An absolute name can only carry an empty prefix ("/" copied): kubectl's
        // "tempered with" case, refused the same way.
        if prefix.isEmpty && name.first == UInt8(ascii: "/") { return .corrupted }
        let rest = name.dropFirst(prefix.count)
        // "tmp/foobar" is not below "tmp/foo": only the prefix itself or what follows a slash.
        if !prefix.isEmpty, let first = rest.first, first != UInt8(ascii: "/") { return .outside }
        var components: [[UInt8]] = []
        for part in rest.split(separator: UInt8(ascii: "/")) where part != [UInt8(ascii: ".")] {
            if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) { return .outside }
            components.append(Array(part))
        }
        return .inside(components)
    }
}
