import Foundation
import PodModel
import Testing
@testable import PodRuntime

/// The waiting decision of D58 without root: what a pod whose references are missing
/// waits for, in the kubelet's words, and the status `get` shows for it.
@Suite struct CreateWaitsTests {
    static func pod(_ yaml: String) throws -> Pod {
        let set = Manifest.parse(yaml, source: "test.yaml")
        #expect(set.errorLines.isEmpty, "\(set.errorLines)")
        return try #require(set.pods.first)
    }

    /// A pod of one container with these volumes (a YAML list, block or flow).
    static func pod(volumes: String) throws -> Pod {
        let list = volumes.hasPrefix("[") ? " " + volumes : "\n" + volumes.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        return try pod("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox:1}]\n  volumes:" + list + "\n")
    }

    static let envPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: team}
        spec:
          containers:
          - name: a
            image: busybox:1
            env:
            - {name: K, valueFrom: {configMapKeyRef: {name: cfg, key: k}}}
            - {name: S, valueFrom: {secretKeyRef: {name: creds, key: pw}}}
          - name: b
            image: busybox:1
            envFrom: [{secretRef: {name: creds}}, {configMapRef: {name: gone, optional: true}}]
        """

    static func map(_ name: String, _ data: [String: String]) -> ConfigMap {
        ConfigMap(name: name, namespace: "team", data: data, binaryData: [:])
    }

    @Test func missingObjectsAndKeysAreTheKubeletsMessages() throws {
        let pod = try Self.pod(Self.envPod)
        let none = CreateWaits.configWaits(pod, configMaps: [:], secrets: [:])
        #expect(none.containers == [
            .init(container: "b", message: "secret \"creds\" not found"),
            .init(container: "a", message: "configmap \"cfg\" not found"),
        ])
        let keyless = CreateWaits.configWaits(pod, configMaps: ["cfg": Self.map("cfg", ["other": "x"])], secrets: [:])
        #expect(keyless.containers.first { $0.container == "a" }?.message == "couldn't find key k in ConfigMap team/cfg")
        let secret = Secret(name: "creds", namespace: "team", type: "Opaque", data: ["user": "dQ=="])
        let secretKey = CreateWaits.configWaits(pod, configMaps: ["cfg": Self.map("cfg", ["k": "v"])], secrets: ["creds": secret])
        #expect(secretKey.containers == [.init(container: "a", message: "couldn't find key pw in Secret team/creds")])
        let full = Secret(name: "creds", namespace: "team", type: "Opaque", data: ["pw": "cA=="])
        #expect(CreateWaits.configWaits(pod, configMaps: ["cfg": Self.map("cfg", ["k": "v"])], secrets: ["creds": full]).isEmpty)
    }

    @Test func volumesFailTheirMountAndOptionalOnesNeverWait() throws {
        let pod = try Self.pod(volumes: """
            - {name: whole, configMap: {name: cfg}}
            - {name: some, configMap: {name: cfg, items: [{key: k, path: k}]}}
            - {name: maybe, secret: {secretName: nothing, optional: true}}
            """)
        let missing = CreateWaits.configWaits(pod, configMaps: [:], secrets: [:])
        #expect(missing.failedMounts == [
            "MountVolume.SetUp failed for volume \"whole\" : configmap \"cfg\" not found",
            "MountVolume.SetUp failed for volume \"some\" : configmap \"cfg\" not found",
        ])
        let keyless = CreateWaits.configWaits(pod, configMaps: ["cfg": Self.map("cfg", ["x": "1"])], secrets: [:])
        #expect(keyless.failedMounts == ["MountVolume.SetUp failed for volume \"some\" : configmap references non-existent config key: k"])
        let status = keyless.status(for: pod, previous: nil)
        #expect(status.phase == "Pending")
        #expect(status.containers.map(\.state) == [.waiting(reason: "ContainerCreating", message: nil)])
        #expect(status.events.map(\.reason) == ["FailedMount"])
    }

    @Test func theStatusShowsCreateContainerConfigErrorAndKeepsEarlierEvents() throws {
        let pod = try Self.pod(Self.envPod)
        let waits = CreateWaits.configWaits(pod, configMaps: [:], secrets: [:])
        let first = waits.status(for: pod, previous: nil)
        #expect(first.containers.map(\.state) == [
            .waiting(reason: "CreateContainerConfigError", message: "configmap \"cfg\" not found"),
            .waiting(reason: "CreateContainerConfigError", message: "secret \"creds\" not found"),
        ])
        #expect(first.events.map(\.message) == ["Error: secret \"creds\" not found", "Error: configmap \"cfg\" not found"])
        #expect(first.events.first?.object == "spec.containers{b}")
        let again = waits.status(for: pod, previous: first)
        #expect(again.events.map(\.count) == [2, 2])
        #expect(again.startTime == first.startTime)
    }

    @Test func anInitContainerThatWaitsHoldsTheOthersInPodInitializing() throws {
        let pod = try Self.pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              initContainers:
              - {name: setup, image: busybox:1, envFrom: [{configMapRef: {name: cfg}}]}
              - {name: later, image: busybox:1}
              containers: [{name: c, image: busybox:1}]
            """)
        let status = CreateWaits.configWaits(pod, configMaps: [:], secrets: [:]).status(for: pod, previous: nil)
        #expect(status.initContainers.map(\.state) == [
            .waiting(reason: "CreateContainerConfigError", message: "configmap \"cfg\" not found"),
            .waiting(reason: "PodInitializing", message: nil),
        ])
        #expect(status.containers.map(\.state) == [.waiting(reason: "PodInitializing", message: nil)])
    }

    @Test func aMissingClaimIsUnschedulableWithNoContainerStatuses() throws {
        let pod = try Self.pod(volumes: "[{name: d, persistentVolumeClaim: {claimName: data}}, {name: e, persistentVolumeClaim: {claimName: kept}}]")
        var waits = CreateWaits()
        waits.unschedulable = CreateWaits.claimWaits(pod) { $0 == "kept" }
        #expect(waits.unschedulable == ["0/1 nodes are available: persistentvolumeclaim \"data\" not found."])
        let status = waits.status(for: pod, previous: nil)
        #expect(status.reason == CreateWaits.unschedulableReason && status.containers.isEmpty)
        #expect(status.events.map(\.reason) == ["FailedScheduling"])
        let view = PodView(key: try .init(namespace: "default", name: "p"), manifest: pod, status: status, supervisorAlive: true,
                           paths: PodPaths(store: .init(roots: .init(root: "/nonexistent", runRoot: "/nonexistent-run")), key: try .init(namespace: "default", name: "p")))
        #expect(view.displayStatus == "Pending")
        #expect(view.waitingProblems == ["Unschedulable: 0/1 nodes are available: persistentvolumeclaim \"data\" not found."])
        #expect(view.condition("PodScheduled") == "False")
    }
}
