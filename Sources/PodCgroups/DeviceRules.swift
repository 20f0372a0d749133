/// One entry of a container's device allow-list, in the devices cgroup's own terms
/// (Documentation/admin-guide/cgroup-v1/devices.rst): a type, a major and minor number
/// (nil is `*`, any) and the accesses it allows.
public struct DeviceRule: Equatable, Sendable, CustomStringConvertible {
    /// The letters of devices.allow; the raw values of `Kind.block`/`.char` are the
    /// kernel's BPF_DEVCG_DEV_BLOCK and BPF_DEVCG_DEV_CHAR (include/uapi/linux/bpf.h).
    public enum Kind: Sendable {
        case all, block, char

        var letter: String {
            switch self {
            case .all: "a"
            case .block: "b"
            case .char: "c"
            }
        }

        var bpfType: Int32? {
            switch self {
            case .all: nil
            case .block: 1
            case .char: 2
            }
        }
    }

    /// The bits are the kernel's BPF_DEVCG_ACC_MKNOD, _READ and _WRITE, the letters m, r, w.
    public struct Access: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let mknod = Access(rawValue: 1)
        public static let read = Access(rawValue: 2)
        public static let write = Access(rawValue: 4)
        public static let all: Access = [.read, .write, .mknod]

        var letters: String {
            (contains(.read) ? "r" : "") + (contains(.write) ? "w" : "") + (contains(.mknod) ? "m" : "")
        }
    }

    public let kind: Kind
    public let major: UInt32?
    public let minor: UInt32?
    public let access: Access

    public init(_ kind: Kind, _ major: UInt32?, _ minor: UInt32?, _ access: Access = .all) {
        self.kind = kind
        self.major = major
        self.minor = minor
        self.access = access
    }

    /// `c 1:3 rwm`, as devices.allow takes it and devices.list shows it.
    public var description: String {
        "\(kind.letter) \(major.map(String.init) ?? "*"):\(minor.map(String.init) ?? "*") \(access.letters)"
    }

    /// `a *:* rwm`: every device, every access.
    public var allowsEverything: Bool { kind == .all && major == nil && minor == nil && access == .all }
}

/// The devices a container may use. A default container gets runc's and crun's default
/// list (runc libcontainer/specconv `AllowedDevices`): it may mknod any node (`c *:* m`,
/// `b *:* m`; CAP_MKNOD is in the default capability set, as Docker's) but read or write
/// only the standard ones, so a node it makes for the host's disk cannot be opened.
/// A privileged container gets every device, as with Docker and the kubelet.
///
/// /dev/net/tun (c 10:200): runc 1.2.0 took it out of the default (runc #3468) and 1.2.4
/// put it back (#4555) because VPN containers broke that Kubernetes gives no other way to
/// ask for it. Making a tun interface needs CAP_NET_ADMIN, which the default set lacks, so
/// podctl allows tun only to a container whose bounding set has CAP_NET_ADMIN
/// (`capabilities.add: [NET_ADMIN]`): those keep working, the rest never reach the driver.
public enum DeviceAllowList {
    public static let standard: [DeviceRule] = [
        DeviceRule(.char, nil, nil, .mknod),
        DeviceRule(.block, nil, nil, .mknod),
        DeviceRule(.char, 1, 3),      // /dev/null
        DeviceRule(.char, 1, 5),      // /dev/zero
        DeviceRule(.char, 1, 7),      // /dev/full
        DeviceRule(.char, 1, 8),      // /dev/random
        DeviceRule(.char, 1, 9),      // /dev/urandom
        DeviceRule(.char, 5, 0),      // /dev/tty
        DeviceRule(.char, 5, 1),      // /dev/console
        DeviceRule(.char, 5, 2),      // /dev/ptmx
        DeviceRule(.char, 136, nil),  // /dev/pts/*
    ]

    public static let everything = [DeviceRule(.all, nil, nil)]
    public static let tun = DeviceRule(.char, 10, 200)
    /// CAP_NET_ADMIN in linux/capability.h.
    static let netAdmin = 12

    /// `bounding` is the container's bounding capability set, a bit per capability.
    public static func rules(privileged: Bool, bounding: UInt64) -> [DeviceRule] {
        if privileged { return everything }
        return bounding & (1 << netAdmin) != 0 ? standard + [tun] : standard
    }

    /// The cgroup v1 writes that make a fresh devices cgroup allow exactly `rules`: `a` to
    /// devices.deny empties its list (a new cgroup starts with its parent's, `a *:* rwm`),
    /// then one devices.allow write per rule, as runc's v1 devices manager does.
    public static func v1Writes(_ rules: [DeviceRule]) -> [(file: String, value: String)] {
        if rules.contains(where: \.allowsEverything) { return [("devices.allow", "a")] }
        return [("devices.deny", "a")] + rules.map { ("devices.allow", $0.description) }
    }
}
