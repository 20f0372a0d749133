import CPodShim
import Glibc
import PodCore

extension Cgroup {
    /// Confines the cgroup's processes to the devices `rules` allow: on v1 through the
    /// devices controller's files, on v2 through a BPF_CGROUP_DEVICE program on the
    /// cgroup's directory (cgroup v2 has no devices controller; cgroup-v2.rst, "Device
    /// controller"). Called on a fresh cgroup before anything joins it. Returns a warning
    /// when a v1 host has no devices controller mounted: the container runs, as it would
    /// without any other missing controller. Everything else that fails throws: a
    /// container must not start with the host's devices open to it.
    public func restrictDevices(_ rules: [DeviceRule]) throws(PodError) -> [String] {
        switch hierarchy.version {
        case .v1:
            guard let directory = directory("devices") else {
                return ["the devices cgroup controller is not available on this host: the container can open any device node it creates"]
            }
            for write in DeviceAllowList.v1Writes(rules) {
                try CgroupFiles.write(write.value, to: directory + "/" + write.file)
            }
        case .v2:
            // No program allows everything, and a host whose kernel has no cgroup BPF
            // still runs privileged containers.
            if rules.contains(where: \.allowsEverything) { return [] }
            guard let directory = directories.first else { return [] }
            try Self.attachDeviceFilter(DeviceFilter.program(rules), to: directory)
        }
        return []
    }

    /// Loads the program and attaches it to `directory`. The attachment holds the program:
    /// its descriptor is closed here, and removing the cgroup detaches and frees it.
    static func attachDeviceFilter(_ program: [BPFInstruction], to directory: String) throws(PodError) {
        let cgroupFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard cgroupFD >= 0 else { throw PodError.system("open", errno: errno, path: directory, "cannot open the cgroup \(directory)") }
        defer { close(cgroupFD) }
        let bytes = DeviceFilter.bytes(program)
        let count = UInt32(program.count)
        var programFD = bytes.withUnsafeBytes { podshim_bpf_load_device_filter($0.baseAddress, count, nil, 0) }
        if programFD < 0 {
            let code = errno
            // Loaded again with a log only to say why the verifier refused it.
            var log = [CChar](repeating: 0, count: 16384)
            programFD = bytes.withUnsafeBytes { podshim_bpf_load_device_filter($0.baseAddress, count, &log, UInt32(log.count)) }
            if programFD < 0 {
                let reason = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw PodError.system("bpf(BPF_PROG_LOAD)", errno: code, path: directory,
                                      "cannot load the device filter for \(directory)" + (reason.isEmpty ? "" : ": " + reason))
            }
        }
        defer { close(programFD) }
        guard podshim_bpf_attach_device_filter(cgroupFD, programFD) == 0 else {
            throw PodError.system("bpf(BPF_PROG_ATTACH)", errno: errno, path: directory, "cannot attach the device filter to \(directory)")
        }
    }
}
