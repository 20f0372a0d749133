import Glibc
import PodCore

/// One `[LOCAL:]REMOTE` argument of `podctl port-forward`, as kubectl parses it
/// (kubectl/pkg/cmd/portforward, parsePorts): `8080:80`, `80` (the same port on both
/// sides), `:80` (a random local port, chosen by the kernel and printed).
public struct PortForwardSpec: Equatable, Sendable {
    /// 0 when the kernel picks it.
    public var local: UInt16
    public let remote: UInt16

    public init(local: UInt16, remote: UInt16) {
        self.local = local
        self.remote = remote
    }

    public static func parse(_ text: String) throws(PodError) -> PortForwardSpec {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            let port = try number(parts[0], "remote", allowZero: false)
            return PortForwardSpec(local: port, remote: port)
        case 2:
            let local = try parts[0].isEmpty ? 0 : number(parts[0], "local", allowZero: true)
            return PortForwardSpec(local: local, remote: try number(parts[1], "remote", allowZero: false))
        default:
            throw PodError(.invalidArgument, "invalid port format '\(text)': give [LOCAL:]REMOTE, e.g. 8080:80 or :80")
        }
    }

    /// A port number of at most five digits (the parser reads no more of hostile text).
    private static func number(_ text: String, _ side: String, allowZero: Bool) throws(PodError) -> UInt16 {
        guard text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt16(text), allowZero || value != 0 else {
            throw PodError(.invalidArgument, "Error parsing \(side) port '\(text)': a port is a number from \(allowZero ? 0 : 1) to 65535")
        }
        return value
    }
}

/// The `--address` values: `localhost` is 127.0.0.1 and ::1 (either may be missing, as
/// kubectl allows); anything else must be an IP address literal.
public enum ForwardAddress: Equatable, Sendable {
    case v4(String)
    case v6(String)

    public static func parse(_ list: [String]) throws(PodError) -> [(ForwardAddress, required: Bool)] {
        var result: [(ForwardAddress, required: Bool)] = []
        for item in list.flatMap({ $0.split(separator: ",").map(String.init) }) {
            if item == "localhost" {
                result += [(.v4("127.0.0.1"), false), (.v6("::1"), false)]
            } else if item.contains(":") {
                var address = in6_addr()
                guard inet_pton(AF_INET6, item, &address) == 1 else { throw invalid(item) }
                result.append((.v6(item), true))
            } else {
                var address = in_addr()
                guard inet_pton(AF_INET, item, &address) == 1 else { throw invalid(item) }
                result.append((.v4(item), true))
            }
        }
        return result
    }

    private static func invalid(_ item: String) -> PodError {
        PodError(.invalidArgument, "\(item) is not a valid IP")
    }

    /// As kubectl prints a listener: `127.0.0.1:8080`, `[::1]:8080`.
    public func display(_ port: UInt16) -> String {
        switch self {
        case let .v4(address): return "\(address):\(port)"
        case let .v6(address): return "[\(address)]:\(port)"
        }
    }
}
