import Foundation
import PodCore

/// `podctl apply --watch`: the dev loop. Applies, then re-applies on every change to the
/// -f files, through the same path as `apply` (so an unchanged pod is untouched, a
/// changed container is restarted in place, a changed sandbox recreated). An error, with
/// its file and field path, is printed and the watch goes on; the next save retries.
/// A pod removed from the files is kept, as `kubectl apply` keeps it without --prune.
struct ApplyWatch {
    let apply: Apply

    func run() throws {
        ManifestWatcher.catchStopSignals()
        let watcher = try ManifestWatcher(apply.filename)
        round()
        while watcher.waitForChange() {
            print("--- \(Self.clock()) a manifest changed: applying again")
            fflush(nil)  // before the round's errors, which go unbuffered to stderr
            round()
        }
    }

    private func round() {
        do { try apply.applyOnce() } catch { Terminal.error("\(error)") }
        fflush(nil)  // the reader is often a pipe, and a watch never ends to flush it
    }

    private static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}
