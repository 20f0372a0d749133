import Foundation
import PodModel

extension RunPlanner {
    /// A ConfigMap's files as the kubelet writes them: `data` as UTF-8 and `binaryData`
    /// as its decoded bytes (the API server keeps the two key sets apart).
    func configMapBytes(_ name: String) -> [String: [UInt8]] {
        guard let map = configMaps[name] else { return [:] }
        var files = (map.data ?? [:]).mapValues { Array($0.utf8) }
        for (key, encoded) in map.binaryData ?? [:] { files[key] = Data(base64Encoded: encoded).map(Array.init) ?? [] }
        return files
    }

    /// A Secret's files: the decoded bytes of `data`, unchanged (a binary key, a keystore,
    /// must not pass through a String), and `stringData` as UTF-8.
    func secretBytes(_ name: String) -> [String: [UInt8]] {
        guard let secret = secrets[name] else { return [:] }
        var files = (secret.data ?? [:]).mapValues { Data(base64Encoded: $0).map(Array.init) ?? [] }
        for (key, value) in secret.stringData ?? [:] { files[key] = Array(value.utf8) }
        return files
    }
}
