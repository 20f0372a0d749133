import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18, "a user cannot reach another user's sockets": a user's supervisor answers only its
/// own user and root (SO_PEERCRED, ControlPeer), even when the directories around its
/// socket are opened to everyone by hand.
@Suite(.serialized) struct RootlessControlSocketTests {
    /// One `ping` request on the socket at `path` as `uid`, through perl (perl-base is an
    /// essential Debian package) dropped to that user with setpriv; the reply line. A
    /// refused peer's connection may be closed before its request is written: the write
    /// then fails with EPIPE (SIGPIPE ignored), and the reply is still there to read.
    static func ping(_ path: String, as uid: uid_t, gid: gid_t) throws -> String {
        let script = """
            use IO::Socket::UNIX;
            $SIG{PIPE} = "IGNORE";
            my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!";
            print $s "{\\"op\\":\\"ping\\"}\\n";
            print scalar <$s>;
            """
        let dropped = ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--", "/usr/bin/perl", "-e", script, path]
        let result = try Command.run("/usr/bin/setpriv", dropped, environment: ["PATH": "/usr/bin:/bin"])
        guard result.status == 0 else { throw HarnessError("ping as \(uid): status \(result.status): \(result.stdout)\(result.stderr)") }
        return result.stdout
    }

    @Test(.needsRoot) func aUsersSupervisorAnswersOnlyThatUserAndRoot() throws {
        let account = try RootlessPodTests.Account()
        let uplink = try account.runningWebPod()
        defer { uplink.stop() }
        let holder = uplink.host

        let socket = account.runtime + "/podctl/pods/default/web/supervisor.sock"
        // A mistake by hand: every directory on the way, and the socket, opened to all.
        var directory = (socket as NSString).deletingLastPathComponent
        while directory.hasPrefix(account.base.path) {
            chmod(directory, 0o755)
            directory = (directory as NSString).deletingLastPathComponent
        }
        chmod(socket, 0o777)

        let stranger = try Self.ping(socket, as: 65534, gid: 65534)
        #expect(stranger.contains("\"ok\":false") && stranger.contains("permission denied") && stranger.contains("UID 65534"), "\(stranger)")
        #expect(try Self.ping(socket, as: account.uid, gid: account.gid).contains("\"ok\":true"))
        #expect(try Self.ping(socket, as: 0, gid: 0).contains("\"ok\":true"))

        #expect(try account.podctl(["delete", "pod", "web"], in: holder.pid).status == 0)
        #expect(try waitUntil(.seconds(10)) { RootlessPodTests.Account.processes(of: account.uid).isEmpty })
    }
}
