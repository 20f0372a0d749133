import ArgumentParser
import PodCore
import PodImage
import PodRegistry
import PodRuntime

/// The runtime's pulls (imagePullPolicy at apply, the retries of a waiting pod) go
/// through PodRegistry, which only podctl links (D37).
struct RegistryPulling: ImagePulling {
    let puller: ImagePuller

    func pull(_ reference: String) throws(PodError) -> ImageRecord {
        try puller.pull(reference).image.record
    }

    /// Gives the runtime its registry client; called once, before any command runs.
    static func install() {
        PodManager.imagePulling = { (images) throws(PodError) -> ImagePulling in
            RegistryPulling(puller: try ImagePuller.fromEnvironment(store: images))
        }
    }
}

/// `podctl pull-backoff DIR RUNDIR`: not for users (hidden); apply starts it for a pod
/// whose images could not be pulled, and it retries with the kubelet's back-off.
struct PullBackOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: PullBackOff.command, abstract: "Retry the image pulls of a waiting pod (started by apply).", shouldDisplay: false)

    @Argument var directory: String
    @Argument var runDirectory: String

    func run() throws {
        let status = PullBackOff.run(directory: directory, runDirectory: runDirectory)
        if status != 0 { throw ExitCode(status) }
    }
}
