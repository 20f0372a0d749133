import Foundation
import PodTestSupport
import Testing

/// #14 finding 9: `apply --dry-run` runs every check of apply that needs no side
/// effect, so both refuse the same manifest with the same message and exit code; a
/// quantity past what an int64 holds is refused, never clamped.
@Suite(.serialized) struct DryRunParityTests {
    static func pod(annotations: String = "{}", memory: String = "64Mi") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: parity
          annotations: \(annotations)
        spec:
          containers:
          - name: app
            image: localhost/busybox:1
            command: ["sleep", "600"]
            resources: {limits: {memory: "\(memory)"}}
        """
    }

    static let cases: [(String, String, String)] = [
        (pod(annotations: "{podctl.io/pids-limit: \"-5\"}"), "metadata.annotations[podctl.io/pids-limit]: Invalid value: \"-5\"", "the pids limit must be a positive number"),
        (pod(memory: "999999999999999999999Ei"), "spec.containers[0].resources.limits[memory]: Invalid value: \"999999999999999999999Ei\"", "must be less than or equal to 9223372036854775807"),
    ]

    @Test(.needsRoot, arguments: 0..<2)
    func dryRunRefusesWhatApplyRefuses(index: Int) throws {
        let harness = try Harness()
        let (manifest, field, message) = Self.cases[index]
        let dry = try harness.run(["apply", "--dry-run", "-f", "-"], stdin: manifest)
        let real = try harness.run(["apply", "-f", "-"], stdin: manifest)
        #expect(dry.status == 1, "\(dry.stdout)\(dry.stderr)")
        #expect(real.status == dry.status)
        for output in [dry.stderr, real.stderr] {
            #expect(output.contains(field), "\(output)")
            #expect(output.contains(message), "\(output)")
        }
        let firstLine = { (text: String) in text.split(separator: "\n").first.map(String.init) ?? "" }
        #expect(firstLine(dry.stderr) == firstLine(real.stderr))
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/lib/pods/default/parity"), "nothing was applied")
    }
}
