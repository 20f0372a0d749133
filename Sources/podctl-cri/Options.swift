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

    static let usage = """
        usage: podctl-cri [--socket PATH] [--root DIR] [--run-root DIR] [--cgroup-root PATH] [--registries-conf FILE]

        Serves the Kubernetes CRI v1 (runtime.v1.RuntimeService and ImageService) on a unix
        socket, mode 0600 (docs/cri.md).

          --socket PATH           the socket (env PODCTL_CRI_SOCKET; default \(defaultSocket))
          --root DIR              persistent state (env PODCTL_ROOT; default /var/lib/podctl)
          --run-root DIR          runtime state (env PODCTL_RUN_ROOT; default /run/podctl)
          --cgroup-root PATH      the pods' cgroup root (env PODCTL_CGROUP_ROOT; default \(defaultCgroupRoot))
          --registries-conf FILE  mirrors and insecure registries (env PODCTL_REGISTRIES_CONF;
                                  default \(RegistryHosts.defaultConfigFile))
          --version               print the version
        """

    /// Nil after --help or --version (printed); a PodError for a bad command line.
    static func parse(_ arguments: [String], environment: [String: String]) throws(PodError) -> Options? {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var options = Options(socket: env("PODCTL_CRI_SOCKET") ?? defaultSocket, root: nil, runRoot: nil,
                              cgroupRoot: env("PODCTL_CGROUP_ROOT") ?? defaultCgroupRoot,
                              registriesConf: env("PODCTL_REGISTRIES_CONF") ?? RegistryHosts.defaultConfigFile)
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "-h", "--help":
                print(usage)
                return nil
            case "--version":
                print("podctl-cri \(PodctlRelease.version)")
                return nil
            case "--socket", "--root", "--run-root", "--cgroup-root", "--registries-conf":
                guard let value = rest.popFirst(), !value.isEmpty else { throw PodError(.invalidArgument, "\(flag) needs a value\n\n\(usage)") }
                switch flag {
                case "--socket": options.socket = value
                case "--root": options.root = value
                case "--run-root": options.runRoot = value
                case "--cgroup-root": options.cgroupRoot = value
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
}
