import PodCore

/// An image name as docker and podman write it (the grammar of distribution/reference,
/// reference.go): `[domain/]path[:tag][@sha256:hex]`.
///
///     busybox                       → docker.io/library/busybox:latest
///     localhost/x:1                 → localhost/x:1
///     host:5000/team/app@sha256:…   → host:5000/team/app@sha256:…
///
/// The first component is a registry domain when it contains `.` or `:` or is
/// `localhost` (docker's splitDockerDomain); otherwise the name has no domain and
/// `defaultDomain` is used. On docker.io a one-component path gets `library/`.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    public var domain: String
    public var path: String
    public var tag: String?
    public var digest: Digest?
    /// Whether the text named a registry; short names resolve locally (see `candidates`).
    public var namedDomain: Bool

    public static let dockerHub = "docker.io"
    public static let local = "localhost"

    /// `domain/path`.
    public var repository: String { domain + "/" + path }

    /// The full name: `domain/path[:tag][@digest]`.
    public var description: String {
        repository + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0.description } ?? "")
    }

    /// The name with `latest` when it has neither tag nor digest (docker's TagNameOnly).
    public var withDefaultTag: ImageReference {
        var copy = self
        if copy.tag == nil && copy.digest == nil { copy.tag = "latest" }
        return copy
    }

    public static func parse(_ text: String, defaultDomain: String = dockerHub) throws(PodError) -> ImageReference {
        func bad(_ why: String) -> PodError {
            PodError(.invalidArgument, "invalid image name \"\(text)\": \(why)")
        }
        var rest = Substring(text)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            do { digest = try Digest(parsing: String(rest[rest.index(after: at)...])) } catch { throw bad(error.message) }
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        if let tag, !isTag(tag) {
            throw bad("the tag \"\(tag)\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'")
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !rest.isEmpty, !components.contains("") else { throw bad("the name is empty or has an empty component") }
        var domain = defaultDomain
        var namedDomain = false
        if components.count > 1, isDomain(components[0]) {
            domain = components.removeFirst()
            namedDomain = true
            guard isValidDomain(domain) else { throw bad("\"\(domain)\" is not a registry host[:port]") }
        }
        for component in components where !isPathComponent(component) {
            throw bad("\"\(component)\" must be lowercase letters and digits, separated by '.', '_', '__' or dashes")
        }
        if domain == dockerHub && components.count == 1 { components.insert("library", at: 0) }
        let reference = ImageReference(domain: domain, path: components.joined(separator: "/"), tag: tag, digest: digest, namedDomain: namedDomain)
        guard reference.repository.count <= 255 else { throw bad("a name is at most 255 characters") }
        return reference
    }

    /// A name given by the user for an image they made or load (`image import`,
    /// `--name`): without a registry it is a local image, `localhost/NAME`, as
    /// podman names imports; without a tag it is `:latest`. A digest cannot be given:
    /// it is what the content hashes to, not something to choose.
    public static func naming(_ text: String) throws(PodError) -> ImageReference {
        let reference = try parse(text, defaultDomain: local)
        if reference.digest != nil {
            throw PodError(.invalidArgument, "\"\(text)\" has a digest; name an image with NAME[:TAG], its digest is what its content hashes to")
        }
        return reference.withDefaultTag
    }

    /// The names a reference may match in the local store, in order (docs/images.md,
    /// "Name rules"). A name with a registry means exactly that. A short name (no
    /// registry) is looked up as `localhost/NAME` first, then as `docker.io/NAME` (with
    /// `library/` for one component): so a pod that says `busybox:1` runs the image
    /// imported as `busybox:1` (stored as `localhost/busybox:1`), and a `docker save`
    /// archive's `busybox:1` (docker.io/library/busybox:1) works too. No other registry
    /// is searched: podctl has no unqualified-search-registries list.
    public static func candidates(_ text: String) throws(PodError) -> [ImageReference] {
        let reference = try parse(text).withDefaultTag
        guard !reference.namedDomain else { return [reference] }
        var local = try parse(text, defaultDomain: ImageReference.local).withDefaultTag
        local.namedDomain = false
        return [local, reference]
    }

    static func isDomain(_ component: String) -> Bool {
        component.contains(".") || component.contains(":") || component == local
            || component.contains(where: { $0.isUppercase })
    }

    private static func isValidDomain(_ domain: String) -> Bool {
        let parts = domain.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        if parts.count == 2 && (parts[1].isEmpty || !parts[1].allSatisfy({ $0.isASCII && $0.isNumber })) { return false }
        return parts[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && label.first != "-" && label.last != "-"
        }
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    private static func isPathComponent(_ component: String) -> Bool {
        let bytes = Array(component.utf8)
        func alnum(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            if alnum(bytes[index]) { index += 1; continue }
            var end = index
            while end < bytes.count && !alnum(bytes[end]) { end += 1 }
            let separator = String(decoding: bytes[index..<end], as: UTF8.self)
            guard separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" }) else { return false }
            index = end
        }
        return true
    }

    /// `[\w][\w.-]{0,127}`
    static func isTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        func word(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 95 }
        guard let first = bytes.first, word(first), bytes.count <= 128 else { return false }
        return bytes.allSatisfy { word($0) || $0 == 46 || $0 == 45 }
    }
}
