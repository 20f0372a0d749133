import ArgumentParser
import Foundation
import PodCore
import PodImage
import PodRuntime
import PodStore

struct Image: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Manage the local image store.",
        discussion: """
            Images come from registries (image pull), archives (image load) or root file systems \
            (image import). A name you import without a registry is local: busybox:1 is stored \
            as localhost/busybox:1, and a pod that says busybox:1 finds it; a pull of a short \
            name goes to Docker Hub. \
            See docs/images.md.
            """,
        subcommands: [ImagePull.self, ImageImport.self, ImageLoad.self, ImageList.self, ImageInspect.self, ImageRemove.self, ImagePrune.self])
}

/// What the image subcommands share: the store of --root, and how sizes and times print.
enum ImageCommand {
    static func open(_ global: GlobalOptions) throws(PodError) -> (Store, ImageStore) {
        let store = Store(roots: try StoreRoots.resolve(root: global.root, runRoot: global.runRoot))
        return (store, ImageStore(store: store))
    }

    /// The pods waiting for images now in the store start at once (D58), rather than at
    /// their retry; a pod that cannot start is named, and the image command still succeeds.
    static func startWaitingPods(_ store: Store) {
        for line in PodManager(store: store).imagesAdded() { Terminal.warning(line) }
    }

    /// Sizes as podman prints them: SI units, three significant digits (`4.26 MB`).
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
        return String(format: "%.\(digits)f %@", value, units[unit])
    }

    /// `3 minutes ago`, from an RFC 3339 time.
    static func age(_ created: String?, now: Date = Date()) -> String {
        guard let created, let date = ImageTime.parse(created) else { return "unknown" }
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        let steps: [(Int, String)] = [(365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")]
        for (length, unit) in steps where seconds >= length {
            let count = seconds / length
            return "\(count) \(unit)\(count == 1 ? "" : "s") ago"
        }
        return seconds < 2 ? "Just now" : "\(seconds) seconds ago"
    }

    static func json<T: Encodable>(_ value: T) throws(PodError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw PodError(.internal, "cannot encode the output as JSON", cause: .text("\(error)"))
        }
    }

    /// `Loaded image: NAME` lines (podman's words), notes as warnings.
    static func report(_ loaded: [ImageStore.LoadedImage], verb: String) {
        for image in loaded {
            for note in image.notes { Terminal.warning(note) }
            if image.names.isEmpty { print("\(verb) image: \(image.record.id)") }
            for name in image.names { print("\(verb) image: \(name)") }
        }
    }
}

/// RFC 3339 times of image configs, with or without fractional seconds.
enum ImageTime {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
