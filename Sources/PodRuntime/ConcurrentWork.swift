import Foundation
import PodCore

/// Work started on a thread of its own while the caller goes on with other work, and
/// waited for with `finish` (D79: delete's network release runs beside the removal of the
/// pod's state, so the nftables commit's wait for an RCU grace period, paid when its
/// netlink socket closes, overlaps the file system work). The work must not touch what the
/// caller touches meanwhile, and reports its errors rather than throwing them; the caller
/// calls `finish` before it returns, whatever happened meanwhile.
final class ConcurrentWork: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the thread before `done` is signalled, read only after the wait.
    private var errors: [PodError] = []

    init(_ work: @escaping @Sendable () -> [PodError]) {
        let thread = Thread { [self] in
            errors = work()
            done.signal()
        }
        thread.start()
    }

    /// Waits for the work; returns the errors it collected.
    func finish() -> [PodError] {
        done.wait()
        return errors
    }
}
