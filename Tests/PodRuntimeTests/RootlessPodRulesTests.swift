import Foundation
import PodCgroups
import Glibc
import PodCore
import PodLaunch
import PodModel
import PodPlan
@testable import PodRuntime
import PodTestSupport
import Testing

/// #18: what a non-root user's pod may have today and how its plan differs; no root needed.
@Suite struct RootlessPodRulesTests {
    func pod(_ spec: String) throws -> Pod {
        try CreateWaitsTests.pod("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n" + spec)
    }

    @Test func aPlainPodIsAllowed() throws {
        #expect(RootlessPod.refusal(try pod("  containers: [{name: app, image: busybox, ports: [{containerPort: 80}]}]\n")) == nil)
    }

    @Test(arguments: [
        ("  containers: [{name: app, image: busybox, ports: [{containerPort: 80, hostPort: 8080, hostIP: '::1'}]}]\n", "hostIP ::1"),
        ("  hostUsers: false\n  containers: [{name: app, image: busybox}]\n", "hostUsers: false"),
        ("  hostPID: true\n  containers: [{name: app, image: busybox}]\n", "hostPID is not supported"),
        ("  hostIPC: true\n  containers: [{name: app, image: busybox}]\n", "hostIPC is not supported"),
    ])
    func whatIsNotBuiltIsRefusedByName(_ spec: String, _ named: String) throws {
        let refusal = RootlessPod.refusal(try pod(spec))
        #expect(refusal?.code == .unsupported)
        #expect(refusal?.message.contains(named) == true && refusal?.message.contains("docs/rootless.md") == true, "\(refusal?.message ?? "")")
    }

    /// TCP and UDP hostPorts from the unprivileged limit up and hostNetwork run (D69); below the limit
    /// the refusal names the sysctl, also for a hostNetwork pod, which binds it itself.
    @Test func hostPortsFromTheUnprivilegedLimitUpAndHostNetworkAreAllowed() throws {
        let published = try pod("  containers: [{name: app, image: busybox, ports: [{containerPort: 80, hostPort: 8080}]}]\n")
        #expect(RootlessPod.refusal(published, unprivilegedPortStart: 1024) == nil)
        #expect(RootlessPod.refusal(try pod("  containers: [{name: app, image: busybox, ports: [{containerPort: 53, hostPort: 5353, protocol: UDP}]}]\n"), unprivilegedPortStart: 1024) == nil)
        #expect(RootlessPod.refusal(try pod("  hostNetwork: true\n  containers: [{name: app, image: busybox, ports: [{containerPort: 8080}]}]\n"), unprivilegedPortStart: 1024) == nil)
        let low = RootlessPod.refusal(published, unprivilegedPortStart: 8081)
        #expect(low?.code == .invalidArgument && low?.message.contains("hostPort 8080 is below net.ipv4.ip_unprivileged_port_start (8081)") == true, "\(low?.message ?? "")")
        let lowHost = RootlessPod.refusal(try pod("  hostNetwork: true\n  containers: [{name: app, image: busybox, ports: [{containerPort: 80, hostPort: 80}]}]\n"), unprivilegedPortStart: 1024)
        #expect(lowHost?.message.contains("sysctl -w net.ipv4.ip_unprivileged_port_start=80") == true, "\(lowHost?.message ?? "")")
    }

    /// The plan of a user's pod: the mappers, no OOM score, and its cgroups below the
    /// delegated subtree or none, with the reason for the warning (D72); the network plan
    /// stays (the pod is on the user network's bridge, D65).
    @Test func theRunPlanOfAUsersPod() throws {
        let container = ContainerPlan(name: "app", image: "busybox", imageID: "x", argv: ["sh"], env: [], cwd: "/", uid: 0, gid: 0, groups: [],
                                      lowerDirs: [], mounts: [], readOnlyRoot: false, useInit: false, isSidecar: false, stopSignal: 15,
                                      stdin: false, tty: false, specHash: "h", oomScoreAdj: -997)
        var plan = RunPlan(namespace: "default", name: "web", uid: "u", hostname: "web", sharePID: false, restartPolicy: "Always",
                           terminationGracePeriodSeconds: 30, sandboxMounts: [], initContainers: [], containers: [container],
                           helperPath: "", pausePath: "", initPath: "", statusPath: "", logDirectory: "", containerDirectory: "",
                           network: NetworkPlan(hostNetwork: false, root: "/r", bridge: "podctl0", subnet: "10.88.0.0/16", podIP: "10.88.0.2", ports: []))
        plan.cgroups = PodCgroupPlan(layout: CgroupLayout(root: "/podctl", podUID: "u"), limits: CgroupLimits(memoryMax: 1 << 20), sandboxOOMScoreAdj: -998)
        let planned = plan
        let mapping = RootlessMapping(uidMapper: ["/usr/bin/newuidmap", "0", "1000", "1"], gidMapper: ["/usr/bin/newgidmap", "0", "1000", "1"])
        let overlay = RootlessOverlay(forceFuse: true, fuseProgram: "/usr/bin/fuse-overlayfs")
        let delegated = CgroupDelegation.Finding.delegated(CgroupDelegation(top: "/u@1000.service", root: "/u@1000.service/podctl", controllers: ["memory", "pids"]))
        let place = RootlessPod.place(delegated, uid: plan.uid)
        RootlessPod.adapt(&plan, mapping: mapping, cgroups: place.cgroups, notice: place.notice, overlay: overlay)
        #expect(plan.cgroups?.layout.pod == "/u@1000.service/podctl/podu" && plan.cgroups?.limits.memoryMax == 1 << 20 && plan.limitsNotEnforced == nil)
        #expect(plan.sandboxOOMScoreAdj == nil && planned.sandboxOOMScoreAdj == -998)
        plan = planned
        let none = RootlessPod.place(.notDelegated("no delegation; do this"), uid: plan.uid)
        RootlessPod.adapt(&plan, mapping: mapping, cgroups: none.cgroups, notice: none.notice, overlay: overlay)
        #expect(plan.rootless == mapping && plan.cgroups == nil && plan.network?.podIP == "10.88.0.2" && plan.containers[0].oomScoreAdj == nil)
        #expect(plan.limitsNotEnforced == "no delegation; do this")
        #expect(RootlessMapping.command(mapping.uidMapper, pid: 42) == ["/usr/bin/newuidmap", "42", "0", "1000", "1"])
        // Every container start carries the choice to pod-helper, and it survives the wire.
        let launch = try? plan.containerLaunch(container, pausePID: 7)
        #expect(launch?.rootlessOverlay == overlay)
        if let launch { #expect((try? LaunchPlan.decode(LaunchPlan.container(launch).encoded())) == .container(launch)) }
    }

    /// PODCTL_ROOTLESS_OVERLAY (D71): unset or auto tries the kernel's overlay first;
    /// fuse forces fuse-overlayfs and fails at apply, naming the package, without it; any
    /// other value is refused naming the variable.
    @Test func theOverlaySettingOfAUsersPods() throws {
        let empty = TemporaryDirectory("podctl-no-fuse")
        #expect(try RootlessPod.overlay(setting: nil, directories: [empty.path]) == RootlessOverlay(forceFuse: false, fuseProgram: ""))
        #expect(try RootlessPod.overlay(setting: "auto", directories: [empty.path]).forceFuse == false)
        #expect(throws: PodError.self) { try RootlessPod.overlay(setting: "fuse", directories: [empty.path]) }
        do { _ = try RootlessPod.overlay(setting: "fuse", directories: [empty.path]) } catch { #expect(error.message.contains("install the fuse-overlayfs package")) }
        do { _ = try RootlessPod.overlay(setting: "kernel,fuse", directories: [empty.path]) } catch { #expect(error.message.contains("PODCTL_ROOTLESS_OVERLAY must be auto or fuse")) }
        let bin = TemporaryDirectory("podctl-fuse-bin")
        #expect(FileManager.default.createFile(atPath: bin.file("fuse-overlayfs"), contents: Data(), attributes: [.posixPermissions: 0o755]))
        #expect(try RootlessPod.overlay(setting: "fuse", directories: [bin.path]) == RootlessOverlay(forceFuse: true, fuseProgram: bin.file("fuse-overlayfs")))
    }

    /// fuse-overlayfs's -o string splits at ',' and its lowerdir at ':': a state path
    /// holding either, or the '\' that escapes them, is refused by name, never spliced.
    @Test func pathsThatFuseOverlayfsOptionsCannotCarryAreRefused() {
        #expect(RootlessOverlay.optionProblem("/home/u/.local/share/podctl/store/layers/ab12/diff") == nil)
        #expect(RootlessOverlay.optionProblem("/root,upperdir=/etc") == "a ','")
        #expect(RootlessOverlay.optionProblem("/a:/b") == "a ':'")
        #expect(RootlessOverlay.optionProblem("/a\\,b")?.isEmpty == false)
    }

    /// The kernel's refusals fall back to fuse-overlayfs; a missing directory or a full
    /// disk is the container's own error.
    @Test func whichKernelErrorsFallBackToFuseOverlayfs() {
        #expect([EPERM, EINVAL, ENODEV].allSatisfy(RootlessOverlay.kernelRefused))
        #expect(![ENOENT, ENOSPC, EACCES, ENOTDIR].contains(where: RootlessOverlay.kernelRefused))
    }
}
