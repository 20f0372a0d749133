import Foundation
import PodPlan

extension EventRecord {
    /// kubectl's LAST SEEN column (`podctl events`): the time since the event, with
    /// repeats `10s (x3 over 2m)`; the same text as describe's Age.
    public func lastSeen(now: Date) -> String {
        DescribeWriter.age(of: self, now: now)
    }
}
