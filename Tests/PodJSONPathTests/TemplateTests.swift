import Foundation
import PodCore
import PodJSONPath
import Testing

/// Two pods as `podctl get pods -o json` prints them (a v1 List), trimmed.
let podList = """
    {"apiVersion":"v1","kind":"List","items":[
      {"kind":"Pod","metadata":{"name":"web","namespace":"default","labels":{"app":"web","kubernetes.io/role":"front"}},
       "spec":{"containers":[{"name":"nginx","image":"nginx:1"},{"name":"side","image":"busybox"}]},
       "status":{"phase":"Running","podIP":"10.88.0.2","containerStatuses":[{"name":"nginx","ready":true,"restartCount":0},{"name":"side","ready":false,"restartCount":3}]}},
      {"kind":"Pod","metadata":{"name":"db","namespace":"default"},
       "spec":{"containers":[{"name":"postgres","image":"postgres:16"}]},
       "status":{"phase":"Pending","containerStatuses":[{"name":"postgres","ready":false,"restartCount":12}]}}
    ]}
    """

func tree(_ text: String = podList) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

func run(_ template: String, _ text: String = podList) throws -> String {
    try JSONPathTemplate(template).execute(tree(text))
}

@Suite struct TemplateTests {
    @Test(arguments: [
        ("{.kind}", "List"),
        ("{.items[0].metadata.name}", "web"),
        ("{.items[*].metadata.name}", "web db"),
        ("{$.items[-1].metadata.name}", "db"),
        ("{.items[1:2].metadata.name}", "db"),
        ("{.items[0:2:1].status.phase}", "Running Pending"),
        ("{.items[:1].metadata.name}", "web"),
        ("{.items[0,1].metadata.name}", "web db"),
        ("{.items[0]['metadata.name']}", "web"),
        ("{.items[0].metadata.labels.kubernetes\\.io/role}", "front"),
        ("{.items[0].metadata.labels}", #"{"app":"web","kubernetes.io/role":"front"}"#),
        ("{.items[0].spec.containers[*].name}", "nginx side"),
        ("{.items[0].metadata.labels.*}", "web front"),
        ("{..restartCount}", "0 3 12"),
        ("{.items[*].status.containerStatuses[?(@.ready==true)].name}", "nginx"),
        ("{.items[?(@.metadata.name==\"db\")].status.phase}", "Pending"),
        ("{.items[?(@.metadata.name!='db')].status.phase}", "Running"),
        ("{.items[*].status.containerStatuses[?(@.restartCount>2)].name}", "side postgres"),
        ("{.items[*].status.containerStatuses[?(@.restartCount<=3)].name}", "nginx side"),
        ("{.items[*].status.containerStatuses[?(@.restartCount>=12)].name}", "postgres"),
        ("{.items[*].status.containerStatuses[?(@.restartCount<1)].name}", "nginx"),
        ("{.items[?(@.status.podIP)].metadata.name}", "web"),
        ("{.items[*].metadata.missing}", ""),
        ("names: {.items[*].metadata.name}!", "names: web db!"),
        ("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}", "web\tRunning\ndb\tPending\n"),
        ("{range .items[*]}[{range .spec.containers[*]}{.name}{','}{end}]{end}", "[nginx,side,][postgres,]"),
        ("{range .items[*]}{.metadata.name}{'\\n'}", "web\ndb\n"),
        ("{.items[0].status.containerStatuses[0].ready} {42} {true}", "true 42 true"),
    ])
    func kubectlOutputs(template: String, expected: String) throws {
        #expect(try run(template) == expected)
    }

    @Test func theWholeObjectPrintsAsCompactSortedJSON() throws {
        #expect(try run("{.}", #"{"b":1,"a":["x<y",2.5,null]}"#) == #"{"a":["x\u003cy",2.5,null],"b":1}"#)
        #expect(try run("{@}", #"{"a":1}"#) == #"{"a":1}"#)
        #expect(try run("plain text", #"{}"#) == "plain text")
    }

    @Test(arguments: [
        ("{.metadata.name", "error parsing jsonpath {.metadata.name, unclosed action"),
        ("{.items[0}", "error parsing jsonpath {.items[0}, unterminated array"),
        ("{.a !b}", "error parsing jsonpath {.a !b}, unrecognized character in action: U+0021 '!'"),
        ("{\"abc}", "error parsing jsonpath {\"abc}, unterminated quoted string"),
        ("{.items[?(@.a==\"x\")}", "error parsing jsonpath {.items[?(@.a==\"x\")}, unclosed array expect ]"),
        ("{.items[?(@.a==\"x\"", "error parsing jsonpath {.items[?(@.a==\"x\", unterminated filter"),
        ("{.items[x]}", "error parsing jsonpath {.items[x]}, invalid array index x"),
        ("{.items[99999999999999999999]}", "error parsing jsonpath {.items[99999999999999999999]}, array index 99999999999999999999 is not a number"),
        ("{end}", "error parsing jsonpath {end}, not in range, nothing to end"),
        ("{foo}", "error parsing jsonpath {foo}, unrecognized identifier foo"),
        ("{\"\\q\"}", "error parsing jsonpath {\"\\q\"}, unquote string \"\\q\" error invalid syntax"),
    ])
    func syntaxErrorsAreKubectls(template: String, message: String) {
        #expect(throws: PodError.self) { try JSONPathTemplate(template) }
        do {
            _ = try JSONPathTemplate(template)
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message == message)
        }
    }

    @Test(arguments: [
        ("{.items[5]}", "array index out of bounds: index 5, length 2"),
        ("{.items[0:9]}", "array index out of bounds: index 8, length 2"),
        ("{.items[1:0]}", "starting index 1 is greater than ending index 0"),
        ("{.items[0::0]}", "step must be > 0"),
        ("{.kind[0]}", "string is not array or slice"),
        ("{.items[0].metadata[?(@.x)]}", "map[string]interface {} is not array or slice and cannot be filtered"),
        ("{.items[?(@.metadata.name>1)]}", "incompatible types for comparison"),
        ("{.items[?(@.spec.containers[*].name==\"x\")]}", "can only compare one element at a time"),
    ])
    func executionErrorsAreKubectls(template: String, message: String) throws {
        let parsed = try JSONPathTemplate(template)
        let object = try tree()
        do {
            _ = try parsed.execute(object)
            Issue.record("\(template) should fail")
        } catch {
            #expect(error.message == "error executing jsonpath \"\(template)\": Error executing template: \(message)")
        }
    }

    @Test func anEmptySliceIsNoError() throws {
        #expect(try run("{.items[1:1]}") == "")
        #expect(throws: PodError.self) { try run("{.items[0]}", #"{"items":[]}"#) }
    }
}
