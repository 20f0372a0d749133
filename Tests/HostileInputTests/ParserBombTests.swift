import Foundation
import PodModel
import PodTestSupport
import Testing

/// Issue #14, finding 4: a manifest of a few hundred bytes whose aliases expand
/// exponentially ("billion laughs") drove `apply --dry-run` past 8 GB. The real podctl
/// must refuse it at once; times are measured with a generous bound that only proves
/// there is no hang (the limit's own cost is linear in the text).
@Suite(.serialized) struct ParserBombTests {
    /// `levels` anchors, each a list of `fan` aliases of the one before: fan^levels nodes.
    static func aliasBomb(levels: Int, fan: Int) -> String {
        var lines = ["apiVersion: v1", "kind: Pod", "metadata:", "  name: bomb", "  annotations:", "    x0: &a0 [\"lol\"]"]
        for level in 1..<levels {
            lines.append("    x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: fan).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs `podctl apply --dry-run -f <file>` and returns the result and the seconds taken.
    private func dryRun(_ harness: Harness, _ manifest: [UInt8]) throws -> (Harness.Result, Double) {
        let file = harness.base + "/manifest.yaml"
        try Data(manifest).write(to: URL(fileURLWithPath: file))
        let start = Date()
        let result = try harness.run(["apply", "--dry-run", "-f", file])
        return (result, Date().timeIntervalSince(start))
    }

    @Test(.needsRoot, arguments: [(10, 9), (8, 9)])
    func aliasBombIsRefusedQuickly(levels: Int, fan: Int) throws {
        let harness = try Harness()
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let (result, seconds) = try dryRun(harness, Array(Self.aliasBomb(levels: levels, fan: fan).utf8))
        #expect(result.status != 0)
        #expect(result.stderr.contains("alias bomb"), "\(result.stderr)")
        #expect(seconds < 5, "the \(levels)×\(fan) bomb took \(seconds) s")
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    @Test(.needsRoot) func oversizedManifestIsRefusedBeforeParsing() throws {
        let harness = try Harness()
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let comment = Array("# ".utf8) + Array(repeating: UInt8(ascii: "x"), count: ManifestLimits.maxBytes)
        let (result, _) = try dryRun(harness, Array("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\n".utf8) + comment)
        #expect(result.status != 0)
        #expect(result.stderr.contains("larger than 3 MiB"), "\(result.stderr)")
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    @Test(.needsRoot) func aFewAliasesAreStillAccepted() throws {
        let harness = try Harness()
        let manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: anchors
              labels: &labels {app: web}
              annotations: *labels
            spec:
              containers:
              - name: a
                image: busybox
                env: &env [{name: MODE, value: prod}, {name: LEVEL, value: "3"}]
              - name: b
                image: busybox
                env: *env
            """
        let (result, _) = try dryRun(harness, Array(manifest.utf8))
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Mapping keys are hashed by Yams while it composes (its duplicate-key check): an
    /// alias bomb as a key must be refused before that hash walks it.
    @Test func aliasBombAsMappingKeyIsRefused() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let bomb = Self.aliasBomb(levels: 10, fan: 9) + "    ? *a9\n    : 1\n"
        let start = Date()
        let set = Manifest.parse(bomb, source: "key.yaml")
        #expect(set.documentErrors.contains { $0.contains("alias bomb") }, "\(set.documentErrors)")
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    /// The allowance is one apply's, not one file's: files that each stay under it
    /// cannot add up past it.
    @Test func aliasAllowanceIsSharedByTheFilesOfOneApply() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        // Six levels of eleven: aliases add 372,020 nodes, over half the limit.
        let half = Self.aliasBomb(levels: 6, fan: 11)
        #expect(Manifest.parse([("one.yaml", half)]).documentErrors.allSatisfy { !$0.contains("alias bomb") })
        let both = Manifest.parse([("one.yaml", half), ("two.yaml", half)])
        #expect(both.documentErrors.contains { $0.hasPrefix("two.yaml") && $0.contains("alias bomb") }, "\(both.documentErrors)")
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }
}
