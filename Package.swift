// swift-tools-version:6.0
// Module layout and the reasons for it: docs/architecture.md.
import PackageDescription

/// The Swift runtime and Foundation linked into the executable for the two on a pod's start
/// path that need Foundation (podctl-cli, pod-network): measured on release builds,
/// `podctl-cli --version` 31.6 → 18.6 ms and `pod-network --help` 14.7 → 5.4 ms (median of
/// 20), the time ld.so spent binding Foundation's and the runtime's symbols (perf:
/// do_lookup_x, 47 % of the start). lld because it resolves archives in any order; the
/// driver's static-stdlib list leaves out Foundation's own archives, named here.
/// `-no-pie` (D86): a position-independent executable has every pointer in the Swift
/// metadata relocated by ld.so at each start (podctl-cli: 94,582 relative relocations, a
/// copy-on-write fault per page they touch); linked at a fixed address they are resolved
/// by the linker (1,319 left), `podctl-cli --version` 690 → 436 page faults.
let staticFoundation: [LinkerSetting] = [.unsafeFlags([
    "-static-stdlib", "-use-ld=lld", "-Xclang-linker", "-no-pie",
    "-l_FoundationCollections", "-l_FoundationICU", "-l_FoundationCShims", "-lswiftSynchronization", "-lCoreFoundation", "-lstdc++",
])]

let package = Package(
    name: "podctl",
    platforms: [.macOS(.v13)],
    products: [
        // The lean front: runs exec itself, hands every other command to podctl-cli (D59).
        .executable(name: "podctl", targets: ["podctl"]),
        .executable(name: "podctl-cli", targets: ["podctl-cli"]),
        .executable(name: "pod-helper", targets: ["pod-helper"]),
        .executable(name: "pod-supervisor", targets: ["pod-supervisor"]),
        // A pod's network on the host, once per pod start, for the supervisor (D56).
        .executable(name: "pod-network", targets: ["pod-network"]),
        // The bridge's DNS responder, started on demand (docs/network.md, "Names").
        .executable(name: "pod-dns", targets: ["pod-dns"]),
        // One tiny static binary in two roles, chosen by argv[0] (docs/pause-and-init.md).
        .executable(name: "pod-pause", targets: ["pod-pause"]),
        .executable(name: "pod-init", targets: ["pod-pause"]),
        // podctl against Podman, side by side (docs/benchmarks.md); needs root and Podman.
        .executable(name: "podbench", targets: ["podbench"]),
        // The CRI v1 endpoint (docs/cri.md): the only product that links gRPC, NIO and
        // protobuf (D61).
        .executable(name: "podctl-cri", targets: ["podctl-cri"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        // The CRI endpoint only (D61): grpc-swift-2 over HTTP/2 on a unix socket, and the
        // protobuf runtime of the code generated from the CRI's api.proto (docs/cri.md).
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // The one error type every module throws, and what every layer shares below it:
        // errno names, FNV-1a, the RFC 1123 name rules (the store's keys and the model's validation).
        .target(name: "PodCore"),
        // C only where Swift cannot go safely (see the header of shim.h).
        .target(name: "CPodShim"),
        // The launch plan and report protocol shared by the supervisor and pod-helper (stdlib only).
        .target(name: "PodLaunch", dependencies: ["PodCore"]),
        // The single-threaded namespace helper: no Foundation, no Dispatch (docs/architecture.md, D13).
        // A static executable (D86), as pod-supervisor: every container's start runs one,
        // and the dynamic loader's mapping and binding of libstdc++, libseccomp and libc was
        // most of its cost to start.
        .executableTarget(name: "pod-helper", dependencies: ["PodLaunch", "CPodShim", "CSeccomp", "PodNetlink", "PodOS"],
                          linkerSettings: [.unsafeFlags(["-static-executable"])]),
        // libseccomp builds and loads the filters; only pod-helper links it (docs/security.md).
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        // Confinement computed from the security context: capability sets, the default
        // seccomp profile, Localhost profiles (docs/security.md). Pure computation.
        .target(name: "PodSecurity", dependencies: ["PodCore", "PodLaunch"]),
        // Resources (docs/resources.md): the kubelet's requests/limits arithmetic, and the
        // cgroup v1/v2 hierarchies: create, limit, join files, usage, OOM counts, kill, remove;
        // the device allow-list (v1 devices files, v2 a BPF program loaded through CPodShim).
        .target(name: "PodCgroups", dependencies: ["PodCore", "PodOS", "CPodShim"]),
        // kubectl's jsonpath templates and custom columns over JSON trees (docs/cli.md); pure.
        .target(name: "PodJSONPath", dependencies: ["PodCore"]),
        // Pod names over DNS (docs/network.md, "Names"): the wire format (RFC 1035), the
        // names file and its zone rules. Standard library only, pure, so the parser of
        // what containers send is tested without root; pod-dns is its one server.
        .target(name: "PodDNS"),
        // A static executable, as pod-supervisor (D57): it is started with a pod that needs it
        // and stays resident; dynamically linked it mapped and bound the Swift runtime,
        // libdispatch and libstdc++ at every start (D87).
        .executableTarget(name: "pod-dns", dependencies: ["PodDNS", "PodCore", "PodOS"],
                          linkerSettings: [.unsafeFlags(["-static-executable"])]),
        // Running pod-helper from a caller (posix_spawn, the report), exec sessions and the
        // exec plan pinned with a pidfd: standard library only, so the lean podctl and the
        // supervisor link it (D59).
        .target(name: "PodExec", dependencies: ["PodCore", "PodOS", "PodLaunch", "CPodShim"]),
        // The run plan and status codec: JSON over Codable in the standard library only
        // (bounded reader, exact integers), so pod-supervisor links no Foundation (D55).
        .target(name: "PodJSON", dependencies: ["PodCore"]),
        // The run plan, the status records, the control and network messages: what the
        // planner writes and the supervisor reads (stdlib only, D55).
        .target(name: "PodPlan", dependencies: ["PodCore", "PodOS", "PodLaunch", "PodCgroups", "PodJSON"]),
        // The supervisor daemon and its lifecycle machine; no Foundation (D55).
        .target(name: "PodSupervisor", dependencies: ["PodCore", "PodOS", "PodLaunch", "PodExec", "PodLogs", "PodCgroups", "PodPlan", "PodJSON", "CPodShim"]),
        .target(name: "PodRuntime", dependencies: ["PodCore", "PodDNS", "PodJSONPath", "PodOS", "PodStore", "PodModel", "PodLaunch", "PodExec", "PodLogs", "PodImage", "PodSecurity", "PodNetwork", "PodCgroups", "PodPlan", "PodSupervisor", "CPodShim"]),
        // One per pod: starts pause and containers, reaps, restarts, logs (docs/runtime.md).
        // A static executable (libc, libstdc++ and the Swift runtime linked in): the
        // smallest private dirty memory and PSS per pod of the three ways measured (D57).
        .executableTarget(name: "pod-supervisor", dependencies: ["PodSupervisor", "PodPlan"],
                          linkerSettings: [.unsafeFlags(["-static-executable"])]),
        // Wires one pod's network (veth, lease, hostPorts) and exits: libnftables is not
        // resident in every supervisor (D56). No Foundation (D87): the leases and the
        // nftables listings go through PodJSON. Not a static executable: libnftables is
        // opened with dlopen (D78), which a static glibc cannot do for a shared library.
        .executableTarget(name: "pod-network", dependencies: ["PodNetwork", "PodPlan", "PodJSON", "PodCore", "PodNetlink", "CPodShim"],
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"])]),
        .target(name: "PodOS", dependencies: ["PodCore", "CPodShim"]),
        .target(name: "PodModel", dependencies: ["PodCore", "Yams"]),
        .target(name: "PodStore", dependencies: ["PodCore", "PodOS"]),
        // Container logs in the CRI format: writer, rotation, reader; see docs/logs.md.
        // Runtime exclusivity checks on the writer's class properties and captured
        // counters took a quarter of the supervisor's instructions per logged MB
        // (callgrind, docs/benchmarks.md); the writer is used under its own lock only, and
        // debug builds (the tests) keep the checks.
        .target(name: "PodLogs", dependencies: ["PodCore", "PodOS"], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // libarchive reads every tar podctl meets (plain, gzip, zstd); see docs/images.md.
        // Opened on first use, not at the start (D78): the forwarders in lazy.c; zlib is linked.
        .target(name: "CArchive", dependencies: ["CLazyLoad"], linkerSettings: [.linkedLibrary("z")]),
        // dlopen on first use for CArchive, CCurl and CNftables (D78).
        .target(name: "CLazyLoad"),
        .target(
            name: "PodImage",
            dependencies: [
                "PodCore", "PodOS", "PodStore", "CPodShim", "CArchive",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Pod networking (docs/network.md): rtnetlink framed in PodNetlink itself over the
        // UAPI headers (CRtnetlink, no library), Foundation-free so pod-helper can configure
        // eth0 after setns and be one static executable (D86); bridge, IPAM and nftables
        // (libnftables) in PodNetwork.
        .systemLibrary(name: "CRtnetlink"),
        .target(name: "CNftables", dependencies: ["CLazyLoad"]),
        .target(name: "PodNetlink", dependencies: ["PodCore", "CRtnetlink"]),
        .target(name: "PodNetwork", dependencies: ["PodCore", "PodOS", "PodJSON", "PodNetlink", "CNftables"]),
        // Registry pulls (docs/images.md, "Pulls"): the distribution API over libcurl (D30).
        .target(name: "CCurl", dependencies: ["CLazyLoad"]),
        .target(name: "PodRegistry", dependencies: ["PodCore", "PodOS", "PodImage", "CCurl"]),
        // The full command line (its sources stay in Sources/podctl); `podctl` execs it.
        .executableTarget(
            name: "podctl-cli",
            dependencies: [
                "PodCore", "PodModel", "PodPlan", "PodStore", "PodImage", "PodRegistry", "PodRuntime", "PodExec", "PodLogs", "PodLaunch", "PodCgroups", "PodJSONPath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/podctl", linkerSettings: staticFoundation),
        // `podctl`: exec without Foundation, everything else handed to podctl-cli (D59).
        // A static executable, as pod-supervisor: no dynamic loader, libstdc++ or libc to
        // map and relocate before it execs podctl-cli or the exec's helper (D85).
        .executableTarget(name: "podctl", dependencies: ["PodCore", "PodOS", "PodLaunch", "PodExec"], path: "Sources/podctl-lean",
                          linkerSettings: [.unsafeFlags(["-static-executable"])]),
        .testTarget(name: "PodModelTests", dependencies: ["PodModel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PodDNSTests", dependencies: ["PodDNS"]),
        .testTarget(name: "PodJSONTests", dependencies: ["PodJSON", "PodCore"]),
        .testTarget(name: "PodJSONPathTests", dependencies: ["PodJSONPath", "PodCore"]),
        .testTarget(name: "PodStoreTests", dependencies: ["PodStore", "PodOS", "PodTestSupport"]),
        .testTarget(name: "PodLogsTests", dependencies: ["PodLogs", "PodTestSupport"]),
        // What the test targets share: the throwaway-namespace harness that runs the real
        // podctl with its own state and cgroup roots, namespace holders, temporary
        // directories, waits, the `.needsRoot` gate.
        // The image suites' tar and image builders (ImageFixtures.swift) live here too, so
        // the hostile layers can sit in HostileInputTests.
        .target(name: "PodTestSupport", dependencies: ["PodCgroups", "PodImage", "PodCore", "CPodShim", "CArchive"], path: "Tests/PodTestSupport"),
        .testTarget(name: "PodRuntimeTests", dependencies: ["PodRuntime", "PodPlan", "PodJSON", "PodSupervisor", "PodImage", "PodRegistry", "PodModel", "PodSecurity", "PodCgroups", "PodTestSupport"]),
        // The standing hostile-input suite (docs/security.md, "Threat model"): every hole
        // found is a regression test here; each checks a sentinel outside every root.
        .testTarget(name: "HostileInputTests", dependencies: ["PodTestSupport", "PodJSON", "PodDNS", "PodModel", "PodLaunch", "PodImage", "PodCore", "PodOS", "PodStore", "PodCgroups", "PodNetwork", "CArchive"]),
        .testTarget(name: "PodCgroupsTests", dependencies: ["PodCgroups", "PodCore"]),
        .testTarget(name: "PodctlTests", dependencies: ["PodModel", "PodTestSupport"]),
        .testTarget(name: "PodRegistryTests", dependencies: ["PodRegistry", "PodImage", "PodCore", "PodOS", "CCurl", "PodTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "PodSecurityTests", dependencies: ["PodSecurity", "PodLaunch"]),
        .testTarget(name: "PodImageTests", dependencies: ["PodImage", "PodCore", "PodOS", "PodStore", "CArchive", "CLazyLoad", "PodTestSupport"]),
        .testTarget(name: "PodNetworkTests", dependencies: ["PodNetwork", "PodNetlink", "PodCore", "PodOS", "PodStore", "CPodShim", "PodTestSupport"], exclude: ["Golden"]),
        // Pause and container init: Embedded Swift, statically linked, under 1 MiB RSS
        // (docs/pause-and-init.md). The tests run the built binaries, not the module.
        .executableTarget(
            name: "pod-pause",
            dependencies: ["CPauseRuntime"],
            swiftSettings: [
                .enableExperimentalFeature("Embedded"), .enableExperimentalFeature("Extern"),
                .unsafeFlags(["-wmo", "-Osize"]),
            ],
            linkerSettings: [.unsafeFlags(["-Xclang-linker", "-static", "-Xclang-linker", "-nostdlib"])]),
        // pod-pause's own start and system calls instead of static glibc: each pod runs one
        // pause and one pod-init per container, so its private pages count per container.
        .target(
            name: "CPauseRuntime",
            cSettings: [.unsafeFlags(["-ffreestanding", "-fno-stack-protector", "-Os"])]),
        .testTarget(name: "PauseTests", dependencies: ["PodTestSupport"]),
        // The CRI v1 messages and services, generated once from k8s.io/cri-api's api.proto
        // and committed (docs/cri.md, "Regenerating"); never generated in a build.
        .target(
            name: "PodCRIProtocol",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        // The CRI services over podctl's image store, registry client and state roots
        // (docs/cri.md). Only podctl-cri and its tests link it.
        // The system zlib for the streaming server's SPDY header blocks (D68); PodCRI only.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "PodCRI",
            dependencies: [
                "PodCRIProtocol", "PodCore", "PodOS", "PodStore", "PodImage", "PodRegistry", "PodRuntime", "PodNetwork", "PodCgroups",
                "PodModel", "PodSecurity", "PodExec", "CZlib",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "podctl-cri",
            dependencies: [
                "PodCRI", "PodCore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]),
        .testTarget(
            name: "PodCRITests",
            dependencies: [
                "PodCRI", "PodCRIProtocol", "PodRegistry", "PodImage", "PodCore", "PodOS", "PodTestSupport",
                "PodModel", "PodRuntime", "CZlib", "CPodShim",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]),
        // The benchmark: drives both systems through their command lines (Foundation only).
        .executableTarget(name: "podbench"),
        // podbench's arithmetic and parsing, without root (the rootless phase's process roles).
        .testTarget(name: "PodbenchTests", dependencies: ["podbench"]),
    ]
)
