import Foundation
import Glibc

// podbench: podctl against Podman on the same manifests and image (docs/benchmarks.md).
do {
    let options = try Options.parse(CommandLine.arguments)
    guard getuid() == 0 else { throw BenchError("podbench needs root: it runs pods of both systems (sudo bash deploy/bench.sh)") }
    if options.inner {
        try Bench(options: options).run()
    } else {
        try Outer.run(options)
    }
} catch {
    FileHandle.standardError.write(Data("podbench: error: \(error)\n".utf8))
    exit(1)
}
