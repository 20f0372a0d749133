// What the image suites share (PodImageTests, and the hostile layers of
// HostileInputTests): tar and image builders, a throwaway store. Internal, as it was in
// PodImageTests: the suites use it through `@testable import PodTestSupport`.
import CArchive
import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage

/// A fresh image store in a temporary directory.
final class TestStore {
    let directory = TemporaryDirectory("podimage-store")
    var root: String { directory.path + "/images" }
    lazy var store = ImageStore(directory: root)

    /// Names in a store directory (blobs, layers, records, tmp), for "nothing stored" checks.
    func entries(_ sub: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + sub))?.sorted() ?? []
    }

    /// True when the store holds no blob, layer, record or temporary file.
    var isEmpty: Bool {
        entries("blobs/sha256").isEmpty && entries("layers").isEmpty && entries("records").isEmpty && entries("tmp").isEmpty
    }
}

/// Builds tar archives in memory with libarchive's writer, any entry the test wants,
/// hostile ones included (the writer does not sanitize names, unlike tar(1)).
struct TarBuilder {
    struct Entry {
        var path: [UInt8]
        var type: mode_t
        var permissions: mode_t
        var uid: Int64 = 0
        var gid: Int64 = 0
        var mtime: Int = 1_700_000_000
        var data: [UInt8] = []
        var symlink: String?
        var hardlink: String?
        var device: (major: UInt32, minor: UInt32)?
        var xattrs: [(String, [UInt8])] = []
    }

    var entries: [Entry] = []

    mutating func file(_ path: String, _ content: String = "", mode: mode_t = 0o644, uid: Int64 = 0, gid: Int64 = 0,
                       mtime: Int = 1_700_000_000, xattrs: [(String, [UInt8])] = []) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFREG, permissions: mode, uid: uid, gid: gid, mtime: mtime, data: Array(content.utf8), xattrs: xattrs))
    }

    mutating func file(bytes path: [UInt8], _ data: [UInt8]) {
        entries.append(Entry(path: path, type: S_IFREG, permissions: 0o644, data: data))
    }

    mutating func data(_ path: String, _ data: [UInt8], mode: mode_t = 0o644) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFREG, permissions: mode, data: data))
    }

    mutating func directory(_ path: String, mode: mode_t = 0o755, mtime: Int = 1_700_000_000, uid: Int64 = 0, gid: Int64 = 0) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFDIR, permissions: mode, uid: uid, gid: gid, mtime: mtime))
    }

    mutating func symlink(_ path: String, to target: String) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFLNK, permissions: 0o777, symlink: target))
    }

    mutating func hardlink(_ path: String, to target: String) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFREG, permissions: 0o644, hardlink: target))
    }

    mutating func device(_ path: String, major: UInt32, minor: UInt32, mode: mode_t = 0o666) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFCHR, permissions: mode, device: (major, minor)))
    }

    mutating func fifo(_ path: String) {
        entries.append(Entry(path: Array(path.utf8), type: S_IFIFO, permissions: 0o644))
    }

    /// The uncompressed tar.
    func bytes() -> [UInt8] {
        let sink = ByteSink()
        let archive = archive_write_new()!
        defer { archive_write_free(archive) }
        archive_write_set_format_pax_restricted(archive)
        archive_write_add_filter_none(archive)
        archive_write_set_bytes_in_last_block(archive, 1)
        sink.open(archive)
        for entry in entries {
            let header = archive_entry_new()!
            defer { archive_entry_free(header) }
            (entry.path + [0]).withUnsafeBytes { archive_entry_copy_pathname(header, $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            archive_entry_set_filetype(header, UInt32(entry.type))
            archive_entry_set_perm(header, entry.permissions)
            archive_entry_set_uid(header, entry.uid)
            archive_entry_set_gid(header, entry.gid)
            archive_entry_set_mtime(header, entry.mtime, 0)
            archive_entry_set_size(header, la_int64_t(entry.data.count))
            if let target = entry.symlink { archive_entry_copy_symlink(header, target) }
            if let target = entry.hardlink {
                archive_entry_copy_hardlink(header, target)
                archive_entry_set_size(header, 0)
            }
            if let device = entry.device {
                archive_entry_set_rdevmajor(header, dev_t(device.major))
                archive_entry_set_rdevminor(header, dev_t(device.minor))
            }
            for (name, value) in entry.xattrs {
                value.withUnsafeBytes { archive_entry_xattr_add_entry(header, name, $0.baseAddress, $0.count) }
            }
            // ARCHIVE_WARN: a name that is not UTF-8 is written raw (pax hdrcharset=BINARY).
            let status = archive_write_header(archive, header)
            precondition(status == ARCHIVE_OK || status == ARCHIVE_WARN, String(cString: archive_error_string(archive)))
            if !entry.data.isEmpty && entry.hardlink == nil {
                entry.data.withUnsafeBytes { _ = archive_write_data(archive, $0.baseAddress, $0.count) }
            }
        }
        archive_write_close(archive)
        return sink.bytes
    }

    func write(to path: String, compression: Compression = .none) throws {
        try Data(TarBuilder.compress(bytes(), compression)).write(to: URL(fileURLWithPath: path))
    }

    /// Compresses bytes as they are (libarchive's raw format with a filter), so the
    /// diff ID of a compressed layer is the digest of `bytes()`.
    static func compress(_ bytes: [UInt8], _ compression: Compression) -> [UInt8] {
        guard compression != .none else { return bytes }
        let sink = ByteSink()
        let archive = archive_write_new()!
        defer { archive_write_free(archive) }
        archive_write_set_format_raw(archive)
        if compression == .gzip { archive_write_add_filter_gzip(archive) } else { archive_write_add_filter_zstd(archive) }
        archive_write_set_bytes_in_last_block(archive, 1)
        sink.open(archive)
        let header = archive_entry_new()!
        defer { archive_entry_free(header) }
        archive_entry_set_filetype(header, UInt32(Glibc.S_IFREG))
        archive_entry_set_pathname(header, "data")
        archive_entry_set_size(header, la_int64_t(bytes.count))
        archive_write_header(archive, header)
        bytes.withUnsafeBytes { _ = archive_write_data(archive, $0.baseAddress, $0.count) }
        archive_write_close(archive)
        return sink.bytes
    }
}

/// Collects what libarchive writes.
final class ByteSink {
    var bytes: [UInt8] = []

    func open(_ archive: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        archive_write_open(archive, context, nil, { _, context, buffer, size in
            let sink = Unmanaged<ByteSink>.fromOpaque(context!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size))
            return size
        }, nil)
    }
}

/// Files of an image archive or layout, by name, written as a directory or a tar.
struct ArchiveFiles {
    var files: [(String, [UInt8])] = []

    mutating func add(_ name: String, _ bytes: [UInt8]) { files.append((name, bytes)) }
    mutating func add(_ name: String, json: String) { files.append((name, Array(json.utf8))) }

    func writeDirectory(_ path: String) throws {
        for (name, bytes) in files {
            let url = URL(fileURLWithPath: path + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    func writeTar(_ path: String, compression: Compression = .none) throws {
        var tar = TarBuilder()
        for (name, bytes) in files { tar.data(name, bytes) }
        try tar.write(to: path, compression: compression)
    }
}

/// Small images built in the test: a layer tar, its config, and the archive formats.
struct Fixture {
    struct Layer {
        let tar: [UInt8]
        let compression: Compression
        /// Compressed once: gzip headers carry the time, so each compression differs.
        let blob: [UInt8]

        init(tar: [UInt8], compression: Compression) {
            self.tar = tar
            self.compression = compression
            blob = TarBuilder.compress(tar, compression)
        }

        var diffID: Digest { Digest.of(tar) }
        var blobDigest: Digest { Digest.of(blob) }
        var mediaType: String { compression.layerMediaType }
    }

    static func layer(_ build: (inout TarBuilder) -> Void, compression: Compression = .none) -> Layer {
        var tar = TarBuilder()
        build(&tar)
        return Layer(tar: tar.bytes(), compression: compression)
    }

    static func config(_ layers: [Layer], cmd: [String] = ["sh"], label: String = "test") -> [UInt8] {
        let diffIDs = layers.map { "\"\($0.diffID)\"" }.joined(separator: ",")
        let cmdJSON = cmd.map { "\"\($0)\"" }.joined(separator: ",")
        return Array("""
            {"architecture":"\(HostPlatform.architecture)","os":"linux","created":"2024-01-01T00:00:00Z",\
            "config":{"Cmd":[\(cmdJSON)],"Env":["PATH=/bin"],"WorkingDir":"/","User":"1000","ExposedPorts":{"80/tcp":{}},\
            "StopSignal":"SIGQUIT","Labels":{"fixture":"\(label)"}},"rootfs":{"type":"layers","diff_ids":[\(diffIDs)]}}
            """.utf8)
    }

    /// A docker-archive: `<hex>.json` config, `<n>/layer.tar` layers, manifest.json.
    static func dockerArchive(_ layers: [Layer], tags: [String], config: [UInt8]? = nil) -> ArchiveFiles {
        let config = config ?? Fixture.config(layers)
        var files = ArchiveFiles()
        let configName = Digest.of(config).hex + ".json"
        files.add(configName, config)
        var layerNames: [String] = []
        for (index, layer) in layers.enumerated() {
            layerNames.append("layer\(index)/layer.tar")
            files.add("layer\(index)/layer.tar", layer.blob)
        }
        let tagList = tags.map { "\"\($0)\"" }.joined(separator: ",")
        let layerList = layerNames.map { "\"\($0)\"" }.joined(separator: ",")
        files.add("manifest.json", json: "[{\"Config\":\"\(configName)\",\"RepoTags\":[\(tagList)],\"Layers\":[\(layerList)]}]")
        return files
    }

    struct OCIImage {
        let layers: [Layer]
        let refName: String?
        var config: [UInt8]? = nil
    }

    /// An OCI layout with one or more images in its index.
    static func ociLayout(_ images: [OCIImage]) -> ArchiveFiles {
        var files = ArchiveFiles()
        files.add("oci-layout", json: "{\"imageLayoutVersion\":\"1.0.0\"}")
        var descriptors: [String] = []
        for image in images {
            let config = image.config ?? Fixture.config(image.layers, label: image.refName ?? "none")
            files.add("blobs/sha256/" + Digest.of(config).hex, config)
            for layer in image.layers { files.add("blobs/sha256/" + layer.blobDigest.hex, layer.blob) }
            let layerJSON = image.layers.map { "{\"mediaType\":\"\($0.mediaType)\",\"digest\":\"\($0.blobDigest)\",\"size\":\($0.blob.count)}" }.joined(separator: ",")
            let manifest = Array("""
                {"schemaVersion":2,"mediaType":"\(MediaType.manifest)","config":{"mediaType":"\(MediaType.config)","digest":"\(Digest.of(config))","size":\(config.count)},"layers":[\(layerJSON)]}
                """.utf8)
            files.add("blobs/sha256/" + Digest.of(manifest).hex, manifest)
            let annotations = image.refName.map { ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"\($0)\"}" } ?? ""
            descriptors.append("{\"mediaType\":\"\(MediaType.manifest)\",\"digest\":\"\(Digest.of(manifest))\",\"size\":\(manifest.count)\(annotations)}")
        }
        files.add("index.json", json: "{\"schemaVersion\":2,\"manifests\":[\(descriptors.joined(separator: ","))]}")
        return files
    }
}

func lstatOf(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
}

func readText(_ path: String) -> String? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
}

/// Runs a program and returns its exit status and output. The output goes through a
/// file, not a pipe: Foundation's pipe reader traps on EINTR.
@discardableResult
func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let log = TemporaryDirectory("podimage-run")
    _ = FileManager.default.createFile(atPath: log.file("out"), contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log.file("out")))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = output
    process.standardError = output
    try process.run()
    process.waitUntilExit()
    try output.close()
    return (process.terminationStatus, readText(log.file("out")) ?? "")
}

func hasTool(_ name: String) -> Bool {
    (try? run(["sh", "-c", "command -v \(name)"]).status) == 0
}

/// Unpacks a tar into `<dir>/root` with the real unpacker; checks the diff ID on the way.
func unpack(_ tar: TarBuilder, compression: Compression = .none, privileged: Bool = geteuid() == 0) throws -> TemporaryDirectory {
    let directory = TemporaryDirectory("podimage-layer")
    let bytes = tar.bytes()
    try Data(TarBuilder.compress(bytes, compression)).write(to: URL(fileURLWithPath: directory.file("layer.tar")))
    mkdir(directory.file("root"), 0o755)
    let reader = try TarReader(path: directory.file("layer.tar"), hashing: true, what: "the test layer")
    let unpacker = try LayerUnpacker(directory: directory.file("root"), what: "the test layer", privileged: privileged)
    try unpacker.unpack(reader)
    #expect(try reader.finish() == Digest.of(bytes))
    return directory
}
