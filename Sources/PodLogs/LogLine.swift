/// One line of `podctl logs` output, ready to print.
public struct LogLine: Sendable {
    public var stream: LogStream
    /// Of the line's first record; nil for a line of the file that is not a record.
    public var timestamp: LogTimestamp?
    /// Prefix, timestamp and text as the options ask, and a newline when `isComplete`.
    public var bytes: [UInt8]
    /// False for text whose line has not ended: a part shown while following (the rest
    /// comes as a continuation), a last line that never got its newline, or output
    /// cut by `limitBytes`.
    public var isComplete: Bool
    /// The rest of a line whose start an earlier `LogLine` carried: no prefix, no timestamp.
    public var isContinuation: Bool
}

/// The `--prefix` of `kubectl logs`: `[pod/NAME/CONTAINER] ` before every line (kubectl
/// writes it client-side, before the kubelet's timestamp).
public enum LogPrefix {
    public static func kubectl(pod: String, container: String) -> String {
        "[pod/\(pod)/\(container)] "
    }
}
