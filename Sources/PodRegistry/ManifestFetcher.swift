import Glibc
import PodCore
import PodImage

/// Fetches manifests and indexes, checks them against the digest that pins them, and
/// keeps them in the blob store (the record of a pulled image names its manifest).
struct ManifestFetcher {
    let client: RegistryClient
    let store: ImageStore

    struct Fetched {
        let digest: Digest
        let document: ManifestDocument
    }

    /// A dropped or refused connection is tried twice more (0.5 s, 1 s apart), as blobs
    /// are; an HTTP error is the registry's answer and is not.
    private func get(_ reference: String, what: String) throws(PodError) -> HTTPResponse {
        var attempt = 0
        while true {
            do {
                return try client.get("\(client.repository)/manifests/\(reference)", accept: ImageStore.manifestMediaTypes)
            } catch let failure as TransportFailure where failure.retryable && attempt < 2 {
                attempt += 1
                usleep(useconds_t(250_000 << attempt))
            } catch {
                throw BlobFetcher.podError(error, what: what, registry: client.registry)
            }
        }
    }

    func fetch(_ reference: String, pinned: Digest?) throws(PodError) -> Fetched {
        let what = "the manifest \(client.repository):\(reference)"
        let response = try get(reference, what: what)
        guard response.ok else {
            let code: PodError.Code = response.status == 404 ? .notFound : response.status == 401 || response.status == 403 ? .invalidArgument : .system
            throw PodError(code, "manifest \(reference): \(RegistryError.describe(response)) (HTTP \(response.status) from \(client.registry))")
        }
        let digest = Digest.of(response.body)
        if let pinned, pinned != digest {
            throw PodError(.invalidArgument, "\(what) hashes to \(digest), not to the digest \(pinned) asked for; the registry sent other content, nothing was stored")
        }
        if let claimed = response.header("docker-content-digest"), claimed.hasPrefix("sha256:"), claimed != digest.description {
            throw PodError(.invalidArgument, "\(what) hashes to \(digest), but the registry says \(claimed); nothing was stored")
        }
        let document = try ImageStore.parseManifest(response.body, contentType: response.header("content-type"), what: what)
        try store.blobs.store(response.body, what: what)
        return Fetched(digest: digest, document: document)
    }
}
