import Glibc
import PodExec
import PodLaunch
import PodPlan

/// A non-root user's hostPorts (#18 item 4, D69): `pod-helper host-ports`, a child of the
/// supervisor, listens on them in the host's network namespace (the supervisor's) and
/// connects each connection to the pod's address inside the user network. It lives as
/// long as the pod's network: stopped with the pod, and killed by the kernel if the
/// supervisor dies first (PR_SET_PDEATHSIG), so a delete leaves no listener behind.
extension Supervisor {
    /// Starts the forwarder and waits until every port listens; the failure's status
    /// reason and message otherwise (a taken port is the hostPort conflict apply reports).
    func startHostPortForwarder(_ network: NetworkPlan, podIP: String) -> (reason: String, message: String)? {
        guard let holder = network.userNetworkPID else { return nil }
        var arguments = ["host-ports", String(holder), podIP]
        for port in network.ports { arguments += [port.hostIP ?? "", String(port.hostPort), String(port.containerPort), port.proto == "UDP" ? "udp" : "tcp"] }
        let reports: [HelperReport]
        do {
            let pipe = try makePipe()
            let null = open("/dev/null", O_RDWR | O_CLOEXEC)
            defer { close(null) }
            let pid: pid_t
            do {
                pid = try spawnProcess(plan.helperPath, arguments: arguments, descriptors: [(null, 0), (2, 1), (2, 2), (pipe.write, HelperDescriptors.report)])
            } catch {
                close(pipe.read); close(pipe.write)
                throw error
            }
            close(pipe.write)
            reports = HelperReport.parseAll(readToEnd(pipe.read, limit: 1 << 16))
            close(pipe.read)
            hostPortForwarder = pid
        } catch {
            return ("NetworkSetupError", "cannot publish the pod's hostPorts: \(error)")
        }
        for report in reports {
            switch report {
            case .started:
                log("hostPorts \(network.ports.map { String($0.hostPort) }.joined(separator: ", ")) forwarded by pid \(hostPortForwarder)")
                return nil
            case .rootFilesystem:
                continue  // a container start's only
            case let .failed(failure):
                stopHostPortForwarder()
                return (failure.errno == EADDRINUSE ? NetworkReply.hostPortConflict : "NetworkSetupError", failure.message)
            }
        }
        stopHostPortForwarder()
        return ("NetworkSetupError", "cannot publish the pod's hostPorts: pod-helper host-ports reported nothing (see supervisor.log)")
    }

    /// Ends the forwarder and its connections (they die with it) and reaps it.
    func stopHostPortForwarder() {
        guard hostPortForwarder > 0 else { return }
        kill(hostPortForwarder, SIGKILL)
        _ = HelperLauncher.waitFor(hostPortForwarder)
        hostPortForwarder = 0
    }
}
