/// The names one pod answers to, as a cluster's DNS would give a Service of the pod's
/// name: `NAME.NAMESPACE.svc.cluster.local` (what `NAME` and `NAME.NAMESPACE` become
/// through the search list of a ClusterFirst resolv.conf), the two short forms for
/// resolvers that ask without a search list (busybox `nslookup NAME SERVER`), and for a
/// pod with `hostname` and `subdomain`, `HOSTNAME.SUBDOMAIN.NAMESPACE.svc.cluster.local`
/// (Kubernetes, "DNS for Services and Pods", Pod's hostname and subdomain fields).
public enum PodNames {
    public static let clusterDomain = "cluster.local"

    public static func names(name: String, namespace: String, hostname: String?, subdomain: String?) -> [String] {
        var names = ["\(name).\(namespace).svc.\(clusterDomain)", "\(name).\(namespace)", name]
        if let subdomain, !subdomain.isEmpty {
            let host = (hostname?.isEmpty == false ? hostname! : name)
            names.append("\(host).\(subdomain).\(namespace).svc.\(clusterDomain)")
        }
        return names.map { $0.lowercased() }
    }

    /// The search list the kubelet writes for ClusterFirst (pkg/kubelet/network/dns):
    /// the pod's namespace first, so a bare name finds the pod's own namespace first.
    public static func searches(namespace: String) -> [String] {
        ["\(namespace).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain]
    }
}

/// The names file that podctl writes (atomically, whole) and pod-dns reads: one line a
/// pod, its IPv4 address and then its names. `#` starts a comment line.
public struct PodNameTable: Equatable, Sendable {
    public private(set) var addresses: [String: [[UInt8]]] = [:]
    /// Namespaces with pods: `NAME.NAMESPACE` of one of them is ours to deny.
    public private(set) var namespaces: Set<String> = []

    /// The file is podctl's own, but it is bounded like any input: a longer file or line
    /// is cut, a line that does not parse is skipped.
    public static let maximumBytes = 4 << 20
    public static let maximumNamesPerLine = 16

    public init() {}

    public init(parsing text: String) {
        for line in text.utf8.prefix(Self.maximumBytes).split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            guard let first = fields.first, !first.hasPrefix("#"), let address = Self.ipv4(first) else { continue }
            for name in fields.dropFirst().prefix(Self.maximumNamesPerLine) where name.utf8.count <= DNSQuery.maximumNameLength {
                let key = name.lowercased()
                if !(addresses[key]?.contains(address) ?? false) { addresses[key, default: []].append(address) }
                let labels = key.split(separator: ".")
                if labels.count == 2 { namespaces.insert(String(labels[1])) }
            }
        }
    }

    public static func render(_ pods: [(address: String, names: [String])]) -> String {
        var lines = ["# podctl pod names: ADDRESS NAME... (docs/network.md, \"Names\")"]
        for pod in pods { lines.append(([pod.address] + pod.names).joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Dotted-quad IPv4 to its four bytes; nil for anything else.
    public static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { $0.count <= 3 ? UInt8($0) : nil }
        return bytes.count == 4 ? bytes : nil
    }
}
