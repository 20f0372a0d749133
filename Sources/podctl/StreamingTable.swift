import Foundation
import Glibc

/// Rows printed as they come (`get -w`, `events -w`): the header with the first batch
/// only, as kubectl's watch prints it once, and later rows lined up under the first
/// batch's widths (three spaces apart, as Table). Flushed at once: the reader is often
/// a pipe, and a watch never ends to flush it.
struct StreamingTable {
    private var widths: [Int]?

    mutating func print(header: [String], _ body: [[String]]) {
        guard !body.isEmpty else { return }
        let rows = (widths == nil ? [header] : []) + body
        let known = widths ?? (0..<header.count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        widths = known
        for row in rows {
            Swift.print(row.enumerated().map { index, cell in
                index == row.count - 1 || index >= known.count ? cell : cell.padding(toLength: max(known[index], cell.count) + 3, withPad: " ", startingAt: 0)
            }.joined())
        }
        fflush(nil)  // every stream: naming stdout is not concurrency-safe in Swift 6
    }
}

/// A watch runs until interrupted, so Ctrl-C and SIGTERM must reach it even when the
/// parent left them blocked (a test runner's children inherit its blocked mask).
enum Interruptible {
    static func unblockStopSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }
}
