import PodCgroups
import PodCRIProtocol

/// The metrics of ListMetricDescriptors and ListPodSandboxMetrics, the kubelet's source for
/// its `/metrics/cadvisor` endpoint when it takes pod and container stats from the CRI
/// (feature gate PodAndContainerStatsFromCRI). Names, types and labels are cAdvisor's, as
/// CRI-O and containerd 2 report them; the values are the cgroup readings the stats RPCs
/// use (docs/resources.md). A pure function of its readings, so it is tested without root.
enum SandboxMetrics {
    static let cpuSeconds = "container_cpu_usage_seconds_total"
    static let memoryWorkingSet = "container_memory_working_set_bytes"
    static let startTime = "container_start_time_seconds"
    /// cAdvisor's label keys, in the order every metric's label values follow.
    static let labelKeys = ["container", "namespace", "pod"]

    static let descriptors: [Runtime_V1_MetricDescriptor] = [
        descriptor(cpuSeconds, "Cumulative cpu time consumed in seconds."),
        descriptor(memoryWorkingSet, "Current working set in bytes."),
        descriptor(startTime, "Start time of the container since unix epoch in seconds."),
    ]

    /// One running container's reading.
    struct Container {
        var id: String
        var name: String
        var usage: CgroupUsage?
        /// Nanoseconds since the epoch (0: unknown).
        var startedAt: Int64
    }

    /// A sandbox's metrics: the pod cgroup's own (container label empty, as cAdvisor labels
    /// a pod's cgroup) and each running container's; a reading the kernel did not give is
    /// left out, never reported as 0.
    static func sandbox(id: String, namespace: String, pod: String, usage: CgroupUsage?, containers: [Container], now: Int64) -> Runtime_V1_PodSandboxMetrics {
        var metrics = Runtime_V1_PodSandboxMetrics()
        metrics.podSandboxID = id
        if let usage { metrics.metrics = readings(usage, labels: ["", namespace, pod], now: now) }
        metrics.containerMetrics = containers.map { container in
            var entry = Runtime_V1_ContainerMetrics()
            entry.containerID = container.id
            let labels = [container.name, namespace, pod]
            if let usage = container.usage { entry.metrics = readings(usage, labels: labels, now: now) }
            if container.startedAt > 0 {
                entry.metrics.append(metric(startTime, .gauge, UInt64(container.startedAt / 1_000_000_000), labels: labels, now: now))
            }
            return entry
        }
        return metrics
    }

    /// CPU time in whole seconds: the CRI's value is an integer, and CRI-O rounds down alike.
    static func readings(_ usage: CgroupUsage, labels: [String], now: Int64) -> [Runtime_V1_Metric] {
        [metric(cpuSeconds, .counter, usage.cpuNanoseconds / 1_000_000_000, labels: labels, now: now),
         metric(memoryWorkingSet, .gauge, usage.memoryWorkingSet, labels: labels, now: now)]
    }

    static func metric(_ name: String, _ type: Runtime_V1_MetricType, _ value: UInt64, labels: [String], now: Int64) -> Runtime_V1_Metric {
        var metric = Runtime_V1_Metric()
        metric.name = name
        metric.timestamp = now
        metric.metricType = type
        metric.labelValues = labels
        metric.value.value = value
        return metric
    }

    static func descriptor(_ name: String, _ help: String) -> Runtime_V1_MetricDescriptor {
        var descriptor = Runtime_V1_MetricDescriptor()
        descriptor.name = name
        descriptor.help = help
        descriptor.labelKeys = labelKeys
        return descriptor
    }
}
