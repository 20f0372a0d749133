import Foundation
import PodCore
import PodJSON
import PodLaunch
@testable import PodRuntime
import PodTestSupport
import Testing

/// The supervisor decodes and encodes with PodJSON, the CLI with Foundation (D55): a run
/// plan written by podctl (Store.write: Foundation, pretty, sorted keys, as older podctl
/// wrote it too) is what the supervisor reads, and the status the supervisor writes is
/// what get, describe and wait read.
@Suite struct PlanCodecCompatibilityTests {
    static func plan() -> RunPlan {
        var web = ContainerPlan.empty
        web.name = "web"
        web.argv = ["/bin/sh", "-c", "echo \"é\\n\" \u{1}"]
        web.env = ["A=1"]
        web.uid = UInt32.max
        web.health = ContainerHealthPlan()
        web.oomScoreAdj = -997
        web.stdinOnce = true
        return RunPlan(namespace: "default", name: "web", uid: "0a1b", hostname: "web", sharePID: false, restartPolicy: "Always",
                       terminationGracePeriodSeconds: Int64.max, activeDeadlineSeconds: 30, sandboxMounts: [], sysctls: ["net.ipv4.ip_forward=0"],
                       initContainers: [], containers: [web], helperPath: "/h", pausePath: "/p", initPath: "/i", statusPath: "/s",
                       logDirectory: "/l", containerDirectory: "/c",
                       network: NetworkPlan(hostNetwork: false, root: "/r", bridge: "podctl0", subnet: "10.88.0.0/16", podIP: "10.88.0.2",
                                            ports: [PortPlan(proto: "TCP", hostPort: 8080, containerPort: 80)]),
                       restored: RestoredState(containers: ["web": RestoredContainer(restartCount: 2, lastState: .terminated(exitCode: 255, signal: nil, reason: "Unknown", message: nil, startedAt: nil, finishedAt: "2026-12-02T00:00:00Z"))], events: []))
    }

    @Test func theSupervisorReadsARunPlanFoundationWrote() throws {
        let directory = try TemporaryDirectory.make("plan-codec")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let path = directory + "/runplan.json"
        try encoder.encode(Self.plan()).write(to: URL(fileURLWithPath: path))
        #expect(try RunPlan.read(from: path) == Self.plan())
    }

    @Test func theCLIReadsAStatusTheSupervisorWrote() throws {
        var status = PodStatusRecord()
        status.phase = "Running"
        status.supervisorPID = 42
        status.containers = [ContainerStatusRecord(name: "web", image: "localhost/busybox:1", imageID: "sha256:00")]
        status.containers[0].state = .terminated(exitCode: 137, signal: 9, reason: "OOMKilled", message: "line\n\"two\"", startedAt: nil, finishedAt: "2026-12-02T00:00:00Z")
        status.record(.warning, "BackOff", "Back-off restarting failed container web", object: "spec.containers{web}")
        let bytes = try PodJSON.encode(status)
        #expect(try JSONDecoder().decode(PodStatusRecord.self, from: Data(bytes)) == status)
    }

    @Test func aDamagedRunPlanIsNamedWithItsPathAndTheWayOut() throws {
        let directory = try TemporaryDirectory.make("plan-codec")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/runplan.json"
        try Data(#"{"namespace":"default","name":7}"#.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try RunPlan.read(from: path)
            Issue.record("a damaged run plan decoded")
        } catch {
            #expect(error.code == .corruptState)
            #expect(error.description.contains(path))
            #expect(error.description.contains("podctl delete"))
        }
        #expect(throws: PodError.self) { try RunPlan.read(from: directory + "/missing.json") }
    }

    @Test func theNetworkMessagesRoundTrip() throws {
        let request = NetworkRequest(op: .attach, namespace: "default", name: "web", pausePID: 7, network: Self.plan().network!)
        #expect(try PodJSON.decode(NetworkRequest.self, from: PodJSON.encode(request), source: "test") == request)
        let reply = NetworkReply(failureReason: NetworkReply.hostPortConflict, message: "hostPort 8080 is taken")
        #expect(try PodJSON.decode(NetworkReply.self, from: PodJSON.encode(reply), source: "test") == reply)
    }
}
