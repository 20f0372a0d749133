import Foundation
import PodCore
import PodRegistry
import PodStore

/// podctl-cri's settings: flags first, then the environment, then the defaults; the
/// state roots are podctl's own (PODCTL_ROOT, PODCTL_RUN_ROOT, PODCTL_CGROUP_ROOT), so
/// the CLI and the endpoint share one image store.
struct Options {
    static let defaultSocket = "/run/podctl/cri.sock"
    static let defaultCgroupRoot = "/podctl"

    var socket: String
    var root: String?
    var runRoot: String?
    var cgroupRoot: String
    var registriesConf: String
    /// The streaming server's address (D68): loopback, a port the kernel picks.
    var streamingAddress = "127.0.0.1"
    var streamingPort: UInt16 = 0

    static let usage = """
        usage: podctl-cri [--socket PATH] [--root DIR] [--run-root DIR] [--cgroup-root PATH] [--registries-conf FILE]
                      [--streaming-address ADDRESS[:PORT]]

        Serves the Kubernetes CRI v1 (runtime.v1.RuntimeService and ImageService) on a unix
        socket, mode 0600 (docs/cri.md).

          --socket PATH           the socket (env PODCTL_CRI_SOCKET; default \(defaultSocket))
          --root DIR              persistent state (env PODCTL_ROOT; default /var/lib/podctl)
          --run-root DIR          runtime state (env PODCTL_RUN_ROOT; default /run/podctl)
          --cgroup-root PATH      the pods' cgroup root (env PODCTL_CGROUP_ROOT; default \(defaultCgroupRoot))
          --registries-conf FILE  mirrors and insecure registries (env PODCTL_REGISTRIES_CONF;
                                  default \(RegistryHosts.defaultConfigFile))
          --streaming-address ADDRESS[:PORT]
                                  where Exec, Attach and PortForward URLs point (env
                                  PODCTL_CRI_STREAMING_ADDRESS; default 127.0.0.1, any port)
          --version               print the version
        """

    /// Nil after --help or --version (printed); a PodError for a bad command line.
    static func parse(_ arguments: [String], environment: [String: String]) throws(PodError) -> Options? {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var options = Options(socket: env("PODCTL_CRI_SOCKET") ?? defaultSocket, root: nil, runRoot: nil,
                              cgroupRoot: env("PODCTL_CGROUP_ROOT") ?? defaultCgroupRoot,
                              registriesConf: env("PODCTL_REGISTRIES_CONF") ?? RegistryHosts.defaultConfigFile)
        if let address = env("PODCTL_CRI_STREAMING_ADDRESS") { try options.setStreamingAddress(address) }
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "-h", "--help":
                print(usage)
                return nil
            case "--version":
                print("podctl-cri \(PodctlRelease.version)")
                return nil
            case "--socket", "--root", "--run-root", "--cgroup-root", "--registries-conf", "--streaming-address":
                guard let value = rest.popFirst(), !value.isEmpty else { throw PodError(.invalidArgument, "\(flag) needs a value\n\n\(usage)") }
                switch flag {
                case "--socket": options.socket = value
                case "--root": options.root = value
                case "--run-root": options.runRoot = value
                case "--cgroup-root": options.cgroupRoot = value
                case "--streaming-address": try options.setStreamingAddress(value)
                default: options.registriesConf = value
                }
            default:
                throw PodError(.invalidArgument, "unknown argument \"\(flag)\"\n\n\(usage)")
            }
        }
        guard options.socket.hasPrefix("/"), options.socket.utf8.count < 108 else {
            throw PodError(.invalidArgument, "--socket must be an absolute path shorter than 108 bytes (sun_path), not \"\(options.socket)\"")
        }
        return options
    }

    /// `ADDRESS` or `ADDRESS:PORT`, IPv4 (the kubelet's clients dial it as given).
    mutating func setStreamingAddress(_ value: String) throws(PodError) {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || UInt16(parts[1]) != nil else {
            throw PodError(.invalidArgument, "--streaming-address: \"\(value)\" is not ADDRESS or ADDRESS:PORT (such as 127.0.0.1:10010)")
        }
        streamingAddress = String(parts[0])
        streamingPort = parts.count == 2 ? UInt16(parts[1])! : 0
    }
}
