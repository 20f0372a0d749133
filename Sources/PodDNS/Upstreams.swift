/// The resolvers other names go to: the `nameserver` lines of a resolv.conf (the host's,
/// /etc/resolv.conf, unless podctl is told otherwise), IPv4 only, at most three as glibc
/// reads (MAXNS), and never the responder's own address, which would loop.
public enum Upstreams {
    public static func parse(resolvConf text: String, excluding own: String) -> [[UInt8]] {
        var found: [[UInt8]] = []
        for line in text.split(separator: "\n").prefix(1000) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver", String(fields[1]) != own,
                  let address = PodNameTable.ipv4(String(fields[1])) else { continue }
            found.append(address)
        }
        return Array(found.prefix(3))
    }
}
