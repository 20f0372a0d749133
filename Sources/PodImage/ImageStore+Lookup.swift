import PodCore

extension ImageStore {
    /// How a reference matched: by a name (which `rm` may untag alone) or by ID/digest.
    public struct Resolved: Sendable {
        public let image: StoredImage
        public let matchedName: String?
    }

    /// Finds an image by name, `name@digest`, ID (`sha256:…`) or a unique ID prefix of
    /// at least 4 hex digits. Short names follow `ImageReference.candidates`:
    /// `localhost/NAME` first, then `docker.io/NAME`.
    public func resolve(_ text: String) throws(PodError) -> Resolved {
        let table = try layout.readNames()
        let records = try layout.records()
        func stored(_ record: ImageRecord) -> StoredImage { StoredImage(record: record, names: table.names(of: record.id)) }
        let candidates = (try? ImageReference.candidates(text)) ?? []
        for candidate in candidates {
            if let digest = candidate.digest {
                // A digest names the content; which repository it was saved under does not matter.
                if let record = records.first(where: { $0.digest == digest || $0.id == digest || $0.indexDigest == digest }) { return Resolved(image: stored(record), matchedName: nil) }
            } else if let id = table.names[candidate.description], let record = records.first(where: { $0.id == id }) {
                return Resolved(image: stored(record), matchedName: candidate.description)
            }
        }
        let hex = text.hasPrefix("sha256:") ? String(text.dropFirst(7)) : text
        if hex.count >= 4, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) {
            let matches = records.filter { $0.id.hex.hasPrefix(hex) }
            if matches.count == 1 { return Resolved(image: stored(matches[0]), matchedName: nil) }
            if matches.count > 1 {
                throw PodError(.invalidArgument, "the ID prefix \(hex) matches \(matches.count) images (\(matches.map(\.id.shortID).joined(separator: ", "))); give more digits")
            }
        }
        let tried = candidates.isEmpty ? "" : " (looked for \(candidates.map(\.description).joined(separator: ", ")))"
        throw PodError(.notFound, "image \"\(text)\" is not in the store\(tried); load it with podctl image load or podctl image import")
    }

    /// The image ID a reference resolves to, or nil when it is not in the store.
    public func imageID(for text: String) -> Digest? {
        try? resolve(text).image.record.id
    }
}
