import ArgumentParser
import PodCore
import PodImage

struct ImageInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print images as JSON: ID, names, digest, layers and config.",
        discussion: "Prints a JSON array with one object per image, as podman image inspect does.")

    @Argument(help: ArgumentHelp("Image names or IDs.", valueName: "name"))
    var names: [String]

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let (_, store) = try ImageCommand.open(global)
        var views: [View] = []
        for name in names {
            let image = try store.resolve(name).image
            views.append(View(image, lower: try store.lowerDirectories(for: image.record)))
        }
        print(try ImageCommand.json(views))
    }

    struct View: Encodable {
        let id: String
        let names: [String]
        let digest: String
        let created: String?
        let architecture: String?
        let os: String?
        let size: Int64
        let layers: [Layer]
        let config: ImageConfig
        /// Topmost first, as an overlay mount takes them.
        let lowerDirectories: [String]

        struct Layer: Encodable {
            let digest: String
            let diffID: String
            let size: Int64
            let mediaType: String
        }

        init(_ image: ImageStore.StoredImage, lower: [String]) {
            let record = image.record
            id = record.id.description
            names = image.names
            digest = record.digest.description
            created = record.created
            architecture = record.architecture
            os = record.os
            size = record.size
            layers = record.layers.map { Layer(digest: $0.digest.description, diffID: $0.diffID.description, size: $0.size, mediaType: $0.mediaType) }
            config = record.config
            lowerDirectories = lower
        }
    }
}
