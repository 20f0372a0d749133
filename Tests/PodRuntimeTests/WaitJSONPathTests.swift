import Foundation
import PodCore
import PodRuntime
import Testing

/// `wait --for=jsonpath` runs the engine of `get -o jsonpath` (PodJSONPath), so the whole
/// of kubectl's grammar works there, and a bad path gets kubectl's parse error.
@Suite struct WaitJSONPathTests {
    @Test func filtersComparisonsAndRecursiveDescentWork() throws {
        let running = try DescribeFixture.view(try DescribeFixture.pod(), status: DescribeFixture.runningStatus)
        for text in ["jsonpath={.status.containerStatuses[?(@.restartCount>=1)].restartCount}=1", "jsonpath={..restartCount}",
                     "jsonpath=status.phase=Running", "jsonpath={.status.containerStatuses[0:1].ready}=true"] {
            #expect(try WaitCondition(parsing: text).isMet(by: running), "\(text)")
        }
        #expect(try !WaitCondition(parsing: "jsonpath={.status.containerStatuses[?(@.restartCount>5)].name}").isMet(by: running))
        #expect(try !WaitCondition(parsing: "jsonpath={.status.containerStatuses[9].name}").isMet(by: running), "out of range: not yet")
    }

    @Test func aBadPathGetsKubectlsParseError() {
        do {
            _ = try WaitCondition(parsing: "jsonpath={.status.phase[}=Running")
            Issue.record("should fail")
        } catch {
            #expect(error.message == "error parsing jsonpath {.status.phase[}, unterminated array")
        }
    }
}
