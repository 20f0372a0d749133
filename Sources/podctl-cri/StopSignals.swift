import Dispatch
import Glibc
import GRPCCore

/// SIGTERM and SIGINT begin a graceful stop: no new connections, running RPCs finish,
/// then `serve()` returns and main removes the socket. The handlers run on a global
/// queue, outside the main actor, so they are made here and not in top-level code
/// (whose closures are main-actor isolated: calling one off the main actor traps).
enum StopSignals {
    static func install(stopping server: GRPCServer<some ServerTransport>) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.beginGracefulShutdown() }
            source.resume()
            return source
        }
    }
}
