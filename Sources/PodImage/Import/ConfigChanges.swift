import Foundation
import PodCore

/// `--change` of `image import`: Dockerfile instructions that set the config, as
/// `podman import --change` and `docker import --change` take them.
enum ConfigChanges {
    static let supported = "CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR"

    /// The PATH of an image that sets none: podman's and docker's default for imports.
    static let defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    static func apply(_ changes: [String], to config: inout ContainerConfigDocument) throws(PodError) {
        for change in changes { try apply(change, to: &config) }
        if !(config.Env ?? []).contains(where: { $0.hasPrefix("PATH=") }) {
            config.Env = [defaultPath] + (config.Env ?? [])
        }
    }

    private static func apply(_ change: String, to config: inout ContainerConfigDocument) throws(PodError) {
        let trimmed = change.trimmingCharacters(in: .whitespaces)
        let split = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? trimmed.endIndex
        let instruction = trimmed[..<split].uppercased()
        let argument = trimmed[split...].trimmingCharacters(in: .whitespaces)
        func bad(_ why: String) -> PodError { PodError(.invalidArgument, "--change '\(change)': \(why)") }
        guard !argument.isEmpty else { throw bad("\(instruction.isEmpty ? "the instruction" : instruction) needs a value") }
        switch instruction {
        case "CMD": config.Cmd = try command(argument, bad)
        case "ENTRYPOINT": config.Entrypoint = try command(argument, bad)
        case "ENV": try setEnv(argument, in: &config, bad)
        case "LABEL":
            for (key, value) in try pairs(argument, bad) { config.Labels = (config.Labels ?? [:]).merging([key: value]) { $1 } }
        case "EXPOSE":
            for port in try words(argument, bad) {
                let spec = port.contains("/") ? port.lowercased() : port + "/tcp"
                let parts = spec.split(separator: "/")
                guard parts.count == 2, UInt16(parts[0]) != nil, ["tcp", "udp", "sctp"].contains(parts[1]) else {
                    throw bad("\"\(port)\" is not PORT[/tcp|udp|sctp]")
                }
                config.ExposedPorts = (config.ExposedPorts ?? [:]).merging([spec: .init()]) { $1 }
            }
        case "USER": config.User = argument
        case "WORKDIR":
            guard argument.hasPrefix("/") else { throw bad("WORKDIR must be an absolute path") }
            config.WorkingDir = argument
        case "STOPSIGNAL": config.StopSignal = argument
        case "VOLUME":
            let paths = argument.hasPrefix("[") ? try jsonArray(argument, bad) : try words(argument, bad)
            for path in paths { config.Volumes = (config.Volumes ?? [:]).merging([path: .init()]) { $1 } }
        default:
            throw bad("\"\(instruction)\" cannot be changed; use one of \(supported)")
        }
    }

    /// Exec form (a JSON array) as it is; shell form runs under `/bin/sh -c`, as a
    /// Dockerfile does.
    private static func command(_ argument: String, _ bad: (String) -> PodError) throws(PodError) -> [String] {
        if argument.hasPrefix("[") { return try jsonArray(argument, bad) }
        return ["/bin/sh", "-c", argument]
    }

    private static func jsonArray(_ argument: String, _ bad: (String) -> PodError) throws(PodError) -> [String] {
        guard let array = try? JSONDecoder().decode([String].self, from: Data(argument.utf8)) else {
            throw bad("\(argument) is not a JSON array of strings, like [\"sh\", \"-c\", \"echo hi\"]")
        }
        return array
    }

    /// `ENV k=v k2="v 2"`, or the old form `ENV k v with spaces`.
    private static func setEnv(_ argument: String, in config: inout ContainerConfigDocument, _ bad: (String) -> PodError) throws(PodError) {
        var env = config.Env ?? []
        func set(_ key: String, _ value: String) {
            env.removeAll { $0.hasPrefix(key + "=") }
            env.append(key + "=" + value)
        }
        let tokens = try words(argument, bad)
        if let first = tokens.first, !first.contains("=") {
            let value = argument.dropFirst(first.count).trimmingCharacters(in: .whitespaces)
            set(first, value)
        } else {
            for (key, value) in try pairs(argument, bad) { set(key, value) }
        }
        config.Env = env
    }

    private static func pairs(_ argument: String, _ bad: (String) -> PodError) throws(PodError) -> [(String, String)] {
        var result: [(String, String)] = []
        for word in try words(argument, bad) {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { throw bad("\"\(word)\" is not KEY=VALUE") }
            result.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
        }
        return result
    }

    /// Splits on blanks; double quotes group, a backslash escapes the next character.
    static func words(_ text: String, _ bad: (String) -> PodError) throws(PodError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for character in text {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\": escaped = true; inWord = true
            case "\"": quoted.toggle(); inWord = true
            case " " where !quoted, "\t" where !quoted:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default: current.append(character); inWord = true
            }
        }
        if quoted || escaped { throw bad("an unterminated quote or escape") }
        if inWord { words.append(current) }
        return words
    }
}
