import ArgumentParser
import Foundation
import PodCore
import PodModel
import PodRuntime
import PodStore

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update pods from Kubernetes v1 Pod manifests.",
        discussion: """
            Reads YAML or JSON (several documents per file, kind: List, and the ConfigMaps and \
            Secrets the pods use). Every error is printed with its file and field path.
            A pod is created, or re-created when its spec changed, or left unchanged.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("A manifest file, a directory of them, or - for standard input.", valueName: "file"))
    var filename: [String] = []

    @Flag(help: "Decode, default and validate, and report what would be created; change nothing. (--dry-run=client works too.)")
    var dryRun = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Print the defaulted objects: json, yaml or name.", valueName: "format"))
    var output: OutputFormat?

    @Option(name: .shortAndLong, help: "The namespace of objects that name none.")
    var namespace: String?

    @Flag(help: "Return when every applied pod is Ready; fail (exit 1) with the reason if one cannot be, or at --timeout.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait: how long to wait, a Go duration (30s, 2m).", valueName: "duration"))
    var timeout: String = "5m"

    @Flag(help: "Apply, then apply again whenever a manifest file changes, until Ctrl-C. Errors are printed and the watch goes on.")
    var watch = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if filename.isEmpty { throw ValidationError("give at least one manifest with -f FILE (or -f - for standard input)") }
        if watch && (filename.contains("-") || dryRun || wait || output != nil) {
            throw ValidationError("--watch takes files or directories (not -), and neither --dry-run, --wait nor -o")
        }
    }

    func run() throws {
        _ = try StoreRoots.resolve(root: global.root, runRoot: global.runRoot)
        if watch { return try ApplyWatch(apply: self).run() }
        try applyOnce()
    }

    /// One apply of every -f path, as `apply` without --watch, and each round of --watch.
    func applyOnce() throws {
        let set = try ManifestInput.load(filename, namespace: namespace)
        for line in set.warningLines { Terminal.warning(line) }
        guard set.isValid else {
            for line in set.errorLines { Terminal.error(line) }
            throw PodError(.invalidManifest, "\(set.errorLines.count) error(s): nothing was applied")
        }
        guard dryRun else {
            try applyForReal(set)
            if wait {
                let keys = try set.pods.map { pod throws(PodError) in try PodKey(namespace: pod.namespace, name: pod.name) }
                try ApplyWait(context: try Context(global), keys: keys, seconds: try GoDuration.parse(timeout)).run()
            }
            return
        }
        try preflight(set)
        if let output {
            print(try ObjectPrinter.render(set.objects, as: output), terminator: "")
            return
        }
        for object in set.objects { print("\(object.resourceName) created (dry run)") }
    }

    /// The checks apply makes before it changes anything, for --dry-run: each refusal is
    /// printed as apply prints it, and the exit code is apply's.
    private func preflight(_ set: ManifestSet) throws {
        var failures: [PodError] = []
        for object in set.objects {
            guard let pod = object.pod else { continue }
            do { try PodManager.preflight(pod) } catch {
                Terminal.error("\(object.resourceName): \(error)")
                failures.append(error)
            }
        }
        if let first = failures.first { throw PodError(first.code, "\(failures.count) pod(s) would not be applied") }
    }

    /// Applies every pod; ConfigMaps and Secrets travel inside the pods that use them.
    func applyForReal(_ set: ManifestSet) throws {
        let context = try Context(global)
        let configMaps = set.objects.compactMap { object -> ConfigMap? in
            if case let .configMap(map) = object.content { return map }
            return nil
        }
        let secrets = set.objects.compactMap { object -> Secret? in
            if case let .secret(secret) = object.content { return secret }
            return nil
        }
        var failures: [PodError] = []
        // Claims first: a pod of the same apply mounts them.
        for object in set.objects {
            guard let claim = object.claim else { continue }
            do {
                let outcome = try ClaimStore(store: context.manager.store).apply(claim)
                print("\(object.resourceName) \(outcome.rawValue)")
            } catch {
                Terminal.error("\(object.resourceName): \(error)")
                failures.append(error)
            }
        }
        let peers = context.manager.reserveAddresses(for: set.pods)
        for object in set.objects {
            if object.claim != nil { continue }
            guard let pod = object.pod else {
                print("\(object.resourceName) configured (kept with the pods that use it)")
                continue
            }
            do {
                let outcome = try context.manager.apply(pod, configMaps: configMaps, secrets: secrets, peers: peers[pod.namespace] ?? [:])
                print("\(object.resourceName) \(outcome.rawValue)")
            } catch {
                Terminal.error("\(object.resourceName): \(error)")
                failures.append(error)
                context.manager.releaseUnusedLease(pod)
            }
        }
        context.reclaimGonePods()
        if let first = failures.first { throw PodError(first.code, "\(failures.count) pod(s) were not applied") }
    }
}
