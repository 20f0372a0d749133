import Glibc
import PodCore
import PodExec
import PodJSON
import PodLaunch
import PodOS
import PodPlan

extension Supervisor {
    /// pod-network started ahead of the sandbox (see startNetworkProcess); nil when the pod
    /// has no network of its own, or when it cannot be started now (beginNetworkAttach
    /// tries again and reports why).
    func startNetworkProcessEarly() -> IdleNetworkProcess? {
        guard let network = plan.network, !network.hostNetwork else { return nil }
        return try? startNetworkProcess(userNetworkPID: network.userNetworkPID)
    }

    /// Starts wiring the pod's network after pause started: the veth, the address lease,
    /// the hostPorts and `eth0`'s address and route by `pod-network` (a short-lived
    /// process, so libnftables and Foundation are not resident in every supervisor; D56,
    /// D74). Returns once the request is written: the first containers' start runs beside
    /// it, held before their exec (StartGate, D80). Nil when the pod has no network of its own.
    func beginNetworkAttach(_ started: IdleNetworkProcess?) throws(NetworkFailure) -> NetworkProcess? {
        guard let network = plan.network, !network.hostNetwork else { started?.callOff(); return nil }
        do {
            let idle = try started ?? startNetworkProcess(userNetworkPID: network.userNetworkPID)
            return try idle.send(NetworkRequest(op: .attach, namespace: plan.namespace, name: plan.name, pausePID: status.pausePID,
                                                          network: bridgeSide(network), configuresInterface: plan.rootless == nil))
        } catch {
            throw NetworkFailure(reason: "NetworkSetupError", message: "cannot set up the pod's network: \(error)")
        }
    }

    /// Reads pod-network's reply to the attach and finishes what the supervisor does
    /// itself: a non-root user's pod has pod-helper configure `eth0` (it enters the user
    /// network's user namespace first) and its hostPorts forwarded (D69).
    func completeNetworkAttach(_ process: NetworkProcess) throws(NetworkFailure) {
        guard let network = plan.network else { return }
        let reply: NetworkReply
        do { reply = try process.reply() } catch {
            throw NetworkFailure(reason: "NetworkSetupError", message: "cannot set up the pod's network: \(error)")
        }
        if let reason = reply.failureReason { throw NetworkFailure(reason: reason, message: reply.message) }
        guard let podIP = reply.podIP, let interface = reply.interface else {
            throw NetworkFailure(reason: "NetworkSetupError", message: "cannot set up the pod's network: pod-network answered without an address")
        }
        do { if reply.interfaceConfigured != true { try configureInterface(interface) } } catch {
            throw NetworkFailure(reason: "NetworkSetupError", message: "cannot set up the pod's network: \(error)")
        }
        status.podIP = podIP
        if network.userNetworkPID != nil && !network.ports.isEmpty {
            if let failure = startHostPortForwarder(network, podIP: podIP) { throw NetworkFailure(reason: failure.reason, message: failure.message) }
        }
        status.record(.normal, "NetworkReady", "Pod address \(podIP) on \(network.bridge) (\(reply.hostInterface ?? "?"))")
    }

    /// A pod that ended on its own gives back its address, hostPorts and host veth, as the
    /// kubelet's StopPodSandbox has the CNI plugin release them (CNI DEL); status keeps the
    /// address it had, and `delete` finds nothing left to release.
    func releaseNetwork() {
        guard let network = plan.network, !network.hostNetwork else { return }
        do {
            // An address in the status means the attach succeeded: the ports are known.
            let reply = try runNetworkProcess(NetworkRequest(op: .detach, namespace: plan.namespace, name: plan.name, pausePID: 0,
                                                             network: bridgeSide(network), portsPublished: status.podIP != nil))
            if reply.failureReason != nil { log(reply.message) }
        } catch {
            log("cannot release the pod's network: \(error)")
        }
    }

    /// What pod-network does for the pod: a non-root user's hostPorts are the forwarder's
    /// (D69), not nftables maps in the user network, which nothing forwards to and which
    /// delete could not take back while the user's other pods keep the user network.
    private func bridgeSide(_ network: NetworkPlan) -> NetworkPlan {
        guard network.userNetworkPID != nil else { return network }
        var bridge = network
        bridge.ports = []
        return bridge
    }

    func failNetwork(_ failure: NetworkFailure) {
        status.phase = "Failed"
        status.reason = failure.reason
        status.message = failure.message
        status.record(.warning, "FailedCreatePodSandBox", failure.message)
        log(failure.message)
    }

    /// pod-network beside pod-helper (one install directory, Binaries.locate).
    var networkProcessPath: String { Files.dirname(of: plan.helperPath) + "/pod-network" }

    /// Runs pod-network with one request and reads its one reply.
    func runNetworkProcess(_ request: NetworkRequest) throws(PodError) -> NetworkReply {
        try spawnNetworkProcess(request).reply()
    }

    /// Starts pod-network and writes its one request.
    func spawnNetworkProcess(_ request: NetworkRequest) throws(PodError) -> NetworkProcess {
        try startNetworkProcess(userNetworkPID: request.network.userNetworkPID).send(request)
    }

    /// Starts pod-network, which reads its request to end-of-file before it does anything:
    /// started before pause, its own start (a large static executable) overlaps the
    /// sandbox's, and the request follows once pause's PID is known.
    func startNetworkProcess(userNetworkPID: Int32?) throws(PodError) -> IdleNetworkProcess {
        let input = try makePipe()
        let output: (read: Int32, write: Int32)
        do { output = try makePipe() } catch {
            [input.read, input.write].forEach { close($0) }
            throw error
        }
        let pid: pid_t
        do {
            // A non-root user's pod-network runs in the user network (D65), entered by
            // the single-threaded helper: pod-network links Foundation.
            if let holder = userNetworkPID {
                pid = try spawnProcess(plan.helperPath, arguments: ["in-user-network", String(holder), networkProcessPath],
                                       descriptors: [(input.read, 0), (output.write, 1), (2, 2)])
            } else {
                pid = try spawnProcess(networkProcessPath, arguments: [], descriptors: [(input.read, 0), (output.write, 1), (2, 2)])
            }
        } catch {
            [input.read, input.write, output.read, output.write].forEach { close($0) }
            throw error
        }
        close(input.read)
        close(output.write)
        return IdleNetworkProcess(process: NetworkProcess(pid: pid, output: output.read, path: networkProcessPath), input: input.write)
    }

    /// pod-helper joins the pause's network namespace and configures `eth0` there.
    private func configureInterface(_ encoded: String) throws(PodError) {
        let launch = LaunchPlan.network(NetworkLaunch(podPID: status.pausePID, interface: encoded, joinsPodUserNamespace: plan.rootless != nil))
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let (reports, code) = try launcher.start(launch, stdio: .init(input: null, output: 2, error: 2)).finish()
        for case let .failed(failure) in reports {
            throw PodError(.system, failure.message, cause: .system(call: failure.call, errno: failure.errno, path: failure.path))
        }
        guard code == 0 else { throw PodError(.system, "pod-helper exited with \(code ?? -1) while configuring eth0") }
    }
}

/// Why the pod's network could not be set up: the pod's reason and message.
struct NetworkFailure: Error {
    let reason: String
    let message: String
}

/// A running pod-network that waits for its request.
struct IdleNetworkProcess {
    let process: NetworkProcess
    let input: Int32

    /// Writes the request (a few hundred bytes: the pipe takes them whole, so this does not
    /// wait on pod-network) and closes the input: pod-network reads to end-of-file.
    func send(_ request: NetworkRequest) throws(PodError) -> NetworkProcess {
        let sent: [UInt8]
        do { sent = try PodJSON.encode(request) } catch {
            callOff()
            throw error
        }
        // Closed when dropped, before the reply is read: pod-network reads to end-of-file.
        // A write that fails leaves pod-network a broken request, which it answers as such.
        try? FileDescriptor(raw: input).writeAll(sent)
        return process
    }

    /// No request after all (the sandbox did not start): pod-network reads an empty input
    /// and exits without touching anything; it is reaped here.
    func callOff() {
        close(input)
        _ = process.finish()
    }
}

/// A running pod-network whose request was written; its reply is read once.
struct NetworkProcess {
    let pid: pid_t
    let output: Int32
    let path: String

    /// Reads the reply to end-of-file (at most 1 MiB), reaps the process and decodes it.
    func reply() throws(PodError) -> NetworkReply {
        let (answer, code) = finish()
        do {
            return try PodJSON.decode(NetworkReply.self, from: answer, source: "the reply of \(path)")
        } catch {
            throw PodError(.system, "\(path) exited with \(code) and no reply (see supervisor.log)", cause: .error(error))
        }
    }

    func finish() -> (answer: [UInt8], code: Int32) {
        let answer = readToEnd(output, limit: 1 << 20)
        close(output)
        return (answer, HelperLauncher.waitFor(pid))
    }
}
