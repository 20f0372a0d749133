import Foundation
import Glibc
import GRPCCore
import PodCore
import PodCRIProtocol
import PodRuntime
import PodStore

/// The sandbox RPCs: a sandbox is a podctl pod without containers, made by apply's pipeline
/// (D62, PodManager+Sandbox.swift), with its record in the state store (SandboxRecord).
/// The semantics are containerd's (pkg/cri/server/sandbox_*.go): stopping a stopped or
/// unknown sandbox and removing a removed one succeed; the status of an unknown one is
/// NotFound.
extension RuntimeService {
    public func runPodSandbox(request: Runtime_V1_RunPodSandboxRequest, context _: ServerContext) async throws -> Runtime_V1_RunPodSandboxResponse {
        guard request.hasConfig else { throw RPCFailure.invalid("config", "the sandbox config is required") }
        // podctl has one runtime; containerd refuses a handler it has no runtime for.
        guard request.runtimeHandler.isEmpty else {
            throw RPCFailure.invalid("runtime_handler", "\(SandboxConfigMapping.quoted(request.runtimeHandler)): podctl has one runtime, the default (empty) handler")
        }
        let id = SandboxRecord.newID()
        // A malformed podctl entry of /etc/subuid is apply's error to report (it reads the pool for its own pods).
        let pool = request.config.linux.securityContext.namespaceOptions.hasUsernsOptions ? try? UserNamespaceRanges.configuredPool() : nil
        let mapping = try SandboxConfigMapping(request.config, id: id, runRoot: context.store.roots.runRoot, podctlPool: pool)
        let metadata = request.config.metadata
        // containerd reserves the name of (name, namespace, uid, attempt) for one sandbox.
        if let other = context.sandboxes.all().first(where: { $0.decodedConfig().metadata == metadata }) {
            throw RPCError(code: .alreadyExists, message: "config.metadata: sandbox \(other.id) already has name \(SandboxConfigMapping.quoted(metadata.name)), namespace \(SandboxConfigMapping.quoted(metadata.namespace)), uid \(SandboxConfigMapping.quoted(metadata.uid)) and attempt \(metadata.attempt); remove it first")
        }
        let record = SandboxRecord(id: id, namespace: mapping.pod.namespace, name: mapping.pod.name, createdAt: Self.nanosecondsNow(),
                                   runtimeHandler: request.runtimeHandler, config: try request.config.serializedBytes())
        let context = self.context
        try await Blocking.run { () throws(PodError) in
            // The record first: a daemon killed mid-start leaves a sandbox the kubelet can
            // still see and remove, never a pod nobody knows.
            try context.sandboxes.add(record)
            let manager = PodManager(store: context.store)
            do throws(PodError) {
                try manager.runSandbox(mapping.pod, options: mapping.options)
            } catch {
                try? context.sandboxes.remove(id)
                throw error
            }
            let paths = PodPaths(store: context.store, key: try record.key())
            if let pid = context.statuses.status(at: paths.status)?.supervisorPID { SupervisorReaper.reap(pid) }
        }
        sendEvent(.containerCreatedEvent, id: id, sandboxID: id)
        sendEvent(.containerStartedEvent, id: id, sandboxID: id)
        var response = Runtime_V1_RunPodSandboxResponse()
        response.podSandboxID = id
        return response
    }

    public func stopPodSandbox(request: Runtime_V1_StopPodSandboxRequest, context _: ServerContext) async throws -> Runtime_V1_StopPodSandboxResponse {
        guard let record = context.sandboxes.find(request.podSandboxID) else { return Runtime_V1_StopPodSandboxResponse() }
        let store = context.store
        // containerd stops a sandbox's containers forcibly: the kubelet gave them their
        // grace period with StopContainer before.
        try await Blocking.run { () throws(PodError) in try PodManager(store: store).stopSandbox(try record.key(), grace: 0) }
        sendSandboxStopped(record)
        return Runtime_V1_StopPodSandboxResponse()
    }

    public func removePodSandbox(request: Runtime_V1_RemovePodSandboxRequest, context _: ServerContext) async throws -> Runtime_V1_RemovePodSandboxResponse {
        guard let record = context.sandboxes.find(request.podSandboxID) else { return Runtime_V1_RemovePodSandboxResponse() }
        let context = self.context
        let containers = context.containers.all().filter { $0.sandboxID == record.id }
        // A running sandbox stops first (the kubelet's was stopped already), so that its
        // containers' ends are seen and sent before they are deleted.
        if SandboxView(record: record, context: context).ready {
            try await Blocking.run { () throws(PodError) in try PodManager(store: context.store).stopSandbox(try record.key(), grace: 0) }
        }
        sendSandboxStopped(record)
        try await Blocking.run { () throws(PodError) in
            let key = try record.key()
            try PodManager(store: context.store).removeSandbox(key)
            context.statuses.forget(PodPaths(store: context.store, key: key).status)
            for container in containers { try context.containers.remove(container.id) }
        }
        for container in containers { sendEvent(.containerDeletedEvent, id: container.id, sandboxID: record.id) }
        try await Blocking.run { () throws(PodError) in try context.sandboxes.remove(record.id) }
        sendEvent(.containerDeletedEvent, id: record.id, sandboxID: record.id)
        return Runtime_V1_RemovePodSandboxResponse()
    }

    public func podSandboxStatus(request: Runtime_V1_PodSandboxStatusRequest, context _: ServerContext) async throws -> Runtime_V1_PodSandboxStatusResponse {
        guard let record = context.sandboxes.find(request.podSandboxID) else {
            throw RPCError(code: .notFound, message: "pod_sandbox_id: no sandbox \(SandboxConfigMapping.quoted(request.podSandboxID))")
        }
        let view = SandboxView(record: record, context: context)
        var response = Runtime_V1_PodSandboxStatusResponse()
        response.status = view.status()
        if request.verbose { response.info = ["info": view.verboseInfo()] }
        return response
    }

    public func listPodSandbox(request: Runtime_V1_ListPodSandboxRequest, context _: ServerContext) async throws -> Runtime_V1_ListPodSandboxResponse {
        let filter = request.filter
        let records = sandboxRecords(id: request.hasFilter ? filter.id : "")
        var response = Runtime_V1_ListPodSandboxResponse()
        for record in records {
            let sandbox = SandboxView(record: record, context: context).listed()
            if request.hasFilter && filter.hasState && sandbox.state != filter.state.state { continue }
            if request.hasFilter && !CRIListFilter.labels(sandbox.labels, match: filter.labelSelector) { continue }
            response.items.append(sandbox)
        }
        response.items.sort { $0.createdAt < $1.createdAt }
        return response
    }

    static func nanosecondsNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// The daemon spawns the pods' supervisors (they run in sessions of their own and
/// outlive it); one that ends while the daemon runs is reaped here, so it does not stay
/// a zombie for the daemon's life. A supervisor of an earlier daemon is not this one's
/// child: waitpid fails at once with ECHILD, and init reaps it.
enum SupervisorReaper {
    static func reap(_ pid: Int32) {
        guard pid > 0 else { return }
        let thread = Thread {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        }
        thread.stackSize = 64 * 1024
        thread.start()
    }
}
