import Testing
@testable import PodModel

/// `kind: PersistentVolumeClaim` decoded and validated as the API server does (#19).
@Suite struct ClaimValidationTests {
    static func claim(_ spec: String, name: String = "data") -> String {
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: \(name)}\nspec: \(spec)\n"
    }

    @Test func aClaimDecodesWithItsFields() throws {
        let set = Manifest.parse(Self.claim("{accessModes: [ReadWriteOncePod], storageClassName: local, resources: {requests: {storage: 1Gi}}}"), source: "c.yaml")
        #expect(set.errorLines == [] && set.warningLines == [])
        let claim = try #require(set.objects.first?.claim)
        #expect(claim.namespace == "default")
        #expect(claim.spec?.accessModes == ["ReadWriteOncePod"])
        #expect(claim.spec?.resources?.requests?["storage"]?.text == "1Gi")
        #expect(set.objects.first?.resourceName == "persistentvolumeclaim/data")
    }

    @Test func refusalsNameTheirFields() {
        #expect(errorLines(Self.claim("{resources: {requests: {storage: 1Gi}}}")) == [
            "spec.accessModes: Required value: at least 1 access mode is required",
        ])
        #expect(errorLines(Self.claim("{accessModes: [ReadWriteSometimes], resources: {requests: {storage: 1Gi}}}")).first?.hasPrefix("spec.accessModes: Unsupported value: \"ReadWriteSometimes\"") == true)
        #expect(errorLines(Self.claim("{accessModes: [ReadWriteOncePod, ReadWriteOnce], resources: {requests: {storage: 1Gi}}}")) == [
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
        ])
        #expect(errorLines(Self.claim("{accessModes: [ReadWriteOnce]}")) == ["spec.resources.requests[storage]: Required value"])
        #expect(errorLines(Self.claim("{accessModes: [ReadWriteOnce], resources: {requests: {storage: lots}}}")).first?.hasPrefix("spec.resources.requests[storage]: Invalid value: \"lots\"") == true)
        #expect(errorLines(Self.claim("{accessModes: [ReadWriteOnce], volumeMode: Block, resources: {requests: {storage: 1Gi}}}")) == [
            "spec.volumeMode: Forbidden: podctl's local claims are directories; Block is not supported",
        ])
    }

    @Test func aClaimNameThatCouldEscapeIsRefused() {
        for name in ["\"../etc\"", "\"a/b\"", "Data"] {
            let lines = errorLines(Self.claim("{accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}", name: name))
            #expect(lines.first?.hasPrefix("metadata.name: Invalid value") == true, "\(name): \(lines)")
        }
    }

    @Test func aPodVolumeNamesAClaimByAValidName() {
        let good = containerYAML(podSpec: "volumes: [{name: d, persistentVolumeClaim: {claimName: data, readOnly: true}}]\n")
        #expect(errorLines(good) == [])
        #expect(warningLines(good) == [])
        #expect(errorLines(containerYAML(podSpec: "volumes: [{name: d, persistentVolumeClaim: {}}]\n")) == [
            "spec.volumes[0].persistentVolumeClaim.claimName: Required value",
        ])
        #expect(errorLines(containerYAML(podSpec: "volumes: [{name: d, persistentVolumeClaim: {claimName: ../x}}]\n")).first?.hasPrefix("spec.volumes[0].persistentVolumeClaim.claimName: Invalid value: \"../x\"") == true)
    }
}
