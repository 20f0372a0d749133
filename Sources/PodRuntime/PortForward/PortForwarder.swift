import CPodShim
import Foundation
import Glibc
import PodCore

/// `podctl port-forward` (docs/network.md, "Port forwarding"): listens on the host side,
/// and forwards every accepted connection to the pod's loopback through the in-pod
/// connector. One thread polls the listeners, the pause's pidfd (the pod's end) and a
/// signal pipe (SIGINT, SIGTERM); each connection is copied by its own pump.
public final class PortForwarder {
    let view: PodView
    let listeners: [ForwardListener]
    let connector: PodConnector

    /// Starts the in-pod connector (PodConnector: the pod must run) and opens the listeners.
    public init(view: PodView, specs: [PortForwardSpec], addresses: [String]) throws(PodError) {
        self.view = view
        let binding = try ForwardAddress.parse(addresses)
        connector = try PodConnector(view: view)
        do { listeners = try PortForwarder.listen(specs, binding) } catch {
            connector.stop()
            throw error
        }
    }

    /// kubectl's rule: each port needs one listener on some address; an address that
    /// cannot be bound (no IPv6 on `localhost`) is skipped unless it was named.
    private static func listen(_ specs: [PortForwardSpec], _ binding: [(ForwardAddress, required: Bool)]) throws(PodError) -> [ForwardListener] {
        var result: [ForwardListener] = []
        for var spec in specs {
            var any = false
            for (address, required) in binding {
                do {
                    let listener = try ForwardListener.open(address, spec)
                    spec = listener.spec
                    result.append(listener)
                    any = true
                } catch {
                    if !required { continue }
                    result.forEach { close($0.descriptor) }
                    throw PodError(.invalidArgument, "unable to listen on any of the requested ports: [{\(spec.local) \(spec.remote)}]", cause: .error(error))
                }
            }
            if !any {
                result.forEach { close($0.descriptor) }
                throw PodError(.invalidArgument, "unable to listen on any of the requested ports: [{\(spec.local) \(spec.remote)}]")
            }
        }
        return result
    }

    /// How the forwarder ended.
    public enum End: Equatable, Sendable {
        case signalled
        case podGone
    }

    /// Prints kubectl's "Forwarding from" lines, then serves until a signal or the pod's end.
    public func run(say: (String) -> Void, complain: (String) -> Void) throws(PodError) -> End {
        for listener in listeners { say("Forwarding from \(listener.address.display(listener.spec.local)) -> \(listener.spec.remote)") }
        let signals = try SignalPipe.install([SIGINT, SIGTERM])
        defer { connector.stop(); listeners.forEach { close($0.descriptor) } }
        var entries = listeners.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        entries += [pollfd(fd: connector.pause, events: Int16(POLLIN), revents: 0), pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&entries, nfds_t(entries.count), -1) < 0 {
                if errno == EINTR { continue }
                throw PodError.system("poll", errno: errno)
            }
            if entries[entries.count - 1].revents != 0 { return .signalled }
            if entries[entries.count - 2].revents != 0 { return .podGone }
            for (index, entry) in entries.prefix(listeners.count).enumerated() where entry.revents != 0 {
                try accept(listeners[index], say: say, complain: complain)
            }
        }
    }

    private func accept(_ listener: ForwardListener, say: (String) -> Void, complain: (String) -> Void) throws(PodError) {
        // accept4 is not imported (it needs _GNU_SOURCE); nothing is spawned between the
        // two calls but the helper, started before any accept.
        let client = Glibc.accept(listener.descriptor, nil, nil)
        guard client >= 0 else { return }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        // The listener is non-blocking; the accepted socket must not be (the pumps block).
        _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) & ~O_NONBLOCK)
        say("Handling connection for \(listener.spec.local)")
        switch try connector.connect(listener.spec.remote) {
        case let .success(server):
            ConnectionPump(client: client, server: server).start()
        case let .failure(failure):
            close(client)
            complain(ForwardMessages.connectFailed(local: listener.spec.local, remote: listener.spec.remote, pod: view.key.name, errno: failure.errno))
        }
    }
}
