import PodCore

/// What to read, with the meaning of the `kubectl logs` flags (as the kubelet applies
/// them in `kuberuntime/logs.ReadLogs`):
///
/// - `tail`: only the last N logical lines (`--tail`; nil or negative: all, as -1).
/// - `since`: only lines whose first record is at or after this time (`--since`,
///   `--since-time`; see `LogOptions.since(_:now:)` and `sinceTime(_:)`).
/// - `timestamps`: each line starts with its RFC 3339 timestamp and a space, 9 digits.
/// - `previous`: the instance before the newest (`-p`).
/// - `limitBytes`: stop after this many bytes of output (`--limit-bytes`); the prefix is
///   not counted, as kubectl adds it on the client side.
/// - `prefix`: text before each line (`--prefix`, see `LogPrefix`).
public struct LogOptions: Sendable {
    public var tail: Int?
    public var since: LogTimestamp?
    public var timestamps: Bool
    public var previous: Bool
    public var limitBytes: Int?
    public var prefix: String?

    public init(tail: Int? = nil, since: LogTimestamp? = nil, timestamps: Bool = false, previous: Bool = false, limitBytes: Int? = nil, prefix: String? = nil) {
        self.tail = tail
        self.since = since
        self.timestamps = timestamps
        self.previous = previous
        self.limitBytes = limitBytes
        self.prefix = prefix
    }

    /// kubectl's checks, with its messages.
    public func validate() throws(PodError) {
        if let limitBytes, limitBytes <= 0 {
            throw PodError(.invalidArgument, "--limit-bytes must be greater than 0")
        }
    }

    /// `--since-time`: an RFC 3339 time.
    public static func sinceTime(_ text: String) throws(PodError) -> LogTimestamp {
        guard let time = LogTimestamp.parse(text) else {
            throw PodError(.invalidArgument, "--since-time must be an RFC 3339 time (2006-01-02T15:04:05Z), got \"\(text)\"")
        }
        return time
    }

    /// `--since`: a Go duration (`5s`, `2m30s`, `1.5h`) back from `now`.
    public static func since(_ duration: String, now: LogTimestamp = .now()) throws(PodError) -> LogTimestamp {
        guard let nanoseconds = GoDuration.nanoseconds(duration), nanoseconds >= 0 else {
            throw PodError(.invalidArgument, "--since must be a duration such as 5s, 2m or 3h, got \"\(duration)\"")
        }
        return now.adding(nanoseconds: -nanoseconds)
    }
}

/// Go's `time.ParseDuration`, which kubectl uses for `--since`: a sequence of decimal
/// numbers with units ns, us (µs), ms, s, m, h; "0" alone is allowed.
enum GoDuration {
    static func nanoseconds(_ text: String) -> Int64? {
        var rest = Substring(text)
        var sign: Double = 1
        if rest.first == "-" || rest.first == "+" {
            sign = rest.first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units[String(unitText)] else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit
        }
        guard total * sign < 9.2e18, total * sign > -9.2e18 else { return nil }
        return Int64(total * sign)
    }

    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]
}
