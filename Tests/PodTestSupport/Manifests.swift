/// Manifests several test suites share.
public enum TestManifests {
    /// A busybox pod whose one container `app` sleeps ten minutes, stopped within a second.
    public static func sleeper(_ name: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - {name: app, image: "localhost/busybox:1", command: ["sleep", "600"]}
        """
    }
}
