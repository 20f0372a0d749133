import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCore
import PodCRI
import PodStore

// podctl-cri: the CRI v1 endpoint (docs/cri.md). One process, serving
// runtime.v1.RuntimeService and runtime.v1.ImageService over gRPC on a unix socket.
// It is the only executable that links gRPC, NIO and protobuf (D61).

func fail(_ error: PodError) -> Never {
    FileHandle.standardError.write(Data("podctl-cri: error: \(error.description)\n".utf8))
    exit(error.code == .invalidArgument ? 1 : 2)
}

let environment = ProcessInfo.processInfo.environment
let options: Options
do throws(PodError) {
    guard let parsed = try Options.parse(Array(CommandLine.arguments.dropFirst()), environment: environment) else { exit(0) }
    options = parsed
} catch {
    fail(error)
}

let roots: StoreRoots
let descriptor: Int32
do throws(PodError) {
    roots = try StoreRoots.resolve(root: options.root, runRoot: options.runRoot, environment: environment)
    descriptor = try ListeningSocket.bind(options.socket)
} catch {
    fail(error)
}

let context = CRIContext(roots: roots, cgroupRoot: options.cgroupRoot, registriesConf: options.registriesConf, environment: environment)
do throws(PodError) {
    try StreamingServer(context: context, address: options.streamingAddress, port: options.streamingPort).start()
} catch {
    fail(error)
}
let server = GRPCServer(
    transport: .http2NIOPosix(listeningSocketDescriptor: Int(descriptor), transportSecurity: .plaintext),
    services: CRIServices.make(context))

let signals = StopSignals.install(stopping: server, events: context.events)

FileHandle.standardError.write(Data("podctl-cri \(PodctlRelease.version): serving CRI v1 on \(options.socket) (root \(roots.root), run root \(roots.runRoot))\n".utf8))
do {
    try await server.serve()
} catch {
    unlink(options.socket)
    FileHandle.standardError.write(Data("podctl-cri: error: the server stopped: \(error)\n".utf8))
    exit(2)
}
unlink(options.socket)
withExtendedLifetime(signals) {}
