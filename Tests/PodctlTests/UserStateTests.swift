import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18, step 1: podctl run by two ordinary users (UIDs no account uses, dropped to with
/// setpriv) keeps each one's state in that user's XDG directories, 0700, and neither
/// user sees or changes the other's. ConfigMaps stand for the state: storing one needs
/// no namespaces, so this holds whatever a pod needs beyond the roots.
@Suite(.serialized) struct UserStateTests {
    /// One user: its UID and its home, with the XDG directories a login session gives.
    struct User {
        let uid: uid_t
        let home: String
        var data: String { home + "/.local/share" }
        var runtime: String { home + "/run" }

        init(uid: uid_t, under base: String) throws {
            self.uid = uid
            home = base + "/\(uid)"
            for directory in [home, runtime] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                #expect(chown(directory, uid, uid) == 0 && chmod(directory, 0o700) == 0)
            }
        }

        func run(_ arguments: [String], runtime: String?? = nil, extra: [String: String] = [:], stdin: String? = nil) throws -> CommandResult {
            var environment = ["PATH": "/usr/bin:/bin", "HOME": home]
            environment["XDG_RUNTIME_DIR"] = runtime ?? self.runtime
            environment.merge(extra) { $1 }
            let dropped = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", Harness.binary] + arguments
            return try Command.run("/usr/bin/setpriv", dropped, environment: environment, stdin: stdin)
        }
    }

    /// A base every user can pass through (0711), each home private to its user.
    static func users() throws -> (TemporaryDirectory, User, User) {
        let base = TemporaryDirectory("podctl-users")
        chmod(base.path, 0o711)
        // UIDs above any account of this machine's ranges, distinct per test run.
        let first = uid_t(3_000_000 + getpid() % 100_000 * 2)
        return (base, try User(uid: first, under: base.path), try User(uid: first + 1, under: base.path))
    }

    static func mode(_ path: String) -> (owner: uid_t, mode: mode_t)? {
        var info = stat()
        return stat(path, &info) == 0 ? (info.st_uid, info.st_mode & 0o777) : nil
    }

    @Test(.needsRoot) func eachUserKeepsPrivateStateInItsXDGDirectories() throws {
        let (base, ann, bob) = try Self.users()
        let created = try ann.run(["create", "configmap", "cfg", "--from-literal=k=v"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(Self.mode(ann.data + "/podctl")! == (ann.uid, 0o700))
        #expect(Self.mode(ann.runtime + "/podctl")! == (ann.uid, 0o700))
        #expect(FileManager.default.fileExists(atPath: ann.data + "/podctl/objects/default/configmaps/cfg.json"))

        let own = try ann.run(["get", "configmaps", "-o", "name"])
        #expect(own.status == 0 && own.stdout == "configmap/cfg\n", "\(own.stdout)\(own.stderr)")
        // Bob's podctl, with his own roots, sees none of Ann's state.
        let other = try bob.run(["get", "configmaps", "-o", "name"])
        #expect(other.status == 0 && other.stdout.isEmpty, "\(other.stdout)\(other.stderr)")

        // Aimed at Ann's roots, Bob can neither list nor delete: a permission error, not "not found".
        let annsRoots = ["PODCTL_ROOT": ann.data + "/podctl", "PODCTL_RUN_ROOT": ann.runtime + "/podctl"]
        for command in [["get", "configmaps"], ["delete", "configmap", "cfg"], ["get", "pods"], ["delete", "pod", "web"]] {
            let refused = try bob.run(command, extra: annsRoots)
            #expect(refused.status != 0, "\(command): \(refused.stdout)")
            #expect(refused.stderr.contains("permission denied") && refused.stderr.contains("belongs to"), "\(command): \(refused.stderr)")
        }
        #expect(try ann.run(["get", "configmaps", "-o", "name"]).stdout == "configmap/cfg\n")

        // A root that is another user's (here root's, readable by all) is refused by owner.
        let shared = base.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let foreign = try bob.run(["create", "configmap", "x", "--from-literal=a=b"], extra: ["PODCTL_ROOT": shared])
        #expect(foreign.status == 2 && foreign.stderr.contains("belongs to user root (0), not to this user (\(bob.uid))"), "\(foreign.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared).isEmpty)
    }

    /// Images load into the user's own store (unpacked without chown), and what a user's
    /// pod cannot have (a hostPort below net.ipv4.ip_unprivileged_port_start, 1024 here) is
    /// refused before anything is written. Pods that
    /// run as a user are RootlessPodTests' (they need subordinate IDs and a namespace).
    @Test(.needsRoot) func aUsersImagesAreItsOwnAndItsPrivilegedPortPodsAreRefusedCleanly() throws {
        let (base, ann, bob) = try Self.users()
        _ = base
        let archive = try Harness.testImages() + "/busybox-docker.tar"
        let loaded = try ann.run(["image", "load", "-i", archive])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(try ann.run(["image", "ls"]).stdout.contains("localhost/busybox"))
        #expect(!(try bob.run(["image", "ls"]).stdout.contains("localhost/busybox")))

        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: app, image: localhost/busybox:1, command: [sleep, '60'], ports: [{containerPort: 80, hostPort: 80}]}]\n"
        let refused = try ann.run(["apply", "-f", "-"], stdin: pod)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("hostPort 80 is below net.ipv4.ip_unprivileged_port_start") && refused.stderr.contains("docs/rootless.md"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("nftables") && !refused.stderr.contains("you must be root") && !refused.stderr.contains("Warning"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ann.data + "/podctl/network"))
        for directory in [ann.data + "/podctl/pods", ann.runtime + "/podctl/pods", ann.runtime + "/podctl/locks"] {
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? true, "\(directory)")
        }
        #expect(try ann.run(["get", "pods"]).stderr.contains("No resources found"))
    }

    @Test(.needsRoot) func aUserWithoutARuntimeDirectoryIsToldHowToGetOne() throws {
        let (base, ann, _) = try Self.users()
        _ = base
        let refused = try ann.run(["get", "pods"], runtime: .some(nil))
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("XDG_RUNTIME_DIR is not set") && refused.stderr.contains("Log in with a session"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ann.data + "/podctl"))
    }
}
