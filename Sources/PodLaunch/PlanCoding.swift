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
            ("gid", String(gid)), ("initPath", initPath), ("tty", tty ? "1" : "0"),
        ]
        items += lowerDirs.map { ("lower", $0) }
        items += mounts.map { ("mount", $0.encoded) }
        items += argv.map { ("arg", $0) }
        items += env.map { ("env", $0) }
        items += groups.map { ("group", String($0)) }
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
        case "lower": lowerDirs.append(value)
        case "arg": argv.append(value)
        case "env": env.append(value)
        case "mount":
            guard let spec = MountSpec(encoded: value) else { return PlanError("a malformed mount: \(value)") }
            mounts.append(spec)
        default:
            return PlanError("unknown key \(key)")
        }
        return nil
    }
}

extension MountSpec {
    /// `kind|ro|source|target|options`; `|` cannot appear in the paths podctl builds
    /// (they are made of validated names), and is refused in user paths at validation.
    var encoded: String {
        [kind.rawValue, readOnly ? "ro" : "rw", source, target, options].joined(separator: "|")
    }

    init?(encoded: String) {
        let parts = encoded.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let kind = Kind(rawValue: parts[0]) else { return nil }
        self.init(kind: kind, source: parts[2], target: parts[3], readOnly: parts[1] == "ro", options: parts[4])
    }
}

public struct PlanError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
