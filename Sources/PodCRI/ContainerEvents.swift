import Foundation
import PodCRIProtocol

/// The source of GetContainerEvents, as containerd's container event queue
/// (internal/cri/server/events.go, `generateAndSendContainerEvent`): CREATED, STARTED,
/// STOPPED and DELETED for every container and, with the sandbox's ID as the container
/// ID, for every sandbox. The RPCs send what they did (RuntimeService+Events.swift); a
/// container or sandbox that ends by itself is seen by the status watch
/// (ContainerEventWatch) while someone listens.
///
/// Each ID's last event is kept, so that a transition seen twice (StopContainer's own
/// wait and the watch) is sent once; an ID's entry goes with its DELETED event.
/// Each listener has a buffer of `bufferSize` events: one that does not read loses the
/// newest beyond it, as containerd drops events its full channel cannot take, and never
/// holds up an RPC.
public final class ContainerEvents: @unchecked Sendable {
    typealias Event = Runtime_V1_ContainerEventResponse
    static let bufferSize = 1024

    private let lock = NSLock()
    private var listeners: [Int: AsyncStream<Event>.Continuation] = [:]
    private var nextListener = 0
    private var last: [String: Runtime_V1_ContainerEventType] = [:]
    private var closed = false
    /// The status watch, running while anyone listens.
    private var watch: Task<Void, Never>?

    /// A new listener's stream, nil once the daemon is stopping.
    func listen() -> (id: Int, events: AsyncStream<Event>)? {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingOldest(Self.bufferSize))
        return lock.withLock {
            guard !closed else { return nil }
            nextListener += 1
            listeners[nextListener] = continuation
            return (nextListener, stream)
        }
    }

    /// Ends the listener's stream; the last one out stops the watch.
    func stopListening(_ id: Int) {
        let (continuation, watch): (AsyncStream<Event>.Continuation?, Task<Void, Never>?) = lock.withLock {
            let continuation = listeners.removeValue(forKey: id)
            guard listeners.isEmpty else { return (continuation, nil) }
            defer { self.watch = nil }
            return (continuation, self.watch)
        }
        continuation?.finish()
        watch?.cancel()
    }

    /// Starts the watch unless it runs or nobody listens.
    func startWatch(_ make: () -> Task<Void, Never>) {
        lock.withLock {
            guard watch == nil, !listeners.isEmpty, !closed else { return }
            watch = make()
        }
    }

    /// The last event sent for `id`, nil before the first and after DELETED.
    func lastEvent(_ id: String) -> Runtime_V1_ContainerEventType? { lock.withLock { last[id] } }

    /// What a watch that starts finds, as if its events had been sent (a daemon started
    /// again knows nothing of the events of the one before); an ID with an event keeps it.
    func seed(_ type: Runtime_V1_ContainerEventType, id: String) {
        lock.withLock { if last[id] == nil { last[id] = type } }
    }

    /// Sends `type` for `id` to every listener; STOPPED and DELETED, which both an RPC
    /// and the watch may see, only when they were not `id`'s last event. `event` makes
    /// the message (the statuses) only when it is sent.
    func send(_ type: Runtime_V1_ContainerEventType, id: String, _ event: () -> Event) {
        let send: Bool = lock.withLock {
            let seenTwice = type == .containerStoppedEvent || type == .containerDeletedEvent
            guard !seenTwice || last[id] != type else { return false }
            if type == .containerDeletedEvent { last.removeValue(forKey: id) } else { last[id] = type }
            return !listeners.isEmpty
        }
        guard send else { return }
        let message = event()
        for continuation in lock.withLock({ Array(listeners.values) }) { continuation.yield(message) }
    }

    /// The daemon is stopping: every stream ends, so the graceful stop does not wait for
    /// listeners that never hang up (the kubelet's stream lives as long as it does).
    public func close() {
        let (continuations, watch): ([AsyncStream<Event>.Continuation], Task<Void, Never>?) = lock.withLock {
            closed = true
            defer {
                listeners = [:]
                self.watch = nil
            }
            return (Array(listeners.values), self.watch)
        }
        for continuation in continuations { continuation.finish() }
        watch?.cancel()
    }
}
