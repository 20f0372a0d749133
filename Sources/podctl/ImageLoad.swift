import ArgumentParser
import PodImage

struct ImageLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load images from a docker-archive, an OCI archive or an OCI layout directory.",
        discussion: """
            docker save / podman save archives, OCI image layouts (a directory, or a tar of one) with one \
            or more images; plain, gzip or zstd, and so may their layers be. Every blob is checked against \
            its digest. Names come from the archive (RepoTags, or the org.opencontainers.image.ref.name \
            annotation), or from --name.
            """)

    @Option(name: [.short, .customLong("input")], help: ArgumentHelp("The archive file or OCI layout directory.", valueName: "file|dir"))
    var input: String

    @Option(help: ArgumentHelp("Name the loaded image NAME[:TAG] (without a tag, each image keeps its OCI ref.name tag, or latest).", valueName: "name"))
    var name: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (store, images) = try ImageCommand.open(global)
        ImageCommand.report(try images.load(from: input, name: name), verb: "Loaded")
        ImageCommand.startWaitingPods(store)
    }
}
