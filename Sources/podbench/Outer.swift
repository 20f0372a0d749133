import Foundation
import Glibc

/// The outer process: makes the work directory and the holder, runs the benchmark inside
/// the holder's namespaces, and cleans up whatever happens there.
enum Outer {
    static func run(_ options: Options) throws {
        var template = Array("/var/tmp/podbench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp /var/tmp/podbench-XXXXXX: errno \(errno)") }
        let work = String(cString: made)
        let holder = try Holder(work: work)
        let registry = Registry(path: work + "/pids")
        // The inner process gets ^C and cleans up, then so do we. A handler, not SIG_IGN:
        // an ignored signal would stay ignored in the inner process across exec.
        signal(SIGINT) { _ in }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let status = (try? Spawn.attached(["nsenter", "-t", String(holder.pid), "-n", "-m", "--", own, "--inner", "--work", work] + options.arguments)) ?? 1
        holder.tearDown(registry: registry)
        if (try? FileManager.default.removeItem(atPath: work)) == nil {
            say("podbench: could not remove \(work) entirely; remove it by hand")
        }
        if status != 0 { throw BenchError("the benchmark stopped with status \(status)") }
    }
}
