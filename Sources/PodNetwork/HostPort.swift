import PodCore

public enum PortProtocol: String, Sendable, Hashable, Codable, Comparable {
    case tcp
    case udp

    public static func < (lhs: PortProtocol, rhs: PortProtocol) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A published port: `hostIP:hostPort/protocol` on the host goes to the pod's
/// `containerPort` (Kubernetes `containerPorts[].hostPort`).
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    public var proto: PortProtocol
    /// nil: every address of the host (the Kubernetes default, `0.0.0.0`).
    public var hostIP: IPv4Address?
    public var hostPort: UInt16
    public var containerPort: UInt16

    public init(_ proto: PortProtocol = .tcp, hostIP: IPv4Address? = nil, hostPort: UInt16, containerPort: UInt16) {
        self.proto = proto
        self.hostIP = hostIP.flatMap { $0.isUnspecified ? nil : $0 }
        self.hostPort = hostPort
        self.containerPort = containerPort
    }

    /// From the fields of a Kubernetes `ContainerPort`: protocol `TCP`/`UDP` (SCTP is not
    /// supported), `hostIP` empty or `0.0.0.0` for every address, an IPv4 address otherwise.
    public init(protocolName: String?, hostIP: String?, hostPort: Int, containerPort: Int) throws(PodError) {
        let proto: PortProtocol
        switch protocolName ?? "TCP" {
        case "TCP": proto = .tcp
        case "UDP": proto = .udp
        case let other: throw PodError(.unsupported, "hostPort \(hostPort)/\(other): podctl publishes TCP and UDP ports only")
        }
        guard (1...65535).contains(hostPort), (1...65535).contains(containerPort) else {
            throw PodError(.invalidArgument, "hostPort \(hostPort) → containerPort \(containerPort): ports are 1 to 65535")
        }
        var address: IPv4Address?
        if let hostIP, !hostIP.isEmpty {
            guard let parsed = IPv4Address(hostIP) else {
                throw PodError(.unsupported, "hostIP \(hostIP) of hostPort \(hostPort): podctl publishes on IPv4 addresses only")
            }
            address = parsed
        }
        self.init(proto, hostIP: address, hostPort: UInt16(hostPort), containerPort: UInt16(containerPort))
    }

    /// `8080/tcp` or `192.168.1.5:8080/tcp`.
    public var description: String {
        (hostIP.map { "\($0):" } ?? "") + "\(hostPort)/\(proto.rawValue)"
    }

    /// Two published ports clash when protocol and port are the same and either listens
    /// on every address or both on the same one (as the kubelet's scheduler predicate).
    public func clashes(with other: HostPort) -> Bool {
        proto == other.proto && hostPort == other.hostPort && (hostIP == nil || other.hostIP == nil || hostIP == other.hostIP)
    }
}

/// One element of the port maps: a published port, the pod's address and its key
/// (stored as the element's comment, so `nft list` says whose port it is).
public struct PortMapEntry: Hashable, Sendable, CustomStringConvertible {
    public var port: HostPort
    public var podIP: IPv4Address
    public var pod: String

    public init(port: HostPort, podIP: IPv4Address, pod: String) {
        self.port = port
        self.podIP = podIP
        self.pod = pod
    }

    public var description: String { "\(port) → \(podIP):\(port.containerPort) (\(pod))" }
}
