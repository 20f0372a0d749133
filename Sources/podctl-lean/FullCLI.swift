import Glibc

/// podctl-cli, the full command line, found as podctl's helpers are (Binaries.locate):
/// `PODCTL_LIBEXEC`, beside this executable, `../libexec/podctl` from it.
enum FullCLI {
    static let name = "podctl-cli"

    static func handOver(environment: (String) -> String?) -> Never {
        let own = ownDirectory()
        var candidates = [own, own + "/../libexec/podctl", "/usr/local/libexec/podctl"]
        if let configured = environment("PODCTL_LIBEXEC") { candidates.insert(configured, at: 0) }
        for directory in candidates {
            let path = directory + "/" + name
            guard access(path, X_OK) == 0 else { continue }
            // argv[0] stays as the user typed it; the rest is passed on unchanged.
            let argv = CommandLine.arguments.map { strdup($0) } + [nil]
            execv(path, argv)
            let line = Array("error: cannot run \(path): \(String(cString: strerror(errno)))\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(2)
        }
        let line = Array("error: cannot find \(name) in \(candidates.joined(separator: ", ")); install podctl with deploy/install.sh or set PODCTL_LIBEXEC\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }

    /// The directory of /proc/self/exe (the real binary, not a symlink to it).
    static func ownDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
