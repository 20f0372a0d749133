import PodCore

extension ContainerLogReader {
    /// `kubectl logs --all-containers`: each container's log in turn, in the order given
    /// (kubectl's: init containers, then containers, then ephemeral ones). With
    /// `prefix`, every line starts with `[pod/NAME/CONTAINER] `. `limitBytes` and `tail`
    /// apply to each container, as kubectl sends one request per container.
    public static func readAll(
        podDirectory: String, pod: String, containers: [String],
        _ options: LogOptions = LogOptions(), prefix: Bool = false,
        to emit: (LogLine) -> Bool
    ) throws(PodError) {
        var stopped = false
        for container in containers where !stopped {
            var perContainer = options
            if prefix { perContainer.prefix = LogPrefix.kubectl(pod: pod, container: container) }
            let reader = ContainerLogReader(podDirectory: podDirectory, pod: pod, container: container)
            try reader.read(perContainer) { line in
                stopped = !emit(line)
                return !stopped
            }
        }
    }
}
