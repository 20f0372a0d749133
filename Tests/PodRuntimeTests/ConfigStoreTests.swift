import Foundation
import Glibc
import PodCore
import PodModel
@testable import PodRuntime
import PodStore
import PodTestSupport
import Testing

/// ConfigMaps and Secrets stored per namespace (docs/state.md), without root: outcomes,
/// the Secret's stored form and mode, immutability, names that cannot become paths.
@Suite struct ConfigStoreTests {
    static func store(_ temporary: TemporaryDirectory) -> ConfigStore {
        ConfigStore(store: Store(roots: StoreRoots(root: temporary.path + "/lib", runRoot: temporary.path + "/run")))
    }

    @Test func applyIsCreatedUnchangedConfiguredAndListedByNamespace() throws {
        let temporary = TemporaryDirectory("objects")
        let objects = Self.store(temporary)
        let map = ConfigMap(name: "cfg", namespace: "team", data: ["a": "1"], binaryData: [:])
        #expect(try objects.apply(map) == .created)
        #expect(try objects.apply(map) == .unchanged)
        #expect(try objects.apply(ConfigMap(name: "cfg", namespace: "team", data: ["a": "2"], binaryData: [:])) == .configured)
        #expect(try objects.names(.configMap, namespace: "team") == ["cfg"])
        #expect(try objects.configMaps(namespace: "default").isEmpty)
        #expect(try objects.configMaps(namespace: "team").first?.data == ["a": "2"])
        #expect(throws: PodError.self) { try objects.apply(map, onlyNew: true) }
        try objects.delete(.configMap, namespace: "team", name: "cfg")
        let gone = try #require(throws: PodError.self) { try objects.delete(.configMap, namespace: "team", name: "cfg") }
        #expect(gone.message == "configmaps \"cfg\" not found")
    }

    @Test func aSecretIsKeptAsTheAPIServerKeepsItIn0600() throws {
        let temporary = TemporaryDirectory("objects")
        let objects = Self.store(temporary)
        var secret = Secret(name: "creds", namespace: "default", type: "Opaque", data: ["user": "dQ=="])
        secret.type = nil
        secret.stringData = ["pw": "hunter2", "user": "root"]
        #expect(try objects.apply(secret) == .created)
        let stored = try #require(try objects.secret(namespace: "default", name: "creds")?.object)
        #expect(stored.data == ["pw": "aHVudGVyMg==", "user": "cm9vdA=="] && stored.stringData == nil && stored.type == "Opaque")
        // The same input again is unchanged: compared in the stored form.
        #expect(try objects.apply(secret) == .unchanged)
        var info = stat()
        #expect(stat(try objects.path(.secret, namespace: "default", name: "creds"), &info) == 0 && info.st_mode & 0o777 == 0o600)
        let text = try String(contentsOfFile: try objects.path(.secret, namespace: "default", name: "creds"), encoding: .utf8)
        #expect(!text.contains("hunter2"))
    }

    @Test func immutableObjectsKeepTheirDataAndTheFlag() throws {
        let temporary = TemporaryDirectory("objects")
        let objects = Self.store(temporary)
        var map = ConfigMap(name: "cfg", namespace: "default", data: ["a": "1"], binaryData: [:])
        map.immutable = true
        #expect(try objects.apply(map) == .created)
        var changed = map
        changed.data = ["a": "2"]
        let error = try #require(throws: PodError.self) { try objects.apply(changed) }
        #expect(error.message.contains("data: Forbidden: field is immutable when `immutable` is set"))
        var unset = map
        unset.immutable = false
        #expect(throws: PodError.self) { try objects.apply(unset) }
        var labelled = map
        labelled.metadata?.labels = ["tier": "web"]
        #expect(try objects.apply(labelled) == .configured)
    }

    @Test func namesThatAreNotKubernetesNamesNeverBecomePaths() throws {
        let temporary = TemporaryDirectory("objects")
        let objects = Self.store(temporary)
        for name in ["../escape", "a/b", "..", "", "UPPER"] {
            #expect(throws: PodError.self, "\(name)") { try objects.path(.configMap, namespace: "default", name: name) }
        }
        #expect(throws: PodError.self) { try objects.path(.secret, namespace: "../x", name: "ok") }
        // A file left in the directory that is not a name's record is not listed.
        try FileManager.default.createDirectory(atPath: temporary.path + "/lib/objects/default/configmaps", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: temporary.path + "/lib/objects/default/configmaps/.tmp-123", contents: Data())
        #expect(try objects.names(.configMap, namespace: "default").isEmpty)
    }

    @Test func theClaimStoragePathIsConfigurableAndChecked() throws {
        let store = Store(roots: StoreRoots(root: "/var/lib/podctl", runRoot: "/run/podctl"))
        #expect(try ClaimStore.configuredRoot(store: store, environment: [:]) == "/var/lib/podctl/claims")
        #expect(try ClaimStore.configuredRoot(store: store, environment: ["PODCTL_CLAIM_ROOT": "/srv/claims/"]) == "/srv/claims")
        #expect(ClaimStore(store: store, environment: ["PODCTL_CLAIM_ROOT": "/srv/claims"]).directory(try ClaimKey(namespace: "default", name: "data")) == "/srv/claims/default/data")
        for bad in ["relative/claims", "/srv/../etc"] {
            #expect(throws: PodError.self, "\(bad)") { try ClaimStore.configuredRoot(store: store, environment: ["PODCTL_CLAIM_ROOT": bad]) }
        }
    }
}
