import Foundation
import PodCgroups
import PodModel
@testable import PodRuntime
import Testing

/// A pod's and a container's cgroup limits from their requests and limits, as the
/// kubelet computes them (CgroupLimits+Pod.swift).
@Suite struct PodCgroupLimitsTests {
    static func pod(_ containers: String, initContainers: String = "[]") throws -> Pod {
        let json = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":\#(containers),"initContainers":\#(initContainers)}}"#
        return try JSONDecoder().decode(Pod.self, from: Data(json.utf8))
    }

    static func container(_ resources: String) throws -> Container {
        try pod(#"[{"name":"c","image":"x","resources":\#(resources)}]"#).spec!.containers![0]
    }

    @Test func containerLimitsFromRequestsAndLimits() throws {
        let limited = CgroupLimits(container: try Self.container(#"{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"250m"}}"#))
        #expect(limited == CgroupLimits(memoryMax: 134_217_728, cpuShares: 256, cpuQuota: 50_000))
        // A limit without a request requests the limit, as defaulting does.
        let limitOnly = CgroupLimits(container: try Self.container(#"{"limits":{"cpu":"1.5","memory":"1G"}}"#))
        #expect(limitOnly == CgroupLimits(memoryMax: 1_000_000_000, cpuShares: 1536, cpuQuota: 150_000))
        let none = CgroupLimits(container: try Self.container("{}"))
        #expect(none == CgroupLimits(memoryMax: nil, cpuShares: 2, cpuQuota: nil))
        let exponent = CgroupLimits(container: try Self.container(#"{"requests":{"cpu":"1e-1"},"limits":{"memory":"1e3"}}"#))
        #expect(exponent.cpuShares == 102 && exponent.memoryMax == 1000)
    }

    @Test func podLimitsAreSumsOnlyWhenEveryContainerHasOne() throws {
        let both = try Self.pod(#"[{"name":"a","image":"x","resources":{"limits":{"cpu":"500m","memory":"64Mi"}}},{"name":"b","image":"x","resources":{"limits":{"cpu":"250m","memory":"32Mi"}}}]"#)
        #expect(CgroupLimits(pod: both, pidsMax: 100) == CgroupLimits(memoryMax: 96 * 1_048_576, cpuShares: 768, cpuQuota: 75_000, pidsMax: 100))
        let one = try Self.pod(#"[{"name":"a","image":"x","resources":{"limits":{"cpu":"500m","memory":"64Mi"}}},{"name":"b","image":"x","resources":{"requests":{"cpu":"100m"}}}]"#)
        #expect(CgroupLimits(pod: one, pidsMax: nil) == CgroupLimits(memoryMax: nil, cpuShares: 614, cpuQuota: nil))
        let bestEffort = try Self.pod(#"[{"name":"a","image":"x"}]"#)
        #expect(CgroupLimits(pod: bestEffort, pidsMax: 4096) == CgroupLimits(cpuShares: 2, pidsMax: 4096))
    }

    @Test func initContainersCountAsTheKubeletCountsThem() throws {
        let apps = #"[{"name":"a","image":"x","resources":{"limits":{"cpu":"200m","memory":"100Mi"}}}]"#
        let inits = #"[{"name":"sidecar","image":"x","restartPolicy":"Always","resources":{"limits":{"cpu":"100m","memory":"10Mi"}}},{"name":"big","image":"x","resources":{"limits":{"cpu":"1","memory":"50Mi"}}}]"#
        let limits = CgroupLimits(pod: try Self.pod(apps, initContainers: inits), pidsMax: nil)
        // cpu: max(200m + 100m, 1000m + 100m); memory: max(100Mi + 10Mi, 50Mi + 10Mi).
        #expect(limits.cpuQuota == 110_000)
        #expect(limits.memoryMax == Int64(110 * 1_048_576))
    }
}
