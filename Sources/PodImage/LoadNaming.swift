import PodCore

/// The names a load gives, per image: the archive's, or `--name`.
///
/// `--name REPO:TAG` names the one image of an archive (an archive of several is an
/// error: one name cannot go to several images). `--name REPO` without a tag takes each
/// image's tag from a tag-only `ref.name` (umoci's `1`), or `latest`; two images that
/// would get the same name are an error. Without a registry, REPO is `localhost/REPO`.
enum LoadNaming {
    static func names(for images: [ArchiveImage], override: String?) throws(PodError) -> [[String]] {
        guard let override else { return images.map { $0.names.map(\.description) } }
        let reference = try ImageReference.parse(override, defaultDomain: ImageReference.local)
        if reference.digest != nil {
            throw PodError(.invalidArgument, "--name \(override) has a digest; give NAME[:TAG]")
        }
        if reference.tag != nil {
            guard images.count == 1 else {
                throw PodError(.invalidArgument, "--name \(override) has a tag, but the archive holds \(images.count) images; give --name without a tag to use their own tags")
            }
            return [[reference.description]]
        }
        let names = images.map { image in
            var named = reference
            named.tag = image.tagHint ?? "latest"
            return named.description
        }
        if Set(names).count != names.count {
            throw PodError(.invalidArgument, "--name \(override) would give several images of the archive the same name; load them without --name, or one archive per image")
        }
        return names.map { [$0] }
    }
}
