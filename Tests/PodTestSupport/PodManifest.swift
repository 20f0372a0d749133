extension Harness {
    /// A one-container pod of the busybox test image (`loadBusybox`) named `c`; `container`
    /// holds the container's further fields, one per line, as YAML.
    public static func busyboxPod(_ name: String, container: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: c
            image: localhost/busybox:1
        \(container.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }
}
