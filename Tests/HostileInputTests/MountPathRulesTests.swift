import PodLaunch
import PodModel
import Testing

/// The pieces under the path-escape suite that need no root: how a mountPath is cleaned
/// before it is judged, and that a subPath travels to pod-helper apart from its volume.
@Suite struct MountPathRulesTests {
    @Test(arguments: [
        ("/../../../../tmp/created-by-pod/sub", "/tmp/created-by-pod/sub"), ("/a/../proc", "/proc"), ("/", "/"),
        ("/..", "/"), ("/./dev/", "/dev"), ("//data//x/.", "/data/x"), ("/a/b/../../..", "/"),
    ])
    func mountPathsAreCleanedAsTheRootResolvesThem(_ written: String, _ cleaned: String) {
        #expect(MountPaths.cleaned(written) == cleaned)
    }

    @Test func aSubPathTravelsApartFromItsVolume() throws {
        var plan = ContainerLaunch()
        plan.mounts = [
            MountSpec(kind: .bind, source: "/var/lib/podctl/v", target: "/data", readOnly: true, subPath: "a/b|c"),
            MountSpec(kind: .bind, source: "/run/podctl/etc/hosts", target: "/etc/hosts"),
        ]
        #expect(try LaunchPlan.decode(LaunchPlan.container(plan).encoded()) == .container(plan))
    }
}
