import ArgumentParser
import PodImage
import PodRegistry

struct ImagePull: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull an image from a registry into the store.",
        discussion: """
            REF is [REGISTRY/]NAME[:TAG][@DIGEST]. A name without a registry is on Docker Hub: redis is \
            docker.io/library/redis:latest. Credentials come from podctl login, $REGISTRY_AUTH_FILE, \
            $XDG_RUNTIME_DIR/containers/auth.json and ~/.docker/config.json; private CAs from \
            /etc/podctl/certs.d/HOST/ca.crt (and /etc/containers/certs.d, /etc/docker/certs.d). \
            See docs/images.md.
            """)

    @Argument(help: ArgumentHelp("The image to pull.", valueName: "ref"))
    var reference: String

    @Flag(name: .shortAndLong, help: "Show no progress; print only the image ID.")
    var quiet = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (store, images) = try ImageCommand.open(global)
        let puller = try ImagePuller.fromEnvironment(store: images)
        let result = try puller.pull(reference, observer: quiet ? nil : PullProgressView())
        if !quiet {
            for note in result.image.notes { Terminal.warning(note) }
        }
        print(result.image.record.id.hex)
        ImageCommand.startWaitingPods(store)
    }
}
