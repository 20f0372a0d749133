import Foundation
import Testing

/// `get -o` formats that fail before any pod is read: kubectl's messages, exit 1 (no root).
@Suite struct GetOutputFormatTests {
    @Test(arguments: [
        ("jsonpath={.metadata.name", "error: error parsing jsonpath {.metadata.name, unclosed action"),
        ("jsonpath=", "error: template format specified but no template given"),
        ("custom-columns=", "error: custom-columns format specified but no custom columns given"),
        ("custom-columns=NAME", "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
        ("jsonpath-file=/nonexistent/template", "error: cannot read the template file /nonexistent/template: give a readable file"),
        ("tabular", "error: unable to match a printer suitable for the output format \"tabular\", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml"),
    ])
    func badFormatsExitOneWithKubectlsMessage(format: String, message: String) throws {
        let result = try CLI.run(["get", "pods", "-o", format])
        #expect(result.status == 1)
        #expect(result.stderr == message + "\n")
        #expect(result.stdout == "")
    }

    @Test func noPodsIsAnEmptyListForTemplates() throws {
        let result = try CLI.run(["get", "pods", "-o", "jsonpath={.kind} {.items[*].metadata.name}"])
        #expect(result.status == 0)
        #expect(result.stdout == "List ")
    }

    @Test func eventsForTakesPodSlashName() throws {
        let result = try CLI.run(["events", "--for", "deployment/web"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: --for must be pod/NAME (podctl manages pods only), not \"deployment/web\"\n")
    }
}
