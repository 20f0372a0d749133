import CPodShim
import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

/// Runs `body` on a dedicated thread that first moves into a mount namespace of its own,
/// with every mount private, so nothing it mounts can reach the host's mount table.
///
/// Why a thread and not the test process: the test process is multi-threaded, and
/// unshare(2) refuses CLONE_NEWUSER (and CLONE_VM/SIGHAND/THREAD) there, but not
/// CLONE_NEWNS: the mount namespace hangs off each task's nsproxy, and CLONE_NEWNS
/// implies CLONE_FS, which gives just this thread its own root/cwd copy (unshare(2),
/// "CLONE_NEWNS" and "CLONE_FS"; kernel/fork.c ksys_unshare). Only this thread sees
/// the new namespace; `/proc/thread-self/mountinfo` shows it, while
/// `/proc/self/mountinfo` (the thread-group leader's) keeps showing the host's. When
/// the thread ends, the namespace has no task left and the kernel tears its mounts
/// down. MS_REC|MS_PRIVATE on / first, as `unshare --propagation private` does:
/// otherwise mounts under a shared mount would propagate back to the host.
func inPrivateMountNamespace<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        defer { done.signal() }
        guard podshim_unshare(podshim_CLONE_NEWNS) == 0 else {
            box.result = .failure(PodError.system("unshare(CLONE_NEWNS)", errno: errno))
            return
        }
        guard Glibc.mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            box.result = .failure(PodError.system("mount(MS_PRIVATE)", errno: errno, path: "/"))
            return
        }
        box.result = Result { try body() }
    }
    thread.start()
    done.wait()
    return try box.result!.get()
}

func mountInfo(_ file: String) -> String { readText(file) ?? "" }

@Suite(.serialized) struct OverlayMountTests {
    struct Observed: Sendable {
        var method: OverlayMount.Method
        var listing: [String]
        var files: [String: String]
        var inOwnTable: Bool
        var inHostTable: Bool
    }

    @Test(.needsRoot("mounting overlayfs needs root")) func mountsAnImageWithWhiteoutsInAPrivateNamespace() throws {
        let base = Fixture.layer { tar in
            tar.file("a", "from base")
            tar.file("b", "from base")
            tar.file("dir/old", "hidden by the opaque directory")
        }
        let top = Fixture.layer({ tar in
            tar.file(".wh.a")
            tar.directory("dir")
            tar.file("dir/.wh..wh..opq")
            tar.file("dir/new", "from top")
            tar.file("c", "from top")
        }, compression: .gzip)
        let test = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([base, top], tags: ["overlay:1"]).writeTar(source.file("a.tar"))
        let record = try test.store.load(from: source.file("a.tar"), name: nil)[0].record
        let lower = try test.store.lowerDirectories(for: record)
        #expect(lower == [top, base].map { test.root + "/layers/" + $0.diffID.hex + "/diff" }, "topmost first")

        let directories = OverlayMount.ContainerDirectories(stateDirectory: test.directory.path + "/pods/default/web/containers/app")
        try directories.prepare()
        let target = test.directory.path + "/rootfs"
        mkdir(target, 0o755)

        let observed = try inPrivateMountNamespace { () throws -> Observed in
            let method = try OverlayMount.mount(lower: lower, upper: directories.upper, work: directories.work, target: target)
            defer { try? OverlayMount.unmount(target) }
            try Data("written".utf8).write(to: URL(fileURLWithPath: target + "/written"))
            var files: [String: String] = [:]
            for name in ["a", "b", "c", "dir/new", "dir/old", "written"] { files[name] = readText(target + "/" + name) }
            return Observed(
                method: method,
                listing: try FileManager.default.contentsOfDirectory(atPath: target).sorted(),
                files: files,
                inOwnTable: mountInfo("/proc/thread-self/mountinfo").contains(" \(target) "),
                inHostTable: mountInfo("/proc/self/mountinfo").contains(" \(target) "))
        }
        #expect(observed.method == .mountAPI, "this kernel has fsconfig lowerdir+")
        #expect(observed.listing == ["b", "c", "dir", "written"])
        #expect(observed.files["a"] == nil, "whited out")
        #expect(observed.files["b"] == "from base")
        #expect(observed.files["c"] == "from top")
        #expect(observed.files["dir/new"] == "from top")
        #expect(observed.files["dir/old"] == nil, "hidden by the opaque directory")
        #expect(observed.inOwnTable)
        #expect(!observed.inHostTable, "the mount never showed in the host's table")
        #expect(readText(directories.upper + "/written") == "written", "writes land in the container's upper directory")
        #expect(!mountInfo("/proc/self/mountinfo").contains(test.directory.path), "nothing stays mounted")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    /// Eighty lower directories with long paths: over 4096 bytes of options, which
    /// mount(2) cannot take, but one fsconfig call per layer can.
    @Test(.needsRoot("mounting overlayfs needs root")) func deepImagesPassThePageLimit() throws {
        let work = TemporaryDirectory("podimage-deep")
        let long = work.path + "/" + String(repeating: "l", count: 60)
        var lower: [String] = []
        for index in 0..<80 {
            let directory = "\(long)/layer-\(String(repeating: "0", count: 40))-\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data("\(index)".utf8).write(to: URL(fileURLWithPath: directory + "/common"))
            try Data("\(index)".utf8).write(to: URL(fileURLWithPath: directory + "/only-\(index)"))
            lower.append(directory)
        }
        let lowerList = lower
        let options = "lowerdir=\(lowerList.joined(separator: ":"))"
        #expect(options.utf8.count > 4096)
        let directories = OverlayMount.ContainerDirectories(stateDirectory: work.path + "/c")
        try directories.prepare()
        let target = work.path + "/rootfs"
        mkdir(target, 0o755)

        let legacy = #expect(throws: PodError.self) {
            try OverlayMount.mountLegacy(lower: lower, upper: directories.upper, work: directories.work, target: target)
        }
        #expect(legacy?.message.contains("limit of mount(2)") == true)

        let seen = try inPrivateMountNamespace { () throws -> [String?] in
            try OverlayMount.mountWithAPI(lower: lowerList, upper: directories.upper, work: directories.work, target: target)
            defer { try? OverlayMount.unmount(target) }
            return [readText(target + "/common"), readText(target + "/only-0"), readText(target + "/only-79")]
        }
        #expect(seen == ["0", "0", "79"], "the first lower directory is the topmost")
        #expect(!mountInfo("/proc/self/mountinfo").contains(work.path))
    }

    /// The mount(2) fallback, for kernels without fsopen or lowerdir+.
    @Test(.needsRoot("mounting overlayfs needs root")) func legacyMount() throws {
        let work = TemporaryDirectory("podimage-legacy")
        for name in ["top", "bottom", "rootfs"] { mkdir(work.file(name), 0o755) }
        try Data("top".utf8).write(to: URL(fileURLWithPath: work.file("top/f")))
        try Data("bottom".utf8).write(to: URL(fileURLWithPath: work.file("bottom/f")))
        try Data("bottom".utf8).write(to: URL(fileURLWithPath: work.file("bottom/g")))
        let directories = OverlayMount.ContainerDirectories(stateDirectory: work.file("c"))
        try directories.prepare()
        let seen = try inPrivateMountNamespace { () throws -> [String?] in
            try OverlayMount.mountLegacy(lower: [work.file("top"), work.file("bottom")], upper: directories.upper, work: directories.work, target: work.file("rootfs"))
            defer { try? OverlayMount.unmount(work.file("rootfs")) }
            return [readText(work.file("rootfs/f")), readText(work.file("rootfs/g"))]
        }
        #expect(seen == ["top", "bottom"])
        #expect(!mountInfo("/proc/self/mountinfo").contains(work.path))
    }

    @Test(.needsRoot("mounting overlayfs needs root")) func missingLowerDirectoryIsAClearError() throws {
        let work = TemporaryDirectory("podimage-missing")
        mkdir(work.file("rootfs"), 0o755)
        let directories = OverlayMount.ContainerDirectories(stateDirectory: work.file("c"))
        try directories.prepare()
        let error = #expect(throws: PodError.self) {
            try inPrivateMountNamespace {
                try OverlayMount.mount(lower: [work.file("nope")], upper: directories.upper, work: directories.work, target: work.file("rootfs"))
            }
        }
        #expect(error?.message.contains("lowerdir+") == true)
        #expect(error?.message.contains(work.file("nope")) == true)
    }
}
