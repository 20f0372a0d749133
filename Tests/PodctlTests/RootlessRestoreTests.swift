import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 7: what the user unit (deploy/podctl-restore-user.service) runs at the user's
/// login or, with linger, at boot: `podctl restore -A` as the user brings back the pods
/// their restart policies ask for, after a simulated reboot (every process of the user
/// killed, their runtime directory emptied as systemd-logind empties /run/user/UID).
@Suite(.serialized) struct RootlessRestoreTests {
    @Test(.needsRoot) func aUsersPodComesBackAfterASimulatedReboot() throws {
        let account = try RootlessPodTests.Account()
        let uplink = try account.runningWebPod()
        defer { uplink.stop() }
        let holder = uplink.host

        for pid in RootlessPodTests.Account.processes(of: account.uid) { kill(pid, SIGKILL) }
        try waitUntil("every process of the user to end", timeout: 10) { RootlessPodTests.Account.processes(of: account.uid).isEmpty }
        try FileManager.default.removeItem(atPath: account.runtime + "/podctl")

        let restored = try account.podctl(["restore", "-A"], in: holder.pid)
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        try waitUntil("the user's pod to run again", timeout: 20) { try account.podctl(["get", "pods"], in: holder.pid).stdout.contains("Running") }
        let id = try account.podctl(["exec", "web", "--", "id", "-u"], in: holder.pid)
        #expect(id.status == 0 && id.stdout == "0\n", "\(id.stdout)\(id.stderr)")

        #expect(try account.podctl(["delete", "pod", "web"], in: holder.pid).status == 0)
        #expect(try waitUntil(.seconds(10)) { RootlessPodTests.Account.processes(of: account.uid).isEmpty })
    }
}
