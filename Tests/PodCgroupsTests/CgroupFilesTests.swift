import Glibc
import PodCgroups
import PodCore
import Testing

/// The kernel's one-value files end with a newline; what the supervisor and `top` read
/// from them must not depend on Foundation's trimming (D55).
@Suite struct CgroupFilesTests {
    @Test func numbersAreReadWithTheirNewline() throws {
        var template = Array("/tmp/podctl-cgroupfiles-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { for name in ["a", "b", "c"] { unlink(directory + "/" + name) }; rmdir(directory) }
        for (name, text) in [("a", "479090985\n"), ("b", " -998\r\n"), ("c", "max\n")] {
            let fd = open(directory + "/" + name, O_WRONLY | O_CREAT, 0o600)
            _ = text.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        #expect(CgroupFiles.number(directory + "/a") == 479_090_985)
        #expect(CgroupFiles.number(directory + "/b") == -998)
        #expect(CgroupFiles.number(directory + "/c") == nil)
        #expect(CgroupFiles.number(directory + "/missing") == nil)
    }

    @Test func trimmingIsASCIIWhitespaceOnly() {
        #expect(" \t a b \r\n\u{0B}\u{0C}".trimmingWhitespace() == "a b")
        #expect("\n\n".trimmingWhitespace() == "")
        #expect("\u{A0}x\u{A0}".trimmingWhitespace() == "\u{A0}x\u{A0}")
    }
}
