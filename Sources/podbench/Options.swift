import Foundation

/// The benchmark's knobs: `podbench [--runs N] [--exec-runs N] [--scale N] [--memory-pods N]
/// [--log-lines N] [--log-runs N] [--rootless-pods N] [--phases lifecycle,memory,scale,logs,cri,rootless] [--docs DIR]
/// [--podctl PATH] [--crictl PATH]`.
struct Options {
    var runs = 7
    var execRuns = 5
    var scale = 100
    var memoryPods = 100
    var logLines = 5_000_000
    var logRuns = 3
    /// Pods of each system at the rootless phase's second memory checkpoint.
    var rootlessPods = 10
    var phases: Set<String> = Options.allPhases
    static let allPhases: Set<String> = ["lifecycle", "memory", "scale", "logs", "cri", "rootless"]
    var docs: String?
    var podctl: String?
    var crictl: String?
    var work: String?
    var inner = false

    static let usage = """
        usage: podbench [--runs N] [--exec-runs N] [--scale N] [--memory-pods N] [--log-lines N]
                        [--log-runs N] [--rootless-pods N] [--phases lifecycle,memory,scale,logs,cri,rootless]
                        [--docs DIR] [--podctl PATH] [--crictl PATH]
        Runs podctl and Podman (kube play, crun) interleaved in a throwaway network namespace,
        as root, prints the figures and writes DIR/benchmarks.md and DIR/benchmarks.svg. The
        cri phase runs podctl-cri against containerd (runc) through crictl; the rootless phase
        runs podctl and rootless Podman as one ordinary user the phase makes.
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var rest = arguments.dropFirst()
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(usage)") }
            return next
        }
        func number(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n > 0 else { throw BenchError("\(flag) needs a positive number, not \(text)") }
            return n
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--runs": options.runs = try number(flag)
            case "--exec-runs": options.execRuns = try number(flag)
            case "--scale": options.scale = try number(flag)
            case "--memory-pods": options.memoryPods = try number(flag)
            case "--log-lines": options.logLines = try number(flag)
            case "--log-runs": options.logRuns = try number(flag)
            case "--rootless-pods": options.rootlessPods = try number(flag)
            case "--phases": options.phases = Set(try value(flag).split(separator: ",").map(String.init))
            case "--docs": options.docs = try value(flag)
            case "--podctl": options.podctl = try value(flag)
            case "--crictl": options.crictl = try value(flag)
            case "--work": options.work = try value(flag)
            case "--inner": options.inner = true
            case "-h", "--help": say(usage); exit(0)
            default: throw BenchError("unknown argument \(flag)\n\(usage)")
            }
        }
        let unknown = options.phases.subtracting(allPhases)
        guard unknown.isEmpty else { throw BenchError("unknown phase(s) \(unknown.sorted()); the phases are \(allPhases.sorted().joined(separator: ", "))") }
        return options
    }

    /// The same options, spelled for the inner process.
    var arguments: [String] {
        var list = ["--runs", "\(runs)", "--exec-runs", "\(execRuns)", "--scale", "\(scale)", "--memory-pods", "\(memoryPods)",
                    "--log-lines", "\(logLines)", "--log-runs", "\(logRuns)", "--rootless-pods", "\(rootlessPods)", "--phases", phases.sorted().joined(separator: ",")]
        if let docs { list += ["--docs", docs] }
        if let podctl { list += ["--podctl", podctl] }
        if let crictl { list += ["--crictl", crictl] }
        return list
    }
}
