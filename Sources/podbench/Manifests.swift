import Foundation

/// The manifests both systems run: the same text, the same image.
enum Manifests {
    static let image = "localhost/busybox:1"

    /// A workload that exits on SIGTERM, as the delete figure requires: a shell that traps
    /// TERM waits on its child (a shell as PID 1 would otherwise ignore TERM, signal(7)).
    static func sidecar(_ name: String) -> String {
        """
          - name: \(name)
            image: \(image)
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
        """
    }

    static func web(port: Int) -> String {
        """
          - name: web
            image: \(image)
            command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo hi > /www/index.html; httpd -f -p 80 -h /www & wait"]
            ports:
            - containerPort: 80
              hostPort: \(port)
        """
    }

    static func header(_ name: String, restart: String = "Always") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: \(name)
        spec:
          restartPolicy: \(restart)
          terminationGracePeriodSeconds: 10
          containers:
        """
    }

    /// The 3-container pod: a web server with a hostPort and two sidecars.
    static func webPod(_ name: String, port: Int) -> String {
        [header(name), web(port: port), sidecar("side1"), sidecar("side2")].joined(separator: "\n") + "\n"
    }

    /// One container with a hostPort: the scale run's pod.
    static func smallPod(_ name: String, port: Int) -> String {
        [header(name), web(port: port)].joined(separator: "\n") + "\n"
    }

    /// The log writer: prepares `lines` numbered 100-byte lines in its /tmp, then waits for
    /// the benchmark to write its FIFO and `cat`s them to stdout as fast as it can. Each
    /// line is `%08d ` and 90 x's and a newline, so the checker can find any lost line.
    static func logPod(_ name: String, lines: Int) -> String {
        let script = "awk 'BEGIN{p=sprintf(\\\"%90s\\\",\\\"\\\"); gsub(/ /,\\\"x\\\",p); for(i=1;i<=\(lines);i++) printf \\\"%08d %s\\\\n\\\", i, p}' > /tmp/payload; mkfifo /tmp/go; read m < /tmp/go; cat /tmp/payload; : > /tmp/done; trap 'exit 0' TERM; sleep 100000 & wait"
        return header(name, restart: "Never") + "\n" + """
          - name: w
            image: \(image)
            command: ["sh", "-c", "\(script)"]
        """ + "\n"
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
