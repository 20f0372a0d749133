import Testing
@testable import PodRuntime
@testable import PodSupervisor

/// The wire side of httpGet and grpc probes, without a network.
struct ProbeProtocolTests {
    @Test func theHTTPRequestIsTheKubeletsWithTheGivenHeaders() {
        let request = String(decoding: HTTPProbe.request(host: "10.88.0.2", port: 8080, path: "/healthz?x=1", headers: [["X-Probe", "a\r\nb"]]), as: UTF8.self)
        #expect(request == "GET /healthz?x=1 HTTP/1.1\r\nHost: 10.88.0.2:8080\r\nUser-Agent: kube-probe/1.33\r\nAccept: */*\r\nX-Probe: ab\r\nConnection: close\r\n\r\n")
        let custom = String(decoding: HTTPProbe.request(host: "10.88.0.2", port: 80, path: "/", headers: [["Host", "example"]]), as: UTF8.self)
        #expect(custom.contains("Host: example\r\n") && !custom.contains("Host: 10.88.0.2"))
    }

    @Test func statusCodesDecide() throws {
        func verdict(_ text: String) -> HTTPProbe.Verdict? {
            HTTPProbe.parse(Array(text.utf8)).map { HTTPProbe.verdict($0, host: "10.0.0.5", port: 8080) }
        }
        #expect(HTTPProbe.parse(Array("HTTP/1.1 200 OK\r\nContent-".utf8)) == nil, "headers incomplete")
        #expect(verdict("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") == .success("ok"))
        #expect(verdict("HTTP/1.0 399 Whatever\r\n\r\n") == .success(""))
        #expect(verdict("HTTP/1.1 500 Internal\r\n\r\nboom") == .failure("HTTP probe failed with statuscode: 500"))
        #expect(verdict("HTTP/1.1 302 Found\r\nLocation: /other\r\n\r\n") == .follow(path: "/other"))
        #expect(verdict("HTTP/1.1 301 Moved\r\nlocation: http://10.0.0.5:8080/x\r\n\r\n") == .follow(path: "/x"))
        #expect(verdict("HTTP/1.1 302 Found\r\nLocation: http://elsewhere/\r\n\r\nbye") == .successWithWarning("Probe terminated redirects, Response body: bye"))
        #expect(verdict("garbage\r\n\r\n") == .failure("malformed HTTP response"))
    }

    @Test func theGRPCRequestIsAHealthCheckOverH2C() {
        let bytes = GRPCHealth(authority: "10.88.0.2:9000", service: "db").request()
        #expect(Array(bytes.prefix(24)) == GRPCHealth.preface)
        // SETTINGS (empty), then HEADERS on stream 1 with END_HEADERS.
        #expect(Array(bytes[24..<33]) == [0, 0, 0, 4, 0, 0, 0, 0, 0])
        #expect(bytes[36] == 1 && bytes[37] == 4 && bytes[41] == 1)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("/grpc.health.v1.Health/Check") && text.contains("application/grpc") && text.contains("10.88.0.2:9000"))
        // The DATA frame ends the stream with HealthCheckRequest{service: "db"}.
        #expect(Array(bytes.suffix(4 + 5 + 9)) == [0, 0, 9, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62])
    }

    @Test func theServingStatusDecides() {
        let health = GRPCHealth(authority: "a:1", service: "")
        let settings = GRPCHealth.frame(type: 4, flags: 0, stream: 0, [])
        let headers = GRPCHealth.frame(type: 1, flags: 4, stream: 1, [0x88])
        func data(_ status: UInt8?) -> [UInt8] {
            let body: [UInt8] = status.map { [0x08, $0] } ?? []
            return GRPCHealth.frame(type: 0, flags: 0, stream: 1, [0, 0, 0, 0, UInt8(body.count)] + body)
        }
        #expect(health.interpret(settings + headers, ended: false) == nil, "more is needed")
        #expect(health.interpret(settings + headers + data(1), ended: false) == .success(""))
        #expect(health.interpret(settings + headers + data(2), ended: false) == .failure("service unhealthy (responded with \"NOT_SERVING\")"))
        #expect(health.interpret(settings + headers + data(nil), ended: false) == .failure("service unhealthy (responded with \"UNKNOWN\")"))
        #expect(health.interpret(settings + GRPCHealth.frame(type: 1, flags: 5, stream: 1, [0x88]), ended: false)?.succeeded == false, "trailers only: no message")
        #expect(health.interpret(settings, ended: true)?.succeeded == false)
    }
}

import Foundation

/// A pod started by an older podctl keeps working after an upgrade: its container plans
/// have no `health`, and they must still decode (exec and reload read them).
struct RunPlanCompatibilityTests {
    @Test func aContainerPlanWithoutProbesDecodes() throws {
        var plan = ContainerPlan.empty
        plan.name = "web"
        plan.health = ContainerHealthPlan()
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any])
        #expect(object.removeValue(forKey: "health") != nil)
        let decoded = try JSONDecoder().decode(ContainerPlan.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.name == "web" && decoded.health == nil)
    }
}
