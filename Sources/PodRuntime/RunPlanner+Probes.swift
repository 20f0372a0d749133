import PodCore
import PodModel
import PodPlan

extension RunPlanner {
    /// The container's probes and hooks as the supervisor runs them. A port given by name
    /// must name one of the container's ports (as the kubelet resolves it); HTTPS is
    /// refused here rather than probed over plain HTTP.
    func healthPlan(_ container: Container) throws(PodError) -> ContainerHealthPlan {
        var plan = ContainerHealthPlan()
        let where_ = "pod \(key): container \(container.name ?? "")"
        plan.startup = try container.startupProbe.map { probe throws(PodError) in try probePlan(probe, container, "\(where_): startupProbe") }
        plan.liveness = try container.livenessProbe.map { probe throws(PodError) in try probePlan(probe, container, "\(where_): livenessProbe") }
        plan.readiness = try container.readinessProbe.map { probe throws(PodError) in try probePlan(probe, container, "\(where_): readinessProbe") }
        plan.postStart = try container.lifecycle?.postStart.map { hook throws(PodError) in try hookPlan(hook, container, "\(where_): lifecycle.postStart") }
        plan.preStop = try container.lifecycle?.preStop.map { hook throws(PodError) in try hookPlan(hook, container, "\(where_): lifecycle.preStop") }
        return plan
    }

    private func probePlan(_ probe: Probe, _ container: Container, _ path: String) throws(PodError) -> ProbePlan {
        let action: ActionPlan
        if let exec = probe.exec {
            action = .exec(command: exec.command ?? [])
        } else if let http = probe.httpGet {
            action = try httpPlan(http, container, path + ".httpGet")
        } else if let tcp = probe.tcpSocket {
            action = .tcp(host: nonEmpty(tcp.host), port: try port(tcp.port, container, path + ".tcpSocket.port"))
        } else if let grpc = probe.grpc {
            action = .grpc(port: Int(grpc.port ?? 0), service: grpc.service ?? "")
        } else {
            throw PodError(.invalidManifest, "\(path): give one handler (exec, httpGet, tcpSocket or grpc)")
        }
        return ProbePlan(
            action: action, initialDelay: Double(probe.initialDelaySeconds ?? 0), period: Double(probe.periodSeconds ?? 10),
            timeout: Double(probe.timeoutSeconds ?? 1), successThreshold: Int(probe.successThreshold ?? 1),
            failureThreshold: Int(probe.failureThreshold ?? 3), terminationGrace: probe.terminationGracePeriodSeconds)
    }

    private func hookPlan(_ hook: LifecycleHandler, _ container: Container, _ path: String) throws(PodError) -> ActionPlan {
        if let exec = hook.exec { return .exec(command: exec.command ?? []) }
        if let http = hook.httpGet { return try httpPlan(http, container, path + ".httpGet") }
        if let sleep = hook.sleep { return .sleep(seconds: sleep.seconds ?? 0) }
        throw PodError(.invalidManifest, "\(path): give one handler (exec, httpGet or sleep)")
    }

    private func httpPlan(_ http: HTTPGetAction, _ container: Container, _ path: String) throws(PodError) -> ActionPlan {
        if let scheme = http.scheme, scheme.uppercased() != "HTTP" {
            throw PodError(.unsupported, "\(path).scheme: \(scheme) is not supported yet (podctl probes speak plain HTTP); use HTTP or a tcpSocket probe")
        }
        var requestPath = http.path ?? "/"
        if !requestPath.hasPrefix("/") { requestPath = "/" + requestPath }
        let headers = (http.httpHeaders ?? []).map { [$0.name ?? "", $0.value ?? ""] }
        return .http(host: nonEmpty(http.host), port: try port(http.port, container, path + ".port"), path: requestPath, headers: headers)
    }

    /// A port number, or the containerPort of the container's port with that name.
    private func port(_ value: IntOrString?, _ container: Container, _ path: String) throws(PodError) -> Int {
        switch value {
        case let .int(number)?: return Int(number)
        case let .string(name)?:
            if let number = Int(name) { return number }
            guard let found = (container.ports ?? []).first(where: { $0.name == name })?.containerPort else {
                let names = (container.ports ?? []).compactMap(\.name)
                throw PodError(.invalidManifest, "\(path): the container has no port named \"\(name)\"" + (names.isEmpty ? "" : " (its ports: \(names.joined(separator: ", ")))"))
            }
            return Int(found)
        case nil:
            throw PodError(.invalidManifest, "\(path): Required value")
        }
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
