import Foundation
import Glibc
@testable import PodImage

/// A private directory under /tmp (mkdtemp, mode 0700), removed with everything in it
/// when the value goes. Every test target's scratch directory.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "podctl-test") {
        path = (try? Self.make(label)) ?? "/tmp/\(label)-\(UUID().uuidString)"
        mkdir(path, 0o700)  // only when mkdtemp failed; EEXIST otherwise
    }

    /// A fresh directory that the caller removes (the Harness removes its own).
    public static func make(_ label: String) throws -> String {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw HarnessError("mkdtemp /tmp/\(label)-XXXXXX: errno \(errno)") }
        return String(cString: made)
    }

    // The image store's removal: it also takes unpacked layers apart (read-only
    // directories, overlay whiteouts).
    deinit { try? removeStoreTree(path) }

    public func file(_ name: String) -> String { path + "/" + name }
}
