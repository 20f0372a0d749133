import Foundation
@testable import PodModel

/// Decodes `yaml` as one apply and returns every error line (path and message) of every object.
func errorLines(_ yaml: String) -> [String] {
    let set = Manifest.parse(yaml, source: "test.yaml")
    return set.documentErrors + set.objects.flatMap { $0.errors.map(\.description) }
}

func warningLines(_ yaml: String) -> [String] {
    Manifest.parse(yaml, source: "test.yaml").objects.flatMap(\.warnings)
}

/// A pod named `t` whose spec is `spec` (YAML, indented by two spaces under `spec:`).
func podYAML(spec: String) -> String {
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\nspec:\n" + spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
}

/// A pod with one container `c` (image `busybox:1`) plus `extra` lines inside the container.
func containerYAML(_ extra: String = "", podSpec: String = "") -> String {
    let lines = extra.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    return podYAML(spec: podSpec + "containers:\n- name: c\n  image: busybox:1\n" + lines)
}

enum Fixtures {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// The repository root, for the example pods and the docs.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
