import Foundation
import Glibc

/// One CRI runtime of the CRI phase, driven by crictl over its socket, as a kubelet or
/// an operator would: podctl-cri, or containerd with runc (its CRI plugin, CNI's bridge).
/// Each runs inside the benchmark's namespaces, with state of its own under the work
/// directory and a socket there, started and stopped by the phase.
class CRIEndpoint {
    let name: String
    let socket: String
    let crictl: String
    let directory: String
    let registry: Registry
    var daemon: pid_t = 0

    init(name: String, directory: String, crictl: String, registry: Registry) throws {
        self.name = name
        self.directory = directory
        self.socket = directory + "/cri.sock"
        self.crictl = crictl
        self.registry = registry
        try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
    }

    /// `crictl -c /dev/null` reads no crictl.yaml of the machine's; a 60 s timeout bounds
    /// each call so a wedged daemon stops the phase instead of the benchmark.
    @discardableResult
    func crictl(_ arguments: [String]) throws -> String {
        let base = [crictl, "-c", "/dev/null", "--runtime-endpoint", "unix://" + socket, "--image-endpoint", "unix://" + socket, "--timeout", "60s"]
        return try Spawn.check(base + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the daemon (logging to DIRECTORY/daemon.log) and waits for its socket.
    func launch(_ argv: [String], environment: [String: String] = [:]) throws {
        let log = directory + "/daemon.log"
        let shell = "exec \"$@\" >" + Self.quoted(log) + " 2>&1"
        let env = environment.map { "\($0.key)=\($0.value)" }
        daemon = try Spawn.start(["env"] + env + ["sh", "-c", shell, "sh"] + argv)
        registry.note([daemon])
        let deadline = Clock.now() + 30
        while (try? crictl(["version"])) == nil {
            guard ProcFS.alive(daemon), Clock.now() < deadline else {
                throw BenchError("\(name) did not answer on \(socket): \(ProcFS.read(log)?.suffix(800) ?? "no log")")
            }
            Clock.nap(0.05)
        }
    }

    /// SIGTERM, then SIGKILL after 10 s; the pods were removed before.
    func shutDown() {
        guard daemon > 0 else { return }
        kill(daemon, SIGTERM)
        let deadline = Clock.now() + 10
        var status: Int32 = 0
        while waitpid(daemon, &status, WNOHANG) == 0 {
            if Clock.now() > deadline { kill(daemon, SIGKILL); waitpid(daemon, &status, 0); break }
            Clock.nap(0.01)
        }
        daemon = 0
    }

    /// Removes every sandbox the runtime still has (a phase that stopped early); goes on
    /// past errors.
    func removeAll() {
        guard daemon > 0, let ids = try? crictl(["pods", "-q"]) else { return }
        for id in ids.split(separator: "\n") {
            _ = try? crictl(["stopp", String(id)])
            if let error = (try? Spawn.run([crictl, "-c", "/dev/null", "--runtime-endpoint", "unix://" + socket, "rmp", "-f", String(id)]))?.stderr, !error.isEmpty {
                say("cleanup: \(name) rmp \(id): \(error.suffix(300))")
            }
        }
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// podctl-cri on podctl's own state roots (the images podbench loaded are there).
final class PodctlCRI: CRIEndpoint {
    init(binary: String, podctl: Podctl, work: String, crictl: String, registry: Registry) throws {
        try super.init(name: "podctl-cri", directory: work + "/podctl-cri", crictl: crictl, registry: registry)
        try launch([binary, "--socket", socket], environment: podctl.environment)
    }
}

/// containerd 1.6 (Debian's) with runc and the CNI bridge plugin, configured as
/// docs/benchmarks.md says: its own root, state and socket under the work directory, the
/// pause image built from podctl's pod-pause (no registry.k8s.io here), and
/// `restrict_oom_score_adj` because root lacks CAP_SYS_RESOURCE here (containerd gives the
/// sandbox -998, which the kernel refuses without it).
final class Containerd: CRIEndpoint {
    static let pauseImage = "localhost/podbench-pause:1"

    init(work: String, crictl: String, registry: Registry, images: [String]) throws {
        try super.init(name: "containerd", directory: work + "/containerd", crictl: crictl, registry: registry)
        try FileManager.default.createDirectory(atPath: directory + "/cni", withIntermediateDirectories: true)
        // containerd's CRI bind-mounts each sandbox's network namespace under /var/run/netns
        // (a path it does not let one configure in 1.6): on the holder's tmpfs over /run.
        try FileManager.default.createDirectory(atPath: "/run/netns", withIntermediateDirectories: true)
        try Self.network.write(toFile: directory + "/cni/10-podbench.conflist", atomically: true, encoding: .utf8)
        try configuration().write(toFile: directory + "/config.toml", atomically: true, encoding: .utf8)
        try launch(["containerd", "--config", directory + "/config.toml"])
        for archive in images {
            try Spawn.check(["ctr", "-a", socket, "-n", "k8s.io", "images", "import", archive])
        }
    }

    /// A bridge of its own with host-local addresses, away from podctl's 10.77/16 and
    /// Podman's 10.88/16, and portmap, as containerd's CNI set-ups install.
    static let network = """
        {"cniVersion": "1.0.0", "name": "podbench", "plugins": [
          {"type": "bridge", "bridge": "cni-podbench0", "isGateway": true, "ipMasq": true,
           "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.66.0.0/16"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
          {"type": "portmap", "capabilities": {"portMappings": true}}]}

        """

    func configuration() -> String {
        """
        version = 2
        root = "\(directory)/root"
        state = "\(directory)/state"
        [grpc]
          address = "\(socket)"
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "\(Self.pauseImage)"
          restrict_oom_score_adj = true
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "/usr/lib/cni"
            conf_dir = "\(directory)/cni"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

        """
    }

}
