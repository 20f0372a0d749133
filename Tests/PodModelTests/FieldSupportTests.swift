import Foundation
import Testing
@testable import PodModel

@Suite struct FieldSupportTests {
    /// Every field the kitchen-sink file uses, as `Type.field`, by the model type that read it.
    static func fieldsPresent(in yaml: String) throws -> Set<String> {
        var present = Set<String>()
        let types: [String: any Decodable.Type] = ["Pod": Pod.self, "ConfigMap": ConfigMap.self, "Secret": Secret.self,
                                                        "PersistentVolumeClaim": PersistentVolumeClaim.self]
        for document in try Value.documents(yaml: yaml) {
            let kind = document["kind"]?.stringValue ?? ""
            let type = try #require(types[kind])
            let record = DecodeRecord()
            _ = try type.init(from: ValueDecoder(value: document, path: FieldPath(), record: record, typeName: kind))
            for object in record.objects {
                for key in object.keys { present.insert("\(object.typeName).\(key)") }
            }
        }
        return present
    }

    @Test func kitchenSinkUsesExactlyTheReadableFieldsAndDecodesCleanly() throws {
        let yaml = try Fixtures.text("kitchen-sink.yaml")
        let set = Manifest.parse(yaml, source: "kitchen-sink.yaml")
        #expect(set.errorLines == [])
        #expect(set.warningLines == [])
        let readable = Set(FieldSupport.table.filter { $0.status == .supported || $0.status == .partial }.map { "\($0.type).\($0.field)" })
        let modelTypes = Set(FieldSupport.table.map(\.type))
        let present = try Self.fieldsPresent(in: yaml).filter { modelTypes.contains(String($0.split(separator: ".")[0])) }
        #expect(readable.subtracting(present).sorted() == [], "supported fields missing from the kitchen sink (or not read by the model)")
        #expect(present.subtracting(readable).sorted() == [], "fields read by the model but not listed as supported")
    }

    @Test func notYetFieldsAreErrorsIgnoredFieldsWarnUnknownFieldsWarn() {
        let yaml = containerYAML("foo: 1", podSpec: "nodeSelector: {disk: ssd}\nreadinessGates: [{conditionType: x}]\n")
            .replacingOccurrences(of: "name: t\n", with: "name: t\n  uid: 1234\n")
        let set = Manifest.parse(yaml, source: "f.yaml")
        #expect(set.errorLines == ["f.yaml: Pod \"t\" is invalid: spec.readinessGates: Forbidden: podctl does not support this field yet"])
        #expect(set.warningLines == [
            "f.yaml: field \"spec.nodeSelector\" is ignored: no scheduler: podctl runs every pod on this host",
            "f.yaml: unknown field \"spec.containers[0].foo\"",
        ])
    }

    @Test func docsListEveryFieldAsTheCodeDoes() throws {
        let doc = try String(contentsOf: Fixtures.repository.appendingPathComponent("docs/pod-spec.md"), encoding: .utf8)
        let begin = "<!-- fields:begin (generated from FieldSupport.table; a test keeps it in step) -->\n"
        let end = "<!-- fields:end -->"
        let start = try #require(doc.range(of: begin))
        let stop = try #require(doc.range(of: end))
        let inDoc = String(doc[start.upperBound..<stop.lowerBound])
        let expected = FieldSupport.markdownTable()
        if inDoc != expected {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pod-spec-fields.md")
            try? expected.write(to: path, atomically: true, encoding: .utf8)
            Issue.record("docs/pod-spec.md is out of step with FieldSupport.table; the expected table is in \(path.path)")
        }
    }

    @Test func registryHasNoDuplicates() {
        let keys = FieldSupport.table.map { "\($0.type).\($0.field)" }
        #expect(keys.count == Set(keys).count)
    }
}
