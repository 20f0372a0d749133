import Foundation
import Glibc
import PodCore
import PodSupervisor

/// kubectl's wording for a connection that fails inside the pod, logged through klog
/// (client-go/tools/portforward/portforward.go: "an error occurred forwarding %d -> %d: %v")
/// with the runtime's dial error in Go's form ("dial tcp4 127.0.0.1:80: connect: connection
/// refused"); the forwarder logs it and keeps listening, as kubectl does.
enum ForwardMessages {
    static func connectFailed(local: UInt16, remote: UInt16, pod: String, errno code: Int32, now: Date = Date()) -> String {
        let reason = String(cString: strerror(code)).lowercased()
        return klogPrefix(now) + "portforward.go:424] an error occurred forwarding \(local) -> \(remote): error forwarding port \(remote) to pod \(pod): failed to connect to localhost:\(remote) inside the pod's network namespace, IPv4: dial tcp4 127.0.0.1:\(remote): connect: \(reason)"
    }

    /// klog's header: `E1202 14:25:01.123456   12345 `.
    static func klogPrefix(_ now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.month, .day, .hour, .minute, .second, .nanosecond], from: now)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let micros = String(format: "%06d", (parts.nanosecond ?? 0) / 1000)
        let pid = String(getpid())
        return "E\(two(parts.month))\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)).\(micros) " + String(repeating: " ", count: max(0, 7 - pid.count)) + pid + " "
    }
}

/// SIGINT and SIGTERM as a readable descriptor for a poll loop: the handler only writes a
/// byte to a pipe (async-signal-safe), whichever thread the kernel picks to run it.
enum SignalPipe {
    nonisolated(unsafe) static var writeEnd: Int32 = -1

    static func install(_ signals: [Int32]) throws(PodError) -> Int32 {
        let fds = try makePipe()
        writeEnd = fds.write
        // A parent may have left them blocked (a test runner's threads do): unblocked on
        // this thread, which every later thread inherits, so the handler runs.
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in signals { sigaddset(&mask, number) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        for number in signals {
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(SignalPipe.writeEnd, &byte, 1)
            }
        }
        return fds.read
    }
}
