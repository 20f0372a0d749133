import CPodShim
import Glibc
import PodLaunch
import PodOS

/// `pod-helper host-ports HOLDER POD-IP [HOST-IP HOST-PORT CONTAINER-PORT tcp|udp]…`: the hostPorts
/// of a non-root user's pod (#18 item 4, D69), as rootless Podman's rootlessport. A user
/// has no nftables on the host, and pasta's port list is fixed when the user network
/// starts, so this process of the user, started by the pod's supervisor, listens on each
/// host port (TCP or UDP) in the host's network namespace, where it starts, then joins the user
/// network (the holder's user and network namespaces, D65) and connects each accepted
/// connection to POD-IP:CONTAINER-PORT from there: a socket keeps the namespace it was
/// made in (socket(7)), so the listeners stay on the host after the join. Each TCP
/// connection is copied by a child of its own (at most 1024 at once), which dies with this
/// process, which dies with the supervisor (PR_SET_PDEATHSIG); UDP datagrams are carried
/// by this process, a flow per client (HostPortsUDP.swift). It reports `started` on
/// descriptor 4 once every port listens, or `failed` naming the port.
func runHostPorts(_ arguments: [String]) -> Never {
    _ = podshim_set_parent_death_signal(SIGKILL)
    guard let ports = HostPortArguments(arguments) else {
        fail(.plan, "parse", EINVAL, "", "usage: pod-helper host-ports HOLDER POD-IP [HOST-IP HOST-PORT CONTAINER-PORT tcp|udp]…")
    }
    let listeners = ports.forwards.map(listen(on:))
    join("user", of: ports.holder, flag: Namespace.user)
    join("net", of: ports.holder, flag: Namespace.net)
    report(.started(pid: getpid()))
    close(HelperDescriptors.report)
    signal(SIGPIPE, SIG_IGN)
    var flows = UDPFlows()
    var live = 0
    while true {
        // Connection children are reaped and UDP flows expired at least once a second;
        // past the bound a new connection is closed at once instead of costing a process.
        var polled = (listeners + flows.descriptors).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if poll(&polled, nfds_t(polled.count), 1000) < 0 && errno != EINTR { exit(1) }
        let now = monotonicSeconds()
        var status: Int32 = 0
        while live > 0 && waitpid(-1, &status, WNOHANG) > 0 { live -= 1 }
        // The flows' replies first: a new flow appended below does not shift their indices.
        for index in listeners.count..<polled.count where polled[index].revents != 0 { flows.fromPod(index - listeners.count, now: now) }
        for (index, forward) in ports.forwards.enumerated() where polled[index].revents != 0 {
            if forward.udp {
                flows.fromClients(listeners[index], to: ports.podIP, port: forward.containerPort, now: now)
                continue
            }
            // accept4 is not imported; single-threaded, nothing can exec between the two calls.
            let client = accept(listeners[index], nil, nil)
            if client < 0 { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            if live < maximumConnections && relay(client, to: ports.podIP, port: forward.containerPort, inherited: listeners + flows.descriptors) { live += 1 }
            close(client)
        }
        flows.expire(now: now)
    }
}

/// Connections copied at once per pod, each by a process of the user's.
private let maximumConnections = 1024

struct HostPortForward {
    var hostIP: in_addr
    var hostPort: UInt16
    var containerPort: UInt16
    var hostIPText: String
    var udp: Bool
}

struct HostPortArguments {
    var holder: Int32
    var podIP: in_addr
    var forwards: [HostPortForward] = []

    init?(_ arguments: [String]) {
        guard arguments.count >= 6, (arguments.count - 2) % 4 == 0, let holder = Int32(arguments[0]), holder > 0,
              let podIP = Self.address(arguments[1]) else { return nil }
        self.holder = holder
        self.podIP = podIP
        for start in stride(from: 2, to: arguments.count, by: 4) {
            let text = arguments[start].isEmpty ? "0.0.0.0" : arguments[start]
            guard let hostIP = Self.address(text), let hostPort = UInt16(arguments[start + 1]), hostPort > 0,
                  let containerPort = UInt16(arguments[start + 2]), containerPort > 0,
                  ["tcp", "udp"].contains(arguments[start + 3]) else { return nil }
            forwards.append(HostPortForward(hostIP: hostIP, hostPort: hostPort, containerPort: containerPort, hostIPText: text, udp: arguments[start + 3] == "udp"))
        }
    }

    static func address(_ text: String) -> in_addr? {
        var value = in_addr()
        return inet_pton(AF_INET, text, &value) == 1 ? value : nil
    }
}

/// A TCP listener, or a bound UDP socket, on the host's HOST-IP:HOST-PORT. A port taken,
/// below the unprivileged limit or on an address the host does not have fails the start
/// with what to do. SO_REUSEADDR for TCP only: on UDP it would let a second pod bind the
/// same port beside this one (socket(7)) instead of failing as taken.
private func listen(on forward: HostPortForward) -> Int32 {
    let where_ = "\(forward.hostIPText):\(forward.hostPort)/\(forward.udp ? "UDP" : "TCP")"
    let type = forward.udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue
    let fd = check(socket(AF_INET, Int32(type) | Int32(SOCK_CLOEXEC.rawValue), 0), "socket", where_)
    var one: Int32 = 1
    if !forward.udp { _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = forward.hostPort.bigEndian
    address.sin_addr = forward.hostIP
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    if bound != 0 {
        let code = errno
        let message: String
        switch code {
        case EADDRINUSE:
            message = "hostPort \(forward.hostPort) is already in use on this host (\(where_)): stop what listens there, or choose another hostPort"
        case EACCES:
            message = "hostPort \(forward.hostPort) is below net.ipv4.ip_unprivileged_port_start: choose a higher hostPort, or lower the limit (sysctl net.ipv4.ip_unprivileged_port_start)"
        case EADDRNOTAVAIL:
            message = "hostIP \(forward.hostIPText) of hostPort \(forward.hostPort) is not an address of this host"
        default:
            message = "cannot listen on hostPort \(forward.hostPort) (\(where_)): \(String(cString: strerror(code)))"
        }
        fail(.setup, "bind", code, where_, message)
    }
    if forward.udp { return fd }
    check(Glibc.listen(fd, 128), "listen", where_, "cannot listen on hostPort \(forward.hostPort)")
    return fd
}

/// Forks the child that connects `client` to POD-IP:PORT inside the user network and
/// copies both ways until both ends are done.
/// False when no child could be forked (the connection is then closed).
/// `inherited`: the parent's listeners and flows, closed in the child.
private func relay(_ client: Int32, to podIP: in_addr, port: UInt16, inherited: [Int32]) -> Bool {
    let parent = getpid()
    let child = fork()
    if child != 0 { return child > 0 }
    _ = podshim_set_parent_death_signal(SIGKILL)
    if getppid() != parent { _exit(0) }
    inherited.forEach { close($0) }
    let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard upstream >= 0, connectToPod(upstream, podIP, port) else { _exit(1) }
    copyBothWays(client, upstream)
    _exit(0)
}

/// connect(2)s `fd`, made inside the user network, to POD-IP:PORT: a TCP relay's
/// upstream, or a UDP flow's (HostPortsUDP.swift).
func connectToPod(_ fd: Int32, _ podIP: in_addr, _ port: UInt16) -> Bool {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr = podIP
    return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}

/// Copies bytes between `a` and `b` until both directions reached end-of-file; an end
/// on one side is passed on as a half-close (shutdown(SHUT_WR)), as HTTP clients expect.
private func copyBothWays(_ a: Int32, _ b: Int32) {
    var open = [true, true]  // a → b, b → a
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while open[0] || open[1] {
        var fds = [pollfd(fd: open[0] ? a : -1, events: Int16(POLLIN), revents: 0), pollfd(fd: open[1] ? b : -1, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { return } }
        for (index, (from, to)) in [(a, b), (b, a)].enumerated() where open[index] && fds[index].revents != 0 {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                open[index] = false
                shutdown(to, Int32(SHUT_WR))
                continue
            }
            guard writeAll(to, buffer, count) else { return }
        }
    }
}

private func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
    var offset = 0
    while offset < count {
        let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, count - offset) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return false }
        offset += written
    }
    return true
}
