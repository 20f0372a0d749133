import Foundation
import PodModel
@testable import PodRuntime
import Testing

/// The kubelet's oom_score_adj per QoS class (pkg/kubelet/qos/policy_test.go) and the
/// pod pids limit's sources.
@Suite struct ResourcePlanTests {
    static func container(_ resources: String) throws -> Container {
        try JSONDecoder().decode(Container.self, from: Data(#"{"name":"c","image":"x","resources":\#(resources)}"#.utf8))
    }

    @Test func oomScoreAdjPerQoSClass() throws {
        let capacity: Int64 = 4 * 1_073_741_824
        let none = try Self.container("{}")
        #expect(OOMScore.container(none, qos: .guaranteed, memoryCapacity: capacity) == -997)
        #expect(OOMScore.container(none, qos: .bestEffort, memoryCapacity: capacity) == 1000)
        // Burstable: 1000 - 1000 * request / capacity, within 3…999.
        #expect(OOMScore.container(try Self.container(#"{"requests":{"memory":"1Gi"}}"#), qos: .burstable, memoryCapacity: capacity) == 750)
        #expect(OOMScore.container(try Self.container(#"{"requests":{"memory":"4Gi"}}"#), qos: .burstable, memoryCapacity: capacity) == 3)
        #expect(OOMScore.container(try Self.container(#"{"requests":{"cpu":"1"}}"#), qos: .burstable, memoryCapacity: capacity) == 999)
        #expect(OOMScore.sandbox == -998)
    }

    @Test func pidsLimitFromAnnotationEnvironmentOrDefault() throws {
        #expect(try PidsLimit.resolve(annotation: nil, environment: [:]) == 4096)
        #expect(try PidsLimit.resolve(annotation: nil, environment: ["PODCTL_POD_PIDS_LIMIT": "100"]) == 100)
        #expect(try PidsLimit.resolve(annotation: "50", environment: ["PODCTL_POD_PIDS_LIMIT": "100"]) == 50)
        #expect(try PidsLimit.resolve(annotation: "max", environment: [:]) == nil)
        #expect(throws: Error.self) { try PidsLimit.resolve(annotation: "lots", environment: [:]) }
        #expect(throws: Error.self) { try PidsLimit.resolve(annotation: nil, environment: ["PODCTL_POD_PIDS_LIMIT": "0"]) }
    }
}
