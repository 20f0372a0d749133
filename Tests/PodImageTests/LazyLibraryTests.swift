import CArchive
import CLazyLoad
import Glibc
import PodCore
import PodOS
import Testing

/// D78: libarchive, libcurl and libnftables are opened on first use. A library that cannot
/// be opened is a PodError naming it and the package to install; each function is resolved
/// once and then called through its stored pointer.
@Suite struct LazyLibraryTests {
    @Test func aMissingLibraryIsAnErrorNamingItAndItsPackage() throws {
        let library = try #require(podlazy_library_new("libpodctl-absent.so.7", "libpodctl-absent7", "a test"))
        let message = String(cString: try #require(podlazy_load(library)))
        #expect(message.contains("libpodctl-absent.so.7"))
        #expect(message.contains("needed for a test"))
        #expect(message.contains("apt-get install libpodctl-absent7"))
        do {
            try SharedLibrary.require(podlazy_load(library))
            Issue.record("a missing library was taken as loaded")
        } catch {
            #expect(error.code == .system)
            #expect(error.message.contains("install the libpodctl-absent7 package"))
        }
    }

    @Test func aFunctionIsResolvedOnceAndCalledThroughItsPointer() throws {
        let library = try #require(podlazy_library_new("libz.so.1", "zlib1g", "a test"))
        #expect(podlazy_load(library) == nil)
        var slot: UnsafeMutableRawPointer?
        let first = podlazy_resolve(library, "zlibVersion", &slot)
        let second = podlazy_resolve(library, "zlibVersion", &slot)
        #expect(first != nil && first == second && slot == first)
        #expect(podlazy_resolutions(library) == 1)
        typealias Version = @convention(c) () -> UnsafePointer<CChar>
        let version = unsafeBitCast(try #require(first), to: Version.self)
        #expect(String(cString: version()) == String(cString: zlibVersion()))
    }

    @Test func libarchivesForwardersResolveEachFunctionOnce() throws {
        try SharedLibrary.require(podarchive_load())
        func readerRoundTrip() {
            let reader = archive_read_new()
            #expect(reader != nil)
            archive_read_support_format_tar(reader)
            archive_read_free(reader)
        }
        readerRoundTrip()
        let afterFirst = podarchive_resolutions()
        readerRoundTrip()
        readerRoundTrip()
        #expect(podarchive_resolutions() == afterFirst)
    }
}
