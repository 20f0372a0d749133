import ArgumentParser
import PodCore
import PodImage
import PodRuntime

struct ImagePrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove images without a name that no pod uses, and every layer and blob no image needs.",
        discussion: "Waits for running loads and imports to finish; also clears what killed ones left behind.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (store, images) = try ImageCommand.open(global)
        let report = try images.prune(usage: try ImageUsage.scan(store, images: images))
        for id in report.images { print("Deleted image \(id)") }
        for layer in report.collected.layers { print("Deleted layer \(layer.diffID) (\(ImageCommand.size(layer.size)))") }
        for blob in report.collected.blobs { print("Deleted blob \(blob.digest) (\(ImageCommand.size(blob.size)))") }
        if report.collected.temporaryEntries > 0 { print("Cleared \(report.collected.temporaryEntries) leftover(s) of interrupted loads") }
        print("Total reclaimed: \(ImageCommand.size(report.collected.freedBytes))")
    }
}
