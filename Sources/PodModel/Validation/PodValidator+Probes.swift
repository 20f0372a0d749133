extension PodValidator {
    enum ProbeKind { case liveness, readiness, startup }

    mutating func validateProbe(_ probe: Probe?, _ container: Container, _ path: FieldPath, kind: ProbeKind, allowed: Bool) {
        guard let probe else { return }
        guard allowed else {
            add(.forbidden(path, "may not be set for init containers without restartPolicy=Always"))
            return
        }
        if probe.handlerCount == 0 { add(.required(path, "must specify a handler type")) }
        if probe.handlerCount > 1 { add(.forbidden(path, "may not specify more than 1 handler type")) }
        if let exec = probe.exec { validateExec(exec, path.child("exec")) }
        if let action = probe.httpGet { validateHTTPGet(action, container, path.child("httpGet")) }
        if let action = probe.tcpSocket { validatePortReference(action.port, container, path.child("tcpSocket").child("port")) }
        if let action = probe.grpc { checkPortNumber(Int(action.port ?? 0), path.child("grpc").child("port")) }
        let numbers: [(Int32?, String)] = [
            (probe.initialDelaySeconds, "initialDelaySeconds"), (probe.timeoutSeconds, "timeoutSeconds"),
            (probe.periodSeconds, "periodSeconds"), (probe.successThreshold, "successThreshold"),
            (probe.failureThreshold, "failureThreshold"),
        ]
        for case let (value?, field) in numbers where value < 0 {
            add(.invalid(path.child(field), value, "must be greater than or equal to 0"))
        }
        if kind != .readiness, let threshold = probe.successThreshold, threshold != 1 {
            add(.invalid(path.child("successThreshold"), threshold, "must be 1"))
        }
        if let grace = probe.terminationGracePeriodSeconds {
            if kind == .readiness {
                add(.invalid(path.child("terminationGracePeriodSeconds"), grace, "must not be set for readinessProbes"))
            } else if grace <= 0 {
                add(.invalid(path.child("terminationGracePeriodSeconds"), grace, "must be greater than 0"))
            }
        }
    }

    mutating func validateLifecycle(_ container: Container, _ path: FieldPath, allowed: Bool) {
        guard let lifecycle = container.lifecycle else { return }
        guard allowed else {
            add(.forbidden(path, "may not be set for init containers without restartPolicy=Always"))
            return
        }
        for (handler, field) in [(lifecycle.postStart, "postStart"), (lifecycle.preStop, "preStop")] {
            guard let handler else { continue }
            let handlerPath = path.child(field)
            if handler.handlerCount == 0 { add(.required(handlerPath, "must specify a handler type")) }
            if handler.handlerCount > 1 { add(.forbidden(handlerPath, "may not specify more than 1 handler type")) }
            if let exec = handler.exec { validateExec(exec, handlerPath.child("exec")) }
            if let action = handler.httpGet { validateHTTPGet(action, container, handlerPath.child("httpGet")) }
            if let sleep = handler.sleep {
                let grace = spec.terminationGracePeriodSeconds ?? 30
                let seconds = sleep.seconds ?? 0
                if seconds < 0 || seconds >= grace {
                    add(.invalid(handlerPath.child("sleep").child("seconds"), seconds, "must be non-negative and less than terminationGracePeriodSeconds (\(grace))"))
                }
            }
        }
    }

    private mutating func validateExec(_ exec: ExecAction, _ path: FieldPath) {
        if (exec.command ?? []).isEmpty { add(.required(path.child("command"))) }
    }

    private mutating func validateHTTPGet(_ action: HTTPGetAction, _ container: Container, _ path: FieldPath) {
        let target = action.path ?? ""
        if target.isEmpty { add(.required(path.child("path"))) }
        validatePortReference(action.port, container, path.child("port"))
        checkOneOf(action.scheme, ["HTTP", "HTTPS"], path.child("scheme"))
        for (index, header) in (action.httpHeaders ?? []).enumerated() {
            let name = header.name ?? ""
            if name.isEmpty || !name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 58 }) {
                add(.invalid(path.child("httpHeaders").index(index).child("name"), quoting: name, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"))
            }
        }
    }

    /// A probe port by number, or by the name of one of the container's ports. Kubernetes
    /// checks only the name's syntax and fails at run time; podctl knows the container and
    /// says so at once.
    private mutating func validatePortReference(_ port: IntOrString?, _ container: Container, _ path: FieldPath) {
        switch port {
        case nil:
            add(.required(path))
        case let .int(number)?:
            checkPortNumber(Int(number), path)
        case let .string(name)?:
            let problems = Names.portNameErrors(name)
            for message in problems { add(.invalid(path, quoting: name, message)) }
            if problems.isEmpty && !(container.ports ?? []).contains(where: { $0.name == name }) {
                add(.invalid(path, quoting: name, "must be the name of a port of this container"))
            }
        }
    }
}
