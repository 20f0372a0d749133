import Foundation
import PodCore
import PodImage
import PodModel
import PodOS
import PodStore

extension ImageUsage {
    /// What the pods of this host use, read from each pod's applied manifest
    /// (`Store.manifestPath`): every container and init container. Here, not in
    /// PodImage, because the image store knows no manifests.
    public static func scan(_ store: Store, images: ImageStore) throws(PodError) -> ImageUsage {
        var references: [PodKey: Set<String>] = [:]
        var unreadable: [String] = []
        for key in try store.podKeys() {
            let path = store.manifestPath(key)
            guard Files.exists(path) else { continue }
            guard let bytes = try? Files.read(path), let pod = try? JSONDecoder().decode(Pod.self, from: Data(bytes)) else {
                unreadable.append(path)
                continue
            }
            references[key] = Set((pod.spec?.allContainers ?? []).compactMap(\.image))
        }
        return ImageUsage(references: references, unreadable: unreadable, images: images)
    }
}
