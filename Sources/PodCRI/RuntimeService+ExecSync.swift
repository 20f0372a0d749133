import Foundation
import GRPCCore
import PodCore
import PodCRIProtocol
import PodExec
import PodRuntime
import PodStore

/// ExecSync: the command runs in the container through its exec plan (D59: the
/// container's process pinned with a pidfd, then pod-helper joins it), its output
/// captured. containerd's answers (pkg/cri/server/container_execsync.go): the exit code
/// as the command gave it; past `timeout` seconds the command is killed and the call
/// fails (DEADLINE_EXCEEDED); a container that is not running is an error.
extension RuntimeService {
    /// Output kept per stream: the response is held in memory, so it is bounded; more is
    /// read and dropped, and the command is never blocked on a full pipe.
    static let execOutputLimit = 16 << 20

    public func execSync(request: Runtime_V1_ExecSyncRequest, context _: ServerContext) async throws -> Runtime_V1_ExecSyncResponse {
        let record = try container(request.containerID)
        guard !request.cmd.isEmpty else { throw RPCFailure.invalid("cmd", "a command is required") }
        try ContainerConfigMapping.checkWords(request.cmd, "cmd")
        let store = context.store
        let command = request.cmd
        let timeout = request.timeout > 0 ? Double(request.timeout) : nil
        let outcome = try await Blocking.run { () throws(PodError) -> CapturedExec.Outcome in
            let (plan, target) = try record.pinnedExec(store: store)
            return try CapturedExec(plan: plan, target: target).run(command, timeout: timeout, limit: Self.execOutputLimit)
        }
        if outcome.timedOut {
            throw RPCError(code: .deadlineExceeded, message: "timeout \(request.timeout)s exceeded: the command was killed (SIGKILL)")
        }
        var response = Runtime_V1_ExecSyncResponse()
        response.stdout = Data(outcome.stdout)
        response.stderr = Data(outcome.stderr)
        response.exitCode = outcome.exitCode
        return response
    }
}
