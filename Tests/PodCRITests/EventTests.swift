import Foundation
import Glibc
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCRIProtocol
import PodTestSupport
import Testing

/// GetContainerEvents of the built podctl-cri: the events containerd sends, in order,
/// for a sandbox and its containers, from the RPCs and from a container that exits by
/// itself (the status watch); and a SIGTERM that ends the stream, so the daemon stops.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct EventTests {
    /// The events a listener has received so far.
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [Runtime_V1_ContainerEventResponse] = []
        func append(_ event: Runtime_V1_ContainerEventResponse) { lock.withLock { events.append(event) } }
        var all: [Runtime_V1_ContainerEventResponse] { lock.withLock { events } }
        func pairs() -> [String] { all.map { "\($0.containerID.prefix(6)) \($0.containerEventType)" } }

        func waitFor(_ id: String, _ type: Runtime_V1_ContainerEventType) throws -> Runtime_V1_ContainerEventResponse {
            var found: Runtime_V1_ContainerEventResponse?
            try waitUntil("event \(type) of \(id)", timeout: 20) {
                found = all.first { $0.containerID == id && $0.containerEventType == type }
                return found != nil
            }
            return found!
        }
    }

    /// A daemon in the harness's namespaces and a listener on its socket, whose task ends
    /// when the stream does.
    static func listening() throws -> (CRIDaemon, Received, Task<Void, any Error>) {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let received = Received()
        let listener = Task {
            try await daemon.withClients { runtime, _ in
                try await runtime.getContainerEvents(Runtime_V1_GetEventsRequest()) { response in
                    for try await event in response.messages { received.append(event) }
                }
            }
        }
        return (daemon, received, listener)
    }

    /// A sandbox whose events the listener received: the stream is open once the daemon
    /// counts the listener, which the test learns from an event (the RPCs send to
    /// listeners only); a sandbox made before that is removed and another one made.
    static func seenSandbox(_ runtime: ContainerTests.Runtime, _ received: Received, name: String, logs: String) async throws -> String {
        var config = SandboxTests.config(name)
        config.logDirectory = logs
        for attempt in 0..<100 {
            config.metadata.attempt = UInt32(attempt)
            let id = try await SandboxTests.run(runtime, config)
            if received.all.contains(where: { $0.containerID == id }) { return id }
            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = id
            _ = try await runtime.removePodSandbox(remove)
        }
        throw HarnessError("the event stream never delivered: \(received.pairs())")
    }

    @Test func eventsOfASandboxAndItsContainersInOrder() async throws {
        let (daemon, received, listener) = try Self.listening()
        defer { listener.cancel() }
        try daemon.harness.loadBusybox()
        try await daemon.withClients { runtime, _ in
            let sandbox = try await Self.seenSandbox(runtime, received, name: "events", logs: daemon.directory.file("logs"))
            let quick = try await ContainerTests.create(runtime, sandbox: sandbox, name: "quick", command: ["sh", "-c", "exit 0"])
            let sleeper = try await ContainerTests.create(runtime, sandbox: sandbox, name: "sleeper", command: ["sleep", "600"])
            try await ContainerTests.start(runtime, quick)
            // Nobody stops it: the watch of the supervisors' status files sees it end.
            let quickStopped = try received.waitFor(quick, .containerStoppedEvent)
            #expect(quickStopped.podSandboxStatus.id == sandbox && quickStopped.podSandboxStatus.state == .sandboxReady)
            #expect(quickStopped.containersStatuses.first { $0.id == quick }?.state == .containerExited)
            try await ContainerTests.start(runtime, sleeper)
            var stop = Runtime_V1_StopContainerRequest()
            stop.containerID = sleeper
            stop.timeout = 0
            _ = try await runtime.stopContainer(stop)
            var remove = Runtime_V1_RemoveContainerRequest()
            remove.containerID = sleeper
            _ = try await runtime.removeContainer(remove)
            var stopSandbox = Runtime_V1_StopPodSandboxRequest()
            stopSandbox.podSandboxID = sandbox
            _ = try await runtime.stopPodSandbox(stopSandbox)
            _ = try await runtime.stopPodSandbox(stopSandbox)
            var removeSandbox = Runtime_V1_RemovePodSandboxRequest()
            removeSandbox.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(removeSandbox)
            let deleted = try received.waitFor(sandbox, .containerDeletedEvent)
            #expect(!deleted.hasPodSandboxStatus && deleted.containersStatuses.isEmpty)

            func pair(_ id: String, _ type: Runtime_V1_ContainerEventType) -> String { "\(id.prefix(6)) \(type)" }
            let expected = [
                pair(sandbox, .containerStartedEvent),
                pair(quick, .containerCreatedEvent), pair(sleeper, .containerCreatedEvent),
                pair(quick, .containerStartedEvent), pair(quick, .containerStoppedEvent),
                pair(sleeper, .containerStartedEvent), pair(sleeper, .containerStoppedEvent), pair(sleeper, .containerDeletedEvent),
                pair(sandbox, .containerStoppedEvent),
                pair(quick, .containerDeletedEvent), pair(sandbox, .containerDeletedEvent),
            ]
            // The sandbox's CREATED may have come before the listener counted.
            let sequence = received.pairs().filter { $0.hasPrefix(sandbox.prefix(6)) || $0.hasPrefix(quick.prefix(6)) || $0.hasPrefix(sleeper.prefix(6)) }
            #expect(Array(sequence.drop { $0 != expected[0] }) == expected, "\(received.pairs())")
            let created = try received.waitFor(quick, .containerCreatedEvent)
            #expect(created.podSandboxStatus.id == sandbox && created.createdAt > 0)
            #expect(created.containersStatuses.map(\.id) == [quick])
        }
    }

    /// The daemon's graceful stop ends the streams it serves, so a listener that never
    /// hangs up (a kubelet) does not keep it from stopping.
    @Test func aStopEndsTheStream() async throws {
        let (daemon, received, listener) = try Self.listening()
        defer { listener.cancel() }
        try await daemon.withClients { runtime, _ in
            let id = try await Self.seenSandbox(runtime, received, name: "stopping", logs: daemon.directory.file("logs"))
            #expect(received.all.contains { $0.containerID == id && $0.containerEventType == .containerStartedEvent })
            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = id
            _ = try await runtime.removePodSandbox(remove)
        }
        kill(daemon.process.processIdentifier, SIGTERM)
        try waitUntil("podctl-cri stops with a listener connected", timeout: 20) { !daemon.process.isRunning }
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log)")
        _ = await listener.result
    }
}
