import Glibc
import PodTestSupport
import Testing

extension RootlessPodTests.Account {
    /// Loads the busybox test image as the account and applies `manifest`, in the holder's
    /// namespaces (`ignoringSIGPIPE`: as Account.podctl says).
    func loadBusyboxAndApply(_ manifest: String, in holder: pid_t, ignoringSIGPIPE: Bool = false) throws {
        let loaded = try podctl(["image", "load", "-i", try Harness.testImages() + "/busybox-docker.tar"], in: holder)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        let applied = try podctl(["apply", "-f", "-"], in: holder, stdin: manifest, ignoringSIGPIPE: ignoringSIGPIPE)
        try #require(applied.status == 0, "\(applied.stderr)")
    }

    /// RootlessPodTests.pod (a busybox `sleep`) running as the account in a fresh
    /// throwaway host (`uplink.host`: a network and mount namespace with the tun node
    /// pasta needs, D65), which the caller stops. Applied with SIGPIPE ignored, as under
    /// the systemd user unit: the user network's pasta must start all the same (Debian
    /// 12's pasta refuses an inherited SIGPIPE ignore).
    func runningWebPod() throws -> RootlessNetworkTests.Uplink {
        let uplink = try RootlessNetworkTests.Uplink()
        try loadBusyboxAndApply(RootlessPodTests.pod, in: uplink.host.pid, ignoringSIGPIPE: true)
        try waitUntil("the user's pod to run", timeout: 20) { try podctl(["get", "pods"], in: uplink.host.pid).stdout.contains("Running") }
        return uplink
    }
}
