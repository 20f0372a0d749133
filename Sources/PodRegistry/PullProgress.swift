import PodImage

/// What a pull tells as it goes (the CLI draws it; apply records events from it).
public enum PullEvent: Sendable {
    /// The manifest is known: the image's digest and its layers.
    case resolved(reference: String, digest: Digest, layers: [BlobReference])
    /// A layer blob the store already holds.
    case layerExists(Digest)
    /// Bytes of a layer received so far (cumulative), of `total`.
    case layerProgress(Digest, received: Int64, total: Int64)
    /// The transfer broke off and is tried again from where it stopped.
    case layerRetry(Digest, received: Int64, reason: String)
    /// The layer is fetched and verified; it is being unpacked.
    case layerDone(Digest)
    /// The layer is unpacked into the store.
    case layerUnpacked(Digest)
    /// Every layer is in; the image record is written.
    case recording
}

/// Receives the events of a pull, from several threads.
public protocol PullObserver: AnyObject, Sendable {
    func pull(_ event: PullEvent)
}
