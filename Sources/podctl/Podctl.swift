import ArgumentParser
import Foundation
import PodCore

@main
struct Podctl: AsyncParsableCommand {
    // Every command names itself: ArgumentParser otherwise derives each name from the
    // type's name with String(describing:), which demangles at run time and cost 15 M
    // instructions per podctl run, an eighth of an apply (callgrind, docs/benchmarks.md).
    static let configuration = CommandConfiguration(
        commandName: "podctl",
        abstract: "Run Kubernetes v1 Pods on this host.",
        discussion: "Exit codes: 0 success, 1 bad input (manifest, arguments, unknown pod), 2 host failure (a system call, damaged state), 3 another podctl holds the pod, 64 command-line usage.",
        version: PodctlVersion.text,
        subcommands: [Apply.self, Create.self, Get.self, Describe.self, Delete.self, Logs.self, Exec.self, Attach.self, Run.self, PortForward.self, Copy.self, Wait.self, Events.self, Top.self, Label.self, Annotate.self, Image.self, Login.self, Logout.self, Restore.self, Version.self, Completion.self, PullBackOffCommand.self])

    static func main() async {
        RegistryPulling.install()
        do {
            let arguments = normalize(Array(CommandLine.arguments.dropFirst()))
            var command: ParsableCommand
            if let alone = parsedAlone(arguments) { command = alone } else { command = try parseAsRoot(arguments) }
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as PodError {
            Terminal.error(error.description)
            Foundation.exit(error.code.exitCode)
        } catch {
            exit(withError: error)
        }
    }

    /// The commands whose latency users feel, parsed on their own: building the whole
    /// command tree took a third of an exec's instructions (callgrind, docs/benchmarks.md),
    /// and 2.9 of the 7 ms of CPU of an `apply --dry-run` (perf, D87), most of it
    /// ArgumentParser's check for a completion-script request, which visits every
    /// command's arguments. Help, and anything the command alone does not parse (a
    /// root-only flag such as --version, a typo), take the full path, so usage and error
    /// messages stay those of `podctl <command>`.
    nonisolated static func parsedAlone(_ arguments: [String]) -> ParsableCommand? {
        let options = arguments.prefix { $0 != "--" }
        guard !options.contains(where: { $0 == "-h" || $0 == "--help" || $0.hasPrefix("--help-") }) else { return nil }
        let rest = Array(arguments.dropFirst())
        switch arguments.first {
        case "exec": return try? Exec.parseAsRoot(rest)
        case "apply": return try? Apply.parseAsRoot(rest)
        case "delete": return try? Delete.parseAsRoot(rest)
        case "get": return try? Get.parseAsRoot(rest)
        case "describe": return try? Describe.parseAsRoot(rest)
        case "logs": return try? Logs.parseAsRoot(rest)
        case "wait": return try? Wait.parseAsRoot(rest)
        default: return nil
        }
    }

    /// kubectl's `--dry-run=client` (and `=server`, which means the same here) become the
    /// plain flag; `--dry-run=none` is the default and is dropped.
    static func normalize(_ arguments: [String]) -> [String] {
        arguments.compactMap { argument in
            switch argument {
            case "--dry-run=client", "--dry-run=server": return "--dry-run"
            case "--dry-run=none": return nil
            default: return argument
            }
        }
    }
}

enum PodctlVersion {
    static let number = PodctlRelease.version
    static var text: String { "podctl \(number)" }
}

/// Where podctl's state lives; every command takes these.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Persistent state directory (env PODCTL_ROOT).", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("Runtime state directory (env PODCTL_RUN_ROOT).", valueName: "dir"))
    var runRoot: String?
}

enum Terminal {
    static func error(_ line: String) { standardError("error: \(line)") }
    static func warning(_ line: String) { standardError("Warning: \(line)") }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
