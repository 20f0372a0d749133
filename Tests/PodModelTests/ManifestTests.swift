import Foundation
import Testing
@testable import PodModel

@Suite struct ManifestTests {
    @Test(arguments: ["web.yaml", "stack.yaml", "job.yaml"])
    func examplePodsAreValidWithoutWarnings(_ name: String) throws {
        let text = try String(contentsOf: Fixtures.repository.appendingPathComponent("pods/\(name)"), encoding: .utf8)
        let set = Manifest.parse(text, source: name)
        #expect(set.errorLines == [])
        #expect(set.warningLines == [])
        #expect(!set.pods.isEmpty)
    }

    @Test(arguments: ["valid/sidecar.yaml", "valid/init-containers.yaml", "valid/probes.yaml", "valid/list.json", "kitchen-sink.yaml"])
    func kubernetesStyleManifestsAreValid(_ name: String) throws {
        let set = Manifest.parse(try Fixtures.text(name), source: name)
        #expect(set.errorLines == [])
        #expect(set.isValid)
    }

    @Test func yamlAndJSONGiveTheSameModel() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: same, labels: {a: "1"}}
            spec:
              containers:
              - name: c
                image: busybox:1
                ports: [{containerPort: 80, hostPort: 8080}]
                resources: {limits: {cpu: 1, memory: 64Mi}}
            """
        let json = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "same", "labels": {"a": "1"}},
             "spec": {"containers": [{"name": "c", "image": "busybox:1",
               "ports": [{"containerPort": 80, "hostPort": 8080}],
               "resources": {"limits": {"cpu": 1, "memory": "64Mi"}}}]}}
            """
        let fromYAML = Manifest.parse(yaml, source: "a.yaml")
        let fromJSON = Manifest.parse(json, source: "a.json")
        #expect(fromYAML.isValid && fromJSON.isValid)
        #expect(fromYAML.pods == fromJSON.pods)
        #expect(fromYAML.pods.first?.spec?.containers?.first?.resources?.limits?["cpu"]?.milliValue == 1000)
    }

    @Test func multiDocumentFileAndListItemsAreAllRead() throws {
        let text = """
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec: {containers: [{name: c, image: busybox:1}]}
            ---
            # an empty document is skipped, as kubectl skips it
            ---
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: c, image: busybox:1}]}}
            - {apiVersion: v1, kind: Pod, metadata: {name: c}, spec: {containers: [{name: c, image: busybox:1}]}}
            """
        let set = Manifest.parse(text, source: "multi.yaml")
        #expect(set.isValid)
        #expect(set.pods.map(\.name) == ["a", "b", "c"])
        #expect(set.objects.map(\.location) == ["multi.yaml, document 1", "multi.yaml, document 2, item 1", "multi.yaml, document 2, item 2"])
    }

    @Test func errorsNameTheDocumentTheyComeFrom() {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: good}
            spec: {containers: [{name: c, image: busybox:1}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: bad}
            spec: {containers: [{name: c}]}
            """
        let set = Manifest.parse(text, source: "two.yaml")
        #expect(set.errorLines == ["two.yaml, document 2: Pod \"bad\" is invalid: spec.containers[0].image: Required value"])
    }

    @Test func unsupportedKindsAndBrokenYAMLAreDocumentErrors() {
        #expect(errorLines("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n") == [
            "test.yaml: podctl applies v1 Pod, ConfigMap, Secret, PersistentVolumeClaim and List; \"apps/v1 Deployment\" is not one of them (a Deployment or Job runs here as the Pod of its template)",
        ])
        #expect(errorLines("metadata: {name: x}\n").first?.contains("Object 'Kind' is missing") == true)
        let broken = errorLines("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n")
        #expect(broken.count == 1 && broken[0].hasPrefix("test.yaml: error parsing YAML:"))
        #expect(errorLines("") == ["test.yaml: no objects passed to apply"])
        #expect(errorLines("- a\n- b\n") == ["test.yaml: expected an object with apiVersion and kind, found a list"])
    }

    @Test func namespaceFromTheCommandLineFillsInButNeverOverrides() {
        let plain = containerYAML()
        let set = Manifest.parse(plain, source: "p.yaml", namespace: "team")
        #expect(set.pods.first?.namespace == "team")
        let named = plain.replacingOccurrences(of: "name: t\n", with: "name: t\n  namespace: other\n")
        let refused = Manifest.parse(named, source: "p.yaml", namespace: "team")
        #expect(refused.errorLines.first?.contains("metadata.namespace: Invalid value: \"other\": the namespace from the provided object does not match the namespace \"team\"") == true)
        #expect(Manifest.parse(plain, source: "p.yaml").pods.first?.namespace == "default")
    }

    @Test func duplicateObjectsInOneApplyAreRefused() {
        let pod = containerYAML()
        #expect(errorLines(pod + "\n---\n" + pod) == ["metadata.name: Duplicate value: \"t\""])
    }

    @Test func configMapsAndSecretsNeedNotBeInTheSameApply() {
        // A reference is resolved at create: against the stored objects, else the pod waits (D58).
        let pod = containerYAML("envFrom:\n- configMapRef: {name: settings}")
        #expect(errorLines(pod) == [])
        let references = Manifest.references(of: Manifest.parse(pod, source: "p.yaml").pods[0])
        #expect(references.map(\.name) == ["settings"])
        #expect(references.first?.use == .envFrom(container: "c"))
    }

    @Test func typeErrorsAreReportedForEveryFieldWithTheirPaths() {
        let yaml = containerYAML("ports:\n- containerPort: \"80\"\n- containerPort: 99999999999\nstdin: yes-please\ntty: on")
        #expect(errorLines(yaml) == [
            "spec.containers[0].ports[0].containerPort: Invalid value: \"80\": must be an integer, not a string",
            "spec.containers[0].ports[1].containerPort: Invalid value: 99999999999: must fit in a 32-bit integer",
            "spec.containers[0].stdin: Invalid value: \"yes-please\": must be a boolean, not a string",
        ])
    }

    @Test func oneBadContainerDoesNotHideTheNext() {
        let yaml = podYAML(spec: "containers:\n- name: a\n  image: x\n  args: 5\n- name: b\n  image: y\n  command: {a: 1}")
        #expect(errorLines(yaml) == [
            "spec.containers[0].args: Invalid value: 5: must be a list, not an integer",
            "spec.containers[1].command: Invalid value: {…}: must be a list, not an object",
        ])
    }

    @Test func duplicateKeysAreAnErrorWithTheirLine() {
        // libyaml (through Yams) refuses duplicate keys, as the API server's strict decoding does.
        let yaml = containerYAML("image: busybox:2")
        #expect(errorLines(yaml) == ["test.yaml: error parsing YAML: line 8, column 5: duplicate key \"image\" in one mapping"])
    }
}
