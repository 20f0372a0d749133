import PodCore

/// One image found in an archive or layout, before any of its blobs is read: what the
/// load will name it, and how to bring it in. Readers list all images first, so a
/// naming problem (`--name` with a tag for an archive of three images) is reported
/// before anything is written.
struct ArchiveImage {
    /// For messages: `image 2 of the archive /x.tar`.
    let what: String
    /// Full names the archive gives (docker RepoTags, an OCI full reference).
    let names: [ImageReference]
    /// An OCI `ref.name` that is only a tag (`1`, as umoci writes it): used with `--name`.
    let tagHint: String?
    /// Problems that do not stop the load (a name that does not parse).
    let notes: [String]
    let build: (ImageBuilder) throws(PodError) -> ImageRecord
}

extension ImageReference {
    /// A name written in an archive: docker's rules (no registry means docker.io), as
    /// `docker save` means `busybox:latest`. Tags default to latest.
    static func archiveName(_ text: String) -> ImageReference? {
        guard let reference = try? parse(text), reference.digest == nil else { return nil }
        return reference.withDefaultTag
    }
}

/// The CPU architecture in OCI terms (GOARCH names).
enum HostPlatform {
    static var architecture: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "unknown"
        #endif
    }

    static func matches(_ platform: Platform?) -> Bool {
        guard let platform else { return true }
        return platform.os == "linux" && platform.architecture == architecture
    }
}
