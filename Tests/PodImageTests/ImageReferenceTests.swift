import PodCore
import Testing
@testable import PodImage

@Suite struct ImageReferenceTests {
    @Test(arguments: [
        ("busybox", "docker.io/library/busybox"),
        ("busybox:1", "docker.io/library/busybox:1"),
        ("library/busybox:1.36", "docker.io/library/busybox:1.36"),
        ("team/app", "docker.io/team/app"),
        ("localhost/x:1", "localhost/x:1"),
        ("localhost:5000/x", "localhost:5000/x"),
        ("quay.io/team/app_name-2:v1.0-rc.1", "quay.io/team/app_name-2:v1.0-rc.1"),
        ("host:5000/n@sha256:" + String(repeating: "0", count: 64), "host:5000/n@sha256:" + String(repeating: "0", count: 64)),
        ("host:5000/n:t@sha256:" + String(repeating: "1", count: 64), "host:5000/n:t@sha256:" + String(repeating: "1", count: 64)),
        ("a__b/c--d", "docker.io/a__b/c--d"),
    ])
    func parses(text: String, expected: String) throws {
        #expect(try ImageReference.parse(text).description == expected)
    }

    @Test func defaultTag() throws {
        #expect(try ImageReference.parse("busybox").withDefaultTag.description == "docker.io/library/busybox:latest")
        let digest = "sha256:" + String(repeating: "a", count: 64)
        #expect(try ImageReference.parse("busybox@" + digest).withDefaultTag.tag == nil)
    }

    @Test(arguments: ["", "UPPER", "a//b", "/a", "a/", "a:", "a:-tag", "a:" + String(repeating: "t", count: 129), "a@sha256:12",
                      "a@md5:00", "-a", "a-", "a..b", "host:port/x", "ex ample"])
    func refuses(text: String) {
        #expect(throws: PodError.self) { try ImageReference.parse(text) }
    }

    @Test func namingIsLocal() throws {
        #expect(try ImageReference.naming("busybox").description == "localhost/busybox:latest")
        #expect(try ImageReference.naming("busybox:1").description == "localhost/busybox:1")
        #expect(try ImageReference.naming("team/app:2").description == "localhost/team/app:2")
        #expect(try ImageReference.naming("quay.io/x/y").description == "quay.io/x/y:latest")
        #expect(throws: PodError.self) { try ImageReference.naming("x@sha256:" + String(repeating: "0", count: 64)) }
    }

    @Test func shortNamesLookLocallyFirst() throws {
        #expect(try ImageReference.candidates("busybox:1").map(\.description) == ["localhost/busybox:1", "docker.io/library/busybox:1"])
        #expect(try ImageReference.candidates("busybox").map(\.description) == ["localhost/busybox:latest", "docker.io/library/busybox:latest"])
        #expect(try ImageReference.candidates("team/app").map(\.description) == ["localhost/team/app:latest", "docker.io/team/app:latest"])
        #expect(try ImageReference.candidates("localhost/busybox:1").map(\.description) == ["localhost/busybox:1"])
        #expect(try ImageReference.candidates("docker.io/busybox").map(\.description) == ["docker.io/library/busybox:latest"])
    }
}
