extension Harness {
    /// A one-container pod of the busybox test image (`loadBusybox`), its container named
    /// `c` unless `named` says otherwise; `container` holds the container's further
    /// fields, one per line, as YAML. It stops within a second.
    public static func busyboxPod(_ name: String, container: String, named containerName: String = "c") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: \(containerName)
            image: localhost/busybox:1
        \(container.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }
}
