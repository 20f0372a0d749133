/// FNV-1a, 64 bit: the hash of spec hashes and cache keys, where only equality matters
/// (as the kubelet's container hash), not resistance to collisions made on purpose.
public enum FNV1a {
    /// The hash as 16 hexadecimal digits.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
