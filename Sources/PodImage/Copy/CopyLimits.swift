import Foundation
import PodCore

/// Bounds on what `podctl cp` takes out of a container (docs/cli.md, "cp"): the file
/// bytes and the member count of its tar stream. Past either, the copy stops with an
/// error and the stream is dropped (the container's tar then ends on a broken pipe).
public struct CopyLimits: Sendable, Equatable {
    public var bytes: Int64
    public var entries: Int

    /// 16 GiB, as a layer (UnpackLimits), and a million members.
    public static let defaults = CopyLimits(bytes: 16 << 30, entries: 1_000_000)
    public static let bytesVariable = "PODCTL_MAX_COPY_SIZE"

    public init(bytes: Int64, entries: Int) {
        self.bytes = bytes
        self.entries = entries
    }

    public static func from(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PodError) -> CopyLimits {
        var limits = defaults
        if let text = environment[bytesVariable], !text.isEmpty { limits.bytes = try UnpackLimits.parse(text, bytesVariable) }
        return limits
    }

    func overBytes() -> PodError {
        PodError(.invalidArgument, "the copy is larger than \(UnpackLimits.shown(bytes)); it was stopped there (set \(Self.bytesVariable) to raise the cap, e.g. \(Self.bytesVariable)=64Gi)")
    }

    func overEntries() -> PodError {
        PodError(.invalidArgument, "the copy holds more than \(entries) files; it was stopped there")
    }
}
