import Foundation
import Glibc
import PodCgroups
import PodTestSupport
import Testing

/// Finding 3 of #14: a default container has CAP_MKNOD, so its devices must be held by
/// the cgroup: it may make any node but open only the standard ones (runc's default
/// list; docs/security.md, "Devices"). v1 through the devices controller, v2 through a
/// BPF program (run in the cgroup v2 guest by deploy/cgroup2-guest.sh).
@Suite(.serialized) struct DeviceTests {
    static let char: Int32 = 2, block: Int32 = 1
    static let mknod: Int32 = 1, read: Int32 = 2, write: Int32 = 4

    @Test func theStandardListIsTheRuntimesDefault() {
        // The runtimes' default capability set, CapBnd 00000000a80425fb: no CAP_NET_ADMIN.
        let defaultCaps: UInt64 = 0xa804_25fb
        #expect(DeviceAllowList.rules(privileged: false, bounding: defaultCaps).map(\.description) == [
            "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
        ])
        #expect(DeviceAllowList.rules(privileged: false, bounding: defaultCaps | 1 << 12).last?.description == "c 10:200 rwm")
        #expect(DeviceAllowList.rules(privileged: true, bounding: .max).map(\.description) == ["a *:* rwm"])
    }

    @Test func v1DeniesEverythingThenAllowsEachRule() {
        let writes = DeviceAllowList.v1Writes(DeviceAllowList.standard)
        #expect(writes.first! == ("devices.deny", "a"))
        #expect(writes.dropFirst().map(\.value) == DeviceAllowList.standard.map(\.description))
        #expect(writes.dropFirst().allSatisfy { $0.file == "devices.allow" })
        #expect(DeviceAllowList.v1Writes(DeviceAllowList.everything).map(\.value) == ["a"])
    }

    @Test func instructionsAreStructBpfInsnBytes() {
        #expect(BPFInstruction(BPFInstruction.loadWord, dst: 4, src: 1, offset: 4).bytes == [0x61, 0x14, 4, 0, 0, 0, 0, 0])
        #expect(BPFInstruction(BPFInstruction.jumpNotEqual, dst: 2, offset: -2, immediate: 0x1_0203).bytes == [0x55, 0x02, 0xfe, 0xff, 3, 2, 1, 0])
    }

    @Test func theFilterAllowsTheStandardDevicesAndRefusesTheRest() throws {
        let filter = try BPFInterpreter(DeviceFilter.program(DeviceAllowList.standard))
        let cases: [(type: Int32, access: Int32, major: UInt32, minor: UInt32, allowed: UInt64, what: String)] = [
            (Self.char, Self.read | Self.write, 1, 3, 1, "/dev/null"),
            (Self.char, Self.read, 1, 9, 1, "/dev/urandom"),
            (Self.char, Self.write, 136, 7, 1, "a pts"),
            (Self.char, Self.read | Self.write | Self.mknod, 5, 2, 1, "ptmx"),
            (Self.block, Self.mknod, 254, 0, 1, "mknod of a disk"),
            (Self.block, Self.read, 254, 0, 0, "reading a disk"),
            (Self.block, Self.write, 7, 0, 0, "writing a loop device"),
            (Self.block, Self.read, 1, 3, 0, "a block device numbered as /dev/null"),
            (Self.char, Self.read, 1, 1, 0, "/dev/mem"),
            (Self.char, Self.read | Self.mknod, 1, 1, 0, "/dev/mem with mknod"),
            (Self.char, Self.read, 10, 200, 0, "/dev/net/tun"),
            (Self.char, Self.read, 5, 3, 0, "the next minor"),
            (Self.char, Self.read, 3, 3, 0, "the same minor of another major"),
        ]
        for item in cases {
            #expect(try filter.run(type: item.type, access: item.access, major: item.major, minor: item.minor) == item.allowed, "\(item.what)")
        }
        let withTun = try BPFInterpreter(DeviceFilter.program(DeviceAllowList.standard + [DeviceAllowList.tun]))
        #expect(try withTun.run(type: Self.char, access: Self.read | Self.write, major: 10, minor: 200) == 1)
        #expect(try withTun.run(type: Self.char, access: Self.read, major: 10, minor: 229) == 0)
    }

    @Test func thePrivilegedFilterAllowsEverythingWithNoDeadCode() throws {
        let program = DeviceFilter.program(DeviceAllowList.everything + DeviceAllowList.standard)
        let filter = try BPFInterpreter(program)
        #expect(try filter.run(type: Self.block, access: Self.read | Self.write, major: 254, minor: 0) == 1)
        #expect(try BPFInterpreter(DeviceFilter.program([])).run(type: Self.char, access: Self.read, major: 1, minor: 3) == 0)
    }

    /// A real block device of this host that root here can open (a disk with data when
    /// there is one, else any, a loop device), from /sys/block/*/dev: the container's
    /// refusal is then podctl's, not the host's (this build machine's own sandbox refuses
    /// /dev/vda even to root).
    static func hostBlockDevice() throws -> (name: String, major: UInt32, minor: UInt32) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []).sorted()
        func size(_ name: String) -> Int { Int(((try? String(contentsOfFile: "/sys/block/\(name)/size", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
        func opens(_ name: String) -> Bool {
            let fd = open("/dev/" + name, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { close(fd) }
            return fd >= 0
        }
        for name in names.filter({ size($0) > 0 && !$0.hasPrefix("zram") }) + names where opens(name) {
            let numbers = ((try? String(contentsOfFile: "/sys/block/\(name)/dev", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":")
            if numbers.count == 2, let major = UInt32(numbers[0]), let minor = UInt32(numbers[1]) { return (name, major, minor) }
        }
        throw HarnessError("this host has no block device in /sys/block that root can open to aim at")
    }

    @Test(.needsRoot) func aDefaultContainerMakesAHostDiskNodeButCannotOpenIt() throws {
        let disk = try Self.hostBlockDevice()
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let pod = try AttackPod("devices")
        // mknod is allowed (`b *:* m`, as runc's default); reading the node is not.
        #expect(try pod.exec("mknod /tmp/disk b \(disk.major) \(disk.minor)").status == 0)
        let read = try pod.exec("head -c 512 /tmp/disk > /dev/null")
        #expect(read.status != 0, "\(disk.name) \(disk.major):\(disk.minor) was readable")
        #expect(read.stderr.contains("Operation not permitted"), "\(read.stderr)")
        let memory = try pod.exec("mknod /tmp/mem c 1 1 && head -c 1 /tmp/mem")
        #expect(memory.stderr.contains("Operation not permitted"), "/dev/mem: \(memory.stderr)")
        // The standard devices still work.
        #expect(try pod.exec("echo x > /dev/null && head -c 16 /dev/zero | wc -c").output == "16")
        #expect(try pod.exec("head -c 16 /dev/urandom | wc -c").output == "16")
        #expect(try pod.exec("echo x > /dev/full").stderr.contains("No space left on device"))
        try Self.expectV1List(pod, DeviceAllowList.standard)
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    @Test(.needsRoot) func aPrivilegedContainerOpensIt() throws {
        let disk = try Self.hostBlockDevice()
        let pod = try AttackPod("privdevices", securityContext: "{privileged: true}")
        let read = try pod.exec("mknod /tmp/disk b \(disk.major) \(disk.minor) && head -c 512 /tmp/disk > /dev/null && echo opened")
        #expect(read.output == "opened", "\(disk.name): \(read.stderr)")
        try Self.expectV1List(pod, DeviceAllowList.everything)
    }

    /// On v1 the kernel's own account of the container's cgroup: devices.list.
    static func expectV1List(_ pod: AttackPod, _ rules: [DeviceRule]) throws {
        guard let hierarchy = CgroupHierarchy.detect(), hierarchy.version == .v1, let mount = hierarchy.mounts["devices"] else { return }
        let root = mount + pod.harness.cgroupRoot
        let pods = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("pod") }
        try #require(pods.count == 1, "one pod cgroup under \(root): \(pods)")
        let list = try String(contentsOfFile: "\(root)/\(pods[0])/ctr_c/devices.list", encoding: .utf8)
        #expect(list.split(separator: "\n").map(String.init) == rules.map(\.description))
    }
}
