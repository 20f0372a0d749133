import Foundation
import PodCore

/// Where podctl's helper programs are: `PODCTL_LIBEXEC` if set, else beside the running
/// podctl (a build directory, or /usr/local/bin), else `../libexec/podctl` from it.
public struct Binaries: Sendable, Equatable {
    public var helper: String
    public var pause: String
    public var initProcess: String
    public var supervisor: String
    /// The bridge's DNS responder (docs/network.md, "Names").
    public var dns: String
    /// The supervisor's network step (D56); the supervisor finds it beside pod-helper.
    public var network: String

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PodError) -> Binaries {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let own = (executable as NSString).deletingLastPathComponent
        var candidates = [own, own + "/../libexec/podctl", "/usr/local/libexec/podctl"]
        if let configured = environment["PODCTL_LIBEXEC"] { candidates.insert(configured, at: 0) }
        for directory in candidates {
            let found = Binaries(helper: directory + "/pod-helper", pause: directory + "/pod-pause", initProcess: directory + "/pod-init", supervisor: directory + "/pod-supervisor", dns: directory + "/pod-dns", network: directory + "/pod-network")
            if found.all.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) {
                return found.standardized
            }
        }
        throw PodError(.notFound, "cannot find podctl's helper programs (pod-helper, pod-pause, pod-init, pod-supervisor, pod-dns, pod-network) in \(candidates.joined(separator: ", ")); install podctl with deploy/install.sh or set PODCTL_LIBEXEC")
    }

    var all: [String] { [helper, pause, initProcess, supervisor, dns, network] }

    var standardized: Binaries {
        func clean(_ path: String) -> String { (path as NSString).standardizingPath }
        return Binaries(helper: clean(helper), pause: clean(pause), initProcess: clean(initProcess), supervisor: clean(supervisor), dns: clean(dns), network: clean(network))
    }
}
