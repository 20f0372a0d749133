import Foundation
import PodCgroups
import Testing

/// D72: which cgroup v2 subtree a non-root user's pods get, decided on a made-up cgroupfs
/// (files and what the user may write), so no root and no cgroup v2 host are needed.
struct DelegationTests {
    /// A cgroupfs as the user sees it: each cgroup's files, and the paths the user owns.
    struct Tree {
        var files: [String: String] = [:]
        var writable: Set<String> = []
        let mount = "/sys/fs/cgroup"

        /// A cgroup: `owned` is a delegation (cgroup-v2.rst: the directory, cgroup.procs,
        /// cgroup.subtree_control and cgroup.threads chowned to the user).
        mutating func cgroup(_ path: String, controllers: String = "cpu memory pids", enabled: String = "", procs: String = "", owned: Bool = false) {
            let directory = path == "/" ? mount : mount + path
            files[directory] = ""
            files[directory + "/cgroup.controllers"] = controllers + "\n"
            files[directory + "/cgroup.subtree_control"] = enabled + "\n"
            files[directory + "/cgroup.procs"] = procs
            if owned {
                writable.formUnion(["", "/cgroup.procs", "/cgroup.subtree_control", "/cgroup.threads"].map { directory + $0 })
            }
        }

        var probe: CgroupDelegation.Probe {
            let files = files, writable = writable
            return CgroupDelegation.Probe(read: { files[$0] }, writable: { writable.contains($0) })
        }

        func find(own: String, configured: String? = nil, version: CgroupHierarchy.Version = .v2) -> CgroupDelegation.Finding {
            let hierarchy = CgroupHierarchy(version: version, mounts: ["cpu": mount, "memory": mount, "pids": mount])
            return CgroupDelegation.find(hierarchy: hierarchy, procSelfCgroup: "0::\(own)\n", configuredRoot: configured, probe: probe)
        }
    }

    /// systemd's layout: the slices are root's, user@UID.service and below the user's.
    static func systemd(userControllers: String = "cpu memory pids") -> Tree {
        var tree = Tree()
        tree.cgroup("/", enabled: "cpu memory pids", procs: "1\n")
        tree.cgroup("/user.slice", enabled: "cpu memory pids")
        tree.cgroup("/user.slice/user-1000.slice", enabled: userControllers)
        tree.cgroup("/user.slice/user-1000.slice/session-3.scope", controllers: userControllers, procs: "700\n701\n")
        let manager = "/user.slice/user-1000.slice/user@1000.service"
        tree.cgroup(manager, controllers: userControllers, enabled: userControllers, owned: true)
        tree.cgroup(manager + "/init.scope", controllers: userControllers, procs: "900\n", owned: true)
        tree.cgroup(manager + "/app.slice", controllers: userControllers, enabled: userControllers, owned: true)
        tree.cgroup(manager + "/app.slice/run-r1.scope", controllers: userControllers, procs: "4242\n", owned: true)
        return tree
    }

    static let manager = "/user.slice/user-1000.slice/user@1000.service"

    @Test func aProcessOfTheUserManagerGetsItsPodsBelowUserAtService() {
        let found = Self.systemd().find(own: Self.manager + "/app.slice/run-r1.scope")
        #expect(found == .delegated(CgroupDelegation(top: Self.manager, root: Self.manager + "/podctl", controllers: ["cpu", "memory", "pids"])))
    }

    @Test func olderSystemdWithoutCPUStillDelegatesMemoryAndPids() {
        let found = Self.systemd(userControllers: "memory pids").find(own: Self.manager + "/app.slice/run-r1.scope")
        #expect(found == .delegated(CgroupDelegation(top: Self.manager, root: Self.manager + "/podctl", controllers: ["memory", "pids"])))
    }

    @Test func aLoginSessionScopeIsNotDelegatedAndTheReasonNamesTheFix() throws {
        guard case let .notDelegated(reason) = Self.systemd().find(own: "/user.slice/user-1000.slice/session-3.scope") else {
            Issue.record("a session scope is root's")
            return
        }
        #expect(reason.contains("session-3.scope") && reason.contains("systemd-run --user --scope") && reason.contains("PODCTL_CGROUP_ROOT"), "\(reason)")
    }

    @Test func cgroupV1HasNoDelegation() {
        guard case let .notDelegated(reason) = Self.systemd().find(own: Self.manager + "/app.slice/run-r1.scope", version: .v1) else {
            Issue.record("v1 cannot be delegated")
            return
        }
        #expect(reason.contains("cgroup v1") && reason.contains("systemd.unified_cgroup_hierarchy=1"), "\(reason)")
        guard case .notDelegated = CgroupDelegation.find(hierarchy: nil, procSelfCgroup: "0::/\n", configuredRoot: nil, probe: Self.systemd().probe) else {
            Issue.record("no hierarchy, no delegation")
            return
        }
    }

    @Test func aDelegationWithoutTheMemoryControllerIsRefusedNamingIt() {
        guard case let .notDelegated(reason) = Self.systemd(userControllers: "pids").find(own: Self.manager + "/app.slice/run-r1.scope") else {
            Issue.record("memory is required")
            return
        }
        #expect(reason.contains("memory controller") && reason.contains("Delegate=pids memory cpu"), "\(reason)")
    }

    /// An admin's directory: /delegated is root's, /delegated/alice the user's, and the
    /// user's processes start in /delegated/alice/login (a leaf, as init.scope is).
    static func admin(loginInside: Bool = true) -> Tree {
        var tree = Tree()
        tree.cgroup("/", enabled: "cpu memory pids", procs: "1\n")
        tree.cgroup("/delegated", enabled: "cpu memory pids")
        tree.cgroup("/delegated/alice", owned: true)
        if loginInside { tree.cgroup("/delegated/alice/login", controllers: "", procs: "500\n", owned: true) }
        tree.cgroup("/other", procs: "600\n")
        return tree
    }

    @Test func anAdminsDirectoryWithTheUserInsideIsUsedWithAConfiguredRoot() {
        let tree = Self.admin()
        #expect(tree.find(own: "/delegated/alice/login") == .delegated(CgroupDelegation(top: "/delegated/alice", root: "/delegated/alice/podctl", controllers: ["cpu", "memory", "pids"])))
        #expect(tree.find(own: "/delegated/alice/login", configured: "/delegated/alice/pods/web") == .delegated(CgroupDelegation(top: "/delegated/alice", root: "/delegated/alice/pods/web", controllers: ["cpu", "memory", "pids"])))
    }

    @Test func aConfiguredRootOutsideTheDelegationIsRefusedCitingContainment() {
        guard case let .notDelegated(reason) = Self.admin().find(own: "/delegated/alice/login", configured: "/other/podctl") else {
            Issue.record("the kernel would refuse every move there")
            return
        }
        #expect(reason.contains("PODCTL_CGROUP_ROOT=/other/podctl") && reason.contains("Delegation Containment") && reason.contains("/delegated/alice"), "\(reason)")
        // podctl outside the admin's directory cannot move anything into it either.
        guard case .notDelegated = Self.admin().find(own: "/other", configured: "/delegated/alice/podctl") else {
            Issue.record("podctl runs outside the delegation")
            return
        }
    }

    @Test func aDelegatedCgroupHoldingPodctlItselfIsRefusedNamingTheNoInternalProcessRule() {
        var tree = Self.admin(loginInside: false)
        tree.files["/sys/fs/cgroup/delegated/alice/cgroup.procs"] = "500\n"
        guard case let .notDelegated(reason) = tree.find(own: "/delegated/alice") else {
            Issue.record("the kernel would refuse to enable controllers there")
            return
        }
        #expect(reason.contains("/delegated/alice holds processes (500)") && reason.contains("child cgroup"), "\(reason)")
        // Once the controllers are on (a process cannot be in it then), it is usable.
        tree.files["/sys/fs/cgroup/delegated/alice/cgroup.procs"] = ""
        tree.files["/sys/fs/cgroup/delegated/alice/cgroup.subtree_control"] = "cpu memory pids\n"
        #expect(tree.find(own: "/delegated/alice/login") == .delegated(CgroupDelegation(top: "/delegated/alice", root: "/delegated/alice/podctl", controllers: ["cpu", "memory", "pids"])))
    }

    @Test func anExistingLevelBelowTheTopThatIsNotTheUsersIsRefused() {
        var tree = Self.admin()
        tree.cgroup("/delegated/alice/pods", controllers: "cpu memory pids")
        guard case let .notDelegated(reason) = tree.find(own: "/delegated/alice/login", configured: "/delegated/alice/pods/web") else {
            Issue.record("a cgroup of someone else's below the top")
            return
        }
        #expect(reason.contains("/delegated/alice/pods") && reason.contains("not yours"), "\(reason)")
    }

    @Test func theUnifiedEntryOfProcSelfCgroup() {
        #expect(CgroupDelegation.unifiedPath("12:pids:/x\n1:name=systemd:/y\n0::/user.slice/a.scope\n") == "/user.slice/a.scope")
        #expect(CgroupDelegation.unifiedPath("0::/\n") == "/")
        #expect(CgroupDelegation.unifiedPath("4:memory:/a\n") == nil)
        #expect(CgroupDelegation.unifiedPath("0::/a/../b\n") == nil)
        #expect(CgroupDelegation.unifiedPath("0::relative\n") == nil)
    }

    /// A controller the delegation withholds is a warning for each of its files, not a
    /// failed start: the pod's cgroup is made and its other limits written.
    @Test func aControllerTheParentDoesNotGiveIsAWarning() throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("podctl-delegation-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: mount) }
        let pod = mount + "/pod1"
        try FileManager.default.createDirectory(atPath: pod, withIntermediateDirectories: true)
        for (file, text) in [(mount + "/cgroup.controllers", "memory pids\n"), (mount + "/cgroup.subtree_control", "memory pids\n"),
                             (pod + "/cgroup.controllers", "memory pids\n"), (pod + "/memory.max", ""), (pod + "/pids.max", ""),
                             (pod + "/cpu.weight", ""), (pod + "/cpu.max", "")] {
            try text.write(toFile: file, atomically: false, encoding: .utf8)
        }
        let hierarchy = CgroupHierarchy(version: .v2, mounts: ["cpu": mount, "memory": mount, "pids": mount])
        let warnings = try hierarchy.cgroup("/pod1").create(CgroupLimits(memoryMax: 64 << 20, cpuShares: 2, cpuQuota: nil, pidsMax: 100))
        #expect(warnings.count == 2 && warnings.allSatisfy { $0.contains("cpu cgroup controller is not enabled for /pod1") }, "\(warnings)")
        #expect(try String(contentsOfFile: pod + "/memory.max", encoding: .utf8) == String(64 << 20))
        #expect(try String(contentsOfFile: pod + "/pids.max", encoding: .utf8) == "100")
        #expect(try String(contentsOfFile: pod + "/cpu.max", encoding: .utf8) == "")
    }
}
