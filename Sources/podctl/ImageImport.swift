import ArgumentParser
import PodImage

struct ImageImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make a one-layer image of a root file system (a directory, or a tar: plain, gzip or zstd).",
        discussion: """
            As podman import: NAME without a registry is stored as localhost/NAME, without a tag as \
            :latest. An image without ENV PATH gets /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin.
            Example: podctl image import rootfs.tar busybox:1 --change 'CMD ["sh"]' --change 'ENV LANG=C.UTF-8'
            """)

    @Argument(help: ArgumentHelp("A root file system: a directory, or a tar (plain, gzip or zstd).", valueName: "source"))
    var source: String

    @Argument(help: ArgumentHelp("The image's name.", valueName: "name[:tag]"))
    var name: String

    @Option(name: [.short, .long], help: ArgumentHelp("Set the config: 'CMD [...]', 'ENTRYPOINT [...]', 'ENV k=v', 'WORKDIR /x', 'USER 1000', 'EXPOSE 80/tcp', 'LABEL k=v', 'STOPSIGNAL SIGTERM', 'VOLUME /data'. Repeatable.", valueName: "instruction"))
    var change: [String] = []

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (store, images) = try ImageCommand.open(global)
        let imported = try images.importImage(from: source, name: name, changes: change)
        ImageCommand.report([imported], verb: "Imported")
        print("ID: \(imported.record.id)")
        ImageCommand.startWaitingPods(store)
    }
}
