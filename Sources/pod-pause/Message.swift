/// One line for stderr, built in a fixed buffer and written with a single write(2): it
/// needs no heap, and a single write keeps it whole between the workload's own output.
/// Text past the buffer is cut; a diagnostic line never needs more.
struct Message {
    private var bytes = InlineArray<512, UInt8>(repeating: 0)
    private var count = 0

    init(_ text: StaticString) {
        add(text)
    }

    mutating func add(_ text: StaticString) {
        add(text.utf8Start, text.utf8CodeUnitCount)
    }

    mutating func add(cString: UnsafePointer<CChar>) {
        let length = strlen(cString)
        cString.withMemoryRebound(to: UInt8.self, capacity: length) { add($0, length) }
    }

    mutating func add(errorText number: Int32) {
        if let text = strerror(number) { add(cString: text) } else { add("unknown error") }
    }

    /// Writes the line and a newline to `fd`; a failed write is dropped, as there is
    /// nowhere left to report it.
    func print(to fd: Int32 = 2) {
        var line = self
        line.append(0x0A)
        let length = line.count
        withUnsafePointer(to: &line.bytes) { _ = write(fd, UnsafeRawPointer($0), length) }
    }

    private mutating func add(_ start: UnsafePointer<UInt8>, _ length: Int) {
        for index in 0..<length { append(start[index]) }
    }

    private mutating func append(_ byte: UInt8) {
        // Keep the last byte free for the newline `print` adds.
        guard count < bytes.count - 1 || (byte == 0x0A && count < bytes.count) else { return }
        bytes[count] = byte
        count += 1
    }
}

/// "`role`: `call`: <strerror(errno)>" on stderr, for a failed syscall.
func reportFailure(_ role: StaticString, _ call: StaticString, _ number: Int32 = errno) {
    var message = Message(role)
    message.add(": ")
    message.add(call)
    message.add(": ")
    message.add(errorText: number)
    message.print()
}
