import ArgumentParser
import Foundation
import PodCore
import PodModel
import PodOS
import PodRuntime

/// `podctl create configmap|secret generic`, as kubectl's: the object is made from
/// literals and files, validated as apply validates it, and stored (#19).
struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a ConfigMap or a Secret from literals and files, as kubectl create.",
        subcommands: [CreateConfigMap.self, CreateSecret.self])
}

/// The sources and options `create configmap` and `create secret generic` share.
struct ConfigSourceOptions: ParsableArguments {
    @Option(name: .customLong("from-literal"), help: ArgumentHelp("A key and its value (repeatable).", valueName: "key=value"))
    var literals: [String] = []

    @Option(name: .customLong("from-file"), help: ArgumentHelp("A file (its name is the key) or a directory of them, or key=file (repeatable).", valueName: "[key=]path"))
    var files: [String] = []

    @Option(name: .customLong("from-env-file"), help: ArgumentHelp("A file of key=value lines (repeatable).", valueName: "path"))
    var envFiles: [String] = []

    @Flag(help: "Print the object instead of storing it (--dry-run=client works too).")
    var dryRun = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Print the object: json, yaml or name.", valueName: "format"))
    var output: OutputFormat?

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @OptionGroup var global: GlobalOptions

    /// Every source read, in kubectl's order: files, literals, env files.
    func sources() throws -> ConfigSources {
        var sources = ConfigSources()
        do {
            for argument in files {
                let (key, path) = try ConfigSources.fileSource(argument)
                if Files.isDirectory(path) {
                    guard !argument.contains("=") else { throw ConfigSourceError("--from-file=\(argument): a directory cannot be given a key") }
                    // kubectl: each regular file whose name is a valid key; others are skipped.
                    for name in try Files.list(path).sorted() where ConfigValidator.isKey(name) && Self.isRegularFile(path + "/" + name) {
                        try sources.addFile(name, content: try Self.read(path + "/" + name))
                    }
                } else {
                    try sources.addFile(key, content: try Self.read(path))
                }
            }
            for literal in literals { try sources.addLiteral(literal) }
            for path in envFiles {
                let bytes = try Self.read(path)
                guard let text = String(validating: bytes, as: UTF8.self) else { throw ConfigSourceError("--from-env-file=\(path): not UTF-8 text") }
                try sources.addEnvFile(text, path: path, environment: ProcessInfo.processInfo.environment)
            }
        } catch let error as ConfigSourceError {
            throw PodError(.invalidArgument, error.description)
        }
        return sources
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// A source file, read up to the object size limit (and one byte more, to know).
    static func read(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PodError(.invalidArgument, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: ConfigValidator.maxSize + 1)) ?? Data()
        if data.count > ConfigValidator.maxSize {
            throw PodError(.invalidArgument, "\(path) is larger than \(ConfigValidator.maxSize) bytes, the most a ConfigMap or Secret may hold")
        }
        return Array(data)
    }

    /// Validates, then prints (--dry-run, -o) or stores the object and starts the pods
    /// that waited for it.
    func finish(_ object: ManifestObject, errors: [FieldError]) throws {
        guard errors.isEmpty else {
            for error in errors { Terminal.error(FieldError.printable("\(object.kind) \"\(object.name)\" is invalid: \(error)")) }
            throw PodError(.invalidManifest, "\(errors.count) error(s): nothing was created")
        }
        if let output { print(try ObjectPrinter.render([object], as: output), terminator: "") }
        if dryRun {
            if output == nil { print("\(object.resourceName) created (dry run)") }
            return
        }
        let context = try Context(global)
        let store = ConfigStore(store: context.manager.store)
        let kind: ConfigKind
        switch object.content {
        case let .configMap(map): _ = try store.apply(map, onlyNew: true); kind = .configMap
        case let .secret(secret): _ = try store.apply(secret, onlyNew: true); kind = .secret
        default: throw PodError(.internal, "create makes ConfigMaps and Secrets only")
        }
        if output == nil { print("\(object.resourceName) created") }
        StoredObjects.kick(changed: [(kind, namespace, object.name)], claims: [], except: [], context: context)
    }
}

struct CreateConfigMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configmap", abstract: "Create a ConfigMap: podctl create configmap NAME --from-literal=k=v --from-file=path --from-env-file=path",
        aliases: ["cm"])

    @Argument(help: "The ConfigMap's name.") var name: String
    @OptionGroup var options: ConfigSourceOptions

    func run() throws {
        let sources = try options.sources()
        let (data, binary) = sources.configMapData
        let map = ConfigMap(name: name, namespace: options.namespace, data: data, binaryData: binary)
        try options.finish(ManifestObject(content: .configMap(map), location: "command line"), errors: ConfigValidator.validate(map))
    }
}

struct CreateSecret: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Create a Secret: podctl create secret generic NAME --from-literal=k=v ...",
        subcommands: [CreateSecretGeneric.self])
}

struct CreateSecretGeneric: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generic", abstract: "Create a generic Secret from literals and files.")

    @Argument(help: "The Secret's name.") var name: String
    @Option(help: "The Secret's type.") var type: String = "Opaque"
    @OptionGroup var options: ConfigSourceOptions

    func run() throws {
        let secret = Secret(name: name, namespace: options.namespace, type: type, data: try options.sources().secretData)
        try options.finish(ManifestObject(content: .secret(secret), location: "command line"), errors: ConfigValidator.validate(secret))
    }
}
