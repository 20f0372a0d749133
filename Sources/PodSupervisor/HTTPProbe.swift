import PodCore
import PodPlan


/// The HTTP of httpGet probes and hooks, as the kubelet's prober speaks it: one GET,
/// `Connection: close`, a `kube-probe` user agent; success is a status of 200–399.
/// Plain HTTP/1.x over a socket the supervisor polls (no threads, no client library).
enum HTTPProbe {
    /// The kubelet reads at most 10 KiB of a body for the probe's output.
    static let bodyLimit = 10 * 1024

    static func request(host: String, port: Int, path: String, headers: [[String]]) -> [UInt8] {
        var lines = ["GET \(path) HTTP/1.1"]
        let given = Set(headers.compactMap { $0.first?.lowercased() })
        if !given.contains("host") { lines.append("Host: \(host):\(port)") }
        if !given.contains("user-agent") { lines.append("User-Agent: kube-probe/1.33") }
        if !given.contains("accept") { lines.append("Accept: */*") }
        for header in headers where header.count == 2 && !header[0].isEmpty {
            // CR and LF would end the header early: drop them, as Go's client refuses them.
            // (By scalars: "\r\n" is one Character in Swift.)
            let value = String(String.UnicodeScalarView(header[1].unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
            lines.append("\(header[0]): \(value)")
        }
        lines.append("Connection: close")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    struct Response: Equatable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        static func == (a: Response, b: Response) -> Bool {
            a.status == b.status && a.body == b.body && a.headers.map { [$0.0, $0.1] } == b.headers.map { [$0.0, $0.1] }
        }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// The response once its header block is complete; nil while more is needed.
    static func parse(_ bytes: [UInt8]) -> Response? {
        guard let end = headerEnd(bytes) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            return Response(status: 0, headers: [], body: [])
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingWhitespace())
        }
        return Response(status: status, headers: headers, body: Array(bytes[(end + 4)...].prefix(bodyLimit)))
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    enum Verdict: Equatable {
        case success(String)
        case failure(String)
        /// A redirect to the same host: the kubelet follows it (Go's client, at most 10).
        case follow(path: String)
        /// A redirect elsewhere counts as success, with a warning event (ProbeWarning).
        case successWithWarning(String)
    }

    static func verdict(_ response: Response, host: String, port: Int) -> Verdict {
        let body = String(decoding: response.body, as: UTF8.self)
        if (300..<400).contains(response.status), let location = response.header("Location") {
            if location.hasPrefix("/") { return .follow(path: location) }
            // The same host and port, spelled with the port or, for 80, without it.
            let sameHost = ["http://\(host):\(port)/"] + (port == 80 ? ["http://\(host)/"] : [])
            if let prefix = sameHost.first(where: { location.hasPrefix($0) }) {
                return .follow(path: "/" + location.dropFirst(prefix.count))
            }
            return .successWithWarning("Probe terminated redirects, Response body: \(body)")
        }
        if (200..<400).contains(response.status) { return .success(body) }
        if response.status == 0 { return .failure("malformed HTTP response") }
        return .failure("HTTP probe failed with statuscode: \(response.status)")
    }
}
