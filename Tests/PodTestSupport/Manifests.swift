/// Manifests several test suites share.
public enum TestManifests {
    /// A busybox pod whose one container `app` sleeps ten minutes, stopped within a second.
    public static func sleeper(_ name: String) -> String {
        Harness.busyboxPod(name, container: "command: [\"sleep\", \"600\"]", named: "app")
    }
}
