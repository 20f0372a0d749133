import PodCore
import PodStore

/// Which images the pods of this host use, each image reference resolved by the same
/// rule the runtime will use. An image in use is not removed without --force, and never
/// pruned. The references come from the layer above, which reads the pods' manifests
/// (PodRuntime, ImageUsage+Pods.swift): this module knows no manifests.
public struct ImageUsage: Sendable {
    public var users: [Digest: [PodKey]] = [:]
    /// Manifests that could not be read: with them podctl cannot tell what is in use.
    public var unreadable: [String] = []

    public init() {}

    /// The usage of each pod's image references; a reference no image answers to is no use.
    /// A pod counts once per image, however many of its references name it.
    public init(references: [PodKey: Set<String>], unreadable: [String] = [], images: ImageStore) {
        self.unreadable = unreadable
        for key in references.keys.sorted() {
            for id in Set(references[key, default: []].compactMap(images.imageID(for:))) {
                users[id, default: []].append(key)
            }
        }
    }

    public func pods(using id: Digest) -> [PodKey] { users[id] ?? [] }
}
