import Glibc
import PodCore
import PodOS

/// One cgroup, in every hierarchy that holds a controller podctl uses: one directory on
/// v2, one per distinct v1 mount.
public struct Cgroup: Equatable, Sendable {
    public let hierarchy: CgroupHierarchy
    /// Absolute within the hierarchy: `/podctl/pod…/ctr_web`.
    public let path: String

    /// Its directory in the hierarchy holding `controller`.
    public func directory(_ controller: String) -> String? {
        hierarchy.mounts[controller].map { $0 + path }
    }

    public var directories: [String] { hierarchy.mountPoints.map { $0 + path } }

    /// The files a process writes its PID into to join: `cgroup.procs` in every
    /// directory (it moves the whole thread group, on v1 as on v2).
    public var procsFiles: [String] { directories.map { $0 + "/cgroup.procs" } }

    public func child(_ name: String) -> Cgroup { Cgroup(hierarchy: hierarchy, path: path + "/" + name) }

    /// Makes the cgroup (and its ancestors) and writes the limits. Returns warnings for
    /// what this host cannot enforce (a controller missing): the pod runs, and the
    /// warning becomes an event.
    @discardableResult
    public func create(_ limits: CgroupLimits?) throws(PodError) -> [String] {
        switch hierarchy.version {
        case .v2: try createV2()
        case .v1: for directory in directories { try Files.makeDirectories(directory, mode: 0o755) }
        }
        var warnings: [String] = []
        guard let limits else { return [] }
        let offered = offeredControllers()
        for write in CgroupFiles.writes(limits, version: hierarchy.version) {
            guard let directory = directory(write.controller) else {
                warnings.append("the \(write.controller) cgroup controller is not available on this host: \(write.file) is not set")
                continue
            }
            if let offered, !offered.contains(write.controller) {
                warnings.append("the \(write.controller) cgroup controller is not enabled for \(path) (not delegated to this user): \(write.file) is not set")
                continue
            }
            let file = directory + "/" + write.file
            if write.optional && !Files.exists(file) { continue }
            try CgroupFiles.write(write.value, to: file)
        }
        return Array(Set(warnings)).sorted()
    }

    /// v2: the controllers the cgroup's parent gives it (`cgroup.controllers`); nil on
    /// v1, or when the file does not read (every controller of the hierarchy is tried).
    private func offeredControllers() -> [String]? {
        guard hierarchy.version == .v2, let directory = directories.first,
              let text = try? Files.readText(directory + "/cgroup.controllers") else { return nil }
        return CgroupFiles.names(text)
    }

    /// cgroup v2 gives a cgroup a controller only when every ancestor lists it in
    /// `cgroup.subtree_control`; each level from the hierarchy's root down is made and
    /// has the controllers podctl uses turned on for its children. A level the effective
    /// user may not write is above a delegated subtree (D72, CgroupDelegation): what it
    /// gives is the delegation's, and a controller it withholds becomes a warning.
    private func createV2() throws(PodError) {
        guard let mount = hierarchy.mountPoints.first else { return }
        let parts = path.split(separator: "/").map(String.init)
        var current = mount
        for part in parts {
            guard faccessat(AT_FDCWD, current + "/cgroup.subtree_control", W_OK, AT_EACCESS) == 0 else {
                current += "/" + part
                continue
            }
            let offered = CgroupFiles.names(try? Files.readText(current + "/cgroup.controllers"))
            let enabled = CgroupFiles.names(try? Files.readText(current + "/cgroup.subtree_control"))
            for controller in CgroupHierarchy.v2Controllers where offered.contains(controller) && !enabled.contains(controller) {
                try CgroupFiles.write("+" + controller, to: current + "/cgroup.subtree_control")
            }
            current += "/" + part
            if !Files.isDirectory(current) {
                try Files.makeDirectories(current, mode: 0o755)
            }
        }
    }

    public var exists: Bool { directories.contains(where: Files.isDirectory) }
}

/// The files behind each limit, v1 and v2 (docs/resources.md has the table).
public enum CgroupFiles {
    /// The names in a cgroup list file (cgroup.controllers, cgroup.subtree_control,
    /// cgroup.procs: separated by spaces or newlines); none for a file that did not read.
    static func names(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    public struct Write: Equatable, Sendable {
        public let controller: String
        public let file: String
        public let value: String
        /// Skipped when the kernel does not have the file (swap accounting off).
        public let optional: Bool
    }

    public static func writes(_ limits: CgroupLimits, version: CgroupHierarchy.Version) -> [Write] {
        func write(_ controller: String, _ file: String, _ value: String, optional: Bool = false) -> Write {
            Write(controller: controller, file: file, value: value, optional: optional)
        }
        switch version {
        case .v1:
            var writes = [
                write("memory", "memory.limit_in_bytes", limits.memoryMax.map(String.init) ?? "-1"),
                write("cpu", "cpu.shares", String(limits.cpuShares)),
                write("cpu", "cpu.cfs_period_us", String(limits.cpuPeriod)),
                write("cpu", "cpu.cfs_quota_us", limits.cpuQuota.map(String.init) ?? "-1"),
            ]
            // memory+swap equal to memory: no swap, as the kubelet's NoSwap. Written after
            // memory.limit_in_bytes, which it may not undercut.
            if let memory = limits.memoryMax { writes.insert(write("memory", "memory.memsw.limit_in_bytes", String(memory), optional: true), at: 1) }
            if let pids = limits.pidsMax { writes.append(write("pids", "pids.max", String(pids))) }
            return writes
        case .v2:
            var writes = [
                write("memory", "memory.max", limits.memoryMax.map(String.init) ?? "max"),
                write("cpu", "cpu.weight", String(limits.cpuWeight)),
                write("cpu", "cpu.max", "\(limits.cpuQuota.map(String.init) ?? "max") \(limits.cpuPeriod)"),
            ]
            if limits.memoryMax != nil { writes.insert(write("memory", "memory.swap.max", "0", optional: true), at: 1) }
            if let pids = limits.pidsMax { writes.append(write("pids", "pids.max", String(pids))) }
            return writes
        }
    }

    /// One write(2) of the whole value: cgroup files take a value per write.
    public static func write(_ value: String, to path: String) throws(PodError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PodError.system("open", errno: errno, path: path, "cannot open the cgroup file \(path)") }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw PodError.system("write", errno: errno, path: path, "cannot write \(value) to the cgroup file \(path)")
        }
    }

    /// `key value` lines (memory.events, memory.stat, cpu.stat, memory.oom_control).
    public static func keyed(_ path: String) -> [String: Int64] {
        guard let text = try? Files.readText(path) else { return [:] }
        var values: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = Int64(fields[1]) { values[String(fields[0])] = value }
        }
        return values
    }

    public static func number(_ path: String) -> Int64? {
        (try? Files.readText(path)).flatMap { Int64($0.trimmingWhitespace()) }
    }
}
