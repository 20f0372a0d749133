import CCurl
import Foundation
import Glibc
import PodCore
import PodImage

/// Fetches blobs into the store: each one once (BlobDownload's lock per digest), resumed
/// with `Range` when the connection breaks, verified while it streams.
struct BlobFetcher {
    let client: RegistryClient
    let store: ImageStore
    let observer: PullObserver?
    /// Tries per blob: the first and five resumptions.
    static let attempts = 6

    /// Fetches the layers, `concurrency` at a time; the first failure is reported once
    /// every started transfer has ended (no thread is left writing into the store).
    /// Each layer is unpacked by the thread that fetched it, while the others still
    /// download (`diffIDs` from the config, checked as it unpacks).
    func fetchAll(_ layers: [BlobReference], diffIDs: [Digest], what: String, concurrency: Int) throws(PodError) {
        let queue = WorkQueue(count: layers.count)
        let workers = min(concurrency, layers.count)
        let done = DispatchGroup()
        for _ in 0..<workers {
            done.enter()
            Thread.detachNewThread {
                while let number = queue.next() {
                    let layer = layers[number]
                    do throws(PodError) {
                        let layerWhat = "layer \(number + 1) (\(layer.digest.shortID)) of \(what)"
                        try fetch(layer, what: layerWhat, announce: true)
                        try store.unpackPulled(layer, diffID: diffIDs[number], what: layerWhat)
                        observer?.pull(.layerUnpacked(layer.digest))
                    } catch {
                        queue.fail(error)
                    }
                }
                done.leave()
            }
        }
        done.wait()
        if let error = queue.failure { throw error }
    }

    func fetch(_ blob: BlobReference, what: String, announce: Bool) throws(PodError) {
        guard let download = try BlobDownload.begin(store, digest: blob.digest, size: blob.size, what: what) else {
            if announce { observer?.pull(.layerExists(blob.digest)) }
            return
        }
        defer { download.close() }
        var lastFailure = ""
        for attempt in 0..<BlobFetcher.attempts {
            if attempt > 0 {
                observer?.pull(.layerRetry(blob.digest, received: download.received, reason: lastFailure))
                // 0.25 s, 0.5 s, 1 s, 2 s, 4 s: a registry restarting gets time to come back.
                usleep(useconds_t(250_000 << min(attempt - 1, 4)))
            }
            do {
                try transfer(blob, into: download, what: what, announce: announce)
                try download.finish()
                if announce { observer?.pull(.layerDone(blob.digest)) }
                return
            } catch let failure as TransportFailure where failure.retryable {
                lastFailure = failure.detail
            } catch let error as PodError {
                throw error
            } catch {
                throw BlobFetcher.podError(error, what: what, registry: client.registry)
            }
        }
        throw PodError(.system, "\(what): the transfer from \(client.registry) broke off \(BlobFetcher.attempts) times (last: \(lastFailure)); \(download.received) of \(blob.size) bytes are kept and the next pull resumes there")
    }

    /// One GET of the blob from where the download stands.
    private func transfer(_ blob: BlobReference, into download: BlobDownload, what: String, announce: Bool) throws {
        let start = download.received
        var first = true
        let observer = announce ? self.observer : nil
        let response = try client.get("\(client.repository)/blobs/\(blob.digest)", rangeStart: start) { (status, bytes) throws(PodError) in
            if first {
                first = false
                // 200 to a Range request: the registry sends the whole blob again.
                if start > 0 && status != 206 { try download.restart() }
            }
            try download.append(bytes)
            observer?.pull(.layerProgress(blob.digest, received: download.received, total: blob.size))
        }
        if response.status == 416 && start > 0 {
            // Our partial bytes do not fit what the registry has: start over.
            try download.restart()
            throw TransportFailure(code: CURLE_PARTIAL_FILE_CODE, detail: "the registry refused to resume at byte \(start)", received: 0)
        }
        guard response.ok else {
            let code: PodError.Code = response.status == 404 ? .notFound : .system
            throw PodError(code, "\(client.registry) answered HTTP \(response.status) for \(what): \(RegistryError.describe(response))")
        }
    }

    static func podError(_ error: Error, what: String, registry: String) -> PodError {
        if let error = error as? PodError { return error }
        if let failure = error as? TransportFailure {
            var hint = ""
            if failure.isCertificateFailure {
                hint = "; if the registry uses a private CA, put it in /etc/podctl/certs.d/\(registry)/ca.crt"
            } else if failure.code == CURLE_COULDNT_CONNECT_CODE {
                hint = "; is the registry running and the address right?"
            }
            return PodError(.system, "cannot fetch \(what) from \(registry): \(failure.detail)\(hint)")
        }
        return PodError(.internal, "\(what): \(error)")
    }
}

/// The numbers 0..<count handed out once each, and the first failure.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextNumber = 0
    private let count: Int
    private var firstFailure: PodError?

    init(count: Int) { self.count = count }

    /// Nil when all are handed out, or once something failed (the rest is not started).
    func next() -> Int? {
        lock.withLock {
            guard firstFailure == nil, nextNumber < count else { return nil }
            defer { nextNumber += 1 }
            return nextNumber
        }
    }

    func fail(_ error: PodError) { lock.withLock { if firstFailure == nil { firstFailure = error } } }

    var failure: PodError? { lock.withLock { firstFailure } }
}
