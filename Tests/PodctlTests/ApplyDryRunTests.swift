import Foundation
import PodModel
import PodTestSupport
import Testing

@Suite struct ApplyDryRunTests {
    @Test func everyExamplePodValidates() throws {
        let expected = [
            "pods/job.yaml": ["pod/report created (dry run)"],
            "pods/app-waits-for-db.yaml": ["pod/database created (dry run)", "pod/shop created (dry run)"],
            "pods/stack.yaml": ["configmap/app-config created (dry run)", "pod/db created (dry run)", "pod/cache created (dry run)", "pod/app created (dry run)"],
            "pods/web.yaml": ["pod/web created (dry run)"],
        ]
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.repository.appendingPathComponent("pods").path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files.map { "pods/" + $0 }) == Set(expected.keys), "every example in pods/ has an expectation here")
        for (file, lines) in expected {
            let result = try CLI.run(["apply", "--dry-run", "-f", file])
            #expect(result.status == 0, "\(file): \(result.stderr)")
            #expect(result.stdoutLines == lines)
            #expect(result.stderr == "")
        }
    }

    @Test func aBrokenManifestExitsOneWithEveryErrorAndItsPath() throws {
        let manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: broken
            spec:
              containers:
              - name: web
                image: busybox:1
                ports:
                - containerPort: 70000
              - name: web
                ports:
                - containerPort: "80"
            """
        let result = try CLI.run(["apply", "--dry-run", "-f", "-"], stdin: manifest)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrLines == [
            "error: <stdin>: Pod \"broken\" is invalid: spec.containers[1].ports[0].containerPort: Invalid value: \"80\": must be an integer, not a string",
            "error: <stdin>: Pod \"broken\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "error: <stdin>: Pod \"broken\" is invalid: spec.containers[1].name: Duplicate value: \"web\"",
            "error: <stdin>: Pod \"broken\" is invalid: spec.containers[1].image: Required value",
            "error: 4 error(s): nothing was applied",
        ])
    }

    @Test func kubectlDryRunSpellingsAreAccepted() throws {
        for flag in ["--dry-run", "--dry-run=client", "--dry-run=server"] {
            let result = try CLI.run(["apply", flag, "-f", "pods/web.yaml"])
            #expect(result.status == 0 && result.stdout == "pod/web created (dry run)\n", "\(flag): \(result.stderr)")
        }
    }

    @Test func warningsGoToStandardErrorAndDoNotFail() throws {
        let manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  nodeSelector: {a: b}\n  containers: [{name: c, image: x, colour: red}]\n"
        let result = try CLI.run(["apply", "--dry-run", "-f", "-"], stdin: manifest)
        #expect(result.status == 0)
        #expect(result.stderrLines == [
            "Warning: <stdin>: field \"spec.nodeSelector\" is ignored: no scheduler: podctl runs every pod on this host",
            "Warning: <stdin>: unknown field \"spec.containers[0].colour\"",
        ])
    }

    @Test func outputJSONRoundTripsThroughTheDecoder() throws {
        let result = try CLI.run(["apply", "--dry-run", "-f", "pods/web.yaml", "-o", "json"])
        #expect(result.status == 0)
        let again = Manifest.parse(result.stdout, source: "out.json")
        let original = Manifest.parse(try String(contentsOf: CLI.repository.appendingPathComponent("pods/web.yaml"), encoding: .utf8), source: "web.yaml")
        #expect(again.errorLines == [] && again.warningLines == [])
        #expect(again.pods == original.pods)
        let yaml = try CLI.run(["apply", "--dry-run", "-f", "pods/stack.yaml", "-o", "yaml"])
        #expect(Manifest.parse(yaml.stdout, source: "out.yaml").objects.map(\.resourceName) == ["configmap/app-config", "pod/db", "pod/cache", "pod/app"])
    }

    /// A missing `localhost/` image makes a waiting pod, as a kubelet's ErrImagePull
    /// (D31, D58): apply warns with how to load it and exits 0; delete leaves nothing.
    @Test func applyOfAMissingImageWarnsAndDeleteLeavesNoState() throws {
        let state = TemporaryDirectory("podctl-cli")
        let root = state.path
        let result = try CLI.run(["apply", "-f", "pods/web.yaml"], root: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Warning: pod/web: container"), "\(result.stderr)")
        #expect(result.stderr.contains("ErrImagePull") && result.stderr.contains("podctl image load"), "\(result.stderr)")
        let deleted = try CLI.run(["delete", "pod", "web", "--now"], root: root)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let pods = (try? FileManager.default.contentsOfDirectory(atPath: root + "/lib/pods")) ?? []
        #expect(pods.isEmpty, "delete leaves no pod state")
    }

    @Test func badArgumentsAreClearErrors() throws {
        let missing = try CLI.run(["apply", "--dry-run", "-f", "no/such/file.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: the path \"no/such/file.yaml\" does not exist\n")
        let noFile = try CLI.run(["apply", "--dry-run"])
        #expect(noFile.status == 64)
        #expect(noFile.stderr.contains("give at least one manifest with -f FILE"))
        let mismatch = try CLI.run(["apply", "--dry-run", "-n", "team", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: prod}\nspec: {containers: [{name: c, image: x}]}\n")
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("pass --namespace=prod to apply it"))
        let badRoot = try CLI.run(["apply", "--dry-run", "--root", "relative/dir", "-f", "pods/web.yaml"])
        #expect(badRoot.status == 1)
        #expect(badRoot.stderr.contains("--root must be an absolute path"))
    }
}

@Suite struct CommandTreeTests {
    @Test func versionPrintsTheVersion() throws {
        let result = try CLI.run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("podctl 0.1.0 linux/"))
        let json = try CLI.run(["version", "-o", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String]
        #expect(object?["podctl"] == "0.1.0")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsAreGenerated(_ shell: String) throws {
        let result = try CLI.run(["completion", shell])
        #expect(result.status == 0)
        #expect(result.stdout.contains("apply"))
    }

    @Test func topIsInTheCommandTree() throws {
        let result = try CLI.run(["top", "pod", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--containers"))
    }
}
