import Testing
@testable import PodModel

@Suite struct SpecHashTests {
    func hashes(_ yaml: String) throws -> SpecHashes {
        try #require(Manifest.parse(yaml, source: "h.yaml").pods.first).specHashes
    }

    let base = podYAML(spec: "containers:\n- name: a\n  image: busybox:1\n  ports: [{containerPort: 80, hostPort: 8080}]\n- name: b\n  image: busybox:1")

    @Test func sameManifestSameHashes() throws {
        #expect(try hashes(base) == hashes(base))
        // Key order and defaults written out do not matter: the defaulted model is hashed.
        let reordered = podYAML(spec: "restartPolicy: Always\ncontainers:\n- image: busybox:1\n  name: a\n  ports: [{hostPort: 8080, containerPort: 80, protocol: TCP}]\n- name: b\n  image: busybox:1")
        #expect(try hashes(base) == hashes(reordered))
    }

    @Test func containerChangeTouchesOnlyThatContainer() throws {
        let before = try hashes(base)
        let after = try hashes(base.replacingOccurrences(of: "- name: b\n    image: busybox:1", with: "- name: b\n    image: busybox:2"))
        #expect(before.sandbox == after.sandbox)
        #expect(before.containers["a"] == after.containers["a"])
        #expect(before.containers["b"] != after.containers["b"])
    }

    @Test func portChangeTouchesTheSandbox() throws {
        let before = try hashes(base)
        let after = try hashes(base.replacingOccurrences(of: "hostPort: 8080", with: "hostPort: 8081"))
        #expect(before.sandbox != after.sandbox)
    }
}
