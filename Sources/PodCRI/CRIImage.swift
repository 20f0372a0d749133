import Foundation
import PodCore
import PodCRIProtocol
import PodImage

/// An image of podctl's store as the CRI's `Image` message, as containerd fills it
/// (pkg/cri/server/image_status.go): the ID is the config digest, tags are the names,
/// digests are `repository@manifest digest`, and the config's User gives `uid` when it
/// is numeric, `username` otherwise.
enum CRIImage {
    static func message(_ image: ImageStore.StoredImage) -> Runtime_V1_Image {
        var message = Runtime_V1_Image()
        let record = image.record
        message.id = record.id.description
        message.repoTags = image.names
        var digests: [String] = []
        for name in image.names {
            let repository = (try? ImageReference.parse(name))?.repository ?? name
            let digest = repository + "@" + record.digest.description
            if !digests.contains(digest) { digests.append(digest) }
        }
        message.repoDigests = digests
        message.size = UInt64(max(0, record.size))
        message.spec.image = record.id.description
        let user = user(record.config.user)
        if let uid = user.uid { message.uid.value = uid }
        message.username = user.name
        return message
    }

    /// containerd's getUserFromImage: `uid[:gid]` gives a uid; a name gives a username;
    /// the group part is dropped either way.
    static func user(_ text: String?) -> (uid: Int64?, name: String) {
        guard let text, !text.isEmpty else { return (nil, "") }
        let user = String(text.prefix { $0 != ":" })
        if let uid = Int64(user), uid >= 0 { return (uid, "") }
        return (nil, user)
    }

    /// ImageStatus `verbose`: `info["info"]`, the image's record as JSON (config,
    /// layers with their digests and diff IDs, sizes, where it came from).
    static func verboseInfo(_ image: ImageStore.StoredImage) throws(PodError) -> [String: String] {
        struct Info: Encodable {
            let names: [String]
            let record: ImageRecord
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return ["info": String(decoding: try encoder.encode(Info(names: image.names, record: image.record)), as: UTF8.self)]
        } catch {
            throw PodError(.internal, "cannot encode the image \(image.record.id) as JSON", cause: .text("\(error)"))
        }
    }
}
