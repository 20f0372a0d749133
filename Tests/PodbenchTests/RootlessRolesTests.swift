import Glibc
import Testing
@testable import podbench

/// The rootless phase's sorting of one user's processes into podctl's and Podman's parts
/// (docs/benchmarks.md, "How it measures"), on a table shaped like `ps` showed both
/// systems' pods of the same user side by side, and the per-pod arithmetic over it.
@Suite struct RootlessRolesTests {
    static func process(_ pid: pid_t, _ parent: pid_t, _ comm: String, _ arguments: String = "") -> UserProcess {
        UserProcess(pid: pid, parent: parent, comm: comm, arguments: arguments.isEmpty ? [comm] : arguments.split(separator: " ").map(String.init))
    }

    /// One pod of each system, a user network of each, the workloads of both.
    static let table: [UserProcess] = [
        // Podman: the rootless pause process, its network, one pod of three containers.
        process(100, 1, "catatonit", "catatonit -P"),
        process(101, 1, "slirp4netns", "/usr/bin/slirp4netns --netns-type=path x tap0"),
        process(102, 1, "aardvark-dns", "/usr/lib/podman/aardvark-dns --config x run"),
        process(103, 1, "rootlessport"),
        process(104, 103, "exe", "rootlessport-child"),
        process(105, 1, "conmon"), process(106, 105, "catatonit", "/catatonit -P"),
        process(107, 1, "conmon"), process(108, 107, "sh"), process(109, 108, "sleep"),
        process(110, 1, "conmon"), process(111, 110, "sh"), process(112, 111, "httpd"),
        process(113, 1, "conmon"), process(114, 113, "crun", "/usr/bin/crun exec x"),
        process(115, 1, "podman", "podman container cleanup x"),
        // podctl: the user network's holder and its child, pasta, pod-dns, one pod.
        process(200, 1, "pod-helper", "/p/pod-helper user-network /run/lock"),
        process(201, 200, "pod-helper", "/p/pod-helper user-network /run/lock"),
        process(202, 200, "passt.avx2", "/usr/bin/pasta --config-net"),
        process(203, 1, "pod-dns", "/p/pod-dns --address 10.88.0.1"),
        process(204, 1, "pod-supervisor", "/p/pod-supervisor runplan.json"),
        process(205, 204, "pod-pause"),
        process(206, 204, "pod-helper", "/p/pod-helper host-ports 201 10.88.0.2  19080 80"),
        process(207, 204, "pod-init", "pod-init -- /bin/sh -c x"), process(208, 207, "sh"), process(209, 208, "httpd"),
        // Under root, pod-init runs from a descriptor and its comm is a number.
        process(210, 204, "7"), process(211, 210, "sh"), process(212, 211, "sleep"),
        process(213, 204, "pod-helper", "/p/pod-helper container x"),
        process(300, 1, "bash"),
    ]

    @Test func eachProcessGetsItsSystemRoleAndKind() {
        let verdicts = RootlessRoles.classify(Self.table)
        let expected: [pid_t: RootlessRoles.Verdict] = [
            100: RootlessRoles.podman("catatonit -P (rootless pause)", .shared),
            101: RootlessRoles.podman("slirp4netns", .shared),
            102: RootlessRoles.podman("aardvark-dns", .shared),
            103: RootlessRoles.podman("rootlessport", .perPod),
            104: RootlessRoles.podman("rootlessport-child", .perPod),
            105: RootlessRoles.podman("conmon", .perPod), 106: RootlessRoles.podman("catatonit (infra)", .perPod),
            107: RootlessRoles.podman("conmon", .perPod), 108: .workload, 109: .workload,
            110: RootlessRoles.podman("conmon", .perPod), 111: .workload, 112: .workload,
            113: RootlessRoles.podman("conmon", .perPod), 114: .transient, 115: .transient,
            200: RootlessRoles.podctl("pod-helper user-network", .shared),
            201: RootlessRoles.podctl("pod-helper user-network", .shared),
            202: RootlessRoles.podctl("pasta", .shared),
            203: RootlessRoles.podctl("pod-dns", .shared),
            204: RootlessRoles.podctl("pod-supervisor", .perPod),
            205: RootlessRoles.podctl("pod-pause", .perPod),
            206: RootlessRoles.podctl("pod-helper host-ports", .perPod),
            207: RootlessRoles.podctl("pod-init", .perPod), 208: .workload, 209: .workload,
            210: RootlessRoles.podctl("pod-init", .perPod), 211: .workload, 212: .workload,
            213: .transient,
            300: .unknown,
        ]
        for (pid, verdict) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(verdicts[pid] == verdict, "pid \(pid)")
        }
        #expect(verdicts.count == Self.table.count)
    }

    /// pasta started by something other than podctl's holder is Podman's (Podman 4.4+
    /// runs pasta as a pod's network).
    @Test func pastaBelongsToWhoeverStartedIt() {
        let verdicts = RootlessRoles.classify([Self.process(1, 9, "pasta"), Self.process(2, 3, "passt.avx2"), Self.process(3, 9, "pod-helper", "p user-network")])
        #expect(verdicts[1] == RootlessRoles.podman("pasta", .shared))
        #expect(verdicts[2] == RootlessRoles.podctl("pasta", .shared))
    }

    @Test func perPodSumsEverySharedAndPerPodProcessOfTheSystemOverThePods() {
        let supervisor = RootlessRole(system: "podctl", role: "pod-supervisor", kind: .perPod)
        let pasta = RootlessRole(system: "podctl", role: "pasta", kind: .shared)
        let conmon = RootlessRole(system: "Podman", role: "conmon", kind: .perPod)
        let samples: [(RootlessRole, Memory)] = [
            (supervisor, Memory(rss: 2048, pss: 1024, privateDirty: 512)),
            (supervisor, Memory(rss: 2048, pss: 1024, privateDirty: 512)),
            (pasta, Memory(rss: 4096, pss: 2048, privateDirty: 1024)),
            (conmon, Memory(rss: 99_999, pss: 99_999, privateDirty: 99_999)),
        ]
        let podctl = RootlessRoles.perPod(samples, system: "podctl", pods: 2)
        #expect(podctl.pss == 2 && podctl.rss == 4 && podctl.privateDirty == 1)
        #expect(RootlessRoles.perPod(samples, system: "Podman", pods: 0).pss == 99_999.0 / 1024)
        let roles = RootlessRoles.byRole(samples)
        #expect(roles[supervisor]?.count == 2 && roles[supervisor]?.memory.pss == 2048)
        #expect(roles[pasta]?.count == 1 && roles.count == 3)
    }
}

@Suite struct BenchUserTests {
    @Test func aRangeIsALineWithTheNameAndACount() {
        let text = "alice:100000:65536\npodbenchrl:3800000000:65536\n"
        #expect(BenchUser.hasRange("podbenchrl", in: text))
        #expect(!BenchUser.hasRange("podbench", in: text))
        #expect(!BenchUser.hasRange("podbenchrl", in: "podbenchrl:3800000000:0\n"))
        #expect(!BenchUser.hasRange("podbenchrl", in: "podbenchrl:3800000000\nxpodbenchrl:1:2\n"))
        #expect(!BenchUser.hasRange("podbenchrl", in: ""))
    }

    @Test func mountPointsBelowTheUsersDirectoriesDeepestLast() {
        let mountinfo = """
            22 1 0:21 / / rw - ext4 /dev/vda rw
            30 22 0:40 / /run rw - tmpfs tmpfs rw
            31 30 0:41 / /run/podbench-rootless/user/999/x rw - tmpfs tmpfs rw
            32 22 0:42 / /var/tmp/w/rootless/home/a\\040b rw - overlay overlay rw
            33 22 0:43 / /var/tmp/w/rootlessother rw - tmpfs tmpfs rw
            """
        let found = BenchUser.mountPoints(under: ["/var/tmp/w/rootless", "/run/podbench-rootless/user/999"], in: mountinfo)
        #expect(found == ["/run/podbench-rootless/user/999/x", "/var/tmp/w/rootless/home/a b"])
    }

    @Test func theRootlessPhaseIsSelectableWithItsPodCount() throws {
        let options = try Options.parse(["podbench", "--phases", "rootless", "--rootless-pods", "20"])
        #expect(options.phases == ["rootless"] && options.rootlessPods == 20)
        #expect(options.arguments.contains("--rootless-pods") && options.arguments.contains("rootless"))
        #expect(try Options.parse(["podbench"]).phases.contains("rootless"))
        #expect(throws: BenchError.self) { try Options.parse(["podbench", "--rootless-pods", "0"]) }
    }
}
