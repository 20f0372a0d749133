import Testing
@testable import PodSupervisor

/// Which of the supervisor's mappings ImageRelease unmaps: only its own program file's,
/// only those not writable, only those smaps says hold no copied-on-write page.
struct ImageReleaseTests {
    static let smaps = """
        00400000-00c63000 r-xp 00000000 fe:00 5318944                            /usr/local/libexec/podctl/pod-supervisor
        Size:               8588 kB
        Rss:                3392 kB
        Anonymous:             0 kB
        00c63000-00ca1000 r--p 00862000 fe:00 5318944                            /usr/local/libexec/podctl/pod-supervisor
        Rss:                 248 kB
        Anonymous:             8 kB
        00ca1000-00e01000 rw-p 008a0000 fe:00 5318944                            /usr/local/libexec/podctl/pod-supervisor
        Anonymous:            56 kB
        00e01000-00e59000 rw-p 00000000 00:00 0
        Anonymous:           220 kB
        7f1f3a000000-7f1f3a100000 r-xp 00000000 fe:00 77                         /usr/lib/other.so
        Anonymous:             0 kB
        7f1f3a567000-7f1f3a569000 r-xp 00000000 00:00 0                          [vdso]
        Anonymous:             0 kB
        7f1f3a600000-7f1f3a700000 r--p 00000000 fe:00 5318944                    /usr/local/libexec/podctl/pod-supervisor
        Rss:                   4 kB
        """

    @Test func parsesEveryMappingWithItsAnonymousPages() {
        let mappings = ImageRelease.parse(Self.smaps)
        #expect(mappings.count == 7)
        #expect(mappings[0] == .init(start: 0x400000, end: 0xc63000, writable: false, path: "/usr/local/libexec/podctl/pod-supervisor", anonymousKiB: 0))
        #expect(mappings[2].writable)
        #expect(mappings[3].path == "")
        #expect(mappings[5].path == "[vdso]")
    }

    @Test func releasesOnlyTheProgramsCleanReadOnlyMappings() {
        let released = ImageRelease.releasable(ImageRelease.parse(Self.smaps), executable: "/usr/local/libexec/podctl/pod-supervisor")
        // Not the relocated read-only segment (8 kB copied), not data, not another file's,
        // not one whose Anonymous line is missing.
        #expect(released.map(\.start) == [0x400000])
    }

    @Test func aPathWithSpacesIsKeptWhole() {
        let text = "00400000-00500000 r-xp 00000000 fe:00 1 /opt/my podctl/pod-supervisor\nAnonymous: 0 kB\n"
        #expect(ImageRelease.releasable(ImageRelease.parse(text), executable: "/opt/my podctl/pod-supervisor").count == 1)
    }
}
