import Glibc
import PodCore
import PodOS

/// A stream of bytes to ingest: a file now, an HTTP body when registry pulls come.
/// `read` fills at most `buffer.count` bytes and returns how many; 0 means the end.
public protocol ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(PodError) -> Int
}

/// A file read from its start to its end.
public struct FileByteSource: ByteSource {
    let file: FileDescriptor

    public init(path: String) throws(PodError) {
        file = try FileDescriptor.open(path, O_RDONLY)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(PodError) -> Int {
        let file = self.file
        return try syscallSize("read", path: file.path) { Glibc.read(file.raw, buffer.baseAddress, buffer.count) }
    }
}
