// podctl: a small front that runs `podctl exec` itself and hands every other command to
// the full CLI, podctl-cli, by execv(2) (docs/architecture.md, D59). The full CLI links
// Foundation, ArgumentParser, libcurl, libarchive, libnftables and Yams, whose loading
// and relocation alone cost an exec more than the rest of it; this binary links the
// Swift standard library and podctl's Foundation-free modules only.
import Glibc
import PodCore

let arguments = Array(CommandLine.arguments.dropFirst())
let environment = { (name: String) -> String? in getenv(name).map { String(cString: $0) } }
if let request = ExecRequest.parse(arguments) {
    do {
        if let code = try LeanExec.run(request, environment: environment) { exit(code) }
    } catch {
        let line = Array("error: \(error.description)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(error.code.exitCode)
    }
}
FullCLI.handOver(environment: environment)
