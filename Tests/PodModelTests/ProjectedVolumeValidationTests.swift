import Testing
@testable import PodModel

/// downwardAPI and projected volumes, refused as the API server refuses them (#19).
@Suite struct ProjectedVolumeValidationTests {
    static let objects = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {k: v}\n---\n"
        + "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n---\n"

    static func volume(_ source: String) -> String {
        objects + containerYAML(podSpec: "volumes: [{name: v, \(source)}]\n")
    }

    @Test func itemPathsAreRelativeWithoutDotDot() {
        let yaml = Self.volume("downwardAPI: {items: [{path: /etc/x, fieldRef: {fieldPath: metadata.name}}, {path: a/../../b, fieldRef: {fieldPath: metadata.name}}, {path: ..data, fieldRef: {fieldPath: metadata.name}}]}")
        #expect(errorLines(yaml) == [
            "spec.volumes[0].downwardAPI.items[0].path: Invalid value: \"/etc/x\": must be a relative path",
            "spec.volumes[0].downwardAPI.items[1].path: Invalid value: \"a/../../b\": must not contain '..'",
            "spec.volumes[0].downwardAPI.items[2].path: Invalid value: \"..data\": must not start with '..'",
        ])
    }

    @Test func statusFieldsAreEnvOnly() {
        let yaml = Self.volume("downwardAPI: {items: [{path: ip, fieldRef: {fieldPath: status.podIP}}]}")
        #expect(errorLines(yaml) == [
            "spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath: Unsupported value: \"status.podIP\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\"",
        ])
    }

    @Test func resourceFieldRefNamesItsContainer() {
        let yaml = Self.volume("downwardAPI: {items: [{path: cpu, resourceFieldRef: {resource: limits.cpu}}, {path: x, resourceFieldRef: {containerName: c, resource: limits.gpu}}, {path: y}]}")
        #expect(errorLines(yaml) == [
            "spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName: Required value",
            "spec.volumes[0].downwardAPI.items[1].resourceFieldRef.resource: Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", \"requests.ephemeral-storage\", \"requests.memory\"",
            "spec.volumes[0].downwardAPI.items[2]: Required value: one of fieldRef and resourceFieldRef is required",
        ])
    }

    @Test func modesAreBetweenZeroAnd0777() {
        let yaml = Self.volume("downwardAPI: {defaultMode: 512, items: [{path: n, fieldRef: {fieldPath: metadata.name}, mode: -1}]}")
        #expect(errorLines(yaml) == [
            "spec.volumes[0].downwardAPI.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive",
            "spec.volumes[0].downwardAPI.items[0].mode: Invalid value: -1: must be a number between 0 and 0777 (octal), both inclusive",
        ])
    }

    @Test func pathsAreUniqueAcrossProjectedSources() {
        let yaml = Self.volume("projected: {sources: [{configMap: {name: m, items: [{key: k, path: same}]}}, {secret: {name: s, items: [{key: k, path: same}]}}, {downwardAPI: {items: [{path: same, fieldRef: {fieldPath: metadata.name}}]}}]}")
        #expect(errorLines(yaml) == [
            "spec.volumes[0].projected.sources[1].secret.items[0].path: Invalid value: \"same\": conflicting duplicate paths",
            "spec.volumes[0].projected.sources[2].downwardAPI.items[0].path: Invalid value: \"same\": conflicting duplicate paths",
        ])
    }

    @Test func projectedItemsAreCheckedWithTheirFieldPaths() {
        let yaml = Self.volume("projected: {sources: [{configMap: {name: m, items: [{key: \"a/b\", path: ../k}]}}, {downwardAPI: {items: [{path: h, fieldRef: {fieldPath: spec.nodeName}}]}}]}")
        #expect(errorLines(yaml) == [
            "spec.volumes[0].projected.sources[0].configMap.items[0].key: Invalid value: \"a/b\": \(Names.configKeyMessage)",
            "spec.volumes[0].projected.sources[0].configMap.items[0].path: Invalid value: \"../k\": must not contain '..'",
            "spec.volumes[0].projected.sources[1].downwardAPI.items[0].fieldRef.fieldPath: Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\"",
        ])
    }

    @Test func serviceAccountTokenIsRefusedWithAReason() {
        let yaml = Self.volume("projected: {sources: [{serviceAccountToken: {path: token, expirationSeconds: 3600}}]}")
        let errors = errorLines(yaml)
        #expect(errors.contains("spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: podctl does not support this field yet (podctl has no service account tokens: no API server on one host)"))
    }

    @Test func aValidVolumeOfEachKindPasses() {
        let yaml = Self.volume("projected: {defaultMode: 0440, sources: [{configMap: {name: m, items: [{key: k, path: cm/k}]}}, {secret: {name: s}}, {downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}, {path: app, fieldRef: {fieldPath: \"metadata.labels['app']\"}}, {path: cpu, resourceFieldRef: {containerName: c, resource: limits.cpu, divisor: 1m}}]}}]}")
        #expect(errorLines(yaml) == [])
    }
}
