import ArgumentParser
import Foundation
import PodCore
import PodModel
import PodOS
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
        let claimsInApply = Set(set.objects.compactMap { $0.claim == nil ? nil : "\($0.namespace)/\($0.name)" })
        let claims = try? ClaimStore(store: Context(global).manager.store)
        for object in set.objects {
            guard let pod = object.pod else { continue }
            do {
                try PodManager.preflight(pod)
                let named = Set(claimsInApply.filter { $0.hasPrefix(pod.namespace + "/") }.map { String($0.dropFirst(pod.namespace.count + 1)) })
                for line in try claims?.preflight(pod, inApply: named) ?? [] { Terminal.warning("\(object.resourceName): \(line)") }
            } catch {
                Terminal.error("\(object.resourceName): \(error)")
                failures.append(error)
            }
        }
        if let first = failures.first { throw PodError(first.code, "\(failures.count) pod(s) would not be applied") }
    }

    /// Stores the ConfigMaps, Secrets and claims first (a pod of the same apply uses
    /// them), then applies every pod; then the pods of other applies that use a changed
    /// object get it (volume files in place) or start if they waited for it (D58).
    func applyForReal(_ set: ManifestSet) throws {
        let context = try Context(global)
        var failures: [PodError] = []
        var changed: [(ConfigKind, String, String)] = []
        var claims: [(String, String)] = []
        for object in set.objects where object.pod == nil {
            do {
                let outcome = try StoredObjects.apply(object, context: context)
                print("\(object.resourceName) \(outcome.rawValue)")
                guard outcome != .unchanged else { continue }
                switch object.content {
                case .configMap: changed.append((.configMap, object.namespace, object.name))
                case .secret: changed.append((.secret, object.namespace, object.name))
                case let .claim(claim):
                    claims.append((object.namespace, object.name))
                    StoredObjects.warnUnenforcedStorage(claim)
                case .pod: break
                }
            } catch {
                Terminal.error("\(object.resourceName): \(error)")
                failures.append(error)
            }
        }
        // The leases, and every pod's records, are fsynced together when each pod's
        // supervisor has been spawned, and the rest before apply exits (D78).
        let durability = DeferredSync.begin()
        defer { try? durability.sync() }
        let peers = context.manager.reserveAddresses(for: set.pods)
        var applied = Set<PodKey>()
        for object in set.objects {
            guard let pod = object.pod else { continue }
            do {
                let outcome = try context.manager.apply(pod, configMaps: [], secrets: [], peers: peers[pod.namespace] ?? [:])
                print("\(object.resourceName) \(outcome.rawValue)")
                let key = try PodKey(namespace: pod.namespace, name: pod.name)
                applied.insert(key)
                StoredObjects.warnWaiting(key, context: context)
            } catch {
                Terminal.error("\(object.resourceName): \(error)")
                failures.append(error)
                context.manager.releaseUnusedLease(pod)
            }
        }
        StoredObjects.kick(changed: changed, claims: claims, except: applied, context: context)
        // Lists the maps and links only when a gone pod's lease shows something went
        // without podctl, as delete's does (docs/network.md, "Teardown"): ~100 ms less.
        context.reclaimGonePods(thorough: false)
        try durability.sync()
        if let first = failures.first { throw PodError(first.code, "\(failures.count) object(s) were not applied") }
    }
}
