import ArgumentParser
import Foundation
import PodCore
import PodModel
import PodStore

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update pods from Kubernetes v1 Pod manifests.",
        discussion: """
            Reads YAML or JSON (several documents per file, kind: List, and the ConfigMaps and \
            Secrets the pods use). Every error is printed with its file and field path.
            In this build apply validates only: pass --dry-run. Running pods needs the runtime.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("A manifest file, a directory of them, or - for standard input.", valueName: "file"))
    var filename: [String] = []

    @Flag(help: "Decode, default and validate, and report what would be created; change nothing. (--dry-run=client works too.)")
    var dryRun = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Print the defaulted objects: json, yaml or name.", valueName: "format"))
    var output: OutputFormat?

    @Option(name: .shortAndLong, help: "The namespace of objects that name none.")
    var namespace: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if filename.isEmpty { throw ValidationError("give at least one manifest with -f FILE (or -f - for standard input)") }
    }

    func run() throws {
        _ = try StoreRoots.resolve(root: global.root, runRoot: global.runRoot)
        let set = try ManifestInput.load(filename, namespace: namespace)
        for line in set.warningLines { Terminal.warning(line) }
        guard set.isValid else {
            for line in set.errorLines { Terminal.error(line) }
            throw PodError(.invalidManifest, "\(set.errorLines.count) error(s): nothing was applied")
        }
        guard dryRun else {
            throw PodError(.unsupported, "this build of podctl validates manifests but cannot run pods yet (the pod runtime is not part of it): use --dry-run")
        }
        if let output {
            print(try ObjectPrinter.render(set.objects, as: output), terminator: "")
            return
        }
        for object in set.objects { print("\(object.resourceName) created (dry run)") }
    }
}
