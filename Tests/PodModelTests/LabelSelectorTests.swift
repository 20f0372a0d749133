import PodCore
import Testing
@testable import PodModel

/// kubectl's selector grammar and messages (k8s.io/apimachinery/pkg/labels/selector.go).
@Suite struct LabelSelectorTests {
    let web: [String: String] = ["app": "web", "tier": "frontend", "replicas": "3"]
    let db: [String: String] = ["app": "db", "tier": "backend"]
    let bare: [String: String] = [:]

    func selects(_ text: String) throws -> [Bool] {
        let selector = try LabelSelector.parse(text)
        return [web, db, bare].map(selector.matches)
    }

    func message(_ text: String) -> String? {
        do {
            _ = try LabelSelector.parse(text)
            return nil
        } catch {
            #expect(error.code == .invalidArgument)
            return error.message
        }
    }

    @Test func equalityBased() throws {
        #expect(try selects("app=web") == [true, false, false])
        #expect(try selects("app==web") == [true, false, false])
        // != also selects pods without the key, as in Kubernetes.
        #expect(try selects("app!=web") == [false, true, true])
        #expect(try selects("app=web,tier=frontend") == [true, false, false])
        #expect(try selects("app=web,tier=backend") == [false, false, false])
        #expect(try selects(" app = web , tier=frontend ") == [true, false, false])
    }

    @Test func setBased() throws {
        #expect(try selects("app in (web,db)") == [true, true, false])
        #expect(try selects("app notin (web)") == [false, true, true])
        #expect(try selects("tier") == [true, true, false])
        #expect(try selects("!tier") == [false, false, true])
        #expect(try selects("app in (db),!replicas") == [false, true, false])
        #expect(try selects("replicas>2") == [true, false, false])
        #expect(try selects("replicas<3") == [false, false, false])
    }

    @Test func emptyValuesAndTheEmptySelector() throws {
        #expect(try selects("") == [true, true, true])
        #expect(try LabelSelector.parse("").isEmpty)
        let selector = try LabelSelector.parse("x in (foo,,baz),y,z notin ()")
        #expect(selector.requirements.map(\.key) == ["x", "y", "z"])
        #expect(selector.requirements[0].values == ["", "baz", "foo"])
        #expect(selector.description == "x in (,baz,foo),y,z notin ()")
        #expect(try LabelSelector.parse("a=").matches(["a": ""]))
        #expect(try !LabelSelector.parse("a=").matches(["a": "b"]))
    }

    @Test func keywordsAreIdentifiersWhereAKeyOrValueStands() throws {
        let selector = try LabelSelector.parse("in in (in,notin)")
        #expect(selector.requirements == [.init(key: "in", op: .in, values: ["in", "notin"])])
        #expect(try LabelSelector.parse("example.com/role=db").matches(["example.com/role": "db"]))
    }

    @Test func syntaxErrorsHaveApimachinerysMessages() {
        #expect(message("a b") == "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt")
        #expect(message("a in (x") == "unable to parse requirement: found '', expected: ',' or ')'")
        #expect(message("a in x") == "unable to parse requirement: found 'x' expected: '('")
        #expect(message("a in (=)") == "unable to parse requirement: found '=', expected: ',', ')' or identifier")
        #expect(message("a=(b)") == "unable to parse requirement: found '(', expected: identifier")
        #expect(message(",a") == "found ',', expected: !, identifier, or 'end of string'")
        #expect(message("a,") == "found '', expected: identifier after ','")
        #expect(message("a=b c") == "found 'c', expected: ',' or 'end of string'")
        #expect(message("!a=b") == "found '=', expected: ',' or 'end of string'")
        #expect(message("!") == "unable to parse requirement: found '', expected: identifier")
    }

    @Test func invalidKeysAndValuesHaveTheFieldErrorWording() {
        let namePart = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        // What kubectl prints for `get pods -l app:monolith`, after the server's framing.
        #expect(message("app:monolith") == "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": " + namePart)
        #expect(message("x/=a") == "unable to parse requirement: <nil>: Invalid value: \"x/\": name part must be non-empty; " + namePart)
        #expect(message(String(repeating: "k", count: 64)) == "unable to parse requirement: <nil>: Invalid value: \"\(String(repeating: "k", count: 64))\": name part must be no more than 63 characters")
        #expect(message("a=b/c") == "unable to parse requirement: values[0][a]: Invalid value: \"b/c\": " + Names.labelValueMessage)
        #expect(message("a>x") == "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer")
        #expect(message("a in (-x,-y)") == "unable to parse requirement: [values[0][a]: Invalid value: \"-x\": \(Names.labelValueMessage), values[1][a]: Invalid value: \"-y\": \(Names.labelValueMessage)]")
    }

    @Test func hostileTextIsQuotedAsGoQuotesIt() {
        #expect(message("a\"b") == "unable to parse requirement: <nil>: Invalid value: \"a\\\"b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
        #expect(message("a\u{1b}[2J")?.contains("\\x1b[2J") == true)
        #expect(message("a \u{1b}[2J") == "unable to parse requirement: found '\\x1b[2J', expected: in, notin, =, ==, !=, gt, lt")
    }
}
