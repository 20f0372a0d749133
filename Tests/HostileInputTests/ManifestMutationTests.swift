import Foundation
import PodModel
import PodTestSupport
import Testing

/// The standing manifest mutations of #14: every string of a full-featured manifest (the
/// kitchen sink the field-support test keeps complete) is given a NUL, control
/// characters and `..` in turn. A NUL is refused at exactly that field; the others are
/// refused naming that field or accepted where Kubernetes accepts them — never a crash.
@Suite struct ManifestMutationTests {
    static let sink = Harness.repository.appendingPathComponent("Tests/PodModelTests/Fixtures/kitchen-sink.yaml")

    enum Step { case key(String), index(Int) }

    /// Every string leaf of `value` with its path.
    static func strings(in value: Value, _ path: [Step] = []) -> [[Step]] {
        switch value {
        case .string: return [path]
        case let .array(items): return items.indices.flatMap { strings(in: items[$0], path + [.index($0)]) }
        case let .object(members): return members.flatMap { strings(in: $0.value, path + [.key($0.key)]) }
        default: return []
        }
    }

    static func replacing(_ value: Value, at path: [Step], _ change: (String) -> String) -> Value {
        guard let step = path.first else { return value.stringValue.map { .string(change($0)) } ?? value }
        switch (value, step) {
        case (var .array(items), let .index(index)):
            items[index] = replacing(items[index], at: Array(path.dropFirst()), change)
            return .array(items)
        case (var .object(members), let .key(key)):
            let index = members.firstIndex { $0.key == key }!
            members[index].value = replacing(members[index].value, at: Array(path.dropFirst()), change)
            return .object(members)
        default: return value
        }
    }

    /// The path as FieldPath prints it: `spec.containers[0].env[1].value`.
    static func fieldPath(_ path: [Step]) -> String {
        path.enumerated().map { offset, step in
            switch step {
            case let .key(key): offset == 0 ? key : "." + key
            case let .index(index): "[\(index)]"
            }
        }.joined()
    }

    /// JSON (which is YAML) for the parser; JSONSerialization escapes every control character.
    static func json(_ value: Value) -> Any {
        switch value {
        case .null: return NSNull()
        case let .bool(flag): return flag
        case let .int(number): return number
        case let .float(number): return number
        case let .string(text): return text
        case let .array(items): return items.map(json)
        case let .object(members): return Dictionary(members.map { ($0.key, json($0.value)) }, uniquingKeysWith: { $1 })
        }
    }

    static func parse(_ documents: [Value]) throws -> ManifestSet {
        // JSON needs no escape for DEL, YAML (which reads it) refuses it raw.
        let texts = try documents.map {
            String(decoding: try JSONSerialization.data(withJSONObject: json($0), options: [.sortedKeys]), as: UTF8.self).replacingOccurrences(of: "\u{7f}", with: "\\u007f")
        }
        return Manifest.parse(texts.joined(separator: "\n---\n"), source: "mutated.json")
    }

    /// Each mutation of each string leaf of each document, with the errors it got.
    static func mutations(_ change: @escaping (String) -> String, _ check: ([Step], ManifestSet) -> Void) throws {
        let documents = try Value.documents(yaml: String(contentsOf: sink, encoding: .utf8))
        #expect(try parse(documents).isValid, "the unmutated kitchen sink is valid")
        for (index, document) in documents.enumerated() {
            for path in strings(in: document) {
                var mutated = documents
                mutated[index] = replacing(document, at: path, change)
                check(path, try parse(mutated))
            }
        }
    }

    static func errors(_ set: ManifestSet) -> [FieldError] { set.objects.flatMap(\.errors) }

    /// Whether `error` is about `field`: at it, or at the map holding it (validation names
    /// `metadata.labels` for a bad label, `resources.limits[cpu]` for a quantity).
    static func names(_ error: FieldError, _ field: String) -> Bool {
        let path = error.path.steps.enumerated().map { offset, step in
            switch step {
            case let .field(name), let .key(name): offset == 0 ? name : "." + name
            case let .index(index): "[\(index)]"
            }
        }.joined()
        return path == field || field.hasPrefix(path + ".") || field.hasPrefix(path + "[")
    }

    @Test func aNULInAnyStringIsRefusedAtThatField() throws {
        var checked = 0
        try Self.mutations({ $0 + "\0uid=0" }) { path, set in
            let field = Self.fieldPath(path)
            if field == "apiVersion" || field == "kind" {
                #expect(!set.documentErrors.isEmpty, "\(field)")
                return
            }
            let named = Self.errors(set).filter { $0.path.description == field }
            // A Secret's value is never echoed, not even in this error.
            let secretValue = (field.hasPrefix("data.") || field.hasPrefix("stringData.")) && set.objects.contains { $0.kind == "Secret" && $0.errors.contains { $0.path.description == field } }
            let shown = secretValue ? "<secret contents redacted>" : "\\x00uid=0"
            #expect(named.contains { $0.detail?.contains("NUL") == true && $0.value?.contains(shown) == true },
                    "\(field): \(set.errorLines)")
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func controlCharactersAndDotDotAreRefusedAtTheirFieldOrAccepted() throws {
        for change: (String) -> String in [{ $0 + "\n\t\u{1b}[2J\u{7f}" }, { "../../" + $0 + "/.." }, { $0 + "\u{1}" }] {
            try Self.mutations(change) { path, set in
                let field = Self.fieldPath(path)
                guard field != "apiVersion" && field != "kind" else { return }
                let errors = Self.errors(set)
                #expect(set.documentErrors.isEmpty, "\(field): \(set.documentErrors)")
                #expect(errors.isEmpty || errors.contains { Self.names($0, field) }, "\(field): \(set.errorLines)")
                // What is printed shows control characters escaped, never raw.
                #expect(!set.errorLines.joined().unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7f }, "\(field)")
            }
        }
    }

    /// The fields the finding names, one by one, with the message users see.
    @Test func aNULInTheFindingsFieldsIsRefusedWithTheFieldPath() {
        let cases: [(String, String)] = [
            ("command: [\"sh\\0mount=bind|rw|/x|/tmp|\"]", "spec.containers[0].command[0]"),
            ("args: [\"x\", \"x\\0uid=0\"]", "spec.containers[0].args[1]"),
            ("env: [{name: \"A\\0B\", value: x}]", "spec.containers[0].env[0].name"),
            ("env: [{name: A, value: \"x\\0mount=bind|rw|/some/host/dir|/tmp|\"}]", "spec.containers[0].env[0].value"),
            ("workingDir: \"/tmp\\0\"", "spec.containers[0].workingDir"),
            ("volumeMounts: [{name: v, mountPath: \"/m\\0\", subPath: \"s\\0\"}]", "spec.containers[0].volumeMounts[0].mountPath"),
            ("volumeMounts: [{name: v, mountPath: /m, subPath: \"s\\0\"}]", "spec.containers[0].volumeMounts[0].subPath"),
        ]
        for (field, path) in cases {
            let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes: [{name: v, hostPath: {path: "/srv\\0x"}}]
              containers:
              - name: c
                image: "busybox\\0:1"
                \(field)
            """
            let lines = Manifest.parse(yaml, source: "p.yaml").errorLines
            #expect(lines.contains { $0.contains("\(path): Invalid value: ") && $0.contains("must not contain a NUL byte") }, "\(path): \(lines)")
            #expect(lines.contains { $0.contains("spec.volumes[0].hostPath.path: Invalid value: \"/srv\\x00x\"") }, "\(lines)")
            #expect(lines.contains { $0.contains("spec.containers[0].image: Invalid value: \"busybox\\x00:1\"") }, "\(lines)")
        }
    }

    @Test func aNULInAMapKeyIsRefused() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {\"a\\0b\": c}}\nspec: {containers: [{name: c, image: busybox}]}\n"
        let lines = Manifest.parse(yaml, source: "p.yaml").errorLines
        #expect(lines.contains { $0.contains("metadata.labels[a\\x00b]: Invalid value: \"a\\x00b\": must not contain a NUL byte") }, "\(lines)")
    }
}
