import Foundation
import PodCore

/// Caps on how much a layer, and an image, may unpack to (docs/images.md, "Bounds").
///
/// A gzip stream shrinks zeros about a thousandfold, so a 1 MB layer can unpack to a
/// gigabyte; a zstd one, further still. The measure is the layer's uncompressed tar
/// stream — every byte that comes out of the decompressor, headers (512 bytes an
/// entry, so a million empty entries count too), file data, padding and whatever
/// follows the end marker — plus the holes of sparse files, which the stream leaves
/// out but the file system gets. An image's measure is the sum over its layers.
public struct UnpackLimits: Sendable, Equatable {
    public var layerBytes: Int64
    public var imageBytes: Int64

    /// 16 GiB a layer, 64 GiB an image: far above any image a registry serves in
    /// practice (the largest CUDA and ML images are around 20 GiB in all), far below
    /// what fills a disk unnoticed.
    public static let defaults = UnpackLimits(layerBytes: 16 << 30, imageBytes: 64 << 30)
    public static let layerVariable = "PODCTL_MAX_LAYER_SIZE"
    public static let imageVariable = "PODCTL_MAX_IMAGE_SIZE"

    public init(layerBytes: Int64, imageBytes: Int64) {
        self.layerBytes = layerBytes
        self.imageBytes = imageBytes
    }

    /// The defaults, each replaced by its environment variable when that is set and not
    /// empty: a number of bytes, or one with a binary suffix (`512Mi`, `16Gi`, `1Ti`).
    public static func from(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PodError) -> UnpackLimits {
        var limits = defaults
        if let text = environment[layerVariable], !text.isEmpty { limits.layerBytes = try parse(text, layerVariable) }
        if let text = environment[imageVariable], !text.isEmpty { limits.imageBytes = try parse(text, imageVariable) }
        return limits
    }

    /// `given` when there is one (tests, a caller with its own), else the environment's.
    static func resolve(_ given: UnpackLimits?) throws(PodError) -> UnpackLimits {
        if let given { return given }
        return try from()
    }

    static func parse(_ text: String, _ variable: String) throws(PodError) -> Int64 {
        let units: [(String, Int64)] = [("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40)]
        let (digits, unit) = units.first { text.hasSuffix($0.0) }.map { (String(text.dropLast(2)), $0.1) } ?? (text, 1)
        let product = Int64(digits).map { $0.multipliedReportingOverflow(by: unit) }
        guard digits.allSatisfy(\.isASCII), let product, !product.overflow, product.partialValue > 0 else {
            throw PodError(.invalidArgument, "\(variable)=\(text) is not a size: give bytes, or a number with Ki, Mi, Gi or Ti (as 16Gi)")
        }
        let bytes = product.partialValue
        return bytes
    }

    /// Bytes shown in an error, in the unit a user would set.
    static func shown(_ bytes: Int64) -> String {
        for (unit, size) in [("Ti", Int64(1) << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes) bytes"
    }
}

/// What one layer's unpacking has used of its caps; charged as bytes come out of the
/// decompressor, so a bomb is stopped at the cap, not after it has filled the disk.
final class UnpackBudget {
    let limits: UnpackLimits
    /// Unpacked bytes of the image's layers before this one.
    let imageBefore: Int64
    let what: String
    private(set) var used: Int64 = 0

    init(limits: UnpackLimits, imageBefore: Int64 = 0, what: String) {
        self.limits = limits
        self.imageBefore = imageBefore
        self.what = what
    }

    func charge(_ bytes: Int64) throws(PodError) {
        used += bytes
        if used > limits.layerBytes {
            throw UnpackBudget.over(what, "the layer cap of \(UnpackLimits.shown(limits.layerBytes))", UnpackLimits.layerVariable)
        }
        if imageBefore + used > limits.imageBytes {
            throw UnpackBudget.over(what, "the image cap of \(UnpackLimits.shown(limits.imageBytes)) (all its layers together)", UnpackLimits.imageVariable)
        }
    }

    static func over(_ what: String, _ cap: String, _ variable: String) -> PodError {
        PodError(.invalidArgument, "\(what) unpacks to more than \(cap); it was refused and nothing of it was kept (a decompression bomb, or a larger image than allowed: set \(variable) to raise the cap, e.g. \(variable)=32Gi)")
    }
}
