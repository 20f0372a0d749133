import Foundation
import PodCore
import PodJSONPath
import Testing

@Suite struct CustomColumnsTests {
    @Test func cellsAreRelaxedPathsWithNoneForMissing() throws {
        let columns = try CustomColumns(spec: "NAME:.metadata.name,IP:status.podIP,IMAGES:{.spec.containers[*].image},LABELS:{metadata.labels}")
        #expect(columns.headers == ["NAME", "IP", "IMAGES", "LABELS"])
        guard case let .object(list) = try tree(), case let .array(items)? = list["items"] else { Issue.record("no items"); return }
        #expect(try columns.row(items[0]) == ["web", "10.88.0.2", "nginx:1,busybox", "map[app:web kubernetes.io/role:front]"])
        #expect(try columns.row(items[1]) == ["db", "<none>", "postgres:16", "<none>"])
    }

    @Test(arguments: [
        ("", "custom-columns format specified but no custom columns given"),
        ("NAME", "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
        ("NAME:.a:b", "unexpected custom-columns spec: NAME:.a:b, expected <header>:<json-path-expr>"),
        ("NAME:{.a", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"),
        ("NAME:.a[", "error parsing jsonpath {.a[}, unterminated array"),
    ])
    func badSpecsGetKubectlsMessages(spec: String, message: String) {
        do {
            _ = try CustomColumns(spec: spec)
            Issue.record("\(spec) should fail")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func theFileHasHeadersThenSpecs() throws {
        let columns = try CustomColumns(file: "NAME   PHASE\n.metadata.name   .status.phase\n")
        #expect(columns.headers == ["NAME", "PHASE"])
        #expect(throws: PodError.self) { try CustomColumns(file: "NAME PHASE\n.metadata.name\n") }
        #expect(throws: PodError.self) { try CustomColumns(file: "NAME PHASE\n") }
        #expect(throws: PodError.self) { try CustomColumns(file: "") }
    }
}
