import CRtnetlink
import Glibc
import Testing
@testable import PodNetlink

/// PodNetlink frames rtnetlink itself (D86): what a request puts in its buffer, and how an
/// answer's frames are read, checked without a socket or root.
@Suite struct NetlinkFramingTests {
    /// One frame: the 16-byte header, then `body`, padded to 4.
    static func frame(type: UInt16, flags: UInt16 = 0, seq: UInt32 = 7, port: UInt32 = 42, _ body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        func le<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        le(UInt32(16 + body.count)); le(type); le(flags); le(seq); le(port)
        bytes += body
        bytes += [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
        return bytes
    }

    static func error(_ code: Int32) -> [UInt8] {
        withUnsafeBytes(of: code.littleEndian) { Array($0) } + [UInt8](repeating: 0, count: 16)
    }

    static func frames(_ bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBytes { raw in
            var reader = NetlinkFrames(raw, sequence: 7, portID: 42)
            var seen: [String] = []
            while let frame = reader.next() {
                switch frame {
                case .message(let message): seen.append("message \(message.type) \(message.payload.count)")
                case .finished: seen.append("finished")
                case .failed(let code): seen.append("failed \(code)")
                }
            }
            return seen
        }
    }

    @Test func aDumpIsItsMessagesThenDone() {
        let bytes = Self.frame(type: UInt16(RTM_NEWLINK), [1, 2, 3, 4, 5]) + Self.frame(type: UInt16(NLMSG_NOOP), [])
            + Self.frame(type: UInt16(RTM_NEWLINK), [9, 9, 9, 9]) + Self.frame(type: UInt16(NLMSG_DONE), [0, 0, 0, 0])
        #expect(Self.frames(bytes) == ["message \(RTM_NEWLINK) 5", "message \(RTM_NEWLINK) 4", "finished"])
    }

    @Test func anAckFinishesAndANegativeAnswerCarriesTheErrno() {
        #expect(Self.frames(Self.frame(type: UInt16(NLMSG_ERROR), Self.error(0))) == ["finished"])
        #expect(Self.frames(Self.frame(type: UInt16(NLMSG_ERROR), Self.error(-EEXIST))) == ["failed \(EEXIST)"])
        // A dump the kernel ended with an error says so in its NLMSG_DONE.
        #expect(Self.frames(Self.frame(type: UInt16(NLMSG_DONE), Self.error(-ENOBUFS))) == ["failed \(ENOBUFS)"])
    }

    @Test func framesThatCannotBeTheAnswerAreRefused() {
        // Another request's sequence, another port, an interrupted dump.
        #expect(Self.frames(Self.frame(type: UInt16(RTM_NEWLINK), seq: 8, [0, 0, 0, 0])) == ["failed \(EPROTO)"])
        #expect(Self.frames(Self.frame(type: UInt16(RTM_NEWLINK), port: 43, [0, 0, 0, 0])) == ["failed \(ESRCH)"])
        #expect(Self.frames(Self.frame(type: UInt16(RTM_NEWLINK), flags: UInt16(NLM_F_DUMP_INTR), [])) == ["failed \(EINTR)"])
        // A length past the datagram's end, one shorter than a header, an error too short.
        var long = Self.frame(type: UInt16(RTM_NEWLINK), [0, 0, 0, 0])
        long[0] = 200
        #expect(Self.frames(long) == ["failed \(EBADMSG)"])
        var short = Self.frame(type: UInt16(RTM_NEWLINK), [0, 0, 0, 0])
        short[0] = 8
        #expect(Self.frames(short) == ["failed \(EBADMSG)"])
        #expect(Self.frames(Self.frame(type: UInt16(NLMSG_ERROR), [0, 0, 0, 0])) == ["failed \(EBADMSG)"])
        // Fewer bytes than a header are nothing.
        #expect(Self.frames([1, 2, 3]) == [])
    }

    @Test func aRequestIsFramedAsTheKernelReadsIt() {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 8)
        defer { buffer.deallocate() }
        var request = NetlinkRequest(buffer, capacity: 128, type: UInt16(RTM_NEWLINK), flags: 5, sequence: 7)
        request.append(raw: UInt32(0xAABBCCDD))
        request.put(IFLA_IFNAME, string: "eth0")
        request.nest(IFLA_LINKINFO) { $0.put(IFLA_INFO_KIND, string: "veth"); $0.put(IFLA_MTU, u8: 1) }
        let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: Int(buffer.load(as: UInt32.self))))
        let header: [UInt8] = [56, 0, 0, 0, UInt8(RTM_NEWLINK), 0, 5, 0, 7, 0, 0, 0, 0, 0, 0, 0]
        let family: [UInt8] = [0xDD, 0xCC, 0xBB, 0xAA]
        let name: [UInt8] = [9, 0, UInt8(IFLA_IFNAME), 0] + Array("eth0".utf8) + [0, 0, 0, 0]
        let nested: [UInt8] = [24, 0, UInt8(IFLA_LINKINFO), 0x80] + [9, 0, UInt8(IFLA_INFO_KIND), 0] + Array("veth".utf8) + [0, 0, 0, 0]
            + [5, 0, UInt8(IFLA_MTU), 0, 1, 0, 0, 0]
        #expect(bytes == header + family + name + nested)
        #expect(!request.overflowed)
    }

    @Test func aRequestLargerThanItsBufferIsMarkedNotWrittenPast() {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        var request = NetlinkRequest(buffer, capacity: 32, type: UInt16(RTM_NEWLINK), flags: 0, sequence: 1)
        request.put(IFLA_IFNAME, string: "a-name-longer-than-what-is-left")
        #expect(request.overflowed)
        #expect(buffer.load(as: UInt32.self) == 16)
    }
}
