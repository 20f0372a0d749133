import Glibc
import PodLaunch

/// Resolves the program as Kubernetes runtimes do: a name with a slash is taken as it is;
/// otherwise each directory of the container's PATH is tried. The check runs inside the
/// container's root, so a missing program is a clear error before anything is exec'd.
func resolveProgram(_ process: ProcessSpec) -> String {
    guard let name = process.argv.first, !name.isEmpty else {
        fail(.notFound, "exec", ENOENT, "", "no command given, and the image has no Entrypoint or Cmd")
    }
    if name.contains("/") {
        checkExecutable(name)
        return name
    }
    let path = process.env.last(where: { $0.hasPrefix("PATH=") }).map { String($0.dropFirst(5)) }
        ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    for directory in path.split(separator: ":") where !directory.isEmpty {
        let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
        var info = stat()
        if stat(candidate, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(candidate, X_OK) == 0 {
            return candidate
        }
    }
    fail(.notFound, "exec", ENOENT, name, "exec: \"\(name)\": executable file not found in $PATH")
}

func checkExecutable(_ path: String) {
    var info = stat()
    if stat(path, &info) != 0 {
        fail(.notFound, "stat", errno, path, "exec: \"\(path)\": no such file or directory")
    }
    if (info.st_mode & S_IFMT) == S_IFDIR || access(path, X_OK) != 0 {
        fail(.notExecutable, "access", EACCES, path, "exec: \"\(path)\": permission denied")
    }
}
