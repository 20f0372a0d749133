import CRtnetlink
import Glibc

/// A request being framed in the socket's buffer: the `nlmsghdr`, the family header, then
/// attributes, each padded to 4 bytes (netlink(7), NLMSG_ALIGN and NLA_ALIGN). What does
/// not fit marks the request overflowed, and the socket refuses to send it; a value that
/// an attribute's 16-bit length cannot hold does the same.
public struct NetlinkRequest {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var overflowed = false
    private static let headerSize = MemoryLayout<nlmsghdr>.size

    init(_ base: UnsafeMutableRawPointer, capacity: Int, type: UInt16, flags: UInt16, sequence: UInt32) {
        self.base = base
        self.capacity = capacity
        // nlmsg_pid stays 0: the kernel fills in the sender's port.
        memset(base, 0, Self.headerSize)
        base.storeBytes(of: UInt32(Self.headerSize), toByteOffset: 0, as: UInt32.self)
        base.storeBytes(of: type, toByteOffset: 4, as: UInt16.self)
        base.storeBytes(of: flags, toByteOffset: 6, as: UInt16.self)
        base.storeBytes(of: sequence, toByteOffset: 8, as: UInt32.self)
    }

    /// The message's length so far, kept in its `nlmsg_len`.
    private var length: Int {
        get { Int(base.load(as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(newValue), as: UInt32.self) }
    }

    public mutating func put(_ type: Int, string: String) {
        string.utf8CString.withUnsafeBytes { attribute(type, $0) }  // with its NUL, as the kernel's NLA_NUL_STRING wants
    }

    public mutating func put(_ type: Int, u32: UInt32) {
        withUnsafeBytes(of: u32) { attribute(type, $0) }
    }

    public mutating func put(_ type: Int, u8: UInt8) {
        withUnsafeBytes(of: u8) { attribute(type, $0) }
    }

    public mutating func put(_ type: Int, bytes: [UInt8]) {
        bytes.withUnsafeBytes { attribute(type, $0) }
    }

    /// A fixed-size structure as the payload of an attribute (the peer's `ifinfomsg`).
    public mutating func put<T>(_ type: Int, value: T) {
        withUnsafeBytes(of: value) { attribute(type, $0) }
    }

    /// Raw bytes with no attribute header: a family header, or a nested message header
    /// such as the peer's `ifinfomsg`.
    public mutating func append<T>(raw value: T) {
        withUnsafeBytes(of: value) { bytes in
            guard let tail = reserve(bytes.count) else { return }
            if let source = bytes.baseAddress { tail.copyMemory(from: source, byteCount: bytes.count) }
        }
    }

    /// A nested attribute (NLA_F_NESTED): whatever `body` puts goes inside it.
    public mutating func nest(_ type: Int, _ body: (inout NetlinkRequest) -> Void) {
        let start = length
        guard let head = reserve(4) else { return }
        head.storeBytes(of: UInt16(type) | UInt16(NLA_F_NESTED), toByteOffset: 2, as: UInt16.self)
        body(&self)
        let size = length - start
        guard !overflowed, size <= Int(UInt16.max) else { overflowed = true; return }
        head.storeBytes(of: UInt16(size), as: UInt16.self)
    }

    private mutating func attribute(_ type: Int, _ payload: UnsafeRawBufferPointer) {
        guard 4 + payload.count <= Int(UInt16.max) else { overflowed = true; return }
        guard let tail = reserve(4 + payload.count) else { return }
        tail.storeBytes(of: UInt16(4 + payload.count), as: UInt16.self)
        tail.storeBytes(of: UInt16(truncatingIfNeeded: type), toByteOffset: 2, as: UInt16.self)
        if let source = payload.baseAddress { (tail + 4).copyMemory(from: source, byteCount: payload.count) }
    }

    /// `size` zeroed bytes at the end, padded to 4; nil, and overflowed, once they do not fit.
    private mutating func reserve(_ size: Int) -> UnsafeMutableRawPointer? {
        let aligned = (size + 3) & ~3
        guard !overflowed, length + aligned <= capacity else { overflowed = true; return nil }
        let tail = base + length
        memset(tail, 0, aligned)
        length += aligned
        return tail
    }
}
