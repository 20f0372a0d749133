import PodCore

/// What the helper tells its caller on the report descriptor: `RPT1` messages of the
/// framed encoding (WireWriter.swift), one per report:
///
///     pid 4242                                   the process it started (host PID)
///     failure: kind, call, errno, path, message  why it could not start it
///     root filesystem: driver, reason            how a user's container root was mounted (D71)
///
/// The message and path name manifest strings (a program, a working directory), so they
/// are framed like the plan, never spliced into a line a caller splits.
/// The descriptor is close-on-exec in the final process, so a successful `exec` shows
/// up as end-of-file after the `pid` report; a failure before `exec` as a failure.
/// A failed start is therefore always a clear message, never a silent exit 127.
public enum HelperReport: Equatable, Sendable {
    case started(pid: Int32)
    case failed(HelperFailure)
    /// A non-root user's container root: `overlay` (the kernel's) or `fuse-overlayfs`,
    /// and why; sent before `started` (D71).
    case rootFilesystem(driver: String, reason: String)

    enum Field: UInt16 { case pid = 1, kind, call, errno, path, message, driver, reason }

    public var encoded: [UInt8] {
        WireWriter.message(.report) { out in
            switch self {
            case let .started(pid):
                out.int32(Field.pid.rawValue, pid)
            case let .rootFilesystem(driver, reason):
                out.string(Field.driver.rawValue, driver)
                out.string(Field.reason.rawValue, reason)
            case let .failed(failure):
                out.string(Field.kind.rawValue, failure.kind.rawValue)
                out.string(Field.call.rawValue, failure.call)
                out.int32(Field.errno.rawValue, failure.errno)
                out.string(Field.path.rawValue, failure.path)
                out.string(Field.message.rawValue, failure.message)
            }
        }
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(PodError) -> HelperReport {
        let fields = try WireFields<Field>(body, what: "a report of pod-helper")
        if let pid = try fields.int32(.pid) { return .started(pid: pid) }
        if let driver = try fields.string(.driver) { return .rootFilesystem(driver: driver, reason: try fields.string(.reason) ?? "") }
        let name = try fields.string(.kind) ?? ""
        guard let kind = HelperFailure.Kind(rawValue: name) else { throw fields.malformed("an unknown failure kind \"\(name)\"") }
        return .failed(HelperFailure(kind: kind, call: try fields.string(.call) ?? "", errno: try fields.int32(.errno) ?? 0,
                                     path: try fields.string(.path) ?? "", message: try fields.string(.message) ?? ""))
    }

    /// Every report in the bytes read from the descriptor until end-of-file. Bytes that
    /// are not reports (a truncated or foreign message) become a `plan` failure after the
    /// reports before them (a started PID is still known), so a broken helper is
    /// reported, never taken for a successful start.
    public static func parseAll(_ bytes: [UInt8]) -> [HelperReport] {
        let (bodies, problem) = WireReader.leadingMessages(bytes, .report, what: "the report of pod-helper")
        var reports: [HelperReport] = []
        do throws(PodError) {
            for body in bodies { reports.append(try decode(body)) }
            if let problem { throw problem }
        } catch {
            reports.append(.failed(HelperFailure(kind: .plan, call: "read", errno: 0, path: "", message: error.message)))
        }
        return reports
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
    /// The report, written message by message.
    public static let report: Int32 = 4
    /// exec with a terminal: a unix socket on which the helper sends the pty master it
    /// made inside the container (so the pty belongs to the container's devpts).
    public static let terminal: Int32 = 5
    /// exec with `targetPinned`: a pidfd of the container's process.
    public static let target: Int32 = 6
    /// A container start held until the pod's network is ready: the read end of a pipe.
    /// The container's process, its root built, reads one byte before it execs the init
    /// (end-of-file instead: the network failed, it exits). Present only when passed:
    /// spawnProcess closes every descriptor above the highest it passes.
    public static let startGate: Int32 = 7
}
