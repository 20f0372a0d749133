import Foundation
import Glibc
import PodTestSupport
import Testing

/// #14 finding 7: one damaged status.json or manifest.json never hides the other pods;
/// `get pods` lists the healthy ones and a row naming the damaged file, the message
/// suggests only commands that exist, and `delete` removes the damaged pod.
@Suite(.serialized) struct DamagedStateTests {
    static let damages: [(String, String)] = [("truncated", "{\"apiVersion\": \"v1\", \"kind"), ("garbage", "\u{1}\u{2}not json at all\u{ff}"), ("empty", "")]

    @Test(.needsRoot, arguments: ["manifest.json", "status.json"])
    func aDamagedPodGetsARowAndCanBeDeleted(file: String) throws {
        let harness = try Harness()
        try harness.loadBusybox()
        for (index, (_, content)) in Self.damages.enumerated() {
            try harness.apply(TestManifests.sleeper("healthy"))
            try harness.apply(TestManifests.sleeper("damaged"))
            try harness.waitForRunning("damaged", containers: ["app"])
            let directory = file == "manifest.json" ? harness.base + "/lib/pods/default/damaged" : harness.base + "/run/pods/default/damaged"
            try content.write(toFile: directory + "/" + file, atomically: false, encoding: .isoLatin1)

            let get = try harness.run(["get", "pods"])
            #expect(get.status == 0, "damage \(index): \(get.stderr)")
            #expect(get.stdout.contains("healthy "))
            #expect(get.stdout.contains("StateDamaged:\(file)"), "\(get.stdout)")
            try Self.expectSuggestedCommandsExist(get.stderr, harness)

            let one = try harness.run(["get", "pod", "damaged"])
            #expect(one.status == 2)
            try Self.expectSuggestedCommandsExist(one.stderr, harness)

            let delete = try harness.run(["delete", "pod", "damaged", "--grace-period", "1"])
            #expect(delete.status == 0, "\(delete.stderr)")
            #expect(!FileManager.default.fileExists(atPath: harness.base + "/lib/pods/default/damaged"))
            #expect(Self.supervisors(of: harness.base + "/lib/pods/default/damaged/").isEmpty, "the damaged pod's supervisor was stopped")
            #expect(try harness.run(["get", "pods"]).stdout.contains("healthy "))
        }
        try harness.run(["delete", "pod", "healthy", "--now"])
    }

    static func supervisors(of directory: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.filter { pid in
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return command.contains("pod-supervisor") && command.contains(directory)
        }
    }

    /// Every `podctl …` the message suggests is a command and options podctl has: its
    /// `--help` succeeds with the same words.
    static func expectSuggestedCommandsExist(_ message: String, _ harness: Harness) throws {
        #expect(!message.contains("--force"))
        for range in message.ranges(of: /podctl [a-z]+( [a-z]+)? [^;\n]*/) {
            let words = message[range].split(separator: " ").dropFirst().map(String.init)
            let options = words.filter { $0.hasPrefix("-") }
            let help = try harness.run(Array(words.prefix(1)) + ["--help"])
            #expect(help.status == 0, "podctl \(words.first ?? "") does not exist")
            for option in options { #expect(help.stdout.contains(option), "podctl \(words[0]) has no \(option)") }
        }
        #expect(message.contains("podctl delete pod damaged -n default"), "\(message)")
    }
}
