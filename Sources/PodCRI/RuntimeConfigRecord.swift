import Foundation
import PodCore
import PodNetwork
import PodOS

/// What UpdateRuntimeConfig recorded: the node's pod CIDR, as the kubelet sent it
/// (one network, or an IPv4 and an IPv6 one separated by a comma).
struct RuntimeConfigRecord: Codable, Equatable {
    var podCIDR: String

    static func path(in directory: String) -> String { directory + "/runtime-config.json" }

    /// Atomic (D9), 0600 under a 0700 directory, as every state file.
    func write(in directory: String) throws(PodError) {
        try Files.makeDirectories(directory, mode: 0o700)
        let bytes: Data
        do { bytes = try JSONEncoder().encode(self) } catch {
            throw PodError(.internal, "cannot encode the runtime config", cause: .text("\(error)"))
        }
        try AtomicFile.write(Array(bytes), to: RuntimeConfigRecord.path(in: directory))
    }

    /// Nil when nothing was recorded; a damaged record is an error naming the file.
    static func read(in directory: String) throws(PodError) -> RuntimeConfigRecord? {
        let path = path(in: directory)
        guard Files.exists(path) else { return nil }
        let bytes = try Files.read(path)
        guard bytes.count <= 4096, let record = try? JSONDecoder().decode(RuntimeConfigRecord.self, from: Data(bytes)) else {
            throw PodError(.corruptState, "\(path) is not a runtime config record; remove it and let the kubelet send the pod CIDR again")
        }
        return record
    }
}

/// A pod CIDR as the kubelet sends it: IPv4 `a.b.c.d/n` or IPv6 `x::/n`.
enum PodCIDR {
    static func isValid(_ text: String) -> Bool {
        if IPv4Subnet(text) != nil { return true }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count <= 3, let prefix = Int(parts[1]), prefix >= 0, prefix <= 128 else { return false }
        var storage = in6_addr()
        return inet_pton(AF_INET6, String(parts[0]), &storage) == 1
    }
}
