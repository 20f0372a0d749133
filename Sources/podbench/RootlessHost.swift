import Foundation
import Glibc

/// What the benchmark's network and mount namespace need for a user's network, made by
/// the rootless phase and taken down at its end (the inner process runs inside both).
/// - An uplink: pasta (`--config-net`) copies the namespace's address and default route
///   into the user network and refuses a namespace with only loopback. A veth pair whose
///   two ends both stay in the benchmark's namespace gives it one (192.0.2.10/24, TEST-NET-1,
///   default via .1), so nothing leaves the namespace (Tests/PodctlTests' RootlessNetworkTests
///   uses a veth into a second throwaway namespace; no dummy driver in this kernel).
/// - `/dev/net/tun` usable by the user, which pasta and slirp4netns open inside their user
///   namespace: on this machine it is 0600 (no udev; Debian's udev makes it 0666), so a
///   0666 node on the holder's tmpfs is bound over it in the benchmark's mount namespace.
final class RootlessHost {
    static let uplink = "pbrl0"
    let directory: String
    private var madeLink = false
    private var boundTun = false

    init(directory: String) throws {
        self.directory = directory
        do { try make() } catch {
            _ = tearDown()
            throw error
        }
    }

    private func make() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Spawn.check(["ip", "link", "add", Self.uplink, "type", "veth", "peer", "name", "pbrl1"])
        madeLink = true
        for command in [["link", "set", "pbrl1", "up"], ["addr", "add", "192.0.2.10/24", "dev", Self.uplink],
                        ["link", "set", Self.uplink, "up"], ["route", "add", "default", "via", "192.0.2.1"]] {
            try Spawn.check(["ip"] + command)
        }
        let tun = directory + "/tun"
        guard mknod(tun, S_IFCHR | 0o666, dev_t(10 << 8 | 200)  /* makedev(10, 200), misc/tun */) == 0, chmod(tun, 0o666) == 0 else {
            throw BenchError("mknod \(tun): errno \(errno)")
        }
        try Spawn.check(["mount", "--bind", tun, "/dev/net/tun"])
        boundTun = true
    }

    /// Undoes what was made, in reverse; the route goes with the link.
    func tearDown() -> [String] {
        var problems: [String] = []
        if boundTun, umount2("/dev/net/tun", 0) != 0 { problems.append("umount /dev/net/tun: errno \(errno)") }
        boundTun = false
        if madeLink, let result = try? Spawn.run(["ip", "link", "del", Self.uplink]), !result.ok { problems.append("ip link del \(Self.uplink): \(result.stderr)") }
        madeLink = false
        try? FileManager.default.removeItem(atPath: directory)
        return problems
    }
}
