import Foundation
import PodTestSupport
import Testing
@testable import PodImage
@testable import PodRegistry

/// podctl login, logout and image pull, the built binary against a registry with htpasswd.
@Suite(.serialized) struct CLITests {
    @Test(TestRegistry.needed, TestImages.podctlBuilt)
    func loginPullAndLogout() throws {
        let registry = try TestRegistry(auth: .htpasswd(user: "alice", password: "s3cret"))
        try registry.push(try TestImages.dockerArchive, as: "app:1", extra: "--dest-creds alice:s3cret")
        let fixture = PullFixture()
        let authFile = fixture.directory.file("containers/auth.json")
        let environment = ["REGISTRY_AUTH_FILE": authFile, "HOME": fixture.directory.path]
        let podctl = TestImages.podctl
        let roots = "--root \(fixture.directory.path) --run-root \(fixture.directory.path)/run"

        let (wrongStatus, wrong) = try Shell.status("\(podctl) login \(registry.host) -u alice --password-stdin", environment: environment, input: "nope\n")
        #expect(wrongStatus == 1)
        #expect(wrong.contains("refused the credentials of alice"), "\(wrong)")
        #expect(!FileManager.default.fileExists(atPath: authFile))

        let login = try Shell.run("\(podctl) login \(registry.host) -u alice --password-stdin", environment: environment, input: "s3cret\n")
        #expect(login.contains("Login Succeeded!"))
        let mode = try FileManager.default.attributesOfItem(atPath: authFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Not a terminal: plain lines on standard error, the image ID on standard output.
        let out = fixture.directory.file("pull.out"), err = fixture.directory.file("pull.err")
        try Shell.run("\(podctl) image pull \(roots) \(registry.host)/app:1 >\(out) 2>\(err)", environment: environment)
        let id = try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let record = try fixture.store.resolve("\(registry.host)/app:1").image.record
        #expect(id == record.id.hex)
        let lines = try String(contentsOfFile: err, encoding: .utf8)
        #expect(lines.contains("Pulling \(registry.host)/app:1"), "\(lines)")
        #expect(lines.contains("Copying blob \(record.layers[0].digest.shortID)"), "\(lines)")
        #expect(lines.contains("Copied blob \(record.layers[0].digest.shortID)"), "\(lines)")
        #expect(!lines.contains("\u{1B}["), "no terminal escapes when not a terminal")

        // Again, quiet: the blobs are there, nothing is said but the ID.
        try Shell.run("\(podctl) image pull --quiet \(roots) \(registry.host)/app:1 >\(out) 2>\(err)", environment: environment)
        #expect(try String(contentsOfFile: err, encoding: .utf8).isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == record.id.hex)

        #expect(try Shell.run("\(podctl) logout \(registry.host)", environment: environment).contains("Removed login credentials for \(registry.host)"))
        let (again, _) = try Shell.status("\(podctl) logout \(registry.host)", environment: environment)
        #expect(again == 1)
        let (denied, message) = try Shell.status("\(podctl) image pull --quiet \(roots) \(registry.host)/app:1", environment: environment)
        #expect(denied == 1)
        #expect(message.contains("podctl login \(registry.host)"), "\(message)")
    }

    @Test(TestRegistry.needed, .requires(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"), TestImages.podctlBuilt)
    func progressBarsOnATerminal() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "tty:1")
        let fixture = PullFixture()
        // script(1) gives podctl a pseudo-terminal: the bars are redrawn in place.
        let output = try Shell.run("script -qec '\(TestImages.podctl) image pull --root \(fixture.directory.path) --run-root \(fixture.directory.path)/run \(registry.host)/tty:1' /dev/null")
        let record = try fixture.store.resolve("\(registry.host)/tty:1").image.record
        #expect(output.contains("\u{1B}[2KCopying blob \(record.layers[0].digest.shortID) ["), "\(output)")
        #expect(output.contains("] \(String(format: "%.1f", Double(record.layers[0].size) / 1048576)) MiB / "), "\(output)")
        #expect(output.contains("done"))
        #expect(output.contains(record.id.hex))
    }

    /// registries.conf mirrors for `podctl image pull` (and so for apply's pulls, which
    /// take the same puller): the name is served by the mirror and recorded as asked.
    @Test(TestRegistry.needed, TestImages.podctlBuilt)
    func pullThroughAMirrorOfRegistriesConf() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "mirrored/app:1")
        let fixture = PullFixture()
        let closed = try TestRegistry.freePort()
        let conf = fixture.directory.file("registries.conf")
        try """
            [[registry]]
            prefix = "registry.example.com/team"
            location = "127.0.0.1:\(closed)/team"
            [[registry.mirror]]
            location = "\(registry.host)/mirrored"
            """.write(toFile: conf, atomically: true, encoding: .utf8)
        let environment = ["PODCTL_REGISTRIES_CONF": conf, "REGISTRY_AUTH_FILE": fixture.directory.file("auth.json")]
        let roots = "--root \(fixture.directory.path) --run-root \(fixture.directory.path)/run"
        try Shell.run("\(TestImages.podctl) image pull --quiet \(roots) registry.example.com/team/app:1", environment: environment)
        let record = try fixture.store.resolve("registry.example.com/team/app:1")
        #expect(record.matchedName == "registry.example.com/team/app:1")
        #expect(registry.log.contains("/v2/mirrored/app/manifests/1"))

        try "[[registry]]\nlocation = \"a\"\nmirrors = \"b\"\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let (status, message) = try Shell.status("\(TestImages.podctl) image pull --quiet \(roots) registry.example.com/team/app:1", environment: environment)
        #expect(status == 1)
        #expect(message.contains("\(conf):3: unknown key \"mirrors\""), "\(message)")
    }
}
