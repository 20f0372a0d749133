import Foundation
import Testing
@testable import PodModel

/// `podctl create configmap|secret generic`'s sources (ConfigSources) and the API
/// server's rules for stored ConfigMaps and Secrets (#19), without I/O.
@Suite struct ConfigSourcesTests {
    @Test func literalsSplitAtTheFirstEqualsSign() throws {
        var sources = ConfigSources()
        try sources.addLiteral("url=http://x/?a=b")
        try sources.addLiteral("empty=")
        #expect(sources.configMapData.data == ["url": "http://x/?a=b", "empty": ""])
        #expect(throws: ConfigSourceError.self) { try sources.addLiteral("=value") }
        #expect(throws: ConfigSourceError.self) { try sources.addLiteral("novalue") }
    }

    @Test func aKeyGivenTwiceIsRefused() throws {
        var sources = ConfigSources()
        try sources.addLiteral("a=1")
        let error = try #require(throws: ConfigSourceError.self) { try sources.addFile("a", content: Array("2".utf8)) }
        #expect(error.description == "cannot add key \"a\", another key by that name already exists")
    }

    @Test func fileSourcesNameTheirKeyByTheFileUnlessGiven() throws {
        let named = try ConfigSources.fileSource("/etc/app/app.conf")
        #expect(named.key == "app.conf" && named.path == "/etc/app/app.conf")
        let given = try ConfigSources.fileSource("main=/etc/app/app.conf")
        #expect(given.key == "main" && given.path == "/etc/app/app.conf")
        #expect(throws: ConfigSourceError.self) { try ConfigSources.fileSource("=/x") }
        #expect(throws: ConfigSourceError.self) { try ConfigSources.fileSource("/") }
    }

    @Test func binaryFilesGoToBinaryDataAndSecretsAreBase64() throws {
        var sources = ConfigSources()
        try sources.addFile("blob", content: [0xff, 0x00, 0xfe])
        try sources.addFile("text", content: Array("hi".utf8))
        #expect(sources.configMapData.data == ["text": "hi"])
        #expect(sources.configMapData.binaryData == ["blob": "/wD+"])
        #expect(sources.secretData == ["blob": "/wD+", "text": "aGk="])
    }

    @Test func envFilesAsKubectlReadsThem() throws {
        var sources = ConfigSources()
        let text = "\u{FEFF}# comment\n  MODE=fast\n\nEMPTY=\nFROM_ENV\nUNSET\r\nURL=a=b\r\n"
        try sources.addEnvFile(text, path: "app.env", environment: ["FROM_ENV": "inherited"])
        #expect(sources.configMapData.data == ["MODE": "fast", "EMPTY": "", "FROM_ENV": "inherited", "URL": "a=b"])
        var bad = ConfigSources()
        let error = try #require(throws: ConfigSourceError.self) { try bad.addEnvFile("OK=1\n1BAD=2\n", path: "x.env", environment: [:]) }
        #expect(error.description.hasPrefix("x.env line 2: \"1BAD\" is not a valid key name"))
    }

    @Test func keysThatCouldMeetTheAtomicWritersEntriesAreRefused() {
        for key in ["..data", "..2024_01_01", ".", "..", "a/b", "", String(repeating: "k", count: 254)] {
            #expect(!ConfigValidator.isKey(key), "\(key)")
        }
        for key in [".hidden", "a..b", "key.name", "KEY_NAME", "key-name"] { #expect(ConfigValidator.isKey(key), "\(key)") }
        let map = ConfigMap(name: "cfg", namespace: "default", data: ["..data": "x"], binaryData: [:])
        #expect(ConfigValidator.validate(map).map(\.description) == ["data: Invalid value: \"..data\": must not start with '..'"])
    }

    @Test func anObjectOverOneMebibyteIsRefused() {
        let big = String(repeating: "x", count: ConfigValidator.maxSize)
        let map = ConfigMap(name: "cfg", namespace: "default", data: ["a": big, "b": "y"], binaryData: [:])
        #expect(ConfigValidator.validate(map).map(\.description) == ["data: Too long: may not be more than 1048576 bytes"])
        let fits = ConfigMap(name: "cfg", namespace: "default", data: ["a": big], binaryData: [:])
        #expect(ConfigValidator.validate(fits).isEmpty)
        let secret = Secret(name: "s", namespace: "default", type: "Opaque", data: ["a": Data(big.utf8).base64EncodedString(), "b": "eQ=="])
        #expect(ConfigValidator.validate(secret).map(\.description) == ["data: Too long: may not be more than 1048576 bytes"])
    }
}
