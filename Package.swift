// swift-tools-version:6.0
// Module layout and the reasons for it: docs/architecture.md.
import PackageDescription

let package = Package(
    name: "podctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "podctl", targets: ["podctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // The one error type every module throws; nothing else lives here.
        .target(name: "PodCore"),
        // C only where Swift cannot go safely (see the header of shim.h).
        .target(name: "CPodShim"),
        .target(name: "PodOS", dependencies: ["PodCore", "CPodShim"]),
        .target(name: "PodModel", dependencies: ["PodCore", "Yams"]),
        .target(name: "PodStore", dependencies: ["PodCore", "PodOS", "PodModel"]),
        .executableTarget(
            name: "podctl",
            dependencies: [
                "PodCore", "PodModel", "PodStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "PodModelTests", dependencies: ["PodModel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PodStoreTests", dependencies: ["PodStore", "PodOS"]),
        .testTarget(name: "PodctlTests", dependencies: ["PodModel"]),
    ]
)
