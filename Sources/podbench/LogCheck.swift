import Glibc

/// Reads CRI log files written from the numbered payload and counts what landed: whole
/// lines, P records, lines missing between the first and the last one kept.
struct LogCheck {
    var lines = 0
    var partialRecords = 0
    var splitLines = 0
    var malformed = 0
    var firstSeen = 0
    var lastSeen = 0
    var gaps = 0
    private var pending: [UInt8] = []
    private var pendingParts = 0

    static let lineLength = 99

    static func check(files: [String]) -> LogCheck {
        var check = LogCheck()
        var carry: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for path in files {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                var start = 0
                chunk.withUnsafeBufferPointer { buffer in
                    for i in 0..<n where buffer[i] == 0x0A {
                        if carry.isEmpty {
                            check.record(UnsafeBufferPointer(rebasing: buffer[start..<i]))
                        } else {
                            carry.append(contentsOf: buffer[start..<i])
                            carry.withUnsafeBufferPointer { check.record($0) }
                            carry.removeAll(keepingCapacity: true)
                        }
                        start = i + 1
                    }
                }
                carry.append(contentsOf: chunk[start..<n])
            }
            close(fd)
        }
        return check
    }

    /// One record: `<time> <stream> <tag> <text>`.
    mutating func record(_ bytes: UnsafeBufferPointer<UInt8>) {
        var spaces: [Int] = []
        for (i, byte) in bytes.enumerated() where byte == 0x20 {
            spaces.append(i)
            if spaces.count == 3 { break }
        }
        guard spaces.count == 3, spaces[2] == spaces[1] + 2 else { malformed += 1; return }
        let tag = bytes[spaces[1] + 1]
        let text = UnsafeBufferPointer(rebasing: bytes[(spaces[2] + 1)...])
        if tag == UInt8(ascii: "P") {
            partialRecords += 1
            pendingParts += 1
            pending.append(contentsOf: text)
            return
        }
        guard tag == UInt8(ascii: "F") else { malformed += 1; return }
        if pendingParts > 0 {
            pending.append(contentsOf: text)
            splitLines += 1
            pending.withUnsafeBufferPointer { line($0) }
            pending.removeAll(keepingCapacity: true)
            pendingParts = 0
        } else {
            line(text)
        }
    }

    mutating func line(_ text: UnsafeBufferPointer<UInt8>) {
        guard text.count == Self.lineLength else { malformed += 1; return }
        var number = 0
        for i in 0..<8 {
            let digit = Int(text[i]) - 48
            guard digit >= 0 && digit <= 9 else { malformed += 1; return }
            number = number * 10 + digit
        }
        lines += 1
        if firstSeen == 0 { firstSeen = number } else if number > lastSeen + 1 { gaps += number - lastSeen - 1 }
        lastSeen = max(lastSeen, number)
    }

    /// The last complete record of a file: whether it is the F record of line `number`.
    static func endsWith(line number: Int, path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return false }
        var tail = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &tail, min(256, Int(size)), max(0, size - 256))
        guard n > 2, tail[n - 1] == 0x0A else { return false }
        let wanted = Array(String(format: " F %08d ", number).utf8)
        let lastLine = tail[0..<(n - 1)].lastIndex(of: 0x0A).map { tail[($0 + 1)..<(n - 1)] } ?? tail[0..<(n - 1)]
        return lastLine.count > wanted.count && Array(lastLine).firstRange(of: wanted) != nil
    }
}
