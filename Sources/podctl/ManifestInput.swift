import Foundation
import PodCore
import PodModel

/// The `-f` arguments of a command, read the way kubectl reads them: files, `-` for
/// standard input, and directories (their .yaml, .yml and .json files, sorted).
enum ManifestInput {
    static func load(_ paths: [String], namespace: String?) throws(PodError) -> ManifestSet {
        if let namespace, let problem = NameRules.namespaceProblem(namespace) {
            throw PodError(.invalidArgument, "invalid --namespace \"\(namespace)\": \(problem)")
        }
        var inputs: [(source: String, text: String)] = []
        for path in paths {
            for file in try expand(path) {
                inputs.append((file == "-" ? "<stdin>" : file, try Manifest.read(path: file)))
            }
        }
        return Manifest.parse(inputs, namespace: namespace)
    }

    private static func expand(_ path: String) throws(PodError) -> [String] {
        var isDirectory: ObjCBool = false
        guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let files = names.filter { [".yaml", ".yml", ".json"].contains(where: $0.hasSuffix) }.sorted()
        if files.isEmpty { throw PodError(.notFound, "the directory \(path) holds no .yaml, .yml or .json file") }
        return files.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
    }
}
