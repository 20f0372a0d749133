import PodCore

/// The standard library's `withUnsafe…` methods rethrow untyped errors; these carry
/// `PodError` through them, so callers keep typed throws.
func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(PodError) -> T) throws(PodError) -> T {
    let result: Result<T, PodError> = bytes.withUnsafeBytes { raw in Result { () throws(PodError) -> T in try body(raw) } }
    return try result.get()
}

/// `body` gets a NUL-terminated copy of `bytes` (a name that need not be UTF-8).
func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws(PodError) -> T) throws(PodError) -> T {
    let terminated = bytes + [0]
    let result: Result<T, PodError> = terminated.withUnsafeBytes { raw in
        let pointer = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
        return Result { () throws(PodError) -> T in try body(pointer) }
    }
    return try result.get()
}
