import Foundation
import GRPCCore
import PodCore

/// PodError to the gRPC status the CRI expects (containerd answers the same codes):
/// bad input InvalidArgument, a missing object NotFound, a state that forbids the call
/// FailedPrecondition, what is not built Unimplemented, the host's failures Internal.
enum RPCFailure {
    static func status(_ error: PodError) -> RPCError {
        let code: RPCError.Code
        switch error.code {
        case .invalidManifest, .invalidArgument: code = .invalidArgument
        case .notFound: code = .notFound
        case .alreadyExists: code = .alreadyExists
        case .conflict, .notReady: code = .failedPrecondition
        case .unsupported: code = .unimplemented
        case .corruptState, .system, .internal: code = .internalError
        }
        return RPCError(code: code, message: error.description)
    }

    /// A malformed request: the message names the field, in the proto's spelling.
    static func invalid(_ field: String, _ problem: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "\(field): \(problem)")
    }
}

/// Runs podctl's blocking work (file system walks, libcurl transfers, flock waits) on a
/// thread of its own, not on Swift's cooperative pool: on two cores, one pull held on a
/// pool thread would stall every other RPC, the kubelet's frequent list calls among them.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(PodError) -> T) async throws -> T {
        let result: Result<T, PodError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(PodError) { continuation.resume(returning: .success(try work())) } catch { continuation.resume(returning: .failure(error)) }
            }
            thread.start()
        }
        switch result {
        case let .success(value): return value
        case let .failure(error): throw RPCFailure.status(error)
        }
    }
}
