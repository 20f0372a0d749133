import Foundation
import PodModel
import Testing

/// ConfigMap and Secret keys become file names in a volume, beside the AtomicWriter's own
/// `..data` symlink and `..<timestamp>` directories (#19). Kubernetes' `IsConfigMapKey`
/// refuses any key starting with `..`; podctl accepted `..data` until this suite, which
/// would have let a ConfigMap's key name the entry every projected file resolves through.
@Suite struct ConfigKeyTests {
    func errors(_ yaml: String) -> [String] {
        let set = Manifest.parse(yaml, source: "hostile.yaml")
        return set.objects.flatMap { $0.errors.map(\.description) }
    }

    @Test func keysThatNameTheAtomicWritersEntriesAreRefusedWithTheirFieldPath() {
        for key in ["..data", "..2024_06_01_10_00_00.123", "..", "../etc"] {
            let map = errors("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {\"\(key)\": x}\n")
            #expect(map.contains { $0.hasPrefix("data: Invalid value: \"\(key)\"") }, "\(key): \(map)")
            let binary = errors("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\nbinaryData: {\"\(key)\": eA==}\n")
            #expect(binary.contains { $0.hasPrefix("binaryData: Invalid value: \"\(key)\"") }, "\(key): \(binary)")
            let secret = errors("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {\"\(key)\": x}\n")
            #expect(secret.contains { $0.hasPrefix("stringData: Invalid value: \"\(key)\"") }, "\(key): \(secret)")
            let volume = errors("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: c, image: busybox:1}]
                  volumes: [{name: v, configMap: {name: cfg, items: [{key: "\(key)", path: file}]}}]
                """)
            #expect(volume.contains { $0.hasPrefix("spec.volumes[0].configMap.items[0].key: Invalid value: \"\(key)\"") }, "\(key): \(volume)")
        }
    }

    @Test func aSecretValueThatIsNotBase64IsRefusedWithoutPrintingIt() {
        let refused = errors("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {pw: \"hunter2 plain\"}\n")
        #expect(refused == ["data[pw]: Invalid value: \"<secret contents redacted>\": illegal base64 data"])
    }

    @Test func objectNamesThatCouldBePathsAreRefused() {
        for name in ["../cfg", "a/b", "..", "CFG"] {
            let refused = errors("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"\(name)\"}\ndata: {k: v}\n")
            #expect(refused.contains { $0.hasPrefix("metadata.name: Invalid value: \"\(name)\"") }, "\(name): \(refused)")
        }
    }
}
