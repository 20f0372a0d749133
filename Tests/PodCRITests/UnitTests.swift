import Foundation
import GRPCCore
import PodCore
import PodCRIProtocol
import Testing
@testable import PodCRI

/// The CRI's decisions that need no daemon: users of images, credentials of a pull,
/// pod CIDRs, and which gRPC status a PodError becomes.
struct CRIUnitTests {
    /// containerd's getUserFromImage.
    @Test(arguments: [
        ("1002", Int64?(1002), ""), ("1003:users", 1003, ""), ("www-data", nil, "www-data"),
        ("www-data:users", nil, "www-data"), ("", nil, ""), ("0", 0, ""),
    ])
    func imageUser(_ text: String, _ uid: Int64?, _ name: String) {
        let user = CRIImage.user(text)
        #expect(user.uid == uid)
        #expect(user.name == name)
    }

    @Test func pullCredentialFromTheRequest() throws {
        var auth = Runtime_V1_AuthConfig()
        #expect(try PullCredential.from(auth) == nil, "no auth: the auth files are used")
        auth.username = "u"
        auth.password = "p"
        auth.auth = Data("alice:pa:ss".utf8).base64EncodedString()
        auth.serverAddress = "https://index.docker.io/v1/"
        let decoded = try #require(try PullCredential.from(auth))
        #expect(decoded.credential.username == "alice" && decoded.credential.password == "pa:ss", "auth wins over username/password")
        #expect(decoded.host == "docker.io")
        var tokens = Runtime_V1_AuthConfig()
        tokens.identityToken = "refresh"
        tokens.registryToken = "bearer"
        tokens.serverAddress = "127.0.0.1:5000"
        let parsed = try #require(try PullCredential.from(tokens))
        #expect(parsed.credential.identityToken == "refresh" && parsed.credential.registryToken == "bearer")
        #expect(parsed.host == "127.0.0.1:5000")
        var hostile = Runtime_V1_AuthConfig()
        hostile.username = "u"
        hostile.serverAddress = "evil host\r\nX: y"
        #expect(throws: PodError.self) { try PullCredential.from(hostile) }
    }

    @Test func podCIDRs() {
        for valid in ["10.244.0.0/24", "0.0.0.0/0", "fd00::/64", "fd00:10:244:3::/64"] { #expect(PodCIDR.isValid(valid), "\(valid)") }
        for invalid in ["10.244.0.0/33", "10.244.0.1/24", "10.244.0.0", "fd00::/129", "x/8", "", "10.0.0.0/024"] { #expect(!PodCIDR.isValid(invalid), "\(invalid)") }
    }

    @Test func podErrorsBecomeTheCodesTheCRIExpects() {
        #expect(RPCFailure.status(PodError(.invalidArgument, "x")).code == .invalidArgument)
        #expect(RPCFailure.status(PodError(.notFound, "x")).code == .notFound)
        #expect(RPCFailure.status(PodError(.conflict, "x")).code == .failedPrecondition)
        #expect(RPCFailure.status(PodError(.system, "x")).code == .internalError)
        #expect(RPCFailure.status(PodError(.unsupported, "x")).code == .unimplemented)
    }
}
