import PodCore

/// `podctl exec` as the lean front reads it: kubectl's -i, -t, -c, -n and podctl's
/// --root and --run-root, the pod, `--` and the command. Anything else (help, an option
/// it does not know, a missing command) is nil, and the full CLI parses it and prints its
/// usual messages: this parser only decides whether the fast path applies.
struct ExecRequest: Equatable {
    var pod = ""
    var namespace = "default"
    var container: String?
    var stdin = false
    var tty = false
    var root: String?
    var runRoot: String?
    var command: [String] = []

    static func parse(_ arguments: [String]) -> ExecRequest? {
        guard arguments.first == "exec" else { return nil }
        var request = ExecRequest()
        var pod: String?
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                request.command = Array(arguments[index...])
                break
            }
            if let flags = Self.flags[argument] {
                if flags.stdin { request.stdin = true }
                if flags.tty { request.tty = true }
                continue
            }
            if let (option, inline) = Self.option(argument) {
                let value: String
                if let inline { value = inline } else {
                    guard index < arguments.count else { return nil }
                    value = arguments[index]
                    index += 1
                }
                request.set(option, value)
                continue
            }
            guard !argument.hasPrefix("-"), pod == nil else { return nil }
            pod = argument
        }
        guard let pod, !request.command.isEmpty else { return nil }
        request.pod = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        return request
    }

    private static let flags: [String: (stdin: Bool, tty: Bool)] = [
        "-i": (true, false), "--stdin": (true, false), "-t": (false, true), "--tty": (false, true),
        "-it": (true, true), "-ti": (true, true),
    ]

    private enum Option { case container, namespace, root, runRoot }

    private static let options: [String: Option] = [
        "-c": .container, "--container": .container, "-n": .namespace, "--namespace": .namespace,
        "--root": .root, "--run-root": .runRoot,
    ]

    /// `-c web`, `--container web` or `--container=web`: the option and the value given inline.
    private static func option(_ argument: String) -> (Option, String?)? {
        if let option = options[argument] { return (option, nil) }
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "="),
              let option = options[String(argument[..<equals])] else { return nil }
        return (option, String(argument[argument.index(after: equals)...]))
    }

    private mutating func set(_ option: Option, _ value: String) {
        switch option {
        case .container: container = value
        case .namespace: namespace = value
        case .root: root = value
        case .runRoot: runRoot = value
        }
    }
}
