import Glibc
import PodCore
import PodOS
import PodTestSupport
@testable import PodStore
import Testing

/// #18: where a non-root user's state goes. The selection is decided from the effective
/// UID and the environment alone, so it is tested here without root and without users.
@Suite struct UserStateRootsTests {
    let user: uid_t = 1000

    @Test func rootKeepsTheSystemRootsWhateverItsEnvironmentSays() throws {
        let roots = try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["XDG_DATA_HOME": "/home/x/.data", "XDG_RUNTIME_DIR": "/run/user/0", "HOME": "/root"], euid: 0)
        #expect(roots == StoreRoots(root: "/var/lib/podctl", runRoot: "/run/podctl"))
    }

    @Test func aUserGetsTheXDGDirectories() throws {
        let roots = try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["XDG_DATA_HOME": "/home/ann/data/", "XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/ann"], euid: user)
        #expect(roots == StoreRoots(root: "/home/ann/data/podctl", runRoot: "/run/user/1000/podctl"))
    }

    @Test func withoutXDGDataHomeTheDataGoesUnderHome() throws {
        let roots = try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/ann"], euid: user)
        #expect(roots.root == "/home/ann/.local/share/podctl")
    }

    /// The specification: a relative path in these variables is invalid and ignored.
    @Test func aRelativeXDGDataHomeIsIgnored() throws {
        let roots = try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["XDG_DATA_HOME": "data", "XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/ann"], euid: user)
        #expect(roots.root == "/home/ann/.local/share/podctl")
    }

    @Test(arguments: [[:], ["XDG_RUNTIME_DIR": ""], ["XDG_RUNTIME_DIR": "run/user/1000"]])
    func withoutARuntimeDirectoryTheErrorSaysHowToGetOne(_ runtime: [String: String]) {
        let environment = runtime.merging(["HOME": "/home/ann"]) { $1 }
        do {
            _ = try StoreRoots.resolve(root: nil, runRoot: nil, environment: environment, euid: user)
            Issue.record("a user without XDG_RUNTIME_DIR must be refused")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("XDG_RUNTIME_DIR is not set"), "\(error.message)")
            #expect(error.message.contains("Log in with a session") && error.message.contains("PODCTL_RUN_ROOT"), "\(error.message)")
        }
    }

    /// A default that is not used is not computed: a flag or variable needs no XDG directory.
    @Test func flagsAndVariablesStillWinForAUser() throws {
        let byFlag = try StoreRoots.resolve(root: nil, runRoot: "/tmp/t/run", environment: ["HOME": "/home/ann"], euid: user)
        #expect(byFlag == StoreRoots(root: "/home/ann/.local/share/podctl", runRoot: "/tmp/t/run"))
        let byVariable = try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["PODCTL_ROOT": "/srv/a", "PODCTL_RUN_ROOT": "/srv/r"], euid: user)
        #expect(byVariable == StoreRoots(root: "/srv/a", runRoot: "/srv/r"))
    }

    @Test func withoutHomeOrXDGDataHomeTheUserIsToldWhatToSet() {
        #expect(throws: PodError.self) { try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], euid: user) }
        #expect(throws: PodError.self) { try StoreRoots.resolve(root: nil, runRoot: nil, environment: ["HOME": "/home/../etc", "XDG_RUNTIME_DIR": "/run/user/1000"], euid: user) }
    }

    /// prepare() narrows a root made with a wider mode to 0700.
    @Test func prepareNarrowsTheRootsTo0700() throws {
        let roots = try TemporaryRoots()
        try Files.makeDirectories(roots.store.roots.root, mode: 0o755)
        try roots.store.prepare()
        var info = stat()
        #expect(stat(roots.store.roots.root, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(roots.store.roots.runRoot, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    /// A root another user owns is refused: that user could change the state under us.
    @Test(.needsRoot) func prepareRefusesARootAnotherUserOwns() throws {
        let roots = try TemporaryRoots()
        try Files.makeDirectories(roots.store.roots.root, mode: 0o700)
        #expect(chown(roots.store.roots.root, 65534, 65534) == 0)
        do {
            try roots.store.prepare()
            Issue.record("a root owned by nobody must be refused")
        } catch {
            #expect(error.message.contains("belongs to") && error.message.contains("(65534)"), "\(error.message)")
        }
    }
}
