import Foundation
import PodCore
import PodModel
import PodOS
import PodStore

/// Which images the pods of this host use: read from each pod's applied manifest
/// (`Store.manifestPath`), every container and init container, each image reference
/// resolved by the same rule the runtime will use. An image in use is not removed
/// without --force, and never pruned.
public struct ImageUsage: Sendable {
    public var users: [Digest: [PodKey]] = [:]
    /// Manifests that could not be read: with them podctl cannot tell what is in use.
    public var unreadable: [String] = []

    public init() {}

    public static func scan(_ store: Store, images: ImageStore) throws(PodError) -> ImageUsage {
        var usage = ImageUsage()
        for key in try store.podKeys() {
            let path = store.manifestPath(key)
            guard Files.exists(path) else { continue }
            guard let bytes = try? Files.read(path), let pod = try? JSONDecoder().decode(Pod.self, from: Data(bytes)) else {
                usage.unreadable.append(path)
                continue
            }
            let references = Set((pod.spec?.allContainers ?? []).compactMap(\.image))
            for reference in references.sorted() {
                if let id = images.imageID(for: reference) { usage.users[id, default: []].append(key) }
            }
        }
        return usage
    }

    public func pods(using id: Digest) -> [PodKey] { users[id] ?? [] }
}
