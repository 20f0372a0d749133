import Foundation
import PodTestSupport

/// Runs the built `podctl` binary, as a user would, and captures what it prints.
enum CLI {
    typealias Result = CommandResult

    static var binary: String { Harness.binary }

    static var repository: URL { Harness.repository }

    static func run(_ arguments: [String], stdin: String? = nil, root: String? = nil) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        let stateRoot = try root ?? TemporaryDirectory.make("podctl-cli")
        environment["PODCTL_ROOT"] = stateRoot + "/lib"
        environment["PODCTL_RUN_ROOT"] = stateRoot + "/run"
        defer { if root == nil { try? FileManager.default.removeItem(atPath: stateRoot) } }
        return try Command.run(binary, arguments, environment: environment, stdin: stdin, directory: repository)
    }
}
