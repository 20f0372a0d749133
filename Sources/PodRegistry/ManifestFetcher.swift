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

    func fetch(_ reference: String, pinned: Digest?) throws(PodError) -> Fetched {
        let what = "the manifest \(client.repository):\(reference) on \(client.registry)"
        let response: HTTPResponse
        do { response = try client.get("\(client.repository)/manifests/\(reference)", accept: ImageStore.manifestMediaTypes) } catch {
            throw BlobFetcher.podError(error, what: what, registry: client.registry)
        }
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
