import Glibc
import PodCore
import PodExec
import PodLaunch
import PodPlan

/// Probes and hooks in flight (HealthCheck), driven by the one poll loop: their
/// descriptors are polled with the log pipes, their deadlines are timers, and an exec's
/// helper is reaped on SIGCHLD like every other child.
extension Supervisor {
    /// Starts a check; an immediate failure (no address, a helper that cannot start) is
    /// delivered at once.
    func launchCheck(_ index: Int, purpose: CheckPurpose, action: ActionPlan, timeout: Double) {
        nextCheckID += 1
        let now = Clock.monotonic()
        let started: Result<HealthCheck.Work, ProbeFailure>
        var deadline = now + timeout
        switch action {
        case let .sleep(seconds):
            started = .success(.wait)
            deadline = now + Double(seconds)
        case let .exec(command):
            started = startExec(index, command: command)
        case let .http(host, port, path, headers):
            let address = host ?? podAddress
            let target = SocketExchange.HTTPTarget(host: address, port: port, path: path, headers: headers)
            started = SocketExchange.open(address: address, port: port, kind: .http(target)).map { .socket($0) }
                .mapError { ProbeFailure("Get \"http://\(address):\(port)\(path)\": \($0.text)") }
        case let .tcp(host, port):
            started = SocketExchange.open(address: host ?? podAddress, port: port, kind: .tcp).map { .socket($0) }
        case let .grpc(port, service):
            let health = GRPCHealth(authority: "\(podAddress):\(port)", service: service)
            started = SocketExchange.open(address: podAddress, port: port, kind: .grpc(health)).map { .socket($0) }
        }
        switch started {
        case let .success(work):
            checks.append(HealthCheck(id: nextCheckID, container: index, purpose: purpose, deadline: deadline, work: work))
        case let .failure(problem):
            deliver(HealthCheck(id: nextCheckID, container: index, purpose: purpose, deadline: now, work: .wait), .failure(problem.text))
        }
    }

    /// Network probes go to the pod from the host: its address on the bridge, or the
    /// host's loopback for a pod on the host's network.
    var podAddress: String { plan.network?.podIP ?? "127.0.0.1" }

    /// Runs the command in the container through pod-helper, as `podctl exec` does; the
    /// helper's started report names the command's PID, for a kill at the timeout.
    private func startExec(_ index: Int, command: [String]) -> Result<HealthCheck.Work, ProbeFailure> {
        guard let pid = containers[index].pid else { return .failure(ProbeFailure("the container is not running")) }
        // In the container's cgroup, as podctl exec: the probe counts against its limits.
        let launch: ExecLaunch
        do { launch = try plan.execLaunch(into: containers[index].plan, pid: pid, command: command, tty: false) } catch {
            return .failure(ProbeFailure(error.message))
        }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(null) }
        let output: (read: Int32, write: Int32)
        do { output = try makePipe() } catch { return .failure(ProbeFailure(error.message)) }
        let running: HelperLauncher.Running
        do {
            running = try launcher.start(.exec(launch), stdio: .init(input: null, output: output.write, error: output.write))
        } catch {
            close(output.read); close(output.write)
            return .failure(ProbeFailure(error.message))
        }
        close(output.write)
        _ = fcntl(output.read, F_SETFL, O_NONBLOCK)
        let (reports, _) = running.finish(reap: false)
        var commandPID: pid_t?
        for report in reports {
            switch report {
            case let .started(pid): commandPID = pid
            case .rootFilesystem: continue  // a container start's only
            case let .failed(failure):
                // The helper exits on its own; its exit is reaped with the other children.
                close(output.read)
                return .failure(ProbeFailure(failure.message))
            }
        }
        return .success(.process(helper: running.pid, command: commandPID, output: output.read))
    }

    /// A polled descriptor of a check is ready.
    func advanceCheck(id: Int) {
        guard let position = checks.firstIndex(where: { $0.id == id }) else { return }
        switch checks[position].work {
        case .process:
            _ = checks[position].readOutput()
        case var .socket(exchange):
            let step = exchange.advance()
            checks[position].work = .socket(exchange)
            switch step {
            case .more: break
            case let .done(result):
                let check = checks.remove(at: position)
                check.cancel()
                deliver(check, result)
            case let .follow(path):
                let check = checks.remove(at: position)
                check.cancel()
                follow(check, exchange: exchange, path: path)
            }
        case .wait:
            break
        }
    }

    /// A same-host redirect of an httpGet: a new request, within the same deadline.
    private func follow(_ check: HealthCheck, exchange: SocketExchange, path: String) {
        guard case var .http(target) = exchange.kind else { return }
        target.path = path
        target.redirects += 1
        switch SocketExchange.open(address: exchange.address, port: exchange.port, kind: .http(target)) {
        case let .success(next): checks.append(HealthCheck(id: check.id, container: check.container, purpose: check.purpose, deadline: check.deadline, work: .socket(next)))
        case let .failure(problem): deliver(check, .failure(problem.text))
        }
    }

    /// An exec check's helper exited: the command's exit code decides.
    func checkProcessExited(pid: pid_t, code: Int32) -> Bool {
        guard let position = checks.firstIndex(where: { if case let .process(helper, _, _) = $0.work { return helper == pid } else { return false } }) else { return false }
        var check = checks.remove(at: position)
        while check.readOutput() {}
        deliver(check, code == 0 ? .success(check.outputText) : .failure(check.outputText.isEmpty ? "command exited with code \(code)" : check.outputText))
        return true
    }

    /// Checks past their deadline: a sleep is done, anything else timed out (an exec's
    /// command is killed, as the kubelet kills a timed-out exec probe).
    func expireChecks(now: Double) {
        for check in checks where check.deadline <= now {
            checks.removeAll { $0.id == check.id }
            check.cancel()
            switch check.work {
            case .wait: deliver(check, .success(""))
            case let .socket(exchange): deliver(check, .failure(exchange.timeoutText))
            case .process: deliver(check, .failure("command timed out"))
            }
        }
    }

    /// Cancels every check of a container (it exited or is being replaced).
    func cancelChecks(of index: Int) {
        for check in checks where check.container == index { check.cancel() }
        checks.removeAll { $0.container == index }
    }

    private func deliver(_ check: HealthCheck, _ result: CheckResult) {
        statusDirty = true
        switch check.purpose {
        case let .probe(kind): probeFinished(check.container, kind: kind, result: result)
        case .postStart: postStartFinished(check.container, result: result)
        case .preStop: preStopFinished(check.container, result: result)
        }
    }
}
