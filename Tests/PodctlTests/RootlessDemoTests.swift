import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 "Done when": the README's demo as an ordinary user. deploy/demo.sh itself runs as
/// the test's account, as a user runs it after `sudo bash deploy/install.sh`: podctl on
/// its PATH (here a link to this build's), nothing installed, the image built into the
/// account's ~/.cache, the web pod of pods/web.yaml in the account's own state, its
/// hostPort 8080 fetched on 127.0.0.1 of the test's throwaway "host" namespace.
@Suite(.serialized) struct RootlessDemoTests {
    typealias Account = RootlessPodTests.Account

    @Test(.needsRoot) func theREADMEsDemoRunsAsAnOrdinaryUser() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        // The account's copy of what the demo reads (the worktree may not be readable by it).
        let repository = account.home + "/podctl"
        let files = ["deploy/demo.sh", "deploy/images/build-test-images.sh", "pods/web.yaml"]
        for file in files {
            let target = repository + "/" + file
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Harness.repository.appendingPathComponent(file).path, toPath: target)
        }
        let bin = account.home + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/podctl", withDestinationPath: Harness.binary)
        try Account.root("/bin/chown", ["-R", "-h", "\(account.uid):\(account.gid)", repository, bin])

        let environment = ["PATH": "\(bin):/usr/bin:/bin", "HOME": account.home, "XDG_DATA_HOME": account.data, "XDG_RUNTIME_DIR": account.runtime]
        let demo = try Command.run("/usr/bin/nsenter", ["-t", String(holder), "-n", "-m", "--", "/usr/bin/setpriv", "--reuid=\(account.uid)",
                                                        "--regid=\(account.gid)", "--init-groups", "/bin/bash", repository + "/deploy/demo.sh"],
                                   environment: environment)
        #expect(demo.status == 0, "\(demo.stdout)\(demo.stderr)")
        // The page twice: from inside the pod, and through hostPort 8080 on 127.0.0.1.
        #expect(demo.stdout.components(separatedBy: "<h1>hello from web at").count - 1 == 2, "\(demo.stdout)\(demo.stderr)")
        #expect(demo.stdout.contains("demo: the pod is running"), "\(demo.stdout)")
        #expect(FileManager.default.fileExists(atPath: account.home + "/.cache/podctl-demo-images/busybox-docker.tar"))
        #expect(FileManager.default.fileExists(atPath: account.data + "/podctl/pods/default/web"))

        let deleted = try account.podctl(["delete", "pod", "web"], in: holder)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
    }

    /// Without podctl installed the user is told the one step to take first.
    @Test(.needsRoot) func theDemoAsAUserWithoutPodctlNamesTheInstallStep() throws {
        let account = try Account()
        let script = account.home + "/demo.sh"
        try FileManager.default.copyItem(atPath: Harness.repository.appendingPathComponent("deploy/demo.sh").path, toPath: script)
        try Account.root("/bin/chown", ["\(account.uid):\(account.gid)", script])
        let demo = try Command.run("/usr/bin/setpriv", ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--init-groups", "/bin/bash", script],
                                   environment: ["PATH": "/usr/bin:/bin", "HOME": account.home])
        #expect(demo.status != 0 && demo.stderr.contains("sudo bash deploy/install.sh"), "\(demo.stdout)\(demo.stderr)")
    }
}
