import ArgumentParser
import PodCore
import PodImage
import PodRuntime

struct ImageRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove images, or untag a name of an image that has others.",
        discussion: """
            An image that a pod's manifest uses is not removed (delete the pod first), nor one named by ID \
            that has several names; --force removes it anyway. Layers and blobs no other image needs are freed.
            """,
        aliases: ["remove", "rmi"])

    @Argument(help: ArgumentHelp("Image names or IDs.", valueName: "name"))
    var names: [String]

    @Flag(name: .shortAndLong, help: "Remove even an image that a pod uses or that has several names.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let (store, images) = try ImageCommand.open(global)
        let usage = try ImageUsage.scan(store, images: images)
        let report = try images.remove(names, force: force, usage: usage)
        for name in report.untagged { print("Untagged: \(name)") }
        for id in report.deleted { print("Deleted: \(id)") }
        if !report.deleted.isEmpty {
            let collected = report.collected
            print("Freed \(ImageCommand.size(collected.freedBytes)) (\(collected.layers.count) layer(s), \(collected.blobs.count) blob(s))")
        }
        guard let first = report.failures.first else { return }
        for failure in report.failures.dropFirst() { Terminal.error(failure.description) }
        throw first
    }
}
