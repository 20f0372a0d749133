/// The one error type of podctl. Every module throws it, so the CLI can print any
/// failure the same way and map it to an exit code.
///
/// `message` is written for a human: what was wrong, where (a field path, a file, a
/// pod) and what to do. `cause` keeps what lies underneath — a failed system call
/// with its errno and path, or another `PodError` — so nothing is lost on the way up.
public struct PodError: Error, Sendable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var cause: Cause?

    public init(_ code: Code, _ message: String, cause: Cause? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// What kind of failure this is; it decides the exit code of the CLI.
    public enum Code: String, Sendable, CaseIterable {
        /// A manifest that does not decode or does not validate.
        case invalidManifest
        /// A command-line value that makes no sense.
        case invalidArgument
        /// A pod, container, image or file that does not exist.
        case notFound
        /// Something that already exists and may not be replaced.
        case alreadyExists
        /// Another podctl holds the lock of a pod, or state changed under us.
        case conflict
        /// A state file that cannot be read back: podctl never guesses its content.
        case corruptState
        /// A system call failed.
        case system
        /// A feature podctl does not have (yet); the message names it.
        case unsupported
        /// A pod that did not become Ready (apply --wait): the message says why.
        case notReady
        /// A broken invariant inside podctl: a bug to report.
        case `internal`

        /// Exit codes, documented in docs/cli.md: 1 for what the user can fix in
        /// their input, 2 for what went wrong on the host.
        public var exitCode: Int32 {
            switch self {
            case .invalidManifest, .invalidArgument, .notFound, .alreadyExists, .unsupported, .notReady:
                return 1
            case .conflict:
                return 3
            case .corruptState, .system, .internal:
                return 2
            }
        }
    }

    public indirect enum Cause: Sendable, CustomStringConvertible {
        /// A system call that failed: its name, errno and the path it worked on.
        case system(call: String, errno: Int32, path: String?)
        case error(PodError)
        case text(String)

        public var description: String {
            switch self {
            case let .system(call, errno, path):
                let place = path.map { " on \($0)" } ?? ""
                return "\(call)\(place): \(errnoName(errno)) (\(errnoText(errno)))"
            case let .error(inner):
                return inner.description
            case let .text(text):
                return text
            }
        }
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message): \(cause)"
    }

    /// A failed system call, with the errno captured at the point of failure.
    public static func system(_ call: String, errno: Int32, path: String? = nil, _ message: String? = nil) -> PodError {
        let what = message ?? "\(call) failed" + (path.map { " for \($0)" } ?? "")
        return PodError(.system, what, cause: .system(call: call, errno: errno, path: path))
    }

    /// The errno of the underlying system call, if this error (or its cause chain) has one.
    public var errno: Int32? {
        switch cause {
        case let .system(_, errno, _): return errno
        case let .error(inner): return inner.errno
        default: return nil
        }
    }
}
