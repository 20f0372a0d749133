import PodCore

/// One side of `podctl cp`: a local path, or `[NAMESPACE/]POD:PATH`, split as kubectl's
/// extractFileSpec does (at the first colon; a spec starting with one is refused).
public struct CopySpec: Equatable, Sendable {
    public var namespace: String?
    public var pod: String?
    public var path: String

    public var isRemote: Bool { pod != nil }

    public init(namespace: String? = nil, pod: String? = nil, path: String) {
        self.namespace = namespace
        self.pod = pod
        self.path = path
    }

    static let format = "filespec must match the canonical format: [[namespace/]pod:]file/path"

    public static func parse(_ text: String) throws(PodError) -> CopySpec {
        guard let colon = text.firstIndex(of: ":") else { return CopySpec(path: text) }
        guard colon != text.startIndex else { throw PodError(.invalidArgument, format) }
        let pieces = text[..<colon].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let path = String(text[text.index(after: colon)...])
        switch pieces.count {
        case 1: return CopySpec(pod: pieces[0], path: path)
        case 2 where !pieces[0].isEmpty && !pieces[1].isEmpty: return CopySpec(namespace: pieces[0], pod: pieces[1], path: path)
        default: throw PodError(.invalidArgument, format)
        }
    }

    /// kubectl's checks of the pair, in its order and words.
    public static func pair(_ source: String, _ destination: String) throws(PodError) -> (CopySpec, CopySpec) {
        let from = try parse(source), to = try parse(destination)
        if from.path.isEmpty || to.path.isEmpty { throw PodError(.invalidArgument, "filepath can not be empty") }
        if from.isRemote && to.isRemote { throw PodError(.invalidArgument, "one of src or dest must be a local file specification") }
        if !from.isRemote && !to.isRemote { throw PodError(.invalidArgument, "one of src or dest must be a remote file specification") }
        return (from, to)
    }
}
