import PodCore
import Testing
@testable import PodModel

/// `podctl label` and `podctl annotate` changes, with kubectl's parsing and messages
/// (kubectl/pkg/cmd/label/label.go, annotate/annotate.go, util.GetResourcesAndPairs).
@Suite struct MetadataEditTests {
    func failure(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return (error as? PodError)?.message ?? "\(error)" }
        return nil
    }

    @Test func resourcesComeBeforeChanges() throws {
        let split = try MetadataEdit.splitArguments(["pod", "web", "a=b", "c-"], kind: .label)
        #expect(split.resources == ["pod", "web"] && split.changes == ["a=b", "c-"])
        #expect(failure { _ = try MetadataEdit.splitArguments(["pod", "a=b", "web"], kind: .label) } == "all resources must be specified before label changes: web")
        #expect(failure { _ = try MetadataEdit.splitArguments(["a=b", "web"], kind: .annotation) } == "all resources must be specified before annotation changes: web")
    }

    @Test func labelChangesParse() throws {
        let edit = try MetadataEdit.parse(["app=web", "tier-", "empty="], kind: .label)
        #expect(edit.set == ["app": "web", "empty": ""] && edit.remove == ["tier"])
        #expect(failure { _ = try MetadataEdit.parse(["a=b=c"], kind: .label) } == "invalid label spec: a=b=c")
        #expect(failure { _ = try MetadataEdit.parse(["a"], kind: .label) } == "unknown label spec: a")
        #expect(failure { _ = try MetadataEdit.parse(["a=b", "a-"], kind: .label) } == "can not both modify and remove a label in the same command")
        #expect(failure { _ = try MetadataEdit.parse(["a=-x"], kind: .label) } == "invalid label value: \"a=-x\": " + Names.labelValueMessage)
        #expect(failure { _ = try MetadataEdit.parse(["Bad Key=x"], kind: .label) }?.hasPrefix("metadata.labels: Invalid value: \"Bad Key\": name part must consist") == true)
    }

    @Test func annotationChangesParse() throws {
        let edit = try MetadataEdit.parse(["note=a=b c", "old-"], kind: .annotation)
        #expect(edit.set == ["note": "a=b c"] && edit.remove == ["old"])
        #expect(failure { _ = try MetadataEdit.parse(["x", "y"], kind: .annotation) } == "invalid annotation format: x, y")
        #expect(failure { _ = try MetadataEdit.parse(["a=1", "a-"], kind: .annotation) } == "can not both modify and remove the following annotation(s) in the same command: a")
    }

    @Test func overwriteIsRefusedWithoutTheFlag() throws {
        let current = ["app": "web", "tier": "fe"]
        let labels = try MetadataEdit.parse(["app=db", "tier=be"], kind: .label)
        #expect(failure { _ = try labels.apply(to: current, overwrite: false) } == "['app' already has a value (web), and --overwrite is false, 'tier' already has a value (fe), and --overwrite is false]")
        #expect(failure { _ = try MetadataEdit.parse(["app=db"], kind: .label).apply(to: current, overwrite: false) } == "'app' already has a value (web), and --overwrite is false")
        let outcome = try labels.apply(to: current, overwrite: true)
        #expect(outcome.values == ["app": "db", "tier": "be"] && outcome.changed && outcome.verb == "labeled")
        let notes = try MetadataEdit.parse(["a=2", "b=3"], kind: .annotation)
        #expect(failure { _ = try notes.apply(to: ["a": "1", "b": "2"], overwrite: false) } == "--overwrite is false but found the following declared annotation(s): 'a' already has a value (1); 'b' already has a value (2)")
    }

    @Test func kubectlsVerbs() throws {
        let current = ["app": "web"]
        #expect(try MetadataEdit.parse(["app=web"], kind: .label).apply(to: current, overwrite: true).verb == "not labeled")
        #expect(try MetadataEdit.parse(["tier=fe"], kind: .label).apply(to: current, overwrite: false).verb == "labeled")
        let removal = try MetadataEdit.parse(["app-"], kind: .label).apply(to: current, overwrite: false)
        #expect(removal.verb == "unlabeled" && removal.values == nil && removal.changed)
        let missing = try MetadataEdit.parse(["gone-"], kind: .label).apply(to: current, overwrite: false)
        #expect(missing.missing == ["gone"] && !missing.changed && missing.verb == "not labeled")
        #expect(try MetadataEdit.parse(["a=1"], kind: .annotation).apply(to: nil, overwrite: false).verb == "annotated")
    }

    @Test func annotationsStayWithinTheAPIServersLimit() throws {
        let big = try MetadataEdit.parse(["big=" + String(repeating: "x", count: 256 * 1024)], kind: .annotation)
        #expect(failure { _ = try big.apply(to: nil, overwrite: false) } == "metadata.annotations: Too long: must have at most 262144 bytes")
    }
}
