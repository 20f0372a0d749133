import Foundation
import Glibc
import PodCore
import PodNetwork
import PodOS
import PodSupervisor

/// Starting and stopping pod-dns. It holds `pod-dns.lock` for its life, so the kernel's
/// lock table names the one running responder of this root, and a second one started by a
/// racing podctl sees the lock taken and exits at once.
extension PodManager {
    func startResponder(_ config: NetworkConfig) throws(PodError) {
        if FileLock.holder(of: responderLock) != nil { return }
        // SO_BINDTODEVICE needs the bridge to exist; the first pod's supervisor may not
        // have made it yet.
        _ = try PodNetwork(config: config).ensureBridge()
        let binaries = try Binaries.locate()
        let ready = try makePipe()
        defer { close(ready.read) }
        let log = namesDirectory + "/pod-dns.log"
        let logFD = try syscall("open", path: log) { open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
        let null = try syscall("open", path: "/dev/null") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        let environment = ProcessInfo.processInfo.environment
        let arguments = [
            "--address", config.gateway.description, "--device", config.bridge, "--names", namesFile,
            "--lock", responderLock, "--upstream", environment["PODCTL_DNS_UPSTREAM"] ?? "/etc/resolv.conf", "--ready-fd", "3",
        ]
        let spawned = Result { () throws(PodError) in
            try spawnProcess(binaries.dns, arguments: arguments, descriptors: [(null, 0), (logFD, 1), (logFD, 2), (ready.write, 3)], newSession: true)
        }
        close(logFD)
        close(null)
        close(ready.write)
        let pid = try spawned.get()
        let reply = readReady(ready.read, seconds: 5)
        var raw: Int32 = 0
        _ = waitpid(pid, &raw, WNOHANG)  // reaps it if it exited (another one runs)
        guard reply == "ready" || reply == "running" else {
            throw PodError(.system, "the pod DNS responder (pod-dns) did not start: \(reply.isEmpty ? "no answer within 5 s" : reply) (see \(log))")
        }
    }

    /// The responder's one line on its ready descriptor, or "" at a timeout.
    private func readReady(_ fd: Int32, seconds: Double) -> String {
        var text: [UInt8] = []
        let deadline = monotonicSeconds() + seconds
        var buffer = [UInt8](repeating: 0, count: 256)
        while text.count < 4096, monotonicSeconds() < deadline {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            text += buffer[0..<count]
            if text.contains(UInt8(ascii: "\n")) { break }
        }
        return String(decoding: text, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    /// SIGTERM to the lock's holder (pod-dns: nothing else takes that lock), then waits
    /// until the lock is free; SIGKILL after 5 s.
    func stopResponder() {
        guard let pid = FileLock.holder(of: responderLock) else { return }
        kill(pid, SIGTERM)
        if !waitUntil(seconds: 5, { FileLock.holder(of: self.responderLock) == nil }) {
            kill(pid, SIGKILL)
            _ = waitUntil(seconds: 2, { FileLock.holder(of: self.responderLock) == nil })
        }
    }
}
