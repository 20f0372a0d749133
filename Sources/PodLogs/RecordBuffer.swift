import Glibc

/// The formatted records of one `append` call, waiting for their `write(2)`. Raw memory
/// rather than `[UInt8]`: appending a record is two `memcpy`s and no uniqueness checks,
/// which is what lets one core format several hundred MB/s.
final class RecordBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Bytes formatted so far.
    private(set) var count = 0
    /// Of those, bytes already written to the file (after a short or failed write).
    var written = 0

    init(capacity: Int = 256 * 1024) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var unwritten: Int { count - written }

    /// `header` (with its tag byte set), `text` and a newline.
    @inline(__always)
    func appendRecord(header: UnsafeRawPointer, partial: Bool, text: UnsafeRawBufferPointer) {
        let size = RecordHeader.length + text.count + 1
        if count + size > capacity { grow(to: count + size) }
        let destination = base + count
        destination.copyMemory(from: header, byteCount: RecordHeader.length)
        destination.storeBytes(of: partial ? UInt8(ascii: "P") : UInt8(ascii: "F"), toByteOffset: RecordHeader.tagOffset, as: UInt8.self)
        if let source = text.baseAddress, text.count > 0 {
            (destination + RecordHeader.length).copyMemory(from: source, byteCount: text.count)
        }
        destination.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: size - 1, as: UInt8.self)
        count += size
    }

    func reset() {
        count = 0
        written = 0
    }

    /// Drops unwritten bytes after the first record boundary at or after `written`, so
    /// what was half written can still be completed and the file stays line-aligned.
    /// Returns the number of bytes dropped.
    func shed() -> Int {
        if written == 0 || base.load(fromByteOffset: written - 1, as: UInt8.self) == UInt8(ascii: "\n") {
            let dropped = unwritten
            count = written
            return dropped
        }
        let start = base + written
        guard let newline = memchr(start, Int32(UInt8(ascii: "\n")), unwritten) else { return 0 }
        let keep = written + (UnsafeRawPointer(newline) - UnsafeRawPointer(start)) + 1
        let dropped = count - keep
        count = keep
        return dropped
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
