/// What the helper tells its caller, one line each, on the report descriptor:
///
///     pid 4242                                   the process it started (host PID)
///     error <kind>\t<call>\t<errno>\t<path>\t<message>
///
/// The descriptor is close-on-exec in the final process, so a successful `exec` shows
/// up as end-of-file after the `pid` line; a failure before `exec` as an `error` line.
/// A failed start is therefore always a clear message, never a silent exit 127.
public enum HelperReport: Equatable, Sendable {
    case started(pid: Int32)
    case failed(HelperFailure)

    public var line: String {
        switch self {
        case let .started(pid):
            return "pid \(pid)\n"
        case let .failed(failure):
            let fields = [failure.kind.rawValue, failure.call, String(failure.errno), failure.path, failure.message]
            return "error " + fields.map { $0.replacingTabsAndNewlines() }.joined(separator: "\t") + "\n"
        }
    }

    public static func parse(_ line: Substring) -> HelperReport? {
        if line.hasPrefix("pid "), let pid = Int32(line.dropFirst(4)) { return .started(pid: pid) }
        guard line.hasPrefix("error ") else { return nil }
        let fields = line.dropFirst(6).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, let kind = HelperFailure.Kind(rawValue: fields[0]), let code = Int32(fields[2]) else { return nil }
        return .failed(HelperFailure(kind: kind, call: fields[1], errno: code, path: fields[3], message: fields[4]))
    }

    /// Every report in the bytes read from the descriptor until end-of-file.
    public static func parseAll(_ bytes: [UInt8]) -> [HelperReport] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap(parse)
    }
}

public struct HelperFailure: Equatable, Sendable {
    /// What Kubernetes reason the failure maps to.
    public enum Kind: String, Sendable {
        /// The program does not exist or cannot be run: `StartError`, exit 127/126 for exec.
        case notFound
        case notExecutable
        /// Anything in setting up the container: `CreateContainerError`.
        case setup
        /// A bad plan: a bug.
        case plan
    }

    public var kind: Kind
    public var call: String
    public var errno: Int32
    public var path: String
    public var message: String

    public init(kind: Kind, call: String, errno: Int32, path: String, message: String) {
        self.kind = kind
        self.call = call
        self.errno = errno
        self.path = path
        self.message = message
    }
}

/// The descriptors of the helper protocol, fixed so both sides agree.
public enum HelperDescriptors {
    /// The plan, read to end-of-file.
    public static let plan: Int32 = 3
    /// The report, written line by line.
    public static let report: Int32 = 4
    /// exec with a terminal: a unix socket on which the helper sends the pty master it
    /// made inside the container (so the pty belongs to the container's devpts).
    public static let terminal: Int32 = 5
}

extension String {
    func replacingTabsAndNewlines() -> String {
        String(map { $0 == "\t" || $0 == "\n" ? " " : $0 })
    }
}
