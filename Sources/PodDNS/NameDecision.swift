/// What the responder does with a question: answer it from the pod names, or hand it to
/// the host's resolvers. Pure, so the zone rules are tested without a socket.
public enum NameDecision: Equatable, Sendable {
    case answer(DNSRcode, addresses: [[UInt8]])
    case forward
}

extension PodNameTable {
    /// A known name: its A records (none for AAAA and other types: NOERROR without
    /// answers, so a resolver asking A and AAAA together still gets the A record, as
    /// aardvark-dns answers). An unknown name under cluster.local, a single label, or
    /// `NAME.NAMESPACE` of a namespace with pods: NXDOMAIN, at once. Anything else is
    /// the host's: forwarded.
    public func decide(name: String, type: UInt16) -> NameDecision {
        if let found = addresses[name] {
            let wantsA = type == DNSType.a || type == DNSType.any
            return .answer(.noError, addresses: wantsA ? found : [])
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if name == PodNames.clusterDomain || name.hasSuffix("." + PodNames.clusterDomain) { return .answer(.nxDomain, addresses: []) }
        if labels.count == 1 && !name.isEmpty { return .answer(.nxDomain, addresses: []) }
        if labels.count == 2, namespaces.contains(String(labels[1])) { return .answer(.nxDomain, addresses: []) }
        return .forward
    }
}
