import Testing
@testable import PodModel

@Suite struct DefaultingTests {
    func pod(_ yaml: String) throws -> Pod {
        let set = Manifest.parse(yaml, source: "d.yaml")
        #expect(set.errorLines == [])
        return try #require(set.pods.first)
    }

    @Test func podDefaultsMatchTheAPIServer() throws {
        let pod = try pod(containerYAML())
        #expect(pod.namespace == "default")
        #expect(pod.spec?.restartPolicy == "Always")
        #expect(pod.spec?.terminationGracePeriodSeconds == 30)
        #expect(pod.spec?.dnsPolicy == "ClusterFirst")
        #expect(pod.spec?.securityContext == PodSecurityContext())
        let container = try #require(pod.spec?.containers?.first)
        #expect(container.terminationMessagePath == "/dev/termination-log")
        #expect(container.terminationMessagePolicy == "File")
    }

    @Test(arguments: [
        ("busybox", "Always"), ("busybox:latest", "Always"), ("busybox:1.36", "IfNotPresent"),
        ("localhost:5000/busybox", "Always"), ("localhost:5000/busybox:1", "IfNotPresent"),
        ("busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000", "IfNotPresent"),
        ("busybox:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000", "Always"),
    ])
    func imagePullPolicyFollowsTheTag(_ image: String, _ policy: String) throws {
        let pod = try pod(podYAML(spec: "containers:\n- name: c\n  image: \"\(image)\""))
        #expect(pod.spec?.containers?.first?.imagePullPolicy == policy)
    }

    @Test func probeAndPortDefaults() throws {
        let pod = try pod(containerYAML("ports: [{containerPort: 80, name: http}]\nlivenessProbe: {httpGet: {port: http}, timeoutSeconds: 0}"))
        let container = try #require(pod.spec?.containers?.first)
        #expect(container.ports?.first?.protocol == "TCP")
        #expect(container.ports?.first?.hostPort == nil)
        let probe = try #require(container.livenessProbe)
        #expect(probe.timeoutSeconds == 1 && probe.periodSeconds == 10 && probe.successThreshold == 1 && probe.failureThreshold == 3)
        #expect(probe.initialDelaySeconds == nil)
        #expect(probe.httpGet?.path == "/" && probe.httpGet?.scheme == "HTTP")
    }

    @Test func hostNetworkCopiesContainerPortToHostPort() throws {
        let pod = try pod(containerYAML("ports: [{containerPort: 9090}]", podSpec: "hostNetwork: true\n"))
        #expect(pod.spec?.containers?.first?.ports?.first?.hostPort == 9090)
    }

    @Test func limitsBecomeRequestsWhereNoneAreGiven() throws {
        let pod = try pod(containerYAML("resources: {limits: {cpu: 500m, memory: 64Mi}, requests: {cpu: 100m}}"))
        let resources = try #require(pod.spec?.containers?.first?.resources)
        #expect(resources.requests == ["cpu": Quantity("100m"), "memory": Quantity("64Mi")])
    }

    @Test func volumeWithoutSourceIsEmptyDirAndProjectionsGetMode0644() throws {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n---\n" + containerYAML(podSpec: "volumes: [{name: v}, {name: m, configMap: {name: m}}]\n")
        let set = Manifest.parse(yaml, source: "d.yaml")
        let volumes = try #require(set.pods.first?.spec?.volumes)
        #expect(volumes[0].emptyDir == EmptyDirVolumeSource())
        #expect(volumes[1].configMap?.defaultMode == 0o644)
    }

    @Test func fieldRefGetsItsAPIVersion() throws {
        let pod = try pod(containerYAML("env: [{name: N, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]"))
        #expect(pod.spec?.containers?.first?.env?.first?.valueFrom?.fieldRef?.apiVersion == "v1")
    }
}
