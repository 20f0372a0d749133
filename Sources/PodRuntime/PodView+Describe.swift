import Foundation
import PodModel
import PodPlan

/// `podctl describe pod`: kubectl's layout (`describePod` in k8s.io/kubectl's describe.go),
/// field by field, aligned by the same tab writer rules. Status, conditions and container
/// states come from `apiObject`, so describe, `get -o yaml` and `wait` agree.
extension PodView {
    /// - Parameters:
    ///   - node: the host's name (the `Node:` line and `spec.nodeName` in environments).
    ///   - uid: the pod's UID, for `metadata.uid` in environments, if known.
    ///   - now: the time event ages count from.
    ///   - timeZone: the zone times are printed in (kubectl prints local time).
    public func describe(node: String, uid: String? = nil, now: Date = Date(), timeZone: TimeZone = .current) -> String {
        var out = DescribeWriter(timeZone: timeZone)
        let object = apiObject
        let status = object.status
        let spec = manifest.spec
        out.line(0, "Name:\t\(key.name)")
        out.line(0, "Namespace:\t\(key.namespace)")
        out.line(0, "Priority:\t0")
        out.line(0, "Node:\t\(node)")
        if let start = status.startTime { out.line(0, "Start Time:\t\(out.time(start))") }
        out.map("Labels", manifest.metadata?.labels ?? [:])
        out.annotations(manifest.metadata?.annotations ?? [:])
        out.line(0, "Status:\t\(status.phase)")
        if let reason = status.reason, !reason.isEmpty { out.line(0, "Reason:\t\(reason)") }
        if let message = status.message, !message.isEmpty { out.line(0, "Message:\t\(message)") }
        out.line(0, "IP:\t\(status.podIP ?? "<none>")")
        if let ip = status.podIP {
            out.line(0, "IPs:")
            out.line(1, "IP:\t\(ip)")
        } else {
            out.line(0, "IPs:\t<none>")
        }
        let environment = EnvironmentResolver(view: self, node: node, uid: uid ?? "")
        if let inits = spec?.initContainers, !inits.isEmpty {
            out.containers("Init Containers", inits, statuses: status.initContainerStatuses ?? [], environment: environment)
        }
        out.containers("Containers", spec?.containers ?? [], statuses: status.containerStatuses, environment: environment)
        if !status.conditions.isEmpty {
            out.line(0, "Conditions:")
            out.line(0, "  Type\tStatus")
            for condition in status.conditions { out.line(1, "\(condition.type) \t\(condition.status) ") }
        }
        out.volumes(spec?.volumes ?? [])
        out.line(0, "QoS Class:\t\(QoSClass(manifest).rawValue)")
        out.line(0, "Node-Selectors:\t<none>")
        out.line(0, "Tolerations:\t<none>")
        out.events(self.status?.events ?? [], now: now)
        return TabWriter.align(out.text)
    }
}

/// kubectl's `PrefixWriter` over a `tabwriter`: lines with levels of two spaces each, cells
/// separated by tabs, aligned when the whole text is done.
struct DescribeWriter {
    var text = ""
    let timeZone: TimeZone

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    mutating func line(_ level: Int, _ content: String) {
        text += String(repeating: "  ", count: level) + content + "\n"
    }

    /// RFC 3339 as kubectl prints it: Go's RFC1123Z, in local time.
    func time(_ rfc3339: String?) -> String {
        guard let rfc3339 else { return "<unknown>" }
        guard let date = ISO8601DateFormatter().date(from: rfc3339) else { return rfc3339 }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// `printLabelsMultiline`: sorted `key=value`, one a line, or `<none>`.
    mutating func map(_ title: String, _ values: [String: String]) {
        guard !values.isEmpty else { return line(0, "\(title):\t<none>") }
        for (index, key) in values.keys.sorted().enumerated() {
            line(0, (index == 0 ? "\(title):" : "") + "\t\(key)=\(values[key]!)")
        }
    }

    /// `printAnnotationsMultiline`: `key: value`; long or multi-line values on their own lines.
    mutating func annotations(_ values: [String: String]) {
        let keys = values.keys.filter { $0 != "kubectl.kubernetes.io/last-applied-configuration" }.sorted()
        guard !keys.isEmpty else { return line(0, "Annotations:\t<none>") }
        let limit = 140
        for (index, key) in keys.enumerated() {
            let head = index == 0 ? "Annotations:" : ""
            var value = values[key]!
            if value.hasSuffix("\n") { value.removeLast() }
            if value.count + key.count + 2 > limit || value.contains("\n") {
                line(0, "\(head)\t\(key):")
                for part in value.split(separator: "\n", omittingEmptySubsequences: false) {
                    line(0, "\t  " + (part.count > limit - 2 ? part.prefix(limit - 2) + "..." : String(part)))
                }
            } else {
                line(0, "\(head)\t\(key): \(value)")
            }
        }
    }

    mutating func containers(_ label: String, _ containers: [Container], statuses: [PodObject.APIContainerStatus], environment: EnvironmentResolver) {
        line(0, "\(label):" + (containers.isEmpty ? " <none>" : ""))
        for container in containers {
            let status = statuses.first { $0.name == container.name }
            line(1, "\(container.name ?? ""):")
            if let status { line(2, "Container ID:\t\(status.containerID ?? "")") }
            line(2, "Image:\t\(container.image ?? "")")
            if let status { line(2, "Image ID:\t\(status.imageID)") }
            let ports = container.ports ?? []
            let portText = ports.map { port in
                "\(port.containerPort ?? 0)/\(port.protocol ?? "TCP")" + (port.name.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
            }.joined(separator: ", ")
            let hostPortText = ports.map { "\($0.hostPort ?? 0)/\($0.protocol ?? "TCP")" }.joined(separator: ", ")
            line(2, (ports.count > 1 ? "Ports:\t" : "Port:\t") + (portText.isEmpty ? "<none>" : portText))
            line(2, (ports.count > 1 ? "Host Ports:\t" : "Host Port:\t") + (hostPortText.isEmpty ? "<none>" : hostPortText))
            if let policy = container.restartPolicy { line(2, "Restart Policy:\t\(policy)") }
            for (title, words) in [("Command", container.command ?? []), ("Args", container.args ?? [])] where !words.isEmpty {
                line(2, "\(title):")
                for word in words {
                    for part in word.split(separator: "\n", omittingEmptySubsequences: false) { line(3, String(part)) }
                }
            }
            if let status {
                state("State", status.state)
                if status.lastState.terminated != nil { state("Last State", status.lastState) }
                line(2, "Ready:\t\(status.ready ? "True" : "False")")
                line(2, "Restart Count:\t\(status.restartCount)")
            }
            for (title, list) in [("Limits", container.resources?.limits), ("Requests", container.resources?.requests)] {
                guard let list, !list.isEmpty else { continue }
                line(2, "\(title):")
                for name in Self.sortedResourceNames(list.keys) { line(3, "\(name):\t\(list[name]!.text)") }
            }
            for (title, probe) in [("Liveness", container.livenessProbe), ("Readiness", container.readinessProbe), ("Startup", container.startupProbe)] {
                if let probe { line(2, "\(title):\t\(Self.probe(probe))") }
            }
            if let sources = container.envFrom, !sources.isEmpty {
                line(2, "Environment Variables from:")
                for source in sources {
                    let (name, kind, optional) = source.configMapRef.map { ($0.name ?? "", "ConfigMap", $0.optional ?? false) }
                        ?? source.secretRef.map { ($0.name ?? "", "Secret", $0.optional ?? false) } ?? ("", "", false)
                    let prefix = source.prefix.map { $0.isEmpty ? "" : " with prefix '\($0)'" } ?? ""
                    line(3, "\(name)\t\(kind)\(prefix)\tOptional: \(optional)")
                }
            }
            let variables = container.env ?? []
            line(2, "Environment:" + (variables.isEmpty ? "\t<none>" : ""))
            for variable in variables { environmentLine(variable, container: container, environment: environment) }
            let mounts = (container.volumeMounts ?? []).sorted { ($0.mountPath ?? "") < ($1.mountPath ?? "") }
            line(2, "Mounts:" + (mounts.isEmpty ? "\t<none>" : ""))
            for mount in mounts {
                var flags = [mount.readOnly == true ? "ro" : "rw"]
                if let subPath = mount.subPath, !subPath.isEmpty { flags.append("path=\"\(subPath)\"") }
                line(3, "\(mount.mountPath ?? "") from \(mount.name ?? "") (\(flags.joined(separator: ",")))")
            }
        }
    }

    /// `describeStatus`: Running with Started; Waiting with Reason and Message; Terminated
    /// with Reason, Message, Exit Code, Signal, Started and Finished.
    private mutating func state(_ title: String, _ state: PodObject.APIState) {
        if let running = state.running {
            line(2, "\(title):\tRunning")
            line(3, "Started:\t\(time(running["startedAt"]))")
        } else if let terminated = state.terminated {
            line(2, "\(title):\tTerminated")
            if !terminated.reason.isEmpty { line(3, "Reason:\t\(terminated.reason)") }
            if let message = terminated.message, !message.isEmpty { line(3, "Message:\t\(message)") }
            line(3, "Exit Code:\t\(terminated.exitCode)")
            if let signal = terminated.signal, signal > 0 { line(3, "Signal:\t\(signal)") }
            line(3, "Started:\t\(time(terminated.startedAt))")
            line(3, "Finished:\t\(time(terminated.finishedAt))")
        } else {
            line(2, "\(title):\tWaiting")
            if let reason = state.waiting?["reason"], !reason.isEmpty { line(3, "Reason:\t\(reason)") }
            if let message = state.waiting?["message"], !message.isEmpty { line(3, "Message:\t\(message)") }
        }
    }

    private mutating func environmentLine(_ variable: EnvVar, container: Container, environment: EnvironmentResolver) {
        let name = variable.name ?? ""
        guard let source = variable.valueFrom else {
            for (index, part) in (variable.value ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                line(3, index == 0 ? "\(name):\t\(part)" : "\t\(part)")
            }
            return
        }
        if let field = source.fieldRef {
            let path = field.fieldPath ?? ""
            line(3, "\(name):\t\(environment.field(path)) (\(field.apiVersion ?? "v1"):\(path))")
        } else if let selector = source.resourceFieldRef {
            line(3, "\(name):\t\(environment.resource(selector, container: container)) (\(selector.resource ?? ""))")
        } else if let selector = source.secretKeyRef {
            line(3, "\(name):\t<set to the key '\(selector.key ?? "")' in secret '\(selector.name ?? "")'>\tOptional: \(selector.optional ?? false)")
        } else if let selector = source.configMapKeyRef {
            line(3, "\(name):\t<set to the key '\(selector.key ?? "")' of config map '\(selector.name ?? "")'>\tOptional: \(selector.optional ?? false)")
        }
    }

    mutating func volumes(_ volumes: [Volume]) {
        guard !volumes.isEmpty else { return line(0, "Volumes:\t<none>") }
        line(0, "Volumes:")
        for volume in volumes {
            line(1, "\(volume.name ?? ""):")
            if let hostPath = volume.hostPath {
                line(2, "Type:\tHostPath (bare host directory volume)")
                line(2, "Path:\t\(hostPath.path ?? "")")
                line(2, "HostPathType:\t\(hostPath.type ?? "<none>")")
            } else if let emptyDir = volume.emptyDir {
                let limit = emptyDir.sizeLimit.flatMap { ($0.decimal ?? 0) > 0 ? $0.text : nil } ?? "<unset>"
                line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)")
                line(2, "Medium:\t\(emptyDir.medium ?? "")")
                line(2, "SizeLimit:\t\(limit)")
            } else if let secret = volume.secret {
                line(2, "Type:\tSecret (a volume populated by a Secret)")
                line(2, "SecretName:\t\(secret.secretName ?? "")")
                line(2, "Optional:\t\(secret.optional ?? false)")
            } else if let configMap = volume.configMap {
                line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)")
                line(2, "Name:\t\(configMap.name ?? "")")
                line(2, "Optional:\t\(configMap.optional ?? false)")
            } else if let downward = volume.downwardAPI {
                line(2, "Type:\tDownwardAPI (a volume populated by information about the pod)")
                line(2, "Items:")
                for item in downward.items ?? [] {
                    line(3, (item.fieldRef?.fieldPath ?? item.resourceFieldRef?.resource ?? "") + " -> " + (item.path ?? ""))
                }
            } else if volume.projected != nil {
                line(2, "Type:\tProjected (a volume that contains injected data from multiple sources)")
            } else if let claim = volume.persistentVolumeClaim {
                line(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)")
                line(2, "ClaimName:\t\(claim.claimName ?? "")")
                line(2, "ReadOnly:\t\(claim.readOnly ?? false)")
            } else {
                line(1, "<unknown>")
            }
        }
    }

    /// `DescribeEvents`: oldest first (by last time), Age as `5s`, or `10s (x3 over 2m)`.
    mutating func events(_ events: [EventRecord], now: Date) {
        guard !events.isEmpty else { return line(0, "Events:\t<none>") }
        line(0, "Events:")
        line(0, "  Type\tReason\tAge\tFrom\tMessage")
        line(1, "----\t------\t----\t----\t-------")
        let ordered = events.enumerated().sorted { ($0.element.lastTimestamp, $0.offset) < ($1.element.lastTimestamp, $1.offset) }.map(\.element)
        for event in ordered {
            let message = event.message.trimmingCharacters(in: .whitespacesAndNewlines)
            line(1, "\(event.type.rawValue)\t\(event.reason)\t\(Self.age(of: event, now: now))\tpodctl\t\(message)")
        }
    }

    /// The Age column: the time since the event, and with repeats the count and the time
    /// since the first.
    static func age(of event: EventRecord, now: Date) -> String {
        func since(_ stamp: String) -> String {
            guard let date = ISO8601DateFormatter().date(from: stamp) else { return "<unknown>" }
            return GoDuration.human(now.timeIntervalSince(date))
        }
        guard event.count > 1 else { return since(event.firstTimestamp) }
        return "\(since(event.lastTimestamp)) (x\(event.count) over \(since(event.firstTimestamp)))"
    }

    /// `DescribeProbe`: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.
    static func probe(_ probe: Probe) -> String {
        let attributes = "delay=\(probe.initialDelaySeconds ?? 0)s timeout=\(probe.timeoutSeconds ?? 0)s period=\(probe.periodSeconds ?? 0)s #success=\(probe.successThreshold ?? 0) #failure=\(probe.failureThreshold ?? 0)"
        if let exec = probe.exec {
            return "exec [\((exec.command ?? []).joined(separator: " "))] \(attributes)"
        }
        if let get = probe.httpGet {
            let host = get.host ?? ""
            let port = get.port?.description ?? ""
            let authority = port.isEmpty ? host : (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
            var path = get.path ?? ""
            if !path.isEmpty && !path.hasPrefix("/") && !authority.isEmpty { path = "/" + path }
            return "http-get \((get.scheme ?? "HTTP").lowercased())://\(authority)\(path) \(attributes)"
        }
        if let socket = probe.tcpSocket {
            return "tcp-socket \(socket.host ?? ""):\(socket.port?.description ?? "") \(attributes)"
        }
        if let grpc = probe.grpc {
            return "grpc <pod>:\(grpc.port ?? 0) \(grpc.service ?? "") \(attributes)"
        }
        return "unknown \(attributes)"
    }

    /// `SortedResourceNames`: cpu, memory, ephemeral-storage first, then by name.
    static func sortedResourceNames(_ names: Dictionary<String, Quantity>.Keys) -> [String] {
        let standard = ["cpu", "memory", "ephemeral-storage"]
        return names.sorted { left, right in
            let (a, b) = (standard.firstIndex(of: left) ?? standard.count, standard.firstIndex(of: right) ?? standard.count)
            return a != b ? a < b : left < right
        }
    }
}

/// Values of `fieldRef` and `resourceFieldRef` environment variables, as describe shows them.
struct EnvironmentResolver {
    let view: PodView
    let node: String
    let uid: String

    func field(_ path: String) -> String {
        let meta = view.manifest.metadata
        switch path {
        case "metadata.name": return view.key.name
        case "metadata.namespace": return view.key.namespace
        case "metadata.uid": return uid
        case "spec.nodeName": return node
        case "spec.serviceAccountName": return "default"
        case "status.podIP", "status.podIPs": return view.status?.podIP ?? ""
        default: break
        }
        for (prefix, values) in [("metadata.labels", meta?.labels), ("metadata.annotations", meta?.annotations)] {
            if path.hasPrefix(prefix + "['"), path.hasSuffix("']") {
                return values?[String(path.dropFirst(prefix.count + 2).dropLast(2))] ?? ""
            }
        }
        return ""
    }

    /// The spec's value divided by the divisor, rounded up; a limit not set is the node's.
    func resource(_ selector: ResourceFieldSelector, container: Container) -> String {
        let target = view.manifest.spec?.allContainers.first { $0.name == (selector.containerName ?? container.name) } ?? container
        let parts = (selector.resource ?? "").split(separator: ".").map(String.init)
        guard parts.count == 2 else { return "" }
        let list = parts[0] == "limits" ? target.resources?.limits : target.resources?.requests
        guard let amount = list?[parts[1]]?.decimal, amount > 0 else {
            return parts[0] == "limits" && (parts[1] == "cpu" || parts[1] == "memory") ? "node allocatable" : "0"
        }
        var quotient = amount / (selector.divisor?.decimal.flatMap { $0 > 0 ? $0 : nil } ?? 1)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &quotient, 0, .up)
        return NSDecimalNumber(decimal: rounded).stringValue
    }
}

/// Go's `text/tabwriter` as kubectl configures it (minwidth 0, padding 2, spaces): a cell
/// is text ended by a tab; a column block is a run of consecutive lines with a cell in
/// that column, padded to its widest cell plus two. Text after a line's last tab is not
/// aligned.
enum TabWriter {
    static func align(_ text: String, padding: Int = 2) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        if lines.last == [""] { lines.removeLast() }
        var widths = Array(repeating: [Int](), count: lines.count)
        func format(_ start: Int, _ end: Int, column: Int) {
            var line = start
            while line < end {
                guard column < lines[line].count - 1 else {
                    line += 1
                    continue
                }
                let blockStart = line
                var width = 0
                while line < end && column < lines[line].count - 1 {
                    width = max(width, lines[line][column].unicodeScalars.count + padding)
                    line += 1
                }
                for index in blockStart..<line { widths[index].append(width) }
                format(blockStart, line, column: column + 1)
            }
        }
        format(0, lines.count, column: 0)
        return lines.enumerated().map { index, cells in
            cells.enumerated().map { column, cell in
                column < widths[index].count ? cell + String(repeating: " ", count: widths[index][column] - cell.unicodeScalars.count) : cell
            }.joined() + "\n"
        }.joined()
    }
}
