public struct Probe: Codable, Equatable, Sendable {
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var grpc: GRPCAction?
    public var initialDelaySeconds: Int32?
    public var timeoutSeconds: Int32?
    public var periodSeconds: Int32?
    public var successThreshold: Int32?
    public var failureThreshold: Int32?
    public var terminationGracePeriodSeconds: Int64?

    var handlerCount: Int {
        [exec != nil, httpGet != nil, tcpSocket != nil, grpc != nil].filter { $0 }.count
    }
}

public struct ExecAction: Codable, Equatable, Sendable {
    public var command: [String]?
}

public struct HTTPGetAction: Codable, Equatable, Sendable {
    public var path: String?
    public var port: IntOrString?
    public var host: String?
    public var scheme: String?
    public var httpHeaders: [HTTPHeader]?
}

public struct HTTPHeader: Codable, Equatable, Sendable {
    public var name: String?
    public var value: String?
}

public struct TCPSocketAction: Codable, Equatable, Sendable {
    public var port: IntOrString?
    public var host: String?
}

public struct GRPCAction: Codable, Equatable, Sendable {
    public var port: Int32?
    public var service: String?
}

public struct Lifecycle: Codable, Equatable, Sendable {
    public var postStart: LifecycleHandler?
    public var preStop: LifecycleHandler?
}

public struct LifecycleHandler: Codable, Equatable, Sendable {
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var sleep: SleepAction?

    var handlerCount: Int {
        [exec != nil, httpGet != nil, sleep != nil].filter { $0 }.count
    }
}

public struct SleepAction: Codable, Equatable, Sendable {
    public var seconds: Int64?
}

/// A port given by number or by the name of a container port (Kubernetes `IntOrString`).
public enum IntOrString: Codable, Equatable, Sendable, CustomStringConvertible {
    case int(Int32)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .int(number): try container.encode(number)
        case let .string(text): try container.encode(text)
        }
    }

    public var description: String {
        switch self {
        case let .int(number): return String(number)
        case let .string(text): return text
        }
    }
}
