/// Just enough of the image reference grammar (distribution/reference) for defaulting.
/// The full parser with registries and short names lives with the image store.
enum ImageReference {
    /// The tag of `name[:tag][@digest]`: `latest` when neither a tag nor a digest is given,
    /// nil when only a digest is, as `parsers.ParseImageName` gives the kubelet.
    static func tag(of image: String) -> String? {
        var reference = Substring(image)
        var hasDigest = false
        if let at = reference.firstIndex(of: "@") {
            reference = reference[..<at]
            hasDigest = true
        }
        let lastSlash = reference.lastIndex(of: "/")
        let nameTail = lastSlash.map { reference[reference.index(after: $0)...] } ?? reference
        if let colon = nameTail.lastIndex(of: ":") {
            return String(nameTail[nameTail.index(after: colon)...])
        }
        return hasDigest ? nil : "latest"
    }
}
