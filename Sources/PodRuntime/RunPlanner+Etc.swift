import PodCore
import PodDNS
import PodLaunch
import PodModel
import PodOS

extension RunPlanner {
    /// /etc/hosts, /etc/hostname and /etc/resolv.conf of the pod, bind-mounted into every
    /// container as the kubelet does.
    /// A file whose content is already what it would be is left alone: a CRI
    /// CreateContainer plans the pod again, and its /etc files do not change with it.
    /// The others are written together, with one directory fsync (AtomicFile's grouped write).
    func writeEtcFiles() throws(PodError) -> [MountSpec] {
        let wanted = [("hosts", hostsFile()), ("hostname", hostname + "\n"), ("resolv.conf", resolvConf())]
        let changed = wanted.filter { name, text in (try? Files.read(paths.etc + "/" + name)) != Array(text.utf8) }
        try AtomicFile.write(changed.map { AtomicFile.Replacement(path: paths.etc + "/" + $0.0, bytes: Array($0.1.utf8), mode: 0o644) })
        return ["hosts", "hostname", "resolv.conf"].map {
            MountSpec(kind: .bind, source: paths.etc + "/" + $0, target: "/etc/" + $0)
        }
    }

    /// Until the pod network exists the pod has only its loopback: its own name maps to
    /// 127.0.0.1 beside localhost. hostAliases follow, as the kubelet writes them.
    func hostsFile() -> String {
        var lines = [
            "# Kubernetes-managed hosts file (podctl).",
            "127.0.0.1\tlocalhost",
            "::1\tlocalhost ip6-localhost ip6-loopback",
            "fe00::0\tip6-localnet",
            "fe00::0\tip6-mcastprefix",
            "fe00::1\tip6-allnodes",
            "fe00::2\tip6-allrouters",
            "\(network?.podIP ?? "127.0.0.1")\t\(hostname)" + (spec.subdomain.map { "\t\(hostname).\($0).\(pod.namespace).svc.cluster.local" } ?? ""),
        ]
        // Pods applied together find each other by name, as Services would on a cluster.
        if !peers.isEmpty {
            lines.append("")
            lines.append("# Pods applied together with this one (podctl).")
            for peer in peers { lines.append("\(peer.ip)\t\(peer.name)") }
        }
        let aliases = spec.hostAliases ?? []
        if !aliases.isEmpty {
            lines.append("")
            lines.append("# Entries added by HostAliases.")
            for alias in aliases { lines.append(([alias.ip ?? ""] + (alias.hostnames ?? [])).joined(separator: "\t")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ClusterFirst on the pod network: the bridge's responder, the kubelet's search list
    /// and `ndots:5` (pkg/kubelet/network/dns), the host's search domains after ours.
    /// Default (and ClusterFirst on the host's network): the host's resolv.conf. Either
    /// way dnsConfig is merged in; `dnsPolicy: None` uses dnsConfig alone.
    func resolvConf() -> String {
        var nameservers: [String] = []
        var searches: [String] = []
        var options: [String] = []
        if spec.dnsPolicy != "None" {
            let host = (try? Files.readText("/etc/resolv.conf")) ?? ""
            for line in host.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard let first = fields.first else { continue }
                if first == "nameserver", fields.count > 1 { nameservers.append(fields[1]) }
                if first == "search" || first == "domain" { searches += fields.dropFirst() }
                if first == "options" { options += fields.dropFirst() }
            }
        }
        if let clusterNameserver {
            nameservers = [clusterNameserver]
            searches = PodNames.searches(namespace: pod.namespace) + searches
            options = ["ndots:5"]
        }
        let config = spec.dnsConfig
        nameservers += config?.nameservers ?? []
        searches += config?.searches ?? []
        for option in config?.options ?? [] {
            let name = option.name ?? ""
            options.removeAll { $0 == name || $0.hasPrefix(name + ":") }
            options.append(option.value.map { "\(name):\($0)" } ?? name)
        }
        var lines = Array(nameservers.prefix(3)).map { "nameserver \($0)" }
        if !searches.isEmpty { lines.append("search " + searches.prefix(32).joined(separator: " ")) }
        if !options.isEmpty { lines.append("options " + options.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }
}
