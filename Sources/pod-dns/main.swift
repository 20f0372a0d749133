import Glibc
import PodCore
import PodDNS
import PodOS

/// pod-dns: the DNS responder of the pod bridge (docs/network.md, "Names"). podctl apply
/// starts it when a pod with dnsPolicy ClusterFirst needs it; podctl delete stops it when
/// none is left. One per state root: the lock file is held for the process's life and
/// names its pid.
///
///     pod-dns --address 10.88.0.1 --device podctl0 --names FILE --lock FILE
///             [--upstream RESOLV_CONF|none] [--port 53] [--ready-fd N]
struct Options {
    var address = ""
    var device = ""
    var names = ""
    var lock = ""
    var upstream = "/etc/resolv.conf"
    var port: UInt16 = 53
    var readyFD: Int32 = -1

    init(_ arguments: [String]) throws(PodError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw PodError(.invalidArgument, "pod-dns: \(flag) needs a value") }
            switch flag {
            case "--address": address = value
            case "--device": device = value
            case "--names": names = value
            case "--lock": lock = value
            case "--upstream": upstream = value
            case "--port": port = try Self.number(value, flag)
            case "--ready-fd": readyFD = Int32(try Self.number(value, flag) as UInt16)
            default: throw PodError(.invalidArgument, "pod-dns: unknown option \(flag)")
            }
        }
        guard PodNameTable.ipv4(address) != nil, !names.isEmpty, !lock.isEmpty else {
            throw PodError(.invalidArgument, "pod-dns: --address (IPv4), --names and --lock are required")
        }
    }

    static func number(_ text: String, _ flag: String) throws(PodError) -> UInt16 {
        guard let value = UInt16(text) else { throw PodError(.invalidArgument, "pod-dns: \(flag) \(text) is not a number") }
        return value
    }
}

/// Tells the starter how it went, on the descriptor it passed, and closes it.
func report(_ fd: Int32, _ text: String) {
    guard fd >= 0 else { return }
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

func start(_ options: Options) throws(PodError) -> Never {
    guard let lock = try FileLock.acquire(options.lock, wait: .no) else {
        report(options.readyFD, "running")  // another pod-dns serves this root
        exit(0)
    }
    let address = PodNameTable.ipv4(options.address)!
    let listener = try UDPSocket.listening(address: address, port: options.port, device: options.device)
    let text = options.upstream == "none" ? "" : ((try? Files.readText(options.upstream)) ?? "")
    let forwarder = Forwarder(socket: try UDPSocket.ephemeral(), upstreams: Upstreams.parse(resolvConf: text, excluding: options.address))
    report(options.readyFD, "ready")
    var server = Server(listener: listener, names: NameFile(path: options.names), forwarder: forwarder)
    withExtendedLifetime(lock) { server.run() }
}

signal(SIGPIPE, SIG_IGN)
do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    try start(options)
} catch {
    let fd = (try? Options(Array(CommandLine.arguments.dropFirst())))?.readyFD ?? -1
    report(fd, "error: \(error)")
    let line = Array("pod-dns: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
