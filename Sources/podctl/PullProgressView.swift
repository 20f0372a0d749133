import Foundation
import Glibc
import PodImage
import PodRegistry

/// Shows a pull on standard error: a bar per layer (bytes, rate) redrawn in place on a
/// terminal, one line per step otherwise (a log, a CI job), as podman and skopeo do.
final class PullProgressView: PullObserver, @unchecked Sendable {
    private let lock = NSLock()
    private let terminal: Bool
    private var order: [Digest] = []
    private var layers: [Digest: Layer] = [:]
    private var drawnLines = 0
    private var lastDraw = 0.0

    struct Layer {
        var total: Int64
        var received: Int64 = 0
        var started = 0.0
        var finished: Double?
        var state = "waiting"
    }

    init(terminal: Bool = isatty(2) == 1) { self.terminal = terminal }

    func pull(_ event: PullEvent) {
        lock.withLock { handle(event) }
    }

    private func handle(_ event: PullEvent) {
        let now = Self.now()
        switch event {
        case let .resolved(reference, digest, blobs):
            emit("Pulling \(reference) (\(digest))")
            for blob in blobs where layers[blob.digest] == nil {
                order.append(blob.digest)
                layers[blob.digest] = Layer(total: blob.size)
            }
        case let .layerExists(digest):
            layers[digest]?.state = "exists"
            if !terminal { emit("Blob \(digest.shortID) already in the store") }
        case let .layerProgress(digest, received, total):
            guard var layer = layers[digest] else { return }
            if layer.state == "waiting" {
                layer.state = "fetching"
                layer.started = now
                if !terminal { emit("Copying blob \(digest.shortID) (\(Self.bytes(total)))") }
            }
            layer.received = received
            layers[digest] = layer
        case let .layerRetry(digest, received, reason):
            layers[digest]?.state = "retrying"
            if !terminal { emit("Retrying blob \(digest.shortID) from byte \(received): \(reason)") }
        case let .layerDone(digest):
            guard var layer = layers[digest] else { return }
            if layer.state == "waiting" { layer.started = now }
            layer.state = "unpacking"
            layer.received = layer.total
            layer.finished = now
            layers[digest] = layer
            if !terminal { emit("Copied blob \(digest.shortID) (\(Self.bytes(layer.total)) in \(String(format: "%.1f", now - layer.started)) s)") }
        case let .layerUnpacked(digest):
            if layers[digest]?.state != "exists" { layers[digest]?.state = "done" }
        case .recording:
            if terminal { draw(force: true) }
            emit("Writing the image record")
            return
        }
        if terminal { draw(force: false) }
    }

    private func emit(_ line: String) {
        if terminal { drawnLines = 0 }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Redraws every layer's line in place, at most ten times a second.
    private func draw(force: Bool) {
        let now = Self.now()
        guard force || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for digest in order {
            guard let layer = layers[digest] else { continue }
            text += "\u{1B}[2K" + Self.line(digest, layer, now: now) + "\n"
        }
        drawnLines = order.count
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func line(_ digest: Digest, _ layer: Layer, now: Double) -> String {
        let name = "Copying blob \(digest.shortID)"
        switch layer.state {
        case "exists": return "\(name) already in the store"
        case "waiting": return "\(name) waiting"
        default: break
        }
        let width = 30
        let fraction = layer.total > 0 ? min(1, Double(layer.received) / Double(layer.total)) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let elapsed = max((layer.finished ?? now) - layer.started, 0.001)
        let rate = "\(bytes(Int64(Double(layer.received) / elapsed)))/s"
        let suffix = layer.state == "done" ? "done, \(rate)" : layer.state == "unpacking" ? "unpacking" : layer.state == "retrying" ? "retrying" : rate
        return "\(name) [\(bar)] \(bytes(layer.received)) / \(bytes(layer.total)) \(suffix)"
    }

    /// Binary units, as podman's bars print them.
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
