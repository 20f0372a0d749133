/// How a container's processes are confined (docs/security.md): capability sets,
/// no_new_privs, a seccomp filter, masked and read-only paths. PodSecurity computes it
/// when the pod is applied; pod-helper applies it between fork and exec, to the
/// container's init and to every exec. Standard library only, like the rest of this
/// module: the helper links neither Foundation nor Dispatch.
public struct Confinement: Codable, Equatable, Sendable {
    public var capabilities: CapabilitySets
    /// prctl(PR_SET_NO_NEW_PRIVS): execve grants nothing (setuid bits, file capabilities).
    public var noNewPrivileges: Bool
    /// nil: no filter (`Unconfined`, privileged).
    public var seccomp: SeccompFilter?
    /// Files get /dev/null bound over them, directories a read-only empty tmpfs; missing
    /// ones are skipped.
    public var maskedPaths: [String]
    /// Bound onto themselves and remounted read-only.
    public var readOnlyPaths: [String]
    /// privileged: /sys is mounted read-write (and the computation gave every capability,
    /// no filter, no masks).
    public var privileged: Bool

    public init(capabilities: CapabilitySets, noNewPrivileges: Bool, seccomp: SeccompFilter?, maskedPaths: [String], readOnlyPaths: [String], privileged: Bool) {
        self.capabilities = capabilities
        self.noNewPrivileges = noNewPrivileges
        self.seccomp = seccomp
        self.maskedPaths = maskedPaths
        self.readOnlyPaths = readOnlyPaths
        self.privileged = privileged
    }

    /// No confinement at all: what a plan that says nothing gets (the sandbox's pause is
    /// confined by the helper itself). Every container plan carries a computed one.
    public static let none = Confinement(capabilities: .all, noNewPrivileges: false, seccomp: nil, maskedPaths: [], readOnlyPaths: [], privileged: false)
}

/// The five capability sets as bit masks: bit N is capability N (linux/capability.h).
/// Bits the running kernel does not know are ignored by the helper, so `UInt64.max`
/// means "everything this kernel has".
public struct CapabilitySets: Codable, Equatable, Sendable {
    public var bounding: UInt64
    public var effective: UInt64
    public var permitted: UInt64
    public var inheritable: UInt64
    public var ambient: UInt64

    public init(bounding: UInt64, effective: UInt64, permitted: UInt64, inheritable: UInt64, ambient: UInt64) {
        self.bounding = bounding
        self.effective = effective
        self.permitted = permitted
        self.inheritable = inheritable
        self.ambient = ambient
    }

    public static let all = CapabilitySets(bounding: .max, effective: .max, permitted: .max, inheritable: 0, ambient: 0)
}

/// A seccomp filter as libseccomp builds it: a default action, the architectures it
/// covers (libseccomp's names: `x86_64`, `x86`, `x32`, `aarch64`, `arm`, …) and rules.
/// Syscall names the running libseccomp does not know are skipped, as runc does.
public struct SeccompFilter: Codable, Equatable, Sendable {
    public var defaultAction: SeccompAction
    public var architectures: [String]
    public var rules: [SeccompRule]
    /// SECCOMP_FILTER_FLAG_LOG: log every action but allow.
    public var log: Bool
    /// SECCOMP_FILTER_FLAG_SPEC_ALLOW: no speculative store bypass mitigation.
    public var specAllow: Bool
    /// The rules compiled by libseccomp into a BPF program (`struct sock_filter`s, 8
    /// bytes each), once, when the pod is applied: loading it costs a system call, where
    /// building it from the rules for three ABIs costs milliseconds at every start. In a
    /// launch plan only: the run plan names the program by `programKey`.
    public var program: SeccompProgram?
    /// The compiled program's key in the seccomp cache (`<root>/seccomp-cache/KEY.bpf`):
    /// the run plan refers to the program by it and holds neither the program nor the
    /// rules it was compiled from (docs/state.md); the supervisor reads the file when it
    /// launches a container or an exec.
    public var programKey: String?

    public init(defaultAction: SeccompAction, architectures: [String], rules: [SeccompRule], log: Bool = false, specAllow: Bool = false, program: SeccompProgram? = nil, programKey: String? = nil) {
        self.defaultAction = defaultAction
        self.architectures = architectures
        self.rules = rules
        self.log = log
        self.specAllow = specAllow
        self.program = program
        self.programKey = programKey
    }
}

extension SeccompFilter {
    enum CodingKeys: String, CodingKey { case defaultAction, architectures, rules, log, specAllow, program, programKey }

    /// A filter with a key is written as its key and its flags: the rules are what the
    /// key was computed from, the program is in the cache's file. A run plan written
    /// before the programs moved to the cache holds the program in hexadecimal; it is
    /// still read.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        self.init(defaultAction: try fields.decode(SeccompAction.self, forKey: .defaultAction),
                  architectures: try fields.decodeIfPresent([String].self, forKey: .architectures) ?? [],
                  rules: try fields.decodeIfPresent([SeccompRule].self, forKey: .rules) ?? [],
                  log: try fields.decodeIfPresent(Bool.self, forKey: .log) ?? false,
                  specAllow: try fields.decodeIfPresent(Bool.self, forKey: .specAllow) ?? false,
                  program: try fields.decodeIfPresent(SeccompProgram.self, forKey: .program),
                  programKey: try fields.decodeIfPresent(String.self, forKey: .programKey))
    }

    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(defaultAction, forKey: .defaultAction)
        try fields.encode(log, forKey: .log)
        try fields.encode(specAllow, forKey: .specAllow)
        if let programKey {
            try fields.encode(programKey, forKey: .programKey)
            return
        }
        try fields.encode(architectures, forKey: .architectures)
        try fields.encode(rules, forKey: .rules)
        try fields.encodeIfPresent(program, forKey: .program)
    }
}

/// A compiled filter, as the kernel takes it: raw bytes in a launch plan (PLN1) and in
/// the seccomp cache's files. Its hexadecimal JSON form is read from run plans written
/// before the programs moved to the cache, and written only for a filter without a key.
public struct SeccompProgram: Equatable, Sendable, Codable {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// nil for odd lengths, other characters, or a length that is not whole instructions.
    public init?(hex: some StringProtocol) {
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        let text = Array(hex.utf8)
        guard text.count % 16 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            guard let high = value(text[index]), let low = value(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: bytes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let program = SeccompProgram(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a BPF program in hexadecimal")
        }
        self = program
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

public struct SeccompRule: Codable, Equatable, Sendable {
    public var action: SeccompAction
    public var names: [String]
    /// All must hold (libseccomp ANDs the comparisons of one rule).
    public var arguments: [SeccompArgument]

    public init(action: SeccompAction, names: [String], arguments: [SeccompArgument] = []) {
        self.action = action
        self.names = names
        self.arguments = arguments
    }
}

public struct SeccompArgument: Codable, Equatable, Sendable {
    /// libseccomp's `enum scmp_compare`, by value.
    public enum Operator: String, Codable, Sendable, CaseIterable {
        case notEqual = "ne"
        case lessThan = "lt"
        case lessOrEqual = "le"
        case equal = "eq"
        case greaterOrEqual = "ge"
        case greaterThan = "gt"
        case maskedEqual = "me"

        public var libseccompValue: UInt32 {
            switch self {
            case .notEqual: 1
            case .lessThan: 2
            case .lessOrEqual: 3
            case .equal: 4
            case .greaterOrEqual: 5
            case .greaterThan: 6
            case .maskedEqual: 7
            }
        }
    }

    public var index: UInt32
    public var op: Operator
    public var value: UInt64
    /// The mask's comparand for `maskedEqual` (`(arg & value) == valueTwo`).
    public var valueTwo: UInt64

    public init(index: UInt32, op: Operator, value: UInt64, valueTwo: UInt64 = 0) {
        self.index = index
        self.op = op
        self.value = value
        self.valueTwo = valueTwo
    }
}

/// What the filter does with a call. Written as text (`allow`, `errno:1`, `kill-process`,
/// `kill-thread`, `trap`, `log`, `trace:N`) in the plan and in the run plan's JSON.
public enum SeccompAction: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    case allow
    case errno(UInt16)
    case killProcess
    case killThread
    case trap
    case log
    case trace(UInt16)

    /// The value of libseccomp's SCMP_ACT_* macros (seccomp.h), which Swift cannot import.
    public var libseccompValue: UInt32 {
        switch self {
        case .allow: 0x7fff_0000
        case let .errno(code): 0x0005_0000 | UInt32(code)
        case .killProcess: 0x8000_0000
        case .killThread: 0
        case .trap: 0x0003_0000
        case .log: 0x7ffc_0000
        case let .trace(code): 0x7ff0_0000 | UInt32(code)
        }
    }

    public var description: String {
        switch self {
        case .allow: "allow"
        case let .errno(code): "errno:\(code)"
        case .killProcess: "kill-process"
        case .killThread: "kill-thread"
        case .trap: "trap"
        case .log: "log"
        case let .trace(code): "trace:\(code)"
        }
    }

    public init?(text: String) {
        switch text {
        case "allow": self = .allow
        case "kill-process": self = .killProcess
        case "kill-thread": self = .killThread
        case "trap": self = .trap
        case "log": self = .log
        default:
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let code = UInt16(parts[1]) else { return nil }
            switch parts[0] {
            case "errno": self = .errno(code)
            case "trace": self = .trace(code)
            default: return nil
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let action = SeccompAction(text: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a seccomp action: \(text)")
        }
        self = action
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
