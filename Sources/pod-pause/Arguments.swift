/// argv as the C runtime hands it over (Embedded Swift has no `CommandLine`).
struct Arguments {
    typealias Vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    let count: Int
    let vector: Vector

    /// The argument at `index`, or nil past the end.
    subscript(index: Int) -> UnsafeMutablePointer<CChar>? {
        index < count ? vector[index] : nil
    }

    /// Whether argument `index` is exactly `text`.
    func isEqual(_ index: Int, to text: StaticString) -> Bool {
        guard let argument = self[index] else { return false }
        return equals(UnsafePointer(argument), text)
    }

    /// Whether the last path component of argv[0] is `name`: that is how one binary
    /// knows whether it was started as pod-pause or as pod-init.
    func programName(is name: StaticString) -> Bool {
        guard let path = self[0] else { return false }
        var base = UnsafePointer(path)
        var cursor = base
        while cursor.pointee != 0 {
            if cursor.pointee == 0x2F { base = cursor + 1 }  // '/'
            cursor += 1
        }
        return equals(base, name)
    }
}

/// Byte-wise equality of a C string and a static string.
private func equals(_ cString: UnsafePointer<CChar>, _ text: StaticString) -> Bool {
    let length = text.utf8CodeUnitCount
    for index in 0..<length where UInt8(bitPattern: cString[index]) != text.utf8Start[index] {
        return false  // also stops at a shorter C string's NUL, so no read past its end
    }
    return cString[length] == 0
}
