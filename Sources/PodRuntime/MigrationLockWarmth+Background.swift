import Foundation
import PodCgroups

extension MigrationLockWarmth {
    /// This process's touch on a thread of its own, so the grace period overlaps whatever
    /// the caller does before the join (D81): apply's planning, a CRI call's records. The
    /// thread is not waited for; one that is still blocked when the process exits ends with it.
    public static func startInBackground() {
        guard ofThisProcess.procsFile != nil else { return }
        Thread.detachNewThread { ofThisProcess.touch() }
    }
}
