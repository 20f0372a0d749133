import Glibc

/// What of the host the seccomp profiles depend on: its kernel version and the
/// architectures its processes can make system calls in.
public struct Host: Equatable, Sendable {
    /// Major and minor of the running kernel (`uname -r`).
    public var kernel: KernelVersion
    /// libseccomp's names: the native architecture first, then the compatibility ABIs.
    public var architectures: [String]
    /// The Go name of the native architecture (`amd64`, `arm64`), as Docker profiles'
    /// `includes.arches` and `excludes.arches` spell it.
    public var goArchitecture: String

    public init(kernel: KernelVersion, architectures: [String], goArchitecture: String) {
        self.kernel = kernel
        self.architectures = architectures
        self.goArchitecture = goArchitecture
    }

    public static var current: Host {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #if arch(x86_64)
        let architectures = ["x86_64", "x86", "x32"], go = "amd64"
        #elseif arch(arm64)
        let architectures = ["aarch64", "arm"], go = "arm64"
        #else
        let architectures: [String] = [], go = ""
        #endif
        return Host(kernel: KernelVersion(release) ?? KernelVersion(major: 0, minor: 0), architectures: architectures, goArchitecture: go)
    }
}

public struct KernelVersion: Comparable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `6.1.0-18-amd64` → 6.1; `4.8` → 4.8.
    public init?(_ text: String) {
        let numbers = text.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return nil }
        self.init(major: numbers[0], minor: numbers[1])
    }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }
}
