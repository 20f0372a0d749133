import Foundation
import PodTestSupport
import Testing

/// downwardAPI and projected volumes against real pods (#19): the files' contents and
/// modes, and label edits reaching them in place, with no container restart.
@Suite(.serialized) struct ProjectedVolumeTests {
    static let pod = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {greeting: hello}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: creds}
        stringData: {password: s3cret}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: dw
          labels: {app: web, tier: LABEL}
          annotations: {note: 'say "hi"'}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: c
            image: localhost/busybox:1
            command: [sleep, "1000"]
            resources: {limits: {cpu: 500m}}
            volumeMounts:
            - {name: podinfo, mountPath: /podinfo}
            - {name: bundle, mountPath: /bundle}
          volumes:
          - name: podinfo
            downwardAPI:
              items:
              - {path: labels, fieldRef: {fieldPath: metadata.labels}}
              - {path: annotations, fieldRef: {fieldPath: metadata.annotations}}
              - {path: name, fieldRef: {fieldPath: metadata.name}, mode: 0400}
              - {path: meta/namespace, fieldRef: {fieldPath: metadata.namespace}}
              - {path: cpu, resourceFieldRef: {containerName: c, resource: limits.cpu, divisor: 1m}}
          - name: bundle
            projected:
              defaultMode: 0440
              sources:
              - configMap: {name: settings, items: [{key: greeting, path: cm/greeting}]}
              - secret: {name: creds, items: [{key: password, path: pw, mode: 0400}]}
              - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
        """

    static func read(_ harness: Harness, _ path: String) throws -> String {
        try harness.run(["exec", "dw", "--", "cat", path]).stdout
    }

    static func mode(_ harness: Harness, _ path: String) throws -> String {
        try harness.run(["exec", "dw", "--", "stat", "-L", "-c", "%a", path]).stdout
    }

    @Test(.needsRoot) func downwardAPIFilesShowThePodAndFollowItsLabels() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod.replacingOccurrences(of: "LABEL", with: "frontend"))
        try harness.waitForRunning("dw", containers: ["c"])
        #expect(try Self.read(harness, "/podinfo/labels") == "app=\"web\"\ntier=\"frontend\"")
        #expect(try Self.read(harness, "/podinfo/annotations") == "note=\"say \\\"hi\\\"\"")
        #expect(try Self.read(harness, "/podinfo/name") == "dw")
        #expect(try Self.read(harness, "/podinfo/meta/namespace") == "default")
        #expect(try Self.read(harness, "/podinfo/cpu") == "500")
        #expect(try Self.mode(harness, "/podinfo/name") == "400\n")
        #expect(try Self.mode(harness, "/podinfo/labels") == "644\n")
        let pid = try harness.containerPID("dw", "c")

        #expect(try harness.run(["label", "pod", "dw", "tier=db", "--overwrite"]).status == 0)
        try harness.waitFor("labels file updated") { try Self.read(harness, "/podinfo/labels") == "app=\"web\"\ntier=\"db\"" }
        try harness.waitFor("projected labels updated") { try Self.read(harness, "/bundle/labels") == "app=\"web\"\ntier=\"db\"" }
        #expect(try Self.read(harness, "/bundle/cm/greeting") == "hello", "the projected ConfigMap file is kept")
        #expect(try harness.containerPID("dw", "c") == pid, "no restart")

        try harness.apply(Self.pod.replacingOccurrences(of: "LABEL", with: "cache"))
        try harness.waitFor("re-applied labels") { try Self.read(harness, "/podinfo/labels") == "app=\"web\"\ntier=\"cache\"" }
        #expect(try harness.containerPID("dw", "c") == pid, "a metadata-only re-apply restarts nothing")
        try harness.run(["delete", "pod", "dw", "--now"])
    }

    @Test(.needsRoot) func projectedVolumeBundlesConfigMapSecretAndDownwardAPI() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod.replacingOccurrences(of: "LABEL", with: "frontend"))
        try harness.waitForRunning("dw", containers: ["c"])
        #expect(try Self.read(harness, "/bundle/cm/greeting") == "hello")
        #expect(try Self.mode(harness, "/bundle/cm/greeting") == "440\n", "defaultMode")
        #expect(try Self.read(harness, "/bundle/pw") == "s3cret")
        #expect(try Self.mode(harness, "/bundle/pw") == "400\n", "the item's mode")
        #expect(try Self.read(harness, "/bundle/labels") == "app=\"web\"\ntier=\"frontend\"")
        #expect(try harness.run(["exec", "dw", "--", "touch", "/bundle/x"]).status != 0, "projected volumes are read-only")
        try harness.run(["delete", "pod", "dw", "--now"])
    }
}
