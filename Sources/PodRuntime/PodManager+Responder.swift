import Foundation
import Glibc
import PodCore
import PodModel
import PodNetwork
import PodOS
import PodSupervisor

/// Starting and stopping pod-dns. It holds `pod-dns.lock` for its life and writes its PID
/// there, so one responder runs per root (a second one started by a racing podctl sees the
/// lock taken and exits at once) and `runningResponder` finds it.
extension PodManager {
    /// A pod-dns just spawned, with the read end of its ready pipe.
    struct ResponderLaunch {
        let pid: pid_t
        let ready: Int32
        let log: String
    }

    /// `bridgeReady`: the caller knows the bridge is made (a pod of this apply was just
    /// attached to it), so its netlink and nftables checks are not repeated.
    /// `early`: a responder this apply launched ahead (`launchResponderEarly`); its answer
    /// is read here, and the lock decides as always whether one runs.
    /// `userNetwork`: a non-root user's network holder (D65); the responder then runs in
    /// it, on the user's bridge, which only pod-network inside it makes (D69).
    func startResponder(_ config: NetworkConfig, bridgeReady: Bool = false, early: ResponderLaunch? = nil, userNetwork: Int32? = nil) throws(PodError) {
        if let early, (try? awaitResponder(early)) != nil { return }  // "ready" or "running"
        if runningResponder() != nil { return }
        // SO_BINDTODEVICE needs the bridge to exist; the first pod's supervisor may not
        // have made it yet.
        if !bridgeReady && userNetwork == nil { _ = try PodNetwork(config: config).ensureBridge() }
        try awaitResponder(try launchResponder(config, userNetwork: userNetwork))
    }

    /// Starts pod-dns beside the pod's sandbox, when the pod will need it, none runs and the
    /// bridge is there (it binds to the bridge's address): its start then overlaps the
    /// supervisor's instead of following the start notice (docs/benchmarks.md, "apply and
    /// delete timelines"). Best effort: whatever happens, `syncPodNames` decides under
    /// names.lock, and starts one itself if this one did not come up.
    func launchResponderEarly(_ pod: Pod) -> ResponderLaunch? {
        guard Self.usesClusterDNS(pod), let config = try? networkConfig,
              if_nametoindex(config.bridge) != 0, runningResponder() == nil else { return nil }
        return try? launchResponder(config)
    }

    /// Spawns pod-dns with the write end of its ready pipe; the read end is returned.
    /// `userNetwork`: the holder whose user and network namespaces it joins first, through
    /// `pod-helper in-user-network` (D65), as pod-network does.
    private func launchResponder(_ config: NetworkConfig, userNetwork: Int32? = nil) throws(PodError) -> ResponderLaunch {
        try Files.makeDirectories(namesDirectory)
        let binaries = try Binaries.locate()
        let ready = try makePipe()
        let log = namesDirectory + "/pod-dns.log"
        let logFD = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        let logErrno = errno
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let nullErrno = errno
        defer {
            if logFD >= 0 { close(logFD) }
            if null >= 0 { close(null) }
            close(ready.write)
        }
        guard logFD >= 0, null >= 0 else {
            close(ready.read)
            throw PodError.system("open", errno: logFD < 0 ? logErrno : nullErrno, path: logFD < 0 ? log : "/dev/null")
        }
        let environment = ProcessInfo.processInfo.environment
        let arguments = [
            "--address", config.gateway.description, "--device", config.bridge, "--names", namesFile,
            "--lock", responderLock, "--upstream", environment["PODCTL_DNS_UPSTREAM"] ?? "/etc/resolv.conf", "--ready-fd", "3",
        ]
        do {
            let (program, argv) = userNetwork.map { (binaries.helper, ["in-user-network", String($0), binaries.dns] + arguments) } ?? (binaries.dns, arguments)
            let pid = try spawnProcess(program, arguments: argv, descriptors: [(null, 0), (logFD, 1), (logFD, 2), (ready.write, 3)], newSession: true)
            return ResponderLaunch(pid: pid, ready: ready.read, log: log)
        } catch {
            close(ready.read)
            throw error
        }
    }

    /// Reads the launched responder's answer: "ready", or "running" when another one holds
    /// the lock (this one then exited, and is reaped here).
    func awaitResponder(_ launch: ResponderLaunch) throws(PodError) {
        defer { close(launch.ready) }
        let reply = readReady(launch.ready, seconds: 5)
        var raw: Int32 = 0
        _ = waitpid(launch.pid, &raw, WNOHANG)  // reaps it if it exited (another one runs)
        guard reply == "ready" || reply == "running" else {
            throw PodError(.system, "the pod DNS responder (pod-dns) did not start: \(reply.isEmpty ? "no answer within 5 s" : reply) (see \(launch.log))")
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

    /// SIGTERM to the responder, then waits until it has exited (its lock goes with it);
    /// SIGKILL after 5 s.
    func stopResponder() {
        guard let pid = runningResponder() else { return }
        kill(pid, SIGTERM)
        if !waitForExit(pid, seconds: 5, { self.runningResponder() == nil }) {
            kill(pid, SIGKILL)
            _ = waitUntil(seconds: 2, { self.runningResponder() == nil })
        }
    }

    /// The running pod-dns of this root: the PID it wrote into its lock file, if that
    /// process is alive (not a zombie) and was started with this root's lock file. Not
    /// FileLock.holder: reading /proc/locks takes the kernel's file-lock rwsem for
    /// writing, which waits for an RCU grace period (15 ms here, on every read after an
    /// idle spell; fs/locks.c, locks_start): apply asked once, delete of the last pod twice.
    /// A pod-dns writes its PID only once it holds the lock, and one that finds the lock
    /// taken exits at once, so a live process named there with this lock is the holder.
    func runningResponder() -> pid_t? {
        guard let text = try? Files.readText(responderLock), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              pid > 0, !ProcessIdentity.hasExited(pid),
              let command = try? Files.readText("/proc/\(pid)/cmdline") else { return nil }
        let words = command.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        guard words.first.map({ Files.basename(of: $0) == "pod-dns" }) == true,
              let flag = words.firstIndex(of: "--lock"), flag + 1 < words.count, words[flag + 1] == responderLock else { return nil }
        return pid
    }
}
