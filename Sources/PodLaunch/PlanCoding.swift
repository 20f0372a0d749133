/// The plan on the wire: `key=value` items, each ended by a NUL byte (values cannot hold
/// NUL: they are paths, argv and environment strings). A list repeats its key. Unknown
/// keys are an error, so a helper and a supervisor of different builds fail loudly.
extension LaunchPlan {
    public func encoded() -> [UInt8] {
        var items: [(String, String)] = [
            ("mode", mode.rawValue), ("hostname", hostname), ("podPID", String(podPID)),
            ("sharePID", sharePID ? "1" : "0"), ("targetPID", String(targetPID)),
            ("upperDir", upperDir), ("workDir", workDir), ("rootfs", rootfs),
            ("readOnlyRoot", readOnlyRoot ? "1" : "0"), ("cwd", cwd), ("uid", String(uid)),
            ("gid", String(gid)), ("initPath", initPath), ("tty", tty ? "1" : "0"), ("hostNetwork", hostNetwork ? "1" : "0"), ("interface", interface),
        ]
        items += lowerDirs.map { ("lower", $0) }
        items += mounts.map { ("mount", $0.encoded) }
        items += argv.map { ("arg", $0) }
        items += env.map { ("env", $0) }
        items += groups.map { ("group", String($0)) }
        items += confinement.encodedItems
        items += sysctls.map { ("sysctl", $0) }
        if let idMap { items.append(("idMap", idMap.encoded)) }
        items += cgroupProcs.map { ("cgroupProcs", $0) }
        if let oomScoreAdj { items.append(("oomScoreAdj", String(oomScoreAdj))) }
        var bytes: [UInt8] = []
        for (key, value) in items {
            bytes += Array(key.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes += Array(value.utf8)
            bytes.append(0)
        }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) -> Result<LaunchPlan, PlanError> {
        var plan = LaunchPlan(mode: .sandbox)
        var sawMode = false
        for item in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else {
                return .failure(PlanError("an item without '='"))
            }
            let key = String(decoding: item[item.startIndex..<equals], as: UTF8.self)
            let value = String(decoding: item[(equals + 1)...], as: UTF8.self)
            if key == "mode" { sawMode = true }
            if let problem = plan.set(key, value) { return .failure(problem) }
        }
        return sawMode ? .success(plan) : .failure(PlanError("the plan names no mode"))
    }

    private mutating func set(_ key: String, _ value: String) -> PlanError? {
        switch key {
        case "mode":
            guard let parsed = Mode(rawValue: value) else { return PlanError("unknown mode \(value)") }
            mode = parsed
        case "hostname": hostname = value
        case "podPID", "targetPID":
            guard let pid = Int32(value) else { return PlanError("\(key) is not a number: \(value)") }
            if key == "podPID" { podPID = pid } else { targetPID = pid }
        case "sharePID": sharePID = value == "1"
        case "upperDir": upperDir = value
        case "workDir": workDir = value
        case "rootfs": rootfs = value
        case "readOnlyRoot": readOnlyRoot = value == "1"
        case "cwd": cwd = value
        case "uid", "gid", "group":
            guard let id = UInt32(value) else { return PlanError("\(key) is not a number: \(value)") }
            if key == "uid" { uid = id } else if key == "gid" { gid = id } else { groups.append(id) }
        case "initPath": initPath = value
        case "tty": tty = value == "1"
        case "hostNetwork": hostNetwork = value == "1"
        case "interface": interface = value
        case "lower": lowerDirs.append(value)
        case "arg": argv.append(value)
        case "env": env.append(value)
        case "mount":
            guard let spec = MountSpec(encoded: value) else { return PlanError("a malformed mount: \(value)") }
            mounts.append(spec)
        case "idMap":
            guard let map = IDMap(encoded: value) else { return PlanError("a malformed ID map: \(value)") }
            idMap = map
        case "cgroupProcs": cgroupProcs.append(value)
        case "oomScoreAdj":
            guard let score = Int32(value), (-1000...1000).contains(score) else { return PlanError("oomScoreAdj is not in -1000…1000: \(value)") }
            oomScoreAdj = score
        case "sysctl":
            guard value.contains("=") else { return PlanError("a malformed sysctl: \(value)") }
            sysctls.append(value)
        default:
            guard let outcome = confinement.set(key, value) else { return PlanError("unknown key \(key)") }
            return outcome
        }
        return nil
    }
}

extension MountSpec {
    /// `kind|ro|source|target|options[|subPath]`; `|` cannot appear in the paths podctl builds
    /// (they are made of validated names), and is refused in user paths at validation.
    /// The subPath comes last, taken whole.
    var encoded: String {
        ([kind.rawValue, readOnly ? "ro" : "rw", source, target, options] + (subPath.isEmpty ? [] : [subPath])).joined(separator: "|")
    }

    init?(encoded: String) {
        let parts = encoded.split(separator: "|", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 || parts.count == 6, let kind = Kind(rawValue: parts[0]) else { return nil }
        self.init(kind: kind, source: parts[2], target: parts[3], readOnly: parts[1] == "ro", options: parts[4], subPath: parts.count == 6 ? parts[5] : "")
    }
}

public struct PlanError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// The confinement on the wire:
///
///     capabilities=BND:EFF:PRM:INH:AMB    hexadecimal bit masks
///     noNewPrivileges=1   privileged=1
///     masked=PATH   readOnlyPath=PATH     (repeated)
///     seccomp=DEFAULT|ARCH,ARCH|FLAG,FLAG                 a filter (flags: log, spec-allow)
///     seccompRule=ACTION|NAME,NAME|INDEX:OP:VALUE:VALUE2;…  (repeated, after `seccomp`)
///     seccompProgram=HEX          the compiled filter, instead of the rules
extension Confinement {
    var encodedItems: [(String, String)] {
        let sets = capabilities
        var items: [(String, String)] = [
            ("capabilities", [sets.bounding, sets.effective, sets.permitted, sets.inheritable, sets.ambient].map { String($0, radix: 16) }.joined(separator: ":")),
            ("noNewPrivileges", noNewPrivileges ? "1" : "0"), ("privileged", privileged ? "1" : "0"),
        ]
        items += maskedPaths.map { ("masked", $0) }
        items += readOnlyPaths.map { ("readOnlyPath", $0) }
        if let filter = seccomp {
            let flags = (filter.log ? ["log"] : []) + (filter.specAllow ? ["spec-allow"] : [])
            items.append(("seccomp", [filter.defaultAction.description, filter.architectures.joined(separator: ","), flags.joined(separator: ",")].joined(separator: "|")))
            // The helper needs the program or the rules, not both.
            if let program = filter.program { items.append(("seccompProgram", program.hex)); return items }
            for rule in filter.rules {
                let arguments = rule.arguments.map { "\($0.index):\($0.op.rawValue):\($0.value):\($0.valueTwo)" }
                items.append(("seccompRule", [rule.action.description, rule.names.joined(separator: ","), arguments.joined(separator: ";")].joined(separator: "|")))
            }
        }
        return items
    }

    /// nil: not a confinement key; `.some(nil)`: set; `.some(error)`: a bad value.
    mutating func set(_ key: String, _ value: String) -> PlanError?? {
        switch key {
        case "capabilities":
            let masks = value.split(separator: ":", omittingEmptySubsequences: false).map { UInt64($0, radix: 16) }
            guard masks.count == 5, !masks.contains(nil) else { return .some(PlanError("malformed capabilities: \(value)")) }
            capabilities = CapabilitySets(bounding: masks[0]!, effective: masks[1]!, permitted: masks[2]!, inheritable: masks[3]!, ambient: masks[4]!)
        case "noNewPrivileges": noNewPrivileges = value == "1"
        case "privileged": privileged = value == "1"
        case "masked": maskedPaths.append(value)
        case "readOnlyPath": readOnlyPaths.append(value)
        case "seccomp":
            let parts = value.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 3, let action = SeccompAction(text: String(parts[0])) else { return .some(PlanError("a malformed seccomp filter: \(value)")) }
            let flags = parts[2].split(separator: ",")
            guard flags.allSatisfy({ $0 == "log" || $0 == "spec-allow" }) else { return .some(PlanError("unknown seccomp flags: \(parts[2])")) }
            seccomp = SeccompFilter(defaultAction: action, architectures: parts[1].split(separator: ",").map(String.init), rules: [],
                                    log: flags.contains("log"), specAllow: flags.contains("spec-allow"))
        case "seccompProgram":
            guard seccomp != nil else { return .some(PlanError("a seccomp program before the filter")) }
            guard let program = SeccompProgram(hex: value) else { return .some(PlanError("a malformed seccomp program")) }
            seccomp?.program = program
        case "seccompRule":
            guard seccomp != nil else { return .some(PlanError("a seccomp rule before the filter")) }
            guard let rule = SeccompRule(encoded: value) else { return .some(PlanError("a malformed seccomp rule: \(value)")) }
            seccomp?.rules.append(rule)
        default:
            return nil
        }
        return .some(nil)
    }
}

extension SeccompRule {
    init?(encoded: String) {
        let parts = encoded.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, let action = SeccompAction(text: String(parts[0])) else { return nil }
        let names = parts[1].split(separator: ",").map(String.init)
        guard !names.isEmpty else { return nil }
        var arguments: [SeccompArgument] = []
        for text in parts[2].split(separator: ";") {
            let fields = text.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 4, let index = UInt32(fields[0]), let op = SeccompArgument.Operator(rawValue: String(fields[1])),
                  let value = UInt64(fields[2]), let valueTwo = UInt64(fields[3]) else { return nil }
            arguments.append(SeccompArgument(index: index, op: op, value: value, valueTwo: valueTwo))
        }
        self.init(action: action, names: names, arguments: arguments)
    }
}
