import PodCgroups
import PodCRIProtocol
import Testing
@testable import PodCRI

/// ListPodSandboxMetrics' readings as metrics, without a daemon: names, types, labels in
/// the descriptors' key order, whole CPU seconds, and nothing for a reading not given.
struct SandboxMetricsTests {
    @Test func aSandboxsReadingsBecomeCAdvisorsMetrics() {
        let running = SandboxMetrics.Container(id: "c1", name: "web", usage: CgroupUsage(cpuNanoseconds: 2_900_000_000, memoryWorkingSet: 4096),
                                               startedAt: 1_764_000_000_123_456_789)
        let unread = SandboxMetrics.Container(id: "c2", name: "side", usage: nil, startedAt: 0)
        let metrics = SandboxMetrics.sandbox(id: "s1", namespace: "ns", pod: "p", usage: CgroupUsage(cpuNanoseconds: 5_000_000_001, memoryWorkingSet: 8192),
                                             containers: [running, unread], now: 42)
        #expect(metrics.podSandboxID == "s1")
        #expect(metrics.metrics.map(\.name) == [SandboxMetrics.cpuSeconds, SandboxMetrics.memoryWorkingSet])
        #expect(metrics.metrics.map(\.value.value) == [5, 8192])
        #expect(metrics.metrics.allSatisfy { $0.labelValues == ["", "ns", "p"] && $0.timestamp == 42 })
        #expect(metrics.metrics.map(\.metricType) == [.counter, .gauge])
        #expect(metrics.containerMetrics.map(\.containerID) == ["c1", "c2"])
        let web = metrics.containerMetrics[0].metrics
        #expect(web.map(\.name) == [SandboxMetrics.cpuSeconds, SandboxMetrics.memoryWorkingSet, SandboxMetrics.startTime])
        #expect(web.map(\.value.value) == [2, 4096, 1_764_000_000])
        #expect(web.allSatisfy { $0.labelValues == ["web", "ns", "p"] })
        #expect(metrics.containerMetrics[1].metrics.isEmpty, "no reading, no metric: never a 0 that looks measured")
    }

    @Test func everyDescriptorHasTheLabelKeysTheValuesFollow() {
        #expect(SandboxMetrics.descriptors.map(\.name) == [SandboxMetrics.cpuSeconds, SandboxMetrics.memoryWorkingSet, SandboxMetrics.startTime])
        #expect(SandboxMetrics.descriptors.allSatisfy { $0.labelKeys == ["container", "namespace", "pod"] && !$0.help.isEmpty })
    }
}
