import Foundation
import Glibc

/// Podman 4.3 `kube play` with crun, with its own --root, --runroot and --tmpdir and a
/// containers.conf of the benchmark's (docs/benchmarks.md says why each line is there).
final class Podman: PodSystem {
    let name = "Podman"
    let base: [String]
    let environment: [String: String]
    let registry: Registry
    private var pidFiles: [String: String] = [:]
    /// Container name → crun's state root and the container's ID, for `crunExec`.
    private var crunTargets: [String: (root: String, id: String)] = [:]

    init(work: String, registry: Registry) throws {
        let dir = work + "/podman"
        for sub in ["root", "networks"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        let conf = dir + "/containers.conf"
        try Self.configuration(networks: dir + "/networks").write(toFile: conf, atomically: true, encoding: .utf8)
        // Run root and tmpdir on the tmpfs over /run in the holder, as Podman's defaults
        // (/run/containers/storage, /run/libpod) are.
        base = ["podman", "--root", dir + "/root", "--runroot", "/run/podbench-podman/runroot", "--tmpdir", "/run/podbench-podman/tmp",
                "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "crun"]
        environment = ["CONTAINERS_CONF": conf]
        self.registry = registry
    }

    /// Podman asks for RLIMIT_NOFILE/NPROC of 1048576 by default; root here lacks
    /// CAP_SYS_RESOURCE, so anything above the hard limit is EPERM and every start fails.
    /// The network definitions go to the benchmark's directory, not /etc/containers.
    static func configuration(networks: String) -> String {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let files = min(UInt64(limit.rlim_max), 1_048_576)
        getrlimit(__rlimit_resource_t(6), &limit)  // RLIMIT_NPROC (not imported from glibc)
        let procs = min(UInt64(limit.rlim_max), 32768)
        return """
            [containers]
            default_ulimits = ["nofile=\(files):\(files)", "nproc=\(procs):\(procs)"]
            log_driver = "k8s-file"
            [engine]
            runtime = "crun"
            events_logger = "file"
            cgroup_manager = "cgroupfs"
            [network]
            network_config_dir = "\(networks)"

            """
    }

    /// Rootless Podman as the rootless phase's user: its storage under the user's
    /// XDG_DATA_HOME (overlay, the kernel's, in the user namespace of Podman's pause
    /// process), its run root and tmpdir under XDG_RUNTIME_DIR, kube play's network
    /// through slirp4netns and rootlessport (Podman 4.3 has no pasta), containers.conf and
    /// storage.conf of the benchmark's. No --root/--runroot: the user's defaults are these.
    init(user: BenchUser, registry: Registry) throws {
        let networks = user.config + "/podbench-networks"
        try FileManager.default.createDirectory(atPath: networks, withIntermediateDirectories: true)
        chown(networks, user.uid, user.gid)
        let conf = user.directory + "/containers.conf", storage = user.directory + "/storage.conf"
        try Self.configuration(networks: networks).write(toFile: conf, atomically: true, encoding: .utf8)
        try Self.storage.write(toFile: storage, atomically: true, encoding: .utf8)
        for file in [conf, storage] { chmod(file, 0o644) }
        base = user.asUser + ["podman", "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "crun"]
        environment = user.environment.merging(["CONTAINERS_CONF": conf, "CONTAINERS_STORAGE_CONF": storage]) { $1 }
        self.registry = registry
    }

    /// Without it Podman 4.3 chose vfs for the user here (a full copy of every layer per
    /// container); overlay in a user namespace is the kernel's since 5.11, as podctl uses.
    static let storage = """
        [storage]
        driver = "overlay"

        """

    @discardableResult
    func command(_ arguments: [String]) throws -> CommandResult { try Spawn.check(base + arguments, environment: environment) }

    func loadImage(_ archive: String) throws { try command(["load", "-q", "-i", archive]) }

    func apply(file: String) throws { try command(["kube", "play", file]) }

    /// kube play returns after crun started every container.
    func waitRunning(pods: [String], deadline: Double) throws {}

    func exec(pod: String, container: String) throws { try command(["exec", "\(pod)-\(container)", "true"]) }

    /// crun's own exec into the container Podman runs: the floor of any exec (join the
    /// namespaces and the cgroup, take the process's user and confinement, exec), with
    /// the state root Podman gave crun (conmon's `--runtime-arg --root …`, else crun's
    /// default /run/crun, on the holder's tmpfs).
    func crunExec(pod: String, container: String) throws {
        let name = "\(pod)-\(container)"
        if crunTargets[name] == nil { crunTargets[name] = try crunTarget(name) }
        guard let target = crunTargets[name] else { return }
        try Spawn.check(["crun", "--root", target.root, "exec", target.id, "true"])
    }

    private func crunTarget(_ name: String) throws -> (root: String, id: String) {
        guard let record = try inspect([name]).first, let id = record["Id"] as? String,
              let state = record["State"] as? [String: Any], let conmon = state["ConmonPid"] as? Int
        else { throw BenchError("Podman: cannot inspect \(name) for crun exec") }
        let words = (ProcFS.read("/proc/\(conmon)/cmdline") ?? "").split(separator: "\0").map(String.init)
        let runtimeArgs = Self.runtimeArguments(words)
        var root = "/run/crun"
        for (index, word) in runtimeArgs.enumerated() {
            if word.hasPrefix("--root=") { root = String(word.dropFirst("--root=".count)) }
            if word == "--root", index + 1 < runtimeArgs.count { root = runtimeArgs[index + 1] }
        }
        return (root, id)
    }

    /// The words conmon passes on to crun: each follows `--runtime-arg` or is joined to
    /// it with `=`. Only these count: the exit command's arguments carry Podman's own
    /// `--root` (its storage root), which is not crun's state root.
    static func runtimeArguments(_ words: [String]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--runtime-arg", index + 1 < words.count {
                found.append(words[index + 1])
                index += 1
            } else if word.hasPrefix("--runtime-arg=") {
                found.append(String(word.dropFirst("--runtime-arg=".count)))
            }
            index += 1
        }
        return found
    }

    /// `pod stop` then `pod rm`: Podman's fastest way. `kube down` and `pod rm -f` took
    /// about 4 s a pod here against about 1 s for these two (docs/benchmarks.md).
    func delete(file: String, pods: [String]) throws {
        try command(["pod", "stop"] + pods)
        try command(["pod", "rm"] + pods)
        for pod in pods {
            forgetPIDFiles(of: pod)
            // The next cycle's pod of the same name has new container IDs.
            crunTargets = crunTargets.filter { !$0.key.hasPrefix("\(pod)-") }
        }
    }

    func inspect(_ ids: [String]) throws -> [[String: Any]] {
        let out = try command(["inspect"] + ids).stdout
        return (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
    }

    func containerIDs(of pod: String) throws -> [String] {
        try command(["ps", "-a", "-q", "--no-trunc", "--filter", "pod=\(pod)"]).stdout.split(separator: "\n").map(String.init)
    }

    func processes(of pod: String) throws -> [pid_t] {
        var roots: [pid_t] = []
        for container in try inspect(try containerIDs(of: pod)) {
            let state = container["State"] as? [String: Any] ?? [:]
            for key in ["ConmonPid", "Pid"] { if let pid = state[key] as? Int, pid > 0 { roots.append(pid_t(pid)) } }
        }
        let all = Self.withDescendants(roots)
        registry.note(all)
        return all
    }

    func workload(of pod: String, container: String) -> pid_t? {
        let key = "\(pod)-\(container)"
        if pidFiles[key] == nil, let found = try? inspect([key]).first?["PidFile"] as? String { pidFiles[key] = found }
        guard let path = pidFiles[key], let text = ProcFS.read(path) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// conmon for every container (the infra one included) and catatonit, the infra process.
    func overhead() -> [(role: String, pid: pid_t)] {
        var found: [(String, pid_t)] = []
        for conmon in BenchNamespace.processes(named: "conmon") {
            found.append(("conmon", conmon))
            for child in ProcFS.children(conmon) where ProcFS.comm(child) == "catatonit" { found.append(("catatonit", child)) }
        }
        return found
    }

    func logger(of pod: String, container: String) throws -> (pid: pid_t, files: [String]) {
        guard let record = try inspect(["\(pod)-\(container)"]).first,
              let state = record["State"] as? [String: Any], let conmon = state["ConmonPid"] as? Int,
              let path = ((record["HostConfig"] as? [String: Any])?["LogConfig"] as? [String: Any])?["Path"] as? String
        else { throw BenchError("Podman: cannot inspect \(pod)-\(container)") }
        return (pid_t(conmon), [path])
    }

    func forgetPIDFiles(of pod: String) { pidFiles = pidFiles.filter { !$0.key.hasPrefix(pod + "-") } }

    func removeAll() {
        if let result = try? Spawn.run(base + ["pod", "rm", "-a", "-f", "-t", "0"], environment: environment), !result.ok {
            say("cleanup: podman pod rm -a: \(result.stderr)")
        }
    }

    func version() -> String {
        let podman = (try? Spawn.run(["podman", "--version"]))?.stdout ?? "podman ?"
        let crun = (try? Spawn.run(["crun", "--version"]))?.stdout.split(separator: "\n").first.map(String.init) ?? "crun ?"
        let conmon = (try? Spawn.run(["conmon", "--version"]))?.stdout.split(separator: "\n").first.map(String.init) ?? "conmon ?"
        let catatonit = (try? Spawn.run(["dpkg-query", "-W", "-f", "${Version}", "catatonit"]))?.stdout ?? "?"
        return [podman.trimmingCharacters(in: .whitespacesAndNewlines), crun, conmon, "catatonit \(catatonit)"].joined(separator: ", ")
    }
}
