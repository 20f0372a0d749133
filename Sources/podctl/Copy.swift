import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodImage
import PodRuntime

/// `podctl cp`, as kubectl cp: `tar` in the container through the exec path, a local
/// extractor that treats the container's stream as hostile (PodImage/Copy), and kubectl's
/// file specs and messages. docs/cli.md, "cp".
struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy files and directories to and from containers.",
        discussion: "podctl cp web:/etc/hosts ./hosts; podctl cp ./site web:/www -c content. Needs tar in the container, as kubectl cp.")

    @Option(name: .shortAndLong, help: "The container (default: the first).")
    var container: String?

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @Flag(name: .customLong("no-preserve"), help: "Do not keep the copied files' ownership and permissions in the container.")
    var noPreserve = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The source: a local path or [NAMESPACE/]POD:PATH.")
    var source: String

    @Argument(help: "The destination: a local path or [NAMESPACE/]POD:PATH.")
    var destination: String

    func run() throws {
        let (from, to) = try CopySpec.pair(source, destination)
        let remote = from.isRemote ? from : to
        let view = try Context(global).view(remote.pod ?? "", namespace: remote.namespace ?? namespace)
        let tar = ContainerTar(target: try ExecTarget.find(view, container: container))
        if from.isRemote {
            try copyFromPod(from.path, to.path, tar)
        } else {
            try copyToPod(from.path, to.path, tar)
        }
    }

    /// kubectl's copyFromPod: `tar cf - SRC` in the container, extracted under DEST.
    func copyFromPod(_ source: String, _ destination: String, _ tar: ContainerTar) throws(PodError) {
        let extractor = CopyExtractor(destination: destination, prefix: CopyPaths.prefix(ofRemote: source), limits: try CopyLimits.from(), warn: Terminal.standardError)
        let code = try tar.reading(["tar", "cf", "-", source]) { (fd) throws(PodError) in try extractor.extract(from: fd) }
        if code != 0 { throw PodError(.invalidArgument, "command terminated with exit code \(code)") }
    }

    /// kubectl's copyToPod: into DEST/basename(SRC) when DEST is a directory in the
    /// container, else to DEST; `tar -xmf - -C dirname(DEST)` there.
    func copyToPod(_ source: String, _ destination: String, _ tar: ContainerTar) throws(PodError) {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw PodError(.notFound, "\(source) doesn't exist in local filesystem") }
        var target = Copy.trimmed(destination)
        if try tar.isDirectory(target) { target = (target == "/" ? "" : target) + "/" + Copy.basename(Copy.trimmed(source)) }
        let directory = target.contains("/") ? Copy.dirname(target) : "."
        let flags = noPreserve ? ["--no-same-permissions", "--no-same-owner", "-xmf", "-"] : ["-xmf", "-"]
        let packer = CopyPacker(source: source, destinationName: Copy.basename(target))
        let code = try tar.writing(["tar"] + flags + ["-C", directory]) { (fd) throws(PodError) in try packer.pack(to: fd) }
        if code != 0 { throw PodError(.invalidArgument, "command terminated with exit code \(code)") }
    }

    /// Go's path.Base and path.Dir for the already trimmed remote paths kubectl joins.
    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? "/"
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func trimmed(_ path: String) -> String {
        var result = path
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
