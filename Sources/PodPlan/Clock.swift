import Glibc

public enum Clock {
    /// Seconds on the monotonic clock, for deadlines and back-off.
    public static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Now as RFC 3339 in UTC with seconds, as the Kubernetes API prints times.
    public static func rfc3339() -> String {
        rfc3339(wall: Int64(time(nil)))
    }

    /// `wall` (seconds since the epoch) as RFC 3339 in UTC.
    public static func rfc3339(wall: Int64) -> String {
        var now = time_t(wall)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
