import Dispatch
import Glibc
import GRPCCore
import PodCRI

/// SIGTERM and SIGINT begin a graceful stop: no new connections, running RPCs finish
/// (the GetContainerEvents streams are ended, else they never would), then `serve()`
/// returns and main removes the socket. The handlers run on a global
/// queue, outside the main actor, so they are made here and not in top-level code
/// (whose closures are main-actor isolated: calling one off the main actor traps).
enum StopSignals {
    static func install(stopping server: GRPCServer<some ServerTransport>, events: ContainerEvents) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                server.beginGracefulShutdown()
                events.close()
            }
            source.resume()
            return source
        }
    }
}
