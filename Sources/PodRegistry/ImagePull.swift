import Foundation
import PodCore
import PodImage

/// Pulls an image from a registry into the store (docs/images.md, "Pulls"): the manifest
/// (an index is resolved to this host's platform), the config, then the layers, several
/// at once, each streamed to disk and verified as it streams (BlobDownload), resumed
/// where it broke off; then the layers are unpacked and the image recorded.
public final class ImagePuller: Sendable {
    let store: ImageStore
    let hosts: RegistryHosts
    let auth: AuthFiles
    /// Layers fetched at once: docker's and containerd's default of 3.
    public let concurrency: Int

    public init(store: ImageStore, hosts: RegistryHosts, auth: AuthFiles, concurrency: Int = 3) {
        self.store = store
        self.hosts = hosts
        self.auth = auth
        self.concurrency = max(1, concurrency)
    }

    public static func fromEnvironment(store: ImageStore) throws(PodError) -> ImagePuller {
        ImagePuller(store: store, hosts: try RegistryHosts.fromEnvironment(), auth: AuthFiles.fromEnvironment())
    }

    public struct Result: Sendable {
        public let reference: ImageReference
        public let image: ImageStore.LoadedImage
    }

    /// The reference a pull means: a short name is on Docker Hub (docker's rule,
    /// docs/images.md "Short names"), and no tag means `latest`.
    public static func reference(_ text: String) throws(PodError) -> ImageReference {
        try ImageReference.parse(text).withDefaultTag
    }

    /// Pulls `text` through the sources registries.conf gives it (mirrors first, then
    /// its location: `RegistryHosts.sources`); the first that succeeds wins, and when
    /// none does, every source's failure is reported. The image is recorded under the
    /// name asked for, whichever source served it (as containers/image records it).
    /// `credential`, when given, is used instead of the auth files for the hosts of
    /// `credentialHost` (every source when nil): a CRI PullImage's auth.
    public func pull(_ text: String, credential: Credential? = nil, credentialHost: String? = nil, observer: PullObserver? = nil) throws(PodError) -> Result {
        let reference = try ImagePuller.reference(text)
        let what = reference.description
        do {
            let sources = try hosts.sources(for: reference)
            return try store.whileWriting { () throws(PodError) -> Result in
                var failures: [PodError] = []
                for source in sources {
                    let given = credential.flatMap { credentialHost == nil || credentialHost == source.domain ? $0 : nil }
                    do throws(PodError) {
                        return try self.pull(reference, from: source, credential: given, what: what, observer: observer)
                    } catch {
                        failures.append(sources.count == 1 ? error : PodError(error.code, "from \(source.domain): \(error.message)", cause: error.cause))
                    }
                }
                throw ImagePuller.combine(failures)
            }
        } catch {
            throw PodError(error.code, "pulling \(what): \(error.message)", cause: error.cause)
        }
    }

    /// One failure as it is; several in one message, in the order tried, with the code
    /// of the last (the image's own location).
    static func combine(_ failures: [PodError]) -> PodError {
        guard let last = failures.last else { return PodError(.internal, "no source to pull from") }
        if failures.count == 1 { return last }
        return PodError(last.code, failures.map(\.message).joined(separator: "; "), cause: last.cause)
    }

    private func pull(_ reference: ImageReference, from source: ImageReference, credential: Credential?, what: String, observer: PullObserver?) throws(PodError) -> Result {
        var credential = credential
        if credential == nil { credential = try auth.credential(for: source.domain) }
        let client = RegistryClient(connection: hosts.connection(for: source.domain), repository: source.path, credential: credential)
        let blobs = BlobFetcher(client: client, store: store, observer: observer)
        let manifests = ManifestFetcher(client: client, store: store)
        var manifest = try manifests.fetch(source.digest?.description ?? source.tag ?? "latest", pinned: source.digest)
        var index: Digest?
        if case let .index(chosen, platforms) = manifest.document {
            guard let chosen else {
                throw PodError(.notFound, "the image index \(manifest.digest) has no image for linux/\(ImagePuller.architecture) (it has \(platforms.isEmpty ? "no platforms" : platforms.joined(separator: ", ")))")
            }
            index = manifest.digest
            manifest = try manifests.fetch(chosen.digest.description, pinned: chosen.digest)
        }
        guard case let .image(config, layers) = manifest.document else {
            throw PodError(.invalidArgument, "the index \(manifest.digest) points at another index, not at an image manifest")
        }
        observer?.pull(.resolved(reference: what, digest: manifest.digest, layers: layers))
        try blobs.fetch(config, what: "the config of \(what)", announce: false)
        let diffIDs = try store.diffIDs(config: config.digest, layerCount: layers.count, what: what)
        try blobs.fetchAll(layers, diffIDs: diffIDs, what: what, concurrency: concurrency)
        observer?.pull(.recording)
        // By digest, no name (as docker and podman): `name:tag@digest` pulls the digest.
        let names = reference.digest == nil ? [reference.description] : []
        let image = try store.storePulled(manifest: manifest.digest, index: index, config: config.digest, layers: layers, names: names, what: what)
        return Result(reference: reference, image: image)
    }

    static var architecture: String {
        #if arch(arm64)
        return "arm64"
        #else
        return "amd64"
        #endif
    }
}
