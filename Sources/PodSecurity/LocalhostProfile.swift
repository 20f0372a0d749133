import Foundation
import Glibc
import PodCore
import PodLaunch

/// A `Localhost` seccomp profile: a JSON file in the OCI runtime spec's form
/// (`defaultAction`, `architectures`, `syscalls` with `names`, `action`, `errnoRet`,
/// `args`) or Docker's (`archMap`, `includes`/`excludes` by capability, architecture and
/// minimum kernel), read when the pod is applied, so the helper gets a plain rule list.
public enum LocalhostProfile {
    /// `<root>/seccomp`: `localhostProfile` is a path relative to it (validation refuses
    /// absolute paths and `..`), as the kubelet's `<root-dir>/seccomp`.
    public static func directory(root: String) -> String { root + "/seccomp" }

    public static func load(_ path: String, capabilities: UInt64, host: Host) throws(PodError) -> SeccompFilter {
        guard access(path, R_OK) == 0 else {
            throw PodError(.notFound, "cannot read the seccomp profile \(path)", cause: .system(call: "access", errno: errno, path: path))
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PodError(.system, "cannot read the seccomp profile \(path)", cause: .text("\(error)"))
        }
        return try parse(data, file: path, capabilities: capabilities, host: host)
    }

    public static func parse(_ data: Data, file: String, capabilities: UInt64, host: Host) throws(PodError) -> SeccompFilter {
        let profile: ProfileFile
        do { profile = try JSONDecoder().decode(ProfileFile.self, from: data) } catch {
            throw invalid(file, Self.describe(error))
        }
        do { return try profile.filter(capabilities: capabilities, host: host) } catch {
            throw invalid(file, error.description)
        }
    }

    static func invalid(_ file: String, _ reason: String) -> PodError {
        PodError(.invalidManifest, "the seccomp profile \(file) is not valid: \(reason)")
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON: \(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case let .dataCorrupted(context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "not JSON\(path(context)): \(underlying ?? context.debugDescription)"
        case let .keyNotFound(key, context): return "\"\(key.stringValue)\" is missing\(path(context))"
        case let .typeMismatch(type, context): return "expected \(type)\(path(context))"
        case let .valueNotFound(type, context): return "expected \(type)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}

/// The file's JSON. Unknown keys (`comment`, …) are ignored, as the runtimes do.
struct ProfileFile: Decodable {
    var defaultAction: String
    var defaultErrnoRet: UInt?
    var architectures: [String]?
    var archMap: [ArchMapEntry]?
    var flags: [String]?
    var listenerPath: String?
    var syscalls: [SyscallEntry]?

    struct ArchMapEntry: Decodable {
        var architecture: String
        var subArchitectures: [String]?
    }

    struct SyscallEntry: Decodable {
        var names: [String]?
        var name: String?
        var action: String
        var errnoRet: UInt?
        var args: [Argument]?
        var includes: Condition?
        var excludes: Condition?
    }

    struct Argument: Decodable {
        var index: UInt32
        var value: UInt64
        var valueTwo: UInt64?
        var op: String
    }

    struct Condition: Decodable {
        var caps: [String]?
        var arches: [String]?
        var minKernel: String?
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func filter(capabilities: UInt64, host: Host) throws(Problem) -> SeccompFilter {
        if let listenerPath, !listenerPath.isEmpty { throw Problem("listenerPath: podctl has no seccomp agent (SCMP_ACT_NOTIFY)") }
        let defaultAction = try Self.action(defaultAction, errno: defaultErrnoRet, at: "defaultAction")
        var log = false, specAllow = false
        for flag in flags ?? [] {
            switch flag {
            case "SECCOMP_FILTER_FLAG_TSYNC": break  // the helper is single-threaded
            case "SECCOMP_FILTER_FLAG_LOG": log = true
            case "SECCOMP_FILTER_FLAG_SPEC_ALLOW": specAllow = true
            default: throw Problem("flags: unknown flag \"\(flag)\"")
            }
        }
        var rules: [SeccompRule] = []
        for (index, entry) in (syscalls ?? []).enumerated() {
            let at = "syscalls[\(index)]"
            guard try applies(entry, capabilities: capabilities, host: host, at: at) else { continue }
            let names = (entry.names ?? []) + (entry.name.map { [$0] } ?? [])
            guard !names.isEmpty, !names.contains(where: \.isEmpty) else { throw Problem("\(at): names no system call") }
            if let bad = names.first(where: { $0.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_") }) }) {
                throw Problem("\(at): \"\(bad)\" is not a system call name")
            }
            let action = try Self.action(entry.action, errno: entry.errnoRet, at: "\(at).action")
            let arguments = try (entry.args ?? []).enumerated().map { (number, argument) throws(Problem) in
                try Self.argument(argument, at: "\(at).args[\(number)]")
            }
            rules.append(SeccompRule(action: action, names: names, arguments: arguments))
        }
        return SeccompFilter(defaultAction: defaultAction, architectures: try self.architectures(host), rules: rules, log: log, specAllow: specAllow)
    }

    /// Docker's `archMap` gives the native architecture's entry with its sub-architectures;
    /// the OCI `architectures` list is kept to those this host runs (a filter for another
    /// machine's ABI would only grow the program). Neither: the native one.
    func architectures(_ host: Host) throws(Problem) -> [String] {
        var listed: [String] = []
        if let archMap {
            for entry in archMap where host.architectures.first == Self.archName(entry.architecture) {
                listed = ([entry.architecture] + (entry.subArchitectures ?? [])).map(Self.archName)
            }
        }
        for arch in architectures ?? [] {
            guard arch.hasPrefix("SCMP_ARCH_") else { throw Problem("architectures: \"\(arch)\" is not an SCMP_ARCH_ name") }
            listed.append(Self.archName(arch))
        }
        var seen = Set<String>()
        return listed.filter { host.architectures.contains($0) && seen.insert($0).inserted }
    }

    static func archName(_ name: String) -> String {
        (name.hasPrefix("SCMP_ARCH_") ? String(name.dropFirst(10)) : name).lowercased()
    }

    /// Docker's conditions: every capability of `includes.caps` kept, the host's
    /// architecture among `includes.arches`, the kernel at least `minKernel`; none of
    /// `excludes`' capabilities kept and the architecture not among its arches.
    func applies(_ entry: SyscallEntry, capabilities: UInt64, host: Host, at: String) throws(Problem) -> Bool {
        func keeps(_ name: String) throws(Problem) -> Bool {
            guard let bit = Capability.mask(name) else { throw Problem("\(at): \"\(name)\" is not a capability") }
            return capabilities & bit != 0
        }
        if let includes = entry.includes {
            for cap in includes.caps ?? [] where try !keeps(cap) { return false }
            if let arches = includes.arches, !arches.isEmpty, !arches.contains(host.goArchitecture) { return false }
            if let minimum = includes.minKernel, !minimum.isEmpty {
                guard let version = KernelVersion(minimum) else { throw Problem("\(at).includes.minKernel: \"\(minimum)\" is not a kernel version") }
                if host.kernel < version { return false }
            }
        }
        if let excludes = entry.excludes {
            for cap in excludes.caps ?? [] where try keeps(cap) { return false }
            if let arches = excludes.arches, arches.contains(host.goArchitecture) { return false }
            if let minimum = excludes.minKernel, !minimum.isEmpty {
                guard let version = KernelVersion(minimum) else { throw Problem("\(at).excludes.minKernel: \"\(minimum)\" is not a kernel version") }
                if host.kernel >= version { return false }
            }
        }
        return true
    }

    static func action(_ name: String, errno: UInt?, at: String) throws(Problem) -> SeccompAction {
        let code = errno ?? 1
        guard code <= 0xffff else { throw Problem("\(at): errnoRet \(code) is out of range") }
        switch name {
        case "SCMP_ACT_ALLOW": return .allow
        case "SCMP_ACT_ERRNO": return .errno(UInt16(code))
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": return .killThread
        case "SCMP_ACT_KILL_PROCESS": return .killProcess
        case "SCMP_ACT_TRAP": return .trap
        case "SCMP_ACT_LOG": return .log
        case "SCMP_ACT_TRACE": return .trace(UInt16(code))
        case "SCMP_ACT_NOTIFY": throw Problem("\(at): SCMP_ACT_NOTIFY needs a seccomp agent, which podctl does not have")
        default: throw Problem("\(at): unknown action \"\(name)\"")
        }
    }

    static func argument(_ argument: Argument, at: String) throws(Problem) -> SeccompArgument {
        guard argument.index < 6 else { throw Problem("\(at).index: \(argument.index) is not an argument (0 to 5)") }
        let ops: [String: SeccompArgument.Operator] = [
            "SCMP_CMP_NE": .notEqual, "SCMP_CMP_LT": .lessThan, "SCMP_CMP_LE": .lessOrEqual, "SCMP_CMP_EQ": .equal,
            "SCMP_CMP_GE": .greaterOrEqual, "SCMP_CMP_GT": .greaterThan, "SCMP_CMP_MASKED_EQ": .maskedEqual,
        ]
        guard let op = ops[argument.op] else { throw Problem("\(at).op: unknown operator \"\(argument.op)\"") }
        return SeccompArgument(index: argument.index, op: op, value: argument.value, valueTwo: argument.valueTwo ?? 0)
    }
}
