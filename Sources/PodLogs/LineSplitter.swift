import Glibc

/// Cuts one stream of container output into record texts. A newline ends a line (the
/// newline itself is not kept; a `\r` before it is, so no byte is lost). A line longer
/// than `maxRecordBytes` goes out as `P` records of exactly that size followed by the
/// rest: containerd's `redirectLogs` rule, which splits only when more than the limit is
/// pending, so a line of exactly 16 KiB stays one `F` record.
///
/// Bytes without a newline yet wait in `pending` until the line ends, grows past the
/// limit, or the owner flushes or closes the stream.
struct LineSplitter {
    /// The kubelet and containerd limit (`maxContainerLogLineSize`, 16 KiB).
    static let maxRecordBytes = 16 * 1024

    private(set) var pending: [UInt8] = []

    typealias Emit = (UnsafeRawBufferPointer, _ partial: Bool) -> Void

    mutating func split(_ bytes: UnsafeRawBufferPointer, emit: Emit) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let start = base + offset
            let remaining = bytes.count - offset
            if let newline = memchr(start, Int32(UInt8(ascii: "\n")), remaining) {
                let length = UnsafeRawPointer(newline) - start
                feed(UnsafeRawBufferPointer(start: start, count: length), terminated: true, emit: emit)
                offset += length + 1
            } else {
                feed(UnsafeRawBufferPointer(start: start, count: remaining), terminated: false, emit: emit)
                offset = bytes.count
            }
        }
    }

    /// The pending bytes as one record (`partial` decides its tag); nothing when none.
    mutating func takePending(partial: Bool, emit: Emit) {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { emit($0, partial) }
        pending.removeAll(keepingCapacity: true)
    }

    /// One piece of a line: all of it up to a newline (`terminated`) or the end of the data.
    private mutating func feed(_ piece: UnsafeRawBufferPointer, terminated: Bool, emit: Emit) {
        let limit = Self.maxRecordBytes
        var piece = piece
        if !pending.isEmpty {
            let room = limit - pending.count
            if piece.count <= room {
                pending.append(contentsOf: piece)
                if terminated { takePending(partial: false, emit: emit) }
                return
            }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[..<room]))
            takePending(partial: true, emit: emit)
            piece = UnsafeRawBufferPointer(rebasing: piece[room...])
        }
        while piece.count > limit {
            emit(UnsafeRawBufferPointer(rebasing: piece[..<limit]), true)
            piece = UnsafeRawBufferPointer(rebasing: piece[limit...])
        }
        if terminated {
            emit(piece, false)
        } else {
            pending.append(contentsOf: piece)
        }
    }
}
