import Foundation
import PodCore
import PodModel
@testable import PodRuntime
import PodStore
import PodTestSupport
import Testing

/// The claim records of docs/state.md, without root: apply outcomes, the API server's
/// immutability, names that cannot become paths, delete.
@Suite struct ClaimStoreTests {
    static func claim(_ modes: [String] = ["ReadWriteOnce"], storage: String = "1Gi") -> PersistentVolumeClaim {
        PersistentVolumeClaim(metadata: ObjectMeta(name: "data", namespace: "default"),
                              spec: PersistentVolumeClaimSpec(accessModes: modes, resources: VolumeResourceRequirements(requests: ["storage": Quantity(storage)])))
    }

    @Test func applyIsCreatedUnchangedConfiguredAndTheSpecIsImmutable() throws {
        let temporary = TemporaryDirectory("claims")
        let claims = ClaimStore(store: Store(roots: StoreRoots(root: temporary.path + "/lib", runRoot: temporary.path + "/run")))
        #expect(try claims.apply(Self.claim()) == .created)
        #expect(try claims.apply(Self.claim()) == .unchanged)
        #expect(try claims.apply(Self.claim(storage: "2Gi")) == .configured)
        #expect(throws: PodError.self) { try claims.apply(Self.claim(["ReadWriteOncePod"])) }
        let key = try ClaimKey(namespace: "default", name: "data")
        #expect(try claims.keys() == [key])
        #expect(try ClaimView(key: key, claims: claims).row.prefix(6) == ["data", "Bound", "local-default-data", "2Gi", "RWO", "local"])
        try claims.delete(key)
        #expect(try claims.keys() == [])
        #expect(!FileManager.default.fileExists(atPath: claims.directory(key)))
    }

    @Test func namesThatCouldLeaveTheRootAreRefused() {
        for name in ["..", "a/b", "../x", "A", ""] {
            #expect(throws: PodError.self) { try ClaimKey(namespace: "default", name: name) }
        }
    }
}
