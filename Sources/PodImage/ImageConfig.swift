/// What a runtime needs from an image's configuration (OCI image spec, config.md,
/// "Properties" of `config`). Kept in every image record, so starting a container
/// never has to parse the config blob again.
public struct ImageConfig: Codable, Sendable, Equatable {
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var env: [String]?
    public var workingDir: String?
    public var user: String?
    /// `port/protocol`, sorted: `80/tcp`.
    public var exposedPorts: [String]?
    public var stopSignal: String?
    public var labels: [String: String]?
    public var volumes: [String]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case entrypoint = "Entrypoint", cmd = "Cmd", env = "Env", workingDir = "WorkingDir", user = "User"
        case exposedPorts = "ExposedPorts", stopSignal = "StopSignal", labels = "Labels", volumes = "Volumes"
    }
}

/// The config blob as the spec writes it. Unknown fields are ignored on reading; the
/// blob itself is kept byte for byte in the blob store (its digest is the image ID).
struct ConfigDocument: Codable {
    var created: String?
    var author: String?
    var architecture: String?
    var os: String?
    var variant: String?
    var config: ContainerConfigDocument?
    var rootfs: RootFS?
    var history: [History]?

    struct RootFS: Codable {
        var type: String
        var diff_ids: [Digest]
    }

    struct History: Codable {
        var created: String?
        var created_by: String?
        var comment: String?
        var empty_layer: Bool?
    }
}

/// `config` of the config blob. Maps like `ExposedPorts` have empty objects as values
/// (`{"80/tcp": {}}`), a Go idiom for sets.
struct ContainerConfigDocument: Codable {
    var User: String?
    var ExposedPorts: [String: EmptyObject]?
    var Env: [String]?
    var Entrypoint: [String]?
    var Cmd: [String]?
    var Volumes: [String: EmptyObject]?
    var WorkingDir: String?
    var Labels: [String: String]?
    var StopSignal: String?

    struct EmptyObject: Codable {
        init() {}
        init(from decoder: Decoder) throws {}
        func encode(to encoder: Encoder) throws { _ = encoder.container(keyedBy: NoKeys.self) }
        enum NoKeys: CodingKey {}
    }

    var summary: ImageConfig {
        var config = ImageConfig()
        config.entrypoint = Entrypoint
        config.cmd = Cmd
        config.env = Env
        config.workingDir = WorkingDir.flatMap { $0.isEmpty ? nil : $0 }
        config.user = User.flatMap { $0.isEmpty ? nil : $0 }
        config.exposedPorts = ExposedPorts.map { $0.keys.sorted() }
        config.stopSignal = StopSignal.flatMap { $0.isEmpty ? nil : $0 }
        config.labels = Labels
        config.volumes = Volumes.map { $0.keys.sorted() }
        return config
    }
}
