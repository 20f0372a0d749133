import ArgumentParser
import Foundation

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the podctl version.")

    @Option(name: .shortAndLong, help: ArgumentHelp("json for a machine-readable form.", valueName: "format"))
    var output: String?

    func run() throws {
        #if arch(x86_64)
        let arch = "amd64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "unknown"
        #endif
        if output == "json" {
            print("{\"podctl\": \"\(PodctlVersion.number)\", \"platform\": \"linux/\(arch)\"}")
        } else if let output {
            throw ValidationError("--output must be json, not \(output)")
        } else {
            print("\(PodctlVersion.text) linux/\(arch)")
        }
    }
}

struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print a shell completion script.",
        discussion: "bash: source <(podctl completion bash); zsh: podctl completion zsh > \"${fpath[1]}/_podctl\"")

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else {
            throw ValidationError("unknown shell \"\(shell)\": use bash, zsh or fish")
        }
        print(Podctl.completionScript(for: kind))
    }
}
