import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodRuntime

/// `podctl port-forward pod/NAME [LOCAL:]REMOTE …`, as kubectl port-forward: TCP only,
/// 127.0.0.1 and ::1 by default, until Ctrl-C (exit 0) or the pod's end ("lost
/// connection to pod", exit 1). docs/network.md, "Port forwarding".
struct PortForward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-forward",
        abstract: "Forward one or more local ports to a pod.",
        discussion: "podctl port-forward pod/web 8080:80 :443; a connection the pod refuses is reported and the forwarder keeps listening.")

    @Option(name: .long, parsing: .singleValue, help: "Addresses to listen on (comma separated): localhost, or IP addresses.")
    var address: [String] = []

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pod (NAME or pod/NAME).")
    var pod: String

    @Argument(help: "[LOCAL:]REMOTE ports.")
    var ports: [String] = []

    func run() throws {
        guard !ports.isEmpty else { throw ValidationError("TYPE/NAME and list of ports are required for port-forward") }
        let name = try PortForward.podName(pod)
        var specs: [PortForwardSpec] = []
        for text in ports { specs.append(try PortForwardSpec.parse(text)) }
        let view = try Context(global).view(name, namespace: namespace)
        let forwarder = try PortForwarder(view: view, specs: specs, addresses: address.isEmpty ? ["localhost"] : address)
        let end = try forwarder.run(say: { PortForward.line(1, $0) }, complain: { PortForward.line(2, $0) })
        if end == .podGone {
            Terminal.error("lost connection to pod")
            Foundation.exit(1)
        }
    }

    /// `web`, `pod/web`, `pods/web`; kubectl forwards to services and deployments too,
    /// which podctl does not have.
    static func podName(_ text: String) throws(PodError) -> String {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 1 { return parts[0] }
        guard ["pod", "pods", "po"].contains(parts[0]) else {
            throw PodError(.invalidArgument, "the server doesn't have a resource type \"\(parts[0])\": podctl forwards to pods only")
        }
        return parts[1]
    }

    /// One line, written at once (unbuffered: a script waits for "Forwarding from").
    static func line(_ fd: Int32, _ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
